/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The schema: rows of sqlite_master (page 1's b-tree) and the column lists parsed from their
 * CREATE TABLE / CREATE INDEX text.
 *
 * sqlite_master row:  type TEXT, name TEXT, tbl_name TEXT, rootpage INTEGER, sql TEXT
 *
 * The CREATE parser is a small tokenizer (identifiers, the four quote styles '' "" `` [],
 * comments, punctuation) plus the column-definition grammar of lang_createtable.html:
 *   column-def := name [type-name] {column-constraint}
 *   INTEGER PRIMARY KEY (not DESC) on a rowid table is the rowid alias; so is a single-column
 *   table-level PRIMARY KEY(x) whose declared type is exactly INTEGER.
 * It never fails on odd SQL: what it cannot parse leaves n_cols = 0 (columns unknown).
 */
#include "config.h"
#include "sqlite_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct tok {
	const char *s;   /* dequoted text (arena) */
	int quoted;
	char punct;      /* '(' ')' ',' '.' ';' or 0 for words */
} tok;

typedef struct toks {
	tok *v;
	int n, cap;
} toks;

static int
tok_push(toks *t, const char *s, int quoted, char punct)
{
	if (t->n == t->cap) {
		int nc = t->cap ? t->cap * 2 : 64;
		tok *nv;

		if (nc > 100000)
			return -1;
		nv = realloc(t->v, (size_t)nc * sizeof(*nv));
		if (nv == NULL)
			return -1;
		t->v = nv;
		t->cap = nc;
	}
	t->v[t->n].s = s;
	t->v[t->n].quoted = quoted;
	t->v[t->n].punct = punct;
	t->n++;
	return 0;
}

static int
tokenize(wxf_arena *a, const char *sql, toks *t)
{
	const char *p = sql;

	while (*p) {
		unsigned char ch = (unsigned char)*p;

		if (isspace(ch)) {
			p++;
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			p += 2;
			while (*p && !(p[0] == '*' && p[1] == '/'))
				p++;
			if (*p)
				p += 2;
		} else if (ch == '\'' || ch == '"' || ch == '`' || ch == '[') {
			char close = ch == '[' ? ']' : (char)ch, *buf, *o;
			const char *q = p + 1;
			size_t n = 0;

			while (*q && !(*q == close && !(close != ']' && q[1] == close)))
				q += (*q == close) ? 2 : 1, n++;
			buf = wxf_arena_alloc(a, (size_t)(q - p) + 1);
			if (buf == NULL)
				return -1;
			o = buf;
			for (q = p + 1; *q && !(*q == close && !(close != ']' && q[1] == close)); q++) {
				*o++ = *q;
				if (*q == close)
					q++;
			}
			*o = '\0';
			if (tok_push(t, buf, 1, 0) < 0)
				return -1;
			p = *q ? q + 1 : q;
		} else if (isalnum(ch) || ch == '_' || ch == '$' || ch >= 0x80) {
			const char *q = p;

			while (*q && (isalnum((unsigned char)*q) || *q == '_' || *q == '$' ||
			    (unsigned char)*q >= 0x80))
				q++;
			if (tok_push(t, wxf_arena_strndup(a, p, (size_t)(q - p)), 0, 0) < 0)
				return -1;
			if (t->v[t->n - 1].s == NULL)
				return -1;
			p = q;
		} else {
			char s[2] = { (char)ch, 0 };

			if (tok_push(t, wxf_arena_strndup(a, s, 1), 0,
			    strchr("(),.;", ch) ? (char)ch : 0) < 0)
				return -1;
			p++;
		}
	}
	return 0;
}

static int
kw(const tok *t, const char *w)
{
	return t->punct == 0 && !t->quoted && strcasecmp(t->s, w) == 0;
}

static int
is_constraint_kw(const tok *t)
{
	static const char *const k[] = { "CONSTRAINT", "PRIMARY", "NOT", "NULL", "UNIQUE", "CHECK",
	    "DEFAULT", "COLLATE", "REFERENCES", "GENERATED", "AS", NULL };
	int i;

	for (i = 0; k[i]; i++)
		if (kw(t, k[i]))
			return 1;
	return 0;
}

/* Index of the token closing the '(' at i, or n. */
static int
skip_parens(const toks *t, int i)
{
	int depth = 0;

	for (; i < t->n; i++) {
		if (t->v[i].punct == '(')
			depth++;
		else if (t->v[i].punct == ')' && --depth == 0)
			return i;
	}
	return t->n;
}

#define MAXCOLS 2000

static int
parse_table(wxf_arena *a, wxf_sqlite_obj *o, const toks *t, int i)
{
	const char *names[MAXCOLS], *types[MAXCOLS], *pk_names[64];
	unsigned char nn[MAXCOLS], ispk[MAXCOLS], pkdesc[MAXCOLS];
	int n = 0, n_pkn = 0, end, j, k, close;

	if (i >= t->n || t->v[i].punct != '(')
		return 0; /* CREATE TABLE ... AS SELECT: columns unknown */
	close = skip_parens(t, i);
	for (j = close + 1; j + 1 < t->n; j++)
		if (kw(&t->v[j], "WITHOUT") && kw(&t->v[j + 1], "ROWID"))
			o->without_rowid = 1;
	i++;
	while (i < close && n < MAXCOLS) {
		/* one definition: up to the next top-level ',' */
		for (end = i; end < close && t->v[end].punct != ','; end++)
			if (t->v[end].punct == '(')
				end = skip_parens(t, end);
		if (end > close)
			end = close;
		if (end == i) {
			i++;
			continue;
		}
		if (kw(&t->v[i], "CONSTRAINT") || kw(&t->v[i], "PRIMARY") || kw(&t->v[i], "UNIQUE") ||
		    kw(&t->v[i], "CHECK") || kw(&t->v[i], "FOREIGN")) {
			for (j = i; j < end; j++)
				if (kw(&t->v[j], "PRIMARY") && j + 2 < end && kw(&t->v[j + 1], "KEY") &&
				    t->v[j + 2].punct == '(') {
					int c2 = skip_parens(t, j + 2), start = 1;

					for (k = j + 3; k < c2 && k < end; k++) {
						if (t->v[k].punct == ',')
							start = 1;
						else if (start && t->v[k].punct == 0 && n_pkn < 64) {
							pk_names[n_pkn++] = t->v[k].s;
							start = 0;
						} else
							start = 0;
					}
				}
		} else {
			char tb[512];
			size_t tl = 0;

			names[n] = t->v[i].s;
			nn[n] = ispk[n] = pkdesc[n] = 0;
			tb[0] = '\0';
			for (j = i + 1; j < end && !is_constraint_kw(&t->v[j]); j++) {
				size_t l = strlen(t->v[j].s);
				int glue = t->v[j].punct || (j > i + 1 && t->v[j - 1].punct);

				if (tl + l + 2 >= sizeof(tb))
					break;
				if (tl > 0 && !glue)
					tb[tl++] = ' ';
				memcpy(tb + tl, t->v[j].s, l);
				tl += l;
				tb[tl] = '\0';
			}
			types[n] = wxf_arena_strndup(a, tb, tl);
			if (types[n] == NULL)
				return -1;
			for (; j < end; j++) {
				if (kw(&t->v[j], "NOT") && j + 1 < end && kw(&t->v[j + 1], "NULL"))
					nn[n] = 1;
				if (kw(&t->v[j], "PRIMARY") && j + 1 < end && kw(&t->v[j + 1], "KEY")) {
					ispk[n] = 1;
					if (j + 2 < end && kw(&t->v[j + 2], "DESC"))
						pkdesc[n] = 1;
				}
			}
			n++;
		}
		i = end + 1;
	}
	o->n_cols = n;
	o->col_names = wxf_arena_alloc(a, sizeof(char *) * (size_t)(n + 1));
	o->col_types = wxf_arena_alloc(a, sizeof(char *) * (size_t)(n + 1));
	{
		unsigned char *nnv = wxf_arena_alloc(a, (size_t)n + 1);
		int *pk = wxf_arena_alloc(a, sizeof(int) * (size_t)(n + 1));

		if (o->col_names == NULL || o->col_types == NULL || nnv == NULL || pk == NULL)
			return -1;
		memcpy((void *)o->col_names, names, sizeof(char *) * (size_t)n);
		memcpy((void *)o->col_types, types, sizeof(char *) * (size_t)n);
		memcpy(nnv, nn, (size_t)n);
		o->col_notnull = nnv;
		o->n_pk = 0;
		for (j = 0; j < n; j++)
			if (ispk[j])
				pk[o->n_pk++] = j;
		if (o->n_pk == 0)
			for (k = 0; k < n_pkn; k++)
				for (j = 0; j < n; j++)
					if (strcasecmp(names[j], pk_names[k]) == 0) {
						pk[o->n_pk++] = j;
						break;
					}
		o->pk_cols = pk;
		o->ipk_col = -1;
		if (!o->without_rowid && o->n_pk == 1 && strcasecmp(types[pk[0]], "INTEGER") == 0 &&
		    !(ispk[pk[0]] && pkdesc[pk[0]]))
			o->ipk_col = pk[0];
		if (o->without_rowid)
			for (k = 0; k < o->n_pk; k++)
				nnv[pk[k]] = 1;
	}
	return 0;
}

static int
parse_index(wxf_arena *a, wxf_sqlite_obj *o, const toks *t, int i)
{
	const char *names[MAXCOLS];
	int n = 0, close, start = 1;

	for (; i < t->n && t->v[i].punct != '('; i++)
		;
	if (i >= t->n)
		return 0;
	close = skip_parens(t, i);
	for (i++; i < close && n < MAXCOLS; i++) {
		if (t->v[i].punct == ',') {
			start = 1;
			continue;
		}
		if (start) {
			names[n++] = t->v[i].s;
			start = 0;
		}
		if (t->v[i].punct == '(')
			i = skip_parens(t, i);
	}
	o->n_cols = n;
	o->col_names = wxf_arena_alloc(a, sizeof(char *) * (size_t)(n + 1));
	o->col_types = wxf_arena_alloc(a, sizeof(char *) * (size_t)(n + 1));
	if (o->col_names == NULL || o->col_types == NULL)
		return -1;
	memcpy((void *)o->col_names, names, sizeof(char *) * (size_t)n);
	for (i = 0; i < n; i++)
		((const char **)o->col_types)[i] = "";
	return 0;
}

int
wxf_sqlite_parse_create(wxf_arena *a, wxf_sqlite_obj *o)
{
	toks t = { NULL, 0, 0 };
	int i = 0, rc = 0;

	o->ipk_col = -1;
	o->index_of = -1;
	if (o->sql == NULL)
		return 0;
	if (tokenize(a, o->sql, &t) < 0) {
		free(t.v);
		return -1;
	}
	if (t.n > 0 && kw(&t.v[0], "CREATE"))
		i = 1;
	while (i < t.n && (kw(&t.v[i], "TEMP") || kw(&t.v[i], "TEMPORARY") || kw(&t.v[i], "UNIQUE")))
		i++;
	if (i < t.n && kw(&t.v[i], "VIRTUAL")) {
		o->is_virtual = 1;
		free(t.v);
		return 0;
	}
	if (i < t.n && (kw(&t.v[i], "TABLE") || kw(&t.v[i], "INDEX"))) {
		int is_table = kw(&t.v[i], "TABLE");

		i++;
		if (i + 2 < t.n && kw(&t.v[i], "IF") && kw(&t.v[i + 1], "NOT") && kw(&t.v[i + 2], "EXISTS"))
			i += 3;
		i++; /* name */
		if (i + 1 < t.n && t.v[i].punct == '.')
			i += 2;
		rc = is_table ? parse_table(a, o, &t, i) : parse_index(a, o, &t, i);
	}
	free(t.v);
	return rc;
}

int
wxf_sqlite_obj_parse(wxf_arena *a, wxf_sqlite_obj *o)
{
	o->n_cols = 0;
	o->ipk_col = -1;
	o->index_of = -1;
	return wxf_sqlite_parse_create(a, o) < 0 ? WXF_ENOMEM : WXF_OK;
}

/* ---- loading sqlite_master ---- */

typedef struct load_ctx {
	wxf_sqlite_db *db;
	wxf_sqlite_obj *v;
	size_t n, cap;
	int oom;
} load_ctx;

static const char *
val_str(wxf_arena *a, const wxf_sqlval *v)
{
	if (v->type != WXF_SQL_TEXT && v->type != WXF_SQL_BLOB)
		return NULL;
	return wxf_arena_strndup(a, (const char *)v->p, v->n);
}

static int
load_row(void *arg, const wxf_sqlrow *row)
{
	load_ctx *lc = arg;
	wxf_arena *a = lc->db->arena;
	wxf_sqlite_obj *o;
	const char *s;

	if (row->n_vals < 5)
		return 0;
	if (lc->n == lc->cap) {
		size_t nc = lc->cap ? lc->cap * 2 : 32;
		wxf_sqlite_obj *nv = realloc(lc->v, nc * sizeof(*nv));

		if (nv == NULL) {
			lc->oom = 1;
			return 1;
		}
		lc->v = nv;
		lc->cap = nc;
	}
	o = &lc->v[lc->n];
	memset(o, 0, sizeof(*o));
	o->type = (s = val_str(a, &row->vals[0])) ? s : "";
	o->name = (s = val_str(a, &row->vals[1])) ? s : "";
	o->tbl_name = (s = val_str(a, &row->vals[2])) ? s : "";
	{
		int64_t r = wxf_sqlval_int(&row->vals[3], 0);

		o->rootpage = r > 0 && r <= UINT32_MAX ? (uint32_t)r : 0;
	}
	o->sql = val_str(a, &row->vals[4]);
	o->ipk_col = -1;
	o->index_of = -1;
	o->col_names = (const char **)"";
	o->n_cols = 0;
	if (wxf_sqlite_parse_create(a, o) < 0) {
		lc->oom = 1;
		return 1;
	}
	if (o->n_cols == 0) {
		o->col_names = NULL;
		o->col_types = NULL;
	}
	lc->n++;
	return 0;
}

static const char *const master_names[] = { "type", "name", "tbl_name", "rootpage", "sql" };
static const char *const master_types[] = { "text", "text", "text", "int", "text" };

int
wxf_sqlite_schema_load(wxf_sqlite_db *db, wxf_err *err)
{
	load_ctx lc;
	size_t i, j;
	int rc;

	memset(&db->master, 0, sizeof(db->master));
	db->master.type = "table";
	db->master.name = "sqlite_master";
	db->master.tbl_name = "sqlite_master";
	db->master.rootpage = 1;
	db->master.n_cols = 5;
	db->master.col_names = (const char **)master_names;
	db->master.col_types = (const char **)master_types;
	db->master.col_notnull = (const unsigned char *)"\0\0\0\0\0";
	db->master.ipk_col = -1;
	db->master.index_of = -1;
	memset(&lc, 0, sizeof(lc));
	lc.db = db;
	rc = wxf_sqlite_scan(db, &db->master, load_row, &lc, err);
	/* a name or statement the arena could not hold would read as "" */
	if (lc.oom || rc == WXF_ENOMEM || wxf_arena_failed(db->arena)) {
		free(lc.v);
		return wxf_err_set(err, WXF_ENOMEM, "out of memory loading the schema");
	}
	db->objs = NULL;
	db->n_objs = 0;
	if (lc.n > 0) {
		db->objs = wxf_arena_alloc(db->arena, lc.n * sizeof(*db->objs));
		if (db->objs == NULL) {
			free(lc.v);
			return wxf_err_set(err, WXF_ENOMEM, "out of memory loading the schema");
		}
		memcpy(db->objs, lc.v, lc.n * sizeof(*db->objs));
		db->n_objs = lc.n;
	}
	free(lc.v);
	for (i = 0; i < db->n_objs; i++) {
		if (strcasecmp(db->objs[i].type, "index") != 0)
			continue;
		for (j = 0; j < db->n_objs; j++)
			if (strcasecmp(db->objs[j].type, "table") == 0 &&
			    strcasecmp(db->objs[j].name, db->objs[i].tbl_name) == 0)
				db->objs[i].index_of = (int)j;
	}
	return rc < 0 ? rc : WXF_OK;
}

size_t wxf_sqlite_n_objs(const wxf_sqlite_db *db) { return db->n_objs; }

const wxf_sqlite_obj *
wxf_sqlite_obj_at(const wxf_sqlite_db *db, size_t i)
{
	return i < db->n_objs ? &db->objs[i] : NULL;
}

const wxf_sqlite_obj *
wxf_sqlite_master(const wxf_sqlite_db *db)
{
	return &db->master;
}

const wxf_sqlite_obj *
wxf_sqlite_table(const wxf_sqlite_db *db, const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < db->n_objs; i++)
		if (strcasecmp(db->objs[i].type, "table") == 0 && strcasecmp(db->objs[i].name, name) == 0)
			return &db->objs[i];
	if (strcasecmp(name, "sqlite_master") == 0 || strcasecmp(name, "sqlite_schema") == 0)
		return &db->master;
	return NULL;
}

int
wxf_sqlite_col(const wxf_sqlite_obj *t, const char *name)
{
	int i;

	if (t == NULL || name == NULL || t->col_names == NULL)
		return -1;
	for (i = 0; i < t->n_cols; i++)
		if (t->col_names[i] != NULL && strcasecmp(t->col_names[i], name) == 0)
			return i;
	return -1;
}
