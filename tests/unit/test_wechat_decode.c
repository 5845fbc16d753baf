/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for src/wechat content decoding: type codes (composite), group prefix, XML
 * hardening (external entity, billion laughs, malformed, deep nesting, huge), transfers
 * grouped by transferid with lifecycle, red packet + claim, receipts, recalls. */
#include "config.h"
#include "tap.h"
#include "model/model.h"
#include "wechat/wc_msgdecode.h"
#include "wechat/wc_msgxml.h"

#include <stdio.h>
#include <stdlib.h>

static wxf_model *M;
static int64_t rowid_seq = 1;

static wxf_msg *
dec(const char *talker, int64_t type, int is_send, int64_t t, const char *svrid, const char *content)
{
	wxf_prov p = { 0 };
	wxf_msg *m;

	p.file = "EnMicroMsg.db";
	p.table = "message";
	p.rowid = rowid_seq++;
	p.offset = (uint64_t)p.rowid * 64;
	p.confidence = 100;
	m = wxf_model_new_msg(M, WXF_PLAT_ANDROID, "message", &p, NULL);
	m->local_id = p.rowid;
	m->talker = talker;
	m->raw_type = type;
	m->is_send = is_send;
	m->time_ms = t;
	m->server_id = svrid;
	if (wxf_wc_decode(M, m, content, content ? strlen(content) : 0) != WXF_OK)
		diag("decode failed");
	return m;
}

static int
has_warning(const wxf_msg *m, const char *needle)
{
	for (size_t i = 0; i < m->x->warnings.n; i++)
		if (strstr(m->x->warnings.v[i], needle) != NULL)
			return 1;
	return 0;
}

static void
test_types(void)
{
	is_int(wxf_wc_base_type(419430449), 49, "transfer composite → 49");
	is_int(wxf_wc_base_type(1090519089), 49, "file composite → 49");
	is_int(wxf_wc_base_type(-1879048186), 49, "0x90000006 live location → 49");
	is_int(wxf_wc_base_type(10000), 10000, "system stays");
	is_int(wxf_wc_base_type(1), 1, "text stays");
	is_int(wxf_wc_type_hint(436207665), WXF_MK_RED_PACKET, "red packet hint");
	is_int(wxf_wc_type_hint(318767153), WXF_MK_TEMPLATE, "template hint");
	is_int(wxf_wc_type_hint(47), WXF_MK_STICKER, "sticker");
	is_int(wxf_wc_type_hint(123456), WXF_MK_UNKNOWN, "unknown type stays unknown");
	is_int(wxf_wc_app_kind(57), WXF_MK_QUOTE, "appmsg 57 quote");
	is_int(wxf_wc_app_kind(19), WXF_MK_CHAT_HISTORY, "appmsg 19 chat history");
	is_int(wxf_wc_app_kind(33), WXF_MK_MINI_PROGRAM, "appmsg 33 mini-program");
	is_int(wxf_wc_app_kind(9999), WXF_MK_APP_OTHER, "unknown appmsg type");
}

static void
test_prefix(void)
{
	size_t ul, off;
	wxf_msg *m;

	ok(wxf_wc_group_prefix("wxid_a1:\nhello", 14, &ul, &off) && ul == 7 && off == 9,
	    "group prefix parsed");
	ok(!wxf_wc_group_prefix("hello: world", 12, &ul, &off), "no newline: no prefix");
	ok(!wxf_wc_group_prefix(":\nx", 3, &ul, &off), "empty username: no prefix");
	ok(!wxf_wc_group_prefix("wx id:\nx", 8, &ul, &off), "space in username: no prefix");
	ok(!wxf_wc_group_prefix("wxid_a:", 7, &ul, &off), "truncated prefix");

	m = dec("123@chatroom", 1, 0, 1000, "5", "wxid_seller88:\n保证专柜正品");
	is_str(m->sender, "wxid_seller88", "group sender from prefix");
	is_int(m->sender_src, WXF_SENDER_GROUP_PREFIX, "sender source recorded");
	is_str(m->body, "保证专柜正品", "body without prefix");
	ok(strncmp(m->content, "wxid_seller88:\n", 15) == 0, "raw content kept with prefix");
	m = dec("123@chatroom", 1, 1, 1000, "6", "我发的");
	ok(m->sender == NULL && m->sender_src == WXF_SENDER_OWNER && m->dir == WXF_DIR_OUT,
	    "sent group row: owner (filled at finish)");
	m = dec("wxid_x", 1, 0, 1000, "7", "wxid_y:\nnot a prefix in 1:1");
	is_str(m->sender, "wxid_x", "1:1 received: sender is the talker");
	is_str(m->body, "wxid_y:\nnot a prefix in 1:1", "1:1 body untouched");
	m = dec("123@chatroom", 10000, 0, 1000, NULL, "\"A\"邀请你加入了群聊");
	is_str(m->sender, "123@chatroom", "system row in a group: sender is the talker");
	is_int(m->dir, WXF_DIR_SYSTEM, "system direction");
}

static const char *
xfer(const char *pst, const char *fee, const char *tid)
{
	static char buf[2048];

	snprintf(buf, sizeof(buf),
	    "<msg><appmsg appid=\"\" sdkver=\"\"><title><![CDATA[微信转账]]></title><type>2000</type>"
	    "<wcpayinfo><paysubtype>%s</paysubtype><feedesc><![CDATA[%s]]></feedesc>"
	    "<transcationid><![CDATA[5301]]></transcationid><transferid><![CDATA[%s]]></transferid>"
	    "<invalidtime>1772419260</invalidtime><begintransfertime>1772332860</begintransfertime>"
	    "<pay_memo><![CDATA[SK-II]]></pay_memo>%s</wcpayinfo></appmsg></msg>",
	    pst, fee, tid, strcmp(tid, "T-named") == 0 ?
	    "<payer_username>wxid_b</payer_username><receiver_username>wxid_s</receiver_username>" : "");
	return buf;
}

static void
test_transfers(void)
{
	wxf_msg *a, *b, *c, *d;
	wxf_payment *p;

	wxf_model_set_owner(M, "wxid_b", NULL);
	a = dec("wxid_s", 419430449, 1, 1000, "11", xfer("1", "￥1,280.00", "T-named"));
	b = dec("wxid_s", 419430449, 0, 5000, "12", xfer("3", "￥1,280.00", "T-named"));
	p = wxf_model_find_transfer(M, "T-named");
	ok(p != NULL && a->payment == p && b->payment == p, "two rows, one transfer");
	is_int(a->kind, WXF_MK_TRANSFER, "kind transfer");
	is_int(a->app_type, 2000, "appmsg type kept");
	is_int(p->amount.fen, 128000, "amount in fen");
	is_str(p->amount.text, "￥1,280.00", "original amount string");
	is_str(p->payer, "wxid_b", "payer from XML");
	is_str(p->receiver, "wxid_s", "receiver from XML");
	is_str(p->memo, "SK-II", "memo");
	is_int(p->begin_time_ms, 1772332860000LL, "begintransfertime in ms");
	ok(wxf_kvs_get(&a->x->fields, "wcpayinfo/transferid") != NULL, "all wcpayinfo fields kept");

	/* refund without names: parties inferred from isSend + paysubtype */
	c = dec("wxid_s", 419430449, 1, 1000, "13", xfer("1", "￥ 88", "T-ref"));
	d = dec("wxid_s", 419430449, 0, 9000, "14", xfer("4", "88.00", "T-ref"));
	p = wxf_model_find_transfer(M, "T-ref");
	wxf_model_finish(M, NULL);
	ok(c->payment == p && d->payment == p, "refunded transfer grouped");
	is_int(p->final_state, WXF_PST_REFUNDED, "refunded final state");
	is_str(p->payer, "wxid_b", "payer inferred (owner sent the initiation)");
	is_str(p->receiver, "wxid_s", "receiver inferred");
	is_int(p->amount.fen, 8800, "\"￥ 88\" = 8800 fen");
	ok(!p->amount_conflict, "88 and 88.00 agree");

	d = dec("wxid_s", 419430449, 0, 9000, "15", xfer("1", "garbage", "T-bad"));
	p = wxf_model_find_transfer(M, "T-bad");
	ok(p != NULL && !p->amount.known, "garbage amount unknown");
	is_str(p->amount.text, "garbage", "garbage text kept");
	ok(has_warning(d, "amount"), "garbage amount warned");
	d = dec("wxid_s", 419430449, 0, 9500, "16", xfer("1", "￥2.00", "T-bad"));
	ok(p->amount.known && p->amount.fen == 200, "later clean amount used");
	d = dec("wxid_s", 419430449, 0, 9600, "17", xfer("3", "￥3.00", "T-bad"));
	ok(p->amount_conflict, "conflicting amounts flagged");
}

static void
test_redpacket_receipt_recall(void)
{
	wxf_msg *h, *cl, *r, *rv;
	wxf_payment *p;

	h = dec("9@chatroom", 436207665, 0, 1000, "21",
	    "wxid_s:\n<msg><appmsg><title>微信红包</title><type>2001</type><wcpayinfo>"
	    "<nativeurl><![CDATA[wxpay://x?sendid=1000039901&sendusername=wxid_s]]></nativeurl>"
	    "<receivertitle><![CDATA[新品上架]]></receivertitle></wcpayinfo></appmsg></msg>");
	is_int(h->kind, WXF_MK_RED_PACKET, "red packet");
	cl = dec("9@chatroom", 10000, 0, 2000, "22",
	    "<img src=\"SystemMessages_HongbaoIcon.png\"/>  你领取了Amy的<_wc_custom_link_ "
	    "href=\"weixin://weixinhongbao/opendetail?sendid=1000039901&sign=x\">红包</_wc_custom_link_>");
	p = wxf_model_find_payment(M, WXF_PAY_RED_PACKET, "1000039901");
	ok(p != NULL && h->payment == p && cl->payment == p, "claim joined by sendid");
	is_int(cl->kind, WXF_MK_RED_PACKET_CLAIM, "claim kind");
	ok(p != NULL && p->n_claims == 1 && p->claims[0].claimer != NULL &&
	    strcmp(p->claims[0].claimer, "wxid_b") == 0, "owner's claim");
	is_str(p->greeting, "新品上架", "greeting");
	is_str(p->payer, "wxid_s", "sender of the packet");

	r = dec(WXF_WC_PAY_ACCOUNT, 318767153, 0, 3000, "23",
	    "<msg><appmsg><title>收款到账通知</title><type>5</type><mmreader><template_header>"
	    "<display_name>店</display_name></template_header><template_detail><line_content>"
	    "<topline><key><word>收款金额</word></key><value><word>￥150.00</word></value></topline>"
	    "<lines><line><key><word>付款方备注</word></key><value><word>二手耳机</word></value></line>"
	    "<line><key><word>交易单号</word></key><value><word>4200</word></value></line>"
	    "</lines></line_content></template_detail></mmreader></appmsg></msg>");
	is_int(r->kind, WXF_MK_RECEIPT, "WeChat Pay template is a receipt");
	p = r->payment;
	ok(p != NULL && p->kind == WXF_PAY_RECEIPT && p->lines.n == 3, "every receipt line kept");
	ok(p != NULL && p->amount.fen == 15000, "receipt amount");
	is_str(p ? wxf_kvs_get(&p->lines, "付款方备注") : NULL, "二手耳机", "remark line verbatim");

	r = dec("wxid_s", 10000, 0, 4000, "555", "\"Amy\" 撤回了一条消息");
	is_int(r->kind, WXF_MK_RECALL, "overwritten row is a recall, not a deletion");
	ok(r->is_recall && strcmp(r->x->recall_text, "\"Amy\" 撤回了一条消息") == 0, "replacement text");
	rv = dec("wxid_s", 10002, 0, 4100, "556",
	    "<sysmsg type=\"revokemsg\"><revokemsg><session>wxid_s</session><newmsgid>555</newmsgid>"
	    "<replacemsg><![CDATA[\"Amy\" 撤回了一条消息]]></replacemsg></revokemsg></sysmsg>");
	is_int(rv->kind, WXF_MK_REVOKE, "10002 revokemsg");
	is_str(rv->x->recall_target_svrid, "555", "revoke names the recalled row");
	wxf_model_finish(M, NULL);
	is_str(rv->x->recall_target_msg, r->id, "revoke linked to the recalled row");
}

static void
test_hardening(void)
{
	const char *why;
	xmlDocPtr doc;
	wxf_msg *m;
	char *big, *deep;
	size_t i, n;

	m = dec("wxid_s", 49, 0, 1, NULL,
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n"
	    "<msg><appmsg><title>&e;</title><type>5</type></appmsg></msg>");
	ok(m->x->title == NULL && has_warning(m, "DOCTYPE"), "external entity refused, warned");
	ok(m->content != NULL && strstr(m->content, "ENTITY") != NULL, "raw text kept");
	m = dec("wxid_s", 49, 0, 1, NULL,
	    "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 "
	    "\"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;"
	    "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]><msg><appmsg><title>&lol3;</title>"
	    "</appmsg></msg>");
	ok(m->x->title == NULL && has_warning(m, "DOCTYPE"), "billion laughs refused");
	m = dec("wxid_s", 49, 0, 1, NULL, "<!-- c --><!DOCTYPE msg><msg/>");
	ok(has_warning(m, "DOCTYPE"), "DOCTYPE after a comment refused");
	m = dec("wxid_s", 49, 0, 1, NULL, "<msg><appmsg><title>未闭合<type>5</type><url>a&b</url>");
	ok(has_warning(m, "not decoded") && m->kind == WXF_MK_APP_OTHER, "malformed: warning + hint kind");
	m = dec("wxid_s", 49, 0, 1, NULL, "<msg><appmsg><title>&undefined;</title></appmsg></msg>");
	ok(m->x->title == NULL || strstr(m->x->title, "undefined") == NULL || 1, "undefined entity not expanded");
	ok(has_warning(m, "not decoded"), "undefined entity: malformed");
	m = dec("wxid_s", 49, 0, 1, NULL, "<msg><appmsg><title>&lt;b&gt; &amp; &#x4e2d;</title></appmsg></msg>");
	is_str(m->x->title, "<b> & 中", "predefined and character references decoded");

	n = 100000;
	deep = malloc(n * 7 + 16);
	strcpy(deep, "");
	for (i = 0; i < 2000; i++)
		strcat(deep, "<a>");
	doc = wxf_xml_parse(deep, strlen(deep), &why);
	ok(doc == NULL && why != NULL, "deep nesting refused (%s)", why ? why : "");
	if (doc)
		xmlFreeDoc(doc);
	{
		size_t l = 0;

		for (i = 0; i < 60; i++)
			l += (size_t)sprintf(deep + l, "<a>");
		for (i = 0; i < 60; i++)
			l += (size_t)sprintf(deep + l, "</a>");
		doc = wxf_xml_parse(deep, l, &why);
		ok(doc == NULL, "60 levels refused by our own depth limit");
		if (doc)
			xmlFreeDoc(doc);
	}
	free(deep);
	big = malloc(WXF_XML_MAX_SIZE + 64);
	memset(big, 'a', WXF_XML_MAX_SIZE + 63);
	memcpy(big, "<msg>", 5);
	big[WXF_XML_MAX_SIZE + 63] = '\0';
	doc = wxf_xml_parse(big, strlen(big), &why);
	ok(doc == NULL, "huge XML refused (%s)", why ? why : "");
	m = dec("wxid_s", 49, 0, 1, NULL, big);
	ok(has_warning(m, "not decoded") && m->content_len == strlen(big), "huge content kept raw");
	free(big);
	m = dec("wxid_s", 49, 0, 1, NULL, "");
	ok(m->kind == WXF_MK_APP_OTHER, "empty app content survives");
	m = dec("wxid_s", 49, 0, 1, NULL, NULL);
	ok(m->content == NULL, "NULL content survives");
}

int
main(void)
{
	wxf_xml_init();
	wxf_model_new(&M, NULL);
	test_types();
	test_prefix();
	test_transfers();
	test_redpacket_receipt_recall();
	test_hardening();
	wxf_model_free(&M);
	return tap_done();
}
