/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Android WeChat reader: a plaintext EnMicroMsg.db image (from decrypt/ or the SQLCipher
 * library) → the common model (model/model.h).
 *
 * Pipeline use:
 *
 *     wxf_android_opts o = { .evidence_path = "…/MicroMsg/<acct>/EnMicroMsg.db",
 *                            .image_path = "work/EnMicroMsg.plain.db",
 *                            .account_dir = "…/MicroMsg/<acct>" };
 *     wxf_android_ctx *ctx;
 *     wxf_android_ctx_new(&ctx, model, db, &o, err);   // db: an opened wxf_sqlite_db
 *     wxf_android_read(ctx, err);                       // every live row of every table used
 *     // carver integration: each recovered row attributed to a table of this db
 *     wxf_android_add_row(ctx, row, &prov, err);        // prov: origin/status/confidence
 *     wxf_android_ctx_free(&ctx);
 *     wxf_model_finish(model, err);                     // lifecycle, conversations, sort
 *
 * wxf_android_add_row dispatches on the row's table: message-shaped tables (message,
 * bizchatmessage, qmessage, …) → messages (with payments, recalls, media); rcontact →
 * identity attributes; chatroom → groups; RemittanceRecord → transfer witness;
 * WalletLuckyMoney → red-packet claims; AARecord → AA status; userinfo → owner; AppMessage →
 * second copy of the app XML (fills recall originals).  Other tables are ignored (returns
 * WXF_OK).  The row's values are hostile: any shape is accepted, missing columns are unknown.
 */
#ifndef WXF_WECHAT_ANDROID_H
#define WXF_WECHAT_ANDROID_H

#include "base/wxf_err.h"
#include "base/wxf_prov.h"
#include "model/model.h"
#include "sqlite/sqlite.h"

typedef struct wxf_android_opts {
	const char *evidence_path; /* the database as listed in the evidence inventory (required) */
	const char *image_path;    /* decrypted image the offsets refer to, or NULL */
	const char *wal_evidence_path; /* the -wal in the inventory: rows read from WAL frames cite
	                                it (their offsets are in the WAL); NULL: evidence_path */
	const char *wal_image_path;    /* decrypted -wal image, or NULL */
	const char *account_dir;   /* folder holding image2/, voice2/, video/ … as the bundle names
	                              it (evidence path); NULL: media not searched */
	const char *account_dir_disk; /* the same folder on this machine (files are looked for
	                              there); NULL: account_dir */
	const char *extraction_root; /* folder holding data/ (for /storage/emulated/0/… attachment
	                                paths → data/media/0/…); NULL: derived from account_dir */
	int no_media_hash;         /* 1: locate media but do not hash (speed) */
} wxf_android_opts;

typedef struct wxf_android_ctx wxf_android_ctx;

/* Binds a reader to a model and an opened db (both borrowed, must outlive the ctx).
 * Loads the side tables (ImgInfo2, videoinfo2, voiceinfo, appattach, RemittanceRecord,
 * WalletLuckyMoney, AARecord, AppMessage) into lookup maps.  Returns WXF_OK or WXF_ENOMEM;
 * corrupt side tables give warnings (anomalies) only. */
int wxf_android_ctx_new(wxf_android_ctx **ctx, wxf_model *m, wxf_sqlite_db *db,
    const wxf_android_opts *o, wxf_err *err);
void wxf_android_ctx_free(wxf_android_ctx **ctx);

/* Reads every live row: owner (userinfo, WalletUserInfo, WalletBankcard), contacts (rcontact),
 * groups (chatroom), conversations (rconversation, DeletedConversationInfo), every table with
 * the message shape, and the payment side tables.  Returns WXF_OK, WXF_ENOMEM, or the error of
 * a fatal scan failure; corrupt pages are anomalies. */
int wxf_android_read(wxf_android_ctx *ctx, wxf_err *err);

/* Decodes ONE row (live or recovered) with the given provenance (prov->table may be NULL: the
 * row's table name is used).  See the dispatch list above. */
int wxf_android_add_row(wxf_android_ctx *ctx, const wxf_sqlrow *row, const wxf_prov *prov,
    wxf_err *err);

/* 1 if the table has the message shape (msgId/msgSvrId/type/createTime/talker/content). */
int wxf_android_is_message_table(const wxf_sqlite_obj *t);

/* One-shot: ctx_new + read + free (no finish). */
int wxf_android_read_db(wxf_model *m, wxf_sqlite_db *db, const wxf_android_opts *o, wxf_err *err);

#endif
