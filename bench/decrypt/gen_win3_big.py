#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Makes a large win3-profile database for the decryption benchmark, with independent tools:
the sqlite3 CLI writes a plaintext database (page 4096, reserve 48), Python's hashlib and
`cryptography` encrypt it page by page as WeChat Windows 3.x / SQLCipher 3 do.
usage: gen_win3_big.py OUT.db MEGABYTES   (prints the 32-byte key in hex)"""
import hashlib, hmac, os, subprocess, sys
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE, RESERVE = 4096, 48
out, mb = sys.argv[1], int(sys.argv[2])
plain = out + ".plain-src"
rows = mb * 1024 * 1024 // 1100
if os.path.exists(plain):
    os.unlink(plain)
sql = ("PRAGMA page_size=4096;\n.filectrl reserve_bytes 48\nPRAGMA journal_mode=OFF;\n"
       "PRAGMA synchronous=OFF;\nCREATE TABLE MSG(localId INTEGER PRIMARY KEY, StrContent TEXT, b BLOB);\n"
       "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < %d) "
       "INSERT INTO MSG SELECT i, 'message ' || i, randomblob(1000) FROM c;\n" % rows)
subprocess.run(["sqlite3", plain], input=sql, text=True, check=True, stdout=subprocess.DEVNULL)
raw = hashlib.sha256(b"wxforensic bench key").digest()
salt = os.urandom(16)
enc = hashlib.pbkdf2_hmac("sha1", raw, salt, 64000, 32)
mac = hashlib.pbkdf2_hmac("sha1", enc, bytes(b ^ 0x3A for b in salt), 2, 32)
n = PAGE - RESERVE
with open(plain, "rb") as f, open(out, "wb") as o:
    i = 0
    while True:
        p = f.read(PAGE)
        if len(p) < PAGE:
            break
        i += 1
        off = 16 if i == 1 else 0
        iv = os.urandom(16)
        e = Cipher(algorithms.AES(enc), modes.CBC(iv)).encryptor()
        body = e.update(p[off:n]) + e.finalize() + iv
        tag = hmac.new(mac, body + i.to_bytes(4, "little"), hashlib.sha1).digest()
        o.write((salt if i == 1 else b"") + body + tag + bytes(RESERVE - 16 - 20))
os.unlink(plain)
print(raw.hex())
