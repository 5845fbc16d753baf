/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to the PC backup reader (wc_backup_read.c, wc_backup_index.c, wc_backup_text.c,
 * wc_backup_media.c): the reading context, the index rows, and the helpers the files share.
 * The public API and the rules (layout, crypto, provenance) are in wc_backup.h.
 */
#ifndef WXF_WECHAT_WC_BACKUP_INT_H
#define WXF_WECHAT_WC_BACKUP_INT_H

#include <stddef.h>
#include <stdint.h>

#include "base/wxf_strmap.h"
#include "decrypt/decrypt.h"
#include "intake/intake.h"
#include "sqlite/sqlite.h"
#include "wechat/wc_backup.h"

#define CHUNK ((size_t)1 << 20)   /* pread/decrypt unit for media pieces and region hashes */

enum { FK_DB = 0, FK_TEXT = 1, FK_MEDIA = 2, FK_OTHER = 3 };

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
	const char *record_in;           /* the folder's evidence path, or NULL */
	int *text_fds;                   /* per res->files: the plaintext image of a BAK_n_TEXT
	                                    (work_dir/text/<name>, segments at their offsets) */
	const char **text_images;        /* per res->files: its bundle-relative name, or NULL */
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
	wxf_prov config_prov;            /* the Config 100000 row's cell */
	/* coverage of BAK files by valid rows: [off, len, file] */
	struct cov { int file; uint64_t off, len; } *cov; size_t n_cov, cap_cov;
	/* messages */
	wxf_strmap by_svr;       /* server id → wxf_msg* (first copy); keys: model strings */
	wxf_strmap by_mstr;      /* MediaIdStr → wxf_msg* (first message naming it); same */
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

/* wc_backup_read.c: the context's helpers */

/* A warning: into res->warnings and, with a model, an anomaly at `where` (c->oom on failure). */
void wxf_bak_warn(ctx *c, const char *code, const wxf_prov *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int wxf_bak_find_file(const ctx *c, const char *name, int k);
int wxf_bak_fd(ctx *c, int f);
size_t wxf_bak_pkcs7_len(const uint8_t *p, size_t n);

/* wc_backup_index.c: (3) the index tables, Config 100000, the chat list */
int wxf_bak_index(ctx *c, wxf_sqlite_db *db, wxf_err *err);
void wxf_bak_device(ctx *c);
int wxf_bak_sessions(ctx *c);

/* wc_backup_text.c: (4) text segments, (5) and (7) bytes no row covers */
int wxf_bak_text(ctx *c, wxf_err *err);
int wxf_bak_add_cov(ctx *c, int f, uint64_t off, uint64_t len);
int wxf_bak_gaps(ctx *c, int k);

/* wc_backup_media.c: (6) media reassembly, typing and linking */
int wxf_bak_media(ctx *c, wxf_err *err);
int wxf_bak_link_media(ctx *c);

#endif
