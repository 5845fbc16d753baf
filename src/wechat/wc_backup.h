/* SPDX-License-Identifier: Apache-2.0 */
/*
 * WeChat PC "Backup & Restore" (备份与恢复) reader: a backup folder written by WeChat 3.x for
 * Windows or macOS when the phone's chats are backed up to the computer
 * (shared/formats/backup-formats.md section 1).
 *
 *   Windows  …/WeChat Files/<wxid>/BackupFiles/<android|iphone>_<hex>/
 *   macOS    …/Backup/<32 hex>/<UUID>/
 *   files    Backup.db        SQLCipher 3 defaults, page 4096, passphrase = the 32-hex key
 *            BAK_<n>_TEXT     AES-128-ECB segments (key = first 16 ASCII chars of the
 *                             passphrase), PKCS#7, each a protobuf BakChatMsgList
 *            BAK_<n>_MEDIA    AES-128-ECB media pieces, reassembled per MapKey by InnerOffSet,
 *                             PKCS#7 on the last piece only
 *
 * Index tables of Backup.db used (column names as listed in the notes):
 *   Session(talker, EndTime, TotalSize, NickName, …, StartTime)   one row per chat
 *   Name2ID(UsrName)                rowid = talkerId
 *   MsgSegments(talkerId, StartTime, EndTime, OffSet, Length, UsrName, Status, …, FilePath,
 *               SegmentId)          one encrypted text segment each
 *   MsgMedia(talkerId, MediaId, MsgSegmentId, SvrId, MD5, talker, MediaIdStr)
 *   MediaStr2ID(UsrName)            rowid = MediaId = MapKey, UsrName = MediaIdStr
 *   MsgFileSegment(MapKey, InnerOffSet, Length, TotalLen, OffSet, …, FileName)
 *   Config(Key, …, Buf)             Key 100000: device protobuf {1 account, 2 device id,
 *                                   3 start, 4 end, 5 {2 maker, 3 model, 4 platform,
 *                                   5 OS, 6 client version, 7 int}}  [U: field meanings]
 *
 * Provenance of a message (wxf_prov; the model has no "chunk" field, so):
 *   file   = the BAK_<n>_TEXT path          table  = "BakChatMsgItem"
 *   rowid  = SegmentId of the text segment (the chunk), INT64_MIN for an unindexed segment
 *   frame  = 1-based index of the item in its segment's BakChatMsgList
 *   offset = segment offset in the file + offset of the item's embedded message bytes in the
 *            decrypted segment (ECB keeps positions: it is also the ciphertext block holding
 *            the item), length = item bytes;  origin = backup, platform = backup.
 * Media: file = first piece's BAK_<n>_MEDIA, table "MsgFileSegment", rowid = MapKey,
 *   offset = that piece's OffSet, length = TotalLen.
 *
 * Interrupted / repeated backups (mediatrimmer's observation) leave the same media pieces more
 * than once and pieces or segments no index row refers to.  Nothing is dropped: a repeated
 * piece (same MapKey and InnerOffSet) starts an extra copy of the object, each copy is
 * reassembled, hashed and written (copy 1, 2 …; identical or not to copy 0); MapKeys without
 * MediaStr2ID/MsgMedia rows are written as orphan media; a repeated text segment gives its
 * messages again, marked duplicate_of the first copy; bytes of a BAK file no row covers are
 * tried as a text segment (orphan segment: messages recovered, anomaly raised) or listed as
 * unreferenced regions with their SHA-256.
 *
 * Evidence is only read (O_RDONLY, pread in bounded chunks: a multi-GB BAK file is never
 * loaded); every output is written below work_dir with names made from integers only.
 */
#ifndef WXF_WECHAT_WC_BACKUP_H
#define WXF_WECHAT_WC_BACKUP_H

#include <stddef.h>
#include <stdint.h>
#include "base/wxf_err.h"
#include "decrypt/decrypt.h"
#include "model/model.h"

/* Limits (hostile sizes are refused with a warning, never allocated). */
#define WXF_PCB_MAX_SEGMENT ((uint64_t)64 << 20)   /* one text segment */
#define WXF_PCB_MAX_OBJECT ((uint64_t)16 << 30)    /* one media object (declared TotalLen) */
#define WXF_PCB_MAX_ITEMS 1000000                  /* items in one BakChatMsgList */

typedef enum wxf_pcbackup_status {
	WXF_PCB_NOT_BACKUP = 0, /* no Backup.db / BAK_n_* in the folder */
	WXF_PCB_KEY_REQUIRED,   /* recognised, inventoried and hashed; no key given */
	WXF_PCB_KEY_WRONG,      /* the key does not verify on Backup.db page 1 (HMAC) */
	WXF_PCB_READ,           /* decrypted and read (see warnings) */
	WXF_PCB_FAILED          /* key verified, but the index could not be read */
} wxf_pcbackup_status;
const char *wxf_pcbackup_status_name(wxf_pcbackup_status s);

typedef struct wxf_pcbackup_file {
	char *name;              /* "Backup.db", "BAK_0_TEXT", … */
	char *path;              /* folder/name, on this machine */
	char *shown;             /* record_in/name: the evidence path the bundle names it by */
	int kind;                /* 0 index db, 1 text, 2 media, 3 other */
	uint64_t size;
	char sha256[65];         /* of the evidence file, "" if unreadable */
	uint64_t n_segments;     /* index rows that point into it */
	uint64_t unreferenced;   /* bytes no row covers */
} wxf_pcbackup_file;

typedef struct wxf_pcbackup_media {
	int64_t map_key;         /* MsgFileSegment.MapKey (= MediaStr2ID rowid) */
	const char *media_id_str;/* MediaStr2ID / MsgMedia MediaIdStr, NULL for orphans */
	int copy;                /* 0 = first copy, 1.. = extra recovered copies */
	int orphan;              /* no MediaStr2ID / MsgMedia row names it */
	int complete;            /* pieces tile [0, TotalLen) and the padding is valid */
	int identical;           /* copies > 0: same SHA-256 as copy 0 */
	size_t n_pieces;         /* pieces used for this copy */
	size_t n_pieces_skipped; /* pieces after a gap (not written) */
	uint64_t total_len;      /* declared encrypted size */
	uint64_t size;           /* plaintext bytes written */
	char sha256[65], md5[33];
	int md5_agrees;          /* -1 no MD5 in MsgMedia, 0 differs, 1 agrees */
	char magic[16];          /* short type: jpeg png gif mp4 silk amr pdf zip … unknown */
	char *description;       /* libmagic description (wxf_magic), NULL without libmagic */
	char *out_path;          /* work_dir/media/<MapKey>[.copyN].<ext> */
	const char *msg_id;      /* linked message (first copy of it), or NULL */
	const char *first_file;  /* BAK_n_MEDIA of the first piece */
	uint64_t first_offset, first_len;  /* the first piece's bytes in it */
} wxf_pcbackup_media;

typedef struct wxf_pcbackup_region {
	char *file;              /* BAK file name */
	uint64_t offset, length;
	char sha256[65];
	size_t n_messages;       /* > 0: decoded as an orphan text segment */
} wxf_pcbackup_region;

typedef struct wxf_pcbackup_device {
	char *account_id, *device_id, *manufacturer, *model, *platform, *os_version, *client_version;
	int64_t start_time_s, end_time_s;   /* WXF_INT_UNKNOWN if absent */
} wxf_pcbackup_device;

typedef struct wxf_pcbackup_result {
	wxf_pcbackup_status status;
	char *folder;
	char layout[16];         /* "windows", "macos" or "folder" */
	char source[16];         /* "android" / "iphone" (Windows folder name), "" unknown */
	char *account;           /* wxid (Windows path) or the 32-hex level (macOS), or NULL */
	wxf_pcbackup_file *files;
	size_t n_files;
	/* Key and Backup.db */
	int key_given, key_ok;
	char profile[160];       /* "PBKDF2-HMAC-SHA1 64000, page 4096, HMAC-SHA1, reserve 48" */
	char *image;             /* work_dir/Backup.db (plaintext physical image) */
	uint64_t db_pages, db_bad_pages;
	wxf_crosscheck xcheck;   /* SQLCipher library witness */
	wxf_decrypt_result dec;  /* the key, page verdicts and witness of Backup.db (the
	                            decryption statement) */
	wxf_pcbackup_device device;
	/* Counts */
	size_t n_sessions, n_name2id, n_segment_rows, n_segments_read, n_segments_bad;
	size_t n_segments_duplicate, n_segments_orphan;
	size_t n_messages, n_messages_duplicate, n_messages_orphan, n_items_bad;
	size_t n_media_rows, n_file_segment_rows, n_file_segment_bad;
	size_t n_media_objects, n_media_complete, n_media_copies, n_media_orphan, n_media_linked;
	size_t n_media_missing;  /* messages naming a media id with no pieces */
	wxf_pcbackup_media *media;
	size_t n_media;
	wxf_pcbackup_region *regions;
	size_t n_regions;
	char **warnings;         /* one line each (also model anomalies when a model is given) */
	size_t n_warnings;
} wxf_pcbackup_result;

/*
 * Recognises a PC backup folder: 1 if `folder` holds Backup.db (any case) or BAK_<n>_TEXT /
 * BAK_<n>_MEDIA files, 0 otherwise.  layout/source/account (may be NULL; sizes 16, 16, n) get
 * what the path says.
 */
int wxf_pcbackup_probe(const char *folder, char layout[16], char source[16], char *account,
    size_t account_n);

/*
 * Reads a PC backup folder into the model.
 *
 *   m         the model (messages, payments, media links, anomalies); may be NULL to only
 *             inventory (then key_hex is ignored)
 *   folder    the backup folder (holding Backup.db, BAK_n_TEXT, BAK_n_MEDIA)
 *   key_hex   the examiner's 32-hex-character passphrase (--backup-key), or NULL
 *   work_dir  output directory (created): Backup.db plaintext image, media/…; must not lie
 *             inside `folder`
 *
 * Always inventories and hashes the folder's files first.  Without a key: res->status =
 * WXF_PCB_KEY_REQUIRED and WXF_OK.  With a key: verifies it on Backup.db page 1 (HMAC),
 * decrypts Backup.db physically into work_dir, runs the SQLCipher cross-check, reads the index
 * tables, decrypts and decodes every text segment (content through the shared message
 * decoders: transfers, red packets, receipts …), reassembles, hashes, types and writes every
 * media object and links it to its message.  Corrupt rows and segments are warnings
 * (res->warnings and model anomalies) and the work goes on.
 *
 * Returns WXF_OK (also with warnings and for KEY_REQUIRED); WXF_ENOTFOUND if the folder is not
 * a PC backup; WXF_EUSAGE for a malformed key or a work_dir inside the evidence; WXF_EKEY
 * (res->status KEY_WRONG) when the key does not open Backup.db; WXF_EIO / WXF_ENOMEM;
 * WXF_ECORRUPT (res->status FAILED) when Backup.db cannot be read at all.  res is filled as far
 * as the work went; free it with wxf_pcbackup_result_free.  Call wxf_model_finish afterwards.
 */
int wxf_pcbackup_read(wxf_model *m, const char *folder, const char *key_hex, const char *work_dir,
    wxf_pcbackup_result *res, wxf_err *err);

/* The same with every option: where the bundle records work_dir, and the audit log that the
 * decryption of Backup.db is recorded in ("decrypt", "decrypt.crosscheck"). */
typedef struct wxf_pcbackup_opts {
	const char *key_hex;     /* --backup-key, or NULL */
	const char *work_dir;    /* on disk (created) */
	const char *record_as;   /* the bundle-relative name of work_dir; NULL: work_dir */
	const char *record_in;   /* the folder's evidence path (provenance names files below it);
	                            NULL: folder */
	struct wxf_audit *audit; /* may be NULL */
	int reveal_key;
} wxf_pcbackup_opts;
int wxf_pcbackup_read_opts(wxf_model *m, const char *folder, const wxf_pcbackup_opts *o,
    wxf_pcbackup_result *res, wxf_err *err);
void wxf_pcbackup_result_free(wxf_pcbackup_result *res);

/* A JSON object describing res (no key material): for the audit log, --json and reports. */
char *wxf_pcbackup_result_json(const wxf_pcbackup_result *res);

/*
 * Decodes one decrypted, unpadded BakChatMsgList (exposed for tests and fuzzing).  Calls
 * item(arg, index, item_off, item_len) for each embedded BakChatMsgItem (offsets in data).
 * Returns the number of items, or WXF_ECORRUPT (err set) with the items found so far
 * delivered.  *declared gets field 1 (count) or -1.
 */
int wxf_pcbackup_msglist(const uint8_t *data, size_t n,
    int (*item)(void *arg, size_t index, size_t off, size_t len), void *arg, int64_t *declared,
    wxf_err *err);

/* One BakChatMsgItem, decoded (all 19 fields; strings borrowed from the item bytes). */
typedef struct wxf_bak_item {
	int64_t type;                         /* 1 */
	const uint8_t *client_msg_id; size_t client_msg_id_n;   /* 2 */
	const uint8_t *from; size_t from_n;   /* 3 {1} */
	const uint8_t *to; size_t to_n;       /* 4 {1} */
	const uint8_t *content; size_t content_n;  /* 5 {1} */
	int64_t msg_status;                   /* 6 */
	int64_t client_msg_time;              /* 7 seconds */
	const uint8_t *msg_source; size_t msg_source_n;  /* 8 */
	int64_t msg_id;                       /* 9 */
	int64_t media_id_count;               /* 10 */
	const uint8_t *media_id[16]; size_t media_id_n[16]; size_t n_media_id;  /* 11 {1} */
	int64_t media_type[16]; size_t n_media_type;          /* 12 {1} */
	int64_t buffer_len;                   /* 13 {1} */
	const uint8_t *buffer; size_t buffer_n;   /* 13 {2} */
	int64_t buffer_length;                /* 14 */
	int64_t buffer_type;                  /* 15 */
	uint64_t new_msg_id;                  /* 16 server id */
	int64_t sequent_id;                   /* 17 */
	int64_t client_msg_mill_time;         /* 18 ms */
	int64_t msg_flag;                     /* 19 */
	uint32_t present;                     /* bit n set: field n seen */
	size_t n_unknown;                     /* fields with other numbers (kept going) */
} wxf_bak_item;

/* Decodes an item.  Returns WXF_OK or WXF_ECORRUPT (fields read so far are kept). */
int wxf_bak_item_decode(const uint8_t *data, size_t n, wxf_bak_item *it, wxf_err *err);

#endif
