#!/bin/bash
# Real Klipper builds (only when KLIPPER_SRC names a checkout; skipped
# otherwise): btt-octopus-pro-429 and -446 from the bundled board data, with
# their MCU, flash start and crystal checked in the expanded config and in
# the dictionary inside the image. Needs gcc-arm-none-eabi and
# libnewlib-arm-none-eabi.
# usage: real_klipper.sh BINARY
set -u
BIN=$1
if [ -z "${KLIPPER_SRC:-}" ]; then
	echo "KLIPPER_SRC not set: skipping the real Klipper builds"
	exit 77
fi
if ! command -v arm-none-eabi-gcc >/dev/null; then
	echo "arm-none-eabi-gcc not installed: skipping the real Klipper builds"
	exit 77
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export XDG_CACHE_HOME=$TMP/cache HOME=$TMP/home
mkdir -p "$HOME"
fail=0
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
jget() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

before=$(git -C "$KLIPPER_SRC" status --porcelain --ignored 2>/dev/null | sort)
version=$(git -C "$KLIPPER_SRC" describe --always --tags --long --dirty 2>/dev/null)
for spec in btt-octopus-pro-429:stm32f429xx:8000000 btt-octopus-pro-446:stm32f446xx:12000000; do
	IFS=: read -r board mcu crystal <<<"$spec"
	"$BIN" build "$board" --klipper "$KLIPPER_SRC" --firmware-dir "$TMP/fw" --json >"$TMP/build.json" \
		2>"$TMP/err" || { bad "$board: build failed"; cat "$TMP/build.json" "$TMP/err"; continue; }
	cfg=$XDG_CACHE_HOME/ratos-setup/$board/board.config
	for want in "CONFIG_MCU=\"$mcu\"" CONFIG_FLASH_APPLICATION_ADDRESS=0x8008000 \
		CONFIG_STM32_FLASH_START_8000=y "CONFIG_CLOCK_REF_FREQ=$crystal" \
		"CONFIG_USB_SERIAL_NUMBER=\"$board\""; do
		grep -qxF "$want" "$cfg" || bad "$board: '$want' not in the expanded config"
	done
	"$BIN" fwinfo --json "$TMP/fw/firmware-$board.bin" >"$TMP/fw.json" || bad "$board: fwinfo failed"
	got=$(jget "$TMP/fw.json" 'd["mcu"], d["config"].get("CLOCK_FREQ")')
	ver=$(jget "$TMP/fw.json" 'd["version"]')
	[ "${got%% *}" = "$mcu" ] || bad "$board: dictionary MCU '$got', want $mcu"
	case $ver in "$version"|"$version"-*) ;; *) bad "$board: dictionary version $ver, tree $version" ;; esac
	echo "$board: $(jget "$TMP/build.json" 'd["status"], d["size"], "bytes", d["milliseconds"], "ms"'); dictionary: $ver $got; $(grep -E '^CONFIG_(FLASH_APPLICATION_ADDRESS|CLOCK_REF_FREQ)=' "$cfg" | tr '\n' ' ')"
	"$BIN" build "$board" --klipper "$KLIPPER_SRC" --firmware-dir "$TMP/fw" >"$TMP/out" 2>&1
	grep -q "is up to date" "$TMP/out" || { bad "$board: second run was not a cache hit"; cat "$TMP/out"; }
done
after=$(git -C "$KLIPPER_SRC" status --porcelain --ignored 2>/dev/null | sort)
[ "$before" = "$after" ] || bad "the Klipper tree changed: $(diff <(echo "$before") <(echo "$after"))"
[ "$fail" -eq 0 ] && echo "real Klipper builds: ok" || echo "real Klipper builds: $fail failure(s)"
[ "$fail" -eq 0 ]
