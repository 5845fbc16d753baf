# SPDX-License-Identifier: Apache-2.0
# Examiner tags on the demo: case --tags FILE with a tag file written here (Python, from the
# ids of a bundle made without tags) tagging a message, a payment event and a recovered
# (deleted) message; each tag found in report.html's examiner selection (linked to its
# record, with its provenance), timeline.xml (<tags>, schema-valid), timeline.jsonl
# (examiner_tags) and report.pdf's text (skipped without WeasyPrint, as test_report_pdf.sh
# does); the file's hashes in manifest.sha256 and audit.jsonl; verify passes; two runs
# byte-identical and the rows' order irrelevant; unknown ids and malformed files refused with
# exit 2; wxforensic tags OUTDIR and --tag-template, and their refusals.
. "$top_srcdir/tests/cli/lib.sh"

ev="$top_srcdir/fixtures/android/demo"
[ -d "$ev" ] || { fail "fixture demo missing"; done_testing; }
case_run() { # dir tagfile [extra options...]: case in $TMPD/dir, bundle "out"
	_d=$1 _t=$2; shift 2
	mkdir -p "$TMPD/$_d"
	(cd "$TMPD/$_d" && SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q --case-number CASE-TAGS \
		--examiner "Test Examiner" ${_t:+--tags "$_t"} "$@" -o out "$ev" > out.stdout 2> out.stderr)
}

# --- a bundle without tags gives the ids -------------------------------------------------
case_run base ""; is "$?" 0 "case without --tags exits 0"
python3 - "$TMPD/base/out/timeline.jsonl" "$TMPD" <<'PY' || fail "could not pick the records to tag"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
msg = next(r for r in recs if r["wxf_type"] == "message" and not r["deleted"]
           and r.get("text") == "好的妈，周六中午回去。")
pay = next(r for r in recs if r["wxf_type"] == "payment" and r.get("amount_fen") == 128000)
rec = next(r for r in recs if r["wxf_type"] == "message" and r["deleted"]
           and r["origin"] == "freeblock" and r.get("text"))
rows = [
    (msg["wxf_id"], "context", 'note with a comma, a "quote" and 中文', "李警官"),
    (pay["wxf_id"], "payment", "the first transfer\nsecond line", "Li Wei"),
    (rec["wxf_id"], "deleted", "recovered <b>not markup</b>", "Zhang"),
    (msg["wxf_id"], "also", "", ""),
]
def csv(rows, eol):
    q = lambda s: '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\n\r') else s
    return "id,tag,note,examiner" + eol + "".join(",".join(q(f) for f in r) + eol for r in rows)
d = sys.argv[2]
open(d + "/tags.csv", "w", encoding="utf-8", newline="").write(csv(rows, "\r\n"))
# the same tags in another order, LF line ends and an untagged template row
open(d + "/tags-rev.csv", "w", encoding="utf-8", newline="").write(
    "\ufeff" + csv(list(reversed(rows)) + [(msg["wxf_id"], "", "", "")], "\n"))
with open(d + "/ids", "w") as f:
    f.write("%s %s %s\n" % (msg["wxf_id"], pay["wxf_id"], rec["wxf_id"]))
    f.write(msg["text"] + "\n")
PY
read -r MID PID RID < "$TMPD/ids"
MTEXT=$(sed -n 2p "$TMPD/ids")
diag "tagged: message $MID, payment $PID, recovered $RID"

# --- the tagged bundle -------------------------------------------------------------------
cp "$TMPD/tags.csv" "$TMPD/r1.tags.csv"
mkdir -p "$TMPD/r1" "$TMPD/r2" "$TMPD/r3"
cp "$TMPD/tags.csv" "$TMPD/r1/tags.csv"; cp "$TMPD/tags.csv" "$TMPD/r2/tags.csv"
cp "$TMPD/tags-rev.csv" "$TMPD/r3/tags.csv"
case_run r1 tags.csv; is "$?" 0 "case --tags exits 0"
case_run r2 tags.csv; is "$?" 0 "case --tags exits 0 (second run)"
case_run r3 tags.csv; is "$?" 0 "case --tags exits 0 (rows reversed, LF, BOM, an untagged row)"
B="$TMPD/r1/out"
ok 'diff -r "$B" "$TMPD/r2/out" > "$TMPD/diff12"' "two runs with the same evidence and tag file give byte-identical bundles"
[ -s "$TMPD/diff12" ] && head -10 "$TMPD/diff12" | sed 's/^/# /'
ok 'cmp "$TMPD/r1/out/timeline.jsonl" "$TMPD/r3/out/timeline.jsonl"' \
	"the order of the rows does not change timeline.jsonl"
ok 'sed "s/ sha256=\"[0-9a-f]*\"//" "$TMPD/r1/out/timeline.xml" > "$TMPD/x1" &&
    sed "s/ sha256=\"[0-9a-f]*\"//" "$TMPD/r3/out/timeline.xml" > "$TMPD/x3" && cmp "$TMPD/x1" "$TMPD/x3"' \
	"nor timeline.xml (but for the tag file's own hash)"

tap_py() { while IFS= read -r line; do case "$line" in "ok - "*) pass "${line#ok - }";; "not ok - "*) fail "${line#not ok - }";; *) echo "$line";; esac; done; }
python3 - "$B" "$TMPD/tags.csv" "$MID" "$PID" "$RID" <<'PY' > "$TMPD/py"
import hashlib, html, json, re, sys
import xml.etree.ElementTree as ET
B, tagfile, mid, pid, rid = sys.argv[1:6]
want = {  # id -> [(tag, note, examiner)] in tag order
    mid: [("also", "", ""), ("context", 'note with a comma, a "quote" and 中文', "李警官")],
    pid: [("payment", "the first transfer\nsecond line", "Li Wei")],
    rid: [("deleted", "recovered <b>not markup</b>", "Zhang")],
}
def ok(c, what): print(("ok - " if c else "not ok - ") + what)

# timeline.jsonl: examiner_tags on the tagged lines only
recs = [json.loads(l) for l in open(B + "/timeline.jsonl", encoding="utf-8")]
order = [r["wxf_id"] for r in recs]
got = {r["wxf_id"]: [(t["tag"], t["note"], t["examiner"]) for t in r["examiner_tags"]]
       for r in recs if "examiner_tags" in r}
ok(got == want, "timeline.jsonl: examiner_tags on exactly the three records, with tag, note and examiner (%r)" % sorted(got))
by_id = {r["wxf_id"]: r for r in recs}
ok(by_id[rid]["deleted"] is True and by_id[pid]["wxf_type"] == "payment",
   "timeline.jsonl: the tagged records are a recovered message and a payment event")

# timeline.xml: <tags> with one <tag> per tag, in timeline order then tag
NS = "{urn:wxforensic:timeline:2}"
root = ET.parse(B + "/timeline.xml").getroot()
tags = root.find(NS + "tags")
ok(tags is not None, "timeline.xml has <tags>")
sha = hashlib.sha256(open(tagfile, "rb").read()).hexdigest()
ok(tags is not None and tags.get("file") == "tags/tags.csv" and tags.get("sha256") == sha
   and tags.get("count") == "4", "timeline.xml <tags file sha256 count> name the copy and its SHA-256")
xt = [(t.get("ref"), t.get("tag"), t.text or "", t.get("examiner")) for t in tags] if tags is not None else []
exp = sorted(((i, tg, n, e) for i, v in want.items() for (tg, n, e) in v),
             key=lambda x: (order.index(x[0]), x[1]))
ok(xt == exp, "timeline.xml: every <tag ref tag examiner>note</tag>, in timeline order then tag")
evs = {e.get("id"): e.get("type") for e in root.iter(NS + "event")}
ok(all(t.get("ref") in evs and evs[t.get("ref")] == t.get("type") for t in tags),
   "timeline.xml: every tag's ref is an <event id> of its type")

# report.html: the selection section, each row linked to its record, with its provenance
doc = open(B + "/report.html", encoding="utf-8").read()
m = re.search(r'<section id="selection">(.*?)</section>', doc, re.S)
ok(m is not None and "审查人员标注" in m.group(1), "report.html has the section 审查人员标注 (Examiner selection)")
sec = m.group(1) if m else ""
ok('href="#selection"' in doc, "report.html's contents link to it")
rows = re.findall(r'<div class="hitmsg tagged" data-ref="([^"]+)">(.*?)</div>\n', sec, re.S)
ok([r[0] for r in rows] == [e[0] for e in exp], "report.html: one row per tag, in timeline order")
for (ref, body), (i, tg, n, e) in zip(rows, exp):
    cell = lambda k: html.unescape(re.search(r'data-k="%s">(.*?)</' % k, body, re.S).group(1))
    ok(cell("tag") == tg and cell("note") == n and cell("examiner") == e,
       "report.html: %s: tag %r, note and examiner shown (escaped)" % (ref, tg))
    href = re.search(r'<a href="#([^"]+)">' + re.escape(ref) + '</a>', body)
    ok(href is not None and ('id="%s"' % href.group(1)) in doc and href.group(1) == ref,
       "report.html: %s links to its record's anchor in the report" % ref)
    ok('class="prov"' in body and 'data-k="offset"' in body and 'data-k="range_sha256"' in body,
       "report.html: %s shows its provenance (file, offset, range SHA-256)" % ref)
rrow = dict(rows).get(rid, "")
ok('data-k="status">deleted-recovered<' in rrow, "report.html: the recovered message's provenance says deleted-recovered")
ok("<b>not markup</b>" not in doc, "report.html: the note's markup is escaped")

# manifest and audit log
man = dict(reversed(l.rstrip("\n").split("  ", 1)) for l in open(B + "/manifest.sha256"))
ok(man.get("tags/tags.csv") == sha, "manifest.sha256 lists tags/tags.csv with the file's SHA-256")
ok(open(B + "/tags/tags.csv", "rb").read() == open(tagfile, "rb").read(), "tags/tags.csv is the tag file, byte for byte")
raw = open(tagfile, "rb").read()
aud = [json.loads(l) for l in open(B + "/audit.jsonl", encoding="utf-8")]
ti = [a for a in aud if a["action"] == "tags-input"]
ok(len(ti) == 1 and ti[0]["md5"] == hashlib.md5(raw).hexdigest() and ti[0]["sha1"] == hashlib.sha1(raw).hexdigest()
   and ti[0]["sha256"] == sha and ti[0]["size"] == len(raw) and ti[0]["given"] == "tags.csv" and ti[0]["copy"] == "tags/tags.csv",
   "audit.jsonl: a tags-input record with the file's MD5, SHA-1, SHA-256, size and path")
ok(any(a["action"] == "write" and a.get("output") == "tags/tags.csv" and a["sha256"] == sha for a in aud),
   "audit.jsonl: the copy's write record")
PY
tap_py < "$TMPD/py"
check_timeline "$B/timeline.xml" "tagged bundle"
"$WXF" verify "$B" > "$TMPD/verify.out" 2>&1; is "$?" 0 "verify passes on the tagged bundle"
echo tampered >> "$TMPD/r2/out/tags/tags.csv"
"$WXF" verify "$TMPD/r2/out" > "$TMPD/verify2.out" 2>&1; is "$?" 1 "verify fails when tags/tags.csv is changed"
ok 'grep -q "tags/tags.csv" "$TMPD/verify2.out"' "and names tags/tags.csv"

# --- report.pdf ----------------------------------------------------------------------------
if command -v weasyprint > /dev/null && command -v pdftotext > /dev/null; then
	mkdir -p "$TMPD/pdf"; cp "$TMPD/tags.csv" "$TMPD/pdf/tags.csv"
	case_run pdf tags.csv --pdf; is "$?" 0 "case --tags --pdf exits 0"
	pdftotext -layout "$TMPD/pdf/out/report.pdf" "$TMPD/pdf.txt" 2>/dev/null
	ok 'grep -q "审查人员标注" "$TMPD/pdf.txt" && grep -q "Examiner selection" "$TMPD/pdf.txt"' \
		"report.pdf has the examiner selection"
	for id in "$MID" "$PID" "$RID"; do
		ok 'grep -q -- "$id" "$TMPD/pdf.txt"' "report.pdf names $id"
	done
	ok 'grep -q "李警官" "$TMPD/pdf.txt" && grep -q "recovered <b>not markup</b>" "$TMPD/pdf.txt" && grep -q "Li Wei" "$TMPD/pdf.txt"' \
		"report.pdf shows the tags' notes and examiners"
	"$WXF" verify "$TMPD/pdf/out" > /dev/null 2>&1; is "$?" 0 "verify passes on the tagged bundle with report.pdf"
else
	skip "weasyprint not installed (Debian: apt-get install weasyprint): report.pdf not tested"
fi

# --- refusals: unknown ids, malformed files ------------------------------------------------
mkdir -p "$TMPD/bad"
printf 'id,tag,note,examiner\n%s,ok,,\nm-0000000000000000,x,,\np-nosuch-e1,y,,\n' "$MID" > "$TMPD/bad/tags.csv"
case_run bad tags.csv; is "$?" 2 "a tag naming no record: exit 2 (usage)"
ok 'grep -q "m-0000000000000000 (line 3)" "$TMPD/bad/out.stderr" && grep -q "p-nosuch-e1 (line 4)" "$TMPD/bad/out.stderr"' \
	"the message lists every unknown id with its line ($(head -c 200 "$TMPD/bad/out.stderr"))"
ok '! grep -q "$MID" "$TMPD/bad/out.stderr"' "and not the known one"
ok '[ ! -e "$TMPD/bad/out/manifest.sha256" ] && [ ! -e "$TMPD/bad/out/report.html" ] && [ ! -e "$TMPD/bad/out/timeline.xml" ]' \
	"no manifest, report or timeline is written"
"$WXF" verify "$TMPD/bad/out" > "$TMPD/bad/verify" 2>&1; is "$?" 1 "verify refuses the folder (exit 1)"
ok 'grep -q "INCOMPLETE" "$TMPD/bad/verify"' "as an incomplete bundle"

malformed() { # name expected-message-regex: the file $TMPD/m-name/tags.csv must be refused
	_mn=$1 _mw=$2
	case_run "m-$_mn" tags.csv; is "$?" 2 "malformed tag file ($_mn): exit 2"
	ok 'grep -q -- "$_mw" "$TMPD/m-$_mn/out.stderr"' "  and the message says why ($(head -c 160 "$TMPD/m-$_mn/out.stderr"))"
	ok '[ ! -e "$TMPD/m-$_mn/out" ]' "  and nothing is written (no OUTDIR)"
}
mk() { mkdir -p "$TMPD/m-$1"; printf "$2" > "$TMPD/m-$1/tags.csv"; }
mkdir -p "$TMPD/m-header"; printf 'id,tag,note\nm-1,x,y\n' > "$TMPD/m-header/tags.csv"
malformed header 'line 1: 3 field(s), want 4'
mk quote 'id,tag,note,examiner\nm-1,"open,x,y\n'
malformed quote 'line 2: quoted field not closed'
mk fields 'id,tag,note,examiner\nm-1,a,b,c,d\n'
malformed fields 'line 2: more than 4 fields'
mk utf8 'id,tag,note,examiner\nm-1,\377\376,b,c\n'
malformed utf8 'line 2: tag is not valid UTF-8'
mk ctrl 'id,tag,note,examiner\nm-1,a\001,b,c\n'
malformed ctrl 'line 2: tag holds control character 0x01'
mk notag 'id,tag,note,examiner\nm-1,,a note,c\n'
malformed notag 'line 2: tag is empty'
mk badhead 'ID,Tag,Note,Examiner\n'
malformed badhead 'the header must be'
mk empty ''
malformed empty 'no header line'
mk untagged 'id,tag,note,examiner\nm-1,,,\n'
malformed untagged 'no tag in the file'
mk strayq 'id,tag,note,examiner\nm-1,a"b,c,d\n'
malformed strayq 'line 2: quote inside an unquoted field'
mk json '[{"id":"m-1","tag":"x"}]\n'
malformed json 'looks like JSON; the tag file is CSV'
mkdir -p "$TMPD/m-big"; python3 -c 'import sys; sys.stdout.write("id,tag,note,examiner\n" + "m-1,a,%s,c\n" % ("x" * 4000) * 1100)' > "$TMPD/m-big/tags.csv"
malformed big 'larger than'
mkdir -p "$TMPD/m-long"; python3 -c 'import sys; sys.stdout.write("id,tag,note,examiner\nm-1,a,%s,c\n" % ("x" * 5000))' > "$TMPD/m-long/tags.csv"
malformed long 'line 2: field longer than 4096'
mkdir -p "$TMPD/m-missing"
malformed missing 'cannot open'

# --- wxforensic tags ------------------------------------------------------------------------
"$WXF" tags "$B" > "$TMPD/list" 2> "$TMPD/list.err"; is "$?" 0 "wxforensic tags OUTDIR exits 0"
ok 'grep -q "^$MID	.*	message	.*	\[text\] $MTEXT\$" "$TMPD/list"' "it lists the tagged message's id with its text"
ok 'grep -q "^$PID	.*	payment	.*¥1,280.00" "$TMPD/list"' "and the payment event's id with its amount"
ok 'grep -q "^$RID	" "$TMPD/list"' "and the recovered message's id"
is "$(wc -l < "$TMPD/list")" "$(wc -l < "$B/timeline.jsonl")" "one line per record of timeline.jsonl"
"$WXF" tags -q --tag-template "$TMPD/tpl.csv" "$B" > /dev/null 2>&1; is "$?" 0 "tags --tag-template exits 0"
python3 - "$TMPD/tpl.csv" "$B/timeline.jsonl" <<'PY' > "$TMPD/tpl.py"
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
recs = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
ids = {r["wxf_id"] for r in recs}
msgs = [r["wxf_id"] for r in recs if r["wxf_type"] == "message"]
def ok(c, what): print(("ok - " if c else "not ok - ") + what)
ok(rows[0] == ["id", "tag", "note", "examiner"], "template: header id,tag,note,examiner")
ok([r[0] for r in rows[1:]] == msgs, "template: one row per message of timeline.jsonl, in its order (%d)" % len(msgs))
ok(all(r[0] in ids and r[1:] == ["", "", ""] for r in rows[1:]), "template: every id exists in timeline.jsonl, tag, note and examiner empty")
ok(open(sys.argv[1], "rb").read().count(b"\r\n") == len(rows), "template: CRLF line ends")
PY
tap_py < "$TMPD/tpl.py"
# the template as it comes is refused (nothing tagged); with one row filled it is taken
mkdir -p "$TMPD/tpl0" "$TMPD/tpl1"
cp "$TMPD/tpl.csv" "$TMPD/tpl0/tags.csv"
case_run tpl0 tags.csv; is "$?" 2 "the unfilled template: exit 2 (no tag)"
sed "s/^\"$RID\",,,/\"$RID\",filled,from the template,Zhang/" "$TMPD/tpl.csv" > "$TMPD/tpl1/tags.csv"
case_run tpl1 tags.csv; is "$?" 0 "the template with one row filled: case exits 0"
ok 'grep -q "\"wxf_id\":\"$RID\".*\"examiner_tags\":\[{\"tag\":\"filled\",\"note\":\"from the template\",\"examiner\":\"Zhang\"}\]" "$TMPD/tpl1/out/timeline.jsonl"' \
	"and its one tag reaches timeline.jsonl"
# refusals of tags
"$WXF" tags --tag-template "$TMPD/tpl.csv" "$B" > /dev/null 2> "$TMPD/e1"; is "$?" 2 "tags: an existing template file: exit 2"
"$WXF" tags --tag-template "$B/tpl.csv" "$B" > /dev/null 2> "$TMPD/e2"; is "$?" 2 "tags: a template inside the bundle: exit 2"
ok '[ ! -e "$B/tpl.csv" ]' "  and nothing is added to the bundle"
"$WXF" tags "$TMPD/r2/out" > "$TMPD/l2" 2> "$TMPD/e3"; is "$?" 1 "tags: a bundle that does not verify (tags/tags.csv changed): exit 1"
ok '[ ! -s "$TMPD/l2" ] && grep -q "does not verify" "$TMPD/e3"' "  nothing listed, the refusal says why"
"$WXF" tags "$TMPD/bad/out" > "$TMPD/l3" 2> /dev/null; is "$?" 1 "tags: an unfinished bundle (the unknown-id run): exit 1"
mkdir -p "$TMPD/nobundle"
"$WXF" tags "$TMPD/nobundle" > /dev/null 2>&1; is "$?" 2 "tags: a folder that is no bundle: exit 2"
"$WXF" tags > /dev/null 2>&1; is "$?" 2 "tags without OUTDIR: exit 2"
done_testing
