/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The case layer with a platform table of this test's own: a "toy" platform whose driver is
 * defined here and nowhere else (src/ knows nothing of it) is read end to end through
 * wxf_case_run, which shows that a platform is an addition (one driver, one table line) and
 * never an edit of case/ or report/.  Also: a database two accounts claim is read by neither and
 * the report says so; recovered rows of a deleted record reach the driver with provenance.
 *
 * The evidence is made with the SQLite library (libsqlcipher without a key, secure_delete off),
 * not with the code under test.  The toy database: table msgs(id INTEGER PRIMARY KEY, talker,
 * sender, body, t), three live rows and one deleted row.
 */
#include "config.h"
#include "tap.h"
#include "case/case.h"
#include "base/wxf_file.h"
#include "base/wxf_mem.h"
#include "wechat/wc_driver.h"

#include <sqlcipher/sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------------------ the toy driver */

typedef struct toy_rd {
	wxf_wc_acct *a;
	const wxf_wc_db *d;
	wxf_sqlite_db *db;
	int rows, recovered;
} toy_rd;

static int n_run_accounts;

static int
toy_accounts(const wxf_wc_driver *drv, const wxf_inventory *inv, wxf_wc_acct ***v, size_t *n,
    wxf_err *err)
{
	size_t i;

	for (i = 0; i < inv->n_items; i++) {
		const wxf_item *it = &inv->items[i];
		const char *base = wxf_path_base(it->path);
		int copies = strcmp(base, "claimed-twice.db") == 0 ? 2 : 1, k;

		if (strcmp(base, "toy-messages.db") != 0 && copies == 1)
			continue;
		for (k = 0; k < copies; k++) {
			char *dir = wxf_path_dir(it->path), id[32];
			wxf_wc_acct *a;

			snprintf(id, sizeof(id), "toy%d", k);
			a = wxf_wc_acct_new(drv, inv, it->root, id, dir, dir, "work/toy");
			free(dir);
			if (a == NULL || wxf_wc_acct_add_db(a, it, "message-db", NULL, 1, 1) < 0)
				return wxf_err_set(err, WXF_ENOMEM, "out of memory");
			*v = wxf_xrealloc(*v, (*n + 1) * sizeof(**v));
			(*v)[(*n)++] = a;
		}
	}
	n_run_accounts += (int)*n;
	return WXF_OK;
}

static int
toy_open(wxf_wc_acct *a, size_t d, wxf_sqlite_db *sdb, void **rd, wxf_err *err)
{
	toy_rd *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	r->a = a;
	r->d = &a->dbs[d];
	r->db = sdb;
	*rd = r;
	return WXF_OK;
}

/* One row of msgs -> one message; p NULL: a live row (provenance from the row itself). */
static int
toy_add_row_prov(toy_rd *r, const wxf_sqlrow *row, const wxf_prov *p)
{
	wxf_model *m = r->a->m;
	wxf_prov lp;
	wxf_msg *g;
	char *s;

	if (row->table == NULL || strcmp(row->table->name, "msgs") != 0 || row->n_vals < 5)
		return 0;
	if (p == NULL) {
		memset(&lp, 0, sizeof(lp));
		lp.file = r->d->item->path;
		lp.image = r->d->image;
		lp.table = "msgs";
		lp.rowid = row->rowid;
		lp.pgno = row->pgno;
		lp.offset = row->offset;
		lp.length = row->length;
		lp.origin = WXF_ORIGIN_LIVE;
		lp.status = WXF_STATUS_INTACT;
		lp.confidence = 100;
		p = &lp;
	} else
		r->recovered++;
	g = wxf_model_new_msg(m, WXF_PLAT_UNKNOWN, "msgs", p, NULL);
	if (g == NULL)
		return -1;
	g->kind = WXF_MK_TEXT;
	g->talker = wxf_model_strdup(m, (s = wxf_sqlval_strdup(&row->vals[1])));
	free(s);
	g->sender = wxf_model_strdup(m, (s = wxf_sqlval_strdup(&row->vals[2])));
	free(s);
	g->body = wxf_model_strdup(m, (s = wxf_sqlval_strdup(&row->vals[3])));
	free(s);
	g->time_ms = wxf_sqlval_int(&row->vals[4], 0) * 1000;
	g->dir = WXF_DIR_IN;
	r->rows++;
	return 0;
}

static int
toy_row(void *arg, const wxf_sqlrow *row)
{
	return toy_add_row_prov(arg, row, NULL);
}

static int
toy_read(void *arg, wxf_err *err)
{
	toy_rd *r = arg;
	const wxf_sqlite_obj *t = wxf_sqlite_table(r->db, "msgs");

	if (t == NULL)
		return wxf_err_set(err, WXF_ECORRUPT, "no table msgs");
	return wxf_sqlite_scan(r->db, t, toy_row, r, err) < 0 ? WXF_ECORRUPT : WXF_OK;
}

static int
toy_add_row(void *arg, const wxf_sqlrow *row, const wxf_prov *p, wxf_err *err)
{
	(void)err;
	return toy_add_row_prov(arg, row, p) < 0 ? WXF_ENOMEM : WXF_OK;
}

static int toy_rows, toy_recovered;

static int
toy_close(wxf_wc_acct *a, size_t d, void **rdp, int ok, wxf_err *err)
{
	toy_rd *r = *rdp;

	(void)a, (void)d, (void)ok, (void)err;
	toy_rows += r->rows;
	toy_recovered += r->recovered;
	free(r);
	*rdp = NULL;
	return WXF_OK;
}

static const wxf_wc_driver toy_driver = {
	.name = "toy",
	.platform = WXF_PLAT_UNKNOWN,
	.accounts = toy_accounts,
	.open = toy_open,
	.read = toy_read,
	.add_row = toy_add_row,
	.close = toy_close,
};

/* This test's platform table replaces wechat/wc_drivers.c. */
const wxf_wc_driver *const wxf_wc_drivers[] = { &toy_driver, NULL };

/* ------------------------------------------------------------------------------ evidence */

static int
make_db(const char *path, int with_deleted)
{
	sqlite3 *db;
	char *e = NULL;
	int rc;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	rc = sqlite3_exec(db,
	    "PRAGMA secure_delete=OFF; PRAGMA page_size=1024;"
	    "CREATE TABLE msgs(id INTEGER PRIMARY KEY, talker TEXT, sender TEXT, body TEXT, t INTEGER);"
	    "INSERT INTO msgs VALUES(1, 'wxid_toyseller', 'wxid_toyseller', '全新正品 toy one', 1772000000);"
	    "INSERT INTO msgs VALUES(2, 'wxid_toyseller', 'wxid_toyseller', 'toy two, same chat', 1772000060);"
	    "INSERT INTO msgs VALUES(3, 'wxid_toyseller', 'wxid_toyseller', 'the deleted toy message', 1772000120);"
	    "INSERT INTO msgs VALUES(4, 'wxid_toyseller', 'wxid_toyseller', 'toy four', 1772000180);",
	    NULL, NULL, &e);
	if (rc == SQLITE_OK && with_deleted)
		rc = sqlite3_exec(db, "DELETE FROM msgs WHERE id = 3;", NULL, NULL, &e);
	sqlite3_free(e);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

/* The file dir/name (NUL-terminated), or NULL. */
static char *
slurp2(const char *dir, const char *name, size_t *n)
{
	char *path = name != NULL ? wxf_path_join(dir, name) : wxf_xstrdup(dir);
	uint8_t *p = NULL;
	wxf_err e;
	int rc = wxf_file_read_small(path, 64u << 20, &p, n, &e);

	free(path);
	if (rc != WXF_OK)
		return NULL;
	p = wxf_xrealloc(p, *n + 1);
	p[*n] = 0;
	return (char *)p;
}

int
main(void)
{
	char tmpl[] = "/tmp/wxf-test-case.XXXXXX", *dir = mkdtemp(tmpl), *ev, *db, *db2, *out, *s;
	char *argv[1];
	wxf_case_opts o;
	wxf_case_summary sum;
	wxf_log log;
	wxf_err err;
	size_t n;
	int rc;

	wxf_log_init(&log, WXF_LOG_ERROR);
	ev = wxf_path_join(dir, "ev");
	mkdir(ev, 0755);
	db = wxf_path_join(ev, "toy-messages.db");
	db2 = wxf_path_join(ev, "claimed-twice.db");
	ok(make_db(db, 1) == 0 && make_db(db2, 0) == 0, "evidence written with the SQLite library");
	out = wxf_path_join(dir, "bundle");
	memset(&o, 0, sizeof(o));
	o.out = out;
	o.tool = "wxforensic test";
	o.cmdline = "wxforensic case -o OUTDIR ev";
	o.tool_version = "test";
	o.log = &log;
	o.jobs = 1;
	argv[0] = ev;
	setenv("SOURCE_DATE_EPOCH", "1780000000", 1);
	wxf_err_clear(&err);
	rc = wxf_case_run(argv, 1, &o, &sum, &err);
	is_int(rc, WXF_OK, "a case over the toy platform runs (%s)", err.msg);
	is_int((int)sum.step, WXF_CASE_DONE, "the bundle is written");
	is_int(n_run_accounts, 3, "the toy driver listed three accounts (one, and two claiming one file)");
	is_int((int)sum.n_dbs, 1, "one message database counted: the claimed one is read by neither");
	is_int((int)sum.n_dbs_read, 1, "and it was read");
	is_int(toy_rows, 4, "three live rows and one recovered row reached the driver");
	is_int(toy_recovered, 1, "the deleted row came back through add_row (the carver)");
	is_int((int)sum.n_msgs, 4, "four messages in the summary");
	s = slurp2(out, "report.html", &n);
	ok(s != NULL && strstr(s, "claimed-twice.db is claimed by two readers (toy, toy): read by "
	    "neither") != NULL, "the report names the database two accounts claimed");
	ok(s != NULL && strstr(s, "toy four") != NULL, "the toy messages are in report.html");
	ok(s != NULL && strstr(s, "账户 <span class=\"en\">(account)</span>") == NULL,
	    "accounts whose only database was claimed twice are gone: one account, no account headings");
	free(s);
	s = slurp2(out, "timeline.jsonl", &n);
	ok(s != NULL && strstr(s, "the deleted toy message") != NULL &&
	    strstr(s, "\"status\":\"deleted-recovered\"") != NULL,
	    "timeline.jsonl holds the recovered message, marked deleted-recovered");
	/* the cited bytes hold the record: offset/length of the live row "toy four" in the file */
	{
		const char *k = s != NULL ? strstr(s, "toy four") : NULL;
		const char *ln = k;
		unsigned long long off = 0;
		unsigned len = 0;
		size_t en;
		char *evb = slurp2(db, NULL, &en);

		int found;

		while (ln != NULL && ln > s && ln[-1] != '\n')
			ln--;
		found = ln != NULL && sscanf(strstr(ln, "\"offset\":"), "\"offset\":%llu", &off) == 1 &&
		    sscanf(strstr(ln, "\"length\":"), "\"length\":%u", &len) == 1;
		ok(found && evb != NULL && len > 0 && off + len <= en &&
		    memmem(evb + off, len, "toy four", 8) != NULL,
		    "the cited offset and length in the evidence file hold the message (%llu+%u)", off,
		    len);
		ok(ln != NULL && strstr(ln, "\"source_file\":\"ev/toy-messages.db\"") != NULL,
		    "the message cites the evidence file, named from its root (ev/toy-messages.db)");
		free(evb);
	}
	free(s);
	s = slurp2(out, "audit.jsonl", &n);
	ok(s != NULL && strstr(s, "\"action\":\"carve\"") != NULL && strstr(s, "\"action\":\"read\"")
	    != NULL, "the audit log records the read and the carve");
	free(s);
	s = wxf_path_join(out, "manifest.sha256");
	ok(wxf_is_file(s), "manifest written");
	free(s);
	wxf_case_summary_free(&sum);
	{
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			diag("could not remove %s", dir);
	}
	free(ev);
	free(db);
	free(db2);
	free(out);
	return tap_done();
}
