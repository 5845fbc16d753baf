/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test tool (not installed): reads a plaintext EnMicroMsg.db image with the Android reader and
 * prints the model as deterministic JSON Lines (model_json.c) on stdout.
 *   wxf_android_dump PLAIN.db [--evidence PATH] [--account-dir DIR] [--root DIR]
 * Used by tests/cli/test_android_truth.sh to compare against the fixtures' ground truth.
 */
#include "config.h"
#include "base/wxf_buf.h"
#include "base/wxf_file.h"
#include "model/model.h"
#include "sqlite/sqlite.h"
#include "wechat/android.h"

#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	wxf_android_opts o;
	wxf_map map;
	wxf_sqlite_db *db = NULL;
	wxf_model *m = NULL;
	wxf_err err;
	wxf_buf out;
	const char *plain = NULL;
	int rc;

	memset(&o, 0, sizeof(o));
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--evidence") == 0 && i + 1 < argc)
			o.evidence_path = argv[++i];
		else if (strcmp(argv[i], "--account-dir") == 0 && i + 1 < argc)
			o.account_dir = argv[++i];
		else if (strcmp(argv[i], "--root") == 0 && i + 1 < argc)
			o.extraction_root = argv[++i];
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
