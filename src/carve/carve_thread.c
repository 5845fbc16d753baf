/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The per-context scratch, and the workers of a spilling run: opts->jobs threads (one per online
 * processor by default, at most SP_MAXW), each a copy of the master context with its own scratch,
 * counters, candidate table and streams.  They take chunks of a pass's pages in increasing order
 * (cv_wk_carve), then fingerprint partitions to merge (cv_wk_merge); worker 0 runs in the calling
 * thread.
 */
#include "config.h"
#include "carve_int.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The per-context scratch (page mask, freeblock extents, anchor memo, decoded values). */
int
cv_scratch_alloc(cx *x)
{
	x->scan.mask = malloc(65536 + 16);
	x->scan.fb = malloc(sizeof(uint32_t) * (x->U / 4 + 2));
	x->scan.fbe = malloc(sizeof(uint32_t) * (x->U / 4 + 2));
	x->scan.anc_gen = calloc(x->U + 1, sizeof(uint32_t));
	x->scan.anc_val = malloc(x->U + 1);
	x->vals = calloc(2 * CV_MAXCOLS + 2, sizeof(wxf_sqlval));
	return x->scan.mask == NULL || x->scan.fb == NULL || x->scan.fbe == NULL || x->scan.anc_gen == NULL ||
	    x->scan.anc_val == NULL || x->vals == NULL ? WXF_ENOMEM : WXF_OK;
}

/* Frees the scratch and the candidate table, live set and encoding buffer of a context. */
void
cv_scratch_free(cx *x)
{
	free(x->scan.mask);
	free(x->scan.fb);
	free(x->scan.fbe);
	free(x->scan.anc_gen);
	free(x->scan.anc_val);
	free(x->vals);
	free(x->set.live_fp);
	free(x->set.c);
	free(x->set.ht);
	free(x->sp.buf);
	wxf_sqlite_scratch_free(&x->s);
	wxf_sqlite_scratch_free(&x->s2);
}

/* A worker context: the master's settings and shared read-only tables (schema signatures, page
 * owners, the database), its own scratch, counters, candidate table and streams. */
static int
wk_init(cx *w, cx *m)
{
	*w = *m;
	memset(&w->pool.wst, 0, sizeof(w->pool.wst));
	w->st = &w->pool.wst;
	w->pool.master = m;
	w->pool.wk = NULL;
	w->pool.n_wk = 0;
	w->ar = NULL;
	w->set.car = NULL;
	w->set.c = NULL;
	w->set.n_c = w->set.cap_c = 0;
	w->set.ht = NULL;
	w->set.ht_cap = 0;
	w->set.live_fp = NULL;
	w->set.n_live = w->set.cap_live = 0;
	memset(&w->s, 0, sizeof(w->s));
	memset(&w->s2, 0, sizeof(w->s2));
	w->sp.take = w->sp.cand = w->sp.live = NULL;
	memset(&w->sp.store, 0, sizeof(w->sp.store));
	w->pool.wb = NULL;
	w->pool.wb_n = 0;
	w->sp.buf = NULL;
	w->sp.buf_cap = 0;
	w->sp.heads = NULL;
	w->oom = 0;
	w->scan.gen = 0;
	if (cv_scratch_alloc(w) != WXF_OK || cv_sp_worker_init(&w->sp, m->pool.n_wk) != WXF_OK)
		return WXF_ENOMEM;
	return WXF_OK;
}

static void
wk_free(cx *w, unsigned n_wk)
{
	cv_sp_worker_free(&w->sp, n_wk);
	if (w->set.car != NULL)
		wxf_arena_free(&w->set.car);
	cv_scratch_free(w);
}

/* Worker count: opts->jobs, or one per online processor; at most SP_MAXW (each worker has one
 * temporary file). */
static unsigned
carve_workers(const cx *x)
{
	long n = x->o->jobs > 0 ? x->o->jobs : sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		n = 1;
	if (n > SP_MAXW)
		n = SP_MAXW;
	return (unsigned)n;
}

/* Starts the workers of a spilling run (their streams and scratch) and the walk batch; where
 * that fails, the run falls back to memory (one partition, single-threaded). */
void
cv_wk_start(cx *m)
{
	unsigned n = carve_workers(m), j;

	m->pool.wk = calloc(n, sizeof(cx));
	if (m->pool.wk != NULL) {
		m->pool.n_wk = n;
		for (j = 0; j < n; j++)
			if (wk_init(&m->pool.wk[j], m) != WXF_OK) {
				m->pool.n_wk = j + 1;
				break;
			}
		if (j == n)
			return;
	}
	cv_wk_stop(m);
	m->sp.n_part = 1;
	m->sp.part_shift = 0;
}

void
cv_wk_stop(cx *m)
{
	unsigned j;

	for (j = 0; j < m->pool.n_wk; j++)
		wk_free(&m->pool.wk[j], m->pool.n_wk);
	free(m->pool.wk);
	m->pool.wk = NULL;
	m->pool.n_wk = 0;
}

/* Frees a worker's merge state (its last partition's candidates and live set). */
void
cv_wk_release(cx *w)
{
	if (w->set.car != NULL)
		wxf_arena_free(&w->set.car);
	w->set.car = NULL;
	free(w->set.c);
	free(w->set.ht);
	free(w->set.live_fp);
	w->set.c = NULL;
	w->set.ht = NULL;
	w->set.live_fp = NULL;
	w->set.n_c = w->set.cap_c = w->set.ht_cap = 0;
	w->set.n_live = w->set.cap_live = 0;
}

/* Adds a worker's counters to the master's. */
void
cv_wk_stats(wxf_carve_stats *d, const wxf_carve_stats *s)
{
	int k;

	d->pages_scanned += s->pages_scanned;
	d->bytes_scanned += s->bytes_scanned;
	d->candidates += s->candidates;
	d->reported += s->reported;
	d->live_copies += s->live_copies;
	d->unreferenced += s->unreferenced;
	for (k = 0; k < WXF_ORIGIN_N; k++)
		d->per_origin[k] += s->per_origin[k];
	for (k = 0; k < WXF_STATUS_N; k++)
		d->per_status[k] += s->per_status[k];
}

/* Runs fn on every worker: worker 0 in the calling thread, the others in threads of their own
 * (where a thread cannot be made, the calling thread runs that worker after its own). */
void
cv_wk_run(cx *m, void *(*fn)(void *))
{
	pthread_t th[SP_MAXW];
	int started[SP_MAXW];
	unsigned j;

	for (j = 1; j < m->pool.n_wk; j++)
		started[j] = pthread_create(&th[j], NULL, fn, &m->pool.wk[j]) == 0;
	fn(&m->pool.wk[0]);
	for (j = 1; j < m->pool.n_wk; j++) {
		if (started[j])
			pthread_join(th[j], NULL);
		else
			fn(&m->pool.wk[j]);
	}
}

/* Worker: carves chunks of the pass until none is left. */
void *
cv_wk_carve(void *arg)
{
	cx *x = arg;
	cv_pass *p = x->pool.master->pool.pass;

	for (;;) {
		uint64_t a = atomic_fetch_add(&p->next, p->chunk), i;

		if (a >= p->n || x->oom)
			break;
		for (i = a; i < p->n && i < a + p->chunk && !x->oom; i++)
			cv_carve_item(x, p, i);
	}
	return NULL;
}

/* Worker: merges fingerprint partitions until none is left. */
void *
cv_wk_merge(void *arg)
{
	cx *x = arg;
	cv_pass *p = x->pool.master->pool.pass;

	for (;;) {
		uint64_t q = atomic_fetch_add(&p->next, 1);

		if (q >= x->sp.n_part || x->oom)
			break;
		if (cv_sp_merge_part(x, (unsigned)q) != WXF_OK)
			x->oom = 1;
	}
	return NULL;
}
