/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Image .dat files of the desktop clients (wechat-desktop.md 4; corrections-2026-12.md A.3).
 *
 * WeChat 3.x (and early 4.0): the whole file XOR one byte k.  k = dat[0] ^ magic[0], and the
 * same k must turn every byte of the magic into it: JPEG FF D8 FF, PNG 89 50 4E 47, GIF
 * 47 49 46 38, TIFF 49 49 2A 00, BMP 42 4D, WXGF 77 78 67 66 (a BMP needs two bytes only, so it
 * is tried last).
 *
 * WeChat 4.x V1 / V2:
 *   OFFSET  SIZE  DESCRIPTION
 *   0       6     magic 07 08 56 31 08 07 ("\a\bV1\b\a") or 07 08 56 32 08 07 ("V2")
 *   6       4     aes_len, uint32 LE: plaintext bytes protected by AES
 *   10      4     xor_len, uint32 LE: bytes at the end protected by XOR
 *   14      1     01 (meaning unknown)
 *   15      ...   body: AES-128-ECB over floor(aes_len / 16) * 16 + 16 bytes (PKCS#7 padded,
 *                 clamped to the body), keep the first aes_len decrypted bytes; then the
 *                 middle as stored; then the last xor_len bytes XOR one byte
 *   V1 key: the ASCII text cfcd208495d565ef (md5("0")[0:16]).  V2 key: per account, 16 ASCII
 *   characters: the fixed early key 43e7d25eb1b9bb64, or hex(md5(decimal(uin) + wxid))[0:16]
 *   with XOR byte uin & 0xff (wxid = the account folder without its "_xxxx" suffix, which is
 *   hex(md5(decimal(uin)))[0:4]).  A key is accepted when the first AES block of the body
 *   decrypts to an image magic.
 *   The decrypted payload may be "wxgf" (Tencent's HEVC-based container): kept as it is, its
 *   type stated.
 */
#ifndef WXF_WECHAT_DAT_H
#define WXF_WECHAT_DAT_H

#include <stddef.h>
#include <stdint.h>
#include "base/wxf_err.h"

#define WXF_DAT_MAX ((size_t)256 << 20)   /* larger .dat files are not decoded */

typedef enum wxf_dat_kind { WXF_DAT_UNKNOWN = 0, WXF_DAT_XOR, WXF_DAT_V1, WXF_DAT_V2 } wxf_dat_kind;

typedef struct wxf_dat_info {
	wxf_dat_kind kind;
	uint8_t xor_key;            /* XOR: the byte found from the magic */
	const char *type;           /* XOR: the image type the magic names ("jpeg" ...) */
	uint32_t aes_len, xor_len;  /* V1/V2 header */
	size_t body;                /* V1/V2: offset of the body (15) */
} wxf_dat_info;

/* The kind of a .dat from its first bytes; for XOR files the key and type, for V1/V2 the
 * header (lengths checked against n).  WXF_OK (kind UNKNOWN when nothing fits) or
 * WXF_ECORRUPT (a V1/V2 header whose lengths do not fit the file). */
int wxf_dat_header(const uint8_t *p, size_t n, wxf_dat_info *in);

/* 1 when key opens the body of a V1/V2 file: its first AES block decrypts to an image magic
 * (type in *type, may be NULL); 0 when it does not; WXF_ENOMEM when the cipher could not be set
 * up (not an answer about the key). */
int wxf_dat_key_ok(const uint8_t *p, size_t n, const wxf_dat_info *in, const uint8_t key[16],
    const char **type);

/* The XOR byte of a V1/V2 file's tail, found from the JPEG end marker FF D9 of a file whose
 * payload is JPEG (1), or 0 when it cannot be told (xor_len < 2). */
int wxf_dat_tail_xor(const uint8_t *p, size_t n, const wxf_dat_info *in, uint8_t *x);

/* Decodes p[0..n) into *out (malloc'd, *out_n bytes): XOR files with in->xor_key; V1/V2 with
 * key (16 bytes) and the tail's xor byte.  WXF_OK, WXF_ECORRUPT (padding or lengths wrong),
 * WXF_ENOMEM, WXF_EUNSUPPORTED (kind unknown, or larger than WXF_DAT_MAX). */
int wxf_dat_decode(const uint8_t *p, size_t n, const wxf_dat_info *in, const uint8_t key[16],
    uint8_t xor_byte, uint8_t **out, size_t *out_n, wxf_err *err);

/* The V2 key of an account from its uin and wxid (16 ASCII characters, not NUL-terminated). */
void wxf_dat_v2_key(uint64_t uin, const char *wxid, uint8_t key[16]);
/* 1 when the 4 characters of suffix are hex(md5(decimal(uin)))[0:4]. */
int wxf_dat_uin_suffix_ok(uint64_t uin, const char *suffix);

#endif
