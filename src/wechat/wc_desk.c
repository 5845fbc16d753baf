/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The desktop drivers' shared state (see wc_desk.h): keys, account files, derived bytes and
 * media.  Files are written only below the account's work folder (a->work_abs), recorded by
 * their bundle-relative names (a->work/...).
 */
#include "config.h"
#include "wechat/wc_desk.h"
#include "wechat/wc_driver.h"
#include "wechat/wc_dat.h"
#include "base/wxf_buf.h"
#include "base/wxf_time.h"
#include "base/wxf_file.h"
#include "base/wxf_hash.h"
#include "base/wxf_mem.h"
#include "base/wxf_sniff.h"
#include "base/wxf_strmap.h"

#include <lz4.h>
#include <openssl/crypto.h>
#include <zstd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define PAGE1_MAX 4096

struct dump {
	char *given;               /* as given (--memdump) */
	const char *name;          /* its file name, as the bundle names it */
	char sha256[65];
	uint64_t size;
	int ok, minidump;
	wxf_wcdb_keystr *ks;
	size_t n_ks;
};

struct store {
	char *dbpath;              /* evidence path the bytes belong to */
	char *image, *abs;         /* the .decoded file: bundle-relative, on disk */
	FILE *f;
	uint64_t size;
};

struct decoded {
	char *rel;                 /* the .dat below the account folder */
	char *path;                /* bundle-relative copy, NULL when it did not decode */
	char sha256[65];
	int64_t size;
	const char *type;
	char how[160];
};

struct wxf_desk {
	wxf_wc_acct *a;
	wxf_strmap items;          /* rel -> item */
	const wxf_item **item_v;
	size_t n_items;
	int dumps_read;
	struct dump *dumps;
	size_t n_dumps;
	int have_acct_key;         /* a raw (passphrase) key found in a dump */
	wxf_key acct_key;
	char acct_key_db[256];
	struct store *st;
	size_t n_st;
	struct decoded *dec;
	size_t n_dec;
	/* WeChat 4.x V2 image key */
	char *wxid, *suffix;
	int v2_tried, v2_ok;
	uint8_t v2_key[16], v2_xor;
	int v2_xor_known;
	wxf_desk_stats stats;
};

/* ------------------------------------------------------------------------------ life */

wxf_desk *
wxf_desk_new(wxf_wc_acct *a)
{
	wxf_desk *dk = calloc(1, sizeof(*dk));
	size_t i, ld = strlen(a->dir);

	if (dk == NULL)
		return NULL;
	dk->a = a;
	for (i = 0; i < a->inv->n_items; i++) {
		const wxf_item *it = &a->inv->items[i];

		if (it->member != NULL || strncmp(it->path, a->dir, ld) != 0 || it->path[ld] != '/')
			continue;
		if (wxf_strmap_put(&dk->items, it->path + ld + 1, (void *)it) != WXF_OK) {
			wxf_desk_free(&dk);
			return NULL;
		}
		dk->item_v = wxf_xrealloc(dk->item_v, (dk->n_items + 1) * sizeof(*dk->item_v));
		dk->item_v[dk->n_items++] = it;
	}
	return dk;
}

void
wxf_desk_free(wxf_desk **dkp)
{
	wxf_desk *dk = *dkp;
	size_t i;

	if (dk == NULL)
		return;
	wxf_desk_flush(dk);
	for (i = 0; i < dk->n_dumps; i++) {
		free(dk->dumps[i].given);
		if (dk->dumps[i].ks != NULL)
			OPENSSL_cleanse(dk->dumps[i].ks, dk->dumps[i].n_ks * sizeof(*dk->dumps[i].ks));
		free(dk->dumps[i].ks);
	}
	free(dk->dumps);
	for (i = 0; i < dk->n_st; i++) {
		free(dk->st[i].dbpath);
		free(dk->st[i].image);
		free(dk->st[i].abs);
	}
	free(dk->st);
	for (i = 0; i < dk->n_dec; i++) {
		free(dk->dec[i].rel);
		free(dk->dec[i].path);
	}
	free(dk->dec);
	wxf_key_clear(&dk->acct_key);
	OPENSSL_cleanse(dk->v2_key, sizeof(dk->v2_key));
	free(dk->wxid);
	free(dk->suffix);
	free(dk->item_v);
	wxf_strmap_free(&dk->items);
	free(dk);
	*dkp = NULL;
}

const wxf_item *
wxf_desk_item(wxf_desk *dk, const char *rel)
{
	return wxf_strmap_get(&dk->items, rel);
}

size_t
wxf_desk_n_items(const wxf_desk *dk)
{
	return dk->n_items;
}

const wxf_item *
wxf_desk_item_at(const wxf_desk *dk, size_t i)
{
	return i < dk->n_items ? dk->item_v[i] : NULL;
}

const wxf_desk_stats *
wxf_desk_stats_of(const wxf_desk *dk)
{
	return &dk->stats;
}

/* ------------------------------------------------------------------------------ dumps */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Every --memdump file hashed and scanned once for WCDB key strings; each recorded. */
static void
read_dumps(wxf_desk *dk)
{
	const wxf_wc_env *env = dk->a->env;
	size_t i, n = 0;

	dk->dumps_read = 1;
	while (env->dumps != NULL && env->dumps[n] != NULL)
		n++;
	if (n == 0)
		return;
	dk->dumps = wxf_xcalloc(n, sizeof(*dk->dumps));
	for (i = 0; i < n; i++) {
		struct dump *du = &dk->dumps[dk->n_dumps++];
		wxf_map m;
		wxf_err e;
		wxf_buf b;
		double t0 = now_s();

		du->given = wxf_xstrdup(env->dumps[i]);
		du->name = wxf_path_base(du->given);
		wxf_err_clear(&e);
		wxf_buf_init(&b);
		wxf_buf_json_kstr(&b, "dump", du->name);
		wxf_buf_json_kstr(&b, "given", du->given);
		if (wxf_map_open(&m, du->given, &e) != WXF_OK) {
			if (e.code == WXF_ENOMEM)
				wxf_oom(0);
			wxf_buf_json_kstr(&b, "result", e.msg);
			wxf_wc_limit(env, "memory dump %s could not be read: %s", du->name, e.msg);
		} else {
			du->ok = 1;
			du->size = m.size;
			du->minidump = m.size >= 4 && memcmp(m.data, "MDMP", 4) == 0;
			wxf_sha256_hex(m.data != NULL ? m.data : (const uint8_t *)"", m.size, du->sha256);
			if (wxf_wcdb_keystr_scan(m.data, m.size, &du->ks, &du->n_ks, &e) != WXF_OK) {
				if (e.code == WXF_ENOMEM)
					wxf_oom(m.size);  /* not a dump without key strings */
				du->n_ks = 0;
			}
			wxf_map_close(&m);
			wxf_buf_json_kstr(&b, "sha256", du->sha256);
			wxf_buf_json_kuint(&b, "size", du->size);
			wxf_buf_json_kstr(&b, "format", du->minidump ? "minidump" : "raw");
			wxf_buf_json_kuint(&b, "wcdb_key_strings", du->n_ks);
			wxf_buf_printf(&b, ",\"seconds\":%.3f", wxf_time_recorded_s(now_s() - t0));
		}
		if (env->audit != NULL)
			wxf_audit_add(env->audit, "memdump", b.p, NULL);
		wxf_buf_free(&b);
	}
}

/* ------------------------------------------------------------------------------ keys */

/* The first profile of names that k opens page1 with (file of fsize bytes), or NULL. */
static const wxf_profile *
opens(const char *const *names, const uint8_t *page1, size_t n, uint64_t fsize, const wxf_key *k,
    uint64_t *n_tried)
{
	size_t i;

	for (i = 0; names[i] != NULL; i++) {
		const wxf_profile *p = wxf_profile_find(names[i]);

		if (p == NULL || fsize < p->page_size || fsize % p->page_size != 0 || n < p->page_size)
			continue;
		(*n_tried)++;
		switch (wxf_key_opens(p, page1, n, k)) {
		case 0:
			break;
		case 1:
			return p;
		default:
			wxf_oom(0);     /* not "no profile opens page 1" */
		}
	}
	return NULL;
}

/* The profile of names with the parameters of p (for a key found by the dump passes); for a
 * derived key the KDF does not matter. */
static const wxf_profile *
same_layout(const char *const *names, const wxf_profile *p, int derived)
{
	size_t i;

	for (i = 0; names[i] != NULL; i++) {
		const wxf_profile *q = wxf_profile_find(names[i]);

		if (q != NULL && q->page_size == p->page_size && q->reserve == p->reserve &&
		    q->hmac == p->hmac && (derived || q->kdf == WXF_KDF_NONE ||
		    (q->kdf == p->kdf && q->kdf_iter == p->kdf_iter)))
			return q;
	}
	return NULL;
}

static void
dump_input(wxf_key *k, const struct dump *du, uint64_t off, const char *kind)
{
	char v[128], s[128];

	snprintf(v, sizeof(v), "%s (SHA-256 %.16s…)", du->name, du->sha256);
	snprintf(s, sizeof(s), "file offset %llu (0x%llx), %s", (unsigned long long)off,
	    (unsigned long long)off, kind);
	wxf_key_add_input(k, "memory_dump", v, s, "内存转储", "memory dump", "");
	k->dump_offset = off;
	snprintf(k->dump_kind, sizeof(k->dump_kind), "%s", kind);
}

int
wxf_desk_key(wxf_desk *dk, size_t d, const char *const *profiles, wxf_key *k,
    uint64_t *n_tried, wxf_err *err)
{
	wxf_wc_acct *a = dk->a;
	wxf_wc_db *db = &a->dbs[d];
	const wxf_wc_env *env = a->env;
	const wxf_profile *won = NULL;
	uint8_t page1[PAGE1_MAX];
	size_t n = 0, i, j;
	wxf_buf tried, b;
	ssize_t got;
	int rc = WXF_EKEY;

	*n_tried = 0;
	memset(k, 0, sizeof(*k));
	if ((got = wxf_file_head(db->item->abs, page1, sizeof(page1))) < 0)
		return wxf_err_set(err, WXF_EIO, "%s: cannot be read", db->item->path);
	n = (size_t)got;
	if (n < 1024)
		return wxf_err_set(err, WXF_ECORRUPT, "%s: shorter than one page", db->item->path);
	wxf_buf_init(&tried);
	/* 1 --raw-key, 2 --key */
	if (env->raw_key != NULL || env->key != NULL) {
		int raw = env->raw_key != NULL;

		wxf_buf_printf(&tried, "%s%s", tried.len ? ", " : "", raw ? "--raw-key" : "--key");
		if ((rc = wxf_key_from_text(k, raw ? env->raw_key : env->key, raw ? WXF_KEY_RAW :
		    WXF_KEY_PASSPHRASE, err)) != WXF_OK) {
			wxf_buf_free(&tried);
			return rc;
		}
		rc = WXF_EKEY;
		if ((won = opens(profiles, page1, n, db->item->size, k, n_tried)) != NULL) {
			k->source = WXF_KEYSRC_GIVEN;
			snprintf(k->how, sizeof(k->how), "given by the examiner (%s): %s; opens page 1 "
			    "of this file (HMAC verified, profile %s)", raw ? "--raw-key" : "--key",
			    raw || won->kdf == WXF_KDF_NONE ? "used as the AES key" :
			    "the account key, through the profile's KDF with this file's salt", won->name);
			rc = WXF_OK;
			goto found;
		}
		wxf_key_clear(k);
	}
	/* 3 WCDB key strings with this file's salt */
	if (!dk->dumps_read)
		read_dumps(dk);
	for (i = 0; i < dk->n_dumps && won == NULL; i++) {
		struct dump *du = &dk->dumps[i];

		if (i == 0)
			wxf_buf_printf(&tried, "%sWCDB key strings of the memory dump(s)",
			    tried.len ? ", " : "");
		for (j = 0; j < du->n_ks; j++) {
			if (memcmp(du->ks[j].salt, page1, 16) != 0)
				continue;
			memset(k, 0, sizeof(*k));
			k->form = WXF_KEY_RAW;
			memcpy(k->bytes, du->ks[j].key, 32);
			k->len = 32;
			if ((won = opens(profiles, page1, n, db->item->size, k, n_tried)) != NULL) {
				k->source = WXF_KEYSRC_MEMDUMP;
				dump_input(k, du, du->ks[j].offset, "wcdb");
				snprintf(k->how, sizeof(k->how), "found in memory dump %s (SHA-256 %s) at "
				    "file offset %llu: the WCDB key text x'<key><salt>' whose salt is this "
				    "file's first 16 bytes; the already-derived AES key opens page 1 (HMAC "
				    "verified, profile %s); no KDF was run", du->name, du->sha256,
				    (unsigned long long)du->ks[j].offset, won->name);
				rc = WXF_OK;
				goto found;
			}
			wxf_key_clear(k);
		}
	}
	/* 4 the raw key another database of this account gave */
	if (dk->have_acct_key) {
		wxf_buf_printf(&tried, "%sthe account key found for %s", tried.len ? ", " : "",
		    dk->acct_key_db);
		*k = dk->acct_key;
		k->n_inputs = 0;
		if ((won = opens(profiles, page1, n, db->item->size, k, n_tried)) != NULL) {
			*k = dk->acct_key;
			snprintf(k->how, sizeof(k->how), "the raw account key found in memory dump %s at "
			    "file offset %llu for %s, through the profile's KDF with this file's salt; "
			    "opens page 1 (HMAC verified, profile %s)", k->inputs[0].value,
			    (unsigned long long)k->dump_offset, dk->acct_key_db, won->name);
			rc = WXF_OK;
			goto found;
		}
		wxf_key_clear(k);
	}
	/* 5 the dump passes: every window as a derived key, raw keys behind {pointer, 32} */
	for (i = 0; i < dk->n_dumps && won == NULL; i++) {
		struct dump *du = &dk->dumps[i];
		wxf_memsearch_opts o;
		wxf_memsearch_result r;
		wxf_err e;
		int mrc;

		if (!du->ok)
			continue;
		if (i == 0)
			wxf_buf_printf(&tried, "%sderived and raw keys in the memory dump(s)",
			    tried.len ? ", " : "");
		memset(&o, 0, sizeof(o));
		o.jobs = env->jobs;
		o.profile = profiles[1] == NULL ? profiles[0] : NULL;
		o.no_wcdb = 1;
		o.log = env->log;
		wxf_err_clear(&e);
		if ((mrc = wxf_memsearch(du->given, db->item->abs, &o, &r, &e)) == WXF_ENOMEM ||
		    e.code == WXF_ENOMEM) {
			wxf_key_clear(&r.key);
			wxf_buf_free(&tried);
			OPENSSL_cleanse(page1, sizeof(page1));
			wxf_key_clear(k);
			return wxf_err_set(err, WXF_ENOMEM, "%s: out of memory searching the memory "
			    "dump", db->item->path);
		}
		if (mrc != WXF_OK || !r.found) {
			*n_tried += r.windows + r.raw_candidates;
			wxf_key_clear(&r.key);
			continue;
		}
		*n_tried += r.windows + r.raw_candidates;
		won = same_layout(profiles, r.profile, strcmp(r.key.dump_kind, "raw") != 0);
		if (won == NULL) {
			wxf_key_clear(&r.key);
			continue;
		}
		*k = r.key;
		k->n_inputs = 0;
		dump_input(k, du, r.key.dump_offset, r.key.dump_kind);
		snprintf(k->how, sizeof(k->how), "found in memory dump %s (SHA-256 %s) at file offset "
		    "%llu as the %s key (%s); opens page 1 (HMAC verified, profile %s)", du->name,
		    du->sha256, (unsigned long long)r.key.dump_offset, r.key.dump_kind,
		    strcmp(r.key.dump_kind, "raw") == 0 ? "the account key, through the profile's KDF "
		    "with this file's salt" : "an already-derived AES key, as SQLCipher keeps it while "
		    "the database is open", won->name);
		if (strcmp(r.key.dump_kind, "raw") == 0 && !dk->have_acct_key) {
			dk->have_acct_key = 1;
			dk->acct_key = *k;
			snprintf(dk->acct_key_db, sizeof(dk->acct_key_db), "%s",
			    wxf_path_base(db->item->path));
		}
		wxf_key_clear(&r.key);
		rc = WXF_OK;
	}
	if (won == NULL) {
		rc = wxf_err_set(err, WXF_EKEY, "no key opens page 1 (tried: %s)", tried.len ? tried.p :
		    "nothing: give --key, --raw-key or --memdump");
		wxf_key_clear(k);
	}
found:
	if (won != NULL)
		db->profile = won->name;
	wxf_buf_init(&b);
	wxf_buf_json_kstr(&b, "database", db->item->path);
	wxf_buf_json_kstr(&b, "tried", tried.len ? tried.p : "");
	wxf_buf_json_kuint(&b, "candidates", *n_tried);
	wxf_buf_json_kstr(&b, "result", won != NULL ? "found" : "not found");
	if (won != NULL) {
		wxf_buf_json_kstr(&b, "profile", won->name);
		wxf_buf_json_sep(&b);
		wxf_key_json(k, env->reveal_key, &b);
		if (k->source == WXF_KEYSRC_MEMDUMP) {
			wxf_buf_json_kuint(&b, "dump_offset", k->dump_offset);
			wxf_buf_json_kstr(&b, "dump_kind", k->dump_kind);
		}
	}
	if (env->audit != NULL)
		wxf_audit_add(env->audit, "key.desktop", b.p, NULL);
	wxf_buf_free(&b);
	wxf_buf_free(&tried);
	OPENSSL_cleanse(page1, sizeof(page1));
	return rc;
}

/* ------------------------------------------------------------------------------ derived */

static struct store *
store_of(wxf_desk *dk, const char *dbpath, wxf_err *err)
{
	wxf_wc_acct *a = dk->a;
	struct store *s;
	char *name;
	size_t i;

	for (i = 0; i < dk->n_st; i++)
		if (strcmp(dk->st[i].dbpath, dbpath) == 0)
			return &dk->st[i];
	if (wxf_mkdir_p(a->work_abs, err) != WXF_OK)
		return NULL;
	dk->st = wxf_xrealloc(dk->st, (dk->n_st + 1) * sizeof(*dk->st));
	s = &dk->st[dk->n_st++];
	memset(s, 0, sizeof(*s));
	s->dbpath = wxf_xstrdup(dbpath);
	name = wxf_xasprintf("%s.decoded", wxf_path_base(dbpath));
	s->image = wxf_path_join(a->work, name);
	s->abs = wxf_path_join(a->work_abs, name);
	free(name);
	return s;
}

int
wxf_desk_derived(wxf_desk *dk, const char *dbpath, const void *data, size_t n,
    const wxf_prov *base, wxf_prov *p, wxf_err *err)
{
	struct store *s = store_of(dk, dbpath, err);

	if (s == NULL)
		return err->code != WXF_OK ? err->code : WXF_EIO;
	if (s->f == NULL && (s->f = fopen(s->abs, s->size == 0 ? "wb" : "ab")) == NULL)
		return wxf_err_set(err, WXF_EIO, "%s: cannot be written", s->image);
	if (n > 0 && fwrite(data, 1, n, s->f) != n)
		return wxf_err_set(err, WXF_EIO, "%s: cannot be written", s->image);
	*p = *base;
	p->image = wxf_model_strdup(dk->a->m, s->image);
	p->pgno = 0;
	p->frame = 0;
	p->offset = s->size;
	p->length = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	p->range_sha256 = NULL;
	s->size += n;
	return p->image != NULL ? WXF_OK : wxf_err_set(err, WXF_ENOMEM, "out of memory");
}

void
wxf_desk_flush(wxf_desk *dk)
{
	size_t i;

	for (i = 0; i < dk->n_st; i++)
		if (dk->st[i].f != NULL) {
			fclose(dk->st[i].f);
			dk->st[i].f = NULL;
		}
}

int
wxf_desk_text_witness(wxf_desk *dk, wxf_msg *msg, const void *decoded, size_t n, wxf_err *err)
{
	wxf_prov p;
	long w;
	int rc;

	if (msg->body == NULL || msg->body_placeholder)
		return WXF_OK;
	if ((rc = wxf_desk_derived(dk, msg->prov.file, decoded, n, &msg->prov, &p, err)) != WXF_OK)
		return rc;
	if ((w = wxf_msg_add_witness(dk->a->m, msg, WXF_WIT_COPY, msg->body, &p)) < 0)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	msg->body_witness = (size_t)w + 1;
	return WXF_OK;
}

/* ------------------------------------------------------------------------------ media */

static const char *
sniff_file(const char *abs)
{
	unsigned char b[64];
	ssize_t n = wxf_file_head(abs, b, sizeof(b));

	return n < 0 ? NULL : wxf_sniff(b, (size_t)n);
}

/* Writes data to <work>/media/<name>.<ext of its type>; fills path (bundle-relative), sha256,
 * size and type of md.  WXF_OK or WXF_EIO. */
static int
write_media(wxf_desk *dk, const char *name, const uint8_t *data, size_t n, wxf_media *md,
    wxf_err *err)
{
	wxf_wc_acct *a = dk->a;
	const char *type = wxf_sniff(data, n);
	char *dir = wxf_path_join(a->work_abs, "media"), *file, *abs, *rel;
	int rc;

	file = wxf_xasprintf("%s.%s", name, wxf_sniff_ext(type));
	abs = wxf_path_join(dir, file);
	rc = wxf_mkdir_p(dir, err);
	if (rc == WXF_OK)
		rc = wxf_file_write(abs, data, n, err);
	if (rc == WXF_OK) {
		rel = wxf_xasprintf("%s/media/%s", a->work, file);
		md->path = wxf_model_strdup(a->m, rel);
		free(rel);
		wxf_sha256_hex(data, n, md->sha256);
		md->size = (int64_t)n;
		md->magic = type;
		md->state = WXF_MEDIA_PRESENT;
	}
	free(dir);
	free(file);
	free(abs);
	return rc;
}

/* ---- WeChat 4.x V2 image key ---- */

void
wxf_desk_set_image_account(wxf_desk *dk, const char *wxid, const char *suffix)
{
	free(dk->wxid);
	free(dk->suffix);
	dk->wxid = wxid != NULL ? wxf_xstrdup(wxid) : NULL;
	dk->suffix = suffix != NULL ? wxf_xstrdup(suffix) : NULL;
}

struct sample {
	wxf_map m;
	wxf_dat_info in;
};

/* 1 when key opens every sample. */
static int
key_opens_all(struct sample *s, size_t n, const uint8_t key[16])
{
	size_t i;

	for (i = 0; i < n; i++) {
		int k = wxf_dat_key_ok(s[i].m.data, s[i].m.size, &s[i].in, key, NULL);

		if (k < 0)
			wxf_oom(0);     /* a key left untried would change which key is named */
		if (k == 0)
			return 0;
	}
	return n > 0;
}

/* A uin from the names key_<uin>_*.statistic (the client's kvcomm folder) anywhere in the
 * account's evidence tree whose md5 starts with the folder suffix; 0 none. */
static uint64_t
kvcomm_uin(wxf_desk *dk, char *src, size_t src_n)
{
	const wxf_inventory *inv = dk->a->inv;
	size_t i;

	for (i = 0; i < inv->n_items; i++) {
		const char *b = wxf_path_base(inv->items[i].path), *e;
		uint64_t u = 0;

		if (inv->items[i].root != dk->a->root || strncmp(b, "key_", 4) != 0 ||
		    strstr(b, ".statistic") == NULL)
			continue;
		for (e = b + 4; *e >= '0' && *e <= '9' && e - b < 24; e++)
			u = u * 10 + (uint64_t)(*e - '0');
		if (e == b + 4 || *e != '_' || u == 0)
			continue;
		if (dk->suffix != NULL && !wxf_dat_uin_suffix_ok(u, dk->suffix))
			continue;
		snprintf(src, src_n, "%s", inv->items[i].path);
		return u;
	}
	return 0;
}

static void
resolve_v2(wxf_desk *dk)
{
	static const uint8_t early[16] = "43e7d25eb1b9bb64";
	const wxf_wc_env *env = dk->a->env;
	struct sample s[4];
	size_t ns = 0, i;
	uint8_t key[16];
	char src[512];
	uint64_t uin;
	wxf_buf b;

	dk->v2_tried = 1;
	/* up to four V2 thumbnails (then any V2 files) to verify candidates on */
	for (int pass = 0; pass < 2 && ns < 4; pass++)
		for (i = 0; i < dk->n_items && ns < 4; i++) {
			const wxf_item *it = dk->item_v[i];
			const char *bn = wxf_path_base(it->path);
			size_t l = strlen(bn);
			wxf_err e;

			if (l < 5 || strcmp(bn + l - 4, ".dat") != 0 ||
			    (pass == 0) != (l > 6 && strcmp(bn + l - 6, "_t.dat") == 0) ||
			    it->size > WXF_DAT_MAX)
				continue;
			wxf_err_clear(&e);
			if (wxf_map_open(&s[ns].m, it->abs, &e) != WXF_OK)
				continue;
			if (wxf_dat_header(s[ns].m.data, s[ns].m.size, &s[ns].in) != WXF_OK ||
			    s[ns].in.kind != WXF_DAT_V2) {
				wxf_map_close(&s[ns].m);
				continue;
			}
			ns++;
		}
	if (ns == 0)
		return;
	wxf_buf_init(&b);
	if (key_opens_all(s, ns, early)) {
		memcpy(dk->v2_key, early, 16);
		snprintf(dk->stats.v2_key_how, sizeof(dk->stats.v2_key_how), "the fixed key of "
		    "early V2 builds");
		dk->v2_ok = 1;
	}
	if (!dk->v2_ok && dk->wxid != NULL && (uin = kvcomm_uin(dk, src, sizeof(src))) != 0) {
		wxf_dat_v2_key(uin, dk->wxid, key);
		if (key_opens_all(s, ns, key)) {
			memcpy(dk->v2_key, key, 16);
			dk->v2_xor = (uint8_t)(uin & 0xff);
			dk->v2_xor_known = 1;
			dk->v2_ok = 1;
			snprintf(dk->stats.v2_key_how, sizeof(dk->stats.v2_key_how), "md5(uin %llu + "
			    "wxid %s), uin from %.120s", (unsigned long long)uin, dk->wxid, src);
		}
	}
	if (!dk->v2_ok && env->image_key != NULL && strlen(env->image_key) >= 16) {
		memcpy(key, env->image_key, 16);
		if (key_opens_all(s, ns, key)) {
			memcpy(dk->v2_key, key, 16);
			dk->v2_ok = 1;
			snprintf(dk->stats.v2_key_how, sizeof(dk->stats.v2_key_how), "given by the "
			    "examiner (--image-key)");
		}
	}
	if (!dk->v2_ok && dk->wxid != NULL && dk->suffix != NULL) {
		/* the uins whose low byte is the tails' XOR byte and whose md5 starts with the
		 * folder suffix: about 256 of 2^24, each tried on the samples */
		uint8_t x;

		for (i = 0; i < ns && !wxf_dat_tail_xor(s[i].m.data, s[i].m.size, &s[i].in, &x); i++)
			;
		if (i < ns) {
			uint64_t hi, tried = 0;

			for (hi = 0; hi < (1u << 24) && !dk->v2_ok; hi++) {
				uin = hi << 8 | x;
				if (!wxf_dat_uin_suffix_ok(uin, dk->suffix))
					continue;
				tried++;
				wxf_dat_v2_key(uin, dk->wxid, key);
				if (key_opens_all(s, ns, key)) {
					memcpy(dk->v2_key, key, 16);
					dk->v2_xor = x;
					dk->v2_xor_known = 1;
					dk->v2_ok = 1;
					snprintf(dk->stats.v2_key_how, sizeof(dk->stats.v2_key_how),
					    "md5(uin %llu + wxid %s); the uin found among the %llu whose low "
					    "byte is the XOR byte 0x%02x and whose md5 starts with the folder "
					    "suffix %s", (unsigned long long)uin, dk->wxid,
					    (unsigned long long)tried, x, dk->suffix);
				}
			}
		}
	}
	wxf_buf_json_kuint(&b, "samples", ns);
	wxf_buf_json_kstr(&b, "result", dk->v2_ok ? dk->stats.v2_key_how : "no key opens the V2 "
	    "image files");
	if (env->audit != NULL)
		wxf_audit_add(env->audit, "image-key", b.p, NULL);
	wxf_buf_free(&b);
	OPENSSL_cleanse(key, sizeof(key));
	for (i = 0; i < ns; i++)
		wxf_map_close(&s[i].m);
}

/* Decodes the .dat at it (below the account folder as rel) once; the cached result. */
static struct decoded *
decode_dat(wxf_desk *dk, const char *rel, const wxf_item *it)
{
	static const uint8_t v1_key[16] = "cfcd208495d565ef";
	struct decoded *d;
	wxf_dat_info in;
	wxf_media md;
	wxf_map m;
	wxf_err e;
	uint8_t *out = NULL, x = 0;
	size_t i, on = 0;
	char *name;

	for (i = 0; i < dk->n_dec; i++)
		if (strcmp(dk->dec[i].rel, rel) == 0)
			return &dk->dec[i];
	dk->dec = wxf_xrealloc(dk->dec, (dk->n_dec + 1) * sizeof(*dk->dec));
	d = &dk->dec[dk->n_dec++];
	memset(d, 0, sizeof(*d));
	d->rel = wxf_xstrdup(rel);
	wxf_err_clear(&e);
	if (it->size > WXF_DAT_MAX || wxf_map_open(&m, it->abs, &e) != WXF_OK) {
		if (e.code == WXF_ENOMEM)
			wxf_oom(0);
		return d;
	}
	if (wxf_dat_header(m.data, m.size, &in) == WXF_OK) {
		if (in.kind == WXF_DAT_XOR) {
			if (wxf_dat_decode(m.data, m.size, &in, NULL, 0, &out, &on, &e) == WXF_OK)
				snprintf(d->how, sizeof(d->how), "WeChat 3.x .dat: XOR 0x%02x found from the "
				    "%s signature", in.xor_key, in.type);
		} else if (in.kind == WXF_DAT_V1 || in.kind == WXF_DAT_V2) {
			const uint8_t *key = v1_key;
			int ok;

			if (in.kind == WXF_DAT_V2) {
				if (!dk->v2_tried)
					resolve_v2(dk);
				key = dk->v2_ok ? dk->v2_key : NULL;
				if (key == NULL)
					dk->stats.v2_undecoded++;
			}
			ok = key != NULL ? wxf_dat_key_ok(m.data, m.size, &in, key, NULL) : 0;
			if (ok < 0)
				wxf_oom(0);
			if (ok > 0) {
				if (!wxf_dat_tail_xor(m.data, m.size, &in, &x) && dk->v2_xor_known)
					x = dk->v2_xor;
				if (wxf_dat_decode(m.data, m.size, &in, key, x, &out, &on, &e) == WXF_OK)
					snprintf(d->how, sizeof(d->how), "WeChat 4.x .dat %s: AES-128-ECB (%s), "
					    "tail XOR 0x%02x", in.kind == WXF_DAT_V1 ? "V1" : "V2",
					    in.kind == WXF_DAT_V1 ? "the fixed V1 key" : "the account's V2 key",
					    x);
			}
		}
	}
	wxf_map_close(&m);
	if (e.code == WXF_ENOMEM)
		wxf_oom(0);        /* not an image that failed to decode: the run stops (exit 4) */
	if (out == NULL) {
		dk->stats.dat_failed++;
		return d;
	}
	/* the copy is named after the .dat, without its extension */
	name = wxf_xstrdup(wxf_path_base(rel));
	if (strlen(name) > 4 && strcmp(name + strlen(name) - 4, ".dat") == 0)
		name[strlen(name) - 4] = '\0';
	memset(&md, 0, sizeof(md));
	if (write_media(dk, name, out, on, &md, &e) == WXF_OK) {
		d->path = wxf_xstrdup(md.path);
		memcpy(d->sha256, md.sha256, sizeof(d->sha256));
		d->size = md.size;
		d->type = md.magic;
		dk->stats.dat_decoded++;
	} else if (e.code == WXF_ENOMEM)
		wxf_oom(0);
	else
		dk->stats.dat_failed++;
	free(name);
	free(out);
	return d;
}

int
wxf_desk_media_file(wxf_desk *dk, wxf_msg *msg, const char *role, const char *rel,
    const char *source, int required)
{
	wxf_model *m = dk->a->m;
	const wxf_item *it = wxf_desk_item(dk, rel);
	wxf_media md;
	size_t l = strlen(rel);

	memset(&md, 0, sizeof(md));
	md.role = role;
	md.expected = wxf_model_strdup(m, rel);
	md.source = source;
	md.size = -1;
	md.prov = msg->prov;
	md.state = it != NULL ? WXF_MEDIA_PRESENT : WXF_MEDIA_MISSING;
	if (it == NULL && !required)
		return WXF_OK;
	if (it != NULL) {
		md.path = wxf_model_strdup(m, it->path);
		memcpy(md.sha256, it->before.sha256, sizeof(md.sha256));
		md.size = (int64_t)it->size;
		md.magic = sniff_file(it->abs);
		dk->stats.media_present++;
	} else
		dk->stats.media_missing++;
	if (wxf_msg_add_media(m, msg, &md) != WXF_OK)
		return WXF_ENOMEM;
	if (it == NULL)
		return wxf_model_anomaly(m, WXF_SEV_WARN, "media-missing", msg->id, NULL, &msg->prov,
		    "%s file not in the evidence: %s", role, rel);
	if (l > 4 && strcmp(rel + l - 4, ".dat") == 0) {
		struct decoded *d = decode_dat(dk, rel, it);
		wxf_media x;

		if (d->path == NULL)
			return wxf_model_anomaly(m, WXF_SEV_WARN, "dat-undecoded", msg->id, NULL,
			    &msg->prov, "%s: the image .dat could not be decoded (no key or an unknown "
			    "layout); kept as it is", it->path);
		memset(&x, 0, sizeof(x));
		x.role = wxf_model_printf(m, "%s-decoded", role);
		x.expected = md.expected;
		x.path = wxf_model_strdup(m, d->path);
		x.state = WXF_MEDIA_PRESENT;
		memcpy(x.sha256, d->sha256, sizeof(x.sha256));
		x.size = d->size;
		x.magic = d->type;
		x.source = wxf_model_strdup(m, d->how);
		x.prov = msg->prov;
		if (wxf_msg_add_media(m, msg, &x) != WXF_OK)
			return WXF_ENOMEM;
	}
	return WXF_OK;
}

int
wxf_desk_media_blob(wxf_desk *dk, wxf_msg *msg, const char *role, const char *name,
    const uint8_t *data, size_t n, const char *source, const wxf_prov *prov, wxf_err *err)
{
	wxf_media md;
	int rc;

	memset(&md, 0, sizeof(md));
	md.role = role;
	md.expected = wxf_model_strdup(dk->a->m, name);
	md.source = source;
	md.prov = *prov;
	if ((rc = write_media(dk, name, data, n, &md, err)) != WXF_OK)
		return rc;
	dk->stats.blobs++;
	return wxf_msg_add_media(dk->a->m, msg, &md) == WXF_OK ? WXF_OK :
	    wxf_err_set(err, WXF_ENOMEM, "out of memory");
}

int
wxf_desk_media_missing(wxf_desk *dk, wxf_msg *msg, const char *role, const char *expected,
    const char *source)
{
	wxf_media md;

	memset(&md, 0, sizeof(md));
	md.role = role;
	md.expected = expected;
	md.source = source;
	md.size = -1;
	md.prov = msg->prov;
	md.state = WXF_MEDIA_MISSING;
	return wxf_msg_add_media(dk->a->m, msg, &md) == WXF_OK ? WXF_OK : WXF_ENOMEM;
}

/* ------------------------------------------------------------------------------ accounts */


/* The account in folder dir (seed: the item that named it). */
static int
make_account(const wxf_wc_driver *drv, const wxf_desk_layout *l, const wxf_inventory *inv,
    const char *dir, const wxf_item *seed, wxf_wc_acct **out, wxf_err *err)
{
	size_t i, n_dbs = 0, ld = strlen(dir);
	wxf_wc_dbent *dbs = NULL;
	char *dir_abs, *leaf, *id, suffix[8];
	const char *tail = seed->path + ld;
	size_t la = strlen(seed->abs), lt = strlen(tail);
	wxf_desk *dk = NULL;
	wxf_wc_acct *a;

	*out = NULL;
	for (i = 0; i < inv->n_items; i++) {
		const wxf_item *it = &inv->items[i];
		long k;
		int r;
		char *d = l->acct_of(it, &k, &r);

		if (d == NULL)
			continue;
		if (strcmp(d, dir) == 0) {
			dbs = wxf_xrealloc(dbs, (n_dbs + 1) * sizeof(*dbs));
			dbs[n_dbs].it = it;
			dbs[n_dbs].rank = r;
			dbs[n_dbs++].n = k;
		}
		free(d);
	}
	if (n_dbs > 1)
		qsort(dbs, n_dbs, sizeof(*dbs), wxf_wc_dbent_cmp);
	dir_abs = la > lt ? wxf_xstrndup(seed->abs, la - lt) : wxf_xstrdup(seed->abs);
	leaf = wxf_xasprintf("work/%s-%s", l->kind, wxf_path_base(dir));
	suffix[0] = '\0';
	id = l->account_id != NULL ? l->account_id(wxf_path_base(dir), suffix) :
	    wxf_xstrdup(wxf_path_base(dir));
	a = wxf_wc_acct_new(drv, inv, seed->root, id, dir, dir_abs, leaf);
	free(dir_abs);
	free(leaf);
	if (a == NULL || (dk = wxf_desk_new(a)) == NULL || l->attach(a, dk, id, suffix) != WXF_OK) {
		wxf_desk_free(&dk);
		free(id);
		free(dbs);
		wxf_wc_acct_free(&a);
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	}
	free(id);
	for (i = 0; i < n_dbs; i++) {
		const wxf_item *it = dbs[i].it;
		int r = dbs[i].rank;
		int k = wxf_wc_acct_add_db(a, it, l->roles[r], l->kind, r == l->contact_rank ||
		    r == l->message_rank, r == l->message_rank);

		if (k < 0) {
			free(dbs);
			wxf_wc_acct_free(&a);
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
		}
		/* a database already decrypted: its -wal is applied and carved as it is */
		if (it->kind == WXF_KIND_SQLITE) {
			char *wp = wxf_xasprintf("%s-wal", it->path);
			const wxf_item *wal = wxf_inventory_find(inv, wp);

			free(wp);
			if (wal != NULL && wal->size > 0) {
				a->dbs[k].wal_item = wal;
				a->dbs[k].wal_abs = wxf_xstrdup(wal->abs);
			}
		}
	}
	free(dbs);
	*out = a;
	return WXF_OK;
}

int
wxf_desk_accounts(const wxf_wc_driver *drv, const wxf_desk_layout *l,
    const wxf_inventory *inv, wxf_wc_acct ***v, size_t *n, wxf_err *err)
{
	wxf_strmap seen = WXF_STRMAP_INIT;    /* account folder -> its account (keys: a->dir) */
	size_t i;
	int rc = WXF_OK;

	for (i = 0; i < inv->n_items && rc == WXF_OK; i++) {
		const wxf_item *it = &inv->items[i];
		wxf_wc_acct *a, **nv;
		long k;
		int r;
		char *d = l->acct_of(it, &k, &r);

		if (d == NULL)
			continue;
		if (wxf_strmap_get(&seen, d) != NULL || (r != l->contact_rank &&
		    r != l->message_rank)) {
			free(d);
			continue;
		}
		rc = make_account(drv, l, inv, d, it, &a, err);
		free(d);
		if (rc != WXF_OK)
			break;
		if ((nv = realloc(*v, (*n + 1) * sizeof(**v))) == NULL ||
		    wxf_strmap_put(&seen, a->dir, a) != WXF_OK) {
			if (nv != NULL)
				*v = nv;
			wxf_wc_acct_free(&a);
			rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
			break;
		}
		*v = nv;
		(*v)[(*n)++] = a;
	}
	wxf_strmap_free(&seen);
	return rc;
}

/* ------------------------------------------------------------------------------ rows */

const wxf_sqlval *
wxf_desk_col(const wxf_sqlrow *r, const char *name)
{
	int i = r->table != NULL ? wxf_sqlite_col(r->table, name) : -1;

	return i < 0 || i >= r->n_vals ? NULL : &r->vals[i];
}

const char *
wxf_desk_str(wxf_model *m, const wxf_sqlrow *r, const char *name)
{
	const wxf_sqlval *v = wxf_desk_col(r, name);
	const uint8_t *z;
	size_t n;

	if (v == NULL)
		return NULL;
	if (v->type == WXF_SQL_INT)
		return wxf_model_printf(m, "%lld", (long long)v->i);
	if (v->type != WXF_SQL_TEXT && v->type != WXF_SQL_BLOB)
		return NULL;
	z = memchr(v->p, '\0', v->n);
	n = z != NULL ? (size_t)(z - v->p) : v->n;
	return n == 0 ? NULL : wxf_model_strndup(m, (const char *)v->p, n);
}

int64_t
wxf_desk_int(const wxf_sqlrow *r, const char *name)
{
	const wxf_sqlval *v = wxf_desk_col(r, name);

	if (v == NULL || v->type == WXF_SQL_NULL)
		return WXF_INT_UNKNOWN;
	if (v->type == WXF_SQL_INT)
		return v->i;
	if (v->type == WXF_SQL_TEXT)
		return wxf_sqlval_int(v, WXF_INT_UNKNOWN);
	return WXF_INT_UNKNOWN;
}

wxf_prov
wxf_desk_row_prov(const wxf_sqlrow *r, const char *file, const char *image, const char *wal,
    const char *wal_image)
{
	wxf_prov p;

	memset(&p, 0, sizeof(p));
	p.file = r->wal_frame != 0 && wal != NULL ? wal : file;
	p.image = r->wal_frame != 0 && wal != NULL ? wal_image : image;
	p.table = r->table != NULL ? r->table->name : NULL;
	p.rowid = r->rowid;
	p.pgno = r->pgno;
	p.frame = r->wal_frame;
	p.offset = r->offset;
	p.length = r->length;
	p.origin = WXF_ORIGIN_LIVE;
	p.status = WXF_STATUS_INTACT;
	p.confidence = 100;
	return p;
}

int
wxf_desk_scan(wxf_sqlite_db *db, const char *name, wxf_model *m, const char *file,
    const char *image, int (*cb)(void *arg, const wxf_sqlrow *row), void *arg, wxf_err *err)
{
	const wxf_sqlite_obj *t = wxf_sqlite_table(db, name);
	wxf_err e;
	int rc;

	if (t == NULL || t->rootpage == 0)
		return WXF_OK;
	wxf_err_clear(&e);
	rc = wxf_sqlite_scan(db, t, cb, arg, &e);
	if (rc != WXF_OK && rc != WXF_ECORRUPT && e.code == WXF_OK)
		return rc;         /* the callback's own error (err set there) */
	return wxf_wc_scan_outcome(m, file, image, t, rc, &e, err);
}

void
wxf_desk_dbref_init(wxf_desk_dbref *r, wxf_model *m, wxf_sqlite_db *db,
    const char *evidence, const char *image, const char *wal, const char *wal_image)
{
	r->db = db;
	r->evidence = wxf_model_strdup(m, evidence);
	r->image = wxf_model_strdup(m, image);
	r->wal = wxf_model_strdup(m, wal);
	r->wal_image = wxf_model_strdup(m, wal_image);
}

wxf_prov
wxf_desk_dbref_prov(const wxf_desk_dbref *r, const wxf_sqlrow *row, const wxf_prov *prov_in)
{
	wxf_prov p = prov_in != NULL ? *prov_in : wxf_desk_row_prov(row, r->evidence, r->image,
	    r->wal, r->wal_image);

	if (p.table == NULL && row->table != NULL)
		p.table = row->table->name;
	if (p.file == NULL)
		p.file = r->evidence;
	return p;
}

int
wxf_desk_dbref_scan(const wxf_desk_dbref *r, const char *name, wxf_model *m,
    int (*cb)(void *arg, const wxf_sqlrow *row), void *arg, wxf_err *err)
{
	return wxf_desk_scan(r->db, name, m, r->evidence, r->image, cb, arg, err);
}

int
wxf_desk_tname_is(const wxf_sqlrow *r, const char *name)
{
	return r->table != NULL && r->table->name != NULL && strcasecmp(r->table->name, name) == 0;
}

const char *
wxf_desk_svr_key(wxf_model *m, int64_t v)
{
	return v != WXF_INT_UNKNOWN && v != 0 ? wxf_model_printf(m, "%lld", (long long)v) : NULL;
}

int
wxf_desk_md5_hex(const char *s, char out[33])
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < 32; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return 0;
		out[i] = (char)(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
	}
	out[32] = '\0';
	return 1;
}

int
wxf_desk_md5_table(const wxf_sqlite_obj *t, const char *prefix, char md5hex[33])
{
	size_t lp = strlen(prefix);

	if (t == NULL || t->name == NULL || t->type == NULL || strcmp(t->type, "table") != 0 ||
	    strncmp(t->name, prefix, lp) != 0 || strlen(t->name) != lp + 32)
		return 0;
	return wxf_desk_md5_hex(t->name + lp, md5hex);
}

int
wxf_desk_img_md5(const char *content, char out[33])
{
	const char *p = content != NULL ? strstr(content, " md5=\"") : NULL;

	return p != NULL && wxf_desk_md5_hex(p + 6, out) && p[6 + 32] == '"';
}

int
wxf_desk_lz4(const uint8_t *p, size_t n, size_t max, char **out, size_t *out_n)
{
	size_t cap = n * 4 + 64;
	char *b = NULL;

	*out = NULL;
	*out_n = 0;
	if (n == 0 || n > INT32_MAX)
		return WXF_ECORRUPT;
	for (;;) {
		char *nb;
		int r;

		if (cap > max)
			cap = max;
		if ((nb = realloc(b, cap + 1)) == NULL) {
			free(b);
			return WXF_ENOMEM;
		}
		b = nb;
		r = LZ4_decompress_safe((const char *)p, b, (int)n, (int)(cap > INT32_MAX ? INT32_MAX :
		    cap));
		if (r >= 0) {
			b[r] = '\0';
			*out = b;
			*out_n = (size_t)r;
			return WXF_OK;
		}
		/* a block that does not fit decodes to an error too: grow, up to max */
		if (cap >= max) {
			free(b);
			return WXF_ECORRUPT;
		}
		cap *= 4;
	}
}

int
wxf_desk_zstd(const uint8_t *p, size_t n, size_t max, char **out, size_t *out_n)
{
	unsigned long long want;
	ZSTD_DCtx *z;
	ZSTD_inBuffer in = { p, n, 0 };
	ZSTD_outBuffer o;
	size_t r = 1, cap;
	char *b;

	*out = NULL;
	*out_n = 0;
	if (n < 4 || p[0] != 0x28 || p[1] != 0xb5 || p[2] != 0x2f || p[3] != 0xfd)
		return WXF_ECORRUPT;
	if (ZSTD_getDictID_fromFrame(p, n) != 0)
		return WXF_ENOTFOUND;
	want = ZSTD_getFrameContentSize(p, n);
	cap = want != ZSTD_CONTENTSIZE_UNKNOWN && want != ZSTD_CONTENTSIZE_ERROR && want <= max ?
	    (size_t)want : max;
	if ((z = ZSTD_createDCtx()) == NULL || (b = malloc(cap + 1)) == NULL) {
		ZSTD_freeDCtx(z);
		return WXF_ENOMEM;
	}
	o.dst = b;
	o.size = cap;
	o.pos = 0;
	while (r != 0 && in.pos < in.size && o.pos < o.size) {
		r = ZSTD_decompressStream(z, &o, &in);
		if (ZSTD_isError(r))
			break;
	}
	ZSTD_freeDCtx(z);
	if (ZSTD_isError(r) || r != 0) {
		free(b);
		return WXF_ECORRUPT;
	}
	b[o.pos] = '\0';
	*out = b;
	*out_n = o.pos;
	return WXF_OK;
}
