# SPDX-License-Identifier: Apache-2.0
# case --pdf on the demo: report.pdf is a PDF/A-3b rendered by WeasyPrint (run as an external
# program), its fonts embedded with ToUnicode maps, with timeline.xml and manifest.sha256
# attached byte for byte as associated files, the same bytes in two runs under
# SOURCE_DATE_EPOCH, every page carrying the case number, "第 X 页 / 共 Y 页" and the manifest's
# SHA-256, the examination report's sections (no conversations) with the seller, net paid and
# CRPL figure of the demo truth; its hash is the audit log's last record and verify checks it.
# Without weasyprint in PATH --pdf fails before doing anything (always tested); the tests that
# need weasyprint are skipped only when it is not installed.
. "$top_srcdir/tests/cli/lib.sh"

ev="$top_srcdir/fixtures/android/demo"
truth="$top_srcdir/fixtures/android/demo.truth.json"
run() { # dir [PATH]
	mkdir -p "$TMPD/$1"
	(cd "$TMPD/$1" && PATH=${2:-$PATH} SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q --pdf \
		--case-number "CASE-PDF-7" --exhibit A1 --examiner "Test Examiner" \
		--organisation "Test Lab" -o out "$ev" > out.stdout 2> out.stderr)
}

# --- without WeasyPrint: a clear refusal, nothing written (PATH holds no weasyprint) ---
mkdir -p "$TMPD/nopath"
run none "$TMPD/nopath"; rc=$?
is "$rc" 2 "--pdf without weasyprint in PATH exits 2 (usage)"
ok 'grep -q "needs WeasyPrint.*weasyprint.*not in PATH" "$TMPD/none/out.stderr"' \
	"the refusal names WeasyPrint and PATH ($(head -c 160 "$TMPD/none/out.stderr"))"
ok '[ ! -e "$TMPD/none/out" ]' "nothing was written (no OUTDIR)"

if ! command -v weasyprint > /dev/null; then
	skip "weasyprint not installed (Debian: apt-get install weasyprint): report.pdf not tested"
	done_testing
fi
for tool in pdfinfo pdfdetach pdftotext pdffonts; do
	command -v $tool > /dev/null || { fail "$tool missing (poppler-utils): run build-aux/wxf-setup-debian"; done_testing; }
done

run r1; is "$?" 0 "case --pdf exits 0"
run r2; is "$?" 0 "case --pdf exits 0 (second run)"
pdf="$TMPD/r1/out/report.pdf"
ok '[ -s "$pdf" ]' "report.pdf written ($(wc -c < "$pdf" 2>/dev/null) bytes)"
ok 'cmp "$pdf" "$TMPD/r2/out/report.pdf"' "two runs with the same SOURCE_DATE_EPOCH give byte-identical PDFs"
ok 'cmp "$TMPD/r1/out/manifest.sha256" "$TMPD/r2/out/manifest.sha256"' "and the same manifest"

# metadata and PDF/A identification
pdfinfo "$pdf" > "$TMPD/info" 2>&1
pdfinfo -meta "$pdf" > "$TMPD/meta" 2>&1
field() { sed -n "s/^$1: *//p" "$TMPD/info"; }
pages=$(field Pages)
ok '[ "${pages:-0}" -gt 5 ]' "pdfinfo reads it: $pages A4 pages"
ok 'field Title | grep -q "CASE-PDF-7"' "title names the case number ($(field Title))"
is "$(field Author)" "Test Examiner" "author is the examiner"
ok 'field Producer | grep -q "^WeasyPrint"' "producer is WeasyPrint ($(field Producer))"
ok 'field "Page size" | grep -q "(A4)"' "pages are A4"
ok 'grep -q "pdfaid:part[^0-9]*3" "$TMPD/meta" && grep -qi "pdfaid:conformance[^A-Z]*B" "$TMPD/meta"' \
	"XMP metadata declares PDF/A-3B (pdfaid:part 3, conformance B)"
ok 'field CreationDate | grep -q "2026"' "creation date from SOURCE_DATE_EPOCH ($(field CreationDate))"

pdffonts "$pdf" 2>/dev/null | tail -n +3 > "$TMPD/fonts"
ok '[ -s "$TMPD/fonts" ] && ! awk '"'"'$(NF-4) != "yes" || $(NF-2) != "yes"'"'"' "$TMPD/fonts" | grep -q . && grep -q "CJK" "$TMPD/fonts"' \
	"every font embedded with a ToUnicode map, Noto CJK among them ($(wc -l < "$TMPD/fonts") fonts)"

# the attachments: listed, and byte-identical to the bundle's files
pdfdetach -list "$pdf" > "$TMPD/list" 2>&1
ok 'grep -q "^2 embedded files" "$TMPD/list" && grep -q ": timeline.xml$" "$TMPD/list" && grep -q ": manifest.sha256$" "$TMPD/list"' \
	"pdfdetach -list shows the two attachments: timeline.xml and manifest.sha256"
mkdir -p "$TMPD/att"
pdfdetach -saveall -o "$TMPD/att" "$pdf" > /dev/null 2>&1
ok 'cmp "$TMPD/att/timeline.xml" "$TMPD/r1/out/timeline.xml"' "the attached timeline.xml is the bundle's, byte for byte"
ok 'cmp "$TMPD/att/manifest.sha256" "$TMPD/r1/out/manifest.sha256"' "the attached manifest.sha256 is the bundle's, byte for byte"
ok 'python3 - "$pdf" <<EOP
import re, sys, zlib
d = open(sys.argv[1], "rb").read()
parts = [d]
for m in re.finditer(rb"stream\r?\n", d):
    try:
        parts.append(zlib.decompressobj().decompress(d[m.end():m.end() + 4000000]))
    except zlib.error:
        pass
t = b"".join(parts)
sys.exit(0 if t.count(b"/AFRelationship") >= 2 and re.search(rb"/AF\s*\[", t) else 1)
EOP' "both are PDF/A-3 associated files (/AF with /AFRelationship)"

# every page: case number, 第 X 页 / 共 Y 页 and the SHA-256 of the manifest it attaches
mh=$(sha256sum < "$TMPD/r1/out/manifest.sha256" | cut -c1-64)
bad=""
i=1
while [ "$i" -le "${pages:-0}" ]; do
	pdftotext -f "$i" -l "$i" "$pdf" "$TMPD/p.txt" 2>/dev/null
	grep -q "CASE-PDF-7" "$TMPD/p.txt" && grep -q "第 $i 页 / 共 $pages 页" "$TMPD/p.txt" &&
		tr -d ' \n' < "$TMPD/p.txt" | grep -q "$mh" || bad="$bad $i"
	i=$((i + 1))
done
is "$bad" "" "every page carries the case number, 第 X 页 / 共 $pages 页 and the manifest's SHA-256 (pages without:$bad)"

# the examination report's sections, not the conversations; the demo's findings
pdftotext "$pdf" "$TMPD/all.txt" 2>/dev/null
missing=""
for s in "概要" "一、电子数据清单" "二、解密说明" "三、卖家身份" "四、付款明细与赔偿计算" \
	"五、已删除并恢复的消息" "六、关键词命中的消息" "七、术语表" "八、异常与局限" \
	"九、方法、完整性与复核" "十、处理记录与签名" "检验人（签名）" "复核人（签名）"; do
	grep -q "$s" "$TMPD/all.txt" || missing="$missing $s"
done
is "$missing" "" "the sections of the examination report and the signature lines are there"
ok '! grep -q "六、聊天记录" "$TMPD/all.txt" && ! grep -q "联系人 (Contacts" "$TMPD/all.txt"' \
	"no conversations or contact list (they stay in report.html)"
eval "$(python3 - "$truth" <<'EOP'
import json, sys
t = json.load(open(sys.argv[1], encoding="utf-8"))
y = lambda f: "¥{:,}.{:02d}".format(f // 100, f % 100)
print("seller=%s net=%s crpl=%s" % (t["seller"], y(t["ledger"]["net_fen"]), y(t["ledger"]["crpl55_fen"])))
EOP
)"
ok 'grep -q "$seller" "$TMPD/all.txt" && grep -q "$net" "$TMPD/all.txt" && grep -q "$crpl" "$TMPD/all.txt"' \
	"the truth's seller $seller, net paid $net and CRPL figure $crpl are stated"
ok 'grep -q "A货" "$TMPD/all.txt" && grep -q "原单" "$TMPD/all.txt"' "the glossary explains the slang found (原单, A货)"

# its hash: the audit log's last record; verify checks it
last=$(tail -n 1 "$TMPD/r1/out/audit.jsonl")
ok 'printf "%s" "$last" | grep -q "\"action\":\"report-pdf\"" && printf "%s" "$last" | grep -q "\"sha256\":\"$(sha256sum < "$pdf" | cut -c1-64)\""' \
	"the audit log ends with the report-pdf record holding report.pdf's SHA-256"
ok 'grep -q "report.pdf SHA-256: $(sha256sum < "$pdf" | cut -c1-64)" "$TMPD/r1/out.stdout"' "the run summary prints it"
ok '! grep -q "report.pdf" "$TMPD/r1/out/manifest.sha256"' "report.pdf is not in the manifest (it attaches it)"
"$WXF" verify "$TMPD/r1/out" > "$TMPD/v1" 2>&1; is "$?" 0 "verify passes with report.pdf"
printf 'x' >> "$TMPD/r1/out/report.pdf"
"$WXF" verify "$TMPD/r1/out" > "$TMPD/v2" 2>&1; rc=$?
ok '[ "$rc" -ne 0 ] && grep -q "report.pdf" "$TMPD/v2"' "verify catches a changed report.pdf (exit $rc)"
rm -f "$TMPD/r2/out/report.pdf"
"$WXF" verify "$TMPD/r2/out" > "$TMPD/v3" 2>&1; rc=$?
ok '[ "$rc" -ne 0 ] && grep -q "report.pdf" "$TMPD/v3"' "verify catches a removed report.pdf (exit $rc)"
done_testing
