#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Carve speed: MB/s and peak RSS of `wxforensic carve` on the ~110 MB benchmark database.
# usage: speed.sh WXFORENSIC WORKDIR [ROWS]   (the database is generated once and kept in WORKDIR;
# ROWS, default 600000 = ~110 MB, scales it: 1800000 gives ~330 MB for the memory-vs-size check)
# The figure is a full carve with record attribution, JSON lines written to a file.
set -e
wxf=$1
dir=${2:-.}
rows=${3:-600000}
if [ "$rows" = 600000 ]; then db=$dir/bench-carve-speed.db; else db=$dir/bench-carve-speed-$rows.db; fi
here=$(dirname "$0")
[ -f "$db" ] || python3 "$here/gen_speed.py" "$db" "$rows"
size=$(stat -c %s "$db")
cat "$db" > /dev/null   # warm the page cache: the figure is the carver's, not the disk's
for run in 1 2 3; do
	/usr/bin/time -v "$wxf" carve -q "$db" > "$dir/bench-carve-speed.out" 2> "$dir/bench-carve-speed.time"
	secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$dir/bench-carve-speed.time" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/bench-carve-speed.time")
	recs=$(wc -l < "$dir/bench-carve-speed.out")
	awk -v b="$size" -v s="$secs" -v r="$rss" -v n="$recs" 'BEGIN {
		printf "run %d: %.1f MB in %.2f s = %.0f MB/s; peak RSS %.1f MB (file %.1f MB mapped, %.1f MB beyond); %d records\n",
		    '"$run"', b / 1e6, s, (s > 0 ? b / 1e6 / s : 0), r / 1024, b / 1048576, r / 1024 - b / 1048576, n }'
done
