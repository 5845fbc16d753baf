/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: Windows 3.x MSG.BytesExtra (src/wechat/wc_desk_blob.c). */
#include "config.h"
#include "wechat/wc_desk_blob.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wxf_bytesextra_item it[WXF_BYTESEXTRA_MAX];
	size_t n = 0, i, sum = 0;

	if (size > (1u << 20))
		return 0;
	wxf_bytesextra_parse(data, size, it, WXF_BYTESEXTRA_MAX, &n);
	/* every item kept lies inside the input */
	for (i = 0; i < n && i < WXF_BYTESEXTRA_MAX; i++)
		if (it[i].p != NULL && it[i].n > 0)
			sum += it[i].p[0] + it[i].p[it[i].n - 1];
	return sum == (size_t)-1;
}
