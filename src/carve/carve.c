/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The carver: finds deleted records in every free byte of a SQLite image, its WAL and journal.
 *
 * A run (wxf_carve_run_stats):
 *   1. makes a signature of every table and index of the schema (carve_sig.c) and walks every
 *      b-tree once for page ownership and the live fingerprints (carve_own.c); with
 *      WXF_CARVE_LIVE it reports the live rows;
 *   2. carves the pages that can hold schema records for old sqlite_master records: those naming
 *      dropped tables give signatures too (carve_sig.c);
 *   3. carves every page image once, in discovery order (cv_pass: main pages, WAL frames that
 *      are not the current version of their page, journal records): the free space of each
 *      (carve_page.c) is searched for records (carve_cell.c), and each record found is compared
 *      with the live rows and merged with its duplicates (carve_merge.c);
 *   4. sorts the merged records, folds index entries into their rows and delivers them
 *      (carve_emit.c).
 * On images over 8 MB steps 3 and 4 spill (carve_spill.c) and run on opts->jobs workers
 * (carve_thread.c); the output is the same for any thread count.
 *
 * Invariants: every read goes through bounds checks against the page's usable size; every loop
 * advances (offsets strictly increase, freeblock chains must ascend, overflow chains are bounded
 * by the payload and the page count); memory is the candidate arena plus fixed scratch, and on
 * images over 8 MB one partition's worth (live fingerprints and candidates spill to temporary
 * files by fingerprint, see cv_sp_open): peak memory does not grow with the file.
 */
#include "config.h"
#include "base/wxf_file.h"
#include "carve_int.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- the context */

/* A run's context over db: settings, page owners (not yet walked), schema signatures, scratch
 * and the spill decision.  On failure (out of memory) the context is still safe to ctx_free. */
static int
ctx_init(cx *x, wxf_sqlite_db *db, const wxf_carve_opts *opts, wxf_carve_stats *stats, wxf_err *err)
{
	size_t sz = 0;

	memset(x, 0, sizeof(*x));
	x->pool.master = x;
	x->only_sig = -1;
	x->db = db;
	x->o = opts;
	x->st = stats;
	x->err = err;
	x->src_mask = opts->sources ? opts->sources : WXF_CARVE_DEFAULT;
	x->dbname = opts->db_name ? opts->db_name : "db";
	x->walname = opts->wal_name ? opts->wal_name : "wal";
	x->jname = opts->journal_name ? opts->journal_name : "journal";
	x->U = wxf_sqlite_usable(db);
	x->page_size = wxf_sqlite_page_size(db);
	x->n_pages = wxf_sqlite_n_pages(db);
	x->main_pages = x->n_pages;
	wxf_sqlite_image(db, &sz);
	if (sz / x->page_size > x->main_pages)
		x->main_pages = (uint32_t)(sz / x->page_size);
	x->enc = wxf_sqlite_encoding(db);
	x->ar = wxf_arena_new();
	x->set.car = x->ar;
	cv_sp_open(x, (uint64_t)sz + opts->wal_size + opts->journal_size);
	x->n_owner = (x->main_pages > x->n_pages ? x->main_pages : x->n_pages) + 1;
	x->owner = calloc(x->n_owner, sizeof(uint32_t));
	x->dropped_of = calloc(x->n_owner, sizeof(uint16_t));
	/* a batch never needs more room than the file has pages (a page two trees claim is
	 * visited twice: the batch is then flushed early) */
	x->pool.wb_cap = x->n_owner < WB_CAP ? x->n_owner : WB_CAP;
	x->pool.wb = malloc(x->pool.wb_cap * sizeof(wb_ent));
	if (cv_scratch_alloc(x) != WXF_OK || x->pool.wb == NULL || x->ar == NULL || x->owner == NULL ||
	    x->dropped_of == NULL || cv_build_sigs(x) != WXF_OK)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	return WXF_OK;
}

static void
ctx_free(cx *x)
{
	cv_wk_stop(x);
	if (x->set.car != x->ar)
		wxf_arena_free(&x->set.car);
	wxf_arena_free(&x->ar);
	cv_scratch_free(x);
	free(x->owner);
	free(x->dropped_of);
	free(x->pool.wb);
}

/* The record probe (carve_int.h): a context with the settings, signatures and scratch of a run,
 * without its passes. */
cx *
cv_probe_new(wxf_sqlite_db *db, const wxf_carve_opts *opts, wxf_carve_stats *stats, wxf_err *err)
{
	cx *x = malloc(sizeof(*x));

	if (x == NULL) {
		wxf_err_set(err, WXF_ENOMEM, "out of memory");
		return NULL;
	}
	if (ctx_init(x, db, opts, stats, err) != WXF_OK) {
		ctx_free(x);
		free(x);
		return NULL;
	}
	return x;
}

void
cv_probe_free(cx *x)
{
	if (x == NULL)
		return;
	ctx_free(x);
	free(x);
}

/* ---------------------------------------------------------------- passes */

/* Sequence number of the first candidate of item idx of stage 0 (main), 1 (WAL) or 2 (journal);
 * the low 24 bits count the candidates of one item (a 64 KB page yields fewer than 2^18). */
static uint64_t
cv_seq(unsigned stage, uint64_t idx)
{
	return ((uint64_t)stage << 62) | ((idx & ((1ull << 38) - 1)) << 24);
}

/* Main-file page pgno: its current version (through the WAL overlay) and the main file's older
 * version of a page the WAL replaced.  schema_pass: only pages that can hold schema records. */
static void
carve_main_page(cx *x, uint32_t pgno, int schema_pass)
{
	const wxf_wal *wal = wxf_sqlite_wal(x->db);
	uint32_t own = x->owner[pgno], fr = 0;
	const uint8_t *cur = pgno <= x->n_pages ? wxf_sqlite_page(x->db, pgno, &fr) : NULL;
	const uint8_t *mp = wxf_sqlite_page_main(x->db, pgno);

	if (own == OWN_OVFL || own == OWN_PTRMAP)
		return;
	if (schema_pass && !(own == OWN_NONE || own == OWN_TRUNK || own == OWN_LEAF ||
	    own == (uint32_t)x->master_sig + 1))
		return;
	x->scan.frame = 0;
	if (cur != NULL && own != OWN_NONE && own < OWN_TRUNK) {
		/* live b-tree page */
		x->scan.file = fr ? x->walname : x->dbname;
		x->scan.frame = fr;
		x->scan.page_abs = fr ? wal->frames[fr - 1].offset + 24 : (uint64_t)(pgno - 1) * x->page_size;
		cv_carve_page(x, cur, pgno, 0, WXF_ORIGIN_LIVE, fr ? WXF_ORIGIN_WAL : WXF_ORIGIN_UNALLOCATED);
	} else if (cur != NULL && (own == OWN_TRUNK || own == OWN_LEAF) && (x->src_mask & WXF_CARVE_FREELIST)) {
		x->scan.file = fr ? x->walname : x->dbname;
		x->scan.frame = fr;
		x->scan.page_abs = fr ? wal->frames[fr - 1].offset + 24 : (uint64_t)(pgno - 1) * x->page_size;
		cv_carve_page(x, cur, pgno, 1, fr ? WXF_ORIGIN_WAL : WXF_ORIGIN_FREELIST,
		    fr ? WXF_ORIGIN_WAL : WXF_ORIGIN_FREELIST);
	} else if (own == OWN_NONE && (x->src_mask & WXF_CARVE_UNALLOC) && (cur != NULL || mp != NULL)) {
		x->scan.file = fr ? x->walname : x->dbname;
		x->scan.frame = fr;
		x->scan.page_abs = fr ? wal->frames[fr - 1].offset + 24 : (uint64_t)(pgno - 1) * x->page_size;
		/* a page no tree owns and not on the freelist: SQLite frees pages onto the freelist,
		 * so inside the file such a page is an orphan whose cells may be live rows cut off by
		 * a damaged pointer; its cells count only beyond the db size (slack) or when a dropped
		 * table's old b-tree reaches it.  Its free space is carved either way. */
		int cells = pgno > x->n_pages || (x->dropped_of != NULL && x->dropped_of[pgno] != 0);

		cv_carve_page(x, cur ? cur : mp, pgno, cells, WXF_ORIGIN_UNALLOCATED, WXF_ORIGIN_UNALLOCATED);
	}
	if (fr != 0 && mp != NULL && (x->src_mask & WXF_CARVE_WAL)) {
		/* the main file's older version of a page the WAL replaced */
		x->scan.file = x->dbname;
		x->scan.frame = 0;
		x->scan.page_abs = (uint64_t)(pgno - 1) * x->page_size;
		cv_carve_page(x, mp, pgno, 1, WXF_ORIGIN_LIVE, WXF_ORIGIN_UNALLOCATED);
	}
}

/* Item i of pass p. */
void
cv_carve_item(cx *x, const cv_pass *p, uint64_t i)
{
	if (i < p->n_main) {
		x->scan.seq = cv_seq(0, i + 1);
		carve_main_page(x, (uint32_t)(i + 1), p->schema_pass);
	} else if (i < p->n_main + p->n_wal) {
		const wxf_wal *wal = wxf_sqlite_wal(x->db);
		size_t k = (size_t)(i - p->n_main);
		const wxf_wal_frame *f = &wal->frames[k];
		uint32_t fr = 0;

		/* WAL frames that are not the current version of their page */
		if (f->state == WXF_WAL_INVALID || f->pgno == 0)
			return;
		if (wxf_sqlite_page(x->db, f->pgno, &fr) != NULL && fr == k + 1)
			return;
		x->scan.seq = cv_seq(1, k);
		x->scan.file = x->walname;
		x->scan.frame = (uint32_t)k + 1;
		x->scan.page_abs = f->offset + 24;
		cv_carve_page(x, f->page, f->pgno, 1, WXF_ORIGIN_WAL, WXF_ORIGIN_WAL);
	} else {
		size_t k = (size_t)(i - p->n_main - p->n_wal);

		/* journal page records */
		x->scan.seq = cv_seq(2, k);
		x->scan.file = x->jname;
		x->scan.frame = (uint32_t)k + 1;
		x->scan.page_abs = p->jn->recs[k].offset;
		cv_carve_page(x, p->jn->recs[k].page, p->jn->recs[k].pgno, 1, WXF_ORIGIN_JOURNAL, WXF_ORIGIN_JOURNAL);
	}
}

/* Parses the journal once, before the main pass; a damaged one is a soft error. */
static void
journal_open(cx *x, wxf_journal **jnp, int *soft)
{
	wxf_err e2;

	if (x->o->journal == NULL || !(x->src_mask & WXF_CARVE_JOURNAL) || *jnp != NULL)
		return;
	wxf_err_clear(&e2);
	if (wxf_journal_parse(jnp, x->o->journal, x->o->journal_size, x->page_size, &e2) != WXF_OK) {
		if (e2.code == WXF_ENOMEM) {
			wxf_journal_free(jnp);
			x->oom = 1;     /* not "a damaged journal" */
			return;
		}
		if (*jnp != NULL) {
			wxf_journal_free(jnp); /* partly parsed: not carved */
			return;
		}
		*soft = WXF_ECORRUPT;
		if (x->err != NULL && x->err->code == WXF_OK)
			*x->err = e2;
	}
}

static void
pass_init(cx *x, cv_pass *p, const wxf_journal *jn, int schema_pass)
{
	const wxf_wal *wal = wxf_sqlite_wal(x->db);

	memset(p, 0, sizeof(*p));
	p->jn = jn;
	p->schema_pass = schema_pass;
	p->n_main = x->n_owner > 0 ? x->n_owner - 1 : 0;
	if (wal != NULL && (x->src_mask & WXF_CARVE_WAL) && !schema_pass)
		p->n_wal = wal->n_frames;
	if (jn != NULL && jn->page_size == x->page_size && (x->src_mask & WXF_CARVE_JOURNAL) && !schema_pass)
		p->n_jrn = jn->n_recs;
	p->n = p->n_main + p->n_wal + p->n_jrn;
	/* about 8 chunks per worker (load balance), at most 64 pages (scheduling cost is nil) */
	p->chunk = p->n / (8 * (uint64_t)(x->pool.n_wk > 0 ? x->pool.n_wk : 1));
	if (p->chunk < 1)
		p->chunk = 1;
	if (p->chunk > 64)
		p->chunk = 64;
	atomic_init(&p->next, 0);
}

/* Runs every source once in this context (single-threaded). */
static void
carve_sources(cx *x, const wxf_journal *jn, int schema_pass)
{
	cv_pass p;
	uint64_t i;

	pass_init(x, &p, jn, schema_pass);
	for (i = 0; i < p.n && !x->oom; i++)
		cv_carve_item(x, &p, i);
}

/* ---------------------------------------------------------------- driver */

int
wxf_carve_run(wxf_sqlite_db *db, const wxf_carve_opts *opts, wxf_carve_cb cb, void *arg, wxf_err *err)
{
	return wxf_carve_run_stats(db, opts, cb, arg, NULL, err);
}

int
wxf_carve_run_stats(wxf_sqlite_db *db, const wxf_carve_opts *opts, wxf_carve_cb cb, void *arg,
    wxf_carve_stats *stats, wxf_err *err)
{
	cx x;
	wxf_carve_stats st0;
	wxf_carve_opts o0;
	wxf_journal *jn = NULL;
	int rc = WXF_OK, i, e, soft = WXF_OK;

	memset(&o0, 0, sizeof(o0));
	if (opts == NULL)
		opts = &o0;
	if (stats == NULL)
		stats = &st0;
	memset(stats, 0, sizeof(*stats));
	if (opts->wal != NULL && wxf_sqlite_wal(db) == NULL) {
		wxf_err e2;

		wxf_err_clear(&e2);
		if (wxf_sqlite_attach_wal(db, opts->wal, opts->wal_size, &e2) != WXF_OK) {
			if (e2.code == WXF_ENOMEM) {
				if (err != NULL)
					*err = e2;
				return WXF_ENOMEM;  /* not "a damaged WAL, carved without it" */
			}
			soft = WXF_ECORRUPT;
			if (err != NULL && err->code == WXF_OK)
				*err = e2;
		}
	}
	if ((rc = ctx_init(&x, db, opts, stats, err)) != WXF_OK)
		goto out;
	if (x.sp.n_part > 1)
		cv_wk_start(&x);
	cv_own_walk(&x);
	if (x.oom)
		goto oom;
	if ((x.src_mask & WXF_CARVE_LIVE) && cb != NULL && (rc = cv_live_emit(&x, cb, arg)) != 0) {
		if (rc == WXF_ENOMEM)
			goto oom;
		goto out;
	}
	/* schema remnants first: old sqlite_master records name dropped tables */
	if (x.master_sig >= 0) {
		x.only_sig = x.master_sig;
		carve_sources(&x, NULL, 1);
		x.only_sig = -1;
		if (!x.oom && cv_add_dropped(&x) != WXF_OK)
			x.oom = 1;
		for (i = 0; i < (int)x.pool.n_wk; i++) {
			/* dropped tables' signatures were added (in a larger array) */
			x.pool.wk[i].sigs = x.sigs;
			x.pool.wk[i].n_sigs = x.n_sigs;
			x.pool.wk[i].n_dropped = x.n_dropped;
		}
		x.set.n_c = 0;
		if (x.set.ht != NULL)
			memset(x.set.ht, 0, x.set.ht_cap * sizeof(*x.set.ht));
		memset(stats->per_origin, 0, sizeof(stats->per_origin));
		stats->candidates = stats->live_copies = stats->pages_scanned = stats->bytes_scanned = 0;
	}
	if (!x.oom)
		journal_open(&x, &jn, &soft);
	if (x.oom)
		goto oom;
	if (x.sp.n_part == 1) {
		/* in memory, single-threaded */
		carve_sources(&x, jn, 0);
		if (x.oom)
			goto oom;
		if (cb != NULL)
			rc = cv_emit(&x, cb, arg);
	} else {
		/* spilling, on n_wk workers: carve, merge the fingerprint partitions, emit */
		cv_pass pass;
		unsigned j;

		x.set.car = NULL; /* candidates now live in per-partition arenas */
		x.sp.on = 1;
		pass_init(&x, &pass, jn, 0);
		x.pool.pass = &pass;
		for (j = 0; j < x.pool.n_wk; j++)
			x.pool.wk[j].sp.on = 1;
		cv_wk_run(&x, cv_wk_carve);
		for (j = 0; j < x.pool.n_wk; j++) {
			x.pool.wk[j].sp.on = 0;
			if (x.pool.wk[j].oom)
				x.oom = 1;
		}
		x.sp.on = 0;
		if (x.oom)
			goto oom_wk;
		atomic_store(&pass.next, 0);
		cv_wk_run(&x, cv_wk_merge);
		for (j = 0; j < x.pool.n_wk; j++) {
			if (x.pool.wk[j].oom)
				x.oom = 1;
			cv_wk_release(&x.pool.wk[j]); /* memory: one partition's worth per context at a time */
		}
		if (x.oom)
			goto oom_wk;
		rc = cv_sp_emit(&x, cb, arg);
		for (j = 0; j < x.pool.n_wk; j++)
			cv_wk_stats(stats, x.pool.wk[j].st);
		x.pool.pass = NULL;
		if (rc == WXF_ENOMEM || rc == WXF_EIO)
			x.oom = 1;
oom_wk:
		if (x.oom)
			goto oom;
	}
	if (rc == WXF_OK)
		rc = soft;
	goto out;
oom:
	/* a spill write that failed is a full (or unwritable) temporary folder, not memory */
	if ((e = cv_sp_io_errno(&x)) != 0)
		rc = wxf_err_set(err, WXF_EIO, "temporary folder %s full or not writable: the "
		    "carver's spill file could not be written (%s); free space there or set TMPDIR",
		    wxf_tmpdir(), strerror(e));
	else
		rc = wxf_err_set(err, WXF_ENOMEM, "out of memory while carving");
out:
	wxf_journal_free(&jn);
	ctx_free(&x);
	return rc;
}

void
wxf_carved_prov(const wxf_carved *cv, const char *file, const char *image, wxf_prov *p)
{
	memset(p, 0, sizeof(*p));
	p->origin = cv->origin;
	p->status = cv->status;
	p->confidence = cv->confidence;
	/* the cited bytes are the primary source's: an index entry's when no copy of the record
	 * survives, and then the provenance names that index */
	p->table = cv->n_sources > 0 && cv->sources[0].index != NULL ? cv->sources[0].index->name :
	    cv->row.table != NULL ? cv->row.table->name : NULL;
	p->rowid = cv->row.rowid;
	p->pgno = cv->pgno;
	p->frame = cv->frame;
	p->offset = cv->offset;
	p->length = cv->length;
	p->file = file;
	p->image = image;
}
