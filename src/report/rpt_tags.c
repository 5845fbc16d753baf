/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Examiner tags (case --tags FILE, wxforensic-case(1) "TAG FILE"): the examiner's selection of
 * records, each with a tag, a note and the examiner's name, shown in report.html, report.pdf,
 * timeline.xml and timeline.jsonl.
 *
 * The file is CSV (RFC 4180), UTF-8, an optional BOM, CRLF or LF line ends:
 *
 *   id,tag,note,examiner                  the header, exactly these four names
 *   m-4a7b7279f1211bc7,fraud,"first ask, then pay",Li
 *
 * A field may be quoted ("" inside a quoted field is one quote).  id is a record id of the
 * bundle (timeline.jsonl's wxf_id, timeline.xml's event id); tag is required; a row whose tag,
 * note and examiner are all empty is an untagged row of a template (wxforensic tags
 * --tag-template) and is skipped.  The file is examiner input but read as untrusted bytes:
 * at most WXF_TAGS_MAX_BYTES, WXF_TAGS_MAX_ROWS rows and WXF_TAGS_MAX_FIELD bytes a field,
 * valid UTF-8, no control characters other than tab and (in a quoted note) line ends; any
 * violation is an error naming the line.  The bytes are read through wxf_cur only.  The order of the rows does not matter: the writers
 * show tags in the order of the records in the timeline, then by tag, note and examiner.
 */
#include "config.h"
#include "rpt_int.h"
#include "base/wxf_cur.h"
#include "base/wxf_mem.h"

#include <stdlib.h>
#include <string.h>

static const char *const tag_cols[4] = { "id", "tag", "note", "examiner" };

/* The next byte without taking it, or -1 at the end. */
static int
cur_peek(const wxf_cur *c)
{
	wxf_cur t = *c;
	uint8_t ch = wxf_cur_u8(&t);

	return t.bad ? -1 : ch;
}

/* One field at c into f; c ends after the field's separator or line end.  *eol is set when
 * the field ended its row (or the data).  WXF_OK or WXF_ECORRUPT. */
static int
csv_field(wxf_cur *c, size_t *line, wxf_buf *f, int *eol, wxf_err *err)
{
	size_t start_line = *line;
	int ch;

	wxf_buf_reset(f);
	*eol = 0;
	if (cur_peek(c) == '"') {
		wxf_cur_skip(c, 1);
		for (;;) {
			if ((ch = cur_peek(c)) < 0)
				return wxf_err_set(err, WXF_ECORRUPT, "line %zu: quoted field not closed",
				    start_line);
			wxf_cur_skip(c, 1);
			if (ch == '"') {
				if (cur_peek(c) != '"')
					break;          /* the closing quote */
				wxf_cur_skip(c, 1);     /* "" is one quote */
			} else if (ch == '\n')
				(*line)++;
			wxf_buf_putc(f, (char)ch);
			if (f->len > WXF_TAGS_MAX_FIELD)
				return wxf_err_set(err, WXF_ECORRUPT, "line %zu: field longer than %u "
				    "bytes", start_line, WXF_TAGS_MAX_FIELD);
		}
		ch = cur_peek(c);
		if (ch >= 0 && ch != ',' && ch != '\n' && ch != '\r')
			return wxf_err_set(err, WXF_ECORRUPT, "line %zu: text after a closing quote",
			    *line);
	} else {
		while ((ch = cur_peek(c)) >= 0 && ch != ',' && ch != '\n' && ch != '\r') {
			if (ch == '"')
				return wxf_err_set(err, WXF_ECORRUPT, "line %zu: quote inside an unquoted "
				    "field (quote the whole field and double the quote)", *line);
			wxf_cur_skip(c, 1);
			wxf_buf_putc(f, (char)ch);
			if (f->len > WXF_TAGS_MAX_FIELD)
				return wxf_err_set(err, WXF_ECORRUPT, "line %zu: field longer than %u "
				    "bytes", *line, WXF_TAGS_MAX_FIELD);
		}
	}
	ch = cur_peek(c);
	if (ch < 0) {
		*eol = 1;
	} else if (ch == ',') {
		wxf_cur_skip(c, 1);
	} else {
		if (ch == '\r') {
			wxf_cur_skip(c, 1);
			if (cur_peek(c) != '\n')
				return wxf_err_set(err, WXF_ECORRUPT, "line %zu: a CR not followed by LF",
				    *line);
		}
		wxf_cur_skip(c, 1);
		(*line)++;
		*eol = 1;
	}
	return WXF_OK;
}

/* Checks a field's bytes: UTF-8, no control characters (tab everywhere, line ends in a note). */
static int
field_ok(const wxf_buf *f, int col, size_t line, wxf_err *err)
{
	size_t k;

	if (f->len > 0 && !wxf_utf8_valid(f->p, f->len))
		return wxf_err_set(err, WXF_ECORRUPT, "line %zu: %s is not valid UTF-8", line,
		    tag_cols[col]);
	for (k = 0; k < f->len; k++) {
		unsigned char ch = (unsigned char)f->p[k];

		if (ch == '\t' || ((ch == '\n' || ch == '\r') && col == 2))
			continue;
		if (ch < 0x20 || ch == 0x7f)
			return wxf_err_set(err, WXF_ECORRUPT, "line %zu: %s holds control character "
			    "0x%02x", line, tag_cols[col], ch);
	}
	return WXF_OK;
}

static int
tag_cmp_id(const void *a, const void *b)
{
	const wxf_report_tag *x = a, *y = b;
	int d = strcmp(x->id, y->id);

	return d != 0 ? d : (x->line > y->line) - (x->line < y->line);
}

int
wxf_tags_parse(const char *data, size_t n, wxf_report_tags *t, wxf_err *err)
{
	wxf_cur c = wxf_cur_make(data, n), t0;
	size_t line = 1, cap = 0, row_line;
	wxf_buf f[4];
	int col, eol, rc = WXF_OK, header = 1;

	memset(t, 0, sizeof(*t));
	if (n > WXF_TAGS_MAX_BYTES)
		return wxf_err_set(err, WXF_ECORRUPT, "larger than %u bytes", WXF_TAGS_MAX_BYTES);
	t0 = c;
	{
		const uint8_t *bom = wxf_cur_bytes(&t0, 3);

		if (bom != NULL && memcmp(bom, "\xef\xbb\xbf", 3) == 0)
			c = t0;
	}
	{
		int ch;

		for (t0 = c; (ch = cur_peek(&t0)) == ' ' || ch == '\t' || ch == '\r' || ch == '\n';)
			wxf_cur_skip(&t0, 1);
		if (ch == '[' || ch == '{')
			return wxf_err_set(err, WXF_ECORRUPT, "this looks like JSON; the tag file is CSV "
			    "with the header \"id,tag,note,examiner\" (wxforensic-case(1), Examiner "
			    "tags)");
	}
	for (col = 0; col < 4; col++)
		wxf_buf_init(&f[col]);
	while (wxf_cur_left(&c) > 0 && rc == WXF_OK) {
		row_line = line;
		/* a blank line ends nothing and holds nothing */
		t0 = c;
		if (cur_peek(&t0) == '\r')
			wxf_cur_skip(&t0, 1);
		if (cur_peek(&t0) == '\n') {
			wxf_cur_skip(&t0, 1);
			c = t0;
			line++;
			continue;
		}
		for (col = 0, eol = 0; !eol && rc == WXF_OK; col++) {
			if (col >= 4) {
				rc = wxf_err_set(err, WXF_ECORRUPT, "line %zu: more than 4 fields (id, tag, "
				    "note, examiner; quote a field that holds a comma)", row_line);
				break;
			}
			rc = csv_field(&c, &line, &f[col], &eol, err);
			if (rc == WXF_OK)
				rc = field_ok(&f[col], col, row_line, err);
		}
		if (rc != WXF_OK)
			break;
		if (col != 4) {
			rc = wxf_err_set(err, WXF_ECORRUPT, "line %zu: %d field(s), want 4 (id, tag, "
			    "note, examiner)", row_line, col);
			break;
		}
		if (header) {
			for (col = 0; col < 4; col++)
				if (strcmp(f[col].p != NULL ? f[col].p : "", tag_cols[col]) != 0)
					break;
			if (col < 4) {
				rc = wxf_err_set(err, WXF_ECORRUPT, "line %zu: the header must be "
				    "\"id,tag,note,examiner\"", row_line);
				break;
			}
			header = 0;
			continue;
		}
		if (f[1].len == 0 && f[2].len == 0 && f[3].len == 0)
			continue;   /* an untagged template row */
		if (f[0].len == 0 || f[1].len == 0) {
			rc = wxf_err_set(err, WXF_ECORRUPT, "line %zu: %s is empty", row_line,
			    f[0].len == 0 ? "id" : "tag");
			break;
		}
		if (t->n >= WXF_TAGS_MAX_ROWS) {
			rc = wxf_err_set(err, WXF_ECORRUPT, "more than %u tags", WXF_TAGS_MAX_ROWS);
			break;
		}
		wxf_xgrow((void **)&t->v, &cap, t->n + 1, sizeof(*t->v));
		t->v[t->n].id = wxf_xstrdup(f[0].p);
		t->v[t->n].tag = wxf_xstrdup(f[1].p);
		t->v[t->n].note = wxf_xstrdup(f[2].len > 0 ? f[2].p : "");
		t->v[t->n].examiner = wxf_xstrdup(f[3].len > 0 ? f[3].p : "");
		t->v[t->n].line = row_line;
		t->n++;
	}
	if (rc == WXF_OK && header)
		rc = wxf_err_set(err, WXF_ECORRUPT, "no header line \"id,tag,note,examiner\"");
	for (col = 0; col < 4; col++)
		wxf_buf_free(&f[col]);
	if (rc != WXF_OK)
		wxf_tags_free(t);
	return rc;
}

void
wxf_tags_free(wxf_report_tags *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->v[i].id);
		free(t->v[i].tag);
		free(t->v[i].note);
		free(t->v[i].examiner);
	}
	free(t->v);
	memset(t, 0, sizeof(*t));
}

typedef struct ev_key {
	const char *id;
	size_t i;
	char buf[RPT_EV_ID_MAX];   /* id NULL: a message's id, made here (rpt_ev_id) */
} ev_key;

static const char *
ev_key_id(const ev_key *k)
{
	return k->id != NULL ? k->id : k->buf;
}

static int
ev_key_cmp(const void *a, const void *b)
{
	return strcmp(ev_key_id(a), ev_key_id(b));
}

static int
tref_cmp(const void *a, const void *b)
{
	const rpt_tagref *x = a, *y = b;
	int d;

	if (x->ev != y->ev)
		return x->ev < y->ev ? -1 : 1;
	if ((d = strcmp(x->t->tag, y->t->tag)) != 0)
		return d;
	if ((d = strcmp(x->t->note, y->t->note)) != 0)
		return d;
	return strcmp(x->t->examiner, y->t->examiner);
}

static int
tagp_cmp_id(const void *a, const void *b)
{
	return tag_cmp_id(*(const wxf_report_tag *const *)a, *(const wxf_report_tag *const *)b);
}

size_t
rpt_tags_resolve(rpt_ctx *c, wxf_buf *unknown)
{
	const wxf_report_tags *t = c->in->tags;
	const wxf_report_tag **by_id;
	ev_key *keys, k, *hit;
	size_t i, n_unknown = 0;

	free(c->tagged);
	c->tagged = NULL;
	c->n_tagged = 0;
	if (t == NULL || t->n == 0)
		return 0;
	keys = wxf_xcalloc(c->n_ev + 1, sizeof(*keys));
	for (i = 0; i < c->n_ev; i++) {
		keys[i].i = i;
		if (c->ev[i].xid != NULL)
			keys[i].id = c->ev[i].xid;
		else                 /* a message: its id made in buf, which moves with the key */
			rpt_ev_id(&c->ev[i], keys[i].buf);
	}
	qsort(keys, c->n_ev, sizeof(*keys), ev_key_cmp);
	/* by id, so that an unknown id is listed once, in bytewise order */
	by_id = wxf_xcalloc(t->n, sizeof(*by_id));
	for (i = 0; i < t->n; i++)
		by_id[i] = &t->v[i];
	qsort(by_id, t->n, sizeof(*by_id), tagp_cmp_id);
	c->tagged = wxf_xcalloc(t->n, sizeof(*c->tagged));
	for (i = 0; i < t->n; i++) {
		k.id = by_id[i]->id;
		hit = c->n_ev > 0 ? bsearch(&k, keys, c->n_ev, sizeof(*keys), ev_key_cmp) : NULL;
		if (hit != NULL) {
			c->tagged[c->n_tagged].ev = hit->i;
			c->tagged[c->n_tagged].t = by_id[i];
			c->n_tagged++;
		} else if (i == 0 || strcmp(by_id[i - 1]->id, by_id[i]->id) != 0) {
			if (unknown != NULL)
				wxf_buf_printf(unknown, "%s%s (line %zu)", n_unknown > 0 ? ", " : "",
				    by_id[i]->id, by_id[i]->line);
			n_unknown++;
		}
	}
	if (c->n_tagged > 1)
		qsort(c->tagged, c->n_tagged, sizeof(*c->tagged), tref_cmp);
	free(by_id);
	free(keys);
	return n_unknown;
}

/* The tags of event i (c->tagged is in event order): *first gets the first index. */
size_t
rpt_tags_of(const rpt_ctx *c, size_t ev, size_t *first)
{
	size_t lo = 0, hi = c->n_tagged, n = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->tagged[mid].ev < ev)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	while (lo + n < c->n_tagged && c->tagged[lo + n].ev == ev)
		n++;
	return n;
}

size_t
wxf_report_tags_unknown(const wxf_report_in *in, wxf_buf *unknown)
{
	rpt_ctx c;
	size_t n;

	rpt_ctx_init(&c, in);
	n = rpt_tags_resolve(&c, unknown);
	rpt_ctx_free(&c);
	return n;
}

int
wxf_report_tags_copy(const char *outdir, const char *rel, const void *data, size_t n,
    wxf_audit *audit, wxf_err *err)
{
	wxf_buf b;
	int rc;

	wxf_buf_init(&b);
	wxf_buf_add(&b, data, n);
	rc = rpt_write(outdir, rel, &b, audit, err);
	wxf_buf_free(&b);
	return rc;
}
