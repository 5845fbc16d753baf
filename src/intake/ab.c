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
#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

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

static int
hex_line(const char *line, uint8_t *out, size_t max, size_t *n)
{
	size_t len = strlen(line), i;

	if (len % 2 != 0 || len / 2 > max)
		return -1;
	for (i = 0; i < len / 2; i++) {
		unsigned v;

		if (sscanf(line + 2 * i, "%2x", &v) != 1 || !isxdigit((unsigned char)line[2 * i]) ||
		    !isxdigit((unsigned char)line[2 * i + 1]))
			return -1;
		out[i] = (uint8_t)v;
	}
	*n = len / 2;
	return 0;
}

int
wxf_ab_parse_header(const uint8_t *data, size_t size, wxf_ab_header *h, wxf_err *err)
{
	wxf_cur c = wxf_cur_make(data, size);
	char line[1100];
	const uint8_t *magic;
	size_t n;
	int i;

	memset(h, 0, sizeof(*h));
	if (size >= 12 && memcmp(data, "MIUI BACKUP\n", 12) == 0) {
		/* MIUI wrapper: lines until "ANDROID BACKUP" (the label length varies) */
		h->miui = 1;
		wxf_cur_skip(&c, 12);
		for (i = 0; i < 16; i++) {
			size_t at = c.pos;
			size_t k = 0;

			while (k < sizeof(line) - 1 && wxf_cur_left(&c) > 0) {
				uint8_t ch = wxf_cur_u8(&c);

				if (ch == '\n')
					break;
				line[k++] = (char)ch;
			}
			line[k] = '\0';
			if (strcmp(line, "ANDROID BACKUP") == 0) {
				c.pos = at;
				break;
			}
			if (i == 1)
				snprintf(h->miui_package, sizeof(h->miui_package), "%.127s", line);
			if (wxf_cur_left(&c) == 0)
				return WXF_CORRUPT(err, -1, (int64_t)c.pos,
				    "MIUI backup: no \"ANDROID BACKUP\" after the MIUI header");
		}
		if (i == 16)
			return WXF_CORRUPT(err, -1, (int64_t)c.pos,
			    "MIUI backup: header longer than 16 lines");
		h->ab_off = c.pos;
	}
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
		if (ab_line(&c, line, sizeof(line)) != 0 ||
		    hex_line(line, h->user_salt, sizeof(h->user_salt), &h->user_salt_len) != 0 ||
		    ab_line(&c, line, sizeof(line)) != 0 ||
		    hex_line(line, h->ck_salt, sizeof(h->ck_salt), &h->ck_salt_len) != 0 ||
		    ab_line(&c, line, sizeof(line)) != 0 || strlen(line) > 7 ||
		    (h->rounds = (unsigned)atoi(line)) == 0 || h->rounds > 10000000 ||
		    ab_line(&c, line, sizeof(line)) != 0 ||
		    hex_line(line, h->user_iv, sizeof(h->user_iv), &n) != 0 || n != 16 ||
		    ab_line(&c, line, sizeof(line)) != 0 ||
		    hex_line(line, h->mk_blob, sizeof(h->mk_blob), &h->mk_blob_len) != 0 ||
		    h->mk_blob_len == 0 || h->mk_blob_len % 16 != 0)
			return WXF_CORRUPT(err, -1, (int64_t)c.pos,
			    "Android backup: bad encryption header (salts, rounds, IV or key blob)");
	} else
		return WXF_CORRUPT(err, -1, (int64_t)c.pos,
		    "Android backup: unknown encryption '%s'", line);
	h->payload_off = c.pos;
	return WXF_OK;
}

/*
 * Master key unwrap (AOSP BackupManagerService / PerformAdbRestoreTask; facts from
 * shared/formats/backup-formats.md §2.1):
 *   user key = PBKDF2-HMAC-SHA1(password, user salt, rounds, 32)
 *   blob     = AES-256-CBC(user key, user IV) -> [len][IV 16][len][master key 32][len][checksum 32]
 *   checksum = PBKDF2-HMAC-SHA1(f(master key), checksum salt, rounds, 32), where for version >= 2
 *              f() turns each byte into a *signed* Java char and UTF-8-encodes it (bytes >= 0x80
 *              become EF BE xx / EF BF xx); version 1 uses the raw bytes.
 */
int
wxf_ab_master_key(const wxf_ab_header *h, const char *password, uint8_t mk[32], uint8_t iv[16],
    wxf_err *err)
{
	uint8_t ukey[32], plain[160], mkchars[96], ck[32];
	EVP_CIPHER_CTX *ctx;
	int n1 = 0, n2 = 0, ok;
	size_t i, m = 0;
	wxf_cur c;
	uint8_t len;
	const uint8_t *p;

	if (!PKCS5_PBKDF2_HMAC_SHA1(password, (int)strlen(password), h->user_salt,
	    (int)h->user_salt_len, (int)h->rounds, 32, ukey))
		return wxf_err_set(err, WXF_ECRYPTO, "PBKDF2 failed");
	ctx = EVP_CIPHER_CTX_new();
	ok = ctx != NULL && EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, ukey, h->user_iv) &&
	    EVP_DecryptUpdate(ctx, plain, &n1, h->mk_blob, (int)h->mk_blob_len) &&
	    EVP_DecryptFinal_ex(ctx, plain + n1, &n2);
	EVP_CIPHER_CTX_free(ctx);
	OPENSSL_cleanse(ukey, sizeof(ukey));
	if (!ok)
		return wxf_err_set(err, WXF_EKEY, "Android backup: wrong backup password "
		    "(master-key blob does not decrypt)");
	c = wxf_cur_make(plain, (size_t)(n1 + n2));
	len = wxf_cur_u8(&c);
	p = wxf_cur_bytes(&c, len);
	if (p == NULL || len != 16)
		return wxf_err_set(err, WXF_EKEY, "Android backup: wrong backup password (bad blob)");
	memcpy(iv, p, 16);
	len = wxf_cur_u8(&c);
	p = wxf_cur_bytes(&c, len);
	if (p == NULL || len != 32)
		return wxf_err_set(err, WXF_EKEY, "Android backup: wrong backup password (bad blob)");
	memcpy(mk, p, 32);
	len = wxf_cur_u8(&c);
	p = wxf_cur_bytes(&c, len);
	if (p == NULL || len != 32)
		return wxf_err_set(err, WXF_EKEY, "Android backup: wrong backup password (bad blob)");
	for (i = 0; i < 32; i++) {
		if (h->version >= 2 && mk[i] >= 0x80) {
			mkchars[m++] = 0xef;
			mkchars[m++] = (uint8_t)(0xbc | (mk[i] >> 6));  /* 0xBE or 0xBF */
			mkchars[m++] = (uint8_t)(0x80 | (mk[i] & 0x3f));
		} else
			mkchars[m++] = mk[i];
	}
	if (!PKCS5_PBKDF2_HMAC_SHA1((const char *)mkchars, (int)m, h->ck_salt, (int)h->ck_salt_len,
	    (int)h->rounds, 32, ck))
		return wxf_err_set(err, WXF_ECRYPTO, "PBKDF2 failed");
	if (CRYPTO_memcmp(ck, p, 32) != 0)
		return wxf_err_set(err, WXF_EKEY, "Android backup: wrong backup password "
		    "(master-key checksum mismatch)");
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

/* The decoding chain below the tar reader: [AES-256-CBC] -> [zlib] -> tar. */
typedef struct ab_chain {
	tar_state *t;
	int compressed, zinit, zdone;
	z_stream z;
	uint8_t *zout;
	const char *path;
	wxf_err *err;
	int rc;
	uint64_t zin_total;
} ab_chain;

#define AB_CHUNK ((size_t)1 << 16)
#define AB_BOMB_MIN_OUT ((uLong)256 << 20)
#define AB_BOMB_RATIO 1000

/* Feeds plaintext payload bytes (after decryption); 0 to continue, -1 to stop. */
static int
chain_plain(ab_chain *ch, const uint8_t *p, size_t n)
{
	int zrc;

	if (!ch->compressed)
		return tar_feed(ch->t, p, n);
	if (ch->zdone)
		return 0; /* trailing bytes after the zlib stream are ignored */
	ch->z.next_in = (Bytef *)p;
	ch->z.avail_in = (uInt)n;
	do {
		ch->z.next_out = ch->zout;
		ch->z.avail_out = (uInt)AB_CHUNK;
		zrc = inflate(&ch->z, Z_NO_FLUSH);
		if (zrc != Z_OK && zrc != Z_STREAM_END && zrc != Z_BUF_ERROR) {
			ch->rc = WXF_CORRUPT(ch->err, -1, (int64_t)ch->z.total_in,
			    "%s: zlib stream corrupt at compressed offset %lu (%s)", ch->path,
			    (unsigned long)ch->z.total_in, ch->z.msg ? ch->z.msg : "inflate error");
			return -1;
		}
		if (tar_feed(ch->t, ch->zout, AB_CHUNK - ch->z.avail_out) != 0)
			return -1;
		/* decompression bomb: real backups (SQLite pages, media) inflate a few times, a
		 * bomb thousands of times; past 256 MiB out, a ratio above 1000:1 is refused */
		if (ch->z.total_out > AB_BOMB_MIN_OUT &&
		    ch->z.total_out / (ch->z.total_in ? ch->z.total_in : 1) > AB_BOMB_RATIO) {
			ch->rc = WXF_CORRUPT(ch->err, -1, (int64_t)ch->z.total_in,
			    "%s: zlib stream inflates %lu bytes into more than %lu: refused as a "
			    "decompression bomb", ch->path, (unsigned long)ch->z.total_in,
			    (unsigned long)ch->z.total_out);
			return -1;
		}
		if (zrc == Z_STREAM_END) {
			ch->zdone = 1;
			return 0;
		}
		if (zrc == Z_BUF_ERROR)
			break;
	} while (ch->z.avail_out == 0 || ch->z.avail_in > 0);
	return 0;
}

int
wxf_ab_stream(const char *path, const char *password, const wxf_tar_cb *cb, wxf_err *err)
{
	uint8_t head[8192], *in = NULL, *dec = NULL, mk[32], iv[16];
	EVP_CIPHER_CTX *cctx = NULL;
	wxf_ab_header h;
	tar_state t;
	ab_chain ch;
	ssize_t r;
	size_t hn;
	int fd, rc = WXF_OK, stop = 0, outl = 0;

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
	if (h.encrypted && (password == NULL || *password == '\0')) {
		close(fd);
		return wxf_err_set(err, WXF_EUNSUPPORTED,
		    "%s: Android backup is password-encrypted (%s); give the backup password "
		    "(--backup-password) to read it", path, h.encryption);
	}
	if (h.encrypted) {
		if ((rc = wxf_ab_master_key(&h, password, mk, iv, err)) != WXF_OK) {
			close(fd);
			return wxf_err_wrap(err, rc, "%s", path);
		}
		cctx = EVP_CIPHER_CTX_new();
		if (cctx == NULL || !EVP_DecryptInit_ex(cctx, EVP_aes_256_cbc(), NULL, mk, iv)) {
			EVP_CIPHER_CTX_free(cctx);
			close(fd);
			return wxf_err_set(err, WXF_ECRYPTO, "%s: cipher init failed", path);
		}
		OPENSSL_cleanse(mk, sizeof(mk));
	}
	memset(&t, 0, sizeof(t));
	t.cb = cb;
	t.err = err;
	memset(&ch, 0, sizeof(ch));
	ch.t = &t;
	ch.compressed = h.compressed;
	ch.path = path;
	ch.err = err;
	in = malloc(AB_CHUNK);
	dec = malloc(AB_CHUNK + 32);
	ch.zout = malloc(AB_CHUNK);
	if (in == NULL || dec == NULL || ch.zout == NULL) {
		rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
		goto done;
	}
	if (h.compressed) {
		if (inflateInit(&ch.z) != Z_OK) {
			rc = wxf_err_set(err, WXF_EINTERNAL, "zlib init failed");
			goto done;
		}
		ch.zinit = 1;
	}
	{
		const uint8_t *src = head + h.payload_off;
		size_t have = hn - h.payload_off;

		for (;;) {
			if (have > 0) {
				if (cctx != NULL) {
					size_t off = 0;

					while (off < have && !stop) {
						size_t k = have - off < AB_CHUNK ? have - off : AB_CHUNK;

						if (!EVP_DecryptUpdate(cctx, dec, &outl, src + off, (int)k)) {
							rc = wxf_err_set(err, WXF_ECRYPTO, "%s: decryption failed",
							    path);
							goto done;
						}
						off += k;
						if (chain_plain(&ch, dec, (size_t)outl) != 0)
							stop = 1;
					}
				} else if (chain_plain(&ch, src, have) != 0)
					stop = 1;
			}
			if (stop)
				break;
			r = read(fd, in, AB_CHUNK);
			if (r < 0) {
				rc = wxf_err_set(err, WXF_EIO, "%s: read error", path);
				goto done;
			}
			if (r == 0)
				break;
			src = in;
			have = (size_t)r;
		}
		if (!stop && cctx != NULL) {
			if (!EVP_DecryptFinal_ex(cctx, dec, &outl))
				t.rc = t.rc != WXF_OK ? t.rc : WXF_CORRUPT(err, -1, -1,
				    "%s: encrypted payload truncated or corrupt (bad final block)", path);
			else if (chain_plain(&ch, dec, (size_t)outl) != 0)
				stop = 1;
		}
	}
	if (ch.rc != WXF_OK)
		rc = ch.rc;
	else if (!stop && h.compressed && !ch.zdone && t.rc == WXF_OK && !t.done)
		rc = WXF_CORRUPT(err, -1, -1, "%s: zlib stream truncated", path);
done:
	if (rc == WXF_OK)
		rc = tar_finish(&t);
	else
		free(t.meta_buf);
	if (ch.zinit)
		inflateEnd(&ch.z);
	EVP_CIPHER_CTX_free(cctx);
	free(in);
	free(dec);
	free(ch.zout);
	close(fd);
	return rc;
}

/* A plain or gzip-compressed tar file (an archive given as evidence), through the same tar
 * reader and the same inflate step, with its decompression-bomb check. */
int
wxf_tar_stream(const char *path, int gzip, const wxf_tar_cb *cb, wxf_err *err)
{
	uint8_t *in = NULL;
	tar_state t;
	ab_chain ch;
	ssize_t r;
	int fd, rc = WXF_OK, stop = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return wxf_err_set(err, WXF_EIO, "%s: cannot open: %s", path, strerror(errno));
	memset(&t, 0, sizeof(t));
	t.cb = cb;
	t.err = err;
	memset(&ch, 0, sizeof(ch));
	ch.t = &t;
	ch.compressed = gzip;
	ch.path = path;
	ch.err = err;
	in = malloc(AB_CHUNK);
	ch.zout = malloc(AB_CHUNK);
	if (in == NULL || ch.zout == NULL) {
		rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
		goto done;
	}
	/* windowBits 15 + 16: a gzip header and trailer around the deflate stream */
	if (gzip) {
		if (inflateInit2(&ch.z, 15 + 16) != Z_OK) {
			rc = wxf_err_set(err, WXF_EINTERNAL, "zlib init failed");
			goto done;
		}
		ch.zinit = 1;
	}
	while (!stop && (r = read(fd, in, AB_CHUNK)) != 0) {
		if (r < 0) {
			rc = wxf_err_set(err, WXF_EIO, "%s: read error", path);
			goto done;
		}
		if (chain_plain(&ch, in, (size_t)r) != 0)
			stop = 1;
	}
	if (ch.rc != WXF_OK)
		rc = ch.rc;
	else if (!stop && gzip && !ch.zdone && t.rc == WXF_OK && !t.done)
		rc = WXF_CORRUPT(err, -1, -1, "%s: gzip stream truncated", path);
done:
	if (rc == WXF_OK)
		rc = tar_finish(&t);
	else
		free(t.meta_buf);
	if (ch.zinit)
		inflateEnd(&ch.z);
	free(in);
	free(ch.zout);
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
wxf_ab_extract(const char *path, const char *password, const char *dir, wxf_err *err)
{
	extract_state x = { dir, NULL, err, WXF_OK, 0 };
	wxf_tar_cb cb = { ex_member, ex_data, ex_end, &x };
	int rc;

	if ((rc = wxf_mkdir_p(dir, err)) != WXF_OK)
		return rc;
	rc = wxf_ab_stream(path, password, &cb, err);
	if (x.f != NULL)
		fclose(x.f);
	return x.rc != WXF_OK ? x.rc : rc;
}
