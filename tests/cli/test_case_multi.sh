# SPDX-License-Identifier: Apache-2.0
# Several accounts in one case are kept apart: three Android extractions (demo and demo-wal hold
# the same account folder 3f697aed..., hostile another) read in two orders give the same events,
# sellers and ledgers; each account's analysis equals its single-account run; no event of one
# account cites another's files; the same account id in two extractions gets two work folders.
# The seller across exhibits: demo and demo-wal (one victim, two exhibits) are linked by the
# seller's wxid and alias, hostile's seller is not; the victim's transfers are counted once, so
# the victim's totals and CRPL figure are the truth file's (fixtures/android/demo.truth.json).
. "$top_srcdir/tests/cli/lib.sh"

tap_py() { while IFS= read -r line; do case "$line" in "ok - "*) pass "${line#ok - }";; "not ok - "*) fail "${line#not ok - }";; *) echo "$line";; esac; done; }

F="$top_srcdir/fixtures/android"
mkdir -p "$TMPD/ev"
cp -r "$F/demo" "$F/demo-wal" "$F/hostile" "$TMPD/ev/"
run() { # name, then evidence folders
	name=$1; shift
	(cd "$TMPD/ev" && SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o "../$name" "$@" \
		> "../$name.stdout" 2> "../$name.stderr")
}
run multi1 demo hostile demo-wal; is "$?" 0 "three extractions in one case: exit 0"
run multi2 demo-wal hostile demo; is "$?" 0 "the same three, in another order: exit 0"
for one in demo demo-wal hostile; do
	run "single-$one" "$one"; is "$?" 0 "$one alone: exit 0"
done
grep -q 'message databases read: 3 of 3' "$TMPD/multi1.stdout"
is "$?" 0 "all three message databases read"
is "$(grep -c '^  account android ' "$TMPD/multi1.stdout")" 3 "the summary names three accounts"

# the same events, sellers and ledgers whichever order the folders are given in
for f in timeline.jsonl csv/messages.csv csv/payments.csv csv/contacts.csv; do
	ok 'cmp -s "$TMPD/multi1/$f" "$TMPD/multi2/$f"' "$f is byte-identical in both orders"
done
check_timeline "$TMPD/multi1/timeline.xml" "the multi-account bundle"
ok '(cd "$TMPD/multi1" && sha256sum -c --quiet manifest.sha256)' "the multi-account manifest verifies"
ok '"$WXF" verify "$TMPD/multi1" > /dev/null 2>&1' "wxforensic verify accepts the multi-account bundle"
# two accounts with the same folder name never share a work folder
ok '[ -f "$TMPD/multi1/work/3f697aed723585f78970087d60f92124/EnMicroMsg.db" ] &&
	[ -f "$TMPD/multi1/work/3f697aed723585f78970087d60f92124-2/EnMicroMsg.db" ] &&
	! cmp -s "$TMPD/multi1/work/3f697aed723585f78970087d60f92124/EnMicroMsg.db" \
	"$TMPD/multi1/work/3f697aed723585f78970087d60f92124-2/EnMicroMsg.db"' \
	"the same account id in two extractions: two work folders, two different images"

# --exhibit-label: the accounts of a labelled root name its label as their exhibit; the label
# is listed with its root in the report, the timeline's metadata and the audit log; no id and
# no event changes (timeline.jsonl is the unlabelled run's byte for byte)
(cd "$TMPD/ev" && SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o ../lab \
	--exhibit-label A1=demo --exhibit-label "A2 检材二=demo-wal" hostile > /dev/null 2>&1)
is "$?" 0 "case --exhibit-label A1=demo --exhibit-label 'A2 检材二=demo-wal' hostile: exit 0"
ok 'cmp -s "$TMPD/lab/timeline.jsonl" "$TMPD/multi1/timeline.jsonl"' \
	"labels change no event and no id (timeline.jsonl as without them)"
ok 'grep -q "<exhibit_label label=\"A1\" root=\"demo\"/>" "$TMPD/lab/timeline.xml" &&
	grep -q "<exhibit_label label=\"A2 检材二\" root=\"demo-wal\"/>" "$TMPD/lab/timeline.xml"' \
	"timeline.xml metadata lists each label with its root"
ok '[ "$(grep -o "exhibit=\"[^\"]*\"" "$TMPD/lab/timeline.xml" | sort | tr "\n" " ")" = \
	"exhibit=\"A1\" exhibit=\"A2 检材二\" " ]' \
	"the linked accounts name their labelled exhibits"
ok 'grep -q "检材 (exhibit) <b data-k=\"exhibit_label\">A1</b> = <code>demo</code>" \
	"$TMPD/lab/report.html"' "report.html's evidence list shows label = root"
ok 'grep "\"action\":\"evidence-root\"" "$TMPD/lab/audit.jsonl" | grep -q "\"name\":\"demo\".*\"exhibit_label\":\"A1\""' \
	"the audit log records the label with its root"
check_timeline "$TMPD/lab/timeline.xml" "the labelled bundle"
ok '"$WXF" verify "$TMPD/lab" > /dev/null 2>&1' "verify accepts the labelled bundle"
# mistakes in labels are the examiner's: exit 2, nothing written
badlabel() { # what, the message it must give, then the case arguments
	what=$1 want=$2; shift 2
	rm -rf "$TMPD/bad"
	(cd "$TMPD/ev" && "$WXF" case -q -o ../bad "$@" > /dev/null 2> ../bad.err)
	rc=$?
	is "$rc" 2 "$what: exit 2"
	ok 'grep -q -- "$want" "$TMPD/bad.err"' "$what: the message says '$want'"
	ok '[ ! -e "$TMPD/bad/manifest.sha256" ] && [ ! -e "$TMPD/bad/report.html" ]' "$what: no bundle"
}
badlabel "no '='" "expected LABEL=PATH" --exhibit-label A1 hostile
badlabel "an empty label" "expected LABEL=PATH" --exhibit-label =demo hostile
badlabel "a control character in a label" "not visible UTF-8 text" \
	--exhibit-label "$(printf 'A\0331')=demo" hostile
badlabel "one label for two roots" "'A1' labels two evidence paths" \
	--exhibit-label A1=demo --exhibit-label A1=hostile
badlabel "two labels for one root" "demo has two labels" \
	--exhibit-label A1=demo --exhibit-label A2=demo
badlabel "a label longer than 64 bytes" "longer than 64 bytes" --exhibit-label \
	"$(printf 'x%.0s' $(seq 65))=demo"
(cd "$TMPD/ev" && "$WXF" case -q -o ../none > /dev/null 2> ../none.err)
is "$?" 2 "no evidence and no label: exit 2"
ok 'grep -q "no evidence given" "$TMPD/none.err"' "no evidence: the message says so"

# one --key for a case of several platforms: the desktop key opens the Windows account, and the
# Android account, which it does not open, has its key derived as without it (said in the key
# statement and the audit log) instead of being left unread
cp -r "$top_srcdir/fixtures/win3/laptop" "$TMPD/ev/"
W3KEY=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["key"])' \
	"$top_srcdir/fixtures/win3/win3.truth.json")
(cd "$TMPD/ev" && SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o ../mixed --key "$W3KEY" \
	demo laptop > ../mixed.stdout 2> ../mixed.stderr)
is "$?" 0 "demo and a Windows laptop with the laptop's --key: exit 0"
ok 'grep -q "message databases read: 3 of 3" "$TMPD/mixed.stdout"' "every database read"
ok 'grep "\"action\":\"key.given\"" "$TMPD/mixed/audit.jsonl" | grep -q "\"database\":\"demo/.*EnMicroMsg.db\".*derived instead"' \
	"the audit log says the given key does not open demo's database and the key was derived"
ok 'grep -q "the key given with --key does not open this database" "$TMPD/mixed/report.html"' \
	"the report's key statement says so"
ok '! grep "\"action\":\"key.given\"" "$TMPD/mixed/audit.jsonl" | grep -q laptop' \
	"nothing of the kind for the laptop, which the key opens"

python3 - "$TMPD" > "$TMPD/py" <<'PY'
import json, os, re, sys
T = sys.argv[1]
n = 0
def check(cond, what):
    global n
    n += 1
    print(("ok - " if cond else "not ok - ") + what)

def audit(b):
    return [json.loads(l) for l in open(os.path.join(T, b, "audit.jsonl"), encoding="utf-8")]

def analyses(b):
    out = {}
    for r in audit(b):
        if r["action"] != "analysis":
            continue
        key = r.get("account_dir", "")
        out[key] = {k: v for k, v in r.items()
                    if k not in ("seq", "time", "prev", "tool", "account", "account_dir")}
    return out

def events(b):
    return [json.loads(l) for l in open(os.path.join(T, b, "timeline.jsonl"), encoding="utf-8")]

roots = {"demo": "demo/", "demo-wal": "demo-wal/", "hostile": "hostile/"}
multi = analyses("multi1")
check(len(multi) == 3, "three analyses, one per account (%d)" % len(multi))
for one, root in roots.items():
    single = analyses("single-" + one)[""]
    mine = [v for k, v in multi.items() if k.startswith(root)]
    check(len(mine) == 1 and mine[0] == single,
          "%s: its analysis in the multi-account case equals its single run (%s)" % (one, single))

ev = events("multi1")
accounts = sorted({e.get("account") for e in ev})
check(len(accounts) == 3 and None not in accounts, "every event names its account: %s" % accounts)
bad = []
for e in ev:
    acct = e["account"]
    root = acct.split("/data/")[0] + "/"
    f = e.get("source_file")
    if f is None or not f.startswith(root):
        bad.append((e["wxf_id"], acct, f))
check(not bad, "every event cites a file of its own account's extraction (%d do not: %s)"
      % (len(bad), bad[:3]))
ids = [e["wxf_id"] for e in ev]
check(len(ids) == len(set(ids)), "event ids are unique across the accounts")

# per account, the multi-account events are the single run's events, ids included (a record's
# id does not depend on how many exhibits the case has: payment, contact and deleted-
# conversation ids derive from the account's folder with one account too); the second account
# with the same folder name has its images in work/<id>-2/: compare them without that
def norm(e):
    e = {k: v for k, v in e.items() if k != "account"}
    if e.get("image"):
        e["image"] = re.sub(r"^(work/[0-9a-f]{32})-[0-9]+/", r"\1/", e["image"])
    return json.dumps(e, sort_keys=True, ensure_ascii=False)

for one, root in roots.items():
    single = sorted(norm(e) for e in events("single-" + one))
    mine = sorted(norm(e) for e in ev if e["account"].startswith(root))
    check(single == mine, "%s: its %d events in the multi-account case are its single run's, "
          "with the same ids" % (one, len(single)))
    pids = sorted(e["wxf_id"] for e in events("single-" + one) if e["wxf_id"].startswith("p-"))
    check(pids and all(re.match(r"^p-[0-9a-f]{8}\.", x) for x in pids),
          "%s: payment ids carry the account's tag with one account too (%s)" % (one, pids[:2]))

# the seller of each account is that account's: demo and demo-wal propose wxid_seller88, hostile
# wxid_attacker01; neither is credited with the other's messages
for r in audit("multi1"):
    if r["action"] == "analysis":
        want = "wxid_attacker01" if r["account_dir"].startswith("hostile/") else "wxid_seller88"
        check(r["seller"] == want, "%s: seller %s" % (r["account_dir"], r["seller"]))

# the seller across exhibits (timeline.xml <seller_across_exhibits>, report.html #xseller)
import xml.etree.ElementTree as ET
NS = "{urn:wxforensic:timeline:2}"
truth = json.load(open(os.path.join(os.environ["top_srcdir"], "fixtures/android/demo.truth.json"),
                       encoding="utf-8"))
tl = truth["ledger"]
def xs(b):
    root = ET.parse(os.path.join(T, b, "timeline.xml")).getroot()
    return root.find(NS + "seller_across_exhibits")
x = xs("multi1")
check(x is not None and x.get("sellers") == "1", "one seller across exhibits")
sel = x.findall(NS + "seller") if x is not None else []
if sel:
    s = sel[0]
    accts = [a.get("key") for a in s.findall(NS + "account")]
    check(len(accts) == 2 and all(a.startswith(("demo/", "demo-wal/")) for a in accts),
          "it spans demo and demo-wal, not hostile: %s" % accts)
    check([a.get("exhibit") for a in s.findall(NS + "account")] == ["demo-wal", "demo"],
          "each account names its exhibit")
    ids = {(i.get("kind"), i.get("value")): i for i in s.findall(NS + "identifier")}
    w = ids.get(("wxid", truth["seller"]))
    check(w is not None and w.get("link") == "same-account" and w.get("linking") == "true"
          and len(w.findall(NS + "seen")) == 2, "linked by the seller's wxid in both exhibits")
    # every sighting cites a record of its own exhibit's database
    bad = [(i.get("value"), sn.get("account")) for i in s.findall(NS + "identifier")
           for sn in i.findall(NS + "seen") if sn.find(NS + "provenance") is not None and
           not sn.find(NS + "provenance").get("file", "").startswith(sn.get("account").split("/")[0] + "/")]
    check(not bad, "each sighting cites a file of its own exhibit (%s)" % bad[:3])
    nick = [i for i in s.findall(NS + "identifier") if i.get("kind") == "nickname"]
    check(nick and all(i.get("link") == "name-only" and i.get("linking") == "false" for i in nick),
          "nicknames are listed, never linking")
    v = s.findall(NS + "victim")
    check(len(v) == 1 and v[0].get("owner") == truth["owner"]["wxid"],
          "one victim, the owner of both exhibits (%s)" % [e.get("owner") for e in v])
    if v:
        t = v[0].find(NS + "totals")
        c = v[0].find(NS + "crpl55")
        check(t is not None and int(t.get("paid_fen")) == tl["paid_fen"] and
              int(t.get("refunded_fen")) == tl["refunded_fen"] and
              int(t.get("net_fen")) == tl["net_fen"],
              "the victim's paid, refunded and net are the truth's, each transfer once (%s)"
              % (t.attrib if t is not None else None))
        check(c is not None and c.get("applicable") == "true" and
              int(c.get("result_fen")) == tl["crpl55_fen"],
              "the victim's CRPL figure is the truth's (%s)" % (c.attrib if c is not None else None))
        check(int(v[0].get("transfers")) == int(v[0].get("repeated")) > 0 and
              v[0].get("disagree") == "0", "every transfer was found in both exhibits and "
              "counted once; none disagrees (%s)" % v[0].attrib)
    tot = s.find(NS + "crpl55_total")
    check(tot is not None and int(tot.get("sum_fen")) == tl["crpl55_fen"],
          "the seller's total figure is the one victim's")
x2 = xs("multi2")
check(x2 is not None and ET.tostring(x2) == ET.tostring(x),
      "the same seller-across-exhibits element in the other order")
for one in roots:
    check(xs("single-" + one) is None, "%s alone: no seller-across-exhibits element" % one)
html = open(os.path.join(T, "multi1", "report.html"), encoding="utf-8").read()
check('<section id="xseller">' in html and 'href="#xseller"' in html and
      "The seller across exhibits" in html, "report.html has the section and its contents entry")
PY
[ $? -eq 0 ] || fail "python checks ran"
tap_py < "$TMPD/py"
done_testing
