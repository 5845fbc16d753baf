/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Device containers -> sub-inventories: every Android backup (.ab, MIUI .bak) and Huawei
 * HiSuite/KoBackup folder among the evidence is unpacked below the bundle's work area and its
 * tree inventoried like evidence, with item paths rewritten to "<container>!/<member>" so that
 * provenance names the evidence container and the member.  iTunes/Finder backups restore
 * WeChat's two domains, each file named "<backup file>!/<domain>/<relativePath>" (the blob it
 * came from, then where it lived on the phone) with that logical path in item->logical.
 * Archives of an iPhone full-file-system extraction (.tar, .tar.gz, .zip) restore WeChat's
 * app containers, each file named "<archive>!/<member>" (intake/archive.h).
 * Adding a container kind means adding its unpacker here; the platform drivers see only
 * inventories.
 */
#include "config.h"
#include "intake/intake.h"
#include "intake/huawei.h"
#include "intake/itunes.h"
#include "intake/archive.h"
#include "base/wxf_audit.h"
#include "base/wxf_buf.h"
#include "base/wxf_file.h"
#include "base/wxf_time.h"
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
	l = wxf_xvasprintf(fmt, ap);      /* a limitation is never dropped quietly */
	va_end(ap);
	o->limit(o->limit_arg, l);
	free(l);
}

/* Inventories an unpacked tree `dir` (bundle-relative: members) and appends it, its paths
 * rewritten to "<from>!/<rel>"; the readers of its accounts write below `work`. */
static void
sub_scan(const wxf_unpack_opts *o, const char *dir, const char *from, const char *members,
    const char *work, wxf_subinv **subs, size_t *n)
{
	wxf_intake_opts io;
	wxf_subinv *s;
	const char *root;
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
	/* the scan named the tree by its own name ("<name>/..."): the member path follows it */
	root = s->inv.n_roots > 0 ? s->inv.roots[0].name : dir;
	lp = strlen(root);
	for (i = 0; i < s->inv.n_items; i++) {
		wxf_item *it = &s->inv.items[i];
		const char *rel = strncmp(it->path, root, lp) == 0 &&
		    (it->path[lp] == '/' || it->path[lp] == '\0') ? it->path + lp : it->path;
		char *np;

		while (*rel == '/')
			rel++;
		np = wxf_xasprintf("%s!/%s", from, rel);
		free(it->path);
		it->path = np;
	}
	s->from = wxf_xstrdup(from);
	s->members = wxf_xstrdup(members);
	s->work = wxf_xstrdup(work);
	(*n)++;
}

struct ab_ctx {
	const wxf_unpack_opts *o;
	wxf_unpack_result *res;
	char **damaged;      /* containers unpacked in part (their record is written already) */
	size_t n_damaged;
};

/* An Android backup that could not be unpacked: an audit record and a limitation, each with
 * the reason wxf_ab_extract gave. */
static void
ab_failed(void *arg, const char *path, const char *why)
{
	const wxf_unpack_opts *o = ((struct ab_ctx *)arg)->o;
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

/* An Android backup unpacked in part: its readable members are read, the report names what
 * was left out, and the container counts as evidence not wholly read. */
static void
ab_damaged(void *arg, const char *path, const char *why, size_t n_kept, size_t n_bad)
{
	struct ab_ctx *c = arg;
	wxf_buf b;

	wxf_buf_init(&b);
	wxf_buf_json_kstr(&b, "container", path);
	wxf_buf_printf(&b, ",\"kind\":\"android-backup\",\"members_kept\":%zu,"
	    "\"members_left_out\":%zu", n_kept, n_bad);
	wxf_buf_json_kstr(&b, "result", "partial");
	wxf_buf_json_kstr(&b, "reason", why);
	if (c->o->audit != NULL)
		wxf_audit_add(c->o->audit, "unpack-container", b.p, NULL);
	wxf_buf_free(&b);
	limit(c->o, "Android backup %s was unpacked in part (%zu member(s) read, %zu left out or cut "
	    "short): %s", path, n_kept, n_bad, why);
	c->res->n_failed++;
	c->damaged = wxf_xrealloc(c->damaged, (c->n_damaged + 1) * sizeof(char *));
	c->damaged[c->n_damaged++] = wxf_xstrdup(path);
}

static void
unpack_ab(const wxf_inventory *inv, const wxf_unpack_opts *o, wxf_unpack_result *res)
{
	wxf_subinv **subs = &res->subs;
	size_t *n_subs = &res->n_subs;
	wxf_intake_opts io;
	char **dirs = NULL, **from = NULL, *work = wxf_path_join(o->outdir, "work");
	size_t n = 0, i, j, k = 0, lo = strlen(o->outdir);
	struct ab_ctx ctx = { o, res, NULL, 0 };
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
	io.unpack_damaged = ab_damaged;
	io.unpack_failed_arg = &ctx;
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
		/* the bundle-relative form of OUTDIR/work/containers/<n>-<name>/members; the
		 * readers write beside members/ */
		const char *rel = strncmp(dirs[i], o->outdir, lo) == 0 ? dirs[i] + lo : dirs[i];
		char *cwork;

		while (*rel == '/')
			rel++;
		cwork = wxf_path_dir(rel);
		for (j = 0; j < ctx.n_damaged && strcmp(ctx.damaged[j], from[i]) != 0; j++)
			;
		if (j == ctx.n_damaged) {
			wxf_buf_init(&b);
			wxf_buf_json_kstr(&b, "container", from[i]);
			wxf_buf_printf(&b, ",\"kind\":\"android-backup\"");
			wxf_buf_json_kstr(&b, "unpacked_to", rel);
			wxf_buf_json_kstr(&b, "result", "ok");
			if (o->audit != NULL)
				wxf_audit_add(o->audit, "unpack-container", b.p, NULL);
			wxf_buf_free(&b);
		}
		sub_scan(o, dirs[i], from[i], rel, cwork, subs, n_subs);
		free(cwork);
		free(dirs[i]);
		free(from[i]);
	}
	for (j = 0; j < ctx.n_damaged; j++)
		free(ctx.damaged[j]);
	free(ctx.damaged);
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
			const wxf_huawei_archive *a = NULL;
			char *from_s, *work_s, *members_s, *cdir;

			for (size_t q = 0; q < hr.n_archives && a == NULL; q++)
				if (hr.archives[q].out_dir != NULL &&
				    strcmp(hr.archives[q].out_dir, tree) == 0)
					a = &hr.archives[q];
			if (a == NULL)
				continue;
			/* named after the archive; the readers write beside its members/ folder */
			from_s = wxf_xasprintf("%s/%s", r->name, wxf_path_base(a->path));
			cdir = wxf_path_dir(tree);
			work_s = wxf_xasprintf("%s/%s", hw_rel, wxf_path_base(cdir));
			members_s = wxf_xasprintf("%s/members", work_s);
			sub_scan(o, tree, from_s, members_s, work_s, subs, n_subs);
			free(members_s);
			free(cdir);
			free(from_s);
			free(work_s);
		}
		wxf_huawei_result_free(&hr);
		free(hw);
		free(hw_rel);
	}
}

/* ------------------------------------------------------------------------------ iTunes */

/* The domains restored from an iTunes/Finder backup: WeChat's app and its shared group. */
static const char *const wechat_domains[] = {
	"AppDomain-com.tencent.xin", "AppDomainGroup-group.com.tencent.xin", NULL
};

struct restored {
	char *logical;   /* "<domain>/<relativePath>", sanitised */
	char *id;        /* fileID */
	char *note;      /* a mismatch worth showing, or NULL */
};

struct itunes_arg {
	const wxf_itunes *b;
	const wxf_unpack_opts *o;
	const char *given, *files;
	struct restored *v;
	size_t n;
	uint64_t bytes;
	size_t n_failed, n_missing, n_links, n_renamed;
};

static int
restore_cmp(const void *a, const void *b)
{
	return strcmp(((const struct restored *)a)->logical, ((const struct restored *)b)->logical);
}

static int
itunes_file(void *arg, const char *id, const char *dom, const char *rel, int64_t flags,
    const uint8_t *rec, size_t rec_n)
{
	struct itunes_arg *a = arg;
	char name[4096], *raw, *out, *dir, *note = NULL;
	uint64_t w = 0;
	wxf_err err;
	int rc;

	if (flags == 4)
		a->n_links++;
	if (flags != 1)
		return 0;
	raw = wxf_xasprintf("%s/%s", dom, rel);
	if (wxf_member_path_sanitise(raw, name, sizeof(name)) != 0 || strchr(name, '/') == NULL) {
		wxf_log_warn(a->o->log, "%s: %s: name refused (absolute or with ..); not restored",
		    a->given, raw);
		a->n_failed++;
		free(raw);
		return 0;
	}
	if (strcmp(name, raw) != 0)
		a->n_renamed++;
	free(raw);
	out = wxf_path_join(a->files, name);
	dir = wxf_path_dir(out);
	wxf_err_clear(&err);
	rc = wxf_mkdir_p(dir, &err);
	if (rc == WXF_OK)
		rc = wxf_itunes_restore(a->b, id, rec, rec_n, out, &w, &note, &err);
	free(dir);
	free(out);
	if (rc == WXF_ENOTFOUND) {
		a->n_missing++;
		wxf_log_warn(a->o->log, "%s: %s is listed in Manifest.db but not in the backup",
		    a->given, name);
		return 0;
	}
	if (rc != WXF_OK) {
		a->n_failed++;
		wxf_log_warn(a->o->log, "%s: %s not restored: %s", a->given, name, err.msg);
		free(note);
		return 0;
	}
	a->bytes += w;
	a->v = wxf_xrealloc(a->v, (a->n + 1) * sizeof(*a->v));
	a->v[a->n].logical = wxf_xstrdup(name);
	a->v[a->n].id = wxf_xstrdup(id);
	a->v[a->n++].note = note;
	return 0;
}

/* Rewrites the restored tree's item paths to "<given>/<id[0:2]>/<id>!/<logical>" (a
 * Manifest.mbdb backup, flat: "<given>/<id>!/<logical>"); an item's logical path is where it
 * lies below the folder `files` it was restored into. */
static void
itunes_paths(wxf_subinv *s, const char *given, const char *files, int encrypted, int flat,
    struct restored *v, size_t n)
{
	char *rf = realpath(files, NULL);
	size_t i, lf;

	if (rf == NULL)
		return;
	files = rf;
	lf = strlen(files);

	qsort(v, n, sizeof(*v), restore_cmp);
	for (i = 0; i < s->inv.n_items; i++) {
		wxf_item *it = &s->inv.items[i];
		struct restored key, *hit;

		if (it->abs == NULL || strncmp(it->abs, files, lf) != 0 || it->abs[lf] != '/')
			continue;
		key.logical = it->abs + lf + 1;
		hit = bsearch(&key, v, n, sizeof(*v), restore_cmp);
		if (hit == NULL)
			continue;
		free(it->logical);
		it->logical = wxf_xstrdup(hit->logical);
		{
			char *blob = wxf_itunes_blob_path(given, hit->id, flat);

			free(it->path);
			it->path = wxf_xasprintf("%s!/%s", blob, hit->logical);
			free(it->note);
			it->note = wxf_xasprintf("restored from %s (%s)%s%s", blob, encrypted ?
			    "decrypted with the backup password" : "copied", hit->note ? "; " : "",
			    hit->note ? hit->note : "");
			free(blob);
		}
	}
	free(rf);
}

/* Every restored file, hashed, in the audit log ("unpack-member"): the custody of what the
 * readers will read, named "<container>!/<member>". */
static void
audit_members(const wxf_unpack_opts *o, const wxf_inventory *inv)
{
	wxf_buf b;
	size_t i;

	if (o->audit == NULL)
		return;
	wxf_buf_init(&b);
	for (i = 0; i < inv->n_items; i++) {
		const wxf_item *it = &inv->items[i];

		wxf_buf_reset(&b);
		wxf_buf_json_kstr(&b, "input", it->path);
		wxf_buf_json_kstr(&b, "logical", it->logical);
		wxf_buf_printf(&b, ",\"size\":%llu,\"md5\":\"%s\",\"sha1\":\"%s\",\"sha256\":\"%s\"",
		    (unsigned long long)it->size, it->before.md5, it->before.sha1, it->before.sha256);
		wxf_audit_add(o->audit, "unpack-member", b.p, NULL);
	}
	wxf_buf_free(&b);
}

static void
unpack_itunes(const wxf_inventory *inv, const wxf_unpack_opts *o, wxf_unpack_result *res)
{
	size_t i, j, k = 0;

	for (i = 0; i < inv->n_roots; i++) {
		const wxf_root *r = &inv->roots[i];
		struct itunes_arg a;
		wxf_itunes b;
		char *rel, *dir, *man, *files, *files_rel;
		wxf_err err;
		wxf_buf bb;
		int rc;

		if (!r->is_dir || !wxf_itunes_probe(r->abs))
			continue;
		rel = wxf_xasprintf("work/itunes-%zu", ++k);
		dir = wxf_path_join(o->outdir, rel);
		man = wxf_path_join(dir, "Manifest.db");
		files_rel = wxf_path_join(rel, "files");
		files = wxf_path_join(o->outdir, files_rel);
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		wxf_err_clear(&err);
		wxf_log_info(o->log, "reading iTunes/Finder backup %s", r->name);
		rc = wxf_mkdir_p(dir, &err);
		if (rc == WXF_OK)
			rc = wxf_itunes_open(&b, r->abs, o->backup_password, man, o->log, &err);
		if (rc == WXF_OK) {
			if (b.unlocked)
				wxf_log_info(o->log, "%s: backup password accepted (keybag: %zu class keys "
				    "unwrapped); key derived in %.2f s", r->name, b.n_class_keys, b.kdf_secs);
			if (b.index_note != NULL) {
				wxf_log_warn(o->log, "%s: %s", r->name, b.index_note);
				limit(o, "iTunes backup %s: its index Manifest.mbdb is damaged: %s.", r->name,
				    b.index_note);
			}
			a.b = &b;
			a.o = o;
			a.given = r->name;
			a.files = files;
			rc = wxf_itunes_files(&b, wechat_domains, itunes_file, &a, &err);
		}
		wxf_buf_init(&bb);
		wxf_buf_json_kstr(&bb, "container", r->name);
		wxf_buf_printf(&bb, ",\"kind\":\"itunes\",\"index\":\"%s\",\"encrypted\":%s",
		    b.info.manifest_db ? "Manifest.db" : "Manifest.mbdb", b.info.encrypted ? "true" :
		    "false");
		if (rc == WXF_OK || b.unlocked)
			wxf_buf_printf(&bb, ",\"password_ok\":%s,\"class_keys\":%zu,\"kdf_seconds\":%.3f",
			    b.unlocked ? "true" : "false", b.n_class_keys,
			    wxf_time_recorded_s(b.kdf_secs));
		if (rc == WXF_OK) {
			wxf_buf_json_kstr(&bb, "unpacked_to", files_rel);
			wxf_buf_printf(&bb, ",\"restored\":%zu,\"bytes\":%llu,\"not_in_backup\":%zu,"
			    "\"failed\":%zu,\"links\":%zu,\"renamed\":%zu", a.n, (unsigned long long)a.bytes,
			    a.n_missing, a.n_failed, a.n_links, a.n_renamed);
			wxf_buf_json_kstr(&bb, "snapshot", b.info.snapshot);
		}
		wxf_buf_json_kstr(&bb, "result", rc == WXF_OK ? "ok" : err.msg);
		if (o->audit != NULL)
			wxf_audit_add(o->audit, "unpack-container", bb.p, NULL);
		wxf_buf_free(&bb);
		if (rc != WXF_OK) {
			wxf_log_error(o->log, "iTunes backup %s not read: %s", r->name, err.msg);
			limit(o, "iTunes/Finder backup %s could not be read: %s", r->name, err.msg);
			res->n_failed++;
		} else {
			if (!wxf_itunes_complete(&b.info))
				limit(o, "iTunes/Finder backup %s is partial: Status.plist %s%s%s; files may be "
				    "missing.", r->name, b.info.have_status ? "SnapshotState \"" : "is absent",
				    b.info.snapshot, b.info.have_status ? "\"" : "");
			if (a.n_missing > 0 || a.n_failed > 0)
				limit(o, "iTunes/Finder backup %s: %zu WeChat file(s) listed in Manifest.db are "
				    "not in the backup and %zu could not be restored (see the log).", r->name,
				    a.n_missing, a.n_failed);
			if (a.n > 0) {
				size_t before = res->n_subs;

				sub_scan(o, files, r->name, files_rel, files_rel, &res->subs,
				    &res->n_subs);
				if (res->n_subs > before) {
					itunes_paths(&res->subs[before], r->name, files, b.unlocked,
					    b.mbdb != NULL, a.v, a.n);
					audit_members(o, &res->subs[before].inv);
				}
			} else
				limit(o, "iTunes/Finder backup %s holds no WeChat files (domains "
				    "AppDomain-com.tencent.xin, AppDomainGroup-group.com.tencent.xin).",
				    r->name);
		}
		for (j = 0; j < a.n; j++) {
			free(a.v[j].logical);
			free(a.v[j].id);
			free(a.v[j].note);
		}
		free(a.v);
		wxf_itunes_close(&b);
		free(rel);
		free(dir);
		free(man);
		free(files);
		free(files_rel);
	}
}

/* ------------------------------------------------------------------------------ archives */

/* A .tar, .tar.gz or .zip given as evidence (intake/archive.h): WeChat's iPhone app containers
 * restored into work/archive-<n>/files/, inventoried as "<archive>!/<member>". */
static void
unpack_archives(const wxf_inventory *inv, const wxf_unpack_opts *o, wxf_unpack_result *res)
{
	size_t i, k = 0;

	for (i = 0; i < inv->n_roots; i++) {
		const wxf_root *r = &inv->roots[i];
		wxf_archive_result ar;
		wxf_arch_kind kind;
		char *rel, *arch_rel, *files;
		wxf_err err;
		wxf_buf b;
		int rc;

		if (r->is_dir || (kind = wxf_archive_probe(r->abs)) == WXF_ARCH_NONE)
			continue;
		arch_rel = wxf_xasprintf("work/archive-%zu", ++k);
		rel = wxf_xasprintf("%s/files", arch_rel);
		files = wxf_path_join(o->outdir, rel);
		wxf_err_clear(&err);
		wxf_log_info(o->log, "reading %s archive %s", wxf_archive_kind_name(kind), r->name);
		rc = wxf_archive_unpack_ios(r->abs, r->name, kind, files, 0, &ar, o->log, &err);
		wxf_buf_init(&b);
		wxf_buf_json_kstr(&b, "container", r->name);
		wxf_buf_printf(&b, ",\"kind\":\"archive\",\"format\":\"%s\"",
		    wxf_archive_kind_name(kind));
		if (rc == WXF_OK) {
			wxf_buf_printf(&b, ",\"members\":%zu,\"wechat_containers\":%zu", ar.n_members,
			    ar.n_containers);
			if (ar.n_containers > 0)
				wxf_buf_json_kstr(&b, "unpacked_to", rel);
			wxf_buf_printf(&b, ",\"restored\":%zu,\"bytes\":%llu,\"links\":%zu,"
			    "\"refused_names\":%zu,\"too_large\":%zu,\"bomb\":%s", ar.n_restored,
			    (unsigned long long)ar.bytes, ar.n_links, ar.n_refused, ar.n_too_large,
			    ar.bomb ? "true" : "false");
			if (ar.note != NULL)
				wxf_buf_json_kstr(&b, "note", ar.note);
		}
		wxf_buf_json_kstr(&b, "result", rc == WXF_OK ? "ok" : err.msg);
		if (o->audit != NULL)
			wxf_audit_add(o->audit, "unpack-container", b.p, NULL);
		wxf_buf_free(&b);
		if (rc != WXF_OK) {
			wxf_log_error(o->log, "archive %s not read: %s", r->name, err.msg);
			limit(o, "Archive %s could not be read: %s", r->name, err.msg);
			res->n_failed++;
		} else if (ar.n_containers == 0) {
			limit(o, "Archive %s (%s, %zu members) holds no WeChat app container of an iPhone "
			    "full-file-system extraction (Containers/Data/Application/<UUID>/ named "
			    "com.tencent.xin by its metadata plist, or laid out like WeChat); nothing was "
			    "unpacked.", r->name, wxf_archive_kind_name(kind), ar.n_members);
		} else {
			size_t before = res->n_subs;

			if (ar.bomb || ar.n_refused > 0 || ar.n_too_large > 0 || ar.note != NULL)
				limit(o, "Archive %s: %s%s%zu member name(s) refused, %zu member(s) over the "
				    "size limit, %zu link(s) or device(s) not created.", r->name,
				    ar.note != NULL ? ar.note : "", ar.note != NULL ? "; " : "", ar.n_refused,
				    ar.n_too_large, ar.n_links);
			if (ar.n_restored > 0)
				sub_scan(o, files, r->name, rel, arch_rel, &res->subs, &res->n_subs);
			if (res->n_subs > before)
				audit_members(o, &res->subs[before].inv);
		}
		wxf_archive_result_free(&ar);
		free(arch_rel);
		free(rel);
		free(files);
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
	unpack_itunes(inv, o, res);
	unpack_archives(inv, o, res);
	return WXF_OK;
}

void
wxf_unpack_result_free(wxf_unpack_result *res)
{
	size_t i;

	for (i = 0; i < res->n_subs; i++) {
		wxf_inventory_free(&res->subs[i].inv);
		free(res->subs[i].from);
		free(res->subs[i].members);
		free(res->subs[i].work);
	}
	free(res->subs);
	memset(res, 0, sizeof(*res));
}
