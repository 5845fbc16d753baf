/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pipeline of `wxforensic case`, one step after the other, each recorded in
 * OUTDIR/audit.jsonl.  The steps, and the function that performs each (SQLite pager.c style):
 *
 *   1 intake       inventory and MD5/SHA-1/SHA-256 of every evidence file, read-only;
 *                  OUTDIR checked (new or empty, not inside the evidence); audit opened  case_intake
 *   2 containers   .ab/MIUI/Huawei backups unpacked below work/ into sub-inventories
 *                  (wxf_intake_unpack_all)                                            case_containers
 *   3 accounts     every driver of wechat/wc_drivers.c over every inventory; an item two
 *                  accounts claim is read by neither (ambiguous)                      case_accounts
 *   4 databases    per account, per database: key, physical decryption, cross-check
 *                  (case_db_decrypt), read, recover, feed (case_db_read); or the driver's
 *                  own run() for folders that are not databases                       case_read
 *   5 joins        drv->finish, wxf_model_finish, the decryption statements            case_read
 *   5b citations   every cited byte range re-read and hashed, its text looked for     case_cite
 *   6 analysis     wxf_analysis_run per account (its own owner, seller, ledger)       case_analyse
 *   7 custody      the evidence hashed again (a change: a finding, the bundle still
 *                  written)                                                            case_rehash
 *   8 writers      report.html, timeline.xml, timeline.jsonl, csv/, case.jsonld, evidence.sha256,
 *                  then manifest.sha256 whose SHA-256 ends the audit log              case_write
 *
 * Every account is read into its own model and analysed on its own: nothing of one account is
 * attributed to another.  Paths recorded in the bundle are bundle-relative (the work folders
 * are named by case/, files are written below OUTDIR); the working directory never changes.
 */
#include "config.h"
#include "case/case_int.h"
#include "base/wxf_buf.h"
#include "base/wxf_file.h"
#include "base/wxf_hash.h"
#include "base/wxf_mem.h"
#include "report/report.h"

#include <stdarg.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

/* ------------------------------------------------------------------------------ helpers */

void
case_limit(case_run *r, const char *fmt, ...)
{
	va_list ap;
	char *l;

	va_start(ap, fmt);
	l = wxf_xvasprintf(fmt, ap);      /* a limitation is never dropped quietly */
	va_end(ap);
	r->limits = wxf_xrealloc(r->limits, (r->n_limits + 2) * sizeof(*r->limits));
	r->limits[r->n_limits++] = l;
	r->limits[r->n_limits] = NULL;
}

void
case_check_oom(int rc, const wxf_err *err)
{
	if (rc != WXF_ENOMEM && (err == NULL || err->code != WXF_ENOMEM))
		return;
	int m = err != NULL && err->msg[0];

	fprintf(stderr, "wxforensic: out of memory%s%s%s: stopping\n", m ? " (" : "",
	    m ? err->msg : "", m ? ")" : "");
	wxf_oom_exit();
}

static void
limit_cb(void *arg, const char *line)
{
	case_limit(arg, "%s", line);
}

/* The --exhibit-label of the evidence root that evidence path p (as named in the bundle) lies
 * in, or NULL. */
static const char *
root_label_of(const case_run *r, const char *p)
{
	size_t i, l;

	for (i = 0; r->root_label != NULL && p != NULL && i < r->inv.n_roots; i++) {
		l = strlen(r->inv.roots[i].name);
		if (r->root_label[i] != NULL && strncmp(p, r->inv.roots[i].name, l) == 0 &&
		    (p[l] == '\0' || p[l] == '/'))
			return r->root_label[i];
	}
	return NULL;
}

const char *
case_exhibit_of(const case_run *r, const wxf_wc_acct *a)
{
	const char *l;
	size_t i;

	for (i = 0; i < r->un.n_subs; i++)
		if (a->inv == &r->un.subs[i].inv)
			return (l = root_label_of(r, r->un.subs[i].from)) != NULL ? l :
			    r->un.subs[i].from;
	if (a->root >= 0 && (size_t)a->root < r->inv.n_roots)
		return r->root_label != NULL && r->root_label[a->root] != NULL ?
		    r->root_label[a->root] : r->inv.roots[a->root].name;
	return NULL;
}

/* --exhibit-label LABEL=PATH: each label names one evidence root (PATH by its real path),
 * each root at most one label, no label two roots.  A label is what the court's exhibit list
 * calls the evidence (A1, 检材1): 1 to 64 bytes of visible UTF-8 text. */
static int
case_labels(case_run *r, wxf_err *err)
{
	const char *const *lv = r->o->exhibit_labels;
	size_t i, k, j;

	if (lv == NULL || lv[0] == NULL)
		return WXF_OK;
	r->root_label = wxf_xcalloc(r->inv.n_roots + 1, sizeof(*r->root_label));
	for (i = 0; lv[i] != NULL; i++) {
		const char *eq = strchr(lv[i], '=');
		size_t ll = eq != NULL ? (size_t)(eq - lv[i]) : 0, off;
		uint32_t cp;
		char *real;

		if (eq == NULL || ll == 0 || eq[1] == '\0')
			return wxf_err_set(err, WXF_EUSAGE, "--exhibit-label '%s': expected LABEL=PATH",
			    lv[i]);
		if (ll > 64)
			return wxf_err_set(err, WXF_EUSAGE, "--exhibit-label: the label '%.*s' is longer "
			    "than 64 bytes", (int)ll, lv[i]);
		for (off = 0; off < ll; off += j) {
			j = wxf_utf8_decode((const unsigned char *)lv[i] + off, ll - off, &cp);
			if (j == 0 || wxf_cp_invisible(cp) || cp < 0x20)
				return wxf_err_set(err, WXF_EUSAGE, "--exhibit-label: the label of %s is "
				    "not visible UTF-8 text (byte %zu)", eq + 1, off + 1);
		}
		if ((real = realpath(eq + 1, NULL)) == NULL)
			return wxf_err_set(err, WXF_EUSAGE, "--exhibit-label %.*s=%s: %s", (int)ll,
			    lv[i], eq + 1, strerror(errno));
		for (k = 0; k < r->inv.n_roots; k++)
			if (r->inv.roots[k].abs != NULL && strcmp(r->inv.roots[k].abs, real) == 0)
				break;
		free(real);
		if (k == r->inv.n_roots)
			return wxf_err_set(err, WXF_EUSAGE, "--exhibit-label %.*s=%s: not one of the "
			    "evidence paths", (int)ll, lv[i], eq + 1);
		if (r->root_label[k] != NULL)
			return wxf_err_set(err, WXF_EUSAGE, "--exhibit-label: %s has two labels, '%s' "
			    "and '%.*s'", eq + 1, r->root_label[k], (int)ll, lv[i]);
		for (j = 0; j < r->inv.n_roots; j++)
			if (r->root_label[j] != NULL && strlen(r->root_label[j]) == ll &&
			    memcmp(r->root_label[j], lv[i], ll) == 0)
				return wxf_err_set(err, WXF_EUSAGE, "--exhibit-label: '%.*s' labels two "
				    "evidence paths, %s and %s", (int)ll, lv[i],
				    r->inv.roots[j].given, eq + 1);
		r->root_label[k] = wxf_xstrndup(lv[i], ll);
	}
	return WXF_OK;
}

/* The processing record: each step's start and end on the audit log's clock, and its result. */
static size_t
step_begin(case_run *r, const char *zh, const char *en)
{
	wxf_report_step *st;

	if (r->n_steps == sizeof(r->steps) / sizeof(r->steps[0]))
		return r->n_steps - 1;
	st = &r->steps[r->n_steps];
	memset(st, 0, sizeof(*st));
	st->zh = zh;
	st->en = en;
	st->start_ms = wxf_time_now_ms(NULL);
	st->end_ms = WXF_TIME_UNKNOWN;
	return r->n_steps++;
}

static void step_end(case_run *r, size_t i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
step_end(case_run *r, size_t i, const char *fmt, ...)
{
	va_list ap;
	char *l;

	va_start(ap, fmt);
	l = wxf_xvasprintf(fmt, ap);
	va_end(ap);
	r->steps[i].end_ms = wxf_time_now_ms(NULL);
	free((char *)r->steps[i].result);
	r->steps[i].result = l;
}

/* ------------------------------------------------------------------------------ 1 intake */

/* What the inventory holds but nothing reads: links (with their target), FIFOs, devices and
 * sockets, unreadable files, folders nested too deep.  Each kind is one limitation naming the
 * first few. */
static void
case_not_read(case_run *r)
{
	static const struct { const char *what, *fix; } kinds[] = {
		{ "symbolic link(s) recorded with their target and not followed",
		  "Give a link's target as evidence to have it read" },
		{ "special file(s) (FIFO, device, socket) recorded and not read", NULL },
		{ "file(s) could not be read", NULL },
		{ "folder(s) not descended (nested too deep, or unreadable)", NULL },
	};
	size_t i, k, n;
	wxf_buf b;

	wxf_buf_init(&b);
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		wxf_buf_reset(&b);
		for (i = 0, n = 0; i < r->inv.n_items; i++) {
			const wxf_item *it = &r->inv.items[i];
			int hit = k == 0 ? it->kind == WXF_KIND_SYMLINK : k == 1 ?
			    it->kind == WXF_KIND_SPECIAL : k == 2 ? it->member == NULL &&
			    it->kind == WXF_KIND_OTHER && it->before.sha256[0] == '\0' &&
			    it->note != NULL && strncmp(it->note, "unreadable", 10) == 0 :
			    it->kind == WXF_KIND_DIRECTORY_MARK;

			if (!hit)
				continue;
			if (n++ < 10)
				wxf_buf_printf(&b, "%s%s (%s)", n > 1 ? "; " : "", it->path, it->note);
		}
		if (n == 0)
			continue;
		case_limit(r, "%zu %s: %s%s%s%s", n, kinds[k].what, b.p, n > 10 ? "; ..." : "",
		    kinds[k].fix != NULL ? ". " : "", kinds[k].fix != NULL ? kinds[k].fix : "");
	}
	wxf_buf_free(&b);
}

#define CASE_TAGS_COPY "tags/tags.csv"

/* --tags FILE: read (bounded) and parsed before anything is done; WXF_EUSAGE naming the file
 * and the fault. */
static int
case_tags_load(case_run *r, wxf_err *err)
{
	const char *path = r->o->tags_file;
	wxf_hashes th;
	int rc;

	rc = wxf_file_read_small(path, WXF_TAGS_MAX_BYTES, &r->tags_data, &r->tags_len, err);
	if (rc == WXF_OK)
		rc = wxf_tags_parse((const char *)r->tags_data, r->tags_len, &r->tags, err);
	if (rc == WXF_ENOMEM)
		return rc;
	if (rc != WXF_OK) {
		/* the examiner's file to fix, not evidence: a usage error whatever the fault */
		wxf_err_wrap(err, WXF_EUSAGE, "--tags %s", path);
		err->code = WXF_EUSAGE;
		return WXF_EUSAGE;
	}
	if (r->tags.n == 0)
		return wxf_err_set(err, WXF_EUSAGE, "--tags %s: no tag in the file (every row's tag, "
		    "note and examiner are empty)", path);
	if (wxf_hash_buf(r->tags_data, r->tags_len, &th) != WXF_OK)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	r->tags.file = CASE_TAGS_COPY;
	snprintf(r->tags.sha256, sizeof(r->tags.sha256), "%s", th.sha256);
	return WXF_OK;
}

static int
case_intake(case_run *r, char *const *evidence, size_t n, wxf_err *err)
{
	const wxf_case_opts *o = r->o;
	wxf_intake_opts io;
	const char **names;
	wxf_buf b;
	size_t i;
	char *ap;
	int rc;

	memset(&io, 0, sizeof(io));
	io.log = r->log;
	/* encrypted backups are listed member by member like plain ones, and a wrong password is
	 * named as such on the container's line */
	io.backup_password = o->backup_password;
	r->s->step = WXF_CASE_INTAKE;
	wxf_log_progress(r->log, "inventory and hashing", 0, 0, NULL);
	rc = wxf_intake_scan(&r->inv, evidence, n, &io, err);
	wxf_log_progress_end(r->log);
	if (rc != WXF_OK)
		return rc;
	case_not_read(r);
	if ((rc = case_labels(r, err)) != WXF_OK)
		return rc;
	names = wxf_xcalloc(r->inv.n_roots + 1, sizeof(*names));
	for (i = 0; i < r->inv.n_roots; i++)
		names[i] = r->inv.roots[i].name;
	r->cmdline = wxf_report_cmdline_ev(o->cmdline != NULL ? o->cmdline : "wxforensic case",
	    (const char *const *)evidence, names, r->inv.n_roots < n ? r->inv.n_roots : n);
	free(names);
	r->s->step = WXF_CASE_OUTPUT;
	if (wxf_intake_inside_evidence(&r->inv, o->out))
		return wxf_err_set(err, WXF_EUSAGE, "refusing to write into the evidence: %s lies "
		    "inside an evidence path", o->out);
	if (!wxf_dir_empty_or_absent(o->out))
		return wxf_err_set(err, WXF_EUSAGE, "%s exists and is not an empty directory; choose "
		    "a new output directory", o->out);
	if ((rc = wxf_mkdir_p(o->out, err)) != WXF_OK)
		return rc;
	/* from here on the bundle is named by its real path: the evidence inventory holds real
	 * paths, and a file unpacked below the bundle is known by its place in both */
	if ((r->out_abs = realpath(o->out, NULL)) == NULL)
		return wxf_err_set(err, errno == ENOMEM ? WXF_ENOMEM : WXF_EIO, "%s: %s", o->out,
		    strerror(errno));
	r->opts.out = r->out_abs;
	ap = wxf_path_join(o->out, "audit.jsonl");
	rc = wxf_audit_open(&r->audit, ap, o->tool, err);
	free(ap);
	if (rc != WXF_OK)
		return rc;
	wxf_buf_init(&b);
	wxf_buf_json_kstr(&b, "command", r->cmdline);
	wxf_buf_json_kstr(&b, "tz", wxf_tz_name(r->tz));
	wxf_audit_add(&r->audit, "case-start", b.p, NULL);
	/* where each evidence root was and how it was typed: the bundle names it by name only */
	for (i = 0; i < r->inv.n_roots; i++) {
		wxf_buf_reset(&b);
		wxf_buf_json_kstr(&b, "name", r->inv.roots[i].name);
		wxf_buf_json_kstr(&b, "given", r->inv.roots[i].given);
		wxf_buf_json_kstr(&b, "realpath", r->inv.roots[i].abs);
		if (r->root_label != NULL && r->root_label[i] != NULL)
			wxf_buf_json_kstr(&b, "exhibit_label", r->root_label[i]);
		wxf_audit_add(&r->audit, "evidence-root", b.p, NULL);
	}
	/* the examiner's tag file is an input of the run: recorded with its hashes as the
	 * evidence is; its copy in the bundle is tags/tags.csv */
	if (r->tags_data != NULL) {
		wxf_hashes th;

		wxf_hash_buf(r->tags_data, r->tags_len, &th);
		wxf_buf_reset(&b);
		wxf_buf_json_kstr(&b, "given", o->tags_file);
		wxf_buf_json_kstr(&b, "copy", CASE_TAGS_COPY);
		wxf_buf_printf(&b, ",\"size\":%zu,\"md5\":\"%s\",\"sha1\":\"%s\",\"sha256\":"
		    "\"%s\",\"tags\":%zu", r->tags_len, th.md5, th.sha1, th.sha256, r->tags.n);
		wxf_audit_add(&r->audit, "tags-input", b.p, NULL);
	}
	wxf_buf_free(&b);
	wxf_intake_audit(&r->audit, &r->inv, 0);
	return WXF_OK;
}

/* ------------------------------------------------------------------------------ 2 containers */

static void
case_containers(case_run *r)
{
	wxf_unpack_opts uo;
	wxf_err err;
	int rc;

	memset(&uo, 0, sizeof(uo));
	uo.outdir = r->o->out;
	uo.backup_password = r->o->backup_password;
	uo.log = r->log;
	uo.audit = &r->audit;
	uo.limit = limit_cb;
	uo.limit_arg = r;
	wxf_err_clear(&err);
	if ((rc = wxf_intake_unpack_all(&r->inv, &uo, &r->un, &err)) != WXF_OK) {
		case_check_oom(rc, &err);
		case_limit(r, "%s", err.msg);
	}
	r->s->n_unreadable += r->un.n_failed;
}

/* ------------------------------------------------------------------------------ 3 accounts */

/* TSK's rule for two file systems claiming one volume: an item two accounts list is read by
 * neither, and the report says which claimed it. */
static void
drop_ambiguous(case_run *r, size_t first)
{
	size_t i, j, k, l;

	for (i = first; i < r->n_accts; i++)
		for (k = 0; k < r->accts[i]->n_dbs; k++) {
			wxf_wc_db *d = &r->accts[i]->dbs[k];
			int dup = 0;

			if (d->item == NULL)
				continue;
			for (j = first; j < r->n_accts; j++)
				for (l = 0; l < r->accts[j]->n_dbs; l++) {
					wxf_wc_db *e = &r->accts[j]->dbs[l];

					if ((i == j && k == l) || e->item != d->item)
						continue;
					case_limit(r, "%s is claimed by two readers (%s, %s): read by neither, "
					    "never a guess.", d->item->path, r->accts[i]->drv->name,
					    r->accts[j]->drv->name);
					wxf_log_warn(r->log, "%s: claimed by %s and %s; not read", d->item->path,
					    r->accts[i]->drv->name, r->accts[j]->drv->name);
					e->item = NULL;
					dup = 1;
				}
			if (dup)
				d->item = NULL;
		}
	/* drop the databases no account may read, and the accounts left with none */
	for (i = first, j = first; i < r->n_accts; i++) {
		wxf_wc_acct *a = r->accts[i];
		size_t had = a->n_dbs;

		for (k = 0, l = 0; k < a->n_dbs; k++)
			if (a->dbs[k].item != NULL)
				a->dbs[l++] = a->dbs[k];
		a->n_dbs = l;
		if (l == 0 && had > 0) {
			wxf_model_free(&a->m);
			wxf_wc_acct_free(&r->accts[i]);
		} else
			r->accts[j++] = a;
	}
	r->n_accts = j;
}

/* WXF_MODEL_SPILL_MB as bytes in *out: 1 if set (tests: 0 spills from the first byte; the
 * benchmark's "in memory" sets it past the model), else 0. */
static int
case_spill_env(size_t *out)
{
	const char *e = getenv("WXF_MODEL_SPILL_MB");
	char *end;
	unsigned long long mb;

	if (e != NULL && *e >= '0' && *e <= '9') {
		errno = 0;
		mb = strtoull(e, &end, 10);
		if (errno == 0 && *end == '\0' && mb <= (SIZE_MAX >> 20)) {
			*out = (size_t)mb << 20;
			return 1;
		}
	}
	return 0;
}

/* A spill threshold: WXF_MODEL_SPILL_MB, which sets both, or dflt.  The model: how much of an
 * account's model stays in memory before the rest goes to a file the kernel pages
 * (wxf_model_spill; 64 MiB, about 70,000 messages).  The tables: the size from which a map or
 * vector of every message, or the writers' event list, is a file of its own (wxf_table_spill;
 * 8 MiB). */
static size_t
case_spill_after(size_t dflt)
{
	size_t v;

	return case_spill_env(&v) ? v : dflt;
}

static int
case_accounts_of(case_run *r, const wxf_inventory *inv, const char *sub_work, wxf_err *err)
{
	size_t first = r->n_accts, i, k;
	const wxf_wc_driver *const *dp;
	int rc;

	for (dp = wxf_wc_drivers; *dp != NULL; dp++) {
		wxf_wc_acct **v = NULL;
		size_t n = 0;

		rc = (*dp)->accounts(*dp, inv, &v, &n, err);
		if (rc != WXF_OK) {
			for (i = 0; i < n; i++)
				wxf_wc_acct_free(&v[i]);
			free(v);
			return rc;
		}
		r->accts = wxf_xrealloc(r->accts, (r->n_accts + n + 1) * sizeof(*r->accts));
		for (i = 0; i < n; i++)
			r->accts[r->n_accts++] = v[i];
		free(v);
	}
	for (i = first; i < r->n_accts; i++) {
		wxf_wc_acct *a = r->accts[i];

		a->env = &r->env;
		/* the folder is named once the accounts are in their final order */
		a->work = sub_work != NULL ? wxf_path_join(sub_work, a->work_leaf) :
		    wxf_xstrdup(a->work_leaf);
		if ((rc = wxf_model_new(&a->m, err)) != WXF_OK)
			return rc;
		/* a large account's messages live in a file the kernel pages (bounded memory) */
		if (wxf_model_spill(a->m, wxf_tmpdir(), case_spill_after((size_t)64 << 20)) != WXF_OK)
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
		/* record ids from the evidence's content, not from how its path was spelt: the
		 * files records can be cited in (databases and their -wal/-journal; everything in a
		 * folder a driver reads itself) */
		for (k = 0; k < inv->n_items; k++) {
			const wxf_item *it = &inv->items[k];
			int cited = it->kind == WXF_KIND_SQLITE || it->kind == WXF_KIND_SQLITE_ENCRYPTED ||
			    it->kind == WXF_KIND_SQLITE_WAL || it->kind == WXF_KIND_SQLITE_JOURNAL ||
			    (a->drv->run != NULL && strncmp(it->path, a->dir, strlen(a->dir)) == 0 &&
			    it->path[strlen(a->dir)] == '/');

			if (it->member == NULL && cited && it->before.sha256[0] != '\0' &&
			    (rc = wxf_model_set_file_id(a->m, it->path, it->before.sha256)) != WXF_OK)
				return wxf_err_set(err, rc, "out of memory");
		}
	}
	drop_ambiguous(r, first);
	return WXF_OK;
}

/* Orders the accounts so that the bundle does not depend on the order the evidence was given
 * in: by driver (table order), then by the account folder's evidence path. */
static int
acct_cmp(const void *x, const void *y)
{
	const wxf_wc_acct *a = *(wxf_wc_acct *const *)x, *b = *(wxf_wc_acct *const *)y;
	const wxf_wc_driver *const *dp;
	int c;

	if (a->drv != b->drv)
		for (dp = wxf_wc_drivers; *dp != NULL; dp++) {
			if (*dp == a->drv)
				return -1;
			if (*dp == b->drv)
				return 1;
		}
	if ((c = strcmp(a->dir, b->dir)) != 0)
		return c;
	return strcmp(a->id, b->id);
}

static int
case_accounts(case_run *r, wxf_err *err)
{
	size_t i, j, k;
	int rc;

	if ((rc = case_accounts_of(r, &r->inv, NULL, err)) != WXF_OK)
		return rc;
	for (i = 0; i < r->un.n_subs; i++)
		if ((rc = case_accounts_of(r, &r->un.subs[i].inv, r->un.subs[i].work, err)) != WXF_OK)
			return rc;
	if (r->n_accts > 1)
		qsort(r->accts, r->n_accts, sizeof(*r->accts), acct_cmp);
	/* one work folder per account: the same account id in two extractions gets "-2", ... */
	for (i = 0; i < r->n_accts; i++) {
		wxf_wc_acct *a = r->accts[i];
		char *base = a->work;

		a->work = wxf_xstrdup(base);
		for (k = 2;; k++) {
			for (j = 0; j < i; j++)
				if (strcmp(r->accts[j]->work, a->work) == 0)
					break;
			if (j == i)
				break;
			free(a->work);
			a->work = wxf_xasprintf("%s-%zu", base, k);
		}
		free(base);
		a->work_abs = wxf_path_join(r->o->out, a->work);
	}
	return WXF_OK;
}

/* ------------------------------------------------------------------------------ 4-5 reading */

static wxf_case_unit *
unit_of(case_run *r, const char *noun)
{
	wxf_case_summary *s = r->s;
	size_t i;

	for (i = 0; i < s->n_units; i++)
		if (strcmp(s->units[i].noun, noun) == 0)
			return &s->units[i];
	if (s->n_units == sizeof(s->units) / sizeof(s->units[0]))
		return NULL;
	s->units[s->n_units].noun = noun;
	return &s->units[s->n_units++];
}

static int
case_read(case_run *r, wxf_err *err)
{
	size_t i, k;
	int rc;

	for (i = 0; i < r->n_accts; i++) {
		wxf_wc_acct *a = r->accts[i];
		wxf_err e;

		wxf_err_clear(&e);
		if (a->drv->run != NULL) {
			wxf_case_unit *u = unit_of(r, a->drv->unit != NULL ? a->drv->unit : a->drv->name);

			rc = a->drv->run(a, &e);
			if (u != NULL) {
				u->n++;
				if (rc == WXF_OK)
					u->n_read++;
			}
			if (rc != WXF_OK) {
				wxf_buf b;

				case_check_oom(rc, &e);
				r->s->n_dbs_unreadable++;
				wxf_buf_init(&b);
				wxf_buf_json_kstr(&b, "input", a->dir);
				wxf_buf_json_kstr(&b, "reason", e.msg);
				wxf_audit_add(&r->audit, "evidence-unreadable", b.p, NULL);
				wxf_buf_free(&b);
			}
		} else {
			/* dbs may grow while reading (a reader adds the index it refers to) */
			for (k = 0; k < a->n_dbs; k++) {
				if (a->dbs[k].primary)
					r->s->n_dbs++;
				if (case_db_decrypt(r, a, k) != WXF_OK)
					continue;
				if (case_db_read(r, a, k) == WXF_OK && a->dbs[k].primary)
					r->s->n_dbs_read++;
			}
			if (a->drv->finish != NULL && (rc = a->drv->finish(a, &e)) != WXF_OK) {
				case_check_oom(rc, &e);
				wxf_log_warn(r->log, "%s: %s", a->dir, e.msg);
				case_limit(r, "%s: %s", a->dir, e.msg);
			}
		}
		case_db_statements(r, a);
		if ((rc = wxf_model_finish(a->m, err)) != WXF_OK)
			return rc;
		if (wxf_model_spilled(a->m) > 0)
			wxf_log_info(r->log, "%s: %zu MB of the model kept in a file in %s (paged by the "
			    "kernel: bounded memory)", a->dir, (wxf_model_spilled(a->m) + (1 << 20) - 1) >> 20,
			    wxf_tmpdir());
		if (wxf_model_spill_errno(a->m) != 0)
			wxf_log_warn(r->log, "%s: the messages could not be kept in a file in %s (%s): "
			    "they were kept in memory (set TMPDIR to a folder with room)", a->dir,
			    wxf_tmpdir(), strerror(wxf_model_spill_errno(a->m)));
		r->s->n_msgs += a->m->n_msgs;
		r->s->n_payments += a->m->n_payments;
	}
	if (r->n_accts == 0) {
		wxf_log_warn(r->log, "no WeChat account this version can read was found in the "
		    "evidence");
		case_limit(r, "No WeChat message database this version can read was found in the "
		    "evidence.");
	}
	return WXF_OK;
}

/* ------------------------------------------------------------------------------ 6 analysis */

static int
case_analyse(case_run *r, wxf_err *err)
{
	const wxf_case_opts *o = r->o;
	wxf_indicator_set *ind = NULL;
	size_t i, n = r->n_accts;
	int rc;

	if (n == 0) {
		if ((rc = wxf_model_new(&r->empty, err)) != WXF_OK ||
		    (rc = wxf_model_finish(r->empty, err)) != WXF_OK)
			return rc;
		n = 1;
	}
	/* one phrase list for every account; an unreadable list is the examiner's to fix */
	rc = wxf_indicators_load(&ind, NULL, o->indicator_files, o->n_indicator_files, err);
	if (rc != WXF_OK)
		return rc == WXF_ENOMEM ? rc : wxf_err_wrap(err, WXF_EUSAGE, "indicators");
	r->ans = wxf_xcalloc(n, sizeof(*r->ans));
	r->s->accounts = wxf_xcalloc(n, sizeof(*r->s->accounts));
	for (i = 0; i < n; i++) {
		const wxf_model *m = r->n_accts > 0 ? r->accts[i]->m : r->empty;
		wxf_case_account *ca = &r->s->accounts[r->s->n_accounts++];
		wxf_analysis_opts ao;
		wxf_analysis *an;
		wxf_buf b;

		memset(&ao, 0, sizeof(ao));
		ao.seller = o->seller;
		ao.indicators = ind;
		rc = wxf_analysis_run(m, &ao, &r->ans[i], err);
		case_check_oom(rc, err);
		if (rc != WXF_OK)
			break;
		an = r->ans[i];
		wxf_buf_init(&b);
		if (r->n_accts > 1) {
			wxf_buf_json_kstr(&b, "account", r->accts[i]->id);
			wxf_buf_json_kstr(&b, "account_dir", r->accts[i]->dir);
		}
		wxf_buf_json_kstr(&b, "seller", an->seller != NULL ? an->seller->username : NULL);
		wxf_buf_printf(&b, ",\"seller_source\":\"%s\",\"transfers\":%zu,\"hits\":%zu",
		    wxf_seller_source_name(an->seller_source), an->ledger.n_transfers, an->n_hits);
		if (!an->ledger.totals.overflow)
			wxf_buf_printf(&b, ",\"net_fen\":%lld", (long long)an->ledger.totals.net_fen);
		if (an->ledger.totals.crpl_applicable)
			wxf_buf_printf(&b, ",\"crpl55_fen\":%lld",
			    (long long)an->ledger.totals.crpl55_fen);
		wxf_audit_add(&r->audit, "analysis", b.p, NULL);
		wxf_buf_free(&b);
		if (r->n_accts > 1)
			ca->label = wxf_xasprintf("%s %s", r->accts[i]->drv->name, r->accts[i]->dir);
		if (an->seller != NULL) {
			ca->seller = wxf_xstrdup(an->seller->username);
			ca->seller_source = wxf_seller_source_name(an->seller_source);
		}
		ca->totals_ok = !an->ledger.totals.overflow;
		ca->crpl_ok = an->ledger.totals.crpl_applicable;
		ca->net_fen = an->ledger.totals.net_fen;
		ca->crpl55_fen = an->ledger.totals.crpl55_fen;
	}
	/* a --seller no account knows is a mistake in the command, not a finding */
	if (rc == WXF_OK && o->seller != NULL && r->n_accts > 0) {
		size_t k, j;
		wxf_buf c;

		for (k = 0; k < i && !r->ans[k]->seller_in_model; k++)
			;
		if (k == i) {
			wxf_buf_init(&c);
			for (k = 0; k < i; k++)
				for (j = 0; j < r->ans[k]->n_ranking && j < 5; j++)
					wxf_buf_printf(&c, "%s%s", c.len > 0 ? ", " : "",
					    r->ans[k]->ranking[j].username);
			rc = wxf_err_set(err, WXF_EUSAGE, "--seller %s: no contact, message or payment "
			    "of the evidence names this username; candidates by money and messages: %s",
			    o->seller, c.len > 0 ? c.p : "(none)");
			wxf_buf_free(&c);
			wxf_audit_kv(&r->audit, "error", "message", err->msg);
		}
	}
	/* several accounts: the seller across them (the analyses in account order) */
	if (rc == WXF_OK && r->n_accts > 1) {
		rc = wxf_xview_build((const wxf_analysis *const *)r->ans, n, &r->xview, err);
		case_check_oom(rc, err);
		if (rc == WXF_OK) {
			wxf_buf b;
			size_t k;

			wxf_buf_init(&b);
			wxf_buf_printf(&b, "\"sellers\":%zu", r->xview->n_sellers);
			for (k = 0; k < r->xview->n_sellers; k++)
				wxf_buf_printf(&b, ",\"seller_%zu\":{\"accounts\":%zu,\"victims\":%zu,"
				    "\"net_fen\":%lld}", k + 1, r->xview->sellers[k].n_parts,
				    r->xview->sellers[k].n_victims,
				    (long long)r->xview->sellers[k].total.net_fen);
			wxf_audit_add(&r->audit, "seller-across-exhibits", b.p, NULL);
			wxf_buf_free(&b);
			for (k = 0; k < r->xview->n_sellers; k++) {
				const wxf_xseller *xs = &r->xview->sellers[k];
				size_t j;

				r->s->n_xsellers++;
				r->s->n_xlinked += xs->n_parts;
				if (!xs->total.overflow)
					r->s->xnet_fen += xs->total.net_fen;
				if (xs->total.crpl_applicable)
					r->s->xcrpl55_fen += xs->total.crpl55_fen;
				for (j = 0; j < xs->n_parts; j++)
					if (xs->own[j] && xs->parts[j] < r->s->n_accounts)
						r->s->accounts[xs->parts[j]].seller_own = 1;
			}
		}
	}
	/* the analyses keep borrowing the set */
	r->s->n_accounts = i;
	if (rc != WXF_OK)
		wxf_indicators_free(&ind);
	else
		r->ind = ind;
	return rc;
}

/* ------------------------------------------------------------------------------ 7 custody */

static void
case_rehash(case_run *r)
{
	const char *sleep_ms = getenv("WXF_DEBUG_SLEEP_BEFORE_REHASH");
	wxf_intake_opts io;

	/* testing aid (as in scan): widen the window in which the evidence may change */
	if (sleep_ms != NULL && atoi(sleep_ms) > 0 && atoi(sleep_ms) < 60000)
		usleep((useconds_t)atoi(sleep_ms) * 1000);
	memset(&io, 0, sizeof(io));
	io.log = r->log;
	wxf_log_progress(r->log, "hashing the evidence again", 0, 0, NULL);
	r->s->n_changed = wxf_intake_rehash(&r->inv, &io);
	wxf_log_progress_end(r->log);
	wxf_intake_audit(&r->audit, &r->inv, 1);
	if (r->s->n_changed > 0)
		case_limit(r, "%zu evidence file(s) CHANGED between the first and the final hashing.",
		    r->s->n_changed);
}

/* ------------------------------------------------------------------------------ 8 writers */

static int
case_write(case_run *r, wxf_err *err)
{
	const wxf_case_opts *o = r->o;
	const wxf_inventory **subs;
	wxf_report_part *parts;
	wxf_report_meta meta;
	wxf_report_in rin;
	struct utsname un;
	char os[256], host[256];
	size_t i, n = r->n_accts > 0 ? r->n_accts : 1;
	int sde = 0, rc;
	wxf_buf b;

	if (uname(&un) == 0) {
		snprintf(os, sizeof(os), "%s %s %s", un.sysname, un.release, un.machine);
		snprintf(host, sizeof(host), "%s", un.nodename);
	} else {
		snprintf(os, sizeof(os), "unknown");
		host[0] = '\0';
	}
	memset(&meta, 0, sizeof(meta));
	meta.case_number = o->case_number;
	meta.exhibit = o->exhibit;
	meta.examiner = o->examiner;
	meta.organisation = o->organisation;
	meta.tool_version = o->tool_version;
	meta.git_id = o->git_id;
	meta.cmdline = r->cmdline;
	meta.os = os;
	meta.host = host[0] ? host : NULL;
	meta.tz = r->tz;
	meta.generated_ms = wxf_time_now_ms(&sde);
	meta.started_ms = r->started_ms;
	meta.generated_from_sde = sde;
	meta.seller = o->seller;
	meta.page_msgs = o->page_msgs;
	meta.inline_msgs = o->inline_msgs;
	meta.signer = r->signer != NULL ? wxf_signer_fingerprint(r->signer) : NULL;
	parts = wxf_xcalloc(n, sizeof(*parts));
	for (i = 0; i < n; i++) {
		parts[i].m = r->n_accts > 0 ? r->accts[i]->m : r->empty;
		parts[i].an = r->ans[i];
		parts[i].exhibit = r->n_accts > 0 ? case_exhibit_of(r, r->accts[i]) : NULL;
		parts[i].id_key = r->n_accts > 0 ? r->accts[i]->dir : NULL;
		if (r->n_accts > 1) {
			parts[i].label = r->s->accounts[i].label;
			parts[i].key = r->accts[i]->dir;
		}
	}
	subs = wxf_xcalloc(r->un.n_subs + 1, sizeof(*subs));
	for (i = 0; i < r->un.n_subs; i++)
		subs[i] = &r->un.subs[i].inv;
	memset(&rin, 0, sizeof(rin));
	rin.meta = &meta;
	rin.inv = &r->inv;
	rin.subs = subs;
	rin.n_subs = r->un.n_subs;
	rin.parts = parts;
	rin.n_parts = n;
	rin.m = parts[0].m;
	rin.an = parts[0].an;
	rin.xview = r->xview;
	rin.root_labels = (const char *const *)r->root_label;
	rin.limitations = (const char *const *)r->limits;
	rin.n_limitations = r->n_limits;
	rin.carving = r->carved;
	rin.steps = r->steps;
	rin.n_steps = r->n_steps;
	rin.log = r->log;
	if (r->tags_data != NULL) {
		rin.tags = &r->tags;
		/* a tag naming no record is the examiner's mistake: no report is written */
		wxf_buf_init(&b);
		if (wxf_report_tags_unknown(&rin, &b) > 0) {
			rc = wxf_err_set(err, WXF_EUSAGE, "--tags %s: no record of the bundle has the "
			    "id(s) %s (wxforensic tags OUTDIR lists them); no report was written",
			    o->tags_file, b.p);
			wxf_buf_free(&b);
			free(parts);
			free(subs);
			wxf_audit_kv(&r->audit, "error", "message", err->msg);
			return rc;
		}
		wxf_buf_free(&b);
	}
	wxf_log_info(r->log, "writing the evidence bundle");
	rc = WXF_OK;
	if (r->tags_data != NULL)
		rc = wxf_report_tags_copy(o->out, CASE_TAGS_COPY, r->tags_data, r->tags_len,
		    &r->audit, err);
	if (rc == WXF_OK) {
		/* the writers side by side, as many as --jobs allows (there are six);
		 * WXF_WRITER_JOBS (tests) sets their number alone */
		long ncpu = o->jobs > 0 ? (long)o->jobs : sysconf(_SC_NPROCESSORS_ONLN);
		const char *wj = getenv("WXF_WRITER_JOBS");

		if (wj != NULL && *wj >= '1' && *wj <= '9')
			ncpu = *wj - '0';
		rin.jobs = ncpu > 0 ? (unsigned)ncpu : 1;
		rc = wxf_report_write_all(&rin, o->out, &r->audit, err);
	}
	/* the public key before the manifest (so that the manifest lists it), the signature of
	 * the manifest after it */
	if (rc == WXF_OK && r->signer != NULL)
		rc = wxf_sign_pubkey_write(r->signer, o->out, &r->audit, err);
	if (rc == WXF_OK)
		rc = wxf_manifest_write(o->out, &r->audit, r->s->manifest_sha256, err);
	if (rc == WXF_OK && r->signer != NULL) {
		rc = wxf_sign_manifest(r->signer, o->out, err);
		if (rc == WXF_OK)
			snprintf(r->s->signer, sizeof(r->s->signer), "%s",
			    wxf_signer_fingerprint(r->signer));
	}
	if (rc != WXF_OK) {
		free(parts);
		free(subs);
		wxf_audit_kv(&r->audit, "error", "message", err->msg);
		return rc;
	}
	wxf_buf_init(&b);
	wxf_buf_printf(&b, "\"output\":\"manifest.sha256\",\"manifest_sha256\":\"%s\","
	    "\"evidence_changed\":%zu", r->s->manifest_sha256, r->s->n_changed);
	if (r->signer != NULL)
		wxf_buf_printf(&b, ",\"signature\":\"%s\",\"signer_sha256\":\"%s\"", WXF_SIGN_FILE,
		    r->s->signer);
	wxf_audit_add(&r->audit, "manifest", b.p, NULL);
	wxf_buf_free(&b);
	/* report.pdf attaches the manifest, so it comes after it; its record ends the log */
	if (o->pdf_renderer != NULL) {
		wxf_err pe;

		wxf_log_info(r->log, "rendering report.pdf (PDF/A-3b) with %s", o->pdf_renderer);
		wxf_err_clear(&pe);
		if (wxf_report_pdf(&rin, o->out, o->pdf_renderer, &r->audit, r->s->pdf_sha256, &pe) !=
		    WXF_OK) {
			r->s->pdf_failed = 1;
			r->s->pdf_sha256[0] = '\0';
			wxf_log_error(r->log, "%s", pe.msg);
		}
	}
	free(parts);
	free(subs);
	snprintf(r->s->audit_head, sizeof(r->s->audit_head), "%s", wxf_audit_head(&r->audit));
	r->s->n_audit_records = (unsigned long)r->audit.seq;
	return WXF_OK;
}

/* ------------------------------------------------------------------------------ the run */

int
wxf_case_run(char *const *evidence, size_t n, const wxf_case_opts *o, wxf_case_summary *s,
    wxf_err *err)
{
	case_run r;
	size_t i, k;
	int rc;

	memset(s, 0, sizeof(*s));
	memset(&r, 0, sizeof(r));
	r.opts = *o;
	r.o = &r.opts;
	r.s = s;
	r.started_ms = wxf_time_now_ms(NULL);
	r.log = o->log;
	if (o->out == NULL)
		return wxf_err_set(err, WXF_EUSAGE, "-o OUTDIR is required");
	r.tz = wxf_tz_new(o->tz != NULL ? o->tz : "Asia/Shanghai");
	if (r.tz == NULL && errno == ENOMEM)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	if (r.tz == NULL)
		return wxf_err_set(err, WXF_EUSAGE, "unknown time zone '%s'",
		    o->tz != NULL ? o->tz : "Asia/Shanghai");
	/* a key that cannot sign is the examiner's to fix before hours of work, not after */
	if (o->sign_key != NULL && (rc = wxf_signer_load(&r.signer, o->sign_key, err)) != WXF_OK) {
		wxf_tz_free(&r.tz);
		return rc;
	}
	if (o->tags_file != NULL && (rc = case_tags_load(&r, err)) != WXF_OK) {
		wxf_tz_free(&r.tz);
		wxf_signer_free(&r.signer);
		free(r.tags_data);
		return rc;
	}
	r.env.key = o->key;
	r.env.raw_key = o->raw_key;
	r.env.dumps = o->dumps;
	r.env.image_key = o->image_key;
	r.env.imeis = o->imeis;
	r.env.uins = o->uins;
	r.env.backup_key = o->backup_key;
	r.env.jobs = o->jobs;
	r.env.reveal_key = o->reveal_key;
	r.env.log = o->log;
	r.env.audit = &r.audit;
	r.env.limit = limit_cb;
	r.env.limit_arg = &r;

	/* the tables that grow with the messages are file pages past their threshold, as the
	 * models are (bounded memory) */
	if (wxf_table_spill(wxf_tmpdir(), case_spill_after((size_t)8 << 20)) != WXF_OK) {
		rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
		goto done;
	}
	k = step_begin(&r, "检材登记与哈希", "inventory and hashes of the evidence, read-only");
	if ((rc = case_intake(&r, evidence, n, err)) != WXF_OK)
		goto done;
	step_end(&r, k, "%zu evidence files, MD5/SHA-1/SHA-256 each", r.inv.n_items);
	s->step = WXF_CASE_READ;
	k = step_begin(&r, "备份容器解包", "device backups unpacked");
	case_containers(&r);
	step_end(&r, k, "%zu unpacked, %zu could not be opened", r.un.n_subs, s->n_unreadable);
	k = step_begin(&r, "识别微信账户", "WeChat accounts found");
	if ((rc = case_accounts(&r, err)) != WXF_OK)
		goto done;
	step_end(&r, k, "%zu account(s)", r.n_accts);
	k = step_begin(&r, "解密、读取与恢复", "decryption, reading, recovery of deleted records");
	if ((rc = case_read(&r, err)) != WXF_OK)
		goto done;
	step_end(&r, k, "%zu of %zu message databases read; %zu messages, %zu payments",
	    s->n_dbs_read, s->n_dbs, s->n_msgs, s->n_payments);
	k = step_begin(&r, "出处字节复核", "every cited byte range re-read and hashed");
	case_cite(&r);
	step_end(&r, k, "%zu ranges, %zu with their text; %zu mismatches", s->n_cites,
	    s->n_cites_text, s->n_cites_failed);
	s->step = WXF_CASE_ANALYSE;
	k = step_begin(&r, "分析（卖家、付款、关键词）", "analysis: seller, ledger, indicators");
	if ((rc = case_analyse(&r, err)) != WXF_OK)
		goto done;
	step_end(&r, k, "%zu account(s) analysed", r.n_accts > 0 ? r.n_accts : 1);
	s->step = WXF_CASE_WRITE;
	k = step_begin(&r, "处理后再次计算检材哈希", "evidence hashed again");
	case_rehash(&r);
	step_end(&r, k, "%zu evidence files changed", s->n_changed);
	step_begin(&r, "生成证据包", "the bundle written (ends with the manifest record of the "
	    "audit log)");
	if ((rc = case_write(&r, err)) == WXF_OK)
		s->step = WXF_CASE_DONE;
done:
	if (wxf_table_spilled_peak() > 0)
		wxf_log_info(r.log, "at most %zu MB of tables (indexes of messages, events) kept in "
		    "files in %s (paged by the kernel: bounded memory)",
		    (wxf_table_spilled_peak() + (1 << 20) - 1) >> 20, wxf_tmpdir());
	if (wxf_table_spill_errno() != 0)
		wxf_log_warn(r.log, "tables could not be kept in files in %s (%s): they were kept in "
		    "memory (set TMPDIR to a folder with room)", wxf_tmpdir(),
		    strerror(wxf_table_spill_errno()));
	if (rc == WXF_ENOMEM && err != NULL && err->msg[0] == '\0')
		wxf_err_set(err, WXF_ENOMEM, "out of memory");
	if (r.audit.f != NULL) {
		wxf_err ae;

		wxf_err_clear(&ae);
		if (wxf_audit_close(&r.audit, &ae) != WXF_OK && rc == WXF_OK) {
			*err = ae;
			rc = WXF_EIO;
			s->step = WXF_CASE_WRITE;
		}
	}
	for (i = 0; r.ans != NULL && i < (r.n_accts > 0 ? r.n_accts : 1); i++)
		wxf_analysis_free(&r.ans[i]);
	free(r.ans);
	wxf_xview_free(&r.xview);
	for (i = 0; r.root_label != NULL && i < r.inv.n_roots; i++)
		free(r.root_label[i]);
	free(r.root_label);
	wxf_indicators_free(&r.ind);
	for (i = 0; i < r.n_accts; i++) {
		wxf_model_free(&r.accts[i]->m);
		wxf_wc_acct_free(&r.accts[i]);
	}
	free(r.accts);
	wxf_model_free(&r.empty);
	wxf_unpack_result_free(&r.un);
	for (i = 0; i < r.n_steps; i++)
		free((char *)r.steps[i].result);
	for (i = 0; i < r.n_limits; i++)
		free(r.limits[i]);
	free(r.limits);
	free(r.cmdline);
	wxf_inventory_free(&r.inv);
	wxf_tz_free(&r.tz);
	wxf_signer_free(&r.signer);
	wxf_tags_free(&r.tags);
	free(r.tags_data);
	free(r.out_abs);
	wxf_table_spill(NULL, 0);
	return rc;
}

void
wxf_case_summary_free(wxf_case_summary *s)
{
	size_t i;

	for (i = 0; i < s->n_accounts; i++) {
		free(s->accounts[i].label);
		free(s->accounts[i].seller);
	}
	free(s->accounts);
	memset(s, 0, sizeof(*s));
}
