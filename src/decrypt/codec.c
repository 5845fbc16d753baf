/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Key material, KDF and the page codec (OpenSSL libcrypto EVP: PBKDF2, AES-256-CBC, HMAC).
 * The page layout is described in decrypt.h.
 *
 * Verification of page 1:
 *  - profiles with an HMAC: HMAC(mac, page1[16 .. n-r+16) || pgno=1) equals the stored MAC;
 *  - profiles without (android/sqlcipher1): the decrypted header bytes 16..23 must read
 *    page size, write/read version 1 or 2, reserve = profile reserve, 64 32 32 (the SQLite
 *    payload fractions, fixed in every database) -- 7 bytes, about 2^-50 false positives.
 */
#include "config.h"
#include "decrypt/decrypt_int.h"
#include "base/wxf_buf.h"
#include "base/wxf_hash.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const uint8_t sqlite_magic[16] = "SQLite format 3";

unsigned
wxf_ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 && n < 1024 ? (unsigned)n : 1;
}

double
wxf_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------ keys */

void
wxf_key_clear(wxf_key *k)
{
	OPENSSL_cleanse(k, sizeof(*k));
	memset(k, 0, sizeof(*k));
}

static int
all_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int
wxf_key_from_text(wxf_key *k, const char *text, wxf_key_form form, wxf_err *err)
{
	size_t n = strlen(text);
	const char *hex = NULL;

	memset(k, 0, sizeof(*k));
	k->form = form;
	if (n == 67 && (text[0] == 'x' || text[0] == 'X') && text[1] == '\'' && text[66] == '\'')
		hex = text + 2;
	else if (n == 64 && all_hex(text, 64))
		hex = text;
	if (hex != NULL) {
		char h[65];

		memcpy(h, hex, 64);
		h[64] = '\0';
		if (!all_hex(h, 64) || wxf_unhex(h, k->bytes, 32) != 0)
			return wxf_err_set(err, WXF_EUSAGE, "key: 64 hexadecimal digits expected");
		OPENSSL_cleanse(h, sizeof(h));
		k->len = 32;
		return WXF_OK;
	}
	if (form == WXF_KEY_RAW)
		return wxf_err_set(err, WXF_EUSAGE,
		    "raw key: 64 hexadecimal digits (32 bytes) expected, got %zu characters", n);
	if (n == 0 || n > sizeof(k->bytes))
		return wxf_err_set(err, WXF_EUSAGE, "passphrase must have 1 to %zu bytes",
		    sizeof(k->bytes));
	memcpy(k->bytes, text, n);
	k->len = n;
	return WXF_OK;
}

void
wxf_key_add_input(wxf_key *k, const char *name, const char *value, const char *source,
    const char *label_zh, const char *label_en, const char *prefix)
{
	wxf_key_input *in;

	if (k->n_inputs >= WXF_KEY_MAX_INPUTS)
		return;
	in = &k->inputs[k->n_inputs++];
	snprintf(in->name, sizeof(in->name), "%s", name);
	snprintf(in->value, sizeof(in->value), "%s", value != NULL ? value : "");
	snprintf(in->source, sizeof(in->source), "%s", source != NULL ? source : "");
	in->label_zh = label_zh;
	in->label_en = label_en;
	in->prefix = prefix;
}

void
wxf_key_display(const wxf_key *k, int reveal, char *out, size_t n)
{
	size_t i;
	int text = 1;

	if (!reveal) {
		snprintf(out, n, "[redacted, %zu-byte %s; use --reveal-key]", k->len,
		    k->form == WXF_KEY_RAW ? "raw key" : "passphrase");
		return;
	}
	for (i = 0; i < k->len; i++)
		if (k->bytes[i] < 0x20 || k->bytes[i] > 0x7e || k->bytes[i] == '\'')
			text = 0;
	if (text && k->form == WXF_KEY_PASSPHRASE) {
		snprintf(out, n, "%.*s", (int)k->len, (const char *)k->bytes);
	} else if (n > 2 * k->len + 3) {
		out[0] = 'x';
		out[1] = '\'';
		wxf_hex(k->bytes, k->len, out + 2);
		strcat(out, "'");
	} else if (n > 0)
		out[0] = '\0';
}

static const char *const key_sources[] = { "given", "derived", "key-space-search", "memory-dump" };

void
wxf_key_json(const wxf_key *k, int reveal, wxf_buf *b)
{
	char disp[160];
	size_t i;

	wxf_buf_puts(b, "\"key\":{");
	wxf_buf_json_kstr(b, "source", k->method != NULL ? k->method :
	    key_sources[k->source <= WXF_KEYSRC_MEMDUMP ? k->source : 0]);
	wxf_buf_json_kstr(b, "how", k->how);
	wxf_buf_json_kstr(b, "form", k->form == WXF_KEY_RAW ? "raw" : "passphrase");
	for (i = 0; i < k->n_inputs; i++) {
		char src[40];

		wxf_buf_json_kstr(b, k->inputs[i].name, k->inputs[i].value);
		snprintf(src, sizeof(src), "%s_source", k->inputs[i].name);
		wxf_buf_json_kstr(b, src, k->inputs[i].source);
	}
	wxf_key_display(k, reveal, disp, sizeof(disp));
	wxf_buf_json_kstr(b, "value", disp);
	wxf_buf_putc(b, '}');
}

/* ------------------------------------------------------------------ KDF */

static const EVP_MD *
kdf_md(wxf_kdf_alg a)
{
	return a == WXF_KDF_PBKDF2_SHA512 ? EVP_sha512() : EVP_sha1();
}

static const EVP_MD *
hmac_md(wxf_hmac_alg a)
{
	return a == WXF_HMAC_SHA512 ? EVP_sha512() : EVP_sha1();
}

int
wxf_kdf_derive(const wxf_profile *p, const wxf_key *k, const uint8_t salt[16], uint8_t enc[32],
    wxf_err *err)
{
	if (k->form == WXF_KEY_RAW || p->kdf == WXF_KDF_NONE) {
		if (k->len != WXF_KEY_SZ)
			return wxf_err_set(err, WXF_EKEY, "profile %s needs a 32-byte raw key", p->name);
		memcpy(enc, k->bytes, WXF_KEY_SZ);
		return WXF_OK;
	}
	if (PKCS5_PBKDF2_HMAC((const char *)k->bytes, (int)k->len, salt, WXF_SALT_SZ,
	    (int)p->kdf_iter, kdf_md(p->kdf), WXF_KEY_SZ, enc) != 1)
		return wxf_err_set(err, WXF_ECRYPTO, "PBKDF2 failed (libcrypto)");
	return WXF_OK;
}

int
wxf_codec_from_enc(wxf_codec **cp, const wxf_profile *p, const uint8_t salt[16],
    const uint8_t enc[32], wxf_err *err)
{
	wxf_codec *c = calloc(1, sizeof(*c));

	*cp = NULL;
	if (c == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	c->p = p;
	memcpy(c->salt, salt, WXF_SALT_SZ);
	memcpy(c->enc, enc, WXF_KEY_SZ);
	if (p->hmac != WXF_HMAC_NONE) {
		uint8_t msalt[WXF_SALT_SZ];
		int i;

		for (i = 0; i < WXF_SALT_SZ; i++)
			msalt[i] = salt[i] ^ p->hmac_salt_mask;
		if (PKCS5_PBKDF2_HMAC((const char *)enc, WXF_KEY_SZ, msalt, WXF_SALT_SZ,
		    (int)p->hmac_kdf_iter, hmac_md(p->hmac), WXF_KEY_SZ, c->mac) != 1) {
			wxf_codec_free(&c);
			return wxf_err_set(err, WXF_ECRYPTO, "PBKDF2 (MAC key) failed (libcrypto)");
		}
		c->hmac_len = p->hmac == WXF_HMAC_SHA512 ? 64 : 20;
	}
	*cp = c;
	return WXF_OK;
}

void
wxf_codec_free(wxf_codec **c)
{
	if (*c == NULL)
		return;
	OPENSSL_cleanse(*c, sizeof(**c));
	free(*c);
	*c = NULL;
}

const wxf_profile *
wxf_codec_profile(const wxf_codec *c)
{
	return c->p;
}

/* ------------------------------------------------------------------ pages */

wxf_codec_scratch *
wxf_codec_scratch_new(const wxf_codec *c)
{
	wxf_codec_scratch *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->cx = EVP_CIPHER_CTX_new();
	if (s->cx == NULL ||
	    EVP_DecryptInit_ex(s->cx, EVP_aes_256_cbc(), NULL, c->enc, NULL) != 1)
		goto fail;
	EVP_CIPHER_CTX_set_padding(s->cx, 0);
	if (c->hmac_len) {
		EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
		OSSL_PARAM prm[2];

		if (mac == NULL)
			goto fail;
		s->mx = EVP_MAC_CTX_new(mac);
		EVP_MAC_free(mac);
		prm[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
		    c->p->hmac == WXF_HMAC_SHA512 ? "SHA512" : "SHA1", 0);
		prm[1] = OSSL_PARAM_construct_end();
		if (s->mx == NULL || EVP_MAC_init(s->mx, c->mac, WXF_KEY_SZ, prm) != 1)
			goto fail;
	}
	return s;
fail:
	wxf_codec_scratch_free(&s);
	return NULL;
}

void
wxf_codec_scratch_free(wxf_codec_scratch **s)
{
	if (*s == NULL)
		return;
	EVP_CIPHER_CTX_free((*s)->cx);
	EVP_MAC_CTX_free((*s)->mx);
	free(*s);
	*s = NULL;
}

#define page_is_zero wxf_page_is_zero

int
wxf_page_is_zero(const uint8_t *p, size_t n)
{
	static const uint8_t z[64];
	size_t i;

	for (i = 0; i + 64 <= n; i += 64)
		if (memcmp(p + i, z, 64) != 0)
			return 0;
	for (; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* 1 when the stored HMAC verifies. */
static int
page_hmac_ok(const wxf_codec *c, wxf_codec_scratch *s, uint32_t pgno, const uint8_t *in)
{
	const wxf_profile *p = c->p;
	size_t off = pgno == 1 ? WXF_SALT_SZ : 0;
	size_t end = p->page_size - p->reserve + 16;
	uint8_t pg[4], md[64];
	size_t mdlen = 0;

	if (p->hmac_pgno_be) {
		pg[0] = (uint8_t)(pgno >> 24); pg[1] = (uint8_t)(pgno >> 16);
		pg[2] = (uint8_t)(pgno >> 8); pg[3] = (uint8_t)pgno;
	} else {
		pg[0] = (uint8_t)pgno; pg[1] = (uint8_t)(pgno >> 8);
		pg[2] = (uint8_t)(pgno >> 16); pg[3] = (uint8_t)(pgno >> 24);
	}
	if (EVP_MAC_init(s->mx, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(s->mx, in + off, end - off) != 1 ||
	    EVP_MAC_update(s->mx, pg, 4) != 1 ||
	    EVP_MAC_final(s->mx, md, &mdlen, sizeof(md)) != 1 || mdlen != c->hmac_len)
		return 0;
	return CRYPTO_memcmp(md, in + end, c->hmac_len) == 0;
}

static void
page_decrypt(const wxf_codec *c, wxf_codec_scratch *s, uint32_t pgno, const uint8_t *in,
    uint8_t *out)
{
	const wxf_profile *p = c->p;
	size_t off = pgno == 1 ? WXF_SALT_SZ : 0;
	size_t n = p->page_size - p->reserve;
	int l = 0;

	if (EVP_DecryptInit_ex(s->cx, NULL, NULL, NULL, in + n) != 1 ||
	    EVP_DecryptUpdate(s->cx, out + off, &l, in + off, (int)(n - off)) != 1)
		memset(out + off, 0, n - off);
	memcpy(out + n, in + n, p->reserve);
	if (pgno == 1)
		memcpy(out, sqlite_magic, 16);
}

wxf_page_verdict
wxf_codec_page(const wxf_codec *c, wxf_codec_scratch *s, uint32_t pgno, const uint8_t *in,
    uint8_t *out)
{
	wxf_codec_scratch *own = NULL;
	wxf_page_verdict v;

	if (page_is_zero(in, c->p->page_size)) {
		memset(out, 0, c->p->page_size);
		return WXF_PAGE_ZERO;
	}
	if (s == NULL && (s = own = wxf_codec_scratch_new(c)) == NULL) {
		memcpy(out, in, c->p->page_size);
		return WXF_PAGE_BAD;
	}
	if (c->hmac_len)
		v = page_hmac_ok(c, s, pgno, in) ? WXF_PAGE_GOOD : WXF_PAGE_BAD;
	else
		v = WXF_PAGE_UNVERIFIED;
	page_decrypt(c, s, pgno, in, out);
	wxf_codec_scratch_free(&own);
	return v;
}

int
wxf_plain_header_ok(const uint8_t *h, uint32_t page_size, uint32_t reserve)
{
	uint32_t ps = (uint32_t)h[0] << 8 | h[1];

	if (ps == 1)
		ps = 65536;
	return ps == page_size && (h[2] == 1 || h[2] == 2) && (h[3] == 1 || h[3] == 2) &&
	    h[4] == reserve && h[5] == 64 && h[6] == 32 && h[7] == 32;
}

int
wxf_header_block_ok(EVP_CIPHER_CTX *cx, const uint8_t enc[32], const uint8_t *page1,
    uint32_t page_size, uint32_t reserve)
{
	uint8_t out[32];
	int l = 0;

	/* CBC: plaintext block = AES_dec(C1) xor IV, where C1 = page1[16..32). */
	if (EVP_DecryptInit_ex(cx, EVP_aes_256_cbc(), NULL, enc, page1 + page_size - reserve) != 1)
		return 0;
	EVP_CIPHER_CTX_set_padding(cx, 0);
	if (EVP_DecryptUpdate(cx, out, &l, page1 + 16, 16) != 1 || l != 16)
		return 0;
	return wxf_plain_header_ok(out, page_size, reserve);
}

int
wxf_codec_check_page1(const wxf_codec *c, wxf_codec_scratch *s, const uint8_t *page1)
{
	uint8_t *out;
	int ok;

	if (c->hmac_len)
		return page_hmac_ok(c, s, 1, page1);
	out = malloc(c->p->page_size);
	if (out == NULL)
		return WXF_ENOMEM;
	page_decrypt(c, s, 1, page1, out);
	/* schema format (BE32 at 44) 0..4 and text encoding (BE32 at 56) 0..3 */
	ok = wxf_plain_header_ok(out + 16, c->p->page_size, c->p->reserve) &&
	    out[44] == 0 && out[45] == 0 && out[46] == 0 && out[47] <= 4 &&
	    out[56] == 0 && out[57] == 0 && out[58] == 0 && out[59] <= 3;
	free(out);
	return ok;
}

int
wxf_codec_try(const wxf_profile *p, const uint8_t *page1, const uint8_t enc[32])
{
	wxf_codec *c = NULL;
	wxf_codec_scratch *s;
	wxf_err e;
	int ok;

	wxf_err_clear(&e);
	if (wxf_codec_from_enc(&c, p, page1, enc, &e) != WXF_OK)
		return e.code == WXF_ENOMEM ? WXF_ENOMEM : 0;
	/* a scratch fails for want of memory (calloc, or libcrypto's own contexts) */
	if ((s = wxf_codec_scratch_new(c)) == NULL) {
		wxf_codec_free(&c);
		return WXF_ENOMEM;
	}
	ok = wxf_codec_check_page1(c, s, page1);
	wxf_codec_scratch_free(&s);
	wxf_codec_free(&c);
	return ok;
}

int
wxf_key_opens(const wxf_profile *p, const uint8_t *page1, size_t n, const wxf_key *k)
{
	uint8_t enc[WXF_KEY_SZ];
	int ok = 0;

	if (p == NULL || page1 == NULL || n < p->page_size)
		return 0;
	if (wxf_kdf_derive(p, k, page1, enc, NULL) == WXF_OK)
		ok = wxf_codec_try(p, page1, enc);
	OPENSSL_cleanse(enc, sizeof(enc));
	return ok;
}

/* ------------------------------------------------------------------ detection */

/* Two profiles are equivalent for this key when every parameter that matters is equal. */
static int
equivalent(const wxf_profile *a, const wxf_profile *b, const wxf_key *k)
{
	int raw_a = k->form == WXF_KEY_RAW || a->kdf == WXF_KDF_NONE;
	int raw_b = k->form == WXF_KEY_RAW || b->kdf == WXF_KDF_NONE;

	if (a->page_size != b->page_size || a->reserve != b->reserve || a->hmac != b->hmac ||
	    raw_a != raw_b)
		return 0;
	if (a->hmac != WXF_HMAC_NONE && (a->hmac_kdf_iter != b->hmac_kdf_iter ||
	    a->hmac_salt_mask != b->hmac_salt_mask || a->hmac_pgno_be != b->hmac_pgno_be))
		return 0;
	if (!raw_a && (a->kdf != b->kdf || a->kdf_iter != b->kdf_iter))
		return 0;
	return 1;
}

struct kdf_cache {
	wxf_kdf_alg alg;
	uint32_t iter;
	int raw;
	uint8_t enc[32];
};

int
wxf_codec_open(wxf_codec **cp, const uint8_t *page1, size_t n, uint64_t file_size,
    const wxf_key *k, const char *profile, char *note, size_t note_n, wxf_err *err)
{
	const wxf_profile *only = NULL, *win = NULL;
	struct kdf_cache cache[16];
	size_t n_cache = 0, i, j;
	wxf_codec *best = NULL;
	char names[160] = "";
	int tried = 0, rc;

	*cp = NULL;
	if (note != NULL && note_n > 0)
		note[0] = '\0';
	if (profile != NULL && (only = wxf_profile_find(profile)) == NULL)
		return wxf_err_set(err, WXF_EUSAGE, "unknown profile '%s'", profile);
	if (n < 1024)
		return wxf_err_setx(err, WXF_ECORRUPT, WXF_SEV_FATAL, __FILE__, __LINE__, 1, 0,
		    "file too short for an encrypted database (%zu bytes, need at least one page)", n);
	if (memcmp(page1, sqlite_magic, 16) == 0)
		return wxf_err_setx(err, WXF_EUNSUPPORTED, WXF_SEV_FATAL, __FILE__, __LINE__, 1, 0,
		    "plaintext SQLite database: not encrypted, nothing to decrypt");
	for (i = 0; i < wxf_profile_count(); i++) {
		const wxf_profile *p = wxf_profile_at(i);
		struct kdf_cache *kc = NULL;
		wxf_codec *c = NULL;
		wxf_codec_scratch *s;
		int raw = k->form == WXF_KEY_RAW || p->kdf == WXF_KDF_NONE, ok;

		if (only != NULL && p != only)
			continue;
		if (n < p->page_size || (file_size != 0 && only == NULL && file_size % p->page_size != 0))
			continue;
		if (raw && k->len != WXF_KEY_SZ)
			continue;
		if (win != NULL && equivalent(win, p, k)) {
			size_t l = strlen(names);

			snprintf(names + l, sizeof(names) - l, "%s%s", l ? ", " : "", p->name);
			continue;
		}
		for (j = 0; j < n_cache; j++)
			if (cache[j].raw == raw && (raw || (cache[j].alg == p->kdf &&
			    cache[j].iter == p->kdf_iter)))
				kc = &cache[j];
		if (kc == NULL && n_cache < 16) {
			kc = &cache[n_cache];
			kc->alg = p->kdf;
			kc->iter = p->kdf_iter;
			kc->raw = raw;
			if ((rc = wxf_kdf_derive(p, k, page1, kc->enc, err)) != WXF_OK)
				goto out;
			n_cache++;
		}
		if (kc == NULL)
			continue;
		if ((rc = wxf_codec_from_enc(&c, p, page1, kc->enc, err)) != WXF_OK)
			goto out;
		tried++;
		if ((s = wxf_codec_scratch_new(c)) == NULL) {
			wxf_codec_free(&c);
			rc = wxf_err_set(err, WXF_ENOMEM, "out of memory setting up AES/HMAC");
			goto out;
		}
		ok = wxf_codec_check_page1(c, s, page1);
		wxf_codec_scratch_free(&s);
		if (ok < 0) {
			wxf_codec_free(&c);
			rc = wxf_err_set(err, WXF_ENOMEM, "out of memory checking page 1");
			goto out;
		}
		if (!ok) {
			wxf_codec_free(&c);
			continue;
		}
		if (win != NULL) {
			rc = wxf_err_set(err, WXF_EVERIFY,
			    "ambiguous: both profiles %s and %s open page 1 with this key; choose one "
			    "with --profile", win->name, p->name);
			wxf_codec_free(&c);
			goto out;
		}
		win = p;
		best = c;
	}
	if (win == NULL) {
		if (tried == 0)
			rc = wxf_err_set(err, WXF_EKEY, "no profile fits this file%s%s (size %llu)",
			    only ? " with profile " : "", only ? only->name : "",
			    (unsigned long long)file_size);
		else
			rc = wxf_err_set(err, WXF_EKEY, "wrong key: page 1 does not verify with %s%s",
			    only ? "profile " : "any of the profiles that fit the file",
			    only ? only->name : "");
		goto out;
	}
	if (note != NULL && names[0])
		snprintf(note, note_n, "%s", names);
	*cp = best;
	best = NULL;
	rc = WXF_OK;
out:
	wxf_codec_free(&best);
	OPENSSL_cleanse(cache, sizeof(cache));
	return rc;
}
