/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Spilling: on images over 8 MB, live fingerprints and candidates go to temporary files, in up to
 * SP_MAXP partitions by fingerprint (one per SP_PART_BYTES of image), so that peak memory does
 * not grow with the file.  Each worker writes its own streams while carving (cv_sp_live,
 * cv_sp_take); each fingerprint partition is then merged on its own, its candidates in the order
 * they were found (cv_sp_merge_part: the merge decisions of an in-memory run), into output
 * partitions by (table, rowid), which are loaded, sorted and emitted one at a time (cv_sp_emit),
 * so that index entries still fold into their rows.
 */
#include "config.h"
#include "carve_int.h"
#include "base/wxf_file.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SP_MAXP 128                    /* most spill partitions */
#define SP_PART_BYTES (8u << 20)       /* image bytes per partition */

/* ---------------------------------------------------------------- spill streams */

/*
 * Spill streams: many logical streams (one per partition and kind) in one temporary file per
 * worker.  A stream buffers SP_BLK bytes; a full buffer becomes the next block of the file
 * (only the owning worker's thread writes, so the block counter needs no lock) and the stream
 * keeps the list of its blocks.  Reading (pread, any thread) goes block by block, then the
 * unwritten tail.  One file per worker instead of three per partition: no descriptor limit, and
 * no inode allocation per stream (on ext4 that cost ~8 % of a 338 MB carve).
 */
#define SP_BLK 4096

struct sp_stream {
	sp_store *store;
	uint8_t *buf;               /* write buffer: the unwritten tail */
	size_t n;
	uint32_t *blk;              /* the stream's blocks in the file, in order */
	size_t n_blk, cap_blk;
	int err;
	uint8_t *rbuf;              /* reading: block buffer; the bytes being read (rbuf or buf), */
	const uint8_t *rsrc;        /* next block, position, length, tail read */
	size_t rb, rpos, rlen;
	int rtail;
};

static FILE *sp_tmp(void);

static int
sp_store_open(sp_store *s)
{
	memset(s, 0, sizeof(*s));
	if ((s->f = sp_tmp()) == NULL)
		return WXF_ENOMEM;
	s->fd = fileno(s->f);
	return WXF_OK;
}

static void
sp_store_close(sp_store *s)
{
	if (s->f != NULL)
		fclose(s->f);
	memset(s, 0, sizeof(*s));
}

/* Frees a stream's buffers and block list (its blocks stay in the file until it is closed). */
static void
sp_stream_free(sp_stream *st)
{
	free(st->buf);
	free(st->rbuf);
	free(st->blk);
	memset(st, 0, sizeof(*st));
}

static int
sp_write(sp_stream *st, const void *data, size_t n)
{
	const uint8_t *p = data;

	if (st->err)
		return st->store->io_errno != 0 ? WXF_EIO : WXF_ENOMEM;
	while (n > 0) {
		size_t k;

		if (st->buf == NULL && (st->buf = malloc(SP_BLK)) == NULL)
			return st->err = 1, WXF_ENOMEM;
		if (st->n == SP_BLK) {
			sp_store *s = st->store;

			if (st->n_blk == st->cap_blk) {
				size_t nc = st->cap_blk ? st->cap_blk * 2 : 8;
				uint32_t *nb = realloc(st->blk, nc * sizeof(*nb));

				if (nb == NULL)
					return st->err = 1, WXF_ENOMEM;
				st->blk = nb;
				st->cap_blk = nc;
			}
			if (s->next == UINT32_MAX)
				return st->err = 1, WXF_ENOMEM;
			if (wxf_pwrite_all(s->fd, st->buf, SP_BLK, (uint64_t)s->next * SP_BLK, "spill",
			    NULL) != WXF_OK) {
				if (s->io_errno == 0)
					s->io_errno = errno != 0 ? errno : EIO;
				return st->err = 1, WXF_EIO;
			}
			st->blk[st->n_blk++] = s->next++;
			st->n = 0;
		}
		k = SP_BLK - st->n < n ? SP_BLK - st->n : n;
		memcpy(st->buf + st->n, p, k);
		st->n += k;
		p += k;
		n -= k;
	}
	return WXF_OK;
}

/* Starts reading the stream from its beginning. */
static void
sp_rewind(sp_stream *st)
{
	st->rb = 0;
	st->rpos = 0;
	st->rlen = 0;
	st->rtail = 0;
}

/* Reads exactly n bytes: n, 0 at the end of the stream, -1 on a short or failed read. */
static long
sp_read(sp_stream *st, void *data, size_t n)
{
	uint8_t *p = data;
	size_t got = 0;

	while (got < n) {
		size_t k;

		if (st->rpos == st->rlen) {
			if (st->rb < st->n_blk) {
				if (st->rbuf == NULL && (st->rbuf = malloc(SP_BLK)) == NULL)
					return -1;
				if (wxf_pread_all(st->store->fd, st->rbuf, SP_BLK, (uint64_t)st->blk[st->rb] * SP_BLK) != 0)
					return -1;
				st->rb++;
				st->rsrc = st->rbuf;
				st->rlen = SP_BLK;
			} else if (!st->rtail && st->n > 0) {
				st->rtail = 1; /* the unwritten tail, read in the write buffer */
				st->rsrc = st->buf;
				st->rlen = st->n;
			} else
				return got == 0 ? 0 : -1;
			st->rpos = 0;
		}
		k = st->rlen - st->rpos < n - got ? st->rlen - st->rpos : n - got;
		memcpy(p + got, st->rsrc + st->rpos, k);
		st->rpos += k;
		got += k;
	}
	return (long)n;
}

/* A live fingerprint, into its partition's stream. */
int
cv_sp_live(cv_spill *sp, uint64_t fp)
{
	return sp_write(&sp->live[cv_part_of(sp, fp)], &fp, sizeof(fp));
}

/* A spilled candidate (cv_take() when spilling; written by sp_take_write): body NULL when the body
 * was an assembled payload and follows the record, otherwise it points into a mapped image. */
typedef struct sp_take {
	uint64_t seq;               /* discovery order: streams of several workers merge by it */
	uint64_t fp;
	int64_t rowid;
	const uint8_t *body;
	uint64_t body_len;
	int32_t sig, ncols, status, conf, truncated, col0_unknown;
	wxf_carve_src src;
} sp_take;

/* ---- spill records: fixed fields, then one block of LEB128 varints (types, provenance) ---- */

#define SP_BLOCK_MAX (CV_MAXCOLS * 10 + 160)   /* largest varint block of a candidate */

static size_t
sp_put(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* Reads a varint of p[*pos..n); 0, or -1 when the block is not what was written. */
static int
sp_get(const uint8_t *p, size_t n, size_t *pos, uint64_t *v)
{
	uint64_t r = 0;
	unsigned sh = 0;

	while (*pos < n && sh < 64) {
		uint8_t b = p[(*pos)++];

		r |= (uint64_t)(b & 0x7f) << sh;
		if (!(b & 0x80)) {
			*v = r;
			return 0;
		}
		sh += 7;
	}
	return -1;
}

static uint64_t
sp_zz(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t
sp_unzz(uint64_t u)
{
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

/* The file label of a source as 0 db, 1 WAL, 2 journal (the only labels the carver sets). */
static uint64_t
sp_file_idx(const cx *x, const char *file)
{
	return file == x->walname ? 1 : file == x->jname ? 2 : 0;
}

static const char *
sp_file_of(const cx *x, uint64_t i)
{
	return i == 1 ? x->walname : i == 2 ? x->jname : x->dbname;
}

static size_t
sp_put_src(const cx *x, uint8_t *p, const wxf_carve_src *s)
{
	size_t n = 0;

	n += sp_put(p + n, (uint64_t)s->origin);
	n += sp_put(p + n, sp_file_idx(x, s->file));
	n += sp_put(p + n, s->pgno);
	n += sp_put(p + n, s->frame);
	n += sp_put(p + n, s->offset);
	n += sp_put(p + n, s->length);
	n += sp_put(p + n, sp_zz(s->confidence));
	return n;
}

static int
sp_get_src(const cx *x, const uint8_t *p, size_t n, size_t *pos, wxf_carve_src *s)
{
	uint64_t v[7];
	int k;

	for (k = 0; k < 7; k++)
		if (sp_get(p, n, pos, &v[k]) != 0)
			return -1;
	if (v[0] >= WXF_ORIGIN_N || v[2] > UINT32_MAX || v[3] > UINT32_MAX || v[5] > UINT32_MAX)
		return -1;
	memset(s, 0, sizeof(*s));
	s->origin = (wxf_origin)v[0];
	s->file = sp_file_of(x, v[1]);
	s->pgno = (uint32_t)v[2];
	s->frame = (uint32_t)v[3];
	s->offset = v[4];
	s->length = (uint32_t)v[5];
	s->confidence = (int)sp_unzz(v[6]);
	return 0;
}

/* A candidate found while carving: seq, fp, body pointer (0: the body follows the block), the
 * block's length (u16), the block, the spilled body. */
static int
sp_take_write(cx *x, sp_stream *f, const sp_take *t, const uint64_t *types, const uint8_t *spilled)
{
	uint8_t b[26 + SP_BLOCK_MAX];
	size_t n = 26;
	uint64_t bp = (uint64_t)(uintptr_t)t->body;
	uint16_t len;
	int k;

	memcpy(b, &t->seq, 8);
	memcpy(b + 8, &t->fp, 8);
	memcpy(b + 16, &bp, 8);
	n += sp_put(b + n, sp_zz(t->rowid));
	n += sp_put(b + n, t->body_len);
	n += sp_put(b + n, (uint64_t)t->sig);
	n += sp_put(b + n, (uint64_t)t->ncols);
	n += sp_put(b + n, (uint64_t)t->status);
	n += sp_put(b + n, sp_zz(t->conf));
	n += sp_put(b + n, (uint64_t)(t->truncated != 0) | (uint64_t)(t->col0_unknown != 0) << 1);
	n += sp_put_src(x, b + n, &t->src);
	for (k = 0; k < t->ncols; k++)
		n += sp_put(b + n, types[k]);
	len = (uint16_t)(n - 26);
	memcpy(b + 24, &len, 2);
	if (sp_write(f, b, n) != WXF_OK || (spilled != NULL && t->body_len > 0 &&
	    sp_write(f, spilled, (size_t)t->body_len) != WXF_OK))
		return WXF_ENOMEM;
	return WXF_OK;
}

/* Reads what sp_take_write wrote into t and types; 1 ok, 0 end, -1 damaged. */
static int
sp_take_read(const cx *x, sp_stream *f, sp_take *t, uint64_t *types)
{
	uint8_t b[26 + SP_BLOCK_MAX];
	uint64_t bp, v[7];
	uint16_t len;
	size_t pos = 0;
	int k;

	long r = sp_read(f, b, 26);

	if (r <= 0)
		return (int)r;
	memcpy(&len, b + 24, 2);
	if (len > SP_BLOCK_MAX || sp_read(f, b + 26, len) != (long)len)
		return -1;
	memset(t, 0, sizeof(*t));
	memcpy(&t->seq, b, 8);
	memcpy(&t->fp, b + 8, 8);
	memcpy(&bp, b + 16, 8);
	t->body = (const uint8_t *)(uintptr_t)bp;
	for (k = 0; k < 7; k++)
		if (sp_get(b + 26, len, &pos, &v[k]) != 0)
			return -1;
	if (v[2] >= (uint64_t)x->n_sigs || v[3] > CV_MAXCOLS || v[4] >= WXF_STATUS_N)
		return -1;
	t->rowid = sp_unzz(v[0]);
	t->body_len = v[1];
	t->sig = (int32_t)v[2];
	t->ncols = (int32_t)v[3];
	t->status = (int32_t)v[4];
	t->conf = (int32_t)sp_unzz(v[5]);
	t->truncated = (int32_t)(v[6] & 1);
	t->col0_unknown = (int32_t)(v[6] >> 1 & 1);
	if (sp_get_src(x, b + 26, len, &pos, &t->src) != 0)
		return -1;
	for (k = 0; k < t->ncols; k++)
		if (sp_get(b + 26, len, &pos, &types[k]) != 0)
			return -1;
	return 1;
}

/* Writes candidate r of signature sig (fingerprint fp, after the rowid comparison with the live
 * rows) to its partition's stream, tagged with its discovery order.  in_scratch: its body is an
 * assembled payload (x->s2), written after the record; otherwise the record points into a
 * mapped image. */
int
cv_sp_take(cx *x, const cv_rec *r, int sig, uint64_t fp, wxf_status status, int conf, int truncated,
    const wxf_carve_src *src, int in_scratch)
{
	sp_take t;
	sp_stream *f = &x->sp.take[cv_part_of(&x->sp, fp)];

	memset(&t, 0, sizeof(t));
	t.seq = x->scan.seq++;
	t.fp = fp;
	t.rowid = r->rowid;
	t.body = in_scratch ? NULL : r->body;
	t.body_len = r->body_len;
	t.sig = sig;
	t.ncols = r->ncols;
	t.status = (int32_t)status;
	t.conf = conf;
	t.truncated = truncated;
	t.col0_unknown = r->col0_unknown;
	t.src = *src;
	return sp_take_write(x, f, &t, r->types, in_scratch ? r->body : NULL);
}

/* ---------------------------------------------------------------- spilling */

static int
sp_reset(cx *x)
{
	wxf_arena_free(&x->set.car);
	if ((x->set.car = wxf_arena_new()) == NULL)
		return WXF_ENOMEM;
	x->set.n_c = 0;
	if (x->set.ht != NULL)
		memset(x->set.ht, 0, x->set.ht_cap * sizeof(*x->set.ht));
	return WXF_OK;
}

static int
sp_grow_c(cx *x)
{
	if (x->set.n_c == x->set.cap_c) {
		size_t nc = x->set.cap_c ? x->set.cap_c * 2 : 256;
		cand *nv = realloc(x->set.c, nc * sizeof(*nv));

		if (nv == NULL)
			return WXF_ENOMEM;
		x->set.c = nv;
		x->set.cap_c = nc;
	}
	return WXF_OK;
}

/* Output partition of a merged candidate: by (table, rowid), so that an index entry lands with
 * the rows it folds into (an index entry's rowid is its last key column). */
static unsigned
cand_part(cx *x, const cand *c)
{
	const cv_sig *s = &x->sigs[c->sig];
	int64_t rowid = c->rowid;
	int ts = c->sig;

	if (s->is_index) {
		wxf_sqlval *v = x->vals + CV_MAXCOLS;
		int tr = 0;

		if (wxf_sqlite_record_values(x->enc, c->types, c->ncols, c->body, c->body_len, v, &x->s, &tr) != WXF_OK) {
			x->oom = 1;
			return 0;
		}
		rowid = c->ncols == s->n && v[s->n - 1].type == WXF_SQL_INT ? v[s->n - 1].i : INT64_MIN;
		if (s->table_sig >= 0)
			ts = s->table_sig;
	}
	if (rowid == INT64_MIN)
		return cv_part_of(&x->sp, c->fp); /* joins nothing: spread by fingerprint */
	return cv_part_of(&x->sp, cv_mix(cv_mix(0x13198a2e03707344ULL, (uint64_t)ts + 1), (uint64_t)rowid));
}

static int
sp_write_cand(cx *x, const cand *c, uint32_t p)
{
	unsigned q = cand_part(x, c);
	size_t n = (size_t)(c->ncols > 0 ? c->ncols : 0), need, len = 24, k;
	uint64_t bp = c->body_copied ? 0 : (uint64_t)(uintptr_t)c->body;
	uint32_t blen;
	uint8_t *b;

	if (x->oom)
		return WXF_ENOMEM;
	/* tag, fp, body pointer (0: the copied body follows), block length, block: */
	need = 24 + 10 * 8 + n * 10 + (n + 7) / 8 + (size_t)c->n_src * 70;
	if (need > x->sp.buf_cap) {
		free(x->sp.buf);
		x->sp.buf_cap = 0;
		if ((x->sp.buf = malloc(need)) == NULL)
			return WXF_ENOMEM;
		x->sp.buf_cap = need;
	}
	b = x->sp.buf;
	memcpy(b, &p, 4);
	memcpy(b + 4, &c->fp, 8);
	memcpy(b + 12, &bp, 8);
	len += sp_put(b + len, (uint64_t)c->sig);
	len += sp_put(b + len, sp_zz(c->rowid));
	len += sp_put(b + len, n);
	len += sp_put(b + len, c->body_len);
	len += sp_put(b + len, (uint64_t)c->status);
	len += sp_put(b + len, sp_zz(c->conf));
	len += sp_put(b + len, (uint64_t)(c->truncated != 0) | (uint64_t)(c->index_only & 3) << 1 |
	    (uint64_t)(c->body_copied != 0) << 3);
	len += sp_put(b + len, c->n_src);
	for (k = 0; k < n; k++)
		len += sp_put(b + len, c->types[k]);
	memset(b + len, 0, (n + 7) / 8);
	for (k = 0; k < n; k++)
		if (c->known[k])
			b[len + k / 8] |= (uint8_t)(1u << (k % 8));
	len += (n + 7) / 8;
	for (k = 0; k < c->n_src; k++)
		len += sp_put_src(x, b + len, &c->src[k]);
	blen = (uint32_t)(len - 24);
	memcpy(b + 20, &blen, 4);
	if (sp_write(&x->sp.cand[q], b, len) != WXF_OK ||
	    (c->body_copied && c->body_len > 0 && sp_write(&x->sp.cand[q], c->body, c->body_len) != WXF_OK))
		return WXF_ENOMEM;
	return WXF_OK;
}

/* A reader of one worker's candidate stream of a partition: the record at its head. */
typedef struct sp_head {
	sp_stream *f;
	int live;                   /* a record is at the head */
	sp_take t;
	uint64_t types[CV_MAXCOLS];
	uint8_t *body;              /* a spilled body (t.body NULL) */
	size_t body_cap;
} sp_head;

/* Reads the next record of h; 0 at the end, -1 when the stream is not what was written. */
static int
sp_head_next(const cx *x, sp_head *h)
{
	int r;

	h->live = 0;
	if (h->f == NULL)
		return 0;
	if ((r = sp_take_read(x, h->f, &h->t, h->types)) <= 0)
		return r;
	if (h->t.body == NULL) {
		if (h->t.body_len + 1 > h->body_cap) {
			free(h->body);
			h->body_cap = 0;
			if ((h->body = malloc((size_t)h->t.body_len + 1)) == NULL)
				return -1;
			h->body_cap = (size_t)h->t.body_len + 1;
		}
		if (h->t.body_len > 0 && sp_read(h->f, h->body, (size_t)h->t.body_len) != (long)h->t.body_len)
			return -1;
	}
	h->live = 1;
	return 1;
}

/* Merges fingerprint partition p: its live fingerprints, then its candidates in the order they
 * were found (every worker's stream is in discovery order; they interleave by sequence number,
 * so every merge decision is the one a single-threaded run makes); the merged candidates go to
 * this worker's output partitions, tagged with p. */
int
cv_sp_merge_part(cx *x, unsigned p)
{
	cx *m = x->pool.master;
	uint64_t fp;
	unsigned j, nw = m->pool.n_wk;
	size_t i;
	int rc = WXF_OK;

	x->set.n_live = 0;
	if (x->set.live_fp != NULL)
		memset(x->set.live_fp, 0, x->set.cap_live * sizeof(*x->set.live_fp));
	for (j = 0; j < nw; j++) {
		sp_stream *lf = &m->pool.wk[j].sp.live[p];
		long r;

		sp_rewind(lf);
		while ((r = sp_read(lf, &fp, sizeof(fp))) > 0)
			if (cv_live_add(&x->set, fp) != WXF_OK)
				return WXF_ENOMEM;
		if (r < 0 || lf->err)
			return WXF_ENOMEM;
		sp_stream_free(lf);
	}
	if (sp_reset(x) != WXF_OK)
		return WXF_ENOMEM;
	for (j = 0; j < nw; j++) {
		x->sp.heads[j].f = &m->pool.wk[j].sp.take[p];
		if (x->sp.heads[j].f->err)
			rc = WXF_ENOMEM;
		sp_rewind(x->sp.heads[j].f);
		if (sp_head_next(x, &x->sp.heads[j]) < 0)
			rc = WXF_ENOMEM;
	}
	while (rc == WXF_OK) {
		sp_head *h = NULL;
		const uint8_t *body;

		for (j = 0; j < nw; j++)
			if (x->sp.heads[j].live && (h == NULL || x->sp.heads[j].t.seq < h->t.seq))
				h = &x->sp.heads[j];
		if (h == NULL)
			break;
		body = h->t.body != NULL ? h->t.body : h->body;
		if (!x->sigs[h->t.sig].is_master && cv_live_has(&x->set, h->t.fp))
			x->st->live_copies++;
		else {
			cv_merge(x, h->t.sig, h->t.rowid, h->t.ncols, h->types, h->t.col0_unknown, body, (size_t)h->t.body_len,
			    h->t.fp, (wxf_status)h->t.status, h->t.conf, h->t.truncated, &h->t.src, h->t.body == NULL);
			if (x->oom)
				rc = WXF_ENOMEM;
		}
		if (rc == WXF_OK && sp_head_next(x, h) < 0)
			rc = WXF_ENOMEM;
	}
	for (j = 0; j < nw; j++) {
		if (x->sp.heads[j].f != NULL)
			sp_stream_free(x->sp.heads[j].f);
		x->sp.heads[j].f = NULL;
		x->sp.heads[j].live = 0;
	}
	for (i = 0; i < x->set.n_c && rc == WXF_OK; i++)
		rc = sp_write_cand(x, &x->set.c[i], p);
	return rc;
}

/* Reads one merged candidate (after its tag) from f into x->set.c; 0 ok. */
static int
sp_read_cand(cx *x, sp_stream *f)
{
	uint8_t h[20];
	uint64_t bp, v[8];
	uint32_t blen;
	size_t pos = 0, n, k;
	cand *d;

	if (sp_read(f, h, 20) != 20 || sp_grow_c(x) != WXF_OK)
		return -1;
	memcpy(&blen, h + 16, 4);
	if (blen > x->sp.buf_cap) {
		free(x->sp.buf);
		x->sp.buf_cap = 0;
		if ((x->sp.buf = malloc(blen)) == NULL)
			return -1;
		x->sp.buf_cap = blen;
	}
	if (sp_read(f, x->sp.buf, blen) != (long)blen)
		return -1;
	d = &x->set.c[x->set.n_c];
	memset(d, 0, sizeof(*d));
	memcpy(&d->fp, h, 8);
	memcpy(&bp, h + 8, 8);
	for (k = 0; k < 8; k++)
		if (sp_get(x->sp.buf, blen, &pos, &v[k]) != 0)
			return -1;
	if (v[0] >= (uint64_t)x->n_sigs || v[2] > CV_MAXCOLS || v[4] >= WXF_STATUS_N || v[7] == 0 ||
	    v[7] > blen)
		return -1;
	d->sig = (int)v[0];
	d->rowid = sp_unzz(v[1]);
	d->ncols = (int)v[2];
	d->body_len = (size_t)v[3];
	d->status = (wxf_status)v[4];
	d->conf = (int)sp_unzz(v[5]);
	d->truncated = (int)(v[6] & 1);
	d->index_only = (int)(v[6] >> 1 & 3);
	d->body_copied = (int)(v[6] >> 3 & 1);
	d->n_src = d->cap_src = (uint32_t)v[7];
	n = (size_t)d->ncols;
	d->types = wxf_arena_alloc(x->set.car, sizeof(uint64_t) * n + 1);
	d->known = wxf_arena_alloc(x->set.car, n + 1);
	d->src = wxf_arena_alloc(x->set.car, sizeof(*d->src) * d->n_src);
	if (d->types == NULL || d->known == NULL || d->src == NULL)
		return -1;
	for (k = 0; k < n; k++)
		if (sp_get(x->sp.buf, blen, &pos, &d->types[k]) != 0)
			return -1;
	if (pos + (n + 7) / 8 > blen)
		return -1;
	for (k = 0; k < n; k++)
		d->known[k] = (x->sp.buf[pos + k / 8] >> (k % 8)) & 1;
	pos += (n + 7) / 8;
	for (k = 0; k < d->n_src; k++)
		if (sp_get_src(x, x->sp.buf, blen, &pos, &d->src[k]) != 0)
			return -1;
	if (d->body_copied) {
		uint8_t *b = wxf_arena_alloc(x->set.car, d->body_len + 1);

		if (b == NULL || (d->body_len > 0 && sp_read(f, b, d->body_len) != (long)d->body_len))
			return -1;
		d->body = b;
	} else
		d->body = (const uint8_t *)(uintptr_t)bp;
	x->set.n_c++;
	return 0;
}

/* Loads output partition q (every worker's stream, in fingerprint-partition order: the order a
 * single-threaded run writes it), sorted and folded like the in-memory run (cv_emit_prepare). */
static int
sp_load_part(cx *x, unsigned q)
{
	cx *m = x->pool.master;
	uint32_t tag[SP_MAXW];
	int has[SP_MAXW];
	unsigned j, nw = m->pool.n_wk;

	if (sp_reset(x) != WXF_OK)
		return WXF_ENOMEM;
	for (j = 0; j < nw; j++) {
		if (m->pool.wk[j].sp.cand[q].err)
			return WXF_ENOMEM;
		sp_rewind(&m->pool.wk[j].sp.cand[q]);
		if ((has[j] = (int)sp_read(&m->pool.wk[j].sp.cand[q], &tag[j], sizeof(tag[j]))) < 0)
			return WXF_ENOMEM;
	}
	for (;;) {
		int b = -1;

		for (j = 0; j < nw; j++)
			if (has[j] && (b < 0 || tag[j] < tag[b]))
				b = (int)j;
		if (b < 0)
			break;
		if (sp_read_cand(x, &m->pool.wk[b].sp.cand[q]) != 0)
			return WXF_ENOMEM;
		if ((has[b] = (int)sp_read(&m->pool.wk[b].sp.cand[q], &tag[b], sizeof(tag[b]))) < 0)
			return WXF_ENOMEM;
	}
	for (j = 0; j < nw; j++)
		sp_stream_free(&m->pool.wk[j].sp.cand[q]);
	return cv_emit_prepare(x);
}

/*
 * Emission of a spilling run: partition q is loaded and prepared in context ctx[q % 2] by a
 * helper thread while the calling thread delivers partition q - 1 from the other context, so
 * the callback is still called from the calling thread, in order.
 */
typedef struct emit_pipe {
	cx *ctx[2];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int state[2];               /* 0 free, 1 prepared, 2 failed */
	int stop;                   /* the caller stopped: the helper quits */
} emit_pipe;

static void *
emit_helper(void *arg)
{
	emit_pipe *ep = arg;
	unsigned q, n = ep->ctx[0]->sp.n_part;

	for (q = 0; q < n; q++) {
		int k = (int)(q & 1), r;

		pthread_mutex_lock(&ep->mu);
		while (ep->state[k] != 0 && !ep->stop)
			pthread_cond_wait(&ep->cv, &ep->mu);
		r = ep->stop;
		pthread_mutex_unlock(&ep->mu);
		if (r)
			break;
		r = sp_reset(ep->ctx[k]) == WXF_OK ? sp_load_part(ep->ctx[k], q) : WXF_ENOMEM;
		pthread_mutex_lock(&ep->mu);
		ep->state[k] = r == WXF_OK ? 1 : 2;
		pthread_cond_broadcast(&ep->cv);
		pthread_mutex_unlock(&ep->mu);
		if (r != WXF_OK)
			break;
	}
	return NULL;
}

/* Emits every output partition in the calling thread alone. */
static int
sp_emit_serial(cx *m, wxf_carve_cb cb, void *arg)
{
	unsigned q;
	int rc = WXF_OK;

	for (q = 0; q < m->sp.n_part && rc == WXF_OK; q++) {
		if (sp_reset(m) != WXF_OK || sp_load_part(m, q) != WXF_OK)
			return WXF_ENOMEM;
		if (cb != NULL)
			rc = cv_emit_deliver(m, cb, arg);
	}
	return rc;
}

/* Emits every output partition; m is the master.  WXF_OK, the callback's value or WXF_ENOMEM. */
int
cv_sp_emit(cx *m, wxf_carve_cb cb, void *arg)
{
	emit_pipe ep;
	pthread_t th;
	unsigned q;
	int rc = WXF_OK;

	if (m->pool.n_wk < 2 || cb == NULL || pthread_mutex_init(&ep.mu, NULL) != 0)
		return sp_emit_serial(m, cb, arg);
	memset(ep.state, 0, sizeof(ep.state));
	ep.stop = 0;
	ep.ctx[0] = m;
	ep.ctx[1] = &m->pool.wk[1];
	if (pthread_cond_init(&ep.cv, NULL) != 0) {
		pthread_mutex_destroy(&ep.mu);
		return WXF_ENOMEM;
	}
	if (pthread_create(&th, NULL, emit_helper, &ep) != 0) {
		pthread_cond_destroy(&ep.cv);
		pthread_mutex_destroy(&ep.mu);
		return sp_emit_serial(m, cb, arg);
	}
	for (q = 0; q < m->sp.n_part && rc == WXF_OK; q++) {
		int k = (int)(q & 1), st;

		pthread_mutex_lock(&ep.mu);
		while (ep.state[k] == 0)
			pthread_cond_wait(&ep.cv, &ep.mu);
		st = ep.state[k];
		pthread_mutex_unlock(&ep.mu);
		if (st == 2) {
			rc = WXF_ENOMEM;
			break;
		}
		rc = cv_emit_deliver(ep.ctx[k], cb, arg);
		pthread_mutex_lock(&ep.mu);
		ep.state[k] = 0;
		pthread_cond_broadcast(&ep.cv);
		pthread_mutex_unlock(&ep.mu);
	}
	pthread_mutex_lock(&ep.mu);
	ep.stop = 1;
	pthread_cond_broadcast(&ep.cv);
	pthread_mutex_unlock(&ep.mu);
	pthread_join(th, NULL);
	pthread_cond_destroy(&ep.cv);
	pthread_mutex_destroy(&ep.mu);
	return rc;
}

static void
sp_close_set(sp_stream **set, unsigned n)
{
	unsigned p;

	if (*set == NULL)
		return;
	for (p = 0; p < n; p++)
		sp_stream_free(&(*set)[p]);
	free(*set);
	*set = NULL;
}

/* A temporary file for spilling: an unnamed file in wxf_tmpdir() removed when closed.  A
 * file system, not memory: an anonymous memory file (memfd) measured 3-8 % faster on the
 * speed bench, but its pages cannot be evicted without swap, so a large image would hold
 * about a third of its size in RAM. */
static FILE *
sp_tmp(void)
{
	char *path = wxf_xasprintf("%s/wxf-carve.XXXXXX", wxf_tmpdir());
	int fd = mkstemp(path);
	FILE *f = NULL;

	if (fd >= 0) {
		unlink(path); /* gone with the descriptor, whatever ends the run */
		if ((f = fdopen(fd, "w+b")) == NULL)
			close(fd);
	}
	free(path);
	return f;
}

int
cv_sp_io_errno(const cx *x)
{
	unsigned j;

	if (x->sp.store.io_errno != 0)
		return x->sp.store.io_errno;
	for (j = 0; x->pool.wk != NULL && j < x->pool.n_wk; j++)
		if (x->pool.wk[j].sp.store.io_errno != 0)
			return x->pool.wk[j].sp.store.io_errno;
	return 0;
}

/* n empty streams in store s. */
static int
sp_open_set(sp_stream **set, unsigned n, sp_store *s)
{
	unsigned p;

	if ((*set = calloc(n, sizeof(**set))) == NULL)
		return WXF_ENOMEM;
	for (p = 0; p < n; p++)
		(*set)[p].store = s;
	return WXF_OK;
}

/* A worker's spill state: its temporary file, n_part streams of each kind in it, and a stream
 * reader per worker (n_wk) for the merge. */
int
cv_sp_worker_init(cv_spill *sp, unsigned n_wk)
{
	sp->heads = calloc(n_wk > 0 ? n_wk : 1, sizeof(sp_head));
	if (sp->heads == NULL || sp_store_open(&sp->store) != WXF_OK ||
	    sp_open_set(&sp->take, sp->n_part, &sp->store) != WXF_OK ||
	    sp_open_set(&sp->live, sp->n_part, &sp->store) != WXF_OK ||
	    sp_open_set(&sp->cand, sp->n_part, &sp->store) != WXF_OK)
		return WXF_ENOMEM;
	return WXF_OK;
}

/* Frees what cv_sp_worker_init made (also after it failed half-way). */
void
cv_sp_worker_free(cv_spill *sp, unsigned n_wk)
{
	unsigned j;

	if (sp->heads != NULL)
		for (j = 0; j < n_wk; j++)
			free(sp->heads[j].body);
	free(sp->heads);
	sp_close_set(&sp->take, sp->n_part);
	sp_close_set(&sp->live, sp->n_part);
	sp_close_set(&sp->cand, sp->n_part);
	sp_store_close(&sp->store);
}

/* Partitions for an image of `bytes` bytes (a power of two); 1 = everything in memory.  The
 * workers open their temporary files (wk_init); where they cannot, cv_wk_start falls back to 1. */
void
cv_sp_open(cx *x, uint64_t bytes)
{
	uint64_t per = SP_PART_BYTES;
	const char *e = getenv("WXF_CARVE_PART_KB"); /* tests: force small partitions */
	unsigned n = 1;
	int shift = 64;

	if (e != NULL && *e >= '1' && *e <= '9') {
		unsigned long kb = strtoul(e, NULL, 10);

		if (kb > 0 && kb < (1ul << 22))
			per = (uint64_t)kb << 10;
	}
	while (n < SP_MAXP && (uint64_t)n * per < bytes) {
		n *= 2;
		shift--;
	}
	x->sp.n_part = 1;
	if (n == 1)
		return;
	x->sp.n_part = n;
	x->sp.part_shift = shift;
}
