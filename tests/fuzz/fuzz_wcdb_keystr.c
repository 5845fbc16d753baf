/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: WCDB key strings x'<64 hex key><32 hex salt>' in a memory dump
 * (src/decrypt/memsearch.c). */
#include "config.h"
#include "decrypt/decrypt.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wxf_wcdb_keystr *v = NULL;
	size_t n = 0, i;
	int bad = 0;

	if (size > (4u << 20))
		return 0;
	wxf_wcdb_keystr_scan(data, size, &v, &n, NULL);
	for (i = 0; i < n; i++)
		if (v[i].offset + 99 > size)
			bad = 1;
	free(v);
	return bad;
}
