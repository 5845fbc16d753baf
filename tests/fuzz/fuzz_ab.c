/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: Android backup header parser and the tar reader behind it (src/intake/ab.c). */
#include "config.h"
#include "intake/intake.h"

#include <stdint.h>
#include <string.h>

static int
on_member(void *arg, const char *name, char type, uint64_t size, int64_t mtime, const char *link)
{
	size_t *n = arg;

	(void)type;
	(void)size;
	(void)mtime;
	(void)link;
	*n += strlen(name);
	return 0;
}

static int
on_data(void *arg, const uint8_t *p, size_t n)
{
	size_t *sum = arg;

	if (n > 0)
		*sum += p[0] + p[n - 1];
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wxf_ab_header h;
	size_t acc = 0;
	wxf_tar_cb cb = { on_member, on_data, NULL, &acc };
	char out[256];

	if (size > 1 << 20)
		return 0;
	if (wxf_ab_parse_header(data, size, &h, NULL) == WXF_OK && !h.compressed &&
	    h.payload_off <= size)
		wxf_tar_read_mem(data + h.payload_off, size - h.payload_off, &cb, NULL);
	else
		wxf_tar_read_mem(data, size, &cb, NULL);
	if (size > 0 && size < 4096) {
		char name[4097];

		memcpy(name, data, size);
		name[size] = '\0';
		wxf_member_path_sanitise(name, out, sizeof(out));
	}
	return 0;
}
