/* SPDX-License-Identifier: Apache-2.0 */
/* Allocation-failure injection for tests (failalloc.c): arm the n-th allocation to fail. */
#ifndef WXF_TEST_FAILALLOC_H
#define WXF_TEST_FAILALLOC_H

/* From now on, count allocations from 0 and make the n-th fail (0: none). */
void failalloc_arm(unsigned long n);
/* Allocations counted since the last arm. */
unsigned long failalloc_count(void);
/* Allocations made to fail since the last arm (0 or 1). */
unsigned long failalloc_failed(void);

#endif
