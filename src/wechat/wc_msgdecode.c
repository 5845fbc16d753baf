/* SPDX-License-Identifier: Apache-2.0 */
/*
 * WeChat message content decoding (see msgdecode.h).  Type codes and XML paths follow
 * shared/formats/wechat-android-ios.md §2.1 (types, composite codes), §3 (wcpayinfo, red
 * packets, AA, receipts) and §3.5 (system/command messages, recalls).
 *
 * Rules:
 *   1. The appmsg XML <type> is authoritative; the stored (composite) type is a hint only.
 *   2. The stored raw type is always kept (msg->raw_type).
 *   3. Malformed or refused XML: the raw text stays in content/payload, a warning is added,
 *      the kind falls back to the type hint.
 *   4. Amounts only through wxf_amount_parse (integer fen); times in XML are Unix seconds and
 *      become ms with overflow checks.
 */
#include "config.h"
#include "wechat/wc_msgdecode.h"
#include "wechat/wc_msgxml.h"

#include <stdlib.h>
#include <string.h>

int64_t
wxf_wc_base_type(int64_t raw)
{
	if (raw == WXF_INT_UNKNOWN)
		return raw;
	if (raw > 0xffff && (raw & 0xffff) == 49)
		return 49;
	/* 0x9000000x family (live location, showtype variants): app messages */
	if (raw < 0 && raw >= INT32_MIN && ((uint32_t)raw & 0xfffffff0u) == 0x90000000u)
		return 49;
	return raw;
}

wxf_msg_kind
wxf_wc_type_hint(int64_t raw)
{
	switch (raw) {
	case 1: return WXF_MK_TEXT;
	case 3: return WXF_MK_IMAGE;
	case 34: return WXF_MK_VOICE;
	case 35: return WXF_MK_MAIL;
	case 37: case 40: return WXF_MK_FRIEND_REQUEST;
	case 42: case 66: return WXF_MK_CARD;
	case 43: case 62: return WXF_MK_VIDEO;
	case 47: case 1048625: return WXF_MK_STICKER;
	case 48: return WXF_MK_LOCATION;
	case 50: case 52: case 53: case 64: return WXF_MK_VOIP;
	case 51: case 9999: case 10000: case 570425393: return WXF_MK_SYSTEM;
	case 10002: return WXF_MK_SYSCMD;
	case 419430449: return WXF_MK_TRANSFER;
	case 436207665: case 469762097: return WXF_MK_RED_PACKET;
	case 503316529: return WXF_MK_AA;
	case 318767153: return WXF_MK_TEMPLATE;
	case 822083633: return WXF_MK_QUOTE;
	case 1090519089: return WXF_MK_FILE;
	case 553648177: case 587202609: return WXF_MK_MINI_PROGRAM;
	case -1879048186: return WXF_MK_LIVE_LOCATION;
	case 285212721: case 301989937: case 16777265: case 268435505: return WXF_MK_LINK;
	case 1040187441: return WXF_MK_MUSIC;
	default:
		return wxf_wc_base_type(raw) == 49 ? WXF_MK_APP_OTHER : WXF_MK_UNKNOWN;
	}
}

wxf_msg_kind
wxf_wc_app_kind(int64_t t)
{
	switch (t) {
	case 1: return WXF_MK_TEXT;
	case 2: return WXF_MK_IMAGE;
	case 3: return WXF_MK_MUSIC;
	case 4: case 5: return WXF_MK_LINK;
	case 6: return WXF_MK_FILE;
	case 8: return WXF_MK_STICKER;
	case 17: return WXF_MK_LIVE_LOCATION;
	case 19: case 40: return WXF_MK_CHAT_HISTORY;
	case 33: case 36: return WXF_MK_MINI_PROGRAM;
	case 51: return WXF_MK_CHANNELS;
	case 57: return WXF_MK_QUOTE;
	case 62: return WXF_MK_PAT;
	case 87: return WXF_MK_GROUP_NOTICE;
	case 2000: return WXF_MK_TRANSFER;
	case 2001: return WXF_MK_RED_PACKET;
	case 2002: return WXF_MK_AA;
	default: return WXF_MK_APP_OTHER;
	}
}

static int
uname_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '_' || c == '-' || c == '.' || c == '@';
}

int
wxf_wc_group_prefix(const char *s, size_t n, size_t *ulen, size_t *body_off)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < n && i <= 80 && uname_char((unsigned char)s[i]); i++)
		;
	if (i == 0 || i > 80 || i + 1 >= n + 0 || s[i] != ':')
		return 0;
	if (i + 1 < n && s[i + 1] == '\n') {
		*ulen = i;
		*body_off = i + 2;
		return 1;
	}
	return 0;
}

/* Decimal Unix seconds → ms; WXF_TIME_UNKNOWN for absent, garbage, 0 or out of range. */
static int64_t
secs_to_ms(const char *s)
{
	int64_t v = 0;

	if (s == NULL)
		return WXF_TIME_UNKNOWN;
	while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
		s++;
	if (*s < '0' || *s > '9')
		return WXF_TIME_UNKNOWN;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > 100000000000LL)
			return WXF_TIME_UNKNOWN;
		v = v * 10 + (*s - '0');
	}
	while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
		s++;
	if (*s != '\0' || v == 0)
		return WXF_TIME_UNKNOWN;
	return v * 1000;
}

/* Strict decimal integer (optional sign); returns 1 on success. */
static int
parse_int(const char *s, int64_t *out)
{
	int neg = 0;
	int64_t v = 0;

	if (s == NULL)
		return 0;
	while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
		s++;
	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (*s < '0' || *s > '9')
		return 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (INT64_MAX - 9) / 10)
			return 0;
		v = v * 10 + (*s - '0');
	}
	while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
		s++;
	if (*s != '\0')
		return 0;
	*out = neg ? -v : v;
	return 1;
}

const char *
wxf_wc_sendid(wxf_model *m, const char *s)
{
	const char *p, *e;

	if (s == NULL)
		return NULL;
	p = strstr(s, "sendid=");
	if (p == NULL)
		return NULL;
	p += 7;
	for (e = p; (*e >= '0' && *e <= '9') || (*e >= 'a' && *e <= 'z') || (*e >= 'A' && *e <= 'Z');
	    e++)
		;
	if (e == p || e - p > 128)
		return NULL;
	return wxf_model_strndup(m, p, (size_t)(e - p));
}

/* Visible text of a system message: tags removed, entities of the five predefined kinds
 * decoded; arena copy. */
static const char *
strip_tags(wxf_model *m, const char *s)
{
	size_t n = strlen(s);
	char *o = wxf_arena_alloc(m->arena, n + 1), *w;
	static const struct { const char *e; char c; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&apos;", '\'' } };

	if (o == NULL)
		return NULL;
	w = o;
	while (*s != '\0') {
		if (*s == '<') {
			const char *e = strchr(s, '>');

			if (e == NULL) {
				*w++ = *s++;
				continue;
			}
			s = e + 1;
			continue;
		}
		if (*s == '&') {
			size_t k;

			for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++) {
				size_t l = strlen(ents[k].e);

				if (strncmp(s, ents[k].e, l) == 0) {
					*w++ = ents[k].c;
					s += l;
					break;
				}
			}
			if (k < sizeof(ents) / sizeof(ents[0]))
				continue;
		}
		*w++ = *s++;
	}
	*w = '\0';
	/* trim ASCII blanks */
	while (w > o && (w[-1] == ' ' || w[-1] == '\n'))
		*--w = '\0';
	while (*o == ' ' || *o == '\n')
		o++;
	return o;
}

static const char *
owner_name(wxf_model *m)
{
	return m->owner != NULL ? m->owner->username : NULL;
}

/* Who the counterpart of the owner is for this row: the group sender, or the talker. */
static const char *
counterpart(const wxf_msg *msg)
{
	if (msg->sender_src == WXF_SENDER_GROUP_PREFIX || msg->sender_src == WXF_SENDER_XML ||
	    msg->sender_src == WXF_SENDER_COLUMN)
		return msg->sender;
	if (msg->talker != NULL && wxf_id_kind_guess(msg->talker) != WXF_ID_GROUP)
		return msg->talker;
	return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Payments */

static int
set_amount(wxf_model *m, wxf_payment *p, wxf_msg *msg, const char *text, const char *fen_text)
{
	wxf_amount a;
	int64_t v;

	memset(&a, 0, sizeof(a));
	if (text != NULL) {
		a.text = text;
		a.known = wxf_amount_parse(text, &a.fen);
	}
	if (!a.known && fen_text != NULL && parse_int(fen_text, &v) && v > 0) {
		a.fen = v;
		a.known = 1;
		if (a.text == NULL)
			a.text = wxf_model_printf(m, "total_fee=%s", fen_text);
	}
	if (text != NULL && !wxf_amount_parse(text, &v))
		wxf_msg_warn(m, msg, "amount-unparsed", "amount \"%.64s\" is not a clean amount%s",
		    text, a.known ? "; total_fee used" : "; amount unknown");
	if (!a.known && a.text == NULL)
		return WXF_OK;
	if (!p->amount.known && a.known) {
		const char *cur = p->amount.currency;

		p->amount = a;
		p->amount.currency = cur != NULL ? cur : "CNY";
	} else if (p->amount.known && a.known && p->amount.fen != a.fen && !p->amount_conflict) {
		p->amount_conflict = 1;
		return wxf_model_anomaly(m, WXF_SEV_WARN, "amount-conflict", msg->id, p->id,
		    &msg->prov, "payment %s: rows disagree on the amount (%lld vs %lld fen)", p->key,
		    (long long)p->amount.fen, (long long)a.fen);
	} else if (p->amount.text == NULL) {
		p->amount.text = a.text;
	}
	return WXF_OK;
}

static void
set_if_null(const char **dst, const char *v)
{
	if (*dst == NULL && v != NULL && *v != '\0')
		*dst = v;
}

/*
 * Payer/receiver of a transfer when the XML does not name them, from one row:
 *   paysubtype 1 (initiation): sent by the owner → owner pays the counterpart; received →
 *     the counterpart pays the owner.
 *   3/4/5 (payee's action): sent by the owner → the owner is the payee.
 *   8/9 (payer's view of the outcome): received → the owner is the payer.
 */
static void
infer_parties(wxf_model *m, wxf_payment *p, const wxf_msg *msg, int64_t pst)
{
	const char *me = owner_name(m), *other = counterpart(msg);
	const char *payer = NULL, *recv = NULL;
	int out = msg->is_send == 1;

	if (msg->is_send == WXF_INT_UNKNOWN)
		return;
	switch (pst) {
	case 1: case 7:
		payer = out ? me : other;
		recv = out ? other : me;
		break;
	case 3: case 4: case 5:
		recv = out ? me : other;
		payer = out ? other : me;
		break;
	case 8: case 9:
		if (!out) {
			payer = me;
			recv = other;
		}
		break;
	default:
		return;
	}
	if (p->payer == NULL && payer != NULL) {
		p->payer = payer;
		p->payer_src = "isSend+paysubtype";
	}
	if (p->receiver == NULL && recv != NULL) {
		p->receiver = recv;
		p->receiver_src = "isSend+paysubtype";
	}
}

static int
decode_transfer(wxf_model *m, wxf_msg *msg, xmlNodePtr am)
{
	xmlNodePtr wp = wxf_xml_child(am, "wcpayinfo");
	const char *tid, *txid, *pst_s, *key, *payer, *recv;
	int64_t pst = WXF_INT_UNKNOWN;
	wxf_payment *p;
	wxf_pay_event ev;
	int rc;

	msg->kind = WXF_MK_TRANSFER;
	if (wp == NULL) {
		wxf_msg_warn(m, msg, "transfer-no-wcpayinfo", "transfer without <wcpayinfo>");
		return WXF_OK;
	}
	if ((rc = wxf_xml_flatten(m, wp, "wcpayinfo", &wxf_msg_xw(m, msg)->fields)) != WXF_OK)
		return rc;
	tid = wxf_xml_text_ne(m, wp, "transferid");
	txid = wxf_xml_text_ne(m, wp, "transcationid");
	if (txid == NULL)
		txid = wxf_xml_text_ne(m, wp, "transactionid");
	pst_s = wxf_xml_text_ne(m, wp, "paysubtype");
	if (pst_s != NULL && !parse_int(pst_s, &pst)) {
		pst = WXF_INT_UNKNOWN;
		wxf_msg_warn(m, msg, "paysubtype-unparsed", "paysubtype \"%.32s\" is not a number",
		    pst_s);
	}
	key = tid != NULL ? tid : (txid != NULL ? txid : NULL);
	if (key == NULL) {
		wxf_msg_warn(m, msg, "transfer-no-id", "transfer without transferid: kept on its own");
		key = wxf_model_printf(m, "msg:%s", msg->id);
	}
	p = wxf_model_payment(m, WXF_PAY_TRANSFER, key, &msg->prov, NULL);
	if (p == NULL)
		return WXF_ENOMEM;
	set_if_null(&p->transfer_id, tid);
	set_if_null(&p->transaction_id, txid);
	set_if_null(&p->talker, msg->talker);
	set_if_null(&p->memo, wxf_xml_text_ne(m, wp, "pay_memo"));
	{
		const char *ft = wxf_xml_text_ne(m, wp, "fee_type");

		if (ft != NULL && p->amount.currency == NULL)
			p->amount.currency = ft;
	}
	if (p->begin_time_ms == WXF_TIME_UNKNOWN)
		p->begin_time_ms = secs_to_ms(wxf_xml_text_ne(m, wp, "begintransfertime"));
	if (p->invalid_time_ms == WXF_TIME_UNKNOWN)
		p->invalid_time_ms = secs_to_ms(wxf_xml_text_ne(m, wp, "invalidtime"));
	if ((rc = set_amount(m, p, msg, wxf_xml_text_ne(m, wp, "feedesc"),
	    wxf_xml_text_ne(m, wp, "total_fee"))) != WXF_OK)
		return rc;
	payer = wxf_xml_text_ne(m, wp, "payer_username");
	recv = wxf_xml_text_ne(m, wp, "receiver_username");
	if (payer != NULL && p->payer == NULL) {
		p->payer = payer;
		p->payer_src = "wcpayinfo.payer_username";
	} else if (payer != NULL && strcmp(payer, p->payer) != 0) {
		wxf_model_anomaly(m, WXF_SEV_WARN, "payer-conflict", msg->id, p->id, &msg->prov,
		    "transfer %s: payer %s here, %s elsewhere", p->key, payer, p->payer);
	}
	if (recv != NULL && p->receiver == NULL) {
		p->receiver = recv;
		p->receiver_src = "wcpayinfo.receiver_username";
	}
	if (payer == NULL || recv == NULL)
		infer_parties(m, p, msg, pst);
	memset(&ev, 0, sizeof(ev));
	ev.paysubtype = pst;
	ev.state = pst == WXF_INT_UNKNOWN ? WXF_PST_UNKNOWN : wxf_paysubtype_state(pst);
	ev.time_ms = msg->time_ms;
	ev.msg_id = msg->id;
	ev.dir = msg->dir;
	ev.prov = msg->prov;
	if (pst != WXF_INT_UNKNOWN && ev.state == WXF_PST_UNKNOWN)
		wxf_model_anomaly(m, WXF_SEV_WARN, "paysubtype-unknown", msg->id, p->id, &msg->prov,
		    "transfer %s: paysubtype %lld has no known meaning (kept raw)", p->key,
		    (long long)pst);
	if ((rc = wxf_payment_add_event(m, p, &ev)) != WXF_OK)
		return rc;
	if (msg->body == NULL || *msg->body == '\0')
		msg->body = msg->x->title;
	return wxf_payment_link_msg(m, p, msg);
}

static int
decode_red_packet_or_aa(wxf_model *m, wxf_msg *msg, xmlNodePtr am, int64_t app_type)
{
	xmlNodePtr wp = wxf_xml_child(am, "wcpayinfo");
	xmlNodePtr aa = wxf_xml_child(wp, "newaa");
	const char *billno = wxf_xml_text_ne(m, aa, "billno");
	wxf_payment *p;
	wxf_pay_event ev;
	int rc;

	if (wp != NULL && (rc = wxf_xml_flatten(m, wp, "wcpayinfo", &wxf_msg_xw(m, msg)->fields)) != WXF_OK)
		return rc;
	memset(&ev, 0, sizeof(ev));
	ev.paysubtype = WXF_INT_UNKNOWN;
	{
		int64_t v;

		if (parse_int(wxf_xml_text_ne(m, wp, "paysubtype"), &v))
			ev.paysubtype = v;
	}
	ev.time_ms = msg->time_ms;
	ev.msg_id = msg->id;
	ev.dir = msg->dir;
	ev.prov = msg->prov;
	ev.state = WXF_PST_SENT;
	if (billno != NULL || app_type == 2002 || msg->raw_type == 503316529) {
		msg->kind = WXF_MK_AA;
		if (billno == NULL) {
			wxf_msg_warn(m, msg, "aa-no-billno", "AA collection without billno");
			billno = wxf_model_printf(m, "msg:%s", msg->id);
		}
		p = wxf_model_payment(m, WXF_PAY_AA, billno, &msg->prov, NULL);
		if (p == NULL)
			return WXF_ENOMEM;
		set_if_null(&p->aa_billno, billno);
		set_if_null(&p->aa_type, wxf_xml_text_ne(m, aa, "newaatype"));
		set_if_null(&p->aa_launcher, wxf_xml_text_ne(m, aa, "launcherusername"));
		set_if_null(&p->aa_payers, wxf_xml_text_ne(m, aa, "payerlist"));
		set_if_null(&p->aa_receivers, wxf_xml_text_ne(m, aa, "receiverlist"));
		set_if_null(&p->aa_outtradeno, wxf_xml_text_ne(m, aa, "outtradeno"));
		set_if_null(&p->memo, wxf_xml_text_ne(m, aa, "receivertitle"));
		set_if_null(&p->talker, msg->talker);
		if (p->receiver == NULL && p->aa_launcher != NULL) {
			p->receiver = p->aa_launcher;
			p->receiver_src = "newaa.launcherusername";
		}
		{
			/* per-person amount: "需付款25.00元" */
			const char *pt = wxf_xml_text_ne(m, aa, "payertitle");

			if (pt != NULL && !p->amount.known) {
				const char *d = pt;

				while (*d != '\0' && (*d < '0' || *d > '9'))
					d++;
				if (*d != '\0') {
					wxf_amount_set(m, &p->amount, d);
					p->amount.text = pt;
				}
			}
		}
	} else {
		const char *sendid = wxf_xml_text_ne(m, wp, "paymsgid");

		msg->kind = WXF_MK_RED_PACKET;
		if (sendid == NULL)
			sendid = wxf_wc_sendid(m, wxf_xml_text_ne(m, wp, "nativeurl"));
		if (sendid == NULL)
			sendid = wxf_wc_sendid(m, wxf_xml_text_ne(m, wp, "url"));
		if (sendid == NULL)
			sendid = wxf_wc_sendid(m, wxf_xml_text_ne(m, am, "url"));
		if (sendid == NULL) {
			wxf_msg_warn(m, msg, "hongbao-no-sendid", "red packet without sendid");
			sendid = wxf_model_printf(m, "msg:%s", msg->id);
		}
		p = wxf_model_payment(m, WXF_PAY_RED_PACKET, sendid, &msg->prov, NULL);
		if (p == NULL)
			return WXF_ENOMEM;
		set_if_null(&p->sendid, sendid);
		set_if_null(&p->greeting, wxf_xml_text_ne(m, wp, "receivertitle"));
		set_if_null(&p->greeting, wxf_xml_text_ne(m, wp, "sendertitle"));
		set_if_null(&p->hb_type, wxf_xml_text_ne(m, wp, "innertype"));
		set_if_null(&p->scene, wxf_xml_text_ne(m, wp, "sceneid"));
		set_if_null(&p->talker, msg->talker);
		if (p->invalid_time_ms == WXF_TIME_UNKNOWN)
			p->invalid_time_ms = secs_to_ms(wxf_xml_text_ne(m, wp, "invalidtime"));
		if (p->payer == NULL && msg->sender != NULL) {
			p->payer = msg->sender;
			p->payer_src = "message sender";
		}
		{
			const char *tf = wxf_xml_text_ne(m, wp, "total_fee");
			int64_t v;

			if (tf != NULL && parse_int(tf, &v) && v > 0 && !p->amount.known) {
				p->amount.fen = v;
				p->amount.known = 1;
				p->amount.text = tf;
				p->amount.currency = "CNY";
			}
		}
		if (msg->kind == WXF_MK_RED_PACKET && p->greeting != NULL)
			msg->body = p->greeting;
	}
	if ((rc = wxf_payment_add_event(m, p, &ev)) != WXF_OK)
		return rc;
	return wxf_payment_link_msg(m, p, msg);
}

/* Template / "dyeing" messages: every key/value line kept; WeChat Pay ones are receipts. */
static int
decode_template(wxf_model *m, wxf_msg *msg, xmlNodePtr am)
{
	xmlNodePtr mr = wxf_xml_child(am, "mmreader");
	xmlNodePtr det = wxf_xml_path(mr, "template_detail/line_content");
	xmlNodePtr lines;
	wxf_kvs kv;
	const char *top_k = NULL, *top_v = NULL;
	int is_pay;
	int rc;

	memset(&kv, 0, sizeof(kv));
	if (det != NULL) {
		top_k = wxf_xml_text(m, det, "topline/key/word");
		top_v = wxf_xml_text(m, det, "topline/value/word");
		if (top_k != NULL || top_v != NULL)
			if ((rc = wxf_kvs_add(m, &kv, top_k ? top_k : "", top_v ? top_v : "")) != WXF_OK)
				return rc;
		lines = wxf_xml_child(det, "lines");
		for (xmlNodePtr l = lines != NULL ? lines->children : NULL; l != NULL; l = l->next) {
			const char *k, *v;

			if (l->type != XML_ELEMENT_NODE || strcmp((const char *)l->name, "line") != 0)
				continue;
			k = wxf_xml_text(m, l, "key/word");
			v = wxf_xml_text(m, l, "value/word");
			if ((rc = wxf_kvs_add(m, &kv, k ? k : "", v ? v : "")) != WXF_OK)
				return rc;
		}
	}
	for (size_t i = 0; i < kv.n; i++)
		if ((rc = wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, wxf_model_printf(m, "line:%s", kv.v[i].key),
		    kv.v[i].value)) != WXF_OK)
			return rc;
	is_pay = (msg->talker != NULL && strcmp(msg->talker, WXF_WC_PAY_ACCOUNT) == 0) ||
	    (top_k != NULL && strstr(top_k, "金额") != NULL);
	if (!is_pay || kv.n == 0) {
		msg->kind = WXF_MK_TEMPLATE;
		return WXF_OK;
	}
	msg->kind = WXF_MK_RECEIPT;
	{
		const char *key = NULL;
		wxf_payment *p;
		wxf_pay_event ev;

		for (size_t i = 0; i < kv.n && key == NULL; i++)
			if (strcmp(kv.v[i].key, "交易单号") == 0 && *kv.v[i].value != '\0')
				key = kv.v[i].value;
		key = key != NULL ? wxf_model_printf(m, "%s", key) :
		    wxf_model_printf(m, "msg:%s", msg->id);
		p = wxf_model_payment(m, WXF_PAY_RECEIPT, key, &msg->prov, NULL);
		if (p == NULL)
			return WXF_ENOMEM;
		if (p->lines.n == 0)
			p->lines = kv;
		set_if_null(&p->merchant, wxf_xml_text_ne(m, mr, "template_header/display_name"));
		set_if_null(&p->transaction_id, wxf_kvs_get(&kv, "交易单号"));
		set_if_null(&p->memo, wxf_kvs_get(&kv, "付款方备注"));
		set_if_null(&p->talker, msg->talker);
		if (top_v != NULL && !p->amount.known)
			wxf_amount_set(m, &p->amount, top_v);
		if (p->begin_time_ms == WXF_TIME_UNKNOWN)
			p->begin_time_ms = secs_to_ms(wxf_xml_text_ne(m, mr, "template_header/pub_time"));
		if (top_k != NULL && strstr(top_k, "收款") != NULL && p->receiver == NULL &&
		    owner_name(m) != NULL) {
			p->receiver = owner_name(m);
			p->receiver_src = "receipt topline (收款)";
		}
		memset(&ev, 0, sizeof(ev));
		ev.paysubtype = WXF_INT_UNKNOWN;
		ev.state = WXF_PST_PAID;
		ev.time_ms = msg->time_ms;
		ev.msg_id = msg->id;
		ev.dir = msg->dir;
		ev.prov = msg->prov;
		if ((rc = wxf_payment_add_event(m, p, &ev)) != WXF_OK)
			return rc;
		return wxf_payment_link_msg(m, p, msg);
	}
}

/*
 * Forwarded chat records (appmsg type 19).  <recorditem> holds, as text (CDATA), a second XML
 * document:
 *   <recordinfo><title/><desc/>
 *     <datalist count="n"><dataitem datatype="d" dataid="…">
 *         <datatitle/><datadesc/><sourcename/><sourcetime/>
 *         <dataitemsource><realchatname/></dataitemsource>
 *         <recordxml><recordinfo>…</recordinfo></recordxml>     a forwarded record inside
 *     </dataitem>…</datalist></recordinfo>
 * A record inside a record is an element tree under <recordxml> or, as in <recorditem>, the
 * text of a further document; both are followed without recursion, at most RECORD_MAX_LEVELS
 * records deep and RECORD_MAX_ITEMS items in all.  Each item becomes fields
 * "record/<i>[/<j>…]/<name>" (the datatype raw: its meaning differs between sources); what lies
 * beyond a limit is left in the raw "recorditem" field with a warning naming where it stopped.
 */
#define RECORD_MAX_LEVELS 8
#define RECORD_MAX_ITEMS 2000
#define RECORD_MAX_DOCS 256

static const wxf_xml_limits msgxml_limits = { WXF_XML_MAX_SIZE, WXF_XML_MAX_DEPTH,
	WXF_XML_MAX_NODES };

struct rec_docs {
	xmlDocPtr d[RECORD_MAX_DOCS];
	size_t n;
	int oom;               /* a nested document could not be parsed for want of memory */
};

struct rec_frame {
	xmlNodePtr item;       /* next <dataitem> candidate at this level */
	const char *path;      /* "record/1/2" */
	int level;             /* 1 for the outer record */
	size_t k;              /* items seen at this level */
};

/* The <recordinfo> element of a nested record: inline under <recordxml>, or the document its
 * text holds (parsed, added to docs[] for the caller to free).  NULL if absent or refused. */
static xmlNodePtr
record_info(wxf_model *m, wxf_msg *msg, xmlNodePtr rx, const char *path, struct rec_docs *docs)
{
	xmlNodePtr ri = wxf_xml_child(rx, "recordinfo");
	const char *t, *why;
	size_t at;
	xmlDocPtr d;

	if (ri != NULL)
		return ri;
	t = wxf_xml_text_ne(m, rx, "");
	if (t == NULL || !wxf_xml_looks_like(t, strlen(t)))
		return NULL;
	if (docs->n >= RECORD_MAX_DOCS) {
		wxf_msg_warn(m, msg, "record-limit", "forwarded record %s not decoded: more than %d "
		    "nested record documents", path, RECORD_MAX_DOCS);
		return NULL;
	}
	d = wxf_xml_parse_at(t, strlen(t), &msgxml_limits, &why, &at);
	if (d == NULL && why == wxf_xml_enomem) {
		docs->oom = 1;
		return NULL;
	}
	if (d == NULL) {
		if (at != (size_t)-1)
			wxf_msg_warn(m, msg, "record-malformed", "forwarded record %s not decoded: %s "
			    "(byte %zu of its text)", path, why, at);
		else
			wxf_msg_warn(m, msg, "record-malformed", "forwarded record %s not decoded: %s",
			    path, why);
		return NULL;
	}
	docs->d[docs->n++] = d;
	ri = xmlDocGetRootElement(d);
	return ri != NULL && strcmp((const char *)ri->name, "recordinfo") == 0 ? ri : NULL;
}

static const char *const record_texts[] = { "datatitle", "datadesc", "sourcename", "sourcetime",
	"srcMsgCreateTime", "dataitemsource/realchatname", "fromnewmsgid" };

static int
decode_record(wxf_model *m, wxf_msg *msg, const char *text)
{
	struct rec_frame st[RECORD_MAX_LEVELS];
	struct rec_docs *docs;
	size_t items = 0, at;
	const char *why;
	xmlNodePtr ri, dl;
	xmlDocPtr top;
	int sp = 0, rc = WXF_OK, warned_deep = 0;

	top = wxf_xml_parse_at(text, strlen(text), &msgxml_limits, &why, &at);
	if (top == NULL && why == wxf_xml_enomem)
		return WXF_ENOMEM;
	if (top == NULL) {
		if (at != (size_t)-1)
			return wxf_msg_warn(m, msg, "record-malformed", "forwarded record not decoded: "
			    "%s (byte %zu of <recorditem>)", why, at);
		return wxf_msg_warn(m, msg, "record-malformed", "forwarded record not decoded: %s",
		    why);
	}
	if ((docs = malloc(sizeof(*docs))) == NULL) {
		xmlFreeDoc(top);
		return WXF_ENOMEM;
	}
	docs->d[0] = top;
	docs->n = 1;
	docs->oom = 0;
	ri = xmlDocGetRootElement(top);
	if (ri == NULL || strcmp((const char *)ri->name, "recordinfo") != 0) {
		rc = wxf_msg_warn(m, msg, "record-malformed", "forwarded record without <recordinfo>");
		goto out;
	}
	wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "record/title", wxf_xml_text_ne(m, ri, "title"));
	wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "record/desc", wxf_xml_text_ne(m, ri, "desc"));
	dl = wxf_xml_child(ri, "datalist");
	st[0].item = dl != NULL ? dl->children : NULL;
	st[0].path = "record";
	st[0].level = 1;
	st[0].k = 0;
	sp = 1;
	while (sp > 0 && rc == WXF_OK) {
		struct rec_frame *f = &st[sp - 1];
		xmlNodePtr it = f->item, rx, inner;
		const char *ip, *dt;
		size_t j;

		if (it == NULL) {
			sp--;
			continue;
		}
		f->item = it->next;
		if (it->type != XML_ELEMENT_NODE || strcmp((const char *)it->name, "dataitem") != 0)
			continue;
		if (++items > RECORD_MAX_ITEMS) {
			rc = wxf_msg_warn(m, msg, "record-limit", "forwarded record: more than %d items; "
			    "the rest stay in the raw recorditem field", RECORD_MAX_ITEMS);
			break;
		}
		ip = wxf_model_printf(m, "%s/%zu", f->path, ++f->k);
		if (ip == NULL) {
			rc = WXF_ENOMEM;
			break;
		}
		dt = wxf_xml_attr(m, it, "datatype");
		if (dt != NULL && wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, wxf_model_printf(m, "%s/datatype", ip),
		    dt) != WXF_OK) {
			rc = WXF_ENOMEM;
			break;
		}
		for (j = 0; j < sizeof(record_texts) / sizeof(record_texts[0]); j++) {
			const char *v = wxf_xml_text_ne(m, it, record_texts[j]);

			if (v != NULL && wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields,
			    wxf_model_printf(m, "%s/%s", ip, record_texts[j]), v) != WXF_OK) {
				rc = WXF_ENOMEM;
				break;
			}
		}
		if (rc != WXF_OK || (rx = wxf_xml_child(it, "recordxml")) == NULL)
			continue;
		if (f->level >= RECORD_MAX_LEVELS) {
			if (!warned_deep++)
				rc = wxf_msg_warn(m, msg, "record-depth", "forwarded record nested deeper "
				    "than %d records at %s: the inner records stay in the raw recorditem "
				    "field", RECORD_MAX_LEVELS, ip);
			continue;
		}
		inner = record_info(m, msg, rx, ip, docs);
		if (docs->oom) {
			rc = WXF_ENOMEM;
			break;
		}
		if (inner == NULL)
			continue;
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, wxf_model_printf(m, "%s/title", ip),
		    wxf_xml_text_ne(m, inner, "title"));
		dl = wxf_xml_child(inner, "datalist");
		st[sp].item = dl != NULL ? dl->children : NULL;
		st[sp].path = ip;
		st[sp].level = f->level + 1;
		st[sp].k = 0;
		sp++;
	}
out:
	while (docs->n > 0)
		xmlFreeDoc(docs->d[--docs->n]);
	free(docs);
	return rc;
}

static int
decode_appmsg(wxf_model *m, wxf_msg *msg, xmlNodePtr root)
{
	xmlNodePtr am = wxf_xml_child(root, "appmsg");
	const char *ts;
	int64_t t;

	if (am == NULL) {
		wxf_msg_warn(m, msg, "appmsg-missing", "app message without <appmsg>");
		return WXF_OK;
	}
	wxf_msg_xw(m, msg)->title = wxf_xml_text_ne(m, am, "title");
	wxf_msg_xw(m, msg)->desc = wxf_xml_text_ne(m, am, "des");
	wxf_msg_xw(m, msg)->url = wxf_xml_text_ne(m, am, "url");
	wxf_msg_xw(m, msg)->app_id = wxf_xml_attr(m, am, "appid");
	if (msg->x->app_id != NULL && *msg->x->app_id == '\0')
		wxf_msg_xw(m, msg)->app_id = NULL;
	wxf_msg_xw(m, msg)->app_name = wxf_xml_text_ne(m, root, "appinfo/appname");
	wxf_msg_xw(m, msg)->source_name = wxf_xml_text_ne(m, am, "sourcedisplayname");
	ts = wxf_xml_text_ne(m, am, "type");
	if (ts != NULL && parse_int(ts, &t)) {
		msg->app_type = t;
	} else {
		if (ts != NULL)
			wxf_msg_warn(m, msg, "appmsg-type", "appmsg <type> \"%.32s\" is not a number", ts);
		msg->kind = wxf_wc_type_hint(msg->raw_type);
	}
	if (msg->app_type != WXF_INT_UNKNOWN)
		msg->kind = wxf_wc_app_kind(msg->app_type);
	msg->body = msg->x->title;
	/* a sender named in the XML, for rows that carry no other sender information */
	if (msg->sender == NULL) {
		const char *fu = wxf_xml_text_ne(m, root, "fromusername");

		if (fu != NULL) {
			msg->sender = fu;
			msg->sender_src = WXF_SENDER_XML;
		}
	}
	switch (msg->app_type) {
	case 2000:
		return decode_transfer(m, msg, am);
	case 2001: case 2002:
		return decode_red_packet_or_aa(m, msg, am, msg->app_type);
	case 6: {
		int64_t sz;

		wxf_msg_xw(m, msg)->file_name = msg->x->title;
		wxf_msg_xw(m, msg)->file_ext = wxf_xml_text_ne(m, am, "appattach/fileext");
		if (parse_int(wxf_xml_text_ne(m, am, "appattach/totallen"), &sz))
			wxf_msg_xw(m, msg)->file_size = sz;
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "md5", wxf_xml_text_ne(m, am, "md5"));
		break;
	}
	case 57:
		wxf_msg_xw(m, msg)->quote_svrid = wxf_xml_text_ne(m, am, "refermsg/svrid");
		wxf_msg_xw(m, msg)->quote_from = wxf_xml_text_ne(m, am, "refermsg/fromusr");
		wxf_msg_xw(m, msg)->quote_text = wxf_xml_text_ne(m, am, "refermsg/content");
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "refermsg/displayname",
		    wxf_xml_text_ne(m, am, "refermsg/displayname"));
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "refermsg/type", wxf_xml_text_ne(m, am, "refermsg/type"));
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "refermsg/createtime",
		    wxf_xml_text_ne(m, am, "refermsg/createtime"));
		break;
	case 33: case 36:
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "weappinfo/username",
		    wxf_xml_text_ne(m, am, "weappinfo/username"));
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "weappinfo/pagepath",
		    wxf_xml_text_ne(m, am, "weappinfo/pagepath"));
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "sourcedisplayname", msg->x->source_name);
		break;
	case 19: {
		const char *ri = wxf_xml_text_ne(m, am, "recorditem");

		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "recorditem", ri);
		if (ri != NULL && decode_record(m, msg, ri) != WXF_OK)
			return WXF_ENOMEM;
		break;
	}
	default:
		break;
	}
	/* template / dyeing notices (receipts): appmsg 5 with mmreader template lines */
	if (wxf_xml_path(am, "mmreader/template_detail") != NULL ||
	    msg->raw_type == 318767153)
		return decode_template(m, msg, am);
	return WXF_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* System (10000) and command (10002) messages */

static int
is_recall_text(const char *s)
{
	return s != NULL && (strstr(s, "撤回了一条消息") != NULL ||
	    strstr(s, "recalled a message") != NULL || strstr(s, "withdrew a message") != NULL ||
	    strstr(s, "撤回了一條訊息") != NULL);
}

static int
decode_system(wxf_model *m, wxf_msg *msg)
{
	const char *text = msg->payload;
	const char *sendid;

	msg->kind = WXF_MK_SYSTEM;
	msg->body = strip_tags(m, text);
	if (is_recall_text(msg->body)) {
		/* the client overwrote the recalled row in place: this IS the recalled message */
		msg->kind = WXF_MK_RECALL;
		msg->is_recall = 1;
		wxf_msg_xw(m, msg)->recall_text = msg->body;
		wxf_msg_xw(m, msg)->recall_target_svrid = msg->server_id;
		return WXF_OK;
	}
	sendid = strstr(text, "weixinhongbao") != NULL || strstr(text, "红包") != NULL ?
	    wxf_wc_sendid(m, text) : NULL;
	if (sendid != NULL) {
		wxf_payment *p = wxf_model_payment(m, WXF_PAY_RED_PACKET, sendid, &msg->prov, NULL);
		wxf_hb_claim c;
		const char *b = msg->body, *x;

		if (p == NULL)
			return WXF_ENOMEM;
		msg->kind = WXF_MK_RED_PACKET_CLAIM;
		set_if_null(&p->sendid, sendid);
		set_if_null(&p->talker, msg->talker);
		memset(&c, 0, sizeof(c));
		c.text = b;
		c.time_ms = msg->time_ms;
		c.msg_id = msg->id;
		c.prov = msg->prov;
		if (strncmp(b, "你领取了", strlen("你领取了")) == 0) {
			c.claimer = owner_name(m);
			/* "你领取了<sender>的红包" */
		} else if ((x = strstr(b, "领取了你的")) != NULL && x > b) {
			c.claimer = wxf_model_strndup(m, b, (size_t)(x - b));
			if (p->payer == NULL && owner_name(m) != NULL) {
				p->payer = owner_name(m);
				p->payer_src = "claim notice (领取了你的红包)";
			}
		}
		if (wxf_payment_add_claim(m, p, &c) != WXF_OK)
			return WXF_ENOMEM;
		return wxf_payment_link_msg(m, p, msg);
	}
	return WXF_OK;
}

static int
decode_syscmd(wxf_model *m, wxf_msg *msg)
{
	const char *why;
	size_t at;
	xmlDocPtr doc;
	xmlNodePtr root;
	const char *type;

	msg->kind = WXF_MK_SYSCMD;
	msg->body = NULL;
	if (!wxf_xml_looks_like(msg->payload, strlen(msg->payload))) {
		msg->body = msg->payload;
		return WXF_OK;
	}
	doc = wxf_xml_parse_at(msg->payload, strlen(msg->payload), &msgxml_limits, &why, &at);
	if (doc == NULL && why == wxf_xml_enomem)
		return WXF_ENOMEM;
	if (doc == NULL && at != (size_t)-1)
		return wxf_msg_warn(m, msg, "xml-malformed", "system command XML not decoded: %s "
		    "(start tag at byte %zu of the content)", why,
		    (size_t)(msg->payload - msg->content) + at);
	if (doc == NULL)
		return wxf_msg_warn(m, msg, "xml-malformed", "system command XML not decoded: %s", why);
	root = xmlDocGetRootElement(doc);
	type = wxf_xml_attr(m, root, "type");
	if (type != NULL)
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "sysmsg/@type", type);
	if (type != NULL && strcmp(type, "revokemsg") == 0) {
		xmlNodePtr r = wxf_xml_child(root, "revokemsg");

		msg->kind = WXF_MK_REVOKE;
		wxf_msg_xw(m, msg)->recall_text = wxf_xml_text_ne(m, r, "replacemsg");
		wxf_msg_xw(m, msg)->recall_target_svrid = wxf_xml_text_ne(m, r, "newmsgid");
		msg->body = msg->x->recall_text;
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "revokemsg/session", wxf_xml_text_ne(m, r, "session"));
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "revokemsg/msgid", wxf_xml_text_ne(m, r, "msgid"));
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "revokemsg/newmsgid", msg->x->recall_target_svrid);
	} else if (type != NULL && strcmp(type, "pat") == 0) {
		msg->kind = WXF_MK_PAT;
		wxf_xml_flatten(m, wxf_xml_child(root, "pat"), "pat", &wxf_msg_xw(m, msg)->fields);
		msg->body = wxf_xml_text_ne(m, root, "pat/template");
	} else {
		wxf_xml_flatten(m, root, "sysmsg", &wxf_msg_xw(m, msg)->fields);
	}
	xmlFreeDoc(doc);
	return WXF_OK;
}

/* ------------------------------------------------------------------------------------------ */

static int
decode_xml_kind(wxf_model *m, wxf_msg *msg, int64_t base)
{
	const char *why;
	xmlDocPtr doc;
	xmlNodePtr root, n;
	int rc = WXF_OK;
	size_t len = strlen(msg->payload), at;

	if (!wxf_xml_looks_like(msg->payload, len)) {
		if (base == 49 || base == 42 || base == 48)
			wxf_msg_warn(m, msg, "xml-missing", "type %lld content is not XML",
			    (long long)msg->raw_type);
		return WXF_OK;
	}
	doc = wxf_xml_parse_at(msg->payload, len, &msgxml_limits, &why, &at);
	if (doc == NULL && why == wxf_xml_enomem)
		return WXF_ENOMEM;
	if (doc == NULL && at != (size_t)-1)
		return wxf_msg_warn(m, msg, "xml-malformed", "message XML not decoded: %s (start tag "
		    "at byte %zu of the content)", why, (size_t)(msg->payload - msg->content) + at);
	if (doc == NULL)
		return wxf_msg_warn(m, msg, "xml-malformed", "message XML not decoded: %s", why);
	root = xmlDocGetRootElement(doc);
	switch (base) {
	case 49:
		rc = decode_appmsg(m, msg, root);
		break;
	case 3:
		n = wxf_xml_child(root, "img");
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "img/md5", wxf_xml_attr(m, n, "md5"));
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "img/length", wxf_xml_attr(m, n, "length"));
		break;
	case 34:
		n = wxf_xml_child(root, "voicemsg");
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "voicemsg/voicelength", wxf_xml_attr(m, n, "voicelength"));
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "voicemsg/fromusername",
		    wxf_xml_attr(m, n, "fromusername"));
		break;
	case 43: case 62:
		n = wxf_xml_child(root, "videomsg");
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "videomsg/playlength", wxf_xml_attr(m, n, "playlength"));
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "videomsg/md5", wxf_xml_attr(m, n, "md5"));
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "videomsg/fromusername",
		    wxf_xml_attr(m, n, "fromusername"));
		break;
	case 47:
		n = wxf_xml_child(root, "emoji");
		wxf_msg_xw(m, msg)->emoji_md5 = wxf_xml_attr(m, n, "md5");
		break;
	case 48:
		n = wxf_xml_child(root, "location");
		wxf_msg_xw(m, msg)->loc.x = wxf_xml_attr(m, n, "x");
		wxf_msg_xw(m, msg)->loc.y = wxf_xml_attr(m, n, "y");
		wxf_msg_xw(m, msg)->loc.scale = wxf_xml_attr(m, n, "scale");
		wxf_msg_xw(m, msg)->loc.label = wxf_xml_attr(m, n, "label");
		wxf_msg_xw(m, msg)->loc.poiname = wxf_xml_attr(m, n, "poiname");
		msg->body = msg->x->loc.poiname != NULL && *msg->x->loc.poiname ? msg->x->loc.poiname :
		    msg->x->loc.label;
		break;
	case 42: case 66:
		wxf_msg_xw(m, msg)->card_username = wxf_xml_attr(m, root, "username");
		wxf_msg_xw(m, msg)->card_nickname = wxf_xml_attr(m, root, "nickname");
		wxf_msg_xw(m, msg)->card_alias = wxf_xml_attr(m, root, "alias");
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "sign", wxf_xml_attr(m, root, "sign"));
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "province", wxf_xml_attr(m, root, "province"));
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "city", wxf_xml_attr(m, root, "city"));
		msg->body = msg->x->card_nickname;
		break;
	case 37: case 40:
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "fromusername", wxf_xml_attr(m, root, "fromusername"));
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "fromnickname", wxf_xml_attr(m, root, "fromnickname"));
		wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "alias", wxf_xml_attr(m, root, "alias"));
		msg->body = wxf_xml_attr(m, root, "content");
		break;
	default:
		break;
	}
	xmlFreeDoc(doc);
	return rc;
}

int
wxf_wc_decode(wxf_model *m, wxf_msg *msg, const char *content, size_t n)
{
	int64_t base = wxf_wc_base_type(msg->raw_type);
	size_t ulen = 0, off = 0;
	int sys = base == 10000 || base == 10002 || base == 9999 || msg->raw_type == 570425393;
	int group = msg->talker != NULL && wxf_id_kind_guess(msg->talker) == WXF_ID_GROUP;

	msg->base_type = base;
	msg->content = content != NULL ? wxf_model_strndup(m, content, n) : NULL;
	msg->content_len = content != NULL ? n : 0;
	if (content != NULL && msg->content == NULL)
		return WXF_ENOMEM;
	if (content != NULL && memchr(content, '\0', n) != NULL)
		wxf_msg_warn(m, msg, "content-nul", "content holds NUL bytes (cut at the first)");
	msg->payload = msg->content;
	msg->kind = wxf_wc_type_hint(msg->raw_type);

	/* direction and sender */
	if (msg->is_send == 1) {
		msg->dir = WXF_DIR_OUT;
		msg->sender = owner_name(m);
		msg->sender_src = WXF_SENDER_OWNER;
	} else {
		msg->dir = sys ? WXF_DIR_SYSTEM : (msg->is_send == 0 ? WXF_DIR_IN : WXF_DIR_UNKNOWN);
		if (group && !sys && msg->content != NULL &&
		    wxf_wc_group_prefix(msg->content, strlen(msg->content), &ulen, &off)) {
			msg->sender = wxf_model_intern(m, msg->content, ulen);
			msg->sender_src = WXF_SENDER_GROUP_PREFIX;
			msg->payload = msg->content + off;
		} else if (msg->talker != NULL && msg->is_send != WXF_INT_UNKNOWN &&
		    !(group && !sys)) {
			/* a received 1:1 message (or notice) comes from the conversation; a row whose
			 * direction was lost (a fragment) names no sender */
			msg->sender = msg->talker;
			msg->sender_src = WXF_SENDER_TALKER;
		}
	}
	if (msg->payload == NULL) {
		msg->payload = NULL;
		return WXF_OK;
	}
	if (base == 1) {
		msg->body = msg->payload;
		return WXF_OK;
	}
	if (base == 10000 || base == 9999 || msg->raw_type == 570425393)
		return decode_system(m, msg);
	if (base == 10002)
		return decode_syscmd(m, msg);
	if (base == 50 || base == 52 || base == 53 || base == 64 || base == 35) {
		msg->body = wxf_xml_looks_like(msg->payload, strlen(msg->payload)) ? NULL :
		    msg->payload;
		return WXF_OK;
	}
	if (base == 34 && !wxf_xml_looks_like(msg->payload, strlen(msg->payload))) {
		/* old voice rows: "sender:length:0" */
		return WXF_OK;
	}
	return decode_xml_kind(m, msg, base);
}
