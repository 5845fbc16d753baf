/* SPDX-License-Identifier: Apache-2.0 */
/* Message-XML helpers over base/wxf_xml.h's hardened parser: texts, attributes, flattening. */
#include "config.h"
#include "wechat/wc_msgxml.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

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
