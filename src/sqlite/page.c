/* SPDX-License-Identifier: Apache-2.0 */
/*
 * B-tree pages, cells and overflow chains (fileformat2 sections 1.5-1.6).
 *
 * B-tree page header, at offset 100 on page 1, else 0:
 *   OFFSET SIZE DESCRIPTION
 *        0    1 page type: 0x02 index interior, 0x05 table interior, 0x0a index leaf, 0x0d table leaf
 *        1    2 offset of the first freeblock, 0 if none
 *        3    2 number of cells
 *        5    2 start of the cell content area; 0 means 65536
 *        7    1 fragmented free bytes
 *        8    4 right-most child page (interior pages only)
 *   then the cell pointer array: n_cells 2-byte offsets, in key order.
 *
 * Cells:
 *   0x0d table leaf:      varint P, varint rowid, local payload, [u32 first overflow page]
 *   0x05 table interior:  u32 left child, varint rowid
 *   0x0a index leaf:      varint P, local payload, [u32 first overflow page]
 *   0x02 index interior:  u32 left child, varint P, local payload, [u32 first overflow page]
 *
 * Local payload (U usable bytes, P payload bytes):
 *   X = U-35 (table leaf) or ((U-12)*64/255)-23 (index); M = ((U-12)*32/255)-23;
 *   P <= X: all local; else K = M + ((P-M) mod (U-4)), local = K if K <= X else M.
 *
 * Overflow page: u32 next page (0 = last), then U-4 payload bytes.
 *
 * Invariants: a cell is accepted only if every byte of it lies inside [0, U); a chain is
 * followed at most ceil((P-local)/(U-4)) and at most n_pages steps, so a cycle ends.
 */
#include "config.h"
#include "sqlite_int.h"
#include "base/wxf_cur.h"

#include <string.h>

int
wxf_sqlite_page_header(const uint8_t *page, uint32_t usable, uint32_t pgno, wxf_sqlite_page_hdr *h)
{
	wxf_cur c;
	uint32_t off = pgno == 1 ? 100 : 0;

	memset(h, 0, sizeof(*h));
	if (page == NULL || usable < off + 8)
		return WXF_ECORRUPT;
	c = wxf_cur_make(page, usable);
	wxf_cur_seek(&c, off);
	h->hdr_off = off;
	h->type = wxf_cur_u8(&c);
	h->first_freeblock = wxf_cur_u16be(&c);
	h->n_cells = wxf_cur_u16be(&c);
	h->content_start = wxf_cur_u16be(&c);
	if (h->content_start == 0)
		h->content_start = 65536;
	h->n_frag = wxf_cur_u8(&c);
	switch (h->type) {
	case 0x0d: case 0x0a:
		h->hdr_len = 8;
		break;
	case 0x05: case 0x02:
		h->hdr_len = 12;
		h->right_child = wxf_cur_u32be(&c);
		break;
	default:
		return WXF_ECORRUPT;
	}
	if (c.bad)
		return WXF_ECORRUPT;
	h->ptr_end = off + h->hdr_len + 2u * h->n_cells;
	if (h->ptr_end > usable)
		return WXF_ECORRUPT;
	if (h->first_freeblock != 0 && (h->first_freeblock < h->ptr_end || h->first_freeblock + 4u > usable))
		return WXF_ECORRUPT;
	if (h->content_start > usable && !(h->content_start == 65536 && usable == 65536))
		return WXF_ECORRUPT;
	return WXF_OK;
}

uint32_t
wxf_sqlite_local_size(uint32_t usable, int table_leaf, uint64_t p)
{
	uint64_t x, m, k;

	if (usable < 480)
		return 0;
	x = table_leaf ? usable - 35 : ((uint64_t)(usable - 12) * 64 / 255) - 23;
	if (p <= x)
		return (uint32_t)p;
	m = ((uint64_t)(usable - 12) * 32 / 255) - 23;
	k = m + ((p - m) % (usable - 4));
	return (uint32_t)(k <= x ? k : m);
}

int
wxf_sqlite_cell_parse(const uint8_t *page, uint32_t usable, uint8_t type, uint32_t off,
    wxf_sqlite_cell *cl)
{
	uint64_t end, v;
	size_t pos = off, l;

	memset(cl, 0, sizeof(*cl));
	if (off >= usable)
		return WXF_ECORRUPT;
	cl->off = off;
	if (type == 0x05 || type == 0x02) {
		if ((uint64_t)off + 4 > usable)
			return WXF_ECORRUPT;
		cl->left_child = (uint32_t)page[off] << 24 | (uint32_t)page[off + 1] << 16 |
		    (uint32_t)page[off + 2] << 8 | page[off + 3];
		pos += 4;
	}
	if (type == 0x05) {
		if ((l = wxf_sqlvarint_fast(page, usable, pos, &v)) == 0)
			return WXF_ECORRUPT;
		cl->rowid = (int64_t)v;
		cl->len = (uint32_t)(pos + l - off);
		return WXF_OK;
	}
	if ((l = wxf_sqlvarint_fast(page, usable, pos, &v)) == 0)
		return WXF_ECORRUPT;
	cl->payload_len = v;
	pos += l;
	if (type == 0x0d) {
		if ((l = wxf_sqlvarint_fast(page, usable, pos, &v)) == 0)
			return WXF_ECORRUPT;
		cl->rowid = (int64_t)v;
		pos += l;
	}
	cl->payload_off = (uint32_t)pos;
	cl->local = wxf_sqlite_local_size(usable, type == 0x0d, cl->payload_len);
	end = (uint64_t)cl->payload_off + cl->local;
	if (cl->local < cl->payload_len) {
		if (end + 4 > usable)
			return WXF_ECORRUPT;
		cl->overflow = (uint32_t)page[end] << 24 | (uint32_t)page[end + 1] << 16 |
		    (uint32_t)page[end + 2] << 8 | page[end + 3];
		end += 4;
	}
	if (end > usable)
		return WXF_ECORRUPT;
	cl->len = (uint32_t)(end - off);
	return WXF_OK;
}

int
wxf_sqlite_overflow_walk(const wxf_sqlite_db *db, uint64_t payload_len, uint32_t local_len,
    uint32_t ovfl, int (*visit)(void *arg, uint32_t pgno), void *arg)
{
	uint64_t left = payload_len > local_len ? payload_len - local_len : 0;
	uint32_t steps = 0, per = db->usable - 4;
	const uint8_t *pg;
	int rc;

	while (left > 0 && ovfl != 0 && steps < db->n_pages) {
		pg = wxf_sqlite_page(db, ovfl, NULL);
		if (pg == NULL)
			return WXF_ECORRUPT;
		if ((rc = visit(arg, ovfl)) != 0)
			return rc;
		left = left > per ? left - per : 0;
		ovfl = (uint32_t)pg[0] << 24 | (uint32_t)pg[1] << 16 | (uint32_t)pg[2] << 8 | pg[3];
		steps++;
	}
	return left > 0 ? WXF_ECORRUPT : WXF_OK;
}

int
wxf_sqlite_payload(const wxf_sqlite_db *db, const uint8_t *local, uint32_t local_len,
    uint64_t payload_len, uint32_t ovfl, wxf_sqlite_scratch *s, const uint8_t **out,
    size_t *out_len, int *truncated, uint32_t *n_ovfl)
{
	uint64_t left;
	size_t have;
	uint32_t steps = 0, per = db->usable - 4, take;
	const uint8_t *pg;

	*truncated = 0;
	if (n_ovfl != NULL)
		*n_ovfl = 0;
	if (payload_len <= local_len) {
		*out = local;
		*out_len = (size_t)payload_len;
		return WXF_OK;
	}
	if (wxf_scratch_reserve(&s->pay, &s->pay_cap, local_len + (size_t)per) != WXF_OK)
		return WXF_ENOMEM;
	memcpy(s->pay, local, local_len);
	have = local_len;
	left = payload_len - local_len;
	while (left > 0) {
		if (ovfl == 0 || steps >= db->n_pages ||
		    (pg = wxf_sqlite_page(db, ovfl, NULL)) == NULL) {
			*truncated = 1;
			break;
		}
		take = left > per ? per : (uint32_t)left;
		if (wxf_scratch_reserve(&s->pay, &s->pay_cap, have + take) != WXF_OK)
			return WXF_ENOMEM;
		memcpy(s->pay + have, pg + 4, take);
		have += take;
		left -= take;
		ovfl = (uint32_t)pg[0] << 24 | (uint32_t)pg[1] << 16 | (uint32_t)pg[2] << 8 | pg[3];
		steps++;
	}
	if (n_ovfl != NULL)
		*n_ovfl = steps;
	*out = s->pay;
	*out_len = have;
	return WXF_OK;
}
