/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hardened parsing of XML read from evidence (libxml2): message XML, Android SharedPreferences,
 * Huawei's info.xml.  Every XML document the project reads from evidence goes through
 * wxf_xml_parse_lim (or wxf_xml_parse, its message-XML limits), which:
 *   - refuses input over the size limit;
 *   - refuses any DOCTYPE in the prolog (WeChat and Android never write one; it is the only way
 *     to declare entities, so this closes external entities and "billion laughs" before
 *     libxml2 sees them), and any document libxml2 still finds a DTD in;
 *   - parses with XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING only: no DTD
 *     loading, no DTD attributes, no entity substitution (XML_PARSE_NOENT is never set),
 *     no XInclude, no XML_PARSE_HUGE (libxml2 keeps its own depth/size limits);
 *   - measures the element nesting and count with a scan of the bytes (comments, CDATA,
 *     processing instructions and quoted attribute values skipped) before libxml2 sees them,
 *     and refuses documents deeper than the depth limit or with more elements than the node
 *     limit there, so no deep tree is ever built (wxf_xml_parse_at gives the byte offset of
 *     the first start tag past a limit);
 *   - refuses trees deeper than the depth limit or with more nodes than the node limit.
 * On refusal or malformed input it returns NULL and a short reason (a static string); callers
 * keep the raw bytes and record a warning.  When libxml2 ran out of memory the reason is
 * wxf_xml_enomem itself (compare the pointer): the caller returns WXF_ENOMEM instead, since a
 * document left undecoded for want of memory is not malformed evidence.  Nothing here ever
 * aborts on input.
 */
#ifndef WXF_XML_H
#define WXF_XML_H

#include <stddef.h>
#include <libxml/tree.h>

/* The limits of message XML (wxf_xml_parse). */
#define WXF_XML_MAX_SIZE ((size_t)2 << 20)
#define WXF_XML_MAX_DEPTH 48
#define WXF_XML_MAX_NODES 20000

typedef struct wxf_xml_limits {
	size_t max_size;         /* bytes */
	int max_depth;           /* element nesting below the root */
	size_t max_nodes;        /* element, text and other nodes */
} wxf_xml_limits;

/* The reason given when libxml2 could not allocate (see above). */
extern const char wxf_xml_enomem[];

/* Call once before any parse (idempotent; not thread-safe itself). */
void wxf_xml_init(void);
/* Returns a document (free with xmlFreeDoc) or NULL with *why set to a static string. */
xmlDocPtr wxf_xml_parse_lim(const char *s, size_t n, const wxf_xml_limits *lim, const char **why);
/* wxf_xml_parse_lim that also sets *at to the byte offset of the start tag past the depth or
 * node limit when that is the reason (else (size_t)-1).  at may be NULL. */
xmlDocPtr wxf_xml_parse_at(const char *s, size_t n, const wxf_xml_limits *lim, const char **why,
    size_t *at);
/* Scans data[0..n) for element nesting without building a tree: returns 0 when no element is
 * nested deeper than max_depth (the root is level 1) and there are at most max_elems start
 * tags, 1 (too deep) or 2 (too many) with *at = offset of the offending start tag. */
int wxf_xml_nesting(const char *s, size_t n, int max_depth, size_t max_elems, size_t *at);
/* wxf_xml_parse_lim with the message-XML limits above. */
xmlDocPtr wxf_xml_parse(const char *s, size_t n, const char **why);
/* 1 if the text looks like XML (first non-blank byte is '<'). */
int wxf_xml_looks_like(const char *s, size_t n);
/* First element child named `name`, or NULL. */
xmlNodePtr wxf_xml_child(xmlNodePtr n, const char *name);
/* Follows "a/b/c" from n (element children), or NULL. */
xmlNodePtr wxf_xml_path(xmlNodePtr n, const char *path);

/*
 * Android SharedPreferences (<map><int name="k" value="v"/><string name="k">text</string>…):
 * parses data[0..n) with wxf_xml_parse_lim (4 MiB, depth 8, 200000 nodes) and calls
 * cb(arg, name, value) for each element under the root that has a name attribute, in document
 * order: value is the text of a <string>, the value attribute of any other element (NULL when
 * absent).  cb returns non-zero to stop.  WXF_OK, or WXF_ECORRUPT with *why (static) when the
 * file is refused or malformed.
 */
typedef int (*wxf_xml_prefs_cb)(void *arg, const char *name, const char *value);
int wxf_xml_prefs(const char *data, size_t n, wxf_xml_prefs_cb cb, void *arg, const char **why);

#endif
