/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private state of the SQLite layer (src/sqlite only).
 */
#ifndef WXF_SQLITE_INT_H
#define WXF_SQLITE_INT_H

#include "sqlite/sqlite.h"
#include "base/wxf_cur.h"
#include "base/wxf_mem.h"

struct wxf_sqlite_db {
	const uint8_t *data;
	size_t size;
	uint32_t page_size, reserve, usable;
	uint32_t n_pages;           /* as read: main file, or the WAL commit's size */
	uint32_t main_pages;        /* whole pages in the main image */
	int enc;
	uint32_t schema_format, fl_trunk, fl_count, av_root;
	uint32_t n_warn;
	wxf_wal *wal;               /* attached WAL (owned) */
	uint32_t *wal_map;          /* pgno -> 1-based frame index, 0 = main file */
	uint32_t wal_map_n;
	wxf_arena *arena;           /* schema objects and their strings */
	wxf_sqlite_obj *objs;
	size_t n_objs;
	wxf_sqlite_obj master;
};

/* Records a corruption warning: counted, the first one kept in err. */
void wxf_sqlite_warn(wxf_sqlite_db *db, wxf_err *err, uint32_t pgno, uint64_t off,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int wxf_sqlite_schema_load(wxf_sqlite_db *db, wxf_err *err);
int wxf_sqlite_parse_create(wxf_arena *a, wxf_sqlite_obj *o);
int wxf_scratch_reserve(uint8_t **p, size_t *cap, size_t need);

#endif
