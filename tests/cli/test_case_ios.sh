# SPDX-License-Identifier: Apache-2.0
# iPhone evidence through `case` and `scan`: the plain and the encrypted iTunes/Finder backup
# and the full-file-system tree of fixtures/ios/ (made by fixtures/gen/make_ios.py, ground
# truth in fixtures/ios/demo.truth.json) give the same live messages (WAL-only ones included),
# transfers, ledger, seller dossier and recovered deleted messages; a wrong password is
# refused after the keybag check with nothing decrypted; the evidence is unchanged.
. "$top_srcdir/tests/cli/lib.sh"
FX="$top_srcdir/fixtures/ios"
TRUTH="$FX/demo.truth.json"
PW=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["password"])' "$TRUTH")
before=$(snapshot "$FX")
run_case() { # name args...
	name=$1; shift
	SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o "$TMPD/$name" "$@" > "$TMPD/$name.out" 2> "$TMPD/$name.err"
}
run_case plain "$FX/backup-plain"
is "$?" 0 "case on the plain backup"
run_case enc --backup-password "$PW" "$FX/backup-enc"
is "$?" 0 "case on the encrypted backup with its password"
run_case ffs "$FX/ffs"
is "$?" 0 "case on the full-file-system tree"
for name in plain enc ffs; do
	ref=""; [ "$name" != plain ] && ref="$TMPD/plain"
	python3 "$top_srcdir/tests/cli/ios_truth.py" "$TRUTH" "$name" "$TMPD/$name" $ref > "$TMPD/$name.py"
	while read -r line; do case "$line" in ok*) pass "${line#ok - }";; *) fail "${line#not ok - }";; esac; done < "$TMPD/$name.py"
	net=$(python3 -c 'import json,sys; l=json.load(open(sys.argv[1]))["ledger"]; print("%d.%02d %d.%02d" % (l["net_fen"]//100, l["net_fen"]%100, l["crpl55_fen"]//100, l["crpl55_fen"]%100))' "$TRUTH")
	got=$(sed -n 's/.*net paid: ¥\([0-9,.]*\) *CRPL art. 55 figure: ¥\([0-9,.]*\).*/\1 \2/p' "$TMPD/$name.out" | tr -d ,)
	is "$got" "$net" "$name: net paid and the CRPL art. 55 figure equal the truth's ledger"
	ok 'grep -q "seller (ranked): wxid_seller88" "$TMPD/$name.out"' "$name: the seller is found"
	"$WXF" verify "$TMPD/$name" > /dev/null 2>&1
	is "$?" 0 "$name: verify accepts the bundle"
	# verify --provenance re-reads every cited range from timeline.xml (the dictionary row's
	# text is marked placeholder="true": it describes bytes it is not); so does the
	# independent checker
	"$WXF" verify --provenance "$TMPD/$name" > "$TMPD/$name.verify" 2>&1
	is "$?" 0 "$name: verify --provenance exits 0"
	ok 'grep -q " 0 mismatch(es)" "$TMPD/$name.verify" && grep -q "placeholder=\"true\"" "$TMPD/$name/timeline.xml"' \
		"$name: verify --provenance: every cited byte range holds its record; the placeholder is marked"
	python3 "$top_srcdir/tests/tools/check_provenance.py" "$TMPD/$name" > "$TMPD/$name.chk"
	is "$?" 0 "$name: the independent checker finds every cited range holds its record ($(cut -c1-120 "$TMPD/$name.chk"))"
done
ok 'grep -q "backup-plain/[0-9a-f][0-9a-f]/[0-9a-f]*!/AppDomain-com.tencent.xin/Documents/" "$TMPD/plain/timeline.xml"' \
	"provenance names the backup file and the logical path"
ok 'grep -q "\"unpack-container\".*\"kind\":\"itunes\".*\"restored\":12" "$TMPD/enc/audit.jsonl" && [ "$(grep -c "\"unpack-member\".*backup-enc/[0-9a-f]*/[0-9a-f]*!/AppDomain.*\"sha256\":\"[0-9a-f]\{64\}\"" "$TMPD/enc/audit.jsonl")" = 12 ]' \
	"the audit log lists the 12 restored WeChat files, each hashed, as container!/member"
ok '! grep -rqF -- "$PW" "$TMPD/enc"' "the backup password appears nowhere in the bundle"
# a wrong password: refused after the keybag check, nothing decrypted, a failed container
SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o "$TMPD/wrong" --backup-password not-the-password "$FX/backup-enc" > /dev/null 2> "$TMPD/wrong.err"
rc=$?
if grep -q n_unreadable "$top_srcdir/src/cli/cmd-case.c"; then
	is "$rc" 3 "wrong password: case exits 3 (unreadable evidence)"
else
	skip "wrong password: exit 3 needs the CLI's unreadable-evidence status (exit was $rc)"
fi
ok 'grep -q "wrong backup password" "$TMPD/wrong.err" && grep -q "wrong backup password" "$TMPD/wrong/report.html"' \
	"wrong password: a clear message on stderr and in the report"
ok 'grep -q "\"unpack-container\".*\"result\":\"wrong backup password" "$TMPD/wrong/audit.jsonl"' \
	"wrong password: recorded in the audit log"
ok '[ ! -e "$TMPD/wrong/work/itunes-1/Manifest.db" ] && [ ! -e "$TMPD/wrong/work/itunes-1/files" ]' \
	"wrong password: nothing was decrypted"
SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o "$TMPD/nopw" "$FX/backup-enc" > /dev/null 2>&1
ok 'grep -q "backup-password" "$TMPD/nopw/report.html"' "encrypted backup without a password: the report says one is needed"
# scan describes the backup
"$WXF" scan "$FX/backup-enc" > "$TMPD/scan.out" 2>&1
ok 'grep -q "layout: iTunes/Finder backup (Manifest.db) of .*iOS 17.5.1.*encrypted.*snapshot finished" "$TMPD/scan.out"' \
	"scan describes the encrypted backup (device, iOS version, encryption, completeness)"
"$WXF" scan --backup-password "$PW" "$FX/backup-enc" > "$TMPD/scanpw.out" 2>&1
ok 'grep -q "note: backup file for AppDomain-com.tencent.xin/Documents/.*/DB/message_1.sqlite-wal" "$TMPD/scanpw.out"' \
	"scan with the password maps the encrypted backup's files to their logical paths"
"$WXF" scan --json "$FX/ffs" > "$TMPD/ffs.json" 2>/dev/null
ok 'grep -q "\"logical\":\"AppDomain-com.tencent.xin/Documents/[0-9a-f]*/DB/MM.sqlite\"" "$TMPD/ffs.json" && ! grep -q "\"logical\":\"AppDomain-com.tencent.xin/Documents/notes.sqlite\"" "$TMPD/ffs.json"' \
	"scan finds WeChat's container in a full-file-system tree by its metadata plist (and not another app's)"
# the bundle named relatively (-o rel): a restored file's bytes are cited in the bundle's copy,
# found by its real path, and the bundle is the one written to an absolute -o
(cd "$TMPD" && SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o rel "$FX/backup-plain" > rel.out 2> rel.err)
is "$?" 0 "case -o with a relative folder on the backup: exit 0"
ok '! grep -q "PROVENANCE FAILURE\|cannot be read" "$TMPD/rel.err"' "relative -o: every cited range is read back"
ok '(cd "$TMPD/rel" && find . -type f ! -name audit.jsonl ! -name manifest.sha256 ! -name "*.sig" | sort | xargs sha256sum) > "$TMPD/rel.fp" && (cd "$TMPD/plain" && find . -type f ! -name audit.jsonl ! -name manifest.sha256 ! -name "*.sig" | sort | xargs sha256sum) | cmp -s - "$TMPD/rel.fp"' \
	"relative -o: the same bundle as with an absolute folder (audit times aside)"
is "$(snapshot "$FX")" "$before" "the evidence is unchanged"
done_testing
