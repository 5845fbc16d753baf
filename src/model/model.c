/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The common evidence model: constructors, lookups, sort, finish (conversations, payment
 * lifecycle, witnesses, recovered duplicates, recall originals).  See model.h and README.md.
 *
 * Memory: objects, strings and the small per-object vectors live in the model's arena (a
 * vector grows by copying into a new arena block; the old block is simply abandoned, bounded by
 * 2x); the top-level pointer arrays and the hash maps are malloc'd and freed by
 * wxf_model_free.
 */
#include "config.h"
#include "model/model.h"
#include "base/wxf_hash.h"
#include "base/wxf_fmt.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------ */
/* Names */

const char *
wxf_id_kind_name(wxf_id_kind k)
{
	static const char *const n[] = { "unknown", "person", "group", "official", "openim",
	    "system" };
	return (unsigned)k < WXF_ID_N ? n[k] : "unknown";
}

const char *
wxf_conv_kind_name(wxf_conv_kind k)
{
	static const char *const n[] = { "unknown", "direct", "group", "official", "system" };
	return (unsigned)k < WXF_CONV_N ? n[k] : "unknown";
}

const char *
wxf_msg_kind_name(wxf_msg_kind k)
{
	static const char *const n[] = { "unknown", "text", "image", "voice", "video", "sticker",
	    "location", "live-location", "card", "link", "file", "quote", "chat-history",
	    "mini-program", "music", "channels", "app-other", "transfer", "red-packet",
	    "red-packet-claim", "aa", "receipt", "template", "voip", "friend-request", "system",
	    "syscmd", "recalled", "revoke-command", "pat",
	    "group-notice", "mail" };
	_Static_assert(sizeof(n) / sizeof(n[0]) == WXF_MK_N, "kind names");
	return (unsigned)k < WXF_MK_N ? n[k] : "unknown";
}

const char *
wxf_dir_name(wxf_dir d)
{
	static const char *const n[] = { "unknown", "in", "out", "system" };
	return (unsigned)d <= WXF_DIR_SYSTEM ? n[d] : "unknown";
}

const char *
wxf_sender_src_name(wxf_sender_src s)
{
	static const char *const n[] = { "none", "owner", "talker", "group-prefix", "xml",
	    "column" };
	return (unsigned)s <= WXF_SENDER_COLUMN ? n[s] : "none";
}

const char *
wxf_media_state_name(wxf_media_state s)
{
	static const char *const n[] = { "none", "present", "missing", "not-searched" };
	return (unsigned)s <= WXF_MEDIA_NOT_SEARCHED ? n[s] : "none";
}

const char *
wxf_pay_kind_name(wxf_pay_kind k)
{
	static const char *const n[] = { "transfer", "red-packet", "aa", "receipt", "other" };
	return (unsigned)k < WXF_PAY_N ? n[k] : "other";
}

const char *
wxf_pay_state_name(wxf_pay_state s)
{
	static const char *const n[] = { "unknown", "initiated", "accepted", "refunded",
	    "expired", "delayed", "sent", "claimed", "paid" };
	_Static_assert(sizeof(n) / sizeof(n[0]) == WXF_PST_N, "state names");
	return (unsigned)s < WXF_PST_N ? n[s] : "unknown";
}

/*
 * Transfer paysubtype (notes §3.1; the sources disagree, so only the readings the sources share
 * are mapped and everything else stays unknown with its raw value):
 *   1 initiated · 3 accepted (payee side) · 4 returned (payee side) · 5 accepted ·
 *   7 delayed transfer pending · 8 accepted (payer's view) · 9 returned (payer's view) ·
 *   10 expired
 */
wxf_pay_state
wxf_paysubtype_state(int64_t v)
{
	switch (v) {
	case 1: return WXF_PST_INITIATED;
	case 3: case 5: case 8: return WXF_PST_ACCEPTED;
	case 4: case 9: return WXF_PST_REFUNDED;
	case 7: return WXF_PST_DELAYED;
	case 10: return WXF_PST_EXPIRED;
	default: return WXF_PST_UNKNOWN;
	}
}

wxf_id_kind
wxf_id_kind_guess(const char *u)
{
	size_t n;
	static const char *const sys[] = { "filehelper", "weixin", "notifymessage", "fmessage",
	    "medianote", "floatbottle", "qqmail", "tmessage", "qmessage", "newsapp",
	    "officialaccounts", "brandsessionholder", NULL };

	if (u == NULL || *u == '\0')
		return WXF_ID_UNKNOWN;
	n = strlen(u);
	if (n > 9 && strcmp(u + n - 9, "@chatroom") == 0)
		return WXF_ID_GROUP;
	if (n > 7 && strcmp(u + n - 7, "@openim") == 0)
		return WXF_ID_OPENIM;
	if (strncmp(u, "gh_", 3) == 0)
		return WXF_ID_OFFICIAL;
	for (size_t i = 0; sys[i] != NULL; i++)
		if (strcmp(u, sys[i]) == 0)
			return WXF_ID_SYSTEM;
	return WXF_ID_PERSON;
}

/* ------------------------------------------------------------------------------------------ */
/* Model */

/* wxf_table_grow (vectors of every message may be file pages: wxf_table_spill) and
 * wxf_strmap_put on the model's own vectors and maps; a failure is also kept in
 * m->oom, so that a caller that cannot pass WXF_ENOMEM up still ends the run with it
 * (wxf_model_failed, checked by wxf_model_finish). */
static int
mgrow(wxf_model *m, void **v, size_t *cap, size_t need, size_t elem)
{
	if (wxf_table_grow(v, cap, need, elem) != WXF_OK) {
		m->oom = 1;
		return -1;
	}
	return 0;
}

static int
mput(wxf_model *m, wxf_strmap *map, const char *key, void *val)
{
	if (wxf_strmap_put(map, key, val) < 0) {
		m->oom = 1;
		return -1;
	}
	return 0;
}

int
wxf_model_spill(wxf_model *m, const char *dir, size_t after)
{
	return wxf_arena_spill(m->arena, dir, after);
}

int
wxf_model_spill_errno(const wxf_model *m)
{
	return wxf_arena_spill_errno(m->arena);
}

size_t
wxf_model_spilled(const wxf_model *m)
{
	return wxf_arena_spilled(m->arena);
}

int
wxf_model_failed(const wxf_model *m)
{
	return m->oom || wxf_arena_failed(m->arena);
}

int
wxf_model_new(wxf_model **mp, wxf_err *err)
{
	wxf_model *m = calloc(1, sizeof(*m));

	*mp = NULL;
	if (m == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "model: out of memory");
	m->arena = wxf_arena_new();
	if (m->arena == NULL) {
		wxf_model_free(&m);
		return wxf_err_set(err, WXF_ENOMEM, "model: out of memory");
	}
	*mp = m;
	return WXF_OK;
}

void
wxf_model_free(wxf_model **mp)
{
	wxf_model *m;

	if (mp == NULL || *mp == NULL)
		return;
	m = *mp;
	wxf_table_free(m->sources);
	wxf_table_free(m->identities);
	wxf_table_free(m->groups);
	wxf_table_free(m->convs);
	wxf_table_free(m->msgs);
	wxf_table_free(m->fragments);
	wxf_table_free(m->payments);
	wxf_table_free(m->anomalies);
	wxf_strmap_free(&m->idx_ident);
	wxf_strmap_free(&m->idx_group);
	wxf_strmap_free(&m->idx_conv);
	wxf_strmap_free(&m->idx_msg);
	wxf_strmap_free(&m->idx_pay);
	wxf_strmap_free(&m->file_ids);
	wxf_strmap_free(&m->interned);
	wxf_arena_free(&m->arena);
	free(m);
	*mp = NULL;
}

const char *
wxf_model_strndup(wxf_model *m, const char *s, size_t n)
{
	if (s == NULL)
		return NULL;
	return wxf_arena_strndup(m->arena, s, n);
}

const char *
wxf_model_strdup(wxf_model *m, const char *s)
{
	return s == NULL ? NULL : wxf_model_strndup(m, s, strlen(s));
}

const char *
wxf_model_printf(wxf_model *m, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p, tmp[256];

	va_start(ap, fmt);
	n = wxf_vfmt(tmp, sizeof(tmp), fmt, ap);     /* one pass for the usual short string */
	va_end(ap);
	if (n < 0)
		return NULL;
	if ((size_t)n < sizeof(tmp))
		return wxf_model_strndup(m, tmp, (size_t)n);
	p = wxf_arena_alloc(m->arena, (size_t)n + 1);
	if (p == NULL)
		return NULL;
	va_start(ap, fmt);
	wxf_vfmt(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

static int
same_path(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static wxf_prov
prov_or_empty(const wxf_prov *p)
{
	wxf_prov e;

	if (p != NULL)
		return *p;
	memset(&e, 0, sizeof(e));
	e.rowid = INT64_MIN;
	e.origin = WXF_ORIGIN_LIVE;
	e.status = WXF_STATUS_INTACT;
	e.confidence = 100;
	return e;
}

/* A provenance's file, image or table name, copied into the arena once: every record of a
 * database names the same few (a copy per message was a fifth of the model).  The last four
 * asked for are compared first; a map that cannot grow only costs a copy. */
static const char *
intern(wxf_model *m, const char *s)
{
	const char *v;
	unsigned i;

	if (s == NULL)
		return NULL;
	for (i = 0; i < 4; i++)
		if (m->intern_memo[i] != NULL && strcmp(m->intern_memo[i], s) == 0)
			return m->intern_memo[i];
	if ((v = wxf_strmap_get(&m->interned, s)) == NULL) {
		if ((v = wxf_model_strdup(m, s)) == NULL)
			return NULL;
		(void)wxf_strmap_put(&m->interned, v, (void *)v);
	}
	m->intern_memo[m->intern_next++ & 3] = v;
	return v;
}

const char *
wxf_model_intern(wxf_model *m, const char *s, size_t n)
{
	char key[256];

	if (s == NULL)
		return NULL;
	if (n >= sizeof(key) || memchr(s, '\0', n) != NULL)
		return wxf_model_strndup(m, s, n);   /* not a name: kept as it is */
	memcpy(key, s, n);
	key[n] = '\0';
	return intern(m, key);
}

/* Copies the strings a prov points to into the arena, so callers may pass stack strings. */
static wxf_prov
prov_own(wxf_model *m, const wxf_prov *p)
{
	wxf_prov r = prov_or_empty(p);

	r.file = intern(m, r.file);
	r.image = intern(m, r.image);
	r.table = intern(m, r.table);
	r.range_sha256 = wxf_model_strdup(m, r.range_sha256);
	return r;
}

wxf_source *
wxf_model_add_source(wxf_model *m, const char *path, const char *role, wxf_platform platform,
    const char *account)
{
	wxf_source *s;

	for (size_t i = 0; i < m->n_sources; i++)
		if (path != NULL && strcmp(m->sources[i].path, path) == 0 && role != NULL &&
		    m->sources[i].role != NULL && strcmp(m->sources[i].role, role) == 0)
			return &m->sources[i];
	if (mgrow(m, (void **)&m->sources, &m->cap_sources, m->n_sources + 1, sizeof(*s)) < 0)
		return NULL;
	s = &m->sources[m->n_sources];
	memset(s, 0, sizeof(*s));
	s->path = wxf_model_strdup(m, path != NULL ? path : "");
	s->role = wxf_model_strdup(m, role);
	s->platform = platform;
	s->account = wxf_model_strdup(m, account);
	if (s->path == NULL)
		return NULL;
	m->n_sources++;
	return s;
}

wxf_stmt *
wxf_source_stmt(wxf_model *m, wxf_source *s)
{
	if (s->stmt == NULL && (s->stmt = wxf_arena_alloc(m->arena, sizeof(*s->stmt))) != NULL)
		memset(s->stmt, 0, sizeof(*s->stmt));
	return s->stmt;
}

int
wxf_stmt_add_input(wxf_model *m, wxf_stmt *st, const char *zh, const char *en, const char *value)
{
	wxf_stmt_row *v = wxf_arena_alloc(m->arena, (st->n_inputs + 1) * sizeof(*v));

	if (v == NULL)
		return WXF_ENOMEM;
	if (st->n_inputs > 0)
		memcpy(v, st->inputs, st->n_inputs * sizeof(*v));
	v[st->n_inputs].zh = wxf_model_strdup(m, zh);
	v[st->n_inputs].en = wxf_model_strdup(m, en);
	v[st->n_inputs].value = wxf_model_strdup(m, value);
	st->inputs = v;
	st->n_inputs++;
	return WXF_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Identities */

wxf_identity *
wxf_model_find_identity(const wxf_model *m, const char *username)
{
	return wxf_strmap_get(&m->idx_ident, username);
}

wxf_identity *
wxf_model_identity(wxf_model *m, const char *username, const wxf_prov *prov)
{
	wxf_identity *id;

	if (username == NULL || *username == '\0')
		return NULL;
	id = wxf_strmap_get(&m->idx_ident, username);
	if (id != NULL)
		return id;
	id = wxf_arena_alloc(m->arena, sizeof(*id));
	if (id == NULL)
		return NULL;
	id->username = wxf_model_strdup(m, username);
	if (id->username == NULL)
		return NULL;
	id->kind = wxf_id_kind_guess(username);
	id->type_flags = id->verify_flag = id->delete_flag = WXF_INT_UNKNOWN;
	id->prov = prov_own(m, prov);
	id->flags_prov = prov_or_empty(NULL);
	if (mgrow(m, (void **)&m->identities, &m->cap_identities, m->n_identities + 1,
	    sizeof(*m->identities)) < 0 || mput(m, &m->idx_ident, id->username, id) < 0)
		return NULL;
	m->identities[m->n_identities++] = id;
	return id;
}

wxf_identity *
wxf_model_set_owner(wxf_model *m, const char *username, const wxf_prov *prov)
{
	wxf_identity *id = wxf_model_identity(m, username, prov);

	if (id == NULL)
		return NULL;
	id->is_owner = 1;
	m->owner = id;
	return id;
}

static int
prov_same(const wxf_prov *a, const wxf_prov *b)
{
	return a->rowid == b->rowid && a->origin == b->origin && a->offset == b->offset &&
	    a->pgno == b->pgno && a->frame == b->frame &&
	    ((a->table == NULL && b->table == NULL) ||
	     (a->table != NULL && b->table != NULL && strcmp(a->table, b->table) == 0)) &&
	    ((a->file == NULL && b->file == NULL) ||
	     (a->file != NULL && b->file != NULL && strcmp(a->file, b->file) == 0));
}

int
wxf_attrs_add(wxf_model *m, wxf_attrs *a, const char *value, const char *source, int64_t time_ms,
    const wxf_prov *prov)
{
	wxf_attr *at;
	wxf_prov p = prov_or_empty(prov);

	if (value == NULL || *value == '\0')
		return WXF_OK;
	for (size_t i = 0; i < a->n; i++) {
		at = &a->v[i];
		if (strcmp(at->value, value) == 0 &&
		    ((at->source == NULL && source == NULL) ||
		     (at->source != NULL && source != NULL && strcmp(at->source, source) == 0)) &&
		    prov_same(&at->prov, &p)) {
			if (at->time_ms == WXF_TIME_UNKNOWN)
				at->time_ms = time_ms;
			return WXF_OK;
		}
	}
	if (wxf_arena_grow(m->arena, (void **)&a->v, &a->cap, a->n + 1, sizeof(*a->v)) < 0)
		return WXF_ENOMEM;
	at = &a->v[a->n];
	at->value = wxf_model_strdup(m, value);
	at->source = wxf_model_strdup(m, source);
	at->time_ms = time_ms;
	at->prov = prov_own(m, &p);
	if (at->value == NULL)
		return WXF_ENOMEM;
	a->n++;
	return WXF_OK;
}

const char *
wxf_attrs_best(const wxf_attrs *a)
{
	const char *best = NULL;

	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].prov.origin == WXF_ORIGIN_LIVE)
			best = a->v[i].value;
	if (best == NULL && a->n > 0)
		best = a->v[a->n - 1].value;
	return best;
}

int
wxf_kvs_add(wxf_model *m, wxf_kvs *kv, const char *key, const char *value)
{
	if (key == NULL || value == NULL)
		return WXF_OK;
	if (wxf_arena_grow(m->arena, (void **)&kv->v, &kv->cap, kv->n + 1, sizeof(*kv->v)) < 0)
		return WXF_ENOMEM;
	kv->v[kv->n].key = wxf_model_strdup(m, key);
	kv->v[kv->n].value = wxf_model_strdup(m, value);
	if (kv->v[kv->n].key == NULL || kv->v[kv->n].value == NULL)
		return WXF_ENOMEM;
	kv->n++;
	return WXF_OK;
}

const char *
wxf_kvs_get(const wxf_kvs *kv, const char *key)
{
	for (size_t i = 0; i < kv->n; i++)
		if (strcmp(kv->v[i].key, key) == 0)
			return kv->v[i].value;
	return NULL;
}

int
wxf_strs_add(wxf_model *m, wxf_strs *s, const char *v)
{
	if (v == NULL)
		return WXF_OK;
	if (wxf_arena_grow(m->arena, (void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v)) < 0)
		return WXF_ENOMEM;
	s->v[s->n] = wxf_model_strdup(m, v);
	if (s->v[s->n] == NULL)
		return WXF_ENOMEM;
	s->n++;
	return WXF_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Groups */

wxf_group *
wxf_model_find_group(const wxf_model *m, const char *username)
{
	return wxf_strmap_get(&m->idx_group, username);
}

wxf_group *
wxf_model_group(wxf_model *m, const char *username, const wxf_prov *prov)
{
	wxf_group *g;

	if (username == NULL || *username == '\0')
		return NULL;
	g = wxf_strmap_get(&m->idx_group, username);
	if (g != NULL)
		return g;
	g = wxf_arena_alloc(m->arena, sizeof(*g));
	if (g == NULL)
		return NULL;
	g->username = wxf_model_strdup(m, username);
	g->prov = prov_own(m, prov);
	if (g->username == NULL ||
	    mgrow(m, (void **)&m->groups, &m->cap_groups, m->n_groups + 1, sizeof(*m->groups)) < 0 ||
	    mput(m, &m->idx_group, g->username, g) < 0)
		return NULL;
	m->groups[m->n_groups++] = g;
	return g;
}

int
wxf_group_add_member(wxf_model *m, wxf_group *g, const char *username, const char *display_name,
    const wxf_prov *prov)
{
	wxf_group_member *gm;

	if (username == NULL || *username == '\0')
		return WXF_OK;
	for (size_t i = 0; i < g->n_members; i++) {
		gm = &g->members[i];
		if (strcmp(gm->username, username) == 0) {
			if (gm->display_name == NULL && display_name != NULL && *display_name != '\0')
				gm->display_name = wxf_model_strdup(m, display_name);
			return WXF_OK;
		}
	}
	if (wxf_arena_grow(m->arena, (void **)&g->members, &g->cap_members, g->n_members + 1,
	    sizeof(*g->members)) < 0)
		return WXF_ENOMEM;
	gm = &g->members[g->n_members];
	gm->username = wxf_model_strdup(m, username);
	gm->display_name = (display_name != NULL && *display_name != '\0') ?
	    wxf_model_strdup(m, display_name) : NULL;
	gm->prov = prov_own(m, prov);
	if (gm->username == NULL)
		return WXF_ENOMEM;
	g->n_members++;
	return WXF_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Conversations */

wxf_conv *
wxf_model_find_conv(const wxf_model *m, const char *talker)
{
	return wxf_strmap_get(&m->idx_conv, talker);
}

static wxf_conv_kind
conv_kind_of(const char *talker)
{
	switch (wxf_id_kind_guess(talker)) {
	case WXF_ID_GROUP: return WXF_CONV_GROUP;
	case WXF_ID_OFFICIAL: return WXF_CONV_OFFICIAL;
	case WXF_ID_SYSTEM: return WXF_CONV_SYSTEM;
	case WXF_ID_PERSON: case WXF_ID_OPENIM: return WXF_CONV_DIRECT;
	default: return WXF_CONV_UNKNOWN;
	}
}

wxf_conv *
wxf_model_conv(wxf_model *m, const char *talker, const wxf_prov *prov)
{
	wxf_conv *c;

	if (talker == NULL)
		return NULL;
	c = wxf_strmap_get(&m->idx_conv, talker);
	if (c != NULL)
		return c;
	c = wxf_arena_alloc(m->arena, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->talker = wxf_model_strdup(m, talker);
	c->kind = conv_kind_of(talker);
	c->last_time_ms = c->deleted_time_ms = WXF_TIME_UNKNOWN;
	c->first_time_ms = c->last_msg_time_ms = WXF_TIME_UNKNOWN;
	c->msg_count = c->unread_count = c->deleted_last_seq = WXF_INT_UNKNOWN;
	c->prov = prov_own(m, prov);
	c->deleted_prov = prov_or_empty(NULL);
	if (c->talker == NULL ||
	    mgrow(m, (void **)&m->convs, &m->cap_convs, m->n_convs + 1, sizeof(*m->convs)) < 0 ||
	    mput(m, &m->idx_conv, c->talker, c) < 0)
		return NULL;
	m->convs[m->n_convs++] = c;
	return c;
}

/* ------------------------------------------------------------------------------------------ */
/* Messages */

void
wxf_model_row_id(wxf_platform platform, const char *file, const char *table, int64_t rowid,
    wxf_origin origin, uint64_t offset, char out[17])
{
	char buf[2048], hex[65];
	int n;

	n = wxf_fmt(buf, sizeof(buf), "%s|%s|%s|%lld|%s|%llu", wxf_platform_name(platform),
	    file != NULL ? file : "", table != NULL ? table : "", (long long)rowid,
	    wxf_origin_name(origin), (unsigned long long)offset);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(buf)) {
		/* very long path: hash the pieces separately so the id stays deterministic */
		char h1[65];

		wxf_sha256_hex(file, strlen(file), h1);
		n = wxf_fmt(buf, sizeof(buf), "%s|sha256:%s|%.512s|%lld|%s|%llu",
		    wxf_platform_name(platform), h1, table != NULL ? table : "", (long long)rowid,
		    wxf_origin_name(origin), (unsigned long long)offset);
		if (n < 0 || (size_t)n >= sizeof(buf))
			n = sizeof(buf) - 1;
	}
	wxf_sha256_hex(buf, (size_t)n, hex);
	memcpy(out, hex, 16);
	out[16] = '\0';
}

wxf_msg *
wxf_model_find_msg(const wxf_model *m, const char *id)
{
	return wxf_strmap_get(&m->idx_msg, id);
}

int
wxf_model_set_file_id(wxf_model *m, const char *path, const char *sha256_hex)
{
	const char *id, *key;

	if (path == NULL || sha256_hex == NULL || strlen(sha256_hex) != 64)
		return WXF_OK;
	if ((id = wxf_model_printf(m, "sha256:%s", sha256_hex)) == NULL ||
	    (key = wxf_model_strdup(m, path)) == NULL ||
	    mput(m, &m->file_ids, key, (void *)id) < 0)
		return WXF_ENOMEM;
	return WXF_OK;
}

void
wxf_model_msg_id(const wxf_model *m, wxf_platform platform, const char *file, const char *table,
    int64_t rowid, wxf_origin origin, uint64_t offset, char out[17])
{
	const char *id = file != NULL ? wxf_strmap_get(&m->file_ids, file) : NULL;

	wxf_model_row_id(platform, id != NULL ? id : file, table, rowid, origin, offset, out);
}

const wxf_msg_x wxf_msg_x_none = { .file_size = WXF_INT_UNKNOWN };

wxf_msg_x *
wxf_msg_xw(wxf_model *m, wxf_msg *msg)
{
	wxf_msg_x *x;

	if (msg->x != &wxf_msg_x_none)   /* the message's own (wxf_model_new_msg sets none) */
		return (wxf_msg_x *)msg->x;
	if ((x = wxf_arena_alloc(m->arena, sizeof(*x))) == NULL) {
		m->oom = 1;
		m->x_scratch = wxf_msg_x_none;
		return &m->x_scratch;
	}
	*x = wxf_msg_x_none;
	msg->x = x;
	return x;
}

wxf_msg *
wxf_model_new_msg(wxf_model *m, wxf_platform platform, const char *table, const wxf_prov *prov,
    int *is_new)
{
	wxf_msg *msg;
	wxf_prov p = prov_or_empty(prov);
	char id[17];

	if (is_new != NULL)
		*is_new = 0;
	if (table == NULL)
		table = p.table;
	wxf_model_msg_id(m, platform, p.file, table, p.rowid, p.origin, p.offset, id);
	msg = wxf_strmap_get(&m->idx_msg, id);
	if (msg != NULL)
		return msg;
	msg = wxf_arena_alloc(m->arena, sizeof(*msg));
	if (msg == NULL)
		return NULL;
	memcpy(msg->id, id, sizeof(id));
	msg->platform = platform;
	msg->table = intern(m, table);
	msg->local_id = WXF_INT_UNKNOWN;
	msg->raw_type = msg->base_type = WXF_INT_UNKNOWN;
	msg->app_type = WXF_INT_UNKNOWN;
	msg->time_ms = WXF_TIME_UNKNOWN;
	msg->status = msg->is_send = WXF_INT_UNKNOWN;
	msg->x = &wxf_msg_x_none;
	msg->prov = prov_own(m, &p);
	if (msg->prov.table == NULL)
		msg->prov.table = msg->table;
	if (mgrow(m, (void **)&m->msgs, &m->cap_msgs, m->n_msgs + 1, sizeof(*m->msgs)) < 0 ||
	    mput(m, &m->idx_msg, msg->id, msg) < 0)
		return NULL;
	m->msgs[m->n_msgs++] = msg;
	m->sorted = 0;
	if (is_new != NULL)
		*is_new = 1;
	if (m->on_msgs != NULL && (m->n_msgs & 1023) == 0)
		m->on_msgs(m->on_msgs_arg, m->n_msgs);
	return msg;
}

/* The text a message's provenance (or one of its witnesses) must hold. */
static const char *
cited_text(const wxf_msg *x, size_t w)
{
	if (w == 0)
		return x->body_witness == 0 && !x->body_placeholder ? x->body : NULL;
	if (x->witnesses[w - 1].text != NULL)
		return x->witnesses[w - 1].text;
	return NULL;
}

void
wxf_model_each_prov(wxf_model *m, void (*fn)(void *arg, wxf_prov *p, const char *text,
    const char *what), void *arg)
{
	size_t i, k;

	for (i = 0; i < m->n_msgs + m->n_fragments; i++) {
		wxf_msg *x = i < m->n_msgs ? m->msgs[i] : m->fragments[i - m->n_msgs];

		fn(arg, &x->prov, cited_text(x, 0), x->id);
		for (k = 0; k < x->n_witnesses; k++)
			fn(arg, &x->witnesses[k].prov, cited_text(x, k + 1), x->id);
		for (k = 0; k < x->n_media; k++)
			fn(arg, &x->media[k].prov, NULL, x->id);
	}
	for (i = 0; i < m->n_payments; i++) {
		wxf_payment *p = m->payments[i];

		fn(arg, &p->prov, NULL, p->id);
		for (k = 0; k < p->n_events; k++)
			fn(arg, &p->events[k].prov, NULL, p->id);
		for (k = 0; k < p->n_claims; k++)
			fn(arg, &p->claims[k].prov, NULL, p->id);
		if (p->witness_status != WXF_INT_UNKNOWN)
			fn(arg, &p->witness_prov, NULL, p->id);
	}
	for (i = 0; i < m->n_identities; i++) {
		wxf_identity *id = m->identities[i];
		wxf_attrs *a[] = { &id->aliases, &id->remarks, &id->nicknames, &id->phones,
		    &id->real_names, &id->bank_cards, &id->encrypt_usernames, &id->other };

		fn(arg, &id->prov, id->username, id->username);
		for (k = 0; k < sizeof(a) / sizeof(a[0]); k++)
			for (size_t j = 0; j < a[k]->n; j++)
				fn(arg, &a[k]->v[j].prov, a[k]->v[j].value, id->username);
	}
	for (i = 0; i < m->n_groups; i++) {
		wxf_group *g = m->groups[i];

		fn(arg, &g->prov, g->username, g->username);
		for (k = 0; k < g->n_members; k++)
			fn(arg, &g->members[k].prov, NULL, g->username);
		/* names and room owners are cited by the findings (the seller's groups) */
		for (k = 0; k < g->names.n; k++)
			fn(arg, &g->names.v[k].prov, NULL, g->username);
		for (k = 0; k < g->owners.n; k++)
			fn(arg, &g->owners.v[k].prov, NULL, g->username);
	}
	for (i = 0; i < m->n_convs; i++) {
		fn(arg, &m->convs[i]->prov, m->convs[i]->talker, m->convs[i]->talker);
		if (m->convs[i]->deleted)
			fn(arg, &m->convs[i]->deleted_prov, NULL, m->convs[i]->talker);
	}
}

const char *
wxf_wit_kind_name(wxf_wit_kind k)
{
	static const char *const n[] = { "copy", "index-entry", "fts", "older-version" };

	return (unsigned)k < WXF_WIT_N ? n[k] : "unknown";
}

long
wxf_msg_add_witness(wxf_model *m, wxf_msg *msg, wxf_wit_kind kind, const char *text,
    const wxf_prov *prov)
{
	wxf_witness *w;
	size_t i;

	for (i = 0; i < msg->n_witnesses; i++) {
		w = &msg->witnesses[i];
		if (w->prov.offset == prov->offset && w->prov.length == prov->length &&
		    same_path(w->prov.file, prov->file) && same_path(w->prov.table, prov->table))
			return (long)i; /* the same bytes already witness it */
	}
	if (wxf_arena_grow(m->arena, (void **)&msg->witnesses, &msg->cap_witnesses,
	    msg->n_witnesses + 1, sizeof(*msg->witnesses)) != 0)
		return -1;
	w = &msg->witnesses[msg->n_witnesses];
	memset(w, 0, sizeof(*w));
	w->kind = kind;
	w->text = wxf_model_strdup(m, text);
	w->prov = prov_own(m, prov);
	return (long)msg->n_witnesses++;
}

const wxf_prov *
wxf_msg_text_prov(const wxf_msg *msg)
{
	if (msg->body_witness > 0 && msg->body_witness <= msg->n_witnesses)
		return &msg->witnesses[msg->body_witness - 1].prov;
	return &msg->prov;
}

int
wxf_msg_add_media(wxf_model *m, wxf_msg *msg, const wxf_media *media)
{
	wxf_media *d;

	if (wxf_arena_grow(m->arena, (void **)&msg->media, &msg->cap_media, msg->n_media + 1,
	    sizeof(*msg->media)) < 0)
		return WXF_ENOMEM;
	d = &msg->media[msg->n_media];
	*d = *media;
	d->role = wxf_model_strdup(m, media->role);
	d->expected = wxf_model_strdup(m, media->expected);
	d->path = wxf_model_strdup(m, media->path);
	d->magic = wxf_model_strdup(m, media->magic);
	d->source = wxf_model_strdup(m, media->source);
	d->derived_from = wxf_model_strdup(m, media->derived_from);
	d->prov = prov_own(m, &media->prov);
	msg->n_media++;
	return WXF_OK;
}

int
wxf_msg_warn(wxf_model *m, wxf_msg *msg, const char *code, const char *fmt, ...)
{
	va_list ap;
	char buf[512];
	int rc;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	rc = wxf_strs_add(m, &wxf_msg_xw(m, msg)->warnings, buf);
	if (rc != WXF_OK)
		return rc;
	return wxf_model_anomaly(m, WXF_SEV_WARN, code, msg->id, NULL, &msg->prov, "%s", buf);
}

/* ------------------------------------------------------------------------------------------ */
/* Payments */

static const char *
pay_map_key(wxf_model *m, wxf_pay_kind kind, const char *key)
{
	return wxf_model_printf(m, "%d|%s", (int)kind, key);
}

wxf_payment *
wxf_model_find_payment(const wxf_model *m, wxf_pay_kind kind, const char *key)
{
	char buf[1024];

	if (key == NULL)
		return NULL;
	wxf_fmt(buf, sizeof(buf), "%d|%s", (int)kind, key);
	return wxf_strmap_get(&m->idx_pay, buf);
}

wxf_payment *
wxf_model_find_transfer(const wxf_model *m, const char *transfer_id)
{
	return wxf_model_find_payment(m, WXF_PAY_TRANSFER, transfer_id);
}

wxf_payment *
wxf_model_payment(wxf_model *m, wxf_pay_kind kind, const char *key, const wxf_prov *prov,
    int *is_new)
{
	wxf_payment *p;
	const char *mk;
	char hex[65];
	const char *idsrc;

	if (is_new != NULL)
		*is_new = 0;
	if (key == NULL || *key == '\0' || strlen(key) > 900)
		return NULL;
	p = wxf_model_find_payment(m, kind, key);
	if (p != NULL)
		return p;
	p = wxf_arena_alloc(m->arena, sizeof(*p));
	mk = pay_map_key(m, kind, key);
	if (p == NULL || mk == NULL)
		return NULL;
	idsrc = wxf_model_printf(m, "pay|%s|%s", wxf_pay_kind_name(kind), key);
	if (idsrc == NULL)
		return NULL;
	wxf_sha256_hex(idsrc, strlen(idsrc), hex);
	memcpy(p->id, hex, 16);
	p->id[16] = '\0';
	p->kind = kind;
	p->key = wxf_model_strdup(m, key);
	p->begin_time_ms = p->invalid_time_ms = p->final_time_ms = WXF_TIME_UNKNOWN;
	p->witness_status = WXF_INT_UNKNOWN;
	p->aa_status = WXF_INT_UNKNOWN;
	p->prov = prov_own(m, prov);
	p->witness_prov = prov_or_empty(NULL);
	if (mgrow(m, (void **)&m->payments, &m->cap_payments, m->n_payments + 1,
	    sizeof(*m->payments)) < 0 || mput(m, &m->idx_pay, mk, p) < 0)
		return NULL;
	m->payments[m->n_payments++] = p;
	if (is_new != NULL)
		*is_new = 1;
	return p;
}

int
wxf_payment_add_event(wxf_model *m, wxf_payment *p, const wxf_pay_event *ev)
{
	wxf_pay_event *e;

	/* the same row read twice adds nothing */
	for (size_t i = 0; i < p->n_events; i++)
		if (ev->msg_id != NULL && p->events[i].msg_id != NULL &&
		    strcmp(ev->msg_id, p->events[i].msg_id) == 0 &&
		    p->events[i].paysubtype == ev->paysubtype && p->events[i].state == ev->state)
			return WXF_OK;
	if (wxf_arena_grow(m->arena, (void **)&p->events, &p->cap_events, p->n_events + 1, sizeof(*p->events)) < 0)
		return WXF_ENOMEM;
	e = &p->events[p->n_events];
	*e = *ev;
	e->msg_id = wxf_model_strdup(m, ev->msg_id);
	e->note = wxf_model_strdup(m, ev->note);
	e->prov = prov_own(m, &ev->prov);
	p->n_events++;
	return WXF_OK;
}

int
wxf_payment_add_claim(wxf_model *m, wxf_payment *p, const wxf_hb_claim *c)
{
	wxf_hb_claim *d;

	for (size_t i = 0; i < p->n_claims; i++)
		if (c->msg_id != NULL && p->claims[i].msg_id != NULL &&
		    strcmp(c->msg_id, p->claims[i].msg_id) == 0)
			return WXF_OK;
	if (wxf_arena_grow(m->arena, (void **)&p->claims, &p->cap_claims, p->n_claims + 1, sizeof(*p->claims)) < 0)
		return WXF_ENOMEM;
	d = &p->claims[p->n_claims];
	*d = *c;
	d->claimer = wxf_model_strdup(m, c->claimer);
	d->text = wxf_model_strdup(m, c->text);
	d->msg_id = wxf_model_strdup(m, c->msg_id);
	d->amount.text = wxf_model_strdup(m, c->amount.text);
	d->amount.currency = wxf_model_strdup(m, c->amount.currency);
	d->prov = prov_own(m, &c->prov);
	p->n_claims++;
	return WXF_OK;
}

int
wxf_payment_link_msg(wxf_model *m, wxf_payment *p, wxf_msg *msg)
{
	msg->payment = p;
	for (size_t i = 0; i < p->n_msgs; i++)
		if (strcmp(p->msg_ids[i], msg->id) == 0)
			return WXF_OK;
	if (wxf_arena_grow(m->arena, (void **)&p->msg_ids, &p->cap_msgs, p->n_msgs + 1, sizeof(*p->msg_ids)) < 0)
		return WXF_ENOMEM;
	p->msg_ids[p->n_msgs++] = msg->id;
	return WXF_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Anomalies */

int
wxf_model_anomaly(wxf_model *m, enum wxf_sev sev, const char *code, const char *msg_id,
    const char *payment_id, const wxf_prov *where, const char *fmt, ...)
{
	va_list ap;
	char buf[1024];
	wxf_anomaly *a;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (mgrow(m, (void **)&m->anomalies, &m->cap_anomalies, m->n_anomalies + 1,
	    sizeof(*m->anomalies)) < 0)
		return WXF_ENOMEM;
	a = &m->anomalies[m->n_anomalies];
	a->sev = sev;
	a->code = wxf_model_strdup(m, code != NULL ? code : "anomaly");
	a->message = wxf_model_strdup(m, buf);
	a->msg_id = wxf_model_strdup(m, msg_id);
	a->payment_id = wxf_model_strdup(m, payment_id);
	a->where = prov_own(m, where);
	if (a->code == NULL || a->message == NULL)
		return WXF_ENOMEM;
	m->n_anomalies++;
	return WXF_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Sort and finish */


static int
msg_cmp(const void *pa, const void *pb)
{
	const wxf_msg *a = *(const wxf_msg *const *)pa, *b = *(const wxf_msg *const *)pb;
	int c = wxf_time_cmp(a->time_ms, b->time_ms);

	return c != 0 ? c : strcmp(a->id, b->id);
}

void
wxf_model_sort(wxf_model *m)
{
	if (m->n_msgs > 1)
		wxf_table_sort(m->msgs, m->n_msgs, sizeof(*m->msgs), msg_cmp);
	m->sorted = 1;
}

static int
ev_cmp(const void *pa, const void *pb)
{
	const wxf_pay_event *a = pa, *b = pb;
	int c = wxf_time_cmp(a->time_ms, b->time_ms);

	if (c != 0)
		return c;
	/* same instant: an initiation sorts before its outcome */
	if ((a->state == WXF_PST_INITIATED) != (b->state == WXF_PST_INITIATED))
		return a->state == WXF_PST_INITIATED ? -1 : 1;
	if (a->msg_id != NULL && b->msg_id != NULL)
		return strcmp(a->msg_id, b->msg_id);
	return (a->msg_id == NULL) - (b->msg_id == NULL);
}

static int
terminal(wxf_pay_state s)
{
	return s == WXF_PST_ACCEPTED || s == WXF_PST_REFUNDED || s == WXF_PST_EXPIRED;
}

/* Final transfer state from ordered events: the latest terminal outcome; else delayed /
 * initiated; unknown when only unknown codes were seen. */
static void
transfer_final(wxf_payment *p)
{
	wxf_pay_state st = WXF_PST_UNKNOWN;
	int64_t t = WXF_TIME_UNKNOWN;
	int have_term = 0;

	for (size_t i = 0; i < p->n_events; i++) {
		const wxf_pay_event *e = &p->events[i];

		if (terminal(e->state)) {
			st = e->state;
			t = e->time_ms;
			have_term = 1;
		} else if (!have_term && e->state == WXF_PST_DELAYED) {
			st = e->state;
			t = e->time_ms;
		} else if (!have_term && e->state == WXF_PST_INITIATED && st != WXF_PST_DELAYED) {
			st = e->state;
			t = e->time_ms;
		}
	}
	p->final_state = st;
	p->final_time_ms = t;
}

/* Payments in a total order that does not depend on the order rows were read in (live rows, then
 * the carver's records, whose order depends on its partitioning): first time, then id. */
static int
pay_cmp(const void *pa, const void *pb)
{
	const wxf_payment *a = *(const wxf_payment *const *)pa, *b = *(const wxf_payment *const *)pb;
	int64_t ta = a->begin_time_ms != WXF_TIME_UNKNOWN || a->n_events == 0 ? a->begin_time_ms : a->events[0].time_ms;
	int64_t tb = b->begin_time_ms != WXF_TIME_UNKNOWN || b->n_events == 0 ? b->begin_time_ms : b->events[0].time_ms;
	int c = wxf_time_cmp(ta, tb);

	return c != 0 ? c : strcmp(a->id, b->id);
}

static int
finish_payment(wxf_model *m, wxf_payment *p)
{
	int rc = WXF_OK;

	if (p->n_events > 1)
		qsort(p->events, p->n_events, sizeof(*p->events), ev_cmp);
	switch (p->kind) {
	case WXF_PAY_TRANSFER:
		transfer_final(p);
		break;
	case WXF_PAY_RED_PACKET:
		p->final_state = p->n_claims > 0 ? WXF_PST_CLAIMED :
		    (p->n_events > 0 ? WXF_PST_SENT : WXF_PST_UNKNOWN);
		p->final_time_ms = p->n_claims > 0 ? p->claims[p->n_claims - 1].time_ms :
		    (p->n_events > 0 ? p->events[0].time_ms : WXF_TIME_UNKNOWN);
		break;
	case WXF_PAY_RECEIPT:
		p->final_state = WXF_PST_PAID;
		p->final_time_ms = p->n_events > 0 ? p->events[0].time_ms : WXF_TIME_UNKNOWN;
		break;
	default:
		p->final_state = p->n_events > 0 ? p->events[p->n_events - 1].state : WXF_PST_UNKNOWN;
		p->final_time_ms = p->n_events > 0 ? p->events[p->n_events - 1].time_ms :
		    WXF_TIME_UNKNOWN;
		break;
	}
	/* Second witness (RemittanceRecord.receiveStatus = latest paysubtype; -1 = never set). */
	if (p->kind == WXF_PAY_TRANSFER && p->witness_status != WXF_INT_UNKNOWN) {
		int was = p->witness_disagrees;

		p->witness_state = wxf_paysubtype_state(p->witness_status);
		p->witness_disagrees = p->witness_status != -1 &&
		    p->witness_state != p->final_state;
		if (p->witness_disagrees && !was)
			rc = wxf_model_anomaly(m, WXF_SEV_WARN, "witness-disagrees", NULL, p->id,
			    &p->witness_prov,
			    "transfer %s: messages say %s, RemittanceRecord.receiveStatus=%lld (%s)",
			    p->key, wxf_pay_state_name(p->final_state), (long long)p->witness_status,
			    wxf_pay_state_name(p->witness_state));
	}
	return rc;
}

static int
same_str(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* Moves every witness of `from` (and `from` itself, as a witness of `kind` holding `text`) to
 * `to`; returns the index of from's own witness, or -1 on allocation failure. */
static long
fold_into(wxf_model *m, wxf_msg *to, wxf_msg *from, wxf_wit_kind kind, const char *text)
{
	long w = wxf_msg_add_witness(m, to, kind, text, &from->prov);
	size_t i;

	if (w < 0)
		return -1;
	for (i = 0; i < from->n_witnesses; i++)
		if (wxf_msg_add_witness(m, to, from->witnesses[i].kind, from->witnesses[i].text,
		    &from->witnesses[i].prov) < 0)
			return -1;
	if (to->body == NULL && from->body != NULL && from->body_witness == 0) {
		to->body = from->body;
		to->body_witness = (size_t)w + 1;
	}
	return w;
}

/* The message a folded id ended in (a folded message may itself have been folded). */
static wxf_msg *
fold_target(wxf_strmap *folded, const char *id)
{
	wxf_msg *t = id != NULL ? wxf_strmap_get(folded, id) : NULL, *n;
	int k;

	for (k = 0; t != NULL && k < 16 && (n = wxf_strmap_get(folded, t->id)) != NULL && n != t; k++)
		t = n;
	return t;
}

/* A message id that was folded: references to it (payment events, claims) now name `to`. */
static void
remap_ids(wxf_model *m, wxf_strmap *folded)
{
	size_t i, k, j;

	for (i = 0; i < m->n_payments; i++) {
		wxf_payment *p = m->payments[i];

		for (k = 0; k < p->n_events; k++) {
			wxf_msg *t = fold_target(folded, p->events[k].msg_id);

			if (t != NULL)
				p->events[k].msg_id = t->id;
		}
		for (k = 0; k < p->n_claims; k++) {
			wxf_msg *t = fold_target(folded, p->claims[k].msg_id);

			if (t != NULL)
				p->claims[k].msg_id = t->id;
		}
		/* an event repeated by a folded copy (same row, same state) is the same event */
		for (k = 0; k < p->n_events; k++)
			for (j = k + 1; j < p->n_events; j++)
				if (same_path(p->events[k].msg_id, p->events[j].msg_id) &&
				    p->events[k].paysubtype == p->events[j].paysubtype &&
				    p->events[k].state == p->events[j].state) {
					memmove(&p->events[j], &p->events[j + 1],
					    (p->n_events - j - 1) * sizeof(*p->events));
					p->n_events--;
					j--;
				}
		for (k = 0, j = 0; k < p->n_msgs; k++) {
			wxf_msg *t = fold_target(folded, p->msg_ids[k]);
			const char *id = t != NULL ? t->id : p->msg_ids[k];
			size_t q;

			for (q = 0; q < j && strcmp(p->msg_ids[q], id) != 0; q++)
				;
			if (q == j)
				p->msg_ids[j++] = id;
		}
		p->n_msgs = j;
	}
	for (i = 0; i < m->n_anomalies; i++) {
		wxf_msg *t = fold_target(folded, m->anomalies[i].msg_id);

		if (t != NULL)
			m->anomalies[i].msg_id = t->id;
	}
	for (i = 0; i < m->n_msgs; i++) {
		wxf_msg *x = m->msgs[i], *t;

		if (x->x->recall_original_msg != NULL &&
		    (t = fold_target(folded, x->x->recall_original_msg)) != NULL)
			wxf_msg_xw(m, x)->recall_original_msg = t == x ? NULL : t->id;
		if (x->x->recall_target_msg != NULL && (t = fold_target(folded, x->x->recall_target_msg)) != NULL)
			wxf_msg_xw(m, x)->recall_target_msg = t->id;
	}
}

static int
textless(const wxf_msg *x)
{
	return (x->body == NULL || *x->body == '\0') && x->x->title == NULL && x->payment == NULL &&
	    x->n_media == 0 && !x->is_recall && x->x->recall_original == NULL;
}

/*
 * What repeats or proves another message becomes its witness, never a message of its own:
 *   - a recovered copy of an intact message (same server id, same conversation): a copy, or an
 *     older version when the carver found it superseded; the older version of a recall notice
 *     gives the notice its original text;
 *   - a repeated backup record (duplicate_of set by its reader): a copy;
 *   - the index entries of a deleted row (a FRAGMENT) whose record was recovered without its
 *     rowid (a clobbered cell): the record takes the rowid the entries name (same server id);
 * then the fragments that hold no text, media or payment leave the message list for
 * m->fragments, and a fragment given its text by a witness (the full-text index) is a
 * partially recovered message.  Returns 0, or -1 when out of memory.
 */
/* The table a message's row is in, "" when unknown. */
static const char *
table_of(const wxf_msg *x)
{
	return x->table != NULL ? x->table : "";
}

/* The first intact message of x's table with x's server id: live maps a server id to the
 * first intact message of any table; live_tab ("<table> LF <server id>") holds the first of
 * another table only, where there is one (AppMessage beside message): one key per message,
 * not two, and no key string made per message. */
static wxf_msg *
live_of(wxf_model *m, wxf_strmap *live, wxf_strmap *live_tab, const wxf_msg *x)
{
	wxf_msg *y = wxf_strmap_get(live, x->server_id);
	char key[256];
	const char *k = key;

	if (y == NULL || strcmp(table_of(y), table_of(x)) == 0)
		return y;
	if (live_tab->n == 0)
		return NULL;
	if ((size_t)wxf_fmt(key, sizeof(key), "%s\n%s", table_of(x), x->server_id) >= sizeof(key) &&
	    (k = wxf_model_printf(m, "%s\n%s", table_of(x), x->server_id)) == NULL)
		return NULL;
	return wxf_strmap_get(live_tab, k);
}

static int
fold_witnesses(wxf_model *m)
{
	wxf_strmap live = WXF_STRMAP_INIT, live_tab = WXF_STRMAP_INIT, rec = WXF_STRMAP_INIT;
	wxf_strmap folded = WXF_STRMAP_INIT;
	wxf_strmap by_text = WXF_STRMAP_INIT, text_dup = WXF_STRMAP_INIT;
	size_t i, j;
	int rc = -1;

	/* the decisions below take the first message of a key: first in the model's total order,
	 * never in the order the rows happened to be read in */
	wxf_model_sort(m);
	for (i = 0; i < m->n_msgs; i++) {
		wxf_msg *x = m->msgs[i];

		if (x->server_id == NULL)
			continue;
		/* intact messages by server id alone, and by (table, server id) (live_of) */
		if (x->prov.status == WXF_STATUS_INTACT && x->duplicate_of == NULL) {
			wxf_msg *y = wxf_strmap_get(&live, x->server_id);
			const char *k;

			if (y == NULL) {
				if (wxf_strmap_put(&live, x->server_id, x) < 0)
					goto out;
			} else if (strcmp(table_of(y), table_of(x)) != 0 &&
			    ((k = wxf_model_printf(m, "%s\n%s", table_of(x), x->server_id)) == NULL ||
			    (wxf_strmap_get(&live_tab, k) == NULL && wxf_strmap_put(&live_tab, k, x) < 0)))
				goto out;
		}
		if (wxf_prov_recovered(&x->prov) && wxf_strmap_get(&rec, x->server_id) == NULL &&
		    wxf_strmap_put(&rec, x->server_id, x) < 0)
			goto out;
	}
	/* recovered records that lost their rowid, by their text (a text met twice is ambiguous) */
	for (i = 0; i < m->n_msgs; i++) {
		wxf_msg *x = m->msgs[i];

		if (!wxf_prov_recovered(&x->prov) || x->local_id != WXF_INT_UNKNOWN ||
		    x->body == NULL || *x->body == '\0' || x->body_witness != 0)
			continue;
		if (wxf_strmap_get(&by_text, x->body) != NULL) {
			if (wxf_strmap_put(&text_dup, x->body, x) < 0)
				goto out;
		} else if (wxf_strmap_put(&by_text, x->body, x) < 0)
			goto out;
	}
	for (i = 0; i < m->n_msgs; i++) {
		wxf_msg *x = m->msgs[i], *to = NULL;
		wxf_wit_kind kind = WXF_WIT_COPY;
		long w;

		if (wxf_strmap_get(&folded, x->id) != NULL)
			continue;
		if (x->prov.status == WXF_STATUS_INTACT && x->duplicate_of != NULL) {
			to = wxf_strmap_get(&m->idx_msg, x->duplicate_of);
		} else if (x->prov.status != WXF_STATUS_INTACT && x->server_id != NULL &&
		    live_of(m, &live, &live_tab, x) == NULL &&
		    (to = wxf_strmap_get(&live, x->server_id)) != NULL &&
		    wxf_prov_recovered(&x->prov) && wxf_strmap_get(&folded, to->id) == NULL) {
			/* a deleted row whose only live copy is in another table (AppMessage keeps
			 * the XML of a deleted app message): the row is the message, the copy its
			 * witness */
			if (fold_into(m, x, to, WXF_WIT_COPY, NULL) < 0 || wxf_strmap_put(&folded, to->id, x) < 0)
				goto out;
			continue;
		} else if (x->prov.status != WXF_STATUS_INTACT && x->server_id != NULL &&
		    (to = live_of(m, &live, &live_tab, x)) != NULL && to != x) {
			if (to->is_recall && !x->is_recall && x->body != NULL) {
				if ((w = fold_into(m, to, x, WXF_WIT_OLDER, x->body)) < 0)
					goto out;
				if (to->x->recall_original == NULL || to->x->recall_witness == 0) {
					wxf_msg_xw(m, to)->recall_original = x->body;
					wxf_msg_xw(m, to)->recall_witness = (size_t)w + 1;
					wxf_msg_xw(m, to)->recall_original_msg = NULL;
				}
				if (wxf_strmap_put(&folded, x->id, to) < 0)
					goto out;
				continue;
			}
			if (x->is_recall || !same_str(to->talker, x->talker)) {
				x->duplicate_of = to->id; /* another conversation: kept, marked */
				continue;
			}
			kind = x->prov.status == WXF_STATUS_SUPERSEDED ? WXF_WIT_OLDER : WXF_WIT_COPY;
		} else if (x->prov.status == WXF_STATUS_FRAGMENT &&
		    (((x->server_id != NULL && (to = wxf_strmap_get(&rec, x->server_id)) != NULL)) ||
		    /* no server id among the entries: the text a witness gave the entries is the
		     * text of exactly one recovered record that lost its rowid */
		    (x->body_witness != 0 && x->body != NULL && wxf_strmap_get(&text_dup, x->body) == NULL &&
		    (to = wxf_strmap_get(&by_text, x->body)) != NULL)) &&
		    to != x && (x->talker == NULL || to->talker == NULL || same_str(x->talker, to->talker))) {
			kind = WXF_WIT_INDEX;
			if (to->local_id == WXF_INT_UNKNOWN)
				to->local_id = x->local_id;
			if (to->prov.rowid == INT64_MIN)
				to->prov.rowid = x->prov.rowid;
		} else
			continue;
		if (to == NULL || to == x)
			continue;
		if (fold_into(m, to, x, kind, NULL) < 0 || wxf_strmap_put(&folded, x->id, to) < 0)
			goto out;
	}
	/* the folded messages leave the list; textless fragments go to m->fragments */
	for (i = 0, j = 0; i < m->n_msgs; i++) {
		wxf_msg *x = m->msgs[i];

		if (wxf_strmap_get(&folded, x->id) != NULL)
			continue;
		if (x->prov.status == WXF_STATUS_FRAGMENT && textless(x)) {
			if (mgrow(m, (void **)&m->fragments, &m->cap_fragments, m->n_fragments + 1,
			    sizeof(*m->fragments)) < 0)
				goto out;
			m->fragments[m->n_fragments++] = x;
			continue;
		}
		if (x->prov.status == WXF_STATUS_FRAGMENT && x->body_witness != 0 &&
		    x->body_witness <= x->n_witnesses) {
			/* the row is gone but for an index entry; its text survives in the witness
			 * (the full-text index): those bytes are the message's own, and the index
			 * entry that proves the row existed becomes their witness */
			wxf_witness *w = &x->witnesses[x->body_witness - 1];
			wxf_prov idx = x->prov;

			x->prov = w->prov;
			x->prov.status = WXF_STATUS_PARTIALLY_RECOVERED;
			w->kind = WXF_WIT_INDEX;
			w->text = NULL;
			w->prov = idx;
			x->body_witness = 0;
		}
		m->msgs[j++] = x;
	}
	m->n_msgs = j; /* removing keeps the order */
	remap_ids(m, &folded);
	rc = 0;
out:
	wxf_strmap_free(&live);
	wxf_strmap_free(&live_tab);
	wxf_strmap_free(&rec);
	wxf_strmap_free(&folded);
	wxf_strmap_free(&by_text);
	wxf_strmap_free(&text_dup);
	return rc;
}

int
wxf_model_finish(wxf_model *m, wxf_err *err)
{
	wxf_strmap live_svr = WXF_STRMAP_INIT;
	size_t *counts = NULL;

	if (wxf_model_failed(m))
		return wxf_err_set(err, WXF_ENOMEM, "model: out of memory while reading (a value "
		    "could not be stored)");
	if (fold_witnesses(m) < 0)
		goto oom;
	wxf_model_sort(m);

	/* owner-sent messages whose sender was unknown when read */
	if (m->owner != NULL)
		for (size_t i = 0; i < m->n_msgs; i++)
			if (m->msgs[i]->sender == NULL && m->msgs[i]->sender_src == WXF_SENDER_OWNER)
				m->msgs[i]->sender = m->owner->username;

	/* conversations */
	for (size_t i = 0; i < m->n_msgs; i++) {
		wxf_msg *msg = m->msgs[i];

		if (msg->talker == NULL)
			continue;
		msg->conv = wxf_model_conv(m, msg->talker, &msg->prov);
		if (msg->conv == NULL)
			goto oom;
	}
	counts = calloc(m->n_convs + 1, sizeof(*counts));
	if (counts == NULL)
		goto oom;
	for (size_t c = 0; c < m->n_convs; c++) {
		m->convs[c]->n_msgs = 0;
		m->convs[c]->n_recovered = 0;
	}
	for (size_t i = 0; i < m->n_msgs; i++)
		if (m->msgs[i]->conv != NULL)
			m->msgs[i]->conv->n_msgs++;
	for (size_t c = 0; c < m->n_convs; c++) {
		wxf_conv *cv = m->convs[c];
		size_t n = cv->n_msgs;

		cv->msgs = n ? wxf_arena_alloc(m->arena, n * sizeof(*cv->msgs)) : NULL;
		if (n && cv->msgs == NULL)
			goto oom;
		cv->n_msgs = 0;
		cv->first_time_ms = cv->last_msg_time_ms = WXF_TIME_UNKNOWN;
	}
	for (size_t i = 0; i < m->n_msgs; i++) {
		wxf_msg *msg = m->msgs[i];
		wxf_conv *cv = msg->conv;

		if (cv == NULL)
			continue;
		cv->msgs[cv->n_msgs++] = msg;
		if (wxf_prov_recovered(&msg->prov))
			cv->n_recovered++;
		if (msg->time_ms != WXF_TIME_UNKNOWN) {
			if (cv->first_time_ms == WXF_TIME_UNKNOWN)
				cv->first_time_ms = msg->time_ms;
			cv->last_msg_time_ms = msg->time_ms;
		}
	}

	/* intact messages by server id: revoke commands (10002) name the recalled row by it */
	for (size_t i = 0; i < m->n_msgs; i++) {
		wxf_msg *msg = m->msgs[i];

		if (msg->prov.status == WXF_STATUS_INTACT && msg->server_id != NULL &&
		    wxf_strmap_get(&live_svr, msg->server_id) == NULL &&
		    wxf_strmap_put(&live_svr, msg->server_id, msg) < 0)
			goto oom;
	}
	/* revoke commands (10002) name the recalled row by its server id */
	for (size_t i = 0; i < m->n_msgs; i++) {
		wxf_msg *msg = m->msgs[i], *tgt;

		if (msg->kind != WXF_MK_REVOKE || msg->x->recall_target_svrid == NULL)
			continue;
		tgt = wxf_strmap_get(&live_svr, msg->x->recall_target_svrid);
		if (tgt == NULL || tgt == msg)
			continue;
		wxf_msg_xw(m, msg)->recall_target_msg = tgt->id;
		if (tgt->is_recall) {
			if (msg->x->recall_original == NULL && tgt->x->recall_original != NULL) {
				/* the recalled row (and its witness) holds the original */
				wxf_msg_xw(m, msg)->recall_original = tgt->x->recall_original;
				wxf_msg_xw(m, msg)->recall_original_msg = tgt->x->recall_original_msg != NULL ?
				    tgt->x->recall_original_msg : tgt->id;
			}
		} else if (tgt->body != NULL && msg->x->recall_original == NULL) {
			/* the client did not overwrite the row (flag 0x4): the original is still live */
			wxf_msg_xw(m, msg)->recall_original = tgt->body;
			wxf_msg_xw(m, msg)->recall_original_msg = tgt->id;
		}
	}

	for (size_t i = 0; i < m->n_payments; i++)
		if (finish_payment(m, m->payments[i]) != WXF_OK)
			goto oom;
	if (m->n_payments > 1)
		qsort(m->payments, m->n_payments, sizeof(*m->payments), pay_cmp);
	if (wxf_model_failed(m))
		goto oom;
	wxf_strmap_free(&live_svr);
	free(counts);
	return WXF_OK;
oom:
	wxf_strmap_free(&live_svr);
	free(counts);
	return wxf_err_set(err, WXF_ENOMEM, "model: out of memory while finishing");
}

/* ------------------------------------------------------------------------------------------ */
/* Amounts */

static int
skip_prefix(const char **s, const char *pre)
{
	size_t n = strlen(pre);

	if (strncmp(*s, pre, n) == 0) {
		*s += n;
		return 1;
	}
	return 0;
}

static void
skip_space(const char **s)
{
	for (;;) {
		if (**s == ' ' || **s == '\t' || **s == '\r' || **s == '\n')
			(*s)++;
		else if (skip_prefix(s, "\xc2\xa0") || skip_prefix(s, "\xe3\x80\x80"))
			;
		else
			return;
	}
}

int
wxf_amount_parse(const char *s, int64_t *fen)
{
	int64_t yuan = 0, cents = 0;
	int ndig = 0, group = -1, ndec = 0;

	if (s == NULL)
		return 0;
	skip_space(&s);
	/* currency sign: ￥ (U+FFE5), ¥ (U+00A5), RMB, CNY */
	if (skip_prefix(&s, "\xef\xbf\xa5") || skip_prefix(&s, "\xc2\xa5") ||
	    skip_prefix(&s, "RMB") || skip_prefix(&s, "CNY"))
		skip_space(&s);
	if (*s < '0' || *s > '9')
		return 0;
	for (; (*s >= '0' && *s <= '9') || *s == ','; s++) {
		if (*s == ',') {
			/* thousands separator: must follow 1-3 digits, then groups of exactly 3 */
			if (ndig == 0 || (group == -1 && ndig > 3) || (group != -1 && group != 3))
				return 0;
			group = 0;
			continue;
		}
		if (yuan > (INT64_MAX / 100 - 9) / 10)
			return 0;
		yuan = yuan * 10 + (*s - '0');
		ndig++;
		if (group != -1)
			group++;
	}
	if (group != -1 && group != 3)
		return 0;
	if (*s == '.') {
		s++;
		while (*s >= '0' && *s <= '9') {
			if (ndec == 2)
				return 0; /* more than two decimals: not a CNY amount */
			cents = cents * 10 + (*s - '0');
			ndec++;
			s++;
		}
		if (ndec == 0)
			return 0;
		if (ndec == 1)
			cents *= 10;
	}
	skip_space(&s);
	if (skip_prefix(&s, "\xe5\x85\x83")) /* 元 */
		skip_space(&s);
	if (*s != '\0')
		return 0;
	*fen = yuan * 100 + cents;
	return 1;
}

void
wxf_amount_set(wxf_model *m, wxf_amount *a, const char *text)
{
	int64_t v;

	a->text = wxf_model_strdup(m, text);
	a->known = wxf_amount_parse(text, &v);
	a->fen = a->known ? v : 0;
	if (a->currency == NULL)
		a->currency = "CNY";
}
