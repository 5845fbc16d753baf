#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Allocation failures, the libyal way, over one whole `case` of the Android demo, of an iTunes
# backup and of each desktop family (and then the carver and decryption on their own, every n):
# a clean run
# counts the N allocations wxforensic makes (tests/unit/wxforensic-failalloc, see
# tests/unit/failalloc.c), then for each chosen n the n-th allocation fails.  Each run must
# either end with exit status 4 and "out of memory" on stderr (a clear error; no manifest, so
# verify refuses the folder), or finish with exit 0 and the same bundle as the clean run (the
# failure was absorbed without changing a result).  Anything else fails: a crash, a sanitizer
# or leak report, another exit status, a silent difference.
#   FAILALLOC_ALL=1      every n = 1..N (make check-failalloc), otherwise n = 1..40 and then
#                        FAILALLOC_RUNS (default 80) more spread evenly over 41..N
#   FAILALLOC_BIN=PATH   another failure-injecting binary (default: the build's)
. "$top_srcdir/tests/cli/lib.sh"
FA=${FAILALLOC_BIN:-$top_builddir/tests/unit/wxforensic-failalloc}
[ -x "$FA" ] || { skip "wxforensic-failalloc not built"; done_testing; }
cp -r "$top_srcdir/fixtures/android/demo" "$TMPD/demo"
export SOURCE_DATE_EPOCH=1780000000
cd "$TMPD" || exit 1

# the bundle without what differs between two clean runs (wall-clock times in the audit log,
# and the manifest that hashes it)
fingerprint() {
	(cd "$1" && find . -type f ! -name audit.jsonl ! -name manifest.sha256 -print0 | sort -z |
		xargs -0 sha256sum)
}

# One whole `case` under failure: LABEL FIRST RUNS ARGS... -- a clean run counts the N
# allocations, then n = 1..FIRST and RUNS more spread evenly over FIRST+1..N (every n with
# FAILALLOC_ALL=1).
case_under_failure() {
	label=$1 first=$2 runs=$3
	shift 3
	rm -rf ref
	WXF_FAIL_ALLOC_COUNT="$TMPD/count" "$FA" case -q -o ref "$@" > ref.out 2> ref.err
	rc=$?
	is "$rc" 0 "$label: clean run of the failure-injecting binary"
	N=$(cut -d' ' -f1 "$TMPD/count")
	ok "[ '$N' -gt 1000 ]" "$label: the case makes $N allocations"
	fingerprint ref > ref.fp
	if [ "${FAILALLOC_ALL-}" = 1 ]; then
		list=$(seq 1 "$N")
	else
		list="$(seq 1 "$first") $(awk -v n="$N" -v r="$runs" -v f="$first" 'BEGIN {
			for (i = 1; i <= r; i++) printf "%d ", f + int((n - f) * i / r) }')"
	fi
	total=0 enomem=0 absorbed=0 bad=0 badlist=
	for n in $list; do
		rm -rf out
		WXF_FAIL_ALLOC=$n "$FA" case -q -o out "$@" > out.stdout 2> out.err
		rc=$?
		total=$((total + 1))
		why=
		if grep -q -e Sanitizer -e 'runtime error' out.err; then
			why="sanitizer report"
		elif [ "$rc" -eq 4 ]; then
			if grep -q 'out of memory' out.err; then
				enomem=$((enomem + 1))
				# a failure after the manifest was written leaves a complete bundle
				[ -f out/manifest.sha256 ] && ! fingerprint out | cmp -s - ref.fp &&
					why="exit 4, and a manifest over a bundle that differs from the clean run's"
			else
				why="exit 4 without 'out of memory'"
			fi
		elif [ "$rc" -eq 0 ]; then
			if fingerprint out | cmp -s - ref.fp; then
				absorbed=$((absorbed + 1))
			else
				why="exit 0 with a different bundle: $(fingerprint out | diff - ref.fp |
					grep '^[<>]' | head -n 2 | tr '\n' ' ')"
			fi
		else
			why="exit $rc: $(grep -v '^$' out.err | head -n 1)"
		fi
		if [ -n "$why" ]; then
			bad=$((bad + 1))
			badlist="$badlist $n"
			diag "$label, n=$n: $why"
		fi
	done
	ok "[ $bad -eq 0 ]" "$label: $total runs (n among 1..$N): $enomem ended with a clear out-of-memory error (exit 4), $absorbed finished with the clean run's bundle, $bad otherwise${badlist:+ (n =$badlist)}"
}

F=$top_srcdir/fixtures
case_under_failure "Android demo" 40 "${FAILALLOC_RUNS:-80}" demo
# the other platforms' readers, decoders and containers (fewer runs each: the demo's run
# covers the shared model, analysis and writers)
case_under_failure "iTunes backup (iOS)" 20 30 "$F/ios/backup-plain"
case_under_failure "Windows 3.x, keys from a memory dump" 20 30 --memdump "$F/win3/dumps/WeChat.dmp" "$F/win3/laptop"
case_under_failure "WeChat 4.x" 20 30 --memdump "$F/wx4/dumps/Weixin.dmp" "$F/wx4/mac"
case_under_failure "macOS 3.x" 20 30 --memdump "$F/mac3/dumps/WeChat.dmp" "$F/mac3/mac"

# The parsers on their own, every n = 1..N: the carver (WAL, rollback journal, three threads,
# and three threads spilling 1 KB partitions to temporary files, whose output is compared
# sorted: where the workers cannot be set up the carver falls back to memory, which emits the
# same records in another order) and physical decryption (SQLCipher 4).  Each run ends with exit 4
# and "out of memory", or exit 0 with the clean run's output.
S=$top_srcdir/fixtures/sqlite
K=$(awk '$1 == "key" { print $2 }' "$top_srcdir/fixtures/decrypt/wx4.truth")
for cmd in "carve --all --wal $S/wal.db-wal $S/wal.db" \
    "carve --all --journal $S/journal.db-journal $S/journal.db" \
    "carve --all --jobs 3 $S/freeblock.db" \
    "spill carve --all --jobs 3 --journal $S/journal.db-journal $S/journal.db" \
    "decrypt $top_srcdir/fixtures/decrypt/wx4/message_0.db -o $TMPD/dec.db --no-crosscheck --key $K"; do
	rm -f dec.db
	part= srt=cat
	case $cmd in spill\ *) cmd=${cmd#spill }; part=1; srt=sort;; esac
	# shellcheck disable=SC2086
	WXF_CARVE_PART_KB=$part WXF_FAIL_ALLOC_COUNT="$TMPD/count" "$FA" $cmd 2> /dev/null | $srt > pref.out
	N=$(cut -d' ' -f1 "$TMPD/count")
	[ -f dec.db ] && sha256sum < dec.db >> pref.out
	total=0 enomem=0 absorbed=0 bad=0 badlist=
	for n in $(seq 1 "$N"); do
		rm -f dec.db
		# shellcheck disable=SC2086
		WXF_CARVE_PART_KB=$part WXF_FAIL_ALLOC=$n "$FA" $cmd > p.raw 2> p.err
		rc=$?
		$srt < p.raw > p.out
		[ "$rc" -eq 0 ] && [ -f dec.db ] && sha256sum < dec.db >> p.out
		total=$((total + 1))
		if grep -q -e Sanitizer -e 'runtime error' p.err; then
			why="sanitizer report"
		elif [ "$rc" -eq 4 ] && grep -q 'out of memory' p.err; then
			enomem=$((enomem + 1)); continue
		elif [ "$rc" -eq 0 ] && cmp -s p.out pref.out; then
			absorbed=$((absorbed + 1)); continue
		else
			why="exit $rc: $(grep -v '^$' p.err | head -n 1)"
		fi
		bad=$((bad + 1))
		badlist="$badlist $n"
		diag "$cmd, n=$n: $why"
	done
	label=$(echo "$cmd" | awk '{ for (i = 2; i <= NF; i++) if ($i ~ /\//) { f = $i; break }
		sub(/.*\//, "", f); o = $1; for (i = 2; i <= NF && $i !~ /\//; i++) o = o " " $i
		print o " " f }')${part:+ (spilling)}
	ok "[ $bad -eq 0 ]" "$label: n = 1..$N: $enomem clear out-of-memory errors, $absorbed with the clean run's output, $bad otherwise${badlist:+ (n =$badlist)}"
done
done_testing
