/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wxforensic carve DB [--wal F] [--journal F] [--format jsonl|csv] [--table T] [--all]
 * Deleted-record recovery on a plaintext SQLite image (or a decrypted physical image) and its
 * -wal / -journal images.  One record per line on stdout; a summary on stderr.
 */
#include "config.h"
#include "cmd.h"
#include "base/wxf_buf.h"
#include "base/wxf_file.h"
#include "base/wxf_mem.h"
#include "carve/carve.h"

#include <inttypes.h>
#include <pthread.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct carve_opts {
	char *wal, *journal, *table, *sources;
	int csv, all, min_conf, jobs;
};

enum { OPT_WAL = 0x2100, OPT_JOURNAL, OPT_FORMAT, OPT_TABLE, OPT_ALL, OPT_MINCONF, OPT_SOURCES, OPT_JOBS };

static const struct option carve_long[] = {
	{ "wal", required_argument, NULL, OPT_WAL },
	{ "journal", required_argument, NULL, OPT_JOURNAL },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "table", required_argument, NULL, OPT_TABLE },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "min-confidence", required_argument, NULL, OPT_MINCONF },
	{ "sources", required_argument, NULL, OPT_SOURCES },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ NULL, 0, NULL, 0 }
};

static int
carve_opt(void *state, int c, const char *arg, wxf_err *err)
{
	struct carve_opts *o = state;
	long long v;

	switch (c) {
	case 0:
		free(o->wal);
		free(o->journal);
		free(o->table);
		free(o->sources);
		return WXF_OK;
	case OPT_WAL:
		free(o->wal);
		o->wal = wxf_xstrdup(arg);
		return WXF_OK;
	case OPT_JOURNAL:
		free(o->journal);
		o->journal = wxf_xstrdup(arg);
		return WXF_OK;
	case OPT_TABLE:
		free(o->table);
		o->table = wxf_xstrdup(arg);
		return WXF_OK;
	case OPT_SOURCES:
		free(o->sources);
		o->sources = wxf_xstrdup(arg);
		return WXF_OK;
	case OPT_ALL:
		o->all = 1;
		return WXF_OK;
	case OPT_FORMAT:
		if (strcmp(arg, "jsonl") == 0)
			o->csv = 0;
		else if (strcmp(arg, "csv") == 0)
			o->csv = 1;
		else
			return wxf_err_set(err, WXF_EUSAGE, "--format must be jsonl or csv, not '%s'", arg);
		return WXF_OK;
	case OPT_MINCONF:
		if (wxf_cmd_num(arg, 0, 100, &v, "--min-confidence", err) != WXF_OK)
			return WXF_EUSAGE;
		o->min_conf = (int)v;
		return WXF_OK;
	case OPT_JOBS:
		if (wxf_cmd_num(arg, 1, 16, &v, "--jobs", err) != WXF_OK)
			return WXF_EUSAGE;
		o->jobs = (int)v;
		return WXF_OK;
	}
	return wxf_err_set(err, WXF_EUSAGE, "unknown option");
}

static int
parse_sources(const char *s, unsigned *mask, wxf_err *err)
{
	static const struct { const char *n; unsigned m; } t[] = {
		{ "freeblock", WXF_CARVE_FREEBLOCK }, { "unallocated", WXF_CARVE_UNALLOC },
		{ "freelist", WXF_CARVE_FREELIST }, { "wal", WXF_CARVE_WAL }, { "journal", WXF_CARVE_JOURNAL },
		{ "index", WXF_CARVE_INDEX }, { "schema", WXF_CARVE_SCHEMA }, { "live", WXF_CARVE_LIVE },
	};
	char *dup = wxf_xstrdup(s), *tok, *save = NULL;
	size_t i;

	*mask = 0;
	for (tok = strtok_r(dup, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
			if (strcmp(tok, t[i].n) == 0)
				break;
		if (i == sizeof(t) / sizeof(t[0])) {
			free(dup);
			return wxf_err_set(err, WXF_EUSAGE, "unknown source '%s'", tok);
		}
		*mask |= t[i].m;
	}
	free(dup);
	return WXF_OK;
}

/* ---- output: the JSON writer is on the hot path of a full carve (one line per record) ---- */

/* Appends the decimal form of v (no printf). */
static void
put_i64(wxf_buf *b, int64_t v)
{
	char t[24];
	size_t i = sizeof(t);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do {
		t[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		t[--i] = '-';
	wxf_buf_add(b, t + i, sizeof(t) - i);
}

static void
put_val(wxf_buf *b, const wxf_sqlval *v, int known)
{
	char tmp[64];

	if (!known) {
		wxf_buf_puts(b, "null");
		return;
	}
	switch (v->type) {
	case WXF_SQL_NULL:
		wxf_buf_puts(b, "null");
		break;
	case WXF_SQL_INT:
		put_i64(b, v->i);
		break;
	case WXF_SQL_FLOAT:
		if (!isfinite(v->f)) {
			wxf_buf_puts(b, "null");
			break;
		}
		snprintf(tmp, sizeof(tmp), "%.17g", v->f);
		wxf_buf_puts(b, tmp);
		break;
	case WXF_SQL_TEXT:
		wxf_buf_json_str(b, (const char *)v->p, v->n);
		break;
	case WXF_SQL_BLOB: {
		static const char hex[] = "0123456789abcdef";
		size_t i;

		wxf_buf_puts(b, "{\"blob\":\"");
		for (i = 0; i < v->n; i++) {
			char h2[2] = { hex[v->p[i] >> 4], hex[v->p[i] & 15] };

			wxf_buf_add(b, h2, 2);
		}
		wxf_buf_puts(b, "\"}");
		break;
	}
	}
}

/* Escaped JSON pieces cached per table and per file name (records come grouped by table). */
struct jcache {
	const wxf_sqlite_obj *t;    /* table the column keys belong to */
	int n;
	wxf_buf keys;               /* "col":  for every column, back to back */
	size_t *off;                /* n + 1 offsets into keys */
	wxf_buf lost;               /* "col" (for the lost list) */
	size_t *loff;
	wxf_buf tname;              /* {"table":"T" */
	const char *file;
	wxf_buf fname;              /* "file" */
};

/* A writer thread: full buffers are written to stdout while the next one is filled. */
struct out_writer {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	wxf_buf full;               /* handed over, being written */
	int has_full, done, err, on;
};

struct out_ctx {
	struct carve_opts *o;
	wxf_buf line;
	uint64_t n;
	struct jcache jc;
	struct out_writer w;
};

/* "name": column name, or c<i> */
static void
put_name(wxf_buf *b, const wxf_sqlite_obj *t, int i)
{
	const char *name = t && t->col_names && i < t->n_cols ? t->col_names[i] : NULL;

	if (name == NULL) {
		wxf_buf_puts(b, "\"c");
		put_i64(b, i);
		wxf_buf_putc(b, '"');
	} else
		wxf_buf_json_str(b, name, strlen(name));
}

/* The values object {"col":value,...}. */
static void
put_vals(wxf_buf *b, const wxf_carved *c)
{
	int i;

	wxf_buf_putc(b, '{');
	for (i = 0; i < c->row.n_vals; i++) {
		if (i)
			wxf_buf_putc(b, ',');
		put_name(b, c->row.table, i);
		wxf_buf_putc(b, ':');
		put_val(b, &c->row.vals[i], c->known[i]);
	}
	wxf_buf_putc(b, '}');
}

static void *
out_writer_main(void *arg)
{
	struct out_writer *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->has_full && !w->done)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->has_full)
			break;
		pthread_mutex_unlock(&w->mu);
		if (w->full.len > 0 && fwrite(w->full.p, 1, w->full.len, stdout) != w->full.len)
			w->err = 1; /* read by the filling thread only after the hand-back below */
		pthread_mutex_lock(&w->mu);
		wxf_buf_reset(&w->full);
		w->has_full = 0;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Starts the writer thread; without one, flush_out writes itself. */
static void
out_writer_start(struct out_writer *w)
{
	wxf_buf_init(&w->full);
	if (pthread_mutex_init(&w->mu, NULL) != 0)
		return;
	if (pthread_cond_init(&w->cv, NULL) != 0) {
		pthread_mutex_destroy(&w->mu);
		return;
	}
	if (pthread_create(&w->th, NULL, out_writer_main, w) != 0) {
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		return;
	}
	w->on = 1;
}

/* Output is collected in oc->line and written in large pieces: handed to the writer thread
 * (after the previous piece is written) or written here. */
static int
flush_out(struct out_ctx *oc)
{
	struct out_writer *w = &oc->w;
	wxf_buf *b = &oc->line;
	int ok;

	if (w->on) {
		wxf_buf t;

		pthread_mutex_lock(&w->mu);
		while (w->has_full)
			pthread_cond_wait(&w->cv, &w->mu);
		t = w->full;
		w->full = *b;
		*b = t;
		w->has_full = 1;
		ok = !w->err;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		return ok ? 0 : WXF_EIO;
	}
	ok = b->len == 0 || fwrite(b->p, 1, b->len, stdout) == b->len;
	wxf_buf_reset(b);
	return ok ? 0 : WXF_EIO;
}

/* Writes what is left and stops the writer thread. */
static int
out_writer_stop(struct out_ctx *oc)
{
	struct out_writer *w = &oc->w;
	int rc = flush_out(oc);

	if (!w->on)
		return rc;
	pthread_mutex_lock(&w->mu);
	w->done = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->th, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	wxf_buf_free(&w->full);
	w->on = 0;
	return w->err ? WXF_EIO : rc;
}

/* ---- the JSON line writer: bytes are put straight into the buffer after one capacity check ---- */

static void
ob_grow(wxf_buf *b, size_t n)
{
	size_t nc = b->cap ? b->cap : (1u << 16);

	while (nc - b->len < n + 1)
		nc *= 2;
	b->p = wxf_xrealloc(b->p, nc);
	b->cap = nc;
}

/* Room for n more bytes (and the NUL); returns the write position. */
static inline char *
ob_need(wxf_buf *b, size_t n)
{
	if (b->cap - b->len < n + 1)
		ob_grow(b, n);
	return b->p + b->len;
}

static inline void
ob_add(wxf_buf *b, const void *s, size_t n)
{
	memcpy(ob_need(b, n), s, n);
	b->len += n;
}

#define OB_LIT(b, s) ob_add((b), (s), sizeof(s) - 1)

static inline void
ob_u64(wxf_buf *b, uint64_t u)
{
	char t[24];
	size_t i = sizeof(t);

	do {
		t[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	ob_add(b, t + i, sizeof(t) - i);
}

static inline void
ob_i64(wxf_buf *b, int64_t v)
{
	if (v < 0) {
		OB_LIT(b, "-");
		ob_u64(b, (uint64_t)0 - (uint64_t)v);
	} else
		ob_u64(b, (uint64_t)v);
}

static void
ob_val(wxf_buf *b, const wxf_sqlval *v, int known)
{
	if (!known || v->type == WXF_SQL_NULL) {
		OB_LIT(b, "null");
		return;
	}
	switch (v->type) {
	case WXF_SQL_INT:
		ob_i64(b, v->i);
		break;
	case WXF_SQL_TEXT:
		wxf_buf_json_str(b, (const char *)v->p, v->n);
		break;
	default:
		put_val(b, v, 1);
		break;
	}
}

/* ,"page":P,"frame":F,"offset":O,"length":L,"confidence":C */
static inline void
ob_where(wxf_buf *b, uint32_t pgno, uint32_t frame, uint64_t offset, uint32_t length, int conf)
{
	OB_LIT(b, ",\"page\":");
	ob_u64(b, pgno);
	OB_LIT(b, ",\"frame\":");
	ob_u64(b, frame);
	OB_LIT(b, ",\"offset\":");
	ob_u64(b, offset);
	OB_LIT(b, ",\"length\":");
	ob_u64(b, length);
	OB_LIT(b, ",\"confidence\":");
	ob_i64(b, conf);
}

static void
jcache_free(struct jcache *jc)
{
	wxf_buf_free(&jc->keys);
	wxf_buf_free(&jc->lost);
	wxf_buf_free(&jc->tname);
	wxf_buf_free(&jc->fname);
	free(jc->off);
	free(jc->loff);
	memset(jc, 0, sizeof(*jc));
}

/* Escaped table name and column keys for table t with n values. */
static void
jcache_table(struct jcache *jc, const wxf_sqlite_obj *t, int n)
{
	int i;

	if (jc->off != NULL && jc->t == t && jc->n == n)
		return;
	free(jc->off);
	free(jc->loff);
	jc->off = wxf_xcalloc((size_t)n + 1, sizeof(size_t));
	jc->loff = wxf_xcalloc((size_t)n + 1, sizeof(size_t));
	wxf_buf_reset(&jc->keys);
	wxf_buf_reset(&jc->lost);
	wxf_buf_reset(&jc->tname);
	for (i = 0; i < n; i++) {
		const char *name = t && t->col_names && i < t->n_cols ? t->col_names[i] : NULL;

		jc->off[i] = jc->keys.len;
		put_name(&jc->keys, t, i);
		wxf_buf_putc(&jc->keys, ':');
		jc->loff[i] = jc->lost.len;
		wxf_buf_json_str(&jc->lost, name ? name : "", name ? strlen(name) : 0);
	}
	jc->off[n] = jc->keys.len;
	jc->loff[n] = jc->lost.len;
	wxf_buf_puts(&jc->tname, "{\"table\":");
	if (t)
		wxf_buf_json_str(&jc->tname, t->name, strlen(t->name));
	else
		wxf_buf_puts(&jc->tname, "null");
	jc->t = t;
	jc->n = n;
}

/* ,"file":F */
static void
ob_file(wxf_buf *b, struct jcache *jc, const char *file)
{
	if (jc->fname.len == 0 || jc->file != file) {
		wxf_buf_reset(&jc->fname);
		wxf_buf_puts(&jc->fname, ",\"file\":");
		wxf_buf_json_str(&jc->fname, file, strlen(file));
		jc->file = file;
	}
	ob_add(b, jc->fname.p, jc->fname.len);
}

static void
json_rec(struct out_ctx *oc, const wxf_carved *c)
{
	wxf_buf *b = &oc->line;
	struct jcache *jc = &oc->jc;
	const char *sn, *on;
	int i, n = c->row.n_vals > 0 ? c->row.n_vals : 0;
	size_t k;

	jcache_table(jc, c->row.table, n);
	ob_add(b, jc->tname.p, jc->tname.len);
	if (c->row.rowid == INT64_MIN)
		OB_LIT(b, ",\"rowid\":null");
	else {
		OB_LIT(b, ",\"rowid\":");
		ob_i64(b, c->row.rowid);
	}
	sn = wxf_status_name(c->status);
	on = wxf_origin_name(c->origin);
	OB_LIT(b, ",\"status\":\"");
	ob_add(b, sn, strlen(sn));
	OB_LIT(b, "\",\"origin\":\"");
	ob_add(b, on, strlen(on));
	OB_LIT(b, "\"");
	ob_file(b, jc, c->file);
	ob_where(b, c->pgno, c->frame, c->offset, c->length, c->confidence);
	OB_LIT(b, ",\"values\":{");
	for (i = 0; i < n; i++) {
		if (i)
			OB_LIT(b, ",");
		ob_add(b, jc->keys.p + jc->off[i], jc->off[i + 1] - jc->off[i]);
		ob_val(b, &c->row.vals[i], c->known[i]);
	}
	OB_LIT(b, "},\"lost\":[");
	for (i = 0, k = 0; i < n; i++)
		if (!c->known[i]) {
			if (k++)
				OB_LIT(b, ",");
			ob_add(b, jc->lost.p + jc->loff[i], jc->loff[i + 1] - jc->loff[i]);
		}
	OB_LIT(b, "]");
	if (c->index) {
		OB_LIT(b, ",\"index\":");
		wxf_buf_json_str(b, c->index->name, strlen(c->index->name));
		OB_LIT(b, ",\"keys\":[");
		for (i = 0; i < c->n_keys; i++) {
			if (i)
				OB_LIT(b, ",");
			ob_val(b, &c->keys[i], 1);
		}
		OB_LIT(b, "]");
	}
	if (c->schema_remnant)
		OB_LIT(b, ",\"schema_remnant\":true");
	OB_LIT(b, ",\"sources\":[");
	for (k = 0; k < c->n_sources; k++) {
		const wxf_carve_src *s = &c->sources[k];

		on = wxf_origin_name(s->origin);
		if (k)
			OB_LIT(b, ",{\"origin\":\"");
		else
			OB_LIT(b, "{\"origin\":\"");
		ob_add(b, on, strlen(on));
		OB_LIT(b, "\"");
		ob_file(b, jc, s->file);
		ob_where(b, s->pgno, s->frame, s->offset, s->length, s->confidence);
		OB_LIT(b, "}");
	}
	OB_LIT(b, "]}\n");
	b->p[b->len] = '\0';
}

static int
print_rec(void *arg, const wxf_carved *c)
{
	struct out_ctx *oc = arg;
	wxf_buf *b = &oc->line;
	const wxf_sqlite_obj *t = c->row.table;
	size_t k;

	if (oc->o->csv) {
		char rowid[32];
		wxf_buf src, vals;

		wxf_buf_init(&vals);
		put_vals(&vals, c);
		wxf_buf_init(&src);
		for (k = 0; k < c->n_sources; k++)
			wxf_buf_printf(&src, "%s%s:%s:%u:%u:%" PRIu64 ":%u", k ? ";" : "",
			    wxf_origin_name(c->sources[k].origin), c->sources[k].file, c->sources[k].pgno,
			    c->sources[k].frame, c->sources[k].offset, c->sources[k].length);
		if (c->row.rowid == INT64_MIN)
			rowid[0] = '\0';
		else
			snprintf(rowid, sizeof(rowid), "%" PRId64, c->row.rowid);
		wxf_buf_csv_field(b, t ? t->name : "", t ? strlen(t->name) : 0);
		wxf_buf_putc(b, ',');
		wxf_buf_csv_field(b, rowid, strlen(rowid));
		wxf_buf_printf(b, ",%s,%s,", wxf_status_name(c->status), wxf_origin_name(c->origin));
		wxf_buf_csv_field(b, c->file, strlen(c->file));
		wxf_buf_printf(b, ",%u,%u,%" PRIu64 ",%u,%d,", c->pgno, c->frame, c->offset, c->length,
		    c->confidence);
		wxf_buf_csv_field(b, c->index ? c->index->name : "", c->index ? strlen(c->index->name) : 0);
		wxf_buf_putc(b, ',');
		wxf_buf_csv_field(b, src.p, src.len);
		wxf_buf_putc(b, ',');
		wxf_buf_csv_field(b, vals.p, vals.len);
		wxf_buf_puts(b, "\r\n");
		wxf_buf_free(&src);
		wxf_buf_free(&vals);
	} else
		json_rec(oc, c);
	oc->n++;
	return b->len >= (1u << 18) ? flush_out(oc) : 0;
}

static int
carve_exec(wxf_ctx *ctx, void *state, int argc, char **argv)
{
	struct carve_opts *o = state;
	wxf_map db_map, wal_map, j_map;
	wxf_sqlite_db *db = NULL;
	wxf_carve_opts co;
	wxf_carve_stats st;
	struct out_ctx oc;
	wxf_err err;
	int rc, ex = WXF_EXIT_OK;

	(void)argc;
	memset(&db_map, 0, sizeof(db_map));
	memset(&wal_map, 0, sizeof(wal_map));
	memset(&j_map, 0, sizeof(j_map));
	memset(&co, 0, sizeof(co));
	wxf_err_clear(&err);
	if (o->sources != NULL && parse_sources(o->sources, &co.sources, &err) != WXF_OK) {
		fprintf(stderr, "wxforensic carve: %s\n", err.msg);
		return WXF_EXIT_USAGE;
	}
	if (wxf_map_open(&db_map, argv[0], &err) != WXF_OK ||
	    (o->wal && wxf_map_open(&wal_map, o->wal, &err) != WXF_OK) ||
	    (o->journal && wxf_map_open(&j_map, o->journal, &err) != WXF_OK)) {
		fprintf(stderr, "wxforensic carve: %s\n", err.msg);
		ex = WXF_EXIT_EVIDENCE;
		goto out;
	}
	if (wxf_sqlite_open(&db, db_map.data, db_map.size, &err) != WXF_OK) {
		fprintf(stderr, "wxforensic carve: %s: %s\n", argv[0], err.msg);
		ex = err.code == WXF_ENOMEM ? WXF_EXIT_INTERNAL : WXF_EXIT_EVIDENCE;
		goto out;
	}
	wxf_err_clear(&err);
	if (o->all)
		co.sources = (co.sources ? co.sources : WXF_CARVE_DEFAULT) | WXF_CARVE_LIVE | WXF_CARVE_SCHEMA;
	co.db_name = argv[0];
	co.wal = wal_map.data;
	co.wal_size = wal_map.size;
	co.wal_name = o->wal;
	co.journal = j_map.data;
	co.journal_size = j_map.size;
	co.journal_name = o->journal;
	co.table = o->table;
	co.min_confidence = o->min_conf;
	co.jobs = o->jobs;
	if (o->table != NULL && wxf_sqlite_table(db, o->table) == NULL)
		wxf_log_warn(&ctx->log, "carve: no table '%s' in the schema; carving for it anyway", o->table);
	memset(&oc, 0, sizeof(oc));
	oc.o = o;
	wxf_buf_init(&oc.line);
	if (o->csv)
		fputs("table,rowid,status,origin,file,page,frame,offset,length,confidence,index,sources,values\r\n",
		    stdout);
	fflush(stdout);
	out_writer_start(&oc.w);
	rc = wxf_carve_run_stats(db, &co, print_rec, &oc, &st, &err);
	if (out_writer_stop(&oc) != 0 && rc == WXF_OK) {
		rc = WXF_EIO;
		wxf_err_set(&err, WXF_EIO, "output error");
	}
	wxf_buf_free(&oc.line);
	jcache_free(&oc.jc);
	if (rc == WXF_ENOMEM || rc == WXF_EIO) {
		fprintf(stderr, "wxforensic carve: %s\n", err.msg[0] ? err.msg :
		    rc == WXF_ENOMEM ? "out of memory" : "output error");
		ex = WXF_EXIT_INTERNAL;
	} else if (rc == WXF_ECORRUPT)
		wxf_log_warn(&ctx->log, "carve: %s (carved without it)", err.msg);
	if (!ctx->quiet)
		fprintf(stderr, "carve: %" PRIu64 " records (%" PRIu64 " deleted, %" PRIu64 " partial, %" PRIu64
		    " fragments, %" PRIu64 " superseded); %" PRIu64 " candidates, %" PRIu64
		    " live copies skipped, %" PRIu64 " unreferenced live cells; %" PRIu64
		    " pages, %u corrupt structures\n",
		    oc.n, st.per_status[WXF_STATUS_DELETED_RECOVERED], st.per_status[WXF_STATUS_PARTIALLY_RECOVERED],
		    st.per_status[WXF_STATUS_FRAGMENT], st.per_status[WXF_STATUS_SUPERSEDED], st.candidates,
		    st.live_copies, st.unreferenced, st.pages_scanned, wxf_sqlite_n_warnings(db));
	fflush(stdout);
out:
	wxf_sqlite_close(&db);
	wxf_map_close(&db_map);
	wxf_map_close(&wal_map);
	wxf_map_close(&j_map);
	return ex;
}

const struct wxf_cmd_entry wxf_cmd_carve_entry = {
	.name = "carve",
	.summary = "recover deleted records from a SQLite image, its WAL and journal",
	.usage = "wxforensic carve DB [--wal FILE] [--journal FILE] [--format jsonl|csv] [--table T]\n"
	    "       [--all] [--min-confidence N] [--sources LIST] [--jobs N]",
	.optstring = "",
	.opts = carve_long,
	.state_size = sizeof(struct carve_opts),
	.min_args = 1,
	.max_args = 1,
	.opt = carve_opt,
	.exec = carve_exec,
};
