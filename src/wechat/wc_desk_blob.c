/* SPDX-License-Identifier: Apache-2.0 */
/*
 * BytesExtra, ExtraBuf, RoomData and packed_info_data (layouts in wc_desk_blob.h).  Every
 * length is checked against the bytes left before it is used; nothing recurses deeper than
 * the schema (two levels).
 */
#include "config.h"
#include "wechat/wc_desk_blob.h"
#include "wechat/wc_protobuf.h"

#include <string.h>

int
wxf_bytesextra_parse(const uint8_t *p, size_t n, wxf_bytesextra_item *items, size_t max,
    size_t *n_items)
{
	wxf_cur c = wxf_cur_make(p, n);
	wxf_pb_field f;
	int rc;

	*n_items = 0;
	while ((rc = wxf_pb_next(&c, &f, NULL)) == 1) {
		wxf_cur s;
		wxf_pb_field g;
		wxf_bytesextra_item it;
		int r2, have_type = 0;

		if (f.num != 3 || f.wire != WXF_PB_LEN)
			continue;
		memset(&it, 0, sizeof(it));
		s = wxf_pb_sub(&f);
		while ((r2 = wxf_pb_next(&s, &g, NULL)) == 1) {
			if (g.num == 1 && g.wire == WXF_PB_VARINT) {
				it.type = (uint32_t)g.v;
				have_type = 1;
			} else if (g.num == 2 && g.wire == WXF_PB_LEN) {
				it.p = g.p;
				it.n = g.n;
			}
		}
		if (r2 < 0)
			return WXF_ECORRUPT;
		if (!have_type)
			continue;
		if (*n_items < max)
			items[*n_items] = it;
		(*n_items)++;
	}
	return rc < 0 ? WXF_ECORRUPT : WXF_OK;
}

int
wxf_extrabuf_next(wxf_cur *c, wxf_extrabuf_ent *e)
{
	const uint8_t *tag;
	uint32_t len;

	if (wxf_cur_left(c) == 0)
		return 0;
	memset(e, 0, sizeof(*e));
	e->off = c->pos;
	if ((tag = wxf_cur_bytes(c, 4)) == NULL)
		return WXF_ECORRUPT;
	memcpy(e->tag, tag, 4);
	e->type = wxf_cur_u8(c);
	switch (e->type) {
	case 0x02:
		e->num = wxf_cur_u8(c);
		break;
	case 0x04:
		e->num = wxf_cur_u32le(c);
		break;
	case 0x05:
		e->num = wxf_cur_u64le(c);
		break;
	case 0x17:
	case 0x18:
		len = wxf_cur_u32le(c);
		if (c->bad || len > wxf_cur_left(c))
			return WXF_ECORRUPT;
		e->p = wxf_cur_bytes(c, len);
		e->n = len;
		break;
	default:
		return WXF_ECORRUPT;
	}
	return c->bad ? WXF_ECORRUPT : 1;
}

static int
hexnib(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int
wxf_extrabuf_is(const wxf_extrabuf_ent *e, const char *hex)
{
	int i;

	if (strlen(hex) != 8)
		return 0;
	for (i = 0; i < 4; i++) {
		int h = hexnib(hex[2 * i]), l = hexnib(hex[2 * i + 1]);

		if (h < 0 || l < 0 || e->tag[i] != (uint8_t)(h << 4 | l))
			return 0;
	}
	return 1;
}

int
wxf_roomdata_next(wxf_cur *c, wxf_roomdata_member *m)
{
	wxf_pb_field f;
	int rc;

	memset(m, 0, sizeof(*m));
	while ((rc = wxf_pb_next(c, &f, NULL)) == 1) {
		wxf_cur s;
		wxf_pb_field g;
		int r2;

		if (f.num != 1 || f.wire != WXF_PB_LEN)
			continue;
		s = wxf_pb_sub(&f);
		while ((r2 = wxf_pb_next(&s, &g, NULL)) == 1) {
			if (g.wire != WXF_PB_LEN)
				continue;
			if (g.num == 1 && m->user == NULL) {
				m->user = g.p;
				m->user_n = g.n;
			} else if (g.num == 2 && m->display == NULL) {
				m->display = g.p;
				m->display_n = g.n;
			}
		}
		if (r2 < 0)
			return WXF_ECORRUPT;
		if (m->user == NULL || m->user_n == 0) {
			memset(m, 0, sizeof(*m));
			continue;
		}
		return 1;
	}
	return rc < 0 ? WXF_ECORRUPT : 0;
}

/* Field inner of the nested message f (a LEN field) as lowercase hex text of 32 digits. */
static int
md5_field(const wxf_pb_field *f, uint32_t inner, char out[33])
{
	wxf_cur s = wxf_pb_sub(f);
	wxf_pb_field g;
	int rc;
	size_t i;

	while ((rc = wxf_pb_next(&s, &g, NULL)) == 1) {
		if (g.num != inner || g.wire != WXF_PB_LEN || g.n != 32)
			continue;
		for (i = 0; i < 32; i++) {
			int v = hexnib((char)g.p[i]);

			if (v < 0)
				break;
			out[i] = "0123456789abcdef"[v];
		}
		if (i == 32) {
			out[32] = '\0';
			return 1;
		}
		out[0] = '\0';
	}
	return rc < 0 ? WXF_ECORRUPT : 0;
}

int
wxf_packed_info(const uint8_t *p, size_t n, char img_md5[33], char video_md5[33])
{
	wxf_cur c = wxf_cur_make(p, n);
	wxf_pb_field f;
	int rc;

	img_md5[0] = video_md5[0] = '\0';
	while ((rc = wxf_pb_next(&c, &f, NULL)) == 1) {
		if (f.wire != WXF_PB_LEN)
			continue;
		if (f.num == 3 && img_md5[0] == '\0' && md5_field(&f, 4, img_md5) < 0)
			return WXF_ECORRUPT;
		if (f.num == 4 && video_md5[0] == '\0' && md5_field(&f, 8, video_md5) < 0)
			return WXF_ECORRUPT;
	}
	return rc < 0 ? WXF_ECORRUPT : WXF_OK;
}

static size_t
put_utf8(char *out, size_t out_n, size_t k, uint32_t cp)
{
	char b[4];
	size_t l, i;

	if (cp < 0x80) {
		b[0] = (char)cp;
		l = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		l = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		l = 3;
	} else {
		b[0] = (char)(0xf0 | cp >> 18);
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		l = 4;
	}
	if (k + l >= out_n)
		return k;
	for (i = 0; i < l; i++)
		out[k + i] = b[i];
	return k + l;
}

size_t
wxf_utf16le_to_utf8(const uint8_t *p, size_t n, char *out, size_t out_n)
{
	size_t i, k = 0;

	for (i = 0; i + 1 < n; i += 2) {
		uint32_t u = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8;

		if (u == 0)
			break;
		if (u >= 0xd800 && u <= 0xdbff && i + 3 < n) {
			uint32_t v = (uint32_t)p[i + 2] | (uint32_t)p[i + 3] << 8;

			if (v >= 0xdc00 && v <= 0xdfff) {
				u = 0x10000 + ((u - 0xd800) << 10) + (v - 0xdc00);
				i += 2;
			} else
				u = 0xfffd;
		} else if (u >= 0xd800 && u <= 0xdfff)
			u = 0xfffd;
		k = put_utf8(out, out_n, k, u);
	}
	out[k < out_n ? k : out_n - 1] = '\0';
	return k;
}
