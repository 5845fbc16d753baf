/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Page ownership and live fingerprints.  One walk per b-tree (cv_own_walk) records which tree
 * owns each page (owner[]: a signature + 1, or OWN_*: freelist trunk or leaf, overflow, pointer
 * map) and marks the overflow pages of its cells; the fingerprint of every live record (table
 * leaf cells, index cells, read from the raw cells) goes into the live set, or, when spilling,
 * into its partition's stream, the workers fingerprinting a batch of pages at a time.  A
 * candidate with a live fingerprint is a copy of a live row, not a deleted one.
 *
 * Fingerprints are computed straight from a record's serial types and body bytes, the same way
 * for live rows and candidates, so that equal records have equal fingerprints.
 */
#include "config.h"
#include "carve_int.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Mixes n bytes into two independent lanes (two multiplies in flight), 16 bytes a step. */
static void
fp_bytes(uint64_t *ph, uint64_t *pg, const uint8_t *p, size_t n)
{
	uint64_t h = *ph, g = *pg, u, v;
	size_t k;

	for (k = 0; k + 16 <= n; k += 16) {
		memcpy(&u, p + k, 8);
		memcpy(&v, p + k + 8, 8);
		h = cv_mix(h, u);
		g = cv_mix(g, v);
	}
	if (k + 8 <= n) {
		memcpy(&u, p + k, 8);
		h = cv_mix(h, u);
		k += 8;
	}
	if (k < n) {
		u = 0;
		memcpy(&u, p + k, n - k);
		h = cv_mix(h, u ^ ((uint64_t)(n - k) << 56));
	}
	*ph = h;
	*pg = g;
}

/* Fingerprint of a record straight from its serial types and body bytes (no decoding): the
 * same function for live rows and candidates, so equal records have equal fingerprints.  The
 * rowid-alias column is left out (its NULL says nothing), missing trailing columns count as
 * NULL, bytes past body_len (a cut-off overflow chain) are left out. */
uint64_t
cv_fp_raw(const cv_sig *s, int sig, const uint64_t *types, int ncols, const uint8_t *body, size_t body_len)
{
	uint64_t h = 0x243f6a8885a308d3ULL ^ (uint64_t)(sig + 1);
	uint64_t g = 0x452821e638d01377ULL;
	size_t pos = 0, ipk_off = 0, ipk_len = 0, avail;
	int i;

	/* the serial types (the column boundaries), then the bytes that exist without the IPK
	 * column's: equal records give equal bytes column by column, hence as a whole */
	for (i = 0; i < s->n; i++) {
		uint64_t st = i < ncols ? types[i] : 0;
		int64_t z = wxf_sqlite_serial_size(st);

		if (z < 0)
			z = 0;
		if (i == s->ipk) {
			ipk_off = pos;
			ipk_len = (size_t)z;
		} else
			h = cv_mix(h, st ^ ((uint64_t)(i + 1) << 40));
		pos += (size_t)z;
	}
	avail = pos < body_len ? pos : body_len;
	if (ipk_len > 0 && ipk_off < avail) {
		size_t e = ipk_off + ipk_len < avail ? ipk_off + ipk_len : avail;

		fp_bytes(&h, &g, body, ipk_off);
		fp_bytes(&h, &g, body + e, avail - e);
		avail -= e - ipk_off;
	} else
		fp_bytes(&h, &g, body, avail);
	h = cv_mix(cv_mix(h, g), (uint64_t)avail);
	return h ? h : 1;
}

/* ---------------------------------------------------------------- live fingerprints */

/* Adds fp to the live set (cv_live_has), which grows to stay at most half full. */
int
cv_live_add(cv_set *set, uint64_t fp)
{
	size_t i;

	if ((set->n_live + 1) * 2 > set->cap_live) {
		size_t nc = set->cap_live ? set->cap_live * 2 : 4096, k;
		uint64_t *nv = calloc(nc, sizeof(*nv));

		if (nv == NULL)
			return WXF_ENOMEM;
		for (k = 0; k < set->cap_live; k++)
			if (set->live_fp[k] != 0) {
				for (i = (size_t)(set->live_fp[k] ^ (set->live_fp[k] >> 29)) & (nc - 1); nv[i] != 0;
				    i = (i + 1) & (nc - 1))
					;
				nv[i] = set->live_fp[k];
			}
		free(set->live_fp);
		set->live_fp = nv;
		set->cap_live = nc;
	}
	for (i = (size_t)(fp ^ (fp >> 29)) & (set->cap_live - 1); set->live_fp[i] != 0;
	    i = (i + 1) & (set->cap_live - 1))
		if (set->live_fp[i] == fp)
			return WXF_OK;
	set->live_fp[i] = fp;
	set->n_live++;
	return WXF_OK;
}

/* A live fingerprint: into the set, or into its partition's file when spilling. */
static int
live_put(cx *x, uint64_t fp)
{
	if (x->sp.n_part > 1)
		return cv_sp_live(&x->sp, fp);
	return cv_live_add(&x->set, fp);
}

/* One walk per b-tree: page ownership, overflow pages, and the fingerprint of every live record
 * (table leaf cells, index cells), read from the raw cells. */
typedef struct walk_ctx {
	cx *x;
	int sig;                    /* -1: ownership only */
	uint32_t val;
} walk_ctx;

static int
ovfl_mark(void *arg, uint32_t pgno)
{
	cx *x = arg;
	uint32_t none = OWN_NONE;

	/* atomic: the walk's workers mark overflow pages concurrently */
	if (pgno < x->n_owner)
		__atomic_compare_exchange_n(&x->owner[pgno], &none, (uint32_t)OWN_OVFL, 0, __ATOMIC_RELAXED,
		    __ATOMIC_RELAXED);
	return 0;
}

static int walk_cells(cx *x, uint32_t pgno, int sig);

/* Fingerprints the batched pages on the workers (they write to their own streams). */
static void *
wk_walk(void *arg)
{
	cx *x = arg, *m = x->pool.master;

	for (;;) {
		size_t a = atomic_fetch_add(&m->pool.wb_next, 64), i;

		if (a >= m->pool.wb_n || x->oom)
			break;
		for (i = a; i < m->pool.wb_n && i < a + 64 && !x->oom; i++)
			if (walk_cells(x, m->pool.wb[i].pgno, m->pool.wb[i].sig) != 0)
				x->oom = 1;
	}
	return NULL;
}

static void
wb_flush(cx *m)
{
	unsigned j;

	if (m->pool.wb_n == 0)
		return;
	if (m->pool.n_wk == 0) {
		size_t i;

		for (i = 0; i < m->pool.wb_n && !m->oom; i++)
			if (walk_cells(m, m->pool.wb[i].pgno, m->pool.wb[i].sig) != 0)
				m->oom = 1;
	} else {
		atomic_store(&m->pool.wb_next, 0);
		cv_wk_run(m, wk_walk);
		for (j = 0; j < m->pool.n_wk; j++)
			if (m->pool.wk[j].oom)
				m->oom = 1;
	}
	m->pool.wb_n = 0;
}

static int
walk_visit(void *arg, uint32_t pgno, int kind)
{
	walk_ctx *wc = arg;
	cx *x = wc->x;

	if (pgno < x->n_owner && x->owner[pgno] == OWN_NONE)
		x->owner[pgno] = wc->val;
	if (kind != 0x0d && kind != 0x0a && kind != 0x02 && kind != 0x05)
		return 0;
	if (x->pool.wb != NULL && wc->sig >= 0) {
		/* a batch at a time (on the workers when spilling): tree pages are owned before the
		 * overflow pages of the batch's cells are marked, in every mode alike */
		if (kind == 0x05)
			return 0;
		x->pool.wb[x->pool.wb_n].pgno = pgno;
		x->pool.wb[x->pool.wb_n].sig = wc->sig;
		if (++x->pool.wb_n == x->pool.wb_cap)
			wb_flush(x);
		return x->oom;
	}
	return walk_cells(x, pgno, wc->sig);
}

/* The cells of b-tree page pgno: overflow pages are marked and, for sig >= 0, each record's
 * fingerprint is a live one. */
static int
walk_cells(cx *x, uint32_t pgno, int sig)
{
	const uint8_t *page;
	wxf_sqlite_page_hdr h;
	cv_rec *r = &x->scan.rec_cell;
	uint32_t i;

	if ((page = wxf_sqlite_page(x->db, pgno, NULL)) == NULL ||
	    wxf_sqlite_page_header(page, x->U, pgno, &h) != WXF_OK || h.type == 0x05)
		return 0;
	for (i = 0; i < h.n_cells; i++) {
		uint16_t cp;
		wxf_sqlite_cell cl;
		const uint8_t *pay;
		size_t plen, hl;
		int tr = 0, n;

		if (wxf_get_u16be(page, x->U, h.hdr_off + h.hdr_len + 2 * i, &cp) < 0 ||
		    wxf_sqlite_cell_parse(page, x->U, h.type, cp, &cl) != WXF_OK)
			continue;
		pay = page + cl.payload_off;
		plen = cl.local;
		if (cl.overflow != 0) {
			wxf_sqlite_overflow_walk(x->db, cl.payload_len, cl.local, cl.overflow, ovfl_mark, x);
			if (sig < 0)
				continue;
			if (wxf_sqlite_payload(x->db, page + cl.payload_off, cl.local, cl.payload_len, cl.overflow,
			    &x->s2, &pay, &plen, &tr, NULL) != WXF_OK) {
				x->oom = 1;
				return 1;
			}
		}
		if (sig < 0)
			continue;
		n = wxf_sqlite_record_types(pay, plen, r->types, CV_MAXCOLS, &hl);
		if (n < 0 || n > CV_MAXCOLS)
			continue;
		if (live_put(x, cv_fp_raw(&x->sigs[sig], sig, r->types, n, pay + hl, plen - hl)) != WXF_OK) {
			x->oom = 1;
			return 1;
		}
	}
	return 0;
}

typedef struct live_ctx {
	cx *x;
	int sig;
	wxf_carve_cb cb;
	void *arg;
	int emit;
} live_ctx;

static int
live_row(void *arg, const wxf_sqlrow *row)
{
	live_ctx *lc = arg;
	cx *x = lc->x;
	const cv_sig *s = &x->sigs[lc->sig];
	int n = row->n_vals < s->n ? row->n_vals : s->n;

	if (lc->emit) {
		wxf_carved c;
		wxf_carve_src src;
		unsigned char *known = (unsigned char *)x->scan.mask; /* scratch: page mask not in use now */
		int rc;

		memset(known, 1, (size_t)(row->n_vals > 0 ? row->n_vals : 1));
		memset(&c, 0, sizeof(c));
		c.row = *row;
		c.known = known;
		c.origin = WXF_ORIGIN_LIVE;
		c.status = WXF_STATUS_INTACT;
		c.confidence = 100;
		c.file = row->wal_frame ? x->walname : x->dbname;
		c.pgno = row->pgno;
		c.frame = row->wal_frame;
		c.offset = row->offset;
		c.length = row->length;
		src.origin = WXF_ORIGIN_LIVE;
		src.file = c.file;
		src.pgno = c.pgno;
		src.frame = c.frame;
		src.offset = c.offset;
		src.length = c.length;
		src.confidence = 100;
		c.n_sources = 1;
		c.sources = &src;
		if ((rc = lc->cb(lc->arg, &c)) != 0)
			return rc;
		x->st->per_status[WXF_STATUS_INTACT]++;
		x->st->reported++;
		return 0;
	}
	(void)s;
	(void)n;
	return 0;
}

static int
fl_visit(void *arg, uint32_t pgno, int trunk)
{
	cx *x = arg;

	if (pgno < x->n_owner && x->owner[pgno] == OWN_NONE)
		x->owner[pgno] = trunk ? OWN_TRUNK : OWN_LEAF;
	return 0;
}

/* Page ownership (owner[]) and the live fingerprints: one walk per b-tree, then the objects
 * without a signature, the freelist and the pointer-map pages.  Sets x->oom on failure. */
void
cv_own_walk(cx *x)
{
	uint32_t pgno;
	int i;

	/* ownership and live fingerprints (spilling: the workers fingerprint, see walk_visit) */
	for (i = 0; i < x->n_sigs && !x->oom; i++) {
		walk_ctx wc = { x, i, (uint32_t)i + 1 };

		if (wxf_sqlite_tree_pages(x->db, x->sigs[i].obj->rootpage, walk_visit, &wc, 0, NULL) ==
		    WXF_ENOMEM)
			x->oom = 1;
	}
	if (!x->oom)
		wb_flush(x);
	/* objects without a signature (autoindexes, WITHOUT ROWID) still own their pages */
	{
		size_t k, n = wxf_sqlite_n_objs(x->db);

		for (k = 0; k < n && !x->oom; k++) {
			walk_ctx wc = { x, -1, OWN_PTRMAP };
			int j;

			for (j = 0; j < x->n_sigs && x->sigs[j].obj != wxf_sqlite_obj_at(x->db, k); j++)
				;
			if (j < x->n_sigs)
				continue; /* walked above: its pages and overflow pages are marked */
			if (wxf_sqlite_tree_pages(x->db, wxf_sqlite_obj_at(x->db, k)->rootpage, walk_visit,
			    &wc, 0, NULL) == WXF_ENOMEM)
				x->oom = 1;
		}
	}
	wxf_sqlite_freelist_walk(x->db, fl_visit, x, NULL);
	if (wxf_sqlite_autovacuum_root(x->db) != 0) {
		/* pointer-map pages: page 2 and every (U/5 + 1)th page after it */
		uint32_t step = x->U / 5 + 1;

		for (pgno = 2; pgno < x->n_owner; pgno += step)
			if (x->owner[pgno] == OWN_NONE)
				x->owner[pgno] = OWN_PTRMAP;
	}
}

/* Reports every live row of the tables (WXF_CARVE_LIVE); 0 or the callback's value. */
int
cv_live_emit(cx *x, wxf_carve_cb cb, void *arg)
{
	int i, rc = 0;

	for (i = 0; i < x->n_sigs && rc == 0; i++) {
		live_ctx lc = { x, i, cb, arg, 1 };

		if (x->sigs[i].is_index || x->sigs[i].is_master)
			continue;
		if (x->o->table != NULL && strcasecmp(x->sigs[i].obj->name, x->o->table) != 0)
			continue;
		rc = wxf_sqlite_scan(x->db, x->sigs[i].obj, live_row, &lc, NULL);
	}
	return rc;
}
