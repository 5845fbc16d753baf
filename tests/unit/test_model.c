/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for src/model: amounts, deterministic ids, lookups, attributes, sort (unknown times
 * last), payment lifecycle and final state, witness disagreement, recall originals from
 * recovered rows, deterministic JSON. */
#include "config.h"
#include "tap.h"
#include "base/wxf_buf.h"
#include "model/model.h"

#include <stdlib.h>

static void
test_amounts(void)
{
	static const struct { const char *s; int ok; int64_t fen; } v[] = {
		{ "\xef\xbf\xa5" "1,280.00", 1, 128000 },   /* ￥1,280.00 */
		{ "\xc2\xa5" "0.01", 1, 1 },                /* ¥0.01 */
		{ "1,000.00", 1, 100000 },
		{ "\xef\xbf\xa5 88", 1, 8800 },             /* ￥ 88 */
		{ "88", 1, 8800 },
		{ "0.5", 1, 50 },
		{ "12.5\xe5\x85\x83", 1, 1250 },            /* 12.5元 */
		{ " CNY 3,600.00 ", 1, 360000 },
		{ "1,234,567.89", 1, 123456789 },
		{ "", 0, 0 },
		{ "abc", 0, 0 },
		{ "\xef\xbf\xa5", 0, 0 },
		{ "1.234", 0, 0 },
		{ "-5.00", 0, 0 },
		{ "1,00.00", 0, 0 },
		{ "12,34", 0, 0 },
		{ ",100", 0, 0 },
		{ "1.", 0, 0 },
		{ "1e5", 0, 0 },
		{ "99999999999999999999999", 0, 0 },
		{ "5 apples", 0, 0 },
		{ "\xef\xbf\xa5" "1,280.00\xef\xbf\xa5", 0, 0 },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int64_t fen = -1;
		int r = wxf_amount_parse(v[i].s, &fen);

		is_int(r, v[i].ok, "amount \"%s\" %s", v[i].s, v[i].ok ? "parses" : "is refused");
		if (v[i].ok)
			is_int(fen, v[i].fen, "amount \"%s\" = %lld fen", v[i].s, (long long)v[i].fen);
	}
	ok(!wxf_amount_parse(NULL, NULL), "NULL amount refused");
}

static wxf_prov
prov(const char *table, int64_t rowid, wxf_origin o, uint64_t off)
{
	wxf_prov p = { 0 };

	p.file = "db/EnMicroMsg.db";
	p.table = table;
	p.rowid = rowid;
	p.offset = off;
	p.origin = o;
	p.status = o == WXF_ORIGIN_LIVE ? WXF_STATUS_INTACT : WXF_STATUS_DELETED_RECOVERED;
	p.confidence = o == WXF_ORIGIN_LIVE ? 100 : 80;
	return p;
}

static int
in_msgs(const wxf_model *m, const wxf_msg *x)
{
	for (size_t i = 0; i < m->n_msgs; i++)
		if (m->msgs[i] == x)
			return 1;
	return 0;
}

static wxf_msg *
mk(wxf_model *m, int64_t rowid, int64_t t, wxf_origin o)
{
	wxf_prov p = prov("message", rowid, o, (uint64_t)rowid * 100);
	wxf_msg *msg = wxf_model_new_msg(m, WXF_PLAT_ANDROID, "message", &p, NULL);

	msg->time_ms = t;
	msg->talker = "wxid_b";
	return msg;
}

static void
test_ids_sort(void)
{
	wxf_model *m1, *m2;
	wxf_msg *a, *b, *c;
	char id1[17], id2[17];
	int is_new;
	wxf_buf j1, j2;

	wxf_model_row_id(WXF_PLAT_ANDROID, "f", "message", 1, WXF_ORIGIN_LIVE, 10, id1);
	wxf_model_row_id(WXF_PLAT_ANDROID, "f", "message", 1, WXF_ORIGIN_LIVE, 10, id2);
	is_str(id1, id2, "row id deterministic");
	is_int(strlen(id1), 16, "row id is 16 hex digits");
	wxf_model_row_id(WXF_PLAT_ANDROID, "f", "message", 1, WXF_ORIGIN_FREEBLOCK, 10, id2);
	ok(strcmp(id1, id2) != 0, "origin changes the id");
	wxf_model_row_id(WXF_PLAT_ANDROID, "f", "bizchatmessage", 1, WXF_ORIGIN_LIVE, 10, id2);
	ok(strcmp(id1, id2) != 0, "table changes the id (bizchatmessage msgId collides)");

	wxf_model_new(&m1, NULL);
	wxf_model_new(&m2, NULL);
	/* same rows, opposite insertion order */
	a = mk(m1, 1, 3000, WXF_ORIGIN_LIVE);
	b = mk(m1, 2, WXF_TIME_UNKNOWN, WXF_ORIGIN_LIVE);
	c = mk(m1, 3, 1000, WXF_ORIGIN_LIVE);
	mk(m2, 3, 1000, WXF_ORIGIN_LIVE);
	mk(m2, 2, WXF_TIME_UNKNOWN, WXF_ORIGIN_LIVE);
	mk(m2, 1, 3000, WXF_ORIGIN_LIVE);
	{
		wxf_prov p = prov("message", 1, WXF_ORIGIN_LIVE, 100);

		ok(wxf_model_new_msg(m1, WXF_PLAT_ANDROID, "message", &p, &is_new) == a && !is_new,
		    "same row twice gives the same message");
	}
	wxf_model_sort(m1);
	ok(m1->msgs[0] == c && m1->msgs[1] == a && m1->msgs[2] == b, "sorted by time, unknown last");
	wxf_model_finish(m1, NULL);
	wxf_model_finish(m2, NULL);
	wxf_buf_init(&j1);
	wxf_buf_init(&j2);
	wxf_model_json(m1, &j1);
	wxf_model_json(m2, &j2);
	ok(j1.len > 0 && j1.len == j2.len && memcmp(j1.p, j2.p, j1.len) == 0,
	    "JSON identical whatever the insertion order");
	ok(strstr(j1.p, "\"time\":null") != NULL, "unknown time is null, not 1970");
	ok(m1->n_convs == 1 && m1->convs[0]->n_msgs == 3, "conversation created with its messages");
	wxf_buf_free(&j1);
	wxf_buf_free(&j2);
	wxf_model_free(&m1);
	wxf_model_free(&m2);
	ok(m1 == NULL, "free NULLs the pointer");
	wxf_model_free(&m1);
}

static void
test_identities(void)
{
	wxf_model *m;
	wxf_identity *id;
	wxf_prov p1 = prov("rcontact", 1, WXF_ORIGIN_LIVE, 10);
	wxf_prov p2 = prov("rcontact", 1, WXF_ORIGIN_FREEBLOCK, 500);

	wxf_model_new(&m, NULL);
	id = wxf_model_identity(m, "wxid_s", &p1);
	ok(id != NULL && wxf_model_find_identity(m, "wxid_s") == id, "identity get-or-create");
	ok(wxf_model_identity(m, "wxid_s", NULL) == id, "same username same identity");
	wxf_attrs_add(m, &id->nicknames, "Amy香港代购", "rcontact.nickname", WXF_TIME_UNKNOWN, &p1);
	wxf_attrs_add(m, &id->nicknames, "Amy香港代购", "rcontact.nickname", WXF_TIME_UNKNOWN, &p1);
	wxf_attrs_add(m, &id->nicknames, "Amy专柜正品", "rcontact.nickname", WXF_TIME_UNKNOWN, &p2);
	wxf_attrs_add(m, &id->nicknames, "", "rcontact.nickname", WXF_TIME_UNKNOWN, &p1);
	is_int(id->nicknames.n, 2, "exact duplicate dropped, empty ignored, older nickname kept");
	is_int(id->nicknames.v[1].prov.origin, WXF_ORIGIN_FREEBLOCK, "attribute keeps its provenance");
	is_str(wxf_attrs_best(&id->nicknames), "Amy香港代购", "best value prefers live evidence");
	is_int(wxf_id_kind_guess("123@chatroom"), WXF_ID_GROUP, "group id");
	is_int(wxf_id_kind_guess("gh_3dfda90e39d6"), WXF_ID_OFFICIAL, "official account");
	is_int(wxf_id_kind_guess("filehelper"), WXF_ID_SYSTEM, "system account");
	ok(wxf_model_identity(m, "", NULL) == NULL, "empty username refused");
	wxf_model_free(&m);
}

static void
test_lifecycle(void)
{
	wxf_model *m;
	wxf_payment *p, *q;
	wxf_pay_event ev = { 0 };
	wxf_msg *a, *b, *r, *o;
	int is_new;

	is_int(wxf_paysubtype_state(1), WXF_PST_INITIATED, "paysubtype 1 initiated");
	is_int(wxf_paysubtype_state(3), WXF_PST_ACCEPTED, "paysubtype 3 accepted");
	is_int(wxf_paysubtype_state(8), WXF_PST_ACCEPTED, "paysubtype 8 accepted (payer view)");
	is_int(wxf_paysubtype_state(4), WXF_PST_REFUNDED, "paysubtype 4 refunded");
	is_int(wxf_paysubtype_state(9), WXF_PST_REFUNDED, "paysubtype 9 refunded (payer view)");
	is_int(wxf_paysubtype_state(10), WXF_PST_EXPIRED, "paysubtype 10 expired");
	is_int(wxf_paysubtype_state(42), WXF_PST_UNKNOWN, "paysubtype 42 unknown");

	wxf_model_new(&m, NULL);
	a = mk(m, 1, 1000, WXF_ORIGIN_LIVE);
	b = mk(m, 2, 2000, WXF_ORIGIN_LIVE);
	p = wxf_model_payment(m, WXF_PAY_TRANSFER, "T1", &a->prov, &is_new);
	ok(p != NULL && is_new, "transfer created");
	q = wxf_model_payment(m, WXF_PAY_TRANSFER, "T1", &b->prov, &is_new);
	ok(q == p && !is_new, "rows of one transferid group into one payment");
	ok(wxf_model_find_transfer(m, "T1") == p, "lookup by transfer id");
	ok(wxf_model_find_payment(m, WXF_PAY_RED_PACKET, "T1") == NULL, "kinds are separate keys");
	/* refund arrives first in insertion order, initiation later */
	ev.paysubtype = 4; ev.state = WXF_PST_REFUNDED; ev.time_ms = 2000; ev.msg_id = b->id;
	wxf_payment_add_event(m, p, &ev);
	wxf_payment_link_msg(m, p, b);
	ev.paysubtype = 1; ev.state = WXF_PST_INITIATED; ev.time_ms = 1000; ev.msg_id = a->id;
	wxf_payment_add_event(m, p, &ev);
	wxf_payment_add_event(m, p, &ev);
	wxf_payment_link_msg(m, p, a);
	wxf_payment_link_msg(m, p, a);
	is_int(p->n_events, 2, "duplicate event ignored");
	is_int(p->n_msgs, 2, "duplicate link ignored");
	p->witness_status = 4;
	wxf_model_finish(m, NULL);
	is_int(p->events[0].paysubtype, 1, "events in time order");
	is_int(p->final_state, WXF_PST_REFUNDED, "final state refunded");
	is_int(p->final_time_ms, 2000, "final time is the refund row");
	ok(!p->witness_disagrees, "witness agrees");
	p->witness_status = 1;
	wxf_model_finish(m, NULL);
	ok(p->witness_disagrees, "witness 1 vs refunded disagrees");
	{
		size_t n = 0;

		for (size_t i = 0; i < m->n_anomalies; i++)
			n += strcmp(m->anomalies[i].code, "witness-disagrees") == 0;
		wxf_model_finish(m, NULL);
		for (size_t i = 0; i < m->n_anomalies; i++)
			n -= strcmp(m->anomalies[i].code, "witness-disagrees") == 0;
		ok(n == 0, "finish is idempotent (no duplicate anomaly)");
	}
	/* pending transfer: initiation only; an unknown code does not decide */
	q = wxf_model_payment(m, WXF_PAY_TRANSFER, "T2", NULL, NULL);
	ev.paysubtype = 1; ev.state = WXF_PST_INITIATED; ev.time_ms = 5000; ev.msg_id = "x1";
	wxf_payment_add_event(m, q, &ev);
	ev.paysubtype = 77; ev.state = WXF_PST_UNKNOWN; ev.time_ms = 6000; ev.msg_id = "x2";
	wxf_payment_add_event(m, q, &ev);
	wxf_model_finish(m, NULL);
	is_int(q->final_state, WXF_PST_INITIATED, "pending stays initiated, unknown code kept raw");
	is_int(q->events[1].paysubtype, 77, "raw unknown paysubtype kept");

	/* recall: live row overwritten to 10000; a recovered older version holds the original */
	r = mk(m, 10, 9000, WXF_ORIGIN_LIVE);
	r->server_id = "1442324264643062648";
	r->is_recall = 1;
	r->kind = WXF_MK_RECALL;
	r->body = "\"Amy\" 撤回了一条消息";
	o = mk(m, 10, 8000, WXF_ORIGIN_FREEBLOCK);
	o->server_id = "1442324264643062648";
	o->kind = WXF_MK_TEXT;
	o->body = "这批是原单货";
	wxf_model_finish(m, NULL);
	is_str(r->x->recall_original, "这批是原单货", "recall original found in a recovered row");
	ok(r->x->recall_witness > 0 && r->x->recall_witness <= r->n_witnesses &&
	    r->witnesses[r->x->recall_witness - 1].kind == WXF_WIT_OLDER &&
	    r->witnesses[r->x->recall_witness - 1].prov.offset == 1000 &&
	    r->witnesses[r->x->recall_witness - 1].prov.origin == WXF_ORIGIN_FREEBLOCK,
	    "the recall original is cited from the older version, a witness of the notice");
	ok(wxf_model_find_msg(m, o->id) != NULL && !in_msgs(m, o),
	    "the older version is not a message of its own");
	wxf_model_free(&m);
}

/* What repeats or proves a message is its witness, never a message of its own. */
static void
test_witnesses(void)
{
	wxf_model *m = NULL;
	wxf_msg *live, *copy, *frag, *rec, *app, *orphan, *textfrag;
	wxf_payment *p;
	wxf_pay_event ev;
	wxf_prov pr;
	size_t n_before;

	ok(wxf_model_new(&m, NULL) == WXF_OK, "model");
	/* a recovered copy of a live row (same server id, same chat): a copy witness */
	live = mk(m, 20, 20000, WXF_ORIGIN_LIVE);
	live->server_id = "5001";
	live->body = "live text";
	copy = mk(m, 20, 20000, WXF_ORIGIN_UNALLOCATED);
	copy->server_id = "5001";
	copy->body = "live text";
	memset(&ev, 0, sizeof(ev));
	p = wxf_model_payment(m, WXF_PAY_TRANSFER, "TX9", NULL, NULL);
	ev.paysubtype = 1; ev.state = WXF_PST_INITIATED; ev.time_ms = 20000; ev.msg_id = copy->id;
	wxf_payment_add_event(m, p, &ev);
	ev.msg_id = live->id;
	wxf_payment_add_event(m, p, &ev);
	/* index entries of a deleted row (a FRAGMENT with its rowid) and the row's record that
	 * lost its rowid (same server id) */
	pr = prov("messageIdIndex", 30, WXF_ORIGIN_UNALLOCATED, 3000);
	pr.status = WXF_STATUS_FRAGMENT;
	frag = wxf_model_new_msg(m, WXF_PLAT_ANDROID, "message", &pr, NULL);
	frag->local_id = 30;
	frag->server_id = "6001";
	frag->talker = "wxid_b";
	rec = mk(m, INT64_MIN, 30000, WXF_ORIGIN_FREEBLOCK);
	rec->prov.offset = 9100;
	rec->server_id = "6001";
	rec->body = "deleted text";
	/* a live AppMessage copy of a deleted app message: the deleted row is the message */
	pr = prov("AppMessage", 1, WXF_ORIGIN_LIVE, 5000);
	app = wxf_model_new_msg(m, WXF_PLAT_ANDROID, "AppMessage", &pr, NULL);
	app->server_id = "7001";
	app->talker = "wxid_b";
	orphan = mk(m, 40, 40000, WXF_ORIGIN_FREEBLOCK);
	orphan->server_id = "7001";
	orphan->body = "app message";
	/* a fragment without text, media or payment: not a message */
	pr = prov("messageIdIndex", 50, WXF_ORIGIN_UNALLOCATED, 5100);
	pr.status = WXF_STATUS_FRAGMENT;
	textfrag = wxf_model_new_msg(m, WXF_PLAT_ANDROID, "message", &pr, NULL);
	textfrag->local_id = 50;
	n_before = m->n_msgs;
	ok(wxf_model_finish(m, NULL) == WXF_OK, "finish");
	ok(in_msgs(m, live) && !in_msgs(m, copy) && live->n_witnesses == 1 &&
	    live->witnesses[0].kind == WXF_WIT_COPY && live->witnesses[0].prov.offset == copy->prov.offset,
	    "a recovered copy of a live message is its copy witness");
	ok(p->n_events == 1 && strcmp(p->events[0].msg_id, live->id) == 0,
	    "the copy's payment event is the live message's event (one event, remapped)");
	ok(in_msgs(m, rec) && !in_msgs(m, frag) && rec->local_id == 30 && rec->prov.rowid == 30 &&
	    rec->n_witnesses == 1 && rec->witnesses[0].kind == WXF_WIT_INDEX &&
	    rec->prov.offset == 9100, "index entries give a clobbered record its rowid and witness "
	    "it; the record's own bytes stay its provenance");
	ok(in_msgs(m, orphan) && !in_msgs(m, app) && orphan->n_witnesses == 1 &&
	    strcmp(orphan->witnesses[0].prov.table, "AppMessage") == 0,
	    "a deleted row whose live copy is in another table is the message, the copy its witness");
	ok(!in_msgs(m, textfrag) && m->n_fragments == 1 && m->fragments[0] == textfrag,
	    "a fragment without text is not a message (m->fragments)");
	is_int((int)m->n_msgs, (int)n_before - 4, "four records folded or set apart");
	ok(wxf_prov_recovered(&rec->prov) && !wxf_prov_recovered(&live->prov) &&
	    !wxf_prov_recovered(&textfrag->prov), "one definition of recovered");
	wxf_model_free(&m);
}

/* The fields few messages have live apart (wxf_msg_x): shared empty until written, then the
 * message's own; names asked for twice are one copy. */
static void
test_ext_intern(void)
{
	wxf_model *m = NULL;
	wxf_msg *a, *b;
	wxf_msg_x *x;
	wxf_buf j;
	const char *n1, *n2, *n3, *n4;
	char nul[] = { 'w', 'x', '\0', 'i', 'd' };
	char longname[300];

	if (wxf_model_new(&m, NULL) != WXF_OK) {
		ok(0, "model");
		return;
	}
	a = mk(m, 1, 1000, WXF_ORIGIN_LIVE);
	b = mk(m, 2, 2000, WXF_ORIGIN_LIVE);
	ok(a->x == &wxf_msg_x_none && b->x == &wxf_msg_x_none,
	    "a new message has the shared empty extension");
	ok(a->x->title == NULL && a->x->file_size == WXF_INT_UNKNOWN && a->x->warnings.n == 0 &&
	    a->x->fields.n == 0 && a->x->recall_witness == 0,
	    "the empty extension: every field absent, file size unknown");
	x = wxf_msg_xw(m, a);
	x->title = "Gucci 1:1";
	wxf_kvs_add(m, &wxf_msg_xw(m, a)->fields, "md5", "00ff");
	ok(x != &wxf_msg_x_none && a->x == x && wxf_msg_xw(m, a) == x,
	    "written: the message's own extension, the same one each time");
	ok(b->x == &wxf_msg_x_none && wxf_msg_x_none.title == NULL && wxf_msg_x_none.fields.n == 0,
	    "another message and the shared empty extension are untouched");
	ok(x->file_size == WXF_INT_UNKNOWN, "a new extension starts from the empty one");
	wxf_msg_warn(m, b, "test-warning", "warned %d", 1);
	ok(b->x != &wxf_msg_x_none && b->x->warnings.n == 1 && strcmp(b->x->warnings.v[0],
	    "warned 1") == 0 && b->x->title == NULL, "a warning gives the message its extension");
	wxf_buf_init(&j);
	wxf_model_json_msg(a, &j);
	ok(j.p != NULL && strstr(j.p, "\"title\":\"Gucci 1:1\"") != NULL &&
	    strstr(j.p, "[\"md5\",\"00ff\"]") != NULL, "the extension's fields are in the message's JSON");
	wxf_buf_reset(&j);
	wxf_model_json_msg(b, &j);
	ok(j.p != NULL && strstr(j.p, "\"title\"") == NULL && strstr(j.p, "warned 1") != NULL,
	    "absent fields stay out of the JSON");
	wxf_buf_free(&j);
	ok(!wxf_model_failed(m), "no allocation failed");

	n1 = wxf_model_intern(m, "wxid_seller", 11);
	n2 = wxf_model_intern(m, "wxid_seller_2", 11);
	n3 = wxf_model_intern(m, nul, sizeof(nul));
	n4 = wxf_model_intern(m, nul, sizeof(nul));
	ok(n1 != NULL && n1 == n2 && strcmp(n1, "wxid_seller") == 0,
	    "the same name is one string, of the bytes asked for");
	ok(n3 != NULL && n4 != NULL && n3 != n4 && memcmp(n3, nul, sizeof(nul)) == 0 &&
	    n3[sizeof(nul)] == '\0', "bytes with a NUL are copied as they are, each on its own");
	memset(longname, 'w', sizeof(longname));
	n3 = wxf_model_intern(m, longname, sizeof(longname));
	n4 = wxf_model_intern(m, longname, sizeof(longname));
	ok(n3 != NULL && n4 != NULL && n3 != n4 && strlen(n3) == sizeof(longname),
	    "a long value is copied whole, not shared");
	ok(wxf_model_intern(m, NULL, 3) == NULL, "NULL in, NULL out");
	wxf_model_free(&m);
}

int
main(void)
{
	test_amounts();
	test_ids_sort();
	test_identities();
	test_lifecycle();
	test_witnesses();
	test_ext_intern();
	return tap_done();
}
