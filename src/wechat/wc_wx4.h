/* SPDX-License-Identifier: Apache-2.0 */
/*
 * WeChat 4.x reader (Windows and macOS): the plaintext images of one account's databases
 * (xwechat_files/<wxid>_<suffix>/db_storage/) → the common model (wechat-desktop.md 2.2-2.6,
 * corrections A.2, A.3, B):
 *
 *   contact/contact.db     contact(id, username, local_type 1 friend / 2 group / 3 group member
 *                          who is not a friend, alias, remark, nick_name, verify_flag,
 *                          delete_flag), chat_room(id, username, owner, ext_buffer = RoomData
 *                          protobuf: in-group display names), chatroom_member(room_id,
 *                          member_id -> contact.id)
 *   message/message_N.db   Msg_<md5(username)>(local_id, server_id, local_type = subtype << 32 |
 *                          type, real_sender_id -> this shard's Name2Id rowid, create_time
 *                          seconds, status, source, message_content read as bytes and decoded
 *                          per WCDB_CT_message_content: (type << 1) | was-blob, type 2 = zstd,
 *                          1 = zstd with a dictionary (kept raw), packed_info_data {3: {4: image
 *                          md5}}), Name2Id(user_name); the conversation is the Name2Id or
 *                          contact username whose md5 names the table
 *   message/media_N.db     VoiceInfo(svr_id, voice_data)
 *   hardlink/hardlink.db   image_hardlink_info_v3/_v4(md5, file_name, dir1, dir2 -> dir2id rowid):
 *                          msg/attach/<dir1>/<dir2>/Img/<file_name>
 *   session/session.db     SessionTable(username, unread_count, summary, last_timestamp)
 *   message/message_resource.db
 *                          MessageResourceInfo(chat_id -> ChatName2Id rowid (user_name),
 *                          message_local_id, message_create_time, packed_info {3: {4: image
 *                          md5}}): the md5 of an image message whose own packed_info_data
 *                          lacks it (corrections B) [D: the table and column names are those
 *                          public readers use; not in shared/formats], cited as an index-entry
 *                          witness of the message (the row names it and holds the md5)
 *
 * Images: the md5 of packed_info_data (else message_resource.db's), path from hardlink.db, else any
 * msg/attach/<md5(talker)>/<month>/Img/<md5>[_h].dat of the account (_h.dat, the HD copy,
 * preferred); the thumbnail <md5>_t.dat beside it.  zstd content is cited through the
 * account's decoded copies (wc_desk.h).
 */
#ifndef WXF_WECHAT_WX4_H
#define WXF_WECHAT_WX4_H

#include "base/wxf_err.h"
#include "base/wxf_prov.h"
#include "model/model.h"
#include "sqlite/sqlite.h"
#include "wechat/wc_desk.h"

#define WXF_WX4_TEXT_MAX ((size_t)8 << 20)   /* decoded message_content bound */

typedef struct wxf_wx4 wxf_wx4;
typedef struct wxf_wx4_db wxf_wx4_db;

typedef struct wxf_wx4_stats {
	size_t n_msgs, n_zstd, n_zstd_bad, n_zstd_dict, n_contacts, n_voice, n_packed_bad;
	size_t n_resource_rows, n_resource_used;  /* message_resource.db rows with an image md5,
	                                             and images located through them */
	size_t n_talker_unknown;
} wxf_wx4_stats;

/* The account: its model, wxid (the folder name without its _suffix), folder, shared state. */
int wxf_wx4_new(wxf_wx4 **w, wxf_model *m, const char *wxid, const char *acct_dir,
    wxf_desk *dk, wxf_err *err);
void wxf_wx4_free(wxf_wx4 **w);
int wxf_wx4_db_open(wxf_wx4 *w, wxf_wx4_db **r, wxf_sqlite_db *db, const char *evidence,
    const char *image, const char *wal, const char *wal_image, wxf_err *err);
int wxf_wx4_db_read(wxf_wx4_db *r, wxf_err *err);
int wxf_wx4_db_add_row(wxf_wx4_db *r, const wxf_sqlrow *row, const wxf_prov *prov,
    wxf_err *err);
void wxf_wx4_db_close(wxf_wx4_db **r);
/* Joins across databases: voice, images.  WXF_OK or WXF_ENOMEM. */
int wxf_wx4_finish(wxf_wx4 *w, wxf_err *err);
const wxf_wx4_stats *wxf_wx4_stats_of(const wxf_wx4 *w);

#endif
