/* SPDX-License-Identifier: Apache-2.0 */
/*
 * macOS WeChat 3.x reader (tables in wc_mac3.h).  Order inside one account (the driver's):
 * the contact, group and session databases first (the usernames whose md5s name the
 * conversation tables, and the owner), hldata.db (the media index), then the message shards.
 * Every value is hostile; XML through wc_msgdecode.c.
 *
 * Images: the md5 of an image message's <img md5="..."> is looked up in HlinkMediaRecord
 * .mediaMd5, whose inodeNumber names the HlinkMediaDetail row giving relativePath and
 * fileName (the join of wechat-desktop.md 3).  The file is <relativePath>/<fileName> below the
 * account folder, or else the one file of the account whose path ends so [U: what relativePath
 * is relative to is not documented]; wc_desk.c links it and decodes the .dat (3.x XOR).  Only
 * live rows of hldata.db are trusted for the join.
 */
#include "config.h"
#include "wechat/wc_mac3.h"
#include "wechat/wc_msgdecode.h"
#include "base/wxf_hash.h"
#include "base/wxf_strmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A username and the row that names it (a conversation made from a Chat_<md5> table cites
 * it: the table's rows do not hold the username). */
struct user {
	const char *u;
	wxf_prov prov;
	struct user *next;
};

/* A row of hldata.db: HlinkMediaRecord (s = the inode key) or HlinkMediaDetail (s = the
 * file's path below the account folder). */
struct hlink {
	const char *s;
	int64_t rowid;
	struct hlink *next;
};

struct wxf_mac3 {
	wxf_model *m;
	const char *folder, *dir;
	wxf_desk *dk;
	struct user *users;
	wxf_strmap user_md5;           /* md5(username) -> struct user */
	struct hlink *hlinks;          /* owned list, the values of the two maps below */
	wxf_strmap hl_md5;             /* HlinkMediaRecord: mediaMd5 -> inode */
	wxf_strmap hl_inode;           /* HlinkMediaDetail: inode -> relative path */
	int hl_read;                   /* hldata.db was opened */
	int owner_set;
	wxf_mac3_stats st;
};

struct wxf_mac3_db {
	wxf_mac3 *w;
	wxf_desk_dbref ref;             /* the database and the paths its rows cite */
};

int
wxf_mac3_new(wxf_mac3 **wp, wxf_model *m, const char *folder, const char *acct_dir,
    wxf_desk *dk, wxf_err *err)
{
	wxf_mac3 *w = calloc(1, sizeof(*w));

	*wp = NULL;
	if (w == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "mac3: out of memory");
	w->m = m;
	w->folder = wxf_model_strdup(m, folder);
	w->dir = wxf_model_strdup(m, acct_dir);
	w->dk = dk;
	if (w->folder == NULL || w->dir == NULL) {
		free(w);
		return wxf_err_set(err, WXF_ENOMEM, "mac3: out of memory");
	}
	*wp = w;
	return WXF_OK;
}

void
wxf_mac3_free(wxf_mac3 **wp)
{
	wxf_mac3 *w = *wp;

	if (w == NULL)
		return;
	wxf_strmap_free(&w->user_md5);
	wxf_strmap_free(&w->hl_md5);
	wxf_strmap_free(&w->hl_inode);
	while (w->hlinks != NULL) {
		struct hlink *n = w->hlinks->next;

		free(w->hlinks);
		w->hlinks = n;
	}
	while (w->users != NULL) {
		struct user *n = w->users->next;

		free(w->users);
		w->users = n;
	}
	free(w);
	*wp = NULL;
}

const wxf_mac3_stats *
wxf_mac3_stats_of(const wxf_mac3 *w)
{
	return &w->st;
}

int
wxf_mac3_db_open(wxf_mac3 *w, wxf_mac3_db **rp, wxf_sqlite_db *db, const char *evidence,
    const char *image, const char *wal, const char *wal_image, wxf_err *err)
{
	wxf_mac3_db *r = calloc(1, sizeof(*r));

	*rp = NULL;
	if (r == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "mac3: out of memory");
	r->w = w;
	wxf_desk_dbref_init(&r->ref, w->m, db, evidence, image, wal, wal_image);
	*rp = r;
	return WXF_OK;
}

void
wxf_mac3_db_close(wxf_mac3_db **rp)
{
	free(*rp);
	*rp = NULL;
}

/* Remembers md5(u) -> u with the row naming it; the username whose md5 is the account
 * folder's name becomes the owner. */
static int
know_user(wxf_mac3 *w, const char *u, const wxf_prov *prov)
{
	char h[33];
	const char *k;
	struct user *e;

	if (u == NULL)
		return WXF_OK;
	wxf_md5_hex(u, strlen(u), h);
	if (!w->owner_set && strcasecmp(h, w->folder) == 0 && prov->origin == WXF_ORIGIN_LIVE) {
		if (wxf_model_set_owner(w->m, u, prov) == NULL)
			return WXF_ENOMEM;
		w->owner_set = 1;
		w->st.owner_found = 1;
	}
	if (wxf_strmap_get(&w->user_md5, h) != NULL)
		return WXF_OK;
	if ((k = wxf_model_strdup(w->m, h)) == NULL || (e = calloc(1, sizeof(*e))) == NULL)
		return WXF_ENOMEM;
	e->u = u;
	/* the prov's strings may belong to a database that closes: arena copies */
	e->prov = *prov;
	e->prov.file = wxf_model_strdup(w->m, prov->file);
	e->prov.image = wxf_model_strdup(w->m, prov->image);
	e->prov.table = wxf_model_strdup(w->m, prov->table);
	e->prov.range_sha256 = wxf_model_strdup(w->m, prov->range_sha256);
	e->next = w->users;
	w->users = e;
	return wxf_strmap_put(&w->user_md5, k, e);
}

/* No username hashes to the folder name: the folder name stands for the owner. */
static int
owner_fallback(wxf_mac3 *w)
{
	wxf_prov p;

	if (w->owner_set)
		return WXF_OK;
	memset(&p, 0, sizeof(p));
	p.file = w->dir;
	p.rowid = INT64_MIN;
	p.confidence = 100;
	w->owner_set = 1;
	return wxf_model_set_owner(w->m, w->folder, &p) != NULL ? WXF_OK : WXF_ENOMEM;
}

static int
add_contact(wxf_mac3 *w, const wxf_sqlrow *r, const wxf_prov *prov, int group, wxf_err *err)
{
	wxf_model *m = w->m;
	const char *u = wxf_desk_str(m, r, "m_nsUsrName");
	int live = prov->origin == WXF_ORIGIN_LIVE && prov->status == WXF_STATUS_INTACT;
	wxf_identity *id;
	int64_t cert;

	if (u == NULL)
		return WXF_OK;
	if ((id = wxf_model_identity(m, u, prov)) == NULL || know_user(w, u, prov) != WXF_OK)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	w->st.n_contacts++;
	/* a row of the contact list (WCContact) or a group the account is in */
	if (live)
		id->in_contacts = 1;
	cert = wxf_desk_int(r, "m_uiCertificationFlag");
	if (live || id->verify_flag == WXF_INT_UNKNOWN) {
		id->verify_flag = cert;
		id->flags_prov = *prov;
	}
	if (cert != WXF_INT_UNKNOWN && cert != 0 && id->kind == WXF_ID_PERSON)
		id->kind = WXF_ID_OFFICIAL;
	if (wxf_attrs_add(m, &id->aliases, wxf_desk_str(m, r, "m_nsAliasName"), "m_nsAliasName",
	    WXF_TIME_UNKNOWN, prov) != WXF_OK ||
	    wxf_attrs_add(m, &id->remarks, wxf_desk_str(m, r, "m_nsRemark"), "m_nsRemark",
	    WXF_TIME_UNKNOWN, prov) != WXF_OK ||
	    wxf_attrs_add(m, &id->nicknames, wxf_desk_str(m, r, "nickname"), "nickname",
	    WXF_TIME_UNKNOWN, prov) != WXF_OK ||
	    wxf_attrs_add(m, &id->encrypt_usernames, wxf_desk_str(m, r, "m_nsEncodeUserName"),
	    "m_nsEncodeUserName", WXF_TIME_UNKNOWN, prov) != WXF_OK)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	if (group || id->kind == WXF_ID_GROUP) {
		wxf_group *g = wxf_model_group(m, u, prov);
		const char *list = wxf_desk_str(m, r, "m_nsChatRoomMemList"), *s;

		if (g == NULL || wxf_attrs_add(m, &g->names, wxf_desk_str(m, r, "nickname"),
		    "GroupContact.nickname", WXF_TIME_UNKNOWN, prov) != WXF_OK ||
		    wxf_attrs_add(m, &g->owners, wxf_desk_str(m, r, "m_nsChatRoomAdminList"),
		    "GroupContact.m_nsChatRoomAdminList", WXF_TIME_UNKNOWN, prov) != WXF_OK)
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
		if (list != NULL && g->memberlist_raw == NULL)
			g->memberlist_raw = list;
		/* members joined by ';' */
		for (s = list; s != NULL && *s != '\0';) {
			const char *e = strchr(s, ';');
			size_t l = e != NULL ? (size_t)(e - s) : strlen(s);
			const char *mu = l > 0 && l < 128 ? wxf_model_strndup(m, s, l) : NULL;

			if (mu != NULL && (wxf_group_add_member(m, g, mu, NULL, prov) != WXF_OK ||
			    know_user(w, mu, prov) != WXF_OK))
				return wxf_err_set(err, WXF_ENOMEM, "out of memory");
			s = e != NULL ? e + 1 : NULL;
		}
	}
	return WXF_OK;
}

static int
add_session(wxf_mac3 *w, const wxf_sqlrow *r, const wxf_prov *prov, wxf_err *err)
{
	wxf_model *m = w->m;
	const char *u = wxf_desk_str(m, r, "m_nsUserName");
	wxf_conv *cv;
	int64_t t;

	if (u == NULL)
		return WXF_OK;
	if (know_user(w, u, prov) != WXF_OK || (cv = wxf_model_conv(m, u, prov)) == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	if (prov->origin != WXF_ORIGIN_LIVE && cv->in_chat_list)
		return WXF_OK;
	cv->in_chat_list = 1;
	cv->prov = *prov;
	cv->prov.table = wxf_model_strdup(m, prov->table);
	t = wxf_desk_int(r, "m_uLastTime");
	cv->last_time_ms = t != WXF_INT_UNKNOWN && t > 0 && t < 100000000000LL ? t * 1000 :
	    WXF_TIME_UNKNOWN;
	cv->unread_count = wxf_desk_int(r, "m_uUnReadCount");
	return WXF_OK;
}

/* ------------------------------------------------------------------------------ media */

static int
hl_put(wxf_mac3 *w, wxf_strmap *map, const char *key, const char *s, int64_t rowid)
{
	struct hlink *e;

	if (wxf_strmap_get(map, key) != NULL)
		return WXF_OK;    /* the first live row wins */
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return WXF_ENOMEM;
	e->s = s;
	e->rowid = rowid;
	e->next = w->hlinks;
	w->hlinks = e;
	return wxf_strmap_put(map, key, e);
}

/* HlinkMediaRecord(mediaMd5, mediaSize, inodeNumber, modifyTime): md5 -> inode. */
static int
add_hl_record(wxf_mac3 *w, const wxf_sqlrow *r)
{
	const char *md = wxf_desk_str(w->m, r, "mediaMd5");
	int64_t ino = wxf_desk_int(r, "inodeNumber");
	char h[33];
	const char *k, *v;

	if (md == NULL || strlen(md) != 32 || !wxf_desk_md5_hex(md, h) || ino == WXF_INT_UNKNOWN)
		return WXF_OK;
	if ((k = wxf_model_strdup(w->m, h)) == NULL ||
	    (v = wxf_model_printf(w->m, "%lld", (long long)ino)) == NULL)
		return WXF_ENOMEM;
	return hl_put(w, &w->hl_md5, k, v, r->rowid);
}

/* A path that stays below the account folder: no "..", no '\'. */
static int
safe_rel(const char *s)
{
	return s != NULL && *s != '\0' && strstr(s, "..") == NULL && strchr(s, '\\') == NULL;
}

int
wxf_mac3_hl_path(const char *rp, const char *fn, char **out)
{
	size_t l, lf;

	*out = NULL;
	if (!safe_rel(rp) || !safe_rel(fn) || strchr(fn, '/') != NULL)
		return WXF_OK;
	while (*rp == '/')
		rp++;
	l = strlen(rp);
	while (l > 0 && rp[l - 1] == '/')
		l--;
	lf = strlen(fn);
	if (l > 4096 || lf > 4096)
		return WXF_OK;
	if ((*out = malloc(l + lf + 2)) == NULL)
		return WXF_ENOMEM;
	memcpy(*out, rp, l);
	if (l > 0)
		(*out)[l++] = '/';
	memcpy(*out + l, fn, lf + 1);
	return WXF_OK;
}

/* HlinkMediaDetail(localId, inodeNumber, relativePath, fileName): inode -> path. */
static int
add_hl_detail(wxf_mac3 *w, const wxf_sqlrow *r)
{
	const char *rp = wxf_desk_str(w->m, r, "relativePath");
	const char *fn = wxf_desk_str(w->m, r, "fileName");
	int64_t ino = wxf_desk_int(r, "inodeNumber");
	char *path;
	const char *k, *v;

	if (ino == WXF_INT_UNKNOWN)
		return WXF_OK;
	if (wxf_mac3_hl_path(rp, fn, &path) != WXF_OK)
		return WXF_ENOMEM;
	if (path == NULL)
		return WXF_OK;     /* absent or unsafe: the row names no file */
	k = wxf_model_printf(w->m, "%lld", (long long)ino);
	v = wxf_model_strdup(w->m, path);
	free(path);
	if (k == NULL || v == NULL)
		return WXF_ENOMEM;
	return hl_put(w, &w->hl_inode, k, v, r->rowid);
}

/* rel below the account folder, or the one account file whose path ends in "/" rel. */
static const char *
hl_locate(wxf_mac3 *w, const char *rel)
{
	size_t i, n = wxf_desk_n_items(w->dk), lr = strlen(rel), ld = strlen(w->dir);
	const char *found = NULL;

	if (wxf_desk_item(w->dk, rel) != NULL)
		return rel;
	for (i = 0; i < n; i++) {
		const wxf_item *it = wxf_desk_item_at(w->dk, i);
		size_t lp = strlen(it->path);

		if (lp > ld + 1 + lr && strncmp(it->path, w->dir, ld) == 0 && it->path[ld] == '/' &&
		    it->path[lp - lr - 1] == '/' && strcmp(it->path + lp - lr, rel) == 0) {
			if (found != NULL)
				return rel;     /* two candidates: neither is taken */
			found = it->path + ld + 1;
		}
	}
	return found != NULL ? found : rel;
}

/* An image message: its file through hldata.db, linked (and decoded) or listed missing. */
static int
link_image(wxf_mac3 *w, wxf_msg *msg)
{
	const struct hlink *rec, *det;
	const char *rel, *src;
	char h[33];

	if (!wxf_desk_img_md5(msg->payload, h))
		return WXF_OK;
	rec = wxf_strmap_get(&w->hl_md5, h);
	det = rec != NULL ? wxf_strmap_get(&w->hl_inode, rec->s) : NULL;
	if (det == NULL) {
		w->st.n_img_missing++;
		return wxf_desk_media_missing(w->dk, msg, "image", wxf_model_printf(w->m,
		    "hldata.db HlinkMediaRecord.mediaMd5 %s%s", h, !w->hl_read ? " (hldata.db not "
		    "read)" : rec != NULL ? wxf_model_printf(w->m, ", inodeNumber %s: no "
		    "HlinkMediaDetail row", rec->s) : ": no row"), "<img md5>");
	}
	rel = hl_locate(w, det->s);
	src = wxf_model_printf(w->m, "<img md5>; hldata.db HlinkMediaRecord rowid %lld "
	    "(mediaMd5) -> HlinkMediaDetail rowid %lld (inodeNumber %s: relativePath/fileName)",
	    (long long)rec->rowid, (long long)det->rowid, rec->s);
	if (src == NULL)
		return WXF_ENOMEM;
	w->st.n_img_linked++;
	return wxf_desk_media_file(w->dk, msg, "image", rel, src, 1);
}

/* ------------------------------------------------------------------------------ messages */

static int
add_msg(wxf_mac3_db *rd, const wxf_sqlrow *r, const char *tmd5, const wxf_prov *prov,
    wxf_err *err)
{
	wxf_mac3 *w = rd->w;
	wxf_model *m = w->m;
	const struct user *e;
	const char *talker, *text = NULL;
	const wxf_sqlval *v;
	size_t tlen = 0;
	wxf_msg *msg;
	int64_t t, des;
	int is_new, rc;

	if (owner_fallback(w) != WXF_OK)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	if ((msg = wxf_model_new_msg(m, WXF_PLAT_MAC3, prov->table, prov, &is_new)) == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	if (!is_new)
		return WXF_OK;
	w->st.n_msgs++;
	msg->local_id = wxf_desk_int(r, "mesLocalID");
	if (msg->local_id == WXF_INT_UNKNOWN)
		msg->local_id = r->rowid;
	t = wxf_desk_int(r, "mesSvrID");
	msg->server_id = t != WXF_INT_UNKNOWN && t != 0 ? wxf_model_printf(m, "%lld",
	    (long long)t) : NULL;
	msg->raw_type = wxf_desk_int(r, "messageType");
	t = wxf_desk_int(r, "msgCreateTime");
	msg->time_ms = t != WXF_INT_UNKNOWN && t > 0 && t < 100000000000LL ? t * 1000 :
	    WXF_TIME_UNKNOWN;
	des = wxf_desk_int(r, "mesDes");
	/* mesDes 0 = sent by the owner, 1 = received */
	msg->is_send = des == 0 ? 1 : des == 1 ? 0 : WXF_INT_UNKNOWN;
	msg->status = wxf_desk_int(r, "msgStatus");
	e = wxf_strmap_get(&w->user_md5, tmd5);
	talker = e != NULL ? e->u : NULL;
	if (e != NULL && wxf_model_find_conv(m, talker) == NULL &&
	    wxf_model_conv(m, talker, &e->prov) == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	if (talker == NULL) {
		wxf_prov none;

		w->st.n_talker_unknown++;
		talker = wxf_model_printf(m, "unknown-talker-%s", tmd5);
		memset(&none, 0, sizeof(none));
		none.rowid = INT64_MIN;
		if (wxf_model_find_conv(m, talker) == NULL && wxf_model_conv(m, talker, &none) == NULL)
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
		wxf_msg_warn(m, msg, "talker-unknown", "no contact, group or session username has "
		    "the md5 %s that names table %s", tmd5, prov->table != NULL ? prov->table : "?");
	}
	msg->talker = talker;
	if (r->truncated)
		wxf_msg_warn(m, msg, "row-truncated", "row cut short (overflow chain broken)");
	v = wxf_desk_col(r, "msgContent");
	if (v != NULL && (v->type == WXF_SQL_TEXT || v->type == WXF_SQL_BLOB)) {
		text = (const char *)v->p;
		tlen = v->n;
	}
	if ((rc = wxf_wc_decode(m, msg, text, tlen)) != WXF_OK)
		return wxf_err_set(err, rc, "out of memory");
	v = wxf_desk_col(r, "msgSource");
	if (v != NULL && v->type == WXF_SQL_TEXT && v->n > 0 && v->n < 4096)
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "msgSource", wxf_model_strndup(m, (const char *)v->p,
		    v->n));
	if (msg->base_type == 3 && prov->origin == WXF_ORIGIN_LIVE &&
	    (rc = link_image(w, msg)) != WXF_OK)
		return wxf_err_set(err, rc, "out of memory");
	return WXF_OK;
}

int
wxf_mac3_db_add_row(wxf_mac3_db *rd, const wxf_sqlrow *row, const wxf_prov *prov_in,
    wxf_err *err)
{
	wxf_mac3 *w = rd->w;
	wxf_prov prov;
	char h[33];

	if (row == NULL || row->table == NULL)
		return WXF_OK;
	prov = wxf_desk_dbref_prov(&rd->ref, row, prov_in);
	if (wxf_desk_md5_table(row->table, "Chat_", h))
		return add_msg(rd, row, h, &prov, err);
	if (wxf_desk_tname_is(row, "WCContact"))
		return add_contact(w, row, &prov, 0, err);
	if (wxf_desk_tname_is(row, "GroupContact"))
		return add_contact(w, row, &prov, 1, err);
	if (wxf_desk_tname_is(row, "SessionAbstract"))
		return add_session(w, row, &prov, err);
	/* the media index: live rows only (a carved row may name a file since replaced) */
	if (prov.origin != WXF_ORIGIN_LIVE || prov.status != WXF_STATUS_INTACT)
		return WXF_OK;
	if ((wxf_desk_tname_is(row, "HlinkMediaRecord") && add_hl_record(w, row) != WXF_OK) ||
	    (wxf_desk_tname_is(row, "HlinkMediaDetail") && add_hl_detail(w, row) != WXF_OK))
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	return WXF_OK;
}

struct scan_arg {
	wxf_mac3_db *rd;
	wxf_err *err;
};

static int
row_cb(void *arg, const wxf_sqlrow *row)
{
	struct scan_arg *a = arg;

	return wxf_mac3_db_add_row(a->rd, row, NULL, a->err);
}

int
wxf_mac3_db_read(wxf_mac3_db *rd, wxf_err *err)
{
	static const char *const rows[] = { "WCContact", "GroupContact", "SessionAbstract",
	    "HlinkMediaRecord", "HlinkMediaDetail", NULL };
	struct scan_arg a = { rd, err };
	wxf_model *m = rd->w->m;
	size_t i;
	int rc;

	if (wxf_sqlite_table(rd->ref.db, "HlinkMediaRecord") != NULL)
		rd->w->hl_read = 1;
	for (i = 0; rows[i] != NULL; i++)
		if ((rc = wxf_desk_dbref_scan(&rd->ref, rows[i], m, row_cb, &a,
		    err)) != WXF_OK)
			return rc;
	for (i = 0; i < wxf_sqlite_n_objs(rd->ref.db); i++) {
		const wxf_sqlite_obj *t = wxf_sqlite_obj_at(rd->ref.db, i);
		char h[33];

		if (!wxf_desk_md5_table(t, "Chat_", h))
			continue;
		if ((rc = wxf_desk_dbref_scan(&rd->ref, t->name, m, row_cb, &a,
		    err)) != WXF_OK)
			return rc;
	}
	return WXF_OK;
}

int
wxf_mac3_finish(wxf_mac3 *w, wxf_err *err)
{
	return owner_fallback(w) != WXF_OK ? wxf_err_set(err, WXF_ENOMEM, "out of memory") :
	    WXF_OK;
}
