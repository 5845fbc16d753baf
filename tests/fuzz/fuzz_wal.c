/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: WAL header, frames, salts, checksum chain, stale frames; then the WAL attached to
 * a minimal database of the same page size and carved. */
#include "config.h"
#include "sqlite/sqlite.h"
#include "carve/carve.h"

#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
cb(void *arg, const wxf_carved *c)
{
	*(uint64_t *)arg += c->row.n_vals;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wxf_wal *w = NULL;
	wxf_err err;
	size_t i;
	uint64_t sink = 0;

	if (size > 1 << 20)
		return 0;
	wxf_err_clear(&err);
	if (wxf_wal_parse(&w, data, size, &err) != WXF_OK)
		return 0;
	for (i = 0; i < w->n_frames; i++) {
		wxf_sqlite_page_hdr h;

		(void)wxf_sqlite_page_header(w->frames[i].page, w->page_size, w->frames[i].pgno, &h);
	}
	if (w->page_size <= 65536) {
		uint8_t *img = calloc(1, w->page_size);
		wxf_sqlite_db *db = NULL;

		if (img != NULL) {
			memcpy(img, "SQLite format 3", 16);
			img[16] = (uint8_t)(w->page_size >> 8);
			img[17] = (uint8_t)w->page_size;
			if (w->page_size == 65536)
				img[16] = 0, img[17] = 1;
			img[18] = img[19] = 2;
			img[21] = 64, img[22] = 32, img[23] = 32;
			img[31] = 1, img[47] = 4, img[59] = 1;
			img[100] = 0x0d;
			if (wxf_sqlite_open(&db, img, w->page_size, &err) == WXF_OK) {
				wxf_carve_opts o = { 0 };

				o.wal = data;
				o.wal_size = size;
				wxf_carve_run(db, &o, cb, &sink, &err);
				wxf_sqlite_close(&db);
			}
			free(img);
		}
	}
	wxf_wal_free(&w);
	return (int)(sink & 0);
}
