#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Same input, same bundle, whatever the threads do: the key search in a memory dump runs on
# several workers that stop at times of their own once one has found the key, and nothing of
# that timing may reach the bundle (the count of candidates tried is the count a scan in file
# order makes).  For each desktop family: two runs on 4 workers are byte-identical, and a run
# on 1 worker differs from them only in the command line it quotes.
. "$top_srcdir/tests/cli/lib.sh"
F=$top_srcdir/fixtures
export SOURCE_DATE_EPOCH=1780000000
# every file but the audit log, the manifest and case.jsonld (whose action id is derived from the
# command line), hashed with the command line's worker count masked
fp() { (cd "$1" && find . -type f ! -name audit.jsonl ! -name manifest.sha256 ! -name case.jsonld | sort |
	while read -r x; do printf '%s %s\n' "$(sed 's/--jobs [0-9]* /--jobs N /g' "$x" | sha256sum)" "$x"; done); }
for fam in "win3 WeChat.dmp laptop" "wx4 Weixin.dmp mac" "mac3 WeChat.dmp mac"; do
	set -- $fam
	f=$1 dump=$2 tree=$3
	for r in a b; do
		"$WXF" case -q --jobs 4 -o "$TMPD/$f-$r" --memdump "$F/$f/dumps/$dump" "$F/$f/$tree" \
			> /dev/null 2> "$TMPD/$f-$r.err"
		is "$?" 0 "$f: case --memdump on 4 workers (run $r)"
	done
	"$WXF" case -q --jobs 1 -o "$TMPD/$f-one" --memdump "$F/$f/dumps/$dump" "$F/$f/$tree" \
		> /dev/null 2> "$TMPD/$f-one.err"
	is "$?" 0 "$f: case --memdump on 1 worker"
	ok 'diff -r "$TMPD/$f-a" "$TMPD/$f-b" > "$TMPD/$f.diff"' \
		"$f: two runs on 4 workers give byte-identical bundles"
	[ -s "$TMPD/$f.diff" ] && head -n 6 "$TMPD/$f.diff" | sed 's/^/# /'
	ok 'fp "$TMPD/$f-a" > "$TMPD/$f-a.fp" && fp "$TMPD/$f-one" | cmp -s - "$TMPD/$f-a.fp"' \
		"$f: the bundle on 1 worker is the same (the quoted command line apart)"
	ok 'grep -q "\"candidates\":[1-9]" "$TMPD/$f-a/audit.jsonl" || grep -q "candidates" "$TMPD/$f-a/report.html"' \
		"$f: the number of candidates tried is stated"
done
done_testing
