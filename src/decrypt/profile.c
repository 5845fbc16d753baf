/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The profile table: every SQLCipher parameter set wxforensic knows.  Facts from
 * ../shared/formats/wechat-android-ios.md §1.4, wechat-desktop.md §1.3, §2.3, §3 and the
 * upstream SQLCipher test databases (sqlcipher-resources/).
 *
 *   name            page  KDF                 iter    HMAC     hmac-kdf  mask  pgno  reserve
 *   android         1024  PBKDF2-HMAC-SHA1    4000    none     -         -     -     16
 *   win3            4096  PBKDF2-HMAC-SHA1    64000   SHA1     2         3a    le    48
 *   wx4             4096  PBKDF2-HMAC-SHA512  256000  SHA512   2         3a    le    80
 *   mac3            1024  none (raw key)      -       SHA1     2         3a    le    48
 *   sqlcipher1      1024  PBKDF2-HMAC-SHA1    4000    none     -         -     -     16
 *   sqlcipher2      1024  PBKDF2-HMAC-SHA1    4000    SHA1     2         3a    le    48
 *   sqlcipher2-be   1024  PBKDF2-HMAC-SHA1    4000    SHA1     2         3a    be    48
 *   sqlcipher2-beta 1024  PBKDF2-HMAC-SHA1    4000    SHA1     4000      00    le    48
 *   sqlcipher3      1024  PBKDF2-HMAC-SHA1    64000   SHA1     2         3a    le    48
 *   sqlcipher4      4096  PBKDF2-HMAC-SHA512  256000  SHA512   2         3a    le    80
 *   mac3-4k         4096  none (raw key)      -       SHA1     2         3a    le    48
 *   mac3-kdf        1024  PBKDF2-HMAC-SHA1    64000   SHA1     2         3a    le    48
 *   mac3-kdf-4k     4096  PBKDF2-HMAC-SHA1    64000   SHA1     2         3a    le    48
 *
 * android = sqlcipher1, wx4 = sqlcipher4, mac3-kdf = sqlcipher3 and mac3-kdf-4k = win3 (same
 * parameters: detection names the first and lists the other as equivalent).  macOS 3.x mixes
 * four parameter sets in one account ({1024, 4096} x {key direct, PBKDF2-SHA1 64000},
 * corrections-2026-12.md A.5): mac3 and the three mac3-* rows, last in the table so that the
 * older names keep their place in detection.  Only the SHA-1 profiles can be opened by
 * SQLCipher 3.4.1.
 */
#include "config.h"
#include "decrypt/decrypt_int.h"

#include <stdio.h>
#include <string.h>

static const wxf_profile profiles[] = {
	{ "android", "WeChat Android databases (SQLCipher 1 settings, WCDB)", 1024,
	  WXF_KDF_PBKDF2_SHA1, 4000, WXF_HMAC_NONE, 0, 0, 0, 16, 1 },
	{ "win3", "WeChat Windows 3.x (32-byte key, SQLCipher 3 settings, page 4096)", 4096,
	  WXF_KDF_PBKDF2_SHA1, 64000, WXF_HMAC_SHA1, 2, 0x3a, 0, 48, 1 },
	{ "wx4", "WeChat 4.x Windows/macOS (SQLCipher 4 settings)", 4096,
	  WXF_KDF_PBKDF2_SHA512, 256000, WXF_HMAC_SHA512, 2, 0x3a, 0, 80, 0 },
	{ "mac3", "WeChat macOS 3.x (raw 32-byte AES key, page 1024, HMAC-SHA1)", 1024,
	  WXF_KDF_NONE, 0, WXF_HMAC_SHA1, 2, 0x3a, 0, 48, 1 },
	{ "sqlcipher1", "SQLCipher 1.x defaults", 1024,
	  WXF_KDF_PBKDF2_SHA1, 4000, WXF_HMAC_NONE, 0, 0, 0, 16, 1 },
	{ "sqlcipher2", "SQLCipher 2.x defaults", 1024,
	  WXF_KDF_PBKDF2_SHA1, 4000, WXF_HMAC_SHA1, 2, 0x3a, 0, 48, 1 },
	{ "sqlcipher2-be", "SQLCipher 2.0 with big-endian page number in the HMAC", 1024,
	  WXF_KDF_PBKDF2_SHA1, 4000, WXF_HMAC_SHA1, 2, 0x3a, 1, 48, 1 },
	{ "sqlcipher2-beta", "SQLCipher 2.0 beta (HMAC key: 4000 rounds, salt mask 00)", 1024,
	  WXF_KDF_PBKDF2_SHA1, 4000, WXF_HMAC_SHA1, 4000, 0x00, 0, 48, 1 },
	{ "sqlcipher3", "SQLCipher 3.x defaults", 1024,
	  WXF_KDF_PBKDF2_SHA1, 64000, WXF_HMAC_SHA1, 2, 0x3a, 0, 48, 1 },
	{ "sqlcipher4", "SQLCipher 4.x defaults", 4096,
	  WXF_KDF_PBKDF2_SHA512, 256000, WXF_HMAC_SHA512, 2, 0x3a, 0, 80, 0 },
	{ "mac3-4k", "WeChat macOS 3.x, page 4096 (raw 32-byte AES key, HMAC-SHA1)", 4096,
	  WXF_KDF_NONE, 0, WXF_HMAC_SHA1, 2, 0x3a, 0, 48, 1 },
	{ "mac3-kdf", "WeChat macOS 3.x, PBKDF2-SHA1 64000 of the key, page 1024", 1024,
	  WXF_KDF_PBKDF2_SHA1, 64000, WXF_HMAC_SHA1, 2, 0x3a, 0, 48, 1 },
	{ "mac3-kdf-4k", "WeChat macOS 3.x, PBKDF2-SHA1 64000 of the key, page 4096", 4096,
	  WXF_KDF_PBKDF2_SHA1, 64000, WXF_HMAC_SHA1, 2, 0x3a, 0, 48, 1 },
};

size_t
wxf_profile_count(void)
{
	return sizeof(profiles) / sizeof(profiles[0]);
}

const wxf_profile *
wxf_profile_at(size_t i)
{
	return i < wxf_profile_count() ? &profiles[i] : NULL;
}

const wxf_profile *
wxf_profile_find(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < wxf_profile_count(); i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}

void
wxf_profile_describe(const wxf_profile *p, char *out, size_t n)
{
	const char *kdf = p->kdf == WXF_KDF_NONE ? "raw key (no KDF)" :
	    p->kdf == WXF_KDF_PBKDF2_SHA1 ? "PBKDF2-HMAC-SHA1" : "PBKDF2-HMAC-SHA512";
	const char *mac = p->hmac == WXF_HMAC_NONE ? "no HMAC" :
	    p->hmac == WXF_HMAC_SHA1 ? "HMAC-SHA1" : "HMAC-SHA512";
	char iter[24] = "";

	if (p->kdf != WXF_KDF_NONE)
		snprintf(iter, sizeof(iter), " %u", (unsigned)p->kdf_iter);
	snprintf(out, n, "%s%s, page %u, %s%s, reserve %u", kdf, iter, (unsigned)p->page_size, mac,
	    p->hmac_pgno_be ? " (big-endian page number)" :
	    p->hmac_kdf_iter > 2 ? " (MAC key 4000 rounds, mask 00)" : "", (unsigned)p->reserve);
}
