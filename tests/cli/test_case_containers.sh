# SPDX-License-Identifier: Apache-2.0
# `case` on backup containers: the Android demo extraction wrapped as a plain .ab, a
# password-encrypted .ab, a MIUI .bak and the two Huawei backup schemes gives the same live
# messages, transfers and seller totals as the unwrapped folder; provenance points into the
# container; keys and passwords never reach the bundle; nothing is written in the evidence.
. "$top_srcdir/tests/cli/lib.sh"
DEMO="$top_srcdir/fixtures/android/demo"
HW="$top_srcdir/fixtures/backup/huawei"
PW=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["password"])' "$top_srcdir/fixtures/backup/huawei.truth.json")
mkdir -p "$TMPD/ev"
python3 "$top_srcdir/tests/tools/make_containers.py" "$DEMO/data/data/com.tencent.mm" "$TMPD/ev"
cp -r "$HW/old" "$TMPD/ev/huawei-old" && cp -r "$HW/v14" "$TMPD/ev/huawei-v14"
before=$(snapshot "$TMPD/ev")

run_case() { # name args...
	name=$1; shift
	SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o "$TMPD/out-$name" "$@" > "$TMPD/$name.out" 2> "$TMPD/$name.err"
}
run_case folder "$DEMO"
is "$?" 0 "case on the folder"
run_case ab "$TMPD/ev/plain.ab"
is "$?" 0 "case on a plain .ab"
run_case miui "$TMPD/ev/miui.bak"
is "$?" 0 "case on a MIUI .bak"
run_case enc --backup-password ab-pass-2026 "$TMPD/ev/enc/encrypted.ab"
is "$?" 0 "case on a password-encrypted .ab"
run_case hwold --backup-password "$PW" "$TMPD/ev/huawei-old"
is "$?" 0 "case on a Huawei backup (older scheme)"
run_case hwv14 --backup-password "$PW" "$TMPD/ev/huawei-v14"
is "$?" 0 "case on a Huawei backup (HiSuite 14 scheme)"
run_case encnopw "$TMPD/ev/enc/encrypted.ab"
ok 'grep -q "backup-password" "$TMPD/out-encnopw/report.html"' "encrypted .ab without password: the report says a password is needed"

python3 - "$TMPD" <<'PY' > "$TMPD/py.out"
import json, sys
d = sys.argv[1]
def load(name):
    msgs = {}
    for l in open("%s/out-%s/timeline.jsonl" % (d, name), encoding="utf-8"):
        o = json.loads(l)
        if o.get("wxf_type") != "message" or o.get("status") != "intact":
            continue
        msgs[(o.get("table"), o.get("rowid"))] = (o.get("text"), o.get("sender"), o.get("timestamp"), o.get("kind"))
    return msgs
def check(c, n): print(("ok" if c else "not ok") + " - " + n)
base = load("folder")
check(len(base) > 100, "folder bundle has %d live messages" % len(base))
for name in ("ab", "miui", "enc", "hwold", "hwv14"):
    got = load(name)
    check(got == base, "%s: same live messages as the folder (%d vs %d)" % (name, len(got), len(base)))
PY
while read -r line; do case "$line" in ok*) pass "${line#ok - }";; *) fail "${line#not ok - }";; esac; done < "$TMPD/py.out"
for name in ab miui enc hwold hwv14; do
	is "$(grep -o 'net paid: .*' "$TMPD/$name.out")" "$(grep -o 'net paid: .*' "$TMPD/folder.out")" "$name: same ledger totals as the folder"
done
ok 'grep -q "plain.ab!/apps/com.tencent.mm/r/MicroMsg/" "$TMPD/out-ab/timeline.xml"' "provenance names the member inside the .ab"
ok 'grep -q "huawei-old/com.tencent.mm.tar!/" "$TMPD/out-hwold/timeline.xml"' "provenance names the Huawei app archive"
ok '! grep -rq "ab-pass-2026" "$TMPD/out-enc" && ! grep -rq -- "$PW" "$TMPD/out-hwold"' "passwords appear nowhere in the bundle"
ok 'grep -q "\[redacted\]" "$TMPD/out-enc/audit.jsonl"' "the recorded command line shows the password as [redacted]"
for name in ab enc hwold; do
	"$WXF" verify "$TMPD/out-$name" > /dev/null 2>&1
	is "$?" 0 "$name: verify accepts the bundle"
done
# reporting.md item 8: record ids do not depend on the order of the evidence inputs
SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o "$TMPD/out-order1" "$DEMO" "$TMPD/ev/plain.ab" > /dev/null 2>&1
SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o "$TMPD/out-order2" "$TMPD/ev/plain.ab" "$DEMO" > /dev/null 2>&1
ids() { python3 -c 'import json,sys; print("\n".join(sorted(json.loads(l)["wxf_id"] for l in open(sys.argv[1]))))' "$1"; }
ids "$TMPD/out-order1/timeline.jsonl" > "$TMPD/ids1"; ids "$TMPD/out-order2/timeline.jsonl" > "$TMPD/ids2"
ok '[ -s "$TMPD/ids1" ] && cmp -s "$TMPD/ids1" "$TMPD/ids2"' "record ids are the same whatever the order of the evidence inputs ($(wc -l < "$TMPD/ids1") records)"
is "$(snapshot "$TMPD/ev")" "$before" "evidence containers unchanged"
done_testing
