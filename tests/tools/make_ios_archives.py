#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Packs the iPhone full-file-system fixture (fixtures/ios/ffs) into the archives `case` reads
like the folder: ffs.tar (POSIX tar), ffs.tar.gz and ffs.zip, made with Python's tarfile,
gzip and zipfile, independently of wxforensic.  Members carry fixed times and owners and come
in a fixed order, so the same tree always gives the same archive; folders are members too, and
each archive adds one symbolic link inside WeChat's container (it must not be created).

Also writes hostile.tar and hostile.zip: WeChat's container with members named "../x",
"/abs/x", "a/../../x", a symbolic link pointing out of the container and a hard link, and
bomb.zip: WeChat's metadata plist plus one member of BOMB_MB MiB of zeros (about 1000 times
smaller compressed).  And other.zip: another app's container only.

Usage: make_ios_archives.py FFS_DIR OUT_DIR [BOMB_MB]
"""
import gzip, io, os, shutil, sys, tarfile, zipfile

ffs, out = sys.argv[1], sys.argv[2]
bomb_mb = int(sys.argv[3]) if len(sys.argv) > 3 else 8
T = 1760000000
APP = "private/var/mobile/Containers/Data/Application/6B1F2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D"
MCM = ".com.apple.mobile_container_manager.metadata.plist"
os.makedirs(out, exist_ok=True)


def walk():
    for root, dirs, files in os.walk(ffs):
        dirs.sort()
        rel = os.path.relpath(root, ffs)
        if rel != ".":
            yield rel, None
        for f in sorted(files):
            yield os.path.normpath(os.path.join(rel, f)), os.path.join(root, f)


def fixed(ti):
    ti.mtime, ti.uid, ti.gid, ti.uname, ti.gname = T, 501, 501, "mobile", "mobile"
    return ti


def tar_bytes(extra):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for rel, src in walk():
            t.add(src if src else os.path.join(ffs, rel), arcname=rel, recursive=False, filter=fixed)
        for ti, data in extra:
            t.addfile(fixed(ti), io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def link(name, target, kind=tarfile.SYMTYPE):
    ti = tarfile.TarInfo(name)
    ti.type, ti.linkname = kind, target
    return ti, None


def reg(name, data):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    return ti, data


plain = tar_bytes([link(APP + "/Library/latest", "/var/mobile/Library/Caches")])
open(os.path.join(out, "ffs.tar"), "wb").write(plain)
with open(os.path.join(out, "ffs.tar.gz"), "wb") as f:
    f.write(gzip.compress(plain, mtime=0))


def zip_write(path, entries):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data, attr in entries:
            zi = zipfile.ZipInfo(name, date_time=(2025, 10, 9, 8, 53, 20))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = attr << 16
            z.writestr(zi, data)


ents = []
for rel, src in walk():
    if src is None:
        ents.append((rel + "/", b"", 0o40755))
    else:
        ents.append((rel, open(src, "rb").read(), 0o100644))
ents.append((APP + "/Library/latest", b"/var/mobile/Library/Caches", 0o120777))
zip_write(os.path.join(out, "ffs.zip"), ents)

# hostile: unsafe names and links inside WeChat's container, next to the real tree
bad = [reg("../escape-dotdot.txt", b"x"), reg("/abs/escape-abs.txt", b"x"),
       reg(APP + "/Documents/../../../../../../escape-deep.txt", b"x"),
       link(APP + "/Documents/evil-link", "/etc/passwd"),
       link(APP + "/Documents/hard-link", APP + "/Documents/LoginInfo2.dat", tarfile.LNKTYPE)]
open(os.path.join(out, "hostile.tar"), "wb").write(tar_bytes(bad))
zbad = ents + [("../escape-dotdot.txt", b"x", 0o100644), ("/abs/escape-abs.txt", b"x", 0o100644),
               (APP + "/Documents/../../../../../../escape-deep.txt", b"x", 0o100644),
               (APP + "/Documents/evil-link", b"/etc/passwd", 0o120777)]
zip_write(os.path.join(out, "hostile.zip"), zbad)

# a decompression bomb inside WeChat's container (the metadata plist makes it WeChat's)
mcm = open(os.path.join(ffs, APP, MCM), "rb").read()
with zipfile.ZipFile(os.path.join(out, "bomb.zip"), "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.writestr(zipfile.ZipInfo(APP + "/" + MCM, date_time=(2025, 1, 1, 0, 0, 0)), mcm)
    zi = zipfile.ZipInfo(APP + "/Documents/zeros.bin", date_time=(2025, 1, 1, 0, 0, 0))
    zi.compress_type = zipfile.ZIP_DEFLATED
    with z.open(zi, "w", force_zip64=True) as f:
        block = b"\0" * (1 << 20)
        for _ in range(bomb_mb):
            f.write(block)

# another app's container only
other = "private/var/mobile/Containers/Data/Application/11111111-2222-4333-8444-555555555555"
zip_write(os.path.join(out, "other.zip"),
          [(e[0], e[1], e[2]) for e in ents if e[0].startswith(other)])
print("archives written to", out)
