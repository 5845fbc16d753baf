/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: record headers, serial types, value decoding (UTF-8/16), page headers and cells.
 * Byte 0 picks the text encoding and the cell type; the rest is the record / page. */
#include "config.h"
#include "sqlite/sqlite.h"

#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t kinds[4] = { 0x0d, 0x05, 0x0a, 0x02 };
	uint64_t types[64];
	wxf_sqlval vals[64];
	wxf_sqlite_scratch s = { 0 };
	wxf_sqlite_page_hdr h;
	size_t hl;
	int n, tr = 0, enc;
	uint32_t off;

	if (size < 2 || size > 65536)
		return 0;
	enc = 1 + data[0] % 3;
	n = wxf_sqlite_record_types(data + 1, size - 1, types, 64, &hl);
	if (n > 0) {
		if (n > 64)
			n = 64;
		wxf_sqlite_record_values(enc, types, n, data + 1 + hl, size - 1 - hl, vals, &s, &tr);
		while (n-- > 0) {
			char *str = wxf_sqlval_strdup(&vals[n]);

			free(str);
			(void)wxf_sqlval_int(&vals[n], 0);
		}
	}
	if (size - 1 >= 480 && wxf_sqlite_page_header(data + 1, (uint32_t)(size - 1), 2, &h) == WXF_OK)
		for (off = h.ptr_end; off < size - 1; off += 7) {
			wxf_sqlite_cell c;

			(void)wxf_sqlite_cell_parse(data + 1, (uint32_t)(size - 1), kinds[data[0] >> 6], off, &c);
		}
	(void)wxf_sqlite_local_size((uint32_t)(size < 480 ? 480 : size), data[0] & 1, size * 977);
	wxf_sqlite_scratch_free(&s);
	return 0;
}
