/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Identity cards (analysis.h §2): the seller dossier and the owner's card.  Each attribute
 * (wxid, aliases, nicknames, remarks, phones, real names, bank cards, ...) is a list of
 * distinct values, each with every piece of evidence that showed it; the seller's card also
 * lists the groups shared with the owner, and both give first / last contact and message
 * counts.
 */
#include "config.h"
#include "analysis/analysis_int.h"
#include "base/wxf_fmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
strcmp0(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == NULL) - (b == NULL);
	return strcmp(a, b);
}

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
				if (!wxf_prov_recovered(&o->v[r].ref.prov))
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
				wxf_fmt(norm, sizeof(norm), "+%.3s%s", d, d + 3);
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
		if (msg->kind == WXF_MK_CARD && an_streq(msg->x->card_username, u)) {
			if ((rc = obs_str(c, o, A_WXID, u, WXF_REF_MESSAGE, msg->id,
			    "message.card_username", msg->time_ms, &msg->prov)) < 0 ||
			    (rc = obs_str(c, o, A_NICK, msg->x->card_nickname, WXF_REF_MESSAGE, msg->id,
			    "message.card_nickname", msg->time_ms, &msg->prov)) < 0 ||
			    (rc = obs_str(c, o, A_ALIAS, msg->x->card_alias, WXF_REF_MESSAGE, msg->id,
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
		    msg->x->recall_text != NULL && msg->x->recall_text[0] == '"' &&
		    (own || (chat && !an_sent_by_owner(c, msg) && msg->kind == WXF_MK_REVOKE))) {
			size_t len = 0;
			const char *e = NULL;

			for (size_t k = 0; end_recall[k] != NULL && e == NULL; k++)
				e = strstr(msg->x->recall_text, end_recall[k]);
			len = e != NULL ? (size_t)(e - msg->x->recall_text) : 0;
			if (len >= 2 && msg->x->recall_text[len - 1] == '"' &&
			    (rc = obs_add(c, o, A_NICK, msg->x->recall_text + 1, len - 2,
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
		if (msg->kind == WXF_MK_QUOTE && an_streq(msg->x->quote_from, u))
			for (size_t k = 0; k < msg->x->fields.n; k++) {
				const wxf_kv *kv = &msg->x->fields.v[k];

				if (strstr(kv->key, "refermsg") != NULL &&
				    ends_with_ci(kv->key, "displayname") &&
				    (rc = obs_str(c, o, A_NICK, kv->value, WXF_REF_MESSAGE, msg->id,
				    kv->key, msg->time_ms, &msg->prov)) < 0)
					return rc;
			}
		/* names in payment XML next to the person's username */
		if (msg->payment != NULL && (an_streq(msg->payment->payer, u) ||
		    an_streq(msg->payment->receiver, u)))
			for (size_t k = 0; k < msg->x->fields.n; k++) {
				const wxf_kv *kv = &msg->x->fields.v[k];
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
			if (msg->x->title != NULL && !an_streq(msg->x->title, msg->body) &&
			    (rc = scan_phones(c, o, msg, msg->x->title, "message.title")) < 0)
				return rc;
			if (msg->x->desc != NULL && !an_streq(msg->x->desc, msg->body) &&
			    (rc = scan_phones(c, o, msg, msg->x->desc, "message.desc")) < 0)
				return rc;
			if (msg->x->recall_original != NULL &&
			    (rc = scan_phones(c, o, msg, msg->x->recall_original,
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

int
an_build_person(an_ctx *c, const char *u, int is_owner, wxf_an_person **out)
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
		if ((from || to) && wxf_prov_recovered(&msg->prov))
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
