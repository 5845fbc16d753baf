/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Opening a plaintext SQLite image: the database header (page 1, bytes 0..99) and page access.
 *
 * Database header (fileformat2 section 1.3), big-endian:
 *   OFFSET SIZE DESCRIPTION
 *        0   16 "SQLite format 3\0"
 *       16    2 page size; 1 means 65536; power of two in 512..65536
 *       18    1 write version (1 rollback journal, 2 WAL)
 *       19    1 read version
 *       20    1 reserved bytes at the end of every page (SQLCipher 16/48/80); usable U = size - reserve
 *       21    3 payload fractions 64, 32, 32
 *       24    4 file change counter
 *       28    4 database size in pages (valid when the counter at 92 equals the one at 24 and > 0)
 *       32    4 first freelist trunk page
 *       36    4 total freelist pages
 *       40    4 schema cookie
 *       44    4 schema format number (1..4)
 *       48    4 default page cache size
 *       52    4 largest root b-tree page (non-zero: auto-vacuum, pointer-map pages)
 *       56    4 text encoding: 1 UTF-8, 2 UTF-16le, 3 UTF-16be
 *       60    4 user version
 *       64    4 incremental-vacuum mode
 *       68    4 application id
 *       72   20 zero
 *       92    4 version-valid-for
 *       96    4 SQLITE_VERSION_NUMBER
 *
 * Invariants kept here:
 *   1. U >= 480 (SQLite's minimum), else the image is refused.
 *   2. A page exists only if all of its bytes are in the image (a torn last page is ignored).
 *   3. The WAL overlay (wal.c) maps a page to the newest frame of the last valid commit.
 */
#include "config.h"
#include "sqlite_int.h"
#include "base/wxf_cur.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
wxf_sqlite_warn(wxf_sqlite_db *db, wxf_err *err, uint32_t pgno, uint64_t off, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	__atomic_add_fetch(&db->n_warn, 1, __ATOMIC_RELAXED); /* the carver's threads share db */
	if (err == NULL || err->code != WXF_OK)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	WXF_CORRUPT(err, pgno, (int64_t)off, "page %u: %s", pgno, msg);
}

int
wxf_scratch_reserve(uint8_t **p, size_t *cap, size_t need)
{
	size_t n;
	uint8_t *q;

	if (need <= *cap)
		return WXF_OK;
	n = *cap ? *cap : 4096;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return WXF_ENOMEM;
		n *= 2;
	}
	q = realloc(*p, n);
	if (q == NULL)
		return WXF_ENOMEM;
	*p = q;
	*cap = n;
	return WXF_OK;
}

void
wxf_sqlite_scratch_free(wxf_sqlite_scratch *s)
{
	if (s == NULL)
		return;
	free(s->pay);
	free(s->txt);
	memset(s, 0, sizeof(*s));
}

int
wxf_sqlite_open(wxf_sqlite_db **dbp, const uint8_t *data, size_t size, wxf_err *err)
{
	wxf_sqlite_db *db;
	wxf_cur c;
	uint32_t ps, counter, hdr_pages, valid_for;
	int rc;

	*dbp = NULL;
	if (data == NULL || size < 512 || memcmp(data, "SQLite format 3", 16) != 0)
		return WXF_CORRUPT(err, 1, 0, "not a plaintext SQLite image (no header magic)");
	c = wxf_cur_make(data, 100);
	wxf_cur_skip(&c, 16);
	ps = wxf_cur_u16be(&c);
	if (ps == 1)
		ps = 65536;
	if (ps < 512 || ps > 65536 || (ps & (ps - 1)) != 0)
		return WXF_CORRUPT(err, 1, 16, "invalid page size %u", ps);
	db = calloc(1, sizeof(*db));
	if (db == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	db->data = data;
	db->size = size;
	db->page_size = ps;
	wxf_cur_seek(&c, 20);
	db->reserve = wxf_cur_u8(&c);
	db->usable = ps - db->reserve;
	if (db->usable < 480) {
		uint32_t r = db->reserve;

		free(db);
		return WXF_CORRUPT(err, 1, 20, "reserve %u leaves fewer than 480 usable bytes", r);
	}
	wxf_cur_seek(&c, 24);
	counter = wxf_cur_u32be(&c);
	hdr_pages = wxf_cur_u32be(&c);
	db->fl_trunk = wxf_cur_u32be(&c);
	db->fl_count = wxf_cur_u32be(&c);
	wxf_cur_skip(&c, 4);
	db->schema_format = wxf_cur_u32be(&c);
	wxf_cur_skip(&c, 4);
	db->av_root = wxf_cur_u32be(&c);
	db->enc = (int)wxf_cur_u32be(&c);
	if (db->enc < 1 || db->enc > 3)
		db->enc = 1; /* 0 in a fresh header; anything else is corruption: read as UTF-8 */
	wxf_cur_seek(&c, 92);
	valid_for = wxf_cur_u32be(&c);
	db->main_pages = (uint32_t)((size / ps) > UINT32_MAX ? UINT32_MAX : size / ps);
	db->n_pages = db->main_pages;
	if (hdr_pages > 0 && valid_for == counter && hdr_pages < db->n_pages)
		db->n_pages = hdr_pages; /* pages beyond are slack of a shrunk file; the carver sees them */
	db->arena = wxf_arena_new();
	if (db->arena == NULL) {
		free(db);
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	}
	rc = wxf_sqlite_schema_load(db, err);
	if (rc != WXF_OK && rc != WXF_ECORRUPT) {
		wxf_sqlite_close(&db);
		return rc;
	}
	*dbp = db;
	return WXF_OK;
}

void
wxf_sqlite_close(wxf_sqlite_db **dbp)
{
	wxf_sqlite_db *db;

	if (dbp == NULL || *dbp == NULL)
		return;
	db = *dbp;
	wxf_wal_free(&db->wal);
	free(db->wal_map);
	wxf_arena_free(&db->arena);
	free(db);
	*dbp = NULL;
}

uint32_t wxf_sqlite_page_size(const wxf_sqlite_db *db) { return db->page_size; }
uint32_t wxf_sqlite_reserve(const wxf_sqlite_db *db) { return db->reserve; }
uint32_t wxf_sqlite_usable(const wxf_sqlite_db *db) { return db->usable; }
uint32_t wxf_sqlite_n_pages(const wxf_sqlite_db *db) { return db->n_pages; }
int wxf_sqlite_encoding(const wxf_sqlite_db *db) { return db->enc; }
uint32_t wxf_sqlite_schema_format(const wxf_sqlite_db *db) { return db->schema_format; }
uint32_t wxf_sqlite_freelist_trunk(const wxf_sqlite_db *db) { return db->fl_trunk; }
uint32_t wxf_sqlite_freelist_count(const wxf_sqlite_db *db) { return db->fl_count; }
uint32_t wxf_sqlite_autovacuum_root(const wxf_sqlite_db *db) { return db->av_root; }
uint32_t wxf_sqlite_n_warnings(const wxf_sqlite_db *db) { return __atomic_load_n(&db->n_warn, __ATOMIC_RELAXED); }
const wxf_wal *wxf_sqlite_wal(const wxf_sqlite_db *db) { return db->wal; }

const uint8_t *
wxf_sqlite_image(const wxf_sqlite_db *db, size_t *size)
{
	if (size != NULL)
		*size = db->size;
	return db->data;
}

const uint8_t *
wxf_sqlite_page_main(const wxf_sqlite_db *db, uint32_t pgno)
{
	if (pgno == 0 || pgno > db->main_pages)
		return NULL;
	return db->data + (size_t)(pgno - 1) * db->page_size;
}

const uint8_t *
wxf_sqlite_page(const wxf_sqlite_db *db, uint32_t pgno, uint32_t *frame)
{
	if (frame != NULL)
		*frame = 0;
	if (pgno == 0 || pgno > db->n_pages)
		return NULL;
	if (db->wal_map != NULL && pgno < db->wal_map_n && db->wal_map[pgno] != 0) {
		if (frame != NULL)
			*frame = db->wal_map[pgno];
		return db->wal->frames[db->wal_map[pgno] - 1].page;
	}
	return wxf_sqlite_page_main(db, pgno);
}

int
wxf_sqlite_attach_wal(wxf_sqlite_db *db, const uint8_t *data, size_t size, wxf_err *err)
{
	wxf_wal *w = NULL;
	size_t i;
	uint32_t maxp = 0;
	int rc;

	if ((rc = wxf_wal_parse(&w, data, size, err)) != WXF_OK)
		return rc;
	if (w->page_size != db->page_size) {
		wxf_wal_free(&w);
		return WXF_CORRUPT(err, -1, 8, "WAL page size differs from the database's");
	}
	wxf_wal_free(&db->wal);
	free(db->wal_map);
	db->wal_map = NULL;
	db->wal = w;
	if (w->last_commit == 0)
		return WXF_OK; /* nothing committed: the main file is what the db reads */
	for (i = 0; i < w->last_commit; i++)
		if (w->frames[i].pgno > maxp)
			maxp = w->frames[i].pgno;
	if (w->db_pages > maxp)
		maxp = w->db_pages;
	db->wal_map = calloc((size_t)maxp + 1, sizeof(uint32_t));
	if (db->wal_map == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	db->wal_map_n = maxp + 1;
	for (i = 0; i < w->last_commit; i++)
		if (w->frames[i].state == WXF_WAL_VALID)
			db->wal_map[w->frames[i].pgno] = (uint32_t)(i + 1);
	db->n_pages = w->db_pages;
	/* the schema may have changed inside the WAL */
	wxf_arena_free(&db->arena);
	db->objs = NULL;
	db->n_objs = 0;
	db->arena = wxf_arena_new();
	if (db->arena == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	rc = wxf_sqlite_schema_load(db, err);
	return rc == WXF_ECORRUPT ? WXF_OK : rc;
}
