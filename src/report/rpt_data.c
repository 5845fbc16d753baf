/* SPDX-License-Identifier: Apache-2.0 */
/*
 * timeline.jsonl (Timesketch) and csv/{messages,payments,contacts}.csv.
 *
 * JSONL: one object per event with a known instant, in the order of timeline.xml; Timesketch's
 * mandatory "message", "datetime" (ISO 8601 with offset) and "timestamp_desc", its optional
 * "timestamp" (microseconds), then our fields (wxf_id = the XML/HTML id, provenance).  Events
 * with an unknown instant cannot be placed on a Timesketch timeline: they are in timeline.xml
 * (time="unknown") and counted in the report, never given an invented date.
 *
 * CSV: RFC 4180 (CRLF, every field quoted, quotes doubled), UTF-8 WITH a byte-order mark: the
 * usual reader is a spreadsheet on a Chinese-locale PC, which takes BOM-less files for GBK and
 * garbles every name.  Fields starting with = + - @ are prefixed with ' (formula injection).
 */
#include "config.h"
#include "rpt_int.h"
#include "analysis/analysis.h"
#include "base/wxf_fmt.h"

#include <stdio.h>
#include <string.h>

static const char *
ts_desc(const rpt_event *e)
{
	switch (e->type) {
	case RPT_EV_MESSAGE:
		return wxf_prov_recovered(&e->msg->prov) ? "Recovered (deleted) message" :
		    "Message sent";
	case RPT_EV_PAYMENT: {
		const wxf_pay_event *pe = &e->pay->events[e->k];

		if (e->pay->kind == WXF_PAY_RED_PACKET)
			return "Red packet sent";
		if (e->pay->kind == WXF_PAY_RECEIPT)
			return "Payment receipt";
		switch (pe->state) {
		case WXF_PST_INITIATED: return "Transfer created";
		case WXF_PST_ACCEPTED: return "Transfer accepted";
		case WXF_PST_REFUNDED: return "Transfer refunded";
		case WXF_PST_EXPIRED: return "Transfer expired";
		default: return "Payment event";
		}
	}
	case RPT_EV_CLAIM:
		return "Red packet claimed";
	case RPT_EV_CONTACT:
		return "Contact attribute observed";
	case RPT_EV_CONV_DELETED:
		return "Conversation deleted";
	default:
		return "Event";
	}
}

static void
j_str(wxf_buf *b, const char *key, const char *v)
{
	wxf_buf_printf(b, ",\"%s\":", key);
	if (v != NULL)
		wxf_buf_json_str(b, v, strlen(v));
	else
		wxf_buf_puts(b, "null");
}

/* Evidence text: shown with its invisible code points as "[U+202E]" markers (a viewer cannot
 * reorder or hide it); when it has any, the exact text follows in "<key>_raw", escaped. */
static void
j_text(wxf_buf *b, const char *key, const char *v)
{
	wxf_buf vis;

	if (v == NULL) {
		j_str(b, key, NULL);
		return;
	}
	wxf_buf_init(&vis);
	wxf_buf_visible(&vis, v, strlen(v));
	j_str(b, key, vis.p != NULL ? vis.p : "");
	if (vis.len != strlen(v) || (vis.len > 0 && memcmp(vis.p, v, vis.len) != 0)) {
		wxf_buf_printf(b, ",\"%s_raw\":", key);
		wxf_buf_json_str_raw(b, v, strlen(v));
	}
	wxf_buf_free(&vis);
}

/* The examiner's tags of event i (case --tags): "examiner_tags":[{"tag","note","examiner"}]. */
static void
jsonl_tags(const rpt_ctx *c, size_t i, wxf_buf *b)
{
	size_t first, n = rpt_tags_of(c, i, &first), k;

	if (n == 0)
		return;
	wxf_buf_puts(b, ",\"examiner_tags\":[");
	for (k = 0; k < n; k++) {
		const wxf_report_tag *t = c->tagged[first + k].t;

		wxf_buf_puts(b, k > 0 ? ",{" : "{");
		wxf_buf_puts(b, "\"tag\":");
		wxf_buf_json_str(b, t->tag, strlen(t->tag));
		wxf_buf_puts(b, ",\"note\":");
		wxf_buf_json_str(b, t->note, strlen(t->note));
		wxf_buf_puts(b, ",\"examiner\":");
		wxf_buf_json_str(b, t->examiner, strlen(t->examiner));
		wxf_buf_putc(b, '}');
	}
	wxf_buf_putc(b, ']');
}

/* One line per event with a known instant, streamed to o (rpt_out_tick after each line). */
static void
jsonl_write(const rpt_ctx *c, rpt_out *o)
{
	wxf_buf s, *b = &o->b;
	size_t i;
	char t[64];

	wxf_buf_init(&s);
	for (i = 0; i < c->n_ev; i++) {
		const rpt_event *e = &c->ev[i];
		char idb[RPT_EV_ID_MAX];

		if (e->time_ms == WXF_TIME_UNKNOWN)
			continue;
		wxf_buf_reset(&s);
		rpt_event_summary(c, e, &s);
		/* Timesketch's "message": every invisible code point already made visible */
		wxf_buf_puts(b, "{\"message\":");
		{
			wxf_buf v;

			wxf_buf_init(&v);
			wxf_buf_visible(&v, s.p, s.len);
			wxf_buf_json_str(b, v.p != NULL ? v.p : "", v.len);
			wxf_buf_free(&v);
		}
		rpt_time(c, e->time_ms, t, sizeof(t));
		wxf_buf_printf(b, ",\"datetime\":\"%s\",\"timestamp\":%lld", t,
		    (long long)e->time_ms * 1000);
		j_str(b, "timestamp_desc", ts_desc(e));
		j_str(b, "wxf_id", rpt_ev_id(e, idb));
		j_str(b, "wxf_type", rpt_ev_type_name(e->type));
		if (c->parts[e->part].key != NULL)
			j_str(b, "account", c->parts[e->part].key);
		if (e->type == RPT_EV_MESSAGE) {
			j_str(b, "conversation", e->msg->talker);
			j_str(b, "sender", e->msg->sender);
			j_str(b, "direction", wxf_dir_name(e->msg->dir));
			j_str(b, "kind", wxf_msg_kind_name(e->msg->kind));
			j_text(b, "text", e->msg->body);
			/* witnesses: other places the record was found (timeline.xml lists them);
			 * text_witness: the one the text is cited from when the record kept none */
			wxf_buf_printf(b, ",\"witnesses\":%zu", e->msg->n_witnesses);
			if (e->msg->body_witness > 0)
				wxf_buf_printf(b, ",\"text_witness\":%zu", e->msg->body_witness);
		} else if (e->type == RPT_EV_PAYMENT || e->type == RPT_EV_CLAIM) {
			j_str(b, "payment_id", e->pay->id);
			j_str(b, "payment_kind", wxf_pay_kind_name(e->pay->kind));
			if (e->pay->amount.known)
				wxf_buf_printf(b, ",\"amount_fen\":%lld", (long long)e->pay->amount.fen);
			else
				wxf_buf_puts(b, ",\"amount_fen\":null");
			j_str(b, "payer", e->pay->payer);
			j_str(b, "receiver", e->pay->receiver);
			j_str(b, "transfer_id", e->pay->transfer_id);
		} else if (e->type == RPT_EV_CONTACT) {
			j_str(b, "username", e->ct->ident->username);
			j_str(b, "field", e->ct->field);
			j_text(b, "value", e->ct->attr->value);
		} else if (e->type == RPT_EV_CONV_DELETED)
			j_str(b, "conversation", e->conv->talker);
		wxf_buf_putc(b, ',');
		rpt_prov_json(c, e->prov, b);
		jsonl_tags(c, i, b);
		wxf_buf_puts(b, "}\n");
		rpt_out_tick(o);
	}
	wxf_buf_free(&s);
}

int
wxf_report_jsonl(const wxf_report_in *in, const char *outdir, wxf_audit *audit, wxf_err *err)
{
	rpt_ctx own, *c = rpt_ctx_use(&own, in);
	rpt_out o;

	if (rpt_out_open(&o, outdir, "timeline.jsonl", in->log, err) == WXF_OK)
		jsonl_write(c, &o);
	rpt_ctx_done(&own, c);
	return rpt_out_close(&o, audit);
}

/* ------------------------------------------------------------------------------ CSV */

/* Evidence text for a spreadsheet: invalid UTF-8 becomes U+FFFD; control, bidi and zero-width
 * characters become visible "[U+XXXX]" markers (as in the HTML), so a cell cannot reorder or
 * hide what it shows.  Newlines and tabs are kept (the field is quoted). */
static void
csv_clean(wxf_buf *out, const char *s, size_t n)
{
	wxf_buf_visible(out, s, n);
}

/* 1 when s[0..n) is printable ASCII, TAB, LF or CR: csv_clean would copy it unchanged. */
static int
csv_plain(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || ch >= 0x7f)
			return 0;
	}
	return 1;
}

static void
csv(wxf_buf *b, const char *s)
{
	wxf_buf c;
	size_t n = s != NULL ? strlen(s) : 0;

	/* a field starts a record after CRLF or after the byte-order mark (or a flushed row) */
	if (b->len > 0 && b->p[b->len - 1] != '\n' &&
	    !(b->len == 3 && memcmp(b->p, "\xEF\xBB\xBF", 3) == 0))
		wxf_buf_putc(b, ',');
	if (csv_plain(s, n)) {
		wxf_buf_csv_field(b, s, n);
		return;
	}
	wxf_buf_init(&c);
	csv_clean(&c, s, n);
	wxf_buf_csv_field(b, c.p != NULL ? c.p : "", c.len);
	wxf_buf_free(&c);
}

static void
csv_int(wxf_buf *b, int64_t v, int known)
{
	char t[32];

	if (!known) {
		csv(b, "");
		return;
	}
	wxf_fmt(t, sizeof(t), "%lld", (long long)v);
	csv(b, t);
}

static void
csv_end(wxf_buf *b)
{
	wxf_buf_puts(b, "\r\n");
}

/* The header; with several accounts a last column names each row's account. */
static void
csv_header(const rpt_ctx *c, wxf_buf *b, const char *const *cols)
{
	for (; *cols != NULL; cols++)
		csv(b, *cols);
	if (c->n_parts > 1)
		csv(b, "account");
	csv_end(b);
}

/* Ends a row of account `part`; a megabyte of rows goes to the file. */
static void
csv_row_end(const rpt_ctx *c, size_t part, rpt_out *o)
{
	if (c->n_parts > 1)
		csv(&o->b, c->parts[part].key);
	csv_end(&o->b);
	rpt_out_tick(o);
}

static void
csv_prov(const rpt_ctx *c, wxf_buf *b, const wxf_prov *p)
{
	csv(b, wxf_status_name(p->status));
	csv(b, wxf_origin_name(p->origin));
	csv_int(b, p->confidence, 1);
	csv(b, p->file);
	csv(b, rpt_file_sha256(c, p->file));
	csv(b, p->image);
	csv(b, p->table);
	csv_int(b, p->rowid, p->rowid != INT64_MIN);
	csv_int(b, p->pgno, p->pgno != 0);
	csv_int(b, p->frame, p->frame != 0);
	csv_int(b, (int64_t)p->offset, 1);
	csv_int(b, p->length, 1);
	csv(b, p->range_sha256);
}

#define PROV_COLS "status", "origin", "confidence", "source_file", "source_sha256", "image", \
	"table", "rowid", "page", "frame", "offset", "length", "range_sha256"

static void
csv_messages(const rpt_ctx *c, rpt_out *o)
{
	wxf_buf *b = &o->b;
	static const char *const cols[] = { "id", "time", "time_utc", "conversation", "sender",
	    "sender_name", "direction", "kind", "raw_type", "server_id", "text", "text_source",
	    "recall_original", "duplicate_of", "payment_id", "witnesses", PROV_COLS, NULL };
	size_t i, part;
	char t[64], id[24];

	csv_header(c, b, cols);
	for (part = 0; part < c->n_parts; part++) {
		const wxf_model *m = c->parts[part].m;

		for (i = 0; i < m->n_msgs; i++) {
			const wxf_msg *g = m->msgs[i];

			wxf_fmt(id, sizeof(id), "m-%s", g->id);
			csv(b, id);
			rpt_time(c, g->time_ms, t, sizeof(t));
			csv(b, t);
			if (g->time_ms != WXF_TIME_UNKNOWN)
				wxf_time_fmt_utc(g->time_ms, t, sizeof(t));
			csv(b, t);
			csv(b, g->talker);
			csv(b, g->sender);
			csv(b, rpt_ident_name(m, g->sender));
			csv(b, wxf_dir_name(g->dir));
			csv(b, wxf_msg_kind_name(g->kind));
			csv_int(b, g->raw_type, g->raw_type != WXF_INT_UNKNOWN);
			csv(b, g->server_id);
			csv(b, g->body);
			if (g->body_witness > 0)
				wxf_fmt(t, sizeof(t), "witness %zu", g->body_witness);
			csv(b, g->body == NULL ? NULL : g->body_witness > 0 ? t : "record");
			csv(b, g->x->recall_original);
			csv(b, g->duplicate_of);
			csv(b, g->payment != NULL ? g->payment->id : NULL);
			csv_int(b, (int64_t)g->n_witnesses, 1);
			csv_prov(c, b, &g->prov);
			csv_row_end(c, part, o);
		}
	}
}

/* csv/fragments.csv: recovered fragments without text (not messages), with every witness. */
static void
csv_fragments(const rpt_ctx *c, rpt_out *o)
{
	wxf_buf *b = &o->b;
	static const char *const cols[] = { "id", "conversation", "time", "witness", "kind",
	    PROV_COLS, NULL };
	size_t i, k, part;
	char t[64], id[24];

	csv_header(c, b, cols);
	for (part = 0; part < c->n_parts; part++) {
		const wxf_model *m = c->parts[part].m;

		for (i = 0; i < m->n_fragments; i++) {
			const wxf_msg *g = m->fragments[i];

			wxf_fmt(id, sizeof(id), "m-%s", g->id);
			rpt_time(c, g->time_ms, t, sizeof(t));
			for (k = 0; k <= g->n_witnesses; k++) {
				csv(b, id);
				csv(b, g->talker);
				csv(b, t);
				csv_int(b, (int64_t)k, 1);
				csv(b, k == 0 ? "record" : wxf_wit_kind_name(g->witnesses[k - 1].kind));
				csv_prov(c, b, k == 0 ? &g->prov : &g->witnesses[k - 1].prov);
				csv_row_end(c, part, o);
			}
		}
	}
}

static const wxf_ledger_row *
ledger_row_of(const rpt_ctx *c, size_t part, const wxf_payment *p)
{
	const struct wxf_analysis *an = c->parts[part].an;
	size_t i;

	if (an == NULL)
		return NULL;
	for (i = 0; i < an->ledger.n_transfers; i++)
		if (an->ledger.transfers[i].pay == p)
			return &an->ledger.transfers[i];
	return NULL;
}

static void
csv_payments(const rpt_ctx *c, rpt_out *o)
{
	wxf_buf *b = &o->b;
	static const char *const cols[] = { "id", "kind", "time", "amount_fen", "amount",
	    "amount_text", "payer", "receiver", "final_state", "transfer_id", "transaction_id",
	    "memo", "ledger_direction", "ledger_bucket", "messages", PROV_COLS, NULL };
	size_t i, k, part;
	char t[64];

	csv_header(c, b, cols);
	for (part = 0; part < c->n_parts; part++) {
		const wxf_model *m = c->parts[part].m;

		for (i = 0; i < m->n_payments; i++) {
			const wxf_payment *p = m->payments[i];
			const wxf_ledger_row *lr = ledger_row_of(c, part, p);
			int64_t tm = p->begin_time_ms;
			wxf_buf ids;

			if (tm == WXF_TIME_UNKNOWN && p->n_events > 0)
				tm = p->events[0].time_ms;
			csv(b, p->id);
			csv(b, wxf_pay_kind_name(p->kind));
			rpt_time(c, tm, t, sizeof(t));
			csv(b, t);
			csv_int(b, p->amount.fen, p->amount.known);
			if (p->amount.known)
				wxf_report_fen(p->amount.fen, t, sizeof(t));
			csv(b, p->amount.known ? t : "");
			csv(b, p->amount.text);
			csv(b, p->payer);
			csv(b, p->receiver);
			csv(b, wxf_pay_state_name(p->final_state));
			csv(b, p->transfer_id);
			csv(b, p->transaction_id);
			csv(b, p->memo);
			csv(b, lr != NULL ? wxf_ledger_dir_name(lr->dir) : NULL);
			csv(b, lr != NULL ? wxf_ledger_bucket_name(lr->bucket) : NULL);
			wxf_buf_init(&ids);
			for (k = 0; k < p->n_msgs; k++)
				wxf_buf_printf(&ids, "%sm-%s", k ? " " : "", p->msg_ids[k]);
			csv(b, ids.p != NULL ? ids.p : "");
			wxf_buf_free(&ids);
			csv_prov(c, b, &p->prov);
			csv_row_end(c, part, o);
		}
	}
}

static void
csv_attr_rows(const rpt_ctx *c, size_t part, rpt_out *o, const wxf_identity *id,
    const char *field, const wxf_attrs *a)
{
	wxf_buf *b = &o->b;
	size_t i;
	char t[64];

	for (i = 0; i < a->n; i++) {
		csv(b, id->username);
		csv(b, wxf_id_kind_name(id->kind));
		csv(b, id->is_owner ? "yes" : "no");
		csv(b, field);
		csv(b, a->v[i].value);
		csv(b, a->v[i].source);
		rpt_time(c, a->v[i].time_ms, t, sizeof(t));
		csv(b, t);
		csv_prov(c, b, &a->v[i].prov);
		csv_row_end(c, part, o);
	}
}

static void
csv_contacts(const rpt_ctx *c, rpt_out *o)
{
	wxf_buf *b = &o->b;
	static const char *const cols[] = { "username", "kind", "owner", "field", "value",
	    "source_field", "observed", PROV_COLS, NULL };
	size_t i, part;

	csv_header(c, b, cols);
	for (part = 0; part < c->n_parts; part++) {
		const wxf_model *m = c->parts[part].m;

		for (i = 0; i < m->n_identities; i++) {
			const wxf_identity *id = m->identities[i];

			csv(b, id->username);
			csv(b, wxf_id_kind_name(id->kind));
			csv(b, id->is_owner ? "yes" : "no");
			csv(b, "username");
			csv(b, id->username);
			csv(b, NULL);
			csv(b, "unknown");
			csv_prov(c, b, &id->prov);
			csv_row_end(c, part, o);
			csv_attr_rows(c, part, o, id, "alias", &id->aliases);
			csv_attr_rows(c, part, o, id, "remark", &id->remarks);
			csv_attr_rows(c, part, o, id, "nickname", &id->nicknames);
			csv_attr_rows(c, part, o, id, "phone", &id->phones);
			csv_attr_rows(c, part, o, id, "real-name", &id->real_names);
			csv_attr_rows(c, part, o, id, "bank-card", &id->bank_cards);
			csv_attr_rows(c, part, o, id, "encrypt-username", &id->encrypt_usernames);
			csv_attr_rows(c, part, o, id, "other", &id->other);
		}
	}
}

/* One CSV file: byte-order mark (spreadsheets then read UTF-8), the rows, streamed. */
static int
csv_file(const rpt_ctx *c, struct wxf_log *log, const char *outdir, const char *rel,
    void (*rows)(const rpt_ctx *, rpt_out *), wxf_audit *audit, wxf_err *err)
{
	rpt_out o;

	if (rpt_out_open(&o, outdir, rel, log, err) == WXF_OK) {
		wxf_buf_puts(&o.b, "\xEF\xBB\xBF");
		rows(c, &o);
	}
	return rpt_out_close(&o, audit);
}

int
wxf_report_csv(const wxf_report_in *in, const char *outdir, wxf_audit *audit, wxf_err *err)
{
	rpt_ctx own, *c = rpt_ctx_use(&own, in);
	int rc;

	rc = csv_file(c, in->log, outdir, "csv/messages.csv", csv_messages, audit, err);
	if (rc == WXF_OK)
		rc = csv_file(c, in->log, outdir, "csv/payments.csv", csv_payments, audit, err);
	if (rc == WXF_OK)
		rc = csv_file(c, in->log, outdir, "csv/contacts.csv", csv_contacts, audit, err);
	if (rc == WXF_OK)
		rc = csv_file(c, in->log, outdir, "csv/fragments.csv", csv_fragments, audit, err);
	rpt_ctx_done(&own, c);
	return rc;
}
