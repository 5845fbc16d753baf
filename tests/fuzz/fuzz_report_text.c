/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: the text escapers through which every writer passes evidence strings
 * (src/base/wxf_buf.c), the input taken as one string.  Each output is checked against what it
 * must mean, decoded back independently of the escaper:
 *   JSON (wxf_buf_json_str, wxf_buf_json_str_raw)  read back with wxf_json_get_str, it is the
 *       input with each invalid UTF-8 byte as U+FFFD; the raw form holds no invisible code point;
 *   visible (wxf_buf_visible)   valid UTF-8 without any invisible code point (wxf_cp_invisible),
 *       and the input itself when that already held none;
 *   HTML/XML text (wxf_buf_xml_text)  no < > " ' and no & but the five entities; with those
 *       decoded it is the visible form;
 *   terminal (wxf_buf_term)     valid UTF-8, no control character, no invisible code point;
 *   CSV (wxf_buf_csv_field)     one quoted RFC 4180 field that unquotes to the input, with a '
 *       before a leading = + - @ TAB or CR.
 * A violation aborts.  The whole-writer target is `report` (hundreds of executions a second);
 * this one runs millions.
 */
#include "config.h"
#include "base/wxf_buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 1 if t[0..n) is valid UTF-8 holding no invisible code point; `ctl` also refuses TAB, LF, CR */
static int
clean(const char *t, size_t n, int ctl)
{
	size_t i = 0, l;
	uint32_t cp;

	while (i < n) {
		l = wxf_utf8_decode((const unsigned char *)t + i, n - i, &cp);
		if (l == 0 || wxf_cp_invisible(cp) || (ctl && cp < 0x20))
			return 0;
		i += l;
	}
	return 1;
}

/* s with each byte that does not start a valid UTF-8 scalar replaced by U+FFFD */
static void
replaced(wxf_buf *b, const char *s, size_t n)
{
	size_t i = 0, l;
	uint32_t cp;

	while (i < n) {
		l = wxf_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (l == 0) {
			wxf_buf_add(b, "\xef\xbf\xbd", 3);
			i++;
		} else {
			wxf_buf_add(b, s + i, l);
			i += l;
		}
	}
}

/* {"k":<the JSON form of s>} read back must be `want` */
static void
json_back(const char *s, size_t n, int raw, const wxf_buf *want)
{
	wxf_buf b;
	char *v;

	wxf_buf_init(&b);
	wxf_buf_puts(&b, "{\"k\":");
	if (raw)
		wxf_buf_json_str_raw(&b, s, n);
	else
		wxf_buf_json_str(&b, s, n);
	wxf_buf_putc(&b, '}');
	if (!wxf_utf8_valid(b.p, b.len))
		abort();
	if (raw && !clean(b.p, b.len, 0))
		abort();
	v = wxf_json_get_str(b.p, b.len, "k");
	if (v == NULL || strlen(v) != want->len ||
	    (want->len > 0 && memcmp(v, want->p, want->len) != 0))
		abort();
	free(v);
	wxf_buf_free(&b);
}

/* the XML text with its five entities decoded must be the visible form */
static void
xml_back(const char *x, size_t n, const wxf_buf *vis)
{
	static const char *const ent[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&#39;" };
	static const char ch[] = "&<>\"'";
	wxf_buf b;
	size_t i = 0, k, l;

	wxf_buf_init(&b);
	while (i < n) {
		if (x[i] == '<' || x[i] == '>' || x[i] == '"' || x[i] == '\'')
			abort();
		if (x[i] != '&') {
			wxf_buf_add(&b, x + i++, 1);
			continue;
		}
		for (k = 0; k < 5; k++) {
			l = strlen(ent[k]);
			if (n - i >= l && memcmp(x + i, ent[k], l) == 0)
				break;
		}
		if (k == 5)
			abort(); /* a bare & */
		wxf_buf_add(&b, ch + k, 1);
		i += l;
	}
	if (b.len != vis->len || (b.len > 0 && memcmp(b.p, vis->p, b.len) != 0))
		abort();
	wxf_buf_free(&b);
}

/* the CSV field unquoted must be the input, with a ' before a leading formula character */
static void
csv_back(const char *c, size_t n, const char *s, size_t sn)
{
	wxf_buf b;
	size_t i;
	int guard = sn > 0 && strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0';

	if (n < 2 || c[0] != '"' || c[n - 1] != '"')
		abort();
	wxf_buf_init(&b);
	for (i = 1; i < n - 1; i++) {
		if (c[i] == '"') {
			if (i + 1 >= n - 1 || c[i + 1] != '"')
				abort(); /* a lone quote ends the field early */
			i++;
		}
		wxf_buf_add(&b, c + i, 1);
	}
	if (b.len != sn + (size_t)guard || (guard && b.p[0] != '\'') ||
	    (sn > 0 && memcmp(b.p + guard, s, sn) != 0))
		abort();
	wxf_buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	wxf_buf want, vis, x, t, c;

	if (size > 4096)
		return 0;
	wxf_buf_init(&want);
	wxf_buf_init(&vis);
	wxf_buf_init(&x);
	wxf_buf_init(&t);
	wxf_buf_init(&c);
	replaced(&want, s, size);
	/* a NUL comes back as \u0000 and ends the C string wxf_json_get_str returns */
	if (memchr(s, 0, size) == NULL) {
		json_back(s, size, 0, &want);
		json_back(s, size, 1, &want);
	}
	wxf_buf_visible(&vis, s, size);
	if (!clean(vis.p != NULL ? vis.p : "", vis.len, 0))
		abort();
	if (clean(s, size, 0) && (vis.len != size || (size > 0 && memcmp(vis.p, s, size) != 0)))
		abort();
	wxf_buf_xml_text(&x, s, size);
	if (!clean(x.p != NULL ? x.p : "", x.len, 0))
		abort();
	xml_back(x.p != NULL ? x.p : "", x.len, &vis);
	wxf_buf_term(&t, s, size);
	if (!clean(t.p != NULL ? t.p : "", t.len, 1))
		abort();
	wxf_buf_csv_field(&c, s, size);
	csv_back(c.p, c.len, s, size);
	wxf_buf_free(&want);
	wxf_buf_free(&vis);
	wxf_buf_free(&x);
	wxf_buf_free(&t);
	wxf_buf_free(&c);
	return 0;
}
