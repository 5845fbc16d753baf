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

int
wxf_map_open(wxf_map *m, const char *path, wxf_err *err)
{
	struct stat st;
	int fd;
	void *p;

	memset(m, 0, sizeof(*m));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return wxf_err_set(err, WXF_EIO, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return wxf_err_set(err, WXF_EIO, "%s: not a regular file", path);
	}
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
	FILE *f;
	uint8_t *buf;
	size_t n;

	*out = NULL;
	*len = 0;
	f = fopen(path, "rbe");
	if (f == NULL)
		return wxf_err_set(err, WXF_EIO, "%s: cannot open: %s", path, strerror(errno));
	buf = malloc(max + 2);
	if (buf == NULL) {
		fclose(f);
		return wxf_err_set(err, WXF_ENOMEM, "%s: out of memory", path);
	}
	n = fread(buf, 1, max + 1, f);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return wxf_err_set(err, WXF_EIO, "%s: read error", path);
	}
	fclose(f);
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

	if (f == NULL)
		return wxf_err_set(err, WXF_EIO, "%s: cannot create: %s", path, strerror(errno));
	if ((n && fwrite(data, 1, n, f) != n) || fclose(f) != 0) {
		if (n)
			fclose(f);
		return wxf_err_set(err, WXF_EIO, "%s: write error", path);
	}
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
