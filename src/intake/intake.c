/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Evidence intake: walk, classify, hash, recognise accounts, re-hash at the end.
 * See intake.h for the read-only discipline.
 */
#include "config.h"
#include "intake_int.h"
#include "base/wxf_audit.h"
#include "base/wxf_buf.h"
#include "base/wxf_file.h"
#include "base/wxf_mem.h"
#include "base/wxf_plist.h"
#include "base/wxf_xml.h"
#include "intake/itunes.h"
#include "intake/archive.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlcipher/sqlite3.h>

#define HEAD_MAX 4096
#define PREFS_MAX (256 * 1024)

typedef struct scan {
	wxf_inventory *inv;
	const wxf_intake_opts *opts;
	wxf_magic *magic;
	wxf_err *err;
	uint64_t bytes;    /* hashed so far, for progress */
} scan;

static wxf_item *
item_new(wxf_inventory *inv)
{
	wxf_item *it;

	wxf_xgrow((void **)&inv->items, &inv->cap_items, inv->n_items + 1, sizeof(wxf_item));
	it = &inv->items[inv->n_items++];
	memset(it, 0, sizeof(*it));
	it->account = -1;
	return it;
}

static void __attribute__((format(printf, 2, 3)))
warn(scan *s, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	s->inv->n_warnings++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (s->opts && s->opts->log)
		wxf_log_warn(s->opts->log, "%s", msg);
}

/* Hashes an open descriptor from the start; fills head with the first bytes. */
static int
hash_fd(int fd, wxf_hashes *out, uint8_t *head, size_t *head_n)
{
	static const size_t bufsz = 1 << 20;
	unsigned char *buf = malloc(bufsz);
	wxf_hasher *h = wxf_hasher_new();
	ssize_t r;
	size_t hn = 0;

	if (buf == NULL || h == NULL) {
		free(buf);
		wxf_hasher_free(&h);
		return WXF_ENOMEM;
	}
	while ((r = read(fd, buf, bufsz)) > 0) {
		if (head != NULL && hn < HEAD_MAX) {
			size_t k = (size_t)r < HEAD_MAX - hn ? (size_t)r : HEAD_MAX - hn;

			memcpy(head + hn, buf, k);
			hn += k;
		}
		wxf_hasher_update(h, buf, (size_t)r);
	}
	free(buf);
	if (r < 0) {
		wxf_hasher_free(&h);
		return WXF_EIO;
	}
	wxf_hasher_final(h, out);
	wxf_hasher_free(&h);
	if (head_n)
		*head_n = hn;
	return WXF_OK;
}

static void
describe(scan *s, wxf_item *it, const uint8_t *head, size_t hn, const char *rel)
{
	wxf_platform p = WXF_PLAT_UNKNOWN;
	const char *role;

	it->kind = wxf_classify(it->member ? it->member : it->abs, head, hn, it->size, &it->entropy);
	if (!s->opts->no_magic && hn > 0)
		wxf_magic_buffer(s->magic, head, hn, &it->magic, &it->mime);
	else if (hn == 0) {
		it->magic = wxf_xstrdup("empty");
		it->mime = wxf_xstrdup("inode/x-empty");
	}
	if (it->kind == WXF_KIND_OTHER && it->mime != NULL &&
	    (strncmp(it->mime, "image/", 6) == 0 || strncmp(it->mime, "audio/", 6) == 0 ||
	    strncmp(it->mime, "video/", 6) == 0))
		it->kind = WXF_KIND_MEDIA;
	role = wxf_wechat_role(rel, &p);
	if (role != NULL) {
		it->role = wxf_xstrdup(role);
		it->platform = p;
		it->wechat = 1;
	}
	if (it->kind == WXF_KIND_SQLITE_ENCRYPTED && it->role == NULL &&
	    (strstr(rel, "MicroMsg") || strstr(rel, "WeChat Files") || strstr(rel, "xwechat")))
		it->wechat = 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_uin(wxf_inventory *inv, const char *v);
static const char *without_path(const char *msg, const char *abs);
static void prefs_uins(scan *s, const char *shown, const uint8_t *data, size_t n);

static void
scan_file(scan *s, int root, const char *abs, const char *shown, const char *rel)
{
	struct stat st;
	uint8_t head[HEAD_MAX];
	size_t hn = 0;
	wxf_item *it;
	wxf_err e;
	int fd, rc = WXF_OK;

	it = item_new(s->inv);
	it->root = root;
	it->abs = wxf_xstrdup(abs);
	it->path = wxf_xstrdup(shown);
	if (lstat(abs, &st) != 0) {
		it->note = wxf_xasprintf("cannot stat: %s", strerror(errno));
		warn(s, "%s: %s", shown, it->note);
		return;
	}
	it->size = (uint64_t)st.st_size;
	it->mtime_s = st.st_mtim.tv_sec;
	it->mtime_ns = st.st_mtim.tv_nsec;
	if (S_ISLNK(st.st_mode)) {
		char target[1024];
		ssize_t n = readlink(abs, target, sizeof(target) - 1);

		it->kind = WXF_KIND_SYMLINK;
		target[n > 0 ? n : 0] = '\0';
		it->note = wxf_xasprintf("symbolic link to '%s' (recorded, not followed)", target);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		it->kind = WXF_KIND_SPECIAL;
		it->size = 0;
		it->note = wxf_xasprintf("%s: recorded, not read", wxf_file_type_name(st.st_mode));
		warn(s, "%s: %s", shown, it->note);
		return;
	}
	wxf_err_clear(&e);
	fd = wxf_open_ro(abs, NULL, &e);
	if (fd < 0 || (rc = hash_fd(fd, &it->before, head, &hn)) != WXF_OK) {
		if (fd >= 0 && rc == WXF_ENOMEM)
			wxf_oom(1u << 20);
		it->note = wxf_xasprintf("unreadable: %s", fd < 0 ? without_path(e.msg, abs) :
		    strerror(errno));
		memset(&it->before, 0, sizeof(it->before));
		warn(s, "%s: %s", shown, it->note);
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	s->bytes += it->size;
	if (s->opts->log != NULL) {
		char rate[64];

		snprintf(rate, sizeof(rate), "files, %.1f MiB hashed", (double)s->bytes / 1048576.0);
		wxf_log_progress(s->opts->log, "intake", s->inv->n_items, 0, rate);
	}
	describe(s, it, head, hn, rel);
	if (it->kind == WXF_KIND_SHARED_PREFS && it->size <= PREFS_MAX) {
		uint8_t *data;
		size_t n;

		wxf_err re;

		wxf_err_clear(&re);
		if (wxf_file_read_small(abs, PREFS_MAX, &data, &n, &re) == WXF_OK) {
			prefs_uins(s, shown, data, n);
			free(data);
		} else if (re.code == WXF_ENOMEM)
			wxf_oom(PREFS_MAX);     /* an account's uin is not left out quietly */
	}
}

/* A folder that was not descended, as an item of its own (kind "dir") with the reason. */
static void
folder_not_read(scan *s, int root, const char *abs, const char *shown, char *why)
{
	wxf_item *it = item_new(s->inv);

	it->root = root;
	it->abs = wxf_xstrdup(abs);
	it->path = wxf_xstrdup(shown);
	it->kind = WXF_KIND_DIRECTORY_MARK;
	it->note = why;
	warn(s, "%s: %s", shown, why);
}

static void
scan_dir(scan *s, int root, const char *abs, const char *shown, const char *rel, int depth)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, i;

	if (depth > WXF_INTAKE_MAX_DEPTH) {
		folder_not_read(s, root, abs, shown, wxf_xasprintf("folder nested deeper than %d "
		    "levels: not descended, its contents are not in the inventory",
		    WXF_INTAKE_MAX_DEPTH));
		return;
	}
	d = opendir(abs);
	if (d == NULL) {
		folder_not_read(s, root, abs, shown, wxf_xasprintf("folder unreadable (%s): its "
		    "contents are not in the inventory", strerror(errno)));
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		wxf_xgrow((void **)&names, &cap, n + 1, sizeof(char *));
		names[n++] = wxf_xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(char *), cmp_str); /* deterministic order */
	for (i = 0; i < n; i++) {
		char *a = wxf_path_join(abs, names[i]), *sh = wxf_path_join(shown, names[i]);
		char *r = wxf_xasprintf("%s/%s", rel, names[i]);
		struct stat st;

		if (lstat(a, &st) == 0 && S_ISDIR(st.st_mode))
			scan_dir(s, root, a, sh, r, depth + 1);
		else
			scan_file(s, root, a, sh, r);
		free(a);
		free(sh);
		free(r);
		free(names[i]);
	}
	free(names);
}

/* ---- members of an adb backup, hashed while streaming ---- */

typedef struct ab_scan {
	scan *s;
	int root;
	const char *container_abs, *container_shown;
	wxf_hasher *h;
	wxf_item *cur;     /* index-stable: re-fetched by idx since items may move */
	size_t cur_idx;
	int active;
	uint8_t head[HEAD_MAX];
	size_t hn;
	uint8_t *prefs;
	size_t prefs_n;
} ab_scan;

static int
ab_member(void *arg, const char *name, char type, uint64_t size, int64_t mtime, const char *link)
{
	ab_scan *a = arg;
	wxf_item *it = item_new(a->s->inv);

	it->root = a->root;
	it->abs = wxf_xstrdup(a->container_abs);
	it->member = wxf_xstrdup(name);
	it->path = wxf_xasprintf("%s!/%s", a->container_shown, name);
	it->size = size;
	it->mtime_s = mtime;
	a->cur_idx = a->s->inv->n_items - 1;
	a->active = 0;
	if (type == '5') {
		/* directories are not items */
		a->s->inv->n_items--;
		free(it->abs);
		free(it->member);
		free(it->path);
		return 0;
	}
	if (type == '2' || type == '1') {
		it->kind = WXF_KIND_SYMLINK;
		it->note = wxf_xasprintf("%s link to '%s' inside the backup (recorded, not followed)",
		    type == '2' ? "symbolic" : "hard", link ? link : "");
		return 0;
	}
	if (type == 'R') {
		it->note = wxf_xstrdup("member name refused (absolute or '..' path); data skipped");
		warn(a->s, "%s: %s", a->container_shown, it->note);
		return 0;
	}
	if (type != '0' && type != '7') {
		it->note = wxf_xasprintf("tar member type '%c' (not a regular file)", type);
		return 0;
	}
	if (a->s->opts->max_member_size && size > a->s->opts->max_member_size) {
		it->note = wxf_xstrdup("member larger than the configured limit; not hashed");
		return 0;
	}
	a->h = wxf_hasher_new();
	a->hn = 0;
	a->active = a->h != NULL;
	free(a->prefs);
	a->prefs = NULL;
	a->prefs_n = 0;
	return 0;
}

static int
ab_data(void *arg, const uint8_t *p, size_t n)
{
	ab_scan *a = arg;

	if (!a->active)
		return 0;
	wxf_hasher_update(a->h, p, n);
	if (a->hn < HEAD_MAX) {
		size_t k = n < HEAD_MAX - a->hn ? n : HEAD_MAX - a->hn;

		memcpy(a->head + a->hn, p, k);
		a->hn += k;
	}
	if (strstr(a->s->inv->items[a->cur_idx].member, "_prefs") != NULL ||
	    strstr(a->s->inv->items[a->cur_idx].member, "preferences") != NULL) {
		if (a->prefs_n + n <= PREFS_MAX) {
			a->prefs = wxf_xrealloc(a->prefs, a->prefs_n + n + 1);
			memcpy(a->prefs + a->prefs_n, p, n);
			a->prefs_n += n;
		}
	}
	return 0;
}

static int
ab_end(void *arg)
{
	ab_scan *a = arg;
	wxf_item *it;

	if (!a->active)
		return 0;
	it = &a->s->inv->items[a->cur_idx];
	wxf_hasher_final(a->h, &it->before);
	wxf_hasher_free(&a->h);
	it->have_after = 0;
	describe(a->s, it, a->head, a->hn, it->member);
	if (it->kind == WXF_KIND_SHARED_PREFS && a->prefs != NULL)
		prefs_uins(a->s, it->path, a->prefs, a->prefs_n);
	free(a->prefs);
	a->prefs = NULL;
	a->active = 0;
	return 0;
}

/* A reader's message without the "<path on this machine>: " it starts with: the bundle names
 * evidence by its bundle path only. */
static const char *
without_path(const char *msg, const char *abs)
{
	size_t la = strlen(abs);

	return strncmp(msg, abs, la) == 0 && strncmp(msg + la, ": ", 2) == 0 ? msg + la + 2 : msg;
}

static void
scan_ab(scan *s, int root, const char *abs, const char *shown)
{
	ab_scan a;
	wxf_tar_cb cb = { ab_member, ab_data, ab_end, &a };
	wxf_err e;
	size_t container = s->inv->n_items - 1;
	int rc;

	memset(&a, 0, sizeof(a));
	a.s = s;
	a.root = root;
	a.container_abs = abs;
	a.container_shown = shown;
	wxf_err_clear(&e);
	rc = wxf_ab_stream(abs, s->opts->backup_password, &cb, &e);
	wxf_hasher_free(&a.h);
	free(a.prefs);
	if (rc != WXF_OK) {
		wxf_item *it = &s->inv->items[container];

		free(it->note);
		it->note = wxf_xstrdup(without_path(e.msg, abs));
		if (rc == WXF_EUNSUPPORTED)
			s->inv->n_warnings++;
		else
			warn(s, "%s: %s", shown, e.msg);
	}
}

/* ---- uins from SharedPreferences (base/wxf_xml.h: hardened, no DTD, no entities) ---- */

static void
add_uin(wxf_inventory *inv, const char *v)
{
	size_t i;
	char *end;
	long long x;

	if (v == NULL || *v == '\0')
		return;
	x = strtoll(v, &end, 10);
	if (*end != '\0' || x == 0 || x < -2147483648LL || x > 4294967295LL)
		return;
	for (i = 0; i < inv->n_uins; i++)
		if (strcmp(inv->uins[i], v) == 0)
			return;
	inv->uins = wxf_xrealloc(inv->uins, (inv->n_uins + 1) * sizeof(char *));
	inv->uins[inv->n_uins++] = wxf_xstrdup(v);
}

static int
prefs_uin_entry(void *arg, const char *name, const char *value)
{
	if (strcmp(name, "default_uin") == 0 || strcmp(name, "_auth_uin") == 0 ||
	    strcmp(name, "last_login_uin") == 0)
		add_uin(arg, value);
	return 0;
}

/* The uins of one SharedPreferences file; a refused or malformed file is a warning. */
static void
prefs_uins(scan *s, const char *shown, const uint8_t *data, size_t n)
{
	const char *why = NULL;
	int rc;

	if (n > PREFS_MAX)
		return;
	rc = wxf_xml_prefs((const char *)data, n, prefs_uin_entry, s->inv, &why);
	if (rc == WXF_ENOMEM)
		wxf_oom(n);     /* an account's uin is not "unreadable" for want of memory */
	if (rc != WXF_OK)
		warn(s, "%s: SharedPreferences not read: %s", shown, why);
}

/* ---- accounts ---- */

static int
is_hex32(const char *s, size_t n)
{
	size_t i;

	if (n != 32)
		return 0;
	for (i = 0; i < 32; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int
account_add(wxf_inventory *inv, wxf_platform p, const char *id, size_t idlen, const char *folder,
    size_t folderlen)
{
	wxf_account *a;
	size_t i;

	for (i = 0; i < inv->n_accounts; i++) {
		a = &inv->accounts[i];
		if (a->platform == p && strlen(a->id) == idlen && strncmp(a->id, id, idlen) == 0 &&
		    strlen(a->folder) == folderlen && strncmp(a->folder, folder, folderlen) == 0)
			return (int)i;
	}
	wxf_xgrow((void **)&inv->accounts, &inv->cap_accounts, inv->n_accounts + 1,
	    sizeof(wxf_account));
	a = &inv->accounts[inv->n_accounts];
	memset(a, 0, sizeof(*a));
	a->platform = p;
	a->id = wxf_xstrndup(id, idlen);
	a->folder = wxf_xstrndup(folder, folderlen);
	return (int)inv->n_accounts++;
}

/* Finds "/<marker>/<component>/" in path; returns the component or NULL. */
static const char *
component_after(const char *path, const char *marker, size_t *len)
{
	const char *p = path, *s, *e;
	size_t lm = strlen(marker);

	while ((s = strstr(p, marker)) != NULL) {
		if ((s == path || s[-1] == '/' || s[-1] == '!') && s[lm] == '/') {
			s += lm + 1;
			e = strchr(s, '/');
			if (e != NULL) {
				*len = (size_t)(e - s);
				return s;
			}
		}
		p = s + 1;
	}
	return NULL;
}

static void
find_accounts(wxf_inventory *inv)
{
	size_t i, j, len;
	const char *c;

	for (i = 0; i < inv->n_items; i++) {
		wxf_item *it = &inv->items[i];

		/* a link or special file belongs to no account: nothing reads it */
		if (it->member == NULL && !wxf_item_is_content(it))
			continue;
		if ((c = component_after(it->path, "MicroMsg", &len)) != NULL && is_hex32(c, len)) {
			it->account = account_add(inv, WXF_PLAT_ANDROID, c, len, it->path,
			    (size_t)(c - it->path) + len);
			if (it->platform == WXF_PLAT_UNKNOWN)
				it->platform = WXF_PLAT_ANDROID;
		} else if ((c = component_after(it->path, "Documents", &len)) != NULL &&
		    is_hex32(c, len)) {
			it->account = account_add(inv, WXF_PLAT_IOS, c, len, it->path,
			    (size_t)(c - it->path) + len);
		} else if ((c = component_after(it->path, "WeChat Files", &len)) != NULL &&
		    len > 0 && strncmp(c, "All Users", len) != 0 && strncmp(c, "Applet", len) != 0) {
			it->account = account_add(inv, WXF_PLAT_WIN3, c, len, it->path,
			    (size_t)(c - it->path) + len);
		} else if ((c = component_after(it->path, "xwechat_files", &len)) != NULL &&
		    len > 0 && strncmp(c, "all_users", len) != 0) {
			it->account = account_add(inv, WXF_PLAT_WX4, c, len, it->path,
			    (size_t)(c - it->path) + len);
		} else if ((c = strstr(it->path, "/Application Support/com.tencent.xinWeChat/")) !=
		    NULL && (c = strchr(c + 43, '/')) != NULL && (len = strcspn(c + 1, "/")) == 32 &&
		    c[33] == '/' && is_hex32(c + 1, len)) {
			/* macOS 3.x: com.tencent.xinWeChat/<version>/<32 hex>/ */
			it->account = account_add(inv, WXF_PLAT_MAC3, c + 1, len, it->path,
			    (size_t)(c + 1 - it->path) + len);
		}
	}
	for (i = 0; i < inv->n_accounts; i++) {
		wxf_account *a = &inv->accounts[i];

		if (a->platform == WXF_PLAT_ANDROID) {
			for (j = 0; j < inv->n_uins && a->uin == NULL; j++) {
				char buf[48], hex[33];
				long long v = strtoll(inv->uins[j], NULL, 10);
				int k;

				for (k = 0; k < 2 && a->uin == NULL; k++) {
					long long u = k == 0 ? v : (v < 0 ? v + 4294967296LL : v);

					snprintf(buf, sizeof(buf), "mm%lld", u);
					wxf_md5_hex(buf, strlen(buf), hex);
					if (strcmp(hex, a->id) == 0) {
						a->uin = wxf_xasprintf("%lld", u);
						a->how = wxf_xasprintf("account folder = md5(\"mm\" + uin %lld), uin from "
						    "shared_prefs", u);
					}
				}
			}
			if (a->how == NULL)
				a->how = wxf_xstrdup("32-hex account folder under MicroMsg/ (uin not yet "
				    "proven: no matching uin in prefs)");
		} else if (a->platform == WXF_PLAT_IOS)
			a->how = wxf_xstrdup("32-hex account folder under Documents/ (= md5(wxid))");
		else if (a->platform == WXF_PLAT_WIN3) {
			a->wxid = wxf_xstrdup(a->id);
			a->how = wxf_xstrdup("account folder under \"WeChat Files\" (= wxid)");
		} else if (a->platform == WXF_PLAT_MAC3) {
			a->how = wxf_xstrdup("32-hex account folder under com.tencent.xinWeChat/<version>/ "
			    "(md5 of the wxid: the contact whose md5 it is is the owner)");
		} else {
			a->how = wxf_xstrdup("account folder under xwechat_files (wxid + suffix)");
		}
	}
}

/* ---- iTunes/Finder backups and iOS app containers ---- */

/* Sorted (basename, item) pairs of one root, to find a backup file by its fileID. */
struct by_name {
	const char *name;
	size_t idx;
};

static int
by_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct by_name *)a)->name, ((const struct by_name *)b)->name);
}

struct map_arg {
	scan *s;
	int root;
	struct by_name *v;
	size_t n;
	size_t n_mapped, n_wechat, n_missing, n_mismatch;
};

static int
map_file(void *arg, const char *id, const char *dom, const char *rel, int64_t flags,
    const uint8_t *rec, size_t rec_n)
{
	struct map_arg *m = arg;
	struct by_name key = { id, 0 }, *hit;
	wxf_item *it;
	wxf_platform p = WXF_PLAT_IOS;
	const char *role;
	char *full;
	size_t len;
	const char *c;

	(void)rec;
	(void)rec_n;
	if (flags != 1)
		return 0;
	hit = bsearch(&key, m->v, m->n, sizeof(*m->v), by_name_cmp);
	if (hit == NULL) {
		if (strstr(dom, "tencent.xin") != NULL)
			m->n_missing++;
		return 0;
	}
	it = &m->s->inv->items[hit->idx];
	full = wxf_xasprintf("%s/%s", dom, rel);
	m->n_mapped++;
	free(it->logical);
	it->logical = wxf_xstrdup(full);
	free(it->note);
	if (!wxf_itunes_id_matches(id, dom, rel)) {
		m->n_mismatch++;
		it->note = wxf_xasprintf("backup file for %s (its name is NOT SHA-1 of the domain and "
		    "path)", full);
	} else
		it->note = wxf_xasprintf("backup file for %s", full);
	if (strstr(dom, "tencent.xin") != NULL) {
		m->n_wechat++;
		it->wechat = 1;
		it->platform = WXF_PLAT_IOS;
		role = wxf_wechat_role(full, &p);
		if (role != NULL) {
			free(it->role);
			it->role = wxf_xstrdup(role);
		}
		/* an account folder Documents/<md5(wxid)>/ inside the app domain */
		c = component_after(full, "Documents", &len);
		if (c != NULL && is_hex32(c, len))
			it->account = account_add(m->s->inv, WXF_PLAT_IOS, c, len, full,
			    (size_t)(c - full) + len);
	}
	free(full);
	return 0;
}

/* The backup's own files: roles and the description of the root. */
static void
itunes_describe(scan *s, wxf_root *r, int ri, const wxf_itunes_info *bi)
{
	static const struct { const char *name, *role; } own[] = {
		{ "Manifest.db", "iTunes/Finder backup index (Manifest.db)" },
		{ "Manifest.mbdb", "iTunes backup index before iOS 10 (Manifest.mbdb)" },
		{ "Manifest.plist", "iTunes/Finder backup properties and keybag (Manifest.plist)" },
		{ "Info.plist", "iTunes/Finder backup device information (Info.plist)" },
		{ "Status.plist", "iTunes/Finder backup status (Status.plist)" },
	};
	size_t i, k, lr = strlen(r->abs);

	r->platform = WXF_PLAT_IOS;
	free(r->layout);
	r->layout = wxf_itunes_describe(bi);
	for (i = 0; i < s->inv->n_items; i++) {
		wxf_item *it = &s->inv->items[i];

		if (it->root != ri || it->member != NULL || strncmp(it->abs, r->abs, lr) != 0 ||
		    it->abs[lr] != '/' || strchr(it->abs + lr + 1, '/') != NULL)
			continue;
		for (k = 0; k < sizeof(own) / sizeof(own[0]); k++)
			if (strcmp(it->abs + lr + 1, own[k].name) == 0) {
				free(it->role);
				it->role = wxf_xstrdup(own[k].role);
				it->platform = WXF_PLAT_IOS;
				if (k == 0 && bi->encrypted) {
					free(it->note);
					it->note = wxf_xstrdup("encrypted (AES-256-CBC under the ManifestKey): "
					    "files are mapped with the backup password");
				}
				if (k == 4 && !wxf_itunes_complete(bi)) {
					free(it->note);
					it->note = wxf_xasprintf("SnapshotState \"%s\": the backup is partial",
					    bi->snapshot);
				}
			}
	}
}

/* iTunes/Finder backup: describe it from its plists and map fileID blobs to
 * domain/relativePath through Manifest.db, opened with SQLite's immutable URI so that nothing
 * (no -wal, no -shm, no lock) is written.  An encrypted backup's Manifest.db is decrypted into
 * a temporary file (removed at once) when a password was given. */
static void
itunes_map(scan *s, wxf_root *r)
{
	int ri = (int)(r - s->inv->roots);
	wxf_itunes_info bi;
	wxf_itunes b;
	struct map_arg m;
	char tmp[4096] = "";
	const char *td = getenv("TMPDIR");
	wxf_err e;
	size_t i;
	int rc;

	if (!wxf_itunes_probe(r->abs))
		return;
	wxf_err_clear(&e);
	if (wxf_itunes_info_read(r->abs, &bi, &e) != WXF_OK) {
		if (e.code == WXF_ENOMEM)
			wxf_oom(0);     /* not a backup that cannot be described */
		warn(s, "%s: iTunes backup: %s", r->given, e.msg);
		return;
	}
	itunes_describe(s, r, ri, &bi);
	if (bi.unread[0] != '\0')
		warn(s, "%s: iTunes backup: %s", r->given, bi.unread);
	if (bi.encrypted && s->opts->backup_password == NULL) {
		wxf_itunes_info_free(&bi);
		return;
	}
	wxf_itunes_info_free(&bi);
	if (s->opts->backup_password != NULL) {
		int fd;

		snprintf(tmp, sizeof(tmp), "%s/wxf-manifest.XXXXXX", td != NULL && *td ? td : "/tmp");
		if ((fd = mkstemp(tmp)) < 0) {
			warn(s, "%s: cannot create a temporary file: %s", r->given, strerror(errno));
			return;
		}
		close(fd);
		unlink(tmp);
	}
	rc = wxf_itunes_open(&b, r->abs, s->opts->backup_password, tmp, s->opts->log, &e);
	if (rc == WXF_ENOMEM || e.code == WXF_ENOMEM)
		wxf_oom(0);
	if (rc != WXF_OK) {
		warn(s, "%s: %s", r->given, e.msg);
		wxf_itunes_close(&b);
		if (tmp[0])
			unlink(tmp);
		return;
	}
	if (b.index_note != NULL)
		warn(s, "%s: Manifest.mbdb: %s", r->given, b.index_note);
	memset(&m, 0, sizeof(m));
	m.s = s;
	m.root = ri;
	for (i = 0; i < s->inv->n_items; i++) {
		wxf_item *it = &s->inv->items[i];

		if (it->root != ri || it->member != NULL || strlen(wxf_path_base(it->abs)) != 40)
			continue;
		m.v = wxf_xrealloc(m.v, (m.n + 1) * sizeof(*m.v));
		m.v[m.n].name = wxf_path_base(it->abs);
		m.v[m.n++].idx = i;
	}
	qsort(m.v, m.n, sizeof(*m.v), by_name_cmp);
	if (wxf_itunes_files(&b, NULL, map_file, &m, &e) != WXF_OK) {
		if (e.code == WXF_ENOMEM)
			wxf_oom(0);
		warn(s, "%s: %s", r->given, e.msg);
	}
	if (m.n_missing > 0)
		warn(s, "%s: %zu WeChat file(s) listed in Manifest.db are not in the backup folder",
		    r->given, m.n_missing);
	if (m.n_mismatch > 0)
		warn(s, "%s: %zu backup file name(s) are not SHA-1 of their domain and path",
		    r->given, m.n_mismatch);
	free(m.v);
	wxf_itunes_close(&b);
	if (tmp[0])
		unlink(tmp);
}

/* iOS app containers in a full-file-system extraction
 * (private/var/mobile/Containers/Data/Application/<UUID>/, .../Shared/AppGroup/<UUID>/):
 * WeChat's is the one whose .com.apple.mobile_container_manager.metadata.plist names
 * com.tencent.xin (group.com.tencent.xin for the shared container), or, without that file,
 * the one laid out like WeChat (wxf_ios_container_of, classify.c).  Its files get the logical
 * path an iTunes backup would give them ("<domain>/<path below the container>"). */
#define MCM_PLIST ".com.apple.mobile_container_manager.metadata.plist"

struct container {
	char *dir;          /* evidence path of the container folder */
	const char *domain;
};

static void
container_add(struct container **v, size_t *n, const char *dir, size_t len, const char *domain)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strlen((*v)[i].dir) == len && strncmp((*v)[i].dir, dir, len) == 0)
			return;
	*v = wxf_xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n].dir = wxf_xstrndup(dir, len);
	(*v)[(*n)++].domain = domain;
}

static void
ios_containers(scan *s)
{
	struct container *v = NULL;
	size_t n = 0, i, k, len;
	wxf_inventory *inv = s->inv;

	for (i = 0; i < inv->n_items; i++) {
		wxf_item *it = &inv->items[i];
		const char *b = wxf_path_base(it->path);

		if (it->member != NULL || it->logical != NULL)
			continue;
		if (strcmp(b, MCM_PLIST) == 0 && it->size < (1u << 20)) {
			plist_t pl = NULL;
			const char *id;
			wxf_err pe;

			wxf_err_clear(&pe);
			if (wxf_plist_read_file(it->abs, 1u << 20, &pl, &pe) != WXF_OK) {
				warn(s, "%s: app container metadata not read: %s", it->path, pe.msg);
				continue;
			}
			id = wxf_plist_str(pl, "MCMMetadataIdentifier");
			if (id != NULL && (strcmp(id, "com.tencent.xin") == 0 ||
			    strcmp(id, "group.com.tencent.xin") == 0)) {
				it->role = (free(it->role), wxf_xasprintf("iOS app container metadata (%s)",
				    id));
				it->wechat = 1;
				it->platform = WXF_PLAT_IOS;
				container_add(&v, &n, it->path, strlen(it->path) - strlen(b) - 1,
				    id[0] == 'g' ? "AppDomainGroup-group.com.tencent.xin" :
				    "AppDomain-com.tencent.xin");
			}
			plist_free(pl);
			continue;
		}
		if (wxf_ios_container_of(it->path, &len))
			container_add(&v, &n, it->path, len, "AppDomain-com.tencent.xin");
	}
	for (i = 0; i < inv->n_items; i++) {
		wxf_item *it = &inv->items[i];

		if (it->member != NULL || it->logical != NULL)
			continue;
		for (k = 0; k < n; k++) {
			size_t l = strlen(v[k].dir);

			if (strncmp(it->path, v[k].dir, l) == 0 && it->path[l] == '/' &&
			    strcmp(wxf_path_base(it->path), MCM_PLIST) != 0) {
				it->logical = wxf_xasprintf("%s/%s", v[k].domain, it->path + l + 1);
				it->wechat = 1;
				if (it->platform == WXF_PLAT_UNKNOWN)
					it->platform = WXF_PLAT_IOS;
				break;
			}
		}
	}
	for (k = 0; k < n; k++)
		free(v[k].dir);
	free(v);
}

/* The display name of root i: its realpath's last component ("/" for the file system root),
 * "~2", "~3"... appended when an earlier root has the same name. */
static char *
root_name(const wxf_inventory *inv, size_t i)
{
	const char *b = wxf_path_base(inv->roots[i].abs);
	char *name = wxf_xstrdup(*b != '\0' ? b : "/");
	unsigned k = 1;
	size_t j;

	for (j = 0; j < i; j++)
		if (strcmp(inv->roots[j].name, name) == 0) {
			free(name);
			name = wxf_xasprintf("%s~%u", *b != '\0' ? b : "/", ++k);
			j = (size_t)-1;   /* look again from the first */
		}
	return name;
}

static void
root_layout(wxf_root *r)
{
	const char *g = r->abs;

	if (!r->is_dir)
		r->layout = wxf_xstrdup("single file");
	else if (strstr(g, "com.tencent.mm") != NULL || strstr(g, "/MicroMsg") != NULL)
		r->layout = wxf_xstrdup("Android WeChat data tree"), r->platform = WXF_PLAT_ANDROID;
	else if (strstr(g, "WeChat Files") != NULL)
		r->layout = wxf_xstrdup("Windows WeChat Files folder"), r->platform = WXF_PLAT_WIN3;
	else if (strstr(g, "xwechat_files") != NULL)
		r->layout = wxf_xstrdup("WeChat 4.x xwechat_files folder"), r->platform = WXF_PLAT_WX4;
	else
		r->layout = wxf_xstrdup("folder");
}

/* A folder given above the WeChat tree: name the layout from what was found inside. */
static void
refine_layouts(wxf_inventory *inv)
{
	static const struct { const char *needle; const char *layout; wxf_platform p; } pat[] = {
		{ "/data/data/com.tencent.mm/", "Android extraction (data/data/com.tencent.mm)", WXF_PLAT_ANDROID },
		{ "/data/user/0/com.tencent.mm/", "Android extraction (data/user/0/com.tencent.mm)", WXF_PLAT_ANDROID },
		{ "/apps/com.tencent.mm/", "Android backup tree (apps/com.tencent.mm)", WXF_PLAT_ANDROID },
		{ "/tencent/MicroMsg/", "Android sdcard (tencent/MicroMsg)", WXF_PLAT_ANDROID },
		{ "/Android/data/com.tencent.mm/", "Android sdcard (Android/data/com.tencent.mm)", WXF_PLAT_ANDROID },
		{ "/WeChat Files/", "Windows WeChat Files folder", WXF_PLAT_WIN3 },
		{ "/xwechat_files/", "WeChat 4.x xwechat_files folder", WXF_PLAT_WX4 },
		{ "/Containers/Data/Application/", "iOS full-file-system extraction (app containers)", WXF_PLAT_IOS },
		{ "/Documents/", "iOS app container (Documents/)", WXF_PLAT_IOS },
	};
	size_t i, j, k;

	for (i = 0; i < inv->n_roots; i++) {
		wxf_root *r = &inv->roots[i];

		if (!r->is_dir || strcmp(r->layout, "folder") != 0)
			continue;
		for (k = 0; k < sizeof(pat) / sizeof(pat[0]); k++) {
			for (j = 0; j < inv->n_items; j++) {
				if (inv->items[j].root == (int)i && inv->items[j].wechat &&
				    strstr(inv->items[j].path, pat[k].needle) != NULL)
					break;
			}
			if (j < inv->n_items) {
				free(r->layout);
				r->layout = wxf_xstrdup(pat[k].layout);
				r->platform = pat[k].p;
				break;
			}
		}
	}
}

int
wxf_intake_scan(wxf_inventory *inv, char *const *paths, size_t n_paths,
    const wxf_intake_opts *opts, wxf_err *err)
{
	scan s;
	size_t i;

	memset(inv, 0, sizeof(*inv));
	memset(&s, 0, sizeof(s));
	s.inv = inv;
	s.opts = opts;
	s.err = err;
	if (!opts->no_magic) {
		s.magic = wxf_magic_new();
		if (s.magic == NULL && opts->log)
			wxf_log_warn(opts->log, "libmagic unavailable: file types from content rules only");
	}
	inv->roots = wxf_xcalloc(n_paths, sizeof(wxf_root));
	inv->n_roots = n_paths;
	for (i = 0; i < n_paths; i++) {
		wxf_root *r = &inv->roots[i];
		char *abs = realpath(paths[i], NULL);

		r->given = wxf_xstrdup(paths[i]);
		if (abs == NULL) {
			wxf_magic_free(&s.magic);
			return wxf_err_set(err, WXF_EIO, "%s: evidence not readable: %s", paths[i],
			    strerror(errno));
		}
		r->abs = abs;
		r->name = root_name(inv, i);
		r->is_dir = wxf_is_dir(abs);
		root_layout(r);
		if (r->is_dir) {
			if (access(abs, R_OK | X_OK) != 0) {
				wxf_magic_free(&s.magic);
				return wxf_err_set(err, WXF_EIO, "%s: evidence folder not readable",
				    paths[i]);
			}
			scan_dir(&s, (int)i, abs, r->name, "", 0);
			itunes_map(&s, r);
		} else {
			const char *b = wxf_path_base(abs);
			char *rel = wxf_xasprintf("/%s", b);
			wxf_arch_kind ak;
			wxf_item *it;

			struct stat st;

			if (stat(abs, &st) != 0) {
				free(rel);
				wxf_magic_free(&s.magic);
				return wxf_err_set(err, WXF_EIO, "%s: evidence not readable: %s", paths[i],
				    strerror(errno));
			}
			if (!S_ISREG(st.st_mode)) {
				free(rel);
				wxf_magic_free(&s.magic);
				return wxf_err_set(err, WXF_EIO, "%s: evidence is neither a folder nor a "
				    "regular file (%s): not read", paths[i], wxf_file_type_name(st.st_mode));
			}
			if (access(abs, R_OK) != 0) {
				free(rel);
				wxf_magic_free(&s.magic);
				return wxf_err_set(err, WXF_EIO, "%s: evidence file not readable", paths[i]);
			}
			scan_file(&s, (int)i, abs, r->name, rel);
			free(rel);
			it = &inv->items[inv->n_items - 1];
			if (it->kind != WXF_KIND_ANDROID_BACKUP &&
			    (ak = wxf_archive_probe(abs)) != WXF_ARCH_NONE) {
				free(r->layout);
				r->layout = wxf_xasprintf("%s archive (case unpacks WeChat's iPhone app "
				    "containers of a full-file-system extraction from it)",
				    wxf_archive_kind_name(ak));
				free(it->role);
				it->role = wxf_xasprintf("archive (%s) of a file system", wxf_archive_kind_name(ak));
			}
			if (it->kind == WXF_KIND_ANDROID_BACKUP) {
				free(r->layout);
				r->layout = wxf_xstrdup("Android adb backup (.ab)");
				r->platform = WXF_PLAT_ANDROID;
				it->role = wxf_xstrdup("Android adb backup container");
				scan_ab(&s, (int)i, abs, r->name);
			}
		}
	}
	if (opts->log != NULL)
		wxf_log_progress_end(opts->log);
	ios_containers(&s);
	find_accounts(inv);
	refine_layouts(inv);
	wxf_magic_free(&s.magic);
	return WXF_OK;
}

size_t
wxf_intake_rehash(wxf_inventory *inv, const wxf_intake_opts *opts)
{
	size_t i, changed = 0;

	for (i = 0; i < inv->n_items; i++) {
		wxf_item *it = &inv->items[i];
		struct stat st;
		int fd;

		if (it->member != NULL || it->kind == WXF_KIND_SYMLINK || it->before.sha256[0] == '\0')
			continue;
		it->have_after = 1;
		if (lstat(it->abs, &st) != 0 || (fd = wxf_open_ro(it->abs, NULL, NULL)) < 0) {
			it->changed = 1;
			memset(&it->after, 0, sizeof(it->after));
		} else {
			int hrc = hash_fd(fd, &it->after, NULL, NULL);

			if (hrc == WXF_ENOMEM)
				wxf_oom(1u << 20);  /* else reported as changed evidence */
			if (hrc != WXF_OK)
				memset(&it->after, 0, sizeof(it->after));
			close(fd);
			it->changed = strcmp(it->after.sha256, it->before.sha256) != 0 ||
			    strcmp(it->after.md5, it->before.md5) != 0 ||
			    strcmp(it->after.sha1, it->before.sha1) != 0 ||
			    (uint64_t)st.st_size != it->size || st.st_mtim.tv_sec != it->mtime_s ||
			    st.st_mtim.tv_nsec != it->mtime_ns;
		}
		if (it->changed) {
			changed++;
			if (opts && opts->log)
				wxf_log_error(opts->log, "EVIDENCE CHANGED during processing: %s "
				    "(SHA-256 before %s, after %s)", it->path, it->before.sha256,
				    it->after.sha256[0] ? it->after.sha256 : "unreadable");
		}
	}
	/* members inherit their container's verdict */
	for (i = 0; i < inv->n_items; i++) {
		wxf_item *it = &inv->items[i], *c;
		size_t j;

		if (it->member == NULL)
			continue;
		for (j = 0; j < inv->n_items; j++) {
			c = &inv->items[j];
			if (c->member == NULL && strcmp(c->abs, it->abs) == 0) {
				it->changed = c->changed;
				if (!c->changed) {
					it->after = it->before;
					it->have_after = 1;
				}
				break;
			}
		}
	}
	return changed;
}

/* A container unpacked in part: the log names every member left out, the caller gets one line
 * (the first few members and the count). */
static void
damaged(const wxf_intake_opts *opts, const wxf_item *it, const wxf_ab_extract_result *xr)
{
	wxf_buf b;
	size_t i;

	wxf_buf_init(&b);
	if (xr->truncated)
		wxf_buf_printf(&b, "the stream ends early (%s): the members before it are kept",
		    without_path(xr->stream_error, it->abs));
	for (i = 0; i < xr->n_bad; i++) {
		if (opts->log)
			wxf_log_warn(opts->log, "%s!/%s", it->path, xr->bad[i]);
		if (i < 5)
			wxf_buf_printf(&b, "%s%s", b.len > 0 ? "; " : "", xr->bad[i]);
	}
	if (xr->n_bad > 5)
		wxf_buf_printf(&b, "; and %zu more member(s) (see the log)", xr->n_bad - 5);
	if (opts->unpack_damaged != NULL)
		opts->unpack_damaged(opts->unpack_failed_arg, it->path, b.p, xr->n_files,
		    xr->n_bad);
	wxf_buf_free(&b);
}

int
wxf_intake_unpack(const wxf_inventory *inv, const char *work_dir, const wxf_intake_opts *opts,
    char ***dirs, char ***from, size_t *n, wxf_err *err)
{
	size_t i, k = 0;

	*dirs = NULL;
	*from = NULL;
	*n = 0;
	for (i = 0; i < inv->n_items; i++) {
		const wxf_item *it = &inv->items[i];
		wxf_ab_extract_result xr;
		char *dir;
		wxf_err e;
		int rc;

		if (it->member != NULL || it->kind != WXF_KIND_ANDROID_BACKUP)
			continue;
		/* the members go into a folder of their own, so that no member name can meet a
		 * file the tool writes for the container (those go beside "members") */
		dir = wxf_xasprintf("%s/containers/%zu-%s/members", work_dir, ++k,
		    wxf_path_base(it->abs));
		wxf_err_clear(&e);
		rc = wxf_ab_extract(it->abs, opts->backup_password, dir, &xr, &e);
		if (rc == WXF_EIO && !wxf_is_dir(dir)) {
			free(dir);
			wxf_ab_extract_result_free(&xr);
			return wxf_err_set(err, WXF_EIO, "%s", e.msg);
		}
		if (rc == WXF_OK && (xr.n_bad > 0 || xr.truncated))
			damaged(opts, it, &xr);
		wxf_ab_extract_result_free(&xr);
		if (rc != WXF_OK) {
			if (opts->log)
				wxf_log_warn(opts->log, "%s: not unpacked: %s", it->path, e.msg);
			if (opts->unpack_failed != NULL)
				opts->unpack_failed(opts->unpack_failed_arg, it->path,
				    without_path(e.msg, it->abs));
			free(dir);
			continue;
		}
		*dirs = wxf_xrealloc(*dirs, (*n + 1) * sizeof(char *));
		*from = wxf_xrealloc(*from, (*n + 1) * sizeof(char *));
		(*dirs)[*n] = dir;
		(*from)[*n] = wxf_xstrdup(it->path);
		(*n)++;
	}
	return WXF_OK;
}

int
wxf_intake_inside_evidence(const wxf_inventory *inv, const char *path)
{
	size_t i;

	for (i = 0; i < inv->n_roots; i++) {
		if (inv->roots[i].abs == NULL)
			continue;
		if (wxf_path_is_inside(path, inv->roots[i].abs))
			return 1;
	}
	return 0;
}

void
wxf_inventory_free(wxf_inventory *inv)
{
	size_t i;

	for (i = 0; i < inv->n_items; i++) {
		wxf_item *it = &inv->items[i];

		free(it->path);
		free(it->abs);
		free(it->member);
		free(it->logical);
		free(it->magic);
		free(it->mime);
		free(it->role);
		free(it->note);
	}
	for (i = 0; i < inv->n_accounts; i++) {
		free(inv->accounts[i].id);
		free(inv->accounts[i].folder);
		free(inv->accounts[i].uin);
		free(inv->accounts[i].wxid);
		free(inv->accounts[i].how);
	}
	for (i = 0; i < inv->n_roots; i++) {
		free(inv->roots[i].given);
		free(inv->roots[i].name);
		free(inv->roots[i].abs);
		free(inv->roots[i].layout);
	}
	for (i = 0; i < inv->n_uins; i++)
		free(inv->uins[i]);
	free(inv->uins);
	free(inv->items);
	free(inv->accounts);
	free(inv->roots);
	memset(inv, 0, sizeof(*inv));
}

void
wxf_intake_audit(wxf_audit *a, const wxf_inventory *inv, int after)
{
	wxf_buf b;
	size_t i;

	wxf_buf_init(&b);
	for (i = 0; i < inv->n_items; i++) {
		const wxf_item *it = &inv->items[i];
		const wxf_hashes *h = after ? &it->after : &it->before;

		if (after && !it->have_after)
			continue;
		wxf_buf_reset(&b);
		wxf_buf_puts(&b, "\"input\":");
		wxf_buf_json_str(&b, it->path, strlen(it->path));
		if (it->member != NULL) {
			wxf_buf_puts(&b, ",\"member\":");
			wxf_buf_json_str(&b, it->member, strlen(it->member));
		}
		wxf_buf_printf(&b, ",\"size\":%llu,\"md5\":\"%s\",\"sha1\":\"%s\",\"sha256\":\"%s\"",
		    (unsigned long long)it->size, h->md5, h->sha1, h->sha256);
		if (after)
			wxf_buf_printf(&b, ",\"changed\":%s", it->changed ? "true" : "false");
		wxf_audit_add(a, after ? "evidence-hash-after" : "evidence-hash-before", b.p, NULL);
	}
	wxf_buf_free(&b);
}

/* "key":{"md5":…,"sha1":…,"sha256":…}, or "key":null when not computed */
static void
jhashes(wxf_buf *b, const char *key, const wxf_hashes *h, int have)
{
	wxf_buf_json_key(b, key);
	if (!have || h->sha256[0] == '\0') {
		wxf_buf_puts(b, "null");
		return;
	}
	wxf_buf_putc(b, '{');
	wxf_buf_json_kstr(b, "md5", h->md5);
	wxf_buf_json_kstr(b, "sha1", h->sha1);
	wxf_buf_json_kstr(b, "sha256", h->sha256);
	wxf_buf_putc(b, '}');
}

char *
wxf_inventory_json(const wxf_inventory *inv)
{
	wxf_buf b;
	size_t i;

	wxf_buf_init(&b);
	wxf_buf_puts(&b, "{\"roots\":[");
	for (i = 0; i < inv->n_roots; i++) {
		const wxf_root *r = &inv->roots[i];

		wxf_buf_json_sep(&b);
		wxf_buf_putc(&b, '{');
		wxf_buf_json_kstr(&b, "path", r->name);
		wxf_buf_json_kstr(&b, "layout", r->layout);
		wxf_buf_json_kstr(&b, "platform", wxf_platform_name(r->platform));
		wxf_buf_putc(&b, '}');
	}
	wxf_buf_puts(&b, "],\"accounts\":[");
	for (i = 0; i < inv->n_accounts; i++) {
		const wxf_account *a = &inv->accounts[i];

		wxf_buf_json_sep(&b);
		wxf_buf_putc(&b, '{');
		wxf_buf_json_kstr(&b, "platform", wxf_platform_name(a->platform));
		wxf_buf_json_kstr(&b, "id", a->id);
		wxf_buf_json_kstr(&b, "folder", a->folder);
		wxf_buf_json_kstr(&b, "uin", a->uin);
		wxf_buf_json_kstr(&b, "wxid", a->wxid);
		wxf_buf_json_kstr(&b, "how", a->how);
		wxf_buf_putc(&b, '}');
	}
	wxf_buf_puts(&b, "],\"items\":[");
	for (i = 0; i < inv->n_items; i++) {
		const wxf_item *it = &inv->items[i];

		wxf_buf_puts(&b, i ? ",\n{" : "\n{");
		wxf_buf_json_kstr(&b, "path", it->path);
		wxf_buf_json_kstr(&b, "member", it->member);
		wxf_buf_json_kstr(&b, "logical", it->logical);
		wxf_buf_json_kuint(&b, "size", it->size);
		wxf_buf_json_key(&b, "mtime");
		wxf_buf_printf(&b, "%lld", (long long)it->mtime_s);
		wxf_buf_json_kstr(&b, "kind", wxf_kind_name(it->kind));
		wxf_buf_json_kbool(&b, "encrypted", it->kind == WXF_KIND_SQLITE_ENCRYPTED);
		wxf_buf_json_kbool(&b, "wechat", it->wechat);
		wxf_buf_json_key(&b, "entropy");
		wxf_buf_printf(&b, "%.3f", it->entropy);
		wxf_buf_json_kstr(&b, "role", it->role);
		wxf_buf_json_kstr(&b, "platform", wxf_platform_name(it->platform));
		wxf_buf_json_kstr(&b, "magic", it->magic);
		wxf_buf_json_kstr(&b, "mime", it->mime);
		wxf_buf_json_kstr(&b, "account", it->account >= 0 ? inv->accounts[it->account].id :
		    NULL);
		jhashes(&b, "before", &it->before, 1);
		jhashes(&b, "after", &it->after, it->have_after);
		wxf_buf_json_kbool(&b, "changed", it->changed);
		wxf_buf_json_kstr(&b, "note", it->note);
		wxf_buf_putc(&b, '}');
	}
	wxf_buf_printf(&b, "\n],\"warnings\":%u}\n", inv->n_warnings);
	return wxf_buf_steal(&b);
}
