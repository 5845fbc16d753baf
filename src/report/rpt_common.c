/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared pieces of the writers: the event list (sorted by instant, unknown instants last, then
 * type, then id), evidence lookups, time and money formatting, labels, file output.
 */
#include "config.h"
#include "rpt_int.h"
#include "base/wxf_file.h"
#include "base/wxf_hash.h"
#include "base/wxf_log.h"
#include "base/wxf_mem.h"
#include "base/wxf_fmt.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------------------ event list */

const char *
rpt_ev_type_name(rpt_ev_type t)
{
	static const char *const n[] = { "message", "payment", "red-packet-claim", "contact",
	    "conversation-deleted" };
	return (unsigned)t < RPT_EV_N ? n[t] : "unknown";
}

static void
ev_add(rpt_ctx *c, size_t *cap, const rpt_event *e)
{
	if (wxf_table_grow((void **)&c->ev, cap, c->n_ev + 1, sizeof(*c->ev)) != WXF_OK)
		wxf_oom((c->n_ev + 1) * sizeof(*c->ev));
	c->ev[c->n_ev++] = *e;
}

/* A copy of s (or n bytes of zeroed memory when s is NULL) among the events' strings. */
static void *
ev_keep(rpt_ctx *c, const void *s, size_t n)
{
	void *p;

	if (c->ev_strs == NULL && (c->ev_strs = wxf_arena_new()) == NULL)
		wxf_oom(n);
	if ((p = wxf_arena_alloc(c->ev_strs, n)) == NULL)
		wxf_oom(n);
	if (s != NULL)
		memcpy(p, s, n);
	else
		memset(p, 0, n);
	return p;
}

static const char *
ev_keep_id(rpt_ctx *c, const char *id)
{
	return ev_keep(c, id, strlen(id) + 1);
}

const char *
rpt_ev_id(const rpt_event *e, char buf[RPT_EV_ID_MAX])
{
	if (e->xid != NULL)
		return e->xid;
	if (e->type == RPT_EV_MESSAGE && e->msg != NULL) {
		wxf_fmt(buf, RPT_EV_ID_MAX, "m-%s", e->msg->id);
		return buf;
	}
	buf[0] = '\0';
	return buf;
}

/* Event or claim k of payment p (id p-[<account tag>]<id>-<tag><k+1>). */
static void
add_pay_event(rpt_ctx *c, size_t *cap, size_t part, rpt_ev_type type, char tag,
    const wxf_payment *p, size_t k, int64_t time_ms, const wxf_prov *prov)
{
	rpt_event e;
	char id[RPT_EV_ID_MAX];

	memset(&e, 0, sizeof(e));
	e.part = (uint32_t)part;
	e.type = type;
	wxf_fmt(id, sizeof(id), "p-%s%s-%c%zu", c->parts[part].tag, p->id, tag, k + 1);
	e.xid = ev_keep_id(c, id);
	e.time_ms = time_ms;
	e.pay = p;
	e.k = (uint32_t)k;
	e.prov = prov;
	ev_add(c, cap, &e);
}

static int
ev_cmp(const void *a, const void *b)
{
	const rpt_event *x = a, *y = b;
	int xu = x->time_ms == WXF_TIME_UNKNOWN, yu = y->time_ms == WXF_TIME_UNKNOWN;

	if (xu != yu)
		return xu - yu;
	if (!xu && x->time_ms != y->time_ms)
		return x->time_ms < y->time_ms ? -1 : 1;
	if (x->type != y->type)
		return (int)x->type - (int)y->type;
	if (x->xid == NULL && y->xid == NULL)   /* two messages: "m-" and their ids */
		return strcmp(x->msg->id, y->msg->id);
	return strcmp(x->xid != NULL ? x->xid : "", y->xid != NULL ? y->xid : "");
}

static int
item_cmp(const void *a, const void *b)
{
	const wxf_item *x = *(const wxf_item *const *)a, *y = *(const wxf_item *const *)b;

	return strcmp(x->path, y->path);
}

/* 12 hex digits of SHA-256(s), or of SHA-256(key LF s) when key is not NULL. */
static void
short_hash(const char *key, const char *s, char out[13])
{
	char hex[65];

	if (key != NULL) {
		wxf_buf b;

		wxf_buf_init(&b);
		wxf_buf_printf(&b, "%s\n%s", key, s);
		wxf_sha256_hex(b.p, b.len, hex);
		wxf_buf_free(&b);
	} else
		wxf_sha256_hex(s, strlen(s), hex);
	memcpy(out, hex, 12);
	out[12] = '\0';
}

void
rpt_conv_anchor(const char *key, const char *talker, char out[16])
{
	char h[13];

	short_hash(key, talker != NULL ? talker : "", h);
	wxf_fmt(out, 16, "c-%s", h);
}

static void
add_attr_events(rpt_ctx *c, size_t *cap, size_t part, const wxf_identity *id, const char *field,
    const wxf_attrs *a)
{
	size_t i;
	char h[13];

	short_hash(c->parts[part].idkey, id->username, h);
	for (i = 0; i < a->n; i++) {
		rpt_event e;
		rpt_ev_contact *ct;
		char eid[RPT_EV_ID_MAX];

		if (a->v[i].time_ms == WXF_TIME_UNKNOWN)
			continue;
		memset(&e, 0, sizeof(e));
		e.part = (uint32_t)part;
		e.type = RPT_EV_CONTACT;
		wxf_fmt(eid, sizeof(eid), "i-%s-%s-%zu", h, field, i + 1);
		e.xid = ev_keep_id(c, eid);
		e.time_ms = a->v[i].time_ms;
		ct = ev_keep(c, NULL, sizeof(*ct));
		ct->ident = id;
		ct->field = field;
		ct->attr = &a->v[i];
		e.ct = ct;
		e.prov = &a->v[i].prov;
		ev_add(c, cap, &e);
	}
}

static size_t
count_attr_events(const wxf_attrs *a)
{
	size_t i, n = 0;

	for (i = 0; i < a->n; i++)
		n += a->v[i].time_ms != WXF_TIME_UNKNOWN;
	return n;
}

/* The number of events add_part_events adds: the array is allocated once, at its size. */
static size_t
count_part_events(const wxf_model *m)
{
	size_t i, n = m->n_msgs;

	for (i = 0; i < m->n_payments; i++)
		n += m->payments[i]->n_events + m->payments[i]->n_claims;
	for (i = 0; i < m->n_identities; i++) {
		const wxf_identity *id = m->identities[i];

		n += count_attr_events(&id->aliases) + count_attr_events(&id->remarks) +
		    count_attr_events(&id->nicknames) + count_attr_events(&id->phones) +
		    count_attr_events(&id->real_names);
	}
	for (i = 0; i < m->n_convs; i++)
		n += m->convs[i]->deleted != 0;
	return n;
}

static void
add_part_events(rpt_ctx *c, size_t *cap, size_t part)
{
	const wxf_model *m = c->parts[part].m;
	size_t i, k;

	for (i = 0; i < m->n_msgs; i++) {
		rpt_event e;

		memset(&e, 0, sizeof(e));
		e.part = (uint32_t)part;
		e.type = RPT_EV_MESSAGE;
		e.time_ms = m->msgs[i]->time_ms;
		e.msg = m->msgs[i];
		e.prov = &m->msgs[i]->prov;
		ev_add(c, cap, &e);
	}
	for (i = 0; i < m->n_payments; i++) {
		const wxf_payment *p = m->payments[i];

		for (k = 0; k < p->n_events; k++)
			add_pay_event(c, cap, part, RPT_EV_PAYMENT, 'e', p, k, p->events[k].time_ms,
			    &p->events[k].prov);
		for (k = 0; k < p->n_claims; k++)
			add_pay_event(c, cap, part, RPT_EV_CLAIM, 'c', p, k, p->claims[k].time_ms,
			    &p->claims[k].prov);
	}
	for (i = 0; i < m->n_identities; i++) {
		const wxf_identity *id = m->identities[i];

		add_attr_events(c, cap, part, id, "alias", &id->aliases);
		add_attr_events(c, cap, part, id, "remark", &id->remarks);
		add_attr_events(c, cap, part, id, "nickname", &id->nicknames);
		add_attr_events(c, cap, part, id, "phone", &id->phones);
		add_attr_events(c, cap, part, id, "real-name", &id->real_names);
	}
	for (i = 0; i < m->n_convs; i++) {
		const wxf_conv *cv = m->convs[i];
		rpt_event e;
		char a[16], eid[RPT_EV_ID_MAX];

		if (!cv->deleted)
			continue;
		memset(&e, 0, sizeof(e));
		e.part = (uint32_t)part;
		e.type = RPT_EV_CONV_DELETED;
		rpt_conv_anchor(c->parts[part].idkey, cv->talker, a);
		wxf_fmt(eid, sizeof(eid), "d-%s", a + 2);
		e.xid = ev_keep_id(c, eid);
		e.time_ms = cv->deleted_time_ms;
		e.conv = cv;
		e.prov = &cv->deleted_prov;
		ev_add(c, cap, &e);
	}
}

void
rpt_ctx_init(rpt_ctx *c, const wxf_report_in *in)
{
	size_t cap = 0, i, n_ev;

	memset(c, 0, sizeof(*c));
	c->in = in;
	if (in->inv != NULL && in->inv->n_items > 0) {
		c->items = wxf_xcalloc(in->inv->n_items, sizeof(*c->items));
		for (i = 0; i < in->inv->n_items; i++)
			c->items[i] = &in->inv->items[i];
		c->n_items = in->inv->n_items;
		qsort(c->items, c->n_items, sizeof(*c->items), item_cmp);
	}
	for (i = 0; i < in->n_subs; i++)
		c->n_sub_items += in->subs[i]->n_items;
	if (c->n_sub_items > 0) {
		size_t k, n = 0;

		c->sub_items = wxf_xcalloc(c->n_sub_items, sizeof(*c->sub_items));
		for (i = 0; i < in->n_subs; i++)
			for (k = 0; k < in->subs[i]->n_items; k++)
				c->sub_items[n++] = &in->subs[i]->items[k];
		qsort(c->sub_items, c->n_sub_items, sizeof(*c->sub_items), item_cmp);
	}
	/* the accounts: the input's parts, or its one model (an empty one when none is given) */
	c->n_parts = in->parts != NULL && in->n_parts > 0 ? in->n_parts : 1;
	c->parts = wxf_xcalloc(c->n_parts, sizeof(*c->parts));
	for (i = 0; i < c->n_parts; i++) {
		rpt_part *p = &c->parts[i];

		if (in->parts != NULL && in->n_parts > 0) {
			p->m = in->parts[i].m;
			p->an = in->parts[i].an;
			p->label = in->parts[i].label;
			if (c->n_parts > 1)
				p->key = in->parts[i].key != NULL ? in->parts[i].key : "";
		} else {
			p->m = in->m;
			p->an = in->an;
		}
		if (p->m == NULL) {
			if (c->empty == NULL && (wxf_model_new(&c->empty, NULL) != WXF_OK ||
			    wxf_model_finish(c->empty, NULL) != WXF_OK)) {
				fprintf(stderr, "wxforensic: out of memory\n");
				abort();
			}
			p->m = c->empty;
		}
		p->idkey = in->parts != NULL && in->n_parts > 0 && in->parts[i].id_key != NULL ?
		    in->parts[i].id_key : p->key;
		if (p->idkey != NULL) {
			char h[13];

			short_hash(NULL, p->idkey, h);
			wxf_fmt(p->tag, sizeof(p->tag), "%.8s.", h);
		}
	}
	if (in->parts == NULL && in->m == NULL)
		return;
	for (i = 0, n_ev = 0; i < c->n_parts; i++)
		n_ev += count_part_events(c->parts[i].m);
	if (n_ev > 0) {
		/* a table (may be file pages: wxf_table_spill) of exactly the events */
		if (n_ev > SIZE_MAX / sizeof(*c->ev) ||
		    (c->ev = wxf_table_alloc(n_ev * sizeof(*c->ev))) == NULL)
			wxf_oom(n_ev);
		cap = n_ev;
	}
	for (i = 0; i < c->n_parts; i++)
		add_part_events(c, &cap, i);
	if (c->n_ev > 1)
		wxf_table_sort(c->ev, c->n_ev, sizeof(*c->ev), ev_cmp);
	rpt_tags_resolve(c, NULL);
}

rpt_ctx *
rpt_ctx_use(rpt_ctx *own, const wxf_report_in *in)
{
	if (in->shared != NULL)
		return (rpt_ctx *)in->shared;   /* only read by the writers */
	rpt_ctx_init(own, in);
	return own;
}

void
rpt_ctx_done(rpt_ctx *own, rpt_ctx *c)
{
	if (c == own)
		rpt_ctx_free(own);
}

const wxf_model *
rpt_event_model(const rpt_ctx *c, const rpt_event *e)
{
	return c->parts[e->part].m;
}

void
rpt_ctx_free(rpt_ctx *c)
{
	wxf_table_free(c->ev);
	wxf_arena_free(&c->ev_strs);
	free(c->tagged);
	free(c->parts);
	wxf_model_free(&c->empty);
	free(c->items);
	free(c->sub_items);
	memset(c, 0, sizeof(*c));
}

static const wxf_item *
find_item(const wxf_item *const *v, size_t n, const char *path)
{
	size_t lo = 0, hi = n;

	if (path == NULL)
		return NULL;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int r = strcmp(v[mid]->path, path);

		if (r == 0)
			return v[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const wxf_item *
rpt_item(const rpt_ctx *c, const char *path)
{
	return find_item(c->items, c->n_items, path);
}

const char *
rpt_file_sha256(const rpt_ctx *c, const char *path)
{
	const wxf_item *it = rpt_item(c, path);

	if (it == NULL)
		it = find_item(c->sub_items, c->n_sub_items, path);
	return it != NULL ? it->before.sha256 : "";
}

/* ------------------------------------------------------------------------------ time, money */

void
rpt_time(const rpt_ctx *c, int64_t ms, char *out, size_t n)
{
	wxf_time_fmt(c->in->meta->tz, ms, out, n);
}

void
rpt_time_human(const rpt_ctx *c, int64_t ms, char *out, size_t n)
{
	char iso[64];
	const char *p;
	size_t len;

	wxf_time_fmt(c->in->meta->tz, ms, iso, sizeof(iso));
	if (ms == WXF_TIME_UNKNOWN || strlen(iso) < 20) {
		wxf_fmt(out, n, "时间不明 / unknown");
		return;
	}
	/* "2026-03-01T10:15:30.123+08:00" -> "2026-03-01 10:15:30.123 (UTC+08:00)" */
	p = iso + 19;
	while (*p == '.' || (*p >= '0' && *p <= '9'))
		p++;
	len = (size_t)(p - iso);
	wxf_fmt(out, n, "%.10s %.*s (UTC%s)", iso, (int)(len - 11), iso + 11,
	    strcmp(p, "Z") == 0 ? "+00:00" : p);
}

void
wxf_report_fen(int64_t fen, char *out, size_t n)
{
	char digits[32], grouped[48];
	uint64_t v = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
	size_t len, i, j = 0;

	wxf_fmt(digits, sizeof(digits), "%llu", (unsigned long long)(v / 100));
	len = strlen(digits);
	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			grouped[j++] = ',';
		grouped[j++] = digits[i];
	}
	grouped[j] = '\0';
	wxf_fmt(out, n, "%s¥%s.%02u", fen < 0 ? "-" : "", grouped, (unsigned)(v % 100));
}

void
wxf_report_fen_capital(int64_t fen, char *out, size_t n)
{
	static const char *const dg[] = { "零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖" };
	static const char *const un[] = { "", "拾", "佰", "仟" };
	static const char *const big[] = { "", "万", "亿", "万亿" };
	uint64_t v = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
	char digits[32];
	unsigned jiao = (unsigned)(v / 10 % 10), f = (unsigned)(v % 10);
	int len, i, any = 0, zero = 0;
	wxf_buf b;

	len = wxf_fmt(digits, sizeof(digits), "%llu", (unsigned long long)(v / 100));
	if (len > 16) {
		wxf_fmt(out, n, "（金额过大 / amount too large）");
		return;
	}
	wxf_buf_init(&b);
	wxf_buf_puts(&b, fen < 0 ? "负人民币" : "人民币");
	for (i = 0; i < len && !(len == 1 && digits[0] == '0'); i++) {
		int p = len - 1 - i, d = digits[i] - '0';

		if (d == 0) {
			if (any)
				zero = 1;
		} else {
			if (zero)
				wxf_buf_puts(&b, "零");
			zero = 0;
			wxf_buf_puts(&b, dg[d]);
			wxf_buf_puts(&b, un[p % 4]);
			any = 1;
		}
		if (p % 4 == 0 && p > 0) {
			int j, nz = 0;

			for (j = i; j >= 0 && j > i - 4; j--)
				nz |= digits[j] != '0';
			if (nz)
				wxf_buf_puts(&b, big[p / 4]);
		}
	}
	if (any)
		wxf_buf_puts(&b, "元");
	if (jiao == 0 && f == 0)
		wxf_buf_puts(&b, any ? "整" : "零元整");
	else {
		if (jiao != 0) {
			wxf_buf_puts(&b, dg[jiao]);
			wxf_buf_puts(&b, "角");
		} else if (any)
			wxf_buf_puts(&b, "零");
		if (f != 0) {
			wxf_buf_puts(&b, dg[f]);
			wxf_buf_puts(&b, "分");
		} else
			wxf_buf_puts(&b, "整");
	}
	wxf_fmt(out, n, "%s", b.p);
	wxf_buf_free(&b);
}

/* ------------------------------------------------------------------------------ labels */

const char *
rpt_kind_zh(const char *k)
{
	static const struct { const char *en, *zh; } t[] = {
		{ "text", "文字" }, { "image", "图片" }, { "voice", "语音" }, { "video", "视频" },
		{ "sticker", "表情" }, { "location", "位置" }, { "live-location", "实时位置" },
		{ "card", "名片" }, { "link", "链接" }, { "file", "文件" }, { "quote", "引用" },
		{ "chat-history", "聊天记录" }, { "mini-program", "小程序" }, { "music", "音乐" },
		{ "channels", "视频号" }, { "app-other", "应用消息" }, { "transfer", "转账" },
		{ "red-packet", "红包" }, { "red-packet-claim", "领取红包" }, { "aa", "群收款" },
		{ "receipt", "收款通知" }, { "template", "服务通知" }, { "voip", "音视频通话" },
		{ "friend-request", "好友请求" }, { "system", "系统消息" }, { "syscmd", "系统指令" },
		{ "recalled", "撤回通知" }, { "recall", "撤回通知" }, { "revoke-command", "撤回指令" },
		{ "pat", "拍一拍" }, { "group-notice", "群公告" }, { "mail", "邮件" },
		{ "unknown", "未知类型" },
	};
	size_t i;

	for (i = 0; k != NULL && i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].en, k) == 0)
			return t[i].zh;
	return "其他";
}

const char *
rpt_state_zh(wxf_pay_state s)
{
	static const char *const n[] = { "状态不明", "已发起", "已收款", "已退还", "已过期退回",
	    "延时到账", "已发送", "已领取", "已支付" };
	return (unsigned)s < sizeof(n) / sizeof(n[0]) ? n[s] : "状态不明";
}

/* Recovery status in words (never colour alone): "已删除·恢复 / recovered (deleted), ...". */
const char *
rpt_status_words(const wxf_prov *p, char *buf, size_t n)
{
	switch (p->status) {
	case WXF_STATUS_INTACT:
		wxf_fmt(buf, n, "现存记录 / intact (live)");
		break;
	case WXF_STATUS_DELETED_RECOVERED:
		wxf_fmt(buf, n, "已删除·恢复 / recovered (deleted), confidence %d%%, from %s",
		    p->confidence, wxf_origin_name(p->origin));
		break;
	case WXF_STATUS_PARTIALLY_RECOVERED:
		wxf_fmt(buf, n, "已删除·部分恢复 / partially recovered (deleted), confidence %d%%, "
		    "from %s", p->confidence, wxf_origin_name(p->origin));
		break;
	case WXF_STATUS_FRAGMENT:
		wxf_fmt(buf, n, "残片 / fragment, confidence %d%%, from %s", p->confidence,
		    wxf_origin_name(p->origin));
		break;
	case WXF_STATUS_SUPERSEDED:
		wxf_fmt(buf, n, "旧版本 / superseded (older version of a live row), confidence %d%%, "
		    "from %s", p->confidence, wxf_origin_name(p->origin));
		break;
	default:
		wxf_fmt(buf, n, "状态不明 / unknown status");
	}
	return buf;
}

const char *
rpt_ident_name(const wxf_model *m, const char *username)
{
	const wxf_identity *id;
	const char *s;

	if (username == NULL)
		return NULL;
	id = wxf_model_find_identity(m, username);
	if (id == NULL)
		return NULL;
	if ((s = wxf_attrs_best(&id->remarks)) != NULL && *s)
		return s;
	if ((s = wxf_attrs_best(&id->nicknames)) != NULL && *s)
		return s;
	return NULL;
}

void
rpt_event_summary(const rpt_ctx *c, const rpt_event *e, wxf_buf *b)
{
	const wxf_model *m = rpt_event_model(c, e);
	char amt[48];

	switch (e->type) {
	case RPT_EV_MESSAGE: {
		const wxf_msg *g = e->msg;
		const char *text = g->body != NULL ? g->body : (g->x->title != NULL ? g->x->title : "");
		const char *owner = m->owner != NULL ? m->owner->username : "owner";
		const char *talker = g->talker != NULL ? g->talker : "?";
		int group = g->talker != NULL && wxf_id_kind_guess(g->talker) == WXF_ID_GROUP;

		/* who wrote to whom: the recipient of a received 1:1 message is the owner */
		wxf_buf_printf(b, "[%s] ", wxf_msg_kind_name(g->kind));
		if (g->dir == WXF_DIR_SYSTEM)
			wxf_buf_printf(b, "system notice in %s: ", talker);
		else if (g->dir == WXF_DIR_OUT)
			wxf_buf_printf(b, "%s → %s: ", g->sender != NULL ? g->sender : owner, talker);
		else if (g->dir == WXF_DIR_IN)
			wxf_buf_printf(b, "%s → %s: ", g->sender != NULL ? g->sender : "unknown sender",
			    group ? talker : owner);
		else if (g->sender != NULL)
			wxf_buf_printf(b, "%s in %s (direction unknown): ", g->sender, talker);
		else
			wxf_buf_printf(b, "sender unknown in %s: ", talker);
		wxf_buf_visible(b, text, strlen(text));
		if (g->prov.status != WXF_STATUS_INTACT)
			wxf_buf_printf(b, " (%s)", wxf_status_name(g->prov.status));
		break;
	}
	case RPT_EV_PAYMENT: {
		const wxf_payment *p = e->pay;
		const wxf_pay_event *pe = &p->events[e->k];

		if (p->amount.known)
			wxf_report_fen(p->amount.fen, amt, sizeof(amt));
		else
			wxf_fmt(amt, sizeof(amt), "amount unknown");
		wxf_buf_printf(b, "%s %s %s: %s → %s", wxf_pay_kind_name(p->kind), amt,
		    wxf_pay_state_name(pe->state), p->payer != NULL ? p->payer : "unknown",
		    p->receiver != NULL ? p->receiver : "unknown");
		if (p->transfer_id != NULL)
			wxf_buf_printf(b, " (transfer id %s)", p->transfer_id);
		break;
	}
	case RPT_EV_CLAIM: {
		const wxf_hb_claim *cl = &e->pay->claims[e->k];

		wxf_buf_printf(b, "red packet claimed by %s", cl->claimer != NULL ? cl->claimer :
		    "unknown");
		if (cl->amount.known) {
			wxf_report_fen(cl->amount.fen, amt, sizeof(amt));
			wxf_buf_printf(b, " (%s)", amt);
		}
		break;
	}
	case RPT_EV_CONTACT:
		wxf_buf_printf(b, "%s %s seen as \"", e->ct->ident->username, e->ct->field);
		wxf_buf_visible(b, e->ct->attr->value, e->ct->attr->value != NULL ? strlen(e->ct->attr->value) : 0);
		wxf_buf_printf(b, "\" (%s)", e->ct->attr->source != NULL ? e->ct->attr->source : "");
		break;
	case RPT_EV_CONV_DELETED:
		wxf_buf_printf(b, "conversation with %s deleted (DeletedConversationInfo)",
		    e->conv->talker);
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------------------------ provenance */

void
rpt_prov_xml_attrs(const rpt_ctx *c, const wxf_prov *p, wxf_buf *b)
{
	const char *sha = p->file_sha256 != NULL ? p->file_sha256 : rpt_file_sha256(c, p->file);

	if (p->file != NULL) {
		wxf_buf_puts(b, " file=\"");
		wxf_buf_xml_text(b, p->file, strlen(p->file));
		wxf_buf_putc(b, '"');
	}
	if (*sha)
		wxf_buf_printf(b, " file_sha256=\"%s\"", sha);
	if (p->image != NULL) {
		wxf_buf_puts(b, " image=\"");
		wxf_buf_xml_text(b, p->image, strlen(p->image));
		wxf_buf_putc(b, '"');
	}
	if (p->table != NULL) {
		wxf_buf_puts(b, " table=\"");
		wxf_buf_xml_text(b, p->table, strlen(p->table));
		wxf_buf_putc(b, '"');
	}
	if (p->rowid != INT64_MIN)
		wxf_buf_printf(b, " rowid=\"%lld\"", (long long)p->rowid);
	if (p->pgno != 0)
		wxf_buf_printf(b, " page=\"%u\"", p->pgno);
	if (p->frame != 0)
		wxf_buf_printf(b, " frame=\"%u\"", p->frame);
	wxf_buf_printf(b, " offset=\"%llu\" length=\"%u\"", (unsigned long long)p->offset,
	    p->length);
	if (p->range_sha256 != NULL)
		wxf_buf_printf(b, " range_sha256=\"%s\"", p->range_sha256);
	wxf_buf_printf(b, " origin=\"%s\" status=\"%s\" confidence=\"%d\"",
	    wxf_origin_name(p->origin), wxf_status_name(p->status), p->confidence);
}

void
rpt_prov_json(const rpt_ctx *c, const wxf_prov *p, wxf_buf *b)
{
	const char *sha = p->file_sha256 != NULL ? p->file_sha256 : rpt_file_sha256(c, p->file);

	wxf_buf_puts(b, "\"source_file\":");
	if (p->file != NULL)
		wxf_buf_json_str(b, p->file, strlen(p->file));
	else
		wxf_buf_puts(b, "null");
	wxf_buf_puts(b, ",\"sha256\":");
	if (*sha)
		wxf_buf_printf(b, "\"%s\"", sha);
	else
		wxf_buf_puts(b, "null");
	wxf_buf_puts(b, ",\"image\":");
	if (p->image != NULL)
		wxf_buf_json_str(b, p->image, strlen(p->image));
	else
		wxf_buf_puts(b, "null");
	wxf_buf_puts(b, ",\"table\":");
	if (p->table != NULL)
		wxf_buf_json_str(b, p->table, strlen(p->table));
	else
		wxf_buf_puts(b, "null");
	if (p->rowid != INT64_MIN)
		wxf_buf_printf(b, ",\"rowid\":%lld", (long long)p->rowid);
	else
		wxf_buf_puts(b, ",\"rowid\":null");
	wxf_buf_printf(b, ",\"page\":%u,\"frame\":%u,\"offset\":%llu,\"length\":%u", p->pgno,
	    p->frame, (unsigned long long)p->offset, p->length);
	wxf_buf_puts(b, ",\"range_sha256\":");
	if (p->range_sha256 != NULL)
		wxf_buf_printf(b, "\"%s\"", p->range_sha256);
	else
		wxf_buf_puts(b, "null");
	wxf_buf_printf(b, ",\"origin\":\"%s\",\"status\":\"%s\",\"confidence\":%d,\"deleted\":%s",
	    wxf_origin_name(p->origin), wxf_status_name(p->status), p->confidence,
	    wxf_prov_recovered(p) ? "true" : "false");
}

/* ------------------------------------------------------------------------------ output */

int
rpt_write(const char *outdir, const char *rel, const wxf_buf *b, wxf_audit *audit, wxf_err *err)
{
	char *path = wxf_path_join(outdir, rel), *slash;
	char hex[65];
	int rc;

	slash = strrchr(path, '/');
	if (slash != NULL && slash != path) {
		*slash = '\0';
		rc = wxf_mkdir_p(path, err);
		*slash = '/';
		if (rc != WXF_OK) {
			free(path);
			return rc;
		}
	}
	rc = wxf_file_write(path, b->p != NULL ? b->p : "", b->len, err);
	free(path);
	if (rc != WXF_OK)
		return rc;
	if (audit != NULL) {
		wxf_buf a;

		wxf_sha256_hex(b->p != NULL ? b->p : "", b->len, hex);
		wxf_buf_init(&a);
		wxf_buf_puts(&a, "\"output\":");
		wxf_buf_json_str(&a, rel, strlen(rel));
		wxf_buf_printf(&a, ",\"size\":%zu,\"sha256\":\"%s\"", b->len, hex);
		rc = wxf_audit_add(audit, "write", a.p, err);
		wxf_audit_output(audit, rel, b->len, hex);
		wxf_buf_free(&a);
	}
	return rc;
}

/* Pending bytes that make a write worth its system call. */
#define RPT_OUT_CHUNK (1u << 20)

/* fd from here on through the page cache (the file system refused a direct write, or the tail,
 * which is not a whole number of blocks); *direct = 0. */
static void
out_buffered(int fd, int *direct)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0)
		(void)fcntl(fd, F_SETFL, fl & ~O_DIRECT);
	*direct = 0;
}

/* n bytes at fd's end; -1 with errno on a write error.  *direct: fd is open with O_DIRECT. */
static int
out_put(int fd, int *direct, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && errno == EINVAL && *direct) {
			out_buffered(fd, direct);  /* direct I/O refused (nothing written): buffered */
			continue;
		}
		if (k <= 0) {
			if (k == 0)
				errno = EIO;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* An aligned buffer of RPT_OUT_DIRECT bytes for direct writes, or NULL. */
static unsigned char *
out_aligned(void)
{
	void *al = NULL;

	return posix_memalign(&al, 4096, RPT_OUT_DIRECT) == 0 ? al : NULL;
}

/*
 * The writing thread of a direct file (from its first whole buffer on): while the writer fills
 * one aligned buffer, the thread writes the other, so that the device's time overlaps the
 * making of the next megabytes (a direct write returns when the device has the bytes).  One
 * buffer in flight at a time, in order.
 */
struct rpt_out_io {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int fd, direct;           /* the thread's view: O_DIRECT still on */
	unsigned char *buf;       /* in flight; NULL: idle */
	size_t len;
	int err;                  /* errno of a failed write (sticky) */
	int quit;
	unsigned char *spare;     /* the aligned buffer the writer takes next */
};

static void *
io_run(void *arg)
{
	struct rpt_out_io *io = arg;

	pthread_mutex_lock(&io->mu);
	for (;;) {
		unsigned char *b;
		size_t n;
		int direct, rc, e = 0;

		while (io->buf == NULL && !io->quit)
			pthread_cond_wait(&io->cv, &io->mu);
		if (io->buf == NULL)
			break;
		b = io->buf;
		n = io->len;
		direct = io->direct;
		pthread_mutex_unlock(&io->mu);
		rc = io->err != 0 ? 0 : out_put(io->fd, &direct, b, n);
		if (rc != 0)
			e = errno != 0 ? errno : EIO;
		pthread_mutex_lock(&io->mu);
		io->direct = direct;
		if (e != 0 && io->err == 0)
			io->err = e;
		io->spare = b;
		io->buf = NULL;
		pthread_cond_broadcast(&io->cv);
	}
	pthread_mutex_unlock(&io->mu);
	return NULL;
}

/* Waits until nothing is in flight; takes the thread's view (refusal, error) into o: 0, or -1
 * with errno. */
static int
io_wait(rpt_out *o)
{
	struct rpt_out_io *io = o->io;
	int e;

	if (io == NULL)
		return 0;
	pthread_mutex_lock(&io->mu);
	while (io->buf != NULL)
		pthread_cond_wait(&io->cv, &io->mu);
	o->direct = io->direct;
	e = io->err;
	pthread_mutex_unlock(&io->mu);
	if (e != 0) {
		errno = e;
		return -1;
	}
	return 0;
}

/* The thread ends (after what is in flight) and its buffer is freed. */
static void
io_end(rpt_out *o)
{
	struct rpt_out_io *io = o->io;

	if (io == NULL)
		return;
	pthread_mutex_lock(&io->mu);
	io->quit = 1;
	pthread_cond_broadcast(&io->cv);
	pthread_mutex_unlock(&io->mu);
	pthread_join(io->th, NULL);
	pthread_cond_destroy(&io->cv);
	pthread_mutex_destroy(&io->mu);
	free(io->spare);
	free(io);
	o->io = NULL;
}

/* A thread for o's direct writes, or NULL (then they are made in place). */
static struct rpt_out_io *
io_start(rpt_out *o)
{
	struct rpt_out_io *io = calloc(1, sizeof(*io));
	int stage = 0;              /* what was made: 1 buffer, 2 lock, 3 condition */

	if (io == NULL)
		return NULL;
	io->fd = o->fd;
	io->direct = o->direct;
	if ((io->spare = out_aligned()) != NULL && ++stage &&
	    pthread_mutex_init(&io->mu, NULL) == 0 && ++stage &&
	    pthread_cond_init(&io->cv, NULL) == 0 && ++stage &&
	    pthread_create(&io->th, NULL, io_run, io) == 0)
		return io;
	if (stage >= 3)
		pthread_cond_destroy(&io->cv);
	if (stage >= 2)
		pthread_mutex_destroy(&io->mu);
	free(io->spare);
	free(io);
	return NULL;
}

/* The full aligned buffer to the file: handed to the writing thread (the writer goes on in
 * the other buffer), or written in place where there is no thread.  0, or -1 with errno. */
static int
out_full(rpt_out *o)
{
	struct rpt_out_io *io;

	if (o->io == NULL && !o->no_io)
		o->no_io = (o->io = io_start(o)) == NULL;
	if ((io = o->io) == NULL) {
		if (out_put(o->fd, &o->direct, o->dbuf, o->dlen) != 0)
			return -1;
		o->dlen = 0;
		return 0;
	}
	if (io_wait(o) != 0)
		return -1;
	if (!o->direct)        /* refused meanwhile: the writer writes from here on */
		return 0;
	pthread_mutex_lock(&io->mu);
	io->buf = o->dbuf;
	io->len = o->dlen;
	o->dbuf = io->spare;
	io->spare = NULL;
	pthread_cond_broadcast(&io->cv);
	pthread_mutex_unlock(&io->mu);
	o->dlen = 0;
	return 0;
}

/* Once the file holds direct_after bytes: the bytes up to the next 4096-byte boundary through
 * the page cache, then O_DIRECT from the aligned buffer, where the file system takes it (the
 * flag set on the open file is the probe: EINVAL where it does not).  *p, *n: what is left. */
static int
out_go_direct(rpt_out *o, const unsigned char **p, size_t *n)
{
	size_t pad = (size_t)(-o->size & 4095);
	unsigned char *al;
	int fl;

	if (pad > 0) {
		pad = pad < *n ? pad : *n;
		if (out_put(o->fd, &o->direct, *p, pad) != 0)
			return -1;
		*p += pad;
		*n -= pad;
		if ((o->size + pad) % 4096 != 0)
			return 0;                    /* not at a boundary yet: at the next write */
	}
	o->no_direct = 1;                        /* tried once, whatever comes of it */
	if ((al = out_aligned()) == NULL)
		return 0;
	if ((fl = fcntl(o->fd, F_GETFL)) < 0 || fcntl(o->fd, F_SETFL, fl | O_DIRECT) != 0) {
		free(al);
		return 0;
	}
	o->dbuf = al;
	o->direct = 1;
	return 0;
}

/* n bytes to the file: straight, or through the aligned buffers, a whole one at a time. */
static int
out_write(rpt_out *o, const unsigned char *p, size_t n)
{
	if (!o->direct && !o->no_direct && o->size >= o->direct_after && n > 0 &&
	    out_go_direct(o, &p, &n) != 0)
		return -1;
	while (o->direct && n > 0) {
		size_t k = RPT_OUT_DIRECT - o->dlen < n ? RPT_OUT_DIRECT - o->dlen : n;

		memcpy(o->dbuf + o->dlen, p, k);
		o->dlen += k;
		p += k;
		n -= k;
		if (o->dlen == RPT_OUT_DIRECT && out_full(o) != 0)
			return -1;
	}
	if (!o->direct && io_wait(o) != 0)   /* nothing in flight before the writer writes */
		return -1;
	if (o->dlen > 0 && !o->direct) {    /* what the buffer holds goes first */
		if (out_put(o->fd, &o->direct, o->dbuf, o->dlen) != 0)
			return -1;
		o->dlen = 0;
	}
	return n > 0 ? out_put(o->fd, &o->direct, p, n) : 0;
}

static void
out_flush(rpt_out *o)
{
	if (o->b.len == 0)
		return;
	if (o->rc == WXF_OK) {
		if (out_write(o, (const unsigned char *)o->b.p, o->b.len) != 0)
			o->rc = wxf_err_set(o->err, WXF_EIO, "%s: write error: %s", o->path,
			    strerror(errno));
		else {
			wxf_sha256_update(o->sha, o->b.p, o->b.len);
			o->size += o->b.len;
		}
	}
	wxf_buf_reset(&o->b);
	if (o->log != NULL)
		wxf_log_progress(o->log, o->label, o->size >> 20, 0, "MB");
}

int
rpt_out_open(rpt_out *o, const char *outdir, const char *rel, struct wxf_log *log,
    wxf_err *err)
{
	char *slash;

	memset(o, 0, sizeof(*o));
	wxf_buf_init(&o->b);
	o->fd = -1;
	o->err = err;
	o->log = log;
	o->rel = wxf_xstrdup(rel);
	o->label = wxf_xasprintf("writing %s", rel);
	o->path = wxf_path_join(outdir, rel);
	slash = strrchr(o->path, '/');
	if (slash != NULL && slash != o->path) {
		*slash = '\0';
		o->rc = wxf_mkdir_p(o->path, err);
		*slash = '/';
		if (o->rc != WXF_OK)
			return o->rc;
	}
	if ((o->sha = wxf_sha256_new()) == NULL)
		return o->rc = wxf_err_set(err, WXF_ENOMEM, "%s: out of memory", o->path);
	o->direct_after = RPT_OUT_DIRECT_AFTER;
	o->fd = open(o->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (o->fd < 0)
		o->rc = wxf_err_set(err, WXF_EIO, "%s: cannot create: %s", o->path, strerror(errno));
	return o->rc;
}

void
rpt_out_tick(rpt_out *o)
{
	if (o->b.len >= RPT_OUT_CHUNK)
		out_flush(o);
}

int
rpt_out_close(rpt_out *o, wxf_audit *audit)
{
	char hex[65];
	int rc;

	out_flush(o);
	if (o->io != NULL && io_wait(o) != 0 && o->rc == WXF_OK)
		o->rc = wxf_err_set(o->err, WXF_EIO, "%s: write error: %s", o->path, strerror(errno));
	io_end(o);
	if (o->fd >= 0 && o->dlen > 0 && o->rc == WXF_OK) {   /* the tail, through the page cache */
		out_buffered(o->fd, &o->direct);
		if (out_write(o, NULL, 0) != 0)
			o->rc = wxf_err_set(o->err, WXF_EIO, "%s: write error: %s", o->path,
			    strerror(errno));
	}
	if (o->log != NULL)
		wxf_log_progress_end(o->log);
	if (o->fd >= 0 && close(o->fd) != 0 && o->rc == WXF_OK)
		o->rc = wxf_err_set(o->err, WXF_EIO, "%s: write error: %s", o->path, strerror(errno));
	o->fd = -1;
	rc = o->rc;
	if (rc == WXF_OK && audit != NULL) {
		wxf_buf a;

		wxf_sha256_final(o->sha, hex);
		o->sha = NULL;
		wxf_buf_init(&a);
		wxf_buf_puts(&a, "\"output\":");
		wxf_buf_json_str(&a, o->rel, strlen(o->rel));
		wxf_buf_printf(&a, ",\"size\":%llu,\"sha256\":\"%s\"", (unsigned long long)o->size,
		    hex);
		rc = wxf_audit_add(audit, "write", a.p, o->err);
		wxf_audit_output(audit, o->rel, o->size, hex);
		wxf_buf_free(&a);
	}
	wxf_sha256_free(o->sha);
	wxf_buf_free(&o->b);
	free(o->dbuf);
	free(o->rel);
	free(o->path);
	free(o->label);
	memset(o, 0, sizeof(*o));
	o->fd = -1;
	return rc;
}

/* ------------------------------------------------------------------------------ command line */

/* Options whose value is a secret: --key, --raw-key, --backup-key, --backup-password. */
static int
is_secret_opt(const char *t, size_t len)
{
	static const char *const names[] = { "--key", "--raw-key", "--backup-key",
	    "--backup-password" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t l = strlen(names[i]);

		if (len >= l && strncmp(t, names[i], l) == 0 && (len == l || t[l] == '='))
			return 1;
	}
	return 0;
}

/* The token t (len bytes, quoted as cli/cmd.c quotes) without its quoting: malloc'd. */
static char *
unquote(const char *t, size_t len)
{
	wxf_buf b;
	size_t i;
	int q = 0;

	wxf_buf_init(&b);
	for (i = 0; i < len; i++) {
		if (t[i] == '\'')
			q = !q;
		else if (t[i] == '\\' && !q && i + 1 < len)
			wxf_buf_putc(&b, t[++i]);
		else
			wxf_buf_putc(&b, t[i]);
	}
	if (b.p == NULL)
		wxf_buf_puts(&b, "");
	return wxf_buf_steal(&b);
}

/* s quoted as cli/cmd.c quotes a word. */
static void
put_word(wxf_buf *b, const char *s)
{
	if (*s != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_./=:,+@%~") == strlen(s)) {
		wxf_buf_puts(b, s);
		return;
	}
	wxf_buf_putc(b, '\'');
	for (; *s; s++)
		if (*s == '\'')
			wxf_buf_puts(b, "'\\''");
		else
			wxf_buf_putc(b, *s);
	wxf_buf_putc(b, '\'');
}

char *
wxf_report_cmdline(const char *cmdline)
{
	return wxf_report_cmdline_ev(cmdline, NULL, NULL, 0);
}

char *
wxf_report_cmdline_ev(const char *cmdline, const char *const *given, const char *const *names,
    size_t n_ev)
{
	wxf_buf b;
	const char *p = cmdline != NULL ? cmdline : "";
	int n = 0, hide_next = 0;

	wxf_buf_init(&b);
	while (*p) {
		const char *start;
		int q = 0;
		size_t len;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		start = p;
		/* a token ends at an unquoted space (cli/cmd.c quotes with '...' and '\'') */
		for (; *p && (q || *p != ' '); p++)
			if (*p == '\'')
				q = !q;
		len = (size_t)(p - start);
		if (n++ > 0)
			wxf_buf_putc(&b, ' ');
		if (n == 1)
			wxf_buf_puts(&b, "wxforensic");
		else if (hide_next) {
			wxf_buf_puts(&b, hide_next == 2 ? "[redacted]" : "OUTDIR");
			hide_next = 0;
		} else if (is_secret_opt(start, len)) {
			/* keys and passwords never reach the bundle through the command line */
			const char *eq = memchr(start, '=', len);

			if (eq != NULL) {
				wxf_buf_add(&b, start, (size_t)(eq - start));
				wxf_buf_puts(&b, "=[redacted]");
			} else {
				wxf_buf_add(&b, start, len);
				hide_next = 2;
			}
		} else if ((len == 2 && strncmp(start, "-o", 2) == 0) ||
		    (len == 8 && strncmp(start, "--output", 8) == 0)) {
			wxf_buf_add(&b, start, len);
			hide_next = 1;
		} else if (len > 9 && strncmp(start, "--output=", 9) == 0)
			wxf_buf_puts(&b, "--output=OUTDIR");
		else if (len > 2 && strncmp(start, "-o", 2) == 0 && start[2] != '-')
			wxf_buf_puts(&b, "-oOUTDIR");
		else {
			/* an evidence path: its name in the bundle, not its spelling */
			char *w = n_ev > 0 ? unquote(start, len) : NULL;
			size_t i;

			for (i = 0; i < n_ev; i++)
				if (strcmp(w, given[i]) == 0)
					break;
			if (i < n_ev)
				put_word(&b, names[i]);
			else
				wxf_buf_add(&b, start, len);
			free(w);
		}
	}
	if (b.p == NULL)
		wxf_buf_puts(&b, "");
	return wxf_buf_steal(&b);
}
