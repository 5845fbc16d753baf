/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Commands (tmux cmd-*.c style): each command is a declarative table entry in its own file
 * cli/cmd-<name>.c; cli/cmd.c owns wxf_cmd_table[] and does all option parsing with
 * getopt_long, so no command touches argv for options.
 *
 * Options common to every command: -h/--help, -q/--quiet, -v/--verbose, --json.
 */
#ifndef WXF_CMD_H
#define WXF_CMD_H

#include <getopt.h>
#include <stdint.h>
#include "base/wxf_log.h"
#include "base/wxf_err.h"

typedef struct wxf_ctx {
	wxf_log log;
	int json;            /* --json: machine-readable stdout */
	int quiet;
	char *cmdline;       /* the full command line, for reports and the audit log */
	const char *tool;    /* "wxforensic 0.1.0 (gitid)" */
	int output_failed;   /* an output file could not be written (reported already): exit 4 */
} wxf_ctx;

struct wxf_cmd_entry {
	const char *name;
	const char *summary;      /* one line for `wxforensic --help` */
	const char *usage;        /* full --help text after "usage: " */
	const char *optstring;    /* short options (without the common ones) */
	const struct option *opts;/* long options, NULL-terminated (without the common ones) */
	size_t state_size;        /* bytes of per-run state, zeroed, passed to opt() and exec() */
	int min_args, max_args;   /* operands after options; max -1 = unlimited */
	/* Called once per option; returns WXF_OK or WXF_EUSAGE with err set. */
	int (*opt)(void *state, int c, const char *arg, wxf_err *err);
	/* Returns a process exit code (WXF_EXIT_*). */
	int (*exec)(wxf_ctx *ctx, void *state, int argc, char **argv);
};

extern const struct wxf_cmd_entry *const wxf_cmd_table[];

/* Parses a decimal integer in [min,max]; WXF_EUSAGE with a message naming `what` otherwise. */
int wxf_cmd_num(const char *arg, long long min, long long max, long long *out, const char *what,
    wxf_err *err);
/* Replaces *dst with a copy of v (NULL frees it). */
void wxf_cmd_set_str(char **dst, const char *v);
/* Key options shared by decrypt and key: put WXF_KEYOPTS_LONG in the option table, a
 * wxf_keyopts in the state, and let wxf_cmd_keyopt handle them first. */
enum { WXF_KO_PROFILE = 0x3000, WXF_KO_KEY, WXF_KO_RAWKEY, WXF_KO_IMEI, WXF_KO_UIN, WXF_KO_JOBS,
	WXF_KO_REVEAL, WXF_KO_AUDIT };
/* The keys and hints every command that opens databases takes (case, decrypt, key). */
#define WXF_KEYOPTS_HINTS_LONG \
	{ "key", required_argument, NULL, WXF_KO_KEY }, \
	{ "imei", required_argument, NULL, WXF_KO_IMEI }, \
	{ "uin", required_argument, NULL, WXF_KO_UIN }, \
	{ "jobs", required_argument, NULL, WXF_KO_JOBS }, \
	{ "reveal-key", no_argument, NULL, WXF_KO_REVEAL }
#define WXF_KEYOPTS_LONG \
	WXF_KEYOPTS_HINTS_LONG, \
	{ "profile", required_argument, NULL, WXF_KO_PROFILE }, \
	{ "raw-key", required_argument, NULL, WXF_KO_RAWKEY }, \
	{ "audit", required_argument, NULL, WXF_KO_AUDIT }
typedef struct wxf_keyopts {
	char *profile, *key, *raw_key, *audit;  /* key and raw_key are wiped when freed */
	char **imeis, **uins;
	long long jobs;
	int reveal;
} wxf_keyopts;
/* Handles option c when it is a key option (c 0: frees them): returns 1 and sets *rc, else 0. */
int wxf_cmd_keyopt(wxf_keyopts *k, int c, const char *arg, wxf_err *err, int *rc);
/* Appends to a NULL-terminated string array (for repeatable options). */
void wxf_cmd_strv_add(char ***v, const char *s);
void wxf_cmd_strv_free(char ***v);
const char *wxf_version_string(void);

int wxf_cli_main(int argc, char **argv);

#endif
