# SPDX-License-Identifier: Apache-2.0
"""Checks an evidence bundle made from the iPhone fixtures against fixtures/ios/demo.truth.json.

    python3 ios_truth.py TRUTH NAME BUNDLE [BUNDLE_OF_REFERENCE]

Evidence paths in the bundle start with the evidence folder's own name; they are resolved
in the folder that holds the truth file (fixtures/ios/), or in $WXF_EVIDENCE_DIR when the
evidence is a copy made elsewhere.

Prints "ok - ..." / "not ok - ..." lines.  Checks: every live and WAL-only message (text,
sender, time, conversation), recovered deleted messages in their conversation, the transfers'
lifecycle and final state, the dictionary-compressed row flagged and never garbled, the
unmapped chat table, the seller's alias/remark from Friend, and that each cited (file or
image, offset, length) holds the record's bytes.  With a reference bundle, the live messages
must be the same as there.
"""
import csv
import json
import os
import sys

truth = json.load(open(sys.argv[1], encoding="utf-8"))
name, out = sys.argv[2], sys.argv[3]
ref = sys.argv[4] if len(sys.argv) > 4 else None
recs = [json.loads(l) for l in open(os.path.join(out, "timeline.jsonl"), encoding="utf-8")]
msgs = [r for r in recs if r.get("wxf_type") == "message"]
fails = 0
FX = os.environ.get("WXF_EVIDENCE_DIR") or os.path.dirname(os.path.abspath(sys.argv[1]))


def ev(path):
    return path if os.path.isabs(path) else os.path.join(FX, path)


def check(c, n):
    global fails
    print(("ok" if c else "not ok") + " - " + name + ": " + n)
    fails += 0 if c else 1


def conv_of(t):
    if t["talker"] == "wxid_nobody_knows_me":
        return "unknown-conversation-" + t["table"][5:]
    return t["talker"]


def shown(t):
    if t.get("compression") == "zstd-dictionary":
        return None
    return t["body"]


def key(x):
    return (x.get("table"), x.get("rowid"))


live_truth = [t for t in truth["messages"] if t["state"] in ("live", "wal-only")]
live = {key(x): x for x in msgs if x["status"] == "intact"}
bad = []
for t in live_truth:
    x = live.get((t["table"], t["MesLocalID"]))
    want = shown(t)
    if x is None:
        bad.append((t["MesLocalID"], "missing"))
        continue
    if x.get("conversation") != conv_of(t) or x.get("timestamp") != t["CreateTime"] * 1000000:
        bad.append((t["MesLocalID"], "conversation/time"))
    if t["kind"] == "text" and want is not None and x.get("text") != want:
        bad.append((t["MesLocalID"], "text %r" % x.get("text")))
    if t["kind"] == "text" and t["talker"].endswith("@chatroom") and x.get("sender") != t["sender"]:
        bad.append((t["MesLocalID"], "sender"))
    if t["kind"] in ("text", "transfer") and t["Des"] == 0 and x.get("sender") != truth["owner"]["wxid"]:
        bad.append((t["MesLocalID"], "owner as sender"))
check(not bad and len(live) == len(live_truth),
      "%d live messages (%d only in the -wal) match the ground truth: text, sender, time, "
      "conversation (problems: %s)" % (len(live_truth), sum(t["state"] == "wal-only" for t in live_truth), bad))
wo = [t for t in truth["messages"] if t["state"] == "wal-only"]
check(all((t["table"], t["MesLocalID"]) in live for t in wo), "the %d WAL-only messages are read live" % len(wo))
zs = [t for t in truth["messages"] if t.get("compression") == "zstd" and t["state"] != "deleted"]
check(zs and all(live[(t["table"], t["MesLocalID"])]["text"] == t["body"] for t in zs),
      "%d zstd-compressed rows are decoded to their text" % len(zs))
dic = [t for t in truth["messages"] if t.get("compression") == "zstd-dictionary"]
dx = [live.get((t["table"], t["MesLocalID"])) for t in dic]
check(dic and all(x is not None and "dictionary not available" in x["text"] and "\ufffd" not in x["text"]
                  and t["body"] not in x["text"] for x, t in zip(dx, dic)),
      "the dictionary-compressed row is flagged \"compressed, dictionary not available\", never garbled")
rep = open(os.path.join(out, "report.html"), encoding="utf-8").read()
check("dictionary" in rep and "zstd-compressed with dictionary 5" in rep,
      "the report's limitations count the dictionary-compressed row")
unk = "unknown-conversation-" + truth["unknown_table"][5:]
check(any(x.get("conversation") == unk for x in msgs), "an unmapped Chat_ table is kept as %s" % unk)
# deleted messages, recovered into their conversation
dele = [t for t in truth["messages"] if t["state"] == "deleted"]
rec = [x for x in msgs if x["status"] in ("deleted-recovered", "partially-recovered")]
missing = []
for t in dele:
    got = [x for x in rec if x.get("table") == t["table"] and x.get("conversation") == conv_of(t)
           and (t["kind"] != "text" or t["body"][:12] in (x.get("text") or ""))]
    if not got:
        missing.append(t["MesLocalID"])
check(not missing and rec, "%d deleted messages are recovered into their conversations (missing: %s)"
      % (len(dele), missing))
check(all(x["deleted"] and x.get("offset") is not None and x.get("page") for x in rec),
      "every recovered message (%d) is flagged deleted with page and offset" % len(rec))
# transfers
pays = list(csv.DictReader(open(os.path.join(out, "csv", "payments.csv"), encoding="utf-8-sig")))
bytid = {p["transfer_id"]: p for p in pays if p["kind"] == "transfer"}
tb = []
for tr in truth["transfers"]:
    p = bytid.get(tr["transferid"])
    want = {"accepted": "accepted", "refunded": "refunded", "pending": "initiated"}[tr["final_state"]]
    if p is None or p["final_state"] != want or int(p["amount_fen"]) != tr["amount_fen"] \
            or p["payer"] != tr["payer"] or p["receiver"] != tr["receiver"]:
        tb.append(tr["transferid"])
    elif len(p["messages"].split()) != len(tr["rows"]):
        tb.append(tr["transferid"] + " lifecycle")
check(not tb, "%d transfers with amount, payer, receiver, lifecycle rows and final state (wrong: %s)"
      % (len(truth["transfers"]), tb))
# seller dossier from Friend
con = list(csv.DictReader(open(os.path.join(out, "csv", "contacts.csv"), encoding="utf-8-sig")))
sf = truth["seller_friend"]
check(any(c["username"] == truth["seller"] and c["field"] == "alias" and c["value"] == sf["alias"]
          and c["source_field"].startswith("Friend.") for c in con)
      and any(c["username"] == truth["seller"] and c["field"] == "remark" and c["value"] == sf["remark"]
              for c in con), "the seller's alias and remark come from Friend.dbContactRemark")
check(sf["alias"] in rep and sf["remark"] in rep, "the report's seller dossier names the alias and remark")
grp = truth["group"]
check(all(any(c["username"] == u and c["value"] == d for c in con) for u, d in grp["display_names"].items()),
      "in-group display names from RoomData")
own = truth["owner"]
check(any(c["username"] == own["wxid"] and c["owner"] == "yes" and c["value"] == own["alias"] for c in con),
      "the owner from LoginInfo2.dat / mmsetting.archive")
# provenance: the cited bytes hold the record
pv = []
checked = 0
for x in msgs:
    t = next((t for t in truth["messages"] if t["table"] == x.get("table") and
              (t["MesLocalID"] == x.get("rowid") or (x.get("rowid") is None and t["state"] == "deleted"
                                                     and t["body"][:12] in (x.get("text") or "")))), None)
    if t is None or t["kind"] != "text" or t.get("compression") or x.get("offset") is None:
        continue
    f = os.path.join(out, x["image"]) if x.get("image") else ev(x["source_file"])
    with open(f, "rb") as fh:
        fh.seek(x["offset"])
        b = fh.read(x["length"])
    needle = t["body"][:10].encode("utf-8")
    checked += 1
    if needle not in b:
        pv.append(x["wxf_id"])
    # a plain backup file holds the same bytes as its restored copy
    if x.get("image") and "!/" in x["source_file"] and os.path.isfile(ev(x["source_file"].split("!/")[0])):
        blob = ev(x["source_file"].split("!/")[0])
        with open(blob, "rb") as fh:
            fh.seek(x["offset"])
            if name == "plain" and fh.read(x["length"]) != b:
                pv.append(x["wxf_id"] + " blob")
check(checked > 10 and not pv, "%d cited (file, offset, length) hold the record's text (wrong: %s)" % (checked, pv))
if ref:
    rl = {key(x): (x.get("text"), x.get("sender"), x.get("timestamp"), x.get("kind"))
          for x in map(json.loads, open(os.path.join(ref, "timeline.jsonl"), encoding="utf-8"))
          if x.get("wxf_type") == "message" and x["status"] == "intact"}
    ml = {k: (x.get("text"), x.get("sender"), x.get("timestamp"), x.get("kind")) for k, x in live.items()}
    check(rl == ml, "same live messages as %s (%d)" % (os.path.basename(ref), len(ml)))
    rr = sorted((x.get("table"), x.get("text"), x["status"]) for x in map(json.loads, open(os.path.join(ref, "timeline.jsonl"), encoding="utf-8"))
                if x.get("wxf_type") == "message" and x["status"] != "intact")
    mr = sorted((x.get("table"), x.get("text"), x["status"]) for x in rec)
    check(rr == mr, "same recovered messages as %s (%d)" % (os.path.basename(ref), len(mr)))
sys.exit(0)
