/* SPDX-License-Identifier: Apache-2.0 */
/*
 * iOS WeChat reader: plaintext databases of one account folder Documents/<md5(wxid)>/ → the
 * common model (shared/formats/wechat-android-ios.md §4, corrections-2026-12.md A.1, A.2, B):
 *
 *   DB/MM.sqlite, DB/message_N.sqlite   Chat_<md5(username)>(MesLocalID, MesSvrID, CreateTime
 *                                       seconds, Message, Status, ImgStatus, Type, Des 0 = sent
 *                                       by the owner / 1 = received[, WCDB_CT_Message]); group
 *                                       rows received start "<wxid>:\n"
 *   DB/WCDB_Contact.sqlite              Friend, OpenIMContact: dbContactRemark protobuf (1
 *                                       nickname, 2 alias, 3 remark, 8 tag ids),
 *                                       dbContactChatRoom (1 member list, 6 RoomData XML with
 *                                       each member's in-group DisplayName)
 *   session/session.db                  SessionAbstract (UsrName, CreateTime, unreadcount)
 *   Documents/LoginInfo2.dat            protobuf {1: bytes: (varint length, record)*}, record
 *                                       {1 wxid, 2 alias, 3 nickname}
 *   Documents/<h>/mmsetting.archive     keyed archive: UsrName, NickName, AliasName, Mobile
 *   Documents/MMappedKV/mmsetting.archive.<wxid>   the same settings in an MMKV file (newer
 *                                       clients; wc_mmkv.h): key "86" wxid, "87" alias (the
 *                                       WeChat ID), "88" nickname, each an MMKV string, the
 *                                       last record of a key winning.  These key names come from
 *                                       public readers (WechatExporter reads 86/87/88); no
 *                                       public source names the phone number's key, so it is
 *                                       not read from this file
 *
 * Message text per WCDB_CT_Message = (kind << 1) | was_blob: kind 0 plain, 2 plain zstd
 * (decoded with libzstd, at most WXF_IOS_TEXT_MAX bytes), 1 zstd with a dictionary (kept
 * raw, shown as "compressed, dictionary not available", never decoded to garbage).
 *
 * The caller (the driver) maps Chat_<md5> to a username and finds media files: both are
 * callbacks, so that this reader sees one database and never the file system.
 */
#ifndef WXF_WECHAT_IOS_H
#define WXF_WECHAT_IOS_H

#include <stddef.h>
#include <stdint.h>
#include "base/wxf_err.h"
#include "base/wxf_prov.h"
#include "model/model.h"
#include "sqlite/sqlite.h"

#define WXF_IOS_TEXT_MAX ((size_t)4 << 20)

typedef struct wxf_ios_opts {
	const char *evidence_path;   /* the database as listed in the inventory (required) */
	const char *image_path;      /* the file the offsets refer to (bundle-relative) or NULL */
	/* The -wal (inventory path, bundle-relative image or NULL): a live row read from a WAL
	 * frame has its offset in that file, so it is cited there. */
	const char *wal_path, *wal_image_path;
	/* The username whose md5 is md5hex (32 lowercase hex digits), or NULL. */
	const char *(*talker_of)(void *arg, const char *md5hex);
	/* Fills md (path, state, sha256, size, magic) for the file rel below the account folder
	 * ("Img/<h>/<id>.pic"); returns 1 when present. */
	int (*media)(void *arg, const char *rel, wxf_media *md);
	void *arg;
} wxf_ios_opts;

typedef struct wxf_ios_stats {
	size_t n_msgs, n_zstd, n_dict, n_zstd_bad, n_unmapped_tables;
	uint32_t dict_id;            /* a dictionary id met (the last one) */
} wxf_ios_stats;

typedef struct wxf_ios_ctx wxf_ios_ctx;

int wxf_ios_ctx_new(wxf_ios_ctx **c, wxf_model *m, wxf_sqlite_db *db, const wxf_ios_opts *o,
    wxf_err *err);
/* Every live row of Friend, OpenIMContact, SessionAbstract and every Chat_<md5> table. */
int wxf_ios_read(wxf_ios_ctx *c, wxf_err *err);
/* One row (live or recovered); rows of other tables are ignored. */
int wxf_ios_add_row(wxf_ios_ctx *c, const wxf_sqlrow *row, const wxf_prov *prov, wxf_err *err);
/* The counters so far. */
const wxf_ios_stats *wxf_ios_stats_of(const wxf_ios_ctx *c);
void wxf_ios_ctx_free(wxf_ios_ctx **c);

/* 1 and the md5 (33 bytes) when t is a Chat_<32 hex> table. */
int wxf_ios_chat_table(const wxf_sqlite_obj *t, char md5hex[33]);

/* The owner's identity from the account files.  Strings are malloc'd (free with
 * wxf_ios_owner_free); fields absent stay NULL. */
typedef struct wxf_ios_loc {
	uint64_t off;                /* the value's UTF-8 bytes in the file */
	uint32_t len;                /* 0: not located (the whole file is the citation) */
} wxf_ios_loc;

typedef struct wxf_ios_owner {
	char *wxid, *alias, *nickname, *phone;
	wxf_ios_loc at_wxid, at_alias, at_nickname, at_phone;
	size_t n_superseded;         /* earlier values of the same keys (MMKV) */
} wxf_ios_owner;
/* LoginInfo2.dat: the record whose md5(wxid) is want_md5 (NULL: the first).  Returns 1 found,
 * 0 not found, WXF_ECORRUPT when the protobuf is malformed. */
int wxf_ios_logininfo(const uint8_t *p, size_t n, const char *want_md5, wxf_ios_owner *o);
/* mmsetting.archive (keyed archive).  WXF_OK or WXF_ECORRUPT. */
int wxf_ios_mmsetting(const uint8_t *p, size_t n, wxf_ios_owner *o, wxf_err *err);
/* Documents/MMappedKV/mmsetting.archive.<wxid> (MMKV): wxid, alias, nickname with where each
 * value lies in the file.  WXF_OK (the fields found; a damaged record ends the walk, the values
 * before it stand, *note (may be NULL) gets a malloc'd remark), or WXF_ECORRUPT when not even the
 * header is there. */
int wxf_ios_mmkv_setting(const uint8_t *p, size_t n, wxf_ios_owner *o, char **note,
    wxf_err *err);
void wxf_ios_owner_free(wxf_ios_owner *o);
/* dbContactRemark: nickname, alias, remark, tag ids (malloc'd; NULL when absent).  Returns the
 * number of fields found, -1 when malformed, WXF_ENOMEM (nothing returned) when a copy failed. */
int wxf_ios_contact_remark(const uint8_t *p, size_t n, char **nick, char **alias, char **remark,
    char **tags);

#endif
