/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"
#include "wxf_hash.h"
#include "wxf_file.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>

/* The digests, fetched from the default provider once: EVP_sha256() and the like make OpenSSL 3
 * look the algorithm up again on every EVP_Digest (a tenth of a whole `case` went to it, for
 * the ids).  When a fetch fails the legacy object is used, as before. */
static const EVP_MD *md_md5, *md_sha1, *md_sha256;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void
md_fetch(void)
{
	EVP_MD *a = EVP_MD_fetch(NULL, "MD5", NULL);
	EVP_MD *b = EVP_MD_fetch(NULL, "SHA1", NULL);
	EVP_MD *c = EVP_MD_fetch(NULL, "SHA256", NULL);

	md_md5 = a != NULL ? a : EVP_md5();
	md_sha1 = b != NULL ? b : EVP_sha1();
	md_sha256 = c != NULL ? c : EVP_sha256();
}

static const EVP_MD *
digest_of(int which)
{
	pthread_once(&md_once, md_fetch);
	return which == 0 ? md_md5 : which == 1 ? md_sha1 : md_sha256;
}
#define MD_MD5 digest_of(0)
#define MD_SHA1 digest_of(1)
#define MD_SHA256 digest_of(2)

struct wxf_hasher {
	EVP_MD_CTX *md5, *sha1, *sha256;
	uint64_t size;
};

wxf_hasher *
wxf_hasher_new(void)
{
	wxf_hasher *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return NULL;
	h->md5 = EVP_MD_CTX_new();
	h->sha1 = EVP_MD_CTX_new();
	h->sha256 = EVP_MD_CTX_new();
	if (h->md5 == NULL || h->sha1 == NULL || h->sha256 == NULL ||
	    !EVP_DigestInit_ex(h->md5, MD_MD5, NULL) ||
	    !EVP_DigestInit_ex(h->sha1, MD_SHA1, NULL) ||
	    !EVP_DigestInit_ex(h->sha256, MD_SHA256, NULL)) {
		wxf_hasher_free(&h);
		return NULL;
	}
	return h;
}

void
wxf_hasher_update(wxf_hasher *h, const void *data, size_t n)
{
	EVP_DigestUpdate(h->md5, data, n);
	EVP_DigestUpdate(h->sha1, data, n);
	EVP_DigestUpdate(h->sha256, data, n);
	h->size += n;
}

void
wxf_hex(const uint8_t *data, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hx[data[i] >> 4];
		out[2 * i + 1] = hx[data[i] & 15];
	}
	out[2 * n] = '\0';
}

int
wxf_unhex(const char *hex, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < 2 * n; i++) {
		int c = (unsigned char)hex[i], v;

		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v = c - 'A' + 10;
		else
			return -1;
		if (i % 2 == 0)
			out[i / 2] = (uint8_t)(v << 4);
		else
			out[i / 2] |= (uint8_t)v;
	}
	return hex[2 * n] == '\0' ? 0 : -1;
}

void
wxf_hasher_final(wxf_hasher *h, wxf_hashes *out)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int len;

	EVP_DigestFinal_ex(h->md5, md, &len);
	wxf_hex(md, 16, out->md5);
	EVP_DigestFinal_ex(h->sha1, md, &len);
	wxf_hex(md, 20, out->sha1);
	EVP_DigestFinal_ex(h->sha256, md, &len);
	wxf_hex(md, 32, out->sha256);
	out->size = h->size;
}

void
wxf_hasher_free(wxf_hasher **hp)
{
	if (hp == NULL || *hp == NULL)
		return;
	EVP_MD_CTX_free((*hp)->md5);
	EVP_MD_CTX_free((*hp)->sha1);
	EVP_MD_CTX_free((*hp)->sha256);
	free(*hp);
	*hp = NULL;
}

int
wxf_hash_file(const char *path, wxf_hashes *out, wxf_err *err)
{
	static const size_t bufsz = 1 << 20;
	wxf_hasher *h;
	unsigned char *buf;
	ssize_t r;
	int fd;

	if ((fd = wxf_open_ro(path, NULL, err)) < 0)
		return WXF_EIO;
	h = wxf_hasher_new();
	buf = malloc(bufsz);
	if (h == NULL || buf == NULL) {
		close(fd);
		free(buf);
		wxf_hasher_free(&h);
		return wxf_err_set(err, WXF_ENOMEM, "%s: out of memory while hashing", path);
	}
	while ((r = read(fd, buf, bufsz)) > 0)
		wxf_hasher_update(h, buf, (size_t)r);
	if (r < 0) {
		int e = errno;

		close(fd);
		free(buf);
		wxf_hasher_free(&h);
		return wxf_err_set(err, WXF_EIO, "%s: read error: %s", path, strerror(e));
	}
	close(fd);
	free(buf);
	wxf_hasher_final(h, out);
	wxf_hasher_free(&h);
	return WXF_OK;
}

int
wxf_hash_buf(const void *data, size_t n, wxf_hashes *out)
{
	wxf_hasher *h = wxf_hasher_new();

	if (h == NULL) {
		memset(out, 0, sizeof(*out));
		return WXF_ENOMEM;
	}
	wxf_hasher_update(h, data, n);
	wxf_hasher_final(h, out);
	wxf_hasher_free(&h);
	return WXF_OK;
}

void
wxf_sha256_hex(const void *data, size_t n, char out[65])
{
	uint8_t md[32];
	unsigned int len = 0;

	EVP_Digest(data, n, md, &len, MD_SHA256, NULL);
	wxf_hex(md, 32, out);
}

struct wxf_sha256 {
	EVP_MD_CTX *ctx;
};

wxf_sha256 *
wxf_sha256_new(void)
{
	wxf_sha256 *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return NULL;
	h->ctx = EVP_MD_CTX_new();
	if (h->ctx == NULL || EVP_DigestInit_ex(h->ctx, MD_SHA256, NULL) != 1) {
		wxf_sha256_free(h);
		return NULL;
	}
	return h;
}

void
wxf_sha256_update(wxf_sha256 *h, const void *data, size_t n)
{
	if (n > 0)
		EVP_DigestUpdate(h->ctx, data, n);
}

void
wxf_sha256_final(wxf_sha256 *h, char out[65])
{
	uint8_t md[32];
	unsigned int len = 0;

	EVP_DigestFinal_ex(h->ctx, md, &len);
	wxf_hex(md, 32, out);
	wxf_sha256_free(h);
}

void
wxf_sha256_free(wxf_sha256 *h)
{
	if (h == NULL)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

void
wxf_md5(const void *data, size_t n, uint8_t out[16])
{
	unsigned int len = 0;

	EVP_Digest(data, n, out, &len, MD_MD5, NULL);
}

void
wxf_sha1(const void *data, size_t n, uint8_t out[20])
{
	unsigned int len = 0;

	EVP_Digest(data, n, out, &len, MD_SHA1, NULL);
}

void
wxf_md5_hex(const void *data, size_t n, char out[33])
{
	uint8_t md[16];

	wxf_md5(data, n, md);
	wxf_hex(md, 16, out);
}
