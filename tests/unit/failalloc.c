/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Allocation-failure injection in the manner of libyal's tests/<lib>_test_memory.c: a program
 * linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup,
 * --wrap=vasprintf (see tests/unit/local.am) sends every allocation the project's own code makes
 * through the functions below, which count them and make exactly one fail:
 *
 *   WXF_FAIL_ALLOC=n          the n-th allocation (1-based) returns NULL, every other succeeds
 *   WXF_FAIL_ALLOC_COUNT=FILE at exit, the number of allocations made is written to FILE
 *   WXF_FAIL_ALLOC_TRACE=1    the failing allocation's call stack is printed on stderr (glibc
 *                             backtrace; resolve it with addr2line -e BINARY)
 *
 * or, from a test program, failalloc_arm(n) / failalloc_count().  Allocations inside the
 * libraries (libxml2, libplist, OpenSSL, SQLCipher, libc) are not counted: the subject is how
 * wxforensic handles a NULL it was given.  WXF_FAIL_ALLOC_LIBXML2=1 (wxforensic-failalloc only)
 * counts libxml2's too (xmlMemSetup): wxf_xml then reports a parse that ran out of memory as
 * such, but libxml2 2.9 drops some failed allocations itself (a text node it could not copy
 * leaves a document without that text and no error), so such runs are not part of the test.  Counting is atomic: the carver's worker threads
 * allocate too (with threads, which allocation is the n-th may vary between runs).
 */
#include "config.h"
#include "unit/failalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <execinfo.h>
#include <unistd.h>
#endif

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
int __real_vasprintf(char **out, const char *fmt, va_list ap);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
int __wrap_vasprintf(char **out, const char *fmt, va_list ap);

static atomic_ulong n_calls;
static atomic_ulong fail_at;        /* 0: never */
static atomic_ulong n_failed;
static int from_env;

static void
write_count(void)
{
	const char *f = getenv("WXF_FAIL_ALLOC_COUNT");
	FILE *o;

	if (f == NULL || (o = fopen(f, "w")) == NULL)
		return;
	fprintf(o, "%lu %lu\n", (unsigned long)atomic_load(&n_calls),
	    (unsigned long)atomic_load(&n_failed));
	fclose(o);
}

static void
init_env(void)
{
	const char *v;

	if (from_env)
		return;
	from_env = 1;
	if ((v = getenv("WXF_FAIL_ALLOC")) != NULL)
		atomic_store(&fail_at, strtoul(v, NULL, 10));
	if (getenv("WXF_FAIL_ALLOC_COUNT") != NULL)
		atexit(write_count);
}

/* 1 when this allocation is the one that fails. */
static int
fail_now(void)
{
	unsigned long k;

	init_env();
	k = atomic_fetch_add(&n_calls, 1) + 1;
	if (k == atomic_load(&fail_at)) {
		atomic_fetch_add(&n_failed, 1);
#ifdef __GLIBC__
		if (getenv("WXF_FAIL_ALLOC_TRACE") != NULL) {
			void *fr[32];
			int nf = backtrace(fr, 32);

			fprintf(stderr, "failalloc: allocation %lu fails here:\n", k);
			backtrace_symbols_fd(fr, nf, STDERR_FILENO);
		}
#endif
		errno = ENOMEM;     /* as malloc does */
		return 1;
	}
	return 0;
}

void
failalloc_arm(unsigned long n)
{
	from_env = 1;
	atomic_store(&n_calls, 0);
	atomic_store(&n_failed, 0);
	atomic_store(&fail_at, n);
}

unsigned long
failalloc_count(void)
{
	return atomic_load(&n_calls);
}

unsigned long
failalloc_failed(void)
{
	return atomic_load(&n_failed);
}

void *
__wrap_malloc(size_t n)
{
	return fail_now() ? NULL : __real_malloc(n);
}

void *
__wrap_calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : __real_calloc(n, size);
}

void *
__wrap_realloc(void *p, size_t n)
{
	return fail_now() ? NULL : __real_realloc(p, n);
}

char *
__wrap_strdup(const char *s)
{
	return fail_now() ? NULL : __real_strdup(s);
}

char *
__wrap_strndup(const char *s, size_t n)
{
	return fail_now() ? NULL : __real_strndup(s, n);
}

int
__wrap_vasprintf(char **out, const char *fmt, va_list ap)
{
	if (fail_now()) {
		*out = NULL;
		return -1;
	}
	return __real_vasprintf(out, fmt, ap);
}

#ifdef FAILALLOC_LIBXML2
#include <libxml/xmlmemory.h>

static void
xml_free(void *p)
{
	free(p);
}

/* libxml2's allocations go through the same counter (WXF_FAIL_ALLOC_LIBXML2=1): how the XML
 * readers take a document that libxml2 could not build for want of memory. */
__attribute__((constructor)) static void
route_libxml2(void)
{
	const char *v = getenv("WXF_FAIL_ALLOC_LIBXML2");

	if (v != NULL && strcmp(v, "1") == 0)
		xmlMemSetup(xml_free, __wrap_malloc, __wrap_realloc, __wrap_strdup);
}
#endif
