#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Seeds for the small-image fuzz targets (sqlite_pages, freelist_pages, carve_pages): databases
with 512-byte pages and the schema of tests/fuzz/small_image.h, made with Python's sqlite3, cut
to the harness's input form (freelist trunk, freelist count, reserved bytes, then pages 2..5).

  small_seeds.py OUTDIR    writes live.bin (live rows, two deleted ones left in freeblocks),
                           overflow.bin (a row spilling to an overflow page, then deleted) and
                           freelist.bin (rows of a dropped table on freelist pages)
"""
import os
import sqlite3
import sys
import tempfile

SCHEMA = "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c INTEGER, d BLOB, e REAL)"
INDEX = "CREATE INDEX ti ON t(c)"


def make(path, body):
    con = sqlite3.connect(path)
    con.execute("PRAGMA page_size=512")
    con.execute("PRAGMA secure_delete=0")
    con.execute("PRAGMA auto_vacuum=0")
    con.execute(SCHEMA)
    con.execute(INDEX)
    body(con)
    con.commit()
    con.close()
    data = open(path, "rb").read()
    trunk = int.from_bytes(data[32:36], "big")
    count = int.from_bytes(data[36:40], "big")
    return bytes([trunk, count, data[20]]) + data[512:512 * 5]


def live(con):
    for i in range(1, 9):
        con.execute("INSERT INTO t VALUES(?,?,?,?,?)", (i, "msg %d" % i, i * 7, bytes([i]) * 3, i / 4))
    con.commit()
    con.execute("DELETE FROM t WHERE a IN (3, 6)")


def overflow(con):
    con.execute("INSERT INTO t VALUES(1,'short',1,NULL,0.5)")
    con.execute("INSERT INTO t VALUES(2,?,2,?,1.5)", ("x" * 700, b"\x01" * 40))
    con.commit()
    con.execute("DELETE FROM t WHERE a = 2")


def freelist(con):
    con.execute("INSERT INTO t VALUES(1,'kept',1,NULL,0.0)")
    con.execute("CREATE TABLE gone(x TEXT)")
    for i in range(6):
        con.execute("INSERT INTO gone VALUES(?)", ("dropped row %d " % i * 4,))
    con.commit()
    con.execute("DROP TABLE gone")


def main():
    out = sys.argv[1]
    with tempfile.TemporaryDirectory() as d:
        for name, body in (("live", live), ("overflow", overflow), ("freelist", freelist)):
            seed = make(os.path.join(d, name + ".db"), body)
            with open(os.path.join(out, name + ".bin"), "wb") as f:
                f.write(seed)


if __name__ == "__main__":
    main()
