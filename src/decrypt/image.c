/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Physical decryption of a database file and its -wal / -journal into plaintext images.
 *
 * Database: page i (1-based) of the output is the decryption of page i of the input, every
 * page, free or not; page 1 gets "SQLite format 3\0"; reserve areas are copied unchanged;
 * all-zero pages stay zero; a partial page at the end is copied unchanged and reported.
 * Pages are processed by `jobs` threads, each with its own AES/HMAC contexts, in chunks.
 *
 * WAL (https://sqlite.org/fileformat2.html#walformat):
 *   OFFSET SIZE DESCRIPTION
 *   0      4    magic 0x377f0682 (checksums little-endian words) / 0x377f0683 (big-endian)
 *   4      4    format version 3007000
 *   8      4    page size
 *   12     4    checkpoint sequence
 *   16     8    salt-1, salt-2
 *   24     8    checksum of bytes 0..23
 *   then frames: 24-byte header (pgno, commit size, salt-1, salt-2, checksum-1, checksum-2)
 *   followed by one page image, encrypted like a page of the main file.
 * The chain of checksums is verified over the stored (encrypted) bytes; for the frames of the
 * valid prefix the checksums are recomputed over the plaintext so that SQLite reads exactly
 * those frames from the plaintext WAL.  Frames left from an earlier generation of the log
 * (other salts, written before a checkpoint restarted it; WeChat 4.x preallocates its WAL and
 * keeps them, corrections-2026-12.md B) are kept too: a run of such frames whose own links
 * verify over the stored bytes gets its links recomputed over the plaintext from the run's
 * first stored checksum, so that the page layer still recognises them as stale (earlier
 * versions of pages, for the carver) and never as current.  Other frames keep their original
 * header bytes.
 *
 * Rollback journal (https://sqlite.org/fileformat2.html#rollbackjournal):
 *   0 8 magic d9 d5 05 f9 20 a1 63 d7 | 8 4 nRec | 12 4 checksum nonce | 16 4 initial db pages
 *   20 4 sector size | 24 4 page size; header padded to the sector size;
 *   records: pgno (4), page image, checksum (4) = nonce + sum of data[ps-200], data[ps-400]...
 * Several segments may follow each other at sector boundaries.
 */
#include "config.h"
#include "decrypt/decrypt_int.h"
#include "base/wxf_buf.h"
#include "base/wxf_cur.h"
#include "base/wxf_file.h"
#include "base/wxf_hash.h"
#include "base/wxf_mem.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK_PAGES 256

static int
add_bad(wxf_page_report *r, uint32_t no)
{
	uint32_t *nb;

	if (r->n_bad_list % 64 == 0) {
		nb = realloc(r->bad, (r->n_bad_list + 64) * sizeof(*nb));
		if (nb == NULL)
			return WXF_ENOMEM;
		r->bad = nb;
	}
	r->bad[r->n_bad_list++] = no;
	return WXF_OK;
}

static void
count_verdict(wxf_page_report *r, wxf_page_verdict v)
{
	switch (v) {
	case WXF_PAGE_GOOD: r->n_good++; break;
	case WXF_PAGE_UNVERIFIED: r->n_unverified++; break;
	case WXF_PAGE_ZERO: r->n_zero++; break;
	case WXF_PAGE_BAD: r->n_bad++; break;
	}
}

/* Decrypts one WAL frame's or journal record's page (a page number 0 is BAD without trying),
 * counts its verdict and lists record `no` when it is bad.  WXF_OK or WXF_ENOMEM. */
static int
page_verdict(wxf_page_report *r, const wxf_codec *c, wxf_codec_scratch *s, uint32_t pgno,
    const uint8_t *in, uint8_t *out, uint32_t no, wxf_page_verdict *v)
{
	*v = pgno == 0 ? WXF_PAGE_BAD : wxf_codec_page(c, s, pgno, in, out);
	count_verdict(r, *v);
	return *v == WXF_PAGE_BAD ? add_bad(r, no) : WXF_OK;
}

static void
sha256_of(const uint8_t *p, size_t n, char out[65])
{
	wxf_sha256_hex(p, n, out);
}

static int
open_out(const char *path, const char *in_path, wxf_err *err)
{
	struct stat a, b;
	int fd;

	if (stat(in_path, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino)
		return wxf_err_set(err, WXF_EUSAGE, "%s: output would overwrite the evidence", path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return wxf_err_set(err, WXF_EIO, "%s: cannot create: %s", path, strerror(errno));
	return fd;
}

/* SHA-256 of a whole file written by us (streams it). */
static int
sha256_file(const char *path, char out[65], wxf_err *err)
{
	wxf_map m;
	int rc = wxf_map_open(&m, path, err);

	if (rc != WXF_OK)
		return rc;
	sha256_of(m.data, m.size, out);
	wxf_map_close(&m);
	return WXF_OK;
}

/* ------------------------------------------------------------------ main file */

struct job {
	const wxf_codec *c;
	const uint8_t *in;
	uint64_t n_pages;
	int fd;
	const char *out_path;
	uint8_t *verdicts;
	uint8_t *map;          /* output mapped MAP_SHARED: pages decrypted in place; else pwrite */
	atomic_uint_fast64_t next;
	atomic_uint_fast64_t done;
	atomic_int failed;
	wxf_err err;
	pthread_mutex_t mu;
};

static void *
worker(void *arg)
{
	struct job *j = arg;
	uint32_t ps = wxf_codec_profile(j->c)->page_size;
	wxf_codec_scratch *s = wxf_codec_scratch_new(j->c);
	uint8_t *buf = malloc((size_t)ps * CHUNK_PAGES);
	wxf_err e;

	wxf_err_clear(&e);
	if (s == NULL || buf == NULL) {
		atomic_store(&j->failed, 1);
		pthread_mutex_lock(&j->mu);
		wxf_err_set(&j->err, WXF_ENOMEM, "cannot allocate page buffers");
		pthread_mutex_unlock(&j->mu);
		goto out;
	}
	for (;;) {
		uint64_t first = atomic_fetch_add(&j->next, CHUNK_PAGES), i, n;

		if (first >= j->n_pages || atomic_load(&j->failed))
			break;
		n = j->n_pages - first < CHUNK_PAGES ? j->n_pages - first : CHUNK_PAGES;
		for (i = 0; i < n; i++) {
			uint64_t pg = first + i;

			j->verdicts[pg] = (uint8_t)wxf_codec_page(j->c, s, (uint32_t)(pg + 1),
			    j->in + pg * ps, j->map ? j->map + pg * ps : buf + i * ps);
		}
		if (j->map == NULL && wxf_pwrite_all(j->fd, buf, (size_t)(n * ps), first * ps, j->out_path, &e) != 0) {
			atomic_store(&j->failed, 1);
			pthread_mutex_lock(&j->mu);
			j->err = e;
			pthread_mutex_unlock(&j->mu);
			break;
		}
		atomic_fetch_add(&j->done, n);
	}
out:
	free(buf);
	wxf_codec_scratch_free(&s);
	return NULL;
}

static int
decrypt_main(const wxf_codec *c, const wxf_map *m, const char *out_path, const char *in_path,
    const wxf_decrypt_opts *o, wxf_page_report *r, wxf_err *err)
{
	uint32_t ps = wxf_codec_profile(c)->page_size;
	unsigned jobs = o && o->jobs ? o->jobs : wxf_ncpus(), t;
	pthread_t *th = NULL;
	struct job j;
	uint64_t i;
	int fd, rc = WXF_OK;
	double t0 = wxf_now();

	memset(&j, 0, sizeof(j));
	j.c = c;
	j.in = m->data;
	j.n_pages = m->size / ps;
	j.out_path = out_path;
	r->n_pages = j.n_pages;
	r->trailing = m->size % ps;
	if (jobs > 64)
		jobs = 64;
	if ((uint64_t)jobs > j.n_pages / 4 + 1)
		jobs = (unsigned)(j.n_pages / 4 + 1);
	if ((fd = open_out(out_path, in_path, err)) < 0)
		return fd;
	j.fd = fd;
	if (ftruncate(fd, (off_t)m->size) != 0) {
		rc = wxf_err_set(err, WXF_EIO, "%s: cannot size output: %s", out_path, strerror(errno));
		goto out;
	}
	j.verdicts = calloc(j.n_pages ? j.n_pages : 1, 1);
	th = calloc(jobs, sizeof(*th));
	if (j.n_pages > 0) {
		/* decrypt straight into the page cache: no copy, no write lock between threads */
		void *mp = mmap(NULL, (size_t)(j.n_pages * ps), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

		if (mp != MAP_FAILED) {
			j.map = mp;
			madvise(mp, (size_t)(j.n_pages * ps), MADV_SEQUENTIAL);
		}
	}
	if (j.verdicts == NULL || th == NULL) {
		rc = wxf_err_set(err, WXF_ENOMEM, "out of memory for %llu page verdicts",
		    (unsigned long long)j.n_pages);
		goto out;
	}
	pthread_mutex_init(&j.mu, NULL);
	wxf_err_clear(&j.err);
	for (t = 0; t < jobs; t++)
		if (pthread_create(&th[t], NULL, worker, &j) != 0)
			break;
	if (t == 0)
		worker(&j);
	if (o != NULL && o->log != NULL && o->log->tty) {
		while (atomic_load(&j.done) < j.n_pages && !atomic_load(&j.failed)) {
			char rate[64];
			double dt = wxf_now() - t0;

			snprintf(rate, sizeof(rate), "%.0f MB/s",
			    dt > 0 ? (double)atomic_load(&j.done) * ps / dt / 1e6 : 0.0);
			wxf_log_progress(o->log, "decrypt", atomic_load(&j.done), j.n_pages, rate);
			usleep(200000);
		}
	}
	while (t > 0)
		pthread_join(th[--t], NULL);
	if (o != NULL && o->log != NULL)
		wxf_log_progress_end(o->log);
	pthread_mutex_destroy(&j.mu);
	if (atomic_load(&j.failed)) {
		if (err != NULL)
			*err = j.err;
		rc = j.err.code ? j.err.code : WXF_EIO;
		goto out;
	}
	for (i = 0; i < j.n_pages; i++) {
		count_verdict(r, (wxf_page_verdict)j.verdicts[i]);
		if (j.verdicts[i] == WXF_PAGE_BAD && add_bad(r, (uint32_t)(i + 1)) != WXF_OK) {
			rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (r->trailing)
		rc = wxf_pwrite_all(fd, m->data + j.n_pages * ps, (size_t)r->trailing,
		    j.n_pages * ps, out_path, err);
out:
	if (j.map != NULL && munmap(j.map, (size_t)(j.n_pages * ps)) != 0 && rc == WXF_OK)
		rc = wxf_err_set(err, WXF_EIO, "%s: unmap: %s", out_path, strerror(errno));
	free(th);
	free(j.verdicts);
	if (close(fd) != 0 && rc == WXF_OK)
		rc = wxf_err_set(err, WXF_EIO, "%s: close: %s", out_path, strerror(errno));
	return rc;
}

/* ------------------------------------------------------------------ WAL */

static void
wal_cksum(int be, const uint8_t *p, size_t n, uint32_t *s0, uint32_t *s1)
{
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		uint32_t a, b;

		if (be) {
			a = (uint32_t)p[i] << 24 | (uint32_t)p[i + 1] << 16 | (uint32_t)p[i + 2] << 8 | p[i + 3];
			b = (uint32_t)p[i + 4] << 24 | (uint32_t)p[i + 5] << 16 | (uint32_t)p[i + 6] << 8 | p[i + 7];
		} else {
			a = (uint32_t)p[i + 3] << 24 | (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 1] << 8 | p[i];
			b = (uint32_t)p[i + 7] << 24 | (uint32_t)p[i + 6] << 16 | (uint32_t)p[i + 5] << 8 | p[i + 4];
		}
		*s0 += a + *s1;
		*s1 += b + *s0;
	}
}

static void
put32be(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

static uint32_t
get32be(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Frames n_chain..n_frames-1 (those after the current generation's chain): runs of frames with
 * the same salts, other than the header's, whose links verify over the stored bytes get their
 * links recomputed over the plaintext in out, seeded by the run's first stored checksum.
 * Returns the number of frames whose stored link verified. */
static uint64_t
stale_runs(const uint8_t *in, uint8_t *out, uint64_t n_frames, uint64_t n_chain, uint32_t ps,
    int be, uint32_t salt1, uint32_t salt2)
{
	uint64_t i, n_ok = 0, fsz = (uint64_t)ps + 24;

	for (i = n_chain + 1; i < n_frames; i++) {
		const uint8_t *a = in + 32 + (i - 1) * fsz, *b = a + fsz;
		uint8_t *oa = out + 32 + (i - 1) * fsz, *ob = oa + fsz;
		uint32_t s0 = get32be(a + 16), s1 = get32be(a + 20), p0, p1;

		if (get32be(b) == 0 || memcmp(a + 8, b + 8, 8) != 0 || (get32be(b + 8) == salt1 &&
		    get32be(b + 12) == salt2))
			continue;
		wal_cksum(be, b, 8, &s0, &s1);
		wal_cksum(be, b + 24, ps, &s0, &s1);
		if (s0 != get32be(b + 16) || s1 != get32be(b + 20))
			continue;
		/* the link a -> b holds over the stored bytes: a's link (as written to out, or
		 * stored for the first frame of a run) seeds b's over the plaintext */
		n_ok++;
		p0 = get32be(oa + 16);
		p1 = get32be(oa + 20);
		wal_cksum(be, ob, 8, &p0, &p1);
		wal_cksum(be, ob + 24, ps, &p0, &p1);
		put32be(ob + 16, p0);
		put32be(ob + 20, p1);
	}
	return n_ok;
}

static int
decrypt_wal(const wxf_codec *c, const char *in_path, const char *out_path, wxf_page_report *r,
    wxf_log *log, wxf_err *err)
{
	uint32_t ps = wxf_codec_profile(c)->page_size, hps, magic, salt1, salt2, s0 = 0, s1 = 0;
	uint32_t p0 = 0, p1 = 0;
	wxf_codec_scratch *s = NULL;
	uint8_t *out = NULL;
	wxf_map m;
	wxf_cur cur;
	uint64_t off, fno = 0, n_chain = 0;
	int rc, be, chain = 1, hdr_ok = 0;
	const uint8_t *h;

	if ((rc = wxf_map_open(&m, in_path, err)) != WXF_OK)
		return rc;
	r->present = 1;
	r->size = m.size;
	sha256_of(m.data, m.size, r->sha256_in);
	if (m.size < 32) {
		/* an empty or cut WAL: copied as it is */
		rc = wxf_file_write(out_path, m.data ? m.data : (const uint8_t *)"", m.size, err);
		r->trailing = m.size;
		goto done;
	}
	cur = wxf_cur_make(m.data, m.size);
	h = wxf_cur_bytes(&cur, 32);
	magic = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
	hps = (uint32_t)h[8] << 24 | (uint32_t)h[9] << 16 | (uint32_t)h[10] << 8 | h[11];
	salt1 = (uint32_t)h[16] << 24 | (uint32_t)h[17] << 16 | (uint32_t)h[18] << 8 | h[19];
	salt2 = (uint32_t)h[20] << 24 | (uint32_t)h[21] << 16 | (uint32_t)h[22] << 8 | h[23];
	be = magic == 0x377f0683;
	if (magic != 0x377f0682 && magic != 0x377f0683) {
		if (log)
			wxf_log_warn(log, "%s: bad WAL magic; frames decrypted at page size %u anyway",
			    in_path, (unsigned)ps);
		chain = 0;
	} else {
		wal_cksum(be, h, 24, &s0, &s1);
		if (s0 != ((uint32_t)h[24] << 24 | (uint32_t)h[25] << 16 | (uint32_t)h[26] << 8 | h[27]) ||
		    s1 != ((uint32_t)h[28] << 24 | (uint32_t)h[29] << 16 | (uint32_t)h[30] << 8 | h[31]))
			chain = 0;
		hdr_ok = 1;
		if (hps != ps && log)
			wxf_log_warn(log, "%s: WAL header page size %u, profile page size %u used",
			    in_path, (unsigned)hps, (unsigned)ps);
	}
	p0 = s0;
	p1 = s1;
	out = malloc(m.size);
	s = wxf_codec_scratch_new(c);
	if (out == NULL || s == NULL) {
		rc = wxf_err_set(err, WXF_ENOMEM, "out of memory for the WAL image");
		goto done;
	}
	memcpy(out, m.data, m.size);
	for (off = 32; off + 24 + ps <= m.size; off += 24 + ps) {
		const uint8_t *fh = m.data + off, *pg = fh + 24;
		uint8_t *ofh = out + off;
		uint32_t pgno = (uint32_t)fh[0] << 24 | (uint32_t)fh[1] << 16 | (uint32_t)fh[2] << 8 | fh[3];
		wxf_page_verdict v;

		fno++;
		r->n_pages++;
		if (chain) {
			uint32_t fsalt1 = (uint32_t)fh[8] << 24 | (uint32_t)fh[9] << 16 | (uint32_t)fh[10] << 8 | fh[11];
			uint32_t fsalt2 = (uint32_t)fh[12] << 24 | (uint32_t)fh[13] << 16 | (uint32_t)fh[14] << 8 | fh[15];
			uint32_t c0 = (uint32_t)fh[16] << 24 | (uint32_t)fh[17] << 16 | (uint32_t)fh[18] << 8 | fh[19];
			uint32_t c1 = (uint32_t)fh[20] << 24 | (uint32_t)fh[21] << 16 | (uint32_t)fh[22] << 8 | fh[23];

			wal_cksum(be, fh, 8, &s0, &s1);
			wal_cksum(be, pg, ps, &s0, &s1);
			if (fsalt1 != salt1 || fsalt2 != salt2 || c0 != s0 || c1 != s1 || pgno == 0)
				chain = 0;
		}
		if (page_verdict(r, c, s, pgno, pg, out + off + 24, (uint32_t)fno, &v) != WXF_OK) {
			rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
			goto done;
		}
		if (chain) {
			n_chain++;
			r->n_checksum_ok++;
			wal_cksum(be, ofh, 8, &p0, &p1);
			wal_cksum(be, ofh + 24, ps, &p0, &p1);
			put32be(ofh + 16, p0);
			put32be(ofh + 20, p1);
		}
	}
	r->trailing = m.size - off;
	if (hdr_ok)
		r->n_checksum_ok += stale_runs(m.data, out, fno, n_chain, ps, be, salt1, salt2);
	rc = wxf_file_write(out_path, out, m.size, err);
	if (rc == WXF_OK)
		sha256_of(out, m.size, r->sha256_out);
done:
	free(out);
	wxf_codec_scratch_free(&s);
	wxf_map_close(&m);
	return rc;
}

/* ------------------------------------------------------------------ journal */

static const uint8_t jmagic[8] = { 0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7 };

static uint32_t
jcksum(uint32_t nonce, const uint8_t *d, uint32_t ps)
{
	int64_t i;
	uint32_t ck = nonce;

	for (i = (int64_t)ps - 200; i > 0; i -= 200)
		ck += d[i];
	return ck;
}

static int
decrypt_journal(const wxf_codec *c, const char *in_path, const char *out_path,
    wxf_page_report *r, wxf_log *log, wxf_err *err)
{
	uint32_t ps = wxf_codec_profile(c)->page_size;
	wxf_codec_scratch *s = NULL;
	uint8_t *out = NULL;
	wxf_map m;
	uint64_t off = 0, rno = 0;
	int rc;

	if ((rc = wxf_map_open(&m, in_path, err)) != WXF_OK)
		return rc;
	r->present = 1;
	r->size = m.size;
	sha256_of(m.data, m.size, r->sha256_in);
	out = malloc(m.size ? m.size : 1);
	s = wxf_codec_scratch_new(c);
	if (out == NULL || s == NULL) {
		rc = wxf_err_set(err, WXF_ENOMEM, "out of memory for the journal image");
		goto done;
	}
	if (m.size)
		memcpy(out, m.data, m.size);
	while (off + 28 <= m.size) {
		wxf_cur h = wxf_cur_make(m.data + off, m.size - off);
		const uint8_t *mg = wxf_cur_bytes(&h, 8);
		uint32_t nrec = wxf_cur_u32be(&h), nonce = wxf_cur_u32be(&h);
		uint32_t sector, hps, k;
		uint64_t rec;
		int valid = memcmp(mg, jmagic, 8) == 0;

		(void)wxf_cur_u32be(&h);
		sector = wxf_cur_u32be(&h);
		hps = wxf_cur_u32be(&h);
		if (!valid) {
			if (off != 0)
				break;
			if (log)
				wxf_log_warn(log, "%s: journal header not valid (zeroed or persisted); "
				    "records read at sector 512, page size %u", in_path, (unsigned)ps);
			sector = 512;
			nrec = 0xffffffffu;
			nonce = 0;
		}
		if (sector < 32 || sector > 65536 || (sector & (sector - 1)) != 0)
			sector = 512;
		if (valid && hps != 0 && hps != ps && log)
			wxf_log_warn(log, "%s: journal page size %u, profile page size %u used", in_path,
			    (unsigned)hps, (unsigned)ps);
		rec = off + sector;
		for (k = 0; (nrec == 0 || nrec == 0xffffffffu || k < nrec) &&
		    rec + 8 + ps <= m.size; k++) {
			const uint8_t *d = m.data + rec + 4;
			uint32_t pgno = (uint32_t)m.data[rec] << 24 | (uint32_t)m.data[rec + 1] << 16 |
			    (uint32_t)m.data[rec + 2] << 8 | m.data[rec + 3];
			uint32_t stored = (uint32_t)d[ps] << 24 | (uint32_t)d[ps + 1] << 16 |
			    (uint32_t)d[ps + 2] << 8 | d[ps + 3];
			wxf_page_verdict v;

			if (nrec == 0 || nrec == 0xffffffffu) {
				/* unknown count: stop at the next segment header */
				if (memcmp(m.data + rec, jmagic, 8) == 0 && (rec % sector) == 0)
					break;
			}
			rno++;
			r->n_pages++;
			if (page_verdict(r, c, s, pgno, d, out + rec + 4, (uint32_t)rno, &v) != WXF_OK) {
				rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
				goto done;
			}
			if (valid && jcksum(nonce, d, ps) == stored) {
				r->n_checksum_ok++;
				put32be(out + rec + 4 + ps, jcksum(nonce, out + rec + 4, ps));
			}
			rec += 8 + ps;
		}
		if (!valid || nrec == 0 || nrec == 0xffffffffu) {
			off = rec;
			break;
		}
		off = (rec + sector - 1) / sector * sector;
	}
	r->trailing = off < m.size ? m.size - off : 0;
	rc = wxf_file_write(out_path, out, m.size, err);
	if (rc == WXF_OK)
		sha256_of(out, m.size, r->sha256_out);
done:
	free(out);
	wxf_codec_scratch_free(&s);
	wxf_map_close(&m);
	return rc;
}

/* ------------------------------------------------------------------ whole */

static void
page_report_free(wxf_page_report *r)
{
	free(r->bad);
	free(r->path_in);
	free(r->path_out);
	memset(r, 0, sizeof(*r));
}

void
wxf_decrypt_report_free(wxf_decrypt_report *rep)
{
	page_report_free(&rep->db);
	page_report_free(&rep->wal);
	page_report_free(&rep->journal);
	memset(rep, 0, sizeof(*rep));
}

int
wxf_decrypt_verify_key(const char *db_path, const wxf_key *k, const char *profile,
    const wxf_profile **matched, wxf_err *err)
{
	wxf_codec *c = NULL;
	wxf_map m;
	int rc;

	if (matched)
		*matched = NULL;
	if ((rc = wxf_map_open(&m, db_path, err)) != WXF_OK)
		return rc;
	rc = wxf_codec_open(&c, m.data, m.size < WXF_MAX_PAGE ? m.size : WXF_MAX_PAGE, m.size, k,
	    profile, NULL, 0, err);
	if (rc == WXF_OK && matched)
		*matched = c->p;
	if (rc != WXF_OK)
		wxf_err_wrap(err, rc, "%s", db_path);
	wxf_codec_free(&c);
	wxf_map_close(&m);
	return rc;
}

static int
sidecar(const char *db_path, const char *out_path, const char *suffix, char **in, char **out)
{
	*in = wxf_xasprintf("%s%s", db_path, suffix);
	*out = wxf_xasprintf("%s%s", out_path, suffix);
	return wxf_is_file(*in);
}

/* The inputs or outputs under the names the caller records (out: the files written to
 * out_path; else the files read from db_path). */
static void
record_as(wxf_decrypt_report *rep, const char *name, int out)
{
	static const char *const suffix[] = { "", "-wal", "-journal" };
	wxf_page_report *r[] = { &rep->db, &rep->wal, &rep->journal };

	for (size_t i = 0; i < 3; i++) {
		char **p = out ? &r[i]->path_out : &r[i]->path_in;

		if (*p != NULL) {
			free(*p);
			*p = wxf_xasprintf("%s%s", name, suffix[i]);
		}
	}
}

int
wxf_decrypt_file(const char *db_path, const char *out_path, const wxf_key *k,
    const char *profile, const wxf_decrypt_opts *o, wxf_decrypt_report *rep, wxf_err *err)
{
	wxf_codec *c = NULL;
	wxf_map m;
	wxf_log *log = o ? o->log : NULL;
	double t0 = wxf_now();
	int rc;

	memset(rep, 0, sizeof(*rep));
	rep->db.present = 1;
	rep->db.path_in = wxf_xstrdup(db_path);
	rep->db.path_out = wxf_xstrdup(out_path);
	if ((rc = wxf_map_open(&m, db_path, err)) != WXF_OK)
		return rc;
	rep->db.size = m.size;
	rc = wxf_codec_open(&c, m.data, m.size < WXF_MAX_PAGE ? m.size : WXF_MAX_PAGE, m.size, k,
	    profile, rep->equivalent, sizeof(rep->equivalent), err);
	if (rc != WXF_OK) {
		wxf_err_wrap(err, rc, "%s", db_path);
		goto out;
	}
	rep->profile = c->p;
	if ((o == NULL || !o->no_hash))
		sha256_of(m.data, m.size, rep->db.sha256_in);
	if ((rc = decrypt_main(c, &m, out_path, db_path, o, &rep->db, err)) != WXF_OK) {
		wxf_err_wrap(err, rc, "%s", db_path);
		goto out;
	}
	if ((o == NULL || !o->no_hash) && (rc = sha256_file(out_path, rep->db.sha256_out, err)) != WXF_OK)
		goto out;
	if (rep->db.n_bad && log)
		wxf_log_warn(log, "%s: %llu page(s) failed the HMAC check (decrypted and marked)",
		    db_path, (unsigned long long)rep->db.n_bad);
	if (rep->db.trailing && log)
		wxf_log_warn(log, "%s: %llu trailing byte(s) after the last whole page copied unchanged",
		    db_path, (unsigned long long)rep->db.trailing);
	if (o == NULL || !o->no_sidecars) {
		if (sidecar(db_path, out_path, "-wal", &rep->wal.path_in, &rep->wal.path_out)) {
			if ((rc = decrypt_wal(c, rep->wal.path_in, rep->wal.path_out, &rep->wal, log,
			    err)) != WXF_OK)
				goto out;
		}
		if (sidecar(db_path, out_path, "-journal", &rep->journal.path_in,
		    &rep->journal.path_out)) {
			if ((rc = decrypt_journal(c, rep->journal.path_in, rep->journal.path_out,
			    &rep->journal, log, err)) != WXF_OK)
				goto out;
		}
	}
out:
	rep->seconds = wxf_now() - t0;
	if (o != NULL && o->record_as != NULL)
		record_as(rep, o->record_as, 1);
	if (o != NULL && o->record_in != NULL)
		record_as(rep, o->record_in, 0);
	wxf_codec_free(&c);
	wxf_map_close(&m);
	return rc;
}

static void
json_part(wxf_buf *b, const char *name, const wxf_page_report *r)
{
	size_t i;

	wxf_buf_printf(b, "\"%s\":{\"input\":", name);
	wxf_buf_json_str(b, r->path_in ? r->path_in : "", r->path_in ? strlen(r->path_in) : 0);
	wxf_buf_puts(b, ",\"output\":");
	wxf_buf_json_str(b, r->path_out ? r->path_out : "", r->path_out ? strlen(r->path_out) : 0);
	wxf_buf_printf(b, ",\"size\":%llu,\"sha256_in\":\"%s\",\"sha256_out\":\"%s\","
	    "\"units\":%llu,\"good\":%llu,\"unverified\":%llu,\"zero\":%llu,\"bad\":%llu,"
	    "\"trailing_bytes\":%llu", (unsigned long long)r->size, r->sha256_in, r->sha256_out,
	    (unsigned long long)r->n_pages, (unsigned long long)r->n_good,
	    (unsigned long long)r->n_unverified, (unsigned long long)r->n_zero,
	    (unsigned long long)r->n_bad, (unsigned long long)r->trailing);
	if (strcmp(name, "database") != 0)
		wxf_buf_printf(b, ",\"checksum_ok\":%llu", (unsigned long long)r->n_checksum_ok);
	wxf_buf_puts(b, ",\"bad_list\":[");
	for (i = 0; i < r->n_bad_list; i++)
		wxf_buf_printf(b, "%s%u", i ? "," : "", (unsigned)r->bad[i]);
	wxf_buf_puts(b, "]}");
}

char *
wxf_decrypt_report_json(const wxf_decrypt_report *rep)
{
	wxf_buf b;

	wxf_buf_init(&b);
	wxf_buf_puts(&b, "\"profile\":");
	if (rep->profile) {
		wxf_buf_json_str(&b, rep->profile->name, strlen(rep->profile->name));
		wxf_buf_printf(&b, ",\"page_size\":%u,\"reserve\":%u", (unsigned)rep->profile->page_size,
		    (unsigned)rep->profile->reserve);
	} else
		wxf_buf_puts(&b, "null");
	wxf_buf_puts(&b, ",\"equivalent_profiles\":");
	wxf_buf_json_str(&b, rep->equivalent, strlen(rep->equivalent));
	wxf_buf_putc(&b, ',');
	json_part(&b, "database", &rep->db);
	if (rep->wal.present) {
		wxf_buf_putc(&b, ',');
		json_part(&b, "wal", &rep->wal);
	}
	if (rep->journal.present) {
		wxf_buf_putc(&b, ',');
		json_part(&b, "journal", &rep->journal);
	}
	return wxf_buf_steal(&b);
}
