/* SPDX-License-Identifier: Apache-2.0 */
/* Private to src/analysis: helpers shared by analysis.c, indicators.c and analysis_json.c. */
#ifndef WXF_ANALYSIS_INT_H
#define WXF_ANALYSIS_INT_H

#include <stddef.h>
#include <stdint.h>
#include "analysis/analysis.h"
#include "base/wxf_mem.h"

typedef struct an_priv {
	wxf_arena *arena;              /* every array and owned string of the result */
	wxf_indicator_set *own_set;    /* set loaded by wxf_analysis_run, or NULL */
} an_priv;

/* Grows an arena vector so that `need` elements fit.  Returns 0 or -1 (no memory). */

/* Folds one code point for matching: ASCII upper → lower, full-width U+FF01..FF5E → ASCII,
 * U+3000 → ' ', other colon forms (U+FE55, U+2236) → ':'. */
uint32_t an_fold_cp(uint32_t cp);
/* Decodes one code point at s[0..n) (n > 0); invalid bytes give U+FFFD and length 1. */
size_t an_next_cp(const char *s, size_t n, uint32_t *cp);
/* 1 for ASCII letters and digits (after folding). */
int an_is_alnum(uint32_t cp);

/* int64 helpers: return 1 on overflow (destination untouched). */
int an_add(int64_t *acc, int64_t v);
int an_sub(int64_t *acc, int64_t v);


#endif
