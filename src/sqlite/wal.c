/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Write-ahead log (walformat.html, wal.c).  Big-endian fields.
 *
 * WAL header:
 *   OFFSET SIZE DESCRIPTION
 *        0    4 magic 0x377f0682 (checksum words little-endian) or 0x377f0683 (big-endian)
 *        4    4 format version 3007000
 *        8    4 page size
 *       12    4 checkpoint sequence number
 *       16    4 salt-1 (incremented at each restart of the log)
 *       20    4 salt-2 (random at each restart)
 *       24    4 checksum-1 over bytes 0..23
 *       28    4 checksum-2
 * Frame i (1-based) at 32 + (i-1) * (page size + 24):
 *        0    4 page number
 *        4    4 for a commit frame: database size in pages after the commit, else 0
 *        8    4 salt-1, 12 4 salt-2 (copies of the header's)
 *       16    4 checksum-1, 20 4 checksum-2: cumulative over frame bytes 0..7 and the page,
 *                                            seeded by the previous frame's (or the header's)
 *       24 page size: the page image
 * Checksum over 32-bit words in pairs (x0, x1): s0 += x0 + s1; s1 += x1 + s0.
 *
 * States: the current generation runs from frame 1 while salts match and the chain holds;
 * up to the last commit frame those frames are VALID, after it UNCOMMITTED.  Frames with other
 * salts whose checksums chain with a neighbour of the same salts are STALE (written before the
 * last checkpoint restarted the log); everything else is INVALID.
 */
#include "config.h"
#include "sqlite_int.h"

#include <stdlib.h>
#include <string.h>

static uint32_t
rd32(const uint8_t *p, int be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
		  : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static void
cksum(const uint8_t *p, size_t n, int be, uint32_t *s0, uint32_t *s1)
{
	size_t i;
	uint32_t a = *s0, b = *s1;

	for (i = 0; i + 8 <= n; i += 8) {
		a += rd32(p + i, be) + b;
		b += rd32(p + i + 4, be) + a;
	}
	*s0 = a;
	*s1 = b;
}

/* 1 if frame f's stored checksum equals the chain seeded by (s0, s1). */
static int
frame_ck(const uint8_t *f, uint32_t ps, int be, uint32_t s0, uint32_t s1)
{
	cksum(f, 8, be, &s0, &s1);
	cksum(f + 24, ps, be, &s0, &s1);
	return s0 == rd32(f + 16, 1) && s1 == rd32(f + 20, 1);
}

int
wxf_wal_parse(wxf_wal **wp, const uint8_t *d, size_t size, wxf_err *err)
{
	wxf_wal *w;
	uint32_t magic, s0 = 0, s1 = 0, ps;
	size_t i, fsz, n;
	int be, current = 1;

	*wp = NULL;
	if (d == NULL || size < 32)
		return WXF_CORRUPT(err, -1, 0, "WAL shorter than its header");
	magic = rd32(d, 1);
	if (magic != 0x377f0682 && magic != 0x377f0683)
		return WXF_CORRUPT(err, -1, 0, "not a WAL (magic %08x)", magic);
	ps = rd32(d + 8, 1);
	if (ps == 1)
		ps = 65536;
	if (ps < 512 || ps > 65536 || (ps & (ps - 1)))
		return WXF_CORRUPT(err, -1, 8, "WAL page size %u invalid", ps);
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	be = magic & 1;
	w->big_endian_cksum = be;
	w->page_size = ps;
	w->ckpt_seq = rd32(d + 12, 1);
	w->salt1 = rd32(d + 16, 1);
	w->salt2 = rd32(d + 20, 1);
	cksum(d, 24, be, &s0, &s1);
	if (s0 != rd32(d + 24, 1) || s1 != rd32(d + 28, 1))
		current = 0; /* header checksum broken: no frame is current, all are examined */
	fsz = (size_t)ps + 24;
	n = (size - 32) / fsz;
	w->frames = calloc(n ? n : 1, sizeof(*w->frames));
	if (w->frames == NULL) {
		free(w);
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	}
	w->n_frames = n;
	for (i = 0; i < n; i++) {
		const uint8_t *f = d + 32 + i * fsz;
		wxf_wal_frame *fr = &w->frames[i];

		fr->pgno = rd32(f, 1);
		fr->commit_size = rd32(f + 4, 1);
		fr->salt1 = rd32(f + 8, 1);
		fr->salt2 = rd32(f + 12, 1);
		fr->offset = 32 + (uint64_t)i * fsz;
		fr->page = f + 24;
		fr->state = WXF_WAL_INVALID;
		if (current && fr->pgno != 0 && fr->salt1 == w->salt1 && fr->salt2 == w->salt2 &&
		    frame_ck(f, ps, be, s0, s1)) {
			fr->state = WXF_WAL_UNCOMMITTED;
			s0 = rd32(f + 16, 1);
			s1 = rd32(f + 20, 1);
			if (fr->commit_size != 0) {
				size_t k;

				for (k = w->last_commit; k <= i; k++)
					w->frames[k].state = WXF_WAL_VALID;
				w->last_commit = i + 1;
				w->db_pages = fr->commit_size;
			}
		} else
			current = 0;
	}
	/* stale frames: other salts, chained with a same-salt neighbour */
	for (i = 0; i < n; i++) {
		wxf_wal_frame *fr = &w->frames[i];
		const uint8_t *f = d + 32 + i * fsz;

		if (fr->state != WXF_WAL_INVALID || fr->pgno == 0)
			continue;
		if (i > 0 && w->frames[i - 1].salt1 == fr->salt1 && w->frames[i - 1].salt2 == fr->salt2 &&
		    frame_ck(f, ps, be, rd32(f - fsz + 16, 1), rd32(f - fsz + 20, 1)))
			fr->state = WXF_WAL_STALE;
		else if (i + 1 < n && w->frames[i + 1].salt1 == fr->salt1 &&
		    w->frames[i + 1].salt2 == fr->salt2 &&
		    frame_ck(f + fsz, ps, be, rd32(f + 16, 1), rd32(f + 20, 1)))
			fr->state = WXF_WAL_STALE;
		if (fr->state == WXF_WAL_STALE && fr->salt1 == w->salt1 && fr->salt2 == w->salt2)
			fr->state = WXF_WAL_INVALID; /* same salts but off the chain: torn write */
	}
	*wp = w;
	return WXF_OK;
}

void
wxf_wal_free(wxf_wal **wp)
{
	if (wp == NULL || *wp == NULL)
		return;
	free((*wp)->frames);
	free(*wp);
	*wp = NULL;
}
