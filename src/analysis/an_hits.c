/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Counterfeit-sale indicator hits (analysis.h §4): the phrase set matched against the
 * seller's own messages (body, title, desc, and the recovered original of a recalled
 * message), one hit per (message, field, phrase) with the number of times the phrase occurs
 * there and a bounded snippet of the text around its first occurrence: a message repeating a
 * phrase a million times is one hit, not a million snippets.  Loading the phrase files and the
 * matching itself: indicators.c.
 */
#include "config.h"
#include "analysis/analysis_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct hitacc {
	an_ctx *c;
	const wxf_msg *msg;
	const char *field;
	const char *text;
	wxf_indicator_hit *v;
	size_t n, cap;
	size_t field_first;   /* the first hit of the current (message, field) */
	int rc;
} hitacc;

#define SNIPPET_CPS 30

static const char *
make_snippet(an_ctx *c, const char *text, size_t off, size_t len)
{
	size_t n = strlen(text), b = off, e = off + len, k;
	const char *r;
	char *tmp;

	/* back up SNIPPET_CPS code points */
	for (k = 0; k < SNIPPET_CPS && b > 0; k++) {
		b--;
		while (b > 0 && ((unsigned char)text[b] & 0xC0) == 0x80)
			b--;
	}
	for (k = 0; k < SNIPPET_CPS && e < n; k++) {
		uint32_t cp;

		e += an_next_cp(text + e, n - e, &cp);
	}
	tmp = malloc(e - b + 8);
	if (tmp == NULL)
		return NULL;
	{
		size_t w = 0;

		if (b > 0) {
			memcpy(tmp + w, "\xE2\x80\xA6", 3);
			w += 3;
		}
		for (size_t i = b; i < e; i++)
			tmp[w++] = (text[i] == '\n' || text[i] == '\r' || text[i] == '\t') ? ' ' :
			    text[i];
		if (e < n) {
			memcpy(tmp + w, "\xE2\x80\xA6", 3);
			w += 3;
		}
		r = an_strndup(c, tmp, w);
	}
	free(tmp);
	return r;
}

static void
hit_cb(void *arg, const wxf_indicator *ind, size_t off, size_t len)
{
	hitacc *h = arg;
	wxf_indicator_hit x;

	if (h->rc < 0)
		return;
	/* a phrase already seen in this field: counted on its first hit */
	for (size_t i = h->field_first; i < h->n; i++)
		if (h->v[i].ind == ind) {
			h->v[i].count++;
			return;
		}
	memset(&x, 0, sizeof(x));
	x.ind = ind;
	x.phrase = ind->phrase;
	x.category = ind->category;
	x.msg = h->msg;
	x.msg_id = h->msg->id;
	x.time_ms = h->msg->time_ms;
	x.talker = h->msg->talker;
	x.field = h->field;
	x.offset = off;
	x.length = len;
	x.count = 1;
	x.prov = h->msg->prov;
	x.snippet = make_snippet(h->c, h->text, off, len);
	if (x.snippet == NULL || wxf_arena_grow(h->c->ar, (void **)&h->v, &h->cap, h->n + 1,
	    sizeof(*h->v)) < 0) {
		h->rc = AN_NOMEM(h->c);
		return;
	}
	h->v[h->n++] = x;
}

static int
field_rank(const char *f)
{
	static const char *const order[] = { "body", "title", "desc", "recall_original" };

	for (int i = 0; i < 4; i++)
		if (strcmp(f, order[i]) == 0)
			return i;
	return 4;
}

static int
hit_cmp(const void *pa, const void *pb)
{
	const wxf_indicator_hit *a = pa, *b = pb;
	int r = wxf_time_cmp(a->time_ms, b->time_ms);

	if (r == 0)
		r = strcmp(a->msg_id, b->msg_id);
	if (r == 0)
		r = field_rank(a->field) - field_rank(b->field);
	if (r == 0 && a->offset != b->offset)
		r = a->offset < b->offset ? -1 : 1;
	if (r == 0)
		r = strcmp(a->phrase, b->phrase);
	return r;
}

int
an_build_hits(an_ctx *c, const wxf_indicator_set *set)
{
	const wxf_model *m = c->m;
	const char *s = c->a->seller != NULL ? c->a->seller->username : NULL;
	hitacc h;

	memset(&h, 0, sizeof(h));
	h.c = c;
	if (s == NULL || set == NULL)
		return WXF_OK;
	for (size_t i = 0; i < m->n_msgs && h.rc == WXF_OK; i++) {
		const wxf_msg *msg = m->msgs[i];
		const char *texts[4] = { msg->body, msg->x->title, msg->x->desc, msg->x->recall_original };
		static const char *const fields[4] = { "body", "title", "desc", "recall_original" };

		if (!an_counted(msg) || !an_authored_by(c, msg, s))
			continue;
		if (msg->kind == WXF_MK_RECALL || msg->is_recall)
			texts[0] = NULL; /* the body is the client's replacement text */
		for (int k = 0; k < 4 && h.rc == WXF_OK; k++) {
			int dup = 0;

			if (texts[k] == NULL)
				continue;
			for (int j = 0; j < k; j++)
				if (texts[j] != NULL && strcmp(texts[j], texts[k]) == 0)
					dup = 1;
			if (dup)
				continue;
			h.msg = msg;
			h.field = fields[k];
			h.text = texts[k];
			h.field_first = h.n;
			if (wxf_indicators_match(set, texts[k], hit_cb, &h) == SIZE_MAX)
				h.rc = WXF_ENOMEM;
		}
	}
	if (h.rc < 0)
		return h.rc;
	if (h.n > 1)
		qsort(h.v, h.n, sizeof(*h.v), hit_cmp);
	c->a->hits = h.v;
	c->a->n_hits = h.n;
	return WXF_OK;
}
