/* SPDX-License-Identifier: Apache-2.0 */
/*
 * iTunes/Finder backups: plists (libplist), the BackupKeyBag (TLV through wxf_cur), the
 * password-derived key (OpenSSL PBKDF2), class and file keys (RFC 3394 unwrap, OpenSSL
 * id-aes256-wrap), Manifest.db (AES-256-CBC, zero IV) and restoring one file.  The formats
 * are in itunes.h; facts from shared/formats/backup-formats.md §3 and corrections-2026-12.md
 * A.7 (keybag item order, pre-10.2 backups) and B (Status.plist SnapshotState, -wal files).
 */
#include "config.h"
#include "intake/itunes.h"
#include "base/wxf_cur.h"
#include "base/wxf_file.h"
#include "base/wxf_hash.h"
#include "base/wxf_mem.h"
#include "base/wxf_plist.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sqlcipher/sqlite3.h>

#define PLIST_MAX (64u << 20)    /* Manifest.plist lists every app: allow a large one */
#define RECORD_MAX (64u << 10)   /* one MBFile record */
#define MBDB_MAX (256u << 20)    /* Manifest.mbdb: a few MiB on real backups */

/* ------------------------------------------------------------------------------ keybag */

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int
wxf_keybag_parse(const uint8_t *p, size_t n, wxf_keybag *kb, wxf_err *err)
{
	wxf_cur c = wxf_cur_make(p, n);
	wxf_kb_class *cur = NULL;
	int seen_uuid = 0;

	memset(kb, 0, sizeof(*kb));
	while (wxf_cur_left(&c) > 0) {
		const uint8_t *tag = wxf_cur_bytes(&c, 4), *v;
		uint32_t len = wxf_cur_u32be(&c), iv;

		if (c.bad || (v = wxf_cur_bytes(&c, len)) == NULL)
			return wxf_err_setx(err, WXF_ECORRUPT, WXF_SEV_FAILED, __FILE__, __LINE__, -1,
			    (int64_t)c.pos, "BackupKeyBag: item truncated at byte %zu", c.pos);
		iv = len == 4 ? be32(v) : 0;
		if (memcmp(tag, "UUID", 4) == 0) {
			if (len != 16)
				return wxf_err_set(err, WXF_ECORRUPT, "BackupKeyBag: UUID of %u bytes", len);
			if (!seen_uuid) {
				memcpy(kb->uuid, v, 16);
				seen_uuid = 1;
				continue;
			}
			if (kb->n_cls == WXF_KB_MAX_CLASSES) {
				kb->n_skipped++;
				cur = NULL;
				continue;
			}
			cur = &kb->cls[kb->n_cls++];
			memcpy(cur->uuid, v, 16);
			continue;
		}
		if (cur != NULL) {
			if (memcmp(tag, "CLAS", 4) == 0)
				cur->clas = iv;
			else if (memcmp(tag, "WRAP", 4) == 0)
				cur->wrap = iv;
			else if (memcmp(tag, "KTYP", 4) == 0)
				cur->ktyp = iv;
			else if (memcmp(tag, "WPKY", 4) == 0) {
				if (len != 40)
					return wxf_err_set(err, WXF_ECORRUPT, "BackupKeyBag: wrapped class key "
					    "of %u bytes (40 expected)", len);
				memcpy(cur->wpky, v, 40);
				cur->wpky_len = 40;
			}
			continue;
		}
		if (memcmp(tag, "VERS", 4) == 0)
			kb->vers = iv;
		else if (memcmp(tag, "TYPE", 4) == 0)
			kb->type = iv;
		else if (memcmp(tag, "WRAP", 4) == 0)
			kb->wrap = iv;
		else if (memcmp(tag, "ITER", 4) == 0)
			kb->iter = iv, kb->have_iter = len == 4;
		else if (memcmp(tag, "DPIC", 4) == 0)
			kb->dpic = iv, kb->have_dp |= len == 4 ? 1 : 0;
		else if (memcmp(tag, "SALT", 4) == 0 || memcmp(tag, "DPSL", 4) == 0) {
			int salt = tag[0] == 'S';

			if (len == 0 || len > 64)
				return wxf_err_set(err, WXF_ECORRUPT, "BackupKeyBag: %.4s of %u bytes", tag,
				    len);
			memcpy(salt ? kb->salt : kb->dpsl, v, len);
			if (salt)
				kb->salt_len = len, kb->have_salt = 1;
			else
				kb->dpsl_len = len, kb->have_dp |= 2;
		}
	}
	if (!kb->have_salt || !kb->have_iter || kb->iter == 0)
		return wxf_err_set(err, WXF_ECORRUPT, "BackupKeyBag without SALT/ITER");
	/* DPSL and DPIC come together (iOS 10.2+) or not at all */
	if (kb->have_dp != 0 && (kb->have_dp != 3 || kb->dpic == 0))
		return wxf_err_set(err, WXF_ECORRUPT, "BackupKeyBag: DPSL/DPIC incomplete");
	kb->have_dp = kb->have_dp == 3;
	return WXF_OK;
}

/* PBKDF2 in a worker thread so that the caller can draw progress for the long rounds. */
struct kdf_job {
	const char *pw;
	size_t pw_n;
	const uint8_t *salt;
	size_t salt_n;
	unsigned iter;
	const EVP_MD *md;
	uint8_t out[32];
	int ok, done;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static void *
kdf_run(void *arg)
{
	struct kdf_job *j = arg;
	int ok = PKCS5_PBKDF2_HMAC(j->pw, (int)j->pw_n, j->salt, (int)j->salt_n, (int)j->iter,
	    j->md, 32, j->out);

	pthread_mutex_lock(&j->mu);
	j->ok = ok;
	j->done = 1;
	pthread_cond_signal(&j->cv);
	pthread_mutex_unlock(&j->mu);
	return NULL;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* PBKDF2-HMAC(md) with progress: a short calibration run gives the rate, then the full run
 * happens on a thread while the progress line shows the estimated rounds done. */
static int
pbkdf2_progress(const char *pw, size_t pw_n, const uint8_t *salt, size_t salt_n, unsigned iter,
    const EVP_MD *md, uint8_t out[32], wxf_log *log, const char *label)
{
	struct kdf_job j;
	pthread_t th;
	double t0, rate = 0;
	uint8_t tmp[32];
	unsigned cal = iter > 200000 ? 20000 : 0;

	if (cal > 0) {
		t0 = now_s();
		if (!PKCS5_PBKDF2_HMAC(pw, (int)pw_n, salt, (int)salt_n, (int)cal, md, 32, tmp))
			return 0;
		OPENSSL_cleanse(tmp, sizeof(tmp));
		rate = (double)cal / (now_s() - t0 + 1e-9);
	}
	if (cal == 0 || log == NULL)
		return PKCS5_PBKDF2_HMAC(pw, (int)pw_n, salt, (int)salt_n, (int)iter, md, 32, out);
	memset(&j, 0, sizeof(j));
	j.pw = pw;
	j.pw_n = pw_n;
	j.salt = salt;
	j.salt_n = salt_n;
	j.iter = iter;
	j.md = md;
	pthread_mutex_init(&j.mu, NULL);
	pthread_cond_init(&j.cv, NULL);
	if (pthread_create(&th, NULL, kdf_run, &j) != 0) {
		pthread_mutex_destroy(&j.mu);
		pthread_cond_destroy(&j.cv);
		return PKCS5_PBKDF2_HMAC(pw, (int)pw_n, salt, (int)salt_n, (int)iter, md, 32, out);
	}
	t0 = now_s();
	pthread_mutex_lock(&j.mu);
	while (!j.done) {
		struct timespec ts;
		double est = (now_s() - t0) * rate;

		pthread_mutex_unlock(&j.mu);
		wxf_log_progress(log, label, est < iter ? (uint64_t)est : iter, iter, "rounds (estimated)");
		pthread_mutex_lock(&j.mu);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 250000000L;
		if (ts.tv_nsec >= 1000000000L)
			ts.tv_sec++, ts.tv_nsec -= 1000000000L;
		if (!j.done)
			pthread_cond_timedwait(&j.cv, &j.mu, &ts);
	}
	pthread_mutex_unlock(&j.mu);
	pthread_join(th, NULL);
	wxf_log_progress_end(log);
	pthread_mutex_destroy(&j.mu);
	pthread_cond_destroy(&j.cv);
	memcpy(out, j.out, 32);
	OPENSSL_cleanse(j.out, sizeof(j.out));
	return j.ok;
}

int
wxf_keybag_kek(const wxf_keybag *kb, const char *password, uint8_t kek[32], double *secs,
    wxf_log *log, wxf_err *err)
{
	uint8_t t[32];
	const char *in = password;
	size_t in_n = strlen(password);
	double t0 = now_s();

	if (kb->have_dp) {
		if (log != NULL)
			wxf_log_info(log, "deriving the backup key: %u rounds of PBKDF2-SHA256, then %u of "
			    "PBKDF2-SHA1 (done once)", kb->dpic, kb->iter);
		if (!pbkdf2_progress(password, in_n, kb->dpsl, kb->dpsl_len, kb->dpic, EVP_sha256(), t,
		    log, "backup key (PBKDF2-SHA256)"))
			return wxf_err_set(err, WXF_ECRYPTO, "PBKDF2-SHA256 failed");
		in = (const char *)t;
		in_n = sizeof(t);
	}
	if (!pbkdf2_progress(in, in_n, kb->salt, kb->salt_len, kb->iter, EVP_sha1(), kek, log,
	    "backup key (PBKDF2-SHA1)")) {
		OPENSSL_cleanse(t, sizeof(t));
		return wxf_err_set(err, WXF_ECRYPTO, "PBKDF2-SHA1 failed");
	}
	OPENSSL_cleanse(t, sizeof(t));
	if (secs != NULL)
		*secs = now_s() - t0;
	return WXF_OK;
}

int
wxf_aes_key_unwrap(const uint8_t *kek, size_t kek_len, const uint8_t *in, size_t n, uint8_t *out,
    wxf_err *err)
{
	const EVP_CIPHER *ci = kek_len == 16 ? EVP_aes_128_wrap() : kek_len == 24 ?
	    EVP_aes_192_wrap() : kek_len == 32 ? EVP_aes_256_wrap() : NULL;
	EVP_CIPHER_CTX *x;
	int l1 = 0, l2 = 0, ok;

	if (ci == NULL || n < 24 || n % 8 != 0 || n > 1024)
		return wxf_err_set(err, WXF_ECORRUPT, "key unwrap: bad sizes (KEK %zu, input %zu)",
		    kek_len, n);
	if ((x = EVP_CIPHER_CTX_new()) == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	EVP_CIPHER_CTX_set_flags(x, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	ok = EVP_DecryptInit_ex(x, ci, NULL, kek, NULL) == 1 &&
	    EVP_DecryptUpdate(x, out, &l1, in, (int)n) == 1 && l1 == (int)n - 8 &&
	    EVP_DecryptFinal_ex(x, out + l1, &l2) == 1;
	EVP_CIPHER_CTX_free(x);
	if (!ok) {
		OPENSSL_cleanse(out, n - 8);
		return wxf_err_set(err, WXF_EKEY, "key unwrap: integrity check failed (RFC 3394)");
	}
	return WXF_OK;
}

int
wxf_keybag_unlock(wxf_keybag *kb, const uint8_t kek[32], size_t *n_unwrapped, wxf_err *err)
{
	size_t i, k = 0;

	for (i = 0; i < kb->n_cls; i++) {
		wxf_kb_class *c = &kb->cls[i];
		uint8_t out[32];

		if (c->wpky_len != 40 || (c->wrap & 2) == 0) {
			kb->n_skipped++;
			continue;
		}
		if (wxf_aes_key_unwrap(kek, 32, c->wpky, 40, out, err) != WXF_OK) {
			for (i = 0; i < kb->n_cls; i++) {
				OPENSSL_cleanse(kb->cls[i].key, 32);
				kb->cls[i].unwrapped = 0;
			}
			return wxf_err_set(err, WXF_EKEY, "wrong backup password: the keybag's class key "
			    "%u does not unwrap (RFC 3394 integrity check); nothing was decrypted", c->clas);
		}
		memcpy(c->key, out, 32);
		OPENSSL_cleanse(out, sizeof(out));
		c->unwrapped = 1;
		k++;
	}
	if (n_unwrapped != NULL)
		*n_unwrapped = k;
	if (k == 0)
		return wxf_err_set(err, WXF_EKEY, "the keybag holds no passcode-wrapped class key");
	return WXF_OK;
}

const uint8_t *
wxf_keybag_class_key(const wxf_keybag *kb, uint32_t clas)
{
	size_t i;

	for (i = 0; i < kb->n_cls; i++)
		if (kb->cls[i].clas == clas && kb->cls[i].unwrapped)
			return kb->cls[i].key;
	return NULL;
}

int
wxf_itunes_unwrap_key(const wxf_keybag *kb, const uint8_t *blob, size_t n, uint32_t class_hint,
    uint8_t key[32], wxf_err *err)
{
	uint32_t clas = class_hint;
	const uint8_t *ck, *w = blob;

	if (n == 44) {
		uint32_t pre = (uint32_t)blob[0] | (uint32_t)blob[1] << 8 | (uint32_t)blob[2] << 16 |
		    (uint32_t)blob[3] << 24;

		if (pre != 0)
			clas = pre;
		w = blob + 4;
	} else if (n != 40)
		return wxf_err_set(err, WXF_ECORRUPT, "wrapped key of %zu bytes (44 expected)", n);
	if ((ck = wxf_keybag_class_key(kb, clas)) == NULL)
		return wxf_err_set(err, WXF_EKEY, "no key for protection class %u", clas);
	return wxf_aes_key_unwrap(ck, 32, w, 40, key, err);
}

/* ------------------------------------------------------------------------------ records */

int
wxf_mbfile_parse(const uint8_t *p, size_t n, wxf_mbfile *f, wxf_err *err)
{
	wxf_karchive ka;
	const uint8_t *ek;
	const char *cn;
	size_t ekn = 0;
	uint64_t v;
	int rc;

	memset(f, 0, sizeof(*f));
	if ((rc = wxf_karchive_open(&ka, p, n, RECORD_MAX, err)) != WXF_OK)
		return rc;
	if ((cn = wxf_karchive_class(&ka, ka.root)) != NULL)
		snprintf(f->classname, sizeof(f->classname), "%s", cn);
	if (wxf_karchive_uint(&ka, ka.root, "Size", &v))
		f->size = v, f->have_size = 1;
	if (wxf_karchive_uint(&ka, ka.root, "ProtectionClass", &v))
		f->prot = v;
	if (wxf_karchive_uint(&ka, ka.root, "LastModified", &v) && v < (1ULL << 40))
		f->mtime = (int64_t)v;
	ek = wxf_karchive_data(&ka, ka.root, "EncryptionKey", &ekn);
	if (ek != NULL) {
		if (ekn != 44 && ekn != 40) {
			wxf_karchive_close(&ka);
			return wxf_err_set(err, WXF_ECORRUPT, "MBFile EncryptionKey of %zu bytes", ekn);
		}
		memcpy(f->enckey, ek, ekn);
		f->enckey_len = ekn;
	}
	wxf_karchive_close(&ka);
	return WXF_OK;
}

/* ------------------------------------------------------------------------------ description */

static int
exists_in(const char *dir, const char *name)
{
	char *p = wxf_path_join(dir, name);
	int r = wxf_is_file(p);

	free(p);
	return r;
}

int
wxf_itunes_probe(const char *dir)
{
	return exists_in(dir, "Manifest.db") || exists_in(dir, "Manifest.mbdb");
}

static void
copy_str(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s != NULL ? s : "");
}

static plist_t
read_plist(const char *dir, const char *name, wxf_err *err)
{
	char *p = wxf_path_join(dir, name);
	plist_t pl = NULL;

	if (wxf_is_file(p) && wxf_plist_read_file(p, PLIST_MAX, &pl, err) != WXF_OK)
		pl = NULL;
	free(p);
	return pl;
}

int
wxf_itunes_info_read(const char *dir, wxf_itunes_info *bi, wxf_err *err)
{
	plist_t man, info, st, lock;
	const uint8_t *d;
	size_t n = 0;
	wxf_err oe;
	int b;

	memset(bi, 0, sizeof(*bi));
	bi->full_backup = -1;
	bi->manifest_db = exists_in(dir, "Manifest.db");
	bi->manifest_mbdb = exists_in(dir, "Manifest.mbdb");
	if (!exists_in(dir, "Manifest.plist"))
		goto others;    /* a bare index: described as such, read as not encrypted */
	wxf_err_clear(&oe);
	if ((man = read_plist(dir, "Manifest.plist", &oe)) == NULL) {
		if (oe.code == WXF_ENOMEM)
			return wxf_err_set(err, WXF_ENOMEM, "Manifest.plist: out of memory");
		if (err != NULL)
			*err = oe;
		return wxf_err_wrap(err, WXF_ECORRUPT, "Manifest.plist");
	}
	bi->have_manifest_plist = 1;
	if (wxf_plist_bool(man, "IsEncrypted", &b))
		bi->encrypted = b;
	if (wxf_plist_bool(man, "WasPasscodeSet", &b))
		bi->passcode_set = b;
	lock = plist_dict_get_item(man, "Lockdown");
	copy_str(bi->device, sizeof(bi->device), wxf_plist_str(lock, "DeviceName"));
	copy_str(bi->product_type, sizeof(bi->product_type), wxf_plist_str(lock, "ProductType"));
	copy_str(bi->product_version, sizeof(bi->product_version),
	    wxf_plist_str(lock, "ProductVersion"));
	copy_str(bi->serial, sizeof(bi->serial), wxf_plist_str(lock, "SerialNumber"));
	copy_str(bi->udid, sizeof(bi->udid), wxf_plist_str(lock, "UniqueDeviceID"));
	wxf_plist_date(man, "Date", &bi->backup_date);
	if ((d = wxf_plist_data(man, "BackupKeyBag", &n)) != NULL && n > 0 && n < (1u << 20)) {
		bi->keybag = malloc(n);
		if (bi->keybag == NULL) {
			plist_free(man);
			return wxf_err_set(err, WXF_ENOMEM, "out of memory");
		}
		memcpy(bi->keybag, d, n);
		bi->keybag_len = n;
	}
	if ((d = wxf_plist_data(man, "ManifestKey", &n)) != NULL && n <= sizeof(bi->manifest_key)) {
		memcpy(bi->manifest_key, d, n);
		bi->manifest_key_len = n;
	}
	plist_free(man);
others:
	wxf_err_clear(&oe);
	if ((info = read_plist(dir, "Info.plist", &oe)) == NULL && oe.code == WXF_ENOMEM) {
		wxf_itunes_info_free(bi);
		return wxf_err_set(err, WXF_ENOMEM, "Info.plist: out of memory");
	}
	if (info == NULL && oe.code != WXF_OK)
		snprintf(bi->unread, sizeof(bi->unread), "%.500s", oe.msg);
	if (info != NULL) {
		bi->have_info = 1;
		if (bi->device[0] == '\0')
			copy_str(bi->device, sizeof(bi->device), wxf_plist_str(info, "Device Name"));
		if (bi->product_type[0] == '\0')
			copy_str(bi->product_type, sizeof(bi->product_type),
			    wxf_plist_str(info, "Product Type"));
		if (bi->product_version[0] == '\0')
			copy_str(bi->product_version, sizeof(bi->product_version),
			    wxf_plist_str(info, "Product Version"));
		if (bi->serial[0] == '\0')
			copy_str(bi->serial, sizeof(bi->serial), wxf_plist_str(info, "Serial Number"));
		wxf_plist_date(info, "Last Backup Date", &bi->backup_date);
		plist_free(info);
	}
	wxf_err_clear(&oe);
	if ((st = read_plist(dir, "Status.plist", &oe)) == NULL && oe.code == WXF_ENOMEM) {
		wxf_itunes_info_free(bi);
		return wxf_err_set(err, WXF_ENOMEM, "Status.plist: out of memory");
	}
	if (st == NULL && oe.code != WXF_OK) {
		size_t l = strlen(bi->unread);

		snprintf(bi->unread + l, sizeof(bi->unread) - l, "%s%.500s", l ? "; " : "", oe.msg);
	}
	if (st != NULL) {
		bi->have_status = 1;
		copy_str(bi->snapshot, sizeof(bi->snapshot), wxf_plist_str(st, "SnapshotState"));
		if (wxf_plist_bool(st, "IsFullBackup", &b))
			bi->full_backup = b;
		plist_free(st);
	}
	return WXF_OK;
}

void
wxf_itunes_info_free(wxf_itunes_info *bi)
{
	free(bi->keybag);
	OPENSSL_cleanse(bi->manifest_key, sizeof(bi->manifest_key));
	memset(bi, 0, sizeof(*bi));
}

int
wxf_itunes_complete(const wxf_itunes_info *bi)
{
	return bi->have_status && strcmp(bi->snapshot, "finished") == 0;
}

/* Printable: evidence strings go into one line; control characters become '?'. */
static void
clean(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

char *
wxf_itunes_describe(const wxf_itunes_info *bi)
{
	char date[32] = "", dev[400], *out;

	if (bi->backup_date > 0) {
		time_t t = (time_t)bi->backup_date;
		struct tm tm;

		if (gmtime_r(&t, &tm) != NULL)
			strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	snprintf(dev, sizeof(dev), "%s%s%s%s%s%s%s%s", bi->device[0] ? "\"" : "", bi->device,
	    bi->device[0] ? "\", " : "", bi->product_type, bi->product_version[0] ? ", iOS " : "",
	    bi->product_version, date[0] ? ", backed up " : "", date);
	clean(dev);
	out = wxf_xasprintf("iTunes/Finder backup (%s)%s%s; %s; %s", !bi->have_manifest_plist ?
	    (bi->manifest_db ? "Manifest.db without Manifest.plist" :
	    "Manifest.mbdb without Manifest.plist") : bi->manifest_db ? "Manifest.db" :
	    "Manifest.mbdb, before iOS 10", dev[0] ? " of " : "", dev,
	    bi->encrypted ? (bi->manifest_key_len > 0 ? "encrypted (iOS 10.2+ keybag)" :
	    "encrypted (keybag without ManifestKey: before iOS 10.2)") : "not encrypted",
	    !bi->have_status ? "no Status.plist: completeness unknown" :
	    wxf_itunes_complete(bi) ? "snapshot finished (complete)" :
	    "snapshot NOT finished: the backup is partial");
	return out;
}

/* ------------------------------------------------------------------------------ open */

/* Decrypts the whole file `in` (AES-256-CBC, zero IV, PKCS#7 padding checked and removed when
 * valid) into a new file `out`. */
static int
decrypt_file(const uint8_t key[32], const char *in, const char *out, uint64_t limit,
    uint64_t *written, int *pad_ok, wxf_err *err)
{
	static const uint8_t iv[16];
	EVP_CIPHER_CTX *x = NULL;
	uint8_t *buf = NULL, *dec = NULL, last[16];
	size_t bufsz = 1 << 20;
	uint64_t total = 0, done = 0;
	int ifd = -1, ofd = -1, rc = WXF_OK, have_last = 0;
	ssize_t r;

	*written = 0;
	*pad_ok = 0;
	if ((ifd = wxf_open_ro(in, NULL, err)) < 0)
		return WXF_EIO;
	if ((ofd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0) {
		rc = wxf_err_set(err, WXF_EIO, "%s: %s", out, strerror(errno));
		goto done;
	}
	buf = malloc(bufsz);
	dec = malloc(bufsz + 16);
	x = EVP_CIPHER_CTX_new();
	if (buf == NULL || dec == NULL || x == NULL ||
	    EVP_DecryptInit_ex(x, EVP_aes_256_cbc(), NULL, key, iv) != 1) {
		rc = wxf_err_set(err, WXF_ENOMEM, "out of memory");
		goto done;
	}
	EVP_CIPHER_CTX_set_padding(x, 0);
	while ((r = read(ifd, buf, bufsz)) > 0) {
		int ol = 0;
		size_t k;

		total += (uint64_t)r;
		if (EVP_DecryptUpdate(x, dec, &ol, buf, (int)r) != 1) {
			rc = wxf_err_set(err, WXF_ECRYPTO, "AES-256-CBC failed");
			goto done;
		}
		/* hold back the last block: it may be padding */
		if (ol == 0)
			continue;
		if (have_last) {
			k = limit > done ? (size_t)(limit - done < 16 ? limit - done : 16) : 0;
			if (k > 0 && wxf_write_all(ofd, last, k) != 0) {
				rc = wxf_err_set(err, WXF_EIO, "%s: %s", out, strerror(errno));
				goto done;
			}
			done += 16;
			*written += k;
		}
		k = (size_t)ol - 16;
		memcpy(last, dec + k, 16);
		have_last = 1;
		if (limit > done) {
			size_t w = limit - done < k ? (size_t)(limit - done) : k;

			if (w > 0 && wxf_write_all(ofd, dec, w) != 0) {
				rc = wxf_err_set(err, WXF_EIO, "%s: %s", out, strerror(errno));
				goto done;
			}
			*written += w;
		}
		done += k;
	}
	if (r < 0) {
		rc = wxf_err_set(err, WXF_EIO, "%s: %s", in, strerror(errno));
		goto done;
	}
	if (total % 16 != 0)
		rc = wxf_err_set(err, WXF_ECORRUPT, "%s: %llu bytes, not whole AES blocks", in,
		    (unsigned long long)total);
	if (rc == WXF_OK && have_last) {
		unsigned pad = last[15];
		size_t keep = 16, i;

		/* a known size decides the length; the padding only when there is none */
		if (limit == UINT64_MAX && pad >= 1 && pad <= 16) {
			*pad_ok = 1;
			for (i = 16 - pad; i < 16; i++)
				if (last[i] != pad)
					*pad_ok = 0;
			if (*pad_ok)
				keep = 16 - pad;
		}
		if (limit != UINT64_MAX && pad >= 1 && pad <= 16 && limit == done + 16 - pad)
			*pad_ok = 1;
		if (limit > done) {
			size_t w = limit - done < keep ? (size_t)(limit - done) : keep;

			if (w > 0 && wxf_write_all(ofd, last, w) != 0)
				rc = wxf_err_set(err, WXF_EIO, "%s: %s", out, strerror(errno));
			*written += w;
		}
	}
done:
	OPENSSL_cleanse(last, sizeof(last));
	if (dec != NULL)
		OPENSSL_cleanse(dec, bufsz + 16);
	free(buf);
	free(dec);
	EVP_CIPHER_CTX_free(x);
	if (ifd >= 0)
		close(ifd);
	if (ofd >= 0 && close(ofd) != 0 && rc == WXF_OK)
		rc = wxf_err_set(err, WXF_EIO, "%s: %s", out, strerror(errno));
	return rc;
}

/* Reads Manifest.mbdb into b and finds its records; a corrupt record ends the index there
 * (b->index_note), an unreadable file or a missing signature is an error. */
struct mbdb_idx {
	size_t *v, n;
};

static int
mbdb_add(void *arg, const wxf_mbdb_rec *r)
{
	struct mbdb_idx *x = arg;

	if ((x->n & (x->n - 1)) == 0) {   /* 0, 1, 2, 4, ...: grow to the next power of two */
		size_t *nv = realloc(x->v, (x->n ? x->n * 2 : 1) * sizeof(*x->v));

		if (nv == NULL)
			return 1;
		x->v = nv;
	}
	x->v[x->n++] = r->off;
	return 0;
}

static int
mbdb_load(wxf_itunes *b, const char *dir, wxf_err *err)
{
	char *p = wxf_path_join(dir, "Manifest.mbdb");
	struct mbdb_idx x = { NULL, 0 };
	size_t n_recs = 0;
	wxf_err e;
	int rc;

	rc = wxf_file_read_small(p, MBDB_MAX, &b->mbdb, &b->mbdb_n, err);
	free(p);
	if (rc != WXF_OK)
		return wxf_err_wrap(err, rc, "Manifest.mbdb");
	if (!wxf_mbdb_check_magic(b->mbdb, b->mbdb_n))
		return wxf_err_set(err, WXF_ECORRUPT, "Manifest.mbdb: no \"mbdb\\5\\0\" signature: "
		    "not a backup index");
	wxf_err_clear(&e);
	rc = wxf_mbdb_walk(b->mbdb, b->mbdb_n, mbdb_add, &x, &n_recs, &e);
	b->mbdb_off = x.v;
	b->n_mbdb = x.n;
	if (x.n < n_recs) {
		free(x.v);
		b->mbdb_off = NULL;
		b->n_mbdb = 0;
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	}
	if (rc != WXF_OK)
		b->index_note = wxf_xasprintf("%s; %zu record(s) before it were read, the rest of the "
		    "index is lost", e.msg, x.n);
	return WXF_OK;
}

int
wxf_itunes_open(wxf_itunes *b, const char *dir, const char *password, const char *plain_manifest,
    wxf_log *log, wxf_err *err)
{
	uint8_t kek[32], mk[32];
	uint64_t w = 0;
	int rc, pad_ok = 0;
	char *enc;

	memset(b, 0, sizeof(*b));
	b->dir = wxf_xstrdup(dir);
	if ((rc = wxf_itunes_info_read(dir, &b->info, err)) != WXF_OK)
		return rc;
	if (!b->info.manifest_db && (rc = mbdb_load(b, dir, err)) != WXF_OK)
		return rc;
	enc = wxf_path_join(dir, "Manifest.db");
	if (b->mbdb != NULL) {
		free(enc);
		enc = NULL;
	}
	if (!b->info.encrypted) {
		b->manifest = enc;
		return WXF_OK;
	}
	if (password == NULL) {
		free(enc);
		return wxf_err_set(err, WXF_EUNSUPPORTED, "encrypted iTunes backup: its password is "
		    "needed (--backup-password)");
	}
	if (b->info.keybag == NULL) {
		free(enc);
		return wxf_err_set(err, WXF_ECORRUPT, "encrypted backup without a BackupKeyBag");
	}
	if ((rc = wxf_keybag_parse(b->info.keybag, b->info.keybag_len, &b->kb, err)) != WXF_OK ||
	    (rc = wxf_keybag_kek(&b->kb, password, kek, &b->kdf_secs, log, err)) != WXF_OK) {
		free(enc);
		return rc;
	}
	rc = wxf_keybag_unlock(&b->kb, kek, &b->n_class_keys, err);
	OPENSSL_cleanse(kek, sizeof(kek));
	if (rc != WXF_OK) {
		free(enc);
		return rc;
	}
	b->unlocked = 1;
	if (b->info.manifest_key_len == 0 || b->mbdb != NULL) {
		/* before iOS 10.2: the index is not encrypted */
		b->manifest = enc;
		return WXF_OK;
	}
	if ((rc = wxf_itunes_unwrap_key(&b->kb, b->info.manifest_key, b->info.manifest_key_len, 0,
	    mk, err)) != WXF_OK) {
		free(enc);
		return wxf_err_wrap(err, rc, "ManifestKey");
	}
	rc = decrypt_file(mk, enc, plain_manifest, UINT64_MAX, &w, &pad_ok, err);
	OPENSSL_cleanse(mk, sizeof(mk));
	free(enc);
	if (rc != WXF_OK)
		return wxf_err_wrap(err, rc, "Manifest.db");
	b->manifest = wxf_xstrdup(plain_manifest);
	return WXF_OK;
}

void
wxf_itunes_close(wxf_itunes *b)
{
	size_t i;

	for (i = 0; i < b->kb.n_cls; i++)
		OPENSSL_cleanse(b->kb.cls[i].key, 32);
	wxf_itunes_info_free(&b->info);
	free(b->dir);
	free(b->manifest);
	free(b->mbdb);
	free(b->mbdb_off);
	free(b->index_note);
	memset(b, 0, sizeof(*b));
}

/* ------------------------------------------------------------------------------ files */

static int
is_hex40(const char *s)
{
	size_t i;

	for (i = 0; i < 40; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[40] == '\0';
}

char *
wxf_itunes_blob_path(const char *dir, const char *file_id, int flat)
{
	if (file_id == NULL || !is_hex40(file_id))
		return NULL;
	if (flat)
		return wxf_xasprintf("%s/%s", dir, file_id);
	return wxf_xasprintf("%s/%.2s/%s", dir, file_id, file_id);
}

int
wxf_itunes_id_matches(const char *file_id, const char *domain, const char *rel)
{
	char *s = wxf_xasprintf("%s-%s", domain, rel);
	wxf_hashes h;

	if (wxf_hash_buf(s, strlen(s), &h) != WXF_OK)
		wxf_oom(sizeof(h));
	free(s);
	return strcmp(h.sha1, file_id) == 0;
}

/* A record's string as a C string: NULL when absent, or when it holds a NUL byte (a name that
 * cannot be a path). */
static char *
mbdb_cstr(const wxf_mbdb_str *s)
{
	if (s->none || memchr(s->p, '\0', s->n) != NULL)
		return NULL;
	return wxf_xstrndup((const char *)s->p, s->n);
}

static int
in_domains(const char *const *domains, const char *dom)
{
	size_t i;

	if (domains == NULL)
		return 1;
	for (i = 0; domains[i] != NULL && strcmp(domains[i], dom) != 0; i++)
		;
	return domains[i] != NULL;
}

static int
mbdb_files(const wxf_itunes *b, const char *const *domains, wxf_itunes_file_cb cb, void *arg)
{
	size_t i;

	for (i = 0; i < b->n_mbdb; i++) {
		wxf_mbdb_rec r;
		char *dom, *rel, *s;
		wxf_hashes h;
		int stop = 0;

		if (wxf_mbdb_record(b->mbdb, b->mbdb_n, b->mbdb_off[i], &r, NULL) != WXF_OK)
			continue;
		dom = mbdb_cstr(&r.domain);
		rel = r.path.none ? wxf_xstrdup("") : mbdb_cstr(&r.path);
		if (dom != NULL && rel != NULL && in_domains(domains, dom)) {
			s = wxf_xasprintf("%s-%s", dom, rel);
			if (wxf_hash_buf(s, strlen(s), &h) != WXF_OK)
				wxf_oom(sizeof(h));
			free(s);
			stop = cb(arg, h.sha1, dom, rel, wxf_mbdb_flags(r.mode), b->mbdb + r.off, r.len);
		}
		free(dom);
		free(rel);
		if (stop)
			break;
	}
	return WXF_OK;
}

int
wxf_itunes_files(const wxf_itunes *b, const char *const *domains, wxf_itunes_file_cb cb,
    void *arg, wxf_err *err)
{
	char *uri;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc = WXF_OK, s;

	if (b->mbdb != NULL)
		return mbdb_files(b, domains, cb, arg);
	uri = wxf_xasprintf("file:%s?mode=ro&immutable=1", b->manifest);
	if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT fileID, domain, relativePath, flags, file FROM Files "
	    "ORDER BY domain, relativePath", -1, &st, NULL) != SQLITE_OK) {
		rc = wxf_err_set(err, WXF_ECORRUPT, "Manifest.db unreadable: %s",
		    db != NULL ? sqlite3_errmsg(db) : "cannot open");
		goto out;
	}
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		const char *dom = (const char *)sqlite3_column_text(st, 1);
		const char *rel = (const char *)sqlite3_column_text(st, 2);
		int64_t flags = sqlite3_column_int64(st, 3);
		const uint8_t *rec = sqlite3_column_blob(st, 4);
		size_t rec_n = (size_t)sqlite3_column_bytes(st, 4);

		if (id == NULL || dom == NULL || rel == NULL || !in_domains(domains, dom))
			continue;
		if (cb(arg, id, dom, rel, flags, rec, rec_n) != 0)
			break;
	}
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		rc = wxf_err_set(err, WXF_ECORRUPT, "Manifest.db: %s", sqlite3_errmsg(db));
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(uri);
	return rc;
}

/* Copies `in` to a new file `out`, at most limit bytes. */
static int
copy_file(const char *in, const char *out, uint64_t limit, uint64_t *written, wxf_err *err)
{
	uint8_t *buf = malloc(1 << 20);
	int ifd = -1, ofd = -1, rc = WXF_OK;
	ssize_t r;

	*written = 0;
	if (buf == NULL)
		return wxf_err_set(err, WXF_ENOMEM, "out of memory");
	if ((ifd = wxf_open_ro(in, NULL, err)) < 0) {
		rc = WXF_EIO;
		goto done;
	}
	if ((ofd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0) {
		rc = wxf_err_set(err, WXF_EIO, "%s: %s", out, strerror(errno));
		goto done;
	}
	while (*written < limit && (r = read(ifd, buf, 1 << 20)) > 0) {
		size_t w = limit - *written < (uint64_t)r ? (size_t)(limit - *written) : (size_t)r;

		if (wxf_write_all(ofd, buf, w) != 0) {
			rc = wxf_err_set(err, WXF_EIO, "%s: %s", out, strerror(errno));
			goto done;
		}
		*written += w;
	}
done:
	free(buf);
	if (ifd >= 0)
		close(ifd);
	if (ofd >= 0 && close(ofd) != 0 && rc == WXF_OK)
		rc = wxf_err_set(err, WXF_EIO, "%s: %s", out, strerror(errno));
	return rc;
}

/* What a file's record says, from an MBFile archive (Manifest.db) or a Manifest.mbdb record. */
static int
record_parse(const wxf_itunes *b, const uint8_t *rec, size_t rec_n, wxf_mbfile *f, wxf_err *err)
{
	wxf_mbdb_rec r;
	int rc;

	if (b->mbdb == NULL)
		return wxf_mbfile_parse(rec, rec_n, f, err);
	memset(f, 0, sizeof(*f));
	if ((rc = wxf_mbdb_record(rec, rec_n, 0, &r, err)) != WXF_OK)
		return rc;
	f->size = r.size;
	f->have_size = 1;
	f->prot = r.prot;
	f->mtime = r.mtime;
	snprintf(f->classname, sizeof(f->classname), "mbdb");
	if (!r.enckey.none && r.enckey.n > 0) {
		if (r.enckey.n > sizeof(f->enckey))
			return WXF_CORRUPT(err, -1, -1, "Manifest.mbdb: EncryptionKey of %zu bytes",
			    r.enckey.n);
		memcpy(f->enckey, r.enckey.p, r.enckey.n);
		f->enckey_len = r.enckey.n;
	}
	return WXF_OK;
}

int
wxf_itunes_restore(const wxf_itunes *b, const char *file_id, const uint8_t *rec, size_t rec_n,
    const char *out_path, uint64_t *written, char **note, wxf_err *err)
{
	char *blob = wxf_itunes_blob_path(b->dir, file_id, b->mbdb != NULL);
	wxf_mbfile f;
	uint8_t key[32];
	int rc, pad_ok = 0;

	*written = 0;
	if (note != NULL)
		*note = NULL;
	if (blob == NULL)
		return wxf_err_set(err, WXF_ECORRUPT, "fileID %.60s is not 40 hex digits", file_id);
	if (!wxf_is_file(blob)) {
		rc = wxf_err_set(err, WXF_ENOTFOUND, "%.2s/%s: not in the backup", file_id, file_id);
		free(blob);
		return rc;
	}
	memset(&f, 0, sizeof(f));
	if (rec != NULL && rec_n > 0 && record_parse(b, rec, rec_n, &f, err) != WXF_OK) {
		if (b->unlocked) {
			free(blob);
			return wxf_err_wrap(err, WXF_ECORRUPT, "file record");
		}
		memset(&f, 0, sizeof(f));
	}
	if (!b->unlocked) {
		rc = copy_file(blob, out_path, f.have_size ? f.size : UINT64_MAX, written, err);
		if (rc == WXF_OK && f.have_size && *written != f.size && note != NULL)
			*note = wxf_xasprintf("record says %llu bytes, the backup file holds %llu",
			    (unsigned long long)f.size, (unsigned long long)*written);
		free(blob);
		return rc;
	}
	if (f.enckey_len == 0) {
		free(blob);
		return wxf_err_set(err, WXF_ECORRUPT, "file record without an EncryptionKey");
	}
	if ((rc = wxf_itunes_unwrap_key(&b->kb, f.enckey, f.enckey_len, (uint32_t)f.prot, key,
	    err)) != WXF_OK) {
		free(blob);
		return rc;
	}
	rc = decrypt_file(key, blob, out_path, f.have_size ? f.size : UINT64_MAX, written, &pad_ok,
	    err);
	OPENSSL_cleanse(key, sizeof(key));
	if (rc == WXF_OK && note != NULL) {
		if (f.have_size && *written != f.size)
			*note = wxf_xasprintf("record says %llu bytes, %llu decrypted",
			    (unsigned long long)f.size, (unsigned long long)*written);
		else if (!f.have_size && !pad_ok)
			*note = wxf_xstrdup("no size in the record and no valid padding");
	}
	free(blob);
	return rc;
}
