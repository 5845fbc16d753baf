/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wxf_cur: the one bounds-checked reader for untrusted bytes (CONVENTIONS C5).
 *
 * A cursor is a window [base, base+size) and a position.  Every getter checks that the bytes
 * exist; on failure it returns 0 (or NULL), leaves the position unchanged and sets the sticky
 * flag `bad`, so a parser can read a whole structure and test `bad` once:
 *
 *     wxf_cur c = wxf_cur_make(page, page_size);
 *     uint8_t  kind  = wxf_cur_u8(&c);
 *     uint16_t first = wxf_cur_u16be(&c);
 *     if (c.bad) return WXF_CORRUPT(err, pgno, 0, "short page header");
 *
 * `base_off` is the absolute offset of base[0] in the evidence file, so provenance can report
 * wxf_cur_abs(&c).  No getter reads past `size`, ever; nothing here asserts on data.
 */
#ifndef WXF_CUR_H
#define WXF_CUR_H

#include <stddef.h>
#include <stdint.h>

typedef struct wxf_cur {
	const uint8_t *base;
	size_t size;
	size_t pos;
	uint64_t base_off;
	int bad;
} wxf_cur;

wxf_cur wxf_cur_make(const void *data, size_t size);
wxf_cur wxf_cur_make_at(const void *data, size_t size, uint64_t base_off);

static inline size_t wxf_cur_left(const wxf_cur *c) { return c->pos <= c->size ? c->size - c->pos : 0; }
static inline uint64_t wxf_cur_abs(const wxf_cur *c) { return c->base_off + c->pos; }

/* Moves to absolute position `pos` within the window; sets bad if pos > size. */
int wxf_cur_seek(wxf_cur *c, size_t pos);
int wxf_cur_skip(wxf_cur *c, size_t n);
/* Returns a pointer to the next n bytes and advances, or NULL (bad set) if fewer remain. */
const uint8_t *wxf_cur_bytes(wxf_cur *c, size_t n);
/* A sub-cursor over the next n bytes (advances c); the sub-cursor is bad if n is too large. */
wxf_cur wxf_cur_sub(wxf_cur *c, size_t n);

uint8_t wxf_cur_u8(wxf_cur *c);
uint16_t wxf_cur_u16be(wxf_cur *c);
uint32_t wxf_cur_u24be(wxf_cur *c);
uint32_t wxf_cur_u32be(wxf_cur *c);
uint64_t wxf_cur_u48be(wxf_cur *c);
uint64_t wxf_cur_u64be(wxf_cur *c);
uint16_t wxf_cur_u16le(wxf_cur *c);
uint32_t wxf_cur_u32le(wxf_cur *c);
uint64_t wxf_cur_u64le(wxf_cur *c);
/* SQLite varint: 1-9 bytes, big-endian groups of 7 bits, 9th byte contributes 8 bits. */
uint64_t wxf_cur_sqlvarint(wxf_cur *c);
/* Protobuf / LEB128 varint, at most 10 bytes. */
uint64_t wxf_cur_leb128(wxf_cur *c);

/* Random access without a cursor: 0 on success, -1 if [off, off+width) is outside [0, n). */
int wxf_get_u16be(const uint8_t *p, size_t n, size_t off, uint16_t *out);
int wxf_get_u32be(const uint8_t *p, size_t n, size_t off, uint32_t *out);
/* Decodes a SQLite varint at p[off..n); returns its length (1-9) or 0 if truncated. */
size_t wxf_sqlvarint(const uint8_t *p, size_t n, size_t off, uint64_t *out);

/* The same, inline with a one-byte fast path, for the hot parsers (sqlite/, carve/). */
static inline size_t
wxf_sqlvarint_fast(const uint8_t *p, size_t n, size_t off, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (off < n && p[off] < 0x80) {
		*out = p[off];
		return 1;
	}
	for (i = 0; i < 9; i++) {
		if (off + i >= n || off + i < off)
			return 0;
		if (i == 8) {
			*out = (v << 8) | p[off + i];
			return 9;
		}
		v = (v << 7) | (p[off + i] & 0x7f);
		if ((p[off + i] & 0x80) == 0) {
			*out = v;
			return i + 1;
		}
	}
	return 0;
}

#endif
