/* SPDX-License-Identifier: Apache-2.0 */
/*
 * iOS WeChat reader (see wc_ios.h).  Order inside one account (the driver's): contacts first
 * (their usernames map Chat_<md5> tables), then sessions, then the message databases.  Every
 * value is hostile: a column may be missing or of another type; protobufs go through
 * wc_protobuf.c (bounded), XML through wc_msgxml.c (hardened), zstd through libzstd with an
 * output bound.
 */
#include "config.h"
#include "wechat/wc_ios.h"
#include "wechat/wc_driver.h"
#include "wechat/wc_mmkv.h"
#include "wechat/wc_msgdecode.h"
#include "wechat/wc_msgxml.h"
#include "wechat/wc_protobuf.h"
#include "base/wxf_buf.h"
#include "base/wxf_hash.h"
#include "base/wxf_plist.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zstd.h>

#define DICT_TEXT "〔压缩内容，字典不可用 compressed, dictionary not available〕"

struct wxf_ios_ctx {
	wxf_model *m;
	wxf_sqlite_db *db;
	const char *evidence, *image, *wal, *wal_image;
	wxf_ios_opts o;
	wxf_ios_stats st;
};

/* ------------------------------------------------------------------------------ helpers */

static const wxf_sqlval *
col(const wxf_sqlrow *r, const char *name)
{
	int i = wxf_sqlite_col(r->table, name);

	return i < 0 || i >= r->n_vals ? NULL : &r->vals[i];
}

static const char *
cstr(wxf_model *m, const wxf_sqlrow *r, const char *name)
{
	const wxf_sqlval *v = col(r, name);
	const uint8_t *z;

	if (v == NULL)
		return NULL;
	if (v->type == WXF_SQL_INT)
		return wxf_model_printf(m, "%lld", (long long)v->i);
	if (v->type != WXF_SQL_TEXT && v->type != WXF_SQL_BLOB)
		return NULL;
	z = memchr(v->p, '\0', v->n);
	return wxf_model_strndup(m, (const char *)v->p, z != NULL ? (size_t)(z - v->p) : v->n);
}

static const char *
cstr_ne(wxf_model *m, const wxf_sqlrow *r, const char *name)
{
	const char *s = cstr(m, r, name);

	return s == NULL || *s == '\0' ? NULL : s;
}

static int64_t
cint(const wxf_sqlrow *r, const char *name)
{
	const wxf_sqlval *v = col(r, name);

	if (v == NULL || v->type == WXF_SQL_NULL)
		return WXF_INT_UNKNOWN;
	if (v->type == WXF_SQL_INT)
		return v->i;
	if (v->type == WXF_SQL_TEXT)
		return wxf_sqlval_int(v, WXF_INT_UNKNOWN);
	return WXF_INT_UNKNOWN;
}

static int
tname_is(const wxf_sqlrow *r, const char *name)
{
	return r->table != NULL && r->table->name != NULL && strcasecmp(r->table->name, name) == 0;
}

int
wxf_ios_chat_table(const wxf_sqlite_obj *t, char md5hex[33])
{
	size_t i;

	if (t == NULL || t->name == NULL || t->type == NULL || strcmp(t->type, "table") != 0 ||
	    strncmp(t->name, "Chat_", 5) != 0 || strlen(t->name) != 37)
		return 0;
	for (i = 0; i < 32; i++) {
		char c = t->name[5 + i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return 0;
		md5hex[i] = (char)(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
	}
	md5hex[32] = '\0';
	return wxf_sqlite_col(t, "Message") >= 0 && wxf_sqlite_col(t, "Type") >= 0;
}

/* ------------------------------------------------------------------------------ protobufs */

static char *
pb_dup(const wxf_pb_field *f)
{
	char *s = malloc(f->n + 1);

	if (s != NULL) {
		memcpy(s, f->p, f->n);
		s[f->n] = '\0';
	}
	return s;
}

int
wxf_ios_contact_remark(const uint8_t *p, size_t n, char **nick, char **alias, char **remark,
    char **tags)
{
	wxf_cur c = wxf_cur_make(p, n);
	wxf_pb_field f;
	int rc, k = 0;

	*nick = *alias = *remark = *tags = NULL;
	while ((rc = wxf_pb_next(&c, &f, NULL)) == 1) {
		char **dst = f.num == 1 ? nick : f.num == 2 ? alias : f.num == 3 ? remark :
		    f.num == 8 ? tags : NULL;

		if (dst == NULL || f.wire != WXF_PB_LEN || f.n == 0 || *dst != NULL)
			continue;
		if ((*dst = pb_dup(&f)) == NULL) {
			free(*nick);
			free(*alias);
			free(*remark);
			free(*tags);
			*nick = *alias = *remark = *tags = NULL;
			return WXF_ENOMEM;      /* not a field the record lacks */
		}
		k++;
	}
	return rc < 0 ? -1 : k;
}

int
wxf_ios_logininfo(const uint8_t *p, size_t n, const char *want_md5, wxf_ios_owner *o)
{
	wxf_cur c = wxf_cur_make(p, n);
	wxf_pb_field f;
	int rc;

	memset(o, 0, sizeof(*o));
	while ((rc = wxf_pb_next(&c, &f, NULL)) == 1) {
		wxf_cur rs;

		if (f.num != 1 || f.wire != WXF_PB_LEN)
			continue;
		/* a series of (varint length, user record) */
		rs = wxf_pb_sub(&f);
		while (wxf_cur_left(&rs) > 0) {
			uint64_t len = wxf_cur_leb128(&rs);
			wxf_cur r;
			wxf_pb_field g;
			wxf_ios_owner x;
			char h[33];

			if (rs.bad || len > wxf_cur_left(&rs))
				return WXF_ECORRUPT;
			r = wxf_cur_sub(&rs, (size_t)len);
			memset(&x, 0, sizeof(x));
			while ((rc = wxf_pb_next(&r, &g, NULL)) == 1) {
				char **dst = g.num == 1 ? &x.wxid : g.num == 2 ? &x.alias : g.num == 3 ?
				    &x.nickname : NULL;

				if (dst != NULL && g.wire == WXF_PB_LEN && g.n > 0 && *dst == NULL &&
				    (*dst = pb_dup(&g)) == NULL) {
					wxf_ios_owner_free(&x);
					return WXF_ENOMEM;
				}
			}
			if (rc < 0 || x.wxid == NULL) {
				wxf_ios_owner_free(&x);
				if (rc < 0)
					return WXF_ECORRUPT;
				continue;
			}
			wxf_md5_hex(x.wxid, strlen(x.wxid), h);
			if (want_md5 == NULL || strcmp(h, want_md5) == 0) {
				*o = x;
				return 1;
			}
			wxf_ios_owner_free(&x);
		}
	}
	return rc < 0 ? WXF_ECORRUPT : 0;
}

/* *dst = a copy of s, or NULL for an absent or empty value; WXF_ENOMEM when the copy failed
 * (a value the file holds is never dropped quietly). */
static int
dup_field(char **dst, const char *s)
{
	*dst = NULL;
	if (s == NULL || *s == '\0')
		return WXF_OK;
	return (*dst = strdup(s)) != NULL ? WXF_OK : WXF_ENOMEM;
}

int
wxf_ios_mmsetting(const uint8_t *p, size_t n, wxf_ios_owner *o, wxf_err *err)
{
	wxf_karchive ka;
	const char *ph;
	int rc;

	memset(o, 0, sizeof(*o));
	if ((rc = wxf_karchive_open(&ka, p, n, 4u << 20, err)) != WXF_OK)
		return rc;
	ph = wxf_karchive_str(&ka, ka.root, "Mobile");
	if (ph == NULL)
		ph = wxf_karchive_str(&ka, ka.root, "BindMobile");
	if (dup_field(&o->wxid, wxf_karchive_str(&ka, ka.root, "UsrName")) != WXF_OK ||
	    dup_field(&o->nickname, wxf_karchive_str(&ka, ka.root, "NickName")) != WXF_OK ||
	    dup_field(&o->alias, wxf_karchive_str(&ka, ka.root, "AliasName")) != WXF_OK ||
	    dup_field(&o->phone, ph) != WXF_OK) {
		wxf_karchive_close(&ka);
		wxf_ios_owner_free(o);
		return wxf_err_set(err, WXF_ENOMEM, "mmsetting.archive: out of memory");
	}
	wxf_karchive_close(&ka);
	return WXF_OK;
}

/* The settings an MMKV mmsetting file holds, by key (see wc_ios.h for where the names come
 * from). */
static const struct {
	const char *key;
	size_t field;        /* 0 wxid, 1 alias, 2 nickname */
} mmkv_keys[] = {
	{ "86", 0 }, { "87", 1 }, { "88", 2 },
};

struct mmkv_owner {
	wxf_ios_owner *o;
	int seen[3];
	int failed;          /* out of memory */
};

static int
mmkv_field(void *arg, const wxf_mmkv_kv *kv)
{
	struct mmkv_owner *x = arg;
	char **dst[3] = { &x->o->wxid, &x->o->alias, &x->o->nickname };
	wxf_ios_loc *at[3] = { &x->o->at_wxid, &x->o->at_alias, &x->o->at_nickname };
	const uint8_t *s;
	size_t i, sn;
	uint64_t off;

	for (i = 0; i < sizeof(mmkv_keys) / sizeof(mmkv_keys[0]); i++) {
		size_t f = mmkv_keys[i].field;

		if (kv->key_n != strlen(mmkv_keys[i].key) || memcmp(kv->key, mmkv_keys[i].key,
		    kv->key_n) != 0)
			continue;
		if (x->seen[f]++)
			x->o->n_superseded++;
		free(*dst[f]);
		*dst[f] = NULL;
		memset(at[f], 0, sizeof(*at[f]));
		/* an empty value removes the key; a value that is not text is not taken */
		if (kv->val_n == 0 || !wxf_mmkv_value_str(kv, &s, &sn, &off) || sn == 0 ||
		    sn > UINT32_MAX || memchr(s, '\0', sn) != NULL ||
		    !wxf_utf8_valid((const char *)s, sn))
			return 0;
		if ((*dst[f] = malloc(sn + 1)) == NULL) {
			x->failed = 1;
			return 1;
		}
		memcpy(*dst[f], s, sn);
		(*dst[f])[sn] = '\0';
		at[f]->off = off;
		at[f]->len = (uint32_t)sn;
	}
	return 0;
}

int
wxf_ios_mmkv_setting(const uint8_t *p, size_t n, wxf_ios_owner *o, char **note, wxf_err *err)
{
	struct mmkv_owner x;
	wxf_mmkv_info info;
	wxf_err e;
	int rc;

	memset(o, 0, sizeof(*o));
	memset(&x, 0, sizeof(x));
	x.o = o;
	if (note != NULL)
		*note = NULL;
	wxf_err_clear(&e);
	rc = wxf_mmkv_walk(p, n, mmkv_field, &x, &info, &e);
	if (x.failed) {
		wxf_ios_owner_free(o);
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	}
	if (n < 4) {
		wxf_ios_owner_free(o);
		return wxf_err_set(err, WXF_ECORRUPT, "%s", e.msg);
	}
	if (note != NULL && (rc != WXF_OK || info.short_file)) {
		char buf[1200];

		snprintf(buf, sizeof(buf), "%s%s%s", rc != WXF_OK ? e.msg : "", rc != WXF_OK &&
		    info.short_file ? "; " : "", info.short_file ? "its size field reaches past the "
		    "end of the file" : "");
		*note = strdup(buf);
	}
	return WXF_OK;
}

void
wxf_ios_owner_free(wxf_ios_owner *o)
{
	free(o->wxid);
	free(o->alias);
	free(o->nickname);
	free(o->phone);
	memset(o, 0, sizeof(*o));
}

/* ------------------------------------------------------------------------------ contacts */

static int
add_room(wxf_ios_ctx *c, const char *name, const uint8_t *p, size_t n, const wxf_prov *prov)
{
	wxf_model *m = c->m;
	wxf_group *g = wxf_model_group(m, name, prov);
	wxf_cur cu = wxf_cur_make(p, n);
	wxf_pb_field f;
	int rc;

	if (g == NULL)
		return WXF_ENOMEM;
	while ((rc = wxf_pb_next(&cu, &f, NULL)) == 1) {
		if (f.wire != WXF_PB_LEN)
			continue;
		if (f.num == 1 && g->memberlist_raw == NULL) {
			const char *s = wxf_model_strndup(m, (const char *)f.p, f.n), *e;

			g->memberlist_raw = s;
			while (s != NULL && *s != '\0') {
				e = strchr(s, ';');
				if ((e != NULL ? (size_t)(e - s) : strlen(s)) > 0 &&
				    wxf_group_add_member(m, g, wxf_model_strndup(m, s, e != NULL ?
				    (size_t)(e - s) : strlen(s)), NULL, prov) != WXF_OK)
					return WXF_ENOMEM;
				s = e != NULL ? e + 1 : NULL;
			}
		} else if (f.num == 6) {
			const char *why = NULL;
			xmlDocPtr doc = wxf_xml_parse((const char *)f.p, f.n, &why);
			xmlNodePtr root = doc != NULL ? xmlDocGetRootElement(doc) : NULL, k;

			if (doc == NULL && why == wxf_xml_enomem)
				return WXF_ENOMEM;
			if (doc == NULL) {
				wxf_model_anomaly(m, WXF_SEV_WARN, "roomdata-unreadable", NULL, NULL, prov,
				    "%s: RoomData not readable (%s)", name, why != NULL ? why : "?");
				continue;
			}
			for (k = root != NULL ? root->children : NULL; k != NULL; k = k->next) {
				const char *u, *d;
				wxf_identity *id;

				if (k->type != XML_ELEMENT_NODE || strcmp((const char *)k->name, "Member") != 0)
					continue;
				u = wxf_xml_attr(m, k, "UserName");
				d = wxf_xml_text_ne(m, k, "DisplayName");
				if (u == NULL || *u == '\0')
					continue;
				if (wxf_group_add_member(m, g, u, d, prov) != WXF_OK ||
				    (d != NULL && ((id = wxf_model_identity(m, u, prov)) == NULL ||
				    wxf_attrs_add(m, &id->nicknames, d, "dbContactChatRoom.RoomData.DisplayName",
				    WXF_TIME_UNKNOWN, prov) != WXF_OK))) {
					xmlFreeDoc(doc);
					return WXF_ENOMEM;
				}
			}
			xmlFreeDoc(doc);
		}
	}
	if (rc < 0)
		wxf_model_anomaly(m, WXF_SEV_WARN, "protobuf-malformed", NULL, NULL, prov,
		    "%s: dbContactChatRoom is not a well-formed protobuf", name);
	return WXF_OK;
}

static int
add_friend(wxf_ios_ctx *c, const wxf_sqlrow *r, const wxf_prov *prov)
{
	wxf_model *m = c->m;
	const char *u = cstr_ne(m, r, "userName");
	const wxf_sqlval *v;
	wxf_identity *id;
	char *nick = NULL, *alias = NULL, *remark = NULL, *tags = NULL;
	int rc = WXF_OK, k;
	int64_t cert;

	if (u == NULL)
		return WXF_OK;
	if ((id = wxf_model_identity(m, u, prov)) == NULL)
		return WXF_ENOMEM;
	if (prov->origin == WXF_ORIGIN_LIVE)
		id->in_contacts = 1;
	if (prov->origin == WXF_ORIGIN_LIVE || id->type_flags == WXF_INT_UNKNOWN) {
		id->type_flags = cint(r, "type");
		id->flags_prov = *prov;
	}
	cert = cint(r, "certificationFlag");
	if (cert != WXF_INT_UNKNOWN && cert != 0 && id->kind == WXF_ID_PERSON)
		id->kind = WXF_ID_OFFICIAL;
	v = col(r, "dbContactRemark");
	if (v != NULL && (v->type == WXF_SQL_BLOB || v->type == WXF_SQL_TEXT)) {
		k = wxf_ios_contact_remark(v->p, v->n, &nick, &alias, &remark, &tags);
		if (k == WXF_ENOMEM)
			return WXF_ENOMEM;
		if (k < 0)
			wxf_model_anomaly(m, WXF_SEV_WARN, "protobuf-malformed", NULL, NULL, prov,
			    "%s: dbContactRemark is not a well-formed protobuf", u);
		if (wxf_attrs_add(m, &id->nicknames, nick, "Friend.dbContactRemark.1(nickname)",
		    WXF_TIME_UNKNOWN, prov) != WXF_OK ||
		    wxf_attrs_add(m, &id->aliases, alias, "Friend.dbContactRemark.2(alias)",
		    WXF_TIME_UNKNOWN, prov) != WXF_OK ||
		    wxf_attrs_add(m, &id->remarks, remark, "Friend.dbContactRemark.3(remark)",
		    WXF_TIME_UNKNOWN, prov) != WXF_OK ||
		    wxf_attrs_add(m, &id->other, tags != NULL ? wxf_model_printf(m, "tags %s", tags) :
		    NULL, "Friend.dbContactRemark.8(tag ids)", WXF_TIME_UNKNOWN, prov) != WXF_OK)
			rc = WXF_ENOMEM;
	}
	if (rc == WXF_OK && id->kind == WXF_ID_GROUP) {
		wxf_group *g = wxf_model_group(m, u, prov);

		if (g == NULL || wxf_attrs_add(m, &g->names, nick, "Friend.dbContactRemark.1(name)",
		    WXF_TIME_UNKNOWN, prov) != WXF_OK)
			rc = WXF_ENOMEM;
		v = col(r, "dbContactChatRoom");
		if (rc == WXF_OK && v != NULL && (v->type == WXF_SQL_BLOB || v->type == WXF_SQL_TEXT))
			rc = add_room(c, u, v->p, v->n, prov);
	}
	free(nick);
	free(alias);
	free(remark);
	free(tags);
	return rc;
}

static int
add_session(wxf_ios_ctx *c, const wxf_sqlrow *r, const wxf_prov *prov)
{
	wxf_model *m = c->m;
	const char *u = cstr_ne(m, r, "UsrName");
	wxf_conv *cv;
	int64_t t;

	if (u == NULL)
		return WXF_OK;
	if ((cv = wxf_model_conv(m, u, prov)) == NULL)
		return WXF_ENOMEM;
	if (prov->origin != WXF_ORIGIN_LIVE && cv->in_chat_list)
		return WXF_OK;
	cv->in_chat_list = 1;
	cv->prov = *prov;
	cv->prov.table = wxf_model_strdup(m, prov->table);
	t = cint(r, "CreateTime");
	cv->last_time_ms = t != WXF_INT_UNKNOWN && t > 0 && t < 100000000000LL ? t * 1000 :
	    WXF_TIME_UNKNOWN;
	cv->unread_count = cint(r, "unreadcount");
	return WXF_OK;
}

/* ------------------------------------------------------------------------------ messages */

static const char *
hex_prefix(wxf_model *m, const uint8_t *p, size_t n)
{
	size_t k = n < 2048 ? n : 2048;
	char *h = malloc(2 * k + 1);
	const char *s;

	if (h == NULL)
		return NULL;
	wxf_hex(p, k, h);
	s = wxf_model_strdup(m, h);
	free(h);
	return s;
}

/* The text of a Message value under its WCDB_CT_Message; *text NULL when not decodable. */
static int
message_text(wxf_ios_ctx *c, wxf_msg *msg, const wxf_sqlval *v, int64_t ct, const char **text,
    size_t *len)
{
	wxf_model *m = c->m;
	int zkind = ct == WXF_INT_UNKNOWN || ct < 0 ? 0 : (int)((ct >> 1) & 3);
	int magic = v->n >= 4 && v->p[0] == 0x28 && v->p[1] == 0xb5 && v->p[2] == 0x2f &&
	    v->p[3] == 0xfd;
	unsigned dict;

	*text = NULL;
	*len = 0;
	if (ct != WXF_INT_UNKNOWN)
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "WCDB_CT_Message", wxf_model_printf(m, "%lld",
		    (long long)ct));
	if (zkind == 0) {
		if (magic && v->type == WXF_SQL_BLOB)
			wxf_msg_warn(m, msg, "zstd-unflagged", "Message starts with the zstd magic but "
			    "WCDB_CT_Message says it is not compressed; shown as stored");
		*text = (const char *)v->p;
		*len = v->n;
		return WXF_OK;
	}
	if (!magic) {
		wxf_msg_warn(m, msg, "zstd-no-magic", "WCDB_CT_Message %lld says zstd but the value "
		    "has no zstd frame; shown as stored", (long long)ct);
		*text = (const char *)v->p;
		*len = v->n;
		return WXF_OK;
	}
	dict = ZSTD_getDictID_fromFrame(v->p, v->n);
	if (zkind == 1 || dict != 0) {
		c->st.n_dict++;
		c->st.dict_id = dict;
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "compressed_hex", hex_prefix(m, v->p, v->n));
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "compression", wxf_model_printf(m, "zstd with dictionary "
		    "id %u (dictionary not available); %zu bytes kept raw", dict, v->n));
		return WXF_ENOTFOUND;
	}
	{
		unsigned long long want = ZSTD_getFrameContentSize(v->p, v->n);
		size_t cap = want != ZSTD_CONTENTSIZE_UNKNOWN && want != ZSTD_CONTENTSIZE_ERROR &&
		    want <= WXF_IOS_TEXT_MAX ? (size_t)want : WXF_IOS_TEXT_MAX;
		ZSTD_DCtx *z = ZSTD_createDCtx();
		ZSTD_inBuffer in = { v->p, v->n, 0 };
		ZSTD_outBuffer out;
		char *buf = malloc(cap + 1);
		size_t r = 1;

		if (z == NULL || buf == NULL) {
			ZSTD_freeDCtx(z);
			free(buf);
			return WXF_ENOMEM;
		}
		out.dst = buf;
		out.size = cap;
		out.pos = 0;
		while (r != 0 && in.pos < in.size && out.pos < out.size) {
			r = ZSTD_decompressStream(z, &out, &in);
			if (ZSTD_isError(r))
				break;
		}
		ZSTD_freeDCtx(z);
		if (ZSTD_isError(r) || r != 0) {
			c->st.n_zstd_bad++;
			free(buf);
			wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "compressed_hex", hex_prefix(m, v->p, v->n));
			wxf_msg_warn(m, msg, "zstd-corrupt", "zstd frame of %zu bytes does not decode%s; "
			    "kept raw", v->n, ZSTD_isError(r) ? "" : " within the size limit");
			return WXF_ECORRUPT;
		}
		c->st.n_zstd++;
		*text = wxf_model_strndup(m, buf, out.pos);
		*len = out.pos;
		free(buf);
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "compression", wxf_model_printf(m, "zstd (%zu bytes "
		    "stored, %zu decoded)", v->n, out.pos));
		return *text != NULL ? WXF_OK : WXF_ENOMEM;
	}
}

static int
media(wxf_ios_ctx *c, wxf_msg *msg, const char *role, const char *rel, int required)
{
	wxf_media md;
	int present, rc;

	memset(&md, 0, sizeof(md));
	md.role = role;
	md.expected = rel;
	md.source = "Chat.MesLocalID";
	md.size = -1;
	md.prov = msg->prov;
	md.state = WXF_MEDIA_NOT_SEARCHED;
	if (c->o.media == NULL)
		present = 0;
	else {
		present = c->o.media(c->o.arg, rel, &md);
		md.state = present ? WXF_MEDIA_PRESENT : WXF_MEDIA_MISSING;
	}
	if (!present && !required)
		return WXF_OK;
	rc = wxf_msg_add_media(c->m, msg, &md);
	if (rc == WXF_OK && md.state == WXF_MEDIA_MISSING)
		rc = wxf_model_anomaly(c->m, WXF_SEV_WARN, "media-missing", msg->id, NULL, &msg->prov,
		    "%s file not in the evidence: %s", role, rel);
	return rc;
}

/* Img/<h>/<id>.pic|.pic_hd|.pic_thum, Audio/<h>/<id>.aud, Video/<h>/<id>.mp4|.video_thum,
 * OpenData/<h>/<id>.<ext> (h = md5 of the conversation's username). */
static int
link_media(wxf_ios_ctx *c, wxf_msg *msg, const char *h)
{
	wxf_model *m = c->m;
	long long id = (long long)msg->local_id;
	int rc = WXF_OK;

	if (msg->local_id == WXF_INT_UNKNOWN)
		return WXF_OK;
	switch (msg->base_type) {
	case 3:
		if ((rc = media(c, msg, "image", wxf_model_printf(m, "Img/%s/%lld.pic", h, id), 1)) ==
		    WXF_OK &&
		    (rc = media(c, msg, "image-hd", wxf_model_printf(m, "Img/%s/%lld.pic_hd", h, id),
		    0)) == WXF_OK)
			rc = media(c, msg, "image-thumb", wxf_model_printf(m, "Img/%s/%lld.pic_thum", h,
			    id), 0);
		break;
	case 34:
		rc = media(c, msg, "voice", wxf_model_printf(m, "Audio/%s/%lld.aud", h, id), 1);
		break;
	case 43:
	case 62:
		if ((rc = media(c, msg, "video", wxf_model_printf(m, "Video/%s/%lld.mp4", h, id), 1)) ==
		    WXF_OK)
			rc = media(c, msg, "video-thumb", wxf_model_printf(m, "Video/%s/%lld.video_thum",
			    h, id), 0);
		break;
	default:
		if (msg->kind == WXF_MK_FILE) {
			const char *ext = msg->x->file_ext != NULL && strchr(msg->x->file_ext, '/') == NULL &&
			    strstr(msg->x->file_ext, "..") == NULL ? msg->x->file_ext : NULL;

			rc = media(c, msg, "file", ext != NULL ? wxf_model_printf(m, "OpenData/%s/%lld.%s",
			    h, id, ext) : wxf_model_printf(m, "OpenData/%s/%lld", h, id), 1);
		}
	}
	return rc;
}

static int
add_chat_row(wxf_ios_ctx *c, const wxf_sqlrow *r, const wxf_prov *prov, const char *h)
{
	wxf_model *m = c->m;
	const char *tname = prov->table != NULL ? prov->table : r->table->name;
	const char *talker = c->o.talker_of != NULL ? c->o.talker_of(c->o.arg, h) : NULL;
	const wxf_sqlval *v;
	const char *text = NULL;
	size_t len = 0;
	int64_t t, des;
	wxf_msg *msg;
	int is_new, rc;

	if ((msg = wxf_model_new_msg(m, WXF_PLAT_IOS, tname, prov, &is_new)) == NULL)
		return WXF_ENOMEM;
	if (!is_new)
		return WXF_OK;
	c->st.n_msgs++;
	msg->local_id = cint(r, "MesLocalID");
	if (msg->local_id == WXF_INT_UNKNOWN)
		msg->local_id = r->rowid;
	v = col(r, "MesSvrID");
	if (v != NULL && v->type == WXF_SQL_INT && v->i != 0)
		msg->server_id = wxf_model_printf(m, "%lld", (long long)v->i);
	msg->raw_type = cint(r, "Type");
	t = cint(r, "CreateTime");
	msg->time_ms = t != WXF_INT_UNKNOWN && t > 0 && t < 100000000000LL ? t * 1000 :
	    WXF_TIME_UNKNOWN;
	des = cint(r, "Des");
	msg->is_send = des == 0 ? 1 : des == 1 ? 0 : WXF_INT_UNKNOWN;
	if (des != WXF_INT_UNKNOWN)
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "Des", wxf_model_printf(m, "%lld", (long long)des));
	msg->status = cint(r, "Status");
	msg->talker = talker != NULL ? wxf_model_strdup(m, talker) :
	    wxf_model_printf(m, "unknown-conversation-%s", h);
	if (talker == NULL && wxf_model_find_conv(m, msg->talker) == NULL) {
		/* a name made here, not read: the conversation cites no bytes of its own */
		wxf_prov none;

		memset(&none, 0, sizeof(none));
		none.rowid = INT64_MIN;
		if (wxf_model_conv(m, msg->talker, &none) == NULL)
			return WXF_ENOMEM;
	}
	if (r->truncated)
		wxf_msg_warn(m, msg, "row-truncated", "row cut short (overflow chain broken)");
	v = col(r, "Message");
	rc = WXF_OK;
	if (v != NULL && (v->type == WXF_SQL_TEXT || v->type == WXF_SQL_BLOB))
		rc = message_text(c, msg, v, cint(r, "WCDB_CT_Message"), &text, &len);
	else if (v != NULL && v->type == WXF_SQL_INT) {
		text = wxf_model_printf(m, "%lld", (long long)v->i);
		len = strlen(text);
	}
	if (rc == WXF_ENOMEM)
		return rc;
	if (rc == WXF_ENOTFOUND || rc == WXF_ECORRUPT) {
		/* compressed and not decodable: the type's kind, the flag as its text */
		if ((rc = wxf_wc_decode(m, msg, NULL, 0)) != WXF_OK)
			return rc;
		msg->body = rc == WXF_OK && wxf_kvs_get(&msg->x->fields, "compression") != NULL &&
		    strstr(wxf_kvs_get(&msg->x->fields, "compression"), "dictionary") != NULL ?
		    DICT_TEXT : "〔压缩内容无法解码 compressed, not decodable〕";
		msg->body_placeholder = 1;
		if (strcmp(msg->body, DICT_TEXT) == 0 && (rc = wxf_msg_warn(m, msg,
		    "compressed-dictionary", "Message is zstd-compressed with a dictionary that is not "
		    "available; kept raw, not decoded")) != WXF_OK)
			return rc;
	} else if ((rc = wxf_wc_decode(m, msg, text, len)) != WXF_OK)
		return rc;
	if (talker == NULL)
		wxf_msg_warn(m, msg, "conversation-unmapped", "table %s: no known username has md5 "
		    "%s; kept as unknown conversation %s", tname, h, h);
	return link_media(c, msg, h);
}

/* ------------------------------------------------------------------------------ rows */

static wxf_prov
row_prov(const wxf_ios_ctx *c, const wxf_sqlrow *r)
{
	wxf_prov p;

	memset(&p, 0, sizeof(p));
	p.file = r->wal_frame != 0 && c->wal != NULL ? c->wal : c->evidence;
	p.image = r->wal_frame != 0 && c->wal != NULL ? c->wal_image : c->image;
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

int
wxf_ios_add_row(wxf_ios_ctx *c, const wxf_sqlrow *row, const wxf_prov *prov_in, wxf_err *err)
{
	wxf_prov prov;
	char h[33];
	int rc = WXF_OK;

	if (row == NULL || row->table == NULL)
		return WXF_OK;
	prov = prov_in != NULL ? *prov_in : row_prov(c, row);
	if (prov.table == NULL)
		prov.table = row->table->name;
	if (prov.file == NULL)
		prov.file = c->evidence;
	if (wxf_ios_chat_table(row->table, h))
		rc = add_chat_row(c, row, &prov, h);
	else if (tname_is(row, "Friend") || tname_is(row, "OpenIMContact"))
		rc = add_friend(c, row, &prov);
	else if (tname_is(row, "SessionAbstract"))
		rc = add_session(c, row, &prov);
	if (rc != WXF_OK)
		return wxf_err_set(err, rc, "ios: %s row %lld: out of memory", row->table->name ?
		    row->table->name : "?", (long long)row->rowid);
	return WXF_OK;
}

struct scan_arg {
	wxf_ios_ctx *c;
	wxf_err *err;
	int rc;
};

static int
scan_cb(void *arg, const wxf_sqlrow *row)
{
	struct scan_arg *a = arg;
	wxf_prov p = row_prov(a->c, row);

	a->rc = wxf_ios_add_row(a->c, row, &p, a->err);
	return a->rc != WXF_OK;
}

static int
scan_table(wxf_ios_ctx *c, const wxf_sqlite_obj *t, wxf_err *err)
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

int
wxf_ios_ctx_new(wxf_ios_ctx **cp, wxf_model *m, wxf_sqlite_db *db, const wxf_ios_opts *o,
    wxf_err *err)
{
	wxf_ios_ctx *c = calloc(1, sizeof(*c));

	*cp = NULL;
	if (c == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "ios: out of memory");
	wxf_xml_init();
	c->m = m;
	c->db = db;
	c->o = *o;
	c->evidence = wxf_model_strdup(m, o->evidence_path != NULL ? o->evidence_path : "");
	c->image = wxf_model_strdup(m, o->image_path);
	c->wal = wxf_model_strdup(m, o->wal_path);
	c->wal_image = wxf_model_strdup(m, o->wal_image_path);
	*cp = c;
	return WXF_OK;
}

int
wxf_ios_read(wxf_ios_ctx *c, wxf_err *err)
{
	static const char *const first[] = { "Friend", "OpenIMContact", "SessionAbstract", NULL };
	size_t i, n = wxf_sqlite_n_objs(c->db);
	char h[33];
	int rc;

	for (i = 0; first[i] != NULL; i++)
		if ((rc = scan_table(c, wxf_sqlite_table(c->db, first[i]), err)) != WXF_OK)
			return rc;
	for (i = 0; i < n; i++) {
		const wxf_sqlite_obj *t = wxf_sqlite_obj_at(c->db, i);

		if (!wxf_ios_chat_table(t, h))
			continue;
		if (c->o.talker_of == NULL || c->o.talker_of(c->o.arg, h) == NULL)
			c->st.n_unmapped_tables++;
		if ((rc = scan_table(c, t, err)) != WXF_OK)
			return rc;
	}
	return WXF_OK;
}

const wxf_ios_stats *
wxf_ios_stats_of(const wxf_ios_ctx *c)
{
	return &c->st;
}

void
wxf_ios_ctx_free(wxf_ios_ctx **cp)
{
	if (cp == NULL || *cp == NULL)
		return;
	free(*cp);
	*cp = NULL;
}
