/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Counterparty ranking (analysis.h §1, the report's "ranking"): every party other than the
 * owner that may be the seller, with the money the owner paid them, the transfers between
 * them and the messages either way, ordered by paid_fen, messages, transfers, username.
 * When no seller is given, ranking[0] is proposed as the seller.
 */
#include "config.h"
#include "analysis/analysis_int.h"
#include "base/wxf_mem.h"
#include "base/wxf_strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static wxf_id_kind
kind_of(const wxf_model *m, const char *u)
{
	const wxf_identity *id = wxf_model_find_identity(m, u);

	if (id != NULL && id->kind != WXF_ID_UNKNOWN)
		return id->kind;
	return wxf_id_kind_guess(u);
}

static int
person_like(wxf_id_kind k)
{
	return k == WXF_ID_PERSON || k == WXF_ID_UNKNOWN || k == WXF_ID_OPENIM;
}

static const char *
display_name(const wxf_model *m, const char *u)
{
	const wxf_identity *id = wxf_model_find_identity(m, u);
	const char *s;

	if (id == NULL)
		return u;
	if ((s = wxf_attrs_best(&id->remarks)) != NULL ||
	    (s = wxf_attrs_best(&id->nicknames)) != NULL ||
	    (s = wxf_attrs_best(&id->aliases)) != NULL)
		return s;
	return u;
}

/* The ranking's rows, one per person (not per message), found by name in a map that holds the
 * row's index + 1; each is the person's running totals. */
typedef struct rk_set {
	wxf_strmap idx;
	wxf_an_rank *v;
	size_t n, cap;
} rk_set;

/* Adds one message's or transfer's share (r: username, paid_fen, n_paid, n_transfers,
 * msgs_from, msgs_to, and its time in first_ms) to its person's row.  The sums are the same in
 * any order (the amounts added are never negative; overflow is sticky), so the rows do not
 * depend on the order of the model's vectors. */
static int
rk_add(rk_set *s, const wxf_an_rank *r)
{
	uintptr_t at = (uintptr_t)wxf_strmap_get(&s->idx, r->username);
	wxf_an_rank *row;

	if (at == 0) {
		if (wxf_grow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v)) != WXF_OK)
			return -1;
		row = &s->v[s->n];
		memset(row, 0, sizeof(*row));
		row->username = r->username;
		row->first_ms = row->last_ms = WXF_TIME_UNKNOWN;
		if (wxf_strmap_put(&s->idx, row->username, (void *)(uintptr_t)(s->n + 1)) != WXF_OK)
			return -1;
		s->n++;
	} else
		row = &s->v[at - 1];
	if (an_add(&row->paid_fen, r->paid_fen))
		row->overflow = 1;
	row->n_paid += r->n_paid;
	row->n_transfers += r->n_transfers;
	row->msgs_from += r->msgs_from;
	row->msgs_to += r->msgs_to;
	an_minmax(&row->first_ms, &row->last_ms, r->first_ms);
	return 0;
}

static int
rank_cmp(const void *pa, const void *pb)
{
	const wxf_an_rank *a = pa, *b = pb;

	if (a->paid_fen != b->paid_fen)
		return a->paid_fen > b->paid_fen ? -1 : 1;
	if (a->msgs != b->msgs)
		return a->msgs > b->msgs ? -1 : 1;
	if (a->n_transfers != b->n_transfers)
		return a->n_transfers > b->n_transfers ? -1 : 1;
	return strcmp(a->username, b->username);
}

int
an_build_ranking(an_ctx *c)
{
	const wxf_model *m = c->m;
	rk_set set = { WXF_STRMAP_INIT, NULL, 0, 0 };
	size_t nr = 0;
	wxf_an_rank *out;

	for (size_t i = 0; i < m->n_msgs; i++) {
		const wxf_msg *msg = m->msgs[i];
		wxf_an_rank r;

		if (!an_counted(msg))
			continue;
		memset(&r, 0, sizeof(r));
		r.first_ms = msg->time_ms;
		if (msg->sender != NULL && !an_streq(msg->sender, c->owner) &&
		    an_authored_by(c, msg, msg->sender)) {
			r.username = msg->sender;
			r.msgs_from = 1;
		} else if (an_sent_by_owner(c, msg) && an_direct_talker(c, msg->talker)) {
			r.username = msg->talker;
			r.msgs_to = 1;
		}
		if (r.username != NULL && rk_add(&set, &r) < 0)
			goto oom;
	}
	for (size_t i = 0; i < m->n_payments; i++) {
		const wxf_payment *p = m->payments[i];
		an_parties pt;
		int to = 0;
		wxf_an_rank r;

		if (p->kind != WXF_PAY_TRANSFER)
			continue;
		memset(&r, 0, sizeof(r));
		r.n_transfers = 1;
		r.first_ms = WXF_TIME_UNKNOWN;
		pt = an_transfer_parties(c, p);
		r.username = an_counterparty(c, p, &pt, &to);
		if (r.username == NULL)
			continue;
		if (to && p->final_state == WXF_PST_ACCEPTED && p->amount.known &&
		    p->amount.fen >= 0) {
			r.paid_fen = p->amount.fen;
			r.n_paid = 1;
		}
		if (rk_add(&set, &r) < 0)
			goto oom;
	}
	/* the rows kept (the arena keeps them) */
	out = set.n ? wxf_arena_alloc(c->ar, set.n * sizeof(*out)) : NULL;
	if (set.n && out == NULL)
		goto oom;
	for (size_t i = 0; i < set.n; i++) {
		wxf_an_rank r = set.v[i];

		r.msgs = r.msgs_from + r.msgs_to;
		if (an_streq(r.username, c->owner) || !person_like(kind_of(m, r.username)))
			continue;
		if (r.paid_fen == 0 && r.msgs == 0 && r.n_transfers == 0)
			continue;
		if (r.overflow)
			r.paid_fen = INT64_MAX;
		r.display = display_name(m, r.username);
		out[nr++] = r;
	}
	if (nr > 1)
		qsort(out, nr, sizeof(*out), rank_cmp);
	c->a->ranking = out;
	c->a->n_ranking = nr;
	wxf_strmap_free(&set.idx);
	free(set.v);
	for (size_t i = 0; i < nr; i++)
		if (out[i].overflow && an_note(c, "ranking: the amounts paid to %s overflow 64 bits",
		    out[i].username) < 0)
			return WXF_ENOMEM;
	return WXF_OK;
oom:
	wxf_strmap_free(&set.idx);
	free(set.v);
	return AN_NOMEM(c);
}
