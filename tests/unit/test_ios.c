/* SPDX-License-Identifier: Apache-2.0 */
/*
 * iPhone evidence: RFC 3394 key unwrap against the RFC's published test vectors (§4.1-4.6),
 * the BackupKeyBag TLV (item order, truncation), the password-derived key checked against
 * OpenSSL's PBKDF2 directly, MBFile records and keyed archives built with libplist,
 * Manifest.mbdb records (bytes written here from the format's field table), MMKV files
 * (records, supersession, removal, the size field, the .crc) and the MMKV settings of the
 * owner with each value's offset, archives of a full-file-system extraction (format told by
 * content, names sanitised, data skipped on request, WeChat's container found by its layout and
 * restored alone), and the iOS protobufs (dbContactRemark, LoginInfo2.dat).
 */
#include "config.h"
#include "tap.h"
#include "base/wxf_hash.h"
#include "base/wxf_plist.h"
#include "intake/itunes.h"
#include "intake/archive.h"
#include "wechat/wc_ios.h"
#include "wechat/wc_mmkv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <zlib.h>

static size_t
unhex(const char *h, uint8_t *out)
{
	size_t n = strlen(h) / 2;

	wxf_unhex(h, out, n);
	return n;
}

/* RFC 3394 §4: KEK, key data, ciphertext. */
static const struct { const char *kek, *key, *ct; } rfc3394[] = {
	{ "000102030405060708090A0B0C0D0E0F", "00112233445566778899AABBCCDDEEFF",
	  "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5" },
	{ "000102030405060708090A0B0C0D0E0F1011121314151617", "00112233445566778899AABBCCDDEEFF",
	  "96778B25AE6CA435F92B5B97C050AED2468AB8A17AD84E5D" },
	{ "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
	  "00112233445566778899AABBCCDDEEFF", "64E8C3F9CE0F5BA263E9777905818A2A93C8191E7D6E8AE7" },
	{ "000102030405060708090A0B0C0D0E0F1011121314151617",
	  "00112233445566778899AABBCCDDEEFF0001020304050607",
	  "031D33264E15D33268F24EC260743EDCE1C6C7DDEE725A936BA814915C6762D2" },
	{ "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
	  "00112233445566778899AABBCCDDEEFF0001020304050607",
	  "A8F9BC1612C68B3FF6E6F4FBE30E71E4769C8B80A32CB8958CD5D17D6B254DA1" },
	{ "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
	  "00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F",
	  "28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21" },
};

static void
test_rfc3394(void)
{
	size_t i;

	for (i = 0; i < sizeof(rfc3394) / sizeof(rfc3394[0]); i++) {
		uint8_t kek[32], key[32], ct[40], out[40];
		size_t nk = unhex(rfc3394[i].kek, kek), nd = unhex(rfc3394[i].key, key);
		size_t nc = unhex(rfc3394[i].ct, ct);

		ok(wxf_aes_key_unwrap(kek, nk, ct, nc, out, NULL) == WXF_OK && memcmp(out, key, nd) == 0,
		    "RFC 3394 §4.%zu: %zu-bit KEK unwraps %zu-bit key data", i + 1, nk * 8, nd * 8);
		ct[nc - 1] ^= 1;
		is_int(wxf_aes_key_unwrap(kek, nk, ct, nc, out, NULL), WXF_EKEY,
		    "RFC 3394 §4.%zu: one flipped bit fails the integrity check", i + 1);
	}
	is_int(wxf_aes_key_unwrap((const uint8_t *)"0123456789abcdef", 16, (const uint8_t *)"x", 1,
	    (uint8_t[8]){ 0 }, NULL), WXF_ECORRUPT, "unwrap refuses a 1-byte input");
}

static size_t
tlv(uint8_t *p, const char *tag, const uint8_t *v, uint32_t n)
{
	memcpy(p, tag, 4);
	p[4] = (uint8_t)(n >> 24), p[5] = (uint8_t)(n >> 16), p[6] = (uint8_t)(n >> 8), p[7] = (uint8_t)n;
	memcpy(p + 8, v, n);
	return 8 + n;
}

static size_t
tlv32(uint8_t *p, const char *tag, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	return tlv(p, tag, b, 4);
}

static void
test_keybag(void)
{
	static const char pw[] = "unit-test-password";
	uint8_t kb[1024], salt[20], dpsl[20], uuid[16], kek[32], want[32], t[32], ck[32], w[40];
	size_t n = 0, nu = 0;
	wxf_keybag k;
	int len = 0;
	EVP_CIPHER_CTX *x;

	memset(salt, 0x11, sizeof(salt));
	memset(dpsl, 0x22, sizeof(dpsl));
	memset(uuid, 0x33, sizeof(uuid));
	memset(ck, 0x44, sizeof(ck));
	/* the expected KEK straight from OpenSSL: SHA-256 rounds, then SHA-1 rounds */
	PKCS5_PBKDF2_HMAC(pw, (int)strlen(pw), dpsl, 20, 1000, EVP_sha256(), 32, t);
	PKCS5_PBKDF2_HMAC((const char *)t, 32, salt, 20, 10, EVP_sha1(), 32, want);
	/* wrap a class key under it (RFC 3394 wrap, the inverse of what is tested) */
	x = EVP_CIPHER_CTX_new();
	EVP_CIPHER_CTX_set_flags(x, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	EVP_EncryptInit_ex(x, EVP_aes_256_wrap(), NULL, want, NULL);
	EVP_EncryptUpdate(x, w, &len, ck, 32);
	EVP_CIPHER_CTX_free(x);
	n += tlv32(kb + n, "VERS", 4);
	n += tlv32(kb + n, "TYPE", 1);
	n += tlv(kb + n, "UUID", uuid, 16);
	n += tlv(kb + n, "SALT", salt, 20);
	n += tlv32(kb + n, "ITER", 10);
	n += tlv32(kb + n, "DPIC", 1000);
	n += tlv(kb + n, "DPSL", dpsl, 20);
	n += tlv(kb + n, "UUID", uuid, 16);
	n += tlv32(kb + n, "CLAS", 3);
	n += tlv32(kb + n, "WRAP", 2);
	n += tlv(kb + n, "WPKY", w, 40);
	is_int(wxf_keybag_parse(kb, n, &k, NULL), WXF_OK, "keybag parses");
	ok(k.n_cls == 1 && k.cls[0].clas == 3 && k.have_dp && k.iter == 10 && k.dpic == 1000,
	    "the first UUID is the keybag's, the second starts class 3; DPSL/DPIC and ITER read");
	is_int(wxf_keybag_kek(&k, pw, kek, NULL, NULL, NULL), WXF_OK, "KEK derived");
	ok(memcmp(kek, want, 32) == 0, "KEK = PBKDF2-SHA1(PBKDF2-SHA256(password, DPSL, DPIC), "
	    "SALT, ITER)");
	is_int(wxf_keybag_unlock(&k, kek, &nu, NULL), WXF_OK, "class key unwraps");
	ok(nu == 1 && wxf_keybag_class_key(&k, 3) != NULL && memcmp(wxf_keybag_class_key(&k, 3),
	    ck, 32) == 0, "class 3 key recovered");
	kek[0] ^= 1;
	is_int(wxf_keybag_unlock(&k, kek, NULL, NULL), WXF_EKEY, "a wrong KEK is refused");
	ok(wxf_keybag_class_key(&k, 3) == NULL, "after a refusal no class key is usable");
	is_int(wxf_keybag_parse(kb, n - 3, &k, NULL), WXF_ECORRUPT, "a truncated item is corrupt");
	kb[n - 41] = 39;   /* WPKY length 40 -> 39 */
	ok(wxf_keybag_parse(kb, n, &k, NULL) == WXF_ECORRUPT, "a wrapped key that is not 40 bytes "
	    "is corrupt");
	is_int(wxf_keybag_parse(kb, 24, &k, NULL), WXF_ECORRUPT, "a keybag without SALT/ITER is "
	    "corrupt");
}

static void
test_mbfile(void)
{
	plist_t root = plist_new_dict(), objs = plist_new_array(), top = plist_new_dict();
	plist_t obj = plist_new_dict(), data = plist_new_dict();
	char *bin = NULL;
	uint32_t len = 0;
	uint8_t ek[44];
	wxf_mbfile f;

	memset(ek, 0x5a, sizeof(ek));
	ek[0] = 3, ek[1] = ek[2] = ek[3] = 0;
	plist_dict_set_item(obj, "Size", plist_new_uint(1234));
	plist_dict_set_item(obj, "ProtectionClass", plist_new_uint(3));
	plist_dict_set_item(obj, "EncryptionKey", plist_new_uid(2));
	plist_dict_set_item(data, "NS.data", plist_new_data((const char *)ek, sizeof(ek)));
	plist_array_append_item(objs, plist_new_string("$null"));
	plist_array_append_item(objs, obj);
	plist_array_append_item(objs, data);
	plist_dict_set_item(top, "root", plist_new_uid(1));
	plist_dict_set_item(root, "$objects", objs);
	plist_dict_set_item(root, "$top", top);
	plist_to_bin(root, &bin, &len);
	is_int(wxf_mbfile_parse((const uint8_t *)bin, len, &f, NULL), WXF_OK, "MBFile parses");
	ok(f.have_size && f.size == 1234 && f.prot == 3 && f.enckey_len == 44 &&
	    memcmp(f.enckey, ek, 44) == 0, "Size, ProtectionClass and EncryptionKey (via a UID)");
	plist_to_bin_free(bin);
	bin = NULL;
	plist_free(root);
	/* a UID that points at itself ends after the hop limit */
	root = plist_new_dict(), objs = plist_new_array(), top = plist_new_dict();
	plist_array_append_item(objs, plist_new_string("$null"));
	plist_array_append_item(objs, plist_new_uid(1));
	plist_dict_set_item(top, "root", plist_new_uid(1));
	plist_dict_set_item(root, "$objects", objs);
	plist_dict_set_item(root, "$top", top);
	plist_to_bin(root, &bin, &len);
	ok(bin != NULL && wxf_mbfile_parse((const uint8_t *)bin, len, &f, NULL) == WXF_ECORRUPT,
	    "a UID cycle is refused, not followed");
	plist_to_bin_free(bin);
	bin = NULL;
	plist_free(root);
	ok(wxf_mbfile_parse((const uint8_t *)"bplist00garbage", 15, &f, NULL) == WXF_ECORRUPT,
	    "garbage is not a record");
}

/* Appends a Manifest.mbdb string (u16 big-endian length, 0xFFFF for none). */
static size_t
mstr(uint8_t *p, const char *s)
{
	size_t n;

	if (s == NULL) {
		p[0] = p[1] = 0xff;
		return 2;
	}
	n = strlen(s);
	p[0] = (uint8_t)(n >> 8), p[1] = (uint8_t)n;
	memcpy(p + 2, s, n);
	return 2 + n;
}

static size_t
be(uint8_t *p, uint64_t v, int w)
{
	int i;

	for (i = 0; i < w; i++)
		p[i] = (uint8_t)(v >> (8 * (w - 1 - i)));
	return (size_t)w;
}

/* One record: domain, path, no link, no hash, key; mode, inode, uid, gid, 3 times, size,
 * class, properties. */
static size_t
mbdb_rec(uint8_t *p, const char *dom, const char *path, const char *key, uint16_t mode,
    uint64_t size, int nprops)
{
	size_t n = 0;
	int i;

	n += mstr(p + n, dom);
	n += mstr(p + n, path);
	n += mstr(p + n, NULL);
	n += mstr(p + n, NULL);
	n += mstr(p + n, key);
	n += be(p + n, mode, 2);
	n += be(p + n, 0x1122334455667788ull, 8);
	n += be(p + n, 501, 4);
	n += be(p + n, 20, 4);
	n += be(p + n, 1458000000, 4);
	n += be(p + n, 1458000001, 4);
	n += be(p + n, 1458000002, 4);
	n += be(p + n, size, 8);
	p[n++] = 3;
	p[n++] = (uint8_t)nprops;
	for (i = 0; i < nprops; i++) {
		n += mstr(p + n, "name");
		n += mstr(p + n, "value");
	}
	return n;
}

static int
count_rec(void *arg, const wxf_mbdb_rec *r)
{
	(void)r;
	++*(size_t *)arg;
	return 0;
}

static void
test_mbdb(void)
{
	uint8_t f[1024];
	size_t n = 0, r1, r2, k = 0, got = 0;
	wxf_mbdb_rec r;
	wxf_err e;

	memcpy(f, "mbdb\5\0", 6), n = 6;
	r1 = mbdb_rec(f + n, "AppDomain-com.tencent.xin", "Documents", NULL, 0x41ed, 0, 0);
	n += r1;
	r2 = mbdb_rec(f + n, "AppDomain-com.tencent.xin", "Documents/LoginInfo2.dat", "KEY4", 0x81a4,
	    1234, 2);
	n += r2;
	n += mbdb_rec(f + n, "HomeDomain", "Library/x", NULL, 0xa1ed, 0, 0);
	ok(wxf_mbdb_check_magic(f, n) && !wxf_mbdb_check_magic((const uint8_t *)"mbdx\2\0", 6),
	    "Manifest.mbdb: the mbdb 05 00 signature, not mbdx");
	is_int(wxf_mbdb_record(f, n, 6 + r1, &r, NULL), WXF_OK, "a record with properties");
	ok(r.len == r2 && r.off == 6 + r1 && r.domain.n == 25 && memcmp(r.domain.p,
	    "AppDomain-com.tencent.xin", 25) == 0 && r.path.n == 24 && r.target.none &&
	    r.hash.none && r.enckey.n == 4 && memcmp(r.enckey.p, "KEY4", 4) == 0,
	    "its strings: domain, path, no link target, no hash, the encryption key");
	ok(r.mode == 0x81a4 && r.inode == 0x1122334455667788ull && r.uid == 501 && r.gid == 20 &&
	    r.mtime == 1458000000 && r.atime == 1458000001 && r.ctime == 1458000002 &&
	    r.size == 1234 && r.prot == 3 && r.n_props == 2,
	    "mode, inode, uid, gid, the three times, size, protection class, property count");
	is_int(wxf_mbdb_flags(0x81a4) * 100 + wxf_mbdb_flags(0x41ed) * 10 + wxf_mbdb_flags(0xa1ed),
	    124, "mode 8xxx file (1), 4xxx folder (2), Axxx link (4)");
	is_int(wxf_mbdb_walk(f, n, count_rec, &k, &got, NULL), WXF_OK, "the walk reads the file");
	ok(k == 3 && got == 3, "three records");
	for (k = 6; k < n; k++) {
		size_t c = 0;
		int rc = wxf_mbdb_walk(f, k, count_rec, &c, &got, NULL);

		if (k == 6 || k == 6 + r1 || k == 6 + r1 + r2) {
			if (rc != WXF_OK || c != got)
				break;
		} else if (rc != WXF_ECORRUPT || c != got || c != (k < 6 + r1 ? 0u : k < 6 + r1 + r2 ?
		    1u : 2u))
			break;
	}
	is_int((int)k, (int)n, "every truncation is corruption after the whole records before it");
	wxf_err_clear(&e);
	f[n - 1] = 9;   /* the last record now claims 9 properties */
	is_int(wxf_mbdb_walk(f, n, count_rec, &k, &got, &e), WXF_ECORRUPT,
	    "a property count past the end is corruption");
	ok(got == 2 && e.off == (int64_t)(6 + r1 + r2) && strstr(e.msg, "truncated") != NULL,
	    "at the record's offset, after the two good records");
	memset(f + 6, 0, 2);       /* an empty domain */
	is_int(wxf_mbdb_record(f, n, 6, &r, NULL), WXF_ECORRUPT, "a record without a domain");
	is_int(wxf_mbdb_record(f, n, n + 1, &r, NULL), WXF_ECORRUPT, "an offset past the end");
	is_int(wxf_mbdb_walk((const uint8_t *)"mbdb\4\0", 6, NULL, NULL, &got, NULL), WXF_ECORRUPT,
	    "another version byte is not read");
}

/* Appends an MMKV record: key, then a value (a string value is once more length-prefixed). */
static size_t
kv_rec(uint8_t *p, const char *key, const char *str, const uint8_t *raw, size_t raw_n)
{
	size_t n = 0, kl = strlen(key);

	p[n++] = (uint8_t)kl;
	memcpy(p + n, key, kl), n += kl;
	if (str != NULL) {
		size_t sl = strlen(str);

		p[n++] = (uint8_t)(sl + 1);
		p[n++] = (uint8_t)sl;
		memcpy(p + n, str, sl), n += sl;
	} else {
		p[n++] = (uint8_t)raw_n;
		if (raw_n > 0)   /* an empty value: raw may be NULL */
			memcpy(p + n, raw, raw_n), n += raw_n;
	}
	return n;
}

static int
count_kv(void *arg, const wxf_mmkv_kv *kv)
{
	(void)kv;
	++*(size_t *)arg;
	return 0;
}

static void
test_mmkv(void)
{
	uint8_t f[512], crc[64];
	size_t n = 8, k = 0, nick_at, bad_at;
	wxf_mmkv_info info;
	wxf_ios_owner o;
	char *note = NULL;
	uint32_t size, c;
	wxf_err e;

	memset(f, 0, sizeof(f));
	memcpy(f + 4, "\xff\xff\xff\x07", 4);       /* the place-holder varint */
	n += kv_rec(f + n, "86", "wxid_a", NULL, 0);
	n += kv_rec(f + n, "88", "old", NULL, 0);
	n += kv_rec(f + n, "87", "alias_a", NULL, 0);
	n += kv_rec(f + n, "int", NULL, (const uint8_t *)"\x64", 1);
	n += kv_rec(f + n, "87", NULL, NULL, 0);           /* the alias is removed */
	nick_at = n + 5;
	n += kv_rec(f + n, "88", "Nick", NULL, 0);
	size = (uint32_t)(n - 4);
	f[0] = (uint8_t)size, f[1] = (uint8_t)(size >> 8);
	bad_at = n;
	n += kv_rec(f + n, "88", "stale", NULL, 0);        /* past the size: not a record */
	is_int(wxf_mmkv_walk(f, n, count_kv, &k, &info, NULL), WXF_OK, "MMKV: the walk reads the file");
	ok(k == 6 && info.n_records == 6 && info.actual_size == size && info.end == size + 4 &&
	    !info.short_file, "six records up to 4 + the size field; the bytes after it are not read");
	is_int(wxf_ios_mmkv_setting(f, n, &o, &note, NULL), WXF_OK, "the owner's settings");
	ok(o.wxid && strcmp(o.wxid, "wxid_a") == 0 && o.at_wxid.off == 13 && o.at_wxid.len == 6,
	    "86: the wxid, at its own bytes");
	ok(o.nickname && strcmp(o.nickname, "Nick") == 0 && o.at_nickname.off == nick_at &&
	    o.at_nickname.len == 4 && memcmp(f + nick_at, "Nick", 4) == 0,
	    "88: the last record wins, cited where it lies");
	ok(o.alias == NULL && o.at_alias.len == 0 && o.phone == NULL && o.n_superseded == 2 && note == NULL,
	    "87 removed by an empty value; no phone key; two values superseded; no damage");
	wxf_ios_owner_free(&o);
	/* the .crc companion: CRC-32 of the records and the size at byte 28 */
	memset(crc, 0, sizeof(crc));
	c = (uint32_t)crc32(0L, f + 4, size);
	crc[0] = (uint8_t)c, crc[1] = (uint8_t)(c >> 8), crc[2] = (uint8_t)(c >> 16), crc[3] = (uint8_t)(c >> 24);
	crc[28] = (uint8_t)size;
	wxf_mmkv_crc_check(f, n, crc, sizeof(crc), &info);
	is_int(info.crc, 1, "the .crc's CRC-32 matches the records");
	f[10] ^= 1;
	wxf_mmkv_crc_check(f, n, crc, sizeof(crc), &info);
	ok(info.crc == 0 && info.crc_want == c && info.crc_got != c, "one changed byte: a mismatch");
	f[10] ^= 1;
	wxf_mmkv_crc_check(f, n, crc, 20, &info);
	is_int(info.crc, -1, "a .crc too short to hold the size says nothing");
	/* damage: the size now claims the stale record, whose value is cut at the file's end */
	size = (uint32_t)(n - 4);
	f[0] = (uint8_t)size, f[1] = (uint8_t)(size >> 8);
	wxf_err_clear(&e);
	k = 0;
	is_int(wxf_mmkv_walk(f, n - 2, count_kv, &k, &info, &e), WXF_ECORRUPT,
	    "a record cut by the end of the file is corruption");
	ok(k == 6 && info.short_file && e.off == (int64_t)bad_at, "after the six good records, at "
	    "the bad record's offset; the size reaches past the file");
	is_int(wxf_ios_mmkv_setting(f, n - 2, &o, &note, NULL), WXF_OK, "the settings before the damage");
	ok(o.nickname && strcmp(o.nickname, "Nick") == 0 && note != NULL && strstr(note, "record at byte") &&
	    strstr(note, "past the end"), "stand, and the note says where and why");
	wxf_ios_owner_free(&o);
	free(note);
	f[8] = 0;           /* an empty key */
	is_int(wxf_mmkv_walk(f, n, NULL, NULL, NULL, NULL), WXF_ECORRUPT, "an empty key is corruption");
	is_int(wxf_mmkv_walk(f, 3, NULL, NULL, NULL, NULL), WXF_ECORRUPT, "three bytes: no size field");
	memset(f, 0, 4);
	is_int(wxf_mmkv_walk(f, n, count_kv, &k, &info, NULL), WXF_OK, "a size of 0: an empty store");
	is_int(wxf_ios_mmkv_setting(f, 2, &o, NULL, NULL), WXF_ECORRUPT, "not even a header");
}

/* A ustar header block for a regular file (type '0') or a link ('2'), checksum computed. */
static size_t
tar_hdr(uint8_t *p, const char *name, char type, size_t size)
{
	unsigned sum = 0;
	size_t i;

	memset(p, 0, 512);
	memcpy(p, name, strlen(name));
	memcpy(p + 100, "0000644", 7);
	snprintf((char *)p + 124, 12, "%011zo", size);
	memcpy(p + 136, "00000000001", 11);
	p[156] = (uint8_t)type;
	memcpy(p + 257, "ustar\0" "00", 8);
	memset(p + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += p[i];
	snprintf((char *)p + 148, 8, "%06o", sum);
	return 512;
}

struct seen {
	char names[8][160];
	char types[8];
	size_t n, data;
	int skip_first;
};

static int
seen_member(void *arg, const char *name, char type, uint64_t size, int64_t mtime)
{
	struct seen *s = arg;

	(void)size;
	(void)mtime;
	if (s->n < 8) {
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s", name);
		s->types[s->n] = type;
	}
	return s->n++ == 0 && s->skip_first ? 1 : 0;
}

static int
seen_data(void *arg, const uint8_t *p, size_t n)
{
	(void)p;
	((struct seen *)arg)->data += n;
	return 0;
}

#define APPDIR "Containers/Data/Application/U1/"
#define ACCT "Documents/0123456789abcdef0123456789abcdef/"

static void
test_archive(void)
{
	static uint8_t t[512 * 12];
	uint8_t zip[22] = { 'P', 'K', 5, 6 };
	struct seen sn;
	wxf_archive_cb cb = { seen_member, seen_data, NULL, &sn };
	wxf_archive_result res;
	char dir[] = "/tmp/wxf-test-arch.XXXXXX", path[256], out[512];
	size_t n = 0;
	struct stat st;
	FILE *f;

	n += tar_hdr(t + n, APPDIR ACCT "DB/MM.sqlite", '0', 5);
	memcpy(t + n, "hello", 5), n += 512;
	n += tar_hdr(t + n, "../escape", '0', 1);
	t[n] = 'x', n += 512;
	n += tar_hdr(t + n, APPDIR "Documents/link", '2', 0);
	n += tar_hdr(t + n, "Containers/Data/Application/U2/Documents/other", '0', 3);
	memcpy(t + n, "abc", 3), n += 512;
	n += 1024;
	memset(&sn, 0, sizeof(sn));
	is_int(wxf_archive_stream_mem(t, n, &cb, NULL), WXF_OK, "archive: a tar told by its checksum");
	ok(sn.n == 4 && strcmp(sn.names[0], APPDIR ACCT "DB/MM.sqlite") == 0 && sn.types[0] == '0' &&
	    strcmp(sn.names[1], "(refused unsafe name)") == 0 && sn.types[1] == 'R' &&
	    sn.types[2] == '2' && sn.data == 5 + 1 + 3, "four members: a file, a refused name, a link, a file");
	memset(&sn, 0, sizeof(sn));
	sn.skip_first = 1;
	wxf_archive_stream_mem(t, n, &cb, NULL);
	is_int((int)sn.data, 4, "a member whose data is not asked for is skipped");
	memset(&sn, 0, sizeof(sn));
	is_int(wxf_archive_stream_mem(zip, sizeof(zip), &cb, NULL), WXF_OK, "an empty zip (end record only)");
	is_int((int)sn.n, 0, "has no member");
	is_int(wxf_archive_stream_mem((const uint8_t *)"hello, not an archive", 21, &cb, NULL),
	    WXF_EUNSUPPORTED, "other bytes are no archive");
	/* restoring: the container laid out like WeChat (Documents/<md5>/DB/MM.sqlite) only */
	if (mkdtemp(dir) == NULL)
		return;
	snprintf(path, sizeof(path), "%s/ffs.tar", dir);
	f = fopen(path, "wb");
	fwrite(t, 1, n, f);
	fclose(f);
	is_int((int)wxf_archive_probe(path), WXF_ARCH_TAR, "probe: tar");
	snprintf(out, sizeof(out), "%s/out", dir);
	is_int(wxf_archive_unpack_ios(path, "ffs.tar", WXF_ARCH_TAR, out, 0, &res, NULL, NULL), WXF_OK,
	    "unpack");
	ok(res.n_members == 4 && res.n_containers == 1 && res.n_restored == 1 && res.bytes == 5 &&
	    res.n_links == 1 && res.n_refused == 1, "one WeChat container: one file restored, the link "
	    "counted, the unsafe name refused");
	snprintf(path, sizeof(path), "%s/" APPDIR ACCT "DB/MM.sqlite", out);
	ok(stat(path, &st) == 0 && st.st_size == 5 && st.st_mtime == 1, "restored under its member "
	    "name, with the member's time");
	snprintf(path, sizeof(path), "%s/Containers/Data/Application/U2", out);
	ok(stat(path, &st) != 0, "another container is not restored");
	wxf_archive_result_free(&res);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		diag("could not remove %s", dir);
}

static void
test_protobufs(void)
{
	static const uint8_t rem[] = { 0x0a, 3, 'A', 'm', 'y', 0x12, 2, 'H', 'K', 0x1a, 1, 'r',
	    0x42, 5, '1', '8', ',', '4', '2' };
	char *nick, *alias, *remark, *tags;
	uint8_t li[128];
	size_t n = 0;
	wxf_ios_owner o;
	char h[33];

	is_int(wxf_ios_contact_remark(rem, sizeof(rem), &nick, &alias, &remark, &tags), 4,
	    "dbContactRemark: four fields");
	ok(nick && alias && remark && tags && strcmp(nick, "Amy") == 0 && strcmp(alias, "HK") == 0 &&
	    strcmp(remark, "r") == 0 && strcmp(tags, "18,42") == 0, "1 nickname, 2 alias, 3 remark, 8 tags");
	free(nick), free(alias), free(remark), free(tags);
	is_int(wxf_ios_contact_remark(rem, 4, &nick, &alias, &remark, &tags), -1,
	    "a truncated dbContactRemark is malformed");
	free(nick), free(alias), free(remark), free(tags);
	/* LoginInfo2.dat: {1: (len, {1 wxid, 3 nickname})} */
	li[n++] = 0x0a, li[n++] = 13, li[n++] = 12;
	li[n++] = 0x0a, li[n++] = 6, memcpy(li + n, "wxid_a", 6), n += 6;
	li[n++] = 0x1a, li[n++] = 2, li[n++] = 'N', li[n++] = 'n';
	wxf_md5_hex("wxid_a", 6, h);
	is_int(wxf_ios_logininfo(li, n, h, &o), 1, "LoginInfo2.dat: the record of md5(wxid)");
	ok(o.wxid && strcmp(o.wxid, "wxid_a") == 0 && o.nickname && strcmp(o.nickname, "Nn") == 0,
	    "wxid and nickname");
	wxf_ios_owner_free(&o);
	is_int(wxf_ios_logininfo(li, n, "00000000000000000000000000000000", &o), 0,
	    "LoginInfo2.dat: no record for another account");
	li[2] = 200;
	is_int(wxf_ios_logininfo(li, n, NULL, &o), WXF_ECORRUPT, "a record length past the end is "
	    "malformed");
}

int
main(void)
{
	test_rfc3394();
	test_keybag();
	test_mbfile();
	test_mbdb();
	test_mmkv();
	test_archive();
	test_protobufs();
	return tap_done();
}
