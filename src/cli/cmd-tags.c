/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wxforensic tags [--tag-template FILE] [-C DIR] OUTDIR
 *
 * The records of a finished bundle, one line each (id, time, type, conversation, sender, the
 * first characters of the text or the amount), so that the examiner can pick the ids of a tag
 * file for `case --tags`; --tag-template writes that file's header and one untagged row per
 * message, ready to fill.  Reads timeline.jsonl of the bundle, never the evidence's records;
 * the bundle is first checked as `verify` checks it (report/rpt_manifest.c: manifest, audit
 * chain, signature, the evidence that is reachable) and refused when it does not verify.
 *
 * Exit status: 0 listed (and the template written); 1 the bundle does not verify (or its run
 * did not finish); 2 usage (OUTDIR is no bundle, the template exists or lies in the bundle);
 * 4 the template or standard output could not be written.
 */
#include "config.h"
#include "cmd.h"
#include "base/wxf_buf.h"
#include "base/wxf_file.h"
#include "base/wxf_mem.h"
#include "report/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TAGS_TEXT_CHARS 40    /* characters of a message's text in its line */

struct tags_opts {
	char *template;
	char *base;
};

enum { OPT_TEMPLATE = 256 };

static const struct option tags_long[] = {
	{ "tag-template", required_argument, NULL, OPT_TEMPLATE },
	{ "evidence-base", required_argument, NULL, 'C' },
	{ NULL, 0, NULL, 0 }
};

static int
tags_opt(void *state, int c, const char *arg, wxf_err *err)
{
	struct tags_opts *o = state;

	switch (c) {
	case 0:
		wxf_cmd_set_str(&o->template, NULL);
		wxf_cmd_set_str(&o->base, NULL);
		return WXF_OK;
	case OPT_TEMPLATE: wxf_cmd_set_str(&o->template, arg); return WXF_OK;
	case 'C': wxf_cmd_set_str(&o->base, arg); return WXF_OK;
	}
	return wxf_err_set(err, WXF_EUSAGE, "unknown option");
}

/* A string member of a timeline line, shown safely on a terminal ("-" when absent). */
static void
put_member(wxf_buf *b, const char *line, size_t n, const char *key)
{
	char *v = wxf_json_get_str(line, n, key);

	wxf_buf_putc(b, '\t');
	if (v == NULL || v[0] == '\0')
		wxf_buf_putc(b, '-');
	else
		wxf_buf_term(b, v, strlen(v));
	free(v);
}

/* The first TAGS_TEXT_CHARS characters of s, then "…" when cut. */
static void
put_start(wxf_buf *b, const char *s)
{
	size_t i = 0, n = strlen(s), k;
	uint32_t cp;

	for (k = 0; i < n && k < TAGS_TEXT_CHARS; k++) {
		size_t l = wxf_utf8_decode((const unsigned char *)s + i, n - i, &cp);

		i += l > 0 ? l : 1;
	}
	wxf_buf_term(b, s, i);
	if (i < n)
		wxf_buf_puts(b, "…");
}

/* "amount_fen":N of a line (written by rpt_data.c; the key cannot occur inside a string,
 * whose quotes are escaped): 1 and *fen when present and a number. */
static int
get_fen(const char *line, size_t n, int64_t *fen)
{
	static const char key[] = "\"amount_fen\":";
	const char *p = line, *end = line + n;
	char num[24];
	size_t k = 0;

	for (; (size_t)(end - p) >= sizeof(key) - 1; p++)
		if (memcmp(p, key, sizeof(key) - 1) == 0)
			break;
	if ((size_t)(end - p) < sizeof(key) - 1)
		return 0;
	for (p += sizeof(key) - 1; p < end && k + 1 < sizeof(num) && (*p == '-' ||
	    (*p >= '0' && *p <= '9')); p++)
		num[k++] = *p;
	num[k] = '\0';
	if (k == 0 || (k == 1 && num[0] == '-'))
		return 0;
	*fen = strtoll(num, NULL, 10);
	return 1;
}

/* One record's line: id, time, type, conversation, sender, then what it says. */
static void
list_line(wxf_buf *out, const char *line, size_t n, const char *id, const char *type)
{
	char *v;
	int64_t fen;

	wxf_buf_term(out, id, strlen(id));
	put_member(out, line, n, "datetime");
	wxf_buf_putc(out, '\t');
	wxf_buf_term(out, type, strlen(type));
	if (strcmp(type, "message") == 0) {
		put_member(out, line, n, "conversation");
		put_member(out, line, n, "sender");
		wxf_buf_putc(out, '\t');
		v = wxf_json_get_str(line, n, "kind");
		if (v != NULL) {
			wxf_buf_putc(out, '[');
			wxf_buf_term(out, v, strlen(v));
			wxf_buf_puts(out, "] ");
			free(v);
		}
		v = wxf_json_get_str(line, n, "text");
		if (v != NULL)
			put_start(out, v);
		free(v);
	} else if (strcmp(type, "payment") == 0 || strcmp(type, "red-packet-claim") == 0) {
		char t[48];

		put_member(out, line, n, "payer");
		put_member(out, line, n, "receiver");
		wxf_buf_putc(out, '\t');
		if (get_fen(line, n, &fen)) {
			wxf_report_fen(fen, t, sizeof(t));
			wxf_buf_puts(out, t);
		} else
			wxf_buf_puts(out, "amount unknown");
		v = wxf_json_get_str(line, n, "timestamp_desc");
		if (v != NULL) {
			wxf_buf_puts(out, " (");
			wxf_buf_term(out, v, strlen(v));
			wxf_buf_putc(out, ')');
		}
		free(v);
	} else {
		put_member(out, line, n, "conversation");
		put_member(out, line, n, "username");
		wxf_buf_putc(out, '\t');
		v = wxf_json_get_str(line, n, "message");
		if (v != NULL)
			put_start(out, v);
		free(v);
	}
	wxf_buf_putc(out, '\n');
}

/* Refuses a bundle that verify refuses; WXF_EXIT_OK or the exit status. */
static int
check_bundle(wxf_ctx *ctx, const char *outdir, const char *base)
{
	wxf_verify_result r;
	wxf_err err;
	int rc;

	wxf_err_clear(&err);
	rc = wxf_verify_bundle(outdir, base, &r, &err);
	wxf_verify_result_free(&r);
	if (rc == WXF_OK)
		return WXF_EXIT_OK;
	wxf_log_error(&ctx->log, "%s (wxforensic verify %s names each finding); nothing listed",
	    err.msg, outdir);
	return rc == WXF_EVERIFY ? WXF_EXIT_FINDINGS : WXF_EXIT_USAGE;
}

static int
tags_exec(wxf_ctx *ctx, void *state, int argc, char **argv)
{
	struct tags_opts *o = state;
	const char *outdir = argv[0];
	wxf_buf out, tpl;
	wxf_map map;
	wxf_err err;
	char *path;
	size_t i, n_msgs = 0, n_recs = 0;
	int rc;

	(void)argc;
	if (o->template != NULL) {
		if (access(o->template, F_OK) == 0) {
			fprintf(stderr, "wxforensic tags: %s exists; the template is written to a new "
			    "file\n", o->template);
			return WXF_EXIT_USAGE;
		}
		if (wxf_path_is_inside(o->template, outdir)) {
			fprintf(stderr, "wxforensic tags: %s lies inside the bundle (a file added to "
			    "it would make it fail verify); choose a path outside it\n", o->template);
			return WXF_EXIT_USAGE;
		}
	}
	if ((rc = check_bundle(ctx, outdir, o->base)) != WXF_EXIT_OK)
		return rc;
	path = wxf_path_join(outdir, "timeline.jsonl");
	wxf_err_clear(&err);
	rc = wxf_map_open(&map, path, &err);
	free(path);
	if (rc != WXF_OK) {
		wxf_log_error(&ctx->log, "%s", err.msg);
		return WXF_EXIT_USAGE;
	}
	wxf_buf_init(&out);
	wxf_buf_init(&tpl);
	wxf_buf_puts(&tpl, "id,tag,note,examiner\r\n");
	for (i = 0; i < map.size;) {
		const char *line = (const char *)map.data + i;
		const char *nl = memchr(line, '\n', map.size - i);
		size_t n = nl != NULL ? (size_t)(nl - line) : map.size - i;
		char *id = wxf_json_get_str(line, n, "wxf_id");
		char *type = wxf_json_get_str(line, n, "wxf_type");

		i += n + 1;
		if (id != NULL && type != NULL) {
			list_line(&out, line, n, id, type);
			n_recs++;
			if (strcmp(type, "message") == 0) {
				wxf_buf_csv_field(&tpl, id, strlen(id));
				wxf_buf_puts(&tpl, ",,,\r\n");
				n_msgs++;
			}
		}
		free(id);
		free(type);
		if (out.len >= (1u << 16)) {
			fwrite(out.p, 1, out.len, stdout);
			wxf_buf_reset(&out);
		}
	}
	wxf_map_close(&map);
	if (out.len > 0)
		fwrite(out.p, 1, out.len, stdout);
	wxf_buf_free(&out);
	rc = WXF_EXIT_OK;
	if (o->template != NULL) {
		wxf_err_clear(&err);
		if (wxf_file_write(o->template, tpl.p, tpl.len, &err) != WXF_OK) {
			wxf_log_error(&ctx->log, "%s", err.msg);
			rc = WXF_EXIT_INTERNAL;
		} else if (!ctx->quiet)
			fprintf(stderr, "wxforensic tags: %s: template with %zu message(s) of %zu "
			    "record(s)\n", o->template, n_msgs, n_recs);
	}
	wxf_buf_free(&tpl);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "wxforensic tags: standard output could not be written\n");
		rc = WXF_EXIT_INTERNAL;
	}
	return rc;
}

const struct wxf_cmd_entry wxf_cmd_tags_entry = {
	.name = "tags",
	.summary = "list a bundle's record ids to tag; write a tag template (case --tags)",
	.usage = "wxforensic tags [--tag-template FILE] [-C DIR] OUTDIR\n\n"
	    "      --tag-template FILE  also write FILE (new, outside the bundle): the CSV header\n"
	    "                           id,tag,note,examiner and one row per message with an\n"
	    "                           empty tag, note and examiner, for case --tags\n"
	    "  -C, --evidence-base DIR  the folder holding the evidence (as verify takes it)\n\n"
	    "Prints one line per record of OUTDIR/timeline.jsonl, tab-separated: id, time, type,\n"
	    "then conversation, sender and the first characters of a message's text, or payer,\n"
	    "receiver and amount of a payment.  The bundle is checked as verify checks it first\n"
	    "and refused when it does not verify.  Exit status 0 listed, 1 the bundle does not\n"
	    "verify (nothing listed), 2 usage (OUTDIR is no bundle, FILE exists or lies inside\n"
	    "the bundle), 4 FILE or standard output could not be written.",
	.optstring = "C:",
	.opts = tags_long,
	.state_size = sizeof(struct tags_opts),
	.min_args = 1,
	.max_args = 1,
	.opt = tags_opt,
	.exec = tags_exec,
};
