/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: a whole Android backup file through the streaming chain (src/intake/ab.c):
 * header, AES-256-CBC under the password "fuzz", zlib, tar, and the extraction that keeps
 * every member it can (duplicates, file/folder clashes, cut streams, unsafe names) without
 * writing outside its folder.  The input is written to a temporary file, as evidence is read
 * from files. */
#include "config.h"
#include "base/wxf_file.h"
#include "intake/intake.h"
#include "fuzz/tmpdir.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
on_member(void *arg, const char *name, char type, uint64_t size, int64_t mtime, const char *link)
{
	size_t *n = arg;

	(void)type;
	(void)size;
	(void)mtime;
	(void)link;
	/* sanitised names only: never absolute, never a ".." component */
	if (name[0] == '/' || wxf_path_has_dot_component(name))
		abort();
	*n += strlen(name);
	return 0;
}

static int
on_data(void *arg, const uint8_t *p, size_t n)
{
	size_t *sum = arg;

	if (n > 0)
		*sum += p[0];
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir;
	char file[4200], out[4200];
	wxf_tar_cb cb;
	wxf_ab_extract_result xr;
	size_t acc = 0;
	FILE *f;

	if (size > (1u << 20))
		return 0;
	dir = fuzz_tmpdir("ab");
	snprintf(file, sizeof(file), "%s/in.ab", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	if ((f = fopen(file, "wb")) == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	memset(&cb, 0, sizeof(cb));
	cb.on_member = on_member;
	cb.on_data = on_data;
	cb.arg = &acc;
	wxf_ab_stream(file, "fuzz", &cb, NULL);
	if (wxf_ab_extract(file, "fuzz", out, &xr, NULL) == WXF_OK)
		wxf_ab_extract_result_free(&xr);
	fuzz_rmtree(out);
	unlink(file);
	return 0;
}
