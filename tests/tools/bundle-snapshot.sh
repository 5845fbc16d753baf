#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Refactoring guard: writes every evidence bundle the test suite makes from one account, and the
# carver's output on every SQLite fixture and the forensic corpus, into SNAPDIR, with a fixed
# SOURCE_DATE_EPOCH and fixed output paths, so that two snapshots taken from two builds can be
# compared byte for byte:
#
#   tests/tools/bundle-snapshot.sh WXF SNAPDIR [--bench]   take a snapshot with binary WXF
#   tests/tools/bundle-snapshot.sh --compare OLD NEW       diff -r, one line per differing file
#
# --bench also carves the speed bench database (bench/carve/gen_speed.py, 112.7 MB; built once
# into $WXF_BENCH_DB or /tmp/wxf-speed.db).  Run from the top of the source tree.  The corpus is
# taken from $SHARED_DIR (default ../shared) when it is there.
set -eu
if [ "${1-}" = "--compare" ]; then
	[ $# -eq 3 ] || { echo "usage: $0 --compare OLD NEW" >&2; exit 2; }
	# raw/ holds the unnormalised audit logs and manifests, for reading, not for comparing
	if diff -rq -x raw "$2" "$3" > /dev/null; then
		echo "identical: $(find "$2" -type f -not -path '*/raw/*' | wc -l) files"
		exit 0
	fi
	diff -rq -x raw "$2" "$3" || true
	exit 1
fi
[ $# -ge 2 ] || { echo "usage: $0 WXF SNAPDIR [--bench] | --compare OLD NEW" >&2; exit 2; }
WXF=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SNAP=$2
bench=${3-}
top=$(pwd)
SHARED_DIR=${SHARED_DIR:-$top/../shared}
[ -e "$SNAP" ] && { echo "$SNAP exists" >&2; exit 2; }
mkdir -p "$SNAP"
FINAL=$(cd "$SNAP" && pwd)
# Bundles still record some absolute paths (the evidence as given, unpacked containers): the
# snapshot is therefore made in one fixed place, one snapshot at a time, then moved.
SNAP=${TMPDIR:-/tmp}/wxf-bundle-snapshot.work
exec 9> "$SNAP.lock"
flock 9
rm -rf "$SNAP"
mkdir -p "$SNAP/ev" "$SNAP/b" "$SNAP/carve"
export SOURCE_DATE_EPOCH=1780000000
# The evidence is copied to a fixed place so that recorded paths do not depend on the checkout.
cp -r "$top/fixtures/android/demo" "$top/fixtures/android/demo-wal" "$top/fixtures/android/hostile" \
	"$SNAP/ev/"
cp -r "$top/fixtures/backup/pc" "$SNAP/ev/pc"
cp -r "$top/fixtures/backup/huawei/old" "$SNAP/ev/huawei-old"
cp -r "$top/fixtures/backup/huawei/v14" "$SNAP/ev/huawei-v14"
python3 "$top/tests/tools/make_containers.py" "$SNAP/ev/demo/data/data/com.tencent.mm" "$SNAP/ev"
HWPW=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["password"])' \
	"$top/fixtures/backup/huawei.truth.json")
PCKEY=3a7c9e1f5b2d4a6c8e0f1a2b3c4d5e6f
run() { # name, then case arguments; the exit status and both streams are kept
	name=$1; shift
	rc=0
	(cd "$SNAP" && "$WXF" case -q --case-number "SNAP-$name" --exhibit A1 -o "b/$name" "$@" \
		> "b/$name.stdout" 2> "b/$name.stderr") || rc=$?
	echo "$rc" > "$SNAP/b/$name.rc"
	# audit.jsonl holds wall-clock times and the run's duration: compare it without them
	if [ -f "$SNAP/b/$name/audit.jsonl" ]; then
		sed -E 's/"prev":"[0-9a-f]{64}"/"prev":-/g' \
			"$SNAP/b/$name/audit.jsonl" > "$SNAP/b/$name.audit-stable"
		mv "$SNAP/b/$name/audit.jsonl" "$SNAP/b/$name.audit-raw"
	fi
}
run demo ev/demo
run demo-wal ev/demo-wal
run hostile ev/hostile
run ab ev/plain.ab
run miui ev/miui.bak
run enc --backup-password ab-pass-2026 ev/enc/encrypted.ab
run encnopw ev/enc/encrypted.ab
run hwold --backup-password "$HWPW" ev/huawei-old
run hwv14 --backup-password "$HWPW" ev/huawei-v14
run pc --backup-key "$PCKEY" ev/pc
run pcnokey ev/pc
# The tool's git id is in every bundle: normalise it, then the audit chain and the manifest
# (both hash the files) are kept only in a stable form: audit lines without their chain hash, the
# manifest as a list of names (the files themselves are compared).
mkdir -p "$SNAP/raw"
mv "$SNAP"/b/*.audit-raw "$SNAP/raw/" 2> /dev/null || true
find "$SNAP/b" -type f \( -name '*.html' -o -name '*.xml' -o -name '*.jsonl' -o -name '*.csv' \
	-o -name '*.stdout' -o -name '*.stderr' -o -name '*.audit-stable' \) -print0 |
	xargs -0 -r sed -i -E 's/\(([0-9a-f]{12}(-dirty)?|unknown)\)/(GITID)/g;
		s/\(git ([0-9a-f]{12}(-dirty)?|unknown)\)/(git GITID)/g;
		s/<git_id>([0-9a-f]{12}(-dirty)?|unknown)<\/git_id>/<git_id>GITID<\/git_id>/g;
		s/(audit log head|manifest.sha256 SHA-256): [0-9a-f]{64}/\1: -/; s/head [0-9a-f]{64}/head -/'
for m in "$SNAP"/b/*/manifest.sha256; do
	[ -f "$m" ] || continue
	sed -E 's/^[0-9a-f]{64} +//' "$m" > "$m.names"
	mv "$m" "$SNAP/raw/$(basename "$(dirname "$m")").manifest"
done
for db in "$top"/fixtures/sqlite/*.db; do
	"$WXF" carve -q --all "$db" > "$SNAP/carve/$(basename "$db").jsonl" 2> /dev/null || echo "rc=$?" >> "$SNAP/carve/$(basename "$db").jsonl"
done
if [ -d "$SHARED_DIR/external/sqlite-forensic-corpus" ]; then
	find "$SHARED_DIR/external/sqlite-forensic-corpus" -name '*.db' | LC_ALL=C sort | while read -r f; do
		n=$(echo "${f#"$SHARED_DIR"/external/sqlite-forensic-corpus/}" | tr '/' '_')
		timeout 60 "$WXF" carve -q --all "$f" > "$SNAP/carve/corpus-$n.jsonl" 2> /dev/null || echo "rc=$?" >> "$SNAP/carve/corpus-$n.jsonl"
	done
fi
if [ "$bench" = "--bench" ]; then
	bdb=${WXF_BENCH_DB:-/tmp/wxf-speed.db}
	[ -f "$bdb" ] || python3 "$top/bench/carve/gen_speed.py" "$bdb"
	"$WXF" carve -q "$bdb" | LC_ALL=C sort | sha256sum > "$SNAP/carve/bench-speed.sorted.sha256"
fi
rm -rf "$SNAP/ev"
rmdir "$FINAL"
mv "$SNAP" "$FINAL"
echo "snapshot: $FINAL ($(find "$FINAL" -type f | wc -l) files)"
