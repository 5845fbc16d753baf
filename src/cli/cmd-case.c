/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wxforensic case EVIDENCE... -o OUTDIR
 *
 * The whole pipeline, one step after the other, each recorded in OUTDIR/audit.jsonl:
 *   1. intake: inventory + MD5/SHA-1/SHA-256 of every evidence file (read-only); OUTDIR must
 *      not lie inside the evidence and must be new or empty;
 *   2. keys + decryption of every Android account's EnMicroMsg.db (+ -wal/-journal) into
 *      OUTDIR/work/<account>/ (physical images), SQLCipher cross-check;
 *   3. reading: our SQLite layer + the Android reader → the common model;
 *   4. recovery: the carver's candidates fed through the reader's add-row entry point;
 *   5. analysis: seller, ledger, CRPL art. 55, indicator hits;
 *   6. the evidence hashed again (any change: loud error, exit 1, the bundle still written);
 *   7. writers (report.html, timeline.xml, timeline.jsonl, csv/, evidence.sha256), then
 *      manifest.sha256, whose SHA-256 ends the audit log and is printed on stdout.
 *
 * No OUTDIR-dependent string reaches the bundle: the decryption runs with OUTDIR as the
 * working directory (so its records say "./work/..."), the command line shows OUTDIR.
 */
#include "config.h"
#include "cmd.h"
#include "analysis/analysis.h"
#include "base/wxf_audit.h"
#include "base/wxf_buf.h"
#include "base/wxf_file.h"
#include "base/wxf_hash.h"
#include "base/wxf_mem.h"
#include "base/wxf_time.h"
#include "carve/carve.h"
#include "decrypt/decrypt.h"
#include "intake/intake.h"
#include "model/model.h"
#include "report/report.h"
#include "sqlite/sqlite.h"
#include "wechat/android.h"
#include "wechat/android_fts.h"
#include "wechat/huawei.h"
#include "wechat/pcbackup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

struct case_opts {
	char *out;
	char *case_number, *exhibit, *examiner, *organisation, *tz, *seller, *key;
	char **imeis, **uins, **indicators;
	int reveal_key, no_carve;
	char *backup_key;        /* --backup-key: WeChat PC backup passphrase (32 hex) */
	char *backup_password;   /* --backup-password: encrypted .ab / Huawei backup password */
	long long jobs, page_msgs;
};

enum {
	OPT_CASE = 0x2100, OPT_EXHIBIT, OPT_EXAMINER, OPT_ORG, OPT_TZ, OPT_SELLER, OPT_INDICATORS,
	OPT_IMEI, OPT_UIN, OPT_KEY, OPT_REVEAL, OPT_JOBS, OPT_PAGE, OPT_NO_CARVE,
	OPT_BACKUP_KEY, OPT_BACKUP_PASSWORD
};

static const struct option case_long[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "case-number", required_argument, NULL, OPT_CASE },
	{ "exhibit", required_argument, NULL, OPT_EXHIBIT },
	{ "examiner", required_argument, NULL, OPT_EXAMINER },
	{ "organisation", required_argument, NULL, OPT_ORG },
	{ "organization", required_argument, NULL, OPT_ORG },
	{ "tz", required_argument, NULL, OPT_TZ },
	{ "seller", required_argument, NULL, OPT_SELLER },
	{ "indicators", required_argument, NULL, OPT_INDICATORS },
	{ "imei", required_argument, NULL, OPT_IMEI },
	{ "uin", required_argument, NULL, OPT_UIN },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "reveal-key", no_argument, NULL, OPT_REVEAL },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "page-messages", required_argument, NULL, OPT_PAGE },
	{ "no-carve", no_argument, NULL, OPT_NO_CARVE },
	{ "backup-key", required_argument, NULL, OPT_BACKUP_KEY },
	{ "backup-password", required_argument, NULL, OPT_BACKUP_PASSWORD },
	{ NULL, 0, NULL, 0 }
};

static int
case_opt(void *state, int c, const char *arg, wxf_err *err)
{
	struct case_opts *o = state;

	switch (c) {
	case 0:
		wxf_cmd_set_str(&o->out, NULL);
		wxf_cmd_set_str(&o->case_number, NULL);
		wxf_cmd_set_str(&o->exhibit, NULL);
		wxf_cmd_set_str(&o->examiner, NULL);
		wxf_cmd_set_str(&o->organisation, NULL);
		wxf_cmd_set_str(&o->tz, NULL);
		wxf_cmd_set_str(&o->seller, NULL);
		if (o->key != NULL)
			memset(o->key, 0, strlen(o->key));
		wxf_cmd_set_str(&o->key, NULL);
		if (o->backup_key != NULL)
			memset(o->backup_key, 0, strlen(o->backup_key));
		wxf_cmd_set_str(&o->backup_key, NULL);
		if (o->backup_password != NULL)
			memset(o->backup_password, 0, strlen(o->backup_password));
		wxf_cmd_set_str(&o->backup_password, NULL);
		wxf_cmd_strv_free(&o->imeis);
		wxf_cmd_strv_free(&o->uins);
		wxf_cmd_strv_free(&o->indicators);
		return WXF_OK;
	case 'o': wxf_cmd_set_str(&o->out, arg); return WXF_OK;
	case OPT_CASE: wxf_cmd_set_str(&o->case_number, arg); return WXF_OK;
	case OPT_EXHIBIT: wxf_cmd_set_str(&o->exhibit, arg); return WXF_OK;
	case OPT_EXAMINER: wxf_cmd_set_str(&o->examiner, arg); return WXF_OK;
	case OPT_ORG: wxf_cmd_set_str(&o->organisation, arg); return WXF_OK;
	case OPT_TZ: wxf_cmd_set_str(&o->tz, arg); return WXF_OK;
	case OPT_SELLER: wxf_cmd_set_str(&o->seller, arg); return WXF_OK;
	case OPT_KEY: wxf_cmd_set_str(&o->key, arg); return WXF_OK;
	case OPT_INDICATORS: wxf_cmd_strv_add(&o->indicators, arg); return WXF_OK;
	case OPT_IMEI: wxf_cmd_strv_add(&o->imeis, arg); return WXF_OK;
	case OPT_UIN: wxf_cmd_strv_add(&o->uins, arg); return WXF_OK;
	case OPT_REVEAL: o->reveal_key = 1; return WXF_OK;
	case OPT_NO_CARVE: o->no_carve = 1; return WXF_OK;
	case OPT_BACKUP_KEY: wxf_cmd_set_str(&o->backup_key, arg); return WXF_OK;
	case OPT_BACKUP_PASSWORD: wxf_cmd_set_str(&o->backup_password, arg); return WXF_OK;
	case OPT_JOBS: return wxf_cmd_num(arg, 0, 1024, &o->jobs, "--jobs", err);
	case OPT_PAGE: return wxf_cmd_num(arg, 10, 1000000, &o->page_msgs, "--page-messages", err);
	}
	return wxf_err_set(err, WXF_EUSAGE, "unknown option");
}

/* ------------------------------------------------------------------------------ helpers */

static void
audit_kv(wxf_audit *a, const char *action, const char *key, const char *val)
{
	wxf_buf b;

	wxf_buf_init(&b);
	wxf_buf_printf(&b, "\"%s\":", key);
	if (val != NULL)
		wxf_buf_json_str(&b, val, strlen(val));
	else
		wxf_buf_puts(&b, "null");
	wxf_audit_add(a, action, b.p, NULL);
	wxf_buf_free(&b);
}

/* 1 if dir does not exist or is an empty directory. */
static int
dir_usable(const char *dir)
{
	DIR *d;
	struct dirent *de;
	int empty = 1;

	if (!wxf_is_dir(dir))
		return access(dir, F_OK) != 0;
	d = opendir(dir);
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

static char *
dirname_dup(const char *p)
{
	const char *s = strrchr(p, '/');

	if (s == NULL)
		return wxf_xstrdup(".");
	if (s == p)
		return wxf_xstrdup("/");
	return wxf_xstrndup(p, (size_t)(s - p));
}

static const wxf_item *
find_item(const wxf_inventory *inv, const char *path)
{
	size_t i;

	for (i = 0; i < inv->n_items; i++)
		if (inv->items[i].member == NULL && strcmp(inv->items[i].path, path) == 0)
			return &inv->items[i];
	return NULL;
}

/* ------------------------------------------------------------------------------ one account */

typedef struct acct_run {
	const wxf_item *db;            /* EnMicroMsg.db */
	wxf_decrypt_result dec;
	int have_dec;
	char *image;                   /* bundle-relative image path */
	char *wal_image;               /* bundle-relative wal image path or NULL */
	char *wal_evidence;            /* evidence path of the -wal, or NULL */
	char *status;
} acct_run;

struct carve_arg {
	wxf_android_ctx *actx;
	acct_run *ar;
	uint64_t n_fed, n_unattributed, n_failed;
};

static int
carve_cb(void *arg, const wxf_carved *cv)
{
	struct carve_arg *ca = arg;
	wxf_prov p;
	wxf_err e;

	if (cv->row.table == NULL) {
		ca->n_unattributed++;
		return 0;
	}
	if (cv->origin == WXF_ORIGIN_WAL && ca->ar->wal_image != NULL)
		wxf_carved_prov(cv, ca->ar->wal_evidence != NULL ? ca->ar->wal_evidence :
		    ca->ar->db->path, ca->ar->wal_image, &p);
	else
		wxf_carved_prov(cv, ca->ar->db->path, ca->ar->image, &p);
	wxf_err_clear(&e);
	if (wxf_android_add_row(ca->actx, &cv->row, &p, &e) != WXF_OK)
		ca->n_failed++;
	else
		ca->n_fed++;
	return 0;
}

/* Reads (and carves) one decrypted or plaintext database into the model. */
static int
read_account(wxf_ctx *ctx, struct case_opts *o, const char *outdir, acct_run *ar, wxf_model *m,
    wxf_audit *audit, char ***limits, int *carved)
{
	wxf_map img, wal;
	wxf_sqlite_db *db = NULL;
	wxf_android_ctx *actx = NULL;
	wxf_android_opts ao;
	char *img_path, *wal_path = NULL, *acct_dir;
	wxf_err err;
	wxf_buf b;
	int rc;

	memset(&img, 0, sizeof(img));
	memset(&wal, 0, sizeof(wal));
	wxf_err_clear(&err);
	img_path = ar->image != NULL ? wxf_path_join(outdir, ar->image) : wxf_xstrdup(ar->db->abs);
	rc = wxf_map_open(&img, img_path, &err);
	if (rc == WXF_OK)
		rc = wxf_sqlite_open(&db, img.data, img.size, &err);
	if (rc == WXF_OK && ar->wal_image != NULL) {
		wal_path = wxf_path_join(outdir, ar->wal_image);
		if (wxf_map_open(&wal, wal_path, &err) == WXF_OK && wal.size > 0 &&
		    wxf_sqlite_attach_wal(db, wal.data, wal.size, &err) != WXF_OK) {
			wxf_log_warn(&ctx->log, "%s: WAL not usable: %s", ar->wal_image, err.msg);
			wxf_cmd_strv_add(limits, "The decrypted WAL could not be attached; only the main "
			    "database file was read live.");
			wxf_err_clear(&err);
		}
	}
	if (rc != WXF_OK) {
		wxf_log_error(&ctx->log, "%s: cannot read the database: %s", ar->db->path, err.msg);
		goto out;
	}
	acct_dir = dirname_dup(ar->db->path);
	memset(&ao, 0, sizeof(ao));
	ao.evidence_path = ar->db->path;
	ao.image_path = ar->image;
	ao.account_dir = acct_dir;
	rc = wxf_android_ctx_new(&actx, m, db, &ao, &err);
	if (rc == WXF_OK)
		rc = wxf_android_read(actx, &err);
	wxf_buf_init(&b);
	wxf_buf_puts(&b, "\"database\":");
	wxf_buf_json_str(&b, ar->db->path, strlen(ar->db->path));
	wxf_buf_printf(&b, ",\"messages\":%zu,\"identities\":%zu,\"payments\":%zu,\"result\":\"%s\"",
	    m->n_msgs, m->n_identities, m->n_payments, rc == WXF_OK ? "ok" : "failed");
	wxf_audit_add(audit, "read", b.p, NULL);
	if (rc != WXF_OK) {
		wxf_log_error(&ctx->log, "%s: %s", ar->db->path, err.msg);
		free(acct_dir);
		wxf_buf_free(&b);
		goto out;
	}
	if (!o->no_carve) {
		wxf_carve_opts co;
		wxf_carve_stats st;
		struct carve_arg ca;
		int crc;

		memset(&co, 0, sizeof(co));
		memset(&st, 0, sizeof(st));
		memset(&ca, 0, sizeof(ca));
		co.db_name = ar->image;
		co.jobs = (int)o->jobs;
		if (wal.size > 0) {
			co.wal = wal.data;
			co.wal_size = wal.size;
			co.wal_name = ar->wal_image;
		}
		ca.actx = actx;
		ca.ar = ar;
		wxf_log_progress(&ctx->log, "recovering deleted records", 0, 0, NULL);
		crc = wxf_carve_run_stats(db, &co, carve_cb, &ca, &st, &err);
		wxf_log_progress_end(&ctx->log);
		wxf_buf_reset(&b);
		wxf_buf_puts(&b, "\"database\":");
		wxf_buf_json_str(&b, ar->db->path, strlen(ar->db->path));
		wxf_buf_printf(&b, ",\"pages_scanned\":%llu,\"candidates\":%llu,\"reported\":%llu,"
		    "\"fed\":%llu,\"unattributed\":%llu,\"rejected\":%llu,\"result\":\"%s\"",
		    (unsigned long long)st.pages_scanned, (unsigned long long)st.candidates,
		    (unsigned long long)st.reported, (unsigned long long)ca.n_fed,
		    (unsigned long long)ca.n_unattributed, (unsigned long long)ca.n_failed,
		    crc == WXF_OK ? "ok" : "failed");
		wxf_audit_add(audit, "carve", b.p, NULL);
		if (crc != WXF_OK) {
			char *l = wxf_xasprintf("Deleted-record recovery failed on %s: %s", ar->db->path,
			    err.msg);

			wxf_log_warn(&ctx->log, "%s", l);
			wxf_cmd_strv_add(limits, l);
			free(l);
			wxf_err_clear(&err);
		} else {
			*carved = 1;
			if (ca.n_unattributed > 0) {
				char *l = wxf_xasprintf("%llu recovered records could not be attributed to a "
				    "table and are not shown.", (unsigned long long)ca.n_unattributed);

				wxf_cmd_strv_add(limits, l);
				free(l);
			}
		}
	}
	wxf_buf_free(&b);
	free(acct_dir);
	rc = WXF_OK;
out:
	/* The model copies every value it keeps; the images can go once reading is done. */
	wxf_android_ctx_free(&actx);
	wxf_sqlite_close(&db);
	wxf_map_close(&wal);
	wxf_map_close(&img);
	free(wal_path);
	free(img_path);
	return rc;
}

/* Decrypts one account's database with OUTDIR as working directory (bundle-relative paths). */
static int
decrypt_account(wxf_ctx *ctx, struct case_opts *o, const wxf_inventory *inv, const char *outdir,
    const char *out_sub, acct_run *ar, wxf_audit *audit, char ***limits)
{
	wxf_key_opts ko;
	wxf_err err;
	char *acct_dir = dirname_dup(ar->db->abs);
	int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	memset(&ko, 0, sizeof(ko));
	ko.imeis = o->imeis;
	ko.uins = o->uins;
	ko.key = o->key;
	ko.jobs = (unsigned)o->jobs;
	ko.reveal_key = o->reveal_key;
	ko.log = &ctx->log;
	ko.audit = audit;
	wxf_err_clear(&err);
	if (cwd < 0 || chdir(outdir) != 0) {
		rc = wxf_err_set(&err, WXF_EIO, "%s: %s", outdir, strerror(errno));
	} else {
		rc = wxf_decrypt_android_account(inv->roots[ar->db->root].abs, acct_dir, out_sub, &ko,
		    &ar->dec, &err);
		if (fchdir(cwd) != 0)
			rc = wxf_err_set(&err, WXF_EIO, "cannot return to the working directory");
	}
	if (cwd >= 0)
		close(cwd);
	ar->have_dec = 1;
	if (ar->dec.db_out != NULL) {
		const char *p = ar->dec.db_out;

		if (strncmp(p, "./", 2) == 0)
			p += 2;
		ar->image = wxf_xstrdup(p);
		if (ar->dec.report.wal.present && ar->dec.report.wal.path_out != NULL) {
			const char *w = ar->dec.report.wal.path_out;
			char *ev = wxf_xasprintf("%s-wal", ar->db->path);

			if (strncmp(w, "./", 2) == 0)
				w += 2;
			ar->wal_image = wxf_xstrdup(w);
			if (find_item(inv, ev) != NULL)
				ar->wal_evidence = ev;
			else
				free(ev);
		}
	}
	if (rc == WXF_OK)
		ar->status = wxf_xstrdup("解密成功 (decrypted)");
	else if (rc == WXF_EVERIFY && ar->image != NULL) {
		ar->status = wxf_xasprintf("解密完成但独立复核不一致 (decrypted, but the cross-check "
		    "disagrees): %s", err.msg);
		wxf_cmd_strv_add(limits, ar->status);
		rc = WXF_OK;
	} else {
		ar->status = wxf_xasprintf("未能解密 (not decrypted): %s", err.msg);
		wxf_log_error(&ctx->log, "%s: %s", ar->db->path, err.msg);
		wxf_cmd_strv_add(limits, ar->status);
		free(ar->image);
		ar->image = NULL;
	}
	free(acct_dir);
	return rc;
}

/* ------------------------------------------------------------------------------ FTS index */

struct fts_carve_arg {
	wxf_android_fts *f;
	const char *file, *image;
	uint64_t n_fed;
};

static int
fts_carve_cb(void *arg, const wxf_carved *cv)
{
	struct fts_carve_arg *fa = arg;
	wxf_prov p;

	if (cv->row.table == NULL)
		return 0;
	wxf_carved_prov(cv, fa->file, fa->image, &p);
	if (wxf_android_fts_add_row(fa->f, &cv->row, &p, NULL) == WXF_OK)
		fa->n_fed++;
	return 0;
}

/* Finds the key of the full-text index: md5(uin + device id + wxid)[:7] over the candidates
 * the extraction offers (the winning EnMicroMsg.db inputs first), wxid = userinfo id 2. */
static int
fts_key(const char *fts_abs, const acct_run *ar, const wxf_inventory *inv, const char *wxid,
    struct case_opts *o, wxf_key *k, uint64_t *n_tried, wxf_err *err)
{
	wxf_android_inputs in;
	wxf_key_opts ko;
	char *acct_dir = dirname_dup(ar->db->abs), *app_root;
	const char *uins[64], *uin_src[64], *ids[64], *id_src[64];
	size_t nu = 0, ni = 0, a, b;
	int rc = WXF_EKEY;

	memset(&in, 0, sizeof(in));
	memset(&ko, 0, sizeof(ko));
	ko.imeis = o->imeis;
	ko.uins = o->uins;
	if (ar->have_dec && ar->dec.key.uin[0]) {
		uins[nu] = ar->dec.key.uin;
		uin_src[nu++] = ar->dec.key.uin_source;
	}
	if (ar->have_dec && ar->dec.key.device_id[0]) {
		ids[ni] = ar->dec.key.device_id;
		id_src[ni++] = ar->dec.key.device_id_source;
	}
	app_root = wxf_android_app_root(inv->roots[ar->db->root].abs, acct_dir);
	if (app_root != NULL && wxf_android_inputs_collect(app_root, acct_dir, &ko, &in, err) == WXF_OK) {
		for (a = 0; a < in.n_uins && nu < 64; a++) {
			uins[nu] = in.uins[a].value;
			uin_src[nu++] = in.uins[a].source;
		}
		for (a = 0; a < in.n_ids && ni < 64; a++) {
			ids[ni] = in.ids[a].value;
			id_src[ni++] = in.ids[a].source;
		}
	}
	*n_tried = 0;
	for (a = 0; a < nu && rc != WXF_OK; a++) {
		for (b = 0; b < ni && rc != WXF_OK; b++) {
			char pass[8];
			wxf_err e;

			wxf_android_fts_pass(uins[a], ids[b], wxid, pass);
			(*n_tried)++;
			wxf_err_clear(&e);
			if (wxf_key_from_text(k, pass, WXF_KEY_PASSPHRASE, &e) != WXF_OK)
				continue;
			if (wxf_decrypt_verify_key(fts_abs, k, "android", NULL, &e) == WXF_OK) {
				k->source = WXF_KEYSRC_ANDROID;
				snprintf(k->uin, sizeof(k->uin), "%s", uins[a]);
				snprintf(k->uin_source, sizeof(k->uin_source), "%s", uin_src[a]);
				snprintf(k->device_id, sizeof(k->device_id), "%s", ids[b]);
				snprintf(k->device_id_source, sizeof(k->device_id_source), "%s", id_src[b]);
				snprintf(k->how, sizeof(k->how), "derived: md5(uin + device id + wxid) first 7 "
				    "hex digits (WeChat full-text index key), uin %s, device id %s, wxid %s "
				    "(userinfo id 2 of the message database); verified on page 1",
				    uins[a], ids[b], wxid);
				rc = WXF_OK;
			} else
				wxf_key_clear(k);
		}
	}
	if (rc != WXF_OK)
		wxf_err_set(err, WXF_EKEY, "no md5(uin + device id + wxid) candidate opens the "
		    "full-text index (%llu tried)", (unsigned long long)*n_tried);
	wxf_android_inputs_free(&in);
	free(app_root);
	free(acct_dir);
	return rc;
}

/*
 * The account's full-text index (FTS5IndexMicroMsg_encrypt.db, or the older unencrypted
 * FTS5IndexMicroMsg.db) as a further witness for deleted and recalled text: decrypted into
 * work/ next to the message database image, cross-checked, read live and carved, and applied to
 * the model (wechat/android_fts.h).  fr receives the decryption record for the report.
 */
static void
read_fts(wxf_ctx *ctx, struct case_opts *o, const wxf_inventory *inv, const char *outdir,
    acct_run *ar, wxf_model *m, wxf_audit *audit, char ***limits, acct_run *fr)
{
	static const char *const names[] = { "FTS5IndexMicroMsg_encrypt.db", "FTS5IndexMicroMsg.db" };
	const wxf_item *it = NULL;
	char *dir = dirname_dup(ar->db->path), *img_dir, *p, *img_abs = NULL, *wal_abs = NULL;
	wxf_android_fts *f = NULL;
	wxf_sqlite_db *db = NULL;
	wxf_map img, wal;
	wxf_fts_stats st;
	wxf_err err;
	wxf_buf b;
	size_t i;
	int rc, cwd;

	memset(&img, 0, sizeof(img));
	memset(&wal, 0, sizeof(wal));
	memset(&st, 0, sizeof(st));
	wxf_err_clear(&err);
	for (i = 0; i < 2 && it == NULL; i++) {
		p = wxf_path_join(dir, names[i]);
		it = find_item(inv, p);
		free(p);
	}
	free(dir);
	if (it == NULL || ar->image == NULL)
		return;
	fr->db = it;
	img_dir = dirname_dup(ar->image);
	if (it->kind == WXF_KIND_SQLITE) {
		fr->status = wxf_xstrdup("明文数据库，无需解密 (plaintext database, not encrypted)");
		img_abs = wxf_xstrdup(it->abs);
	} else {
		const char *wxid = m->owner != NULL ? m->owner->username : NULL;
		wxf_decrypt_opts dopt;

		if (wxid == NULL) {
			fr->status = wxf_xstrdup("未能解密 (not decrypted): the owner's wxid (userinfo id 2) "
			    "is unknown, so the full-text index key cannot be derived");
			wxf_cmd_strv_add(limits, fr->status);
			free(img_dir);
			return;
		}
		fr->have_dec = 1;
		if (fts_key(it->abs, ar, inv, wxid, o, &fr->dec.key, &fr->dec.n_tried, &err) != WXF_OK) {
			fr->status = wxf_xasprintf("未能解密 (not decrypted): %s", err.msg);
			wxf_cmd_strv_add(limits, fr->status);
			audit_kv(audit, "fts-key", "result", err.msg);
			free(img_dir);
			return;
		}
		fr->image = wxf_xasprintf("%s/%s", img_dir, wxf_path_base(it->path));
		memset(&dopt, 0, sizeof(dopt));
		dopt.jobs = (unsigned)o->jobs;
		dopt.log = &ctx->log;
		cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cwd < 0 || chdir(outdir) != 0)
			rc = wxf_err_set(&err, WXF_EIO, "%s: %s", outdir, strerror(errno));
		else {
			rc = wxf_decrypt_file(it->abs, fr->image, &fr->dec.key, "android", &dopt,
			    &fr->dec.report, &err);
			if (rc == WXF_OK)
				wxf_crosscheck_run(it->abs, fr->image, fr->dec.report.profile, &fr->dec.key,
				    &fr->dec.xcheck, NULL);
			if (fchdir(cwd) != 0)
				rc = wxf_err_set(&err, WXF_EIO, "cannot return to the working directory");
		}
		if (cwd >= 0)
			close(cwd);
		{
			char *rj = wxf_decrypt_report_json(&fr->dec.report);

			wxf_buf_init(&b);
			wxf_buf_puts(&b, "\"input\":");
			wxf_buf_json_str(&b, it->path, strlen(it->path));
			wxf_buf_puts(&b, ",\"key_how\":");
			wxf_buf_json_str(&b, fr->dec.key.how, strlen(fr->dec.key.how));
			wxf_buf_printf(&b, ",\"crosscheck\":");
			wxf_buf_json_str(&b, fr->dec.xcheck.sentence, strlen(fr->dec.xcheck.sentence));
			if (rj != NULL && *rj)
				wxf_buf_printf(&b, ",%s", rj);
			wxf_audit_add(audit, "decrypt-fts", b.p, NULL);
			wxf_buf_free(&b);
			free(rj);
		}
		if (rc != WXF_OK) {
			fr->status = wxf_xasprintf("未能解密 (not decrypted): %s", err.msg);
			wxf_cmd_strv_add(limits, fr->status);
			free(fr->image);
			fr->image = NULL;
			free(img_dir);
			return;
		}
		fr->status = wxf_xstrdup(fr->dec.xcheck.status == WXF_XCHECK_DISAGREES ?
		    "解密完成但独立复核不一致 (decrypted, but the cross-check disagrees)" :
		    "解密成功 (decrypted)");
		img_abs = wxf_path_join(outdir, fr->image);
		if (fr->dec.report.wal.present && fr->dec.report.wal.path_out != NULL)
			wal_abs = wxf_path_join(outdir, fr->dec.report.wal.path_out);
	}
	free(img_dir);
	rc = wxf_map_open(&img, img_abs, &err);
	if (rc == WXF_OK)
		rc = wxf_sqlite_open(&db, img.data, img.size, &err);
	if (rc == WXF_OK && wal_abs != NULL && wxf_map_open(&wal, wal_abs, &err) == WXF_OK &&
	    wal.size > 0 && wxf_sqlite_attach_wal(db, wal.data, wal.size, &err) != WXF_OK)
		wxf_err_clear(&err);
	if (rc == WXF_OK)
		rc = wxf_android_fts_new(&f, m, it->path, fr->image, &err);
	if (rc == WXF_OK)
		rc = wxf_android_fts_read(f, db, &err);
	if (rc == WXF_OK && !o->no_carve) {
		wxf_carve_opts co;
		struct fts_carve_arg fa = { f, it->path, fr->image, 0 };

		memset(&co, 0, sizeof(co));
		co.db_name = fr->image;
		co.jobs = (int)o->jobs;
		if (wal.size > 0) {
			co.wal = wal.data;
			co.wal_size = wal.size;
		}
		if (wxf_carve_run(db, &co, fts_carve_cb, &fa, &err) != WXF_OK)
			wxf_err_clear(&err);
	}
	if (rc == WXF_OK)
		rc = wxf_android_fts_apply(&f, &st, &err);
	if (f != NULL)
		wxf_android_fts_apply(&f, &st, NULL);
	wxf_buf_init(&b);
	wxf_buf_puts(&b, "\"index\":");
	wxf_buf_json_str(&b, it->path, strlen(it->path));
	wxf_buf_printf(&b, ",\"entries\":%u,\"corroborated\":%u,\"recall_originals\":%u,"
	    "\"recovered\":%u,\"fragments\":%u,\"differ\":%u,\"result\":\"%s\"", st.entries,
	    st.corroborated, st.recall_filled, st.recovered, st.fragments, st.differ,
	    rc == WXF_OK ? "ok" : "failed");
	wxf_audit_add(audit, "read-fts", b.p, NULL);
	wxf_buf_free(&b);
	if (rc != WXF_OK) {
		char *l = wxf_xasprintf("The full-text index %s could not be read: %s", it->path, err.msg);

		wxf_cmd_strv_add(limits, l);
		free(l);
	} else
		wxf_log_info(&ctx->log, "full-text index: %u entries, %u messages known only from it, "
		    "%u recalled originals", st.entries, st.recovered, st.recall_filled);
	wxf_sqlite_close(&db);
	wxf_map_close(&wal);
	wxf_map_close(&img);
	free(img_abs);
	free(wal_abs);
}

/* ------------------------------------------------------------------------------ accounts */

struct runs {
	acct_run *runs;
	size_t n, n_msgdbs;
	int n_read, carved;
};

/* Decrypts, reads and carves every Android EnMicroMsg.db of an inventory (and its full-text
 * index); out_sub is where, below OUTDIR, the plaintext images go ("." for the evidence). */
static void
process_inventory(wxf_ctx *ctx, struct case_opts *o, const wxf_inventory *inv,
    const char *out_sub, wxf_model *m, wxf_audit *audit, char ***limits, struct runs *rs)
{
	size_t i;

	for (i = 0; i < inv->n_items; i++) {
		const wxf_item *it = &inv->items[i];
		acct_run *ar;
		int carved = 0;

		if (it->member != NULL || it->platform != WXF_PLAT_ANDROID ||
		    strcmp(wxf_path_base(it->path), "EnMicroMsg.db") != 0)
			continue;
		rs->runs = wxf_xrealloc(rs->runs, (rs->n + 1) * sizeof(*rs->runs));
		ar = &rs->runs[rs->n++];
		rs->n_msgdbs++;
		memset(ar, 0, sizeof(*ar));
		ar->db = it;
		if (it->kind == WXF_KIND_SQLITE) {
			ar->status = wxf_xstrdup("明文数据库，无需解密 (plaintext database, not encrypted)");
		} else {
			wxf_log_info(&ctx->log, "decrypting %s", it->path);
			if (decrypt_account(ctx, o, inv, o->out, out_sub, ar, audit, limits) != WXF_OK)
				continue;
		}
		wxf_log_info(&ctx->log, "reading %s", it->path);
		if (read_account(ctx, o, o->out, ar, m, audit, limits, &carved) == WXF_OK) {
			acct_run fr;

			rs->n_read++;
			if (carved)
				rs->carved = 1;
			memset(&fr, 0, sizeof(fr));
			read_fts(ctx, o, inv, o->out, &rs->runs[rs->n - 1], m, audit, limits, &fr);
			if (fr.db != NULL) {
				rs->runs = wxf_xrealloc(rs->runs, (rs->n + 1) * sizeof(*rs->runs));
				rs->runs[rs->n++] = fr;
			}
		}
	}
}

/* ------------------------------------------------------------------------------ containers */

/* An unpacked container: its extracted tree inventoried like evidence, the items' paths
 * rewritten to "<container>!/<member>" so provenance names the evidence container. */
struct sub_inv {
	wxf_inventory inv;
	char *work;      /* bundle-relative folder for this container's plaintext images */
};

static void
sub_scan(wxf_ctx *ctx, const char *dir, const char *from, const char *work, struct sub_inv **subs,
    size_t *n)
{
	wxf_intake_opts io;
	struct sub_inv *s;
	char *paths[1];
	size_t i, lp;
	wxf_err err;

	memset(&io, 0, sizeof(io));
	io.no_magic = 1;
	*subs = wxf_xrealloc(*subs, (*n + 1) * sizeof(**subs));
	s = &(*subs)[*n];
	memset(s, 0, sizeof(*s));
	paths[0] = (char *)dir;
	wxf_err_clear(&err);
	if (wxf_intake_scan(&s->inv, paths, 1, &io, &err) != WXF_OK) {
		wxf_log_warn(&ctx->log, "%s: unpacked tree unreadable: %s", from, err.msg);
		wxf_inventory_free(&s->inv);
		return;
	}
	lp = strlen(dir);
	for (i = 0; i < s->inv.n_items; i++) {
		wxf_item *it = &s->inv.items[i];
		const char *rel = strncmp(it->path, dir, lp) == 0 ? it->path + lp : it->path;
		char *np;

		while (*rel == '/')
			rel++;
		np = wxf_xasprintf("%s!/%s", from, rel);
		free(it->path);
		it->path = np;
	}
	s->work = wxf_xstrdup(work);
	(*n)++;
}

/*
 * Android backups (.ab, MIUI .bak; --backup-password for encrypted ones) and Huawei
 * HiSuite/KoBackup folders among the evidence are unpacked into OUTDIR/work/ (nothing is
 * written anywhere else, member names are sanitised) and returned as inventories for the
 * Android pipeline.
 */
static struct sub_inv *
unpack_containers(wxf_ctx *ctx, struct case_opts *o, const wxf_inventory *inv, wxf_audit *audit,
    char ***limits, size_t *n_subs)
{
	struct sub_inv *subs = NULL;
	wxf_intake_opts io;
	char **dirs = NULL, **from = NULL, *work = wxf_path_join(o->out, "work");
	size_t n = 0, i, k = 0;
	wxf_err err;
	wxf_buf b;

	*n_subs = 0;
	memset(&io, 0, sizeof(io));
	io.log = &ctx->log;
	io.backup_password = o->backup_password;
	wxf_err_clear(&err);
	for (i = 0; i < inv->n_items; i++)
		if (inv->items[i].member == NULL && inv->items[i].kind == WXF_KIND_ANDROID_BACKUP)
			k++;
	if (k > 0) {
		wxf_log_info(&ctx->log, "unpacking %zu Android backup container(s)", k);
		if (wxf_intake_unpack(inv, work, &io, &dirs, &from, &n, &err) != WXF_OK)
			wxf_cmd_strv_add(limits, err.msg);
		if (n < k) {
			char *l = wxf_xasprintf("%zu of %zu Android backup container(s) could not be "
			    "unpacked (see the audit log; an encrypted backup needs --backup-password).",
			    k - n, k);

			wxf_cmd_strv_add(limits, l);
			free(l);
		}
		for (i = 0; i < n; i++) {
			const char *rel = strstr(dirs[i], "/work/containers/");

			rel = rel != NULL ? rel + 1 : dirs[i];
			wxf_buf_init(&b);
			wxf_buf_puts(&b, "\"container\":");
			wxf_buf_json_str(&b, from[i], strlen(from[i]));
			wxf_buf_puts(&b, ",\"unpacked_to\":");
			wxf_buf_json_str(&b, rel, strlen(rel));
			wxf_audit_add(audit, "unpack-container", b.p, NULL);
			wxf_buf_free(&b);
			sub_scan(ctx, dirs[i], from[i], rel, &subs, n_subs);
			free(dirs[i]);
			free(from[i]);
		}
		free(dirs);
		free(from);
	}
	for (i = 0, k = 0; i < inv->n_roots; i++) {
		const wxf_root *r = &inv->roots[i];
		wxf_huawei_result hr;
		char *hw, *hw_rel;
		int rc;

		if (!r->is_dir || !wxf_huawei_probe(r->abs))
			continue;
		hw_rel = wxf_xasprintf("work/huawei-%zu", ++k);
		hw = wxf_path_join(o->out, hw_rel);
		memset(&hr, 0, sizeof(hr));
		wxf_err_clear(&err);
		wxf_log_info(&ctx->log, "unpacking Huawei backup %s", r->given);
		rc = wxf_huawei_unpack(r->abs, o->backup_password, hw, &hr, &err);
		wxf_buf_init(&b);
		wxf_buf_puts(&b, "\"container\":");
		wxf_buf_json_str(&b, r->given, strlen(r->given));
		wxf_buf_printf(&b, ",\"kind\":\"huawei\",\"password_ok\":%s,\"archives\":%zu,"
		    "\"wechat_trees\":%zu,\"result\":", hr.password_ok ? "true" : "false",
		    hr.n_archives, hr.n_android_roots);
		wxf_buf_json_str(&b, rc == WXF_OK ? "ok" : err.msg, strlen(rc == WXF_OK ? "ok" : err.msg));
		wxf_audit_add(audit, "unpack-container", b.p, NULL);
		wxf_buf_free(&b);
		if (rc != WXF_OK) {
			char *l = wxf_xasprintf("Huawei backup %s not unpacked: %s", r->given, err.msg);

			wxf_log_warn(&ctx->log, "%s", l);
			wxf_cmd_strv_add(limits, l);
			free(l);
		}
		for (i = 0; rc == WXF_OK && i < hr.n_android_roots; i++) {
			const char *tree = hr.android_roots[i];
			const char *base = wxf_path_base(tree);
			char *from_s = wxf_xasprintf("%s/%s.tar", r->given, base);
			char *work_s = wxf_xasprintf("%s/%s", hw_rel, base);

			sub_scan(ctx, tree, from_s, work_s, &subs, n_subs);
			free(from_s);
			free(work_s);
		}
		wxf_huawei_result_free(&hr);
		free(hw);
		free(hw_rel);
	}
	free(work);
	return subs;
}

/* ------------------------------------------------------------------------------ PC backups */

/*
 * WeChat PC "Backup & Restore" folders (Backup.db + BAK_n_TEXT/MEDIA) among the evidence: read
 * with --backup-key into the model (work/backup-<n>/ holds the plaintext Backup.db and the
 * media), else recognised and reported as "key required".  Runs with OUTDIR as the working
 * directory so bundle paths stay relative.  Returns the number of backups read.
 */
static int
read_pc_backups(wxf_ctx *ctx, struct case_opts *o, const wxf_inventory *inv, wxf_model *m,
    wxf_audit *audit, char ***limits, size_t *n_found)
{
	int n_ok = 0, cwd;
	size_t k = 0;

	for (size_t i = 0; i < inv->n_items; i++) {
		const wxf_item *it = &inv->items[i];
		wxf_pcbackup_result res;
		wxf_err err;
		char *folder, *work, *j;
		int rc;

		if (it->member != NULL || strcasecmp(wxf_path_base(it->path), "Backup.db") != 0)
			continue;
		folder = dirname_dup(it->abs);
		if (!wxf_pcbackup_probe(folder, NULL, NULL, NULL, 0)) {
			free(folder);
			continue;
		}
		(*n_found)++;
		work = wxf_xasprintf("work/backup-%zu", ++k);
		wxf_err_clear(&err);
		cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cwd < 0 || chdir(o->out) != 0) {
			rc = wxf_err_set(&err, WXF_EIO, "%s: %s", o->out, strerror(errno));
			memset(&res, 0, sizeof(res));
		} else {
			wxf_log_info(&ctx->log, "reading WeChat PC backup %s", it->path);
			rc = wxf_pcbackup_read(m, folder, o->backup_key, work, &res, &err);
			if (fchdir(cwd) != 0)
				rc = wxf_err_set(&err, WXF_EIO, "cannot return to the working directory");
		}
		if (cwd >= 0)
			close(cwd);
		j = wxf_pcbackup_result_json(&res);
		{
			wxf_buf b;

			wxf_buf_init(&b);
			wxf_buf_printf(&b, "\"backup\":%s", j);
			wxf_audit_add(audit, "pc-backup-result", b.p, NULL);
			wxf_buf_free(&b);
		}
		free(j);
		if (rc == WXF_OK && res.status == WXF_PCB_READ) {
			n_ok++;
		} else {
			char *l = res.status == WXF_PCB_KEY_REQUIRED ?
			    wxf_xasprintf("WeChat PC backup %s recognised, inventoried and hashed; its "
			    "messages need the backup key (--backup-key).", it->path) :
			    wxf_xasprintf("WeChat PC backup %s not read: %s", it->path, err.msg);

			wxf_log_warn(&ctx->log, "%s", l);
			wxf_cmd_strv_add(limits, l);
			free(l);
		}
		for (size_t w = 0; w < res.n_warnings && w < 20; w++)
			wxf_log_warn(&ctx->log, "PC backup: %s", res.warnings[w]);
		wxf_pcbackup_result_free(&res);
		free(work);
		free(folder);
	}
	return n_ok;
}

/* ------------------------------------------------------------------------------ exec */

static int
case_exec(wxf_ctx *ctx, void *state, int argc, char **argv)
{
	struct case_opts *o = state;
	wxf_intake_opts io;
	wxf_inventory inv;
	wxf_audit audit;
	wxf_model *m = NULL;
	wxf_analysis *an = NULL;
	wxf_tz *tz = NULL;
	acct_run *runs = NULL;
	size_t n_runs = 0, n_msgdbs = 0, n_backups = 0, i, changed;
	char **limits = NULL, *cmdline = NULL, manifest[65], os[256];
	wxf_report_db *dbs = NULL;
	wxf_report_meta meta;
	wxf_report_in rin;
	struct utsname un;
	wxf_err err;
	wxf_buf b;
	struct runs runs_st;
	struct sub_inv *subs = NULL;
	size_t n_subs = 0;
	int rc, exit_rc = WXF_EXIT_OK, carved = 0, sde = 0, n_read = 0, n_backups_read = 0;
	size_t n_limits;

	wxf_err_clear(&err);
	memset(&io, 0, sizeof(io));
	io.log = &ctx->log;
	memset(&inv, 0, sizeof(inv));
	memset(&audit, 0, sizeof(audit));
	if (o->out == NULL) {
		fprintf(stderr, "wxforensic case: -o OUTDIR is required\n");
		return WXF_EXIT_USAGE;
	}
	tz = wxf_tz_new(o->tz != NULL ? o->tz : "Asia/Shanghai");
	if (tz == NULL) {
		fprintf(stderr, "wxforensic case: unknown time zone '%s'\n", o->tz);
		return WXF_EXIT_USAGE;
	}
	/* 1. intake */
	wxf_log_progress(&ctx->log, "inventory and hashing", 0, 0, NULL);
	rc = wxf_intake_scan(&inv, argv, (size_t)argc, &io, &err);
	wxf_log_progress_end(&ctx->log);
	if (rc != WXF_OK) {
		wxf_log_error(&ctx->log, "%s", err.msg);
		exit_rc = wxf_err_exit_code(rc);
		goto done;
	}
	if (wxf_intake_inside_evidence(&inv, o->out)) {
		wxf_log_error(&ctx->log, "refusing to write into the evidence: %s lies inside an "
		    "evidence path", o->out);
		exit_rc = WXF_EXIT_USAGE;
		goto done;
	}
	if (!dir_usable(o->out)) {
		wxf_log_error(&ctx->log, "%s exists and is not an empty directory; choose a new output "
		    "directory", o->out);
		exit_rc = WXF_EXIT_USAGE;
		goto done;
	}
	if (wxf_mkdir_p(o->out, &err) != WXF_OK) {
		wxf_log_error(&ctx->log, "%s", err.msg);
		exit_rc = WXF_EXIT_INTERNAL;
		goto done;
	}
	{
		char *ap = wxf_path_join(o->out, "audit.jsonl");

		rc = wxf_audit_open(&audit, ap, ctx->tool, &err);
		free(ap);
		if (rc != WXF_OK) {
			wxf_log_error(&ctx->log, "%s", err.msg);
			exit_rc = WXF_EXIT_INTERNAL;
			goto done;
		}
	}
	cmdline = wxf_report_cmdline(ctx->cmdline);
	wxf_buf_init(&b);
	wxf_buf_puts(&b, "\"command\":");
	wxf_buf_json_str(&b, cmdline, strlen(cmdline));
	wxf_buf_printf(&b, ",\"tz\":\"%s\"", wxf_tz_name(tz));
	wxf_audit_add(&audit, "case-start", b.p, NULL);
	wxf_buf_free(&b);
	wxf_intake_audit(&audit, &inv, 0);

	if (wxf_model_new(&m, &err) != WXF_OK) {
		exit_rc = WXF_EXIT_INTERNAL;
		goto done;
	}
	/* 2.-4. every Android account's message database, in the evidence and in the backup
	 * containers it holds (unpacked into work/) */
	runs_st.runs = NULL;
	runs_st.n = runs_st.n_msgdbs = 0;
	runs_st.n_read = runs_st.carved = 0;
	process_inventory(ctx, o, &inv, ".", m, &audit, &limits, &runs_st);
	subs = unpack_containers(ctx, o, &inv, &audit, &limits, &n_subs);
	for (i = 0; i < n_subs; i++)
		process_inventory(ctx, o, &subs[i].inv, subs[i].work, m, &audit, &limits, &runs_st);
	runs = runs_st.runs;
	n_runs = runs_st.n;
	n_msgdbs = runs_st.n_msgdbs;
	n_read = runs_st.n_read;
	carved = runs_st.carved;
	n_backups_read = read_pc_backups(ctx, o, &inv, m, &audit, &limits, &n_backups);
	if (n_runs == 0 && n_backups == 0) {
		wxf_log_warn(&ctx->log, "no Android message database (EnMicroMsg.db) found in the "
		    "evidence");
		wxf_cmd_strv_add(&limits, "No WeChat message database this version can read was found "
		    "in the evidence.");
	}
	if (wxf_model_finish(m, &err) != WXF_OK) {
		wxf_log_error(&ctx->log, "%s", err.msg);
		exit_rc = WXF_EXIT_INTERNAL;
		goto done;
	}
	/* 5. analysis */
	{
		wxf_analysis_opts ao;
		size_t n_ind = 0;

		memset(&ao, 0, sizeof(ao));
		ao.seller = o->seller;
		while (o->indicators != NULL && o->indicators[n_ind] != NULL)
			n_ind++;
		ao.indicator_files = (const char *const *)o->indicators;
		ao.n_indicator_files = n_ind;
		rc = wxf_analysis_run(m, &ao, &an, &err);
		if (rc != WXF_OK) {
			wxf_log_error(&ctx->log, "analysis: %s", err.msg);
			exit_rc = rc == WXF_EUSAGE || rc == WXF_EIO || rc == WXF_ENOTFOUND ?
			    WXF_EXIT_USAGE : WXF_EXIT_INTERNAL;
			goto done;
		}
		wxf_buf_init(&b);
		wxf_buf_puts(&b, "\"seller\":");
		if (an->seller != NULL)
			wxf_buf_json_str(&b, an->seller->username, strlen(an->seller->username));
		else
			wxf_buf_puts(&b, "null");
		wxf_buf_printf(&b, ",\"seller_source\":\"%s\",\"transfers\":%zu,\"hits\":%zu",
		    wxf_seller_source_name(an->seller_source), an->ledger.n_transfers, an->n_hits);
		if (!an->ledger.totals.overflow)
			wxf_buf_printf(&b, ",\"net_fen\":%lld,\"crpl55_fen\":%lld",
			    (long long)an->ledger.totals.net_fen, (long long)an->ledger.totals.crpl55_fen);
		wxf_audit_add(&audit, "analysis", b.p, NULL);
		wxf_buf_free(&b);
	}
	/* 6. the evidence again */
	wxf_log_progress(&ctx->log, "hashing the evidence again", 0, 0, NULL);
	changed = wxf_intake_rehash(&inv, &io);
	wxf_log_progress_end(&ctx->log);
	wxf_intake_audit(&audit, &inv, 1);
	if (changed > 0) {
		char *l = wxf_xasprintf("%zu evidence file(s) CHANGED between the first and the final "
		    "hashing.", changed);

		wxf_cmd_strv_add(&limits, l);
		free(l);
		exit_rc = WXF_EXIT_FINDINGS;
	}
	/* 7. writers */
	if (uname(&un) == 0)
		snprintf(os, sizeof(os), "%s %s %s", un.sysname, un.release, un.machine);
	else
		snprintf(os, sizeof(os), "unknown");
	memset(&meta, 0, sizeof(meta));
	meta.case_number = o->case_number;
	meta.exhibit = o->exhibit;
	meta.examiner = o->examiner;
	meta.organisation = o->organisation;
	meta.tool_version = PACKAGE_VERSION;
	meta.git_id = WXF_GIT_ID;
	meta.cmdline = cmdline;
	meta.os = os;
	meta.tz = tz;
	meta.generated_ms = wxf_time_now_ms(&sde);
	meta.generated_from_sde = sde;
	meta.seller = o->seller;
	meta.page_msgs = (size_t)o->page_msgs;
	dbs = wxf_xcalloc(n_runs + 1, sizeof(*dbs));
	for (i = 0; i < n_runs; i++) {
		dbs[i].evidence_path = runs[i].db->path;
		dbs[i].image = runs[i].image;
		dbs[i].dec = runs[i].have_dec ? &runs[i].dec : NULL;
		dbs[i].status = runs[i].status;
		dbs[i].reveal_key = o->reveal_key;
	}
	n_limits = 0;
	while (limits != NULL && limits[n_limits] != NULL)
		n_limits++;
	memset(&rin, 0, sizeof(rin));
	rin.meta = &meta;
	rin.inv = &inv;
	rin.dbs = dbs;
	rin.n_dbs = n_runs;
	rin.m = m;
	rin.an = an;
	rin.limitations = (const char *const *)limits;
	rin.n_limitations = n_limits;
	rin.carving = carved;
	wxf_log_info(&ctx->log, "writing the evidence bundle");
	rc = wxf_report_write_all(&rin, o->out, &audit, &err);
	if (rc == WXF_OK)
		rc = wxf_manifest_write(o->out, manifest, &err);
	if (rc != WXF_OK) {
		wxf_log_error(&ctx->log, "%s", err.msg);
		audit_kv(&audit, "error", "message", err.msg);
		exit_rc = WXF_EXIT_INTERNAL;
		goto done;
	}
	wxf_buf_init(&b);
	wxf_buf_printf(&b, "\"output\":\"manifest.sha256\",\"manifest_sha256\":\"%s\","
	    "\"evidence_changed\":%zu", manifest, changed);
	wxf_audit_add(&audit, "manifest", b.p, NULL);
	wxf_buf_free(&b);

	printf("Evidence bundle: %s\n", o->out);
	printf("  report.html, timeline.xml, timeline.jsonl, csv/, evidence.sha256, work/, "
	    "audit.jsonl\n");
	if (n_backups > 0)
		printf("  WeChat PC backups read: %d of %zu\n", n_backups_read, n_backups);
	printf("  message databases read: %d of %zu; messages: %zu; payments: %zu\n", n_read, n_msgdbs,
	    m->n_msgs, m->n_payments);
	if (an != NULL && an->seller != NULL) {
		char t[48];

		printf("  seller (%s): %s\n", wxf_seller_source_name(an->seller_source),
		    an->seller->username);
		if (!an->ledger.totals.overflow) {
			wxf_report_fen(an->ledger.totals.net_fen, t, sizeof(t));
			printf("  net paid: %s", t);
			wxf_report_fen(an->ledger.totals.crpl55_fen, t, sizeof(t));
			printf("   CRPL art. 55 figure: %s\n", t);
		}
	}
	printf("  audit log head: %s\n", wxf_audit_head(&audit));
	printf("manifest.sha256 SHA-256: %s\n", manifest);
	if (changed > 0)
		fprintf(stderr, "\n*** EVIDENCE INTEGRITY FAILURE: %zu evidence file(s) changed during "
		    "processing; see the report's evidence list. ***\n", changed);
	if (n_msgdbs > 0 && n_read == 0 && exit_rc == WXF_EXIT_OK)
		exit_rc = WXF_EXIT_EVIDENCE;
done:
	if (audit.f != NULL)
		wxf_audit_close(&audit);
	for (i = 0; i < n_runs; i++) {
		if (runs[i].have_dec)
			wxf_decrypt_result_free(&runs[i].dec);
		free(runs[i].image);
		free(runs[i].wal_image);
		free(runs[i].wal_evidence);
		free(runs[i].status);
	}
	free(runs);
	for (i = 0; i < n_subs; i++) {
		wxf_inventory_free(&subs[i].inv);
		free(subs[i].work);
	}
	free(subs);
	free(dbs);
	free(cmdline);
	wxf_cmd_strv_free(&limits);
	wxf_analysis_free(&an);
	wxf_model_free(&m);
	wxf_inventory_free(&inv);
	wxf_tz_free(&tz);
	return exit_rc;
}

const struct wxf_cmd_entry wxf_cmd_case_entry = {
	.name = "case",
	.summary = "whole pipeline: evidence in, court-ready evidence bundle out",
	.usage = "wxforensic case [options] -o OUTDIR EVIDENCE...\n\n"
	    "  -o, --output OUTDIR     the evidence bundle (new or empty directory, not inside\n"
	    "                          the evidence)\n"
	    "      --case-number S     case number (案件编号)\n"
	    "      --exhibit S         exhibit number(s) (检材编号)\n"
	    "      --examiner S        examiner name(s) (检验人)\n"
	    "      --organisation S    organisation (单位)\n"
	    "      --tz ZONE           display time zone (default Asia/Shanghai)\n"
	    "      --seller WXID       the seller account (default: proposed by ranking)\n"
	    "      --indicators FILE   extra indicator phrases (repeatable)\n"
	    "      --imei ID           device id candidate for the Android key (repeatable)\n"
	    "      --uin UIN           uin candidate for the Android key (repeatable)\n"
	    "      --key KEY           the database key (verified before use)\n"
	    "      --reveal-key        print the key in the report and audit log\n"
	    "      --jobs N            decryption and carving threads (0 = all CPUs)\n"
	    "      --page-messages N   messages per conversation page (default 2000)\n"
	    "      --no-carve          do not recover deleted records\n"
	    "      --backup-key HEX32  passphrase of a WeChat PC backup (Backup.db, BAK_n_TEXT/MEDIA)\n"
	    "      --backup-password P password of an encrypted Android (.ab) or Huawei backup\n\n"
	    "Writes report.html, timeline.xml, timeline.jsonl, csv/, evidence.sha256, work/,\n"
	    "audit.jsonl and manifest.sha256; prints the manifest's SHA-256.  Honours\n"
	    "SOURCE_DATE_EPOCH.  Exit 1 if the evidence changed during processing.",
	.optstring = "o:",
	.opts = case_long,
	.state_size = sizeof(struct case_opts),
	.min_args = 1,
	.max_args = -1,
	.opt = case_opt,
	.exec = case_exec,
};
