#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The SQLite Forensic Corpus v2.0 (Nemetz, Schmitt, Freiling; DFRWS EU 2018, IMF 2018) in
# $SHARED_DIR/external/sqlite-forensic-corpus: every file of every folder (01..0E, and the
# anti-forensic 11..19 with their .db_recovery fragments) carved with `carve --all` under a
# per-file timeout (NEMETZ_TIMEOUT, default 60 s; the ASan build of `make check` runs it
# too).  No crash (death by a signal, a sanitizer or UBSan report), no hang (timeout), no
# internal error (exit 4); a file that is no SQLite image must be refused with exit 3 and a
# message.  Skipped when the corpus is not there.
. "$top_srcdir/tests/cli/lib.sh"
C="${SHARED_DIR-}/external/sqlite-forensic-corpus/sqlite_forensic_corpus_v2.0"
if [ -z "${SHARED_DIR-}" ] || [ ! -d "$C" ]; then
	skip "SHARED_DIR forensic corpus v2.0 missing"
	done_testing
fi
command -v timeout > /dev/null 2>&1 || { skip "timeout(1) not installed"; done_testing; }
T=${NEMETZ_TIMEOUT:-60}
n=0 n0=0 n3=0 crash= hang= other= t0=$(date +%s)
for f in $(find "$C" -type f \( -name '*.db' -o -name '*.db_recovery' \) | sort); do
	n=$((n + 1))
	timeout "$T" "$WXF" carve --all "$f" > "$TMPD/out" 2> "$TMPD/err"
	rc=$?
	name=${f#"$C"/}
	if grep -q -e 'Sanitizer' -e 'runtime error:' "$TMPD/err"; then
		crash="$crash $name(sanitizer)"
		sed -n '1,20p' "$TMPD/err" | sed 's/^/# /'
	elif [ "$rc" -eq 124 ]; then
		hang="$hang $name"
	elif [ "$rc" -gt 128 ]; then
		crash="$crash $name(signal $((rc - 128)))"
	elif [ "$rc" -eq 0 ]; then
		n0=$((n0 + 1))
	elif [ "$rc" -eq 3 ] && [ -s "$TMPD/err" ]; then
		n3=$((n3 + 1))
	else
		other="$other $name(exit $rc)"
	fi
done
t1=$(date +%s)
ok "[ $n -ge 200 ]" "corpus v2.0: $n files in $(find "$C" -mindepth 1 -maxdepth 1 -type d | wc -l) folders carved in $((t1 - t0)) s (timeout $T s each)"
ok "[ -z '$crash' ]" "no crash${crash:+:$crash}"
ok "[ -z '$hang' ]" "no hang${hang:+:$hang}"
ok "[ -z '$other' ]" "$n0 carved (exit 0), $n3 refused as no SQLite image (exit 3, with a message), none otherwise${other:+:$other}"
done_testing
