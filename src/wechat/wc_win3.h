/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Windows WeChat 3.x reader: the plaintext images of one account's databases
 * (WeChat Files/<wxid>/Msg/) → the common model (wechat-desktop.md 1.7-1.9, corrections B):
 *
 *   MicroMsg.db       Contact(UserName, Alias, Remark, NickName, Reserved1 1 = friend or joined
 *                     group / 0 = group member only, Type, VerifyFlag, DelFlag, ExtraBuf TLV:
 *                     phone 759378AD ...), ChatRoom(ChatRoomName, UserNameList joined by "^G",
 *                     Reserved2 = owner, RoomData protobuf: in-group display names),
 *                     Session(strUsrName, nUnReadCount, strContent, nTime),
 *                     RevokeMsgStorage(CreateTime, MsgSvrID, RevokeSvrID)
 *   Multi/MSGn.db     MSG(localId, TalkerId -> Name2ID rowid, MsgSvrID, Type, SubType,
 *                     IsSender 1 = sent by the owner, CreateTime seconds, StrTalker, StrContent,
 *                     CompressContent = LZ4 block of the appmsg XML for Type 49, BytesExtra
 *                     protobuf: 1 group sender, 3 thumbnail path, 4 image/video path), Name2ID
 *   Multi/MediaMSGn.db  Media(Key, Reserved0 = MsgSvrID, Buf = voice)
 *   HardLinkImage.db  HardLinkImageAttribute(MD5 blob, FileName, DirID1, DirID2) ⋈
 *                     HardLinkImageID(DirID, Dir): FileStorage/MsgAttach/<Dir1>/Image/<Dir2>/
 *                     <FileName> for an image whose BytesExtra names no path
 *   Multi/FTSMSGn.db  FTSChatMsg2_MetaData(docid, msgId = MsgSvrID [U]) ⋈
 *                     FTSChatMsg2_content(docid, c0content): a witness of the message's text
 *
 * Shards are merged in time order by the model (every message keeps its own shard as its
 * file).  Everything that is not read directly from the record's bytes (LZ4 content, UTF-16
 * ExtraBuf text) is cited through the account's decoded copies (wc_desk.h).
 */
#ifndef WXF_WECHAT_WIN3_H
#define WXF_WECHAT_WIN3_H

#include "base/wxf_err.h"
#include "base/wxf_prov.h"
#include "model/model.h"
#include "sqlite/sqlite.h"
#include "wechat/wc_desk.h"

#define WXF_WIN3_TEXT_MAX ((size_t)8 << 20)   /* decoded CompressContent bound */

typedef struct wxf_win3 wxf_win3;          /* one account */
typedef struct wxf_win3_db wxf_win3_db;    /* one database of it */

typedef struct wxf_win3_stats {
	size_t n_msgs, n_lz4, n_lz4_bad, n_contacts, n_voice, n_fts_witness, n_fts_orphan;
	size_t n_extrabuf_bad, n_bytesextra_bad, n_revoked;
} wxf_win3_stats;

/* The account: its model, wxid (the folder name), the shared desktop state.  WXF_OK or
 * WXF_ENOMEM. */
int wxf_win3_new(wxf_win3 **w, wxf_model *m, const char *wxid, const char *acct_dir,
    wxf_desk *dk, wxf_err *err);
void wxf_win3_free(wxf_win3 **w);
/* A reader over one plaintext image; evidence / image / wal / wal_image as in wxf_prov. */
int wxf_win3_db_open(wxf_win3 *w, wxf_win3_db **r, wxf_sqlite_db *db, const char *evidence,
    const char *image, const char *wal, const char *wal_image, wxf_err *err);
/* Every live row of the tables above that this database holds. */
int wxf_win3_db_read(wxf_win3_db *r, wxf_err *err);
/* One row, live or recovered (prov given). */
int wxf_win3_db_add_row(wxf_win3_db *r, const wxf_sqlrow *row, const wxf_prov *prov,
    wxf_err *err);
void wxf_win3_db_close(wxf_win3_db **r);
/* Joins across databases: voice, hard links, revocations.  WXF_OK or WXF_ENOMEM. */
int wxf_win3_finish(wxf_win3 *w, wxf_err *err);
const wxf_win3_stats *wxf_win3_stats_of(const wxf_win3 *w);

#endif
