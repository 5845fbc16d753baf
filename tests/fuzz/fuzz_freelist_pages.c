/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the freelist walk and the freelist/unallocated carving of fuzz_freelist.c on a
 * small image (a fixed schema page, the freelist head and count from the input, up to three
 * fuzzed 512-byte pages, see small_image.h). */
#define SMALL_IMAGE_TARGET 1
#define SMALL_MAX_PAGES 4
#include "fuzz_freelist.c"
