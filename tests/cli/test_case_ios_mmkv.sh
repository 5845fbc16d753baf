# SPDX-License-Identifier: Apache-2.0
# The MMKV form of WeChat's iPhone settings (Documents/MMappedKV/mmsetting.archive.<wxid>, made
# by fixtures/gen/make_ios_mmkv.py, truth in fixtures/ios/mmkv.truth.json): in a copy of the
# full-file-system tree without LoginInfo2.dat and mmsetting.archive, `case` takes the owner's
# wxid, alias and nickname from it, each cited at the offset and length of its own bytes (the
# last record of a key wins; bytes past the header's size are not read); a .crc that does not
# match and a damaged record are anomalies; the evidence is unchanged.
. "$top_srcdir/tests/cli/lib.sh"
FX="$top_srcdir/fixtures/ios"
MT="$FX/mmkv.truth.json"
APP=private/var/mobile/Containers/Data/Application/6B1F2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D
before=$(snapshot "$FX")
mk() { # dir: the ffs tree with the MMKV settings instead of LoginInfo2.dat / mmsetting.archive
	mkdir -p "$1" && cp -R "$FX/ffs/." "$1/" && chmod -R u+w "$1" &&
	rm -f "$1/$APP/Documents/LoginInfo2.dat" "$1/$APP"/Documents/*/mmsetting.archive &&
	mkdir -p "$1/$APP/Documents/MMappedKV" && cp "$FX"/mmkv/* "$1/$APP/Documents/MMappedKV/"
}
mk "$TMPD/ffs-mmkv"
SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o "$TMPD/out" "$TMPD/ffs-mmkv" > "$TMPD/out.txt" 2> "$TMPD/err.txt"
is "$?" 0 "case on the tree whose settings are in MMKV"
python3 - "$MT" "$TMPD/out/csv/contacts.csv" "$TMPD/ffs-mmkv/$APP/Documents/MMappedKV/mmsetting.archive.wxid_buyer01" > "$TMPD/owner.txt" <<'PY'
import csv, json, sys
t = json.load(open(sys.argv[1], encoding="utf-8"))
rows = [r for r in csv.DictReader(open(sys.argv[2], encoding="utf-8-sig")) if r["owner"] == "yes"]
data = open(sys.argv[3], "rb").read()
for field in ("username", "alias", "nickname"):
    want = t["wxid" if field == "username" else field]
    got = [r for r in rows if r["field"] == field and r["value"] == want["value"]]
    ok = len(got) == 1 and got[0]["source_file"].endswith("MMappedKV/mmsetting.archive.wxid_buyer01") \
        and int(got[0]["offset"]) == want["offset"] and int(got[0]["length"]) == want["length"] \
        and data[want["offset"]:want["offset"] + want["length"]].decode() == want["value"]
    print(field, "ok" if ok else "bad %r" % got)
print("superseded", "bad" if any(r["value"] in (t["superseded"]["88"], t["stale_after_size"]) for r in rows) else "ok")
PY
is "$(tr '\n' ' ' < "$TMPD/owner.txt")" "username ok alias ok nickname ok superseded ok " \
	"the owner's wxid, alias and nickname come from the MMKV file, each cited at its own offset and length (truth file), the superseded and the stale nickname are not shown"
ok 'grep -q "\"wxid_buyer01\",\"person\",\"yes\",\"alias\",\"xiaoyu_lin2026\",\"MMappedKV/mmsetting.archive (MMKV) (alias)\"" "$TMPD/out/csv/contacts.csv"' \
	"the source field names the MMKV file"
WXF_EVIDENCE_DIR="$TMPD" python3 "$top_srcdir/tests/cli/ios_truth.py" "$FX/demo.truth.json" mmkv "$TMPD/out" > "$TMPD/truth.txt"
ok 'grep -q "^ok - mmkv: the owner from" "$TMPD/truth.txt" && grep -q "^ok - mmkv: .* live messages" "$TMPD/truth.txt"' \
	"the story reads as before: live messages, the owner"
"$WXF" verify --provenance "$TMPD/out" > "$TMPD/verify.txt" 2>&1
is "$?" 0 "verify --provenance exits 0"
ok 'grep -q " 0 mismatch(es)" "$TMPD/verify.txt"' "verify --provenance: every cited range holds its value"
python3 "$top_srcdir/tests/tools/check_provenance.py" "$TMPD/out" > "$TMPD/chk.txt"
is "$?" 0 "the independent checker agrees ($(cut -c1-100 "$TMPD/chk.txt"))"
ok '! grep -q "mmkv-crc-mismatch\|mmkv-damaged" "$TMPD/out/report.html"' "a matching .crc: no anomaly"
"$WXF" scan "$TMPD/ffs-mmkv" > "$TMPD/scan.txt" 2>&1
ok 'grep -A3 "MMappedKV/mmsetting.archive.wxid_buyer01  \[WeChat\]$" "$TMPD/scan.txt" | grep -q "role: iOS account settings (MMKV)$"' \
	"scan names the MMKV settings file's role"
# a .crc that does not match: an anomaly, the values still read
mk "$TMPD/crc/ffs-mmkv"
printf '\001\002\003\004' | dd of="$TMPD/crc/ffs-mmkv/$APP/Documents/MMappedKV/mmsetting.archive.wxid_buyer01.crc" bs=1 seek=0 conv=notrunc 2>/dev/null
SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o "$TMPD/crcout" "$TMPD/crc/ffs-mmkv" > /dev/null 2>&1
ok 'grep -q "mmkv-crc-mismatch" "$TMPD/crcout/report.html" && grep -q "its .crc file says CRC-32 04030201, the data gives 7d8e9a16" "$TMPD/crcout/report.html" && grep -q "\"nickname\",\"林小雨\"" "$TMPD/crcout/csv/contacts.csv"' \
	"a .crc that does not match the data is an anomaly; the values are still read"
# a record cut short: the values before it stand, the damage is an anomaly with its offset
mk "$TMPD/cut/ffs-mmkv"
python3 - "$TMPD/cut/ffs-mmkv/$APP/Documents/MMappedKV/mmsetting.archive.wxid_buyer01" "$MT" <<'PY'
import json, struct, sys
p, t = sys.argv[1], json.load(open(sys.argv[2], encoding="utf-8"))
b = bytearray(open(p, "rb").read())
# the last nickname record claims a 127-byte value: past the end of the records (4 + N)
b[t["nickname"]["offset"] - 2] = 0x7f
open(p, "wb").write(bytes(b))
PY
SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o "$TMPD/cutout" "$TMPD/cut/ffs-mmkv" > /dev/null 2>&1
is "$?" 0 "a damaged MMKV record: case still succeeds"
ok 'grep -q "mmkv-damaged" "$TMPD/cutout/report.html" && grep -q "MMKV: record at byte 139: value longer than the data" "$TMPD/cutout/report.html" && grep -q "\"alias\",\"xiaoyu_lin2026\"" "$TMPD/cutout/csv/contacts.csv" && grep -q "\"nickname\",\"小雨\"" "$TMPD/cutout/csv/contacts.csv"' \
	"the damaged record is an anomaly; the alias and the earlier nickname before it stand"
"$WXF" verify --provenance "$TMPD/cutout" > "$TMPD/cutverify.txt" 2>&1
is "$?" 0 "verify --provenance on the damaged file's bundle exits 0"
is "$(snapshot "$FX")" "$before" "the evidence is unchanged"
done_testing
