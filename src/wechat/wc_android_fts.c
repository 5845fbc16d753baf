/* SPDX-License-Identifier: Apache-2.0 */
/* The Android full-text index as a witness for message text: see android_fts.h. */
#include "config.h"
#include "wechat/wc_android_fts.h"
#include "base/wxf_hash.h"
#include "base/wxf_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct fts_meta {
	int64_t docid, msg_id, time_ms;
	const char *talker;
	wxf_prov prov;
	int have;
} fts_meta;

typedef struct fts_text {
	int64_t docid;
	const char *text;
	wxf_prov prov;
} fts_text;

struct wxf_android_fts {
	wxf_model *m;
	const char *evidence, *image;
	fts_meta *meta;
	size_t n_meta, cap_meta;
	fts_text *text;
	size_t n_text, cap_text;
};

void
wxf_android_fts_pass(const char *uin, const char *device_id, const char *wxid, char out[8])
{
	char buf[512], hex[33];

	snprintf(buf, sizeof(buf), "%s%s%s", uin ? uin : "", device_id ? device_id : "",
	    wxid ? wxid : "");
	wxf_md5_hex(buf, strlen(buf), hex);
	memcpy(out, hex, 7);
	out[7] = '\0';
}

int
wxf_android_fts_new(wxf_android_fts **fp, wxf_model *m, const char *evidence_path,
    const char *image_path, wxf_err *err)
{
	wxf_android_fts *f = calloc(1, sizeof(*f));

	*fp = NULL;
	if (f == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	f->m = m;
	f->evidence = wxf_model_strdup(m, evidence_path);
	f->image = image_path ? wxf_model_strdup(m, image_path) : NULL;
	*fp = f;
	return WXF_OK;
}

static const wxf_sqlval *
col(const wxf_sqlrow *row, const char *name)
{
	int i = wxf_sqlite_col(row->table, name);

	return i >= 0 && i < row->n_vals ? &row->vals[i] : NULL;
}

static const char *
text_of(wxf_model *m, const wxf_sqlval *v)
{
	if (v == NULL || v->type != WXF_SQL_TEXT)
		return NULL;
	return wxf_model_strndup(m, (const char *)v->p, v->n);
}

int
wxf_android_fts_add_row(wxf_android_fts *f, const wxf_sqlrow *row, const wxf_prov *prov_in,
    wxf_err *err)
{
	wxf_prov prov;

	if (row == NULL || row->table == NULL)
		return WXF_OK;
	if (prov_in != NULL)
		prov = *prov_in;
	else {
		memset(&prov, 0, sizeof(prov));
		prov.rowid = row->rowid;
		prov.pgno = row->pgno;
		prov.frame = row->wal_frame;
		prov.offset = row->offset;
		prov.length = row->length;
		prov.origin = row->wal_frame ? WXF_ORIGIN_WAL : WXF_ORIGIN_LIVE;
		prov.status = WXF_STATUS_INTACT;
		prov.confidence = 100;
	}
	if (prov.file == NULL)
		prov.file = f->evidence;
	if (prov.image == NULL)
		prov.image = f->image;
	if (prov.table == NULL)
		prov.table = wxf_model_strdup(f->m, row->table->name);
	if (strcasecmp(row->table->name, "FTS5MetaMessage") == 0) {
		fts_meta *e;

		if (wxf_grow((void **)&f->meta, &f->cap_meta, f->n_meta + 1, sizeof(*e)) != 0)
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
		e = &f->meta[f->n_meta];
		memset(e, 0, sizeof(*e));
		e->docid = row->rowid != INT64_MIN ? row->rowid : wxf_sqlval_int(col(row, "docid"), -1);
		if (e->docid <= 0)
			return WXF_OK; /* a metadata row without its docid joins nothing */
		f->n_meta++;
		e->msg_id = wxf_sqlval_int(col(row, "entity_id"), WXF_INT_UNKNOWN);
		e->time_ms = wxf_sqlval_int(col(row, "timestamp"), WXF_TIME_UNKNOWN);
		if (e->time_ms == 0)
			e->time_ms = WXF_TIME_UNKNOWN;
		e->talker = text_of(f->m, col(row, "talker"));
		if (e->talker == NULL)
			e->talker = text_of(f->m, col(row, "aux_index"));
		e->prov = prov;
		e->have = 1;
	} else if (strcasecmp(row->table->name, "FTS5IndexMessage_content") == 0) {
		fts_text *t;
		const char *s = text_of(f->m, col(row, "c0"));

		if (s == NULL || *s == '\0')
			return WXF_OK;
		if (wxf_grow((void **)&f->text, &f->cap_text, f->n_text + 1, sizeof(*t)) != 0)
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
		t = &f->text[f->n_text++];
		t->docid = row->rowid != INT64_MIN ? row->rowid : wxf_sqlval_int(col(row, "id"), -1);
		t->text = s;
		t->prov = prov;
	}
	return WXF_OK;
}

typedef struct scan_arg {
	wxf_android_fts *f;
	wxf_err *err;
	int rc;
} scan_arg;

static int
scan_cb(void *arg, const wxf_sqlrow *row)
{
	scan_arg *a = arg;

	a->rc = wxf_android_fts_add_row(a->f, row, NULL, a->err);
	return a->rc != WXF_OK;
}

int
wxf_android_fts_read(wxf_android_fts *f, wxf_sqlite_db *db, wxf_err *err)
{
	static const char *const tables[] = { "FTS5MetaMessage", "FTS5IndexMessage_content" };
	scan_arg a = { f, err, WXF_OK };
	size_t i;
	int rc;

	for (i = 0; i < 2; i++) {
		const wxf_sqlite_obj *t = wxf_sqlite_table(db, tables[i]);

		if (t == NULL) {
			wxf_model_anomaly(f->m, WXF_SEV_WARN, "fts-table-missing", NULL, NULL, NULL,
			    "full-text index %s has no table %s", f->evidence, tables[i]);
			continue;
		}
		rc = wxf_sqlite_scan(db, t, scan_cb, &a, err);
		if (a.rc != WXF_OK)
			return a.rc;
		if (rc != WXF_OK && rc != WXF_ECORRUPT)
			return rc;
	}
	return WXF_OK;
}

static int
cmp_meta(const void *a, const void *b)
{
	const fts_meta *x = a, *y = b;

	if (x->docid != y->docid)
		return x->docid < y->docid ? -1 : 1;
	/* live before recovered copies of the same docid */
	return (int)x->prov.origin - (int)y->prov.origin;
}

static int
cmp_text(const void *a, const void *b)
{
	const fts_text *x = a, *y = b;

	if (x->docid != y->docid)
		return x->docid < y->docid ? -1 : 1;
	return (int)x->prov.origin - (int)y->prov.origin;
}

static const fts_meta *
find_meta(const wxf_android_fts *f, int64_t docid)
{
	size_t lo = 0, hi = f->n_meta;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->meta[mid].docid < docid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->n_meta && f->meta[lo].docid == docid ? &f->meta[lo] : NULL;
}

/* The message of table "message" with this msgId: a live one if any, else a recovered one. */
static wxf_msg *
find_message(wxf_model *m, int64_t msg_id)
{
	wxf_msg *best = NULL;
	size_t i;

	for (i = 0; i < m->n_msgs; i++) {
		wxf_msg *x = m->msgs[i];

		if (x->local_id != msg_id || x->table == NULL || strcmp(x->table, "message") != 0 ||
		    x->prov.origin == WXF_ORIGIN_FTS)
			continue;
		if (best == NULL || (x->prov.origin == WXF_ORIGIN_LIVE &&
		    best->prov.origin != WXF_ORIGIN_LIVE))
			best = x;
	}
	return best;
}

/* The message that already holds exactly this text (body or recall original), or NULL. */
static wxf_msg *
body_known(const wxf_model *m, const char *text)
{
	size_t i;

	for (i = 0; i < m->n_msgs; i++) {
		wxf_msg *x = m->msgs[i];

		if ((x->body != NULL && strcmp(x->body, text) == 0) ||
		    (x->x->recall_original != NULL && strcmp(x->x->recall_original, text) == 0))
			return x;
	}
	return NULL;
}

int
wxf_android_fts_apply(wxf_android_fts **fp, wxf_fts_stats *st, wxf_err *err)
{
	wxf_android_fts *f = *fp;
	wxf_model *m;
	size_t i;
	int rc = WXF_OK;

	memset(st, 0, sizeof(*st));
	if (f == NULL)
		return WXF_OK;
	m = f->m;
	qsort(f->meta, f->n_meta, sizeof(*f->meta), cmp_meta);
	qsort(f->text, f->n_text, sizeof(*f->text), cmp_text);
	for (i = 0; i < f->n_text && rc == WXF_OK; i++) {
		const fts_text *t = &f->text[i];
		const fts_meta *md;
		wxf_msg *msg;
		wxf_prov prov;
		int is_new;


		if (i > 0 && f->text[i - 1].docid == t->docid &&
		    strcmp(f->text[i - 1].text, t->text) == 0)
			continue; /* the same entry again (live + carved copy) */
		st->entries++;
		md = t->docid > 0 ? find_meta(f, t->docid) : NULL;
		if (md == NULL && (msg = body_known(m, t->text)) != NULL) {
			/* a carved copy of text the model already holds: a witness of that message */
			st->corroborated++;
			if (wxf_msg_add_witness(m, msg, WXF_WIT_FTS, NULL, &t->prov) < 0)
				rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
			continue;
		}
		msg = md != NULL && md->msg_id != WXF_INT_UNKNOWN ? find_message(m, md->msg_id) : NULL;
		if (msg != NULL) {
			int recall = msg->kind == WXF_MK_RECALL || msg->is_recall;
			const char *own = recall ? msg->x->recall_original : msg->body;
			long w;

			if (own != NULL && *own != '\0' && strcmp(own, t->text) == 0) {
				st->corroborated++;
				w = wxf_msg_add_witness(m, msg, WXF_WIT_FTS, NULL, &t->prov);
			} else if (own == NULL || *own == '\0') {
				/* the row kept no text (a fragment) or a recall overwrote it: the index
				 * holds it, and the index entry is where it is cited from */
				w = wxf_msg_add_witness(m, msg, WXF_WIT_FTS, t->text, &t->prov);
				if (w >= 0 && recall) {
					wxf_msg_xw(m, msg)->recall_original = t->text;
					wxf_msg_xw(m, msg)->recall_witness = (size_t)w + 1;
					st->recall_filled++;
				} else if (w >= 0) {
					msg->body = t->text;
					msg->body_witness = (size_t)w + 1;
					st->corroborated++;
				}
				/* a row known only from index entries: the index's metadata names its
				 * conversation and time */
				if (w >= 0 && msg->talker == NULL && md->talker != NULL) {
					size_t lt = strlen(md->talker);

					msg->talker = md->talker;
					/* the direction the index entry kept says who sent it, as for a
					 * live row: received in a 1:1 chat = the talker, sent = the owner */
					if (msg->sender == NULL && msg->dir == WXF_DIR_IN &&
					    !(lt > 9 && strcmp(md->talker + lt - 9, "@chatroom") == 0)) {
						msg->sender = md->talker;
						msg->sender_src = WXF_SENDER_TALKER;
					} else if (msg->sender == NULL && msg->dir == WXF_DIR_OUT)
						msg->sender_src = WXF_SENDER_OWNER;
				}
				if (w >= 0 && msg->time_ms == WXF_TIME_UNKNOWN)
					msg->time_ms = md->time_ms;
			} else {
				st->differ++;
				w = wxf_msg_add_witness(m, msg, WXF_WIT_FTS, t->text, &t->prov);
				wxf_model_anomaly(m, WXF_SEV_WARN, "fts-text-differs", msg->id, NULL,
				    &t->prov, "full-text index docid %lld holds other text than message "
				    "msgId %lld", (long long)t->docid, (long long)md->msg_id);
			}
			if (w < 0)
				rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
			continue;
		}
		/* Known only from the index: a message of its own, cited from the index entry. */
		prov = t->prov;
		if (md != NULL) {
			prov.status = WXF_STATUS_PARTIALLY_RECOVERED;
			prov.confidence = t->prov.origin == WXF_ORIGIN_LIVE ? 70 : 60;
		} else {
			prov.status = WXF_STATUS_FRAGMENT;
			prov.confidence = 40;
		}
		prov.origin = WXF_ORIGIN_FTS;
		{
			wxf_msg *fm = wxf_model_new_msg(m, WXF_PLAT_ANDROID, "message", &prov, &is_new);

			if (fm == NULL) {
				rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
				break;
			}
			if (!is_new)
				continue;
			fm->kind = WXF_MK_TEXT;
			fm->body = t->text;
			fm->payload = t->text;
			fm->dir = WXF_DIR_UNKNOWN;
			if (md != NULL) {
				fm->local_id = md->msg_id;
				fm->time_ms = md->time_ms;
				fm->talker = md->talker;
			}
			if (md != NULL) {
				st->recovered++;
				rc = wxf_msg_warn(m, fm, "fts-only", "known only from the full-text index "
				    "(docid %lld): the message row is gone; type, direction and sender "
				    "unknown", (long long)t->docid);
			} else {
				st->fragments++;
				rc = wxf_msg_warn(m, fm, "fts-fragment", "indexed text whose index metadata "
				    "is gone (docid %lld): conversation and time unknown",
				    (long long)t->docid);
			}
		}
	}
	free(f->meta);
	free(f->text);
	free(f);
	*fp = NULL;
	return rc;
}
