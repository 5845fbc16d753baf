/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An examiner's signature on manifest.sha256 (OpenSSL Ed25519).
 *
 * The manifest's SHA-256, printed by `case` and written in the examination record, pins a
 * bundle: `verify --expect` compares it.  A signature adds who made it: `case --sign KEY`
 * writes the examiner's public key into the bundle as signing-key.pub.pem (listed in the
 * manifest, so the manifest hash pins the key too) and, once the manifest is written, the
 * Ed25519 signature of the manifest's bytes as manifest.sha256.sig (64 raw bytes; like
 * audit.jsonl it cannot be listed in the manifest it signs).  The key's fingerprint is the
 * SHA-256 of its DER SubjectPublicKeyInfo, the value of
 *   openssl pkey -pubin -in signing-key.pub.pem -outform DER | sha256sum
 * and the signature checks with
 *   openssl pkeyutl -verify -pubin -inkey signing-key.pub.pem -rawin -in manifest.sha256 \
 *       -sigfile manifest.sha256.sig
 * A signature proves only that the holder of the private key signed this manifest; a forger
 * can sign with a key of his own, so the fingerprint must be compared with the examiner's
 * known key (verify --signer) or the manifest hash with the record (verify --expect).
 */
#include "config.h"
#include "rpt_int.h"
#include "base/wxf_file.h"
#include "base/wxf_hash.h"
#include "base/wxf_mem.h"
#include "base/wxf_fmt.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct wxf_signer {
	EVP_PKEY *key;
	char *pub_pem;
	size_t pub_pem_len;
	char fpr[65];
};

/* A passphrase is never asked for: the key file must be unencrypted. */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/* SHA-256 of the DER SubjectPublicKeyInfo of key. */
static int
fingerprint(EVP_PKEY *key, char fpr[65])
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(key, &der);

	if (n <= 0)
		return -1;
	wxf_sha256_hex(der, (size_t)n, fpr);
	OPENSSL_free(der);
	return 0;
}

int
wxf_signer_load(wxf_signer **out, const char *path, wxf_err *err)
{
	wxf_signer *s;
	BIO *in, *mem;
	char *p;
	long n;

	*out = NULL;
	if ((in = BIO_new_file(path, "r")) == NULL)
		return wxf_err_set(err, WXF_EUSAGE, "--sign %s: cannot read the key file", path);
	s = wxf_xcalloc(1, sizeof(*s));
	s->key = PEM_read_bio_PrivateKey(in, NULL, no_passphrase, NULL);
	BIO_free(in);
	if (s->key == NULL || EVP_PKEY_get_base_id(s->key) != EVP_PKEY_ED25519) {
		wxf_signer_free(&s);
		return wxf_err_set(err, WXF_EUSAGE, "--sign %s: not an unencrypted Ed25519 private "
		    "key in PEM (make one with: openssl genpkey -algorithm ed25519 -out KEY)", path);
	}
	mem = BIO_new(BIO_s_mem());
	if (mem == NULL || PEM_write_bio_PUBKEY(mem, s->key) != 1 ||
	    (n = BIO_get_mem_data(mem, &p)) <= 0 || fingerprint(s->key, s->fpr) != 0) {
		BIO_free(mem);
		wxf_signer_free(&s);
		return wxf_err_set(err, WXF_EINTERNAL, "--sign %s: the public key cannot be written",
		    path);
	}
	s->pub_pem = wxf_xmalloc((size_t)n);
	memcpy(s->pub_pem, p, (size_t)n);
	s->pub_pem_len = (size_t)n;
	BIO_free(mem);
	*out = s;
	return WXF_OK;
}

void
wxf_signer_free(wxf_signer **s)
{
	if (s == NULL || *s == NULL)
		return;
	EVP_PKEY_free((*s)->key);
	free((*s)->pub_pem);
	free(*s);
	*s = NULL;
}

const char *
wxf_signer_fingerprint(const wxf_signer *s)
{
	return s->fpr;
}

int
wxf_sign_pubkey_write(const wxf_signer *s, const char *outdir, wxf_audit *audit, wxf_err *err)
{
	wxf_buf b;
	int rc;

	wxf_buf_init(&b);
	wxf_buf_add(&b, s->pub_pem, s->pub_pem_len);
	rc = rpt_write(outdir, WXF_SIGN_PUBKEY, &b, audit, err);
	wxf_buf_free(&b);
	return rc;
}

int
wxf_sign_manifest(const wxf_signer *s, const char *outdir, wxf_err *err)
{
	char *mp = wxf_path_join(outdir, "manifest.sha256");
	char *sp = wxf_path_join(outdir, WXF_SIGN_FILE);
	unsigned char sig[64];
	size_t sig_n = sizeof(sig);
	EVP_MD_CTX *ctx = NULL;
	uint8_t *text = NULL;
	size_t len = 0;
	int rc;

	rc = wxf_file_read_small(mp, (size_t)1 << 30, &text, &len, err);
	if (rc == WXF_OK) {
		ctx = EVP_MD_CTX_new();
		if (ctx == NULL || EVP_DigestSignInit(ctx, NULL, NULL, NULL, s->key) != 1 ||
		    EVP_DigestSign(ctx, sig, &sig_n, text, len) != 1 || sig_n != sizeof(sig))
			rc = wxf_err_set(err, WXF_EINTERNAL, "manifest.sha256: Ed25519 signing failed");
		else
			rc = wxf_file_write(sp, sig, sig_n, err);
	}
	EVP_MD_CTX_free(ctx);
	free(text);
	free(mp);
	free(sp);
	return rc;
}

/* ------------------------------------------------------------------------------ verify */

void
wxf_sign_verify(const char *outdir, wxf_verify_result *r)
{
	char *sp = wxf_path_join(outdir, WXF_SIGN_FILE), *kp = wxf_path_join(outdir, WXF_SIGN_PUBKEY);
	char *mp = wxf_path_join(outdir, "manifest.sha256");
	uint8_t *sig = NULL, *pem = NULL, *text = NULL;
	size_t sig_n = 0, pem_n = 0, len = 0;
	int have_sig = access(sp, F_OK) == 0, have_key = access(kp, F_OK) == 0;
	EVP_PKEY *key = NULL;
	EVP_MD_CTX *ctx = NULL;
	BIO *bio = NULL;
	wxf_err e;

	r->signature = 0;
	if (!have_sig && !have_key)
		goto out;
	r->signature = -1;
	wxf_err_clear(&e);
	if (!have_key) {
		wxf_fmt(r->sig_msg, sizeof(r->sig_msg), "%s present but %s missing", WXF_SIGN_FILE,
		    WXF_SIGN_PUBKEY);
		goto out;
	}
	if (wxf_file_read_small(kp, 1u << 16, &pem, &pem_n, &e) != WXF_OK ||
	    (bio = BIO_new_mem_buf(pem, (int)pem_n)) == NULL ||
	    (key = PEM_read_bio_PUBKEY(bio, NULL, no_passphrase, NULL)) == NULL ||
	    EVP_PKEY_get_base_id(key) != EVP_PKEY_ED25519 || fingerprint(key, r->signer) != 0) {
		wxf_fmt(r->sig_msg, sizeof(r->sig_msg), "%s is not an Ed25519 public key",
		    WXF_SIGN_PUBKEY);
		goto out;
	}
	if (!have_sig) {
		wxf_fmt(r->sig_msg, sizeof(r->sig_msg), "the bundle carries a signing key but %s "
		    "is missing (removed, or the run did not finish)", WXF_SIGN_FILE);
		goto out;
	}
	if (wxf_file_read_small(sp, 1024, &sig, &sig_n, &e) != WXF_OK ||
	    wxf_file_read_small(mp, (size_t)1 << 30, &text, &len, &e) != WXF_OK) {
		wxf_fmt(r->sig_msg, sizeof(r->sig_msg), "%s", e.msg);
		goto out;
	}
	ctx = EVP_MD_CTX_new();
	if (ctx != NULL && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) == 1 &&
	    EVP_DigestVerify(ctx, sig, sig_n, text, len) == 1)
		r->signature = 1;
	else
		wxf_fmt(r->sig_msg, sizeof(r->sig_msg), "%s does not verify: manifest.sha256 is not "
		    "what the key signed", WXF_SIGN_FILE);
out:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	BIO_free(bio);
	free(sig);
	free(pem);
	free(text);
	free(sp);
	free(kp);
	free(mp);
}
