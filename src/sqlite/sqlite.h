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
#include "base/wxf_mem.h"

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
	/* constraints (the carver's signatures, WITHOUT ROWID tables): */
	const unsigned char *col_notnull; /* 1 when declared NOT NULL (or PRIMARY KEY of a WITHOUT ROWID table) */
	int n_pk;               /* PRIMARY KEY columns, in key order */
	const int *pk_cols;
	int is_virtual;         /* CREATE VIRTUAL TABLE: no b-tree of its own */
	int index_of;           /* indexes: position of their table in the object list, or -1 */
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

/* ---------------------------------------------------------------------------------------------
 * Lower-level access for carve/, the fuzz targets and readers that need more than rows: pages,
 * cells, records, overflow chains, index entries, the freelist and the WAL.  Everything below borrows the image; nothing allocates per byte.
 * ------------------------------------------------------------------------------------------- */

/* Text encoding of the database: 1 UTF-8, 2 UTF-16le, 3 UTF-16be. */
int wxf_sqlite_encoding(const wxf_sqlite_db *db);
/* Usable bytes per page (page size - reserve). */
uint32_t wxf_sqlite_usable(const wxf_sqlite_db *db);
/* Header fields: schema format (1..4), first freelist trunk, freelist count, largest root page
 * (non-zero = auto-vacuum with pointer-map pages). */
uint32_t wxf_sqlite_schema_format(const wxf_sqlite_db *db);
uint32_t wxf_sqlite_freelist_trunk(const wxf_sqlite_db *db);
uint32_t wxf_sqlite_freelist_count(const wxf_sqlite_db *db);
uint32_t wxf_sqlite_autovacuum_root(const wxf_sqlite_db *db);
/* The main image as given to wxf_sqlite_open. */
const uint8_t *wxf_sqlite_image(const wxf_sqlite_db *db, size_t *size);
/* The page as the database reads it (the WAL overlay applied), or NULL if it does not exist.
 * *frame (may be NULL) gets the WAL frame it came from (1-based), 0 for the main file. */
const uint8_t *wxf_sqlite_page(const wxf_sqlite_db *db, uint32_t pgno, uint32_t *frame);
/* The page of the main image, ignoring the WAL; NULL if beyond the image. */
const uint8_t *wxf_sqlite_page_main(const wxf_sqlite_db *db, uint32_t pgno);
/* The schema table itself (type, name, tbl_name, rootpage, sql; root page 1). */
const wxf_sqlite_obj *wxf_sqlite_master(const wxf_sqlite_db *db);
/* Number of corrupt structures met so far (each also reported once through wxf_err). */
uint32_t wxf_sqlite_n_warnings(const wxf_sqlite_db *db);
/* Fills o's column fields from o->sql (CREATE TABLE / CREATE INDEX text), strings in arena a;
 * used for objects found outside the live schema (old sqlite_master records of dropped tables).
 * Returns WXF_OK (n_cols stays 0 when the SQL is not understood) or WXF_ENOMEM. */
int wxf_sqlite_obj_parse(wxf_arena *a, wxf_sqlite_obj *o);
/* Column affinity of a declared type (SQLite rules, datatype3.html section 3.1). */
typedef enum { WXF_AFF_BLOB = 0, WXF_AFF_TEXT, WXF_AFF_NUMERIC, WXF_AFF_INTEGER, WXF_AFF_REAL } wxf_affinity;
wxf_affinity wxf_sqlite_affinity(const char *decl_type);

/* B-tree page header (the format table is in src/sqlite/page.c). */
typedef struct wxf_sqlite_page_hdr {
	uint8_t type;            /* 0x02, 0x05, 0x0a, 0x0d */
	uint16_t first_freeblock;
	uint16_t n_cells;
	uint32_t content_start;  /* 0 on disk means 65536 */
	uint8_t n_frag;
	uint32_t right_child;    /* interior pages */
	uint32_t hdr_off;        /* 100 on page 1, else 0 */
	uint32_t hdr_len;        /* 8 or 12 */
	uint32_t ptr_end;        /* first byte after the cell pointer array */
} wxf_sqlite_page_hdr;
/* Parses and sanity-checks a b-tree page header.  Returns WXF_OK, or WXF_ECORRUPT (no err
 * message: this is also the "is this a b-tree page?" probe of the carver). */
int wxf_sqlite_page_header(const uint8_t *page, uint32_t usable, uint32_t pgno,
    wxf_sqlite_page_hdr *h);

/* One cell (see src/sqlite/page.c). */
typedef struct wxf_sqlite_cell {
	uint32_t off;            /* offset of the cell in its page */
	uint32_t len;            /* bytes on the page, overflow pointer included */
	uint32_t left_child;     /* interior cells */
	int64_t rowid;           /* table cells */
	uint64_t payload_len;    /* P */
	uint32_t payload_off;    /* offset of the payload in the page */
	uint32_t local;          /* payload bytes on the page */
	uint32_t overflow;       /* first overflow page, 0 none */
} wxf_sqlite_cell;
/* Local payload size for a payload of P bytes (fileformat2 section 1.6). */
uint32_t wxf_sqlite_local_size(uint32_t usable, int table_leaf, uint64_t payload_len);
/* Parses the cell at page[off] of a page of type `type`.  WXF_ECORRUPT if it does not fit. */
int wxf_sqlite_cell_parse(const uint8_t *page, uint32_t usable, uint8_t type, uint32_t off,
    wxf_sqlite_cell *c);

/* Reusable scratch memory for payload assembly and text conversion (no per-row malloc). */
typedef struct wxf_sqlite_scratch {
	uint8_t *pay;
	size_t pay_cap;
	uint8_t *txt;
	size_t txt_len, txt_cap;
} wxf_sqlite_scratch;
void wxf_sqlite_scratch_free(wxf_sqlite_scratch *s);

/* Whole payload of a cell whose local part starts at local[0..local_len): the local bytes, or
 * the local bytes followed by the overflow chain starting at `overflow` (read through
 * wxf_sqlite_page).  The chain is bounded by the payload length and by the page count, so
 * cycles end.  *out points at the payload (in `local` or in s->pay); *out_len may be less than
 * payload_len when the chain is broken, then *truncated = 1.  *n_ovfl (may be NULL) gets the
 * number of overflow pages read.  Returns WXF_OK or WXF_ENOMEM. */
int wxf_sqlite_payload(const wxf_sqlite_db *db, const uint8_t *local, uint32_t local_len,
    uint64_t payload_len, uint32_t overflow, wxf_sqlite_scratch *s, const uint8_t **out,
    size_t *out_len, int *truncated, uint32_t *n_ovfl);
/* Like wxf_sqlite_payload, but calls visit(arg, pgno) for every overflow page, in order. */
int wxf_sqlite_overflow_walk(const wxf_sqlite_db *db, uint64_t payload_len, uint32_t local_len,
    uint32_t overflow, int (*visit)(void *arg, uint32_t pgno), void *arg);

/* Body bytes of a serial type, or -1 for the invalid types 10 and 11. */
static inline int64_t
wxf_sqlite_serial_size(uint64_t st)
{
	static const signed char small[12] = { 0, 1, 2, 3, 4, 6, 8, 8, 0, 0, -1, -1 };

	if (st < 12)
		return small[st];
	if (st > ((uint64_t)1 << 62))
		return -1;
	return (int64_t)((st - 12) / 2);
}
/* Parses a record header at p[0..n).  Stores up to `max` serial types, returns the column count
 * (possibly > max) and the header length in *hdr_len, or -1 when the header is malformed
 * (length beyond n, a varint crossing its end, or a serial type 10/11). */
int wxf_sqlite_record_types(const uint8_t *p, size_t n, uint64_t *types, int max, size_t *hdr_len);
/* Decodes n values of the given serial types from body[0..body_len).  Text is given as UTF-8
 * (UTF-16 converted into s->txt; invalid sequences become U+FFFD).  Values whose bytes are
 * missing are NULL and set *truncated (may be NULL).  Returns WXF_OK or WXF_ENOMEM. */
int wxf_sqlite_record_values(int enc, const uint64_t *types, int n, const uint8_t *body,
    size_t body_len, wxf_sqlval *vals, wxf_sqlite_scratch *s, int *truncated);

/* Like wxf_sqlite_scan, on an index b-tree: vals are the index record (key columns, rowid). */
int wxf_sqlite_scan_index(wxf_sqlite_db *db, const wxf_sqlite_obj *index, wxf_sqlrow_cb cb,
    void *arg, wxf_err *err);
/* Looks up one rowid in a rowid table: calls cb once if found.  Returns WXF_OK, WXF_ENOTFOUND,
 * or the callback's value. */
int wxf_sqlite_find_rowid(wxf_sqlite_db *db, const wxf_sqlite_obj *table, int64_t rowid,
    wxf_sqlrow_cb cb, void *arg, wxf_err *err);
/* Calls visit(arg, pgno, kind) for every page of the object's b-tree (kind: the page type
 * byte) and, when with_overflow, kind 0 for every overflow page of its cells.  Bounded and
 * cycle-safe. */
int wxf_sqlite_tree_pages(wxf_sqlite_db *db, uint32_t root,
    int (*visit)(void *arg, uint32_t pgno, int kind), void *arg, int with_overflow, wxf_err *err);
/* Calls visit(arg, pgno, is_trunk) for every freelist page (trunks and leaves) reachable from
 * the header's first trunk.  Cycles, out-of-range pages and oversized leaf counts end the walk
 * with a warning.  Pages of the main file are used (the WAL overlay applied). */
int wxf_sqlite_freelist_walk(wxf_sqlite_db *db, int (*visit)(void *arg, uint32_t pgno, int is_trunk),
    void *arg, wxf_err *err);

/* ---- WAL (format table in src/sqlite/wal.c) ---- */
typedef struct wxf_wal_frame {
	uint32_t pgno;
	uint32_t commit_size;    /* db size in pages on a commit frame, else 0 */
	uint32_t salt1, salt2;
	uint64_t offset;         /* of the frame header in the WAL file */
	const uint8_t *page;     /* page_size bytes */
	int state;               /* WXF_WAL_VALID, _UNCOMMITTED, _STALE, _INVALID */
} wxf_wal_frame;
enum { WXF_WAL_VALID = 0, WXF_WAL_UNCOMMITTED, WXF_WAL_STALE, WXF_WAL_INVALID };
typedef struct wxf_wal {
	uint32_t page_size, ckpt_seq, salt1, salt2;
	int big_endian_cksum;
	size_t n_frames;         /* every whole frame in the file */
	wxf_wal_frame *frames;
	size_t last_commit;      /* 1-based index of the last valid commit frame, 0 none */
	uint32_t db_pages;       /* database size after that commit */
} wxf_wal;
/* Parses a WAL image: header, every whole frame, salts and the cumulative checksum chain.
 * Frames of the current generation up to the last commit are VALID, later ones with good
 * checksums UNCOMMITTED; frames with other salts whose own chain holds are STALE (left from
 * before a checkpoint); the rest INVALID.  WXF_ECORRUPT if the header is not a WAL header. */
int wxf_wal_parse(wxf_wal **wal, const uint8_t *data, size_t size, wxf_err *err);
void wxf_wal_free(wxf_wal **wal);
/* The WAL attached to a db, or NULL. */
const wxf_wal *wxf_sqlite_wal(const wxf_sqlite_db *db);

/* ---- Rollback journal (format table in src/sqlite/journal.c) ---- */
typedef struct wxf_jrec {
	uint32_t pgno;
	uint64_t offset;         /* of the page image in the journal file */
	const uint8_t *page;
	int cksum_ok;            /* 1 verified, 0 unknown (zeroed PERSIST header), -1 mismatch */
} wxf_jrec;
typedef struct wxf_journal {
	uint32_t page_size, sector_size, db_pages, nonce;
	int header_zeroed;       /* PERSIST remnant: header wiped, records kept */
	size_t n_recs;
	wxf_jrec *recs;
} wxf_journal;
/* Parses a rollback journal: every segment header and page record, including records left
 * after the header was zeroed (journal_mode=PERSIST).  page_size is used when the header is
 * gone (pass the db's).  WXF_ECORRUPT if nothing journal-like is found. */
int wxf_journal_parse(wxf_journal **j, const uint8_t *data, size_t size, uint32_t page_size,
    wxf_err *err);
void wxf_journal_free(wxf_journal **j);

#endif
