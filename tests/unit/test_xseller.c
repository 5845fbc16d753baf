/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the seller across exhibits (src/analysis/an_xseller.c).  The analyses are
 * built by hand, field by field, so that each figure below is worked out from the rows here:
 *   account 0  owner buyer01 (phone)  seller wxid_s1, alias daigou_amy, phone 13900001111,
 *              nickname Amy;  T1 paid ¥10.00, T2 paid ¥20.00, T3 received back ¥5.00
 *   account 1  owner buyer01 (PC)     seller wxid_s1;  T1 paid ¥10.00 (the same transfer),
 *              T2 pending ¥20.00 (the accounts disagree), T4 paid ¥3.00, T5 red packet (not
 *              a transfer: bucket none)
 *   account 2  owner buyer02          seller wxid_s2 (another account), alias daigou_amy:
 *              T9 paid ¥500.00
 *   account 3  owner buyer03          seller wxid_other, nickname Amy (a name only):
 *              T10 paid ¥1.00
 *   account 4  no analysis;  account 5 an analysis without a seller
 * Expected: one seller over accounts 0, 1, 2; victims buyer01 (0, 1) and buyer02 (2);
 * buyer01: T1 once, T2 once with account 0's row (paid), T3, T4: paid 10+20+3 = ¥33.00,
 * received ¥5.00, net ¥28.00, 3 × net = ¥84.00 < ¥500 so the figure is ¥500.00; 2 transfers
 * repeated, 1 disagreeing; buyer02: paid = net = ¥500.00, figure ¥1,500.00; total paid ¥533.00,
 * net ¥528.00, figures ¥2,000.00; "Amy" listed as a nickname shared by sellers kept apart.
 */
#include "config.h"
#include "analysis/analysis.h"
#include "failalloc.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static wxf_an_value
val(const char *v)
{
	wxf_an_value x;

	memset(&x, 0, sizeof(x));
	x.value = v;
	return x;
}

static wxf_ledger_row
row(const char *tid, wxf_ledger_bucket b, int64_t fen)
{
	wxf_ledger_row r;

	memset(&r, 0, sizeof(r));
	r.transfer_id = tid;
	r.payment_id = tid;
	r.bucket = b;
	r.amount_fen = fen;
	r.amount_known = 1;
	r.kind = WXF_PAY_TRANSFER;
	r.dir = b == WXF_LB_RECEIVED ? WXF_LDIR_FROM_SELLER : b == WXF_LB_NONE ? WXF_LDIR_OTHER :
	    WXF_LDIR_TO_SELLER;
	return r;
}

typedef struct acct {
	wxf_analysis an;
	wxf_an_person seller;
	wxf_an_value wxid[1], alias[1], phone[1], nick[1];
	wxf_ledger_row rows[4];
} acct;

static void
mk(acct *a, const char *owner, const char *s, const char *alias, const char *phone,
    const char *nick)
{
	memset(a, 0, sizeof(*a));
	a->an.owner_username = owner;
	a->an.seller = &a->seller;
	a->seller.username = s;
	a->wxid[0] = val(s);
	a->seller.wxid.v = a->wxid;
	a->seller.wxid.n = 1;
	if (alias != NULL) {
		a->alias[0] = val(alias);
		a->seller.aliases.v = a->alias;
		a->seller.aliases.n = 1;
	}
	if (phone != NULL) {
		a->phone[0] = val(phone);
		a->seller.phones.v = a->phone;
		a->seller.phones.n = 1;
	}
	if (nick != NULL) {
		a->nick[0] = val(nick);
		a->seller.nicknames.v = a->nick;
		a->seller.nicknames.n = 1;
	}
	a->an.ledger.transfers = a->rows;
}

static const wxf_xid *
find_id(const wxf_xseller *s, const char *kind, const char *value)
{
	size_t i;

	for (i = 0; i < s->n_ids; i++)
		if (strcmp(s->ids[i].kind, kind) == 0 && strcmp(s->ids[i].value, value) == 0)
			return &s->ids[i];
	return NULL;
}

static int
parts_are(const size_t *p, size_t n, size_t a, size_t b, size_t c)
{
	size_t want[3] = { a, b, c }, k;

	for (k = 0; k < n; k++)
		if (k >= 3 || p[k] != want[k])
			return 0;
	return n == 3 || want[n] == (size_t)-1;
}

#define NONE ((size_t)-1)

static void
test_view(void)
{
	static acct a[6];
	const wxf_analysis *an[6];
	wxf_xview *v = NULL;
	const wxf_xseller *s;
	const wxf_xid *id;
	wxf_err err;

	mk(&a[0], "wxid_buyer01", "wxid_s1", "daigou_amy", "13900001111", "Amy");
	a[0].rows[0] = row("T1", WXF_LB_PAID, 1000);
	a[0].rows[1] = row("T2", WXF_LB_PAID, 2000);
	a[0].rows[2] = row("T3", WXF_LB_RECEIVED, 500);
	a[0].an.ledger.n_transfers = 3;
	mk(&a[1], "wxid_buyer01", "wxid_s1", NULL, NULL, NULL);
	a[1].rows[0] = row("T1", WXF_LB_PAID, 1000);
	a[1].rows[1] = row("T2", WXF_LB_PENDING, 2000);
	a[1].rows[2] = row("T4", WXF_LB_PAID, 300);
	a[1].rows[3] = row("T5", WXF_LB_NONE, 8800);
	a[1].an.ledger.n_transfers = 4;
	mk(&a[2], "wxid_buyer02", "wxid_s2", "daigou_amy", NULL, NULL);
	a[2].rows[0] = row("T9", WXF_LB_PAID, 50000);
	a[2].an.ledger.n_transfers = 1;
	mk(&a[3], "wxid_buyer03", "wxid_other", NULL, NULL, "Amy");
	a[3].rows[0] = row("T10", WXF_LB_PAID, 100);
	a[3].an.ledger.n_transfers = 1;
	mk(&a[5], "wxid_buyer05", "x", NULL, NULL, NULL);
	a[5].an.seller = NULL;
	for (int i = 0; i < 6; i++)
		an[i] = i == 4 ? NULL : &a[i].an;

	wxf_err_clear(&err);
	ok(wxf_xview_build(an, 6, &v, &err) == WXF_OK && v != NULL, "view built");
	if (v == NULL)
		return;
	ok(v->n_sellers == 1, "one seller across exhibits (accounts 0, 1, 2): %zu", v->n_sellers);
	if (v->n_sellers != 1)
		goto out;
	s = &v->sellers[0];
	ok(parts_are(s->parts, s->n_parts, 0, 1, 2), "its accounts are 0, 1, 2 (not 3: a "
	    "nickname never links)");
	id = find_id(s, "wxid", "wxid_s1");
	ok(id != NULL && id->link == WXF_XL_SAME_ACCOUNT && parts_are(id->parts, id->n_parts, 0, 1,
	    NONE), "wxid_s1 seen in accounts 0 and 1: same account");
	ok(id != NULL && id->vals[0] == &a[0].wxid[0] && id->vals[1] == &a[1].wxid[0],
	    "each sighting points at that account's evidence");
	id = find_id(s, "alias", "daigou_amy");
	ok(id != NULL && id->link == WXF_XL_STRONG && parts_are(id->parts, id->n_parts, 0, 2, NONE),
	    "the alias links account 2's wxid_s2 to account 0: strong");
	id = find_id(s, "wxid", "wxid_s2");
	ok(id != NULL && parts_are(id->parts, id->n_parts, 2, NONE, NONE), "wxid_s2 in account 2");
	id = find_id(s, "phone", "13900001111");
	ok(id != NULL && id->link == WXF_XL_STRONG && id->n_parts == 1, "phone listed");
	id = find_id(s, "nickname", "Amy");
	ok(id != NULL && id->link == WXF_XL_NAME_ONLY && parts_are(id->parts, id->n_parts, 0, NONE,
	    NONE), "within the seller, the nickname is listed for account 0 only");
	/* wxid_s1, wxid_s2, daigou_amy, the phone, the transfers paid to the seller found in two
	 * accounts (T1, T2; T4 and T9 are in one each, T3 came back from her, T5 is none), Amy */
	ok(s->n_ids == 7, "seven identifiers: %zu", s->n_ids);
	ok(s->n_ids == 7 && strcmp(s->ids[0].kind, "wxid") == 0 &&
	    strcmp(s->ids[2].kind, "alias") == 0 && strcmp(s->ids[3].kind, "phone") == 0 &&
	    strcmp(s->ids[4].kind, "transfer") == 0 && strcmp(s->ids[6].kind, "nickname") == 0,
	    "identifiers by kind (wxid, alias, phone, group, transfer, nickname) then value");
	id = find_id(s, "transfer", "T1");
	ok(id != NULL && id->link == WXF_XL_SAME_ACCOUNT && parts_are(id->parts, id->n_parts, 0, 1,
	    NONE) && find_id(s, "transfer", "T3") == NULL && find_id(s, "transfer", "T4") == NULL,
	    "T1 paid to the seller in accounts 0 and 1: a same-account link; T3 (from her) and T4 "
	    "(in one account) not listed");

	ok(s->n_victims == 2, "two victims (buyer01's two exhibits are one victim): %zu",
	    s->n_victims);
	if (s->n_victims == 2) {
		const wxf_xvictim *b1 = &s->victims[0], *b2 = &s->victims[1];

		ok(strcmp(b1->owner, "wxid_buyer01") == 0 && parts_are(b1->parts, b1->n_parts, 0, 1,
		    NONE), "buyer01: accounts 0 and 1");
		ok(b1->n_transfers == 4 && b1->n_repeated == 2 && b1->n_disagree == 1,
		    "buyer01: 4 distinct transfers, 2 seen twice, 1 disagreeing: %lld %lld %lld",
		    (long long)b1->n_transfers, (long long)b1->n_repeated,
		    (long long)b1->n_disagree);
		ok(b1->totals.paid_fen == 3300 && b1->totals.n_paid == 3 &&
		    b1->totals.received_fen == 500 && b1->totals.net_fen == 2800,
		    "buyer01: paid ¥33.00 (3), received back ¥5.00, net ¥28.00: %lld %lld %lld",
		    (long long)b1->totals.paid_fen, (long long)b1->totals.received_fen,
		    (long long)b1->totals.net_fen);
		ok(b1->totals.crpl_applicable && b1->totals.crpl_triple_fen == 8400 &&
		    b1->totals.crpl_floor_applied && b1->totals.crpl55_fen == 50000,
		    "buyer01: 3 × ¥28.00 = ¥84.00, the ¥500.00 floor applies");
		ok(b1->totals.pending_fen == 0, "T2's pending row (account 1) is not counted too");
		ok(strcmp(b2->owner, "wxid_buyer02") == 0 && b2->totals.paid_fen == 50000 &&
		    b2->totals.net_fen == 50000 && b2->totals.crpl55_fen == 150000 &&
		    !b2->totals.crpl_floor_applied && b2->n_repeated == 0,
		    "buyer02: ¥500.00 paid, figure ¥1,500.00");
	}
	ok(s->total.paid_fen == 53300 && s->total.net_fen == 52800 &&
	    s->total.received_fen == 500 && s->total.n_paid == 4 &&
	    s->total.crpl55_fen == 200000 && s->total.crpl_applicable,
	    "total: paid ¥533.00, net ¥528.00, figures ¥2,000.00 (each victim's own)");
	ok(v->n_name_only == 1 && strcmp(v->name_only[0].value, "Amy") == 0 &&
	    parts_are(v->name_only[0].parts, v->name_only[0].n_parts, 0, 3, NONE) &&
	    v->name_only[0].link == WXF_XL_NAME_ONLY,
	    "'Amy' listed as shared by sellers kept apart (accounts 0 and 3)");
out:
	wxf_xview_free(&v);
	ok(v == NULL, "freed");
}

/* The same accounts in reverse order: the same seller, victims and totals. */
static void
test_order(void)
{
	static acct a[3];
	const wxf_analysis *fw[3], *bw[3];
	wxf_xview *v1 = NULL, *v2 = NULL;

	mk(&a[0], "wxid_b1", "wxid_s", NULL, "13900002222", NULL);
	a[0].rows[0] = row("X1", WXF_LB_PAID, 700);
	a[0].an.ledger.n_transfers = 1;
	mk(&a[1], "wxid_b2", "wxid_s_alt", NULL, "13900002222", NULL);
	a[1].rows[0] = row("X2", WXF_LB_PAID, 90000);
	a[1].rows[1] = row("X3", WXF_LB_REFUNDED, 100);
	a[1].an.ledger.n_transfers = 2;
	mk(&a[2], NULL, "wxid_s", NULL, NULL, NULL);
	a[2].rows[0] = row(NULL, WXF_LB_PAID, 5);
	a[2].rows[1] = row(NULL, WXF_LB_PAID, 5);
	a[2].an.ledger.n_transfers = 2;
	for (int i = 0; i < 3; i++) {
		fw[i] = &a[i].an;
		bw[2 - i] = &a[i].an;
	}
	ok(wxf_xview_build(fw, 3, &v1, NULL) == WXF_OK && wxf_xview_build(bw, 3, &v2, NULL) ==
	    WXF_OK, "built in both orders");
	if (v1 == NULL || v2 == NULL)
		goto out;
	ok(v1->n_sellers == 1 && v2->n_sellers == 1 && v1->sellers[0].n_parts == 3 &&
	    v2->sellers[0].n_parts == 3, "a phone links wxid_s_alt; one seller over three accounts");
	if (v1->n_sellers != 1 || v2->n_sellers != 1)
		goto out;
	ok(v1->sellers[0].n_victims == 3 && v2->sellers[0].n_victims == 3,
	    "three victims (an unknown owner is a victim of its own)");
	ok(v1->sellers[0].total.paid_fen == 90710 && v2->sellers[0].total.paid_fen == 90710 &&
	    v1->sellers[0].total.refunded_fen == 100 && v2->sellers[0].total.refunded_fen == 100,
	    "same totals in both orders; rows without a transfer id are each counted: %lld",
	    (long long)v1->sellers[0].total.paid_fen);
	ok(v1->sellers[0].total.crpl55_fen == 50000 + 270000 + 50000 &&
	    v2->sellers[0].total.crpl55_fen == v1->sellers[0].total.crpl55_fen,
	    "figures ¥500 + ¥2,700 + ¥500 in both orders");
out:
	wxf_xview_free(&v1);
	wxf_xview_free(&v2);
}

/* Nobody to link: no seller; an empty input. */
static void
test_empty(void)
{
	static acct a[2];
	const wxf_analysis *an[2];
	const wxf_xid *id;
	wxf_xview *v = NULL;

	mk(&a[0], "o1", "wxid_s1", "al1", NULL, "Same");
	mk(&a[1], "o2", "wxid_s2", "al2", NULL, "Same");
	an[0] = &a[0].an;
	an[1] = &a[1].an;
	ok(wxf_xview_build(an, 2, &v, NULL) == WXF_OK && v->n_sellers == 0 && v->n_name_only == 1,
	    "two sellers sharing only a nickname: not linked, the nickname listed");
	wxf_xview_free(&v);
	/* a room both sellers own (the same room id): a strong link; a room one only joined, none */
	{
		static wxf_an_group g0[2], g1[1];

		memset(g0, 0, sizeof(g0));
		memset(g1, 0, sizeof(g1));
		g0[0].username = "123@chatroom";
		g0[0].person_is_room_owner = 1;
		g0[1].username = "456@chatroom";
		g1[0].username = "456@chatroom";   /* a member there, not its owner */
		a[0].seller.groups = g0;
		a[0].seller.n_groups = 2;
		a[1].seller.groups = g1;
		a[1].seller.n_groups = 1;
		ok(wxf_xview_build(an, 2, &v, NULL) == WXF_OK && v->n_sellers == 0,
		    "a room one seller owns and the other only joined: no link");
		wxf_xview_free(&v);
		g1[0].username = "123@chatroom";
		g1[0].person_is_room_owner = 1;
		ok(wxf_xview_build(an, 2, &v, NULL) == WXF_OK && v->n_sellers == 1 &&
		    (id = find_id(&v->sellers[0], "group_owner", "123@chatroom")) != NULL &&
		    id->link == WXF_XL_STRONG && id->n_parts == 2,
		    "both own room 123@chatroom: a strong link");
		wxf_xview_free(&v);
		a[0].seller.n_groups = 0;
		a[1].seller.n_groups = 0;
	}
	/* a masked number (as a wallet shows it) stands for many numbers: no link */
	mk(&a[0], "o1", "wxid_s1", NULL, "138****7788", NULL);
	mk(&a[1], "o2", "wxid_s2", NULL, "138****7788", NULL);
	ok(wxf_xview_build(an, 2, &v, NULL) == WXF_OK && v->n_sellers == 0,
	    "two sellers sharing only a masked phone number are not linked");
	wxf_xview_free(&v);
	mk(&a[1], "o2", "wxid_s1", NULL, "138****7788", NULL);
	ok(wxf_xview_build(an, 2, &v, NULL) == WXF_OK && v->n_sellers == 1 &&
	    v->sellers[0].n_ids == 2 && strcmp(v->sellers[0].ids[1].kind, "phone") == 0 &&
	    v->sellers[0].ids[1].link == WXF_XL_MASKED &&
	    strcmp(wxf_xlink_name(WXF_XL_MASKED), "masked") == 0,
	    "linked by wxid, the masked number is listed as masked");
	wxf_xview_free(&v);
	ok(wxf_xview_build(an, 0, &v, NULL) == WXF_OK && v->n_sellers == 0 &&
	    v->n_name_only == 0, "no accounts: an empty view");
	wxf_xview_free(&v);
}

/* The seller's own account: her phone among the buyers' (its ranked "seller" is a buyer, its
 * owner the wxid two other accounts call their seller), or one the examiner's --seller named
 * (its seller is its owner); two accounts naming each other's owner decide nothing. */
static void
test_own(void)
{
	static acct a[3];
	static wxf_an_person oc;
	static wxf_an_value ow[1], op[1];
	const wxf_analysis *an[3];
	wxf_xview *v = NULL;
	const wxf_xid *id;

	mk(&a[0], "wxid_b1", "wxid_s1", NULL, NULL, NULL);
	a[0].rows[0] = row("T1", WXF_LB_PAID, 1000);
	a[0].an.ledger.n_transfers = 1;
	mk(&a[1], "wxid_b2", "wxid_s1", NULL, NULL, NULL);
	a[1].rows[0] = row("T2", WXF_LB_PAID, 2000);
	a[1].an.ledger.n_transfers = 1;
	/* the seller's phone: ranked seller wxid_b1 (her best customer), owner wxid_s1 with a phone
	 * on her card */
	mk(&a[2], "wxid_s1", "wxid_b1", NULL, NULL, NULL);
	a[2].rows[0] = row("T1", WXF_LB_RECEIVED, 1000);   /* from her "seller", the buyer */
	a[2].an.ledger.n_transfers = 1;
	memset(&oc, 0, sizeof(oc));
	oc.username = "wxid_s1";
	ow[0] = val("wxid_s1");
	op[0] = val("13900003333");
	oc.wxid.v = ow;
	oc.wxid.n = 1;
	oc.phones.v = op;
	oc.phones.n = 1;
	a[2].an.owner = &oc;
	for (int i = 0; i < 3; i++)
		an[i] = &a[i].an;
	ok(wxf_xview_build(an, 3, &v, NULL) == WXF_OK && v->n_sellers == 1, "one seller");
	if (v != NULL && v->n_sellers == 1) {
		const wxf_xseller *s = &v->sellers[0];

		ok(parts_are(s->parts, s->n_parts, 0, 1, 2) && !s->own[0] && !s->own[1] && s->own[2],
		    "the seller's phone (account 2) joins as her own account");
		ok(s->n_victims == 2 && strcmp(s->victims[0].owner, "wxid_b1") == 0 &&
		    strcmp(s->victims[1].owner, "wxid_b2") == 0 && s->total.paid_fen == 3000,
		    "victims: the two buyers only; her phone's ledger (a buyer as its 'seller') counts "
		    "nothing");
		id = find_id(s, "wxid", "wxid_s1");
		ok(id != NULL && parts_are(id->parts, id->n_parts, 0, 1, 2) && id->vals[2] == &ow[0],
		    "wxid_s1: the buyers' seller and her phone's owner card");
		id = find_id(s, "phone", "13900003333");
		ok(id != NULL && parts_are(id->parts, id->n_parts, 2, NONE, NONE),
		    "her own card's phone is listed");
		ok(find_id(s, "wxid", "wxid_b1") == NULL,
		    "her phone's ranked 'seller' (a buyer) is no identifier of hers");
	}
	wxf_xview_free(&v);
	/* her phone and one buyer's alone: one account calls her its seller, one (her phone) calls
	 * its best customer so: nothing decides which owner is the seller */
	ok(wxf_xview_build(an + 1, 2, &v, NULL) == WXF_OK && v->n_sellers == 0,
	    "a buyer's and the seller's phone alone (a tie): no link");
	wxf_xview_free(&v);
	an[1] = &a[0].an;
	ok(wxf_xview_build(an + 1, 2, &v, NULL) == WXF_OK && v->n_sellers == 0,
	    "the buyer her phone calls 'seller' and her phone (each names the other's owner): no "
	    "link");
	an[1] = &a[1].an;
	wxf_xview_free(&v);
	/* the examiner named the seller: the account whose owner she is, is hers */
	mk(&a[2], "wxid_s1", "wxid_s1", NULL, NULL, NULL);
	ok(wxf_xview_build(an + 1, 2, &v, NULL) == WXF_OK && v->n_sellers == 1 &&
	    v->sellers[0].own[1] && !v->sellers[0].own[0] && v->sellers[0].n_victims == 1 &&
	    strcmp(v->sellers[0].victims[0].owner, "wxid_b2") == 0,
	    "--seller naming an account's owner: that account is hers, the other's owner the "
	    "victim");
	wxf_xview_free(&v);
}

/* Every allocation of wxf_xview_build made to fail in turn: WXF_ENOMEM with no view and the
 * error said, or (a failure the code does not reach) the view of a clean run; never a crash or
 * a leak (the sanitizer build and valgrind check that). */
static void
test_alloc_failures(void)
{
	static acct a[4];
	const wxf_analysis *an[4];
	wxf_xview *v = NULL, *ref = NULL;
	unsigned long n, total, bad = 0, nomem = 0;
	wxf_err err;

	mk(&a[0], "wxid_b1", "wxid_s", "al", "13900002222", "Nick");
	a[0].rows[0] = row("X1", WXF_LB_PAID, 700);
	a[0].an.ledger.n_transfers = 1;
	mk(&a[1], "wxid_b1", "wxid_s", NULL, NULL, "Nick");
	a[1].rows[0] = row("X1", WXF_LB_PAID, 700);
	a[1].rows[1] = row("X2", WXF_LB_RECEIVED, 100);
	a[1].an.ledger.n_transfers = 2;
	mk(&a[2], "wxid_b2", "wxid_t", NULL, "13900002222", NULL);
	mk(&a[3], "wxid_b3", "wxid_u", NULL, NULL, "Nick");
	for (int i = 0; i < 4; i++)
		an[i] = &a[i].an;
	failalloc_arm(0);
	ok(wxf_xview_build(an, 4, &ref, NULL) == WXF_OK && ref->n_sellers == 1 &&
	    ref->n_name_only == 1, "reference view");
	total = failalloc_count();
	ok(total > 10, "wxf_xview_build allocates (%lu times)", total);
	for (n = 1; ref != NULL && n <= total; n++) {
		int rc;

		wxf_err_clear(&err);
		failalloc_arm(n);
		rc = wxf_xview_build(an, 4, &v, &err);
		failalloc_arm(0);
		if (rc == WXF_ENOMEM) {
			nomem++;
			if (v != NULL || strstr(err.msg, "out of memory") == NULL)
				bad++;
		} else if (rc != WXF_OK || v == NULL || v->n_sellers != ref->n_sellers ||
		    v->n_name_only != ref->n_name_only ||
		    v->sellers[0].total.net_fen != ref->sellers[0].total.net_fen ||
		    v->sellers[0].n_ids != ref->sellers[0].n_ids) {
			bad++;
		}
		wxf_xview_free(&v);
	}
	ok(bad == 0 && nomem == total, "allocation n = 1..%lu failing: WXF_ENOMEM, no view, the "
	    "error said, every time (%lu of %lu; %lu wrong)", total, nomem, total, bad);
	wxf_xview_free(&ref);
}

int
main(void)
{
	test_view();
	test_order();
	test_empty();
	test_own();
	test_alloc_failures();
	return tap_done();
}
