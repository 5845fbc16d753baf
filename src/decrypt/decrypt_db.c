/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One encrypted database, end to end, the same way for every platform: physical decryption
 * with the key the platform found, then the SQLCipher cross-check, each step in the audit log.
 * Finding the key is the platform driver's business (wechat/); this file never sees where a
 * key came from, only how the key describes itself (wxf_key.how, inputs).
 */
#include "config.h"
#include "decrypt/decrypt_int.h"
#include "base/wxf_audit.h"
#include "base/wxf_buf.h"
#include "base/wxf_mem.h"

#include <stdlib.h>
#include <string.h>

const char *
wxf_xcheck_status_name(wxf_xcheck_status s)
{
	switch (s) {
	case WXF_XCHECK_AGREES: return "agrees";
	case WXF_XCHECK_DISAGREES: return "disagrees";
	case WXF_XCHECK_UNAVAILABLE: return "unavailable";
	default: return "error";
	}
}

void
wxf_decrypt_result_free(wxf_decrypt_result *res)
{
	if (res == NULL)
		return;
	wxf_decrypt_report_free(&res->report);
	wxf_key_clear(&res->key);
	memset(res, 0, sizeof(*res));
}

int
wxf_decrypt_db(const char *db_path, const char *out_path, const char *profile,
    const wxf_decrypt_db_opts *o, wxf_decrypt_result *res, wxf_err *err)
{
	const char *name = o != NULL && o->record_as != NULL ? o->record_as : out_path;
	wxf_decrypt_opts dopt;
	wxf_buf b;
	char *rj;
	int rc;

	memset(&dopt, 0, sizeof(dopt));
	dopt.jobs = o != NULL ? o->jobs : 0;
	dopt.log = o != NULL ? o->log : NULL;
	dopt.record_as = name;
	dopt.record_in = o != NULL ? o->record_in : NULL;
	dopt.no_sidecars = o != NULL ? o->no_sidecars : 0;
	dopt.no_hash = o != NULL ? o->no_hash : 0;
	wxf_buf_init(&b);
	/* physical decryption */
	rc = wxf_decrypt_file(db_path, out_path, &res->key, profile, &dopt, &res->report, err);
	if (o != NULL && o->audit != NULL) {
		rj = wxf_decrypt_report_json(&res->report);
		if (rj != NULL)
			wxf_buf_puts(&b, rj);
		free(rj);
		wxf_buf_json_sep(&b);
		wxf_key_json(&res->key, o->reveal_key, &b);
		wxf_buf_printf(&b, ",\"key_candidates_tried\":%llu", (unsigned long long)res->n_tried);
		wxf_buf_json_kstr(&b, "result", rc == WXF_OK ? "ok" : err != NULL ? err->msg :
		    "failed");
		wxf_audit_add(o->audit, "decrypt", b.p, NULL);
		wxf_buf_reset(&b);
	}
	if (rc != WXF_OK || (o != NULL && o->no_crosscheck))
		goto out;
	/* the independent witness */
	rc = wxf_crosscheck_run(db_path, out_path, res->report.profile, &res->key, &res->xcheck,
	    err);
	res->xcheck_ran = 1;
	if (o != NULL && o->audit != NULL) {
		wxf_buf_json_kstr(&b, "original", o->record_in != NULL ? o->record_in : db_path);
		wxf_buf_json_kstr(&b, "image", name);
		wxf_buf_json_kstr(&b, "status", wxf_xcheck_status_name(res->xcheck.status));
		wxf_buf_json_kstr(&b, "library", res->xcheck.lib_version);
		wxf_buf_printf(&b, ",\"tables\":%u,\"rows\":%llu", (unsigned)res->xcheck.n_tables,
		    (unsigned long long)res->xcheck.n_rows);
		wxf_buf_json_kstr(&b, "statement", res->xcheck.sentence);
		wxf_audit_add(o->audit, "decrypt.crosscheck", b.p, NULL);
	}
	if (o != NULL && o->log != NULL)
		wxf_log_info(o->log, "%s", res->xcheck.sentence);
out:
	wxf_buf_free(&b);
	return rc;
}
