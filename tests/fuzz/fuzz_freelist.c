/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: freelist trunks and leaves (cycles, out-of-range pages, oversized counts) and
 * the freelist/unallocated carving sources. */
#include "config.h"
#include "sqlite/sqlite.h"
#include "carve/carve.h"

#include <stdint.h>
#include <stddef.h>
#ifdef SMALL_IMAGE_TARGET
#include "fuzz/small_image.h"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
visit(void *arg, uint32_t pgno, int trunk)
{
	*(uint64_t *)arg += pgno + (uint64_t)trunk;
	return 0;
}

static int
cb(void *arg, const wxf_carved *c)
{
	*(uint64_t *)arg += c->n_sources;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wxf_sqlite_db *db = NULL;
	wxf_carve_opts o = { 0 };
	wxf_err err;
	uint64_t sink = 0;
#ifdef SMALL_IMAGE_TARGET
	static uint8_t img[SMALL_PAGE * SMALL_MAX_PAGES];

	if ((size = small_image(data, size, img)) == 0)
		return 0;
	data = img;
#endif

	if (size > 1 << 20)
		return 0;
	wxf_err_clear(&err);
	if (wxf_sqlite_open(&db, data, size, &err) != WXF_OK)
		return 0;
	wxf_sqlite_freelist_walk(db, visit, &sink, &err);
	o.sources = WXF_CARVE_FREELIST | WXF_CARVE_UNALLOC | WXF_CARVE_SCHEMA;
	wxf_carve_run(db, &o, cb, &sink, &err);
	wxf_sqlite_close(&db);
	return (int)(sink & 0);
}
