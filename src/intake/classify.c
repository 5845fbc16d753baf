/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Content and path rules for WeChat artifacts.  Content first (magic numbers), then names.
 *
 *   bytes 0..15  "SQLite format 3\0"           plaintext SQLite (sqlite.org/fileformat2.html)
 *   bytes 0..3   37 7f 06 82 | 37 7f 06 83     WAL header magic (checksum byte order)
 *   bytes 0..7   d9 d5 05 f9 20 a1 63 d7       rollback journal header
 *   bytes 0..3   ac ed 00 05                   Java serialization stream (STREAM_MAGIC, VERSION)
 *   "ANDROID BACKUP\n"                         adb backup
 *   "bplist00" / "<plist"                      property list
 *   images, voice, video, documents            base/wxf_sniff.h's table: its media types
 *                                              are "media", the others (pdf, zip, rar) "other"
 * Encrypted SQLite (SQLCipher/WCDB) has no header: page-multiple size and near-random bytes
 * (the first 16 bytes are the salt, the rest ciphertext), so entropy of the first 4 KiB > 7.6.
 */
#include "config.h"
#include "intake_int.h"
#include "base/wxf_sniff.h"

#include <math.h>
#include <string.h>
#include <strings.h>

const char *
wxf_kind_name(wxf_kind k)
{
	static const char *const n[] = { "other", "sqlite", "sqlite-encrypted", "sqlite-wal",
	    "sqlite-journal", "sqlite-shm", "java-serialized", "shared-prefs", "plist", "media",
	    "android-backup", "itunes-manifest", "symlink", "special", "dir" };
	return (unsigned)k < WXF_KIND_N ? n[k] : "other";
}

double
wxf_entropy(const uint8_t *p, size_t n)
{
	unsigned cnt[256] = { 0 };
	double e = 0;
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		cnt[p[i]]++;
	for (i = 0; i < 256; i++) {
		if (cnt[i]) {
			double q = (double)cnt[i] / (double)n;

			e -= q * log2(q);
		}
	}
	return e;
}

static int
ends_with(const char *s, const char *suf)
{
	size_t ls = strlen(s), lf = strlen(suf);

	return ls >= lf && strcasecmp(s + ls - lf, suf) == 0;
}

wxf_kind
wxf_classify(const char *name, const uint8_t *h, size_t n, uint64_t size, double *entropy)
{
	static const uint8_t journal[8] = { 0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7 };
	const char *type;

	*entropy = wxf_entropy(h, n);
	if (n >= 16 && memcmp(h, "SQLite format 3", 16) == 0)
		return WXF_KIND_SQLITE;
	if (n >= 4 && h[0] == 0x37 && h[1] == 0x7f && h[2] == 0x06 && (h[3] == 0x82 || h[3] == 0x83))
		return WXF_KIND_SQLITE_WAL;
	if (n >= 8 && memcmp(h, journal, 8) == 0)
		return WXF_KIND_SQLITE_JOURNAL;
	if (ends_with(name, "-journal"))
		return WXF_KIND_SQLITE_JOURNAL; /* PERSIST/TRUNCATE remnant with a zeroed header */
	if (ends_with(name, "-wal"))
		return WXF_KIND_SQLITE_WAL;     /* a reset WAL may have no valid header */
	if (ends_with(name, "-shm"))
		return WXF_KIND_SQLITE_SHM;
	if (n >= 4 && h[0] == 0xac && h[1] == 0xed && h[2] == 0x00 && h[3] == 0x05)
		return WXF_KIND_JAVA_SERIALIZED;
	if ((n >= 15 && memcmp(h, "ANDROID BACKUP\n", 15) == 0) ||
	    (n >= 12 && memcmp(h, "MIUI BACKUP\n", 12) == 0))
		return WXF_KIND_ANDROID_BACKUP;
	if ((n >= 8 && memcmp(h, "bplist00", 8) == 0) ||
	    (n > 0 && memmem(h, n, "<plist", 6) != NULL && memmem(h, n, "<?xml", 5) != NULL))
		return WXF_KIND_PLIST;
	if (n > 0 && memmem(h, n < 512 ? n : 512, "<map", 4) != NULL &&
	    memmem(h, n < 64 ? n : 64, "<?xml", 5) != NULL)
		return WXF_KIND_SHARED_PREFS;
	type = wxf_sniff(h, n);
	if (strcmp(type, "unknown") != 0)   /* a known file type is never an encrypted database */
		return wxf_sniff_is_media(type) ? WXF_KIND_MEDIA : WXF_KIND_OTHER;
	if (n >= 4 && memcmp(h, "RMFH", 4) == 0)
		return WXF_KIND_OTHER; /* WeChat 4.x ChatPackage (role from the path rules) */
	if (size >= 1024 && size % 512 == 0 && n >= 1024 && *entropy > 7.6)
		return WXF_KIND_SQLITE_ENCRYPTED;
	return WXF_KIND_OTHER;
}

/* Path patterns (matched on the root-relative path, '/' separated). */
static const struct {
	const char *suffix;       /* path ends with this (case-insensitive) */
	const char *role;
	wxf_platform platform;
} roles[] = {
	{ "/EnMicroMsg.db", "Android message database (EnMicroMsg.db)", WXF_PLAT_ANDROID },
	{ "/EnMicroMsg.db-wal", "WAL of the Android message database", WXF_PLAT_ANDROID },
	{ "/EnMicroMsg.db-journal", "rollback journal of the Android message database", WXF_PLAT_ANDROID },
	{ "/EnMicroMsg.db-shm", "WAL index of the Android message database", WXF_PLAT_ANDROID },
	{ "/FTS5IndexMicroMsg_encrypt.db", "Android full-text index (deleted text may survive)", WXF_PLAT_ANDROID },
	{ "/FTS5IndexMicroMsg.db", "Android full-text index (older, unencrypted)", WXF_PLAT_ANDROID },
	{ "/WxFileIndex.db", "Android media file index", WXF_PLAT_ANDROID },
	{ "/SnsMicroMsg.db", "Android Moments database", WXF_PLAT_ANDROID },
	{ "/enFavorite.db", "Android favorites database", WXF_PLAT_ANDROID },
	{ "/MicroMsg/systemInfo.cfg", "Android system config (uin, key 1)", WXF_PLAT_ANDROID },
	{ "/MicroMsg/CompatibleInfo.cfg", "Android device config (device id, key 258)", WXF_PLAT_ANDROID },
	{ "/shared_prefs/system_config_prefs.xml", "Android prefs (default_uin)", WXF_PLAT_ANDROID },
	{ "/shared_prefs/auth_info_key_prefs.xml", "Android prefs (_auth_uin)", WXF_PLAT_ANDROID },
	{ "/shared_prefs/com.tencent.mm_preferences.xml", "Android prefs (last_login_uin)", WXF_PLAT_ANDROID },
	{ "/DB/MM.sqlite", "iOS message database (MM.sqlite)", WXF_PLAT_IOS },
	{ "/DB/WCDB_Contact.sqlite", "iOS contact database", WXF_PLAT_IOS },
	{ "/db_storage/session/session.db", "WeChat 4.x session database", WXF_PLAT_WX4 },
	{ "/session/session.db", "iOS session database", WXF_PLAT_IOS },
	{ "/mmsetting.archive", "iOS account settings", WXF_PLAT_IOS },
	{ "/Documents/LoginInfo2.dat", "iOS login info", WXF_PLAT_IOS },
	{ "/Msg/MicroMsg.db", "Windows 3.x contact database (MicroMsg.db; needs the account key: "
	  "--key or --memdump)", WXF_PLAT_WIN3 },
	{ "/Msg/MediaMSG0.db", "Windows voice database", WXF_PLAT_WIN3 },
	{ "/Msg/HardLinkImage.db", "Windows 3.x image hard-link index (md5 -> .dat path)",
	  WXF_PLAT_WIN3 },
	{ "/Msg/Misc.db", "Windows 3.x avatar database (Misc.db; its key is checked)",
	  WXF_PLAT_WIN3 },
	{ "/Backup.db", "WeChat PC backup index (Backup.db; needs the 32-hex backup key)", WXF_PLAT_BACKUP },
	{ "/db_storage/contact/contact.db", "WeChat 4.x contact database", WXF_PLAT_WX4 },
	{ "/db_storage/hardlink/hardlink.db", "WeChat 4.x image hard-link index (md5 -> .dat path)",
	  WXF_PLAT_WX4 },
	{ "/db_storage/message/message_resource.db", "WeChat 4.x message resource index "
	  "(message_resource.db: message -> media md5)", WXF_PLAT_WX4 },
	{ "/Contact/wccontact_new2.db", "macOS 3.x contact database (wccontact_new2.db)",
	  WXF_PLAT_MAC3 },
	{ "/Group/group_new.db", "macOS 3.x group database (group_new.db)", WXF_PLAT_MAC3 },
	{ "/Session/session_new.db", "macOS 3.x session database (session_new.db)", WXF_PLAT_MAC3 },
	{ "/hldata.db", "macOS 3.x media index (hldata.db: image md5 -> file)", WXF_PLAT_MAC3 },
	{ "/Manifest.db", "iTunes/Finder backup manifest", WXF_PLAT_IOS },
	{ "/Manifest.plist", "iTunes/Finder backup properties", WXF_PLAT_IOS },
	{ "/Manifest.mbdb", "iTunes backup manifest (old)", WXF_PLAT_IOS },
};

static int
is_digits(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int
wxf_ios_container_of(const char *path, size_t *len)
{
	static const char tail[] = "/DB/MM.sqlite";
	const char *d, *h;
	size_t lp = strlen(path), lt = strlen(tail), i;

	if (lp < lt + 44 || strcmp(path + lp - lt, tail) != 0)
		return 0;
	h = path + lp - lt - 32;
	d = h - 11;
	if (memcmp(d, "/Documents/", 11) != 0)
		return 0;
	for (i = 0; i < 32; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return 0;
	*len = (size_t)(d - path);
	return 1;
}

const char *
wxf_wechat_role(const char *rel, wxf_platform *platform)
{
	const char *base = strrchr(rel, '/');
	size_t i, lr = strlen(rel);

	base = base ? base + 1 : rel;
	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		size_t ls = strlen(roles[i].suffix);

		if ((lr >= ls && strcasecmp(rel + lr - ls, roles[i].suffix) == 0) ||
		    (lr + 1 == ls && strcasecmp(rel, roles[i].suffix + 1) == 0)) {
			*platform = roles[i].platform;
			return roles[i].role;
		}
	}
	/* iOS message_N.sqlite, Windows Multi/MSGn.db, 4.x message_N.db */
	if (strncmp(base, "message_", 8) == 0 && ends_with(base, ".sqlite") &&
	    is_digits(base + 8, strlen(base) - 15)) {
		*platform = WXF_PLAT_IOS;
		return "iOS message database (message_N.sqlite)";
	}
	if (strstr(rel, "/Documents/MMappedKV/") != NULL && strncmp(base, "mmsetting.archive.", 18) == 0) {
		*platform = WXF_PLAT_IOS;
		return ends_with(base, ".crc") ? "iOS account settings (MMKV checksum file)" :
		    "iOS account settings (MMKV)";
	}
	if (strstr(rel, "/DB/") != NULL && (ends_with(base, ".sqlite-wal") || ends_with(base, ".sqlite-shm")) &&
	    (strncmp(base, "message_", 8) == 0 || strncmp(base, "MM.sqlite", 9) == 0 ||
	    strncmp(base, "WCDB_Contact.sqlite", 19) == 0)) {
		*platform = WXF_PLAT_IOS;
		return ends_with(base, "-wal") ? "WAL of an iOS WeChat database (the newest rows live here)" :
		    "WAL index of an iOS WeChat database";
	}
	if (strstr(rel, "/Documents/") != NULL && (strstr(rel, "/Img/") || strstr(rel, "/Audio/") ||
	    strstr(rel, "/Video/") || strstr(rel, "/OpenData/")) &&
	    (strstr(rel, "tencent.xin") || strstr(rel, "/Containers/Data/Application/"))) {
		*platform = WXF_PLAT_IOS;
		return strstr(rel, "/Img/") ? "iOS image store (Img/)" : strstr(rel, "/Audio/") ?
		    "iOS voice store (Audio/, SILK or AMR)" : strstr(rel, "/Video/") ?
		    "iOS video store (Video/)" : "iOS file store (OpenData/)";
	}
	if (strncmp(base, "MSG", 3) == 0 && ends_with(base, ".db") && strstr(rel, "/Multi/") &&
	    is_digits(base + 3, strlen(base) - 6)) {
		*platform = WXF_PLAT_WIN3;
		return "Windows message database (Multi/MSGn.db; needs the account key: --key or "
		    "--memdump)";
	}
	if (strncmp(base, "MSG", 3) == 0 && ends_with(base, ".db-wal") && strstr(rel, "/Multi/")) {
		*platform = WXF_PLAT_WIN3;
		return "WAL of a Windows message database (encrypted; the newest messages live there)";
	}
	if (strstr(rel, "/Msg/Multi/") != NULL && ends_with(base, ".db") &&
	    (strncmp(base, "MediaMSG", 8) == 0 || strncmp(base, "FTSMSG", 6) == 0)) {
		*platform = WXF_PLAT_WIN3;
		return base[0] == 'M' ? "Windows voice database (Multi/MediaMSGn.db)" :
		    "Windows full-text index (Multi/FTSMSGn.db; a witness of message text)";
	}
	if (strstr(rel, "/FileStorage/MsgAttach/") != NULL && ends_with(base, ".dat")) {
		*platform = WXF_PLAT_WIN3;
		return strstr(rel, "/Thumb/") != NULL ? "Windows image thumbnail .dat (XOR-coded; "
		    "decoded by case)" : "Windows image .dat (XOR-coded; decoded by case)";
	}
	if (strncmp(base, "message_", 8) == 0 && ends_with(base, ".db") &&
	    strstr(rel, "db_storage/message") && is_digits(base + 8, strlen(base) - 11)) {
		*platform = WXF_PLAT_WX4;
		return "WeChat 4.x message database (message_N.db)";
	}
	if (strncmp(base, "msg_", 4) == 0 && strstr(rel, "/Message/") != NULL &&
	    (ends_with(base, ".db") || ends_with(base, ".db-wal"))) {
		*platform = WXF_PLAT_MAC3;
		return ends_with(base, "-wal") ? "WAL of a macOS 3.x message database (encrypted; the "
		    "newest messages live there)" : "macOS 3.x message database (Message/msg_N.db; "
		    "needs the account key: --key or --memdump)";
	}
	if (strncmp(base, "message_", 8) == 0 && ends_with(base, ".db-wal") &&
	    strstr(rel, "db_storage/message")) {
		*platform = WXF_PLAT_WX4;
		return "WAL of a WeChat 4.x message database (encrypted; the newest messages live "
		    "there, stale frames of earlier generations as earlier page versions)";
	}
	if (strncmp(base, "media_", 6) == 0 && ends_with(base, ".db") &&
	    strstr(rel, "db_storage/message") && is_digits(base + 6, strlen(base) - 9)) {
		*platform = WXF_PLAT_WX4;
		return "WeChat 4.x voice database (media_N.db)";
	}
	if (strstr(rel, "xwechat_files/") != NULL && strstr(rel, "/msg/attach/") != NULL &&
	    ends_with(base, ".dat")) {
		*platform = WXF_PLAT_WX4;
		return ends_with(base, "_t.dat") ? "WeChat 4.x image thumbnail .dat (V1/V2; decoded by "
		    "case)" : "WeChat 4.x image .dat (V1/V2; decoded by case)";
	}
	if (strstr(rel, "/net/kvcomm/") != NULL && strncmp(base, "key_", 4) == 0 &&
	    ends_with(base, ".statistic")) {
		*platform = WXF_PLAT_WX4;
		return "WeChat 4.x kvcomm file (its name holds the uin: the offline V2 image key)";
	}
	if (strstr(rel, "/BAK_") && (strstr(base, "_TEXT") || strstr(base, "_MEDIA"))) {
		*platform = WXF_PLAT_BACKUP;
		return "WeChat PC backup data container (AES-128-ECB; needs the backup key)";
	}
	/* Huawei HiSuite / KoBackup (shared/formats/backup-formats.md §2.3) */
	if (strcasecmp(base, "info.xml") == 0)
		return (*platform = WXF_PLAT_ANDROID, "Huawei HiSuite/KoBackup index (info.xml)");
	if (strncmp(base, "com.tencent.mm", 14) == 0 && ends_with(base, ".tar"))
		return (*platform = WXF_PLAT_ANDROID, "Huawei backup app archive of WeChat (encrypted tar)");
	/* OPPO/realme and vivo: no public format; recognised, hashed, reported unsupported (§2.4) */
	if (strstr(rel, "com.coloros.backuprestore") || strstr(rel, "com.oplus.backuprestore") ||
	    strstr(rel, "/ColorOS/Backup/"))
		return (*platform = WXF_PLAT_ANDROID,
		    "OPPO/realme phone backup (unsupported: format not publicly documented)");
	if (strstr(rel, "com.vivo.easyshare") || strstr(rel, "/vivo/backup/") ||
	    strstr(rel, "/.vivoBackup/"))
		return (*platform = WXF_PLAT_ANDROID,
		    "vivo phone backup (unsupported: format not publicly documented)");
	/* WeChat 4.x backups (§1.5): detector only */
	if (strstr(rel, "/ChatPackage/") || (ends_with(base, ".tar.enc") && strstr(rel, "/Media/")))
		return (*platform = WXF_PLAT_WX4,
		    "WeChat 4.x chat backup (unsupported: encrypted, no public decryption)");
	if (strstr(rel, "/BackupFiles/") != NULL)
		return (*platform = WXF_PLAT_WIN3, "WeChat PC backup folder content");
	if (strstr(rel, "/image2/") != NULL)
		return (*platform = WXF_PLAT_ANDROID, "Android image store (image2)");
	if (strstr(rel, "/voice2/") != NULL)
		return (*platform = WXF_PLAT_ANDROID, "Android voice store (voice2)");
	if (strstr(rel, "/MicroMsg/") != NULL && strstr(rel, "/video/") != NULL)
		return (*platform = WXF_PLAT_ANDROID, "Android video store");
	return NULL;
}
