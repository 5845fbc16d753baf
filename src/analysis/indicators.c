/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Counterfeit-sale indicator phrases: loading (data/indicators.txt + --indicators FILE) and
 * matching.  File format and matching rules: analysis.h §4.
 *
 * Matching works on folded code points (an_fold_cp): both the phrase and the text are decoded
 * and folded, then compared code point by code point at every text position, so overlapping
 * phrases all hit.  Offsets reported are byte offsets into the ORIGINAL text, so the report
 * can quote the evidence exactly.
 */
#include "config.h"
#include "analysis/analysis_int.h"
#include "base/wxf_buf.h"
#include "base/wxf_file.h"
#include "base/wxf_fmt.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IND_FILE_MAX (16u * 1024 * 1024)

typedef struct ind_entry {
	wxf_indicator pub;
	uint32_t *cps;      /* folded phrase */
	size_t n_cps;
	int lead_alnum, trail_alnum;
} ind_entry;

struct wxf_indicator_set {
	wxf_arena *arena;
	ind_entry **v;
	size_t n, cap;
};

/* ------------------------------------------------------------------------------------------ */
/* Shared helpers (declared in analysis_int.h) */

uint32_t
an_fold_cp(uint32_t cp)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		cp -= 0xFEE0;
	else if (cp == 0x3000)
		cp = ' ';
	else if (cp == 0xFE55 || cp == 0x2236)
		cp = ':';
	if (cp >= 'A' && cp <= 'Z')
		cp += 'a' - 'A';
	return cp;
}

size_t
an_next_cp(const char *s, size_t n, uint32_t *cp)
{
	size_t l = wxf_utf8_decode((const unsigned char *)s, n, cp);

	if (l == 0) {
		*cp = 0xFFFD;
		l = 1;
	}
	return l;
}

int
an_is_alnum(uint32_t cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

int
an_add(int64_t *acc, int64_t v)
{
	if ((v > 0 && *acc > INT64_MAX - v) || (v < 0 && *acc < INT64_MIN - v))
		return 1;
	*acc += v;
	return 0;
}

int
an_sub(int64_t *acc, int64_t v)
{
	if ((v < 0 && *acc > INT64_MAX + v) || (v > 0 && *acc < INT64_MIN + v))
		return 1;
	*acc -= v;
	return 0;
}


/* ------------------------------------------------------------------------------------------ */
/* Sets */

int
wxf_indicators_new(wxf_indicator_set **s, wxf_err *err)
{
	*s = calloc(1, sizeof(**s));
	if (*s == NULL || ((*s)->arena = wxf_arena_new()) == NULL) {
		free(*s);
		*s = NULL;
		return wxf_err_set(err, WXF_ENOMEM, "indicators: out of memory");
	}
	return WXF_OK;
}

void
wxf_indicators_free(wxf_indicator_set **s)
{
	if (s == NULL || *s == NULL)
		return;
	wxf_arena_free(&(*s)->arena);
	free(*s);
	*s = NULL;
}

size_t
wxf_indicators_count(const wxf_indicator_set *s)
{
	return s != NULL ? s->n : 0;
}

const wxf_indicator *
wxf_indicators_get(const wxf_indicator_set *s, size_t i)
{
	return s != NULL && i < s->n ? &s->v[i]->pub : NULL;
}

/* Folds s[0..n) into an arena array of code points. */
static uint32_t *
fold_str(wxf_arena *a, const char *s, size_t n, size_t *n_out)
{
	uint32_t *cps = wxf_arena_alloc(a, (n + 1) * sizeof(*cps));
	size_t k = 0;

	if (cps == NULL)
		return NULL;
	for (size_t i = 0; i < n;) {
		uint32_t cp;

		i += an_next_cp(s + i, n - i, &cp);
		cps[k++] = an_fold_cp(cp);
	}
	*n_out = k;
	return cps;
}

int
wxf_indicators_add(wxf_indicator_set *s, const char *phrase, const char *category,
    const char *origin, wxf_err *err)
{
	ind_entry *e;
	uint32_t *cps;
	size_t n;

	if (phrase == NULL || phrase[0] == '\0')
		return WXF_OK;
	cps = fold_str(s->arena, phrase, strlen(phrase), &n);
	if (cps == NULL)
		goto oom;
	if (n == 0)
		return WXF_OK;
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i]->n_cps == n && memcmp(s->v[i]->cps, cps, n * sizeof(*cps)) == 0)
			return WXF_OK; /* first one keeps its category */
	if (wxf_arena_grow(s->arena, (void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v)) < 0)
		goto oom;
	e = wxf_arena_alloc(s->arena, sizeof(*e));
	if (e == NULL)
		goto oom;
	e->cps = cps;
	e->n_cps = n;
	e->lead_alnum = an_is_alnum(cps[0]);
	e->trail_alnum = an_is_alnum(cps[n - 1]);
	e->pub.phrase = wxf_arena_strndup(s->arena, phrase, strlen(phrase));
	e->pub.category = category != NULL && category[0] != '\0' ?
	    wxf_arena_strndup(s->arena, category, strlen(category)) : NULL;
	e->pub.origin = origin != NULL ? wxf_arena_strndup(s->arena, origin, strlen(origin)) : NULL;
	if (e->pub.phrase == NULL || (category != NULL && category[0] != '\0' &&
	    e->pub.category == NULL) || (origin != NULL && e->pub.origin == NULL))
		goto oom;
	s->v[s->n++] = e;
	return WXF_OK;
oom:
	return wxf_err_set(err, WXF_ENOMEM, "indicators: out of memory");
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Trims ASCII white space from [*b, *e). */
static void
trim(const char **b, const char **e)
{
	while (*b < *e && is_ws(**b))
		(*b)++;
	while (*e > *b && is_ws((*e)[-1]))
		(*e)--;
}

int
wxf_indicators_load_file(wxf_indicator_set *s, const char *path, wxf_err *err)
{
	uint8_t *data = NULL;
	size_t len = 0, lineno = 0;
	const char *p, *end;
	int rc;

	rc = wxf_file_read_small(path, IND_FILE_MAX, &data, &len, err);
	if (rc < 0)
		return wxf_err_wrap(err, rc, "indicators: %s", path);
	p = (const char *)data;
	end = p + len;
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3; /* UTF-8 BOM */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl != NULL ? nl : end, *pb = p, *pe, *tab, *cb = NULL, *ce = NULL;
		char *phrase = NULL, *cat = NULL, origin[64 + 4096];

		lineno++;
		p = nl != NULL ? nl + 1 : end;
		if (!wxf_utf8_valid(pb, (size_t)(le - pb))) {
			free(data);
			return wxf_err_setx(err, WXF_ECORRUPT, WXF_SEV_FAILED, __FILE__, __LINE__, -1,
			    -1, "indicators: %s:%zu: not valid UTF-8", path, lineno);
		}
		tab = memchr(pb, '\t', (size_t)(le - pb));
		pe = tab != NULL ? tab : le;
		trim(&pb, &pe);
		if (pb == pe || *pb == '#')
			continue;
		if (tab != NULL) {
			cb = tab + 1;
			ce = le;
			trim(&cb, &ce);
		}
		phrase = strndup(pb, (size_t)(pe - pb));
		cat = cb != NULL && cb < ce ? strndup(cb, (size_t)(ce - cb)) : NULL;
		if (phrase == NULL || (cb != NULL && cb < ce && cat == NULL)) {
			free(phrase);
			free(cat);
			free(data);
			return wxf_err_set(err, WXF_ENOMEM, "indicators: out of memory");
		}
		wxf_fmt(origin, sizeof(origin), "%s:%zu", wxf_path_base(path), lineno);
		rc = wxf_indicators_add(s, phrase, cat, origin, err);
		free(phrase);
		free(cat);
		if (rc < 0) {
			free(data);
			return rc;
		}
	}
	free(data);
	return WXF_OK;
}

int
wxf_analysis_data_path(const char *name, const char *explicit_path, char **out, wxf_err *err)
{
	const char *env = getenv("WXF_DATA_DIR");
	const char *dirs[3];
	size_t nd = 0;

	*out = NULL;
	if (explicit_path != NULL) {
		if (!wxf_is_file(explicit_path))
			return wxf_err_set(err, WXF_ENOTFOUND, "%s: no such file", explicit_path);
		*out = strdup(explicit_path);
		return *out != NULL ? WXF_OK : wxf_err_set(err, WXF_ENOMEM, "out of memory");
	}
	if (env != NULL && env[0] != '\0')
		dirs[nd++] = env;
#ifdef WXF_DATADIR
	dirs[nd++] = WXF_DATADIR;
#endif
#ifdef WXF_SRCDATADIR
	dirs[nd++] = WXF_SRCDATADIR;
#endif
	for (size_t i = 0; i < nd; i++) {
		char *p = wxf_path_join(dirs[i], name);

		if (p == NULL)
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
		if (wxf_is_file(p)) {
			*out = p;
			return WXF_OK;
		}
		free(p);
	}
	return wxf_err_set(err, WXF_ENOTFOUND,
	    "data file %s not found (tried $WXF_DATA_DIR=%s, %s, %s)", name,
	    env != NULL ? env : "(unset)",
#ifdef WXF_DATADIR
	    WXF_DATADIR,
#else
	    "(no installed data dir)",
#endif
#ifdef WXF_SRCDATADIR
	    WXF_SRCDATADIR
#else
	    "(no source data dir)"
#endif
	    );
}

int
wxf_indicators_load(wxf_indicator_set **s, const char *base_path,
    const char *const *extra_files, size_t n_extra, wxf_err *err)
{
	char *path = NULL;
	int rc;

	*s = NULL;
	rc = wxf_analysis_data_path("indicators.txt", base_path, &path, err);
	if (rc < 0)
		return wxf_err_wrap(err, rc, "indicators");
	rc = wxf_indicators_new(s, err);
	if (rc == WXF_OK)
		rc = wxf_indicators_load_file(*s, path, err);
	for (size_t i = 0; rc == WXF_OK && i < n_extra; i++)
		if (extra_files[i] != NULL)
			rc = wxf_indicators_load_file(*s, extra_files[i], err);
	free(path);
	if (rc < 0)
		wxf_indicators_free(s);
	return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* Matching */

/* Phrases by their first folded code point, ties in set order: at each text position only the
 * phrases starting with that code point are compared. */
typedef struct first_cp {
	uint32_t cp;
	size_t j;
} first_cp;

static int
first_cp_cmp(const void *pa, const void *pb)
{
	const first_cp *a = pa, *b = pb;

	if (a->cp != b->cp)
		return a->cp < b->cp ? -1 : 1;
	return a->j < b->j ? -1 : a->j > b->j;
}

/* 1 if the folded phrase e starts at text byte i; *end gets the byte after it. */
static int
match_at(const ind_entry *e, const char *text, size_t n, size_t i, size_t *end)
{
	for (size_t m = 0; m < e->n_cps; m++) {
		uint32_t cp;

		if (i >= n)
			return 0;
		i += an_next_cp(text + i, n - i, &cp);
		if (an_fold_cp(cp) != e->cps[m])
			return 0;
	}
	*end = i;
	return 1;
}

size_t
wxf_indicators_match(const wxf_indicator_set *s, const char *text,
    void (*cb)(void *arg, const wxf_indicator *ind, size_t off, size_t len), void *arg)
{
	size_t n, hits = 0, i, l, lo, hi, mid, end, k = 0;
	uint32_t cp, prev = 0;
	first_cp *idx;

	if (s == NULL || s->n == 0 || text == NULL || text[0] == '\0')
		return 0;
	n = strlen(text);
	idx = malloc(s->n * sizeof(*idx));
	if (idx == NULL)
		return SIZE_MAX; /* the caller fails the run: hits left out would go unnoticed */
	for (size_t j = 0; j < s->n; j++)
		if (s->v[j]->n_cps > 0) {
			idx[k].cp = s->v[j]->cps[0];
			idx[k++].j = j;
		}
	qsort(idx, k, sizeof(*idx), first_cp_cmp);
	/* one pass over the text, decoding each code point once; no copy of the text is made,
	 * so a message of many megabytes costs no more memory than a short one */
	for (i = 0; i < n; i += l, prev = cp) {
		l = an_next_cp(text + i, n - i, &cp);
		cp = an_fold_cp(cp);
		for (lo = 0, hi = k; lo < hi;) {
			mid = lo + (hi - lo) / 2;
			if (idx[mid].cp < cp)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < k && idx[lo].cp == cp; lo++) {
			const ind_entry *e = s->v[idx[lo].j];
			uint32_t next;

			if (e->lead_alnum && i > 0 && an_is_alnum(prev))
				continue;
			if (!match_at(e, text, n, i, &end))
				continue;
			if (e->trail_alnum && end < n) {
				an_next_cp(text + end, n - end, &next);
				if (an_is_alnum(an_fold_cp(next)))
					continue;
			}
			hits++;
			if (cb != NULL)
				cb(arg, &e->pub, i, end - i);
		}
	}
	free(idx);
	return hits;
}
