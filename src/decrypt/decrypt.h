/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Public API of the decrypt layer: SQLCipher-compatible page decryption (OpenSSL libcrypto)
 * for every WeChat profile, key material and how it was obtained, whole-file physical
 * decryption with per-page HMAC verdicts, Android key derivation and search, memory-dump key
 * search, and the SQLCipher-library cross-check ("independent witness").
 *
 * Layering: includes base/ only.  Other layers use this header, never decrypt_int.h.
 *
 * Page layout handled here (all SQLCipher versions; n = page size, r = reserve):
 *
 *   OFFSET      SIZE     DESCRIPTION
 *   0           16       page 1 only: KDF salt, in clear (replaces "SQLite format 3\0")
 *   0 / 16      n-r(-16) AES-256-CBC ciphertext (page 1 starts at 16)
 *   n-r         16       IV of this page
 *   n-r+16      h        HMAC (h = 20 SHA-1, 64 SHA-512, 0 none) over
 *                        page[off .. n-r+16) || pgno as uint32 (LE; BE for sqlcipher2-be)
 *   n-r+16+h    pad      to r (r = 16 + h rounded up to 16)
 *
 * Keys: enc = KDF(passphrase, salt, iter) (or the raw 32-byte key itself); mac key =
 * PBKDF2-HMAC(enc, salt XOR mask, hmac_kdf_iter, 32) with the profile's hash.
 *
 * Invariants:
 *  (1) the evidence is only read (mmap PROT_READ); outputs are new files;
 *  (2) every page is decrypted and written, a bad page is marked, never dropped;
 *  (3) keys never reach a log, report or audit record unless the caller asks (reveal flag);
 *  (4) detection never guesses: two non-equivalent profiles that both open page 1 is an error.
 */
#ifndef WXF_DECRYPT_H
#define WXF_DECRYPT_H

#include <stddef.h>
#include <stdint.h>
#include "base/wxf_err.h"
#include "base/wxf_log.h"
#include "base/wxf_audit.h"

/* ---------------------------------------------------------------- profiles */

typedef enum wxf_kdf_alg { WXF_KDF_NONE = 0, WXF_KDF_PBKDF2_SHA1, WXF_KDF_PBKDF2_SHA512 } wxf_kdf_alg;
typedef enum wxf_hmac_alg { WXF_HMAC_NONE = 0, WXF_HMAC_SHA1, WXF_HMAC_SHA512 } wxf_hmac_alg;

typedef struct wxf_profile {
	const char *name;        /* "android", "win3", "wx4", "mac3", "sqlcipher1" ... */
	const char *desc;        /* one line for --help, man page and reports */
	uint32_t page_size;
	wxf_kdf_alg kdf;         /* WXF_KDF_NONE: the key is always the raw AES key (mac3) */
	uint32_t kdf_iter;
	wxf_hmac_alg hmac;
	uint32_t hmac_kdf_iter;  /* 2 (SQLCipher FAST_PBKDF2_ITER); 4000 for 2.0 beta */
	uint8_t hmac_salt_mask;  /* 0x3a; 0x00 for 2.0 beta */
	uint8_t hmac_pgno_be;    /* page number big-endian inside the HMAC (2.0 "be") */
	uint32_t reserve;        /* 16 + HMAC size, rounded up to 16 */
	int lib_ok;              /* SQLCipher 3.x can open it (SHA-1 only): cross-check possible */
} wxf_profile;

size_t wxf_profile_count(void);
/* Profiles in table order (WeChat names first, then the plain SQLCipher defaults). */
const wxf_profile *wxf_profile_at(size_t i);
/* Case-sensitive name lookup; NULL if unknown. */
const wxf_profile *wxf_profile_find(const char *name);
/* "PBKDF2-HMAC-SHA1 4000, page 1024, no HMAC, reserve 16" */
void wxf_profile_describe(const wxf_profile *p, char *out, size_t n);

/* ---------------------------------------------------------------- keys */

typedef enum wxf_key_form {
	WXF_KEY_PASSPHRASE = 0, /* bytes go through the profile's KDF (Android 7 chars, desktop 32 bytes) */
	WXF_KEY_RAW             /* 32 bytes are the already-derived AES key (memory dump, mac3) */
} wxf_key_form;

typedef enum wxf_key_source {
	WXF_KEYSRC_GIVEN = 0,     /* --key / --raw-key */
	WXF_KEYSRC_ANDROID,       /* md5(device id + uin)[:7] from files of the extraction */
	WXF_KEYSRC_ANDROID_SEARCH,/* exhaustive 16^7 search */
	WXF_KEYSRC_MEMDUMP        /* found in a memory dump */
} wxf_key_source;

typedef struct wxf_key {
	wxf_key_form form;
	uint8_t bytes[64];
	size_t len;
	wxf_key_source source;
	/* How the key was obtained, without the key itself: ready for reports and the audit log. */
	char how[768];
	/* Android inputs (empty when not applicable). */
	char uin[24];
	char uin_source[256];
	char device_id[128];
	char device_id_source[256];
	/* Memory dump: file offset of the key bytes, and kind ("derived" or "raw"). */
	uint64_t dump_offset;
	char dump_kind[16];
} wxf_key;

/* Wipes the key material (OPENSSL_cleanse) and the description. */
void wxf_key_clear(wxf_key *k);
/* From text: passphrase as given; with form RAW, or "x'64hex'", or 64 hex digits for a desktop
 * passphrase key: decoded to 32 bytes.  WXF_EUSAGE on malformed hex. */
int wxf_key_from_text(wxf_key *k, const char *text, wxf_key_form form, wxf_err *err);
/* Android passphrase md5(device_id + uin) first 7 lowercase hex digits (WX7 cd/a.java). */
void wxf_android_pass(const char *device_id, const char *uin, char out[8]);
/* The key for display: "[redacted, 7 bytes]" unless reveal (then the text or hex). */
void wxf_key_display(const wxf_key *k, int reveal, char *out, size_t n);

/* ---------------------------------------------------------------- codec */

/* A verified key for one file: derived AES and MAC keys bound to its salt. Opaque. */
typedef struct wxf_codec wxf_codec;

/*
 * Opens a codec for `page1` (at least one page of the file) with key `k`.  With `profile` NULL
 * every profile whose page size divides the file size is tried (`file_size` 0 = unknown: all)
 * and the one that verifies page 1 (HMAC, or for HMAC-less profiles the decrypted header) is
 * kept.  Returns WXF_OK; WXF_EKEY if no profile opens page 1 with this key; WXF_ECORRUPT if the
 * file is too short or is plain SQLite; WXF_EVERIFY if two non-equivalent profiles both open
 * it (ambiguous: never a guess).  `note` (may be NULL) receives equivalent profile names.
 */
int wxf_codec_open(wxf_codec **c, const uint8_t *page1, size_t n, uint64_t file_size,
    const wxf_key *k, const char *profile, char *note, size_t note_n, wxf_err *err);
void wxf_codec_free(wxf_codec **c);
const wxf_profile *wxf_codec_profile(const wxf_codec *c);

typedef enum wxf_page_verdict {
	WXF_PAGE_GOOD = 0,      /* HMAC verified */
	WXF_PAGE_UNVERIFIED,    /* profile has no HMAC: decrypted, nothing to verify */
	WXF_PAGE_ZERO,          /* all-zero page (never written): copied as zeros */
	WXF_PAGE_BAD            /* HMAC mismatch: still decrypted and written, marked */
} wxf_page_verdict;

/*
 * Decrypts one page (page_size bytes) of pgno into out (page_size bytes; page 1 gets the
 * SQLite header magic; the reserve area is copied unchanged).  Thread-safe for distinct
 * `scratch` objects (wxf_codec_scratch_new); scratch may be NULL (slower).
 */
typedef struct wxf_codec_scratch wxf_codec_scratch;
wxf_codec_scratch *wxf_codec_scratch_new(const wxf_codec *c);
void wxf_codec_scratch_free(wxf_codec_scratch **s);
wxf_page_verdict wxf_codec_page(const wxf_codec *c, wxf_codec_scratch *s, uint32_t pgno,
    const uint8_t *in, uint8_t *out);

/* Verifies key k against page 1 of the file at db_path (read-only).  *matched gets the
 * profile.  Same returns as wxf_codec_open, plus WXF_EIO. */
int wxf_decrypt_verify_key(const char *db_path, const wxf_key *k, const char *profile,
    const wxf_profile **matched, wxf_err *err);

/* ---------------------------------------------------------------- whole files */

typedef struct wxf_page_report {
	int present;             /* the file existed (always 1 for the database) */
	char *path_in, *path_out;
	uint64_t size;
	uint64_t n_pages;        /* pages (db), frames (wal), records (journal) */
	uint64_t n_good, n_unverified, n_zero, n_bad;
	uint32_t *bad;           /* page numbers (db) / frame or record numbers (1-based) */
	size_t n_bad_list;
	uint64_t trailing;       /* bytes after the last whole page/frame, copied unchanged */
	uint64_t n_checksum_ok;  /* wal/journal: frames whose original checksum verified */
	char sha256_in[65], sha256_out[65];
} wxf_page_report;

typedef struct wxf_decrypt_report {
	const wxf_profile *profile;
	char equivalent[160];    /* other profile names with identical parameters, or "" */
	wxf_page_report db, wal, journal;
	double seconds;
} wxf_decrypt_report;

typedef struct wxf_decrypt_opts {
	unsigned jobs;           /* threads; 0 = number of online CPUs */
	wxf_log *log;            /* progress and warnings; may be NULL */
	int no_sidecars;         /* do not look for DB-wal / DB-journal */
	int no_hash;             /* skip the SHA-256 of input and output (benchmarks) */
} wxf_decrypt_opts;

/*
 * Decrypts db_path (and db_path-wal / db_path-journal when present) into out_path (and
 * out_path-wal / out_path-journal): a plaintext physical image, every page in place.  WAL
 * frame headers and the WAL header are kept; frame checksums are recomputed over the
 * plaintext for the frames whose original checksum chain was valid (so SQLite reads exactly
 * the frames it would have read from the encrypted WAL), others keep their original bytes.
 * Journal page records likewise.  Returns WXF_OK (bad pages are not an error: see rep);
 * WXF_EKEY, WXF_ECORRUPT, WXF_EVERIFY as wxf_codec_open; WXF_EIO.  rep is always filled as far
 * as the work went; release it with wxf_decrypt_report_free.
 */
int wxf_decrypt_file(const char *db_path, const char *out_path, const wxf_key *k,
    const char *profile, const wxf_decrypt_opts *o, wxf_decrypt_report *rep, wxf_err *err);
void wxf_decrypt_report_free(wxf_decrypt_report *rep);
/* JSON object members (no braces) describing rep: for the audit log and --json. */
char *wxf_decrypt_report_json(const wxf_decrypt_report *rep);

/* ---------------------------------------------------------------- cross-check */

typedef enum wxf_xcheck_status {
	WXF_XCHECK_AGREES = 0,
	WXF_XCHECK_DISAGREES,
	WXF_XCHECK_UNAVAILABLE,  /* profile not supported by the installed library (SHA-512) */
	WXF_XCHECK_ERROR         /* library could not open the original with the key */
} wxf_xcheck_status;

typedef struct wxf_crosscheck {
	wxf_xcheck_status status;
	char lib_version[64];    /* "3.4.1 community" as PRAGMA cipher_version says */
	uint32_t n_tables;
	uint64_t n_rows;
	char sentence[384];      /* "SQLCipher 3.4.1 agrees: 14 tables, 52 311 rows" */
	char detail[512];        /* first disagreement or the reason */
} wxf_crosscheck;

/*
 * The independent witness: copies the original (+wal) and the plaintext image (+wal) into a
 * private temporary directory (never touching either), opens the original copy with the
 * SQLCipher library and the same key and profile settings, the plaintext copy with the same
 * engine and no key, and compares the table list and every table's row count.  Returns
 * WXF_OK with x->status AGREES or UNAVAILABLE; WXF_EVERIFY with DISAGREES or ERROR.
 */
int wxf_crosscheck_run(const char *enc_path, const char *plain_path, const wxf_profile *p,
    const wxf_key *k, wxf_crosscheck *x, wxf_err *err);

/* ---------------------------------------------------------------- Android keys */

typedef struct wxf_key_opts {
	char **imeis;            /* examiner-given device ids (NULL-terminated, may be NULL) */
	char **uins;             /* examiner-given uins (NULL-terminated, may be NULL) */
	const char *key;         /* examiner-given passphrase: skips derivation, still verified */
	unsigned jobs;           /* threads for decryption; 0 = all CPUs */
	int reveal_key;          /* put the key in reports/audit (default: never) */
	wxf_log *log;            /* may be NULL */
	wxf_audit *audit;        /* may be NULL: every step is recorded there */
} wxf_key_opts;

typedef struct wxf_android_cand {
	char value[128];
	char source[256];        /* "shared_prefs/system_config_prefs.xml default_uin" */
	int matches_acct;        /* uin: md5("mm"+uin) equals the account folder name */
} wxf_android_cand;

typedef struct wxf_android_inputs {
	wxf_android_cand *uins;  size_t n_uins;
	wxf_android_cand *ids;   size_t n_ids;
	char *notes;             /* problems met while reading the sources, one per line, or NULL */
} wxf_android_inputs;

/*
 * Collects uin candidates (system_config_prefs.xml default_uin, auth_info_key_prefs.xml
 * _auth_uin, com.tencent.mm_preferences.xml last_login_uin, MicroMsg/systemInfo.cfg key 1,
 * examiner uins; negative uins also as unsigned) and device ids (MicroMsg/CompatibleInfo.cfg
 * key 258, then its other string values, examiner ids, then "1234567890ABCDEF") from the app
 * data root `app_root` (the directory holding shared_prefs/ and MicroMsg/).  acct_dir (may be
 * NULL) is used to mark uins matching the folder name.  Never fails on unreadable sources
 * (they are noted); WXF_ENOMEM only.
 */
int wxf_android_inputs_collect(const char *app_root, const char *acct_dir,
    const wxf_key_opts *o, wxf_android_inputs *in, wxf_err *err);
void wxf_android_inputs_free(wxf_android_inputs *in);

/* Finds the app data root for an account directory or a tree: walks up from acct_dir (or down
 * from tree_root, depth <= 8) to the directory holding MicroMsg/.  malloc'd, or NULL. */
char *wxf_android_app_root(const char *tree_root, const char *acct_dir);
/* Lists account directories (those holding EnMicroMsg.db) below tree_root, depth <= 10.
 * Returns a malloc'd NULL-terminated array of malloc'd paths (sorted) or NULL when none. */
char **wxf_android_find_accounts(const char *tree_root);

/*
 * Tries every (device id, uin) pair against page 1 of db_path (android profile) and returns
 * the key that opens it with its inputs in k.  WXF_EKEY (message lists what was tried) when
 * none does.
 */
int wxf_android_key_derive(const char *db_path, const wxf_android_inputs *in, wxf_key *k,
    uint64_t *n_tried, wxf_err *err);

/* Exhaustive search of the 16^7 passphrase space. */
typedef struct wxf_keysearch_opts {
	unsigned jobs;            /* 0 = all CPUs */
	const char *prefix;       /* fixed leading hex digits (0-7): restricts the space (tests, hints) */
	const char *state_path;   /* --resume STATE: read if present, rewritten as work proceeds */
	uint64_t max_candidates;  /* stop (and save state) after this many; 0 = no limit */
	wxf_log *log;             /* progress with rate and ETA */
} wxf_keysearch_opts;

typedef struct wxf_keysearch_result {
	int found;
	wxf_key key;
	uint64_t space;           /* candidates in the (restricted) space */
	uint64_t start;           /* first index searched in this run (resume point) */
	uint64_t tested;          /* candidates tested in this run */
	uint64_t early_rejects;   /* rejected by the first decrypted header block */
	double seconds, rate;     /* rate = tested / seconds */
	int complete;             /* whole space covered */
} wxf_keysearch_result;

/* WXF_OK (found or not: see r->found); WXF_EUSAGE bad prefix or state; WXF_EIO. */
int wxf_keysearch_android(const char *db_path, const wxf_keysearch_opts *o,
    wxf_keysearch_result *r, wxf_err *err);
/* Raw PBKDF2 rate of this machine for a profile's KDF, one thread, over about `seconds`. */
double wxf_kdf_rate(const wxf_profile *p, double seconds);

/* ---------------------------------------------------------------- memory dumps */

typedef struct wxf_memsearch_opts {
	unsigned jobs;            /* 0 = all CPUs */
	const char *profile;      /* restrict to one profile, NULL = all that fit the db */
	uint64_t base;            /* raw dumps: virtual address of file offset 0 (pointer pass) */
	int no_raw;               /* skip the raw-key (full KDF) pass */
	unsigned max_raw;         /* cap on raw-key candidates (0 = 4096) */
	wxf_log *log;
} wxf_memsearch_opts;

typedef struct wxf_memsearch_result {
	int found;
	wxf_key key;              /* dump_offset, dump_kind filled */
	const wxf_profile *profile;
	int minidump;             /* the dump was a Windows minidump (MDMP) */
	uint64_t windows;         /* derived-key windows tested */
	uint64_t raw_candidates;  /* windows tried through the full KDF */
	double seconds;
} wxf_memsearch_result;

/* Scans dump_path for the key of db_path.  WXF_OK (see r->found), WXF_EIO, WXF_ECORRUPT. */
int wxf_memsearch(const char *dump_path, const char *db_path, const wxf_memsearch_opts *o,
    wxf_memsearch_result *r, wxf_err *err);

/* ---------------------------------------------------------------- pipeline */

typedef struct wxf_decrypt_result {
	wxf_key key;                   /* winning key + how it was obtained */
	uint64_t n_tried;              /* candidates tried */
	wxf_decrypt_report report;     /* per-page verdicts of db, wal, journal */
	wxf_crosscheck xcheck;
	char *db_in;                   /* evidence path of EnMicroMsg.db */
	char *db_out;                  /* OUTDIR/work/<acct>/EnMicroMsg.db (plaintext image) */
} wxf_decrypt_result;

/*
 * The whole Android step of `case`: collects uin/device-id candidates for acct_dir (the
 * MicroMsg/<md5> folder holding EnMicroMsg.db) from the extraction under tree_root (app root
 * found with wxf_android_app_root), finds the key that opens EnMicroMsg.db (opts->key, when
 * given, is verified instead), decrypts EnMicroMsg.db (+ -wal, -journal) into
 * out_dir/work/<acct>/EnMicroMsg.db, runs the SQLCipher cross-check, and records each step
 * (key inputs and source, never the key unless opts->reveal_key; image hashes and page
 * verdicts; cross-check sentence) in opts->audit.  Returns WXF_OK; WXF_EKEY when no key opens
 * the database; WXF_EVERIFY when the cross-check disagrees (everything written is kept); other
 * codes from the steps.  Free res with wxf_decrypt_result_free.
 */
int wxf_decrypt_android_account(const char *tree_root, const char *acct_dir, const char *out_dir,
    const wxf_key_opts *opts, wxf_decrypt_result *res, wxf_err *err);
void wxf_decrypt_result_free(wxf_decrypt_result *res);

/* ---------------------------------------------------------------- Java serialization */

/* A value read from a Java-serialized stream (only what WeChat's cfg HashMaps hold). */
typedef enum wxf_jval_kind {
	WXF_JV_NULL = 0, WXF_JV_INT, WXF_JV_LONG, WXF_JV_BOOL, WXF_JV_DOUBLE, WXF_JV_STRING,
	WXF_JV_BYTES, WXF_JV_OTHER
} wxf_jval_kind;

typedef struct wxf_jval {
	wxf_jval_kind kind;
	int64_t i;               /* INT, LONG, BOOL (also Short, Byte, Character) */
	double d;
	const char *s;           /* STRING: modified UTF-8 as stored, NUL-terminated; OTHER: class */
	size_t n;                /* STRING / BYTES length */
	const uint8_t *bytes;    /* BYTES */
} wxf_jval;

typedef struct wxf_jmap_entry { wxf_jval key, val; } wxf_jmap_entry;
typedef struct wxf_jmap {
	wxf_jmap_entry *e;
	size_t n;
	void *arena_;            /* owns every string and array */
} wxf_jmap;

/*
 * Reads the first top-level object of a Java serialization stream (magic ACED 0005), which
 * must be a java.util.HashMap (or Hashtable/LinkedHashMap/TreeMap written the same way), by
 * walking the TC_* grammar: class descriptors, handles, back references, block data.
 * Limits: nesting depth 32, 100 000 entries, 65 536 handles.  Returns WXF_OK,
 * WXF_ECORRUPT (message names the byte offset) with the entries read so far kept in m, or
 * WXF_EUNSUPPORTED (externalizable without block data, unknown container class).
 */
int wxf_jser_read_map(const uint8_t *data, size_t size, wxf_jmap *m, wxf_err *err);
void wxf_jmap_free(wxf_jmap *m);
/* Entry whose key is an Integer equal to k, or NULL. */
const wxf_jval *wxf_jmap_get_int(const wxf_jmap *m, int64_t k);

#endif
