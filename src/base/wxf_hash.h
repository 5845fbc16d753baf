/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hashes (OpenSSL libcrypto EVP): MD5, SHA-1, SHA-256 together for chain of custody, and
 * one-shot helpers.  Hex output is lowercase.
 */
#ifndef WXF_HASH_H
#define WXF_HASH_H

#include <stddef.h>
#include <stdint.h>
#include "wxf_err.h"

typedef struct wxf_hashes {
	char md5[33];
	char sha1[41];
	char sha256[65];
	uint64_t size;
} wxf_hashes;

typedef struct wxf_hasher wxf_hasher;
wxf_hasher *wxf_hasher_new(void);
void wxf_hasher_update(wxf_hasher *h, const void *data, size_t n);
void wxf_hasher_final(wxf_hasher *h, wxf_hashes *out);
void wxf_hasher_free(wxf_hasher **h);

/* Hashes a file opened read-only (O_NOFOLLOW not used: links were resolved by intake).
 * Returns WXF_OK or WXF_EIO. */
int wxf_hash_file(const char *path, wxf_hashes *out, wxf_err *err);
/* MD5, SHA-1 and SHA-256 of a buffer.  WXF_OK, or WXF_ENOMEM (out zeroed). */
int wxf_hash_buf(const void *data, size_t n, wxf_hashes *out);

void wxf_sha256_hex(const void *data, size_t n, char out[65]);
/* SHA-256 of data given in pieces (the writers hash what they stream out): new, update, then
 * final writes the lowercase hex digest and frees the state; free drops it unfinished (NULL-safe).
 * new returns NULL when memory or libcrypto fails. */
typedef struct wxf_sha256 wxf_sha256;
wxf_sha256 *wxf_sha256_new(void);
void wxf_sha256_update(wxf_sha256 *h, const void *data, size_t n);
void wxf_sha256_final(wxf_sha256 *h, char out[65]);
void wxf_sha256_free(wxf_sha256 *h);
void wxf_md5_hex(const void *data, size_t n, char out[33]);
void wxf_md5(const void *data, size_t n, uint8_t out[16]);
/* SHA-1 of data (identifiers, e.g. RFC 4122 name-based UUIDs; never for integrity). */
void wxf_sha1(const void *data, size_t n, uint8_t out[20]);
void wxf_hex(const uint8_t *data, size_t n, char *out); /* out: 2n+1 bytes */
/* Parses 2n hex digits into out[n]; returns 0 or -1. */
int wxf_unhex(const char *hex, uint8_t *out, size_t n);

#endif
