/* SPDX-License-Identifier: Apache-2.0 */
/*
 * WeChat 4.x reader (tables in wc_wx4.h).  Order inside one account (the driver's):
 * contact.db first (contacts, groups), then the message shards, then the voice, hard link and
 * session databases, whose rows join the messages by server id or image md5.  Every value is
 * hostile: protobufs through wc_desk_blob.c, zstd through libzstd with an output bound, XML
 * through wc_msgdecode.c.
 */
#include "config.h"
#include "wechat/wc_wx4.h"
#include "wechat/wc_desk_blob.h"
#include "wechat/wc_msgdecode.h"
#include "base/wxf_hash.h"
#include "base/wxf_strmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pending_img {
	wxf_msg *msg;
	char md5[33];                  /* "" when packed_info_data held none */
	const char *talker_md5;
};

/* A MessageResourceInfo row of message_resource.db: the image md5 of its packed_info, cited
 * by the row. */
struct resource {
	char md5[33];
	wxf_prov prov;
	struct resource *next;
};

/* A username and the row that names it (the citation of a conversation made from a
 * Msg_<md5> table, whose rows do not hold the username). */
struct user {
	const char *u;
	wxf_prov prov;
	struct user *next;
};

struct wxf_wx4 {
	wxf_model *m;
	struct user *users;            /* owned list, the values of user_md5 */
	const char *wxid, *dir;
	wxf_desk *dk;
	wxf_strmap by_svr;             /* server id -> message (first seen) */
	wxf_strmap voiced;             /* server ids with a voice */
	wxf_strmap user_md5;           /* md5(username) -> struct user */
	wxf_strmap contact_id;         /* contact.id (text) -> username */
	wxf_strmap room_id;            /* chat_room.id (text) -> group username */
	wxf_strmap hardlink;           /* image md5 -> rel path */
	wxf_strmap attach;             /* "<md5(talker)>/<file name>" -> rel path (the account's files) */
	int attach_built;
	struct pending_img *pend;
	size_t n_pend, cap_pend;
	wxf_strmap resource;           /* "<md5(talker)>/<local id>/<create time>" -> resource */
	struct resource *resources;    /* owned list, the values of resource */
	wxf_wx4_stats st;
};

struct wxf_wx4_db {
	wxf_wx4 *w;
	wxf_desk_dbref ref;             /* the database and the paths its rows cite */
	wxf_strmap name2id;            /* rowid (text) -> user_name */
	wxf_strmap dirs;               /* dir2id rowid (text) -> directory name */
};

/* ------------------------------------------------------------------------------ life */

int
wxf_wx4_new(wxf_wx4 **wp, wxf_model *m, const char *wxid, const char *acct_dir, wxf_desk *dk,
    wxf_err *err)
{
	wxf_wx4 *w = calloc(1, sizeof(*w));
	wxf_prov p;

	*wp = NULL;
	if (w == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "wx4: out of memory");
	w->m = m;
	w->wxid = wxf_model_strdup(m, wxid);
	w->dir = wxf_model_strdup(m, acct_dir);
	w->dk = dk;
	/* the owner is the account folder's name less its suffix: a citation of the folder */
	memset(&p, 0, sizeof(p));
	p.file = w->dir;
	p.rowid = INT64_MIN;
	p.confidence = 100;
	if (w->wxid == NULL || w->dir == NULL || wxf_model_set_owner(m, w->wxid, &p) == NULL) {
		free(w);
		return wxf_err_set(err, WXF_ENOMEM, "wx4: out of memory");
	}
	*wp = w;
	return WXF_OK;
}

void
wxf_wx4_free(wxf_wx4 **wp)
{
	wxf_wx4 *w = *wp;

	if (w == NULL)
		return;
	wxf_strmap_free(&w->by_svr);
	wxf_strmap_free(&w->voiced);
	wxf_strmap_free(&w->user_md5);
	wxf_strmap_free(&w->contact_id);
	wxf_strmap_free(&w->room_id);
	wxf_strmap_free(&w->hardlink);
	wxf_strmap_free(&w->attach);
	wxf_strmap_free(&w->resource);
	while (w->resources != NULL) {
		struct resource *n = w->resources->next;

		free(w->resources);
		w->resources = n;
	}
	while (w->users != NULL) {
		struct user *n = w->users->next;

		free(w->users);
		w->users = n;
	}
	free(w->pend);
	free(w);
	*wp = NULL;
}

const wxf_wx4_stats *
wxf_wx4_stats_of(const wxf_wx4 *w)
{
	return &w->st;
}

int
wxf_wx4_db_open(wxf_wx4 *w, wxf_wx4_db **rp, wxf_sqlite_db *db, const char *evidence,
    const char *image, const char *wal, const char *wal_image, wxf_err *err)
{
	wxf_wx4_db *r = calloc(1, sizeof(*r));

	*rp = NULL;
	if (r == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "wx4: out of memory");
	r->w = w;
	wxf_desk_dbref_init(&r->ref, w->m, db, evidence, image, wal, wal_image);
	*rp = r;
	return WXF_OK;
}

void
wxf_wx4_db_close(wxf_wx4_db **rp)
{
	if (*rp == NULL)
		return;
	wxf_strmap_free(&(*rp)->name2id);
	wxf_strmap_free(&(*rp)->dirs);
	free(*rp);
	*rp = NULL;
}

static const char *
id_key(wxf_model *m, int64_t v)
{
	return wxf_model_printf(m, "%lld", (long long)v);
}

/* Remembers md5(u) -> u and the row naming it (the key of the conversation tables). */
static int
know_user(wxf_wx4 *w, const char *u, const wxf_prov *prov)
{
	char h[33];
	const char *k;
	struct user *e;

	if (u == NULL)
		return WXF_OK;
	wxf_md5_hex(u, strlen(u), h);
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

/* ------------------------------------------------------------------------------ contacts */

static int
add_contact(wxf_wx4 *w, const wxf_sqlrow *r, const wxf_prov *prov, wxf_err *err)
{
	wxf_model *m = w->m;
	const char *u = wxf_desk_str(m, r, "username");
	wxf_identity *id;
	int64_t lt, verify, cid;
	int live = prov->origin == WXF_ORIGIN_LIVE && prov->status == WXF_STATUS_INTACT;

	if (u == NULL)
		return WXF_OK;
	if ((id = wxf_model_identity(m, u, prov)) == NULL || know_user(w, u, prov) != WXF_OK)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	w->st.n_contacts++;
	cid = wxf_desk_int(r, "id");
	if (live && cid != WXF_INT_UNKNOWN && wxf_strmap_get(&w->contact_id, id_key(m, cid)) == NULL &&
	    wxf_strmap_put(&w->contact_id, id_key(m, cid), (void *)u) != WXF_OK)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	lt = wxf_desk_int(r, "local_type");
	verify = wxf_desk_int(r, "verify_flag");
	/* local_type 1 friend, 2 group, 3 a group member who is not a friend (corrections B) */
	if (live && (lt == 1 || lt == 2))
		id->in_contacts = 1;
	if (live || id->type_flags == WXF_INT_UNKNOWN) {
		id->type_flags = lt == WXF_INT_UNKNOWN ? WXF_INT_UNKNOWN : (lt == 1);
		id->verify_flag = verify;
		id->delete_flag = wxf_desk_int(r, "delete_flag");
		id->flags_prov = *prov;
	}
	if (verify != WXF_INT_UNKNOWN && verify != 0 && id->kind == WXF_ID_PERSON)
		id->kind = WXF_ID_OFFICIAL;
	if (wxf_attrs_add(m, &id->aliases, wxf_desk_str(m, r, "alias"), "contact.alias",
	    WXF_TIME_UNKNOWN, prov) != WXF_OK ||
	    wxf_attrs_add(m, &id->remarks, wxf_desk_str(m, r, "remark"), "contact.remark",
	    WXF_TIME_UNKNOWN, prov) != WXF_OK ||
	    wxf_attrs_add(m, &id->nicknames, wxf_desk_str(m, r, "nick_name"), "contact.nick_name",
	    WXF_TIME_UNKNOWN, prov) != WXF_OK ||
	    wxf_attrs_add(m, &id->encrypt_usernames, wxf_desk_str(m, r, "encrypt_username"),
	    "contact.encrypt_username", WXF_TIME_UNKNOWN, prov) != WXF_OK)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	if (id->kind == WXF_ID_GROUP) {
		wxf_group *g = wxf_model_group(m, u, prov);

		if (g == NULL || wxf_attrs_add(m, &g->names, wxf_desk_str(m, r, "nick_name"),
		    "contact.nick_name", WXF_TIME_UNKNOWN, prov) != WXF_OK)
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	}
	return WXF_OK;
}

static int
add_chatroom(wxf_wx4 *w, const wxf_sqlrow *r, const wxf_prov *prov, wxf_err *err)
{
	wxf_model *m = w->m;
	const char *name = wxf_desk_str(m, r, "username");
	const wxf_sqlval *v;
	wxf_group *g;
	int64_t rid;

	if (name == NULL)
		return WXF_OK;
	if ((g = wxf_model_group(m, name, prov)) == NULL || know_user(w, name, prov) != WXF_OK)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	rid = wxf_desk_int(r, "id");
	if (prov->origin == WXF_ORIGIN_LIVE && rid != WXF_INT_UNKNOWN &&
	    wxf_strmap_get(&w->room_id, id_key(m, rid)) == NULL &&
	    wxf_strmap_put(&w->room_id, id_key(m, rid), (void *)name) != WXF_OK)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	if (wxf_attrs_add(m, &g->owners, wxf_desk_str(m, r, "owner"), "chat_room.owner",
	    WXF_TIME_UNKNOWN, prov) != WXF_OK)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	v = wxf_desk_col(r, "ext_buffer");
	if (v != NULL && v->type == WXF_SQL_BLOB && v->n > 0) {
		wxf_cur c = wxf_cur_make(v->p, v->n);
		wxf_roomdata_member mb;
		int rc, k = 0;

		while ((rc = wxf_roomdata_next(&c, &mb)) == 1 && k++ < 10000) {
			const char *u = wxf_model_strndup(m, (const char *)mb.user, mb.user_n);
			const char *d = mb.display != NULL && mb.display_n > 0 ?
			    wxf_model_strndup(m, (const char *)mb.display, mb.display_n) : NULL;
			wxf_identity *id;

			if (u == NULL || wxf_group_add_member(m, g, u, d, prov) != WXF_OK ||
			    know_user(w, u, prov) != WXF_OK ||
			    (d != NULL && ((id = wxf_model_identity(m, u, prov)) == NULL ||
			    wxf_attrs_add(m, &id->nicknames, d, "chat_room.ext_buffer.1.2(display name)",
			    WXF_TIME_UNKNOWN, prov) != WXF_OK)))
				return wxf_err_set(err, WXF_ENOMEM, "out of memory");
		}
		if (rc < 0 && wxf_model_anomaly(m, WXF_SEV_WARN, "protobuf-malformed", NULL, NULL,
		    prov, "%s: chat_room.ext_buffer is not a well-formed protobuf", name) != WXF_OK)
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	}
	return WXF_OK;
}

static int
add_member(wxf_wx4 *w, const wxf_sqlrow *r, const wxf_prov *prov, wxf_err *err)
{
	wxf_model *m = w->m;
	const char *room = wxf_strmap_get(&w->room_id, id_key(m, wxf_desk_int(r, "room_id")));
	const char *u = wxf_strmap_get(&w->contact_id, id_key(m, wxf_desk_int(r, "member_id")));
	wxf_group *g;

	if (room == NULL || u == NULL)
		return WXF_OK;
	if ((g = wxf_model_group(m, room, prov)) == NULL ||
	    wxf_group_add_member(m, g, u, NULL, prov) != WXF_OK)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	return WXF_OK;
}

static int
add_session(wxf_wx4 *w, const wxf_sqlrow *r, const wxf_prov *prov, wxf_err *err)
{
	wxf_model *m = w->m;
	const char *u = wxf_desk_str(m, r, "username");
	wxf_conv *cv;
	int64_t t;

	if (u == NULL)
		return WXF_OK;
	if ((cv = wxf_model_conv(m, u, prov)) == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	if (prov->origin != WXF_ORIGIN_LIVE && cv->in_chat_list)
		return WXF_OK;
	cv->in_chat_list = 1;
	cv->prov = *prov;
	cv->prov.table = wxf_model_strdup(m, prov->table);
	t = wxf_desk_int(r, "last_timestamp");
	cv->last_time_ms = t != WXF_INT_UNKNOWN && t > 0 && t < 100000000000LL ? t * 1000 :
	    WXF_TIME_UNKNOWN;
	cv->unread_count = wxf_desk_int(r, "unread_count");
	cv->digest = wxf_desk_str(m, r, "summary");
	return WXF_OK;
}

/* ------------------------------------------------------------------------------ messages */

static int
pend_image(wxf_wx4 *w, wxf_msg *msg, const char *md5, const char *talker_md5)
{
	if (w->n_pend == w->cap_pend) {
		size_t nc = w->cap_pend ? w->cap_pend * 2 : 16;
		struct pending_img *np = realloc(w->pend, nc * sizeof(*np));

		if (np == NULL)
			return WXF_ENOMEM;
		w->pend = np;
		w->cap_pend = nc;
	}
	w->pend[w->n_pend].msg = msg;
	w->pend[w->n_pend].talker_md5 = talker_md5;
	snprintf(w->pend[w->n_pend].md5, sizeof(w->pend[w->n_pend].md5), "%s", md5);
	w->n_pend++;
	return WXF_OK;
}

/* The stored content under its WCDB_CT_message_content (corrections A.2): *text the bytes
 * to decode (the value, or *dec when decompressed).  WXF_OK or WXF_ENOMEM. */
static int
content_of(wxf_wx4 *w, wxf_msg *msg, const wxf_sqlval *v, int64_t ct, const char **text,
    size_t *len, char **dec, size_t *dn)
{
	wxf_model *m = w->m;
	int zkind = ct == WXF_INT_UNKNOWN || ct < 0 ? 0 : (int)((ct >> 1) & 3);
	int magic = v->n >= 4 && v->p[0] == 0x28 && v->p[1] == 0xb5 && v->p[2] == 0x2f &&
	    v->p[3] == 0xfd;
	int rc;

	*text = (const char *)v->p;
	*len = v->n;
	if (ct != WXF_INT_UNKNOWN && ct != 0)
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "WCDB_CT_message_content", wxf_model_printf(m, "%lld",
		    (long long)ct));
	if (zkind == 0) {
		if (magic)
			wxf_msg_warn(m, msg, "zstd-unflagged", "message_content starts with the zstd "
			    "magic but WCDB_CT_message_content says it is not compressed; shown as stored");
		return WXF_OK;
	}
	if (!magic) {
		w->st.n_zstd_bad++;
		wxf_msg_warn(m, msg, "zstd-no-magic", "WCDB_CT_message_content %lld says zstd but "
		    "the value has no zstd frame; shown as stored", (long long)ct);
		return WXF_OK;
	}
	rc = wxf_desk_zstd(v->p, v->n, WXF_WX4_TEXT_MAX, dec, dn);
	if (rc == WXF_ENOMEM)
		return rc;
	if (rc == WXF_OK) {
		w->st.n_zstd++;
		*text = *dec;
		*len = *dn;
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "compression", wxf_model_printf(m, "message_content "
		    "zstd (%zu bytes stored, %zu decoded)", v->n, *dn));
		return WXF_OK;
	}
	*text = NULL;
	*len = 0;
	if (rc == WXF_ENOTFOUND || zkind == 1) {
		w->st.n_zstd_dict++;
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "compression", wxf_model_printf(m, "zstd with a "
		    "dictionary (dictionary not available); %zu bytes kept raw", v->n));
		wxf_msg_warn(m, msg, "zstd-dictionary", "message_content is zstd with a dictionary "
		    "that is not available; not decoded");
	} else {
		w->st.n_zstd_bad++;
		wxf_msg_warn(m, msg, "zstd-corrupt", "message_content (%zu bytes) is not a zstd frame "
		    "that decodes within %zu bytes", v->n, WXF_WX4_TEXT_MAX);
	}
	return WXF_OK;
}

static int
add_msg(wxf_wx4_db *rd, const wxf_sqlrow *r, const char *tmd5, const wxf_prov *prov,
    wxf_err *err)
{
	wxf_wx4 *w = rd->w;
	wxf_model *m = w->m;
	const char *talker, *sender = NULL, *text = NULL;
	const wxf_sqlval *v;
	char *dec = NULL;
	size_t dn = 0, tlen = 0;
	wxf_msg *msg;
	int64_t t, lt, sid, st;
	int is_new, rc;

	if ((msg = wxf_model_new_msg(m, WXF_PLAT_WX4, prov->table, prov, &is_new)) == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	if (!is_new)
		return WXF_OK;
	w->st.n_msgs++;
	msg->local_id = wxf_desk_int(r, "local_id");
	if (msg->local_id == WXF_INT_UNKNOWN)
		msg->local_id = r->rowid;
	msg->server_id = wxf_desk_svr_key(m, wxf_desk_int(r, "server_id"));
	lt = wxf_desk_int(r, "local_type");
	if (lt != WXF_INT_UNKNOWN) {
		/* local_type = subtype << 32 | type */
		msg->raw_type = (int64_t)((uint64_t)lt & 0xffffffffu);
		if (((uint64_t)lt >> 32) != 0)
			wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "SubType", wxf_model_printf(m, "%llu",
			    (unsigned long long)((uint64_t)lt >> 32)));
		if (msg->raw_type == 49 || ((uint64_t)lt >> 32) != 0)
			wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "local_type", wxf_model_printf(m, "%lld",
			    (long long)lt));
	} else
		msg->raw_type = WXF_INT_UNKNOWN;
	t = wxf_desk_int(r, "create_time");
	msg->time_ms = t != WXF_INT_UNKNOWN && t > 0 && t < 100000000000LL ? t * 1000 :
	    WXF_TIME_UNKNOWN;
	st = wxf_desk_int(r, "status");
	msg->status = st;
	sid = wxf_desk_int(r, "real_sender_id");
	if (sid != WXF_INT_UNKNOWN)
		sender = wxf_strmap_get(&rd->name2id, id_key(m, sid));
	/* "is from the owner": the sender is the account (status 2/4 only when no sender) */
	if (sender != NULL)
		msg->is_send = strcmp(sender, w->wxid) == 0;
	else
		msg->is_send = st == 2 ? 1 : st == 4 ? 0 : WXF_INT_UNKNOWN;
	{
		const struct user *e = wxf_strmap_get(&w->user_md5, tmd5);

		talker = e != NULL ? e->u : NULL;
		/* the conversation cites the row that names it (the table holds only its md5) */
		if (e != NULL && wxf_model_find_conv(m, talker) == NULL &&
		    wxf_model_conv(m, talker, &e->prov) == NULL)
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	}
	if (talker == NULL) {
		wxf_prov none;

		w->st.n_talker_unknown++;
		talker = wxf_model_printf(m, "unknown-talker-%s", tmd5);
		memset(&none, 0, sizeof(none));
		none.rowid = INT64_MIN;
		if (wxf_model_find_conv(m, talker) == NULL && wxf_model_conv(m, talker, &none) == NULL)
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
		wxf_msg_warn(m, msg, "talker-unknown", "no Name2Id or contact username has the md5 "
		    "%s that names table %s", tmd5, prov->table != NULL ? prov->table : "?");
	}
	msg->talker = talker;
	if (r->truncated)
		wxf_msg_warn(m, msg, "row-truncated", "row cut short (overflow chain broken)");
	v = wxf_desk_col(r, "message_content");
	if (v != NULL && (v->type == WXF_SQL_TEXT || v->type == WXF_SQL_BLOB) &&
	    (rc = content_of(w, msg, v, wxf_desk_int(r, "WCDB_CT_message_content"), &text, &tlen,
	    &dec, &dn)) != WXF_OK)
		return wxf_err_set(err, rc, "out of memory");
	if ((rc = wxf_wc_decode(m, msg, text, tlen)) != WXF_OK) {
		free(dec);
		return wxf_err_set(err, rc, "out of memory");
	}
	/* the group sender the content did not name: real_sender_id */
	if (msg->sender == NULL && sender != NULL && msg->is_send != 1) {
		msg->sender = sender;
		msg->sender_src = WXF_SENDER_COLUMN;
	}
	if (dec != NULL) {
		rc = wxf_desk_text_witness(w->dk, msg, dec, dn, err);
		free(dec);
		if (rc != WXF_OK)
			return rc;
	}
	v = wxf_desk_col(r, "source");
	if (v != NULL && v->type == WXF_SQL_TEXT && v->n > 0 && v->n < 4096 &&
	    wxf_desk_int(r, "WCDB_CT_source") <= 1)
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "source", wxf_model_strndup(m, (const char *)v->p, v->n));
	if (msg->server_id != NULL && wxf_strmap_get(&w->by_svr, msg->server_id) == NULL &&
	    wxf_strmap_put(&w->by_svr, msg->server_id, msg) != WXF_OK)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	/* packed_info_data: the image md5, resolved once hardlink.db is read */
	v = wxf_desk_col(r, "packed_info_data");
	if (v != NULL && v->type == WXF_SQL_BLOB && v->n > 0) {
		char img[33], vid[33];

		if (wxf_packed_info(v->p, v->n, img, vid) != WXF_OK) {
			w->st.n_packed_bad++;
			wxf_msg_warn(m, msg, "packed-info-malformed", "packed_info_data is not a "
			    "well-formed protobuf (fields before the damage kept)");
		}
		if (img[0] != '\0' && msg->base_type == 3 && prov->origin == WXF_ORIGIN_LIVE &&
		    pend_image(w, msg, img, wxf_model_strdup(m, tmd5)) != WXF_OK)
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
		if (img[0] != '\0')
			return WXF_OK;
	}
	/* no md5 in the row: message_resource.db may hold it (resolved at the end) */
	if (msg->base_type == 3 && prov->origin == WXF_ORIGIN_LIVE &&
	    pend_image(w, msg, "", wxf_model_strdup(m, tmd5)) != WXF_OK)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	return WXF_OK;
}

/* ------------------------------------------------------------------------------ joins */

static int
add_voice(wxf_wx4 *w, const wxf_sqlrow *r, const wxf_prov *prov, wxf_err *err)
{
	const char *svr = wxf_desk_svr_key(w->m, wxf_desk_int(r, "svr_id"));
	const wxf_sqlval *v = wxf_desk_col(r, "voice_data");
	wxf_msg *msg = svr != NULL ? wxf_strmap_get(&w->by_svr, svr) : NULL;

	if (msg == NULL || v == NULL || v->type != WXF_SQL_BLOB || v->n == 0 ||
	    wxf_strmap_get(&w->voiced, msg->server_id) != NULL)
		return WXF_OK;
	if (wxf_strmap_put(&w->voiced, msg->server_id, msg) != WXF_OK)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	w->st.n_voice++;
	return wxf_desk_media_blob(w->dk, msg, "voice", wxf_model_printf(w->m, "voice-%s", svr),
	    v->p, v->n, "media_0.db VoiceInfo.voice_data (svr_id = server_id)", prov, err);
}

static int
safe_name(const char *s)
{
	return s != NULL && *s != '\0' && strchr(s, '/') == NULL && strchr(s, '\\') == NULL &&
	    strstr(s, "..") == NULL;
}

static int
add_hardlink(wxf_wx4_db *rd, const wxf_sqlrow *r)
{
	wxf_wx4 *w = rd->w;
	wxf_model *m = w->m;
	const char *md = wxf_desk_str(m, r, "md5"), *name = wxf_desk_str(m, r, "file_name");
	const char *d1 = wxf_strmap_get(&rd->dirs, id_key(m, wxf_desk_int(r, "dir1")));
	const char *d2 = wxf_strmap_get(&rd->dirs, id_key(m, wxf_desk_int(r, "dir2")));
	char h[33];

	if (md == NULL || strlen(md) != 32 || !safe_name(name) || !safe_name(d1) || !safe_name(d2) ||
	    !wxf_desk_md5_hex(md, h))
		return WXF_OK;
	if (wxf_strmap_get(&w->hardlink, h) != NULL)
		return WXF_OK;
	return wxf_strmap_put(&w->hardlink, wxf_model_strdup(m, h),
	    (void *)wxf_model_printf(m, "msg/attach/%s/%s/Img/%s", d1, d2, name));
}

/* The key of a message in the resource map: its conversation, local id and time. */
static const char *
resource_key(wxf_model *m, const char *tmd5, int64_t local_id, int64_t t)
{
	return wxf_model_printf(m, "%s/%lld/%lld", tmd5, (long long)local_id, (long long)t);
}

/* MessageResourceInfo(chat_id -> ChatName2Id rowid, message_local_id, message_create_time,
 * packed_info): the image md5 of a message whose own packed_info_data lacks it (corrections
 * B).  Live rows only; the first row of a message wins. */
static int
add_resource(wxf_wx4_db *rd, const wxf_sqlrow *r, const wxf_prov *prov)
{
	wxf_wx4 *w = rd->w;
	wxf_model *m = w->m;
	const char *u = wxf_strmap_get(&rd->name2id, id_key(m, wxf_desk_int(r, "chat_id")));
	const wxf_sqlval *v = wxf_desk_col(r, "packed_info");
	int64_t lid = wxf_desk_int(r, "message_local_id");
	int64_t t = wxf_desk_int(r, "message_create_time");
	char h[33], img[33], vid[33];
	const char *k;
	struct resource *e;

	if (u == NULL || v == NULL || v->type != WXF_SQL_BLOB || v->n == 0 ||
	    lid == WXF_INT_UNKNOWN || t == WXF_INT_UNKNOWN ||
	    prov->origin != WXF_ORIGIN_LIVE || prov->status != WXF_STATUS_INTACT)
		return WXF_OK;
	if (wxf_packed_info(v->p, v->n, img, vid) != WXF_OK)
		w->st.n_packed_bad++;
	if (img[0] == '\0')
		return WXF_OK;
	wxf_md5_hex(u, strlen(u), h);
	if ((k = resource_key(m, h, lid, t)) == NULL)
		return WXF_ENOMEM;
	if (wxf_strmap_get(&w->resource, k) != NULL)
		return WXF_OK;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return WXF_ENOMEM;
	memcpy(e->md5, img, 33);
	/* the prov's strings belong to a database that closes: arena copies */
	e->prov = *prov;
	e->prov.file = wxf_model_strdup(m, prov->file);
	e->prov.image = wxf_model_strdup(m, prov->image);
	e->prov.table = wxf_model_strdup(m, prov->table);
	e->prov.range_sha256 = wxf_model_strdup(m, prov->range_sha256);
	e->next = w->resources;
	w->resources = e;
	w->st.n_resource_rows++;
	return wxf_strmap_put(&w->resource, k, e);
}

/* A pending image without an md5 of its own: message_resource.db's, cited as a witness (the
 * resource row names the message and holds the md5).  0 when none. */
static int
resource_md5(wxf_wx4 *w, struct pending_img *p, int *rc)
{
	const wxf_msg *x = p->msg;
	const struct resource *e;

	*rc = WXF_OK;
	if (x->local_id == WXF_INT_UNKNOWN || x->time_ms == WXF_TIME_UNKNOWN)
		return 0;
	e = wxf_strmap_get(&w->resource, resource_key(w->m, p->talker_md5, x->local_id,
	    x->time_ms / 1000));
	if (e == NULL)
		return 0;
	memcpy(p->md5, e->md5, 33);
	w->st.n_resource_used++;
	if (wxf_msg_add_witness(w->m, p->msg, WXF_WIT_INDEX, e->md5, &e->prov) < 0)
		*rc = WXF_ENOMEM;
	return 1;
}

/* The account's files msg/attach/<md5(talker)>/<month>/Img/<name>, by "<talker md5>/<name>". */
static int
build_attach(wxf_wx4 *w)
{
	size_t i, n = wxf_desk_n_items(w->dk), ld = strlen(w->dir);

	w->attach_built = 1;
	for (i = 0; i < n; i++) {
		const wxf_item *it = wxf_desk_item_at(w->dk, i);
		const char *rel, *t, *img, *b;

		if (strncmp(it->path, w->dir, ld) != 0 || it->path[ld] != '/')
			continue;
		rel = it->path + ld + 1;
		if (strncmp(rel, "msg/attach/", 11) != 0)
			continue;
		t = rel + 11;
		img = strstr(t, "/Img/");
		b = strrchr(rel, '/');
		if (img == NULL || b == NULL || b != img + 4 || strchr(t, '/') - t != 32)
			continue;
		{
			const char *k = wxf_model_printf(w->m, "%.32s/%s", t, b + 1);

			if (k == NULL || (wxf_strmap_get(&w->attach, k) == NULL &&
			    wxf_strmap_put(&w->attach, k, (void *)wxf_model_strdup(w->m, rel)) != WXF_OK))
				return WXF_ENOMEM;
		}
	}
	return WXF_OK;
}

static const char *
attach_find(wxf_wx4 *w, const char *tmd5, const char *md5, const char *suffix)
{
	return wxf_strmap_get(&w->attach, wxf_model_printf(w->m, "%s/%s%s.dat", tmd5, md5, suffix));
}

static int
resolve_images(wxf_wx4 *w)
{
	size_t i;
	int rc;

	if (!w->attach_built && (rc = build_attach(w)) != WXF_OK)
		return rc;
	for (i = 0; i < w->n_pend; i++) {
		struct pending_img *p = &w->pend[i];
		const char *rel, *src, *hl, *th, *how = "packed_info_data md5";

		if (p->md5[0] == '\0') {
			if (!resource_md5(w, p, &rc)) {
				if (rc != WXF_OK || wxf_desk_media_missing(w->dk, p->msg, "image",
				    wxf_model_printf(w->m, "message_resource.db MessageResourceInfo "
				    "(chat md5 %s, message_local_id %lld)", p->talker_md5,
				    (long long)p->msg->local_id), "packed_info_data without an md5") !=
				    WXF_OK)
					return WXF_ENOMEM;
				continue;
			}
			if (rc != WXF_OK)
				return rc;
			how = "message_resource.db MessageResourceInfo packed_info md5";
		}
		rel = attach_find(w, p->talker_md5, p->md5, "_h");
		hl = wxf_strmap_get(&w->hardlink, p->md5);
		src = wxf_model_printf(w->m, "%s; msg/attach/<md5(talker)>/<month>/Img/<md5>_h.dat "
		    "(HD)", how);
		if (rel == NULL && hl != NULL) {
			rel = hl;
			src = wxf_model_printf(w->m, "%s; hardlink.db image_hardlink_info", how);
		}
		if (rel == NULL) {
			rel = attach_find(w, p->talker_md5, p->md5, "");
			src = wxf_model_printf(w->m, "%s; msg/attach/<md5(talker)>/<month>/Img/<md5>.dat",
			    how);
		}
		if (rel != NULL) {
			char *b;

			if ((rc = wxf_desk_media_file(w->dk, p->msg, "image", rel, src, 1)) != WXF_OK)
				return rc;
			/* its thumbnail beside it: <md5>_t.dat */
			th = attach_find(w, p->talker_md5, p->md5, "_t");
			if (th == NULL && (b = strrchr(rel, '/')) != NULL)
				th = wxf_model_printf(w->m, "%.*s/%s_t.dat", (int)(b - rel), rel, p->md5);
			if (th != NULL && (rc = wxf_desk_media_file(w->dk, p->msg, "image-thumb", th,
			    wxf_model_printf(w->m, "%s; <md5>_t.dat beside the image", how), 0)) !=
			    WXF_OK)
				return rc;
			continue;
		}
		if (wxf_desk_media_missing(w->dk, p->msg, "image", wxf_model_printf(w->m,
		    "msg/attach/%s/<month>/Img/%s.dat", p->talker_md5, p->md5), how) != WXF_OK)
			return WXF_ENOMEM;
	}
	w->n_pend = 0;
	return WXF_OK;
}

/* ------------------------------------------------------------------------------ rows */

int
wxf_wx4_db_add_row(wxf_wx4_db *rd, const wxf_sqlrow *row, const wxf_prov *prov_in,
    wxf_err *err)
{
	wxf_wx4 *w = rd->w;
	wxf_prov prov;
	char h[33];
	int rc = WXF_OK;

	if (row == NULL || row->table == NULL)
		return WXF_OK;
	prov = wxf_desk_dbref_prov(&rd->ref, row, prov_in);
	if (wxf_desk_md5_table(row->table, "Msg_", h))
		rc = add_msg(rd, row, h, &prov, err);
	else if (wxf_desk_tname_is(row, "contact") || wxf_desk_tname_is(row, "stranger"))
		rc = add_contact(w, row, &prov, err);
	else if (wxf_desk_tname_is(row, "chat_room"))
		rc = add_chatroom(w, row, &prov, err);
	else if (wxf_desk_tname_is(row, "chatroom_member") && prov.origin == WXF_ORIGIN_LIVE)
		rc = add_member(w, row, &prov, err);
	else if (wxf_desk_tname_is(row, "SessionTable"))
		rc = add_session(w, row, &prov, err);
	else if (wxf_desk_tname_is(row, "VoiceInfo"))
		rc = add_voice(w, row, &prov, err);
	return rc;
}

struct scan_arg {
	wxf_wx4_db *rd;
	wxf_err *err;
};

static int
row_cb(void *arg, const wxf_sqlrow *row)
{
	struct scan_arg *a = arg;

	return wxf_wx4_db_add_row(a->rd, row, NULL, a->err);
}

/* Name2Id, dir2id and hard-link rows: maps. */
static int
map_cb(void *arg, const wxf_sqlrow *row)
{
	struct scan_arg *a = arg;
	wxf_wx4_db *rd = a->rd;
	wxf_model *m = rd->w->m;
	const char *k = id_key(m, row->rowid), *v;

	if (wxf_desk_tname_is(row, "Name2Id") || wxf_desk_tname_is(row, "ChatName2Id")) {
		v = wxf_desk_str(m, row, "user_name");
		if (v == NULL)
			return WXF_OK;
		{
			wxf_prov p = wxf_desk_dbref_prov(&rd->ref, row, NULL);

			return wxf_strmap_put(&rd->name2id, k, (void *)v) != WXF_OK ||
			    know_user(rd->w, v, &p) != WXF_OK ?
			    wxf_err_set(a->err, WXF_ENOMEM, "out of memory") : WXF_OK;
		}
	}
	if (wxf_desk_tname_is(row, "dir2id")) {
		v = wxf_desk_str(m, row, "username");
		return v != NULL && wxf_strmap_put(&rd->dirs, k, (void *)v) != WXF_OK ?
		    wxf_err_set(a->err, WXF_ENOMEM, "out of memory") : WXF_OK;
	}
	if (wxf_desk_tname_is(row, "image_hardlink_info_v3") ||
	    wxf_desk_tname_is(row, "image_hardlink_info_v4"))
		return add_hardlink(rd, row) != WXF_OK ? wxf_err_set(a->err, WXF_ENOMEM,
		    "out of memory") : WXF_OK;
	if (wxf_desk_tname_is(row, "MessageResourceInfo")) {
		wxf_prov p = wxf_desk_dbref_prov(&rd->ref, row, NULL);

		return add_resource(rd, row, &p) != WXF_OK ? wxf_err_set(a->err, WXF_ENOMEM,
		    "out of memory") : WXF_OK;
	}
	return WXF_OK;
}

int
wxf_wx4_db_read(wxf_wx4_db *rd, wxf_err *err)
{
	static const char *const maps[] = { "Name2Id", "ChatName2Id", "dir2id",
	    "image_hardlink_info_v3", "image_hardlink_info_v4", "MessageResourceInfo", NULL };
	static const char *const rows[] = { "contact", "stranger", "chat_room", "chatroom_member",
	    "SessionTable", "VoiceInfo", NULL };
	struct scan_arg a = { rd, err };
	wxf_model *m = rd->w->m;
	size_t i;
	int rc;

	for (i = 0; maps[i] != NULL; i++)
		if ((rc = wxf_desk_dbref_scan(&rd->ref, maps[i], m, map_cb, &a,
		    err)) != WXF_OK)
			return rc;
	for (i = 0; rows[i] != NULL; i++)
		if ((rc = wxf_desk_dbref_scan(&rd->ref, rows[i], m, row_cb, &a,
		    err)) != WXF_OK)
			return rc;
	/* the conversation tables, in schema order */
	for (i = 0; i < wxf_sqlite_n_objs(rd->ref.db); i++) {
		const wxf_sqlite_obj *t = wxf_sqlite_obj_at(rd->ref.db, i);
		char h[33];

		if (!wxf_desk_md5_table(t, "Msg_", h))
			continue;
		if ((rc = wxf_desk_dbref_scan(&rd->ref, t->name, m, row_cb, &a,
		    err)) != WXF_OK)
			return rc;
	}
	return WXF_OK;
}

int
wxf_wx4_finish(wxf_wx4 *w, wxf_err *err)
{
	wxf_model *m = w->m;
	size_t i;
	int rc;

	if ((rc = resolve_images(w)) != WXF_OK)
		return wxf_err_set(err, rc, "out of memory");
	/* voice messages whose recording no VoiceInfo row holds */
	for (i = 0; i < m->n_msgs; i++) {
		wxf_msg *x = m->msgs[i];

		if (x->platform != WXF_PLAT_WX4 || x->base_type != 34 || x->server_id == NULL ||
		    wxf_strmap_get(&w->voiced, x->server_id) != NULL ||
		    x->prov.status != WXF_STATUS_INTACT)
			continue;
		if (wxf_desk_media_missing(w->dk, x, "voice", wxf_model_printf(m,
		    "media_N.db VoiceInfo.svr_id = %s", x->server_id), "VoiceInfo") != WXF_OK)
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	}
	return WXF_OK;
}
