/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/analysis: models are built by hand with the model API (no reader), so
 * each number below is worked out from the rows written here.
 */
#include "config.h"
#include "analysis/analysis.h"
#include "base/wxf_buf.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OWNER "wxid_buyer01"
#define SELLER "wxid_seller88"
#define FRIEND "wxid_friend01"
#define ROOM "23311822345@chatroom"
#define T0 INT64_C(1772330400000) /* 2026-03-01T02:00:00Z */
#define MIN INT64_C(60000)

static int64_t next_rowid = 1;

static wxf_prov
P(const char *table, wxf_origin origin)
{
	wxf_prov p;

	memset(&p, 0, sizeof(p));
	p.file = "MicroMsg/acct/EnMicroMsg.db";
	p.table = table;
	p.rowid = next_rowid;
	p.pgno = (uint32_t)(10 + next_rowid);
	p.offset = (uint64_t)(4096 * 10 + next_rowid * 37);
	p.length = 100;
	p.origin = origin;
	p.status = origin == WXF_ORIGIN_LIVE ? WXF_STATUS_INTACT : WXF_STATUS_DELETED_RECOVERED;
	p.confidence = origin == WXF_ORIGIN_LIVE ? 100 : 80;
	next_rowid++;
	return p;
}

static wxf_msg *
msg(wxf_model *m, const char *talker, const char *sender, int out, int64_t t, const char *body,
    wxf_msg_kind kind)
{
	wxf_prov p = P("message", WXF_ORIGIN_LIVE);
	wxf_msg *x = wxf_model_new_msg(m, WXF_PLAT_ANDROID, "message", &p, NULL);

	x->talker = wxf_model_strdup(m, talker);
	x->sender = wxf_model_strdup(m, out ? OWNER : sender);
	x->sender_src = out ? WXF_SENDER_OWNER : (strstr(talker, "@chatroom") ?
	    WXF_SENDER_GROUP_PREFIX : WXF_SENDER_TALKER);
	x->dir = out ? WXF_DIR_OUT : WXF_DIR_IN;
	x->is_send = out;
	x->time_ms = t;
	x->body = wxf_model_strdup(m, body);
	x->content = x->body;
	x->kind = kind;
	x->raw_type = x->base_type = kind == WXF_MK_TEXT ? 1 : 49;
	return x;
}

/* A transfer with its lifecycle rows: ps[] paysubtypes at times ts[]. */
static wxf_payment *
transfer(wxf_model *m, const char *tid, const char *amount, const char *payer,
    const char *receiver, const char *memo, int64_t begin, const int *ps, const int64_t *ts,
    size_t n, wxf_origin first_origin)
{
	wxf_prov pp = P("message", WXF_ORIGIN_LIVE);
	wxf_payment *p = wxf_model_payment(m, WXF_PAY_TRANSFER, tid, &pp, NULL);
	const char *talker = strcmp(payer, OWNER) == 0 ? receiver : payer;

	p->transfer_id = wxf_model_strdup(m, tid);
	wxf_amount_set(m, &p->amount, amount);
	p->payer = wxf_model_strdup(m, payer);
	p->receiver = wxf_model_strdup(m, receiver);
	p->payer_src = "wcpayinfo.payer_username";
	p->receiver_src = "wcpayinfo.receiver_username";
	p->talker = wxf_model_strdup(m, talker);
	p->memo = wxf_model_strdup(m, memo);
	p->begin_time_ms = begin;
	for (size_t i = 0; i < n; i++) {
		wxf_pay_event ev;
		int out = (ps[i] == 1) == (strcmp(payer, OWNER) == 0);
		wxf_msg *x = msg(m, talker, talker, out, ts[i], "微信转账", WXF_MK_TRANSFER);

		if (i == 0 && first_origin != WXF_ORIGIN_LIVE) {
			x->prov.origin = first_origin;
			x->prov.status = WXF_STATUS_DELETED_RECOVERED;
		}
		x->app_type = 2000;
		x->raw_type = 419430449;
		memset(&ev, 0, sizeof(ev));
		ev.paysubtype = ps[i];
		ev.state = wxf_paysubtype_state(ps[i]);
		ev.time_ms = ts[i];
		ev.msg_id = x->id;
		ev.dir = x->dir;
		ev.prov = x->prov;
		wxf_payment_add_event(m, p, &ev);
		wxf_payment_link_msg(m, p, x);
	}
	return p;
}

/* The demo-like story used by most tests. */
static wxf_model *
story(void)
{
	wxf_model *m;
	wxf_err err;
	wxf_prov p;
	wxf_identity *id;
	wxf_group *g;
	wxf_msg *x;
	static const int acc[] = { 1, 3 }, acc8[] = { 1, 8 }, ref[] = { 1, 4 }, exp[] = { 1, 10 },
	    pend[] = { 1 };

	next_rowid = 1;
	wxf_err_clear(&err);
	if (wxf_model_new(&m, &err) != WXF_OK)
		return NULL;
	p = P("userinfo", WXF_ORIGIN_LIVE);
	id = wxf_model_set_owner(m, OWNER, &p);
	wxf_attrs_add(m, &id->nicknames, "林小雨", "userinfo.4", WXF_TIME_UNKNOWN, &p);
	p = P("userinfo", WXF_ORIGIN_LIVE);
	wxf_attrs_add(m, &id->phones, "13800001234", "userinfo.6", WXF_TIME_UNKNOWN, &p);
	p = P("WalletUserInfo", WXF_ORIGIN_LIVE);
	wxf_attrs_add(m, &id->real_names, "林筱雨", "WalletUserInfo.true_name", WXF_TIME_UNKNOWN,
	    &p);
	p = P("WalletBankcard", WXF_ORIGIN_LIVE);
	wxf_attrs_add(m, &id->bank_cards, "招商银行|储蓄卡|6688", "WalletBankcard",
	    WXF_TIME_UNKNOWN, &p);

	p = P("rcontact", WXF_ORIGIN_LIVE);
	id = wxf_model_identity(m, SELLER, &p);
	id->kind = WXF_ID_PERSON;
	id->in_contacts = 1;
	wxf_attrs_add(m, &id->nicknames, "Amy香港代购", "rcontact.nickname", WXF_TIME_UNKNOWN, &p);
	wxf_attrs_add(m, &id->aliases, "HK_daigou_Amy", "rcontact.alias", WXF_TIME_UNKNOWN, &p);
	wxf_attrs_add(m, &id->remarks, "代购Amy", "rcontact.conRemark", WXF_TIME_UNKNOWN, &p);
	p = P("rcontact", WXF_ORIGIN_LIVE);
	id = wxf_model_identity(m, FRIEND, &p);
	id->kind = WXF_ID_PERSON;
	wxf_attrs_add(m, &id->nicknames, "张美", "rcontact.nickname", WXF_TIME_UNKNOWN, &p);

	p = P("chatroom", WXF_ORIGIN_LIVE);
	g = wxf_model_group(m, ROOM, &p);
	wxf_attrs_add(m, &g->names, "港货正品分享群", "rcontact.nickname", WXF_TIME_UNKNOWN, &p);
	wxf_attrs_add(m, &g->owners, SELLER, "chatroom.roomowner", WXF_TIME_UNKNOWN, &p);
	wxf_group_add_member(m, g, SELLER, "Amy专柜正品", &p);
	wxf_group_add_member(m, g, OWNER, NULL, &p);
	wxf_group_add_member(m, g, FRIEND, NULL, &p);

	/* friend: many messages, no money */
	for (int i = 0; i < 12; i++)
		msg(m, FRIEND, FRIEND, i % 2, T0 + i * MIN, "今天吃什么", WXF_MK_TEXT);
	/* card from the friend naming the seller */
	x = msg(m, FRIEND, FRIEND, 0, T0 + 20 * MIN, "[名片]", WXF_MK_CARD);
	wxf_msg_xw(m, x)->card_username = SELLER;
	wxf_msg_xw(m, x)->card_nickname = "Amy专柜正品";
	wxf_msg_xw(m, x)->card_alias = "HK_daigou_Amy";
	/* seller chat; readers may name the partner as sender of a system notice */
	x = msg(m, SELLER, SELLER, 0, T0 + 29 * MIN, "你已添加了Amy香港代购，现在可以开始聊天了。",
	    WXF_MK_SYSTEM);
	x->dir = WXF_DIR_SYSTEM;
	x->raw_type = x->base_type = 10000;
	msg(m, SELLER, SELLER, 0, T0 + 30 * MIN, "你好亲，专柜代购", WXF_MK_TEXT);
	msg(m, SELLER, SELLER, 1, T0 + 31 * MIN, "保证正品吗？", WXF_MK_TEXT);
	msg(m, SELLER, SELLER, 0, T0 + 32 * MIN,
	    "专柜价1540，我这里1280，保证专柜正品，假一赔十。电话 138-0013-8000，"
	    "单号1000050001202603011040000123456", WXF_MK_TEXT);
	x = msg(m, ROOM, SELLER, 0, T0 + 40 * MIN, "原单就是工厂同一批出来的，品质1：1", WXF_MK_TEXT);
	x = msg(m, SELLER, SELLER, 0, T0 + 50 * MIN, "\"Amy香港代购\" 撤回了一条消息",
	    WXF_MK_RECALL);
	x->is_recall = 1;
	wxf_msg_xw(m, x)->recall_text = x->body;
	wxf_msg_xw(m, x)->recall_original = "这批是原单货，跟专柜一样的";
	x->raw_type = x->base_type = 10000;
	/* recovered copy of a live row: must not count twice */
	x = msg(m, SELLER, SELLER, 0, T0 + 32 * MIN, "专柜价1540 假一赔十", WXF_MK_TEXT);
	x->prov.origin = WXF_ORIGIN_FREEBLOCK;
	x->duplicate_of = "0000000000000000";

	/* transfers */
	{
		int64_t t1[] = { T0 + 33 * MIN, T0 + 40 * MIN };
		int64_t t2[] = { T0 + 60 * MIN, T0 + 61 * MIN };
		int64_t t3[] = { T0 + 70 * MIN, T0 + 71 * MIN };
		int64_t t4[] = { T0 + 80 * MIN, T0 + 80 * MIN + 86400000 };
		int64_t t5[] = { T0 + 90 * MIN };
		int64_t t6[] = { T0 + 100 * MIN, T0 + 101 * MIN };

		transfer(m, "T1", "￥1,280.00", OWNER, SELLER, "SK-II", t1[0], acc, t1, 2,
		    WXF_ORIGIN_LIVE);
		transfer(m, "T2", "￥3,600.00", OWNER, SELLER, "LV", t2[0], acc8, t2, 2,
		    WXF_ORIGIN_LIVE);
		transfer(m, "T3", "￥88.00", OWNER, SELLER, "邮费", t3[0], ref, t3, 2,
		    WXF_ORIGIN_FREELIST);
		transfer(m, "T4", "￥0.01", OWNER, SELLER, "测试", t4[0], exp, t4, 2,
		    WXF_ORIGIN_LIVE);
		transfer(m, "T5", "￥2,000.00", OWNER, SELLER, "LV尾款", t5[0], pend, t5, 1,
		    WXF_ORIGIN_LIVE);
		transfer(m, "T6", "￥500.00", SELLER, OWNER, "退差价", t6[0], acc, t6, 2,
		    WXF_ORIGIN_LIVE);
	}
	if (wxf_model_finish(m, &err) != WXF_OK) {
		wxf_model_free(&m);
		return NULL;
	}
	return m;
}

static wxf_indicator_set *
test_set(void)
{
	wxf_indicator_set *s;
	wxf_err err;

	if (wxf_indicators_new(&s, &err) != WXF_OK)
		return NULL;
	wxf_indicators_add(s, "1:1", "counterfeit-jargon", "t:1", &err);
	wxf_indicators_add(s, "A货", "counterfeit-jargon", "t:2", &err);
	wxf_indicators_add(s, "专柜", "authenticity-claim", "t:3", &err);
	wxf_indicators_add(s, "支持专柜验货", "verification-offer", "t:4", &err);
	wxf_indicators_add(s, "验货", "verification-offer", "t:5", &err);
	wxf_indicators_add(s, "正品", NULL, "t:6", &err);
	wxf_indicators_add(s, "假一赔十", "guarantee", "t:7", &err);
	wxf_indicators_add(s, "原单", "counterfeit-jargon", "t:8", &err);
	wxf_indicators_add(s, "１：１", "dup", "t:9", &err); /* folds to 1:1: ignored */
	return s;
}

typedef struct hits {
	char buf[2048];
	size_t n;
} hits;

static void
collect(void *arg, const wxf_indicator *ind, size_t off, size_t len)
{
	hits *h = arg;
	size_t l = strlen(h->buf);

	snprintf(h->buf + l, sizeof(h->buf) - l, "%s%s@%zu+%zu", l ? "|" : "", ind->phrase, off,
	    len);
	h->n++;
}

static const char *
match(const wxf_indicator_set *s, const char *text)
{
	static hits h;

	memset(&h, 0, sizeof(h));
	wxf_indicators_match(s, text, collect, &h);
	return h.buf;
}

static void
test_indicator_matching(void)
{
	wxf_indicator_set *s = test_set();

	ok(s != NULL, "indicator set built");
	is_int(wxf_indicators_count(s), 8, "full-width duplicate of 1:1 ignored");
	is_str(wxf_indicators_get(s, 0)->category, "counterfeit-jargon", "category kept");
	is_str(match(s, "品质1:1"), "1:1@6+3", "half-width 1:1");
	is_str(match(s, "品质1：1"), "1:1@6+5", "full-width colon matches 1:1 (byte length 5)");
	is_str(match(s, "品质１：１"), "1:1@6+9", "full-width digits and colon");
	is_str(match(s, "明天11:15见"), "", "no 1:1 inside a time 11:15");
	is_str(match(s, "比例21:1"), "", "no 1:1 after another digit");
	is_str(match(s, "1:1复刻"), "1:1@0+3", "1:1 at start followed by CJK");
	is_str(match(s, "这是a货"), "A货@6+4", "ASCII case-insensitive");
	is_str(match(s, "这是Ａ货"), "A货@6+6", "full-width Ａ");
	is_str(match(s, "DATA货"), "", "no A货 inside an ASCII word");
	is_str(match(s, "支持专柜验货"), "支持专柜验货@0+18|专柜@6+6|验货@12+6",
	    "overlapping phrases all hit, in offset order");
	is_str(match(s, "保证专柜正品，假一赔十"), "专柜@6+6|正品@12+6|假一赔十@21+12",
	    "several phrases in one text");
	is_int(wxf_indicators_match(s, "", NULL, NULL), 0, "empty text");
	is_int(wxf_indicators_match(s, "\xff\xfe原单", NULL, NULL), 1, "invalid UTF-8 survives");
	wxf_indicators_free(&s);
	ok(s == NULL, "free NULLs the pointer");
	wxf_indicators_free(&s);
}

static void
test_indicator_files(void)
{
	char dir[] = "/tmp/wxf-ind-XXXXXX", path[256], bad[256];
	wxf_indicator_set *s = NULL;
	wxf_err err;
	FILE *f;
	int rc;
	const char *extra[1];
	size_t base_n;

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/extra.txt", dir);
	f = fopen(path, "wb");
	fputs("\xEF\xBB\xBF# comment\r\n\r\n  莆田鞋  \tcounterfeit-jargon \r\n"
	    "专柜\tshould-not-replace\n# 不是短语\n超A货\n", f);
	fclose(f);
	snprintf(bad, sizeof(bad), "%s/bad.txt", dir);
	f = fopen(bad, "wb");
	fputs("ok\n\xC3\x28\n", f);
	fclose(f);

	wxf_err_clear(&err);
	rc = wxf_indicators_load(&s, NULL, NULL, 0, &err);
	is_int(rc, WXF_OK, "default data/indicators.txt found (%s)", err.msg);
	base_n = wxf_indicators_count(s);
	ok(base_n >= 23, "default list has the required phrases (%zu)", base_n);
	{
		static const char *const req[] = { "正品", "专柜", "假一赔十", "原单", "尾货", "高仿",
		    "A货", "1:1", "工厂货", "代工厂", "原厂", "同厂", "复刻", "顶级", "莆田", "免税店",
		    "海关", "保真", "验货", "支持专柜验货", "可验", "无售后", "不退不换", NULL };
		int all = 1;

		for (size_t i = 0; req[i] != NULL; i++) {
			int found = 0;

			for (size_t k = 0; k < base_n; k++)
				if (strcmp(wxf_indicators_get(s, k)->phrase, req[i]) == 0)
					found = 1;
			if (!found) {
				diag("missing %s", req[i]);
				all = 0;
			}
		}
		ok(all, "every required phrase present");
	}
	wxf_indicators_free(&s);

	extra[0] = path;
	rc = wxf_indicators_load(&s, NULL, extra, 1, &err);
	is_int(rc, WXF_OK, "default + extra file");
	is_int(wxf_indicators_count(s), base_n + 2, "extra adds 莆田鞋 and 超A货 only");
	{
		const wxf_indicator *last = wxf_indicators_get(s, wxf_indicators_count(s) - 1);
		const wxf_indicator *prev = wxf_indicators_get(s, wxf_indicators_count(s) - 2);

		is_str(prev->phrase, "莆田鞋", "phrase trimmed, BOM and CRLF handled");
		is_str(prev->category, "counterfeit-jargon", "category trimmed");
		ok(prev->origin != NULL && strstr(prev->origin, "extra.txt:3") != NULL,
		    "origin names file and line (%s)", prev->origin);
		ok(last->category == NULL, "no category -> NULL");
	}
	wxf_indicators_free(&s);

	wxf_err_clear(&err);
	rc = wxf_indicators_load(&s, path, NULL, 0, &err);
	is_int(rc, WXF_OK, "explicit base path");
	is_int(wxf_indicators_count(s), 3, "explicit base replaces the default list");
	wxf_indicators_free(&s);

	extra[0] = bad;
	wxf_err_clear(&err);
	rc = wxf_indicators_load(&s, NULL, extra, 1, &err);
	is_int(rc, WXF_ECORRUPT, "invalid UTF-8 rejected");
	ok(strstr(err.msg, "bad.txt:2") != NULL, "error names the line (%s)", err.msg);
	ok(s == NULL, "no set on failure");

	extra[0] = "/nonexistent/indicators.txt";
	rc = wxf_indicators_load(&s, NULL, extra, 1, &err);
	ok(rc < 0 && s == NULL, "missing extra file is an error");

	setenv("WXF_DATA_DIR", dir, 1);
	{
		char *got = NULL;

		snprintf(bad, sizeof(bad), "%s/indicators.txt", dir);
		f = fopen(bad, "wb");
		fputs("只有一个\n", f);
		fclose(f);
		rc = wxf_analysis_data_path("indicators.txt", NULL, &got, &err);
		ok(rc == WXF_OK && got != NULL && strcmp(got, bad) == 0,
		    "WXF_DATA_DIR comes before installed and source dirs");
		free(got);
		rc = wxf_analysis_data_path("indicators.txt", path, &got, &err);
		ok(rc == WXF_OK && strcmp(got, path) == 0, "explicit path comes first");
		free(got);
		rc = wxf_analysis_data_path("no-such-file.txt", NULL, &got, &err);
		is_int(rc, WXF_ENOTFOUND, "unknown data file");
		unlink(bad);
	}
	unsetenv("WXF_DATA_DIR");
	unlink(path);
	snprintf(bad, sizeof(bad), "%s/bad.txt", dir);
	unlink(bad);
	rmdir(dir);
}

static void
test_crpl(void)
{
	wxf_ledger_totals t;

	memset(&t, 0, sizeof(t));
	is_int(wxf_ledger_crpl55(10000, &t), WXF_OK, "crpl 100 yuan");
	is_int(t.crpl55_fen, 50000, "3 x 100 yuan < 500: floor");
	ok(t.crpl_floor_applied, "floor applied");
	is_int(t.crpl_triple_fen, 30000, "triple kept as input");
	wxf_ledger_crpl55(16666, &t);
	is_int(t.crpl55_fen, 50000, "3 x 166.66 = 499.98 -> floor");
	wxf_ledger_crpl55(16667, &t);
	is_int(t.crpl55_fen, 50001, "3 x 166.67 = 500.01 -> triple");
	ok(!t.crpl_floor_applied, "floor not applied");
	wxf_ledger_crpl55(0, &t);
	is_int(t.crpl55_fen, 50000, "nothing paid -> floor figure");
	wxf_ledger_crpl55(-500, &t);
	is_int(t.crpl_base_fen, 0, "negative net clamps to 0");
	wxf_ledger_crpl55(488000, &t);
	is_int(t.crpl55_fen, 1464000, "3 x 4880 yuan");
	is_int(wxf_ledger_crpl55(INT64_MAX / 3, &t), WXF_OK, "largest tripled value fits");
	ok(!t.overflow, "no overflow at INT64_MAX/3");
	memset(&t, 0, sizeof(t));
	is_int(wxf_ledger_crpl55(INT64_MAX / 3 + 1, &t), WXF_ECORRUPT, "3 x overflows");
	ok(t.overflow, "overflow flagged");
}

static const wxf_an_value *
find_value(const wxf_an_attr *a, const char *v)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i].value, v) == 0)
			return &a->v[i];
	return NULL;
}

static int
has_ref(const wxf_an_value *v, wxf_an_ref_kind kind, const char *field)
{
	for (size_t i = 0; v != NULL && i < v->n_refs; i++)
		if (v->refs[i].kind == kind && strcmp(v->refs[i].field, field) == 0)
			return 1;
	return 0;
}

static const wxf_ledger_row *
row(const wxf_analysis *a, const char *tid)
{
	for (size_t i = 0; i < a->ledger.n_transfers; i++)
		if (a->ledger.transfers[i].transfer_id != NULL &&
		    strcmp(a->ledger.transfers[i].transfer_id, tid) == 0)
			return &a->ledger.transfers[i];
	return NULL;
}

static void
test_story(void)
{
	wxf_model *m = story();
	wxf_indicator_set *set = test_set();
	wxf_analysis_opts o;
	wxf_analysis *a = NULL;
	wxf_err err;
	int rc;
	const wxf_an_person *s;
	const wxf_an_value *v;
	const wxf_ledger_totals *t;

	ok(m != NULL && set != NULL, "story model built");
	if (m == NULL || set == NULL)
		return;
	memset(&o, 0, sizeof(o));
	o.indicators = set;
	wxf_err_clear(&err);
	rc = wxf_analysis_run(m, &o, &a, &err);
	is_int(rc, WXF_OK, "analysis runs (%s)", err.msg);
	if (rc != WXF_OK)
		return;

	/* ranking */
	is_int(a->n_ranking, 2, "two counterparties ranked");
	is_str(a->ranking[0].username, SELLER, "seller ranked first by money");
	is_int(a->ranking[0].paid_fen, 488000, "paid = T1 + T2 (accepted)");
	is_int(a->ranking[0].n_paid, 2, "two accepted payments");
	is_int(a->ranking[0].n_transfers, 6, "six transfers either way");
	is_str(a->ranking[1].username, FRIEND, "friend second despite more messages");
	is_int(a->ranking[1].msgs, 13, "friend: 12 chat + card");
	is_int(a->ranking[1].msgs_to, 6, "friend: 6 from the owner");
	is_str(a->ranking[0].display, "代购Amy", "display name: remark first");
	is_int(a->seller_source, WXF_SELLER_RANKED, "seller proposed from the ranking");
	ok(a->n_notes > 0 && strstr(a->notes[0], "proposed") != NULL, "proposal noted");

	/* dossier */
	s = a->seller;
	ok(s != NULL && strcmp(s->username, SELLER) == 0, "seller card");
	v = find_value(&s->nicknames, "Amy专柜正品");
	ok(v != NULL, "earlier nickname from card and group display name");
	ok(has_ref(v, WXF_REF_MESSAGE, "message.card_nickname"), "card evidence");
	ok(has_ref(v, WXF_REF_GROUP, "chatroom.member.display_name"), "group evidence");
	is_int(v ? v->n_refs : 0, 2, "two pieces of evidence for it");
	v = find_value(&s->nicknames, "Amy香港代购");
	ok(has_ref(v, WXF_REF_IDENTITY, "rcontact.nickname"), "current nickname from rcontact");
	ok(has_ref(v, WXF_REF_MESSAGE, "message.recall_text"), "and from the recall notice");
	ok(has_ref(v, WXF_REF_MESSAGE, "message.system(added)"), "and from the 'added' notice");
	ok(v != NULL && v->refs[0].prov.rowid > 0 && v->live, "identity provenance kept");
	v = find_value(&s->aliases, "HK_daigou_Amy");
	is_int(v ? v->n_refs : 0, 2, "alias: rcontact + card");
	ok(find_value(&s->remarks, "代购Amy") != NULL, "remark");
	v = find_value(&s->phones, "13800138000");
	ok(has_ref(v, WXF_REF_MESSAGE, "message.body"), "phone from the seller's message");
	is_int(s->phones.n, 1, "no phone from a transfer number");
	v = find_value(&s->wxid, SELLER);
	ok(has_ref(v, WXF_REF_PAYMENT, "wcpayinfo.receiver_username") &&
	    has_ref(v, WXF_REF_PAYMENT, "wcpayinfo.payer_username") &&
	    has_ref(v, WXF_REF_MESSAGE, "message.card_username"),
	    "wxid evidence: payments both ways and the card");
	is_int(s->n_groups, 1, "one shared group");
	if (s->n_groups == 1) {
		is_str(s->groups[0].name, "港货正品分享群", "group name");
		ok(s->groups[0].person_is_room_owner, "seller owns the room");
		is_int(s->groups[0].person_msgs, 1, "seller's group messages");
		ok(s->groups[0].n_owner_refs >= 1, "owner membership evidence");
	}
	/* 2 texts + group + recall + 5 transfer rows on the seller's side; duplicate skipped */
	is_int(s->msgs_from, 9, "messages from the seller");
	is_int(s->msgs_to, 7, "messages from the owner (1 text + 5 initiations + T6 accept)");
	is_int(s->msgs_recovered, 1, "T3's recovered initiation row");
	is_int(s->msgs_group_from, 1, "one of them in the group");
	is_int(s->first_ms, T0 + 29 * MIN, "first contact (the 'added' notice)");
	is_int(s->last_ms, T0 + 80 * MIN + 86400000, "last contact (T4 expiry row)");

	/* owner card */
	ok(a->owner != NULL, "owner card");
	ok(a->owner && find_value(&a->owner->real_names, "林筱雨") != NULL, "owner real name");
	ok(a->owner && has_ref(find_value(&a->owner->bank_cards, "招商银行|储蓄卡|6688"),
	    WXF_REF_IDENTITY, "WalletBankcard"), "owner card tail with source");
	ok(a->owner && find_value(&a->owner->phones, "13800001234") != NULL, "owner phone");

	/* ledger */
	t = &a->ledger.totals;
	is_int(a->ledger.n_transfers, 6, "six transfers listed");
	is_int(t->paid_fen, 488000, "paid");
	is_int(t->n_paid, 2, "n_paid");
	is_int(t->refunded_fen, 8800, "refunded");
	is_int(t->expired_fen, 1, "expired 0.01");
	is_int(t->pending_fen, 200000, "pending");
	is_int(t->received_fen, 50000, "received from seller (T6)");
	is_int(t->net_fen, 438000, "net = paid - received");
	is_int(t->crpl_triple_fen, 1314000, "3 x net");
	is_int(t->crpl55_fen, 1314000, "CRPL figure");
	ok(!t->crpl_floor_applied && !t->overflow, "no floor, no overflow");
	ok(row(a, "T1") && row(a, "T1")->bucket == WXF_LB_PAID &&
	    row(a, "T1")->dir == WXF_LDIR_TO_SELLER, "T1 paid owner->seller");
	ok(row(a, "T2") && row(a, "T2")->final_paysubtype == 8, "T2 accepted by code 8");
	ok(row(a, "T3") && row(a, "T3")->bucket == WXF_LB_REFUNDED &&
	    row(a, "T3")->origin == WXF_LO_MIXED, "T3 refunded, partly recovered");
	ok(row(a, "T4") && row(a, "T4")->bucket == WXF_LB_EXPIRED, "T4 expired");
	ok(row(a, "T5") && row(a, "T5")->bucket == WXF_LB_PENDING, "T5 pending");
	ok(row(a, "T6") && row(a, "T6")->dir == WXF_LDIR_FROM_SELLER &&
	    row(a, "T6")->bucket == WXF_LB_RECEIVED, "T6 seller->owner received");
	is_str(a->ledger.transfers[0].transfer_id, "T1", "rows in time order");
	is_str(row(a, "T1") ? row(a, "T1")->memo : NULL, "SK-II", "memo");

	/* hits: seller's messages only, recall original included, owner's 正品 not */
	{
		size_t n_zg = 0, n_zg_occ = 0, n_rec = 0, n_owner = 0, n_11 = 0;

		for (size_t i = 0; i < a->n_hits; i++) {
			const wxf_indicator_hit *h = &a->hits[i];

			if (strcmp(h->phrase, "专柜") == 0) {
				n_zg++;
				n_zg_occ += h->count;
			}
			if (strcmp(h->field, "recall_original") == 0)
				n_rec++;
			if (strcmp(h->msg->sender, OWNER) == 0)
				n_owner++;
			if (strcmp(h->phrase, "1:1") == 0) {
				n_11++;
				ok(strstr(h->snippet, "1：1") != NULL, "snippet quotes the original "
				    "text (%s)", h->snippet);
				is_str(h->talker, ROOM, "group hit keeps its talker");
			}
		}
		is_int(n_owner, 0, "no hit on the owner's messages");
		is_int(n_zg, 3, "专柜: greeting, the claim (once, counted twice), recall original");
		is_int(n_zg_occ, 4, "专柜 occurs four times in all");
		is_int(n_rec, 2, "recall original: 原单 and 专柜");
		is_int(n_11, 1, "1：1 in the group");
		is_int(a->n_hits, 8, "total hits: one per (message, field, phrase)");
		for (size_t i = 1; i < a->n_hits; i++)
			ok(a->hits[i - 1].time_ms <= a->hits[i].time_ms, "hits in time order %zu", i);
	}

	/* JSON determinism */
	{
		wxf_buf b1, b2;
		wxf_analysis *a2 = NULL;

		wxf_buf_init(&b1);
		wxf_buf_init(&b2);
		wxf_analysis_json(a, &b1);
		wxf_analysis_run(m, &o, &a2, &err);
		wxf_analysis_json(a2, &b2);
		ok(b1.len > 0 && b1.len == b2.len && memcmp(b1.p, b2.p, b1.len) == 0,
		    "same model, same JSON");
		ok(strstr(b1.p, "\"crpl55_fen\":1314000") != NULL, "JSON carries the CRPL figure");
		ok(strstr(b1.p, "\"net_fen\":\"paid_fen minus") != NULL, "JSON carries definitions");
		ok(b1.p[0] == '{' && b1.p[b1.len - 1] == '}', "one JSON object");
		wxf_analysis_free(&a2);
		wxf_buf_free(&b1);
		wxf_buf_free(&b2);
	}
	wxf_analysis_free(&a);
	ok(a == NULL, "free NULLs the pointer");

	/* --seller given */
	o.seller = FRIEND;
	rc = wxf_analysis_run(m, &o, &a, &err);
	is_int(rc, WXF_OK, "given seller");
	is_int(a->seller_source, WXF_SELLER_GIVEN, "seller source given");
	is_int(a->ledger.n_transfers, 0, "friend has no transfers");
	is_int(a->ledger.totals.crpl55_fen, 50000, "floor with nothing paid");
	ok(a->ledger.totals.crpl_floor_applied, "floor applied");
	wxf_analysis_free(&a);
	o.seller = "wxid_nobody";
	rc = wxf_analysis_run(m, &o, &a, &err);
	ok(rc == WXF_OK && !a->seller_in_model, "unknown seller: flagged, not fatal");
	wxf_analysis_free(&a);
	o.seller = "";
	rc = wxf_analysis_run(m, &o, &a, &err);
	ok(rc == WXF_EUSAGE && a == NULL, "empty seller is a usage error");

	wxf_indicators_free(&set);
	wxf_model_free(&m);
}

/* Determinism across insertion order: the same facts added in another order. */
static void
test_order(void)
{

	for (int k = 0; k < 2; k++) {
		wxf_model *m;
		wxf_err err;
		wxf_analysis *a = NULL;
		wxf_analysis_opts o;
		static const int acc[] = { 1, 3 };
		int64_t ts[] = { T0, T0 + MIN };
		const char *u[2] = { "wxid_aaa", "wxid_bbb" };

		wxf_model_new(&m, &err);
		next_rowid = 1;
		{
			wxf_prov p = P("userinfo", WXF_ORIGIN_LIVE);

			wxf_model_set_owner(m, OWNER, &p);
		}
		for (int i = 0; i < 2; i++) {
			const char *x = u[k ? 1 - i : i];

			/* equal money and messages: tie broken by username */
			transfer(m, x[5] == 'a' ? "TA" : "TB", "100.00", OWNER, x, NULL, ts[0], acc,
			    ts, 2, WXF_ORIGIN_LIVE);
		}
		wxf_model_finish(m, &err);
		memset(&o, 0, sizeof(o));
		o.no_indicators = 1;
		wxf_analysis_run(m, &o, &a, &err);
		is_str(a->ranking[0].username, "wxid_aaa", "tie broken by username (%d)", k);
		{
			int tie = 0;

			for (size_t i = 0; i < a->n_notes; i++)
				if (strstr(a->notes[i], "tie") != NULL)
					tie = 1;
			ok(tie, "tie noted (%d)", k);
		}
		wxf_analysis_free(&a);
		wxf_model_free(&m);
	}
}

static void
test_overflow(void)
{
	wxf_model *m;
	wxf_err err;
	wxf_analysis *a = NULL;
	wxf_analysis_opts o;
	static const int acc[] = { 1, 3 };
	int64_t ts[] = { T0, T0 + MIN };
	wxf_payment *p;
	wxf_buf b;

	wxf_model_new(&m, &err);
	next_rowid = 1;
	{
		wxf_prov pv = P("userinfo", WXF_ORIGIN_LIVE);

		wxf_model_set_owner(m, OWNER, &pv);
	}
	p = transfer(m, "B1", "1.00", OWNER, SELLER, NULL, ts[0], acc, ts, 2, WXF_ORIGIN_LIVE);
	p->amount.fen = INT64_MAX / 2 + 1; /* a hostile carved amount */
	p = transfer(m, "B2", "1.00", OWNER, SELLER, NULL, ts[0], acc, ts, 2, WXF_ORIGIN_LIVE);
	p->amount.fen = INT64_MAX / 2 + 1;
	p = transfer(m, "B3", "garbage", OWNER, SELLER, NULL, ts[0], acc, ts, 2, WXF_ORIGIN_LIVE);
	wxf_model_finish(m, &err);
	memset(&o, 0, sizeof(o));
	o.no_indicators = 1;
	o.seller = SELLER;
	is_int(wxf_analysis_run(m, &o, &a, &err), WXF_OK, "overflowing ledger still analysed");
	ok(a->ledger.totals.overflow, "overflow flagged");
	is_int(a->ledger.totals.n_unknown_amount, 1, "garbage amount listed, not summed");
	wxf_buf_init(&b);
	wxf_analysis_json(a, &b);
	ok(strstr(b.p, "\"paid_fen\":null") != NULL && strstr(b.p, "\"crpl55_fen\":null") != NULL,
	    "JSON writes null totals on overflow");
	ok(strstr(b.p, "\"overflow\":true") != NULL, "JSON says overflow");
	{
		int noted = 0;

		for (size_t i = 0; i < a->n_notes; i++)
			if (strstr(a->notes[i], "overflow") != NULL)
				noted = 1;
		ok(noted, "overflow noted for the examiner");
	}
	ok(a->ranking[0].overflow, "ranking flags overflow too");
	wxf_buf_free(&b);
	wxf_analysis_free(&a);
	wxf_model_free(&m);

	/* one amount at INT64_MAX is fine; the CRPL product overflows */
	wxf_model_new(&m, &err);
	{
		wxf_prov pv = P("userinfo", WXF_ORIGIN_LIVE);

		wxf_model_set_owner(m, OWNER, &pv);
	}
	p = transfer(m, "C1", "1.00", OWNER, SELLER, NULL, ts[0], acc, ts, 2, WXF_ORIGIN_LIVE);
	p->amount.fen = INT64_MAX;
	wxf_model_finish(m, &err);
	wxf_analysis_run(m, &o, &a, &err);
	is_int(a->ledger.totals.paid_fen, INT64_MAX, "sum at the limit");
	ok(a->ledger.totals.overflow, "3 x overflow flagged");
	wxf_analysis_free(&a);
	wxf_model_free(&m);
}

/* Owner unknown and transfers without payer/receiver: the 1:1 chat decides. */
static void
test_parties_from_talker(void)
{
	wxf_model *m;
	wxf_err err;
	wxf_analysis *a = NULL;
	wxf_analysis_opts o;
	static const int acc[] = { 1, 3 };
	int64_t ts[] = { T0, T0 + MIN };
	wxf_payment *p;

	wxf_model_new(&m, &err);
	next_rowid = 1;
	p = transfer(m, "D1", "10.00", OWNER, SELLER, NULL, ts[0], acc, ts, 2, WXF_ORIGIN_LIVE);
	p->payer = NULL;
	p->receiver = NULL;
	wxf_model_finish(m, &err);
	memset(&o, 0, sizeof(o));
	o.no_indicators = 1;
	o.owner = OWNER;
	wxf_analysis_run(m, &o, &a, &err);
	is_str(a->seller ? a->seller->username : NULL, SELLER, "seller from the ranking");
	ok(a->ledger.n_transfers == 1 && a->ledger.transfers[0].dir == WXF_LDIR_TO_SELLER,
	    "direction from the initiation row + talker");
	is_str(a->ledger.n_transfers ? a->ledger.transfers[0].dir_src : NULL,
	    "initiation-row+talker", "direction source recorded");
	is_int(a->ledger.totals.paid_fen, 1000, "paid");
	is_int(a->ledger.totals.crpl55_fen, 50000, "3 x 10 yuan < 500: floor");
	wxf_analysis_free(&a);
	wxf_model_free(&m);
}

int
main(void)
{
	test_indicator_matching();
	test_indicator_files();
	test_crpl();
	test_story();
	test_order();
	test_overflow();
	test_parties_from_talker();
	return tap_done();
}
