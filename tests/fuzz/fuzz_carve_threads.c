/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Differential fuzz target: a database image carved in memory (one thread) and carved with
 * spilled partitions on three threads (the mode of images over 8 MB, forced small through
 * WXF_CARVE_PART_KB) must give the same records.  Every record, live rows and schema remnants
 * included, is reduced to a 64-bit digest of all its fields and values; the sorted digests of
 * both runs must be equal, else the target aborts (a crash for libFuzzer and the replay test).
 */
#include "config.h"
#include "sqlite/sqlite.h"
#include "carve/carve.h"

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef SMALL_IMAGE_TARGET
#include "fuzz/small_image.h"
#endif
#ifndef SPILL_JOBS
#define SPILL_JOBS 3    /* workers of the spilled run (threads; the cheap variant may use one) */
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct digests {
	uint64_t *d;
	size_t n, cap;
} digests;

static uint64_t
mix(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL; /* FNV-1a */
	}
	return h;
}

static uint64_t
mix_u64(uint64_t h, uint64_t v)
{
	return mix(h, &v, sizeof(v));
}

static int
record(void *arg, const wxf_carved *c)
{
	digests *ds = arg;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t k;
	int i;

	h = mix(h, c->row.table ? c->row.table->name : "", c->row.table ? strlen(c->row.table->name) : 0);
	h = mix(h, c->index ? c->index->name : "-", c->index ? strlen(c->index->name) : 1);
	h = mix_u64(h, (uint64_t)c->row.rowid);
	h = mix_u64(h, (uint64_t)c->status);
	h = mix_u64(h, (uint64_t)c->origin);
	h = mix_u64(h, (uint64_t)c->confidence);
	h = mix_u64(h, (uint64_t)c->schema_remnant);
	h = mix_u64(h, (uint64_t)c->row.truncated);
	for (k = 0; k < c->n_sources; k++) {
		const wxf_carve_src *s = &c->sources[k];

		h = mix_u64(h, (uint64_t)s->origin ^ (uint64_t)s->confidence << 8 ^ (uint64_t)s->pgno << 16);
		h = mix_u64(h, s->offset ^ (uint64_t)s->length << 40 ^ (uint64_t)s->frame << 20);
		h = mix(h, s->file, strlen(s->file));
	}
	h = mix_u64(h, (uint64_t)c->row.n_vals);
	for (i = 0; i < c->row.n_vals; i++) {
		const wxf_sqlval *v = &c->row.vals[i];

		h = mix_u64(h, (uint64_t)c->known[i] << 8 | (uint64_t)v->type);
		if (v->type == WXF_SQL_INT)
			h = mix_u64(h, (uint64_t)v->i);
		else if (v->type == WXF_SQL_FLOAT)
			h = mix(h, &v->f, sizeof(v->f));
		else if (v->type == WXF_SQL_TEXT || v->type == WXF_SQL_BLOB)
			h = mix(mix_u64(h, v->n), v->p, v->n);
	}
	for (i = 0; i < c->n_keys; i++)
		h = mix_u64(h, (uint64_t)c->keys[i].type ^ (uint64_t)c->keys[i].i);
	if (ds->n == ds->cap) {
		size_t nc = ds->cap ? ds->cap * 2 : 64;
		uint64_t *nd = realloc(ds->d, nc * sizeof(*nd));

		if (nd == NULL)
			abort();
		ds->d = nd;
		ds->cap = nc;
	}
	ds->d[ds->n++] = h;
	return 0;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Carves data; spill: forced partitions on SPILL_JOBS workers.  Returns the run's status. */
static int
run(const uint8_t *data, size_t size, int spill, digests *ds)
{
	wxf_sqlite_db *db = NULL;
	wxf_carve_opts o;
	wxf_err err;
	int rc;

	wxf_err_clear(&err);
	if (wxf_sqlite_open(&db, data, size, &err) != WXF_OK)
		return -1;
	memset(&o, 0, sizeof(o));
	o.sources = WXF_CARVE_DEFAULT | WXF_CARVE_LIVE | WXF_CARVE_SCHEMA;
	o.jobs = SPILL_JOBS;
	if (spill)
		setenv("WXF_CARVE_PART_KB", "1", 1);
	rc = wxf_carve_run(db, &o, record, ds, &err);
	if (spill)
		unsetenv("WXF_CARVE_PART_KB");
	wxf_sqlite_close(&db);
	if (ds->n > 1)
		qsort(ds->d, ds->n, sizeof(*ds->d), cmp_u64);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	digests a = { NULL, 0, 0 }, b = { NULL, 0, 0 };
	int ra, rb;
#ifdef SMALL_IMAGE_TARGET
	static uint8_t img[SMALL_PAGE * SMALL_MAX_PAGES];

	if ((size = small_image(data, size, img)) == 0)
		return 0;
	data = img;
#endif

	if (size > 1 << 16)
		return 0;
	ra = run(data, size, 0, &a);
	if (ra != -1) {
		rb = run(data, size, 1, &b);
		if (rb != ra || a.n != b.n || (a.n > 0 && memcmp(a.d, b.d, a.n * sizeof(*a.d)) != 0)) {
			fprintf(stderr, "carve_threads: in memory %d records (rc %d), spilled on %d worker(s) %zu (rc %d)\n",
			    (int)a.n, ra, SPILL_JOBS, b.n, rb);
			abort();
		}
	}
	free(a.d);
	free(b.d);
	return 0;
}
