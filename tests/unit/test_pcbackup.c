/* SPDX-License-Identifier: Apache-2.0 */
/*
 * WeChat PC backup reader and protobuf walker, against the ground truth written by
 * fixtures/backup/gen/make_pcbackup.py (fixtures/backup/pc.truth.tsv, the flat twin of
 * pc.truth.json): every message (server id, talker, type, time, segment, item index, offset and
 * length in BAK_0_TEXT, duplicate / orphan flags, content hash), every media object and copy
 * (size, SHA-256, type, linked message), the transfer and the red packet, device info, counts;
 * wrong and malformed keys, no key, the hostile fixture and a truncated BAK_0_TEXT.
 */
#include "config.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/wxf_file.h"
#include "base/wxf_hash.h"
#include "model/model.h"
#include "wechat/wc_backup.h"
#include "wechat/wc_protobuf.h"
#include "tap.h"

#define KEY "3a7c9e1f5b2d4a6c8e0f1a2b3c4d5e6f"
#define SUB "WeChat Files/wxid_daigou_lin/BackupFiles/android_5f0e3c2a9b7d4e61a8c2f03b6d9e1a47"

static char top[4096], tmpd[4096];

static char *
fx(const char *name)
{
	return wxf_xasprintf("%s/fixtures/backup/%s", top, name);
}

static void
test_protobuf(void)
{
	/* field 1 varint 150, field 2 "hi", field 3 fixed32, field 4 fixed64 */
	static const uint8_t ok_[] = { 0x08, 0x96, 0x01, 0x12, 0x02, 'h', 'i', 0x1d, 1, 0, 0, 0,
	    0x21, 1, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t big[] = { 0x12, 0xff, 0xff, 0xff, 0xff, 0x0f, 'x' };
	static const uint8_t grp[] = { 0x0b, 0x0c };
	static const uint8_t zero[] = { 0x00, 0x01 };
	static const uint8_t longv[] = { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0x01 };
	wxf_cur c = wxf_cur_make(ok_, sizeof(ok_));
	wxf_pb_field f;
	wxf_err e;

	is_int(wxf_pb_next(&c, &f, NULL), 1, "protobuf: first field");
	ok(f.num == 1 && f.wire == 0 && f.v == 150, "protobuf: varint 150");
	is_int(wxf_pb_next(&c, &f, NULL), 1, "protobuf: second field");
	ok(f.num == 2 && f.n == 2 && memcmp(f.p, "hi", 2) == 0 && f.abs == 3, "protobuf: LEN 'hi'");
	is_int(wxf_pb_next(&c, &f, NULL), 1, "protobuf: fixed32");
	ok(f.num == 3 && f.v == 1, "protobuf: fixed32 value");
	is_int(wxf_pb_next(&c, &f, NULL), 1, "protobuf: fixed64");
	is_int(wxf_pb_next(&c, &f, NULL), 0, "protobuf: end");
	is_int(wxf_pb_validate(ok_, sizeof(ok_), 100), 4, "protobuf: validate counts 4 fields");
	wxf_err_clear(&e);
	c = wxf_cur_make(big, sizeof(big));
	is_int(wxf_pb_next(&c, &f, &e), WXF_ECORRUPT, "protobuf: declared length beyond data");
	ok(c.pos == 0, "protobuf: cursor left at the bad key");
	c = wxf_cur_make(grp, sizeof(grp));
	is_int(wxf_pb_next(&c, &f, NULL), WXF_EUNSUPPORTED, "protobuf: group wire type refused");
	c = wxf_cur_make(zero, sizeof(zero));
	is_int(wxf_pb_next(&c, &f, NULL), WXF_ECORRUPT, "protobuf: field number 0 refused");
	c = wxf_cur_make(longv, sizeof(longv));
	is_int(wxf_pb_next(&c, &f, NULL), WXF_ECORRUPT, "protobuf: 11-byte varint refused");
	for (size_t n = 0; n < sizeof(ok_); n++)
		if (wxf_pb_validate(ok_, n, 100) >= 0 && n != 0 && n != 3 && n != 7 && n != 12)
			ok(0, "protobuf: truncation at %zu accepted", n);
	ok(1, "protobuf: every truncation of a valid message is refused or ends on a field");
}

/* ---------------------------------------------------------------- truth */

typedef struct tline {
	char *f[16];
	int n;
} tline;

static tline *
truth(size_t *n)
{
	char *path = fx("pc.truth.tsv");
	FILE *fp = fopen(path, "r");
	char buf[8192];
	tline *t = NULL;
	size_t cap = 0;

	*n = 0;
	free(path);
	if (fp == NULL)
		return NULL;
	while (fgets(buf, sizeof(buf), fp) != NULL) {
		char *s = buf, *tab;
		tline *l;

		if (buf[0] == '#')
			continue;
		buf[strcspn(buf, "\n")] = '\0';
		wxf_xgrow((void **)&t, &cap, *n + 1, sizeof(*t));
		l = &t[(*n)++];
		l->n = 0;
		while (l->n < 16) {
			tab = strchr(s, '\t');
			if (tab)
				*tab = '\0';
			l->f[l->n++] = wxf_xstrdup(s);
			if (!tab)
				break;
			s = tab + 1;
		}
	}
	fclose(fp);
	return t;
}

static const char *
tget(const tline *t, size_t n, const char *kind, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].f[0], kind) == 0 && strcmp(t[i].f[1], key) == 0 && t[i].n > 2)
			return t[i].f[2];
	return NULL;
}

/* The message whose bytes are at BAK_0_TEXT+off: its own provenance, or (a repeated copy of
 * it) one of its copy witnesses; *p gets that provenance, *dup 1 for a witness. */
static const wxf_msg *
msg_at(const wxf_model *m, uint64_t off, const wxf_prov **p, int *dup)
{
	for (size_t i = 0; i < m->n_msgs; i++) {
		const wxf_msg *x = m->msgs[i];

		if (x->prov.offset == off && x->prov.origin == WXF_ORIGIN_BACKUP) {
			*p = &x->prov;
			*dup = 0;
			return x;
		}
		for (size_t k = 0; k < x->n_witnesses; k++)
			if (x->witnesses[k].kind == WXF_WIT_COPY && x->witnesses[k].prov.offset == off &&
			    x->witnesses[k].prov.origin == WXF_ORIGIN_BACKUP) {
				*p = &x->witnesses[k].prov;
				*dup = 1;
				return x;
			}
	}
	return NULL;
}

static const wxf_pcbackup_media *
media_of(const wxf_pcbackup_result *r, int64_t key, int copy)
{
	for (size_t i = 0; i < r->n_media; i++)
		if (r->media[i].map_key == key && r->media[i].copy == copy)
			return &r->media[i];
	return NULL;
}

static size_t
count_files(const char *dir, const char *root, int *outside)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char *p;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		p = wxf_path_join(dir, de->d_name);
		if (!wxf_path_is_inside(p, root))
			(*outside)++;
		if (wxf_is_dir(p))
			n += count_files(p, root, outside);
		else
			n++;
		free(p);
	}
	closedir(d);
	return n;
}

static void
test_good(void)
{
	char *folder = wxf_xasprintf("%s/fixtures/backup/pc/%s", top, SUB);
	char *work = wxf_xasprintf("%s/work-good", tmpd);
	wxf_pcbackup_result r;
	wxf_model *m = NULL;
	wxf_err e;
	size_t nt = 0, n_msg = 0, n_media = 0;
	tline *t = truth(&nt);
	char layout[16], source[16], acct[128];
	int rc, outside = 0;

	ok(t != NULL && nt > 30, "truth: pc.truth.tsv read (%zu lines)", nt);
	ok(wxf_pcbackup_probe(folder, layout, source, acct, sizeof(acct)) == 1,
	    "probe: the fixture folder is a PC backup");
	is_str(layout, "windows", "probe: Windows layout from the path");
	is_str(source, "android", "probe: source platform from the folder name");
	is_str(acct, "wxid_daigou_lin", "probe: account from the path");

	/* no key */
	wxf_err_clear(&e);
	rc = wxf_pcbackup_read(NULL, folder, NULL, NULL, &r, &e);
	is_int(rc, WXF_OK, "no key: WXF_OK");
	is_int(r.status, WXF_PCB_KEY_REQUIRED, "no key: status key-required");
	is_int(r.n_files, 4, "no key: Backup.db, BAK_0_TEXT, BAK_0_MEDIA, BAK_1_MEDIA inventoried");
	for (size_t i = 0; i < r.n_files; i++) {
		wxf_hashes h;

		wxf_hash_file(r.files[i].path, &h, NULL);
		ok(strcmp(h.sha256, r.files[i].sha256) == 0 && r.files[i].size == h.size,
		    "no key: %s hashed", r.files[i].name);
	}
	{
		char *j = wxf_pcbackup_result_json(&r);

		ok(strstr(j, "\"status\":\"key-required\"") != NULL, "no key: JSON says key-required");
		free(j);
	}
	wxf_pcbackup_result_free(&r);

	/* malformed and wrong keys */
	wxf_model_new(&m, NULL);
	wxf_err_clear(&e);
	rc = wxf_pcbackup_read(m, folder, "3a7c9e1f", work, &r, &e);
	is_int(rc, WXF_EUSAGE, "short key: usage error");
	wxf_pcbackup_result_free(&r);
	wxf_err_clear(&e);
	rc = wxf_pcbackup_read(m, folder, "00000000000000000000000000000000", work, &r, &e);
	is_int(rc, WXF_EKEY, "wrong key: WXF_EKEY");
	is_int(r.status, WXF_PCB_KEY_WRONG, "wrong key: status key-wrong");
	ok(strstr(e.msg, "does not open Backup.db") != NULL, "wrong key: clear message (%s)", e.msg);
	is_int(m->n_msgs, 0, "wrong key: no messages");
	wxf_pcbackup_result_free(&r);
	wxf_model_free(&m);

	/* the key */
	wxf_model_new(&m, NULL);
	wxf_err_clear(&e);
	rc = wxf_pcbackup_read(m, folder, KEY, work, &r, &e);
	is_int(rc, WXF_OK, "key: WXF_OK (%s)", e.msg);
	is_int(r.status, WXF_PCB_READ, "key: status read");
	ok(r.key_ok, "key: verified on page 1");
	ok(strstr(r.profile, "64000") != NULL && strstr(r.profile, "4096") != NULL,
	    "key: SQLCipher 3 parameters, page 4096 (%s)", r.profile);
	is_int(r.db_bad_pages, 0, "Backup.db: every page HMAC-verified");
	is_int(r.xcheck.status, WXF_XCHECK_AGREES, "SQLCipher library agrees (%s)", r.xcheck.sentence);
	wxf_model_finish(m, NULL);

	for (size_t i = 0; i < nt; i++) {
		const tline *l = &t[i];
		const wxf_msg *msg;
		const wxf_prov *pv = NULL;
		int dup = 0;
		char h[65];

		if (strcmp(l->f[0], "msg") != 0 || l->n < 12)
			continue;
		n_msg++;
		msg = msg_at(m, strtoull(l->f[2], NULL, 10), &pv, &dup);
		if (!ok(msg != NULL, "msg %s at BAK_0_TEXT+%s found", l->f[1], l->f[2]))
			continue;
		is_str(msg->server_id, l->f[1], "msg %s: server id", l->f[1]);
		ok(strlen(pv->file) > 10 && strcmp(pv->file + strlen(pv->file) - 10, "BAK_0_TEXT") == 0,
		    "msg %s: provenance file is BAK_0_TEXT", l->f[1]);
		ok(pv->origin == WXF_ORIGIN_BACKUP && msg->platform == WXF_PLAT_BACKUP,
		    "msg %s: origin and platform backup", l->f[1]);
		is_int(pv->length, strtoll(l->f[3], NULL, 10), "msg %s: item length", l->f[1]);
		if (strcmp(l->f[4], "-") == 0)
			ok(pv->rowid == INT64_MIN, "msg %s: orphan segment (no SegmentId)", l->f[1]);
		else
			is_int(pv->rowid, strtoll(l->f[4], NULL, 10), "msg %s: chunk = SegmentId",
			    l->f[1]);
		is_int(pv->frame, strtoll(l->f[5], NULL, 10), "msg %s: item index", l->f[1]);
		is_str(msg->talker, l->f[6], "msg %s: talker", l->f[1]);
		is_int(msg->raw_type, strtoll(l->f[7], NULL, 10), "msg %s: type", l->f[1]);
		is_int(msg->time_ms, strtoll(l->f[8], NULL, 10), "msg %s: time", l->f[1]);
		is_int(dup, atoi(l->f[9]), "msg %s: a repeated copy is a witness of the first, not a "
		    "message", l->f[1]);
		is_int(pv->confidence < 100, atoi(l->f[10]), "msg %s: orphan flag", l->f[1]);
		wxf_sha256_hex(msg->content ? msg->content : "", msg->content ? strlen(msg->content) : 0, h);
		is_str(h, l->f[11], "msg %s: content", l->f[1]);
	}
	is_int(n_msg, strtoll(tget(t, nt, "count", "messages_total"), NULL, 10),
	    "truth: every message line checked");
	is_int(r.n_messages, strtoll(tget(t, nt, "count", "messages_total"), NULL, 10),
	    "count: messages");
	is_int(r.n_messages_duplicate, strtoll(tget(t, nt, "count", "messages_duplicate_copies"),
	    NULL, 10), "count: duplicate message copies");
	is_int(r.n_messages_orphan, strtoll(tget(t, nt, "count", "messages_orphan_segment"), NULL, 10),
	    "count: messages of the orphan segment");
	is_int(r.n_segments_read, strtoll(tget(t, nt, "count", "segments_indexed"), NULL, 10),
	    "count: indexed segments read");
	is_int(r.n_segments_duplicate, strtoll(tget(t, nt, "count", "segments_duplicate"), NULL, 10),
	    "count: duplicate segments");
	is_int(r.n_segments_orphan, strtoll(tget(t, nt, "count", "segments_orphan"), NULL, 10),
	    "count: orphan segments");
	is_int(r.n_file_segment_rows, strtoll(tget(t, nt, "count", "file_segment_rows"), NULL, 10),
	    "count: MsgFileSegment rows");
	is_int(r.n_media_objects, strtoll(tget(t, nt, "count", "media_objects"), NULL, 10),
	    "count: media objects");
	is_int(r.n_segments_bad, 0, "count: no bad segment");

	/* a group message decoded through the shared decoder: sender from the prefix */
	{
		const wxf_msg *g = NULL;

		for (size_t i = 0; i < m->n_msgs; i++)
			if (m->msgs[i]->server_id && strcmp(m->msgs[i]->server_id, "8100000000000000102") == 0)
				g = m->msgs[i];
		ok(g && g->sender && strcmp(g->sender, "wxid_kehu_zhao") == 0 &&
		    strcmp(g->body, "我要两瓶，晚点转账。") == 0, "group message: sender and body");
	}

	for (size_t i = 0; i < nt; i++) {
		const tline *l = &t[i];
		const wxf_pcbackup_media *md;
		int64_t key;
		int copy;

		if (strcmp(l->f[0], "media") != 0 || l->n < 9)
			continue;
		n_media++;
		key = strtoll(l->f[1], NULL, 10);
		copy = atoi(l->f[2]);
		md = media_of(&r, key, copy);
		if (!ok(md != NULL, "media %" PRId64 " copy %d reassembled", key, copy))
			continue;
		is_int(md->complete, atoi(l->f[3]), "media %" PRId64 " copy %d: complete", key, copy);
		is_int(md->size, strtoll(l->f[4], NULL, 10), "media %" PRId64 " copy %d: size", key, copy);
		is_str(md->sha256, l->f[5], "media %" PRId64 " copy %d: SHA-256", key, copy);
		is_str(md->magic, l->f[6], "media %" PRId64 " copy %d: type", key, copy);
		ok(md->description != NULL && (strstr(md->description, "JPEG") || strstr(md->description, "PNG")),
		    "media %" PRId64 " copy %d: libmagic says %s", key, copy,
		    md->description ? md->description : "(none)");
		is_int(md->orphan, atoi(l->f[8]), "media %" PRId64 " copy %d: orphan flag", key, copy);
		{
			wxf_hashes h;

			ok(md->out_path && wxf_path_is_inside(md->out_path, work) &&
			    wxf_hash_file(md->out_path, &h, NULL) == WXF_OK &&
			    strcmp(h.sha256, md->sha256) == 0, "media %" PRId64 " copy %d: written in the "
			    "work dir with that hash", key, copy);
		}
		if (strcmp(l->f[7], "-") == 0) {
			ok(md->msg_id == NULL, "media %" PRId64 ": orphan not linked", key);
		} else {
			const wxf_msg *msg = md->msg_id ? wxf_model_find_msg(m, md->msg_id) : NULL;
			int found = 0;

			ok(msg && msg->server_id && strcmp(msg->server_id, l->f[7]) == 0,
			    "media %" PRId64 " copy %d: linked to message %s", key, copy, l->f[7]);
			for (size_t k = 0; msg && k < msg->n_media; k++)
				found |= strcmp(msg->media[k].sha256, md->sha256) == 0 &&
				    msg->media[k].state == WXF_MEDIA_PRESENT &&
				    msg->media[k].prov.origin == WXF_ORIGIN_BACKUP;
			ok(found, "media %" PRId64 " copy %d: on the message with its hash", key, copy);
			if (copy == 0)
				is_int(md->md5_agrees, 1, "media %" PRId64 ": MsgMedia.MD5 agrees", key);
		}
	}
	is_int(n_media, 6, "truth: six media lines checked");
	ok(media_of(&r, 2, 1) && media_of(&r, 2, 1)->identical, "media 2 copy 1: identical to copy 0");
	ok(media_of(&r, 1, 1) && !media_of(&r, 1, 1)->identical, "media 1 copy 1: partial, differs");
	is_int(r.n_media_copies, 2, "count: extra recovered media copies");
	is_int(r.n_media_orphan, 1, "count: orphan media");
	is_int(r.n_media_missing, 0, "count: no message lacks its media");

	/* transfer and red packet through the shared decoders */
	for (size_t i = 0; i < nt; i++) {
		const tline *l = &t[i];

		if (strcmp(l->f[0], "transfer") == 0 && l->n >= 6) {
			const wxf_payment *p = wxf_model_find_transfer(m, l->f[1]);

			if (!ok(p != NULL, "transfer %s found", l->f[1]))
				continue;
			ok(p->amount.known && p->amount.fen == strtoll(l->f[2], NULL, 10),
			    "transfer: amount %s fen", l->f[2]);
			is_str(p->payer, l->f[3], "transfer: payer");
			is_str(p->receiver, l->f[4], "transfer: receiver");
			is_str(wxf_pay_state_name(p->final_state), l->f[5], "transfer: final state");
			ok(p->n_events == 2, "transfer: two lifecycle events (duplicates not counted)");
			ok(p->n_events > 0 && p->events[0].prov.origin == WXF_ORIGIN_BACKUP,
			    "transfer: event provenance points into the backup");
		}
		if (strcmp(l->f[0], "redpacket") == 0 && l->n >= 4) {
			const wxf_payment *p = wxf_model_find_payment(m, WXF_PAY_RED_PACKET, l->f[1]);

			ok(p != NULL && p->talker && strcmp(p->talker, l->f[3]) == 0,
			    "red packet %s found in %s", l->f[1], l->f[3]);
		}
	}
	is_str(r.device.account_id, tget(t, nt, "device", "account_id"), "device: account");
	is_str(r.device.device_id, tget(t, nt, "device", "device_id"), "device: device id");
	is_str(r.device.model, tget(t, nt, "device", "model"), "device: model");
	is_str(r.device.manufacturer, tget(t, nt, "device", "manufacturer"), "device: maker");
	is_str(r.device.client_version, tget(t, nt, "device", "client_version"), "device: client");
	is_int(r.device.start_time_s, strtoll(tget(t, nt, "device", "start_time_s"), NULL, 10),
	    "device: start time");
	ok(m->owner && strcmp(m->owner->username, "wxid_daigou_lin") == 0, "owner from Config");
	{
		int found = 0;

		for (size_t i = 0; i < r.n_regions; i++)
			found |= strcmp(r.regions[i].file, "BAK_1_MEDIA") == 0 &&
			    r.regions[i].offset == 5376 && r.regions[i].length == 64 &&
			    r.regions[i].sha256[0];
		ok(found, "unreferenced bytes of BAK_1_MEDIA listed with their hash");
	}
	count_files(work, work, &outside);
	is_int(outside, 0, "nothing written outside the work dir");
	{
		char *j = wxf_pcbackup_result_json(&r);

		ok(j && strstr(j, "\"messages\":20") && !strstr(j, KEY), "JSON summary, no key in it");
		free(j);
	}
	wxf_pcbackup_result_free(&r);
	wxf_model_free(&m);
	for (size_t i = 0; i < nt; i++)
		for (int k = 0; k < t[i].n; k++)
			free(t[i].f[k]);
	free(t);
	free(folder);
	free(work);
}

static void
test_hostile(void)
{
	char *folder = wxf_xasprintf("%s/fixtures/backup/pc-hostile/%s", top, SUB);
	char *work = wxf_xasprintf("%s/work-hostile", tmpd);
	wxf_pcbackup_result r;
	wxf_model *m = NULL;
	wxf_err e;
	int rc, outside = 0;
	const wxf_pcbackup_media *md;

	wxf_model_new(&m, NULL);
	wxf_err_clear(&e);
	rc = wxf_pcbackup_read(m, folder, KEY, work, &r, &e);
	is_int(rc, WXF_OK, "hostile: read completes (%s)", e.msg);
	is_int(r.n_messages, 2, "hostile: the two good messages");
	is_int(r.n_segments_read, 1, "hostile: one good segment");
	ok(r.n_segments_bad >= 9, "hostile: every other segment row refused (%zu)", r.n_segments_bad);
	md = media_of(&r, 1, 0);
	ok(md && md->complete && md->size == 1000, "hostile: the good media object");
	ok(r.n_file_segment_bad >= 6, "hostile: bad MsgFileSegment rows refused (%zu)",
	    r.n_file_segment_bad);
	ok(r.n_warnings >= 15, "hostile: warnings listed (%zu)", r.n_warnings);
	count_files(work, work, &outside);
	is_int(outside, 0, "hostile: nothing written outside the work dir");
	wxf_pcbackup_result_free(&r);
	wxf_model_free(&m);
	free(folder);
	free(work);
}

static int
copy_file(const char *from, const char *to, size_t limit)
{
	uint8_t *d = NULL;
	size_t n = 0;
	int rc = wxf_file_read_small(from, 8 << 20, &d, &n, NULL);

	if (rc == WXF_OK)
		rc = wxf_file_write(to, d, n < limit ? n : limit, NULL);
	free(d);
	return rc;
}

static void
test_truncated(void)
{
	static const char *const names[] = { "Backup.db", "BAK_0_TEXT", "BAK_0_MEDIA", "BAK_1_MEDIA" };
	char *src = wxf_xasprintf("%s/fixtures/backup/pc/%s", top, SUB);
	char *dst = wxf_xasprintf("%s/trunc/BackupFiles/android_00", tmpd);
	char *work = wxf_xasprintf("%s/work-trunc", tmpd);
	wxf_pcbackup_result r;
	wxf_model *m = NULL;
	wxf_err e;
	int rc;

	wxf_mkdir_p(dst, NULL);
	for (size_t i = 0; i < 4; i++) {
		char *a = wxf_path_join(src, names[i]), *b = wxf_path_join(dst, names[i]);

		copy_file(a, b, i == 1 ? 3000 : i == 3 ? 100 : SIZE_MAX);
		free(a);
		free(b);
	}
	wxf_model_new(&m, NULL);
	wxf_err_clear(&e);
	rc = wxf_pcbackup_read(m, dst, KEY, work, &r, &e);
	is_int(rc, WXF_OK, "truncated: read completes");
	is_int(r.n_messages, 4, "truncated BAK_0_TEXT: the first segment's 4 messages kept");
	ok(r.n_segments_bad == 3, "truncated: 3 segments beyond the end reported (%zu)",
	    r.n_segments_bad);
	ok(media_of(&r, 3, 0) && !media_of(&r, 3, 0)->complete,
	    "truncated BAK_1_MEDIA: object 3 partial");
	wxf_pcbackup_result_free(&r);
	wxf_model_free(&m);
	free(src);
	free(dst);
	free(work);
}

static void
test_macos_probe(void)
{
	char *d = wxf_xasprintf("%s/Backup/0123456789abcdef0123456789abcdef/"
	    "12345678-1234-1234-1234-123456789ABC", tmpd);
	char *f = wxf_path_join(d, "BAK_0_TEXT");
	char layout[16], source[16], acct[64];

	wxf_mkdir_p(d, NULL);
	wxf_file_write(f, "", 0, NULL);
	ok(wxf_pcbackup_probe(d, layout, source, acct, sizeof(acct)) == 1, "macOS folder recognised");
	is_str(layout, "macos", "macOS layout");
	is_str(acct, "0123456789abcdef0123456789abcdef", "macOS account level");
	ok(wxf_pcbackup_probe(tmpd, layout, source, acct, sizeof(acct)) == 0,
	    "a folder without backup files is not a backup");
	free(f);
	free(d);
}

int
main(void)
{
	const char *t = getenv("top_srcdir");
	char tmpl[] = "/tmp/wxf-pcb.XXXXXX";

	snprintf(top, sizeof(top), "%s", t ? t : ".");
	if (mkdtemp(tmpl) == NULL)
		return 1;
	snprintf(tmpd, sizeof(tmpd), "%s", tmpl);
	test_protobuf();
	test_good();
	test_hostile();
	test_truncated();
	test_macos_probe();
	{
		char *cmd = wxf_xasprintf("rm -rf '%s'", tmpd);

		if (system(cmd) != 0)
			diag("could not remove %s", tmpd);
		free(cmd);
	}
	return tap_done();
}
