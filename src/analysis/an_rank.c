/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Counterparty ranking (analysis.h §1, the report's "ranking"): every party other than the
 * owner that may be the seller, with the money the owner paid them, the transfers between
 * them and the messages either way, ordered by paid_fen, messages, transfers, username.
 * When no seller is given, ranking[0] is proposed as the seller.
 */
#include "config.h"
#include "analysis/analysis_int.h"

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

typedef struct rk {
	const char *u;
	int64_t paid, n_paid, n_tr, from, to, first, last;
	int ovf;
} rk;

static int
rk_push(rk **v, size_t *n, size_t *cap, const rk *r)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		rk *nv = realloc(*v, nc * sizeof(*nv));

		if (nv == NULL)
			return -1;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = *r;
	return 0;
}

static int
rk_cmp_u(const void *pa, const void *pb)
{
	return strcmp(((const rk *)pa)->u, ((const rk *)pb)->u);
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
	rk *v = NULL;
	size_t n = 0, cap = 0, nr = 0, n_users = 0;
	wxf_an_rank *out;

	for (size_t i = 0; i < m->n_msgs; i++) {
		const wxf_msg *msg = m->msgs[i];
		rk r = { NULL, 0, 0, 0, 0, 0, msg->time_ms, msg->time_ms, 0 };

		if (!an_counted(msg))
			continue;
		if (msg->sender != NULL && !an_streq(msg->sender, c->owner) &&
		    an_authored_by(c, msg, msg->sender)) {
			r.u = msg->sender;
			r.from = 1;
		} else if (an_sent_by_owner(c, msg) && an_direct_talker(c, msg->talker)) {
			r.u = msg->talker;
			r.to = 1;
		}
		if (r.u != NULL && rk_push(&v, &n, &cap, &r) < 0)
			goto oom;
	}
	for (size_t i = 0; i < m->n_payments; i++) {
		const wxf_payment *p = m->payments[i];
		an_parties pt;
		int to = 0;
		rk r = { NULL, 0, 0, 1, 0, 0, WXF_TIME_UNKNOWN, WXF_TIME_UNKNOWN, 0 };

		if (p->kind != WXF_PAY_TRANSFER)
			continue;
		pt = an_transfer_parties(c, p);
		r.u = an_counterparty(c, p, &pt, &to);
		if (r.u == NULL)
			continue;
		if (to && p->final_state == WXF_PST_ACCEPTED && p->amount.known &&
		    p->amount.fen >= 0) {
			r.paid = p->amount.fen;
			r.n_paid = 1;
		}
		if (rk_push(&v, &n, &cap, &r) < 0)
			goto oom;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), rk_cmp_u);
	/* one row per person (the arena keeps it): not one per message */
	for (size_t i = 0; i < n; i++)
		n_users += i == 0 || strcmp(v[i].u, v[i - 1].u) != 0;
	out = n_users ? wxf_arena_alloc(c->ar, n_users * sizeof(*out)) : NULL;
	if (n_users && out == NULL)
		goto oom;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		wxf_an_rank r;

		memset(&r, 0, sizeof(r));
		r.username = v[i].u;
		r.first_ms = r.last_ms = WXF_TIME_UNKNOWN;
		for (; j < n && strcmp(v[j].u, v[i].u) == 0; j++) {
			if (an_add(&r.paid_fen, v[j].paid))
				r.overflow = 1;
			r.n_paid += v[j].n_paid;
			r.n_transfers += v[j].n_tr;
			r.msgs_from += v[j].from;
			r.msgs_to += v[j].to;
			an_minmax(&r.first_ms, &r.last_ms, v[j].first);
		}
		i = j;
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
	free(v);
	for (size_t i = 0; i < nr; i++)
		if (out[i].overflow && an_note(c, "ranking: the amounts paid to %s overflow 64 bits",
		    out[i].username) < 0)
			return WXF_ENOMEM;
	return WXF_OK;
oom:
	free(v);
	return AN_NOMEM(c);
}
