/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Deterministic JSON Lines dump of the model (one object per line; see model.h).  Used by the
 * tests and by report/ for timeline.jsonl.  Order: sources, owner, identities (by username),
 * groups (by id), conversations (by talker), messages (time then id), payments (by id),
 * anomalies (by code, message id, payment id, text).  Absent values are null; times are given
 * as UTC ISO 8601 ("time") and raw milliseconds ("time_ms").
 */
#include "config.h"
#include "model/model.h"
#include "base/wxf_buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
wxf_model_json_prov(const wxf_prov *p, wxf_buf *b)
{
	wxf_buf_putc(b, '{');
	wxf_buf_json_kstr(b, "file", p->file);
	if (p->image != NULL)
		wxf_buf_json_kstr(b, "image", p->image);
	wxf_buf_json_kstr(b, "table", p->table);
	wxf_buf_json_kint(b, "rowid", p->rowid);
	wxf_buf_json_kint(b, "pgno", p->pgno ? (int64_t)p->pgno : WXF_INT_UNKNOWN);
	if (p->frame)
		wxf_buf_json_kint(b, "frame", p->frame);
	wxf_buf_json_key(b, "offset");
	wxf_buf_printf(b, "%llu", (unsigned long long)p->offset);
	wxf_buf_json_kint(b, "length", p->length);
	wxf_buf_json_kstr(b, "origin", wxf_origin_name(p->origin));
	wxf_buf_json_kstr(b, "status", wxf_status_name(p->status));
	wxf_buf_json_kint(b, "confidence", p->confidence);
	wxf_buf_putc(b, '}');
}

static void
jprov(wxf_buf *b, const char *k, const wxf_prov *p)
{
	wxf_buf_json_key(b, k);
	wxf_model_json_prov(p, b);
}

static void
jattrs(wxf_buf *b, const char *k, const wxf_attrs *a)
{
	wxf_buf_json_key(b, k);
	wxf_buf_putc(b, '[');
	for (size_t i = 0; i < a->n; i++) {
		wxf_buf_json_sep(b);
		wxf_buf_putc(b, '{');
		wxf_buf_json_kstr(b, "value", a->v[i].value);
		wxf_buf_json_kstr(b, "source", a->v[i].source);
		if (a->v[i].time_ms != WXF_TIME_UNKNOWN)
			wxf_buf_json_ktime(b, "time", a->v[i].time_ms);
		jprov(b, "prov", &a->v[i].prov);
		wxf_buf_putc(b, '}');
	}
	wxf_buf_putc(b, ']');
}

static void
jkvs(wxf_buf *b, const char *k, const wxf_kvs *kv)
{
	wxf_buf_json_key(b, k);
	wxf_buf_putc(b, '[');
	for (size_t i = 0; i < kv->n; i++) {
		wxf_buf_json_sep(b);
		wxf_buf_putc(b, '[');
		wxf_buf_json_str(b, kv->v[i].key, strlen(kv->v[i].key));
		wxf_buf_putc(b, ',');
		wxf_buf_json_str(b, kv->v[i].value, strlen(kv->v[i].value));
		wxf_buf_putc(b, ']');
	}
	wxf_buf_putc(b, ']');
}

static void
jstrs(wxf_buf *b, const char *k, const char *const *v, size_t n)
{
	wxf_buf_json_key(b, k);
	wxf_buf_putc(b, '[');
	for (size_t i = 0; i < n; i++) {
		wxf_buf_json_sep(b);
		wxf_buf_json_str(b, v[i], strlen(v[i]));
	}
	wxf_buf_putc(b, ']');
}

static void
jamount(wxf_buf *b, const char *k, const wxf_amount *a)
{
	wxf_buf_json_key(b, k);
	wxf_buf_putc(b, '{');
	wxf_buf_json_kint(b, "fen", a->known ? a->fen : WXF_INT_UNKNOWN);
	wxf_buf_json_kbool(b, "known", a->known);
	wxf_buf_json_kstr(b, "text", a->text);
	wxf_buf_json_kstr(b, "currency", a->currency);
	wxf_buf_putc(b, '}');
}

void
wxf_model_json_identity(const wxf_identity *id, wxf_buf *b)
{
	wxf_buf_putc(b, '{');
	wxf_buf_json_kstr(b, "rec", "identity");
	wxf_buf_json_kstr(b, "username", id->username);
	wxf_buf_json_kstr(b, "kind", wxf_id_kind_name(id->kind));
	wxf_buf_json_kbool(b, "is_owner", id->is_owner);
	wxf_buf_json_kbool(b, "in_contacts", id->in_contacts);
	jattrs(b, "aliases", &id->aliases);
	jattrs(b, "remarks", &id->remarks);
	jattrs(b, "nicknames", &id->nicknames);
	jattrs(b, "phones", &id->phones);
	jattrs(b, "real_names", &id->real_names);
	jattrs(b, "bank_cards", &id->bank_cards);
	jattrs(b, "encrypt_usernames", &id->encrypt_usernames);
	jattrs(b, "other", &id->other);
	wxf_buf_json_kint(b, "type_flags", id->type_flags);
	wxf_buf_json_kint(b, "verify_flag", id->verify_flag);
	wxf_buf_json_kint(b, "delete_flag", id->delete_flag);
	jprov(b, "prov", &id->prov);
	wxf_buf_putc(b, '}');
}

static void
json_group(const wxf_group *g, wxf_buf *b)
{
	wxf_buf_putc(b, '{');
	wxf_buf_json_kstr(b, "rec", "group");
	wxf_buf_json_kstr(b, "username", g->username);
	jattrs(b, "names", &g->names);
	jattrs(b, "owners", &g->owners);
	wxf_buf_json_key(b, "members");
	wxf_buf_putc(b, '[');
	for (size_t i = 0; i < g->n_members; i++) {
		wxf_buf_json_sep(b);
		wxf_buf_putc(b, '{');
		wxf_buf_json_kstr(b, "username", g->members[i].username);
		wxf_buf_json_kstr(b, "display_name", g->members[i].display_name);
		wxf_buf_putc(b, '}');
	}
	wxf_buf_putc(b, ']');
	wxf_buf_json_kstr(b, "memberlist_raw", g->memberlist_raw);
	wxf_buf_json_kstr(b, "displayname_raw", g->displayname_raw);
	jprov(b, "prov", &g->prov);
	wxf_buf_putc(b, '}');
}

static void
json_conv(const wxf_conv *c, wxf_buf *b)
{
	wxf_buf_putc(b, '{');
	wxf_buf_json_kstr(b, "rec", "conversation");
	wxf_buf_json_kstr(b, "talker", c->talker);
	wxf_buf_json_kstr(b, "kind", wxf_conv_kind_name(c->kind));
	wxf_buf_json_kbool(b, "in_chat_list", c->in_chat_list);
	wxf_buf_json_ktime(b, "last_time", c->last_time_ms);
	wxf_buf_json_kint(b, "msg_count", c->msg_count);
	wxf_buf_json_kint(b, "unread_count", c->unread_count);
	wxf_buf_json_kstr(b, "digest", c->digest);
	wxf_buf_json_kstr(b, "last_content", c->last_content);
	wxf_buf_json_kint(b, "n_msgs", (int64_t)c->n_msgs);
	wxf_buf_json_kint(b, "n_recovered", (int64_t)c->n_recovered);
	wxf_buf_json_ktime(b, "first_msg_time", c->first_time_ms);
	wxf_buf_json_ktime(b, "last_msg_time", c->last_msg_time_ms);
	wxf_buf_json_kbool(b, "deleted", c->deleted);
	if (c->deleted) {
		wxf_buf_json_kint(b, "deleted_last_seq", c->deleted_last_seq);
		wxf_buf_json_ktime(b, "deleted_time", c->deleted_time_ms);
		jprov(b, "deleted_prov", &c->deleted_prov);
	}
	jprov(b, "prov", &c->prov);
	wxf_buf_putc(b, '}');
}

void
wxf_model_json_msg(const wxf_msg *m, wxf_buf *b)
{
	wxf_buf_putc(b, '{');
	wxf_buf_json_kstr(b, "rec", "message");
	wxf_buf_json_kstr(b, "id", m->id);
	wxf_buf_json_kstr(b, "platform", wxf_platform_name(m->platform));
	wxf_buf_json_kstr(b, "table", m->table);
	wxf_buf_json_kint(b, "local_id", m->local_id);
	wxf_buf_json_kstr(b, "server_id", m->server_id);
	wxf_buf_json_kint(b, "raw_type", m->raw_type);
	wxf_buf_json_kint(b, "base_type", m->base_type);
	wxf_buf_json_kstr(b, "kind", wxf_msg_kind_name(m->kind));
	wxf_buf_json_kint(b, "app_type", m->app_type);
	wxf_buf_json_ktime(b, "time", m->time_ms);
	wxf_buf_json_kstr(b, "dir", wxf_dir_name(m->dir));
	wxf_buf_json_kint(b, "status", m->status);
	wxf_buf_json_kint(b, "is_send", m->is_send);
	wxf_buf_json_kstr(b, "talker", m->talker);
	wxf_buf_json_kstr(b, "sender", m->sender);
	wxf_buf_json_kstr(b, "sender_src", wxf_sender_src_name(m->sender_src));
	wxf_buf_json_kstr(b, "body", m->body);
	wxf_buf_json_key(b, "content");
	if (m->content == NULL)
		wxf_buf_puts(b, "null");
	else
		wxf_buf_json_str(b, m->content, m->content_len);
#define OPT(k, v) do { if ((v) != NULL) wxf_buf_json_kstr(b, k, v); } while (0)
	OPT("title", m->x->title);
	OPT("desc", m->x->desc);
	OPT("url", m->x->url);
	OPT("app_id", m->x->app_id);
	OPT("app_name", m->x->app_name);
	OPT("source_name", m->x->source_name);
	OPT("file_name", m->x->file_name);
	OPT("file_ext", m->x->file_ext);
	if (m->x->file_size != WXF_INT_UNKNOWN)
		wxf_buf_json_kint(b, "file_size", m->x->file_size);
	OPT("emoji_md5", m->x->emoji_md5);
	if (m->x->loc.x != NULL || m->x->loc.y != NULL || m->x->loc.label != NULL || m->x->loc.poiname != NULL) {
		wxf_buf_json_key(b, "location");
		wxf_buf_putc(b, '{');
		wxf_buf_json_kstr(b, "x", m->x->loc.x);
		wxf_buf_json_kstr(b, "y", m->x->loc.y);
		wxf_buf_json_kstr(b, "scale", m->x->loc.scale);
		wxf_buf_json_kstr(b, "label", m->x->loc.label);
		wxf_buf_json_kstr(b, "poiname", m->x->loc.poiname);
		wxf_buf_putc(b, '}');
	}
	OPT("card_username", m->x->card_username);
	OPT("card_nickname", m->x->card_nickname);
	OPT("card_alias", m->x->card_alias);
	OPT("quote_svrid", m->x->quote_svrid);
	OPT("quote_from", m->x->quote_from);
	OPT("quote_text", m->x->quote_text);
	if (m->x->fields.n > 0)
		jkvs(b, "fields", &m->x->fields);
	if (m->n_media > 0) {
		wxf_buf_json_key(b, "media");
		wxf_buf_putc(b, '[');
		for (size_t i = 0; i < m->n_media; i++) {
			const wxf_media *md = &m->media[i];

			wxf_buf_json_sep(b);
			wxf_buf_putc(b, '{');
			wxf_buf_json_kstr(b, "role", md->role);
			wxf_buf_json_kstr(b, "expected", md->expected);
			wxf_buf_json_kstr(b, "path", md->path);
			wxf_buf_json_kstr(b, "state", wxf_media_state_name(md->state));
			wxf_buf_json_kstr(b, "sha256", md->sha256[0] ? md->sha256 : NULL);
			wxf_buf_json_kint(b, "size", md->size >= 0 ? md->size : WXF_INT_UNKNOWN);
			wxf_buf_json_kstr(b, "magic", md->magic);
			wxf_buf_json_kstr(b, "source", md->source);
			wxf_buf_putc(b, '}');
		}
		wxf_buf_putc(b, ']');
	}
	if (m->is_recall || m->kind == WXF_MK_REVOKE || m->x->recall_text != NULL) {
		wxf_buf_json_key(b, "recall");
		wxf_buf_putc(b, '{');
		wxf_buf_json_kbool(b, "is_recalled_row", m->is_recall);
		wxf_buf_json_kstr(b, "text", m->x->recall_text);
		wxf_buf_json_kstr(b, "target_server_id", m->x->recall_target_svrid);
		wxf_buf_json_kstr(b, "target_msg", m->x->recall_target_msg);
		wxf_buf_json_kstr(b, "original", m->x->recall_original);
		wxf_buf_json_kstr(b, "original_msg", m->x->recall_original_msg);
		if (m->x->recall_witness > 0)
			wxf_buf_json_kint(b, "original_witness", (int64_t)m->x->recall_witness);
		wxf_buf_putc(b, '}');
	}
	if (m->n_witnesses > 0) {
		wxf_buf_json_key(b, "witnesses");
		wxf_buf_putc(b, '[');
		for (size_t i = 0; i < m->n_witnesses; i++) {
			const wxf_witness *w = &m->witnesses[i];

			wxf_buf_json_sep(b);
			wxf_buf_putc(b, '{');
			wxf_buf_json_kstr(b, "kind", wxf_wit_kind_name(w->kind));
			wxf_buf_json_kstr(b, "text", w->text);
			jprov(b, "prov", &w->prov);
			wxf_buf_putc(b, '}');
		}
		wxf_buf_putc(b, ']');
	}
	if (m->body_witness > 0)
		wxf_buf_json_kint(b, "body_witness", (int64_t)m->body_witness);
#undef OPT
	wxf_buf_json_kstr(b, "payment", m->payment != NULL ? m->payment->id : NULL);
	wxf_buf_json_kstr(b, "duplicate_of", m->duplicate_of);
	if (m->x->warnings.n > 0)
		jstrs(b, "warnings", m->x->warnings.v, m->x->warnings.n);
	jprov(b, "prov", &m->prov);
	wxf_buf_putc(b, '}');
}

void
wxf_model_json_payment(const wxf_payment *p, wxf_buf *b)
{
	wxf_buf_putc(b, '{');
	wxf_buf_json_kstr(b, "rec", "payment");
	wxf_buf_json_kstr(b, "id", p->id);
	wxf_buf_json_kstr(b, "kind", wxf_pay_kind_name(p->kind));
	wxf_buf_json_kstr(b, "key", p->key);
	wxf_buf_json_kstr(b, "transfer_id", p->transfer_id);
	wxf_buf_json_kstr(b, "transaction_id", p->transaction_id);
	jamount(b, "amount", &p->amount);
	wxf_buf_json_kbool(b, "amount_conflict", p->amount_conflict);
	wxf_buf_json_kstr(b, "payer", p->payer);
	wxf_buf_json_kstr(b, "payer_src", p->payer_src);
	wxf_buf_json_kstr(b, "receiver", p->receiver);
	wxf_buf_json_kstr(b, "receiver_src", p->receiver_src);
	wxf_buf_json_kstr(b, "talker", p->talker);
	wxf_buf_json_kstr(b, "memo", p->memo);
	wxf_buf_json_ktime(b, "begin_time", p->begin_time_ms);
	wxf_buf_json_ktime(b, "invalid_time", p->invalid_time_ms);
	wxf_buf_json_key(b, "events");
	wxf_buf_putc(b, '[');
	for (size_t i = 0; i < p->n_events; i++) {
		const wxf_pay_event *e = &p->events[i];

		wxf_buf_json_sep(b);
		wxf_buf_putc(b, '{');
		wxf_buf_json_kint(b, "paysubtype", e->paysubtype);
		wxf_buf_json_kstr(b, "state", wxf_pay_state_name(e->state));
		wxf_buf_json_ktime(b, "time", e->time_ms);
		wxf_buf_json_kstr(b, "msg", e->msg_id);
		wxf_buf_json_kstr(b, "dir", wxf_dir_name(e->dir));
		wxf_buf_json_kstr(b, "note", e->note);
		jprov(b, "prov", &e->prov);
		wxf_buf_putc(b, '}');
	}
	wxf_buf_putc(b, ']');
	wxf_buf_json_kstr(b, "final_state", wxf_pay_state_name(p->final_state));
	wxf_buf_json_ktime(b, "final_time", p->final_time_ms);
	wxf_buf_json_kint(b, "witness_status", p->witness_status);
	if (p->witness_status != WXF_INT_UNKNOWN) {
		wxf_buf_json_kstr(b, "witness_state", wxf_pay_state_name(p->witness_state));
		jprov(b, "witness_prov", &p->witness_prov);
	}
	wxf_buf_json_kbool(b, "witness_disagrees", p->witness_disagrees);
	if (p->kind == WXF_PAY_RED_PACKET) {
		wxf_buf_json_kstr(b, "sendid", p->sendid);
		wxf_buf_json_kstr(b, "greeting", p->greeting);
		wxf_buf_json_kstr(b, "hb_type", p->hb_type);
		wxf_buf_json_kstr(b, "scene", p->scene);
		wxf_buf_json_key(b, "claims");
		wxf_buf_putc(b, '[');
		for (size_t i = 0; i < p->n_claims; i++) {
			const wxf_hb_claim *c = &p->claims[i];

			wxf_buf_json_sep(b);
			wxf_buf_putc(b, '{');
			wxf_buf_json_kstr(b, "claimer", c->claimer);
			wxf_buf_json_kstr(b, "text", c->text);
			wxf_buf_json_ktime(b, "time", c->time_ms);
			jamount(b, "amount", &c->amount);
			wxf_buf_json_kstr(b, "msg", c->msg_id);
			jprov(b, "prov", &c->prov);
			wxf_buf_putc(b, '}');
		}
		wxf_buf_putc(b, ']');
	}
	if (p->kind == WXF_PAY_AA) {
		wxf_buf_json_kstr(b, "aa_billno", p->aa_billno);
		wxf_buf_json_kstr(b, "aa_type", p->aa_type);
		wxf_buf_json_kstr(b, "aa_launcher", p->aa_launcher);
		wxf_buf_json_kstr(b, "aa_payers", p->aa_payers);
		wxf_buf_json_kstr(b, "aa_receivers", p->aa_receivers);
		wxf_buf_json_kstr(b, "aa_outtradeno", p->aa_outtradeno);
		wxf_buf_json_kint(b, "aa_status", p->aa_status);
	}
	if (p->kind == WXF_PAY_RECEIPT) {
		wxf_buf_json_kstr(b, "merchant", p->merchant);
		jkvs(b, "lines", &p->lines);
	}
	jstrs(b, "msgs", p->msg_ids, p->n_msgs);
	jprov(b, "prov", &p->prov);
	wxf_buf_putc(b, '}');
}

static void
json_anomaly(const wxf_anomaly *a, wxf_buf *b)
{
	static const char *const sev[] = { "none", "warn", "failed", "fatal" };

	wxf_buf_putc(b, '{');
	wxf_buf_json_kstr(b, "rec", "anomaly");
	wxf_buf_json_kstr(b, "sev", (unsigned)a->sev <= WXF_SEV_FATAL ? sev[a->sev] : "unknown");
	wxf_buf_json_kstr(b, "code", a->code);
	wxf_buf_json_kstr(b, "message", a->message);
	wxf_buf_json_kstr(b, "msg", a->msg_id);
	wxf_buf_json_kstr(b, "payment", a->payment_id);
	jprov(b, "where", &a->where);
	wxf_buf_putc(b, '}');
}

static int
nstrcmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == NULL) - (b == NULL);
	return strcmp(a, b);
}

static int
cmp_ident(const void *a, const void *b)
{
	return strcmp((*(wxf_identity *const *)a)->username, (*(wxf_identity *const *)b)->username);
}

static int
cmp_group(const void *a, const void *b)
{
	return strcmp((*(wxf_group *const *)a)->username, (*(wxf_group *const *)b)->username);
}

static int
cmp_conv(const void *a, const void *b)
{
	return strcmp((*(wxf_conv *const *)a)->talker, (*(wxf_conv *const *)b)->talker);
}

static int
cmp_pay(const void *a, const void *b)
{
	return strcmp((*(wxf_payment *const *)a)->id, (*(wxf_payment *const *)b)->id);
}

static int
cmp_anom(const void *pa, const void *pb)
{
	const wxf_anomaly *a = *(const wxf_anomaly *const *)pa, *b = *(const wxf_anomaly *const *)pb;
	int c;

	if ((c = nstrcmp(a->code, b->code)) != 0 || (c = nstrcmp(a->msg_id, b->msg_id)) != 0 ||
	    (c = nstrcmp(a->payment_id, b->payment_id)) != 0 ||
	    (c = nstrcmp(a->message, b->message)) != 0)
		return c;
	return a->where.offset < b->where.offset ? -1 : a->where.offset > b->where.offset;
}

static int
cmp_msg(const void *pa, const void *pb)
{
	const wxf_msg *a = *(const wxf_msg *const *)pa, *b = *(const wxf_msg *const *)pb;

	if (a->time_ms != b->time_ms) {
		if (a->time_ms == WXF_TIME_UNKNOWN)
			return 1;
		if (b->time_ms == WXF_TIME_UNKNOWN)
			return -1;
		return a->time_ms < b->time_ms ? -1 : 1;
	}
	return strcmp(a->id, b->id);
}

static void *
sorted_copy(void *const *v, size_t n, int (*cmp)(const void *, const void *))
{
	void **c = wxf_xcalloc(n ? n : 1, sizeof(*c));

	if (n)
		memcpy(c, v, n * sizeof(*c));
	if (n > 1)
		qsort(c, n, sizeof(*c), cmp);
	return c;
}

void
wxf_model_json(const wxf_model *m, wxf_buf *b)
{
	void **v;
	const wxf_anomaly **an;
	const wxf_msg **msgs;

	for (size_t i = 0; i < m->n_sources; i++) {
		const wxf_source *s = &m->sources[i];

		wxf_buf_putc(b, '{');
		wxf_buf_json_kstr(b, "rec", "source");
		wxf_buf_json_kstr(b, "path", s->path);
		wxf_buf_json_kstr(b, "role", s->role);
		wxf_buf_json_kstr(b, "image", s->image);
		wxf_buf_json_kstr(b, "platform", wxf_platform_name(s->platform));
		wxf_buf_json_kstr(b, "account", s->account);
		wxf_buf_puts(b, "}\n");
	}
	if (m->owner != NULL) {
		wxf_buf_putc(b, '{');
		wxf_buf_json_kstr(b, "rec", "owner");
		wxf_buf_json_kstr(b, "username", m->owner->username);
		wxf_buf_puts(b, "}\n");
	}
	v = sorted_copy((void *const *)m->identities, m->n_identities, cmp_ident);
	for (size_t i = 0; i < m->n_identities; i++) {
		wxf_model_json_identity(v[i], b);
		wxf_buf_putc(b, '\n');
	}
	free(v);
	v = sorted_copy((void *const *)m->groups, m->n_groups, cmp_group);
	for (size_t i = 0; i < m->n_groups; i++) {
		json_group(v[i], b);
		wxf_buf_putc(b, '\n');
	}
	free(v);
	v = sorted_copy((void *const *)m->convs, m->n_convs, cmp_conv);
	for (size_t i = 0; i < m->n_convs; i++) {
		json_conv(v[i], b);
		wxf_buf_putc(b, '\n');
	}
	free(v);
	/* messages: model order when sorted, else a sorted copy in the same order (model is const) */
	msgs = wxf_xcalloc(m->n_msgs ? m->n_msgs : 1, sizeof(*msgs));
	if (m->n_msgs)
		memcpy(msgs, m->msgs, m->n_msgs * sizeof(*msgs));
	if (!m->sorted && m->n_msgs > 1)
		qsort(msgs, m->n_msgs, sizeof(*msgs), cmp_msg);
	for (size_t i = 0; i < m->n_msgs; i++) {
		wxf_model_json_msg(msgs[i], b);
		wxf_buf_putc(b, '\n');
	}
	free(msgs);
	v = sorted_copy((void *const *)m->payments, m->n_payments, cmp_pay);
	for (size_t i = 0; i < m->n_payments; i++) {
		wxf_model_json_payment(v[i], b);
		wxf_buf_putc(b, '\n');
	}
	free(v);
	an = wxf_xcalloc(m->n_anomalies ? m->n_anomalies : 1, sizeof(*an));
	for (size_t i = 0; i < m->n_anomalies; i++)
		an[i] = &m->anomalies[i];
	if (m->n_anomalies > 1)
		qsort(an, m->n_anomalies, sizeof(*an), cmp_anom);
	for (size_t i = 0; i < m->n_anomalies; i++) {
		json_anomaly(an[i], b);
		wxf_buf_putc(b, '\n');
	}
	free(an);
}
