/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the examiner's tag file (case --tags, report/rpt_tags.c wxf_tags_parse): CSV
 * read as untrusted bytes.  An accepted file gives rows within the documented limits (non-empty
 * id and tag, valid UTF-8, no field over WXF_TAGS_MAX_FIELD bytes, at most WXF_TAGS_MAX_ROWS);
 * a refused one says why and leaves nothing behind. */
#include "config.h"
#include "base/wxf_buf.h"
#include "base/wxf_err.h"
#include "report/report.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void
check_field(const char *s, int required)
{
	size_t n = strlen(s);

	if ((required && n == 0) || n > WXF_TAGS_MAX_FIELD || !wxf_utf8_valid(s, n))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wxf_report_tags t;
	wxf_err err;
	size_t i;

	if (size > WXF_TAGS_MAX_BYTES + 16)
		return 0;
	wxf_err_clear(&err);
	if (wxf_tags_parse((const char *)data, size, &t, &err) != WXF_OK) {
		if (err.msg[0] == '\0' || t.n != 0 || t.v != NULL)
			abort();   /* a refusal says why and keeps nothing */
		return 0;
	}
	if (t.n > WXF_TAGS_MAX_ROWS)
		abort();
	for (i = 0; i < t.n; i++) {
		check_field(t.v[i].id, 1);
		check_field(t.v[i].tag, 1);
		check_field(t.v[i].note, 0);
		check_field(t.v[i].examiner, 0);
		if (t.v[i].line < 2 || (i > 0 && t.v[i].line <= t.v[i - 1].line))
			abort();   /* rows after the header, in the file's order */
	}
	wxf_tags_free(&t);
	return 0;
}
