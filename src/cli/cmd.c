/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Command dispatch and the one place options are parsed (C14).
 */
#include "config.h"
#include "wxf-gitid.h"
#include "cmd.h"
#include "base/wxf_buf.h"
#include "base/wxf_mem.h"
#include "decrypt/decrypt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *
wxf_version_string(void)
{
	return PACKAGE_VERSION " (" WXF_GIT_ID ")";
}

int
wxf_cmd_num(const char *arg, long long min, long long max, long long *out, const char *what,
    wxf_err *err)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < min || v > max)
		return wxf_err_set(err, WXF_EUSAGE, "%s must be a number from %lld to %lld, not '%s'",
		    what, min, max, arg);
	*out = v;
	return WXF_OK;
}

void
wxf_cmd_set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = v != NULL ? wxf_xstrdup(v) : NULL;
}

static void
wipe_free(char **p)
{
	if (*p != NULL) {
		memset(*p, 0, strlen(*p));
		free(*p);
		*p = NULL;
	}
}

int
wxf_cmd_keyopt(wxf_keyopts *k, int c, const char *arg, wxf_err *err, int *rc)
{
	*rc = WXF_OK;
	switch (c) {
	case 0:
		wxf_cmd_set_str(&k->profile, NULL);
		wxf_cmd_set_str(&k->audit, NULL);
		wipe_free(&k->key);
		wipe_free(&k->raw_key);
		wxf_cmd_strv_free(&k->imeis);
		wxf_cmd_strv_free(&k->uins);
		return 0; /* the command frees its own options too */
	case WXF_KO_PROFILE:
		if (wxf_profile_find(arg) == NULL)
			*rc = wxf_err_set(err, WXF_EUSAGE, "unknown profile '%s' (see wxforensic-decrypt(1))", arg);
		else
			wxf_cmd_set_str(&k->profile, arg);
		return 1;
	case WXF_KO_KEY:
		wipe_free(&k->key);
		wxf_cmd_set_str(&k->key, arg);
		return 1;
	case WXF_KO_RAWKEY:
		wipe_free(&k->raw_key);
		wxf_cmd_set_str(&k->raw_key, arg);
		return 1;
	case WXF_KO_IMEI:
		wxf_cmd_strv_add(&k->imeis, arg);
		return 1;
	case WXF_KO_UIN:
		wxf_cmd_strv_add(&k->uins, arg);
		return 1;
	case WXF_KO_JOBS:
		*rc = wxf_cmd_num(arg, 1, 256, &k->jobs, "--jobs", err);
		return 1;
	case WXF_KO_REVEAL:
		k->reveal = 1;
		return 1;
	case WXF_KO_AUDIT:
		wxf_cmd_set_str(&k->audit, arg);
		return 1;
	}
	return 0;
}

void
wxf_cmd_strv_add(char ***v, const char *s)
{
	size_t n = 0;

	while (*v != NULL && (*v)[n] != NULL)
		n++;
	*v = wxf_xrealloc(*v, (n + 2) * sizeof(char *));
	(*v)[n] = wxf_xstrdup(s);
	(*v)[n + 1] = NULL;
}

void
wxf_cmd_strv_free(char ***v)
{
	size_t i;

	if (*v == NULL)
		return;
	for (i = 0; (*v)[i] != NULL; i++)
		free((*v)[i]);
	free(*v);
	*v = NULL;
}

static void
tool_usage(FILE *f)
{
	size_t i;

	fprintf(f,
	    "usage: wxforensic COMMAND [options] [arguments]\n"
	    "       wxforensic --help | --version\n\n"
	    "Forensic acquisition, decryption, recovery and reporting of WeChat data.\n\n"
	    "Commands:\n");
	for (i = 0; wxf_cmd_table[i] != NULL; i++)
		fprintf(f, "  %-9s %s\n", wxf_cmd_table[i]->name, wxf_cmd_table[i]->summary);
	fprintf(f,
	    "\nOptions of every command: -h/--help, -q/--quiet, -v/--verbose, --json.\n"
	    "Run 'wxforensic COMMAND --help' for a command's options; see wxforensic(1).\n\n"
	    "Exit status: 0 success; 1 findings or verification failure; 2 usage error;\n"
	    "3 evidence unreadable; 4 internal error.\n");
}

enum { OPT_JSON = 0x1000 };

static char *
join_cmdline(int argc, char **argv)
{
	wxf_buf b;
	int i;

	wxf_buf_init(&b);
	for (i = 0; i < argc; i++) {
		const char *s = argv[i];
		int plain = *s != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789-_./=:,+@%") == strlen(s);

		if (i)
			wxf_buf_putc(&b, ' ');
		if (plain)
			wxf_buf_puts(&b, s);
		else {
			wxf_buf_putc(&b, '\'');
			for (; *s; s++) {
				if (*s == '\'')
					wxf_buf_puts(&b, "'\\''");
				else
					wxf_buf_putc(&b, *s);
			}
			wxf_buf_putc(&b, '\'');
		}
	}
	return wxf_buf_steal(&b);
}

static int
run_command(const struct wxf_cmd_entry *e, int argc, char **argv, char *cmdline)
{
	struct option *lo;
	size_t n_lo = 0, i;
	char *optstring;
	void *state;
	wxf_ctx ctx;
	wxf_err err;
	int c, rc, nargs;
	enum wxf_log_level level = WXF_LOG_INFO;

	for (i = 0; e->opts != NULL && e->opts[i].name != NULL; i++)
		n_lo++;
	lo = wxf_xcalloc(n_lo + 5, sizeof(*lo));
	memcpy(lo, e->opts, n_lo * sizeof(*lo));
	lo[n_lo++] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[n_lo++] = (struct option){ "quiet", no_argument, NULL, 'q' };
	lo[n_lo++] = (struct option){ "verbose", no_argument, NULL, 'v' };
	lo[n_lo++] = (struct option){ "json", no_argument, NULL, OPT_JSON };
	optstring = wxf_xasprintf("hqv%s", e->optstring ? e->optstring : "");
	state = wxf_xcalloc(1, e->state_size ? e->state_size : 1);
	memset(&ctx, 0, sizeof(ctx));
	wxf_err_clear(&err);

	optind = 1;
	opterr = 0;
	rc = -1;
	while ((c = getopt_long(argc, argv, optstring, lo, NULL)) != -1) {
		if (c == 'h') {
			printf("usage: %s\n", e->usage);
			rc = WXF_EXIT_OK;
			break;
		} else if (c == 'q') {
			level = WXF_LOG_WARN;
			ctx.quiet = 1;
		} else if (c == 'v')
			level = WXF_LOG_DEBUG;
		else if (c == OPT_JSON)
			ctx.json = 1;
		else if (c == '?' || c == ':') {
			if (optopt && optopt < 0x100 && optopt != '?')
				fprintf(stderr, "wxforensic %s: invalid option or missing argument: -%c\n",
				    e->name, optopt);
			else
				fprintf(stderr, "wxforensic %s: invalid option or missing argument: %s\n",
				    e->name, argv[optind - 1]);
			fprintf(stderr, "usage: %s\n", e->usage);
			rc = WXF_EXIT_USAGE;
			break;
		} else if (e->opt == NULL || e->opt(state, c, optarg, &err) != WXF_OK) {
			fprintf(stderr, "wxforensic %s: %s\n", e->name,
			    err.msg[0] ? err.msg : "invalid option");
			rc = WXF_EXIT_USAGE;
			break;
		}
	}
	if (rc < 0) {
		nargs = argc - optind;
		if (nargs < e->min_args || (e->max_args >= 0 && nargs > e->max_args)) {
			fprintf(stderr, "wxforensic %s: wrong number of arguments\nusage: %s\n", e->name,
			    e->usage);
			rc = WXF_EXIT_USAGE;
		} else {
			wxf_log_init(&ctx.log, level);
			ctx.cmdline = cmdline;
			ctx.tool = wxf_version_string();
			rc = e->exec(&ctx, state, nargs, argv + optind);
			if (ctx.output_failed && rc != WXF_EXIT_USAGE)
				rc = WXF_EXIT_INTERNAL;
		}
	}
	/* what went to stdout (a table, JSON, a summary) is output like any file: a full disk
	 * or a closed pipe is a failure, not a success */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "wxforensic %s: standard output: write error: %s\n", e->name,
		    strerror(errno));
		if (rc != WXF_EXIT_USAGE)
			rc = WXF_EXIT_INTERNAL;
	}
	if (e->opt != NULL)
		e->opt(state, 0, NULL, NULL); /* c == 0: release the state's allocations */
	free(state);
	free(optstring);
	free(lo);
	return rc;
}

int
wxf_cli_main(int argc, char **argv)
{
	char *cmdline;
	size_t i;
	int rc;

	if (argc < 2) {
		tool_usage(stderr);
		return WXF_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		tool_usage(stdout);
		return WXF_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("wxforensic %s\n", wxf_version_string());
		return WXF_EXIT_OK;
	}
	for (i = 0; wxf_cmd_table[i] != NULL; i++) {
		if (strcmp(argv[1], wxf_cmd_table[i]->name) == 0) {
			cmdline = join_cmdline(argc, argv);
			rc = run_command(wxf_cmd_table[i], argc - 1, argv + 1, cmdline);
			free(cmdline);
			return rc;
		}
	}
	fprintf(stderr, "wxforensic: unknown command '%s'\n", argv[1]);
	tool_usage(stderr);
	return WXF_EXIT_USAGE;
}
