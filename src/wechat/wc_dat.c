/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Image .dat decoding (formats in wc_dat.h).  Evidence bytes are read through wxf_cur; AES
 * through decrypt/'s AES-128-ECB; nothing is written here.
 */
#include "config.h"
#include "wechat/wc_dat.h"
#include "base/wxf_cur.h"
#include "base/wxf_hash.h"
#include "base/wxf_sniff.h"
#include "decrypt/decrypt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *type;
	const uint8_t magic[4];
	size_t n;
} magics[] = {
	{ "jpeg", { 0xff, 0xd8, 0xff }, 3 },
	{ "png", { 0x89, 0x50, 0x4e, 0x47 }, 4 },
	{ "gif", { 0x47, 0x49, 0x46, 0x38 }, 4 },
	{ "tiff", { 0x49, 0x49, 0x2a, 0x00 }, 4 },
	{ "wxgf", { 0x77, 0x78, 0x67, 0x66 }, 4 },
	{ "bmp", { 0x42, 0x4d }, 2 },
};

static const uint8_t v1_magic[6] = { 0x07, 0x08, 'V', '1', 0x08, 0x07 };
static const uint8_t v2_magic[6] = { 0x07, 0x08, 'V', '2', 0x08, 0x07 };

int
wxf_dat_header(const uint8_t *p, size_t n, wxf_dat_info *in)
{
	wxf_cur c = wxf_cur_make(p, n);
	const uint8_t *m;
	size_t i, j;

	memset(in, 0, sizeof(*in));
	if (n >= 15 && (memcmp(p, v1_magic, 6) == 0 || memcmp(p, v2_magic, 6) == 0)) {
		m = wxf_cur_bytes(&c, 6);
		in->kind = m[3] == '1' ? WXF_DAT_V1 : WXF_DAT_V2;
		in->aes_len = wxf_cur_u32le(&c);
		in->xor_len = wxf_cur_u32le(&c);
		wxf_cur_skip(&c, 1);
		in->body = 15;
		if (c.bad || in->xor_len > n - 15)
			return WXF_ECORRUPT;
		/* the AES region and the XOR tail must not overlap */
		if ((uint64_t)in->aes_len > (uint64_t)(n - 15 - in->xor_len))
			return WXF_ECORRUPT;
		return WXF_OK;
	}
	for (i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
		uint8_t k;

		if (n < magics[i].n + 1)
			continue;
		k = p[0] ^ magics[i].magic[0];
		for (j = 1; j < magics[i].n; j++)
			if ((uint8_t)(p[j] ^ k) != magics[i].magic[j])
				break;
		if (j == magics[i].n) {
			in->kind = WXF_DAT_XOR;
			in->xor_key = k;
			in->type = magics[i].type;
			return WXF_OK;
		}
	}
	return WXF_OK;
}

static const char *
magic_type(const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (n >= magics[i].n && memcmp(b, magics[i].magic, magics[i].n) == 0 &&
		    strcmp(magics[i].type, "bmp") != 0)
			return magics[i].type;
	return NULL;
}

int
wxf_dat_key_ok(const uint8_t *p, size_t n, const wxf_dat_info *in, const uint8_t key[16],
    const char **type)
{
	wxf_aes128_ecb *e = NULL;
	uint8_t b[16];
	const char *t;

	if (type != NULL)
		*type = NULL;
	if ((in->kind != WXF_DAT_V1 && in->kind != WXF_DAT_V2) || n < in->body + 16 ||
	    in->aes_len == 0)
		return 0;
	memcpy(b, p + in->body, 16);
	if (wxf_aes128_ecb_new(&e, key, NULL) != WXF_OK)
		return WXF_ENOMEM;      /* the cipher could not be set up: not "another key" */
	if (wxf_aes128_ecb_decrypt(e, b, 16) != WXF_OK) {
		wxf_aes128_ecb_free(&e);
		return 0;
	}
	wxf_aes128_ecb_free(&e);
	t = magic_type(b, in->aes_len < 16 ? in->aes_len : 16);
	if (type != NULL)
		*type = t;
	return t != NULL;
}

int
wxf_dat_tail_xor(const uint8_t *p, size_t n, const wxf_dat_info *in, uint8_t *x)
{
	if ((in->kind != WXF_DAT_V1 && in->kind != WXF_DAT_V2) || in->xor_len < 2 || n < 2)
		return 0;
	if ((p[n - 2] ^ 0xff) != (p[n - 1] ^ 0xd9))
		return 0;
	*x = p[n - 2] ^ 0xff;
	return 1;
}

int
wxf_dat_decode(const uint8_t *p, size_t n, const wxf_dat_info *in, const uint8_t key[16],
    uint8_t xor_byte, uint8_t **out, size_t *out_n, wxf_err *err)
{
	uint8_t *o;
	size_t i;

	*out = NULL;
	*out_n = 0;
	if (n > WXF_DAT_MAX)
		return wxf_err_set(err, WXF_EUNSUPPORTED, ".dat of %zu bytes: larger than the %zu "
		    "bytes decoded", n, WXF_DAT_MAX);
	if (in->kind == WXF_DAT_XOR) {
		if ((o = malloc(n ? n : 1)) == NULL)
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
		for (i = 0; i < n; i++)
			o[i] = p[i] ^ in->xor_key;
		*out = o;
		*out_n = n;
		return WXF_OK;
	}
	if (in->kind == WXF_DAT_V1 || in->kind == WXF_DAT_V2) {
		size_t body = n - in->body, enc = (size_t)in->aes_len / 16 * 16 + 16, mid, k = 0;
		wxf_aes128_ecb *e = NULL;
		uint8_t *d;
		int rc;

		if (enc > body - in->xor_len)
			enc = (body - in->xor_len) / 16 * 16;
		if (enc < in->aes_len || in->xor_len > body)
			return wxf_err_set(err, WXF_ECORRUPT, ".dat V%c header: AES region of %u bytes "
			    "does not fit", in->kind == WXF_DAT_V1 ? '1' : '2', in->aes_len);
		mid = body - enc - in->xor_len;
		if ((o = malloc(in->aes_len + mid + in->xor_len + 1)) == NULL ||
		    (d = malloc(enc ? enc : 1)) == NULL) {
			free(o);
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
		}
		memcpy(d, p + in->body, enc);
		rc = wxf_aes128_ecb_new(&e, key, err);
		if (rc == WXF_OK)
			rc = wxf_aes128_ecb_decrypt(e, d, enc);
		wxf_aes128_ecb_free(&e);
		if (rc != WXF_OK) {
			free(d);
			free(o);
			return rc == WXF_ENOMEM ? wxf_err_set(err, WXF_ENOMEM, "out of memory") :
			    wxf_err_set(err, WXF_ECRYPTO, "AES-128-ECB failed");
		}
		memcpy(o, d, in->aes_len);
		k = in->aes_len;
		free(d);
		memcpy(o + k, p + in->body + enc, mid);
		k += mid;
		for (i = 0; i < in->xor_len; i++)
			o[k + i] = p[n - in->xor_len + i] ^ xor_byte;
		k += in->xor_len;
		*out = o;
		*out_n = k;
		return WXF_OK;
	}
	return wxf_err_set(err, WXF_EUNSUPPORTED, "not a known .dat layout");
}

void
wxf_dat_v2_key(uint64_t uin, const char *wxid, uint8_t key[16])
{
	char buf[160], hex[33];

	snprintf(buf, sizeof(buf), "%llu%s", (unsigned long long)uin, wxid);
	wxf_md5_hex(buf, strlen(buf), hex);
	memcpy(key, hex, 16);
}

int
wxf_dat_uin_suffix_ok(uint64_t uin, const char *suffix)
{
	char buf[24], hex[33];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)uin);
	wxf_md5_hex(buf, strlen(buf), hex);
	return strncmp(hex, suffix, 4) == 0;
}
