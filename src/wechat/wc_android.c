/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Android WeChat reader: EnMicroMsg.db (plaintext image) → model.  See android.h.
 *
 * Tables used (shared/formats/wechat-android-ios.md §2):
 *   userinfo (2 wxid, 4 nickname, 6 phone, 42 alias) · WalletUserInfo · WalletBankcard →
 *   owner; rcontact → identities; chatroom → groups; rconversation, DeletedConversationInfo →
 *   conversations; every table with the message shape → messages; ImgInfo2, videoinfo2,
 *   voiceinfo, appattach → media; RemittanceRecord → transfer witness; WalletLuckyMoney →
 *   red-packet claim amounts; AARecord → AA status; AppMessage → app XML of deleted rows.
 *
 * Order inside wxf_android_read: owner first (senders of sent rows), then contacts, groups,
 * conversations, messages, then the payment side tables (they attach to payments the messages
 * created, or create the payment when every message row is gone).
 *
 * Every value is hostile: a column may be missing, of another type, or absurd; nothing is
 * asserted, everything unknown stays unknown.
 */
#include "config.h"
#include "wechat/wc_android.h"
#include "wechat/wc_driver.h"
#include "wechat/wc_msgdecode.h"
#include "wechat/wc_msgxml.h"
#include "base/wxf_file.h"
#include "base/wxf_hash.h"
#include "base/wxf_sniff.h"
#include "base/wxf_strmap.h"
#include "base/wxf_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------------------------------ */

typedef struct img_info {
	const char *big, *thumb, *hevc;
	wxf_prov prov;
} img_info;

typedef struct attach_info {
	const char *path;
	wxf_prov prov;
} attach_info;

typedef struct appmsg_info {
	const char *xml, *talker, *svrid;
	int64_t msg_id, type;
	wxf_prov prov;
} appmsg_info;

struct wxf_android_ctx {
	wxf_model *m;
	wxf_sqlite_db *db;
	const char *evidence, *image, *acct_dir, *root;
	const char *acct_disk, *root_disk;   /* the same folders on this machine */
	const char *wal_evidence, *wal_image; /* rows from WAL frames cite the -wal */
	int no_hash;
	/* side tables by message id; keys are model strings, msg_seen's are in `keys` */
	wxf_strmap img_by_local, img_by_svr, attach_by_msg, appmsg_by_id, msg_seen;
	wxf_arena *keys;
	appmsg_info **appmsgs;
	size_t n_appmsgs, cap_appmsgs;
	/* owner values read before id 2 */
	const char *ui_nick, *ui_phone, *ui_alias;
	wxf_prov ui_nick_prov, ui_phone_prov, ui_alias_prov;
};

/* ------------------------------------------------------------------------------------------ */
/* Row helpers */

static const wxf_sqlval *
col(const wxf_sqlrow *r, const char *name)
{
	int i = wxf_sqlite_col(r->table, name);

	if (i < 0 || i >= r->n_vals)
		return NULL;
	return &r->vals[i];
}

/* Text (or integer as decimal) copied into the model; NULL for NULL/absent. */
/* The bytes of a text or blob value up to its first NUL (what a C string of it holds). */
static size_t
text_len(const wxf_sqlval *v)
{
	const void *z = memchr(v->p, '\0', v->n);

	return z != NULL ? (size_t)((const uint8_t *)z - v->p) : v->n;
}

static const char *
cstr(wxf_model *m, const wxf_sqlrow *r, const char *name)
{
	const wxf_sqlval *v = col(r, name);

	if (v == NULL)
		return NULL;
	switch (v->type) {
	case WXF_SQL_TEXT:
	case WXF_SQL_BLOB:
		return wxf_model_strndup(m, (const char *)v->p, text_len(v));
	case WXF_SQL_INT:
		return wxf_model_printf(m, "%lld", (long long)v->i);
	case WXF_SQL_FLOAT:
		return wxf_model_printf(m, "%.17g", v->f);
	default:
		return NULL;
	}
}

static const char *
cstr_ne(wxf_model *m, const wxf_sqlrow *r, const char *name)
{
	const char *s = cstr(m, r, name);

	return (s == NULL || *s == '\0') ? NULL : s;
}

/* A name column (talker, sender): as cstr_ne, one copy per distinct name (wxf_model_intern). */
static const char *
cname(wxf_model *m, const wxf_sqlrow *r, const char *name)
{
	const wxf_sqlval *v = col(r, name);
	size_t n;

	if (v == NULL || (v->type != WXF_SQL_TEXT && v->type != WXF_SQL_BLOB))
		return cstr_ne(m, r, name);
	n = text_len(v);
	return n == 0 ? NULL : wxf_model_intern(m, (const char *)v->p, n);
}

/* Integer; WXF_INT_UNKNOWN when NULL/absent/non-numeric. */
static int64_t
cint(const wxf_sqlrow *r, const char *name)
{
	const wxf_sqlval *v = col(r, name);

	if (v == NULL || v->type == WXF_SQL_NULL)
		return WXF_INT_UNKNOWN;
	if (v->type == WXF_SQL_INT)
		return v->i;
	if (v->type == WXF_SQL_FLOAT) {
		if (v->f >= -9.0e18 && v->f <= 9.0e18)
			return (int64_t)v->f;
		return WXF_INT_UNKNOWN;
	}
	if (v->type == WXF_SQL_TEXT) {
		int64_t x = wxf_sqlval_int(v, INT64_MIN);

		return x;
	}
	return WXF_INT_UNKNOWN;
}

static int64_t
ms_or_unknown(int64_t v)
{
	if (v == WXF_INT_UNKNOWN || v <= 0)
		return WXF_TIME_UNKNOWN;
	if (v < 100000000000LL) /* seconds, not ms (before 1973 in ms) */
		return v > INT64_MAX / 1000 ? WXF_TIME_UNKNOWN : v * 1000;
	return v;
}

static wxf_prov
row_prov(wxf_android_ctx *c, const wxf_sqlrow *r)
{
	wxf_prov p;

	memset(&p, 0, sizeof(p));
	p.file = c->evidence;
	p.image = c->image;
	if (r->wal_frame != 0) {
		/* a page from a WAL frame: its offset is in the -wal file */
		p.file = c->wal_evidence != NULL ? c->wal_evidence : c->evidence;
		p.image = c->wal_image;
	}
	p.table = r->table != NULL ? r->table->name : NULL;
	p.rowid = r->rowid;
	p.pgno = r->pgno;
	p.frame = r->wal_frame;
	p.offset = r->offset;
	p.length = r->length;
	p.origin = WXF_ORIGIN_LIVE;
	p.status = WXF_STATUS_INTACT;
	p.confidence = 100;
	return p;
}

static int
tname_is(const wxf_sqlrow *r, const char *name)
{
	return r->table != NULL && r->table->name != NULL && strcasecmp(r->table->name, name) == 0;
}

int
wxf_android_is_message_table(const wxf_sqlite_obj *t)
{
	if (t == NULL || t->type == NULL || strcmp(t->type, "table") != 0)
		return 0;
	return wxf_sqlite_col(t, "msgId") >= 0 && wxf_sqlite_col(t, "type") >= 0 &&
	    wxf_sqlite_col(t, "createTime") >= 0 && wxf_sqlite_col(t, "talker") >= 0 &&
	    wxf_sqlite_col(t, "content") >= 0 && wxf_sqlite_col(t, "isSend") >= 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Media */

/* The type of the file at path (wxf_sniff), or NULL if it cannot be opened. */
static const char *
magic_of(const char *path)
{
	unsigned char b[WXF_SNIFF_HEAD];
	ssize_t n = wxf_file_head(path, b, sizeof(b));

	return n < 0 ? NULL : wxf_sniff(b, (size_t)n);
}

/* A relative path from evidence must stay inside its folder. */
static int
safe_rel(const char *p)
{
	if (p == NULL || *p == '\0' || *p == '/')
		return 0;
	if (wxf_path_has_dot_component(p) || strchr(p, '\\') != NULL)
		return 0;
	return 1;
}

/* Looks for the file disk/rel and records it on the message (present or missing), named
 * base/rel (its evidence path).  A symbolic link on the way (or a FIFO, a device) is not
 * followed: the file counts as missing and an anomaly says what is there instead. */
static int
add_media(wxf_android_ctx *c, wxf_msg *msg, const char *role, const char *base, const char *disk,
    const char *rel, const char *expected, const char *source, const wxf_prov *prov)
{
	wxf_media md;
	char *full = NULL, *shown = NULL, why[1200];
	struct stat st;
	int rc, found = WXF_ENOTFOUND;

	memset(&md, 0, sizeof(md));
	md.role = role;
	md.expected = expected;
	md.source = source;
	md.size = -1;
	md.prov = *prov;
	if (base == NULL) {
		md.state = WXF_MEDIA_NOT_SEARCHED;
	} else if (!safe_rel(rel)) {
		md.state = WXF_MEDIA_MISSING;
		wxf_msg_warn(c->m, msg, "media-path-refused", "media path \"%.200s\" refused "
		    "(absolute or with ..)", rel != NULL ? rel : "");
	} else {
		full = wxf_path_join(disk != NULL ? disk : base, rel);
		shown = wxf_path_join(base, rel);
		if (full == NULL || shown == NULL) {
			free(full);
			free(shown);
			return WXF_ENOMEM;
		}
		found = wxf_stat_below(disk != NULL ? disk : base, rel, &st, why, sizeof(why));
		if (found == WXF_OK) {
			wxf_hashes h;
			wxf_err e;

			md.state = WXF_MEDIA_PRESENT;
			md.path = shown;
			md.magic = magic_of(full);
			wxf_err_clear(&e);
			rc = WXF_OK;
			if (!c->no_hash && (rc = wxf_hash_file(full, &h, &e)) == WXF_OK) {
				memcpy(md.sha256, h.sha256, sizeof(md.sha256));
				md.size = (int64_t)h.size;
			} else if (rc == WXF_ENOMEM) {
				free(full);
				free(shown);
				return rc;
			}
		} else {
			md.state = WXF_MEDIA_MISSING;
		}
	}
	rc = wxf_msg_add_media(c->m, msg, &md);
	if (rc == WXF_OK && found == WXF_EUNSUPPORTED)
		rc = wxf_model_anomaly(c->m, WXF_SEV_WARN, "media-not-followed", msg->id, NULL,
		    &msg->prov, "%s file not read: %s", role, why);
	else if (rc == WXF_OK && md.state == WXF_MEDIA_MISSING)
		rc = wxf_model_anomaly(c->m, WXF_SEV_WARN, "media-missing", msg->id, NULL, &msg->prov,
		    "%s file not in the extraction: %s", role, expected);
	free(full);
	free(shown);
	return rc;
}

/* image2/ab/cd/<name> for a file name of at least 4 characters */
static const char *
image2_rel(wxf_model *m, const char *name)
{
	if (name == NULL || strlen(name) < 4)
		return NULL;
	if (strncmp(name, "th_", 3) == 0 && strlen(name) >= 7)
		return wxf_model_printf(m, "image2/%.2s/%.2s/%s", name + 3, name + 5, name);
	return wxf_model_printf(m, "image2/%.2s/%.2s/%s", name, name + 2, name);
}

/* Maps a device path (/storage/emulated/0/…, /sdcard/…, /data/data/…) into the extraction. */
static const char *
device_rel(wxf_model *m, const char *p)
{
	static const struct { const char *dev, *ext; } map[] = {
		{ "/storage/emulated/0/", "data/media/0/" },
		{ "/sdcard/", "data/media/0/" },
		{ "/mnt/sdcard/", "data/media/0/" },
		{ "/data/user/0/", "data/data/" },
		{ "/data/data/", "data/data/" },
	};

	if (p == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strncmp(p, map[i].dev, strlen(map[i].dev)) == 0)
			return wxf_model_printf(m, "%s%s", map[i].ext, p + strlen(map[i].dev));
	return NULL;
}

static int
link_media(wxf_android_ctx *c, wxf_msg *msg, const wxf_sqlrow *r)
{
	wxf_model *m = c->m;
	const char *img = cstr_ne(m, r, "imgPath");
	int64_t base = msg->base_type;
	int rc = WXF_OK;
	char key[64];

	if (base == 3) {
		img_info *ii = NULL;
		const char *th = NULL;

		if (img != NULL && strncmp(img, "THUMBNAIL_DIRPATH://", 20) == 0)
			th = img + 20;
		else if (img != NULL && strncmp(img, "SERVERID://", 11) != 0)
			th = img;
		if (th != NULL) {
			const char *rel = image2_rel(m, th);

			rc = add_media(c, msg, "image-thumb", c->acct_dir, c->acct_disk, rel, rel, "message.imgPath",
			    &msg->prov);
		}
		if (msg->local_id != WXF_INT_UNKNOWN) {
			snprintf(key, sizeof(key), "%lld", (long long)msg->local_id);
			ii = wxf_strmap_get(&c->img_by_local, key);
		}
		if (ii == NULL && msg->server_id != NULL)
			ii = wxf_strmap_get(&c->img_by_svr, msg->server_id);
		if (rc == WXF_OK && ii != NULL && ii->big != NULL &&
		    strncmp(ii->big, "SERVERID://", 11) != 0) {
			const char *rel = image2_rel(m, ii->big);

			rc = add_media(c, msg, "image", c->acct_dir, c->acct_disk, rel, rel, "ImgInfo2.bigImgPath",
			    &ii->prov);
		}
	} else if (base == 34 && img != NULL) {
		char h[33];
		const char *rel;

		wxf_md5_hex(img, strlen(img), h);
		rel = wxf_model_printf(m, "voice2/%.2s/%.2s/msg_%s.amr", h, h + 2, img);
		rc = add_media(c, msg, "voice", c->acct_dir, c->acct_disk, rel, rel, "message.imgPath", &msg->prov);
	} else if ((base == 43 || base == 62) && img != NULL) {
		const char *rel = wxf_model_printf(m, "video/%s.mp4", img);

		rc = add_media(c, msg, "video", c->acct_dir, c->acct_disk, rel, rel, "message.imgPath", &msg->prov);
		if (rc == WXF_OK) {
			rel = wxf_model_printf(m, "video/%s.jpg", img);
			rc = add_media(c, msg, "video-thumb", c->acct_dir, c->acct_disk, rel, rel, "message.imgPath",
			    &msg->prov);
		}
	} else if (msg->kind == WXF_MK_FILE && msg->local_id != WXF_INT_UNKNOWN) {
		attach_info *ai;

		snprintf(key, sizeof(key), "%lld", (long long)msg->local_id);
		ai = wxf_strmap_get(&c->attach_by_msg, key);
		if (ai != NULL && ai->path != NULL) {
			const char *rel = device_rel(m, ai->path);

			if (rel == NULL)
				wxf_msg_warn(m, msg, "media-path-unmapped",
				    "attachment path %.200s not mapped into the extraction", ai->path);
			else
				rc = add_media(c, msg, "file", c->root, c->root_disk, rel, ai->path,
				    "appattach.fileFullPath", &ai->prov);
		}
	}
	return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* Table handlers */

static int
add_message(wxf_android_ctx *c, const wxf_sqlrow *r, const wxf_prov *prov)
{
	wxf_model *m = c->m;
	const wxf_sqlval *v;
	wxf_msg *msg;
	int is_new, rc;
	const char *tname = r->table->name; /* prov->table may name the index that proves it */
	int64_t t;

	msg = wxf_model_new_msg(m, WXF_PLAT_ANDROID, tname, prov, &is_new);
	if (msg == NULL)
		return WXF_ENOMEM;
	if (!is_new)
		return WXF_OK;
	msg->local_id = cint(r, "msgId");
	if (msg->local_id == WXF_INT_UNKNOWN)
		msg->local_id = r->rowid;
	v = col(r, "msgSvrId");
	if (v != NULL && v->type == WXF_SQL_INT && v->i != 0) {
		msg->server_id = wxf_model_printf(m, "%lld", (long long)v->i);
	} else if (v != NULL && v->type == WXF_SQL_TEXT && v->n > 0 && v->n < 32) {
		msg->server_id = cstr_ne(m, r, "msgSvrId");
		if (msg->server_id != NULL && strcmp(msg->server_id, "0") == 0)
			msg->server_id = NULL;
	} else if (v != NULL && v->type == WXF_SQL_FLOAT) {
		msg->server_id = wxf_model_printf(m, "%.0f", v->f);
		wxf_msg_warn(m, msg, "svrid-float", "msgSvrId stored as a float: %s (may be inexact)",
		    msg->server_id);
	}
	msg->raw_type = cint(r, "type");
	t = cint(r, "createTime");
	msg->time_ms = ms_or_unknown(t);
	if (t != WXF_INT_UNKNOWN && t > 0 && t < 100000000000LL)
		wxf_msg_warn(m, msg, "time-seconds", "createTime %lld looks like seconds",
		    (long long)t);
	msg->is_send = cint(r, "isSend");
	msg->status = cint(r, "status");
	msg->talker = cname(m, r, "talker");
	if (r->truncated)
		wxf_msg_warn(m, msg, "row-truncated", "row cut short (overflow chain broken)");
	v = col(r, "content");
	if (v != NULL && (v->type == WXF_SQL_TEXT || v->type == WXF_SQL_BLOB))
		rc = wxf_wc_decode(m, msg, (const char *)v->p, v->n);
	else if (v != NULL && v->type == WXF_SQL_INT) {
		const char *s = wxf_model_printf(m, "%lld", (long long)v->i);

		rc = wxf_wc_decode(m, msg, s, strlen(s));
	} else
		rc = wxf_wc_decode(m, msg, NULL, 0);
	if (rc != WXF_OK)
		return rc;
	/* bizchat rows may name their sender in a column */
	if (msg->sender == NULL) {
		const char *bu = cname(m, r, "bizChatUserId");

		if (bu != NULL) {
			msg->sender = bu;
			msg->sender_src = WXF_SENDER_COLUMN;
		}
	}
	if ((rc = link_media(c, msg, r)) != WXF_OK)
		return rc;
	/* identity evidence carried by messages */
	if (msg->kind == WXF_MK_CARD && msg->x->card_username != NULL) {
		wxf_identity *id = wxf_model_identity(m, msg->x->card_username, &msg->prov);

		if (id == NULL)
			return WXF_ENOMEM;
		wxf_attrs_add(m, &id->nicknames, msg->x->card_nickname, "card(42).nickname", msg->time_ms,
		    &msg->prov);
		wxf_attrs_add(m, &id->aliases, msg->x->card_alias, "card(42).alias", msg->time_ms,
		    &msg->prov);
	}
	/* recalled app message: its XML may survive in AppMessage */
	if (msg->is_recall && msg->local_id != WXF_INT_UNKNOWN && tname != NULL &&
	    strcasecmp(tname, "message") == 0) {
		char key[32];
		appmsg_info *ai;

		snprintf(key, sizeof(key), "%lld", (long long)msg->local_id);
		ai = wxf_strmap_get(&c->appmsg_by_id, key);
		if (ai != NULL && ai->xml != NULL && msg->x->recall_original == NULL)
			wxf_msg_xw(m, msg)->recall_original = ai->xml;
	}
	if (tname != NULL && strcasecmp(tname, "message") == 0 &&
	    msg->local_id != WXF_INT_UNKNOWN && prov->origin == WXF_ORIGIN_LIVE) {
		char key[32];

		const char *k;

		snprintf(key, sizeof(key), "%lld", (long long)msg->local_id);
		k = wxf_arena_strndup(c->keys, key, strlen(key));
		if (k == NULL || wxf_strmap_put(&c->msg_seen, k, msg) < 0)
			return WXF_ENOMEM;
	}
	return WXF_OK;
}

static int
add_contact(wxf_android_ctx *c, const wxf_sqlrow *r, const wxf_prov *prov)
{
	wxf_model *m = c->m;
	const char *u = cstr_ne(m, r, "username");
	wxf_identity *id;
	int64_t vf;
	int live = prov->origin == WXF_ORIGIN_LIVE;

	if (u == NULL)
		return WXF_OK;
	id = wxf_model_identity(m, u, prov);
	if (id == NULL)
		return WXF_ENOMEM;
	if (live)
		id->in_contacts = 1;
	if (wxf_attrs_add(m, &id->aliases, cstr_ne(m, r, "alias"), "rcontact.alias",
	    WXF_TIME_UNKNOWN, prov) != WXF_OK ||
	    wxf_attrs_add(m, &id->remarks, cstr_ne(m, r, "conRemark"), "rcontact.conRemark",
	    WXF_TIME_UNKNOWN, prov) != WXF_OK ||
	    wxf_attrs_add(m, &id->nicknames, cstr_ne(m, r, "nickname"), "rcontact.nickname",
	    WXF_TIME_UNKNOWN, prov) != WXF_OK ||
	    wxf_attrs_add(m, &id->encrypt_usernames, cstr_ne(m, r, "encryptUsername"),
	    "rcontact.encryptUsername", WXF_TIME_UNKNOWN, prov) != WXF_OK)
		return WXF_ENOMEM;
	if (live || id->type_flags == WXF_INT_UNKNOWN) {
		id->type_flags = cint(r, "type");
		id->verify_flag = cint(r, "verifyFlag");
		id->delete_flag = cint(r, "deleteFlag");
		id->flags_prov = *prov;
		id->flags_prov.file = c->evidence;
	}
	vf = cint(r, "verifyFlag");
	if (vf != WXF_INT_UNKNOWN && vf != 0 && id->kind == WXF_ID_PERSON)
		id->kind = WXF_ID_OFFICIAL;
	if (id->kind == WXF_ID_GROUP) {
		wxf_group *g = wxf_model_group(m, u, prov);

		if (g == NULL)
			return WXF_ENOMEM;
		if (wxf_attrs_add(m, &g->names, cstr_ne(m, r, "nickname"), "rcontact.nickname",
		    WXF_TIME_UNKNOWN, prov) != WXF_OK)
			return WXF_ENOMEM;
	}
	return WXF_OK;
}

/* Splits s on the separator sep (a UTF-8 string); calls back for each non-empty part. */
static size_t
split(wxf_model *m, const char *s, const char *sep, const char **out, size_t max)
{
	size_t n = 0, sl = strlen(sep);

	while (s != NULL && *s != '\0' && n < max) {
		const char *e = strstr(s, sep);
		size_t l = e != NULL ? (size_t)(e - s) : strlen(s);

		if (l > 0)
			out[n++] = wxf_model_strndup(m, s, l);
		s = e != NULL ? e + sl : NULL;
	}
	return n;
}

static int
add_chatroom(wxf_android_ctx *c, const wxf_sqlrow *r, const wxf_prov *prov)
{
	wxf_model *m = c->m;
	const char *name = cstr_ne(m, r, "chatroomname");
	const char *ml, *dn;
	const char **mem = NULL, **dns = NULL;
	size_t nm, nd;
	wxf_group *g;
	int rc = WXF_OK;

	if (name == NULL)
		return WXF_OK;
	g = wxf_model_group(m, name, prov);
	if (g == NULL)
		return WXF_ENOMEM;
	ml = cstr(m, r, "memberlist");
	dn = cstr(m, r, "displayname");
	if (prov->origin == WXF_ORIGIN_LIVE || g->memberlist_raw == NULL) {
		g->memberlist_raw = ml;
		g->displayname_raw = dn;
	}
	if (wxf_attrs_add(m, &g->owners, cstr_ne(m, r, "roomowner"), "chatroom.roomowner",
	    WXF_TIME_UNKNOWN, prov) != WXF_OK)
		return WXF_ENOMEM;
	mem = calloc(4096, sizeof(*mem));
	dns = calloc(4096, sizeof(*dns));
	if (mem == NULL || dns == NULL) {
		rc = WXF_ENOMEM;
		goto out;
	}
	nm = split(m, ml, ";", mem, 4096);
	nd = split(m, dn, "、", dns, 4096);
	if (nd > 0 && nd != nm)
		wxf_model_anomaly(m, WXF_SEV_WARN, "chatroom-names", NULL, NULL, prov,
		    "%s: %zu members but %zu display names; names not assigned", name, nm, nd);
	for (size_t i = 0; i < nm; i++) {
		const char *d = nd == nm ? dns[i] : NULL;

		if ((rc = wxf_group_add_member(m, g, mem[i], d, prov)) != WXF_OK)
			goto out;
		if (d != NULL) {
			wxf_identity *id = wxf_model_identity(m, mem[i], prov);

			if (id == NULL) {
				rc = WXF_ENOMEM;
				goto out;
			}
			if ((rc = wxf_attrs_add(m, &id->nicknames, d, "chatroom.displayname",
			    WXF_TIME_UNKNOWN, prov)) != WXF_OK)
				goto out;
		}
	}
out:
	free(mem);
	free(dns);
	return rc;
}

static int
owner_attr(wxf_android_ctx *c, wxf_attrs *a, const char *v, const char *src, const wxf_prov *p)
{
	return wxf_attrs_add(c->m, a, v, src, WXF_TIME_UNKNOWN, p);
}

static int
add_userinfo(wxf_android_ctx *c, const wxf_sqlrow *r, const wxf_prov *prov)
{
	wxf_model *m = c->m;
	int64_t id = cint(r, "id");
	const char *v = cstr_ne(m, r, "value");

	if (v == NULL)
		return WXF_OK;
	switch (id) {
	case 2:
		if (m->owner == NULL || prov->origin == WXF_ORIGIN_LIVE) {
			if (wxf_model_set_owner(m, v, prov) == NULL)
				return WXF_ENOMEM;
		}
		if (c->ui_nick != NULL)
			owner_attr(c, &m->owner->nicknames, c->ui_nick, "userinfo.4", &c->ui_nick_prov);
		if (c->ui_phone != NULL)
			owner_attr(c, &m->owner->phones, c->ui_phone, "userinfo.6", &c->ui_phone_prov);
		if (c->ui_alias != NULL)
			owner_attr(c, &m->owner->aliases, c->ui_alias, "userinfo.42", &c->ui_alias_prov);
		return WXF_OK;
	case 4:
		if (m->owner != NULL)
			return owner_attr(c, &m->owner->nicknames, v, "userinfo.4", prov);
		c->ui_nick = v;
		c->ui_nick_prov = *prov;
		return WXF_OK;
	case 6:
		if (m->owner != NULL)
			return owner_attr(c, &m->owner->phones, v, "userinfo.6", prov);
		c->ui_phone = v;
		c->ui_phone_prov = *prov;
		return WXF_OK;
	case 42:
		if (m->owner != NULL)
			return owner_attr(c, &m->owner->aliases, v, "userinfo.42", prov);
		c->ui_alias = v;
		c->ui_alias_prov = *prov;
		return WXF_OK;
	default:
		return WXF_OK;
	}
}

static int
add_wallet(wxf_android_ctx *c, const wxf_sqlrow *r, const wxf_prov *prov, int bankcard)
{
	wxf_model *m = c->m;
	wxf_identity *o = m->owner;

	if (o == NULL)
		return WXF_OK;
	if (!bankcard)
		return owner_attr(c, &o->real_names, cstr_ne(m, r, "true_name"),
		    "WalletUserInfo.true_name", prov);
	if (owner_attr(c, &o->real_names, cstr_ne(m, r, "trueName"), "WalletBankcard.trueName",
	    prov) != WXF_OK ||
	    owner_attr(c, &o->phones, cstr_ne(m, r, "mobile"), "WalletBankcard.mobile", prov) != WXF_OK)
		return WXF_ENOMEM;
	{
		const char *bank = cstr_ne(m, r, "bankName"), *tn = cstr_ne(m, r, "bankcardTypeName");
		const char *tail = cstr_ne(m, r, "bankcardTail");

		if (tail == NULL && bank == NULL)
			return WXF_OK;
		return owner_attr(c, &o->bank_cards, wxf_model_printf(m, "%s|%s|%s",
		    bank ? bank : "", tn ? tn : "", tail ? tail : ""),
		    "WalletBankcard.bankName|bankcardTypeName|bankcardTail", prov);
	}
}

static int
add_conversation(wxf_android_ctx *c, const wxf_sqlrow *r, const wxf_prov *prov)
{
	wxf_model *m = c->m;
	const char *u = cstr_ne(m, r, "username");
	wxf_conv *cv;

	if (u == NULL)
		return WXF_OK;
	cv = wxf_model_conv(m, u, prov);
	if (cv == NULL)
		return WXF_ENOMEM;
	if (prov->origin != WXF_ORIGIN_LIVE && cv->in_chat_list)
		return WXF_OK;
	cv->in_chat_list = 1;
	cv->prov = *prov;
	cv->prov.table = wxf_model_strdup(m, prov->table);
	cv->last_time_ms = ms_or_unknown(cint(r, "conversationTime"));
	cv->msg_count = cint(r, "msgCount");
	cv->unread_count = cint(r, "unReadCount");
	cv->digest = cstr_ne(m, r, "digest");
	cv->last_content = cstr_ne(m, r, "content");
	return WXF_OK;
}

static int
add_deleted_conv(wxf_android_ctx *c, const wxf_sqlrow *r, const wxf_prov *prov)
{
	wxf_model *m = c->m;
	const char *u = cstr_ne(m, r, "userName");
	wxf_conv *cv;
	int64_t t = WXF_INT_UNKNOWN;
	static const char *const tcols[] = { "deleteTime", "deletedTime", "delTime", "reserved2",
	    "createTime", "updateTime", NULL };

	if (u == NULL)
		return WXF_OK;
	cv = wxf_model_conv(m, u, prov);
	if (cv == NULL)
		return WXF_ENOMEM;
	cv->deleted = 1;
	cv->deleted_last_seq = cint(r, "lastSeq");
	for (size_t i = 0; tcols[i] != NULL && t == WXF_INT_UNKNOWN; i++)
		t = cint(r, tcols[i]);
	cv->deleted_time_ms = ms_or_unknown(t);
	cv->deleted_prov = *prov;
	cv->deleted_prov.table = wxf_model_strdup(m, prov->table);
	return wxf_model_anomaly(m, WXF_SEV_NONE, "conversation-deleted", NULL, NULL, prov,
	    "conversation with %s was deleted by the user (DeletedConversationInfo)", u);
}

static int
add_remittance(wxf_android_ctx *c, const wxf_sqlrow *r, const wxf_prov *prov)
{
	wxf_model *m = c->m;
	const char *tid = cstr_ne(m, r, "transferId");
	wxf_payment *p;
	int is_new;

	if (tid == NULL)
		return WXF_OK;
	p = wxf_model_payment(m, WXF_PAY_TRANSFER, tid, prov, &is_new);
	if (p == NULL)
		return WXF_ENOMEM;
	if (p->transfer_id == NULL)
		p->transfer_id = p->key;
	if (p->talker == NULL)
		p->talker = cstr_ne(m, r, "talker");
	if (p->invalid_time_ms == WXF_TIME_UNKNOWN)
		p->invalid_time_ms = ms_or_unknown(cint(r, "invalidtime"));
	if (is_new)
		wxf_model_anomaly(m, WXF_SEV_WARN, "transfer-without-messages", NULL, p->id, prov,
		    "RemittanceRecord names transfer %s but no message row of it was found "
		    "(deleted?)", tid);
	if (p->witness_status == WXF_INT_UNKNOWN || prov->origin == WXF_ORIGIN_LIVE) {
		p->witness_status = cint(r, "receiveStatus");
		p->witness_prov = *prov;
		p->witness_prov.table = wxf_model_strdup(m, prov->table);
		p->witness_disagrees = 0;
	}
	return WXF_OK;
}

static int
add_lucky_money(wxf_android_ctx *c, const wxf_sqlrow *r, const wxf_prov *prov)
{
	wxf_model *m = c->m;
	const char *sendid = cstr_ne(m, r, "sendId");
	wxf_payment *p;
	int64_t amt = cint(r, "receiveAmount");
	const char *me = m->owner != NULL ? m->owner->username : NULL;
	int found = 0;

	if (sendid == NULL)
		sendid = wxf_wc_sendid(m, cstr_ne(m, r, "mNativeUrl"));
	if (sendid == NULL)
		return WXF_OK;
	p = wxf_model_payment(m, WXF_PAY_RED_PACKET, sendid, prov, NULL);
	if (p == NULL)
		return WXF_ENOMEM;
	if (p->sendid == NULL)
		p->sendid = p->key;
	if (p->payer == NULL && cstr_ne(m, r, "sender") != NULL) {
		p->payer = cstr_ne(m, r, "sender");
		p->payer_src = "WalletLuckyMoney.sender";
	}
	if (amt == WXF_INT_UNKNOWN || amt < 0)
		return WXF_OK;
	/* the amount the owner received: attach to the owner's claim */
	for (size_t i = 0; i < p->n_claims; i++) {
		wxf_hb_claim *cl = &p->claims[i];

		if (me != NULL && cl->claimer != NULL && strcmp(cl->claimer, me) == 0) {
			cl->amount.fen = amt;
			cl->amount.known = 1;
			cl->amount.currency = "CNY";
			cl->amount.text = wxf_model_printf(m, "WalletLuckyMoney.receiveAmount=%lld",
			    (long long)amt);
			found = 1;
		}
	}
	if (!found) {
		wxf_hb_claim cl;

		memset(&cl, 0, sizeof(cl));
		cl.claimer = me;
		cl.text = "WalletLuckyMoney (received by the owner)";
		cl.time_ms = ms_or_unknown(cint(r, "receiveTime"));
		cl.amount.fen = amt;
		cl.amount.known = 1;
		cl.amount.currency = "CNY";
		cl.amount.text = wxf_model_printf(m, "WalletLuckyMoney.receiveAmount=%lld",
		    (long long)amt);
		cl.prov = *prov;
		return wxf_payment_add_claim(m, p, &cl);
	}
	return WXF_OK;
}

static int
add_aarecord(wxf_android_ctx *c, const wxf_sqlrow *r, const wxf_prov *prov)
{
	wxf_model *m = c->m;
	const char *bill = cstr_ne(m, r, "billNo");
	wxf_payment *p;

	if (bill == NULL)
		return WXF_OK;
	p = wxf_model_payment(m, WXF_PAY_AA, bill, prov, NULL);
	if (p == NULL)
		return WXF_ENOMEM;
	if (p->aa_billno == NULL)
		p->aa_billno = p->key;
	if (p->aa_status == WXF_INT_UNKNOWN || prov->origin == WXF_ORIGIN_LIVE)
		p->aa_status = cint(r, "status");
	return WXF_OK;
}

/* Side tables kept for joins */
static int
load_side(wxf_android_ctx *c, const wxf_sqlrow *r, const wxf_prov *prov)
{
	wxf_model *m = c->m;

	if (tname_is(r, "ImgInfo2")) {
		img_info *ii = wxf_arena_alloc(m->arena, sizeof(*ii));
		const char *lid = cstr_ne(m, r, "msglocalid"), *sid = cstr_ne(m, r, "msgSvrId");

		if (ii == NULL)
			return WXF_ENOMEM;
		ii->big = cstr_ne(m, r, "bigImgPath");
		ii->thumb = cstr_ne(m, r, "thumbImgPath");
		ii->hevc = cstr_ne(m, r, "hevcPath");
		ii->prov = *prov;
		ii->prov.table = wxf_model_strdup(m, prov->table);
		if ((lid != NULL && strcmp(lid, "0") != 0 && wxf_strmap_put(&c->img_by_local, lid, ii) < 0) ||
		    (sid != NULL && strcmp(sid, "0") != 0 && wxf_strmap_put(&c->img_by_svr, sid, ii) < 0))
			return WXF_ENOMEM;
	} else if (tname_is(r, "appattach")) {
		attach_info *ai = wxf_arena_alloc(m->arena, sizeof(*ai));
		const char *mid = cstr_ne(m, r, "msgInfoId");

		if (ai == NULL)
			return WXF_ENOMEM;
		ai->path = cstr_ne(m, r, "fileFullPath");
		ai->prov = *prov;
		ai->prov.table = wxf_model_strdup(m, prov->table);
		if (mid != NULL && wxf_strmap_put(&c->attach_by_msg, mid, ai) < 0)
			return WXF_ENOMEM;
	} else if (tname_is(r, "AppMessage")) {
		appmsg_info *ai = wxf_arena_alloc(m->arena, sizeof(*ai));
		const char *mid = cstr_ne(m, r, "msgId");

		if (ai == NULL)
			return WXF_ENOMEM;
		ai->xml = cstr_ne(m, r, "xml");
		ai->talker = cstr_ne(m, r, "msgTalker");
		ai->svrid = cstr_ne(m, r, "msgSvrId");
		if (ai->svrid != NULL && strcmp(ai->svrid, "0") == 0)
			ai->svrid = NULL;
		ai->msg_id = cint(r, "msgId");
		ai->type = cint(r, "type");
		ai->prov = *prov;
		ai->prov.table = wxf_model_strdup(m, prov->table);
		if (mid != NULL && wxf_strmap_put(&c->appmsg_by_id, mid, ai) < 0)
			return WXF_ENOMEM;
		if (wxf_grow((void **)&c->appmsgs, &c->cap_appmsgs, c->n_appmsgs + 1,
		    sizeof(*c->appmsgs)) < 0)
			return WXF_ENOMEM;
		c->appmsgs[c->n_appmsgs++] = ai;
	} else if (tname_is(r, "voiceinfo") || tname_is(r, "videoinfo2")) {
		/* metadata only: presence is recorded on the message by path */
	}
	return WXF_OK;
}

/*
 * AppMessage rows whose message row is gone (deleted) still hold the app XML: they become
 * messages of table "AppMessage" (no time, no direction), so e.g. a deleted transfer
 * initiation still joins its payment's lifecycle.  Flagged with a warning.
 */
static int
appmessage_orphans(wxf_android_ctx *c)
{
	wxf_model *m = c->m;

	for (size_t i = 0; i < c->n_appmsgs; i++) {
		appmsg_info *ai = c->appmsgs[i];
		char key[32];
		wxf_msg *msg;
		int is_new, rc;

		if (ai->msg_id == WXF_INT_UNKNOWN || ai->xml == NULL)
			continue;
		snprintf(key, sizeof(key), "%lld", (long long)ai->msg_id);
		if (wxf_strmap_get(&c->msg_seen, key) != NULL)
			continue;
		msg = wxf_model_new_msg(m, WXF_PLAT_ANDROID, ai->prov.table, &ai->prov, &is_new);
		if (msg == NULL)
			return WXF_ENOMEM;
		if (!is_new)
			continue;
		msg->local_id = ai->msg_id;
		msg->server_id = ai->svrid;
		msg->raw_type = 49;
		msg->talker = ai->talker;
		if ((rc = wxf_wc_decode(m, msg, ai->xml, strlen(ai->xml))) != WXF_OK)
			return rc;
		msg->dir = WXF_DIR_UNKNOWN;
		if (msg->sender_src == WXF_SENDER_TALKER) {
			msg->sender = NULL;
			msg->sender_src = WXF_SENDER_NONE;
		}
		if ((rc = wxf_msg_warn(m, msg, "message-row-missing",
		    "AppMessage row for msgId %lld has no message row (deleted message?); decoded "
		    "from AppMessage.xml, time and direction unknown", (long long)ai->msg_id)) != WXF_OK)
			return rc;
	}
	return WXF_OK;
}

/* ------------------------------------------------------------------------------------------ */

int
wxf_android_add_row(wxf_android_ctx *c, const wxf_sqlrow *row, const wxf_prov *prov_in,
    wxf_err *err)
{
	wxf_prov prov;
	int rc;

	if (row == NULL || row->table == NULL)
		return WXF_OK;
	prov = prov_in != NULL ? *prov_in : row_prov(c, row);
	if (prov.table == NULL)
		prov.table = row->table->name;
	if (prov.file == NULL)
		prov.file = c->evidence;
	if (wxf_android_is_message_table(row->table))
		rc = add_message(c, row, &prov);
	else if (tname_is(row, "rcontact"))
		rc = add_contact(c, row, &prov);
	else if (tname_is(row, "chatroom"))
		rc = add_chatroom(c, row, &prov);
	else if (tname_is(row, "userinfo"))
		rc = add_userinfo(c, row, &prov);
	else if (tname_is(row, "WalletUserInfo"))
		rc = add_wallet(c, row, &prov, 0);
	else if (tname_is(row, "WalletBankcard"))
		rc = add_wallet(c, row, &prov, 1);
	else if (tname_is(row, "rconversation"))
		rc = add_conversation(c, row, &prov);
	else if (tname_is(row, "DeletedConversationInfo"))
		rc = add_deleted_conv(c, row, &prov);
	else if (tname_is(row, "RemittanceRecord"))
		rc = add_remittance(c, row, &prov);
	else if (tname_is(row, "WalletLuckyMoney"))
		rc = add_lucky_money(c, row, &prov);
	else if (tname_is(row, "AARecord"))
		rc = add_aarecord(c, row, &prov);
	else
		rc = load_side(c, row, &prov);
	if (rc != WXF_OK)
		return wxf_err_set(err, rc, "android: %s row %lld: out of memory",
		    row->table->name ? row->table->name : "?", (long long)row->rowid);
	return WXF_OK;
}

struct scan_arg {
	wxf_android_ctx *c;
	wxf_err *err;
	int rc;
};

static int
scan_cb(void *arg, const wxf_sqlrow *row)
{
	struct scan_arg *a = arg;
	wxf_prov p = row_prov(a->c, row);

	a->rc = wxf_android_add_row(a->c, row, &p, a->err);
	return a->rc != WXF_OK ? 1 : 0;
}

/* Scans one table by name (absent tables are fine).  Corruption inside is an anomaly. */
static int
scan_table(wxf_android_ctx *c, const wxf_sqlite_obj *t, wxf_err *err)
{
	struct scan_arg a = { c, err, WXF_OK };
	wxf_err e;
	int rc;

	if (t == NULL || t->rootpage == 0)
		return WXF_OK;
	wxf_err_clear(&e);
	rc = wxf_sqlite_scan(c->db, t, scan_cb, &a, &e);
	if (a.rc != WXF_OK)
		return a.rc;
	return wxf_wc_scan_outcome(c->m, c->evidence, c->image, t, rc, &e, err);
}

static int
scan_named(wxf_android_ctx *c, const char *name, wxf_err *err)
{
	return scan_table(c, wxf_sqlite_table(c->db, name), err);
}

/* The extraction root: the folder holding data/data/com.tencent.mm/… above an account folder,
 * NULL when it cannot be told. */
static const char *
extraction_root(wxf_model *m, const char *acct)
{
	const char *p;

	if (acct == NULL)
		return NULL;
	if ((p = strstr(acct, "/data/data/")) != NULL)
		return wxf_model_strndup(m, acct, (size_t)(p - acct));
	if (strncmp(acct, "data/data/", 10) == 0)
		return ".";
	if ((p = strstr(acct, "/data/user/0/")) != NULL)
		return wxf_model_strndup(m, acct, (size_t)(p - acct));
	return NULL;
}

int
wxf_android_ctx_new(wxf_android_ctx **cp, wxf_model *m, wxf_sqlite_db *db,
    const wxf_android_opts *o, wxf_err *err)
{
	wxf_android_ctx *c;
	static const char *const side[] = { "ImgInfo2", "appattach", "AppMessage", NULL };
	int rc;

	*cp = NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL || (c->keys = wxf_arena_new()) == NULL) {
		free(c);
		return wxf_err_set(err, WXF_ENOMEM, "android: out of memory");
	}
	wxf_xml_init();
	c->m = m;
	c->db = db;
	c->evidence = wxf_model_strdup(m, o != NULL && o->evidence_path ? o->evidence_path : "");
	c->image = o != NULL ? wxf_model_strdup(m, o->image_path) : NULL;
	c->wal_evidence = o != NULL ? wxf_model_strdup(m, o->wal_evidence_path) : NULL;
	c->wal_image = o != NULL ? wxf_model_strdup(m, o->wal_image_path) : NULL;
	c->acct_dir = o != NULL ? wxf_model_strdup(m, o->account_dir) : NULL;
	c->no_hash = o != NULL ? o->no_media_hash : 0;
	c->acct_disk = o != NULL && o->account_dir_disk != NULL ?
	    wxf_model_strdup(m, o->account_dir_disk) : c->acct_dir;
	c->root = extraction_root(m, c->acct_dir);
	c->root_disk = extraction_root(m, c->acct_disk);
	if (o != NULL && o->extraction_root != NULL)
		c->root = c->root_disk = wxf_model_strdup(m, o->extraction_root);
	wxf_model_add_source(m, c->evidence, "message-db", WXF_PLAT_ANDROID,
	    c->acct_dir != NULL ? wxf_path_base(c->acct_dir) : NULL);
	if (c->acct_dir != NULL)
		wxf_model_add_source(m, c->acct_dir, "media-dir", WXF_PLAT_ANDROID,
		    wxf_path_base(c->acct_dir));
	for (size_t i = 0; side[i] != NULL; i++)
		if ((rc = scan_named(c, side[i], err)) != WXF_OK) {
			wxf_android_ctx_free(&c);
			return rc;
		}
	*cp = c;
	return WXF_OK;
}

void
wxf_android_ctx_free(wxf_android_ctx **cp)
{
	wxf_android_ctx *c;

	if (cp == NULL || *cp == NULL)
		return;
	c = *cp;
	wxf_strmap_free(&c->img_by_local);
	wxf_strmap_free(&c->img_by_svr);
	wxf_strmap_free(&c->attach_by_msg);
	wxf_strmap_free(&c->appmsg_by_id);
	wxf_strmap_free(&c->msg_seen);
	wxf_arena_free(&c->keys);
	free(c->appmsgs);
	free(c);
	*cp = NULL;
}

int
wxf_android_read(wxf_android_ctx *c, wxf_err *err)
{
	static const char *const first[] = { "userinfo", "WalletUserInfo", "WalletBankcard",
	    "rcontact", "chatroom", "rconversation", "DeletedConversationInfo", NULL };
	static const char *const after[] = { "RemittanceRecord", "WalletLuckyMoney", "AARecord",
	    NULL };
	size_t n = wxf_sqlite_n_objs(c->db);
	int rc;

	for (size_t i = 0; first[i] != NULL; i++)
		if ((rc = scan_named(c, first[i], err)) != WXF_OK)
			return rc;
	/* every table with the message shape, in schema order */
	for (size_t i = 0; i < n; i++) {
		const wxf_sqlite_obj *t = wxf_sqlite_obj_at(c->db, i);

		if (wxf_android_is_message_table(t) && (rc = scan_table(c, t, err)) != WXF_OK)
			return rc;
	}
	if ((rc = appmessage_orphans(c)) != WXF_OK)
		return wxf_err_set(err, rc, "android: out of memory");
	for (size_t i = 0; after[i] != NULL; i++)
		if ((rc = scan_named(c, after[i], err)) != WXF_OK)
			return rc;
	return WXF_OK;
}

int
wxf_android_read_db(wxf_model *m, wxf_sqlite_db *db, const wxf_android_opts *o, wxf_err *err)
{
	wxf_android_ctx *c;
	int rc = wxf_android_ctx_new(&c, m, db, o, err);

	if (rc != WXF_OK)
		return rc;
	rc = wxf_android_read(c, err);
	wxf_android_ctx_free(&c);
	return rc;
}
