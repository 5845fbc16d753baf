/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cited bytes, checked.  Every provenance names a file (the plaintext image in the bundle, or
 * the evidence file itself when there is none), an offset and a length.  A check re-reads those
 * bytes, gives their SHA-256, and says whether they hold the text the bundle reports for them:
 * the needle (below) lies in the range or, in a SQLite image, in the payload of the record whose
 * table-leaf cell starts there (its overflow chain followed, for long rows).
 *
 * `case` checks every provenance of its models before it writes (case_cite: each gets its
 * range_sha256; a mismatch is an audit record, a limitation and exit status 1); `verify
 * --provenance` checks those of a written bundle again, reading timeline.xml
 * (wxf_cite_verify_bundle).
 *
 * The needle.  The bundle shows text in a visible form (invisible code points as "[U+202E]",
 * undecodable bytes as U+FFFD, XML and CSV escapes), so the check looks for what both forms
 * keep verbatim: the reported text is cut at every marker, U+FFFD, whitespace, XML-special
 * character (& < > " ') and '|' (which joins composed values such as a bank card's), and the
 * first piece of at least 8 bytes (else the longest piece) is the needle, at most 24 bytes of it.  The case writer and the verifier derive it the same way,
 * from the raw text and from the text read back from timeline.xml.
 */
#include "config.h"
#include "case/case_int.h"
#include "base/wxf_buf.h"
#include "base/wxf_file.h"
#include "base/wxf_hash.h"
#include "base/wxf_mem.h"
#include "sqlite/sqlite.h"

#include <stdlib.h>
#include <string.h>

#define NEEDLE_MAX 24      /* bytes of the needle */
#define NEEDLE_GOOD 8      /* a piece this long is taken at once */
#define TEXT_SCAN 512      /* bytes of the visible text looked at */
#define MAX_FILES 4096     /* files kept mapped at once */
#define MAX_LISTED 200     /* mismatches named one by one */

typedef struct cite_file {
	char *path;
	wxf_map map;
	int mapped;
	wxf_sqlite_db *db;     /* the file is a SQLite image: records are decoded through it */
} cite_file;

struct wxf_cite_cache {
	cite_file *f;
	size_t n, cap;
	wxf_sqlite_scratch s;
};

wxf_cite_cache *
wxf_cite_new(void)
{
	return wxf_xcalloc(1, sizeof(wxf_cite_cache));
}

void
wxf_cite_free(wxf_cite_cache **cp)
{
	wxf_cite_cache *c = *cp;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		wxf_sqlite_close(&c->f[i].db);
		if (c->f[i].mapped)
			wxf_map_close(&c->f[i].map);
		free(c->f[i].path);
	}
	free(c->f);
	wxf_sqlite_scratch_free(&c->s);
	free(c);
	*cp = NULL;
}

/* ------------------------------------------------------------------------------ the needle */

/* Length of a "[U+XXXX]" marker at s (4 to 6 hex digits), 0 if none. */
static size_t
marker_len(const char *s, size_t n)
{
	size_t k;

	if (n < 8 || memcmp(s, "[U+", 3) != 0)
		return 0;
	for (k = 3; k < n && k < 9 && strchr("0123456789ABCDEF", s[k]) != NULL && s[k] != '\0'; k++)
		;
	return k >= 7 && k < n && s[k] == ']' ? k + 1 : 0;
}

size_t
wxf_cite_needle(const char *vis, size_t n, const char **needle)
{
	size_t i = 0, start = 0, best = 0, best_len = 0, cut;

	*needle = NULL;
	if (vis == NULL)
		return 0;
	if (n > TEXT_SCAN)
		n = TEXT_SCAN;
	for (;;) {
		cut = 0;
		if (i < n) {
			unsigned char ch = (unsigned char)vis[i];

			if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '&' ||
			    ch == '<' || ch == '>' || ch == '"' || ch == '\'' || ch == '|')
				cut = 1;
			else if (ch == 0xef && i + 2 < n && (unsigned char)vis[i + 1] == 0xbf &&
			    (unsigned char)vis[i + 2] == 0xbd)
				cut = 3;
			else if (ch == '[')
				cut = marker_len(vis + i, n - i);
		}
		if (i == n || cut > 0) {
			size_t len = i - start;

			if (len > best_len) {
				best = start;
				best_len = len;
			}
			if (best_len >= NEEDLE_GOOD || i == n)
				break;
			i += cut;
			start = i;
			continue;
		}
		i++;
	}
	if (best_len == 0)
		return 0;
	if (best_len > NEEDLE_MAX) {
		/* whole UTF-8 characters only */
		best_len = NEEDLE_MAX;
		while (best_len > 0 && ((unsigned char)vis[best + best_len] & 0xc0) == 0x80)
			best_len--;
	}
	*needle = vis + best;
	return best_len;
}

/* ------------------------------------------------------------------------------ the check */

static cite_file *
cite_open(wxf_cite_cache *c, const char *path, wxf_err *err)
{
	cite_file *f;
	size_t i;

	for (i = c->n; i-- > 0;)
		if (strcmp(c->f[i].path, path) == 0) {
			if (!c->f[i].mapped)
				wxf_err_set(err, WXF_EIO, "%s: not readable", path);
			return c->f[i].mapped ? &c->f[i] : NULL;
		}
	if (c->n == MAX_FILES) {
		wxf_err_set(err, WXF_ENOMEM, "%s: too many cited files open", path);
		return NULL;
	}
	wxf_xgrow((void **)&c->f, &c->cap, c->n + 1, sizeof(*c->f));
	f = &c->f[c->n++];
	memset(f, 0, sizeof(*f));
	f->path = wxf_xstrdup(path);
	if (wxf_map_open(&f->map, path, err) != WXF_OK)
		return NULL;
	f->mapped = 1;
	if (f->map.size >= 100 && memcmp(f->map.data, "SQLite format 3", 16) == 0) {
		wxf_err e;

		wxf_err_clear(&e);
		if (wxf_sqlite_open(&f->db, f->map.data, f->map.size, &e) == WXF_ENOMEM)
			wxf_oom(f->map.size);   /* else the check would report a false mismatch */
		if (f->db == NULL || e.code != WXF_OK)
			f->db = NULL;
	}
	return f;
}

/* 1 if the record whose table-leaf cell starts at `offset` of page `pgno` holds the needle in
 * its payload (overflow pages included). */
static int
record_holds(wxf_cite_cache *c, cite_file *f, uint32_t pgno, uint64_t offset, const char *needle,
    size_t n)
{
	uint32_t usable = wxf_sqlite_usable(f->db);
	const uint8_t *page = pgno != 0 ? wxf_sqlite_page_main(f->db, pgno) : NULL, *out;
	wxf_sqlite_page_hdr h;
	wxf_sqlite_cell cell;
	uint64_t start;
	size_t olen;
	int trunc = 0, rc;

	if (page == NULL || page < f->map.data || page >= f->map.data + f->map.size)
		return 0;
	start = (uint64_t)(page - f->map.data);
	if (offset < start || offset >= start + usable ||
	    wxf_sqlite_page_header(page, usable, pgno, &h) != WXF_OK || h.type != 0x0d ||
	    wxf_sqlite_cell_parse(page, usable, h.type, (uint32_t)(offset - start), &cell) !=
	    WXF_OK)
		return 0;
	rc = wxf_sqlite_payload(f->db, page + cell.payload_off, cell.local, cell.payload_len,
	    cell.overflow, &c->s, &out, &olen, &trunc, NULL);
	if (rc == WXF_ENOMEM)
		wxf_oom(cell.payload_len);  /* else a false "does not hold the text" */
	if (rc != WXF_OK)
		return 0;
	return memmem(out, olen, needle, n) != NULL;
}

int
wxf_cite_check(wxf_cite_cache *c, const char *path, const wxf_cite_ref *ref, char hex[65],
    int *text_ok, wxf_err *err)
{
	cite_file *f;
	const uint8_t *r;

	hex[0] = '\0';
	*text_ok = -1;
	if (ref->length == 0 && wxf_is_dir(path)) {
		wxf_sha256_hex((const uint8_t *)"", 0, hex);
		if (ref->needle != NULL && ref->needle_len > 0)
			*text_ok = ref->name != NULL && memmem(ref->name, strlen(ref->name), ref->needle,
			    ref->needle_len) != NULL;
		return WXF_OK;
	}
	f = cite_open(c, path, err);
	if (f == NULL)
		return err->code != WXF_OK ? err->code : wxf_err_set(err, WXF_EIO, "%s: not readable",
		    path);
	if (ref->offset > f->map.size || ref->length > f->map.size - ref->offset)
		return wxf_err_set(err, WXF_ECORRUPT, "bytes %llu+%u lie beyond the end of %s (%zu "
		    "bytes)", (unsigned long long)ref->offset, ref->length, path, f->map.size);
	r = f->map.data + ref->offset;
	wxf_sha256_hex(r, ref->length, hex);
	if (ref->needle == NULL || ref->needle_len == 0)
		return WXF_OK;
	if (memmem(r, ref->length, ref->needle, ref->needle_len) != NULL)
		*text_ok = 1;
	else if (f->db != NULL && ref->frame == 0 &&
	    record_holds(c, f, ref->pgno, ref->offset, ref->needle, ref->needle_len))
		*text_ok = 1;
	else
		*text_ok = 0;
	return WXF_OK;
}

void
wxf_cite_result_free(wxf_cite_result *r)
{
	size_t i;

	for (i = 0; i < r->n_listed; i++)
		free(r->listed[i]);
	free(r->listed);
	memset(r, 0, sizeof(*r));
}

/* Counts one outcome; names the item when it failed. */
static void
result_add(wxf_cite_result *r, const char *what, const char *why)
{
	if (why == NULL)
		return;
	r->n_failed++;
	if (r->n_listed < MAX_LISTED) {
		r->listed = wxf_xrealloc(r->listed, (r->n_listed + 1) * sizeof(*r->listed));
		r->listed[r->n_listed++] = wxf_xasprintf("%s: %s", what != NULL ? what : "(item)",
		    why);
	}
}

/* One provenance checked: the range read and hashed, the needle looked for, the hash compared
 * with `expect` when given.  Returns the reason of a failure (static or in *buf), NULL if good. */
static const char *
check_one(wxf_cite_cache *c, const char *path, const char *shown, const wxf_cite_ref *ref,
    const char *expect, char hex[65], wxf_cite_result *r, char *buf, size_t bufsz)
{
	wxf_err e;
	int ok;

	wxf_err_clear(&e);
	r->n_checked++;
	if (wxf_cite_check(c, path, ref, hex, &ok, &e) != WXF_OK) {
		if (e.code == WXF_ECORRUPT)
			snprintf(buf, bufsz, "bytes %llu+%u lie beyond the end of %s",
			    (unsigned long long)ref->offset, ref->length, shown);
		else
			snprintf(buf, bufsz, "%s cannot be read", shown);
		return buf;
	}
	if (expect != NULL && strcmp(expect, hex) != 0) {
		snprintf(buf, bufsz, "the SHA-256 of bytes %llu+%u of %s is %s, the bundle says %s",
		    (unsigned long long)ref->offset, ref->length, shown, hex, expect);
		return buf;
	}
	if (ok >= 0)
		r->n_text++;
	if (ok == 0) {
		snprintf(buf, bufsz, "bytes %llu+%u of %s do not hold the reported text \"%.*s\"",
		    (unsigned long long)ref->offset, ref->length, shown, (int)ref->needle_len,
		    ref->needle);
		return buf;
	}
	return NULL;
}

/* ------------------------------------------------------------------------------ case step */

typedef struct cite_path {
	const char *path;        /* evidence path */
	const char *abs;         /* on disk */
	const char *work;        /* an unpacked member: its copy below the bundle, bundle-relative;
	                          * NULL for a file read in place */
} cite_path;

typedef struct cite_run {
	case_run *r;
	wxf_model *m;
	wxf_cite_cache *cache;
	cite_path *paths;
	size_t n_paths;
	wxf_cite_result res;
	wxf_buf vis;
	uint64_t n_seen, n_total;   /* citations visited / in all accounts (progress line) */
} cite_run;

static int
path_cmp(const void *x, const void *y)
{
	return strcmp(((const cite_path *)x)->path, ((const cite_path *)y)->path);
}

/* A file's name relative to the bundle when it lies below it (the copy of an unpacked member:
 * its item path, "<container>!/<member>", says where it came from, not where it is), else NULL.
 * Both names are real paths. */
static const char *
below_bundle(const cite_run *cr, const char *abs)
{
	const char *out = cr->r->out_abs;
	size_t lo = out != NULL ? strlen(out) : 0;

	if (lo == 0 || strncmp(abs, out, lo) != 0 || abs[lo] != '/')
		return NULL;
	return abs + lo + 1;
}

static void
paths_add(cite_run *cr, size_t *cap, const wxf_inventory *inv, const wxf_subinv *sub)
{
	size_t i;

	for (i = 0; i < inv->n_items; i++) {
		const wxf_item *it = &inv->items[i];

		if (it->member != NULL || it->abs == NULL)
			continue;
		wxf_xgrow((void **)&cr->paths, cap, cr->n_paths + 1, sizeof(*cr->paths));
		cr->paths[cr->n_paths].path = it->path;
		cr->paths[cr->n_paths].abs = it->abs;
		cr->paths[cr->n_paths].work = sub != NULL ? below_bundle(cr, it->abs) : NULL;
		cr->n_paths++;
	}
}

/* The folder an evidence path names, on disk (malloc'd), when some evidence file lies below
 * it; NULL otherwise. */
static char *
folder_of(const cite_run *cr, const char *path)
{
	size_t n = strlen(path), i;

	for (i = 0; i < cr->n_paths; i++) {
		const cite_path *q = &cr->paths[i];
		size_t lq = strlen(q->path), la = strlen(q->abs);

		if (q->work == NULL && lq > n && strncmp(q->path, path, n) == 0 && q->path[n] == '/' &&
		    la >= lq - n)
			return wxf_xstrndup(q->abs, la - (lq - n));
	}
	return NULL;
}

/* A failure: counted, named, and (the first MAX_LISTED) recorded in the audit log. */
static void
cite_fail(cite_run *cr, const wxf_prov *p, const char *what, const char *why)
{
	wxf_buf b;

	result_add(&cr->res, what, why);
	if (cr->res.n_failed > MAX_LISTED)
		return;
	wxf_buf_init(&b);
	wxf_buf_json_kstr(&b, "item", what);
	wxf_buf_json_kstr(&b, "file", p->image != NULL ? p->image : p->file);
	wxf_buf_printf(&b, ",\"offset\":%llu,\"length\":%u", (unsigned long long)p->offset,
	    p->length);
	wxf_buf_json_kstr(&b, "problem", why);
	wxf_audit_add(&cr->r->audit, "provenance-mismatch", b.p, NULL);
	wxf_buf_free(&b);
}

static void
cite_prov(void *arg, wxf_prov *p, const char *text, const char *what)
{
	cite_run *cr = arg;
	const cite_path *cp = NULL;
	wxf_cite_ref ref;
	char hex[65], buf[1024], *path, *folder = NULL;
	const char *why;

	if ((++cr->n_seen & 1023) == 0)
		wxf_log_progress(cr->r->log, "checking every cited byte range", cr->n_seen,
		    cr->n_total, NULL);
	if (p->file == NULL && p->image == NULL)
		return;
	if (p->image == NULL) {
		cite_path key;

		key.path = p->file;
		cp = cr->n_paths > 0 ? bsearch(&key, cr->paths, cr->n_paths, sizeof(*cr->paths),
		    path_cmp) : NULL;
		if (cp == NULL && p->length == 0 && (folder = folder_of(cr, p->file)) != NULL)
			goto check;
		if (cp == NULL) {
			cr->res.n_checked++;
			cite_fail(cr, p, what, "the cited file is not in the evidence inventory");
			return;
		}
		/* a file of an unpacked container: its bytes are those of the copy in the bundle */
		if (cp->work != NULL)
			p->image = wxf_model_strdup(cr->m, cp->work);
	}
check:
	path = p->image != NULL ? wxf_path_join(cr->r->o->out, p->image) :
	    folder != NULL ? folder : wxf_xstrdup(cp->abs);
	memset(&ref, 0, sizeof(ref));
	ref.name = p->image != NULL ? p->image : p->file;
	ref.offset = p->offset;
	ref.length = p->length;
	ref.pgno = p->pgno;
	ref.frame = p->frame;
	if (text != NULL) {
		wxf_buf_reset(&cr->vis);
		wxf_buf_visible(&cr->vis, text, strlen(text));
		ref.needle_len = wxf_cite_needle(cr->vis.p, cr->vis.len, &ref.needle);
	}
	why = check_one(cr->cache, path, p->image != NULL ? p->image : p->file, &ref, NULL, hex,
	    &cr->res, buf, sizeof(buf));
	if (hex[0] != '\0')
		p->range_sha256 = wxf_model_strdup(cr->m, hex);
	if (why != NULL)
		cite_fail(cr, p, what, why);
	free(path);
}

static void
count_prov(void *arg, wxf_prov *p, const char *text, const char *what)
{
	(void)p;
	(void)text;
	(void)what;
	((cite_run *)arg)->n_total++;
}

void
case_cite(case_run *r)
{
	cite_run cr;
	size_t i, cap = 0;
	wxf_buf b;

	memset(&cr, 0, sizeof(cr));
	cr.r = r;
	cr.cache = wxf_cite_new();
	wxf_buf_init(&cr.vis);
	paths_add(&cr, &cap, &r->inv, NULL);
	for (i = 0; i < r->un.n_subs; i++)
		paths_add(&cr, &cap, &r->un.subs[i].inv, &r->un.subs[i]);
	if (cr.n_paths > 1) /* an empty inventory has no array: qsort(NULL, 0) is undefined */
		qsort(cr.paths, cr.n_paths, sizeof(*cr.paths), path_cmp);
	for (i = 0; i < r->n_accts; i++)
		wxf_model_each_prov(r->accts[i]->m, count_prov, &cr);
	wxf_log_progress(r->log, "checking every cited byte range", 0, cr.n_total, NULL);
	for (i = 0; i < r->n_accts; i++) {
		cr.m = r->accts[i]->m;
		wxf_model_each_prov(cr.m, cite_prov, &cr);
	}
	wxf_log_progress_end(r->log);
	r->s->n_cites = cr.res.n_checked;
	r->s->n_cites_text = cr.res.n_text;
	r->s->n_cites_failed = cr.res.n_failed;
	wxf_buf_init(&b);
	wxf_buf_printf(&b, "\"checked\":%zu,\"text_checked\":%zu,\"mismatches\":%zu", cr.res.n_checked,
	    cr.res.n_text, cr.res.n_failed);
	wxf_audit_add(&r->audit, "provenance-check", b.p, NULL);
	wxf_buf_free(&b);
	if (cr.res.n_failed > 0) {
		wxf_log_warn(r->log, "%zu cited byte range(s) do not hold what the bundle reports; "
		    "first: %s", cr.res.n_failed, cr.res.listed[0]);
		case_limit(r, "%zu of %zu cited byte ranges do not hold what this report says they "
		    "hold (see the \"provenance-mismatch\" records of audit.jsonl); those items must not "
		    "be relied on.", cr.res.n_failed, cr.res.n_checked);
	}
	wxf_cite_result_free(&cr.res);
	wxf_buf_free(&cr.vis);
	free(cr.paths);
	wxf_cite_free(&cr.cache);
}
