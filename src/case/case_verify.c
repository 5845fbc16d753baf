/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `verify --provenance`: every <provenance> of a written bundle's timeline.xml checked again
 * (case_cite.c has the check).  The timeline is read as a stream (libxml2's xmlTextReader, no
 * network, no DTD, no entity expansion), so a bundle of millions of events needs no more memory
 * than one event.  What each provenance must hold:
 *
 *   event (message)   the event's <text>, unless it came from a witness (<text witness="n">)
 *                     or is a placeholder (<text placeholder="true">)
 *   event (contact)   the value of its <contact>
 *   witness           the witness's <text>
 *   identity          its username;  attribute: its value
 *   anything else     its range_sha256 only (the <findings>: the seller's identifiers, ledger
 *                     rows and indicator hits cite records whose text is checked above)
 *
 * Only elements of our namespace (WXF_TIMELINE_NS) count: the DFXML part around them has
 * names of its own.
 * The file is the image below the bundle (image="work/..."), or the evidence file located as
 * `verify` locates evidence (wxf_evidence_locate).  A timeline that cannot be read, an image path
 * that leaves the bundle, a provenance without range_sha256: all failures, each named.
 */
#include "config.h"
#include "case/case.h"
#include "base/wxf_buf.h"
#include "base/wxf_file.h"
#include "base/wxf_mem.h"
#include "report/report.h"

#include <libxml/xmlreader.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_LISTED 200

typedef struct vstate {
	const char *outdir, *base;
	wxf_evidence_roots roots;
	wxf_cite_cache *cache;
	wxf_cite_result *r;
	char *item;            /* id of the event/fragment, username of the identity */
	char *ev_type;
	char *ev_text;         /* <text> of the event (message), value of <contact> */
	char *wit_text;        /* <text> of the current witness */
	char *id_text;         /* username of the current identity */
	char *attr_text;       /* value of the current attribute */
	long wit_n;            /* current witness, 0 outside */
	int in_attr, in_ident;
	int in_findings;       /* inside <findings>: ranges only */
} vstate;

static char *
attr(xmlTextReaderPtr rd, const char *name)
{
	xmlChar *v = xmlTextReaderGetAttribute(rd, (const xmlChar *)name);
	char *s;

	if (v == NULL)
		return NULL;
	s = wxf_xstrdup((const char *)v);
	xmlFree(v);
	return s;
}

static void
set(char **dst, char *v)
{
	free(*dst);
	*dst = v;
}

static void
fail(vstate *v, const char *why)
{
	wxf_cite_result *r = v->r;

	r->n_failed++;
	if (r->n_listed < MAX_LISTED) {
		r->listed = wxf_xrealloc(r->listed, (r->n_listed + 1) * sizeof(*r->listed));
		if (v->wit_n > 0)
			r->listed[r->n_listed++] = wxf_xasprintf("%s witness %ld: %s",
			    v->item != NULL ? v->item : "(item)", v->wit_n, why);
		else
			r->listed[r->n_listed++] = wxf_xasprintf("%s: %s", v->item != NULL ? v->item :
			    "(item)", why);
	}
}

/* An image path stays inside the bundle: relative, no ".." component. */
static int
inside_bundle(const char *p)
{
	const char *s = p;

	if (*p == '\0' || *p == '/')
		return 0;
	while (*s != '\0') {
		const char *e = strchr(s, '/');
		size_t l = e != NULL ? (size_t)(e - s) : strlen(s);

		if (l == 2 && s[0] == '.' && s[1] == '.')
			return 0;
		s += l;
		while (*s == '/')
			s++;
	}
	return 1;
}

static int
parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (*end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

static void
check_prov(vstate *v, xmlTextReaderPtr rd)
{
	char *file = attr(rd, "file"), *image = attr(rd, "image"), *off = attr(rd, "offset");
	char *len = attr(rd, "length"), *page = attr(rd, "page"), *frame = attr(rd, "frame");
	char *want = attr(rd, "range_sha256"), *path = NULL, hex[65], buf[1024];
	const char *text = NULL, *shown;
	uint64_t o = 0, l = 0, pg = 0, fr = 0;
	wxf_cite_ref ref;
	wxf_err e;
	int ok;

	if (v->in_findings)
		text = NULL;
	else if (v->wit_n > 0)
		text = v->wit_text;
	else if (v->in_attr)
		text = v->attr_text;
	else if (v->in_ident)
		text = v->id_text;
	else
		text = v->ev_text;
	shown = image != NULL ? image : file;
	v->r->n_checked++;
	if (shown == NULL || parse_u64(off, UINT64_MAX, &o) != 0 ||
	    parse_u64(len, UINT32_MAX, &l) != 0 ||
	    (page != NULL && parse_u64(page, UINT32_MAX, &pg) != 0) ||
	    (frame != NULL && parse_u64(frame, UINT32_MAX, &fr) != 0)) {
		fail(v, "provenance without a valid file, offset or length");
		goto out;
	}
	if (image != NULL && !inside_bundle(image)) {
		snprintf(buf, sizeof(buf), "image %s lies outside the bundle", image);
		fail(v, buf);
		goto out;
	}
	if (want == NULL) {
		snprintf(buf, sizeof(buf), "no range_sha256 for bytes %llu+%llu of %s",
		    (unsigned long long)o, (unsigned long long)l, shown);
		fail(v, buf);
		goto out;
	}
	path = image != NULL ? wxf_path_join(v->outdir, image) :
	    wxf_evidence_locate(&v->roots, v->base, file);
	memset(&ref, 0, sizeof(ref));
	ref.offset = o;
	ref.length = (uint32_t)l;
	ref.pgno = (uint32_t)pg;
	ref.frame = (uint32_t)fr;
	ref.name = shown;
	if (text != NULL) {
		/* the text as the bundle shows it is already in its visible form */
		ref.needle_len = wxf_cite_needle(text, strlen(text), &ref.needle);
	}
	wxf_err_clear(&e);
	if (wxf_cite_check(v->cache, path, &ref, hex, &ok, &e) != WXF_OK) {
		if (image == NULL && !wxf_is_file(path))
			snprintf(buf, sizeof(buf), "evidence file %s not reachable (give -C DIR, the "
			    "folder holding the evidence)", file);
		else if (e.code == WXF_ECORRUPT)
			snprintf(buf, sizeof(buf), "bytes %llu+%llu lie beyond the end of %s",
			    (unsigned long long)o, (unsigned long long)l, shown);
		else
			snprintf(buf, sizeof(buf), "%s cannot be read", shown);
		fail(v, buf);
		goto out;
	}
	if (strcmp(hex, want) != 0) {
		snprintf(buf, sizeof(buf), "the SHA-256 of bytes %llu+%llu of %s is %s, the bundle says "
		    "%s", (unsigned long long)o, (unsigned long long)l, shown, hex, want);
		fail(v, buf);
		goto out;
	}
	if (ok >= 0)
		v->r->n_text++;
	if (ok == 0) {
		snprintf(buf, sizeof(buf), "bytes %llu+%llu of %s do not hold the reported text "
		    "\"%.*s\"", (unsigned long long)o, (unsigned long long)l, shown,
		    (int)ref.needle_len, ref.needle);
		fail(v, buf);
	}
out:
	free(path);
	free(file);
	free(image);
	free(off);
	free(len);
	free(page);
	free(frame);
	free(want);
}

/* The text content of the current element (the reader stays on it). */
static char *
elem_text(xmlTextReaderPtr rd)
{
	xmlChar *t = xmlTextReaderReadString(rd);
	char *s;

	if (t == NULL)
		return wxf_xstrdup("");
	s = wxf_xstrdup((const char *)t);
	xmlFree(t);
	return s;
}

/* Inside <findings>: a failure names the element holding the provenance and its reference. */
static void
on_start_findings(vstate *v, xmlTextReaderPtr rd, const char *name)
{
	char *ref;

	if (strcmp(name, "provenance") == 0) {
		check_prov(v, rd);
		return;
	}
	ref = attr(rd, "ref");
	if (ref == NULL)
		ref = attr(rd, "payment");
	if (ref == NULL)
		ref = attr(rd, "username");
	if (ref != NULL) {
		set(&v->item, wxf_xasprintf("findings %s %s", name, ref));
		free(ref);
	}
}

static void
on_start(vstate *v, xmlTextReaderPtr rd, const char *name)
{
	if (strcmp(name, "findings") == 0) {
		v->in_findings = 1;
		set(&v->item, wxf_xstrdup("findings"));
	} else if (v->in_findings)
		on_start_findings(v, rd, name);
	else if (strcmp(name, "event") == 0 || strcmp(name, "fragment") == 0) {
		set(&v->item, attr(rd, "id"));
		set(&v->ev_type, attr(rd, "type"));
		set(&v->ev_text, NULL);
		v->wit_n = 0;
	} else if (strcmp(name, "identity") == 0) {
		set(&v->item, attr(rd, "username"));
		set(&v->id_text, attr(rd, "username"));
		v->in_ident = 1;
	} else if (strcmp(name, "attribute") == 0 && v->in_ident) {
		set(&v->attr_text, attr(rd, "value"));
		v->in_attr = 1;
	} else if (strcmp(name, "witness") == 0) {
		char *n = attr(rd, "n");

		v->wit_n = n != NULL ? strtol(n, NULL, 10) : 0;
		if (v->wit_n <= 0)
			v->wit_n = 1;
		free(n);
		set(&v->wit_text, NULL);
	} else if (strcmp(name, "text") == 0) {
		if (v->wit_n > 0)
			set(&v->wit_text, elem_text(rd));
		else if (v->ev_type != NULL && strcmp(v->ev_type, "message") == 0) {
			char *w = attr(rd, "witness"), *ph = attr(rd, "placeholder");

			/* text taken from a witness is checked there, not in the row's bytes; a
			 * placeholder describes bytes it is not */
			set(&v->ev_text, w == NULL && ph == NULL ? elem_text(rd) : NULL);
			free(w);
			free(ph);
		}
	} else if (strcmp(name, "contact") == 0)
		set(&v->ev_text, attr(rd, "value"));
	else if (strcmp(name, "provenance") == 0)
		check_prov(v, rd);
}

static void
on_end(vstate *v, const char *name)
{
	if (strcmp(name, "findings") == 0) {
		v->in_findings = 0;
		set(&v->item, NULL);
	} else if (v->in_findings)
		return;
	else if (strcmp(name, "witness") == 0) {
		v->wit_n = 0;
		set(&v->wit_text, NULL);
	} else if (strcmp(name, "attribute") == 0) {
		v->in_attr = 0;
		set(&v->attr_text, NULL);
	} else if (strcmp(name, "identity") == 0) {
		v->in_ident = 0;
		set(&v->id_text, NULL);
		set(&v->item, NULL);
	} else if (strcmp(name, "event") == 0 || strcmp(name, "fragment") == 0) {
		set(&v->item, NULL);
		set(&v->ev_type, NULL);
		set(&v->ev_text, NULL);
	}
}

int
wxf_cite_verify_bundle(const char *outdir, const char *evidence_base, wxf_cite_result *r,
    wxf_err *err)
{
	char *path = wxf_path_join(outdir, "timeline.xml");
	xmlTextReaderPtr rd;
	vstate v;
	int ret, rc = WXF_OK, fd;

	memset(r, 0, sizeof(*r));
	memset(&v, 0, sizeof(v));
	/* a bundle is checked as hostile input: no link followed, no FIFO waited on */
	if ((fd = wxf_open_ro(path, NULL, err)) < 0) {
		free(path);
		return wxf_err_wrap(err, WXF_EIO, "%s: no readable timeline.xml", outdir);
	}
	rd = xmlReaderForFd(fd, path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	if (rd == NULL) {
		close(fd);
		rc = wxf_err_set(err, WXF_EIO, "%s: cannot be read", path);
		free(path);
		return rc;
	}
	v.outdir = outdir;
	v.base = evidence_base;
	v.r = r;
	v.cache = wxf_cite_new();
	wxf_evidence_roots_read(outdir, &v.roots);
	while ((ret = xmlTextReaderRead(rd)) == 1) {
		int type = xmlTextReaderNodeType(rd);
		const char *name = (const char *)xmlTextReaderConstLocalName(rd);
		const char *ns = (const char *)xmlTextReaderConstNamespaceUri(rd);

		/* the tool never writes a DOCTYPE: one can only declare entities (expansion bombs) */
		if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
			ret = 2;
			break;
		}
		if (name == NULL || ns == NULL || strcmp(ns, WXF_TIMELINE_NS) != 0)
			continue;
		if (type == XML_READER_TYPE_ELEMENT) {
			int empty = xmlTextReaderIsEmptyElement(rd);

			on_start(&v, rd, name);
			if (empty == 1)
				on_end(&v, name);
		} else if (type == XML_READER_TYPE_END_ELEMENT)
			on_end(&v, name);
	}
	if (ret == 2)
		rc = wxf_err_set(err, WXF_ECORRUPT, "%s: holds a DOCTYPE, which the tool never "
		    "writes: refused (%zu provenances read before it)", path, r->n_checked);
	else if (ret != 0)
		rc = wxf_err_set(err, WXF_ECORRUPT, "%s: not well-formed XML (read as far as it "
		    "goes: %zu provenances)", path, r->n_checked);
	xmlFreeTextReader(rd);
	close(fd);
	free(path);
	free(v.item);
	free(v.ev_type);
	free(v.ev_text);
	free(v.wit_text);
	free(v.id_text);
	free(v.attr_text);
	wxf_evidence_roots_free(&v.roots);
	wxf_cite_free(&v.cache);
	return rc;
}
