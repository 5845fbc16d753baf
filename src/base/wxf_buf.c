/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "wxf_buf.h"
#include "wxf_fmt.h"
#include "wxf_mem.h"
#include "wxf_time.h"

#include <stdlib.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
wxf_buf_init(wxf_buf *b)
{
	b->p = NULL;
	b->len = b->cap = 0;
}

void
wxf_buf_free(wxf_buf *b)
{
	free(b->p);
	wxf_buf_init(b);
}

void
wxf_buf_reset(wxf_buf *b)
{
	b->len = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

static void
reserve(wxf_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 256;
	while (b->cap < need)
		b->cap *= 2;
	b->p = wxf_xrealloc(b->p, b->cap);
}

void
wxf_buf_add(wxf_buf *b, const void *data, size_t n)
{
	reserve(b, n);
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
wxf_buf_puts(wxf_buf *b, const char *s)
{
	wxf_buf_add(b, s, strlen(s));
}

void
wxf_buf_putc(wxf_buf *b, char c)
{
	wxf_buf_add(b, &c, 1);
}

void
wxf_buf_printf(wxf_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->cap - b->len < 64)
		reserve(b, 64);
	va_start(ap, fmt);
	n = wxf_vfmt(b->p + b->len, b->cap - b->len, fmt, ap);   /* one pass when it fits */
	va_end(ap);
	if (n <= 0) {
		b->p[b->len] = '\0';
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		reserve(b, (size_t)n);
		va_start(ap, fmt);
		wxf_vfmt(b->p + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

char *
wxf_buf_steal(wxf_buf *b)
{
	char *p;

	if (b->p == NULL)
		return wxf_xstrdup("");
	p = b->p;
	wxf_buf_init(b);
	return p;
}

size_t
wxf_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		c = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* overlong, surrogates, out of range */
	if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return len;
}

int
wxf_utf8_valid(const char *s, size_t n)
{
	size_t i = 0, l;
	uint32_t cp;

	while (i < n) {
		l = wxf_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (l == 0)
			return 0;
		i += l;
	}
	return 1;
}

static const char REPL[] = "\xef\xbf\xbd";

/* Length of the leading run of s[0..n) that JSON carries verbatim: printable ASCII other than
 * '"' and '\\', and well-formed UTF-8 other than U+2028/2029 (the rules of the escaping loop
 * below, checked here a byte class at a time). */
static size_t
json_plain(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];

		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
				return i;
			i++;
		} else if (c >= 0xc2 && c <= 0xdf) {
			if (i + 1 >= n || (s[i + 1] & 0xc0) != 0x80)
				return i;
			i += 2;
		} else if (c >= 0xe0 && c <= 0xef) {
			unsigned c1;

			if (i + 2 >= n || ((c1 = s[i + 1]) & 0xc0) != 0x80 || (s[i + 2] & 0xc0) != 0x80 ||
			    (c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 >= 0xa0) ||
			    (c == 0xe2 && c1 == 0x80 && (s[i + 2] == 0xa8 || s[i + 2] == 0xa9)))
				return i;
			i += 3;
		} else if (c >= 0xf0 && c <= 0xf4) {
			unsigned c1;

			if (i + 3 >= n || ((c1 = s[i + 1]) & 0xc0) != 0x80 || (s[i + 2] & 0xc0) != 0x80 ||
			    (s[i + 3] & 0xc0) != 0x80 || (c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 >= 0x90))
				return i;
			i += 4;
		} else
			return i;
	}
	return n;
}

/* The backslash escapes that the JSON and terminal forms share: backslash, LF, CR, TAB, and
 * the double quote where `quote` (JSON); NULL for any other code point. */
static const char *
bs_escape(uint32_t cp, int quote)
{
	switch (cp) {
	case '"':
		return quote ? "\\\"" : NULL;
	case '\\':
		return "\\\\";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	case '\t':
		return "\\t";
	default:
		return NULL;
	}
}

void
wxf_buf_json_str(wxf_buf *b, const char *s, size_t n)
{
	size_t i = s != NULL ? json_plain((const unsigned char *)s, n) : 0, l;
	uint32_t cp;
	const char *e;

	/* the plain leading run, in the common case the whole string, goes in one piece */
	reserve(b, i + 2);
	b->p[b->len++] = '"';
	if (i > 0)
		memcpy(b->p + b->len, s, i);
	b->len += i;
	if (s == NULL || i == n) {
		b->p[b->len++] = '"';
		b->p[b->len] = '\0';
		return;
	}
	b->p[b->len] = '\0';
	while (i < n) {
		l = wxf_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (l == 0) {
			wxf_buf_puts(b, REPL);
			i++;
			continue;
		}
		if ((e = bs_escape(cp, 1)) != NULL)
			wxf_buf_puts(b, e);
		else if (cp < 0x20 || cp == 0x7f || cp == 0x2028 || cp == 0x2029)
			wxf_buf_printf(b, "\\u%04x", (unsigned)cp);
		else
			wxf_buf_add(b, s + i, l);
		i += l;
	}
	wxf_buf_putc(b, '"');
}

int
wxf_cp_invisible(uint32_t cp)
{
	return (cp < 0x20 && cp != '\n' && cp != '\t' && cp != '\r') || cp == 0x7f ||
	    (cp >= 0x80 && cp < 0xa0) ||                    /* C1 controls */
	    cp == 0x061c || cp == 0x115f || cp == 0x1160 || cp == 0x180e ||
	    (cp >= 0x200b && cp <= 0x200f) ||               /* zero-width, LRM, RLM */
	    (cp >= 0x2028 && cp <= 0x202e) ||               /* line/paragraph sep., bidi embeds */
	    (cp >= 0x2060 && cp <= 0x206f) ||               /* joiners, isolates, deprecated */
	    cp == 0x3164 || cp == 0xfeff || cp == 0xffa0 ||   /* Hangul fillers, BOM */
	    (cp >= 0xfff9 && cp <= 0xfffb) ||               /* interlinear annotation */
	    cp == 0xfffe || cp == 0xffff ||
	    (cp >= 0xe0000 && cp <= 0xe007f);               /* tag characters */
}

void
wxf_buf_visible(wxf_buf *b, const char *s, size_t n)
{
	size_t i = 0, l, run = 0;
	uint32_t cp;


	/* what is shown as it is goes out in runs (one copy per run, not per character) */
	while (s != NULL && i < n) {
		unsigned char ch = (unsigned char)s[i];

		if ((ch >= 0x20 && ch < 0x7f) || ch == '\n' || ch == '\t' || ch == '\r') {
			i++;
			continue;
		}
		l = wxf_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (l != 0 && !wxf_cp_invisible(cp)) {
			i += l;
			continue;
		}
		wxf_buf_add(b, s + run, i - run);
		if (l == 0) {
			wxf_buf_puts(b, REPL);
			i++;
		} else {
			wxf_buf_printf(b, "[U+%04X]", (unsigned)cp);
			i += l;
		}
		run = i;
	}
	if (s != NULL && i > run)
		wxf_buf_add(b, s + run, i - run);
}

void
wxf_buf_term(wxf_buf *b, const char *s, size_t n)
{
	size_t i = 0, l;
	uint32_t cp;
	const char *e;

	while (s != NULL && i < n) {
		l = wxf_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (l == 0) {
			wxf_buf_printf(b, "\\x%02x", (unsigned char)s[i]);
			i++;
			continue;
		}
		if ((e = bs_escape(cp, 0)) != NULL)
			wxf_buf_puts(b, e);
		else if (cp < 0x20 || cp == 0x7f)
			wxf_buf_printf(b, "\\x%02x", (unsigned)cp);
		else if (cp >= 0x80 && cp < 0xa0)
			wxf_buf_printf(b, "\\u%04x", (unsigned)cp);
		else if (wxf_cp_invisible(cp))
			wxf_buf_printf(b, "[U+%04X]", (unsigned)cp);
		else
			wxf_buf_add(b, s + i, l);
		i += l;
	}
}

char *
wxf_term_str(const char *s)
{
	wxf_buf b;

	wxf_buf_init(&b);
	if (s == NULL)
		wxf_buf_puts(&b, "(null)");
	else
		wxf_buf_term(&b, s, strlen(s));
	return wxf_buf_steal(&b);
}

void
wxf_buf_json_str_raw(wxf_buf *b, const char *s, size_t n)
{
	size_t i = 0, l;
	uint32_t cp;
	const char *e;

	wxf_buf_putc(b, '"');
	while (s != NULL && i < n) {
		l = wxf_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (l == 0) {
			wxf_buf_puts(b, "\\ufffd");
			i++;
			continue;
		}
		if ((e = bs_escape(cp, 1)) != NULL)
			wxf_buf_puts(b, e);
		else if (wxf_cp_invisible(cp) && cp > 0xffff)
			wxf_buf_printf(b, "\\u%04x\\u%04x", (unsigned)(0xd800 + ((cp - 0x10000) >> 10)),
			    (unsigned)(0xdc00 + ((cp - 0x10000) & 0x3ff)));
		else if (wxf_cp_invisible(cp))
			wxf_buf_printf(b, "\\u%04x", (unsigned)cp);
		else
			wxf_buf_add(b, s + i, l);
		i += l;
	}
	wxf_buf_putc(b, '"');
}

void
wxf_buf_xml_text(wxf_buf *b, const char *s, size_t n)
{
	size_t i = 0, l, run = 0;
	uint32_t cp;
	const char *ent;

	/* text that needs nothing goes out in runs; the rest one replacement at a time */
	while (s != NULL && i < n) {
		unsigned char ch = (unsigned char)s[i];

		ent = NULL;
		l = 1;
		if ((ch >= 0x20 && ch < 0x7f) || ch == '\n' || ch == '\t' || ch == '\r') {
			switch (ch) {
			case '&': ent = "&amp;"; break;
			case '<': ent = "&lt;"; break;
			case '>': ent = "&gt;"; break;
			case '"': ent = "&quot;"; break;
			case '\'': ent = "&#39;"; break;
			default:
				i++;
				continue;
			}
		} else {
			l = wxf_utf8_decode((const unsigned char *)s + i, n - i, &cp);
			if (l != 0 && !wxf_cp_invisible(cp)) {
				i += l;
				continue;
			}
		}
		wxf_buf_add(b, s + run, i - run);
		if (ent != NULL)
			wxf_buf_puts(b, ent);
		else if (l == 0) {
			wxf_buf_puts(b, REPL);
			l = 1;
		} else
			wxf_buf_printf(b, "[U+%04X]", (unsigned)cp);
		i += l;
		run = i;
	}
	if (s != NULL && i > run)
		wxf_buf_add(b, s + run, i - run);
}

void
wxf_buf_csv_field(wxf_buf *b, const char *s, size_t n)
{
	const char *q;
	size_t i;

	wxf_buf_putc(b, '"');
	/* a spreadsheet evaluates a field that starts with one of these as a formula (OWASP, "CSV
	 * Injection": = + - @, TAB and CR) */
	if (s != NULL && n > 0 && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
	    s[0] == '\t' || s[0] == '\r'))
		wxf_buf_putc(b, '\'');
	/* runs up to and including each quote, the quote then doubled */
	for (i = 0; s != NULL && i < n; ) {
		q = memchr(s + i, '"', n - i);
		if (q == NULL) {
			wxf_buf_add(b, s + i, n - i);
			break;
		}
		wxf_buf_add(b, s + i, (size_t)(q - (s + i)) + 1);
		wxf_buf_putc(b, '"');
		i = (size_t)(q - s) + 1;
	}
	wxf_buf_putc(b, '"');
}

void
wxf_buf_json_sep(wxf_buf *b)
{
	if (b->len > 0 && b->p[b->len - 1] != '{' && b->p[b->len - 1] != '[' &&
	    b->p[b->len - 1] != ':')
		wxf_buf_putc(b, ',');
}

void
wxf_buf_json_key(wxf_buf *b, const char *k)
{
	wxf_buf_json_sep(b);
	wxf_buf_json_str(b, k, strlen(k));
	wxf_buf_putc(b, ':');
}

void
wxf_buf_json_kstr(wxf_buf *b, const char *k, const char *v)
{
	wxf_buf_json_key(b, k);
	if (v == NULL)
		wxf_buf_puts(b, "null");
	else
		wxf_buf_json_str(b, v, strlen(v));
}

void
wxf_buf_json_kint(wxf_buf *b, const char *k, int64_t v)
{
	wxf_buf_json_key(b, k);
	if (v == INT64_MIN)
		wxf_buf_puts(b, "null");
	else
		wxf_buf_printf(b, "%lld", (long long)v);
}

void
wxf_buf_json_kuint(wxf_buf *b, const char *k, uint64_t v)
{
	wxf_buf_json_key(b, k);
	wxf_buf_printf(b, "%llu", (unsigned long long)v);
}

void
wxf_buf_json_kbool(wxf_buf *b, const char *k, int v)
{
	wxf_buf_json_key(b, k);
	wxf_buf_puts(b, v ? "true" : "false");
}

void
wxf_buf_json_ktime(wxf_buf *b, const char *k, int64_t ms)
{
	char t[64], kk[128];

	wxf_buf_json_key(b, k);
	if (ms == WXF_TIME_UNKNOWN)
		wxf_buf_puts(b, "null");
	else {
		wxf_time_fmt_utc(ms, t, sizeof(t));
		wxf_buf_json_str(b, t, strlen(t));
	}
	snprintf(kk, sizeof(kk), "%s_ms", k);
	wxf_buf_json_kint(b, kk, ms);
}

static int
hex4(const char *s, const char *end, uint32_t *v)
{
	int i;

	*v = 0;
	if (end - s < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = s[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

static void
put_utf8(wxf_buf *b, uint32_t cp)
{
	char u[4];

	if (cp < 0x80) {
		wxf_buf_putc(b, (char)cp);
		return;
	}
	if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		wxf_buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		wxf_buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		wxf_buf_add(b, u, 4);
	}
}

char *
wxf_json_get_str(const char *s, size_t n, const char *key)
{
	const char *end = s + n, *p = s;
	size_t kl = strlen(key);
	wxf_buf b;

	/* the writers never put an unescaped '"' inside a string, so "key":" is a member */
	for (;;) {
		p = memmem(p, (size_t)(end - p), "\"", 1);
		if (p == NULL || (size_t)(end - p) < kl + 4)
			return NULL;
		if (memcmp(p + 1, key, kl) == 0 && memcmp(p + 1 + kl, "\":\"", 3) == 0)
			break;
		p++;
	}
	p += kl + 4;
	wxf_buf_init(&b);
	while (p < end && *p != '"') {
		uint32_t cp, lo;

		if (*p != '\\') {
			wxf_buf_putc(&b, *p++);
			continue;
		}
		if (++p == end)
			break;
		switch (*p++) {
		case '"': wxf_buf_putc(&b, '"'); break;
		case '\\': wxf_buf_putc(&b, '\\'); break;
		case '/': wxf_buf_putc(&b, '/'); break;
		case 'b': wxf_buf_putc(&b, '\b'); break;
		case 'f': wxf_buf_putc(&b, '\f'); break;
		case 'n': wxf_buf_putc(&b, '\n'); break;
		case 'r': wxf_buf_putc(&b, '\r'); break;
		case 't': wxf_buf_putc(&b, '\t'); break;
		case 'u':
			if (hex4(p, end, &cp) != 0)
				goto bad;
			p += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u' &&
			    hex4(p + 2, end, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			} else if (cp >= 0xd800 && cp < 0xe000)
				cp = 0xfffd;
			put_utf8(&b, cp);
			break;
		default:
			goto bad;
		}
	}
	if (p == end)
		goto bad;
	if (b.p == NULL)
		wxf_buf_puts(&b, "");
	return wxf_buf_steal(&b);
bad:
	wxf_buf_free(&b);
	return NULL;
}
