/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The candidate table: a record found on a page (cv_take) is compared with the live rows and
 * merged with its duplicates from other sources (cv_merge).
 *
 * Classification: a candidate equal to a live row (fingerprint of its values, IPK excluded) is
 * a live copy and not reported; one whose rowid is live with other values is SUPERSEDED when
 * some non-key value is the same (an UPDATE), else DELETED (rowid reused); otherwise DELETED_
 * RECOVERED, or PARTIALLY_RECOVERED when a value is lost.  Duplicates (same table and values)
 * are merged, keeping every source.
 *
 * A spilling run writes the candidate to its partition's stream instead (carve_spill.c): the
 * fingerprint comparison and the merge run when the partition is merged.
 */
#include "config.h"
#include "carve_int.h"

#include <stdlib.h>
#include <string.h>

static uint32_t
ht_hash(uint64_t fp)
{
	return (uint32_t)(fp ^ (fp >> 32));
}

static int
ht_grow(cx *x)
{
	size_t nc = x->set.ht_cap ? x->set.ht_cap * 2 : 1024, i;
	uint32_t *nh = calloc(nc, sizeof(*nh));

	if (nh == NULL)
		return WXF_ENOMEM;
	for (i = 0; i < x->set.n_c; i++) {
		size_t h = ht_hash(x->set.c[i].fp) & (nc - 1);

		while (nh[h] != 0)
			h = (h + 1) & (nc - 1);
		nh[h] = (uint32_t)(i + 1);
	}
	free(x->set.ht);
	x->set.ht = nh;
	x->set.ht_cap = nc;
	return WXF_OK;
}

int
cv_add_src(cx *x, cand *c, const wxf_carve_src *s)
{
	uint32_t i;

	for (i = 0; i < c->n_src; i++)
		if (c->src[i].offset == s->offset && c->src[i].file == s->file)
			return WXF_OK; /* the same bytes seen twice (e.g. a page both current and old) */
	if (c->n_src == c->cap_src) {
		uint32_t nc = c->cap_src ? c->cap_src * 2 : 2;
		wxf_carve_src *ns = wxf_arena_alloc(x->set.car, nc * sizeof(*ns));

		if (ns == NULL)
			return WXF_ENOMEM;
		if (c->n_src)
			memcpy(ns, c->src, c->n_src * sizeof(*ns));
		c->src = ns;
		c->cap_src = nc;
	}
	c->src[c->n_src++] = *s;
	/* the primary source holds the record's own bytes: a record outranks an index entry
	 * whatever their scores; among sources of one kind the best score leads */
	if (c->n_src > 1 && ((s->index == NULL && c->src[0].index != NULL) ||
	    ((s->index == NULL) == (c->src[0].index == NULL) && s->confidence > c->src[0].confidence))) {
		wxf_carve_src t = c->src[0];

		c->src[0] = c->src[c->n_src - 1];
		c->src[c->n_src - 1] = t;
	}
	c->conf = c->src[0].confidence;
	return WXF_OK;
}

typedef struct cmp_ctx {
	const cv_rec *r;
	const cv_sig *s;
	cx *x;
	const uint8_t *pay;         /* the candidate's body, decoded into x->vals on the first call */
	size_t plen;
	int decoded;
	int same_some, differ;
} cmp_ctx;

/* Compares the live row with the candidate's values; the candidate is decoded only when its
 * rowid turns out to be live (most deleted rowids are not). */
static int
cmp_live(void *arg, const wxf_sqlrow *row)
{
	cmp_ctx *cc = arg;
	int i;

	if (!cc->decoded) {
		cx *x = cc->x;

		if (wxf_sqlite_record_values(x->enc, cc->r->types, cc->r->ncols, cc->pay, cc->plen, x->vals,
		    &x->s, NULL) != WXF_OK) {
			x->oom = 1;
			return 1;
		}
		for (i = cc->r->ncols; i < cc->s->n; i++)
			memset(&x->vals[i], 0, sizeof(x->vals[i]));
		cc->decoded = 1;
	}
	for (i = 0; i < row->n_vals && i < cc->s->n; i++) {
		const wxf_sqlval *a = &row->vals[i], *b = &cc->x->vals[i];

		if (i == cc->s->ipk || (i == 0 && cc->r->col0_unknown) || i >= cc->r->ncols)
			continue;
		if (a->type == b->type && a->type != WXF_SQL_NULL &&
		    ((a->type == WXF_SQL_INT && a->i == b->i) || (a->type == WXF_SQL_FLOAT && a->f == b->f) ||
		    ((a->type == WXF_SQL_TEXT || a->type == WXF_SQL_BLOB) && a->n == b->n && a->n > 0 &&
		    memcmp(a->p, b->p, a->n) == 0)))
			cc->same_some++;
		else
			cc->differ++;
	}
	return 0;
}

/* Merges a candidate (after the live comparisons) into the candidate table.  copy_body: body is
 * not in a mapped image and is copied when the candidate is new. */
void
cv_merge(cx *x, int sig, int64_t rowid, int n, const uint64_t *types, int col0_unknown, const uint8_t *body,
    size_t plen, uint64_t fp, wxf_status status, int conf, int truncated, const wxf_carve_src *src,
    int copy_body)
{
	const cv_sig *s = &x->sigs[sig];
	size_t i;
	cand *c;

	if (conf < x->o->min_confidence)
		return;
	if (x->set.n_c * 2 >= x->set.ht_cap && ht_grow(x) != WXF_OK) {
		x->oom = 1;
		return;
	}
	i = ht_hash(fp) & (x->set.ht_cap - 1);
	while (x->set.ht[i] != 0) {
		c = &x->set.c[x->set.ht[i] - 1];
		if (c->fp == fp && c->sig == sig) {
			if (c->rowid == INT64_MIN && rowid != INT64_MIN) {
				/* a copy with its rowid intact: its live comparison by rowid decides */
				c->rowid = rowid;
				c->status = status;
			} else if (status == WXF_STATUS_SUPERSEDED ||
			    (c->status == WXF_STATUS_PARTIALLY_RECOVERED && status == WXF_STATUS_DELETED_RECOVERED))
				c->status = status;
			if (cv_add_src(x, c, src) != WXF_OK)
				x->oom = 1;
			x->st->per_origin[src->origin]++;
			return;
		}
		i = (i + 1) & (x->set.ht_cap - 1);
	}
	if (x->set.n_c == x->set.cap_c) {
		size_t nc = x->set.cap_c ? x->set.cap_c * 2 : 256;
		cand *nv = realloc(x->set.c, nc * sizeof(*nv));

		if (nv == NULL) {
			x->oom = 1;
			return;
		}
		x->set.c = nv;
		x->set.cap_c = nc;
	}
	c = &x->set.c[x->set.n_c];
	memset(c, 0, sizeof(*c));
	c->sig = sig;
	c->rowid = rowid;
	c->ncols = n;
	c->fp = fp;
	c->status = status;
	c->truncated = truncated;
	c->types = wxf_arena_alloc(x->set.car, sizeof(uint64_t) * (size_t)n);
	c->known = wxf_arena_alloc(x->set.car, (size_t)n + 1);
	if (c->types == NULL || c->known == NULL) {
		x->oom = 1;
		return;
	}
	memcpy(c->types, types, sizeof(uint64_t) * (size_t)n);
	memset(c->known, 1, (size_t)n);
	if (col0_unknown)
		c->known[0] = 0;
	/* keep the body: mapped images stay valid for the run; assembled payloads are copied */
	if (copy_body) {
		uint8_t *b = wxf_arena_alloc(x->set.car, plen ? plen : 1);

		if (b == NULL) {
			x->oom = 1;
			return;
		}
		if (plen > 0)
			memcpy(b, body, plen);
		c->body = b;
		c->body_copied = 1;
	} else
		c->body = body;
	c->body_len = plen;
	c->index_only = s->is_index;
	if (cv_add_src(x, c, src) != WXF_OK) {
		x->oom = 1;
		return;
	}
	c->conf = conf;
	x->set.ht[i] = (uint32_t)(x->set.n_c + 1);
	x->set.n_c++;
	x->st->per_origin[src->origin]++;
}

/* Records candidate r of signature sig found at the current page context. */
void
cv_take(cx *x, cv_rec *r, int sig, int score)
{
	const cv_sig *s = &x->sigs[sig];
	wxf_carve_src src;
	wxf_status status;
	const uint8_t *pay;
	size_t plen = r->body_len;
	uint64_t fp;
	int trunc = 0, n = r->ncols, conf, in_scratch;

	if (x->oom)
		return;
	x->st->candidates++;
	pay = r->body;
	trunc = cv_body_size(r, 0) > plen;
	fp = cv_fp_raw(s, sig, r->types, n, pay, plen);
	conf = (r->base * score) / 100;
	if (r->truncated || trunc)
		conf -= 15;
	if (conf < 1)
		conf = 1;
	status = (r->col0_unknown || r->truncated || trunc || n < s->n) ? WXF_STATUS_PARTIALLY_RECOVERED
	    : WXF_STATUS_DELETED_RECOVERED;
	if (s->is_index)
		status = WXF_STATUS_FRAGMENT;
	/* live comparison (when spilling, the fingerprint part runs when the partition is merged) */
	if (!x->sp.on && !s->is_master && cv_live_has(&x->set, fp)) {
		x->st->live_copies++;
		return;
	}
	if (!s->is_index && !s->is_master && !s->is_dropped && r->rowid != INT64_MIN) {
		cmp_ctx cc = { r, s, x, pay, plen, 0, 0, 0 };

		int frc = wxf_sqlite_find_rowid(x->db, s->obj, r->rowid, cmp_live, &cc, NULL);
		int found = frc == 0;

		if (frc == WXF_ENOMEM)
			x->oom = 1;
		if (x->oom)
			return;
		if (found) {
			if (cc.differ == 0) {
				x->st->live_copies++;
				return;
			}
			if (cc.same_some > 0)
				status = WXF_STATUS_SUPERSEDED;
		}
	}
	memset(&src, 0, sizeof(src));
	src.origin = x->scan.origin;
	src.file = x->scan.file;
	src.pgno = x->scan.pgno;
	src.frame = x->scan.frame;
	src.offset = x->scan.page_abs + r->off;
	src.length = r->len;
	src.confidence = conf;
	in_scratch = x->s2.pay != NULL && r->body >= x->s2.pay && r->body < x->s2.pay + x->s2.pay_cap;
	if (x->sp.on) {
		if (cv_sp_take(x, r, sig, fp, status, conf, r->truncated || trunc, &src, in_scratch) != WXF_OK)
			x->oom = 1;
		return;
	}
	cv_merge(x, sig, r->rowid, n, r->types, r->col0_unknown, pay, plen, fp, status, conf,
	    r->truncated || trunc, &src, in_scratch);
}
