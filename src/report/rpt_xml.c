/* SPDX-License-Identifier: Apache-2.0 */
/*
 * timeline.xml: DFXML-style header (metadata, creator with version/git id/command line, sources
 * with hashes) and every event in time order, in the namespace WXF_TIMELINE_NS, valid against
 * data/timeline.xsd.  Documented in wxforensic-timeline(5).  Element order is fixed by the XSD.
 */
#include "config.h"
#include "rpt_int.h"

#include <stdlib.h>
#include <string.h>

static void
x_text(wxf_buf *b, const char *s)
{
	if (s != NULL)
		wxf_buf_xml_text(b, s, strlen(s));
}

static void
x_elem(wxf_buf *b, const char *indent, const char *name, const char *value)
{
	if (value == NULL)
		return;
	wxf_buf_printf(b, "%s<%s>", indent, name);
	x_text(b, value);
	wxf_buf_printf(b, "</%s>\n", name);
}

static void
x_attr(wxf_buf *b, const char *name, const char *value)
{
	if (value == NULL)
		return;
	wxf_buf_printf(b, " %s=\"", name);
	x_text(b, value);
	wxf_buf_putc(b, '"');
}

static void
x_time_attrs(const rpt_ctx *c, int64_t ms, wxf_buf *b)
{
	char t[64];

	rpt_time(c, ms, t, sizeof(t));
	wxf_buf_printf(b, " time=\"%s\"", t);
	if (ms != WXF_TIME_UNKNOWN) {
		wxf_time_fmt_utc(ms, t, sizeof(t));
		wxf_buf_printf(b, " utc=\"%s\" ms=\"%lld\"", t, (long long)ms);
	}
}

static void
x_prov(const rpt_ctx *c, const wxf_prov *p, wxf_buf *b, const char *indent)
{
	wxf_buf_printf(b, "%s<provenance", indent);
	rpt_prov_xml_attrs(c, p, b);
	wxf_buf_puts(b, "/>\n");
}

static void
x_hashes(wxf_buf *b, const wxf_hashes *h, const char *when)
{
	wxf_buf_printf(b, "      <hashdigest type=\"md5\" when=\"%s\">%s</hashdigest>\n", when, h->md5);
	wxf_buf_printf(b, "      <hashdigest type=\"sha1\" when=\"%s\">%s</hashdigest>\n", when,
	    h->sha1);
	wxf_buf_printf(b, "      <hashdigest type=\"sha256\" when=\"%s\">%s</hashdigest>\n", when,
	    h->sha256);
}

static void
x_header(const rpt_ctx *c, wxf_buf *b)
{
	const wxf_report_in *in = c->in;
	const wxf_report_meta *mt = in->meta;
	char t[64];
	size_t i, k;

	wxf_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	wxf_buf_puts(b, "<timeline xmlns=\"" WXF_TIMELINE_NS "\" version=\"1\">\n");
	wxf_buf_puts(b, "  <metadata>\n");
	x_elem(b, "    ", "case_number", mt->case_number);
	x_elem(b, "    ", "exhibit", mt->exhibit);
	x_elem(b, "    ", "examiner", mt->examiner);
	x_elem(b, "    ", "organisation", mt->organisation);
	wxf_buf_puts(b, "    <time_zone display=\"");
	x_text(b, wxf_tz_name(mt->tz));
	wxf_buf_puts(b, "\" storage=\"Unix epoch milliseconds, UTC (WeChat createTime)\"/>\n");
	wxf_buf_puts(b, "  </metadata>\n  <creator>\n    <program>wxforensic</program>\n");
	x_elem(b, "    ", "version", mt->tool_version);
	x_elem(b, "    ", "git_id", mt->git_id);
	wxf_buf_puts(b, "    <execution_environment>\n");
	x_elem(b, "      ", "os", mt->os);
	x_elem(b, "      ", "command_line", mt->cmdline);
	rpt_time(c, mt->generated_ms, t, sizeof(t));
	wxf_buf_printf(b, "      <generated_at source=\"%s\">%s</generated_at>\n",
	    mt->generated_from_sde ? "SOURCE_DATE_EPOCH" : "clock", t);
	wxf_buf_puts(b, "    </execution_environment>\n  </creator>\n  <source>\n");
	for (i = 0; in->inv != NULL && i < in->inv->n_items; i++) {
		const wxf_item *it = &in->inv->items[i];

		wxf_buf_printf(b, "    <evidence id=\"ev-%zu\"", i + 1);
		x_attr(b, "path", it->path);
		x_attr(b, "member", it->member);
		wxf_buf_printf(b, " kind=\"%s\" size=\"%llu\" changed=\"%s\">\n", wxf_kind_name(it->kind),
		    (unsigned long long)it->size, it->changed ? "true" : "false");
		x_hashes(b, &it->before, "before");
		if (it->have_after)
			x_hashes(b, &it->after, "after");
		wxf_buf_puts(b, "    </evidence>\n");
	}
	for (k = 0; k < c->n_parts; k++) {
		const wxf_model *m = c->parts[k].m;

		for (i = 0; i < m->n_sources; i++) {
			const wxf_source *d = &m->sources[i];

			if (d->stmt == NULL || d->image == NULL)
				continue;
			wxf_buf_puts(b, "    <image");
			x_attr(b, "path", d->image);
			x_attr(b, "of", d->path);
			if (d->stmt->db.sha256_out != NULL && d->stmt->db.sha256_out[0])
				wxf_buf_printf(b, " sha256=\"%s\"", d->stmt->db.sha256_out);
			if (d->stmt->keyed && d->stmt->profile != NULL)
				x_attr(b, "profile", d->stmt->profile);
			x_attr(b, "account", c->parts[k].key);
			wxf_buf_puts(b, "/>\n");
		}
	}
	wxf_buf_puts(b, "  </source>\n");
}

static void
x_attrs(const rpt_ctx *c, wxf_buf *b, const char *field, const wxf_attrs *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		wxf_buf_printf(b, "      <attribute field=\"%s\"", field);
		x_attr(b, "value", a->v[i].value);
		x_attr(b, "source", a->v[i].source);
		if (a->v[i].time_ms != WXF_TIME_UNKNOWN) {
			char t[64];

			rpt_time(c, a->v[i].time_ms, t, sizeof(t));
			wxf_buf_printf(b, " time=\"%s\"", t);
		}
		wxf_buf_puts(b, ">\n");
		x_prov(c, &a->v[i].prov, b, "        ");
		wxf_buf_puts(b, "      </attribute>\n");
	}
}

static void
x_identities(const rpt_ctx *c, const rpt_part *part, wxf_buf *b)
{
	const wxf_model *m = part->m;
	size_t i;

	wxf_buf_printf(b, "  <identities count=\"%zu\"", m->n_identities);
	x_attr(b, "account", part->key);
	wxf_buf_puts(b, ">\n");
	for (i = 0; i < m->n_identities; i++) {
		const wxf_identity *id = m->identities[i];

		wxf_buf_puts(b, "    <identity");
		x_attr(b, "username", id->username);
		wxf_buf_printf(b, " kind=\"%s\" owner=\"%s\" in_contacts=\"%s\">\n",
		    wxf_id_kind_name(id->kind), id->is_owner ? "true" : "false",
		    id->in_contacts ? "true" : "false");
		wxf_buf_puts(b, "      ");
		x_prov(c, &id->prov, b, "");
		x_attrs(c, b, "alias", &id->aliases);
		x_attrs(c, b, "remark", &id->remarks);
		x_attrs(c, b, "nickname", &id->nicknames);
		x_attrs(c, b, "phone", &id->phones);
		x_attrs(c, b, "real-name", &id->real_names);
		x_attrs(c, b, "bank-card", &id->bank_cards);
		x_attrs(c, b, "encrypt-username", &id->encrypt_usernames);
		x_attrs(c, b, "other", &id->other);
		wxf_buf_puts(b, "    </identity>\n");
	}
	wxf_buf_puts(b, "  </identities>\n");
}

static void
x_message(const rpt_ctx *c, const wxf_msg *g, wxf_buf *b)
{
	size_t i;

	x_elem(b, "      ", "conversation", g->talker);
	x_elem(b, "      ", "sender", g->sender);
	wxf_buf_printf(b, "      <direction>%s</direction>\n      <kind>%s</kind>\n",
	    wxf_dir_name(g->dir), wxf_msg_kind_name(g->kind));
	if (g->raw_type != WXF_INT_UNKNOWN)
		wxf_buf_printf(b, "      <raw_type>%lld</raw_type>\n", (long long)g->raw_type);
	if (g->server_id != NULL)
		x_elem(b, "      ", "server_id", g->server_id);
	if (g->body != NULL) {
		wxf_buf_puts(b, "      <text");
		if (g->body_witness > 0)
			wxf_buf_printf(b, " witness=\"%zu\"", g->body_witness);
		if (g->body_placeholder)
			wxf_buf_puts(b, " placeholder=\"true\"");
		wxf_buf_puts(b, ">");
		x_text(b, g->body);
		wxf_buf_puts(b, "</text>\n");
	}
	if (g->is_recall || g->recall_original != NULL) {
		wxf_buf_puts(b, "      <recall");
		x_attr(b, "target_server_id", g->recall_target_svrid);
		x_attr(b, "original_message", g->recall_original_msg);
		if (g->recall_witness > 0)
			wxf_buf_printf(b, " witness=\"%zu\"", g->recall_witness);
		wxf_buf_puts(b, ">");
		x_text(b, g->recall_original);
		wxf_buf_puts(b, "</recall>\n");
	}
	if (g->duplicate_of != NULL)
		wxf_buf_printf(b, "      <duplicate_of>m-%s</duplicate_of>\n", g->duplicate_of);
	if (g->payment != NULL)
		wxf_buf_printf(b, "      <payment_ref>%s</payment_ref>\n", g->payment->id);
	for (i = 0; i < g->n_media; i++) {
		const wxf_media *md = &g->media[i];

		wxf_buf_puts(b, "      <media");
		x_attr(b, "role", md->role);
		wxf_buf_printf(b, " state=\"%s\"", wxf_media_state_name(md->state));
		x_attr(b, "expected", md->expected);
		x_attr(b, "path", md->path);
		if (md->sha256[0])
			wxf_buf_printf(b, " sha256=\"%s\"", md->sha256);
		if (md->size >= 0)
			wxf_buf_printf(b, " size=\"%lld\"", (long long)md->size);
		wxf_buf_puts(b, "/>\n");
	}
}

static void
x_payment(const rpt_ctx *c, const rpt_event *e, wxf_buf *b)
{
	const wxf_payment *p = e->pay;

	wxf_buf_printf(b, "      <payment id=\"%s\" kind=\"%s\"", p->id, wxf_pay_kind_name(p->kind));
	if (p->amount.known)
		wxf_buf_printf(b, " amount_fen=\"%lld\"", (long long)p->amount.fen);
	x_attr(b, "amount_text", p->amount.text);
	x_attr(b, "payer", p->payer);
	x_attr(b, "receiver", p->receiver);
	x_attr(b, "transfer_id", p->transfer_id);
	wxf_buf_printf(b, " final_state=\"%s\"", wxf_pay_state_name(p->final_state));
	if (e->type == RPT_EV_PAYMENT) {
		const wxf_pay_event *pe = &p->events[e->k];

		wxf_buf_printf(b, " state=\"%s\"", wxf_pay_state_name(pe->state));
		if (pe->paysubtype != WXF_INT_UNKNOWN)
			wxf_buf_printf(b, " paysubtype=\"%lld\"", (long long)pe->paysubtype);
		if (pe->msg_id != NULL)
			wxf_buf_printf(b, " message=\"m-%s\"", pe->msg_id);
	} else {
		const wxf_hb_claim *cl = &p->claims[e->k];

		x_attr(b, "claimer", cl->claimer);
		if (cl->amount.known)
			wxf_buf_printf(b, " claim_fen=\"%lld\"", (long long)cl->amount.fen);
		if (cl->msg_id != NULL)
			wxf_buf_printf(b, " message=\"m-%s\"", cl->msg_id);
	}
	wxf_buf_puts(b, "/>\n");
}

static void
x_witnesses(const rpt_ctx *c, const wxf_msg *g, wxf_buf *b)
{
	size_t i;

	for (i = 0; i < g->n_witnesses; i++) {
		const wxf_witness *w = &g->witnesses[i];

		wxf_buf_printf(b, "      <witness n=\"%zu\" kind=\"%s\">\n", i + 1,
		    wxf_wit_kind_name(w->kind));
		x_elem(b, "        ", "text", w->text);
		x_prov(c, &w->prov, b, "        ");
		wxf_buf_puts(b, "      </witness>\n");
	}
}

/* The fragments without text of every account, by page. */
static void
x_fragments(const rpt_ctx *c, wxf_buf *b)
{
	size_t i, k, n = 0;

	for (k = 0; k < c->n_parts; k++)
		n += c->parts[k].m->n_fragments;
	if (n == 0)
		return;
	wxf_buf_printf(b, "  <fragments count=\"%zu\">\n", n);
	for (k = 0; k < c->n_parts; k++)
		for (i = 0; i < c->parts[k].m->n_fragments; i++) {
			const wxf_msg *g = c->parts[k].m->fragments[i];

			wxf_buf_printf(b, "    <fragment id=\"m-%s\"", g->id);
			x_time_attrs(c, g->time_ms, b);
			x_attr(b, "account", c->parts[k].key);
			wxf_buf_puts(b, ">\n");
			x_elem(b, "      ", "conversation", g->talker);
			x_prov(c, &g->prov, b, "      ");
			x_witnesses(c, g, b);
			wxf_buf_puts(b, "    </fragment>\n");
		}
	wxf_buf_puts(b, "  </fragments>\n");
}

void rpt_xml_build(const rpt_ctx *c, wxf_buf *b);

void
rpt_xml_build(const rpt_ctx *c, wxf_buf *b)
{
	size_t i;
	wxf_buf s;

	x_header(c, b);
	if (c->in->m != NULL || c->in->parts != NULL)
		for (i = 0; i < c->n_parts; i++)
			x_identities(c, &c->parts[i], b);
	wxf_buf_init(&s);
	wxf_buf_printf(b, "  <events count=\"%zu\">\n", c->n_ev);
	for (i = 0; i < c->n_ev; i++) {
		const rpt_event *e = &c->ev[i];

		wxf_buf_printf(b, "    <event id=\"%s\" type=\"%s\"", e->id, rpt_ev_type_name(e->type));
		x_time_attrs(c, e->time_ms, b);
		x_attr(b, "account", c->parts[e->part].key);
		wxf_buf_puts(b, ">\n");
		wxf_buf_reset(&s);
		rpt_event_summary(c, e, &s);
		x_elem(b, "      ", "summary", s.p);
		switch (e->type) {
		case RPT_EV_MESSAGE:
			x_message(c, e->msg, b);
			break;
		case RPT_EV_PAYMENT:
		case RPT_EV_CLAIM:
			x_payment(c, e, b);
			break;
		case RPT_EV_CONTACT:
			wxf_buf_puts(b, "      <contact");
			x_attr(b, "username", e->ident->username);
			x_attr(b, "field", e->attr_field);
			x_attr(b, "value", e->attr->value);
			x_attr(b, "source", e->attr->source);
			wxf_buf_puts(b, "/>\n");
			break;
		case RPT_EV_CONV_DELETED:
			x_elem(b, "      ", "conversation", e->conv->talker);
			break;
		default:
			break;
		}
		x_prov(c, e->prov, b, "      ");
		if (e->type == RPT_EV_MESSAGE)
			x_witnesses(c, e->msg, b);
		wxf_buf_puts(b, "    </event>\n");
	}
	wxf_buf_puts(b, "  </events>\n");
	x_fragments(c, b);
	wxf_buf_puts(b, "</timeline>\n");
	wxf_buf_free(&s);
}

int
wxf_report_xml(const wxf_report_in *in, const char *outdir, wxf_audit *audit, wxf_err *err)
{
	rpt_ctx c;
	wxf_buf b;
	int rc;

	rpt_ctx_init(&c, in);
	wxf_buf_init(&b);
	rpt_xml_build(&c, &b);
	rc = rpt_write(outdir, "timeline.xml", &b, audit, err);
	wxf_buf_free(&b);
	rpt_ctx_free(&c);
	return rc;
}
