/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Android EnMicroMsg.db keys: passphrase = first 7 lowercase hex digits of
 * md5(device id + uin) (WX7 com/tencent/mm/cd/a.java), profile `android`; the full-text index
 * FTS5IndexMicroMsg_encrypt.db: md5(uin + device id + wxid)[:7], same profile.
 * See ../shared/formats/wechat-android-ios.md §1.2-1.4.
 *
 * Sources, relative to the app data root (the directory holding shared_prefs/ and MicroMsg/):
 *   uin   shared_prefs/system_config_prefs.xml       <int name="default_uin" value="..."/>
 *         shared_prefs/auth_info_key_prefs.xml        <int name="_auth_uin" value="..."/>
 *         shared_prefs/com.tencent.mm_preferences.xml <string name="last_login_uin">...</string>
 *         MicroMsg/systemInfo.cfg                     Java HashMap, key 1 (Integer)
 *   id    MicroMsg/CompatibleInfo.cfg                 Java HashMap, key 258 (String)
 *         other string values of that map, examiner --imei, then "1234567890ABCDEF"
 * A negative uin is tried signed and as unsigned (+2^32).  Prefs XML is read through
 * base/wxf_xml.h (hardened: a DOCTYPE is refused, sizes and depth bounded); a refused file
 * becomes a note and the other sources still count.
 */
#include "config.h"
#include "wechat/wc_android_keys.h"
#include "base/wxf_buf.h"
#include "base/wxf_file.h"
#include "base/wxf_hash.h"
#include "base/wxf_mem.h"
#include "base/wxf_xml.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FALLBACK_ID "1234567890ABCDEF"
#define MAX_CFG (4u << 20)

static void
add_line(char **list, const char *line)
{
	wxf_buf b;

	wxf_buf_init(&b);
	if (*list)
		wxf_buf_puts(&b, *list);
	wxf_buf_puts(&b, line);
	wxf_buf_putc(&b, '\n');
	free(*list);
	*list = wxf_buf_steal(&b);
}

static void
note(wxf_android_inputs *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
note(wxf_android_inputs *in, const char *fmt, ...)
{
	va_list ap;
	char line[768];

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	add_line(&in->notes, line);
}

/* A note about a file whose bytes are damaged (also listed in in->damaged). */
static void
note_damaged(wxf_android_inputs *in, const char *file, const char *why)
{
	char line[768];

	snprintf(line, sizeof(line), "%s: %s", file, why);
	add_line(&in->notes, line);
	add_line(&in->damaged, line);
}

static void
add_cand(wxf_android_cand **v, size_t *n, const char *value, const char *source, int matches)
{
	size_t i;

	if (value == NULL || *value == '\0' || strlen(value) >= sizeof((*v)->value))
		return;
	for (i = 0; i < *n; i++) {
		if (strcmp((*v)[i].value, value) == 0) {
			size_t l = strlen((*v)[i].source);

			if (strstr((*v)[i].source, source) == NULL)
				snprintf((*v)[i].source + l, sizeof((*v)[i].source) - l, "; %s", source);
			return;
		}
	}
	*v = wxf_xrealloc(*v, (*n + 1) * sizeof(**v));
	memset(&(*v)[*n], 0, sizeof(**v));
	snprintf((*v)[*n].value, sizeof((*v)[*n].value), "%s", value);
	snprintf((*v)[*n].source, sizeof((*v)[*n].source), "%s", source);
	(*v)[*n].matches_acct = matches;
	(*n)++;
}

static int
uin_matches(const char *uin, const char *acct_dir)
{
	char buf[64], hex[33];
	const char *base;

	if (acct_dir == NULL)
		return 0;
	base = wxf_path_base(acct_dir);
	snprintf(buf, sizeof(buf), "mm%s", uin);
	wxf_md5_hex(buf, strlen(buf), hex);
	return strncmp(base, hex, 32) == 0 && (base[32] == '\0' || base[32] == '/');
}

static int
plausible_uin(const char *s)
{
	size_t i = 0, n = strlen(s);

	if (n == 0 || n > 20)
		return 0;
	if (s[0] == '-')
		i = 1;
	if (i == n)
		return 0;
	for (; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return strcmp(s, "0") != 0;
}

static void
add_uin(wxf_android_inputs *in, const char *acct_dir, const char *value, const char *source)
{
	char src[300];

	if (!plausible_uin(value)) {
		note(in, "%s: value '%.40s' is not a uin, ignored", source, value);
		return;
	}
	add_cand(&in->uins, &in->n_uins, value, source, uin_matches(value, acct_dir));
	if (value[0] == '-') {
		long long v = strtoll(value, NULL, 10);
		char u[24];

		if (v >= INT32_MIN) {
			snprintf(u, sizeof(u), "%lld", v + 4294967296LL);
			snprintf(src, sizeof(src), "%s (as unsigned)", source);
			add_cand(&in->uins, &in->n_uins, u, src, uin_matches(u, acct_dir));
		}
	}
}

struct prefs_find {
	const char *key;
	char *out;
	int oom;
};

static int
prefs_entry(void *arg, const char *name, const char *value)
{
	struct prefs_find *f = arg;

	if (strcmp(name, f->key) != 0 || value == NULL)
		return 0;
	f->out = strdup(value);
	f->oom = f->out == NULL;
	return 1;
}

/* Value of the prefs entry `key` (int/long value attribute or string text), malloc'd; NULL
 * with the reason in why (a refused or malformed file, no such entry). */
static char *
prefs_value(const char *path, const char *key, char *why, size_t why_n)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	struct prefs_find f = { key, NULL, 0 };
	const char *bad = NULL;
	wxf_err e;
	int rc;

	why[0] = '\0';
	wxf_err_clear(&e);
	if (wxf_file_read_small(path, MAX_CFG, &buf, &len, &e) != WXF_OK) {
		if (e.code == WXF_ENOMEM)
			wxf_oom(MAX_CFG);
		snprintf(why, why_n, "%.400s", e.msg);
		return NULL;
	}
	rc = wxf_xml_prefs((const char *)buf, len, prefs_entry, &f, &bad);
	if (rc == WXF_ENOMEM)
		wxf_oom(len);   /* a key input must not become "damaged" for want of memory */
	if (rc != WXF_OK)
		snprintf(why, why_n, "not read: %s", bad);
	free(buf);
	if (f.oom)
		wxf_oom(len);   /* a key input must not become "damaged" for want of memory */
	if (f.out == NULL && !why[0])
		snprintf(why, why_n, "no entry '%s'", key);
	return f.out;
}

static int
read_cfg(const char *path, wxf_jmap *m, char *why, size_t why_n)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	wxf_err e;
	int rc;

	why[0] = '\0';
	wxf_err_clear(&e);
	memset(m, 0, sizeof(*m));
	if (wxf_file_read_small(path, MAX_CFG, &buf, &len, &e) != WXF_OK) {
		if (e.code == WXF_ENOMEM)
			wxf_oom(MAX_CFG);
		snprintf(why, why_n, "%.400s", e.msg);
		return -1;
	}
	rc = wxf_jser_read_map(buf, len, m, &e);
	free(buf);
	if (rc == WXF_ENOMEM || e.code == WXF_ENOMEM)
		wxf_oom(len);   /* a key input must not become "damaged" for want of memory */
	if (rc != WXF_OK) {
		snprintf(why, why_n, "%.400s%s", e.msg, m->n ? " (entries before the damage kept)" : "");
		if (m->n == 0) {
			wxf_jmap_free(m);
			return -1;
		}
	}
	return 0;
}

/* 1 when a key-input file is simply absent (not damage). */
static int
cfg_missing(const char *path)
{
	struct stat st;

	return stat(path, &st) != 0;
}

static void
jval_text(const wxf_jval *v, char *out, size_t n)
{
	out[0] = '\0';
	if (v->kind == WXF_JV_INT || v->kind == WXF_JV_LONG)
		snprintf(out, n, "%lld", (long long)v->i);
	else if (v->kind == WXF_JV_STRING)
		snprintf(out, n, "%s", v->s);
}

static int
plausible_id(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 8 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return 0;
	return 1;
}

int
wxf_android_inputs_collect(const char *app_root, const char *acct_dir, const wxf_android_hints *o,
    wxf_android_inputs *in, wxf_err *err)
{
	static const struct { const char *file, *key; } prefs[] = {
		{ "shared_prefs/system_config_prefs.xml", "default_uin" },
		{ "shared_prefs/auth_info_key_prefs.xml", "_auth_uin" },
		{ "shared_prefs/com.tencent.mm_preferences.xml", "last_login_uin" },
	};
	char why[512], src[300], val[128];
	wxf_jmap m;
	size_t i;

	memset(in, 0, sizeof(*in));
	for (i = 0; o != NULL && o->uins != NULL && o->uins[i] != NULL; i++)
		add_uin(in, acct_dir, o->uins[i], "given by the examiner (--uin)");
	if (app_root != NULL) {
		for (i = 0; i < sizeof(prefs) / sizeof(prefs[0]); i++) {
			char *path = wxf_path_join(app_root, prefs[i].file);
			const char *shown = prefs[i].file;
			char *v, alt_shown[96];

			/* adb backup layout: app root apps/<pkg>/r/, shared_prefs in apps/<pkg>/sp/ */
			if (!wxf_is_file(path) && strcmp(wxf_path_base(app_root), "r") == 0) {
				char *alt = wxf_xasprintf("%s/../sp/%s", app_root,
				    wxf_path_base(prefs[i].file));

				if (wxf_is_file(alt)) {
					free(path);
					path = alt;
					snprintf(alt_shown, sizeof(alt_shown), "sp/%s (adb backup layout)",
					    wxf_path_base(prefs[i].file));
					shown = alt_shown;
				} else
					free(alt);
			}
			v = prefs_value(path, prefs[i].key, why, sizeof(why));
			snprintf(src, sizeof(src), "%s %s", shown, prefs[i].key);
			if (v != NULL)
				add_uin(in, acct_dir, v, src);
			else
				note(in, "%s: %s", shown, why);
			free(v);
			free(path);
		}
		{
			char *path = wxf_path_join(app_root, "MicroMsg/systemInfo.cfg");

			if (read_cfg(path, &m, why, sizeof(why)) == 0) {
				const wxf_jval *v = wxf_jmap_get_int(&m, 1);

				if (why[0])
					note_damaged(in, "MicroMsg/systemInfo.cfg", why);
				if (v != NULL) {
					jval_text(v, val, sizeof(val));
					add_uin(in, acct_dir, val, "MicroMsg/systemInfo.cfg key 1");
				} else
					note(in, "MicroMsg/systemInfo.cfg: no key 1 among %zu entries", m.n);
				wxf_jmap_free(&m);
			} else if (cfg_missing(path))
				note(in, "MicroMsg/systemInfo.cfg: %s", why);
			else
				note_damaged(in, "MicroMsg/systemInfo.cfg", why);
			free(path);
		}
		{
			char *path = wxf_path_join(app_root, "MicroMsg/CompatibleInfo.cfg");

			if (read_cfg(path, &m, why, sizeof(why)) == 0) {
				const wxf_jval *v = wxf_jmap_get_int(&m, 258);

				if (why[0])
					note_damaged(in, "MicroMsg/CompatibleInfo.cfg", why);
				if (v != NULL && v->kind == WXF_JV_STRING)
					add_cand(&in->ids, &in->n_ids, v->s,
					    "MicroMsg/CompatibleInfo.cfg key 258", 0);
				else
					note(in, "MicroMsg/CompatibleInfo.cfg: no string under key 258");
				for (i = 0; i < m.n; i++) {
					const wxf_jmap_entry *e = &m.e[i];

					if (e->val.kind != WXF_JV_STRING || !plausible_id(e->val.s))
						continue;
					jval_text(&e->key, val, sizeof(val));
					snprintf(src, sizeof(src), "MicroMsg/CompatibleInfo.cfg key %s", val);
					add_cand(&in->ids, &in->n_ids, e->val.s, src, 0);
				}
				wxf_jmap_free(&m);
			} else if (cfg_missing(path))
				note(in, "MicroMsg/CompatibleInfo.cfg: %s", why);
			else
				note_damaged(in, "MicroMsg/CompatibleInfo.cfg", why);
			free(path);
		}
	} else
		note(in, "app data root (shared_prefs/, MicroMsg/) not found");
	for (i = 0; o != NULL && o->imeis != NULL && o->imeis[i] != NULL; i++)
		add_cand(&in->ids, &in->n_ids, o->imeis[i], "given by the examiner (--imei)", 0);
	add_cand(&in->ids, &in->n_ids, FALLBACK_ID,
	    "WeChat fallback device id (no IMEI available)", 0);
	/* uins that match the account folder first */
	for (i = 1; i < in->n_uins; i++) {
		size_t j = i;

		while (j > 0 && in->uins[j].matches_acct && !in->uins[j - 1].matches_acct) {
			wxf_android_cand t = in->uins[j];

			in->uins[j] = in->uins[j - 1];
			in->uins[j - 1] = t;
			j--;
		}
	}
	(void)err;
	return WXF_OK;
}

void
wxf_android_inputs_free(wxf_android_inputs *in)
{
	free(in->uins);
	free(in->ids);
	free(in->notes);
	free(in->damaged);
	memset(in, 0, sizeof(*in));
}

/* ------------------------------------------------------------------ tree walking */

static int
has_dir(const char *dir, const char *name)
{
	char *p = wxf_path_join(dir, name);
	int r = wxf_is_dir(p);

	free(p);
	return r;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Depth-first, sorted, no symlinks followed.  mode 0: find dirs holding MicroMsg/ (first hit);
 * mode 1: collect dirs holding a file EnMicroMsg.db. */
static void
walk(const char *dir, int depth, int mode, char ***hits, size_t *n)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t nn = 0, cap = 0, i;

	if (depth < 0 || (mode == 0 && *n > 0))
		return;
	if (mode == 0 && has_dir(dir, "MicroMsg")) {
		*hits = wxf_xrealloc(*hits, (*n + 2) * sizeof(char *));
		(*hits)[(*n)++] = wxf_xstrdup(dir);
		(*hits)[*n] = NULL;
		return;
	}
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		wxf_xgrow((void **)&names, &cap, nn + 1, sizeof(char *));
		names[nn++] = wxf_xstrdup(de->d_name);
	}
	closedir(d);
	if (nn > 1)
		qsort(names, nn, sizeof(char *), cmp_str);
	for (i = 0; i < nn; i++) {
		char *p = wxf_path_join(dir, names[i]);
		struct stat st;

		if (lstat(p, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				walk(p, depth - 1, mode, hits, n);
			else if (mode == 1 && S_ISREG(st.st_mode) && strcmp(names[i], "EnMicroMsg.db") == 0) {
				*hits = wxf_xrealloc(*hits, (*n + 2) * sizeof(char *));
				(*hits)[(*n)++] = wxf_xstrdup(dir);
				(*hits)[*n] = NULL;
			}
		}
		free(p);
		free(names[i]);
	}
	free(names);
}


char *
wxf_android_app_root(const char *tree_root, const char *acct_dir)
{
	char **hits = NULL, *r = NULL;
	size_t n = 0;

	if (acct_dir != NULL) {
		char *par = wxf_path_dir(acct_dir), *gp = wxf_path_dir(par);

		if (has_dir(gp, "MicroMsg"))
			r = gp;
		else
			free(gp);
		free(par);
		if (r != NULL)
			return r;
	}
	if (tree_root == NULL)
		return NULL;
	walk(tree_root, 8, 0, &hits, &n);
	if (n > 0)
		r = hits[0];
	free(hits);
	return r;
}

char **
wxf_android_find_accounts(const char *tree_root)
{
	char **hits = NULL;
	size_t n = 0;

	walk(tree_root, 10, 1, &hits, &n);
	return hits;
}

/* ------------------------------------------------------------------ derivation */

void
wxf_android_pass(const char *device_id, const char *uin, char out[8])
{
	char buf[300], hex[33];
	int n = snprintf(buf, sizeof(buf), "%s%s", device_id, uin);

	if (n < 0 || (size_t)n >= sizeof(buf))
		n = (int)sizeof(buf) - 1;
	wxf_md5_hex(buf, (size_t)n, hex);
	memcpy(out, hex, 7);
	out[7] = '\0';
}

/* Records uin and device id as the key's inputs (report rows and audit members). */
void
wxf_android_key_inputs(wxf_key *k, const wxf_android_cand *uin, const wxf_android_cand *id)
{
	k->n_inputs = 0;
	wxf_key_add_input(k, "uin", uin->value, uin->source, "UIN", "uin and where it was read",
	    "uin ");
	wxf_key_add_input(k, "device_id", id->value, id->source, "设备标识",
	    "device id (IMEI) and where it was read", "");
}

int
wxf_android_key_derive(const char *db_path, const wxf_android_inputs *in, wxf_key *k,
    uint64_t *n_tried, wxf_err *err)
{
	const wxf_profile *p = wxf_profile_find("android");
	wxf_map m;
	size_t i, j;
	uint64_t tried = 0;
	int rc;

	memset(k, 0, sizeof(*k));
	if (n_tried)
		*n_tried = 0;
	if ((rc = wxf_map_open(&m, db_path, err)) != WXF_OK)
		return rc;
	if (m.size < p->page_size) {
		wxf_map_close(&m);
		return wxf_err_setx(err, WXF_ECORRUPT, WXF_SEV_FATAL, __FILE__, __LINE__, 1, 0,
		    "%s: too short for an encrypted database (%zu bytes)", db_path, m.size);
	}
	for (i = 0; i < in->n_ids; i++) {
		for (j = 0; j < in->n_uins; j++) {
			wxf_key cand;
			char pass[8];

			memset(&cand, 0, sizeof(cand));
			wxf_android_pass(in->ids[i].value, in->uins[j].value, pass);
			memcpy(cand.bytes, pass, 7);
			cand.len = 7;
			tried++;
			int ko = wxf_key_opens(p, m.data, m.size, &cand);

			if (ko < 0)
				wxf_oom(0);     /* not "none of the candidates opens page 1" */
			if (!ko) {
				wxf_key_clear(&cand);
				continue;
			}
			*k = cand;
			wxf_key_clear(&cand);
			k->source = WXF_KEYSRC_DERIVED;
			wxf_android_key_inputs(k, &in->uins[j], &in->ids[i]);
			snprintf(k->how, sizeof(k->how), "derived: md5(device id \"%.64s\" [%.200s] + "
			    "uin \"%.23s\" [%.200s]) first 7 hex digits%s; opens page 1 (profile android), "
			    "candidate %llu of %zu", in->ids[i].value, in->ids[i].source,
			    in->uins[j].value, in->uins[j].source,
			    in->uins[j].matches_acct ? "; uin matches the account folder md5(\"mm\"+uin)" : "",
			    (unsigned long long)tried, in->n_ids * in->n_uins);
			wxf_map_close(&m);
			if (n_tried)
				*n_tried = tried;
			return WXF_OK;
		}
	}
	wxf_map_close(&m);
	if (n_tried)
		*n_tried = tried;
	return wxf_err_set(err, WXF_EKEY, "%s: none of %llu candidate keys (%zu uin(s) x %zu device "
	    "id(s)) opens page 1; give --imei/--uin, or search the key space with 'wxforensic key "
	    "search'", db_path, (unsigned long long)tried, in->n_uins, in->n_ids);
}
