# SPDX-License-Identifier: Apache-2.0
# iTunes backups made before iOS 10 (Manifest.mbdb, files beside it) through `case` and `scan`:
# the plain and the encrypted backup of fixtures/ios/ (made by fixtures/gen/make_ios_mbdb.py
# from the full-file-system tree, ground truth in mbdb.truth.json and demo.truth.json) give the
# same live and recovered messages, transfers and ledger as the Manifest.db backup; every
# restored file is listed, hashed, as <backup>/<fileID>!/<domain>/<path>; a wrong password is
# refused (exit 3) with nothing decrypted; a damaged index keeps the records before the damage;
# the evidence is unchanged.
. "$top_srcdir/tests/cli/lib.sh"
FX="$top_srcdir/fixtures/ios"
TRUTH="$FX/demo.truth.json"
MT="$FX/mbdb.truth.json"
PW=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["password"])' "$MT")
before=$(snapshot "$FX")
run_case() { # name args...
	name=$1; shift
	SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o "$TMPD/$name" "$@" > "$TMPD/$name.out" 2> "$TMPD/$name.err"
}
run_case plain "$FX/backup-plain"
is "$?" 0 "case on the Manifest.db backup (the reference)"
run_case mbdb "$FX/backup-mbdb"
is "$?" 0 "case on the Manifest.mbdb backup"
run_case mbdbenc --backup-password "$PW" "$FX/backup-mbdb-enc"
is "$?" 0 "case on the encrypted Manifest.mbdb backup with its password"
for name in mbdb mbdbenc; do
	python3 "$top_srcdir/tests/cli/ios_truth.py" "$TRUTH" "$name" "$TMPD/$name" "$TMPD/plain" > "$TMPD/$name.py"
	while read -r line; do case "$line" in ok*) pass "${line#ok - }";; *) fail "${line#not ok - }";; esac; done < "$TMPD/$name.py"
	ok 'grep -q "seller (ranked): wxid_seller88" "$TMPD/$name.out" && grep -q "net paid: ¥4,880.00 *CRPL art. 55 figure: ¥14,640.00" "$TMPD/$name.out"' \
		"$name: the seller, net paid and the CRPL art. 55 figure"
	"$WXF" verify --provenance "$TMPD/$name" > "$TMPD/$name.verify" 2>&1
	is "$?" 0 "$name: verify --provenance exits 0"
	ok 'grep -q " 0 mismatch(es)" "$TMPD/$name.verify"' "$name: every cited byte range holds its record"
	python3 "$top_srcdir/tests/tools/check_provenance.py" "$TMPD/$name" > "$TMPD/$name.chk"
	is "$?" 0 "$name: the independent checker agrees ($(cut -c1-100 "$TMPD/$name.chk"))"
done
# every restored file: named <backup>/<fileID>!/<logical>, hashed, and the fileID is SHA-1 of
# the domain and path (checked here with Python, from the truth's records)
python3 - "$MT" "$TMPD/mbdbenc/audit.jsonl" "$FX/backup-mbdb-enc" > "$TMPD/members.txt" <<'EOF'
import hashlib, json, sys
t = json.load(open(sys.argv[1], encoding="utf-8"))
recs = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
mem = {r["input"]: r for r in recs if r.get("action") == "unpack-member"}
want = {}
for r in t["records_enc"]:
    if r["flags"] == 1 and r["domain"].endswith("tencent.xin"):
        fid = hashlib.sha1(("%s-%s" % (r["domain"], r["path"])).encode()).hexdigest()
        assert fid == r["fileID"]
        want["backup-mbdb-enc/%s!/%s/%s" % (fid, r["domain"], r["path"])] = r["size"]
bad = [k for k, size in want.items() if k not in mem or mem[k]["size"] != size or len(mem[k]["sha256"]) != 64]
print(len(want), len(mem), bad)
EOF
is "$(cat "$TMPD/members.txt")" "12 12 []" "the audit log lists the 12 restored WeChat files as <backup>/<fileID>!/<domain>/<path>, with the record's size and a SHA-256"
ok 'grep -q "\"unpack-container\".*\"kind\":\"itunes\",\"index\":\"Manifest.mbdb\",\"encrypted\":true,\"password_ok\":true.*\"restored\":12.*\"links\":1" "$TMPD/mbdbenc/audit.jsonl"' \
	"the container record names the Manifest.mbdb index, the password check, 12 files restored and the link not followed"
ok 'grep -q "backup-mbdb/[0-9a-f]\{40\}!/AppDomain-com.tencent.xin/Documents/" "$TMPD/mbdb/timeline.xml"' \
	"provenance names the backup file (beside the index) and its logical path"
ok '! grep -rqF -- "$PW" "$TMPD/mbdbenc"' "the backup password appears nowhere in the bundle"
# a wrong password: refused after the keybag check, exit 3, nothing decrypted
SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o "$TMPD/wrong" --backup-password not-the-password "$FX/backup-mbdb-enc" > /dev/null 2> "$TMPD/wrong.err"
is "$?" 3 "wrong password: case exits 3 (unreadable evidence)"
ok 'grep -q "wrong backup password" "$TMPD/wrong.err" && [ ! -e "$TMPD/wrong/work/itunes-1/files" ]' \
	"wrong password: a clear message, nothing decrypted"
SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o "$TMPD/nopw" "$FX/backup-mbdb-enc" > /dev/null 2>&1
is "$?" 3 "encrypted Manifest.mbdb backup without a password: exit 3"
ok 'grep -q "backup-password" "$TMPD/nopw/report.html"' "without a password: the report says one is needed"
# scan describes the old backup and maps its files through the index
"$WXF" scan "$FX/backup-mbdb" > "$TMPD/scan.out" 2>&1
ok 'grep -q "layout: iTunes/Finder backup (Manifest.mbdb, before iOS 10) of .*iOS 9.3.5.*not encrypted.*snapshot finished" "$TMPD/scan.out"' \
	"scan describes the Manifest.mbdb backup (device, iOS version, encryption, completeness)"
ok 'grep -q "note: backup file for AppDomain-com.tencent.xin/Documents/.*/DB/message_1.sqlite-wal" "$TMPD/scan.out"' \
	"scan maps the backup's files to their logical paths through Manifest.mbdb"
# a damaged index: the records before the damage are read, the damage is reported
mkdir -p "$TMPD/cut/backup-mbdb"
cp "$FX"/backup-mbdb/* "$TMPD/cut/backup-mbdb/"
python3 - "$MT" "$TMPD/cut/backup-mbdb/Manifest.mbdb" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1], encoding="utf-8"))
last = t["records_plain"][-1]        # the HomeDomain record: cut in its middle
p = sys.argv[2]
b = open(p, "rb").read()
open(p, "wb").write(b[:last["offset"] + last["length"] // 2])
EOF
SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o "$TMPD/cutout" "$TMPD/cut/backup-mbdb" > "$TMPD/cut.out" 2> "$TMPD/cut.err"
is "$?" 0 "a Manifest.mbdb cut inside its last record: case still succeeds"
ok 'grep -q "Manifest.mbdb is damaged: Manifest.mbdb: record at byte [0-9]* is truncated; 27 record(s) before it were read" "$TMPD/cutout/report.html" && grep -q "messages: 30" "$TMPD/cut.out"' \
	"the damage is a limitation naming the byte offset; the 27 records before it are read"
printf 'mbdb\005\000' > "$TMPD/cut/backup-mbdb/Manifest.mbdb"; printf '\000\003abc' >> "$TMPD/cut/backup-mbdb/Manifest.mbdb"
SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o "$TMPD/cut2" "$TMPD/cut/backup-mbdb" > /dev/null 2>&1
rc=$?
ok '[ "$rc" -le 1 ] && grep -q "0 record(s) before it were read" "$TMPD/cut2/report.html"' \
	"an index whose first record is truncated: no file restored, the report says why (exit $rc)"
is "$(snapshot "$FX")" "$before" "the evidence is unchanged"
done_testing
