/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Desktop clients' structures with inline byte fixtures: the ExtraBuf TLV walked in order (a
 * decoy tag inside an earlier UTF-16 value is not read as the phone), BytesExtra items,
 * RoomData members, packed_info md5s, UTF-16LE text with surrogates and damage, WCDB key
 * strings (case, duplicates, malformed lengths and digits), image .dat layouts: 3.x XOR keys
 * from each signature, a 4.x V1 file written by python3-cryptography (fixtures/gen/desk_dat.py)
 * decoded back to its JPEG, V2 key derivation and the folder-suffix check (vectors from
 * Python's hashlib).
 */
#include "config.h"
#include "tap.h"
#include "base/wxf_hash.h"
#include "decrypt/decrypt.h"
#include "wechat/wc_dat.h"
#include "wechat/wc_desk_blob.h"

#include <stdlib.h>
#include <string.h>

static size_t
unhex(const char *h, uint8_t *out)
{
	size_t n = strlen(h) / 2;

	wxf_unhex(h, out, n);
	return n;
}

static void
test_extrabuf(void)
{
	/* signature 46CF10C4 (type 18) whose UTF-16 text holds the bytes 75 93 78 AD, then the
	 * phone 759378AD = "138" in UTF-16LE, then gender 74752C06 (type 04) */
	static const uint8_t b[] = {
		0x46, 0xcf, 0x10, 0xc4, 0x18, 0x08, 0x00, 0x00, 0x00,
		0x75, 0x93, 0x78, 0xad, 0x18, 0x00, 0x31, 0x00,
		0x75, 0x93, 0x78, 0xad, 0x18, 0x06, 0x00, 0x00, 0x00, '1', 0, '3', 0, '8', 0,
		0x74, 0x75, 0x2c, 0x06, 0x04, 0x02, 0x00, 0x00, 0x00,
		0x4d, 0x6c, 0x45, 0x70, 0x05, 1, 2, 3, 4, 5, 6, 7, 8,
		0x04, 0x51, 0xff, 0x12, 0x02, 0x01,
	};
	wxf_cur c = wxf_cur_make(b, sizeof(b));
	wxf_extrabuf_ent e;
	char s[32];
	int n = 0, phone = 0;

	while (wxf_extrabuf_next(&c, &e) == 1) {
		n++;
		if (wxf_extrabuf_is(&e, "759378ad")) {
			phone++;
			wxf_utf16le_to_utf8(e.p, e.n, s, sizeof(s));
			is_str(s, "138", "ExtraBuf: the phone entry's value");
			is_int((long)e.off, 17, "ExtraBuf: the phone entry starts after the signature");
		}
		if (wxf_extrabuf_is(&e, "74752C06"))
			is_int((long)e.num, 2, "ExtraBuf: gender uint32 LE");
		if (e.type == 0x05)
			ok(e.num == 0x0807060504030201ULL, "ExtraBuf: type 05 is 8 bytes LE");
	}
	is_int(n, 5, "ExtraBuf: five entries walked in order");
	is_int(phone, 1, "ExtraBuf: one phone entry (the decoy inside the signature is not one)");
	c = wxf_cur_make(b, 20);
	wxf_extrabuf_next(&c, &e);
	ok(wxf_extrabuf_next(&c, &e) < 0, "ExtraBuf: a value cut short is corruption");
	{
		static const uint8_t u[] = { 0x12, 0x34, 0x56, 0x78, 0x09, 0, 0, 0, 0 };

		c = wxf_cur_make(u, sizeof(u));
		ok(wxf_extrabuf_next(&c, &e) < 0, "ExtraBuf: an unknown type ends the walk");
	}
}

static void
test_utf16(void)
{
	/* U+1F600 as a surrogate pair, 'A', a lone low surrogate, then a NUL unit */
	static const uint8_t u[] = { 0x3d, 0xd8, 0x00, 0xde, 'A', 0, 0x00, 0xdc, 0, 0, 'B', 0 };
	char s[32], t[4];

	wxf_utf16le_to_utf8(u, sizeof(u), s, sizeof(s));
	is_str(s, "\xf0\x9f\x98\x80" "A\xef\xbf\xbd", "UTF-16LE: surrogate pair, lone surrogate, stop at NUL");
	wxf_utf16le_to_utf8(u, sizeof(u), t, sizeof(t));
	ok(strlen(t) < 4, "UTF-16LE: output bounded");
}

static void
test_bytesextra(void)
{
	/* 1: {1:16, 2:0}; 3: {1:1, 2:"wxid_x"}; 3: {1:4, 2:"a\\b.dat"}; 3: {2:"no type"} */
	static const char *hex = "0a0408101000" "1a0a0801" "12067778" "69645f78"
	    "1a0b0804" "1207615c622e646174" "1a09" "12076e6f2074797065";
	uint8_t b[128];
	size_t n = unhex(hex, b), k = 0;
	wxf_bytesextra_item it[4];

	is_int(wxf_bytesextra_parse(b, n, it, 4, &k), WXF_OK, "BytesExtra: parses");
	is_int((long)k, 2, "BytesExtra: two typed items (one without a type skipped)");
	ok(k == 2 && it[0].type == 1 && it[0].n == 6 && memcmp(it[0].p, "wxid_x", 6) == 0,
	    "BytesExtra: item 1 = the group sender");
	ok(k == 2 && it[1].type == 4 && it[1].n == 7, "BytesExtra: item 4 = the image path");
	is_int(wxf_bytesextra_parse(b, n - 3, it, 4, &k), WXF_ECORRUPT, "BytesExtra: cut short");
}

static void
test_roomdata(void)
{
	/* 1: {1:"u1", 2:"D"}, 1: {2:"x"} (no user: skipped), 1: {1:"u2"}, 5: 500 */
	static const char *hex = "0a07" "0a027531" "120144" "0a03" "120178" "0a04" "0a027532" "28f403";
	uint8_t b[64];
	size_t n = unhex(hex, b);
	wxf_cur c = wxf_cur_make(b, n);
	wxf_roomdata_member m;

	ok(wxf_roomdata_next(&c, &m) == 1 && m.user_n == 2 && m.display_n == 1 && m.display[0] == 'D',
	    "RoomData: member with a display name");
	ok(wxf_roomdata_next(&c, &m) == 1 && m.user[1] == '2' && m.display == NULL,
	    "RoomData: a member without a username is skipped; the next has no display name");
	is_int(wxf_roomdata_next(&c, &m), 0, "RoomData: end");
}

static void
test_packed_info(void)
{
	uint8_t b[128];
	char img[33], vid[33];
	/* 1:106, 3:{4:"0123456789ABCDEF0123456789abcdef"} */
	size_t n = unhex("086a" "1a22" "2220" "30313233343536373839414243444546"
	    "30313233343536373839616263646566", b);

	is_int(wxf_packed_info(b, n, img, vid), WXF_OK, "packed_info: parses");
	is_str(img, "0123456789abcdef0123456789abcdef", "packed_info: image md5, lowercase");
	is_str(vid, "", "packed_info: no video md5");
}

static void
test_keystr(void)
{
	static const char *k = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
	static const char *s = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
	char buf[600];
	wxf_wcdb_keystr *v = NULL;
	size_t n = 0;

	/* a valid string, the same in capitals (a duplicate), one digit short, a bad digit,
	 * and a second key */
	snprintf(buf, sizeof(buf), "..x'%s%s'..X'%s%s'..x'%.94s'..x'g%.95s'..x'%s%s'", k, s, k, s,
	    k, k, s, k);
	for (char *p = buf + 4 + 99 + 2; p < buf + 4 + 99 + 2 + 99; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	ok(wxf_wcdb_keystr_scan((const uint8_t *)buf, strlen(buf), &v, &n, NULL) == WXF_OK,
	    "WCDB key strings: scan");
	is_int((long)n, 2, "WCDB key strings: two distinct (key, salt) pairs");
	ok(n == 2 && v[0].offset == 2 && v[0].key[31] == 0x1f && v[0].salt[0] == 0xf0,
	    "WCDB key strings: key and salt decoded, offset of the x");
	ok(n == 2 && v[1].key[0] == 0xf0 && v[1].salt[15] == 0x1f, "WCDB key strings: the second");
	free(v);
}

static void
test_dat(void)
{
	static const char *v1hex = "070856310807200000000200000001ef4b1bd9ea2b1b7a2c88db287dd84bf000aa"
	    "e4715894624d5731212e88dad0a3a4bd516ab4a5f4dae57b06e5e2ab77007b828990979ea5acb3bac1c8cf"
	    "d6dde4ebf2f900070e151c232a31383f464d545b626970777e858c939aa1a8afb6bddef8";
	static const char *jpghex = "ffd8fffe0006756e6974ffdb004300040b121920272e353c434a51585f666d74"
	    "7b828990979ea5acb3bac1c8cfd6dde4ebf2f900070e151c232a31383f464d545b626970777e858c939aa1"
	    "a8afb6bdffd9";
	static const uint8_t v1key[16] = "cfcd208495d565ef";
	uint8_t f[256], jpg[128], x = 0, *out = NULL, png[8] = { 0x89, 'P', 'N', 'G', 13, 10, 26, 10 };
	size_t fn = unhex(v1hex, f), jn = unhex(jpghex, jpg), on = 0, i;
	wxf_dat_info in;
	const char *type;
	uint8_t key[16];

	is_int(wxf_dat_header(f, fn, &in), WXF_OK, "dat V1: header");
	ok(in.kind == WXF_DAT_V1 && in.aes_len == 32 && in.xor_len == 2, "dat V1: lengths");
	ok(wxf_dat_key_ok(f, fn, &in, v1key, &type) && strcmp(type, "jpeg") == 0,
	    "dat V1: the fixed key opens the first block to a JPEG signature");
	ok(wxf_dat_tail_xor(f, fn, &in, &x) && x == 0x21, "dat V1: tail XOR byte from the JPEG end");
	ok(wxf_dat_decode(f, fn, &in, v1key, x, &out, &on, NULL) == WXF_OK && on == jn &&
	    memcmp(out, jpg, jn) == 0, "dat V1: decoded to the original JPEG");
	free(out);
	key[0] = 'x';
	memcpy(key + 1, v1key + 1, 15);
	ok(!wxf_dat_key_ok(f, fn, &in, key, NULL), "dat V1: another key does not open it");
	f[6] = 0xff;
	ok(wxf_dat_header(f, fn, &in) == WXF_ECORRUPT, "dat V1: aes_len beyond the file refused");
	/* 3.x XOR: a PNG with key 0x37 */
	for (i = 0; i < 8; i++)
		png[i] ^= 0x37;
	ok(wxf_dat_header(png, 8, &in) == WXF_OK && in.kind == WXF_DAT_XOR && in.xor_key == 0x37 &&
	    strcmp(in.type, "png") == 0, "dat 3.x: XOR key from the PNG signature");
	png[2] ^= 1;
	ok(wxf_dat_header(png, 8, &in) == WXF_OK && in.kind != WXF_DAT_XOR,
	    "dat 3.x: one wrong byte of the signature: not taken");
	/* V2 key from uin and wxid (python: md5(b"1234567890wxid_abc").hexdigest()[:16]) */
	wxf_dat_v2_key(1234567890ULL, "wxid_abc", key);
	ok(memcmp(key, "633c32ae46562b3b", 16) == 0, "dat V2: key = md5(uin + wxid)[0:16]");
	ok(wxf_dat_uin_suffix_ok(1234567890ULL, "e807") && !wxf_dat_uin_suffix_ok(1234567891ULL,
	    "e807"), "dat V2: folder suffix = md5(uin)[0:4]");
}

int
main(void)
{
	test_extrabuf();
	test_utf16();
	test_bytesextra();
	test_roomdata();
	test_packed_info();
	test_keystr();
	test_dat();
	return tap_done();
}
