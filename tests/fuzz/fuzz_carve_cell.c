/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: the carver's record recognisers, one record per execution (the cheap harness of
 * carve_pages, whose fixed cost is a whole run's set-up, twice).  A context over the fixed schema
 * of small_image.h (table t of five columns, index ti) is made once; each input is
 *   byte 0     flags: bit 0 index cell, bit 1 interior (4-byte child pointer first),
 *              bit 2 also try the clobbered-cell reader, bit 3 with a freeblock size from byte 1,
 *              bits 4-5 the page owner's signature + 1 (a ranking hint; 0 none)
 *   byte 1     freeblock size (bit 3), else the size is the bytes that follow
 *   bytes 2..  the cell and what follows it (at most one 512-byte page)
 * copied into a buffer of exactly that length (ASan sees any read past the limit), then read as
 * an intact cell (cv_intact_cell), ranked against the schema (cv_best_sig), its text values
 * checked (cv_values_ok), and read as a freed cell whose first four bytes a freeblock header
 * overwrote (cv_fb_header, cv_clobbered_cell).  Every record returned must lie inside the bytes
 * given, its columns within CV_MAXCOLS and its signature within the schema's; otherwise the
 * target aborts.
 */
#include "config.h"
#include "sqlite/sqlite.h"
#include "carve/carve_int.h"

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define SMALL_MAX_PAGES 3
#include "fuzz/small_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static cx *ctx;

static void
fail(const char *what)
{
	fprintf(stderr, "carve_cell: %s\n", what);
	abort();
}

/* A record of n bytes' cell: its cell and body inside the input (or in the assembled payload
 * when it overflowed), its columns in range. */
static void
check_rec(const cv_rec *r, const uint8_t *page, uint32_t n)
{
	if (r->ncols < 0 || r->ncols > CV_MAXCOLS)
		fail("column count out of range");
	if (r->off > n || r->len > n - r->off)
		fail("cell beyond the bytes given");
	if (r->body != NULL && r->body >= page && r->body < page + n && r->body_len > (size_t)(page + n - r->body))
		fail("body beyond the bytes given");
}

static void
init(void)
{
	static uint8_t img[SMALL_PAGE * SMALL_MAX_PAGES];
	static const uint8_t none[3] = { 0, 0, 0 };
	static wxf_carve_opts o;
	static wxf_carve_stats st;
	wxf_sqlite_db *db = NULL;
	size_t sz;
	wxf_err err;

	wxf_err_clear(&err);
	sz = small_image(none, sizeof(none), img);
	if (wxf_sqlite_open(&db, img, sz, &err) != WXF_OK)
		fail("the fixed schema image does not open");
	memset(&o, 0, sizeof(o));
	o.sources = WXF_CARVE_DEFAULT;
	if ((ctx = cv_probe_new(db, &o, &st, &err)) == NULL)
		fail("no carving context");
	if (ctx->n_sigs < 2)
		fail("the fixed schema gave no signatures");
	/* the database and the context live for the process */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cv_rec *r;
	uint8_t *page;
	uint32_t n, fbsize;
	int flags, sig = -1, sc = 0;

	if (ctx == NULL)
		init();
	if (size < 2)
		return 0;
	flags = data[0];
	n = (uint32_t)(size - 2 > SMALL_PAGE ? SMALL_PAGE : size - 2);
	if (n < 4)
		return 0;
	if ((page = malloc(n)) == NULL)
		return 0;
	memcpy(page, data + 2, n);
	r = &ctx->scan.rec_scan;
	ctx->scan.hint = (flags >> 4) % 4 - 1;         /* the page owner's signature, or none */
	if (ctx->scan.hint >= ctx->n_sigs)
		ctx->scan.hint = -1;
	ctx->scan.raw_page = 0;
	ctx->only_sig = -1;
	if (cv_intact_cell(ctx, page, 0, n, flags & 1, (flags >> 1) & 1, r)) {
		check_rec(r, page, n);
		sig = cv_best_sig(ctx, r, flags & 1, &sc);
		if (sig < -1 || sig >= ctx->n_sigs)
			fail("intact cell: signature out of range");
		if (r->body != NULL && r->body >= page && r->body < page + n)
			(void)cv_values_ok(ctx, r, r->body_len);
	}
	if ((flags & 4) && !(flags & 1)) {
		uint32_t fsz = 0;

		fbsize = (flags & 8) ? data[1] : n;
		if (fbsize > n)
			fbsize = n;
		if (cv_fb_header(ctx, page, 0, n, &fsz) && (fsz < 4 || fsz > ctx->U))
			fail("freeblock header size out of the page");
		sig = -1;
		if (cv_clobbered_cell(ctx, page, 0, fbsize, fbsize, r, &sig, &sc)) {
			check_rec(r, page, fbsize);
			if (sig < 0 || sig >= ctx->n_sigs || ctx->sigs[sig].is_index)
				fail("clobbered cell: no table signature");
		}
	}
	free(page);
	return 0;
}
