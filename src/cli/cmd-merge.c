/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wxforensic merge [--tz ZONE] -o OUTDIR BUNDLE...
 *
 * The seller across exhibits from finished bundles (one per exhibit, as a batch writes them),
 * without reading any evidence: each bundle is verified first (as `verify` does: manifest,
 * audit chain, signature), then the findings of its timeline.xml are read (case/merge.c).
 * Writes OUTDIR/seller.html, seller.xml, audit.jsonl and manifest.sha256.
 *
 * Exit status: 0 merged; 1 a bundle does not verify (nothing written); 2 usage (OUTDIR not new
 * or empty, unknown zone); 3 a bundle's timeline cannot be read; 4 OUTDIR could not be written.
 */
#include "config.h"
#include "wxf-gitid.h"
#include "cmd.h"
#include "base/wxf_buf.h"
#include "base/wxf_mem.h"
#include "case/merge.h"
#include "report/report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct merge_opts {
	char *out, *tz;
};

enum { OPT_TZ = 256 };

static const struct option merge_long[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "tz", required_argument, NULL, OPT_TZ },
	{ NULL, 0, NULL, 0 }
};

static int
merge_opt(void *state, int c, const char *arg, wxf_err *err)
{
	struct merge_opts *o = state;

	switch (c) {
	case 0:
		wxf_cmd_set_str(&o->out, NULL);
		wxf_cmd_set_str(&o->tz, NULL);
		return WXF_OK;
	case 'o': wxf_cmd_set_str(&o->out, arg); return WXF_OK;
	case OPT_TZ: wxf_cmd_set_str(&o->tz, arg); return WXF_OK;
	}
	return wxf_err_set(err, WXF_EUSAGE, "unknown option");
}

static int
merge_exec(wxf_ctx *ctx, void *state, int argc, char **argv)
{
	struct merge_opts *o = state;
	wxf_merge_opts mo;
	wxf_merge_summary s;
	wxf_err err;
	wxf_tz *tz;
	char *cmdline;
	int rc, exit_rc;

	if (o->out == NULL) {
		fprintf(stderr, "wxforensic merge: -o OUTDIR is required\n");
		return WXF_EXIT_USAGE;
	}
	tz = wxf_tz_new(o->tz != NULL ? o->tz : "Asia/Shanghai");
	if (tz == NULL) {
		fprintf(stderr, "wxforensic merge: %s\n", errno == ENOMEM ? "out of memory" :
		    "unknown time zone");
		return errno == ENOMEM ? WXF_EXIT_INTERNAL : WXF_EXIT_USAGE;
	}
	cmdline = wxf_report_cmdline(ctx->cmdline);
	memset(&mo, 0, sizeof(mo));
	mo.out = o->out;
	mo.tool = ctx->tool;
	mo.cmdline = cmdline;
	mo.tool_version = PACKAGE_VERSION;
	mo.git_id = WXF_GIT_ID;
	mo.tz = tz;
	mo.log = &ctx->log;
	wxf_err_clear(&err);
	rc = wxf_merge_run(argv, (size_t)argc, &mo, &s, &err);
	free(cmdline);
	wxf_tz_free(&tz);
	if (rc != WXF_OK) {
		wxf_log_error(&ctx->log, "%s", err.msg);
		exit_rc = rc == WXF_EVERIFY ? WXF_EXIT_FINDINGS : rc == WXF_EUSAGE ? WXF_EXIT_USAGE :
		    rc == WXF_ECORRUPT ? WXF_EXIT_EVIDENCE : WXF_EXIT_INTERNAL;
		wxf_merge_summary_free(&s);
		return exit_rc;
	}
	if (ctx->json) {
		wxf_buf b;

		wxf_buf_init(&b);
		wxf_buf_putc(&b, '{');
		wxf_buf_json_kstr(&b, "merged", o->out);
		wxf_buf_printf(&b, ",\"bundles\":%zu,\"accounts\":%zu,\"sellers\":%zu,"
		    "\"linked_accounts\":%zu,\"net_fen\":%lld,\"crpl55_fen\":%lld", s.n_bundles,
		    s.n_accounts, s.n_sellers, s.n_linked, (long long)s.net_fen,
		    (long long)s.crpl55_fen);
		wxf_buf_json_kstr(&b, "manifest_sha256", s.manifest_sha256);
		wxf_buf_puts(&b, "}\n");
		fputs(b.p, stdout);
		wxf_buf_free(&b);
		wxf_merge_summary_free(&s);
		return WXF_EXIT_OK;
	}
	printf("Merged bundle: %s\n  seller.html, seller.xml, audit.jsonl\n", o->out);
	printf("  bundles verified and read: %zu; accounts: %zu\n", s.n_bundles, s.n_accounts);
	printf("  sellers linked across exhibits: %zu (%zu accounts)\n", s.n_sellers, s.n_linked);
	if (s.n_sellers > 0) {
		char a[48], b[48];

		wxf_report_fen(s.net_fen, a, sizeof(a));
		wxf_report_fen(s.crpl55_fen, b, sizeof(b));
		printf("    net paid: %s   CRPL art. 55 figures (sum of the victims'): %s\n", a, b);
	}
	printf("manifest.sha256 SHA-256: %s\n", s.manifest_sha256);
	wxf_merge_summary_free(&s);
	return WXF_EXIT_OK;
}

const struct wxf_cmd_entry wxf_cmd_merge_entry = {
	.name = "merge",
	.summary = "the seller across exhibits from finished bundles (no evidence read)",
	.usage = "wxforensic merge [--tz ZONE] -o OUTDIR BUNDLE...\n\n"
	    "  -o, --output OUTDIR     the merged bundle (new or empty directory)\n"
	    "      --tz ZONE           display time zone (default Asia/Shanghai)\n\n"
	    "Verifies every BUNDLE as verify does (manifest, audit chain, signature), then reads\n"
	    "the findings of each one's timeline.xml (owner, seller card with its sources, counted\n"
	    "transfers, exhibit labels) and links the sellers of all their accounts as case does\n"
	    "for the accounts of one run: wxid or transfer id (same account), 微信号, phone or owned\n"
	    "group (strong link), never a nickname or a masked number; the seller's own account\n"
	    "joins as hers; per victim the totals and CRPL art. 55 figure, each transfer once.\n"
	    "Writes OUTDIR/seller.html, seller.xml (<merge> of data/timeline.xsd), audit.jsonl\n"
	    "and manifest.sha256; no evidence is read.  Honours SOURCE_DATE_EPOCH.  With --json\n"
	    "the summary is one JSON object (bundles, accounts, sellers, linked_accounts,\n"
	    "net_fen, crpl55_fen, manifest_sha256).\n"
	    "Exit status 0 merged, 1 a bundle does not verify (nothing written), 2 usage, 3 a\n"
	    "bundle's timeline.xml cannot be read, 4 OUTDIR could not be written.",
	.optstring = "o:",
	.opts = merge_long,
	.state_size = sizeof(struct merge_opts),
	.min_args = 1,
	.max_args = -1,
	.opt = merge_opt,
	.exec = merge_exec,
};
