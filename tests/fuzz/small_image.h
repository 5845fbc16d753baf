/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cheap harnesses' input mapping: a database image of at most five 512-byte pages built
 * around the fuzz input, so that one execution costs one or a few pages instead of a whole file.
 * Page 1 is fixed and valid (it is built here, byte by byte, once): the file header and a
 * sqlite_master leaf holding
 *   rowid 1  table t  root 2  CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c INTEGER, d BLOB,
 *                                e REAL)
 *   rowid 2  index ti root 3  CREATE INDEX ti ON t(c)
 * The input supplies the rest:
 *   byte 0     first freelist trunk page (mod 6: 0 none, 1..5)
 *   byte 1     freelist page count (mod 6)
 *   byte 2     reserved bytes at the end of each page (mod 32)
 *   bytes 3..  pages 2, 3, 4, 5 (512 bytes each; a short last page is zero-padded)
 * (up to SMALL_MAX_PAGES - 1 of them: a target may define fewer before including this file).
 * The header's page count is the number of pages built (at least 3).  Targets that include this header define
 * SMALL_IMAGE_TARGET and map their input through small_image() before the usual code runs.
 */
#ifndef WXF_FUZZ_SMALL_IMAGE_H
#define WXF_FUZZ_SMALL_IMAGE_H

#include <stdint.h>
#include <string.h>

#define SMALL_PAGE 512
#ifndef SMALL_MAX_PAGES
#define SMALL_MAX_PAGES 5       /* a target may build fewer: each page costs a carver scan */
#endif

static size_t
si_varint(uint8_t *p, uint64_t v)
{
	uint8_t tmp[10];
	size_t n = 0, i;

	if (v > 0x00ffffffffffffffULL) {
		for (i = 0; i < 9; i++)
			p[i] = (uint8_t)(i < 8 ? 0x80 | (v >> (64 - 7 * (i + 1))) : v);
		return 9;
	}
	do {
		tmp[n++] = (uint8_t)(v & 0x7f);
		v >>= 7;
	} while (v != 0);
	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(tmp[n - 1 - i] | (i + 1 < n ? 0x80 : 0));
	return n;
}

/* A sqlite_master record (type, name, tbl_name, rootpage, sql) as a table-leaf cell. */
static size_t
si_master_cell(uint8_t *out, uint64_t rowid, const char *type, const char *name,
    const char *tbl, unsigned root, const char *sql)
{
	const char *txt[5] = { type, name, tbl, NULL, sql };
	uint8_t hdr[32], body[400];
	size_t hn = 1, bn = 0, i, n = 0;

	for (i = 0; i < 5; i++) {
		size_t l;

		if (txt[i] == NULL) {                   /* rootpage: an 8-bit integer */
			hn += si_varint(hdr + hn, 1);
			body[bn++] = (uint8_t)root;
			continue;
		}
		l = strlen(txt[i]);
		hn += si_varint(hdr + hn, 13 + 2 * l);
		memcpy(body + bn, txt[i], l);
		bn += l;
	}
	hdr[0] = (uint8_t)hn;                           /* header size (< 128: one byte) */
	n += si_varint(out + n, hn + bn);
	n += si_varint(out + n, rowid);
	memcpy(out + n, hdr, hn);
	n += hn;
	memcpy(out + n, body, bn);
	return n + bn;
}

static void
si_be16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
si_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static const uint8_t *
si_page1(void)
{
	static uint8_t p[SMALL_PAGE];
	static int done;
	uint8_t c1[300], c2[100];
	size_t n1, n2, top;

	if (done)
		return p;
	memset(p, 0, sizeof(p));
	memcpy(p, "SQLite format 3", 16);
	si_be16(p + 16, SMALL_PAGE);
	p[18] = p[19] = 1;
	p[21] = 64;
	p[22] = p[23] = 32;
	si_be32(p + 24, 1);
	si_be32(p + 40, 1);
	si_be32(p + 44, 4);
	si_be32(p + 56, 1);
	si_be32(p + 92, 1);
	si_be32(p + 96, 3040001);
	n1 = si_master_cell(c1, 1, "table", "t", "t", 2,
	    "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c INTEGER, d BLOB, e REAL)");
	n2 = si_master_cell(c2, 2, "index", "ti", "t", 3, "CREATE INDEX ti ON t(c)");
	top = SMALL_PAGE - n1 - n2;
	memcpy(p + top, c2, n2);
	memcpy(p + top + n2, c1, n1);
	p[100] = 0x0d;
	si_be16(p + 103, 2);
	si_be16(p + 105, (unsigned)top);
	si_be16(p + 108, (unsigned)(top + n2));  /* cell 0: rowid 1 */
	si_be16(p + 110, (unsigned)top);         /* cell 1: rowid 2 */
	done = 1;
	return p;
}

/* Builds the image into out (SMALL_PAGE * SMALL_MAX_PAGES bytes); returns its size, or 0 when
 * the input is too short to hold the three control bytes. */
static size_t
small_image(const uint8_t *data, size_t size, uint8_t *out)
{
	size_t body, pages;

	if (size < 3)
		return 0;
	body = size - 3;
	if (body > SMALL_PAGE * (SMALL_MAX_PAGES - 1))
		body = SMALL_PAGE * (SMALL_MAX_PAGES - 1);
	pages = 1 + (body + SMALL_PAGE - 1) / SMALL_PAGE;
	if (pages < 3)
		pages = 3;                              /* t's and ti's roots exist */
	memset(out, 0, SMALL_PAGE * pages);
	memcpy(out, si_page1(), SMALL_PAGE);
	memcpy(out + SMALL_PAGE, data + 3, body);
	si_be32(out + 28, (uint32_t)pages);
	si_be32(out + 32, (uint32_t)(data[0] % 6));
	si_be32(out + 36, (uint32_t)(data[1] % 6));
	out[20] = (uint8_t)(data[2] % 32);
	return SMALL_PAGE * pages;
}

#endif
