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

static void
key(wxf_buf *b, const char *k)
{
	if (b->len > 0 && b->p[b->len - 1] != '{' && b->p[b->len - 1] != '[')
		wxf_buf_putc(b, ',');
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

static void
jbool(wxf_buf *b, const char *k, int v)
{
	key(b, k);
	wxf_buf_puts(b, v ? "true" : "false");
}

static void
jtime(wxf_buf *b, const char *k, int64_t ms)
{
	char t[64], kk[64];

	key(b, k);
	if (ms == WXF_TIME_UNKNOWN) {
		wxf_buf_puts(b, "null");
	} else {
		wxf_time_fmt_utc(ms, t, sizeof(t));
		wxf_buf_json_str(b, t, strlen(t));
	}
	snprintf(kk, sizeof(kk), "%s_ms", k);
	jint(b, kk, ms);
}

static void
elem_sep(wxf_buf *b)
{
	if (b->len > 0 && b->p[b->len - 1] != '[')
		wxf_buf_putc(b, ',');
}

void
wxf_model_json_prov(const wxf_prov *p, wxf_buf *b)
{
	wxf_buf_putc(b, '{');
	jstr(b, "file", p->file);
	if (p->image != NULL)
		jstr(b, "image", p->image);
	jstr(b, "table", p->table);
	jint(b, "rowid", p->rowid);
	jint(b, "pgno", p->pgno ? (int64_t)p->pgno : WXF_INT_UNKNOWN);
	if (p->frame)
		jint(b, "frame", p->frame);
	key(b, "offset");
	wxf_buf_printf(b, "%llu", (unsigned long long)p->offset);
	jint(b, "length", p->length);
	jstr(b, "origin", wxf_origin_name(p->origin));
	jstr(b, "status", wxf_status_name(p->status));
	jint(b, "confidence", p->confidence);
	wxf_buf_putc(b, '}');
}

static void
jprov(wxf_buf *b, const char *k, const wxf_prov *p)
{
	key(b, k);
	wxf_model_json_prov(p, b);
}

static void
jattrs(wxf_buf *b, const char *k, const wxf_attrs *a)
{
	key(b, k);
	wxf_buf_putc(b, '[');
	for (size_t i = 0; i < a->n; i++) {
		elem_sep(b);
		wxf_buf_putc(b, '{');
		jstr(b, "value", a->v[i].value);
		jstr(b, "source", a->v[i].source);
		if (a->v[i].time_ms != WXF_TIME_UNKNOWN)
			jtime(b, "time", a->v[i].time_ms);
		jprov(b, "prov", &a->v[i].prov);
		wxf_buf_putc(b, '}');
	}
	wxf_buf_putc(b, ']');
}

static void
jkvs(wxf_buf *b, const char *k, const wxf_kvs *kv)
{
	key(b, k);
	wxf_buf_putc(b, '[');
	for (size_t i = 0; i < kv->n; i++) {
		elem_sep(b);
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
	key(b, k);
	wxf_buf_putc(b, '[');
	for (size_t i = 0; i < n; i++) {
		elem_sep(b);
		wxf_buf_json_str(b, v[i], strlen(v[i]));
	}
	wxf_buf_putc(b, ']');
}

static void
jamount(wxf_buf *b, const char *k, const wxf_amount *a)
{
	key(b, k);
	wxf_buf_putc(b, '{');
	jint(b, "fen", a->known ? a->fen : WXF_INT_UNKNOWN);
	jbool(b, "known", a->known);
	jstr(b, "text", a->text);
	jstr(b, "currency", a->currency);
	wxf_buf_putc(b, '}');
}

void
wxf_model_json_identity(const wxf_identity *id, wxf_buf *b)
{
	wxf_buf_putc(b, '{');
	jstr(b, "rec", "identity");
	jstr(b, "username", id->username);
	jstr(b, "kind", wxf_id_kind_name(id->kind));
	jbool(b, "is_owner", id->is_owner);
	jbool(b, "in_contacts", id->in_contacts);
	jattrs(b, "aliases", &id->aliases);
	jattrs(b, "remarks", &id->remarks);
	jattrs(b, "nicknames", &id->nicknames);
	jattrs(b, "phones", &id->phones);
	jattrs(b, "real_names", &id->real_names);
	jattrs(b, "bank_cards", &id->bank_cards);
	jattrs(b, "encrypt_usernames", &id->encrypt_usernames);
	jattrs(b, "other", &id->other);
	jint(b, "type_flags", id->type_flags);
	jint(b, "verify_flag", id->verify_flag);
	jint(b, "delete_flag", id->delete_flag);
	jprov(b, "prov", &id->prov);
	wxf_buf_putc(b, '}');
}

static void
json_group(const wxf_group *g, wxf_buf *b)
{
	wxf_buf_putc(b, '{');
	jstr(b, "rec", "group");
	jstr(b, "username", g->username);
	jattrs(b, "names", &g->names);
	jattrs(b, "owners", &g->owners);
	key(b, "members");
	wxf_buf_putc(b, '[');
	for (size_t i = 0; i < g->n_members; i++) {
		elem_sep(b);
		wxf_buf_putc(b, '{');
		jstr(b, "username", g->members[i].username);
		jstr(b, "display_name", g->members[i].display_name);
		wxf_buf_putc(b, '}');
	}
	wxf_buf_putc(b, ']');
	jstr(b, "memberlist_raw", g->memberlist_raw);
	jstr(b, "displayname_raw", g->displayname_raw);
	jprov(b, "prov", &g->prov);
	wxf_buf_putc(b, '}');
}

static void
json_conv(const wxf_conv *c, wxf_buf *b)
{
	wxf_buf_putc(b, '{');
	jstr(b, "rec", "conversation");
	jstr(b, "talker", c->talker);
	jstr(b, "kind", wxf_conv_kind_name(c->kind));
	jbool(b, "in_chat_list", c->in_chat_list);
	jtime(b, "last_time", c->last_time_ms);
	jint(b, "msg_count", c->msg_count);
	jint(b, "unread_count", c->unread_count);
	jstr(b, "digest", c->digest);
	jstr(b, "last_content", c->last_content);
	jint(b, "n_msgs", (int64_t)c->n_msgs);
	jint(b, "n_recovered", (int64_t)c->n_recovered);
	jtime(b, "first_msg_time", c->first_time_ms);
	jtime(b, "last_msg_time", c->last_msg_time_ms);
	jbool(b, "deleted", c->deleted);
	if (c->deleted) {
		jint(b, "deleted_last_seq", c->deleted_last_seq);
		jtime(b, "deleted_time", c->deleted_time_ms);
		jprov(b, "deleted_prov", &c->deleted_prov);
	}
	jprov(b, "prov", &c->prov);
	wxf_buf_putc(b, '}');
}

void
wxf_model_json_msg(const wxf_msg *m, wxf_buf *b)
{
	wxf_buf_putc(b, '{');
	jstr(b, "rec", "message");
	jstr(b, "id", m->id);
	jstr(b, "platform", wxf_platform_name(m->platform));
	jstr(b, "table", m->table);
	jint(b, "local_id", m->local_id);
	jstr(b, "server_id", m->server_id);
	jint(b, "raw_type", m->raw_type);
	jint(b, "base_type", m->base_type);
	jstr(b, "kind", wxf_msg_kind_name(m->kind));
	jint(b, "app_type", m->app_type);
	jtime(b, "time", m->time_ms);
	jstr(b, "dir", wxf_dir_name(m->dir));
	jint(b, "status", m->status);
	jint(b, "is_send", m->is_send);
	jstr(b, "talker", m->talker);
	jstr(b, "sender", m->sender);
	jstr(b, "sender_src", wxf_sender_src_name(m->sender_src));
	jstr(b, "body", m->body);
	key(b, "content");
	if (m->content == NULL)
		wxf_buf_puts(b, "null");
	else
		wxf_buf_json_str(b, m->content, m->content_len);
#define OPT(k, v) do { if ((v) != NULL) jstr(b, k, v); } while (0)
	OPT("title", m->title);
	OPT("desc", m->desc);
	OPT("url", m->url);
	OPT("app_id", m->app_id);
	OPT("app_name", m->app_name);
	OPT("source_name", m->source_name);
	OPT("file_name", m->file_name);
	OPT("file_ext", m->file_ext);
	if (m->file_size != WXF_INT_UNKNOWN)
		jint(b, "file_size", m->file_size);
	OPT("emoji_md5", m->emoji_md5);
	if (m->loc.x != NULL || m->loc.y != NULL || m->loc.label != NULL || m->loc.poiname != NULL) {
		key(b, "location");
		wxf_buf_putc(b, '{');
		jstr(b, "x", m->loc.x);
		jstr(b, "y", m->loc.y);
		jstr(b, "scale", m->loc.scale);
		jstr(b, "label", m->loc.label);
		jstr(b, "poiname", m->loc.poiname);
		wxf_buf_putc(b, '}');
	}
	OPT("card_username", m->card_username);
	OPT("card_nickname", m->card_nickname);
	OPT("card_alias", m->card_alias);
	OPT("quote_svrid", m->quote_svrid);
	OPT("quote_from", m->quote_from);
	OPT("quote_text", m->quote_text);
	if (m->fields.n > 0)
		jkvs(b, "fields", &m->fields);
	if (m->n_media > 0) {
		key(b, "media");
		wxf_buf_putc(b, '[');
		for (size_t i = 0; i < m->n_media; i++) {
			const wxf_media *md = &m->media[i];

			elem_sep(b);
			wxf_buf_putc(b, '{');
			jstr(b, "role", md->role);
			jstr(b, "expected", md->expected);
			jstr(b, "path", md->path);
			jstr(b, "state", wxf_media_state_name(md->state));
			jstr(b, "sha256", md->sha256[0] ? md->sha256 : NULL);
			jint(b, "size", md->size >= 0 ? md->size : WXF_INT_UNKNOWN);
			jstr(b, "magic", md->magic);
			jstr(b, "source", md->source);
			wxf_buf_putc(b, '}');
		}
		wxf_buf_putc(b, ']');
	}
	if (m->is_recall || m->kind == WXF_MK_REVOKE || m->recall_text != NULL) {
		key(b, "recall");
		wxf_buf_putc(b, '{');
		jbool(b, "is_recalled_row", m->is_recall);
		jstr(b, "text", m->recall_text);
		jstr(b, "target_server_id", m->recall_target_svrid);
		jstr(b, "target_msg", m->recall_target_msg);
		jstr(b, "original", m->recall_original);
		jstr(b, "original_msg", m->recall_original_msg);
		wxf_buf_putc(b, '}');
	}
#undef OPT
	jstr(b, "payment", m->payment != NULL ? m->payment->id : NULL);
	jstr(b, "duplicate_of", m->duplicate_of);
	if (m->warnings.n > 0)
		jstrs(b, "warnings", m->warnings.v, m->warnings.n);
	jprov(b, "prov", &m->prov);
	wxf_buf_putc(b, '}');
}

void
wxf_model_json_payment(const wxf_payment *p, wxf_buf *b)
{
	wxf_buf_putc(b, '{');
	jstr(b, "rec", "payment");
	jstr(b, "id", p->id);
	jstr(b, "kind", wxf_pay_kind_name(p->kind));
	jstr(b, "key", p->key);
	jstr(b, "transfer_id", p->transfer_id);
	jstr(b, "transaction_id", p->transaction_id);
	jamount(b, "amount", &p->amount);
	jbool(b, "amount_conflict", p->amount_conflict);
	jstr(b, "payer", p->payer);
	jstr(b, "payer_src", p->payer_src);
	jstr(b, "receiver", p->receiver);
	jstr(b, "receiver_src", p->receiver_src);
	jstr(b, "talker", p->talker);
	jstr(b, "memo", p->memo);
	jtime(b, "begin_time", p->begin_time_ms);
	jtime(b, "invalid_time", p->invalid_time_ms);
	key(b, "events");
	wxf_buf_putc(b, '[');
	for (size_t i = 0; i < p->n_events; i++) {
		const wxf_pay_event *e = &p->events[i];

		elem_sep(b);
		wxf_buf_putc(b, '{');
		jint(b, "paysubtype", e->paysubtype);
		jstr(b, "state", wxf_pay_state_name(e->state));
		jtime(b, "time", e->time_ms);
		jstr(b, "msg", e->msg_id);
		jstr(b, "dir", wxf_dir_name(e->dir));
		jstr(b, "note", e->note);
		jprov(b, "prov", &e->prov);
		wxf_buf_putc(b, '}');
	}
	wxf_buf_putc(b, ']');
	jstr(b, "final_state", wxf_pay_state_name(p->final_state));
	jtime(b, "final_time", p->final_time_ms);
	jint(b, "witness_status", p->witness_status);
	if (p->witness_status != WXF_INT_UNKNOWN) {
		jstr(b, "witness_state", wxf_pay_state_name(p->witness_state));
		jprov(b, "witness_prov", &p->witness_prov);
	}
	jbool(b, "witness_disagrees", p->witness_disagrees);
	if (p->kind == WXF_PAY_RED_PACKET) {
		jstr(b, "sendid", p->sendid);
		jstr(b, "greeting", p->greeting);
		jstr(b, "hb_type", p->hb_type);
		jstr(b, "scene", p->scene);
		key(b, "claims");
		wxf_buf_putc(b, '[');
		for (size_t i = 0; i < p->n_claims; i++) {
			const wxf_hb_claim *c = &p->claims[i];

			elem_sep(b);
			wxf_buf_putc(b, '{');
			jstr(b, "claimer", c->claimer);
			jstr(b, "text", c->text);
			jtime(b, "time", c->time_ms);
			jamount(b, "amount", &c->amount);
			jstr(b, "msg", c->msg_id);
			jprov(b, "prov", &c->prov);
			wxf_buf_putc(b, '}');
		}
		wxf_buf_putc(b, ']');
	}
	if (p->kind == WXF_PAY_AA) {
		jstr(b, "aa_billno", p->aa_billno);
		jstr(b, "aa_type", p->aa_type);
		jstr(b, "aa_launcher", p->aa_launcher);
		jstr(b, "aa_payers", p->aa_payers);
		jstr(b, "aa_receivers", p->aa_receivers);
		jstr(b, "aa_outtradeno", p->aa_outtradeno);
		jint(b, "aa_status", p->aa_status);
	}
	if (p->kind == WXF_PAY_RECEIPT) {
		jstr(b, "merchant", p->merchant);
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
	jstr(b, "rec", "anomaly");
	jstr(b, "sev", (unsigned)a->sev <= WXF_SEV_FATAL ? sev[a->sev] : "unknown");
	jstr(b, "code", a->code);
	jstr(b, "message", a->message);
	jstr(b, "msg", a->msg_id);
	jstr(b, "payment", a->payment_id);
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
		jstr(b, "rec", "source");
		jstr(b, "path", s->path);
		jstr(b, "role", s->role);
		jstr(b, "image", s->image);
		jstr(b, "platform", wxf_platform_name(s->platform));
		jstr(b, "account", s->account);
		wxf_buf_puts(b, "}\n");
	}
	if (m->owner != NULL) {
		wxf_buf_putc(b, '{');
		jstr(b, "rec", "owner");
		jstr(b, "username", m->owner->username);
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
