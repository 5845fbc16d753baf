/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The common evidence model: what every platform reader (Android now; iOS, Windows 3.x,
 * WeChat 4.x, macOS and PC backups later) produces and what analysis/ and report/ consume.
 * See src/model/README.md for the picture and the rules.
 *
 * Ownership.  A wxf_model owns one arena; every object and every string reachable from it lives
 * in that arena (or in vectors the model frees) and stays valid until wxf_model_free().  Callers
 * never free model memory.  Strings are NUL-terminated UTF-8 (evidence bytes are copied as they
 * are; writers escape them); NULL means "absent", "" means "present and empty".
 *
 * Provenance.  Every object and every identity attribute carries a wxf_prov (base/wxf_prov.h):
 * evidence file, table, rowid, page, offset, origin (live / freeblock / wal / ...), recovery
 * status and confidence.  Recovered rows use the very same types; prov.origin / prov.status /
 * prov.confidence tell them apart.
 *
 * Time.  Instants are int64 milliseconds since the Unix epoch, UTC, or WXF_TIME_UNKNOWN —
 * never 0/1970 for a missing value.
 *
 * Money.  Amounts are integer fen (1/100 CNY) with an explicit known flag and the original
 * string; no floating point anywhere.
 *
 * Errors.  Constructors return NULL only on allocation failure (C9: the caller returns
 * WXF_ENOMEM); functions returning int follow wxf_err conventions.
 *
 * Deterministic ids.  Messages get the first 16 hex digits of SHA-256 over
 *   "<platform>|<evidence file>|<table>|<rowid>|<origin>|<offset>"
 * (wxf_model_row_id), so the same evidence gives the same ids whatever the order it is read in.
 * The evidence file stands in it by its content ("sha256:<hex>") when the caller registered
 * the file's hash (wxf_model_set_file_id), so an id cited in a brief survives a re-examination
 * from another mount point or spelling of the path.
 * Payments get SHA-256 over "pay|<kind>|<key>" where key is the transfer id / sendid / billno,
 * or the first message id when there is none.
 */
#ifndef WXF_MODEL_H
#define WXF_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include "base/wxf_err.h"
#include "base/wxf_strmap.h"
#include "base/wxf_mem.h"
#include "base/wxf_prov.h"
#include "base/wxf_time.h"

#define WXF_INT_UNKNOWN INT64_MIN  /* for integer fields that may be absent */

/* wxf_platform and wxf_platform_name() live in base/wxf_prov.h (shared vocabulary). */

/* ------------------------------------------------------------------------------------------ */
/* Small building blocks */

/* A key/value pair kept verbatim (receipt lines, extra XML fields). */
typedef struct wxf_kv {
	const char *key;
	const char *value;
} wxf_kv;

typedef struct wxf_kvs {
	wxf_kv *v;
	size_t n, cap;
} wxf_kvs;

/* One observed value of an identity attribute, with the evidence it came from. */
typedef struct wxf_attr {
	const char *value;
	const char *source;  /* what field said so: "rcontact.nickname", "userinfo.4",
	                        "chatroom.displayname", "wcpayinfo.payer_username", ... */
	int64_t time_ms;     /* when observed (message time) or WXF_TIME_UNKNOWN */
	wxf_prov prov;
} wxf_attr;

/* All values seen for one attribute, in insertion order; exact duplicates (same value, source
 * and provenance) are dropped, the same value from different evidence is kept. */
typedef struct wxf_attrs {
	wxf_attr *v;
	size_t n, cap;
} wxf_attrs;

/* An integer amount in fen. */
typedef struct wxf_amount {
	int64_t fen;          /* valid only when known */
	int known;            /* 1 if parsed from a clean decimal amount */
	const char *text;     /* the original string ("￥1,280.00"), NULL if none */
	const char *currency; /* "CNY" unless the evidence says otherwise; NULL if unknown */
} wxf_amount;

typedef struct wxf_strs {
	const char **v;
	size_t n, cap;
} wxf_strs;

/* ------------------------------------------------------------------------------------------ */
/* Sources: databases and folders the model was built from (hashes live in intake's custody). */

/* Per-unit verdicts of one decrypted file (database pages, WAL frames, journal records). */
typedef struct wxf_stmt_pages {
	int present;            /* the file existed and was decrypted */
	const char *path_in;    /* evidence path */
	uint64_t n_units, n_good, n_unverified, n_zero, n_bad, trailing;
	const char *sha256_in, *sha256_out;
} wxf_stmt_pages;

/* One labelled line of a statement: a key input and where it was read. */
typedef struct wxf_stmt_row {
	const char *zh, *en, *value;
} wxf_stmt_row;

typedef enum wxf_stmt_xcheck { /* the SQLCipher-library cross-check, as decrypt/ reports it */
	WXF_WITNESS_AGREES = 0, WXF_WITNESS_DISAGREES, WXF_WITNESS_UNAVAILABLE, WXF_WITNESS_ERROR
} wxf_stmt_xcheck;

/*
 * How a source was made readable, platform-neutral: its decryption or acquisition statement
 * (report "二、解密说明", timeline.xml <image>).  Filled by case/ from decrypt/'s results, or by
 * a platform reader that decrypts its own container.  Strings live in the model's arena.
 */
typedef struct wxf_stmt {
	const char *status;          /* one line: "解密成功 (decrypted)", "未能解密 (...): why" */
	int attempted;               /* a key was looked for: n_tried is meaningful */
	int keyed;                   /* a key opened it: profile .. key_display are filled */
	const char *profile;         /* codec profile name ("android", "win3", ...) */
	const char *profile_desc;    /* "PBKDF2-HMAC-SHA1 4000, page 1024, no HMAC, reserve 16" */
	const char *equivalent;      /* other profile names with identical parameters, or "" */
	const char *key_how;         /* how the key was obtained (never the key) */
	wxf_stmt_row *inputs;        /* what the key was derived from */
	size_t n_inputs;
	const char *key_display;     /* "[redacted, ...]" unless the examiner asked to reveal it */
	uint64_t n_tried;
	wxf_stmt_pages db, wal, journal;
	int witness_ran;             /* the cross-check ran: witness* are filled */
	wxf_stmt_xcheck witness;
	const char *witness_sentence, *witness_detail;
} wxf_stmt;

typedef struct wxf_source {
	const char *path;     /* evidence path as listed by intake */
	const char *role;     /* "message-db", "wal", "media-dir", "contact-db", ... */
	const char *image;    /* decrypted image path (bundle-relative) or NULL */
	wxf_platform platform;
	const char *account;  /* account folder / user hash, or NULL */
	const char *exhibit;  /* the evidence it belongs to: the root as given, or the container's
	                         evidence path; NULL when not recorded */
	const char *owner;    /* the account's owner (wxid) as read, or NULL */
	wxf_stmt *stmt;       /* how it was made readable; NULL: not a database or container the
	                         report states (media folders, BAK members ...) */
} wxf_source;

/* ------------------------------------------------------------------------------------------ */
/* Identities: the owner, contacts, strangers, official accounts, groups as contacts. */

typedef enum wxf_id_kind {
	WXF_ID_UNKNOWN = 0,
	WXF_ID_PERSON,     /* wxid_..., custom ids */
	WXF_ID_GROUP,      /* ...@chatroom */
	WXF_ID_OFFICIAL,   /* gh_... or verifyFlag != 0 */
	WXF_ID_OPENIM,     /* ...@openim (WeCom) */
	WXF_ID_SYSTEM,     /* filehelper, weixin, notifymessage, ... */
	WXF_ID_N
} wxf_id_kind;
const char *wxf_id_kind_name(wxf_id_kind k);
/* Classifies a username by its shape (no evidence needed). */
wxf_id_kind wxf_id_kind_guess(const char *username);

typedef struct wxf_identity {
	const char *username;   /* key: wxid / custom id / gh_ / ...@chatroom (never NULL) */
	wxf_id_kind kind;
	int is_owner;           /* the account the evidence belongs to */
	int in_contacts;        /* found in a contact table (rcontact, Friend, ...) */
	/* Attributes: every value seen, each with provenance. */
	wxf_attrs aliases;      /* user-set WeChat ID (rcontact.alias, userinfo 42) */
	wxf_attrs remarks;      /* owner's remark name (conRemark) */
	wxf_attrs nicknames;    /* self-chosen names, group display names */
	wxf_attrs phones;
	wxf_attrs real_names;   /* WalletUserInfo.true_name, WalletBankcard.trueName */
	wxf_attrs bank_cards;   /* "bankName|cardTypeName|tail" */
	wxf_attrs encrypt_usernames; /* v1_...@stranger */
	wxf_attrs other;        /* anything else worth showing; source names the field */
	/* Flags from the contact row (latest live row; WXF_INT_UNKNOWN if no row). */
	int64_t type_flags;     /* rcontact.type bit set (0x1 = friend) */
	int64_t verify_flag;    /* != 0: official / verified account */
	int64_t delete_flag;    /* != 0: contact deleted, row kept */
	wxf_prov flags_prov;
	wxf_prov prov;          /* first row that named this identity */
} wxf_identity;

/* ------------------------------------------------------------------------------------------ */
/* Groups */

typedef struct wxf_group_member {
	const char *username;
	const char *display_name; /* in-group name when known, NULL otherwise */
	wxf_prov prov;
} wxf_group_member;

typedef struct wxf_group {
	const char *username;    /* ...@chatroom */
	wxf_attrs names;         /* group names (rcontact.nickname of the room, chatroom.displayname...) */
	wxf_attrs owners;        /* chatroom.roomowner */
	wxf_group_member *members;
	size_t n_members, cap_members;
	const char *memberlist_raw;  /* verbatim chatroom.memberlist */
	const char *displayname_raw; /* verbatim chatroom.displayname */
	wxf_prov prov;
} wxf_group;

/* ------------------------------------------------------------------------------------------ */
/* Conversations */

typedef enum wxf_conv_kind {
	WXF_CONV_UNKNOWN = 0,
	WXF_CONV_DIRECT,   /* 1:1 */
	WXF_CONV_GROUP,
	WXF_CONV_OFFICIAL, /* official account / service notices (WeChat Pay receipts live here) */
	WXF_CONV_SYSTEM,
	WXF_CONV_N
} wxf_conv_kind;
const char *wxf_conv_kind_name(wxf_conv_kind k);

typedef struct wxf_msg wxf_msg;
typedef struct wxf_payment wxf_payment;

typedef struct wxf_conv {
	const char *talker;         /* conversation key: the peer username or the group id */
	wxf_conv_kind kind;
	int in_chat_list;           /* a rconversation (or platform equivalent) row exists */
	int64_t last_time_ms;       /* conversationTime, or WXF_TIME_UNKNOWN */
	int64_t msg_count;          /* as stored, WXF_INT_UNKNOWN if absent */
	int64_t unread_count;
	const char *digest;         /* last-message preview (survives message deletion) */
	const char *last_content;
	wxf_prov prov;
	/* Deleted-conversation record (DeletedConversationInfo), if any. */
	int deleted;
	int64_t deleted_last_seq;
	int64_t deleted_time_ms;
	wxf_prov deleted_prov;
	/* Filled by wxf_model_finish(): messages of this conversation in model order. */
	wxf_msg **msgs;
	size_t n_msgs;
	size_t n_recovered;         /* messages whose prov.origin != live */
	int64_t first_time_ms, last_msg_time_ms;
} wxf_conv;

/* ------------------------------------------------------------------------------------------ */
/* Messages */

typedef enum wxf_msg_kind {
	WXF_MK_UNKNOWN = 0,
	WXF_MK_TEXT,
	WXF_MK_IMAGE,
	WXF_MK_VOICE,
	WXF_MK_VIDEO,          /* 43, 62 */
	WXF_MK_STICKER,        /* 47, appmsg 8 */
	WXF_MK_LOCATION,       /* 48 */
	WXF_MK_LIVE_LOCATION,  /* appmsg 17 */
	WXF_MK_CARD,           /* 42 contact card, 66 WeCom card */
	WXF_MK_LINK,           /* appmsg 5 and other link shares */
	WXF_MK_FILE,           /* appmsg 6 */
	WXF_MK_QUOTE,          /* appmsg 57 */
	WXF_MK_CHAT_HISTORY,   /* appmsg 19 */
	WXF_MK_MINI_PROGRAM,   /* appmsg 33/36 */
	WXF_MK_MUSIC,          /* appmsg 3 */
	WXF_MK_CHANNELS,       /* appmsg 51 */
	WXF_MK_APP_OTHER,      /* another appmsg type (app_type says which) */
	WXF_MK_TRANSFER,       /* appmsg 2000 */
	WXF_MK_RED_PACKET,     /* appmsg 2001 */
	WXF_MK_RED_PACKET_CLAIM, /* 10000 "X 领取了你的红包" (joined to its packet by sendid) */
	WXF_MK_AA,             /* newaa collection (2001/2002 with newaa) */
	WXF_MK_RECEIPT,        /* WeChat Pay receipt / template notice with key/value lines */
	WXF_MK_TEMPLATE,       /* other template / service notice */
	WXF_MK_VOIP,           /* 50, 52, 53, 64 */
	WXF_MK_FRIEND_REQUEST, /* 37, 40 */
	WXF_MK_SYSTEM,         /* 10000, 9999, 570425393, ... */
	WXF_MK_SYSCMD,         /* 10002 other than recall/pat */
	WXF_MK_RECALL,         /* a recalled message: row overwritten in place to 10000 + replacement text */
	WXF_MK_REVOKE,         /* the 10002 revokemsg command naming the recalled message */
	WXF_MK_PAT,            /* appmsg 62 / sysmsg pat */
	WXF_MK_GROUP_NOTICE,   /* appmsg 87 */
	WXF_MK_MAIL,           /* 35 */
	WXF_MK_N
} wxf_msg_kind;
const char *wxf_msg_kind_name(wxf_msg_kind k);

typedef enum wxf_dir {
	WXF_DIR_UNKNOWN = 0,
	WXF_DIR_IN,     /* received by the owner */
	WXF_DIR_OUT,    /* sent by the owner */
	WXF_DIR_SYSTEM  /* written by the client/server (system notices) */
} wxf_dir;
const char *wxf_dir_name(wxf_dir d);

typedef enum wxf_sender_src {
	WXF_SENDER_NONE = 0,
	WXF_SENDER_OWNER,        /* isSend=1 / Des=0: the owner */
	WXF_SENDER_TALKER,       /* 1:1 received: the talker */
	WXF_SENDER_GROUP_PREFIX, /* "wxid:\n" prefix of a received group message */
	WXF_SENDER_XML,          /* from the message XML (fromusername, payer, ...) */
	WXF_SENDER_COLUMN        /* an explicit column (fromUsername, bizChatUserId) */
} wxf_sender_src;
const char *wxf_sender_src_name(wxf_sender_src s);

typedef enum wxf_media_state {
	WXF_MEDIA_NONE = 0,     /* the message has no media */
	WXF_MEDIA_PRESENT,      /* file found and hashed */
	WXF_MEDIA_MISSING,      /* expected but not in the extraction */
	WXF_MEDIA_NOT_SEARCHED  /* no media folder given */
} wxf_media_state;
const char *wxf_media_state_name(wxf_media_state s);

typedef struct wxf_media {
	const char *role;          /* "image", "image-thumb", "voice", "video", "video-thumb", "file" */
	const char *expected;      /* expected path relative to the account folder */
	const char *path;          /* path found (as given + relative part), NULL if missing */
	wxf_media_state state;
	char sha256[65];           /* "" unless present */
	int64_t size;              /* bytes, -1 unless present */
	const char *magic;         /* "jpeg", "png", "gif", "webp", "wxgf", "amr", "silk", "mp4",
	                              "pdf", "zip", "unknown" (from the first bytes), NULL if absent */
	const char *source;        /* "message.imgPath", "ImgInfo2.bigImgPath", ... */
	const char *derived_from;  /* the evidence file the tool made this file from (path is then
	                              below the bundle: reassembled, decoded ...); NULL: the file is
	                              part of the evidence itself */
	wxf_prov prov;             /* the row that named the file */
} wxf_media;

typedef struct wxf_location {
	const char *x, *y;         /* latitude / longitude as written (strings: exact, no float) */
	const char *scale;
	const char *label;
	const char *poiname;
} wxf_location;

/* Another place where a record, or part of it, was found.  The message's own provenance
 * (wxf_msg.prov) always cites the bytes that hold the record itself; everything else that
 * proves or repeats it is a witness, listed under it and never a message of its own. */
typedef enum wxf_wit_kind {
	WXF_WIT_COPY = 0,      /* another copy of the record's bytes (an older page, a WAL frame, a
	                          journal record, a repeated backup segment) */
	WXF_WIT_INDEX,         /* an index entry naming the row: its indexed columns and rowid */
	WXF_WIT_FTS,           /* a full-text index entry holding the message's text */
	WXF_WIT_OLDER,         /* an older version of the row (before an update such as a recall) */
	WXF_WIT_N
} wxf_wit_kind;
const char *wxf_wit_kind_name(wxf_wit_kind k);

typedef struct wxf_witness {
	wxf_wit_kind kind;
	const char *text;      /* text this witness holds that the record's own bytes do not (the
	                          text of a message whose row kept none, a recall's original), or
	                          NULL */
	wxf_prov prov;
} wxf_witness;

/* What few messages have, apart (a message points to wxf_msg_x_none until it has any): a
 * million text messages then do not carry 260 bytes each of empty fields. */
typedef struct wxf_msg_x {
	/* Decoded fields (NULL when absent). */
	const char *title, *desc, *url, *app_id, *app_name, *source_name;
	const char *file_name, *file_ext;
	int64_t file_size;         /* WXF_INT_UNKNOWN when absent */
	const char *emoji_md5;
	wxf_location loc;          /* type 48 / live location */
	const char *card_username, *card_nickname, *card_alias; /* type 42 */
	const char *quote_svrid, *quote_from, *quote_text;      /* appmsg 57 refermsg */
	wxf_kvs fields;            /* everything else decoded, verbatim (path-like keys) */
	const char *recall_text;   /* the replacement text ("\"x\" 撤回了一条消息") */
	const char *recall_target_svrid; /* revokemsg newmsgid, or own server_id when overwritten */
	const char *recall_target_msg;   /* REVOKE: id of the recalled row when present */
	const char *recall_original;     /* original text when found (carved row, FTS, AppMessage) */
	const char *recall_original_msg; /* id of the message that held it, NULL if none */
	size_t recall_witness;     /* 1 + the witness holding recall_original, 0 none */
	/* Parse warnings for this row (also listed as anomalies). */
	wxf_strs warnings;
} wxf_msg_x;

/* The empty extension: every field absent (file_size WXF_INT_UNKNOWN). */
extern const wxf_msg_x wxf_msg_x_none;

typedef struct wxf_msg {
	char id[17];               /* deterministic, see top of file */
	wxf_platform platform;
	wxf_msg_kind kind;
	wxf_dir dir;
	wxf_sender_src sender_src;
	int body_placeholder;      /* body describes content that cannot be shown (compressed with a
	                              dictionary that is not available ...): it is not text the cited
	                              bytes hold, and is not checked against them */
	int is_recall;             /* this row is the recalled message (kind == WXF_MK_RECALL);
	                              the recall's fields are in x */
	const char *table;         /* message, bizchatmessage, Chat_<md5>, ... */
	int64_t local_id;          /* msgId / MesLocalID; WXF_INT_UNKNOWN if none */
	const char *server_id;     /* msgSvrId as decimal string (64-bit exact), NULL if none/0 */
	int64_t raw_type;          /* stored type, composite codes kept (e.g. 419430449) */
	int64_t base_type;         /* raw_type mapped to base code (composite *0031 -> 49) */
	int64_t app_type;          /* appmsg <type>, WXF_INT_UNKNOWN if not an app message */
	int64_t time_ms;           /* createTime, UTC ms, or WXF_TIME_UNKNOWN */
	int64_t status;            /* stored status, WXF_INT_UNKNOWN if absent */
	int64_t is_send;           /* stored isSend/Des, WXF_INT_UNKNOWN if absent */
	const char *talker;        /* conversation key */
	const char *sender;        /* resolved sender username, NULL if unknown */
	const char *body;          /* display text: text body, app title, system text, recall text */
	const char *content;       /* stored content verbatim (group prefix included); may hold NUL
	                              bytes: content_len is its true length */
	size_t content_len;
	const char *payload;       /* content without the group "wxid:\n" prefix (text or XML) */
	/* The decoded fields few messages have (titles, files, locations, cards, quotes, recalls,
	 * warnings): never NULL; wxf_msg_x_none until one is set (through wxf_msg_xw). */
	const struct wxf_msg_x *x;
	/* Media */
	wxf_media *media;
	size_t n_media, cap_media;
	/* Recalls are NOT deletions.  The recalled row itself (overwritten to 10000) has kind
	 * WXF_MK_RECALL and is_recall = 1; the 10002 command has kind WXF_MK_REVOKE.  Both carry the
	 * replacement text and the server id of the recalled message; the original text is filled
	 * in when found (a recovered older version of the row, AppMessage, FTS): is_recall above,
	 * the recall's fields in x. */
	/* Money */
	wxf_payment *payment;      /* transfer / red packet / AA / receipt this row belongs to */
	/* Witnesses (see wxf_witness), in the order they were found. */
	wxf_witness *witnesses;
	size_t n_witnesses, cap_witnesses;
	size_t body_witness;       /* 1 + the witness that holds body when the row kept no text
	                              (body then comes from there, not from prov's bytes); 0 none */
	/* Set by wxf_model_finish() */
	struct wxf_conv *conv;
	const char *duplicate_of;  /* id of a live message this repeats when it could not be folded
	                              into it (another conversation); NULL otherwise */
	wxf_prov prov;             /* the bytes of the record itself */
} wxf_msg;

/* The extension of msg to fill in: made in the model on first use (from wxf_msg_x_none).
 * Never NULL: when it cannot be made the model is marked failed (wxf_model_failed) and a
 * scratch extension takes the writes. */
struct wxf_model;
wxf_msg_x *wxf_msg_xw(struct wxf_model *m, wxf_msg *msg);

/* ------------------------------------------------------------------------------------------ */
/* Payments */

typedef enum wxf_pay_kind {
	WXF_PAY_TRANSFER = 0,
	WXF_PAY_RED_PACKET,
	WXF_PAY_AA,
	WXF_PAY_RECEIPT,    /* WeChat Pay receipt / merchant notice */
	WXF_PAY_OTHER,
	WXF_PAY_N
} wxf_pay_kind;
const char *wxf_pay_kind_name(wxf_pay_kind k);

/* Interpreted state of one lifecycle event and the final state of a payment. */
typedef enum wxf_pay_state {
	WXF_PST_UNKNOWN = 0,  /* no rule for this value: shown as unknown with the raw code */
	WXF_PST_INITIATED,    /* sent, waiting to be accepted (paysubtype 1) */
	WXF_PST_ACCEPTED,     /* payee accepted (3, 5; 8 = payer's view of acceptance) */
	WXF_PST_REFUNDED,     /* returned by the payee (4; 9 = payer's view) */
	WXF_PST_EXPIRED,      /* not accepted in time, refunded automatically (10) */
	WXF_PST_DELAYED,      /* delayed transfer pending (7) */
	WXF_PST_SENT,         /* red packet / AA / receipt sent (no acceptance step) */
	WXF_PST_CLAIMED,      /* red packet claimed */
	WXF_PST_PAID,         /* receipt: money moved */
	WXF_PST_N
} wxf_pay_state;
const char *wxf_pay_state_name(wxf_pay_state s);
/* Transfer paysubtype → state (notes §3.1); WXF_PST_UNKNOWN for values without a rule. */
wxf_pay_state wxf_paysubtype_state(int64_t paysubtype);

typedef struct wxf_pay_event {
	int64_t paysubtype;    /* raw value, WXF_INT_UNKNOWN if none */
	wxf_pay_state state;
	int64_t time_ms;       /* row createTime or WXF_TIME_UNKNOWN */
	const char *msg_id;    /* the message row that carried it */
	wxf_dir dir;           /* the row's direction (whose view) */
	const char *note;      /* e.g. "RemittanceRecord.receiveStatus", "claim by X" */
	wxf_prov prov;
} wxf_pay_event;

typedef struct wxf_hb_claim {
	const char *claimer;   /* username when known, else the name as written */
	const char *text;      /* the system message text */
	int64_t time_ms;
	wxf_amount amount;     /* from WalletLuckyMoney when present */
	const char *msg_id;
	wxf_prov prov;
} wxf_hb_claim;

typedef struct wxf_payment {
	char id[17];
	wxf_pay_kind kind;
	const char *key;         /* transferid / sendid / billno / msg id */
	const char *transfer_id;
	const char *transaction_id; /* transcationid (sic in the XML) */
	wxf_amount amount;       /* first clean amount seen (feedesc, else total_fee) */
	int amount_conflict;     /* rows disagree on the amount (anomaly raised) */
	const char *payer;       /* username, NULL if unknown */
	const char *receiver;
	const char *payer_src;   /* "wcpayinfo.payer_username", "isSend+talker", ... */
	const char *receiver_src;
	const char *talker;      /* the conversation it was sent in */
	const char *memo;        /* pay_memo */
	int64_t begin_time_ms;   /* begintransfertime, WXF_TIME_UNKNOWN if absent */
	int64_t invalid_time_ms; /* invalidtime */
	/* Lifecycle, in time order after wxf_model_finish() */
	wxf_pay_event *events;
	size_t n_events, cap_events;
	wxf_pay_state final_state;
	int64_t final_time_ms;
	/* Second witness: RemittanceRecord.receiveStatus (the latest paysubtype), if present. */
	int64_t witness_status;  /* raw, WXF_INT_UNKNOWN if no row */
	wxf_pay_state witness_state;
	int witness_disagrees;   /* witness state differs from final_state (anomaly raised) */
	wxf_prov witness_prov;
	/* Red packet */
	const char *sendid;
	const char *greeting;    /* receivertitle */
	const char *hb_type;
	const char *scene;
	wxf_hb_claim *claims;
	size_t n_claims, cap_claims;
	/* AA */
	const char *aa_billno, *aa_type, *aa_launcher, *aa_payers, *aa_receivers, *aa_outtradeno;
	int64_t aa_status;       /* AARecord.status, WXF_INT_UNKNOWN if none */
	/* Receipt (template lines verbatim) */
	const char *merchant;
	wxf_kvs lines;           /* topline first, then lines in order */
	/* All messages of this payment */
	const char **msg_ids;
	size_t n_msgs, cap_msgs;
	wxf_prov prov;           /* the first row seen */
} wxf_payment;

/* ------------------------------------------------------------------------------------------ */
/* Anomalies: anything the examiner must look at (listed in the report). */

typedef struct wxf_anomaly {
	enum wxf_sev sev;
	const char *code;      /* short stable name: "xml-malformed", "witness-disagrees",
	                          "media-missing", "amount-unparsed", "amount-conflict",
	                          "paysubtype-unknown", "row-truncated", ... */
	const char *message;
	const char *msg_id;    /* related message, or NULL */
	const char *payment_id;
	wxf_prov where;
} wxf_anomaly;

/* ------------------------------------------------------------------------------------------ */
/* The model */

typedef struct wxf_model {
	wxf_arena *arena;
	wxf_source *sources;       size_t n_sources, cap_sources;
	wxf_identity *owner;       /* also in identities[]; NULL until known */
	wxf_identity **identities; size_t n_identities, cap_identities;
	wxf_group **groups;        size_t n_groups, cap_groups;
	wxf_conv **convs;          size_t n_convs, cap_convs;
	wxf_msg **msgs;            size_t n_msgs, cap_msgs;
	/* Recovered fragments without text, media or payment (wxf_model_finish moves them here):
	 * they prove a record existed; they are not messages and are not counted as such. */
	wxf_msg **fragments;       size_t n_fragments, cap_fragments;
	wxf_payment **payments;    size_t n_payments, cap_payments;
	wxf_anomaly *anomalies;    size_t n_anomalies, cap_anomalies;
	wxf_strmap idx_ident, idx_group, idx_conv, idx_msg, idx_pay;  /* lookups by key (model strings) */
	wxf_strmap file_ids;       /* evidence path -> "sha256:<hex>" (wxf_model_set_file_id) */
	wxf_strmap interned;       /* provenance file, image and table names: one copy each */
	const char *intern_memo[4]; /* the last ones asked for */
	unsigned intern_next;
	wxf_msg_x x_scratch;       /* wxf_msg_xw's when the arena is exhausted */
	int sorted;                /* msgs[] are in wxf_model_sort order */
	int oom;                   /* a vector or map of the model could not grow (sticky) */
	/* called with the message count after every 1024th new message (progress), or NULL */
	void (*on_msgs)(void *arg, size_t n_msgs);
	void *on_msgs_arg;
} wxf_model;

/* 1 once any allocation into the model has failed, reported or not (the arena's or a vector's):
 * its content is then incomplete.  wxf_model_finish returns WXF_ENOMEM in that case. */
int wxf_model_failed(const wxf_model *m);
/* Creates an empty model.  Returns WXF_OK or WXF_ENOMEM. */
int wxf_model_new(wxf_model **m, wxf_err *err);
/* Keeps the model's objects and strings in a file in dir once they take `after` bytes
 * (wxf_arena_spill): its memory need then stays bounded whatever the number of messages.
 * WXF_OK or WXF_ENOMEM. */
int wxf_model_spill(wxf_model *m, const char *dir, size_t after);
/* The errno that stopped the model spilling (0: none); the bytes it spilled. */
int wxf_model_spill_errno(const wxf_model *m);
size_t wxf_model_spilled(const wxf_model *m);
/* Frees the model and everything in it; NULL-safe; sets *m to NULL. */
void wxf_model_free(wxf_model **m);

/* Arena helpers: copies into the model (NULL in → NULL out; NULL on OOM is indistinguishable,
 * so callers that must know use wxf_model_strndup and check). */
const char *wxf_model_strdup(wxf_model *m, const char *s);
const char *wxf_model_strndup(wxf_model *m, const char *s, size_t n);
const char *wxf_model_printf(wxf_model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* n bytes of s as a shared copy: every caller asking for the same name gets the same string
 * (talkers, senders: one copy per person, not one per message).  Bytes holding a NUL, or
 * 256 and more, get a copy of their own. */
const char *wxf_model_intern(wxf_model *m, const char *s, size_t n);

/* Sources: get-or-create by (path, role); NULL on allocation failure. */
wxf_source *wxf_model_add_source(wxf_model *m, const char *path, const char *role,
    wxf_platform platform, const char *account);
/* The statement of a source, created empty on first use; NULL on allocation failure. */
wxf_stmt *wxf_source_stmt(wxf_model *m, wxf_source *s);
/* Appends a row to a statement's key inputs (strings copied); WXF_OK or WXF_ENOMEM. */
int wxf_stmt_add_input(wxf_model *m, wxf_stmt *st, const char *zh, const char *en,
    const char *value);

/* Identities: get-or-create by username (lookup is exact, case-sensitive). */
wxf_identity *wxf_model_identity(wxf_model *m, const char *username, const wxf_prov *prov);
wxf_identity *wxf_model_find_identity(const wxf_model *m, const char *username);
/* Marks the owner (get-or-create). */
wxf_identity *wxf_model_set_owner(wxf_model *m, const char *username, const wxf_prov *prov);
/* Adds an observation to an attribute list; empty/NULL values are ignored (returns WXF_OK).
 * Returns WXF_OK or WXF_ENOMEM. */
int wxf_attrs_add(wxf_model *m, wxf_attrs *a, const char *value, const char *source,
    int64_t time_ms, const wxf_prov *prov);
int wxf_kvs_add(wxf_model *m, wxf_kvs *kv, const char *key, const char *value);
const char *wxf_kvs_get(const wxf_kvs *kv, const char *key);
int wxf_strs_add(wxf_model *m, wxf_strs *s, const char *v);
/* Most recent (last added, live preferred) value of an attribute, or NULL. */
const char *wxf_attrs_best(const wxf_attrs *a);

/* Groups: get-or-create by room id. */
wxf_group *wxf_model_group(wxf_model *m, const char *username, const wxf_prov *prov);
wxf_group *wxf_model_find_group(const wxf_model *m, const char *username);
/* Adds a member (or fills its display name when already present). */
int wxf_group_add_member(wxf_model *m, wxf_group *g, const char *username,
    const char *display_name, const wxf_prov *prov);

/* Conversations: get-or-create by talker; kind guessed from the talker when new. */
wxf_conv *wxf_model_conv(wxf_model *m, const char *talker, const wxf_prov *prov);
wxf_conv *wxf_model_find_conv(const wxf_model *m, const char *talker);

/* Messages.  wxf_model_new_msg allocates a zeroed message with every unknown field set to its
 * "unknown" value, computes the deterministic id from (platform, prov->file, table,
 * prov->rowid, prov->origin, prov->offset) and appends it.  If a message with the same id
 * already exists (the same row read twice) that one is returned and *is_new (optional) is 0. */
wxf_msg *wxf_model_new_msg(wxf_model *m, wxf_platform platform, const char *table,
    const wxf_prov *prov, int *is_new);
wxf_msg *wxf_model_find_msg(const wxf_model *m, const char *id);
/* Registers the content id of an evidence file (its SHA-256): message ids of rows in that file
 * use it instead of the path.  WXF_OK or WXF_ENOMEM. */
int wxf_model_set_file_id(wxf_model *m, const char *path, const char *sha256_hex);
/* The id wxf_model_new_msg gives a row of `file` (the registered content id when there is one). */
void wxf_model_msg_id(const wxf_model *m, wxf_platform platform, const char *file,
    const char *table, int64_t rowid, wxf_origin origin, uint64_t offset, char out[17]);
void wxf_model_row_id(wxf_platform platform, const char *file, const char *table, int64_t rowid,
    wxf_origin origin, uint64_t offset, char out[17]);
int wxf_msg_add_media(wxf_model *m, wxf_msg *msg, const wxf_media *media);
/* Adds a witness (prov's strings and text copied).  Returns its index, or -1 on allocation
 * failure. */
long wxf_msg_add_witness(wxf_model *m, wxf_msg *msg, wxf_wit_kind kind, const char *text,
    const wxf_prov *prov);
/* Calls fn for every provenance the model holds (messages and fragments with their witnesses
 * and media, payments and their events, identities and attributes, groups, conversations);
 * text: what the cited bytes must hold (a message's text, or a witness's), else NULL; what:
 * the id of the object it belongs to.  fn may set p->range_sha256 (an arena string). */
void wxf_model_each_prov(wxf_model *m, void (*fn)(void *arg, wxf_prov *p, const char *text,
    const char *what), void *arg);
/* The provenance of the message's text: its own bytes, or the witness it was taken from. */
const wxf_prov *wxf_msg_text_prov(const wxf_msg *msg);
/* Adds a warning to the message and an anomaly (sev WARN) pointing at it. */
int wxf_msg_warn(wxf_model *m, wxf_msg *msg, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Payments: get-or-create by (kind, key); key must be non-empty. */
wxf_payment *wxf_model_payment(wxf_model *m, wxf_pay_kind kind, const char *key,
    const wxf_prov *prov, int *is_new);
wxf_payment *wxf_model_find_payment(const wxf_model *m, wxf_pay_kind kind, const char *key);
/* Shortcut: transfer by transferid. */
wxf_payment *wxf_model_find_transfer(const wxf_model *m, const char *transfer_id);
int wxf_payment_add_event(wxf_model *m, wxf_payment *p, const wxf_pay_event *ev);
int wxf_payment_add_claim(wxf_model *m, wxf_payment *p, const wxf_hb_claim *c);
/* Links a message to a payment (both directions, no duplicates). */
int wxf_payment_link_msg(wxf_model *m, wxf_payment *p, wxf_msg *msg);

/* Anomalies */
int wxf_model_anomaly(wxf_model *m, enum wxf_sev sev, const char *code, const char *msg_id,
    const char *payment_id, const wxf_prov *where, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* Sorts messages by time, then id; unknown times last. */
void wxf_model_sort(wxf_model *m);

/* Makes the model consistent after all rows (live and recovered) were added; idempotent, call
 * again after adding more rows:
 *   - sorts messages, creates missing conversations, fills conv->msgs;
 *   - marks recovered duplicates (duplicate_of) and copies recovered originals into recall
 *     notices (recall_original) matched by server id;
 *   - orders each payment's events, computes final_state and the witness comparison
 *     (anomaly "witness-disagrees"), amount conflicts;
 *   - orders payments[] by time (begin, else first event; unknown last), then id, so that
 *     outputs do not depend on the order rows were read in.
 * Returns WXF_OK or WXF_ENOMEM. */
int wxf_model_finish(wxf_model *m, wxf_err *err);

/* Amount parsing: "￥1,280.00" → 128000, "¥0.01" → 1, "1,000.00" → 100000, "￥ 88" → 8800,
 * "100.5元" → 10050.  Accepts an optional currency sign (￥ ¥ RMB CNY), spaces, thousands
 * commas, at most two decimals, an optional trailing 元.  Returns 1 and sets *fen if the whole
 * string is such an amount, 0 otherwise (garbage, more than 2 decimals, overflow, negative).
 * Integer arithmetic only. */
int wxf_amount_parse(const char *s, int64_t *fen);
/* Fills an amount from a string (text kept, known set from the parse). */
void wxf_amount_set(wxf_model *m, wxf_amount *a, const char *text);

/* ------------------------------------------------------------------------------------------ */
/* JSON Lines dump (model_json.c): one object per line, deterministic order:
 *   {"rec":"source",...} {"rec":"owner"...} {"rec":"identity",...} {"rec":"group",...}
 *   {"rec":"conversation",...} {"rec":"message",...} {"rec":"payment",...} {"rec":"anomaly",...}
 * Times are UTC ISO 8601 strings plus the raw ms ("time_ms"), unknown as null.  Used by the
 * tests and reused by report/ for timeline.jsonl.  Appends to `out` (a wxf_buf). */
struct wxf_buf;
void wxf_model_json(const wxf_model *m, struct wxf_buf *out);
void wxf_model_json_msg(const wxf_msg *msg, struct wxf_buf *out);
void wxf_model_json_payment(const wxf_payment *p, struct wxf_buf *out);
void wxf_model_json_identity(const wxf_identity *id, struct wxf_buf *out);
void wxf_model_json_prov(const wxf_prov *p, struct wxf_buf *out);

#endif
