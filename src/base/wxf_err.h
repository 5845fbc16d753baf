/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wxf_err: the one error type of wxforensic.
 *
 * Every fallible function returns int (WXF_OK = 0, or a negative WXF_E* code) and takes
 * `wxf_err *err` as its last argument (may be NULL).  The first failure records the code, the
 * severity, the source location and, for corruption, the evidence location (file, page, byte
 * offset).  Each layer above may prepend context with wxf_err_wrap(), giving a backtrace such as
 *   "decrypt: message.db: page 7: HMAC mismatch".
 * There is no hidden global error state (CONVENTIONS C2-C4).
 */
#ifndef WXF_ERR_H
#define WXF_ERR_H

#include <stdarg.h>
#include <stdint.h>

enum {
	WXF_OK = 0,
	WXF_EIO = -1,          /* cannot read/write a file */
	WXF_ECORRUPT = -2,     /* evidence bytes violate the format */
	WXF_ECRYPTO = -3,      /* crypto library failure or wrong key */
	WXF_ENOMEM = -4,
	WXF_EUSAGE = -5,       /* bad option or argument */
	WXF_EUNSUPPORTED = -6, /* recognised but not supported (e.g. encrypted .ab without password) */
	WXF_ENOTFOUND = -7,
	WXF_EKEY = -8,         /* no key / wrong key */
	WXF_EINTERNAL = -9,
	WXF_EVERIFY = -10      /* integrity check failed (hash mismatch, HMAC, audit chain) */
};

/* Severity grades (libarchive style): only cli/ decides to stop. */
enum wxf_sev {
	WXF_SEV_NONE = 0,
	WXF_SEV_WARN = 1,   /* record/page skipped, listed under anomalies */
	WXF_SEV_FAILED = 2, /* this object failed, others go on */
	WXF_SEV_FATAL = 3   /* evidence unusable */
};

typedef struct wxf_err {
	int code;
	enum wxf_sev sev;
	const char *src_file; /* toolkit source location of the first failure */
	int src_line;
	int64_t pgno;         /* evidence page, -1 if none */
	int64_t off;          /* evidence byte offset, -1 if none */
	char msg[1024];
} wxf_err;

void wxf_err_clear(wxf_err *err);
/* Records a failure; returns `code` so callers can `return wxf_err_set(...)`. */
int wxf_err_setx(wxf_err *err, int code, enum wxf_sev sev, const char *file, int line,
    int64_t pgno, int64_t off, const char *fmt, ...) __attribute__((format(printf, 8, 9)));
/* Prepends "context: " to the message; returns err->code (or `code` when err is NULL). */
int wxf_err_wrap(wxf_err *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *wxf_err_code_name(int code);

#define wxf_err_set(err, code, ...) \
	wxf_err_setx((err), (code), WXF_SEV_FAILED, __FILE__, __LINE__, -1, -1, __VA_ARGS__)
/* One breakpoint for all corruption (SQLITE_CORRUPT_BKPT). */
#define WXF_CORRUPT(err, pgno, off, ...) \
	wxf_err_setx((err), WXF_ECORRUPT, WXF_SEV_WARN, __FILE__, __LINE__, (pgno), (off), __VA_ARGS__)

/* Process exit codes, documented in wxforensic(1). */
enum {
	WXF_EXIT_OK = 0,
	WXF_EXIT_FINDINGS = 1,  /* verification failure or findings */
	WXF_EXIT_USAGE = 2,
	WXF_EXIT_EVIDENCE = 3,  /* evidence unreadable */
	WXF_EXIT_INTERNAL = 4
};
int wxf_err_exit_code(int code);

#endif
