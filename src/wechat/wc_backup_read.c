/* SPDX-License-Identifier: Apache-2.0 */
/*
 * WeChat PC "Backup & Restore" reader (layout, tables, crypto and provenance rules: wc_backup.h).
 *
 * BakChatMsgList / BakChatMsgItem (proto2, notes section 1.3):
 *
 *   BakChatMsgList  1 count (varint)   2 repeated BakChatMsgItem (LEN)
 *   BakChatMsgItem  1 type            2 clientMsgId (str)   3 fromUserName {1 str}
 *                   4 toUserName {1}  5 content {1 str}     6 msgStatus
 *                   7 clientMsgTime s 8 msgSource (str)     9 msgId
 *                   10 mediaIdCount   11 repeated mediaId {1 str}   12 repeated mediaType {1}
 *                   13 buffer {1 len, 2 bytes}  14 bufferLength  15 bufferType
 *                   16 newMsgId (server id)     17 sequentId     18 clientMsgMillTime ms
 *                   19 msgFlag
 *
 * Steps of wxf_pcbackup_read (each leaves res filled as far as it got):
 *   (1) inventory: list and hash Backup.db, BAK_n_TEXT, BAK_n_MEDIA;   no key: stop here;
 *   (2) key: verify on page 1 (decrypt/ codec, HMAC), decrypt physically, SQLCipher witness;
 *   (3) index: read the tables with sqlite/ from the plaintext image;
 *   (4) text: every MsgSegments row (sorted by file, offset) → pread, AES-128-ECB, PKCS#7,
 *       BakChatMsgList → messages (content through wxf_wc_decode);
 *   (5) unreferenced text bytes: tried as one orphan segment each, else listed;
 *   (6) media: MsgFileSegment rows grouped by MapKey, copies split by repeated InnerOffSet,
 *       each copy streamed piece by piece into work_dir/media, hashed, typed, linked;
 *   (7) unreferenced media bytes listed with their hash.
 */
#include "config.h"
#include "wechat/wc_backup.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/wxf_buf.h"
#include "base/wxf_file.h"
#include "base/wxf_hash.h"
#include "base/wxf_sniff.h"
#include "base/wxf_strmap.h"
#include "base/wxf_mem.h"
#include "intake/intake.h"
#include "sqlite/sqlite.h"
#include "wechat/wc_msgdecode.h"
#include "wechat/wc_protobuf.h"

#define CHUNK ((size_t)1 << 20)   /* pread/decrypt unit for media pieces and region hashes */

enum { FK_DB = 0, FK_TEXT = 1, FK_MEDIA = 2, FK_OTHER = 3 };

const char *
wxf_pcbackup_status_name(wxf_pcbackup_status s)
{
	static const char *const n[] = { "not-a-backup", "key-required", "key-wrong", "read",
	    "failed" };
	return (unsigned)s <= WXF_PCB_FAILED ? n[s] : "unknown";
}

/* ------------------------------------------------------------------ context */

typedef struct seg_row {
	int64_t talker_id, start, end, off, len, seg_id;
	char *usr, *file_path;
	int file;                /* index into res->files, -1 invalid */
	wxf_prov prov;           /* the MsgSegments row */
} seg_row;

typedef struct fseg_row {
	int64_t map_key, inner, len, total, off;
	char *file_name;
	int file;                /* -1 invalid */
	int copy;
	wxf_prov prov;
} fseg_row;

typedef struct mm_row {
	int64_t talker_id, media_id, seg_id, svr_id;
	char *md5, *talker, *mstr;
} mm_row;

typedef struct id_row {
	int64_t rowid;
	char *s;
} id_row;

typedef struct sess_row {
	char *talker, *nick;
	int64_t start, end;
	wxf_prov prov;
} sess_row;

/* A message's media reference (for linking and "missing" media). */
typedef struct mref {
	wxf_msg *msg;
	const char *mstr;        /* model string */
	int linked;
} mref;

typedef struct ctx {
	wxf_model *m;
	wxf_pcbackup_result *res;
	const char *work_dir;            /* on disk */
	const char *work_rec;            /* its bundle-relative name (recorded) */
	const char *owner;       /* model string or NULL */
	const char *db_path;
	const char *image_rel;
	wxf_aes128_ecb *ecb;     /* BAK files: key = the first 16 characters of the passphrase */
	int *fds;                /* per res->files, -1 closed */
	wxf_magic *magic;        /* descriptions of reassembled media, NULL without libmagic */
	/* index */
	seg_row *segs; size_t n_segs, cap_segs;
	fseg_row *fsegs; size_t n_fsegs, cap_fsegs;
	mm_row *mms; size_t n_mms, cap_mms;
	id_row *names; size_t n_names, cap_names;
	id_row *mstrs; size_t n_mstrs, cap_mstrs;
	sess_row *sess; size_t n_sess, cap_sess;
	uint8_t *config; size_t config_n;
	/* coverage of BAK files by valid rows: [off, len, file] */
	struct cov { int file; uint64_t off, len; } *cov; size_t n_cov, cap_cov;
	/* messages */
	wxf_strmap by_svr;          /* server id → wxf_msg* (first copy); keys are model strings */
	wxf_strmap by_mstr;         /* MediaIdStr → wxf_msg* (first message naming it); model strings */
	mref *refs; size_t n_refs, cap_refs;
	/* current segment (for message provenance) */
	int cur_file;
	uint64_t cur_seg_off;
	int64_t cur_seg_id;
	const char *cur_talker;
	int cur_orphan;
	size_t cur_new, cur_dup;
	const uint8_t *cur_data;
	int oom;
} ctx;

static void __attribute__((format(printf, 4, 5)))
warn(ctx *c, const char *code, const wxf_prov *where, const char *fmt, ...)
{
	char buf[768];
	va_list ap;
	wxf_pcbackup_result *r = c->res;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	{
		char **w = realloc(r->warnings, (r->n_warnings + 1) * sizeof(char *));

		if (w == NULL) {
			c->oom = 1;
			return;
		}
		r->warnings = w;
		w[r->n_warnings] = malloc(strlen(code) + strlen(buf) + 3);
		if (w[r->n_warnings] == NULL) {
			c->oom = 1;
			return;
		}
		sprintf(w[r->n_warnings], "%s: %s", code, buf);
		r->n_warnings++;
	}
	if (c->m != NULL &&
	    wxf_model_anomaly(c->m, WXF_SEV_WARN, code, NULL, NULL, where, "%s", buf) != WXF_OK)
		c->oom = 1;
}

/* ------------------------------------------------------------------ probe and inventory */

static int
all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return s[n] == '\0';
}

static int
is_uuid(const char *s)
{
	static const int dash[] = { 8, 13, 18, 23 };

	if (strlen(s) != 36)
		return 0;
	for (int i = 0; i < 36; i++) {
		int d = i == dash[0] || i == dash[1] || i == dash[2] || i == dash[3];

		if (d ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

/* "BAK_<digits>_TEXT" → FK_TEXT, "_MEDIA" → FK_MEDIA, Backup.db → FK_DB, else -1. */
static int
file_kind(const char *name)
{
	const char *p;

	if (strcasecmp(name, "Backup.db") == 0)
		return FK_DB;
	if (strncmp(name, "BAK_", 4) != 0 || !isdigit((unsigned char)name[4]))
		return -1;
	for (p = name + 4; isdigit((unsigned char)*p); p++)
		;
	if (p - (name + 4) > 9)
		return -1;
	if (strcmp(p, "_TEXT") == 0)
		return FK_TEXT;
	if (strcmp(p, "_MEDIA") == 0)
		return FK_MEDIA;
	return -1;
}

/* The last `k` components of path into comp[0..k) (comp[0] = last); returns how many. */
static int
path_tail(const char *path, char comp[4][256], int k)
{
	char buf[4096];
	int n = 0;
	size_t len;

	snprintf(buf, sizeof(buf), "%s", path);
	len = strlen(buf);
	while (len > 1 && buf[len - 1] == '/')
		buf[--len] = '\0';
	while (n < k && len > 0) {
		char *s = strrchr(buf, '/');
		const char *c = s != NULL ? s + 1 : buf;

		if (*c == '\0' || strcmp(c, ".") == 0)
			break;
		snprintf(comp[n++], 256, "%s", c);
		if (s == NULL)
			break;
		*s = '\0';
		len = strlen(buf);
	}
	return n;
}

int
wxf_pcbackup_probe(const char *folder, char layout[16], char source[16], char *account,
    size_t account_n)
{
	DIR *d = opendir(folder);
	struct dirent *de;
	int have_db = 0, have_bak = 0;
	char comp[4][256];
	int n;
	char real[4096];

	if (layout)
		snprintf(layout, 16, "folder");
	if (source)
		source[0] = '\0';
	if (account && account_n)
		account[0] = '\0';
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		int k = file_kind(de->d_name);

		if (k == FK_DB)
			have_db = 1;
		else if (k == FK_TEXT || k == FK_MEDIA)
			have_bak = 1;
	}
	closedir(d);
	if (!have_db && !have_bak)
		return 0;
	if (realpath(folder, real) == NULL)
		snprintf(real, sizeof(real), "%s", folder);
	n = path_tail(real, comp, 4);
	if (n >= 3 && strcmp(comp[1], "BackupFiles") == 0 &&
	    (strncmp(comp[0], "android_", 8) == 0 || strncmp(comp[0], "iphone_", 7) == 0)) {
		const char *u = strchr(comp[0], '_');

		if (layout)
			snprintf(layout, 16, "windows");
		if (source)
			snprintf(source, 16, "%.*s", (int)(u - comp[0]), comp[0]);
		if (account && account_n)
			snprintf(account, account_n, "%s", comp[2]);
	} else if (n >= 3 && is_uuid(comp[0]) && strlen(comp[1]) == 32 && all_hex(comp[1], 32) &&
	    strcmp(comp[2], "Backup") == 0) {
		if (layout)
			snprintf(layout, 16, "macos");
		if (account && account_n)
			snprintf(account, account_n, "%s", comp[1]);
	}
	return 1;
}

static int
cmp_file(const void *a, const void *b)
{
	const wxf_pcbackup_file *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static int
inventory(ctx *c, const char *folder, wxf_err *err)
{
	wxf_pcbackup_result *r = c->res;
	size_t cap = 0;
	DIR *d = opendir(folder);
	struct dirent *de;

	if (d == NULL)
		return wxf_err_set(err, WXF_EIO, "%s: %s", folder, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		int k = file_kind(de->d_name);
		wxf_pcbackup_file *f;
		struct stat st;
		char *path;

		if (k < 0)
			continue;
		path = wxf_path_join(folder, de->d_name);
		if (path == NULL || lstat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		if (wxf_grow((void **)&r->files, &cap, r->n_files + 1, sizeof(*r->files)) < 0) {
			free(path);
			closedir(d);
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
		}
		f = &r->files[r->n_files++];
		memset(f, 0, sizeof(*f));
		f->name = strdup(de->d_name);
		f->path = path;
		f->kind = k;
		f->size = (uint64_t)st.st_size;
		if (f->name == NULL) {
			closedir(d);
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
		}
	}
	closedir(d);
	qsort(r->files, r->n_files, sizeof(*r->files), cmp_file);
	for (size_t i = 0; i < r->n_files; i++) {
		wxf_hashes h;
		wxf_err e;

		wxf_err_clear(&e);
		if (wxf_hash_file(r->files[i].path, &h, &e) == WXF_OK) {
			memcpy(r->files[i].sha256, h.sha256, sizeof(h.sha256));
			r->files[i].size = h.size;
		} else {
			warn(c, "backup-file-unreadable", NULL, "%s: %s", r->files[i].name, e.msg);
		}
	}
	return WXF_OK;
}

/* Index of the inventoried file named exactly `name` (no directory part) of kind k, or -1. */
static int
find_file(const ctx *c, const char *name, int k)
{
	if (name == NULL || strchr(name, '/') != NULL || strchr(name, '\\') != NULL)
		return -1;
	for (size_t i = 0; i < c->res->n_files; i++)
		if (c->res->files[i].kind == k && strcmp(c->res->files[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int
fd_of(ctx *c, int f)
{
	if (c->fds[f] < 0)
		c->fds[f] = open(c->res->files[f].path, O_RDONLY | O_CLOEXEC);
	return c->fds[f];
}

/* PKCS#7: the padding length (1..16) of the last block, or 0 if invalid. */
static size_t
pkcs7_len(const uint8_t *p, size_t n)
{
	uint8_t k;

	if (n < 16 || n % 16 != 0)
		return 0;
	k = p[n - 1];
	if (k == 0 || k > 16)
		return 0;
	for (size_t i = 1; i <= k; i++)
		if (p[n - i] != k)
			return 0;
	return k;
}

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
			warn(c, "backup-table-missing", NULL, "Backup.db has no %s table", table);
		return WXF_OK;
	}
	for (int i = 0; i < n_cols && i < 12; i++)
		a.col[i] = cols[i] != NULL ? wxf_sqlite_col(a.t, cols[i]) : -1;
	wxf_err_clear(&e);
	rc = wxf_sqlite_scan(db, a.t, cb, &a, &e);
	if (c->oom)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	if (e.code != WXF_OK)
		warn(c, "backup-db-corrupt", NULL, "%s: %s", table, e.msg);
	(void)rc;
	return WXF_OK;
}

/* ------------------------------------------------------------------ protobuf messages */

int
wxf_pcbackup_msglist(const uint8_t *data, size_t n,
    int (*item)(void *arg, size_t index, size_t off, size_t len), void *arg, int64_t *declared,
    wxf_err *err)
{
	wxf_cur c = wxf_cur_make(data, n);
	wxf_pb_field f;
	size_t k = 0;
	int r;

	if (declared)
		*declared = -1;
	while ((r = wxf_pb_next(&c, &f, err)) == 1) {
		if (f.num == 1 && f.wire == WXF_PB_VARINT && declared)
			*declared = f.v > INT64_MAX ? INT64_MAX : (int64_t)f.v;
		else if (f.num == 2 && f.wire == WXF_PB_LEN) {
			if (k >= WXF_PCB_MAX_ITEMS)
				return WXF_CORRUPT(err, -1, (int64_t)f.pos, "more than %d items",
				    WXF_PCB_MAX_ITEMS);
			if (item != NULL && item(arg, k, (size_t)(f.p - data), f.n) != 0)
				return (int)k + 1;
			k++;
		}
	}
	if (r < 0)
		return r;
	return k > INT32_MAX ? INT32_MAX : (int)k;
}

static int64_t
i64(uint64_t v)
{
	return (int64_t)v;
}

int
wxf_bak_item_decode(const uint8_t *data, size_t n, wxf_bak_item *it, wxf_err *err)
{
	wxf_cur c = wxf_cur_make(data, n);
	wxf_pb_field f;
	int r;

	memset(it, 0, sizeof(*it));
	it->type = it->msg_status = it->client_msg_time = it->msg_id = WXF_INT_UNKNOWN;
	it->media_id_count = it->buffer_len = it->buffer_length = it->buffer_type = WXF_INT_UNKNOWN;
	it->sequent_id = it->client_msg_mill_time = it->msg_flag = WXF_INT_UNKNOWN;
	while ((r = wxf_pb_next(&c, &f, err)) == 1) {
		const uint8_t *p = NULL;
		size_t pn = 0;
		int isv = f.wire == WXF_PB_VARINT, isl = f.wire == WXF_PB_LEN;

		if (f.num >= 1 && f.num <= 19 && (isv || isl))
			it->present |= 1u << f.num;
		switch (f.num) {
		case 1: if (isv) it->type = i64(f.v); break;
		case 2: if (isl) it->client_msg_id = f.p, it->client_msg_id_n = f.n; break;
		case 3: if (wxf_pb_wrapped_str(&f, &p, &pn)) it->from = p, it->from_n = pn; break;
		case 4: if (wxf_pb_wrapped_str(&f, &p, &pn)) it->to = p, it->to_n = pn; break;
		case 5: if (wxf_pb_wrapped_str(&f, &p, &pn)) it->content = p, it->content_n = pn; break;
		case 6: if (isv) it->msg_status = i64(f.v); break;
		case 7: if (isv) it->client_msg_time = i64(f.v); break;
		case 8: if (isl) it->msg_source = f.p, it->msg_source_n = f.n; break;
		case 9: if (isv) it->msg_id = i64(f.v); break;
		case 10: if (isv) it->media_id_count = i64(f.v); break;
		case 11:
			if (wxf_pb_wrapped_str(&f, &p, &pn) && it->n_media_id < 16) {
				it->media_id[it->n_media_id] = p;
				it->media_id_n[it->n_media_id++] = pn;
			}
			break;
		case 12: {
			wxf_pb_field g;

			if (isl && it->n_media_type < 16 && wxf_pb_find(f.p, f.n, 1, 0, &g) == 1 &&
			    g.wire == WXF_PB_VARINT)
				it->media_type[it->n_media_type++] = i64(g.v);
			break;
		}
		case 13: {
			wxf_pb_field g;

			if (!isl)
				break;
			if (wxf_pb_find(f.p, f.n, 1, 0, &g) == 1 && g.wire == WXF_PB_VARINT)
				it->buffer_len = i64(g.v);
			if (wxf_pb_find(f.p, f.n, 2, 0, &g) == 1 && g.wire == WXF_PB_LEN)
				it->buffer = g.p, it->buffer_n = g.n;
			break;
		}
		case 14: if (isv) it->buffer_length = i64(f.v); break;
		case 15: if (isv) it->buffer_type = i64(f.v); break;
		case 16: if (isv) it->new_msg_id = f.v; break;
		case 17: if (isv) it->sequent_id = i64(f.v); break;
		case 18: if (isv) it->client_msg_mill_time = i64(f.v); break;
		case 19: if (isv) it->msg_flag = i64(f.v); break;
		default: it->n_unknown++; break;
		}
	}
	return r < 0 ? r : WXF_OK;
}

static const char *
mstrn(wxf_model *m, const uint8_t *p, size_t n)
{
	return p != NULL ? wxf_model_strndup(m, (const char *)p, n) : NULL;
}

static int
kv_int(wxf_model *m, wxf_msg *msg, const char *k, int64_t v)
{
	char b[32];

	if (v == WXF_INT_UNKNOWN)
		return WXF_OK;
	snprintf(b, sizeof(b), "%" PRId64, v);
	return wxf_kvs_add(m, &msg->fields, k, b);
}

static int
kv_str(wxf_model *m, wxf_msg *msg, const char *k, const uint8_t *p, size_t n)
{
	const char *s;

	if (p == NULL)
		return WXF_OK;
	s = wxf_model_strndup(m, (const char *)p, n);
	return s == NULL ? WXF_ENOMEM : wxf_kvs_add(m, &msg->fields, k, s);
}

/* Copies the decoded view of a first copy onto a repeated copy (no payment re-linking). */
static void
copy_decoded(wxf_msg *d, const wxf_msg *s)
{
	d->base_type = s->base_type;
	d->kind = s->kind;
	d->app_type = s->app_type;
	d->dir = s->dir;
	d->sender = s->sender;
	d->sender_src = s->sender_src;
	d->body = s->body;
	d->content = s->content;
	d->payload = s->payload;
	d->title = s->title, d->desc = s->desc, d->url = s->url;
	d->app_id = s->app_id, d->app_name = s->app_name, d->source_name = s->source_name;
	d->file_name = s->file_name, d->file_ext = s->file_ext, d->file_size = s->file_size;
	d->emoji_md5 = s->emoji_md5;
	d->loc = s->loc;
	d->card_username = s->card_username, d->card_nickname = s->card_nickname;
	d->card_alias = s->card_alias;
	d->quote_svrid = s->quote_svrid, d->quote_from = s->quote_from, d->quote_text = s->quote_text;
	d->is_recall = s->is_recall, d->recall_text = s->recall_text;
	d->recall_target_svrid = s->recall_target_svrid;
}

static int
same_bytes(const char *a, const uint8_t *p, size_t n)
{
	if (a == NULL || p == NULL)
		return a == NULL && p == NULL;
	return strlen(a) == n && memcmp(a, p, n) == 0;
}

static int
str_eq(const uint8_t *p, size_t n, const char *s)
{
	return p != NULL && s != NULL && strlen(s) == n && memcmp(p, s, n) == 0;
}

/* One BakChatMsgItem → one message. */
static int
add_item(void *arg, size_t index, size_t off, size_t len)
{
	ctx *c = arg;
	wxf_model *m = c->m;
	wxf_pcbackup_result *r = c->res;
	wxf_bak_item it;
	wxf_prov p;
	wxf_msg *msg, *first = NULL;
	wxf_err e;
	int is_new = 0, rc;
	char svr[24] = "";
	const char *talker = c->cur_talker;

	wxf_err_clear(&e);
	memset(&p, 0, sizeof(p));
	p.file = r->files[c->cur_file].path;
	p.table = "BakChatMsgItem";
	p.rowid = c->cur_orphan ? INT64_MIN : c->cur_seg_id;
	p.frame = index + 1 > UINT32_MAX ? UINT32_MAX : (uint32_t)(index + 1);
	p.offset = c->cur_seg_off + off;
	p.length = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	p.origin = WXF_ORIGIN_BACKUP;
	p.status = WXF_STATUS_INTACT;
	p.confidence = c->cur_orphan ? 90 : 100;

	rc = wxf_bak_item_decode(c->cur_data + off, len, &it, &e);
	if (rc != WXF_OK) {
		r->n_items_bad++;
		warn(c, "backup-item-corrupt", &p, "%s segment %" PRId64 " item %zu: %s",
		    r->files[c->cur_file].name, c->cur_seg_id, index + 1, e.msg);
		if (it.present == 0)
			return 0;
	}
	if (it.new_msg_id != 0)
		snprintf(svr, sizeof(svr), "%" PRIu64, it.new_msg_id);
	if (talker == NULL) {
		/* no index row: the peer is the side that is not the owner, a group wins */
		if (it.to != NULL && memmem(it.to, it.to_n, "@chatroom", 9) != NULL)
			talker = mstrn(m, it.to, it.to_n);
		else if (it.from != NULL && memmem(it.from, it.from_n, "@chatroom", 9) != NULL)
			talker = mstrn(m, it.from, it.from_n);
		else if (c->owner != NULL && str_eq(it.from, it.from_n, c->owner))
			talker = mstrn(m, it.to, it.to_n);
		else
			talker = mstrn(m, it.from, it.from_n);
	}
	msg = wxf_model_new_msg(m, WXF_PLAT_BACKUP, "BakChatMsgItem", &p, &is_new);
	if (msg == NULL)
		return c->oom = 1;
	if (!is_new)
		return 0;
	r->n_messages++;
	if (c->cur_orphan)
		r->n_messages_orphan++;
	msg->local_id = it.msg_id;
	msg->server_id = svr[0] ? wxf_model_strdup(m, svr) : NULL;
	msg->raw_type = it.type;
	msg->time_ms = it.client_msg_mill_time != WXF_INT_UNKNOWN && it.client_msg_mill_time > 0 ?
	    it.client_msg_mill_time :
	    it.client_msg_time != WXF_INT_UNKNOWN && it.client_msg_time > 0 &&
		it.client_msg_time < INT64_MAX / 1000 ? it.client_msg_time * 1000 : WXF_TIME_UNKNOWN;
	msg->status = it.msg_status;
	msg->talker = talker;
	if (c->owner != NULL && it.from != NULL)
		msg->is_send = str_eq(it.from, it.from_n, c->owner) ? 1 : 0;
	else
		msg->is_send = WXF_INT_UNKNOWN;

	/* all 19 fields, verbatim */
	if (kv_str(m, msg, "bak.clientMsgId", it.client_msg_id, it.client_msg_id_n) ||
	    kv_str(m, msg, "bak.fromUserName", it.from, it.from_n) ||
	    kv_str(m, msg, "bak.toUserName", it.to, it.to_n) ||
	    kv_int(m, msg, "bak.type", it.type) ||
	    kv_int(m, msg, "bak.msgStatus", it.msg_status) ||
	    kv_int(m, msg, "bak.clientMsgTime", it.client_msg_time) ||
	    kv_str(m, msg, "bak.msgSource", it.msg_source, it.msg_source_n) ||
	    kv_int(m, msg, "bak.msgId", it.msg_id) ||
	    kv_int(m, msg, "bak.mediaIdCount", it.media_id_count) ||
	    kv_int(m, msg, "bak.buffer.len", it.buffer_len) ||
	    kv_int(m, msg, "bak.bufferLength", it.buffer_length) ||
	    kv_int(m, msg, "bak.bufferType", it.buffer_type) ||
	    kv_str(m, msg, "bak.newMsgId", (const uint8_t *)svr, svr[0] ? strlen(svr) : 0) ||
	    kv_int(m, msg, "bak.sequentId", it.sequent_id) ||
	    kv_int(m, msg, "bak.clientMsgMillTime", it.client_msg_mill_time) ||
	    kv_int(m, msg, "bak.msgFlag", it.msg_flag))
		return c->oom = 1;
	for (size_t i = 0; i < it.n_media_id; i++)
		if (kv_str(m, msg, "bak.mediaId", it.media_id[i], it.media_id_n[i]))
			return c->oom = 1;
	for (size_t i = 0; i < it.n_media_type; i++)
		if (kv_int(m, msg, "bak.mediaType", it.media_type[i]))
			return c->oom = 1;
	if (it.buffer != NULL && it.buffer_n > 0) {
		char h[65];

		wxf_sha256_hex(it.buffer, it.buffer_n, h);
		if (kv_int(m, msg, "bak.buffer.bytes", (int64_t)it.buffer_n) ||
		    wxf_kvs_add(m, &msg->fields, "bak.buffer.sha256", h))
			return c->oom = 1;
	}
	if (it.n_unknown > 0 && kv_int(m, msg, "bak.unknownFields", (int64_t)it.n_unknown))
		return c->oom = 1;

	if (svr[0])
		first = wxf_strmap_get(&c->by_svr, svr);
	if (first != NULL && same_bytes(first->content, it.content, it.content_n)) {
		copy_decoded(msg, first);
		msg->duplicate_of = first->id;
		r->n_messages_duplicate++;
		c->cur_dup++;
	} else {
		if (wxf_wc_decode(m, msg, (const char *)it.content, it.content_n) != WXF_OK)
			return c->oom = 1;
		if (msg->sender == NULL && msg->is_send != 1 && it.from != NULL && it.from_n > 0 &&
		    !str_eq(it.from, it.from_n, msg->talker) && msg->dir != WXF_DIR_SYSTEM) {
			msg->sender = mstrn(m, it.from, it.from_n);
			msg->sender_src = WXF_SENDER_COLUMN;
		}
		if (first != NULL) {
			msg->duplicate_of = first->id;
			r->n_messages_duplicate++;
			c->cur_dup++;
			if (wxf_msg_warn(m, msg, "backup-duplicate-differs",
			    "server id %s appears again with different content", svr) != WXF_OK)
				return c->oom = 1;
		} else {
			c->cur_new++;
			if (svr[0] && (msg->server_id == NULL ||
			    wxf_strmap_put_new(&c->by_svr, msg->server_id, msg) < 0))
				return c->oom = 1;
		}
	}
	for (size_t i = 0; i < it.n_media_id; i++) {
		const char *ms = mstrn(m, it.media_id[i], it.media_id_n[i]);

		if (ms == NULL)
			return c->oom = 1;
		if (msg->duplicate_of == NULL && wxf_strmap_put_new(&c->by_mstr, ms, msg) < 0)
			return c->oom = 1;
		if (wxf_grow((void **)&c->refs, &c->cap_refs, c->n_refs + 1, sizeof(mref)) < 0)
			return c->oom = 1;
		c->refs[c->n_refs].msg = msg;
		c->refs[c->n_refs].mstr = ms;
		c->refs[c->n_refs++].linked = 0;
	}
	return 0;
}

/* Decrypts and decodes one text segment.  Returns 1 if it decoded (≥ 1 item, valid padding
 * when `strict`), 0 if not (warned unless strict), -1 on OOM. */
static int
read_segment(ctx *c, int f, uint64_t off, uint64_t len, int64_t seg_id, const char *talker,
    int orphan, const wxf_prov *where)
{
	wxf_pcbackup_result *r = c->res;
	uint8_t *buf;
	size_t pad, n;
	int64_t declared;
	int k, fd = fd_of(c, f);
	wxf_err e;

	if (fd < 0) {
		if (!orphan)
			warn(c, "backup-segment-unreadable", where, "%s: %s", r->files[f].name,
			    strerror(errno));
		return 0;
	}
	buf = malloc(len ? (size_t)len : 1);
	if (buf == NULL)
		return -1;
	if (wxf_pread_all(fd, buf, (size_t)len, off) != 0) {
		if (!orphan)
			warn(c, "backup-segment-truncated", where,
			    "%s segment %" PRId64 ": %" PRIu64 " bytes at %" PRIu64 " not in the file",
			    r->files[f].name, seg_id, len, off);
		free(buf);
		return 0;
	}
	if (wxf_aes128_ecb_decrypt(c->ecb, buf, (size_t)len) != WXF_OK) {
		free(buf);
		warn(c, "backup-crypto", where, "AES-128-ECB failed");
		return 0;
	}
	pad = pkcs7_len(buf, (size_t)len);
	if (pad == 0 && orphan) {
		free(buf);
		return 0;
	}
	if (pad == 0)
		warn(c, "backup-segment-padding", where,
		    "%s segment %" PRId64 ": PKCS#7 padding invalid (wrong key or damaged); "
		    "decoding the whole segment", r->files[f].name, seg_id);
	n = (size_t)len - pad;
	if (orphan && wxf_pb_validate(buf, n, WXF_PCB_MAX_ITEMS + 16) <= 0) {
		free(buf);
		return 0;
	}
	c->cur_file = f;
	c->cur_seg_off = off;
	c->cur_seg_id = seg_id;
	c->cur_talker = talker;
	c->cur_orphan = orphan;
	c->cur_data = buf;
	c->cur_new = c->cur_dup = 0;
	wxf_err_clear(&e);
	k = wxf_pcbackup_msglist(buf, n, add_item, c, &declared, &e);
	free(buf);
	c->cur_data = NULL;
	if (c->oom)
		return -1;
	if (k < 0) {
		warn(c, "backup-segment-corrupt", where, "%s segment %" PRId64 ": %s",
		    r->files[f].name, seg_id, e.msg);
		return c->cur_new + c->cur_dup > 0;
	}
	if (declared >= 0 && declared != k)
		warn(c, "backup-segment-count", where,
		    "%s segment %" PRId64 ": list says %" PRId64 " items, %d found",
		    r->files[f].name, seg_id, declared, k);
	if (k > 0 && c->cur_new == 0 && c->cur_dup > 0)
		r->n_segments_duplicate++;
	return k > 0;
}

/* ------------------------------------------------------------------ coverage and gaps */

static int
add_cov(ctx *c, int f, uint64_t off, uint64_t len)
{
	if (wxf_grow((void **)&c->cov, &c->cap_cov, c->n_cov + 1, sizeof(*c->cov)) < 0)
		return -1;
	c->cov[c->n_cov].file = f;
	c->cov[c->n_cov].off = off;
	c->cov[c->n_cov++].len = len;
	return 0;
}

static int
cmp_cov(const void *a, const void *b)
{
	const struct cov *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

static int
hash_range(ctx *c, int f, uint64_t off, uint64_t len, char out[65])
{
	wxf_hasher *h = wxf_hasher_new();
	uint8_t *buf = malloc(CHUNK);
	wxf_hashes hs;
	int fd = fd_of(c, f), rc = 0;

	out[0] = '\0';
	if (h == NULL || buf == NULL) {
		wxf_hasher_free(&h);
		free(buf);
		return -1;
	}
	while (len > 0 && fd >= 0) {
		size_t k = len < CHUNK ? (size_t)len : CHUNK;

		if (wxf_pread_all(fd, buf, k, off) != 0) {
			rc = 1;
			break;
		}
		wxf_hasher_update(h, buf, k);
		off += k;
		len -= k;
	}
	wxf_hasher_final(h, &hs);
	if (rc == 0 && fd >= 0)
		memcpy(out, hs.sha256, 65);
	wxf_hasher_free(&h);
	free(buf);
	return 0;
}

static int
add_region(ctx *c, int f, uint64_t off, uint64_t len, size_t n_msgs)
{
	wxf_pcbackup_result *r = c->res;
	wxf_pcbackup_region *g;
	size_t cap = r->n_regions;

	if (wxf_grow((void **)&r->regions, &cap, r->n_regions + 1, sizeof(*g)) < 0)
		return -1;
	/* wxf_grow() only reallocates past `cap`; keep it exact so the next call grows again */
	g = &r->regions[r->n_regions++];
	memset(g, 0, sizeof(*g));
	g->file = strdup(r->files[f].name);
	g->offset = off;
	g->length = len;
	g->n_messages = n_msgs;
	if (g->file == NULL || hash_range(c, f, off, len, g->sha256) < 0)
		return -1;
	r->files[f].unreferenced += len;
	return 0;
}

/* Walks the gaps of every BAK file of kind k; text gaps are tried as orphan segments. */
static int
gaps(ctx *c, int k)
{
	wxf_pcbackup_result *r = c->res;

	qsort(c->cov, c->n_cov, sizeof(*c->cov), cmp_cov);
	for (size_t f = 0; f < r->n_files; f++) {
		uint64_t pos = 0, size = r->files[f].size;
		size_t i;

		if (r->files[f].kind != k)
			continue;
		for (i = 0; i <= c->n_cov; i++) {
			uint64_t end;

			if (i < c->n_cov && c->cov[i].file != (int)f)
				continue;
			end = i < c->n_cov ? c->cov[i].off : size;
			if (end > pos) {
				uint64_t len = end - pos;
				size_t before = r->n_messages;
				wxf_prov where;
				int ok = 0;

				memset(&where, 0, sizeof(where));
				where.file = r->files[f].path;
				where.offset = pos;
				where.length = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
				where.origin = WXF_ORIGIN_BACKUP;
				where.status = WXF_STATUS_FRAGMENT;
				where.rowid = INT64_MIN;
				if (k == FK_TEXT && len % 16 == 0 && len <= WXF_PCB_MAX_SEGMENT && c->m) {
					ok = read_segment(c, (int)f, pos, len, -1, NULL, 1, &where);
					if (ok < 0)
						return -1;
				}
				if (add_region(c, (int)f, pos, len, r->n_messages - before) < 0)
					return -1;
				if (ok > 0) {
					r->n_segments_orphan++;
					warn(c, "backup-orphan-segment", &where,
					    "%s: %" PRIu64 " bytes at %" PRIu64 " no MsgSegments row "
					    "covers decode as a segment: %zu messages recovered",
					    r->files[f].name, len, pos, r->n_messages - before);
				} else {
					warn(c, "backup-unreferenced", &where,
					    "%s: %" PRIu64 " bytes at %" PRIu64 " are not covered by "
					    "any index row (kept, hashed)", r->files[f].name, len, pos);
				}
			}
			if (i < c->n_cov) {
				end = c->cov[i].off + c->cov[i].len;
				if (end > pos)
					pos = end;
			}
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ media */

static int
cmp_fseg(const void *a, const void *b)
{
	const fseg_row *x = a, *y = b;

	if (x->map_key != y->map_key)
		return x->map_key < y->map_key ? -1 : 1;
	if (x->inner != y->inner)
		return x->inner < y->inner ? -1 : 1;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

static const char *
mstr_of(const ctx *c, int64_t key, const mm_row **mm)
{
	*mm = NULL;
	for (size_t i = 0; i < c->n_mms; i++)
		if (c->mms[i].media_id == key) {
			*mm = &c->mms[i];
			break;
		}
	for (size_t i = 0; i < c->n_mstrs; i++)
		if (c->mstrs[i].rowid == key && c->mstrs[i].s != NULL)
			return c->mstrs[i].s;
	return *mm != NULL ? (*mm)->mstr : NULL;
}

/* Reassembles pieces[0..n) (one copy of one MapKey, sorted by InnerOffSet). */
static int
assemble(ctx *c, fseg_row **pc, size_t n, int copy, wxf_err *err)
{
	wxf_pcbackup_result *r = c->res;
	wxf_pcbackup_media *md;
	uint64_t total = (uint64_t)pc[0]->total, next = 0;
	size_t used = 0, cap = r->n_media;
	int complete, fd = -1, rc = WXF_OK;
	char *dir = NULL, *tmp = NULL, name[96];
	uint8_t *buf = NULL, head[4096];
	size_t head_n = 0;
	wxf_hasher *h = NULL;
	wxf_hashes hs;
	const mm_row *mm;
	const char *ms;
	int bad_pad = 0;

	/* which pieces tile [0, total) from 0 */
	while (used < n && (uint64_t)pc[used]->inner == next && (uint64_t)pc[used]->total == total) {
		next += (uint64_t)pc[used]->len;
		used++;
	}
	complete = next == total && used == n && total % 16 == 0;
	if (used == 0)
		return WXF_OK;   /* nothing starts at 0: reported by the caller's count */

	if (wxf_grow((void **)&r->media, &cap, r->n_media + 1, sizeof(*md)) < 0)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	md = &r->media[r->n_media++];
	memset(md, 0, sizeof(*md));
	md->map_key = pc[0]->map_key;
	md->copy = copy;
	md->total_len = total;
	md->n_pieces = used;
	md->n_pieces_skipped = n - used;
	md->md5_agrees = -1;
	md->first_file = r->files[pc[0]->file].name;
	md->first_offset = (uint64_t)pc[0]->off;
	ms = mstr_of(c, md->map_key, &mm);
	md->media_id_str = ms != NULL && c->m ? wxf_model_strdup(c->m, ms) : NULL;
	md->orphan = ms == NULL;

	dir = wxf_path_join(c->work_dir, "media");
	if (dir == NULL || wxf_mkdir_p(dir, err) != WXF_OK) {
		rc = dir == NULL ? wxf_err_set(err, WXF_ENOMEM, "out of memory") : WXF_EIO;
		goto out;
	}
	if (copy == 0)
		snprintf(name, sizeof(name), "%s%" PRId64 ".part", md->orphan ? "orphan-" : "", md->map_key);
	else
		snprintf(name, sizeof(name), "%s%" PRId64 ".copy%d.part", md->orphan ? "orphan-" : "",
		    md->map_key, copy);
	tmp = wxf_path_join(dir, name);
	buf = malloc(CHUNK);
	h = wxf_hasher_new();
	if (tmp == NULL || buf == NULL || h == NULL) {
		rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = wxf_err_set(err, WXF_EIO, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < used; i++) {
		uint64_t left = (uint64_t)pc[i]->len, pos = (uint64_t)pc[i]->off;
		int in = fd_of(c, pc[i]->file), last = complete && i + 1 == used;

		while (left > 0) {
			size_t k = left < CHUNK ? (size_t)left : CHUNK, w = k;

			if (in < 0 || wxf_pread_all(in, buf, k, pos) != 0 ||
			    wxf_aes128_ecb_decrypt(c->ecb, buf, k) != WXF_OK) {
				warn(c, "backup-media-unreadable", &pc[i]->prov,
				    "MapKey %" PRId64 ": piece at %" PRIu64 " of %s unreadable",
				    md->map_key, (uint64_t)pc[i]->off, r->files[pc[i]->file].name);
				complete = 0;
				left = 0;
				break;
			}
			if (last && k == left) {
				size_t p = pkcs7_len(buf, k);

				if (p == 0)
					bad_pad = 1;
				w = k - p;
			}
			if (wxf_write_all(fd, buf, w) != 0) {
				rc = wxf_err_set(err, WXF_EIO, "%s: %s", tmp, strerror(errno));
				goto out;
			}
			wxf_hasher_update(h, buf, w);
			if (head_n < sizeof(head)) {
				size_t t = sizeof(head) - head_n < w ? sizeof(head) - head_n : w;

				memcpy(head + head_n, buf, t);
				head_n += t;
			}
			left -= k;
			pos += k;
		}
	}
	if (bad_pad) {
		complete = 0;
		warn(c, "backup-media-padding", &pc[0]->prov,
		    "MapKey %" PRId64 ": last piece has invalid PKCS#7 padding (kept unpadded)",
		    md->map_key);
	}
	close(fd);
	fd = -1;
	wxf_hasher_final(h, &hs);
	memcpy(md->sha256, hs.sha256, 65);
	memcpy(md->md5, hs.md5, 33);
	md->size = hs.size;
	md->complete = complete;
	snprintf(md->magic, sizeof(md->magic), "%s", wxf_sniff(head, head_n));
	wxf_magic_buffer(c->magic, head, head_n, &md->description, NULL);
	{
		size_t tl = strlen(tmp);
		char *fin = malloc(tl + 16);

		if (fin == NULL) {
			rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
			goto out;
		}
		memcpy(fin, tmp, tl - 5); /* drop ".part" */
		snprintf(fin + tl - 5, 21, ".%s", complete ? wxf_sniff_ext(md->magic) : "partial");
		if (rename(tmp, fin) != 0) {
			free(fin);
			rc = wxf_err_set(err, WXF_EIO, "%s: %s", tmp, strerror(errno));
			goto out;
		}
		/* recorded under the bundle-relative name of the work folder */
		{
			char *rd = wxf_path_join(c->work_rec, "media");

			md->out_path = wxf_path_join(rd, wxf_path_base(fin));
			free(rd);
			free(fin);
		}
	}
	if (mm != NULL && mm->md5 != NULL && strlen(mm->md5) == 32)
		md->md5_agrees = strcasecmp(mm->md5, md->md5) == 0;
	if (complete)
		r->n_media_complete++;
	else
		warn(c, "backup-media-incomplete", &pc[0]->prov,
		    "MapKey %" PRId64 " copy %d: %" PRIu64 " of %" PRIu64 " encrypted bytes present "
		    "from 0 (%zu pieces, %zu after a gap not assembled)", md->map_key, copy, next,
		    total, used, n - used);
	if (copy > 0) {
		r->n_media_copies++;
		for (size_t i = 0; i + 1 < r->n_media; i++)
			if (r->media[i].map_key == md->map_key && r->media[i].copy == 0)
				md->identical = strcmp(r->media[i].sha256, md->sha256) == 0;
		warn(c, "backup-media-duplicate", &pc[0]->prov,
		    "MapKey %" PRId64 ": extra recovered copy %d (%s, %s) written to %s", md->map_key,
		    copy, complete ? "complete" : "incomplete",
		    md->identical ? "identical to copy 0" : "differs from copy 0", md->out_path);
	} else {
		r->n_media_objects++;
	}
	if (md->orphan) {
		r->n_media_orphan++;
		warn(c, "backup-media-orphan", &pc[0]->prov,
		    "MapKey %" PRId64 " copy %d: no MediaStr2ID/MsgMedia row names it (interrupted "
		    "backup?); written to %s", md->map_key, copy, md->out_path);
	}
out:
	if (fd >= 0)
		close(fd);
	if (rc != WXF_OK && tmp != NULL)
		unlink(tmp);
	wxf_hasher_free(&h);
	free(buf);
	free(tmp);
	free(dir);
	return rc;
}

static int
media(ctx *c, wxf_err *err)
{
	wxf_pcbackup_result *r = c->res;
	fseg_row **valid = NULL;
	size_t nv = 0;
	int rc = WXF_OK;

	for (size_t i = 0; i < c->n_fsegs; i++) {
		fseg_row *s = &c->fsegs[i];
		const char *why = NULL;

		s->file = find_file(c, s->file_name, FK_MEDIA);
		if (s->file < 0)
			why = "file name is not a BAK_n_MEDIA file of this folder";
		else if (s->map_key == WXF_INT_UNKNOWN)
			why = "no MapKey";
		else if (s->off < 0 || s->inner < 0 || s->len <= 0 || s->total <= 0)
			why = "negative or zero offset/length";
		else if ((uint64_t)s->total > WXF_PCB_MAX_OBJECT)
			why = "declared TotalLen beyond the limit";
		else if ((uint64_t)s->len > WXF_PCB_MAX_OBJECT)
			why = "declared Length beyond the limit";
		else if (s->len % 16 != 0 || s->inner % 16 != 0)
			why = "length or inner offset not a multiple of 16 (AES blocks)";
		else if ((uint64_t)s->inner + (uint64_t)s->len > (uint64_t)s->total)
			why = "piece ends beyond TotalLen";
		else if ((uint64_t)s->off > r->files[s->file].size ||
		    (uint64_t)s->len > r->files[s->file].size - (uint64_t)s->off)
			why = "piece beyond the end of the file";
		if (why != NULL) {
			r->n_file_segment_bad++;
			warn(c, "backup-media-row", &s->prov,
			    "MsgFileSegment rowid %" PRId64 " (MapKey %" PRId64 ", %s): %s",
			    s->prov.rowid, s->map_key, s->file_name ? s->file_name : "(null)", why);
			s->file = -1;   /* not trusted: its bytes stay "unreferenced" */
			continue;
		}
		if (add_cov(c, s->file, (uint64_t)s->off, (uint64_t)s->len) < 0)
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
		r->files[s->file].n_segments++;
	}
	valid = malloc((c->n_fsegs ? c->n_fsegs : 1) * sizeof(*valid));
	if (valid == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	qsort(c->fsegs, c->n_fsegs, sizeof(*c->fsegs), cmp_fseg);
	for (size_t i = 0; i < c->n_fsegs; i++)
		if (c->fsegs[i].file >= 0)
			valid[nv++] = &c->fsegs[i];
	/* copies: the k-th occurrence of (MapKey, InnerOffSet) belongs to copy k */
	for (size_t i = 0; i < nv; i++)
		valid[i]->copy = i > 0 && valid[i - 1]->map_key == valid[i]->map_key &&
		    valid[i - 1]->inner == valid[i]->inner ? valid[i - 1]->copy + 1 : 0;
	for (size_t i = 0; i < nv && rc == WXF_OK;) {
		size_t j = i;
		int maxc = 0;

		while (j < nv && valid[j]->map_key == valid[i]->map_key) {
			if (valid[j]->copy > maxc)
				maxc = valid[j]->copy;
			j++;
		}
		for (int cp = 0; cp <= maxc && rc == WXF_OK; cp++) {
			fseg_row *pc[4096];
			fseg_row **pp = pc;
			size_t k = 0;

			if (j - i > 4096) {
				pp = malloc((j - i) * sizeof(*pp));
				if (pp == NULL) {
					rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
					break;
				}
			}
			for (size_t t = i; t < j; t++)
				if (valid[t]->copy == cp)
					pp[k++] = valid[t];
			if (k > 0 && pp[0]->inner != 0)
				warn(c, "backup-media-incomplete", &pp[0]->prov,
				    "MapKey %" PRId64 " copy %d: no piece at inner offset 0 (%zu pieces "
				    "not assembled)", pp[0]->map_key, cp, k);
			else if (k > 0)
				rc = assemble(c, pp, k, cp, err);
			if (pp != pc)
				free(pp);
		}
		i = j;
	}
	free(valid);
	return rc;
}

static const char *
media_role(const wxf_msg *msg)
{
	switch (msg->kind) {
	case WXF_MK_IMAGE: return "image";
	case WXF_MK_VOICE: return "voice";
	case WXF_MK_VIDEO: return "video";
	case WXF_MK_FILE: return "file";
	case WXF_MK_STICKER: return "sticker";
	default: return "media";
	}
}

/* Links media objects to messages (MediaIdStr ↔ BakChatMsgItem.mediaId, else SvrId). */
static int
link_media(ctx *c)
{
	wxf_pcbackup_result *r = c->res;
	wxf_model *m = c->m;

	for (size_t i = 0; i < r->n_media; i++) {
		wxf_pcbackup_media *md = &r->media[i];
		wxf_msg *msg = md->media_id_str ? wxf_strmap_get(&c->by_mstr, md->media_id_str) : NULL;
		const mm_row *mm;
		wxf_media x;
		char src[96];

		mstr_of(c, md->map_key, &mm);
		if (msg == NULL && mm != NULL && mm->svr_id != 0) {
			char svr[24];

			snprintf(svr, sizeof(svr), "%" PRIu64, (uint64_t)mm->svr_id);
			msg = wxf_strmap_get(&c->by_svr, svr);
		}
		if (msg == NULL)
			continue;
		md->msg_id = msg->id;
		for (size_t k = 0; k < c->n_refs; k++)
			if (c->refs[k].mstr != NULL && md->media_id_str != NULL &&
			    strcmp(c->refs[k].mstr, md->media_id_str) == 0)
				c->refs[k].linked = 1;
		memset(&x, 0, sizeof(x));
		x.role = media_role(msg);
		x.expected = md->media_id_str;
		x.path = md->out_path;
		x.state = WXF_MEDIA_PRESENT;
		memcpy(x.sha256, md->sha256, 65);
		x.size = (int64_t)md->size;
		x.magic = md->magic;
		snprintf(src, sizeof(src), md->copy ? "MsgFileSegment copy %d (extra recovered copy)%s" :
		    "MsgFileSegment%.0d%s", md->copy, md->complete ? "" : ", incomplete");
		x.source = wxf_model_strdup(m, src);
		memset(&x.prov, 0, sizeof(x.prov));
		x.prov.file = r->files[find_file(c, md->first_file, FK_MEDIA)].path;
		x.prov.table = "MsgFileSegment";
		x.prov.rowid = md->map_key;
		x.prov.offset = md->first_offset;
		x.prov.length = md->total_len > UINT32_MAX ? UINT32_MAX : (uint32_t)md->total_len;
		x.prov.origin = WXF_ORIGIN_BACKUP;
		x.prov.status = md->complete ? WXF_STATUS_INTACT : WXF_STATUS_PARTIALLY_RECOVERED;
		x.prov.confidence = 100;
		if (wxf_msg_add_media(m, msg, &x) != WXF_OK)
			return -1;
		if (md->copy == 0)
			r->n_media_linked++;
	}
	for (size_t k = 0; k < c->n_refs; k++) {
		wxf_media x;

		if (c->refs[k].linked || c->refs[k].msg->duplicate_of != NULL)
			continue;
		memset(&x, 0, sizeof(x));
		x.role = media_role(c->refs[k].msg);
		x.expected = c->refs[k].mstr;
		x.state = WXF_MEDIA_MISSING;
		x.size = -1;
		x.source = "BakChatMsgItem.mediaId";
		x.prov = c->refs[k].msg->prov;
		if (wxf_msg_add_media(m, c->refs[k].msg, &x) != WXF_OK)
			return -1;
		r->n_media_missing++;
	}
	return 0;
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

static void
device(ctx *c)
{
	wxf_pcbackup_device *d = &c->res->device;
	wxf_pb_field f;

	d->start_time_s = d->end_time_s = WXF_INT_UNKNOWN;
	if (c->config == NULL)
		return;
	if (wxf_pb_validate(c->config, c->config_n, 4096) < 0)
		warn(c, "backup-config-corrupt", NULL,
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

/* ------------------------------------------------------------------ text */

static int
cmp_seg(const void *a, const void *b)
{
	const seg_row *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->seg_id < y->seg_id ? -1 : x->seg_id > y->seg_id;
}

static const char *
name_of(const ctx *c, int64_t talker_id)
{
	for (size_t i = 0; i < c->n_names; i++)
		if (c->names[i].rowid == talker_id)
			return c->names[i].s;
	return NULL;
}

static int
text(ctx *c, wxf_err *err)
{
	wxf_pcbackup_result *r = c->res;

	for (size_t i = 0; i < c->n_segs; i++) {
		seg_row *s = &c->segs[i];
		const char *base = NULL, *why = NULL;

		if (s->file_path != NULL) {
			/* FilePath may carry a directory (Windows or relative): only a plain
			 * BAK_n_TEXT name of this folder is accepted, never a path */
			base = s->file_path;
			if (strstr(base, "..") != NULL)
				base = NULL;
			else if (strrchr(base, '/') || strrchr(base, '\\')) {
				const char *a = strrchr(base, '/'), *b = strrchr(base, '\\');

				base = (a > b ? a : b) + 1;
			}
		}
		s->file = find_file(c, base, FK_TEXT);
		if (s->file < 0)
			why = "FilePath is not a BAK_n_TEXT file of this folder";
		else if (s->off < 0 || s->len <= 0)
			why = "negative or zero offset/length";
		else if ((uint64_t)s->len > WXF_PCB_MAX_SEGMENT)
			why = "Length beyond the segment limit";
		else if (s->len % 16 != 0)
			why = "Length not a multiple of 16 (AES blocks)";
		else if ((uint64_t)s->off > r->files[s->file].size ||
		    (uint64_t)s->len > r->files[s->file].size - (uint64_t)s->off)
			why = "segment beyond the end of the file (truncated backup?)";
		if (why != NULL) {
			r->n_segments_bad++;
			warn(c, "backup-segment-row", &s->prov,
			    "MsgSegments SegmentId %" PRId64 " (%s, offset %" PRId64 ", length %" PRId64
			    "): %s", s->seg_id, s->file_path ? s->file_path : "(null)", s->off, s->len,
			    why);
			s->file = -1;
		}
	}
	qsort(c->segs, c->n_segs, sizeof(*c->segs), cmp_seg);
	for (size_t i = 0; i < c->n_segs; i++) {
		seg_row *s = &c->segs[i];
		const char *talker;
		int k;

		if (s->file < 0)
			continue;
		talker = s->usr != NULL && s->usr[0] ? s->usr : name_of(c, s->talker_id);
		if (s->usr != NULL && s->usr[0] && s->talker_id != WXF_INT_UNKNOWN) {
			const char *n = name_of(c, s->talker_id);

			if (n != NULL && strcmp(n, s->usr) != 0)
				warn(c, "backup-talker-mismatch", &s->prov,
				    "SegmentId %" PRId64 ": UsrName %s but Name2ID[%" PRId64 "] = %s",
				    s->seg_id, s->usr, s->talker_id, n);
		}
		talker = talker != NULL ? wxf_model_strdup(c->m, talker) : NULL;
		if (add_cov(c, s->file, (uint64_t)s->off, (uint64_t)s->len) < 0)
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
		r->files[s->file].n_segments++;
		k = read_segment(c, s->file, (uint64_t)s->off, (uint64_t)s->len, s->seg_id, talker, 0,
		    &s->prov);
		if (k < 0)
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
		if (k > 0)
			r->n_segments_read++;
		else
			r->n_segments_bad++;
	}
	if (gaps(c, FK_TEXT) < 0)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	c->n_cov = 0;
	return WXF_OK;
}

/* ------------------------------------------------------------------ model basics */

static int
sessions(ctx *c)
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

/* ------------------------------------------------------------------ the reader */

static int
valid_key(const char *k)
{
	size_t n = k != NULL ? strlen(k) : 0;

	return n == 32 && all_hex(k, 32);
}

int
wxf_pcbackup_read(wxf_model *m, const char *folder, const char *key_hex, const char *work_dir,
    wxf_pcbackup_result *res, wxf_err *err)
{
	wxf_pcbackup_opts o;

	memset(&o, 0, sizeof(o));
	o.key_hex = key_hex;
	o.work_dir = work_dir;
	return wxf_pcbackup_read_opts(m, folder, &o, res, err);
}

int
wxf_pcbackup_read_opts(wxf_model *m, const char *folder, const wxf_pcbackup_opts *o,
    wxf_pcbackup_result *res, wxf_err *err)
{
	const char *key_hex = o->key_hex, *work_dir = o->work_dir;
	char *image_abs = NULL;
	ctx c;
	char acct[256];
	int rc = WXF_OK;
	wxf_key k;
	wxf_map map;
	wxf_sqlite_db *db = NULL;
	const wxf_profile *prof = NULL;
	int db_idx = -1;

	memset(res, 0, sizeof(*res));
	memset(&c, 0, sizeof(c));
	memset(&k, 0, sizeof(k));
	memset(&map, 0, sizeof(map));
	c.m = m;
	c.res = res;
	c.work_dir = work_dir;
	c.work_rec = o->record_as != NULL ? o->record_as : work_dir;
	res->device.start_time_s = res->device.end_time_s = WXF_INT_UNKNOWN;
	res->folder = strdup(folder);
	if (res->folder == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	if (!wxf_pcbackup_probe(folder, res->layout, res->source, acct, sizeof(acct))) {
		res->status = WXF_PCB_NOT_BACKUP;
		return wxf_err_set(err, WXF_ENOTFOUND, "%s: no Backup.db or BAK_n_TEXT/MEDIA here",
		    folder);
	}
	if (acct[0] && (res->account = strdup(acct)) == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	/* (1) inventory */
	if ((rc = inventory(&c, folder, err)) != WXF_OK)
		goto done;
	res->status = WXF_PCB_KEY_REQUIRED;
	if (key_hex == NULL || m == NULL)
		goto done;
	res->key_given = 1;
	if (!valid_key(key_hex)) {
		rc = wxf_err_set(err, WXF_EUSAGE,
		    "backup key: 32 hexadecimal characters expected (the passphrase), got %zu",
		    strlen(key_hex));
		goto done;
	}
	if (work_dir == NULL || wxf_path_is_inside(work_dir, folder)) {
		rc = wxf_err_set(err, WXF_EUSAGE, "work directory must be given and lie outside the "
		    "evidence folder %s", folder);
		goto done;
	}
	for (size_t i = 0; i < res->n_files; i++)
		if (res->files[i].kind == FK_DB)
			db_idx = (int)i;
	if (db_idx < 0) {
		rc = wxf_err_set(err, WXF_ENOTFOUND, "%s: no Backup.db: the index is needed to read "
		    "BAK files", folder);
		res->status = WXF_PCB_FAILED;
		goto done;
	}
	c.db_path = res->files[db_idx].path;
	/* (2) key: page 1, then the shared path: physical decryption, witness, audit */
	if ((rc = wxf_key_from_text(&k, key_hex, WXF_KEY_PASSPHRASE, err)) != WXF_OK)
		goto done;
	k.source = WXF_KEYSRC_GIVEN;
	snprintf(k.how, sizeof(k.how), "examiner-supplied PC backup key (--backup-key)");
	rc = wxf_decrypt_verify_key(c.db_path, &k, "win3", &prof, err);
	if (rc == WXF_EKEY || rc == WXF_ECORRUPT) {
		res->status = WXF_PCB_KEY_WRONG;
		rc = wxf_err_wrap(err, WXF_EKEY, "%s: the backup key does not open Backup.db "
		    "(page-1 HMAC does not verify with SQLCipher 3 settings, page 4096)", folder);
		goto done;
	}
	if (rc != WXF_OK)
		goto done;
	res->key_ok = 1;
	wxf_profile_describe(prof, res->profile, sizeof(res->profile));
	if (wxf_mkdir_p(work_dir, err) != WXF_OK) {
		rc = WXF_EIO;
		goto done;
	}
	res->image = wxf_path_join(o->record_as != NULL ? o->record_as : work_dir, "Backup.db");
	image_abs = wxf_path_join(work_dir, "Backup.db");
	if (res->image == NULL || image_abs == NULL) {
		rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
		goto done;
	}
	{
		wxf_decrypt_db_opts o2;

		memset(&o2, 0, sizeof(o2));
		o2.record_as = res->image;
		o2.jobs = 1;
		o2.audit = o->audit;
		o2.reveal_key = o->reveal_key;
		res->dec.key = k;
		res->dec.n_tried = 1;
		rc = wxf_decrypt_db(c.db_path, image_abs, "win3", &o2, &res->dec, err);
		if (rc != WXF_OK && !res->dec.xcheck_ran) {
			res->status = WXF_PCB_FAILED;
			rc = wxf_err_wrap(err, rc, "Backup.db");
			goto done;
		}
		res->db_pages = res->dec.report.db.n_pages;
		res->db_bad_pages = res->dec.report.db.n_bad;
		if (res->dec.report.db.n_bad > 0)
			warn(&c, "backup-db-bad-pages", NULL, "Backup.db: %" PRIu64 " pages fail "
			    "their HMAC (decrypted and kept)", res->dec.report.db.n_bad);
		res->xcheck = res->dec.xcheck;
		if (rc != WXF_OK)
			warn(&c, "backup-crosscheck", NULL, "SQLCipher library witness: %s",
			    res->xcheck.sentence[0] ? res->xcheck.sentence : err->msg);
		rc = WXF_OK;
	}
	c.image_rel = wxf_model_strdup(m, res->image);
	c.db_path = wxf_model_strdup(m, c.db_path);
	/* (3) index */
	if ((rc = wxf_map_open(&map, image_abs, err)) != WXF_OK ||
	    (rc = wxf_sqlite_open(&db, map.data, map.size, err)) != WXF_OK) {
		res->status = WXF_PCB_FAILED;
		rc = wxf_err_wrap(err, rc, "Backup.db plaintext image");
		goto done;
	}
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

		if ((rc = scan_table(&c, db, "Session", sess, 4, cb_session, 1, err)) ||
		    (rc = scan_table(&c, db, "Name2ID", n2i, 1, cb_idrow, 1, err)) ||
		    (rc = scan_table(&c, db, "MsgSegments", seg, 8, cb_segment, 1, err)) ||
		    (rc = scan_table(&c, db, "MsgFileSegment", fs, 6, cb_fseg, 1, err)) ||
		    (rc = scan_table(&c, db, "MsgMedia", mm, 7, cb_media, 1, err)) ||
		    (rc = scan_table(&c, db, "MediaStr2ID", n2i, 1, cb_idrow, 1, err)) ||
		    (rc = scan_table(&c, db, "Config", cf, 2, cb_config, 0, err)))
			goto done;
	}
	res->n_sessions = c.n_sess;
	res->n_name2id = c.n_names;
	res->n_segment_rows = c.n_segs;
	res->n_file_segment_rows = c.n_fsegs;
	res->n_media_rows = c.n_mms;
	device(&c);
	if (c.oom)
		goto oom;
	/* owner: Config account id, else the Windows path */
	{
		const char *own = res->device.account_id && res->device.account_id[0] ?
		    res->device.account_id : res->layout[0] == 'w' ? res->account : NULL;
		wxf_prov p;

		memset(&p, 0, sizeof(p));
		p.file = c.db_path;
		p.image = c.image_rel;
		p.table = res->device.account_id ? "Config" : NULL;
		p.rowid = res->device.account_id ? 100000 : INT64_MIN;
		p.origin = WXF_ORIGIN_LIVE;
		p.confidence = 100;
		if (own != NULL) {
			if (wxf_model_set_owner(m, own, &p) == NULL)
				goto oom;
			c.owner = m->owner->username;
		}
		if (res->device.account_id && res->layout[0] == 'w' && res->account &&
		    strcmp(res->device.account_id, res->account) != 0)
			warn(&c, "backup-account-mismatch", &p, "Config says account %s, the folder "
			    "path says %s", res->device.account_id, res->account);
	}
	{
		wxf_source *s = wxf_model_add_source(m, c.db_path, "backup-index", WXF_PLAT_BACKUP,
		    c.owner);

		if (s == NULL)
			goto oom;
		s->image = c.image_rel;
		for (size_t i = 0; i < res->n_files; i++)
			if (res->files[i].kind != FK_DB && wxf_model_add_source(m,
			    wxf_model_strdup(m, res->files[i].path), res->files[i].kind == FK_TEXT ?
			    "backup-text" : "backup-media", WXF_PLAT_BACKUP, c.owner) == NULL)
				goto oom;
	}
	if (sessions(&c) < 0)
		goto oom;
	/* (4)(5) text, (6)(7) media */
	c.fds = malloc((res->n_files ? res->n_files : 1) * sizeof(int));
	if (c.fds == NULL || wxf_aes128_ecb_new(&c.ecb, (const uint8_t *)key_hex, err) != WXF_OK)
		goto oom;
	for (size_t i = 0; i < res->n_files; i++)
		c.fds[i] = -1;
	c.magic = wxf_magic_new();
	if ((rc = text(&c, err)) != WXF_OK)
		goto done;
	if ((rc = media(&c, err)) != WXF_OK)
		goto done;
	if (gaps(&c, FK_MEDIA) < 0)
		goto oom;
	if (link_media(&c) < 0 || c.oom)
		goto oom;
	res->n_media = res->n_media;
	res->status = WXF_PCB_READ;
	goto done;
oom:
	rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
done:
	wxf_key_clear(&k);
	free(image_abs);
	wxf_sqlite_close(&db);
	wxf_map_close(&map);
	wxf_aes128_ecb_free(&c.ecb);
	wxf_magic_free(&c.magic);
	for (size_t i = 0; c.fds != NULL && i < res->n_files; i++)
		if (c.fds[i] >= 0)
			close(c.fds[i]);
	free(c.fds);
	for (size_t i = 0; i < c.n_segs; i++)
		free(c.segs[i].usr), free(c.segs[i].file_path);
	free(c.segs);
	for (size_t i = 0; i < c.n_fsegs; i++)
		free(c.fsegs[i].file_name);
	free(c.fsegs);
	for (size_t i = 0; i < c.n_mms; i++)
		free(c.mms[i].md5), free(c.mms[i].talker), free(c.mms[i].mstr);
	free(c.mms);
	for (size_t i = 0; i < c.n_names; i++)
		free(c.names[i].s);
	free(c.names);
	for (size_t i = 0; i < c.n_mstrs; i++)
		free(c.mstrs[i].s);
	free(c.mstrs);
	for (size_t i = 0; i < c.n_sess; i++)
		free(c.sess[i].talker), free(c.sess[i].nick);
	free(c.sess);
	free(c.config);
	free(c.cov);
	free(c.refs);
	wxf_strmap_free(&c.by_svr);
	wxf_strmap_free(&c.by_mstr);
	if (rc == WXF_OK && c.oom)
		rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
	return rc;
}

void
wxf_pcbackup_result_free(wxf_pcbackup_result *res)
{
	if (res == NULL)
		return;
	free(res->folder);
	free(res->account);
	for (size_t i = 0; i < res->n_files; i++)
		free(res->files[i].name), free(res->files[i].path);
	free(res->files);
	free(res->image);
	wxf_decrypt_result_free(&res->dec);
	free(res->device.account_id), free(res->device.device_id);
	free(res->device.manufacturer), free(res->device.model), free(res->device.platform);
	free(res->device.os_version), free(res->device.client_version);
	for (size_t i = 0; i < res->n_media; i++)
		free(res->media[i].description), free(res->media[i].out_path);
	free(res->media);
	for (size_t i = 0; i < res->n_regions; i++)
		free(res->regions[i].file);
	free(res->regions);
	for (size_t i = 0; i < res->n_warnings; i++)
		free(res->warnings[i]);
	free(res->warnings);
	memset(res, 0, sizeof(*res));
}

/* ------------------------------------------------------------------ JSON */

char *
wxf_pcbackup_result_json(const wxf_pcbackup_result *r)
{
	wxf_buf b;

	wxf_buf_init(&b);
	wxf_buf_putc(&b, '{');
	wxf_buf_json_kstr(&b, "status", wxf_pcbackup_status_name(r->status));
	wxf_buf_json_kstr(&b, "folder", r->folder);
	wxf_buf_json_kstr(&b, "layout", r->layout);
	wxf_buf_json_kstr(&b, "source", r->source[0] ? r->source : NULL);
	wxf_buf_json_kstr(&b, "account", r->account);
	wxf_buf_json_kint(&b, "key_given", r->key_given);
	wxf_buf_json_kint(&b, "key_ok", r->key_ok);
	wxf_buf_json_kstr(&b, "profile", r->profile[0] ? r->profile : NULL);
	wxf_buf_json_kstr(&b, "image", r->image);
	wxf_buf_json_kuint(&b, "db_pages", r->db_pages);
	wxf_buf_json_kuint(&b, "db_bad_pages", r->db_bad_pages);
	wxf_buf_json_kstr(&b, "crosscheck", r->xcheck.sentence[0] ? r->xcheck.sentence : NULL);
	wxf_buf_json_key(&b, "files");
	wxf_buf_putc(&b, '[');
	for (size_t i = 0; i < r->n_files; i++) {
		const wxf_pcbackup_file *f = &r->files[i];

		wxf_buf_json_sep(&b);
		wxf_buf_putc(&b, '{');
		wxf_buf_json_kstr(&b, "name", f->name);
		wxf_buf_json_kstr(&b, "path", f->path);
		wxf_buf_json_kuint(&b, "size", f->size);
		wxf_buf_json_kstr(&b, "sha256", f->sha256[0] ? f->sha256 : NULL);
		wxf_buf_json_kuint(&b, "index_rows", f->n_segments);
		wxf_buf_json_kuint(&b, "unreferenced", f->unreferenced);
		wxf_buf_putc(&b, '}');
	}
	wxf_buf_putc(&b, ']');
	wxf_buf_json_key(&b, "device");
	wxf_buf_putc(&b, '{');
	wxf_buf_json_kstr(&b, "account_id", r->device.account_id);
	wxf_buf_json_kstr(&b, "device_id", r->device.device_id);
	wxf_buf_json_kstr(&b, "manufacturer", r->device.manufacturer);
	wxf_buf_json_kstr(&b, "model", r->device.model);
	wxf_buf_json_kstr(&b, "platform", r->device.platform);
	wxf_buf_json_kstr(&b, "os_version", r->device.os_version);
	wxf_buf_json_kstr(&b, "client_version", r->device.client_version);
	wxf_buf_json_kint(&b, "start_time_s", r->device.start_time_s);
	wxf_buf_json_kint(&b, "end_time_s", r->device.end_time_s);
	wxf_buf_putc(&b, '}');
	wxf_buf_json_key(&b, "counts");
	wxf_buf_putc(&b, '{');
	wxf_buf_json_kuint(&b, "sessions", r->n_sessions);
	wxf_buf_json_kuint(&b, "segment_rows", r->n_segment_rows);
	wxf_buf_json_kuint(&b, "segments_read", r->n_segments_read);
	wxf_buf_json_kuint(&b, "segments_bad", r->n_segments_bad);
	wxf_buf_json_kuint(&b, "segments_duplicate", r->n_segments_duplicate);
	wxf_buf_json_kuint(&b, "segments_orphan", r->n_segments_orphan);
	wxf_buf_json_kuint(&b, "messages", r->n_messages);
	wxf_buf_json_kuint(&b, "messages_duplicate", r->n_messages_duplicate);
	wxf_buf_json_kuint(&b, "messages_orphan", r->n_messages_orphan);
	wxf_buf_json_kuint(&b, "items_bad", r->n_items_bad);
	wxf_buf_json_kuint(&b, "file_segment_rows", r->n_file_segment_rows);
	wxf_buf_json_kuint(&b, "file_segment_bad", r->n_file_segment_bad);
	wxf_buf_json_kuint(&b, "media_objects", r->n_media_objects);
	wxf_buf_json_kuint(&b, "media_complete", r->n_media_complete);
	wxf_buf_json_kuint(&b, "media_copies", r->n_media_copies);
	wxf_buf_json_kuint(&b, "media_orphan", r->n_media_orphan);
	wxf_buf_json_kuint(&b, "media_linked", r->n_media_linked);
	wxf_buf_json_kuint(&b, "media_missing", r->n_media_missing);
	wxf_buf_putc(&b, '}');
	wxf_buf_json_key(&b, "media");
	wxf_buf_putc(&b, '[');
	for (size_t i = 0; i < r->n_media; i++) {
		const wxf_pcbackup_media *md = &r->media[i];

		wxf_buf_json_sep(&b);
		wxf_buf_putc(&b, '{');
		wxf_buf_json_kint(&b, "map_key", md->map_key);
		wxf_buf_json_kstr(&b, "media_id_str", md->media_id_str);
		wxf_buf_json_kint(&b, "copy", md->copy);
		wxf_buf_json_kint(&b, "orphan", md->orphan);
		wxf_buf_json_kint(&b, "complete", md->complete);
		wxf_buf_json_kint(&b, "identical", md->identical);
		wxf_buf_json_kuint(&b, "pieces", md->n_pieces);
		wxf_buf_json_kuint(&b, "pieces_skipped", md->n_pieces_skipped);
		wxf_buf_json_kuint(&b, "total_len", md->total_len);
		wxf_buf_json_kuint(&b, "size", md->size);
		wxf_buf_json_kint(&b, "md5_agrees", md->md5_agrees);
		wxf_buf_json_kstr(&b, "sha256", md->sha256);
		wxf_buf_json_kstr(&b, "magic", md->magic);
		wxf_buf_json_kstr(&b, "description", md->description);
		wxf_buf_json_kstr(&b, "path", md->out_path);
		wxf_buf_json_kstr(&b, "msg_id", md->msg_id);
		wxf_buf_putc(&b, '}');
	}
	wxf_buf_putc(&b, ']');
	wxf_buf_json_key(&b, "regions");
	wxf_buf_putc(&b, '[');
	for (size_t i = 0; i < r->n_regions; i++) {
		const wxf_pcbackup_region *g = &r->regions[i];

		wxf_buf_json_sep(&b);
		wxf_buf_putc(&b, '{');
		wxf_buf_json_kstr(&b, "file", g->file);
		wxf_buf_json_kuint(&b, "offset", g->offset);
		wxf_buf_json_kuint(&b, "length", g->length);
		wxf_buf_json_kuint(&b, "messages", g->n_messages);
		wxf_buf_json_kstr(&b, "sha256", g->sha256[0] ? g->sha256 : NULL);
		wxf_buf_putc(&b, '}');
	}
	wxf_buf_putc(&b, ']');
	wxf_buf_json_key(&b, "warnings");
	wxf_buf_putc(&b, '[');
	for (size_t i = 0; i < r->n_warnings; i++) {
		wxf_buf_json_sep(&b);
		wxf_buf_json_str(&b, r->warnings[i], strlen(r->warnings[i]));
	}
	wxf_buf_puts(&b, "]}");
	return wxf_buf_steal(&b);
}
