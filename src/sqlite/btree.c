/* SPDX-License-Identifier: Apache-2.0 */
/*
 * B-tree walks: live rows of a table (rowid order), index entries, rowid lookup, the page set
 * of a tree, and the freelist.
 *
 * Freelist trunk page:
 *   OFFSET SIZE DESCRIPTION
 *        0    4 next trunk page (0 = last)
 *        4    4 number L of leaf page numbers on this trunk (L <= U/4 - 2)
 *        8   4L leaf page numbers
 *   The rest of a trunk page, and the whole of every leaf page, is old content (carve/).
 *
 * Invariants: a walk keeps a visited bitmap over the page numbers, so no page is entered twice
 * (cycles end); the descent depth is at most WALK_DEPTH; a page of the wrong kind for its tree,
 * or whose header fails wxf_sqlite_page_header, is skipped with a warning.
 */
#include "config.h"
#include "sqlite_int.h"
#include "base/wxf_cur.h"

#include <stdlib.h>
#include <string.h>

#define WALK_DEPTH 64
#define MAX_REC_COLS 32768

typedef struct wframe {
	uint32_t pgno;
	uint32_t idx;     /* next cell to descend into; n_cells = right child */
} wframe;

typedef struct rowbuf {
	uint64_t *types;
	wxf_sqlval *rec;   /* values in record order */
	wxf_sqlval *vals;  /* values in declared order */
	int cap;
	wxf_sqlite_scratch s;
} rowbuf;

static void
rowbuf_free(rowbuf *b)
{
	free(b->types);
	free(b->rec);
	free(b->vals);
	wxf_sqlite_scratch_free(&b->s);
}

static int
rowbuf_grow(rowbuf *b, int n)
{
	void *t, *r, *v;

	if (n <= b->cap)
		return WXF_OK;
	if (n < 64)
		n = 64;
	t = realloc(b->types, (size_t)n * sizeof(*b->types));
	if (t != NULL)
		b->types = t;
	r = realloc(b->rec, (size_t)n * sizeof(*b->rec));
	if (r != NULL)
		b->rec = r;
	v = realloc(b->vals, (size_t)n * sizeof(*b->vals));
	if (v != NULL)
		b->vals = v;
	if (t == NULL || r == NULL || v == NULL)
		return WXF_ENOMEM;
	b->cap = n;
	return WXF_OK;
}

static uint64_t
page_abs_off(const wxf_sqlite_db *db, uint32_t pgno, uint32_t frame)
{
	if (frame != 0)
		return db->wal->frames[frame - 1].offset + 24;
	return (uint64_t)(pgno - 1) * db->page_size;
}

/*
 * Decodes the cell's record into a wxf_sqlrow for `obj` (table or index) and calls cb.
 */
static int
emit_cell(wxf_sqlite_db *db, const wxf_sqlite_obj *obj, const uint8_t *page, uint32_t pgno,
    uint32_t frame, const wxf_sqlite_cell *cl, rowbuf *b, wxf_sqlrow_cb cb, void *arg, wxf_err *err)
{
	const uint8_t *pay;
	size_t plen, hdr;
	int trunc = 0, nrec, nv, i, rc;
	wxf_sqlrow row;

	rc = wxf_sqlite_payload(db, page + cl->payload_off, cl->local, cl->payload_len, cl->overflow,
	    &b->s, &pay, &plen, &trunc, NULL);
	if (rc != WXF_OK)
		return wxf_err_set(err, rc, "out of memory");
	if (trunc)
		wxf_sqlite_warn(db, err, pgno, cl->off, "broken overflow chain");
	nrec = wxf_sqlite_record_types(pay, plen, b->types, b->cap, &hdr);
	if (nrec < 0) {
		wxf_sqlite_warn(db, err, pgno, cl->off, "malformed record header");
		return 0;
	}
	if (nrec > MAX_REC_COLS)
		nrec = MAX_REC_COLS;
	nv = obj->n_cols > 0 && !obj->is_virtual ? obj->n_cols : nrec;
	if (strcmp(obj->type, "index") == 0)
		nv = nrec;
	if (nrec > b->cap || nv > b->cap) {
		if (rowbuf_grow(b, nrec > nv ? nrec : nv) != WXF_OK)
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
		wxf_sqlite_record_types(pay, plen, b->types, b->cap, &hdr);
	}
	rc = wxf_sqlite_record_values(db->enc, b->types, nrec, pay + hdr, plen - hdr, b->rec, &b->s, &trunc);
	if (rc != WXF_OK)
		return wxf_err_set(err, rc, "out of memory");
	memset(&row, 0, sizeof(row));
	row.table = obj;
	row.rowid = cl->rowid;
	row.n_vals = nv;
	row.vals = b->vals;
	row.pgno = pgno;
	row.offset = page_abs_off(db, pgno, frame) + cl->off;
	row.length = cl->len;
	row.wal_frame = frame;
	row.truncated = trunc;
	for (i = 0; i < nv; i++)
		memset(&b->vals[i], 0, sizeof(b->vals[i]));
	if (obj->without_rowid && obj->n_pk > 0 && obj->n_cols > 0) {
		int r = 0, j, k;

		row.rowid = INT64_MIN;
		for (k = 0; k < obj->n_pk && r < nrec; k++, r++)
			if (obj->pk_cols[k] >= 0 && obj->pk_cols[k] < nv)
				b->vals[obj->pk_cols[k]] = b->rec[r];
		for (j = 0; j < obj->n_cols && r < nrec; j++) {
			int is_pk = 0;

			for (k = 0; k < obj->n_pk; k++)
				if (obj->pk_cols[k] == j)
					is_pk = 1;
			if (!is_pk)
				b->vals[j] = b->rec[r++];
		}
	} else {
		for (i = 0; i < nv && i < nrec; i++)
			b->vals[i] = b->rec[i];
		if (obj->ipk_col >= 0 && obj->ipk_col < nv) {
			b->vals[obj->ipk_col].type = WXF_SQL_INT;
			b->vals[obj->ipk_col].i = cl->rowid;
		}
		if (strcmp(obj->type, "index") == 0)
			row.rowid = nrec > 0 && b->rec[nrec - 1].type == WXF_SQL_INT ? b->rec[nrec - 1].i : INT64_MIN;
	}
	return cb(arg, &row);
}

/*
 * Generic depth-first walk in key order.  leaf_type is 0x0d (table) or 0x0a (index); interior
 * cells of index trees carry entries too and are emitted between their subtrees.
 */
static int
walk(wxf_sqlite_db *db, const wxf_sqlite_obj *obj, uint32_t root, uint8_t leaf_type,
    wxf_sqlrow_cb cb, void *arg, wxf_err *err)
{
	wframe st[WALK_DEPTH];
	int depth = 0, rc = 0;
	uint8_t *seen;
	rowbuf b;
	uint8_t inner_type = leaf_type == 0x0d ? 0x05 : 0x02;

	if (root == 0 || root > db->n_pages)
		return WXF_OK;
	seen = calloc((size_t)db->n_pages / 8 + 1, 1);
	memset(&b, 0, sizeof(b));
	if (seen == NULL || rowbuf_grow(&b, 64) != WXF_OK) {
		free(seen);
		rowbuf_free(&b);
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	}
	st[0].pgno = root;
	st[0].idx = 0;
	seen[root / 8] |= (uint8_t)(1u << (root % 8));
	depth = 1;
	while (depth > 0 && rc == 0) {
		wframe *f = &st[depth - 1];
		uint32_t fr = 0, child;
		const uint8_t *pg = wxf_sqlite_page(db, f->pgno, &fr);
		wxf_sqlite_page_hdr h;
		wxf_sqlite_cell cl;
		uint16_t cp;

		if (pg == NULL || wxf_sqlite_page_header(pg, db->usable, f->pgno, &h) != WXF_OK ||
		    (h.type != leaf_type && h.type != inner_type)) {
			wxf_sqlite_warn(db, err, f->pgno, 0, "not a b-tree page of the expected kind");
			depth--;
			continue;
		}
		if (h.type == leaf_type) {
			uint32_t i;

			for (i = 0; i < h.n_cells && rc == 0; i++) {
				if (wxf_get_u16be(pg, db->usable, h.ptr_end - 2u * (h.n_cells - i), &cp) < 0 ||
				    cp < h.ptr_end || wxf_sqlite_cell_parse(pg, db->usable, h.type, cp, &cl) != WXF_OK) {
					wxf_sqlite_warn(db, err, f->pgno, cp, "bad cell %u", i);
					continue;
				}
				rc = emit_cell(db, obj, pg, f->pgno, fr, &cl, &b, cb, arg, err);
			}
			depth--;
			continue;
		}
		/* interior page */
		if (f->idx > h.n_cells) {
			depth--;
			continue;
		}
		if (f->idx < h.n_cells) {
			uint32_t i = f->idx;

			if (wxf_get_u16be(pg, db->usable, h.ptr_end - 2u * (h.n_cells - i), &cp) < 0 ||
			    cp < h.ptr_end || wxf_sqlite_cell_parse(pg, db->usable, h.type, cp, &cl) != WXF_OK) {
				wxf_sqlite_warn(db, err, f->pgno, cp, "bad interior cell %u", i);
				f->idx++;
				continue;
			}
			child = cl.left_child;
			if (i > 0 && leaf_type == 0x0a) {
				/* the entry between subtree i-1 and subtree i */
				wxf_sqlite_cell prev;
				uint16_t pcp;

				if (wxf_get_u16be(pg, db->usable, h.ptr_end - 2u * (h.n_cells - i + 1), &pcp) == 0 &&
				    wxf_sqlite_cell_parse(pg, db->usable, h.type, pcp, &prev) == WXF_OK)
					rc = emit_cell(db, obj, pg, f->pgno, fr, &prev, &b, cb, arg, err);
			}
		} else {
			child = h.right_child;
			if (leaf_type == 0x0a && h.n_cells > 0) {
				wxf_sqlite_cell prev;
				uint16_t pcp;

				if (wxf_get_u16be(pg, db->usable, h.ptr_end - 2u, &pcp) == 0 &&
				    wxf_sqlite_cell_parse(pg, db->usable, h.type, pcp, &prev) == WXF_OK)
					rc = emit_cell(db, obj, pg, f->pgno, fr, &prev, &b, cb, arg, err);
			}
		}
		f->idx++;
		if (rc != 0)
			break;
		if (child == 0 || child > db->n_pages || (seen[child / 8] & (1u << (child % 8)))) {
			wxf_sqlite_warn(db, err, f->pgno, 0, "child page %u out of range or seen twice", child);
			continue;
		}
		if (depth >= WALK_DEPTH) {
			wxf_sqlite_warn(db, err, f->pgno, 0, "b-tree deeper than %d", WALK_DEPTH);
			continue;
		}
		seen[child / 8] |= (uint8_t)(1u << (child % 8));
		st[depth].pgno = child;
		st[depth].idx = 0;
		depth++;
	}
	free(seen);
	rowbuf_free(&b);
	return rc;
}

int
wxf_sqlite_scan(wxf_sqlite_db *db, const wxf_sqlite_obj *table, wxf_sqlrow_cb cb, void *arg,
    wxf_err *err)
{
	if (db == NULL || table == NULL)
		return wxf_err_set(err, WXF_EUSAGE, "no table");
	if (table->is_virtual || table->rootpage == 0)
		return WXF_OK;
	return walk(db, table, table->rootpage, table->without_rowid ? 0x0a : 0x0d, cb, arg, err);
}

int
wxf_sqlite_scan_index(wxf_sqlite_db *db, const wxf_sqlite_obj *index, wxf_sqlrow_cb cb, void *arg,
    wxf_err *err)
{
	if (db == NULL || index == NULL)
		return wxf_err_set(err, WXF_EUSAGE, "no index");
	return walk(db, index, index->rootpage, 0x0a, cb, arg, err);
}

/* The key of the interior table cell at off: exactly what wxf_sqlite_cell_parse(0x05) accepts and
 * yields as rowid, without the rest (the carver looks up every recovered rowid). */
static int
interior_key(const uint8_t *pg, uint32_t usable, uint32_t off, int64_t *key)
{
	uint64_t v;

	if (off >= usable || (uint64_t)off + 4 > usable || wxf_sqlvarint_fast(pg, usable, off + 4, &v) == 0)
		return -1;
	*key = (int64_t)v;
	return 0;
}

int
wxf_sqlite_find_rowid(wxf_sqlite_db *db, const wxf_sqlite_obj *table, int64_t rowid,
    wxf_sqlrow_cb cb, void *arg, wxf_err *err)
{
	uint32_t pgno = table->rootpage, fr;
	int depth;
	rowbuf b;
	int rc = WXF_ENOTFOUND;

	if (table->without_rowid || table->is_virtual || pgno == 0)
		return WXF_ENOTFOUND;
	memset(&b, 0, sizeof(b));
	for (depth = 0; depth < WALK_DEPTH; depth++) {
		const uint8_t *pg = wxf_sqlite_page(db, pgno, &fr);
		wxf_sqlite_page_hdr h;
		wxf_sqlite_cell cl;
		uint16_t cp;
		uint32_t lo, hi, next;

		if (pg == NULL || wxf_sqlite_page_header(pg, db->usable, pgno, &h) != WXF_OK)
			break;
		if (h.type == 0x0d) {
			lo = 0;
			hi = h.n_cells;
			while (lo < hi) {
				uint32_t mid = lo + (hi - lo) / 2;

				if (wxf_get_u16be(pg, db->usable, h.ptr_end - 2u * (h.n_cells - mid), &cp) < 0 ||
				    wxf_sqlite_cell_parse(pg, db->usable, 0x0d, cp, &cl) != WXF_OK)
					goto out;
				if (cl.rowid == rowid) {
					if (rowbuf_grow(&b, 64) != WXF_OK) {
						rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
						goto out;
					}
					rc = emit_cell(db, table, pg, pgno, fr, &cl, &b, cb, arg, err);
					goto out;
				}
				if (cl.rowid < rowid)
					lo = mid + 1;
				else
					hi = mid;
			}
			break;
		}
		if (h.type != 0x05)
			break;
		lo = 0;
		hi = h.n_cells;
		while (lo < hi) { /* first cell whose key >= rowid */
			uint32_t mid = lo + (hi - lo) / 2;
			int64_t key;

			if (wxf_get_u16be(pg, db->usable, h.ptr_end - 2u * (h.n_cells - mid), &cp) < 0 ||
			    interior_key(pg, db->usable, cp, &key) != 0)
				goto out;
			if (key < rowid)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == h.n_cells)
			next = h.right_child;
		else {
			if (wxf_get_u16be(pg, db->usable, h.ptr_end - 2u * (h.n_cells - lo), &cp) < 0 ||
			    wxf_sqlite_cell_parse(pg, db->usable, 0x05, cp, &cl) != WXF_OK)
				break;
			next = cl.left_child;
		}
		if (next == 0 || next > db->n_pages || next == pgno)
			break;
		pgno = next;
	}
out:
	rowbuf_free(&b);
	return rc;
}

typedef struct ovctx {
	int (*visit)(void *arg, uint32_t pgno, int kind);
	void *arg;
} ovctx;

static int
ov_visit(void *arg, uint32_t pgno)
{
	ovctx *o = arg;

	return o->visit(o->arg, pgno, 0);
}

int
wxf_sqlite_tree_pages(wxf_sqlite_db *db, uint32_t root,
    int (*visit)(void *arg, uint32_t pgno, int kind), void *arg, int with_overflow, wxf_err *err)
{
	uint32_t *st;           /* stack of pages to visit: each page is pushed at most once */
	size_t depth, cap = 64;
	int rc = 0;
	uint8_t *seen;
	ovctx oc = { visit, arg };

	if (root == 0 || root > db->n_pages)
		return WXF_OK;
	seen = calloc((size_t)db->n_pages / 8 + 1, 1);
	st = malloc(cap * sizeof(*st));
	if (seen == NULL || st == NULL) {
		free(seen);
		free(st);
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	}
	seen[root / 8] |= (uint8_t)(1u << (root % 8));
	st[0] = root;
	depth = 1;
	while (depth > 0 && rc == 0) {
		uint32_t pgno = st[--depth], i;
		const uint8_t *pg = wxf_sqlite_page(db, pgno, NULL);
		wxf_sqlite_page_hdr h;
		wxf_sqlite_cell cl;
		uint16_t cp;

		if (pg == NULL || wxf_sqlite_page_header(pg, db->usable, pgno, &h) != WXF_OK) {
			wxf_sqlite_warn(db, err, pgno, 0, "not a b-tree page");
			continue;
		}
		if ((rc = visit(arg, pgno, h.type)) != 0)
			break;
		if ((h.type == 0x0d || h.type == 0x0a) && !with_overflow)
			continue; /* a leaf has no children; its cells matter only for their overflow */
		for (i = 0; i <= h.n_cells && rc == 0; i++) {
			uint32_t child = 0;

			if (i < h.n_cells) {
				if (wxf_get_u16be(pg, db->usable, h.ptr_end - 2u * (h.n_cells - i), &cp) < 0 ||
				    cp < h.ptr_end || wxf_sqlite_cell_parse(pg, db->usable, h.type, cp, &cl) != WXF_OK)
					continue;
				if (with_overflow && cl.overflow != 0) {
					int r2 = wxf_sqlite_overflow_walk(db, cl.payload_len, cl.local, cl.overflow,
					    ov_visit, &oc);
					if (r2 > 0)
						rc = r2;
				}
				child = cl.left_child;
			} else
				child = h.right_child;
			if (h.type == 0x0d || h.type == 0x0a || child == 0)
				continue;
			if (child > db->n_pages || (seen[child / 8] & (1u << (child % 8)))) {
				wxf_sqlite_warn(db, err, pgno, 0, "child %u out of range or seen twice", child);
				continue;
			}
			if (depth == cap) {
				uint32_t *ns = realloc(st, cap * 2 * sizeof(*st));

				if (ns == NULL) {
					rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
					break;
				}
				st = ns;
				cap *= 2;
			}
			seen[child / 8] |= (uint8_t)(1u << (child % 8));
			st[depth++] = child;
		}
	}
	free(seen);
	free(st);
	return rc;
}

int
wxf_sqlite_freelist_walk(wxf_sqlite_db *db, int (*visit)(void *arg, uint32_t pgno, int is_trunk),
    void *arg, wxf_err *err)
{
	uint32_t trunk = db->fl_trunk, max_leaves = db->usable / 4 - 2, steps = 0;
	uint8_t *seen;
	int rc = 0;

	if (trunk == 0)
		return WXF_OK;
	seen = calloc((size_t)db->n_pages / 8 + 1, 1);
	if (seen == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	while (trunk != 0 && rc == 0 && steps++ <= db->n_pages) {
		const uint8_t *pg;
		uint32_t next, n, i, leaf;

		if (trunk > db->n_pages || (seen[trunk / 8] & (1u << (trunk % 8)))) {
			wxf_sqlite_warn(db, err, trunk, 0, "freelist trunk out of range or seen twice");
			break;
		}
		seen[trunk / 8] |= (uint8_t)(1u << (trunk % 8));
		pg = wxf_sqlite_page(db, trunk, NULL);
		if (pg == NULL)
			break;
		if ((rc = visit(arg, trunk, 1)) != 0)
			break;
		wxf_get_u32be(pg, db->usable, 0, &next);
		wxf_get_u32be(pg, db->usable, 4, &n);
		if (n > max_leaves) {
			wxf_sqlite_warn(db, err, trunk, 4, "freelist trunk claims %u leaves", n);
			n = max_leaves;
		}
		for (i = 0; i < n && rc == 0; i++) {
			if (wxf_get_u32be(pg, db->usable, 8 + 4 * (size_t)i, &leaf) < 0)
				break;
			if (leaf == 0 || leaf > db->n_pages || (seen[leaf / 8] & (1u << (leaf % 8)))) {
				wxf_sqlite_warn(db, err, trunk, 8 + 4 * i, "freelist leaf %u out of range or seen twice", leaf);
				continue;
			}
			seen[leaf / 8] |= (uint8_t)(1u << (leaf % 8));
			rc = visit(arg, leaf, 0);
		}
		trunk = next;
	}
	free(seen);
	return rc;
}
