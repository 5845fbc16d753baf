/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: a whole database image through the page layer (header, schema, b-tree walks,
 * overflow chains) and the carver (freeblocks, gaps, freelist, unowned pages); the cheap
 * variant sqlite_pages (fuzz_sqlite_pages.c, PAGES_ONLY) leaves the carver out. */
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
row_cb(void *arg, const wxf_sqlrow *r)
{
	int i;

	for (i = 0; i < r->n_vals; i++)
		if (r->vals[i].type == WXF_SQL_TEXT || r->vals[i].type == WXF_SQL_BLOB)
			*(size_t *)arg += r->vals[i].n ? r->vals[i].p[r->vals[i].n - 1] : 0; /* touch the bytes */
	return 0;
}

#ifndef PAGES_ONLY
static int
carve_cb(void *arg, const wxf_carved *c)
{
	return row_cb(arg, &c->row);
}
#endif

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wxf_sqlite_db *db = NULL;
	wxf_err err;
	size_t i, sink = 0;
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
	for (i = 0; i < wxf_sqlite_n_objs(db); i++) {
		const wxf_sqlite_obj *o = wxf_sqlite_obj_at(db, i);

		if (o->type[0] == 'i')
			wxf_sqlite_scan_index(db, o, row_cb, &sink, &err);
		else
			wxf_sqlite_scan(db, o, row_cb, &sink, &err);
	}
#ifndef PAGES_ONLY
	wxf_carve_run(db, NULL, carve_cb, &sink, &err);
#endif
	wxf_sqlite_close(&db);
	return (int)(sink & 0);
}
