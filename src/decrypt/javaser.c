/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A reader for Java Object Serialization streams (Java SE "Object Serialization Stream
 * Protocol", chapter 6), enough to read the HashMaps WeChat Android writes to
 * MicroMsg/systemInfo.cfg (key 1 = uin) and MicroMsg/CompatibleInfo.cfg (key 258 = device id).
 * A real walker over the grammar -- no byte-pattern guessing -- through wxf_cur only.
 *
 *   stream       : magic(AC ED) version(00 05) contents
 *   content      : object | blockdata
 *   object       : newObject | newClass | newArray | newString | newEnum | newClassDesc
 *                | prevObject | nullReference | TC_RESET object
 *   newObject    : TC_OBJECT(73) classDesc newHandle classdata[]
 *   classDesc    : TC_CLASSDESC(72) className(utf) suid(8) newHandle flags(1) fields
 *                  classAnnotation superClassDesc
 *                | TC_PROXYCLASSDESC(7D) newHandle count(4) utf[count] classAnnotation super
 *                | TC_NULL(70) | TC_REFERENCE(71) handle(4)
 *   fields       : count(2) { typecode(1) name(utf) [className: String object if L or [] }
 *   classdata    : per class from the top superclass down:
 *                  SERIALIZABLE(02): field values [+ annotation if WRITE_METHOD(01)]
 *                  EXTERNALIZABLE(04) with BLOCK_DATA(08): annotation
 *   annotation   : { content } TC_ENDBLOCKDATA(78)
 *   newString    : TC_STRING(74) newHandle utf(2+n) | TC_LONGSTRING(7C) newHandle (8+n)
 *   newArray     : TC_ARRAY(75) classDesc newHandle size(4) values
 *   newEnum      : TC_ENUM(7E) classDesc newHandle constantName(String object)
 *   newClass     : TC_CLASS(76) classDesc newHandle
 *   blockdata    : TC_BLOCKDATA(77) size(1) bytes | TC_BLOCKDATALONG(7A) size(4) bytes
 * Handles are numbered from 0x7E0000 in order of appearance.
 *
 * java.util.HashMap/LinkedHashMap/Hashtable write, after their fields, block data
 * { capacity(4), size(4) } and then `size` key/value object pairs; TreeMap writes { size(4) }.
 *
 * Limits: nesting depth 32 (objects, arrays, class descriptors and annotations inside one
 * another), 65 536 handles, 100 000 entries; exceptions in the stream are refused.  Every
 * recursion step adds one to the depth; TC_RESET, which the grammar lets precede any object,
 * is consumed in a loop (a run of resets is not nesting).  Past a limit the walk stops with a
 * warning naming the byte offset; the map entries read before it are kept.
 */
#include "config.h"
#include "decrypt/decrypt_int.h"
#include "base/wxf_cur.h"
#include "base/wxf_mem.h"

#include <stdlib.h>
#include <string.h>

enum {
	TC_NULL = 0x70, TC_REFERENCE = 0x71, TC_CLASSDESC = 0x72, TC_OBJECT = 0x73,
	TC_STRING = 0x74, TC_ARRAY = 0x75, TC_CLASS = 0x76, TC_BLOCKDATA = 0x77,
	TC_ENDBLOCKDATA = 0x78, TC_RESET = 0x79, TC_BLOCKDATALONG = 0x7A, TC_EXCEPTION = 0x7B,
	TC_LONGSTRING = 0x7C, TC_PROXYCLASSDESC = 0x7D, TC_ENUM = 0x7E
};
enum { SC_WRITE_METHOD = 0x01, SC_SERIALIZABLE = 0x02, SC_EXTERNALIZABLE = 0x04,
	SC_BLOCK_DATA = 0x08 };

#define BASE_HANDLE 0x7E0000u
#define MAX_DEPTH 32
#define MAX_HANDLES 65536
#define MAX_ENTRIES 100000
#define MAX_FIELDS 4096
#define WXF_STR_(x) #x
#define WXF_STR(x) WXF_STR_(x)

struct jfield {
	char type;
	const char *name;
};

struct jclass {
	const char *name;
	uint8_t flags;
	uint16_t n_fields;
	struct jfield *fields;
	struct jclass *super;
};

struct handle {
	struct jclass *cls;   /* class descriptor handles */
	wxf_jval val;         /* objects, strings, arrays */
};

struct rd {
	wxf_cur c;
	wxf_arena *a;
	struct handle *h;
	size_t n_h, cap_h;
	wxf_jmap *m;          /* entries of the top-level map */
	wxf_err *err;
	int failed;
	int map_done;
};

static int
bad(struct rd *r, const char *what)
{
	if (!r->failed)
		wxf_err_setx(r->err, WXF_ECORRUPT, WXF_SEV_WARN, __FILE__, __LINE__, -1,
		    (int64_t)r->c.pos, "Java serialization: %s at byte %zu", what, r->c.pos);
	r->failed = 1;
	return -1;
}

static int
nomem(struct rd *r)
{
	if (!r->failed)
		wxf_err_set(r->err, WXF_ENOMEM, "Java serialization: out of memory");
	r->failed = 1;
	return -1;
}

static long
new_handle(struct rd *r)
{
	if (r->n_h >= MAX_HANDLES)
		return bad(r, "too many handles");
	if (r->n_h == r->cap_h) {
		size_t nc = r->cap_h ? r->cap_h * 2 : 64;
		struct handle *nh = realloc(r->h, nc * sizeof(*nh));

		if (nh == NULL)
			return nomem(r);
		r->h = nh;
		r->cap_h = nc;
	}
	memset(&r->h[r->n_h], 0, sizeof(r->h[0]));
	r->h[r->n_h].val.kind = WXF_JV_OTHER;
	r->h[r->n_h].val.s = "?";
	return (long)r->n_h++;
}

static struct handle *
get_handle(struct rd *r)
{
	uint32_t h = wxf_cur_u32be(&r->c);

	if (r->c.bad) {
		bad(r, "truncated reference");
		return NULL;
	}
	if (h < BASE_HANDLE || h - BASE_HANDLE >= r->n_h) {
		bad(r, "reference to an unknown handle");
		return NULL;
	}
	return &r->h[h - BASE_HANDLE];
}

/* utf: u16 length + bytes (long: u64 length).  Returns an arena copy, NUL-terminated. */
static const char *
read_utf(struct rd *r, int is_long, size_t *len)
{
	uint64_t n = is_long ? wxf_cur_u64be(&r->c) : wxf_cur_u16be(&r->c);
	const uint8_t *p;
	char *s;

	if (r->c.bad || n > wxf_cur_left(&r->c)) {
		bad(r, "truncated string");
		return NULL;
	}
	p = wxf_cur_bytes(&r->c, (size_t)n);
	s = wxf_arena_alloc(r->a, (size_t)n + 1);
	if (s == NULL) {
		nomem(r);
		return NULL;
	}
	memcpy(s, p, (size_t)n);
	if (len)
		*len = (size_t)n;
	return s;
}

static int read_content(struct rd *r, wxf_jval *out, int depth, int top);

static int
skip_annotation(struct rd *r, int depth)
{
	for (;;) {
		uint8_t tc;

		if (wxf_cur_left(&r->c) == 0)
			return bad(r, "annotation without end marker");
		tc = r->c.base[r->c.pos];
		if (tc == TC_ENDBLOCKDATA) {
			wxf_cur_skip(&r->c, 1);
			return 0;
		}
		if (tc == TC_BLOCKDATA || tc == TC_BLOCKDATALONG) {
			uint64_t n;

			wxf_cur_skip(&r->c, 1);
			n = tc == TC_BLOCKDATA ? wxf_cur_u8(&r->c) : wxf_cur_u32be(&r->c);
			if (r->c.bad || wxf_cur_skip(&r->c, (size_t)n) != 0 || r->c.bad)
				return bad(r, "truncated block data");
			continue;
		}
		if (read_content(r, NULL, depth + 1, 0) != 0)
			return -1;
	}
}

static int read_classdesc(struct rd *r, struct jclass **out, int depth);

static int
read_newclassdesc(struct rd *r, struct jclass **out, int depth)
{
	struct jclass *cl = wxf_arena_alloc(r->a, sizeof(*cl));
	long h;
	uint16_t i;

	if (cl == NULL)
		return nomem(r);
	if ((cl->name = read_utf(r, 0, NULL)) == NULL)
		return -1;
	(void)wxf_cur_u64be(&r->c); /* serialVersionUID */
	if ((h = new_handle(r)) < 0)
		return -1;
	r->h[h].cls = cl;
	r->h[h].val.s = cl->name;
	cl->flags = wxf_cur_u8(&r->c);
	cl->n_fields = wxf_cur_u16be(&r->c);
	if (r->c.bad)
		return bad(r, "truncated class descriptor");
	if (cl->n_fields > MAX_FIELDS)
		return bad(r, "too many fields");
	cl->fields = wxf_arena_alloc(r->a, sizeof(*cl->fields) * (cl->n_fields + 1u));
	if (cl->fields == NULL)
		return nomem(r);
	for (i = 0; i < cl->n_fields; i++) {
		char t = (char)wxf_cur_u8(&r->c);

		if (r->c.bad)
			return bad(r, "truncated field list");
		if (strchr("BCDFIJSZL[", t) == NULL || t == '\0')
			return bad(r, "unknown field type code");
		cl->fields[i].type = t;
		if ((cl->fields[i].name = read_utf(r, 0, NULL)) == NULL)
			return -1;
		if (t == 'L' || t == '[') {
			wxf_jval cn;

			if (read_content(r, &cn, depth + 1, 0) != 0)
				return -1;
			if (cn.kind != WXF_JV_STRING)
				return bad(r, "field class name is not a string");
		}
	}
	if (skip_annotation(r, depth) != 0)
		return -1;
	if (read_classdesc(r, &cl->super, depth + 1) != 0)
		return -1;
	*out = cl;
	return 0;
}

static int
read_classdesc(struct rd *r, struct jclass **out, int depth)
{
	uint8_t tc;

	*out = NULL;
	if (depth > MAX_DEPTH)
		return bad(r, "nesting deeper than " WXF_STR(MAX_DEPTH) " levels");
	tc = wxf_cur_u8(&r->c);
	if (r->c.bad)
		return bad(r, "truncated class descriptor");
	switch (tc) {
	case TC_NULL:
		return 0;
	case TC_REFERENCE: {
		struct handle *h = get_handle(r);

		if (h == NULL)
			return -1;
		if (h->cls == NULL)
			return bad(r, "reference is not a class descriptor");
		*out = h->cls;
		return 0;
	}
	case TC_CLASSDESC:
		return read_newclassdesc(r, out, depth);
	case TC_PROXYCLASSDESC: {
		struct jclass *cl = wxf_arena_alloc(r->a, sizeof(*cl));
		long h;
		uint32_t n, i;

		if (cl == NULL)
			return nomem(r);
		if ((h = new_handle(r)) < 0)
			return -1;
		cl->name = "(proxy)";
		cl->flags = SC_SERIALIZABLE;
		r->h[h].cls = cl;
		n = wxf_cur_u32be(&r->c);
		if (r->c.bad || n > 65535)
			return bad(r, "bad proxy interface count");
		for (i = 0; i < n; i++)
			if (read_utf(r, 0, NULL) == NULL)
				return -1;
		if (skip_annotation(r, depth) != 0 || read_classdesc(r, &cl->super, depth + 1) != 0)
			return -1;
		*out = cl;
		return 0;
	}
	default:
		return bad(r, "class descriptor expected");
	}
}

static int
is_map_class(const char *n, int *tree)
{
	*tree = strcmp(n, "java.util.TreeMap") == 0;
	return *tree || strcmp(n, "java.util.HashMap") == 0 || strcmp(n, "java.util.Hashtable") == 0;
}

/* Reads the map's write-method data: counts in block data, then key/value pairs. */
static int
read_map_entries(struct rd *r, int tree, int depth)
{
	uint8_t tc = wxf_cur_u8(&r->c);
	uint64_t blen;
	int32_t size;
	size_t cap = 0;
	int32_t i;

	if (r->c.bad)
		return bad(r, "truncated map");
	if (tc == TC_BLOCKDATA)
		blen = wxf_cur_u8(&r->c);
	else if (tc == TC_BLOCKDATALONG)
		blen = wxf_cur_u32be(&r->c);
	else
		return bad(r, "map without block data");
	if (r->c.bad || blen < (tree ? 4u : 8u) || blen > wxf_cur_left(&r->c))
		return bad(r, "short map block data");
	if (!tree)
		(void)wxf_cur_u32be(&r->c); /* capacity */
	size = (int32_t)wxf_cur_u32be(&r->c);
	wxf_cur_skip(&r->c, (size_t)blen - (tree ? 4u : 8u));
	if (size < 0 || size > MAX_ENTRIES)
		return bad(r, "implausible map size");
	for (i = 0; i < size; i++) {
		wxf_jval k, v;

		if (read_content(r, &k, depth + 1, 0) != 0 || read_content(r, &v, depth + 1, 0) != 0)
			return -1;
		if (r->m->n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			wxf_jmap_entry *ne = realloc(r->m->e, nc * sizeof(*ne));

			if (ne == NULL)
				return nomem(r);
			r->m->e = ne;
			cap = nc;
		}
		r->m->e[r->m->n].key = k;
		r->m->e[r->m->n].val = v;
		r->m->n++;
	}
	return skip_annotation(r, depth);
}

static int
read_field_values(struct rd *r, const struct jclass *cl, wxf_jval *box, int depth)
{
	uint16_t i;

	for (i = 0; i < cl->n_fields; i++) {
		const struct jfield *f = &cl->fields[i];
		int is_value = strcmp(f->name, "value") == 0;
		int64_t v = 0;
		uint64_t u;

		switch (f->type) {
		case 'B': v = (int8_t)wxf_cur_u8(&r->c); if (is_value) box->kind = WXF_JV_INT; break;
		case 'Z': v = wxf_cur_u8(&r->c) != 0; if (is_value) box->kind = WXF_JV_BOOL; break;
		case 'C': v = wxf_cur_u16be(&r->c); if (is_value) box->kind = WXF_JV_INT; break;
		case 'S': v = (int16_t)wxf_cur_u16be(&r->c); if (is_value) box->kind = WXF_JV_INT; break;
		case 'I': v = (int32_t)wxf_cur_u32be(&r->c); if (is_value) box->kind = WXF_JV_INT; break;
		case 'J': v = (int64_t)wxf_cur_u64be(&r->c); if (is_value) box->kind = WXF_JV_LONG; break;
		case 'F': {
			uint32_t b = wxf_cur_u32be(&r->c);
			float fl;

			memcpy(&fl, &b, 4);
			if (is_value) {
				box->kind = WXF_JV_DOUBLE;
				box->d = fl;
			}
			break;
		}
		case 'D':
			u = wxf_cur_u64be(&r->c);
			if (is_value) {
				box->kind = WXF_JV_DOUBLE;
				memcpy(&box->d, &u, 8);
			}
			break;
		default:
			if (read_content(r, NULL, depth + 1, 0) != 0)
				return -1;
			continue;
		}
		if (r->c.bad)
			return bad(r, "truncated field value");
		if (is_value && f->type != 'F' && f->type != 'D')
			box->i = v;
	}
	return 0;
}

static int
read_object(struct rd *r, wxf_jval *out, int depth, int top)
{
	struct jclass *cl, *chain[MAX_DEPTH + 1];
	wxf_jval box;
	int n = 0, i, tree = 0;
	long h;

	if (read_classdesc(r, &cl, depth + 1) != 0)
		return -1;
	if (cl == NULL)
		return bad(r, "object without class");
	if ((h = new_handle(r)) < 0)
		return -1;
	for (; cl != NULL; cl = cl->super) {
		if (n > MAX_DEPTH)
			return bad(r, "class hierarchy too deep");
		chain[n++] = cl;
	}
	memset(&box, 0, sizeof(box));
	box.kind = WXF_JV_OTHER;
	box.s = chain[0]->name;
	for (i = n - 1; i >= 0; i--) {
		const struct jclass *c = chain[i];
		int map = top && !r->map_done && is_map_class(c->name, &tree);

		if (c->flags & SC_EXTERNALIZABLE) {
			if (!(c->flags & SC_BLOCK_DATA)) {
				if (!r->failed)
					wxf_err_set(r->err, WXF_EUNSUPPORTED, "Java serialization: "
					    "externalizable class %s without block data", c->name);
				r->failed = 1;
				return -1;
			}
			if (skip_annotation(r, depth) != 0)
				return -1;
			continue;
		}
		if (!(c->flags & SC_SERIALIZABLE))
			continue;
		{
			wxf_jval fb = box;

			if (read_field_values(r, c, &fb, depth) != 0)
				return -1;
			if (strncmp(chain[0]->name, "java.lang.", 10) == 0)
				box = fb;
		}
		if (c->flags & SC_WRITE_METHOD) {
			if (map) {
				r->map_done = 1;
				if (read_map_entries(r, tree, depth) != 0)
					return -1;
			} else if (skip_annotation(r, depth) != 0)
				return -1;
		}
	}
	if (box.kind == WXF_JV_OTHER)
		box.s = chain[0]->name;
	r->h[h].val = box;
	if (out)
		*out = box;
	return 0;
}

static int
read_array(struct rd *r, wxf_jval *out, int depth)
{
	struct jclass *cl;
	wxf_jval v;
	int32_t n, i;
	long h;
	char et;
	size_t w = 0;

	if (read_classdesc(r, &cl, depth + 1) != 0)
		return -1;
	if (cl == NULL || cl->name[0] != '[' || cl->name[1] == '\0')
		return bad(r, "array without array class");
	if ((h = new_handle(r)) < 0)
		return -1;
	n = (int32_t)wxf_cur_u32be(&r->c);
	if (r->c.bad || n < 0)
		return bad(r, "bad array length");
	memset(&v, 0, sizeof(v));
	v.kind = WXF_JV_OTHER;
	v.s = cl->name;
	et = cl->name[1];
	switch (et) {
	case 'B': case 'Z': w = 1; break;
	case 'C': case 'S': w = 2; break;
	case 'I': case 'F': w = 4; break;
	case 'J': case 'D': w = 8; break;
	case 'L': case '[': w = 0; break;
	default: return bad(r, "unknown array element type");
	}
	if (w) {
		const uint8_t *p;

		if ((uint64_t)n * w > wxf_cur_left(&r->c))
			return bad(r, "truncated array");
		p = wxf_cur_bytes(&r->c, (size_t)n * w);
		if (et == 'B') {
			v.kind = WXF_JV_BYTES;
			v.bytes = p;
			v.n = (size_t)n;
		}
	} else {
		if ((uint64_t)n > wxf_cur_left(&r->c))
			return bad(r, "array longer than the stream");
		for (i = 0; i < n; i++)
			if (read_content(r, NULL, depth + 1, 0) != 0)
				return -1;
	}
	r->h[h].val = v;
	if (out)
		*out = v;
	return 0;
}

static int
read_content(struct rd *r, wxf_jval *out, int depth, int top)
{
	wxf_jval v;
	uint8_t tc;

	if (r->failed)
		return -1;
	if (depth > MAX_DEPTH)
		return bad(r, "nesting deeper than " WXF_STR(MAX_DEPTH) " levels");
	memset(&v, 0, sizeof(v));
	tc = wxf_cur_u8(&r->c);
	while (tc == TC_RESET && !r->c.bad) {
		r->n_h = 0;
		tc = wxf_cur_u8(&r->c);
	}
	if (r->c.bad)
		return bad(r, "truncated stream");
	switch (tc) {
	case TC_NULL:
		v.kind = WXF_JV_NULL;
		break;
	case TC_REFERENCE: {
		struct handle *h = get_handle(r);

		if (h == NULL)
			return -1;
		v = h->val;
		break;
	}
	case TC_STRING:
	case TC_LONGSTRING: {
		long h = new_handle(r);

		if (h < 0)
			return -1;
		v.kind = WXF_JV_STRING;
		if ((v.s = read_utf(r, tc == TC_LONGSTRING, &v.n)) == NULL)
			return -1;
		r->h[h].val = v;
		break;
	}
	case TC_OBJECT:
		return read_object(r, out, depth, top);
	case TC_ARRAY:
		return read_array(r, out, depth);
	case TC_ENUM: {
		struct jclass *cl;
		wxf_jval name;
		long h;

		if (read_classdesc(r, &cl, depth + 1) != 0 || (h = new_handle(r)) < 0 ||
		    read_content(r, &name, depth + 1, 0) != 0)
			return -1;
		v.kind = WXF_JV_OTHER;
		v.s = name.kind == WXF_JV_STRING ? name.s : "enum";
		r->h[h].val = v;
		break;
	}
	case TC_CLASS: {
		struct jclass *cl;

		if (read_classdesc(r, &cl, depth + 1) != 0 || new_handle(r) < 0)
			return -1;
		v.kind = WXF_JV_OTHER;
		v.s = "class";
		break;
	}
	case TC_CLASSDESC:
	case TC_PROXYCLASSDESC: {
		struct jclass *cl;

		r->c.pos--;
		if (read_classdesc(r, &cl, depth + 1) != 0)
			return -1;
		v.kind = WXF_JV_OTHER;
		v.s = "classdesc";
		break;
	}
	case TC_BLOCKDATA:
	case TC_BLOCKDATALONG: {
		uint64_t n = tc == TC_BLOCKDATA ? wxf_cur_u8(&r->c) : wxf_cur_u32be(&r->c);

		if (r->c.bad || wxf_cur_skip(&r->c, (size_t)n) != 0 || r->c.bad)
			return bad(r, "truncated block data");
		v.kind = WXF_JV_OTHER;
		v.s = "blockdata";
		break;
	}
	case TC_EXCEPTION:
		return bad(r, "stream holds an exception");
	default:
		return bad(r, "unknown type code");
	}
	if (out)
		*out = v;
	return 0;
}

int
wxf_jser_read_map(const uint8_t *data, size_t size, wxf_jmap *m, wxf_err *err)
{
	struct rd r;
	wxf_jval top;
	int rc = WXF_OK;

	memset(m, 0, sizeof(*m));
	memset(&r, 0, sizeof(r));
	r.c = wxf_cur_make(data, size);
	r.err = err;
	r.m = m;
	r.a = wxf_arena_new();
	if (r.a == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	m->arena_ = r.a;
	if (wxf_cur_u16be(&r.c) != 0xACED || wxf_cur_u16be(&r.c) != 5 || r.c.bad)
		return WXF_CORRUPT(err, -1, 0, "not a Java serialization stream (no AC ED 00 05)");
	if (read_content(&r, &top, 0, 1) != 0)
		rc = err ? err->code : WXF_ECORRUPT;
	else if (!r.map_done)
		rc = wxf_err_set(err, WXF_EUNSUPPORTED, "Java serialization: top-level object is %s, "
		    "not a HashMap", top.kind == WXF_JV_OTHER && top.s ? top.s : "not an object");
	free(r.h);
	if (rc == WXF_OK || m->n > 0)
		return rc;
	return rc ? rc : WXF_ECORRUPT;
}

void
wxf_jmap_free(wxf_jmap *m)
{
	wxf_arena *a = m->arena_;

	free(m->e);
	wxf_arena_free(&a);
	memset(m, 0, sizeof(*m));
}

const wxf_jval *
wxf_jmap_get_int(const wxf_jmap *m, int64_t k)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if ((m->e[i].key.kind == WXF_JV_INT || m->e[i].key.kind == WXF_JV_LONG) &&
		    m->e[i].key.i == k)
			return &m->e[i].val;
	return NULL;
}
