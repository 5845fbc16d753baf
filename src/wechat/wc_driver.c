/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What every driver shares: accounts and their databases, limitations.
 */
#include "config.h"
#include "wechat/wc_driver.h"
#include "base/wxf_mem.h"

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
	l = wxf_xvasprintf(fmt, ap);      /* a limitation is never dropped quietly */
	va_end(ap);
	env->limit(env->limit_arg, l);
	free(l);
}

int
wxf_wc_scan_outcome(wxf_model *m, const char *file, const char *image,
    const wxf_sqlite_obj *t, int rc, const wxf_err *e, wxf_err *err)
{
	wxf_prov p;

	if (rc == WXF_ENOMEM || e->code == WXF_ENOMEM)
		return wxf_err_set(err, WXF_ENOMEM, "%s: out of memory", t->name);
	if (e->code == WXF_OK)
		return WXF_OK;
	memset(&p, 0, sizeof(p));
	p.file = file;
	p.image = image;
	p.table = t->name;
	p.rowid = INT64_MIN;
	p.pgno = e->pgno > 0 && e->pgno <= UINT32_MAX ? (uint32_t)e->pgno : 0;
	p.offset = e->off > 0 ? (uint64_t)e->off : 0;
	p.confidence = 100;
	if (wxf_model_anomaly(m, e->sev >= WXF_SEV_FAILED ? WXF_SEV_FAILED : WXF_SEV_WARN,
	    "table-corrupt", NULL, NULL, &p, "%s: %s", t->name, e->msg) != WXF_OK)
		return wxf_err_set(err, WXF_ENOMEM, "%s: out of memory", t->name);
	if (e->sev >= WXF_SEV_FATAL && rc != WXF_OK && rc != 1) {
		if (err != NULL && err->code == WXF_OK)
			*err = *e;
		return rc;
	}
	return WXF_OK;
}

int
wxf_wc_dbent_cmp(const void *a, const void *b)
{
	const wxf_wc_dbent *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank - y->rank;
	return x->n < y->n ? -1 : x->n > y->n;
}
