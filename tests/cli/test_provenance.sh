# SPDX-License-Identifier: Apache-2.0
# Evidence that survives cross-examination.  Over every fixture bundle (the demo, demo-wal and
# hostile extractions, the demo wrapped as a plain and an encrypted .ab, the Huawei backup, the
# WeChat PC backup and its hostile variant):
#   - every cited byte range is re-read by an independent checker (tests/tools/
#     check_provenance.py, Python's standard library): the cited file exists (a WAL frame in a
#     -wal), its SHA-256 matches range_sha256 and it holds the reported text, in the range or in
#     the SQLite record whose cell starts there; `verify --provenance` agrees; a flipped byte or
#     a forged range hash is caught and the item named;
#   - two output folders and two spellings of the evidence path give byte-identical bundles, no
#     absolute path of the bundle appears in it;
#   - the recovered count agrees everywhere (summary card, conversation headers, seller card,
#     XML, JSONL) and equals the ground truth; PC backup rows are intact;
#   - unreadable evidence is never silent: a wrong or missing backup password exits 3 with an
#     audit record and a limitation naming the real reason;
#   - no CRPL figure without a paid seller; an unknown --seller is a usage error with candidates;
#   - timeline.jsonl's "message" carries no raw C0/C1, bidi or zero-width code point.
. "$top_srcdir/tests/cli/lib.sh"
FX=$(cd "$top_srcdir/fixtures" && pwd)
CHECK="$top_srcdir/tests/tools/check_provenance.py"
PCKEY=3a7c9e1f5b2d4a6c8e0f1a2b3c4d5e6f
PC="$FX/backup/pc/WeChat Files/wxid_daigou_lin/BackupFiles/android_5f0e3c2a9b7d4e61a8c2f03b6d9e1a47"
HWPW=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["password"])' "$FX/backup/huawei.truth.json")
export SOURCE_DATE_EPOCH=1780000000
mkdir -p "$TMPD/ev" "$TMPD/a" "$TMPD/b/deeper"
python3 "$top_srcdir/tests/tools/make_containers.py" "$FX/android/demo/data/data/com.tencent.mm" "$TMPD/ev" > /dev/null
cp -r "$FX/backup/huawei/old" "$TMPD/ev/huawei-old"

# run NAME DIR-TO-RUN-IN EVIDENCE-AS-TYPED [options]: bundle in $TMPD/a/NAME; exit status in $rc
run() {
	name=$1 dir=$2 ev=$3
	shift 3
	(cd "$dir" && "$WXF" case -q "$@" -o "$TMPD/a/$name" "$ev" > "$TMPD/$name.out" 2> "$TMPD/$name.err")
	rc=$?
}
# again NAME DIR EVIDENCE [options]: the same evidence spelt otherwise, into another folder
again() {
	name=$1 dir=$2 ev=$3
	shift 3
	(cd "$dir" && "$WXF" case -q "$@" -o "$TMPD/b/deeper/$name" "$ev" > /dev/null 2>&1)
}

# --- every fixture: cited bytes, reproducibility ------------------------------------------
check_bundle() { # NAME: the independent checker and verify --provenance
	name=$1
	python3 "$CHECK" "$TMPD/a/$name" > "$TMPD/$name.chk"
	c=$?
	ok "[ $c -eq 0 ] && python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r[\"checked\"] > 0 and r[\"text_checked\"] > 0 else 1)' '$TMPD/$name.chk'" \
	    "$name: every cited range holds its record (independent check: $(cut -c1-160 "$TMPD/$name.chk"))"
	"$WXF" verify --provenance "$TMPD/a/$name" > "$TMPD/$name.ver" 2>&1
	is "$?" 0 "$name: verify --provenance exits 0"
	ok 'grep -q " 0 mismatch(es)" "$TMPD/$name.ver"' "$name: verify --provenance finds 0 mismatches"
	ok '! grep -rqF "$TMPD/a/$name" "$TMPD/a/$name" --exclude=audit.jsonl' "$name: no absolute path of the bundle in it"
}
same() { # NAME: both bundles byte-identical (manifests, and so every listed file)
	sname=$1
	ok '[ -s "$TMPD/a/$sname/manifest.sha256" ] &&
	    cmp -s "$TMPD/a/$sname/manifest.sha256" "$TMPD/b/deeper/$sname/manifest.sha256"' \
	    "$sname: two output folders and two spellings of the evidence path give the same bundle"
}

run demo "$FX/android" demo
is "$rc" 0 "demo: case exits 0"
check_bundle demo
again demo / "$FX/android/demo/"
same demo
run demo-wal "$FX" android/demo-wal
is "$rc" 0 "demo-wal: case exits 0"
check_bundle demo-wal
ok 'python3 -c "import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))[\"wal_frames\"] > 0 else 1)" "$TMPD/demo-wal.chk"' \
    "demo-wal: rows read from WAL frames are cited in the -wal"
run hostile "$FX/android" hostile
is "$rc" 0 "hostile: case exits 0"
check_bundle hostile
run ab "$TMPD/ev" plain.ab
is "$rc" 0 "plain .ab: case exits 0"
check_bundle ab
again ab "$TMPD" "$TMPD/ev/./plain.ab"
same ab
run enc "$TMPD/ev/enc" encrypted.ab --backup-password ab-pass-2026
is "$rc" 0 "encrypted .ab: case exits 0"
check_bundle enc
again enc "$TMPD/ev" enc/encrypted.ab --backup-password ab-pass-2026
same enc
run hw "$TMPD/ev" huawei-old --backup-password "$HWPW"
is "$rc" 0 "Huawei backup: case exits 0"
check_bundle hw
again hw / "$TMPD/ev/huawei-old" --backup-password "$HWPW"
same hw
run pc "$(dirname "$PC")" "$(basename "$PC")" --backup-key "$PCKEY"
is "$rc" 0 "PC backup: case exits 0"
check_bundle pc
again pc / "$PC" --backup-key "$PCKEY"
same pc
# the hostile PC backup has no Config row: its owner is known from the folder's name only, a
# zero-length citation of that folder whose name must hold it
run pch "$FX/backup/pc-hostile" "WeChat Files" --backup-key "$PCKEY"
is "$rc" 0 "hostile PC backup: case exits 0"
check_bundle pch

# --- tampering is caught and named ----------------------------------------------------------
cp -r "$TMPD/a/demo" "$TMPD/t1"
python3 - "$TMPD/t1" > "$TMPD/t1.id" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = "{urn:wxforensic:timeline:2}"
out = sys.argv[1]
for e in ET.parse(out + "/timeline.xml").getroot().iter(ns + "event"):
    p = e.find(ns + "provenance")
    if e.get("type") == "message" and p is not None and p.get("image") and int(p.get("length")) > 40:
        f = open(out + "/" + p.get("image"), "r+b")
        off = int(p.get("offset")) + int(p.get("length")) - 3
        f.seek(off); b = f.read(1); f.seek(off); f.write(bytes([b[0] ^ 0x55])); f.close()
        print(e.get("id")); break
PY
"$WXF" verify --provenance "$TMPD/t1" > "$TMPD/t1.ver" 2>&1
is "$?" 1 "a flipped byte inside a cited range: verify --provenance exits 1"
ok 'grep -q "MISMATCH  $(cat "$TMPD/t1.id"): the SHA-256 of bytes" "$TMPD/t1.ver"' "...and names the message ($(cat "$TMPD/t1.id"))"
cp -r "$TMPD/a/demo" "$TMPD/t2"
first=$(grep -o 'range_sha256="[0-9a-f]*"' "$TMPD/t2/timeline.xml" | sed -n 5p)
sed -i "0,/$first/s//range_sha256=\"$(printf '0%.0s' $(seq 64))\"/" "$TMPD/t2/timeline.xml"
"$WXF" verify --provenance "$TMPD/t2" > "$TMPD/t2.ver" 2>&1
is "$?" 1 "a forged range_sha256: verify --provenance exits 1"
ok 'grep -q "the bundle says 0000000000000000" "$TMPD/t2.ver"' "...and says which hash the bundle claims"
cp -r "$TMPD/a/demo" "$TMPD/t3"
python3 - "$TMPD/t3" <<'PY'
import re, sys
p = sys.argv[1] + "/timeline.xml"
s = open(p, encoding="utf-8").read()
# a reported text the cited bytes do not hold (the hash is left alone)
s = s.replace("<text>好的妈，周六中午回去。</text>", "<text>我从来没有收到过这笔钱。</text>", 1)
open(p, "w", encoding="utf-8").write(s)
PY
"$WXF" verify --provenance "$TMPD/t3" > "$TMPD/t3.ver" 2>&1
is "$?" 1 "a reported text the cited bytes do not hold: verify --provenance exits 1"
ok 'grep -q "do not hold the reported text" "$TMPD/t3.ver"' "...and says so"

# --- one recovered count ---------------------------------------------------------------------
python3 - "$TMPD/a/demo" "$FX/android" > "$TMPD/counts.out" <<'PY'
import json, re, sys, xml.etree.ElementTree as ET
out, fx = sys.argv[1], sys.argv[2]
ns = "{urn:wxforensic:timeline:2}"
truth = json.load(open(fx + "/demo.truth.json")); residue = json.load(open(fx + "/demo.residue.json"))
fts = json.load(open(fx + "/demo.fts.truth.json"))
FREE = ("free space", "freelist", "unallocated", "overflow")
res = {(x["table"], x["msgId"]): x for x in residue["rows"]}
surv = {m["msgId"] for m in truth["messages"] if m["state"] == "deleted" and (m["table"], m["msgId"]) in res
        and any(any(k in h["where"] for k in FREE) or h.get("file") == "wal" for h in res[(m["table"], m["msgId"])]["hits"])}
in_fts = {e["msgId"] for e in fts["entries"] if e["message_state"] == "deleted"}
want = len(surv | in_fts)
REC = ("deleted-recovered", "partially-recovered")
ev = [e for e in ET.parse(out + "/timeline.xml").getroot().iter(ns + "event") if e.get("type") == "message"]
xml_rec = [e for e in ev if e.find(ns + "provenance").get("status") in REC]
jl = [r for r in map(json.loads, open(out + "/timeline.jsonl", encoding="utf-8")) if r.get("wxf_type") == "message"]
jl_rec = [r for r in jl if r["deleted"]]
html = re.sub(r"<[^>]+>", "", open(out + "/report.html", encoding="utf-8").read())
nums = [int(x) for x in re.findall(r"其中已删除·恢复 (\d+) \(recovered\)", html)]
card, headers = nums[0], nums[1:]
seller = re.search(r"本机用户发给卖家 \d+ 条 \(to the seller\)，其中已删除·恢复 (\d+) 条", html)
def tx(e, tag):
    x = e.find(ns + tag)
    return x.text if x is not None else None
sel = [e for e in xml_rec if "wxid_seller88" in (tx(e, "sender"), tx(e, "conversation"))]
def check(c, n): print(("ok" if c else "not ok") + " - " + n)
check(want == 39, "demo ground truth: %d deleted messages survive (db free space or full-text index)" % want)
check(len(xml_rec) == want and len(jl_rec) == want and card == want and sum(headers) == want,
      "demo: recovered count %d in timeline.xml, %d in timeline.jsonl, %d on the summary card, %d summed over the "
      "conversation headers; truth %d" % (len(xml_rec), len(jl_rec), card, sum(headers), want))
check(seller is not None and int(seller.group(1)) == len(sel),
      "demo: the seller card's recovered count (%s) is the seller's recovered messages in timeline.xml (%d)"
      % (seller.group(1) if seller else None, len(sel)))
# the messages known only from the full-text index: in their conversation, and the received
# ones with their sender (the index entry kept the direction)
only_fts = sorted(in_fts - surv)
tm = {m["msgId"]: m for m in truth["messages"]}
ftsev = [e for e in xml_rec if e.find(ns + "provenance").get("table") == "FTS5IndexMessage_content"]
def fts_ok(mid):
    t = tm[mid]
    for e in ftsev:
        w = [p for p in e.iter(ns + "provenance") if p.get("table") == "messageIdIndex" and p.get("rowid") == str(mid)]
        if w:
            return tx(e, "conversation") == t["talker"] and (t.get("isSend") != 0 or tx(e, "sender") == t["talker"])
    return False
check(len(ftsev) == len(only_fts) and all(fts_ok(x) for x in only_fts),
      "demo: the %d messages known only from the full-text index cite its row, sit in their conversation, "
      "received ones with their sender (msgIds %s)" % (len(only_fts), only_fts))
frag = ET.parse(out + "/timeline.xml").getroot().find(ns + "fragments")
check(all(e.find(ns + "provenance").get("table") not in ("messageIdIndex",) for e in ev),
      "demo: no message cites an index entry as its own bytes")
check(frag is None or all(f.find(ns + "text") is None for f in frag), "demo: fragments carry no text and are not events")
PY
while read -r line; do case "$line" in ok*) pass "${line#ok - }";; *) fail "${line#not ok - }";; esac; done < "$TMPD/counts.out"
ok '[ "$(grep -c "only recovered rows\|some rows recovered" "$TMPD/a/pc/report.html")" = 0 ] &&
    ! grep -q "status=\"deleted-recovered\"\|status=\"partially-recovered\"" "$TMPD/a/pc/timeline.xml" &&
    grep -q "其中已删除·恢复 0 (recovered)" "$TMPD/a/pc/report.html"' \
    "PC backup: every row intact; no conversation, ledger row or card says recovered"

# --- unreadable evidence: exit 3, audit record, the real reason --------------------------------
run wrongpw "$TMPD/ev/enc" encrypted.ab --backup-password not-the-password
is "$rc" 3 "wrong backup password: exit 3 (evidence unreadable), the bundle still written"
ok '[ -f "$TMPD/a/wrongpw/manifest.sha256" ]' "...the bundle is written"
ok 'grep "\"action\":\"unpack-container\"" "$TMPD/a/wrongpw/audit.jsonl" | grep -q "wrong backup password"' \
    "...an audit record names the failed container and the wrong password"
ok 'grep -q "could not be unpacked: Android backup: wrong backup password" "$TMPD/a/wrongpw/report.html" &&
    ! grep -q "give the backup password" "$TMPD/a/wrongpw/report.html"' \
    "...the limitation says the password was wrong, not that one is needed"
run nopw "$TMPD/ev/enc" encrypted.ab
is "$rc" 3 "missing backup password: exit 3"
ok 'grep "\"action\":\"unpack-container\"" "$TMPD/a/nopw/audit.jsonl" | grep -q "password-encrypted"' \
    "...an audit record says a password is needed"
run nokey "$(dirname "$PC")" "$(basename "$PC")"
is "$rc" 3 "PC backup without its key: exit 3"
ok 'grep -q "\"action\":\"evidence-unreadable\"" "$TMPD/a/nokey/audit.jsonl"' "...an evidence-unreadable audit record"

# --- CRPL and --seller ---------------------------------------------------------------------------
ok 'grep -q "CRPL art. 55 figure: ¥14,640.00" "$TMPD/demo.out"' "demo: a paid seller, a CRPL figure"
ok '! grep -q "CRPL" "$TMPD/hostile.out" && grep -q "不适用 (n/a)" "$TMPD/a/hostile/report.html" &&
    ! grep -q "¥500.00</div>" "$TMPD/a/hostile/report.html"' "hostile: no accepted payment, no CRPL figure (no ¥500 out of nothing)"
run nobody "$FX/android" demo --seller wxid_nobody
is "$rc" 2 "--seller naming nobody in the evidence: usage error (2)"
ok 'grep -q "candidates by money and messages: wxid_seller88" "$TMPD/nobody.err"' "...listing the candidates"

# --- invisible characters in Timesketch's message field -------------------------------------
ok 'python3 - "$TMPD/a/hostile/timeline.jsonl" <<"PY"
import json, sys, unicodedata
# line breaks and tabs are text (JSON escapes them); every other control or format character
# would act on the display instead of being seen
bad = [c for r in map(json.loads, open(sys.argv[1], encoding="utf-8")) for c in r["message"]
       if (unicodedata.category(c) in ("Cc", "Cf") and c not in "\n\t\r") or c in "\u2028\u2029"]
sys.exit(1 if bad else 0)
PY' "hostile: no raw C0/C1 (but line breaks and tabs), bidi or zero-width code point in any JSONL \"message\""
ok 'grep -q "U+202E" "$TMPD/a/hostile/timeline.jsonl"' "...they are written as [U+XXXX] there"
done_testing
