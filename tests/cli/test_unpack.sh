# SPDX-License-Identifier: Apache-2.0
# wxf_intake_unpack(): Android backups (.ab plain/encrypted, MIUI .bak) unpacked into the work
# directory for the Android pipeline; hostile tar members never leave it.
. "$top_srcdir/tests/cli/lib.sh"
TOOL="$top_builddir/tests/unit/intake_unpack_tool"
DEMO="$top_srcdir/fixtures/android/demo/data/data/com.tencent.mm"
python3 - "$TMPD" "$DEMO" <<'PY'
import io, os, sys, tarfile, zlib
d, demo = sys.argv[1], sys.argv[2]
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
    for root, _, files in os.walk(demo):
        for f in sorted(files):
            p = os.path.join(root, f); rel = os.path.relpath(p, demo)
            rel = rel.replace("shared_prefs/", "sp/", 1) if rel.startswith("shared_prefs/") else "r/" + rel
            t.add(p, arcname="apps/com.tencent.mm/" + rel)
    ti = tarfile.TarInfo("../../outside.txt"); data = b"evil"; ti.size = 4; t.addfile(ti, io.BytesIO(data))
    ti = tarfile.TarInfo("apps/com.tencent.mm/r/evil-link"); ti.type = tarfile.SYMTYPE; ti.linkname = "/etc"; t.addfile(ti)
    ti = tarfile.TarInfo("apps/com.tencent.mm/r/evil-link/passwd"); ti.size = 4; t.addfile(ti, io.BytesIO(data))
os.makedirs(d + "/ev")
open(d + "/ev/wechat.ab", "wb").write(b"ANDROID BACKUP\n5\n1\nnone\n" + zlib.compress(buf.getvalue()))
open(d + "/ev/wechat.bak", "wb").write("MIUI BACKUP\n2\ncom.tencent.mm 微信\n-1\n0\n".encode() + b"ANDROID BACKUP\n5\n0\nnone\n" + buf.getvalue())
PY
"$TOOL" "$TMPD/work" "$TMPD/ev" > "$TMPD/out.txt" 2> "$TMPD/err.txt"
is "$?" 0 "two containers unpacked"
is "$(wc -l < "$TMPD/out.txt")" 2 "one folder per container"
for dir in $(cut -f1 "$TMPD/out.txt"); do
	db=$(find "$dir" -name EnMicroMsg.db | head -1)
	orig=$(find "$DEMO" -name EnMicroMsg.db | head -1)
	ok '[ -n "$db" ] && cmp -s "$db" "$orig"' "$(basename "$dir"): EnMicroMsg.db extracted byte for byte"
	ok '[ -f "$dir/apps/com.tencent.mm/sp/system_config_prefs.xml" ]' "$(basename "$dir"): shared_prefs under sp/"
	ok '[ ! -L "$dir/apps/com.tencent.mm/r/evil-link" ]' "$(basename "$dir"): symlink member not created as a link"
done
ok '[ ! -e "$TMPD/outside.txt" ] && [ ! -e "$TMPD/work/outside.txt" ] && [ ! -e "$TMPD/work/containers/outside.txt" ]' "'../' member written nowhere"
is "$(find "$TMPD/work" -type l | wc -l)" 0 "no link of any kind in the work dir"
outside=$(find "$TMPD" -newer "$TMPD/ev/wechat.ab" -type f | grep -v "^$TMPD/work/" | grep -v "out.txt\|err.txt\|/ev/wechat" | wc -l)
is "$outside" 0 "nothing written outside the work directory"
done_testing
