#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Hostile SharedPreferences: every prefs file of an Android tree carries a "billion laughs"
# DOCTYPE (nine levels of ten entity references).  The intake scan and Android key derivation
# both refuse the files with a warning naming the DOCTYPE, finish in bounded time and memory,
# and the key still comes from the cfg files.
. "$top_srcdir/tests/cli/lib.sh"
T="$TMPD/tree"
cp -r "$top_srcdir/fixtures/decrypt/android-tree" "$T"
chmod -R u+w "$T"
ents='<!ENTITY a "1234567890">'
prev=a
for c in b c d e f g h i; do
	refs=$(for k in 0 1 2 3 4 5 6 7 8 9; do printf '&%s;' "$prev"; done)
	ents="$ents<!ENTITY $c \"$refs\">"
	prev=$c
done
for f in "$T"/apps/com.tencent.mm/r/shared_prefs/*.xml; do
	{
		printf "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n"
		printf '<!DOCTYPE map [%s]>\n' "$ents"
		printf '<map>\n    <int name="default_uin" value="&i;" />\n'
		printf '    <string name="last_login_uin">&i;</string>\n'
		printf '    <string name="_auth_uin">&i;</string>\n</map>\n'
	} > "$f"
done
# Runs the command under a 60 s timeout, recording its peak memory (KB) in $TMPD/rss.
bounded() {
	if [ -x /usr/bin/time ]; then
		timeout 60 /usr/bin/time -f %M -o "$TMPD/rss" "$@"
	else
		echo 0 > "$TMPD/rss"
		timeout 60 "$@"
	fi
}
small() { [ "$(tail -n 1 "$TMPD/rss")" -lt 512000 ]; }

bounded "$WXF" scan --no-magic "$T" > "$TMPD/scan.out" 2> "$TMPD/scan.err"
is "$?" 0 "scan: finishes (warnings are not failures)"
ok small "scan: peak memory under 500 MB ($(tail -n 1 "$TMPD/rss") KB)"
is "$(grep -c 'SharedPreferences not read: XML with a DOCTYPE' "$TMPD/scan.err")" 3 \
	"scan: each of the three prefs files refused with a warning"

bounded "$WXF" key derive "$T" > "$TMPD/key.out" 2> "$TMPD/key.err"
is "$?" 0 "key derive: finishes, the key found from the cfg files"
ok small "key derive: peak memory under 500 MB ($(tail -n 1 "$TMPD/rss") KB)"
is "$(grep -c '^note .*shared_prefs/.*not read: XML with a DOCTYPE' "$TMPD/key.out")" 3 \
	"key derive: each prefs file refused, as a note"
ok "grep -q '^uins .*MicroMsg/systemInfo.cfg key 1' '$TMPD/key.out'" \
	"key derive: the uin still comes from systemInfo.cfg"
ok "! grep -q '^note .*\\.cfg:' '$TMPD/key.out'" \
	"key derive: the cfg files, read fine, carry no note (no reason left over from the prefs)"

# The campaign's own shape: a 220 KB prefs file whose one 200 KB entity is referenced a few
# thousand times (about a gigabyte once expanded), and external entities (XXE) naming a host
# file, in a tree `case` reads whole: refused as above, the run bounded, nothing of the host
# file in the bundle, the evidence unchanged.
T2="$TMPD/tree2"
cp -r "$top_srcdir/fixtures/decrypt/android-tree" "$T2"
chmod -R u+w "$T2"
set -- "$T2"/apps/com.tencent.mm/r/shared_prefs/*.xml
BIG=$1 XXE=$2
python3 - "$BIG" "$XXE" <<'PY'
import sys
big, xxe = sys.argv[1], sys.argv[2]
ent = "9" * 200000
refs = "&a;" * 6000
open(big, "w").write("<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n"
    '<!DOCTYPE map [<!ENTITY a "%s">]>\n<map>\n    <string name="last_login_uin">%s</string>\n</map>\n' % (ent, refs))
open(xxe, "w").write("<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n"
    '<!DOCTYPE map [<!ENTITY x SYSTEM "file:///etc/passwd"><!ENTITY % p SYSTEM "file:///etc/hostname"> %p;]>\n'
    '<map>\n    <string name="_auth_uin">&x;</string>\n</map>\n')
PY
ok '[ "$(stat -c %s "$BIG")" -gt 210000 ] && [ "$(stat -c %s "$BIG")" -lt 230000 ]' "the 220 KB prefs file made ($(stat -c %s "$BIG") bytes)"
before=$(snapshot "$T2")
bounded "$WXF" key derive "$T2" > "$TMPD/key2.out" 2> "$TMPD/key2.err"
is "$?" 0 "220 KB entity file and XXE: key derive finishes"
ok small "220 KB entity file and XXE: key derive under 500 MB ($(tail -n 1 "$TMPD/rss") KB)"
ok "grep -q '^note .*$(basename "$BIG").*not read: XML with a DOCTYPE' '$TMPD/key2.out' &&
	grep -q '^note .*$(basename "$XXE").*not read: XML with a DOCTYPE' '$TMPD/key2.out'" \
	"both refused, each named"
(cd "$TMPD" && bounded "$WXF" case -q -o b2 tree2 > case2.out 2> case2.err)
is "$?" 0 "220 KB entity file and XXE: case exits 0"
ok small "220 KB entity file and XXE: case under 500 MB ($(tail -n 1 "$TMPD/rss") KB)"
ok "! grep -rq 'root:x:0:0' '$TMPD/b2' && ! grep -rqF '$(head -c 40 /etc/hostname 2> /dev/null)x' '$TMPD/b2'" \
	"nothing of the host files the external entities name is in the bundle"
is "$(snapshot "$T2")" "$before" "220 KB entity file and XXE: evidence unchanged"
done_testing
