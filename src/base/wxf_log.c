/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "wxf_log.h"
#include "wxf_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void
wxf_log_init(wxf_log *l, enum wxf_log_level level)
{
	memset(l, 0, sizeof(*l));       /* no hook: progress is drawn here */
	l->out = stderr;
	l->level = level;
	l->tty = isatty(STDERR_FILENO);
	l->progress_drawn = 0;
	l->n_warn = l->n_error = 0;
	l->p_label[0] = '\0';
	l->p_start = l->p_last = 0;
}

static double
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
wxf_log_msg(wxf_log *l, enum wxf_log_level level, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	va_list ap;
	char *msg = NULL;
	wxf_buf b;
	int n;

	if (level == WXF_LOG_WARN)
		l->n_warn++;
	if (level == WXF_LOG_ERROR)
		l->n_error++;
	if (level > l->level)
		return;
	wxf_log_progress_end(l);
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	/* messages name evidence files and quote evidence text: nothing of it may drive the
	 * terminal (escape sequences, line breaks that forge a message of their own) */
	wxf_buf_init(&b);
	if (n >= 0)
		wxf_buf_term(&b, msg, (size_t)n);
	free(msg);
	fprintf(l->out, "wxforensic: %s: %s\n", names[level], b.p != NULL ? b.p : "");
	wxf_buf_free(&b);
	fflush(l->out);
}

void
wxf_log_progress(wxf_log *l, const char *label, uint64_t done, uint64_t total, const char *rate)
{
	double now, el;
	char eta[48] = "";

	if (l != NULL && l->hook != NULL) {
		l->hook(l->hook_arg, label, done, total);
		return;
	}
	if (l == NULL || !l->tty || l->level < WXF_LOG_INFO)
		return;
	now = mono_now();
	if (strncmp(l->p_label, label, sizeof(l->p_label) - 1) != 0) {
		snprintf(l->p_label, sizeof(l->p_label), "%s", label);
		l->p_start = now;
	} else if (now - l->p_last < 0.1 && done < total)
		return;
	l->p_last = now;
	el = now - l->p_start;
	if (total > 0 && done > 0 && done < total && el >= 1.0)
		snprintf(eta, sizeof(eta), ", about %.0f s left",
		    el * (double)(total - done) / (double)done);
	if (total > 0)
		fprintf(l->out, "\r\033[K%s: %llu/%llu (%.1f%%)%s%s%s", label, (unsigned long long)done,
		    (unsigned long long)total, 100.0 * (double)done / (double)total,
		    rate ? " " : "", rate ? rate : "", eta);
	else if (done == 0 && rate == NULL)
		fprintf(l->out, "\r\033[K%s ...", label);   /* a step that counts nothing */
	else
		fprintf(l->out, "\r\033[K%s: %llu%s%s", label, (unsigned long long)done,
		    rate ? " " : "", rate ? rate : "");
	fflush(l->out);
	l->progress_drawn = 1;
}

void
wxf_log_progress_end(wxf_log *l)
{
	if (l == NULL || l->hook != NULL)
		return;
	l->p_label[0] = '\0';
	if (l->progress_drawn) {
		fputs("\r\033[K", l->out);
		fflush(l->out);
		l->progress_drawn = 0;
	}
}
