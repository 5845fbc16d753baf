# SPDX-License-Identifier: Apache-2.0
# One seller, three exhibits: the demo buyer's Android extraction (a folder tree), a second
# buyer's extraction wrapped as an .ab backup (fixtures/android/buyer2, made by
# fixtures/gen/make_android.py; .ab by tests/tools/make_containers.py) and the Windows laptop
# of a third buyer (fixtures/win3), labelled A1..A3, read in one case with the laptop's --key.
# The seller is wxid_seller88 for the two phone buyers (the same account) and wxid_hklee_daigou
# on the laptop; the phone number 13800007788 that the seller gives the second buyer in a
# message is on wxid_hklee_daigou's contact card: the three accounts are one seller.  Checked
# against the fixtures' truth files: the links and where each identifier was seen (every cited
# range re-read by tests/tools/check_provenance.py), each victim's paid, refunded and net totals
# and CRPL figure, the sum of the figures; the exhibits in another order give the same view.
# With the seller's own phone as a fourth exhibit (fixtures/android/seller: owner wxid_seller88,
# her ranked "seller" her best customer) it joins as her own account: her card's identifiers
# are listed with it, and the victims and their figures stay the three buyers'.
. "$top_srcdir/tests/cli/lib.sh"

exhibits_fixture
before=$(snapshot "$TMPD/ev")
run() { # name, then the case arguments
	name=$1; shift
	(cd "$TMPD/ev" && SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o "../$name" \
		--key "$W3KEY" "$@" > "../$name.stdout" 2> "../$name.stderr")
}
run x1 --exhibit-label A1=demo --exhibit-label A2=buyer2.ab --exhibit-label A3=laptop
is "$?" 0 "three labelled exhibits in one case: exit 0"
run x2 --exhibit-label A3=laptop --exhibit-label A2=buyer2.ab --exhibit-label A1=demo
is "$?" 0 "the same three, labelled in another order: exit 0"
run x4 --exhibit-label A1=demo --exhibit-label A2=buyer2.ab --exhibit-label A3=laptop \
	--exhibit-label A4=seller
is "$?" 0 "with the seller's own phone as A4: exit 0"
check_timeline "$TMPD/x4/timeline.xml" "the four-exhibit bundle"
ok 'grep -q "卖家本人的账户" "$TMPD/x4/report.html"' "report.html marks the seller's own account"
ok 'grep -A1 "^  account android seller/" "$TMPD/x4.stdout" | grep -q "the seller.s own account" &&
	grep -q "seller across exhibits: 1 seller(s) over 4 accounts" "$TMPD/x4.stdout" &&
	grep -q "net paid by the victims: ¥11,260.00   CRPL art. 55 figures (each victim.s, summed): ¥33,780.00" "$TMPD/x4.stdout"' \
	"the summary names her own account and totals the victims (net ¥11,260.00, figures ¥33,780.00)"
ok 'grep -q "message databases read: 4 of 4" "$TMPD/x1.stdout"' "every message database read"
is "$(snapshot "$TMPD/ev")" "$before" "the evidence is unchanged"
for f in timeline.jsonl csv/messages.csv csv/payments.csv; do
	ok 'cmp -s "$TMPD/x1/$f" "$TMPD/x2/$f"' "$f is byte-identical in both orders"
done
check_timeline "$TMPD/x1/timeline.xml" "the three-exhibit bundle"
ok 'python3 "$top_srcdir/tests/tools/check_provenance.py" "$TMPD/x1" > "$TMPD/prov.json"' \
	"every cited range of the bundle holds its record (tests/tools/check_provenance.py)"
ok '"$WXF" verify "$TMPD/x1" > /dev/null 2>&1' "wxforensic verify accepts the bundle"

python3 - "$TMPD" "$top_srcdir" > "$TMPD/py" <<'PY'
import json, os, sys
import xml.etree.ElementTree as ET
T, top = sys.argv[1], sys.argv[2]
NS = "{urn:wxforensic:timeline:2}"
def check(cond, what):
    print(("ok - " if cond else "not ok - ") + what)
def truth(p):
    return json.load(open(os.path.join(top, p), encoding="utf-8"))
demo, b2, w3 = (truth("fixtures/android/demo.truth.json"),
                truth("fixtures/android/buyer2.truth.json"), truth("fixtures/win3/win3.truth.json"))
def xs(b):
    return ET.parse(os.path.join(T, b, "timeline.xml")).getroot().find(NS + "seller_across_exhibits")
x = xs("x1")
check(x is not None and x.get("sellers") == "1", "one seller across the exhibits")
s = x.find(NS + "seller") if x is not None else None
if s is None:
    sys.exit(0)
acc = s.findall(NS + "account")
ex = {a.get("exhibit"): a for a in acc}
check(sorted(ex) == ["A1", "A2", "A3"], "it spans A1, A2 and A3: %s" % sorted(ex))
check(ex.get("A1") is not None and ex["A1"].get("seller") == demo["seller"] and
      ex.get("A2") is not None and ex["A2"].get("seller") == b2["seller"] and
      ex.get("A3") is not None and ex["A3"].get("seller") == w3["seller"],
      "the seller of each account is its truth's (%s, %s, %s)"
      % (demo["seller"], b2["seller"], w3["seller"]))
key_of = {a.get("key"): a.get("exhibit") for a in acc}
ids = {(i.get("kind"), i.get("value")): i for i in s.findall(NS + "identifier")}
def seen(kind, value):
    i = ids.get((kind, value))
    return (i.get("link"), i.get("linking"),
            sorted(key_of.get(n.get("account")) for n in i.findall(NS + "seen"))) if i is not None else None
check(seen("wxid", demo["seller"]) == ("same-account", "true", ["A1", "A2"]),
      "wxid_seller88: the same account in A1 and A2 (%s)" % (seen("wxid", demo["seller"]),))
phone = w3["seller_info"]["phone"]
check(seen("phone", phone) == ("strong", "true", ["A2", "A3"]),
      "phone %s: a strong link between A2 (the seller's message) and A3 (her contact card) (%s)"
      % (phone, seen("phone", phone)))
check(seen("alias", "HK_daigou_Amy") == ("strong", "true", ["A1", "A2"]),
      "alias HK_daigou_Amy in A1 and A2")
check(seen("wxid", w3["seller"]) == ("same-account", "false", ["A3"]),
      "wxid_hklee_daigou only in A3 (it links nothing by itself)")
check(seen("alias", w3["seller_info"]["alias"]) == ("strong", "false", ["A3"]),
      "the laptop seller's own alias is listed for A3")
# where the phone was seen: in A2 the seller's message (a record of the .ab's database), in A3
# a record of the laptop's contact database; each provenance names its own exhibit's file
ph = ids.get(("phone", phone))
src = {key_of.get(n.get("account")): n for n in ph.findall(NS + "seen")} if ph is not None else {}
p2 = src.get("A2").find(NS + "provenance") if src.get("A2") is not None else None
p3 = src.get("A3").find(NS + "provenance") if src.get("A3") is not None else None
check(p2 is not None and src["A2"].get("field") == "message.body" and
      p2.get("file", "").startswith("buyer2.ab!/") and p2.get("table") == "message",
      "A2's sighting is the seller's message in the .ab's EnMicroMsg.db (%s)"
      % (p2.attrib if p2 is not None else None,))
check(p3 is not None and p3.get("file", "").startswith("laptop/"),
      "A3's sighting is a record of the laptop (%s)" % (p3.attrib if p3 is not None else None,))
# each victim: his own totals and CRPL figure, as his truth's ledger
vict = {v.get("owner"): v for v in s.findall(NS + "victim")}
want = {demo["owner"]["wxid"]: demo, b2["owner"]["wxid"]: b2, w3["owner"]["wxid"]: w3}
check(sorted(vict) == sorted(want), "three victims: %s" % sorted(vict))
tot = 0
for o, t in want.items():
    v = vict.get(o)
    if v is None:
        continue
    tt, c = v.find(NS + "totals"), v.find(NS + "crpl55")
    l = t["ledger"]
    check(int(tt.get("paid_fen")) == l["paid_fen"] and int(tt.get("refunded_fen")) ==
          l["refunded_fen"] and int(tt.get("net_fen")) == l["net_fen"],
          "%s: paid %d, refunded %d, net %d as the truth" % (o, l["paid_fen"], l["refunded_fen"],
                                                            l["net_fen"]))
    check(c.get("applicable") == "true" and int(c.get("result_fen")) == l["crpl55_fen"],
          "%s: CRPL figure %d as the truth" % (o, l["crpl55_fen"]))
    tot += l["crpl55_fen"]
ct = s.find(NS + "crpl55_total")
check(ct is not None and int(ct.get("sum_fen")) == tot,
      "the seller's total figure is the sum of the victims' own (%d)" % tot)
check(ET.tostring(xs("x2")) == ET.tostring(x), "the same view with the exhibits in another order")
# four exhibits: the seller's phone is hers, not a victim's
sel = truth("fixtures/android/seller.truth.json")
x4 = xs("x4")
s4 = x4.find(NS + "seller") if x4 is not None else None
if s4 is not None:
    acc4 = {a.get("exhibit"): a for a in s4.findall(NS + "account")}
    key4 = {a.get("key"): a.get("exhibit") for a in acc4.values()}
    a4 = acc4.get("A4")
    check(x4.get("sellers") == "1" and sorted(acc4) == ["A1", "A2", "A3", "A4"],
          "four exhibits, one seller: %s" % sorted(acc4))
    check(a4 is not None and a4.get("role") == "seller-own" and
          a4.get("owner") == sel["owner"]["wxid"] == demo["seller"] and a4.get("seller") is None,
          "A4 is the seller's own account (owner %s)" % sel["owner"]["wxid"])
    check(all(acc4[e].get("role") == "buyer" for e in ("A1", "A2", "A3")), "A1..A3 are buyers'")
    ids4 = {(i.get("kind"), i.get("value")): sorted(key4[n.get("account")]
            for n in i.findall(NS + "seen")) for i in s4.findall(NS + "identifier")}
    check(ids4.get(("wxid", demo["seller"])) == ["A1", "A2", "A4"],
          "wxid_seller88: the buyers' seller in A1, A2 and the owner of A4 (%s)"
          % ids4.get(("wxid", demo["seller"])))
    check(ids4.get(("phone", phone)) == ["A2", "A3", "A4"],
          "phone %s in A2, A3 and on her own card in A4 (%s)" % (phone, ids4.get(("phone", phone))))
    check(ids4.get(("phone", "138****7788")) == ["A4"] and
          [i.get("link") for i in s4.findall(NS + "identifier") if i.get("value") == "138****7788"] == ["masked"],
          "her wallet's masked number is listed as masked")
    check(("wxid", sel["seller"]) not in ids4,
          "her phone's ranked 'seller' (%s, a buyer) is no identifier of hers" % sel["seller"])
    v4 = {v.get("owner"): v for v in s4.findall(NS + "victim")}
    check(sorted(v4) == sorted(want) and
          all(int(v4[o].find(NS + "crpl55").get("result_fen")) == t["ledger"]["crpl55_fen"]
              for o, t in want.items()),
          "the victims and their figures are the three buyers' (%s)" % sorted(v4))
else:
    check(False, "four exhibits: a seller across them")
PY
[ $? -eq 0 ] || fail "python checks ran"
while IFS= read -r line; do case "$line" in "ok - "*) pass "${line#ok - }";; "not ok - "*) fail "${line#not ok - }";; *) echo "$line";; esac; done < "$TMPD/py"
done_testing
