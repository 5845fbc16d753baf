/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The seller across exhibits (analysis.h, "The seller across exhibits"): the sellers of several
 * accounts linked by the identifiers their cards share, each linked group's victims (the
 * accounts' owners) with their own totals and CRPL art. 55 figure, and the group's total.
 *
 * Links: an equal wxid is the same account, as is an equal transfer id (one transfer, one payer,
 * one receiver); an equal 微信号 (alias), phone number or group the seller owns (the same room
 * id, the seller its owner in both accounts' records) is a strong link;
 * the groups are the connected components of those links over the accounts (union-find), so a
 * seller seen as wxid A in one exhibit, as wxid B with A's phone in another, is one person.  An
 * equal nickname never links, nor does a masked phone number (138****1234); a nickname shared by
 * sellers that stay apart is listed.
 * Everything is ordered by account index, identifier kind and value, so the view does not depend
 * on the order in which the accounts were read.
 */
#include "config.h"
#include "analysis/analysis_int.h"

#include <stdlib.h>
#include <string.h>

enum { K_WXID, K_ALIAS, K_PHONE, K_GROUP, K_TRANSFER, K_NICK, K_MASKED, K_N };
static const char *const kind_name[K_N] = { "wxid", "alias", "phone", "group_owner", "transfer",
    "nickname", "phone" };

const char *
wxf_xlink_name(wxf_xlink l)
{
	static const char *const n[WXF_XL_N] = { "same-account", "strong", "name-only", "masked" };

	return (unsigned)l < WXF_XL_N ? n[l] : "?";
}

/* One identifier of one account's seller card. */
typedef struct xt {
	int kind;
	const char *value;
	size_t part;
	const wxf_an_value *val;
} xt;

typedef struct xtv {
	xt *v;
	size_t n, cap;
} xtv;

static int
xt_push(xtv *t, int kind, const char *value, size_t part, const wxf_an_value *val)
{
	if (value == NULL || value[0] == '\0')
		return WXF_OK;
	if (wxf_grow((void **)&t->v, &t->cap, t->n + 1, sizeof(*t->v)) != WXF_OK)
		return WXF_ENOMEM;
	t->v[t->n].kind = kind;
	t->v[t->n].value = value;
	t->v[t->n].part = part;
	t->v[t->n].val = val;
	t->n++;
	return WXF_OK;
}

static int
xt_attr(xtv *t, int kind, const wxf_an_attr *a, size_t part)
{
	size_t i;
	int k;

	for (i = 0; i < a->n; i++) {
		/* a masked number (138****1234, as wallets show it) stands for many: never a link */
		k = kind == K_PHONE && a->v[i].value != NULL && strchr(a->v[i].value, '*') != NULL ?
		    K_MASKED : kind;
		if (xt_push(t, k, a->v[i].value, part, &a->v[i]) != WXF_OK)
			return WXF_ENOMEM;
	}
	return WXF_OK;
}

static int
xt_cmp(const void *a, const void *b)
{
	const xt *x = a, *y = b;
	int c;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if ((c = strcmp(x->value, y->value)) != 0)
		return c;
	return x->part < y->part ? -1 : x->part > y->part;
}

static size_t
uf_find(size_t *up, size_t i)
{
	while (up[i] != i) {
		up[i] = up[up[i]];
		i = up[i];
	}
	return i;
}

static void
uf_union(size_t *up, size_t a, size_t b)
{
	a = uf_find(up, a);
	b = uf_find(up, b);
	/* the smaller index is the root: the component's root is its first account */
	if (a < b)
		up[b] = a;
	else if (b < a)
		up[a] = b;
}

/* The end of the run of tuples equal in kind and value that starts at i. */
static size_t
run_end(const xtv *t, size_t i)
{
	size_t j = i + 1;

	while (j < t->n && t->v[j].kind == t->v[i].kind && strcmp(t->v[j].value, t->v[i].value) == 0)
		j++;
	return j;
}

/* Fills id from the tuples [i, j) whose account is in the component `root` (every one when
 * root is (size_t)-1); returns WXF_OK with id->n_parts 0 when none is. */
static int
make_id(wxf_xid *id, const xtv *t, size_t i, size_t j, size_t *up, size_t root)
{
	size_t k, n = 0;

	memset(id, 0, sizeof(*id));
	for (k = i; k < j; k++)
		n += root == (size_t)-1 || uf_find(up, t->v[k].part) == root;
	if (n == 0)
		return WXF_OK;
	id->parts = calloc(n, sizeof(*id->parts));
	id->vals = calloc(n, sizeof(*id->vals));
	if (id->parts == NULL || id->vals == NULL)
		return WXF_ENOMEM;
	for (k = i; k < j; k++)
		if (root == (size_t)-1 || uf_find(up, t->v[k].part) == root) {
			id->parts[id->n_parts] = t->v[k].part;
			id->vals[id->n_parts++] = t->v[k].val;
		}
	id->kind = kind_name[t->v[i].kind];
	id->value = t->v[i].value;
	id->link = t->v[i].kind == K_WXID || t->v[i].kind == K_TRANSFER ? WXF_XL_SAME_ACCOUNT :
	    t->v[i].kind == K_NICK ? WXF_XL_NAME_ONLY : t->v[i].kind == K_MASKED ? WXF_XL_MASKED :
	    WXF_XL_STRONG;
	return WXF_OK;
}

/* A victim's counted transfers, each transfer id once. */
typedef struct vrow {
	const wxf_ledger_row *r;
	size_t part;
} vrow;

static int
vrow_cmp(const void *a, const void *b)
{
	const vrow *x = a, *y = b;
	const char *kx = x->r->transfer_id, *ky = y->r->transfer_id;
	int c;

	/* rows without a transfer id last, each on its own */
	if ((kx == NULL || !*kx) != (ky == NULL || !*ky))
		return kx == NULL || !*kx ? 1 : -1;
	if (kx != NULL && *kx && (c = strcmp(kx, ky)) != 0)
		return c;
	if (x->part != y->part)
		return x->part < y->part ? -1 : 1;
	return strcmp(x->r->payment_id != NULL ? x->r->payment_id : "",
	    y->r->payment_id != NULL ? y->r->payment_id : "");
}

static void
tsum(wxf_ledger_totals *t, int64_t *acc, int64_t v)
{
	if (an_add(acc, v))
		t->overflow = 1;
}

/* net, and the CRPL figure where a seller was paid (an_build_ledger's rule) */
static void
finish_totals(wxf_ledger_totals *t)
{
	int64_t net = t->paid_fen;

	if (an_sub(&net, t->received_fen))
		t->overflow = 1;
	t->net_fen = net;
	if (!t->overflow && wxf_ledger_crpl55(t->net_fen, t) != WXF_OK)
		t->overflow = 1;
	t->crpl_applicable = t->n_paid > 0 && !t->overflow;
	if (!t->crpl_applicable)
		t->crpl55_fen = 0;
}

static int
victim_totals(wxf_xvictim *v, const wxf_analysis *const *an)
{
	vrow *rows;
	size_t n = 0, k, i, j;

	for (k = 0; k < v->n_parts; k++)
		n += an[v->parts[k]]->ledger.n_transfers;
	memset(&v->totals, 0, sizeof(v->totals));
	if (n == 0) {
		finish_totals(&v->totals);
		return WXF_OK;
	}
	if ((rows = calloc(n, sizeof(*rows))) == NULL)
		return WXF_ENOMEM;
	n = 0;
	for (k = 0; k < v->n_parts; k++) {
		const wxf_ledger *L = &an[v->parts[k]]->ledger;

		for (i = 0; i < L->n_transfers; i++)
			if (L->transfers[i].bucket != WXF_LB_NONE &&
			    L->transfers[i].bucket != WXF_LB_FROM_SELLER_OTHER) {
				rows[n].r = &L->transfers[i];
				rows[n++].part = v->parts[k];
			}
	}
	if (n > 1)
		qsort(rows, n, sizeof(*rows), vrow_cmp);
	for (i = 0; i < n; i = j) {
		const char *key = rows[i].r->transfer_id;
		int disagree = 0;

		j = i + 1;
		if (key != NULL && *key)
			while (j < n && rows[j].r->transfer_id != NULL &&
			    strcmp(rows[j].r->transfer_id, key) == 0) {
				if (rows[j].r->bucket != rows[i].r->bucket ||
				    rows[j].r->amount_known != rows[i].r->amount_known ||
				    (rows[j].r->amount_known && rows[j].r->amount_fen !=
				    rows[i].r->amount_fen))
					disagree = 1;
				j++;
			}
		v->n_transfers++;
		if (j - i > 1) {
			v->n_repeated++;
			v->n_disagree += disagree;
		}
		an_ledger_count(&v->totals, rows[i].r);
	}
	free(rows);
	finish_totals(&v->totals);
	return WXF_OK;
}

static int
build_victims(wxf_xseller *s, const wxf_analysis *const *an)
{
	size_t k, i;

	if ((s->victims = calloc(s->n_parts, sizeof(*s->victims))) == NULL)
		return WXF_ENOMEM;
	for (k = 0; k < s->n_parts; k++) {
		const char *o = an[s->parts[k]]->owner_username;
		wxf_xvictim *v = NULL;

		if (s->own[k])
			continue;   /* the seller's own account is no victim */

		for (i = 0; o != NULL && i < s->n_victims; i++)
			if (s->victims[i].owner != NULL && strcmp(s->victims[i].owner, o) == 0)
				v = &s->victims[i];
		if (v == NULL) {
			v = &s->victims[s->n_victims++];
			v->owner = o;
			if ((v->parts = calloc(s->n_parts, sizeof(*v->parts))) == NULL)
				return WXF_ENOMEM;
		}
		v->parts[v->n_parts++] = s->parts[k];
	}
	for (i = 0; i < s->n_victims; i++) {
		wxf_ledger_totals *t = &s->total, *vt;

		if (victim_totals(&s->victims[i], an) != WXF_OK)
			return WXF_ENOMEM;
		vt = &s->victims[i].totals;
		t->overflow |= vt->overflow;
		t->n_paid += vt->n_paid;
		t->n_refunded += vt->n_refunded;
		t->n_expired += vt->n_expired;
		t->n_pending += vt->n_pending;
		t->n_received += vt->n_received;
		t->n_unknown_amount += vt->n_unknown_amount;
		tsum(t, &t->paid_fen, vt->paid_fen);
		tsum(t, &t->refunded_fen, vt->refunded_fen);
		tsum(t, &t->expired_fen, vt->expired_fen);
		tsum(t, &t->pending_fen, vt->pending_fen);
		tsum(t, &t->received_fen, vt->received_fen);
		tsum(t, &t->net_fen, vt->net_fen);
		if (vt->crpl_applicable) {
			tsum(t, &t->crpl55_fen, vt->crpl55_fen);
			t->crpl_applicable = 1;
		}
	}
	if (s->total.overflow)
		s->total.crpl_applicable = 0;
	return WXF_OK;
}

static void
xid_free(wxf_xid *id)
{
	free(id->parts);
	free(id->vals);
}

void
wxf_xview_free(wxf_xview **vp)
{
	wxf_xview *v;
	size_t i, k;

	if (vp == NULL || (v = *vp) == NULL)
		return;
	for (i = 0; i < v->n_sellers; i++) {
		wxf_xseller *s = &v->sellers[i];

		free(s->parts);
		free(s->own);
		for (k = 0; k < s->n_ids; k++)
			xid_free(&s->ids[k]);
		free(s->ids);
		for (k = 0; k < s->n_victims; k++)
			free(s->victims[k].parts);
		free(s->victims);
	}
	free(v->sellers);
	for (i = 0; i < v->n_name_only; i++)
		xid_free(&v->name_only[i]);
	free(v->name_only);
	for (i = 0; i < v->n_wrap_; i++)
		free(((wxf_an_value **)v->wrap_)[i]);
	free(v->wrap_);
	free(v);
	*vp = NULL;
}

/* The number of accounts whose seller's wxid is u, account `not` left out. */
static size_t
sellers_named(const wxf_analysis *const *an, size_t n, const char *u, size_t not)
{
	size_t p, c = 0;

	for (p = 0; u != NULL && p < n; p++)
		c += p != not && an[p] != NULL && an[p]->seller != NULL &&
		    an_streq(an[p]->seller->username, u);
	return c;
}

/* 1 when account p is the seller's own: the examiner named its owner as the seller (--seller,
 * so its seller is its owner), or more of the other accounts call its owner their seller than
 * accounts (it included) call its own "seller" theirs.  On the seller's phone the ranked
 * "seller" is her best customer, whose phone in turn names her: the wxid more accounts call
 * their seller wins, and a tie (her phone and one buyer's alone) decides nothing. */
static int
is_own(const wxf_analysis *const *an, size_t n, size_t p)
{
	const char *o, *s;
	size_t c;

	if (an[p] == NULL || (o = an[p]->owner_username) == NULL)
		return 0;
	s = an[p]->seller != NULL ? an[p]->seller->username : NULL;
	if (s != NULL && strcmp(s, o) == 0)
		return 1;
	c = sellers_named(an, n, o, p);
	return c > 0 && c > sellers_named(an, n, s, (size_t)-1);
}

static int
build(wxf_xview *v, const wxf_analysis *const *an, size_t n, xtv *t, size_t *up,
    unsigned char *own)
{
	size_t i, j, k, p, *size, name_cap = 0, cap_wrap = 0;
	const wxf_an_person *s;
	const wxf_an_value *self;
	const char *u;

	/* the seller's own accounts first (own[p]): then each account gives the tuples of the card
	 * that describes the seller, its owner's (own) or its seller's */
	for (p = 0; p < n; p++) {
		up[p] = p;
		own[p] = is_own(an, n, p);
	}
	for (p = 0; p < n; p++) {
		if (an[p] == NULL)
			continue;
		if (own[p]) {
			s = an[p]->owner;
			u = an[p]->owner_username;
		} else {
			s = an[p]->seller;
			u = s != NULL ? s->username : NULL;
		}
		if (u == NULL)
			continue;
		self = NULL;
		for (i = 0; s != NULL && i < s->wxid.n; i++)
			if (an_streq(s->wxid.v[i].value, u))
				self = &s->wxid.v[i];
		if (xt_push(t, K_WXID, u, p, self) != WXF_OK || (s != NULL &&
		    (xt_attr(t, K_ALIAS, &s->aliases, p) != WXF_OK ||
		    xt_attr(t, K_PHONE, &s->phones, p) != WXF_OK ||
		    xt_attr(t, K_NICK, &s->nicknames, p) != WXF_OK)))
			return WXF_ENOMEM;
		if (own[p])
			continue;   /* her own ledger and groups are kept with someone else */
		/* a group the seller owns (the room's owner in this account's records) */
		for (i = 0; s != NULL && i < s->n_groups; i++) {
			const wxf_an_group *g = &s->groups[i];
			wxf_an_value *w;

			if (!g->person_is_room_owner || g->username == NULL)
				continue;
			if (v->n_wrap_ == cap_wrap) {
				/* values the view owns: a group's evidence as a value's */
				size_t nc = cap_wrap ? cap_wrap * 2 : 16;
				wxf_an_value **nw = realloc(v->wrap_, nc * sizeof(*nw));

				if (nw == NULL)
					return WXF_ENOMEM;
				v->wrap_ = (void *)nw;
				cap_wrap = nc;
			}
			if ((w = calloc(1, sizeof(*w))) == NULL)
				return WXF_ENOMEM;
			((wxf_an_value **)v->wrap_)[v->n_wrap_++] = w;
			w->value = g->username;
			w->refs = g->person_refs;
			w->n_refs = g->n_person_refs;
			w->first_ms = w->last_ms = WXF_TIME_UNKNOWN;
			w->live = 1;
			if (xt_push(t, K_GROUP, g->username, p, w) != WXF_OK)
				return WXF_ENOMEM;
		}
		/* a transfer the owner made to the seller: a transfer id names one payer and one
		 * receiver (the other way round it would link the payer: on the seller's own phone
		 * the ranked "seller" is the buyer) */
		for (i = 0; i < an[p]->ledger.n_transfers; i++) {
			const wxf_ledger_row *r = &an[p]->ledger.transfers[i];

			if (r->dir == WXF_LDIR_TO_SELLER && r->transfer_id != NULL && r->transfer_id[0] &&
			    xt_push(t, K_TRANSFER, r->transfer_id, p, NULL) != WXF_OK)
				return WXF_ENOMEM;
		}
	}
	if (t->n > 1)
		qsort(t->v, t->n, sizeof(*t->v), xt_cmp);
	/* one tuple per (kind, value, account) */
	for (i = j = 0; i < t->n; i++)
		if (j == 0 || xt_cmp(&t->v[j - 1], &t->v[i]) != 0)
			t->v[j++] = t->v[i];
	t->n = j;
	for (i = 0; i < t->n; i = j) {
		j = run_end(t, i);
		if (t->v[i].kind != K_NICK && t->v[i].kind != K_MASKED)
			for (k = i + 1; k < j; k++)
				uf_union(up, t->v[i].part, t->v[k].part);
	}
	/* the components of at least two accounts, by first account */
	if ((size = calloc(n, sizeof(*size))) == NULL)
		return WXF_ENOMEM;
	for (p = 0; p < n; p++)
		if (an[p] != NULL && (an[p]->seller != NULL || own[p]))
			size[uf_find(up, p)]++;
	for (k = p = 0; p < n; p++)
		k += size[p] >= 2;
	/* v->n_sellers counts the sellers built so far: wxf_xview_free frees what there is */
	if (k > 0 && (v->sellers = calloc(k, sizeof(*v->sellers))) == NULL) {
		free(size);
		return WXF_ENOMEM;
	}
	for (p = 0; p < n; p++) {
		wxf_xseller *xs;

		if (size[p] < 2)
			continue;
		xs = &v->sellers[v->n_sellers++];
		if ((xs->parts = calloc(size[p], sizeof(*xs->parts))) == NULL ||
		    (xs->own = calloc(size[p], sizeof(*xs->own))) == NULL ||
		    (xs->ids = calloc(t->n, sizeof(*xs->ids))) == NULL) {
			free(size);
			return WXF_ENOMEM;
		}
		for (k = p; k < n; k++)
			if (an[k] != NULL && (an[k]->seller != NULL || own[k]) && uf_find(up, k) == p) {
				xs->own[xs->n_parts] = own[k];
				xs->parts[xs->n_parts++] = k;
			}
		for (i = 0; i < t->n; i = j) {
			j = run_end(t, i);
			if (make_id(&xs->ids[xs->n_ids], t, i, j, up, p) != WXF_OK) {
				xid_free(&xs->ids[xs->n_ids]);
				free(size);
				return WXF_ENOMEM;
			}
			/* a transfer id is listed where it links (one transfer in two accounts), not
			 * for every transfer of the ledgers */
			if (t->v[i].kind == K_TRANSFER && xs->ids[xs->n_ids].n_parts < 2) {
				xid_free(&xs->ids[xs->n_ids]);
				memset(&xs->ids[xs->n_ids], 0, sizeof(xs->ids[xs->n_ids]));
			} else if (xs->ids[xs->n_ids].n_parts > 0)
				xs->n_ids++;
		}
		if (build_victims(xs, an) != WXF_OK) {
			free(size);
			return WXF_ENOMEM;
		}
	}
	free(size);
	/* nicknames shared across sellers that stay apart */
	for (i = 0; i < t->n; i = j) {
		size_t r0;
		int apart = 0;

		j = run_end(t, i);
		if (t->v[i].kind != K_NICK || j - i < 2)
			continue;
		r0 = uf_find(up, t->v[i].part);
		for (k = i + 1; k < j; k++)
			apart |= uf_find(up, t->v[k].part) != r0;
		if (!apart)
			continue;
		if (wxf_grow((void **)&v->name_only, &name_cap, v->n_name_only + 1, sizeof(*v->name_only)) !=
		    WXF_OK)
			return WXF_ENOMEM;
		if (make_id(&v->name_only[v->n_name_only], t, i, j, up, (size_t)-1) != WXF_OK) {
			xid_free(&v->name_only[v->n_name_only]);
			return WXF_ENOMEM;
		}
		v->n_name_only++;
	}
	return WXF_OK;
}

int
wxf_xview_build(const wxf_analysis *const *an, size_t n, wxf_xview **out, wxf_err *err)
{
	wxf_xview *v;
	xtv t = { NULL, 0, 0 };
	size_t *up = NULL;
	unsigned char *own = NULL;
	int rc = WXF_ENOMEM;

	*out = NULL;
	if ((v = calloc(1, sizeof(*v))) != NULL && (n == 0 ||
	    ((up = calloc(n, sizeof(*up))) != NULL && (own = calloc(n, 1)) != NULL)))
		rc = build(v, an, n, &t, up, own);
	free(t.v);
	free(up);
	free(own);
	if (rc != WXF_OK) {
		wxf_xview_free(&v);
		return wxf_err_set(err, WXF_ENOMEM, "seller across exhibits: out of memory");
	}
	*out = v;
	return WXF_OK;
}
