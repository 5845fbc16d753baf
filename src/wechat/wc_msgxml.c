/* SPDX-License-Identifier: Apache-2.0 */
/* Hardened message-XML parsing; see msgxml.h for the rules. */
#include "config.h"
#include "wechat/wc_msgxml.h"

#include <libxml/parser.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

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

static int
tree_ok(xmlNodePtr root)
{
	xmlNodePtr n = root;
	int depth = 0;
	size_t count = 0;

	/* iterative pre-order walk over element and text nodes */
	while (n != NULL) {
		if (++count > WXF_XML_MAX_NODES)
			return 0;
		if (n->children != NULL && n->type == XML_ELEMENT_NODE) {
			if (++depth > WXF_XML_MAX_DEPTH)
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

xmlDocPtr
wxf_xml_parse(const char *s, size_t n, const char **why)
{
	xmlDocPtr doc;
	xmlNodePtr root;

	*why = NULL;
	if (s == NULL || n == 0) {
		*why = "empty";
		return NULL;
	}
	if (n > WXF_XML_MAX_SIZE) {
		*why = "XML larger than the size limit";
		return NULL;
	}
	if (prolog_has_doctype(s, n)) {
		*why = "XML with a DOCTYPE/DTD (refused: possible entity attack)";
		return NULL;
	}
	doc = xmlReadMemory(s, (int)n, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
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
	if (!tree_ok(root)) {
		xmlFreeDoc(doc);
		*why = "XML nested too deep or too many nodes";
		return NULL;
	}
	return doc;
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

/* Concatenated text/CDATA of the direct children only (no entity expansion: entity reference
 * nodes are kept as "&name;" so nothing is ever expanded). */
static const char *
node_text(wxf_model *m, xmlNodePtr n)
{
	size_t len = 0;
	char *p, *q;

	for (xmlNodePtr c = n->children; c != NULL; c = c->next)
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
			len += strlen((const char *)c->content);
		else if (c->type == XML_ENTITY_REF_NODE && c->name != NULL)
			len += strlen((const char *)c->name) + 2;
	p = wxf_arena_alloc(m->arena, len + 1);
	if (p == NULL)
		return NULL;
	q = p;
	for (xmlNodePtr c = n->children; c != NULL; c = c->next) {
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
			size_t l = strlen((const char *)c->content);

			memcpy(q, c->content, l);
			q += l;
		} else if (c->type == XML_ENTITY_REF_NODE && c->name != NULL) {
			size_t l = strlen((const char *)c->name);

			*q++ = '&';
			memcpy(q, c->name, l);
			q += l;
			*q++ = ';';
		}
	}
	*q = '\0';
	return p;
}

const char *
wxf_xml_text(wxf_model *m, xmlNodePtr n, const char *path)
{
	n = wxf_xml_path(n, path);
	return n == NULL ? NULL : node_text(m, n);
}

const char *
wxf_xml_text_ne(wxf_model *m, xmlNodePtr n, const char *path)
{
	const char *t = wxf_xml_text(m, n, path);

	return (t == NULL || *t == '\0') ? NULL : t;
}

const char *
wxf_xml_attr(wxf_model *m, xmlNodePtr n, const char *name)
{
	const char *r;
	xmlChar *v;

	if (n == NULL)
		return NULL;
	/* Predefined and character references were resolved by the parser; no other entity can
	 * exist because a DTD is refused, so xmlGetProp expands nothing. */
	v = xmlGetProp(n, (const xmlChar *)name);
	if (v == NULL)
		return NULL;
	r = wxf_model_strdup(m, (const char *)v);
	xmlFree(v);
	return r;
}

int
wxf_xml_flatten(wxf_model *m, xmlNodePtr n, const char *prefix, wxf_kvs *kv)
{
	/* explicit stack: (node, path) */
	struct fr { xmlNodePtr n; const char *path; } st[WXF_XML_MAX_DEPTH + 2];
	int sp = 0;
	size_t added = 0;

	if (n == NULL)
		return WXF_OK;
	st[sp].n = n->children;
	st[sp].path = prefix;
	sp++;
	while (sp > 0) {
		xmlNodePtr c = st[sp - 1].n;
		const char *path;
		int has_elem = 0;

		if (c == NULL) {
			sp--;
			continue;
		}
		st[sp - 1].n = c->next;
		if (c->type != XML_ELEMENT_NODE)
			continue;
		path = (st[sp - 1].path != NULL && *st[sp - 1].path != '\0') ?
		    wxf_model_printf(m, "%s/%s", st[sp - 1].path, (const char *)c->name) :
		    wxf_model_strdup(m, (const char *)c->name);
		if (path == NULL)
			return WXF_ENOMEM;
		for (xmlNodePtr g = c->children; g != NULL; g = g->next)
			if (g->type == XML_ELEMENT_NODE)
				has_elem = 1;
		if (!has_elem) {
			const char *t = node_text(m, c);

			if (t == NULL)
				return WXF_ENOMEM;
			if (*t != '\0') {
				if (++added > 2000)
					return WXF_OK;
				if (wxf_kvs_add(m, kv, path, t) != WXF_OK)
					return WXF_ENOMEM;
			}
			continue;
		}
		if (sp >= WXF_XML_MAX_DEPTH)
			continue;
		st[sp].n = c->children;
		st[sp].path = path;
		sp++;
	}
	return WXF_OK;
}
