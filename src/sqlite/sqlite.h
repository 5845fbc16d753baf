/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Public API of the SQLite layer: our own reader of plaintext SQLite images (a decrypted
 * physical image from decrypt/, or any plain database), no libsqlite3 involved.
 *
 * Live rows come with the page number and byte offset of their cell, so live and recovered
 * (carve/) rows share one provenance format.  Everything is bounds-checked; corrupt pages are
 * reported through wxf_err warnings and skipped, never trusted; cycles are detected.
 *
 * The image is borrowed: it must stay mapped while the db handle lives.
 */
#ifndef WXF_SQLITE_H
#define WXF_SQLITE_H

#include <stddef.h>
#include <stdint.h>
#include "base/wxf_err.h"

typedef struct wxf_sqlite_db wxf_sqlite_db;

typedef enum { WXF_SQL_NULL = 0, WXF_SQL_INT, WXF_SQL_FLOAT, WXF_SQL_TEXT, WXF_SQL_BLOB } wxf_sqlval_type;

typedef struct wxf_sqlval {
	wxf_sqlval_type type;
	int64_t i;          /* WXF_SQL_INT */
	double f;           /* WXF_SQL_FLOAT */
	const uint8_t *p;   /* TEXT (UTF-8, converted if the db is UTF-16) / BLOB; not NUL-terminated */
	size_t n;
} wxf_sqlval;

/* One object of sqlite_master. */
typedef struct wxf_sqlite_obj {
	const char *type;       /* "table", "index", ... */
	const char *name;
	const char *tbl_name;
	uint32_t rootpage;
	const char *sql;
	int n_cols;             /* tables: declared columns; indexes: indexed columns */
	const char **col_names;
	const char **col_types; /* declared types, "" when none */
	int ipk_col;            /* INTEGER PRIMARY KEY column (alias of the rowid), or -1 */
	int without_rowid;
} wxf_sqlite_obj;

/* A row as found in the file. */
typedef struct wxf_sqlrow {
	const wxf_sqlite_obj *table;
	int64_t rowid;
	int n_vals;             /* = table->n_cols; missing trailing columns are NULL (ALTER TABLE ADD) */
	const wxf_sqlval *vals; /* declared column order; the IPK column holds the rowid */
	uint32_t pgno;          /* page of the cell (1-based) */
	uint64_t offset;        /* absolute byte offset of the cell in the image */
	uint32_t length;        /* bytes of the cell on its page */
	uint32_t wal_frame;     /* WAL frame the page came from, 0 = main file */
	int truncated;          /* overflow chain broken: some values cut short */
} wxf_sqlrow;

/* Callback: return 0 to continue, non-zero to stop the scan (returned by the scan). */
typedef int (*wxf_sqlrow_cb)(void *arg, const wxf_sqlrow *row);

/* Opens an image.  Returns WXF_OK, or WXF_ECORRUPT when page 1 is not a SQLite header. */
int wxf_sqlite_open(wxf_sqlite_db **db, const uint8_t *data, size_t size, wxf_err *err);
/* Adds a plaintext WAL: pages of the last valid commit overlay the main file for reading. */
int wxf_sqlite_attach_wal(wxf_sqlite_db *db, const uint8_t *wal, size_t size, wxf_err *err);
void wxf_sqlite_close(wxf_sqlite_db **db);

uint32_t wxf_sqlite_page_size(const wxf_sqlite_db *db);
uint32_t wxf_sqlite_reserve(const wxf_sqlite_db *db);
uint32_t wxf_sqlite_n_pages(const wxf_sqlite_db *db);

size_t wxf_sqlite_n_objs(const wxf_sqlite_db *db);
const wxf_sqlite_obj *wxf_sqlite_obj_at(const wxf_sqlite_db *db, size_t i);
/* Case-insensitive table lookup; NULL if absent. */
const wxf_sqlite_obj *wxf_sqlite_table(const wxf_sqlite_db *db, const char *name);
/* Column index by name (case-insensitive), or -1. */
int wxf_sqlite_col(const wxf_sqlite_obj *t, const char *name);

/* Walks the table's b-tree and calls cb for every live row, in rowid order.
 * Corrupt pages are skipped with a warning in err (code WXF_ECORRUPT, sev WARN) and the walk
 * continues; the return value is WXF_OK, the callback's non-zero value, or a fatal error. */
int wxf_sqlite_scan(wxf_sqlite_db *db, const wxf_sqlite_obj *table, wxf_sqlrow_cb cb, void *arg,
    wxf_err *err);

/* Value helpers for readers: text as a malloc'd NUL-terminated string (NULL for SQL NULL;
 * integers are formatted in decimal), integer (text parsed when numeric), 0/def if absent. */
char *wxf_sqlval_strdup(const wxf_sqlval *v);
int64_t wxf_sqlval_int(const wxf_sqlval *v, int64_t def);

#endif
