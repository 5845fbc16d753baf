/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: archives given as evidence (src/intake/archive.c): format sniffing, the tar and
 * gzip path through the project's tar reader, the zip path through libarchive, and the member
 * callbacks the iPhone unpacker uses (data asked for every other member). */
#include "config.h"
#include "intake/archive.h"

#include <stdint.h>
#include <string.h>

struct acc {
	size_t n, sum;
};

static int
on_member(void *arg, const char *name, char type, uint64_t size, int64_t mtime)
{
	struct acc *a = arg;

	(void)size;
	(void)mtime;
	size_t l = strlen(name);

	/* names come sanitised or refused: never absolute, never a ".." component */
	if (name[0] == '/' || strcmp(name, "..") == 0 || strncmp(name, "../", 3) == 0 ||
	    strstr(name, "/../") != NULL || (l >= 3 && strcmp(name + l - 3, "/..") == 0))
		__builtin_trap();
	a->sum += strlen(name) + (unsigned char)type;
	return (a->n++ & 1) ? 1 : 0;
}

static int
on_data(void *arg, const uint8_t *p, size_t n)
{
	struct acc *a = arg;

	if (n > 0)
		a->sum += p[0] + p[n - 1];
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acc a = { 0, 0 };
	wxf_archive_cb cb = { on_member, on_data, NULL, &a };

	if (size > (1u << 20))
		return 0;
	wxf_archive_stream_mem(data, size, &cb, NULL);
	return 0;
}
