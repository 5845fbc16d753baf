/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Device containers -> sub-inventories: every Android backup (.ab, MIUI .bak) and Huawei
 * HiSuite/KoBackup folder among the evidence is unpacked below the bundle's work area and its
 * tree inventoried like evidence, with item paths rewritten to "<container>!/<member>" so that
 * provenance names the evidence container and the member.  Adding a container kind (iTunes
 * backups) means adding its unpacker here; the platform drivers see only inventories.
 */
#include "config.h"
#include "intake/intake.h"
#include "intake/huawei.h"
#include "base/wxf_audit.h"
#include "base/wxf_buf.h"
#include "base/wxf_file.h"
#include "base/wxf_mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const wxf_item *
wxf_inventory_find(const wxf_inventory *inv, const char *path)
{
	size_t i;

	for (i = 0; i < inv->n_items; i++)
		if (inv->items[i].member == NULL && strcmp(inv->items[i].path, path) == 0)
			return &inv->items[i];
	return NULL;
}

static void
limit(const wxf_unpack_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
limit(const wxf_unpack_opts *o, const char *fmt, ...)
{
	va_list ap;
	char *l;

	if (o->limit == NULL)
		return;
	va_start(ap, fmt);
	if (vasprintf(&l, fmt, ap) < 0)
		l = NULL;
	va_end(ap);
	if (l != NULL)
		o->limit(o->limit_arg, l);
	free(l);
}

/* Inventories an unpacked tree `dir` and appends it, its paths rewritten to "<from>!/<rel>". */
static void
sub_scan(const wxf_unpack_opts *o, const char *dir, const char *from, const char *work,
    wxf_subinv **subs, size_t *n)
{
	wxf_intake_opts io;
	wxf_subinv *s;
	char *paths[1];
	size_t i, lp;
	wxf_err err;

	memset(&io, 0, sizeof(io));
	io.no_magic = 1;
	*subs = wxf_xrealloc(*subs, (*n + 1) * sizeof(**subs));
	s = &(*subs)[*n];
	memset(s, 0, sizeof(*s));
	paths[0] = (char *)dir;
	wxf_err_clear(&err);
	if (wxf_intake_scan(&s->inv, paths, 1, &io, &err) != WXF_OK) {
		wxf_log_warn(o->log, "%s: unpacked tree unreadable: %s", from, err.msg);
		wxf_inventory_free(&s->inv);
		return;
	}
	lp = strlen(dir);
	for (i = 0; i < s->inv.n_items; i++) {
		wxf_item *it = &s->inv.items[i];
		const char *rel = strncmp(it->path, dir, lp) == 0 ? it->path + lp : it->path;
		char *np;

		while (*rel == '/')
			rel++;
		np = wxf_xasprintf("%s!/%s", from, rel);
		free(it->path);
		it->path = np;
	}
	s->from = wxf_xstrdup(from);
	s->work = wxf_xstrdup(work);
	(*n)++;
}

/* An Android backup that could not be unpacked: an audit record and a limitation, each with
 * the reason wxf_ab_extract gave. */
static void
ab_failed(void *arg, const char *path, const char *why)
{
	const wxf_unpack_opts *o = arg;
	wxf_buf b;

	wxf_buf_init(&b);
	wxf_buf_json_kstr(&b, "container", path);
	wxf_buf_printf(&b, ",\"kind\":\"android-backup\"");
	wxf_buf_json_kstr(&b, "result", why);
	if (o->audit != NULL)
		wxf_audit_add(o->audit, "unpack-container", b.p, NULL);
	wxf_buf_free(&b);
	limit(o, "Android backup %s could not be unpacked: %s", path, why);
}

static void
unpack_ab(const wxf_inventory *inv, const wxf_unpack_opts *o, wxf_unpack_result *res)
{
	wxf_subinv **subs = &res->subs;
	size_t *n_subs = &res->n_subs;
	wxf_intake_opts io;
	char **dirs = NULL, **from = NULL, *work = wxf_path_join(o->outdir, "work");
	size_t n = 0, i, k = 0, lo = strlen(o->outdir);
	wxf_err err;
	wxf_buf b;

	for (i = 0; i < inv->n_items; i++)
		if (inv->items[i].member == NULL && inv->items[i].kind == WXF_KIND_ANDROID_BACKUP)
			k++;
	if (k == 0) {
		free(work);
		return;
	}
	memset(&io, 0, sizeof(io));
	io.log = o->log;
	io.backup_password = o->backup_password;
	io.unpack_failed = ab_failed;
	io.unpack_failed_arg = (void *)o;
	wxf_err_clear(&err);
	wxf_log_info(o->log, "unpacking %zu Android backup container(s)", k);
	if (wxf_intake_unpack(inv, work, &io, &dirs, &from, &n, &err) != WXF_OK)
		limit(o, "%s", err.msg);
	if (n < k) {
		limit(o, "%zu of %zu Android backup container(s) could not be unpacked; their contents "
		    "are not in this report.", k - n, k);
		res->n_failed += k - n;
	}
	for (i = 0; i < n; i++) {
		/* the bundle-relative form of OUTDIR/work/containers/<n>-<name> */
		const char *rel = strncmp(dirs[i], o->outdir, lo) == 0 ? dirs[i] + lo : dirs[i];

		while (*rel == '/')
			rel++;
		wxf_buf_init(&b);
		wxf_buf_json_kstr(&b, "container", from[i]);
		wxf_buf_printf(&b, ",\"kind\":\"android-backup\"");
		wxf_buf_json_kstr(&b, "unpacked_to", rel);
		wxf_buf_json_kstr(&b, "result", "ok");
		if (o->audit != NULL)
			wxf_audit_add(o->audit, "unpack-container", b.p, NULL);
		wxf_buf_free(&b);
		sub_scan(o, dirs[i], from[i], rel, subs, n_subs);
		free(dirs[i]);
		free(from[i]);
	}
	free(dirs);
	free(from);
	free(work);
}

static void
unpack_huawei(const wxf_inventory *inv, const wxf_unpack_opts *o, wxf_unpack_result *res)
{
	wxf_subinv **subs = &res->subs;
	size_t *n_subs = &res->n_subs;
	size_t i, t, k = 0;

	for (i = 0; i < inv->n_roots; i++) {
		const wxf_root *r = &inv->roots[i];
		wxf_huawei_result hr;
		char *hw, *hw_rel;
		const char *what;
		wxf_err err;
		wxf_buf b;
		int rc;

		if (!r->is_dir || !wxf_huawei_probe(r->abs))
			continue;
		hw_rel = wxf_xasprintf("work/huawei-%zu", ++k);
		hw = wxf_path_join(o->outdir, hw_rel);
		memset(&hr, 0, sizeof(hr));
		wxf_err_clear(&err);
		wxf_log_info(o->log, "unpacking Huawei backup %s", r->name);
		rc = wxf_huawei_unpack(r->abs, o->backup_password, hw, &hr, &err);
		what = rc == WXF_OK ? "ok" : err.msg;
		wxf_buf_init(&b);
		wxf_buf_json_kstr(&b, "container", r->name);
		wxf_buf_printf(&b, ",\"kind\":\"huawei\",\"password_ok\":%s,\"archives\":%zu,"
		    "\"wechat_trees\":%zu", hr.password_ok ? "true" : "false", hr.n_archives,
		    hr.n_android_roots);
		wxf_buf_json_kstr(&b, "result", what);
		if (o->audit != NULL)
			wxf_audit_add(o->audit, "unpack-container", b.p, NULL);
		wxf_buf_free(&b);
		if (rc != WXF_OK) {
			wxf_log_warn(o->log, "Huawei backup %s not unpacked: %s", r->name, err.msg);
			limit(o, "Huawei backup %s not unpacked: %s", r->name, err.msg);
			res->n_failed++;
		}
		for (t = 0; rc == WXF_OK && t < hr.n_android_roots; t++) {
			const char *tree = hr.android_roots[t];
			const char *base = wxf_path_base(tree);
			char *from_s = wxf_xasprintf("%s/%s.tar", r->name, base);
			char *work_s = wxf_xasprintf("%s/%s", hw_rel, base);

			sub_scan(o, tree, from_s, work_s, subs, n_subs);
			free(from_s);
			free(work_s);
		}
		wxf_huawei_result_free(&hr);
		free(hw);
		free(hw_rel);
	}
}

int
wxf_intake_unpack_all(const wxf_inventory *inv, const wxf_unpack_opts *o,
    wxf_unpack_result *res, wxf_err *err)
{
	(void)err;
	memset(res, 0, sizeof(*res));
	unpack_ab(inv, o, res);
	unpack_huawei(inv, o, res);
	return WXF_OK;
}

void
wxf_unpack_result_free(wxf_unpack_result *res)
{
	size_t i;

	for (i = 0; i < res->n_subs; i++) {
		wxf_inventory_free(&res->subs[i].inv);
		free(res->subs[i].from);
		free(res->subs[i].work);
	}
	free(res->subs);
	memset(res, 0, sizeof(*res));
}
