/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What every driver shares: accounts and their databases, limitations.
 */
#include "config.h"
#include "wechat/wc_driver.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

wxf_wc_acct *
wxf_wc_acct_new(const wxf_wc_driver *drv, const wxf_inventory *inv, int root, const char *id,
    const char *dir, const char *dir_abs, const char *work_leaf)
{
	wxf_wc_acct *a = calloc(1, sizeof(*a));

	if (a == NULL)
		return NULL;
	a->drv = drv;
	a->inv = inv;
	a->root = root;
	a->id = strdup(id != NULL ? id : "");
	a->dir = strdup(dir != NULL ? dir : "");
	a->dir_abs = strdup(dir_abs != NULL ? dir_abs : "");
	a->work_leaf = strdup(work_leaf != NULL ? work_leaf : "work");
	if (a->id == NULL || a->dir == NULL || a->dir_abs == NULL || a->work_leaf == NULL)
		wxf_wc_acct_free(&a);
	return a;
}

int
wxf_wc_acct_add_db(wxf_wc_acct *a, const wxf_item *item, const char *role, const char *profile,
    int carve, int primary)
{
	wxf_wc_db *d;

	if (a->n_dbs == a->cap_dbs) {
		size_t cap = a->cap_dbs ? a->cap_dbs * 2 : 4;
		wxf_wc_db *v = realloc(a->dbs, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		a->dbs = v;
		a->cap_dbs = cap;
	}
	d = &a->dbs[a->n_dbs];
	memset(d, 0, sizeof(*d));
	d->item = item;
	d->role = role;
	d->profile = profile;
	d->carve = carve;
	d->primary = primary;
	return (int)a->n_dbs++;
}

void
wxf_wc_acct_free(wxf_wc_acct **ap)
{
	wxf_wc_acct *a = *ap;
	size_t i;

	if (a == NULL)
		return;
	if (a->drv != NULL && a->drv->free != NULL)
		a->drv->free(a);
	for (i = 0; i < a->n_dbs; i++) {
		wxf_wc_db *d = &a->dbs[i];

		free(d->image);
		free(d->image_abs);
		free(d->wal_image);
		free(d->wal_abs);
		free(d->status);
		wxf_decrypt_result_free(&d->dec);
	}
	free(a->dbs);
	free(a->id);
	free(a->dir);
	free(a->dir_abs);
	free(a->work_leaf);
	free(a->work);
	free(a->work_abs);
	free(a);
	*ap = NULL;
}

void
wxf_wc_limit(const wxf_wc_env *env, const char *fmt, ...)
{
	va_list ap;
	char *l;

	if (env == NULL || env->limit == NULL)
		return;
	va_start(ap, fmt);
	if (vasprintf(&l, fmt, ap) < 0)
		l = NULL;
	va_end(ap);
	if (l != NULL)
		env->limit(env->limit_arg, l);
	free(l);
}
