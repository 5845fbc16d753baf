/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wxforensic verify [--provenance] [-C DIR] OUTDIR
 * Re-hashes every file the manifest lists, looks for files added to the bundle, re-checks the
 * audit log's hash chain and that it ends by recording this manifest's SHA-256, and re-hashes
 * the evidence files of evidence.sha256 that are reachable (below -C DIR, else where the audit
 * log says each evidence root was).  With --provenance, also re-reads every cited byte range of
 * timeline.xml (case/case_verify.c).  Exit 0 when everything matches, 1 naming each change.
 */
#include "config.h"
#include "cmd.h"
#include "base/wxf_mem.h"
#include "case/case.h"
#include "report/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct verify_opts {
	char *base;
	int provenance;
};

enum { OPT_PROVENANCE = 256 };

static const struct option verify_long[] = {
	{ "evidence-base", required_argument, NULL, 'C' },
	{ "provenance", no_argument, NULL, OPT_PROVENANCE },
	{ NULL, 0, NULL, 0 }
};

static int
verify_opt(void *state, int c, const char *arg, wxf_err *err)
{
	struct verify_opts *o = state;

	switch (c) {
	case 0:
		free(o->base);
		o->base = NULL;
		return WXF_OK;
	case 'C':
		free(o->base);
		o->base = wxf_xstrdup(arg);
		return WXF_OK;
	case OPT_PROVENANCE:
		o->provenance = 1;
		return WXF_OK;
	}
	return wxf_err_set(err, WXF_EUSAGE, "unknown option");
}

static void
print_list(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("  CHANGED  %s\n", v[i]);
}

static int
verify_exec(wxf_ctx *ctx, void *state, int argc, char **argv)
{
	struct verify_opts *o = state;
	wxf_verify_result r;
	wxf_cite_result cr;
	wxf_err err, perr;
	size_t n_bad, i;
	int rc, prc;

	wxf_err_clear(&err);
	rc = wxf_verify_bundle(argv[0], o->base, &r, &err);
	if (rc == WXF_EIO) {
		wxf_log_error(&ctx->log, "%s", err.msg);
		wxf_verify_result_free(&r);
		return WXF_EXIT_USAGE;
	}
	if (r.incomplete) {
		wxf_log_error(&ctx->log, "%s", err.msg);
		wxf_verify_result_free(&r);
		return WXF_EXIT_FINDINGS;
	}
	printf("Bundle: %s\n", argv[0]);
	printf("manifest.sha256 SHA-256: %s\n", r.manifest_sha256);
	printf("  %zu files checked against the manifest\n", r.n_files);
	print_list(r.changed, r.n_changed);
	print_list(r.missing, r.n_missing);
	print_list(r.extra, r.n_extra);
	if (r.audit_ok)
		printf("  audit.jsonl: hash chain intact (%lu lines), ends with this manifest\n",
		    r.n_audit_lines);
	else
		printf("  CHANGED  audit.jsonl: %s\n", r.audit_msg);
	printf("  evidence: %zu files re-hashed, %zu not reachable\n", r.n_evidence_checked,
	    r.n_evidence_unreachable);
	print_list(r.evidence, r.n_evidence);
	if (r.n_evidence_checked == 0 && r.n_evidence_unreachable > 0)
		printf("  note: the evidence was not reachable from here; give -C DIR, the folder "
		    "holding the evidence\n");
	n_bad = r.n_changed + r.n_missing + r.n_extra + r.n_evidence + (r.audit_ok ? 0 : 1);
	if (o->provenance) {
		wxf_err_clear(&perr);
		prc = wxf_cite_verify_bundle(argv[0], o->base, &cr, &perr);
		printf("  provenance: %zu cited byte ranges re-read, %zu of them checked for their "
		    "text; %zu mismatch(es)\n", cr.n_checked, cr.n_text, cr.n_failed);
		for (i = 0; i < cr.n_listed; i++)
			printf("  MISMATCH  %s\n", cr.listed[i]);
		if (cr.n_failed > cr.n_listed)
			printf("  ... and %zu more\n", cr.n_failed - cr.n_listed);
		if (prc != WXF_OK) {
			printf("  CHANGED  %s\n", perr.msg);
			n_bad++;
		}
		n_bad += cr.n_failed;
		wxf_cite_result_free(&cr);
	}
	if (n_bad == 0)
		printf("VERIFIED: nothing changed\n");
	else {
		printf("NOT VERIFIED: %zu finding(s)\n", n_bad);
		wxf_log_error(&ctx->log, "%s", rc != WXF_OK ? err.msg :
		    "the cited bytes do not hold what the bundle says");
	}
	wxf_verify_result_free(&r);
	return n_bad == 0 ? WXF_EXIT_OK : WXF_EXIT_FINDINGS;
}

const struct wxf_cmd_entry wxf_cmd_verify_entry = {
	.name = "verify",
	.summary = "re-check an evidence bundle: manifest, audit chain, evidence hashes, cited bytes",
	.usage = "wxforensic verify [--provenance] [-C DIR] OUTDIR\n\n"
	    "      --provenance         also re-read every cited byte range of timeline.xml: its\n"
	    "                           SHA-256 and that it holds the reported text\n"
	    "  -C, --evidence-base DIR  the folder holding the evidence (bundle paths start with\n"
	    "                           the evidence's own name); default: where the audit log\n"
	    "                           says it was, else the current directory\n\n"
	    "Exit status 0 when every file matches, 1 naming each change (or the missing parts\n"
	    "of a bundle whose case run did not finish), 2 when OUTDIR is no bundle.",
	.optstring = "C:",
	.opts = verify_long,
	.state_size = sizeof(struct verify_opts),
	.min_args = 1,
	.max_args = 1,
	.opt = verify_opt,
	.exec = verify_exec,
};
