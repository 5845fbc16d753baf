/* SPDX-License-Identifier: Apache-2.0 */
/* Hardened XML parsing of evidence and the SharedPreferences reader; the rules are in wxf_xml.h. */
#include "config.h"
#include "wxf_xml.h"
#include "wxf_err.h"

#include <limits.h>
#include <libxml/parser.h>
#include <string.h>

void
wxf_xml_init(void)
{
	xmlInitParser();
}

int
wxf_xml_looks_like(const char *s, size_t n)
{
	size_t i = 0;

	if (n >= 3 && (unsigned char)s[0] == 0xef && (unsigned char)s[1] == 0xbb &&
	    (unsigned char)s[2] == 0xbf)
		i = 3;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
		i++;
	return i < n && s[i] == '<';
}

/* Looks at the prolog (XML declaration, comments, PIs, blanks) and returns 1 if a DOCTYPE
 * follows it.  Also returns 1 if a "<!" other than a comment starts the prolog. */
static int
prolog_has_doctype(const char *s, size_t n)
{
	size_t i = 0;

	if (n >= 3 && (unsigned char)s[0] == 0xef && (unsigned char)s[1] == 0xbb &&
	    (unsigned char)s[2] == 0xbf)
		i = 3;
	for (;;) {
		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
			i++;
		if (i + 1 >= n || s[i] != '<')
			return 0;
		if (s[i + 1] == '?') {
			const char *e = NULL;

			for (size_t j = i + 2; j + 1 < n; j++)
				if (s[j] == '?' && s[j + 1] == '>') {
					e = s + j;
					break;
				}
			if (e == NULL)
				return 0; /* unterminated: libxml2 will reject it */
			i = (size_t)(e - s) + 2;
			continue;
		}
		if (s[i + 1] == '!') {
			if (i + 3 < n && s[i + 2] == '-' && s[i + 3] == '-') {
				size_t j;

				for (j = i + 4; j + 2 < n; j++)
					if (s[j] == '-' && s[j + 1] == '-' && s[j + 2] == '>')
						break;
				if (j + 2 >= n)
					return 0;
				i = j + 3;
				continue;
			}
			return 1; /* <!DOCTYPE, <!ENTITY, <![CDATA[ before the root: refuse */
		}
		return 0; /* the root element */
	}
}

/* Skips from s[i] to just past the first occurrence of `end` (NUL-terminated, at least one byte);
 * returns n when it does not occur. */
static size_t
skip_past(const char *s, size_t n, size_t i, const char *end)
{
	size_t l = strlen(end);

	for (; i + l <= n; i++)
		if (s[i] == end[0] && memcmp(s + i, end, l) == 0)
			return i + l;
	return n;
}

int
wxf_xml_nesting(const char *s, size_t n, int max_depth, size_t max_elems, size_t *at)
{
	size_t i = 0, elems = 0;
	int depth = 0;

	*at = 0;
	while (i < n) {
		size_t open;
		char q = 0;

		if (s[i] != '<') {
			i++;
			continue;
		}
		open = i;
		if (i + 3 < n && memcmp(s + i, "<!--", 4) == 0) {
			i = skip_past(s, n, i + 4, "-->");
			continue;
		}
		if (i + 8 < n && memcmp(s + i, "<![CDATA[", 9) == 0) {
			i = skip_past(s, n, i + 9, "]]>");
			continue;
		}
		if (i + 1 < n && s[i + 1] == '?') {
			i = skip_past(s, n, i + 2, "?>");
			continue;
		}
		if (i + 1 < n && (s[i + 1] == '/' || s[i + 1] == '!')) {
			if (s[i + 1] == '/' && depth > 0)
				depth--;
			i = skip_past(s, n, i + 2, ">");
			continue;
		}
		/* a start tag: find its '>' outside attribute quotes */
		for (i++; i < n; i++) {
			if (q != 0) {
				if (s[i] == q)
					q = 0;
			} else if (s[i] == '"' || s[i] == '\'') {
				q = s[i];
			} else if (s[i] == '>') {
				break;
			}
		}
		if (i >= n)
			return 0; /* unterminated: the parser rejects it */
		if (++elems > max_elems) {
			*at = open;
			return 2;
		}
		if (s[i - 1] != '/' && ++depth > max_depth) {
			*at = open;
			return 1;
		}
		i++;
	}
	return 0;
}

static int
tree_ok(xmlNodePtr root, const wxf_xml_limits *lim)
{
	xmlNodePtr n = root;
	int depth = 0;
	size_t count = 0;

	/* iterative pre-order walk over element and text nodes */
	while (n != NULL) {
		if (++count > lim->max_nodes)
			return 0;
		if (n->children != NULL && n->type == XML_ELEMENT_NODE) {
			if (++depth > lim->max_depth)
				return 0;
			n = n->children;
			continue;
		}
		while (n != NULL && n->next == NULL) {
			n = n->parent;
			if (n == NULL || n == root->parent)
				return 1;
			depth--;
			if (n == root)
				return 1;
		}
		if (n == NULL || n == root)
			return 1;
		n = n->next;
	}
	return 1;
}

const char wxf_xml_enomem[] = "out of memory";

xmlDocPtr
wxf_xml_parse_at(const char *s, size_t n, const wxf_xml_limits *lim, const char **why, size_t *at)
{
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	xmlNodePtr root;
	size_t off;
	int over, oom;

	*why = NULL;
	if (at != NULL)
		*at = (size_t)-1;
	if (s == NULL || n == 0) {
		*why = "empty";
		return NULL;
	}
	if (n > lim->max_size || n > INT_MAX) {
		*why = "XML larger than the size limit";
		return NULL;
	}
	if (prolog_has_doctype(s, n)) {
		*why = "XML with a DOCTYPE/DTD (refused: possible entity attack)";
		return NULL;
	}
	/* the nesting is measured before libxml2 builds (and later frees) a tree of it: the root
	 * element is level 1, its children level 2, ... */
	if ((over = wxf_xml_nesting(s, n, lim->max_depth + 1, lim->max_nodes, &off)) != 0) {
		*why = over == 1 ? "XML nested deeper than the depth limit" :
		    "XML with more elements than the node limit";
		if (at != NULL)
			*at = off;
		return NULL;
	}
	/* a parser context of our own: its error says whether libxml2 ran out of memory, which
	 * is not a property of the evidence and must not be reported as malformed XML */
	if ((ctxt = xmlNewParserCtxt()) == NULL) {
		*why = wxf_xml_enomem;
		return NULL;
	}
	doc = xmlCtxtReadMemory(ctxt, s, (int)n, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	oom = ctxt->errNo == XML_ERR_NO_MEMORY;
	xmlFreeParserCtxt(ctxt);
	if (oom) {
		xmlFreeDoc(doc);
		*why = wxf_xml_enomem;
		return NULL;
	}
	if (doc == NULL) {
		*why = "malformed XML";
		return NULL;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		xmlFreeDoc(doc);
		*why = "XML with a DOCTYPE/DTD (refused: possible entity attack)";
		return NULL;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL) {
		xmlFreeDoc(doc);
		*why = "XML without a root element";
		return NULL;
	}
	if (!tree_ok(root, lim)) {
		xmlFreeDoc(doc);
		*why = "XML nested too deep or too many nodes";
		return NULL;
	}
	return doc;
}

xmlDocPtr
wxf_xml_parse_lim(const char *s, size_t n, const wxf_xml_limits *lim, const char **why)
{
	return wxf_xml_parse_at(s, n, lim, why, NULL);
}

xmlDocPtr
wxf_xml_parse(const char *s, size_t n, const char **why)
{
	static const wxf_xml_limits msg = { WXF_XML_MAX_SIZE, WXF_XML_MAX_DEPTH, WXF_XML_MAX_NODES };

	return wxf_xml_parse_lim(s, n, &msg, why);
}

xmlNodePtr
wxf_xml_child(xmlNodePtr n, const char *name)
{
	if (n == NULL)
		return NULL;
	for (xmlNodePtr c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

xmlNodePtr
wxf_xml_path(xmlNodePtr n, const char *path)
{
	char seg[128];

	while (n != NULL && path != NULL && *path != '\0') {
		const char *e = strchr(path, '/');
		size_t l = e != NULL ? (size_t)(e - path) : strlen(path);

		if (l == 0 || l >= sizeof(seg))
			return NULL;
		memcpy(seg, path, l);
		seg[l] = '\0';
		n = wxf_xml_child(n, seg);
		path = e != NULL ? e + 1 : NULL;
	}
	return n;
}

/* SharedPreferences are flat (map > entry, a <set> one level more); Android caps none of this,
 * so the limits are generous and only bound the work. */
static const wxf_xml_limits prefs_limits = { (size_t)4 << 20, 8, 200000 };

int
wxf_xml_prefs(const char *data, size_t n, wxf_xml_prefs_cb cb, void *arg, const char **why)
{
	xmlDocPtr doc = wxf_xml_parse_lim(data, n, &prefs_limits, why);
	xmlNodePtr root;

	if (doc == NULL)
		return *why == wxf_xml_enomem ? WXF_ENOMEM : WXF_ECORRUPT;
	root = xmlDocGetRootElement(doc);
	for (xmlNodePtr c = root->children; c != NULL; c = c->next) {
		xmlChar *name, *val;
		int stop;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		name = xmlGetProp(c, (const xmlChar *)"name");
		if (name == NULL)
			continue;
		if (xmlStrcmp(c->name, (const xmlChar *)"string") == 0)
			val = xmlNodeGetContent(c);
		else
			val = xmlGetProp(c, (const xmlChar *)"value");
		stop = cb(arg, (const char *)name, (const char *)val);
		xmlFree(val);
		xmlFree(name);
		if (stop)
			break;
	}
	xmlFreeDoc(doc);
	return WXF_OK;
}
