/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Exhaustive search of the Android passphrase space (7 lowercase hex digits, 16^7 = 268 435 456
 * candidates) when the device id is unknown.  Each candidate costs one PBKDF2-HMAC-SHA1 with
 * 4000 rounds (the KDF dominates); it is then rejected after decrypting only the first 16
 * header bytes of page 1 (page size, versions, reserve, 64 32 32), and only survivors are
 * checked on the whole page.
 *
 * Work is split into chunks of CHUNK indices handed out in order to `jobs` threads.  The
 * resume state records the low-water mark (every index below it has been tested):
 *
 *   wxforensic-keysearch 1
 *   salt <32 hex digits of the database salt>
 *   prefix <fixed leading digits, or ->
 *   next <index>
 *   space <candidates>
 *
 * It is rewritten (write + rename) every few seconds and at the end.
 */
#include "config.h"
#include "decrypt/decrypt_int.h"
#include "base/wxf_file.h"
#include "base/wxf_hash.h"

#include <openssl/crypto.h>
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK 64u
#define MAX_THREADS 256

struct ks {
	const wxf_profile *p;
	uint8_t page1[1024];
	char prefix[8];
	unsigned plen;
	uint64_t space, limit;
	atomic_uint_fast64_t next;
	atomic_uint_fast64_t tested, early;
	atomic_int stop;
	atomic_int oom;         /* a candidate could not be tried for want of memory */
	atomic_uint_fast64_t cur[MAX_THREADS];
	pthread_mutex_t mu;
	int found;
	char found_pass[8];
	unsigned n_threads;
};

struct targ {
	struct ks *k;
	unsigned id;
};

static void
cand_text(const struct ks *k, uint64_t i, char out[8])
{
	static const char hx[] = "0123456789abcdef";
	unsigned j, r = 7 - k->plen;

	memcpy(out, k->prefix, k->plen);
	for (j = 0; j < r; j++)
		out[6 - j] = hx[(i >> (4 * j)) & 15];
	out[7] = '\0';
}

static void *
ks_worker(void *arg)
{
	struct targ *t = arg;
	struct ks *k = t->k;
	EVP_CIPHER_CTX *cx = EVP_CIPHER_CTX_new();
	const EVP_MD *md = EVP_sha1();

	if (cx == NULL)
		return NULL;
	for (;;) {
		uint64_t first, i, end;

		if (atomic_load(&k->stop))
			break;
		first = atomic_fetch_add(&k->next, CHUNK);
		if (first >= k->limit)
			break;
		atomic_store(&k->cur[t->id], first);
		end = first + CHUNK < k->limit ? first + CHUNK : k->limit;
		for (i = first; i < end && !atomic_load(&k->stop); i++) {
			char pass[8];
			uint8_t enc[32];

			cand_text(k, i, pass);
			if (PKCS5_PBKDF2_HMAC(pass, 7, k->page1, 16, (int)k->p->kdf_iter, md, 32, enc) != 1)
				continue;
			atomic_fetch_add(&k->tested, 1);
			if (!wxf_header_block_ok(cx, enc, k->page1, k->p->page_size, k->p->reserve)) {
				atomic_fetch_add(&k->early, 1);
				continue;
			}
			{
				int ok = wxf_codec_try(k->p, k->page1, enc);

				if (ok < 0) {
					/* not tried: the search stops and fails, never "not found" */
					atomic_store(&k->oom, 1);
					atomic_store(&k->stop, 1);
				} else if (ok) {
					pthread_mutex_lock(&k->mu);
					if (!k->found) {
						k->found = 1;
						memcpy(k->found_pass, pass, 8);
					}
					pthread_mutex_unlock(&k->mu);
					atomic_store(&k->stop, 1);
				}
			}
			OPENSSL_cleanse(enc, sizeof(enc));
		}
	}
	atomic_store(&k->cur[t->id], UINT64_MAX);
	EVP_CIPHER_CTX_free(cx);
	return NULL;
}

static uint64_t
watermark(struct ks *k)
{
	uint64_t w = atomic_load(&k->next);
	unsigned i;

	for (i = 0; i < k->n_threads; i++) {
		uint64_t c = atomic_load(&k->cur[i]);

		if (c < w)
			w = c;
	}
	return w < k->limit ? w : k->limit;
}

static int
save_state(const char *path, const struct ks *k, uint64_t next, wxf_err *err)
{
	char salt[33], buf[256], *tmp;
	int n, rc;

	wxf_hex(k->page1, 16, salt);
	n = snprintf(buf, sizeof(buf), "wxforensic-keysearch 1\nsalt %s\nprefix %s\nnext %llu\n"
	    "space %llu\n", salt, k->plen ? k->prefix : "-", (unsigned long long)next,
	    (unsigned long long)k->space);
	tmp = malloc(strlen(path) + 8);
	if (tmp == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	sprintf(tmp, "%s.tmp", path);
	rc = wxf_file_write(tmp, buf, (size_t)n, err);
	if (rc == WXF_OK && rename(tmp, path) != 0)
		rc = wxf_err_set(err, WXF_EIO, "%s: cannot save state: %s", path, strerror(errno));
	free(tmp);
	return rc;
}

static int
load_state(const char *path, const struct ks *k, uint64_t *next, wxf_err *err)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	char salt[33], want[33], prefix[16];
	unsigned long long nx = 0, sp = 0;
	int rc;

	*next = 0;
	if (!wxf_is_file(path))
		return WXF_OK;
	if ((rc = wxf_file_read_small(path, 4096, &buf, &len, err)) != WXF_OK)
		return rc;
	if (sscanf((const char *)buf, "wxforensic-keysearch 1\nsalt %32s\nprefix %15s\nnext %llu\n"
	    "space %llu", salt, prefix, &nx, &sp) != 4) {
		free(buf);
		return wxf_err_set(err, WXF_EUSAGE, "%s: not a key search state file", path);
	}
	free(buf);
	wxf_hex(k->page1, 16, want);
	if (strcmp(salt, want) != 0)
		return wxf_err_set(err, WXF_EUSAGE, "%s: state belongs to another database (salt %s)",
		    path, salt);
	if (strcmp(prefix, k->plen ? k->prefix : "-") != 0 || sp != k->space || nx > sp)
		return wxf_err_set(err, WXF_EUSAGE, "%s: state was made with prefix '%s', not '%s'",
		    path, prefix, k->plen ? k->prefix : "-");
	*next = nx;
	return WXF_OK;
}

int
wxf_keysearch_android(const char *db_path, const wxf_keysearch_opts *o, wxf_keysearch_result *r,
    wxf_err *err)
{
	struct ks *k;
	struct targ ta[MAX_THREADS];
	pthread_t th[MAX_THREADS];
	unsigned jobs = o->jobs ? o->jobs : wxf_ncpus(), t, i;
	double t0, last_save;
	uint64_t start = 0;
	wxf_map m;
	int rc = WXF_OK;

	memset(r, 0, sizeof(*r));
	if (jobs > MAX_THREADS)
		jobs = MAX_THREADS;
	k = calloc(1, sizeof(*k));
	if (k == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	k->p = wxf_profile_find("android");
	if (o->prefix != NULL) {
		k->plen = (unsigned)strlen(o->prefix);
		if (k->plen > 7) {
			free(k);
			return wxf_err_set(err, WXF_EUSAGE, "--prefix: at most 7 hex digits");
		}
		for (i = 0; i < k->plen; i++) {
			if (!isxdigit((unsigned char)o->prefix[i])) {
				free(k);
				return wxf_err_set(err, WXF_EUSAGE, "--prefix: hex digits only");
			}
			k->prefix[i] = (char)tolower((unsigned char)o->prefix[i]);
		}
	}
	k->space = 1ull << (4 * (7 - k->plen));
	if ((rc = wxf_map_open(&m, db_path, err)) != WXF_OK) {
		free(k);
		return rc;
	}
	if (m.size < 1024 || memcmp(m.data, "SQLite format 3", 16) == 0) {
		wxf_map_close(&m);
		free(k);
		return wxf_err_setx(err, WXF_ECORRUPT, WXF_SEV_FATAL, __FILE__, __LINE__, 1, 0,
		    "%s: not an encrypted database (too short or plaintext)", db_path);
	}
	memcpy(k->page1, m.data, 1024);
	wxf_map_close(&m);
	if (o->state_path != NULL && (rc = load_state(o->state_path, k, &start, err)) != WXF_OK) {
		free(k);
		return rc;
	}
	k->limit = k->space;
	if (o->max_candidates && start + o->max_candidates < k->limit)
		k->limit = start + o->max_candidates;
	atomic_store(&k->next, start);
	pthread_mutex_init(&k->mu, NULL);
	k->n_threads = jobs;
	for (i = 0; i < jobs; i++)
		atomic_store(&k->cur[i], UINT64_MAX);
	r->space = k->space;
	r->start = start;
	t0 = last_save = wxf_now();
	for (t = 0; t < jobs; t++) {
		ta[t].k = k;
		ta[t].id = t;
		atomic_store(&k->cur[t], start);
		if (pthread_create(&th[t], NULL, ks_worker, &ta[t]) != 0) {
			atomic_store(&k->cur[t], UINT64_MAX);
			break;
		}
	}
	k->n_threads = t;
	if (t == 0) {
		k->n_threads = 1;
		ta[0].k = k;
		ta[0].id = 0;
		ks_worker(&ta[0]);
	}
	for (;;) {
		unsigned alive = 0;
		double now = wxf_now(), dt = now - t0;
		uint64_t tested = atomic_load(&k->tested), w = watermark(k);

		for (i = 0; i < k->n_threads; i++)
			if (atomic_load(&k->cur[i]) != UINT64_MAX)
				alive++;
		if (alive == 0 || t == 0)
			break;
		if (o->log != NULL && dt > 0) {
			char rate[96];
			double rt = (double)tested / dt;
			double eta = rt > 0 ? (double)(k->limit - w) / rt : 0;

			snprintf(rate, sizeof(rate), "%.0f keys/s, ETA %.0f s", rt, eta);
			wxf_log_progress(o->log, "key search", w, k->space, rate);
		}
		if (o->state_path != NULL && now - last_save > 5.0) {
			save_state(o->state_path, k, w, NULL);
			last_save = now;
		}
		usleep(100000);
	}
	for (i = 0; i < t; i++)
		pthread_join(th[i], NULL);
	if (o->log != NULL)
		wxf_log_progress_end(o->log);
	r->seconds = wxf_now() - t0;
	r->tested = atomic_load(&k->tested);
	r->early_rejects = atomic_load(&k->early);
	r->rate = r->seconds > 0 ? (double)r->tested / r->seconds : 0;
	if (k->found) {
		r->found = 1;
		memset(&r->key, 0, sizeof(r->key));
		memcpy(r->key.bytes, k->found_pass, 7);
		r->key.len = 7;
		r->key.source = WXF_KEYSRC_SEARCH;
		snprintf(r->key.how, sizeof(r->key.how), "found by exhaustive search of the 7-hex-digit "
		    "passphrase space%s%s (%llu candidates tested in %.1f s); opens page 1 (profile "
		    "android)", k->plen ? " with prefix " : "", k->plen ? k->prefix : "",
		    (unsigned long long)r->tested, r->seconds);
	}
	r->complete = !k->found && atomic_load(&k->next) >= k->space && k->limit == k->space;
	if (atomic_load(&k->oom) && !k->found) {
		r->complete = 0;
		rc = wxf_err_set(err, WXF_ENOMEM, "key search: out of memory (a candidate could not "
		    "be tried; the search is not complete)");
	}
	if (rc == WXF_OK && o->state_path != NULL)
		rc = save_state(o->state_path, k, k->found ? watermark(k) : (k->limit < k->space ?
		    k->limit : k->space), err);
	pthread_mutex_destroy(&k->mu);
	OPENSSL_cleanse(k, sizeof(*k));
	free(k);
	return rc;
}

double
wxf_kdf_rate(const wxf_profile *p, double seconds)
{
	uint8_t salt[16] = { 1, 2, 3 }, out[32];
	const EVP_MD *md = p->kdf == WXF_KDF_PBKDF2_SHA512 ? EVP_sha512() : EVP_sha1();
	double t0 = wxf_now(), dt;
	unsigned long n = 0;

	if (p->kdf == WXF_KDF_NONE)
		return 0;
	do {
		PKCS5_PBKDF2_HMAC("0000000", 7, salt, 16, (int)p->kdf_iter, md, 32, out);
		n++;
		dt = wxf_now() - t0;
	} while (dt < seconds);
	return (double)n / dt;
}
