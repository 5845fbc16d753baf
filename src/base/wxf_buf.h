/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wxf_buf: growable byte buffer with printf and escaping for the writers (JSON, XML/HTML, CSV).
 * Aborts on OOM (used by cli/ and report/ only, C9).  Always NUL-terminated.
 */
#ifndef WXF_BUF_H
#define WXF_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct wxf_buf {
	char *p;
	size_t len, cap;
} wxf_buf;

void wxf_buf_init(wxf_buf *b);
void wxf_buf_free(wxf_buf *b);
void wxf_buf_reset(wxf_buf *b);
void wxf_buf_add(wxf_buf *b, const void *data, size_t n);
void wxf_buf_puts(wxf_buf *b, const char *s);
void wxf_buf_putc(wxf_buf *b, char c);
void wxf_buf_printf(wxf_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Takes ownership of the string; the buffer is left empty. */
char *wxf_buf_steal(wxf_buf *b);

/*
 * JSON string literal with quotes.  Invalid UTF-8 bytes become U+FFFD; control characters,
 * U+2028/2029 are escaped; output is plain deterministic ASCII-safe JSON text (non-ASCII UTF-8 kept).
 * The leading run that needs no escaping (in practice most strings whole) is copied in one
 * piece after one capacity check, so hot writers (the carver's JSON lines) call it directly.
 */
void wxf_buf_json_str(wxf_buf *b, const char *s, size_t n);
/* 1 for a code point that can hide or reorder text (wxf_cp_invisible): C0 and C1 controls but
 * TAB LF CR, bidi embeddings, overrides and isolates, zero-width characters, line and paragraph
 * separators, Hangul fillers, the BOM, tag characters, non-characters. */
int wxf_cp_invisible(uint32_t cp);
/* Evidence text made safe to show, in every output: invalid UTF-8 becomes U+FFFD and every
 * invisible code point a visible "[U+202E]" marker (no escaping for any format). */
void wxf_buf_visible(wxf_buf *b, const char *s, size_t n);
/* Text made safe for a terminal (file names, evidence strings in messages and tables): C0
 * controls, DEL and invalid UTF-8 bytes become "\xNN" ("\n", "\r", "\t" for those three), C1
 * controls "\u0085", a backslash "\\", every other invisible code point "[U+202E]"; no escape
 * sequence, line break or reordering character of the input reaches the terminal. */
void wxf_buf_term(wxf_buf *b, const char *s, size_t n);
/* wxf_buf_term of a NUL-terminated string into a malloc'd one ("(null)" for NULL). */
char *wxf_term_str(const char *s);
/* JSON string literal of the exact text: invisible code points escaped as \uXXXX (so a viewer
 * cannot render them), invalid UTF-8 bytes as \ufffd; otherwise as wxf_buf_json_str. */
void wxf_buf_json_str_raw(wxf_buf *b, const char *s, size_t n);
/* Text for HTML/XML element content and attribute values: & < > " ' escaped; invalid UTF-8
 * replaced by U+FFFD; every invisible code point (wxf_cp_invisible: controls, bidi overrides
 * and isolates, zero-width characters ...) made visible as a "[U+202E]" marker so hostile text
 * cannot reorder the page. */
void wxf_buf_xml_text(wxf_buf *b, const char *s, size_t n);
/* CSV field per RFC 4180 (always quoted); a leading = + - @ TAB or CR is prefixed with ' (formula
 * injection). */
void wxf_buf_csv_field(wxf_buf *b, const char *s, size_t n);

/*
 * Writers of deterministic JSON objects, shared by model/ and analysis/.  A separator is added
 * unless the buffer ends with '{', '[' or ':' (or is empty), so objects and arrays are written
 * member after member without tracking state.  INT64_MIN (WXF_INT_UNKNOWN, WXF_TIME_UNKNOWN)
 * is written as null, as is a NULL string.
 */
void wxf_buf_json_sep(wxf_buf *b);
void wxf_buf_json_key(wxf_buf *b, const char *k);
void wxf_buf_json_kstr(wxf_buf *b, const char *k, const char *v);
void wxf_buf_json_kint(wxf_buf *b, const char *k, int64_t v);
/* An unsigned count or size (never null). */
void wxf_buf_json_kuint(wxf_buf *b, const char *k, uint64_t v);
void wxf_buf_json_kbool(wxf_buf *b, const char *k, int v);
/* "k":"<UTC ISO 8601>","k_ms":<ms> */
void wxf_buf_json_ktime(wxf_buf *b, const char *k, int64_t ms);

/* The string value of member `key` in one JSON object written by the writers above (a line of
 * audit.jsonl): "key":"..." found at s[0..n), its escapes decoded (\uXXXX and surrogate pairs
 * included).  Returns a malloc'd string, or NULL when absent or malformed. */
char *wxf_json_get_str(const char *s, size_t n, const char *key);

/* Decodes one UTF-8 scalar at s[0..n); returns length or 0 if invalid (cp untouched). */
size_t wxf_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* 1 if s[0..n) is valid UTF-8 */
int wxf_utf8_valid(const char *s, size_t n);

#endif
