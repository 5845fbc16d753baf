#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Carve speed: MB/s and peak RSS of `wxforensic carve` on the ~110 MB benchmark database.
# usage: speed.sh WXFORENSIC WORKDIR [ROWS]   (the database is generated once and kept in WORKDIR;
# ROWS, default 600000 = ~110 MB, scales it: 1800000 gives ~330 MB for the memory-vs-size check)
# The figure is a full carve with record attribution, JSON lines written to a file, with the
# default thread count (one per online processor); one --jobs 1 run follows.  The baseline, in the
# same run, is binutils strings(1) dumping the raw ASCII strings of the same file to a file (the
# kind of tool the issue compares with): "ratio" is carve MB/s over strings MB/s.
set -e
wxf=$1
dir=${2:-.}
rows=${3:-600000}
if [ "$rows" = 600000 ]; then db=$dir/bench-carve-speed.db; else db=$dir/bench-carve-speed-$rows.db; fi
here=$(dirname "$0")
[ -f "$db" ] || python3 "$here/gen_speed.py" "$db" "$rows"
size=$(stat -c %s "$db")
cat "$db" > /dev/null   # warm the page cache: the figure is the carver's, not the disk's
base=0
if command -v strings > /dev/null 2>&1; then
	for run in 1 2 3; do
		/usr/bin/time -f %e -o "$dir/bench-carve-speed.time" strings -n 4 "$db" > "$dir/bench-carve-speed.strings"
		base=$(awk -v b="$size" -v best="$base" '{ s = $1; r = (s > 0 ? b / 1e6 / s : 0); print (r > best ? r : best) }' "$dir/bench-carve-speed.time")
	done
	rm -f "$dir/bench-carve-speed.strings"
	printf 'baseline: strings -n 4, best of 3: %.0f MB/s\n' "$base"
fi
echo "threads: default = $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo ?) online processors"
for run in 1 2 3 j1; do
	jobs=
	[ "$run" = j1 ] && jobs="--jobs 1"
	/usr/bin/time -v "$wxf" carve -q $jobs "$db" > "$dir/bench-carve-speed.out" 2> "$dir/bench-carve-speed.time"
	secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$dir/bench-carve-speed.time" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/bench-carve-speed.time")
	recs=$(wc -l < "$dir/bench-carve-speed.out")
	awk -v b="$size" -v s="$secs" -v r="$rss" -v n="$recs" -v base="$base" -v run="$run" 'BEGIN {
		mbs = (s > 0 ? b / 1e6 / s : 0)
		printf "run %s: %.1f MB in %.2f s = %.0f MB/s%s; peak RSS %.1f MB (file %.1f MB mapped, %.1f MB beyond); %d records\n",
		    (run == "j1" ? "--jobs 1" : run), b / 1e6, s, mbs, (base > 0 ? sprintf(" (ratio %.2f)", mbs / base) : ""),
		    r / 1024, b / 1048576, r / 1024 - b / 1048576, n }'
done
