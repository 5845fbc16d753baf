/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: rollback journals (segment headers, page records, zeroed PERSIST headers). */
#include "config.h"
#include "sqlite/sqlite.h"

#include <stdint.h>
#include <stddef.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t ps[4] = { 512, 1024, 4096, 65536 };
	wxf_journal *j = NULL;
	wxf_err err;
	size_t i;

	if (size < 1 || size > 1 << 20)
		return 0;
	wxf_err_clear(&err);
	if (wxf_journal_parse(&j, data + 1, size - 1, ps[data[0] & 3], &err) != WXF_OK)
		return 0;
	for (i = 0; i < j->n_recs; i++) {
		wxf_sqlite_page_hdr h;

		(void)wxf_sqlite_page_header(j->recs[i].page, j->page_size, j->recs[i].pgno, &h);
	}
	wxf_journal_free(&j);
	return 0;
}
