/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Key search in a process memory dump (raw bytes or a Windows minidump).
 *
 * Pass 0, WCDB key strings: WCDB keeps each open database's key as the text
 * x'<64 hex derived key><32 hex salt>' (corrections-2026-12.md B).  Strings whose salt is the
 * database's first 16 bytes are verified on page 1 (MAC key = 2-round PBKDF2 of the key); no
 * full KDF is run.  The dump is read as bytes, so a string split across two memory ranges of a
 * minidump is not seen (the derived-key pass still finds the key if SQLCipher's context holds
 * it).
 *
 * Pass 1, derived keys: SQLCipher keeps the derived AES key of every open database in its
 * cipher context, so every 8-byte-aligned 32-byte window is tried as that key.  A window is
 * first tested by decrypting only the first header block of page 1 (one AES block per page
 * layout); survivors are confirmed by the page-1 HMAC (MAC key = 2-round PBKDF2 of the window),
 * or for HMAC-less profiles by the whole decrypted header.  Threads split the dump; the hit
 * with the lowest offset wins (deterministic).
 *
 * Pass 2, raw keys: windows referenced by a pointer stored next to a 64-bit length of 32
 * (the {ptr, len=32} pattern WeChat 3.x/4.x key holders show, wechat-desktop.md §1.5, §2.4)
 * and passing an entropy filter (>= 24 distinct byte values, <= 4 zero bytes) go through the
 * profile's full KDF.  Pointers are resolved through the minidump memory lists, or for raw
 * dumps as file offset = pointer - base (--base).
 *
 * Minidump (MINIDUMP_HEADER, little-endian):
 *   0 4 "MDMP" | 4 4 version | 8 4 number of streams | 12 4 stream directory RVA
 *   directory entry: type(4) size(4) rva(4); type 5 MemoryList: n(4) { va(8) size(4) rva(4) };
 *   type 9 Memory64List: n(8) base_rva(8) { va(8) size(8) } (data back to back from base_rva).
 */
#include "config.h"
#include "decrypt/decrypt_int.h"
#include "base/wxf_cur.h"
#include "base/wxf_file.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PROF 16
#define MAX_THREADS 64

struct range { uint64_t va, off, size; };

struct ms {
	const uint8_t *dump;
	size_t size;
	const uint8_t *page1;
	const wxf_profile *prof[MAX_PROF];
	size_t n_prof;
	atomic_uint_fast64_t best;      /* lowest hit offset */
	atomic_uint_fast64_t windows;
	atomic_uint_fast64_t progress;
	const wxf_profile *best_prof;
	unsigned step;                  /* 8; 4 in minidumps (memory data need not be 8-aligned) */
	pthread_mutex_t mu;
	/* pass 2 */
	uint64_t *cands;
	size_t n_cands;
	atomic_size_t next_cand;
	atomic_int oom;                 /* a candidate could not be tried (try_enc) */
};

struct marg {
	struct ms *m;
	uint64_t from, to;
};

/* 1 if enc opens page 1; 0 if not; a candidate that could not be tried for want of memory
 * sets m->oom (the search then fails with WXF_ENOMEM, found or not). */
static int
try_enc(struct ms *m, const wxf_profile *p, const uint8_t *page1, const uint8_t enc[32])
{
	int ok = wxf_codec_try(p, page1, enc);

	if (ok < 0) {
		atomic_store(&m->oom, 1);
		return 0;
	}
	return ok;
}

static void
record_hit(struct ms *m, uint64_t off, const wxf_profile *p)
{
	pthread_mutex_lock(&m->mu);
	if (off < atomic_load(&m->best)) {
		atomic_store(&m->best, off);
		m->best_prof = p;
	}
	pthread_mutex_unlock(&m->mu);
}

static void *
derived_worker(void *arg)
{
	struct marg *a = arg;
	struct ms *m = a->m;
	EVP_CIPHER_CTX *cx = EVP_CIPHER_CTX_new();
	uint64_t off, n = 0;

	if (cx == NULL)
		return NULL;
	for (off = a->from; off < a->to && off + 32 <= m->size; off += m->step) {
		const uint8_t *w = m->dump + off;
		size_t i, j;

		if (off > atomic_load(&m->best))
			break;
		n++;
		if ((n & 0xffff) == 0) {
			atomic_fetch_add(&m->windows, 0x10000);
			atomic_fetch_add(&m->progress, 0x10000 * 8);
		}
		if (memcmp(w, w + 8, 8) == 0 && memcmp(w + 8, w + 16, 16) == 0)
			continue; /* repeated pattern (zeros, fill): not a key */
		for (i = 0; i < m->n_prof; i++) {
			const wxf_profile *p = m->prof[i];
			int dup = 0;

			for (j = 0; j < i; j++)
				if (m->prof[j]->page_size == p->page_size && m->prof[j]->reserve == p->reserve)
					dup = 1;
			if (dup || !wxf_header_block_ok(cx, w, m->page1, p->page_size, p->reserve))
				continue;
			for (j = i; j < m->n_prof; j++) {
				const wxf_profile *q = m->prof[j];

				if (q->page_size == p->page_size && q->reserve == p->reserve &&
				    try_enc(m, q, m->page1, w)) {
					record_hit(m, off, q);
					goto done;
				}
			}
		}
	}
done:
	atomic_fetch_add(&m->windows, n & 0xffff);
	EVP_CIPHER_CTX_free(cx);
	return NULL;
}

static void *
raw_worker(void *arg)
{
	struct marg *a = arg;
	struct ms *m = a->m;

	for (;;) {
		size_t i = atomic_fetch_add(&m->next_cand, 1), j, l;
		struct { wxf_kdf_alg alg; uint32_t iter; uint8_t enc[32]; } cache[MAX_PROF];
		size_t n_cache = 0;
		uint64_t off;
		wxf_key k;

		if (i >= m->n_cands)
			break;
		off = m->cands[i];
		if (off > atomic_load(&m->best))
			continue;
		memset(&k, 0, sizeof(k));
		memcpy(k.bytes, m->dump + off, 32);
		k.len = 32;
		/* one KDF per (algorithm, rounds), shared by the profiles that use it */
		for (j = 0; j < m->n_prof; j++) {
			const wxf_profile *p = m->prof[j];
			uint8_t *enc = NULL;

			if (p->kdf == WXF_KDF_NONE)
				continue;
			for (l = 0; l < n_cache; l++)
				if (cache[l].alg == p->kdf && cache[l].iter == p->kdf_iter)
					enc = cache[l].enc;
			if (enc == NULL) {
				if (wxf_kdf_derive(p, &k, m->page1, cache[n_cache].enc, NULL) != WXF_OK)
					continue;
				cache[n_cache].alg = p->kdf;
				cache[n_cache].iter = p->kdf_iter;
				enc = cache[n_cache++].enc;
			}
			if (try_enc(m, p, m->page1, enc)) {
				record_hit(m, off, p);
				break;
			}
		}
		OPENSSL_cleanse(cache, sizeof(cache));
		OPENSSL_cleanse(&k, sizeof(k));
	}
	return NULL;
}

static uint64_t
le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Appends a memory range; -1 when out of memory (the ranges so far stay). */
static int
range_push(struct range **rg, size_t *cnt, size_t *cap, uint64_t va, uint64_t off, uint64_t size)
{
	if (*cnt == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct range *nr = realloc(*rg, nc * sizeof(**rg));

		if (nr == NULL)
			return -1;
		*rg = nr;
		*cap = nc;
	}
	(*rg)[*cnt].va = va;
	(*rg)[*cnt].off = off;
	(*rg)[*cnt].size = size;
	(*cnt)++;
	return 0;
}

/* Reads the minidump memory lists into *rg; 0 if not a minidump. */
static size_t
minidump_ranges(const uint8_t *d, size_t n, struct range **rg)
{
	wxf_cur c = wxf_cur_make(d, n), dir;
	uint32_t ns, dirva, i;
	size_t cnt = 0, cap = 0;

	*rg = NULL;
	if (n < 32 || memcmp(d, "MDMP", 4) != 0)
		return 0;
	wxf_cur_skip(&c, 8);
	ns = wxf_cur_u32le(&c);
	dirva = wxf_cur_u32le(&c);
	if (c.bad || ns > 4096 || wxf_cur_seek(&c, dirva) != 0 || c.bad)
		return 0;
	dir = wxf_cur_sub(&c, (size_t)ns * 12);
	for (i = 0; i < ns && !dir.bad; i++) {
		uint32_t type = wxf_cur_u32le(&dir), sz = wxf_cur_u32le(&dir), rva = wxf_cur_u32le(&dir);
		wxf_cur s;

		(void)sz;
		if (dir.bad)
			break;
		s = wxf_cur_make(d, n);
		if (wxf_cur_seek(&s, rva) != 0 || s.bad)
			continue;
		if (type == 9) {
			uint64_t nr = wxf_cur_u64le(&s), base = wxf_cur_u64le(&s), k, off = base;

			for (k = 0; k < nr && !s.bad && k < 1000000; k++) {
				uint64_t va = wxf_cur_u64le(&s), size = wxf_cur_u64le(&s);

				if (s.bad)
					break;
				if (off <= n && size <= n - off && range_push(rg, &cnt, &cap, va, off, size) != 0)
					return cnt;
				off += size;
			}
		} else if (type == 5) {
			uint32_t nr = wxf_cur_u32le(&s), k;

			for (k = 0; k < nr && !s.bad && k < 1000000; k++) {
				uint64_t va = wxf_cur_u64le(&s);
				uint32_t size = wxf_cur_u32le(&s), r = wxf_cur_u32le(&s);

				if (s.bad)
					break;
				if (r <= n && size <= n - r && range_push(rg, &cnt, &cap, va, r, size) != 0)
					return cnt;
			}
		}
	}
	return cnt;
}

static int
resolve(const struct range *rg, size_t n_rg, int minidump, uint64_t base, uint64_t size,
    uint64_t ptr, uint64_t *off)
{
	size_t i;

	if (!minidump) {
		if (ptr < base || ptr - base > size || size - (ptr - base) < 32)
			return 0;
		*off = ptr - base;
		return 1;
	}
	for (i = 0; i < n_rg; i++) {
		if (ptr >= rg[i].va && ptr - rg[i].va < rg[i].size && rg[i].size - (ptr - rg[i].va) >= 32) {
			*off = rg[i].off + (ptr - rg[i].va);
			return 1;
		}
	}
	return 0;
}

static int
high_entropy(const uint8_t *w)
{
	uint8_t seen[256];
	int i, distinct = 0, zeros = 0;

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < 32; i++) {
		if (w[i] == 0)
			zeros++;
		if (!seen[w[i]]) {
			seen[w[i]] = 1;
			distinct++;
		}
	}
	return distinct >= 24 && zeros <= 4;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
run_threads(void *(*fn)(void *), struct ms *m, unsigned jobs, uint64_t total, wxf_log *log,
    const char *label)
{
	pthread_t th[MAX_THREADS];
	struct marg a[MAX_THREADS];
	unsigned t, started = 0;
	uint64_t per = (total / jobs + 7) & ~(uint64_t)7; /* multiple of 8 (and of 4) */

	for (t = 0; t < jobs; t++) {
		a[t].m = m;
		a[t].from = per * t;
		a[t].to = t + 1 == jobs ? total : per * (t + 1);
		if (pthread_create(&th[t], NULL, fn, &a[t]) != 0)
			break;
		started++;
	}
	if (started == 0) {
		a[0].m = m;
		a[0].from = 0;
		a[0].to = total;
		fn(&a[0]);
		return;
	}
	(void)log;
	(void)label;
	for (t = 0; t < started; t++)
		pthread_join(th[t], NULL);
}

/* ------------------------------------------------------------------ WCDB key strings */

static int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 1 and the 48 bytes when p[0..99) is x'<96 hex digits>'. */
static int
keystr_at(const uint8_t *p, uint8_t out[48])
{
	size_t i;

	if ((p[0] != 'x' && p[0] != 'X') || p[1] != '\'' || p[98] != '\'')
		return 0;
	for (i = 0; i < 48; i++) {
		int h = hexval(p[2 + 2 * i]), l = hexval(p[3 + 2 * i]);

		if (h < 0 || l < 0)
			return 0;
		out[i] = (uint8_t)(h << 4 | l);
	}
	return 1;
}

int
wxf_wcdb_keystr_scan(const uint8_t *dump, size_t n, wxf_wcdb_keystr **v, size_t *nv,
    wxf_err *err)
{
	const uint8_t *p = dump, *end = dump + n;
	size_t cap = 0, i;
	uint8_t b[48];

	*v = NULL;
	*nv = 0;
	if (dump == NULL || n < 99)
		return WXF_OK;
	/* every x' ... ' of the right length: find the quote after the x */
	while (p + 99 <= end && (p = memchr(p, '\'', (size_t)(end - p) - 97)) != NULL) {
		const uint8_t *s = p - 1;

		if (p == dump || !keystr_at(s, b)) {
			p++;
			continue;
		}
		for (i = 0; i < *nv; i++)
			if (memcmp((*v)[i].key, b, 32) == 0 && memcmp((*v)[i].salt, b + 32, 16) == 0)
				break;
		if (i == *nv) {
			if (*nv == cap) {
				size_t nc = cap ? cap * 2 : 16;
				wxf_wcdb_keystr *nvp = realloc(*v, nc * sizeof(**v));

				if (nvp == NULL) {
					OPENSSL_cleanse(b, sizeof(b));
					return wxf_err_set(err, WXF_ENOMEM, "out of memory");
				}
				*v = nvp;
				cap = nc;
			}
			memcpy((*v)[*nv].key, b, 32);
			memcpy((*v)[*nv].salt, b + 32, 16);
			(*v)[*nv].offset = (uint64_t)(s - dump);
			(*nv)++;
		}
		p += 98;
	}
	OPENSSL_cleanse(b, sizeof(b));
	return WXF_OK;
}

/* Pass 0: the first WCDB key string with the database's salt that opens page 1. */
static int
wcdb_pass(struct ms *m, wxf_memsearch_result *r, wxf_err *err)
{
	wxf_wcdb_keystr *v = NULL;
	size_t nv = 0, i, j;
	int rc;

	if ((rc = wxf_wcdb_keystr_scan(m->dump, m->size, &v, &nv, err)) != WXF_OK)
		return rc;
	r->wcdb_strings = nv;
	for (i = 0; i < nv; i++) {
		if (memcmp(v[i].salt, m->page1, 16) != 0)
			continue;
		for (j = 0; j < m->n_prof; j++)
			if (try_enc(m, m->prof[j], m->page1, v[i].key)) {
				record_hit(m, v[i].offset, m->prof[j]);
				break;
			}
		if (j < m->n_prof)
			break;
	}
	if (v != NULL)
		OPENSSL_cleanse(v, nv * sizeof(*v));
	free(v);
	return WXF_OK;
}

int
wxf_memsearch(const char *dump_path, const char *db_path, const wxf_memsearch_opts *o,
    wxf_memsearch_result *r, wxf_err *err)
{
	wxf_map dm, db;
	struct ms *m;
	struct range *rg = NULL;
	size_t n_rg = 0, i;
	unsigned jobs = o->jobs ? o->jobs : wxf_ncpus();
	double t0 = wxf_now();
	int rc;

	memset(r, 0, sizeof(*r));
	if (jobs > MAX_THREADS)
		jobs = MAX_THREADS;
	if ((rc = wxf_map_open(&db, db_path, err)) != WXF_OK)
		return rc;
	if (db.size < 1024 || memcmp(db.data, "SQLite format 3", 16) == 0) {
		wxf_map_close(&db);
		return wxf_err_setx(err, WXF_ECORRUPT, WXF_SEV_FATAL, __FILE__, __LINE__, 1, 0,
		    "%s: not an encrypted database (too short or plaintext)", db_path);
	}
	if ((rc = wxf_map_open(&dm, dump_path, err)) != WXF_OK) {
		wxf_map_close(&db);
		return rc;
	}
	m = calloc(1, sizeof(*m));
	if (m == NULL) {
		rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
		goto out;
	}
	m->dump = dm.data;
	m->size = dm.size;
	m->page1 = db.data;
	atomic_store(&m->best, UINT64_MAX);
	pthread_mutex_init(&m->mu, NULL);
	for (i = 0; i < wxf_profile_count() && m->n_prof < MAX_PROF; i++) {
		const wxf_profile *p = wxf_profile_at(i);

		if (o->profile != NULL ? strcmp(o->profile, p->name) != 0 :
		    (db.size % p->page_size != 0 || db.size < p->page_size))
			continue;
		if (db.size < p->page_size)
			continue;
		m->prof[m->n_prof++] = p;
	}
	if (m->n_prof == 0) {
		rc = wxf_err_set(err, o->profile ? WXF_EUSAGE : WXF_EKEY, "%s: no profile fits",
		    o->profile ? o->profile : db_path);
		goto out_m;
	}
	m->step = dm.size >= 4 && memcmp(dm.data, "MDMP", 4) == 0 ? 4 : 8;
	/* pass 0 */
	if (!o->no_wcdb && (rc = wcdb_pass(m, r, err)) != WXF_OK)
		goto out_m;
	if (atomic_load(&m->best) != UINT64_MAX) {
		r->key.form = WXF_KEY_RAW;
		snprintf(r->key.dump_kind, sizeof(r->key.dump_kind), "wcdb");
	} else {
		/* pass 1 */
		run_threads(derived_worker, m, jobs, dm.size, o->log, "derived keys");
		/* the count a scan in file order makes: the workers stop at times of their own once
		 * one found the key, and a count that varies with them would make the bundle do so */
		r->windows = atomic_load(&m->best) != UINT64_MAX ?
		    atomic_load(&m->best) / m->step + 1 : atomic_load(&m->windows);
	}
	if (r->key.form == WXF_KEY_RAW) {
		/* found by pass 0 */
	} else if (atomic_load(&m->best) != UINT64_MAX) {
		r->key.form = WXF_KEY_RAW;
		snprintf(r->key.dump_kind, sizeof(r->key.dump_kind), "derived");
	} else if (!o->no_raw) {
		/* pass 2 */
		size_t cap = 0, q;
		unsigned max_raw = o->max_raw ? o->max_raw : 4096;

		n_rg = minidump_ranges(dm.data, dm.size, &rg);
		r->minidump = dm.size >= 4 && memcmp(dm.data, "MDMP", 4) == 0;
		{
			/* qwords aligned in the address space: per memory range in a minidump */
			struct range whole = { o->base, 0, dm.size };
			const struct range *scan = r->minidump ? rg : &whole;
			size_t n_scan = r->minidump ? n_rg : 1, ri;

			for (ri = 0; ri < n_scan; ri++) {
				uint64_t first = scan[ri].off + ((8 - scan[ri].va % 8) % 8);

				for (q = first + 8; q + 8 <= scan[ri].off + scan[ri].size; q += 8) {
					uint64_t off;

					if (le64(dm.data + q) != 32)
						continue;
					if (!resolve(rg, n_rg, r->minidump, o->base, dm.size,
					    le64(dm.data + q - 8), &off))
						continue;
					if (off + 32 > dm.size || !high_entropy(dm.data + off))
						continue;
					if (m->n_cands == cap) {
						uint64_t *nc;

						cap = cap ? cap * 2 : 256;
						nc = realloc(m->cands, cap * sizeof(*nc));
						if (nc == NULL) {
							rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
							goto out_m;
						}
						m->cands = nc;
					}
					m->cands[m->n_cands++] = off;
				}
			}
		}
		if (m->n_cands > 1) {
			size_t u = 1;

			qsort(m->cands, m->n_cands, sizeof(uint64_t), cmp_u64);
			for (q = 1; q < m->n_cands; q++)
				if (m->cands[q] != m->cands[u - 1])
					m->cands[u++] = m->cands[q];
			m->n_cands = u;
		}
		if (m->n_cands > max_raw) {
			if (o->log)
				wxf_log_warn(o->log, "%zu raw-key candidates, only the first %u tried "
				    "(--max-raw)", m->n_cands, max_raw);
			m->n_cands = max_raw;
		}
		r->raw_candidates = m->n_cands;
		run_threads(raw_worker, m, jobs, 0, o->log, "raw keys");
		if (atomic_load(&m->best) != UINT64_MAX) {
			r->key.form = WXF_KEY_PASSPHRASE;
			snprintf(r->key.dump_kind, sizeof(r->key.dump_kind), "raw");
		}
	}
	r->minidump = dm.size >= 4 && memcmp(dm.data, "MDMP", 4) == 0;
	if (atomic_load(&m->best) != UINT64_MAX) {
		uint64_t off = atomic_load(&m->best);

		r->found = 1;
		r->profile = m->best_prof;
		memcpy(r->key.bytes, dm.data + off, 32);
		r->key.len = 32;
		r->key.source = WXF_KEYSRC_MEMDUMP;
		r->key.dump_offset = off;
		if (strcmp(r->key.dump_kind, "wcdb") == 0) {
			uint8_t b[48];

			/* the key is the text's first 32 bytes, not the bytes at the offset */
			if (keystr_at(dm.data + off, b))
				memcpy(r->key.bytes, b, 32);
			OPENSSL_cleanse(b, sizeof(b));
		}
		snprintf(r->key.how, sizeof(r->key.how), "found in memory dump %s at file offset %llu "
		    "(0x%llx) as the %s key (%s); page 1 of %s verifies with profile %s",
		    dump_path, (unsigned long long)off, (unsigned long long)off, r->key.dump_kind,
		    strcmp(r->key.dump_kind, "wcdb") == 0 ?
		    "WCDB key text x'<key><salt>' whose salt is the database's; already-derived AES key" :
		    strcmp(r->key.dump_kind, "derived") == 0 ?
		    "already-derived AES key, as SQLCipher keeps it in memory" :
		    "passphrase key, run through the profile's KDF",
		    db_path, m->best_prof->name);
	}
	rc = WXF_OK;
	/* found or not: a candidate left untried may have been the first key in file order, and
	 * another run would then name another offset */
	if (atomic_load(&m->oom)) {
		rc = wxf_err_set(err, WXF_ENOMEM, "memory-dump search: out of memory (a candidate "
		    "could not be tried; the search is not complete)");
		wxf_key_clear(&r->key);
		r->found = 0;
	}
out_m:
	pthread_mutex_destroy(&m->mu);
	free(m->cands);
	free(m);
out:
	free(rg);
	r->seconds = wxf_now() - t0;
	wxf_map_close(&dm);
	wxf_map_close(&db);
	return rc;
}
