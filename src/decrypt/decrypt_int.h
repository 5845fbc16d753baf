/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private parts of the decrypt layer (not for other layers: use decrypt.h).
 */
#ifndef WXF_DECRYPT_INT_H
#define WXF_DECRYPT_INT_H

#include "decrypt/decrypt.h"
#include "base/wxf_file.h"

#include <openssl/evp.h>

#define WXF_SALT_SZ 16
#define WXF_KEY_SZ 32
#define WXF_MAX_PAGE 65536

struct wxf_codec {
	const wxf_profile *p;
	uint8_t salt[WXF_SALT_SZ];
	uint8_t enc[WXF_KEY_SZ];
	uint8_t mac[WXF_KEY_SZ];
	unsigned hmac_len;           /* 0, 20 or 64 */
};

struct wxf_codec_scratch {
	EVP_CIPHER_CTX *cx;          /* AES-256-CBC decrypt, key schedule set once */
	EVP_MAC_CTX *mx;             /* HMAC with the page MAC key */
};

/* Builds a codec from an already-derived encryption key (no verification). */
int wxf_codec_from_enc(wxf_codec **c, const wxf_profile *p, const uint8_t salt[16],
    const uint8_t enc[32], wxf_err *err);
/* Runs the profile's KDF on the key (or takes it raw).  WXF_EKEY if the key does not fit. */
int wxf_kdf_derive(const wxf_profile *p, const wxf_key *k, const uint8_t salt[16],
    uint8_t enc[32], wxf_err *err);
/* Verifies page 1 (HMAC or header) with codec c; 1 if it opens, 0 if not, WXF_ENOMEM (< 0)
 * when it could not be tried for want of memory. */
int wxf_codec_check_page1(const wxf_codec *c, wxf_codec_scratch *s, const uint8_t *page1);
/* 1 if the derived key enc opens page1 with profile p, 0 if not, WXF_ENOMEM (< 0) when out of
 * memory (never reported as "does not open"). */
int wxf_codec_try(const wxf_profile *p, const uint8_t *page1, const uint8_t enc[32]);
/* Cheap filter: decrypts only the first 16 header bytes of page 1 (offsets 16..31) with `enc`
 * using the IV of the layout (page_size, reserve); 1 if they look like a SQLite header. */
int wxf_header_block_ok(EVP_CIPHER_CTX *cx, const uint8_t enc[32], const uint8_t *page1,
    uint32_t page_size, uint32_t reserve);
/* 1 if a plaintext header (bytes 16..23 of page 1) fits page_size and reserve. */
int wxf_plain_header_ok(const uint8_t *h16, uint32_t page_size, uint32_t reserve);

unsigned wxf_ncpus(void);
double wxf_now(void);
/* Writes all n bytes at off; WXF_EIO. */

#endif
