/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Seller ledger (analysis.h §3) with the CRPL art. 55 figure: every transfer between the
 * owner and the seller, with its direction, final state and the total it went into; red
 * packets, AA collections and WeChat Pay receipts listed separately with their own totals.
 * wxf_ledger_defs holds the definitions the report shows the court: keep them in step with
 * analysis.h §3 and with the code below.
 */
#include "config.h"
#include "analysis/analysis_int.h"

#include <stdlib.h>
#include <string.h>

const wxf_ledger_def wxf_ledger_defs[] = {
	{ "scope", "Every WeChat transfer (微信转账) in the evidence whose payer or receiver is the "
	  "seller. Direction: payer = owner and receiver = seller is owner→seller; payer = seller "
	  "and receiver = owner is seller→owner; when the transfer names only one side, the 1:1 "
	  "chat it was sent in supplies the other. Red packets, AA collections and WeChat Pay "
	  "receipts are listed separately and are not part of these totals.",
	  "证据中付款方或收款方为卖家的全部微信转账。方向：付款方为机主、收款方为卖家，即机主→"
	  "卖家；付款方为卖家、收款方为机主，即卖家→机主；转账只记一方时，由其所在的一对一聊天"
	  "补足另一方。红包、AA 收款和微信支付收款通知单列，不计入以下合计。" },
	{ "state", "The final state of a transfer is the state of its latest lifecycle row "
	  "(paysubtype 1 initiated; 3, 5, 8 accepted; 4, 9 returned; 10 expired; 7 delayed; any "
	  "other value unknown), the raw value kept.",
	  "转账的最终状态取其最新一条生命周期记录（paysubtype 1 发起；3、5、8 已收款；4、9 已"
	  "退还；10 已过期；7 延迟到账；其他值为不明），原始值保留。" },
	{ "amount", "Amounts are integer fen (1/100 yuan) parsed from the transfer's amount text "
	  "(feedesc, else total_fee). A transfer whose amount cannot be read exactly is listed "
	  "but not added to any total.",
	  "金额为整数“分”（1/100 元），取自转账的金额文字（feedesc，否则 total_fee）。金额无法"
	  "准确读取的转账列出，但不计入任何合计。" },
	{ "paid_fen", "Sum of the owner→seller transfers whose final state is accepted.",
	  "最终状态为已收款的机主→卖家转账金额之和。" },
	{ "refunded_fen", "Sum of the owner→seller transfers returned by the seller (final state "
	  "returned). That money never reached the seller: it is not in paid_fen and is not "
	  "subtracted again.",
	  "被卖家退还（最终状态为已退还）的机主→卖家转账金额之和。此款未到卖家，不在 paid_fen "
	  "内，也不再扣减。" },
	{ "expired_fen", "Sum of the owner→seller transfers that expired unaccepted (returned "
	  "automatically). Not counted.",
	  "过期未收、自动退还的机主→卖家转账金额之和。不计入。" },
	{ "pending_fen", "Sum of the owner→seller transfers still initiated, delayed or in an "
	  "unknown state. Not counted: the evidence does not show that the money arrived.",
	  "仍处于发起、延迟或状态不明的机主→卖家转账金额之和。不计入：证据未显示款项到账。" },
	{ "received_fen", "Sum of the seller→owner transfers whose final state is accepted (money "
	  "the seller paid back by a transfer of its own).",
	  "最终状态为已收款的卖家→机主转账金额之和（卖家以自己的转账退回的款项）。" },
	{ "net_fen", "paid_fen minus received_fen: the price the owner actually paid.",
	  "paid_fen 减 received_fen：机主实际支付的价款。" },
	{ "crpl55_fen", "Consumer Rights Protection Law art. 55: three times the price paid, at "
	  "least 500 yuan. crpl_base_fen = max(net_fen, 0); crpl_triple_fen = 3 × crpl_base_fen; "
	  "crpl_floor_fen = 50000 fen (500 yuan); crpl55_fen = max(crpl_triple_fen, "
	  "crpl_floor_fen). Integer arithmetic; an overflow invalidates the totals. Computed only "
	  "when there is a seller and at least one accepted owner→seller transfer.",
	  "《消费者权益保护法》第五十五条：价款的三倍，不足五百元的为五百元。crpl_base_fen = m"
	  "ax(net_fen, 0)；crpl_triple_fen = 3 × crpl_base_fen；crpl_floor_fen = 50000 分（500"
	  " 元）；crpl55_fen = max(crpl_triple_fen, crpl_floor_fen)。整数运算；溢出则合计无效"
	  "。仅在有卖家且至少有一笔已收款的机主→卖家转账时计算。" },
	{ "hb_from_seller_fen", "Red packets: sum of the amounts the owner claimed from the "
	  "seller's red packets, where the claim amount is recorded.",
	  "红包：机主从卖家红包中领取的金额之和（有领取金额记录的）。" },
	{ "hb_to_seller_fen", "Red packets: sum of the amounts of red packets the owner sent to "
	  "the seller, where the amount is recorded.",
	  "红包：机主发给卖家的红包金额之和（有金额记录的）。" },
	{ "aa_fen", "AA collections naming the seller: sum of the recorded collection amounts.",
	  "涉及卖家的 AA 收款：所记收款金额之和。" },
	{ "receipts_fen", "WeChat Pay receipts (all in the evidence; those mentioning the seller "
	  "are marked): sum of the recorded amounts. Informational.",
	  "微信支付收款通知（证据中全部；提及卖家的另行标明）：所记金额之和。仅供参考。" },
	{ NULL, NULL, NULL }
};

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
		if (wxf_prov_recovered(&p->events[i].prov))
			rec++;
		else
			live++;
	}
	for (size_t i = 0; i < p->n_msgs; i++) {
		const wxf_msg *msg = wxf_model_find_msg(m, p->msg_ids[i]);

		if (msg == NULL)
			continue;
		if (wxf_prov_recovered(&msg->prov))
			rec++;
		else
			live++;
	}
	if (live == 0 && rec == 0)
		return wxf_prov_recovered(&p->prov) ? WXF_LO_RECOVERED : WXF_LO_LIVE;
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

/* One transfer row into the totals of its bucket: the count, and the sum when the amount is
 * known (an unknown amount is counted apart); FROM_SELLER_OTHER and NONE go nowhere. */
void
an_ledger_count(wxf_ledger_totals *t, const wxf_ledger_row *r)
{
	int64_t *acc = NULL, *n = NULL;

	switch (r->bucket) {
	case WXF_LB_PAID: acc = &t->paid_fen; n = &t->n_paid; break;
	case WXF_LB_REFUNDED: acc = &t->refunded_fen; n = &t->n_refunded; break;
	case WXF_LB_EXPIRED: acc = &t->expired_fen; n = &t->n_expired; break;
	case WXF_LB_PENDING: acc = &t->pending_fen; n = &t->n_pending; break;
	case WXF_LB_RECEIVED: acc = &t->received_fen; n = &t->n_received; break;
	default: break;
	}
	if (r->bucket != WXF_LB_NONE && !r->amount_known)
		t->n_unknown_amount++;
	if (acc != NULL && r->amount_known)
		sum(t, acc, r->amount_fen);
	if (n != NULL)
		(*n)++;
}

int
an_build_ledger(an_ctx *c)
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
			an_ledger_count(t, &r);
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
	/* a compensation figure only where a seller was paid: never ¥500 out of nothing */
	t->crpl_applicable = s != NULL && t->n_paid > 0 && !t->overflow;
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
