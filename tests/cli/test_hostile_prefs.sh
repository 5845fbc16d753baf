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
done_testing
