/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Public API of the carver: deleted-record recovery on a plaintext SQLite image (a decrypted
 * physical image or any plain database) and its plaintext -wal / -journal images.
 *
 * Sources (wxf_origin): freeblocks and the unallocated gap of every b-tree page, whole freelist
 * pages (trunk remnants, leaves = old b-tree pages) and the overflow chains they hold, pages no
 * b-tree owns (dropped tables, file slack), older page images in WAL frames (current, uncommitted
 * and stale generations) and in rollback-journal records (PERSIST remnants included).
 *
 * Every candidate is matched to a table by schema (column count, serial types against the
 * declared affinities, NOT NULL, INTEGER PRIMARY KEY stored as NULL), scored 0..100, compared
 * with the live rows (a candidate equal to a live row is never reported; an older version of a
 * live rowid is SUPERSEDED), and merged with its duplicates from other sources.  Deleted index
 * entries are attributed to their index and folded into the row they point to, or reported as
 * FRAGMENT rows carrying the indexed columns when the row itself is gone.
 *
 * Memory: images up to 8 MB (database + WAL + journal) are carved in memory: one arena holds the
 * merged candidates (values point into the mapped images, only assembled overflow payloads are
 * copied) plus 8 bytes per live row for the live fingerprints.  Larger images spill: live
 * fingerprints and candidates go to an unnamed temporary file per thread (tmpfile(3)), in up to
 * 128 partitions by fingerprint (one partition per 8 MB of image), each partition is merged on its own in the
 * order its candidates were found (the same merge decisions), and the merged records are
 * emitted one (table, rowid) partition at a time, so that index entries still fold into their
 * rows.  Memory beyond the mapping is then a few MB whatever the file size.  A spilling run uses
 * opts->jobs threads: pages are carved in chunks taken in increasing order, each candidate
 * carries its discovery order, and every merge reads the threads' streams interleaved by it, so
 * the output is byte-identical for any thread count.  The callback is always called from the
 * calling thread.  The environment
 * variable WXF_CARVE_PART_KB (tests) sets the image bytes per partition.
 */
#ifndef WXF_CARVE_H
#define WXF_CARVE_H

#include <stddef.h>
#include <stdint.h>
#include "base/wxf_err.h"
#include "base/wxf_prov.h"
#include "sqlite/sqlite.h"

/* Source selection (wxf_carve_opts.sources); 0 means all but SCHEMA and LIVE. */
enum {
	WXF_CARVE_FREEBLOCK = 1u << 0,   /* freeblocks and fragments of b-tree pages */
	WXF_CARVE_UNALLOC = 1u << 1,     /* unallocated gap of b-tree pages; pages no tree owns */
	WXF_CARVE_FREELIST = 1u << 2,    /* freelist trunk and leaf pages (+ their overflow) */
	WXF_CARVE_WAL = 1u << 3,         /* page images in WAL frames; main pages the WAL replaced */
	WXF_CARVE_JOURNAL = 1u << 4,     /* page images in rollback-journal records */
	WXF_CARVE_INDEX = 1u << 5,       /* deleted index entries */
	WXF_CARVE_SCHEMA = 1u << 6,      /* also report old sqlite_master records (schema remnants) */
	WXF_CARVE_LIVE = 1u << 7,        /* also report the live rows (status intact) */
	WXF_CARVE_DEFAULT = 0x3f
};

typedef struct wxf_carve_opts {
	const char *db_name;          /* labels for wxf_carved.file; NULL = "db" */
	const uint8_t *wal;           /* plaintext -wal image or NULL (attached to db if not yet) */
	size_t wal_size;
	const char *wal_name;
	const uint8_t *journal;       /* plaintext -journal image or NULL */
	size_t journal_size;
	const char *journal_name;
	unsigned sources;             /* WXF_CARVE_* mask; 0 = WXF_CARVE_DEFAULT */
	const char *table;            /* only candidates attributed to this table (NULL = all) */
	int min_confidence;           /* drop candidates scoring below (0..100) */
	int jobs;                     /* threads of a spilling run (see Memory): 0 = one per online
	                                 processor, at most 16; the output is the same for any value */
} wxf_carve_opts;

/* One place where a record was found: the record's own bytes, or an index entry that proves
 * it (index set: those bytes hold the indexed columns and the rowid, not the record). */
typedef struct wxf_carve_src {
	wxf_origin origin;
	const char *file;             /* opts->db_name / wal_name / journal_name */
	uint32_t pgno;                /* database page number (1-based), 0 unknown */
	uint32_t frame;               /* WAL frame or journal record (1-based), 0 none */
	uint64_t offset;              /* absolute byte offset of the record in `file` */
	uint32_t length;              /* bytes */
	int confidence;
	const wxf_sqlite_obj *index;  /* the index this entry belongs to; NULL: the record itself */
} wxf_carve_src;

typedef struct wxf_carved {
	/* Every record is attributed to a schema signature; table is NULL only for a deleted
	 * entry of an index whose table has no signature (its values are then in keys, and the
	 * n_vals vals are all lost).  rowid INT64_MIN when unknown; vals in declared column order,
	 * n_vals = table->n_cols; row.pgno/offset/length/wal_frame repeat the first source. */
	wxf_sqlrow row;
	const unsigned char *known;   /* known[i]: 1 = vals[i] recovered, 0 = lost (vals[i] NULL) */
	wxf_origin origin;            /* of the best source */
	wxf_status status;            /* DELETED_RECOVERED, PARTIALLY_RECOVERED, FRAGMENT, SUPERSEDED
	                                 (INTACT only with WXF_CARVE_LIVE) */
	int confidence;               /* 0..100: the primary source's score */
	const char *file;             /* the primary source: file, page, frame, offset, length */
	uint32_t pgno, frame;
	uint64_t offset;
	uint32_t length;
	/* Every place the same record was found, the primary first: the record's own bytes when
	 * they were found (best score among them), an index entry only when no copy of the
	 * record survives (a FRAGMENT).  The others are witnesses: more copies of the record,
	 * then the index entries that point to it (all the indexes of one deleted row are one
	 * record). */
	size_t n_sources;
	const wxf_carve_src *sources;
	/* deleted index entries: */
	const wxf_sqlite_obj *index;  /* the index whose entry proves the row (NULL if none) */
	int n_keys;                   /* its key values (indexed columns, without the rowid) */
	const wxf_sqlval *keys;
	int schema_remnant;           /* 1: an old sqlite_master record (only with WXF_CARVE_SCHEMA) */
} wxf_carved;

/* Return 0 to continue, non-zero to stop (returned by wxf_carve_run). */
typedef int (*wxf_carve_cb)(void *arg, const wxf_carved *c);

typedef struct wxf_carve_stats {
	uint64_t pages_scanned, bytes_scanned;
	uint64_t candidates;          /* before merging */
	uint64_t reported;
	uint64_t live_copies;         /* candidates equal to a live row (not reported) */
	uint64_t per_origin[WXF_ORIGIN_N];
	uint64_t per_status[WXF_STATUS_N];
	uint64_t unreferenced;        /* intact cells in the content area of a live page that no cell
	                                 pointer and no freeblock accounts for (damaged or manipulated
	                                 pointer array): live rows hidden from the b-tree, not reported */
} wxf_carve_stats;

/* Carves db (and opts' WAL/journal) and calls cb once per merged record, grouped by table in
 * ascending rowid order (unknown rowids last); a spilling run (see Memory above) keeps that order
 * within each output partition only.  Pointers in *c are valid during the callback.
 * stats may be NULL.  Returns WXF_OK, the callback's non-zero value, WXF_ENOMEM, or a WAL/journal
 * parse error (WXF_ECORRUPT with sev WARN: the carve still ran without that source). */
int wxf_carve_run(wxf_sqlite_db *db, const wxf_carve_opts *opts, wxf_carve_cb cb, void *arg,
    wxf_err *err);
int wxf_carve_run_stats(wxf_sqlite_db *db, const wxf_carve_opts *opts, wxf_carve_cb cb, void *arg,
    wxf_carve_stats *stats, wxf_err *err);

/* Fills p with the provenance of a carved record's primary source (origin, status, confidence,
 * table, rowid, page, frame, offset, length): table names the index when the primary source
 * is an index entry (a FRAGMENT); p->file and p->image are set to file and image. */
void wxf_carved_prov(const wxf_carved *cv, const char *file, const char *image, wxf_prov *p);

/* Decodes one record candidate from raw bytes for table t (used by readers feeding recovered
 * WeChat rows and by the fuzzers): the record must start at data[0] as an intact table-leaf cell
 * (payload length, rowid, header, body).  Returns the score (0..100) or -1 if it is not such a
 * record.  vals (t->n_cols entries) point into data or s. */
int wxf_carve_decode_cell(const wxf_sqlite_db *db, const wxf_sqlite_obj *t, const uint8_t *data,
    size_t size, int64_t *rowid, wxf_sqlval *vals, wxf_sqlite_scratch *s);

#endif
