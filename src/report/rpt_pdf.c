/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report.pdf: the examination report a court files, PDF/A-3b, rendered by WeasyPrint run as an
 * external program (Debian package weasyprint; `case --pdf`).  The document is report.html
 * without the conversations, contacts and fragments (they stay in the HTML): summary, evidence
 * list, decryption, seller card, ledger and CRPL art. 55, the deleted and recovered messages,
 * the messages with indicator hits, glossary, anomalies and limitations, method, processing
 * record and signature lines; every page has the case number and 第 X 页 / 共 Y 页.
 * timeline.xml and manifest.sha256 are attached as PDF/A-3 associated files (WeasyPrint embeds
 * them; pdf_associate below adds what makes them associated files).
 *
 * The manifest cannot list a file that attaches it: report.pdf is written after
 * manifest.sha256 and is not in it.  Its SHA-256 is the audit log's record after the manifest
 * record ("report-pdf", with the SHA-256 of both attachments), which `verify` checks.
 *
 * Reproducible: WeasyPrint takes its dates from SOURCE_DATE_EPOCH, which is set for it to the
 * bundle's one clock value (meta->generated_ms) when the environment has none; the same input
 * gives the same PDF.  The document is written to a private temporary folder, never to OUTDIR.
 */
#include "config.h"
#include "rpt_int.h"
#include "base/wxf_file.h"
#include "base/wxf_hash.h"
#include "base/wxf_mem.h"
#include "base/wxf_fmt.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* environ with SOURCE_DATE_EPOCH set to sde (replacing any). */
static char **
env_with_sde(long long sde)
{
	size_t n = 0, i, k = 0;
	char **e;

	while (environ[n] != NULL)
		n++;
	e = wxf_xcalloc(n + 2, sizeof(*e));
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "SOURCE_DATE_EPOCH=", 18) != 0)
			e[k++] = wxf_xstrdup(environ[i]);
	e[k++] = wxf_xasprintf("SOURCE_DATE_EPOCH=%lld", sde);
	e[k] = NULL;
	return e;
}

static void
env_free(char **e)
{
	size_t i;

	for (i = 0; e[i] != NULL; i++)
		free(e[i]);
	free(e);
}

/* ------------------------------------------------------------------------------------------ */
/* Associated files.  WeasyPrint 57 embeds the attachments but does not make them PDF/A-3
 * associated files (no /AF, no /AFRelationship, no MIME type, an empty /F).  They are added by
 * an incremental update of its output: new versions of the catalog (with /AF), of each file
 * specification (/F, /UF, /Desc, /AFRelationship /Data) and of each embedded file stream (its
 * /Subtype), a new cross-reference section and a trailer with /Prev and the /ID PDF/A asks for
 * (the first 16 bytes of the SHA-256 of the renderer's output: reproducible).  The input is the
 * renderer's own output, parsed only as far as this needs, every access bounded by its length;
 * anything unexpected is an error and no PDF is kept. */

#define PDF_MAX_FILES 4

typedef struct pdf_obj {
	unsigned num;
	size_t off;                  /* in the output */
} pdf_obj;

/* The first occurrence of s in [p, p+n), or NULL. */
static const char *
pdf_find(const char *p, size_t n, const char *s)
{
	return memmem(p, n, s, strlen(s));
}

/* The last occurrence of s in [p, p+n), or NULL. */
static const char *
pdf_rfind(const char *p, size_t n, const char *s)
{
	const char *last = NULL, *q = p;

	while ((q = pdf_find(q, n - (size_t)(q - p), s)) != NULL) {
		last = q;
		q++;
	}
	return last;
}

/* The unsigned value after key (e.g. "/Size ") in the NUL-terminated text t; 0 when absent. */
static unsigned
pdf_num_after(const char *t, const char *key)
{
	const char *k = strstr(t, key);

	return k != NULL ? (unsigned)strtoul(k + strlen(key), NULL, 10) : 0;
}

/* The body of object num (after "num 0 obj\n"), up to its "\nendobj" or, with stream, up to
 * "stream\n"; *len its length.  NULL when not found. */
static const char *
pdf_obj_body(const char *d, size_t n, unsigned num, int stream, size_t *len)
{
	char hdr[40];
	const char *b, *e;

	wxf_fmt(hdr, sizeof(hdr), "\n%u 0 obj\n", num);
	if ((b = pdf_find(d, n, hdr)) == NULL)
		return NULL;
	b += strlen(hdr);
	e = pdf_find(b, n - (size_t)(b - d), stream ? ">>\nstream\n" : "\nendobj");
	if (e == NULL)
		return NULL;
	*len = (size_t)(e - b) + (stream ? 3 : 0);
	return b;
}

static int
pdf_obj_cmp(const void *a, const void *b)
{
	unsigned x = ((const pdf_obj *)a)->num, y = ((const pdf_obj *)b)->num;

	return x < y ? -1 : x > y;
}

/* d[0..n) is the renderer's PDF, NUL-terminated at d[n], and out already holds it; appends the
 * update to out. */
static int
pdf_associate(const char *d, size_t n, wxf_buf *out, wxf_err *err)
{
	const char *tr, *sx, *body, *fs;
	char trailer[512], hex[65];
	unsigned size, root, info, prev, efnum[PDF_MAX_FILES], fsnum[PDF_MAX_FILES];
	pdf_obj objs[1 + 2 * PDF_MAX_FILES];
	size_t n_files = 0, n_objs = 0, blen, i, xref;
	wxf_buf af;

	/* the classic trailer WeasyPrint (pydyf) writes */
	if ((sx = pdf_rfind(d, n, "startxref\n")) == NULL || (tr = pdf_rfind(d, n, "trailer\n<<")) ==
	    NULL || tr > sx || (size_t)(sx - tr) >= sizeof(trailer))
		return wxf_err_set(err, WXF_EIO, "report.pdf: no classic trailer in the renderer's "
		    "output");
	memcpy(trailer, tr, (size_t)(sx - tr));
	trailer[sx - tr] = '\0';
	size = pdf_num_after(trailer, "/Size ");
	root = pdf_num_after(trailer, "/Root ");
	info = pdf_num_after(trailer, "/Info ");
	prev = (unsigned)strtoul(sx + 10, NULL, 10);
	if (size == 0 || root == 0 || prev == 0 || strstr(trailer, "/Prev") != NULL)
		return wxf_err_set(err, WXF_EIO, "report.pdf: unexpected trailer in the renderer's "
		    "output");
	/* each file specification: "N 0 obj\n<<\n/Type /Filespec\n/F ()\n/UF (name)\n/EF <<\n
	 * /F M 0 R" */
	for (fs = d; (fs = pdf_find(fs, n - (size_t)(fs - d), "obj\n<<\n/Type /Filespec\n")) !=
	    NULL; fs++) {
		const char *h = fs, *ef;
		char name[64];

		while (h > d && h[-1] != '\n')
			h--;
		if (n_files == PDF_MAX_FILES || sscanf(h, "%u 0 obj", &fsnum[n_files]) != 1 ||
		    (ef = pdf_find(fs, n - (size_t)(fs - d) < 200 ? n - (size_t)(fs - d) : 200,
		    "/EF <<\n/F ")) == NULL || sscanf(ef + 10, "%u 0 R", &efnum[n_files]) != 1 ||
		    sscanf(fs, "obj\n<<\n/Type /Filespec\n/F ()\n/UF (%63[^)])", name) != 1)
			return wxf_err_set(err, WXF_EIO, "report.pdf: unexpected attachment in the "
			    "renderer's output");
		n_files++;
	}
	if (n_files == 0)
		return wxf_err_set(err, WXF_EIO, "report.pdf: the renderer attached nothing");
	wxf_sha256_hex((const uint8_t *)d, n, hex);

	if (n == 0 || d[n - 1] != '\n')
		wxf_buf_putc(out, '\n');
	/* the catalog with /AF */
	if ((body = pdf_obj_body(d, n, root, 0, &blen)) == NULL || blen < 3 ||
	    strncmp(body, "<<\n", 3) != 0)
		return wxf_err_set(err, WXF_EIO, "report.pdf: catalog not found in the renderer's "
		    "output");
	wxf_buf_init(&af);
	for (i = 0; i < n_files; i++)
		wxf_buf_printf(&af, "%s%u 0 R", i ? " " : "", fsnum[i]);
	objs[n_objs].num = root;
	objs[n_objs++].off = out->len;
	wxf_buf_printf(out, "%u 0 obj\n<<\n/AF [%s]\n", root, af.p);
	wxf_buf_add(out, body + 3, blen - 3);
	wxf_buf_puts(out, "\nendobj\n");
	wxf_buf_free(&af);
	for (i = 0; i < n_files; i++) {
		const char *sb, *fb;
		char name[64];
		size_t flen, slen;
		const char *mime;
		unsigned long long dlen;

		/* the file specification */
		if ((fb = pdf_obj_body(d, n, fsnum[i], 0, &flen)) == NULL ||
		    sscanf(fb, "<<\n/Type /Filespec\n/F ()\n/UF (%63[^)])", name) != 1)
			return wxf_err_set(err, WXF_EIO, "report.pdf: attachment %u not found", fsnum[i]);
		mime = strcmp(name + (strlen(name) > 4 ? strlen(name) - 4 : 0), ".xml") == 0 ?
		    "/application#2Fxml" : "/text#2Fplain";
		objs[n_objs].num = fsnum[i];
		objs[n_objs++].off = out->len;
		wxf_buf_printf(out, "%u 0 obj\n<<\n/Type /Filespec\n/F (%s)\n/UF (%s)\n/EF <<\n"
		    "/F %u 0 R\n/UF %u 0 R\n>>\n/Desc (%s)\n/AFRelationship /Data\n>>\nendobj\n",
		    fsnum[i], name, name, efnum[i], efnum[i], strcmp(mime, "/text#2Fplain") == 0 ?
		    "SHA-256 of every file of the evidence bundle" :
		    "timeline: events and findings (DFXML 2.0)");
		/* the embedded file stream, with its MIME type */
		if ((sb = pdf_obj_body(d, n, efnum[i], 1, &slen)) == NULL || slen < 3 ||
		    strncmp(sb, "<<\n", 3) != 0 || strstr(name, "\\") != NULL)
			return wxf_err_set(err, WXF_EIO, "report.pdf: embedded file %u not found",
			    efnum[i]);
		{
			char dict[512];
			const char *lp;

			if (slen >= sizeof(dict))
				return wxf_err_set(err, WXF_EIO, "report.pdf: embedded file %u: long "
				    "dictionary", efnum[i]);
			memcpy(dict, sb, slen);
			dict[slen] = '\0';
			if ((lp = strstr(dict, "/Length ")) == NULL ||
			    (dlen = strtoull(lp + 8, NULL, 10)) == 0 ||
			    dlen > n - (size_t)(sb - d) - slen - 7)
				return wxf_err_set(err, WXF_EIO, "report.pdf: embedded file %u: bad "
				    "length", efnum[i]);
		}
		objs[n_objs].num = efnum[i];
		objs[n_objs++].off = out->len;
		wxf_buf_printf(out, "%u 0 obj\n<<\n/Subtype %s\n", efnum[i], mime);
		wxf_buf_add(out, sb + 3, slen - 3 + 7);   /* the rest of the dictionary, "stream\n" */
		wxf_buf_add(out, sb + slen + 7, (size_t)dlen);
		wxf_buf_puts(out, "\nendstream\nendobj\n");
	}
	/* the cross-reference section of the update and its trailer */
	qsort(objs, n_objs, sizeof(objs[0]), pdf_obj_cmp);
	xref = out->len;
	wxf_buf_puts(out, "xref\n");
	for (i = 0; i < n_objs; i++)
		wxf_buf_printf(out, "%u 1\n%010zu 00000 n \n", objs[i].num, objs[i].off);
	wxf_buf_printf(out, "trailer\n<<\n/Size %u\n/Root %u 0 R\n", size, root);
	if (info != 0)
		wxf_buf_printf(out, "/Info %u 0 R\n", info);
	wxf_buf_printf(out, "/Prev %u\n/ID [<%.32s> <%.32s>]\n>>\nstartxref\n%zu\n%%%%EOF\n", prev,
	    hex, hex, xref);
	return WXF_OK;
}

int
wxf_report_pdf(const wxf_report_in *in, const char *outdir, const char *renderer,
    wxf_audit *audit, char hex[65], wxf_err *err)
{
	const char *sde_env = getenv("SOURCE_DATE_EPOCH");
	char tmpl[] = "/tmp/wxf-pdf-XXXXXX", *dir, *html, *tl, *mf, *out, *tdir, mfh[65];
	char **env;
	const char *argv[12];
	wxf_buf b, rec;
	wxf_hashes h;
	pid_t pid;
	long long sde;
	int st = 0, rc;
	uint8_t *d = NULL;
	size_t n = 0;
	wxf_err e;

	tdir = getenv("TMPDIR");
	if (tdir != NULL && *tdir == '/') {
		char *t = wxf_xasprintf("%s/wxf-pdf-XXXXXX", tdir);

		dir = mkdtemp(t);
		if (dir == NULL)
			free(t);
	} else
		dir = mkdtemp(tmpl) != NULL ? wxf_xstrdup(tmpl) : NULL;
	if (dir == NULL)
		return wxf_err_set(err, WXF_EIO, "report.pdf: no temporary folder: %s",
		    strerror(errno));
	html = wxf_path_join(dir, "report.html");
	wxf_buf_init(&b);
	mf = wxf_path_join(outdir, "manifest.sha256");
	mfh[0] = '\0';
	wxf_err_clear(&e);
	if (wxf_file_read_small(mf, (size_t)1 << 31, &d, &n, &e) == WXF_OK) {
		wxf_sha256_hex(d, n, mfh);
		free(d);
		d = NULL;
	} else if (e.code == WXF_ENOMEM)
		wxf_oom(0);     /* every page's footer names the manifest: not left out quietly */
	rpt_html_print(in, outdir, mfh[0] ? mfh : NULL, &b);
	rc = wxf_file_write(html, b.p, b.len, err);
	wxf_buf_free(&b);
	tl = wxf_path_join(outdir, "timeline.xml");
	out = wxf_path_join(outdir, "report.pdf");
	if (sde_env != NULL && *sde_env != '\0')
		sde = strtoll(sde_env, NULL, 10);
	else
		sde = in->meta->generated_ms / 1000;
	env = env_with_sde(sde);
	argv[0] = renderer;
	argv[1] = "--quiet";
	argv[2] = "--pdf-variant";
	argv[3] = "pdf/a-3b";
	argv[4] = "--attachment";
	argv[5] = tl;
	argv[6] = "--attachment";
	argv[7] = mf;
	argv[8] = html;
	argv[9] = out;
	argv[10] = NULL;
	if (rc == WXF_OK) {
		rc = posix_spawnp(&pid, renderer, NULL, NULL, (char *const *)argv, env);
		if (rc != 0)
			rc = wxf_err_set(err, WXF_EIO, "report.pdf: cannot run %s: %s", renderer,
			    strerror(rc));
		else if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			rc = wxf_err_set(err, WXF_EIO, "report.pdf: %s failed (exit status %d)",
			    renderer, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		else
			rc = WXF_OK;
	}
	env_free(env);
	if (rc != WXF_OK)
		unlink(out);   /* no partial PDF in the bundle */
	unlink(html);
	rmdir(dir);
	free(html);
	free(dir);
	wxf_err_clear(&e);
	if (rc == WXF_OK && (rc = wxf_file_read_small(out, (size_t)1 << 31, &d, &n, err)) ==
	    WXF_OK) {
		uint8_t *z = realloc(d, n + 1);
		wxf_buf up;

		/* the attachments made associated files (an incremental update) */
		if (z == NULL) {
			free(d);
			d = NULL;
			rc = wxf_err_set(err, WXF_ENOMEM, "report.pdf: out of memory");
		} else {
			d = z;
			d[n] = '\0';
			wxf_buf_init(&up);
			wxf_buf_add(&up, d, n);
			if ((rc = pdf_associate((const char *)d, n, &up, err)) == WXF_OK)
				rc = wxf_file_write(out, up.p, up.len, err);
			free(d);
			d = (uint8_t *)up.p;
			n = up.len;
		}
		if (rc != WXF_OK) {
			free(d);
			unlink(out);
			goto done;
		}
		if (wxf_hash_buf(d, n, &h) != WXF_OK)
			wxf_oom(n);   /* the report layer stops on no memory (src/README.md) */
		free(d);
		wxf_fmt(hex, 65, "%s", h.sha256);
		if (audit != NULL) {
			char tlh[65];

			wxf_buf_init(&rec);
			tlh[0] = '\0';
			if (wxf_file_read_small(tl, (size_t)1 << 31, &d, &n, &e) == WXF_OK) {
				wxf_sha256_hex(d, n, tlh);
				free(d);
			} else if (e.code == WXF_ENOMEM)
				wxf_oom(0);
			wxf_buf_printf(&rec, "\"output\":\"report.pdf\",\"sha256\":\"%s\",\"variant\":"
			    "\"PDF/A-3b\",\"renderer\":", h.sha256);
			wxf_buf_json_str(&rec, renderer, strlen(renderer));
			wxf_buf_printf(&rec, ",\"attachments\":{\"timeline.xml\":\"%s\","
			    "\"manifest.sha256\":\"%s\"}", tlh, mfh);
			wxf_audit_add(audit, "report-pdf", rec.p, NULL);
			wxf_buf_free(&rec);
		}
	}
done:
	free(tl);
	free(mf);
	free(out);
	return rc;
}
