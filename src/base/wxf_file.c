/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "wxf_file.h"
#include "wxf_mem.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

const char *
wxf_file_type_name(mode_t mode)
{
	if (S_ISREG(mode))
		return "regular file";
	if (S_ISDIR(mode))
		return "directory";
	if (S_ISLNK(mode))
		return "symbolic link";
	if (S_ISFIFO(mode))
		return "FIFO";
	if (S_ISCHR(mode))
		return "character device";
	if (S_ISBLK(mode))
		return "block device";
	if (S_ISSOCK(mode))
		return "socket";
	return "special file";
}

/* The error for a path that is not a regular file: a link names its target. */
static int
not_regular(const char *path, const struct stat *st, wxf_err *err)
{
	char target[1024];
	ssize_t n;

	if (!S_ISLNK(st->st_mode))
		return wxf_err_set(err, WXF_EIO, "%s: not a regular file (%s)", path,
		    wxf_file_type_name(st->st_mode));
	n = readlink(path, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = '\0';
	return wxf_err_set(err, WXF_EIO, "%s: is a symbolic link to '%s' (not followed)", path,
	    target);
}

int
wxf_open_ro(const char *path, struct stat *st, wxf_err *err)
{
	struct stat l, f;
	int fd, e, flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW;

	/* refused before opening: opening a device can have effects of its own */
	if (lstat(path, &l) != 0) {
		wxf_err_set(err, WXF_EIO, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(l.st_mode)) {
		not_regular(path, &l, err);
		return -1;
	}
#ifdef O_NOATIME
	fd = open(path, flags | O_NOATIME);
	if (fd < 0 && errno == EPERM)
		fd = open(path, flags);
#else
	fd = open(path, flags);
#endif
	if (fd < 0) {
		e = errno;
		if (e == ELOOP && lstat(path, &l) == 0)
			not_regular(path, &l, err);
		else
			wxf_err_set(err, WXF_EIO, "%s: cannot open: %s", path, strerror(e));
		return -1;
	}
	/* the name may have been replaced between lstat and open */
	if (fstat(fd, &f) != 0 || !S_ISREG(f.st_mode)) {
		close(fd);
		wxf_err_set(err, WXF_EIO, "%s: not a regular file (replaced while opened)", path);
		return -1;
	}
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	if (st != NULL)
		*st = f;
	return fd;
}

ssize_t
wxf_file_head(const char *path, void *buf, size_t n)
{
	int fd = wxf_open_ro(path, NULL, NULL);
	size_t got = 0;
	ssize_t r;

	if (fd < 0)
		return -1;
	while (got < n && ((r = read(fd, (uint8_t *)buf + got, n - got)) > 0 ||
	    (r < 0 && errno == EINTR)))
		if (r > 0)
			got += (size_t)r;
	close(fd);
	return (ssize_t)got;
}

int
wxf_map_open(wxf_map *m, const char *path, wxf_err *err)
{
	struct stat st;
	int fd;
	void *p;

	memset(m, 0, sizeof(*m));
	if ((fd = wxf_open_ro(path, &st, err)) < 0)
		return WXF_EIO;
	if (st.st_size == 0) {
		close(fd);
		return WXF_OK;
	}
	if ((uint64_t)st.st_size > SIZE_MAX) {
		close(fd);
		return wxf_err_set(err, WXF_EIO, "%s: too large to map", path);
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return wxf_err_set(err, WXF_EIO, "%s: cannot map: %s", path, strerror(errno));
	m->data = p;
	m->size = (size_t)st.st_size;
	m->priv_ = p;
	m->mapped = 1;
	return WXF_OK;
}

void
wxf_map_close(wxf_map *m)
{
	if (m->mapped && m->priv_ != NULL)
		munmap(m->priv_, m->size);
	else
		free(m->priv_);
	memset(m, 0, sizeof(*m));
}

int
wxf_file_read_small(const char *path, size_t max, uint8_t **out, size_t *len, wxf_err *err)
{
	uint8_t *buf, *nb;
	size_t n = 0, cap;
	struct stat st;
	ssize_t r;
	int fd;

	*out = NULL;
	*len = 0;
	if ((fd = wxf_open_ro(path, NULL, err)) < 0)
		return WXF_EIO;
	/* The buffer starts at the file's size (plus the byte that tells a file over the limit),
	 * not at the limit: a 64 MB limit on a 2 KB file costs 2 KB.  A file that grows while it
	 * is read, or one whose size fstat does not tell, grows the buffer up to max + 1. */
	cap = max + 1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0 &&
	    (uint64_t)st.st_size < (uint64_t)max)
		cap = (size_t)st.st_size + 1;
	buf = malloc(cap + 1);
	if (buf == NULL) {
		close(fd);
		return wxf_err_set(err, WXF_ENOMEM, "%s: out of memory", path);
	}
	for (;;) {
		if (n == cap) {
			if (cap >= max + 1)
				break;
			cap = cap > (max + 1) / 2 ? max + 1 : cap * 2;
			if ((nb = realloc(buf, cap + 1)) == NULL) {
				close(fd);
				free(buf);
				return wxf_err_set(err, WXF_ENOMEM, "%s: out of memory", path);
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			close(fd);
			free(buf);
			return wxf_err_set(err, WXF_EIO, "%s: read error: %s", path, strerror(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > max) {
		free(buf);
		return wxf_err_set(err, WXF_ECORRUPT, "%s: larger than the %zu-byte limit", path, max);
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return WXF_OK;
}

int
wxf_file_write(const char *path, const void *data, size_t n, wxf_err *err)
{
	FILE *f = fopen(path, "wbe");
	int e;

	if (f == NULL)
		return wxf_err_set(err, WXF_EIO, "%s: cannot create: %s", path, strerror(errno));
	if (n > 0 && fwrite(data, 1, n, f) != n) {
		e = errno;
		fclose(f);
		return wxf_err_set(err, WXF_EIO, "%s: write error: %s", path, strerror(e));
	}
	/* the data may sit in stdio's buffer until here: a full disk shows up at the close */
	if (fclose(f) != 0)
		return wxf_err_set(err, WXF_EIO, "%s: write error: %s", path, strerror(errno));
	return WXF_OK;
}

char *
wxf_path_join(const char *a, const char *b)
{
	size_t la = strlen(a);

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	if (la == 0)
		return wxf_xstrdup(b);
	return wxf_xasprintf("%.*s/%s", (int)la, a, b);
}

char *
wxf_path_dir(const char *path)
{
	char *a = wxf_xstrdup(path), *s;
	size_t n = strlen(a);

	while (n > 1 && a[n - 1] == '/')
		a[--n] = '\0';
	if ((s = strrchr(a, '/')) == NULL) {
		free(a);
		return wxf_xstrdup(".");
	}
	if (s == a)
		s[1] = '\0';
	else
		*s = '\0';
	return a;
}

const char *
wxf_path_base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/*
 * realpath() of the longest existing prefix with the rest appended.  Returns NULL when the
 * non-existing rest has "." or ".." components (callers then refuse, erring on the safe side).
 */
static char *
resolve(const char *path)
{
	char cwd[PATH_MAX], *abs, *r, *res;
	size_t cut;

	if (path[0] == '/')
		abs = wxf_xstrdup(path);
	else {
		if (getcwd(cwd, sizeof(cwd)) == NULL)
			return NULL;
		abs = wxf_xasprintf("%s/%s", cwd, path);
	}
	cut = strlen(abs);
	for (;;) {
		char save = abs[cut];

		abs[cut] = '\0';
		r = realpath(cut ? abs : "/", NULL);
		abs[cut] = save;
		if (r != NULL)
			break;
		while (cut > 0 && abs[cut - 1] != '/')
			cut--;
		if (cut <= 1) {
			cut = 0;
			continue;
		}
		cut--;
	}
	if (strstr(abs + cut, "/../") || strstr(abs + cut, "/./") ||
	    (strlen(abs + cut) >= 3 && strcmp(abs + strlen(abs) - 3, "/..") == 0) ||
	    (strlen(abs + cut) >= 2 && strcmp(abs + strlen(abs) - 2, "/.") == 0)) {
		free(r);
		free(abs);
		return NULL;
	}
	res = wxf_xasprintf("%s%s", strcmp(r, "/") == 0 ? "" : r, abs + cut);
	free(r);
	free(abs);
	return res;
}

int
wxf_path_has_dot_component(const char *path)
{
	const char *p = path, *e;
	size_t len;

	while (*p) {
		e = strchr(p, '/');
		len = e != NULL ? (size_t)(e - p) : strlen(p);
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return 1;
		if (e == NULL)
			break;
		p = e + 1;
	}
	return 0;
}

int
wxf_stat_below(const char *dir, const char *rel, struct stat *st, char *why, size_t why_n)
{
	char *cur = wxf_xstrdup(dir), *next;
	const char *p = rel, *e;
	struct stat s;
	size_t done;
	int rc = WXF_OK;

	if (why != NULL && why_n > 0)
		why[0] = '\0';
	while (rc == WXF_OK && *p) {
		size_t len;

		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		e = strchr(p, '/');
		len = e != NULL ? (size_t)(e - p) : strlen(p);
		next = wxf_xasprintf("%s/%.*s", cur, (int)len, p);
		free(cur);
		cur = next;
		p += len;
		done = (size_t)(p - rel);
		while (*p == '/')
			p++;
		if (lstat(cur, &s) != 0) {
			rc = WXF_ENOTFOUND;
		} else if (S_ISLNK(s.st_mode)) {
			char target[1024];
			ssize_t n = readlink(cur, target, sizeof(target) - 1);

			target[n > 0 ? n : 0] = '\0';
			if (why != NULL)
				snprintf(why, why_n, "%.*s is a symbolic link to '%s' (not followed)",
				    (int)done, rel, target);
			rc = WXF_EUNSUPPORTED;
		} else if (*p != '\0' && !S_ISDIR(s.st_mode)) {
			rc = WXF_ENOTFOUND;
		} else if (*p == '\0' && !S_ISREG(s.st_mode)) {
			if (why != NULL)
				snprintf(why, why_n, "%s is not a regular file (%s)", rel,
				    wxf_file_type_name(s.st_mode));
			rc = WXF_EUNSUPPORTED;
		} else if (*p == '\0' && st != NULL)
			*st = s;
	}
	free(cur);
	return rc;
}

int
wxf_path_is_inside(const char *path, const char *dir)
{
	char *p = resolve(path), *d = resolve(dir);
	int inside = 1; /* unresolvable: refuse */
	size_t ld;

	if (p != NULL && d != NULL) {
		inside = 0;
		ld = strlen(d);
		while (ld > 1 && d[ld - 1] == '/')
			ld--;
		if (strncmp(p, d, ld) == 0 && (p[ld] == '\0' || p[ld] == '/' || (ld == 1 && d[0] == '/')))
			inside = 1;
	}
	free(p);
	free(d);
	return inside;
}

int
wxf_mkdir_p(const char *path, wxf_err *err)
{
	char *copy = wxf_xstrdup(path), *s;

	for (s = copy + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(copy, 0755) != 0 && errno != EEXIST) {
			int e = errno;

			free(copy);
			return wxf_err_set(err, WXF_EIO, "%s: cannot create directory: %s", path,
			    strerror(e));
		}
		*s = '/';
	}
	if (mkdir(copy, 0755) != 0 && errno != EEXIST) {
		int e = errno;

		free(copy);
		return wxf_err_set(err, WXF_EIO, "%s: cannot create directory: %s", path, strerror(e));
	}
	free(copy);
	return WXF_OK;
}

int
wxf_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int
wxf_is_regular(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int
wxf_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int
wxf_dir_empty_or_absent(const char *dir)
{
	DIR *d;
	struct dirent *de;
	int empty = 1;

	if (!wxf_is_dir(dir))
		return access(dir, F_OK) != 0;
	d = opendir(dir);
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

int
wxf_pread_all(int fd, void *buf, size_t n, uint64_t off)
{
	uint8_t *b = buf;
	size_t got = 0;

	while (got < n) {
		ssize_t k = pread(fd, b + got, n - got, (off_t)(off + got));

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		got += (size_t)k;
	}
	return 0;
}

int
wxf_write_all(int fd, const void *buf, size_t n)
{
	const uint8_t *p = buf;

	while (n > 0) {
		ssize_t k = write(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int
wxf_pwrite_all(int fd, const void *p, size_t n, uint64_t off, const char *path, wxf_err *err)
{
	const uint8_t *b = p;

	while (n > 0) {
		ssize_t w = pwrite(fd, b, n, (off_t)off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return wxf_err_set(err, WXF_EIO, "%s: write error: %s", path,
			    w < 0 ? strerror(errno) : "short write");
		b += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	return WXF_OK;
}

const char *
wxf_tmpdir(void)
{
	const char *t = getenv("TMPDIR");

	return t != NULL && *t != '\0' ? t : "/tmp";
}
