/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Android keys: where the inputs of WeChat's database keys lie in an extraction and how the
 * keys are derived from them (shared/formats/wechat-android-ios.md §1.2-1.5).
 *
 *   EnMicroMsg.db                 md5(device id + uin)[:7]          wxf_android_key_derive
 *   FTS5IndexMicroMsg_encrypt.db  md5(uin + device id + wxid)[:7]   wxf_android_fts_pass
 *
 * Both use the codec profile "android"; decrypt/ verifies every candidate on page 1.
 */
#ifndef WXF_WECHAT_WC_ANDROID_KEYS_H
#define WXF_WECHAT_WC_ANDROID_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include "base/wxf_err.h"
#include "decrypt/decrypt.h"

/* The account's message database, in every account folder MicroMsg/<md5("mm"+uin)>/. */
#define WXF_ANDROID_MSGDB "EnMicroMsg.db"

/* What the examiner adds to the candidates found in the extraction. */
typedef struct wxf_android_hints {
	char **imeis;            /* device ids (NULL-terminated, may be NULL) */
	char **uins;             /* uins (NULL-terminated, may be NULL) */
} wxf_android_hints;

typedef struct wxf_android_cand {
	char value[128];
	char source[256];        /* "shared_prefs/system_config_prefs.xml default_uin" */
	int matches_acct;        /* uin: md5("mm"+uin) equals the account folder name */
} wxf_android_cand;

typedef struct wxf_android_inputs {
	wxf_android_cand *uins;  size_t n_uins;
	wxf_android_cand *ids;   size_t n_ids;
	char *notes;             /* problems met while reading the sources, one per line, or NULL */
	char *damaged;           /* of those, the files found damaged ("<file>: <reason>" below
	                          * the app data root), one per line, or NULL */
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
    const wxf_android_hints *o, wxf_android_inputs *in, wxf_err *err);
void wxf_android_inputs_free(wxf_android_inputs *in);

/* Finds the app data root for an account directory or a tree: walks up from acct_dir (or down
 * from tree_root, depth <= 8) to the directory holding MicroMsg/.  malloc'd, or NULL. */
char *wxf_android_app_root(const char *tree_root, const char *acct_dir);
/* Lists account directories (those holding EnMicroMsg.db) below tree_root, depth <= 10.
 * Returns a malloc'd NULL-terminated array of malloc'd paths (sorted) or NULL when none. */
char **wxf_android_find_accounts(const char *tree_root);

/* Passphrase of EnMicroMsg.db: md5(device_id + uin), first 7 lowercase hex digits (WX7
 * com/tencent/mm/cd/a.java). */
void wxf_android_pass(const char *device_id, const char *uin, char out[8]);
/* Sets k's inputs to this uin and device id (report rows "UIN" and "设备标识", audit members
 * uin, uin_source, device_id, device_id_source). */
void wxf_android_key_inputs(wxf_key *k, const wxf_android_cand *uin, const wxf_android_cand *id);

/*
 * Tries every (device id, uin) pair against page 1 of db_path (android profile) and returns
 * the key that opens it with its inputs in k.  WXF_EKEY (message lists what was tried) when
 * none does.
 */
int wxf_android_key_derive(const char *db_path, const wxf_android_inputs *in, wxf_key *k,
    uint64_t *n_tried, wxf_err *err);

#endif
