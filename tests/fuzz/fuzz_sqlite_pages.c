/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the page layer and the carver of fuzz_sqlite_page.c on a small image (a fixed
 * schema page and up to two fuzzed 512-byte pages, see small_image.h): the same code per
 * execution on a page instead of a file, so that a campaign reaches millions of executions. */
#define SMALL_IMAGE_TARGET 1
#define SMALL_MAX_PAGES 3
#include "fuzz_sqlite_page.c"
