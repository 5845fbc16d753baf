/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Analysis: counterparty ranking, identity cards (seller dossier, owner), the seller ledger
 * with the CRPL art. 55 figure, and indicator hits.  Definitions: analysis.h (the report shows
 * the ledger definitions to the court, from wxf_ledger_defs below — keep both in step).
 *
 * Everything reads the finished model only.  Recovered rows that repeat a live row
 * (msg->duplicate_of) are skipped so nothing is counted twice; recovered rows that are the only
 * copy count like live ones and are marked (origin / msgs_recovered).
 */
#include "config.h"
#include "analysis/analysis_int.h"
#include "base/wxf_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const wxf_ledger_def wxf_ledger_defs[] = {
	{ "scope", "Every WeChat transfer (微信转账) in the evidence whose payer or receiver is the "
	  "seller. Direction: payer = owner and receiver = seller is owner→seller; payer = seller "
	  "and receiver = owner is seller→owner; when the transfer names only one side, the 1:1 "
	  "chat it was sent in supplies the other. Red packets, AA collections and WeChat Pay "
	  "receipts are listed separately and are not part of these totals." },
	{ "state", "The final state of a transfer is the state of its latest lifecycle row "
	  "(paysubtype 1 initiated; 3, 5, 8 accepted; 4, 9 returned; 10 expired; 7 delayed; any "
	  "other value unknown), the raw value kept." },
	{ "amount", "Amounts are integer fen (1/100 yuan) parsed from the transfer's amount text "
	  "(feedesc, else total_fee). A transfer whose amount cannot be read exactly is listed "
	  "but not added to any total." },
	{ "paid_fen", "Sum of the owner→seller transfers whose final state is accepted." },
	{ "refunded_fen", "Sum of the owner→seller transfers returned by the seller (final state "
	  "returned). That money never reached the seller: it is not in paid_fen and is not "
	  "subtracted again." },
	{ "expired_fen", "Sum of the owner→seller transfers that expired unaccepted (returned "
	  "automatically). Not counted." },
	{ "pending_fen", "Sum of the owner→seller transfers still initiated, delayed or in an "
	  "unknown state. Not counted: the evidence does not show that the money arrived." },
	{ "received_fen", "Sum of the seller→owner transfers whose final state is accepted (money "
	  "the seller paid back by a transfer of its own)." },
	{ "net_fen", "paid_fen minus received_fen: the price the owner actually paid." },
	{ "crpl55_fen", "Consumer Rights Protection Law art. 55: three times the price paid, at "
	  "least 500 yuan. crpl_base_fen = max(net_fen, 0); crpl_triple_fen = 3 × crpl_base_fen; "
	  "crpl_floor_fen = 50000 fen (500 yuan); crpl55_fen = max(crpl_triple_fen, "
	  "crpl_floor_fen). Integer arithmetic; an overflow invalidates the totals." },
	{ "hb_from_seller_fen", "Red packets: sum of the amounts the owner claimed from the "
	  "seller's red packets, where the claim amount is recorded." },
	{ "hb_to_seller_fen", "Red packets: sum of the amounts of red packets the owner sent to "
	  "the seller, where the amount is recorded." },
	{ "aa_fen", "AA collections naming the seller: sum of the recorded collection amounts." },
	{ "receipts_fen", "WeChat Pay receipts (all in the evidence; those mentioning the seller "
	  "are marked): sum of the recorded amounts. Informational." },
	{ NULL, NULL }
};

/* ------------------------------------------------------------------------------------------ */
/* Names */

const char *
wxf_an_ref_kind_name(wxf_an_ref_kind k)
{
	static const char *const n[] = { "identity", "message", "payment", "group" };
	return (unsigned)k < WXF_REF_N ? n[k] : "unknown";
}

const char *
wxf_ledger_dir_name(wxf_ledger_dir d)
{
	static const char *const n[] = { "unknown", "owner-to-seller", "seller-to-owner", "other" };
	return (unsigned)d < WXF_LDIR_N ? n[d] : "unknown";
}

const char *
wxf_ledger_bucket_name(wxf_ledger_bucket b)
{
	static const char *const n[] = { "none", "paid", "refunded", "expired", "pending",
	    "received", "from-seller-not-accepted" };
	return (unsigned)b < WXF_LB_N ? n[b] : "unknown";
}

const char *
wxf_ledger_origin_name(wxf_ledger_origin o)
{
	static const char *const n[] = { "live", "live+recovered", "recovered" };
	return (unsigned)o < WXF_LO_N ? n[o] : "unknown";
}

const char *
wxf_seller_source_name(wxf_seller_source s)
{
	static const char *const n[] = { "none", "given", "ranked" };
	return (unsigned)s < WXF_SELLER_N ? n[s] : "unknown";
}

/* ------------------------------------------------------------------------------------------ */
/* Shared helpers (declared in analysis_int.h) */

int
an_streq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static int
strcmp0(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == NULL) - (b == NULL);
	return strcmp(a, b);
}

const char *
an_strndup(an_ctx *c, const char *s, size_t n)
{
	return wxf_arena_strndup(c->ar, s, n);
}

int
an_note(an_ctx *c, const char *fmt, ...)
{
	va_list ap;
	char tmp[1024];
	const char *s;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	s = an_strndup(c, tmp, strlen(tmp));
	if (s == NULL || wxf_arena_grow(c->ar, (void **)&c->a->notes, &c->cap_notes, c->a->n_notes + 1,
	    sizeof(*c->a->notes)) < 0)
		return AN_NOMEM(c);
	c->a->notes[c->a->n_notes++] = s;
	return WXF_OK;
}

int
an_is_group_id(const char *u)
{
	size_t n = u != NULL ? strlen(u) : 0;

	return n >= 9 && strcmp(u + n - 9, "@chatroom") == 0;
}

int
an_direct_talker(const an_ctx *c, const char *t)
{
	const wxf_conv *cv;

	if (t == NULL || an_is_group_id(t) || an_streq(t, c->owner))
		return 0;
	cv = wxf_model_find_conv(c->m, t);
	if (cv != NULL && cv->kind == WXF_CONV_GROUP)
		return 0;
	return 1;
}

int
an_counted(const wxf_msg *msg)
{
	return msg->duplicate_of == NULL;
}

int
an_sent_by_owner(const an_ctx *c, const wxf_msg *msg)
{
	if (msg->dir == WXF_DIR_OUT || msg->sender_src == WXF_SENDER_OWNER)
		return 1;
	return c->owner != NULL && an_streq(msg->sender, c->owner);
}

int
an_authored_by(const an_ctx *c, const wxf_msg *msg, const char *u)
{
	if (!an_streq(msg->sender, u) || an_sent_by_owner(c, msg))
		return 0;
	return msg->dir != WXF_DIR_SYSTEM || msg->kind == WXF_MK_RECALL || msg->is_recall;
}

void
an_minmax(int64_t *first, int64_t *last, int64_t t)
{
	if (t == WXF_TIME_UNKNOWN)
		return;
	if (*first == WXF_TIME_UNKNOWN || t < *first)
		*first = t;
	if (*last == WXF_TIME_UNKNOWN || t > *last)
		*last = t;
}

/* ------------------------------------------------------------------------------------------ */
/* Transfer parties */

an_parties
an_transfer_parties(const an_ctx *c, const wxf_payment *p)
{
	an_parties r = { p->payer, p->receiver, "payer+receiver" };
	const char *t = p->talker;
	int direct = an_direct_talker(c, t);

	if (r.payer != NULL && r.receiver != NULL)
		return r;
	if (!direct) {
		r.src = r.payer != NULL ? "payer" : r.receiver != NULL ? "receiver" : "none";
		return r;
	}
	if (r.payer != NULL) {
		r.receiver = an_streq(r.payer, t) ? c->owner : t;
		r.src = "payer+talker";
	} else if (r.receiver != NULL) {
		r.payer = an_streq(r.receiver, t) ? c->owner : t;
		r.src = "receiver+talker";
	} else {
		r.src = "none";
		for (size_t i = 0; i < p->n_events; i++) {
			const wxf_pay_event *e = &p->events[i];

			if (e->state != WXF_PST_INITIATED)
				continue;
			if (e->dir == WXF_DIR_OUT) {
				r.payer = c->owner;
				r.receiver = t;
				r.src = "initiation-row+talker";
				break;
			}
			if (e->dir == WXF_DIR_IN) {
				r.payer = t;
				r.receiver = c->owner;
				r.src = "initiation-row+talker";
				break;
			}
		}
	}
	return r;
}

const char *
an_counterparty(const an_ctx *c, const wxf_payment *p, const an_parties *pt, int *to)
{
	if (c->owner != NULL) {
		if (an_streq(pt->payer, c->owner) && pt->receiver != NULL &&
		    !an_streq(pt->receiver, c->owner)) {
			*to = 1;
			return pt->receiver;
		}
		if (an_streq(pt->receiver, c->owner) && pt->payer != NULL &&
		    !an_streq(pt->payer, c->owner)) {
			*to = 0;
			return pt->payer;
		}
		return NULL;
	}
	if (!an_direct_talker(c, p->talker))
		return NULL;
	if (an_streq(pt->receiver, p->talker) && !an_streq(pt->payer, p->talker)) {
		*to = 1;
		return p->talker;
	}
	if (an_streq(pt->payer, p->talker) && !an_streq(pt->receiver, p->talker)) {
		*to = 0;
		return p->talker;
	}
	return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Identity cards */

enum { A_WXID, A_ALIAS, A_NICK, A_REMARK, A_PHONE, A_REAL, A_CARD, A_ENC, A_OTHER, A_N };

typedef struct obs {
	int attr;
	const char *value;
	wxf_an_ref ref;
} obs;

typedef struct obsv {
	obs *v;
	size_t n, cap;
} obsv;

static int
is_ws(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\v' || ch == '\f';
}

/* Adds an observation; value trimmed of ASCII white space, empty values ignored. */
static int
obs_add(an_ctx *c, obsv *o, int attr, const char *value, size_t vlen, wxf_an_ref_kind kind,
    const char *id, const char *field, int64_t t, const wxf_prov *prov)
{
	const char *b = value, *e;
	obs x;

	if (value == NULL)
		return WXF_OK;
	e = value + vlen;
	while (b < e && is_ws(*b))
		b++;
	while (e > b && is_ws(e[-1]))
		e--;
	if (b == e)
		return WXF_OK;
	memset(&x, 0, sizeof(x));
	x.attr = attr;
	x.value = an_strndup(c, b, (size_t)(e - b)); /* callers may pass stack buffers */
	if (x.value == NULL)
		return AN_NOMEM(c);
	x.ref.kind = kind;
	x.ref.id = id;
	x.ref.field = field;
	x.ref.time_ms = t;
	if (prov != NULL)
		x.ref.prov = *prov;
	else
		x.ref.prov.rowid = INT64_MIN;
	if (o->n == o->cap) {
		size_t nc = o->cap ? o->cap * 2 : 32;
		obs *nv = realloc(o->v, nc * sizeof(*nv));

		if (nv == NULL)
			return AN_NOMEM(c);
		o->v = nv;
		o->cap = nc;
	}
	o->v[o->n++] = x;
	return WXF_OK;
}

static int
obs_str(an_ctx *c, obsv *o, int attr, const char *value, wxf_an_ref_kind kind, const char *id,
    const char *field, int64_t t, const wxf_prov *prov)
{
	return value != NULL ? obs_add(c, o, attr, value, strlen(value), kind, id, field, t, prov) :
	    WXF_OK;
}

static int
obs_attrs(an_ctx *c, obsv *o, int attr, const wxf_attrs *as, const char *u)
{
	for (size_t i = 0; i < as->n; i++) {
		const wxf_attr *x = &as->v[i];
		int rc = obs_str(c, o, attr, x->value, WXF_REF_IDENTITY, u,
		    x->source != NULL ? x->source : "identity", x->time_ms, &x->prov);

		if (rc < 0)
			return rc;
	}
	return WXF_OK;
}

static int
ref_cmp(const wxf_an_ref *a, const wxf_an_ref *b)
{
	int r = wxf_time_cmp(a->time_ms, b->time_ms);

	if (r == 0)
		r = (int)a->kind - (int)b->kind;
	if (r == 0)
		r = strcmp0(a->id, b->id);
	if (r == 0)
		r = strcmp0(a->field, b->field);
	if (r == 0)
		r = strcmp0(a->prov.file, b->prov.file);
	if (r == 0 && a->prov.offset != b->prov.offset)
		r = a->prov.offset < b->prov.offset ? -1 : 1;
	if (r == 0 && a->prov.rowid != b->prov.rowid)
		r = a->prov.rowid < b->prov.rowid ? -1 : 1;
	if (r == 0)
		r = (int)a->prov.origin - (int)b->prov.origin;
	return r;
}

static int
obs_cmp(const void *pa, const void *pb)
{
	const obs *a = pa, *b = pb;
	int r = a->attr - b->attr;

	if (r == 0)
		r = strcmp(a->value, b->value);
	return r != 0 ? r : ref_cmp(&a->ref, &b->ref);
}

static int
val_cmp(const void *pa, const void *pb)
{
	const wxf_an_value *a = pa, *b = pb;
	int r = wxf_time_cmp(a->first_ms, b->first_ms);

	return r != 0 ? r : strcmp(a->value, b->value);
}

/* Groups sorted observations into the attribute lists of p. */
static int
obs_finish(an_ctx *c, obsv *o, wxf_an_attr *attrs[A_N])
{
	if (o->n > 1)
		qsort(o->v, o->n, sizeof(*o->v), obs_cmp);
	for (size_t i = 0; i < o->n;) {
		int attr = o->v[i].attr;
		size_t j = i, nv = 0, cap = 0;
		wxf_an_value *vals = NULL;

		while (j < o->n && o->v[j].attr == attr)
			j++;
		/* values i..j of this attribute */
		for (size_t k = i; k < j;) {
			size_t l = k, nr = 0;
			wxf_an_value val;

			while (l < j && strcmp(o->v[l].value, o->v[k].value) == 0)
				l++;
			memset(&val, 0, sizeof(val));
			val.value = o->v[k].value;
			val.refs = wxf_arena_alloc(c->ar, (l - k) * sizeof(*val.refs));
			if (val.refs == NULL)
				return AN_NOMEM(c);
			val.first_ms = val.last_ms = WXF_TIME_UNKNOWN;
			for (size_t r = k; r < l; r++) {
				if (nr > 0 && ref_cmp(&val.refs[nr - 1], &o->v[r].ref) == 0)
					continue; /* the same evidence twice */
				val.refs[nr++] = o->v[r].ref;
				an_minmax(&val.first_ms, &val.last_ms, o->v[r].ref.time_ms);
				if (o->v[r].ref.prov.origin == WXF_ORIGIN_LIVE)
					val.live = 1;
			}
			val.n_refs = nr;
			if (wxf_arena_grow(c->ar, (void **)&vals, &cap, nv + 1, sizeof(*vals)) < 0)
				return AN_NOMEM(c);
			vals[nv++] = val;
			k = l;
		}
		if (nv > 1)
			qsort(vals, nv, sizeof(*vals), val_cmp);
		attrs[attr]->v = vals;
		attrs[attr]->n = nv;
		i = j;
	}
	return WXF_OK;
}

/* Text between `pre` and the first of the `ends` after it; NULL if absent. */
static const char *
between(an_ctx *c, const char *s, const char *pre, const char *const *ends, size_t *len)
{
	const char *b, *e = NULL;

	if (s == NULL || (b = strstr(s, pre)) == NULL)
		return NULL;
	b += strlen(pre);
	for (size_t i = 0; ends[i] != NULL; i++) {
		const char *x = strstr(b, ends[i]);

		if (x != NULL && (e == NULL || x < e))
			e = x;
	}
	if (e == NULL || e == b || (size_t)(e - b) > 256)
		return NULL;
	(void)c;
	*len = (size_t)(e - b);
	return b;
}

static int
obs_between(an_ctx *c, obsv *o, int attr, const wxf_msg *msg, const char *text, const char *pre,
    const char *const *ends, const char *field)
{
	size_t len = 0;
	const char *b = between(c, text, pre, ends, &len);

	if (b == NULL)
		return WXF_OK;
	/* strip one pair of ASCII or CJK double quotes */
	if (len >= 2 && b[0] == '"' && b[len - 1] == '"') {
		b++;
		len -= 2;
	}
	return obs_add(c, o, attr, b, len, WXF_REF_MESSAGE, msg->id, field, msg->time_ms,
	    &msg->prov);
}

/* Phone-like numbers in a text (analysis.h §2).  Calls obs_add for each, normalised. */
static int
scan_phones(an_ctx *c, obsv *o, const wxf_msg *msg, const char *text, const char *field)
{
	size_t n = text != NULL ? strlen(text) : 0;
	uint32_t prev = 0;

	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = an_next_cp(text + i, n - i, &cp), j = i, pl = 0;
		char d[24];
		size_t nd = 0;
		int plus = 0, bad = 0;
		uint32_t lastsep = 0;

		cp = an_fold_cp(cp);
		if (!((cp >= '0' && cp <= '9') || cp == '+') || (prev >= '0' && prev <= '9') ||
		    an_is_alnum(prev)) {
			prev = cp;
			i += l;
			continue;
		}
		/* collect a run: digits with single ' ' / '-' between, optional leading '+' */
		for (;;) {
			uint32_t x;
			size_t xl;

			if (j >= n)
				break;
			xl = an_next_cp(text + j, n - j, &x);
			x = an_fold_cp(x);
			if (x == '+' && j == i) {
				plus = 1;
			} else if (x >= '0' && x <= '9') {
				if (nd < sizeof(d) - 1)
					d[nd++] = (char)x;
				else
					bad = 1;
				lastsep = 0;
			} else if ((x == ' ' || x == '-') && nd > 0 && lastsep == 0) {
				lastsep = x;
			} else {
				break;
			}
			j += xl;
			pl = j;
		}
		d[nd] = '\0';
		/* trailing separator is not part of the number */
		if (j < n) {
			uint32_t x;

			an_next_cp(text + j, n - j, &x);
			x = an_fold_cp(x);
			if (an_is_alnum(x))
				bad = 1;
		}
		if (!bad) {
			const char *num = d;
			char norm[32];

			if (nd == 13 && strncmp(d, "86", 2) == 0 && d[2] == '1')
				num = d + 2;
			if (strlen(num) == 11 && num[0] == '1' && num[1] >= '3' && num[1] <= '9') {
				int rc = obs_str(c, o, A_PHONE, num, WXF_REF_MESSAGE, msg->id, field,
				    msg->time_ms, &msg->prov);

				if (rc < 0)
					return rc;
			} else if (plus && nd == 11 && (strncmp(d, "852", 3) == 0 ||
			    strncmp(d, "853", 3) == 0)) {
				snprintf(norm, sizeof(norm), "+%.3s%s", d, d + 3);
				int rc = obs_str(c, o, A_PHONE, norm, WXF_REF_MESSAGE, msg->id, field,
				    msg->time_ms, &msg->prov);

				if (rc < 0)
					return rc;
			}
		}
		prev = '0'; /* a run ended: the next digit is not a start */
		i = pl > i ? pl : i + l;
	}
	return WXF_OK;
}

/* 1 if the comma/semicolon separated list contains u as a whole item. */
static int
list_has(const char *list, const char *u)
{
	size_t n = u != NULL ? strlen(u) : 0;

	if (list == NULL || n == 0)
		return 0;
	for (const char *p = list; (p = strstr(p, u)) != NULL; p++) {
		int lb = p == list || p[-1] == ',' || p[-1] == ';' || p[-1] == ' ';
		int rb = p[n] == '\0' || p[n] == ',' || p[n] == ';' || p[n] == ' ';

		if (lb && rb)
			return 1;
	}
	return 0;
}

static int
ends_with_ci(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);

	return n >= k && strcasecmp(s + n - k, suf) == 0;
}

/* Observations from messages for person u. */
static int
obs_messages(an_ctx *c, obsv *o, const char *u, int want_phones)
{
	static const char *const end_added[] = { "，现在可以开始聊天了", ",现在可以开始聊天了",
	    NULL };
	static const char *const end_recall[] = { " 撤回了一条消息", "撤回了一条消息", NULL };
	static const char *const end_claim[] = { "的<_wc_custom_link_", "的红包", NULL };
	const wxf_model *m = c->m;
	int rc;

	for (size_t i = 0; i < m->n_msgs; i++) {
		const wxf_msg *msg = m->msgs[i];
		int own = an_streq(msg->sender, u);
		int chat = an_streq(msg->talker, u);
		int wrote = an_authored_by(c, msg, u);

		if (!an_counted(msg))
			continue;
		/* wxid named by a card, with the card's nickname and alias */
		if (msg->kind == WXF_MK_CARD && an_streq(msg->card_username, u)) {
			if ((rc = obs_str(c, o, A_WXID, u, WXF_REF_MESSAGE, msg->id,
			    "message.card_username", msg->time_ms, &msg->prov)) < 0 ||
			    (rc = obs_str(c, o, A_NICK, msg->card_nickname, WXF_REF_MESSAGE, msg->id,
			    "message.card_nickname", msg->time_ms, &msg->prov)) < 0 ||
			    (rc = obs_str(c, o, A_ALIAS, msg->card_alias, WXF_REF_MESSAGE, msg->id,
			    "message.card_alias", msg->time_ms, &msg->prov)) < 0)
				return rc;
		}
		/* system texts of the 1:1 chat that name the person */
		if (chat && !wrote && !an_sent_by_owner(c, msg) && msg->body != NULL &&
		    (msg->kind == WXF_MK_SYSTEM || msg->dir == WXF_DIR_SYSTEM)) {
			if ((rc = obs_between(c, o, A_NICK, msg, msg->body, "你已添加了", end_added,
			    "message.system(added)")) < 0)
				return rc;
			if (strstr(msg->body, "开启了朋友验证") != NULL) {
				const char *e = strstr(msg->body, "开启了朋友验证");

				if ((rc = obs_add(c, o, A_NICK, msg->body, (size_t)(e - msg->body),
				    WXF_REF_MESSAGE, msg->id, "message.system(friend-verify)",
				    msg->time_ms, &msg->prov)) < 0)
					return rc;
			}
		}
		/* recall notices of the person's own messages: "\"X\" 撤回了一条消息" */
		if ((msg->kind == WXF_MK_RECALL || msg->kind == WXF_MK_REVOKE) &&
		    msg->recall_text != NULL && msg->recall_text[0] == '"' &&
		    (own || (chat && !an_sent_by_owner(c, msg) && msg->kind == WXF_MK_REVOKE))) {
			size_t len = 0;
			const char *e = NULL;

			for (size_t k = 0; end_recall[k] != NULL && e == NULL; k++)
				e = strstr(msg->recall_text, end_recall[k]);
			len = e != NULL ? (size_t)(e - msg->recall_text) : 0;
			if (len >= 2 && msg->recall_text[len - 1] == '"' &&
			    (rc = obs_add(c, o, A_NICK, msg->recall_text + 1, len - 2,
			    WXF_REF_MESSAGE, msg->id, "message.recall_text", msg->time_ms,
			    &msg->prov)) < 0)
				return rc;
		}
		/* the owner's claim of the person's red packet: "你领取了X的红包" */
		if (msg->kind == WXF_MK_RED_PACKET_CLAIM && msg->payment != NULL &&
		    an_streq(msg->payment->payer, u) &&
		    (rc = obs_between(c, o, A_NICK, msg, msg->body != NULL ? msg->body :
		    msg->content, "你领取了", end_claim, "message.hongbao_claim")) < 0)
			return rc;
		/* quotes of the person's messages carry the display name used */
		if (msg->kind == WXF_MK_QUOTE && an_streq(msg->quote_from, u))
			for (size_t k = 0; k < msg->fields.n; k++) {
				const wxf_kv *kv = &msg->fields.v[k];

				if (strstr(kv->key, "refermsg") != NULL &&
				    ends_with_ci(kv->key, "displayname") &&
				    (rc = obs_str(c, o, A_NICK, kv->value, WXF_REF_MESSAGE, msg->id,
				    kv->key, msg->time_ms, &msg->prov)) < 0)
					return rc;
			}
		/* names in payment XML next to the person's username */
		if (msg->payment != NULL && (an_streq(msg->payment->payer, u) ||
		    an_streq(msg->payment->receiver, u)))
			for (size_t k = 0; k < msg->fields.n; k++) {
				const wxf_kv *kv = &msg->fields.v[k];
				int payer_name = ends_with_ci(kv->key, "payer_name") ||
				    ends_with_ci(kv->key, "payername");
				int recv_name = ends_with_ci(kv->key, "receiver_name") ||
				    ends_with_ci(kv->key, "receivername");

				if (((payer_name && an_streq(msg->payment->payer, u)) ||
				    (recv_name && an_streq(msg->payment->receiver, u))) &&
				    (rc = obs_str(c, o, A_NICK, kv->value, WXF_REF_MESSAGE, msg->id,
				    kv->key, msg->time_ms, &msg->prov)) < 0)
					return rc;
			}
		if (want_phones && wrote) {
			if ((rc = scan_phones(c, o, msg, msg->body, "message.body")) < 0)
				return rc;
			if (msg->title != NULL && !an_streq(msg->title, msg->body) &&
			    (rc = scan_phones(c, o, msg, msg->title, "message.title")) < 0)
				return rc;
			if (msg->desc != NULL && !an_streq(msg->desc, msg->body) &&
			    (rc = scan_phones(c, o, msg, msg->desc, "message.desc")) < 0)
				return rc;
			if (msg->recall_original != NULL &&
			    (rc = scan_phones(c, o, msg, msg->recall_original,
			    "message.recall_original")) < 0)
				return rc;
		}
	}
	return WXF_OK;
}

/* Splits chatroom.displayname on '、' when the count matches the member list. */
static const char *
positional_name(an_ctx *c, const wxf_group *g, size_t idx, size_t *len)
{
	const char *s = g->displayname_raw, *p;
	size_t k = 0, cnt = 1;
	static const char sep[] = "\xE3\x80\x81"; /* 、 */

	if (s == NULL || s[0] == '\0' || g->memberlist_raw == NULL)
		return NULL;
	for (p = s; (p = strstr(p, sep)) != NULL; p += 3)
		cnt++;
	if (cnt != g->n_members)
		return NULL;
	for (p = s; k < idx; k++) {
		p = strstr(p, sep);
		if (p == NULL)
			return NULL;
		p += 3;
	}
	{
		const char *e = strstr(p, sep);

		*len = e != NULL ? (size_t)(e - p) : strlen(p);
	}
	(void)c;
	return p;
}

static int
obs_payments(an_ctx *c, obsv *o, const char *u)
{
	const wxf_model *m = c->m;
	int rc;

	for (size_t i = 0; i < m->n_payments; i++) {
		const wxf_payment *p = m->payments[i];
		int64_t t = p->begin_time_ms != WXF_TIME_UNKNOWN ? p->begin_time_ms :
		    (p->n_events > 0 ? p->events[0].time_ms : WXF_TIME_UNKNOWN);

		if (an_streq(p->payer, u) && (rc = obs_str(c, o, A_WXID, u, WXF_REF_PAYMENT, p->id,
		    p->payer_src != NULL ? p->payer_src : "payment.payer", t, &p->prov)) < 0)
			return rc;
		if (an_streq(p->receiver, u) && (rc = obs_str(c, o, A_WXID, u, WXF_REF_PAYMENT, p->id,
		    p->receiver_src != NULL ? p->receiver_src : "payment.receiver", t,
		    &p->prov)) < 0)
			return rc;
		if (p->kind == WXF_PAY_AA && an_streq(p->aa_launcher, u) &&
		    (rc = obs_str(c, o, A_WXID, u, WXF_REF_PAYMENT, p->id, "newaa.launcherusername",
		    t, &p->prov)) < 0)
			return rc;
	}
	return WXF_OK;
}

typedef struct gacc {
	wxf_an_group g;
	size_t cap_p, cap_o;
} gacc;

static int
ref_push(an_ctx *c, wxf_an_ref **v, size_t *n, size_t *cap, wxf_an_ref_kind kind, const char *id,
    const char *field, int64_t t, const wxf_prov *prov)
{
	wxf_an_ref r;

	memset(&r, 0, sizeof(r));
	r.kind = kind;
	r.id = id;
	r.field = field;
	r.time_ms = t;
	if (prov != NULL)
		r.prov = *prov;
	else
		r.prov.rowid = INT64_MIN;
	if (wxf_arena_grow(c->ar, (void **)v, cap, *n + 1, sizeof(**v)) < 0)
		return AN_NOMEM(c);
	(*v)[(*n)++] = r;
	return WXF_OK;
}

static int
refs_sort_cmp(const void *a, const void *b)
{
	return ref_cmp(a, b);
}

static int
group_cmp(const void *pa, const void *pb)
{
	return strcmp(((const wxf_an_group *)pa)->username, ((const wxf_an_group *)pb)->username);
}

/* One shared-group entry for room id r, or 0 in *shared when not shared. */
static int
group_entry(an_ctx *c, const char *room, const char *u, wxf_an_group *out, int *shared)
{
	const wxf_model *m = c->m;
	const wxf_group *g = wxf_model_find_group(m, room);
	const wxf_conv *cv = wxf_model_find_conv(m, room);
	gacc acc;
	obsv o = { NULL, 0, 0 };
	wxf_an_attr names = { NULL, 0 }, dummy[A_N];
	wxf_an_attr *attrs[A_N];
	int rc;
	const wxf_msg *first_own = NULL, *first_owner = NULL;

	memset(&acc, 0, sizeof(acc));
	*shared = 0;
	acc.g.username = room;
	if (g != NULL) {
		for (size_t i = 0; i < g->n_members; i++) {
			const wxf_group_member *gm = &g->members[i];

			if (an_streq(gm->username, u) && (rc = ref_push(c, &acc.g.person_refs,
			    &acc.g.n_person_refs, &acc.cap_p, WXF_REF_GROUP, room,
			    "chatroom.memberlist", WXF_TIME_UNKNOWN, &gm->prov)) < 0)
				return rc;
			if (c->owner != NULL && an_streq(gm->username, c->owner) &&
			    (rc = ref_push(c, &acc.g.owner_refs, &acc.g.n_owner_refs, &acc.cap_o,
			    WXF_REF_GROUP, room, "chatroom.memberlist", WXF_TIME_UNKNOWN,
			    &gm->prov)) < 0)
				return rc;
		}
		for (size_t i = 0; i < g->owners.n; i++)
			if (an_streq(g->owners.v[i].value, u)) {
				acc.g.person_is_room_owner = 1;
				if ((rc = ref_push(c, &acc.g.person_refs, &acc.g.n_person_refs,
				    &acc.cap_p, WXF_REF_GROUP, room, g->owners.v[i].source != NULL ?
				    g->owners.v[i].source : "chatroom.roomowner",
				    g->owners.v[i].time_ms, &g->owners.v[i].prov)) < 0)
					return rc;
			}
	}
	if (cv != NULL)
		for (size_t i = 0; i < cv->n_msgs; i++) {
			const wxf_msg *msg = cv->msgs[i];

			if (!an_counted(msg))
				continue;
			if (an_authored_by(c, msg, u)) {
				acc.g.person_msgs++;
				if (first_own == NULL)
					first_own = msg;
			} else if (an_sent_by_owner(c, msg) && first_owner == NULL) {
				first_owner = msg;
			}
		}
	if (first_own != NULL && (rc = ref_push(c, &acc.g.person_refs, &acc.g.n_person_refs,
	    &acc.cap_p, WXF_REF_MESSAGE, first_own->id, "message.sender(first in group)",
	    first_own->time_ms, &first_own->prov)) < 0)
		return rc;
	if (first_owner != NULL && (rc = ref_push(c, &acc.g.owner_refs, &acc.g.n_owner_refs,
	    &acc.cap_o, WXF_REF_MESSAGE, first_owner->id, "message.isSend(first in group)",
	    first_owner->time_ms, &first_owner->prov)) < 0)
		return rc;
	if (acc.g.n_person_refs == 0)
		return WXF_OK;
	/* The owner's own database holds the room's chat: the owner was in it. */
	if (acc.g.n_owner_refs == 0 && cv != NULL && cv->n_msgs > 0 &&
	    (rc = ref_push(c, &acc.g.owner_refs, &acc.g.n_owner_refs, &acc.cap_o,
	    WXF_REF_GROUP, room, "conversation in the owner's database", WXF_TIME_UNKNOWN,
	    &cv->prov)) < 0)
		return rc;
	if (acc.g.n_owner_refs == 0)
		return WXF_OK;
	*shared = 1;
	if (acc.g.n_person_refs > 1)
		qsort(acc.g.person_refs, acc.g.n_person_refs, sizeof(wxf_an_ref), refs_sort_cmp);
	if (acc.g.n_owner_refs > 1)
		qsort(acc.g.owner_refs, acc.g.n_owner_refs, sizeof(wxf_an_ref), refs_sort_cmp);
	/* names of the group */
	if (g != NULL && (rc = obs_attrs(c, &o, A_NICK, &g->names, room)) < 0)
		goto out;
	{
		const wxf_identity *gid = wxf_model_find_identity(m, room);

		if (gid != NULL && ((rc = obs_attrs(c, &o, A_NICK, &gid->nicknames, room)) < 0 ||
		    (rc = obs_attrs(c, &o, A_NICK, &gid->remarks, room)) < 0))
			goto out;
	}
	for (size_t i = 0; i < o.n; i++)
		o.v[i].ref.kind = WXF_REF_GROUP;
	memset(dummy, 0, sizeof(dummy));
	for (int i = 0; i < A_N; i++)
		attrs[i] = &dummy[i];
	attrs[A_NICK] = &names;
	rc = obs_finish(c, &o, attrs);
	if (rc < 0)
		goto out;
	acc.g.names = names;
	acc.g.name = names.n > 0 ? names.v[names.n - 1].value : NULL;
	if (g != NULL && g->names.n > 0)
		acc.g.name = wxf_attrs_best(&g->names);
	*out = acc.g;
	rc = WXF_OK;
out:
	free(o.v);
	return rc;
}

static int
add_room(an_ctx *c, const char ***v, size_t *n, size_t *cap, const char *room)
{
	if (wxf_arena_grow(c->ar, (void **)v, cap, *n + 1, sizeof(**v)) < 0)
		return AN_NOMEM(c);
	(*v)[(*n)++] = room;
	return WXF_OK;
}

static int
cstr_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
shared_groups(an_ctx *c, wxf_an_person *p, obsv *o)
{
	const wxf_model *m = c->m;
	const char **rooms = NULL;
	size_t nr = 0, cr = 0, cap = 0;
	int rc;

	for (size_t i = 0; i < m->n_groups; i++)
		if ((rc = add_room(c, &rooms, &nr, &cr, m->groups[i]->username)) < 0)
			return rc;
	for (size_t i = 0; i < m->n_convs; i++)
		if ((m->convs[i]->kind == WXF_CONV_GROUP || an_is_group_id(m->convs[i]->talker)) &&
		    (rc = add_room(c, &rooms, &nr, &cr, m->convs[i]->talker)) < 0)
			return rc;
	if (nr > 1)
		qsort(rooms, nr, sizeof(*rooms), cstr_cmp);
	for (size_t i = 0; i < nr; i++) {
		wxf_an_group g;
		int shared = 0;

		if (i > 0 && strcmp(rooms[i], rooms[i - 1]) == 0)
			continue;
		if ((rc = group_entry(c, rooms[i], p->username, &g, &shared)) < 0)
			return rc;
		if (!shared)
			continue;
		if (wxf_arena_grow(c->ar, (void **)&p->groups, &cap, p->n_groups + 1,
		    sizeof(*p->groups)) < 0)
			return AN_NOMEM(c);
		p->groups[p->n_groups++] = g;
	}
	if (p->n_groups > 1)
		qsort(p->groups, p->n_groups, sizeof(*p->groups), group_cmp);
	/* the person's in-group display names */
	for (size_t i = 0; i < m->n_groups; i++) {
		const wxf_group *g = m->groups[i];

		for (size_t k = 0; k < g->n_members; k++) {
			const wxf_group_member *gm = &g->members[k];
			size_t len = 0;
			const char *pn;

			if (!an_streq(gm->username, p->username))
				continue;
			if (gm->display_name != NULL) {
				if ((rc = obs_str(c, o, A_NICK, gm->display_name, WXF_REF_GROUP,
				    g->username, "chatroom.member.display_name", WXF_TIME_UNKNOWN,
				    &gm->prov)) < 0)
					return rc;
			} else if ((pn = positional_name(c, g, k, &len)) != NULL &&
			    (rc = obs_add(c, o, A_NICK, pn, len, WXF_REF_GROUP, g->username,
			    "chatroom.displayname(position in memberlist)", WXF_TIME_UNKNOWN,
			    &g->prov)) < 0) {
				return rc;
			}
		}
	}
	return WXF_OK;
}

static int
build_person(an_ctx *c, const char *u, int is_owner, wxf_an_person **out)
{
	const wxf_model *m = c->m;
	const wxf_identity *id = wxf_model_find_identity(m, u);
	wxf_an_person *p = wxf_arena_alloc(c->ar, sizeof(*p));
	obsv o = { NULL, 0, 0 };
	wxf_an_attr *attrs[A_N];
	int rc;

	*out = NULL;
	if (p == NULL)
		return AN_NOMEM(c);
	p->username = u;
	p->ident = id;
	p->first_ms = p->last_ms = WXF_TIME_UNKNOWN;
	p->type_flags = p->verify_flag = p->delete_flag = WXF_INT_UNKNOWN;
	attrs[A_WXID] = &p->wxid;
	attrs[A_ALIAS] = &p->aliases;
	attrs[A_NICK] = &p->nicknames;
	attrs[A_REMARK] = &p->remarks;
	attrs[A_PHONE] = &p->phones;
	attrs[A_REAL] = &p->real_names;
	attrs[A_CARD] = &p->bank_cards;
	attrs[A_ENC] = &p->encrypt_usernames;
	attrs[A_OTHER] = &p->other;
	if (id != NULL) {
		p->in_contacts = id->in_contacts;
		p->type_flags = id->type_flags;
		p->verify_flag = id->verify_flag;
		p->delete_flag = id->delete_flag;
		if ((rc = obs_str(c, &o, A_WXID, u, WXF_REF_IDENTITY, u,
		    id->prov.table != NULL ? id->prov.table : "identity", WXF_TIME_UNKNOWN,
		    &id->prov)) < 0 ||
		    (rc = obs_attrs(c, &o, A_ALIAS, &id->aliases, u)) < 0 ||
		    (rc = obs_attrs(c, &o, A_NICK, &id->nicknames, u)) < 0 ||
		    (rc = obs_attrs(c, &o, A_REMARK, &id->remarks, u)) < 0 ||
		    (rc = obs_attrs(c, &o, A_PHONE, &id->phones, u)) < 0 ||
		    (rc = obs_attrs(c, &o, A_REAL, &id->real_names, u)) < 0 ||
		    (rc = obs_attrs(c, &o, A_CARD, &id->bank_cards, u)) < 0 ||
		    (rc = obs_attrs(c, &o, A_ENC, &id->encrypt_usernames, u)) < 0 ||
		    (rc = obs_attrs(c, &o, A_OTHER, &id->other, u)) < 0)
			goto out;
	}
	if ((rc = obs_payments(c, &o, u)) < 0 || (rc = obs_messages(c, &o, u, !is_owner)) < 0)
		goto out;
	if (!is_owner && (rc = shared_groups(c, p, &o)) < 0)
		goto out;
	/* contact counts and first / last contact */
	for (size_t i = 0; i < m->n_msgs; i++) {
		const wxf_msg *msg = m->msgs[i];
		int from, to, chat;

		if (!an_counted(msg))
			continue;
		if (is_owner) {
			from = an_sent_by_owner(c, msg);
			to = 0;
			chat = from;
		} else {
			from = an_authored_by(c, msg, u);
			to = an_streq(msg->talker, u) && an_sent_by_owner(c, msg);
			chat = from || an_streq(msg->talker, u);
		}
		if (from) {
			p->msgs_from++;
			if (an_is_group_id(msg->talker) || (msg->conv != NULL &&
			    msg->conv->kind == WXF_CONV_GROUP))
				p->msgs_group_from++;
		}
		if (to)
			p->msgs_to++;
		if ((from || to) && msg->prov.origin != WXF_ORIGIN_LIVE)
			p->msgs_recovered++;
		if (chat && msg->time_ms != WXF_TIME_UNKNOWN) {
			if (p->first_ms == WXF_TIME_UNKNOWN || msg->time_ms < p->first_ms) {
				p->first_ms = msg->time_ms;
				p->first_msg_id = msg->id;
			}
			if (p->last_ms == WXF_TIME_UNKNOWN || msg->time_ms >= p->last_ms) {
				p->last_ms = msg->time_ms;
				p->last_msg_id = msg->id;
			}
		}
	}
	rc = obs_finish(c, &o, attrs);
out:
	free(o.v);
	if (rc == WXF_OK)
		*out = p;
	return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* Ledger */

int
wxf_ledger_crpl55(int64_t net_fen, wxf_ledger_totals *t)
{
	t->crpl_floor_fen = WXF_CRPL55_FLOOR_FEN;
	t->crpl_base_fen = net_fen > 0 ? net_fen : 0;
	if (t->crpl_base_fen > INT64_MAX / WXF_CRPL55_MULTIPLIER) {
		t->overflow = 1;
		t->crpl_triple_fen = t->crpl55_fen = 0;
		t->crpl_floor_applied = 0;
		return WXF_ECORRUPT;
	}
	t->crpl_triple_fen = t->crpl_base_fen * WXF_CRPL55_MULTIPLIER;
	t->crpl_floor_applied = t->crpl_triple_fen < t->crpl_floor_fen;
	t->crpl55_fen = t->crpl_floor_applied ? t->crpl_floor_fen : t->crpl_triple_fen;
	return WXF_OK;
}

static wxf_ledger_origin
pay_origin(const wxf_model *m, const wxf_payment *p)
{
	size_t live = 0, rec = 0;

	for (size_t i = 0; i < p->n_events; i++) {
		if (p->events[i].prov.origin == WXF_ORIGIN_LIVE)
			live++;
		else
			rec++;
	}
	for (size_t i = 0; i < p->n_msgs; i++) {
		const wxf_msg *msg = wxf_model_find_msg(m, p->msg_ids[i]);

		if (msg == NULL)
			continue;
		if (msg->prov.origin == WXF_ORIGIN_LIVE)
			live++;
		else
			rec++;
	}
	if (live == 0 && rec == 0)
		return p->prov.origin == WXF_ORIGIN_LIVE ? WXF_LO_LIVE : WXF_LO_RECOVERED;
	return rec == 0 ? WXF_LO_LIVE : live == 0 ? WXF_LO_RECOVERED : WXF_LO_MIXED;
}

static int64_t
pay_time(const wxf_model *m, const wxf_payment *p)
{
	int64_t t = WXF_TIME_UNKNOWN;

	if (p->begin_time_ms != WXF_TIME_UNKNOWN)
		return p->begin_time_ms;
	for (size_t i = 0; i < p->n_events; i++)
		if (p->events[i].time_ms != WXF_TIME_UNKNOWN)
			return p->events[i].time_ms;
	for (size_t i = 0; i < p->n_msgs; i++) {
		const wxf_msg *msg = wxf_model_find_msg(m, p->msg_ids[i]);

		if (msg != NULL && wxf_time_cmp(msg->time_ms, t) < 0)
			t = msg->time_ms;
	}
	return t;
}

static void
row_init(const an_ctx *c, wxf_ledger_row *r, const wxf_payment *p)
{
	memset(r, 0, sizeof(*r));
	r->pay = p;
	r->payment_id = p->id;
	r->kind = p->kind;
	r->time_ms = pay_time(c->m, p);
	r->final_time_ms = p->final_time_ms;
	r->amount_known = p->amount.known && p->amount.fen >= 0;
	r->amount_fen = r->amount_known ? p->amount.fen : 0;
	r->amount_text = p->amount.text;
	r->final_state = p->final_state;
	r->final_paysubtype = WXF_INT_UNKNOWN;
	for (size_t i = p->n_events; i > 0; i--)
		if (p->events[i - 1].state == p->final_state) {
			r->final_paysubtype = p->events[i - 1].paysubtype;
			break;
		}
	r->transfer_id = p->transfer_id;
	r->transaction_id = p->transaction_id;
	r->memo = p->memo;
	r->origin = pay_origin(c->m, p);
	r->witness_disagrees = p->witness_disagrees;
	r->amount_conflict = p->amount_conflict;
	r->owner_claimed_fen = 0;
}

static int
row_cmp(const void *pa, const void *pb)
{
	const wxf_ledger_row *a = pa, *b = pb;
	int r = wxf_time_cmp(a->time_ms, b->time_ms);

	return r != 0 ? r : strcmp(a->payment_id, b->payment_id);
}

typedef struct rows {
	wxf_ledger_row *v;
	size_t n, cap;
} rows;

static int
row_push(an_ctx *c, rows *rs, const wxf_ledger_row *r)
{
	if (wxf_arena_grow(c->ar, (void **)&rs->v, &rs->cap, rs->n + 1, sizeof(*rs->v)) < 0)
		return AN_NOMEM(c);
	rs->v[rs->n++] = *r;
	return WXF_OK;
}

/* Sums with overflow flag. */
static void
sum(wxf_ledger_totals *t, int64_t *acc, int64_t v)
{
	if (an_add(acc, v))
		t->overflow = 1;
}

static int
mentions(const wxf_an_person *s, const char *text)
{
	const wxf_an_attr *lists[3];

	if (text == NULL || s == NULL)
		return 0;
	if (strstr(text, s->username) != NULL)
		return 1;
	lists[0] = &s->aliases;
	lists[1] = &s->nicknames;
	lists[2] = &s->remarks;
	for (int k = 0; k < 3; k++)
		for (size_t i = 0; i < lists[k]->n; i++)
			if (strlen(lists[k]->v[i].value) >= 2 &&
			    strstr(text, lists[k]->v[i].value) != NULL)
				return 1;
	return 0;
}

static int
claimed_by_owner(const an_ctx *c, const wxf_hb_claim *cl)
{
	if (c->owner != NULL && an_streq(cl->claimer, c->owner))
		return 1;
	if (cl->claimer == NULL && cl->text != NULL && strstr(cl->text, "你领取了") != NULL)
		return 1;
	return 0;
}

static int
shares_group(const wxf_an_person *s, const char *room)
{
	for (size_t i = 0; s != NULL && i < s->n_groups; i++)
		if (an_streq(s->groups[i].username, room))
			return 1;
	return 0;
}

static int
build_ledger(an_ctx *c)
{
	const wxf_model *m = c->m;
	const wxf_an_person *sp = c->a->seller;
	const char *s = sp != NULL ? sp->username : NULL;
	wxf_ledger *L = &c->a->ledger;
	wxf_ledger_totals *t = &L->totals;
	rows tr = { NULL, 0, 0 }, hb = { NULL, 0, 0 }, aa = { NULL, 0, 0 }, rc_ = { NULL, 0, 0 };
	int rc;
	int64_t net;

	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < m->n_payments; i++) {
		const wxf_payment *p = m->payments[i];
		wxf_ledger_row r;

		row_init(c, &r, p);
		if (p->kind == WXF_PAY_TRANSFER && s != NULL) {
			an_parties pt = an_transfer_parties(c, p);
			int to = 0;
			const char *cp;

			if (!an_streq(pt.payer, s) && !an_streq(pt.receiver, s))
				continue;
			r.dir_src = pt.src;
			cp = an_counterparty(c, p, &pt, &to);
			if (cp == NULL || !an_streq(cp, s))
				r.dir = WXF_LDIR_OTHER;
			else
				r.dir = to ? WXF_LDIR_TO_SELLER : WXF_LDIR_FROM_SELLER;
			if (r.dir == WXF_LDIR_TO_SELLER) {
				switch (p->final_state) {
				case WXF_PST_ACCEPTED: r.bucket = WXF_LB_PAID; break;
				case WXF_PST_REFUNDED: r.bucket = WXF_LB_REFUNDED; break;
				case WXF_PST_EXPIRED: r.bucket = WXF_LB_EXPIRED; break;
				default: r.bucket = WXF_LB_PENDING; break;
				}
			} else if (r.dir == WXF_LDIR_FROM_SELLER) {
				r.bucket = p->final_state == WXF_PST_ACCEPTED ? WXF_LB_RECEIVED :
				    WXF_LB_FROM_SELLER_OTHER;
			}
			if (r.bucket != WXF_LB_NONE && !r.amount_known)
				t->n_unknown_amount++;
			if (r.amount_known)
				switch (r.bucket) {
				case WXF_LB_PAID: sum(t, &t->paid_fen, r.amount_fen); break;
				case WXF_LB_REFUNDED: sum(t, &t->refunded_fen, r.amount_fen); break;
				case WXF_LB_EXPIRED: sum(t, &t->expired_fen, r.amount_fen); break;
				case WXF_LB_PENDING: sum(t, &t->pending_fen, r.amount_fen); break;
				case WXF_LB_RECEIVED: sum(t, &t->received_fen, r.amount_fen); break;
				default: break;
				}
			switch (r.bucket) {
			case WXF_LB_PAID: t->n_paid++; break;
			case WXF_LB_REFUNDED: t->n_refunded++; break;
			case WXF_LB_EXPIRED: t->n_expired++; break;
			case WXF_LB_PENDING: t->n_pending++; break;
			case WXF_LB_RECEIVED: t->n_received++; break;
			default: break;
			}
			if ((rc = row_push(c, &tr, &r)) < 0)
				return rc;
		} else if (p->kind == WXF_PAY_RED_PACKET && s != NULL) {
			int from_s = an_streq(p->payer, s) && (an_streq(p->talker, s) ||
			    shares_group(sp, p->talker) || (c->owner != NULL &&
			    an_streq(p->receiver, c->owner)));
			int to_s = c->owner != NULL && an_streq(p->payer, c->owner) &&
			    (an_streq(p->receiver, s) || an_streq(p->talker, s));

			if (!from_s && !to_s)
				continue;
			r.dir = from_s ? WXF_LDIR_FROM_SELLER : WXF_LDIR_TO_SELLER;
			r.dir_src = "payer+talker";
			if (from_s) {
				int any = 0, known = 1;

				for (size_t k = 0; k < p->n_claims; k++) {
					const wxf_hb_claim *cl = &p->claims[k];

					if (!claimed_by_owner(c, cl))
						continue;
					any = 1;
					if (cl->amount.known && cl->amount.fen >= 0)
						sum(t, &r.owner_claimed_fen, cl->amount.fen);
					else
						known = 0;
				}
				r.owner_claimed_known = any && known;
				if (any && known)
					sum(t, &t->hb_from_seller_fen, r.owner_claimed_fen);
				else if (any)
					t->n_hb_unknown_amount++;
			} else if (r.amount_known) {
				sum(t, &t->hb_to_seller_fen, r.amount_fen);
			} else {
				t->n_hb_unknown_amount++;
			}
			t->n_hb++;
			if ((rc = row_push(c, &hb, &r)) < 0)
				return rc;
		} else if (p->kind == WXF_PAY_AA && s != NULL) {
			if (!an_streq(p->aa_launcher, s) && !list_has(p->aa_payers, s) &&
			    !list_has(p->aa_receivers, s) && !an_streq(p->payer, s) &&
			    !an_streq(p->receiver, s))
				continue;
			r.dir = an_streq(p->aa_launcher, s) ? WXF_LDIR_FROM_SELLER : WXF_LDIR_OTHER;
			r.dir_src = "newaa";
			if (r.amount_known)
				sum(t, &t->aa_fen, r.amount_fen);
			else
				t->n_aa_unknown_amount++;
			t->n_aa++;
			if ((rc = row_push(c, &aa, &r)) < 0)
				return rc;
		} else if (p->kind == WXF_PAY_RECEIPT) {
			r.mentions_seller = mentions(sp, p->memo) || mentions(sp, p->merchant) ||
			    mentions(sp, p->payer) || mentions(sp, p->receiver);
			for (size_t k = 0; k < p->lines.n && !r.mentions_seller; k++)
				r.mentions_seller = mentions(sp, p->lines.v[k].value);
			if (r.amount_known)
				sum(t, &t->receipts_fen, r.amount_fen);
			else
				t->n_receipts_unknown_amount++;
			t->n_receipts++;
			if ((rc = row_push(c, &rc_, &r)) < 0)
				return rc;
		}
	}
	if (tr.n > 1)
		qsort(tr.v, tr.n, sizeof(*tr.v), row_cmp);
	if (hb.n > 1)
		qsort(hb.v, hb.n, sizeof(*hb.v), row_cmp);
	if (aa.n > 1)
		qsort(aa.v, aa.n, sizeof(*aa.v), row_cmp);
	if (rc_.n > 1)
		qsort(rc_.v, rc_.n, sizeof(*rc_.v), row_cmp);
	L->transfers = tr.v;
	L->n_transfers = tr.n;
	L->red_packets = hb.v;
	L->n_red_packets = hb.n;
	L->aa = aa.v;
	L->n_aa = aa.n;
	L->receipts = rc_.v;
	L->n_receipts = rc_.n;

	net = t->paid_fen;
	if (an_sub(&net, t->received_fen))
		t->overflow = 1;
	t->net_fen = net;
	if (!t->overflow)
		(void)wxf_ledger_crpl55(t->net_fen, t);
	if (t->overflow) {
		t->crpl_floor_fen = WXF_CRPL55_FLOOR_FEN;
		if ((rc = an_note(c, "ledger: a total overflows 64-bit fen; the totals are invalid and "
		    "are not reported")) < 0)
			return rc;
	}
	if (s != NULL && t->n_unknown_amount > 0 && (rc = an_note(c,
	    "ledger: %lld transfer(s) with the seller have no exactly readable amount and are not "
	    "in any total", (long long)t->n_unknown_amount)) < 0)
		return rc;
	for (size_t i = 0; i < tr.n; i++) {
		if (tr.v[i].witness_disagrees && (rc = an_note(c,
		    "ledger: transfer %s: RemittanceRecord.receiveStatus disagrees with the messages "
		    "(the messages' final state is used)", tr.v[i].transfer_id != NULL ?
		    tr.v[i].transfer_id : tr.v[i].payment_id)) < 0)
			return rc;
		if (tr.v[i].amount_conflict && (rc = an_note(c,
		    "ledger: transfer %s: its rows disagree on the amount (the first clean amount is "
		    "used)", tr.v[i].transfer_id != NULL ? tr.v[i].transfer_id :
		    tr.v[i].payment_id)) < 0)
			return rc;
		if (tr.v[i].final_state == WXF_PST_UNKNOWN && tr.v[i].bucket != WXF_LB_NONE &&
		    (rc = an_note(c, "ledger: transfer %s has an unknown final state (raw paysubtype "
		    "kept); not counted as paid", tr.v[i].transfer_id != NULL ?
		    tr.v[i].transfer_id : tr.v[i].payment_id)) < 0)
			return rc;
	}
	return WXF_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Indicator hits */

typedef struct hitacc {
	an_ctx *c;
	const wxf_msg *msg;
	const char *field;
	const char *text;
	wxf_indicator_hit *v;
	size_t n, cap;
	int rc;
} hitacc;

#define SNIPPET_CPS 30

static const char *
make_snippet(an_ctx *c, const char *text, size_t off, size_t len)
{
	size_t n = strlen(text), b = off, e = off + len, k;
	const char *r;
	char *tmp;

	/* back up SNIPPET_CPS code points */
	for (k = 0; k < SNIPPET_CPS && b > 0; k++) {
		b--;
		while (b > 0 && ((unsigned char)text[b] & 0xC0) == 0x80)
			b--;
	}
	for (k = 0; k < SNIPPET_CPS && e < n; k++) {
		uint32_t cp;

		e += an_next_cp(text + e, n - e, &cp);
	}
	tmp = malloc(e - b + 8);
	if (tmp == NULL)
		return NULL;
	{
		size_t w = 0;

		if (b > 0) {
			memcpy(tmp + w, "\xE2\x80\xA6", 3);
			w += 3;
		}
		for (size_t i = b; i < e; i++)
			tmp[w++] = (text[i] == '\n' || text[i] == '\r' || text[i] == '\t') ? ' ' :
			    text[i];
		if (e < n) {
			memcpy(tmp + w, "\xE2\x80\xA6", 3);
			w += 3;
		}
		r = an_strndup(c, tmp, w);
	}
	free(tmp);
	return r;
}

static void
hit_cb(void *arg, const wxf_indicator *ind, size_t off, size_t len)
{
	hitacc *h = arg;
	wxf_indicator_hit x;

	if (h->rc < 0)
		return;
	memset(&x, 0, sizeof(x));
	x.ind = ind;
	x.phrase = ind->phrase;
	x.category = ind->category;
	x.msg = h->msg;
	x.msg_id = h->msg->id;
	x.time_ms = h->msg->time_ms;
	x.talker = h->msg->talker;
	x.field = h->field;
	x.offset = off;
	x.length = len;
	x.prov = h->msg->prov;
	x.snippet = make_snippet(h->c, h->text, off, len);
	if (x.snippet == NULL || wxf_arena_grow(h->c->ar, (void **)&h->v, &h->cap, h->n + 1,
	    sizeof(*h->v)) < 0) {
		h->rc = AN_NOMEM(h->c);
		return;
	}
	h->v[h->n++] = x;
}

static int
field_rank(const char *f)
{
	static const char *const order[] = { "body", "title", "desc", "recall_original" };

	for (int i = 0; i < 4; i++)
		if (strcmp(f, order[i]) == 0)
			return i;
	return 4;
}

static int
hit_cmp(const void *pa, const void *pb)
{
	const wxf_indicator_hit *a = pa, *b = pb;
	int r = wxf_time_cmp(a->time_ms, b->time_ms);

	if (r == 0)
		r = strcmp(a->msg_id, b->msg_id);
	if (r == 0)
		r = field_rank(a->field) - field_rank(b->field);
	if (r == 0 && a->offset != b->offset)
		r = a->offset < b->offset ? -1 : 1;
	if (r == 0)
		r = strcmp(a->phrase, b->phrase);
	return r;
}

static int
build_hits(an_ctx *c, const wxf_indicator_set *set)
{
	const wxf_model *m = c->m;
	const char *s = c->a->seller != NULL ? c->a->seller->username : NULL;
	hitacc h;

	memset(&h, 0, sizeof(h));
	h.c = c;
	if (s == NULL || set == NULL)
		return WXF_OK;
	for (size_t i = 0; i < m->n_msgs && h.rc == WXF_OK; i++) {
		const wxf_msg *msg = m->msgs[i];
		const char *texts[4] = { msg->body, msg->title, msg->desc, msg->recall_original };
		static const char *const fields[4] = { "body", "title", "desc", "recall_original" };

		if (!an_counted(msg) || !an_authored_by(c, msg, s))
			continue;
		if (msg->kind == WXF_MK_RECALL || msg->is_recall)
			texts[0] = NULL; /* the body is the client's replacement text */
		for (int k = 0; k < 4 && h.rc == WXF_OK; k++) {
			int dup = 0;

			if (texts[k] == NULL)
				continue;
			for (int j = 0; j < k; j++)
				if (texts[j] != NULL && strcmp(texts[j], texts[k]) == 0)
					dup = 1;
			if (dup)
				continue;
			h.msg = msg;
			h.field = fields[k];
			h.text = texts[k];
			wxf_indicators_match(set, texts[k], hit_cb, &h);
		}
	}
	if (h.rc < 0)
		return h.rc;
	if (h.n > 1)
		qsort(h.v, h.n, sizeof(*h.v), hit_cmp);
	c->a->hits = h.v;
	c->a->n_hits = h.n;
	return WXF_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Run */

void
wxf_analysis_free(wxf_analysis **ap)
{
	an_priv *pv;

	if (ap == NULL || *ap == NULL)
		return;
	pv = (*ap)->priv_;
	if (pv != NULL) {
		wxf_indicators_free(&pv->own_set);
		wxf_arena_free(&pv->arena);
		free(pv);
	}
	free(*ap);
	*ap = NULL;
}

int
wxf_analysis_run(const wxf_model *m, const wxf_analysis_opts *opts, wxf_analysis **out,
    wxf_err *err)
{
	static const wxf_analysis_opts none;
	wxf_analysis *a;
	an_priv *pv;
	an_ctx c;
	int rc;
	const wxf_indicator_set *set = NULL;

	*out = NULL;
	if (m == NULL)
		return wxf_err_set(err, WXF_EUSAGE, "analysis: no model");
	if (opts == NULL)
		opts = &none;
	if (opts->seller != NULL && opts->seller[0] == '\0')
		return wxf_err_set(err, WXF_EUSAGE, "analysis: empty --seller");
	a = calloc(1, sizeof(*a));
	pv = calloc(1, sizeof(*pv));
	if (a == NULL || pv == NULL || (pv->arena = wxf_arena_new()) == NULL) {
		free(a);
		free(pv);
		return wxf_err_set(err, WXF_ENOMEM, "analysis: out of memory");
	}
	a->priv_ = pv;
	a->model = m;
	memset(&c, 0, sizeof(c));
	c.m = m;
	c.a = a;
	c.ar = pv->arena;
	c.err = err;
	c.owner = opts->owner != NULL && opts->owner[0] != '\0' ? opts->owner :
	    (m->owner != NULL ? m->owner->username : NULL);
	a->owner_username = c.owner;

	/* indicators first: a bad file is a usage error before any work */
	if (!opts->no_indicators) {
		if (opts->indicators != NULL) {
			set = opts->indicators;
		} else {
			rc = wxf_indicators_load(&pv->own_set, opts->indicators_base,
			    opts->indicator_files, opts->n_indicator_files, err);
			if (rc < 0)
				goto fail;
			set = pv->own_set;
		}
	}
	a->indicators = set;

	if (c.owner == NULL && (rc = an_note(&c, "owner unknown: transfers are attributed by their "
	    "1:1 chat; identify the owner (userinfo) or pass the owner explicitly")) < 0)
		goto fail;
	if ((rc = an_build_ranking(&c)) < 0)
		goto fail;
	if (opts->seller != NULL) {
		const char *s = opts->seller;

		a->seller_source = WXF_SELLER_GIVEN;
		a->seller_in_model = wxf_model_find_identity(m, s) != NULL;
		for (size_t i = 0; i < m->n_msgs && !a->seller_in_model; i++)
			if (an_streq(m->msgs[i]->sender, s) || an_streq(m->msgs[i]->talker, s))
				a->seller_in_model = 1;
		for (size_t i = 0; i < m->n_payments && !a->seller_in_model; i++)
			if (an_streq(m->payments[i]->payer, s) || an_streq(m->payments[i]->receiver, s))
				a->seller_in_model = 1;
		if (!a->seller_in_model && (rc = an_note(&c, "--seller %s: no contact, message or "
		    "payment in the evidence names this username", s)) < 0)
			goto fail;
		if ((s = an_strndup(&c, s, strlen(s))) == NULL) {
			rc = AN_NOMEM(&c);
			goto fail;
		}
		if ((rc = build_person(&c, s, 0, &a->seller)) < 0)
			goto fail;
	} else if (a->n_ranking > 0) {
		a->seller_source = WXF_SELLER_RANKED;
		a->seller_in_model = 1;
		if ((rc = build_person(&c, a->ranking[0].username, 0, &a->seller)) < 0)
			goto fail;
		if ((rc = an_note(&c, "seller not given: %s is proposed as the top-ranked counterparty "
		    "(paid %lld fen, %lld messages); the examiner must confirm it",
		    a->ranking[0].username, (long long)a->ranking[0].paid_fen,
		    (long long)a->ranking[0].msgs)) < 0)
			goto fail;
		if (a->n_ranking > 1 && a->ranking[1].paid_fen == a->ranking[0].paid_fen &&
		    a->ranking[1].msgs == a->ranking[0].msgs &&
		    (rc = an_note(&c, "ranking: %s and %s tie on money and messages; the proposal is "
		    "by username order only", a->ranking[0].username, a->ranking[1].username)) < 0)
			goto fail;
	} else {
		a->seller_source = WXF_SELLER_NONE;
		if ((rc = an_note(&c, "no counterparty with messages or transfers: no seller")) < 0)
			goto fail;
	}
	if (c.owner != NULL && (rc = build_person(&c, c.owner, 1, &a->owner)) < 0)
		goto fail;
	if ((rc = build_ledger(&c)) < 0)
		goto fail;
	if ((rc = build_hits(&c, set)) < 0)
		goto fail;
	*out = a;
	return WXF_OK;
fail:
	wxf_analysis_free(&a);
	return wxf_err_wrap(err, rc, "analysis");
}
