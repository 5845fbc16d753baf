/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PC backup reader, step (6): media.  MsgFileSegment rows grouped by MapKey, copies split by
 * repeated InnerOffSet, each copy streamed piece by piece into work_dir/media, hashed, typed
 * (base/wxf_sniff.h, libmagic) and linked to its message (MediaIdStr, else SvrId).
 */
#include "config.h"
#include "wechat/wc_backup_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/wxf_file.h"
#include "base/wxf_hash.h"
#include "base/wxf_mem.h"
#include "base/wxf_sniff.h"

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
	md->first_len = (uint64_t)pc[0]->len;
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
		int in = wxf_bak_fd(c, pc[i]->file), last = complete && i + 1 == used;

		while (left > 0) {
			size_t k = left < CHUNK ? (size_t)left : CHUNK, w = k;

			if (in < 0 || wxf_pread_all(in, buf, k, pos) != 0 ||
			    wxf_aes128_ecb_decrypt(c->ecb, buf, k) != WXF_OK) {
				wxf_bak_warn(c, "backup-media-unreadable", &pc[i]->prov,
				    "MapKey %" PRId64 ": piece at %" PRIu64 " of %s unreadable",
				    md->map_key, (uint64_t)pc[i]->off, r->files[pc[i]->file].name);
				complete = 0;
				left = 0;
				break;
			}
			if (last && k == left) {
				size_t p = wxf_bak_pkcs7_len(buf, k);

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
		wxf_bak_warn(c, "backup-media-padding", &pc[0]->prov,
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
		wxf_bak_warn(c, "backup-media-incomplete", &pc[0]->prov,
		    "MapKey %" PRId64 " copy %d: %" PRIu64 " of %" PRIu64 " encrypted bytes present "
		    "from 0 (%zu pieces, %zu after a gap not assembled)", md->map_key, copy, next,
		    total, used, n - used);
	if (copy > 0) {
		r->n_media_copies++;
		for (size_t i = 0; i + 1 < r->n_media; i++)
			if (r->media[i].map_key == md->map_key && r->media[i].copy == 0)
				md->identical = strcmp(r->media[i].sha256, md->sha256) == 0;
		wxf_bak_warn(c, "backup-media-duplicate", &pc[0]->prov,
		    "MapKey %" PRId64 ": extra recovered copy %d (%s, %s) written to %s", md->map_key,
		    copy, complete ? "complete" : "incomplete",
		    md->identical ? "identical to copy 0" : "differs from copy 0", md->out_path);
	} else {
		r->n_media_objects++;
	}
	if (md->orphan) {
		r->n_media_orphan++;
		wxf_bak_warn(c, "backup-media-orphan", &pc[0]->prov,
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

int
wxf_bak_media(ctx *c, wxf_err *err)
{
	wxf_pcbackup_result *r = c->res;
	fseg_row **valid = NULL;
	size_t nv = 0;
	int rc = WXF_OK;

	for (size_t i = 0; i < c->n_fsegs; i++) {
		fseg_row *s = &c->fsegs[i];
		const char *why = NULL;

		s->file = wxf_bak_find_file(c, s->file_name, FK_MEDIA);
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
			wxf_bak_warn(c, "backup-media-row", &s->prov,
			    "MsgFileSegment rowid %" PRId64 " (MapKey %" PRId64 ", %s): %s",
			    s->prov.rowid, s->map_key, s->file_name ? s->file_name : "(null)", why);
			s->file = -1;   /* not trusted: its bytes stay "unreferenced" */
			continue;
		}
		if (wxf_bak_add_cov(c, s->file, (uint64_t)s->off, (uint64_t)s->len) < 0)
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
				wxf_bak_warn(c, "backup-media-incomplete", &pp[0]->prov,
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
int
wxf_bak_link_media(ctx *c)
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
		x.prov.file = r->files[wxf_bak_find_file(c, md->first_file, FK_MEDIA)].shown;
		x.prov.table = "MsgFileSegment";
		x.prov.rowid = md->map_key;
		/* the bytes cited are the first piece's; the others are listed by MsgFileSegment */
		x.prov.offset = md->first_offset;
		x.prov.length = md->first_len > UINT32_MAX ? UINT32_MAX : (uint32_t)md->first_len;
		x.prov.origin = WXF_ORIGIN_BACKUP;
		x.prov.status = md->complete ? WXF_STATUS_INTACT : WXF_STATUS_PARTIALLY_RECOVERED;
		x.prov.confidence = 100;
		/* the file below the bundle was reassembled by the tool from the backup's pieces */
		x.derived_from = x.prov.file;
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

