#!/bin/bash
# The last good firmware: each install keeps the image it replaces (and its
# build record) as firmware-<board>.prev.bin, and `sdcard write --previous`
# puts it on a real FAT image, with the same MCU check and judged against
# the Klipper tree as it is now. Fake Klipper tree and toolchain from
# tests/build.
# usage: previous_fw_test.sh BINARY SOURCE_DIR
set -u
BIN=$(realpath "$1") SRC=$(cd "$2" && pwd)
for tool in mkfs.fat mtype mdir; do
	command -v "$tool" >/dev/null 2>&1 || PATH="$PATH:/sbin:/usr/sbin"
	command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool not installed"; exit 77; }
done
T=$(mktemp -d /tmp/rs-prev-XXXXXX)
trap 'rm -rf "$T"' EXIT
export HOME=$T/home XDG_CACHE_HOME=$T/cache LC_ALL=C MTOOLS_SKIP_CHECK=1
export PATH=$SRC/tests/build/fake-bin:$PATH
export RATOS_SETUP_ROOT_PATH=$PATH
mkdir -p "$HOME"
BOARDS=$SRC/tests/build/data/boards
# shellcheck source=tests/lib/checks.sh
source "$SRC/tests/lib/checks.sh"
rs() { "$BIN" --boards-dir "$BOARDS" "$@"; }
tree() { rm -rf "$1" && cp -r "$SRC/tests/build/fake-klipper" "$1" && echo "$2" >"$1/klippy/.version"; }
card() { rm -f "$1" && truncate -s 64M "$1" && mkfs.fat -F 32 -n RATOS "$1" >/dev/null; }
version_of() { "$BIN" fwinfo --json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])'; }
card_version() { mtype -i "$1" ::/firmware.bin >"$T/oncard.bin" && version_of "$T/oncard.bin"; }
V730=v0.13.0-730-g84104bbbd V731=v0.13.0-731-g1a2b3c4d5
FWD=$HOME/printer_data/config/firmware_binaries
FW=$FWD/firmware-test-f429.bin PREV=$FWD/firmware-test-f429.prev.bin
tree "$T/k730" $V730
tree "$T/k731" $V731
card "$T/card.img"

# --- the first install has nothing to keep -----------------------------------
run build-730 0 rs build test-f429 --klipper "$T/k730"
check first-no-prev test ! -e "$PREV"
run none-yet 1 rs sdcard write --board test-f429 --device "$T/card.img" --previous --klipper "$T/k730" --yes
has none-yet "$T/err" "no previous firmware for test-f429"
cp "$FW" "$T/fw730.bin"
cp "$FW.meta" "$T/fw730.meta"

# --- the second keeps the first, record and all --------------------------------
run build-731 0 rs build test-f429 --klipper "$T/k731"
check prev-kept cmp -s "$PREV" "$T/fw730.bin"
check prev-record-kept cmp -s "$PREV.meta" "$T/fw730.meta"
check current-is-731 test "$(version_of "$FW")" = $V731
check no-temp-left test -z "$(find "$FWD" -name '.*')"
# Nothing rebuilt, or the very same image again: the previous stays the older one.
run up-to-date 0 rs build test-f429 --klipper "$T/k731"
run forced 0 rs build test-f429 --klipper "$T/k731" --force
if cmp -s "$FW" "$T/fw730.bin"; then bad "forced: the image did not change"; else ok; fi
check prev-survives-same-image test "$(version_of "$PREV")" = $V730

# --- judged against the tree as it is now ----------------------------------------
cp "$T/card.img" "$T/card.before"
run prev-stale 1 rs sdcard write --board test-f429 --device "$T/card.img" --previous --klipper "$T/k731" --yes
has prev-stale "$T/err" "the previous firmware ~/printer_data/config/firmware_binaries/firmware-test-f429.prev.bin does not match the Klipper tree: built for v0.13.0-730, Klipper is now v0.13.0-731"
has prev-stale-fix "$T/err" "It is for a Klipper rolled back to $V730; roll the tree back first"
check prev-stale-card-untouched cmp -s "$T/card.img" "$T/card.before"
run prev-stale-json 1 rs sdcard write --board test-f429 --device "$T/card.img" --previous --klipper "$T/k731" --yes --json
check prev-stale-json test "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["error"], d["previous"], d["firmware_version"])' "$T/out")" = "stale-firmware True $V730"
# Klipper rolled back: the previous firmware is the right one.
run prev-written 0 rs sdcard write --board test-f429 --device "$T/card.img" --previous --klipper "$T/k730" --yes
check prev-on-card test "$(card_version "$T/card.img")" = $V730
check prev-written-verified cmp -s "$T/oncard.bin" "$T/fw730.bin"
# Not flashed yet: the file is still on the card.
run prev-check 1 rs sdcard check --board test-f429 --device "$T/card.img" --previous
# ~/klipper rolled back in place (no --klipper).
tree "$HOME/klipper" $V730
card "$T/card.img"
run prev-home 0 rs sdcard write --board test-f429 --device "$T/card.img" --previous --yes
check prev-home-on-card test "$(card_version "$T/card.img")" = $V730

# --- the MCU check is the same as for the current firmware ----------------------
run build-f446 0 rs build test-f446 --klipper "$T/k730"
cp "$PREV" "$T/prev.saved" && cp "$PREV.meta" "$T/prev.meta.saved"
cp "$FWD/firmware-test-f446.bin" "$PREV" && rm -f "$PREV.meta"
card "$T/card.img"
cp "$T/card.img" "$T/card.before"
run prev-wrong-mcu 1 rs sdcard write --board test-f429 --device "$T/card.img" --previous --klipper "$T/k730" --yes
has prev-wrong-mcu "$T/err" "this firmware was built for stm32f446xx"
check wrong-mcu-card-untouched cmp -s "$T/card.img" "$T/card.before"
cp "$T/prev.saved" "$PREV" && cp "$T/prev.meta.saved" "$PREV.meta"

# --- usage ------------------------------------------------------------------------
run prev-and-file 2 rs sdcard write --board test-f429 --device "$T/card.img" --previous --file "$FW" --yes
has prev-and-file "$T/err" "--previous and --file"

# --- the previous cannot be kept: nothing is installed, nothing is lost -----------
cp "$FW" "$T/fw731.bin"
rm -f "$PREV" "$PREV.meta" && mkdir "$PREV" # a directory where the previous goes
tree "$T/k732" v0.13.0-732-gfeedf00d1
run keep-fails 1 rs build test-f429 --klipper "$T/k732"
has keep-fails "$T/err" "firmware-test-f429.bin"
check keep-fails-current-intact cmp -s "$FW" "$T/fw731.bin"
check keep-fails-no-temp test -z "$(find "$FWD" -name '.*')"
rmdir "$PREV"
run keep-ok 0 rs build test-f429 --klipper "$T/k732"
check keep-ok-prev cmp -s "$PREV" "$T/fw731.bin"

# --- AVR (.hex) and RP2040 (.uf2 beside the .bin) keep theirs too ---------------
HEX=$FWD/firmware-test-avr.hex PHEX=$FWD/firmware-test-avr.prev.hex
run avr-730 0 rs build test-avr --klipper "$T/k730"
cp "$HEX" "$T/avr730.hex" && cp "$HEX.meta" "$T/avr730.meta"
run avr-731 0 rs build test-avr --klipper "$T/k731"
check avr-prev-kept cmp -s "$PHEX" "$T/avr730.hex"
check avr-prev-record-kept cmp -s "$PHEX.meta" "$T/avr730.meta"
check avr-prev-version test "$(version_of "$PHEX")" = $V730
check avr-no-bin test ! -e "$FWD/firmware-test-avr.prev.bin"
UF2=$FWD/firmware-test-rp2040.uf2 PUF2=$FWD/firmware-test-rp2040.prev.uf2
PRP=$FWD/firmware-test-rp2040.prev.bin
run rp-730 0 rs build test-rp2040 --klipper "$T/k730"
cp "$UF2" "$T/rp730.uf2" && cp "$FWD/firmware-test-rp2040.bin" "$T/rp730.bin"
run rp-731 0 rs build test-rp2040 --klipper "$T/k731"
check rp-prev-bin cmp -s "$PRP" "$T/rp730.bin"
check rp-prev-uf2 cmp -s "$PUF2" "$T/rp730.uf2"
# The kept record names the kept UF2 and carries its checksum.
has rp-prev-record-names-uf2 "$PRP.meta" "uf2=firmware-test-rp2040.prev.uf2"
has rp-prev-record-uf2-sum "$PRP.meta" "uf2_sha256=$(sha256sum "$T/rp730.uf2" | cut -d' ' -f1)"
has rp-prev-record-version "$PRP.meta" "version=$V730"
# A UF2 the record does not describe is not kept as the previous one, and an
# older previous UF2 does not stay beside a newer previous image.
cp "$UF2" "$T/rp731.uf2"
printf 'x' >>"$UF2"
run rp-732 0 rs build test-rp2040 --klipper "$T/k732"
check rp-prev-bin-731 test "$(version_of "$PRP")" = v0.13.0-731-g1a2b3c4d5
check rp-no-foreign-uf2 test ! -e "$PUF2"

finish previous
