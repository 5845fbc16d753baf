/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The free space of one page image, and the records in it.
 *
 * Free space on a b-tree page (src/sqlite/page.c has the header table):
 *
 *   | hdr | cell pointers | unallocated gap | cells, freeblocks, fragments ... | reserve |
 *   0     hdr_len          ptr_end           content_start                     U        page size
 *
 * Per page the carver marks the bytes of live cells; every other byte from ptr_end to U is free
 * space.  In free space it tries, at each offset, an intact cell, then, at a freeblock start or
 * a stale freeblock header, a clobbered cell (carve_cell.c has both).  A success moves the offset
 * past the record, a failure by one byte.  Old page images (freelist leaves, pages no tree owns,
 * WAL frames that are not the current version, main pages the WAL replaced, journal records)
 * also give their allocated cells as intact candidates.
 */
#include "config.h"
#include "carve_int.h"

#include <string.h>

/*
 * Scans free bytes [a, b) of page image `page` for records.  fb/fbend: freeblock extents (sorted
 * by start), nfb.  kind: 0 table cells, 1 index cells.  At each offset an intact cell is tried
 * first; at a freeblock start, or at a stale freeblock header inside free space, a clobbered
 * cell (cv_clobbered_cell).  A record moves the offset past it, so coalesced blocks are split into
 * successive records; nothing found moves it by one byte.  On the current version of a live
 * b-tree page, a record starting in content-area bytes that no freeblock accounts for is a cell
 * cut off its pointer (damaged or manipulated pointer array), not a deleted one: it is counted
 * (stats.unreferenced) and not reported.
 */
static void
scan_region(cx *x, const uint8_t *page, uint32_t a, uint32_t b, const uint32_t *fb,
    const uint32_t *fbend, int nfb, int kind, wxf_origin org)
{
	uint32_t o = a;
	int fi = 0;
	cv_rec *r = &x->scan.rec_scan;

	x->st->bytes_scanned += b > a ? b - a : 0;
	if (kind == 1 && !(x->src_mask & WXF_CARVE_INDEX))
		return;
	while (o + 3 < b && !x->oom) {
		int sig = -1, sc = 0, got = 0, in_block;
		uint32_t fsz;

		while (fi < nfb && fbend[fi] <= o)
			fi++;
		in_block = fi < nfb && fb[fi] <= o;
		x->scan.origin = in_block ? WXF_ORIGIN_FREEBLOCK : org;
		if (!in_block && org == WXF_ORIGIN_UNALLOCATED && !(x->src_mask & WXF_CARVE_UNALLOC)) {
			o++;
			continue;
		}
		if (!(in_block && fb[fi] == o) && cv_intact_cell(x, page, o, b, kind, 0, r)) {
			sig = cv_best_sig(x, r, kind, &sc);
			if (sig >= 0 && sc >= 40) {
				r->base = 90;
				got = 1;
			}
		}
		if (!got && kind == 0 && (x->src_mask & WXF_CARVE_FREEBLOCK)) {
			if (in_block && fb[fi] == o) {
				uint32_t lim = fbend[fi] <= b ? fbend[fi] : b;

				got = cv_clobbered_cell(x, page, o, lim, lim - o, r, &sig, &sc);
			} else {
				uint32_t lim = in_block && fbend[fi] < b ? fbend[fi] : b;

				if (!x->scan.raw_page && cv_fb_header(x, page, o, lim, &fsz))
					got = cv_clobbered_cell(x, page, o, o + fsz < lim ? o + fsz : lim, fsz, r, &sig,
					    &sc);
			}
		}
		if (got && r->rowid == INT64_MIN && !(in_block && fb[fi] == o)) {
			/* a stale header guess yields to an intact cell starting inside its 4 bytes */
			cv_rec *q = &x->scan.rec_cell;
			uint32_t k;
			int s2;

			for (k = 1; k < 4 && got; k++)
				if (cv_intact_cell(x, page, o + k, b, kind, 0, q) &&
				    cv_best_sig(x, q, kind, &s2) >= 0 && s2 >= 40)
					got = 0;
			if (!got) {
				o++;
				continue;
			}
		}
		if (!got) {
			o++;
			continue;
		}
		if (x->scan.live_page && x->scan.mask[o] == 0)
			x->st->unreferenced++; /* a cell its pointer lost, not a deleted one */
		else
			cv_take(x, r, sig, sc);
		o += r->len > 0 ? r->len : 1;
	}
}

/* The page mask, a word at a time (every page's bytes are classified). */
#define MASK_LO 0x0101010101010101ULL
#define MASK_7F 0x7f7f7f7f7f7f7f7fULL
#define MASK_HI 0x8080808080808080ULL

/* Bytes 0 in m[a..b) become 3 (free space on a live page), the others stay. */
static void
mask_zero_to_3(uint8_t *m, uint32_t a, uint32_t b)
{
	for (; a < b && (a & 7) != 0; a++)
		if (m[a] == 0)
			m[a] = 3;
	for (; a + 8 <= b; a += 8) {
		uint64_t w, z;

		memcpy(&w, m + a, 8);
		z = ~(((w & MASK_7F) + MASK_7F) | w) & MASK_HI; /* 0x80 exactly in the zero bytes */
		w |= (z >> 7) * 3;
		memcpy(m + a, &w, 8);
	}
	for (; a < b; a++)
		if (m[a] == 0)
			m[a] = 3;
}

/* The first i in [a, n) with m[i] != 1 (allocated bytes are 1), or n. */
static uint32_t
mask_skip_ones(const uint8_t *m, uint32_t a, uint32_t n)
{
	for (; a < n && (a & 7) != 0; a++)
		if (m[a] != 1)
			return a;
	for (; a + 8 <= n; a += 8) {
		uint64_t w;

		memcpy(&w, m + a, 8);
		if (w != MASK_LO)
			break; /* the byte is in this word */
	}
	for (; a < n; a++)
		if (m[a] != 1)
			return a;
	return n;
}

/* Whether the page holds the text "table" in the database encoding.  The schema pass only keeps
 * sqlite_master records whose first value is "table" (cv_add_dropped); that value starts the record
 * body, which lies in the page (the local part is at least ~480 bytes), so a page without the
 * word yields nothing the pass uses. */
static int
has_table_word(const cx *x, const uint8_t *page)
{
	static const char w8[] = "table", w16le[] = "t\0a\0b\0l\0e\0", w16be[] = "\0t\0a\0b\0l\0e";

	if (x->enc == 2)
		return memmem(page, x->U, w16le, 10) != NULL;
	if (x->enc == 3)
		return memmem(page, x->U, w16be, 10) != NULL;
	return memmem(page, x->U, w8, 5) != NULL;
}

/*
 * One page image.  old_image: its allocated cells are candidates too.  live_tree: the page is
 * the current version of a live b-tree page (allocated cells are live rows).
 */
void
cv_carve_page(cx *x, const uint8_t *page, uint32_t pgno, int old_image, wxf_origin cell_origin,
    wxf_origin free_origin)
{
	wxf_sqlite_page_hdr h;
	uint32_t *fb = x->scan.fb, *fbe = x->scan.fbe, i, U = x->U;
	int nfb = 0, kind;
	uint32_t own = pgno < x->n_owner ? x->owner[pgno] : OWN_NONE;

	x->scan.pgno = pgno;
	x->st->pages_scanned++;
	x->scan.live_page = 0;
	if (x->only_sig >= 0 && x->only_sig == x->master_sig && !has_table_word(x, page))
		return; /* the schema pass wants old "table" records: none can start on this page */
	x->scan.hint = own != OWN_NONE && own < OWN_TRUNK ? (int)own - 1 : -1;
	if (x->scan.hint < 0 && pgno < x->n_owner && x->dropped_of != NULL && x->dropped_of[pgno] != 0)
		x->scan.hint = x->dropped_of[pgno] - 1;
	if (own == OWN_TRUNK && x->scan.page_abs == (uint64_t)(pgno - 1) * x->page_size && x->scan.frame == 0) {
		uint32_t n = 0;

		wxf_get_u32be(page, U, 4, &n);
		if (n > U / 4 - 2)
			n = U / 4 - 2;
		scan_region(x, page, 8 + 4 * n, U, NULL, NULL, 0, 0, free_origin);
		return;
	}
	if (wxf_sqlite_page_header(page, U, pgno, &h) != WXF_OK) {
		if (own == OWN_OVFL)
			return;
		/* not a b-tree page: the whole page is residue (dropped or corrupt) */
		if (pgno == 1)
			return;
		x->scan.raw_page = 1;
		scan_region(x, page, 0, U, NULL, NULL, 0, 0, free_origin);
		x->scan.raw_page = 0;
		return;
	}
	kind = (h.type == 0x0a || h.type == 0x02) ? 1 : 0;
	memset(x->scan.mask, 0, U);
	memset(x->scan.mask, 1, h.ptr_end);
	for (i = 0; i < h.n_cells; i++) {
		uint16_t cp;
		wxf_sqlite_cell cl;

		if (wxf_get_u16be(page, U, h.hdr_off + h.hdr_len + 2 * i, &cp) < 0 || cp < h.ptr_end ||
		    wxf_sqlite_cell_parse(page, U, h.type, cp, &cl) != WXF_OK)
			continue;
		memset(x->scan.mask + cp, 1, cl.len);
		if (old_image && (h.type == 0x0d || h.type == 0x0a || h.type == 0x02)) {
			cv_rec *r = &x->scan.rec_cell;
			int sig, sc;

			if (cv_intact_cell(x, page, cp, U, kind, h.type == 0x02, r)) {
				r->off = cp;
				sig = cv_best_sig(x, r, kind, &sc);
				if (sig >= 0 && sc >= 30) {
					x->scan.origin = cell_origin;
					r->base = 98;
					r->len = cl.len;
					cv_take(x, r, sig, sc);
				}
			}
		}
	}
	/* freeblock chain: ascending, bounded by the page */
	{
		uint32_t f = h.first_freeblock, prev = 0, lim_fb = U / 4 + 1;

		while (f != 0 && (uint32_t)nfb < lim_fb && f > prev && f + 4 <= U) {
			uint16_t next = 0, sz = 0;

			wxf_get_u16be(page, U, f, &next);
			wxf_get_u16be(page, U, f + 2, &sz);
			fb[nfb] = f;
			fbe[nfb] = sz >= 4 && f + sz <= U ? f + sz : U;
			nfb++;
			prev = f;
			f = next;
		}
	}
	if (h.type == 0x05)
		return; /* table interior pages hold no records */
	/* The current version of a live b-tree page: free bytes are the gap below the content start
	 * and the freeblocks (+ fragments); any other byte not in a cell is unaccounted for. */
	if (!old_image && cell_origin == WXF_ORIGIN_LIVE) {
		uint32_t cs = h.content_start < U ? h.content_start : U;
		int k;

		x->scan.live_page = 1;
		mask_zero_to_3(x->scan.mask, h.ptr_end, cs);
		for (k = 0; k < nfb; k++)
			mask_zero_to_3(x->scan.mask, fb[k], fbe[k]);
	}
	/* free runs */
	{
		uint32_t a = h.ptr_end;

		while (a < U) {
			uint32_t b;
			const uint8_t *one;

			a = mask_skip_ones(x->scan.mask, a, U);
			one = a < U ? memchr(x->scan.mask + a, 1, U - a) : NULL;
			b = one != NULL ? (uint32_t)(one - x->scan.mask) : U;
			if (b > a + 4)
				scan_region(x, page, a, b, fb, fbe, nfb, kind, free_origin);
			a = b;
		}
	}
	x->scan.live_page = 0;
}
