/* SPDX-License-Identifier: Apache-2.0 */
/* Private declarations of the carver (src/carve only). */
#ifndef WXF_CARVE_INT_H
#define WXF_CARVE_INT_H

#include "carve/carve.h"
#include "base/wxf_cur.h"
#include "base/wxf_mem.h"

#define CV_MAXCOLS 512          /* widest record the carver reconstructs */

/* A table or index signature derived from the schema. */
typedef struct cv_sig {
	const wxf_sqlite_obj *obj;
	int n;                      /* columns of a record (index: key columns + rowid) */
	int is_index, is_master;
	int is_dropped;              /* from an old sqlite_master record: no live rows */
	int ipk;                    /* rowid alias column or -1 */
	int table_sig;              /* index: signature of its table, or -1 */
	unsigned char aff[CV_MAXCOLS];
	unsigned char notnull[CV_MAXCOLS];
	int *col_map;               /* index: key column -> table column, or -1 */
} cv_sig;

/* A record found in some bytes. */
typedef struct cv_rec {
	int64_t rowid;              /* INT64_MIN unknown */
	int ncols;
	uint64_t types[CV_MAXCOLS];
	int col0_unknown;           /* clobbered first serial type could not be pinned down */
	const uint8_t *body;        /* body bytes (in the page, or the assembled payload) */
	size_t body_len;
	uint32_t off, len;          /* cell position and bytes in its page */
	uint64_t payload_len;
	uint32_t local, overflow;
	int truncated;
	int base;                   /* structural confidence */
} cv_rec;

/* FNV-style 64-bit mixing, 8 bytes at a time. */
static inline uint64_t
cv_mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0x9e3779b97f4a7c15ULL;
	h ^= h >> 29;
	return h;
}

#endif
