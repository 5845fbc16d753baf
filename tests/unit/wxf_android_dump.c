/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test tool (not installed): reads a plaintext EnMicroMsg.db image with the Android reader and
 * prints the model as deterministic JSON Lines (model_json.c) on stdout.
 *   wxf_android_dump PLAIN.db [--evidence PATH] [--account-dir DIR] [--root DIR]
 *                    [--fts PLAIN_FTS.db [--fts-evidence PATH]]
 * With --fts the plaintext full-text index is read as a witness after the message db.
 * Used by tests/cli/test_android_truth.sh to compare against the fixtures' ground truth.
 */
#include "config.h"
#include "base/wxf_buf.h"
#include "base/wxf_file.h"
#include "model/model.h"
#include "sqlite/sqlite.h"
#include "wechat/wc_android.h"
#include "wechat/wc_android_fts.h"

#include <stdio.h>
#include <string.h>

static int
read_fts(wxf_model *m, const char *plain, const char *evidence, wxf_err *err)
{
	wxf_android_fts *f = NULL;
	wxf_sqlite_db *db = NULL;
	wxf_fts_stats st;
	wxf_map map;
	int rc;

	if ((rc = wxf_map_open(&map, plain, err)) != WXF_OK)
		return rc;
	if ((rc = wxf_sqlite_open(&db, map.data, map.size, err)) == WXF_OK &&
	    (rc = wxf_android_fts_new(&f, m, evidence, plain, err)) == WXF_OK &&
	    (rc = wxf_android_fts_read(f, db, err)) == WXF_OK)
		rc = wxf_android_fts_apply(&f, &st, err);
	if (f != NULL)
		wxf_android_fts_apply(&f, &st, NULL);
	if (rc == WXF_OK)
		fprintf(stderr, "fts: %u entries, %u corroborated, %u recall originals, %u recovered, "
		    "%u fragments, %u differ\n", st.entries, st.corroborated, st.recall_filled,
		    st.recovered, st.fragments, st.differ);
	wxf_sqlite_close(&db);
	wxf_map_close(&map);
	return rc;
}

int
main(int argc, char **argv)
{
	wxf_android_opts o;
	wxf_map map;
	wxf_sqlite_db *db = NULL;
	wxf_model *m = NULL;
	wxf_err err;
	wxf_buf out;
	const char *plain = NULL, *fts = NULL, *fts_ev = NULL;
	int rc;

	memset(&o, 0, sizeof(o));
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--evidence") == 0 && i + 1 < argc)
			o.evidence_path = argv[++i];
		else if (strcmp(argv[i], "--account-dir") == 0 && i + 1 < argc)
			o.account_dir = argv[++i];
		else if (strcmp(argv[i], "--root") == 0 && i + 1 < argc)
			o.extraction_root = argv[++i];
		else if (strcmp(argv[i], "--fts") == 0 && i + 1 < argc)
			fts = argv[++i];
		else if (strcmp(argv[i], "--fts-evidence") == 0 && i + 1 < argc)
			fts_ev = argv[++i];
		else if (plain == NULL)
			plain = argv[i];
		else {
			fprintf(stderr, "usage: wxf_android_dump PLAIN.db [--evidence P] "
			    "[--account-dir D] [--root R]\n");
			return 2;
		}
	}
	if (plain == NULL) {
		fprintf(stderr, "usage: wxf_android_dump PLAIN.db [--evidence P] [--account-dir D]\n");
		return 2;
	}
	if (o.evidence_path == NULL)
		o.evidence_path = plain;
	wxf_err_clear(&err);
	if ((rc = wxf_map_open(&map, plain, &err)) != WXF_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return 3;
	}
	if ((rc = wxf_sqlite_open(&db, map.data, map.size, &err)) != WXF_OK ||
	    (rc = wxf_model_new(&m, &err)) != WXF_OK ||
	    (rc = wxf_android_read_db(m, db, &o, &err)) != WXF_OK ||
	    (fts != NULL && (rc = read_fts(m, fts, fts_ev ? fts_ev : fts, &err)) != WXF_OK) ||
	    (rc = wxf_model_finish(m, &err)) != WXF_OK) {
		fprintf(stderr, "wxf_android_dump: %s\n", err.msg);
		wxf_model_free(&m);
		wxf_sqlite_close(&db);
		wxf_map_close(&map);
		return 3;
	}
	wxf_buf_init(&out);
	wxf_model_json(m, &out);
	fwrite(out.p, 1, out.len, stdout);
	wxf_buf_free(&out);
	wxf_model_free(&m);
	wxf_sqlite_close(&db);
	wxf_map_close(&map);
	return 0;
}
