#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Evidence files nested 100 000 levels deep, generated here: a CompatibleInfo.cfg (Java
# serialization) whose map holds the device id and then a value nested 100 000 deep, one made of
# 16 384 TC_RESET codes (the stack-overflow reproducer of the reader), and iTunes-backup property
# lists nested 100 000 deep (XML and binary).  key derive, case, scan: no crash, a warning or
# limitation naming the file and the byte offset, what was read before kept, evidence unchanged.
. "$top_srcdir/tests/cli/lib.sh"
F="$top_srcdir/fixtures"
MK="$top_srcdir/tests/tools/make_deep.py"

cp -r "$F/decrypt/android-tree" "$TMPD/tree"
CFG="$TMPD/tree/apps/com.tencent.mm/r/MicroMsg/CompatibleInfo.cfg"
off=$(python3 "$MK" javaser-map "$CFG")
before=$(snapshot "$TMPD/tree")

"$WXF" key derive "$TMPD/tree" >"$TMPD/out" 2>"$TMPD/err"
is "$?" 0 "deep CompatibleInfo.cfg: key derive still finds the key"
ok "grep -q 'MicroMsg/CompatibleInfo.cfg: Java serialization: nesting deeper than 32 levels at byte $off (entries before the damage kept)' '$TMPD/out'" \
	"deep CompatibleInfo.cfg: the note names the file, the limit and byte $off"
ok "grep -q '867530912345678  \[MicroMsg/CompatibleInfo.cfg key 258\]' '$TMPD/out'" \
	"deep CompatibleInfo.cfg: the device id read before the damage is used"
ok "! grep -q Sanitizer '$TMPD/err'" "deep CompatibleInfo.cfg: no sanitizer report"

"$WXF" case -q -o "$TMPD/case1" "$TMPD/tree" >"$TMPD/out" 2>"$TMPD/err"
is "$?" 0 "deep CompatibleInfo.cfg: case completes"
ok "grep -q 'MicroMsg/CompatibleInfo.cfg: Java serialization: nesting deeper than 32 levels at byte $off' '$TMPD/case1/report.html'" \
	"deep CompatibleInfo.cfg: the report's limitations name the file and the offset"
"$WXF" verify "$TMPD/case1" >/dev/null 2>&1
is "$?" 0 "deep CompatibleInfo.cfg: the bundle verifies"

is "$(snapshot "$TMPD/tree")" "$before" "deep CompatibleInfo.cfg: the evidence is unchanged"

python3 "$MK" javaser-resets "$CFG"
"$WXF" key derive "$TMPD/tree" >"$TMPD/out" 2>"$TMPD/err"
rc=$?
ok "[ $rc -eq 3 ] && ! grep -q Sanitizer '$TMPD/err'" \
	"16 384 TC_RESET codes: no stack overflow, the key is not found without the device id (exit $rc)"
ok "grep -q 'MicroMsg/CompatibleInfo.cfg: Java serialization: top-level object is not an object, not a HashMap' '$TMPD/out'" \
	"16 384 TC_RESET codes: read to the end and named"

cp -r "$F/ios/backup-plain" "$TMPD/bp"
python3 - "$TMPD/bp" <<'PY'
import struct, sys
d = 100000
with open(sys.argv[1] + "/Info.plist", "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">' + "<array>" * d
            + "</array>" * d + "</plist>\n")
# binary: object i is [object i+1]; 4-byte references and offsets
objs = b"".join(b"\xa1" + struct.pack(">I", i + 1) for i in range(d - 1)) + b"\xa0"
offs = b"".join(struct.pack(">I", 8 + 5 * i) for i in range(d))
tbl = 8 + len(objs)
with open(sys.argv[1] + "/Status.plist", "wb") as f:
    f.write(b"bplist00" + objs + offs + b"\0" * 6 + bytes([4, 4]) + struct.pack(">QQQ", d, 0, tbl))
PY
bbefore=$(snapshot "$TMPD/bp")
"$WXF" scan "$TMPD/bp" >"$TMPD/out" 2>"$TMPD/err"
is "$?" 0 "deep Info.plist and Status.plist: scan completes"
ok "grep -q 'Info.plist: XML property list nested deeper than 64 levels (element at byte 515; refused)' '$TMPD/err'" \
	"deep Info.plist: the warning names the file and the offset"
ok "grep -q 'Status.plist: binary property list nested deeper than 64 levels (object at byte 328; refused)' '$TMPD/err'" \
	"deep Status.plist: the warning names the file and the offset"
"$WXF" case -q -o "$TMPD/case2" "$TMPD/bp" >"$TMPD/out" 2>"$TMPD/err"
rc=$?
ok "[ $rc -eq 0 ] && grep -q 'messages: 30' '$TMPD/out'" \
	"deep Info.plist and Status.plist: case reads the backup's messages (exit $rc)"
ok "! grep -q Sanitizer '$TMPD/err'" "deep property lists: no sanitizer report"

is "$(snapshot "$TMPD/bp")" "$bbefore" "deep property lists: the evidence is unchanged"
done_testing
