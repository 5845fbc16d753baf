/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "wxf_err.h"

#include <stdio.h>
#include <string.h>

void
wxf_err_clear(wxf_err *err)
{
	if (err == NULL)
		return;
	memset(err, 0, sizeof(*err));
	err->pgno = -1;
	err->off = -1;
}

int
wxf_err_setx(wxf_err *err, int code, enum wxf_sev sev, const char *file, int line,
    int64_t pgno, int64_t off, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	err->sev = sev;
	err->src_file = file;
	err->src_line = line;
	err->pgno = pgno;
	err->off = off;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

int
wxf_err_wrap(wxf_err *err, int code, const char *fmt, ...)
{
	char prefix[256], old[sizeof(err->msg)];
	size_t lp;
	va_list ap;

	if (err == NULL)
		return code;
	if (err->code == WXF_OK)
		err->code = code;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	lp = strlen(prefix);
	if (lp + 2 >= sizeof(err->msg))
		return err->code;
	memcpy(err->msg, prefix, lp);
	memcpy(err->msg + lp, ": ", 2);
	memcpy(err->msg + lp + 2, old, sizeof(err->msg) - lp - 3);
	err->msg[sizeof(err->msg) - 1] = '\0';
	return err->code;
}

const char *
wxf_err_code_name(int code)
{
	switch (code) {
	case WXF_OK: return "ok";
	case WXF_EIO: return "io";
	case WXF_ECORRUPT: return "corrupt";
	case WXF_ECRYPTO: return "crypto";
	case WXF_ENOMEM: return "nomem";
	case WXF_EUSAGE: return "usage";
	case WXF_EUNSUPPORTED: return "unsupported";
	case WXF_ENOTFOUND: return "notfound";
	case WXF_EKEY: return "key";
	case WXF_EVERIFY: return "verify";
	default: return "internal";
	}
}

int
wxf_err_exit_code(int code)
{
	switch (code) {
	case WXF_OK: return WXF_EXIT_OK;
	case WXF_EUSAGE: return WXF_EXIT_USAGE;
	case WXF_EIO: case WXF_ECORRUPT: case WXF_EUNSUPPORTED: case WXF_ENOTFOUND: case WXF_EKEY:
	case WXF_ECRYPTO:
		return WXF_EXIT_EVIDENCE;
	case WXF_EVERIFY: return WXF_EXIT_FINDINGS;
	default: return WXF_EXIT_INTERNAL;
	}
}
