/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wxforensic key derive|verify|search: where keys come from, proven against page 1.
 *
 *   key derive TREE|ACCOUNT-DIR|DB [--imei ID]... [--uin UIN]...   Android md5(id+uin)[:7]
 *   key verify DB --key K | --raw-key HEX [--profile P]             desktop / any key
 *   key search --dump FILE DB [--base ADDR] [--no-raw] [--max-raw N] memory dump: WCDB key
 *                                                                    strings, derived, raw
 *   key search DB [--prefix HEX] [--resume STATE] [--max N]         Android 16^7 search
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

enum { O_DUMP = 0x100, O_BASE, O_NORAW, O_MAXRAW, O_PREFIX, O_RESUME, O_MAX, O_NORATIO };

struct st {
	wxf_keyopts k;
	char *dump, *prefix, *resume;
	long long max_raw, max;
	unsigned long long base;
	int no_raw, no_ratio;
};

static const struct option opts[] = {
	WXF_KEYOPTS_LONG,
	{ "dump", required_argument, NULL, O_DUMP },
	{ "base", required_argument, NULL, O_BASE },
	{ "no-raw", no_argument, NULL, O_NORAW },
	{ "max-raw", required_argument, NULL, O_MAXRAW },
	{ "prefix", required_argument, NULL, O_PREFIX },
	{ "resume", required_argument, NULL, O_RESUME },
	{ "max", required_argument, NULL, O_MAX },
	{ "no-ratio", no_argument, NULL, O_NORATIO },
	{ NULL, 0, NULL, 0 }
};

static int
opt(void *state, int c, const char *arg, wxf_err *err)
{
	struct st *s = state;
	char *end;
	int rc;

	if (wxf_cmd_keyopt(&s->k, c, arg, err, &rc))
		return rc;
	switch (c) {
	case 0:
		free(s->dump); free(s->prefix); free(s->resume);
		return WXF_OK;
	case O_DUMP: wxf_cmd_set_str(&s->dump, arg); return WXF_OK;
	case O_BASE:
		s->base = strtoull(arg, &end, 0);
		if (end == arg || *end != '\0')
			return wxf_err_set(err, WXF_EUSAGE, "--base: a number (0x... for hex), not '%s'", arg);
		return WXF_OK;
	case O_NORAW: s->no_raw = 1; return WXF_OK;
	case O_MAXRAW: return wxf_cmd_num(arg, 1, 100000000, &s->max_raw, "--max-raw", err);
	case O_PREFIX: wxf_cmd_set_str(&s->prefix, arg); return WXF_OK;
	case O_RESUME: wxf_cmd_set_str(&s->resume, arg); return WXF_OK;
	case O_MAX: return wxf_cmd_num(arg, 1, 268435456, &s->max, "--max", err);
	case O_NORATIO: s->no_ratio = 1; return WXF_OK;
	}
	return wxf_err_set(err, WXF_EUSAGE, "unknown option");
}

static void
audit_key(struct st *s, wxf_ctx *ctx, const char *action, const char *db, const wxf_key *k,
    int found, const char *extra)
{
	wxf_audit au;
	wxf_buf b;
	char disp[160];
	wxf_err err;

	if (s->k.audit == NULL)
		return;
	wxf_err_clear(&err);
	if (wxf_audit_open(&au, s->k.audit, ctx->tool, &err) != WXF_OK) {
		wxf_log_error(&ctx->log, "%s", err.msg);
		return;
	}
	wxf_buf_init(&b);
	wxf_buf_puts(&b, "\"database\":");
	wxf_buf_json_str(&b, db, strlen(db));
	wxf_buf_printf(&b, ",\"found\":%s", found ? "true" : "false");
	if (found) {
		wxf_key_display(k, s->k.reveal, disp, sizeof(disp));
		wxf_buf_puts(&b, ",\"how\":");
		wxf_buf_json_str(&b, k->how, strlen(k->how));
		wxf_buf_puts(&b, ",\"key\":");
		wxf_buf_json_str(&b, disp, strlen(disp));
	}
	if (extra)
		wxf_buf_puts(&b, extra);
	wxf_audit_add(&au, action, b.p, NULL);
	wxf_buf_free(&b);
	wxf_audit_close(&au);
}

static void
print_key(struct st *s, const wxf_key *k)
{
	char disp[160];

	wxf_key_display(k, s->k.reveal, disp, sizeof(disp));
	printf("%-10s %s\n%-10s %s\n", "key", disp, "obtained", k->how);
}

static int
derive_one(struct st *s, wxf_ctx *ctx, const char *tree, const char *acct)
{
	wxf_android_inputs in;
	wxf_android_hints ko;
	wxf_key k;
	wxf_err err;
	char *root, *db = wxf_path_join(acct, WXF_ANDROID_MSGDB);
	uint64_t tried = 0;
	size_t i;
	int rc;

	wxf_err_clear(&err);
	memset(&ko, 0, sizeof(ko));
	ko.imeis = s->k.imeis;
	ko.uins = s->k.uins;
	root = wxf_android_app_root(tree, acct);
	wxf_android_inputs_collect(root, acct, &ko, &in, &err);
	printf("%-10s %s\n%-10s %s\n", "database", db, "app root", root ? root : "(not found)");
	for (i = 0; i < in.n_uins; i++)
		printf("%-10s %s  [%s]%s\n", i ? "" : "uins", in.uins[i].value, in.uins[i].source,
		    in.uins[i].matches_acct ? " (matches the account folder)" : "");
	if (in.n_uins == 0)
		printf("%-10s none found (give --uin)\n", "uins");
	for (i = 0; i < in.n_ids; i++)
		printf("%-10s %s  [%s]\n", i ? "" : "device ids", in.ids[i].value, in.ids[i].source);
	if (in.notes) {
		char *line = in.notes, *nl;

		while ((nl = strchr(line, '\n')) != NULL) {
			*nl = '\0';
			printf("%-10s %s\n", "note", line);
			line = nl + 1;
		}
	}
	rc = wxf_android_key_derive(db, &in, &k, &tried, &err);
	if (rc == WXF_OK) {
		print_key(s, &k);
		audit_key(s, ctx, "key.derive", db, &k, 1, NULL);
	} else {
		printf("%-10s not found (%llu candidates tried)\n", "key", (unsigned long long)tried);
		fprintf(stderr, "wxforensic key: %s\n", err.msg);
		audit_key(s, ctx, "key.derive", db, &k, 0, NULL);
	}
	wxf_key_clear(&k);
	wxf_android_inputs_free(&in);
	free(root);
	free(db);
	return rc;
}

static int
cmd_derive(struct st *s, wxf_ctx *ctx, const char *arg)
{
	int rc = WXF_OK, r;
	size_t i;

	if (wxf_is_file(arg)) {
		char *acct = wxf_path_dir(arg);

		rc = derive_one(s, ctx, NULL, acct);
		free(acct);
	} else {
		char **accts = wxf_android_find_accounts(arg);

		if (accts == NULL) {
			fprintf(stderr, "wxforensic key: %s: no " WXF_ANDROID_MSGDB " found below it\n", arg);
			return WXF_EXIT_EVIDENCE;
		}
		for (i = 0; accts[i] != NULL; i++) {
			if (i)
				printf("\n");
			r = derive_one(s, ctx, arg, accts[i]);
			if (r != WXF_OK)
				rc = r;
			free(accts[i]);
		}
		free(accts);
	}
	return wxf_err_exit_code(rc);
}

static int
cmd_verify(struct st *s, wxf_ctx *ctx, const char *db)
{
	const wxf_profile *p = NULL;
	wxf_key k;
	wxf_err err;
	char desc[160];
	int rc;

	wxf_err_clear(&err);
	if ((s->k.key == NULL) == (s->k.raw_key == NULL)) {
		fprintf(stderr, "wxforensic key verify: give exactly one of --key, --raw-key\n");
		return WXF_EXIT_USAGE;
	}
	if (wxf_key_from_text(&k, s->k.key ? s->k.key : s->k.raw_key,
	    s->k.raw_key ? WXF_KEY_RAW : WXF_KEY_PASSPHRASE, &err) != WXF_OK) {
		fprintf(stderr, "wxforensic key verify: %s\n", err.msg);
		return WXF_EXIT_USAGE;
	}
	k.source = WXF_KEYSRC_GIVEN;
	snprintf(k.how, sizeof(k.how), "given by the examiner (%s)",
	    s->k.raw_key ? "--raw-key" : "--key");
	rc = wxf_decrypt_verify_key(db, &k, s->k.profile, &p, &err);
	if (rc == WXF_OK) {
		wxf_profile_describe(p, desc, sizeof(desc));
		printf("%-10s %s\n%-10s opens page 1 (%s)\n%-10s %s (%s)\n", "database", db, "result",
		    p->hmac ? "HMAC verified" : "decrypted header verified", "profile", p->name, desc);
		print_key(s, &k);
		audit_key(s, ctx, "key.verify", db, &k, 1, NULL);
	} else {
		fprintf(stderr, "wxforensic key verify: %s\n", err.msg);
		audit_key(s, ctx, "key.verify", db, &k, 0, NULL);
	}
	wxf_key_clear(&k);
	return wxf_err_exit_code(rc);
}

static int
cmd_search_dump(struct st *s, wxf_ctx *ctx, const char *db)
{
	wxf_memsearch_opts o;
	wxf_memsearch_result r;
	wxf_err err;
	char extra[256];
	int rc;

	wxf_err_clear(&err);
	memset(&o, 0, sizeof(o));
	o.jobs = (unsigned)s->k.jobs;
	o.profile = s->k.profile;
	o.base = s->base;
	o.no_raw = s->no_raw;
	o.max_raw = (unsigned)s->max_raw;
	o.log = &ctx->log;
	rc = wxf_memsearch(s->dump, db, &o, &r, &err);
	if (rc != WXF_OK) {
		fprintf(stderr, "wxforensic key search: %s\n", err.msg);
		return wxf_err_exit_code(rc);
	}
	printf("%-10s %s (%s)\n%-10s %s\n", "dump", s->dump, r.minidump ? "minidump" : "raw bytes",
	    "database", db);
	printf("%-10s %llu WCDB key strings x'<key><salt>', %llu windows as derived keys, %llu "
	    "raw-key candidates through the KDF, %.2f s\n", "searched",
	    (unsigned long long)r.wcdb_strings, (unsigned long long)r.windows,
	    (unsigned long long)r.raw_candidates, r.seconds);
	snprintf(extra, sizeof(extra), ",\"dump_offset\":%llu,\"kind\":\"%s\",\"windows\":%llu",
	    (unsigned long long)r.key.dump_offset, r.key.dump_kind, (unsigned long long)r.windows);
	if (r.found) {
		printf("%-10s %s key at offset %llu (0x%llx), profile %s\n", "found", r.key.dump_kind,
		    (unsigned long long)r.key.dump_offset, (unsigned long long)r.key.dump_offset,
		    r.profile->name);
		print_key(s, &r.key);
		audit_key(s, ctx, "key.search.dump", db, &r.key, 1, extra);
	} else {
		printf("%-10s no key for this database in the dump\n", "result");
		audit_key(s, ctx, "key.search.dump", db, &r.key, 0, NULL);
	}
	rc = r.found ? WXF_EXIT_OK : WXF_EXIT_EVIDENCE;
	wxf_key_clear(&r.key);
	return rc;
}

static int
cmd_search_android(struct st *s, wxf_ctx *ctx, const char *db)
{
	wxf_keysearch_opts o;
	wxf_keysearch_result r;
	wxf_err err;
	char extra[256];
	int rc;

	wxf_err_clear(&err);
	memset(&o, 0, sizeof(o));
	o.jobs = (unsigned)s->k.jobs;
	o.prefix = s->prefix;
	o.state_path = s->resume;
	o.max_candidates = (uint64_t)s->max;
	o.log = &ctx->log;
	rc = wxf_keysearch_android(db, &o, &r, &err);
	if (rc != WXF_OK) {
		fprintf(stderr, "wxforensic key search: %s\n", err.msg);
		return wxf_err_exit_code(rc);
	}
	printf("%-10s %s\n%-10s %llu candidates%s%s, started at index %llu\n", "database", db,
	    "space", (unsigned long long)r.space, s->prefix ? " with prefix " : "",
	    s->prefix ? s->prefix : "", (unsigned long long)r.start);
	printf("%-10s %llu candidates in %.2f s: %.1f keys/s with %u thread(s); %llu rejected on "
	    "the first header block\n", "tested", (unsigned long long)r.tested, r.seconds, r.rate,
	    o.jobs ? o.jobs : (unsigned)0, (unsigned long long)r.early_rejects);
	if (!s->no_ratio) {
		double raw = wxf_kdf_rate(wxf_profile_find("android"), 0.5);

		printf("%-10s raw PBKDF2-HMAC-SHA1(4000) on this machine: %.1f/s per thread; "
		    "search/raw ratio %.2f (per thread %.2f)\n", "rate", raw,
		    raw > 0 ? r.rate / raw : 0.0,
		    raw > 0 ? r.rate / raw / (o.jobs ? o.jobs : 1) : 0.0);
	}
	snprintf(extra, sizeof(extra), ",\"tested\":%llu,\"start\":%llu,\"rate\":%.1f",
	    (unsigned long long)r.tested, (unsigned long long)r.start, r.rate);
	if (r.found) {
		print_key(s, &r.key);
		audit_key(s, ctx, "key.search.android", db, &r.key, 1, extra);
		rc = WXF_EXIT_OK;
	} else {
		printf("%-10s not found%s\n", "result", r.complete ? " (whole space searched)" :
		    s->resume ? " so far (state saved; rerun with the same --resume)" : " so far");
		audit_key(s, ctx, "key.search.android", db, &r.key, 0, extra);
		rc = r.complete ? WXF_EXIT_EVIDENCE : WXF_EXIT_FINDINGS;
	}
	wxf_key_clear(&r.key);
	return rc;
}

extern const struct wxf_cmd_entry wxf_cmd_key_entry;

static int
exec(wxf_ctx *ctx, void *state, int argc, char **argv)
{
	struct st *s = state;
	const char *sub;

	sub = argc > 0 ? argv[0] : "";
	if (strcmp(sub, "derive") == 0 && argc == 2)
		return cmd_derive(s, ctx, argv[1]);
	if (strcmp(sub, "verify") == 0 && argc == 2)
		return cmd_verify(s, ctx, argv[1]);
	if (strcmp(sub, "search") == 0 && argc == 2)
		return s->dump ? cmd_search_dump(s, ctx, argv[1]) : cmd_search_android(s, ctx, argv[1]);
	fprintf(stderr, "wxforensic key: unknown subcommand or wrong arguments\nusage: %s\n",
	    "see wxforensic key --help");
	return WXF_EXIT_USAGE;
}

const struct wxf_cmd_entry wxf_cmd_key_entry = {
	.name = "key",
	.summary = "derive (Android), verify, search a memory dump, brute-force the Android key",
	.usage = "wxforensic key derive TREE|ACCOUNT-DIR|DB [--imei ID]... [--uin UIN]...\n"
	    "       wxforensic key verify DB (--key K | --raw-key HEX) [--profile P]\n"
	    "       wxforensic key search --dump FILE DB [--profile P] [--base ADDR] [--no-raw]\n"
	    "                             [--max-raw N]\n"
	    "       wxforensic key search DB [--prefix HEX] [--resume STATE] [--max N] [--no-ratio]\n"
	    "common: [--jobs N] [--reveal-key] [--audit FILE].  See wxforensic-key(1).",
	.optstring = "",
	.opts = opts,
	.state_size = sizeof(struct st),
	.min_args = 1,
	.max_args = -1,
	.opt = opt,
	.exec = exec,
};
