/* SPDX-License-Identifier: Apache-2.0 */
/*
 * MMKV: Tencent's memory-mapped key-value files, which newer WeChat clients use for settings
 * (on iPhone Documents/MMappedKV/mmsetting.archive.<wxid>, beside it "<name>.crc").  Facts from
 * Tencent's public MMKV design notes and its metadata struct; shared/formats/
 * wechat-android-ios.md §4.2 names the file.
 *
 * Main file (little-endian size, protobuf-style varints):
 *   OFFSET SIZE  FIELD
 *   0      4     actual size N: the bytes of records that follow (u32 little-endian)
 *   4      v     a varint written before the first record (the map's size in old versions,
 *                a fixed place-holder in newer ones): skipped
 *   ...          records up to 4 + N: varint key length, key (UTF-8), varint value length,
 *                value bytes.  Past 4 + N: page padding or stale bytes, not records.
 *
 * The file is append-only between rewrites: a key may appear several times and the last
 * record wins; an empty value removes the key.  A value is the item's own encoding: an
 * object (a string on iPhone) is once more a varint length and its bytes, an integer a
 * varint, a bool one byte.
 *
 * The .crc file (struct MMKVMetaInfo, little-endian):
 *   0 u32 CRC-32 (zlib) of bytes [4, 4 + N) of the main file   4 u32 version
 *   8 u32 sequence   12 16 bytes AES IV (encrypted stores)   28 u32 actual size N
 *   32 u32 last confirmed size   36 u32 last confirmed CRC-32   ...
 * An encrypted store (AES-CFB with an app key) cannot be read without that key; its records
 * do not parse and the walk reports corruption at the first one.
 */
#ifndef WXF_WECHAT_MMKV_H
#define WXF_WECHAT_MMKV_H

#include <stddef.h>
#include <stdint.h>
#include "base/wxf_err.h"

/* One record.  Pointers point into the file's bytes; offsets are the file's. */
typedef struct wxf_mmkv_kv {
	const uint8_t *key, *val;
	size_t key_n, val_n;
	uint64_t key_off, val_off;
} wxf_mmkv_kv;

typedef struct wxf_mmkv_info {
	uint32_t actual_size;      /* the first four bytes */
	size_t end;                /* where the records end: 4 + N, or the file's end when shorter */
	int short_file;            /* N reaches past the end of the file */
	size_t n_records;          /* records read */
	int crc;                   /* -1 not checked, 0 mismatch, 1 the .crc's CRC-32 matches */
	uint32_t crc_want, crc_got;
} wxf_mmkv_info;

typedef int (*wxf_mmkv_cb)(void *arg, const wxf_mmkv_kv *kv);

/* Calls cb for every record in file order (non-zero stops).  info (may be NULL) is filled.
 * WXF_OK, or WXF_ECORRUPT: a file shorter than its header, a record that does not fit or has
 * an empty key (the records before it were delivered; the error names the offset). */
int wxf_mmkv_walk(const uint8_t *p, size_t n, wxf_mmkv_cb cb, void *arg, wxf_mmkv_info *info,
    wxf_err *err);
/* Compares the .crc file's CRC-32 and size with the main file (info->crc: 1 match, 0 not,
 * -1 when the .crc is too short to say). */
void wxf_mmkv_crc_check(const uint8_t *p, size_t n, const uint8_t *crc, size_t crc_n,
    wxf_mmkv_info *info);
/* 1 when the value is a length-prefixed string filling it exactly (the iPhone encoding of a
 * string): *s, *sn and *s_off (the string's offset in the file) are set.  0 otherwise. */
int wxf_mmkv_value_str(const wxf_mmkv_kv *kv, const uint8_t **s, size_t *sn, uint64_t *s_off);

#endif
