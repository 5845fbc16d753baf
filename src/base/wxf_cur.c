/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "wxf_cur.h"

wxf_cur
wxf_cur_make(const void *data, size_t size)
{
	return wxf_cur_make_at(data, size, 0);
}

wxf_cur
wxf_cur_make_at(const void *data, size_t size, uint64_t base_off)
{
	wxf_cur c;

	c.base = data;
	c.size = data != NULL ? size : 0;
	c.pos = 0;
	c.base_off = base_off;
	c.bad = 0;
	return c;
}

int
wxf_cur_seek(wxf_cur *c, size_t pos)
{
	if (pos > c->size) {
		c->bad = 1;
		return -1;
	}
	c->pos = pos;
	return 0;
}

int
wxf_cur_skip(wxf_cur *c, size_t n)
{
	if (n > wxf_cur_left(c)) {
		c->bad = 1;
		return -1;
	}
	c->pos += n;
	return 0;
}

const uint8_t *
wxf_cur_bytes(wxf_cur *c, size_t n)
{
	const uint8_t *p;

	if (n > wxf_cur_left(c)) {
		c->bad = 1;
		return NULL;
	}
	p = c->base + c->pos;
	c->pos += n;
	return p;
}

wxf_cur
wxf_cur_sub(wxf_cur *c, size_t n)
{
	wxf_cur s;
	uint64_t abs = wxf_cur_abs(c);
	const uint8_t *p = wxf_cur_bytes(c, n);

	if (p == NULL) {
		s = wxf_cur_make_at(NULL, 0, abs);
		s.bad = 1;
		return s;
	}
	return wxf_cur_make_at(p, n, abs);
}

static uint64_t
get_be(wxf_cur *c, size_t n)
{
	const uint8_t *p = wxf_cur_bytes(c, n);
	uint64_t v = 0;
	size_t i;

	if (p == NULL)
		return 0;
	for (i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

static uint64_t
get_le(wxf_cur *c, size_t n)
{
	const uint8_t *p = wxf_cur_bytes(c, n);
	uint64_t v = 0;
	size_t i;

	if (p == NULL)
		return 0;
	for (i = n; i > 0; i--)
		v = (v << 8) | p[i - 1];
	return v;
}

uint8_t wxf_cur_u8(wxf_cur *c) { return (uint8_t)get_be(c, 1); }
uint16_t wxf_cur_u16be(wxf_cur *c) { return (uint16_t)get_be(c, 2); }
uint32_t wxf_cur_u24be(wxf_cur *c) { return (uint32_t)get_be(c, 3); }
uint32_t wxf_cur_u32be(wxf_cur *c) { return (uint32_t)get_be(c, 4); }
uint64_t wxf_cur_u48be(wxf_cur *c) { return get_be(c, 6); }
uint64_t wxf_cur_u64be(wxf_cur *c) { return get_be(c, 8); }
uint16_t wxf_cur_u16le(wxf_cur *c) { return (uint16_t)get_le(c, 2); }
uint32_t wxf_cur_u32le(wxf_cur *c) { return (uint32_t)get_le(c, 4); }
uint64_t wxf_cur_u64le(wxf_cur *c) { return get_le(c, 8); }

size_t
wxf_sqlvarint(const uint8_t *p, size_t n, size_t off, uint64_t *out)
{
	return wxf_sqlvarint_fast(p, n, off, out);
}

uint64_t
wxf_cur_sqlvarint(wxf_cur *c)
{
	uint64_t v = 0;
	size_t len;

	if (c->pos > c->size) {
		c->bad = 1;
		return 0;
	}
	len = wxf_sqlvarint(c->base, c->size, c->pos, &v);
	if (len == 0) {
		c->bad = 1;
		return 0;
	}
	c->pos += len;
	return v;
}

uint64_t
wxf_cur_leb128(wxf_cur *c)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < 10; i++) {
		if (c->pos + i >= c->size) {
			c->bad = 1;
			return 0;
		}
		v |= (uint64_t)(c->base[c->pos + i] & 0x7f) << (7 * i);
		if ((c->base[c->pos + i] & 0x80) == 0) {
			c->pos += i + 1;
			return v;
		}
	}
	c->bad = 1; /* longer than 10 bytes: not a varint */
	return 0;
}

int
wxf_get_u16be(const uint8_t *p, size_t n, size_t off, uint16_t *out)
{
	if (off > n || n - off < 2)
		return -1;
	*out = (uint16_t)((p[off] << 8) | p[off + 1]);
	return 0;
}

int
wxf_get_u32be(const uint8_t *p, size_t n, size_t off, uint32_t *out)
{
	if (off > n || n - off < 4)
		return -1;
	*out = ((uint32_t)p[off] << 24) | ((uint32_t)p[off + 1] << 16) |
	    ((uint32_t)p[off + 2] << 8) | p[off + 3];
	return 0;
}
