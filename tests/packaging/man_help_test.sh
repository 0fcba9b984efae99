#!/bin/bash
# The man page against the program: every option that a command's --help
# names is in that command's part of ratos-setup(1), and every option the man
# page gives a command is in its --help; every command in `ratos-setup --help`
# has its part. Then the page renders with man(1) and groff without a warning,
# and the first-boot unit passes systemd-analyze verify.
# usage: man_help_test.sh BINARY SOURCE_DIR
set -u
BIN=$(realpath "$1") SRC=$2
MAN=$SRC/packaging/ratos-setup.1
UNIT=$SRC/packaging/ratos-setup-first-boot.service
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# Options in a text, one per line, sorted: --long and -x. --help and -h are
# every command's, documented once under OPTIONS.
options() {
	grep -oE '(^|[^A-Za-z0-9_.~/-])--?[a-z][a-z0-9-]*' | sed -E 's/^[^-]*//' |
		grep -vxE -- '--help|-h' | sort -u
}
# The man page's part for one command, as plain text.
man_part() {
	awk -v name="$1" '
		/^\.\\" command: / { on = ($3 == name) ; next }
		on' "$MAN" | sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g'
}
compare() { # compare NAME HELP_FILE
	man_part "$1" | options >"$TMP/man.opts"
	options <"$2" >"$TMP/help.opts"
	if [ ! -s "$TMP/man.opts" ] && [ ! -s "$TMP/help.opts" ] && ! grep -q "^\.\\\\\" command: $1\$" "$MAN"; then
		bad "$1: no part in the man page"
		return
	fi
	local missing extra
	missing=$(comm -23 "$TMP/help.opts" "$TMP/man.opts" | tr '\n' ' ')
	extra=$(comm -13 "$TMP/help.opts" "$TMP/man.opts" | tr '\n' ' ')
	if [ -z "$missing" ]; then ok; else bad "$1: in --help, not in the man page: $missing"; fi
	if [ -z "$extra" ]; then ok; else bad "$1: in the man page, not in --help: $extra"; fi
}

"$BIN" --help >"$TMP/global" 2>&1 || bad "ratos-setup --help exits non-zero"
# Global and wizard options: the help after "Options:".
sed -n '/^Options:/,$p' "$TMP/global" >"$TMP/global.opts"
compare "(global)" "$TMP/global.opts"
commands=$(sed -n '/^Commands:/,/^$/p' "$TMP/global" | awk 'NR > 1 && NF { print $1 }')
[ -n "$commands" ] && ok || bad "no commands in ratos-setup --help"
for c in $commands; do
	if grep -q "^\.\\\\\" command: $c\$" "$MAN"; then ok; else bad "$c: no part in the man page"; continue; fi
	"$BIN" "$c" --help >"$TMP/help.$c" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then ok; else bad "$c --help exits $rc"; fi
	compare "$c" "$TMP/help.$c"
done
# Every exit code the program names is explained.
for code in 0 1 2 3; do
	if sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$MAN" | grep -qx "\.B $code"; then ok; else
		bad "exit code $code not under EXIT STATUS"; fi
done
# A test that cannot fail is no test: a man part without an option of the
# help must be caught.
sed 's/\\-\\-firmware\\-dir/--frimware-dir/g' "$MAN" >"$TMP/broken.1"
before=$fail
MAN=$TMP/broken.1 compare build "$TMP/help.build" >/dev/null
if [ "$fail" -eq $((before + 2)) ]; then fail=$before; ok; else bad "a misspelt option went unnoticed"; fi

# Renders without warnings (man-db runs groff with warnings on).
if command -v man >/dev/null; then
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$MAN" >"$TMP/rendered" 2>"$TMP/warnings"
	rc=$?
	if [ "$rc" -eq 0 ] && [ ! -s "$TMP/warnings" ]; then ok; else
		bad "man -l: exit $rc"; cat "$TMP/warnings"; fi
	grep -qE "ratos-setup +- +put +Klipper +firmware" "$TMP/rendered" && ok || bad "man -l: NAME line"
	groff -man -ww -z -K utf8 "$MAN" 2>"$TMP/warnings" && [ ! -s "$TMP/warnings" ] && ok ||
		{ bad "groff -ww"; cat "$TMP/warnings"; }
else
	echo "SKIP: man is not installed"
fi

# The unit: systemd-analyze verify works without a running systemd but wants
# the program to exist, so point ExecStart at this build's binary. It prints
# what it ignores and still exits 0: any output is a failure.
if command -v systemd-analyze >/dev/null; then
	sed "s|/usr/bin/ratos-setup|$BIN|" "$UNIT" >"$TMP/ratos-setup-first-boot.service"
	systemd-analyze verify --man=no "$TMP/ratos-setup-first-boot.service" >"$TMP/verify" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && [ ! -s "$TMP/verify" ]; then ok; else bad "systemd-analyze verify: exit $rc"; cat "$TMP/verify"; fi
	grep -qx 'ConditionPathExists=!/var/lib/ratos-setup/first-boot-done' "$UNIT" && ok || bad "unit: marker condition"
	grep -qx 'TTYPath=/dev/tty1' "$UNIT" && grep -qx 'StandardInput=tty' "$UNIT" && ok || bad "unit: tty1"
	grep -qx 'Before=getty@tty1.service' "$UNIT" && ok || bad "unit: before getty@tty1"
else
	echo "SKIP: systemd-analyze is not installed"
fi

echo "man_help_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
