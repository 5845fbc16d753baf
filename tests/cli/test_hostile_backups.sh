# SPDX-License-Identifier: Apache-2.0
# Hostile Android backups (.ab) through `case`: one bad tar member must not discard the backup
# (a duplicate name, a file/folder clash, a zlib stream cut 300 bytes short: every readable
# member kept, the bad ones named, exit 3 with a limitation); a member named like the tool's own
# output must not be overwritten by it; a member named "photo..jpg" must not stop `verify`;
# "../" and absolute member names, links and a decompression bomb are refused without harm.
# Every backup is made here with Python's tarfile and zlib from the demo app folder.
. "$top_srcdir/tests/cli/lib.sh"

APP="$top_srcdir/fixtures/android/demo/data/data/com.tencent.mm"
HASH=3f697aed723585f78970087d60f92124
T() { timeout 300 "$@"; }
has() { grep -q -- "$1" "$2"; }
mkdir "$TMPD/ev"
python3 - "$TMPD/ev" "$APP" "$HASH" <<'PY'
import io, os, sys, tarfile, zlib
d, app, h = sys.argv[1:]
def add(t, name, data, kind=tarfile.REGTYPE, link=""):
    ti = tarfile.TarInfo(name); ti.type = kind; ti.linkname = link; ti.mtime = 1700000000
    ti.size = len(data) if kind == tarfile.REGTYPE else 0
    t.addfile(ti, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
def tar(before=None, after=None):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        if before: before(t)
        for root, dirs, files in os.walk(app):
            dirs.sort()
            for f in sorted(files):
                p = os.path.join(root, f); rel = os.path.relpath(p, app)
                arc = ("sp/" + rel[len("shared_prefs/"):]) if rel.startswith("shared_prefs/") else "r/" + rel
                t.add(p, arcname="apps/com.tencent.mm/" + arc)
        if after: after(t)
    return buf.getvalue()
HDR = b"ANDROID BACKUP\n5\n1\nnone\n"
def ab(name, payload): open(os.path.join(d, name), "wb").write(HDR + payload)
# 4: a duplicate member name, a file/folder clash (both ways), a stream cut 300 bytes short
def dup(t):
    add(t, "apps/com.tencent.mm/r/MicroMsg/notes.txt", b"first copy")
    add(t, "apps/com.tencent.mm/r/MicroMsg/notes.txt", b"second copy, same name")
def clash(t):
    add(t, "apps/com.tencent.mm/r/a", b"a file")
    add(t, "apps/com.tencent.mm/r/a/b", b"below a file")
    add(t, "apps/com.tencent.mm/r/c/d", b"in a folder")
    add(t, "apps/com.tencent.mm/r/c", b"a file where a folder is")
ab("dup.ab", zlib.compress(tar(dup)))
ab("clash.ab", zlib.compress(tar(clash)))
ab("cut.ab", zlib.compress(tar())[:-300])
# 5: members named like what the tool writes for the container (its decrypted images)
planted = b"planted member: the tool must never write over it\n"
def collide(t):
    add(t, "work/%s/FTS5IndexMicroMsg_encrypt.db" % h, planted)
    add(t, "work/%s/EnMicroMsg.db" % h, planted)
ab("collide.ab", zlib.compress(tar(after=collide)))
# 6: ".." inside a name is a name
ab("dots.ab", zlib.compress(tar(after=lambda t: add(t, "apps/com.tencent.mm/r/Download/photo..jpg", b"\xff\xd8\xff\xe0 a photo"))))
# path tricks and links
def tricks(t):
    add(t, "../../outside.txt", b"escaped")
    add(t, "/etc/wxf-absolute.txt", b"absolute")
    add(t, "apps/com.tencent.mm/r/evil-link", b"", tarfile.SYMTYPE, "/etc")
    add(t, "apps/com.tencent.mm/r/evil-link/passwd", b"through the link")
    add(t, "apps/com.tencent.mm/r/hard-link", b"", tarfile.LNKTYPE, "/etc/passwd")
ab("tricks.ab", zlib.compress(tar(before=tricks)))
# a decompression bomb: 300 MiB of zeros as one member, ~300 KiB compressed
z = zlib.compressobj(9)
ti = tarfile.TarInfo("apps/com.tencent.mm/r/bomb.bin"); ti.size = 300 << 20
out = [z.compress(ti.tobuf(format=tarfile.USTAR_FORMAT))]
chunk = bytes(1 << 20)
for _ in range(300):
    out.append(z.compress(chunk))
out.append(z.compress(bytes(1024)) + z.flush())
ab("bomb.ab", b"".join(out))
PY
ok '[ -s "$TMPD/ev/bomb.ab" ] && [ "$(stat -c %s "$TMPD/ev/bomb.ab")" -lt 2000000 ]' "backups made (the bomb under 2 MB)"
before=$(snapshot "$TMPD/ev")

run() { # name -> exit status in $TMPD/<name>.rc, outputs <name>.out/ .stdout .stderr
	(cd "$TMPD" && T "$WXF" case -q -o "$1.out" "ev/$1.ab" > "$1.stdout" 2> "$1.stderr"; echo $? > "$1.rc")
}

# ---------------------------------------------------------------- 4: one bad member
for b in dup clash cut; do
	run $b
	is "$(cat "$TMPD/$b.rc")" 3 "$b: exit 3 (part of the backup not read)"
	ok 'has "message databases read: 1 of 1; messages: 171" "$TMPD/$b.stdout"' \
		"$b: the message database of the backup is read all the same"
	ok 'has "was unpacked in part" "$TMPD/$b.out/report.html"' "$b: a limitation says the backup was unpacked in part"
	ok 'grep "unpack-container" "$TMPD/$b.out/audit.jsonl" | grep -q "\"result\":\"partial\""' \
		"$b: the audit log records a partial unpacking"
done
ok 'has "notes.txt: not extracted: an earlier member has the same name" "$TMPD/dup.out/report.html"' \
	"dup: the second member is named with the reason"
ok '[ "$(cat "$TMPD/dup.out/work/containers/1-dup.ab/members/apps/com.tencent.mm/r/MicroMsg/notes.txt")" = "first copy" ]' \
	"dup: the first member is extracted unchanged"
ok 'has "r/a/b: not extracted: apps/com.tencent.mm/r/a is a file of an earlier member" "$TMPD/clash.out/report.html" &&
	has "r/c: not extracted: a folder of that name holds earlier members" "$TMPD/clash.out/report.html"' \
	"clash: both clashing members named with the reason"
ok 'has "the stream ends early (.*zlib stream truncated" "$TMPD/cut.out/report.html" &&
	has "cut short:" "$TMPD/cut.out/report.html"' "cut: the cut and the member it cut short are named"

# ---------------------------------------------------------------- 5: names of the tool's output
run collide
# the planted EnMicroMsg.db is a database of a second account to the readers (it is not one:
# exit 3); it must stay the member it is, never become the first account's decrypted image
is "$(cat "$TMPD/collide.rc")" 3 "collide: exit 3 (the planted database cannot be read)"
m="$TMPD/collide.out/work/containers/1-collide.ab/members/work/$HASH"
for f in FTS5IndexMicroMsg_encrypt.db EnMicroMsg.db; do
	ok '[ "$(cat "$m/$f")" = "planted member: the tool must never write over it" ]' \
		"collide: the member named like the tool's $f is not overwritten"
done
ok '[ -f "$TMPD/collide.out/work/containers/1-collide.ab/work/$HASH/EnMicroMsg.db" ] &&
	head -c 16 "$TMPD/collide.out/work/containers/1-collide.ab/work/$HASH/EnMicroMsg.db" | grep -q "SQLite format 3"' \
	"collide: the tool's decrypted image lies beside members/, apart from every member"
ok 'has "message databases read: 1 of 2; messages: 171" "$TMPD/collide.stdout"' \
	"collide: the real database read once, the planted one not read as a second copy of it"
python3 - "$TMPD/collide.out" > "$TMPD/collide.py" <<'PY'
import json, sys
msgs = [json.loads(l) for l in open(sys.argv[1] + "/timeline.jsonl", encoding="utf-8")]
ids = [m["wxf_id"] for m in msgs if m.get("wxf_type") == "message"]
print(("ok - " if len(ids) == len(set(ids)) == 170 else "not ok - ") +
      "collide: the demo's 170 message events, none duplicated (%d events, %d distinct)" % (len(ids), len(set(ids))))
PY
while IFS= read -r line; do case "$line" in "ok - "*) pass "${line#ok - }";; *) fail "${line#not ok - }";; esac; done < "$TMPD/collide.py"

# ---------------------------------------------------------------- 6: ".." inside a name
run dots
is "$(cat "$TMPD/dots.rc")" 0 "dots: exit 0"
ok 'grep -q "photo\.\.jpg" "$TMPD/dots.out/manifest.sha256"' "dots: photo..jpg is in the bundle's manifest"
T "$WXF" verify "$TMPD/dots.out" > "$TMPD/dots.verify" 2>&1
is "$?" 0 "dots: verify accepts the untouched bundle (a name holding .. is not a .. component)"
sed 's#  work/#  work/../work/#' "$TMPD/dots.out/manifest.sha256" > "$TMPD/m" && cp -r "$TMPD/dots.out" "$TMPD/dots2" &&
	cp "$TMPD/m" "$TMPD/dots2/manifest.sha256"
T "$WXF" verify "$TMPD/dots2" > "$TMPD/dots2.verify" 2>&1
is "$?" 1 "dots: a manifest line with a real .. component is refused"
ok 'has "manifest.sha256: malformed line" "$TMPD/dots2.verify"' "dots: ...as a malformed line"

# ---------------------------------------------------------------- path tricks, links
run tricks
is "$(cat "$TMPD/tricks.rc")" 3 "tricks: exit 3 (unsafe members not read)"
ok 'has "message databases read: 1 of 1" "$TMPD/tricks.stdout"' "tricks: the rest of the backup is read"
ok 'has "unsafe name (absolute or with ..): not extracted" "$TMPD/tricks.out/report.html"' \
	"tricks: the unsafe names are listed with the reason"
ok '[ ! -e "$TMPD/outside.txt" ] && [ ! -e /etc/wxf-absolute.txt ] && [ -z "$(find "$TMPD/tricks.out" -type l)" ]' \
	"tricks: nothing written outside the bundle, no link created"
ok 'has "link to &#39;/etc&#39; inside the backup (recorded, not followed)" "$TMPD/tricks.out/report.html"' \
	"tricks: the link member is recorded with its target"
ok '! grep -rq "through the link" /etc 2> /dev/null' "tricks: nothing written through the link"

# ---------------------------------------------------------------- decompression bomb
t0=$(date +%s)
run bomb
is "$(cat "$TMPD/bomb.rc")" 3 "bomb: exit 3"
ok 'has "refused as a decompression bomb" "$TMPD/bomb.out/report.html"' "bomb: refused, and the report says why"
ok '[ $(( $(date +%s) - t0 )) -lt 240 ]' "bomb: bounded time ($(( $(date +%s) - t0 )) s)"
ok '[ "$(du -sm "$TMPD/bomb.out" | cut -f1)" -le 600 ]' "bomb: bounded output ($(du -sm "$TMPD/bomb.out" | cut -f1) MiB)"

is "$(snapshot "$TMPD/ev")" "$before" "every backup unchanged"
done_testing
