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

/*
 * Spilling: once the arena holds `after` bytes, its new chunks are pages of one unnamed file
 * in dir (mkstemp, unlinked at once: it goes with the arena, however the run ends), reserved
 * on the disk first (posix_fallocate: a full disk is a refusal, not a crash) and mapped
 * shared, WXF_ARENA_SPILL_CHUNK bytes at a time.  The kernel writes such pages out and reads
 * them back as memory requires, so what the arena holds is bounded by the disk, not by the
 * memory: a model of millions of messages (src/model) runs in a machine or a memory limit
 * smaller than itself.  Pointers stay valid; nothing else changes for the arena's users.
 * When the file cannot be made or grown, chunks come from memory again and
 * wxf_arena_spill_errno says why.  WXF_OK, or WXF_ENOMEM copying dir.
 */
#define WXF_ARENA_SPILL_CHUNK ((size_t)8 << 20)
int wxf_arena_spill(wxf_arena *a, const char *dir, size_t after);
/* The errno that stopped spilling (0: none); bytes in file chunks so far. */
int wxf_arena_spill_errno(const wxf_arena *a);
size_t wxf_arena_spilled(const wxf_arena *a);

/*
 * Tables: the flat tables that grow with the evidence (hash slots of a map of every message,
 * vectors of every message, the writers' event list).  Once wxf_table_spill(dir, after) is
 * set, a table of `after` bytes or more is the pages of an unnamed file of its own in dir
 * (made and removed as arena spilling makes its file; reserved with posix_fallocate; mapped
 * shared), which the kernel writes out and reads back as memory requires: with the arena's
 * spilling this bounds the memory of a run that no file page can stand in for, whatever the
 * evidence holds.  Smaller tables, every table while spilling is off, and a table whose file
 * cannot be made or grown are malloc'd (wxf_table_spill_errno keeps the first reason).
 * Process-wide: set it before threads start and clear it (dir NULL) after they end; the
 * tables themselves may be made and freed by any thread.
 */
int wxf_table_spill(const char *dir, size_t after);   /* WXF_OK, or WXF_ENOMEM copying dir */
int wxf_table_spill_errno(void);
/* The most bytes held in table files at once, since the last wxf_table_spill. */
size_t wxf_table_spilled_peak(void);
/* A zeroed table of n bytes (16-byte aligned), or NULL. */
void *wxf_table_alloc(size_t n);
/* wxf_grow for a table: WXF_OK or WXF_ENOMEM (nothing changed); the new elements are zeroed. */
int wxf_table_grow(void **v, size_t *cap, size_t need, size_t elem);
/* Frees a table of wxf_table_alloc or wxf_table_grow; NULL is a no-op. */
void wxf_table_free(void *p);
/* Sorts n elements of `size` bytes, stably (a merge sort, as glibc's qsort is while it can
 * allocate: the same order), with a scratch of n/2 elements that is a table, so that sorting a
 * table of millions of elements takes no memory a file page cannot stand in for.  Where the
 * scratch cannot be had, qsort sorts it instead. */
void wxf_table_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

#endif
