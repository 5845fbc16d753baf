/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Allocation.  Parsers use plain malloc and return WXF_ENOMEM (C9); the layers that keep the
 * tool's own bookkeeping (see src/README.md, "Allocation failure") may use the wxf_x* wrappers,
 * which on failure print "out of memory" and end the process with exit status 4.  wxf_arena holds many short-lived scan results
 * (carver candidates, strings) freed at once (C8).  Growable vectors: wxf_grow (malloc'd,
 * returns WXF_ENOMEM), wxf_arena_grow (in an arena), wxf_xgrow (exits).
 */
#ifndef WXF_MEM_H
#define WXF_MEM_H

#include <stdarg.h>
#include <stddef.h>

/* Prints "out of memory" and ends the process with exit status 4: what the wxf_x* wrappers do,
 * for bookkeeping code that got WXF_ENOMEM from a function that returns it. */
void wxf_oom(size_t n) __attribute__((noreturn));
/* The same end without the message (for a caller that printed its own). */
void wxf_oom_exit(void) __attribute__((noreturn));
void *wxf_xmalloc(size_t n);
void *wxf_xcalloc(size_t n, size_t size);
void *wxf_xrealloc(void *p, size_t n);
char *wxf_xstrdup(const char *s);
char *wxf_xstrndup(const char *s, size_t n);
char *wxf_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *wxf_xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* Grows *arr (element size `size`) so that index `need-1` fits; *cap is updated.  Exits (status
 * 4) on allocation failure. */
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
/* 1 once any allocation from the arena has failed (sticky): code that stores results in an
 * arena and cannot report every failure where it happens checks this before using them. */
int wxf_arena_failed(const wxf_arena *a);
/* Grows an arena-allocated vector *v (capacity *cap elements of `elem` bytes) so that `need`
 * elements fit, copying the old ones (the old block stays in the arena).  0, or -1 on
 * allocation failure or size overflow (nothing changed). */
int wxf_arena_grow(wxf_arena *a, void **v, size_t *cap, size_t need, size_t elem);

#endif
