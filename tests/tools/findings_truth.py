# SPDX-License-Identifier: Apache-2.0
"""The findings read back from timeline.xml alone (no report.html), compared with a fixture's
ground truth: the seller and each of its identifiers with their cited sources, every counted
payment, the ledger totals in fen, the CRPL art. 55 inputs and figure, the indicator hits grouped
per message.  Python standard library only; prints "ok - ..." / "not ok - ..." lines.

    findings_truth.py OUTDIR TRUTH.json
"""
import json
import sys
import xml.etree.ElementTree as ET

NS = "{urn:wxforensic:timeline:2}"
out, truth = sys.argv[1], json.load(open(sys.argv[2], encoding="utf-8"))
root = ET.parse(out + "/timeline.xml").getroot()
failed = 0


def check(cond, what, details=None):
    global failed
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        failed += 1
        if details:
            print("#   %s" % (details,))


fd = root.findall(NS + "findings")
check(len(fd) == 1, "one <findings> for the one account")
f = fd[0]
s = f.find(NS + "seller")
want = truth["seller"]
check(s is not None and s.get("username") == want, "seller %s (truth %s)" % (s.get("username") if s is not None else None, want))
check(s.get("designation") == "proposed" and s.get("basis"), "the seller is marked proposed, with its basis")
contact = next(c for c in truth["contacts"] if c["username"] == want)


def values(field):
    return {i.get("value"): i for i in s.iter(NS + "identifier") if i.get("field") == field}


problems = []
for field, val in (("wxid", want), ("alias", contact["alias"]), ("nickname", contact["nickname"]),
                   ("remark", contact["conRemark"])):
    if not val:
        continue
    i = values(field).get(val)
    if i is None:
        problems.append("%s %s missing" % (field, val))
        continue
    srcs = i.findall(NS + "source")
    cited = [p for x in srcs for p in x.findall(NS + "provenance") if p.get("range_sha256") and p.get("file")]
    if not srcs or int(i.get("sources")) != len(srcs) or not cited:
        problems.append("%s %s: %d sources, %d cited" % (field, val, len(srcs), len(cited)))
check(not problems, "seller identifiers wxid, alias, nickname, remark, each with its cited sources", problems)

led = f.find(NS + "ledger")
tot = led.find(NS + "totals")
tl = truth["ledger"]
for k in ("paid_fen", "refunded_fen", "net_fen"):
    check(int(tot.get(k)) == tl[k], "ledger %s %s (truth %d)" % (k, tot.get(k), tl[k]))
rows = led.findall(NS + "transfer")
counted = [r for r in rows if r.get("counted") == "true" and r.get("bucket") == "paid"]
check(sum(int(r.get("amount_fen")) for r in counted) == int(tot.get("paid_fen")),
      "the counted rows add up to paid_fen (%d rows)" % len(counted))
tr = [t for t in truth["transfers"] if t["receiver"] == want and t["payer"] == truth["owner"]["wxid"]]
problems = []
for t in tr:
    r = [x for x in rows if x.get("transfer_id") == t["transferid"]]
    if len(r) != 1:
        problems.append("%s: %d rows" % (t["transferid"], len(r)))
        continue
    r = r[0]
    bucket = {"accepted": "paid"}.get(t["final_state"], t["final_state"])
    if int(r.get("amount_fen")) != t["amount_fen"] or r.get("bucket") != bucket \
            or (r.get("counted") == "true") != (t["final_state"] == "accepted") \
            or r.find(NS + "provenance") is None:
        problems.append("%s: %s %s %s" % (t["transferid"], r.get("amount_fen"), r.get("bucket"), r.get("counted")))
check(not problems, "each of the %d owner-to-seller transfers listed with amount, total it went into, counted or not, provenance" % len(tr), problems)
c = f.find(NS + "crpl55")
check(c.get("applicable") == "true" and int(c.get("net_fen")) == tl["net_fen"]
      and int(c.get("triple_fen")) == 3 * max(tl["net_fen"], 0) and int(c.get("floor_fen")) == 50000
      and int(c.get("result_fen")) == tl["crpl55_fen"],
      "CRPL art. 55: net %s, triple %s, floor %s -> %s (truth %d)" % (c.get("net_fen"), c.get("triple_fen"),
                                                                    c.get("floor_fen"), c.get("result_fen"), tl["crpl55_fen"]))
hits = f.find(NS + "indicator_hits")
msgs = hits.findall(NS + "message")
refs = [m.get("ref") for m in msgs]
check(len(refs) == len(set(refs)) and len(msgs) == int(hits.get("messages")) and
      sum(len(m.findall(NS + "hit")) for m in msgs) == int(hits.get("hits")) and len(msgs) > 0,
      "indicator hits grouped per message (%d messages, %s hits)" % (len(msgs), hits.get("hits")))
ev = {e.get("id"): e for e in root.iter(NS + "event")}
bad = [m.get("ref") for m in msgs if m.get("ref") not in ev or ev[m.get("ref")].find(NS + "sender").text != want]
check(not bad, "every message with hits is an event of timeline.xml sent by the seller", bad[:5])
sys.exit(1 if failed else 0)
