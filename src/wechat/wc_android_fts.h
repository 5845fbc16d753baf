/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Android full-text index (FTS5IndexMicroMsg_encrypt.db) as a further witness for message
 * text (shared/formats/wechat-android-ios.md §1.5).  WeChat indexes a message when it
 * arrives and does not always remove the index row when the message is deleted or recalled, so
 * the index often still holds text the message table lost.
 *
 * On-disk tables read (FTS5 shadow tables plus WeChat's metadata table):
 *   FTS5MetaMessage(docid INTEGER PRIMARY KEY, type, subtype, entity_id = message.msgId,
 *                   aux_index, timestamp (ms), status, talker)      [column list: U]
 *   FTS5IndexMessage_content(id INTEGER PRIMARY KEY = docid, c0 = the indexed text)
 * Key of the file: md5(uin + deviceId + wxid)[:7] (wxf_android_fts_pass), same cipher as
 * EnMicroMsg.db.
 *
 * Use, after the message database was read (live and carved rows):
 *     wxf_android_fts *f;
 *     wxf_android_fts_new(&f, model, "…/FTS5IndexMicroMsg_encrypt.db", "work/…/fts.db", err);
 *     wxf_android_fts_read(f, fts_db, err);          // live rows of the index
 *     wxf_android_fts_add_row(f, carved_row, &prov); // rows carved from the index file
 *     wxf_android_fts_apply(f, &stats, err);         // join and witness, then free
 *     wxf_model_finish(model, err);
 *
 * What apply does, per index entry (docid with text; metadata when present).  An entry that
 * concerns a message in the model becomes a witness of it (wxf_witness, kind fts), never a
 * message of its own:
 *   - the message (same table "message", msgId = entity_id) holds the same text: corroborated;
 *   - it is a recall notice without original text: the indexed text becomes recall_original,
 *     cited from the witness (recall_witness);
 *   - the row kept no text (a fragment of index entries): the indexed text becomes its body,
 *     cited from the witness (body_witness);
 *   - it holds other text: an anomaly "fts-text-differs", the index text kept on the witness;
 *   - an entry without metadata whose text a message already holds: a witness of it;
 *   - it is NOT in the model (deleted, and not carved from the message db): a new message of
 *     table "message" with origin WXF_ORIGIN_FTS, status partially-recovered (the text, talker,
 *     time and msgId are known; type, direction and sender are not), confidence 70 (60 when the
 *     index row itself came from free space);
 *   - index text without metadata (a carved content row whose metadata row is gone): a
 *     fragment message with unknown talker and time, confidence 40.
 */
#ifndef WXF_WECHAT_ANDROID_FTS_H
#define WXF_WECHAT_ANDROID_FTS_H

#include "base/wxf_err.h"
#include "base/wxf_prov.h"
#include "model/model.h"
#include "sqlite/sqlite.h"

typedef struct wxf_android_fts wxf_android_fts;

typedef struct wxf_fts_stats {
	unsigned entries;        /* index entries with text */
	unsigned corroborated;   /* same text as the message in the model */
	unsigned recall_filled;  /* recall notices given their original text */
	unsigned recovered;      /* messages known only from the index (new model messages) */
	unsigned fragments;      /* text without metadata */
	unsigned differ;         /* index text differs from the message text */
} wxf_fts_stats;

/* Passphrase of the index: md5(uin + device_id + wxid), first 7 lowercase hex digits. */
void wxf_android_fts_pass(const char *uin, const char *device_id, const char *wxid, char out[8]);

int wxf_android_fts_new(wxf_android_fts **f, wxf_model *m, const char *evidence_path,
    const char *image_path, wxf_err *err);
/* Reads every live row of FTS5MetaMessage and FTS5IndexMessage_content. */
int wxf_android_fts_read(wxf_android_fts *f, wxf_sqlite_db *db, wxf_err *err);
/* One row (live or carved) of either table; other tables are ignored. */
int wxf_android_fts_add_row(wxf_android_fts *f, const wxf_sqlrow *row, const wxf_prov *prov,
    wxf_err *err);
/* Joins, applies to the model and frees f (also on error). */
int wxf_android_fts_apply(wxf_android_fts **f, wxf_fts_stats *stats, wxf_err *err);

#endif
