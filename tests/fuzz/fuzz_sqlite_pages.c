/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the page layer of fuzz_sqlite_page.c (header, schema, table and index b-tree
 * walks, overflow chains) on a small image (a fixed schema page and up to two fuzzed 512-byte
 * pages, see small_image.h), without the carver: carving the same small images is the work of
 * carve_pages and freelist_pages, and its per-offset record search cost this target four
 * fifths of each execution (about 800 a second instead of millions per campaign). */
#define SMALL_IMAGE_TARGET 1
#define SMALL_MAX_PAGES 3
#define PAGES_ONLY 1
#include "fuzz_sqlite_page.c"
