/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Property lists and keyed archives (see wxf_plist.h).  libplist does the parsing; this file
 * bounds the input and walks the tree defensively.
 */
#include "config.h"
#include "base/wxf_plist.h"
#include "base/wxf_file.h"

#include <stdlib.h>
#include <string.h>

/* Seconds between 1970-01-01 and 2001-01-01 (the plist date epoch). */
#define PLIST_EPOCH 978307200LL

int
wxf_plist_parse(const uint8_t *data, size_t n, size_t max, plist_t *out, wxf_err *err)
{
	*out = NULL;
	if (data == NULL || n < 8)
		return wxf_err_set(err, WXF_ECORRUPT, "not a property list (%zu bytes)", n);
	if (n > max || n > UINT32_MAX)
		return wxf_err_set(err, WXF_ECORRUPT, "property list of %zu bytes is larger than the "
		    "limit of %zu", n, max);
	if (plist_is_binary((const char *)data, (uint32_t)n))
		plist_from_bin((const char *)data, (uint32_t)n, out);
	else if (memmem(data, n < 512 ? n : 512, "<plist", 6) != NULL ||
	    memmem(data, n < 512 ? n : 512, "<?xml", 5) != NULL)
		plist_from_xml((const char *)data, (uint32_t)n, out);
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
