#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `make bench-case`: a whole `wxforensic case` over generated heavy-user Android extractions
# (bench/case/gen_case.py: encrypted EnMicroMsg.db, ~2,000 conversations, ~5 % deleted) of
# 100k and 1M messages (and 3M with BENCH_CASE_3M=1; other sizes with BENCH_CASE_SIZES="N N"),
# one core (--jobs 1) and all cores.  Prints per size: wall time, peak RSS (with the pages of
# mapped files: evidence, decrypted image, the model and tables in $TMPDIR), peak anonymous
# memory (RssAnon sampled every 0.2 s: what no file page stands in for), bundle size and bytes
# per message, and the time of each step taken from the audit log (each record is written
# when its step ends; no SOURCE_DATE_EPOCH here, it would freeze those times; with all cores
# the writers run side by side and their records enter the log together, so they are timed
# as one step, "writers"), then the growth ratios between sizes, then, when Chromium is
# installed, the seconds to the first paint and to the load event of report.html and of the
# largest conversation page (tests/tools/browser_check.py; BENCH_CASE_BROWSER=0 leaves it out);
# BENCH_CASE_MEMLIMIT_MB=N runs the largest size again in a memory cgroup of N MiB (root), the
# model in a file (the default past 64 MiB) and in memory.
# The databases are generated once into $WXF_BENCH_DIR (default /tmp).
#
#   sh bench/case/run.sh WXF [WORKDIR]
set -eu
wxf=$1
work=${2:-$(pwd)}
here=$(cd "$(dirname "$0")" && pwd)
dir=${WXF_BENCH_DIR:-/tmp}
sizes=${BENCH_CASE_SIZES:-"100000 1000000"}
[ "${BENCH_CASE_3M:-0}" = 1 ] && sizes="$sizes 3000000"
results="$work/bench-case.tsv"
: > "$results"
for n in $sizes; do
	ev="$dir/bench-case-$n"
	if [ ! -s "$ev.key" ]; then
		echo "generating $n messages into $ev ..." >&2
		python3 "$here/gen_case.py" "$ev" "$n" > "$ev.key"
	fi
	key=$(cat "$ev.key")
	for jobs in 1 0; do
		out="$work/bench-case-out-$n-$jobs"
		rm -rf "$out"
		cat "$(find "$ev" -name EnMicroMsg.db)" > /dev/null   # page cache warm: the tool's time
		/usr/bin/time -v -o "$work/bench-case-$n-$jobs.time" \
		    "$wxf" case -q --jobs "$jobs" --key "$key" -o "$out" "$ev" > /dev/null 2>&1 &
		tp=$!
		# anonymous memory (what no file page stands in for), sampled every 0.2 s
		anon=0
		while kill -0 "$tp" 2> /dev/null; do
			for c in $(cat "/proc/$tp/task/$tp/children" 2> /dev/null); do
				a=$(awk '/^RssAnon:/ { print $2 }' "/proc/$c/status" 2> /dev/null || true)
				[ -n "$a" ] && [ "$a" -gt "$anon" ] && anon=$a
			done
			sleep 0.2
		done
		if ! wait "$tp"; then
			echo "case failed on $n messages (--jobs $jobs): see $work/bench-case-$n-$jobs.time" >&2
			exit 1
		fi
		python3 - "$n" "$jobs" "$work/bench-case-$n-$jobs.time" "$out/audit.jsonl" \
		    "$(du -sk --exclude=work "$out" | cut -f1)" "$((anon / 1024))" >> "$results" <<'PY'
import json, re, sys, datetime
n, jobs, tf, audit, kb, anon = sys.argv[1:7]
t = open(tf).read()
def field(name):
    m = re.search(r"\t" + re.escape(name) + r": (.*)", t)
    return m.group(1).strip() if m else "?"
wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
secs = 0.0
for part in wall.split(":"):
    secs = secs * 60 + float(part)
rss = int(field("Maximum resident set size (kbytes)")) // 1024
# each record ends its step: a step's time is the time since the record before it.  Writes are
# grouped by writer (report.html with its conversation and list pages, csv/ as one); with all cores the
# writers' records enter the log together, so they are one step, "writers".
steps, prev, groups, wfirst, wlast = [], None, {}, None, None
for line in open(audit, encoding="utf-8"):
    r = json.loads(line)
    if r["action"].startswith("evidence-hash") or r["action"] == "evidence-root":
        continue
    at = datetime.datetime.fromisoformat(r["time"].replace("Z", "+00:00")).timestamp()
    if r["action"] == "write" and prev is not None:
        out = r.get("output", "")
        g = "report.html" if out.startswith(("conversations/", "lists/")) else "csv" if out.startswith("csv/") else out
        groups[g] = groups.get(g, 0.0) + at - prev
        wfirst = prev if wfirst is None else wfirst
        wlast = at
    elif prev is not None:
        if groups:
            if jobs == "1":
                steps += ["write:%s=%.2f" % (g, t) for g, t in groups.items()]
            steps.append("writers=%.2f" % (wlast - wfirst))
            groups = {}
        steps.append("%s=%.2f" % (r["action"], at - prev))
    prev = at
print("\t".join([n, "1" if jobs == "1" else "all", "%.2f" % secs, str(rss), anon, str(int(kb) // 1024),
                 "%d" % (int(kb) * 1024 // int(n))] + steps))
PY
	done
done
python3 - "$results" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
print("%-9s %-5s %8s %8s %8s %10s %7s  %s" % ("messages", "cores", "wall s", "RSS MB", "anon MB",
                                               "bundle MB", "B/msg", "steps (s)"))
for r in rows:
    print("%-9s %-5s %8s %8s %8s %10s %7s  %s" % (r[0], r[1], r[2], r[3], r[4], r[5], r[6],
                                                   " ".join(r[7:])))
by = {}
for r in rows:
    by.setdefault(r[1], []).append((int(r[0]), float(r[2]), int(r[3]), int(r[4])))
for cores, v in sorted(by.items()):
    for (n0, s0, m0, a0), (n1, s1, m1, a1) in zip(v, v[1:]):
        print("cores %s: %d -> %d messages (x%.1f): time x%.2f, peak RSS x%.2f, peak anonymous x%.2f"
              % (cores, n0, n1, n1 / n0, s1 / s0 if s0 else 0, m1 / m0 if m0 else 0,
                 a1 / a0 if a0 else 0))
PY
# the report in a browser: the index and the largest conversation page of each size (all cores)
chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -n "$chromium" ] && [ "${BENCH_CASE_BROWSER:-1}" = 1 ]; then
	echo "report in Chromium (seconds to first contentful paint / load event):"
	for n in $sizes; do
		out="$work/bench-case-out-$n-0"
		big=$(ls -S "$out/conversations/"*.html 2>/dev/null | head -1)
		for f in "$out/report.html" $big; do
			timeout 600 python3 "$here/../../tests/tools/browser_check.py" "$chromium" "$f" --timeout 300 \
			    2> /dev/null | python3 -c 'import json,os,sys; r=json.load(sys.stdin); f=sys.argv[2]; print("  %-9s %-40s %6.1f MB  first paint %s s, load %s s" % (sys.argv[1], os.path.relpath(f, sys.argv[3]), os.path.getsize(f) / 1048576, r.get("first_paint_s"), r.get("load_s")))' "$n" "$f" "$out" \
			    || echo "  $n $f: chromium did not load it"
		done
	done
fi
# the largest size in a memory limit (BENCH_CASE_MEMLIMIT_MB, root, a cgroup memory controller):
# the model in a file past 64 MiB and the tables past 8 MiB (the default), and both in memory
# (WXF_MODEL_SPILL_MB past them); wall time or "killed"
lim=${BENCH_CASE_MEMLIMIT_MB:-}
if [ -n "$lim" ]; then
	n=$(echo $sizes | tr ' ' '\n' | tail -1)
	if [ -d /sys/fs/cgroup/memory ] && mkdir -p /sys/fs/cgroup/memory/wxf-bench 2>/dev/null; then
		cg=/sys/fs/cgroup/memory/wxf-bench limit_file=memory.limit_in_bytes
	elif [ -f /sys/fs/cgroup/cgroup.controllers ] && mkdir -p /sys/fs/cgroup/wxf-bench 2>/dev/null; then
		cg=/sys/fs/cgroup/wxf-bench limit_file=memory.max
	else
		cg=
	fi
	if [ -z "$cg" ] || ! echo $((lim * 1048576)) > "$cg/$limit_file" 2>/dev/null; then
		echo "memory limit: no cgroup memory controller this user can use: not run"
	else
		echo "$n messages, one core, in a memory limit of $lim MiB:"
		for mode in file memory; do
			spill=""
			[ "$mode" = memory ] && spill=1000000
			out="$work/bench-case-out-$n-lim"
			rm -rf "$out"
			start=$(date +%s.%N)
			rc=0
			sh -c 'echo $$ > "$1/cgroup.procs"; shift; [ -n "$1" ] && export WXF_MODEL_SPILL_MB="$1"; shift; exec "$@"' \
			    sh "$cg" "$spill" "$wxf" case -q --jobs 1 --key "$(cat "$dir/bench-case-$n.key")" -o "$out" \
			    "$dir/bench-case-$n" > /dev/null 2>&1 || rc=$?
			end=$(date +%s.%N)
			case $rc in
			0) echo "  model and tables in $mode: completed in $(awk "BEGIN { printf \"%.1f\", $end - $start }") s" ;;
			137) echo "  model and tables in $mode: killed for memory after $(awk "BEGIN { printf \"%.1f\", $end - $start }") s" ;;
			*) echo "  model and tables in $mode: exit $rc after $(awk "BEGIN { printf \"%.1f\", $end - $start }") s" ;;
			esac
			rm -rf "$out"
		done
		rmdir "$cg" 2>/dev/null || true
	fi
fi
