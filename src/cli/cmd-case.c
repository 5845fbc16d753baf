/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wxforensic case EVIDENCE... -o OUTDIR
 *
 * The options, the call to the pipeline (case/case.h: intake, containers, accounts, keys,
 * decryption, reading, recovery, analysis, the second hashing, the writers), the printed
 * summary and the exit status.  Nothing here knows a platform: the pipeline runs every driver
 * of the platform table (wechat/wc_drivers.c).
 *
 * Exit status: 0 the bundle is written; 1 the evidence changed during processing (the bundle
 * is still written); 2 usage (options, OUTDIR, indicator files; --pdf without WeasyPrint in
 * PATH, checked before anything is done); 3 the evidence cannot be read, or no message
 * database found could be read; 4 the bundle could not be written, or report.pdf could not
 * be rendered (the rest of the bundle is written and verifies).  --tags: an unreadable or
 * malformed tag file is 2 before anything is done; a tag naming no record of the bundle is 2
 * after reading, with no report and no manifest written (verify refuses the folder).
 */
#include "config.h"
#include "wxf-gitid.h"
#include "cmd.h"
#include "base/wxf_buf.h"
#include "case/case.h"
#include "report/report.h"
#include "base/wxf_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PDF_RENDERER "weasyprint"

extern const struct wxf_cmd_entry wxf_cmd_case_entry;

struct case_opts {
	wxf_keyopts k;           /* --key, --imei, --uin, --reveal-key (cmd.h) */
	char *out;
	char *case_number, *exhibit, *examiner, *organisation, *tz, *seller;
	char **indicators;
	int no_carve;
	int pdf;
	char *backup_key;        /* --backup-key: WeChat PC backup passphrase (32 hex) */
	char *backup_password;   /* --backup-password: encrypted .ab / Huawei backup password */
	char *sign;              /* --sign: Ed25519 private key signing the manifest */
	char **dumps;            /* --memdump FILE (repeatable): process memory, desktop keys */
	char *image_key;         /* --image-key: WeChat 4.x image key */
	char *tags;              /* --tags: the examiner's tag file (CSV) */
	char **labels;           /* --exhibit-label LABEL=PATH (repeatable) */
	long long jobs, page_msgs, inline_msgs;
};

enum {
	OPT_CASE = 0x2100, OPT_EXHIBIT, OPT_EXAMINER, OPT_ORG, OPT_TZ, OPT_SELLER, OPT_INDICATORS,
	OPT_PAGE, OPT_INLINE, OPT_NO_CARVE, OPT_BACKUP_KEY, OPT_BACKUP_PASSWORD, OPT_MEMDUMP, OPT_IMAGE_KEY,
	OPT_SIGN, OPT_PDF, OPT_TAGS, OPT_EXHIBIT_LABEL
};

static const struct option case_long[] = {
	WXF_KEYOPTS_HINTS_LONG,
	{ "raw-key", required_argument, NULL, WXF_KO_RAWKEY },
	{ "memdump", required_argument, NULL, OPT_MEMDUMP },
	{ "image-key", required_argument, NULL, OPT_IMAGE_KEY },
	{ "output", required_argument, NULL, 'o' },
	{ "case-number", required_argument, NULL, OPT_CASE },
	{ "exhibit", required_argument, NULL, OPT_EXHIBIT },
	{ "examiner", required_argument, NULL, OPT_EXAMINER },
	{ "organisation", required_argument, NULL, OPT_ORG },
	{ "organization", required_argument, NULL, OPT_ORG },
	{ "tz", required_argument, NULL, OPT_TZ },
	{ "seller", required_argument, NULL, OPT_SELLER },
	{ "indicators", required_argument, NULL, OPT_INDICATORS },
	{ "page-messages", required_argument, NULL, OPT_PAGE },
	{ "inline-messages", required_argument, NULL, OPT_INLINE },
	{ "no-carve", no_argument, NULL, OPT_NO_CARVE },
	{ "pdf", no_argument, NULL, OPT_PDF },
	{ "backup-key", required_argument, NULL, OPT_BACKUP_KEY },
	{ "backup-password", required_argument, NULL, OPT_BACKUP_PASSWORD },
	{ "sign", required_argument, NULL, OPT_SIGN },
	{ "tags", required_argument, NULL, OPT_TAGS },
	{ "exhibit-label", required_argument, NULL, OPT_EXHIBIT_LABEL },
	{ NULL, 0, NULL, 0 }
};

static void
wipe_set(char **dst, const char *v)
{
	if (*dst != NULL)
		memset(*dst, 0, strlen(*dst));
	wxf_cmd_set_str(dst, v);
}

static int
case_opt(void *state, int c, const char *arg, wxf_err *err)
{
	struct case_opts *o = state;
	int rc;

	/* case takes 0 (= all processors) and up to 1024 threads */
	if (c == WXF_KO_JOBS)
		return wxf_cmd_num(arg, 0, 1024, &o->jobs, "--jobs", err);
	if (wxf_cmd_keyopt(&o->k, c, arg, err, &rc))
		return rc;
	switch (c) {
	case 0:
		wxf_cmd_set_str(&o->out, NULL);
		wxf_cmd_set_str(&o->case_number, NULL);
		wxf_cmd_set_str(&o->exhibit, NULL);
		wxf_cmd_set_str(&o->examiner, NULL);
		wxf_cmd_set_str(&o->organisation, NULL);
		wxf_cmd_set_str(&o->tz, NULL);
		wxf_cmd_set_str(&o->seller, NULL);
		wxf_cmd_set_str(&o->sign, NULL);
		wxf_cmd_set_str(&o->tags, NULL);
		wipe_set(&o->backup_key, NULL);
		wipe_set(&o->backup_password, NULL);
		wipe_set(&o->image_key, NULL);
		wxf_cmd_strv_free(&o->indicators);
		wxf_cmd_strv_free(&o->dumps);
		wxf_cmd_strv_free(&o->labels);
		return WXF_OK;
	case 'o': wxf_cmd_set_str(&o->out, arg); return WXF_OK;
	case OPT_CASE: wxf_cmd_set_str(&o->case_number, arg); return WXF_OK;
	case OPT_EXHIBIT: wxf_cmd_set_str(&o->exhibit, arg); return WXF_OK;
	case OPT_EXAMINER: wxf_cmd_set_str(&o->examiner, arg); return WXF_OK;
	case OPT_ORG: wxf_cmd_set_str(&o->organisation, arg); return WXF_OK;
	case OPT_TZ: wxf_cmd_set_str(&o->tz, arg); return WXF_OK;
	case OPT_SELLER: wxf_cmd_set_str(&o->seller, arg); return WXF_OK;
	case OPT_SIGN: wxf_cmd_set_str(&o->sign, arg); return WXF_OK;
	case OPT_TAGS: wxf_cmd_set_str(&o->tags, arg); return WXF_OK;
	case OPT_EXHIBIT_LABEL: wxf_cmd_strv_add(&o->labels, arg); return WXF_OK;
	case OPT_INDICATORS: wxf_cmd_strv_add(&o->indicators, arg); return WXF_OK;
	case OPT_NO_CARVE: o->no_carve = 1; return WXF_OK;
	case OPT_PDF: o->pdf = 1; return WXF_OK;
	case OPT_BACKUP_KEY: wipe_set(&o->backup_key, arg); return WXF_OK;
	case OPT_BACKUP_PASSWORD: wipe_set(&o->backup_password, arg); return WXF_OK;
	case OPT_MEMDUMP: wxf_cmd_strv_add(&o->dumps, arg); return WXF_OK;
	case OPT_IMAGE_KEY: wipe_set(&o->image_key, arg); return WXF_OK;
	case OPT_PAGE: return wxf_cmd_num(arg, 10, 1000000, &o->page_msgs, "--page-messages", err);
	case OPT_INLINE: {
		int r = wxf_cmd_num(arg, 0, 1000000000, &o->inline_msgs, "--inline-messages", err);

		if (r == WXF_OK && o->inline_msgs == 0)
			o->inline_msgs = -1;    /* report.h: every conversation on pages */
		return r;
	}
	}
	return wxf_err_set(err, WXF_EUSAGE, "unknown option");
}

/* 1 when prog is an executable file in a folder of PATH. */
static int
in_path(const char *prog)
{
	const char *p = getenv("PATH"), *e;
	char buf[4096];

	for (; p != NULL && *p != '\0'; p = *e ? e + 1 : e) {
		e = strchr(p, ':');
		if (e == NULL)
			e = p + strlen(p);
		if (e > p && snprintf(buf, sizeof(buf), "%.*s/%s", (int)(e - p), p, prog) <
		    (int)sizeof(buf) && access(buf, X_OK) == 0)
			return 1;
	}
	return 0;
}

static void
print_summary(const struct case_opts *o, const wxf_case_summary *s)
{
	size_t i;
	char t[48];

	char *out = wxf_term_str(o->out);

	printf("Evidence bundle: %s\n", out);
	free(out);
	printf("  report.html, timeline.xml, timeline.jsonl, csv/, case.jsonld, evidence.sha256, "
	    "work/, audit.jsonl%s\n", s->pdf_sha256[0] ? ", report.pdf" : "");
	for (i = 0; i < s->n_units; i++)
		printf("  %s read: %zu of %zu\n", s->units[i].noun, s->units[i].n_read, s->units[i].n);
	printf("  message databases read: %zu of %zu; messages: %zu; payments: %zu\n", s->n_dbs_read,
	    s->n_dbs, s->n_msgs, s->n_payments);
	for (i = 0; i < s->n_accounts; i++) {
		const wxf_case_account *a = &s->accounts[i];

		char *t1 = a->label != NULL ? wxf_term_str(a->label) : NULL;

		if (t1 != NULL)
			printf("  account %s\n", t1);
		free(t1);
		if (a->seller_own) {
			/* its own analysis takes her best customer for "the seller": not shown */
			printf("    the seller's own account (seller across exhibits, report.html#xseller)\n");
			continue;
		}
		if (a->seller == NULL)
			continue;
		t1 = wxf_term_str(a->seller);
		printf("  %sseller (%s): %s\n", a->label != NULL ? "  " : "", a->seller_source, t1);
		free(t1);
		if (a->totals_ok) {
			wxf_report_fen(a->net_fen, t, sizeof(t));
			printf("  %snet paid: %s", a->label != NULL ? "  " : "", t);
			if (a->crpl_ok) {
				wxf_report_fen(a->crpl55_fen, t, sizeof(t));
				printf("   CRPL art. 55 figure: %s", t);
			}
			putchar('\n');
		}
	}
	if (s->n_xsellers > 0) {
		printf("  seller across exhibits: %zu seller(s) over %zu accounts\n", s->n_xsellers,
		    s->n_xlinked);
		wxf_report_fen(s->xnet_fen, t, sizeof(t));
		printf("    net paid by the victims: %s", t);
		wxf_report_fen(s->xcrpl55_fen, t, sizeof(t));
		printf("   CRPL art. 55 figures (each victim's, summed): %s\n", t);
	}
	printf("  cited byte ranges re-read: %zu (%zu checked for their text); mismatches: %zu\n",
	    s->n_cites, s->n_cites_text, s->n_cites_failed);
	if (s->n_unreadable + s->n_dbs_unreadable > 0)
		printf("  UNREADABLE evidence: %zu container(s), %zu database(s) or backup(s) (see the "
		    "report's limitations)\n", s->n_unreadable, s->n_dbs_unreadable);
	printf("  audit.jsonl: %lu records, chained; head %s (verify checks it: nothing to "
	    "record)\n", s->n_audit_records, s->audit_head);
	if (s->signer[0] != '\0')
		printf("  manifest signed (Ed25519, %s); signing key SHA-256: %s\n", WXF_SIGN_FILE,
		    s->signer);
	if (s->pdf_sha256[0])
		printf("  report.pdf SHA-256: %s (PDF/A-3b attaching timeline.xml and manifest.sha256; "
		    "not in the manifest, which it attaches: its hash is the audit log's last "
		    "record)\n", s->pdf_sha256);
	else if (s->pdf_failed)
		printf("  report.pdf: NOT WRITTEN (see the error above)\n");
	printf("The one hash to record in the examination record (笔录/清单) is the manifest's: it "
	    "covers every file of the bundle (verify --expect checks it).\n");
	printf("manifest.sha256 SHA-256: %s\n", s->manifest_sha256);
}

/* The command line with the --image-key value hidden (the report hides --key and its kin). */
static char *
hide_image_key(const char *cmdline)
{
	static const char opt[] = "--image-key";
	char *s = wxf_xstrdup(cmdline != NULL ? cmdline : ""), *p = s;

	while ((p = strstr(p, opt)) != NULL) {
		char *v = p + strlen(opt), *e;

		if ((p != s && p[-1] != ' ') || (*v != ' ' && *v != '=')) {
			p = v;
			continue;
		}
		v++;
		/* the value runs to the next unquoted space (cli/cmd.c quotes with '...') */
		for (e = v; *e != '\0' && *e != ' '; e++)
			if (*e == '\'')
				for (e++; *e != '\0' && *e != '\''; e++)
					;
		{
			char *n = wxf_xasprintf("%.*s[redacted]%s", (int)(v - s), s, e);

			p = n + (v - s) + 10;
			free(s);
			s = n;
		}
	}
	return s;
}

static int
case_exec(wxf_ctx *ctx, void *state, int argc, char **argv)
{
	struct case_opts *o = state;
	wxf_case_opts co;
	wxf_case_summary s;
	size_t n_ind = 0, n_ev = 0;
	wxf_err err;
	char *cmdline, **ev;
	int rc, exit_rc, i;

	if (o->out == NULL) {
		fprintf(stderr, "wxforensic case: -o OUTDIR is required\n");
		return WXF_EXIT_USAGE;
	}
	if (o->pdf && !in_path(PDF_RENDERER)) {
		fprintf(stderr, "wxforensic case: --pdf needs WeasyPrint: the program '%s' is not in "
		    "PATH (Debian: apt-get install weasyprint, or build-aux/wxf-setup-debian); "
		    "nothing was done\n", PDF_RENDERER);
		return WXF_EXIT_USAGE;
	}
	while (o->indicators != NULL && o->indicators[n_ind] != NULL)
		n_ind++;
	memset(&co, 0, sizeof(co));
	co.out = o->out;
	co.tool = ctx->tool;
	cmdline = hide_image_key(ctx->cmdline);
	co.cmdline = cmdline;
	co.tool_version = PACKAGE_VERSION;
	co.git_id = WXF_GIT_ID;
	co.log = &ctx->log;
	co.key = o->k.key;
	co.raw_key = o->k.raw_key;
	co.dumps = o->dumps;
	co.image_key = o->image_key;
	co.imeis = o->k.imeis;
	co.uins = o->k.uins;
	co.reveal_key = o->k.reveal;
	co.backup_key = o->backup_key;
	co.backup_password = o->backup_password;
	co.jobs = (unsigned)o->jobs;
	co.no_carve = o->no_carve;
	co.seller = o->seller;
	co.indicator_files = (const char *const *)o->indicators;
	co.n_indicator_files = n_ind;
	co.tz = o->tz;
	co.case_number = o->case_number;
	co.exhibit = o->exhibit;
	co.examiner = o->examiner;
	co.organisation = o->organisation;
	co.page_msgs = (size_t)o->page_msgs;
	co.inline_msgs = o->inline_msgs;
	co.sign_key = o->sign;
	co.pdf_renderer = o->pdf ? PDF_RENDERER : NULL;
	co.tags_file = o->tags;
	co.exhibit_labels = (const char *const *)o->labels;
	/* a labelled exhibit is evidence too: its path joins the list unless it is already there */
	ev = wxf_xcalloc((size_t)argc + 1, sizeof(*ev));
	for (i = 0; i < argc; i++)
		ev[n_ev++] = argv[i];
	for (i = 0; o->labels != NULL && o->labels[i] != NULL; i++) {
		const char *eq = strchr(o->labels[i], '='), *path = eq != NULL ? eq + 1 : NULL;
		int j, seen = 0;

		for (j = 0; path != NULL && j < (int)n_ev; j++)
			seen |= strcmp(ev[j], path) == 0;
		if (path != NULL && *path && !seen) {
			ev = wxf_xrealloc(ev, (n_ev + 2) * sizeof(*ev));
			ev[n_ev++] = (char *)path;
		}
	}
	if (n_ev == 0) {
		fprintf(stderr, "wxforensic case: no evidence given (EVIDENCE... or --exhibit-label "
		    "L=PATH)\nusage: %s\n", wxf_cmd_case_entry.usage);
		free(ev);
		free(cmdline);
		return WXF_EXIT_USAGE;
	}
	wxf_err_clear(&err);
	rc = wxf_case_run(ev, n_ev, &co, &s, &err);
	free(ev);
	free(cmdline);
	if (rc != WXF_OK) {
		if (s.step == WXF_CASE_START && rc == WXF_EUSAGE)
			fprintf(stderr, "wxforensic case: %s\n", err.msg);
		else
			wxf_log_error(&ctx->log, "%s", err.msg);
		exit_rc = rc == WXF_EUSAGE ? WXF_EXIT_USAGE : s.step == WXF_CASE_INTAKE ?
		    wxf_err_exit_code(rc) : WXF_EXIT_INTERNAL;
		wxf_case_summary_free(&s);
		return exit_rc;
	}
	print_summary(o, &s);
	/* 1 before 3: a changed evidence file or a cited range that does not hold its record
	 * is worse than evidence left unread */
	exit_rc = WXF_EXIT_OK;
	if (s.n_changed > 0) {
		fprintf(stderr, "\n*** EVIDENCE INTEGRITY FAILURE: %zu evidence file(s) changed during "
		    "processing; see the report's evidence list. ***\n", s.n_changed);
		exit_rc = WXF_EXIT_FINDINGS;
	}
	if (s.n_cites_failed > 0) {
		fprintf(stderr, "\n*** PROVENANCE FAILURE: %zu cited byte range(s) do not hold what the "
		    "bundle reports; see audit.jsonl (provenance-mismatch). ***\n", s.n_cites_failed);
		exit_rc = WXF_EXIT_FINDINGS;
	}
	if (s.pdf_failed) {
		fprintf(stderr, "wxforensic case: report.pdf could not be rendered; the rest of the "
		    "bundle is written and verifies\n");
		if (exit_rc == WXF_EXIT_OK)
			exit_rc = WXF_EXIT_INTERNAL;
	}
	if (s.n_unreadable + s.n_dbs_unreadable > 0 || (s.n_dbs > 0 && s.n_dbs_read == 0)) {
		fprintf(stderr, "wxforensic case: part of the evidence could not be read (%zu "
		    "container(s), %zu database(s) or backup(s)); the bundle was written without it: "
		    "see the report's limitations\n", s.n_unreadable, s.n_dbs_unreadable);
		if (exit_rc == WXF_EXIT_OK)
			exit_rc = WXF_EXIT_EVIDENCE;
	}
	if (s.n_faults > 0) {
		fprintf(stderr, "wxforensic case: %zu step(s) failed for want of room or memory "
		    "(see above and the report's limitations); the bundle was written without them\n",
		    s.n_faults);
		exit_rc = WXF_EXIT_INTERNAL;
	}
	wxf_case_summary_free(&s);
	return exit_rc;
}

const struct wxf_cmd_entry wxf_cmd_case_entry = {
	.name = "case",
	.summary = "whole pipeline: evidence in, court-ready evidence bundle out",
	.usage = "wxforensic case [options] -o OUTDIR EVIDENCE...\n"
	    "       wxforensic case [options] -o OUTDIR --exhibit-label L=PATH... [EVIDENCE...]\n\n"
	    "  -o, --output OUTDIR     the evidence bundle (new or empty directory, not inside\n"
	    "                          the evidence)\n"
	    "      --case-number S     case number (案件编号)\n"
	    "      --exhibit S         exhibit number(s) (检材编号)\n"
	    "      --exhibit-label L=PATH  label evidence PATH as exhibit L (repeatable; PATH\n"
	    "                          joins the evidence when not given already): the report\n"
	    "                          and timeline name its accounts' exhibit L\n"
	    "      --examiner S        examiner name(s) (检验人)\n"
	    "      --organisation S    organisation (单位)\n"
	    "      --tz ZONE           display time zone (default Asia/Shanghai)\n"
	    "      --seller WXID       the seller account (default: proposed by ranking, per account)\n"
	    "      --indicators FILE   extra indicator phrases (repeatable)\n"
	    "      --imei ID           device id candidate for the Android key (repeatable)\n"
	    "      --uin UIN           uin candidate for the Android key (repeatable)\n"
	    "      --key KEY           the database key (verified before use): Android passphrase,\n"
	    "                          or the 32-byte desktop key as 64 hex digits\n"
	    "      --raw-key HEX       an already-derived desktop AES key (64 hex digits)\n"
	    "      --memdump FILE      a process memory dump (raw or minidump) to search for the\n"
	    "                          desktop keys: WCDB key strings matched to each database's\n"
	    "                          salt, then derived and raw keys (repeatable)\n"
	    "      --image-key KEY     WeChat 4.x image (.dat V2) AES key, 16 characters\n"
	    "      --reveal-key        print the key in the report and audit log\n"
	    "      --jobs N            decryption, carving and writer threads (0 = all CPUs)\n"
	    "      --page-messages N   most messages on a conversation page (default 2000); a\n"
	    "                          longer conversation is split by month\n"
	    "      --inline-messages N report.html shows the conversations when the case has at\n"
	    "                          most N messages (default 2000); above, it is an index\n"
	    "                          and every conversation has pages of its own (0: always)\n"
	    "      --no-carve          do not recover deleted records\n"
	    "      --pdf               also write report.pdf (PDF/A-3b, WeasyPrint; attaches\n"
	    "                          timeline.xml and manifest.sha256)\n"
	    "      --backup-key HEX32  passphrase of a WeChat PC \"Backup & Restore\" folder\n"
	    "      --backup-password P password of an encrypted Android (.ab) or Huawei backup\n"
	    "      --sign KEY          sign manifest.sha256 with this Ed25519 private key (PEM);\n"
	    "                          the public key goes into the bundle\n"
	    "      --tags FILE         the examiner's tags: CSV \"id,tag,note,examiner\" naming\n"
	    "                          records by their bundle ids (wxforensic tags OUTDIR lists\n"
	    "                          them); shown as the examiner selection of report.html and\n"
	    "                          report.pdf, <tags> in timeline.xml, examiner_tags in\n"
	    "                          timeline.jsonl; copied to tags/tags.csv\n\n"
	    "Every WeChat account found is read and analysed on its own.  Writes report.html,\n"
	    "timeline.xml (DFXML), timeline.jsonl, csv/, case.jsonld (CASE/UCO), evidence.sha256,\n"
	    "work/, audit.jsonl and manifest.sha256, then with --pdf report.pdf (not in the\n"
	    "manifest: its hash is the audit log's last record); prints the manifest's SHA-256,\n"
	    "the one hash to record (verify --expect checks it).  Honours SOURCE_DATE_EPOCH.\n"
	    "Every cited byte range is re-read and checked before writing.  Exit 1 if the\n"
	    "evidence changed during processing or a cited range does not hold its record; 3 if\n"
	    "some evidence could not be read (wrong or missing password or key, corrupt container\n"
	    "or database): the bundle is still written, without it; 4 if the bundle could not be\n"
	    "written (disk full: the message names the file), a step failed for want of room, or\n"
	    "report.pdf was not rendered.  --pdf without WeasyPrint in PATH, or a --tags file\n"
	    "that cannot be read or parsed: exit 2 before anything is done; a tag naming no\n"
	    "record: exit 2 after reading, the ids listed, no report and no manifest written\n"
	    "(verify refuses the folder).",
	.optstring = "o:",
	.opts = case_long,
	.state_size = sizeof(struct case_opts),
	.min_args = 0,                  /* EVIDENCE... or --exhibit-label: checked in case_exec */
	.max_args = -1,
	.opt = case_opt,
	.exec = case_exec,
};
