# SPDX-License-Identifier: Apache-2.0
# wxforensic verify: exit 0 on an untouched bundle; exit 1 naming the file after a one-byte
# change in ANY file of the bundle (every manifest entry, the manifest, the audit log), an
# added file, a removed file, and a one-byte change in an evidence file (on a private copy).
. "$top_srcdir/tests/cli/lib.sh"

src="$top_srcdir/fixtures/android/demo"
[ -d "$src" ] || { fail "fixture missing"; done_testing; }
cp -a "$src" "$TMPD/ev"
(cd "$TMPD" && SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q --case-number V-1 -o b ev > b.stdout 2> b.stderr)
is "$?" 0 "case on a copy of the demo evidence"
(cd "$TMPD" && "$WXF" verify b > v.out 2> v.err)
is "$?" 0 "verify exits 0 on the untouched bundle"
ok 'grep -q "^VERIFIED" "$TMPD/v.out"' "verify says VERIFIED"
ok 'grep -q "evidence: [1-9][0-9]* files re-hashed, 0 not reachable" "$TMPD/v.out"' "verify re-hashed the evidence"

# flip one byte (the middle one) of a file
flip() { python3 - "$1" <<'PY'
import sys
p = sys.argv[1]; b = bytearray(open(p, "rb").read()); i = len(b) // 2
b[i] ^= 0x01; open(p, "wb").write(bytes(b))
PY
}
files=$( (cd "$TMPD/b" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) )
n=0
for f in $files; do
	rm -rf "$TMPD/c" && cp -a "$TMPD/b" "$TMPD/c"
	flip "$TMPD/c/$f"
	(cd "$TMPD" && "$WXF" verify c > c.out 2> c.err)
	rc=$?
	name=$f
	case "$f" in manifest.sha256) name="manifest.sha256\|audit.jsonl";; esac
	if [ "$rc" -eq 1 ] && grep -q "CHANGED.*\($name\)" "$TMPD/c.out"; then n=$((n + 1)); else
		fail "one byte changed in $f: verify exit $rc"; sed 's/^/# /' "$TMPD/c.out"; fi
done
total=$(echo "$files" | wc -l)
is "$n" "$total" "verify catches a one-byte change in every one of the $total bundle files and names it"

rm -rf "$TMPD/c" && cp -a "$TMPD/b" "$TMPD/c" && echo extra > "$TMPD/c/csv/extra.csv"
(cd "$TMPD" && "$WXF" verify c > c.out 2>&1)
is "$?" 1 "an added file is caught"
ok 'grep -q "csv/extra.csv: not in the manifest" "$TMPD/c.out"' "the added file is named"
rm -rf "$TMPD/c" && cp -a "$TMPD/b" "$TMPD/c" && rm "$TMPD/c/timeline.jsonl"
(cd "$TMPD" && "$WXF" verify c > c.out 2>&1)
is "$?" 1 "a removed file is caught"
ok 'grep -q "timeline.jsonl: missing" "$TMPD/c.out"' "the removed file is named"
rm -rf "$TMPD/c" && cp -a "$TMPD/b" "$TMPD/c" && head -n -1 "$TMPD/c/audit.jsonl" > "$TMPD/a" && cat "$TMPD/a" > "$TMPD/c/audit.jsonl"
(cd "$TMPD" && "$WXF" verify c > c.out 2>&1)
is "$?" 1 "a truncated audit log is caught"

# evidence: one byte of the copy
db=$(cd "$TMPD" && find ev -name EnMicroMsg.db | head -1)
flip "$TMPD/$db"
(cd "$TMPD" && "$WXF" verify b > e.out 2>&1)
is "$?" 1 "a one-byte change in an evidence file is caught"
ok 'grep -q "evidence .*EnMicroMsg.db: SHA-256 CHANGED" "$TMPD/e.out"' "the changed evidence file is named"
(cd / && "$WXF" verify -C "$TMPD" "$TMPD/b" > "$TMPD/e2.out" 2>&1)
is "$?" 1 "-C DIR resolves the evidence from elsewhere"
(cd / && "$WXF" verify "$TMPD/b" > "$TMPD/e3.out" 2>&1)
ok 'grep -q "not reachable" "$TMPD/e3.out"' "unreachable evidence is reported, not silently passed"
"$WXF" verify "$TMPD/nonexistent" > /dev/null 2>&1
is "$?" 2 "a directory without a manifest is a usage error"
done_testing
