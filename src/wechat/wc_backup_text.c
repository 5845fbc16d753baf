/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PC backup reader, steps (4) and (5): text segments (MsgSegments rows) read, decrypted and
 * decoded into messages; the bytes of BAK files no index row covers, tried as orphan text
 * segments or listed with their hash (also for media, step (7)).
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
 */
#include "config.h"
#include "wechat/wc_backup_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/wxf_file.h"
#include "base/wxf_hash.h"
#include "base/wxf_mem.h"
#include "wechat/wc_msgdecode.h"
#include "wechat/wc_protobuf.h"

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
	return wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, k, b);
}

static int
kv_str(wxf_model *m, wxf_msg *msg, const char *k, const uint8_t *p, size_t n)
{
	const char *s;

	if (p == NULL)
		return WXF_OK;
	s = wxf_model_strndup(m, (const char *)p, n);
	return s == NULL ? WXF_ENOMEM : wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, k, s);
}

/* Copies the decoded view of a first copy onto a repeated copy (no payment re-linking). */
static void
copy_decoded(wxf_model *m, wxf_msg *d, const wxf_msg *s)
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
	d->is_recall = s->is_recall;
	if (s->x != &wxf_msg_x_none || d->x != &wxf_msg_x_none) {
		wxf_msg_x *x = wxf_msg_xw(m, d);

		x->title = s->x->title, x->desc = s->x->desc, x->url = s->x->url;
		x->app_id = s->x->app_id, x->app_name = s->x->app_name;
		x->source_name = s->x->source_name;
		x->file_name = s->x->file_name, x->file_ext = s->x->file_ext;
		x->file_size = s->x->file_size;
		x->emoji_md5 = s->x->emoji_md5;
		x->loc = s->x->loc;
		x->card_username = s->x->card_username, x->card_nickname = s->x->card_nickname;
		x->card_alias = s->x->card_alias;
		x->quote_svrid = s->x->quote_svrid, x->quote_from = s->x->quote_from;
		x->quote_text = s->x->quote_text;
		x->recall_text = s->x->recall_text;
		x->recall_target_svrid = s->x->recall_target_svrid;
	}
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
	p.file = r->files[c->cur_file].shown;
	p.image = c->text_images != NULL ? c->text_images[c->cur_file] : NULL;
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
		wxf_bak_warn(c, "backup-item-corrupt", &p, "%s segment %" PRId64 " item %zu: %s",
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
		    wxf_kvs_add(m, &wxf_msg_xw(m, msg)->fields, "bak.buffer.sha256", h))
			return c->oom = 1;
	}
	if (it.n_unknown > 0 && kv_int(m, msg, "bak.unknownFields", (int64_t)it.n_unknown))
		return c->oom = 1;

	if (svr[0])
		first = wxf_strmap_get(&c->by_svr, svr);
	if (first != NULL && same_bytes(first->content, it.content, it.content_n)) {
		copy_decoded(m, msg, first);
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
	int k, fd = wxf_bak_fd(c, f);
	wxf_err e;

	if (fd < 0) {
		if (!orphan)
			wxf_bak_warn(c, "backup-segment-unreadable", where, "%s: %s", r->files[f].name,
			    strerror(errno));
		return 0;
	}
	buf = malloc(len ? (size_t)len : 1);
	if (buf == NULL)
		return -1;
	if (wxf_pread_all(fd, buf, (size_t)len, off) != 0) {
		if (!orphan)
			wxf_bak_warn(c, "backup-segment-truncated", where,
			    "%s segment %" PRId64 ": %" PRIu64 " bytes at %" PRIu64 " not in the file",
			    r->files[f].name, seg_id, len, off);
		free(buf);
		return 0;
	}
	if (wxf_aes128_ecb_decrypt(c->ecb, buf, (size_t)len) != WXF_OK) {
		free(buf);
		wxf_bak_warn(c, "backup-crypto", where, "AES-128-ECB failed");
		return 0;
	}
	pad = wxf_bak_pkcs7_len(buf, (size_t)len);
	if (pad == 0 && orphan) {
		free(buf);
		return 0;
	}
	if (pad == 0)
		wxf_bak_warn(c, "backup-segment-padding", where,
		    "%s segment %" PRId64 ": PKCS#7 padding invalid (wrong key or damaged); "
		    "decoding the whole segment", r->files[f].name, seg_id);
	n = (size_t)len - pad;
	if (orphan && wxf_pb_validate(buf, n, WXF_PCB_MAX_ITEMS + 16) <= 0) {
		free(buf);
		return 0;
	}
	/* the plaintext image holds the segment at its offset: the cited bytes of its items */
	if (c->text_fds != NULL && c->text_fds[f] >= 0) {
		wxf_err we;

		wxf_err_clear(&we);
		if (wxf_pwrite_all(c->text_fds[f], buf, (size_t)len, off, c->text_images[f], &we) !=
		    WXF_OK)
			wxf_bak_warn(c, "backup-image-write", where, "%s", we.msg);
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
		wxf_bak_warn(c, "backup-segment-corrupt", where, "%s segment %" PRId64 ": %s",
		    r->files[f].name, seg_id, e.msg);
		return c->cur_new + c->cur_dup > 0;
	}
	if (declared >= 0 && declared != k)
		wxf_bak_warn(c, "backup-segment-count", where,
		    "%s segment %" PRId64 ": list says %" PRId64 " items, %d found",
		    r->files[f].name, seg_id, declared, k);
	if (k > 0 && c->cur_new == 0 && c->cur_dup > 0)
		r->n_segments_duplicate++;
	return k > 0;
}

/* ------------------------------------------------------------------ coverage and gaps */

int
wxf_bak_add_cov(ctx *c, int f, uint64_t off, uint64_t len)
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
	int fd = wxf_bak_fd(c, f), rc = 0;

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
int
wxf_bak_gaps(ctx *c, int k)
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
				where.file = r->files[f].shown;
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
					wxf_bak_warn(c, "backup-orphan-segment", &where,
					    "%s: %" PRIu64 " bytes at %" PRIu64 " no MsgSegments row "
					    "covers decode as a segment: %zu messages recovered",
					    r->files[f].name, len, pos, r->n_messages - before);
				} else {
					wxf_bak_warn(c, "backup-unreferenced", &where,
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

int
wxf_bak_text(ctx *c, wxf_err *err)
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
		s->file = wxf_bak_find_file(c, base, FK_TEXT);
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
			wxf_bak_warn(c, "backup-segment-row", &s->prov,
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
				wxf_bak_warn(c, "backup-talker-mismatch", &s->prov,
				    "SegmentId %" PRId64 ": UsrName %s but Name2ID[%" PRId64 "] = %s",
				    s->seg_id, s->usr, s->talker_id, n);
		}
		talker = talker != NULL ? wxf_model_strdup(c->m, talker) : NULL;
		if (wxf_bak_add_cov(c, s->file, (uint64_t)s->off, (uint64_t)s->len) < 0)
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
	if (wxf_bak_gaps(c, FK_TEXT) < 0)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	c->n_cov = 0;
	return WXF_OK;
}

