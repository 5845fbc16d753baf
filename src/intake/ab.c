/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Android adb backup (.ab) and the tar stream inside it.
 *
 * .ab header (AOSP frameworks/base BackupManagerService, "ANDROID BACKUP"), text lines:
 *   line 1  "ANDROID BACKUP"
 *   line 2  format version, decimal (1..5 seen)
 *   line 3  "1" = payload is a zlib (deflate with zlib header) stream, "0" = raw
 *   line 4  "none" or "AES-256"
 *   AES-256 only: line 5 user-password salt (hex), 6 master-key checksum salt (hex),
 *                 7 PBKDF2 rounds, 8 user key IV (hex), 9 encrypted master key blob (hex)
 * The payload is a tar archive (ustar/GNU/pax) with members under apps/<package>/...
 *
 * tar header block (512 bytes, POSIX.1-1988 ustar):
 *   OFFSET SIZE  FIELD
 *   0      100   name              257  6   magic "ustar\0" or "ustar " (GNU)
 *   100    8     mode              263  2   version
 *   124    12    size (octal, or base-256 when byte 0 has bit 7)   345 155 prefix (ustar)
 *   136    12    mtime (octal)     148  8   checksum (octal, sum of header with this field as spaces)
 *   156    1     typeflag ('0'/NUL file, '2' symlink, '5' dir, 'L' GNU long name, 'x' pax)
 *   157    100   linkname
 */
#include "config.h"
#include "intake_int.h"
#include "base/wxf_cur.h"
#include "base/wxf_file.h"
#include "base/wxf_mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define AB_MAGIC "ANDROID BACKUP\n"
#define TAR_MAX_NAME 4096
#define TAR_MAX_PAX (64 * 1024)

/* Reads one header line from the cursor into out; 0 or -1. */
static int
ab_line(wxf_cur *c, char *out, size_t n)
{
	size_t i = 0;

	while (wxf_cur_left(c) > 0) {
		uint8_t ch = wxf_cur_u8(c);

		if (ch == '\n') {
			out[i] = '\0';
			return 0;
		}
		if (i + 1 >= n || ch < 0x20 || ch > 0x7e)
			return -1;
		out[i++] = (char)ch;
	}
	return -1;
}

int
wxf_ab_parse_header(const uint8_t *data, size_t size, wxf_ab_header *h, wxf_err *err)
{
	wxf_cur c = wxf_cur_make(data, size);
	char line[1100];
	const uint8_t *magic;
	int i;

	memset(h, 0, sizeof(*h));
	magic = wxf_cur_bytes(&c, strlen(AB_MAGIC));
	if (magic == NULL || memcmp(magic, AB_MAGIC, strlen(AB_MAGIC)) != 0)
		return WXF_CORRUPT(err, -1, 0, "not an Android backup: no \"ANDROID BACKUP\" header");
	if (ab_line(&c, line, sizeof(line)) != 0 || strlen(line) > 3 || line[0] < '1' || line[0] > '9')
		return WXF_CORRUPT(err, -1, (int64_t)c.pos, "Android backup: bad version line");
	h->version = atoi(line);
	if (ab_line(&c, line, sizeof(line)) != 0 || (strcmp(line, "0") != 0 && strcmp(line, "1") != 0))
		return WXF_CORRUPT(err, -1, (int64_t)c.pos, "Android backup: bad compression line");
	h->compressed = line[0] == '1';
	if (ab_line(&c, line, sizeof(line)) != 0 || strlen(line) >= sizeof(h->encryption))
		return WXF_CORRUPT(err, -1, (int64_t)c.pos, "Android backup: bad encryption line");
	snprintf(h->encryption, sizeof(h->encryption), "%s", line);
	if (strcmp(line, "none") == 0)
		h->encrypted = 0;
	else if (strcmp(line, "AES-256") == 0) {
		h->encrypted = 1;
		for (i = 0; i < 5; i++)
			if (ab_line(&c, line, sizeof(line)) != 0)
				return WXF_CORRUPT(err, -1, (int64_t)c.pos,
				    "Android backup: truncated encryption header");
	} else
		return WXF_CORRUPT(err, -1, (int64_t)c.pos,
		    "Android backup: unknown encryption '%s'", line);
	h->payload_off = c.pos;
	return WXF_OK;
}

int
wxf_member_path_sanitise(const char *in, char *out, size_t n)
{
	size_t o = 0;
	const char *p = in;

	if (n == 0)
		return -1;
	while (*p) {
		const char *s;
		size_t len;

		while (*p == '/')
			p++;
		s = p;
		while (*p && *p != '/')
			p++;
		len = (size_t)(p - s);
		if (len == 0 || (len == 1 && s[0] == '.'))
			continue;
		if (len == 2 && s[0] == '.' && s[1] == '.')
			return -1;
		if (memchr(s, '\\', len) != NULL)
			return -1;
		if (o + len + 2 > n)
			return -1;
		if (o > 0)
			out[o++] = '/';
		memcpy(out + o, s, len);
		o += len;
	}
	out[o] = '\0';
	return o > 0 ? 0 : -1;
}

/* ---- streaming tar ---- */

typedef struct tar_state {
	const wxf_tar_cb *cb;
	uint8_t hdr[512];
	size_t hdr_fill;
	uint64_t data_left;   /* member bytes still to deliver */
	uint64_t pad_left;
	int in_member;        /* delivering a regular member to the callbacks */
	int meta;             /* 'L' or 'x' record being collected */
	char *meta_buf;
	size_t meta_len;
	char longname[TAR_MAX_NAME + 1];
	int have_longname;
	int zero_blocks;
	int done;
	int stop;
	uint64_t pos;         /* bytes consumed, for error offsets */
	wxf_err *err;
	int rc;
} tar_state;

static int
octal_field(const uint8_t *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (p[0] & 0x80) { /* GNU base-256 */
		if ((p[0] & 0x7f) != 0)
			return -1;
		for (i = 1; i < n; i++) {
			if (v >> 56)
				return -1;
			v = (v << 8) | p[i];
		}
		*out = v;
		return 0;
	}
	while (i < n && p[i] == ' ')
		i++;
	for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
		if (v >> 60)
			return -1;
		v = (v << 3) | (uint64_t)(p[i] - '0');
	}
	if (i < n && p[i] != '\0' && p[i] != ' ')
		return -1;
	*out = v;
	return 0;
}

static int
tar_header(tar_state *t)
{
	const uint8_t *h = t->hdr;
	uint64_t size, mtime, chk;
	unsigned sum = 0;
	char raw[TAR_MAX_NAME + 260], name[TAR_MAX_NAME + 1], link[101];
	char type = (char)h[156];
	size_t i;

	for (i = 0; i < 512 && h[i] == 0; i++)
		;
	if (i == 512) {
		if (++t->zero_blocks >= 2)
			t->done = 1;
		return 0;
	}
	t->zero_blocks = 0;
	for (i = 0; i < 512; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	if (octal_field(h + 148, 8, &chk) != 0 || chk != sum) {
		t->rc = WXF_CORRUPT(t->err, -1, (int64_t)(t->pos - 512),
		    "tar: header checksum mismatch at payload offset %llu",
		    (unsigned long long)(t->pos - 512));
		return -1;
	}
	if (octal_field(h + 124, 12, &size) != 0 || octal_field(h + 136, 12, &mtime) != 0) {
		t->rc = WXF_CORRUPT(t->err, -1, (int64_t)(t->pos - 512), "tar: bad size field");
		return -1;
	}
	t->data_left = size;
	t->pad_left = (512 - size % 512) % 512;
	if (type == 'L' || type == 'x' || type == 'g') {
		if (size > TAR_MAX_PAX) {
			t->rc = WXF_CORRUPT(t->err, -1, (int64_t)(t->pos - 512),
			    "tar: extended header of %llu bytes refused", (unsigned long long)size);
			return -1;
		}
		t->meta = type;
		free(t->meta_buf);
		t->meta_buf = malloc(size + 1);
		t->meta_len = 0;
		if (t->meta_buf == NULL) {
			t->rc = wxf_err_set(t->err, WXF_ENOMEM, "tar: out of memory");
			return -1;
		}
		return 0;
	}
	if (t->have_longname)
		snprintf(raw, sizeof(raw), "%s", t->longname);
	else if (memcmp(h + 257, "ustar", 5) == 0 && h[345] != 0)
		snprintf(raw, sizeof(raw), "%.155s/%.100s", (const char *)h + 345, (const char *)h);
	else
		snprintf(raw, sizeof(raw), "%.100s", (const char *)h);
	t->have_longname = 0;
	snprintf(link, sizeof(link), "%.100s", (const char *)h + 157);
	if (wxf_member_path_sanitise(raw, name, sizeof(name)) != 0) {
		/* refused name: skip its data, report as a warning through the callback name */
		snprintf(name, sizeof(name), "(refused unsafe name)");
		type = 'R';
	}
	if (type == '\0')
		type = '0';
	t->in_member = 1;
	if (t->cb->on_member && t->cb->on_member(t->cb->arg, name, type, size, (int64_t)mtime,
	    link[0] ? link : NULL)) {
		t->stop = 1;
		return -1;
	}
	if (size == 0) {
		t->in_member = 0;
		if (t->cb->on_end && t->cb->on_end(t->cb->arg)) {
			t->stop = 1;
			return -1;
		}
	}
	return 0;
}

static void
meta_finish(tar_state *t)
{
	t->meta_buf[t->meta_len] = '\0';
	if (t->meta == 'L') {
		snprintf(t->longname, sizeof(t->longname), "%s", t->meta_buf);
		t->have_longname = 1;
	} else if (t->meta == 'x') {
		/* records "<len> key=value\n"; only path is used */
		size_t i = 0;

		while (i < t->meta_len) {
			char *sp = memchr(t->meta_buf + i, ' ', t->meta_len - i), *end;
			long len = strtol(t->meta_buf + i, &end, 10);

			if (sp == NULL || end != sp || len <= 0 || (size_t)len > t->meta_len - i)
				break;
			if (strncmp(sp + 1, "path=", 5) == 0) {
				size_t vlen = (size_t)(t->meta_buf + i + len - (sp + 6)) - 1;

				if (vlen < sizeof(t->longname)) {
					memcpy(t->longname, sp + 6, vlen);
					t->longname[vlen] = '\0';
					t->have_longname = 1;
				}
			}
			i += (size_t)len;
		}
	}
	free(t->meta_buf);
	t->meta_buf = NULL;
	t->meta = 0;
}

/* Pushes bytes into the tar parser; returns 0 to continue, -1 to stop. */
static int
tar_feed(tar_state *t, const uint8_t *p, size_t n)
{
	while (n > 0 && !t->done && !t->stop && t->rc == WXF_OK) {
		if (t->data_left > 0) {
			size_t k = n < t->data_left ? n : (size_t)t->data_left;

			if (t->meta) {
				memcpy(t->meta_buf + t->meta_len, p, k);
				t->meta_len += k;
			} else if (t->cb->on_data && t->cb->on_data(t->cb->arg, p, k)) {
				t->stop = 1;
				return -1;
			}
			t->data_left -= k;
			p += k;
			n -= k;
			t->pos += k;
			if (t->data_left == 0) {
				if (t->meta)
					meta_finish(t);
				else if (t->in_member) {
					t->in_member = 0;
					if (t->cb->on_end && t->cb->on_end(t->cb->arg)) {
						t->stop = 1;
						return -1;
					}
				}
			}
			continue;
		}
		if (t->pad_left > 0) {
			size_t k = n < t->pad_left ? n : (size_t)t->pad_left;

			t->pad_left -= k;
			p += k;
			n -= k;
			t->pos += k;
			continue;
		}
		{
			size_t k = 512 - t->hdr_fill;

			if (k > n)
				k = n;
			memcpy(t->hdr + t->hdr_fill, p, k);
			t->hdr_fill += k;
			p += k;
			n -= k;
			t->pos += k;
			if (t->hdr_fill == 512) {
				t->hdr_fill = 0;
				if (tar_header(t) != 0)
					return -1;
			}
		}
	}
	return (t->stop || t->rc != WXF_OK) ? -1 : 0;
}

static int
tar_finish(tar_state *t)
{
	free(t->meta_buf);
	t->meta_buf = NULL;
	if (t->rc != WXF_OK)
		return t->rc;
	if (!t->done && !t->stop && (t->data_left > 0 || t->hdr_fill > 0 || t->in_member)) {
		if (t->in_member && t->cb->on_end)
			t->cb->on_end(t->cb->arg);
		return WXF_CORRUPT(t->err, -1, (int64_t)t->pos,
		    "tar: archive truncated at payload offset %llu", (unsigned long long)t->pos);
	}
	return WXF_OK;
}

int
wxf_tar_read_mem(const uint8_t *data, size_t size, const wxf_tar_cb *cb, wxf_err *err)
{
	tar_state t;

	memset(&t, 0, sizeof(t));
	t.cb = cb;
	t.err = err;
	tar_feed(&t, data, size);
	return tar_finish(&t);
}

int
wxf_ab_stream(const char *path, const wxf_tar_cb *cb, wxf_err *err)
{
	static const size_t CH = 1 << 16;
	uint8_t head[4096], *in = NULL, *out = NULL;
	wxf_ab_header h;
	tar_state t;
	z_stream z;
	ssize_t r;
	size_t hn;
	int fd, rc = WXF_OK, zrc = Z_OK, zinit = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return wxf_err_set(err, WXF_EIO, "%s: cannot open: %s", path, strerror(errno));
	r = read(fd, head, sizeof(head));
	if (r < 0) {
		close(fd);
		return wxf_err_set(err, WXF_EIO, "%s: read error", path);
	}
	hn = (size_t)r;
	if ((rc = wxf_ab_parse_header(head, hn, &h, err)) != WXF_OK) {
		close(fd);
		return wxf_err_wrap(err, rc, "%s", path);
	}
	if (h.encrypted) {
		close(fd);
		return wxf_err_set(err, WXF_EUNSUPPORTED,
		    "%s: Android backup is password-encrypted (%s); a backup password is required",
		    path, h.encryption);
	}
	memset(&t, 0, sizeof(t));
	t.cb = cb;
	t.err = err;
	in = malloc(CH);
	out = malloc(CH);
	if (in == NULL || out == NULL) {
		rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
		goto done;
	}
	memset(&z, 0, sizeof(z));
	if (h.compressed) {
		if (inflateInit(&z) != Z_OK) {
			rc = wxf_err_set(err, WXF_EINTERNAL, "zlib init failed");
			goto done;
		}
		zinit = 1;
	}
	/* first chunk: the rest of head */
	{
		size_t have = hn - h.payload_off;
		const uint8_t *src = head + h.payload_off;
		int eof = 0;

		for (;;) {
			if (have == 0 && !eof) {
				r = read(fd, in, CH);
				if (r < 0) {
					rc = wxf_err_set(err, WXF_EIO, "%s: read error", path);
					goto done;
				}
				if (r == 0)
					eof = 1;
				have = (size_t)r;
				src = in;
			}
			if (have == 0 && eof)
				break;
			if (!h.compressed) {
				if (tar_feed(&t, src, have) != 0)
					break;
				have = 0;
				continue;
			}
			z.next_in = (Bytef *)src;
			z.avail_in = (uInt)have;
			do {
				z.next_out = out;
				z.avail_out = (uInt)CH;
				zrc = inflate(&z, Z_NO_FLUSH);
				if (zrc != Z_OK && zrc != Z_STREAM_END && zrc != Z_BUF_ERROR) {
					rc = WXF_CORRUPT(err, -1, -1, "%s: zlib stream corrupt (%s)", path,
					    z.msg ? z.msg : "inflate error");
					goto done;
				}
				if (tar_feed(&t, out, CH - z.avail_out) != 0)
					goto stopped;
			} while (z.avail_out == 0 && zrc != Z_STREAM_END);
			have = z.avail_in;
			src = z.next_in;
			if (zrc == Z_STREAM_END)
				break;
			if (zrc == Z_BUF_ERROR && have == 0 && eof)
				break;
		}
		if (h.compressed && zrc != Z_STREAM_END && rc == WXF_OK && t.rc == WXF_OK && !t.done)
			rc = WXF_CORRUPT(err, -1, -1, "%s: zlib stream truncated", path);
	}
stopped:
	if (rc == WXF_OK)
		rc = tar_finish(&t);
	else
		free(t.meta_buf);
done:
	if (zinit)
		inflateEnd(&z);
	free(in);
	free(out);
	close(fd);
	return rc;
}

/* ---- extraction into a work directory ---- */

typedef struct extract_state {
	const char *dir;
	FILE *f;
	wxf_err *err;
	int rc;
	unsigned skipped;
} extract_state;

static int
ex_member(void *arg, const char *name, char type, uint64_t size, int64_t mtime, const char *link)
{
	extract_state *x = arg;
	char *path, *slash;

	(void)size;
	(void)mtime;
	(void)link;
	x->f = NULL;
	if (type != '0' && type != '7') {
		x->skipped++;
		return 0;
	}
	path = wxf_path_join(x->dir, name);
	slash = strrchr(path, '/');
	if (slash != NULL) {
		*slash = '\0';
		if (wxf_mkdir_p(path, x->err) != WXF_OK) {
			free(path);
			x->rc = WXF_EIO;
			return 1;
		}
		*slash = '/';
	}
	if (!wxf_path_is_inside(path, x->dir)) { /* a symlinked parent could lead outside */
		free(path);
		x->skipped++;
		return 0;
	}
	x->f = fopen(path, "wxe");
	if (x->f == NULL) {
		x->rc = wxf_err_set(x->err, WXF_EIO, "%s: cannot create: %s", path, strerror(errno));
		free(path);
		return 1;
	}
	free(path);
	return 0;
}

static int
ex_data(void *arg, const uint8_t *p, size_t n)
{
	extract_state *x = arg;

	if (x->f != NULL && fwrite(p, 1, n, x->f) != n) {
		x->rc = wxf_err_set(x->err, WXF_EIO, "write error while extracting");
		return 1;
	}
	return 0;
}

static int
ex_end(void *arg)
{
	extract_state *x = arg;

	if (x->f != NULL && fclose(x->f) != 0) {
		x->f = NULL;
		x->rc = wxf_err_set(x->err, WXF_EIO, "write error while extracting");
		return 1;
	}
	x->f = NULL;
	return 0;
}

int
wxf_ab_extract(const char *path, const char *dir, wxf_err *err)
{
	extract_state x = { dir, NULL, err, WXF_OK, 0 };
	wxf_tar_cb cb = { ex_member, ex_data, ex_end, &x };
	int rc;

	if ((rc = wxf_mkdir_p(dir, err)) != WXF_OK)
		return rc;
	rc = wxf_ab_stream(path, &cb, err);
	if (x.f != NULL)
		fclose(x.f);
	return x.rc != WXF_OK ? x.rc : rc;
}
