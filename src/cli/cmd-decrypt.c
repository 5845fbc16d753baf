/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wxforensic decrypt DB -o PLAIN: physical decryption of a SQLCipher database (and the -wal and
 * -journal beside it) with per-page HMAC verdicts and the SQLCipher cross-check.
 */
#include "config.h"
#include "cmd.h"
#include "decrypt/decrypt.h"
#include "wechat/wc_android_keys.h"
#include "base/wxf_audit.h"
#include "base/wxf_buf.h"
#include "base/wxf_file.h"
#include "base/wxf_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { O_NOSIDE = 0x100, O_NOX, O_TREE, O_NOHASH };

struct st {
	wxf_keyopts k;
	char *out, *tree;
	int no_sidecars, no_xcheck, no_hash;
};

static const struct option opts[] = {
	{ "output", required_argument, NULL, 'o' },
	WXF_KEYOPTS_LONG,
	{ "tree", required_argument, NULL, O_TREE },
	{ "no-sidecars", no_argument, NULL, O_NOSIDE },
	{ "no-crosscheck", no_argument, NULL, O_NOX },
	{ "no-hash", no_argument, NULL, O_NOHASH },
	{ NULL, 0, NULL, 0 }
};

static int
opt(void *state, int c, const char *arg, wxf_err *err)
{
	struct st *s = state;
	int rc;

	if (wxf_cmd_keyopt(&s->k, c, arg, err, &rc))
		return rc;
	switch (c) {
	case 0:
		free(s->out); free(s->tree);
		return WXF_OK;
	case 'o': wxf_cmd_set_str(&s->out, arg); return WXF_OK;
	case O_TREE: wxf_cmd_set_str(&s->tree, arg); return WXF_OK;
	case O_NOSIDE: s->no_sidecars = 1; return WXF_OK;
	case O_NOX: s->no_xcheck = 1; return WXF_OK;
	case O_NOHASH: s->no_hash = 1; return WXF_OK;
	}
	return wxf_err_set(err, WXF_EUSAGE, "unknown option");
}

static void
print_part(const char *label, const wxf_page_report *r, const char *unit)
{
	size_t i;

	printf("%-12s %s -> %s\n", label, r->path_in, r->path_out);
	printf("%-12s %llu %s: %llu good, %llu unverified (no HMAC), %llu all-zero, %llu bad\n", "",
	    (unsigned long long)r->n_pages, unit, (unsigned long long)r->n_good,
	    (unsigned long long)r->n_unverified, (unsigned long long)r->n_zero,
	    (unsigned long long)r->n_bad);
	if (r->n_bad_list) {
		printf("%-12s bad %s:", "", unit);
		for (i = 0; i < r->n_bad_list; i++)
			printf(" %u", (unsigned)r->bad[i]);
		printf("\n");
	}
	if (strcmp(unit, "pages") != 0)
		printf("%-12s %llu with a valid original checksum (recomputed over the plaintext)\n",
		    "", (unsigned long long)r->n_checksum_ok);
	if (r->trailing)
		printf("%-12s %llu trailing byte(s) copied unchanged\n", "",
		    (unsigned long long)r->trailing);
	if (r->sha256_in[0])
		printf("%-12s sha256 in  %s\n%-12s sha256 out %s\n", "", r->sha256_in, "", r->sha256_out);
}

/* No key given: derive the Android key from the extraction around DB. */
static int
android_key(struct st *s, const char *db, wxf_key *k, uint64_t *tried, wxf_ctx *ctx, wxf_err *err)
{
	wxf_android_inputs in;
	wxf_android_hints ko;
	char *acct = wxf_path_dir(db), *root;
	int rc;

	memset(&ko, 0, sizeof(ko));
	ko.imeis = s->k.imeis;
	ko.uins = s->k.uins;
	root = wxf_android_app_root(s->tree, acct);
	rc = wxf_android_inputs_collect(root, acct, &ko, &in, err);
	if (rc == WXF_OK)
		rc = wxf_android_key_derive(db, &in, k, tried, err);
	if (rc == WXF_OK)
		wxf_log_info(&ctx->log, "key: %s", k->how);
	else if (in.notes)
		wxf_log_info(&ctx->log, "key sources: %s", in.notes);
	wxf_android_inputs_free(&in);
	free(root);
	free(acct);
	return rc;
}

extern const struct wxf_cmd_entry wxf_cmd_decrypt_entry;

static int
exec(wxf_ctx *ctx, void *state, int argc, char **argv)
{
	struct st *s = state;
	const char *db, *xs;
	wxf_decrypt_result res;
	wxf_decrypt_db_opts o;
	wxf_decrypt_report *rep = &res.report;
	wxf_audit au;
	wxf_err err;
	char disp[160], desc[160];
	int rc, findings = 0, have_audit = 0;

	if (argc != 1) {
		fprintf(stderr, "wxforensic decrypt: exactly one DB expected\nusage: %s\n",
		    wxf_cmd_decrypt_entry.usage);
		return WXF_EXIT_USAGE;
	}
	db = argv[0];
	wxf_err_clear(&err);
	memset(&res, 0, sizeof(res));
	if (s->out == NULL) {
		fprintf(stderr, "wxforensic decrypt: -o PLAIN is required\n");
		return WXF_EXIT_USAGE;
	}
	if (s->k.key && s->k.raw_key) {
		fprintf(stderr, "wxforensic decrypt: --key and --raw-key exclude each other\n");
		return WXF_EXIT_USAGE;
	}
	if (s->k.audit != NULL) {
		if (wxf_audit_open(&au, s->k.audit, ctx->tool, &err) != WXF_OK) {
			fprintf(stderr, "wxforensic decrypt: %s\n", err.msg);
			return WXF_EXIT_USAGE;
		}
		have_audit = 1;
	}
	if (s->k.key || s->k.raw_key) {
		rc = wxf_key_from_text(&res.key, s->k.key ? s->k.key : s->k.raw_key,
		    s->k.raw_key ? WXF_KEY_RAW : WXF_KEY_PASSPHRASE, &err);
		if (rc != WXF_OK) {
			fprintf(stderr, "wxforensic decrypt: %s\n", err.msg);
			rc = WXF_EXIT_USAGE;
			goto out;
		}
		res.key.source = WXF_KEYSRC_GIVEN;
		snprintf(res.key.how, sizeof(res.key.how), "given by the examiner (%s), verified "
		    "against page 1", s->k.raw_key ? "--raw-key, already-derived AES key" :
		    "--key, passphrase");
	} else {
		rc = android_key(s, db, &res.key, &res.n_tried, ctx, &err);
		if (rc != WXF_OK) {
			fprintf(stderr, "wxforensic decrypt: %s\n", err.msg);
			rc = wxf_err_exit_code(rc);
			goto out;
		}
		if (s->k.profile == NULL)
			s->k.profile = wxf_xstrdup("android");
	}
	/* the one path every platform takes: decryption, witness, audit records */
	memset(&o, 0, sizeof(o));
	o.jobs = (unsigned)s->k.jobs;
	o.log = &ctx->log;
	o.audit = have_audit ? &au : NULL;
	o.reveal_key = s->k.reveal;
	o.no_crosscheck = s->no_xcheck;
	o.no_sidecars = s->no_sidecars;
	o.no_hash = s->no_hash;
	rc = wxf_decrypt_db(db, s->out, s->k.profile, &o, &res, &err);
	if (rc != WXF_OK && !res.xcheck_ran) {
		fprintf(stderr, "wxforensic decrypt: %s\n", err.msg);
		rc = wxf_err_exit_code(rc);
		goto out;
	}
	if (res.xcheck_ran && (res.xcheck.status == WXF_XCHECK_DISAGREES ||
	    res.xcheck.status == WXF_XCHECK_ERROR)) {
		wxf_log_error(&ctx->log, "%s", res.xcheck.sentence);
		findings = 1;
	}
	if (rep->db.n_bad || rep->db.trailing || rep->wal.n_bad || rep->journal.n_bad)
		findings = 1;
	xs = res.xcheck_ran ? res.xcheck.sentence : "skipped (--no-crosscheck)";
	wxf_key_display(&res.key, s->k.reveal, disp, sizeof(disp));
	wxf_profile_describe(rep->profile, desc, sizeof(desc));
	if (ctx->json) {
		char *j = wxf_decrypt_report_json(rep);
		wxf_buf b;

		wxf_buf_init(&b);
		wxf_buf_printf(&b, "{%s,\"key_how\":", j);
		wxf_buf_json_str(&b, res.key.how, strlen(res.key.how));
		wxf_buf_puts(&b, ",\"key\":");
		wxf_buf_json_str(&b, disp, strlen(disp));
		wxf_buf_puts(&b, ",\"crosscheck\":");
		wxf_buf_json_str(&b, xs, strlen(xs));
		wxf_buf_printf(&b, ",\"seconds\":%.3f}", rep->seconds);
		printf("%s\n", b.p);
		wxf_buf_free(&b);
		free(j);
	} else {
		printf("%-12s %s (%s)%s%s\n", "profile", rep->profile->name, desc,
		    rep->equivalent[0] ? "; same parameters as " : "", rep->equivalent);
		printf("%-12s %s\n%-12s %s\n", "key", disp, "obtained", res.key.how);
		print_part("database", &rep->db, "pages");
		if (rep->wal.present)
			print_part("wal", &rep->wal, "frames");
		if (rep->journal.present)
			print_part("journal", &rep->journal, "records");
		printf("%-12s %s\n", "cross-check", xs);
		printf("%-12s %.2f s\n", "time", rep->seconds);
	}
	rc = findings ? WXF_EXIT_FINDINGS : WXF_EXIT_OK;
out:
	if (have_audit && wxf_audit_close(&au, &err) != WXF_OK) {
		fprintf(stderr, "wxforensic decrypt: %s\n", err.msg);
		rc = WXF_EXIT_INTERNAL;
	}
	wxf_decrypt_result_free(&res);
	return rc;
}

const struct wxf_cmd_entry wxf_cmd_decrypt_entry = {
	.name = "decrypt",
	.summary = "physical decryption of a SQLCipher database (+ -wal, -journal), HMAC report",
	.usage = "wxforensic decrypt DB -o PLAIN [--profile P] [--key K | --raw-key HEX]\n"
	    "         [--imei ID]... [--uin UIN]... [--tree DIR] [--jobs N] [--no-sidecars]\n"
	    "         [--no-crosscheck] [--no-hash] [--reveal-key] [--audit FILE] [--json]\n"
	    "Without --key/--raw-key the Android key is derived from the extraction around DB.\n"
	    "Profiles: android win3 wx4 mac3 sqlcipher1 sqlcipher2 sqlcipher2-be sqlcipher2-beta\n"
	    "          sqlcipher3 sqlcipher4 (default: detected).  See wxforensic-decrypt(1).",
	.optstring = "o:",
	.opts = opts,
	.state_size = sizeof(struct st),
	.min_args = 1,
	.max_args = -1,
	.opt = opt,
	.exec = exec,
};
