/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private state of the SQLite layer (src/sqlite only).
 */
#ifndef WXF_SQLITE_INT_H
#define WXF_SQLITE_INT_H

#include "sqlite/sqlite.h"
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

/* Inline twin of wxf_sqlvarint (same result) with a one-byte fast path, for the hot parsers:
 * the varint at p[off..n), its length (0 if it does not end before n), value in *out. */
static inline size_t
wxf_sq_varint(const uint8_t *p, size_t n, size_t off, uint64_t *out)
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
