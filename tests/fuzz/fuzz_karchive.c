/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: keyed archives through libplist and the bounded object-graph walker
 * (src/base/wxf_plist.c): an iTunes MBFile record (src/intake/itunes.c) and WeChat's
 * mmsetting.archive (src/wechat/wc_ios.c). */
#include "config.h"
#include "base/wxf_plist.h"
#include "intake/itunes.h"
#include "wechat/wc_ios.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wxf_mbfile f;
	wxf_ios_owner o;
	wxf_karchive ka;

	if (size > (64u << 10))
		return 0;
	if (wxf_mbfile_parse(data, size, &f, NULL) == WXF_OK && f.enckey_len > sizeof(f.enckey))
		__builtin_trap();
	if (wxf_ios_mmsetting(data, size, &o, NULL) == WXF_OK)
		wxf_ios_owner_free(&o);
	if (wxf_karchive_open(&ka, data, size, 64u << 10, NULL) == WXF_OK) {
		size_t n = 0;

		(void)wxf_karchive_class(&ka, ka.root);
		(void)wxf_karchive_data(&ka, ka.root, "NS.data", &n);
		(void)wxf_karchive_dict_get(&ka, ka.root, "x");
		wxf_karchive_close(&ka);
	}
	return 0;
}
