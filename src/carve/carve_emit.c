/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Emission: the merged candidates are sorted by table and rowid (unknown rowids last), deleted
 * index entries are folded into the row they point to, or reported as FRAGMENT rows carrying the
 * indexed columns when the row itself is gone, and each record goes to the callback with its
 * values in declared column order and every place it was found.
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

		if (!s->is_index)
			continue;
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
				uint32_t k;

				for (k = 0; k < c->n_src; k++)
					cv_add_src(x, &x->set.c[lo], &c->src[k]);
				c->index_only = 2; /* folded */
			}
			if (c->index_only != 2 && wxf_sqlite_find_rowid(x->db, x->sigs[s->table_sig].obj, c->rowid,
			    noop_row, NULL, NULL) == 0)
				c->index_only = 2; /* the row is live: an old copy of its entry proves nothing new */
		}
	}
	return WXF_OK;
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
