/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wc_driver.h: one WeChat client family as one table entry (the shape of libarchive's format
 * readers, archive_read_support_format_*.c, and of The Sleuth Kit's FS_OPENERS[]).  The case
 * layer (case/case.c) runs the loop; a driver only answers its hooks:
 *
 *   accounts(inv)                the accounts of this platform in one inventory (an evidence
 *                                tree, or an unpacked container), each with the databases
 *                                to read in a->dbs; reads the inventory and small files only,
 *                                decrypts nothing                                    [case.c]
 *   for each account a:
 *     for each d in a->dbs (a reader may append more, e.g. the index it refers to):
 *       key(a, d)                an encrypted database's key and how it was found [case_db.c]
 *       (case: physical decryption into the bundle, SQLCipher cross-check, audit, statement)
 *       open(a, d, sdb) -> rd;  read(rd);  (case: carve) add_row(rd, row, prov) ...;
 *       close(a, d, &rd, ok)     the reader's joins for this database, then free
 *     finish(a)                  joins across the account's databases (may be NULL)  [case.c]
 *     free(a)                    a->priv (may be NULL)
 *
 * A driver whose evidence is not a set of SQLite databases read row by row (the PC backup
 * folder, which decrypts and decodes its own BAK files) sets run() and leaves key..close NULL;
 * run() fills the wxf_wc_db results (image, status, decryption) that case/ turns into the
 * report's decryption statement, as it does for the other drivers.
 *
 * Rules:
 *  - every account is read into its own model (a->m): nothing of one account is attributed to
 *    another; case/ analyses each account on its own;
 *  - hooks return WXF_OK or a negative WXF_E* with err set; a failed database becomes a
 *    limitation and the others go on (only cli/ decides how the run ends);
 *  - an evidence item claimed by two accounts (two drivers, or two accounts of one driver) is
 *    read by neither and reported as ambiguous (TSK_ERR_FS_MULTTYPE): never a guess;
 *  - drivers write files only below the folder case/ gives them (a->work on disk), record
 *    bundle-relative names only, and never change the working directory;
 *  - nothing here knows argv: what the examiner gave arrives in wxf_wc_env.
 *
 * Adding a platform: one file family wc_<platform>*.c with a `const wxf_wc_driver`, and one
 * line in wc_drivers.c.  Nothing in cli/, case/ or report/ changes (src/wechat/README.md).
 */
#ifndef WXF_WECHAT_WC_DRIVER_H
#define WXF_WECHAT_WC_DRIVER_H

#include <stddef.h>
#include <stdint.h>
#include "base/wxf_audit.h"
#include "base/wxf_err.h"
#include "base/wxf_log.h"
#include "base/wxf_prov.h"
#include "decrypt/decrypt.h"
#include "intake/intake.h"
#include "model/model.h"
#include "sqlite/sqlite.h"

struct wxf_wc_driver;

/* What the examiner gave: platform-neutral, shared by every hook. */
typedef struct wxf_wc_env {
	const char *key;                /* --key: a database passphrase; verified, never trusted */
	const char *raw_key;            /* --raw-key: an already-derived AES key (64 hex); verified */
	char **dumps;                   /* --memdump: process memory dumps to search for keys
	                                   (NULL-terminated, may be NULL) */
	const char *image_key;          /* --image-key: WeChat 4.x image .dat AES key (16 chars) */
	char **imeis, **uins;           /* --imei / --uin hints (NULL-terminated, may be NULL) */
	const char *backup_key;         /* --backup-key (PC backup passphrase) */
	unsigned jobs;                  /* threads for decryption; 0 = all CPUs */
	int reveal_key;                 /* keys may appear in the report and audit log */
	wxf_log *log;
	wxf_audit *audit;
	/* Adds one line to the report's limitations (copied). */
	void (*limit)(void *arg, const char *line);
	void *limit_arg;
} wxf_wc_env;

/* One database of an account, as its driver wants it read, and what became of it. */
typedef struct wxf_wc_db {
	const wxf_item *item;           /* the database in the inventory */
	const char *role;               /* wxf_source.role: "message-db", "fts-index" ... (static) */
	const char *profile;            /* codec profile when encrypted ("android" ...; static) */
	int carve;                      /* recover deleted records and feed them to add_row */
	int primary;                    /* the account's message database (the summary counts it) */
	const char *source_path;        /* the path its reader records as the source; NULL:
	                                   item->path */
	/* Filled by case/ (or by run()): */
	char *image;                    /* bundle-relative plaintext image, NULL if none */
	char *image_abs;                /* what readers open: the image on disk, or the evidence
	                                   file itself when it is plaintext */
	char *wal_image, *wal_abs;      /* decrypted -wal (bundle-relative / on disk), or NULL */
	const wxf_item *wal_item;       /* the -wal in the inventory, or NULL */
	char *status;                   /* one line for the report: decrypted, plaintext, why not */
	int have_dec;                   /* a key was looked for: dec is meaningful */
	wxf_decrypt_result dec;
	int read_ok;                    /* opened and read */
} wxf_wc_db;

/* One account in one inventory (an evidence root, or an unpacked container). */
typedef struct wxf_wc_acct {
	const struct wxf_wc_driver *drv;
	const wxf_inventory *inv;
	int root;                       /* index into inv->roots: the exhibit */
	char *id;                       /* account id: folder name, wxid ... */
	char *dir;                      /* evidence path of the account folder (inventory form) */
	char *dir_abs;                  /* the same folder on disk */
	char *work_leaf;                /* the driver's folder name for it below the bundle's work
	                                   area ("work/<id>", "work/backup-1") */
	/* Set by case/ before any hook but accounts(): */
	char *work;                     /* bundle-relative folder for its plaintext files */
	char *work_abs;                 /* the same on disk */
	wxf_model *m;                   /* the account's own model */
	const wxf_wc_env *env;
	wxf_wc_db *dbs;                 /* owned; append with wxf_wc_acct_add_db */
	size_t n_dbs, cap_dbs;
	void *priv;                     /* driver state */
} wxf_wc_acct;

typedef struct wxf_wc_driver {
	const char *name;               /* short name for logs and the audit log: "android" */
	wxf_platform platform;
	/* For run() drivers: the summary line's noun ("WeChat PC backups"); NULL otherwise. */
	const char *unit;
	/* Appends the accounts of this platform found in inv (every root) to *v (allocated with
	 * wxf_wc_acct_new), each with its databases.  Reads the inventory and small files only. */
	int (*accounts)(const struct wxf_wc_driver *drv, const wxf_inventory *inv,
	    wxf_wc_acct ***v, size_t *n, wxf_err *err);
	/* The key of encrypted database d: k filled (with how and inputs), *n_tried the
	 * candidates tried.  The key must open page 1.  WXF_EKEY when none does. */
	int (*key)(wxf_wc_acct *a, size_t d, wxf_key *k, uint64_t *n_tried, wxf_err *err);
	/* A reader over database d (sdb borrowed until close; d's image set). */
	int (*open)(wxf_wc_acct *a, size_t d, wxf_sqlite_db *sdb, void **rd, wxf_err *err);
	int (*read)(void *rd, wxf_err *err);                          /* every live row */
	int (*add_row)(void *rd, const wxf_sqlrow *row, const wxf_prov *p, wxf_err *err);
	/* Applies what the reader gathered and frees it (*rd = NULL); ok: read succeeded.  Called
	 * whenever open() was. */
	int (*close)(wxf_wc_acct *a, size_t d, void **rd, int ok, wxf_err *err);
	int (*finish)(wxf_wc_acct *a, wxf_err *err);                  /* may be NULL */
	/* Instead of key..close: reads the account itself into a->m, writing only below
	 * a->work_abs.  WXF_OK when read; an error (its message a limitation) otherwise. */
	int (*run)(wxf_wc_acct *a, wxf_err *err);
	void (*free)(wxf_wc_acct *a);                                 /* a->priv; may be NULL */
} wxf_wc_driver;

/* wc_drivers.c: every driver, NULL-terminated, in reading order. */
extern const wxf_wc_driver *const wxf_wc_drivers[];

/* A new account (strings copied).  Returns NULL on allocation failure. */
wxf_wc_acct *wxf_wc_acct_new(const wxf_wc_driver *drv, const wxf_inventory *inv, int root,
    const char *id, const char *dir, const char *dir_abs, const char *work_leaf);
/* Appends a database; returns its index, or -1 on allocation failure. */
int wxf_wc_acct_add_db(wxf_wc_acct *a, const wxf_item *item, const char *role,
    const char *profile, int carve, int primary);
/* Calls drv->free, frees the databases' results and a; NULL-safe, *a = NULL. */
void wxf_wc_acct_free(wxf_wc_acct **a);
/* A database file of an account while the driver orders them: by rank (role), then by the
 * number in its name (MSG0, MSG1, ... message_2 ...).  wxf_wc_dbent_cmp is the qsort order. */
typedef struct wxf_wc_dbent {
	const wxf_item *it;
	int rank;
	long n;
} wxf_wc_dbent;
int wxf_wc_dbent_cmp(const void *a, const void *b);

/* How a reader takes a table scan's outcome (wxf_sqlite_scan's rc and error e, the callback's
 * own errors already handled): out of memory is returned as such (err set: the run stops, no
 * result is a property of the evidence); any other scan error becomes a "table-corrupt"
 * anomaly of m citing the table, the page and offset where the scan stopped in image (file:
 * the evidence path), and a fatal one is returned (err = e).  WXF_OK: go on. */
int wxf_wc_scan_outcome(wxf_model *m, const char *file, const char *image,
    const wxf_sqlite_obj *t, int rc, const wxf_err *e, wxf_err *err);
/* Records a limitation through env->limit (printf-style). */
void wxf_wc_limit(const wxf_wc_env *env, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
