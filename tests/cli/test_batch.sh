# SPDX-License-Identifier: Apache-2.0
# The lab batch path (contrib/batch): four exhibits (the demo tree, buyer2 as an .ab, the
# Windows laptop with its key in the list's options column, the seller's own phone) run by wxf-batch.sh with GNU
# parallel and with xargs, two at a time: every exhibit's case and verify exit 0, each bundle is
# labelled with its exhibit and is byte-identical to the same `case` run by hand and to a second
# batch run (the manifest hashes agree); the job script refuses a bad list, line or label with
# exit 2, and a failing exhibit fails the batch while the others are written.  `merge` over the
# four bundles gives the seller view of one `case` over the four exhibits (identifiers, links,
# sightings with their provenance, victims' totals and figures), verifies and validates, is
# reproducible, and refuses a bundle that does not verify.
. "$top_srcdir/tests/cli/lib.sh"

C="$top_srcdir/contrib/batch"
exhibits_fixture
printf '# the exhibits of case T-2026-1\nA1\tdemo\n\nA2\tbuyer2.ab\nA3\tlaptop\t--key %s\nA4\tseller\n' \
	"$W3KEY" > "$TMPD/ev/exhibits.tsv"
export WXF SOURCE_DATE_EPOCH=1780000000 WXF_CASE_OPTS="--case-number T-2026-1"

for runner in parallel xargs; do
	if [ "$runner" = parallel ] && ! command -v parallel > /dev/null 2>&1; then
		skip "GNU parallel is not installed (build-aux/wxf-setup-debian installs it)"
		continue
	fi
	(cd "$TMPD/ev" && WXF_BATCH_RUNNER=$runner sh "$C/wxf-batch.sh" exhibits.tsv \
		"../out-$runner" 2 > "../batch-$runner.out" 2>&1)
	is "$?" 0 "$runner: wxf-batch.sh over four exhibits, two at a time: exit 0"
	ok '[ "$(cat "$TMPD/batch-$runner.out")" = "$(printf "A1\tcase=0 verify=0\nA2\tcase=0 verify=0\nA3\tcase=0 verify=0\nA4\tcase=0 verify=0")" ]' \
		"$runner: one status line per exhibit, every case and verify 0"
	for l in A1 A2 A3 A4; do
		ok '"$WXF" verify "$TMPD/out-$runner/$l" > /dev/null 2>&1 &&
			grep -q "<exhibit_label label=\"$l\"" "$TMPD/out-$runner/$l/timeline.xml" &&
			grep -q "<case_number>T-2026-1</case_number>" "$TMPD/out-$runner/$l/timeline.xml"' \
			"$runner: $l's bundle verifies, is labelled $l and has the case number"
	done
done
ok 'grep -q "seller (ranked): wxid_hklee_daigou" "$TMPD/out-xargs/A3.log" || grep -q "wxid_hklee_daigou" "$TMPD/out-xargs/A3/timeline.xml"' \
	"A3 was opened with the key of the list's options column"
# the same case by hand, and the other runner, give the same bundles
(cd "$TMPD/ev" && "$WXF" case -q -o ../hand-A2 --exhibit-label A2=buyer2.ab \
	--case-number T-2026-1 > /dev/null 2>&1)
is "$?" 0 "A2 by hand: exit 0"
ok 'cmp -s "$TMPD/hand-A2/manifest.sha256" "$TMPD/out-xargs/A2/manifest.sha256"' \
	"the batch's A2 bundle is the hand-run case's (manifest identical)"
if [ -d "$TMPD/out-parallel" ]; then
	for l in A1 A2 A3 A4; do
		ok 'cmp -s "$TMPD/out-parallel/$l/manifest.sha256" "$TMPD/out-xargs/$l/manifest.sha256"' \
			"$l: the parallel and the xargs run agree byte for byte"
	done
fi

# the job script on its own: Slurm's and Kubernetes' task numbers, and its refusals
(cd "$TMPD/ev" && SLURM_ARRAY_TASK_ID=2 sh "$C/wxf-case-job.sh" exhibits.tsv ../slurm > /dev/null 2>&1)
is "$?" 0 "SLURM_ARRAY_TASK_ID=2 runs exhibit A2"
ok '[ -f "$TMPD/slurm/A2/manifest.sha256" ] && [ ! -e "$TMPD/slurm/A1" ]' "only A2 was written"
(cd "$TMPD/ev" && JOB_COMPLETION_INDEX=0 sh "$C/wxf-case-job.sh" exhibits.tsv ../k8s > /dev/null 2>&1)
is "$?" 0 "JOB_COMPLETION_INDEX=0 runs exhibit A1"
ok '[ -f "$TMPD/k8s/A1/manifest.sha256" ] && cmp -s "$TMPD/k8s/A1/manifest.sha256" "$TMPD/out-xargs/A1/manifest.sha256"' \
	"only A1 was written, the same bundle"
job() { (cd "$TMPD/ev" && sh "$C/wxf-case-job.sh" "$@" > /dev/null 2> ../job.err); }
job exhibits.tsv ../j 5; is "$?" 2 "exhibit 5 of four: exit 2"
ok 'grep -q "has no exhibit number 5" "$TMPD/job.err"' "the message names the missing exhibit"
job exhibits.tsv ../j; is "$?" 2 "no exhibit number at all: exit 2"
printf 'A/1\tdemo\n' > "$TMPD/ev/bad.tsv"
job bad.tsv ../j 1; is "$?" 2 "a label that is not a folder name: exit 2"
ok 'grep -q "not a folder-safe name" "$TMPD/job.err" && [ ! -e "$TMPD/j" ]' "said, and nothing written"
printf 'A1 demo\n' > "$TMPD/ev/bad2.tsv"
job bad2.tsv ../j 1; is "$?" 2 "a line without a tab: exit 2"
job missing.tsv ../j 1; is "$?" 2 "an unreadable list: exit 2"
# one exhibit whose evidence is missing fails the batch; the others are still written
printf 'B1\tdemo\nB2\tnot-there\n' > "$TMPD/ev/fail.tsv"
(cd "$TMPD/ev" && WXF_BATCH_RUNNER=xargs sh "$C/wxf-batch.sh" fail.tsv ../fail 2 > ../fail.out 2>&1)
is "$?" 1 "a batch with a missing exhibit: exit 1"
ok 'grep -q "^B1	case=0 verify=0$" "$TMPD/fail.out" && grep -q "^B2	case=[1-9]" "$TMPD/fail.out"' \
	"B1 succeeded, B2's status says its case failed"
ok '"$WXF" verify "$TMPD/fail/B1" > /dev/null 2>&1' "B1's bundle verifies"

# merge: the four batch bundles give the one-case view
(cd "$TMPD/ev" && "$WXF" case -q -o ../joint --key "$W3KEY" --case-number T-2026-1 \
	--exhibit-label A1=demo --exhibit-label A2=buyer2.ab --exhibit-label A3=laptop \
	--exhibit-label A4=seller > /dev/null 2>&1)
is "$?" 0 "one case over the four exhibits: exit 0"
(cd "$TMPD/out-xargs" && "$WXF" merge -o ../merged A1 A2 A3 A4 > ../merge.out 2> ../merge.err)
is "$?" 0 "wxforensic merge of the four bundles: exit 0"
ok 'grep -q "sellers linked across exhibits: 1 (4 accounts)" "$TMPD/merge.out"' \
	"one seller over the four accounts (the seller's own phone included)"
ok '"$WXF" verify "$TMPD/merged" > /dev/null 2>&1' "the merged bundle verifies"
ok 'xmllint --noout --schema "$top_srcdir/data/timeline.xsd" "$TMPD/merged/seller.xml" 2> /dev/null' \
	"seller.xml validates against data/timeline.xsd (<merge>)"
ok 'grep -q "<section id=\"xseller\">" "$TMPD/merged/seller.html" && grep -q "Content-Security-Policy" "$TMPD/merged/seller.html"' \
	"seller.html holds the section, self-contained"
python3 - "$TMPD" > "$TMPD/py" <<'PY'
import sys, xml.etree.ElementTree as ET
T = sys.argv[1]
NS = "{urn:wxforensic:timeline:2}"
def view(root):
    x = root.find(".//" + NS + "seller_across_exhibits")
    out = []
    for s in x.findall(NS + "seller"):
        ex = {a.get("key"): a.get("exhibit") for a in s.findall(NS + "account")}
        ids = []
        for i in s.findall(NS + "identifier"):
            seen = []
            for n in i.findall(NS + "seen"):
                p = n.find(NS + "provenance")
                seen.append((ex[n.get("account")], n.get("sources"), n.get("field"), n.get("ms"),
                             tuple(sorted(p.attrib.items())) if p is not None else None))
            ids.append((i.get("kind"), i.get("value"), i.get("link"), i.get("linking"),
                        tuple(sorted(seen))))
        vic = []
        for v in s.findall(NS + "victim"):
            vic.append((v.get("owner"), v.get("transfers"), v.get("repeated"), v.get("disagree"),
                        tuple(sorted(ex[a.get("key")] for a in v.findall(NS + "account"))),
                        tuple(sorted(v.find(NS + "totals").attrib.items())),
                        tuple(sorted(v.find(NS + "crpl55").attrib.items()))))
        roles = sorted((a.get("exhibit"), a.get("role"), a.get("owner"), a.get("seller"))
                       for a in s.findall(NS + "account"))
        out.append((roles, sorted(ids), sorted(vic),
                    tuple(sorted(s.find(NS + "total").attrib.items())),
                    tuple(sorted(s.find(NS + "crpl55_total").attrib.items()))))
    return out
j = view(ET.parse(T + "/joint/timeline.xml").getroot())
m = view(ET.parse(T + "/merged/seller.xml").getroot())
ok = j == m and len(j) == 1
print(("ok - " if ok else "not ok - ") + "merge gives the one case's seller view: exhibits, "
      "identifiers, links, every sighting with its provenance, victims, totals, figures")
if not ok:
    print("# joint %r" % (j,))
    print("# merged %r" % (m,))
b = [x.get("manifest_sha256") for x in ET.parse(T + "/merged/seller.xml").getroot().findall(NS + "bundle")]
want = [open(T + "/out-xargs/%s/manifest.sha256" % l, "rb").read() for l in ("A1", "A2", "A3", "A4")]
import hashlib
print(("ok - " if b == [hashlib.sha256(w).hexdigest() for w in want] else "not ok - ") +
      "each <bundle> names its bundle's manifest hash")
PY
[ $? -eq 0 ] || fail "python checks ran"
while IFS= read -r line; do case "$line" in "ok - "*) pass "${line#ok - }";; "not ok - "*) fail "${line#not ok - }";; *) echo "$line";; esac; done < "$TMPD/py"
(cd "$TMPD/out-xargs" && "$WXF" merge --json -o ../merged2 A1 A2 A3 A4 > ../merge.json 2>&1)
ok 'python3 -c "import hashlib,json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if j[\"sellers\"] == 1 and j[\"linked_accounts\"] == 4 and j[\"crpl55_fen\"] == 3378000 and j[\"manifest_sha256\"] == hashlib.sha256(open(sys.argv[2], \"rb\").read()).hexdigest() else 1)" "$TMPD/merge.json" "$TMPD/merged/manifest.sha256"' \
	"merge --json: one object with the counts, the figures' sum and the manifest hash"
ok 'cmp -s "$TMPD/merged/manifest.sha256" "$TMPD/merged2/manifest.sha256"' \
	"merging again gives a byte-identical bundle"
(cd "$TMPD/out-xargs" && "$WXF" merge -o ../merged A1 > /dev/null 2> ../m.err)
is "$?" 2 "merge into a folder that is not empty: exit 2"
cp -r "$TMPD/out-xargs/A2" "$TMPD/A2-tampered"
printf 'x' >> "$TMPD/A2-tampered/seller-notes.txt"
sed -i 's/wxid_seller88/wxid_sel1er88/' "$TMPD/A2-tampered/timeline.xml"
(cd "$TMPD" && "$WXF" merge -o tm out-xargs/A1 A2-tampered > /dev/null 2> m.err)
is "$?" 1 "merge with a bundle that does not verify: exit 1"
ok 'grep -q "A2-tampered does not verify" "$TMPD/m.err" && [ ! -e "$TMPD/tm" ]' \
	"the message names it and nothing is written"
(cd "$TMPD" && "$WXF" merge -o tm2 ev > /dev/null 2> m2.err)
is "$?" 1 "merge of a folder that is no bundle: exit 1"
ok '[ ! -e "$TMPD/tm2" ]' "nothing written"
done_testing
