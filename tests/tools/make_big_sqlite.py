#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Sparse SQLite databases larger than 4 GB, for tests/cli/test_large_files.sh.

usage: make_big_sqlite.py DIR

The sqlite3 command-line shell writes a small database (page size 4096, 80 reserved bytes, the
SQLCipher 4 layout): a table `big` with live rows and deleted ones (secure_delete off, so the
deleted records stay in freeblocks of the leaf page).  Its schema is then pointed, by sqlite3
itself (PRAGMA writable_schema), at root page ROOT = 2^20 + 300, whose byte offset is beyond
2^32; this script writes only page 1 and that page into a sparse file of ROOT pages (seek, no
data between), with the header's page count set to ROOT.  Python's sqlite3 module then reads
the live rows back from the big file (the file is a valid database).  An encrypted twin is
written the same way, its two real pages encrypted with SQLCipher 4 parameters (PBKDF2-HMAC-
SHA512 256000 iterations, AES-256-CBC, HMAC-SHA512 over page and page number), as
fixtures/decrypt/gen/gen_wx4.py does; the holes between stay zero, as in a sparse copy.

Writes DIR/plain.db, DIR/cipher.db and DIR/truth.txt (key, ROOT, rows; one per line).  Exits
77 when the filesystem does not keep the file sparse (the test skips then).
"""
import hashlib, hmac, os, sqlite3, subprocess, sys
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE, RESERVE, ITER = 4096, 80, 256000
ROOT = (1 << 20) + 300
LIVE = ["live row %d LARGE-LIVE-%04d" % (i, i) for i in range(1, 11)]
GONE = ["deleted row %d LARGE-GONE-%04d, with enough text to stay readable" % (i, i)
        for i in range(1, 4)]


def keys(passphrase, salt):
    enc = hashlib.pbkdf2_hmac("sha512", passphrase, salt, ITER, 32)
    mac = hashlib.pbkdf2_hmac("sha512", enc, bytes(b ^ 0x3A for b in salt), 2, 32)
    return enc, mac


def enc_page(plain, pgno, enc, mac, salt):
    off = 16 if pgno == 1 else 0
    n = PAGE - RESERVE
    iv = os.urandom(16)
    e = Cipher(algorithms.AES(enc), modes.CBC(iv)).encryptor()
    body = e.update(plain[off:n]) + e.finalize() + iv
    tag = hmac.new(mac, body + pgno.to_bytes(4, "little"), hashlib.sha512).digest()
    page = (salt if pgno == 1 else b"") + body + tag
    return page + bytes(PAGE - len(page))


def write_sparse(path, pages):
    with open(path, "wb") as f:
        f.truncate(ROOT * PAGE)
        for pgno, data in pages:
            f.seek((pgno - 1) * PAGE)
            f.write(data)
    st = os.stat(path)
    return st.st_blocks * 512 < st.st_size // 4


def main():
    d = sys.argv[1]
    small = os.path.join(d, "small.db")
    sql = ["PRAGMA page_size=4096;", ".filectrl reserve_bytes 80", "PRAGMA secure_delete=OFF;",
           "PRAGMA journal_mode=DELETE;",
           "CREATE TABLE big(id INTEGER PRIMARY KEY, body TEXT);", "BEGIN;"]
    for i, t in enumerate(GONE + LIVE):
        sql.append("INSERT INTO big VALUES(%d, '%s');" % (i + 1, t))
    sql += ["COMMIT;", "DELETE FROM big WHERE body LIKE 'deleted%';",
            "PRAGMA writable_schema=ON;",
            "UPDATE sqlite_master SET rootpage=%d WHERE name='big';" % ROOT,
            "PRAGMA writable_schema=OFF;"]
    subprocess.run(["sqlite3", small], input="\n".join(sql) + "\n", text=True, check=True,
                   stdout=subprocess.DEVNULL)
    data = open(small, "rb").read()
    os.unlink(small)
    if data[20] != RESERVE or len(data) < 2 * PAGE:
        raise SystemExit("sqlite3 did not write the expected layout")
    p1, leaf = bytearray(data[:PAGE]), data[PAGE:2 * PAGE]
    if leaf[0] != 0x0D:
        raise SystemExit("page 2 is not the table's leaf")
    # header: page count ROOT, valid for the current change counter
    p1[28:32] = ROOT.to_bytes(4, "big")
    p1[92:96] = p1[24:28]
    p1 = bytes(p1)
    plain = os.path.join(d, "plain.db")
    if not write_sparse(plain, [(1, p1), (ROOT, leaf)]):
        os.unlink(plain)
        print("the filesystem of %s does not keep files sparse" % d)
        sys.exit(77)
    c = sqlite3.connect("file:%s?mode=ro" % plain, uri=True)
    got = [r[0] for r in c.execute("SELECT body FROM big ORDER BY id")]
    c.close()
    if got != LIVE:
        raise SystemExit("sqlite3 reads %r from the big file" % got[:3])
    raw = hashlib.sha256(b"wxforensic large-file test key").digest()
    salt = os.urandom(16)
    enc, mac = keys(raw, salt)
    cipher = os.path.join(d, "cipher.db")
    write_sparse(cipher, [(1, enc_page(p1, 1, enc, mac, salt)),
                          (ROOT, enc_page(leaf, ROOT, enc, mac, salt))])
    with open(os.path.join(d, "truth.txt"), "w") as t:
        t.write("key %s\nroot %d\npage_size %d\nsize %d\n" % (raw.hex(), ROOT, PAGE, ROOT * PAGE))
        for s in LIVE:
            t.write("live %s\n" % s.split()[-1])
        for s in GONE:
            t.write("gone %s\n" % s.split()[3].rstrip(","))


if __name__ == "__main__":
    main()
