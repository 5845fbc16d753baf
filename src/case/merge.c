/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `merge`: the seller across exhibits built from finished bundles, without reading evidence.
 * Each bundle is verified first (wxf_verify_bundle: manifest, audit chain, signature); a bundle
 * that does not verify stops the merge before anything is written.  Then each bundle's
 * timeline.xml is read as a stream (libxml2's xmlTextReader: no network, no DTD, no entity
 * expansion; only our namespace counts) and each <findings> is expanded on its own:
 *
 *   <owner username><identifiers>...                 the victim, or the seller (her own
 *                                                     account): the owner card
 *   <seller username><identifiers><identifier field value><source kind ref field time>
 *       <provenance .../>                             the seller card: wxid, alias, phone and
 *                                                     nickname values with every source
 *   <seller><group username room_owner="true">        a room the seller owns, its sources
 *   <ledger><transfer direction bucket amount_fen      the transfers with the seller
 *       transfer_id>
 *   <case><exhibit_label label root/>                 the exhibit an account belongs to
 *
 * Each account becomes an analysis with just those parts (wxf_merge_read), the analyses go to
 * wxf_xview_build as in `case`, and the report writes seller.html and seller.xml
 * (wxf_report_merge), recorded in the audit log and the manifest like every bundle.
 */
#include "config.h"
#include "case/case.h"
#include "case/merge.h"
#include "analysis/analysis.h"
#include "base/wxf_audit.h"
#include "base/wxf_buf.h"
#include "base/wxf_file.h"
#include "base/wxf_mem.h"
#include "base/wxf_time.h"
#include "report/report.h"

#include <libxml/xmlreader.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MG_MAX_VALUES 4096      /* identifier values per card, sources per value, rows */

typedef struct mg_acct {
	wxf_analysis an;
	wxf_an_person seller, owner;
	const char *account;         /* <findings account>, or NULL (a one-account bundle) */
	size_t cap[4], ocap[4];      /* capacities of the seller's and the owner's wxid, aliases,
	                                phones, nicknames */
	size_t cap_groups;
	wxf_ledger_row *rows;
	size_t n_rows, cap_rows;
} mg_acct;

struct wxf_merge_input {
	wxf_arena *ar;
	mg_acct *acct;
	size_t n_acct, cap_acct;
	const char **label_root, **label;  /* <exhibit_label>s */
	size_t n_labels, cap_labels;
	int failed;                        /* an allocation failed */
};

static const char *
sdup(wxf_merge_input *in, const xmlChar *s)
{
	char *r;

	if (s == NULL)
		return NULL;
	if ((r = wxf_arena_strndup(in->ar, (const char *)s, strlen((const char *)s))) == NULL)
		in->failed = 1;
	return r;
}

static int
is_el(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	    strcmp((const char *)n->ns->href, WXF_TIMELINE_NS) == 0 &&
	    strcmp((const char *)n->name, name) == 0;
}

/* The attribute's value copied to the arena, or NULL. */
static const char *
attr(wxf_merge_input *in, xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	const char *r = sdup(in, v);

	xmlFree(v);
	return r;
}

/* An integer attribute (decimal, optional sign); 0 when absent or malformed (*ok 0). */
static int64_t
attr_int(xmlNode *n, const char *name, int *ok)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	const char *p = (const char *)v;
	int neg = 0;
	uint64_t x = 0;

	*ok = 0;
	if (p != NULL) {
		if (*p == '-')
			neg = 1, p++;
		for (*ok = *p != '\0'; *p && *ok; p++) {
			if (*p < '0' || *p > '9' || x > (UINT64_C(9223372036854775807) - 9) / 10)
				*ok = 0;
			else
				x = x * 10 + (uint64_t)(*p - '0');
		}
	}
	xmlFree(v);
	return *ok ? (neg ? -(int64_t)x : (int64_t)x) : 0;
}

/* "YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)" as the writers print it: Unix ms, or
 * WXF_TIME_UNKNOWN ("unknown", absent, anything else). */
static int64_t
iso_ms(const char *s)
{
	int y, mo, d, h, mi, se, ms = 0, n = 0, oh = 0, om = 0, sign = 1;
	int64_t days;
	const char *p;

	if (s == NULL || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) != 6 ||
	    n != 19 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return WXF_TIME_UNKNOWN;
	p = s + n;
	if (*p == '.') {
		if (sscanf(p, ".%3d%n", &ms, &n) != 1 || n != 4)
			return WXF_TIME_UNKNOWN;
		p += n;
	}
	if (*p == 'Z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5 || oh > 23 || om > 59)
			return WXF_TIME_UNKNOWN;
		p += 1 + n;
	} else
		return WXF_TIME_UNKNOWN;
	if (*p != '\0')
		return WXF_TIME_UNKNOWN;
	/* days from the civil date (proleptic Gregorian; H. Hinnant's days_from_civil) */
	y -= mo <= 2;
	{
		int64_t era = (y >= 0 ? y : y - 399) / 400;
		int64_t yoe = y - era * 400;
		int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
		int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

		days = era * 146097 + doe - 719468;
	}
	return ((days * 86400 + h * 3600 + mi * 60 + se) - sign * (oh * 3600 + om * 60)) * 1000 + ms;
}

static int
name_index(const char *v, const char *(*name)(int), int n)
{
	int i;

	for (i = 0; v != NULL && i < n; i++)
		if (strcmp(name(i), v) == 0)
			return i;
	return -1;
}

static const char *origin_n(int i) { return wxf_origin_name((wxf_origin)i); }
static const char *status_n(int i) { return wxf_status_name((wxf_status)i); }
static const char *refkind_n(int i) { return wxf_an_ref_kind_name((wxf_an_ref_kind)i); }
static const char *bucket_n(int i) { return wxf_ledger_bucket_name((wxf_ledger_bucket)i); }
static const char *dir_n(int i) { return wxf_ledger_dir_name((wxf_ledger_dir)i); }

static void
read_prov(wxf_merge_input *in, xmlNode *n, wxf_prov *p)
{
	int ok, i;
	int64_t v;

	memset(p, 0, sizeof(*p));
	p->file = attr(in, n, "file");
	p->file_sha256 = attr(in, n, "file_sha256");
	p->image = attr(in, n, "image");
	p->table = attr(in, n, "table");
	v = attr_int(n, "rowid", &ok);
	p->rowid = ok ? v : INT64_MIN;
	v = attr_int(n, "page", &ok);
	p->pgno = ok && v > 0 && v <= UINT32_MAX ? (uint32_t)v : 0;
	v = attr_int(n, "frame", &ok);
	p->frame = ok && v > 0 && v <= UINT32_MAX ? (uint32_t)v : 0;
	v = attr_int(n, "offset", &ok);
	p->offset = ok && v >= 0 ? (uint64_t)v : 0;
	v = attr_int(n, "length", &ok);
	p->length = ok && v >= 0 && v <= UINT32_MAX ? (uint32_t)v : 0;
	p->range_sha256 = attr(in, n, "range_sha256");
	{
		const char *o = attr(in, n, "origin"), *s = attr(in, n, "status");

		i = name_index(o, origin_n, WXF_ORIGIN_N);
		p->origin = i >= 0 ? (wxf_origin)i : WXF_ORIGIN_LIVE;
		i = name_index(s, status_n, WXF_STATUS_N);
		p->status = i >= 0 ? (wxf_status)i : WXF_STATUS_INTACT;
	}
	v = attr_int(n, "confidence", &ok);
	p->confidence = ok && v >= 0 && v <= 100 ? (int)v : 0;
}

static void read_sources(wxf_merge_input *in, xmlNode *n, wxf_an_ref **refs, size_t *n_refs,
    int *live);

/* One <identifier> of a card (the seller's, or the owner's) into the attribute its field names
 * (others ignored); capv: that card's capacities. */
static void
read_identifier(wxf_merge_input *in, wxf_an_person *card, size_t *capv, xmlNode *n)
{
	const char *field = attr(in, n, "field"), *value = attr(in, n, "value");
	static const char *const fields[4] = { "wxid", "alias", "phone", "nickname" };
	wxf_an_attr *const attrs[4] = { &card->wxid, &card->aliases, &card->phones,
	    &card->nicknames };
	wxf_an_attr *at = NULL;
	wxf_an_value *v;
	size_t k;

	if (field == NULL || value == NULL)
		return;
	for (k = 0; k < 4 && at == NULL; k++)
		if (strcmp(field, fields[k]) == 0)
			at = attrs[k];
	if (at == NULL || at->n >= MG_MAX_VALUES)
		return;
	if (wxf_arena_grow(in->ar, (void **)&at->v, &capv[k - 1], at->n + 1, sizeof(*at->v)) !=
	    0) {
		in->failed = 1;
		return;
	}
	v = &at->v[at->n++];
	memset(v, 0, sizeof(*v));
	v->value = value;
	v->first_ms = v->last_ms = WXF_TIME_UNKNOWN;
	read_sources(in, n, &v->refs, &v->n_refs, &v->live);
}

/* The <source> children of n (each with its <provenance>) as evidence references. */
static void
read_sources(wxf_merge_input *in, xmlNode *n, wxf_an_ref **refs, size_t *n_refs, int *live)
{
	xmlNode *c, *pv;
	size_t cap = 0;

	for (c = n->children; c != NULL && *n_refs < MG_MAX_VALUES; c = c->next) {
		wxf_an_ref *r;
		int i;

		if (!is_el(c, "source"))
			continue;
		if (wxf_arena_grow(in->ar, (void **)refs, &cap, *n_refs + 1, sizeof(**refs)) != 0) {
			in->failed = 1;
			return;
		}
		r = &(*refs)[(*n_refs)++];
		memset(r, 0, sizeof(*r));
		i = name_index(attr(in, c, "kind"), refkind_n, WXF_REF_N);
		r->kind = i >= 0 ? (wxf_an_ref_kind)i : WXF_REF_IDENTITY;
		r->id = attr(in, c, "ref");
		if (r->id != NULL && r->kind == WXF_REF_MESSAGE && strncmp(r->id, "m-", 2) == 0)
			r->id += 2;
		r->field = attr(in, c, "field");
		{
			xmlChar *t = xmlGetNoNsProp(c, (const xmlChar *)"time");

			r->time_ms = iso_ms((const char *)t);
			xmlFree(t);
		}
		r->prov.rowid = INT64_MIN;
		for (pv = c->children; pv != NULL; pv = pv->next)
			if (is_el(pv, "provenance")) {
				read_prov(in, pv, &r->prov);
				break;
			}
		if (r->prov.origin == WXF_ORIGIN_LIVE)
			*live = 1;
	}
}

/* A <group room_owner="true"> of the seller card: a room the seller owns, with its sources. */
static void
read_group(wxf_merge_input *in, mg_acct *a, xmlNode *n)
{
	xmlChar *ro = xmlGetNoNsProp(n, (const xmlChar *)"room_owner");
	int owner = ro != NULL && strcmp((const char *)ro, "true") == 0, live = 0;
	wxf_an_group *g;

	xmlFree(ro);
	if (!owner || a->seller.n_groups >= MG_MAX_VALUES)
		return;
	if (wxf_arena_grow(in->ar, (void **)&a->seller.groups, &a->cap_groups,
	    a->seller.n_groups + 1, sizeof(*a->seller.groups)) != 0) {
		in->failed = 1;
		return;
	}
	g = &a->seller.groups[a->seller.n_groups];
	memset(g, 0, sizeof(*g));
	if ((g->username = attr(in, n, "username")) == NULL)
		return;
	g->name = attr(in, n, "name");
	g->person_is_room_owner = 1;
	read_sources(in, n, &g->person_refs, &g->n_person_refs, &live);
	a->seller.n_groups++;
}

/* The counted transfers of <ledger>. */
static void
read_ledger(wxf_merge_input *in, mg_acct *a, xmlNode *n)
{
	xmlNode *c;

	for (c = n->children; c != NULL && a->n_rows < MG_MAX_VALUES * 16; c = c->next) {
		wxf_ledger_row *r;
		int i, ok;

		if (!is_el(c, "transfer"))
			continue;
		if (wxf_arena_grow(in->ar, (void **)&a->rows, &a->cap_rows, a->n_rows + 1,
		    sizeof(*a->rows)) != 0) {
			in->failed = 1;
			return;
		}
		r = &a->rows[a->n_rows++];
		memset(r, 0, sizeof(*r));
		r->kind = WXF_PAY_TRANSFER;
		r->payment_id = attr(in, c, "payment");
		r->transfer_id = attr(in, c, "transfer_id");
		i = name_index(attr(in, c, "bucket"), bucket_n, WXF_LB_N);
		r->bucket = i >= 0 ? (wxf_ledger_bucket)i : WXF_LB_NONE;
		i = name_index(attr(in, c, "direction"), dir_n, WXF_LDIR_N);
		r->dir = i >= 0 ? (wxf_ledger_dir)i : WXF_LDIR_UNKNOWN;
		r->amount_fen = attr_int(c, "amount_fen", &ok);
		r->amount_known = ok && r->amount_fen >= 0;
		r->final_paysubtype = WXF_INT_UNKNOWN;
	}
}

/* A card element (<owner> or <seller>): its username, its identifiers into card (capacities
 * capv), and with a (the seller's card) the groups it owns.  0 when it names nobody. */
static int
read_card(wxf_merge_input *in, xmlNode *n, wxf_an_person *card, size_t *capv, mg_acct *a)
{
	xmlNode *k, *id;

	if ((card->username = attr(in, n, "username")) == NULL)
		return 0;
	for (k = n->children; k != NULL; k = k->next)
		if (is_el(k, "identifiers")) {
			for (id = k->children; id != NULL; id = id->next)
				if (is_el(id, "identifier"))
					read_identifier(in, card, capv, id);
		} else if (a != NULL && is_el(k, "group"))
			read_group(in, a, k);
	return 1;
}

static void
read_findings(wxf_merge_input *in, xmlNode *f)
{
	mg_acct *a;
	xmlNode *c;

	if (in->n_acct >= 65536)
		return;
	if (wxf_arena_grow(in->ar, (void **)&in->acct, &in->cap_acct, in->n_acct + 1,
	    sizeof(*in->acct)) != 0) {
		in->failed = 1;
		return;
	}
	a = &in->acct[in->n_acct++];
	memset(a, 0, sizeof(*a));
	a->account = attr(in, f, "account");
	for (c = f->children; c != NULL; c = c->next) {
		if (is_el(c, "owner") && a->an.owner == NULL) {
			if (read_card(in, c, &a->owner, a->ocap, NULL)) {
				a->an.owner_username = a->owner.username;
				a->an.owner = &a->owner;
			}
		} else if (is_el(c, "seller") && a->an.seller == NULL) {
			if (read_card(in, c, &a->seller, a->cap, a))
				a->an.seller = &a->seller;
		} else if (is_el(c, "ledger"))
			read_ledger(in, a, c);
	}
}

static int read_xml(wxf_merge_input **out, xmlTextReaderPtr rd, const char *name, wxf_err *err);

int
wxf_merge_read(wxf_merge_input **out, const char *xml, size_t n, const char *name, wxf_err *err)
{
	xmlTextReaderPtr rd;

	*out = NULL;
	if (n > INT32_MAX)
		return wxf_err_set(err, WXF_ECORRUPT, "%s: timeline.xml is larger than 2 GB", name);
	rd = xmlReaderForMemory(xml, (int)n, "timeline.xml", NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (rd == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "%s: out of memory", name);
	return read_xml(out, rd, name, err);
}

int
wxf_merge_read_fd(wxf_merge_input **out, int fd, const char *name, wxf_err *err)
{
	xmlTextReaderPtr rd;

	*out = NULL;
	rd = xmlReaderForFd(fd, "timeline.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	if (rd == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "%s: out of memory", name);
	return read_xml(out, rd, name, err);
}

/* The findings read from rd, as a stream (one <findings> expanded at a time); frees rd. */
static int
read_xml(wxf_merge_input **out, xmlTextReaderPtr rd, const char *name, wxf_err *err)
{
	wxf_merge_input *in;
	size_t i;
	int r;

	if ((in = calloc(1, sizeof(*in))) == NULL || (in->ar = wxf_arena_new()) == NULL) {
		free(in);
		xmlFreeTextReader(rd);
		return wxf_err_set(err, WXF_ENOMEM, "%s: out of memory", name);
	}
	r = xmlTextReaderRead(rd);
	while (r == 1 && !in->failed) {
		const xmlChar *ns = xmlTextReaderConstNamespaceUri(rd);
		const xmlChar *ln = xmlTextReaderConstLocalName(rd);

		if (xmlTextReaderNodeType(rd) == XML_READER_TYPE_ELEMENT && ns != NULL && ln != NULL &&
		    strcmp((const char *)ns, WXF_TIMELINE_NS) == 0) {
			if (strcmp((const char *)ln, "findings") == 0) {
				xmlNode *f = xmlTextReaderExpand(rd);

				if (f == NULL) {
					r = -1;
					break;
				}
				read_findings(in, f);
				r = xmlTextReaderNext(rd);
				continue;
			}
			if (strcmp((const char *)ln, "exhibit_label") == 0 && in->n_labels < 4096) {
				xmlNode *e = xmlTextReaderCurrentNode(rd);
				size_t c1 = in->cap_labels;

				if (e != NULL && wxf_arena_grow(in->ar, (void **)&in->label, &c1,
				    in->n_labels + 1, sizeof(*in->label)) == 0 &&
				    wxf_arena_grow(in->ar, (void **)&in->label_root, &in->cap_labels,
				    in->n_labels + 1, sizeof(*in->label_root)) == 0) {
					in->label[in->n_labels] = attr(in, e, "label");
					in->label_root[in->n_labels] = attr(in, e, "root");
					if (in->label[in->n_labels] != NULL &&
					    in->label_root[in->n_labels] != NULL)
						in->n_labels++;
				} else
					in->failed = 1;
			}
		}
		r = xmlTextReaderRead(rd);
	}
	xmlFreeTextReader(rd);
	if (in->failed || wxf_arena_failed(in->ar)) {
		wxf_merge_input_free(&in);
		return wxf_err_set(err, WXF_ENOMEM, "%s: out of memory", name);
	}
	if (r < 0) {
		wxf_merge_input_free(&in);
		return wxf_err_set(err, WXF_ECORRUPT, "%s: timeline.xml is not well-formed XML", name);
	}
	for (i = 0; i < in->n_acct; i++) {
		in->acct[i].an.ledger.transfers = in->acct[i].rows;
		in->acct[i].an.ledger.n_transfers = in->acct[i].n_rows;
	}
	*out = in;
	return WXF_OK;
}

void
wxf_merge_input_free(wxf_merge_input **in)
{
	if (in == NULL || *in == NULL)
		return;
	wxf_arena_free(&(*in)->ar);
	free(*in);
	*in = NULL;
}

size_t
wxf_merge_accounts(const wxf_merge_input *in)
{
	return in->n_acct;
}

const wxf_analysis *
wxf_merge_analysis(const wxf_merge_input *in, size_t i, const char **account,
    const char **exhibit)
{
	const mg_acct *a = &in->acct[i];
	size_t k, l;

	*account = a->account;
	*exhibit = NULL;
	/* the label of the evidence root the account lies in; a one-account bundle's only label */
	for (k = 0; k < in->n_labels && *exhibit == NULL; k++) {
		l = strlen(in->label_root[k]);
		if (a->account != NULL ? strncmp(a->account, in->label_root[k], l) == 0 &&
		    (a->account[l] == '/' || a->account[l] == '\0') : in->n_labels == 1)
			*exhibit = in->label[k];
	}
	return &a->an;
}

/* ------------------------------------------------------------------------------ the run */

typedef struct mg_bundle {
	const char *path;
	char manifest[65];
	wxf_merge_input *in;
} mg_bundle;

int
wxf_merge_run(char *const *bundles, size_t n, const wxf_merge_opts *o, wxf_merge_summary *s,
    wxf_err *err)
{
	mg_bundle *bd = NULL;
	wxf_merge_bundle *rb = NULL;
	wxf_report_part *parts = NULL;
	const wxf_analysis **ans = NULL;
	char **keys = NULL;
	wxf_xview *xv = NULL;
	wxf_audit audit;
	wxf_report_meta meta;
	wxf_report_in rin;
	wxf_buf b;
	size_t i, k, na = 0, np = 0;
	int rc = WXF_OK, audit_open = 0, sde = 0;
	char *ap;

	memset(s, 0, sizeof(*s));
	memset(&audit, 0, sizeof(audit));
	if (o->out == NULL)
		return wxf_err_set(err, WXF_EUSAGE, "-o OUTDIR is required");
	if (n == 0)
		return wxf_err_set(err, WXF_EUSAGE, "no bundle given");
	if (!wxf_dir_empty_or_absent(o->out))
		return wxf_err_set(err, WXF_EUSAGE, "%s exists and is not an empty directory; choose "
		    "a new output directory", o->out);
	bd = wxf_xcalloc(n, sizeof(*bd));
	/* every bundle verified and read before anything is written */
	for (i = 0; i < n && rc == WXF_OK; i++) {
		wxf_verify_result vr;
		wxf_err e;
		int fd;

		bd[i].path = bundles[i];
		memset(&vr, 0, sizeof(vr));
		wxf_err_clear(&e);
		wxf_log_progress(o->log, "verifying", (uint64_t)i, (uint64_t)n, "bundles");
		rc = wxf_verify_bundle(bundles[i], NULL, &vr, &e);
		if (rc != WXF_OK) {
			const char *why = vr.n_changed ? vr.changed[0] : vr.n_missing ? vr.missing[0] :
			    vr.n_extra ? vr.extra[0] : vr.n_evidence ? vr.evidence[0] :
			    !vr.audit_ok ? vr.audit_msg : vr.signature < 0 ? vr.sig_msg :
			    vr.incomplete[0] ? vr.incomplete : e.msg;

			rc = wxf_err_set(err, rc == WXF_ENOMEM ? WXF_ENOMEM : WXF_EVERIFY, "%s does not "
			    "verify (%s); nothing merged", bundles[i], why);
			s->failed = wxf_xstrdup(bundles[i]);
		} else
			snprintf(bd[i].manifest, sizeof(bd[i].manifest), "%s", vr.manifest_sha256);
		wxf_verify_result_free(&vr);
		if (rc != WXF_OK)
			break;
		/* read as a stream: a large case's timeline.xml is gigabytes; the bundle is hostile
		 * input (no link followed, no FIFO waited on) */
		ap = wxf_path_join(bundles[i], "timeline.xml");
		if ((fd = wxf_open_ro(ap, NULL, err)) < 0)
			rc = wxf_err_wrap(err, WXF_EIO, "%s: no readable timeline.xml", bundles[i]);
		else {
			rc = wxf_merge_read_fd(&bd[i].in, fd, bundles[i], err);
			close(fd);
		}
		free(ap);
		if (rc == WXF_OK)
			na += wxf_merge_accounts(bd[i].in);
	}
	wxf_log_progress_end(o->log);
	if (rc != WXF_OK)
		goto out;
	/* the accounts in bundle order, each named by its bundle */
	parts = wxf_xcalloc(na + 1, sizeof(*parts));
	ans = wxf_xcalloc(na + 1, sizeof(*ans));
	keys = wxf_xcalloc(na + 1, sizeof(*keys));
	rb = wxf_xcalloc(n, sizeof(*rb));
	for (i = 0; i < n; i++) {
		rb[i].name = bd[i].path;
		rb[i].manifest_sha256 = bd[i].manifest;
		rb[i].n_accounts = wxf_merge_accounts(bd[i].in);
		for (k = 0; k < rb[i].n_accounts; k++, np++) {
			const char *acct, *ex;

			ans[np] = wxf_merge_analysis(bd[i].in, k, &acct, &ex);
			keys[np] = acct != NULL ? wxf_xasprintf("%s: %s", bd[i].path, acct) :
			    wxf_xstrdup(bd[i].path);
			parts[np].an = ans[np];
			parts[np].key = keys[np];
			parts[np].label = keys[np];
			parts[np].exhibit = ex != NULL ? ex : bd[i].path;
		}
	}
	rc = wxf_xview_build(ans, np, &xv, err);
	if (rc != WXF_OK)
		goto out;
	if ((rc = wxf_mkdir_p(o->out, err)) != WXF_OK)
		goto out;
	ap = wxf_path_join(o->out, "audit.jsonl");
	rc = wxf_audit_open(&audit, ap, o->tool, err);
	free(ap);
	if (rc != WXF_OK)
		goto out;
	audit_open = 1;
	wxf_buf_init(&b);
	wxf_buf_json_kstr(&b, "command", o->cmdline);
	wxf_audit_add(&audit, "merge-start", b.p, NULL);
	for (i = 0; i < n; i++) {
		wxf_buf_reset(&b);
		wxf_buf_json_kstr(&b, "bundle", bd[i].path);
		wxf_buf_json_kstr(&b, "manifest_sha256", bd[i].manifest);
		wxf_buf_printf(&b, ",\"accounts\":%zu", rb[i].n_accounts);
		wxf_audit_add(&audit, "bundle-verified", b.p, NULL);
	}
	wxf_buf_reset(&b);
	wxf_buf_printf(&b, "\"accounts\":%zu,\"sellers\":%zu", np, xv->n_sellers);
	wxf_audit_add(&audit, "seller-across-exhibits", b.p, NULL);
	memset(&meta, 0, sizeof(meta));
	meta.tool_version = o->tool_version;
	meta.git_id = o->git_id;
	meta.cmdline = o->cmdline;
	meta.tz = o->tz;
	meta.generated_ms = wxf_time_now_ms(&sde);
	meta.generated_from_sde = sde;
	memset(&rin, 0, sizeof(rin));
	rin.meta = &meta;
	rin.parts = parts;
	rin.n_parts = np;
	rin.xview = xv;
	rin.log = o->log;
	rc = wxf_report_merge(&rin, rb, n, o->out, &audit, err);
	if (rc == WXF_OK)
		rc = wxf_manifest_write(o->out, &audit, s->manifest_sha256, err);
	if (rc == WXF_OK) {
		wxf_buf_reset(&b);
		wxf_buf_printf(&b, "\"output\":\"manifest.sha256\",\"manifest_sha256\":\"%s\"",
		    s->manifest_sha256);
		wxf_audit_add(&audit, "manifest", b.p, NULL);
	} else
		wxf_audit_kv(&audit, "error", "message", err->msg);
	wxf_buf_free(&b);
	s->n_bundles = n;
	s->n_accounts = np;
	s->n_sellers = xv->n_sellers;
	for (k = 0; k < xv->n_sellers; k++) {
		s->n_linked += xv->sellers[k].n_parts;
		if (!xv->sellers[k].total.overflow)
			s->net_fen += xv->sellers[k].total.net_fen;
		if (xv->sellers[k].total.crpl_applicable)
			s->crpl55_fen += xv->sellers[k].total.crpl55_fen;
	}
out:
	if (audit_open) {
		wxf_err ce;

		wxf_err_clear(&ce);
		if (wxf_audit_close(&audit, &ce) != WXF_OK && rc == WXF_OK) {
			*err = ce;
			rc = WXF_EIO;
		}
	}
	wxf_xview_free(&xv);
	for (i = 0; keys != NULL && i < np; i++)
		free(keys[i]);
	free(keys);
	free(ans);
	free(parts);
	free(rb);
	for (i = 0; bd != NULL && i < n; i++)
		wxf_merge_input_free(&bd[i].in);
	free(bd);
	return rc;
}

void
wxf_merge_summary_free(wxf_merge_summary *s)
{
	free(s->failed);
	s->failed = NULL;
}
