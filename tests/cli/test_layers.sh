# SPDX-License-Identifier: Apache-2.0
# Layering rule (CONVENTIONS §4, src/README.md): a directory includes only base/ and the public
# headers of directories earlier in the data flow; *_int.h headers stay private to their dir.
. "$top_srcdir/tests/cli/lib.sh"
allowed() {
	case "$1" in
	base) echo "base" ;;
	intake) echo "base intake" ;;
	decrypt) echo "base decrypt" ;;
	sqlite) echo "base sqlite" ;;
	carve) echo "base sqlite carve" ;;
	model) echo "base model" ;;
	wechat) echo "base intake decrypt sqlite carve model wechat" ;;
	analysis) echo "base model analysis" ;;
	report) echo "base intake decrypt model analysis report" ;;
	cli) echo "base intake decrypt sqlite carve model wechat analysis report cli" ;;
	esac
}
for dir in base intake decrypt sqlite carve model wechat analysis report cli; do
	[ -d "$top_srcdir/src/$dir" ] || continue
	bad=""
	for f in "$top_srcdir/src/$dir"/*.[ch]; do
		[ -f "$f" ] || continue
		for inc in $(sed -n 's/^#include "\([a-z_]*\)\/[^"]*".*/\1/p' "$f" | sort -u); do
			case " $(allowed "$dir") " in *" $inc "*) ;; *) bad="$bad $(basename "$f")->$inc/" ;; esac
		done
		for priv in $(sed -n 's/^#include "\([a-z_]*\/[a-z_]*_int\.h\)".*/\1/p' "$f"); do
			case "$priv" in "$dir"/*) ;; *) bad="$bad $(basename "$f")->$priv" ;; esac
		done
	done
	is "$bad" "" "src/$dir respects the layering rule"
done
# Every source file carries the licence line.
missing=$(cd "$top_srcdir" && grep -L "SPDX-License-Identifier: Apache-2.0" src/*.c src/*/*.[ch] tests/*/*.c tests/*/*.sh 2>/dev/null | tr '\n' ' ')
is "$missing" "" "every source file has the SPDX licence line"
done_testing
