/* SPDX-License-Identifier: Apache-2.0 */
/*
 * case.jsonld: the bundle's facts in CASE/UCO 1.4 (Cyber-investigation Analysis Standard
 * Expression / Unified Cyber Ontology) as JSON-LD, for tools that read CASE:
 *
 *   case-investigation:InvestigativeAction  "wxforensic case": tool (uco-tool:Tool with version),
 *                                   command line, start and end, the evidence files as its
 *                                   objects, the accounts, messages and payments as its results
 *   case-investigation:Investigation the case number; ProvenanceRecord: the exhibit number
 *   uco-observable:File             one per evidence file (and file of an unpacked container):
 *                                   name, size, MD5/SHA-1/SHA-256 (uco-types:Hash)
 *   uco-observable:ApplicationAccount one per identity of every account: wxid
 *                                   (accountIdentifier), 微信号 (accountLogin), nicknames
 *                                   (displayName), phones (PhoneAccountFacet)
 *   uco-observable:Message          every message and every payment (UCO has no payment class:
 *                                   messageType "WeChatTransfer" ... and our wxf:PaymentFacet);
 *                                   a recovered one with RecoveredObjectFacet
 *   uco-core:Relationship           Contained_Within from each message and payment to its
 *                                   evidence file, with a DataRangeFacet (offset, length) and
 *                                   the cited range's SHA-256; Sold_To from the seller's account
 *                                   to the owner's, with wxf:SellerFacet (designation, basis,
 *                                   totals in fen, the CRPL art. 55 figure)
 *
 * Every node has an IRI ending in a UUIDv5 made from stable content (the record's bundle id and
 * account), so the same input gives the same file.  The context is inline: reading the file
 * needs no network.  Terms of our own are in the namespace WXF_CASE_EXT_NS ("wxf:").
 */
#include "config.h"
#include "rpt_int.h"
#include "analysis/analysis.h"
#include "base/wxf_hash.h"
#include "base/wxf_fmt.h"

#include <stdlib.h>
#include <string.h>

#define WXF_CASE_EXT_NS "urn:wxforensic:case-ext:1#"

/* The UUIDv5 namespace of wxforensic's CASE identifiers (a fixed random UUID). */
static const uint8_t uuid_ns[16] = {
	0xd2, 0x6d, 0x80, 0xe1, 0xef, 0xa3, 0x40, 0xe7,
	0xad, 0x15, 0x86, 0x31, 0x28, 0xdb, 0xf7, 0x0f
};

typedef struct cctx {
	const rpt_ctx *c;
	wxf_buf *b;
	rpt_out *o;          /* the file b streams to, or NULL */
	int first;           /* no node written yet in the graph */
} cctx;

/* RFC 4122 §4.3 name-based UUID (SHA-1): "kb:<kind>-<uuid>" for the name parts joined by LF. */
static void
node_id(char out[80], const char *kind, const char *a, const char *b, const char *c3)
{
	const char *part[4] = { kind, a, b, c3 };
	uint8_t small[512], d[20], *name = small;
	size_t len[4], n = sizeof(uuid_ns), i, k = 0, o = 0;
	char u[37];
	static const int dash[] = { 4, 6, 8, 10 };
	static const char hexd[] = "0123456789abcdef";

	for (i = 0; i < 4; i++) {
		len[i] = part[i] != NULL ? strlen(part[i]) : 0;
		n += part[i] != NULL ? len[i] + (i > 0) : 0;
	}
	if (n > sizeof(small))
		name = wxf_xmalloc(n);  /* the report layer stops on no memory (src/README.md) */
	memcpy(name, uuid_ns, sizeof(uuid_ns));
	o = sizeof(uuid_ns);
	for (i = 0; i < 4; i++) {
		if (part[i] == NULL)
			continue;
		if (i > 0)
			name[o++] = '\n';
		memcpy(name + o, part[i], len[i]);
		o += len[i];
	}
	wxf_sha1(name, n, d);
	if (name != small)
		free(name);
	d[6] = (uint8_t)((d[6] & 0x0f) | 0x50);
	d[8] = (uint8_t)((d[8] & 0x3f) | 0x80);
	for (i = 0, o = 0; i < 16; i++) {
		if (k < 4 && (int)i == dash[k]) {
			u[o++] = '-';
			k++;
		}
		u[o++] = hexd[d[i] >> 4];
		u[o++] = hexd[d[i] & 15];
	}
	u[o] = '\0';
	/* "kb:<kind>-<uuid>" (a kind is a short constant: it always fits) */
	o = len[0] < 80 - 3 - 1 - 36 - 1 ? len[0] : 80 - 3 - 1 - 36 - 1;
	memcpy(out, "kb:", 3);
	memcpy(out + 3, kind, o);
	out[3 + o] = '-';
	memcpy(out + 4 + o, u, 37);
}

static void
js(wxf_buf *b, const char *s)
{
	wxf_buf_json_str(b, s, strlen(s));
}

/* Starts a node of the graph: {"@id":…,"@type":… */
static void
node_open(cctx *x, const char *id, const char *type)
{
	if (x->o != NULL)
		rpt_out_tick(x->o);     /* the node before is whole: a megabyte goes to the file */
	wxf_buf_puts(x->b, x->first ? "\n    " : ",\n    ");
	x->first = 0;
	wxf_buf_printf(x->b, "{\"@id\":\"%s\",\"@type\":\"%s\"", id, type);
}

static void
kstr(wxf_buf *b, const char *k, const char *v)
{
	if (v == NULL)
		return;
	wxf_buf_printf(b, ",\"%s\":", k);
	js(b, v);
}

static void
kref(wxf_buf *b, const char *k, const char *id)
{
	wxf_buf_printf(b, ",\"%s\":{\"@id\":\"%s\"}", k, id);
}

static void
ktyped(wxf_buf *b, const char *k, const char *type, const char *v)
{
	wxf_buf_printf(b, ",\"%s\":{\"@type\":\"%s\",\"@value\":", k, type);
	js(b, v);
	wxf_buf_putc(b, '}');
}

static void
kint(wxf_buf *b, const char *k, long long v)
{
	char t[32];

	wxf_fmt(t, sizeof(t), "%lld", v);
	ktyped(b, k, "xsd:integer", t);
}

static void
ktime(const cctx *x, const char *k, int64_t ms)
{
	char t[64];

	if (ms == WXF_TIME_UNKNOWN)
		return;
	rpt_time(x->c, ms, t, sizeof(t));
	ktyped(x->b, k, "xsd:dateTime", t);
}

/* A list of string values of one attribute list: ,"k":["a","b"] (nothing when empty). */
static void
kattrs(wxf_buf *b, const char *k, const wxf_attrs *a)
{
	size_t i, j, n = 0;

	for (i = 0; i < a->n; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(a->v[j].value, a->v[i].value) == 0)
				break;
		if (j < i)
			continue;
		wxf_buf_printf(b, n++ == 0 ? ",\"%s\":[" : ",", k);
		js(b, a->v[i].value);
	}
	if (n > 0)
		wxf_buf_putc(b, ']');
}

static void
hash_obj(wxf_buf *b, const char *file_id, const char *method, const char *value, int first)
{
	char id[80];

	node_id(id, "Hash", file_id, method, NULL);
	wxf_buf_printf(b, "%s{\"@id\":\"%s\",\"@type\":\"uco-types:Hash\",\"uco-types:hashMethod\":"
	    "{\"@type\":\"uco-vocabulary:HashNameVocab\",\"@value\":\"%s\"},\"uco-types:hashValue\":"
	    "{\"@type\":\"xsd:hexBinary\",\"@value\":\"%s\"}}", first ? "" : ",", id, method, value);
}

static void
file_node(cctx *x, const wxf_item *it)
{
	wxf_buf *b = x->b;
	char id[80], fid[80];
	const char *base = strrchr(it->path, '/');

	node_id(id, "File", it->path, NULL, NULL);
	node_open(x, id, "uco-observable:File");
	node_id(fid, "FileFacet", it->path, NULL, NULL);
	wxf_buf_printf(b, ",\"uco-core:hasFacet\":[{\"@id\":\"%s\",\"@type\":\"uco-observable:"
	    "FileFacet\"", fid);
	kstr(b, "uco-observable:fileName", base != NULL ? base + 1 : it->path);
	kstr(b, "uco-observable:filePath", it->path);
	kint(b, "uco-observable:sizeInBytes", (long long)it->size);
	node_id(fid, "ContentDataFacet", it->path, NULL, NULL);
	wxf_buf_printf(b, "},{\"@id\":\"%s\",\"@type\":\"uco-observable:ContentDataFacet\"", fid);
	kint(b, "uco-observable:sizeInBytes", (long long)it->size);
	wxf_buf_puts(b, ",\"uco-observable:hash\":[");
	hash_obj(b, id, "MD5", it->before.md5, 1);
	hash_obj(b, id, "SHA1", it->before.sha1, 0);
	hash_obj(b, id, "SHA256", it->before.sha256, 0);
	wxf_buf_puts(b, "]}]}");
}

static void
account_id(const rpt_part *p, const char *username, char out[80])
{
	node_id(out, "ApplicationAccount", p->idkey != NULL ? p->idkey : "", username, NULL);
}

static void
account_node(cctx *x, const rpt_part *p, const char *app, const wxf_identity *id)
{
	wxf_buf *b = x->b;
	char aid[80], fid[80];

	account_id(p, id->username, aid);
	node_open(x, aid, "uco-observable:ApplicationAccount");
	node_id(fid, "AccountFacet", aid, NULL, NULL);
	wxf_buf_printf(b, ",\"uco-core:hasFacet\":[{\"@id\":\"%s\",\"@type\":\"uco-observable:"
	    "AccountFacet\"", fid);
	kstr(b, "uco-observable:accountIdentifier", id->username);
	kstr(b, "uco-observable:accountType", wxf_id_kind_name(id->kind));
	node_id(fid, "ApplicationAccountFacet", aid, NULL, NULL);
	wxf_buf_printf(b, "},{\"@id\":\"%s\",\"@type\":\"uco-observable:ApplicationAccountFacet\"",
	    fid);
	kref(b, "uco-observable:application", app);
	node_id(fid, "DigitalAccountFacet", aid, NULL, NULL);
	wxf_buf_printf(b, "},{\"@id\":\"%s\",\"@type\":\"uco-observable:DigitalAccountFacet\"", fid);
	kattrs(b, "uco-observable:displayName", &id->nicknames);
	kattrs(b, "uco-observable:accountLogin", &id->aliases);
	wxf_buf_putc(b, '}');
	if (id->phones.n > 0) {
		node_id(fid, "PhoneAccountFacet", aid, NULL, NULL);
		wxf_buf_printf(b, ",{\"@id\":\"%s\",\"@type\":\"uco-observable:PhoneAccountFacet\"",
		    fid);
		kattrs(b, "uco-observable:phoneNumber", &id->phones);
		wxf_buf_putc(b, '}');
	}
	node_id(fid, "WeChatAccountFacet", aid, NULL, NULL);
	wxf_buf_printf(b, ",{\"@id\":\"%s\",\"@type\":\"wxf:WeChatAccountFacet\"", fid);
	wxf_buf_printf(b, ",\"wxf:isOwner\":%s", id->is_owner ? "true" : "false");
	kattrs(b, "wxf:remark", &id->remarks);
	kattrs(b, "wxf:realName", &id->real_names);
	wxf_buf_puts(b, "}]}");
}

/* Contained_Within: the record's bytes in its evidence file. */
static void
contained(cctx *x, const char *obj_id, const wxf_prov *pv)
{
	wxf_buf *b = x->b;
	const wxf_item *it;
	char id[80], fid[80], tid[80];

	if (pv->file == NULL)
		return;
	it = rpt_item(x->c, pv->file);
	node_id(tid, "File", it != NULL ? it->path : pv->file, NULL, NULL);
	node_id(id, "Relationship", obj_id, "Contained_Within", NULL);
	node_open(x, id, "uco-core:Relationship");
	kref(b, "uco-core:source", obj_id);
	kref(b, "uco-core:target", tid);
	wxf_buf_puts(b, ",\"uco-core:kindOfRelationship\":\"Contained_Within\","
	    "\"uco-core:isDirectional\":true");
	node_id(fid, "DataRangeFacet", id, NULL, NULL);
	wxf_buf_printf(b, ",\"uco-core:hasFacet\":[{\"@id\":\"%s\",\"@type\":\"uco-observable:"
	    "DataRangeFacet\"", fid);
	kint(b, "uco-observable:rangeOffset", (long long)pv->offset);
	kint(b, "uco-observable:rangeSize", (long long)pv->length);
	node_id(fid, "CitedRangeFacet", id, NULL, NULL);
	wxf_buf_printf(b, "},{\"@id\":\"%s\",\"@type\":\"wxf:CitedRangeFacet\"", fid);
	kstr(b, "wxf:image", pv->image);
	kstr(b, "wxf:table", pv->table);
	if (pv->rowid != INT64_MIN)
		kint(b, "wxf:rowid", (long long)pv->rowid);
	if (pv->pgno != 0)
		kint(b, "wxf:page", (long long)pv->pgno);
	if (pv->frame != 0)
		kint(b, "wxf:frame", (long long)pv->frame);
	kstr(b, "wxf:rangeSha256", pv->range_sha256);
	kstr(b, "wxf:origin", wxf_origin_name(pv->origin));
	kstr(b, "wxf:status", wxf_status_name(pv->status));
	kint(b, "wxf:confidence", pv->confidence);
	wxf_buf_puts(b, "}]}");
}

static void
recovered_facet(wxf_buf *b, const char *obj_id, const wxf_prov *pv)
{
	char fid[80];

	if (!wxf_prov_recovered(&*pv))
		return;
	node_id(fid, "RecoveredObjectFacet", obj_id, NULL, NULL);
	wxf_buf_printf(b, ",{\"@id\":\"%s\",\"@type\":\"uco-observable:RecoveredObjectFacet\","
	    "\"uco-observable:contentRecoveredStatus\":{\"@type\":\"uco-vocabulary:"
	    "RecoveredObjectStatusVocab\",\"@value\":\"%s\"}}", fid,
	    pv->status == WXF_STATUS_DELETED_RECOVERED ? "recovered" : "partially recovered");
}

static void
message_node(cctx *x, const rpt_part *p, const char *app, const wxf_msg *g)
{
	wxf_buf *b = x->b;
	char id[80], fid[80], acc[80], mid[32];

	wxf_fmt(mid, sizeof(mid), "m-%s", g->id);
	node_id(id, "Message", p->idkey, mid, NULL);
	node_open(x, id, "uco-observable:Message");
	node_id(fid, "MessageFacet", id, NULL, NULL);
	wxf_buf_printf(b, ",\"uco-core:hasFacet\":[{\"@id\":\"%s\",\"@type\":\"uco-observable:"
	    "MessageFacet\"", fid);
	kstr(b, "uco-observable:messageID", mid);
	kref(b, "uco-observable:application", app);
	if (g->sender != NULL) {
		account_id(p, g->sender, acc);
		kref(b, "uco-observable:from", acc);
	}
	ktime(x, "uco-observable:sentTime", g->time_ms);
	if (g->body != NULL && !g->body_placeholder)
		kstr(b, "uco-observable:messageText", g->body);
	kstr(b, "uco-observable:messageType", wxf_msg_kind_name(g->kind));
	kstr(b, "uco-observable:sessionID", g->talker);
	wxf_buf_putc(b, '}');
	recovered_facet(b, id, &g->prov);
	wxf_buf_puts(b, "]}");
	contained(x, id, &g->prov);
}

static void
payment_node(cctx *x, const rpt_part *p, const char *app, const wxf_payment *py)
{
	wxf_buf *b = x->b;
	char id[80], fid[80], acc[80], pid[40];
	static const char *const type[] = { "WeChatPayment", "WeChatTransfer", "WeChatRedPacket",
	    "WeChatAA", "WeChatPayReceipt" };
	const char *ty = type[0];

	wxf_fmt(pid, sizeof(pid), "p-%s%s", p->tag, py->id);
	if (py->kind == WXF_PAY_TRANSFER)
		ty = type[1];
	else if (py->kind == WXF_PAY_RED_PACKET)
		ty = type[2];
	else if (py->kind == WXF_PAY_AA)
		ty = type[3];
	else if (py->kind == WXF_PAY_RECEIPT)
		ty = type[4];
	node_id(id, "Message", p->idkey, pid, NULL);
	node_open(x, id, "uco-observable:Message");
	node_id(fid, "MessageFacet", id, NULL, NULL);
	wxf_buf_printf(b, ",\"uco-core:hasFacet\":[{\"@id\":\"%s\",\"@type\":\"uco-observable:"
	    "MessageFacet\"", fid);
	kstr(b, "uco-observable:messageID", pid);
	kref(b, "uco-observable:application", app);
	if (py->payer != NULL) {
		account_id(p, py->payer, acc);
		kref(b, "uco-observable:from", acc);
	}
	if (py->receiver != NULL) {
		account_id(p, py->receiver, acc);
		kref(b, "uco-observable:to", acc);
	}
	ktime(x, "uco-observable:sentTime", py->begin_time_ms);
	kstr(b, "uco-observable:messageType", ty);
	kstr(b, "uco-observable:sessionID", py->talker);
	node_id(fid, "PaymentFacet", id, NULL, NULL);
	wxf_buf_printf(b, "},{\"@id\":\"%s\",\"@type\":\"wxf:PaymentFacet\"", fid);
	if (py->amount.known)
		kint(b, "wxf:amountFen", (long long)py->amount.fen);
	kstr(b, "wxf:amountText", py->amount.text);
	kstr(b, "wxf:finalState", wxf_pay_state_name(py->final_state));
	kstr(b, "wxf:transferID", py->transfer_id);
	kstr(b, "wxf:transactionID", py->transaction_id);
	kstr(b, "wxf:memo", py->memo);
	wxf_buf_putc(b, '}');
	recovered_facet(b, id, &py->prov);
	wxf_buf_puts(b, "]}");
	contained(x, id, &py->prov);
}

/* The seller's account sold to the owner's: the designation and the totals. */
static void
seller_node(cctx *x, const rpt_part *p)
{
	const wxf_analysis *an = p->an;
	const wxf_ledger_totals *t;
	wxf_buf *b = x->b;
	char id[80], fid[80], s[80], o[80];

	if (an == NULL || an->seller == NULL || an->owner_username == NULL)
		return;
	t = &an->ledger.totals;
	account_id(p, an->seller->username, s);
	account_id(p, an->owner_username, o);
	node_id(id, "Relationship", s, "Sold_To", o);
	node_open(x, id, "uco-core:Relationship");
	kref(b, "uco-core:source", s);
	kref(b, "uco-core:target", o);
	wxf_buf_puts(b, ",\"uco-core:kindOfRelationship\":\"Sold_To\",\"uco-core:isDirectional\":"
	    "true");
	node_id(fid, "SellerFacet", id, NULL, NULL);
	wxf_buf_printf(b, ",\"uco-core:hasFacet\":[{\"@id\":\"%s\",\"@type\":\"wxf:SellerFacet\"",
	    fid);
	kstr(b, "wxf:designation", an->seller_source == WXF_SELLER_GIVEN ? "examiner" : "proposed");
	kstr(b, "wxf:sellerUsername", an->seller->username);
	if (!t->overflow) {
		kint(b, "wxf:paidFen", (long long)t->paid_fen);
		kint(b, "wxf:receivedFen", (long long)t->received_fen);
		kint(b, "wxf:netFen", (long long)t->net_fen);
		if (t->crpl_applicable)
			kint(b, "wxf:crpl55Fen", (long long)t->crpl55_fen);
	}
	wxf_buf_puts(b, "}]}");
}

/* The action's results: every account, message and payment node, by id (made again from the
 * same names as the nodes: nothing of the size of the case is kept). */
static void
result_list(cctx *x)
{
	const rpt_ctx *c = x->c;
	char id[80], mid[40];
	size_t i, k;
	int first = 1;

	wxf_buf_puts(x->b, ",\"uco-action:result\":[");
	for (k = 0; k < c->n_parts; k++) {
		const rpt_part *p = &c->parts[k];
		const wxf_model *m = p->m;

		for (i = 0; i < m->n_identities + m->n_msgs + m->n_payments; i++) {
			if (i < m->n_identities)
				account_id(p, m->identities[i]->username, id);
			else if (i < m->n_identities + m->n_msgs) {
				wxf_fmt(mid, sizeof(mid), "m-%s", m->msgs[i - m->n_identities]->id);
				node_id(id, "Message", p->idkey, mid, NULL);
			} else {
				wxf_fmt(mid, sizeof(mid), "p-%s%s", p->tag,
				    m->payments[i - m->n_identities - m->n_msgs]->id);
				node_id(id, "Message", p->idkey, mid, NULL);
			}
			wxf_buf_printf(x->b, "%s{\"@id\":\"%s\"}", first ? "" : ",", id);
			first = 0;
			if (x->o != NULL)
				rpt_out_tick(x->o);
		}
	}
	wxf_buf_puts(x->b, "]}");
}

/* case.jsonld into b; where b is o's buffer (o not NULL) it goes to o's file a megabyte at a
 * time. */
static void
rpt_case_build(const rpt_ctx *c, wxf_buf *b, rpt_out *o)
{
	const wxf_report_meta *mt = c->in->meta;
	cctx x;
	wxf_buf objs;
	char tool[80], act[80], app[80], inv[80], id[80];
	size_t i, k;

	x.c = c;
	x.b = b;
	x.o = o;
	x.first = 1;
	wxf_buf_init(&objs);
	wxf_buf_puts(b, "{\n  \"@context\": {\n"
	    "    \"case-investigation\": \"https://ontology.caseontology.org/case/investigation/\",\n"
	    "    \"uco-action\": \"https://ontology.unifiedcyberontology.org/uco/action/\",\n"
	    "    \"uco-core\": \"https://ontology.unifiedcyberontology.org/uco/core/\",\n"
	    "    \"uco-identity\": \"https://ontology.unifiedcyberontology.org/uco/identity/\",\n"
	    "    \"uco-observable\": \"https://ontology.unifiedcyberontology.org/uco/observable/\",\n"
	    "    \"uco-tool\": \"https://ontology.unifiedcyberontology.org/uco/tool/\",\n"
	    "    \"uco-types\": \"https://ontology.unifiedcyberontology.org/uco/types/\",\n"
	    "    \"uco-vocabulary\": \"https://ontology.unifiedcyberontology.org/uco/vocabulary/\",\n"
	    "    \"xsd\": \"http://www.w3.org/2001/XMLSchema#\",\n"
	    "    \"kb\": \"urn:wxforensic:kb:\",\n"
	    "    \"wxf\": \"" WXF_CASE_EXT_NS "\"\n  },\n  \"@graph\": [");
	node_id(tool, "Tool", "wxforensic", mt->tool_version, mt->git_id);
	node_open(&x, tool, "uco-tool:Tool");
	kstr(b, "uco-core:name", "wxforensic");
	kstr(b, "uco-tool:version", mt->tool_version);
	kstr(b, "uco-tool:toolType", "forensic analysis of WeChat evidence");
	kstr(b, "wxf:gitId", mt->git_id);
	wxf_buf_putc(b, '}');
	node_id(app, "Application", "WeChat", NULL, NULL);
	node_open(&x, app, "uco-observable:Application");
	kstr(b, "uco-core:name", "WeChat");
	wxf_buf_putc(b, '}');
	/* evidence files */
	for (i = 0; i < c->n_items; i++) {
		file_node(&x, c->items[i]);
		node_id(id, "File", c->items[i]->path, NULL, NULL);
		wxf_buf_printf(&objs, "%s{\"@id\":\"%s\"}", objs.len ? "," : "", id);
	}
	for (i = 0; i < c->n_sub_items; i++)
		file_node(&x, c->sub_items[i]);
	/* accounts, messages, payments, the seller */
	for (k = 0; k < c->n_parts; k++) {
		const rpt_part *p = &c->parts[k];
		const wxf_model *m = p->m;

		for (i = 0; i < m->n_identities; i++)
			account_node(&x, p, app, m->identities[i]);
		for (i = 0; i < m->n_msgs; i++)
			message_node(&x, p, app, m->msgs[i]);
		for (i = 0; i < m->n_payments; i++)
			payment_node(&x, p, app, m->payments[i]);
		seller_node(&x, p);
	}
	/* the action, the investigation, the exhibit */
	node_id(act, "InvestigativeAction", "case", mt->cmdline, NULL);
	node_open(&x, act, "case-investigation:InvestigativeAction");
	kstr(b, "uco-core:name", "wxforensic case");
	kstr(b, "wxf:commandLine", mt->cmdline);
	ktime(&x, "uco-action:startTime", mt->started_ms != 0 ? mt->started_ms : mt->generated_ms);
	ktime(&x, "uco-action:endTime", mt->generated_ms);
	kref(b, "uco-action:instrument", tool);
	if (mt->examiner != NULL) {
		node_id(id, "Person", mt->examiner, NULL, NULL);
		kref(b, "uco-action:performer", id);
	}
	wxf_buf_printf(b, ",\"uco-action:object\":[%s]", objs.len ? objs.p : "");
	result_list(&x);
	if (mt->examiner != NULL) {
		node_id(id, "Person", mt->examiner, NULL, NULL);
		node_open(&x, id, "uco-identity:Person");
		kstr(b, "uco-core:name", mt->examiner);
		wxf_buf_putc(b, '}');
	}
	node_id(inv, "Investigation", mt->case_number != NULL ? mt->case_number : "", NULL, NULL);
	node_open(&x, inv, "case-investigation:Investigation");
	kstr(b, "uco-core:name", mt->case_number != NULL ? mt->case_number : "(no case number)");
	wxf_buf_printf(b, ",\"uco-core:object\":[{\"@id\":\"%s\"}]}", act);
	if (mt->exhibit != NULL && objs.len > 0) {
		node_id(id, "ProvenanceRecord", mt->exhibit, NULL, NULL);
		node_open(&x, id, "case-investigation:ProvenanceRecord");
		kstr(b, "case-investigation:exhibitNumber", mt->exhibit);
		wxf_buf_printf(b, ",\"uco-core:object\":[%s]}", objs.p);
	}
	wxf_buf_puts(b, "\n  ]\n}\n");
	wxf_buf_free(&objs);
}

int
wxf_report_case(const wxf_report_in *in, const char *outdir, wxf_audit *audit, wxf_err *err)
{
	rpt_ctx own, *c = rpt_ctx_use(&own, in);
	rpt_out o;

	if (rpt_out_open(&o, outdir, "case.jsonld", in->log, err) == WXF_OK)
		rpt_case_build(c, &o.b, &o);
	rpt_ctx_done(&own, c);
	return rpt_out_close(&o, audit);
}
