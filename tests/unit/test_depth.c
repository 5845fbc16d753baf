/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every parser of nested evidence structures against an input 100 000 levels deep, generated
 * here: Java serialization (nested arrays inside a HashMap, and a run of TC_RESET), message XML
 * (an app message and a forwarded record nested inline, forwarded records nested as text),
 * property lists (binary and XML, keyed archives, shared references that expand, a cycle),
 * protobuf readers (iOS, PC backup), Huawei info.xml.  Each must stop at its limit with a
 * warning that names the byte offset, keep what it read before, and never overflow the stack.
 */
#include "config.h"
#include "tap.h"
#include "base/wxf_plist.h"
#include "base/wxf_xml.h"
#include "decrypt/decrypt.h"
#include "intake/huawei.h"
#include "model/model.h"
#include "wechat/wc_backup.h"
#include "wechat/wc_ios.h"
#include "wechat/wc_msgdecode.h"
#include "wechat/wc_protobuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEEP 100000

typedef struct bytes {
	uint8_t *p;
	size_t n, cap;
} bytes;

static void
put(bytes *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		if (b->p == NULL)
			abort();
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void
put_s(bytes *b, const char *s)
{
	put(b, s, strlen(s));
}

static void
put_u8(bytes *b, unsigned v)
{
	uint8_t c = (uint8_t)v;

	put(b, &c, 1);
}

static void
put_be(bytes *b, uint64_t v, unsigned w)
{
	while (w-- > 0)
		put_u8(b, (unsigned)(v >> (8 * w)));
}

/* Java modified-UTF-8 string body: u16 length + bytes */
static void
put_jutf(bytes *b, const char *s)
{
	put_be(b, strlen(s), 2);
	put_s(b, s);
}

static int
contains(const char *hay, const char *needle)
{
	return hay != NULL && strstr(hay, needle) != NULL;
}

/* ------------------------------------------------------------------ Java serialization */

/* java.lang.Integer with its superclass java.lang.Number, value v (new class descriptors). */
static void
put_integer_new(bytes *b, int32_t v)
{
	put_u8(b, 0x73);
	put_u8(b, 0x72);
	put_jutf(b, "java.lang.Integer");
	put_be(b, 0x12e2a0a4f7818738ULL, 8);
	put_u8(b, 0x02);
	put_be(b, 1, 2);
	put_u8(b, 'I');
	put_jutf(b, "value");
	put_u8(b, 0x78);
	put_u8(b, 0x72);
	put_jutf(b, "java.lang.Number");
	put_be(b, 0x86ac951d0b94e08bULL, 8);
	put_u8(b, 0x02);
	put_be(b, 0, 2);
	put_u8(b, 0x78);
	put_u8(b, 0x70);
	put_be(b, (uint32_t)v, 4);
}

static void
test_javaser(void)
{
	bytes b = { 0 };
	wxf_jmap m;
	wxf_err e;
	const wxf_jval *v;
	size_t deep_at, i;
	int rc;

	/* HashMap { 1: "12345", 2: Object[] { Object[] { ... 100 000 deep } } } */
	put_be(&b, 0xACED0005u, 4);
	put_u8(&b, 0x73);
	put_u8(&b, 0x72);                      /* handle 0x7e0000: HashMap class */
	put_jutf(&b, "java.util.HashMap");
	put_be(&b, 0x0507dac1c31660d1ULL, 8);
	put_u8(&b, 0x03);
	put_be(&b, 2, 2);
	put_u8(&b, 'F');
	put_jutf(&b, "loadFactor");
	put_u8(&b, 'I');
	put_jutf(&b, "threshold");
	put_u8(&b, 0x78);
	put_u8(&b, 0x70);                      /* handle 0x7e0001: the map */
	put_be(&b, 0x3f400000u, 4);
	put_be(&b, 12, 4);
	put_u8(&b, 0x77);
	put_u8(&b, 8);
	put_be(&b, 16, 4);
	put_be(&b, 2, 4);
	put_integer_new(&b, 1);                /* 0x7e0002 Integer, 0x7e0003 Number, 0x7e0004 */
	put_u8(&b, 0x74);                      /* 0x7e0005 */
	put_jutf(&b, "12345");
	put_u8(&b, 0x73);                      /* 0x7e0006: Integer 2 */
	put_u8(&b, 0x71);
	put_be(&b, 0x7e0002, 4);
	put_be(&b, 2, 4);
	put_u8(&b, 0x75);                      /* first array; its class is handle 0x7e0007 */
	put_u8(&b, 0x72);
	put_jutf(&b, "[Ljava.lang.Object;");
	put_be(&b, 0x90ce589f1073296cULL, 8);
	put_u8(&b, 0x02);
	put_be(&b, 0, 2);
	put_u8(&b, 0x78);
	put_u8(&b, 0x70);
	put_be(&b, 1, 4);
	deep_at = 0;
	for (i = 1; i < DEEP; i++) {
		if (i == 31)
			deep_at = b.n;         /* array 32 is at depth 32, its class reference at 33 */
		put_u8(&b, 0x75);
		put_u8(&b, 0x71);
		put_be(&b, 0x7e0007, 4);
		put_be(&b, 1, 4);
	}
	put_u8(&b, 0x70);
	for (i = 0; i < DEEP; i++)
		put_u8(&b, 0x78);
	wxf_err_clear(&e);
	rc = wxf_jser_read_map(b.p, b.n, &m, &e);
	is_int(rc, WXF_ECORRUPT, "javaser: map with a value nested %d deep is refused there", DEEP);
	ok(contains(e.msg, "nesting deeper than 32 levels"), "javaser: the warning names the limit "
	    "(%s)", e.msg);
	ok(e.off == (int64_t)deep_at + 1 && contains(e.msg, "at byte"),
	    "javaser: and the byte offset (%lld: the class reference of the array at %zu)",
	    (long long)e.off, deep_at);
	is_int((int)m.n, 1, "javaser: the entry before the deep one is kept");
	v = wxf_jmap_get_int(&m, 1);
	ok(v != NULL && v->kind == WXF_JV_STRING && strcmp(v->s, "12345") == 0,
	    "javaser: kept entry 1 = \"12345\"");
	wxf_jmap_free(&m);

	/* a run of 100 000 TC_RESET before the map: consumed in a loop, not by recursion */
	b.n = 0;
	put_be(&b, 0xACED0005u, 4);
	for (i = 0; i < DEEP; i++)
		put_u8(&b, 0x79);
	put_u8(&b, 0x70);
	wxf_err_clear(&e);
	rc = wxf_jser_read_map(b.p, b.n, &m, &e);
	ok(rc == WXF_EUNSUPPORTED && contains(e.msg, "not a HashMap"),
	    "javaser: %d resets then null: read to the end, no map (%s)", DEEP, e.msg);
	wxf_jmap_free(&m);
	free(b.p);
}

/* ------------------------------------------------------------------ message XML */

static wxf_model *M;

static wxf_msg *
dec(int64_t type, const char *content, size_t n)
{
	wxf_prov p = { 0 };
	wxf_msg *m;

	p.file = "EnMicroMsg.db";
	p.table = "message";
	p.rowid = 7;
	p.offset = 4096 * 3 + 100;
	p.confidence = 100;
	m = wxf_model_new_msg(M, WXF_PLAT_ANDROID, "message", &p, NULL);
	m->talker = "wxid_peer";
	m->raw_type = type;
	m->is_send = 0;
	if (wxf_wc_decode(M, m, content, n) != WXF_OK)
		diag("decode failed");
	return m;
}

static const char *
warning(const wxf_msg *m, const char *needle)
{
	for (size_t i = 0; i < m->x->warnings.n; i++)
		if (strstr(m->x->warnings.v[i], needle) != NULL)
			return m->x->warnings.v[i];
	return NULL;
}

static void
xml_escape(bytes *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '<')
			put_s(out, "&lt;");
		else if (s[i] == '>')
			put_s(out, "&gt;");
		else if (s[i] == '&')
			put_s(out, "&amp;");
		else
			put(out, s + i, 1);
	}
}

static void
test_msgxml(void)
{
	bytes b = { 0 }, r = { 0 }, t = { 0 };
	char want[128];
	const char *w;
	wxf_msg *m;
	size_t at = 0, i;

	if (wxf_model_new(&M, NULL) != WXF_OK) {
		ok(0, "model");
		return;
	}
	/* an app message whose <des> holds 100 000 nested elements */
	put_s(&b, "<msg><appmsg appid=\"\"><title>outer</title><type>5</type><des>");
	for (i = 0; i < DEEP; i++) {
		if (i == WXF_XML_MAX_DEPTH + 1 - 3)
			at = b.n;              /* level 50: msg, appmsg, des, then 47 more */
		put_s(&b, "<x>");
	}
	for (i = 0; i < DEEP; i++)
		put_s(&b, "</x>");
	put_s(&b, "</des></appmsg></msg>");
	put_u8(&b, 0);
	m = dec(49, (const char *)b.p, b.n - 1);
	snprintf(want, sizeof(want), "start tag at byte %zu of the content", at);
	w = warning(m, "nested deeper than the depth limit");
	ok(w != NULL && contains(w, want), "msgxml: %d levels refused with the offset (%s; want %s)",
	    DEEP, w ? w : "no warning", want);
	ok(m->content_len == b.n - 1, "msgxml: the raw content is kept");
	ok(m->prov.file != NULL && m->prov.offset == 4096 * 3 + 100,
	    "msgxml: the warning belongs to a message whose provenance names file and offset");

	/* a forwarded record whose <recorditem> document nests 100 000 deep (inline elements) */
	b.n = 0;
	r.n = 0;
	put_s(&r, "<recordinfo><title>t</title>");
	for (i = 0; i < DEEP; i++) {
		if (i == WXF_XML_MAX_DEPTH)
			at = r.n;              /* recordinfo is level 1, this <r> level 50 */
		put_s(&r, "<r>");
	}
	for (i = 0; i < DEEP; i++)
		put_s(&r, "</r>");
	put_s(&r, "</recordinfo>");
	put_s(&b, "<msg><appmsg><title>聊天记录</title><type>19</type><recorditem><![CDATA[");
	put(&b, r.p, r.n);
	put_s(&b, "]]></recorditem></appmsg></msg>");
	put_u8(&b, 0);
	m = dec(49, (const char *)b.p, b.n - 1);
	ok(m->x->title != NULL && strcmp(m->x->title, "聊天记录") == 0 && m->app_type == 19,
	    "record: the outer message is decoded (partial result)");
	w = warning(m, "forwarded record not decoded: XML nested deeper");
	snprintf(want, sizeof(want), "(byte %zu of <recorditem>)", at);
	ok(w != NULL && contains(w, want), "record: %d inline levels refused with the offset (%s; "
	    "want %s)", DEEP, w ? w : "no warning", want);
	ok(wxf_kvs_get(&m->x->fields, "recorditem") != NULL, "record: the raw recorditem is kept");

	/* forwarded records nested as text 20 deep: decoded to 8 levels, then a warning */
	t.n = 0;
	put_s(&t, "<recordinfo><title>L20</title><datalist><dataitem datatype=\"1\"><datadesc>d20"
	    "</datadesc></dataitem></datalist></recordinfo>");
	for (i = 19; i >= 1; i--) {
		bytes u = { 0 };
		char head[160];

		snprintf(head, sizeof(head), "<recordinfo><title>L%zu</title><datalist><dataitem "
		    "datatype=\"17\"><datadesc>d%zu</datadesc><sourcename>n%zu</sourcename><recordxml>",
		    i, i, i);
		put_s(&u, head);
		xml_escape(&u, (const char *)t.p, t.n);
		put_s(&u, "</recordxml></dataitem></datalist></recordinfo>");
		free(t.p);
		t = u;
	}
	b.n = 0;
	put_s(&b, "<msg><appmsg><title>fw</title><type>19</type><recorditem><![CDATA[");
	put(&b, t.p, t.n);
	put_s(&b, "]]></recorditem></appmsg></msg>");
	put_u8(&b, 0);
	m = dec(49, (const char *)b.p, b.n - 1);
	is_str(wxf_kvs_get(&m->x->fields, "record/title"), "L1", "record: outer title");
	is_str(wxf_kvs_get(&m->x->fields, "record/1/datadesc"), "d1", "record: first item");
	is_str(wxf_kvs_get(&m->x->fields, "record/1/datatype"), "17", "record: raw datatype kept");
	is_str(wxf_kvs_get(&m->x->fields, "record/1/1/datadesc"), "d2", "record: nested item (text)");
	is_str(wxf_kvs_get(&m->x->fields, "record/1/1/1/1/1/1/1/1/datadesc"), "d8",
	    "record: 8th level decoded");
	ok(wxf_kvs_get(&m->x->fields, "record/1/1/1/1/1/1/1/1/1/datadesc") == NULL,
	    "record: 9th level not decoded");
	w = warning(m, "nested deeper than 8 records at record/1/1/1/1/1/1/1/1");
	ok(w != NULL, "record: the warning names where it stopped (%s)", w ? w : "none");
	wxf_model_free(&M);
	free(t.p);
	free(r.p);
	free(b.p);
}

/* ------------------------------------------------------------------ property lists */

/* A binary plist of `n` objects: object i is an array of the refs given by kids(i). */
static void
bplist(bytes *b, size_t n, int mode)
{
	size_t *off = malloc(n * sizeof(*off)), i, tbl;
	unsigned rs = n > 65535 ? 4 : 2;

	b->n = 0;
	put_s(b, "bplist00");
	for (i = 0; i < n; i++) {
		off[i] = b->n;
		if (i + 1 == n) {
			put_u8(b, 0xA0);                /* empty array */
		} else if (mode == 0) {
			put_u8(b, 0xA1);                /* [ next ] : a chain */
			put_be(b, i + 1, rs);
		} else if (mode == 1) {
			put_u8(b, 0xA2);                /* [ next, next ] : shared, doubles per level */
			put_be(b, i + 1, rs);
			put_be(b, i + 1, rs);
		}
	}
	if (mode == 2) {                                /* [ [ <first> ] ]: a cycle */
		b->n = off[1];
		put_u8(b, 0xA1);
		put_be(b, 0, rs);
	}
	tbl = b->n;
	for (i = 0; i < n; i++)
		put_be(b, off[i], 4);
	for (i = 0; i < 6; i++)
		put_u8(b, 0);
	put_u8(b, 4);
	put_u8(b, rs);
	put_be(b, n, 8);
	put_be(b, 0, 8);
	put_be(b, tbl, 8);
	free(off);
}

static void
test_plist(void)
{
	bytes b = { 0 };
	plist_t pl = NULL;
	wxf_karchive ka;
	wxf_err e;
	char want[64];
	size_t i, at = 0;
	FILE *f;

	bplist(&b, DEEP, 0);
	wxf_err_clear(&e);
	is_int(wxf_plist_parse(b.p, b.n, 8u << 20, &pl, &e), WXF_ECORRUPT,
	    "bplist: %d nested arrays refused before libplist", DEEP);
	/* objects of 5 bytes (marker, 4-byte reference) from byte 8: object 64 is level 65 */
	snprintf(want, sizeof(want), "object at byte %d", 8 + 5 * WXF_PLIST_MAX_DEPTH);
	ok(contains(e.msg, "nested deeper than 64 levels") && contains(e.msg, want) &&
	    e.off == 8 + 5 * WXF_PLIST_MAX_DEPTH, "bplist: warning with the offset (%s)", e.msg);
	ok(pl == NULL, "bplist: no tree");
	bplist(&b, WXF_PLIST_MAX_DEPTH, 0);
	ok(wxf_plist_parse(b.p, b.n, 8u << 20, &pl, &e) == WXF_OK && pl != NULL,
	    "bplist: %d levels (the limit) still parse", WXF_PLIST_MAX_DEPTH);
	plist_free(pl);
	pl = NULL;
	bplist(&b, 40, 1);
	wxf_err_clear(&e);
	ok(wxf_plist_parse(b.p, b.n, 8u << 20, &pl, &e) == WXF_ECORRUPT && contains(e.msg,
	    "expands to more than"), "bplist: 40 levels of shared references (2^40 copies) "
	    "refused (%s)", e.msg);
	bplist(&b, 5, 2);
	wxf_err_clear(&e);
	ok(wxf_plist_parse(b.p, b.n, 8u << 20, &pl, &e) == WXF_ECORRUPT && contains(e.msg,
	    "contains itself"), "bplist: a cycle refused (%s)", e.msg);

	/* XML plist 100 000 deep, also as a file (the warning then starts with its path) */
	b.n = 0;
	put_s(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\">");
	for (i = 0; i < DEEP; i++) {
		if (i == WXF_PLIST_MAX_DEPTH + 1)
			at = b.n;
		put_s(&b, "<array>");
	}
	for (i = 0; i < DEEP; i++)
		put_s(&b, "</array>");
	put_s(&b, "</plist>\n");
	wxf_err_clear(&e);
	is_int(wxf_plist_parse(b.p, b.n, 8u << 20, &pl, &e), WXF_ECORRUPT,
	    "xml plist: %d levels refused", DEEP);
	snprintf(want, sizeof(want), "element at byte %zu", at);
	ok(contains(e.msg, want) && e.off == (int64_t)at, "xml plist: offset named (%s)", e.msg);
	f = fopen("test_depth.plist", "wb");
	if (f != NULL) {
		fwrite(b.p, 1, b.n, f);
		fclose(f);
	}
	wxf_err_clear(&e);
	ok(wxf_plist_read_file("test_depth.plist", 8u << 20, &pl, &e) == WXF_ECORRUPT &&
	    strncmp(e.msg, "test_depth.plist: ", 18) == 0 && contains(e.msg, want),
	    "plist file: the warning names the file and the offset (%s)", e.msg);
	remove("test_depth.plist");

	/* a keyed archive whose $objects nest 100 000 deep */
	b.n = 0;
	put_s(&b, "<?xml version=\"1.0\"?><plist version=\"1.0\"><dict><key>$top</key><dict><key>"
	    "root</key><dict><key>CF$UID</key><integer>1</integer></dict></dict><key>$objects"
	    "</key><array><string>$null</string>");
	for (i = 0; i < DEEP; i++)
		put_s(&b, "<dict><key>k</key>");
	put_s(&b, "<string>x</string>");
	for (i = 0; i < DEEP; i++)
		put_s(&b, "</dict>");
	put_s(&b, "</array></dict></plist>");
	wxf_err_clear(&e);
	ok(wxf_karchive_open(&ka, b.p, b.n, 8u << 20, &e) == WXF_ECORRUPT &&
	    contains(e.msg, "nested deeper"), "keyed archive: %d levels refused (%s)", DEEP, e.msg);
	free(b.p);
}

/* ------------------------------------------------------------------ protobuf readers */

static int
on_item(void *arg, size_t index, size_t off, size_t len)
{
	(void)index, (void)off, (void)len;
	++*(size_t *)arg;
	return 0;
}

static void
test_protobuf(void)
{
	bytes b = { 0 };
	uint8_t *p;
	size_t n = 1, i, items = 0;
	char *a = NULL, *bb = NULL, *c = NULL, *d = NULL;
	wxf_ios_owner o;
	int64_t declared = 0;
	wxf_bak_item it;
	int r;

	/* field 1 { field 1 { ... 100 000 deep ... { field 1 = "x" } } }, built inside out */
	p = malloc((size_t)DEEP * 6 + 8);
	i = (size_t)DEEP * 6 + 8;
	p[--i] = 'x';
	p[--i] = 1;
	p[--i] = 0x0a;
	n = 3;
	for (size_t k = 1; k < DEEP; k++) {
		uint8_t v[10];
		size_t vn = 0, x = n;

		do {
			v[vn++] = (uint8_t)((x & 0x7f) | (x > 0x7f ? 0x80 : 0));
			x >>= 7;
		} while (x != 0);
		while (vn > 0)
			p[--i] = v[--vn];
		p[--i] = 0x0a;
		n = (size_t)DEEP * 6 + 8 - i;
	}
	ok(wxf_pb_validate(p + i, n, 100000) == 1, "protobuf: a %d-deep message is one top field "
	    "(the walker never descends by itself)", DEEP);
	r = wxf_ios_contact_remark(p + i, n, &a, &bb, &c, &d);
	ok(r >= 0 || r == -1, "iOS dbContactRemark: %d-deep input read at its schema depth (%d)",
	    DEEP, r);
	free(a), free(bb), free(c), free(d);
	r = wxf_ios_logininfo(p + i, n, NULL, &o);
	if (r == 1)
		wxf_ios_owner_free(&o);
	ok(r == 0 || r == 1 || r == WXF_ECORRUPT, "iOS LoginInfo2.dat: %d-deep input ends (%d)",
	    DEEP, r);
	r = wxf_pcbackup_msglist(p + i, n, on_item, &items, &declared, NULL);
	ok(1, "PC backup message list: %d-deep input ends (%d, %zu items)", DEEP, r, items);
	r = wxf_bak_item_decode(p + i, n, &it, NULL);
	ok(1, "PC backup message item: %d-deep input ends (%d)", DEEP, r);
	free(p);
	(void)b;
}

/* ------------------------------------------------------------------ Huawei info.xml, prefs */

static int
prefs_cb(void *arg, const char *name, const char *value)
{
	(void)name, (void)value;
	++*(int *)arg;
	return 0;
}

static void
test_other_xml(void)
{
	bytes b = { 0 };
	wxf_hw_info in;
	wxf_err e;
	const char *why = NULL;
	int n = 0, r;
	size_t i;

	put_s(&b, "<?xml version='1.0' encoding='utf-8'?><info.xml><row>");
	for (i = 0; i < DEEP; i++)
		put_s(&b, "<column name=\"a\">");
	for (i = 0; i < DEEP; i++)
		put_s(&b, "</column>");
	put_s(&b, "</row></info.xml>");
	wxf_err_clear(&e);
	ok(wxf_hw_info_parse(b.p, b.n, &in, &e) == WXF_ECORRUPT && contains(e.msg,
	    "nested deeper") && contains(e.msg, "start tag at byte") && e.off > 0,
	    "Huawei info.xml: %d levels refused with the offset (%s)", DEEP, e.msg);
	wxf_hw_info_free(&in);
	b.n = 0;
	put_s(&b, "<?xml version='1.0' encoding='utf-8' standalone='yes' ?><map>");
	for (i = 0; i < DEEP; i++)
		put_s(&b, "<set name=\"s\">");
	for (i = 0; i < DEEP; i++)
		put_s(&b, "</set>");
	put_s(&b, "</map>");
	r = wxf_xml_prefs((const char *)b.p, b.n, prefs_cb, &n, &why);
	ok(r == WXF_ECORRUPT && contains(why, "nested deeper") && n == 0,
	    "SharedPreferences: %d levels refused (%s)", DEEP, why ? why : "");
	free(b.p);
}

int
main(void)
{
	wxf_xml_init();
	test_javaser();
	test_msgxml();
	test_plist();
	test_protobuf();
	test_other_xml();
	return tap_done();
}
