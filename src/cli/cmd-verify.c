/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wxforensic verify [--provenance] [--expect SHA256] [--signer SHA256] [-C DIR] OUTDIR
 * Re-hashes every file the manifest lists, looks for files added to the bundle, re-checks the
 * audit log's hash chain and that it ends by recording this manifest's SHA-256, checks the
 * signature of a signed bundle, and re-hashes the evidence files of evidence.sha256 that are
 * reachable (below -C DIR, else where the audit log says each evidence root was).  With
 * --provenance, also re-reads every cited byte range of timeline.xml (case/case_verify.c).
 * --expect compares the manifest's SHA-256 with the one written in the examination record,
 * --signer the signing key's fingerprint with the examiner's: the two checks that tie the
 * bundle to something kept apart from it (what verify proves: report/rpt_manifest.c).
 * Exit 0 when everything matches, 1 naming each change.
 */
#include "config.h"
#include "cmd.h"
#include "base/wxf_buf.h"
#include "base/wxf_mem.h"
#include "case/case.h"
#include "report/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct verify_opts {
	char *base;
	int provenance;
	char expect[65], signer[65];
};

enum { OPT_PROVENANCE = 256, OPT_EXPECT, OPT_SIGNER };

static const struct option verify_long[] = {
	{ "evidence-base", required_argument, NULL, 'C' },
	{ "provenance", no_argument, NULL, OPT_PROVENANCE },
	{ "expect", required_argument, NULL, OPT_EXPECT },
	{ "signer", required_argument, NULL, OPT_SIGNER },
	{ NULL, 0, NULL, 0 }
};

/* A SHA-256 as 64 hex digits (either case), kept in lower case. */
static int
sha256_arg(const char *arg, char out[65], const char *opt, wxf_err *err)
{
	size_t i;

	if (strlen(arg) != 64)
		return wxf_err_set(err, WXF_EUSAGE, "%s wants a SHA-256 (64 hex digits), not '%s'",
		    opt, arg);
	for (i = 0; i < 64; i++) {
		char c = arg[i];

		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return wxf_err_set(err, WXF_EUSAGE, "%s wants a SHA-256 (64 hex digits), not "
			    "'%s'", opt, arg);
		out[i] = c;
	}
	out[64] = '\0';
	return WXF_OK;
}

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
	case OPT_EXPECT:
		return sha256_arg(arg, o->expect, "--expect", err);
	case OPT_SIGNER:
		return sha256_arg(arg, o->signer, "--signer", err);
	}
	return wxf_err_set(err, WXF_EUSAGE, "unknown option");
}

static void
print_list(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *t = wxf_term_str(v[i]);

		printf("  CHANGED  %s\n", t);
		free(t);
	}
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
	printf("Bundle: %s\n", argv[0]);
	if (r.incomplete[0] != '\0') {
		/* a run that died (disk full, killed) leaves a folder that is not a bundle yet */
		printf("  INCOMPLETE  %s\nNOT VERIFIED: incomplete bundle\n", r.incomplete);
		wxf_log_error(&ctx->log, "%s", err.msg);
		wxf_verify_result_free(&r);
		return WXF_EXIT_FINDINGS;
	}
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
	if (o->expect[0] != '\0') {
		if (strcmp(o->expect, r.manifest_sha256) == 0)
			printf("  manifest.sha256: the SHA-256 expected (--expect)\n");
		else {
			printf("  CHANGED  manifest.sha256: SHA-256 %s, expected %s: not the bundle "
			    "recorded\n", r.manifest_sha256, o->expect);
			n_bad++;
		}
	}
	if (r.signature > 0)
		printf("  signature: %s verifies (Ed25519); signing key SHA-256 %s\n", WXF_SIGN_FILE,
		    r.signer);
	else if (r.signature < 0) {
		printf("  CHANGED  signature: %s\n", r.sig_msg);
		n_bad++;
	} else
		printf("  signature: none (the bundle is not signed)\n");
	if (o->signer[0] != '\0' && (r.signature <= 0 || strcmp(o->signer, r.signer) != 0)) {
		printf("  CHANGED  signing key: %s, expected %s (--signer)\n", r.signature > 0 ?
		    r.signer : "no valid signature", o->signer);
		n_bad++;
	}
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
		    "the bundle does not verify (see the findings above)");
	}
	wxf_verify_result_free(&r);
	return n_bad == 0 ? WXF_EXIT_OK : WXF_EXIT_FINDINGS;
}

const struct wxf_cmd_entry wxf_cmd_verify_entry = {
	.name = "verify",
	.summary = "re-check an evidence bundle: manifest, audit chain, evidence hashes, cited bytes",
	.usage = "wxforensic verify [--provenance] [--expect SHA256] [--signer SHA256] [-C DIR] "
	    "OUTDIR\n\n"
	    "      --provenance         also re-read every cited byte range of timeline.xml: its\n"
	    "                           SHA-256 and that it holds the reported text\n"
	    "      --expect SHA256      the SHA-256 of manifest.sha256 that case printed (and the\n"
	    "                           examination record holds): anything else is a finding\n"
	    "      --signer SHA256      the fingerprint of the examiner's signing key: the\n"
	    "                           bundle must carry a valid signature by that key\n"
	    "  -C, --evidence-base DIR  the folder holding the evidence (bundle paths start with\n"
	    "                           the evidence's own name); default: where the audit log\n"
	    "                           says it was, else the current directory\n\n"
	    "Checks every file against manifest.sha256, the audit log's hash chain and its record\n"
	    "of the manifest, the signature of a signed bundle, and the evidence that is\n"
	    "reachable.  It cannot tell a bundle rewritten whole (new manifest, new log) from the\n"
	    "original: only --expect (or --signer) compares it with what was kept apart from it.\n"
	    "A folder whose run did not finish (no manifest) is reported as incomplete.\n"
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
