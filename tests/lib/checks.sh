# Counting checks for the shell tests. Source it after setting T (a scratch
# folder: run keeps the last command's output in $T/out and $T/err); end the
# script with `finish [LABEL]`, which prints "N passed, N failed" and fails
# when anything did.
#   ok / bad TEXT            count one check
#   check NAME CMD...        CMD must succeed
#   has NAME FILE TEXT       FILE must hold TEXT (shows FILE when not)
#   run NAME WANT_RC CMD...  CMD (stdin /dev/null) must exit WANT_RC and
#                            print no sanitizer report
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() {
	local name=$1; shift
	if "$@"; then ok; else bad "$name: $*"; fi
}
has() {
	if grep -qF -- "$3" "$2"; then ok; else
		bad "$1: '$3' not in $(basename "$2")"
		sed 's/^/  | /' "$2" | head -30
	fi
}
run() {
	local name=$1 want=$2; shift 2
	"$@" </dev/null >"$T/out" 2>"$T/err"
	local got=$?
	if [ "$got" -eq "$want" ]; then ok; else
		bad "$name: exit $got, want $want"
		sed 's/^/  | /' "$T/out" "$T/err" | head -30
	fi
	if grep -q "Sanitizer\|runtime error:" "$T/err"; then bad "$name: sanitizer"; cat "$T/err"; fi
}
finish() {
	echo "${1:+$1: }$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
