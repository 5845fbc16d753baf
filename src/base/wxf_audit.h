/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hash-chained audit log (JSON Lines).  Each line is one JSON object:
 *   {"seq":N,"time":"<UTC ISO 8601>","action":"...","tool":"wxforensic V (GITID)",
 *    <caller's members>, "prev":"<SHA-256 hex of the previous line's bytes, without its LF>"}
 * The first line's prev is 64 zeros.  Changing, inserting or removing any line breaks the chain,
 * which wxf_audit_verify() detects.  Times are SOURCE_DATE_EPOCH when set (reproducible runs).
 */
#ifndef WXF_AUDIT_H
#define WXF_AUDIT_H

#include <stdint.h>
#include <stdio.h>
#include "wxf_err.h"
#include "wxf_strmap.h"

typedef struct wxf_audit {
	FILE *f;
	unsigned long seq;
	char prev[65];
	char *tool;
	char *path;
	int write_errno;      /* the first write that failed (0: none): reported by close */
	wxf_strmap outputs;   /* bundle file -> struct audit_output (wxf_audit_output) */
	/* a deferred log (wxf_audit_defer): records kept in order, in memory, for wxf_audit_replay */
	int deferred;
	struct audit_pend *pend;
	size_t n_pend, cap_pend;
} wxf_audit;

int wxf_audit_open(wxf_audit *a, const char *path, const char *tool, wxf_err *err);
/* A log that keeps its records in memory (a writer running beside others): wxf_audit_replay
 * then adds them to the run's log in order, so that the log is the same whatever finished
 * first.  wxf_audit_close frees it. */
void wxf_audit_defer(wxf_audit *a);
/* Adds src's records to dst in their order (each chained and timed as it is added there) and
 * its outputs' sizes and hashes; WXF_EIO when dst cannot be written. */
int wxf_audit_replay(wxf_audit *dst, const wxf_audit *src, wxf_err *err);
/* `members` is a JSON fragment of object members without braces ("\"inputs\":[...]"), or NULL. */
int wxf_audit_add(wxf_audit *a, const char *action, const char *members, wxf_err *err);
/* A record whose one member is a string: "<key>":"<val>" (null when val is NULL).  NULL-safe
 * on a (no log, nothing recorded). */
void wxf_audit_kv(wxf_audit *a, const char *action, const char *key, const char *val);
/* A bundle file the run wrote, by its bundle-relative name, with the size and SHA-256 its writer
 * computed while writing it (the manifest takes them from here instead of reading the file
 * again).  Bookkeeping only: when it cannot be kept (no memory) the manifest reads the file. */
void wxf_audit_output(wxf_audit *a, const char *rel, uint64_t size, const char *sha256);
/* The SHA-256 kept for rel when the size kept is `size`; NULL otherwise. */
const char *wxf_audit_output_sha256(const wxf_audit *a, const char *rel, uint64_t size);
/* SHA-256 of the last line written (the chain head). */
const char *wxf_audit_head(const wxf_audit *a);
/* Closes the log: WXF_EIO naming the file and the reason ("No space left on device") when any
 * line could not be written or the final flush fails, else WXF_OK.  A log with a failed line
 * is incomplete: its chain no longer ends with the run's last record. */
int wxf_audit_close(wxf_audit *a, wxf_err *err);
/* Re-checks the chain; WXF_EVERIFY naming the first bad line. *n_lines gets the count. */
int wxf_audit_verify(const char *path, unsigned long *n_lines, wxf_err *err);

#endif
