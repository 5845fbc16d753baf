/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wxforensic scan EVIDENCE... [-o DIR]
 * Inventory of the evidence: WeChat accounts, artifacts, types and three hashes per file, taken
 * before anything else reads the files and again at the end.  Writes nothing unless -o is
 * given (then DIR/inventory.json and the hash-chained DIR/audit.jsonl).
 */
#include "config.h"
#include "cmd.h"
#include "base/wxf_audit.h"
#include "base/wxf_buf.h"
#include "base/wxf_file.h"
#include "base/wxf_mem.h"
#include "intake/intake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct scan_opts {
	char *out;
	int no_magic;
	char *backup_password;
};

enum { OPT_NO_MAGIC = 0x2000, OPT_BACKUP_PASSWORD };

static const struct option scan_long[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "no-magic", no_argument, NULL, OPT_NO_MAGIC },
	{ "backup-password", required_argument, NULL, OPT_BACKUP_PASSWORD },
	{ NULL, 0, NULL, 0 }
};

static int
scan_opt(void *state, int c, const char *arg, wxf_err *err)
{
	struct scan_opts *o = state;

	switch (c) {
	case 0:
		free(o->out);
		free(o->backup_password);
		return WXF_OK;
	case OPT_BACKUP_PASSWORD:
		free(o->backup_password);
		o->backup_password = wxf_xstrdup(arg);
		return WXF_OK;
	case 'o':
		free(o->out);
		o->out = wxf_xstrdup(arg);
		return WXF_OK;
	case OPT_NO_MAGIC:
		o->no_magic = 1;
		return WXF_OK;
	}
	return wxf_err_set(err, WXF_EUSAGE, "unknown option");
}

static void
human_size(uint64_t n, char *out, size_t len)
{
	if (n < 1024)
		snprintf(out, len, "%llu B", (unsigned long long)n);
	else if (n < 1024 * 1024)
		snprintf(out, len, "%.1f KiB", (double)n / 1024);
	else if (n < 1024ULL * 1024 * 1024)
		snprintf(out, len, "%.1f MiB", (double)n / (1024 * 1024));
	else
		snprintf(out, len, "%.2f GiB", (double)n / (1024.0 * 1024 * 1024));
}

/* Prints a string of the evidence (a file name, a note quoting one) made safe for a terminal:
 * a name holding escape sequences or line breaks shows them as \x1b, \n (wxf_buf_term). */
static void
tputs(const char *s)
{
	char *t = wxf_term_str(s);

	fputs(t, stdout);
	free(t);
}

static void
print_table(const wxf_inventory *inv)
{
	size_t i;
	unsigned n_wechat = 0, n_enc = 0;

	for (i = 0; i < inv->n_roots; i++) {
		printf("Evidence %zu: ", i + 1);
		tputs(inv->roots[i].given);
		printf("\n  layout: %s\n", inv->roots[i].layout);
	}
	printf("\nWeChat accounts: %zu\n", inv->n_accounts);
	for (i = 0; i < inv->n_accounts; i++) {
		const wxf_account *a = &inv->accounts[i];

		printf("  [%s] ", wxf_platform_name(a->platform));
		tputs(a->id);
		if (a->uin != NULL)
			printf("  uin %s", a->uin);
		fputs("\n    folder: ", stdout);
		tputs(a->folder);
		fputs("\n    how: ", stdout);
		tputs(a->how);
		putchar('\n');
	}
	printf("\nFiles: %zu\n", inv->n_items);
	for (i = 0; i < inv->n_items; i++) {
		const wxf_item *it = &inv->items[i];
		char sz[32];

		if (it->wechat)
			n_wechat++;
		if (it->kind == WXF_KIND_SQLITE_ENCRYPTED)
			n_enc++;
		human_size(it->size, sz, sizeof(sz));
		fputs("\n  ", stdout);
		tputs(it->path);
		printf("%s\n", it->wechat ? "  [WeChat]" : "");
		printf("    type: %s%s   size: %s (%llu bytes)\n", wxf_kind_name(it->kind),
		    it->kind == WXF_KIND_SQLITE_ENCRYPTED ? " (ENCRYPTED)" : "", sz,
		    (unsigned long long)it->size);
		if (it->role)
			printf("    role: %s\n", it->role);
		if (it->magic) {
			fputs("    magic: ", stdout);
			tputs(it->magic);
			putchar('\n');
		}
		if (it->before.sha256[0]) {
			printf("    MD5:     %s\n", it->before.md5);
			printf("    SHA-1:   %s\n", it->before.sha1);
			printf("    SHA-256: %s\n", it->before.sha256);
		}
		if (it->have_after)
			printf("    after:   %s\n", it->changed ? "CHANGED" : "unchanged (all three hashes, "
			    "size and mtime equal)");
		if (it->note) {
			fputs("    note: ", stdout);
			tputs(it->note);
			putchar('\n');
		}
	}
	printf("\nSummary: %zu files, %u WeChat artifacts, %u encrypted databases, %zu accounts, "
	    "%u warnings\n", inv->n_items, n_wechat, n_enc, inv->n_accounts, inv->n_warnings);
}

static int
scan_exec(wxf_ctx *ctx, void *state, int argc, char **argv)
{
	struct scan_opts *o = state;
	wxf_intake_opts io = { .log = &ctx->log, .no_magic = o->no_magic,
	    .backup_password = o->backup_password };
	wxf_inventory inv;
	wxf_audit audit;
	wxf_err err;
	size_t changed;
	const char *sleep_ms;
	int rc, have_audit = 0;

	wxf_err_clear(&err);
	memset(&audit, 0, sizeof(audit));
	rc = wxf_intake_scan(&inv, argv, (size_t)argc, &io, &err);
	if (rc != WXF_OK) {
		wxf_log_error(&ctx->log, "%s", err.msg);
		wxf_inventory_free(&inv);
		return wxf_err_exit_code(rc);
	}
	if (o->out != NULL) {
		char *p;
		wxf_buf b;

		if (wxf_intake_inside_evidence(&inv, o->out)) {
			wxf_log_error(&ctx->log, "refusing to write into the evidence: %s lies inside an "
			    "evidence path", o->out);
			wxf_inventory_free(&inv);
			return WXF_EXIT_USAGE;
		}
		if (wxf_mkdir_p(o->out, &err) != WXF_OK) {
			wxf_log_error(&ctx->log, "%s", err.msg);
			wxf_inventory_free(&inv);
			return WXF_EXIT_INTERNAL;
		}
		p = wxf_path_join(o->out, "audit.jsonl");
		if (wxf_audit_open(&audit, p, ctx->tool, &err) != WXF_OK) {
			wxf_log_error(&ctx->log, "%s", err.msg);
			free(p);
			wxf_inventory_free(&inv);
			return WXF_EXIT_INTERNAL;
		}
		free(p);
		have_audit = 1;
		wxf_buf_init(&b);
		wxf_buf_puts(&b, "\"command\":");
		wxf_buf_json_str(&b, ctx->cmdline, strlen(ctx->cmdline));
		wxf_audit_add(&audit, "scan-start", b.p, NULL);
		wxf_buf_free(&b);
		wxf_intake_audit(&audit, &inv, 0);
	}
	/* Testing aid: widen the window between the two hashings (see wxforensic-scan(1)). */
	sleep_ms = getenv("WXF_DEBUG_SLEEP_BEFORE_REHASH");
	if (sleep_ms != NULL)
		usleep((useconds_t)(atoi(sleep_ms) > 0 && atoi(sleep_ms) < 60000 ? atoi(sleep_ms) : 0) * 1000);
	changed = wxf_intake_rehash(&inv, &io);
	if (ctx->json) {
		char *j = wxf_inventory_json(&inv);

		fputs(j, stdout);
		free(j);
	} else
		print_table(&inv);
	if (have_audit) {
		char *j = wxf_inventory_json(&inv), *p = wxf_path_join(o->out, "inventory.json");
		char hex[65];
		wxf_buf b;

		wxf_intake_audit(&audit, &inv, 1);
		if (wxf_file_write(p, j, strlen(j), &err) != WXF_OK) {
			wxf_log_error(&ctx->log, "%s", err.msg);
			ctx->output_failed = 1;
		}
		wxf_sha256_hex(j, strlen(j), hex);
		wxf_buf_init(&b);
		wxf_buf_printf(&b, "\"output\":\"inventory.json\",\"sha256\":\"%s\",\"changed\":%zu",
		    hex, changed);
		wxf_audit_add(&audit, "scan-end", b.p, NULL);
		wxf_buf_free(&b);
		if (!ctx->json) {
			char *tp = wxf_term_str(p), *to = wxf_term_str(o->out);

			printf("\nInventory: %s (SHA-256 %s)\nAudit log: %s/audit.jsonl (head %s)\n", tp,
			    hex, to, wxf_audit_head(&audit));
			free(tp);
			free(to);
		}
		if (wxf_audit_close(&audit, &err) != WXF_OK) {
			wxf_log_error(&ctx->log, "%s", err.msg);
			ctx->output_failed = 1;
		}
		free(p);
		free(j);
	}
	wxf_inventory_free(&inv);
	if (changed > 0) {
		fprintf(stderr, "\n*** EVIDENCE INTEGRITY FAILURE: %zu file(s) changed between the "
		    "first and the final hashing. See the messages above. ***\n", changed);
		return WXF_EXIT_FINDINGS;
	}
	return WXF_EXIT_OK;
}

const struct wxf_cmd_entry wxf_cmd_scan_entry = {
	.name = "scan",
	.summary = "inventory and hash evidence, find WeChat accounts and artifacts",
	.usage = "wxforensic scan [-q] [-v] [--json] [-o DIR] [--no-magic] [--backup-password P] EVIDENCE...\n\n"
	    "  -o, --output DIR  also write DIR/inventory.json and the audit log DIR/audit.jsonl\n"
	    "                    (refused inside the evidence)\n"
	    "      --no-magic    do not use libmagic (content rules only)\n"
	    "      --backup-password PASSWORD\n"
	    "                    password of encrypted Android backups (.ab)\n"
	    "      --json        print the inventory as JSON on stdout\n"
	    "  -q, --quiet       only warnings and errors on stderr\n"
	    "  -v, --verbose     debug messages on stderr\n\n"
	    "EVIDENCE: folders (Android, iTunes/Finder backup, WeChat Files, xwechat_files),\n"
	    "single files, or Android backups (.ab, MIUI .bak).  Every file is hashed (MD5, SHA-1,\n"
	    "SHA-256) before and after; exit status 1 if anything changed.",
	.optstring = "o:",
	.opts = scan_long,
	.state_size = sizeof(struct scan_opts),
	.min_args = 1,
	.max_args = -1,
	.opt = scan_opt,
	.exec = scan_exec,
};
