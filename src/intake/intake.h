/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Intake: take evidence read-only, find the WeChat artifacts in it, identify every file and
 * hash it (MD5, SHA-1, SHA-256) before anything else reads it, and again at the end.
 *
 * Evidence roots may be folders (Android data/data/com.tencent.mm or sdcard tencent/MicroMsg,
 * iTunes/Finder backups, Windows "WeChat Files/<wxid>", WeChat 4.x xwechat_files), single
 * files, or Android adb backups (.ab: header, zlib stream, tar).  Members of a container are
 * inventoried (and hashed) while streaming; nothing is extracted unless an extraction
 * directory is given (wxf_intake_extract).
 *
 * Read-only discipline: files are opened O_RDONLY (O_NOATIME where permitted), never written,
 * never mapped writable; symbolic links are recorded, not followed out of the root.
 */
#ifndef WXF_INTAKE_H
#define WXF_INTAKE_H

#include <stdint.h>
#include <sys/types.h>
#include "base/wxf_err.h"
#include "base/wxf_hash.h"
#include "base/wxf_log.h"
#include "base/wxf_prov.h"

typedef enum wxf_kind {
	WXF_KIND_OTHER = 0,
	WXF_KIND_SQLITE,           /* plaintext SQLite database */
	WXF_KIND_SQLITE_ENCRYPTED, /* no SQLite header, high entropy, page-multiple size */
	WXF_KIND_SQLITE_WAL,
	WXF_KIND_SQLITE_JOURNAL,
	WXF_KIND_SQLITE_SHM,
	WXF_KIND_JAVA_SERIALIZED,  /* .cfg HashMaps (systemInfo.cfg, CompatibleInfo.cfg) */
	WXF_KIND_SHARED_PREFS,     /* Android SharedPreferences XML */
	WXF_KIND_PLIST,
	WXF_KIND_MEDIA,
	WXF_KIND_ANDROID_BACKUP,   /* .ab container */
	WXF_KIND_ITUNES_MANIFEST,
	WXF_KIND_SYMLINK,
	WXF_KIND_DIRECTORY_MARK,   /* not used for files; reserved */
	WXF_KIND_N
} wxf_kind;

const char *wxf_kind_name(wxf_kind k);

/*
 * libmagic, opened once and used for many buffers (intake's inventory, the media a platform
 * reader reassembles): MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_TAR | MAGIC_ERROR, the system
 * magic database.  wxf_magic_new returns NULL when libmagic or its database is unavailable;
 * then there are no descriptions, never a failure.
 */
typedef struct wxf_magic wxf_magic;
wxf_magic *wxf_magic_new(void);
void wxf_magic_free(wxf_magic **m);
/* Describes a buffer (the first bytes of a file): *desc the description ("data" when libmagic
 * has none), *mime the MIME type; each malloc'd, NULL with m NULL or out of memory.  Either
 * output may be NULL when not wanted (libmagic is then not asked for it). */
void wxf_magic_buffer(wxf_magic *m, const void *data, size_t n, char **desc, char **mime);


typedef struct wxf_item {
	char *path;           /* evidence path as shown: root-relative ("<root>/a/b" style) */
	char *abs;            /* absolute path on disk (container file for members) */
	char *member;         /* member name inside a container, or NULL */
	char *logical;        /* where the file lived on the phone, as an iOS backup names it:
	                         "<domain>/<relativePath>" (AppDomain-com.tencent.xin/Documents/...)
	                         for a backup file, a file restored from one, or a file of an
	                         app container in a full-file-system extraction; NULL otherwise */
	int root;             /* index of the evidence root */
	uint64_t size;
	int64_t mtime_s;      /* modification time, seconds (members: tar header) */
	long mtime_ns;
	wxf_kind kind;
	char *magic;          /* libmagic description */
	char *mime;           /* libmagic MIME type */
	char *role;           /* WeChat role, e.g. "Android message database" (intake/classify.c) */
	wxf_platform platform;
	int account;          /* index into accounts, -1 none */
	int wechat;           /* 1 if a WeChat artifact */
	double entropy;       /* bits/byte of the first 4 KiB */
	wxf_hashes before, after;
	int have_after;
	int changed;          /* after != before (or mtime/size changed, or vanished) */
	char *note;           /* e.g. "encrypted .ab: password required" */
} wxf_item;

typedef struct wxf_account {
	wxf_platform platform;
	char *id;             /* account folder name (md5 hex) or wxid */
	char *folder;         /* evidence path of the account folder */
	char *uin;            /* Android uin when proven (md5("mm"+uin) == folder), else NULL */
	char *wxid;           /* when known */
	char *how;            /* how the account was recognised, for the report */
} wxf_account;

typedef struct wxf_root {
	char *given;          /* as given on the command line (terminal and audit log only) */
	char *name;           /* the name every path of the bundle starts with: the last component
	                         of the realpath ("demo" for both "ev/demo" and "/mnt/x/ev/demo/"),
	                         made unique with "~2", "~3"... so that the same evidence gives the
	                         same bundle whatever the spelling of its path */
	char *abs;            /* realpath */
	int is_dir;
	wxf_platform platform;
	char *layout;         /* "Android app data tree", "adb backup (.ab)", ... */
} wxf_root;

typedef struct wxf_inventory {
	wxf_root *roots;
	size_t n_roots;
	wxf_item *items;
	size_t n_items, cap_items;
	wxf_account *accounts;
	size_t n_accounts, cap_accounts;
	char **uins;          /* uin values seen in prefs/cfg (Android), for account proof */
	size_t n_uins;
	unsigned n_warnings;
} wxf_inventory;

typedef struct wxf_intake_opts {
	wxf_log *log;
	int no_magic;         /* skip libmagic (tests) */
	uint64_t max_member_size; /* refuse container members larger than this (0 = 64 GiB) */
	const char *backup_password; /* for password-encrypted Android backups, or NULL */
	/* wxf_intake_unpack: called for each container that could not be unpacked, with the
	 * reason (wrong password, password missing, corrupt header ...); may be NULL */
	void (*unpack_failed)(void *arg, const char *path, const char *why);
	void *unpack_failed_arg;
} wxf_intake_opts;

/* Inventories and hashes every evidence root.  Unreadable roots are WXF_EIO (exit 3);
 * unreadable files inside are warnings with a note on the item. */
int wxf_intake_scan(wxf_inventory *inv, char *const *paths, size_t n_paths,
    const wxf_intake_opts *opts, wxf_err *err);
/* Hashes everything again into item->after, sets item->changed; returns the number of changed
 * items (0 = evidence unchanged). */
size_t wxf_intake_rehash(wxf_inventory *inv, const wxf_intake_opts *opts);
void wxf_inventory_free(wxf_inventory *inv);

/*
 * Unpacks every Android backup container of the inventory (.ab, MIUI .bak) into
 * work_dir/containers/<n>-<basename>/ (regular files only, names sanitised, nothing outside
 * work_dir) so that the platform readers can treat it as an extracted tree.  For an adb backup
 * the WeChat app root is apps/com.tencent.mm/r/ and its shared_prefs are apps/com.tencent.mm/sp/.
 * On return (*dirs)[i] is the extracted folder and (*from)[i] the evidence path of its
 * container (both malloc'd arrays of malloc'd strings).  Encrypted backups need
 * opts->backup_password; a container that fails is logged and skipped.
 * Returns WXF_OK, or the first hard error (I/O on the work dir).
 */
int wxf_intake_unpack(const wxf_inventory *inv, const char *work_dir,
    const wxf_intake_opts *opts, char ***dirs, char ***from, size_t *n, wxf_err *err);
/* The top-level item (not a container member) at evidence path `path`, or NULL. */
const wxf_item *wxf_inventory_find(const wxf_inventory *inv, const char *path);

/*
 * Device containers among the evidence, unpacked for the platform readers: Android backups
 * (.ab, MIUI .bak; opts->backup_password for encrypted ones) into OUTDIR/work/containers/,
 * Huawei HiSuite/KoBackup folders into OUTDIR/work/huawei-<n>/, and WeChat's two domains of
 * iTunes/Finder backups (plain, or encrypted with opts->backup_password; intake/itunes.h)
 * into OUTDIR/work/itunes-<n>/files/<domain>/<relativePath> (nothing is written anywhere
 * else, member names are sanitised).  Each unpacked tree comes back as a sub-inventory whose
 * item paths read "<container>!/<member>" (for a backup: "<backup file>!/<domain>/<path>",
 * with item->logical set), so provenance names the evidence container; its files are not
 * evidence (the container is, and is hashed).
 */
typedef struct wxf_subinv {
	wxf_inventory inv;
	char *from;      /* evidence path of the container ("x.ab", "<folder>/com.tencent.mm.tar") */
	char *work;      /* bundle-relative folder holding the unpacked tree */
} wxf_subinv;

typedef struct wxf_unpack_opts {
	const char *outdir;          /* the bundle on disk */
	const char *backup_password; /* NULL: encrypted containers are listed, not unpacked */
	wxf_log *log;
	struct wxf_audit *audit;     /* "unpack-container" records; may be NULL */
	void (*limit)(void *arg, const char *line);  /* a limitation for the report; may be NULL */
	void *limit_arg;
} wxf_unpack_opts;

typedef struct wxf_unpack_result {
	wxf_subinv *subs;            /* the unpacked trees */
	size_t n_subs;
	size_t n_failed;             /* containers that could not be opened (password missing or
	                                wrong, corrupt header): unreadable evidence */
} wxf_unpack_result;

/* Unpacks every container of inv (above).  A container that fails is counted, recorded in the
 * audit log and a limitation, and the others go on.  Returns WXF_OK. */
int wxf_intake_unpack_all(const wxf_inventory *inv, const wxf_unpack_opts *o,
    wxf_unpack_result *res, wxf_err *err);
void wxf_unpack_result_free(wxf_unpack_result *res);

/* 1 if `path` lies inside any evidence root. */
int wxf_intake_inside_evidence(const wxf_inventory *inv, const char *path);
/* Records every item's hashes in the audit log: action "evidence-hash-before" (after = 0) or
 * "evidence-hash-after" with the changed flag (after = 1). */
struct wxf_audit;
void wxf_intake_audit(struct wxf_audit *a, const wxf_inventory *inv, int after);
/* Writes the inventory as one JSON document (deterministic order) to a malloc'd string. */
char *wxf_inventory_json(const wxf_inventory *inv);

/*
 * Android adb backup (.ab) — header: "ANDROID BACKUP\n" <version>\n <compressed 0|1>\n
 * <encryption "none"|"AES-256">\n, then (if encrypted) 5 more lines: user-password salt (hex),
 * master-key checksum salt (hex), PBKDF2 rounds, user-key IV (hex), encrypted master-key blob
 * (hex); then the payload: [AES-256-CBC] [zlib] POSIX/ustar tar.
 * A Xiaomi MIUI .bak is a text header ("MIUI BACKUP\n" <version>\n "<pkg> <label>"\n ...)
 * followed by a plain .ab; its lines are read one by one up to "ANDROID BACKUP".
 */
typedef struct wxf_ab_header {
	int version;
	int compressed;
	int encrypted;
	char encryption[32];
	int miui;             /* wrapped in a MIUI .bak header */
	char miui_package[128];  /* "<pkg> <label>" line of the MIUI header */
	size_t ab_off;        /* offset of "ANDROID BACKUP" (0, or after the MIUI header) */
	size_t payload_off;   /* offset of the payload after the header lines */
	/* AES-256 only */
	uint8_t user_salt[64], ck_salt[64], user_iv[16], mk_blob[128];
	size_t user_salt_len, ck_salt_len, mk_blob_len;
	unsigned rounds;
} wxf_ab_header;

int wxf_ab_parse_header(const uint8_t *data, size_t size, wxf_ab_header *h, wxf_err *err);
/* Unwraps the master key of an encrypted backup: WXF_EKEY on a wrong password (checksum). */
int wxf_ab_master_key(const wxf_ab_header *h, const char *password, uint8_t mk[32],
    uint8_t iv[16], wxf_err *err);

/* Called for each tar member: name is sanitised (no leading '/', no "..");  `data` chunks
 * follow through on_data; on_end closes the member.  Return non-zero to stop. */
typedef struct wxf_tar_cb {
	int (*on_member)(void *arg, const char *name, char type, uint64_t size, int64_t mtime,
	    const char *link);
	int (*on_data)(void *arg, const uint8_t *p, size_t n);
	int (*on_end)(void *arg);
	void *arg;
} wxf_tar_cb;

/* Streams a .ab or MIUI .bak file through [AES-256-CBC,] [zlib,] and a tar reader, with
 * bounded memory.  password may be NULL; an encrypted backup without one is WXF_EUNSUPPORTED,
 * a wrong one WXF_EKEY. */
int wxf_ab_stream(const char *path, const char *password, const wxf_tar_cb *cb, wxf_err *err);
/* Tar reader over an in-memory buffer (for tests and fuzzing). */
int wxf_tar_read_mem(const uint8_t *data, size_t size, const wxf_tar_cb *cb, wxf_err *err);
/* The same reader over a tar file, gzip-compressed when gzip is set (the inflate step and its
 * decompression-bomb check are the .ab's). */
int wxf_tar_stream(const char *path, int gzip, const wxf_tar_cb *cb, wxf_err *err);
/* Sanitises a tar/zip member path into out (size n): strips leading '/', drops "." and
 * refuses ".." components.  Returns 0, or -1 if the name must be refused. */
int wxf_member_path_sanitise(const char *in, char *out, size_t n);
/* Extracts the members of a .ab into dir (regular files only; links and devices recorded and
 * skipped; nothing written outside dir).  Returns WXF_OK or an error. */
int wxf_ab_extract(const char *path, const char *password, const char *dir, wxf_err *err);

#endif
