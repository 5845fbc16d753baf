/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the in-memory versus spilled differential of fuzz_carve_threads.c on a small image
 * (a fixed schema page and up to three fuzzed 512-byte pages, see small_image.h), spilled with one
 * worker: the partition, spill, merge and serial emit paths at millions of executions.  The
 * threaded workers and emit helper stay with the whole-image target carve_threads (thread start-up
 * under ASan costs more than the carving of a few pages). */
#define SMALL_IMAGE_TARGET 1
#define SMALL_MAX_PAGES 4
#define SPILL_JOBS 1
#include "fuzz_carve_threads.c"
