#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generates the carve speed benchmark database: a ~110 MB plaintext WeChat-like message table,
600k rows of Chinese text, then 30% deleted (a contiguous block of 10% and 20% scattered) with
secure_delete OFF.  usage: gen_speed.py OUT.db [rows]"""
import os, random, sqlite3, sys

out = sys.argv[1]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 600000
rnd = random.Random(110)
ZH = "你好微信转账收款红包已领取明天见谢谢老板发货了吗多少钱可以便宜一点吗好的没问题今天晚上快递单号地址电话"
if os.path.exists(out):
    os.unlink(out)
con = sqlite3.connect(out)
con.executescript("PRAGMA page_size=4096; PRAGMA secure_delete=OFF; PRAGMA journal_mode=OFF;"
                  "PRAGMA synchronous=OFF;"
                  "CREATE TABLE message (msgId INTEGER PRIMARY KEY, msgSvrId INTEGER, type INT, "
                  "status INT, isSend INT, createTime INTEGER, talker TEXT, content TEXT, imgPath TEXT);"
                  "CREATE INDEX messageSvrIdIndex ON message(msgSvrId);")


def gen():
    for i in range(1, rows + 1):
        yield (i, 7000000000000000000 + i * 104729, rnd.choice((1, 1, 1, 3, 49)), 3, rnd.randint(0, 1),
               1600000000000 + i * 1000, "wxid_%06d" % rnd.randint(0, 500),
               "".join(rnd.choice(ZH) for _ in range(rnd.randint(20, 60))), None)


con.executemany("INSERT INTO message VALUES (?,?,?,?,?,?,?,?,?)", gen())
con.commit()
con.execute("DELETE FROM message WHERE msgId BETWEEN ? AND ?", (rows // 3, rows // 3 + rows // 10))
con.execute("DELETE FROM message WHERE msgId % 5 = 2")
con.commit()
con.close()
print(out, os.path.getsize(out), "bytes")
