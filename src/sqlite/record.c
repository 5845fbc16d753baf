/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Records and serial types (fileformat2 section 2.1).
 *
 * Record:
 *   varint header length H (counting itself), then one serial-type varint per column,
 *   then the body: the values in column order.
 *
 *   SERIAL TYPE  BODY BYTES  MEANING
 *   0            0           NULL (also the INTEGER PRIMARY KEY alias of the rowid)
 *   1 2 3 4      1 2 3 4     big-endian two's-complement integer
 *   5 6          6 8         big-endian two's-complement integer
 *   7            8           IEEE-754 double, big-endian
 *   8 9          0           the integers 0 and 1 (schema format >= 4)
 *   10 11        -           reserved: never valid on disk
 *   N>=12 even   (N-12)/2    BLOB
 *   N>=13 odd    (N-13)/2    TEXT in the database encoding
 *
 * Invariants: H <= available bytes; every serial-type varint ends inside the header; text is
 * handed out as UTF-8 (UTF-16 converted, unpaired surrogates and odd bytes become U+FFFD).
 */
#include "config.h"
#include "sqlite_int.h"
#include "base/wxf_cur.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int
wxf_sqlite_record_types(const uint8_t *p, size_t n, uint64_t *types, int max, size_t *hdr_len)
{
	uint64_t h, st;
	size_t pos, len;
	int k = 0;

	len = wxf_sqlvarint_fast(p, n, 0, &h);
	if (len == 0 || h < len || h > n || h > 65536 * 2)
		return -1;
	pos = len;
	while (pos < h) {
		len = wxf_sqlvarint_fast(p, (size_t)h, pos, &st);
		if (len == 0 || st == 10 || st == 11)
			return -1;
		if (k < max)
			types[k] = st;
		k++;
		pos += len;
	}
	*hdr_len = (size_t)h;
	return k;
}

static size_t
utf16_to_utf8(const uint8_t *in, size_t n, int be, uint8_t *out)
{
	size_t i = 0, o = 0;
	uint32_t cp, lo;

	while (i + 1 < n) {
		cp = be ? (uint32_t)in[i] << 8 | in[i + 1] : (uint32_t)in[i + 1] << 8 | in[i];
		i += 2;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (i + 1 < n) {
				lo = be ? (uint32_t)in[i] << 8 | in[i + 1] : (uint32_t)in[i + 1] << 8 | in[i];
				if (lo >= 0xdc00 && lo <= 0xdfff) {
					i += 2;
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				} else
					cp = 0xfffd;
			} else
				cp = 0xfffd;
		} else if (cp >= 0xdc00 && cp <= 0xdfff)
			cp = 0xfffd;
		if (cp < 0x80)
			out[o++] = (uint8_t)cp;
		else if (cp < 0x800) {
			out[o++] = (uint8_t)(0xc0 | cp >> 6);
			out[o++] = (uint8_t)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			out[o++] = (uint8_t)(0xe0 | cp >> 12);
			out[o++] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
			out[o++] = (uint8_t)(0x80 | (cp & 0x3f));
		} else {
			out[o++] = (uint8_t)(0xf0 | cp >> 18);
			out[o++] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
			out[o++] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
			out[o++] = (uint8_t)(0x80 | (cp & 0x3f));
		}
	}
	if (i < n) { /* odd trailing byte */
		out[o++] = 0xef;
		out[o++] = 0xbf;
		out[o++] = 0xbd;
	}
	return o;
}

int
wxf_sqlite_record_values(int enc, const uint64_t *types, int n, const uint8_t *body,
    size_t body_len, wxf_sqlval *vals, wxf_sqlite_scratch *s, int *truncated)
{
	size_t pos = 0, need = 0;
	int i, j;
	int64_t sz;

	if (enc == 2 || enc == 3) {
		for (i = 0; i < n; i++)
			if (types[i] >= 13 && (types[i] & 1))
				need += (size_t)wxf_sqlite_serial_size(types[i]) / 2 * 3 + 3;
		s->txt_len = 0;
		if (need > body_len * 2 + 16)
			need = body_len * 2 + 16; /* only bytes that exist get converted */
		if (wxf_scratch_reserve(&s->txt, &s->txt_cap, need) != WXF_OK)
			return WXF_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		wxf_sqlval *v = &vals[i];
		uint64_t st = types[i];
		const uint8_t *b;

		memset(v, 0, sizeof(*v));
		sz = wxf_sqlite_serial_size(st);
		if (sz < 0 || (uint64_t)sz > body_len - pos) {
			if (truncated != NULL && st != 0)
				*truncated = 1;
			pos = body_len;
			continue;
		}
		b = body + pos;
		pos += (size_t)sz;
		if (st == 0)
			continue;
		if (st <= 6) {
			int64_t x = (b[0] & 0x80) ? -1 : 0;

			for (j = 0; j < sz; j++)
				x = (int64_t)((uint64_t)x << 8 | b[j]);
			v->type = WXF_SQL_INT;
			v->i = x;
		} else if (st == 7) {
			uint64_t u = 0;

			for (j = 0; j < 8; j++)
				u = u << 8 | b[j];
			v->type = WXF_SQL_FLOAT;
			memcpy(&v->f, &u, sizeof(v->f));
		} else if (st == 8 || st == 9) {
			v->type = WXF_SQL_INT;
			v->i = (int64_t)(st - 8);
		} else if (st & 1) {
			v->type = WXF_SQL_TEXT;
			if (enc == 2 || enc == 3) {
				if (s->txt_len + (size_t)sz / 2 * 3 + 3 > s->txt_cap) {
					v->p = (const uint8_t *)"";
					v->n = 0;
					continue;
				}
				v->p = s->txt + s->txt_len;
				v->n = utf16_to_utf8(b, (size_t)sz, enc == 3, s->txt + s->txt_len);
				s->txt_len += v->n;
			} else {
				v->p = b;
				v->n = (size_t)sz;
			}
		} else {
			v->type = WXF_SQL_BLOB;
			v->p = b;
			v->n = (size_t)sz;
		}
	}
	return WXF_OK;
}

char *
wxf_sqlval_strdup(const wxf_sqlval *v)
{
	char tmp[64], *r;
	const char *src = tmp;
	size_t n;

	if (v == NULL)
		return NULL;
	switch (v->type) {
	case WXF_SQL_NULL:
		return NULL;
	case WXF_SQL_INT:
		snprintf(tmp, sizeof(tmp), "%" PRId64, v->i);
		n = strlen(tmp);
		break;
	case WXF_SQL_FLOAT:
		snprintf(tmp, sizeof(tmp), "%.15g", v->f);
		if (strtod(tmp, NULL) != v->f)
			snprintf(tmp, sizeof(tmp), "%.17g", v->f);
		if (isfinite(v->f) && strpbrk(tmp, ".eEn") == NULL)
			strcat(tmp, ".0");
		n = strlen(tmp);
		break;
	default:
		src = (const char *)v->p;
		n = v->n;
		break;
	}
	r = malloc(n + 1);
	if (r == NULL)
		return NULL;
	if (n)
		memcpy(r, src, n);
	r[n] = '\0';
	return r;
}

int64_t
wxf_sqlval_int(const wxf_sqlval *v, int64_t def)
{
	char tmp[64], *end;
	long long x;
	size_t n;

	if (v == NULL)
		return def;
	switch (v->type) {
	case WXF_SQL_INT:
		return v->i;
	case WXF_SQL_FLOAT:
		if (v->f != v->f || v->f >= 9.2233720368547758e18 || v->f <= -9.2233720368547758e18)
			return def;
		return (int64_t)v->f;
	case WXF_SQL_TEXT:
		n = v->n < sizeof(tmp) - 1 ? v->n : sizeof(tmp) - 1;
		if (n == 0 || v->n >= sizeof(tmp))
			return def;
		memcpy(tmp, v->p, n);
		tmp[n] = '\0';
		errno = 0;
		x = strtoll(tmp, &end, 10);
		while (*end && isspace((unsigned char)*end))
			end++;
		if (errno != 0 || end == tmp || *end != '\0')
			return def;
		return x;
	default:
		return def;
	}
}

/* datatype3.html 3.1: the first matching rule wins. */
wxf_affinity
wxf_sqlite_affinity(const char *t)
{
	char up[128];
	size_t i;

	if (t == NULL || *t == '\0')
		return WXF_AFF_BLOB;
	for (i = 0; t[i] && i < sizeof(up) - 1; i++)
		up[i] = (char)toupper((unsigned char)t[i]);
	up[i] = '\0';
	if (strstr(up, "INT"))
		return WXF_AFF_INTEGER;
	if (strstr(up, "CHAR") || strstr(up, "CLOB") || strstr(up, "TEXT"))
		return WXF_AFF_TEXT;
	if (strstr(up, "BLOB"))
		return WXF_AFF_BLOB;
	if (strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB"))
		return WXF_AFF_REAL;
	return WXF_AFF_NUMERIC;
}
