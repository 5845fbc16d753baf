/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PC backup reader, step (3): the index tables of the plaintext Backup.db (columns by name,
 * wc_backup.h), the device protobuf in Config 100000, and the chat list (Session) into the
 * model.
 */
#include "config.h"
#include "wechat/wc_backup_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/wxf_mem.h"
#include "wechat/wc_protobuf.h"

/* ------------------------------------------------------------------ index tables */

typedef struct scan_arg {
	ctx *c;
	const wxf_sqlite_obj *t;
	int col[12];
	const char *table;
} scan_arg;

static const wxf_sqlval *
val(const wxf_sqlrow *row, int col)
{
	return col >= 0 && col < row->n_vals ? &row->vals[col] : NULL;
}

static int64_t
ival(const wxf_sqlrow *row, int col, int64_t def)
{
	const wxf_sqlval *v = val(row, col);

	return v != NULL ? wxf_sqlval_int(v, def) : def;
}

static char *
sval(const wxf_sqlrow *row, int col)
{
	const wxf_sqlval *v = val(row, col);

	return v != NULL ? wxf_sqlval_strdup(v) : NULL;
}

static void
row_prov(ctx *c, const wxf_sqlrow *row, const char *table, wxf_prov *p)
{
	memset(p, 0, sizeof(*p));
	p->file = c->db_path;
	p->image = c->image_rel;
	p->table = table;
	p->rowid = row->rowid;
	p->pgno = row->pgno;
	p->frame = row->wal_frame;
	p->offset = row->offset;
	p->length = row->length;
	p->origin = WXF_ORIGIN_LIVE;
	p->status = WXF_STATUS_INTACT;
	p->confidence = 100;
}

static int
cb_session(void *arg, const wxf_sqlrow *row)
{
	scan_arg *a = arg;
	ctx *c = a->c;
	sess_row *s;

	if (wxf_grow((void **)&c->sess, &c->cap_sess, c->n_sess + 1, sizeof(*s)) < 0)
		return c->oom = 1;
	s = &c->sess[c->n_sess++];
	s->talker = sval(row, a->col[0]);
	s->nick = sval(row, a->col[1]);
	s->start = ival(row, a->col[2], WXF_INT_UNKNOWN);
	s->end = ival(row, a->col[3], WXF_INT_UNKNOWN);
	row_prov(c, row, "Session", &s->prov);
	return 0;
}

static int
cb_idrow(void *arg, const wxf_sqlrow *row)
{
	scan_arg *a = arg;
	ctx *c = a->c;
	int names = strcmp(a->table, "Name2ID") == 0;
	id_row **arr = names ? &c->names : &c->mstrs;
	size_t *n = names ? &c->n_names : &c->n_mstrs, *cap = names ? &c->cap_names : &c->cap_mstrs;

	if (wxf_grow((void **)arr, cap, *n + 1, sizeof(id_row)) < 0)
		return c->oom = 1;
	(*arr)[*n].rowid = row->rowid;
	(*arr)[*n].s = sval(row, a->col[0]);
	(*n)++;
	return 0;
}

static int
cb_segment(void *arg, const wxf_sqlrow *row)
{
	scan_arg *a = arg;
	ctx *c = a->c;
	seg_row *s;

	if (wxf_grow((void **)&c->segs, &c->cap_segs, c->n_segs + 1, sizeof(*s)) < 0)
		return c->oom = 1;
	s = &c->segs[c->n_segs++];
	memset(s, 0, sizeof(*s));
	s->talker_id = ival(row, a->col[0], WXF_INT_UNKNOWN);
	s->start = ival(row, a->col[1], WXF_INT_UNKNOWN);
	s->end = ival(row, a->col[2], WXF_INT_UNKNOWN);
	s->off = ival(row, a->col[3], -1);
	s->len = ival(row, a->col[4], -1);
	s->usr = sval(row, a->col[5]);
	s->file_path = sval(row, a->col[6]);
	s->seg_id = a->col[7] >= 0 ? ival(row, a->col[7], row->rowid) : row->rowid;
	s->file = -1;
	row_prov(c, row, "MsgSegments", &s->prov);
	return 0;
}

static int
cb_fseg(void *arg, const wxf_sqlrow *row)
{
	scan_arg *a = arg;
	ctx *c = a->c;
	fseg_row *s;

	if (wxf_grow((void **)&c->fsegs, &c->cap_fsegs, c->n_fsegs + 1, sizeof(*s)) < 0)
		return c->oom = 1;
	s = &c->fsegs[c->n_fsegs++];
	memset(s, 0, sizeof(*s));
	s->map_key = ival(row, a->col[0], WXF_INT_UNKNOWN);
	s->inner = ival(row, a->col[1], -1);
	s->len = ival(row, a->col[2], -1);
	s->total = ival(row, a->col[3], -1);
	s->off = ival(row, a->col[4], -1);
	s->file_name = sval(row, a->col[5]);
	s->file = -1;
	row_prov(c, row, "MsgFileSegment", &s->prov);
	return 0;
}

static int
cb_media(void *arg, const wxf_sqlrow *row)
{
	scan_arg *a = arg;
	ctx *c = a->c;
	mm_row *s;

	if (wxf_grow((void **)&c->mms, &c->cap_mms, c->n_mms + 1, sizeof(*s)) < 0)
		return c->oom = 1;
	s = &c->mms[c->n_mms++];
	s->talker_id = ival(row, a->col[0], WXF_INT_UNKNOWN);
	s->media_id = ival(row, a->col[1], WXF_INT_UNKNOWN);
	s->seg_id = ival(row, a->col[2], WXF_INT_UNKNOWN);
	s->svr_id = ival(row, a->col[3], 0);
	s->md5 = sval(row, a->col[4]);
	s->talker = sval(row, a->col[5]);
	s->mstr = sval(row, a->col[6]);
	return 0;
}

static int
cb_config(void *arg, const wxf_sqlrow *row)
{
	scan_arg *a = arg;
	ctx *c = a->c;
	const wxf_sqlval *b = val(row, a->col[1]);

	if (ival(row, a->col[0], -1) != 100000 || b == NULL ||
	    (b->type != WXF_SQL_BLOB && b->type != WXF_SQL_TEXT) || c->config != NULL)
		return 0;
	c->config = malloc(b->n ? b->n : 1);
	if (c->config == NULL)
		return c->oom = 1;
	memcpy(c->config, b->p, b->n);
	c->config_n = b->n;
	row_prov(c, row, "Config", &c->config_prov);
	return 0;
}

/* Scans one table; columns by name (missing ones are -1).  Missing table: warning. */
static int
scan_table(ctx *c, wxf_sqlite_db *db, const char *table, const char *const *cols, int n_cols,
    wxf_sqlrow_cb cb, int required, wxf_err *err)
{
	scan_arg a;
	wxf_err e;
	int rc;

	memset(&a, 0, sizeof(a));
	a.c = c;
	a.table = table;
	a.t = wxf_sqlite_table(db, table);
	if (a.t == NULL) {
		if (required)
			wxf_bak_warn(c, "backup-table-missing", NULL, "Backup.db has no %s table", table);
		return WXF_OK;
	}
	for (int i = 0; i < n_cols && i < 12; i++)
		a.col[i] = cols[i] != NULL ? wxf_sqlite_col(a.t, cols[i]) : -1;
	wxf_err_clear(&e);
	rc = wxf_sqlite_scan(db, a.t, cb, &a, &e);
	if (c->oom || rc == WXF_ENOMEM || e.code == WXF_ENOMEM)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	if (e.code != WXF_OK)
		wxf_bak_warn(c, "backup-db-corrupt", NULL, "%s: %s", table, e.msg);
	(void)rc;
	return WXF_OK;
}

/* (3) Reads the index tables into c.  WXF_OK, or WXF_ENOMEM; a missing or damaged table is
 * a warning. */
int
wxf_bak_index(ctx *c, wxf_sqlite_db *db, wxf_err *err)
{
	static const char *const sess[] = { "talker", "NickName", "StartTime", "EndTime" };
	static const char *const n2i[] = { "UsrName" };
	static const char *const seg[] = { "talkerId", "StartTime", "EndTime", "OffSet",
	    "Length", "UsrName", "FilePath", "SegmentId" };
	static const char *const fs[] = { "MapKey", "InnerOffSet", "Length", "TotalLen",
	    "OffSet", "FileName" };
	static const char *const mm[] = { "talkerId", "MediaId", "MsgSegmentId", "SvrId",
	    "MD5", "talker", "MediaIdStr" };
	static const char *const cf[] = { "Key", "Buf" };
	int rc;

	if ((rc = scan_table(c, db, "Session", sess, 4, cb_session, 1, err)) ||
	    (rc = scan_table(c, db, "Name2ID", n2i, 1, cb_idrow, 1, err)) ||
	    (rc = scan_table(c, db, "MsgSegments", seg, 8, cb_segment, 1, err)) ||
	    (rc = scan_table(c, db, "MsgFileSegment", fs, 6, cb_fseg, 1, err)) ||
	    (rc = scan_table(c, db, "MsgMedia", mm, 7, cb_media, 1, err)) ||
	    (rc = scan_table(c, db, "MediaStr2ID", n2i, 1, cb_idrow, 1, err)) ||
	    (rc = scan_table(c, db, "Config", cf, 2, cb_config, 0, err)))
		return rc;
	return WXF_OK;
}

/* ------------------------------------------------------------------ device (Config 100000) */

static char *
pb_str(const uint8_t *d, size_t n, uint32_t num)
{
	wxf_pb_field f;
	char *s;

	if (wxf_pb_find(d, n, num, 0, &f) != 1 || f.wire != WXF_PB_LEN)
		return NULL;
	s = malloc(f.n + 1);
	if (s != NULL) {
		memcpy(s, f.p, f.n);
		s[f.n] = '\0';
	}
	return s;
}

static int64_t
pb_int(const uint8_t *d, size_t n, uint32_t num)
{
	wxf_pb_field f;

	if (wxf_pb_find(d, n, num, 0, &f) != 1 || f.wire != WXF_PB_VARINT || f.v > INT64_MAX)
		return WXF_INT_UNKNOWN;
	return (int64_t)f.v;
}

void
wxf_bak_device(ctx *c)
{
	wxf_pcbackup_device *d = &c->res->device;
	wxf_pb_field f;

	d->start_time_s = d->end_time_s = WXF_INT_UNKNOWN;
	if (c->config == NULL)
		return;
	if (wxf_pb_validate(c->config, c->config_n, 4096) < 0)
		wxf_bak_warn(c, "backup-config-corrupt", NULL,
		    "Config 100000: device protobuf malformed (fields before the damage kept)");
	d->account_id = pb_str(c->config, c->config_n, 1);
	d->device_id = pb_str(c->config, c->config_n, 2);
	d->start_time_s = pb_int(c->config, c->config_n, 3);
	d->end_time_s = pb_int(c->config, c->config_n, 4);
	if (wxf_pb_find(c->config, c->config_n, 5, 0, &f) == 1 && f.wire == WXF_PB_LEN) {
		d->manufacturer = pb_str(f.p, f.n, 2);
		d->model = pb_str(f.p, f.n, 3);
		d->platform = pb_str(f.p, f.n, 4);
		d->os_version = pb_str(f.p, f.n, 5);
		d->client_version = pb_str(f.p, f.n, 6);
	}
}

/* ------------------------------------------------------------------ model basics */

int
wxf_bak_sessions(ctx *c)
{
	wxf_model *m = c->m;

	for (size_t i = 0; i < c->n_sess; i++) {
		sess_row *s = &c->sess[i];
		wxf_conv *cv;

		if (s->talker == NULL || s->talker[0] == '\0')
			continue;
		cv = wxf_model_conv(m, s->talker, &s->prov);
		if (cv == NULL)
			return -1;
		cv->in_chat_list = 1;
		if (s->end != WXF_INT_UNKNOWN && s->end > 0)
			cv->last_time_ms = s->end;
		if (s->nick != NULL && s->nick[0]) {
			if (wxf_id_kind_guess(s->talker) == WXF_ID_GROUP) {
				wxf_group *g = wxf_model_group(m, s->talker, &s->prov);

				if (g == NULL || wxf_attrs_add(m, &g->names, s->nick, "Session.NickName",
				    WXF_TIME_UNKNOWN, &s->prov) != WXF_OK)
					return -1;
			} else {
				wxf_identity *id = wxf_model_identity(m, s->talker, &s->prov);

				if (id == NULL || wxf_attrs_add(m, &id->nicknames, s->nick,
				    "Session.NickName", WXF_TIME_UNKNOWN, &s->prov) != WXF_OK)
					return -1;
			}
		}
	}
	return 0;
}

