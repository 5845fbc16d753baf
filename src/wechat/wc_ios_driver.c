/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The iOS driver: WeChat for iPhone as one entry of the platform table.
 *
 *   accounts   every Documents/<md5(wxid)>/ folder of WeChat's app domain found through the
 *              items' logical paths (intake): files restored from an iTunes/Finder backup
 *              ("<backup file>!/AppDomain-com.tencent.xin/Documents/..."), or the app container
 *              of a full-file-system extraction.  The backup files themselves (named by their
 *              40-hex fileID) are never read: their restored copies are.
 *   dbs        DB/WCDB_Contact.sqlite (contacts first: their usernames name the Chat_<md5>
 *              tables), session/session.db, DB/MM.sqlite, DB/message_N.sqlite (by N); each
 *              with its "-wal" when the evidence has one (newest messages live there), read
 *              and carved by case/ like any database
 *   key        none: iOS WeChat databases are not encrypted (Data Protection and the backup
 *              password protect them); all are plaintext SQLite
 *   open       the owner (Documents/LoginInfo2.dat, Documents/<h>/mmsetting.archive; proven by
 *              md5(wxid) = <h>), the md5 -> username map of every known name, a wc_ios reader
 *   finish     limitations: dictionary-compressed rows, tables no known username maps to
 */
#include "config.h"
#include "wechat/wc_driver.h"
#include "wechat/wc_ios.h"
#include "wechat/wc_mmkv.h"
#include "base/wxf_file.h"
#include "base/wxf_hash.h"
#include "base/wxf_mem.h"
#include "base/wxf_sniff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define APP_DOMAIN "AppDomain-com.tencent.xin"
#define DOCS APP_DOMAIN "/Documents/"

struct lp {
	const char *logical;       /* item->logical (borrowed from the inventory) */
	const wxf_item *it;
};

struct name {
	char md5[33];
	const char *user;          /* borrowed from the model */
};

typedef struct ios_acct {
	char h[33];
	struct lp *files;          /* the account's items by logical path, sorted */
	size_t n_files;
	char *outdir;              /* the bundle on disk (from a->work_abs) */
	wxf_model *m;              /* the account's model (set by open) */
	int owner_done;
	struct name *names;
	size_t n_names, cap_names;
	wxf_ios_stats tot;
} ios_acct;

typedef struct ios_rd {
	wxf_ios_ctx *ctx;
	int image_is_evidence;     /* the database is read in place (not a restored copy) */
} ios_rd;

static int
lp_cmp(const void *a, const void *b)
{
	return strcmp(((const struct lp *)a)->logical, ((const struct lp *)b)->logical);
}

static const wxf_item *
find(const ios_acct *p, const char *logical)
{
	struct lp key = { logical, NULL }, *hit;

	hit = bsearch(&key, p->files, p->n_files, sizeof(*p->files), lp_cmp);
	return hit != NULL ? hit->it : NULL;
}

static int
is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* An item this driver may read: it has a logical path in WeChat's app domain, and it is not a
 * backup file (its restored copy is read instead). */
static int
readable(const wxf_item *it)
{
	const char *b = wxf_path_base(it->path);

	if (it->member != NULL || !wxf_item_is_content(it) || it->logical == NULL ||
	    strncmp(it->logical, DOCS, strlen(DOCS)) != 0)
		return 0;
	return !(strlen(b) == 40 && is_hex(b, 40));
}

/* The account hash of a logical path "…/Documents/<h>/…", or 0. */
static int
acct_of(const char *logical, char h[33])
{
	const char *s = logical + strlen(DOCS);

	if (strlen(s) < 33 || !is_hex(s, 32) || s[32] != '/')
		return 0;
	memcpy(h, s, 32);
	h[32] = '\0';
	return 1;
}

/* Where an item's evidence path stops being its logical path: the container part.  A restored
 * file ("<backup>/<xx>/<id>!/<logical>") belongs to its backup, which is its inventory. */
static char *
container_of(const wxf_item *it)
{
	size_t lp = strlen(it->path), ll = strlen(it->logical) - strlen(APP_DOMAIN);

	if (strstr(it->path, "!/") != NULL)
		return wxf_xstrdup("");
	return lp > ll ? wxf_xstrndup(it->path, lp - ll) : wxf_xstrdup("");
}

/* Orders a database: contacts, sessions, MM, message_1, message_2 ... */
static int
db_rank(const char *rel, long *n)
{
	const char *b = wxf_path_base(rel);

	*n = 0;
	if (strcmp(rel, "DB/WCDB_Contact.sqlite") == 0)
		return 1;
	if (strcmp(rel, "session/session.db") == 0)
		return 2;
	if (strcmp(rel, "DB/MM.sqlite") == 0)
		return 3;
	if (strncmp(rel, "DB/message_", 11) == 0 && strchr(rel + 3, '/') == NULL) {
		char *e;

		*n = strtol(b + 8, &e, 10);
		if (e != b + 8 && strcmp(e, ".sqlite") == 0 && *n >= 0 && *n < 100000)
			return 4;
	}
	return 0;
}


static void
ios_free(wxf_wc_acct *a)
{
	ios_acct *p = a->priv;

	if (p == NULL)
		return;
	free(p->files);
	free(p->names);
	free(p->outdir);
	free(p);
	a->priv = NULL;
}

/* The account folder as evidence, from one of its files (ls: the length of the logical
 * "<domain>/Documents/<h>").  A file restored from an iTunes backup
 * ("<backup>/[<xx>/]<fileID>!/<logical>") belongs to the backup folder: "<backup>!/<logical
 * folder>".  Any other path (a folder tree, an archive member "<archive>!/<member>") ends with
 * the logical path's part below the domain and is cut after Documents/<h>. */
static char *
account_dir(const wxf_item *seed, size_t ls)
{
	const char *bang = strstr(seed->path, "!/");
	const char *below = seed->logical + strlen(APP_DOMAIN);
	size_t lp = strlen(seed->path), lb = strlen(below), keep = ls - strlen(APP_DOMAIN);
	char *dir;

	if (bang != NULL && strcmp(bang + 2, seed->logical) == 0) {
		char *blob = wxf_xstrndup(seed->path, (size_t)(bang - seed->path));
		char *up = wxf_path_dir(blob);
		const char *id = wxf_path_base(blob), *xx = wxf_path_base(up);

		/* Manifest.db backups keep the blob in a folder named by the fileID's first two
		 * digits; Manifest.mbdb backups keep it beside the index */
		if (strlen(xx) == 2 && strncmp(xx, id, 2) == 0) {
			char *up2 = wxf_path_dir(up);

			free(up);
			up = up2;
		}
		dir = wxf_xasprintf("%s!/%.*s", up, (int)ls, seed->logical);
		free(blob);
		free(up);
		return dir;
	}
	if (lp >= lb && strcmp(seed->path + lp - lb, below) == 0)
		return wxf_xasprintf("%.*s%.*s", (int)(lp - lb), seed->path, (int)keep, below);
	return wxf_xstrndup(seed->logical, ls);
}

/* One account: (h, container) of inv. */
static int
make_account(const wxf_wc_driver *drv, const wxf_inventory *inv, const char *h,
    const char *cont, const wxf_item *seed, wxf_wc_acct **out, wxf_err *err)
{
	ios_acct *p = calloc(1, sizeof(*p));
	wxf_wc_dbent *dbs = NULL;
	size_t i, n_dbs = 0, ls = strlen(DOCS) + 32;
	char *prefix = wxf_xasprintf("%s%s/", DOCS, h), *dir, *dir_abs, *leaf;
	wxf_wc_acct *a;

	*out = NULL;
	if (p == NULL) {
		free(prefix);
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	}
	memcpy(p->h, h, 33);
	for (i = 0; i < inv->n_items; i++) {
		const wxf_item *it = &inv->items[i];
		char *c;
		int same;

		if (!readable(it))
			continue;
		c = container_of(it);
		same = strcmp(c, cont) == 0 && it->root == seed->root;
		free(c);
		if (!same)
			continue;
		p->files = wxf_xrealloc(p->files, (p->n_files + 1) * sizeof(*p->files));
		p->files[p->n_files].logical = it->logical;
		p->files[p->n_files++].it = it;
		if (strncmp(it->logical, prefix, strlen(prefix)) == 0) {
			long k;
			int r = db_rank(it->logical + strlen(prefix), &k);

			if (r > 0 && (it->kind == WXF_KIND_SQLITE || it->kind == WXF_KIND_OTHER)) {
				dbs = wxf_xrealloc(dbs, (n_dbs + 1) * sizeof(*dbs));
				dbs[n_dbs].it = it;
				dbs[n_dbs].rank = r;
				dbs[n_dbs++].n = k;
			}
		}
	}
	qsort(p->files, p->n_files, sizeof(*p->files), lp_cmp);
	qsort(dbs, n_dbs, sizeof(*dbs), wxf_wc_dbent_cmp);
	dir = account_dir(seed, ls);
	{
		size_t la = strlen(seed->abs), tail = strlen(seed->logical) - ls;

		dir_abs = la > tail ? wxf_xstrndup(seed->abs, la - tail) : wxf_xstrdup(seed->abs);
	}
	leaf = wxf_xasprintf("work/ios-%.12s", h);
	a = wxf_wc_acct_new(drv, inv, seed->root, h, dir, dir_abs, leaf);
	free(dir);
	free(dir_abs);
	free(leaf);
	free(prefix);
	if (a == NULL) {
		free(p->files);
		free(p);
		free(dbs);
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	}
	a->priv = p;
	for (i = 0; i < n_dbs; i++) {
		const wxf_item *it = dbs[i].it, *wal;
		char *wl = wxf_xasprintf("%s-wal", it->logical);
		int k = wxf_wc_acct_add_db(a, it, dbs[i].rank == 1 ? "contact-db" : dbs[i].rank == 2 ?
		    "session-db" : "message-db", NULL, dbs[i].rank != 2, dbs[i].rank >= 3);

		wal = find(p, wl);
		free(wl);
		if (k < 0) {
			free(dbs);
			wxf_wc_acct_free(&a);
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
		}
		/* a plaintext database's -wal: case/ attaches and carves what the driver names */
		if (wal != NULL && wal->size > 0) {
			a->dbs[k].wal_item = wal;
			a->dbs[k].wal_abs = wxf_xstrdup(wal->abs);
		}
	}
	free(dbs);
	*out = a;
	return WXF_OK;
}

static int
ios_accounts(const wxf_wc_driver *drv, const wxf_inventory *inv, wxf_wc_acct ***v, size_t *n,
    wxf_err *err)
{
	char (*seen)[33] = NULL;
	char **conts = NULL;
	int *roots = NULL;
	size_t n_seen = 0, i, j;
	int rc = WXF_OK;

	for (i = 0; i < inv->n_items && rc == WXF_OK; i++) {
		const wxf_item *it = &inv->items[i];
		char h[33], *c;
		long k;
		wxf_wc_acct *a, **nv;

		if (!readable(it) || !acct_of(it->logical, h) ||
		    db_rank(it->logical + strlen(DOCS) + 33, &k) < 3)
			continue;
		c = container_of(it);
		for (j = 0; j < n_seen; j++)
			if (strcmp(seen[j], h) == 0 && strcmp(conts[j], c) == 0 && roots[j] == it->root)
				break;
		if (j < n_seen) {
			free(c);
			continue;
		}
		seen = wxf_xrealloc(seen, (n_seen + 1) * sizeof(*seen));
		conts = wxf_xrealloc(conts, (n_seen + 1) * sizeof(*conts));
		roots = wxf_xrealloc(roots, (n_seen + 1) * sizeof(*roots));
		memcpy(seen[n_seen], h, 33);
		conts[n_seen] = c;
		roots[n_seen++] = it->root;
		if ((rc = make_account(drv, inv, h, c, it, &a, err)) != WXF_OK)
			break;
		if ((nv = realloc(*v, (*n + 1) * sizeof(**v))) == NULL) {
			wxf_wc_acct_free(&a);
			rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
			break;
		}
		*v = nv;
		(*v)[(*n)++] = a;
	}
	for (j = 0; j < n_seen; j++)
		free(conts[j]);
	free(conts);
	free(seen);
	free(roots);
	return rc;
}

/* ------------------------------------------------------------------------------ owner */

static char *bundle_rel(const ios_acct *p, const char *abs);

/* A whole account file (LoginInfo2.dat, mmsetting.archive) as provenance: the evidence path,
 * and the restored copy the bytes are read from when there is one. */
static wxf_prov
file_prov(wxf_wc_acct *a, const wxf_item *it)
{
	char *img = bundle_rel(a->priv, it->abs);
	wxf_prov p;

	memset(&p, 0, sizeof(p));
	p.file = it->path;
	if (img != NULL && a->m != NULL)
		p.image = wxf_model_strdup(a->m, img);
	free(img);
	p.rowid = INT64_MIN;
	p.origin = WXF_ORIGIN_LIVE;
	p.status = WXF_STATUS_INTACT;
	p.confidence = 100;
	p.length = it->size > UINT32_MAX ? UINT32_MAX : (uint32_t)it->size;
	return p;
}

/* 1 when the attribute list already holds v. */
static int
has_value(const wxf_attrs *l, const char *v)
{
	size_t i;

	for (i = 0; v != NULL && i < l->n; i++)
		if (strcmp(l->v[i].value, v) == 0)
			return 1;
	return 0;
}

/* The provenance of one value: the file's, narrowed to the value's bytes when the reader
 * located them (an MMKV file). */
static wxf_prov
at(const wxf_prov *whole, const wxf_ios_loc *loc)
{
	wxf_prov one = *whole;

	if (loc->len > 0) {
		one.offset = loc->off;
		one.length = loc->len;
	}
	return one;
}

static int
owner_from(wxf_wc_acct *a, const wxf_item *it, const wxf_ios_owner *o, const char *src)
{
	ios_acct *p = a->priv;
	wxf_model *m = a->m;
	wxf_prov pv = file_prov(a, it), pw, pa, pn, pp;
	char h[33], s[96];
	wxf_identity *id;

	if (o->wxid == NULL)
		return WXF_OK;
	wxf_md5_hex(o->wxid, strlen(o->wxid), h);
	if (strcmp(h, p->h) != 0) {
		wxf_model_anomaly(m, WXF_SEV_WARN, "owner-mismatch", NULL, NULL, &pv, "%s names %s, "
		    "whose md5 is not the account folder %s: not taken as the owner", src, o->wxid, p->h);
		return WXF_OK;
	}
	pv.file = wxf_model_strdup(m, it->path);
	pw = at(&pv, &o->at_wxid);
	pa = at(&pv, &o->at_alias);
	pn = at(&pv, &o->at_nickname);
	pp = at(&pv, &o->at_phone);
	if ((id = wxf_model_set_owner(m, o->wxid, &pw)) == NULL)
		return WXF_ENOMEM;
	/* a value an earlier file gave is not repeated: mmsetting.archive is a binary plist whose
	 * non-ASCII strings are UTF-16, so its bytes cannot be cited as holding UTF-8 text */
	snprintf(s, sizeof(s), "%s (alias)", src);
	if (!has_value(&id->aliases, o->alias) && wxf_attrs_add(m, &id->aliases, o->alias,
	    wxf_model_strdup(m, s), WXF_TIME_UNKNOWN, &pa) != WXF_OK)
		return WXF_ENOMEM;
	snprintf(s, sizeof(s), "%s (nickname)", src);
	if (!has_value(&id->nicknames, o->nickname) && wxf_attrs_add(m, &id->nicknames, o->nickname,
	    wxf_model_strdup(m, s), WXF_TIME_UNKNOWN, &pn) != WXF_OK)
		return WXF_ENOMEM;
	snprintf(s, sizeof(s), "%s (phone)", src);
	if (has_value(&id->phones, o->phone))
		return WXF_OK;
	return wxf_attrs_add(m, &id->phones, o->phone, wxf_model_strdup(m, s), WXF_TIME_UNKNOWN,
	    &pp);
}

/* Newer clients keep the settings in MMKV: Documents/MMappedKV/mmsetting.archive.<wxid>, the
 * account's when md5(<wxid>) is the account folder.  Each value is cited at its own bytes; a
 * .crc beside it that does not match is an anomaly, so is a damaged record (the values before
 * it are kept). */
/* A small file of the account read whole: WXF_OK; WXF_ENOMEM (the run stops: a file left out
 * for want of memory is not a file the account lacks); another error when it cannot be read
 * (the caller goes on without it). */
static int
read_small(const char *path, size_t max, uint8_t **data, size_t *n)
{
	wxf_err e;
	int rc;

	*data = NULL;
	*n = 0;
	wxf_err_clear(&e);
	rc = wxf_file_read_small(path, max, data, n, &e);
	return rc != WXF_OK && e.code == WXF_ENOMEM ? WXF_ENOMEM : rc;
}

static int
read_owner_mmkv(wxf_wc_acct *a)
{
	static const char pre[] = DOCS "MMappedKV/mmsetting.archive.";
	ios_acct *p = a->priv;
	size_t i, lp = strlen(pre);
	int rc = WXF_OK;

	for (i = 0; i < p->n_files && rc == WXF_OK; i++) {
		const wxf_item *it = p->files[i].it, *ci;
		const char *wx = p->files[i].logical + lp;
		char h[33], *crc_l, *note = NULL, src[160];
		uint8_t *data = NULL, *crc = NULL;
		size_t n = 0, crc_n = 0;
		wxf_ios_owner o;
		wxf_prov pv;
		wxf_err e;

		if (strncmp(p->files[i].logical, pre, lp) != 0 || strchr(wx, '/') != NULL ||
		    *wx == '\0' || (strlen(wx) > 4 && strcmp(wx + strlen(wx) - 4, ".crc") == 0))
			continue;
		wxf_md5_hex(wx, strlen(wx), h);
		if (strcmp(h, p->h) != 0)
			continue;
		if ((rc = read_small(it->abs, 4u << 20, &data, &n)) != WXF_OK) {
			if (rc == WXF_ENOMEM)
				return rc;
			rc = WXF_OK;
			continue;
		}
		pv = file_prov(a, it);
		wxf_err_clear(&e);
		if (wxf_ios_mmkv_setting(data, n, &o, &note, &e) != WXF_OK) {
			if (e.code == WXF_ENOMEM) {
				free(data);
				return WXF_ENOMEM;
			}
			wxf_model_anomaly(a->m, WXF_SEV_WARN, "mmkv-unreadable", NULL, NULL, &pv,
			    "MMappedKV/mmsetting.archive.%s: %s", wx, e.msg);
			free(data);
			continue;
		}
		if (note != NULL)
			wxf_model_anomaly(a->m, WXF_SEV_WARN, "mmkv-damaged", NULL, NULL, &pv,
			    "MMappedKV/mmsetting.archive.%s: %s", wx, note);
		crc_l = wxf_xasprintf("%s.crc", p->files[i].logical);
		ci = find(p, crc_l);
		free(crc_l);
		if (ci != NULL && read_small(ci->abs, 1u << 20, &crc, &crc_n) == WXF_ENOMEM) {
			wxf_ios_owner_free(&o);
			free(note);
			free(data);
			return WXF_ENOMEM;
		}
		if (crc != NULL) {
			wxf_mmkv_info info;

			memset(&info, 0, sizeof(info));
			info.actual_size = n >= 4 ? (uint32_t)data[0] | (uint32_t)data[1] << 8 |
			    (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24 : 0;
			wxf_mmkv_crc_check(data, n, crc, crc_n, &info);
			if (info.crc == 0)
				wxf_model_anomaly(a->m, WXF_SEV_WARN, "mmkv-crc-mismatch", NULL, NULL, &pv,
				    "MMappedKV/mmsetting.archive.%s: its .crc file says CRC-32 %08x, the "
				    "data gives %08x (written after the .crc, or altered)", wx,
				    info.crc_want, info.crc_got);
			free(crc);
		}
		snprintf(src, sizeof(src), "MMappedKV/mmsetting.archive (MMKV)");
		rc = owner_from(a, it, &o, src);
		wxf_ios_owner_free(&o);
		free(note);
		free(data);
	}
	return rc;
}

static int
read_owner(wxf_wc_acct *a)
{
	ios_acct *p = a->priv;
	char *l = wxf_xasprintf("%sLoginInfo2.dat", DOCS), *ms = wxf_xasprintf("%s%s/mmsetting.archive",
	    DOCS, p->h);
	const wxf_item *li = find(p, l), *mi = find(p, ms);
	wxf_ios_owner o;
	uint8_t *data;
	size_t n;
	int rc = WXF_OK;

	free(l);
	free(ms);
	p->owner_done = 1;
	if (li != NULL && (rc = read_small(li->abs, 1u << 20, &data, &n)) == WXF_OK) {
		int r = wxf_ios_logininfo(data, n, p->h, &o);

		free(data);
		if (r == WXF_ENOMEM)
			return WXF_ENOMEM;
		if (r == 1) {
			rc = owner_from(a, li, &o, "LoginInfo2.dat");
			wxf_ios_owner_free(&o);
		} else if (r < 0) {
			wxf_prov pv = file_prov(a, li);

			wxf_model_anomaly(a->m, WXF_SEV_WARN, "protobuf-malformed", NULL, NULL, &pv,
			    "LoginInfo2.dat is not a well-formed protobuf");
		}
	}
	if (rc == WXF_ENOMEM)
		return rc;
	rc = WXF_OK;
	if (mi != NULL && (rc = read_small(mi->abs, 4u << 20, &data, &n)) == WXF_OK) {
		wxf_err e;

		wxf_err_clear(&e);
		if (wxf_ios_mmsetting(data, n, &o, &e) == WXF_OK) {
			rc = owner_from(a, mi, &o, "mmsetting.archive");
			wxf_ios_owner_free(&o);
		} else if (e.code == WXF_ENOMEM) {
			rc = WXF_ENOMEM;
		} else {
			wxf_prov pv = file_prov(a, mi);

			wxf_model_anomaly(a->m, WXF_SEV_WARN, "archive-unreadable", NULL, NULL, &pv,
			    "mmsetting.archive: %s", e.msg);
		}
		free(data);
	}
	if (rc == WXF_ENOMEM)
		return rc;
	rc = WXF_OK;
	if (rc == WXF_OK)
		rc = read_owner_mmkv(a);
	if (rc == WXF_OK && a->m->owner == NULL)
		wxf_wc_limit(a->env, "%s: the owner's wxid was not found (LoginInfo2.dat / "
		    "mmsetting.archive / MMappedKV/mmsetting.archive.<wxid>); the account is md5(wxid) "
		    "= %s", a->dir, p->h);
	return rc;
}

/* ------------------------------------------------------------------------------ names */

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct name *)a)->md5, ((const struct name *)b)->md5);
}

static void
name_add(ios_acct *p, const char *u)
{
	if (u == NULL || *u == '\0')
		return;
	if (p->n_names == p->cap_names) {
		p->cap_names = p->cap_names ? p->cap_names * 2 : 64;
		p->names = wxf_xrealloc(p->names, p->cap_names * sizeof(*p->names));
	}
	wxf_md5_hex(u, strlen(u), p->names[p->n_names].md5);
	p->names[p->n_names++].user = u;
}

/* md5 of every username the account knows so far: contacts, groups and their members,
 * sessions, the owner. */
static void
names_build(wxf_wc_acct *a)
{
	ios_acct *p = a->priv;
	wxf_model *m = a->m;
	size_t i, j;

	p->n_names = 0;
	for (i = 0; i < m->n_identities; i++)
		name_add(p, m->identities[i]->username);
	for (i = 0; i < m->n_groups; i++) {
		name_add(p, m->groups[i]->username);
		for (j = 0; j < m->groups[i]->n_members; j++)
			name_add(p, m->groups[i]->members[j].username);
	}
	for (i = 0; i < m->n_convs; i++)
		name_add(p, m->convs[i]->talker);
	if (p->n_names > 1)
		qsort(p->names, p->n_names, sizeof(*p->names), name_cmp);
}

static const char *
talker_of(void *arg, const char *md5hex)
{
	ios_acct *p = arg;
	struct name key, *hit;

	memcpy(key.md5, md5hex, 33);
	hit = bsearch(&key, p->names, p->n_names, sizeof(*p->names), name_cmp);
	return hit != NULL ? hit->user : NULL;
}

/* ------------------------------------------------------------------------------ media */

/* The file's type from its first bytes (base/wxf_sniff.h, the project's one signature table). */
static const char *
sniff(const char *abs)
{
	unsigned char b[64];
	ssize_t n = wxf_file_head(abs, b, sizeof(b));

	return n < 0 ? NULL : wxf_sniff(b, (size_t)n);
}

static int
media_cb(void *arg, const char *rel, wxf_media *md)
{
	ios_acct *p = arg;
	char *l = wxf_xasprintf("%s%s/%s", DOCS, p->h, rel);
	const wxf_item *it = find(p, l);

	free(l);
	if (it == NULL)
		return 0;
	md->path = wxf_model_strdup(p->m, it->path);
	memcpy(md->sha256, it->before.sha256, sizeof(md->sha256));
	md->size = (int64_t)it->size;
	md->magic = sniff(it->abs);
	return 1;
}

/* ------------------------------------------------------------------------------ reading */

/* The bundle-relative name of a file below the bundle, or NULL. */
static char *
bundle_rel(const ios_acct *p, const char *abs)
{
	size_t lo = p->outdir != NULL ? strlen(p->outdir) : 0;

	if (lo == 0 || strncmp(abs, p->outdir, lo) != 0 || abs[lo] != '/')
		return NULL;
	return wxf_xstrdup(abs + lo + 1);
}

static int
ios_open(wxf_wc_acct *a, size_t d, wxf_sqlite_db *sdb, void **rdp, wxf_err *err)
{
	ios_acct *p = a->priv;
	wxf_wc_db *db = &a->dbs[d];
	ios_rd *rd;
	wxf_ios_opts o;
	int rc;

	*rdp = NULL;
	if (p->outdir == NULL && a->work_abs != NULL && a->work != NULL) {
		size_t la = strlen(a->work_abs), lw = strlen(a->work);

		if (la > lw && strcmp(a->work_abs + la - lw, a->work) == 0)
			p->outdir = wxf_xstrndup(a->work_abs, la - lw - 1);
	}
	p->m = a->m;
	if (!p->owner_done && (rc = read_owner(a)) != WXF_OK)
		return wxf_err_set(err, rc, "ios: out of memory");
	/* a restored copy is the image the offsets refer to; a file read in place has none */
	if (db->image == NULL)
		db->image = bundle_rel(p, db->item->abs);
	if (db->wal_item != NULL && db->wal_image == NULL) {
		db->wal_image = bundle_rel(p, db->wal_item->abs);
		if (db->wal_image == NULL)
			db->wal_image = wxf_xstrdup(db->wal_item->path);
	}
	if ((rd = calloc(1, sizeof(*rd))) == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	rd->image_is_evidence = db->image == NULL;
	names_build(a);
	memset(&o, 0, sizeof(o));
	o.evidence_path = db->item->path;
	o.image_path = db->image;
	if (db->wal_item != NULL) {
		o.wal_path = db->wal_item->path;
		o.wal_image_path = rd->image_is_evidence ? NULL : db->wal_image;
	}
	o.talker_of = talker_of;
	o.media = media_cb;
	o.arg = p;
	if ((rc = wxf_ios_ctx_new(&rd->ctx, a->m, sdb, &o, err)) != WXF_OK) {
		free(rd);
		return rc;
	}
	*rdp = rd;
	return WXF_OK;
}

static int
ios_read(void *arg, wxf_err *err)
{
	return wxf_ios_read(((ios_rd *)arg)->ctx, err);
}

static int
ios_add_row(void *arg, const wxf_sqlrow *row, const wxf_prov *prov, wxf_err *err)
{
	ios_rd *rd = arg;
	wxf_prov p;

	if (prov == NULL)
		return wxf_ios_add_row(rd->ctx, row, NULL, err);
	p = *prov;
	/* read in place: the offsets are the evidence file's own, there is no image */
	if (rd->image_is_evidence && p.image != NULL && p.file != NULL && strcmp(p.image, p.file) == 0)
		p.image = NULL;
	return wxf_ios_add_row(rd->ctx, row, &p, err);
}

static int
ios_close(wxf_wc_acct *a, size_t d, void **rdp, int ok, wxf_err *err)
{
	ios_acct *p = a->priv;
	ios_rd *rd = *rdp;
	const wxf_ios_stats *st;

	(void)d;
	(void)ok;
	(void)err;
	*rdp = NULL;
	if (rd == NULL)
		return WXF_OK;
	st = wxf_ios_stats_of(rd->ctx);
	p->tot.n_msgs += st->n_msgs;
	p->tot.n_zstd += st->n_zstd;
	p->tot.n_dict += st->n_dict;
	p->tot.n_zstd_bad += st->n_zstd_bad;
	p->tot.n_unmapped_tables += st->n_unmapped_tables;
	if (st->dict_id != 0)
		p->tot.dict_id = st->dict_id;
	wxf_ios_ctx_free(&rd->ctx);
	free(rd);
	return WXF_OK;
}

static int
ios_finish(wxf_wc_acct *a, wxf_err *err)
{
	ios_acct *p = a->priv;
	char buf[96];

	(void)err;
	if (p->tot.n_dict > 0)
		wxf_wc_limit(a->env, "%s: %zu message(s) are zstd-compressed with dictionary %u, which "
		    "is not available: their text is kept raw (hex) and shown as \"compressed, "
		    "dictionary not available\", never decoded.", a->dir, p->tot.n_dict, p->tot.dict_id);
	if (p->tot.n_zstd_bad > 0)
		wxf_wc_limit(a->env, "%s: %zu zstd-compressed message(s) could not be decoded.",
		    a->dir, p->tot.n_zstd_bad);
	if (p->tot.n_unmapped_tables > 0)
		wxf_wc_limit(a->env, "%s: %zu chat table(s) could not be mapped to a username (md5 of "
		    "no known contact, group or session): kept as \"unknown-conversation-<md5>\".",
		    a->dir, p->tot.n_unmapped_tables);
	snprintf(buf, sizeof(buf), "%zu", p->tot.n_zstd);
	if (a->env->audit != NULL)
		wxf_audit_kv(a->env->audit, "ios-message-text", "zstd_decoded", buf);
	return WXF_OK;
}

const wxf_wc_driver wxf_wc_ios_driver = {
	.name = "ios",
	.platform = WXF_PLAT_IOS,
	.accounts = ios_accounts,
	.open = ios_open,
	.read = ios_read,
	.add_row = ios_add_row,
	.close = ios_close,
	.finish = ios_finish,
	.free = ios_free,
};
