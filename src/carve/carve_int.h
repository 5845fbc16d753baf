/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private declarations of the carver (src/carve only): the carving context, the types more than
 * one of its files reads, the small helpers the hot loops of several files inline, and what each
 * file offers the others.  The files, in the order a run uses them:
 *
 *   carve.c         the driver and its passes: which page images are carved, in what order
 *   carve_sig.c     schema signatures and scoring; dropped tables' signatures (schema remnants)
 *   carve_own.c     page ownership walk, live fingerprints, record fingerprints
 *   carve_page.c    the free space of one page image
 *   carve_cell.c    record parsing: intact cells, freeblock headers, clobbered cells
 *   carve_merge.c   the candidate table: live comparison, merging of duplicates
 *   carve_spill.c   spilling: temporary streams, record codec, partitions merged and emitted
 *   carve_thread.c  per-context scratch and the workers of a spilling run
 *   carve_emit.c    ordering, index folding, delivery
 */
#ifndef WXF_CARVE_INT_H
#define WXF_CARVE_INT_H

#include <stdatomic.h>
#include <stdio.h>

#include "carve/carve.h"
#include "base/wxf_cur.h"
#include "base/wxf_mem.h"

#define CV_MAXCOLS 512          /* widest record the carver reconstructs */
#define SP_MAXW 16              /* most carving threads */

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

/* Page owners (cx.owner): a signature index + 1, or one of these. */
enum { OWN_NONE = 0, OWN_TRUNK = 0xfffffff0u, OWN_LEAF, OWN_OVFL, OWN_PTRMAP };

/* A candidate of the table: its record, fingerprint, classification, confidence and every place it
 * was found (src[0] the best). */
typedef struct cand {
	int sig;
	int64_t rowid;
	int ncols;
	uint64_t *types;
	unsigned char *known;       /* per record column */
	const uint8_t *body;
	size_t body_len;
	uint64_t fp;
	wxf_status status;
	int conf;
	wxf_carve_src *src;
	uint32_t n_src, cap_src;
	int truncated;
	int index_only;             /* index entry not (yet) folded; 2: folded into another record */
	size_t grp_next;            /* index entries of one deleted row: the next member + 1, 0 none */
	int body_copied;            /* body lives in the arena (not in a mapped image) */
} cand;

/* Spill streams (carve_spill.c): a worker's temporary file, and one logical stream in it. */
typedef struct sp_store {
	FILE *f;
	int fd;
	uint32_t next;              /* next free block */
	int io_errno;               /* the first failed write (temporary directory full ...) */
} sp_store;

typedef struct sp_stream sp_stream; /* one logical stream in a store (carve_spill.c) */

/* The page being scanned: where a candidate is found (its source), hints from the page's owner,
 * and the scan's scratch. */
typedef struct cv_scan {
	wxf_origin origin;
	const char *file;
	uint32_t pgno, frame;
	uint64_t page_abs;
	uint64_t seq;               /* discovery order of the next candidate (see cv_seq) */
	int hint;                   /* sig index suggested by the page's owner, -1 */
	int raw_page;               /* the page is not a b-tree page: no freeblock headers in it */
	int live_page;              /* current version of a live b-tree page (mask 0 = unaccounted) */
	cv_rec rec_scan, rec_cell, rec_try; /* scratch records */
	uint8_t *mask;              /* per page byte: 1 = allocated */
	uint32_t *fb, *fbe;         /* freeblock extents of the current page (U/4 + 1 each) */
	uint32_t *anc_gen, gen;     /* anchor() memo: valid where anc_gen[e] == gen */
	uint8_t *anc_val;
} cv_scan;

/* The candidate table being merged, its hash index, and the live fingerprints it is compared
 * with. */
typedef struct cv_set {
	cand *c;
	size_t n_c, cap_c;
	uint32_t *ht;               /* hash -> cand index + 1 */
	size_t ht_cap;
	wxf_arena *car;             /* arena of the candidates being merged */
	uint64_t *live_fp;
	size_t n_live, cap_live;
} cv_set;

/* Spilling: with n_part > 1, live fingerprints and candidates go to temporary files partitioned
 * by fingerprint, are merged one partition at a time, and are emitted one (table, rowid)
 * partition at a time; memory is one partition's worth. */
typedef struct cv_spill {
	unsigned n_part;
	int part_shift;
	int on;                     /* cv_take() writes candidates out instead of merging them */
	sp_stream *take, *live, *cand; /* worker: n_part streams each, in store */
	sp_store store;
	struct sp_head *heads;      /* worker: one stream reader per worker (merge) */
	uint8_t *buf;               /* encoding buffer of merged candidates (sp_write_cand) */
	size_t buf_cap;
} cv_spill;

/* Parallel spilling run: the master context owns the workers and hands them work (a pass, a
 * walk batch); each worker carves, merges and writes through its own streams and scratch. */
typedef struct cv_pool {
	struct cx *master;          /* worker: its master; master: itself */
	struct cx *wk;              /* master: the workers */
	unsigned n_wk;
	struct cv_pass *pass;       /* the pass the workers are running */
	wxf_carve_stats wst;        /* worker: its own counters, added to the master's at the end */
	struct wb_ent *wb;          /* master: b-tree pages whose cells the workers fingerprint */
	size_t wb_n, wb_cap;         /* pages in the batch, and its room (WB_CAP at most) */
	atomic_size_t wb_next;
} cv_pool;

/* A carving context: settings and read-only tables shared by every worker, then each role's
 * state.  The master runs the in-memory carve and the driver; a worker is a copy of it with its
 * own scratch, candidate set and streams (wk_init in carve_thread.c). */
typedef struct cx {
	wxf_sqlite_db *db;
	const wxf_carve_opts *o;
	wxf_carve_stats *st;
	wxf_err *err;
	wxf_arena *ar;
	uint32_t U, n_pages, main_pages, page_size;
	int enc;
	unsigned src_mask;
	cv_sig *sigs;
	int n_sigs;
	int master_sig;
	int only_sig;               /* >= 0: the schema-remnant pass looks for this signature only */
	int n_dropped;
	uint32_t *owner;            /* pgno -> sig+1, OWN_* */
	uint32_t n_owner;
	uint16_t *dropped_of;       /* pgno -> dropped table's signature + 1 (its old b-tree) */
	wxf_sqlite_scratch s, s2;
	wxf_sqlval *vals;
	int oom;
	const char *dbname, *walname, *jname;
	cv_scan scan;
	cv_set set;
	cv_spill sp;
	cv_pool pool;
} cx;

/* A page of the walk batch: its cells are fingerprinted as live rows of signature sig. */
typedef struct wb_ent {
	uint32_t pgno;
	int32_t sig;
} wb_ent;

#define WB_CAP 16384            /* pages per walk batch */

/* The work of one carve pass, in discovery order: main pages 1..n_owner-1, then the WAL frames
 * that are not the current version of their page, then the journal records.  Workers take
 * chunks of this sequence in increasing order, so each worker's candidate stream is in
 * discovery order and the merge interleaves them by sequence number (cv_seq). */
typedef struct cv_pass {
	const wxf_journal *jn;
	uint64_t n_main, n_wal, n_jrn, n;
	int schema_pass;
	uint64_t chunk;             /* items a worker takes at a time */
	atomic_uint_fast64_t next;  /* next item (carving) or partition (merging) to take */
} cv_pass;

/* FNV-style 64-bit mixing, 8 bytes at a time. */
static inline uint64_t
cv_mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0x9e3779b97f4a7c15ULL;
	h ^= h >> 29;
	return h;
}

/* Small helpers of hot loops in several files, inlined where they are used. */

/* Bytes of r's values from column `from` on (the sum of their serial sizes). */
static inline uint64_t
cv_body_size(const cv_rec *r, int from)
{
	uint64_t t = 0;
	int i;

	for (i = from; i < r->ncols; i++)
		t += (uint64_t)wxf_sqlite_serial_size(r->types[i]);
	return t;
}

/* Plausible (next, size) freeblock header at page[p] whose block ends by lim: what freeSpace()
 * writes over the first 4 bytes of a freed cell.  It stays behind ("stale") inside a larger
 * freeblock when a later free coalesces the block into an earlier one, and in the unallocated
 * gap when the content area shrinks over it. */
static inline int
cv_fb_header(const cx *x, const uint8_t *page, uint32_t p, uint32_t lim, uint32_t *size)
{
	uint32_t next, sz;

	if (p + 4 > lim)
		return 0;
	next = (uint32_t)page[p] << 8 | page[p + 1];
	sz = (uint32_t)page[p + 2] << 8 | page[p + 3];
	if (sz < 4 || sz > x->U - p || (next != 0 && (next < p + sz + 4 || next >= x->U)))
		return 0; /* the chain ascends and blocks closer than 4 bytes coalesce; the size may
		           * reach past lim: later inserts reuse the end of a stale block */
	*size = sz;
	return 1;
}

/* Live fingerprints: an open-addressing set (0 = empty), at most half full. */
static inline int
cv_live_has(const cv_set *set, uint64_t fp)
{
	size_t i;

	if (set->cap_live == 0)
		return 0;
	for (i = (size_t)(fp ^ (fp >> 29)) & (set->cap_live - 1); set->live_fp[i] != 0;
	    i = (i + 1) & (set->cap_live - 1))
		if (set->live_fp[i] == fp)
			return 1;
	return 0;
}

/* Partition of fingerprint fp (its top bits). */
static inline unsigned
cv_part_of(const cv_spill *sp, uint64_t fp)
{
	return sp->n_part > 1 ? (unsigned)(fp >> sp->part_shift) : 0;
}

/* carve.c: carves item i of pass p (a main page, a WAL frame or a journal record). */
void cv_carve_item(cx *x, const cv_pass *p, uint64_t i);

/* carve_sig.c: signatures from the schema; the score of a record against one, the text check of
 * its values, the best signature for it; signatures of dropped tables from schema remnants. */
int cv_build_sigs(cx *x);
int cv_type_penalty(const cv_sig *s, int col, uint64_t st);
int cv_score(const cv_sig *s, const cv_rec *r);
int cv_values_ok(cx *x, const cv_rec *r, size_t avail);
int cv_best_sig(cx *x, const cv_rec *r, int want_index, int *score);
int cv_add_dropped(cx *x);

/* carve_own.c: record fingerprints, the live-fingerprint set, the ownership walk (owner[] and
 * the live fingerprints), the live rows reported with WXF_CARVE_LIVE. */
uint64_t cv_fp_raw(const cv_sig *s, int sig, const uint64_t *types, int ncols, const uint8_t *body,
    size_t body_len);
int cv_live_add(cv_set *set, uint64_t fp);
void cv_own_walk(cx *x);
int cv_live_emit(cx *x, wxf_carve_cb cb, void *arg);

/* carve_page.c: carves one page image. */
void cv_carve_page(cx *x, const uint8_t *page, uint32_t pgno, int old_image, wxf_origin cell_origin,
    wxf_origin free_origin);

/* carve_cell.c: an intact cell, a freed cell whose first bytes a freeblock header overwrote. */
int cv_intact_cell(cx *x, const uint8_t *page, uint32_t off, uint32_t lim, int index, int interior,
    cv_rec *r);
int cv_clobbered_cell(cx *x, const uint8_t *page, uint32_t p, uint32_t lim, uint32_t fbsize, cv_rec *r,
    int *sig_out, int *score_out);

/* carve_merge.c: a source added to a candidate, a candidate merged into the table, a record
 * found on the current page taken as a candidate. */
int cv_add_src(cx *x, cand *c, const wxf_carve_src *s);
void cv_merge(cx *x, int sig, int64_t rowid, int n, const uint64_t *types, int col0_unknown,
    const uint8_t *body, size_t plen, uint64_t fp, wxf_status status, int conf, int truncated,
    const wxf_carve_src *src, int copy_body);
void cv_take(cx *x, cv_rec *r, int sig, int score);

/* carve_spill.c: the partition count, a worker's streams, a live fingerprint and a candidate
 * written out, a fingerprint partition merged, the output partitions emitted. */
void cv_sp_open(cx *x, uint64_t bytes);
int cv_sp_worker_init(cv_spill *sp, unsigned n_wk);
/* The errno of the first spill write that failed in this run (master or any worker), or 0:
 * tells a full temporary directory from a lack of memory. */
int cv_sp_io_errno(const struct cx *x);
void cv_sp_worker_free(cv_spill *sp, unsigned n_wk);
int cv_sp_live(cv_spill *sp, uint64_t fp);
int cv_sp_take(cx *x, const cv_rec *r, int sig, uint64_t fp, wxf_status status, int conf, int truncated,
    const wxf_carve_src *src, int in_scratch);
int cv_sp_merge_part(cx *x, unsigned p);
int cv_sp_emit(cx *m, wxf_carve_cb cb, void *arg);

/* carve_thread.c: a context's scratch; the workers started, stopped, run (cv_wk_carve,
 * cv_wk_merge or the ownership walk's), released after the merge, their counters added up. */
int cv_scratch_alloc(cx *x);
void cv_scratch_free(cx *x);
void cv_wk_start(cx *m);
void cv_wk_stop(cx *m);
void cv_wk_run(cx *m, void *(*fn)(void *));
void *cv_wk_carve(void *arg);
void *cv_wk_merge(void *arg);
void cv_wk_release(cx *w);
void cv_wk_stats(wxf_carve_stats *d, const wxf_carve_stats *s);

/* carve.c: a context over db with a run's settings, schema signatures and scratch but no pass
 * run (page owners unknown), for probing the record recognisers one record at a time (the
 * carve_cell fuzz target); NULL when out of memory.  opts and stats must outlive it. */
cx *cv_probe_new(wxf_sqlite_db *db, const wxf_carve_opts *opts, wxf_carve_stats *stats, wxf_err *err);
void cv_probe_free(cx *x);

/* carve_emit.c: candidates sorted and index entries folded, then delivered to the callback. */
int cv_emit_prepare(cx *x);
int cv_emit_deliver(cx *x, wxf_carve_cb cb, void *arg);
int cv_emit(cx *x, wxf_carve_cb cb, void *arg);

#endif
