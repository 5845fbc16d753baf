/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The case layer: the whole pipeline (DESIGN.md "Data flow") as one library call, from the
 * evidence as given to a written, hashed evidence bundle (case/case.c lists the steps and the
 * function that performs each).  It knows no platform: every WeChat client family is a driver
 * in wechat/wc_drivers.c, and every device container an unpacker in intake/.
 *
 *   wxf_case_opts o = { .out = "OUTDIR", .tz = "Asia/Shanghai", ... };
 *   wxf_case_summary s;
 *   rc = wxf_case_run(paths, n, &o, &s, &err);   // WXF_OK: s says what was found
 *   wxf_case_summary_free(&s);
 *
 * Layering: cli -> case -> intake, decrypt, sqlite, carve, model, wechat, analysis, report.
 * Allocation: abort-on-OOM wrappers (C9: the pipeline's own bookkeeping, like cli/).
 */
#ifndef WXF_CASE_H
#define WXF_CASE_H

#include <stddef.h>
#include <stdint.h>
#include "base/wxf_err.h"
#include "base/wxf_log.h"

typedef struct wxf_case_opts {
	const char *out;                 /* OUTDIR: new or empty, not inside the evidence */
	const char *tool;                /* "wxforensic 0.1.0 (gitid)": audit log */
	const char *cmdline;             /* the command line as run (rewritten for the record) */
	const char *tool_version, *git_id;
	wxf_log *log;
	/* keys and hints, platform-neutral */
	const char *key;                 /* --key */
	const char *raw_key;             /* --raw-key */
	char **dumps;                    /* --memdump (NULL-terminated) */
	const char *image_key;           /* --image-key */
	char **imeis, **uins;            /* --imei / --uin */
	const char *backup_key;          /* --backup-key */
	const char *backup_password;     /* --backup-password (containers) */
	unsigned jobs;                   /* decryption and carving threads; 0 = all CPUs */
	int reveal_key;
	int no_carve;
	/* analysis */
	const char *seller;              /* --seller */
	const char *const *indicator_files;
	size_t n_indicator_files;
	/* report */
	const char *tz;                  /* display zone (NULL: Asia/Shanghai) */
	const char *case_number, *exhibit, *examiner, *organisation;
	size_t page_msgs;                /* 0: the report's default */
	long long inline_msgs;           /* 0: the report's default; -1: every conversation on pages */
	const char *sign_key;            /* --sign: Ed25519 private key (PEM) signing the manifest */
	const char *pdf_renderer;        /* report.pdf rendered by this program (WeasyPrint), after
	                                    the manifest; NULL: no PDF */
	const char *tags_file;           /* --tags: the examiner's tag file (CSV), or NULL */
	const char *const *exhibit_labels; /* --exhibit-label "LABEL=PATH" (NULL-terminated; each
	                                    PATH is also one of the evidence paths), or NULL */
} wxf_case_opts;

/* One account as the summary shows it. */
typedef struct wxf_case_account {
	char *label;                     /* "android 3f69…" (NULL: the only account) */
	char *seller;                    /* proposed or given seller, NULL if none */
	const char *seller_source;       /* "ranked", "given" */
	int totals_ok;                   /* net valid (no overflow) */
	int crpl_ok;                     /* crpl55_fen is a figure (a seller was paid) */
	int64_t net_fen, crpl55_fen;
	int seller_own;                  /* the seller's own account (seller across exhibits) */
} wxf_case_account;

/* A driver that reads whole folders (run()): its line in the summary. */
typedef struct wxf_case_unit {
	const char *noun;                /* "WeChat PC backups" */
	size_t n, n_read;
} wxf_case_unit;

/* Where a run stopped (wxf_case_summary.step): the command line maps it to an exit status. */
typedef enum wxf_case_step {
	WXF_CASE_START = 0,              /* options */
	WXF_CASE_INTAKE,                 /* reading the evidence */
	WXF_CASE_OUTPUT,                 /* preparing OUTDIR and the audit log */
	WXF_CASE_READ,                   /* containers, accounts, databases */
	WXF_CASE_ANALYSE,
	WXF_CASE_WRITE,
	WXF_CASE_DONE
} wxf_case_step;

typedef struct wxf_case_summary {
	wxf_case_step step;              /* the step reached (WXF_CASE_DONE: bundle written) */
	size_t n_dbs, n_dbs_read;        /* the accounts' message databases, found and read */
	wxf_case_unit units[8];          /* one per run() driver that found something */
	size_t n_units;
	size_t n_msgs, n_payments;       /* over every account */
	wxf_case_account *accounts;      /* in report order */
	size_t n_accounts;
	size_t n_xsellers, n_xlinked;    /* sellers linked across the accounts, accounts in them */
	int64_t xnet_fen, xcrpl55_fen;   /* their totals: net, the sum of the victims' figures */
	size_t n_changed;                /* evidence files changed between the two hashings */
	size_t n_unreadable;             /* containers that could not be opened */
	size_t n_dbs_unreadable;         /* databases (or run() folders) not decrypted or not read */
	size_t n_cites, n_cites_text;    /* cited byte ranges checked; of them, with text */
	size_t n_cites_failed;           /* ranges that do not hold what the bundle reports */
	size_t n_faults;                 /* steps the machine failed (temporary folder full, out
	                                    of memory): the bundle is written, without their part */
	char manifest_sha256[65];
	char audit_head[65];
	char signer[65];                 /* the signing key's fingerprint when signed, else "" */
	unsigned long n_audit_records;   /* lines of audit.jsonl */
	char pdf_sha256[65];             /* report.pdf ("" without --pdf or when it failed) */
	int pdf_failed;                  /* 1: the bundle is written, report.pdf is not */
} wxf_case_summary;

/*
 * Runs intake, containers, accounts, keys, decryption, reading, recovery, analysis, the
 * second hashing and the writers into o->out.  Returns WXF_OK when the bundle was written
 * (s->n_changed > 0 means the evidence changed: a finding); WXF_EUSAGE (bad OUTDIR, unknown
 * time zone, an unreadable --indicators file, an unreadable or malformed --tags file: s->step
 * WXF_CASE_START, nothing done; a tag naming no record: s->step WXF_CASE_WRITE, no report and
 * no manifest written, so that verify refuses the folder as an unfinished bundle); the intake's error when the evidence cannot be
 * read (s->step WXF_CASE_INTAKE); WXF_EIO / WXF_ENOMEM when the bundle cannot be written.  err
 * says why; s is filled as far as the run went.
 */
int wxf_case_run(char *const *evidence, size_t n, const wxf_case_opts *o, wxf_case_summary *s,
    wxf_err *err);
void wxf_case_summary_free(wxf_case_summary *s);

/*
 * Cited bytes (case_cite.c).  A provenance's range re-read, hashed, and searched for the text
 * the bundle reports for it (the needle: wxf_cite_needle).  `case` checks every provenance
 * before it writes; wxf_cite_verify_bundle checks a written bundle's timeline.xml again.
 */
typedef struct wxf_cite_cache wxf_cite_cache;
typedef struct wxf_cite_ref {
	uint64_t offset;
	uint32_t length;
	uint32_t pgno, frame;            /* as cited; a SQLite record is decoded when frame is 0 */
	const char *needle;              /* what the range must hold; NULL: nothing to look for */
	size_t needle_len;
	const char *name;                /* the file as the bundle names it: a zero-length
	                                    citation of a folder (a value known from a folder's
	                                    name, such as a PC backup's wxid) holds the needle in
	                                    that name */
} wxf_cite_ref;
typedef struct wxf_cite_result {
	size_t n_checked;                /* ranges read and hashed */
	size_t n_text;                   /* of them, checked for their text too */
	size_t n_failed;                 /* unreadable, hash differs, or text not there */
	char **listed;                   /* "<item>: <why>", the first 200 failures */
	size_t n_listed;
} wxf_cite_result;

wxf_cite_cache *wxf_cite_new(void);
void wxf_cite_free(wxf_cite_cache **c);
/* The needle of a text in its visible form (wxf_buf_visible; the form timeline.xml holds): the
 * first piece of at least 8 bytes, else the longest, of the text cut at "[U+XXXX]" markers,
 * U+FFFD, whitespace and & < > " ', at most 24 bytes, from the first 512 bytes.  Returns its
 * length (0: none) and points *needle into vis. */
size_t wxf_cite_needle(const char *vis, size_t n, const char **needle);
/* Reads ref's range of the file at path: hex gets its SHA-256; *text_ok is 1 when it (or the
 * SQLite record whose cell starts there) holds the needle, 0 when not, -1 without a needle.
 * A folder cited with length 0 gives the SHA-256 of nothing and holds the needle in ref->name.
 * WXF_OK, or the error when the file cannot be read or the range lies beyond its end. */
int wxf_cite_check(wxf_cite_cache *c, const char *path, const wxf_cite_ref *ref, char hex[65],
    int *text_ok, wxf_err *err);
/* Checks every provenance of OUTDIR/timeline.xml: the range of its image (in the bundle) or of
 * its evidence file (relative to evidence_base, or as written when NULL), against its
 * range_sha256 and the text the bundle reports for it.  WXF_OK when the timeline was read (r
 * says what failed); WXF_EIO / WXF_ECORRUPT when it cannot be. */
int wxf_cite_verify_bundle(const char *outdir, const char *evidence_base, wxf_cite_result *r,
    wxf_err *err);
void wxf_cite_result_free(wxf_cite_result *r);

#endif
