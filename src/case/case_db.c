/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One database of an account, the same way for every platform:
 *
 *   case_db_decrypt     plaintext? -> drv->key -> wxf_decrypt_db (physical decryption into the
 *                       account's work folder, SQLCipher cross-check, audit) -> status line
 *   case_db_read        map the image (+ -wal) -> drv->open, drv->read -> carver, each record
 *                       through drv->add_row with its provenance -> drv->close; audit
 *   case_db_statements  each database's decryption statement into the account model's sources
 *                       (the report's "二、解密说明" and timeline.xml read only these)
 *
 * Paths: the bundle records bundle-relative names (a->work/<name>); files are written below
 * OUTDIR on disk (a->work_abs).  No working-directory changes.
 */
#include "config.h"
#include "case/case_int.h"
#include "base/wxf_buf.h"
#include "base/wxf_file.h"
#include "base/wxf_mem.h"
#include "carve/carve.h"
#include "sqlite/sqlite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------ decryption */

/* A database this run could not read: counted (exit status 3), and recorded in the audit log
 * with the reason (the limitation is the caller's). */
static void
db_unreadable(case_run *r, const wxf_wc_db *d, const char *why)
{
	wxf_buf b;

	r->s->n_dbs_unreadable++;
	wxf_buf_init(&b);
	wxf_buf_json_kstr(&b, "input", d->item->path);
	wxf_buf_json_kstr(&b, "reason", why);
	wxf_audit_add(&r->audit, "evidence-unreadable", b.p, NULL);
	wxf_buf_free(&b);
}

int
case_db_decrypt(case_run *r, wxf_wc_acct *a, size_t i)
{
	wxf_wc_db *d = &a->dbs[i];
	wxf_decrypt_db_opts dopt;
	char *out_abs = NULL, *dir;
	const char *name = wxf_path_base(d->item->path);
	wxf_err err;
	int rc;

	wxf_err_clear(&err);
	if (d->item->kind == WXF_KIND_SQLITE) {
		d->status = wxf_xstrdup("明文数据库，无需解密 (plaintext database, not encrypted)");
		d->image_abs = wxf_xstrdup(d->item->abs);
		return WXF_OK;
	}
	if (a->drv->key == NULL || d->profile == NULL) {
		d->status = wxf_xasprintf("未能解密 (not decrypted): no key source is known for %s",
		    d->item->path);
		case_limit(r, "%s", d->status);
		db_unreadable(r, d, "no key source is known");
		return WXF_EKEY;
	}
	wxf_log_info(r->log, "decrypting %s", d->item->path);
	d->have_dec = 1;
	rc = a->drv->key(a, i, &d->dec.key, &d->dec.n_tried, &err);
	case_check_oom(rc, &err);
	if (rc != WXF_OK) {
		wxf_key_clear(&d->dec.key);
		d->status = wxf_xasprintf("未能解密 (not decrypted): %s", err.msg);
		wxf_log_error(r->log, "%s: %s", d->item->path, err.msg);
		case_limit(r, "%s", d->status);
		db_unreadable(r, d, err.msg);
		return rc;
	}
	wxf_log_info(r->log, "%s: key %s", d->item->path, d->dec.key.how);
	d->image = wxf_path_join(a->work, name);
	out_abs = wxf_path_join(r->o->out, d->image);
	dir = wxf_path_dir(out_abs);
	rc = wxf_mkdir_p(dir, &err);
	free(dir);
	if (rc == WXF_OK) {
		memset(&dopt, 0, sizeof(dopt));
		dopt.record_as = d->image;
		dopt.record_in = d->item->path;
		dopt.jobs = r->o->jobs;
		dopt.log = r->log;
		dopt.audit = &r->audit;
		dopt.reveal_key = r->o->reveal_key;
		rc = wxf_decrypt_db(d->item->abs, out_abs, d->profile, &dopt, &d->dec, &err);
	}
	case_check_oom(rc, &err);
	if (rc == WXF_OK || (rc == WXF_EVERIFY && d->dec.xcheck_ran)) {
		d->image_abs = out_abs;
		out_abs = NULL;
		if (d->dec.report.wal.present && d->dec.report.wal.path_out != NULL) {
			char *ev = wxf_xasprintf("%s-wal", d->item->path);

			d->wal_image = wxf_xstrdup(d->dec.report.wal.path_out);
			d->wal_abs = wxf_xasprintf("%s-wal", d->image_abs);
			d->wal_item = wxf_inventory_find(a->inv, ev);
			free(ev);
		}
	}
	if (rc == WXF_OK) {
		d->status = wxf_xstrdup("解密成功 (decrypted)");
	} else if (rc == WXF_EVERIFY && d->image_abs != NULL) {
		d->status = wxf_xasprintf("解密完成但独立复核不一致 (decrypted, but the cross-check "
		    "disagrees): %s", err.msg);
		case_limit(r, "%s", d->status);
		rc = WXF_OK;
	} else {
		d->status = wxf_xasprintf("未能解密 (not decrypted): %s", err.msg);
		wxf_log_error(r->log, "%s: %s", d->item->path, err.msg);
		case_limit(r, "%s", d->status);
		db_unreadable(r, d, err.msg);
		free(d->image);
		d->image = NULL;
	}
	free(out_abs);
	return rc;
}

/* ------------------------------------------------------------------------------ reading */

struct carve_arg {
	wxf_wc_acct *a;
	wxf_wc_db *d;
	void *rd;
	uint64_t n_fed, n_unattributed, n_failed;
	wxf_err oom;            /* a reader or the model ran out of memory (the carve stops) */
};

/* 1 if a carved source's bytes are in the -wal image (the carver labels each source with the
 * name of the image it read: db_name, or wal_name for every WAL frame, whatever its origin). */
static int
in_wal(const wxf_wc_db *d, const char *file)
{
	return d->wal_image != NULL && file != NULL && strcmp(file, d->wal_image) == 0;
}

/* The record's other sources (more copies, the index entries that name it) become witnesses
 * of the message the driver made of it (found by its deterministic id). */
static int
add_witnesses(struct carve_arg *ca, const wxf_carved *cv, const wxf_prov *p)
{
	const wxf_wc_db *d = ca->d;
	wxf_msg *msg;
	char id[17];
	size_t k;

	wxf_model_msg_id(ca->a->m, ca->a->drv->platform, p->file, cv->row.table->name, p->rowid,
	    p->origin, p->offset, id);
	if ((msg = wxf_model_find_msg(ca->a->m, id)) == NULL)
		return 0; /* not a message (a contact, a side table ...) */
	for (k = 1; k < cv->n_sources; k++) {
		const wxf_carve_src *s = &cv->sources[k];
		wxf_prov w = *p;
		wxf_wit_kind kind = s->index != NULL ? WXF_WIT_INDEX :
		    cv->status == WXF_STATUS_SUPERSEDED ? WXF_WIT_OLDER : WXF_WIT_COPY;

		if (in_wal(d, s->file)) {
			w.file = d->wal_item != NULL ? d->wal_item->path : d->item->path;
			w.image = d->wal_image;
		} else {
			w.file = d->item->path;
			w.image = d->image;
		}
		if (s->index != NULL) {
			w.table = s->index->name;
			w.status = WXF_STATUS_FRAGMENT;
		}
		w.pgno = s->pgno;
		w.frame = s->frame;
		w.offset = s->offset;
		w.length = s->length;
		w.origin = s->origin;
		w.confidence = s->confidence;
		if (wxf_msg_add_witness(ca->a->m, msg, kind, NULL, &w) < 0)
			return -1;
	}
	return 0;
}

static int
carve_cb(void *arg, const wxf_carved *cv)
{
	struct carve_arg *ca = arg;
	const wxf_wc_db *d = ca->d;
	wxf_prov p;
	wxf_err e;
	int rc;

	if (cv->row.table == NULL) {
		ca->n_unattributed++;
		return 0;
	}
	/* a record from a WAL frame lives in the -wal file: cite that file and its image */
	if (in_wal(d, cv->file))
		wxf_carved_prov(cv, d->wal_item != NULL ? d->wal_item->path : d->item->path,
		    d->wal_image, &p);
	else
		wxf_carved_prov(cv, d->item->path, d->image, &p);
	wxf_err_clear(&e);
	if ((rc = ca->a->drv->add_row(ca->rd, &cv->row, &p, &e)) != WXF_OK) {
		if (rc == WXF_ENOMEM || e.code == WXF_ENOMEM) {
			ca->oom = e;
			ca->oom.code = WXF_ENOMEM;
			return 1;
		}
		ca->n_failed++;
		return 0;
	}
	ca->n_fed++;
	if (cv->n_sources > 1 && add_witnesses(ca, cv, &p) < 0) {
		wxf_err_set(&ca->oom, WXF_ENOMEM, "recovered record: witnesses not stored");
		return 1;
	}
	return 0;
}

static void
carve_db(case_run *r, wxf_wc_acct *a, wxf_wc_db *d, void *rd, wxf_sqlite_db *db,
    const wxf_map *wal)
{
	wxf_carve_opts co;
	wxf_carve_stats st;
	struct carve_arg ca;
	wxf_err err;
	wxf_buf b;
	int crc;

	memset(&co, 0, sizeof(co));
	memset(&st, 0, sizeof(st));
	memset(&ca, 0, sizeof(ca));
	wxf_err_clear(&err);
	co.db_name = d->image;
	co.jobs = (int)r->o->jobs;
	if (wal->size > 0) {
		co.wal = wal->data;
		co.wal_size = wal->size;
		co.wal_name = d->wal_image;
	}
	ca.a = a;
	ca.d = d;
	ca.rd = rd;
	wxf_log_progress(r->log, "recovering deleted records", 0, 0, NULL);
	wxf_err_clear(&ca.oom);
	crc = wxf_carve_run_stats(db, &co, carve_cb, &ca, &st, &err);
	case_check_oom(ca.oom.code, &ca.oom);
	case_check_oom(crc, &err);
	wxf_log_progress_end(r->log);
	wxf_buf_init(&b);
	wxf_buf_json_kstr(&b, "database", d->item->path);
	wxf_buf_printf(&b, ",\"pages_scanned\":%llu,\"candidates\":%llu,\"reported\":%llu,"
	    "\"fed\":%llu,\"unattributed\":%llu,\"rejected\":%llu,\"result\":\"%s\"",
	    (unsigned long long)st.pages_scanned, (unsigned long long)st.candidates,
	    (unsigned long long)st.reported, (unsigned long long)ca.n_fed,
	    (unsigned long long)ca.n_unattributed, (unsigned long long)ca.n_failed,
	    crc == WXF_OK ? "ok" : "failed");
	wxf_audit_add(&r->audit, "carve", b.p, NULL);
	wxf_buf_free(&b);
	if (crc != WXF_OK) {
		/* the evidence is not at fault when the machine runs out of room */
		if (crc == WXF_EIO || crc == WXF_ENOMEM)
			r->s->n_faults++;
		wxf_log_warn(r->log, "Deleted-record recovery failed on %s: %s", d->item->path, err.msg);
		case_limit(r, "Deleted-record recovery failed on %s: %s", d->item->path, err.msg);
		return;
	}
	r->carved = 1;
	if (ca.n_unattributed > 0)
		case_limit(r, "%llu recovered records could not be attributed to a table and are not "
		    "shown.", (unsigned long long)ca.n_unattributed);
}

int
case_db_read(case_run *r, wxf_wc_acct *a, size_t i)
{
	wxf_wc_db *d = &a->dbs[i];
	wxf_map img, wal;
	wxf_sqlite_db *db = NULL;
	void *rd = NULL;
	wxf_err err;
	wxf_buf b;
	int rc;

	if (d->image_abs == NULL)
		return WXF_ENOTFOUND;
	memset(&img, 0, sizeof(img));
	memset(&wal, 0, sizeof(wal));
	wxf_err_clear(&err);
	wxf_log_info(r->log, "reading %s", d->item->path);
	rc = wxf_map_open(&img, d->image_abs, &err);
	if (rc == WXF_OK)
		rc = wxf_sqlite_open(&db, img.data, img.size, &err);
	if (rc == WXF_OK && d->wal_abs != NULL) {
		int wrc = WXF_OK;

		if (wxf_map_open(&wal, d->wal_abs, &err) == WXF_OK && wal.size > 0)
			wrc = wxf_sqlite_attach_wal(db, wal.data, wal.size, &err);
		case_check_oom(wrc, &err);      /* a WAL left out for want of memory is not "unusable" */
		if (wrc != WXF_OK) {
			wxf_log_warn(r->log, "%s: WAL not usable: %s", d->wal_image, err.msg);
			case_limit(r, "The decrypted WAL could not be attached; only the main database "
			    "file was read live.");
		}
		wxf_err_clear(&err);
	}
	case_check_oom(rc, &err);
	if (rc != WXF_OK) {
		wxf_log_error(r->log, "%s: cannot read the database: %s", d->item->path, err.msg);
		case_limit(r, "%s could not be read: %s", d->item->path, err.msg);
		db_unreadable(r, d, err.msg);
		goto out;
	}
	rc = a->drv->open(a, i, db, &rd, &err);
	if (rc == WXF_OK)
		rc = a->drv->read(rd, &err);
	wxf_buf_init(&b);
	wxf_buf_json_kstr(&b, "database", d->item->path);
	wxf_buf_printf(&b, ",\"messages\":%zu,\"identities\":%zu,\"payments\":%zu,\"result\":\"%s\"",
	    a->m->n_msgs, a->m->n_identities, a->m->n_payments, rc == WXF_OK ? "ok" : "failed");
	wxf_audit_add(&r->audit, "read", b.p, NULL);
	wxf_buf_free(&b);
	case_check_oom(rc, &err);
	if (rc != WXF_OK) {
		wxf_err e2;

		wxf_log_error(r->log, "%s: %s", d->item->path, err.msg);
		case_limit(r, "%s could not be read: %s", d->item->path, err.msg);
		db_unreadable(r, d, err.msg);
		wxf_err_clear(&e2);
		if (rd != NULL)
			a->drv->close(a, i, &rd, 0, &e2);
		goto out;
	}
	if (d->carve && !r->o->no_carve)
		carve_db(r, a, d, rd, db, &wal);
	/* close may append databases (the index this one refers to): d moves */
	rc = a->drv->close(a, i, &rd, 1, &err);
	d = &a->dbs[i];
	case_check_oom(rc, &err);
	if (rc != WXF_OK) {
		wxf_log_error(r->log, "%s: %s", d->item->path, err.msg);
		case_limit(r, "%s could not be read: %s", d->item->path, err.msg);
		db_unreadable(r, d, err.msg);
		goto out;
	}
	d->read_ok = 1;
out:
	/* the model copies every value it keeps: the images can go once reading is done */
	wxf_sqlite_close(&db);
	wxf_map_close(&wal);
	wxf_map_close(&img);
	return rc;
}

/* ------------------------------------------------------------------------------ statements */

static void
stmt_pages(wxf_model *m, wxf_stmt_pages *o, const wxf_page_report *p)
{
	o->present = p->present;
	if (!p->present)
		return;
	o->path_in = wxf_model_strdup(m, p->path_in);
	o->n_units = p->n_pages;
	o->n_good = p->n_good;
	o->n_unverified = p->n_unverified;
	o->n_zero = p->n_zero;
	o->n_bad = p->n_bad;
	o->trailing = p->trailing;
	o->sha256_in = wxf_model_strdup(m, p->sha256_in);
	o->sha256_out = wxf_model_strdup(m, p->sha256_out);
}

void
case_db_statements(case_run *r, wxf_wc_acct *a)
{
	wxf_model *m = a->m;
	size_t i, j;

	for (i = 0; i < a->n_dbs; i++) {
		const wxf_wc_db *d = &a->dbs[i];
		const wxf_decrypt_result *x = &d->dec;
		wxf_source *src;
		wxf_stmt *st;

		if (d->status == NULL)
			continue;        /* claimed by two drivers, or never reached */
		src = wxf_model_add_source(m, d->source_path != NULL ? d->source_path : d->item->path,
		    d->role, a->drv->platform, a->id);
		if (src == NULL || (st = wxf_source_stmt(m, src)) == NULL)
			continue;
		if (src->image == NULL && d->image != NULL)
			src->image = wxf_model_strdup(m, d->image);
		src->exhibit = wxf_model_strdup(m, case_exhibit_of(r, a));
		if (m->owner != NULL)
			src->owner = m->owner->username;
		st->status = wxf_model_strdup(m, d->status);
		if (!d->have_dec)
			continue;
		st->attempted = 1;
		st->n_tried = x->n_tried;
		if (x->key.how[0] != '\0') {
			char desc[256], key[160];

			st->keyed = 1;
			if (x->report.profile != NULL) {
				wxf_profile_describe(x->report.profile, desc, sizeof(desc));
				st->profile = wxf_model_strdup(m, x->report.profile->name);
				st->profile_desc = wxf_model_strdup(m, desc);
				st->equivalent = wxf_model_strdup(m, x->report.equivalent);
			}
			st->key_how = wxf_model_strdup(m, x->key.how);
			for (j = 0; j < x->key.n_inputs; j++) {
				const wxf_key_input *in = &x->key.inputs[j];
				char v[512];

				snprintf(v, sizeof(v), "%s%s — %s", in->prefix != NULL ? in->prefix : "",
				    in->value, in->source);
				wxf_stmt_add_input(m, st, in->label_zh, in->label_en, v);
			}
			wxf_key_display(&x->key, r->o->reveal_key, key, sizeof(key));
			st->key_display = wxf_model_strdup(m, key);
		}
		stmt_pages(m, &st->db, &x->report.db);
		stmt_pages(m, &st->wal, &x->report.wal);
		stmt_pages(m, &st->journal, &x->report.journal);
		if (x->xcheck_ran) {
			st->witness_ran = 1;
			st->witness = x->xcheck.status == WXF_XCHECK_AGREES ? WXF_WITNESS_AGREES :
			    x->xcheck.status == WXF_XCHECK_DISAGREES ? WXF_WITNESS_DISAGREES :
			    x->xcheck.status == WXF_XCHECK_UNAVAILABLE ? WXF_WITNESS_UNAVAILABLE :
			    WXF_WITNESS_ERROR;
			st->witness_sentence = wxf_model_strdup(m, x->xcheck.sentence);
			st->witness_detail = wxf_model_strdup(m, x->xcheck.detail);
		}
	}
}
