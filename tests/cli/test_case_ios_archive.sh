# SPDX-License-Identifier: Apache-2.0
# Full-file-system extractions of an iPhone as archives: fixtures/ios/ffs packed into .tar,
# .tar.gz and .zip by tests/tools/make_ios_archives.py (Python tarfile/gzip/zipfile) give the
# same bundle contents as the folder tree (live and recovered messages, transfers, ledger,
# cited bytes), with provenance <archive>!/<member>, every restored file hashed in the audit
# log; unsafe names, links, a decompression bomb, an archive without WeChat and a damaged one
# are handled; the same archive gives the same bundle from any spelling of its path; the
# evidence is unchanged.
. "$top_srcdir/tests/cli/lib.sh"
FX="$top_srcdir/fixtures/ios"
TRUTH="$FX/demo.truth.json"
EV="$TMPD/ev"
python3 "$top_srcdir/tests/tools/make_ios_archives.py" "$FX/ffs" "$EV" 8 > /dev/null
head -c 100000 "$EV/ffs.tar" > "$EV/cut.tar"
printf 'PK\003\004not-a-zip' > "$EV/broken.zip"
before=$(snapshot "$EV")
fxbefore=$(snapshot "$FX")
run_case() { # name args...
	name=$1; shift
	SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o "$TMPD/$name" "$@" > "$TMPD/$name.out" 2> "$TMPD/$name.err"
}
run_case tree "$FX/ffs"
is "$?" 0 "case on the folder tree (the reference)"
for a in ffs.tar ffs.tar.gz ffs.zip; do
	run_case "$a" "$EV/$a"
	is "$?" 0 "$a: case exits 0"
	WXF_EVIDENCE_DIR="$EV" python3 "$top_srcdir/tests/cli/ios_truth.py" "$TRUTH" "$a" "$TMPD/$a" "$TMPD/tree" > "$TMPD/$a.py"
	while read -r line; do case "$line" in ok*) pass "${line#ok - }";; *) fail "${line#not ok - }";; esac; done < "$TMPD/$a.py"
	ok 'grep -q "seller (ranked): wxid_seller88" "$TMPD/$a.out" && grep -q "net paid: ¥4,880.00 *CRPL art. 55 figure: ¥14,640.00" "$TMPD/$a.out"' \
		"$a: the seller, net paid and the CRPL art. 55 figure as from the tree"
	"$WXF" verify --provenance "$TMPD/$a" > "$TMPD/$a.verify" 2>&1
	is "$?" 0 "$a: verify --provenance exits 0"
	ok 'grep -q " 0 mismatch(es)" "$TMPD/$a.verify"' "$a: every cited byte range holds its record"
	python3 "$top_srcdir/tests/tools/check_provenance.py" "$TMPD/$a" > "$TMPD/$a.chk"
	is "$?" 0 "$a: the independent checker agrees ($(cut -c1-90 "$TMPD/$a.chk"))"
	ok 'grep -q "$a!/private/var/mobile/Containers/Data/Application/6B1F2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D/Documents/2974a8104f64e5cb46fe2fbc609355fd/DB/message_1.sqlite" "$TMPD/$a/timeline.xml"' \
		"$a: provenance names the archive and the member"
	# every restored file listed once, hashed, and equal to the tree's file
	python3 - "$TMPD/$a/audit.jsonl" "$FX/ffs" "$a" > "$TMPD/$a.members" <<'PY'
import hashlib, json, os, sys
recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
mem = [r for r in recs if r.get("action") == "unpack-member"]
bad = []
for r in mem:
    name = r["input"].split("!/", 1)[1]
    want = hashlib.sha256(open(os.path.join(sys.argv[2], name), "rb").read()).hexdigest()
    if not r["input"].startswith(sys.argv[3] + "!/") or r["sha256"] != want:
        bad.append(name)
print(len(mem), len({r["input"] for r in mem}), bad)
PY
	is "$(cat "$TMPD/$a.members")" "14 14 []" "$a: the audit log lists the 14 restored files once each, hashed, each equal to the tree's file"
	ok 'grep -q "\"unpack-container\".*\"kind\":\"archive\",\"format\":\"${a#ffs.}\".*\"wechat_containers\":2.*\"restored\":14.*\"links\":1,\"refused_names\":0" "$TMPD/$a/audit.jsonl"' \
		"$a: the container record: format, WeChat's two containers, 14 files, the link not created"
	ok '[ -z "$(find "$TMPD/$a" -type l)" ] && [ ! -e "$TMPD/$a/work/archive-1/files/private/var/mobile/Containers/Data/Application/11111111-2222-4333-8444-555555555555" ]' \
		"$a: no link created; another app's container not unpacked"
done
# the same archive from another spelling of its path gives the same bundle
mkdir -p "$TMPD/sub"
( cd "$TMPD/sub" && SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o "$TMPD/spelt" "../ev/./ffs.zip" > /dev/null 2>&1 )
ok 'cmp -s "$TMPD/spelt/timeline.xml" "$TMPD/ffs.zip/timeline.xml" && diff -r "$TMPD/spelt/csv" "$TMPD/ffs.zip/csv" > /dev/null && cmp -s "$TMPD/spelt/evidence.sha256" "$TMPD/ffs.zip/evidence.sha256"' \
	"the same zip given as ../ev/./ffs.zip from another folder: the same timeline, tables and evidence list"
# hostile members: unsafe names refused, links not created, nothing written outside the bundle
for a in hostile.tar hostile.zip; do
	run_case "$a" "$EV/$a"
	is "$?" 0 "$a: case exits 0"
	ok 'grep -q "messages: 30" "$TMPD/$a.out" && grep -q "\"refused_names\":2" "$TMPD/$a/audit.jsonl" && grep -q "\"links\":[23]," "$TMPD/$a/audit.jsonl"' \
		"$a: the tree is read; two unsafe names refused; the links counted, not created"
	ok '[ -z "$(find "$TMPD" -name "escape-*")" ] && [ -z "$(find "$TMPD/$a" -type l)" ] && [ ! -e "$TMPD/$a/work/archive-1/files/private/var/mobile/Containers/Data/Application/6B1F2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D/Documents/evil-link" ]' \
		"$a: nothing written outside the work folder, no link made"
	ok 'grep -q "member name(s) refused" "$TMPD/$a/report.html"' "$a: the report's limitations say names were refused"
done
# a decompression bomb (the threshold lowered to 1 MiB for the test; 8 MiB of zeros)
WXF_ARCHIVE_BOMB_MIN_KB=1024 SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o "$TMPD/bomb" "$EV/bomb.zip" > /dev/null 2> "$TMPD/bomb.err"
rc=$?
ok '[ "$rc" -le 1 ] && grep -q "\"bomb\":true" "$TMPD/bomb/audit.jsonl" && grep -q "refused as a decompression bomb" "$TMPD/bomb/report.html" && grep -q "decompression bomb" "$TMPD/bomb.err"' \
	"a zip bomb is refused with a clear warning (stderr, report, audit log)"
ok '[ -z "$(find "$TMPD/bomb/work" -name zeros.bin)" ] && [ "$(du -sk "$TMPD/bomb" | cut -f1)" -lt 1024 ]' \
	"nothing of the bomb was written"
# an archive without WeChat, a broken one, a cut one
run_case other "$EV/other.zip"
ok 'grep -q "holds no WeChat app container" "$TMPD/other/report.html" && [ ! -e "$TMPD/other/work/archive-1/files" ]' \
	"an archive of another app only: said so, nothing unpacked"
run_case broken "$EV/broken.zip"
is "$?" 3 "a zip that cannot be read: exit 3"
ok 'grep -q "Archive broken.zip could not be read: broken.zip: zip:" "$TMPD/broken/report.html"' "its reason in the report, named by the evidence's name"
run_case cut "$EV/cut.tar"
rc=$?
ok '[ "$rc" -le 1 ] && grep -q "\"note\":\"tar: archive truncated at payload offset 100000\"" "$TMPD/cut/audit.jsonl" && grep -q "\"restored\":6," "$TMPD/cut/audit.jsonl"' \
	"a tar cut short: the members before the damage are restored, the damage noted (exit $rc)"
ok '[ ! -e "$TMPD/cut/work/archive-1/files/private/var/mobile/Containers/Data/Application/6B1F2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D/Documents/2974a8104f64e5cb46fe2fbc609355fd/DB/message_1.sqlite" ]' \
	"the member the damage cut is not restored as if whole"
# scan describes the archive
"$WXF" scan "$EV/ffs.tar.gz" > "$TMPD/scan.txt" 2>&1
ok 'grep -q "layout: tar.gz archive (case unpacks WeChat" "$TMPD/scan.txt" && grep -q "role: archive (tar.gz) of a file system" "$TMPD/scan.txt"' \
	"scan tells the archive's format from its content"
is "$(snapshot "$EV")" "$before" "the archives are unchanged"
is "$(snapshot "$FX")" "$fxbefore" "the fixtures are unchanged"
done_testing
