/* SPDX-License-Identifier: Apache-2.0 */
/*
 * MMKV files, read through wxf_cur.  The layout is in wc_mmkv.h.  The walk never trusts the
 * header's size beyond the file, never reads past 4 + N, and stops at the first record that
 * does not fit: what came before stands.
 */
#include "config.h"
#include "wechat/wc_mmkv.h"
#include "base/wxf_cur.h"

#include <string.h>
#include <zlib.h>

#define MMKV_HEADER 4

int
wxf_mmkv_walk(const uint8_t *p, size_t n, wxf_mmkv_cb cb, void *arg, wxf_mmkv_info *info,
    wxf_err *err)
{
	wxf_mmkv_info local;
	wxf_cur c;
	uint32_t size;

	if (info == NULL)
		info = &local;
	memset(info, 0, sizeof(*info));
	info->crc = -1;
	c = wxf_cur_make(p, n);
	size = wxf_cur_u32le(&c);
	if (c.bad)
		return WXF_CORRUPT(err, -1, 0, "MMKV: %zu bytes, shorter than its size field", n);
	info->actual_size = size;
	info->end = (uint64_t)size + MMKV_HEADER <= n ? (size_t)size + MMKV_HEADER : n;
	info->short_file = (uint64_t)size + MMKV_HEADER > n;
	if (size == 0)
		return WXF_OK;
	/* the records' window: nothing past 4 + N is read as a record */
	c = wxf_cur_make(p, info->end);
	wxf_cur_seek(&c, MMKV_HEADER);
	(void)wxf_cur_leb128(&c);
	if (c.bad)
		return WXF_CORRUPT(err, -1, MMKV_HEADER, "MMKV: no place-holder varint at byte 4");
	while (wxf_cur_left(&c) > 0) {
		size_t at = c.pos;
		uint64_t kl = wxf_cur_leb128(&c), vl;
		wxf_mmkv_kv kv;

		memset(&kv, 0, sizeof(kv));
		kv.key_off = c.pos;
		if (c.bad || kl == 0 || kl > wxf_cur_left(&c))
			return WXF_CORRUPT(err, -1, (int64_t)at, "MMKV: record at byte %zu: %s", at,
			    c.bad ? "truncated key length" : kl == 0 ? "empty key" :
			    "key longer than the data");
		kv.key = wxf_cur_bytes(&c, (size_t)kl);
		kv.key_n = (size_t)kl;
		vl = wxf_cur_leb128(&c);
		kv.val_off = c.pos;
		if (c.bad || vl > wxf_cur_left(&c))
			return WXF_CORRUPT(err, -1, (int64_t)at, "MMKV: record at byte %zu: value %s", at,
			    c.bad ? "length truncated" : "longer than the data");
		kv.val = vl > 0 ? wxf_cur_bytes(&c, (size_t)vl) : p + c.pos;
		kv.val_n = (size_t)vl;
		info->n_records++;
		if (cb != NULL && cb(arg, &kv) != 0)
			break;
	}
	return WXF_OK;
}

void
wxf_mmkv_crc_check(const uint8_t *p, size_t n, const uint8_t *crc, size_t crc_n,
    wxf_mmkv_info *info)
{
	wxf_cur c = wxf_cur_make(crc, crc_n);
	uint32_t want, size;

	info->crc = -1;
	want = wxf_cur_u32le(&c);
	wxf_cur_seek(&c, 28);
	size = wxf_cur_u32le(&c);
	if (c.bad || n < MMKV_HEADER || (uint64_t)size + MMKV_HEADER > n)
		return;
	info->crc_want = want;
	info->crc_got = (uint32_t)crc32(0L, p + MMKV_HEADER, size);
	info->crc = size == info->actual_size && info->crc_got == want;
}

int
wxf_mmkv_value_str(const wxf_mmkv_kv *kv, const uint8_t **s, size_t *sn, uint64_t *s_off)
{
	wxf_cur c = wxf_cur_make(kv->val, kv->val_n);
	uint64_t len = wxf_cur_leb128(&c);

	if (c.bad || kv->val_n == 0 || len != wxf_cur_left(&c))
		return 0;
	*s = kv->val + c.pos;
	*sn = (size_t)len;
	*s_off = kv->val_off + c.pos;
	return 1;
}
