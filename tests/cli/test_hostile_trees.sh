# SPDX-License-Identifier: Apache-2.0
# Hostile evidence trees: what a seller who expects a seizure can plant in the folder an
# examiner takes in.  Each case checks the exit status, the message and that the evidence is
# unchanged: FIFOs and device nodes (never opened, never waited on), symbolic links (recorded
# with their target, never followed: a linked database or media file is not read), link loops,
# names with escape sequences, line breaks and invalid UTF-8 (never raw on the terminal, kept
# exactly in the bundle), unreadable files, folders nested too deep, an empty folder, a file
# that changes while `case` runs, and access times left alone (O_NOATIME).
. "$top_srcdir/tests/cli/lib.sh"

DEMO="$top_srcdir/fixtures/android/demo"
ACCT=data/data/com.tencent.mm/MicroMsg/3f697aed723585f78970087d60f92124
T() { timeout 120 "$@"; }      # nothing may hang: a FIFO without a writer blocks for ever
fresh() { rm -rf "$TMPD/$1"; cp -r "$DEMO" "$TMPD/$1"; chmod -R u+w "$TMPD/$1"; }
has() { grep -q -- "$1" "$2"; }

# ---------------------------------------------------------------- FIFOs and device nodes
fresh fifo
mkfifo "$TMPD/fifo/data/pipe.db" "$TMPD/fifo/$ACCT/EnMicroMsg.db-wal"
dev=0
if mknod "$TMPD/fifo/data/zero" c 1 5 2> /dev/null; then dev=1; fi
before=$(snapshot "$TMPD/fifo")
T "$WXF" scan --no-magic "$TMPD/fifo" > "$TMPD/f.scan" 2> "$TMPD/f.scan.err"
is "$?" 0 "FIFO in the tree: scan finishes, exit 0"
ok 'has "pipe.db" "$TMPD/f.scan" && has "type: special" "$TMPD/f.scan" && has "FIFO: recorded, not read" "$TMPD/f.scan"' \
	"FIFO in the tree: listed as a special file, not read"
(cd "$TMPD" && T "$WXF" case -q -o f.out fifo > f.case 2> f.case.err)
is "$?" 0 "FIFO in the tree (also as EnMicroMsg.db-wal): case finishes, exit 0"
ok 'has "message databases read: 1 of 1" "$TMPD/f.case"' "FIFO in the tree: the database is still read"
ok 'has "special file(s) (FIFO, device, socket) recorded and not read" "$TMPD/f.out/report.html"' \
	"FIFO in the tree: the report's limitations name it"
if [ "$dev" = 1 ]; then
	ok 'has "character device: recorded, not read" "$TMPD/f.scan"' "device node (/dev/zero's numbers) listed, never opened"
else
	skip "device node: mknod not permitted here"
fi
is "$(snapshot "$TMPD/fifo")" "$before" "FIFO and device: evidence unchanged"

mkfifo "$TMPD/p.db"
T "$WXF" carve "$TMPD/p.db" > /dev/null 2> "$TMPD/p.carve"
is "$?" 3 "FIFO as carve's database: exit 3, no hang"
ok 'has "not a regular file (FIFO)" "$TMPD/p.carve"' "carve names the FIFO"
T "$WXF" decrypt --key ad8a7d2 -o "$TMPD/p.out" "$TMPD/p.db" > /dev/null 2> "$TMPD/p.dec"
is "$?" 3 "FIFO as decrypt's database: exit 3, no hang"
ok 'has "not a regular file (FIFO)" "$TMPD/p.dec"' "decrypt names the FIFO"
T "$WXF" scan "$TMPD/p.db" > /dev/null 2> "$TMPD/p.scan"
is "$?" 3 "FIFO as scan's evidence: exit 3"
(cd "$TMPD" && T "$WXF" case -q -o p.case p.db > /dev/null 2> p.case.err)
is "$?" 3 "FIFO as case's evidence: exit 3"
ok 'has "neither a folder nor a regular file (FIFO)" "$TMPD/p.case.err"' "case names the FIFO"
ok '[ ! -e "$TMPD/p.case" ]' "FIFO as case's evidence: no bundle started"

# verify: a FIFO put in place of a bundle file, the manifest or an evidence file
cp -r "$TMPD/f.out" "$TMPD/v1"
rm "$TMPD/v1/manifest.sha256" && mkfifo "$TMPD/v1/manifest.sha256"
T "$WXF" verify "$TMPD/v1" > "$TMPD/v1.out" 2> "$TMPD/v1.err"
is "$?" 2 "verify: FIFO as manifest.sha256: exit 2 (not a bundle), no hang"
ok 'has "not a regular file (FIFO)" "$TMPD/v1.err"' "verify names the FIFO manifest"
cp -r "$TMPD/f.out" "$TMPD/v2"
rm "$TMPD/v2/report.html" && mkfifo "$TMPD/v2/report.html"
T "$WXF" verify "$TMPD/v2" > "$TMPD/v2.out" 2> "$TMPD/v2.err"
is "$?" 1 "verify: FIFO as report.html: exit 1, no hang"
ok 'has "report.html: unreadable" "$TMPD/v2.out"' "verify names report.html"
cp -r "$TMPD/fifo" "$TMPD/fifo2"
rm "$TMPD/fifo2/$ACCT/EnMicroMsg.db" && mkfifo "$TMPD/fifo2/$ACCT/EnMicroMsg.db"
mkdir "$TMPD/vb" && mv "$TMPD/fifo2" "$TMPD/vb/fifo"
T "$WXF" verify -C "$TMPD/vb" "$TMPD/f.out" > "$TMPD/v3.out" 2>&1
is "$?" 1 "verify: evidence database replaced by a FIFO: exit 1, no hang"
ok 'has "EnMicroMsg.db: unreadable (.*not a regular file (FIFO)" "$TMPD/v3.out"' "verify names the evidence FIFO"

# ---------------------------------------------------------------- symbolic links
fresh links
mkdir "$TMPD/outside"
mv "$TMPD/links/$ACCT/EnMicroMsg.db" "$TMPD/outside/EnMicroMsg.db"
ln -s "$TMPD/outside/EnMicroMsg.db" "$TMPD/links/$ACCT/EnMicroMsg.db"
ln -s loopB "$TMPD/links/data/loopA"
ln -s loopA "$TMPD/links/data/loopB"
ln -s .. "$TMPD/links/data/up"
before=$(snapshot "$TMPD/links")
(cd "$TMPD" && T "$WXF" case -o l.out links > l.case 2> l.case.err)
is "$?" 0 "linked database and link loops: case finishes, exit 0"
ok 'has "message databases read: 0 of 0; messages: 0" "$TMPD/l.case"' \
	"the database that is a link to a file outside the evidence is not read"
ok '! grep -q "decrypting.*EnMicroMsg.db" "$TMPD/l.case.err"' "...not even decrypted"
ok 'has "symbolic link to &#39;$TMPD/outside/EnMicroMsg.db&#39; (recorded, not followed)" "$TMPD/l.out/report.html"' \
	"the report records the link with its target"
ok 'has "symbolic link(s) recorded with their target and not followed" "$TMPD/l.out/report.html"' \
	"the limitations say links were not followed"
ok '! grep -q "EnMicroMsg.db" "$TMPD/l.out/evidence.sha256"' "the link is not hashed as evidence content"
ok '! grep -q "$(sha256sum < "$TMPD/outside/EnMicroMsg.db" | cut -c1-64)" "$TMPD/l.out/audit.jsonl" "$TMPD/l.out/evidence.sha256"' \
	"the target's hash appears nowhere in the bundle"
ok 'grep -q "loopA" "$TMPD/l.out/report.html" && grep -q "links/data/up" "$TMPD/l.out/report.html"' \
	"link loops and a link to the parent folder recorded, not walked"
is "$(snapshot "$TMPD/links")" "$before" "links: evidence unchanged"

fresh mlink
img=$(cd "$TMPD/mlink" && ls $ACCT/image2/46/29/*.jpg)
printf 'host file, not evidence\n' > "$TMPD/outside/host.jpg"
rm "$TMPD/mlink/$img" && ln -s "$TMPD/outside/host.jpg" "$TMPD/mlink/$img"
(cd "$TMPD" && T "$WXF" case -q -o m.out mlink > /dev/null 2> m.err)
is "$?" 0 "media file that is a link: case exit 0"
python3 - "$TMPD/m.out" "$(basename "$img")" "$(sha256sum < "$TMPD/outside/host.jpg" | cut -c1-64)" > "$TMPD/m.py" <<'PY'
import re, sys
out, name, hosthash = sys.argv[1:]
def ok(c, n): print(("ok - " if c else "not ok - ") + n)
xml = open(out + "/timeline.xml", encoding="utf-8").read()
media = [m for m in re.findall(r"<media [^>]*>", xml) if name in m]
ok(media and all('state="missing"' in m for m in media), "the linked media file is not 'present' (%d reference(s))" % len(media))
alltext = "".join(open(out + "/" + f, encoding="utf-8").read() for f in ("report.html", "timeline.xml", "timeline.jsonl"))
ok(hosthash not in alltext, "the host file's hash is nowhere in the bundle")
ok("is a symbolic link to" in alltext and "(not followed)" in alltext, "an anomaly says the media file is a link, not followed")
PY
while IFS= read -r line; do case "$line" in "ok - "*) pass "media link: ${line#ok - }";; *) fail "media link: ${line#not ok - }";; esac; done < "$TMPD/m.py"

# ---------------------------------------------------------------- names that attack the terminal
fresh names
esc=$(printf 'esc\033[31mred\033[0m.txt')
nl=$(printf 'nl\nforged line.txt')
bad=$(printf 'bad\377name.bin')
for n in "$esc" "$nl" "$bad"; do printf 'x' > "$TMPD/names/data/$n"; done
before=$(snapshot "$TMPD/names")
T "$WXF" scan --no-magic "$TMPD/names" > "$TMPD/n.scan" 2>&1
is "$?" 0 "control characters and invalid UTF-8 in names: scan exit 0"
ok '! LC_ALL=C grep -q "$(printf "\033")" "$TMPD/n.scan"' "no escape character reaches the terminal"
ok 'LC_ALL=C grep -qF "esc\\x1b[31mred\\x1b[0m.txt" "$TMPD/n.scan"' "the escape sequence is shown as \\x1b"
ok 'LC_ALL=C grep -qF "nl\\nforged line.txt" "$TMPD/n.scan" && ! grep -q "^forged line.txt" "$TMPD/n.scan"' \
	"the line break is shown as \\n, no forged line"
ok 'LC_ALL=C grep -qF "bad\\xffname.bin" "$TMPD/n.scan"' "the invalid byte is shown as \\xff"
(cd "$TMPD" && T "$WXF" case -o n.out names > n.case 2> n.case.err)
is "$?" 0 "hostile names: case exit 0"
ok '! LC_ALL=C grep -q "$(printf "\033")" "$TMPD/n.case" "$TMPD/n.case.err" "$TMPD/n.out/report.html"' \
	"no escape character in the summary, the log or the report"
T "$WXF" verify "$TMPD/n.out" > "$TMPD/n.ver" 2>&1
is "$?" 0 "hostile names: the bundle verifies (evidence.sha256 escapes the line break)"
ok 'has "14 files re-hashed\|1[0-9] files re-hashed" "$TMPD/n.ver"' "hostile names: the evidence with them re-hashed"
is "$(snapshot "$TMPD/names")" "$before" "hostile names: evidence unchanged"

# ---------------------------------------------------------------- unreadable files
fresh unread
printf 'secret' > "$TMPD/unread/data/locked.bin"
chmod 000 "$TMPD/unread/data/locked.bin"
chmod -R a+rX "$TMPD/unread"; chmod 000 "$TMPD/unread/data/locked.bin"
mkdir -m 777 "$TMPD/uout"; chmod 755 "$TMPD"
AS=
if [ "$(id -u)" = 0 ]; then
	if command -v setpriv > /dev/null 2>&1; then AS="setpriv --reuid=65534 --regid=65534 --clear-groups"; else AS=none; fi
fi
if [ "$AS" = none ]; then
	skip "unreadable file: running as root without setpriv"
else
	$AS "$WXF" scan --no-magic "$TMPD/unread" > "$TMPD/u.scan" 2> "$TMPD/u.err"
	is "$?" 0 "unreadable file: scan exit 0 (a warning, not a failure)"
	ok 'has "locked.bin: unreadable: .*Permission denied" "$TMPD/u.err"' "unreadable file: warning names it and why"
	$AS "$WXF" case -q -o "$TMPD/uout/b" "$TMPD/unread" > "$TMPD/u.case" 2> "$TMPD/u.case.err"
	is "$?" 0 "unreadable file: case exit 0, the rest read"
	ok 'has "message databases read: 1 of 1" "$TMPD/u.case"' "unreadable file: the database still read"
	ok 'has "file(s) could not be read: unread/data/locked.bin" "$TMPD/uout/b/report.html"' \
		"unreadable file: the report's limitations name it"
fi
chmod 600 "$TMPD/unread/data/locked.bin"

# ---------------------------------------------------------------- nesting and an empty folder
fresh deep
d="$TMPD/deep/data"
for i in $(seq 1 70); do d="$d/d$i"; done
mkdir -p "$d" && printf 'deep' > "$d/bottom.txt"
T "$WXF" scan --no-magic "$TMPD/deep" > "$TMPD/d.scan" 2> "$TMPD/d.err"
is "$?" 0 "70 nested folders: scan exit 0"
ok 'has "folder nested deeper than 64 levels: not descended" "$TMPD/d.err" && has "type: dir" "$TMPD/d.scan"' \
	"the folder not descended is listed with the reason (nothing is left out silently)"
(cd "$TMPD" && T "$WXF" case -q -o d.out deep > /dev/null 2> /dev/null)
is "$?" 0 "70 nested folders: case exit 0"
ok 'has "folder(s) not descended" "$TMPD/d.out/report.html"' "the report's limitations say so"

mkdir "$TMPD/empty"
T "$WXF" scan "$TMPD/empty" > "$TMPD/e.scan" 2> "$TMPD/e.err"
is "$?" 0 "empty folder: scan exit 0"
ok '! has "runtime error" "$TMPD/e.err"' "empty folder: no undefined behaviour (qsort of nothing)"
(cd "$TMPD" && T "$WXF" case -q -o e.out empty > /dev/null 2> e.case.err)
is "$?" 0 "empty folder: case exit 0"
ok '! has "runtime error" "$TMPD/e.case.err" && has "No WeChat message database" "$TMPD/e.out/report.html"' \
	"empty folder: the report says nothing was found"

# ---------------------------------------------------------------- a file that changes during case
fresh chg
pdf=$(cd "$TMPD/chg" && find . -name '*.pdf' | head -1)
(cd "$TMPD" && WXF_DEBUG_SLEEP_BEFORE_REHASH=4000 T "$WXF" case -q -o c.out chg > c.case 2> c.err; echo $? > c.rc) &
n=0
while ! grep -q '"action":"analysis"' "$TMPD/c.out/audit.jsonl" 2> /dev/null && [ $n -lt 600 ]; do
	sleep 0.1; n=$((n + 1))
done
printf 'appended by the test' >> "$TMPD/chg/$pdf"
wait
is "$(cat "$TMPD/c.rc")" 1 "a file changed during case: exit 1"
ok 'has "EVIDENCE INTEGRITY FAILURE" "$TMPD/c.err" && has "EVIDENCE CHANGED during processing: chg/.*pdf" "$TMPD/c.err"' \
	"reported loudly, naming the file"
ok 'has "evidence file(s) CHANGED between the first and the final hashing" "$TMPD/c.out/report.html"' \
	"the bundle says so (limitation)"
ok 'grep "evidence-hash-after" "$TMPD/c.out/audit.jsonl" | grep "pdf" | grep -q "\"changed\":true"' \
	"the audit log records the changed hash"

# ---------------------------------------------------------------- access times (O_NOATIME)
probe="$TMPD/atime.probe"
printf 'x' > "$probe"; touch -a -d '2001-01-01 00:00:00' "$probe"; cat "$probe" > /dev/null
if [ "$(stat -c %X "$probe")" = "$(date -d '2001-01-01 00:00:00' +%s)" ]; then
	skip "access times: this file system does not record them"
else
	fresh at
	find "$TMPD/at" -type f -exec touch -a -d '2001-01-01 00:00:00' {} +
	atimes() { find "$TMPD/at" -type f -printf '%p %A@\n' | sort; }
	before=$(atimes)
	T "$WXF" scan --no-magic "$TMPD/at" > /dev/null 2>&1
	is "$(atimes)" "$before" "scan leaves every access time unchanged"
	(cd "$TMPD" && T "$WXF" case -q -o a.out at > /dev/null 2>&1)
	is "$(atimes)" "$before" "case leaves every access time unchanged"
	T "$WXF" verify "$TMPD/a.out" > /dev/null 2>&1
	is "$?" 0 "verify of that bundle passes"
	is "$(atimes)" "$before" "verify leaves every access time unchanged"
	T "$WXF" verify --provenance "$TMPD/a.out" > /dev/null 2>&1
	is "$(atimes)" "$before" "verify --provenance leaves every access time unchanged"
	T "$WXF" decrypt --key ad8a7d2 -o "$TMPD/a.plain" "$TMPD/at/$ACCT/EnMicroMsg.db" > /dev/null 2>&1
	is "$(atimes)" "$before" "decrypt leaves every access time unchanged"
	cp "$TMPD/a.plain" "$TMPD/at/data/plain.db"; touch -a -d '2001-01-01 00:00:00' "$TMPD/at/data/plain.db"
	before=$(atimes)
	T "$WXF" carve "$TMPD/at/data/plain.db" > /dev/null 2>&1
	is "$(atimes)" "$before" "carve leaves the access time of its database unchanged"
	# the Windows desktop driver (key check, image sniffing) and an evidence tar archive
	W3="$top_srcdir/fixtures/win3"
	cp -r "$W3/laptop" "$TMPD/w3"
	find "$TMPD/w3" -type f -exec touch -a -d '2001-01-01 00:00:00' {} +
	w3atimes() { find "$TMPD/w3" -type f -printf '%p %A@\n' | sort; }
	before=$(w3atimes)
	(cd "$TMPD" && T "$WXF" case -q --key "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["key"])' "$W3/win3.truth.json")" -o w3.out w3 > /dev/null 2>&1)
	is "$?" 0 "Windows desktop tree: case exit 0"
	is "$(w3atimes)" "$before" "Windows desktop tree: case leaves every access time unchanged"
	tar -C "$TMPD" -cf "$TMPD/at.tar" at/data; touch -a -d '2001-01-01 00:00:00' "$TMPD/at.tar"
	tat=$(stat -c %X "$TMPD/at.tar")
	T "$WXF" scan --no-magic "$TMPD/at.tar" > /dev/null 2>&1
	(cd "$TMPD" && T "$WXF" case -q -o tar.out at.tar > /dev/null 2>&1)
	is "$(stat -c %X "$TMPD/at.tar")" "$tat" "a tar archive as evidence: scan and case leave its access time unchanged"
fi
done_testing
