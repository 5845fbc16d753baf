/* SPDX-License-Identifier: Apache-2.0 */
/*
 * timeline.xml: a DFXML 2.0 document (root <dfxml version="2.0.0">, valid against the DFXML
 * schema) whose DFXML part says who made it and from what: metadata, creator (program,
 * version, build and execution environment, command line), source (the evidence roots), one
 * <fileobject> per evidence file (filename, filesize, libmagic, the three hashes taken before
 * processing).  Everything else is in our own namespace WXF_TIMELINE_NS, valid against
 * data/timeline.xsd: the case facts, the hashes after processing, the decrypted images, the
 * identities, every event in time order, the fragments, and the findings of each account
 * (seller with every identifier and its sources, the ledger with each payment and its totals
 * in fen, the CRPL art. 55 inputs and result, the indicator hits per message, anomalies,
 * notes) and the limitations.  Our elements sit where DFXML allows foreign ones: inside
 * <metadata>, at the end of a <fileobject>, and after the last <fileobject>.  Documented in
 * wxforensic-timeline(5).  Element order is fixed by the two schemas.
 */
#include "config.h"
#include "rpt_int.h"
#include "analysis/analysis.h"
#include "base/wxf_mem.h"

#include <stdlib.h>
#include <string.h>

/* Our blocks declare our namespace as their default one: their children are ours. */
#define NSD " xmlns=\"" WXF_TIMELINE_NS "\""

/* Where the buffer being built is o's (o not NULL), it goes to o's file a megabyte at a time:
 * called after each element of a list that grows with the evidence. */
static void
x_tick(rpt_out *o)
{
	if (o != NULL)
		rpt_out_tick(o);
}

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
x_hashes(wxf_buf *b, const wxf_hashes *h, const char *indent, const char *when)
{
	static const char *const type[] = { "md5", "sha1", "sha256" };
	const char *v[3];
	size_t i;

	v[0] = h->md5;
	v[1] = h->sha1;
	v[2] = h->sha256;
	for (i = 0; i < 3; i++) {
		wxf_buf_printf(b, "%s<hashdigest type=\"%s\"", indent, type[i]);
		if (when != NULL)
			wxf_buf_printf(b, " when=\"%s\"", when);
		wxf_buf_printf(b, ">%s</hashdigest>\n", v[i]);
	}
}

/* The n-th space-separated word of s (meta->os is "sysname release machine"), or NULL. */
static char *
word(const char *s, int n)
{
	const char *p = s, *e;

	if (s == NULL)
		return NULL;
	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return NULL;
		e = strchr(p, ' ');
		if (e == NULL)
			e = p + strlen(p);
		if (n-- == 0)
			return wxf_xstrndup(p, (size_t)(e - p));
		p = e;
	}
}

static void
x_header(const rpt_ctx *c, wxf_buf *b)
{
	const wxf_report_in *in = c->in;
	const wxf_report_meta *mt = in->meta;
	static const char *const os_el[] = { "os_sysname", "os_release", "arch" };
	char t[64];
	size_t i, k;

	wxf_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	wxf_buf_puts(b, "<dfxml xmlns=\"" WXF_DFXML_NS "\" xmlns:dc=\"http://purl.org/dc/elements/"
	    "1.1/\" xmlns:wx=\"" WXF_TIMELINE_NS "\" version=\"2.0.0\">\n");
	wxf_buf_puts(b, "  <metadata>\n    <dc:type>WeChat evidence timeline and findings</dc:type>\n"
	    "    <case" NSD ">\n");
	x_elem(b, "      ", "case_number", mt->case_number);
	x_elem(b, "      ", "exhibit", mt->exhibit);
	x_elem(b, "      ", "examiner", mt->examiner);
	x_elem(b, "      ", "organisation", mt->organisation);
	for (i = 0; in->inv != NULL && in->root_labels != NULL && i < in->inv->n_roots; i++)
		if (in->root_labels[i] != NULL) {
			wxf_buf_puts(b, "      <exhibit_label");
			x_attr(b, "label", in->root_labels[i]);
			x_attr(b, "root", in->inv->roots[i].name);
			wxf_buf_puts(b, "/>\n");
		}
	wxf_buf_puts(b, "      <time_zone display=\"");
	x_text(b, wxf_tz_name(mt->tz));
	wxf_buf_puts(b, "\" storage=\"Unix epoch milliseconds, UTC (WeChat createTime)\"/>\n");
	rpt_time(c, mt->generated_ms, t, sizeof(t));
	wxf_buf_printf(b, "      <generated_at source=\"%s\">%s</generated_at>\n",
	    mt->generated_from_sde ? "SOURCE_DATE_EPOCH" : "clock", t);
	wxf_buf_puts(b, "    </case>\n  </metadata>\n");
	wxf_buf_puts(b, "  <creator");
	x_attr(b, "wx:git_id", mt->git_id);
	wxf_buf_puts(b, ">\n    <program>wxforensic</program>\n");
	x_elem(b, "    ", "version", mt->tool_version);
	wxf_buf_puts(b, "    <build_environment>\n");
#ifdef __VERSION__
	x_elem(b, "      ", "compiler", __VERSION__);
#endif
	wxf_buf_puts(b, "    </build_environment>\n    <execution_environment>\n");
	for (i = 0; i < 3; i++) {
		char *w = word(mt->os, (int)i);

		x_elem(b, "      ", os_el[i], w);
		free(w);
	}
	x_elem(b, "      ", "command_line", mt->cmdline);
	wxf_buf_puts(b, "    </execution_environment>\n  </creator>\n  <source>\n");
	for (i = 0; in->inv != NULL && i < in->inv->n_roots; i++)
		x_elem(b, "    ", "image_filename", in->inv->roots[i].name);
	wxf_buf_puts(b, "  </source>\n");
	for (i = 0; in->inv != NULL && i < in->inv->n_items; i++) {
		const wxf_item *it = &in->inv->items[i];

		wxf_buf_puts(b, "  <fileobject>\n");
		x_elem(b, "    ", "filename", it->path);
		wxf_buf_printf(b, "    <id>%zu</id>\n    <filesize>%llu</filesize>\n", i + 1,
		    (unsigned long long)it->size);
		x_elem(b, "    ", "libmagic", it->magic);
		x_hashes(b, &it->before, "    ", NULL);
		wxf_buf_printf(b, "    <evidence" NSD " id=\"ev-%zu\"", i + 1);
		x_attr(b, "member", it->member);
		wxf_buf_printf(b, " kind=\"%s\" changed=\"%s\">\n", wxf_kind_name(it->kind),
		    it->changed ? "true" : "false");
		if (it->have_after)
			x_hashes(b, &it->after, "      ", "after");
		wxf_buf_puts(b, "    </evidence>\n  </fileobject>\n");
	}
	wxf_buf_puts(b, "  <images" NSD ">\n");
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
	wxf_buf_puts(b, "  </images>\n");
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

	wxf_buf_printf(b, "  <identities" NSD " count=\"%zu\"", m->n_identities);
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
	if (g->is_recall || g->x->recall_original != NULL) {
		wxf_buf_puts(b, "      <recall");
		x_attr(b, "target_server_id", g->x->recall_target_svrid);
		x_attr(b, "original_message", g->x->recall_original_msg);
		if (g->x->recall_witness > 0)
			wxf_buf_printf(b, " witness=\"%zu\"", g->x->recall_witness);
		wxf_buf_puts(b, ">");
		x_text(b, g->x->recall_original);
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
		x_attr(b, "derived_from", md->derived_from);
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

/* The fragments without text of every account, by page (o: the file b streams to, or NULL). */
static void
x_fragments(const rpt_ctx *c, wxf_buf *b, rpt_out *o)
{
	size_t i, k, n = 0;

	for (k = 0; k < c->n_parts; k++)
		n += c->parts[k].m->n_fragments;
	if (n == 0)
		return;
	wxf_buf_printf(b, "  <fragments" NSD " count=\"%zu\">\n", n);
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
			x_tick(o);
		}
	wxf_buf_puts(b, "  </fragments>\n");
}

/* ------------------------------------------------------------------------------ findings */

static void
x_fen(wxf_buf *b, const char *name, int64_t fen)
{
	wxf_buf_printf(b, " %s=\"%lld\"", name, (long long)fen);
}

/* The transfer totals of a ledger as attributes: the sums, then (x_transfer_counts) the counts
 * and the end of the element; <totals> of <ledger> and of the seller across exhibits share
 * them. */
static void
x_transfer_fens(wxf_buf *b, const wxf_ledger_totals *t)
{
	x_fen(b, "paid_fen", t->paid_fen);
	x_fen(b, "refunded_fen", t->refunded_fen);
	x_fen(b, "expired_fen", t->expired_fen);
	x_fen(b, "pending_fen", t->pending_fen);
	x_fen(b, "received_fen", t->received_fen);
	x_fen(b, "net_fen", t->net_fen);
}

static void
x_transfer_counts(wxf_buf *b, const wxf_ledger_totals *t)
{
	wxf_buf_printf(b, " n_paid=\"%lld\" n_refunded=\"%lld\" n_expired=\"%lld\" n_pending=\"%lld\""
	    " n_received=\"%lld\" n_unknown_amount=\"%lld\"/>\n", (long long)t->n_paid,
	    (long long)t->n_refunded, (long long)t->n_expired, (long long)t->n_pending,
	    (long long)t->n_received, (long long)t->n_unknown_amount);
}

/* CRPL art. 55: inputs, formula, result; no figure unless applicable. */
static void
x_crpl55(wxf_buf *b, const char *indent, const wxf_ledger_totals *t)
{
	wxf_buf_printf(b, "%s<crpl55 applicable=\"%s\" law=\"Consumer Rights Protection Law of the "
	    "PRC (2013) art. 55\" formula=\"max(%d * max(net_fen, 0), %lld)\"", indent,
	    t->crpl_applicable ? "true" : "false", WXF_CRPL55_MULTIPLIER,
	    (long long)WXF_CRPL55_FLOOR_FEN);
	if (t->crpl_applicable) {
		x_fen(b, "net_fen", t->net_fen);
		x_fen(b, "base_fen", t->crpl_base_fen);
		wxf_buf_printf(b, " multiplier=\"%d\"", WXF_CRPL55_MULTIPLIER);
		x_fen(b, "triple_fen", t->crpl_triple_fen);
		x_fen(b, "floor_fen", t->crpl_floor_fen);
		wxf_buf_printf(b, " floor_applied=\"%s\"", t->crpl_floor_applied ? "true" : "false");
		x_fen(b, "result_fen", t->crpl55_fen);
	}
	wxf_buf_puts(b, "/>\n");
}

/* A cited provenance (file or image): one that names no bytes is left out. */
static void
x_prov_cited(const rpt_ctx *c, const wxf_prov *p, wxf_buf *b, const char *indent)
{
	if (p->file != NULL || p->image != NULL)
		x_prov(c, p, b, indent);
}

static void
x_ref(const rpt_ctx *c, const rpt_part *part, const wxf_an_ref *r, wxf_buf *b)
{
	wxf_buf_printf(b, "          <source kind=\"%s\"", wxf_an_ref_kind_name(r->kind));
	if (r->kind == WXF_REF_MESSAGE && r->id != NULL)
		wxf_buf_printf(b, " ref=\"m-%s\"", r->id);
	else if (r->kind == WXF_REF_PAYMENT && r->id != NULL)
		wxf_buf_printf(b, " ref=\"p-%s%s\"", part->tag, r->id);
	else
		x_attr(b, "ref", r->id);
	x_attr(b, "field", r->field);
	if (r->time_ms != WXF_TIME_UNKNOWN) {
		char t[64];

		rpt_time(c, r->time_ms, t, sizeof(t));
		wxf_buf_printf(b, " time=\"%s\"", t);
	}
	if (r->prov.file == NULL && r->prov.image == NULL) {
		wxf_buf_puts(b, "/>\n");
		return;
	}
	wxf_buf_puts(b, ">\n");
	x_prov(c, &r->prov, b, "            ");
	wxf_buf_puts(b, "          </source>\n");
}

/* Every distinct value of one identifier with every record that shows it. */
static void
x_identifier(const rpt_ctx *c, const rpt_part *part, const char *field, const wxf_an_attr *a,
    wxf_buf *b)
{
	size_t i, k;

	for (i = 0; i < a->n; i++) {
		const wxf_an_value *v = &a->v[i];
		char t[64];

		wxf_buf_printf(b, "        <identifier field=\"%s\"", field);
		x_attr(b, "value", v->value);
		if (v->first_ms != WXF_TIME_UNKNOWN) {
			rpt_time(c, v->first_ms, t, sizeof(t));
			wxf_buf_printf(b, " first=\"%s\"", t);
			rpt_time(c, v->last_ms, t, sizeof(t));
			wxf_buf_printf(b, " last=\"%s\"", t);
		}
		wxf_buf_printf(b, " live=\"%s\" sources=\"%zu\">\n", v->live ? "true" : "false",
		    v->n_refs);
		for (k = 0; k < v->n_refs; k++)
			x_ref(c, part, &v->refs[k], b);
		wxf_buf_puts(b, "        </identifier>\n");
	}
}

static void
x_person(const rpt_ctx *c, const rpt_part *part, const char *el, const wxf_an_person *p,
    const char *extra_attrs, wxf_buf *b)
{
	char t[64];
	size_t i, k;

	wxf_buf_printf(b, "    <%s", el);
	x_attr(b, "username", p->username);
	if (extra_attrs != NULL)
		wxf_buf_puts(b, extra_attrs);
	wxf_buf_printf(b, " in_contacts=\"%s\">\n", p->in_contacts ? "true" : "false");
	wxf_buf_puts(b, "      <identifiers>\n");
	x_identifier(c, part, "wxid", &p->wxid, b);
	x_identifier(c, part, "alias", &p->aliases, b);
	x_identifier(c, part, "nickname", &p->nicknames, b);
	x_identifier(c, part, "remark", &p->remarks, b);
	x_identifier(c, part, "phone", &p->phones, b);
	x_identifier(c, part, "real-name", &p->real_names, b);
	x_identifier(c, part, "bank-card", &p->bank_cards, b);
	x_identifier(c, part, "encrypt-username", &p->encrypt_usernames, b);
	x_identifier(c, part, "other", &p->other, b);
	wxf_buf_puts(b, "      </identifiers>\n");
	wxf_buf_puts(b, "      <contact");
	if (p->first_ms != WXF_TIME_UNKNOWN) {
		rpt_time(c, p->first_ms, t, sizeof(t));
		wxf_buf_printf(b, " first=\"%s\"", t);
		rpt_time(c, p->last_ms, t, sizeof(t));
		wxf_buf_printf(b, " last=\"%s\"", t);
	}
	if (p->first_msg_id != NULL)
		wxf_buf_printf(b, " first_message=\"m-%s\"", p->first_msg_id);
	if (p->last_msg_id != NULL)
		wxf_buf_printf(b, " last_message=\"m-%s\"", p->last_msg_id);
	wxf_buf_printf(b, " messages_from=\"%lld\" messages_to=\"%lld\" messages_in_groups=\"%lld\""
	    " messages_recovered=\"%lld\"/>\n", (long long)p->msgs_from, (long long)p->msgs_to,
	    (long long)p->msgs_group_from, (long long)p->msgs_recovered);
	for (i = 0; i < p->n_groups; i++) {
		const wxf_an_group *g = &p->groups[i];

		wxf_buf_puts(b, "      <group");
		x_attr(b, "username", g->username);
		x_attr(b, "name", g->name);
		wxf_buf_printf(b, " room_owner=\"%s\" messages=\"%lld\">\n",
		    g->person_is_room_owner ? "true" : "false", (long long)g->person_msgs);
		for (k = 0; k < g->n_person_refs; k++)
			x_ref(c, part, &g->person_refs[k], b);
		wxf_buf_puts(b, "      </group>\n");
	}
	wxf_buf_printf(b, "    </%s>\n", el);
}

static void
x_ledger_row(const rpt_ctx *c, const rpt_part *part, const char *el, const wxf_ledger_row *r,
    wxf_buf *b)
{
	char t[64];

	wxf_buf_printf(b, "      <%s payment=\"p-%s%s\" kind=\"%s\"", el, part->tag, r->payment_id,
	    wxf_pay_kind_name(r->kind));
	rpt_time(c, r->time_ms, t, sizeof(t));
	wxf_buf_printf(b, " time=\"%s\"", t);
	if (r->amount_known)
		x_fen(b, "amount_fen", r->amount_fen);
	x_attr(b, "amount_text", r->amount_text);
	wxf_buf_printf(b, " direction=\"%s\"", wxf_ledger_dir_name(r->dir));
	x_attr(b, "direction_from", r->dir_src);
	wxf_buf_printf(b, " state=\"%s\"", wxf_pay_state_name(r->final_state));
	if (r->final_paysubtype != WXF_INT_UNKNOWN)
		wxf_buf_printf(b, " paysubtype=\"%lld\"", (long long)r->final_paysubtype);
	wxf_buf_printf(b, " bucket=\"%s\"", wxf_ledger_bucket_name(r->bucket));
	wxf_buf_printf(b, " counted=\"%s\"", r->bucket == WXF_LB_PAID ||
	    r->bucket == WXF_LB_RECEIVED ? "true" : "false");
	x_attr(b, "transfer_id", r->transfer_id);
	x_attr(b, "transaction_id", r->transaction_id);
	x_attr(b, "memo", r->memo);
	wxf_buf_printf(b, " origin=\"%s\"", wxf_ledger_origin_name(r->origin));
	if (r->witness_disagrees)
		wxf_buf_puts(b, " witness_disagrees=\"true\"");
	if (r->amount_conflict)
		wxf_buf_puts(b, " amount_conflict=\"true\"");
	if (r->owner_claimed_known)
		x_fen(b, "owner_claimed_fen", r->owner_claimed_fen);
	if (r->mentions_seller)
		wxf_buf_puts(b, " mentions_seller=\"true\"");
	if (r->pay == NULL || (r->pay->prov.file == NULL && r->pay->prov.image == NULL)) {
		wxf_buf_puts(b, "/>\n");
		return;
	}
	wxf_buf_puts(b, ">\n");
	x_prov(c, &r->pay->prov, b, "        ");
	wxf_buf_printf(b, "      </%s>\n", el);
}

static void
x_ledger(const rpt_ctx *c, const rpt_part *part, const wxf_ledger *l, wxf_buf *b,
    rpt_out *o)
{
	const wxf_ledger_totals *t = &l->totals;
	size_t i;

	wxf_buf_printf(b, "    <ledger currency=\"CNY\" unit=\"fen\" overflow=\"%s\">\n",
	    t->overflow ? "true" : "false");
	for (i = 0; wxf_ledger_defs[i].name != NULL; i++) {
		wxf_buf_printf(b, "      <definition name=\"%s\"", wxf_ledger_defs[i].name);
		x_attr(b, "zh", wxf_ledger_defs[i].zh);
		wxf_buf_puts(b, ">");
		x_text(b, wxf_ledger_defs[i].text);
		wxf_buf_puts(b, "</definition>\n");
	}
	for (i = 0; i < l->n_transfers; i++) {
		x_ledger_row(c, part, "transfer", &l->transfers[i], b);
		x_tick(o);
	}
	for (i = 0; i < l->n_red_packets; i++) {
		x_ledger_row(c, part, "red_packet", &l->red_packets[i], b);
		x_tick(o);
	}
	for (i = 0; i < l->n_aa; i++) {
		x_ledger_row(c, part, "aa", &l->aa[i], b);
		x_tick(o);
	}
	for (i = 0; i < l->n_receipts; i++) {
		x_ledger_row(c, part, "receipt", &l->receipts[i], b);
		x_tick(o);
	}
	wxf_buf_puts(b, "      <totals");
	if (!t->overflow) {
		x_transfer_fens(b, t);
		x_fen(b, "hb_from_seller_fen", t->hb_from_seller_fen);
		x_fen(b, "hb_to_seller_fen", t->hb_to_seller_fen);
		x_fen(b, "aa_fen", t->aa_fen);
		x_fen(b, "receipts_fen", t->receipts_fen);
	}
	x_transfer_counts(b, t);
	wxf_buf_puts(b, "    </ledger>\n");
	x_crpl55(b, "    ", t);
}

/* Indicator hits, one <message> per message with its hits (the analysis orders hits by
 * message, so a message's hits are adjacent). */
static void
x_hits(const rpt_ctx *c, const wxf_analysis *an, wxf_buf *b, rpt_out *o)
{
	size_t i, k, n_msgs = 0;
	char t[64];

	for (i = 0; i < an->n_hits; i++)
		if (i == 0 || strcmp(an->hits[i].msg_id, an->hits[i - 1].msg_id) != 0)
			n_msgs++;
	wxf_buf_printf(b, "    <indicator_hits phrases=\"%zu\" hits=\"%zu\" messages=\"%zu\">\n",
	    an->indicators != NULL ? wxf_indicators_count(an->indicators) : 0, an->n_hits, n_msgs);
	for (i = 0; i < an->n_hits; i = k) {
		const wxf_indicator_hit *h0 = &an->hits[i];

		wxf_buf_printf(b, "      <message ref=\"m-%s\"", h0->msg_id);
		rpt_time(c, h0->time_ms, t, sizeof(t));
		wxf_buf_printf(b, " time=\"%s\"", t);
		x_attr(b, "conversation", h0->talker);
		wxf_buf_puts(b, ">\n");
		for (k = i; k < an->n_hits && strcmp(an->hits[k].msg_id, h0->msg_id) == 0; k++) {
			const wxf_indicator_hit *h = &an->hits[k];

			wxf_buf_puts(b, "        <hit");
			x_attr(b, "phrase", h->phrase);
			x_attr(b, "category", h->category);
			x_attr(b, "field", h->field);
			wxf_buf_printf(b, " offset=\"%zu\" length=\"%zu\">", h->offset, h->length);
			x_text(b, h->snippet);
			wxf_buf_puts(b, "</hit>\n");
		}
		x_prov_cited(c, &h0->prov, b, "        ");
		wxf_buf_puts(b, "      </message>\n");
		x_tick(o);
	}
	wxf_buf_puts(b, "    </indicator_hits>\n");
}

static void
x_findings(const rpt_ctx *c, const rpt_part *part, wxf_buf *b, rpt_out *o)
{
	const wxf_model *m = part->m;
	const wxf_analysis *an = part->an;
	size_t i;

	wxf_buf_puts(b, "  <findings" NSD);
	x_attr(b, "account", part->key);
	wxf_buf_printf(b, " analysed=\"%s\">\n", an != NULL ? "true" : "false");
	if (an != NULL) {
		if (an->owner != NULL)
			x_person(c, part, "owner", an->owner, NULL, b);
		if (an->seller != NULL) {
			wxf_buf s;

			wxf_buf_init(&s);
			wxf_buf_printf(&s, " designation=\"%s\" in_evidence=\"%s\"",
			    an->seller_source == WXF_SELLER_GIVEN ? "examiner" : "proposed",
			    an->seller_in_model ? "true" : "false");
			if (an->seller_source == WXF_SELLER_RANKED)
				wxf_buf_puts(&s, " basis=\"first of the ranking: amount accepted from the "
				    "owner, then messages, then transfers\"");
			else
				wxf_buf_puts(&s, " basis=\"named by the examiner (--seller)\"");
			x_person(c, part, "seller", an->seller, s.p, b);
			wxf_buf_free(&s);
		}
		wxf_buf_printf(b, "    <ranking count=\"%zu\">\n", an->n_ranking);
		for (i = 0; i < an->n_ranking; i++) {
			const wxf_an_rank *r = &an->ranking[i];

			wxf_buf_printf(b, "      <candidate rank=\"%zu\"", i + 1);
			x_attr(b, "username", r->username);
			x_attr(b, "display", r->display);
			x_fen(b, "paid_fen", r->paid_fen);
			wxf_buf_printf(b, " n_paid=\"%lld\" n_transfers=\"%lld\" messages_from=\"%lld\""
			    " messages_to=\"%lld\"/>\n", (long long)r->n_paid, (long long)r->n_transfers,
			    (long long)r->msgs_from, (long long)r->msgs_to);
			x_tick(o);
		}
		wxf_buf_puts(b, "    </ranking>\n");
		x_ledger(c, part, &an->ledger, b, o);
		x_hits(c, an, b, o);
		wxf_buf_printf(b, "    <glossary count=\"%zu\">\n", an->n_glossary);
		for (i = 0; i < an->n_glossary; i++) {
			const wxf_gloss_entry *g = &an->glossary[i];
			char t[64];

			wxf_buf_puts(b, "      <term");
			x_attr(b, "term", g->term);
			x_attr(b, "zh", g->zh);
			wxf_buf_printf(b, " messages=\"%zu\"", g->n_msgs);
			if (g->first_msg_id != NULL)
				wxf_buf_printf(b, " first_message=\"m-%s\"", g->first_msg_id);
			rpt_time(c, g->first_ms, t, sizeof(t));
			wxf_buf_printf(b, " first=\"%s\">", t);
			x_text(b, g->en);
			wxf_buf_puts(b, "</term>\n");
			x_tick(o);
		}
		wxf_buf_puts(b, "    </glossary>\n");
	}
	wxf_buf_printf(b, "    <anomalies count=\"%zu\">\n", m->n_anomalies);
	for (i = 0; i < m->n_anomalies; i++) {
		const wxf_anomaly *a = &m->anomalies[i];

		wxf_buf_printf(b, "      <anomaly severity=\"%s\"", a->sev >= WXF_SEV_FAILED ?
		    "failed" : "warning");
		x_attr(b, "code", a->code);
		if (a->msg_id != NULL)
			wxf_buf_printf(b, " message=\"m-%s\"", a->msg_id);
		if (a->payment_id != NULL)
			wxf_buf_printf(b, " payment=\"p-%s%s\"", part->tag, a->payment_id);
		x_attr(b, "file", a->where.file);
		if (a->where.file != NULL || a->where.image != NULL)
			wxf_buf_printf(b, " offset=\"%llu\"", (unsigned long long)a->where.offset);
		wxf_buf_puts(b, ">");
		x_text(b, a->message);
		wxf_buf_puts(b, "</anomaly>\n");
		x_tick(o);
	}
	wxf_buf_puts(b, "    </anomalies>\n");
	if (an != NULL && an->n_notes > 0) {
		wxf_buf_puts(b, "    <notes>\n");
		for (i = 0; i < an->n_notes; i++)
			x_elem(b, "      ", "note", an->notes[i]);
		wxf_buf_puts(b, "    </notes>\n");
	}
	wxf_buf_puts(b, "  </findings>\n");
}

/* ------------------------------------------------------------------ seller across exhibits */

static void
x_xs_totals(wxf_buf *b, const char *indent, const char *name, const wxf_ledger_totals *t)
{
	wxf_buf_printf(b, "%s<%s overflow=\"%s\"", indent, name, t->overflow ? "true" : "false");
	if (!t->overflow)
		x_transfer_fens(b, t);
	x_transfer_counts(b, t);
}

/* One identifier and, per account whose seller card holds it, its first source. */
static void
x_xs_id(const rpt_ctx *c, wxf_buf *b, const char *elem, const wxf_xid *id)
{
	size_t k;

	wxf_buf_printf(b, "      <%s kind=\"%s\"", elem, id->kind);
	x_attr(b, "value", id->value);
	wxf_buf_printf(b, " link=\"%s\" linking=\"%s\">\n", wxf_xlink_name(id->link),
	    id->n_parts > 1 && id->link != WXF_XL_NAME_ONLY && id->link != WXF_XL_MASKED ?
	    "true" : "false");
	for (k = 0; k < id->n_parts; k++) {
		const wxf_an_value *v = id->vals[k];

		wxf_buf_puts(b, "        <seen");
		x_attr(b, "account", c->parts[id->parts[k]].key);
		wxf_buf_printf(b, " sources=\"%zu\"", v != NULL ? v->n_refs : (size_t)0);
		if (v == NULL || v->n_refs == 0) {
			wxf_buf_puts(b, "/>\n");
			continue;
		}
		x_attr(b, "field", v->refs[0].field);
		x_time_attrs(c, v->refs[0].time_ms, b);
		wxf_buf_puts(b, ">\n");
		x_prov(c, &v->refs[0].prov, b, "          ");
		wxf_buf_puts(b, "        </seen>\n");
	}
	wxf_buf_printf(b, "      </%s>\n", elem);
}

/* <seller_across_exhibits>: the sellers linked across the accounts (wxf_xview), their
 * identifiers with the first source in each account, each victim's totals and CRPL figure, the
 * seller's total; the nicknames shared by sellers that stay apart. */
static void
x_xseller(const rpt_ctx *c, wxf_buf *b)
{
	const wxf_xview *v = c->in->xview;
	size_t i, k, j;

	if (v == NULL)
		return;
	wxf_buf_printf(b, "  <seller_across_exhibits" NSD " sellers=\"%zu\">\n", v->n_sellers);
	for (i = 0; i < v->n_sellers; i++) {
		const wxf_xseller *s = &v->sellers[i];

		wxf_buf_printf(b, "    <seller n=\"%zu\" accounts=\"%zu\">\n", i + 1, s->n_parts);
		for (k = 0; k < s->n_parts; k++) {
			const rpt_part *rp = &c->parts[s->parts[k]];

			wxf_buf_puts(b, "      <account");
			x_attr(b, "key", rp->key);
			x_attr(b, "label", rp->label);
			if (s->parts[k] < c->in->n_parts)
				x_attr(b, "exhibit", c->in->parts[s->parts[k]].exhibit);
			if (s->own[k]) {
				wxf_buf_puts(b, " role=\"seller-own\"");
				x_attr(b, "owner", rp->an != NULL ? rp->an->owner_username : NULL);
			} else {
				wxf_buf_puts(b, " role=\"buyer\"");
				if (rp->an != NULL && rp->an->seller != NULL)
					x_attr(b, "seller", rp->an->seller->username);
			}
			wxf_buf_puts(b, "/>\n");
		}
		for (k = 0; k < s->n_ids; k++)
			x_xs_id(c, b, "identifier", &s->ids[k]);
		for (k = 0; k < s->n_victims; k++) {
			const wxf_xvictim *vi = &s->victims[k];

			wxf_buf_puts(b, "      <victim");
			x_attr(b, "owner", vi->owner);
			wxf_buf_printf(b, " transfers=\"%lld\" repeated=\"%lld\" disagree=\"%lld\">\n",
			    (long long)vi->n_transfers, (long long)vi->n_repeated,
			    (long long)vi->n_disagree);
			for (j = 0; j < vi->n_parts; j++) {
				wxf_buf_puts(b, "        <account");
				x_attr(b, "key", c->parts[vi->parts[j]].key);
				wxf_buf_puts(b, "/>\n");
			}
			x_xs_totals(b, "        ", "totals", &vi->totals);
			x_crpl55(b, "        ", &vi->totals);
			wxf_buf_puts(b, "      </victim>\n");
		}
		x_xs_totals(b, "      ", "total", &s->total);
		wxf_buf_printf(b, "      <crpl55_total applicable=\"%s\"",
		    s->total.crpl_applicable ? "true" : "false");
		if (s->total.crpl_applicable)
			x_fen(b, "sum_fen", s->total.crpl55_fen);
		wxf_buf_puts(b, " rule=\"the sum of the victims' own figures\"/>\n");
		wxf_buf_puts(b, "    </seller>\n");
	}
	for (k = 0; k < v->n_name_only; k++)
		x_xs_id(c, b, "name_only", &v->name_only[k]);
	wxf_buf_puts(b, "  </seller_across_exhibits>\n");
}

/* `merge`'s seller.xml: the bundles it read, then <seller_across_exhibits> over their
 * accounts (the element of timeline.xml, data/timeline.xsd's <merge>). */
int
rpt_merge_xml(const wxf_report_in *in, const wxf_merge_bundle *bd, size_t nb,
    const char *outdir, wxf_audit *audit, wxf_err *err)
{
	rpt_ctx c;
	rpt_out o;
	wxf_buf *b;
	size_t i;
	int rc;

	rpt_ctx_init(&c, in);
	if (rpt_out_open(&o, outdir, "seller.xml", in->log, err) == WXF_OK) {
		b = &o.b;
		wxf_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<merge" NSD
		    " version=\"1\">\n");
		x_elem(b, "  ", "generator", in->meta->tool_version);
		for (i = 0; i < nb; i++) {
			wxf_buf_printf(b, "  <bundle n=\"%zu\"", i + 1);
			x_attr(b, "name", bd[i].name);
			wxf_buf_printf(b, " manifest_sha256=\"%s\" accounts=\"%zu\" verified=\"true\"/>\n",
			    bd[i].manifest_sha256, bd[i].n_accounts);
		}
		x_xseller(&c, b);
		wxf_buf_puts(b, "</merge>\n");
	}
	rc = rpt_out_close(&o, audit);
	rpt_ctx_free(&c);
	return rc;
}

/* The findings of every account, then the limitations of the run. */
static void
x_findings_all(const rpt_ctx *c, wxf_buf *b, rpt_out *o)
{
	size_t i;

	for (i = 0; i < c->n_parts; i++)
		x_findings(c, &c->parts[i], b, o);
	x_xseller(c, b);
	wxf_buf_puts(b, "  <limitations" NSD ">\n");
	x_elem(b, "    ", "limitation", "Only the listed evidence was examined; cloud data, other "
	    "devices and other apps were not.");
	x_elem(b, "    ", "limitation", "Media files were located and hashed; their content was not "
	    "interpreted.");
	x_elem(b, "    ", "limitation", c->in->carving ? "Deleted-record recovery used free space, "
	    "free pages and old WAL frames; overwritten records cannot be recovered; confidence is "
	    "the tool's score for the attribution." : "Deleted-record recovery was not run.");
	for (i = 0; i < c->in->n_limitations; i++)
		x_elem(b, "    ", "limitation", c->in->limitations[i]);
	wxf_buf_puts(b, "  </limitations>\n");
}

/* The examiner's selection (case --tags): the tag file's copy and hash, then one <tag> per
 * tag in timeline order, naming the event it tags; the note is the element's text. */
static void
x_tags(const rpt_ctx *c, wxf_buf *b, rpt_out *o)
{
	const wxf_report_tags *t = c->in->tags;
	size_t i;

	if (t == NULL || t->n == 0)
		return;
	wxf_buf_printf(b, "  <tags" NSD " count=\"%zu\"", c->n_tagged);
	x_attr(b, "file", t->file);
	x_attr(b, "sha256", t->sha256[0] ? t->sha256 : NULL);
	wxf_buf_puts(b, ">\n");
	for (i = 0; i < c->n_tagged; i++) {
		const rpt_tagref *r = &c->tagged[i];
		char idb[RPT_EV_ID_MAX];

		wxf_buf_puts(b, "    <tag");
		x_attr(b, "ref", rpt_ev_id(&c->ev[r->ev], idb));
		x_attr(b, "type", rpt_ev_type_name(c->ev[r->ev].type));
		x_attr(b, "tag", r->t->tag);
		x_attr(b, "examiner", r->t->examiner);
		wxf_buf_puts(b, ">");
		x_text(b, r->t->note);
		wxf_buf_puts(b, "</tag>\n");
		x_tick(o);
	}
	wxf_buf_puts(b, "  </tags>\n");
}

/* timeline.xml into b; where b is o's buffer (o not NULL) it goes to o's file a megabyte at a
 * time, so memory does not grow with the events. */
static void
rpt_xml_build(const rpt_ctx *c, wxf_buf *b, rpt_out *o)
{
	size_t i;
	wxf_buf s;

	x_header(c, b);
	if (c->in->m != NULL || c->in->parts != NULL)
		for (i = 0; i < c->n_parts; i++)
			x_identities(c, &c->parts[i], b);
	wxf_buf_init(&s);
	wxf_buf_printf(b, "  <events" NSD " count=\"%zu\">\n", c->n_ev);
	for (i = 0; i < c->n_ev; i++) {
		const rpt_event *e = &c->ev[i];
		char idb[RPT_EV_ID_MAX];

		wxf_buf_printf(b, "    <event id=\"%s\" type=\"%s\"", rpt_ev_id(e, idb),
		    rpt_ev_type_name(e->type));
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
			x_attr(b, "username", e->ct->ident->username);
			x_attr(b, "field", e->ct->field);
			x_attr(b, "value", e->ct->attr->value);
			x_attr(b, "source", e->ct->attr->source);
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
		x_tick(o);
	}
	wxf_buf_puts(b, "  </events>\n");
	x_fragments(c, b, o);
	x_tags(c, b, o);
	x_findings_all(c, b, o);
	wxf_buf_puts(b, "</dfxml>\n");
	wxf_buf_free(&s);
}

int
wxf_report_xml(const wxf_report_in *in, const char *outdir, wxf_audit *audit, wxf_err *err)
{
	rpt_ctx own, *c = rpt_ctx_use(&own, in);
	rpt_out o;

	if (rpt_out_open(&o, outdir, "timeline.xml", in->log, err) == WXF_OK)
		rpt_xml_build(c, &o.b, &o);
	rpt_ctx_done(&own, c);
	return rpt_out_close(&o, audit);
}
