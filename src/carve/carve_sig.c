/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Schema signatures and scoring.  Every table and index of the schema, and sqlite_master itself,
 * becomes a signature; a record is matched to one by schema (column count, serial types against
 * the declared affinities, NOT NULL, INTEGER PRIMARY KEY stored as NULL) and scored 0..100
 * (cv_score); text values must be well-formed in the database encoding (cv_values_ok).  When two
 * tables fit as well, the attribution is uncertain and the score drops.
 *
 * Dropped tables: the schema-remnant pass recovers old sqlite_master records; those naming a
 * table missing from the live schema become signatures too (is_dropped: no live rows), and the
 * pages of the dropped table's old b-tree hint at it (dropped_of).
 */
#include "config.h"
#include "carve_int.h"
#include "base/wxf_buf.h"

#include <string.h>
#include <strings.h>

#define MAX_DROPPED 64          /* most signatures of dropped tables */

int
cv_build_sigs(cx *x)
{
	size_t i, n = wxf_sqlite_n_objs(x->db);
	int k, j;

	/* room for the live schema; cv_add_dropped makes room for dropped tables when it finds
	 * one (a signature is over 1 KB: most runs need none of the 64) */
	x->sigs = wxf_arena_alloc(x->ar, sizeof(cv_sig) * (n + 1));
	x->master_sig = -1;
	if (x->sigs == NULL)
		return WXF_ENOMEM;
	for (i = 0; i <= n; i++) {
		const wxf_sqlite_obj *ob = i < n ? wxf_sqlite_obj_at(x->db, i) : wxf_sqlite_master(x->db);
		cv_sig *s = &x->sigs[x->n_sigs];
		int is_index = strcasecmp(ob->type, "index") == 0;

		if (ob->is_virtual || ob->rootpage == 0 || ob->n_cols <= 0 || ob->n_cols >= CV_MAXCOLS - 1)
			continue;
		if (!is_index && (strcasecmp(ob->type, "table") != 0 || ob->without_rowid))
			continue;
		memset(s, 0, sizeof(*s));
		s->obj = ob;
		s->is_index = is_index;
		s->is_master = i == n;
		s->ipk = is_index ? -1 : ob->ipk_col;
		s->table_sig = -1;
		s->n = is_index ? ob->n_cols + 1 : ob->n_cols;
		for (k = 0; k < ob->n_cols; k++) {
			s->aff[k] = ob->col_types ? (unsigned char)wxf_sqlite_affinity(ob->col_types[k]) : WXF_AFF_BLOB;
			s->notnull[k] = ob->col_notnull ? ob->col_notnull[k] : 0;
		}
		if (is_index)
			s->aff[ob->n_cols] = WXF_AFF_INTEGER, s->notnull[ob->n_cols] = 1;
		if (i == n)
			x->master_sig = x->n_sigs;
		x->n_sigs++;
	}
	for (k = 0; k < x->n_sigs; k++) {
		cv_sig *s = &x->sigs[k];

		if (!s->is_index)
			continue;
		for (j = 0; j < x->n_sigs; j++)
			if (!x->sigs[j].is_index && s->obj->index_of >= 0 &&
			    x->sigs[j].obj == wxf_sqlite_obj_at(x->db, (size_t)s->obj->index_of))
				s->table_sig = j;
		s->col_map = wxf_arena_alloc(x->ar, sizeof(int) * (size_t)s->n);
		if (s->col_map == NULL)
			return WXF_ENOMEM;
		for (j = 0; j < s->obj->n_cols; j++) {
			s->col_map[j] = s->table_sig >= 0 ? wxf_sqlite_col(x->sigs[s->table_sig].obj, s->obj->col_names[j]) : -1;
			if (s->col_map[j] >= 0)
				s->aff[j] = x->sigs[s->table_sig].aff[s->col_map[j]];
		}
		s->col_map[s->obj->n_cols] = -1;
	}
	return WXF_OK;
}

/* Penalty of serial type st in a column of affinity a, or -1 if impossible. */
int
cv_type_penalty(const cv_sig *s, int col, uint64_t st)
{
	int a = s->aff[col];

	if (col == s->ipk)
		return st == 0 ? 0 : -1;
	if (st == 0)
		return s->notnull[col] ? -1 : 0;
	switch (a) {
	case WXF_AFF_INTEGER:
		if (st <= 6 || st == 8 || st == 9)
			return 0;
		if (st == 7)
			return 5;
		return (st & 1) ? 25 : 30;
	case WXF_AFF_REAL:
		if (st <= 9)
			return 0;
		return (st & 1) ? 25 : 30;
	case WXF_AFF_NUMERIC:
		if (st <= 9)
			return 0;
		return (st & 1) ? 15 : 25;
	case WXF_AFF_TEXT:
		if (st >= 12)
			return (st & 1) ? 0 : 10;
		return -1; /* numbers are converted to text by TEXT affinity */
	default:
		return 0;
	}
}

/* Score of record r against signature s (0..100), or -1. */
int
cv_score(const cv_sig *s, const cv_rec *r)
{
	int i, pen = 0, p, n = r->ncols;

	if (n > s->n || n < 1)
		return -1;
	if (n < s->n) {
		if (s->is_index || n < s->n - 3 || n * 2 < s->n)
			return -1;
		pen += 15 * (s->n - n);
	}
	for (i = 0; i < n; i++) {
		if (i == 0 && r->col0_unknown)
			continue;
		if ((p = cv_type_penalty(s, i, r->types[i])) < 0)
			return -1;
		pen += p;
	}
	if (s->n == 1 && s->aff[0] == WXF_AFF_BLOB)
		pen += 30; /* a one-column untyped table accepts anything */
	p = 100 - pen;
	return p < 0 ? 0 : p;
}

/* Text values must be well-formed in the db encoding (only the bytes present are checked). */
static int
text_ok(int enc, const uint8_t *p, size_t n)
{
	size_t i;

	if (enc == 1) {
		uint32_t cp;

		for (i = 0; i < n;) {
			size_t l;

			if (p[i] < 0x80) {
				if (p[i] == 0 || (p[i] < 0x20 && p[i] != '\n' && p[i] != '\r' && p[i] != '\t'))
					return 0;
				i++;
				continue;
			}
			/* well-formed 2-byte and common 3-byte forms (no overlong or surrogate possible):
			 * the same verdict as wxf_utf8_decode without the call */
			if (p[i] >= 0xc2 && p[i] <= 0xdf && i + 1 < n && (p[i + 1] & 0xc0) == 0x80) {
				i += 2;
				continue;
			}
			if (((p[i] >= 0xe1 && p[i] <= 0xec) || p[i] == 0xee || p[i] == 0xef) && i + 2 < n &&
			    (p[i + 1] & 0xc0) == 0x80 && (p[i + 2] & 0xc0) == 0x80) {
				i += 3;
				continue;
			}
			l = wxf_utf8_decode(p + i, n - i, &cp);
			if (l == 0)
				return i + 4 > n; /* a sequence cut by the end of local bytes is fine */
			i += l;
		}
		return 1;
	}
	for (i = 0; i + 1 < n; i += 2) {
		uint32_t u = enc == 3 ? (uint32_t)p[i] << 8 | p[i + 1] : (uint32_t)p[i + 1] << 8 | p[i];

		if (u == 0)
			return 0;
		if (u >= 0xd800 && u <= 0xdbff) {
			uint32_t lo;

			if (i + 3 >= n)
				return 1;
			lo = enc == 3 ? (uint32_t)p[i + 2] << 8 | p[i + 3] : (uint32_t)p[i + 3] << 8 | p[i + 2];
			if (lo < 0xdc00 || lo > 0xdfff)
				return 0;
			i += 2;
		} else if (u >= 0xdc00 && u <= 0xdfff)
			return 0;
	}
	return 1;
}

/* Checks every text value whose bytes lie in body[0..avail). */
int
cv_values_ok(cx *x, const cv_rec *r, size_t avail)
{
	size_t pos = 0;
	int i;

	for (i = 0; i < r->ncols; i++) {
		int64_t sz = wxf_sqlite_serial_size(r->types[i]);

		if (sz < 0)
			return 0;
		if (r->types[i] >= 13 && (r->types[i] & 1) && pos < avail &&
		    !text_ok(x->enc, r->body + pos, (size_t)sz < avail - pos ? (size_t)sz : avail - pos))
			return 0;
		pos += (size_t)sz;
	}
	return 1;
}

/* Best signature for r among tables (want_index = 0) or indexes; -1 if none. */
int
cv_best_sig(cx *x, const cv_rec *r, int want_index, int *score)
{
	int i, best = -1, bs = -1, second = -1, sc;

	for (i = 0; i < x->n_sigs; i++) {
		if (x->sigs[i].is_index != want_index || (x->only_sig >= 0 && i != x->only_sig))
			continue;
		if ((sc = cv_score(&x->sigs[i], r)) < 0)
			continue;
		if (i == x->scan.hint)
			sc += 3;
		if (sc > bs) {
			second = bs;
			bs = sc;
			best = i;
		} else if (sc > second)
			second = sc;
	}
	if (best >= 0 && second >= 0 && second + 3 >= bs && best != x->scan.hint)
		bs -= 20; /* two tables fit as well: attribution uncertain */
	*score = bs > 100 ? 100 : bs;
	return best;
}

/* ---------------------------------------------------------------- dropped tables */

typedef struct dropped_ctx {
	cx *x;
	uint16_t sig1;
} dropped_ctx;

static int
dropped_visit(void *arg, uint32_t pgno, int kind)
{
	dropped_ctx *dc = arg;

	(void)kind;
	if (pgno < dc->x->n_owner && dc->x->dropped_of[pgno] == 0 &&
	    (dc->x->owner[pgno] == OWN_LEAF || dc->x->owner[pgno] == OWN_NONE || dc->x->owner[pgno] == OWN_TRUNK))
		dc->x->dropped_of[pgno] = dc->sig1;
	return 0;
}

/* Old sqlite_master records of tables missing from the live schema become signatures. */
int
cv_add_dropped(cx *x)
{
	size_t i;
	int tr;

	for (i = 0; i < x->set.n_c && x->n_dropped < MAX_DROPPED; i++) {
		cand *c = &x->set.c[i];
		wxf_sqlval *v = x->vals;
		wxf_sqlite_obj *o;
		cv_sig *s;
		int k;

		if (c->sig != x->master_sig || c->ncols < 5 || c->known[0] == 0)
			continue;
		if (wxf_sqlite_record_values(x->enc, c->types, 5, c->body, c->body_len, v, &x->s, &tr) != WXF_OK)
			return WXF_ENOMEM;
		if (v[0].type != WXF_SQL_TEXT || v[0].n != 5 || memcmp(v[0].p, "table", 5) != 0 ||
		    v[1].type != WXF_SQL_TEXT || v[4].type != WXF_SQL_TEXT)
			continue;
		o = wxf_arena_alloc(x->ar, sizeof(*o));
		if (o == NULL)
			return WXF_ENOMEM;
		o->type = "table";
		o->name = wxf_arena_strndup(x->ar, (const char *)v[1].p, v[1].n);
		o->tbl_name = o->name;
		o->sql = wxf_arena_strndup(x->ar, (const char *)v[4].p, v[4].n);
		if (o->name == NULL || o->sql == NULL || wxf_sqlite_obj_parse(x->ar, o) != WXF_OK)
			return WXF_ENOMEM;
		o->rootpage = v[3].type == WXF_SQL_INT && v[3].i > 0 ? (uint32_t)v[3].i : 0;
		if (o->n_cols <= 0 || o->n_cols >= CV_MAXCOLS - 1 || o->without_rowid || o->is_virtual ||
		    wxf_sqlite_table(x->db, o->name) != NULL)
			continue;
		for (k = 0; k < x->n_sigs; k++)
			if (strcasecmp(x->sigs[k].obj->name, o->name) == 0 && x->sigs[k].obj->sql != NULL &&
			    strcmp(x->sigs[k].obj->sql, o->sql) == 0)
				break;
		if (k < x->n_sigs)
			continue;
		if (x->n_dropped == 0) {
			cv_sig *ns = wxf_arena_alloc(x->ar, sizeof(cv_sig) *
			    ((size_t)x->n_sigs + MAX_DROPPED));

			if (ns == NULL)
				return WXF_ENOMEM;
			memcpy(ns, x->sigs, sizeof(cv_sig) * (size_t)x->n_sigs);
			x->sigs = ns;
		}
		s = &x->sigs[x->n_sigs];
		memset(s, 0, sizeof(*s));
		s->obj = o;
		s->n = o->n_cols;
		s->ipk = o->ipk_col;
		s->table_sig = -1;
		s->is_dropped = 1;
		if (o->rootpage != 0) {
			dropped_ctx dc = { x, (uint16_t)(x->n_sigs + 1) };

			/* the old root itself, even when it became a freelist trunk and no longer
			 * parses as a b-tree page (a one-page table keeps its rows there) */
			dropped_visit(&dc, o->rootpage, 0);
			if (wxf_sqlite_tree_pages(x->db, o->rootpage, dropped_visit, &dc, 0, NULL) ==
			    WXF_ENOMEM)
				x->oom = 1;
		}
		for (k = 0; k < o->n_cols; k++) {
			s->aff[k] = (unsigned char)wxf_sqlite_affinity(o->col_types[k]);
			s->notnull[k] = o->col_notnull ? o->col_notnull[k] : 0;
		}
		x->n_sigs++;
		x->n_dropped++;
	}
	return WXF_OK;
}
