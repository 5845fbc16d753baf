/* SPDX-License-Identifier: Apache-2.0 */
/*
 * WeChat PC "Backup & Restore" reader (layout, tables, crypto and provenance rules: wc_backup.h).
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
 *
 * Files: this one runs the steps and holds (1), (2), the context's helpers, the result and its
 * JSON; wc_backup_index.c (3), wc_backup_text.c (4) (5) and the byte coverage behind (7),
 * wc_backup_media.c (6); wc_backup_int.h is what they share.
 */
#include "config.h"
#include "wechat/wc_backup_int.h"

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
#include "base/wxf_mem.h"

const char *
wxf_pcbackup_status_name(wxf_pcbackup_status s)
{
	static const char *const n[] = { "not-a-backup", "key-required", "key-wrong", "read",
	    "failed" };
	return (unsigned)s <= WXF_PCB_FAILED ? n[s] : "unknown";
}

/* ------------------------------------------------------------------ context */

void
wxf_bak_warn(ctx *c, const char *code, const wxf_prov *where, const char *fmt, ...)
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
		f->shown = wxf_path_join(c->record_in != NULL ? c->record_in : folder, de->d_name);
		f->kind = k;
		f->size = (uint64_t)st.st_size;
		if (f->name == NULL || f->shown == NULL) {
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
		} else if (e.code == WXF_ENOMEM) {
			return wxf_err_set(err, WXF_ENOMEM, "%s", e.msg);
		} else {
			wxf_bak_warn(c, "backup-file-unreadable", NULL, "%s: %s", r->files[i].name, e.msg);
		}
	}
	return WXF_OK;
}

/* Index of the inventoried file named exactly `name` (no directory part) of kind k, or -1. */
int
wxf_bak_find_file(const ctx *c, const char *name, int k)
{
	if (name == NULL || strchr(name, '/') != NULL || strchr(name, '\\') != NULL)
		return -1;
	for (size_t i = 0; i < c->res->n_files; i++)
		if (c->res->files[i].kind == k && strcmp(c->res->files[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
wxf_bak_fd(ctx *c, int f)
{
	if (c->fds[f] < 0)
		c->fds[f] = wxf_open_ro(c->res->files[f].path, NULL, NULL);
	return c->fds[f];
}

/* PKCS#7: the padding length (1..16) of the last block, or 0 if invalid. */
size_t
wxf_bak_pkcs7_len(const uint8_t *p, size_t n)
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

/* The plaintext image of every BAK_n_TEXT: work_dir/text/<name>, as long as the evidence file,
 * each segment decrypted at its own offset (wxf_bak_text writes them), the rest zero.  The
 * provenance of a backup message cites it, so its bytes can be read back at the offsets the
 * bundle gives. */
static int
text_images(ctx *c, const char *work_dir, wxf_err *err)
{
	wxf_pcbackup_result *r = c->res;
	char *dir = wxf_path_join(work_dir, "text");
	int rc = WXF_OK;

	c->text_fds = malloc((r->n_files ? r->n_files : 1) * sizeof(int));
	c->text_images = calloc(r->n_files ? r->n_files : 1, sizeof(char *));
	if (dir == NULL || c->text_fds == NULL || c->text_images == NULL) {
		free(dir);
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < r->n_files; i++)
		c->text_fds[i] = -1;
	for (size_t i = 0; i < r->n_files && rc == WXF_OK; i++) {
		char *abs;

		if (r->files[i].kind != FK_TEXT)
			continue;
		if ((rc = wxf_mkdir_p(dir, err)) != WXF_OK)
			break;
		abs = wxf_path_join(dir, r->files[i].name);
		c->text_images[i] = wxf_model_printf(c->m, "%s/text/%s", c->work_rec, r->files[i].name);
		if (abs == NULL || c->text_images[i] == NULL) {
			free(abs);
			rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
			break;
		}
		c->text_fds[i] = open(abs, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (c->text_fds[i] < 0 || ftruncate(c->text_fds[i], (off_t)r->files[i].size) != 0)
			rc = wxf_err_set(err, WXF_EIO, "%s: %s", abs, strerror(errno));
		free(abs);
	}
	free(dir);
	return rc;
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
	c.record_in = o->record_in;
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
		o2.record_in = res->files[db_idx].shown;
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
			wxf_bak_warn(&c, "backup-db-bad-pages", NULL, "Backup.db: %" PRIu64 " pages fail "
			    "their HMAC (decrypted and kept)", res->dec.report.db.n_bad);
		res->xcheck = res->dec.xcheck;
		if (rc != WXF_OK)
			wxf_bak_warn(&c, "backup-crosscheck", NULL, "SQLCipher library witness: %s",
			    res->xcheck.sentence[0] ? res->xcheck.sentence : err->msg);
		rc = WXF_OK;
	}
	c.image_rel = wxf_model_strdup(m, res->image);
	c.db_path = wxf_model_strdup(m, res->files[db_idx].shown);
	/* (3) index */
	if ((rc = wxf_map_open(&map, image_abs, err)) != WXF_OK ||
	    (rc = wxf_sqlite_open(&db, map.data, map.size, err)) != WXF_OK) {
		res->status = WXF_PCB_FAILED;
		rc = wxf_err_wrap(err, rc, "Backup.db plaintext image");
		goto done;
	}
	if ((rc = wxf_bak_index(&c, db, err)) != WXF_OK)
		goto done;
	res->n_sessions = c.n_sess;
	res->n_name2id = c.n_names;
	res->n_segment_rows = c.n_segs;
	res->n_file_segment_rows = c.n_fsegs;
	res->n_media_rows = c.n_mms;
	wxf_bak_device(&c);
	if (c.oom)
		goto oom;
	/* owner: Config account id, else the Windows path */
	{
		const char *own = res->device.account_id && res->device.account_id[0] ?
		    res->device.account_id : res->layout[0] == 'w' ? res->account : NULL;
		wxf_prov p;

		memset(&p, 0, sizeof(p));
		if (res->device.account_id != NULL && c.config_prov.table != NULL) {
			/* the Config 100000 cell holds the account id (protobuf field 1) */
			p = c.config_prov;
		} else {
			/* from the folder's name only (WeChat Files/<wxid>/BackupFiles/...): no bytes
			 * of a file hold it */
			p.file = c.record_in != NULL ? c.record_in : folder;
			p.rowid = INT64_MIN;
			p.origin = WXF_ORIGIN_LIVE;
			p.confidence = 100;
		}
		if (own != NULL) {
			if (wxf_model_set_owner(m, own, &p) == NULL)
				goto oom;
			c.owner = m->owner->username;
		}
		if (res->device.account_id && res->layout[0] == 'w' && res->account &&
		    strcmp(res->device.account_id, res->account) != 0)
			wxf_bak_warn(&c, "backup-account-mismatch", &p, "Config says account %s, the folder "
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
			    wxf_model_strdup(m, res->files[i].shown), res->files[i].kind == FK_TEXT ?
			    "backup-text" : "backup-media", WXF_PLAT_BACKUP, c.owner) == NULL)
				goto oom;
	}
	if (wxf_bak_sessions(&c) < 0)
		goto oom;
	/* (4)(5) text, (6)(7) media */
	c.fds = malloc((res->n_files ? res->n_files : 1) * sizeof(int));
	if (c.fds == NULL || wxf_aes128_ecb_new(&c.ecb, (const uint8_t *)key_hex, err) != WXF_OK)
		goto oom;
	for (size_t i = 0; i < res->n_files; i++)
		c.fds[i] = -1;
	c.magic = wxf_magic_new();
	if ((rc = text_images(&c, work_dir, err)) != WXF_OK ||
	    (rc = wxf_bak_text(&c, err)) != WXF_OK)
		goto done;
	if ((rc = wxf_bak_media(&c, err)) != WXF_OK)
		goto done;
	if (wxf_bak_gaps(&c, FK_MEDIA) < 0)
		goto oom;
	if (wxf_bak_link_media(&c) < 0 || c.oom)
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
	for (size_t i = 0; c.text_fds != NULL && i < res->n_files; i++)
		if (c.text_fds[i] >= 0 && close(c.text_fds[i]) != 0 && rc == WXF_OK)
			rc = wxf_err_set(err, WXF_EIO, "%s: %s", c.text_images[i], strerror(errno));
	free(c.text_fds);
	free(c.text_images);
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
		free(res->files[i].name), free(res->files[i].path), free(res->files[i].shown);
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
		wxf_buf_json_kstr(&b, "path", f->shown);
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
