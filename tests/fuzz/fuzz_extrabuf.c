/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: Windows 3.x Contact.ExtraBuf TLV walk and the UTF-16LE decoder
 * (src/wechat/wc_desk_blob.c). */
#include "config.h"
#include "wechat/wc_desk_blob.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wxf_cur c = wxf_cur_make(data, size);
	wxf_extrabuf_ent e;
	char buf[64];
	int k = 0;

	if (size > (1u << 20))
		return 0;
	while (wxf_extrabuf_next(&c, &e) == 1 && k++ < 100000) {
		if (e.type == 0x18)
			wxf_utf16le_to_utf8(e.p, e.n, buf, sizeof(buf));
		(void)wxf_extrabuf_is(&e, "759378AD");
	}
	wxf_utf16le_to_utf8(data, size, buf, sizeof(buf));
	return 0;
}
