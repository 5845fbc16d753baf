/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rollback journal (fileformat2 section 4.1).  Big-endian fields.
 *
 * Segment header, padded to the sector size:
 *   OFFSET SIZE DESCRIPTION
 *        0    8 magic d9 d5 05 f9 20 a1 63 d7
 *        8    4 number of page records (-1: up to the end of the file)
 *       12    4 nonce for the checksums
 *       16    4 database size in pages before the transaction
 *       20    4 sector size (header padding)
 *       24    4 page size
 * Page record:
 *        0    4 page number
 *        4    N the page image before the transaction (N = page size)
 *      4+N    4 checksum: nonce + page[N-200] + page[N-400] + ... (indices > 0)
 * Several segments may follow one another, each header on a sector boundary.
 *
 * journal_mode=PERSIST zeroes the header at commit but leaves the records (a remnant);
 * TRUNCATE sets the length to 0 (nothing left in the file).  For a zeroed header the records
 * are looked for after a header of 512..65536 bytes, the page size is the database's, and the
 * nonce is derived from the first record (cksum_ok = 0) and checked on the others.
 * Invariants: the parse position only moves forward; records must lie wholly in the file.
 */
#include "config.h"
#include "sqlite_int.h"

#include <stdlib.h>
#include <string.h>

static const uint8_t jmagic[8] = { 0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7 };

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t
page_sum(const uint8_t *pg, uint32_t ps)
{
	uint32_t s = 0;
	int64_t i;

	for (i = (int64_t)ps - 200; i > 0; i -= 200)
		s += pg[i];
	return s;
}

static int
pow2_ok(uint32_t v)
{
	return v >= 512 && v <= 65536 && (v & (v - 1)) == 0;
}

static int
page_looks_btree(const uint8_t *pg, uint32_t pgno)
{
	uint8_t t = pg[pgno == 1 ? 100 : 0];

	if (pgno == 1)
		return memcmp(pg, "SQLite format 3", 16) == 0;
	return t == 0x02 || t == 0x05 || t == 0x0a || t == 0x0d || (t == 0 && pg[1] == 0);
}

static int
push(wxf_journal *j, size_t *cap, uint32_t pgno, uint64_t off, const uint8_t *pg, int ok)
{
	if (j->n_recs == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		wxf_jrec *nv = realloc(j->recs, nc * sizeof(*nv));

		if (nv == NULL)
			return WXF_ENOMEM;
		j->recs = nv;
		*cap = nc;
	}
	j->recs[j->n_recs].pgno = pgno;
	j->recs[j->n_recs].offset = off;
	j->recs[j->n_recs].page = pg;
	j->recs[j->n_recs].cksum_ok = ok;
	j->n_recs++;
	return WXF_OK;
}

int
wxf_journal_parse(wxf_journal **jp, const uint8_t *d, size_t size, uint32_t page_size, wxf_err *err)
{
	wxf_journal *j;
	size_t pos = 0, cap = 0;
	uint32_t ps = page_size, sector = 512, nonce = 0;
	int have_nonce = 0, derived = 0;

	*jp = NULL;
	if (d == NULL || size < 28)
		return WXF_CORRUPT(err, -1, 0, "journal shorter than a header");
	j = calloc(1, sizeof(*j));
	if (j == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	if (memcmp(d, jmagic, 8) != 0) {
		/* zeroed (PERSIST) or foreign: find the first plausible record after a header */
		uint32_t s;

		j->header_zeroed = 1;
		pos = size;
		if (pow2_ok(ps))
			for (s = 512; s <= 65536; s *= 2) {
				if ((size_t)s + 8 + ps > size)
					break;
				if (be32(d + s) != 0 && be32(d + s) < 0x7fffffff &&
				    page_looks_btree(d + s + 4, be32(d + s))) {
					pos = s;
					sector = s;
					break;
				}
			}
	}
	while (pow2_ok(ps) && pos + 8 + (size_t)ps <= size) {
		if (pos + 28 <= size && memcmp(d + pos, jmagic, 8) == 0) {
			uint32_t ss = be32(d + pos + 20), pz = be32(d + pos + 24);

			nonce = be32(d + pos + 12);
			have_nonce = 1;
			derived = 0;
			if (j->n_recs == 0) {
				j->db_pages = be32(d + pos + 16);
				j->nonce = nonce;
			}
			if (pow2_ok(pz))
				ps = pz;
			if (ss >= 32 && ss <= 65536 && (ss & (ss - 1)) == 0)
				sector = ss < 512 ? 512 : ss;
			pos += sector;
			continue;
		}
		{
			uint32_t pgno = be32(d + pos), ck = be32(d + pos + 4 + ps), sum = page_sum(d + pos + 4, ps);
			int ok = 0;

			if (pgno == 0 || pgno >= 0x7fffffff ||
			    (!have_nonce && !page_looks_btree(d + pos + 4, pgno))) {
				pos = (pos / sector + 1) * sector; /* next sector: a new segment or the end */
				continue;
			}
			if (have_nonce)
				ok = ck == nonce + sum ? 1 : -1;
			else if (!derived) {
				nonce = ck - sum;
				derived = 1;
				j->nonce = nonce;
			} else
				ok = ck == nonce + sum ? 1 : -1;
			if (push(j, &cap, pgno, pos + 4, d + pos + 4, ok) != WXF_OK) {
				wxf_journal_free(&j);
				return wxf_err_set(err, WXF_ENOMEM, "out of memory");
			}
			pos += 8 + (size_t)ps;
		}
	}
	j->page_size = ps;
	j->sector_size = sector;
	if (j->n_recs == 0 && j->header_zeroed) {
		wxf_journal_free(&j);
		return WXF_CORRUPT(err, -1, 0, "no journal header and no page records");
	}
	*jp = j;
	return WXF_OK;
}

void
wxf_journal_free(wxf_journal **jp)
{
	if (jp == NULL || *jp == NULL)
		return;
	free((*jp)->recs);
	free(*jp);
	*jp = NULL;
}
