/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Huawei HiSuite / KoBackup unpacking (format and schemes: huawei.h).
 *
 * Steps of wxf_huawei_unpack:
 *   (1) info.xml → wxf_hw_info (base/wxf_xml.h's hardened parse, WXF_HW_MAX_* limits);
 *   (2) scheme and password check (checkMsg for the older scheme; for HiSuite 14 the
 *       checkMsgV3 HMAC of each archive, else its GCM tag) — a wrong password stops here;
 *   (3) each com.tencent.mm*.tar: hashed, decrypted by streaming into work_dir/<name>.plain,
 *       extracted from a read-only mapping by intake's tar reader into work_dir/<name>/.
 */
#include "config.h"
#include "intake/huawei.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "base/wxf_file.h"
#include "base/wxf_hash.h"
#include "base/wxf_xml.h"
#include "intake/intake.h"

#define CHUNK ((size_t)1 << 20)
#define KDF_ITER 5000

const char *
wxf_hw_scheme_name(wxf_hw_scheme s)
{
	static const char *const n[] = { "unknown", "v3 (password as backup key)",
	    "older scheme (e_perbackupkey, AES-256-CTR)", "HiSuite 14 (AES-256-GCM, checkMsgV3)" };
	return (unsigned)s <= WXF_HW_SCHEME_V14 ? n[s] : "unknown";
}

/* ------------------------------------------------------------------ info.xml */

static size_t
unhex_field(const char *s, uint8_t *out, size_t max)
{
	size_t n = s != NULL ? strlen(s) : 0;

	/* exactly `max` bytes or nothing: a short salt or key is never half-used */
	if (n != 2 * max || wxf_unhex(s, out, max) != 0)
		return 0;
	return n / 2;
}

static char *
xstr(const xmlChar *s)
{
	return s != NULL ? strdup((const char *)s) : NULL;
}

static int
set_str(char **dst, const char *v)
{
	if (*dst != NULL || v == NULL)
		return 0;
	*dst = strdup(v);
	return *dst == NULL ? -1 : 0;
}

int
wxf_hw_info_parse(const uint8_t *xml, size_t n, wxf_hw_info *info, wxf_err *err)
{
	/* HiSuite writes no DTD (refused: it could declare entities) and a flat table */
	static const wxf_xml_limits info_limits = { WXF_HW_MAX_INFO, WXF_HW_MAX_DEPTH,
	    WXF_HW_MAX_NODES };
	xmlDocPtr doc;
	xmlNodePtr root;
	const char *why = NULL;
	int rc = WXF_OK;
	size_t cap = 0, at;

	memset(info, 0, sizeof(*info));
	info->type_attch = -1;
	if (n > WXF_HW_MAX_INFO)
		return wxf_err_set(err, WXF_ECORRUPT, "info.xml: %zu bytes, over the %zu limit", n,
		    WXF_HW_MAX_INFO);
	doc = wxf_xml_parse_at((const char *)xml, n, &info_limits, &why, &at);
	if (doc == NULL && why == wxf_xml_enomem)
		return wxf_err_set(err, WXF_ENOMEM, "info.xml: out of memory");
	if (doc == NULL && at != (size_t)-1)
		return WXF_CORRUPT(err, -1, (int64_t)at, "info.xml: %s (start tag at byte %zu)", why,
		    at);
	if (doc == NULL)
		return wxf_err_set(err, WXF_ECORRUPT, "info.xml: %s", why);
	root = xmlDocGetRootElement(doc);
	if (xmlStrcmp(root->name, BAD_CAST "info.xml") != 0) {
		xmlFreeDoc(doc);
		return wxf_err_set(err, WXF_ECORRUPT, "info.xml: root element is not <info.xml>");
	}
	for (xmlNodePtr row = root->children; row != NULL && rc == WXF_OK; row = row->next) {
		xmlChar *table;
		char *mname = NULL, *menc = NULL;
		int is_module;

		if (row->type != XML_ELEMENT_NODE || xmlStrcmp(row->name, BAD_CAST "row") != 0)
			continue;
		info->n_rows++;
		table = xmlGetProp(row, BAD_CAST "table");
		is_module = table != NULL && xmlStrcmp(table, BAD_CAST "BackupFileModuleInfo") == 0;
		for (xmlNodePtr col = row->children; col != NULL; col = col->next) {
			xmlChar *name;
			xmlNodePtr v;
			char *val = NULL;

			if (col->type != XML_ELEMENT_NODE || xmlStrcmp(col->name, BAD_CAST "column"))
				continue;
			name = xmlGetProp(col, BAD_CAST "name");
			for (v = col->children; v != NULL; v = v->next)
				if (v->type == XML_ELEMENT_NODE && xmlStrcmp(v->name, BAD_CAST "value") == 0)
					break;
			if (name == NULL || v == NULL || v->properties == NULL) {
				xmlFree(name);
				continue;
			}
			if (xmlStrcmp(v->properties->name, BAD_CAST "Null") != 0) {
				xmlChar *s = xmlNodeGetContent((xmlNodePtr)v->properties);

				val = xstr(s);
				xmlFree(s);
				if (s != NULL && val == NULL)
					rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
			}
#define IS(x) (xmlStrcmp(name, BAD_CAST(x)) == 0)
			if (val == NULL)
				;
			else if (IS("e_perbackupkey"))
				info->e_perbackupkey_n = unhex_field(val, info->e_perbackupkey, 48);
			else if (IS("pwkey_salt"))
				info->pwkey_salt_n = unhex_field(val, info->pwkey_salt, 32);
			else if (IS("checkMsg"))
				info->check_msg_n = unhex_field(val, info->check_msg, 64);
			else if (IS("checkMsgV3") && set_str(&info->check_msg_v3, val))
				rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
			else if (IS("type_attch"))
				info->type_attch = strtoll(val, NULL, 10);
			else if ((IS("productBrand") && set_str(&info->brand, val)) ||
			    (IS("productModel") && set_str(&info->model, val)) ||
			    (IS("osVersion") && set_str(&info->os_version, val)) ||
			    (IS("backupVersion") && set_str(&info->backup_version, val)))
				rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
			else if (is_module && IS("name") && mname == NULL)
				mname = val, val = NULL;
			else if (is_module && IS("encMsgV3") && menc == NULL)
				menc = val, val = NULL;
#undef IS
			free(val);
			xmlFree(name);
		}
		xmlFree(table);
		if (is_module && mname != NULL && rc == WXF_OK) {
			wxf_hw_module *m;

			if (info->n_modules + 1 > cap) {
				size_t nc = cap ? cap * 2 : 8;
				void *p = realloc(info->modules, nc * sizeof(*info->modules));

				if (p == NULL) {
					rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
					free(mname);
					free(menc);
					break;
				}
				info->modules = p;
				cap = nc;
			}
			m = &info->modules[info->n_modules++];
			memset(m, 0, sizeof(*m));
			m->name = mname;
			mname = NULL;
			m->has_enc = unhex_field(menc, m->enc, 48) == 48;
		}
		free(mname);
		free(menc);
	}
	xmlFreeDoc(doc);
	return rc;
}

void
wxf_hw_info_free(wxf_hw_info *info)
{
	if (info == NULL)
		return;
	for (size_t i = 0; i < info->n_modules; i++)
		free(info->modules[i].name);
	free(info->modules);
	free(info->check_msg_v3);
	free(info->brand), free(info->model), free(info->os_version), free(info->backup_version);
	OPENSSL_cleanse(info, sizeof(*info));
	memset(info, 0, sizeof(*info));
}

int
wxf_huawei_probe(const char *folder)
{
	char *p = wxf_path_join(folder, "info.xml");
	uint8_t *d = NULL;
	size_t n = 0;
	int r = 0;

	if (p != NULL && wxf_file_read_small(p, 4096 + 1, &d, &n, NULL) != WXF_ECORRUPT &&
	    d != NULL)
		r = strstr((const char *)d, "<info.xml") != NULL;
	else if (p != NULL && wxf_is_file(p))
		r = 1;  /* larger than the sniff window: decided by the full parse */
	free(d);
	free(p);
	return r;
}

/* ------------------------------------------------------------------ result helpers */

typedef struct hctx {
	wxf_huawei_result *res;
	int oom;
} hctx;

static void __attribute__((format(printf, 2, 3)))
hwarn(hctx *c, const char *fmt, ...)
{
	char buf[768], **w;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	w = realloc(c->res->warnings, (c->res->n_warnings + 1) * sizeof(char *));
	if (w == NULL) {
		c->oom = 1;
		return;
	}
	c->res->warnings = w;
	if ((w[c->res->n_warnings] = strdup(buf)) == NULL)
		c->oom = 1;
	else
		c->res->n_warnings++;
}

static int
kdf(const void *pw, size_t pw_n, const uint8_t *salt, size_t salt_n, uint8_t out[32])
{
	return PKCS5_PBKDF2_HMAC(pw, (int)pw_n, salt, (int)salt_n, KDF_ITER, EVP_sha256(), 32,
	    out) == 1 ? 0 : -1;
}

/* Older scheme: BKEY from e_perbackupkey.  *tag_ok gets the GCM tag verdict. */
static int
backup_key(const wxf_hw_info *in, const char *pw, uint8_t bkey[32], int *tag_ok)
{
	uint8_t k[32], out[48];
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	int l = 0, rc = -1;

	*tag_ok = 0;
	if (x == NULL || kdf(pw, strlen(pw), in->pwkey_salt, 16, k) != 0)
		goto out;
	if (EVP_DecryptInit_ex(x, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_SET_IVLEN, 16, NULL) != 1 ||
	    EVP_DecryptInit_ex(x, NULL, NULL, k, in->pwkey_salt + 16) != 1 ||
	    EVP_DecryptUpdate(x, out, &l, in->e_perbackupkey, 32) != 1 || l != 32)
		goto out;
	memcpy(bkey, out, 32);
	rc = 0;
	if (EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_SET_TAG, 16, (void *)(in->e_perbackupkey + 32)) == 1 &&
	    EVP_DecryptFinal_ex(x, out + 32, &l) == 1)
		*tag_ok = 1;
out:
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(out, sizeof(out));
	EVP_CIPHER_CTX_free(x);
	return rc;
}

/* checkMsgV3 item for `fname`: 1 and hmac/salt filled, 0 absent. */
static int
v3_item(const char *v3, const char *fname, uint8_t hmac[32], uint8_t salt[32])
{
	const char *p = v3;

	while (p != NULL && *p) {
		const char *end = strstr(p, "**"), *us;
		size_t len = end ? (size_t)(end - p) : strlen(p);

		us = memchr(p, '_', len);
		if (us != NULL && us - p == 128 && strlen(fname) == len - 129 &&
		    memcmp(us + 1, fname, len - 129) == 0) {
			char h[65], s[65];

			memcpy(h, p, 64);
			h[64] = '\0';
			memcpy(s, p + 64, 64);
			s[64] = '\0';
			if (wxf_unhex(h, hmac, 32) == 0 && wxf_unhex(s, salt, 32) == 0)
				return 1;
		}
		p = end ? end + 2 : NULL;
	}
	return 0;
}

/* HMAC-SHA256 of a whole file (streamed). */
static int
hmac_file(const char *path, const uint8_t *key, size_t key_n, uint8_t out[32])
{
	int fd = wxf_open_ro(path, NULL, NULL), rc = -1;
	uint8_t *buf = malloc(CHUNK);
	EVP_MAC *mac = NULL;
	EVP_MAC_CTX *mc = NULL;

	if (fd < 0 || buf == NULL)
		goto out;
	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	mc = mac ? EVP_MAC_CTX_new(mac) : NULL;
	{
		OSSL_PARAM params[2];

		params[0] = OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0);
		params[1] = OSSL_PARAM_construct_end();
		if (mc == NULL || EVP_MAC_init(mc, key, key_n, params) != 1)
			goto out;
	}
	for (;;) {
		ssize_t k = read(fd, buf, CHUNK);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			goto out;
		if (k == 0)
			break;
		if (EVP_MAC_update(mc, buf, (size_t)k) != 1)
			goto out;
	}
	{
		size_t outl = 0;

		if (EVP_MAC_final(mc, out, &outl, 32) == 1 && outl == 32)
			rc = 0;
	}
out:
	EVP_MAC_CTX_free(mc);
	EVP_MAC_free(mac);
	free(buf);
	if (fd >= 0)
		close(fd);
	return rc;
}

/*
 * Decrypts archive `in` into `out`: CTR (gcm = 0) over the whole file, or GCM (gcm = 1) over
 * all but the last 16 bytes with the tag checked at the end.  Returns 0, -1 I/O or crypto
 * failure, -2 GCM tag mismatch.
 */
static int
decrypt_archive(const char *in, const char *out, const uint8_t key[32], const uint8_t iv[16],
    int gcm, uint64_t *written)
{
	int fi = wxf_open_ro(in, NULL, NULL), fo = -1, rc = -1, l = 0;
	uint8_t *buf = malloc(CHUNK), *ob = malloc(CHUNK + 32), tag[16];
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	struct stat st;
	uint64_t size, pos = 0;

	*written = 0;
	if (fi < 0 || buf == NULL || ob == NULL || x == NULL || fstat(fi, &st) != 0)
		goto out;
	size = (uint64_t)st.st_size;
	if (gcm) {
		if (size < 16 || wxf_pread_all(fi, tag, 16, size - 16) != 0)
			goto out;
		size -= 16;
		if (EVP_DecryptInit_ex(x, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
		    EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_SET_IVLEN, 16, NULL) != 1 ||
		    EVP_DecryptInit_ex(x, NULL, NULL, key, iv) != 1)
			goto out;
	} else if (EVP_DecryptInit_ex(x, EVP_aes_256_ctr(), NULL, key, iv) != 1) {
		goto out;
	}
	fo = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fo < 0)
		goto out;
	while (pos < size) {
		size_t k = size - pos < CHUNK ? (size_t)(size - pos) : CHUNK;

		if (wxf_pread_all(fi, buf, k, pos) != 0 || EVP_DecryptUpdate(x, ob, &l, buf, (int)k) != 1 ||
		    wxf_write_all(fo, ob, (size_t)l) != 0)
			goto out;
		*written += (uint64_t)l;
		pos += k;
	}
	if (gcm && EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_SET_TAG, 16, tag) != 1)
		goto out;
	if (EVP_DecryptFinal_ex(x, ob, &l) != 1) {
		rc = gcm ? -2 : -1;
		goto out;
	}
	if (l > 0 && wxf_write_all(fo, ob, (size_t)l) != 0)
		goto out;
	rc = 0;
out:
	if (fo >= 0 && close(fo) != 0)
		rc = -1;
	if (fi >= 0)
		close(fi);
	EVP_CIPHER_CTX_free(x);
	free(buf);
	free(ob);
	return rc;
}

/* ------------------------------------------------------------------ extraction */

typedef struct ex {
	hctx *c;
	wxf_huawei_archive *a;
	const char *root;
	int fd;
	char cur[4096];
} ex;

static int
on_member(void *arg, const char *name, char type, uint64_t size, int64_t mtime, const char *link)
{
	ex *e = arg;
	char clean[4096];
	char *path, *dir, *slash;

	(void)size;
	(void)mtime;
	if (e->fd >= 0) {
		close(e->fd);
		e->fd = -1;
	}
	if (type == 'R' || wxf_member_path_sanitise(name, clean, sizeof(clean)) != 0) {
		e->a->n_refused++;
		hwarn(e->c, "%s: member with an unsafe name refused (%s)", e->a->module, name);
		return 0;
	}
	if (type == '1' || type == '2') {
		e->a->n_links++;
		hwarn(e->c, "%s: link %s -> %s recorded, not created", e->a->module, clean,
		    link ? link : "");
		return 0;
	}
	if (type != '0' && type != '7' && type != '5') {
		e->a->n_refused++;
		hwarn(e->c, "%s: member %s of type '%c' skipped", e->a->module, clean, type);
		return 0;
	}
	path = wxf_path_join(e->root, clean);
	if (path == NULL) {
		e->c->oom = 1;
		return 1;
	}
	if (!wxf_path_is_inside(path, e->root)) {
		e->a->n_refused++;
		hwarn(e->c, "%s: member %s would land outside the work dir: refused", e->a->module,
		    clean);
		free(path);
		return 0;
	}
	if (type == '5') {
		if (wxf_mkdir_p(path, NULL) == WXF_OK)
			e->a->n_dirs++;
		free(path);
		return 0;
	}
	dir = strdup(path);
	if (dir != NULL && (slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		wxf_mkdir_p(dir, NULL);
	}
	free(dir);
	e->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (e->fd < 0 && errno == EEXIST) {
		e->a->n_refused++;
		hwarn(e->c, "%s: member %s not extracted: an earlier member has the same name (that "
		    "one was extracted)", e->a->module, clean);
	} else if (e->fd < 0)
		hwarn(e->c, "%s: cannot create %s: %s", e->a->module, clean, strerror(errno));
	else
		e->a->n_files++;
	snprintf(e->cur, sizeof(e->cur), "%s", clean);
	free(path);
	return 0;
}

static int
on_data(void *arg, const uint8_t *p, size_t n)
{
	ex *e = arg;

	if (e->fd < 0)
		return 0;
	if (wxf_write_all(e->fd, p, n) != 0) {
		hwarn(e->c, "%s: write error on %s", e->a->module, e->cur);
		close(e->fd);
		e->fd = -1;
		return 0;
	}
	e->a->bytes_written += n;
	return 0;
}

static int
on_end(void *arg)
{
	ex *e = arg;

	if (e->fd >= 0) {
		close(e->fd);
		e->fd = -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ the unpacker */

static int
is_wechat_archive(const char *file, const char *module)
{
	size_t m = strlen(module), n = strlen(file);
	const char *p;

	if (strncmp(file, module, m) != 0 || n < m + 4 || strcmp(file + n - 4, ".tar") != 0)
		return 0;
	for (p = file + m; p < file + n - 4; p++)
		if (!isdigit((unsigned char)*p))
			return 0;
	return 1;
}

static int
add_archive(wxf_huawei_result *r, const char *module, const char *path)
{
	wxf_huawei_archive *a;
	void *p = realloc(r->archives, (r->n_archives + 1) * sizeof(*r->archives));

	if (p == NULL)
		return -1;
	r->archives = p;
	a = &r->archives[r->n_archives++];
	memset(a, 0, sizeof(*a));
	a->module = strdup(module);
	a->path = strdup(path);
	return a->module == NULL || a->path == NULL ? -1 : 0;
}

static int
cmp_arch(const void *x, const void *y)
{
	return strcmp(((const wxf_huawei_archive *)x)->path, ((const wxf_huawei_archive *)y)->path);
}

int
wxf_huawei_unpack(const char *folder, const char *password, const char *work_dir,
    wxf_huawei_result *res, wxf_err *err)
{
	hctx c = { res, 0 };
	wxf_hw_info in;
	uint8_t *xml = NULL, bkey[32], key[32];
	size_t xml_n = 0;
	char *p = NULL;
	int rc = WXF_OK, tag_ok = 0;
	DIR *d = NULL;
	struct dirent *de;

	memset(res, 0, sizeof(*res));
	memset(&in, 0, sizeof(in));
	p = wxf_path_join(folder, "info.xml");
	if (p == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	if (!wxf_is_file(p)) {
		free(p);
		return wxf_err_set(err, WXF_ENOTFOUND, "%s: no info.xml (not a HiSuite/KoBackup "
		    "backup)", folder);
	}
	rc = wxf_file_read_small(p, WXF_HW_MAX_INFO, &xml, &xml_n, err);
	free(p);
	p = NULL;
	if (rc != WXF_OK)
		return wxf_err_wrap(err, rc, "Huawei backup info.xml");
	rc = wxf_hw_info_parse(xml, xml_n, &in, err);
	free(xml);
	if (rc != WXF_OK)
		return wxf_err_wrap(err, rc, "Huawei backup %s", folder);
	res->recognised = 1;
	res->n_modules = in.n_modules;
	res->brand = in.brand ? strdup(in.brand) : NULL;
	res->model = in.model ? strdup(in.model) : NULL;
	res->os_version = in.os_version ? strdup(in.os_version) : NULL;
	res->backup_version = in.backup_version ? strdup(in.backup_version) : NULL;
	if (in.e_perbackupkey_n == 48 && in.pwkey_salt_n == 32)
		res->scheme = WXF_HW_SCHEME_OLD;
	else if (in.check_msg_v3 != NULL || in.check_msg_n != 64)
		res->scheme = WXF_HW_SCHEME_V14;   /* salts Null: try GCM first (notes) */
	else
		res->scheme = WXF_HW_SCHEME_V3;
	/* the WeChat archives */
	d = opendir(folder);
	if (d == NULL) {
		rc = wxf_err_set(err, WXF_EIO, "%s: %s", folder, strerror(errno));
		goto done;
	}
	while ((de = readdir(d)) != NULL)
		for (size_t i = 0; i < in.n_modules; i++) {
			const char *mn = in.modules[i].name;

			if (strncmp(mn, "com.tencent.mm", 14) != 0 || strchr(mn, '/') != NULL ||
			    !is_wechat_archive(de->d_name, mn))
				continue;
			p = wxf_path_join(folder, de->d_name);
			if (p == NULL || !wxf_is_file(p)) {
				free(p);
				p = NULL;
				continue;
			}
			if (add_archive(res, mn, p) < 0) {
				rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
				goto done;
			}
			free(p);
			p = NULL;
		}
	closedir(d);
	d = NULL;
	if (res->n_archives == 0) {
		rc = wxf_err_set(err, WXF_EUNSUPPORTED, "%s: Huawei backup (%zu modules) without a "
		    "com.tencent.mm*.tar archive listed in info.xml", folder, in.n_modules);
		goto done;
	}
	qsort(res->archives, res->n_archives, sizeof(*res->archives), cmp_arch);
	if (password == NULL) {
		rc = wxf_err_set(err, WXF_EUNSUPPORTED, "%s: encrypted Huawei backup (%s): the "
		    "backup password is needed", folder, wxf_hw_scheme_name(res->scheme));
		goto done;
	}
	if (work_dir == NULL || wxf_path_is_inside(work_dir, folder)) {
		rc = wxf_err_set(err, WXF_EUSAGE, "work directory must lie outside the evidence");
		goto done;
	}
	/* (2) password */
	if (res->scheme == WXF_HW_SCHEME_OLD || res->scheme == WXF_HW_SCHEME_V3) {
		if (res->scheme == WXF_HW_SCHEME_OLD) {
			if (backup_key(&in, password, bkey, &tag_ok) != 0) {
				rc = wxf_err_set(err, WXF_ECRYPTO, "Huawei backup: key unwrap failed");
				goto done;
			}
		} else {
			size_t n = strlen(password);

			memset(bkey, 0, sizeof(bkey));
			memcpy(bkey, password, n < 32 ? n : 32);
		}
		if (in.check_msg_n == 64) {
			uint8_t chk[32];

			if (kdf(res->scheme == WXF_HW_SCHEME_OLD ? (const void *)bkey :
			    (const void *)password, res->scheme == WXF_HW_SCHEME_OLD ? 32 :
			    strlen(password), in.check_msg + 32, 32, chk) != 0) {
				rc = wxf_err_set(err, WXF_ECRYPTO, "PBKDF2 failed");
				goto done;
			}
			res->password_ok = CRYPTO_memcmp(chk, in.check_msg, 32) == 0;
		} else {
			res->password_ok = tag_ok;
			hwarn(&c, "no checkMsg in info.xml: password judged by the GCM tag of "
			    "e_perbackupkey (%s)", tag_ok ? "verifies" : "fails");
		}
		if (!res->password_ok) {
			rc = wxf_err_set(err, WXF_EKEY, "Huawei backup: wrong password (checkMsg does "
			    "not verify)");
			goto done;
		}
	}
	if (wxf_mkdir_p(work_dir, err) != WXF_OK) {
		rc = WXF_EIO;
		goto done;
	}
	/* (3) archives */
	for (size_t i = 0; i < res->n_archives; i++) {
		wxf_huawei_archive *a = &res->archives[i];
		const wxf_hw_module *mod = NULL;
		const char *base = wxf_path_base(a->path);
		wxf_hashes h;
		uint64_t written = 0;
		int dr;

		for (size_t k = 0; k < in.n_modules; k++)
			if (strcmp(in.modules[k].name, a->module) == 0)
				mod = &in.modules[k];
		if (wxf_hash_file(a->path, &h, NULL) == WXF_OK)
			memcpy(a->sha256_in, h.sha256, 65);
		if (mod == NULL || !mod->has_enc) {
			hwarn(&c, "%s: no usable encMsgV3 in info.xml: archive not decrypted", base);
			continue;
		}
		if (res->scheme == WXF_HW_SCHEME_V14) {
			uint8_t want[32], got[32], salt[32], hk[32];
			char hex[65];

			if (in.check_msg_v3 != NULL && v3_item(in.check_msg_v3, base, want, salt)) {
				if (kdf(password, strlen(password), salt, 32, hk) != 0) {
					rc = wxf_err_set(err, WXF_ECRYPTO, "PBKDF2 failed");
					goto done;
				}
				wxf_hex(hk, 32, hex);
				if (hmac_file(a->path, (const uint8_t *)hex, 64, got) != 0) {
					rc = wxf_err_set(err, WXF_EIO, "%s: unreadable", a->path);
					goto done;
				}
				a->check = CRYPTO_memcmp(want, got, 32) == 0 ? 1 : -1;
				OPENSSL_cleanse(hk, sizeof(hk));
				OPENSSL_cleanse(hex, sizeof(hex));
				if (a->check < 0) {
					rc = wxf_err_set(err, WXF_EKEY, "Huawei backup: wrong password "
					    "(checkMsgV3 HMAC of %s does not verify)", base);
					goto done;
				}
				res->password_ok = 1;
			}
			if (kdf(password, strlen(password), mod->enc, 32, key) != 0) {
				rc = wxf_err_set(err, WXF_ECRYPTO, "PBKDF2 failed");
				goto done;
			}
		} else if (kdf(bkey, 32, mod->enc, 32, key) != 0) {
			rc = wxf_err_set(err, WXF_ECRYPTO, "PBKDF2 failed");
			goto done;
		}
		/* names the tool chooses, never the archive's: work_dir/archive-<n>/ holds the
		 * plaintext tar and the members/ folder, and what the readers write goes beside
		 * members/ (an archive or member name cannot meet either) */
		{
			char sub[64];

			snprintf(sub, sizeof(sub), "archive-%zu/plain.tar", i + 1);
			a->tar_path = wxf_path_join(work_dir, sub);
			snprintf(sub, sizeof(sub), "archive-%zu/members", i + 1);
			a->out_dir = wxf_path_join(work_dir, sub);
		}
		if (a->tar_path == NULL || a->out_dir == NULL) {
			rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
			goto done;
		}
		if (wxf_mkdir_p(a->out_dir, err) != WXF_OK) {
			rc = WXF_EIO;
			goto done;
		}
		dr = decrypt_archive(a->path, a->tar_path, key, mod->enc + 32,
		    res->scheme == WXF_HW_SCHEME_V14, &written);
		if (dr == -2) {
			unlink(a->tar_path);
			a->check = -1;
			if (!res->password_ok) {
				rc = wxf_err_set(err, WXF_EKEY, "Huawei backup: wrong password (AES-GCM "
				    "tag of %s does not verify)", base);
				goto done;
			}
			hwarn(&c, "%s: AES-GCM tag does not verify although the password did: "
			    "archive damaged, not extracted", base);
			continue;
		}
		if (dr != 0) {
			unlink(a->tar_path);
			hwarn(&c, "%s: decryption failed (I/O or truncated archive)", base);
			continue;
		}
		if (res->scheme == WXF_HW_SCHEME_V14) {
			a->check = 1;
			res->password_ok = 1;
		}
		/* (3b) extract from a read-only mapping of the plaintext tar */
		{
			wxf_map map;
			ex e;
			wxf_tar_cb cb = { on_member, on_data, on_end, &e };
			wxf_err te;
			wxf_hashes th;

			if (wxf_hash_file(a->tar_path, &th, NULL) == WXF_OK) {
				memcpy(a->sha256_tar, th.sha256, 65);
				a->tar_size = th.size;
			}
			if (wxf_mkdir_p(a->out_dir, err) != WXF_OK) {
				rc = WXF_EIO;
				goto done;
			}
			memset(&e, 0, sizeof(e));
			e.c = &c;
			e.a = a;
			e.root = a->out_dir;
			e.fd = -1;
			wxf_err_clear(&te);
			if (wxf_map_open(&map, a->tar_path, &te) != WXF_OK) {
				hwarn(&c, "%s: %s", base, te.msg);
				continue;
			}
			if (wxf_tar_read_mem(map.data, map.size, &cb, &te) != WXF_OK) {
				a->tar_error = 1;
				hwarn(&c, "%s: tar stream: %s (members before it kept)", base, te.msg);
			}
			if (e.fd >= 0)
				close(e.fd);
			wxf_map_close(&map);
			if (c.oom) {
				rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
				goto done;
			}
		}
		{
			char **r2 = realloc(res->android_roots,
			    (res->n_android_roots + 1) * sizeof(char *));

			if (r2 == NULL || (r2[res->n_android_roots] = strdup(a->out_dir)) == NULL) {
				if (r2 != NULL)
					res->android_roots = r2;
				rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
				goto done;
			}
			res->android_roots = r2;
			res->n_android_roots++;
		}
	}
	if (res->n_android_roots == 0 && rc == WXF_OK)
		rc = wxf_err_set(err, WXF_EUNSUPPORTED, "Huawei backup: no WeChat archive could be "
		    "decrypted (see warnings)");
done:
	if (d != NULL)
		closedir(d);
	OPENSSL_cleanse(bkey, sizeof(bkey));
	OPENSSL_cleanse(key, sizeof(key));
	wxf_hw_info_free(&in);
	if (c.oom && rc == WXF_OK)
		rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
	return rc;
}

void
wxf_huawei_result_free(wxf_huawei_result *res)
{
	if (res == NULL)
		return;
	for (size_t i = 0; i < res->n_archives; i++) {
		free(res->archives[i].module);
		free(res->archives[i].path);
		free(res->archives[i].tar_path);
		free(res->archives[i].out_dir);
	}
	free(res->archives);
	for (size_t i = 0; i < res->n_android_roots; i++)
		free(res->android_roots[i]);
	free(res->android_roots);
	for (size_t i = 0; i < res->n_warnings; i++)
		free(res->warnings[i]);
	free(res->warnings);
	free(res->brand), free(res->model), free(res->os_version), free(res->backup_version);
	memset(res, 0, sizeof(*res));
}
