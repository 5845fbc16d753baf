/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the report writers (src/report: report.html with its conversation pages,
 * timeline.xml, timeline.jsonl, the CSV files, case.jsonld, the evidence list) on a model whose
 * strings come from the input: a few messages in two conversations, the owner, a seller, times
 * and kinds from the input bytes, analysed with the default indicator phrases.  Besides not
 * crashing, the HTML and XML must never hold a raw invisible code point (an RTL override, a
 * zero-width or tag character): evidence text is always shown as a visible [U+XXXX] marker.
 * Byte 0 chooses the one writer this input runs (all of them cost six times as much per
 * execution, wxf_report_write_all adds nothing but their order); the escapers alone are the
 * target report_text.  The other fields of the input are separated by NUL bytes: talker,
 * sender, body, title, desc, content, repeated per message. */
#include "config.h"
#include "analysis/analysis.h"
#include "base/wxf_buf.h"
#include "base/wxf_file.h"
#include "base/wxf_mem.h"
#include "report/report.h"

#include "fuzz/tmpdir.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[4200];          /* the bundle folder, emptied after each input */
static wxf_indicator_set *ind;

/* 1 if a file of the bundle holds a raw invisible code point */
static int
raw_invisible(const char *rel)
{
	char *p = wxf_path_join(dir, rel);
	uint8_t *d = NULL;
	size_t n = 0, i = 0, l;
	uint32_t cp;
	int bad = 0;

	if (wxf_file_read_small(p, 64u << 20, &d, &n, NULL) == WXF_OK)
		while (i < n && !bad) {
			if ((d[i] >= 0x20 && d[i] < 0x7f) || d[i] == '\n' || d[i] == '\t' ||
			    d[i] == '\r') {
				i++; /* printable ASCII, most of every page, without a decode */
				continue;
			}
			l = wxf_utf8_decode(d + i, n - i, &cp);
			if (l == 0)
				bad = 1; /* the writers emit valid UTF-8 only */
			else
				bad = wxf_cp_invisible(cp) && cp != 0x2028;
			i += l ? l : 1;
		}
	free(d);
	free(p);
	return bad;
}

/* The next NUL-separated field of the input, copied into the model's arena. */
static const char *
field(wxf_model *m, const uint8_t **p, const uint8_t *end)
{
	const uint8_t *s = *p, *z;
	char *v;

	if (s >= end)
		return NULL;
	z = memchr(s, 0, (size_t)(end - s));
	if (z == NULL)
		z = end;
	v = wxf_xstrndup((const char *)s, (size_t)(z - s));
	*p = z < end ? z + 1 : end;
	{
		const char *r = wxf_model_strdup(m, v);

		free(v);
		return r;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	wxf_model *m = NULL;
	wxf_analysis *an = NULL;
	wxf_analysis_opts ao;
	wxf_report_meta meta;
	wxf_report_in in;
	wxf_tz *tz;
	wxf_err err;
	wxf_prov pv;
	int64_t row = 1;
	unsigned which;
	int rc;

	if (size < 1 || size > (1u << 16))
		return 0;
	which = *p++ % 6;
	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "%s/out", fuzz_tmpdir("report"));
		wxf_err_clear(&err);
		if (wxf_indicators_load(&ind, NULL, NULL, 0, &err) != WXF_OK)
			ind = NULL;
	}
	if (mkdir(dir, 0700) != 0)
		abort();
	wxf_err_clear(&err);
	if (wxf_model_new(&m, &err) != WXF_OK) {
		fuzz_rmtree(dir);
		return 0;
	}
	memset(&pv, 0, sizeof(pv));
	pv.file = "ev/MicroMsg/f/EnMicroMsg.db";
	pv.table = "message";
	pv.origin = WXF_ORIGIN_LIVE;
	pv.status = WXF_STATUS_INTACT;
	pv.confidence = 100;
	wxf_model_set_owner(m, "wxid_owner", &pv);
	while (p < end && row < 64) {
		wxf_msg *g;
		uint8_t b = *p++;

		pv.rowid = row;
		pv.offset = (uint64_t)row * 100;
		pv.length = 40;
		pv.origin = (wxf_origin)(b % 3);
		pv.status = pv.origin == WXF_ORIGIN_LIVE ? WXF_STATUS_INTACT :
		    WXF_STATUS_DELETED_RECOVERED;
		g = wxf_model_new_msg(m, WXF_PLAT_ANDROID, "message", &pv, NULL);
		if (g == NULL)
			break;
		g->time_ms = (b & 0x80) ? WXF_TIME_UNKNOWN : 1772332380000 + row * 60000;
		g->dir = (b & 0x40) ? WXF_DIR_OUT : WXF_DIR_IN;
		g->kind = (wxf_msg_kind)((b >> 2) % WXF_MK_N);
		g->talker = field(m, &p, end);
		if (g->talker == NULL || g->talker[0] == '\0')
			g->talker = "wxid_seller";
		g->sender = g->dir == WXF_DIR_OUT ? "wxid_owner" : field(m, &p, end);
		g->body = field(m, &p, end);
		wxf_msg_xw(m, g)->title = field(m, &p, end);
		wxf_msg_xw(m, g)->desc = field(m, &p, end);
		g->content = field(m, &p, end);
		row++;
	}
	if (wxf_model_finish(m, &err) == WXF_OK) {
		memset(&ao, 0, sizeof(ao));
		ao.indicators = ind;
		wxf_analysis_run(m, &ao, &an, &err);
		tz = wxf_tz_new("Asia/Shanghai");
		memset(&meta, 0, sizeof(meta));
		meta.tool_version = "fuzz";
		meta.cmdline = "wxforensic case -o OUTDIR ev";
		meta.tz = tz;
		meta.generated_ms = 1780000000000;
		meta.generated_from_sde = 1;
		memset(&in, 0, sizeof(in));
		in.meta = &meta;
		in.m = m;
		in.an = an;
		wxf_err_clear(&err);
		if (tz != NULL) {
			switch (which) {
			case 0:
				rc = wxf_report_html(&in, dir, NULL, &err);
				if (rc == WXF_OK && raw_invisible("report.html"))
					abort();
				break;
			case 1:
				rc = wxf_report_xml(&in, dir, NULL, &err);
				if (rc == WXF_OK && raw_invisible("timeline.xml"))
					abort();
				break;
			case 2:
				wxf_report_jsonl(&in, dir, NULL, &err);
				break;
			case 3:
				wxf_report_csv(&in, dir, NULL, &err);
				break;
			case 4:
				wxf_report_case(&in, dir, NULL, &err);
				break;
			default:
				wxf_report_evidence_list(&in, dir, NULL, &err);
				break;
			}
		}
		wxf_tz_free(&tz);
		wxf_analysis_free(&an);
	}
	wxf_model_free(&m);
	fuzz_rmtree(dir);
	return 0;
}
