# SPDX-License-Identifier: Apache-2.0
# Outputs that cannot be written.  `case` into a nearly full file system must stop with a clear
# error naming the file (exit 4, never an abort), and `verify` must refuse what it left; write
# errors on standard output (`case`, `scan`, `scan --json`, `verify`, `carve` > /dev/full) and on
# `scan -o` are exit 4, never 0; the carver with its temporary folder full says so and fails.
# A full file system is a small tmpfs where this test may mount one (root); everywhere a file
# size limit (ulimit -f, SIGXFSZ ignored) makes writes fail the same way (EFBIG).
. "$top_srcdir/tests/cli/lib.sh"

DEMO="$top_srcdir/fixtures/android/demo"
IMG=3f697aed723585f78970087d60f92124/EnMicroMsg.db
has() { grep -q -- "$1" "$2"; }
# runs "$@" with files limited to $1 blocks of 512 bytes (POSIX ulimit -f unit in sh)
limited() { (blocks=$1; shift; trap '' XFSZ; ulimit -f "$blocks" && exec "$@"); }

# a reference bundle: its size sets the sizes below, its image feeds carve
(cd "$TMPD" && "$WXF" case -q -o ref "$DEMO" > /dev/null 2>&1)
is "$?" 0 "reference case exits 0"

# ---------------------------------------------------------------- standard output on a full disk
if [ -w /dev/full ]; then
	for c in "scan $DEMO" "scan --json $DEMO" "verify $TMPD/ref" "carve $TMPD/ref/work/$IMG"; do
		$WXF $c > /dev/full 2> "$TMPD/full.err"
		is "$?" 4 "wxforensic $c > /dev/full: exit 4"
		ok 'has "standard output: write error: No space left on device\|output error" "$TMPD/full.err"' \
			"wxforensic $c > /dev/full: the error says so"
	done
	(cd "$TMPD" && "$WXF" case -q -o stdout-full "$DEMO" > /dev/full 2> case-full.err)
	is "$?" 4 "case > /dev/full: exit 4"
	ok 'has "standard output: write error: No space left on device" "$TMPD/case-full.err"' "case > /dev/full: the error says so"
else
	skip "/dev/full not writable here"
fi

# ---------------------------------------------------------------- file size limit (everywhere)
(cd "$TMPD" && limited 256 "$WXF" case -q -o lim "$DEMO" > lim.stdout 2> lim.stderr)
rc=$?
is "$rc" 4 "case with files limited to 128 KiB: exit 4, no abort"
ok 'has "lim/.*: write error: File too large" "$TMPD/lim.stderr"' "the error names the file and the reason"
"$WXF" verify "$TMPD/lim" > "$TMPD/lim.verify" 2>&1
is "$?" 1 "verify refuses the partial bundle (exit 1)"
ok 'has "INCOMPLETE  manifest.sha256 is missing" "$TMPD/lim.verify" && has "NOT VERIFIED" "$TMPD/lim.verify"' \
	"verify names what is missing"
# the writers side by side (WXF_WRITER_JOBS): the error is the first writer's in the writers'
# order, as when they run one after another, and nothing is recorded after it
for w in 1 3; do
	(cd "$TMPD" && WXF_WRITER_JOBS=$w limited 256 "$WXF" case -q -o limw$w "$DEMO" > /dev/null 2> limw$w.stderr)
	is "$?" 4 "files limited to 128 KiB, $w writer(s) at a time: exit 4"
	"$WXF" verify "$TMPD/limw$w" > /dev/null 2>&1
	is "$?" 1 "files limited to 128 KiB, $w writer(s) at a time: verify refuses the partial bundle"
done
sed 's/limw[13]/limw/g' "$TMPD/limw1.stderr" > "$TMPD/lw1"
sed 's/limw[13]/limw/g' "$TMPD/limw3.stderr" > "$TMPD/lw3"
ok 'cmp -s "$TMPD/lw1" "$TMPD/lw3" && has "report.html: write error: File too large" "$TMPD/lw3"' \
	"writers side by side: the same error as one after another (report.html, the first writer)"
ok '[ "$(grep -c "\"action\":\"write\"" "$TMPD/limw3/audit.jsonl")" = "$(grep -c "\"action\":\"write\"" "$TMPD/limw1/audit.jsonl")" ]' \
	"writers side by side: the audit log records no write after the failed one"
mkdir "$TMPD/scanlim"
limited 1 "$WXF" scan -o "$TMPD/scanlim/s" "$DEMO" > /dev/null 2> "$TMPD/scanlim.err"
is "$?" 4 "scan -o with files limited to 512 bytes: exit 4"
ok 'has "inventory.json: write error: File too large\|audit.jsonl: write error: File too large" "$TMPD/scanlim.err"' \
	"scan -o names the file it could not write"
# one worker: with several, the demo's spill can stay in their write buffers when the pages
# happen to be spread evenly (nothing reaches the file, and exit 0 is then right)
WXF_CARVE_PART_KB=32 limited 8 "$WXF" carve --jobs 1 "$TMPD/ref/work/$IMG" > /dev/null 2> "$TMPD/carvelim.err"
is "$?" 4 "carve with its temporary files limited to 4 KiB: exit 4"
ok 'has "temporary folder .* full or not writable: the carver.s spill file could not be written (File too large)" "$TMPD/carvelim.err"' \
	"carve says the temporary folder is the problem, not memory"
ok '! has "out of memory" "$TMPD/carvelim.err"' "carve does not blame memory"

# ---------------------------------------------------------------- a real full file system
M="$TMPD/mnt"
mkdir "$M"
if [ "$(id -u)" != 0 ] || ! mount -t tmpfs -o size=4m tmpfs "$M" 2> /dev/null; then
	skip "tmpfs: mounting not permitted here (the file size limit above covers write errors)"
	done_testing
fi
trap 'umount "$M" 2> /dev/null; rm -rf "$TMPD"' EXIT
need=$(du -sk --apparent-size "$TMPD/ref" | cut -f1)
avail() { df -k --output=avail "$M" | tail -1; }
# leaves $1 KiB free (rounded to pages by tmpfs)
leave() {
	rm -rf "$M/out" "$M/fill"
	f=$(( $(avail) - $1 ))
	[ "$f" -gt 0 ] && head -c "$((f * 1024))" /dev/zero > "$M/fill" 2> /dev/null
	true
}
bad=0 aborted=0 unnamed=0 verified=0 n=0
# coarse steps over the whole bundle, then every page of its last 96 KiB (the small files
# written last: a failed final flush is where the double free was)
for k in 0 64 $((need / 4)) $((need / 2)) $((need * 3 / 4)) $(seq $((need - 96)) 4 $((need - 4))); do
	[ "$k" -ge 0 ] || continue
	leave "$k"
	n=$((n + 1))
	(cd "$M" && "$WXF" case -q -o out "$DEMO" > "$TMPD/t.out" 2> "$TMPD/t.err")
	rc=$?
	if [ "$rc" = 0 ]; then continue; fi
	[ "$rc" = 4 ] || { bad=$((bad + 1)); diag "$k KiB free: exit $rc"; }
	[ "$rc" -ge 128 ] && aborted=$((aborted + 1))
	grep -q "out/.*: write error: No space left on device\|out/.*: cannot create" "$TMPD/t.err" ||
		{ unnamed=$((unnamed + 1)); diag "$k KiB free: $(tail -1 "$TMPD/t.err")"; }
	if [ -d "$M/out" ]; then
		"$WXF" verify "$M/out" > "$TMPD/t.ver" 2>&1
		vrc=$?
		[ "$vrc" = 0 ] && { verified=$((verified + 1)); diag "$k KiB free: the partial bundle verifies"; }
	fi
done
diag "tmpfs: $n runs from 0 to $need KiB free"
is "$aborted" 0 "full tmpfs: no run aborts (exit 134)"
is "$bad" 0 "full tmpfs: every failed run exits 4"
is "$unnamed" 0 "full tmpfs: every failed run names the file and says the disk is full"
is "$verified" 0 "full tmpfs: verify refuses every partial bundle"
umount "$M"
trap 'rm -rf "$TMPD"' EXIT

# the carver's temporary folder on a full tmpfs
if mount -t tmpfs -o size=64k tmpfs "$M" 2> /dev/null; then
	trap 'umount "$M" 2> /dev/null; rm -rf "$TMPD"' EXIT
	head -c 65536 /dev/zero > "$M/fill" 2> /dev/null
	WXF_CARVE_PART_KB=32 TMPDIR="$M" "$WXF" carve --jobs 1 "$TMPD/ref/work/$IMG" > /dev/null 2> "$TMPD/carvefull.err"
	is "$?" 4 "carve with TMPDIR on a full tmpfs: exit 4"
	ok 'has "temporary folder .*/mnt full or not writable: .*(No space left on device)" "$TMPD/carvefull.err"' \
		"carve says the temporary folder is full"
	umount "$M"
	trap 'rm -rf "$TMPD"' EXIT
fi
done_testing
