/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Public API of the decrypt layer: SQLCipher-compatible page decryption (OpenSSL libcrypto)
 * for every WeChat profile, key material and how it was obtained, whole-file physical
 * decryption with per-page HMAC verdicts, key verification, the 7-hex-digit key-space search,
 * memory-dump key search, and the SQLCipher-library cross-check ("independent witness").
 * Where a platform's key comes from (Android prefs and cfg files, ...) is the platform
 * driver's business (wechat/); this layer knows profiles, not WeChat's files.
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
	WXF_KEYSRC_DERIVED,       /* derived from files of the extraction (key->inputs) */
	WXF_KEYSRC_SEARCH,        /* exhaustive search of a key space (16^7) */
	WXF_KEYSRC_MEMDUMP        /* found in a memory dump */
} wxf_key_source;

/* One input a key was derived from (a uin, a device id, a dump offset ...), for the record. */
typedef struct wxf_key_input {
	char name[24];           /* audit member name: "uin", "device_id" */
	char value[128];
	char source[256];        /* where it was read: "shared_prefs/system_config_prefs.xml ..." */
	const char *label_zh;    /* report row label (static string), e.g. "UIN" */
	const char *label_en;    /* report row label, English (static string) */
	const char *prefix;      /* shown before the value in the report (static), e.g. "uin " */
} wxf_key_input;

#define WXF_KEY_MAX_INPUTS 4

typedef struct wxf_key {
	wxf_key_form form;
	uint8_t bytes[64];
	size_t len;
	wxf_key_source source;
	/* How the key was obtained, without the key itself: ready for reports and the audit log. */
	char how[768];
	/* The audit log's name for the source when a platform has its own ("android-derived");
	 * NULL: the generic name of `source`.  A static string. */
	const char *method;
	/* What it was derived from, platform-neutral (empty when given or found). */
	wxf_key_input inputs[WXF_KEY_MAX_INPUTS];
	size_t n_inputs;
	/* Memory dump: file offset of the key bytes, and kind ("derived" or "raw"). */
	uint64_t dump_offset;
	char dump_kind[16];
} wxf_key;

/* Wipes the key material (OPENSSL_cleanse) and the description. */
void wxf_key_clear(wxf_key *k);
/* From text: passphrase as given; with form RAW, or "x'64hex'", or 64 hex digits for a desktop
 * passphrase key: decoded to 32 bytes.  WXF_EUSAGE on malformed hex. */
int wxf_key_from_text(wxf_key *k, const char *text, wxf_key_form form, wxf_err *err);
/* Records an input of the key (value and source truncated to fit; labels are static strings).
 * Inputs beyond WXF_KEY_MAX_INPUTS are dropped. */
void wxf_key_add_input(wxf_key *k, const char *name, const char *value, const char *source,
    const char *label_zh, const char *label_en, const char *prefix);
/* The key for display: "[redacted, 7 bytes]" unless reveal (then the text or hex). */
void wxf_key_display(const wxf_key *k, int reveal, char *out, size_t n);
/* Appends the audit member "key":{source, how, form, <input>, <input>_source ..., value} to b
 * (no separator before it): how the key was obtained, never the key itself unless reveal. */
struct wxf_buf;
void wxf_key_json(const wxf_key *k, int reveal, struct wxf_buf *b);

/* ---------------------------------------------------------------- AES-128-ECB */

/*
 * AES-128 in ECB mode without padding, for formats that encrypt whole 16-byte blocks with one
 * key (the WeChat PC backup's BAK files).  A context holds the key and one libcrypto cipher
 * context for all the pieces of a file; wxf_aes128_ecb_free wipes the key.  Padding (PKCS#7
 * or none) is the caller's business.
 */
typedef struct wxf_aes128_ecb wxf_aes128_ecb;
/* WXF_OK or WXF_ENOMEM. */
int wxf_aes128_ecb_new(wxf_aes128_ecb **c, const uint8_t key[16], wxf_err *err);
/* Decrypts buf[0..n) in place; n must be a multiple of 16 (0: nothing to do).  WXF_OK, or
 * WXF_ECRYPTO (n not whole blocks, or libcrypto failed: buf is then undefined). */
int wxf_aes128_ecb_decrypt(wxf_aes128_ecb *c, uint8_t *buf, size_t n);
void wxf_aes128_ecb_free(wxf_aes128_ecb **c);

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
/* 1 if the n bytes are all zero (a page wxf_codec_page answers WXF_PAGE_ZERO for). */
int wxf_page_is_zero(const uint8_t *p, size_t n);

/* 1 if passphrase or raw key k opens page1 (page_size bytes of the file's first page) with
 * profile p: the profile's KDF, then page 1's HMAC (or its decrypted header).  A fast test
 * for key-candidate loops; no error detail.  0 if not; WXF_ENOMEM (< 0) when it could not be
 * tried for want of memory (a candidate is then not ruled out). */
int wxf_key_opens(const wxf_profile *p, const uint8_t *page1, size_t n, const wxf_key *k);

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
	const char *record_as;   /* the output's name in the report (bundle-relative), written
	                            to out_path; NULL: out_path itself */
	const char *record_in;   /* the input's name in the report (its evidence path), read
	                            from db_path; NULL: db_path itself */
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

/* ---------------------------------------------------------------- one database, end to end */

/* What happened to one encrypted database: its key, the physical decryption, the witness. */
typedef struct wxf_decrypt_result {
	wxf_key key;                   /* the key used and how it was obtained */
	uint64_t n_tried;              /* candidates tried to find it */
	wxf_decrypt_report report;     /* per-page verdicts of db, wal, journal */
	int xcheck_ran;                /* the cross-check ran: xcheck is filled */
	wxf_crosscheck xcheck;
} wxf_decrypt_result;

typedef struct wxf_decrypt_db_opts {
	const char *record_as;   /* the image's name in the record (bundle-relative); NULL:
	                            out_path */
	const char *record_in;   /* the database's name in the record (its evidence path, never
	                            where it happens to be mounted); NULL: db_path */
	unsigned jobs;           /* threads; 0 = all CPUs */
	wxf_log *log;            /* may be NULL */
	struct wxf_audit *audit; /* may be NULL: "decrypt" and "decrypt.crosscheck" go there */
	int reveal_key;          /* the key itself may appear in the audit log */
	int no_crosscheck;       /* skip the SQLCipher witness (xcheck_ran stays 0) */
	int no_sidecars;         /* ignore -wal / -journal */
	int no_hash;             /* no input/output SHA-256 */
} wxf_decrypt_db_opts;

/*
 * The one path from a verified key to a checked plaintext image, for every platform: decrypts
 * db_path (and its -wal / -journal) with res->key and `profile` into out_path, a physical
 * image (free pages kept), records "decrypt" (page verdicts, hashes, how the key was obtained,
 * never the key unless reveal_key), runs the SQLCipher cross-check on the pair and records
 * "decrypt.crosscheck".  res->key (and n_tried) are the caller's: the key must already open
 * page 1.  Returns WXF_OK; WXF_EVERIFY when the cross-check disagrees or fails (the image is
 * kept and res says why); the decryption's error otherwise.  Free res with
 * wxf_decrypt_result_free.
 */
int wxf_decrypt_db(const char *db_path, const char *out_path, const char *profile,
    const wxf_decrypt_db_opts *o, wxf_decrypt_result *res, wxf_err *err);
/* Frees the report and wipes the key; res is zeroed. */
void wxf_decrypt_result_free(wxf_decrypt_result *res);
/* "agrees", "disagrees", "unavailable", "error". */
const char *wxf_xcheck_status_name(wxf_xcheck_status s);

/* ---------------------------------------------------------------- key space */

/* Exhaustive search of the 16^7 passphrase space (Android's 7 lowercase hex digits). */
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

/*
 * WCDB (the SQLCipher fork of WeChat 4.x and of the other desktop clients) keeps every open
 * database's ready-made key in process memory as the ASCII text x'<64 hex enc key><32 hex
 * salt>' (SQLCipher's raw-key form with an explicit salt; corrections-2026-12.md B).  The key
 * is already derived: it opens the database whose first 16 bytes are the salt, through the
 * 2-round MAC key only, with no 256,000-round KDF.
 */
typedef struct wxf_wcdb_keystr {
	uint8_t key[32];          /* the derived AES key */
	uint8_t salt[16];         /* the salt of the database it belongs to */
	uint64_t offset;          /* file offset of the leading x */
} wxf_wcdb_keystr;
/* Every such string in dump[0..n) (hex digits of either case, quote and x checked), in offset
 * order; a (key, salt) pair seen again is kept once, at its first offset.  *v is malloc'd
 * (NULL when none).  WXF_OK or WXF_ENOMEM. */
int wxf_wcdb_keystr_scan(const uint8_t *dump, size_t n, wxf_wcdb_keystr **v, size_t *nv,
    wxf_err *err);

typedef struct wxf_memsearch_opts {
	unsigned jobs;            /* 0 = all CPUs */
	const char *profile;      /* restrict to one profile, NULL = all that fit the db */
	uint64_t base;            /* raw dumps: virtual address of file offset 0 (pointer pass) */
	int no_raw;               /* skip the raw-key (full KDF) pass */
	int no_wcdb;              /* skip the WCDB key-string pass */
	unsigned max_raw;         /* cap on raw-key candidates (0 = 4096) */
	wxf_log *log;
} wxf_memsearch_opts;

typedef struct wxf_memsearch_result {
	int found;
	wxf_key key;              /* dump_offset, dump_kind filled */
	const wxf_profile *profile;
	int minidump;             /* the dump was a Windows minidump (MDMP) */
	uint64_t wcdb_strings;    /* WCDB key strings found (any salt) */
	uint64_t windows;         /* derived-key windows a scan in file order tests (up to the
	                           * key's, when found) */
	uint64_t raw_candidates;  /* windows tried through the full KDF */
	double seconds;
} wxf_memsearch_result;

/* Scans dump_path for the key of db_path: WCDB key strings whose salt is the database's
 * (dump_kind "wcdb"), then every window as a derived key ("derived"), then raw keys through
 * the KDF ("raw").  WXF_OK (see r->found), WXF_EIO, WXF_ECORRUPT. */
int wxf_memsearch(const char *dump_path, const char *db_path, const wxf_memsearch_opts *o,
    wxf_memsearch_result *r, wxf_err *err);

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
