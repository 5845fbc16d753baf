/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the three desktop drivers (Windows 3.x, WeChat 4.x, macOS 3.x) share, per account:
 *
 *   keys      wxf_desk_key: every database verified on its own page 1 with its own salt, in
 *             this order: --raw-key; --key through each profile's KDF; WCDB key strings of the
 *             --memdump files whose salt is the database's (every dump hashed, scanned once
 *             and recorded in the audit log); a raw key another database of the account gave;
 *             the dump passes of decrypt/ (derived, then raw keys).  The winning profile
 *             (macOS 3.x mixes four) is set on the database and recorded.
 *   files     the account's evidence files by their path below the account folder.
 *   derived   bytes the evidence holds in another form (decompressed content, UTF-16 text)
 *             are appended to <work>/<database>.decoded in the bundle; a message whose text
 *             comes from there cites that copy as a witness, so that the bundle's text is found
 *             in the bytes it cites (and the record itself is still cited for its bytes).
 *   media     a file of the account linked to a message (path, SHA-256, type from its first
 *             bytes); an image .dat also decoded (wc_dat.c) into <work>/media/ as a file of the
 *             bundle, hashed and linked as "image-decoded" beside the .dat, which stays the
 *             evidence item; a media blob held in a database (voice) written out the same way.
 */
#ifndef WXF_WECHAT_DESK_H
#define WXF_WECHAT_DESK_H

#include <stddef.h>
#include <stdint.h>
#include "wechat/wc_driver.h"

typedef struct wxf_desk wxf_desk;

/* ---- accounts: what the three drivers share of finding them (each keeps its path rules) ---- */

typedef struct wxf_desk_layout {
	const char *kind;               /* "win3", "wx4", "mac3": each database's profile, and the
	                                   work folder work/<kind>-<account folder name> */
	const char *const *roles;       /* a database's role by its rank */
	int contact_rank, message_rank; /* the ranks that make an account; both carved, the
	                                   message databases primary */
	/* The account folder (malloc'd) of an item of ours with its rank (> 0) and shard number;
	 * NULL when the item is not one of ours. */
	char *(*acct_of)(const wxf_item *it, long *n, int *rank);
	/* The account id of a folder name (malloc'd) and its suffix ("" none); NULL: the name. */
	char *(*account_id)(const char *folder, char suffix[8]);
	/* Makes a->priv around dk (which it then owns) for account id with suffix.  WXF_OK or
	 * WXF_ENOMEM (dk is then still the caller's). */
	int (*attach)(wxf_wc_acct *a, wxf_desk *dk, const char *id, const char *suffix);
} wxf_desk_layout;

/* The accounts of inv under layout l, in the order of their first contact or message database
 * in the inventory, each with its databases by rank then shard number (a database already
 * decrypted gets its -wal, applied and carved as it is).  WXF_OK or WXF_ENOMEM. */
int wxf_desk_accounts(const wxf_wc_driver *drv, const wxf_desk_layout *l,
    const wxf_inventory *inv, wxf_wc_acct ***v, size_t *n, wxf_err *err);

/* The shared state of account a (borrowed until wxf_desk_free).  NULL when out of memory. */
wxf_desk *wxf_desk_new(wxf_wc_acct *a);
void wxf_desk_free(wxf_desk **dk);

/* The key of database d: the first of the NULL-terminated profile names (all tried in order
 * for each candidate) that opens page 1.  Sets a->dbs[d].profile to the winner.  WXF_OK, or
 * WXF_EKEY with the candidates tried in err.  Records "key.desktop" in the audit log. */
int wxf_desk_key(wxf_desk *dk, size_t d, const char *const *profiles, wxf_key *k,
    uint64_t *n_tried, wxf_err *err);

/* The account's evidence file at rel ('/' separated, below the account folder), or NULL. */
const wxf_item *wxf_desk_item(wxf_desk *dk, const char *rel);
/* The items below the account folder, in inventory order. */
size_t wxf_desk_n_items(const wxf_desk *dk);
const wxf_item *wxf_desk_item_at(const wxf_desk *dk, size_t i);

/* Appends derived bytes for database `dbpath` (its evidence path) to its .decoded file and
 * gives a provenance citing them there: *p = base with image, offset and length of the copy,
 * page and frame 0.  WXF_OK, WXF_EIO, WXF_ENOMEM. */
int wxf_desk_derived(wxf_desk *dk, const char *dbpath, const void *data, size_t n,
    const wxf_prov *base, wxf_prov *p, wxf_err *err);
/* Closes the .decoded files (their bytes are then on disk for the citation check). */
void wxf_desk_flush(wxf_desk *dk);

/* The message's text decoded from compressed bytes: the decoded bytes become a witness copy
 * (kind copy, text = msg->body) in the .decoded file and the body is taken from it. */
int wxf_desk_text_witness(wxf_desk *dk, wxf_msg *msg, const void *decoded, size_t n,
    wxf_err *err);

/* Links the account's file rel to msg as role (required: a missing file is listed as
 * missing).  An image .dat is decoded as well.  WXF_OK or WXF_ENOMEM. */
int wxf_desk_media_file(wxf_desk *dk, wxf_msg *msg, const char *role, const char *rel,
    const char *source, int required);
/* Lists media the message names but no index or file gives (expected: what was looked for;
 * source: what named it).  Strings must outlive the model (arena or static).  WXF_OK or
 * WXF_ENOMEM. */
int wxf_desk_media_missing(wxf_desk *dk, wxf_msg *msg, const char *role, const char *expected,
    const char *source);
/* Writes a media blob a database holds (voice) to <work>/media/<name>.<type> and links it;
 * prov cites the blob's row.  WXF_OK, WXF_EIO or WXF_ENOMEM. */
int wxf_desk_media_blob(wxf_desk *dk, wxf_msg *msg, const char *role, const char *name,
    const uint8_t *data, size_t n, const char *source, const wxf_prov *prov, wxf_err *err);

/* WeChat 4.x image keys: the account's wxid and folder suffix (for the offline derivation);
 * set before the first V2 file. */
void wxf_desk_set_image_account(wxf_desk *dk, const char *wxid, const char *suffix);

/* ---- rows (every value hostile: a column may be missing or of another type) ---- */

/* The database a reader reads: its SQLite image and the evidence paths its rows cite. */
typedef struct wxf_desk_dbref {
	wxf_sqlite_db *db;
	const char *evidence, *image, *wal, *wal_image;   /* arena copies */
} wxf_desk_dbref;
void wxf_desk_dbref_init(wxf_desk_dbref *r, wxf_model *m, wxf_sqlite_db *db,
    const char *evidence, const char *image, const char *wal, const char *wal_image);
/* A row's provenance: prov_in when given, else its cell (wxf_desk_row_prov); the table and the
 * file filled in from the row and the database when absent. */
wxf_prov wxf_desk_dbref_prov(const wxf_desk_dbref *r, const wxf_sqlrow *row,
    const wxf_prov *prov_in);
/* wxf_desk_scan of table name in r's database. */
int wxf_desk_dbref_scan(const wxf_desk_dbref *r, const char *name, wxf_model *m,
    int (*cb)(void *arg, const wxf_sqlrow *row), void *arg, wxf_err *err);
/* 1 when the row's table is name (ASCII case ignored). */
int wxf_desk_tname_is(const wxf_sqlrow *r, const char *name);
/* A server id as the text key of the by-server-id maps; NULL when unknown or 0. */
const char *wxf_desk_svr_key(wxf_model *m, int64_t v);

/* The value of column name, or NULL. */
const wxf_sqlval *wxf_desk_col(const wxf_sqlrow *r, const char *name);
/* Text (or an integer as decimal) copied into m, up to a NUL; NULL when absent or empty. */
const char *wxf_desk_str(wxf_model *m, const wxf_sqlrow *r, const char *name);
/* Integer (numeric text parsed), WXF_INT_UNKNOWN when absent. */
int64_t wxf_desk_int(const wxf_sqlrow *r, const char *name);
/* A live row's provenance: its cell in the image, or in the -wal image when read from a WAL
 * frame (then file is the -wal's evidence path). */
wxf_prov wxf_desk_row_prov(const wxf_sqlrow *r, const char *file, const char *image,
    const char *wal, const char *wal_image);
/* Scans table name of db (absent: nothing), calling cb with each live row; a corrupt page is
 * an anomaly of m citing file/image, and the scan goes on.  WXF_OK, the callback's error, or
 * a fatal error. */
int wxf_desk_scan(wxf_sqlite_db *db, const char *name, wxf_model *m, const char *file,
    const char *image, int (*cb)(void *arg, const wxf_sqlrow *row), void *arg, wxf_err *err);
/* 1 and the lowercase form in out when s begins with 32 hex digits. */
int wxf_desk_md5_hex(const char *s, char out[33]);
/* 1 and the lowercase md5 of an image message's <img ... md5="..."> (3.x XML) in out. */
int wxf_desk_img_md5(const char *content, char out[33]);
/* 1 and the lowercase md5 when t is a table named prefix + 32 hex digits. */
int wxf_desk_md5_table(const wxf_sqlite_obj *t, const char *prefix, char md5hex[33]);
/* LZ4 block (no size stored) into *out (malloc'd, NUL-terminated, *out_n bytes): the buffer
 * grows until the block decodes or max bytes.  WXF_OK, WXF_ECORRUPT, WXF_ENOMEM. */
int wxf_desk_lz4(const uint8_t *p, size_t n, size_t max, char **out, size_t *out_n);
/* A zstd frame into *out the same way (WXF_ENOTFOUND when the frame names a dictionary). */
int wxf_desk_zstd(const uint8_t *p, size_t n, size_t max, char **out, size_t *out_n);

typedef struct wxf_desk_stats {
	size_t media_present, media_missing, dat_decoded, dat_failed, blobs;
	size_t v2_undecoded;         /* V2 files no key opened */
	char v2_key_how[256];        /* how the V2 image key was found, "" none */
} wxf_desk_stats;
const wxf_desk_stats *wxf_desk_stats_of(const wxf_desk *dk);

#endif
