/* SPDX-License-Identifier: Apache-2.0 */
/*
 * manifest.sha256, evidence.sha256 and `verify`.
 *
 * Both lists use GNU sha256sum's format: "<64 hex>  <path>\n"; a path holding a backslash or a
 * newline is written with a leading '\' on the line and those characters escaped ("\\", "\n"),
 * so `sha256sum -c` reads them.  The manifest lists every regular file of the bundle except
 * itself, its signature (rpt_sign.c) and audit.jsonl (the log records the manifest's hash in
 * its last line, so it cannot be listed in it; its hash chain protects it instead), sorted
 * bytewise.
 *
 * verify: (1) every manifest entry re-hashed; (2) no file of the bundle missing from the
 * manifest; (3) the audit chain (wxf_audit_verify) and its last "manifest" line naming this
 * manifest's SHA-256; (4) every evidence file of evidence.sha256 that is reachable re-hashed;
 * (5) the signature, when the bundle is signed.  A folder with an audit log but no manifest is
 * a bundle whose run did not finish (a full disk, a killed run): it does not verify, and the
 * log's last record says how far the run went.
 *
 * What this proves, and what it cannot: that the bundle's files are the ones its manifest
 * lists, that the log is one unbroken chain ending at this manifest, that the evidence still
 * hashes as it did.  It cannot tell a bundle made by the tool from one a forger rewrote whole
 * (new files, a new manifest, a new log chain): only a comparison with something kept apart
 * from the bundle can, the manifest hash written in the examination record (verify --expect)
 * or the fingerprint of the examiner's signing key (verify --signer).
 */
#include "config.h"
#include "rpt_int.h"
#include "base/wxf_file.h"
#include "base/wxf_hash.h"
#include "base/wxf_mem.h"
#include "base/wxf_fmt.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------------------ helpers */

static int
sha256_file(const char *path, char hex[65], wxf_err *err)
{
	unsigned char buf[1 << 16], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx;
	ssize_t n;
	int fd;

	if ((fd = wxf_open_ro(path, NULL, err)) < 0)
		return WXF_EIO;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		close(fd);
		EVP_MD_CTX_free(ctx);
		return wxf_err_set(err, WXF_EINTERNAL, "SHA-256 unavailable");
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		EVP_DigestUpdate(ctx, buf, (size_t)n);
	close(fd);
	if (n < 0) {
		EVP_MD_CTX_free(ctx);
		return wxf_err_set(err, WXF_EIO, "%s: read error", path);
	}
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	wxf_hex(md, mdlen, hex);
	return WXF_OK;
}

static void
sum_line(wxf_buf *b, const char *hex, const char *path)
{
	const char *s;

	if (strpbrk(path, "\\\n") == NULL) {
		wxf_buf_printf(b, "%s  %s\n", hex, path);
		return;
	}
	wxf_buf_printf(b, "\\%s  ", hex);
	for (s = path; *s; s++) {
		if (*s == '\\')
			wxf_buf_puts(b, "\\\\");
		else if (*s == '\n')
			wxf_buf_puts(b, "\\n");
		else
			wxf_buf_putc(b, *s);
	}
	wxf_buf_putc(b, '\n');
}

/* Parses one line (NUL-terminated, no LF) into hex and a malloc'd path; -1 if malformed. */
static int
sum_parse(const char *line, char hex[65], char **path)
{
	int esc = 0;
	size_t i;
	wxf_buf b;

	if (*line == '\\') {
		esc = 1;
		line++;
	}
	for (i = 0; i < 64; i++)
		if (!((line[i] >= '0' && line[i] <= '9') || (line[i] >= 'a' && line[i] <= 'f')))
			return -1;
	if (line[64] != ' ' || (line[65] != ' ' && line[65] != '*') || line[66] == '\0')
		return -1;
	memcpy(hex, line, 64);
	hex[64] = '\0';
	wxf_buf_init(&b);
	for (line += 66; *line; line++) {
		if (esc && *line == '\\' && line[1] == 'n') {
			wxf_buf_putc(&b, '\n');
			line++;
		} else if (esc && *line == '\\' && line[1] == '\\') {
			wxf_buf_putc(&b, '\\');
			line++;
		} else
			wxf_buf_putc(&b, *line);
	}
	*path = wxf_buf_steal(&b);
	return 0;
}

typedef struct strv {
	char **v;
	size_t n, cap;
} strv;

static void
strv_push(strv *s, char *p)
{
	wxf_xgrow((void **)&s->v, &s->cap, s->n + 1, sizeof(char *));
	s->v[s->n++] = p;
}

static void
strv_free(strv *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
walk(const char *root, const char *rel, strv *out, wxf_err *err)
{
	char *dir = rel[0] ? wxf_path_join(root, rel) : wxf_xstrdup(root);
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = WXF_OK;

	if (d == NULL) {
		rc = wxf_err_set(err, WXF_EIO, "%s: %s", dir, strerror(errno));
		free(dir);
		return rc;
	}
	while (rc == WXF_OK && (de = readdir(d)) != NULL) {
		char *r, *full;
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		r = rel[0] ? wxf_path_join(rel, de->d_name) : wxf_xstrdup(de->d_name);
		if (!rel[0] && (strcmp(r, "manifest.sha256") == 0 || strcmp(r, "audit.jsonl") == 0 ||
		    strcmp(r, WXF_SIGN_FILE) == 0)) {
			free(r);
			continue;
		}
		full = wxf_path_join(root, r);
		if (lstat(full, &st) != 0)
			rc = wxf_err_set(err, WXF_EIO, "%s: %s", full, strerror(errno));
		else if (S_ISDIR(st.st_mode))
			rc = walk(root, r, out, err);
		else if (S_ISREG(st.st_mode)) {
			strv_push(out, r);
			r = NULL;
		} else
			rc = wxf_err_set(err, WXF_EUNSUPPORTED, "%s: not a regular file (links and "
			    "special files are not allowed in a bundle)", r);
		free(full);
		free(r);
	}
	closedir(d);
	free(dir);
	return rc;
}

/* ------------------------------------------------------------------------------ manifest */

int
wxf_manifest_write(const char *outdir, const wxf_audit *audit, char hex[65], wxf_err *err)
{
	strv files = { 0 };
	wxf_buf b;
	size_t i;
	int rc;
	char *path;

	rc = walk(outdir, "", &files, err);
	if (rc == WXF_OK && files.n > 1)
		qsort(files.v, files.n, sizeof(char *), str_cmp);
	wxf_buf_init(&b);
	for (i = 0; rc == WXF_OK && i < files.n; i++) {
		char h[65], *full = wxf_path_join(outdir, files.v[i]);
		const char *kept = NULL;
		struct stat st;

		/* a file a writer hashed while writing it, still of that size: its hash as kept */
		if (audit != NULL && lstat(full, &st) == 0 && S_ISREG(st.st_mode))
			kept = wxf_audit_output_sha256(audit, files.v[i], (uint64_t)st.st_size);
		if (kept != NULL)
			memcpy(h, kept, sizeof(h));
		else
			rc = sha256_file(full, h, err);
		free(full);
		if (rc == WXF_OK)
			sum_line(&b, h, files.v[i]);
	}
	if (rc == WXF_OK) {
		path = wxf_path_join(outdir, "manifest.sha256");
		rc = wxf_file_write(path, b.p != NULL ? b.p : "", b.len, err);
		free(path);
		wxf_sha256_hex(b.p != NULL ? b.p : "", b.len, hex);
	}
	wxf_buf_free(&b);
	strv_free(&files);
	return rc;
}

/* ------------------------------------------------------------------------------ evidence */

int
wxf_report_evidence_list(const wxf_report_in *in, const char *outdir, wxf_audit *audit,
    wxf_err *err)
{
	rpt_ctx own, *c = rpt_ctx_use(&own, in);
	wxf_buf b;
	size_t i;
	int rc;

	wxf_buf_init(&b);
	for (i = 0; i < c->n_items; i++) {
		const wxf_item *it = c->items[i];

		if (it->member != NULL || it->before.sha256[0] == '\0' || it->kind == WXF_KIND_SYMLINK)
			continue;
		sum_line(&b, it->before.sha256, it->path);
	}
	rc = rpt_write(outdir, "evidence.sha256", &b, audit, err);
	wxf_buf_free(&b);
	rpt_ctx_done(&own, c);
	return rc;
}

/* ------------------------------------------------------------------------------ verify */

/* Appends an owned line. */
static void
finding(char ***v, size_t *n, char *line)
{
	*v = wxf_xrealloc(*v, (*n + 1) * sizeof(char *));
	(*v)[(*n)++] = line;
}

static void
lines_free(char ***v, size_t *n)
{
	size_t i;

	for (i = 0; i < *n; i++)
		free((*v)[i]);
	free(*v);
	*v = NULL;
	*n = 0;
}

void
wxf_verify_result_free(wxf_verify_result *r)
{
	lines_free(&r->changed, &r->n_changed);
	lines_free(&r->missing, &r->n_missing);
	lines_free(&r->extra, &r->n_extra);
	lines_free(&r->evidence, &r->n_evidence);
}

/* Splits a NUL-terminated text into lines in place; calls fn for each non-empty line. */
static void
each_line(char *text, void (*fn)(void *arg, char *line), void *arg)
{
	char *p = text, *nl;

	while (p != NULL && *p) {
		nl = strchr(p, '\n');
		if (nl != NULL)
			*nl = '\0';
		if (*p)
			fn(arg, p);
		p = nl != NULL ? nl + 1 : NULL;
	}
}

void
wxf_evidence_roots_read(const char *outdir, wxf_evidence_roots *r)
{
	char *path = wxf_path_join(outdir, "audit.jsonl"), *p, *nl, *end;
	uint8_t *text = NULL;
	size_t len = 0;
	wxf_err e;

	memset(r, 0, sizeof(*r));
	wxf_err_clear(&e);
	if (wxf_file_read_small(path, (size_t)1 << 30, &text, &len, &e) != WXF_OK) {
		free(path);
		return;
	}
	free(path);
	end = (char *)text + len;
	for (p = (char *)text; p < end; p = nl + 1) {
		char *name, *real;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (memmem(p, (size_t)(nl - p), "\"action\":\"evidence-root\"", 24) == NULL)
			continue;
		name = wxf_json_get_str(p, (size_t)(nl - p), "name");
		real = wxf_json_get_str(p, (size_t)(nl - p), "realpath");
		if (name == NULL || real == NULL) {
			free(name);
			free(real);
			continue;
		}
		r->name = wxf_xrealloc(r->name, (r->n + 1) * sizeof(*r->name));
		r->realpath = wxf_xrealloc(r->realpath, (r->n + 1) * sizeof(*r->realpath));
		r->name[r->n] = name;
		r->realpath[r->n++] = real;
	}
	free(text);
}

char *
wxf_evidence_locate(const wxf_evidence_roots *r, const char *base, const char *path)
{
	const char *slash = strchr(path, '/');
	size_t nl = slash != NULL ? (size_t)(slash - path) : strlen(path), i;

	if (base != NULL)
		return wxf_path_join(base, path);
	for (i = 0; r != NULL && i < r->n; i++)
		if (strlen(r->name[i]) == nl && strncmp(r->name[i], path, nl) == 0 &&
		    access(r->realpath[i], F_OK) == 0)
			return slash != NULL ? wxf_path_join(r->realpath[i], slash + 1) :
			    wxf_xstrdup(r->realpath[i]);
	return wxf_xstrdup(path);
}

void
wxf_evidence_roots_free(wxf_evidence_roots *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->name[i]);
		free(r->realpath[i]);
	}
	free(r->name);
	free(r->realpath);
	memset(r, 0, sizeof(*r));
}

struct vctx {
	const char *outdir;
	const char *base;
	wxf_evidence_roots roots;
	wxf_verify_result *r;
	strv listed;
	int bad_lines;
};

static void
check_manifest_line(void *arg, char *line)
{
	struct vctx *v = arg;
	char hex[65], h[65], *path = NULL, *full;
	wxf_err e;

	/* a name may hold ".." ("photo..jpg"); a component may not */
	if (sum_parse(line, hex, &path) != 0 || path[0] == '/' || wxf_path_has_dot_component(path)) {
		v->bad_lines++;
		finding(&v->r->changed, &v->r->n_changed, wxf_xasprintf("manifest.sha256: malformed line '%.80s'%s",
		    line, ""));
		free(path);
		return;
	}
	v->r->n_files++;
	full = wxf_path_join(v->outdir, path);
	wxf_err_clear(&e);
	if (access(full, F_OK) != 0 && !wxf_is_regular(full))
		finding(&v->r->missing, &v->r->n_missing, wxf_xasprintf("%s: missing%s", path, ""));
	else if (sha256_file(full, h, &e) != WXF_OK)
		finding(&v->r->changed, &v->r->n_changed, wxf_xasprintf("%s: unreadable (%s)", path, e.msg));
	else if (strcmp(h, hex) != 0)
		finding(&v->r->changed, &v->r->n_changed, wxf_xasprintf("%s: SHA-256 differs from the manifest "
		    "(now %s)", path, h));
	free(full);
	strv_push(&v->listed, path);
}

static void
check_evidence_line(void *arg, char *line)
{
	struct vctx *v = arg;
	char hex[65], h[65], *path = NULL, *full;
	wxf_err e;

	if (sum_parse(line, hex, &path) != 0 || path[0] == '/' || wxf_path_has_dot_component(path)) {
		finding(&v->r->evidence, &v->r->n_evidence, wxf_xasprintf("evidence.sha256: malformed line '%.80s'%s",
		    line, ""));
		free(path);
		return;
	}
	full = wxf_evidence_locate(&v->roots, v->base, path);
	wxf_err_clear(&e);
	if (access(full, F_OK) != 0 && !wxf_is_regular(full))
		v->r->n_evidence_unreachable++;
	else if (sha256_file(full, h, &e) != WXF_OK)
		finding(&v->r->evidence, &v->r->n_evidence, wxf_xasprintf("evidence %s: unreadable (%s)", path, e.msg));
	else {
		v->r->n_evidence_checked++;
		if (strcmp(h, hex) != 0)
			finding(&v->r->evidence, &v->r->n_evidence, wxf_xasprintf("evidence %s: SHA-256 CHANGED (now %s)",
			    path, h));
	}
	free(full);
	free(path);
}

/* A folder whose run began (it has an audit log) but never wrote its manifest: r->incomplete
 * names what is missing and the log's last record (an "error" record carries the reason). */
static void
incomplete(const char *outdir, const char *audit_path, wxf_verify_result *r)
{
	static const char *const parts[] = { "manifest.sha256", "report.html", "timeline.xml",
	    "timeline.jsonl", "evidence.sha256", "csv", NULL };
	uint8_t *text = NULL;
	size_t len = 0, i;
	char *last = NULL, *action = NULL, *msg = NULL, *p, *end;
	unsigned long n = 0;
	wxf_err e;
	wxf_buf miss;

	wxf_err_clear(&e);
	if (wxf_file_read_small(audit_path, (size_t)1 << 30, &text, &len, &e) == WXF_OK) {
		end = (char *)text + len;
		for (p = (char *)text; p < end; ) {
			char *nl = memchr(p, '\n', (size_t)(end - p));

			if (nl == NULL)
				nl = end;
			if (nl > p) {
				last = p;
				free(action);
				free(msg);
				action = wxf_json_get_str(p, (size_t)(nl - p), "action");
				msg = wxf_json_get_str(p, (size_t)(nl - p), "message");
				n++;
			}
			p = nl + 1;
		}
	}
	/* the parts of a finished bundle that are not there */
	wxf_buf_init(&miss);
	for (i = 0; parts[i] != NULL; i++) {
		char *f = wxf_path_join(outdir, parts[i]);
		struct stat st;

		if (lstat(f, &st) != 0)
			wxf_buf_printf(&miss, "%s%s", miss.len ? ", " : "", parts[i]);
		free(f);
	}
	wxf_fmt(r->incomplete, sizeof(r->incomplete), "manifest.sha256 is missing: the run that "
	    "wrote this folder did not finish (audit.jsonl: %lu record(s), the last \"%s\"%s%s); "
	    "missing: %s", n, action != NULL ? action : last != NULL ? "unreadable" : "none",
	    msg != NULL ? ": " : "", msg != NULL ? msg : "", miss.p);
	wxf_buf_free(&miss);
	free(action);
	free(msg);
	free(text);
}

/* The last audit line with "action":"manifest" must carry "manifest_sha256":"<hex>". */
static void
check_audit_manifest(const char *text, wxf_verify_result *r)
{
	const char *p = text, *last = NULL, *q;

	while ((q = strstr(p, "\"action\":\"manifest\"")) != NULL) {
		last = q;
		p = q + 1;
	}
	if (last == NULL) {
		r->audit_ok = 0;
		wxf_fmt(r->audit_msg, sizeof(r->audit_msg), "the audit log has no manifest record");
		return;
	}
	q = strstr(last, "\"manifest_sha256\":\"");
	if (q == NULL || (strchr(last, '\n') != NULL && q > strchr(last, '\n'))) {
		r->audit_ok = 0;
		wxf_fmt(r->audit_msg, sizeof(r->audit_msg), "the audit manifest record has no hash");
		return;
	}
	q += strlen("\"manifest_sha256\":\"");
	if (strncmp(q, r->manifest_sha256, 64) != 0) {
		r->audit_ok = 0;
		wxf_fmt(r->audit_msg, sizeof(r->audit_msg), "manifest.sha256 is not the manifest the "
		    "audit log recorded (recorded %.64s, now %s)", q, r->manifest_sha256);
	}
	/* Anything after the manifest record must be the end of the log, or the record of
	 * report.pdf (which attaches the manifest, so the manifest cannot list it) and then the
	 * end. */
	q = strchr(last, '\n');
	if (r->audit_ok && q != NULL && strncmp(q + 1, "{", 1) == 0 &&
	    strstr(q + 1, "\"action\":\"report-pdf\"") != NULL &&
	    (strchr(q + 1, '\n') == NULL || strchr(q + 1, '\n')[1] == '\0')) {
		const char *sh = strstr(q + 1, "\"sha256\":\"");

		if (sh != NULL && strlen(sh) >= 10 + 64) {
			memcpy(r->pdf_sha256, sh + 10, 64);
			r->pdf_sha256[64] = '\0';
		}
		q = strchr(q + 1, '\n');
	}
	if (r->audit_ok && q != NULL && q[1] != '\0') {
		r->audit_ok = 0;
		wxf_fmt(r->audit_msg, sizeof(r->audit_msg), "audit.jsonl continues after the manifest "
		    "record");
	}
}

int
wxf_verify_bundle(const char *outdir, const char *evidence_base, wxf_verify_result *r,
    wxf_err *err)
{
	struct vctx v;
	strv files = { 0 };
	uint8_t *text = NULL;
	size_t len = 0, i;
	char *path;
	wxf_err e;
	int rc, saw_pdf = 0;

	memset(r, 0, sizeof(*r));
	memset(&v, 0, sizeof(v));
	v.outdir = outdir;
	v.base = evidence_base;
	v.r = r;
	path = wxf_path_join(outdir, "manifest.sha256");
	rc = wxf_file_read_small(path, (size_t)1 << 30, &text, &len, err);
	free(path);
	if (rc != WXF_OK) {
		char *ap = wxf_path_join(outdir, "audit.jsonl"), *mp;
		struct stat st;
		int absent;

		mp = wxf_path_join(outdir, "manifest.sha256");
		absent = lstat(mp, &st) != 0 && errno == ENOENT;
		free(mp);
		if (absent && wxf_is_regular(ap)) {
			incomplete(outdir, ap, r);
			free(ap);
			return wxf_err_set(err, WXF_EVERIFY, "%s: incomplete bundle: %s", outdir,
			    r->incomplete);
		}
		free(ap);
		return wxf_err_wrap(err, WXF_EIO, "%s: not an evidence bundle (no readable "
		    "manifest.sha256)", outdir);
	}
	wxf_sha256_hex(text, len, r->manifest_sha256);
	each_line((char *)text, check_manifest_line, &v);
	free(text);
	text = NULL;

	/* (2) unlisted files */
	wxf_err_clear(&e);
	if (walk(outdir, "", &files, &e) != WXF_OK)
		finding(&r->extra, &r->n_extra, wxf_xasprintf("%s%s", e.msg, ""));
	if (v.listed.n > 1)
		qsort(v.listed.v, v.listed.n, sizeof(char *), str_cmp);
	for (i = 0; i < files.n; i++)
		if (strcmp(files.v[i], "report.pdf") == 0)
			saw_pdf = 1;   /* checked against the audit log below */
		else if (v.listed.n == 0 || bsearch(&files.v[i], v.listed.v, v.listed.n,
		    sizeof(char *), str_cmp) == NULL)
			finding(&r->extra, &r->n_extra, wxf_xasprintf("%s: not in the manifest (added)%s", files.v[i], ""));
	strv_free(&files);
	strv_free(&v.listed);

	/* (3) audit chain */
	path = wxf_path_join(outdir, "audit.jsonl");
	wxf_err_clear(&e);
	r->audit_ok = 1;
	if (wxf_audit_verify(path, &r->n_audit_lines, &e) != WXF_OK) {
		r->audit_ok = 0;
		wxf_fmt(r->audit_msg, sizeof(r->audit_msg), "%s", e.msg);
	} else if (wxf_file_read_small(path, (size_t)1 << 30, &text, &len, &e) == WXF_OK) {
		check_audit_manifest((const char *)text, r);
		free(text);
		text = NULL;
	} else {
		r->audit_ok = 0;
		wxf_fmt(r->audit_msg, sizeof(r->audit_msg), "%s", e.msg);
	}
	free(path);

	/* (3b) report.pdf: the audit log's record after the manifest's holds its hash */
	if (saw_pdf && r->pdf_sha256[0] == '\0')
		finding(&r->extra, &r->n_extra, wxf_xasprintf("report.pdf: not in the manifest and no "
		    "report-pdf record in the audit log (added)%s", ""));
	else if (saw_pdf) {
		char h[65];

		path = wxf_path_join(outdir, "report.pdf");
		wxf_err_clear(&e);
		if (sha256_file(path, h, &e) != WXF_OK)
			finding(&r->changed, &r->n_changed, wxf_xasprintf("report.pdf: unreadable (%s)",
			    e.msg));
		else if (strcmp(h, r->pdf_sha256) != 0)
			finding(&r->changed, &r->n_changed, wxf_xasprintf("report.pdf: SHA-256 differs "
			    "from the audit log's report-pdf record (now %s)", h));
		else
			r->n_files++;
		free(path);
	} else if (r->pdf_sha256[0] != '\0')
		finding(&r->missing, &r->n_missing, wxf_xasprintf("report.pdf: recorded in the audit "
		    "log, missing%s", ""));

	/* (4) evidence */
	wxf_evidence_roots_read(outdir, &v.roots);
	path = wxf_path_join(outdir, "evidence.sha256");
	wxf_err_clear(&e);
	if (wxf_is_file(path) && wxf_file_read_small(path, (size_t)1 << 30, &text, &len, &e) ==
	    WXF_OK) {
		each_line((char *)text, check_evidence_line, &v);
		free(text);
	}
	free(path);
	wxf_evidence_roots_free(&v.roots);

	/* (5) signature */
	wxf_sign_verify(outdir, r);

	if (r->n_changed || r->n_missing || r->n_extra || r->n_evidence || !r->audit_ok ||
	    r->signature < 0)
		return wxf_err_set(err, WXF_EVERIFY, "%s: the bundle does not verify", outdir);
	return WXF_OK;
}
