/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wxforensic verify OUTDIR
 * Re-hashes every file the manifest lists, looks for files added to the bundle, re-checks the
 * audit log's hash chain and that it ends by recording this manifest's SHA-256, and re-hashes
 * the evidence files of evidence.sha256 that are reachable (paths as given to `case`, relative
 * to the current directory or to -C DIR).  Exit 0 when everything matches, 1 naming each change.
 */
#include "config.h"
#include "cmd.h"
#include "base/wxf_mem.h"
#include "report/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct verify_opts {
	char *base;
};

static const struct option verify_long[] = {
	{ "evidence-base", required_argument, NULL, 'C' },
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
	wxf_err err;
	int rc;

	wxf_err_clear(&err);
	rc = wxf_verify_bundle(argv[0], o->base, &r, &err);
	if (rc == WXF_EIO) {
		wxf_log_error(&ctx->log, "%s", err.msg);
		wxf_verify_result_free(&r);
		return WXF_EXIT_USAGE;
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
		printf("  note: the evidence was not reachable from here; run in the directory where "
		    "`case` ran, or give -C DIR\n");
	if (rc == WXF_OK)
		printf("VERIFIED: nothing changed\n");
	else {
		printf("NOT VERIFIED: %zu change(s)\n", r.n_changed + r.n_missing + r.n_extra +
		    r.n_evidence + (r.audit_ok ? 0 : 1));
		wxf_log_error(&ctx->log, "%s", err.msg);
	}
	wxf_verify_result_free(&r);
	return rc == WXF_OK ? WXF_EXIT_OK : WXF_EXIT_FINDINGS;
}

const struct wxf_cmd_entry wxf_cmd_verify_entry = {
	.name = "verify",
	.summary = "re-check an evidence bundle: manifest, audit chain, evidence hashes",
	.usage = "wxforensic verify [-C DIR] OUTDIR\n\n"
	    "  -C, --evidence-base DIR  resolve relative evidence paths against DIR\n"
	    "                           (default: the current directory)\n\n"
	    "Exit status 0 when every file matches, 1 naming each change.",
	.optstring = "C:",
	.opts = verify_long,
	.state_size = sizeof(struct verify_opts),
	.min_args = 1,
	.max_args = 1,
	.opt = verify_opt,
	.exec = verify_exec,
};
