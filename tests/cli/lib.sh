# SPDX-License-Identifier: Apache-2.0
# TAP helpers for command-line tests.  Source it; use ok/not_ok/is/skip, end with done_testing.
# Environment from make check: WXF (binary), top_srcdir, top_builddir, SHARED_DIR.
: "${WXF:=wxforensic}"
: "${top_srcdir:=.}"
_n=0
_failed=0
ok() { _n=$((_n + 1)); if eval "$1"; then echo "ok $_n - $2"; else echo "not ok $_n - $2"; _failed=$((_failed + 1)); fi; }
pass() { _n=$((_n + 1)); echo "ok $_n - $1"; }
fail() { _n=$((_n + 1)); echo "not ok $_n - $1"; _failed=$((_failed + 1)); }
is() { _n=$((_n + 1)); if [ "$1" = "$2" ]; then echo "ok $_n - $3"; else echo "not ok $_n - $3"; echo "#   got '$1', want '$2'"; _failed=$((_failed + 1)); fi; }
skip() { _n=$((_n + 1)); echo "ok $_n # SKIP $1"; }
diag() { echo "# $*"; }
done_testing() { echo "1..$_n"; [ "$_failed" -eq 0 ]; exit $?; }
# A private scratch directory removed at exit.
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/wxf-test.XXXXXX")
trap 'rm -rf "$TMPD"' EXIT
# Snapshot of a tree: path, size, mtime (ns) and SHA-256 of every file, sorted.
snapshot() { (cd "$1" && find . -type f -printf '%p %s %T@\n' | sort && find . -type f -print0 | sort -z | xargs -0 -r sha256sum); }
# check_timeline FILE WHAT: timeline.xml valid against the DFXML 2.0 schema and, through a
# driver schema importing both, against DFXML and data/timeline.xsd together (our elements sit
# in DFXML's lax wildcards, so they are checked against our schema when it is loaded).  The
# DFXML schema is read from SHARED_DIR/external/dfxml-schema (offline); without it: a skip.
check_timeline() {
	_dfx="$SHARED_DIR/external/dfxml-schema/dfxml.xsd"
	if [ -z "$SHARED_DIR" ] || [ ! -f "$_dfx" ]; then
		skip "$2: DFXML schema not found below SHARED_DIR"
		return
	fi
	[ -f "$TMPD/timeline-driver.xsd" ] || cat > "$TMPD/timeline-driver.xsd" <<EOX
<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:import namespace="http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML" schemaLocation="$_dfx"/>
  <xs:import namespace="urn:wxforensic:timeline:2" schemaLocation="$top_srcdir/data/timeline.xsd"/>
</xs:schema>
EOX
	_tlx=$1
	ok '"${XMLLINT:-xmllint}" --noout --nonet --schema "$_dfx" "$_tlx" 2>/dev/null &&
	    "${XMLLINT:-xmllint}" --noout --nonet --schema "$TMPD/timeline-driver.xsd" "$_tlx" 2>/dev/null' \
	    "$2: timeline.xml validates against dfxml.xsd and data/timeline.xsd"
}
# The desktop-client tests (test_case_win3.sh, test_case_wx4.sh, test_case_mac3.sh):
# desk_fixture NAME sets FX (fixtures/NAME), TRUTH (its NAME.truth.json), KEY (the truth's
# account key) and before (the fixture's snapshot) and defines py CODE (python with the truth
# as t) and run_case NAME ARGS... (case into $TMPD/NAME, output in NAME.out and NAME.err, with
# a fixed SOURCE_DATE_EPOCH); desk_truth NAME reports tests/cli/desk_truth.py's checks of the
# bundle $TMPD/NAME against the truth.
desk_fixture() {
	FX="$top_srcdir/fixtures/$1"
	TRUTH="$FX/$1.truth.json"
	py() { python3 -c "import json,sys; t=json.load(open(sys.argv[1])); $1" "$TRUTH"; }
	run_case() { # name args...
		name=$1; shift
		SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o "$TMPD/$name" "$@" > "$TMPD/$name.out" 2> "$TMPD/$name.err"
	}
	KEY=$(py 'print(t["key"])')
	before=$(snapshot "$FX")
}
desk_truth() {
	python3 "$top_srcdir/tests/cli/desk_truth.py" "$TRUTH" "$1" "$TMPD/$1" > "$TMPD/$1.py"
	while read -r line; do case "$line" in ok*) pass "${line#ok - }";; *) fail "${line#not ok - }";; esac; done < "$TMPD/$1.py"
}

# exhibits_fixture: $TMPD/ev/ holds the exhibits of the cases of several exhibits — demo,
# seller (her own phone), laptop (Windows 3.x) and buyer2.ab (fixtures/android/buyer2 wrapped by
# tests/tools/make_containers.py); sets A, W3 (the fixture folders) and W3KEY (the laptop's key).
exhibits_fixture() {
	A="$top_srcdir/fixtures/android"
	W3="$top_srcdir/fixtures/win3"
	mkdir -p "$TMPD/ev" "$TMPD/ab"
	cp -r "$A/demo" "$A/seller" "$W3/laptop" "$TMPD/ev/"
	python3 "$top_srcdir/tests/tools/make_containers.py" "$A/buyer2/data/data/com.tencent.mm" \
		"$TMPD/ab" || fail "buyer2 wrapped as an .ab"
	mv "$TMPD/ab/plain.ab" "$TMPD/ev/buyer2.ab"
	W3KEY=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["key"])' \
		"$W3/win3.truth.json")
}
