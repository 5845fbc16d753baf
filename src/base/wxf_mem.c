/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "wxf_mem.h"
#include "wxf_fmt.h"
#include "wxf_err.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The end of a run that cannot allocate its own bookkeeping: a message and exit status 4
 * (internal error), not abort(): no core dump, and the output folder is left without its
 * manifest, which verify refuses.  _exit, not exit: other threads may still be running, and
 * what is still allocated is the process's to give back (a leak check at this point would
 * list the whole run's state, not a leak). */
void
wxf_oom_exit(void)
{
	fflush(stdout);
	_exit(WXF_EXIT_INTERNAL);
}

void
wxf_oom(size_t n)
{
	if (n > 0)
		fprintf(stderr, "wxforensic: out of memory (%zu bytes): stopping\n", n);
	else
		fprintf(stderr, "wxforensic: out of memory: stopping\n");
	wxf_oom_exit();
}

#define oom wxf_oom

void *
wxf_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom(n);
	return p;
}

void *
wxf_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom(n * size);
	return p;
}

void *
wxf_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		oom(n);
	return q;
}

char *
wxf_xstrdup(const char *s)
{
	return wxf_xstrndup(s, strlen(s));
}

char *
wxf_xstrndup(const char *s, size_t n)
{
	char *p = wxf_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
wxf_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = wxf_xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

char *
wxf_xvasprintf(const char *fmt, va_list ap)
{
	va_list aq;
	int n;
	char *p;

	va_copy(aq, ap);
	n = wxf_vfmt(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		oom(0);
	p = wxf_xmalloc((size_t)n + 1);
	wxf_vfmt(p, (size_t)n + 1, fmt, ap);
	return p;
}

void
wxf_xgrow(void **arr, size_t *cap, size_t need, size_t size)
{
	size_t ncap;

	if (need <= *cap)
		return;
	ncap = *cap ? *cap : 16;
	while (ncap < need)
		ncap *= 2;
	if (ncap > SIZE_MAX / size)
		oom(SIZE_MAX);
	*arr = wxf_xrealloc(*arr, ncap * size);
	memset((char *)*arr + *cap * size, 0, (ncap - *cap) * size);
	*cap = ncap;
}

/* The capacity of a vector grown from cap (doubling from 16) to hold `need` elements of `elem`
 * bytes plus `extra` bytes: 0 when elem is 0 or the size overflows. */
static size_t
grow_cap(size_t cap, size_t need, size_t elem, size_t extra)
{
	size_t ncap = cap ? cap : 16;

	if (elem == 0)
		return 0;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return 0;
		ncap *= 2;
	}
	return ncap > (SIZE_MAX - extra) / elem ? 0 : ncap;
}

int
wxf_grow(void **v, size_t *cap, size_t need, size_t elem)
{
	size_t ncap;
	void *nv;

	if (need <= *cap)
		return WXF_OK;
	if ((ncap = grow_cap(*cap, need, elem, 0)) == 0)
		return WXF_ENOMEM;
	nv = realloc(*v, ncap * elem);
	if (nv == NULL)
		return WXF_ENOMEM;
	*v = nv;
	*cap = ncap;
	return WXF_OK;
}

struct chunk {
	struct chunk *next;
	size_t size, used;
	size_t map_len;      /* 0: malloc'ed; else the length of its mapping of the spill file */
	_Alignas(16) unsigned char data[];
};

struct wxf_arena {
	struct chunk *head;
	size_t total;
	int failed;           /* an allocation from it failed (sticky) */
	/* spilling (wxf_arena_spill) */
	char *spill_dir;      /* NULL: chunks come from memory */
	size_t spill_after;
	int spill_fd;         /* -1 until the file is made */
	int spill_errno;      /* what stopped spilling; 0 none */
	off_t spill_off;      /* the file's size */
	size_t spilled;
};

wxf_arena *
wxf_arena_new(void)
{
	wxf_arena *a = calloc(1, sizeof(wxf_arena));

	if (a != NULL)
		a->spill_fd = -1;
	return a;
}

void
wxf_arena_free(wxf_arena **ap)
{
	struct chunk *c, *n;

	if (ap == NULL || *ap == NULL)
		return;
	for (c = (*ap)->head; c != NULL; c = n) {
		n = c->next;
		if (c->map_len != 0)
			munmap(c, c->map_len);
		else
			free(c);
	}
	if ((*ap)->spill_fd >= 0)
		close((*ap)->spill_fd);
	free((*ap)->spill_dir);
	free(*ap);
	*ap = NULL;
}

int
wxf_arena_spill(wxf_arena *a, const char *dir, size_t after)
{
	char *d = strdup(dir);

	if (d == NULL)
		return WXF_ENOMEM;
	free(a->spill_dir);
	a->spill_dir = d;
	a->spill_after = after;
	return WXF_OK;
}

int
wxf_arena_spill_errno(const wxf_arena *a)
{
	return a->spill_errno;
}

size_t
wxf_arena_spilled(const wxf_arena *a)
{
	return a->spilled;
}

/* An unnamed file in dir: made by mkstemp as dir/wxf-<tag>.XXXXXX and unlinked at once, so
 * that it goes with its last descriptor or mapping, however the run ends.  Its descriptor, or
 * -1 with *err set. */
static int
unnamed_file(const char *dir, const char *tag, int *err)
{
	size_t dl = strlen(dir), tl = strlen(tag);
	char *path = malloc(dl + tl + sizeof("/wxf-.XXXXXX"));
	int fd;

	if (path == NULL) {
		*err = ENOMEM;
		return -1;
	}
	memcpy(path, dir, dl);
	memcpy(path + dl, "/wxf-", 5);
	memcpy(path + dl + 5, tag, tl);
	memcpy(path + dl + 5 + tl, ".XXXXXX", sizeof(".XXXXXX"));
	fd = mkstemp(path);
	if (fd < 0)
		*err = errno != 0 ? errno : EIO;
	else
		unlink(path);
	free(path);
	return fd;
}

/* len bytes of fd from off, reserved on the disk first (a write into a mapped page past a full
 * disk would be SIGBUS) and mapped shared; NULL with *err set. */
static void *
map_reserved(int fd, off_t off, size_t len, int *err)
{
	void *p;
	int rc;

	if ((off_t)len < 0 || off > (off_t)(INT64_MAX - (int64_t)len)) {
		*err = EFBIG;
		return NULL;
	}
	if ((rc = posix_fallocate(fd, off, (off_t)len)) != 0) {
		*err = rc;
		return NULL;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
	if (p == MAP_FAILED) {
		*err = errno != 0 ? errno : ENOMEM;
		return NULL;
	}
	return p;
}

static size_t
page_round(size_t len)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t p = pg > 0 ? (size_t)pg : 4096;

	return len > SIZE_MAX - p ? 0 : (len + p - 1) / p * p;
}

/* A chunk of at least sz bytes in the spill file, or NULL (spill_errno says why; the caller
 * then takes memory). */
static struct chunk *
chunk_map(wxf_arena *a, size_t sz)
{
	size_t len = sizeof(struct chunk) + sz;
	struct chunk *c;

	if (len < WXF_ARENA_SPILL_CHUNK)
		len = WXF_ARENA_SPILL_CHUNK;
	if ((len = page_round(len)) == 0) {
		a->spill_errno = EFBIG;
		return NULL;
	}
	if (a->spill_fd < 0 && (a->spill_fd = unnamed_file(a->spill_dir, "model", &a->spill_errno)) < 0)
		return NULL;
	if ((c = map_reserved(a->spill_fd, a->spill_off, len, &a->spill_errno)) == NULL)
		return NULL;
	a->spill_off += (off_t)len;
	a->spilled += len;
	c->size = len - sizeof(*c);
	c->map_len = len;
	return c;
}

/* A new chunk of at least sz bytes: from the spill file when the arena spills, else memory. */
static struct chunk *
chunk_new(wxf_arena *a, size_t sz)
{
	struct chunk *c = NULL;

	if (a->spill_dir != NULL && a->spill_errno == 0 && a->total >= a->spill_after)
		c = chunk_map(a, sz);
	if (c == NULL && (c = malloc(sizeof(*c) + sz)) != NULL) {
		c->size = sz;
		c->map_len = 0;
	}
	return c;
}

/* n bytes aligned to align (16 for objects, 1 for strings), not zeroed. */
static void *
arena_raw(wxf_arena *a, size_t n, size_t align)
{
	struct chunk *c = a->head;
	size_t at, need;
	void *p;

	if (n > SIZE_MAX - sizeof(*c) - 16) {
		a->failed = 1;
		return NULL;
	}
	need = n;
	at = c != NULL ? (c->used + align - 1) & ~(align - 1) : 0;
	if (c == NULL || at > c->size || c->size - at < need) {
		size_t sz = need > 65536 ? need : 65536;

		c = chunk_new(a, sz);
		if (c == NULL) {
			a->failed = 1;
			return NULL;
		}
		c->used = 0;
		c->next = a->head;
		a->head = c;
		at = 0;
	}
	p = c->data + at;
	a->total += at + need - c->used;
	c->used = at + need;
	return p;
}

void *
wxf_arena_alloc(wxf_arena *a, size_t n)
{
	void *p = arena_raw(a, n, 16);

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

/* Strings are packed (no alignment) and not zeroed first. */
char *
wxf_arena_strndup(wxf_arena *a, const char *s, size_t n)
{
	char *p = n < SIZE_MAX ? arena_raw(a, n + 1, 1) : NULL;

	if (p == NULL) {
		a->failed = 1;
		return NULL;
	}
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int
wxf_arena_failed(const wxf_arena *a)
{
	return a != NULL && a->failed;
}

size_t
wxf_arena_used(const wxf_arena *a)
{
	return a->total;
}

int
wxf_arena_grow(wxf_arena *a, void **v, size_t *cap, size_t need, size_t elem)
{
	size_t ncap;
	void *nv;

	if (need <= *cap)
		return 0;
	if (elem == 0)
		return -1;
	ncap = *cap ? *cap : 4;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2) {
			a->failed = 1;
			return -1;
		}
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / elem) {
		a->failed = 1;
		return -1;
	}
	nv = wxf_arena_alloc(a, ncap * elem);
	if (nv == NULL)
		return -1;
	if (*cap)
		memcpy(nv, *v, *cap * elem);
	*v = nv;
	*cap = ncap;
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Tables (wxf_table_spill) */

struct table_hdr {
	size_t map_len;      /* 0: malloc'd; else the length of its file's mapping */
	size_t size;
};

static char *tbl_dir;          /* NULL: tables are malloc'd */
static size_t tbl_after;
static atomic_int tbl_errno;
static atomic_size_t tbl_cur, tbl_peak;

int
wxf_table_spill(const char *dir, size_t after)
{
	char *d = NULL;

	if (dir != NULL && (d = strdup(dir)) == NULL)
		return WXF_ENOMEM;
	free(tbl_dir);
	tbl_dir = d;
	tbl_after = after;
	atomic_store(&tbl_errno, 0);
	atomic_store(&tbl_peak, atomic_load(&tbl_cur));
	return WXF_OK;
}

int
wxf_table_spill_errno(void)
{
	return atomic_load(&tbl_errno);
}

size_t
wxf_table_spilled_peak(void)
{
	return atomic_load(&tbl_peak);
}

static int
table_spills(size_t n)
{
	return tbl_dir != NULL && n >= tbl_after && atomic_load(&tbl_errno) == 0;
}

/* n bytes and the header in a file of their own, or NULL (tbl_errno says why). */
static struct table_hdr *
table_map(size_t n)
{
	size_t len = page_round(sizeof(struct table_hdr) + n), cur, pk;
	struct table_hdr *h;
	int fd, err = 0;

	if (len == 0)
		err = EFBIG;
	else if ((fd = unnamed_file(tbl_dir, "table", &err)) >= 0) {
		h = map_reserved(fd, 0, len, &err);
		close(fd);   /* the mapping keeps the file */
		if (h != NULL) {
			h->map_len = len;
			cur = atomic_fetch_add(&tbl_cur, len) + len;
			pk = atomic_load(&tbl_peak);
			while (pk < cur && !atomic_compare_exchange_weak(&tbl_peak, &pk, cur))
				;
			return h;
		}
	}
	{
		int none = 0;

		atomic_compare_exchange_strong(&tbl_errno, &none, err != 0 ? err : EIO);
	}
	return NULL;
}

void *
wxf_table_alloc(size_t n)
{
	struct table_hdr *h = NULL;

	if (n > SIZE_MAX - sizeof(*h))
		return NULL;
	if (table_spills(n))
		h = table_map(n);
	if (h == NULL && (h = calloc(1, sizeof(*h) + n)) == NULL)
		return NULL;
	h->size = n;
	return h + 1;
}

void
wxf_table_free(void *p)
{
	struct table_hdr *h;

	if (p == NULL)
		return;
	h = (struct table_hdr *)p - 1;
	if (h->map_len != 0) {
		atomic_fetch_sub(&tbl_cur, h->map_len);
		munmap(h, h->map_len);
	} else
		free(h);
}

int
wxf_table_grow(void **v, size_t *cap, size_t need, size_t elem)
{
	size_t ncap, old;
	struct table_hdr *h;
	void *nv;

	if (need <= *cap)
		return WXF_OK;
	if ((ncap = grow_cap(*cap, need, elem, sizeof(*h))) == 0)
		return WXF_ENOMEM;
	old = *v != NULL ? *cap * elem : 0;
	h = *v != NULL ? (struct table_hdr *)*v - 1 : NULL;
	if (h != NULL && h->map_len == 0 && !table_spills(ncap * elem)) {
		/* in memory and staying there */
		if ((h = realloc(h, sizeof(*h) + ncap * elem)) == NULL)
			return WXF_ENOMEM;
		h->size = ncap * elem;
		nv = h + 1;
		memset((unsigned char *)nv + old, 0, ncap * elem - old);
	} else {
		if ((nv = wxf_table_alloc(ncap * elem)) == NULL)
			return WXF_ENOMEM;
		if (old > 0)
			memcpy(nv, *v, old);
		wxf_table_free(*v);
	}
	*v = nv;
	*cap = ncap;
	return WXF_OK;
}

/* Stable top-down merge sort of a[0..n): halves sorted in place, the left half copied to tmp
 * (n/2 elements) and merged back, the left element first when equal. */
static void
msort_run(unsigned char *a, unsigned char *tmp, size_t n, size_t sz,
    int (*cmp)(const void *, const void *))
{
	size_t h, i, j, k;

	if (n < 2)
		return;
	if (n <= 12) {     /* insertion sort; tmp holds the element being placed */
		for (i = 1; i < n; i++) {
			for (j = i; j > 0 && cmp(a + (j - 1) * sz, a + i * sz) > 0; j--)
				;
			if (j == i)
				continue;
			memcpy(tmp, a + i * sz, sz);
			memmove(a + (j + 1) * sz, a + j * sz, (i - j) * sz);
			memcpy(a + j * sz, tmp, sz);
		}
		return;
	}
	h = n / 2;
	msort_run(a, tmp, h, sz, cmp);
	msort_run(a + h * sz, tmp, n - h, sz, cmp);
	if (cmp(a + (h - 1) * sz, a + h * sz) <= 0)
		return;                    /* already in order */
	memcpy(tmp, a, h * sz);
	for (i = 0, j = h, k = 0; i < h && j < n; k++) {
		if (cmp(tmp + i * sz, a + j * sz) <= 0)
			memcpy(a + k * sz, tmp + i++ * sz, sz);
		else
			memcpy(a + k * sz, a + j++ * sz, sz);
	}
	if (i < h)                         /* what is left of the right half is in place */
		memcpy(a + k * sz, tmp + i * sz, (h - i) * sz);
}

void
wxf_table_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	unsigned char *tmp;

	if (n < 2 || size == 0)
		return;
	if ((n / 2 + 1) > SIZE_MAX / size || (tmp = wxf_table_alloc((n / 2 + 1) * size)) == NULL) {
		qsort(base, n, size, cmp);
		return;
	}
	msort_run(base, tmp, n, size, cmp);
	wxf_table_free(tmp);
}
