/* SPDX-License-Identifier: Apache-2.0 */
/* AES-128-ECB without padding through libcrypto (decrypt.h). */
#include "config.h"
#include "decrypt/decrypt.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

struct wxf_aes128_ecb {
	uint8_t key[16];
	EVP_CIPHER_CTX *cx;
};

int
wxf_aes128_ecb_new(wxf_aes128_ecb **cp, const uint8_t key[16], wxf_err *err)
{
	wxf_aes128_ecb *c = calloc(1, sizeof(*c));

	*cp = NULL;
	if (c == NULL || (c->cx = EVP_CIPHER_CTX_new()) == NULL) {
		free(c);
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	}
	memcpy(c->key, key, sizeof(c->key));
	*cp = c;
	return WXF_OK;
}

int
wxf_aes128_ecb_decrypt(wxf_aes128_ecb *c, uint8_t *buf, size_t n)
{
	int outl = 0;

	if (n % 16 != 0)
		return WXF_ECRYPTO;
	if (n == 0)
		return WXF_OK;
	/* set up for every call: a failed call leaves nothing behind for the next one */
	if (EVP_DecryptInit_ex(c->cx, EVP_aes_128_ecb(), NULL, c->key, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(c->cx, 0) != 1)
		return WXF_ECRYPTO;
	while (n > 0) {
		int step = n > ((size_t)1 << 30) ? 1 << 30 : (int)n;

		if (EVP_DecryptUpdate(c->cx, buf, &outl, buf, step) != 1 || outl != step)
			return WXF_ECRYPTO;
		buf += step;
		n -= (size_t)step;
	}
	return WXF_OK;
}

void
wxf_aes128_ecb_free(wxf_aes128_ecb **cp)
{
	if (cp == NULL || *cp == NULL)
		return;
	OPENSSL_cleanse((*cp)->key, sizeof((*cp)->key));
	EVP_CIPHER_CTX_free((*cp)->cx);
	free(*cp);
	*cp = NULL;
}
