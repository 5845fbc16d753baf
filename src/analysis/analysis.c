/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Analysis: wxf_analysis_run, wxf_analysis_free, the names of the enums, and the helpers the
 * parts share (analysis_int.h).  The parts, in the order a run calls them: counterparty
 * ranking (an_rank.c), identity cards, seller dossier and owner (an_dossier.c), the seller
 * ledger with the CRPL art. 55 figure (an_ledger.c), the slang glossary (an_glossary.c) and
 * indicator hits (an_hits.c).
 * Definitions: analysis.h (the report shows the ledger definitions to the court, from
 * wxf_ledger_defs in an_ledger.c — keep both in step).
 *
 * Everything reads the finished model only.  Recovered rows that repeat a live row
 * (msg->duplicate_of) are skipped so nothing is counted twice; recovered rows that are the only
 * copy count like live ones and are marked (origin / msgs_recovered).
 */
#include "config.h"
#include "analysis/analysis_int.h"
#include "base/wxf_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------ */
/* Names */

const char *
wxf_an_ref_kind_name(wxf_an_ref_kind k)
{
	static const char *const n[] = { "identity", "message", "payment", "group" };
	return (unsigned)k < WXF_REF_N ? n[k] : "unknown";
}

const char *
wxf_ledger_dir_name(wxf_ledger_dir d)
{
	static const char *const n[] = { "unknown", "owner-to-seller", "seller-to-owner", "other" };
	return (unsigned)d < WXF_LDIR_N ? n[d] : "unknown";
}

const char *
wxf_ledger_bucket_name(wxf_ledger_bucket b)
{
	static const char *const n[] = { "none", "paid", "refunded", "expired", "pending",
	    "received", "from-seller-not-accepted" };
	return (unsigned)b < WXF_LB_N ? n[b] : "unknown";
}

const char *
wxf_ledger_origin_name(wxf_ledger_origin o)
{
	static const char *const n[] = { "live", "live+recovered", "recovered" };
	return (unsigned)o < WXF_LO_N ? n[o] : "unknown";
}

const char *
wxf_seller_source_name(wxf_seller_source s)
{
	static const char *const n[] = { "none", "given", "ranked" };
	return (unsigned)s < WXF_SELLER_N ? n[s] : "unknown";
}

/* ------------------------------------------------------------------------------------------ */
/* Shared helpers (declared in analysis_int.h) */

int
an_streq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

const char *
an_strndup(an_ctx *c, const char *s, size_t n)
{
	return wxf_arena_strndup(c->ar, s, n);
}

int
an_note(an_ctx *c, const char *fmt, ...)
{
	va_list ap;
	char tmp[1024];
	const char *s;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	s = an_strndup(c, tmp, strlen(tmp));
	if (s == NULL || wxf_arena_grow(c->ar, (void **)&c->a->notes, &c->cap_notes, c->a->n_notes + 1,
	    sizeof(*c->a->notes)) < 0)
		return AN_NOMEM(c);
	c->a->notes[c->a->n_notes++] = s;
	return WXF_OK;
}

int
an_is_group_id(const char *u)
{
	size_t n = u != NULL ? strlen(u) : 0;

	return n >= 9 && strcmp(u + n - 9, "@chatroom") == 0;
}

int
an_direct_talker(const an_ctx *c, const char *t)
{
	const wxf_conv *cv;

	if (t == NULL || an_is_group_id(t) || an_streq(t, c->owner))
		return 0;
	cv = wxf_model_find_conv(c->m, t);
	if (cv != NULL && cv->kind == WXF_CONV_GROUP)
		return 0;
	return 1;
}

int
an_counted(const wxf_msg *msg)
{
	return msg->duplicate_of == NULL;
}

int
an_sent_by_owner(const an_ctx *c, const wxf_msg *msg)
{
	if (msg->dir == WXF_DIR_OUT || msg->sender_src == WXF_SENDER_OWNER)
		return 1;
	return c->owner != NULL && an_streq(msg->sender, c->owner);
}

int
an_authored_by(const an_ctx *c, const wxf_msg *msg, const char *u)
{
	if (!an_streq(msg->sender, u) || an_sent_by_owner(c, msg))
		return 0;
	return msg->dir != WXF_DIR_SYSTEM || msg->kind == WXF_MK_RECALL || msg->is_recall;
}

void
an_minmax(int64_t *first, int64_t *last, int64_t t)
{
	if (t == WXF_TIME_UNKNOWN)
		return;
	if (*first == WXF_TIME_UNKNOWN || t < *first)
		*first = t;
	if (*last == WXF_TIME_UNKNOWN || t > *last)
		*last = t;
}

/* ------------------------------------------------------------------------------------------ */
/* Transfer parties */

an_parties
an_transfer_parties(const an_ctx *c, const wxf_payment *p)
{
	an_parties r = { p->payer, p->receiver, "payer+receiver" };
	const char *t = p->talker;
	int direct = an_direct_talker(c, t);

	if (r.payer != NULL && r.receiver != NULL)
		return r;
	if (!direct) {
		r.src = r.payer != NULL ? "payer" : r.receiver != NULL ? "receiver" : "none";
		return r;
	}
	if (r.payer != NULL) {
		r.receiver = an_streq(r.payer, t) ? c->owner : t;
		r.src = "payer+talker";
	} else if (r.receiver != NULL) {
		r.payer = an_streq(r.receiver, t) ? c->owner : t;
		r.src = "receiver+talker";
	} else {
		r.src = "none";
		for (size_t i = 0; i < p->n_events; i++) {
			const wxf_pay_event *e = &p->events[i];

			if (e->state != WXF_PST_INITIATED)
				continue;
			if (e->dir == WXF_DIR_OUT) {
				r.payer = c->owner;
				r.receiver = t;
				r.src = "initiation-row+talker";
				break;
			}
			if (e->dir == WXF_DIR_IN) {
				r.payer = t;
				r.receiver = c->owner;
				r.src = "initiation-row+talker";
				break;
			}
		}
	}
	return r;
}

const char *
an_counterparty(const an_ctx *c, const wxf_payment *p, const an_parties *pt, int *to)
{
	if (c->owner != NULL) {
		if (an_streq(pt->payer, c->owner) && pt->receiver != NULL &&
		    !an_streq(pt->receiver, c->owner)) {
			*to = 1;
			return pt->receiver;
		}
		if (an_streq(pt->receiver, c->owner) && pt->payer != NULL &&
		    !an_streq(pt->payer, c->owner)) {
			*to = 0;
			return pt->payer;
		}
		return NULL;
	}
	if (!an_direct_talker(c, p->talker))
		return NULL;
	if (an_streq(pt->receiver, p->talker) && !an_streq(pt->payer, p->talker)) {
		*to = 1;
		return p->talker;
	}
	if (an_streq(pt->payer, p->talker) && !an_streq(pt->receiver, p->talker)) {
		*to = 0;
		return p->talker;
	}
	return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Run */

void
wxf_analysis_free(wxf_analysis **ap)
{
	an_priv *pv;

	if (ap == NULL || *ap == NULL)
		return;
	pv = (*ap)->priv_;
	if (pv != NULL) {
		wxf_indicators_free(&pv->own_set);
		wxf_arena_free(&pv->arena);
		free(pv);
	}
	free(*ap);
	*ap = NULL;
}

int
wxf_analysis_run(const wxf_model *m, const wxf_analysis_opts *opts, wxf_analysis **out,
    wxf_err *err)
{
	static const wxf_analysis_opts none;
	wxf_analysis *a;
	an_priv *pv;
	an_ctx c;
	int rc;
	const wxf_indicator_set *set = NULL;

	*out = NULL;
	if (m == NULL)
		return wxf_err_set(err, WXF_EUSAGE, "analysis: no model");
	if (opts == NULL)
		opts = &none;
	if (opts->seller != NULL && opts->seller[0] == '\0')
		return wxf_err_set(err, WXF_EUSAGE, "analysis: empty --seller");
	a = calloc(1, sizeof(*a));
	pv = calloc(1, sizeof(*pv));
	if (a == NULL || pv == NULL || (pv->arena = wxf_arena_new()) == NULL) {
		free(a);
		free(pv);
		return wxf_err_set(err, WXF_ENOMEM, "analysis: out of memory");
	}
	a->priv_ = pv;
	a->model = m;
	memset(&c, 0, sizeof(c));
	c.m = m;
	c.a = a;
	c.ar = pv->arena;
	c.err = err;
	c.owner = opts->owner != NULL && opts->owner[0] != '\0' ? opts->owner :
	    (m->owner != NULL ? m->owner->username : NULL);
	a->owner_username = c.owner;

	/* indicators first: a bad file is a usage error before any work */
	if (!opts->no_indicators) {
		if (opts->indicators != NULL) {
			set = opts->indicators;
		} else {
			rc = wxf_indicators_load(&pv->own_set, opts->indicators_base,
			    opts->indicator_files, opts->n_indicator_files, err);
			if (rc < 0)
				goto fail;
			set = pv->own_set;
		}
	}
	a->indicators = set;

	if (c.owner == NULL && (rc = an_note(&c, "owner unknown: transfers are attributed by their "
	    "1:1 chat; identify the owner (userinfo) or pass the owner explicitly")) < 0)
		goto fail;
	if ((rc = an_build_ranking(&c)) < 0)
		goto fail;
	if (opts->seller != NULL) {
		const char *s = opts->seller;

		a->seller_source = WXF_SELLER_GIVEN;
		a->seller_in_model = wxf_model_find_identity(m, s) != NULL;
		for (size_t i = 0; i < m->n_msgs && !a->seller_in_model; i++)
			if (an_streq(m->msgs[i]->sender, s) || an_streq(m->msgs[i]->talker, s))
				a->seller_in_model = 1;
		for (size_t i = 0; i < m->n_payments && !a->seller_in_model; i++)
			if (an_streq(m->payments[i]->payer, s) || an_streq(m->payments[i]->receiver, s))
				a->seller_in_model = 1;
		if (!a->seller_in_model && (rc = an_note(&c, "--seller %s: no contact, message or "
		    "payment in the evidence names this username", s)) < 0)
			goto fail;
		if ((s = an_strndup(&c, s, strlen(s))) == NULL) {
			rc = AN_NOMEM(&c);
			goto fail;
		}
		if ((rc = an_build_person(&c, s, 0, &a->seller)) < 0)
			goto fail;
	} else if (a->n_ranking > 0) {
		a->seller_source = WXF_SELLER_RANKED;
		a->seller_in_model = 1;
		if ((rc = an_build_person(&c, a->ranking[0].username, 0, &a->seller)) < 0)
			goto fail;
		if ((rc = an_note(&c, "seller not given: %s is proposed as the top-ranked counterparty "
		    "(paid %lld fen, %lld messages); the examiner must confirm it",
		    a->ranking[0].username, (long long)a->ranking[0].paid_fen,
		    (long long)a->ranking[0].msgs)) < 0)
			goto fail;
		if (a->n_ranking > 1 && a->ranking[1].paid_fen == a->ranking[0].paid_fen &&
		    a->ranking[1].msgs == a->ranking[0].msgs &&
		    (rc = an_note(&c, "ranking: %s and %s tie on money and messages; the proposal is "
		    "by username order only", a->ranking[0].username, a->ranking[1].username)) < 0)
			goto fail;
	} else {
		a->seller_source = WXF_SELLER_NONE;
		if ((rc = an_note(&c, "no counterparty with messages or transfers: no seller")) < 0)
			goto fail;
	}
	if (c.owner != NULL && (rc = an_build_person(&c, c.owner, 1, &a->owner)) < 0)
		goto fail;
	if ((rc = an_build_ledger(&c)) < 0)
		goto fail;
	if (!opts->no_indicators && (rc = an_build_glossary(&c, opts->glossary)) < 0)
		goto fail;
	if ((rc = an_build_hits(&c, set)) < 0)
		goto fail;
	*out = a;
	return WXF_OK;
fail:
	wxf_analysis_free(&a);
	return wxf_err_wrap(err, rc, "analysis");
}
