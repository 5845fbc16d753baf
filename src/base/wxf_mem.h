/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Allocation.  Parsers use plain malloc and return WXF_ENOMEM (C9); cli/ and report/ may use the
 * wxf_x* wrappers that abort with a message.  wxf_arena holds many short-lived scan results
 * (carver candidates, strings) freed at once (C8).  Growable vectors: wxf_grow (malloc'd,
 * returns WXF_ENOMEM), wxf_arena_grow (in an arena), wxf_xgrow (aborts).
 */
#ifndef WXF_MEM_H
#define WXF_MEM_H

#include <stddef.h>

void *wxf_xmalloc(size_t n);
void *wxf_xcalloc(size_t n, size_t size);
void *wxf_xrealloc(void *p, size_t n);
char *wxf_xstrdup(const char *s);
char *wxf_xstrndup(const char *s, size_t n);
char *wxf_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Grows *arr (element size `size`) so that index `need-1` fits; *cap is updated. Aborts on OOM. */
void wxf_xgrow(void **arr, size_t *cap, size_t need, size_t size);
/* Grows a malloc'd vector *v (capacity *cap elements of `elem` bytes) so that `need` elements
 * fit: the capacity doubles from 16 until they do; new elements are not initialised.  WXF_OK,
 * or WXF_ENOMEM on allocation failure or size overflow (then nothing changed). */
int wxf_grow(void **v, size_t *cap, size_t need, size_t elem);

typedef struct wxf_arena wxf_arena;
wxf_arena *wxf_arena_new(void);
void wxf_arena_free(wxf_arena **a);
/* Returns NULL on allocation failure; memory is zeroed and 16-byte aligned. */
void *wxf_arena_alloc(wxf_arena *a, size_t n);
char *wxf_arena_strndup(wxf_arena *a, const char *s, size_t n);
size_t wxf_arena_used(const wxf_arena *a);
/* Grows an arena-allocated vector *v (capacity *cap elements of `elem` bytes) so that `need`
 * elements fit, copying the old ones (the old block stays in the arena).  0, or -1 on
 * allocation failure or size overflow (nothing changed). */
int wxf_arena_grow(wxf_arena *a, void **v, size_t *cap, size_t need, size_t elem);

#endif
