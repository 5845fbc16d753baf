# SPDX-License-Identifier: Apache-2.0
# Hostile message content, inserted into a copy of the demo database with the sqlcipher CLI:
# one 10 MB message of the seller that repeats indicator phrases about 1.5 million times (the
# report must stay about the size of the message: one hit row per message, each phrase once
# with its count, bounded excerpts; the run must stay short), and a message hiding text behind
# U+2028, a tag character and U+3164 (each shown as a visible [U+XXXX] marker, never raw).
. "$top_srcdir/tests/cli/lib.sh"

SQLCIPHER=${SQLCIPHER_CLI:-sqlcipher}
if ! command -v "$SQLCIPHER" > /dev/null 2>&1; then
	fail "sqlcipher CLI missing (build-aux/wxf-setup-debian installs it)"
	done_testing
fi
DEMO="$top_srcdir/fixtures/android/demo"
DB=data/data/com.tencent.mm/MicroMsg/3f697aed723585f78970087d60f92124/EnMicroMsg.db
key=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["key"])' "$DEMO.truth.json")
cp -r "$DEMO" "$TMPD/big"
chmod -R u+w "$TMPD/big"
# 388,000 x "专柜正品 高仿 原单 " = 10,476,000 bytes; the indicator list holds 专柜, 正品,
# 专柜正品, 高仿 and 原单, so every repetition is five hits
"$SQLCIPHER" "$TMPD/big/$DB" "PRAGMA key='$key'; PRAGMA cipher_use_hmac=OFF; PRAGMA cipher_page_size=1024; PRAGMA kdf_iter=4000;
INSERT INTO message(msgId, msgSvrId, type, status, isSend, createTime, talker, content)
 VALUES(100000, 8659035667409770001, 1, 3, 0, 1772332250000, 'wxid_seller88',
 replace(hex(zeroblob(388000)), '00', '专柜正品 高仿 原单 '));
INSERT INTO message(msgId, msgSvrId, type, status, isSend, createTime, talker, content)
 VALUES(100001, 8659035667409770002, 1, 3, 0, 1772332260000, 'wxid_seller88',
 'LS' || char(8232) || 'TAG' || char(917569) || 'HF' || char(12644) || 'END');" > /dev/null
ok '[ "$?" = 0 ] && [ "$(stat -c %s "$TMPD/big/$DB")" -gt 10000000 ]' "10 MB message inserted with the sqlcipher CLI"
before=$(snapshot "$TMPD/big")

t0=$(date +%s)
(cd "$TMPD" && timeout 600 "$WXF" case -q -o out big > out.stdout 2> out.stderr)
rc=$?
secs=$(( $(date +%s) - t0 ))
is "$rc" 0 "10 MB message: case exits 0"
diag "case on the 10 MB message: $secs s, report.html $(stat -c %s "$TMPD/out/report.html") bytes"
ok '[ "$secs" -lt 300 ]' "10 MB message: the run stays short ($secs s; before hits were bounded it had not finished after 600 s)"
ok '[ "$(stat -c %s "$TMPD/out/report.html")" -lt 25000000 ]' \
	"10 MB message: report.html stays near the message's size (under 25 MB)"
is "$(snapshot "$TMPD/big")" "$before" "evidence unchanged"
python3 - "$TMPD/out" > "$TMPD/py" <<'PY'
import os, re, sys
out = sys.argv[1]
def ok(c, n): print(("ok - " if c else "not ok - ") + n)
rep = open(os.path.join(out, "report.html"), encoding="utf-8").read()
sec = rep[rep.find('id="indicators"'):]
sec = sec[:sec.find("</section>")]
rows = re.split(r'<div class="hitmsg">', sec)[1:]
big = [r for r in rows if "×388000" in r]
ok(len(big) == 1, "one hit row for the 10 MB message (%d)" % len(big))
ok(big and all(("<mark>%s</mark> ×388000" % p) in big[0] for p in ("专柜", "正品", "专柜正品", "高仿", "原单")),
   "each phrase listed once with its count (×388000)")
ok(big and len(big[0]) < 4000, "that row is bounded (%d bytes)" % (len(big[0]) if big else -1))
ok(len(sec) < 200000, "the whole indicator section is bounded (%d bytes)" % len(sec))
xml = open(os.path.join(out, "timeline.xml"), encoding="utf-8").read()
jl = open(os.path.join(out, "timeline.jsonl"), encoding="utf-8").read()
csv = open(os.path.join(out, "csv", "messages.csv"), encoding="utf-8-sig").read()
for cp in ("\u2028", "\U000E0041", "\u3164"):
    name = "U+%04X" % ord(cp)
    ok(cp not in rep and cp not in xml and cp not in csv, name + " never raw in the HTML, XML or CSV")
    ok(("[%s]" % name) in rep and ("[%s]" % name) in xml, name + " shown as [%s] in the HTML and XML" % name)
ok("LS[U+2028]TAG[U+E0041]HF[U+3164]END" in rep, "the hidden text reads LS[U+2028]TAG[U+E0041]HF[U+3164]END")
ok("\u2028" not in jl and "\\u2028" in jl and "\\u3164" in jl and "\\udb40\\udc41" in jl,
   "JSON lines escape them (\\u2028, \\u3164, \\udb40\\udc41)")
PY
while IFS= read -r line; do case "$line" in "ok - "*) pass "${line#ok - }";; *) fail "${line#not ok - }";; esac; done < "$TMPD/py"
done_testing
