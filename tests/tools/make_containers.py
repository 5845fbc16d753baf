#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Wraps an Android app folder (data/data/com.tencent.mm) into the device containers that
`case` unpacks: a plain .ab (zlib), a MIUI .bak (uncompressed .ab inside) and a password-encrypted
.ab (AES-256, password ab-pass-2026, 10,000 PBKDF2 rounds).  Made with Python's standard library
and `cryptography`, independently of wxforensic.  Usage: make_containers.py APP_DIR OUT_DIR
"""
import hashlib, io, os, sys, tarfile, zlib
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives import padding
app, d = sys.argv[1], sys.argv[2]
def fixed(ti):
    # members carry fixed times and owners, so the same folder always gives the same container
    ti.mtime, ti.uid, ti.gid, ti.uname, ti.gname = 1700000000, 10123, 10123, "u0_a123", "u0_a123"
    return ti
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
    for root, dirs, files in os.walk(app):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(root, f); rel = os.path.relpath(p, app)
            arc = ("sp/" + rel[len("shared_prefs/"):]) if rel.startswith("shared_prefs/") else "r/" + rel
            t.add(p, arcname="apps/com.tencent.mm/" + arc, filter=fixed)
tar = buf.getvalue()
open(d + "/plain.ab", "wb").write(b"ANDROID BACKUP\n5\n1\nnone\n" + zlib.compress(tar))
open(d + "/miui.bak", "wb").write("MIUI BACKUP\n2\ncom.tencent.mm 微信\n-1\n0\n".encode() + b"ANDROID BACKUP\n5\n0\nnone\n" + tar)
def enc(key, iv, data):
    p = padding.PKCS7(128).padder(); data = p.update(data) + p.finalize()
    e = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor(); return e.update(data) + e.finalize()
def jutf8(b): return b"".join(bytes([x]) if x < 0x80 else chr(0xFF00 | x).encode() for x in b)
r = hashlib.sha512(b"case containers fixture").digest() * 4
us, cs, uiv, mk, miv = r[:64], r[64:128], r[128:144], r[144:176], r[176:192]
uk = hashlib.pbkdf2_hmac("sha1", b"ab-pass-2026", us, 10000, 32)
ck = hashlib.pbkdf2_hmac("sha1", jutf8(mk), cs, 10000, 32)
blob = bytes([16]) + miv + bytes([32]) + mk + bytes([32]) + ck
hdr = b"ANDROID BACKUP\n5\n1\nAES-256\n" + us.hex().upper().encode() + b"\n" + cs.hex().upper().encode() + \
      b"\n10000\n" + uiv.hex().upper().encode() + b"\n" + enc(uk, uiv, blob).hex().upper().encode() + b"\n"
os.makedirs(d + "/enc"); open(d + "/enc/encrypted.ab", "wb").write(hdr + enc(mk, miv, zlib.compress(tar)))
