/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Deterministic JSON of an analysis (analysis.h, wxf_analysis_json).  Lists are already in
 * their sorted order; keys are written in a fixed order; money is integer fen; times are UTC
 * ISO 8601 plus raw milliseconds; unknown values are null.
 */
#include "config.h"
#include "analysis/analysis_int.h"
#include "base/wxf_buf.h"
#include "base/wxf_time.h"

#include <stdio.h>
#include <string.h>

/* Money: null when invalid. */
static void
jfen(wxf_buf *b, const char *k, int64_t v, int valid)
{
	wxf_buf_json_key(b, k);
	if (!valid)
		wxf_buf_puts(b, "null");
	else
		wxf_buf_printf(b, "%lld", (long long)v);
}

static void
jprov(wxf_buf *b, const char *k, const wxf_prov *p)
{
	wxf_buf_json_key(b, k);
	wxf_model_json_prov(p, b);
}

static void
jref(wxf_buf *b, const wxf_an_ref *r)
{
	wxf_buf_json_sep(b);
	wxf_buf_putc(b, '{');
	wxf_buf_json_kstr(b, "kind", wxf_an_ref_kind_name(r->kind));
	wxf_buf_json_kstr(b, "id", r->id);
	wxf_buf_json_kstr(b, "field", r->field);
	wxf_buf_json_ktime(b, "time", r->time_ms);
	jprov(b, "prov", &r->prov);
	wxf_buf_putc(b, '}');
}

static void
jrefs(wxf_buf *b, const char *k, const wxf_an_ref *v, size_t n)
{
	wxf_buf_json_key(b, k);
	wxf_buf_putc(b, '[');
	for (size_t i = 0; i < n; i++)
		jref(b, &v[i]);
	wxf_buf_putc(b, ']');
}

static void
jattr(wxf_buf *b, const char *k, const wxf_an_attr *a)
{
	wxf_buf_json_key(b, k);
	wxf_buf_putc(b, '[');
	for (size_t i = 0; i < a->n; i++) {
		const wxf_an_value *v = &a->v[i];

		wxf_buf_json_sep(b);
		wxf_buf_putc(b, '{');
		wxf_buf_json_kstr(b, "value", v->value);
		wxf_buf_json_ktime(b, "first", v->first_ms);
		wxf_buf_json_ktime(b, "last", v->last_ms);
		wxf_buf_json_kbool(b, "live", v->live);
		jrefs(b, "evidence", v->refs, v->n_refs);
		wxf_buf_putc(b, '}');
	}
	wxf_buf_putc(b, ']');
}

static void
jperson(wxf_buf *b, const char *k, const wxf_an_person *p)
{
	wxf_buf_json_key(b, k);
	if (p == NULL) {
		wxf_buf_puts(b, "null");
		return;
	}
	wxf_buf_putc(b, '{');
	wxf_buf_json_kstr(b, "username", p->username);
	wxf_buf_json_kbool(b, "in_contacts", p->in_contacts);
	wxf_buf_json_kint(b, "type_flags", p->type_flags);
	wxf_buf_json_kint(b, "verify_flag", p->verify_flag);
	wxf_buf_json_kint(b, "delete_flag", p->delete_flag);
	jattr(b, "wxid", &p->wxid);
	jattr(b, "aliases", &p->aliases);
	jattr(b, "nicknames", &p->nicknames);
	jattr(b, "remarks", &p->remarks);
	jattr(b, "phones", &p->phones);
	jattr(b, "real_names", &p->real_names);
	jattr(b, "bank_cards", &p->bank_cards);
	jattr(b, "encrypt_usernames", &p->encrypt_usernames);
	jattr(b, "other", &p->other);
	wxf_buf_json_key(b, "groups");
	wxf_buf_putc(b, '[');
	for (size_t i = 0; i < p->n_groups; i++) {
		const wxf_an_group *g = &p->groups[i];

		wxf_buf_json_sep(b);
		wxf_buf_putc(b, '{');
		wxf_buf_json_kstr(b, "username", g->username);
		wxf_buf_json_kstr(b, "name", g->name);
		jattr(b, "names", &g->names);
		wxf_buf_json_kbool(b, "person_is_room_owner", g->person_is_room_owner);
		wxf_buf_json_kint(b, "person_msgs", g->person_msgs);
		jrefs(b, "person_evidence", g->person_refs, g->n_person_refs);
		jrefs(b, "owner_evidence", g->owner_refs, g->n_owner_refs);
		wxf_buf_putc(b, '}');
	}
	wxf_buf_putc(b, ']');
	wxf_buf_json_ktime(b, "first_contact", p->first_ms);
	wxf_buf_json_kstr(b, "first_contact_msg", p->first_msg_id);
	wxf_buf_json_ktime(b, "last_contact", p->last_ms);
	wxf_buf_json_kstr(b, "last_contact_msg", p->last_msg_id);
	wxf_buf_json_kint(b, "msgs_from", p->msgs_from);
	wxf_buf_json_kint(b, "msgs_to", p->msgs_to);
	wxf_buf_json_kint(b, "msgs_group_from", p->msgs_group_from);
	wxf_buf_json_kint(b, "msgs_recovered", p->msgs_recovered);
	wxf_buf_putc(b, '}');
}

static void
jrow(wxf_buf *b, const wxf_ledger_row *r)
{
	const wxf_payment *p = r->pay;

	wxf_buf_json_sep(b);
	wxf_buf_putc(b, '{');
	wxf_buf_json_kstr(b, "payment_id", r->payment_id);
	wxf_buf_json_kstr(b, "kind", wxf_pay_kind_name(r->kind));
	wxf_buf_json_ktime(b, "time", r->time_ms);
	wxf_buf_json_ktime(b, "final_time", r->final_time_ms);
	jfen(b, "amount_fen", r->amount_fen, r->amount_known);
	wxf_buf_json_kstr(b, "amount_text", r->amount_text);
	wxf_buf_json_kstr(b, "direction", wxf_ledger_dir_name(r->dir));
	wxf_buf_json_kstr(b, "direction_from", r->dir_src);
	wxf_buf_json_kstr(b, "payer", p->payer);
	wxf_buf_json_kstr(b, "receiver", p->receiver);
	wxf_buf_json_kstr(b, "talker", p->talker);
	wxf_buf_json_kstr(b, "final_state", wxf_pay_state_name(r->final_state));
	wxf_buf_json_kint(b, "final_paysubtype", r->final_paysubtype);
	wxf_buf_json_kstr(b, "transfer_id", r->transfer_id);
	wxf_buf_json_kstr(b, "transaction_id", r->transaction_id);
	wxf_buf_json_kstr(b, "memo", r->memo);
	wxf_buf_json_kstr(b, "origin", wxf_ledger_origin_name(r->origin));
	wxf_buf_json_kbool(b, "witness_disagrees", r->witness_disagrees);
	wxf_buf_json_kbool(b, "amount_conflict", r->amount_conflict);
	wxf_buf_json_kstr(b, "counted_as", wxf_ledger_bucket_name(r->bucket));
	if (r->kind == WXF_PAY_RED_PACKET) {
		wxf_buf_json_kstr(b, "sendid", p->sendid);
		wxf_buf_json_kstr(b, "greeting", p->greeting);
		jfen(b, "owner_claimed_fen", r->owner_claimed_fen, r->owner_claimed_known);
		wxf_buf_json_kint(b, "n_claims", (int64_t)p->n_claims);
	}
	if (r->kind == WXF_PAY_AA) {
		wxf_buf_json_kstr(b, "billno", p->aa_billno);
		wxf_buf_json_kstr(b, "launcher", p->aa_launcher);
		wxf_buf_json_kstr(b, "payers", p->aa_payers);
		wxf_buf_json_kstr(b, "receivers", p->aa_receivers);
		wxf_buf_json_kint(b, "aa_status", p->aa_status);
	}
	if (r->kind == WXF_PAY_RECEIPT) {
		wxf_buf_json_kstr(b, "merchant", p->merchant);
		wxf_buf_json_kbool(b, "mentions_seller", r->mentions_seller);
		wxf_buf_json_key(b, "lines");
		wxf_buf_putc(b, '[');
		for (size_t i = 0; i < p->lines.n; i++) {
			wxf_buf_json_sep(b);
			wxf_buf_putc(b, '{');
			wxf_buf_json_kstr(b, "key", p->lines.v[i].key);
			wxf_buf_json_kstr(b, "value", p->lines.v[i].value);
			wxf_buf_putc(b, '}');
		}
		wxf_buf_putc(b, ']');
	}
	wxf_buf_json_key(b, "messages");
	wxf_buf_putc(b, '[');
	for (size_t i = 0; i < p->n_msgs; i++) {
		wxf_buf_json_sep(b);
		wxf_buf_json_str(b, p->msg_ids[i], strlen(p->msg_ids[i]));
	}
	wxf_buf_putc(b, ']');
	jprov(b, "prov", &p->prov);
	wxf_buf_putc(b, '}');
}

static void
jrows(wxf_buf *b, const char *k, const wxf_ledger_row *v, size_t n)
{
	wxf_buf_json_key(b, k);
	wxf_buf_putc(b, '[');
	for (size_t i = 0; i < n; i++)
		jrow(b, &v[i]);
	wxf_buf_putc(b, ']');
}

static void
jtotals(wxf_buf *b, const wxf_ledger_totals *t)
{
	int ok = !t->overflow;

	wxf_buf_json_key(b, "totals");
	wxf_buf_putc(b, '{');
	wxf_buf_json_kbool(b, "overflow", t->overflow);
	jfen(b, "paid_fen", t->paid_fen, ok);
	wxf_buf_json_kint(b, "n_paid", t->n_paid);
	jfen(b, "refunded_fen", t->refunded_fen, ok);
	wxf_buf_json_kint(b, "n_refunded", t->n_refunded);
	jfen(b, "expired_fen", t->expired_fen, ok);
	wxf_buf_json_kint(b, "n_expired", t->n_expired);
	jfen(b, "pending_fen", t->pending_fen, ok);
	wxf_buf_json_kint(b, "n_pending", t->n_pending);
	jfen(b, "received_fen", t->received_fen, ok);
	wxf_buf_json_kint(b, "n_received", t->n_received);
	wxf_buf_json_kint(b, "n_unknown_amount", t->n_unknown_amount);
	jfen(b, "net_fen", t->net_fen, ok);
	jfen(b, "crpl_base_fen", t->crpl_base_fen, ok);
	wxf_buf_json_kint(b, "crpl_multiplier", WXF_CRPL55_MULTIPLIER);
	jfen(b, "crpl_triple_fen", t->crpl_triple_fen, ok);
	jfen(b, "crpl_floor_fen", t->crpl_floor_fen, 1);
	jfen(b, "crpl55_fen", t->crpl55_fen, ok);
	wxf_buf_json_kbool(b, "crpl_floor_applied", ok && t->crpl_floor_applied);
	jfen(b, "hb_from_seller_fen", t->hb_from_seller_fen, ok);
	jfen(b, "hb_to_seller_fen", t->hb_to_seller_fen, ok);
	wxf_buf_json_kint(b, "n_hb", t->n_hb);
	wxf_buf_json_kint(b, "n_hb_unknown_amount", t->n_hb_unknown_amount);
	jfen(b, "aa_fen", t->aa_fen, ok);
	wxf_buf_json_kint(b, "n_aa", t->n_aa);
	wxf_buf_json_kint(b, "n_aa_unknown_amount", t->n_aa_unknown_amount);
	jfen(b, "receipts_fen", t->receipts_fen, ok);
	wxf_buf_json_kint(b, "n_receipts", t->n_receipts);
	wxf_buf_json_kint(b, "n_receipts_unknown_amount", t->n_receipts_unknown_amount);
	wxf_buf_putc(b, '}');
}

void
wxf_analysis_json(const wxf_analysis *a, wxf_buf *b)
{
	wxf_buf_putc(b, '{');
	wxf_buf_json_kstr(b, "owner", a->owner_username);
	wxf_buf_json_kstr(b, "seller_source", wxf_seller_source_name(a->seller_source));
	wxf_buf_json_kbool(b, "seller_in_model", a->seller_in_model);
	wxf_buf_json_key(b, "ranking");
	wxf_buf_putc(b, '[');
	for (size_t i = 0; i < a->n_ranking; i++) {
		const wxf_an_rank *r = &a->ranking[i];

		wxf_buf_json_sep(b);
		wxf_buf_putc(b, '{');
		wxf_buf_json_kint(b, "rank", (int64_t)i + 1);
		wxf_buf_json_kstr(b, "username", r->username);
		wxf_buf_json_kstr(b, "display", r->display);
		jfen(b, "paid_fen", r->paid_fen, !r->overflow);
		wxf_buf_json_kint(b, "n_paid", r->n_paid);
		wxf_buf_json_kint(b, "n_transfers", r->n_transfers);
		wxf_buf_json_kint(b, "msgs", r->msgs);
		wxf_buf_json_kint(b, "msgs_from", r->msgs_from);
		wxf_buf_json_kint(b, "msgs_to", r->msgs_to);
		wxf_buf_json_ktime(b, "first", r->first_ms);
		wxf_buf_json_ktime(b, "last", r->last_ms);
		wxf_buf_putc(b, '}');
	}
	wxf_buf_putc(b, ']');
	jperson(b, "seller", a->seller);
	jperson(b, "owner_card", a->owner);
	wxf_buf_json_key(b, "ledger");
	wxf_buf_putc(b, '{');
	wxf_buf_json_key(b, "definitions");
	wxf_buf_putc(b, '{');
	for (size_t i = 0; wxf_ledger_defs[i].name != NULL; i++)
		wxf_buf_json_kstr(b, wxf_ledger_defs[i].name, wxf_ledger_defs[i].text);
	wxf_buf_putc(b, '}');
	jtotals(b, &a->ledger.totals);
	jrows(b, "transfers", a->ledger.transfers, a->ledger.n_transfers);
	jrows(b, "red_packets", a->ledger.red_packets, a->ledger.n_red_packets);
	jrows(b, "aa", a->ledger.aa, a->ledger.n_aa);
	jrows(b, "receipts", a->ledger.receipts, a->ledger.n_receipts);
	wxf_buf_putc(b, '}');
	wxf_buf_json_key(b, "indicators");
	wxf_buf_putc(b, '{');
	wxf_buf_json_kint(b, "phrases", (int64_t)wxf_indicators_count(a->indicators));
	wxf_buf_json_key(b, "hits");
	wxf_buf_putc(b, '[');
	for (size_t i = 0; i < a->n_hits; i++) {
		const wxf_indicator_hit *h = &a->hits[i];

		wxf_buf_json_sep(b);
		wxf_buf_putc(b, '{');
		wxf_buf_json_kstr(b, "phrase", h->phrase);
		wxf_buf_json_kstr(b, "category", h->category);
		wxf_buf_json_kstr(b, "phrase_origin", h->ind != NULL ? h->ind->origin : NULL);
		wxf_buf_json_kstr(b, "msg_id", h->msg_id);
		wxf_buf_json_ktime(b, "time", h->time_ms);
		wxf_buf_json_kstr(b, "talker", h->talker);
		wxf_buf_json_kstr(b, "field", h->field);
		wxf_buf_json_kint(b, "offset", (int64_t)h->offset);
		wxf_buf_json_kint(b, "length", (int64_t)h->length);
		wxf_buf_json_kuint(b, "count", h->count);
		wxf_buf_json_kstr(b, "snippet", h->snippet);
		jprov(b, "prov", &h->prov);
		wxf_buf_putc(b, '}');
	}
	wxf_buf_putc(b, ']');
	wxf_buf_putc(b, '}');
	wxf_buf_json_key(b, "notes");
	wxf_buf_putc(b, '[');
	for (size_t i = 0; i < a->n_notes; i++) {
		wxf_buf_json_sep(b);
		wxf_buf_json_str(b, a->notes[i], strlen(a->notes[i]));
	}
	wxf_buf_putc(b, ']');
	wxf_buf_putc(b, '}');
}
