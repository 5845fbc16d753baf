# SPDX-License-Identifier: Apache-2.0
"""case.jsonld of a bundle read as RDF with rdflib (Debian python3-rdflib; no network: the
context is inline) and checked: every node has an IRI (no blank node carries a type); every
uco-types:Hash has a method and a value; every UCO/CASE term used is one of the UCO 1.4.0 /
CASE 1.4.0 terms below; the evidence files carry the SHA-256 values of evidence.sha256; the
accounts carry the truth's wxid, WeChat ID (alias), nickname and phone; the seller's Sold_To
relationship carries the truth's net price and CRPL art. 55 figure; every message event of
timeline.xml is a uco-observable:Message, Contained_Within its evidence file with the range
timeline.xml cites for it.  Prints "ok - ..." / "not ok - ..." lines.

    check_case.py OUTDIR TRUTH.json
"""
import json
import sys
import xml.etree.ElementTree as ET

import rdflib
from rdflib.namespace import RDF

UCO = "https://ontology.unifiedcyberontology.org/uco/"
CASE = "https://ontology.caseontology.org/case/"
WXF = "urn:wxforensic:case-ext:1#"
# The UCO 1.4.0 and CASE 1.4.0 terms this writer may use (classes, properties, vocabularies).
VOCAB = {
    "core/Relationship", "core/hasFacet", "core/name", "core/object", "core/source",
    "core/target", "core/kindOfRelationship", "core/isDirectional",
    "action/startTime", "action/endTime", "action/instrument", "action/performer",
    "action/object", "action/result",
    "tool/Tool", "tool/version", "tool/toolType",
    "identity/Person",
    "types/Hash", "types/hashMethod", "types/hashValue",
    "vocabulary/HashNameVocab", "vocabulary/RecoveredObjectStatusVocab",
    "observable/File", "observable/FileFacet", "observable/fileName", "observable/filePath",
    "observable/sizeInBytes", "observable/ContentDataFacet", "observable/hash",
    "observable/Application", "observable/ApplicationAccount", "observable/AccountFacet",
    "observable/accountIdentifier", "observable/accountType",
    "observable/ApplicationAccountFacet", "observable/application",
    "observable/DigitalAccountFacet", "observable/displayName", "observable/accountLogin",
    "observable/PhoneAccountFacet", "observable/phoneNumber",
    "observable/Message", "observable/MessageFacet", "observable/messageID",
    "observable/from", "observable/to", "observable/sentTime", "observable/messageText",
    "observable/messageType", "observable/sessionID",
    "observable/RecoveredObjectFacet", "observable/contentRecoveredStatus",
    "observable/DataRangeFacet", "observable/rangeOffset", "observable/rangeSize",
    "investigation/InvestigativeAction", "investigation/Investigation",
    "investigation/ProvenanceRecord", "investigation/exhibitNumber",
}
failed = 0


def check(cond, what, details=None):
    global failed
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        failed += 1
        if details:
            print("#   %s" % (details,))


out, truth = sys.argv[1], json.load(open(sys.argv[2], encoding="utf-8"))
g = rdflib.Graph()
g.parse(out + "/case.jsonld", format="json-ld")
check(len(g) > 0, "case.jsonld parses as JSON-LD (%d triples)" % len(g))
U = lambda t: rdflib.URIRef(UCO + t)
W = lambda t: rdflib.URIRef(WXF + t)
blank = [s for s in g.subjects(RDF.type, None) if isinstance(s, rdflib.BNode)]
check(not blank, "every typed node has an IRI (no blank node)")
hashes = list(g.subjects(RDF.type, U("types/Hash")))
bad = [h for h in hashes if g.value(h, U("types/hashMethod")) is None or g.value(h, U("types/hashValue")) is None]
check(hashes and not bad, "every uco-types:Hash has hashMethod and hashValue (%d)" % len(hashes))
terms = set()
for s, p, o in g:
    terms.add(str(p))
    if p == RDF.type:
        terms.add(str(o))
    if isinstance(o, rdflib.Literal) and o.datatype is not None:
        terms.add(str(o.datatype))
unknown = sorted(t for t in terms if (t.startswith(UCO) and t[len(UCO):] not in VOCAB)
                 or (t.startswith(CASE) and t[len(CASE):] not in VOCAB))
check(not unknown, "every UCO/CASE term used is a UCO 1.4.0 / CASE 1.4.0 term", unknown)

files = {}
for fa in g.subjects(RDF.type, U("observable/FileFacet")):
    f = next(g.subjects(U("core/hasFacet"), fa))
    files[str(g.value(fa, U("observable/filePath")))] = f
missing = []
for line in open(out + "/evidence.sha256", encoding="utf-8"):
    hexd, path = line.rstrip("\n").split("  ", 1)
    f = files.get(path)
    vals = set()
    if f is not None:
        for cd in g.objects(f, U("core/hasFacet")):
            for h in g.objects(cd, U("observable/hash")):
                if str(g.value(h, U("types/hashMethod"))) == "SHA256":
                    vals.add(str(g.value(h, U("types/hashValue"))))
    if hexd not in vals:
        missing.append(path)
check(files and not missing, "every evidence file is a File with the SHA-256 of evidence.sha256 (%d)" % len(files), missing[:3])


def account(wxid):
    for fa in g.subjects(U("observable/accountIdentifier"), rdflib.Literal(wxid)):
        return next(g.subjects(U("core/hasFacet"), fa))
    return None


def values(acc, prop):
    return {str(v) for fa in g.objects(acc, U("core/hasFacet")) for v in g.objects(fa, U("observable/" + prop))}


seller = truth["seller"]
sc = next(c for c in truth["contacts"] if c["username"] == seller)
sa = account(seller)
check(sa is not None and sc["alias"] in values(sa, "accountLogin") and sc["nickname"] in values(sa, "displayName"),
      "the seller's account: wxid %s, WeChat ID %s, nickname %s" % (seller, sc["alias"], sc["nickname"]))
o = truth["owner"]
oa = account(o["wxid"])
check(oa is not None and o["alias"] in values(oa, "accountLogin") and o["phone"] in values(oa, "phoneNumber"),
      "the owner's account: wxid %s, WeChat ID %s, phone %s" % (o["wxid"], o["alias"], o["phone"]))
rel = [r for r in g.subjects(U("core/kindOfRelationship"), rdflib.Literal("Sold_To"))
       if g.value(r, U("core/source")) == sa and g.value(r, U("core/target")) == oa]
fac = [fa for r in rel for fa in g.objects(r, U("core/hasFacet"))]
net = [int(v) for fa in fac for v in g.objects(fa, W("netFen"))]
crpl = [int(v) for fa in fac for v in g.objects(fa, W("crpl55Fen"))]
check(len(rel) == 1 and net == [truth["ledger"]["net_fen"]] and crpl == [truth["ledger"]["crpl55_fen"]],
      "seller relationship Sold_To seller -> owner with net %s and CRPL art. 55 %s fen" % (net, crpl))

NS = "{urn:wxforensic:timeline:2}"
x = ET.parse(out + "/timeline.xml").getroot()
mids = {e.get("id") for e in x.iter(NS + "event") if e.get("type") == "message"}
got = set()
for fa in g.subjects(RDF.type, U("observable/MessageFacet")):
    v = str(g.value(fa, U("observable/messageID")))
    if v.startswith("m-"):
        got.add(v)
check(mids and got == mids, "every message event of timeline.xml is a Message (%d)" % len(mids),
      (sorted(mids - got)[:3], sorted(got - mids)[:3]))
ranges = {e.get("id"): e.find(NS + "provenance").get("range_sha256") for e in x.iter(NS + "event")
          if e.get("type") == "message"}
bad, n = [], 0
for r in g.subjects(U("core/kindOfRelationship"), rdflib.Literal("Contained_Within")):
    src = g.value(r, U("core/source"))
    mid = [str(v) for fa in g.objects(src, U("core/hasFacet")) for v in g.objects(fa, U("observable/messageID"))]
    if not mid or mid[0] not in ranges:
        continue
    n += 1
    got = [str(v) for fa in g.objects(r, U("core/hasFacet")) for v in g.objects(fa, W("rangeSha256"))]
    if got != [ranges[mid[0]]]:
        bad.append(mid[0])
check(n == len(ranges) and not bad, "each message is Contained_Within its evidence file with the range "
      "timeline.xml cites for it (%d)" % n, bad[:3])
sys.exit(1 if failed else 0)
