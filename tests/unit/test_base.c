/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for src/base: cursor, varints, hashes (known vectors), escaping, formatting, time,
 * paths, audit. */
#include "config.h"
#include "tap.h"
#include "base/wxf_audit.h"
#include "base/wxf_buf.h"
#include "base/wxf_cur.h"
#include "base/wxf_err.h"
#include "base/wxf_file.h"
#include "base/wxf_fmt.h"
#include "base/wxf_hash.h"
#include "base/wxf_log.h"
#include "base/wxf_mem.h"
#include "base/wxf_sniff.h"
#include "base/wxf_strmap.h"
#include "base/wxf_time.h"
#include "base/wxf_xml.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static void
test_cursor(void)
{
	static const uint8_t d[] = { 0x0d, 0x00, 0x04, 0x03, 0x81, 0x00, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff };
	wxf_cur c = wxf_cur_make(d, sizeof(d));
	uint64_t v;

	is_int(wxf_cur_u8(&c), 0x0d, "u8");
	is_int(wxf_cur_u16be(&c), 0x0004, "u16be");
	is_int(wxf_cur_u8(&c), 3, "u8 again");
	is_int(wxf_cur_sqlvarint(&c), 128, "2-byte varint 0x81 0x00 = 128");
	is_int(wxf_cur_sqlvarint(&c), -1, "9-byte varint all 0xff = -1 as int64");
	ok(!c.bad, "no error so far");
	is_int(wxf_cur_u8(&c), 0, "read past end gives 0");
	ok(c.bad, "read past end sets bad");
	is_int(c.pos, sizeof(d), "position unchanged on failure");

	c = wxf_cur_make(d, 5);
	ok(wxf_cur_bytes(&c, 6) == NULL && c.bad, "bytes() refuses more than the window");
	c = wxf_cur_make(d + 6, 3);
	wxf_cur_sqlvarint(&c);
	ok(c.bad, "truncated varint is an error, not an over-read");
	is_int(wxf_sqlvarint(d, sizeof(d), 4, &v), 2, "random-access varint length");
	is_int(v, 128, "random-access varint value");
	{
		static const uint8_t pb[] = { 0x96, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		    0xff, 0xff, 0xff, 0x01 };
		wxf_cur p = wxf_cur_make(pb, sizeof(pb));

		is_int(wxf_cur_leb128(&p), 150, "protobuf varint 150");
		wxf_cur_leb128(&p);
		ok(p.bad, "11-byte protobuf varint rejected");
	}
	{
		wxf_cur s, c2 = wxf_cur_make_at(d, sizeof(d), 1000);

		wxf_cur_skip(&c2, 3);
		s = wxf_cur_sub(&c2, 4);
		is_int(wxf_cur_abs(&s), 1003, "sub-cursor keeps absolute offsets");
		s = wxf_cur_sub(&c2, 100);
		ok(s.bad && s.size == 0, "oversized sub-cursor is bad and empty");
	}
}

static void
test_hash(void)
{
	char hex[65];
	wxf_hashes h;

	/* WeChat Android facts (shared/formats/wechat-android-ios.md, marked [V]) */
	wxf_md5_hex("mm123456", 8, hex);
	is_str(hex, "44ebfc91ddcdcce6108bec6a10fc16a7", "md5(\"mm\"+uin) account folder vector");
	wxf_md5_hex("1234567890ABCDEF123456", 22, hex);
	hex[7] = '\0';
	is_str(hex, "9dcbb6e", "md5(IMEI+uin)[:7] key vector");
	wxf_hash_buf("abc", 3, &h);
	is_str(h.md5, "900150983cd24fb0d6963f7d28e17f72", "md5(abc)");
	is_str(h.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d", "sha1(abc)");
	is_str(h.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "sha256(abc)");
	{
		uint8_t b[4];

		ok(wxf_unhex("00ff10Ab", b, 4) == 0 && b[1] == 0xff && b[3] == 0xab, "unhex");
		ok(wxf_unhex("00ff10A", b, 4) != 0, "unhex rejects short input");
		ok(wxf_unhex("00ff10Ag", b, 4) != 0, "unhex rejects non-hex");
	}
}

/* The escaping rules of wxf_buf_json_str one character at a time, to hold its fast path to. */
static void
json_ref(wxf_buf *b, const char *s, size_t n)
{
	size_t i = 0, l;
	uint32_t cp;
	char t[8];

	wxf_buf_putc(b, '"');
	while (i < n) {
		l = wxf_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (l == 0) {
			wxf_buf_puts(b, "\xef\xbf\xbd");
			i++;
			continue;
		}
		if (cp == '"' || cp == '\\') {
			wxf_buf_putc(b, '\\');
			wxf_buf_putc(b, (char)cp);
		} else if (cp == '\n')
			wxf_buf_puts(b, "\\n");
		else if (cp == '\r')
			wxf_buf_puts(b, "\\r");
		else if (cp == '\t')
			wxf_buf_puts(b, "\\t");
		else if (cp < 0x20 || cp == 0x7f || cp == 0x2028 || cp == 0x2029) {
			snprintf(t, sizeof(t), "\\u%04x", (unsigned)cp);
			wxf_buf_puts(b, t);
		} else
			wxf_buf_add(b, s + i, l);
		i += l;
	}
	wxf_buf_putc(b, '"');
}

/* The per-character rules of wxf_buf_visible (mode 0), wxf_buf_xml_text (1) and
 * wxf_buf_csv_field (2), written out plainly: the run-copying routines must write the same. */
static void
text_ref(wxf_buf *b, const char *s, size_t n, int mode)
{
	size_t i = 0, l;
	uint32_t cp;
	char t[16];

	if (mode == 2) {
		wxf_buf_putc(b, '"');
		if (n > 0 && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
		    s[0] == '\t' || s[0] == '\r'))
			wxf_buf_putc(b, '\'');
		for (i = 0; i < n; i++) {
			if (s[i] == '"')
				wxf_buf_putc(b, '"');
			wxf_buf_putc(b, s[i]);
		}
		wxf_buf_putc(b, '"');
		return;
	}
	while (i < n) {
		l = wxf_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (l == 0) {
			wxf_buf_puts(b, "\xef\xbf\xbd");
			i++;
			continue;
		}
		if (mode == 1 && cp == '&')
			wxf_buf_puts(b, "&amp;");
		else if (mode == 1 && cp == '<')
			wxf_buf_puts(b, "&lt;");
		else if (mode == 1 && cp == '>')
			wxf_buf_puts(b, "&gt;");
		else if (mode == 1 && cp == '"')
			wxf_buf_puts(b, "&quot;");
		else if (mode == 1 && cp == '\'')
			wxf_buf_puts(b, "&#39;");
		else if (wxf_cp_invisible(cp)) {
			snprintf(t, sizeof(t), "[U+%04X]", (unsigned)cp);
			wxf_buf_puts(b, t);
		} else
			wxf_buf_add(b, s + i, l);
		i += l;
	}
}

static void
test_escape(void)
{
	wxf_buf b;

	wxf_buf_init(&b);
	wxf_buf_json_str(&b, "a\"b\\\n\x01\xe4\xb8\xad\xff", 10);
	is_str(b.p, "\"a\\\"b\\\\\\n\\u0001\xe4\xb8\xad\xef\xbf\xbd\"", "JSON escaping, UTF-8 kept, bad byte replaced");
	wxf_buf_reset(&b);
	wxf_buf_xml_text(&b, "<script>&\xe2\x80\xae'", 13);
	is_str(b.p, "&lt;script&gt;&amp;[U+202E]&#39;", "XML/HTML escaping, RTL override made visible");
	wxf_buf_reset(&b);
	wxf_buf_csv_field(&b, "=cmd|\"x\"", 8);
	is_str(b.p, "\"'=cmd|\"\"x\"\"\"", "CSV quoting and formula neutralising");
	wxf_buf_reset(&b);
	wxf_buf_csv_field(&b, "\t=1+2", 5);
	wxf_buf_csv_field(&b, "\r@SUM(A1)", 9);
	is_str(b.p, "\"'\t=1+2\"\"'\r@SUM(A1)\"", "a leading TAB or CR is neutralised too");
	ok(wxf_utf8_valid("\xe4\xb8\xad\xe6\x96\x87", 6), "valid UTF-8");
	ok(!wxf_utf8_valid("\xc0\xaf", 2), "overlong UTF-8 rejected");
	ok(!wxf_utf8_valid("\xed\xa0\x80", 3), "surrogate rejected");
	wxf_buf_reset(&b);
	wxf_buf_json_str(&b, NULL, 5);
	is_str(b.p, "\"\"", "JSON: a NULL string is empty");
	{
		/* random strings over the bytes where the rules change: fast path = reference */
		static const uint8_t alpha[] = { 'a', '"', '\\', 0x01, 0x7f, 0xc2, 0x80, 0xdf, 0xe0,
		    0xa0, 0xed, 0xe2, 0xa8, 0xa9, 0xef, 0xbf, 0xf0, 0x90, 0xf4, 0x8f, 0xf5, 0xff };
		uint32_t x = 12345;
		int same = 1;
		wxf_buf r;

		wxf_buf_init(&r);
		for (int k = 0; k < 20000 && same; k++) {
			char s[12];
			size_t n = (size_t)(k % 12);

			for (size_t i = 0; i < n; i++) {
				x = x * 1103515245u + 12345u;
				s[i] = (char)alpha[(x >> 16) % sizeof(alpha)];
			}
			wxf_buf_reset(&b);
			wxf_buf_reset(&r);
			wxf_buf_putc(&b, '{');
			wxf_buf_putc(&r, '{');
			wxf_buf_json_str(&b, s, n);
			json_ref(&r, s, n);
			same = b.len == r.len && memcmp(b.p, r.p, b.len) == 0 && b.p[b.len] == '\0';
		}
		ok(same, "JSON: the plain-run fast path writes what the per-character rules write");
		wxf_buf_free(&r);
	}
	{
		/* visible text, XML/HTML text and CSV fields: runs = per-character rules, over the
		 * bytes where they change (markup, quotes, controls, invalid and invisible UTF-8:
		 * U+202E, U+3164, a tag character, C1 U+0085) */
		static const uint8_t alpha[] = { 'a', '&', '<', '>', '"', '\'', '=', '\t', '\n',
		    0x01, 0x7f, 0xc2, 0x85, 0xe2, 0x80, 0xae, 0xe3, 0x85, 0xa4, 0xf3, 0xa0, 0x81,
		    0xe4, 0xb8, 0xad, 0xff };
		static const char *const names[] = { "visible", "XML", "CSV" };
		uint32_t x = 777;

		for (int mode = 0; mode < 3; mode++) {
			int same = 1;
			wxf_buf r;

			wxf_buf_init(&r);
			for (int k = 0; k < 30000 && same; k++) {
				char s[16];
				size_t n = (size_t)(k % 16);

				for (size_t i = 0; i < n; i++) {
					x = x * 1103515245u + 12345u;
					s[i] = (char)alpha[(x >> 16) % sizeof(alpha)];
				}
				wxf_buf_reset(&b);
				wxf_buf_reset(&r);
				wxf_buf_putc(&b, '>');
				wxf_buf_putc(&r, '>');
				if (mode == 0)
					wxf_buf_visible(&b, s, n);
				else if (mode == 1)
					wxf_buf_xml_text(&b, s, n);
				else
					wxf_buf_csv_field(&b, s, n);
				text_ref(&r, s, n, mode);
				same = b.len == r.len && memcmp(b.p, r.p, b.len) == 0 &&
				    b.p[b.len] == '\0';
			}
			ok(same, "%s text: copying runs writes what the per-character rules write",
			    names[mode]);
			wxf_buf_free(&r);
		}
	}
	wxf_buf_free(&b);
}

static void
test_grow(void)
{
	int *v = NULL;
	size_t cap = 0;

	is_int(wxf_grow((void **)&v, &cap, 1, sizeof(int)), WXF_OK, "grow: first element");
	is_int(cap, 16, "grow: capacity starts at 16");
	is_int(wxf_grow((void **)&v, &cap, 17, sizeof(int)), WXF_OK, "grow: past the capacity");
	is_int(cap, 32, "grow: capacity doubles");
	is_int(wxf_grow((void **)&v, &cap, 20, sizeof(int)), WXF_OK, "grow: within the capacity");
	is_int(cap, 32, "grow: nothing reallocated when it fits");
	is_int(wxf_grow((void **)&v, &cap, SIZE_MAX / 2, sizeof(int)), WXF_ENOMEM,
	    "grow: size overflow is WXF_ENOMEM");
	ok(v != NULL && cap == 32, "grow: a failure leaves the vector as it was");
	free(v);
}

/* An arena that spills keeps its chunks, past the threshold, in pages of an unnamed file: the
 * content is what it would be in memory; where no file can be made, memory again, and why. */
/* Names in dir other than dot files. */
static size_t
files_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static void
test_arena_spill(void)
{
	char dir[4096], *p[600], *big, *s;
	wxf_arena *a = wxf_arena_new(), *b = wxf_arena_new();
	size_t i, bad = 0, n_files;

	wxf_fmt(dir, sizeof(dir), "%s/wxf-arena.XXXXXX", wxf_tmpdir());
	if (a == NULL || b == NULL || mkdtemp(dir) == NULL) {
		ok(0, "arena spill: set-up");
		return;
	}
	is_int(wxf_arena_spill(a, dir, 100000), WXF_OK, "arena spill: set");
	for (i = 0; i < 3; i++) {
		p[i] = wxf_arena_alloc(a, 40000);
		memset(p[i], (int)(i & 0xff), 40000);
	}
	ok(wxf_arena_spilled(a) == 0, "arena spill: below the threshold, memory");
	for (; i < 600; i++) {
		p[i] = wxf_arena_alloc(a, 40000);
		if (p[i] != NULL)
			memset(p[i], (int)(i & 0xff), 40000);
	}
	big = wxf_arena_alloc(a, (size_t)9 << 20);   /* more than a spill chunk */
	if (big != NULL) {
		big[0] = 'a';
		big[((size_t)9 << 20) - 1] = 'z';
	}
	s = wxf_arena_strndup(a, "wxid_seller\0tail", 16);
	ok(wxf_arena_spilled(a) >= (size_t)24 << 20 && wxf_arena_spill_errno(a) == 0 &&
	    !wxf_arena_failed(a), "arena spill: past the threshold, chunks in the file (%zu bytes)",
	    wxf_arena_spilled(a));
	for (i = 0; i < 600; i++) {
		size_t k;

		if (p[i] == NULL) {
			bad++;
			continue;
		}
		for (k = 0; k < 40000; k += 997)
			bad += (unsigned char)p[i][k] != (i & 0xff);
		bad += (unsigned char)p[i][39999] != (i & 0xff);
	}
	ok(bad == 0 && big != NULL && big[0] == 'a' && big[((size_t)9 << 20) - 1] == 'z' &&
	    s != NULL && memcmp(s, "wxid_seller\0tail", 17) == 0,
	    "arena spill: every object holds what was written (memory and file chunks alike)");
	n_files = files_in(dir);
	is_int(n_files, 0, "arena spill: the file has no name (it goes with the arena)");
	wxf_arena_free(&a);
	ok(a == NULL, "arena spill: freed");

	is_int(wxf_arena_spill(b, "/nonexistent/wxf-arena", 0), WXF_OK, "arena spill: no folder, set");
	s = wxf_arena_alloc(b, 100000);
	ok(s != NULL && wxf_arena_spill_errno(b) == ENOENT && wxf_arena_spilled(b) == 0 &&
	    !wxf_arena_failed(b), "arena spill: no folder: memory, and the reason kept (%s)",
	    strerror(wxf_arena_spill_errno(b)));
	wxf_arena_free(&b);
	rmdir(dir);
}

/* Mappings of this process whose path holds `part` (from /proc/self/maps); -1 unreadable. */
static int
maps_holding(const char *part)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[8192];
	int n = 0;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		n += strstr(line, part) != NULL;
	fclose(f);
	return n;
}

static void
test_table_spill(void)
{
	char dir[4096], part[4200];
	uint32_t *v = NULL, *small;
	size_t cap = 0, i, bad = 0, n_files;
	wxf_strmap m = WXF_STRMAP_INIT;
	static char keys[20000][8];
	int mapped;

	wxf_fmt(dir, sizeof(dir), "%s/wxf-table.XXXXXX", wxf_tmpdir());
	if (mkdtemp(dir) == NULL) {
		ok(0, "table spill: set-up");
		return;
	}
	wxf_fmt(part, sizeof(part), "%s/wxf-table.", dir);
	is_int(wxf_table_spill(dir, 65536), WXF_OK, "table spill: set");
	small = wxf_table_alloc(1000);
	ok(small != NULL && small[0] == 0 && small[249] == 0 && wxf_table_spilled_peak() == 0 &&
	    maps_holding(part) == 0, "table spill: below the threshold, zeroed memory");
	wxf_table_free(small);
	/* a vector grown one element at a time: memory, then a file from 64 KiB on */
	for (i = 0; i < 100000; i++) {
		if (wxf_table_grow((void **)&v, &cap, i + 1, sizeof(*v)) != WXF_OK)
			break;
		bad += v[i] != 0;           /* new elements are zeroed, in memory and in a file */
		v[i] = (uint32_t)(i * 2654435761u);
	}
	ok(i == 100000 && cap >= 100000, "table spill: grown to 100,000 elements");
	for (i = 0; v != NULL && i < 100000; i++)
		bad += v[i] != (uint32_t)(i * 2654435761u);
	mapped = maps_holding(part);
	ok(bad == 0, "table spill: every element holds what was written, across the move to a file");
	ok(mapped == 1 || mapped == -1, "table spill: the vector is the pages of one file (%d mapping)",
	    mapped);
	ok(wxf_table_spilled_peak() >= 400000 && wxf_table_spill_errno() == 0,
	    "table spill: at most %zu bytes in files", wxf_table_spilled_peak());
	/* a map of 20,000 keys, its slots in a file */
	for (i = 0; i < 20000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "w%zu", i);
		if (wxf_strmap_put_new(&m, keys[i], keys[i]) != 1)
			bad++;
	}
	for (i = 0; i < 20000; i++)
		bad += wxf_strmap_get(&m, keys[i]) != keys[i];
	ok(bad == 0 && wxf_strmap_count(&m) == 20000 && (maps_holding(part) == 2 ||
	    maps_holding(part) == -1), "table spill: a map in a file finds every key");
	n_files = files_in(dir);
	is_int(n_files, 0, "table spill: the files have no name (they go with their tables)");
	wxf_strmap_free(&m);
	wxf_table_free(v);
	ok(maps_holding(part) <= 0, "table spill: freed tables leave no mapping");
	wxf_table_free(NULL);

	/* a folder that does not exist: memory, and the reason kept */
	is_int(wxf_table_spill("/nonexistent/wxf-table", 0), WXF_OK, "table spill: no folder, set");
	v = NULL;
	cap = 0;
	mapped = wxf_table_grow((void **)&v, &cap, 5000, sizeof(*v));
	ok(mapped == WXF_OK && v != NULL && v[4999] == 0 && wxf_table_spill_errno() == ENOENT &&
	    wxf_table_spilled_peak() == 0,
	    "table spill: no folder: memory, and the reason kept (%s)",
	    strerror(wxf_table_spill_errno()));
	wxf_table_free(v);
	is_int(wxf_table_spill(NULL, 0), WXF_OK, "table spill: off");
	ok(wxf_table_spill_errno() == 0, "table spill: off: no reason left over");
	rmdir(dir);
}

struct sort_el {
	uint32_t key, at;       /* at: the element's place before the sort */
	char pad[16];           /* an element size that is not a word */
};

static int
sort_el_cmp(const void *a, const void *b)
{
	const struct sort_el *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

static void
test_table_sort(void)
{
	static struct sort_el v[50001];
	static const size_t ns[] = { 0, 1, 2, 12, 13, 100, 4097, 50001 };
	uint32_t r = 12345;
	size_t t, i, bad = 0;

	for (t = 0; t < sizeof(ns) / sizeof(ns[0]); t++) {
		size_t n = ns[t];

		for (i = 0; i < n; i++) {
			r = r * 1103515245u + 12345u;
			v[i].key = (r >> 16) % (n / 3 + 1);   /* many equal keys */
			v[i].at = (uint32_t)i;
			memset(v[i].pad, (int)(i & 0x7f), sizeof(v[i].pad));
		}
		wxf_table_sort(v, n, sizeof(v[0]), sort_el_cmp);
		for (i = 0; i < n; i++) {
			bad += v[i].pad[15] != (char)(v[i].at & 0x7f);   /* moved whole */
			if (i > 0)     /* in order, and equal keys in their first order (stable) */
				bad += v[i - 1].key > v[i].key ||
				    (v[i - 1].key == v[i].key && v[i - 1].at > v[i].at);
		}
	}
	/* already sorted and reversed inputs */
	for (i = 0; i < 50001; i++)
		v[i].key = (uint32_t)i, v[i].at = (uint32_t)i;
	wxf_table_sort(v, 50001, sizeof(v[0]), sort_el_cmp);
	for (i = 0; i < 50001; i++)
		bad += v[i].at != i;
	for (i = 0; i < 50001; i++)
		v[i].key = (uint32_t)(50000 - i), v[i].at = (uint32_t)i;
	wxf_table_sort(v, 50001, sizeof(v[0]), sort_el_cmp);
	for (i = 0; i < 50001; i++)
		bad += v[i].key != i || v[i].at != 50000 - i;
	is_int(bad, 0, "table sort: ordered, stable, elements whole (0 to 50,001 elements, with "
	    "many equal keys; sorted and reversed inputs)");
}

static void
test_strmap(void)
{
	wxf_strmap m = WXF_STRMAP_INIT;
	static char keys[1000][8];
	int a = 1, b = 2, ok_all = 1;

	ok(wxf_strmap_get(&m, "x") == NULL && wxf_strmap_get(&m, NULL) == NULL, "strmap: empty");
	is_int(wxf_strmap_put(&m, "x", &a), WXF_OK, "strmap: put");
	ok(wxf_strmap_get(&m, "x") == &a, "strmap: get");
	is_int(wxf_strmap_put(&m, "x", &b), WXF_OK, "strmap: put again");
	ok(wxf_strmap_get(&m, "x") == &b, "strmap: put replaces");
	is_int(wxf_strmap_put_new(&m, "x", &a), 0, "strmap: put_new on a present key says 0");
	ok(wxf_strmap_get(&m, "x") == &b, "strmap: put_new keeps the first value");
	is_int(wxf_strmap_put_new(&m, "y", &a), 1, "strmap: put_new on a new key says 1");
	is_int(wxf_strmap_put(&m, NULL, &a), WXF_OK, "strmap: a NULL key is not stored");
	is_int(wxf_strmap_count(&m), 2, "strmap: two keys");
	for (int i = 0; i < 1000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%d", i);
		if (wxf_strmap_put_new(&m, keys[i], keys[i]) != 1)
			ok_all = 0;
	}
	for (int i = 0; i < 1000; i++)
		if (wxf_strmap_get(&m, keys[i]) != keys[i])
			ok_all = 0;
	ok(ok_all && wxf_strmap_count(&m) == 1002 && m.cap >= 2 * 1002,
	    "strmap: 1000 more keys through growth, at most half full");
	wxf_strmap_free(&m);
	ok(m.cap == 0 && wxf_strmap_get(&m, "x") == NULL, "strmap: freed map is empty");
}

static void
test_sniff(void)
{
	static const struct { const char *bytes; size_t n; const char *type; } v[] = {
		{ "\xff\xd8\xff\xe0", 4, "jpeg" },
		{ "\x89PNG\r\n\x1a\n", 8, "png" },
		{ "GIF89a", 6, "gif" },
		{ "RIFF\0\0\0\0WEBP", 12, "webp" },
		{ "RIFF\0\0\0\0WAVE", 12, "unknown" },
		{ "wxgf\1", 5, "wxgf" },
		{ "#!SILK_V3\x0c", 10, "silk" },
		{ "\x02#!SILK_V3", 10, "silk" },
		{ "\x01#!SILK_V3", 10, "unknown" },   /* only WeChat's 02 may precede the header */
		{ "#!SILK\n", 7, "unknown" },         /* a bare "#!SILK" is not a SILK header */
		{ "\x02#!SILK", 7, "unknown" },
		{ "#!AMR\n", 6, "amr" },
		{ "#!AMR-WB\n", 9, "amr" },
		{ "\0\0\0\x18" "ftypmp42", 12, "mp4" },
		{ "%PDF-1.7", 8, "pdf" },
		{ "PK\x03\x04", 4, "zip" },
		{ "Rar!\x1a\x07", 6, "rar" },
		{ "\xff\xd8", 2, "unknown" },        /* too short for the signature */
		{ "", 0, "unknown" },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		is_str(wxf_sniff((const uint8_t *)v[i].bytes, v[i].n), v[i].type, "sniff: case %zu is %s",
		    i, v[i].type);
	is_str(wxf_sniff(NULL, 0), "unknown", "sniff: no bytes");
	is_str(wxf_sniff_ext("jpeg"), "jpg", "sniff: jpeg files end .jpg");
	is_str(wxf_sniff_ext("silk"), "silk", "sniff: silk files end .silk");
	is_str(wxf_sniff_ext("unknown"), "bin", "sniff: unknown files end .bin");
	ok(wxf_sniff_is_media("silk") && wxf_sniff_is_media("mp4") && !wxf_sniff_is_media("zip") &&
	    !wxf_sniff_is_media("unknown"), "sniff: images, voice and video are media, documents not");
}

/* "Billion laughs": nine levels of ten references, 10^9 copies of ten bytes if expanded. */
static char *
laughs(const char *body)
{
	wxf_buf b;

	wxf_buf_init(&b);
	wxf_buf_puts(&b, "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<!DOCTYPE map [");
	wxf_buf_puts(&b, "<!ENTITY a \"1234567890\">");
	for (char c = 'b'; c <= 'i'; c++) {
		wxf_buf_printf(&b, "<!ENTITY %c \"", c);
		for (int k = 0; k < 10; k++)
			wxf_buf_printf(&b, "&%c;", c - 1);
		wxf_buf_puts(&b, "\">");
	}
	wxf_buf_printf(&b, "]>\n%s\n", body);
	return wxf_buf_steal(&b);
}

static int
prefs_cb(void *arg, const char *name, const char *value)
{
	wxf_buf *b = arg;

	wxf_buf_printf(b, "%s=%s;", name, value != NULL ? value : "(null)");
	return 0;
}

static void
test_xml(void)
{
	static const char good[] = "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n"
	    "<map>\n    <int name=\"default_uin\" value=\"-1234567890\" />\n"
	    "    <string name=\"last_login_uin\">1&lt;2</string>\n    <boolean name=\"b\" />\n"
	    "    <string>no name</string>\n</map>\n";
	char *bad = laughs("<map><string name=\"last_login_uin\">&i;</string></map>");
	const char *why = NULL;
	xmlDocPtr doc;
	wxf_buf got;
	wxf_xml_limits lim = { 1 << 20, 2, 100 };

	wxf_xml_init();
	wxf_buf_init(&got);
	is_int(wxf_xml_prefs(good, strlen(good), prefs_cb, &got, &why), WXF_OK, "prefs: read");
	is_str(got.p, "default_uin=-1234567890;last_login_uin=1<2;b=(null);",
	    "prefs: value attributes, <string> text, entries without a value, nameless skipped");
	wxf_buf_reset(&got);
	is_int(wxf_xml_prefs(bad, strlen(bad), prefs_cb, &got, &why), WXF_ECORRUPT,
	    "prefs: billion laughs refused");
	ok(why != NULL && strstr(why, "DOCTYPE") != NULL, "prefs: the reason names the DOCTYPE (%s)",
	    why ? why : "");
	ok(got.len == 0, "prefs: nothing read from a refused file");
	doc = wxf_xml_parse(bad, strlen(bad), &why);
	ok(doc == NULL && strstr(why, "DOCTYPE") != NULL, "xml: billion laughs refused before parsing");
	is_int(wxf_xml_prefs("<map><int", 9, prefs_cb, &got, &why), WXF_ECORRUPT,
	    "prefs: malformed refused");
	doc = wxf_xml_parse_lim("<a><b><c/></b></a>", 18, &lim, &why);
	ok(doc != NULL, "xml: depth 2 within a depth-2 limit");
	xmlFreeDoc(doc);
	doc = wxf_xml_parse_lim("<a><b><c><d/></c></b></a>", 25, &lim, &why);
	ok(doc == NULL && strstr(why, "deep") != NULL, "xml: depth 3 refused by a depth-2 limit");
	lim.max_size = 10;
	doc = wxf_xml_parse_lim("<a><b><c/></b></a>", 18, &lim, &why);
	ok(doc == NULL && strstr(why, "size") != NULL, "xml: size limit");
	wxf_buf_free(&got);
	free(bad);
}

static void
test_time(void)
{
	wxf_tz *tz = wxf_tz_new("Asia/Shanghai"), *fx = wxf_tz_new("-05:30");
	char s[64];

	ok(tz != NULL, "Asia/Shanghai loads");
	wxf_time_fmt(tz, 1772331330123LL, s, sizeof(s));
	is_str(s, "2026-03-01T10:15:30.123+08:00", "ms instant in Shanghai with offset");
	wxf_time_fmt_utc(1772331330000LL, s, sizeof(s));
	is_str(s, "2026-03-01T02:15:30Z", "UTC form");
	wxf_time_fmt(tz, WXF_TIME_UNKNOWN, s, sizeof(s));
	is_str(s, "unknown", "unknown time is 'unknown', never 1970");
	wxf_time_fmt(fx, -1, s, sizeof(s));
	is_str(s, "1969-12-31T18:29:59.999-05:30", "negative ms floor, fixed offset");
	ok(wxf_tz_new("Not/AZone") == NULL, "unknown zone refused");
	ok(wxf_tz_new("../etc/passwd") == NULL, "path-like zone refused");
	wxf_tz_free(&tz);
	wxf_tz_free(&fx);
}

static void
test_paths_and_audit(void)
{
	char tmpl[] = "/tmp/wxf-test-XXXXXX", *d, *p, *q, *log;
	wxf_err err;
	unsigned long n = 0;
	wxf_audit a;
	FILE *f;

	d = mkdtemp(tmpl);
	ok(d != NULL, "temp dir");
	p = wxf_path_join(d, "ev/sub");
	ok(wxf_mkdir_p(p, NULL) == WXF_OK, "mkdir -p");
	q = wxf_path_join(d, "ev/sub/not/yet/out");
	ok(wxf_path_is_inside(q, p), "non-existing path below evidence is inside");
	free(q);
	q = wxf_path_join(d, "out");
	ok(!wxf_path_is_inside(q, p), "sibling is not inside");
	free(q);
	q = wxf_path_join(d, "ev/sub/../../ev/sub/x");
	ok(wxf_path_is_inside(q, p), "dot-dot path into evidence is inside (refused)");
	free(q);

	log = wxf_path_join(d, "audit.jsonl");
	wxf_err_clear(&err);
	ok(wxf_audit_open(&a, log, "wxforensic test", &err) == WXF_OK, "audit open");
	wxf_audit_add(&a, "start", "\"inputs\":[]", &err);
	wxf_audit_add(&a, "hash", "\"file\":\"x\"", &err);
	wxf_audit_add(&a, "end", NULL, &err);
	ok(wxf_audit_close(&a, &err) == WXF_OK, "audit log closed");
	ok(wxf_audit_verify(log, &n, &err) == WXF_OK, "audit chain verifies");
	is_int(n, 3, "three audit lines");
	f = fopen(log, "r+b");
	fseek(f, 20, SEEK_SET);
	fputc('X', f);
	fclose(f);
	ok(wxf_audit_verify(log, &n, &err) == WXF_EVERIFY, "a one-byte change breaks the chain: %s",
	    err.msg);
	unlink(log);
	/* a deferred log (a writer beside others) replayed into the run's log: same lines, in its
	 * order, after what the run's log had; outputs kept */
	{
		wxf_audit w;
		char *text = NULL, *direct = NULL;
		size_t tn = 0, dn = 0;

		setenv("SOURCE_DATE_EPOCH", "1780000000", 1);
		ok(wxf_audit_open(&a, log, "wxforensic test", &err) == WXF_OK, "audit open (direct)");
		wxf_audit_add(&a, "start", NULL, &err);
		wxf_audit_add(&a, "write", "\"output\":\"a\"", &err);
		wxf_audit_kv(&a, "note", "k", "v");
		wxf_audit_add(&a, "write", "\"output\":\"b\"", &err);
		wxf_audit_close(&a, &err);
		wxf_file_read_small(log, 1 << 20, (uint8_t **)&direct, &dn, &err);
		unlink(log);
		ok(wxf_audit_open(&a, log, "wxforensic test", &err) == WXF_OK, "audit open (replayed)");
		wxf_audit_add(&a, "start", NULL, &err);
		wxf_audit_defer(&w);
		wxf_audit_add(&w, "write", "\"output\":\"a\"", &err);
		wxf_audit_kv(&w, "note", "k", "v");
		wxf_audit_add(&w, "write", "\"output\":\"b\"", &err);
		wxf_audit_output(&w, "a", 12, "0123456789012345678901234567890123456789012345678901234567890123");
		ok(w.n_pend == 3 && a.seq == 1, "a deferred log keeps its records (3) and writes none");
		ok(wxf_audit_replay(&a, &w, &err) == WXF_OK, "replayed into the run's log");
		ok(wxf_audit_output_sha256(&a, "a", 12) != NULL && wxf_audit_output_sha256(&a, "a", 13) == NULL,
		    "the deferred log's outputs (size and hash) are the run's log's");
		wxf_audit_close(&w, NULL);
		wxf_audit_close(&a, &err);
		wxf_file_read_small(log, 1 << 20, (uint8_t **)&text, &tn, &err);
		ok(direct != NULL && text != NULL && tn == dn && memcmp(text, direct, tn) == 0,
		    "replayed: the same bytes as the records added directly (%zu bytes)", tn);
		{
			int vr = wxf_audit_verify(log, &n, &err);

			ok(vr == WXF_OK && n == 4, "the replayed log's chain verifies (%lu lines)", n);
		}
		free(text);
		free(direct);
		unsetenv("SOURCE_DATE_EPOCH");
		unlink(log);
	}
	free(log);
	rmdir(p);
	free(p);
	p = wxf_path_join(d, "ev");
	rmdir(p);
	free(p);
	rmdir(d);
}

/* Hostile files: what wxf_open_ro refuses (links, FIFOs, devices), what a full disk does to
 * wxf_file_write, path components that hold dots, and terminal-safe text. */
static void
test_hostile_files(void)
{
	char tmpl[] = "/tmp/wxf-test-XXXXXX", *d, *reg, *lnk, *fifo, *sub, *t;
	uint8_t *data = NULL;
	struct stat st;
	char why[1200];
	size_t len = 0;
	wxf_buf b;
	wxf_err err;
	wxf_map m;
	int fd;

	d = mkdtemp(tmpl);
	ok(d != NULL, "temp dir");
	reg = wxf_path_join(d, "file.db");
	lnk = wxf_path_join(d, "link.db");
	fifo = wxf_path_join(d, "fifo.db");
	sub = wxf_path_join(d, "image2");
	ok(wxf_file_write(reg, "abc", 3, NULL) == WXF_OK, "regular file written");
	ok(symlink(reg, lnk) == 0 && mkfifo(fifo, 0600) == 0 && symlink("/etc", sub) == 0,
	    "link, FIFO and folder link made");

	wxf_err_clear(&err);
	fd = wxf_open_ro(reg, &st, &err);
	ok(fd >= 0 && S_ISREG(st.st_mode) && st.st_size == 3, "a regular file opens");
	if (fd >= 0)
		close(fd);
	wxf_err_clear(&err);
	ok(wxf_open_ro(lnk, NULL, &err) < 0 && strstr(err.msg, "is a symbolic link to") != NULL &&
	    strstr(err.msg, "(not followed)") != NULL, "a link is not followed: %s", err.msg);
	wxf_err_clear(&err);
	/* a FIFO without a writer would block open(2) and read(2) for ever */
	ok(wxf_open_ro(fifo, NULL, &err) < 0 && strstr(err.msg, "not a regular file (FIFO)") != NULL,
	    "a FIFO is refused without blocking: %s", err.msg);
	wxf_err_clear(&err);
	ok(wxf_open_ro("/dev/zero", NULL, &err) < 0 &&
	    strstr(err.msg, "character device") != NULL, "a device is refused: %s", err.msg);
	wxf_err_clear(&err);
	ok(wxf_map_open(&m, fifo, &err) == WXF_EIO, "wxf_map_open refuses the FIFO");
	wxf_err_clear(&err);
	ok(wxf_file_read_small(lnk, 100, &data, &len, &err) == WXF_EIO && data == NULL,
	    "wxf_file_read_small refuses the link");
	/* the limit: a file of exactly max bytes is read, one byte more is refused; a small file
	 * under a large limit is read whole (the buffer follows the file's size) */
	ok(wxf_file_read_small(reg, 3, &data, &len, &err) == WXF_OK && len == 3 &&
	    memcmp(data, "abc", 4) == 0, "a file of exactly the limit is read, NUL-terminated");
	free(data);
	wxf_err_clear(&err);
	ok(wxf_file_read_small(reg, 2, &data, &len, &err) == WXF_ECORRUPT && data == NULL &&
	    strstr(err.msg, "larger than the 2-byte limit") != NULL, "one byte over: %s", err.msg);
	ok(wxf_file_read_small(reg, (size_t)1 << 30, &data, &len, &err) == WXF_OK && len == 3 &&
	    memcmp(data, "abc", 4) == 0, "a 3-byte file under a 1 GB limit");
	free(data);
	ok(wxf_file_write(reg, "", 0, NULL) == WXF_OK &&
	    wxf_file_read_small(reg, 100, &data, &len, &err) == WXF_OK && len == 0 && data[0] == 0,
	    "an empty file reads as an empty string");
	free(data);
	ok(wxf_file_write(reg, "abc", 3, NULL) == WXF_OK, "regular file written again");
	ok(wxf_file_head(fifo, why, 10) < 0, "wxf_file_head refuses the FIFO");
	ok(wxf_is_regular(reg) && !wxf_is_regular(lnk) && wxf_is_file(lnk),
	    "wxf_is_regular does not follow a link (wxf_is_file does)");

	/* below a folder: no link in any component */
	ok(wxf_stat_below(d, "file.db", &st, why, sizeof(why)) == WXF_OK, "file below the folder");
	ok(wxf_stat_below(d, "image2/passwd", &st, why, sizeof(why)) == WXF_EUNSUPPORTED &&
	    strstr(why, "image2 is a symbolic link to '/etc'") != NULL, "a folder link on the way "
	    "is not followed: %s", why);
	ok(wxf_stat_below(d, "link.db", &st, why, sizeof(why)) == WXF_EUNSUPPORTED,
	    "a link as the last component is not followed: %s", why);
	ok(wxf_stat_below(d, "fifo.db", &st, why, sizeof(why)) == WXF_EUNSUPPORTED &&
	    strstr(why, "FIFO") != NULL, "a FIFO is not a file: %s", why);
	ok(wxf_stat_below(d, "nothing/here", &st, why, sizeof(why)) == WXF_ENOTFOUND, "absent");

	/* a full disk: the data sits in stdio's buffer until the close, which fails; the
	 * error names the file and the reason, and nothing is freed twice */
	if (access("/dev/full", W_OK) == 0) {
		wxf_err_clear(&err);
		ok(wxf_file_write("/dev/full", "abc", 3, &err) == WXF_EIO &&
		    strstr(err.msg, "/dev/full: write error: No space left on device") != NULL,
		    "full disk at the final flush: %s", err.msg);
		t = malloc(1 << 20);
		memset(t, 'x', 1 << 20);
		wxf_err_clear(&err);
		ok(wxf_file_write("/dev/full", t, 1 << 20, &err) == WXF_EIO &&
		    strstr(err.msg, "No space left on device") != NULL, "full disk while writing: %s",
		    err.msg);
		free(t);
	} else
		ok(1, "# SKIP /dev/full not writable");

	ok(!wxf_path_has_dot_component("demo/photo..jpg") &&
	    !wxf_path_has_dot_component("a/..b/c.") && !wxf_path_has_dot_component("..x"),
	    "\"..\" inside a name is not a component");
	ok(wxf_path_has_dot_component("a/../b") && wxf_path_has_dot_component("..") &&
	    wxf_path_has_dot_component("a/.") && wxf_path_has_dot_component("./a"),
	    "\".\" and \"..\" components are");

	wxf_buf_init(&b);
	t = "a\x1b[2Jb\nc\\d\xff\xe2\x80\xae\xc2\x85\x7f\tz";
	wxf_buf_term(&b, t, strlen(t));
	is_str(b.p, "a\\x1b[2Jb\\nc\\\\d\\xff[U+202E]\\u0085\\x7f\\tz",
	    "escape sequence, newline, backslash, bad byte, RLO, C1, DEL, tab made visible");
	wxf_buf_free(&b);
	t = wxf_term_str("聊天记录.db");
	is_str(t, "聊天记录.db", "ordinary UTF-8 kept");
	free(t);

	unlink(reg);
	unlink(lnk);
	unlink(fifo);
	unlink(sub);
	free(reg);
	free(lnk);
	free(fifo);
	free(sub);
	rmdir(d);
}

/* The progress line on a terminal: percentage, the estimate from the step's pace, a plain
 * label for a step that counts nothing, nothing at all when stderr is not a terminal. */
static void
test_progress(void)
{
	wxf_log l;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	wxf_log_init(&l, WXF_LOG_INFO);
	l.out = f;
	l.tty = 0;
	wxf_log_progress(&l, "reading", 1, 10, NULL);
	fflush(f);
	is_int(len, 0, "progress: nothing drawn when stderr is not a terminal");
	l.tty = 1;
	wxf_log_progress(&l, "reading", 1, 10, NULL);
	fflush(f);
	ok(strstr(text, "reading: 1/10 (10.0%)") != NULL && strstr(text, "left") == NULL,
	    "progress: count and percentage, no estimate in the step's first second");
	l.p_start -= 10.0;   /* the step began ten seconds ago */
	l.p_last = 0;
	wxf_log_progress(&l, "reading", 5, 10, "3 MB/s");
	fflush(f);
	ok(strstr(text, "reading: 5/10 (50.0%) 3 MB/s, about 10 s left") != NULL,
	    "progress: half done after ten seconds -> about 10 s left");
	wxf_log_progress(&l, "writing", 0, 0, NULL);
	fflush(f);
	ok(strstr(text, "writing ...") != NULL, "progress: a new step, nothing counted: its label");
	wxf_log_progress_end(&l);
	fflush(f);
	ok(len > 4 && memcmp(text + len - 4, "\r\033[K", 4) == 0 && !l.progress_drawn,
	    "progress: the line is cleared at the end of the step");
	fclose(f);
	free(text);
}

/* wxf_fmt against the C library's snprintf (the oracle) over a grid of formats and values, full
 * and truncated, and wxf_buf_printf growing past its capacity. */
static volatile size_t fmt_cap = 512, fmt_short = 8; /* sizes the compiler does not see */
static const char *volatile fmt_null = NULL;

#define FMT_CHECK(...) do { \
	char want_[512], got_[512], tw_[8], tg_[8]; \
	int nw_ = snprintf(want_, fmt_cap, __VA_ARGS__); \
	int ng_ = wxf_fmt(got_, fmt_cap, __VA_ARGS__); \
	int tnw_ = snprintf(tw_, fmt_short, __VA_ARGS__); \
	int tng_ = wxf_fmt(tg_, fmt_short, __VA_ARGS__); \
	n_cases++; \
	if (nw_ != ng_ || strcmp(want_, got_) != 0 || tnw_ != tng_ || strcmp(tw_, tg_) != 0 || \
	    wxf_fmt(NULL, 0, __VA_ARGS__) != nw_) { \
		n_bad++; \
		diag("fmt %s: snprintf \"%s\" (%d), wxf_fmt \"%s\" (%d)", #__VA_ARGS__, want_, nw_, got_, ng_); \
	} \
} while (0)

static void
test_fmt(void)
{
	static const long long iv[] = { 0, 1, -1, 7, -42, 99, 100, 12345, -99999, 2147483647LL,
	    -2147483647LL - 1, 4294967295LL, 9223372036854775807LL, -9223372036854775807LL - 1 };
	static const char *sv[] = { "", "a", "hello", "金额 ¥1,280.00", "tab\there", "0123456789abcdef" };
	static const int widths[] = { -12, -1, 0, 1, 3, 8, 20 };
	int n_cases = 0, n_bad = 0;
	size_t i, j;
	wxf_buf b;

	for (i = 0; i < sizeof(iv) / sizeof(iv[0]); i++) {
		long long v = iv[i];

		FMT_CHECK("%d|%i|%u|%x|%X", (int)v, (int)v, (unsigned)v, (unsigned)v, (unsigned)v);
		FMT_CHECK("%lld|%llu|%llx|%ld|%lu|%zu|%zd|%jd|%ju|%td", v, (unsigned long long)v,
		    (unsigned long long)v, (long)v, (unsigned long)v, (size_t)v, (ssize_t)v, (intmax_t)v,
		    (uintmax_t)v, (ptrdiff_t)v);
		FMT_CHECK("%hd|%hu|%hhd|%hhu|%hx", (short)v, (unsigned short)v, (signed char)v,
		    (unsigned char)v, (unsigned short)v);
		FMT_CHECK("[%5d][%-5d][%05d][%02d][%04d][%20lld][%020lld][%-20lld]", (int)v, (int)v,
		    (int)v, (int)v, (int)v, v, v, v);
		FMT_CHECK("[%08x][%-8X][%2u][%016llx]", (unsigned)v, (unsigned)v, (unsigned)v,
		    (unsigned long long)v);
		for (j = 0; j < sizeof(widths) / sizeof(widths[0]); j++)
			FMT_CHECK("[%*d][%0*lld][%-*u]", widths[j], (int)v, widths[j], v, widths[j], (unsigned)v);
		/* handed to snprintf: a precision on an integer, '+', ' ', '#', floating point */
		FMT_CHECK("%.3d|%+d|% d|%#x|%.2f", (int)v, (int)v, (int)v, (unsigned)v, (double)v / 7);
	}
	for (i = 0; i < sizeof(sv) / sizeof(sv[0]); i++) {
		FMT_CHECK("<%s>", sv[i]);
		FMT_CHECK("<%10s|%-10s|%.3s|%-6.2s|%8.4s>", sv[i], sv[i], sv[i], sv[i], sv[i]);
		for (j = 0; j < sizeof(widths) / sizeof(widths[0]); j++)
			FMT_CHECK("<%*s|%.*s|%-*.*s>", widths[j], sv[i], widths[j], sv[i], widths[j], 2, sv[i]);
		FMT_CHECK("%c%c|%3c|%-3c|100%%|%s%%", sv[i][0] ? sv[i][0] : 'z', 'Q', 'x', 'y', sv[i]);
	}
	FMT_CHECK("%s", fmt_null);                      /* glibc's "(null)", through snprintf */
	FMT_CHECK("no conversion at all");
	FMT_CHECK("%p|%o|%e", (void *)&b, 8u, 1.5);
	ok(n_bad == 0, "wxf_fmt equals snprintf in %d formats (full, truncated to 8 bytes, counted)",
	    n_cases);

	wxf_buf_init(&b);
	for (i = 0; i < 300; i++)
		wxf_buf_printf(&b, "%zu:%s;", i, i % 2 ? "odd" : "even");
	{
		wxf_buf w;

		wxf_buf_init(&w);
		for (i = 0; i < 300; i++) {
			char t[32];

			snprintf(t, sizeof(t), "%zu:%s;", i, i % 2 ? "odd" : "even");
			wxf_buf_puts(&w, t);
		}
		ok(b.len == w.len && memcmp(b.p, w.p, b.len + 1) == 0,
		    "wxf_buf_printf: 300 appends across growth equal snprintf's text (%zu bytes)", b.len);
		wxf_buf_free(&w);
	}
	wxf_buf_reset(&b);
	{
		char big[3000];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		wxf_buf_printf(&b, "[%s]", big);
		ok(b.len == 3001 && b.p[0] == '[' && b.p[3000] == ']' && b.p[3001] == '\0',
		    "wxf_buf_printf: one field longer than the free room is formatted again, whole");
	}
	wxf_buf_free(&b);
}

int
main(void)
{
	test_cursor();
	test_hash();
	test_escape();
	test_fmt();
	test_grow();
	test_arena_spill();
	test_table_spill();
	test_table_sort();
	test_strmap();
	test_sniff();
	test_xml();
	test_time();
	test_progress();
	test_paths_and_audit();
	test_hostile_files();
	return tap_done();
}
