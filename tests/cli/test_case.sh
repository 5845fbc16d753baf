# SPDX-License-Identifier: Apache-2.0
# wxforensic case on the demo extraction and its WAL variant: the whole bundle checked against
# reporting.md §6 (tests/tools/check_bundle.py) and the fixture's ground truth, the findings
# read back from timeline.xml alone (tests/tools/findings_truth.py), case.jsonld read as RDF
# (tests/tools/check_case.py); reproducibility
# with and without SOURCE_DATE_EPOCH; evidence untouched; refusals.
. "$top_srcdir/tests/cli/lib.sh"

tap_py() { while IFS= read -r line; do case "$line" in "ok - "*) pass "${line#ok - }";; "not ok - "*) fail "${line#not ok - }";; *) echo "$line";; esac; done; }

# a python3 with rdflib (Debian's python3-rdflib; another python3 may come first in PATH)
RDFPY=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import rdflib' 2> /dev/null; then RDFPY=$p; break; fi
done

for fx in demo demo-wal; do
	ev="$top_srcdir/fixtures/android/$fx"
	truth="$top_srcdir/fixtures/android/$fx.truth.json"
	if [ ! -d "$ev" ]; then fail "fixture $fx missing"; continue; fi
	before=$(snapshot "$ev")
	mkdir -p "$TMPD/$fx/r1" "$TMPD/$fx/r2" "$TMPD/$fx/r3"
	run() { # dir outname
		(cd "$TMPD/$fx/$1" && SOURCE_DATE_EPOCH=${SDE-} "$WXF" case -q --case-number "CASE-$fx" \
			--exhibit "A1" --examiner "Test Examiner" --organisation "Test Lab" \
			-o "$2" "$ev" > "$2.stdout" 2> "$2.stderr")
	}
	SDE=1780000000 run r1 out; is "$?" 0 "$fx: case exits 0"
	is "$(snapshot "$ev")" "$before" "$fx: every evidence byte, size and mtime unchanged"
	python3 "$top_srcdir/tests/tools/check_bundle.py" "$TMPD/$fx/r1/out" "$ev" "$truth" \
		--stdout "$TMPD/$fx/r1/out.stdout" | sed "s/^\(n*o*t* *ok - \)/\1$fx: /" > "$TMPD/$fx/py"
	tap_py < "$TMPD/$fx/py"
	check_timeline "$TMPD/$fx/r1/out/timeline.xml" "$fx"
	# the findings from timeline.xml alone: seller, identifiers, ledger, CRPL art. 55, hits, glossary
	python3 "$top_srcdir/tests/tools/findings_truth.py" "$TMPD/$fx/r1/out" "$truth" "$top_srcdir/data/glossary.txt" |
		sed "s/^\(n*o*t* *ok - \)/\1$fx: timeline.xml findings: /" > "$TMPD/$fx/findings"
	tap_py < "$TMPD/$fx/findings"
	# case.jsonld as RDF: CASE/UCO terms, evidence hashes, accounts, the seller relationship
	if [ -n "$RDFPY" ]; then
		"$RDFPY" "$top_srcdir/tests/tools/check_case.py" "$TMPD/$fx/r1/out" "$truth" |
			sed "s/^\(n*o*t* *ok - \)/\1$fx: case.jsonld: /" > "$TMPD/$fx/case"
		tap_py < "$TMPD/$fx/case"
	else
		fail "$fx: case.jsonld not checked: python3-rdflib missing (build-aux/wxf-setup-debian installs it)"
	fi
	ok '(cd "$TMPD/$fx/r1/out" && sha256sum -c --quiet manifest.sha256)' "$fx: sha256sum -c manifest.sha256 passes"
	# (T1) same input, same SOURCE_DATE_EPOCH, another output directory given another way
	SDE=1780000000 run r2 "$TMPD/$fx/r2/bundle"
	ok 'diff -r "$TMPD/$fx/r1/out" "$TMPD/$fx/r2/bundle" > "$TMPD/$fx/diff1"' \
		"$fx: two runs with the same SOURCE_DATE_EPOCH give byte-identical bundles (diff -r empty)"
	[ -s "$TMPD/$fx/diff1" ] && head -20 "$TMPD/$fx/diff1" | sed 's/^/# /'
	# (T2) without SOURCE_DATE_EPOCH: only the marked generated-at value, the marked step times of
	# the processing record, the start and end of the action in case.jsonld and the audit log
	# differ
	unset SDE; SDE=; sleep 1
	(cd "$TMPD/$fx/r3" && env -u SOURCE_DATE_EPOCH "$WXF" case -q --case-number "CASE-$fx" --exhibit "A1" \
		--examiner "Test Examiner" --organisation "Test Lab" -o out "$ev" > out.stdout 2> out.stderr)
	python3 - "$TMPD/$fx/r1/out" "$TMPD/$fx/r3/out" > "$TMPD/$fx/t2" <<'PY'
import os, re, sys
a, b = sys.argv[1], sys.argv[2]
def files(d):
    return sorted(os.path.relpath(os.path.join(r, f), d) for r, _, fs in os.walk(d) for f in fs)
fa, fb = files(a), files(b)
bad = [] if fa == fb else ["file lists differ"]
gen = re.compile(r'<span data-wxf="generated-at">.*?</span>|<generated_at source="[^"]*">[^<]*</generated_at>')
steps = re.compile(r'<span data-wxf="step-time">[^<]*</span>')
act = re.compile(r'"uco-action:(start|end)Time":\{"@type":"xsd:dateTime","@value":"[^"]*"\}')
for f in fa:
    if f in ("audit.jsonl", "manifest.sha256") or f not in fb:
        continue
    x, y = open(os.path.join(a, f), "rb").read(), open(os.path.join(b, f), "rb").read()
    if f.endswith((".html", ".xml")):
        x, y = steps.sub("", gen.sub("", x.decode())), steps.sub("", gen.sub("", y.decode()))
        if len(gen.findall(open(os.path.join(b, f)).read())) != 1:
            bad.append(f + ": not exactly one generated-at element")
    if f == "case.jsonld":
        x, y = act.sub("", x.decode()), act.sub("", y.decode())
        if len(act.findall(open(os.path.join(b, f)).read())) != 2:
            bad.append(f + ": not exactly one start and one end time")
    if x != y:
        bad.append(f)
ma = dict(l.split("  ", 1)[::-1] for l in open(os.path.join(a, "manifest.sha256")).read().splitlines())
mb = dict(l.split("  ", 1)[::-1] for l in open(os.path.join(b, "manifest.sha256")).read().splitlines())
diff = sorted(k for k in ma if ma.get(k) != mb.get(k))
if any(not re.match(r"^(report\.html|timeline\.xml|case\.jsonld|conversations/.*\.html)$", k) for k in diff):
    bad.append("manifest differs outside the files holding generated-at: %s" % diff)
import json
strip = lambda l: {k: v for k, v in json.loads(l).items() if k not in ("time", "prev", "sha256", "manifest_sha256", "size")}
la = [strip(l) for l in open(os.path.join(a, "audit.jsonl"))]
lb = [strip(l) for l in open(os.path.join(b, "audit.jsonl"))]
if la != lb:
    bad.append("audit.jsonl differs in more than times and hashes")
print("ok" if not bad else "bad: %s" % bad)
PY
	is "$(cat "$TMPD/$fx/t2")" "ok" "$fx: without SOURCE_DATE_EPOCH only generated-at (one marked element per file) and audit times differ"
	ok 'grep -q "^manifest.sha256 SHA-256: [0-9a-f]\{64\}$" "$TMPD/$fx/r3/out.stdout"' "$fx: manifest SHA-256 printed at the end"
done

# --- refusals ---
mkdir -p "$TMPD/ev/MicroMsg" && printf 'hello' > "$TMPD/ev/MicroMsg/a.txt"
"$WXF" case -q -o "$TMPD/ev/out" "$TMPD/ev" > /dev/null 2> "$TMPD/err"
is "$?" 2 "-o inside the evidence is refused with exit 2"
ok '[ ! -e "$TMPD/ev/out" ]' "nothing was created inside the evidence"
mkdir -p "$TMPD/full" && : > "$TMPD/full/x"
"$WXF" case -q -o "$TMPD/full" "$TMPD/ev" > /dev/null 2> "$TMPD/err"
is "$?" 2 "a non-empty output directory is refused"
"$WXF" case -q --tz Mars/Olympus -o "$TMPD/tz" "$TMPD/ev" > /dev/null 2>&1
is "$?" 2 "an unknown time zone is refused"
done_testing
