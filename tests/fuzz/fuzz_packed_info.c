/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: WeChat 4.x Msg_<md5>.packed_info_data (src/wechat/wc_desk_blob.c). */
#include "config.h"
#include "wechat/wc_desk_blob.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char img[33], vid[33];

	if (size > (1u << 20))
		return 0;
	wxf_packed_info(data, size, img, vid);
	return strlen(img) > 32 || strlen(vid) > 32;
}
