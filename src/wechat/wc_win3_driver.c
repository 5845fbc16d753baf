/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Windows 3.x driver: WeChat for Windows 3.x as one entry of the platform table.
 *
 *   accounts   every folder holding Msg/MicroMsg.db or Msg/Multi/MSGn.db (WeChat Files/<wxid>/;
 *              the folder's name is the wxid)
 *   dbs        Msg/MicroMsg.db (contacts first: groups and sessions), Msg/Multi/MSGn.db by n
 *              (the message shards, carved; their -wal applied and carved by case/),
 *              Msg/Multi/MediaMSGn.db (voice), Msg/HardLinkImage.db (image paths by md5),
 *              Msg/Multi/FTSMSGn.db (full-text witness), Msg/Misc.db (its key is checked, its
 *              avatars are not read)
 *   key        wc_desk.c: --raw-key, --key, WCDB key strings of --memdump files matched by
 *              salt, then the dump passes; profile win3
 *   read       wc_win3.c; media through wc_desk.c (.dat XOR decoded into the bundle)
 */
#include "config.h"
#include "wechat/wc_driver.h"
#include "wechat/wc_desk.h"
#include "wechat/wc_win3.h"
#include "base/wxf_file.h"
#include "base/wxf_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct win3_acct {
	wxf_desk *dk;
	wxf_win3 *w;
} win3_acct;

/* The rank of a database below <acct>/Msg/ (0: not read) and its shard number. */
static int
db_rank(const char *rel, long *n)
{
	const char *b = wxf_path_base(rel);
	static const struct { const char *prefix; int rank; } shards[] = {
		{ "Multi/MSG", 2 }, { "Multi/MediaMSG", 3 }, { "Multi/FTSMSG", 5 },
	};
	size_t i;

	*n = 0;
	if (strcmp(rel, "MicroMsg.db") == 0)
		return 1;
	if (strcmp(rel, "HardLinkImage.db") == 0)
		return 4;
	if (strcmp(rel, "Misc.db") == 0)
		return 6;
	for (i = 0; i < sizeof(shards) / sizeof(shards[0]); i++) {
		size_t lp = strlen(shards[i].prefix);
		char *e;

		if (strncmp(rel, shards[i].prefix, lp) != 0 || rel[lp] < '0' || rel[lp] > '9' ||
		    strchr(b, '/') != NULL)
			continue;
		*n = strtol(rel + lp, &e, 10);
		if (strcmp(e, ".db") == 0 && *n >= 0 && *n < 10000)
			return shards[i].rank;
	}
	return 0;
}

static const char *const roles[] = { NULL, "contact-db", "message-db", "voice-db",
	"hardlink-db", "fts-index", "key-check-db" };

static void
win3_free(wxf_wc_acct *a)
{
	win3_acct *p = a->priv;

	if (p == NULL)
		return;
	wxf_win3_free(&p->w);
	wxf_desk_free(&p->dk);
	free(p);
	a->priv = NULL;
}

/* The account folder of an item (the part before "/Msg/"), when the item is one of ours. */
static char *
acct_of(const wxf_item *it, long *n, int *rank)
{
	const char *m = strstr(it->path, "/Msg/");

	while (m != NULL && strstr(m + 1, "/Msg/") != NULL)
		m = strstr(m + 1, "/Msg/");
	if (m == NULL || it->member != NULL || m == it->path)
		return NULL;
	if ((*rank = db_rank(m + 5, n)) == 0 || (it->kind != WXF_KIND_SQLITE &&
	    it->kind != WXF_KIND_SQLITE_ENCRYPTED))
		return NULL;
	return wxf_xstrndup(it->path, (size_t)(m - it->path));
}

static int
win3_attach(wxf_wc_acct *a, wxf_desk *dk, const char *id, const char *suffix)
{
	win3_acct *p = calloc(1, sizeof(*p));

	(void)id;
	(void)suffix;
	if (p == NULL)
		return WXF_ENOMEM;
	p->dk = dk;
	a->priv = p;
	return WXF_OK;
}

static const wxf_desk_layout layout = {
	.kind = "win3",
	.roles = roles,
	.contact_rank = 1,
	.message_rank = 2,
	.acct_of = acct_of,
	.account_id = NULL,
	.attach = win3_attach,
};

static int
win3_accounts(const wxf_wc_driver *drv, const wxf_inventory *inv, wxf_wc_acct ***v,
    size_t *n, wxf_err *err)
{
	return wxf_desk_accounts(drv, &layout, inv, v, n, err);
}

static int
win3_key(wxf_wc_acct *a, size_t d, wxf_key *k, uint64_t *n_tried, wxf_err *err)
{
	static const char *const profiles[] = { "win3", NULL };
	win3_acct *p = a->priv;

	return wxf_desk_key(p->dk, d, profiles, k, n_tried, err);
}

static int
win3_open(wxf_wc_acct *a, size_t d, wxf_sqlite_db *sdb, void **rdp, wxf_err *err)
{
	win3_acct *p = a->priv;
	wxf_wc_db *db = &a->dbs[d];
	wxf_win3_db *rd;
	int rc;

	*rdp = NULL;
	if (p->w == NULL && (rc = wxf_win3_new(&p->w, a->m, a->id, a->dir, p->dk, err)) != WXF_OK)
		return rc;
	rc = wxf_win3_db_open(p->w, &rd, sdb, db->item->path, db->image,
	    db->wal_item != NULL ? db->wal_item->path : NULL, db->wal_image, err);
	if (rc == WXF_OK)
		*rdp = rd;
	return rc;
}

static int
win3_read(void *rd, wxf_err *err)
{
	return wxf_win3_db_read(rd, err);
}

static int
win3_add_row(void *rd, const wxf_sqlrow *row, const wxf_prov *prov, wxf_err *err)
{
	return wxf_win3_db_add_row(rd, row, prov, err);
}

static int
win3_close(wxf_wc_acct *a, size_t d, void **rdp, int ok, wxf_err *err)
{
	win3_acct *p = a->priv;
	wxf_win3_db *rd = *rdp;

	(void)d;
	(void)ok;
	(void)err;
	wxf_win3_db_close(&rd);
	*rdp = NULL;
	wxf_desk_flush(p->dk);
	return WXF_OK;
}

static int
win3_finish(wxf_wc_acct *a, wxf_err *err)
{
	win3_acct *p = a->priv;
	const wxf_win3_stats *st;
	const wxf_desk_stats *ds = wxf_desk_stats_of(p->dk);
	int rc;

	if (p->w == NULL)
		return WXF_OK;
	rc = wxf_win3_finish(p->w, err);
	wxf_desk_flush(p->dk);
	st = wxf_win3_stats_of(p->w);
	if (st->n_lz4_bad > 0)
		wxf_wc_limit(a->env, "%s: %zu CompressContent value(s) are not LZ4 blocks that decode; "
		    "their StrContent is shown.", a->dir, st->n_lz4_bad);
	if (st->n_fts_orphan > 0)
		wxf_wc_limit(a->env, "%s: %zu full-text index entries (FTSMSG) name a message no "
		    "message database holds any more; they are not shown as messages.", a->dir,
		    st->n_fts_orphan);
	if (ds->dat_failed > 0)
		wxf_wc_limit(a->env, "%s: %zu image .dat file(s) could not be decoded; they are listed "
		    "as they are.", a->dir, ds->dat_failed);
	if (a->env->audit != NULL) {
		char buf[256];

		snprintf(buf, sizeof(buf), "messages %zu, LZ4 decoded %zu, voice %zu, images decoded "
		    "%zu, media missing %zu, FTS witnesses %zu, revocations %zu", st->n_msgs, st->n_lz4,
		    st->n_voice, ds->dat_decoded, ds->media_missing, st->n_fts_witness, st->n_revoked);
		wxf_audit_kv(a->env->audit, "win3-read", "summary", buf);
	}
	return rc;
}

const wxf_wc_driver wxf_wc_win3_driver = {
	.name = "win3",
	.platform = WXF_PLAT_WIN3,
	.accounts = win3_accounts,
	.key = win3_key,
	.open = win3_open,
	.read = win3_read,
	.add_row = win3_add_row,
	.close = win3_close,
	.finish = win3_finish,
	.free = win3_free,
};
