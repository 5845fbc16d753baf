/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reader → analysis on the Android fixtures, compared with the ground truth written by the
 * fixture generator (fixtures/android/<name>.truth.json: "seller" and
 * "ledger": {paid_fen, refunded_fen, net_fen, crpl55_fen}) — not with our own earlier output.
 *
 * The plaintext image is made at test time with the sqlcipher CLI (sqlcipher_export) in a
 * temporary directory, as tests/cli/test_android_truth.sh does.  Skipped when the CLI or the
 * fixtures are absent.  Environment: top_srcdir, SQLCIPHER_CLI (set by AM_TESTS_ENVIRONMENT).
 */
#include "config.h"
#include "analysis/analysis.h"
#include "base/wxf_buf.h"
#include "base/wxf_file.h"
#include "model/model.h"
#include "sqlite/sqlite.h"
#include "wechat/wc_android.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Value after "key": in a JSON text (string or integer; first occurrence after `from`).
 * Good enough for the generator's json.dump(indent=2, sort_keys=True) output. */
static int
json_find(const char *text, const char *from, const char *key, char *out, size_t n)
{
	char pat[128];
	const char *p = text, *e;

	if (from != NULL && (p = strstr(text, from)) == NULL)
		return 0;
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	if ((p = strstr(p, pat)) == NULL)
		return 0;
	p += strlen(pat);
	while (*p == ' ')
		p++;
	if (*p == '"') {
		p++;
		e = strchr(p, '"');
	} else {
		for (e = p; *e == '-' || (*e >= '0' && *e <= '9'); e++)
			;
	}
	if (e == NULL || (size_t)(e - p) >= n)
		return 0;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
	return 1;
}

static int64_t
json_int(const char *text, const char *from, const char *key)
{
	char v[64];

	return json_find(text, from, key, v, sizeof(v)) ? strtoll(v, NULL, 10) : INT64_MIN;
}

static int
has_cli(const char *cli)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "command -v '%s' >/dev/null 2>&1", cli);
	return system(cmd) == 0;
}

static void
run_fixture(const char *srcdir, const char *cli, const char *name)
{
	char truth_path[1024], fx[1024], tmpd[] = "/tmp/wxf-an-demo-XXXXXX", cmd[8192], plain[1200];
	char key[128], dbrel[512], seller[128];
	uint8_t *truth = NULL;
	size_t tlen = 0;
	wxf_err err;
	wxf_map map;
	wxf_sqlite_db *db = NULL;
	wxf_model *m = NULL;
	wxf_analysis *a = NULL;
	wxf_analysis_opts o;
	wxf_android_opts ao;
	int rc;

	snprintf(truth_path, sizeof(truth_path), "%s/fixtures/android/%s.truth.json", srcdir, name);
	snprintf(fx, sizeof(fx), "%s/fixtures/android/%s", srcdir, name);
	wxf_err_clear(&err);
	if (!wxf_is_file(truth_path) || !wxf_is_dir(fx) ||
	    wxf_file_read_small(truth_path, 64u << 20, &truth, &tlen, &err) != WXF_OK) {
		ok(1, "# SKIP %s: fixture absent", name);
		return;
	}
	if (!json_find((char *)truth, NULL, "key", key, sizeof(key)) ||
	    !json_find((char *)truth, NULL, "db_path", dbrel, sizeof(dbrel))) {
		ok(0, "%s: truth file has key and db_path", name);
		free(truth);
		return;
	}
	if (!json_find((char *)truth, NULL, "seller", seller, sizeof(seller))) {
		ok(1, "# SKIP %s: truth names no seller", name);
		free(truth);
		return;
	}
	if (mkdtemp(tmpd) == NULL) {
		ok(0, "mkdtemp");
		free(truth);
		return;
	}
	/* work on copies: opening a WAL database writes its -shm */
	snprintf(cmd, sizeof(cmd),
	    "cp '%s/%s' '%s/enc.db' && { [ ! -f '%s/%s-wal' ] || cp '%s/%s-wal' '%s/enc.db-wal'; } && "
	    "'%s' '%s/enc.db' \"PRAGMA key='%s'; PRAGMA cipher_use_hmac=OFF; "
	    "PRAGMA cipher_page_size=1024; PRAGMA kdf_iter=4000; "
	    "ATTACH DATABASE '%s/plain.db' AS p KEY ''; SELECT sqlcipher_export('p'); "
	    "DETACH DATABASE p;\" >/dev/null 2>'%s/sqlcipher.err'",
	    fx, dbrel, tmpd, fx, dbrel, fx, dbrel, tmpd, cli, tmpd, key, tmpd, tmpd);
	rc = system(cmd);
	snprintf(plain, sizeof(plain), "%s/plain.db", tmpd);
	if (!ok(rc == 0 && wxf_is_file(plain), "%s: plaintext image made with the sqlcipher CLI",
	    name))
		goto out;
	memset(&ao, 0, sizeof(ao));
	ao.evidence_path = dbrel;
	if (!ok(wxf_map_open(&map, plain, &err) == WXF_OK, "%s: map image", name))
		goto out;
	rc = wxf_sqlite_open(&db, map.data, map.size, &err);
	if (rc == WXF_OK)
		rc = wxf_model_new(&m, &err);
	if (rc == WXF_OK)
		rc = wxf_android_read_db(m, db, &ao, &err);
	if (rc == WXF_OK)
		rc = wxf_model_finish(m, &err);
	if (!ok(rc == WXF_OK, "%s: reader builds the model (%s)", name, err.msg))
		goto unmap;

	/* 1. no --seller: the ranking must propose the truth's seller */
	memset(&o, 0, sizeof(o));
	rc = wxf_analysis_run(m, &o, &a, &err);
	if (!ok(rc == WXF_OK, "%s: analysis without --seller (%s)", name, err.msg))
		goto unmap;
	is_int(a->seller_source, WXF_SELLER_RANKED, "%s: seller proposed by ranking", name);
	is_str(a->seller != NULL ? a->seller->username : NULL, seller,
	    "%s: proposed seller is the truth's seller", name);
	wxf_analysis_free(&a);

	/* 2. --seller from the truth: totals */
	o.seller = seller;
	rc = wxf_analysis_run(m, &o, &a, &err);
	if (!ok(rc == WXF_OK, "%s: analysis with --seller %s", name, seller))
		goto unmap;
	is_int(a->ledger.totals.paid_fen, json_int((char *)truth, "\"ledger\"", "paid_fen"),
	    "%s: paid_fen = truth", name);
	is_int(a->ledger.totals.refunded_fen,
	    json_int((char *)truth, "\"ledger\"", "refunded_fen"), "%s: refunded_fen = truth", name);
	is_int(a->ledger.totals.net_fen, json_int((char *)truth, "\"ledger\"", "net_fen"),
	    "%s: net_fen = truth", name);
	is_int(a->ledger.totals.crpl55_fen, json_int((char *)truth, "\"ledger\"", "crpl55_fen"),
	    "%s: crpl55_fen = truth", name);
	ok(!a->ledger.totals.overflow, "%s: no overflow", name);
	{
		/* every transfer of the truth between owner and seller is in the ledger */
		size_t n_truth = 0;
		const char *p = (char *)truth;
		char seen[32][128];

		/* "transferid" also appears in message records: count each id once */
		while ((p = strstr(p, "\"transferid\":")) != NULL) {
			char tid[128];
			int found = 0, dup = 0;

			if (!json_find(p, NULL, "transferid", tid, sizeof(tid)))
				break;
			p += 13;
			for (size_t i = 0; i < n_truth; i++)
				if (strcmp(seen[i], tid) == 0)
					dup = 1;
			if (dup || n_truth == 32)
				continue;
			strcpy(seen[n_truth++], tid);
			for (size_t i = 0; i < a->ledger.n_transfers; i++)
				if (a->ledger.transfers[i].transfer_id != NULL &&
				    strcmp(a->ledger.transfers[i].transfer_id, tid) == 0)
					found = 1;
			ok(found, "%s: transfer %s in the ledger", name, tid);
		}
		is_int(a->ledger.n_transfers, n_truth, "%s: no extra transfers", name);
	}
	if (strcmp(name, "demo") == 0 || strcmp(name, "demo-wal") == 0) {
		const wxf_an_person *s = a->seller;
		int card_nick = 0;

		ok(a->n_hits > 0, "%s: indicator hits on the seller's messages (%zu)", name,
		    a->n_hits);
		ok(s != NULL && s->aliases.n > 0 &&
		    strcmp(s->aliases.v[0].value, "HK_daigou_Amy") == 0, "%s: seller alias", name);
		for (size_t i = 0; s != NULL && i < s->nicknames.n; i++)
			if (strcmp(s->nicknames.v[i].value, "Amy专柜正品") == 0)
				card_nick = 1;
		ok(card_nick, "%s: earlier nickname Amy专柜正品 found", name);
		ok(s != NULL && s->n_groups == 1, "%s: one group shared with the owner", name);
		ok(a->owner != NULL && a->owner->real_names.n > 0, "%s: owner real name", name);
	}
	{
		wxf_buf b1, b2;
		wxf_analysis *a2 = NULL;

		wxf_buf_init(&b1);
		wxf_buf_init(&b2);
		wxf_analysis_json(a, &b1);
		wxf_analysis_run(m, &o, &a2, &err);
		if (a2 != NULL)
			wxf_analysis_json(a2, &b2);
		ok(b1.len > 0 && b1.len == b2.len && memcmp(b1.p, b2.p, b1.len) == 0,
		    "%s: JSON deterministic", name);
		if (getenv("WXF_ANALYSIS_DUMP") != NULL)
			fprintf(stderr, "%s\n", b1.p);
		wxf_analysis_free(&a2);
		wxf_buf_free(&b1);
		wxf_buf_free(&b2);
	}
	wxf_analysis_free(&a);
unmap:
	wxf_model_free(&m);
	wxf_sqlite_close(&db);
	wxf_map_close(&map);
out:
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpd);
	if (system(cmd) != 0)
		diag("could not remove %s", tmpd);
	free(truth);
}

int
main(void)
{
	const char *srcdir = getenv("top_srcdir");
	const char *cli = getenv("SQLCIPHER_CLI");

	if (srcdir == NULL || srcdir[0] == '\0')
		srcdir = ".";
	if (cli == NULL || cli[0] == '\0')
		cli = "sqlcipher";
	if (!has_cli(cli)) {
		printf("1..0 # SKIP the sqlcipher CLI is missing\n");
		return 0;
	}
	run_fixture(srcdir, cli, "demo");
	run_fixture(srcdir, cli, "demo-wal");
	run_fixture(srcdir, cli, "hostile");
	return tap_done();
}
