/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `merge` (merge.c): the seller across exhibits from finished bundles.  wxf_merge_run verifies
 * every bundle, reads the findings of each one's timeline.xml and writes OUTDIR (seller.html,
 * seller.xml, audit.jsonl, manifest.sha256).  wxf_merge_read is its reader of one
 * timeline.xml (also the fuzz target's entry).
 */
#ifndef WXF_CASE_MERGE_H
#define WXF_CASE_MERGE_H

#include <stddef.h>
#include <stdint.h>
#include "base/wxf_err.h"
#include "base/wxf_log.h"
#include "base/wxf_time.h"

struct wxf_analysis;

typedef struct wxf_merge_opts {
	const char *out;                 /* OUTDIR: new or empty */
	const char *tool;                /* "wxforensic 0.1.0 (gitid)": audit log */
	const char *cmdline;             /* the command line as recorded */
	const char *tool_version, *git_id;
	const wxf_tz *tz;                /* display zone */
	wxf_log *log;
} wxf_merge_opts;

typedef struct wxf_merge_summary {
	size_t n_bundles, n_accounts, n_sellers;
	size_t n_linked;                 /* accounts in a linked seller */
	int64_t net_fen, crpl55_fen;     /* over the linked sellers */
	char manifest_sha256[65];
	char *failed;                    /* the bundle that did not verify (malloc'd), or NULL */
} wxf_merge_summary;

/* WXF_OK; WXF_EVERIFY when a bundle does not verify (s->failed names it; nothing written);
 * WXF_EUSAGE, WXF_EIO, WXF_ECORRUPT (a timeline that cannot be read), WXF_ENOMEM. */
int wxf_merge_run(char *const *bundles, size_t n, const wxf_merge_opts *o, wxf_merge_summary *s,
    wxf_err *err);
void wxf_merge_summary_free(wxf_merge_summary *s);

/* The findings of one timeline.xml (n bytes): WXF_OK and *out, WXF_ECORRUPT when the XML is not
 * well-formed, WXF_ENOMEM.  name labels the messages. */
typedef struct wxf_merge_input wxf_merge_input;
int wxf_merge_read(wxf_merge_input **out, const char *xml, size_t n, const char *name,
    wxf_err *err);
/* The same read from an open file as a stream (the caller closes fd). */
int wxf_merge_read_fd(wxf_merge_input **out, int fd, const char *name, wxf_err *err);
void wxf_merge_input_free(wxf_merge_input **in);
size_t wxf_merge_accounts(const wxf_merge_input *in);
/* Account i: its analysis (owner, seller card, counted transfers), its <findings account>
 * (NULL in a one-account bundle) and its exhibit label (NULL when the bundle has none). */
const struct wxf_analysis *wxf_merge_analysis(const wxf_merge_input *in, size_t i,
    const char **account, const char **exhibit);

#endif
