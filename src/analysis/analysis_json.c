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

static void
sep(wxf_buf *b)
{
	if (b->len > 0 && b->p[b->len - 1] != '{' && b->p[b->len - 1] != '[' &&
	    b->p[b->len - 1] != ':')
		wxf_buf_putc(b, ',');
}

static void
key(wxf_buf *b, const char *k)
{
	sep(b);
	wxf_buf_json_str(b, k, strlen(k));
	wxf_buf_putc(b, ':');
}

static void
jstr(wxf_buf *b, const char *k, const char *v)
{
	key(b, k);
	if (v == NULL)
		wxf_buf_puts(b, "null");
	else
		wxf_buf_json_str(b, v, strlen(v));
}

static void
jint(wxf_buf *b, const char *k, int64_t v)
{
	key(b, k);
	if (v == WXF_INT_UNKNOWN)
		wxf_buf_puts(b, "null");
	else
		wxf_buf_printf(b, "%lld", (long long)v);
}

/* Money: null when invalid. */
static void
jfen(wxf_buf *b, const char *k, int64_t v, int valid)
{
	key(b, k);
	if (!valid)
		wxf_buf_puts(b, "null");
	else
		wxf_buf_printf(b, "%lld", (long long)v);
}

static void
jbool(wxf_buf *b, const char *k, int v)
{
	key(b, k);
	wxf_buf_puts(b, v ? "true" : "false");
}

static void
jtime(wxf_buf *b, const char *k, int64_t ms)
{
	char t[64], kk[80];

	key(b, k);
	if (ms == WXF_TIME_UNKNOWN) {
		wxf_buf_puts(b, "null");
	} else {
		wxf_time_fmt_utc(ms, t, sizeof(t));
		wxf_buf_json_str(b, t, strlen(t));
	}
	snprintf(kk, sizeof(kk), "%s_ms", k);
	jint(b, kk, ms == WXF_TIME_UNKNOWN ? WXF_INT_UNKNOWN : ms);
}

static void
jprov(wxf_buf *b, const char *k, const wxf_prov *p)
{
	key(b, k);
	wxf_model_json_prov(p, b);
}

static void
jref(wxf_buf *b, const wxf_an_ref *r)
{
	sep(b);
	wxf_buf_putc(b, '{');
	jstr(b, "kind", wxf_an_ref_kind_name(r->kind));
	jstr(b, "id", r->id);
	jstr(b, "field", r->field);
	jtime(b, "time", r->time_ms);
	jprov(b, "prov", &r->prov);
	wxf_buf_putc(b, '}');
}

static void
jrefs(wxf_buf *b, const char *k, const wxf_an_ref *v, size_t n)
{
	key(b, k);
	wxf_buf_putc(b, '[');
	for (size_t i = 0; i < n; i++)
		jref(b, &v[i]);
	wxf_buf_putc(b, ']');
}

static void
jattr(wxf_buf *b, const char *k, const wxf_an_attr *a)
{
	key(b, k);
	wxf_buf_putc(b, '[');
	for (size_t i = 0; i < a->n; i++) {
		const wxf_an_value *v = &a->v[i];

		sep(b);
		wxf_buf_putc(b, '{');
		jstr(b, "value", v->value);
		jtime(b, "first", v->first_ms);
		jtime(b, "last", v->last_ms);
		jbool(b, "live", v->live);
		jrefs(b, "evidence", v->refs, v->n_refs);
		wxf_buf_putc(b, '}');
	}
	wxf_buf_putc(b, ']');
}

static void
jperson(wxf_buf *b, const char *k, const wxf_an_person *p)
{
	key(b, k);
	if (p == NULL) {
		wxf_buf_puts(b, "null");
		return;
	}
	wxf_buf_putc(b, '{');
	jstr(b, "username", p->username);
	jbool(b, "in_contacts", p->in_contacts);
	jint(b, "type_flags", p->type_flags);
	jint(b, "verify_flag", p->verify_flag);
	jint(b, "delete_flag", p->delete_flag);
	jattr(b, "wxid", &p->wxid);
	jattr(b, "aliases", &p->aliases);
	jattr(b, "nicknames", &p->nicknames);
	jattr(b, "remarks", &p->remarks);
	jattr(b, "phones", &p->phones);
	jattr(b, "real_names", &p->real_names);
	jattr(b, "bank_cards", &p->bank_cards);
	jattr(b, "encrypt_usernames", &p->encrypt_usernames);
	jattr(b, "other", &p->other);
	key(b, "groups");
	wxf_buf_putc(b, '[');
	for (size_t i = 0; i < p->n_groups; i++) {
		const wxf_an_group *g = &p->groups[i];

		sep(b);
		wxf_buf_putc(b, '{');
		jstr(b, "username", g->username);
		jstr(b, "name", g->name);
		jattr(b, "names", &g->names);
		jbool(b, "person_is_room_owner", g->person_is_room_owner);
		jint(b, "person_msgs", g->person_msgs);
		jrefs(b, "person_evidence", g->person_refs, g->n_person_refs);
		jrefs(b, "owner_evidence", g->owner_refs, g->n_owner_refs);
		wxf_buf_putc(b, '}');
	}
	wxf_buf_putc(b, ']');
	jtime(b, "first_contact", p->first_ms);
	jstr(b, "first_contact_msg", p->first_msg_id);
	jtime(b, "last_contact", p->last_ms);
	jstr(b, "last_contact_msg", p->last_msg_id);
	jint(b, "msgs_from", p->msgs_from);
	jint(b, "msgs_to", p->msgs_to);
	jint(b, "msgs_group_from", p->msgs_group_from);
	jint(b, "msgs_recovered", p->msgs_recovered);
	wxf_buf_putc(b, '}');
}

static void
jrow(wxf_buf *b, const wxf_ledger_row *r)
{
	const wxf_payment *p = r->pay;

	sep(b);
	wxf_buf_putc(b, '{');
	jstr(b, "payment_id", r->payment_id);
	jstr(b, "kind", wxf_pay_kind_name(r->kind));
	jtime(b, "time", r->time_ms);
	jtime(b, "final_time", r->final_time_ms);
	jfen(b, "amount_fen", r->amount_fen, r->amount_known);
	jstr(b, "amount_text", r->amount_text);
	jstr(b, "direction", wxf_ledger_dir_name(r->dir));
	jstr(b, "direction_from", r->dir_src);
	jstr(b, "payer", p->payer);
	jstr(b, "receiver", p->receiver);
	jstr(b, "talker", p->talker);
	jstr(b, "final_state", wxf_pay_state_name(r->final_state));
	jint(b, "final_paysubtype", r->final_paysubtype);
	jstr(b, "transfer_id", r->transfer_id);
	jstr(b, "transaction_id", r->transaction_id);
	jstr(b, "memo", r->memo);
	jstr(b, "origin", wxf_ledger_origin_name(r->origin));
	jbool(b, "witness_disagrees", r->witness_disagrees);
	jbool(b, "amount_conflict", r->amount_conflict);
	jstr(b, "counted_as", wxf_ledger_bucket_name(r->bucket));
	if (r->kind == WXF_PAY_RED_PACKET) {
		jstr(b, "sendid", p->sendid);
		jstr(b, "greeting", p->greeting);
		jfen(b, "owner_claimed_fen", r->owner_claimed_fen, r->owner_claimed_known);
		jint(b, "n_claims", (int64_t)p->n_claims);
	}
	if (r->kind == WXF_PAY_AA) {
		jstr(b, "billno", p->aa_billno);
		jstr(b, "launcher", p->aa_launcher);
		jstr(b, "payers", p->aa_payers);
		jstr(b, "receivers", p->aa_receivers);
		jint(b, "aa_status", p->aa_status);
	}
	if (r->kind == WXF_PAY_RECEIPT) {
		jstr(b, "merchant", p->merchant);
		jbool(b, "mentions_seller", r->mentions_seller);
		key(b, "lines");
		wxf_buf_putc(b, '[');
		for (size_t i = 0; i < p->lines.n; i++) {
			sep(b);
			wxf_buf_putc(b, '{');
			jstr(b, "key", p->lines.v[i].key);
			jstr(b, "value", p->lines.v[i].value);
			wxf_buf_putc(b, '}');
		}
		wxf_buf_putc(b, ']');
	}
	key(b, "messages");
	wxf_buf_putc(b, '[');
	for (size_t i = 0; i < p->n_msgs; i++) {
		sep(b);
		wxf_buf_json_str(b, p->msg_ids[i], strlen(p->msg_ids[i]));
	}
	wxf_buf_putc(b, ']');
	jprov(b, "prov", &p->prov);
	wxf_buf_putc(b, '}');
}

static void
jrows(wxf_buf *b, const char *k, const wxf_ledger_row *v, size_t n)
{
	key(b, k);
	wxf_buf_putc(b, '[');
	for (size_t i = 0; i < n; i++)
		jrow(b, &v[i]);
	wxf_buf_putc(b, ']');
}

static void
jtotals(wxf_buf *b, const wxf_ledger_totals *t)
{
	int ok = !t->overflow;

	key(b, "totals");
	wxf_buf_putc(b, '{');
	jbool(b, "overflow", t->overflow);
	jfen(b, "paid_fen", t->paid_fen, ok);
	jint(b, "n_paid", t->n_paid);
	jfen(b, "refunded_fen", t->refunded_fen, ok);
	jint(b, "n_refunded", t->n_refunded);
	jfen(b, "expired_fen", t->expired_fen, ok);
	jint(b, "n_expired", t->n_expired);
	jfen(b, "pending_fen", t->pending_fen, ok);
	jint(b, "n_pending", t->n_pending);
	jfen(b, "received_fen", t->received_fen, ok);
	jint(b, "n_received", t->n_received);
	jint(b, "n_unknown_amount", t->n_unknown_amount);
	jfen(b, "net_fen", t->net_fen, ok);
	jfen(b, "crpl_base_fen", t->crpl_base_fen, ok);
	jint(b, "crpl_multiplier", WXF_CRPL55_MULTIPLIER);
	jfen(b, "crpl_triple_fen", t->crpl_triple_fen, ok);
	jfen(b, "crpl_floor_fen", t->crpl_floor_fen, 1);
	jfen(b, "crpl55_fen", t->crpl55_fen, ok);
	jbool(b, "crpl_floor_applied", ok && t->crpl_floor_applied);
	jfen(b, "hb_from_seller_fen", t->hb_from_seller_fen, ok);
	jfen(b, "hb_to_seller_fen", t->hb_to_seller_fen, ok);
	jint(b, "n_hb", t->n_hb);
	jint(b, "n_hb_unknown_amount", t->n_hb_unknown_amount);
	jfen(b, "aa_fen", t->aa_fen, ok);
	jint(b, "n_aa", t->n_aa);
	jint(b, "n_aa_unknown_amount", t->n_aa_unknown_amount);
	jfen(b, "receipts_fen", t->receipts_fen, ok);
	jint(b, "n_receipts", t->n_receipts);
	jint(b, "n_receipts_unknown_amount", t->n_receipts_unknown_amount);
	wxf_buf_putc(b, '}');
}

void
wxf_analysis_json(const wxf_analysis *a, wxf_buf *b)
{
	wxf_buf_putc(b, '{');
	jstr(b, "owner", a->owner_username);
	jstr(b, "seller_source", wxf_seller_source_name(a->seller_source));
	jbool(b, "seller_in_model", a->seller_in_model);
	key(b, "ranking");
	wxf_buf_putc(b, '[');
	for (size_t i = 0; i < a->n_ranking; i++) {
		const wxf_an_rank *r = &a->ranking[i];

		sep(b);
		wxf_buf_putc(b, '{');
		jint(b, "rank", (int64_t)i + 1);
		jstr(b, "username", r->username);
		jstr(b, "display", r->display);
		jfen(b, "paid_fen", r->paid_fen, !r->overflow);
		jint(b, "n_paid", r->n_paid);
		jint(b, "n_transfers", r->n_transfers);
		jint(b, "msgs", r->msgs);
		jint(b, "msgs_from", r->msgs_from);
		jint(b, "msgs_to", r->msgs_to);
		jtime(b, "first", r->first_ms);
		jtime(b, "last", r->last_ms);
		wxf_buf_putc(b, '}');
	}
	wxf_buf_putc(b, ']');
	jperson(b, "seller", a->seller);
	jperson(b, "owner_card", a->owner);
	key(b, "ledger");
	wxf_buf_putc(b, '{');
	key(b, "definitions");
	wxf_buf_putc(b, '{');
	for (size_t i = 0; wxf_ledger_defs[i].name != NULL; i++)
		jstr(b, wxf_ledger_defs[i].name, wxf_ledger_defs[i].text);
	wxf_buf_putc(b, '}');
	jtotals(b, &a->ledger.totals);
	jrows(b, "transfers", a->ledger.transfers, a->ledger.n_transfers);
	jrows(b, "red_packets", a->ledger.red_packets, a->ledger.n_red_packets);
	jrows(b, "aa", a->ledger.aa, a->ledger.n_aa);
	jrows(b, "receipts", a->ledger.receipts, a->ledger.n_receipts);
	wxf_buf_putc(b, '}');
	key(b, "indicators");
	wxf_buf_putc(b, '{');
	jint(b, "phrases", (int64_t)wxf_indicators_count(a->indicators));
	key(b, "hits");
	wxf_buf_putc(b, '[');
	for (size_t i = 0; i < a->n_hits; i++) {
		const wxf_indicator_hit *h = &a->hits[i];

		sep(b);
		wxf_buf_putc(b, '{');
		jstr(b, "phrase", h->phrase);
		jstr(b, "category", h->category);
		jstr(b, "phrase_origin", h->ind != NULL ? h->ind->origin : NULL);
		jstr(b, "msg_id", h->msg_id);
		jtime(b, "time", h->time_ms);
		jstr(b, "talker", h->talker);
		jstr(b, "field", h->field);
		jint(b, "offset", (int64_t)h->offset);
		jint(b, "length", (int64_t)h->length);
		jstr(b, "snippet", h->snippet);
		jprov(b, "prov", &h->prov);
		wxf_buf_putc(b, '}');
	}
	wxf_buf_putc(b, ']');
	wxf_buf_putc(b, '}');
	key(b, "notes");
	wxf_buf_putc(b, '[');
	for (size_t i = 0; i < a->n_notes; i++) {
		sep(b);
		wxf_buf_json_str(b, a->notes[i], strlen(a->notes[i]));
	}
	wxf_buf_putc(b, ']');
	wxf_buf_putc(b, '}');
}
