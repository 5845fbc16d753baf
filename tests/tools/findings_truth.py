# SPDX-License-Identifier: Apache-2.0
"""The findings read back from timeline.xml alone (no report.html), compared with a fixture's
ground truth: the seller and each of its identifiers with their cited sources, every counted
payment, the ledger totals in fen, the CRPL art. 55 inputs and figure, the indicator hits grouped
per message, the slang glossary (the terms of data/glossary.txt found in the truth's messages).  Python standard library only; prints "ok - ..." / "not ok - ..." lines.

    findings_truth.py OUTDIR TRUTH.json [GLOSSARY.txt]
"""
import datetime
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
if len(sys.argv) > 3:
    # the glossary: exactly the terms that occur in the truth's message texts (and recalled
    # originals); each term's first message is an event of timeline.xml holding the term, not
    # earlier than the truth's first use
    terms = [l.split("\t")[0] for l in open(sys.argv[3], encoding="utf-8")
             if l.strip() and not l.startswith("#")]
    first = {}
    for m in truth["messages"]:
        text = ((m.get("body") or "") + "\n" + (m.get("original_body") or "")).lower()
        for term in terms:
            if term.lower() in text:
                first[term] = min(first.get(term, m["createTime_ms"]), m["createTime_ms"])
    g = f.find(NS + "glossary")
    got = {e.get("term"): e for e in g.findall(NS + "term")} if g is not None else {}
    # a term whose every use is in a recalled original that the bundle does not hold at all
    # (not recovered: a recovery gap, reported here, not a glossary error) is not expected
    alltext = "".join(root.itertext()).lower()
    unrec = [t for t in set(first) - set(got)
             if all(m.get("original_body") and t.lower() not in (m.get("body") or "").lower()
                    and m["original_body"].lower() not in alltext
                    for m in truth["messages"]
                    if t.lower() in ((m.get("body") or "") + "\n" + (m.get("original_body") or "")).lower())]
    for t in unrec:
        print("# glossary: %s occurs only in a recalled original the bundle did not recover" % t)
        del first[t]
    check(g is not None and set(got) == set(first) and int(g.get("count")) == len(got),
          "glossary: the %d terms found in the truth's messages (%s)" % (len(first), " ".join(sorted(first))),
          sorted(set(got) ^ set(first)))
    bad = []
    for term, e in got.items():
        evt = ev.get(e.get("first_message"))
        # the event's text, or (for a field timeline.xml does not carry, such as a link's
        # description) the truth's text of the message with the event's server id
        sid = evt.find(NS + "server_id") if evt is not None else None
        tm = [(m.get("body") or "") + (m.get("original_body") or "") for m in truth["messages"]
              if sid is not None and str(m.get("msgSvrId")) == sid.text]
        if (evt is None or int(e.get("messages")) < 1 or
                (term.lower() not in "".join(evt.itertext()).lower() and not any(term.lower() in x.lower() for x in tm))):
            bad.append((term, "first message"))
        elif e.get("first") != "unknown" and term in first:
            t = datetime.datetime.fromisoformat(e.get("first")).timestamp() * 1000
            if t < first[term]:
                bad.append((term, "earlier than the truth's first use"))
    check(not bad, "glossary: each term's first message holds the term, not before its first use in the truth", bad)
sys.exit(1 if failed else 0)
