/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Windows WeChat 3.x reader (tables in wc_win3.h).  Order inside one account (the driver's):
 * MicroMsg.db first (contacts, groups, sessions), then the MSG shards, then the voice, hard
 * link and full-text databases, whose rows join the messages by server id or image md5.
 * Every value is hostile: protobufs and TLVs go through wc_desk_blob.c, LZ4 through liblz4
 * with an output bound, XML through wc_msgdecode.c.
 */
#include "config.h"
#include "wechat/wc_win3.h"
#include "wechat/wc_desk_blob.h"
#include "wechat/wc_msgdecode.h"
#include "base/wxf_hash.h"
#include "base/wxf_strmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pending_img {
	wxf_msg *msg;
	char md5[33];
};

struct revoke {
	int64_t svrid, revoke_svrid, time;
};

struct wxf_win3 {
	wxf_model *m;
	const char *wxid, *dir;
	wxf_desk *dk;
	wxf_strmap by_svr;             /* server id -> message (first seen) */
	wxf_strmap hardlink;           /* image md5 -> rel path of the image .dat */
	struct pending_img *pend;
	size_t n_pend, cap_pend;
	struct revoke *rev;
	size_t n_rev;
	wxf_strmap fts_meta;           /* docid (text) -> msgId (text) */
	wxf_strmap voiced;             /* server ids with a voice */
	wxf_win3_stats st;
};

struct wxf_win3_db {
	wxf_win3 *w;
	wxf_desk_dbref ref;             /* the database and the paths its rows cite */
	wxf_strmap name2id;            /* rowid (text) -> username */
	wxf_strmap dirs;               /* HardLinkImageID: DirID (text) -> Dir */
};

/* ------------------------------------------------------------------------------ life */

int
wxf_win3_new(wxf_win3 **wp, wxf_model *m, const char *wxid, const char *acct_dir, wxf_desk *dk,
    wxf_err *err)
{
	wxf_win3 *w = calloc(1, sizeof(*w));
	wxf_prov p;

	*wp = NULL;
	if (w == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "win3: out of memory");
	w->m = m;
	w->wxid = wxf_model_strdup(m, wxid);
	w->dir = wxf_model_strdup(m, acct_dir);
	w->dk = dk;
	/* the owner is the account folder's name: a citation of the folder itself */
	memset(&p, 0, sizeof(p));
	p.file = w->dir;
	p.rowid = INT64_MIN;
	p.confidence = 100;
	if (w->wxid == NULL || w->dir == NULL || wxf_model_set_owner(m, w->wxid, &p) == NULL) {
		free(w);
		return wxf_err_set(err, WXF_ENOMEM, "win3: out of memory");
	}
	*wp = w;
	return WXF_OK;
}

void
wxf_win3_free(wxf_win3 **wp)
{
	wxf_win3 *w = *wp;

	if (w == NULL)
		return;
	wxf_strmap_free(&w->by_svr);
	wxf_strmap_free(&w->hardlink);
	wxf_strmap_free(&w->fts_meta);
	wxf_strmap_free(&w->voiced);
	free(w->pend);
	free(w->rev);
	free(w);
	*wp = NULL;
}

const wxf_win3_stats *
wxf_win3_stats_of(const wxf_win3 *w)
{
	return &w->st;
}

int
wxf_win3_db_open(wxf_win3 *w, wxf_win3_db **rp, wxf_sqlite_db *db, const char *evidence,
    const char *image, const char *wal, const char *wal_image, wxf_err *err)
{
	wxf_win3_db *r = calloc(1, sizeof(*r));

	*rp = NULL;
	if (r == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "win3: out of memory");
	r->w = w;
	wxf_desk_dbref_init(&r->ref, w->m, db, evidence, image, wal, wal_image);
	*rp = r;
	return WXF_OK;
}

void
wxf_win3_db_close(wxf_win3_db **rp)
{
	if (*rp == NULL)
		return;
	wxf_strmap_free(&(*rp)->name2id);
	wxf_strmap_free(&(*rp)->dirs);
	free(*rp);
	*rp = NULL;
}

/* ------------------------------------------------------------------------------ contacts */

/* One ExtraBuf entry's UTF-16 text as an attribute cited through the decoded copy. */
static int
extrabuf_attr(wxf_win3 *w, wxf_attrs *list, const wxf_extrabuf_ent *e, const char *source,
    const wxf_prov *prov, wxf_err *err)
{
	char buf[512];
	size_t n = wxf_utf16le_to_utf8(e->p, e->n, buf, sizeof(buf));
	wxf_prov p;
	int rc;

	if (n == 0)
		return WXF_OK;
	if ((rc = wxf_desk_derived(w->dk, prov->file, buf, n, prov, &p, err)) != WXF_OK)
		return rc;
	return wxf_attrs_add(w->m, list, wxf_model_strndup(w->m, buf, n), source, WXF_TIME_UNKNOWN,
	    &p) == WXF_OK ? WXF_OK : wxf_err_set(err, WXF_ENOMEM, "out of memory");
}

static int
add_extrabuf(wxf_win3 *w, wxf_identity *id, const wxf_sqlval *v, const wxf_prov *prov,
    wxf_err *err)
{
	wxf_cur c = wxf_cur_make(v->p, v->n);
	wxf_extrabuf_ent e;
	int rc, k = 0;

	while ((rc = wxf_extrabuf_next(&c, &e)) == 1 && k++ < 256) {
		int r2 = WXF_OK;

		if (e.type != 0x18)
			continue;
		if (wxf_extrabuf_is(&e, "759378AD"))
			r2 = extrabuf_attr(w, &id->phones, &e, "Contact.ExtraBuf 759378AD (mobile, "
			    "UTF-16LE; decoded copy)", prov, err);
		else if (wxf_extrabuf_is(&e, "46CF10C4"))
			r2 = extrabuf_attr(w, &id->other, &e, "Contact.ExtraBuf 46CF10C4 (signature, "
			    "UTF-16LE; decoded copy)", prov, err);
		else if (wxf_extrabuf_is(&e, "1D025BBF"))
			r2 = extrabuf_attr(w, &id->other, &e, "Contact.ExtraBuf 1D025BBF (city, "
			    "UTF-16LE; decoded copy)", prov, err);
		else if (wxf_extrabuf_is(&e, "F917BCC0"))
			r2 = extrabuf_attr(w, &id->other, &e, "Contact.ExtraBuf F917BCC0 (company, "
			    "UTF-16LE; decoded copy)", prov, err);
		if (r2 != WXF_OK)
			return r2;
	}
	if (rc < 0) {
		w->st.n_extrabuf_bad++;
		if (wxf_model_anomaly(w->m, WXF_SEV_WARN, "extrabuf-malformed", NULL, NULL, prov,
		    "%s: Contact.ExtraBuf is damaged at byte %zu (entries before it kept)",
		    id->username, e.off) != WXF_OK)
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	}
	return WXF_OK;
}

static int
add_contact(wxf_win3 *w, const wxf_sqlrow *r, const wxf_prov *prov, wxf_err *err)
{
	wxf_model *m = w->m;
	const char *u = wxf_desk_str(m, r, "UserName");
	const wxf_sqlval *v;
	wxf_identity *id;
	int64_t friend, verify;
	int live = prov->origin == WXF_ORIGIN_LIVE && prov->status == WXF_STATUS_INTACT;

	if (u == NULL)
		return WXF_OK;
	if ((id = wxf_model_identity(m, u, prov)) == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	w->st.n_contacts++;
	friend = wxf_desk_int(r, "Reserved1");
	verify = wxf_desk_int(r, "VerifyFlag");
	if (live && friend == 1)
		id->in_contacts = 1;
	if (live || id->type_flags == WXF_INT_UNKNOWN) {
		/* Reserved1 1 = friend or joined group, 0 = a group member only: the friend bit */
		id->type_flags = friend == WXF_INT_UNKNOWN ? WXF_INT_UNKNOWN : (friend == 1);
		id->verify_flag = verify;
		id->delete_flag = wxf_desk_int(r, "DelFlag");
		id->flags_prov = *prov;
	}
	if (verify != WXF_INT_UNKNOWN && verify != 0 && id->kind == WXF_ID_PERSON)
		id->kind = WXF_ID_OFFICIAL;
	if (wxf_attrs_add(m, &id->aliases, wxf_desk_str(m, r, "Alias"), "Contact.Alias",
	    WXF_TIME_UNKNOWN, prov) != WXF_OK ||
	    wxf_attrs_add(m, &id->remarks, wxf_desk_str(m, r, "Remark"), "Contact.Remark",
	    WXF_TIME_UNKNOWN, prov) != WXF_OK ||
	    wxf_attrs_add(m, &id->nicknames, wxf_desk_str(m, r, "NickName"), "Contact.NickName",
	    WXF_TIME_UNKNOWN, prov) != WXF_OK ||
	    wxf_attrs_add(m, &id->encrypt_usernames, wxf_desk_str(m, r, "EncryptUserName"),
	    "Contact.EncryptUserName", WXF_TIME_UNKNOWN, prov) != WXF_OK)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	if (id->kind == WXF_ID_GROUP) {
		wxf_group *g = wxf_model_group(m, u, prov);

		if (g == NULL || wxf_attrs_add(m, &g->names, wxf_desk_str(m, r, "NickName"),
		    "Contact.NickName", WXF_TIME_UNKNOWN, prov) != WXF_OK)
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	}
	v = wxf_desk_col(r, "ExtraBuf");
	if (v != NULL && v->type == WXF_SQL_BLOB && v->n > 0)
		return add_extrabuf(w, id, v, prov, err);
	return WXF_OK;
}

/* UserNameList: usernames joined by the two characters "^G" (a control-G byte accepted too). */
static int
add_members(wxf_win3 *w, wxf_group *g, const char *list, const wxf_prov *prov)
{
	const char *s = list;

	while (s != NULL && *s != '\0') {
		const char *e1 = strstr(s, "^G"), *e2 = strchr(s, '\x07'), *e;
		size_t l;

		e = e1 == NULL ? e2 : e2 == NULL ? e1 : e1 < e2 ? e1 : e2;
		l = e != NULL ? (size_t)(e - s) : strlen(s);
		if (l > 0 && wxf_group_add_member(w->m, g, wxf_model_strndup(w->m, s, l), NULL, prov) !=
		    WXF_OK)
			return WXF_ENOMEM;
		s = e == NULL ? NULL : e + (*e == '^' ? 2 : 1);
	}
	return WXF_OK;
}

static int
add_chatroom(wxf_win3 *w, const wxf_sqlrow *r, const wxf_prov *prov, wxf_err *err)
{
	wxf_model *m = w->m;
	const char *name = wxf_desk_str(m, r, "ChatRoomName"), *list;
	const wxf_sqlval *v;
	wxf_group *g;

	if (name == NULL)
		return WXF_OK;
	if ((g = wxf_model_group(m, name, prov)) == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	list = wxf_desk_str(m, r, "UserNameList");
	if (list != NULL && g->memberlist_raw == NULL)
		g->memberlist_raw = list;
	if (add_members(w, g, list, prov) != WXF_OK ||
	    wxf_attrs_add(m, &g->owners, wxf_desk_str(m, r, "Reserved2"), "ChatRoom.Reserved2",
	    WXF_TIME_UNKNOWN, prov) != WXF_OK)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	v = wxf_desk_col(r, "RoomData");
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
			    (d != NULL && ((id = wxf_model_identity(m, u, prov)) == NULL ||
			    wxf_attrs_add(m, &id->nicknames, d, "ChatRoom.RoomData.2(display name)",
			    WXF_TIME_UNKNOWN, prov) != WXF_OK)))
				return wxf_err_set(err, WXF_ENOMEM, "out of memory");
		}
		if (rc < 0 && wxf_model_anomaly(m, WXF_SEV_WARN, "protobuf-malformed", NULL, NULL,
		    prov, "%s: ChatRoom.RoomData is not a well-formed protobuf", name) != WXF_OK)
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	}
	return WXF_OK;
}

static int
add_session(wxf_win3 *w, const wxf_sqlrow *r, const wxf_prov *prov, wxf_err *err)
{
	wxf_model *m = w->m;
	const char *u = wxf_desk_str(m, r, "strUsrName");
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
	t = wxf_desk_int(r, "nTime");
	cv->last_time_ms = t != WXF_INT_UNKNOWN && t > 0 && t < 100000000000LL ? t * 1000 :
	    WXF_TIME_UNKNOWN;
	cv->unread_count = wxf_desk_int(r, "nUnReadCount");
	cv->digest = wxf_desk_str(m, r, "strContent");
	return WXF_OK;
}

static int
add_revoke(wxf_win3 *w, const wxf_sqlrow *r)
{
	struct revoke *nr = realloc(w->rev, (w->n_rev + 1) * sizeof(*w->rev));

	if (nr == NULL)
		return WXF_ENOMEM;
	w->rev = nr;
	nr[w->n_rev].svrid = wxf_desk_int(r, "MsgSvrID");
	nr[w->n_rev].revoke_svrid = wxf_desk_int(r, "RevokeSvrID");
	nr[w->n_rev++].time = wxf_desk_int(r, "CreateTime");
	return WXF_OK;
}

/* ------------------------------------------------------------------------------ messages */

/* What rel_path answers when it could not allocate (compare the pointer). */
static const char rel_oom[] = "";

/* "<wxid>\FileStorage\..." → "FileStorage/..." (the first component is the account folder);
 * NULL when the bytes are no such path, rel_oom when memory ran out. */
static const char *
rel_path(wxf_model *m, const uint8_t *p, size_t n)
{
	char *s;
	const char *r;
	size_t i, start = 0;

	if (n == 0 || n > 1024)
		return NULL;
	if ((s = malloc(n + 1)) == NULL)
		return rel_oom;
	for (i = 0; i < n; i++)
		s[i] = p[i] == '\\' ? '/' : (char)p[i];
	s[n] = '\0';
	if (memchr(s, '\0', n) != NULL || strstr(s, "..") != NULL) {
		free(s);
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (s[i] == '/') {
			start = i + 1;
			break;
		}
	r = start > 0 && start < n ? wxf_model_strdup(m, s + start) : NULL;
	free(s);
	return r;
}

static int
pend_image(wxf_win3 *w, wxf_msg *msg, const char *md5)
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
	memcpy(w->pend[w->n_pend++].md5, md5, 33);
	return WXF_OK;
}

static int
add_msg(wxf_win3_db *rd, const wxf_sqlrow *r, const wxf_prov *prov, wxf_err *err)
{
	wxf_win3 *w = rd->w;
	wxf_model *m = w->m;
	wxf_bytesextra_item it[WXF_BYTESEXTRA_MAX];
	size_t n_it = 0, i, dn = 0;
	const char *talker, *thumb = NULL, *orig = NULL, *text = NULL;
	const wxf_sqlval *v;
	char *dec = NULL;
	wxf_msg *msg;
	int64_t t, snd, tid;
	int is_new, rc = WXF_OK;
	size_t tlen = 0;

	if ((msg = wxf_model_new_msg(m, WXF_PLAT_WIN3, "MSG", prov, &is_new)) == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	if (!is_new)
		return WXF_OK;
	w->st.n_msgs++;
	msg->local_id = wxf_desk_int(r, "localId");
	if (msg->local_id == WXF_INT_UNKNOWN)
		msg->local_id = r->rowid;
	msg->server_id = wxf_desk_svr_key(m, wxf_desk_int(r, "MsgSvrID"));
	msg->raw_type = wxf_desk_int(r, "Type");
	t = wxf_desk_int(r, "SubType");
	if (t != WXF_INT_UNKNOWN && t != 0)
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "SubType", wxf_model_printf(m, "%lld", (long long)t));
	t = wxf_desk_int(r, "CreateTime");
	msg->time_ms = t != WXF_INT_UNKNOWN && t > 0 && t < 100000000000LL ? t * 1000 :
	    WXF_TIME_UNKNOWN;
	snd = wxf_desk_int(r, "IsSender");
	msg->is_send = snd == 0 || snd == 1 ? snd : WXF_INT_UNKNOWN;
	msg->status = wxf_desk_int(r, "Status");
	talker = wxf_desk_str(m, r, "StrTalker");
	tid = wxf_desk_int(r, "TalkerId");
	if (talker == NULL && tid != WXF_INT_UNKNOWN)
		talker = wxf_strmap_get(&rd->name2id, wxf_model_printf(m, "%lld", (long long)tid));
	if (talker == NULL) {
		wxf_prov none;

		talker = wxf_model_printf(m, "unknown-talker-%lld", (long long)tid);
		memset(&none, 0, sizeof(none));
		none.rowid = INT64_MIN;
		if (wxf_model_find_conv(m, talker) == NULL && wxf_model_conv(m, talker, &none) == NULL)
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
		wxf_msg_warn(m, msg, "talker-unknown", "neither StrTalker nor Name2ID names the "
		    "conversation (TalkerId %lld)", (long long)tid);
	}
	msg->talker = talker;
	if (r->truncated)
		wxf_msg_warn(m, msg, "row-truncated", "row cut short (overflow chain broken)");
	/* BytesExtra: the group sender and the media paths */
	v = wxf_desk_col(r, "BytesExtra");
	if (v != NULL && v->type == WXF_SQL_BLOB && v->n > 0) {
		if (wxf_bytesextra_parse(v->p, v->n, it, WXF_BYTESEXTRA_MAX, &n_it) != WXF_OK) {
			w->st.n_bytesextra_bad++;
			wxf_msg_warn(m, msg, "bytesextra-malformed", "BytesExtra is not a well-formed "
			    "protobuf (items before the damage kept)");
		}
		if (n_it > WXF_BYTESEXTRA_MAX)
			n_it = WXF_BYTESEXTRA_MAX;
		for (i = 0; i < n_it; i++) {
			if (it[i].type == 1 && it[i].n > 0 && it[i].n < 128 && msg->is_send != 1 &&
			    wxf_id_kind_guess(talker) == WXF_ID_GROUP) {
				msg->sender = wxf_model_strndup(m, (const char *)it[i].p, it[i].n);
				msg->sender_src = WXF_SENDER_COLUMN;
			} else if (it[i].type == 3 && thumb == NULL)
				thumb = rel_path(m, it[i].p, it[i].n);
			else if (it[i].type == 4 && orig == NULL)
				orig = rel_path(m, it[i].p, it[i].n);
		}
		if (thumb == rel_oom || orig == rel_oom)
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	}
	/* content: CompressContent (LZ4 block) for app messages, else StrContent */
	v = wxf_desk_col(r, "CompressContent");
	if (v != NULL && v->type == WXF_SQL_BLOB && v->n > 0) {
		rc = wxf_desk_lz4(v->p, v->n, WXF_WIN3_TEXT_MAX, &dec, &dn);
		if (rc == WXF_ENOMEM)
			return wxf_err_set(err, rc, "out of memory");
		if (rc == WXF_OK) {
			w->st.n_lz4++;
			text = dec;
			tlen = dn;
			wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "compression", wxf_model_printf(m, "CompressContent "
			    "LZ4 block (%zu bytes stored, %zu decoded)", v->n, dn));
		} else {
			w->st.n_lz4_bad++;
			wxf_msg_warn(m, msg, "lz4-corrupt", "CompressContent (%zu bytes) is not an LZ4 "
			    "block that decodes within %zu bytes; StrContent used", v->n,
			    WXF_WIN3_TEXT_MAX);
		}
	}
	if (text == NULL) {
		v = wxf_desk_col(r, "StrContent");
		if (v != NULL && (v->type == WXF_SQL_TEXT || v->type == WXF_SQL_BLOB)) {
			text = (const char *)v->p;
			tlen = v->n;
		}
	}
	if ((rc = wxf_wc_decode(m, msg, text, tlen)) != WXF_OK) {
		free(dec);
		return wxf_err_set(err, rc, "out of memory");
	}
	if (dec != NULL) {
		rc = wxf_desk_text_witness(w->dk, msg, dec, dn, err);
		free(dec);
		if (rc != WXF_OK)
			return rc;
	}
	if (msg->server_id != NULL && wxf_strmap_get(&w->by_svr, msg->server_id) == NULL &&
	    wxf_strmap_put(&w->by_svr, msg->server_id, msg) != WXF_OK)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	/* media named by BytesExtra; images without a path wait for HardLinkImage.db */
	if (msg->base_type == 3 || msg->base_type == 43) {
		const char *role = msg->base_type == 3 ? "image" : "video";
		char h[33];

		if (orig != NULL)
			rc = wxf_desk_media_file(w->dk, msg, role, orig, "MSG.BytesExtra 4", 1);
		if (rc == WXF_OK && thumb != NULL)
			rc = wxf_desk_media_file(w->dk, msg, msg->base_type == 3 ? "image-thumb" :
			    "video-thumb", thumb, "MSG.BytesExtra 3", 0);
		if (rc == WXF_OK && orig == NULL && msg->base_type == 3 && wxf_desk_img_md5(msg->payload, h))
			rc = pend_image(w, msg, h);
		if (rc != WXF_OK)
			return wxf_err_set(err, rc, "out of memory");
	}
	return WXF_OK;
}

/* ------------------------------------------------------------------------------ joins */

static int
add_voice(wxf_win3 *w, const wxf_sqlrow *r, const wxf_prov *prov, wxf_err *err)
{
	const char *svr = wxf_desk_svr_key(w->m, wxf_desk_int(r, "Reserved0"));
	const wxf_sqlval *v = wxf_desk_col(r, "Buf");
	wxf_msg *msg = svr != NULL ? wxf_strmap_get(&w->by_svr, svr) : NULL;

	if (msg == NULL || v == NULL || v->type != WXF_SQL_BLOB || v->n == 0 ||
	    wxf_strmap_get(&w->voiced, msg->server_id) != NULL)
		return WXF_OK;
	if (wxf_strmap_put(&w->voiced, msg->server_id, msg) != WXF_OK)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	w->st.n_voice++;
	return wxf_desk_media_blob(w->dk, msg, "voice", wxf_model_printf(w->m, "voice-%s", svr),
	    v->p, v->n, "MediaMSG.Media.Buf (Reserved0 = MsgSvrID)", prov, err);
}

static int
add_hardlink(wxf_win3_db *rd, const wxf_sqlrow *r)
{
	wxf_win3 *w = rd->w;
	wxf_model *m = w->m;
	const wxf_sqlval *md = wxf_desk_col(r, "MD5");
	const char *name = wxf_desk_str(m, r, "FileName"), *d1, *d2;
	char h[33];

	if (md == NULL || name == NULL || strchr(name, '/') != NULL || strstr(name, "..") != NULL)
		return WXF_OK;
	if (md->type == WXF_SQL_BLOB && md->n == 16)
		wxf_hex(md->p, 16, h);
	else
		return WXF_OK;
	d1 = wxf_strmap_get(&rd->dirs, wxf_model_printf(m, "%lld", (long long)wxf_desk_int(r,
	    "DirID1")));
	d2 = wxf_strmap_get(&rd->dirs, wxf_model_printf(m, "%lld", (long long)wxf_desk_int(r,
	    "DirID2")));
	if (d1 == NULL || d2 == NULL || strchr(d1, '/') || strchr(d2, '/') || strstr(d1, "..") ||
	    strstr(d2, ".."))
		return WXF_OK;
	if (wxf_strmap_get(&w->hardlink, wxf_model_strdup(m, h)) != NULL)
		return WXF_OK;
	return wxf_strmap_put(&w->hardlink, wxf_model_strdup(m, h),
	    (void *)wxf_model_printf(m, "FileStorage/MsgAttach/%s/Image/%s/%s", d1, d2, name));
}

static int
add_fts(wxf_win3_db *rd, const wxf_sqlrow *r, const wxf_prov *prov, wxf_err *err)
{
	wxf_win3 *w = rd->w;
	wxf_model *m = w->m;
	const char *doc = wxf_model_printf(m, "%lld", (long long)r->rowid);
	const char *svr = wxf_strmap_get(&w->fts_meta, doc);
	const char *text = wxf_desk_str(m, r, "c0content");
	wxf_msg *msg = svr != NULL ? wxf_strmap_get(&w->by_svr, svr) : NULL;

	if (text == NULL)
		return WXF_OK;
	if (msg == NULL) {
		w->st.n_fts_orphan++;
		return WXF_OK;
	}
	w->st.n_fts_witness++;
	return wxf_msg_add_witness(m, msg, WXF_WIT_FTS, text, prov) < 0 ?
	    wxf_err_set(err, WXF_ENOMEM, "out of memory") : WXF_OK;
}

/* ------------------------------------------------------------------------------ rows */

int
wxf_win3_db_add_row(wxf_win3_db *rd, const wxf_sqlrow *row, const wxf_prov *prov_in,
    wxf_err *err)
{
	wxf_win3 *w = rd->w;
	wxf_prov prov;
	int rc = WXF_OK;

	if (row == NULL || row->table == NULL)
		return WXF_OK;
	prov = wxf_desk_dbref_prov(&rd->ref, row, prov_in);
	if (wxf_desk_tname_is(row, "MSG"))
		rc = add_msg(rd, row, &prov, err);
	else if (wxf_desk_tname_is(row, "Contact"))
		rc = add_contact(w, row, &prov, err);
	else if (wxf_desk_tname_is(row, "ChatRoom"))
		rc = add_chatroom(w, row, &prov, err);
	else if (wxf_desk_tname_is(row, "Session"))
		rc = add_session(w, row, &prov, err);
	else if (wxf_desk_tname_is(row, "Media"))
		rc = add_voice(w, row, &prov, err);
	else if (wxf_desk_tname_is(row, "FTSChatMsg2_content"))
		rc = add_fts(rd, row, &prov, err);
	else if (wxf_desk_tname_is(row, "RevokeMsgStorage") && prov.origin == WXF_ORIGIN_LIVE &&
	    add_revoke(w, row) != WXF_OK)
		rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
	return rc;
}

struct scan_arg {
	wxf_win3_db *rd;
	wxf_err *err;
};

static int
row_cb(void *arg, const wxf_sqlrow *row)
{
	struct scan_arg *a = arg;

	return wxf_win3_db_add_row(a->rd, row, NULL, a->err);
}

/* Name2ID and HardLinkImageID rows: maps of this database only. */
static int
map_cb(void *arg, const wxf_sqlrow *row)
{
	struct scan_arg *a = arg;
	wxf_win3_db *rd = a->rd;
	wxf_model *m = rd->w->m;
	const char *k = wxf_model_printf(m, "%lld", (long long)row->rowid), *v;

	if (wxf_desk_tname_is(row, "Name2ID")) {
		v = wxf_desk_str(m, row, "UsrName");
		return v != NULL && wxf_strmap_put(&rd->name2id, k, (void *)v) != WXF_OK ?
		    wxf_err_set(a->err, WXF_ENOMEM, "out of memory") : WXF_OK;
	}
	if (wxf_desk_tname_is(row, "HardLinkImageID")) {
		v = wxf_desk_str(m, row, "Dir");
		k = wxf_model_printf(m, "%lld", (long long)wxf_desk_int(row, "DirID"));
		return v != NULL && wxf_strmap_put(&rd->dirs, k, (void *)v) != WXF_OK ?
		    wxf_err_set(a->err, WXF_ENOMEM, "out of memory") : WXF_OK;
	}
	if (wxf_desk_tname_is(row, "HardLinkImageAttribute"))
		return add_hardlink(rd, row) != WXF_OK ? wxf_err_set(a->err, WXF_ENOMEM,
		    "out of memory") : WXF_OK;
	if (wxf_desk_tname_is(row, "FTSChatMsg2_MetaData")) {
		v = wxf_desk_svr_key(m, wxf_desk_int(row, "msgId"));
		return v != NULL && wxf_strmap_put(&rd->w->fts_meta, k, (void *)v) != WXF_OK ?
		    wxf_err_set(a->err, WXF_ENOMEM, "out of memory") : WXF_OK;
	}
	return WXF_OK;
}

/* Images waiting for a path: the hard links read so far. */
static int
resolve_images(wxf_win3 *w, int final)
{
	size_t i, j = 0;
	int rc;

	for (i = 0; i < w->n_pend; i++) {
		struct pending_img *p = &w->pend[i];
		const char *rel = wxf_strmap_get(&w->hardlink, p->md5);

		if (rel != NULL) {
			const char *b = strrchr(rel, '/'), *img = strstr(rel, "/Image/");
			char *th = NULL;

			if ((rc = wxf_desk_media_file(w->dk, p->msg, "image", rel,
			    "HardLinkImage.db (MD5 of <img>)", 1)) != WXF_OK)
				return rc;
			if (img != NULL && b != NULL && strlen(b) > 4) {
				/* its thumbnail: Thumb/<month>/<name>_t.dat */
				th = malloc(strlen(rel) + 8);
				if (th == NULL)
					return WXF_ENOMEM;
				snprintf(th, strlen(rel) + 8, "%.*s/Thumb/%.*s_t.dat", (int)(img - rel), rel,
				    (int)(strlen(img + 7) - 4), img + 7);
				rc = wxf_desk_media_file(w->dk, p->msg, "image-thumb", th,
				    "HardLinkImage.db (MD5 of <img>)", 0);
				free(th);
				if (rc != WXF_OK)
					return rc;
			}
			continue;
		}
		if (!final) {
			w->pend[j++] = *p;
			continue;
		}
		if (wxf_desk_media_missing(w->dk, p->msg, "image", wxf_model_printf(w->m,
		    "HardLinkImage MD5 %s", p->md5), "<img md5>") != WXF_OK)
			return WXF_ENOMEM;
	}
	w->n_pend = j;
	return WXF_OK;
}

int
wxf_win3_db_read(wxf_win3_db *rd, wxf_err *err)
{
	static const char *const maps[] = { "Name2ID", "HardLinkImageID", "HardLinkImageAttribute",
	    "FTSChatMsg2_MetaData", NULL };
	static const char *const rows[] = { "Contact", "ChatRoom", "Session", "RevokeMsgStorage",
	    "MSG", "Media", "FTSChatMsg2_content", NULL };
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
	if (wxf_sqlite_table(rd->ref.db, "HardLinkImageAttribute") != NULL &&
	    (rc = resolve_images(rd->w, 0)) != WXF_OK)
		return wxf_err_set(err, rc, "out of memory");
	return WXF_OK;
}

int
wxf_win3_finish(wxf_win3 *w, wxf_err *err)
{
	wxf_model *m = w->m;
	size_t i;
	int rc;

	if ((rc = resolve_images(w, 1)) != WXF_OK)
		return wxf_err_set(err, rc, "out of memory");
	/* voice messages whose recording no MediaMSG row holds */
	for (i = 0; i < m->n_msgs; i++) {
		wxf_msg *x = m->msgs[i];

		if (x->platform != WXF_PLAT_WIN3 || x->base_type != 34 || x->server_id == NULL ||
		    wxf_strmap_get(&w->voiced, x->server_id) != NULL ||
		    x->prov.status != WXF_STATUS_INTACT)
			continue;
		if (wxf_desk_media_missing(w->dk, x, "voice", wxf_model_printf(m,
		    "MediaMSG Media.Reserved0 = %s", x->server_id), "MediaMSG.Media") != WXF_OK)
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	}
	/* RevokeMsgStorage: the revocation log names the recalled message's server id */
	for (i = 0; i < w->n_rev; i++) {
		const char *svr = wxf_desk_svr_key(m, w->rev[i].svrid);
		wxf_msg *x = svr != NULL ? wxf_strmap_get(&w->by_svr, svr) : NULL;

		if (x == NULL)
			continue;
		w->st.n_revoked++;
		if (wxf_kvs_add(m, &wxf_msg_xw(m, x)->fields, "RevokeMsgStorage", wxf_model_printf(m, "revoked; "
		    "RevokeSvrID %lld, logged at %lld", (long long)w->rev[i].revoke_svrid,
		    (long long)w->rev[i].time)) != WXF_OK)
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	}
	return WXF_OK;
}
