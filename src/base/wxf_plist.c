/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Property lists and keyed archives (see wxf_plist.h).  libplist does the parsing; this file
 * bounds the input (size, and the nesting and expanded size measured on the bytes first) and
 * walks the tree defensively.
 */
#include "config.h"
#include "base/wxf_plist.h"
#include "base/wxf_file.h"
#include "base/wxf_xml.h"

#include <stdlib.h>
#include <string.h>

/* Seconds between 1970-01-01 and 2001-01-01 (the plist date epoch). */
#define PLIST_EPOCH 978307200LL

static uint64_t
be_uint(const uint8_t *p, unsigned w)
{
	uint64_t v = 0;

	while (w-- > 0)
		v = v << 8 | *p++;
	return v;
}

/*
 * The shape of a binary plist, measured before libplist parses it (libplist recurses once per
 * nesting level and copies an object for every reference to it, so a deep chain overflows
 * the stack and a few shared containers expand exponentially).  Layout:
 *
 *   OFFSET         SIZE  DESCRIPTION
 *   0              8     "bplist00"
 *   8              ...   objects: marker byte (type << 4 | count; count 15 = an int object
 *                        follows: 0x1k then 2^k bytes), then the payload; array (A), set (C):
 *                        count object references; dict (D): count key then count value refs
 *   table          n*o   offset table: one o-byte big-endian offset per object
 *   size-32        6     unused, sort version
 *   size-26        1     o: offset size (1..8)
 *   size-25        1     r: object reference size (1..8)
 *   size-24        8     number of objects
 *   size-16        8     top object
 *   size-8         8     offset of the offset table
 *
 * Walks the reference graph from the top object without recursion, each object once (depth
 * and expanded size are memoised).  Returns WXF_OK, WXF_ECORRUPT (trailer, offsets or
 * references out of range, a cycle, deeper than WXF_PLIST_MAX_DEPTH, more than
 * WXF_PLIST_MAX_NODES objects once expanded) or WXF_ENOMEM, with err naming the byte offset.
 */
struct bframe {
	uint64_t obj;
	const uint8_t *refs;
	uint64_t n_refs, next;
};

static int
bplist_refs(const uint8_t *d, uint64_t tbl, unsigned osz, unsigned rsz, uint64_t obj,
    const uint8_t **refs, uint64_t *n_refs, uint64_t *at)
{
	uint64_t o = be_uint(d + tbl + obj * osz, osz), cnt, p;
	unsigned type;

	*at = o;
	*refs = NULL;
	*n_refs = 0;
	if (o < 8 || o >= tbl)
		return -1;
	type = d[o] >> 4;
	if (type != 0xA && type != 0xC && type != 0xD)
		return 0;
	cnt = d[o] & 0xF;
	p = o + 1;
	if (cnt == 0xF) {
		unsigned w;

		if (p >= tbl || (d[p] >> 4) != 0x1 || (d[p] & 0xF) > 3)
			return -1;
		w = 1u << (d[p] & 0xF);
		if (p + 1 + w > tbl)
			return -1;
		cnt = be_uint(d + p + 1, w);
		p += 1 + w;
	}
	if (type == 0xD) {
		if (cnt > UINT64_MAX / 2)
			return -1;
		cnt *= 2;
	}
	if (cnt > (tbl - p) / rsz)
		return -1;
	*refs = d + p;
	*n_refs = cnt;
	return 0;
}

static int
bplist_check(const uint8_t *d, size_t n, wxf_err *err)
{
	const uint8_t *t;
	unsigned osz, rsz;
	uint64_t n_obj, top, tbl, at = 0, ref;
	uint32_t *size = NULL;
	uint16_t *depth = NULL;
	uint8_t *state = NULL;
	struct bframe st[WXF_PLIST_MAX_DEPTH + 1];
	int sp = 0, rc = WXF_OK;

	if (n < 40)
		return WXF_CORRUPT(err, -1, 0, "binary property list of %zu bytes: no room for its "
		    "trailer", n);
	t = d + n - 32;
	osz = t[6];
	rsz = t[7];
	n_obj = be_uint(t + 8, 8);
	top = be_uint(t + 16, 8);
	tbl = be_uint(t + 24, 8);
	if (osz < 1 || osz > 8 || rsz < 1 || rsz > 8 || n_obj == 0 || top >= n_obj ||
	    tbl < 9 || tbl > n - 32 || n_obj > (n - 32 - tbl) / osz)
		return WXF_CORRUPT(err, -1, (int64_t)(n - 32), "binary property list: trailer out of "
		    "range (%llu objects, offset table at %llu)", (unsigned long long)n_obj,
		    (unsigned long long)tbl);
	size = calloc((size_t)n_obj, sizeof(*size));
	depth = calloc((size_t)n_obj, sizeof(*depth));
	state = calloc((size_t)n_obj, 1);
	if (size == NULL || depth == NULL || state == NULL) {
		rc = wxf_err_set(err, WXF_ENOMEM, "binary property list: out of memory");
		goto out;
	}
	st[0].obj = top;
	st[0].next = 0;
	if (bplist_refs(d, tbl, osz, rsz, top, &st[0].refs, &st[0].n_refs, &at) != 0)
		goto bad;
	state[top] = 1;
	sp = 1;
	while (sp > 0) {
		struct bframe *f = &st[sp - 1];

		if (f->next == f->n_refs) {
			/* done: size counts this object and everything below it, as libplist copies */
			uint64_t sz = 1;
			unsigned dp = 0;
			uint64_t k;

			for (k = 0; k < f->n_refs; k++) {
				ref = be_uint(f->refs + k * rsz, rsz);
				sz += size[ref];
				if (depth[ref] + 1u > dp)
					dp = depth[ref] + 1u;
			}
			if (sz > WXF_PLIST_MAX_NODES) {
				at = be_uint(d + tbl + f->obj * osz, osz);
				rc = WXF_CORRUPT(err, -1, (int64_t)at, "binary property list: the object "
				    "at byte %llu expands to more than %u objects (shared references; "
				    "refused)", (unsigned long long)at, (unsigned)WXF_PLIST_MAX_NODES);
				goto out;
			}
			size[f->obj] = (uint32_t)sz;
			depth[f->obj] = (uint16_t)dp;
			state[f->obj] = 2;
			sp--;
			continue;
		}
		ref = be_uint(f->refs + f->next * rsz, rsz);
		f->next++;
		if (ref >= n_obj) {
			at = (uint64_t)(f->refs - d) + (f->next - 1) * rsz;
			rc = WXF_CORRUPT(err, -1, (int64_t)at, "binary property list: reference %llu "
			    "at byte %llu names no object", (unsigned long long)ref,
			    (unsigned long long)at);
			goto out;
		}
		if (state[ref] == 2) {
			if ((int)depth[ref] + sp + 1 > WXF_PLIST_MAX_DEPTH) {
				at = be_uint(d + tbl + ref * osz, osz);
				goto deep;
			}
			continue;
		}
		if (state[ref] == 1) {
			at = be_uint(d + tbl + ref * osz, osz);
			rc = WXF_CORRUPT(err, -1, (int64_t)at, "binary property list: the object at "
			    "byte %llu contains itself", (unsigned long long)at);
			goto out;
		}
		if (sp >= WXF_PLIST_MAX_DEPTH) {
			at = be_uint(d + tbl + ref * osz, osz);
			goto deep;
		}
		st[sp].obj = ref;
		st[sp].next = 0;
		if (bplist_refs(d, tbl, osz, rsz, ref, &st[sp].refs, &st[sp].n_refs, &at) != 0)
			goto bad;
		state[ref] = 1;
		sp++;
	}
	goto out;
deep:
	rc = WXF_CORRUPT(err, -1, (int64_t)at, "binary property list nested deeper than %d levels "
	    "(object at byte %llu; refused)", WXF_PLIST_MAX_DEPTH, (unsigned long long)at);
	goto out;
bad:
	rc = WXF_CORRUPT(err, -1, (int64_t)at, "binary property list: malformed object at byte "
	    "%llu", (unsigned long long)at);
out:
	free(size);
	free(depth);
	free(state);
	return rc;
}

int
wxf_plist_parse(const uint8_t *data, size_t n, size_t max, plist_t *out, wxf_err *err)
{
	size_t at;
	int rc, over;

	*out = NULL;
	if (data == NULL || n < 8)
		return wxf_err_set(err, WXF_ECORRUPT, "not a property list (%zu bytes)", n);
	if (n > max || n > UINT32_MAX)
		return wxf_err_set(err, WXF_ECORRUPT, "property list of %zu bytes is larger than the "
		    "limit of %zu", n, max);
	if (plist_is_binary((const char *)data, (uint32_t)n)) {
		if ((rc = bplist_check(data, n, err)) != WXF_OK)
			return rc;
		plist_from_bin((const char *)data, (uint32_t)n, out);
	} else if (memmem(data, n < 512 ? n : 512, "<plist", 6) != NULL ||
	    memmem(data, n < 512 ? n : 512, "<?xml", 5) != NULL) {
		/* <plist> is level 1, the top object level 2 */
		over = wxf_xml_nesting((const char *)data, n, WXF_PLIST_MAX_DEPTH + 2,
		    WXF_PLIST_MAX_NODES, &at);
		if (over != 0)
			return WXF_CORRUPT(err, -1, (int64_t)at, "XML property list %s (element at "
			    "byte %zu; refused)", over == 1 ? "nested deeper than "
			    WXF_PLIST_MAX_DEPTH_S " levels" : "with more elements than the node limit",
			    at);
		plist_from_xml((const char *)data, (uint32_t)n, out);
	}
	if (*out == NULL)
		return wxf_err_set(err, WXF_ECORRUPT, "not a readable property list (binary or XML)");
	return WXF_OK;
}

int
wxf_plist_read_file(const char *path, size_t max, plist_t *out, wxf_err *err)
{
	uint8_t *data = NULL;
	size_t n = 0;
	int rc;

	*out = NULL;
	if ((rc = wxf_file_read_small(path, max, &data, &n, err)) != WXF_OK)
		return rc;
	rc = wxf_plist_parse(data, n, max, out, err);
	free(data);
	if (rc != WXF_OK)
		wxf_err_wrap(err, rc, "%s", path);
	return rc;
}

static plist_t
dict_item(plist_t dict, const char *key)
{
	if (dict == NULL || key == NULL || plist_get_node_type(dict) != PLIST_DICT)
		return NULL;
	return plist_dict_get_item(dict, key);
}

static const char *
node_str(plist_t v)
{
	uint64_t len = 0;
	const char *s;

	if (v == NULL || plist_get_node_type(v) != PLIST_STRING)
		return NULL;
	s = plist_get_string_ptr(v, &len);
	/* libplist keeps strings NUL-terminated; one with an embedded NUL is cut there */
	return s;
}

static const uint8_t *
node_data(plist_t v, size_t *n)
{
	uint64_t len = 0;
	const char *p;

	if (v == NULL || plist_get_node_type(v) != PLIST_DATA)
		return NULL;
	p = plist_get_data_ptr(v, &len);
	if (p == NULL && len > 0)
		return NULL;
	*n = (size_t)len;
	return (const uint8_t *)(p != NULL ? p : "");
}

const char *
wxf_plist_str(plist_t dict, const char *key)
{
	return node_str(dict_item(dict, key));
}

const uint8_t *
wxf_plist_data(plist_t dict, const char *key, size_t *n)
{
	return node_data(dict_item(dict, key), n);
}

int
wxf_plist_uint(plist_t dict, const char *key, uint64_t *v)
{
	plist_t x = dict_item(dict, key);

	if (x == NULL || plist_get_node_type(x) != PLIST_UINT)
		return 0;
	plist_get_uint_val(x, v);
	return 1;
}

int
wxf_plist_bool(plist_t dict, const char *key, int *v)
{
	plist_t x = dict_item(dict, key);
	uint8_t b = 0;

	if (x == NULL || plist_get_node_type(x) != PLIST_BOOLEAN)
		return 0;
	plist_get_bool_val(x, &b);
	*v = b != 0;
	return 1;
}

int
wxf_plist_date(plist_t dict, const char *key, int64_t *unix_s)
{
	plist_t x = dict_item(dict, key);
	int32_t s = 0, us = 0;

	if (x == NULL || plist_get_node_type(x) != PLIST_DATE)
		return 0;
	plist_get_date_val(x, &s, &us);
	*unix_s = (int64_t)s + PLIST_EPOCH;
	return 1;
}

/* ------------------------------------------------------------------------------ archives */

int
wxf_karchive_open(wxf_karchive *ka, const uint8_t *data, size_t n, size_t max, wxf_err *err)
{
	plist_t top;
	int rc;

	memset(ka, 0, sizeof(*ka));
	if ((rc = wxf_plist_parse(data, n, max, &ka->pl, err)) != WXF_OK)
		return rc;
	ka->objects = dict_item(ka->pl, "$objects");
	if (ka->objects == NULL || plist_get_node_type(ka->objects) != PLIST_ARRAY) {
		wxf_karchive_close(ka);
		return wxf_err_set(err, WXF_ECORRUPT, "not a keyed archive (no $objects array)");
	}
	ka->n_objects = plist_array_get_size(ka->objects);
	top = dict_item(ka->pl, "$top");
	ka->root = wxf_karchive_resolve(ka, dict_item(top, "root"));
	if (ka->root == NULL) {
		wxf_karchive_close(ka);
		return wxf_err_set(err, WXF_ECORRUPT, "keyed archive without a usable $top.root");
	}
	return WXF_OK;
}

void
wxf_karchive_close(wxf_karchive *ka)
{
	if (ka->pl != NULL)
		plist_free(ka->pl);
	memset(ka, 0, sizeof(*ka));
}

plist_t
wxf_karchive_resolve(const wxf_karchive *ka, plist_t node)
{
	int hops;

	for (hops = 0; node != NULL && plist_get_node_type(node) == PLIST_UID; hops++) {
		uint64_t uid = 0;

		if (hops >= WXF_KA_MAX_HOPS || ka->objects == NULL)
			return NULL;
		plist_get_uid_val(node, &uid);
		if (uid >= ka->n_objects)
			return NULL;
		node = plist_array_get_item(ka->objects, (uint32_t)uid);
	}
	return node;
}

plist_t
wxf_karchive_get(const wxf_karchive *ka, plist_t obj, const char *key)
{
	return wxf_karchive_resolve(ka, dict_item(obj, key));
}

const char *
wxf_karchive_str(const wxf_karchive *ka, plist_t obj, const char *key)
{
	plist_t v = wxf_karchive_get(ka, obj, key);

	if (v != NULL && plist_get_node_type(v) == PLIST_DICT)
		v = wxf_karchive_get(ka, v, "NS.string");
	return node_str(v);
}

const uint8_t *
wxf_karchive_data(const wxf_karchive *ka, plist_t obj, const char *key, size_t *n)
{
	plist_t v = wxf_karchive_get(ka, obj, key);

	if (v != NULL && plist_get_node_type(v) == PLIST_DICT)
		v = wxf_karchive_get(ka, v, "NS.data");
	return node_data(v, n);
}

int
wxf_karchive_uint(const wxf_karchive *ka, plist_t obj, const char *key, uint64_t *v)
{
	plist_t x = wxf_karchive_get(ka, obj, key);

	if (x == NULL || plist_get_node_type(x) != PLIST_UINT)
		return 0;
	plist_get_uint_val(x, v);
	return 1;
}

plist_t
wxf_karchive_dict_get(const wxf_karchive *ka, plist_t nsdict, const char *key)
{
	plist_t keys = dict_item(nsdict, "NS.keys"), vals = dict_item(nsdict, "NS.objects");
	uint32_t i, n;

	if (keys == NULL || vals == NULL || plist_get_node_type(keys) != PLIST_ARRAY ||
	    plist_get_node_type(vals) != PLIST_ARRAY)
		return NULL;
	n = plist_array_get_size(keys);
	if (plist_array_get_size(vals) < n)
		n = plist_array_get_size(vals);
	for (i = 0; i < n; i++) {
		const char *k = node_str(wxf_karchive_resolve(ka, plist_array_get_item(keys, i)));

		if (k != NULL && strcmp(k, key) == 0)
			return wxf_karchive_resolve(ka, plist_array_get_item(vals, i));
	}
	return NULL;
}

const char *
wxf_karchive_class(const wxf_karchive *ka, plist_t obj)
{
	return node_str(wxf_karchive_get(ka, wxf_karchive_get(ka, obj, "$class"), "$classname"));
}
