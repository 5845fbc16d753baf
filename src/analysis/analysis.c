/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Analysis: counterparty ranking, identity cards (seller dossier, owner), the seller ledger
 * with the CRPL art. 55 figure, and indicator hits.  Definitions: analysis.h (the report shows
 * the ledger definitions to the court, from wxf_ledger_defs below — keep both in step).
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

const wxf_ledger_def wxf_ledger_defs[] = {
	{ "scope", "Every WeChat transfer (微信转账) in the evidence whose payer or receiver is the "
	  "seller. Direction: payer = owner and receiver = seller is owner→seller; payer = seller "
	  "and receiver = owner is seller→owner; when the transfer names only one side, the 1:1 "
	  "chat it was sent in supplies the other. Red packets, AA collections and WeChat Pay "
	  "receipts are listed separately and are not part of these totals." },
	{ "state", "The final state of a transfer is the state of its latest lifecycle row "
	  "(paysubtype 1 initiated; 3, 5, 8 accepted; 4, 9 returned; 10 expired; 7 delayed; any "
	  "other value unknown), the raw value kept." },
	{ "amount", "Amounts are integer fen (1/100 yuan) parsed from the transfer's amount text "
	  "(feedesc, else total_fee). A transfer whose amount cannot be read exactly is listed "
	  "but not added to any total." },
	{ "paid_fen", "Sum of the owner→seller transfers whose final state is accepted." },
	{ "refunded_fen", "Sum of the owner→seller transfers returned by the seller (final state "
	  "returned). That money never reached the seller: it is not in paid_fen and is not "
	  "subtracted again." },
	{ "expired_fen", "Sum of the owner→seller transfers that expired unaccepted (returned "
	  "automatically). Not counted." },
	{ "pending_fen", "Sum of the owner→seller transfers still initiated, delayed or in an "
	  "unknown state. Not counted: the evidence does not show that the money arrived." },
	{ "received_fen", "Sum of the seller→owner transfers whose final state is accepted (money "
	  "the seller paid back by a transfer of its own)." },
	{ "net_fen", "paid_fen minus received_fen: the price the owner actually paid." },
	{ "crpl55_fen", "Consumer Rights Protection Law art. 55: three times the price paid, at "
	  "least 500 yuan. crpl_base_fen = max(net_fen, 0); crpl_triple_fen = 3 × crpl_base_fen; "
	  "crpl_floor_fen = 50000 fen (500 yuan); crpl55_fen = max(crpl_triple_fen, "
	  "crpl_floor_fen). Integer arithmetic; an overflow invalidates the totals." },
	{ "hb_from_seller_fen", "Red packets: sum of the amounts the owner claimed from the "
	  "seller's red packets, where the claim amount is recorded." },
	{ "hb_to_seller_fen", "Red packets: sum of the amounts of red packets the owner sent to "
	  "the seller, where the amount is recorded." },
	{ "aa_fen", "AA collections naming the seller: sum of the recorded collection amounts." },
	{ "receipts_fen", "WeChat Pay receipts (all in the evidence; those mentioning the seller "
	  "are marked): sum of the recorded amounts. Informational." },
	{ NULL, NULL }
};

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

/* 1 if the comma/semicolon separated list contains u as a whole item. */
static int
list_has(const char *list, const char *u)
{
	size_t n = u != NULL ? strlen(u) : 0;

	if (list == NULL || n == 0)
		return 0;
	for (const char *p = list; (p = strstr(p, u)) != NULL; p++) {
		int lb = p == list || p[-1] == ',' || p[-1] == ';' || p[-1] == ' ';
		int rb = p[n] == '\0' || p[n] == ',' || p[n] == ';' || p[n] == ' ';

		if (lb && rb)
			return 1;
	}
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Ledger */

int
wxf_ledger_crpl55(int64_t net_fen, wxf_ledger_totals *t)
{
	t->crpl_floor_fen = WXF_CRPL55_FLOOR_FEN;
	t->crpl_base_fen = net_fen > 0 ? net_fen : 0;
	if (t->crpl_base_fen > INT64_MAX / WXF_CRPL55_MULTIPLIER) {
		t->overflow = 1;
		t->crpl_triple_fen = t->crpl55_fen = 0;
		t->crpl_floor_applied = 0;
		return WXF_ECORRUPT;
	}
	t->crpl_triple_fen = t->crpl_base_fen * WXF_CRPL55_MULTIPLIER;
	t->crpl_floor_applied = t->crpl_triple_fen < t->crpl_floor_fen;
	t->crpl55_fen = t->crpl_floor_applied ? t->crpl_floor_fen : t->crpl_triple_fen;
	return WXF_OK;
}

static wxf_ledger_origin
pay_origin(const wxf_model *m, const wxf_payment *p)
{
	size_t live = 0, rec = 0;

	for (size_t i = 0; i < p->n_events; i++) {
		if (p->events[i].prov.origin == WXF_ORIGIN_LIVE)
			live++;
		else
			rec++;
	}
	for (size_t i = 0; i < p->n_msgs; i++) {
		const wxf_msg *msg = wxf_model_find_msg(m, p->msg_ids[i]);

		if (msg == NULL)
			continue;
		if (msg->prov.origin == WXF_ORIGIN_LIVE)
			live++;
		else
			rec++;
	}
	if (live == 0 && rec == 0)
		return p->prov.origin == WXF_ORIGIN_LIVE ? WXF_LO_LIVE : WXF_LO_RECOVERED;
	return rec == 0 ? WXF_LO_LIVE : live == 0 ? WXF_LO_RECOVERED : WXF_LO_MIXED;
}

static int64_t
pay_time(const wxf_model *m, const wxf_payment *p)
{
	int64_t t = WXF_TIME_UNKNOWN;

	if (p->begin_time_ms != WXF_TIME_UNKNOWN)
		return p->begin_time_ms;
	for (size_t i = 0; i < p->n_events; i++)
		if (p->events[i].time_ms != WXF_TIME_UNKNOWN)
			return p->events[i].time_ms;
	for (size_t i = 0; i < p->n_msgs; i++) {
		const wxf_msg *msg = wxf_model_find_msg(m, p->msg_ids[i]);

		if (msg != NULL && wxf_time_cmp(msg->time_ms, t) < 0)
			t = msg->time_ms;
	}
	return t;
}

static void
row_init(const an_ctx *c, wxf_ledger_row *r, const wxf_payment *p)
{
	memset(r, 0, sizeof(*r));
	r->pay = p;
	r->payment_id = p->id;
	r->kind = p->kind;
	r->time_ms = pay_time(c->m, p);
	r->final_time_ms = p->final_time_ms;
	r->amount_known = p->amount.known && p->amount.fen >= 0;
	r->amount_fen = r->amount_known ? p->amount.fen : 0;
	r->amount_text = p->amount.text;
	r->final_state = p->final_state;
	r->final_paysubtype = WXF_INT_UNKNOWN;
	for (size_t i = p->n_events; i > 0; i--)
		if (p->events[i - 1].state == p->final_state) {
			r->final_paysubtype = p->events[i - 1].paysubtype;
			break;
		}
	r->transfer_id = p->transfer_id;
	r->transaction_id = p->transaction_id;
	r->memo = p->memo;
	r->origin = pay_origin(c->m, p);
	r->witness_disagrees = p->witness_disagrees;
	r->amount_conflict = p->amount_conflict;
	r->owner_claimed_fen = 0;
}

static int
row_cmp(const void *pa, const void *pb)
{
	const wxf_ledger_row *a = pa, *b = pb;
	int r = wxf_time_cmp(a->time_ms, b->time_ms);

	return r != 0 ? r : strcmp(a->payment_id, b->payment_id);
}

typedef struct rows {
	wxf_ledger_row *v;
	size_t n, cap;
} rows;

static int
row_push(an_ctx *c, rows *rs, const wxf_ledger_row *r)
{
	if (wxf_arena_grow(c->ar, (void **)&rs->v, &rs->cap, rs->n + 1, sizeof(*rs->v)) < 0)
		return AN_NOMEM(c);
	rs->v[rs->n++] = *r;
	return WXF_OK;
}

/* Sums with overflow flag. */
static void
sum(wxf_ledger_totals *t, int64_t *acc, int64_t v)
{
	if (an_add(acc, v))
		t->overflow = 1;
}

static int
mentions(const wxf_an_person *s, const char *text)
{
	const wxf_an_attr *lists[3];

	if (text == NULL || s == NULL)
		return 0;
	if (strstr(text, s->username) != NULL)
		return 1;
	lists[0] = &s->aliases;
	lists[1] = &s->nicknames;
	lists[2] = &s->remarks;
	for (int k = 0; k < 3; k++)
		for (size_t i = 0; i < lists[k]->n; i++)
			if (strlen(lists[k]->v[i].value) >= 2 &&
			    strstr(text, lists[k]->v[i].value) != NULL)
				return 1;
	return 0;
}

static int
claimed_by_owner(const an_ctx *c, const wxf_hb_claim *cl)
{
	if (c->owner != NULL && an_streq(cl->claimer, c->owner))
		return 1;
	if (cl->claimer == NULL && cl->text != NULL && strstr(cl->text, "你领取了") != NULL)
		return 1;
	return 0;
}

static int
shares_group(const wxf_an_person *s, const char *room)
{
	for (size_t i = 0; s != NULL && i < s->n_groups; i++)
		if (an_streq(s->groups[i].username, room))
			return 1;
	return 0;
}

static int
build_ledger(an_ctx *c)
{
	const wxf_model *m = c->m;
	const wxf_an_person *sp = c->a->seller;
	const char *s = sp != NULL ? sp->username : NULL;
	wxf_ledger *L = &c->a->ledger;
	wxf_ledger_totals *t = &L->totals;
	rows tr = { NULL, 0, 0 }, hb = { NULL, 0, 0 }, aa = { NULL, 0, 0 }, rc_ = { NULL, 0, 0 };
	int rc;
	int64_t net;

	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < m->n_payments; i++) {
		const wxf_payment *p = m->payments[i];
		wxf_ledger_row r;

		row_init(c, &r, p);
		if (p->kind == WXF_PAY_TRANSFER && s != NULL) {
			an_parties pt = an_transfer_parties(c, p);
			int to = 0;
			const char *cp;

			if (!an_streq(pt.payer, s) && !an_streq(pt.receiver, s))
				continue;
			r.dir_src = pt.src;
			cp = an_counterparty(c, p, &pt, &to);
			if (cp == NULL || !an_streq(cp, s))
				r.dir = WXF_LDIR_OTHER;
			else
				r.dir = to ? WXF_LDIR_TO_SELLER : WXF_LDIR_FROM_SELLER;
			if (r.dir == WXF_LDIR_TO_SELLER) {
				switch (p->final_state) {
				case WXF_PST_ACCEPTED: r.bucket = WXF_LB_PAID; break;
				case WXF_PST_REFUNDED: r.bucket = WXF_LB_REFUNDED; break;
				case WXF_PST_EXPIRED: r.bucket = WXF_LB_EXPIRED; break;
				default: r.bucket = WXF_LB_PENDING; break;
				}
			} else if (r.dir == WXF_LDIR_FROM_SELLER) {
				r.bucket = p->final_state == WXF_PST_ACCEPTED ? WXF_LB_RECEIVED :
				    WXF_LB_FROM_SELLER_OTHER;
			}
			if (r.bucket != WXF_LB_NONE && !r.amount_known)
				t->n_unknown_amount++;
			if (r.amount_known)
				switch (r.bucket) {
				case WXF_LB_PAID: sum(t, &t->paid_fen, r.amount_fen); break;
				case WXF_LB_REFUNDED: sum(t, &t->refunded_fen, r.amount_fen); break;
				case WXF_LB_EXPIRED: sum(t, &t->expired_fen, r.amount_fen); break;
				case WXF_LB_PENDING: sum(t, &t->pending_fen, r.amount_fen); break;
				case WXF_LB_RECEIVED: sum(t, &t->received_fen, r.amount_fen); break;
				default: break;
				}
			switch (r.bucket) {
			case WXF_LB_PAID: t->n_paid++; break;
			case WXF_LB_REFUNDED: t->n_refunded++; break;
			case WXF_LB_EXPIRED: t->n_expired++; break;
			case WXF_LB_PENDING: t->n_pending++; break;
			case WXF_LB_RECEIVED: t->n_received++; break;
			default: break;
			}
			if ((rc = row_push(c, &tr, &r)) < 0)
				return rc;
		} else if (p->kind == WXF_PAY_RED_PACKET && s != NULL) {
			int from_s = an_streq(p->payer, s) && (an_streq(p->talker, s) ||
			    shares_group(sp, p->talker) || (c->owner != NULL &&
			    an_streq(p->receiver, c->owner)));
			int to_s = c->owner != NULL && an_streq(p->payer, c->owner) &&
			    (an_streq(p->receiver, s) || an_streq(p->talker, s));

			if (!from_s && !to_s)
				continue;
			r.dir = from_s ? WXF_LDIR_FROM_SELLER : WXF_LDIR_TO_SELLER;
			r.dir_src = "payer+talker";
			if (from_s) {
				int any = 0, known = 1;

				for (size_t k = 0; k < p->n_claims; k++) {
					const wxf_hb_claim *cl = &p->claims[k];

					if (!claimed_by_owner(c, cl))
						continue;
					any = 1;
					if (cl->amount.known && cl->amount.fen >= 0)
						sum(t, &r.owner_claimed_fen, cl->amount.fen);
					else
						known = 0;
				}
				r.owner_claimed_known = any && known;
				if (any && known)
					sum(t, &t->hb_from_seller_fen, r.owner_claimed_fen);
				else if (any)
					t->n_hb_unknown_amount++;
			} else if (r.amount_known) {
				sum(t, &t->hb_to_seller_fen, r.amount_fen);
			} else {
				t->n_hb_unknown_amount++;
			}
			t->n_hb++;
			if ((rc = row_push(c, &hb, &r)) < 0)
				return rc;
		} else if (p->kind == WXF_PAY_AA && s != NULL) {
			if (!an_streq(p->aa_launcher, s) && !list_has(p->aa_payers, s) &&
			    !list_has(p->aa_receivers, s) && !an_streq(p->payer, s) &&
			    !an_streq(p->receiver, s))
				continue;
			r.dir = an_streq(p->aa_launcher, s) ? WXF_LDIR_FROM_SELLER : WXF_LDIR_OTHER;
			r.dir_src = "newaa";
			if (r.amount_known)
				sum(t, &t->aa_fen, r.amount_fen);
			else
				t->n_aa_unknown_amount++;
			t->n_aa++;
			if ((rc = row_push(c, &aa, &r)) < 0)
				return rc;
		} else if (p->kind == WXF_PAY_RECEIPT) {
			r.mentions_seller = mentions(sp, p->memo) || mentions(sp, p->merchant) ||
			    mentions(sp, p->payer) || mentions(sp, p->receiver);
			for (size_t k = 0; k < p->lines.n && !r.mentions_seller; k++)
				r.mentions_seller = mentions(sp, p->lines.v[k].value);
			if (r.amount_known)
				sum(t, &t->receipts_fen, r.amount_fen);
			else
				t->n_receipts_unknown_amount++;
			t->n_receipts++;
			if ((rc = row_push(c, &rc_, &r)) < 0)
				return rc;
		}
	}
	if (tr.n > 1)
		qsort(tr.v, tr.n, sizeof(*tr.v), row_cmp);
	if (hb.n > 1)
		qsort(hb.v, hb.n, sizeof(*hb.v), row_cmp);
	if (aa.n > 1)
		qsort(aa.v, aa.n, sizeof(*aa.v), row_cmp);
	if (rc_.n > 1)
		qsort(rc_.v, rc_.n, sizeof(*rc_.v), row_cmp);
	L->transfers = tr.v;
	L->n_transfers = tr.n;
	L->red_packets = hb.v;
	L->n_red_packets = hb.n;
	L->aa = aa.v;
	L->n_aa = aa.n;
	L->receipts = rc_.v;
	L->n_receipts = rc_.n;

	net = t->paid_fen;
	if (an_sub(&net, t->received_fen))
		t->overflow = 1;
	t->net_fen = net;
	if (!t->overflow)
		(void)wxf_ledger_crpl55(t->net_fen, t);
	if (t->overflow) {
		t->crpl_floor_fen = WXF_CRPL55_FLOOR_FEN;
		if ((rc = an_note(c, "ledger: a total overflows 64-bit fen; the totals are invalid and "
		    "are not reported")) < 0)
			return rc;
	}
	if (s != NULL && t->n_unknown_amount > 0 && (rc = an_note(c,
	    "ledger: %lld transfer(s) with the seller have no exactly readable amount and are not "
	    "in any total", (long long)t->n_unknown_amount)) < 0)
		return rc;
	for (size_t i = 0; i < tr.n; i++) {
		if (tr.v[i].witness_disagrees && (rc = an_note(c,
		    "ledger: transfer %s: RemittanceRecord.receiveStatus disagrees with the messages "
		    "(the messages' final state is used)", tr.v[i].transfer_id != NULL ?
		    tr.v[i].transfer_id : tr.v[i].payment_id)) < 0)
			return rc;
		if (tr.v[i].amount_conflict && (rc = an_note(c,
		    "ledger: transfer %s: its rows disagree on the amount (the first clean amount is "
		    "used)", tr.v[i].transfer_id != NULL ? tr.v[i].transfer_id :
		    tr.v[i].payment_id)) < 0)
			return rc;
		if (tr.v[i].final_state == WXF_PST_UNKNOWN && tr.v[i].bucket != WXF_LB_NONE &&
		    (rc = an_note(c, "ledger: transfer %s has an unknown final state (raw paysubtype "
		    "kept); not counted as paid", tr.v[i].transfer_id != NULL ?
		    tr.v[i].transfer_id : tr.v[i].payment_id)) < 0)
			return rc;
	}
	return WXF_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Indicator hits */

typedef struct hitacc {
	an_ctx *c;
	const wxf_msg *msg;
	const char *field;
	const char *text;
	wxf_indicator_hit *v;
	size_t n, cap;
	int rc;
} hitacc;

#define SNIPPET_CPS 30

static const char *
make_snippet(an_ctx *c, const char *text, size_t off, size_t len)
{
	size_t n = strlen(text), b = off, e = off + len, k;
	const char *r;
	char *tmp;

	/* back up SNIPPET_CPS code points */
	for (k = 0; k < SNIPPET_CPS && b > 0; k++) {
		b--;
		while (b > 0 && ((unsigned char)text[b] & 0xC0) == 0x80)
			b--;
	}
	for (k = 0; k < SNIPPET_CPS && e < n; k++) {
		uint32_t cp;

		e += an_next_cp(text + e, n - e, &cp);
	}
	tmp = malloc(e - b + 8);
	if (tmp == NULL)
		return NULL;
	{
		size_t w = 0;

		if (b > 0) {
			memcpy(tmp + w, "\xE2\x80\xA6", 3);
			w += 3;
		}
		for (size_t i = b; i < e; i++)
			tmp[w++] = (text[i] == '\n' || text[i] == '\r' || text[i] == '\t') ? ' ' :
			    text[i];
		if (e < n) {
			memcpy(tmp + w, "\xE2\x80\xA6", 3);
			w += 3;
		}
		r = an_strndup(c, tmp, w);
	}
	free(tmp);
	return r;
}

static void
hit_cb(void *arg, const wxf_indicator *ind, size_t off, size_t len)
{
	hitacc *h = arg;
	wxf_indicator_hit x;

	if (h->rc < 0)
		return;
	memset(&x, 0, sizeof(x));
	x.ind = ind;
	x.phrase = ind->phrase;
	x.category = ind->category;
	x.msg = h->msg;
	x.msg_id = h->msg->id;
	x.time_ms = h->msg->time_ms;
	x.talker = h->msg->talker;
	x.field = h->field;
	x.offset = off;
	x.length = len;
	x.prov = h->msg->prov;
	x.snippet = make_snippet(h->c, h->text, off, len);
	if (x.snippet == NULL || wxf_arena_grow(h->c->ar, (void **)&h->v, &h->cap, h->n + 1,
	    sizeof(*h->v)) < 0) {
		h->rc = AN_NOMEM(h->c);
		return;
	}
	h->v[h->n++] = x;
}

static int
field_rank(const char *f)
{
	static const char *const order[] = { "body", "title", "desc", "recall_original" };

	for (int i = 0; i < 4; i++)
		if (strcmp(f, order[i]) == 0)
			return i;
	return 4;
}

static int
hit_cmp(const void *pa, const void *pb)
{
	const wxf_indicator_hit *a = pa, *b = pb;
	int r = wxf_time_cmp(a->time_ms, b->time_ms);

	if (r == 0)
		r = strcmp(a->msg_id, b->msg_id);
	if (r == 0)
		r = field_rank(a->field) - field_rank(b->field);
	if (r == 0 && a->offset != b->offset)
		r = a->offset < b->offset ? -1 : 1;
	if (r == 0)
		r = strcmp(a->phrase, b->phrase);
	return r;
}

static int
build_hits(an_ctx *c, const wxf_indicator_set *set)
{
	const wxf_model *m = c->m;
	const char *s = c->a->seller != NULL ? c->a->seller->username : NULL;
	hitacc h;

	memset(&h, 0, sizeof(h));
	h.c = c;
	if (s == NULL || set == NULL)
		return WXF_OK;
	for (size_t i = 0; i < m->n_msgs && h.rc == WXF_OK; i++) {
		const wxf_msg *msg = m->msgs[i];
		const char *texts[4] = { msg->body, msg->title, msg->desc, msg->recall_original };
		static const char *const fields[4] = { "body", "title", "desc", "recall_original" };

		if (!an_counted(msg) || !an_authored_by(c, msg, s))
			continue;
		if (msg->kind == WXF_MK_RECALL || msg->is_recall)
			texts[0] = NULL; /* the body is the client's replacement text */
		for (int k = 0; k < 4 && h.rc == WXF_OK; k++) {
			int dup = 0;

			if (texts[k] == NULL)
				continue;
			for (int j = 0; j < k; j++)
				if (texts[j] != NULL && strcmp(texts[j], texts[k]) == 0)
					dup = 1;
			if (dup)
				continue;
			h.msg = msg;
			h.field = fields[k];
			h.text = texts[k];
			wxf_indicators_match(set, texts[k], hit_cb, &h);
		}
	}
	if (h.rc < 0)
		return h.rc;
	if (h.n > 1)
		qsort(h.v, h.n, sizeof(*h.v), hit_cmp);
	c->a->hits = h.v;
	c->a->n_hits = h.n;
	return WXF_OK;
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
	if ((rc = build_ledger(&c)) < 0)
		goto fail;
	if ((rc = build_hits(&c, set)) < 0)
		goto fail;
	*out = a;
	return WXF_OK;
fail:
	wxf_analysis_free(&a);
	return wxf_err_wrap(err, rc, "analysis");
}
