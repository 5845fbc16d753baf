/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for src/sqlite: header, schema parsing, live rows (overflow, UTF-16, reserve),
 * WAL overlay and journal parsing on fixtures made by sqlite3/Python (fixtures/sqlite/), and
 * hostile inline images (cycles, out-of-range pointers). */
#include "config.h"
#include "tap.h"
#include "base/wxf_file.h"
#include "base/wxf_buf.h"
#include "sqlite/sqlite.h"
#include "sqlite/sqlite_int.h" /* wxf_sqlite_parse_create */

#include <stdlib.h>
#include <string.h>

static char *
fixture(const char *name)
{
	const char *top = getenv("top_srcdir");
	static char path[4096];

	snprintf(path, sizeof(path), "%s/fixtures/sqlite/%s", top ? top : "..", name);
	return path;
}

typedef struct collect {
	int n;
	int64_t last_rowid;
	int ordered;
	int64_t want_rowid;
	char *text;          /* column `col` of want_rowid */
	int col;
	int all_utf8;
	uint32_t pgno;
	uint64_t offset;
} collect;

static int
collect_cb(void *arg, const wxf_sqlrow *r)
{
	collect *c = arg;
	int i;

	if (c->n > 0 && r->rowid <= c->last_rowid)
		c->ordered = 0;
	c->last_rowid = r->rowid;
	c->n++;
	for (i = 0; i < r->n_vals; i++)
		if (r->vals[i].type == WXF_SQL_TEXT && !wxf_utf8_valid((const char *)r->vals[i].p, r->vals[i].n))
			c->all_utf8 = 0;
	if (r->rowid == c->want_rowid && c->col < r->n_vals) {
		free(c->text);
		c->text = wxf_sqlval_strdup(&r->vals[c->col]);
		c->pgno = r->pgno;
		c->offset = r->offset;
	}
	return 0;
}

static void
init_collect(collect *c, int64_t rowid, int col)
{
	memset(c, 0, sizeof(*c));
	c->ordered = 1;
	c->all_utf8 = 1;
	c->want_rowid = rowid;
	c->col = col;
}

static void
test_basic(void)
{
	wxf_map m;
	wxf_sqlite_db *db = NULL;
	wxf_err err;
	const wxf_sqlite_obj *t, *ix;
	collect c;

	wxf_err_clear(&err);
	if (!ok(wxf_map_open(&m, fixture("basic.db"), &err) == WXF_OK, "map basic.db"))
		return;
	is_int(wxf_sqlite_open(&db, m.data, m.size, &err), WXF_OK, "open basic.db");
	is_int(wxf_sqlite_page_size(db), 1024, "page size");
	is_int(wxf_sqlite_reserve(db), 0, "no reserve");
	is_int(wxf_sqlite_encoding(db), 1, "UTF-8");
	is_int(wxf_sqlite_n_objs(db), 3, "table + 2 indexes");
	t = wxf_sqlite_table(db, "MESSAGE");
	ok(t != NULL, "case-insensitive table lookup");
	is_int(t->n_cols, 9, "9 declared columns");
	is_int(t->ipk_col, 0, "msgId is the rowid alias");
	is_str(t->col_types[2], "INT", "declared type kept");
	is_int(wxf_sqlite_col(t, "talker"), 5, "column lookup");
	ok(t->col_notnull[4] && t->col_notnull[5] && !t->col_notnull[6], "NOT NULL flags");
	is_int(wxf_sqlite_affinity(t->col_types[7]), WXF_AFF_REAL, "REAL affinity");
	ix = wxf_sqlite_obj_at(db, 1);
	is_str(ix->name, "msg_talker_time", "index name");
	is_int(ix->n_cols, 2, "index columns");
	is_str(ix->col_names[1], "createTime", "index column name");
	is_int(ix->index_of, 0, "index linked to its table");

	init_collect(&c, 50, 6);
	is_int(wxf_sqlite_scan(db, t, collect_cb, &c, &err), WXF_OK, "scan");
	is_int(c.n, 51, "51 live rows (9 deleted)");
	ok(c.ordered, "rowid order");
	ok(c.all_utf8, "all text valid UTF-8");
	ok(c.text != NULL && strlen(c.text) == 4500, "row 50: 1500 Chinese characters through an overflow chain");
	ok(c.pgno > 0 && c.offset > (uint64_t)(c.pgno - 1) * 1024 && c.offset < (uint64_t)c.pgno * 1024,
	    "live row carries page %u and offset %llu", c.pgno, (unsigned long long)c.offset);
	free(c.text);
	init_collect(&c, 20, 6);
	wxf_sqlite_scan(db, t, collect_cb, &c, &err);
	is_str(c.text, "已撤回 updated 内容", "updated row reads its new value");
	free(c.text);
	init_collect(&c, 20, 0);
	wxf_sqlite_scan(db, t, collect_cb, &c, &err);
	is_str(c.text, "20", "IPK column holds the rowid");
	free(c.text);
	init_collect(&c, 44, 5);
	is_int(wxf_sqlite_find_rowid(db, t, 44, collect_cb, &c, &err), 0, "find_rowid 44");
	ok(c.n == 1 && c.text != NULL && strncmp(c.text, "wxid_", 5) + strncmp(c.text, "1234", 4) != 0,
	    "find_rowid returns the row");
	free(c.text);
	is_int(wxf_sqlite_find_rowid(db, t, 45, collect_cb, &c, &err), WXF_ENOTFOUND, "deleted rowid not found");
	init_collect(&c, -1, 0);
	is_int(wxf_sqlite_scan_index(db, ix, collect_cb, &c, &err), WXF_OK, "index scan");
	is_int(c.n, 51, "one index entry per live row");
	wxf_sqlite_close(&db);
	ok(db == NULL, "close NULLs the handle");
	wxf_map_close(&m);
}

static void
test_utf16_reserve(void)
{
	static const char *const names[] = { "reserve16.db", "reserve48.db", "reserve80.db" };
	static const int res[] = { 16, 48, 80 };
	wxf_map m;
	wxf_sqlite_db *db = NULL;
	wxf_err err;
	collect c;
	int i;

	wxf_err_clear(&err);
	if (wxf_map_open(&m, fixture("utf16.db"), &err) == WXF_OK &&
	    wxf_sqlite_open(&db, m.data, m.size, &err) == WXF_OK) {
		const wxf_sqlite_obj *t = wxf_sqlite_table(db, "contact");

		is_int(wxf_sqlite_encoding(db), 2, "UTF-16le");
		init_collect(&c, 1, 1);
		wxf_sqlite_scan(db, t, collect_cb, &c, &err);
		is_int(c.n, 26, "26 live contacts");
		is_str(c.text, "wxid_00001", "UTF-16 text converted to UTF-8");
		ok(c.all_utf8, "UTF-16 Chinese converted to valid UTF-8");
		free(c.text);
		wxf_sqlite_close(&db);
		wxf_map_close(&m);
	} else
		ok(0, "open utf16.db: %s", err.msg);
	for (i = 0; i < 3; i++) {
		if (wxf_map_open(&m, fixture(names[i]), &err) != WXF_OK ||
		    wxf_sqlite_open(&db, m.data, m.size, &err) != WXF_OK) {
			ok(0, "open %s", names[i]);
			continue;
		}
		is_int(wxf_sqlite_reserve(db), res[i], "%s: reserve", names[i]);
		is_int(wxf_sqlite_usable(db), wxf_sqlite_page_size(db) - res[i], "%s: usable size", names[i]);
		init_collect(&c, 1, 0);
		wxf_sqlite_scan(db, wxf_sqlite_table(db, "rcontact"), collect_cb, &c, &err);
		ok(c.n > 0 && c.n < 25 && c.all_utf8, "%s: %d live rows, valid text", names[i], c.n);
		free(c.text);
		wxf_sqlite_close(&db);
		wxf_map_close(&m);
	}
}

static void
test_wal_journal(void)
{
	wxf_map m, w, j;
	wxf_sqlite_db *db = NULL;
	wxf_err err;
	const wxf_wal *wal;
	wxf_journal *jn = NULL;
	collect c;
	size_t i, n_stale = 0, n_valid = 0;

	wxf_err_clear(&err);
	if (wxf_map_open(&m, fixture("wal.db"), &err) != WXF_OK ||
	    wxf_map_open(&w, fixture("wal.db-wal"), &err) != WXF_OK ||
	    wxf_sqlite_open(&db, m.data, m.size, &err) != WXF_OK) {
		ok(0, "open wal.db: %s", err.msg);
		return;
	}
	init_collect(&c, 17, 0);
	wxf_sqlite_scan(db, wxf_sqlite_table(db, "message"), collect_cb, &c, &err);
	is_int(c.n, 38, "main file alone: 38 rows (17 and 33 still live there)");
	free(c.text);
	is_int(wxf_sqlite_attach_wal(db, w.data, w.size, &err), WXF_OK, "attach WAL");
	wal = wxf_sqlite_wal(db);
	for (i = 0; i < wal->n_frames; i++) {
		n_stale += wal->frames[i].state == WXF_WAL_STALE;
		n_valid += wal->frames[i].state == WXF_WAL_VALID;
	}
	ok(n_valid > 0 && wal->last_commit > 0, "valid committed frames (%zu)", n_valid);
	ok(n_stale > 0, "stale frames from before the checkpoint (%zu)", n_stale);
	init_collect(&c, 25, 2);
	wxf_sqlite_scan(db, wxf_sqlite_table(db, "message"), collect_cb, &c, &err);
	is_int(c.n, 36, "with the WAL: 36 rows");
	is_str(c.text, "已修改", "row 25 reads its WAL version");
	ok(c.pgno > 0, "row from a WAL page");
	free(c.text);
	wxf_sqlite_close(&db);
	wxf_map_close(&w);
	wxf_map_close(&m);

	if (wxf_map_open(&j, fixture("journal.db-journal"), &err) != WXF_OK) {
		ok(0, "map journal");
		return;
	}
	is_int(wxf_journal_parse(&jn, j.data, j.size, 1024, &err), WXF_OK, "parse PERSIST journal");
	ok(jn->header_zeroed, "PERSIST header is zeroed");
	is_int(jn->n_recs, 3, "3 page records survive");
	ok(jn->recs[1].cksum_ok == 1, "checksums consistent with the derived nonce");
	wxf_journal_free(&jn);
	wxf_map_close(&j);
}

static void
test_create_parser(void)
{
	static uint8_t img[4 * 1024];
	wxf_sqlite_db *db = NULL;
	wxf_err err;

	/* an empty image made by hand: header only, page 1 an empty table leaf */
	memset(img, 0, sizeof(img));
	memcpy(img, "SQLite format 3", 16);
	img[16] = 4; img[17] = 0; img[18] = 1; img[19] = 1; img[21] = 64; img[22] = 32; img[23] = 32;
	img[31] = 1; img[47] = 4; img[59] = 1;
	img[100] = 0x0d; img[105] = 0x10; img[106] = 0x00;
	wxf_err_clear(&err);
	is_int(wxf_sqlite_open(&db, img, 1024, &err), WXF_OK, "hand-made empty db opens");
	is_int(wxf_sqlite_n_objs(db), 0, "no objects");
	wxf_sqlite_close(&db);
	img[16] = 3;
	is_int(wxf_sqlite_open(&db, img, 1024, &err), WXF_ECORRUPT, "page size 768 refused");
	img[16] = 4;
	img[20] = 200; img[16] = 2; /* 512 - 200 < 480 */
	is_int(wxf_sqlite_open(&db, img, 1024, &err), WXF_ECORRUPT, "too much reserve refused");
	img[20] = 0; img[16] = 4;
	is_int(wxf_sqlite_open(&db, img, 100, &err), WXF_ECORRUPT, "short image refused");
	{
		wxf_arena *a = wxf_arena_new();
		wxf_sqlite_obj o;

		memset(&o, 0, sizeof(o));
		o.sql = "CREATE TABLE \"we\"\"ird\" ( [a b] integer PRIMARY KEY DESC, `c` VARCHAR(10, 2) "
		    "NOT NULL DEFAULT 'x,y', -- comment, with comma\n d, e /* , */ BLOB, "
		    "CONSTRAINT u UNIQUE (d, e), CHECK (c <> ')'))";
		wxf_sqlite_parse_create(a, &o);
		is_int(o.n_cols, 4, "tricky CREATE: 4 columns");
		is_str(o.col_names[0], "a b", "bracket-quoted name");
		is_str(o.col_types[1], "VARCHAR(10,2)", "type with arguments");
		is_int(o.ipk_col, -1, "INTEGER PRIMARY KEY DESC is not the rowid alias");
		ok(o.col_notnull[1], "NOT NULL after type");
		memset(&o, 0, sizeof(o));
		o.sql = "CREATE TABLE t(x INTEGER, y TEXT, PRIMARY KEY(x))";
		wxf_sqlite_parse_create(a, &o);
		is_int(o.ipk_col, 0, "table-level PRIMARY KEY(x) INTEGER is the alias");
		memset(&o, 0, sizeof(o));
		o.sql = "CREATE TABLE w(k TEXT, v, PRIMARY KEY(k)) WITHOUT ROWID";
		wxf_sqlite_parse_create(a, &o);
		ok(o.without_rowid && o.ipk_col == -1 && o.n_pk == 1, "WITHOUT ROWID");
		memset(&o, 0, sizeof(o));
		o.sql = "CREATE VIRTUAL TABLE f USING fts4(content)";
		wxf_sqlite_parse_create(a, &o);
		ok(o.is_virtual, "virtual table");
		memset(&o, 0, sizeof(o));
		o.sql = "CREATE TABLE 'unterminated (a";
		wxf_sqlite_parse_create(a, &o);
		ok(1, "unterminated quote does not crash");
		wxf_arena_free(&a);
	}
	is_int(wxf_sqlite_local_size(4096, 1, 100), 100, "small payload local");
	ok(wxf_sqlite_local_size(1024, 1, 5000) <= 1024 - 35, "overflowing payload local <= X");
	{
		/* record: hdr 4: types 1 (int8), 0x13 (text 3), 7 (float) */
		static const uint8_t rec[] = { 4, 1, 0x13, 7, 0xfe, 'a', 'b', 'c', 0x40, 0x09, 0x21, 0xfb,
		    0x54, 0x44, 0x2d, 0x18 };
		uint64_t ty[8];
		size_t hl;
		wxf_sqlval v[3];
		wxf_sqlite_scratch s = { 0 };
		int tr = 0;

		is_int(wxf_sqlite_record_types(rec, sizeof(rec), ty, 8, &hl), 3, "3 serial types");
		wxf_sqlite_record_values(1, ty, 3, rec + hl, sizeof(rec) - hl, v, &s, &tr);
		ok(v[0].type == WXF_SQL_INT && v[0].i == -2, "int8 -2");
		ok(v[1].type == WXF_SQL_TEXT && v[1].n == 3, "text abc");
		ok(v[2].type == WXF_SQL_FLOAT && v[2].f > 3.14159 && v[2].f < 3.1416, "float pi");
		wxf_sqlite_record_values(1, ty, 3, rec + hl, 6, v, &s, &tr);
		ok(tr && v[2].type == WXF_SQL_NULL, "truncated body flagged");
		is_int(wxf_sqlite_record_types(rec, 2, ty, 8, &hl), -1, "header longer than data refused");
		{
			char *x = wxf_sqlval_strdup(&v[0]);

			is_str(x, "-2", "strdup int");
			free(x);
			is_int(wxf_sqlval_int(&v[1], 7), 7, "non-numeric text gives the default");
		}
		wxf_sqlite_scratch_free(&s);
	}
}

/* hostile: freelist trunk pointing at itself, leaves out of range, a root that is its own child */
static int
count_visit(void *arg, uint32_t pgno, int trunk)
{
	(void)pgno;
	(void)trunk;
	(*(int *)arg)++;
	return 0;
}

static int
count_row(void *arg, const wxf_sqlrow *r)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

static void
test_hostile(void)
{
	static uint8_t img[8 * 1024];
	wxf_sqlite_db *db = NULL;
	wxf_err err;
	wxf_sqlite_obj t;
	int calls = 0;

	memset(img, 0, sizeof(img));
	memcpy(img, "SQLite format 3", 16);
	img[16] = 4; img[18] = 1; img[19] = 1; img[21] = 64; img[22] = 32; img[23] = 32;
	img[35] = 2; /* first trunk = 2 */ img[39] = 5; img[47] = 4; img[59] = 1;
	img[100] = 0x0d; img[105] = 0x04; /* empty leaf */
	/* page 2: trunk -> next 2 (cycle), leaves 2 (itself), 99 (out of range), 3 */
	img[1024 + 3] = 2; img[1024 + 7] = 3; img[1024 + 11] = 2; img[1024 + 15] = 99; img[1024 + 19] = 3;
	/* page 3: table interior whose right child is itself */
	img[2048] = 0x05; img[2048 + 5] = 0x04; img[2048 + 11] = 3;
	wxf_err_clear(&err);
	is_int(wxf_sqlite_open(&db, img, sizeof(img), &err), WXF_OK, "hostile image opens");
	is_int(wxf_sqlite_freelist_walk(db, count_visit, &calls, &err), WXF_OK, "freelist walk ends");
	is_int(calls, 2, "trunk and one valid leaf visited, cycle and range errors skipped");
	ok(wxf_sqlite_n_warnings(db) >= 2, "warnings counted");
	memset(&t, 0, sizeof(t));
	t.type = "table";
	t.name = "x";
	t.rootpage = 3;
	t.ipk_col = -1;
	calls = 0;
	is_int(wxf_sqlite_scan(db, &t, count_row, &calls, &err), WXF_OK, "self-child tree scan ends");
	is_int(calls, 0, "no rows");
	wxf_sqlite_close(&db);
}

int
main(void)
{
	test_basic();
	test_utf16_reserve();
	test_wal_journal();
	test_create_parser();
	test_hostile();
	return tap_done();
}
