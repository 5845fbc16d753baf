# SPDX-License-Identifier: Apache-2.0
"""Checks an evidence bundle made from a desktop fixture (fixtures/win3, fixtures/wx4,
fixtures/mac3) against its ground truth.

    python3 desk_truth.py TRUTH NAME BUNDLE [--no-wal]

Prints "ok - ..." / "not ok - ..." lines.  Checks: every live and WAL-only message (text,
sender, time, conversation, the -wal cited for WAL-only rows), deleted messages recovered into
their conversations and flagged, the recall notice with its original text, transfers (amount,
payer, receiver, lifecycle rows, final state), the seller's alias, remark and phone, in-group
display names, media (every image decoded into the bundle with the SHA-256 of the image the
generator encoded, the .dat kept as the evidence item, missing files listed, voice), and that
each cited (file or image, offset, length) holds the record's text.
"""
import csv
import hashlib
import json
import os
import sys
import xml.etree.ElementTree as ET

truth = json.load(open(sys.argv[1], encoding="utf-8"))
name, out = sys.argv[2], sys.argv[3]
no_wal = "--no-wal" in sys.argv[4:]
recs = [json.loads(l) for l in open(os.path.join(out, "timeline.jsonl"), encoding="utf-8")]
msgs = [r for r in recs if r.get("wxf_type") == "message"]
fails = 0
FX = os.path.dirname(os.path.abspath(sys.argv[1]))
NS = "{urn:wxforensic:timeline:2}"


def check(c, n):
    global fails
    print(("ok" if c else "not ok") + " - " + name + ": " + n)
    fails += 0 if c else 1


def db_of(x):
    f = x.get("source_file") or ""
    return f[:-4] if f.endswith("-wal") else f


def same_db(x, t):
    return db_of(x).endswith("/" + t["db"])


def key_of(t):
    return (t["db"], t["table"], t["rowid"])


live_truth = [t for t in truth["messages"] if t["state"] in ("live", "wal-only", "recalled")]
if no_wal:
    live_truth = [t for t in live_truth if t["state"] != "wal-only"]
live = [x for x in msgs if x["status"] == "intact"]


def find_live(t):
    for x in live:
        if same_db(x, t) and x.get("table") == t["table"] and x.get("rowid") == t["rowid"]:
            return x
    return None


bad = []
for t in live_truth:
    x = find_live(t)
    if x is None:
        bad.append((t["rowid"], t["body"][:12], "missing"))
        continue
    if x.get("conversation") != t["talker"] or x.get("timestamp") != t["CreateTime"] * 1000000:
        bad.append((t["rowid"], "conversation/time"))
    if t["kind"] in ("text", "recalled") and x.get("text") != t["body"]:
        bad.append((t["rowid"], "text %r" % x.get("text")))
    if t["kind"] in ("text", "transfer", "quote") and x.get("sender") != t["sender"]:
        bad.append((t["rowid"], "sender %r" % x.get("sender")))
    if t["kind"] == "quote" and x.get("text") != t.get("quote_title"):
        bad.append((t["rowid"], "quote title %r" % x.get("text")))
check(not bad and len(live) == len(live_truth),
      "%d live messages (%d only in the -wal) match the ground truth: text, sender, time, "
      "conversation (%d in the bundle; problems: %s)" % (len(live_truth),
                                                         sum(t["state"] == "wal-only" for t in live_truth),
                                                         len(live), bad))
wo = [t for t in live_truth if t["state"] == "wal-only"]
if wo:
    check(all((find_live(t) or {}).get("source_file", "").endswith("-wal") and (find_live(t) or {}).get("frame")
              for t in wo), "the %d WAL-only messages are read live and cite their -wal frame" % len(wo))
# deleted messages, recovered into their conversations
dele = [t for t in truth["messages"] if t["state"] == "deleted"]
rec = [x for x in msgs if x["status"] in ("deleted-recovered", "partially-recovered")]
missing = []
for t in dele:
    got = [x for x in rec if same_db(x, t) and x.get("conversation") == t["talker"]
           and t["body"][:12] in (x.get("text") or "")]
    if not got:
        missing.append(t["body"][:12])
check(dele and not missing, "%d deleted messages are recovered into their conversations (missing: %s)"
      % (len(dele), missing))
check(rec and all(x["deleted"] and x.get("offset") is not None and x.get("page") for x in rec),
      "every recovered message (%d) is flagged deleted with page and offset" % len(rec))
# the recall notice and its original
mcsv = list(csv.DictReader(open(os.path.join(out, "csv", "messages.csv"), encoding="utf-8-sig")))
for t in truth["messages"]:
    if t["kind"] != "recalled":
        continue
    r = [m for m in mcsv if m["kind"] == "recalled" and m["text"] == t["body"]]
    check(r and r[0]["recall_original"] == t["original_body"],
          "the recalled message keeps its notice and gets its original text %r back (from the "
          "older version of its row)" % t["original_body"])
# transfers
pays = list(csv.DictReader(open(os.path.join(out, "csv", "payments.csv"), encoding="utf-8-sig")))
bytid = {p["transfer_id"]: p for p in pays if p["kind"] == "transfer"}
tb = []
for tr in truth["transfers"]:
    rows = [r for r, s in zip(tr["rows"], tr["row_states"]) if not (no_wal and s == "wal-only")]
    if not rows:
        continue
    p = bytid.get(tr["transferid"])
    want = {"accepted": "accepted", "refunded": "refunded", "pending": "initiated"}[tr["final_state"]]
    if p is None or p["final_state"] != want or int(p["amount_fen"]) != tr["amount_fen"] \
            or p["payer"] != tr["payer"] or p["receiver"] != tr["receiver"]:
        tb.append(tr["transferid"])
    elif len(p["messages"].split()) != len(rows):
        tb.append(tr["transferid"] + " lifecycle")
check(not tb, "%d transfers with amount, payer, receiver, lifecycle rows and final state (wrong: %s)"
      % (len(truth["transfers"]), tb))
# the seller's identity: alias, remark, phone
con = list(csv.DictReader(open(os.path.join(out, "csv", "contacts.csv"), encoding="utf-8-sig")))
si = truth["seller_info"]
S = truth["seller"]
rep = open(os.path.join(out, "report.html"), encoding="utf-8").read()
for f, key in (("alias", "alias"), ("remark", "remark"), ("phone", "phone")):
    if not si.get(key):
        continue
    if f == "phone" and truth.get("phone_source") == "message":
        # no documented phone field (WeChat 4.x): the number the seller sent, in her dossier
        check("(phone numbers)</span></th><td><b>%s</b></td><td>message.body" % si[key] in rep,
              "the seller's phone %s is in the dossier (from the message she sent)" % si[key])
        continue
    check(any(c["username"] == S and c["field"] == f and c["value"] == si[key] for c in con),
          "the seller's %s %s is in the dossier" % (f, si[key]))
check(all(si[k] in rep for k in ("alias", "remark", "phone") if si.get(k)),
      "the report names the seller's alias, remark and phone")
grp = truth.get("group")
if grp and grp["display_names"]:
    check(all(any(c["username"] == u and c["value"] == d for c in con) for u, d in grp["display_names"].items()),
          "in-group display names from RoomData")
own = truth["owner"]
check(any(c["username"] == own["wxid"] and c["owner"] == "yes" for c in con), "the owner is %s" % own["wxid"])
# media: decoded images, the .dat kept as evidence, missing files, voice
tree = ET.parse(os.path.join(out, "timeline.xml"))
media = {}
for e in tree.getroot().iter(NS + "event"):
    ms = e.findall(NS + "media")
    if ms:
        media[e.get("id")] = ms
by_row = {}
for x in live:
    by_row[(db_of(x), x.get("table"), x.get("rowid"))] = x
mb = []
n_dec = 0
for t in truth["messages"]:
    if not t.get("media") or t["state"] not in ("live", "wal-only") or (no_wal and t["state"] == "wal-only"):
        continue
    x = find_live(t)
    ms = media.get(x["wxf_id"], []) if x else []
    for md in t["media"]:
        role = md["role"]
        if not md["present"]:
            if not any(m.get("role") == role and m.get("state") == "missing" for m in ms):
                mb.append((t["rowid"], role, "not listed as missing"))
            continue
        if role in ("image", "image-thumb"):
            ev = [m for m in ms if m.get("role") == role and m.get("state") == "present"]
            dec = [m for m in ms if m.get("role") == role + "-decoded" and m.get("state") == "present"]
            if not ev or not ev[0].get("path", "").endswith(".dat"):
                mb.append((t["rowid"], role, "the .dat is not the evidence item"))
            if not dec or dec[0].get("sha256") != md["sha256"]:
                mb.append((t["rowid"], role, "not decoded to the original image"))
                continue
            p = os.path.join(out, dec[0].get("path"))
            if not os.path.isfile(p) or hashlib.sha256(open(p, "rb").read()).hexdigest() != md["sha256"]:
                mb.append((t["rowid"], role, "decoded file missing or its hash differs"))
            n_dec += 1
        else:
            v = [m for m in ms if m.get("role") == role and m.get("state") == "present"]
            if not v or v[0].get("sha256") != md["sha256"]:
                mb.append((t["rowid"], role, "not linked with its hash"))
if truth.get("media_read") is False:
    check(not media, "media: this fixture holds no media files and the bundle links none")
else:
    check(not mb and n_dec > 0, "media: %d images decoded into the bundle with the SHA-256 of the "
          "original, the .dat kept as the evidence item, missing files listed, voice linked (problems: %s)"
          % (n_dec, mb))
# provenance: the cited bytes hold the record's text
pv, checked = [], 0
for x in msgs:
    t = next((t for t in truth["messages"] if t["kind"] == "text" and t["body"][:12] in (x.get("text") or "")
              and same_db(x, t)), None)
    if t is None or x.get("offset") is None:
        continue
    f = os.path.join(out, x["image"]) if x.get("image") else os.path.join(FX, x["source_file"])
    with open(f, "rb") as fh:
        fh.seek(x["offset"])
        b = fh.read(x["length"])
    checked += 1
    if t["body"][:6].encode("utf-8") not in b:
        pv.append(x["wxf_id"])
check(checked >= 10 and not pv, "%d cited (file, offset, length) hold the record's text (wrong: %s)"
      % (checked, pv))
sys.exit(0)
