/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the Java-serialization walker (src/decrypt/javaser.c). */
#include "config.h"
#include "decrypt/decrypt.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wxf_jmap m;
	size_t i, sum = 0;

	if (size > 256 * 1024)
		return 0;
	(void)wxf_jser_read_map(data, size, &m, NULL);
	for (i = 0; i < m.n; i++) {
		if (m.e[i].val.kind == WXF_JV_STRING || m.e[i].val.kind == WXF_JV_OTHER)
			sum += m.e[i].val.s ? strlen(m.e[i].val.s) : 0;
		if (m.e[i].val.kind == WXF_JV_BYTES && m.e[i].val.n)
			sum += m.e[i].val.bytes[m.e[i].val.n - 1];
	}
	(void)wxf_jmap_get_int(&m, 258);
	wxf_jmap_free(&m);
	return (int)(sum & 0);
}
