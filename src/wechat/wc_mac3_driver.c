/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The macOS WeChat 3.x driver as one entry of the platform table.
 *
 *   accounts   every folder named by 32 hex digits holding Message/msg_N.db or
 *              Contact/wccontact_new2.db (.../com.tencent.xinWeChat/<version>/<folder>/)
 *   dbs        Contact/wccontact_new2.db, Group/group_new.db, Session/session_new.db (the
 *              usernames behind the Chat_<md5> tables, and the owner), hldata.db (the media
 *              index, read before the messages that it links), then Message/msg_N.db
 *              by N (the message shards, carved; their -wal decrypted, applied and carved by
 *              decrypt/ and case/)
 *   key        wc_desk.c: per file the four parameter sets one account mixes (corrections
 *              A.5): page 1024 or 4096 x the key used directly or PBKDF2-HMAC-SHA1 64000; the
 *              page-1 HMAC decides and the winner is recorded; --raw-key, --key, WCDB key
 *              strings of --memdump files matched by salt, then the dump passes
 *   read       wc_mac3.c; images through hldata.db, decoded by wc_desk.c (3.x XOR .dat)
 */
#include "config.h"
#include "wechat/wc_driver.h"
#include "wechat/wc_desk.h"
#include "wechat/wc_mac3.h"
#include "base/wxf_file.h"
#include "base/wxf_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct mac3_acct {
	wxf_desk *dk;
	wxf_mac3 *w;
} mac3_acct;

/* The rank of a database below the account folder (0: not read) and its shard number. */
static int
db_rank(const char *rel, long *n)
{
	char *e;

	*n = 0;
	if (strcmp(rel, "Contact/wccontact_new2.db") == 0)
		return 1;
	if (strcmp(rel, "Group/group_new.db") == 0)
		return 2;
	if (strcmp(rel, "Session/session_new.db") == 0)
		return 3;
	if (strcmp(rel, "hldata.db") == 0)
		return 4;
	if (strncmp(rel, "Message/msg_", 12) != 0 || rel[12] < '0' || rel[12] > '9')
		return 0;
	*n = strtol(rel + 12, &e, 10);
	return strcmp(e, ".db") == 0 && *n >= 0 && *n < 10000 ? 5 : 0;
}

static const char *const roles[] = { NULL, "contact-db", "group-db", "session-db",
	"hldata-db", "message-db" };

static void
mac3_free(wxf_wc_acct *a)
{
	mac3_acct *p = a->priv;

	if (p == NULL)
		return;
	wxf_mac3_free(&p->w);
	wxf_desk_free(&p->dk);
	free(p);
	a->priv = NULL;
}

/* The account folder of an item: the 32-hex folder the database lies in, one level up. */
static char *
acct_of(const wxf_item *it, long *n, int *rank)
{
	const char *p = it->path, *best = NULL;
	size_t i;

	if (it->member != NULL || (it->kind != WXF_KIND_SQLITE &&
	    it->kind != WXF_KIND_SQLITE_ENCRYPTED))
		return NULL;
	/* the last "/<32 hex>/" component of the path */
	for (p = strchr(p, '/'); p != NULL; p = strchr(p + 1, '/')) {
		for (i = 1; i <= 32; i++) {
			char c = p[i];

			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
				break;
		}
		if (i == 33 && p[33] == '/')
			best = p;
	}
	if (best == NULL || (*rank = db_rank(best + 34, n)) == 0)
		return NULL;
	return wxf_xstrndup(it->path, (size_t)(best + 33 - it->path));
}

static int
mac3_attach(wxf_wc_acct *a, wxf_desk *dk, const char *id, const char *suffix)
{
	mac3_acct *p = calloc(1, sizeof(*p));

	(void)id;
	(void)suffix;
	if (p == NULL)
		return WXF_ENOMEM;
	p->dk = dk;
	a->priv = p;
	return WXF_OK;
}

static const wxf_desk_layout layout = {
	.kind = "mac3",
	.roles = roles,
	.contact_rank = 1,
	.message_rank = 5,
	.acct_of = acct_of,
	.account_id = NULL,
	.attach = mac3_attach,
};

static int
mac3_accounts(const wxf_wc_driver *drv, const wxf_inventory *inv, wxf_wc_acct ***v,
    size_t *n, wxf_err *err)
{
	return wxf_desk_accounts(drv, &layout, inv, v, n, err);
}

static int
mac3_key(wxf_wc_acct *a, size_t d, wxf_key *k, uint64_t *n_tried, wxf_err *err)
{
	static const char *const profiles[] = { "mac3", "mac3-4k", "mac3-kdf",
	    "mac3-kdf-4k", NULL };
	mac3_acct *p = a->priv;

	return wxf_desk_key(p->dk, d, profiles, k, n_tried, err);
}

static int
mac3_open(wxf_wc_acct *a, size_t d, wxf_sqlite_db *sdb, void **rdp, wxf_err *err)
{
	mac3_acct *p = a->priv;
	wxf_wc_db *db = &a->dbs[d];
	wxf_mac3_db *rd;
	int rc;

	*rdp = NULL;
	if (p->w == NULL && (rc = wxf_mac3_new(&p->w, a->m, a->id, a->dir, p->dk, err)) != WXF_OK)
		return rc;
	rc = wxf_mac3_db_open(p->w, &rd, sdb, db->item->path, db->image,
	    db->wal_item != NULL ? db->wal_item->path : NULL, db->wal_image, err);
	if (rc == WXF_OK)
		*rdp = rd;
	return rc;
}

static int
mac3_read(void *rd, wxf_err *err)
{
	return wxf_mac3_db_read(rd, err);
}

static int
mac3_add_row(void *rd, const wxf_sqlrow *row, const wxf_prov *prov, wxf_err *err)
{
	return wxf_mac3_db_add_row(rd, row, prov, err);
}

static int
mac3_close(wxf_wc_acct *a, size_t d, void **rdp, int ok, wxf_err *err)
{
	mac3_acct *p = a->priv;
	wxf_mac3_db *rd = *rdp;

	(void)d;
	(void)ok;
	(void)err;
	wxf_mac3_db_close(&rd);
	*rdp = NULL;
	wxf_desk_flush(p->dk);
	return WXF_OK;
}

static int
mac3_finish(wxf_wc_acct *a, wxf_err *err)
{
	mac3_acct *p = a->priv;
	const wxf_mac3_stats *st;
	int rc;

	if (p->w == NULL)
		return WXF_OK;
	rc = wxf_mac3_finish(p->w, err);
	wxf_desk_flush(p->dk);
	st = wxf_mac3_stats_of(p->w);
	if (!st->owner_found)
		wxf_wc_limit(a->env, "%s: no username of the account hashes to the folder name; the "
		    "folder name stands for the owner.", a->dir);
	if (st->n_talker_unknown > 0)
		wxf_wc_limit(a->env, "%s: %zu message(s) in Chat_<md5> tables whose conversation no "
		    "username of the account hashes to; shown under unknown-talker-<md5>.", a->dir,
		    st->n_talker_unknown);
	if (st->n_img_missing > 0)
		wxf_wc_limit(a->env, "%s: %zu macOS 3.x image message(s) whose file hldata.db does not "
		    "name (or hldata.db was not read); listed as missing.", a->dir, st->n_img_missing);
	wxf_wc_limit(a->env, "%s: macOS 3.x voice, video and file attachments are not linked "
	    "(only images, through hldata.db).", a->dir);
	if (a->env->audit != NULL) {
		char buf[224];

		snprintf(buf, sizeof(buf), "messages %zu, contacts %zu, owner %s, image messages "
		    "whose file hldata.db names %zu, none %zu", st->n_msgs, st->n_contacts,
		    st->owner_found ? "found by md5 of the folder name" : "not found",
		    st->n_img_linked, st->n_img_missing);
		wxf_audit_kv(a->env->audit, "mac3-read", "summary", buf);
	}
	return rc;
}

const wxf_wc_driver wxf_wc_mac3_driver = {
	.name = "mac3",
	.platform = WXF_PLAT_MAC3,
	.accounts = mac3_accounts,
	.key = mac3_key,
	.open = mac3_open,
	.read = mac3_read,
	.add_row = mac3_add_row,
	.close = mac3_close,
	.finish = mac3_finish,
	.free = mac3_free,
};
