/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hardened parsing of WeChat message XML (libxml2) and small path helpers.
 *
 * Message XML is hostile input.  wxf_xml_parse():
 *   - refuses input over WXF_XML_MAX_SIZE bytes;
 *   - refuses any DOCTYPE in the prolog (WeChat never sends one; it is the only way to declare
 *     entities, so this closes external entities and "billion laughs" before libxml2 sees them);
 *   - parses with XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING only: no DTD
 *     loading, no DTD attributes, no entity substitution (XML_PARSE_NOENT is never set),
 *     no XInclude, no XML_PARSE_HUGE (libxml2 keeps its own depth/size limits);
 *   - refuses trees deeper than WXF_XML_MAX_DEPTH or with more than WXF_XML_MAX_NODES nodes.
 * On refusal or malformed input it returns NULL and a short reason; callers keep the raw text
 * and record a warning.  Nothing here ever aborts on input.
 */
#ifndef WXF_WECHAT_MSGXML_H
#define WXF_WECHAT_MSGXML_H

#include <stddef.h>
#include <libxml/tree.h>
#include "model/model.h"

#define WXF_XML_MAX_SIZE ((size_t)2 << 20)
#define WXF_XML_MAX_DEPTH 48
#define WXF_XML_MAX_NODES 20000

/* Call once before any parse (idempotent; not thread-safe itself). */
void wxf_xml_init(void);
/* Returns a document (free with xmlFreeDoc) or NULL with *why set to a static string. */
xmlDocPtr wxf_xml_parse(const char *s, size_t n, const char **why);
/* 1 if the text looks like XML (first non-blank byte is '<'). */
int wxf_xml_looks_like(const char *s, size_t n);
/* First element child named `name`, or NULL. */
xmlNodePtr wxf_xml_child(xmlNodePtr n, const char *name);
/* Follows "a/b/c" from n (element children), or NULL. */
xmlNodePtr wxf_xml_path(xmlNodePtr n, const char *path);
/* Text content (CDATA included) of the element at path, copied into the model; NULL if the
 * element is absent.  Leading/trailing ASCII whitespace is kept verbatim. */
const char *wxf_xml_text(wxf_model *m, xmlNodePtr n, const char *path);
/* Same, NULL also when empty. */
const char *wxf_xml_text_ne(wxf_model *m, xmlNodePtr n, const char *path);
/* Attribute value copied into the model, NULL if absent. */
const char *wxf_xml_attr(wxf_model *m, xmlNodePtr n, const char *name);
/* Adds every leaf element under n as "prefix/path" = text to kvs (depth- and count-bounded). */
int wxf_xml_flatten(wxf_model *m, xmlNodePtr n, const char *prefix, wxf_kvs *kv);

#endif
