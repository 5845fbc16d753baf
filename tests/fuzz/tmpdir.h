/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The temporary folder of the fuzz targets that write files (fuzz_ab_stream.c, fuzz_report.c):
 * one per process, made on first use under $TMPDIR (/tmp when unset; `make fuzz` points it at a
 * tmpfs), removed with everything in it when the process exits.  fuzz_rmtree() empties a path
 * below it between inputs.
 */
#ifndef WXF_FUZZ_TMPDIR_H
#define WXF_FUZZ_TMPDIR_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

static char fuzz_dir[4096];

static int
fuzz_rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

/* Removes a file or a folder and everything below it (links are not followed). */
static void
fuzz_rmtree(const char *path)
{
	nftw(path, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
fuzz_tmpdir_cleanup(void)
{
	if (fuzz_dir[0] != '\0')
		fuzz_rmtree(fuzz_dir);
}

/* The process's temporary folder, "wxf-fuzz-<tag>.XXXXXX"; aborts when it cannot be made (the
 * harness, not the input, is broken then). */
static const char *
fuzz_tmpdir(const char *tag)
{
	const char *t;

	if (fuzz_dir[0] == '\0') {
		t = getenv("TMPDIR");
		snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/wxf-fuzz-%s.XXXXXX",
		    t != NULL && *t ? t : "/tmp", tag);
		if (mkdtemp(fuzz_dir) == NULL)
			abort();
		atexit(fuzz_tmpdir_cleanup);
	}
	return fuzz_dir;
}

#endif
