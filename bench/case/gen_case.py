#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generates a heavy user's Android extraction for `make bench-case`: an encrypted EnMicroMsg.db
with N messages over ~2,000 conversations (texts, pictures without files, transfers), ~5 % of
the messages deleted afterwards with secure_delete OFF, in the folder layout of a real
extraction.  Independent of wxforensic: Python's sqlite3 builds the plaintext database with the
schema of fixtures/gen/make_android.py, the `sqlcipher` shell (SQLCipher 3.x, WeChat-Android
settings: PBKDF2-HMAC-SHA1 4000, page 1024, no HMAC) encrypts it and deletes the rows.

usage: gen_case.py OUTDIR N [STEP [CONVS]]
                                writes OUTDIR/data/data/com.tencent.mm/..., prints the key;
                                STEP: seconds between messages (default 30), CONVS: conversations
                                (default 2000, at least 200: the last 100 are groups)
Everything is invented; the same N gives the same rows (only SQLCipher's salt and IVs differ).
"""
import hashlib
import importlib.util
import os
import random
import shutil
import sqlite3
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "make_android", os.path.join(HERE, "..", "..", "fixtures", "gen", "make_android.py"))
ma = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ma)

UIN = 1122334455
IMEI = "865512345678901"
OWNER = "wxid_benchowner"
KEY = hashlib.md5((IMEI + str(UIN)).encode()).hexdigest()[:7]
ZH = ("你好微信转账收款红包已领取明天见谢谢老板发货了吗多少钱可以便宜一点吗好的没问题今天晚上快递单号"
      "地址电话原单专柜正品代购香港包包到了吗已经发出款式颜色尺码退款")


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    step = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    n_conv = max(200, int(sys.argv[4])) if len(sys.argv) > 4 else 2000
    rnd = random.Random(20261206 + n)
    acct = hashlib.md5(("mm%d" % UIN).encode()).hexdigest()
    mm = os.path.join(out, "data", "data", "com.tencent.mm")
    adir = os.path.join(mm, "MicroMsg", acct)
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(adir)
    os.makedirs(os.path.join(mm, "shared_prefs"))
    with open(os.path.join(mm, "shared_prefs", "system_config_prefs.xml"), "w") as f:
        f.write("<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n"
                "    <int name=\"default_uin\" value=\"%d\" />\n</map>\n" % UIN)
    plain = os.path.join(out, "plain.db")
    con = sqlite3.connect(plain)
    con.executescript("PRAGMA page_size=1024; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;")
    con.executescript(ma.SCHEMA)
    peers = ["wxid_peer%05d" % i for i in range(n_conv - 100)] + \
        ["%d@chatroom" % (20000000000 + i) for i in range(100)]
    con.executemany("INSERT INTO rcontact (username, alias, nickname, type) VALUES (?,?,?,?)",
                    [(p, "alias_%d" % i, "联系人%d" % i, 3) for i, p in enumerate(peers)])
    con.executemany("INSERT INTO userinfo (id, type, value) VALUES (?,?,?)",
                    [(2, 3, OWNER), (4, 3, "测试用户"), (42, 3, "bench_owner")])
    cols = ("msgId", "msgSvrId", "type", "status", "isSend", "createTime", "talker", "content",
            "imgPath", "talkerId")
    t0 = 1735660800000  # 2025-01-01T00:00:00+08:00

    def rows():
        for i in range(1, n + 1):
            c = rnd.randrange(n_conv)
            talker = peers[c]
            is_send = rnd.randint(0, 1)
            text = "".join(rnd.choice(ZH) for _ in range(rnd.randint(8, 80)))
            kind = rnd.random()
            if kind < 0.06:
                typ, content, img = 3, "", "THUMBNAIL_DIRPATH://th_%032x" % rnd.getrandbits(128)
            elif kind < 0.065:
                typ = 419430449
                fee = "%d.%02d" % (rnd.randint(1, 3000), rnd.randint(0, 99))
                content = ("<msg><appmsg appid=\"\" sdkver=\"\"><title>微信转账</title>"
                           "<des>收到转账%s元</des><type>2000</type><wcpayinfo><paysubtype>1"
                           "</paysubtype><feedesc>￥%s</feedesc><transcationid>%d</transcationid>"
                           "<transferid>1000050001%012d</transferid><invalidtime>%d</invalidtime>"
                           "<begintransfertime>%d</begintransfertime></wcpayinfo></appmsg></msg>"
                           % (fee, fee, 4200000000 + i, i, (t0 // 1000) + i + 86400,
                              (t0 // 1000) + i))
                img = None
            else:
                typ, content, img = 1, text, None
            if talker.endswith("@chatroom") and not is_send:
                content = "wxid_member%03d:\n%s" % (rnd.randrange(300), content)
            yield (i, 6000000000000000000 + i * 7919, typ, 3 if is_send else 4, is_send,
                   t0 + i * step * 1000 + rnd.randrange(step * 1000), talker, content, img, c + 1)

    con.executemany("INSERT INTO message (%s) VALUES (%s)" % (",".join(cols),
                    ",".join("?" * len(cols))), rows())
    con.executemany("INSERT INTO rconversation (username, msgCount, conversationTime) "
                    "VALUES (?,?,?)", [(p, 0, t0) for p in peers])
    con.commit()
    con.close()
    db = os.path.join(adir, "EnMicroMsg.db")
    # encrypt with the SQLCipher shell, then delete ~5 % inside the encrypted database
    script = ("ATTACH DATABASE '%s' AS e KEY '%s';\nPRAGMA e.cipher_page_size=1024;\n"
              "PRAGMA e.kdf_iter=4000;\nPRAGMA e.cipher_use_hmac=OFF;\n"
              "SELECT sqlcipher_export('e');\nDETACH DATABASE e;\n" % (db, KEY))
    r = subprocess.run(["sqlcipher", "-bail", plain], input=script.encode(), capture_output=True)
    if r.returncode != 0:
        raise SystemExit("sqlcipher export failed: " + r.stderr.decode(errors="replace"))
    script = ("PRAGMA key='%s';\nPRAGMA cipher_use_hmac=OFF;\nPRAGMA cipher_page_size=1024;\n"
              "PRAGMA kdf_iter=4000;\nPRAGMA secure_delete=OFF;\n"
              "DELETE FROM message WHERE msgId %% 20 = 7;\n" % KEY)
    r = subprocess.run(["sqlcipher", "-bail", db], input=script.encode(), capture_output=True)
    if r.returncode != 0:
        raise SystemExit("sqlcipher delete failed: " + r.stderr.decode(errors="replace"))
    os.unlink(plain)
    print(KEY)


if __name__ == "__main__":
    main()
