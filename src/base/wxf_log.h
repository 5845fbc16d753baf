/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Levelled logging to stderr (never stdout: stdout carries data, C10), and a progress line that
 * is drawn only when stderr is a terminal.  State lives in the caller's wxf_log, no globals.
 */
#ifndef WXF_LOG_H
#define WXF_LOG_H

#include <stdint.h>
#include <stdio.h>

enum wxf_log_level { WXF_LOG_ERROR = 0, WXF_LOG_WARN = 1, WXF_LOG_INFO = 2, WXF_LOG_DEBUG = 3 };

typedef struct wxf_log {
	FILE *out;            /* stderr */
	enum wxf_log_level level;
	int tty;              /* progress drawn only when set */
	int progress_drawn;
	unsigned n_warn, n_error;
	/* the step being drawn (its label), when it started and when it was last drawn */
	char p_label[64];
	double p_start, p_last;
	/* when set, wxf_log_progress hands its arguments to hook instead of drawing (a worker's
	 * copy of the log: the hook draws one line for all the workers); progress_end does
	 * nothing */
	void (*hook)(void *arg, const char *label, uint64_t done, uint64_t total);
	void *hook_arg;
} wxf_log;

void wxf_log_init(wxf_log *l, enum wxf_log_level level);
void wxf_log_msg(wxf_log *l, enum wxf_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define wxf_log_error(l, ...) wxf_log_msg((l), WXF_LOG_ERROR, __VA_ARGS__)
#define wxf_log_warn(l, ...) wxf_log_msg((l), WXF_LOG_WARN, __VA_ARGS__)
#define wxf_log_info(l, ...) wxf_log_msg((l), WXF_LOG_INFO, __VA_ARGS__)
#define wxf_log_debug(l, ...) wxf_log_msg((l), WXF_LOG_DEBUG, __VA_ARGS__)
/* Draws "label: done/total (pct) rate, about N s left" on a TTY; no-op otherwise (and when l
 * is NULL).  total may be 0 (unknown: no percentage, no estimate).  The estimate is the step's
 * pace so far (a new label starts a new step), shown after its first second; redrawn at most
 * ten times a second. */
void wxf_log_progress(wxf_log *l, const char *label, uint64_t done, uint64_t total,
    const char *unit_rate);
void wxf_log_progress_end(wxf_log *l);

#endif
