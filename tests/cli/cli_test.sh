#!/bin/sh
# The command-line contract: output, exit codes and error positions of every
# foundation subcommand, against fixture boards and the bundled ones.
# usage: cli_test.sh BINARY SOURCE_DIR BUILD_DIR
set -u
BIN=$1 SRC=$2 BUILD=$3
FIX=$SRC/tests/data/boards
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# run NAME EXPECTED_RC CMD...: runs CMD, keeps stdout/stderr in $TMP/out, $TMP/err
run() {
	name=$1 want=$2; shift 2
	"$@" >"$TMP/out" 2>"$TMP/err"; got=$?
	if [ "$got" -eq "$want" ]; then ok; else bad "$name: exit $got, want $want"; cat "$TMP/err"; fi
}
has() { # has NAME FILE TEXT
	if grep -qF -- "$3" "$2"; then ok; else bad "$1: '$3' not in $(basename "$2")"; sed 's/^/  | /' "$2" | head -20; fi
}
is_json() {
	if /usr/bin/python3 -m json.tool "$TMP/out" >/dev/null 2>&1; then ok; else bad "$1: not valid JSON"; fi
}

run help 0 "$BIN" --help
has help "$TMP/out" "Commands:"
has help "$TMP/out" "validate [PATH...]"
# Every help text, the program's and each command's (the list is read from
# --help, so a new command is checked too), goes to stdout, exits 0 and ends
# with a newline, so the shell prompt starts on a line of its own.
ends_in_newline() { [ -s "$1" ] && [ "$(tail -c 1 "$1" | wc -l)" -eq 1 ]; }
helps=0
for cmd in "" $(awk '/^Commands:/ { c = 1; next } c && /^$/ { exit } c { print $1 }' "$TMP/out") \
	"sdcard write" "sdcard check" "sdcard format"; do
	for flag in --help -h; do
		# shellcheck disable=SC2086 # "sdcard write" is two words
		run "help-$cmd$flag" 0 "$BIN" $cmd $flag
		ends_in_newline "$TMP/out" && ok || bad "'ratos-setup $cmd $flag': help does not end with a newline"
		[ -s "$TMP/err" ] && bad "'ratos-setup $cmd $flag': help went to stderr" || ok
		helps=$((helps + 1))
	done
done
[ "$helps" -ge 22 ] && ok || bad "help: only $helps help texts found"
run version 0 "$BIN" --version
has version "$TMP/out" "ratos-setup "
run unknown-command 2 "$BIN" frobnicate
has unknown-command "$TMP/err" "unknown command 'frobnicate'"

run boards 0 "$BIN" --boards-dir "$FIX" boards
[ "$(wc -l <"$TMP/out")" -eq 3 ] && ok || bad "boards: want 3 lines"
[ "$(cut -d' ' -f1 "$TMP/out" | tr '\n' ' ')" = "btt-octopus-pro-429 fysetc-spider btt-ebb36-12 " ] \
	&& ok || bad "boards: control boards first, then by manufacturer: $(cut -d' ' -f1 "$TMP/out" | tr '\n' ' ')"
run boards-json 0 "$BIN" --boards-dir "$FIX" boards --json
is_json boards-json
has boards-json "$TMP/out" '"flash_method":"sdcard"'
run boards-usage 2 "$BIN" --boards-dir "$FIX" boards --wat

# One bad file never stops the others.
cp -r "$FIX" "$TMP/mixed"
printf 'id: broken\nname: [\n' >"$TMP/mixed/broken.yaml"
run boards-mixed 0 "$BIN" --boards-dir "$TMP/mixed" boards
[ "$(wc -l <"$TMP/out")" -eq 3 ] && ok || bad "boards-mixed: the good boards are still listed"
has boards-mixed "$TMP/err" "$TMP/mixed/broken.yaml:3:1: YAML syntax error"

run board 0 "$BIN" --boards-dir "$FIX" board btt-octopus-pro-429
has board "$TMP/out" "0x08008000 (32 KiB bootloader)"
has board "$TMP/out" "partial: SD card only"
has board "$TMP/out" "FIRMWARE.CUR"
run board-json 0 "$BIN" --boards-dir "$FIX" board fysetc-spider --json
is_json board-json
has board-json "$TMP/out" '"endstop_rail":"3.3V"'
has board-json "$TMP/out" '"sd_renamed_to":"OLD.BIN"'
run board-unknown 2 "$BIN" --boards-dir "$FIX" board btt-octopus-pro-492
has board-unknown "$TMP/err" "unknown board 'btt-octopus-pro-492'"
has board-unknown "$TMP/err" "  btt-octopus-pro-429"
run board-missing-id 2 "$BIN" --boards-dir "$FIX" board

run config 0 "$BIN" --boards-dir "$FIX" config btt-ebb36-12
cat >"$TMP/want" <<'CFG'
CONFIG_LOW_LEVEL_OPTIONS=y
CONFIG_MACH_STM32=y
CONFIG_MACH_STM32G0B1=y
CONFIG_STM32_FLASH_START_0000=y
CONFIG_STM32_CLOCK_REF_8M=y
CONFIG_STM32_USB_PA11_PA12=y
# CONFIG_USB_SERIAL_NUMBER_CHIPID is not set
CONFIG_USB_SERIAL_NUMBER="btt-ebb36-12-t0"
CFG
cmp -s "$TMP/out" "$TMP/want" && ok || { bad "config: fragment differs"; diff "$TMP/want" "$TMP/out"; }
run config-unknown 2 "$BIN" --boards-dir "$FIX" config nope
run config-usage 2 "$BIN" --boards-dir "$FIX" config

run validate-good 0 "$BIN" validate "$FIX"
run validate-bad 1 "$BIN" validate "$TMP/mixed"
has validate-bad "$TMP/out" "broken.yaml:3:1: YAML syntax error"
printf 'id: bad-one\nname: x\ncolour: red\n' >"$TMP/bad-one.yaml"
run validate-file 1 "$BIN" validate "$TMP/bad-one.yaml" "$FIX/fysetc-spider.yaml"
has validate-file "$TMP/out" "$TMP/bad-one.yaml:3:1: unknown key 'colour'"
has validate-file "$TMP/out" "$TMP/bad-one.yaml:1:1: missing required key 'manufacturer'"
run validate-missing 1 "$BIN" validate "$TMP/does-not-exist.yaml"
has validate-missing "$TMP/out" "cannot open"
head -c 300000 /dev/zero | tr '\0' '#' >"$TMP/huge.yaml"
run validate-huge 1 "$BIN" validate "$TMP/huge.yaml"
has validate-huge "$TMP/out" "huge.yaml:1:1: file is"

# The bundled data: found next to the binary, at least 50 boards, the 429's fragment.
run bundled-boards 0 "$BIN" boards
cp "$TMP/out" "$TMP/bundled-ids"
n=$(wc -l <"$TMP/out")
[ "$n" -ge 50 ] && ok || bad "bundled-boards: $n boards, want at least 50"
[ -s "$TMP/err" ] && bad "bundled-boards: rejected files: $(cat "$TMP/err")" || ok
run bundled-config 0 "$BIN" config btt-octopus-pro-429
for line in CONFIG_LOW_LEVEL_OPTIONS=y CONFIG_MACH_STM32F429=y CONFIG_STM32_FLASH_START_8000=y \
	CONFIG_STM32_CLOCK_REF_8M=y CONFIG_STM32_USB_PA11_PA12=y \
	'CONFIG_USB_SERIAL_NUMBER="btt-octopus-pro-429"'; do
	has bundled-config "$TMP/out" "$line"
done

# Installed: the binary finds its boards under <prefix>/share/ratos-setup/boards.
if cmake --install "$BUILD" --prefix "$TMP/prefix" >/dev/null 2>&1; then
	run installed 0 "$TMP/prefix/bin/ratos-setup" board btt-octopus-pro-429
	[ -f "$TMP/prefix/share/ratos-setup/boards/drivers.yaml" ] && ok || bad "installed: no drivers.yaml"
else
	bad "cmake --install failed"
fi

# The parsed-catalog cache: what a warm start shows is what a parse shows, and
# any change to a board file is seen at once.
export HOME="$TMP/home"
mkdir -p "$HOME"
for id in $(cut -d' ' -f1 <"$TMP/bundled-ids"); do
	rm -f "$HOME"/.cache/ratos-setup/catalog-*.bin
	"$BIN" board "$id" --json >"$TMP/cold" 2>&1
	"$BIN" board "$id" --json >"$TMP/warm" 2>&1
	cmp -s "$TMP/cold" "$TMP/warm" && ok || bad "cache: board $id differs between a parse and the cache"
done
cp -r "$FIX" "$TMP/live"
run cache-first 0 "$BIN" --boards-dir "$TMP/live" boards
has cache-first "$TMP/out" "Spider v1.1"
sed -i 's/^name: Spider v1.1$/name: Spider renamed/' "$TMP/live/fysetc-spider.yaml"
run cache-edit 0 "$BIN" --boards-dir "$TMP/live" boards
has cache-edit "$TMP/out" "Spider renamed"
printf 'id: broken\nname: [\n' >"$TMP/live/broken.yaml"
run cache-add 0 "$BIN" --boards-dir "$TMP/live" boards
has cache-add "$TMP/err" "broken.yaml:3:1: YAML syntax error"
rm "$TMP/live/broken.yaml" "$TMP/live/btt-ebb36-12.yaml"
run cache-remove 0 "$BIN" --boards-dir "$TMP/live" boards
[ "$(wc -l <"$TMP/out")" -eq 2 ] && [ ! -s "$TMP/err" ] && ok || bad "cache-remove: a removed board is still listed"
for f in "$HOME"/.cache/ratos-setup/catalog-*.bin; do head -c 100 "$f" >"$f.cut" && mv "$f.cut" "$f"; done
run cache-damaged 0 "$BIN" --boards-dir "$TMP/live" boards
[ "$(wc -l <"$TMP/out")" -eq 2 ] && ok || bad "cache-damaged: a damaged cache changed the answer"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
