/* SPDX-License-Identifier: Apache-2.0 */
/*
 * iTunes/Finder backups of an iPhone (shared/formats/backup-formats.md §3,
 * wechat-android-ios.md §4.1, corrections-2026-12.md A.7 and B):
 *
 *   <backup>/Info.plist          device name, product type, iOS version, last backup date
 *   <backup>/Manifest.plist      IsEncrypted, Lockdown{ProductVersion...}, BackupKeyBag (TLV),
 *                                ManifestKey (4-byte little-endian class + 40-byte wrapped key)
 *   <backup>/Status.plist        SnapshotState ("finished" = complete), IsFullBackup, Date
 *   <backup>/Manifest.db         Files(fileID, domain, relativePath, flags, file); encrypted
 *                                backups (iOS 10.2+) encrypt it with AES-256-CBC (zero IV)
 *                                under the ManifestKey; flags 1 file, 2 folder, 4 link
 *   <backup>/Manifest.mbdb       before iOS 10: binary records (intake/mbdb.c), never
 *                                encrypted; each record holds its file's wrapped key
 *   <backup>/<id[0:2]>/<id>      the files, id = hex SHA-1(domain "-" relativePath)
 *   <backup>/<id>                the files of a Manifest.mbdb backup (no two-digit folder)
 *
 * Files.file is an NSKeyedArchiver plist whose root object (MBFile) holds Size,
 * ProtectionClass, LastModified and, in encrypted backups, EncryptionKey (NS.data: 4-byte
 * class + 40-byte wrapped per-file key).  The file is AES-256-CBC with a zero IV, padded; the
 * record's Size is its length.
 *
 * BackupKeyBag: TLV items, a 4-byte ASCII tag, a 4-byte big-endian length, the value (4-byte
 * values are big-endian integers).  Before the second UUID the items belong to the keybag
 * (VERS TYPE UUID HMCK WRAP SALT ITER DPWT DPIC DPSL); each later UUID starts a class key
 * (CLAS WRAP KTYP WPKY PBKY).  Password to key-encryption key (KEK):
 *
 *   t   = PBKDF2-HMAC-SHA256(password, DPSL, DPIC, 32)     iOS 10.2+ only (DPSL/DPIC present)
 *   KEK = PBKDF2-HMAC-SHA1(t or password, SALT, ITER, 32)
 *
 * A class key whose WRAP has bit 2 (passcode) is RFC 3394 AES key unwrap (KEK, WPKY), 40 -> 32
 * bytes; the unwrap's integrity check failing is the wrong-password signal.  Nothing is
 * decrypted before every passcode-wrapped class key has unwrapped.
 */
#ifndef WXF_INTAKE_ITUNES_H
#define WXF_INTAKE_ITUNES_H

#include <stddef.h>
#include <stdint.h>
#include "base/wxf_err.h"
#include "base/wxf_log.h"

#define WXF_KB_MAX_CLASSES 32

typedef struct wxf_kb_class {
	uint32_t clas, wrap, ktyp;
	uint8_t uuid[16];
	uint8_t wpky[40];
	size_t wpky_len;
	uint8_t key[32];
	int unwrapped;
} wxf_kb_class;

typedef struct wxf_keybag {
	uint32_t vers, type, wrap, iter, dpic;
	uint8_t uuid[16];
	uint8_t salt[64], dpsl[64];
	size_t salt_len, dpsl_len;
	int have_salt, have_iter, have_dp;
	wxf_kb_class cls[WXF_KB_MAX_CLASSES];
	size_t n_cls;
	size_t n_skipped;      /* class keys beyond the limit, or not passcode-wrapped */
} wxf_keybag;

/* Parses a BackupKeyBag.  WXF_OK, or WXF_ECORRUPT (truncated item, bad length, no SALT/ITER,
 * a wrapped key that is not 40 bytes). */
int wxf_keybag_parse(const uint8_t *p, size_t n, wxf_keybag *kb, wxf_err *err);
/* The KEK of a password (the slow step: DPIC rounds of PBKDF2-SHA256 on iOS 10.2+).  log may
 * be NULL; *secs (may be NULL) gets the time taken.  WXF_OK or WXF_ECRYPTO. */
int wxf_keybag_kek(const wxf_keybag *kb, const char *password, uint8_t kek[32], double *secs,
    wxf_log *log, wxf_err *err);
/* Unwraps every passcode-wrapped class key.  WXF_EKEY when one does not unwrap (wrong
 * password), WXF_OK otherwise; *n_unwrapped (may be NULL) gets the count. */
int wxf_keybag_unlock(wxf_keybag *kb, const uint8_t kek[32], size_t *n_unwrapped, wxf_err *err);
/* The unwrapped key of protection class clas, or NULL. */
const uint8_t *wxf_keybag_class_key(const wxf_keybag *kb, uint32_t clas);

/* RFC 3394 AES key unwrap (OpenSSL id-aes*-wrap; KEK of 16, 24 or 32 bytes), n = 8 * (k + 1)
 * bytes in, n - 8 out.  WXF_OK, WXF_EKEY when the integrity check fails, WXF_ECRYPTO. */
int wxf_aes_key_unwrap(const uint8_t *kek, size_t kek_len, const uint8_t *in, size_t n,
    uint8_t *out, wxf_err *err);
/* A "class + wrapped key" blob (4-byte little-endian class, 40-byte RFC 3394 blob) opened
 * with the class key; class_hint (if non-zero) is used when the prefix is absent or 0.
 * WXF_OK, WXF_ECORRUPT (shape), WXF_EKEY (class key missing or unwrap failed). */
int wxf_itunes_unwrap_key(const wxf_keybag *kb, const uint8_t *blob, size_t n,
    uint32_t class_hint, uint8_t key[32], wxf_err *err);

/* What an MBFile record (Files.file) says about one file. */
typedef struct wxf_mbfile {
	uint64_t size;
	int have_size;
	uint64_t prot;           /* ProtectionClass, 0 if absent */
	int64_t mtime;           /* LastModified (Unix seconds), 0 if absent */
	uint8_t enckey[48];      /* EncryptionKey NS.data (class prefix + wrapped key) */
	size_t enckey_len;       /* 0: none (plain backup) */
	char classname[32];
} wxf_mbfile;

/* Parses an MBFile keyed archive (at most 64 KiB).  WXF_OK or WXF_ECORRUPT. */
int wxf_mbfile_parse(const uint8_t *p, size_t n, wxf_mbfile *f, wxf_err *err);

/* Manifest.mbdb (intake/mbdb.c has the layout).  A string points into the file's bytes. */
typedef struct wxf_mbdb_str {
	const uint8_t *p;
	size_t n;
	int none;                /* length 0xFFFF */
} wxf_mbdb_str;

typedef struct wxf_mbdb_rec {
	size_t off, len;         /* the record's place in the file */
	wxf_mbdb_str domain, path, target, hash, enckey;
	uint16_t mode;
	uint64_t inode;
	uint32_t uid, gid, mtime, atime, ctime;
	uint64_t size;
	uint8_t prot, n_props;
} wxf_mbdb_rec;

/* 1 when p starts with the "mbdb" 05 00 signature. */
int wxf_mbdb_check_magic(const uint8_t *p, size_t n);
/* The record at byte off of the file p[0..n).  WXF_OK, or WXF_ECORRUPT (truncated, no
 * domain). */
int wxf_mbdb_record(const uint8_t *p, size_t n, size_t off, wxf_mbdb_rec *r, wxf_err *err);
/* Calls cb for every record in file order (non-zero stops).  WXF_OK, or WXF_ECORRUPT (no
 * signature, or a bad record: those before it were delivered, *n_recs counts them). */
typedef int (*wxf_mbdb_cb)(void *arg, const wxf_mbdb_rec *r);
int wxf_mbdb_walk(const uint8_t *p, size_t n, wxf_mbdb_cb cb, void *arg, size_t *n_recs,
    wxf_err *err);
/* Manifest.db's flags for a record's Mode: 1 file, 2 folder, 4 link, 0 other. */
int wxf_mbdb_flags(uint16_t mode);

/* The backup's description, from Info.plist, Manifest.plist and Status.plist. */
typedef struct wxf_itunes_info {
	int have_manifest_plist, have_info, have_status;
	int manifest_db, manifest_mbdb;      /* which index file exists */
	int encrypted;                       /* Manifest.plist IsEncrypted */
	int passcode_set;
	char device[128], product_type[64], product_version[32], serial[64], udid[64];
	int64_t backup_date;                 /* Unix seconds, 0 unknown */
	char snapshot[32];                   /* Status.plist SnapshotState ("" unknown) */
	int full_backup;                     /* -1 unknown */
	uint8_t *keybag;                     /* BackupKeyBag (owned) */
	size_t keybag_len;
	uint8_t manifest_key[64];
	size_t manifest_key_len;
} wxf_itunes_info;

/* 1 if dir looks like a backup folder: Manifest.db or Manifest.mbdb (Manifest.plist, which
 * says whether it is encrypted, may be missing from a partial copy: then it is read as not
 * encrypted, and said so). */
int wxf_itunes_probe(const char *dir);
/* Reads the three plists (missing Info/Status plists are not errors).  WXF_OK, or
 * WXF_ECORRUPT when Manifest.plist is unreadable. */
int wxf_itunes_info_read(const char *dir, wxf_itunes_info *bi, wxf_err *err);
void wxf_itunes_info_free(wxf_itunes_info *bi);
/* One line for the inventory's layout and the report: "iTunes/Finder backup (Manifest.db) of
 * <device>, <type>, iOS <v>, <date>; encrypted; snapshot finished".  malloc'd. */
char *wxf_itunes_describe(const wxf_itunes_info *bi);
/* 1 when Status.plist says the backup is complete ("finished"). */
int wxf_itunes_complete(const wxf_itunes_info *bi);

/* An opened backup: keys unlocked, a plaintext Manifest.db to read. */
typedef struct wxf_itunes {
	char *dir;
	wxf_itunes_info info;
	wxf_keybag kb;
	int unlocked;            /* an encrypted backup whose keys are unwrapped */
	size_t n_class_keys;
	double kdf_secs;
	char *manifest;          /* the plaintext Manifest.db (evidence, or the decrypted copy) */
	/* a Manifest.mbdb backup: the index read into memory, the offsets of its good records,
	 * and what stopped the walk early (NULL when every record was read) */
	uint8_t *mbdb;
	size_t mbdb_n;
	size_t *mbdb_off, n_mbdb;
	char *index_note;
} wxf_itunes;

/* Opens the backup in dir.  An encrypted one needs password: its keybag is checked first
 * (WXF_EUNSUPPORTED without a password, WXF_EKEY for a wrong one, nothing decrypted), then
 * Manifest.db is decrypted into plain_manifest (a new file, never inside the evidence); a
 * backup made before iOS 10.2 has a plaintext Manifest.db, one made before iOS 10 a
 * Manifest.mbdb (read into memory; a corrupt record ends the index there, index_note says
 * where).  WXF_OK or an error. */
int wxf_itunes_open(wxf_itunes *b, const char *dir, const char *password,
    const char *plain_manifest, wxf_log *log, wxf_err *err);
void wxf_itunes_close(wxf_itunes *b);

/* One Files row (one Manifest.mbdb record: rec is then the record's bytes, flags from its
 * Mode).  Return non-zero to stop. */
typedef int (*wxf_itunes_file_cb)(void *arg, const char *file_id, const char *domain,
    const char *rel, int64_t flags, const uint8_t *rec, size_t rec_n);
/* Calls cb for every row whose domain is one of domains (NULL-terminated; NULL = all), in
 * Manifest.db order (Manifest.mbdb: file order; the fileID computed).  WXF_OK, WXF_ECORRUPT
 * (unreadable Manifest.db). */
int wxf_itunes_files(const wxf_itunes *b, const char *const *domains, wxf_itunes_file_cb cb,
    void *arg, wxf_err *err);
/* The blob of file_id (40 hex digits) below dir: malloc'd "<dir>/<id[0:2]>/<id>" ("<dir>/<id>"
 * when flat: a Manifest.mbdb backup), or NULL when file_id is not 40 lowercase hex digits. */
char *wxf_itunes_blob_path(const char *dir, const char *file_id, int flat);
/* 1 when file_id = hex SHA-1(domain "-" rel). */
int wxf_itunes_id_matches(const char *file_id, const char *domain, const char *rel);

/* Streams one file out of the backup into out_path (created, must not exist): decrypted when
 * the backup is encrypted (per-file key from rec), copied otherwise; cut to the record's Size.
 * *written gets the bytes written; *note (may be NULL) a malloc'd remark on a mismatch
 * (short blob, bad padding).  WXF_OK, WXF_EIO, WXF_EKEY, WXF_ECORRUPT. */
int wxf_itunes_restore(const wxf_itunes *b, const char *file_id, const uint8_t *rec,
    size_t rec_n, const char *out_path, uint64_t *written, char **note, wxf_err *err);

#endif
