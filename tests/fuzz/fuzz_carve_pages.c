/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the in-memory versus spilled-and-threaded differential of fuzz_carve_threads.c on
 * a small image (a fixed schema page and up to four fuzzed 512-byte pages, see small_image.h). */
#define SMALL_IMAGE_TARGET 1
#include "fuzz_carve_threads.c"
