/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The independent witness: the SQLCipher library opens the original with the same key and
 * settings, and its per-table row counts must equal those of our plaintext image.
 *
 * Both files (with their -wal/-journal) are first copied into a private temporary directory:
 * SQLite may write a -shm, roll back a hot journal or checkpoint a WAL when it opens a
 * database, and neither the evidence nor our image may change.
 *
 * SQLCipher 3.4.1 (Debian 12) silently ignores the SQLCipher 4 pragmas (cipher_kdf_algorithm,
 * cipher_hmac_algorithm, cipher_compatibility): for the SHA-512 profiles the cross-check is
 * "not available" unless the library is 4.x or newer.
 */
#include "config.h"
#include "decrypt/decrypt_int.h"
#include "base/wxf_buf.h"
#include "base/wxf_file.h"
#include "base/wxf_hash.h"
#include "base/wxf_mem.h"

#define SQLITE_HAS_CODEC 1
#include <sqlcipher/sqlite3.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct tcount {
	char *name;
	long long n;
};

static int
copy_file(const char *from, const char *to, wxf_err *err)
{
	wxf_map m;
	int rc = wxf_map_open(&m, from, err);

	if (rc != WXF_OK)
		return rc;
	rc = wxf_file_write(to, m.data ? m.data : (const uint8_t *)"", m.size, err);
	wxf_map_close(&m);
	return rc;
}

static int
copy_set(const char *from, const char *to, wxf_err *err)
{
	static const char *const sfx[] = { "", "-wal", "-journal" };
	size_t i;
	int rc = WXF_OK;

	for (i = 0; i < 3 && rc == WXF_OK; i++) {
		char *a = wxf_xasprintf("%s%s", from, sfx[i]);
		char *b = wxf_xasprintf("%s%s", to, sfx[i]);

		if (i == 0 || wxf_is_file(a))
			rc = copy_file(a, b, err);
		free(a);
		free(b);
	}
	return rc;
}

static void
remove_set(const char *path)
{
	static const char *const sfx[] = { "", "-wal", "-journal", "-shm" };
	size_t i;

	for (i = 0; i < 4; i++) {
		char *a = wxf_xasprintf("%s%s", path, sfx[i]);

		unlink(a);
		free(a);
	}
}

static void
free_counts(struct tcount *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(t[i].name);
	free(t);
}

/* Table names (not virtual tables: their shadow tables are counted) and row counts. */
static int
count_rows(sqlite3 *db, struct tcount **out, size_t *n_out, char *why, size_t why_n)
{
	sqlite3_stmt *st = NULL;
	struct tcount *t = NULL;
	size_t n = 0, cap = 0, i;
	int rc;

	*out = NULL;
	*n_out = 0;
	rc = sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type='table' AND "
	    "coalesce(sql,'') NOT LIKE 'CREATE VIRTUAL%' ORDER BY name", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		snprintf(why, why_n, "%s", sqlite3_errmsg(db));
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *nm = (const char *)sqlite3_column_text(st, 0);

		wxf_xgrow((void **)&t, &cap, n + 1, sizeof(*t));
		t[n].name = wxf_xstrdup(nm ? nm : "");
		t[n].n = -1;
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		snprintf(why, why_n, "%s", sqlite3_errmsg(db));
		free_counts(t, n);
		return -1;
	}
	for (i = 0; i < n; i++) {
		wxf_buf q;
		const char *s;

		wxf_buf_init(&q);
		wxf_buf_puts(&q, "SELECT count(*) FROM \"");
		for (s = t[i].name; *s; s++) {
			if (*s == '"')
				wxf_buf_putc(&q, '"');
			wxf_buf_putc(&q, *s);
		}
		wxf_buf_putc(&q, '"');
		if (sqlite3_prepare_v2(db, q.p, -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			t[i].n = sqlite3_column_int64(st, 0);
		else
			snprintf(why, why_n, "table %s: %s", t[i].name, sqlite3_errmsg(db));
		sqlite3_finalize(st);
		st = NULL;
		wxf_buf_free(&q);
	}
	*out = t;
	*n_out = n;
	return 0;
}

static void
group_digits(unsigned long long v, char *out, size_t n)
{
	char tmp[32];
	size_t len, i, o = 0;

	snprintf(tmp, sizeof(tmp), "%llu", v);
	len = strlen(tmp);
	for (i = 0; i < len && o + 2 < n; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			out[o++] = ' ';
		out[o++] = tmp[i];
	}
	out[o] = '\0';
}

static int
exec_pragma(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static int
lib_version(char *out, size_t n)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int major = 0;

	snprintf(out, n, "unknown");
	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_prepare_v2(db, "PRAGMA cipher_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL) {
		snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
		major = atoi(out);
	}
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return major;
}

int
wxf_crosscheck_run(const char *enc_path, const char *plain_path, const wxf_profile *p,
    const wxf_key *k, wxf_crosscheck *x, wxf_err *err)
{
	char tmpl[4096], *enc_copy = NULL, *plain_copy = NULL, rows[48], why[512] = "";
	const char *tmpdir = getenv("TMPDIR");
	sqlite3 *edb = NULL, *pdb = NULL;
	struct tcount *et = NULL, *pt = NULL;
	size_t ne = 0, np = 0, i;
	unsigned long long total = 0;
	int major, rc = WXF_OK;

	memset(x, 0, sizeof(*x));
	major = lib_version(x->lib_version, sizeof(x->lib_version));
	if ((p->hmac == WXF_HMAC_SHA512 || p->kdf == WXF_KDF_PBKDF2_SHA512) && major < 4) {
		x->status = WXF_XCHECK_UNAVAILABLE;
		snprintf(x->detail, sizeof(x->detail), "profile %s uses PBKDF2/HMAC-SHA512, which "
		    "SQLCipher %s cannot do (needs 4.0 or later)", p->name, x->lib_version);
		snprintf(x->sentence, sizeof(x->sentence), "no independent engine available for "
		    "profile %s (installed SQLCipher %s supports SHA-1 profiles only)", p->name,
		    x->lib_version);
		return WXF_OK;
	}
	snprintf(tmpl, sizeof(tmpl), "%s/wxf-xcheck-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (mkdtemp(tmpl) == NULL)
		return wxf_err_set(err, WXF_EIO, "cross-check: cannot create a temporary directory: %s",
		    strerror(errno));
	enc_copy = wxf_path_join(tmpl, "original.db");
	plain_copy = wxf_path_join(tmpl, "plain.db");
	if ((rc = copy_set(enc_path, enc_copy, err)) != WXF_OK ||
	    (rc = copy_set(plain_path, plain_copy, err)) != WXF_OK)
		goto out;

	if (sqlite3_open_v2(enc_copy, &edb, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		snprintf(why, sizeof(why), "cannot open the original copy");
		goto fail;
	}
	if (k->form == WXF_KEY_RAW || p->kdf == WXF_KDF_NONE) {
		char hex[70];

		hex[0] = 'x';
		hex[1] = '\'';
		wxf_hex(k->bytes, k->len, hex + 2);
		strcat(hex, "'");
		sqlite3_key(edb, hex, (int)strlen(hex));
		OPENSSL_cleanse(hex, sizeof(hex));
	} else
		sqlite3_key(edb, k->bytes, (int)k->len);
	{
		char sql[256];

		if (major >= 4) {
			snprintf(sql, sizeof(sql), "PRAGMA cipher_compatibility=%d",
			    p->hmac == WXF_HMAC_SHA512 ? 4 : p->hmac == WXF_HMAC_NONE ? 1 : 3);
			exec_pragma(edb, sql);
		}
		snprintf(sql, sizeof(sql), "PRAGMA cipher_page_size=%u", (unsigned)p->page_size);
		exec_pragma(edb, sql);
		if (p->kdf != WXF_KDF_NONE) {
			snprintf(sql, sizeof(sql), "PRAGMA kdf_iter=%u", (unsigned)p->kdf_iter);
			exec_pragma(edb, sql);
		}
		if (p->hmac == WXF_HMAC_NONE)
			exec_pragma(edb, "PRAGMA cipher_use_hmac=OFF");
		else {
			if (p->hmac_pgno_be)
				exec_pragma(edb, "PRAGMA cipher_hmac_pgno=be");
			if (p->hmac_kdf_iter != 2) {
				snprintf(sql, sizeof(sql), "PRAGMA fast_kdf_iter=%u",
				    (unsigned)p->hmac_kdf_iter);
				exec_pragma(edb, sql);
			}
			if (p->hmac_salt_mask != 0x3a) {
				snprintf(sql, sizeof(sql), "PRAGMA cipher_hmac_salt_mask=\"x'%02x'\"",
				    p->hmac_salt_mask);
				exec_pragma(edb, sql);
			}
		}
	}
	if (count_rows(edb, &et, &ne, why, sizeof(why)) != 0)
		goto fail;
	if (sqlite3_open_v2(plain_copy, &pdb, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    count_rows(pdb, &pt, &np, why, sizeof(why)) != 0) {
		if (!why[0])
			snprintf(why, sizeof(why), "cannot open the plaintext image copy");
		goto fail;
	}
	x->n_tables = (uint32_t)ne;
	if (ne != np) {
		x->status = WXF_XCHECK_DISAGREES;
		snprintf(x->detail, sizeof(x->detail), "SQLCipher sees %zu tables, the plaintext image "
		    "%zu", ne, np);
	}
	for (i = 0; i < ne && x->status == WXF_XCHECK_AGREES; i++) {
		if (strcmp(et[i].name, pt[i].name) != 0) {
			x->status = WXF_XCHECK_DISAGREES;
			snprintf(x->detail, sizeof(x->detail), "table list differs at '%s' / '%s'",
			    et[i].name, pt[i].name);
		} else if (et[i].n < 0 || et[i].n != pt[i].n) {
			x->status = WXF_XCHECK_DISAGREES;
			snprintf(x->detail, sizeof(x->detail), "table %s: SQLCipher counts %lld rows, the "
			    "plaintext image %lld%s%s", et[i].name, et[i].n, pt[i].n, why[0] ? ": " : "",
			    why);
		} else
			total += (unsigned long long)et[i].n;
	}
	x->n_rows = total;
	group_digits(total, rows, sizeof(rows));
	if (x->status == WXF_XCHECK_AGREES) {
		snprintf(x->sentence, sizeof(x->sentence), "SQLCipher %s agrees: %u tables, %s rows",
		    x->lib_version, (unsigned)x->n_tables, rows);
	} else {
		snprintf(x->sentence, sizeof(x->sentence), "SQLCipher %.40s DISAGREES: %.300s", x->lib_version,
		    x->detail);
		rc = wxf_err_set(err, WXF_EVERIFY, "cross-check failed: %s", x->detail);
	}
	goto out;
fail:
	x->status = WXF_XCHECK_ERROR;
	snprintf(x->detail, sizeof(x->detail), "%s", why[0] ? why : "unknown error");
	snprintf(x->sentence, sizeof(x->sentence), "SQLCipher %.40s could not read the original "
	    "with this key and profile: %.250s", x->lib_version, x->detail);
	rc = wxf_err_set(err, WXF_EVERIFY, "cross-check failed: %s", x->sentence);
out:
	sqlite3_close(edb);
	sqlite3_close(pdb);
	free_counts(et, ne);
	free_counts(pt, np);
	if (enc_copy)
		remove_set(enc_copy);
	if (plain_copy)
		remove_set(plain_copy);
	rmdir(tmpl);
	free(enc_copy);
	free(plain_copy);
	return rc;
}
