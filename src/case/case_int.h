/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private parts of the case layer: the state of one run, shared by case.c (the pipeline) and
 * case_db.c (one database).
 */
#ifndef WXF_CASE_INT_H
#define WXF_CASE_INT_H

#include "case/case.h"
#include "analysis/analysis.h"
#include "base/wxf_audit.h"
#include "base/wxf_time.h"
#include "intake/intake.h"
#include "model/model.h"
#include "report/report.h"
#include "wechat/wc_driver.h"

typedef struct case_run {
	const wxf_case_opts *o;        /* &opts */
	wxf_case_opts opts;            /* the caller's, with out made absolute once it exists */
	char *out_abs;                 /* realpath of the bundle folder (opts.out after intake) */
	wxf_case_summary *s;
	wxf_log *log;
	wxf_tz *tz;
	wxf_inventory inv;             /* the evidence */
	wxf_unpack_result un;          /* unpacked containers */
	wxf_audit audit;
	wxf_wc_env env;
	wxf_wc_acct **accts;           /* every account, in reading order */
	size_t n_accts;
	wxf_analysis **ans;            /* per account (n_accts, or 1 for an empty case) */
	struct wxf_xview *xview;       /* the seller across the accounts (several accounts only) */
	char **root_label;             /* per evidence root (inv.roots): its --exhibit-label, or NULL */
	wxf_model *empty;              /* the model shown when no account was found */
	wxf_indicator_set *ind;        /* the phrase list every analysis borrows */
	char **limits;                 /* report limitations, NULL-terminated */
	size_t n_limits;
	int carved;                    /* deleted-record recovery ran on some database */
	char *cmdline;
	wxf_signer *signer;            /* --sign: the examiner's key, or NULL */
	uint8_t *tags_data;            /* --tags: the file's bytes, parsed into tags */
	size_t tags_len;
	wxf_report_tags tags;
	int64_t started_ms;            /* when the run started (SOURCE_DATE_EPOCH when set) */
	wxf_report_step steps[10];     /* the processing record (case_step_begin / _end) */
	size_t n_steps;
} case_run;

/* Appends a limitation (copied). */
void case_limit(case_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A step that failed for want of memory ends the run (exit status 4, "out of memory" and the
 * step's message on stderr; no manifest is written, so verify refuses the folder) instead of
 * becoming a limitation of the report: a result missing for that reason is not a property of
 * the evidence.  Returns when rc and err say nothing of memory. */
void case_check_oom(int rc, const wxf_err *err);

/* case_cite.c: every provenance of every account checked (range_sha256 set; a mismatch is an
 * audit record and a limitation, counted in the summary). */
void case_cite(case_run *r);

/* case_db.c: one database of an account.  Decryption (or the plaintext check) and the
 * statement; returns WXF_OK when an image can be read. */
int case_db_decrypt(case_run *r, wxf_wc_acct *a, size_t d);
/* Reading, recovery and the driver's close; returns WXF_OK when read. */
int case_db_read(case_run *r, wxf_wc_acct *a, size_t d);
/* The decryption statement of every database of a into its model's sources, with the
 * exhibit they belong to and the account's owner. */
void case_db_statements(case_run *r, wxf_wc_acct *a);
/* The evidence an account was found in: its root as given, or its container's evidence path. */
const char *case_exhibit_of(const case_run *r, const wxf_wc_acct *a);

#endif
