/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Protobuf wire-format reader (format table in protobuf.h).  Every byte goes through wxf_cur.
 */
#include "config.h"
#include "wechat/wc_protobuf.h"

#include <string.h>

int
wxf_pb_next(wxf_cur *c, wxf_pb_field *f, wxf_err *err)
{
	size_t start = c->pos;
	uint64_t key;

	memset(f, 0, sizeof(*f));
	if (wxf_cur_left(c) == 0)
		return 0;
	f->pos = start;
	f->abs = wxf_cur_abs(c);
	key = wxf_cur_leb128(c);
	if (c->bad)
		goto trunc;
	if ((key >> 3) == 0 || (key >> 3) > 0x1fffffffu) {
		c->pos = start;
		return WXF_CORRUPT(err, -1, (int64_t)f->abs, "protobuf: field number %llu out of range",
		    (unsigned long long)(key >> 3));
	}
	f->num = (uint32_t)(key >> 3);
	f->wire = (int)(key & 7);
	switch (f->wire) {
	case WXF_PB_VARINT:
		f->v = wxf_cur_leb128(c);
		break;
	case WXF_PB_I64:
		f->v = wxf_cur_u64le(c);
		break;
	case WXF_PB_I32:
		f->v = wxf_cur_u32le(c);
		break;
	case WXF_PB_LEN: {
		uint64_t l = wxf_cur_leb128(c);

		if (c->bad)
			break;
		if (l > wxf_cur_left(c)) {
			c->pos = start;
			return WXF_CORRUPT(err, -1, (int64_t)f->abs,
			    "protobuf: field %u declares %llu bytes, %zu left", f->num,
			    (unsigned long long)l, wxf_cur_left(c));
		}
		f->n = (size_t)l;
		f->p = wxf_cur_bytes(c, f->n);
		if (f->p == NULL && f->n == 0)
			f->p = c->base != NULL ? c->base + c->pos : (const uint8_t *)"";
		break;
	}
	case 3:
	case 4:
		c->pos = start;
		return wxf_err_setx(err, WXF_EUNSUPPORTED, WXF_SEV_WARN, __FILE__, __LINE__, -1,
		    (int64_t)f->abs, "protobuf: group wire type %d (field %u) not supported",
		    f->wire, f->num);
	default:
		c->pos = start;
		return WXF_CORRUPT(err, -1, (int64_t)f->abs, "protobuf: invalid wire type %d",
		    f->wire);
	}
	if (c->bad)
		goto trunc;
	f->len = c->pos - start;
	return 1;
trunc:
	c->pos = start;
	return WXF_CORRUPT(err, -1, (int64_t)f->abs, "protobuf: truncated field");
}

wxf_cur
wxf_pb_sub(const wxf_pb_field *f)
{
	/* the value bytes start len - n bytes after the key */
	return wxf_cur_make_at(f->p, f->n, f->abs + (f->len - f->n));
}

int
wxf_pb_find(const uint8_t *data, size_t n, uint32_t num, int last, wxf_pb_field *f)
{
	wxf_cur c = wxf_cur_make(data, n);
	wxf_pb_field g;
	int found = 0, r;

	while ((r = wxf_pb_next(&c, &g, NULL)) == 1) {
		if (g.num == num) {
			*f = g;
			found = 1;
			if (!last)
				return 1;
		}
	}
	return r < 0 && !found ? r : found;
}

int
wxf_pb_wrapped_str(const wxf_pb_field *f, const uint8_t **p, size_t *n)
{
	wxf_pb_field g;

	if (f->wire != WXF_PB_LEN)
		return 0;
	if (wxf_pb_find(f->p, f->n, 1, 0, &g) != 1 || g.wire != WXF_PB_LEN)
		return 0;
	*p = g.p;
	*n = g.n;
	return 1;
}

long
wxf_pb_validate(const uint8_t *data, size_t n, long max_fields)
{
	wxf_cur c = wxf_cur_make(data, n);
	wxf_pb_field f;
	long k = 0;
	int r;

	while ((r = wxf_pb_next(&c, &f, NULL)) == 1)
		if (++k > max_fields)
			return -1;
	return r < 0 ? -1 : k;
}
