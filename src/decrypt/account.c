/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Android step of the `case` pipeline: key -> physical decryption -> cross-check, each
 * step recorded in the audit log (never the key unless reveal_key).
 */
#include "config.h"
#include "decrypt/decrypt_int.h"
#include "base/wxf_buf.h"
#include "base/wxf_file.h"
#include "base/wxf_mem.h"

#include <stdlib.h>
#include <string.h>

static void
json_kv(wxf_buf *b, const char *k, const char *v)
{
	wxf_buf_printf(b, "\"%s\":", k);
	wxf_buf_json_str(b, v ? v : "", v ? strlen(v) : 0);
}

static void
json_cands(wxf_buf *b, const char *name, const wxf_android_cand *c, size_t n)
{
	size_t i;

	wxf_buf_printf(b, "\"%s\":[", name);
	for (i = 0; i < n; i++) {
		wxf_buf_puts(b, i ? ",{" : "{");
		json_kv(b, "value", c[i].value);
		wxf_buf_putc(b, ',');
		json_kv(b, "source", c[i].source);
		wxf_buf_printf(b, ",\"matches_account_folder\":%s}", c[i].matches_acct ? "true" : "false");
	}
	wxf_buf_putc(b, ']');
}

/* Audit members describing a key: how it was obtained, never the key unless reveal. */
static void
json_key(wxf_buf *b, const wxf_key *k, int reveal)
{
	static const char *const src[] = { "given", "android-derived", "android-search", "memory-dump" };
	char disp[160];

	wxf_buf_puts(b, "\"key\":{");
	json_kv(b, "source", src[k->source <= WXF_KEYSRC_MEMDUMP ? k->source : 0]);
	wxf_buf_putc(b, ',');
	json_kv(b, "how", k->how);
	wxf_buf_putc(b, ',');
	json_kv(b, "form", k->form == WXF_KEY_RAW ? "raw" : "passphrase");
	if (k->uin[0]) {
		wxf_buf_putc(b, ',');
		json_kv(b, "uin", k->uin);
		wxf_buf_putc(b, ',');
		json_kv(b, "uin_source", k->uin_source);
		wxf_buf_putc(b, ',');
		json_kv(b, "device_id", k->device_id);
		wxf_buf_putc(b, ',');
		json_kv(b, "device_id_source", k->device_id_source);
	}
	wxf_key_display(k, reveal, disp, sizeof(disp));
	wxf_buf_putc(b, ',');
	json_kv(b, "value", disp);
	wxf_buf_putc(b, '}');
}

static void
audit(const wxf_key_opts *o, const char *action, wxf_buf *b)
{
	if (o != NULL && o->audit != NULL)
		wxf_audit_add(o->audit, action, b->p, NULL);
	wxf_buf_reset(b);
}

void
wxf_decrypt_result_free(wxf_decrypt_result *res)
{
	wxf_decrypt_report_free(&res->report);
	free(res->db_in);
	free(res->db_out);
	wxf_key_clear(&res->key);
	memset(res, 0, sizeof(*res));
}

int
wxf_decrypt_android_account(const char *tree_root, const char *acct_dir, const char *out_dir,
    const wxf_key_opts *o, wxf_decrypt_result *res, wxf_err *err)
{
	wxf_android_inputs in;
	wxf_decrypt_opts dopt;
	char *app_root = NULL, *work = NULL, *rj;
	const char *acct = wxf_path_base(acct_dir);
	wxf_buf b;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&in, 0, sizeof(in));
	wxf_buf_init(&b);
	res->db_in = wxf_path_join(acct_dir, "EnMicroMsg.db");
	if (!wxf_is_file(res->db_in)) {
		rc = wxf_err_set(err, WXF_ENOTFOUND, "%s: no EnMicroMsg.db", acct_dir);
		goto out;
	}
	/* 1. key */
	if (o != NULL && o->key != NULL) {
		if ((rc = wxf_key_from_text(&res->key, o->key, WXF_KEY_PASSPHRASE, err)) != WXF_OK)
			goto out;
		res->key.source = WXF_KEYSRC_GIVEN;
		res->n_tried = 1;
		if ((rc = wxf_decrypt_verify_key(res->db_in, &res->key, "android", NULL, err)) != WXF_OK)
			goto out;
		snprintf(res->key.how, sizeof(res->key.how), "given by the examiner (--key); opens "
		    "page 1 (profile android)");
	} else {
		app_root = wxf_android_app_root(tree_root, acct_dir);
		if ((rc = wxf_android_inputs_collect(app_root, acct_dir, o, &in, err)) != WXF_OK)
			goto out;
		rc = wxf_android_key_derive(res->db_in, &in, &res->key, &res->n_tried, err);
		json_kv(&b, "database", res->db_in);
		wxf_buf_putc(&b, ',');
		json_kv(&b, "app_root", app_root);
		wxf_buf_putc(&b, ',');
		json_cands(&b, "uins", in.uins, in.n_uins);
		wxf_buf_putc(&b, ',');
		json_cands(&b, "device_ids", in.ids, in.n_ids);
		wxf_buf_putc(&b, ',');
		json_kv(&b, "notes", in.notes);
		wxf_buf_printf(&b, ",\"candidates_tried\":%llu,\"result\":\"%s\"",
		    (unsigned long long)res->n_tried, rc == WXF_OK ? "found" : "not found");
		if (rc == WXF_OK) {
			wxf_buf_putc(&b, ',');
			json_key(&b, &res->key, o ? o->reveal_key : 0);
		}
		audit(o, "key.derive", &b);
		if (rc != WXF_OK)
			goto out;
	}
	if (o != NULL && o->log != NULL)
		wxf_log_info(o->log, "%s: key %s", res->db_in, res->key.how);
	/* 2. physical decryption */
	work = wxf_xasprintf("%s/work/%s", out_dir, acct);
	if ((rc = wxf_mkdir_p(work, err)) != WXF_OK)
		goto out;
	res->db_out = wxf_path_join(work, "EnMicroMsg.db");
	memset(&dopt, 0, sizeof(dopt));
	dopt.jobs = o ? o->jobs : 0;
	dopt.log = o ? o->log : NULL;
	rc = wxf_decrypt_file(res->db_in, res->db_out, &res->key, "android", &dopt, &res->report, err);
	rj = wxf_decrypt_report_json(&res->report);
	wxf_buf_puts(&b, rj);
	free(rj);
	wxf_buf_putc(&b, ',');
	json_key(&b, &res->key, o ? o->reveal_key : 0);
	wxf_buf_printf(&b, ",\"result\":\"%s\"", rc == WXF_OK ? "ok" : err ? err->msg : "failed");
	audit(o, "decrypt", &b);
	if (rc != WXF_OK)
		goto out;
	/* 3. cross-check */
	rc = wxf_crosscheck_run(res->db_in, res->db_out, res->report.profile, &res->key, &res->xcheck,
	    err);
	json_kv(&b, "original", res->db_in);
	wxf_buf_putc(&b, ',');
	json_kv(&b, "image", res->db_out);
	wxf_buf_putc(&b, ',');
	json_kv(&b, "status", res->xcheck.status == WXF_XCHECK_AGREES ? "agrees" :
	    res->xcheck.status == WXF_XCHECK_DISAGREES ? "disagrees" :
	    res->xcheck.status == WXF_XCHECK_UNAVAILABLE ? "unavailable" : "error");
	wxf_buf_putc(&b, ',');
	json_kv(&b, "library", res->xcheck.lib_version);
	wxf_buf_printf(&b, ",\"tables\":%u,\"rows\":%llu,", (unsigned)res->xcheck.n_tables,
	    (unsigned long long)res->xcheck.n_rows);
	json_kv(&b, "statement", res->xcheck.sentence);
	audit(o, "decrypt.crosscheck", &b);
	if (o != NULL && o->log != NULL)
		wxf_log_info(o->log, "%s", res->xcheck.sentence);
out:
	wxf_android_inputs_free(&in);
	free(app_root);
	free(work);
	wxf_buf_free(&b);
	return rc;
}
