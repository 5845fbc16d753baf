/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Archives of an iPhone full-file-system extraction (archive.h has the formats and the
 * rules).  The tar reader is the project's own (ab.c); zip members come from libarchive, with
 * only its zip reader enabled.  Member names are sanitised by one function for both
 * (wxf_member_path_sanitise); sizes are bounded before anything is written; nothing but
 * regular files and folders is ever created, and only below the given folder.
 *
 * The decompression-bomb threshold can be lowered for tests with the environment variable
 * WXF_ARCHIVE_BOMB_MIN_KB (kibibytes).
 */
#include "config.h"
#include "intake/archive.h"
#include "intake/intake.h"
#include "intake_int.h"
#include "base/wxf_file.h"
#include "base/wxf_mem.h"
#include "base/wxf_plist.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define MCM_PLIST ".com.apple.mobile_container_manager.metadata.plist"
#define MCM_MAX ((size_t)1 << 20)
#define ZIP_BLOCK ((size_t)1 << 16)
#define MEM_TGZ_MAX ((size_t)64 << 20)   /* an in-memory tar.gz (tests, fuzzing) inflates to this */

const char *
wxf_archive_kind_name(wxf_arch_kind k)
{
	switch (k) {
	case WXF_ARCH_TAR:
		return "tar";
	case WXF_ARCH_TGZ:
		return "tar.gz";
	case WXF_ARCH_ZIP:
		return "zip";
	default:
		return NULL;
	}
}

/* 1 when b[0..512) is a tar header with a right checksum (and not all zeros). */
static int
tar_block(const uint8_t *b, size_t n)
{
	unsigned sum = 0, want = 0;
	size_t i;
	int digits = 0;

	if (n < 512)
		return 0;
	for (i = 0; i < 512; i++)
		sum += (i >= 148 && i < 156) ? ' ' : b[i];
	for (i = 148; i < 156 && b[i] == ' '; i++)
		;
	for (; i < 156 && b[i] >= '0' && b[i] <= '7'; i++, digits++)
		want = want * 8 + (unsigned)(b[i] - '0');
	return digits > 0 && want == sum && sum != 8 * ' ';
}

static wxf_arch_kind
sniff(const uint8_t *p, size_t n, const uint8_t *inflated, size_t in_n)
{
	if (n >= 4 && p[0] == 'P' && p[1] == 'K' && ((p[2] == 3 && p[3] == 4) ||
	    (p[2] == 5 && p[3] == 6)))
		return WXF_ARCH_ZIP;
	if (n >= 3 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8)
		return tar_block(inflated, in_n) ? WXF_ARCH_TGZ : WXF_ARCH_NONE;
	return tar_block(p, n) ? WXF_ARCH_TAR : WXF_ARCH_NONE;
}

/* Inflates the start of a gzip stream into out (at most *on bytes). */
static void
gunzip_head(const uint8_t *p, size_t n, uint8_t *out, size_t *on)
{
	z_stream z;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK) {
		*on = 0;
		return;
	}
	z.next_in = (Bytef *)p;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)*on;
	(void)inflate(&z, Z_SYNC_FLUSH);
	*on -= z.avail_out;
	inflateEnd(&z);
}

wxf_arch_kind
wxf_archive_probe(const char *path)
{
	uint8_t head[4096], in[512];
	size_t in_n = sizeof(in);
	ssize_t r;
	int fd = wxf_open_ro(path, NULL, NULL);

	if (fd < 0)
		return WXF_ARCH_NONE;
	r = read(fd, head, sizeof(head));
	close(fd);
	if (r <= 0)
		return WXF_ARCH_NONE;
	if (r >= 3 && head[0] == 0x1f && head[1] == 0x8b)
		gunzip_head(head, (size_t)r, in, &in_n);
	else
		in_n = 0;
	return sniff(head, (size_t)r, in, in_n);
}

/* ------------------------------------------------------------------------------ tar */

/* The tar reader's callbacks over an archive callback: "skip" swallows the member's data. */
struct tar_adapt {
	const wxf_archive_cb *cb;
	int skipping;
};

static int
ta_member(void *arg, const char *name, char type, uint64_t size, int64_t mtime, const char *link)
{
	struct tar_adapt *t = arg;
	int r;

	(void)link;
	if (type == '7')
		type = '0';   /* contiguous file */
	r = t->cb->on_member(t->cb->arg, name, type, size, mtime);
	t->skipping = r != 0;
	return r < 0;
}

static int
ta_data(void *arg, const uint8_t *p, size_t n)
{
	struct tar_adapt *t = arg;

	return t->skipping || t->cb->on_data == NULL ? 0 : t->cb->on_data(t->cb->arg, p, n);
}

static int
ta_end(void *arg)
{
	struct tar_adapt *t = arg;

	if (t->skipping) {
		t->skipping = 0;
		return 0;
	}
	return t->cb->on_end != NULL ? t->cb->on_end(t->cb->arg) : 0;
}

/* ------------------------------------------------------------------------------ zip */

static char
entry_type(struct archive_entry *e)
{
	if (archive_entry_hardlink(e) != NULL)
		return '1';
	switch (archive_entry_filetype(e)) {
	case AE_IFREG:
		return '0';
	case AE_IFDIR:
		return '5';
	case AE_IFLNK:
		return '2';
	case AE_IFCHR:
		return '3';
	case AE_IFBLK:
		return '4';
	case AE_IFIFO:
		return '6';
	default:
		return '?';
	}
}

/* Walks an opened libarchive handle. */
static int
zip_walk(struct archive *a, const char *what, const wxf_archive_cb *cb, wxf_err *err)
{
	struct archive_entry *e;
	uint8_t *buf = malloc(ZIP_BLOCK);
	int r, rc = WXF_OK;

	if (buf == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	for (;;) {
		const char *raw;
		char name[4096], type;
		uint64_t size;
		int want;

		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			rc = WXF_CORRUPT(err, -1, (int64_t)archive_filter_bytes(a, -1),
			    "%s: zip: %s", what, archive_error_string(a) ? archive_error_string(a) :
			    "unreadable member header");
			break;
		}
		raw = archive_entry_pathname_utf8(e);
		if (raw == NULL)
			raw = archive_entry_pathname(e);
		type = entry_type(e);
		if (raw == NULL || wxf_member_path_sanitise(raw, name, sizeof(name)) != 0) {
			snprintf(name, sizeof(name), "(refused unsafe name)");
			type = 'R';
		}
		size = archive_entry_size_is_set(e) && archive_entry_size(e) >= 0 ?
		    (uint64_t)archive_entry_size(e) : UINT64_MAX;
		want = cb->on_member(cb->arg, name, type, size,
		    archive_entry_mtime_is_set(e) ? (int64_t)archive_entry_mtime(e) : 0);
		if (want < 0)
			break;
		if (want > 0 || type != '0')
			continue;   /* libarchive skips the data at the next header */
		for (;;) {
			la_ssize_t got = archive_read_data(a, buf, ZIP_BLOCK);

			if (got == 0)
				break;
			if (got < 0) {
				rc = WXF_CORRUPT(err, -1, (int64_t)archive_filter_bytes(a, -1),
				    "%s: zip member %s: %s", what, name, archive_error_string(a) ?
				    archive_error_string(a) : "data unreadable");
				break;
			}
			if (cb->on_data != NULL && cb->on_data(cb->arg, buf, (size_t)got) != 0) {
				want = -1;
				break;
			}
		}
		if (cb->on_end != NULL && cb->on_end(cb->arg) != 0)
			want = -1;
		if (rc != WXF_OK || want < 0)
			break;
	}
	free(buf);
	return rc;
}

static struct archive *
zip_new(void)
{
	struct archive *a = archive_read_new();

	if (a != NULL && archive_read_support_format_zip(a) != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	return a;
}

/* ------------------------------------------------------------------------------ stream */

int
wxf_archive_stream(const char *path, wxf_arch_kind k, const wxf_archive_cb *cb, wxf_err *err)
{
	struct tar_adapt t = { cb, 0 };
	wxf_tar_cb tc = { ta_member, ta_data, ta_end, &t };
	struct archive *a;
	int rc;

	if (k == WXF_ARCH_TAR || k == WXF_ARCH_TGZ)
		return wxf_tar_stream(path, k == WXF_ARCH_TGZ, &tc, err);
	if (k != WXF_ARCH_ZIP)
		return wxf_err_set(err, WXF_EUNSUPPORTED, "%s: not a tar, tar.gz or zip archive", path);
	if ((a = zip_new()) == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "libarchive: cannot start a reader");
	if (archive_read_open_filename(a, path, ZIP_BLOCK) != ARCHIVE_OK) {
		rc = wxf_err_set(err, WXF_EIO, "%s: %s", path, archive_error_string(a) ?
		    archive_error_string(a) : "cannot open");
		archive_read_free(a);
		return rc;
	}
	rc = zip_walk(a, path, cb, err);
	archive_read_free(a);
	return rc;
}

int
wxf_archive_stream_mem(const uint8_t *p, size_t n, const wxf_archive_cb *cb, wxf_err *err)
{
	struct tar_adapt t = { cb, 0 };
	wxf_tar_cb tc = { ta_member, ta_data, ta_end, &t };
	uint8_t in[512];
	size_t in_n = sizeof(in);
	struct archive *a;
	wxf_arch_kind k;
	int rc;

	if (n >= 3 && p[0] == 0x1f && p[1] == 0x8b)
		gunzip_head(p, n, in, &in_n);
	else
		in_n = 0;
	k = sniff(p, n, in, in_n);
	if (k == WXF_ARCH_TAR)
		return wxf_tar_read_mem(p, n, &tc, err);
	if (k == WXF_ARCH_TGZ) {
		uint8_t *out = malloc(MEM_TGZ_MAX);
		size_t on = MEM_TGZ_MAX;

		if (out == NULL)
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
		gunzip_head(p, n, out, &on);
		rc = wxf_tar_read_mem(out, on, &tc, err);
		free(out);
		return rc;
	}
	if (k != WXF_ARCH_ZIP)
		return wxf_err_set(err, WXF_EUNSUPPORTED, "not a tar, tar.gz or zip archive");
	if ((a = zip_new()) == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "libarchive: cannot start a reader");
	if (archive_read_open_memory(a, p, n) != ARCHIVE_OK) {
		rc = WXF_CORRUPT(err, -1, 0, "zip: %s", archive_error_string(a) ?
		    archive_error_string(a) : "unreadable");
		archive_read_free(a);
		return rc;
	}
	rc = zip_walk(a, "zip", cb, err);
	archive_read_free(a);
	return rc;
}

/* ------------------------------------------------------------------------------ iPhone */

struct container {
	char *prefix;            /* member path of the container folder */
	int data;                /* Data/Application (not Shared/AppGroup) */
	int mcm;                 /* 1 its metadata plist names WeChat, -1 another app, 0 none */
	int layout;              /* laid out like WeChat's */
};

typedef struct unpack {
	const char *path, *name, *dir;
	uint64_t max_member, bomb_min, arch_size;
	wxf_archive_result *res;
	wxf_log *log;
	wxf_err *err;
	struct container *c;
	size_t n_c;
	/* pass 1: the metadata plist being read */
	struct container *mcm_of;
	uint8_t *mcm;
	size_t mcm_n;
	/* pass 2: the file being written */
	int fd;
	char *out;
	int64_t mtime;
	uint64_t want, got;      /* the member's declared size, the bytes written */
	size_t n_cut;            /* members cut short by a damaged archive: removed */
	int rc;
} unpack;

static void
note(unpack *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
note(unpack *u, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (u->res->note != NULL)
		return;
	va_start(ap, fmt);
	s = wxf_xvasprintf(fmt, ap);
	va_end(ap);
	u->res->note = s;
}

/* The container a member lies in ("…/Containers/Data/Application/<X>/…" or
 * "…/Containers/Shared/AppGroup/<X>/…"): its prefix length, 0 when none; *data says which. */
static size_t
container_len(const char *name, int *data)
{
	static const struct { const char *mark; int data; } m[] = {
		{ "Containers/Data/Application/", 1 }, { "Containers/Shared/AppGroup/", 0 },
	};
	size_t i;

	for (i = 0; i < 2; i++) {
		const char *s = name, *e;

		while ((s = strstr(s, m[i].mark)) != NULL) {
			if (s == name || s[-1] == '/') {
				const char *id = s + strlen(m[i].mark);

				e = strchr(id, '/');
				if (e != NULL && e > id) {
					*data = m[i].data;
					return (size_t)(e - name);
				}
			}
			s++;
		}
	}
	return 0;
}

static struct container *
container_get(unpack *u, const char *name, size_t len, int data)
{
	size_t i;

	for (i = 0; i < u->n_c; i++)
		if (strlen(u->c[i].prefix) == len && strncmp(u->c[i].prefix, name, len) == 0)
			return &u->c[i];
	u->c = wxf_xrealloc(u->c, (u->n_c + 1) * sizeof(*u->c));
	memset(&u->c[u->n_c], 0, sizeof(*u->c));
	u->c[u->n_c].prefix = wxf_xstrndup(name, len);
	u->c[u->n_c].data = data;
	return &u->c[u->n_c++];
}

static int
is_wechat(const struct container *c)
{
	return c->mcm > 0 || (c->mcm == 0 && c->data && c->layout);
}

static int
p1_member(void *arg, const char *name, char type, uint64_t size, int64_t mtime)
{
	unpack *u = arg;
	struct container *c;
	size_t len, l2;
	int data;

	(void)mtime;
	u->res->n_members++;
	if (type != '0' || (len = container_len(name, &data)) == 0)
		return 1;
	c = container_get(u, name, len, data);
	if (wxf_ios_container_of(name, &l2) && l2 == len)
		c->layout = 1;
	if (strcmp(name + len, "/" MCM_PLIST) == 0 && size <= MCM_MAX) {
		u->mcm_of = c;
		u->mcm_n = 0;
		return 0;
	}
	return 1;
}

static int
p1_data(void *arg, const uint8_t *p, size_t n)
{
	unpack *u = arg;

	if (u->mcm_n + n > MCM_MAX)
		return 0;
	if (u->mcm == NULL)
		u->mcm = wxf_xmalloc(MCM_MAX);
	memcpy(u->mcm + u->mcm_n, p, n);
	u->mcm_n += n;
	return 0;
}

static int
p1_end(void *arg)
{
	unpack *u = arg;
	plist_t pl = NULL;
	const char *id;

	if (u->mcm_of == NULL)
		return 0;
	if (wxf_plist_parse(u->mcm, u->mcm_n, MCM_MAX, &pl, NULL) == WXF_OK) {
		id = wxf_plist_str(pl, "MCMMetadataIdentifier");
		if (id != NULL)
			u->mcm_of->mcm = strcmp(id, "com.tencent.xin") == 0 ||
			    strcmp(id, "group.com.tencent.xin") == 0 ? 1 : -1;
		plist_free(pl);
	}
	u->mcm_of = NULL;
	return 0;
}

/* The WeChat container a member belongs to, or NULL. */
static const struct container *
wechat_of(const unpack *u, const char *name)
{
	size_t i;

	for (i = 0; i < u->n_c; i++) {
		size_t l = strlen(u->c[i].prefix);

		if (is_wechat(&u->c[i]) && strncmp(name, u->c[i].prefix, l) == 0 && name[l] == '/')
			return &u->c[i];
	}
	return NULL;
}

static int
bomb(unpack *u, uint64_t more)
{
	uint64_t out = u->res->bytes + more;

	if (out <= u->bomb_min || out / (u->arch_size ? u->arch_size : 1) <= WXF_ARCHIVE_BOMB_RATIO)
		return 0;
	u->res->bomb = 1;
	note(u, "%s: %llu bytes would come out of a %llu-byte archive (more than %d times its "
	    "size): refused as a decompression bomb; unpacking stopped", u->name,
	    (unsigned long long)out, (unsigned long long)u->arch_size, WXF_ARCHIVE_BOMB_RATIO);
	wxf_log_warn(u->log, "%s", u->res->note);
	return 1;
}

static int
p2_member(void *arg, const char *name, char type, uint64_t size, int64_t mtime)
{
	unpack *u = arg;
	char *slash;
	wxf_err e;

	u->fd = -1;
	if (type == 'R') {
		u->res->n_refused++;
		note(u, "a member name was refused (absolute or with \"..\")");
		return 1;
	}
	if (wechat_of(u, name) == NULL)
		return 1;
	if (type == '5') {
		char *d = wxf_path_join(u->dir, name);

		wxf_err_clear(&e);
		if (wxf_path_is_inside(d, u->dir))
			(void)wxf_mkdir_p(d, &e);
		free(d);
		return 1;
	}
	if (type != '0') {
		u->res->n_links++;
		return 1;
	}
	if (u->max_member > 0 && size != UINT64_MAX && size > u->max_member) {
		u->res->n_too_large++;
		note(u, "%s: %llu bytes, over the limit of %llu: not restored", name,
		    (unsigned long long)size, (unsigned long long)u->max_member);
		return 1;
	}
	if (size != UINT64_MAX && bomb(u, size))
		return -1;
	u->out = wxf_path_join(u->dir, name);
	slash = strrchr(u->out, '/');
	*slash = '\0';
	wxf_err_clear(&e);
	if (wxf_mkdir_p(u->out, &e) != WXF_OK) {
		u->rc = wxf_err_set(u->err, WXF_EIO, "%s", e.msg);
		free(u->out);
		u->out = NULL;
		return -1;
	}
	*slash = '/';
	/* a folder the archive names twice, or a symbolic link in the way: never followed */
	if (!wxf_path_is_inside(u->out, u->dir) ||
	    (u->fd = open(u->out, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0) {
		note(u, "%s: cannot be restored: %s", name, strerror(errno));
		free(u->out);
		u->out = NULL;
		return 1;
	}
	u->mtime = mtime;
	u->want = size;
	u->got = 0;
	return 0;
}

static int
p2_data(void *arg, const uint8_t *p, size_t n)
{
	unpack *u = arg;

	if (u->fd < 0)
		return 0;
	if (bomb(u, n)) {
		close(u->fd);
		u->fd = -1;
		unlink(u->out);
		return 1;
	}
	if (wxf_write_all(u->fd, p, n) != 0) {
		u->rc = wxf_err_set(u->err, WXF_EIO, "%s: %s", u->out, strerror(errno));
		return 1;
	}
	u->res->bytes += n;
	u->got += n;
	return 0;
}

static int
p2_end(void *arg)
{
	unpack *u = arg;

	if (u->fd >= 0) {
		if (close(u->fd) != 0 && u->rc == WXF_OK)
			u->rc = wxf_err_set(u->err, WXF_EIO, "%s: %s", u->out, strerror(errno));
		u->fd = -1;
		/* the archive ended inside the member: a part of a file is not restored as the file */
		if (u->want != UINT64_MAX && u->got != u->want) {
			unlink(u->out);
			u->res->bytes -= u->got;
			u->n_cut++;
			note(u, "a member ends %llu bytes short of its %llu: not restored",
			    (unsigned long long)(u->want - (u->got < u->want ? u->got : u->want)),
			    (unsigned long long)u->want);
			free(u->out);
			u->out = NULL;
			return 0;
		}
		if (u->mtime > 0) {
			struct timespec ts[2];

			ts[0].tv_sec = ts[1].tv_sec = (time_t)u->mtime;
			ts[0].tv_nsec = ts[1].tv_nsec = 0;
			(void)utimensat(AT_FDCWD, u->out, ts, AT_SYMLINK_NOFOLLOW);
		}
		u->res->n_restored++;
	}
	free(u->out);
	u->out = NULL;
	return u->rc != WXF_OK;
}

/* A reader's message names the file by where it lies: name it as the evidence instead. */
static void
renamed(char *msg, size_t cap, const char *path, const char *name)
{
	char *hit = strstr(msg, path);
	size_t lp = strlen(path), ln = strlen(name);

	if (hit == NULL || ln > lp + (cap - strlen(msg) - 1))
		return;
	memmove(hit + ln, hit + lp, strlen(hit + lp) + 1);
	memcpy(hit, name, ln);
}

int
wxf_archive_unpack_ios(const char *path, const char *name, wxf_arch_kind k, const char *dir,
    uint64_t max_member, wxf_archive_result *res, wxf_log *log, wxf_err *err)
{
	wxf_archive_cb c1, c2;
	const char *env = getenv("WXF_ARCHIVE_BOMB_MIN_KB");
	struct stat st;
	unpack u;
	wxf_err e;
	size_t i;
	int rc;

	memset(res, 0, sizeof(*res));
	res->kind = k;
	memset(&u, 0, sizeof(u));
	u.path = path;
	u.name = name;
	u.dir = dir;
	u.max_member = max_member;
	u.bomb_min = env != NULL && atoll(env) > 0 ? (uint64_t)atoll(env) << 10 :
	    WXF_ARCHIVE_BOMB_MIN;
	u.arch_size = stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
	u.res = res;
	u.log = log;
	u.err = err;
	u.fd = -1;
	c1 = (wxf_archive_cb){ p1_member, p1_data, p1_end, &u };
	wxf_err_clear(&e);
	rc = wxf_archive_stream(path, k, &c1, &e);
	renamed(e.msg, sizeof(e.msg), path, name);
	if (rc != WXF_OK) {
		if (res->n_members == 0) {
			rc = wxf_err_setx(err, rc, WXF_SEV_FAILED, __FILE__, __LINE__, -1, e.off, "%s",
			    e.msg);
			goto out;
		}
		/* a damaged archive: the members before the damage are used */
		note(&u, "%s", e.msg);
		wxf_log_warn(log, "%s", e.msg);
	}
	for (i = 0; i < u.n_c; i++)
		res->n_containers += is_wechat(&u.c[i]) ? 1 : 0;
	rc = WXF_OK;
	if (res->n_containers == 0)
		goto out;
	if ((rc = wxf_mkdir_p(dir, err)) != WXF_OK)
		goto out;
	c2 = (wxf_archive_cb){ p2_member, p2_data, p2_end, &u };
	wxf_err_clear(&e);
	rc = wxf_archive_stream(path, k, &c2, &e);
	if (u.fd >= 0) {
		close(u.fd);
		u.fd = -1;
	}
	free(u.out);
	if (u.rc != WXF_OK)
		rc = u.rc;
	else if (rc != WXF_OK) {
		/* the damage pass 1 met, met again: not a new failure */
		rc = WXF_OK;
	}
out:
	for (i = 0; i < u.n_c; i++)
		free(u.c[i].prefix);
	free(u.c);
	free(u.mcm);
	return rc;
}

void
wxf_archive_result_free(wxf_archive_result *res)
{
	free(res->note);
	memset(res, 0, sizeof(*res));
}
