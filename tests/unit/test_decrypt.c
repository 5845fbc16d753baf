/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/decrypt: profile table, key vectors, page codec on SQLCipher's reference
 * databases (../shared, skipped when absent), tamper detection, error paths, the
 * Java-serialization walker on JDK-written files, Android derivation, key searches.
 */
#include "config.h"
#include "tap.h"
#include "decrypt/decrypt.h"
#include "wechat/wc_android_keys.h"
#include "base/wxf_file.h"
#include "base/wxf_hash.h"
#include "base/wxf_mem.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *top, *shared;
static char tmpdir[] = "/tmp/wxf-test-decrypt-XXXXXX";

static char *
path2(const char *a, const char *b)
{
	return wxf_xasprintf("%s/%s", a, b);
}

static void
test_profiles(void)
{
	char d[200], pass[8];
	wxf_key k;
	wxf_err e;

	ok(wxf_profile_count() >= 10, "profile table has the WeChat and SQLCipher profiles");
	ok(wxf_profile_find("android") && wxf_profile_find("android")->page_size == 1024 &&
	    wxf_profile_find("android")->reserve == 16 && !wxf_profile_find("android")->hmac,
	    "android: page 1024, reserve 16, no HMAC");
	ok(wxf_profile_find("win3")->kdf_iter == 64000 && wxf_profile_find("win3")->reserve == 48,
	    "win3: 64000 rounds, reserve 48");
	ok(wxf_profile_find("wx4")->hmac == WXF_HMAC_SHA512 && wxf_profile_find("wx4")->reserve == 80,
	    "wx4: HMAC-SHA512, reserve 80");
	ok(wxf_profile_find("mac3")->kdf == WXF_KDF_NONE, "mac3: raw key");
	ok(wxf_profile_find("nope") == NULL, "unknown profile is NULL");
	wxf_profile_describe(wxf_profile_find("android"), d, sizeof(d));
	is_str(d, "PBKDF2-HMAC-SHA1 4000, page 1024, no HMAC, reserve 16", "describe android");
	wxf_android_pass("1234567890ABCDEF", "123456", pass);
	is_str(pass, "9dcbb6e", "Android key vector md5(1234567890ABCDEF123456)[:7]");
	wxf_err_clear(&e);
	is_int(wxf_key_from_text(&k, "x'000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'",
	    WXF_KEY_RAW, &e), WXF_OK, "x'hex' raw key");
	ok(k.len == 32 && k.bytes[31] == 0x1f, "raw key decoded");
	is_int(wxf_key_from_text(&k, "abc", WXF_KEY_RAW, &e), WXF_EUSAGE, "short raw key refused");
	is_int(wxf_key_from_text(&k, "testkey", WXF_KEY_PASSPHRASE, &e), WXF_OK, "text passphrase");
	wxf_key_display(&k, 0, d, sizeof(d));
	ok(strstr(d, "testkey") == NULL && strstr(d, "redacted") != NULL, "key redacted by default");
	wxf_key_display(&k, 1, d, sizeof(d));
	is_str(d, "testkey", "key shown with reveal");
}

static const struct {
	const char *file, *profile;
	uint64_t pages;
	int hmac;
} refdbs[] = {
	{ "sqlcipher-1.1.8-testkey.db", "android", 990, 0 },
	{ "sqlcipher-2.0-le-testkey.db", "sqlcipher2", 1000, 1 },
	{ "sqlcipher-2.0-be-testkey.db", "sqlcipher2-be", 1000, 1 },
	{ "sqlcipher-2.0-beta-testkey.db", "sqlcipher2-beta", 1011, 1 },
	{ "sqlcipher-3.0-testkey.db", "sqlcipher3", 1000, 1 },
	{ "sqlcipher-4.0-testkey.db", "wx4", 239, 1 },
};

static void
test_refdbs(void)
{
	wxf_key k;
	wxf_err e;
	size_t i;

	if (shared == NULL) {
		ok(1, "# SKIP SHARED_DIR/external/sqlcipher-testdbs not present");
		return;
	}
	wxf_key_from_text(&k, "testkey", WXF_KEY_PASSPHRASE, NULL);
	for (i = 0; i < sizeof(refdbs) / sizeof(refdbs[0]); i++) {
		char *in = wxf_xasprintf("%s/external/sqlcipher-testdbs/%s", shared, refdbs[i].file);
		char *out = wxf_xasprintf("%s/%s", tmpdir, refdbs[i].file);
		wxf_decrypt_report r;
		wxf_decrypt_opts o;
		wxf_map m;
		int rc;

		memset(&o, 0, sizeof(o));
		o.jobs = 2;
		wxf_err_clear(&e);
		rc = wxf_decrypt_file(in, out, &k, NULL, &o, &r, &e);
		is_int(rc, WXF_OK, "%s decrypts (%s)", refdbs[i].file, e.msg);
		is_str(r.profile ? r.profile->name : "", refdbs[i].profile, "%s: detected profile",
		    refdbs[i].file);
		is_int(r.db.n_pages, refdbs[i].pages, "%s: page count", refdbs[i].file);
		is_int(refdbs[i].hmac ? r.db.n_good : r.db.n_unverified, refdbs[i].pages,
		    "%s: every page %s", refdbs[i].file, refdbs[i].hmac ? "HMAC-verified" : "decrypted");
		is_int(r.db.n_bad, 0, "%s: no bad page", refdbs[i].file);
		if (wxf_map_open(&m, out, NULL) == WXF_OK) {
			ok(m.size == r.db.size && memcmp(m.data, "SQLite format 3", 16) == 0 &&
			    m.data[20] == r.profile->reserve, "%s: plaintext header, reserve byte kept",
			    refdbs[i].file);
			wxf_map_close(&m);
		} else
			ok(0, "%s: output readable", refdbs[i].file);
		wxf_decrypt_report_free(&r);
		free(in);
		free(out);
	}
}

static void
test_damage(void)
{
	char *in, *bad, *out;
	uint8_t *buf = NULL;
	size_t len = 0;
	wxf_key k;
	wxf_err e;
	wxf_decrypt_report r;
	int rc;

	if (shared == NULL) {
		ok(1, "# SKIP no reference databases");
		return;
	}
	in = wxf_xasprintf("%s/external/sqlcipher-testdbs/sqlcipher-4.0-testkey.db", shared);
	bad = path2(tmpdir, "tampered.db");
	out = path2(tmpdir, "tampered.plain");
	wxf_err_clear(&e);
	if (wxf_file_read_small(in, 4u << 20, &buf, &len, &e) != WXF_OK) {
		ok(0, "read %s", in);
		return;
	}
	/* the upstream integrity test: bytes in pages 2, 3, 4 */
	buf[5120] ^= 1;
	buf[12208] ^= 1;
	buf[16320] ^= 1;
	wxf_file_write(bad, buf, len, NULL);
	wxf_key_from_text(&k, "testkey", WXF_KEY_PASSPHRASE, NULL);
	rc = wxf_decrypt_file(bad, out, &k, NULL, NULL, &r, &e);
	is_int(rc, WXF_OK, "tampered file still decrypts");
	is_int(r.db.n_bad, 3, "three bad pages");
	ok(r.db.n_bad_list == 3 && r.db.bad[0] == 2 && r.db.bad[1] == 3 && r.db.bad[2] == 4,
	    "bad pages listed: 2 3 4");
	is_int(r.db.n_pages, 239, "no page dropped");
	wxf_decrypt_report_free(&r);

	wxf_key_from_text(&k, "wrongkey", WXF_KEY_PASSPHRASE, NULL);
	wxf_err_clear(&e);
	rc = wxf_decrypt_file(in, out, &k, "wx4", NULL, &r, &e);
	is_int(rc, WXF_EKEY, "wrong key: WXF_EKEY");
	ok(strstr(e.msg, "wrong key") != NULL, "wrong key: clear message (%s)", e.msg);
	wxf_decrypt_report_free(&r);

	wxf_file_write(bad, buf, 500, NULL);
	wxf_key_from_text(&k, "testkey", WXF_KEY_PASSPHRASE, NULL);
	wxf_err_clear(&e);
	is_int(wxf_decrypt_file(bad, out, &k, NULL, NULL, &r, &e), WXF_ECORRUPT,
	    "truncated below one page: WXF_ECORRUPT (%s)", e.msg);
	wxf_decrypt_report_free(&r);

	/* cut in the middle of page 10: nine pages + trailing bytes */
	wxf_file_write(bad, buf, 4096 * 9 + 100, NULL);
	wxf_err_clear(&e);
	rc = wxf_decrypt_file(bad, out, &k, "wx4", NULL, &r, &e);
	ok(rc == WXF_OK && r.db.n_pages == 9 && r.db.trailing == 100,
	    "truncated file: whole pages decrypted, trailing bytes reported");
	wxf_decrypt_report_free(&r);

	memcpy(buf, "SQLite format 3", 16);
	wxf_file_write(bad, buf, len, NULL);
	wxf_err_clear(&e);
	is_int(wxf_decrypt_file(bad, out, &k, NULL, NULL, &r, &e), WXF_EUNSUPPORTED,
	    "plaintext SQLite: WXF_EUNSUPPORTED (%s)", e.msg);
	wxf_decrypt_report_free(&r);

	{
		size_t i;

		for (i = 0; i < 8192; i++)
			buf[i] = (uint8_t)(i * 7 + 3);
		wxf_file_write(bad, buf, 8192, NULL);
		wxf_err_clear(&e);
		is_int(wxf_decrypt_file(bad, out, &k, NULL, NULL, &r, &e), WXF_EKEY,
		    "not a database: no profile opens it (%s)", e.msg);
		wxf_decrypt_report_free(&r);
	}
	free(buf);
	free(in);
	free(bad);
	free(out);
}

static void
test_javaser(void)
{
	char *p = path2(top, "fixtures/decrypt/android-tree/apps/com.tencent.mm/r/MicroMsg/systemInfo.cfg");
	char *q = path2(top, "fixtures/decrypt/android-tree/apps/com.tencent.mm/r/MicroMsg/CompatibleInfo.cfg");
	uint8_t *buf = NULL, *cp;
	size_t len = 0, i;
	wxf_jmap m;
	wxf_err e;
	const wxf_jval *v;
	unsigned crashes_avoided = 0;

	wxf_err_clear(&e);
	if (wxf_file_read_small(p, 1 << 20, &buf, &len, &e) != WXF_OK) {
		ok(0, "read systemInfo.cfg: %s", e.msg);
		return;
	}
	is_int(wxf_jser_read_map(buf, len, &m, &e), WXF_OK, "systemInfo.cfg parses (%s)", e.msg);
	is_int(m.n, 8, "8 entries");
	v = wxf_jmap_get_int(&m, 1);
	ok(v && v->kind == WXF_JV_INT && v->i == -1234567890, "key 1 = Integer -1234567890");
	v = wxf_jmap_get_int(&m, 6);
	ok(v && v->kind == WXF_JV_STRING && strcmp(v->s, "wxid_demo_seller") == 0,
	    "key 6: string given as a back reference");
	v = wxf_jmap_get_int(&m, 3);
	ok(v && v->kind == WXF_JV_LONG && v->i == 1700000000123LL, "key 3 = Long");
	v = wxf_jmap_get_int(&m, 5);
	ok(v && v->kind == WXF_JV_BYTES && v->n == 4, "key 5 = byte[4]");
	wxf_jmap_free(&m);
	/* every truncation and many bit flips: no crash, an error or a partial map */
	cp = malloc(len);
	for (i = 0; i < len; i++) {
		wxf_err_clear(&e);
		if (wxf_jser_read_map(buf, i, &m, &e) != WXF_OK)
			crashes_avoided++;
		wxf_jmap_free(&m);
	}
	is_int(crashes_avoided, len, "every truncated prefix is refused cleanly");
	for (i = 0; i < len * 8; i += 3) {
		memcpy(cp, buf, len);
		cp[i / 8] ^= (uint8_t)(1u << (i % 8));
		wxf_jser_read_map(cp, len, &m, NULL);
		wxf_jmap_free(&m);
	}
	ok(1, "bit flips survived");
	free(cp);
	free(buf);
	buf = NULL;
	if (wxf_file_read_small(q, 1 << 20, &buf, &len, &e) == WXF_OK &&
	    wxf_jser_read_map(buf, len, &m, &e) == WXF_OK) {
		v = wxf_jmap_get_int(&m, 258);
		ok(v && v->kind == WXF_JV_STRING && strcmp(v->s, "867530912345678") == 0,
		    "CompatibleInfo.cfg key 258 = device id");
		wxf_jmap_free(&m);
	} else
		ok(0, "CompatibleInfo.cfg parses: %s", e.msg);
	free(buf);
	{
		static const uint8_t notmap[] = { 0xac, 0xed, 0x00, 0x05, 0x74, 0x00, 0x02, 'h', 'i' };
		static const uint8_t deep[] = { 0xac, 0xed, 0x00, 0x05, 0x71, 0x00, 0x7e, 0x00, 0x05 };

		is_int(wxf_jser_read_map(notmap, sizeof(notmap), &m, &e), WXF_EUNSUPPORTED,
		    "a top-level String is not a map");
		wxf_jmap_free(&m);
		is_int(wxf_jser_read_map(deep, sizeof(deep), &m, &e), WXF_ECORRUPT,
		    "reference to an unknown handle");
		wxf_jmap_free(&m);
	}
	free(p);
	free(q);
}

static void
test_android(void)
{
	char *tree = path2(top, "fixtures/decrypt/android-tree");
	char **acc = wxf_android_find_accounts(tree), *root, *db;
	wxf_android_inputs in;
	wxf_key k;
	wxf_err e;
	uint64_t tried = 0;
	size_t i;

	ok(acc != NULL && acc[0] != NULL && acc[1] == NULL, "one account found in the tree");
	if (acc == NULL || acc[0] == NULL)
		return;
	root = wxf_android_app_root(tree, acc[0]);
	ok(root != NULL && strstr(root, "com.tencent.mm/r") != NULL, "app root found");
	wxf_err_clear(&e);
	wxf_android_inputs_collect(root, acc[0], NULL, &in, &e);
	ok(in.n_uins == 2 && strcmp(in.uins[0].value, "-1234567890") == 0 && in.uins[0].matches_acct,
	    "uin from prefs and systemInfo.cfg, signed first (matches account folder)");
	ok(in.n_uins == 2 && strcmp(in.uins[1].value, "3060399406") == 0, "unsigned variant also tried");
	ok(in.n_ids >= 2 && strcmp(in.ids[0].value, "867530912345678") == 0 &&
	    strcmp(in.ids[in.n_ids - 1].value, "1234567890ABCDEF") == 0,
	    "device id from CompatibleInfo.cfg, fallback last");
	for (i = 0; i < in.n_uins; i++)
		ok(strstr(in.uins[i].source, "system_config_prefs.xml") != NULL, "source kept");
	db = path2(acc[0], "EnMicroMsg.db");
	is_int(wxf_android_key_derive(db, &in, &k, &tried, &e), WXF_OK, "key derived (%s)", e.msg);
	ok(k.len == 7 && memcmp(k.bytes, "fec34a9", 7) == 0, "key matches the truth file");
	is_int((int)k.n_inputs, 2, "two inputs recorded");
	is_str(k.inputs[0].name, "uin", "inputs recorded: uin first");
	is_str(k.inputs[0].value, "-1234567890", "inputs recorded: uin");
	is_str(k.inputs[1].name, "device_id", "inputs recorded: device id second");
	is_str(k.inputs[1].value, "867530912345678", "inputs recorded: device id");
	is_int(tried, 1, "first candidate wins");
	ok(strstr(k.how, "fec34a9") == NULL, "key not in its description");
	wxf_android_inputs_free(&in);
	for (i = 0; acc[i]; i++)
		free(acc[i]);
	free(acc);
	free(root);
	free(db);
	free(tree);
}

static void
test_searches(void)
{
	char *db = path2(top, "fixtures/decrypt/android/EnMicroMsg.db");
	char *state = path2(tmpdir, "search.state");
	wxf_keysearch_opts o;
	wxf_keysearch_result r;
	wxf_memsearch_opts mo;
	wxf_memsearch_result mr;
	wxf_err e;

	memset(&o, 0, sizeof(o));
	o.jobs = 2;
	o.prefix = "9dcbb";
	o.state_path = state;
	o.max_candidates = 64;
	wxf_err_clear(&e);
	is_int(wxf_keysearch_android(db, &o, &r, &e), WXF_OK, "search, first part (%s)", e.msg);
	ok(!r.found && r.tested == 64 && r.space == 256, "64 of 256 tested, not found yet");
	o.max_candidates = 0;
	is_int(wxf_keysearch_android(db, &o, &r, &e), WXF_OK, "search resumed");
	ok(r.start == 64, "resumed at index 64");
	ok(r.found && memcmp(r.key.bytes, "9dcbb6e", 7) == 0, "key found: 9dcbb6e");
	ok(r.early_rejects + 1 >= r.tested, "wrong candidates rejected on the first header block");
	diag("search rate %.1f keys/s", r.rate);
	o.prefix = "zz";
	is_int(wxf_keysearch_android(db, &o, &r, &e), WXF_EUSAGE, "bad prefix refused");
	free(db);
	free(state);

	memset(&mo, 0, sizeof(mo));
	mo.jobs = 2;
	mo.no_raw = 1;
	db = path2(top, "fixtures/decrypt/win3/MSG0.db");
	state = path2(top, "fixtures/decrypt/dumps/dump-derived.raw");
	is_int(wxf_memsearch(state, db, &mo, &mr, &e), WXF_OK, "memory search runs");
	ok(mr.found && mr.key.dump_offset == 107208 && strcmp(mr.key.dump_kind, "derived") == 0 &&
	    strcmp(mr.profile->name, "win3") == 0, "derived win3 key found at the planted offset");
	free(db);
	free(state);
}

/* FIPS-197 appendix C.1 (AES-128) as two ECB blocks; whole blocks only. */
static void
test_aes128_ecb(void)
{
	uint8_t key[16], pt[16], ct[16], buf[32];
	wxf_aes128_ecb *c = NULL;

	wxf_unhex("000102030405060708090a0b0c0d0e0f", key, 16);
	wxf_unhex("00112233445566778899aabbccddeeff", pt, 16);
	wxf_unhex("69c4e0d86a7b0430d8cdb78070b4c55a", ct, 16);
	is_int(wxf_aes128_ecb_new(&c, key, NULL), WXF_OK, "aes128-ecb: context");
	memcpy(buf, ct, 16);
	memcpy(buf + 16, ct, 16);
	is_int(wxf_aes128_ecb_decrypt(c, buf, 32), WXF_OK, "aes128-ecb: two blocks decrypt");
	ok(memcmp(buf, pt, 16) == 0 && memcmp(buf + 16, pt, 16) == 0,
	    "aes128-ecb: FIPS-197 C.1 plaintext, each block alone (ECB)");
	is_int(wxf_aes128_ecb_decrypt(c, buf, 0), WXF_OK, "aes128-ecb: nothing to do");
	is_int(wxf_aes128_ecb_decrypt(c, buf, 20), WXF_ECRYPTO, "aes128-ecb: partial block refused");
	memcpy(buf, ct, 16);
	is_int(wxf_aes128_ecb_decrypt(c, buf, 16), WXF_OK, "aes128-ecb: usable after a refusal");
	ok(memcmp(buf, pt, 16) == 0, "aes128-ecb: same plaintext after the refusal");
	wxf_aes128_ecb_free(&c);
	ok(c == NULL, "aes128-ecb: freed");
}

int
main(void)
{
	char *s;

	top = getenv("top_srcdir");
	if (top == NULL)
		top = "..";
	shared = getenv("SHARED_DIR");
	if (shared != NULL) {
		s = wxf_xasprintf("%s/external/sqlcipher-testdbs/sqlcipher-3.0-testkey.db", shared);
		if (!wxf_is_file(s))
			shared = NULL;
		free(s);
	}
	if (mkdtemp(tmpdir) == NULL)
		return 1;
	test_profiles();
	test_aes128_ecb();
	test_refdbs();
	test_damage();
	test_javaser();
	test_android();
	test_searches();
	s = wxf_xasprintf("rm -rf '%s'", tmpdir);
	if (system(s) != 0)
		diag("could not remove %s", tmpdir);
	free(s);
	return tap_done();
}
