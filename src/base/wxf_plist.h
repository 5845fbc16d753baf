/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Property lists through libplist (binary "bplist00" and XML), and the object graph of an
 * NSKeyedArchiver archive on top of it.  libplist parses; this file measures the nesting and
 * the expanded size on the bytes first (libplist recurses per level and copies shared
 * objects) and then walks the resulting tree, with limits, because the tree comes from
 * evidence.
 *
 * Keyed archive (Apple's NSKeyedArchiver, "$archiver" = "NSKeyedArchiver"):
 *
 *   { "$version": 100000, "$archiver": "NSKeyedArchiver",
 *     "$top":     { "root": UID(i) },              the root object is $objects[i]
 *     "$objects": [ "$null", obj1, obj2, ... ] }     every object once, referred to by UID
 *
 *   an object    a dict whose values are scalars or UIDs; "$class" is a UID of a class dict
 *                { "$classname": "MBFile", "$classes": [...] }
 *   NSData       a bare data node, or a dict { "NS.data": data, "$class": ... }
 *   NSString     a bare string node, or a dict { "NS.string": string, ... }
 *   NSDictionary { "NS.keys": [UID...], "NS.objects": [UID...], "$class": ... }
 *
 * Limits: the input size is bounded by the caller (wxf_plist_parse), the nesting by
 * WXF_PLIST_MAX_DEPTH, the expanded object count by WXF_PLIST_MAX_NODES, a UID must index
 * $objects, and a chain of UIDs is followed at most WXF_KA_MAX_HOPS times (cycles end there).
 * Every lookup returns NULL / 0 when the shape is not the expected one: evidence decides
 * nothing by crashing.
 */
#ifndef WXF_PLIST_H
#define WXF_PLIST_H

#include <stddef.h>
#include <stdint.h>
#include <plist/plist.h>
#include "base/wxf_err.h"

#define WXF_KA_MAX_HOPS 8
/* Nesting (containers inside containers) and size (objects once every reference is expanded,
 * as libplist builds the tree) of a property list that wxf_plist_parse lets libplist see. */
#define WXF_PLIST_MAX_DEPTH 64
#define WXF_PLIST_MAX_DEPTH_S "64"
#define WXF_PLIST_MAX_NODES (1u << 20)

/* Parses data[0..n) (binary or XML plist) into *out (free with plist_free).  Refuses inputs
 * larger than max, and, before libplist sees them, inputs nested deeper than
 * WXF_PLIST_MAX_DEPTH or expanding to more than WXF_PLIST_MAX_NODES objects (a warning with
 * the byte offset of the object).  Returns WXF_OK, WXF_ENOMEM, or WXF_ECORRUPT with err set
 * (*out NULL). */
int wxf_plist_parse(const uint8_t *data, size_t n, size_t max, plist_t *out, wxf_err *err);
/* Reads a plist file of at most max bytes.  WXF_EIO, WXF_ECORRUPT (the message starts with the
 * path), WXF_ENOMEM or WXF_OK. */
int wxf_plist_read_file(const char *path, size_t max, plist_t *out, wxf_err *err);

/* Typed dict lookups; NULL / 0 when absent or of another type.  Strings and data are borrowed
 * from the tree (valid until plist_free).  wxf_plist_uint accepts a uint node only. */
const char *wxf_plist_str(plist_t dict, const char *key);
const uint8_t *wxf_plist_data(plist_t dict, const char *key, size_t *n);
int wxf_plist_uint(plist_t dict, const char *key, uint64_t *v);
int wxf_plist_bool(plist_t dict, const char *key, int *v);
/* A date node as Unix seconds (plist dates count from 2001-01-01). */
int wxf_plist_date(plist_t dict, const char *key, int64_t *unix_s);

typedef struct wxf_karchive {
	plist_t pl;          /* the whole plist (owned) */
	plist_t objects;     /* $objects (borrowed from pl) */
	uint32_t n_objects;
	plist_t root;        /* $top.root resolved, NULL if absent */
} wxf_karchive;

/* Parses a keyed archive.  WXF_OK, or WXF_ECORRUPT when it is not a plist or has no
 * $objects array / $top.root. */
int wxf_karchive_open(wxf_karchive *ka, const uint8_t *data, size_t n, size_t max, wxf_err *err);
void wxf_karchive_close(wxf_karchive *ka);
/* A node with its UIDs followed ($objects[uid], at most WXF_KA_MAX_HOPS hops); NULL when a
 * UID is out of range or the chain is too long. */
plist_t wxf_karchive_resolve(const wxf_karchive *ka, plist_t node);
/* obj[key], resolved.  obj may be NULL. */
plist_t wxf_karchive_get(const wxf_karchive *ka, plist_t obj, const char *key);
/* obj[key] as a string (bare string, or NS.string); NULL otherwise. */
const char *wxf_karchive_str(const wxf_karchive *ka, plist_t obj, const char *key);
/* obj[key] as bytes (bare data, or NS.data); NULL otherwise. */
const uint8_t *wxf_karchive_data(const wxf_karchive *ka, plist_t obj, const char *key, size_t *n);
/* obj[key] as an unsigned integer. */
int wxf_karchive_uint(const wxf_karchive *ka, plist_t obj, const char *key, uint64_t *v);
/* The value for `key` in an archived NSDictionary (NS.keys / NS.objects), resolved. */
plist_t wxf_karchive_dict_get(const wxf_karchive *ka, plist_t nsdict, const char *key);
/* The class name of an archived object ($class → $classname), or NULL. */
const char *wxf_karchive_class(const wxf_karchive *ka, plist_t obj);

#endif
