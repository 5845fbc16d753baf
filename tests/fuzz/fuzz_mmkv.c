/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: MMKV files (src/wechat/wc_mmkv.c) and the owner's settings read from them
 * (wxf_ios_mmkv_setting in src/wechat/wc_ios.c).  The input's last 64 bytes are also tried as
 * the .crc companion. */
#include "config.h"
#include "wechat/wc_ios.h"
#include "wechat/wc_mmkv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int
on_kv(void *arg, const wxf_mmkv_kv *kv)
{
	size_t *acc = arg, sn;
	const uint8_t *s;
	uint64_t off;

	*acc += kv->key_n + kv->val_n + kv->key[0];
	if (wxf_mmkv_value_str(kv, &s, &sn, &off) && sn > 0)
		*acc += s[sn - 1] + (size_t)off;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wxf_mmkv_info info;
	wxf_ios_owner o;
	char *note = NULL;
	size_t acc = 0;

	if (size > (1u << 20))
		return 0;
	wxf_mmkv_walk(data, size, on_kv, &acc, &info, NULL);
	if (size >= 64)
		wxf_mmkv_crc_check(data, size, data + size - 64, 64, &info);
	if (wxf_ios_mmkv_setting(data, size, &o, &note, NULL) == WXF_OK) {
		if ((o.wxid && o.at_wxid.off + o.at_wxid.len > size) ||
		    (o.nickname && o.at_nickname.off + o.at_nickname.len > size))
			__builtin_trap();
		wxf_ios_owner_free(&o);
	}
	free(note);
	return 0;
}
