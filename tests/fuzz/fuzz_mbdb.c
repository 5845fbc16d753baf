/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the Manifest.mbdb record walker (src/intake/mbdb.c) and the per-record reader
 * the restore step uses. */
#include "config.h"
#include "intake/itunes.h"

#include <stdint.h>
#include <string.h>

static int
on_rec(void *arg, const wxf_mbdb_rec *r)
{
	size_t *acc = arg;
	wxf_mbdb_rec again;

	*acc += r->domain.n + r->path.n + r->enckey.n + (size_t)wxf_mbdb_flags(r->mode);
	if (r->domain.p != NULL && r->domain.n > 0)
		*acc += r->domain.p[0] + r->domain.p[r->domain.n - 1];
	/* the record alone, as the restore step reads it */
	if (wxf_mbdb_record(r->domain.p - 2, r->len, 0, &again, NULL) != WXF_OK ||
	    again.len != r->len)
		__builtin_trap();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t acc = 0, n = 0;

	if (size > (1u << 20))
		return 0;
	wxf_mbdb_walk(data, size, on_rec, &acc, &n, NULL);
	return 0;
}
