/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Huawei HiSuite / KoBackup backups (shared/formats/backup-formats.md section 2.3): info.xml,
 * password-based decryption of the WeChat app archives (com.tencent.mm*.tar) into a work
 * directory as an Android tree, so the Android pipeline can run on it.
 *
 * info.xml:  <info.xml> <row table="T"> <column name="C"> <value String="…"|Integer="…"|Null=""/>
 *   BackupFilesTypeInfo    e_perbackupkey (48 bytes hex), pwkey_salt (32), type_attch, checkMsg
 *                          (64), checkMsgV3 (HiSuite 14)
 *   BackupFileModuleInfo   name (package) [U: column name], encMsgV3 (48 bytes: salt 32 || IV 16)
 *   BackupFilePhoneInfo / HeaderInfo   device and version facts, kept for the report
 *
 * Older scheme ("v4" in kobackupdec; "v3" when e_perbackupkey/pwkey_salt are absent):
 *   K     = PBKDF2-HMAC-SHA256(password, pwkey_salt[0:16], 5000, 32)
 *   BKEY  = AES-256-GCM-decrypt(K, nonce pwkey_salt[16:32], e_perbackupkey)[0:32]   (v3: password)
 *   check : PBKDF2-HMAC-SHA256(BKEY, checkMsg[32:64], 5000, 32) == checkMsg[0:32]
 *   file  = AES-256-CTR(PBKDF2-HMAC-SHA256(BKEY, encMsgV3[0:32], 5000, 32),
 *                       128-bit big-endian counter from encMsgV3[32:48])
 * HiSuite 14 scheme (pwkey_salt / e_perbackupkey Null):
 *   file  = AES-256-GCM(PBKDF2-HMAC-SHA256(password, encMsgV3[0:32], 5000, 32),
 *                       16-byte nonce encMsgV3[32:48]), 16-byte tag at the end of the file
 *   check : checkMsgV3 items "<64 hex HMAC><64 hex salt>_<file name>" joined by "**";
 *           HMAC-SHA256(key = lowercase hex text of PBKDF2-HMAC-SHA256(password, salt, 5000,
 *           32), data = the encrypted file) == HMAC;  without an item the GCM tag decides.
 *
 * Safety: info.xml is parsed by base/wxf_xml.h (XML_PARSE_NONET, no entity substitution or DTD
 * loading, any DOCTYPE refused) with the size / depth / node limits below; archives are decrypted by streaming
 * (1 MiB chunks) into work_dir, the tar is read through a read-only mapping; member names are
 * sanitised (wxf_member_path_sanitise), links and devices are recorded and never created, and
 * nothing is written outside work_dir.
 */
#ifndef WXF_WECHAT_HUAWEI_H
#define WXF_WECHAT_HUAWEI_H

#include <stddef.h>
#include <stdint.h>
#include "base/wxf_err.h"

#define WXF_HW_MAX_INFO ((size_t)8 << 20)   /* info.xml bytes */
#define WXF_HW_MAX_DEPTH 16
#define WXF_HW_MAX_NODES 200000

typedef enum wxf_hw_scheme {
	WXF_HW_SCHEME_UNKNOWN = 0,
	WXF_HW_SCHEME_V3,   /* BKEY = password (no e_perbackupkey) */
	WXF_HW_SCHEME_OLD,  /* e_perbackupkey + checkMsg, AES-256-CTR archives */
	WXF_HW_SCHEME_V14   /* HiSuite 14: GCM archives, checkMsgV3 */
} wxf_hw_scheme;
const char *wxf_hw_scheme_name(wxf_hw_scheme s);

/* info.xml as parsed (hex fields decoded; lengths 0 when absent or malformed). */
typedef struct wxf_hw_module {
	char *name;                /* package / module name */
	uint8_t enc[48];           /* encMsgV3 */
	int has_enc;
} wxf_hw_module;

typedef struct wxf_hw_info {
	uint8_t e_perbackupkey[48]; size_t e_perbackupkey_n;
	uint8_t pwkey_salt[32]; size_t pwkey_salt_n;
	uint8_t check_msg[64]; size_t check_msg_n;
	char *check_msg_v3;        /* verbatim, or NULL */
	int64_t type_attch;        /* -1 if absent */
	char *brand, *model, *os_version, *backup_version;
	wxf_hw_module *modules; size_t n_modules;
	size_t n_rows;
} wxf_hw_info;

/* Parses info.xml bytes (hardened, see above).  WXF_OK, WXF_ECORRUPT (not XML, DOCTYPE, limits),
 * WXF_ENOMEM.  Free with wxf_hw_info_free. */
int wxf_hw_info_parse(const uint8_t *xml, size_t n, wxf_hw_info *info, wxf_err *err);
void wxf_hw_info_free(wxf_hw_info *info);

typedef struct wxf_huawei_archive {
	char *module;              /* com.tencent.mm */
	char *path;                /* the encrypted archive (evidence) */
	char sha256_in[65];        /* of the encrypted archive */
	char *tar_path;            /* work_dir/archive-<n>/plain.tar: decrypted tar */
	char sha256_tar[65];
	uint64_t tar_size;
	char *out_dir;             /* work_dir/archive-<n>/members: extracted tree */
	int check;                 /* 1 verified (checkMsgV3 HMAC or GCM tag), 0 not checked, -1 failed */
	size_t n_files, n_dirs, n_refused, n_links;
	uint64_t bytes_written;
	int tar_error;             /* the tar stream ended badly (truncated member ...) */
} wxf_huawei_archive;

typedef struct wxf_huawei_result {
	int recognised;            /* info.xml present and parsed */
	wxf_hw_scheme scheme;
	int password_ok;           /* checkMsg / checkMsgV3 / GCM tag verified */
	char *brand, *model, *os_version, *backup_version;
	size_t n_modules;          /* modules listed in info.xml */
	wxf_huawei_archive *archives; size_t n_archives;
	char **android_roots;      /* extracted trees holding WeChat (out_dir of each archive) */
	size_t n_android_roots;
	char **warnings; size_t n_warnings;
} wxf_huawei_result;

/*
 * Unpacks a HiSuite/KoBackup folder: parses info.xml, checks the password, decrypts every
 * com.tencent.mm*.tar listed (module rows named com.tencent.mm…) into work_dir and extracts it
 * as an Android tree (work_dir/<archive name without .tar>/…).  Returns WXF_OK (also with
 * warnings: refused members, links, truncated tar); WXF_ENOTFOUND no info.xml; WXF_ECORRUPT
 * info.xml unusable; WXF_EUNSUPPORTED no password given for an encrypted backup, or no WeChat
 * archive; WXF_EKEY wrong password (nothing extracted); WXF_EUSAGE work_dir inside the evidence;
 * WXF_EIO, WXF_ENOMEM.  Free res with wxf_huawei_result_free.
 */
int wxf_huawei_unpack(const char *folder, const char *password, const char *work_dir,
    wxf_huawei_result *res, wxf_err *err);
void wxf_huawei_result_free(wxf_huawei_result *res);

/* 1 if folder holds an info.xml whose root element is <info.xml>. */
int wxf_huawei_probe(const char *folder);

#endif
