/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: `merge`'s reader of a bundle's timeline.xml (src/case/merge.c wxf_merge_read):
 * the findings of each account (owner, seller card with sources and provenance, ledger rows)
 * and the exhibit labels, read as a stream with libxml2; then the seller across exhibits over
 * the accounts read (wxf_xview_build), as `merge` does.  Whatever the input: no crash, and every
 * account read has an analysis. */
#include "config.h"
#include "analysis/analysis.h"
#include "case/merge.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wxf_merge_input *in = NULL;
	const wxf_analysis *an[64];
	const char *acct, *ex;
	wxf_xview *v = NULL;
	size_t i, n;

	if (size > (1u << 20))
		return 0;
	if (wxf_merge_read(&in, (const char *)data, size, "fuzz", NULL) != WXF_OK)
		return 0;
	n = wxf_merge_accounts(in);
	for (i = 0; i < n && i < 64; i++)
		if ((an[i] = wxf_merge_analysis(in, i, &acct, &ex)) == NULL)
			abort();
	if (wxf_xview_build(an, i, &v, NULL) == WXF_OK)
		wxf_xview_free(&v);
	wxf_merge_input_free(&in);
	return 0;
}
