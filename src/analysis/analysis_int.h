/* SPDX-License-Identifier: Apache-2.0 */
/* Private to src/analysis: the run context and the helpers shared by its files. */
#ifndef WXF_ANALYSIS_INT_H
#define WXF_ANALYSIS_INT_H

#include <stddef.h>
#include <stdint.h>
#include "analysis/analysis.h"
#include "base/wxf_mem.h"

typedef struct an_priv {
	wxf_arena *arena;              /* every array and owned string of the result */
	wxf_indicator_set *own_set;    /* set loaded by wxf_analysis_run, or NULL */
} an_priv;

/* Folds one code point for matching: ASCII upper → lower, full-width U+FF01..FF5E → ASCII,
 * U+3000 → ' ', other colon forms (U+FE55, U+2236) → ':'. */
uint32_t an_fold_cp(uint32_t cp);
/* Decodes one code point at s[0..n) (n > 0); invalid bytes give U+FFFD and length 1. */
size_t an_next_cp(const char *s, size_t n, uint32_t *cp);
/* 1 for ASCII letters and digits (after folding). */
int an_is_alnum(uint32_t cp);

/* int64 helpers: return 1 on overflow (destination untouched). */
int an_add(int64_t *acc, int64_t v);
int an_sub(int64_t *acc, int64_t v);

/* ------------------------------------------------------------------------------------------ */
/* One analysis run (analysis.c), shared by the ranking, the dossier, the ledger and the hits */

typedef struct an_ctx {
	const wxf_model *m;
	wxf_analysis *a;
	wxf_arena *ar;
	const char *owner;  /* owner username or NULL */
	wxf_err *err;
	size_t cap_notes;
} an_ctx;

#define AN_NOMEM(c) wxf_err_set((c)->err, WXF_ENOMEM, "analysis: out of memory")

/* 1 when both strings exist and are equal. */
int an_streq(const char *a, const char *b);
/* Copy of s[0..n) in the result's arena, NULL when out of memory. */
const char *an_strndup(an_ctx *c, const char *s, size_t n);
/* Appends a note for the examiner (a->notes).  Returns WXF_OK or WXF_ENOMEM. */
int an_note(an_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The glossary terms that occur (an_glossary.c); path_given NULL: data/glossary.txt by
 * lookup.  WXF_OK (also when there is no glossary file: a note), WXF_ECORRUPT, WXF_ENOMEM. */
int an_build_glossary(an_ctx *c, const char *path_given);
/* 1 for a room id (ends in "@chatroom"). */
int an_is_group_id(const char *u);
/* A 1:1 chat (not a group, not the owner's own). */
int an_direct_talker(const an_ctx *c, const char *t);
/* Messages counted: everything except recovered repeats of a live row. */
int an_counted(const wxf_msg *msg);
/* 1 when the owner sent msg (outgoing, sender marked as the owner, or the owner's username). */
int an_sent_by_owner(const an_ctx *c, const wxf_msg *msg);
/* Written by u: u is the sender and the row is not a client/server notice.  Readers may name
 * the 1:1 partner as the "sender" of a system notice in that chat (type 10000 "你已添加了…");
 * such notices are not the person's words.  A recalled row (kind recall) was the person's
 * message and counts. */
int an_authored_by(const an_ctx *c, const wxf_msg *msg, const char *u);
/* Widens [*first, *last] to include t; an unknown t (WXF_TIME_UNKNOWN) is ignored. */
void an_minmax(int64_t *first, int64_t *last, int64_t t);

/* Transfer parties: payer and receiver, and which fields named them ("payer+receiver",
 * "payer+talker", "receiver+talker", "initiation-row+talker", "payer", "receiver", "none").
 * When the transfer names only one side, the 1:1 chat it was sent in supplies the other. */
typedef struct an_parties {
	const char *payer, *receiver, *src;
} an_parties;

an_parties an_transfer_parties(const an_ctx *c, const wxf_payment *p);
/* The party that is not the owner, for a transfer between the owner and someone; *to = 1 when
 * the owner paid.  NULL when the transfer is not between the owner and one other party.  With
 * the owner unknown, the 1:1 chat partner is the counterparty. */
const char *an_counterparty(const an_ctx *c, const wxf_payment *p, const an_parties *pt,
    int *to);

/* ------------------------------------------------------------------------------------------ */
/* The parts of a run, in the order wxf_analysis_run calls them.  Each returns WXF_OK or
 * WXF_ENOMEM. */

/* §1: a->ranking (an_rank.c). */
int an_build_ranking(an_ctx *c);
/* §2: the identity card of u, the owner's when is_owner (an_dossier.c). */
int an_build_person(an_ctx *c, const char *u, int is_owner, wxf_an_person **out);
/* §3: a->ledger for a->seller (an_ledger.c). */
int an_build_ledger(an_ctx *c);
/* One transfer row into the totals of its bucket (an_ledger.c; the seller across exhibits
 * counts its victims' rows with it too). */
void an_ledger_count(wxf_ledger_totals *t, const wxf_ledger_row *r);
/* §4: a->hits, the set matched against the seller's own messages; nothing without a seller
 * or a set (an_hits.c). */
int an_build_hits(an_ctx *c, const wxf_indicator_set *set);

#endif
