# Shared by the SD-card shell tests: sourced with BIN, MKFW, SRC set.
set -u
export MTOOLS_SKIP_CHECK=1
for tool in mkfs.fat mcopy mdir mtype mren fsck.fat sfdisk; do
	command -v "$tool" >/dev/null 2>&1 || PATH="$PATH:/sbin:/usr/sbin"
	command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool not installed" >&2; exit 77; }
done
T=$(mktemp -d /tmp/rs-sdtest-XXXXXX)
trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
export HOME="$T/home"
mkdir -p "$HOME"
BOARDS="$SRC/data/boards"
B429=btt-octopus-pro-429

fail() { echo "FAIL: $*" >&2; exit 1; }
rs() { "$BIN" --boards-dir "$BOARDS" "$@"; }
# expect RC CMD...: runs CMD with stdin from /dev/null, output to $T/out and $T/err.
expect() {
	want=$1; shift
	"$@" </dev/null >"$T/out" 2>"$T/err"
	got=$?
	[ "$got" -eq "$want" ] || { cat "$T/out" "$T/err" >&2; fail "exit $got, wanted $want: $*"; }
	# A sanitizer report can hide behind an expected failure exit code.
	! grep -q "Sanitizer\|runtime error:" "$T/err" || { cat "$T/err" >&2; fail "sanitizer: $*"; }
}
grep_err() { grep -q -- "$1" "$T/err" || { cat "$T/err" >&2; fail "stderr lacks '$1'"; }; }
grep_out() { grep -q -- "$1" "$T/out" || { cat "$T/out" >&2; fail "stdout lacks '$1'"; }; }
fat32() { rm -f "$1"; truncate -s 64M "$1" && mkfs.fat -F 32 -n RATOS "$1" >/dev/null || fail "mkfs $1"; }
# The root directory of an image ("spec" may carry @@offset), one name a line, sorted.
listing() { mdir -a -b -i "$1" ::/ 2>/dev/null | sed 's|^::/||' | sort | tr '\n' ' '; }
fsck_ok() { fsck.fat -n "$1" >"$T/fsck" 2>&1 || { cat "$T/fsck" >&2; fail "fsck.fat $1"; }; }
same_on_card() { mtype -i "$1" "::/$2" | cmp -s - "$3" || fail "$2 on $1 differs from $3"; }
json_ok() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" || fail "invalid JSON in $1"; }

"$MKFW" "$T/fw429.bin" stm32f429xx || fail mkfw
"$MKFW" "$T/fw429b.bin" stm32f429xx v0.13.0-731-gaaaa 50000 || fail mkfw
"$MKFW" "$T/fw446.bin" stm32f446xx || fail mkfw
