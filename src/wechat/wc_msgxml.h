/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Message-XML helpers: texts, attributes and flattening into the model, over the hardened
 * parser of base/wxf_xml.h (wxf_xml_parse: message limits WXF_XML_MAX_*; its rules are there).
 * Nothing here ever aborts on input.
 */
#ifndef WXF_WECHAT_MSGXML_H
#define WXF_WECHAT_MSGXML_H

#include <stddef.h>
#include <libxml/tree.h>
#include "base/wxf_xml.h"
#include "model/model.h"

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
