/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Android driver: WeChat for Android as one entry of the platform table.
 *
 *   accounts   every MicroMsg/<md5("mm"+uin)>/EnMicroMsg.db of an inventory is one account
 *   dbs        EnMicroMsg.db (role message-db, carved); once it has been read, the account's
 *              full-text index FTS5IndexMicroMsg_encrypt.db (or the older plaintext
 *              FTS5IndexMicroMsg.db) as a second database (role fts-index), a witness for
 *              deleted and recalled text matched only to this account's messages
 *   key        message db: --key verified, else md5(device id + uin)[:7] over the inputs the
 *              extraction offers (wc_android_keys.c), recorded as "key.derive"; index:
 *              md5(uin + device id + wxid)[:7], wxid = this account's owner (userinfo id 2)
 *   read       wc_android.c (ctx_new / read / add_row) and wc_android_fts.c (new / read /
 *              add_row / apply)
 */
#include "config.h"
#include "wechat/wc_driver.h"
#include "wechat/wc_android.h"
#include "wechat/wc_android_fts.h"
#include "wechat/wc_android_keys.h"
#include "base/wxf_buf.h"
#include "base/wxf_file.h"
#include "base/wxf_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FTS_ENC "FTS5IndexMicroMsg_encrypt.db"
#define FTS_PLAIN "FTS5IndexMicroMsg.db"

typedef struct android_acct {
	int have_in;                 /* inputs collected */
	wxf_android_inputs in;
	char *app_root;
	int have_win;                /* the message database's key was derived from win_* */
	wxf_android_cand win_uin, win_id;
} android_acct;

typedef struct android_rd {
	wxf_android_ctx *ctx;        /* message database */
	wxf_android_fts *fts;        /* full-text index */
	wxf_sqlite_db *db;
} android_rd;

/* ------------------------------------------------------------------------------ accounts */

static int
android_accounts(const wxf_wc_driver *drv, const wxf_inventory *inv, wxf_wc_acct ***v,
    size_t *n, wxf_err *err)
{
	size_t i;

	for (i = 0; i < inv->n_items; i++) {
		const wxf_item *it = &inv->items[i];
		wxf_wc_acct *a, **nv;
		char *dir, *dir_abs, *leaf;
		android_acct *p;

		if (it->member != NULL || !wxf_item_is_content(it) || it->platform != WXF_PLAT_ANDROID ||
		    strcmp(wxf_path_base(it->path), WXF_ANDROID_MSGDB) != 0)
			continue;
		dir = wxf_path_dir(it->path);
		dir_abs = wxf_path_dir(it->abs);
		leaf = wxf_xasprintf("work/%s", wxf_path_base(dir));
		a = wxf_wc_acct_new(drv, inv, it->root, wxf_path_base(dir), dir, dir_abs, leaf);
		free(dir);
		free(dir_abs);
		free(leaf);
		p = calloc(1, sizeof(*p));
		nv = realloc(*v, (*n + 1) * sizeof(**v));
		if (a == NULL || p == NULL || nv == NULL ||
		    wxf_wc_acct_add_db(a, it, "message-db", "android", 1, 1) < 0) {
			free(p);
			wxf_wc_acct_free(&a);
			if (nv != NULL)
				*v = nv;
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
		}
		a->priv = p;
		*v = nv;
		(*v)[(*n)++] = a;
	}
	return WXF_OK;
}

static void
android_free(wxf_wc_acct *a)
{
	android_acct *p = a->priv;

	if (p == NULL)
		return;
	wxf_android_inputs_free(&p->in);
	free(p->app_root);
	memset(p, 0, sizeof(*p));
	free(p);
	a->priv = NULL;
}

/* ------------------------------------------------------------------------------ keys */

static void
json_cands(wxf_buf *b, const char *name, const wxf_android_cand *c, size_t n)
{
	size_t i;

	wxf_buf_json_key(b, name);
	wxf_buf_putc(b, '[');
	for (i = 0; i < n; i++) {
		wxf_buf_json_sep(b);
		wxf_buf_putc(b, '{');
		wxf_buf_json_kstr(b, "value", c[i].value);
		wxf_buf_json_kstr(b, "source", c[i].source);
		wxf_buf_json_kbool(b, "matches_account_folder", c[i].matches_acct);
		wxf_buf_putc(b, '}');
	}
	wxf_buf_putc(b, ']');
}

/* The app data root in the form the evidence was given in (it lies above the account folder:
 * the same path components come off both), or NULL when it does not. */
static char *
app_root_evidence(const wxf_wc_acct *a, const char *app_root)
{
	size_t la, ld, le;
	const char *suffix;

	if (app_root == NULL)
		return NULL;
	la = strlen(app_root);
	ld = strlen(a->dir_abs);
	if (la > ld || strncmp(a->dir_abs, app_root, la) != 0 || (la < ld && a->dir_abs[la] != '/'))
		return NULL;
	suffix = a->dir_abs + la;   /* "/MicroMsg/<account>" */
	le = strlen(a->dir);
	if (strlen(suffix) > le || strcmp(a->dir + le - strlen(suffix), suffix) != 0)
		return NULL;
	return le == strlen(suffix) ? wxf_xstrdup(".") :
	    wxf_xstrndup(a->dir, le - strlen(suffix));
}

/* The inputs of this account's keys, collected once from the extraction and the hints. */
static int
inputs(wxf_wc_acct *a, wxf_err *err)
{
	android_acct *p = a->priv;
	wxf_android_hints h;
	int rc;

	if (p->have_in)
		return WXF_OK;
	memset(&h, 0, sizeof(h));
	h.imeis = a->env->imeis;
	h.uins = a->env->uins;
	p->app_root = wxf_android_app_root(a->inv->roots[a->root].abs, a->dir_abs);
	rc = wxf_android_inputs_collect(p->app_root, a->dir_abs, &h, &p->in, err);
	if (rc == WXF_OK) {
		/* a damaged key-input file is a limitation of the report, not only an audit note */
		char *ar = app_root_evidence(a, p->app_root);
		const char *l = p->in.damaged;

		while (l != NULL && *l != '\0') {
			const char *e = strchr(l, '\n');
			int len = e != NULL ? (int)(e - l) : (int)strlen(l);

			wxf_wc_limit(a->env, "%s/%.*s", ar != NULL ? ar : "(app data root)", len, l);
			l = e != NULL ? e + 1 : NULL;
		}
		free(ar);
		p->have_in = 1;
	}
	return rc;
}

static int
key_message(wxf_wc_acct *a, const wxf_wc_db *d, wxf_key *k, uint64_t *n_tried, wxf_err *err)
{
	android_acct *p = a->priv;
	wxf_buf b;
	wxf_err given;
	int rc, given_failed = 0;

	/* a given key opens the database, or (a case of several exhibits has one --key, maybe
	 * another platform's) the key is derived as without it and the record says both */
	if (a->env->key != NULL) {
		wxf_err_clear(&given);
		if ((rc = wxf_key_from_text(k, a->env->key, WXF_KEY_PASSPHRASE, &given)) == WXF_OK)
			rc = wxf_decrypt_verify_key(d->item->abs, k, "android", NULL, &given);
		if (rc == WXF_OK) {
			k->source = WXF_KEYSRC_GIVEN;
			*n_tried = 1;
			snprintf(k->how, sizeof(k->how), "given by the examiner (--key); opens page 1 "
			    "(profile android)");
			return WXF_OK;
		}
		if (rc == WXF_ENOMEM) {
			*err = given;
			return rc;
		}
		wxf_key_clear(k);
		given_failed = 1;
	}
	if ((rc = inputs(a, err)) != WXF_OK)
		return rc;
	rc = wxf_android_key_derive(d->item->abs, &p->in, k, n_tried, err);
	if (given_failed && rc != WXF_OK && rc != WXF_ENOMEM) {
		*err = given;    /* the examiner's key is what failed first */
		rc = WXF_EKEY;
	}
	if (given_failed && rc == WXF_OK) {
		size_t l = strlen(k->how);

		snprintf(k->how + l, sizeof(k->how) - l, "; the key given with --key does not open "
		    "this database");
		wxf_buf_init(&b);
		wxf_buf_json_kstr(&b, "database", d->item->path);
		wxf_buf_json_kstr(&b, "result", "the given key does not open it; derived instead");
		if (a->env->audit != NULL)
			wxf_audit_add(a->env->audit, "key.given", b.p, NULL);
		wxf_buf_free(&b);
	}
	if (rc == WXF_OK) {
		k->method = "android-derived";
		/* the index key starts from the same inputs */
		p->have_win = 1;
		snprintf(p->win_uin.value, sizeof(p->win_uin.value), "%s", k->inputs[0].value);
		snprintf(p->win_uin.source, sizeof(p->win_uin.source), "%s", k->inputs[0].source);
		snprintf(p->win_id.value, sizeof(p->win_id.value), "%s", k->inputs[1].value);
		snprintf(p->win_id.source, sizeof(p->win_id.source), "%s", k->inputs[1].source);
	}
	wxf_buf_init(&b);
	wxf_buf_json_kstr(&b, "database", d->item->path);
	{
		char *ar = app_root_evidence(a, p->app_root);

		wxf_buf_json_kstr(&b, "app_root", ar != NULL ? ar : "");
		free(ar);
	}
	json_cands(&b, "uins", p->in.uins, p->in.n_uins);
	json_cands(&b, "device_ids", p->in.ids, p->in.n_ids);
	wxf_buf_json_kstr(&b, "notes", p->in.notes != NULL ? p->in.notes : "");
	wxf_buf_printf(&b, ",\"candidates_tried\":%llu,\"result\":\"%s\"",
	    (unsigned long long)*n_tried, rc == WXF_OK ? "found" : "not found");
	if (rc == WXF_OK) {
		wxf_buf_json_sep(&b);
		wxf_key_json(k, a->env->reveal_key, &b);
	}
	if (a->env->audit != NULL)
		wxf_audit_add(a->env->audit, "key.derive", b.p, NULL);
	wxf_buf_free(&b);
	return rc;
}

/* The full-text index: md5(uin + device id + wxid)[:7], the message key's inputs first. */
static int
key_fts(wxf_wc_acct *a, const wxf_wc_db *d, wxf_key *k, uint64_t *n_tried, wxf_err *err)
{
	android_acct *p = a->priv;
	const wxf_profile *prof = wxf_profile_find("android");
	const char *wxid = a->m->owner != NULL ? a->m->owner->username : NULL;
	const wxf_android_cand **uins = NULL, **ids = NULL;
	size_t nu = 0, ni = 0, i, j;
	wxf_map map;
	wxf_err e;
	int rc = WXF_EKEY;

	*n_tried = 0;
	if (wxid == NULL)
		return wxf_err_set(err, WXF_EKEY, "the owner's wxid (userinfo id 2) is unknown, so the "
		    "full-text index key cannot be derived");
	wxf_err_clear(&e);
	if (inputs(a, &e) != WXF_OK)
		wxf_err_clear(&e);
	uins = calloc(p->in.n_uins + 1, sizeof(*uins));
	ids = calloc(p->in.n_ids + 1, sizeof(*ids));
	if (uins == NULL || ids == NULL) {
		free(uins);
		free(ids);
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	}
	if (p->have_win) {
		uins[nu++] = &p->win_uin;
		ids[ni++] = &p->win_id;
	}
	for (i = 0; i < p->in.n_uins; i++)
		uins[nu++] = &p->in.uins[i];
	for (i = 0; i < p->in.n_ids; i++)
		ids[ni++] = &p->in.ids[i];
	memset(&map, 0, sizeof(map));
	if (wxf_map_open(&map, d->item->abs, &e) != WXF_OK || map.size < prof->page_size) {
		rc = wxf_err_set(err, WXF_ECORRUPT, "%s: unreadable or too short for an encrypted "
		    "database", d->item->path);
		goto out;
	}
	for (i = 0; i < nu && rc != WXF_OK; i++)
		for (j = 0; j < ni && rc != WXF_OK; j++) {
			char pass[8];

			wxf_android_fts_pass(uins[i]->value, ids[j]->value, wxid, pass);
			(*n_tried)++;
			memset(k, 0, sizeof(*k));
			memcpy(k->bytes, pass, 7);
			k->len = 7;
			int ko = wxf_key_opens(prof, map.data, map.size, k);

			if (ko < 0)
				wxf_oom(0);     /* not "wrong key" */
			if (!ko) {
				wxf_key_clear(k);
				continue;
			}
			k->source = WXF_KEYSRC_DERIVED;
			k->method = "android-derived";
			wxf_android_key_inputs(k, uins[i], ids[j]);
			snprintf(k->how, sizeof(k->how), "derived: md5(uin + device id + wxid) first 7 "
			    "hex digits (WeChat full-text index key), uin %s, device id %s, wxid %s "
			    "(userinfo id 2 of the message database); verified on page 1",
			    uins[i]->value, ids[j]->value, wxid);
			rc = WXF_OK;
		}
	if (rc != WXF_OK) {
		wxf_err_set(err, WXF_EKEY, "no md5(uin + device id + wxid) candidate opens the "
		    "full-text index (%llu tried)", (unsigned long long)*n_tried);
		wxf_audit_kv(a->env->audit, "fts-key", "result", err->msg);
	}
out:
	wxf_map_close(&map);
	free(uins);
	free(ids);
	return rc;
}

static int
android_key(wxf_wc_acct *a, size_t d, wxf_key *k, uint64_t *n_tried, wxf_err *err)
{
	if (strcmp(a->dbs[d].role, "fts-index") == 0)
		return key_fts(a, &a->dbs[d], k, n_tried, err);
	return key_message(a, &a->dbs[d], k, n_tried, err);
}

/* ------------------------------------------------------------------------------ reading */

static int
android_open(wxf_wc_acct *a, size_t d, wxf_sqlite_db *sdb, void **rdp, wxf_err *err)
{
	const wxf_wc_db *db = &a->dbs[d];
	android_rd *rd = calloc(1, sizeof(*rd));
	int rc;

	*rdp = NULL;
	if (rd == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	rd->db = sdb;
	if (strcmp(db->role, "fts-index") == 0) {
		rc = wxf_android_fts_new(&rd->fts, a->m, db->item->path, db->image, err);
	} else {
		wxf_android_opts ao;

		memset(&ao, 0, sizeof(ao));
		ao.evidence_path = db->item->path;
		ao.image_path = db->image;
		ao.wal_evidence_path = db->wal_item != NULL ? db->wal_item->path : NULL;
		ao.wal_image_path = db->wal_image;
		ao.account_dir = a->dir;
		ao.account_dir_disk = a->dir_abs;
		rc = wxf_android_ctx_new(&rd->ctx, a->m, sdb, &ao, err);
	}
	if (rc != WXF_OK) {
		free(rd);
		return rc;
	}
	*rdp = rd;
	return WXF_OK;
}

static int
android_read(void *arg, wxf_err *err)
{
	android_rd *rd = arg;

	if (rd->fts != NULL)
		return wxf_android_fts_read(rd->fts, rd->db, err);
	return wxf_android_read(rd->ctx, err);
}

static int
android_add_row(void *arg, const wxf_sqlrow *row, const wxf_prov *p, wxf_err *err)
{
	android_rd *rd = arg;

	if (rd->fts != NULL)
		return wxf_android_fts_add_row(rd->fts, row, p, err);
	return wxf_android_add_row(rd->ctx, row, p, err);
}

/* After the message database: the account's full-text index, when the extraction has one. */
static int
add_fts(wxf_wc_acct *a, size_t d, wxf_err *err)
{
	static const char *const names[] = { FTS_ENC, FTS_PLAIN };
	const wxf_item *it = NULL;
	size_t i;

	for (i = 0; i < a->n_dbs; i++)
		if (strcmp(a->dbs[i].role, "fts-index") == 0)
			return WXF_OK;
	for (i = 0; i < 2 && it == NULL; i++) {
		char *p = wxf_path_join(a->dir, names[i]);

		it = wxf_inventory_find(a->inv, p);
		free(p);
	}
	(void)d;
	if (it == NULL)
		return WXF_OK;
	if (wxf_wc_acct_add_db(a, it, "fts-index", "android", 1, 0) < 0)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	return WXF_OK;
}

static int
android_close(wxf_wc_acct *a, size_t d, void **rdp, int ok, wxf_err *err)
{
	android_rd *rd = *rdp;
	const char *path = a->dbs[d].item->path;
	int rc = WXF_OK;

	*rdp = NULL;
	if (rd == NULL)
		return WXF_OK;
	if (rd->ctx != NULL) {
		wxf_android_ctx_free(&rd->ctx);
		if (ok)
			rc = add_fts(a, d, err);
	} else if (rd->fts != NULL) {
		wxf_fts_stats st;
		wxf_buf b;

		memset(&st, 0, sizeof(st));
		if (!ok) {
			wxf_android_fts_apply(&rd->fts, &st, NULL);
			free(rd);
			return WXF_OK;
		}
		rc = wxf_android_fts_apply(&rd->fts, &st, err);
		wxf_buf_init(&b);
		wxf_buf_json_kstr(&b, "index", path);
		wxf_buf_printf(&b, ",\"entries\":%u,\"corroborated\":%u,\"recall_originals\":%u,"
		    "\"recovered\":%u,\"fragments\":%u,\"differ\":%u,\"result\":\"%s\"", st.entries,
		    st.corroborated, st.recall_filled, st.recovered, st.fragments, st.differ,
		    rc == WXF_OK ? "ok" : "failed");
		if (a->env->audit != NULL)
			wxf_audit_add(a->env->audit, "read-fts", b.p, NULL);
		wxf_buf_free(&b);
		if (rc == WXF_OK)
			wxf_log_info(a->env->log, "full-text index: %u entries, %u messages known only "
			    "from it, %u recalled originals", st.entries, st.recovered, st.recall_filled);
	}
	free(rd);
	return rc;
}

const wxf_wc_driver wxf_wc_android_driver = {
	.name = "android",
	.platform = WXF_PLAT_ANDROID,
	.accounts = android_accounts,
	.key = android_key,
	.open = android_open,
	.read = android_read,
	.add_row = android_add_row,
	.close = android_close,
	.free = android_free,
};
