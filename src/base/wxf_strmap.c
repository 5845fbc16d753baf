/* SPDX-License-Identifier: Apache-2.0 */
/* The string -> pointer map; the contract is in wxf_strmap.h. */
#include "config.h"
#include "wxf_strmap.h"
#include "wxf_err.h"
#include "wxf_mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAP_MIN 64

static uint64_t
fnv(const char *k)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *k != '\0'; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ULL;
	return h;
}

/* The slot holding key, or the empty slot where it would go.  m->cap > 0. */
static size_t
find(const wxf_strmap *m, const char *key)
{
	size_t i = (size_t)fnv(key) & (m->cap - 1);

	while (m->s[i].key != NULL && strcmp(m->s[i].key, key) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

void *
wxf_strmap_get(const wxf_strmap *m, const char *key)
{
	size_t i;

	if (m == NULL || m->cap == 0 || key == NULL)
		return NULL;
	i = find(m, key);
	return m->s[i].key != NULL ? m->s[i].val : NULL;
}

/* Makes room for one more key (load at most 1/2).  WXF_OK or WXF_ENOMEM. */
static int
reserve_one(wxf_strmap *m)
{
	size_t ncap;
	wxf_strmap_slot *ns;

	if ((m->n + 1) * 2 <= m->cap)
		return WXF_OK;
	if (m->cap > SIZE_MAX / 2 / sizeof(*ns))
		return WXF_ENOMEM;
	ncap = m->cap ? m->cap * 2 : MAP_MIN;
	ns = wxf_table_alloc(ncap * sizeof(*ns));   /* a table: may be file pages */
	if (ns == NULL)
		return WXF_ENOMEM;
	for (size_t j = 0; j < m->cap; j++) {
		size_t i;

		if (m->s[j].key == NULL)
			continue;
		for (i = (size_t)fnv(m->s[j].key) & (ncap - 1); ns[i].key != NULL; i = (i + 1) & (ncap - 1))
			;
		ns[i] = m->s[j];
	}
	wxf_table_free(m->s);
	m->s = ns;
	m->cap = ncap;
	return WXF_OK;
}

/* Shared by put and put_new: 1 stored as new, 0 present (replaced when `replace`), <0 error.
 * The table grows only for a new key, so storing under a present key never fails. */
static int
put(wxf_strmap *m, const char *key, void *val, int replace)
{
	size_t i;

	if (key == NULL)
		return 0;
	if ((m->n + 1) * 2 > m->cap) {
		if (m->cap > 0 && m->s[i = find(m, key)].key != NULL)
			goto present;
		if (reserve_one(m) != WXF_OK)
			return WXF_ENOMEM;
	}
	i = find(m, key);
	if (m->s[i].key != NULL)
		goto present;
	m->s[i].key = key;
	m->s[i].val = val;
	m->n++;
	return 1;
present:
	if (replace)
		m->s[i].val = val;
	return 0;
}

int
wxf_strmap_put(wxf_strmap *m, const char *key, void *val)
{
	int r = put(m, key, val, 1);

	return r < 0 ? r : WXF_OK;
}

int
wxf_strmap_put_new(wxf_strmap *m, const char *key, void *val)
{
	return put(m, key, val, 0);
}

size_t
wxf_strmap_count(const wxf_strmap *m)
{
	return m != NULL ? m->n : 0;
}

void
wxf_strmap_free(wxf_strmap *m)
{
	if (m == NULL)
		return;
	wxf_table_free(m->s);
	m->s = NULL;
	m->cap = m->n = 0;
}
