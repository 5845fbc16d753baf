#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Whole-run faults.  (1) `case` killed with SIGKILL at several moments of the run (as soon as
# the audit log exists, once a decrypted image is in work/, once report.html is written, before
# the manifest): `verify` refuses each partial folder with exit 1, says that the run did not
# finish and names what is missing (at least manifest.sha256); a run that finished before the
# signal must verify.  (2) Two `case` runs at the same time into two folders agree: with
# SOURCE_DATE_EPOCH every file but audit.jsonl is byte-identical (the manifest included); without
# it, only the documented run-specific values differ (wxforensic-case(1), "Reproducibility":
# the "generated at" element of report.html and timeline.xml, the audit log's times).
. "$top_srcdir/tests/cli/lib.sh"
command -v python3 > /dev/null 2>&1 || { skip "python3 not installed"; done_testing; }
cp -r "$top_srcdir/fixtures/android/demo" "$TMPD/demo"
cd "$TMPD" || exit 1

# kill.py WATCH OUT: starts `case -o OUT demo`, SIGKILLs it the moment the path WATCH (a glob
# below OUT) exists; prints "killed" or "finished RC".
cat > kill.py <<'PY'
import glob, os, signal, subprocess, sys, time
watch, out = sys.argv[1], sys.argv[2]
p = subprocess.Popen([os.environ["WXF"], "case", "-q", "-o", out, "demo"],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
while p.poll() is None:
    if glob.glob(os.path.join(out, watch)):
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
        print("killed")
        sys.exit(0)
    time.sleep(0.0005)
print("finished %d" % p.returncode)
PY

partial=0
for w in audit.jsonl 'work/*/*.db' report.html timeline.jsonl; do
	o=k$partial-$(echo "$w" | tr -c 'a-z\n' _)
	r=$(WXF="$WXF" python3 kill.py "$w" "$o")
	"$WXF" verify "$o" > "$o.out" 2>&1
	rc=$?
	if [ "$r" = killed ] && [ ! -f "$o/manifest.sha256" ]; then
		partial=$((partial + 1))
		is "$rc" 1 "killed once $w existed: verify refuses the partial bundle (exit 1)"
		ok "grep -q 'INCOMPLETE  manifest.sha256 is missing: the run that wrote this folder did not finish' '$o.out' && grep -q 'missing: .*manifest.sha256' '$o.out'" \
			"... saying the run did not finish and what is missing: $(sed -n 's/.*INCOMPLETE .*(audit.jsonl: \([^)]*\)); \(missing: .*\)/\1; \2/p' "$o.out" | head -1)"
	else
		# the run (or its manifest) was complete before the signal came
		is "$rc" 0 "killed once $w existed, but the run had finished ($r): the bundle verifies"
	fi
done
ok "[ $partial -ge 2 ]" "$partial of 4 kills left a partial bundle"
# a folder that no case run wrote is not a bundle at all (usage error, as before)
mkdir empty
"$WXF" verify empty > empty.out 2>&1
is "$?" 2 "verify of an empty folder: exit 2, not a bundle"

# two runs at once
fp() { (cd "$1" && find . -type f ! -name audit.jsonl -print0 | sort -z | xargs -0 sha256sum); }
SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o a1 demo > a1.stdout 2> a1.err &
p1=$!
SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o a2 demo > a2.stdout 2> a2.err &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
is "$r1 $r2" "0 0" "two concurrent runs with SOURCE_DATE_EPOCH both exit 0"
fp a1 > a1.fp; fp a2 > a2.fp
ok "cmp -s a1.fp a2.fp" "... and their bundles are byte-identical but for audit.jsonl ($(wc -l < a1.fp) files, manifest.sha256 included)"
"$WXF" verify a1 > /dev/null 2>&1 && "$WXF" verify a2 > /dev/null 2>&1
is "$?" 0 "... and both verify"

"$WXF" case -q -o b1 demo > b1.stdout 2> b1.err &
p1=$!
"$WXF" case -q -o b2 demo > b2.stdout 2> b2.err &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
is "$r1 $r2" "0 0" "two concurrent runs without SOURCE_DATE_EPOCH both exit 0"
# the documented run-specific values masked: generated-at, the processing record's step times,
# the investigative action's start and end in case.jsonld, the audit log's times, and what
# follows from them (the chain, the hashes of report.html, timeline.xml and case.jsonld, and
# their sizes: a time whose milliseconds are 0 is written without them, 4 bytes shorter)
norm() {
	(cd "$1" && for f in $(find . -type f ! -name manifest.sha256 | sort); do
		printf '%s ' "$f"
		sed -e 's/<generated_at source="clock">[^<]*</<generated_at>X</' \
		    -e 's/data-wxf="generated-at">[^<]*</data-wxf="generated-at">X</' \
		    -e 's/data-wxf="step-time">[^<]*</data-wxf="step-time">X</g' \
		    -e 's/"uco-action:\(start\|end\)Time":{"@type":"xsd:dateTime","@value":"[^"]*"}/"uco-action:\1Time":X/g' \
		    -e 's/"time":"[^"]*"/"time":"X"/; s/"prev":"[0-9a-f]*"/"prev":"X"/' \
		    -e 's/"manifest_sha256":"[0-9a-f]*"/"manifest_sha256":"X"/' \
		    -e '/"output":"\(report.html\|timeline.xml\|case.jsonld\)"/s/"sha256":"[0-9a-f]*"/"sha256":"X"/' \
		    -e '/"output":"\(report.html\|timeline.xml\|case.jsonld\)"/s/"size":[0-9]*/"size":X/' \
		    "$f" | sha256sum
	done)
}
norm b1 > b1.n 2> /dev/null; norm b2 > b2.n 2> /dev/null
ok "cmp -s b1.n b2.n" "... and agree once the documented run-specific values are masked ($(wc -l < b1.n) files)"
# (only: two runs started together can share every millisecond a file shows, and then that
# file is the same in both)
diff b1/manifest.sha256 b2/manifest.sha256 | grep '^[<>]' | sed 's/^[<>] [0-9a-f]*  //' | sort -u > bdiff
ok "! grep -qv '^\(case.jsonld\|report.html\|timeline.xml\)\$' bdiff" \
	"... their manifests differ only in case.jsonld, report.html and timeline.xml (here: $(tr '\n' ' ' < bdiff))"
done_testing
