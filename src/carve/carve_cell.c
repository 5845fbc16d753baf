/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Record parsing: the cells the carver recognises in a page image.
 *
 * Freeblock (a chain in ascending offset order from header bytes 1..2):
 *   OFFSET SIZE DESCRIPTION
 *        0    2 offset of the next freeblock, 0 = last
 *        2    2 size of this freeblock, header included (>= 4)
 * A freed cell becomes a freeblock: its first 4 bytes (payload length, rowid, header length and
 * at most one serial type) are overwritten; the rest survives unless secure_delete is on.
 *
 * The records looked for (carve_page.c tries them at each offset of free space, in this order):
 *   1. an intact table-leaf cell (cv_intact_cell): varint P, varint rowid, record header, body,
 *      with P == header + body exactly, every serial type legal, text valid in the db encoding,
 *      and a schema signature that accepts the serial types (cv_score); in index pages, intact
 *      index cells (deleted index entries);
 *   2. at a freeblock start, a clobbered cell (cv_clobbered_cell): for every split
 *      x = len(P)+len(rowid) in 2..10 the surviving serial types are read, a lost first type is
 *      inferred from the affinity and the freeblock size (exact fit, or the next intact cell
 *      right after), and the header length byte is checked where it survives.
 */
#include "config.h"
#include "carve_int.h"

#include <string.h>

/* Parses serial types from p[pos..lim) into r->types[first..first+count).  Returns the end
 * position or 0 on failure. */
static size_t
read_types(const uint8_t *p, size_t pos, size_t lim, cv_rec *r, int first, int count)
{
	int i;

	for (i = 0; i < count; i++) {
		uint64_t st;
		size_t l = wxf_sqlvarint_fast(p, lim, pos, &st);

		if (l == 0 || st == 10 || st == 11 || st > 0xffffffffULL)
			return 0;
		r->types[first + i] = st;
		pos += l;
	}
	return pos;
}

/*
 * An intact cell at page[off] within [off, lim): table leaf (index = 0) or index cell.  On success
 * fills r (body points into page, or into x->s2.pay when overflow was assembled) and returns 1.
 */
int
cv_intact_cell(cx *x, const uint8_t *page, uint32_t off, uint32_t lim, int index, int interior, cv_rec *r)
{
	uint64_t P, rowid = 0, h, bs;
	size_t l, pos = off, hl, hend;
	uint32_t local;
	int n;

	if (interior)
		pos += 4;
	if ((l = wxf_sqlvarint_fast(page, lim, pos, &P)) == 0 || P < 2 || P > ((uint64_t)1 << 31))
		return 0;
	pos += l;
	if (!index) {
		if ((l = wxf_sqlvarint_fast(page, lim, pos, &rowid)) == 0)
			return 0;
		pos += l;
	}
	local = wxf_sqlite_local_size(x->U, !index, P);
	if (pos + local + (local < P ? 4 : 0) > lim)
		return 0;
	if ((hl = wxf_sqlvarint_fast(page, pos + local, pos, &h)) == 0 || h < 2 || h > local || h > P)
		return 0;
	hend = pos + (size_t)h;
	n = 0;
	{
		size_t q = pos + hl;

		while (q < hend) {
			uint64_t st;
			size_t k = wxf_sqlvarint_fast(page, hend, q, &st);

			if (k == 0 || st == 10 || st == 11 || n >= CV_MAXCOLS)
				return 0;
			r->types[n++] = st;
			q += k;
		}
	}
	r->ncols = n;
	r->col0_unknown = 0;
	bs = cv_body_size(r, 0);
	if (bs + h != P)
		return 0;
	r->rowid = index ? INT64_MIN : (int64_t)rowid;
	r->off = off;
	r->payload_len = P;
	r->local = local;
	r->overflow = 0;
	r->truncated = 0;
	r->len = (uint32_t)(pos + local + (local < P ? 4 : 0) - off);
	r->body = page + hend;
	r->body_len = (size_t)(P - h);
	if (local < P) {
		const uint8_t *out;
		size_t olen;
		int tr = 0;

		r->overflow = (uint32_t)page[pos + local] << 24 | (uint32_t)page[pos + local + 1] << 16 |
		    (uint32_t)page[pos + local + 2] << 8 | page[pos + local + 3];
		if (r->overflow == 0 || r->overflow > x->main_pages)
			return 0;
		if (!cv_values_ok(x, r, local - h))
			return 0;
		if (wxf_sqlite_payload(x->db, page + pos, local, P, r->overflow, &x->s2, &out, &olen, &tr, NULL) != WXF_OK) {
			x->oom = 1;
			return 0;
		}
		r->truncated = tr;
		r->body = out + h;
		r->body_len = olen > h ? olen - h : 0;
		return 1;
	}
	return cv_values_ok(x, r, r->body_len);
}

/* A table-leaf cell shape at page[q]: payload length, rowid, a record header whose serial types
 * add up to the payload, the local part within lim.  Nothing else is checked and nothing is
 * assembled: this is the lookahead of the segmentation. */
static int
cell_shape(const cx *x, const uint8_t *page, uint32_t q, uint32_t lim)
{
	uint64_t P, rowid, h, bs = 0;
	size_t l, pos = q, hend;
	uint32_t local;

	if ((l = wxf_sqlvarint_fast(page, lim, pos, &P)) == 0 || P < 2 || P > ((uint64_t)1 << 31))
		return 0;
	pos += l;
	if ((l = wxf_sqlvarint_fast(page, lim, pos, &rowid)) == 0)
		return 0;
	pos += l;
	local = wxf_sqlite_local_size(x->U, 1, P);
	if (pos + local + (local < P ? 4 : 0) > lim)
		return 0;
	if ((l = wxf_sqlvarint_fast(page, pos + local, pos, &h)) == 0 || h < 2 || h > local)
		return 0;
	hend = pos + (size_t)h;
	for (pos += l; pos < hend;) {
		uint64_t st;
		int64_t z;

		if ((l = wxf_sqlvarint_fast(page, hend, pos, &st)) == 0 || (z = wxf_sqlite_serial_size(st)) < 0)
			return 0;
		bs += (uint64_t)z;
		pos += l;
	}
	return bs + h == P;
}

/* How well a record ending at e continues the free run that ends at lim: 2 = at lim or at the
 * start of a further freed cell (a stale freeblock header, an intact cell), 1 = a fragment
 * (1..3 bytes) before one, 0 = followed by nothing recognisable. */
static int
anchor(const cx *x, const uint8_t *page, uint32_t e, uint32_t lim)
{
	uint32_t k, sz;

	for (k = 0; k <= 3 && e + k <= lim; k++) {
		uint32_t q = e + k;

		if (q == lim || cv_fb_header(x, page, q, lim, &sz) || cell_shape(x, page, q, lim))
			return k == 0 ? 2 : 1;
	}
	return 0;
}

/* anchor(), memoised per cv_clobbered_cell call (the same end is asked for by every signature). */
static int
anchor_m(cx *x, const uint8_t *page, uint32_t e, uint32_t lim)
{
	if (e > x->U)
		return 0;
	if (x->scan.anc_gen[e] != x->scan.gen) {
		x->scan.anc_gen[e] = x->scan.gen;
		x->scan.anc_val[e] = (uint8_t)anchor(x, page, e, lim);
	}
	return x->scan.anc_val[e];
}

static void
rec_copy(cv_rec *d, const cv_rec *s)
{
	d->rowid = s->rowid;
	d->ncols = s->ncols;
	memcpy(d->types, s->types, sizeof(uint64_t) * (size_t)(s->ncols > 0 ? s->ncols : 0));
	d->col0_unknown = s->col0_unknown;
	d->body = s->body;
	d->body_len = s->body_len;
	d->off = s->off;
	d->len = s->len;
	d->payload_len = s->payload_len;
	d->local = s->local;
	d->overflow = s->overflow;
	d->truncated = s->truncated;
	d->base = s->base;
}

/* Varint length of v. */
static int
vlen(uint64_t v)
{
	int n = 1;

	while (n < 9 && v >= ((uint64_t)1 << (7 * n)))
		n++;
	return n;
}

typedef struct clob_best {
	int rank, sig, xs, hdr_bytes;
	uint32_t len, local, ovfl;
	uint64_t P;
} clob_best;

/* Scores candidate t (its types, body in the page) of signature si as a freed cell at p of
 * cell_len bytes; keeps it in *b / r when it ranks best. */
static void
clob_rank(cx *x, const uint8_t *page, uint32_t p, uint32_t lim, uint32_t fbsize, int si, cv_rec *t,
    int xs, int hdr_bytes, uint64_t P, int hdr_seen, cv_rec *r, clob_best *b)
{
	const cv_sig *s = &x->sigs[si];
	uint32_t local = (uint32_t)P, ovfl = 0, len;
	size_t avail;
	int sc, rank;

	if (P > x->U - 35) {
		local = wxf_sqlite_local_size(x->U, 1, P);
		len = (uint32_t)xs + local + 4;
		if (p + len > lim || local < (uint32_t)hdr_bytes)
			return;
		ovfl = (uint32_t)page[p + xs + local] << 24 | (uint32_t)page[p + xs + local + 1] << 16 |
		    (uint32_t)page[p + xs + local + 2] << 8 | page[p + xs + local + 3];
		if (ovfl < 2 || ovfl > x->main_pages)
			return;
		avail = local - (uint32_t)hdr_bytes;
	} else {
		len = (uint32_t)(xs + P);
		if (p + len > lim)
			return;
		avail = (size_t)(P - (uint64_t)hdr_bytes);
	}
	t->body = page + p + xs + hdr_bytes;
	t->body_len = avail;
	if (P == (uint64_t)hdr_bytes + (uint64_t)wxf_sqlite_serial_size(t->types[0]) && xs == 2)
		return; /* nothing but the guessed first value: no evidence */
	if (P == (uint64_t)hdr_bytes || (sc = cv_score(s, t)) < 0 || !cv_values_ok(x, t, avail))
		return;
	rank = sc * 4 + 60 * anchor_m(x, page, p + len, lim) + (len == fbsize ? 40 : 0) + (hdr_seen ? 20 : 0) +
	    (si == x->scan.hint ? 12 : 0);
	if (rank <= b->rank)
		return;
	b->rank = rank;
	b->sig = si;
	b->xs = xs;
	b->hdr_bytes = hdr_bytes;
	b->len = len;
	b->local = local;
	b->ovfl = ovfl;
	b->P = P;
	rec_copy(r, t);
	r->base = sc;  /* kept for the caller */
}

/*
 * A freed cell at p whose first 4 bytes were overwritten by a freeblock header (fbsize: its size
 * field; the cell lies in [p, lim)).  The payload-length and rowid varints (xs bytes together)
 * and the record's header-length byte at p + xs are gone when they fall in those 4 bytes; with
 * xs = 2 the first serial type is gone too.  For every table signature and every split xs the
 * surviving serial types are read, a lost first type is enumerated from the column's affinity
 * (integer sizes, REAL, NULL/0/1, text and blob lengths), the payload size must equal the header
 * plus the sum of the serial sizes (or follow the overflow local-size rule), the header-length
 * byte must match where it survives, and candidates are ranked by schema fit, by how the record
 * ends (at the block end, or where a further freed cell starts: coalesced blocks are split this
 * way), by an exact match of the size field, and by the page's owner.  Returns 1 and fills r,
 * *sig_out, *score_out with the best.
 */
int
cv_clobbered_cell(cx *x, const uint8_t *page, uint32_t p, uint32_t lim, uint32_t fbsize, cv_rec *r,
    int *sig_out, int *score_out)
{
	cv_rec *t = &x->scan.rec_try;
	clob_best b;
	int si;

	memset(&b, 0, sizeof(b));
	b.rank = -1;
	if (++x->scan.gen == 0) {
		memset(x->scan.anc_gen, 0, sizeof(uint32_t) * (x->U + 1));
		x->scan.gen = 1;
	}
	for (si = 0; si < x->n_sigs; si++) {
		const cv_sig *s = &x->sigs[si];
		int xs;

		if (s->is_index || (x->only_sig >= 0 && si != x->only_sig))
			continue;
		for (xs = 2; xs <= 9; xs++) {
			uint32_t h0 = p + (uint32_t)xs, e;
			uint64_t K;
			int hdr_bytes;

			if (h0 + 2 > lim)
				break;
			t->ncols = s->n;
			t->col0_unknown = 0;
			t->rowid = INT64_MIN;
			if (xs == 2) {
				/* header-length byte and first serial type lost (P < 128, rowid < 128) */
				uint64_t zmax, z;

				if (s->n < 2 || (e = (uint32_t)read_types(page, p + 4, lim, t, 1, s->n - 1)) == 0)
					continue;
				hdr_bytes = (int)(e - (p + 3)) + 1;
				if (hdr_bytes > 127)
					continue;
				K = cv_body_size(t, 1);
				if (e + K > lim || 2 + hdr_bytes + K > 127 + 2)
					continue;
				zmax = lim - (e + K);
				if (zmax > 127 - (uint64_t)hdr_bytes - K)
					zmax = 127 - (uint64_t)hdr_bytes - K;
				for (z = 0; z <= zmax; z++) {
					static const uint64_t ints[9] = { 0, 1, 2, 3, 4, 0, 5, 0, 6 };
					uint64_t c[6];
					int nc = 0, k;

					if (z > 8 && anchor_m(x, page, (uint32_t)(e + K + z), lim) == 0)
						continue; /* text/blob lengths only where the record can end */
					if (s->ipk == 0) {
						if (z == 0)
							c[nc++] = 0;
					} else if (z == 0) {
						c[nc++] = 0;
						c[nc++] = 8;
						c[nc++] = 9;
					} else if (z <= 8 && ints[z] != 0)
						c[nc++] = ints[z];
					if (z == 8 && s->ipk != 0)
						c[nc++] = 7;
					if (s->ipk != 0) {
						c[nc++] = 13 + 2 * z;
						c[nc++] = 12 + 2 * z;
					}
					for (k = 0; k < nc; k++) {
						int rb = b.rank;

						t->types[0] = c[k];
						t->col0_unknown = 0;
						clob_rank(x, page, p, lim, fbsize, si, t, xs, hdr_bytes,
						    (uint64_t)hdr_bytes + K + z, 0, r, &b);
						if (b.rank > rb && z == 0 && s->ipk != 0) {
							/* NULL, 0 and 1 take no bytes: the value stays unknown
							 * unless the column allows only one of them */
							int alt = 0, kk;

							for (kk = 0; kk < nc; kk++)
								if (kk != k && c[kk] < 10 &&
								    cv_type_penalty(s, 0, c[kk]) >= 0)
									alt++;
							r->col0_unknown = alt > 0;
						}
					}
				}
				continue;
			}
			/* every serial type survives; the header-length byte too when xs >= 4 */
			if ((e = (uint32_t)read_types(page, h0 + 1, lim, t, 0, s->n)) == 0)
				continue;
			hdr_bytes = (int)(e - h0);
			if (hdr_bytes > 127)
				continue;
			if (h0 >= p + 4 && page[h0] != (uint8_t)hdr_bytes)
				continue;
			K = cv_body_size(t, 0);
			{
				uint64_t P = (uint64_t)hdr_bytes + K;

				if (xs - vlen(P) < 1)
					continue;
				clob_rank(x, page, p, lim, fbsize, si, t, xs, hdr_bytes, P, h0 >= p + 4, r, &b);
			}
		}
	}
	if (b.rank < 0)
		return 0;
	r->off = p;
	r->len = b.len;
	r->payload_len = b.P;
	r->local = b.local;
	r->overflow = b.ovfl;
	r->truncated = 0;
	r->rowid = INT64_MIN;
	*score_out = r->base > 100 ? 100 : r->base;
	*sig_out = b.sig;
	if (b.ovfl != 0) {
		const uint8_t *out;
		size_t olen;
		int tr = 0;

		if (wxf_sqlite_payload(x->db, page + p + b.xs, b.local, b.P, b.ovfl, &x->s2, &out, &olen, &tr,
		    NULL) != WXF_OK) {
			x->oom = 1;
			return 0;
		}
		r->truncated = tr;
		r->body = out + b.hdr_bytes;
		r->body_len = olen > (size_t)b.hdr_bytes ? olen - (size_t)b.hdr_bytes : 0;
	} else
		r->body_len = (size_t)(b.P - (uint64_t)b.hdr_bytes);
	r->base = r->col0_unknown ? 60 : 80;
	if (anchor(x, page, p + b.len, lim) == 0)
		r->base -= 20;
	return 1;
}

int
wxf_carve_decode_cell(const wxf_sqlite_db *db, const wxf_sqlite_obj *t, const uint8_t *data,
    size_t size, int64_t *rowid, wxf_sqlval *vals, wxf_sqlite_scratch *s)
{
	uint64_t P, rid, types[CV_MAXCOLS];
	size_t l, pos = 0, hl;
	int n, i, tr = 0, pen = 0;

	if (t == NULL || t->n_cols <= 0 || t->n_cols >= CV_MAXCOLS)
		return -1;
	if ((l = wxf_sqlvarint_fast(data, size, pos, &P)) == 0)
		return -1;
	pos += l;
	if ((l = wxf_sqlvarint_fast(data, size, pos, &rid)) == 0)
		return -1;
	pos += l;
	if (P > size - pos)
		return -1;
	n = wxf_sqlite_record_types(data + pos, (size_t)P, types, CV_MAXCOLS, &hl);
	if (n < 1 || n > t->n_cols)
		return -1;
	{
		uint64_t bs = 0;

		for (i = 0; i < n; i++)
			bs += (uint64_t)wxf_sqlite_serial_size(types[i]);
		if (bs + hl != P)
			return -1;
	}
	if (wxf_sqlite_record_values(wxf_sqlite_encoding(db), types, n, data + pos + hl, (size_t)P - hl,
	    vals, s, &tr) != WXF_OK)
		return -1;
	for (i = n; i < t->n_cols; i++)
		memset(&vals[i], 0, sizeof(vals[i]));
	if (t->ipk_col >= 0) {
		vals[t->ipk_col].type = WXF_SQL_INT;
		vals[t->ipk_col].i = (int64_t)rid;
	}
	for (i = 0; i < n; i++)
		if (i != t->ipk_col && types[i] != 0 && wxf_sqlite_affinity(t->col_types ? t->col_types[i] : "") ==
		    WXF_AFF_TEXT && types[i] < 12)
			pen += 30;
	*rowid = (int64_t)rid;
	pen += 10 * (t->n_cols - n);
	return pen > 100 ? 0 : 100 - pen;
}
