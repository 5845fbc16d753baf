#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Seeds for the small-image fuzz targets (sqlite_pages, freelist_pages, carve_pages): databases
with 512-byte pages and the schema of tests/fuzz/small_image.h, made with Python's sqlite3, cut
to the harness's input form (freelist trunk, freelist count, reserved bytes, then pages 2..5).

  small_seeds.py OUTDIR    writes live.bin (live rows, two deleted ones left in freeblocks),
                           overflow.bin (a row spilling to an overflow page, then deleted) and
                           freelist.bin (rows of a dropped table on freelist pages)
  small_seeds.py --cells OUTDIR
                           writes the one-record seeds of carve_cell: every cell of the live
                           database's table leaf (flags 0) and index leaf (flags 1), and every
                           freeblock of its table leaf as a freed cell (flags 4: the clobbered
                           reader), each followed by the rest of its page
"""
import os
import sqlite3
import sys
import tempfile

SCHEMA = "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c INTEGER, d BLOB, e REAL)"
INDEX = "CREATE INDEX ti ON t(c)"


def make_db(path, body):
    con = sqlite3.connect(path)
    con.execute("PRAGMA page_size=512")
    con.execute("PRAGMA secure_delete=0")
    con.execute("PRAGMA auto_vacuum=0")
    con.execute(SCHEMA)
    con.execute(INDEX)
    body(con)
    con.commit()
    con.close()
    return open(path, "rb").read()


def make(path, body):
    data = make_db(path, body)
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


def page_cells(page, hdr):
    """Cell offsets of a b-tree page (hdr: its header's offset in the page)."""
    n = int.from_bytes(page[hdr + 3:hdr + 5], "big")
    return [int.from_bytes(page[hdr + 8 + 2 * i:hdr + 10 + 2 * i], "big") for i in range(n)]


def freeblocks(page, hdr):
    """Freeblock offsets and sizes of a b-tree page."""
    out, off = [], int.from_bytes(page[hdr + 1:hdr + 3], "big")
    while off != 0 and len(out) < 64:
        out.append((off, int.from_bytes(page[off + 2:off + 4], "big")))
        off = int.from_bytes(page[off:off + 2], "big")
    return out


def cells(out):
    with tempfile.TemporaryDirectory() as d:
        data = make_db(os.path.join(d, "cells.db"), live)
    table, index = data[512:1024], data[1024:1536]
    assert table[0] == 0x0D and index[0] == 0x0A, "the live database's leaves moved"
    seeds = [("cell-%d.bin" % i, bytes([0, 0]) + table[o:]) for i, o in enumerate(page_cells(table, 0))]
    seeds += [("index-%d.bin" % i, bytes([1, 0]) + index[o:]) for i, o in enumerate(page_cells(index, 0))]
    seeds += [("freed-%d.bin" % i, bytes([4 | 8, min(sz, 255)]) + table[o:])
              for i, (o, sz) in enumerate(freeblocks(table, 0))]
    for name, seed in seeds:
        with open(os.path.join(out, name), "wb") as f:
            f.write(seed)


def main():
    if sys.argv[1] == "--cells":
        cells(sys.argv[2])
        return
    out = sys.argv[1]
    with tempfile.TemporaryDirectory() as d:
        for name, body in (("live", live), ("overflow", overflow), ("freelist", freelist)):
            seed = make(os.path.join(d, name + ".db"), body)
            with open(os.path.join(out, name + ".bin"), "wb") as f:
                f.write(seed)


if __name__ == "__main__":
    main()
