#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The `make fuzz` campaign: runs each libFuzzer binary BINDIR/<target> for SECONDS with a
# per-input TIMEOUT, its dictionary (tests/fuzz/dict/<target>.dict) when there is one, the
# build tree's growing corpus BINDIR/corpus-<target> and the replay corpus
# tests/fuzz/corpus/<target> as seeds; crashes, leaks, timeouts and out-of-memory inputs land in
# BINDIR/artifacts-<target>/; temporary files go to a tmpfs (/dev/shm) when there is one.  One
# target after another, or FUZZ_JOBS of them at a time (each on one core; targets are started
# in the order given); a target that finds something stops, the others still run.  Writes
# BINDIR/fuzz-summary.tsv (target, seconds, executions, executions per second, findings, corpus
# size; one line per target in the order given) and prints it.
#   run-fuzz.sh BINDIR SRCDIR SECONDS TIMEOUT TARGET...
# Exit status 1 when any target found something (see its log, BINDIR/<target>.log).
if [ "${1-}" = --one ]; then
	# one target: BINDIR SRCDIR SECONDS TIMEOUT TARGET; its summary line goes to
	# BINDIR/fuzz-row-<target>.tsv; exit 1 when it found something
	bindir=$2 src=$3 secs=$4 timeout=$5 t=$6
	mkdir -p "$bindir/corpus-$t" "$bindir/artifacts-$t"
	dict=
	[ -f "$src/dict/$t.dict" ] && dict="-dict=$src/dict/$t.dict"
	echo "  FUZZ     $t (${secs}s)"
	start=$(date +%s)
	"$bindir/$t" -max_total_time="$secs" -timeout="$timeout" -rss_limit_mb=2048 \
	    -print_final_stats=1 $dict -artifact_prefix="$bindir/artifacts-$t/" \
	    "$bindir/corpus-$t" "$src/corpus/$t" > "$bindir/$t.log" 2>&1
	rc=$?
	end=$(date +%s)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$bindir/$t.log" | tail -n 1)
	[ -n "$execs" ] || execs=0
	el=$((end - start))
	[ "$el" -gt 0 ] || el=1
	found=$(find "$bindir/artifacts-$t" -type f | wc -l)
	corpus=$(find "$bindir/corpus-$t" "$src/corpus/$t" -type f | wc -l)
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$el" "$execs" "$((execs / el))" "$found" \
	    "$corpus" > "$bindir/fuzz-row-$t.tsv"
	if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
		echo "  FOUND    $t: exit $rc, $found artifact(s) in $bindir/artifacts-$t (log $bindir/$t.log)"
		exit 1
	fi
	exit 0
fi
bindir=$1 src=$2 secs=$3 timeout=$4
shift 4
# targets that write their input to temporary files (ab_stream, archive) spend most of each
# execution on the file system: on a tmpfs when there is one (FUZZ_TMPDIR to choose another)
if [ -z "${FUZZ_TMPDIR-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	FUZZ_TMPDIR=$(mktemp -d /dev/shm/wxf-fuzz.XXXXXX) && trap 'rm -rf "$FUZZ_TMPDIR"' EXIT
fi
[ -n "${FUZZ_TMPDIR-}" ] && TMPDIR=$FUZZ_TMPDIR && export TMPDIR
jobs=${FUZZ_JOBS:-1}
case $jobs in ''|*[!0-9]*|0) echo "run-fuzz.sh: FUZZ_JOBS must be a positive number" >&2; exit 2;; esac
for t in "$@"; do rm -f "$bindir/fuzz-row-$t.tsv"; done
status=0
printf '%s\n' "$@" | xargs -P "$jobs" -n 1 sh "$0" --one "$bindir" "$src" "$secs" "$timeout" ||
    status=1
sum="$bindir/fuzz-summary.tsv"
printf 'target\tseconds\texecs\texecs_per_s\tfindings\tcorpus\n' > "$sum"
for t in "$@"; do
	if [ -f "$bindir/fuzz-row-$t.tsv" ]; then
		cat "$bindir/fuzz-row-$t.tsv" >> "$sum" && rm -f "$bindir/fuzz-row-$t.tsv"
	else
		printf '%s\t0\t0\t0\tnot run\t0\n' "$t" >> "$sum"
		status=1
	fi
done
column -t -s '	' "$sum" 2>/dev/null || cat "$sum"
exit $status
