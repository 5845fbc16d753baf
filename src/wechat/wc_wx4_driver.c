/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The WeChat 4.x driver (Windows and macOS) as one entry of the platform table.
 *
 *   accounts   every folder holding db_storage/ with a contact or message database:
 *              xwechat_files/<wxid>_<suffix>/ under Documents\ (Windows) or either macOS
 *              container (com.tencent.xinWeChat, com.tencent.xWeChat: corrections A.4); the
 *              wxid is the folder name less a trailing _<4 characters> suffix
 *   dbs        db_storage/contact/contact.db (contacts and groups first), message/message_N.db
 *              by N (the message shards, carved; their encrypted -wal decrypted, applied up to
 *              the last commit frame of the current generation and carved, stale frames of
 *              earlier generations as earlier page versions: decrypt/ and case/),
 *              message/media_N.db (voice), hardlink/hardlink.db (image paths by md5),
 *              session/session.db, message/message_resource.db (image md5s by message)
 *   key        wc_desk.c: --raw-key, --key (PBKDF2-HMAC-SHA512 256000 per salt), WCDB key
 *              strings of --memdump files matched by salt, then the dump passes; profile wx4
 *   read       wc_wx4.c; media through wc_desk.c (.dat V1/V2 decoded into the bundle; the V2
 *              key from the uin of the kvcomm file names and the wxid, corrections A.3)
 */
#include "config.h"
#include "wechat/wc_driver.h"
#include "wechat/wc_desk.h"
#include "wechat/wc_wx4.h"
#include "base/wxf_file.h"
#include "base/wxf_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct wx4_acct {
	wxf_desk *dk;
	wxf_wx4 *w;
} wx4_acct;

/* The rank of a database below <acct>/db_storage/ (0: not read) and its shard number. */
static int
db_rank(const char *rel, long *n)
{
	static const struct { const char *prefix; int rank; } shards[] = {
		{ "message/message_", 2 }, { "message/media_", 3 },
	};
	size_t i;

	*n = 0;
	if (strcmp(rel, "contact/contact.db") == 0)
		return 1;
	if (strcmp(rel, "hardlink/hardlink.db") == 0)
		return 4;
	if (strcmp(rel, "session/session.db") == 0)
		return 5;
	if (strcmp(rel, "message/message_resource.db") == 0)
		return 6;
	for (i = 0; i < sizeof(shards) / sizeof(shards[0]); i++) {
		size_t lp = strlen(shards[i].prefix);
		char *e;

		if (strncmp(rel, shards[i].prefix, lp) != 0 || rel[lp] < '0' || rel[lp] > '9')
			continue;
		*n = strtol(rel + lp, &e, 10);
		if (strcmp(e, ".db") == 0 && *n >= 0 && *n < 10000)
			return shards[i].rank;
	}
	return 0;
}

static const char *const roles[] = { NULL, "contact-db", "message-db", "voice-db",
	"hardlink-db", "session-db", "resource-db" };

static void
wx4_free(wxf_wc_acct *a)
{
	wx4_acct *p = a->priv;

	if (p == NULL)
		return;
	wxf_wx4_free(&p->w);
	wxf_desk_free(&p->dk);
	free(p);
	a->priv = NULL;
}

/* The account folder of an item (the part before "/db_storage/" below an xwechat_files
 * folder), when the item is one of ours. */
static char *
acct_of(const wxf_item *it, long *n, int *rank)
{
	const char *m = strstr(it->path, "/db_storage/"), *x = strstr(it->path, "xwechat_files/");

	while (m != NULL && strstr(m + 1, "/db_storage/") != NULL)
		m = strstr(m + 1, "/db_storage/");
	if (m == NULL || x == NULL || x > m || it->member != NULL || m == it->path)
		return NULL;
	if ((*rank = db_rank(m + 12, n)) == 0 || (it->kind != WXF_KIND_SQLITE &&
	    it->kind != WXF_KIND_SQLITE_ENCRYPTED))
		return NULL;
	return wxf_xstrndup(it->path, (size_t)(m - it->path));
}

/* The wxid of an account folder "<wxid>_<suffix>" (suffix: 4 letters or digits; corrections
 * A.3, A.4) and the suffix ("" when the folder has none). */
static char *
folder_wxid(const char *folder, char suffix[8])
{
	const char *u = strrchr(folder, '_');
	size_t i;

	suffix[0] = '\0';
	if (u == NULL || u == folder || strlen(u + 1) != 4)
		return wxf_xstrdup(folder);
	for (i = 1; i <= 4; i++) {
		char c = u[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			return wxf_xstrdup(folder);
	}
	memcpy(suffix, u + 1, 5);
	return wxf_xstrndup(folder, (size_t)(u - folder));
}

static int
wx4_attach(wxf_wc_acct *a, wxf_desk *dk, const char *id, const char *suffix)
{
	wx4_acct *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return WXF_ENOMEM;
	p->dk = dk;
	a->priv = p;
	wxf_desk_set_image_account(dk, id, suffix[0] != '\0' ? suffix : NULL);
	return WXF_OK;
}

static const wxf_desk_layout layout = {
	.kind = "wx4",
	.roles = roles,
	.contact_rank = 1,
	.message_rank = 2,
	.acct_of = acct_of,
	.account_id = folder_wxid,
	.attach = wx4_attach,
};

static int
wx4_accounts(const wxf_wc_driver *drv, const wxf_inventory *inv, wxf_wc_acct ***v,
    size_t *n, wxf_err *err)
{
	return wxf_desk_accounts(drv, &layout, inv, v, n, err);
}

static int
wx4_key(wxf_wc_acct *a, size_t d, wxf_key *k, uint64_t *n_tried, wxf_err *err)
{
	static const char *const profiles[] = { "wx4", NULL };
	wx4_acct *p = a->priv;

	return wxf_desk_key(p->dk, d, profiles, k, n_tried, err);
}

static int
wx4_open(wxf_wc_acct *a, size_t d, wxf_sqlite_db *sdb, void **rdp, wxf_err *err)
{
	wx4_acct *p = a->priv;
	wxf_wc_db *db = &a->dbs[d];
	wxf_wx4_db *rd;
	int rc;

	*rdp = NULL;
	if (p->w == NULL && (rc = wxf_wx4_new(&p->w, a->m, a->id, a->dir, p->dk, err)) != WXF_OK)
		return rc;
	rc = wxf_wx4_db_open(p->w, &rd, sdb, db->item->path, db->image,
	    db->wal_item != NULL ? db->wal_item->path : NULL, db->wal_image, err);
	if (rc == WXF_OK)
		*rdp = rd;
	return rc;
}

static int
wx4_read(void *rd, wxf_err *err)
{
	return wxf_wx4_db_read(rd, err);
}

static int
wx4_add_row(void *rd, const wxf_sqlrow *row, const wxf_prov *prov, wxf_err *err)
{
	return wxf_wx4_db_add_row(rd, row, prov, err);
}

static int
wx4_close(wxf_wc_acct *a, size_t d, void **rdp, int ok, wxf_err *err)
{
	wx4_acct *p = a->priv;
	wxf_wx4_db *rd = *rdp;

	(void)d;
	(void)ok;
	(void)err;
	wxf_wx4_db_close(&rd);
	*rdp = NULL;
	wxf_desk_flush(p->dk);
	return WXF_OK;
}

static int
wx4_finish(wxf_wc_acct *a, wxf_err *err)
{
	wx4_acct *p = a->priv;
	const wxf_wx4_stats *st;
	const wxf_desk_stats *ds = wxf_desk_stats_of(p->dk);
	int rc;

	if (p->w == NULL)
		return WXF_OK;
	rc = wxf_wx4_finish(p->w, err);
	wxf_desk_flush(p->dk);
	st = wxf_wx4_stats_of(p->w);
	if (st->n_zstd_dict > 0)
		wxf_wc_limit(a->env, "%s: %zu message_content value(s) are zstd with a dictionary that "
		    "is not available; they are kept raw and not decoded.", a->dir, st->n_zstd_dict);
	if (st->n_zstd_bad > 0)
		wxf_wc_limit(a->env, "%s: %zu message_content value(s) marked as zstd do not decode; "
		    "they are shown as stored.", a->dir, st->n_zstd_bad);
	if (st->n_talker_unknown > 0)
		wxf_wc_limit(a->env, "%s: %zu message(s) in Msg_<md5> tables whose conversation no "
		    "username of the account hashes to; shown under unknown-talker-<md5>.", a->dir,
		    st->n_talker_unknown);
	if (ds->dat_failed > 0 || ds->v2_undecoded > 0)
		wxf_wc_limit(a->env, "%s: %zu image .dat file(s) could not be decoded (%zu V2 files no "
		    "key opened); they are listed as they are.", a->dir, ds->dat_failed,
		    ds->v2_undecoded);
	if (a->env->audit != NULL) {
		char buf[640];

		snprintf(buf, sizeof(buf), "messages %zu, zstd decoded %zu, zstd with dictionary %zu, "
		    "voice %zu, images decoded %zu, media missing %zu, image md5s from "
		    "message_resource.db %zu (of %zu rows), V2 image key: %s", st->n_msgs,
		    st->n_zstd, st->n_zstd_dict, st->n_voice, ds->dat_decoded, ds->media_missing,
		    st->n_resource_used, st->n_resource_rows,
		    ds->v2_key_how[0] != '\0' ? ds->v2_key_how : "none needed or none found");
		wxf_audit_kv(a->env->audit, "wx4-read", "summary", buf);
	}
	return rc;
}

const wxf_wc_driver wxf_wc_wx4_driver = {
	.name = "wx4",
	.platform = WXF_PLAT_WX4,
	.accounts = wx4_accounts,
	.key = wx4_key,
	.open = wx4_open,
	.read = wx4_read,
	.add_row = wx4_add_row,
	.close = wx4_close,
	.finish = wx4_finish,
	.free = wx4_free,
};
