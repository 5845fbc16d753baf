/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Emission: the merged candidates are sorted by table and rowid (unknown rowids last), deleted
 * index entries are folded into the row they point to (as witnesses: the record's own bytes stay
 * its primary source), or, when the row itself is gone, the entries of every index of that row
 * become one FRAGMENT record carrying the indexed columns; each record goes to the callback with
 * its values in declared column order and every place it was found.
 */
#include "config.h"
#include "carve_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int
cmp_cand(const void *pa, const void *pb)
{
	const cand *a = pa, *b = pb;

	if (a->sig != b->sig)
		return a->sig < b->sig ? -1 : 1;
	if (a->rowid != b->rowid) {
		if (a->rowid == INT64_MIN)
			return 1;
		if (b->rowid == INT64_MIN)
			return -1;
		return a->rowid < b->rowid ? -1 : 1;
	}
	return a->src[0].offset < b->src[0].offset ? -1 : a->src[0].offset > b->src[0].offset;
}

static int
noop_row(void *arg, const wxf_sqlrow *row)
{
	(void)arg;
	(void)row;
	return 0;
}

/* Index entries of one deleted row that no copy of the row survives: the first (in emission
 * order) leads, the others fold into it (their sources as witnesses, their values joined at
 * delivery), so that a row is one record whatever the number of its indexes. */
typedef struct grp_ent {
	int table_sig;
	int64_t rowid;
	size_t i;                   /* position in the sorted candidates */
} grp_ent;

static int
grp_cmp(const void *pa, const void *pb)
{
	const grp_ent *a = pa, *b = pb;

	if (a->table_sig != b->table_sig)
		return a->table_sig < b->table_sig ? -1 : 1;
	if (a->rowid != b->rowid)
		return a->rowid < b->rowid ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

static int
group_entries(cx *x)
{
	grp_ent *g = NULL;
	size_t i, j, n = 0;

	for (i = 0; i < x->set.n_c; i++) {
		const cand *c = &x->set.c[i];
		const cv_sig *s = &x->sigs[c->sig];

		if (s->is_index && c->index_only != 2 && s->table_sig >= 0 && c->rowid != INT64_MIN)
			n++;
	}
	if (n < 2)
		return WXF_OK;
	if ((g = malloc(n * sizeof(*g))) == NULL)
		return WXF_ENOMEM;
	for (i = 0, n = 0; i < x->set.n_c; i++) {
		const cand *c = &x->set.c[i];
		const cv_sig *s = &x->sigs[c->sig];

		if (s->is_index && c->index_only != 2 && s->table_sig >= 0 && c->rowid != INT64_MIN) {
			g[n].table_sig = s->table_sig;
			g[n].rowid = c->rowid;
			g[n++].i = i;
		}
	}
	qsort(g, n, sizeof(*g), grp_cmp);
	for (i = 0; i < n; i = j) {
		cand *lead = &x->set.c[g[i].i], *last = lead;

		for (j = i + 1; j < n && g[j].table_sig == g[i].table_sig && g[j].rowid == g[i].rowid;
		    j++) {
			cand *d = &x->set.c[g[j].i];
			uint32_t k;

			for (k = 0; k < d->n_src; k++)
				if (cv_add_src(x, lead, &d->src[k]) != WXF_OK) {
					free(g);
					return WXF_ENOMEM;
				}
			d->index_only = 2;
			last->grp_next = g[j].i + 1;
			last = d;
		}
	}
	free(g);
	return WXF_OK;
}

/* Sorts the candidates and folds index entries into their rows. */
int
cv_emit_prepare(cx *x)
{
	size_t i;
	wxf_sqlval *keys = x->vals + CV_MAXCOLS;

	if (x->set.n_c > 1)
		qsort(x->set.c, x->set.n_c, sizeof(*x->set.c), cmp_cand);
	/* fold index entries into the rows they point to */
	for (i = 0; i < x->set.n_c; i++) {
		cand *c = &x->set.c[i];
		const cv_sig *s = &x->sigs[c->sig];
		wxf_sqlval *v = keys;
		int tr = 0;
		uint32_t k;

		if (!s->is_index)
			continue;
		for (k = 0; k < c->n_src; k++)
			c->src[k].index = s->obj;
		if (wxf_sqlite_record_values(x->enc, c->types, c->ncols, c->body, c->body_len, v, &x->s, &tr) != WXF_OK)
			return WXF_ENOMEM;
		c->rowid = c->ncols == s->n && v[s->n - 1].type == WXF_SQL_INT ? v[s->n - 1].i : INT64_MIN;
		if (s->table_sig >= 0 && c->rowid != INT64_MIN) {
			size_t lo = 0, hi = x->set.n_c;

			while (lo < hi) { /* candidates are sorted by (signature, rowid) */
				size_t mid = lo + (hi - lo) / 2;
				const cand *t = &x->set.c[mid];

				if (t->sig < s->table_sig || (t->sig == s->table_sig && t->rowid != INT64_MIN &&
				    t->rowid < c->rowid))
					lo = mid + 1;
				else
					hi = mid;
			}
			for (; lo < x->set.n_c && x->set.c[lo].sig == s->table_sig && x->set.c[lo].rowid == c->rowid;
			    lo++) {
				for (k = 0; k < c->n_src; k++)
					if (cv_add_src(x, &x->set.c[lo], &c->src[k]) != WXF_OK)
						return WXF_ENOMEM;
				c->index_only = 2; /* folded */
			}
			if (c->index_only != 2) {
				int frc = wxf_sqlite_find_rowid(x->db, x->sigs[s->table_sig].obj, c->rowid,
				    noop_row, NULL, NULL);

				if (frc == WXF_ENOMEM)
					return WXF_ENOMEM;
				if (frc == 0)
					c->index_only = 2; /* the row is live: an old copy of its entry
							      proves nothing new */
			}
		}
	}
	return group_entries(x);
}

/* Calls cb for every prepared candidate. */
int
cv_emit_deliver(cx *x, wxf_carve_cb cb, void *arg)
{
	size_t i;
	int rc = 0;
	unsigned char known[CV_MAXCOLS];
	wxf_sqlval *keys = x->vals + CV_MAXCOLS;

	for (i = 0; i < x->set.n_c && rc == 0; i++) {
		cand *c = &x->set.c[i];
		const cv_sig *s = &x->sigs[c->sig];
		const cv_sig *ts = s;
		wxf_carved out;
		int tr = 0, k, n;
		size_t g;

		if (c->index_only == 2)
			continue;
		if (s->is_master && !(x->src_mask & WXF_CARVE_SCHEMA))
			continue;
		if (s->is_index && s->table_sig >= 0)
			ts = &x->sigs[s->table_sig];
		if (x->o->table != NULL && strcasecmp(ts->obj->name, x->o->table) != 0)
			continue;
		memset(&out, 0, sizeof(out));
		if (wxf_sqlite_record_values(x->enc, c->types, c->ncols, c->body, c->body_len,
		    s->is_index ? keys : x->vals, &x->s, &tr) != WXF_OK)
			return WXF_ENOMEM;
		if (s->is_index) {
			n = ts->n;
			for (k = 0; k < n; k++) {
				memset(&x->vals[k], 0, sizeof(x->vals[k]));
				known[k] = 0;
			}
			if (ts != s) {
				for (k = 0; k < s->n - 1; k++)
					if (s->col_map[k] >= 0) {
						x->vals[s->col_map[k]] = keys[k];
						known[s->col_map[k]] = 1;
					}
				/* the other indexes of the same row (values point into their bodies:
				 * joined only when no text is converted into the scratch, i.e. UTF-8) */
				for (g = c->grp_next; g != 0 && x->enc == 1 && s->n <= CV_MAXCOLS / 2;
				    g = x->set.c[g - 1].grp_next) {
					const cand *d = &x->set.c[g - 1];
					const cv_sig *t = &x->sigs[d->sig];
					wxf_sqlval *dv = keys + CV_MAXCOLS / 2;
					int dtr = 0, q;

					if (d->ncols > CV_MAXCOLS / 2 ||
					    wxf_sqlite_record_values(x->enc, d->types, d->ncols, d->body,
					    d->body_len, dv, &x->s2, &dtr) != WXF_OK)
						continue;
					for (q = 0; q < t->n - 1 && q < d->ncols; q++)
						if (t->col_map[q] >= 0 && !known[t->col_map[q]]) {
							x->vals[t->col_map[q]] = dv[q];
							known[t->col_map[q]] = 1;
						}
				}
				if (ts->ipk >= 0 && c->rowid != INT64_MIN) {
					x->vals[ts->ipk].type = WXF_SQL_INT;
					x->vals[ts->ipk].i = c->rowid;
					known[ts->ipk] = 1;
				}
				out.row.table = ts->obj;
			}
			out.index = s->obj;
			out.n_keys = s->n - 1;
			out.keys = keys;
		} else {
			n = s->n;
			for (k = 0; k < n; k++)
				known[k] = k < c->ncols ? c->known[k] : 0;
			for (k = c->ncols; k < n; k++)
				memset(&x->vals[k], 0, sizeof(x->vals[k]));
			if (s->ipk >= 0) {
				known[s->ipk] = c->rowid != INT64_MIN;
				if (known[s->ipk]) {
					x->vals[s->ipk].type = WXF_SQL_INT;
					x->vals[s->ipk].i = c->rowid;
				}
			}
			for (k = 0; k < n; k++)
				if (!known[k])
					memset(&x->vals[k], 0, sizeof(x->vals[k]));
			out.row.table = s->obj;
			out.schema_remnant = s->is_master;
		}
		out.row.rowid = c->rowid;
		out.row.n_vals = n;
		out.row.vals = x->vals;
		out.row.truncated = c->truncated;
		out.known = known;
		out.status = c->status;
		if (!s->is_index && out.status == WXF_STATUS_DELETED_RECOVERED) {
			for (k = 0; k < n; k++)
				if (!known[k] && k != s->ipk)
					out.status = WXF_STATUS_PARTIALLY_RECOVERED;
		}
		out.confidence = c->conf;
		out.origin = c->src[0].origin;
		out.file = c->src[0].file;
		out.pgno = out.row.pgno = c->src[0].pgno;
		out.frame = out.row.wal_frame = c->src[0].frame;
		out.offset = out.row.offset = c->src[0].offset;
		out.length = out.row.length = c->src[0].length;
		out.n_sources = c->n_src;
		out.sources = c->src;
		x->st->per_status[out.status]++;
		x->st->reported++;
		rc = cb(arg, &out);
	}
	return rc;
}

int
cv_emit(cx *x, wxf_carve_cb cb, void *arg)
{
	int rc = cv_emit_prepare(x);

	return rc != WXF_OK ? rc : cv_emit_deliver(x, cb, arg);
}
