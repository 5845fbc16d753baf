# SPDX-License-Identifier: Apache-2.0
# wxforensic case on the hostile fixture: markup, event handlers, javascript: links, RTL
# override, zero-width characters, NUL, invalid UTF-8, external entities and entity bombs in
# the evidence must come out as inert, visible text in every output (reporting.md item 34), and
# a message without a time must say "unknown", never 1970 (item 12).
. "$top_srcdir/tests/cli/lib.sh"

ev="$top_srcdir/fixtures/android/hostile"
[ -d "$ev" ] || { fail "fixture hostile missing"; done_testing; }
before=$(snapshot "$ev")
(cd "$TMPD" && SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o out "$ev" > out.stdout 2> out.stderr)
is "$?" 0 "case on the hostile fixture exits 0"
is "$(snapshot "$ev")" "$before" "hostile evidence unchanged"
python3 "$top_srcdir/tests/tools/check_bundle.py" "$TMPD/out" "$ev" "$ev.truth.json" \
	--stdout "$TMPD/out.stdout" --hostile > "$TMPD/py"
while IFS= read -r line; do case "$line" in "ok - "*) pass "hostile: ${line#ok - }";; "not ok - "*) fail "hostile: ${line#not ok - }";; *) echo "$line";; esac; done < "$TMPD/py"
check_timeline "$TMPD/out/timeline.xml" "hostile"
python3 - "$TMPD/out" > "$TMPD/h" <<'PY'
import json, os, re, sys
out = sys.argv[1]
rep = open(os.path.join(out, "report.html"), encoding="utf-8").read()
xml = open(os.path.join(out, "timeline.xml"), encoding="utf-8").read()
jl = open(os.path.join(out, "timeline.jsonl"), encoding="utf-8").read()
def ok(c, n): print(("ok - " if c else "not ok - ") + n)
ok("&lt;script&gt;alert(1)&lt;/script&gt;" in rep, "<script> payload shown as text in the HTML")
ok(not re.search(r"<script", rep, re.I), "no <script> tag in the HTML")
ok("&lt;img src=x onerror=alert(1)&gt;" in rep and not re.search(r"<img[^>]*onerror", rep, re.I),
   "onerror payload shown as text, no <img onerror>")
ok("javascript:alert" in rep and not re.search(r"href=\"\s*javascript:", rep, re.I),
   "javascript: URL shown as text, never a link")
for cp in ("\u202e", "\u200b", "\u200d", "\ufeff"):
    ok(cp not in rep and cp not in xml, "U+%04X never raw in HTML or XML" % ord(cp))
ok("[U+202E]" in rep and "[U+200B]" in rep, "RTL override and zero-width marked visibly ([U+202E], [U+200B])")
ok("<!DOCTYPE" not in xml and "<!ENTITY" not in xml and "<!DOCTYPE" not in rep[20:] and "<!ENTITY" not in rep,
   "entity declarations in the evidence never become declarations in the outputs")
ok("root:" not in rep + xml + jl, "no external entity was resolved (/etc/passwd absent)")
ok("lollollollollollollollollollollollollollol" not in rep + xml, "no entity bomb expanded")
ok("\x00" not in rep + xml + jl, "no NUL byte in any output")
ev = [m for m in re.finditer(r'<event id="(m-[0-9a-f]+)" type="message" time="([^"]+)"', xml)]
notime = [e for e in ev if "没有时间戳" in xml[e.end():xml.find("</event>", e.end())]]
ok(notime and all(e.group(2) == "unknown" for e in notime), "message without createTime: time=\"unknown\" in the XML")
i = rep.find('id="%s"' % notime[0].group(1)) if notime else -1
ok(i >= 0 and "时间不明 / unknown" in rep[i:i + 600], "...and \"时间不明 / unknown\" in its HTML bubble")
ok(not re.search(r"19[79]0-01-01", rep + xml + jl), "no 1970/1900 date anywhere")
csvm = open(os.path.join(out, "csv", "messages.csv"), encoding="utf-8-sig").read()
ok("Robert'); DROP TABLE message;--" in csvm, "SQL-injection text kept verbatim as data in the CSV")
PY
while IFS= read -r line; do case "$line" in "ok - "*) pass "hostile: ${line#ok - }";; *) fail "hostile: ${line#not ok - }";; esac; done < "$TMPD/h"
done_testing
