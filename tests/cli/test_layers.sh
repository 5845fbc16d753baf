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
	report) echo "base intake model analysis report" ;;
	case) echo "base intake decrypt sqlite carve model wechat analysis report case" ;;
	cli) echo "base intake decrypt sqlite carve model wechat analysis report case cli" ;;
	esac
}
for dir in base intake decrypt sqlite carve model wechat analysis report case cli; do
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
# Platform knowledge lives in the platform drivers (src/wechat/) and intake's path-role table:
# a new platform is an addition there, never an edit of cli/, case/ or report/.
names='EnMicroMsg|MicroMsg\.db|MM\.sqlite|message_[0-9]|MSG[0-9]|Backup\.db|FTS5Index'
leak=$(cd "$top_srcdir" && grep -lE "$names" src/*.c src/*/*.[ch] 2>/dev/null |
	grep -v '^src/wechat/' | grep -v '^src/intake/classify\.c$' | tr '\n' ' ')
is "$leak" "" "no file outside src/wechat/ (and intake's role table) names a platform's databases"
leak=$(cd "$top_srcdir" && grep -l 'wxf_android_' src/decrypt/*.[ch] 2>/dev/null | tr '\n' ' ')
is "$leak" "" "src/decrypt/ knows profiles, not Android (no wxf_android_)"
leak=$(cd "$top_srcdir" && grep -l '^#include "wechat/' src/cli/cmd-case.c src/case/*.[ch] \
	src/report/*.[ch] 2>/dev/null | grep -v '^src/case/case_int\.h$' | tr '\n' ' ')
is "$leak" "" "cmd-case.c and report/ include no platform header (case/ only the driver table)"
leak=$(cd "$top_srcdir" && grep -h '^#include "wechat/' src/case/case_int.h | grep -v 'wc_driver\.h' |
	tr '\n' ' ')
is "$leak" "" "case/ sees the platforms only through wechat/wc_driver.h"
leak=$(cd "$top_srcdir" && grep -lE 'chdir\(' src/*/*.c 2>/dev/null | tr '\n' ' ')
is "$leak" "" "no code changes the working directory"
# Every source file carries the licence line.
missing=$(cd "$top_srcdir" && grep -L "SPDX-License-Identifier: Apache-2.0" src/*.c src/*/*.[ch] tests/*/*.c tests/*/*.sh 2>/dev/null | tr '\n' ' ')
is "$missing" "" "every source file has the SPDX licence line"
done_testing
