/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Replay driver for the fuzz targets (SQLite test/fuzzcheck.c in spirit): links with one
 * tests/fuzz/fuzz_<name>.c and, in every `make check`, feeds it
 *   1. every file of $top_srcdir/tests/fuzz/corpus/<name>/,
 *   2. every prefix of each file (truncation at each length up to 4 KiB, then every 61st),
 *   3. 256 deterministic single-byte mutations of each file.
 * A crash, a sanitizer report or a hang (alarm) fails the test.  TAP output, one line per file.
 * The same target builds as a libFuzzer binary with --enable-fuzzing (`make fuzz`).
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifndef FUZZ_NAME
#error "FUZZ_NAME must name the corpus directory"
#endif
/* Seconds one corpus file (with its truncations and mutations) may take before it counts as a
 * hang; a target that writes files per input (the report writers) sets more. */
#ifndef FUZZ_ALARM_S
#define FUZZ_ALARM_S 120
#endif

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static uint8_t *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long len;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)len + 1);
		if (buf != NULL && fread(buf, 1, (size_t)len, f) != (size_t)len) {
			free(buf);
			buf = NULL;
		}
		*n = (size_t)len;
	}
	fclose(f);
	return buf;
}

int
main(void)
{
	const char *top = getenv("top_srcdir");
	char dir[4096], path[8192];
	char **names = NULL;
	size_t n = 0, i, cap = 0;
	DIR *d;
	struct dirent *de;
	int t = 0;

	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", top ? top : ".", FUZZ_NAME);
	d = opendir(dir);
	if (d == NULL) {
		printf("not ok 1 - corpus directory %s missing\n1..1\n", dir);
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = realloc(names, cap * sizeof(char *));
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(char *), cmp);
	for (i = 0; i < n; i++) {
		size_t len = 0, k;
		uint8_t *buf, *mut;
		uint32_t x = 2463534242u;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		buf = slurp(path, &len);
		if (buf == NULL) {
			printf("not ok %d - %s unreadable\n", ++t, names[i]);
			continue;
		}
		alarm(FUZZ_ALARM_S);
		LLVMFuzzerTestOneInput(buf, len);
		for (k = 0; k < len; k += (k < 4096 ? 1 : 61)) {
			uint8_t *cut = malloc(k ? k : 1);

			memcpy(cut, buf, k);
			LLVMFuzzerTestOneInput(cut, k); /* exact-size copy: ASan sees over-reads */
			free(cut);
		}
		mut = malloc(len ? len : 1);
		for (k = 0; k < 256 && len > 0; k++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			memcpy(mut, buf, len);
			mut[x % len] ^= (uint8_t)(1u << (k % 8)) | (uint8_t)(k & 0xf0);
			LLVMFuzzerTestOneInput(mut, len);
		}
		alarm(0);
		free(mut);
		free(buf);
		printf("ok %d - %s: replayed with %zu truncations and mutations\n", ++t, names[i],
		    len < 4096 ? len + 256 : 4096 + (len - 4096) / 61 + 256);
		free(names[i]);
	}
	free(names);
	if (t == 0)
		printf("not ok 1 - corpus %s is empty\n", dir), t = 1;
	printf("1..%d\n", t);
	return 0;
}
