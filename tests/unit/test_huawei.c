/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Huawei HiSuite / KoBackup unpacking against fixtures/backup/huawei.truth.json (written by
 * fixtures/backup/gen/make_huawei.py): both schemes give the plaintext tar of the truth file and
 * an Android tree whose files are byte-identical to fixtures/android/demo; wrong and missing
 * passwords; the hostile archive (../, absolute names, links, an 8 GiB member) writes nothing
 * outside the work dir; hostile info.xml inputs are refused.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/wxf_file.h"
#include "base/wxf_hash.h"
#include "base/wxf_mem.h"
#include "decrypt/decrypt.h"
#include "intake/huawei.h"
#include "wechat/wc_android_keys.h"
#include "tap.h"

#define PASSWORD "Daigou#2023"

static char top[4096], tmpd[4096];
static const char *const members[] = {
	"data/data/com.tencent.mm/shared_prefs/system_config_prefs.xml",
	"data/data/com.tencent.mm/shared_prefs/auth_info_key_prefs.xml",
	"data/data/com.tencent.mm/shared_prefs/com.tencent.mm_preferences.xml",
	"data/data/com.tencent.mm/MicroMsg/systemInfo.cfg",
	"data/data/com.tencent.mm/MicroMsg/CompatibleInfo.cfg",
	"data/data/com.tencent.mm/MicroMsg/3f697aed723585f78970087d60f92124/EnMicroMsg.db",
};

/* "tar_sha256" of the truth object `which` ("old" / "v14"). */
static char *
truth_tar(const char *which)
{
	char *path = wxf_xasprintf("%s/fixtures/backup/huawei.truth.json", top), *s, *out = NULL;
	uint8_t *d = NULL;
	size_t n = 0;
	char key[32];

	if (wxf_file_read_small(path, 1 << 20, &d, &n, NULL) == WXF_OK) {
		snprintf(key, sizeof(key), "\"%s\": {", which);
		s = strstr((char *)d, key);
		if (s != NULL && (s = strstr(s, "\"tar_sha256\": \"")) != NULL)
			out = wxf_xstrndup(s + 15, 64);
	}
	free(d);
	free(path);
	return out;
}

static int
same_file(const char *a, const char *b)
{
	wxf_hashes x, y;

	return wxf_hash_file(a, &x, NULL) == WXF_OK && wxf_hash_file(b, &y, NULL) == WXF_OK &&
	    strcmp(x.sha256, y.sha256) == 0;
}

static int
tree_inside(const char *dir, const char *root)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int bad = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char *p;
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		p = wxf_path_join(dir, de->d_name);
		if (lstat(p, &st) != 0 || S_ISLNK(st.st_mode) || !wxf_path_is_inside(p, root))
			bad++;
		else if (S_ISDIR(st.st_mode))
			bad += tree_inside(p, root);
		free(p);
	}
	closedir(d);
	return bad;
}

static void
scheme(const char *which, wxf_hw_scheme want)
{
	char *folder = wxf_xasprintf("%s/fixtures/backup/huawei/%s", top, which);
	char *work = wxf_xasprintf("%s/work-%s", tmpd, which);
	char *bad = wxf_xasprintf("%s/work-%s-wrong", tmpd, which);
	char *tsha = truth_tar(which);
	wxf_huawei_result r;
	wxf_err e;
	int rc;

	ok(wxf_huawei_probe(folder), "%s: recognised", which);
	wxf_err_clear(&e);
	rc = wxf_huawei_unpack(folder, "wrong password", bad, &r, &e);
	is_int(rc, WXF_EKEY, "%s: wrong password refused (%s)", which, e.msg);
	ok(strstr(e.msg, "wrong password") != NULL, "%s: clear message", which);
	{
		char *plain = wxf_path_join(bad, "com.tencent.mm.tar.plain");
		char *tree = wxf_path_join(bad, "com.tencent.mm");

		ok(!wxf_is_file(plain) && !wxf_is_dir(tree), "%s: wrong password extracts nothing",
		    which);
		free(plain);
		free(tree);
	}
	wxf_huawei_result_free(&r);
	wxf_err_clear(&e);
	rc = wxf_huawei_unpack(folder, NULL, work, &r, &e);
	is_int(rc, WXF_EUNSUPPORTED, "%s: no password: password needed", which);
	wxf_huawei_result_free(&r);

	wxf_err_clear(&e);
	rc = wxf_huawei_unpack(folder, PASSWORD, work, &r, &e);
	is_int(rc, WXF_OK, "%s: unpacked (%s)", which, e.msg);
	is_int(r.scheme, want, "%s: scheme %s", which, wxf_hw_scheme_name(r.scheme));
	ok(r.password_ok, "%s: password verified", which);
	is_int(r.n_modules, 2, "%s: two modules listed", which);
	if (r.n_archives == 1) {
		wxf_huawei_archive *a = &r.archives[0];

		is_str(a->sha256_tar, tsha, "%s: decrypted tar = truth", which);
		is_int(a->n_files, 6, "%s: six files extracted", which);
		is_int(a->n_refused + a->n_links, 0, "%s: nothing refused", which);
		if (want == WXF_HW_SCHEME_V14)
			is_int(a->check, 1, "%s: checkMsgV3 HMAC and GCM tag verified", which);
		for (size_t i = 0; i < sizeof(members) / sizeof(*members); i++) {
			char *x = wxf_xasprintf("%s/%s", a->out_dir, members[i]);
			char *y = wxf_xasprintf("%s/fixtures/android/demo/%s", top, members[i]);

			ok(same_file(x, y), "%s: %s identical to the unwrapped tree", which,
			    strrchr(members[i], '/') + 1);
			free(x);
			free(y);
		}
		{
			char **acc = wxf_android_find_accounts(a->out_dir);

			ok(acc && acc[0] && strstr(acc[0], "3f697aed723585f78970087d60f92124") && !acc[1],
			    "%s: the Android pipeline finds the account", which);
			for (size_t i = 0; acc && acc[i]; i++)
				free(acc[i]);
			free(acc);
		}
	} else {
		ok(0, "%s: one archive (%zu)", which, r.n_archives);
	}
	is_int(r.n_android_roots, 1, "%s: one Android tree", which);
	is_int(tree_inside(work, work), 0, "%s: everything inside the work dir", which);
	wxf_huawei_result_free(&r);
	free(tsha);
	free(folder);
	free(work);
	free(bad);
}

static void
hostile(void)
{
	char *folder = wxf_xasprintf("%s/fixtures/backup/huawei-hostile", top);
	char *work = wxf_xasprintf("%s/hw-hostile/work", tmpd);
	char *outside = wxf_xasprintf("%s/hw-hostile/escape-dotdot.txt", tmpd);
	char *outside2 = wxf_xasprintf("%s/escape-mid.txt", tmpd);
	static const char *const xmls[] = { "info-doctype.xml", "info-xxe.xml", "info-deep.xml" };
	wxf_huawei_result r;
	wxf_err e;
	int rc;

	wxf_err_clear(&e);
	rc = wxf_huawei_unpack(folder, PASSWORD, work, &r, &e);
	is_int(rc, WXF_OK, "hostile: unpack completes (%s)", e.msg);
	if (r.n_archives == 1) {
		wxf_huawei_archive *a = &r.archives[0];

		is_int(a->n_refused, 2, "hostile: ../ members refused");
		is_int(a->n_links, 2, "hostile: symlink and hardlink recorded, not created");
		ok(a->tar_error, "hostile: the 8 GiB member ends the stream with an error");
		is_int(a->n_files, 7, "hostile: good members (and the absolute name made relative) kept");
	} else {
		ok(0, "hostile: one archive");
	}
	ok(r.n_warnings >= 5, "hostile: warnings (%zu)", r.n_warnings);
	is_int(tree_inside(work, work), 0, "hostile: no link, nothing outside the work dir");
	ok(!wxf_is_file(outside) && !wxf_is_file(outside2) &&
	    !wxf_is_file("/tmp/wxf-escape-absolute.txt"), "hostile: no escaped file");
	wxf_huawei_result_free(&r);
	for (size_t i = 0; i < 3; i++) {
		char *p = wxf_xasprintf("%s/%s", folder, xmls[i]);
		uint8_t *d = NULL;
		size_t n = 0;
		wxf_hw_info in;

		wxf_file_read_small(p, 1 << 20, &d, &n, NULL);
		is_int(wxf_hw_info_parse(d, n, &in, NULL), WXF_ECORRUPT, "hostile %s refused", xmls[i]);
		wxf_hw_info_free(&in);
		free(d);
		free(p);
	}
	{
		char *p = wxf_xasprintf("%s/info-badhex.xml", folder);
		uint8_t *d = NULL;
		size_t n = 0;
		wxf_hw_info in;

		wxf_file_read_small(p, 1 << 20, &d, &n, NULL);
		is_int(wxf_hw_info_parse(d, n, &in, NULL), WXF_OK, "bad hex fields: parsed");
		ok(in.e_perbackupkey_n == 0 && in.pwkey_salt_n == 0 && in.check_msg_n == 0 &&
		    in.n_modules == 2 && !in.modules[0].has_enc, "bad hex fields: ignored, not trusted");
		wxf_hw_info_free(&in);
		free(d);
		free(p);
	}
	free(folder);
	free(work);
	free(outside);
	free(outside2);
}

int
main(void)
{
	const char *t = getenv("top_srcdir");
	char tmpl[] = "/tmp/wxf-hw.XXXXXX";

	snprintf(top, sizeof(top), "%s", t ? t : ".");
	if (mkdtemp(tmpl) == NULL)
		return 1;
	snprintf(tmpd, sizeof(tmpd), "%s", tmpl);
	scheme("old", WXF_HW_SCHEME_OLD);
	scheme("v14", WXF_HW_SCHEME_V14);
	hostile();
	{
		char *cmd = wxf_xasprintf("rm -rf '%s'", tmpd);

		if (system(cmd) != 0)
			diag("could not remove %s", tmpd);
		free(cmd);
	}
	return tap_done();
}
