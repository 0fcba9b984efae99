#!/bin/bash
# `sdcard write` never writes stale firmware: built from Klipper v0.13.0-730,
# the tree now at v0.13.0-731 (a fresh clone elsewhere, named by --klipper,
# and ~/klipper updated in place), or built from another board config. Real
# FAT images, the fake Klipper tree and toolchain from tests/build.
# usage: stale_cli_test.sh BINARY SOURCE_DIR
set -u
BIN=$(realpath "$1") SRC=$(cd "$2" && pwd)
for tool in mkfs.fat mtype mdir; do
	command -v "$tool" >/dev/null 2>&1 || PATH="$PATH:/sbin:/usr/sbin"
	command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool not installed"; exit 77; }
done
T=$(mktemp -d /tmp/rs-stale-XXXXXX)
trap 'rm -rf "$T"' EXIT
export HOME=$T/home XDG_CACHE_HOME=$T/cache LC_ALL=C MTOOLS_SKIP_CHECK=1
export PATH=$SRC/tests/build/fake-bin:$PATH
export RATOS_SETUP_ROOT_PATH=$PATH # as root, the children's PATH (platform/child_env.h)
mkdir -p "$HOME"
BOARDS=$SRC/tests/build/data/boards
# shellcheck source=tests/lib/checks.sh
source "$SRC/tests/lib/checks.sh"
rs() { "$BIN" --boards-dir "$BOARDS" "$@"; }
tree() { # tree DIR VERSION: a Klipper checkout at that version
	rm -rf "$1" && cp -r "$SRC/tests/build/fake-klipper" "$1" && echo "$2" >"$1/klippy/.version"
}
card() { rm -f "$1" && truncate -s 64M "$1" && mkfs.fat -F 32 -n RATOS "$1" >/dev/null; }
card_version() { # the Klipper version inside firmware.bin on the card
	mtype -i "$1" ::/firmware.bin >"$T/oncard.bin" && "$BIN" fwinfo --json "$T/oncard.bin" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])'
}
V730=v0.13.0-730-g84104bbbd V731=v0.13.0-731-g1a2b3c4d5
FWD=$HOME/printer_data/config/firmware_binaries
FW=$FWD/firmware-test-f429.bin

tree "$T/k730" $V730
tree "$T/k731" $V731
run build-730 0 rs build test-f429 --klipper "$T/k730"
card "$T/card.img"
cp "$T/card.img" "$T/card.before"

# --- a fresh clone elsewhere, named by --klipper ---------------------------
run stale-refused 1 rs sdcard write --board test-f429 --device "$T/card.img" --klipper "$T/k731" --yes
has stale-why "$T/err" "firmware-test-f429.bin is stale: built for v0.13.0-730, Klipper is now v0.13.0-731"
has stale-fix "$T/err" "ratos-setup build test-f429 --klipper $T/k731"
has stale-flag "$T/err" "--allow-stale-firmware writes it anyway"
check stale-card-untouched cmp -s "$T/card.img" "$T/card.before"
run stale-json 1 rs sdcard write --board test-f429 --device "$T/card.img" --klipper "$T/k731" --yes --json
check stale-json-fields test "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["ok"], d["error"], d["firmware_version"], d["klipper_version"], d["rebuild"])' "$T/out")" \
	= "False stale-firmware $V730 $V731 ratos-setup build test-f429 --klipper $T/k731"
check stale-json-card-untouched cmp -s "$T/card.img" "$T/card.before"
# The same file by --file is the same file.
cp "$FW" "$T/copy.bin"
run stale-file 1 rs sdcard write --board test-f429 --device "$T/card.img" --file "$T/copy.bin" --klipper "$T/k731" --yes
has stale-file "$T/err" "built for v0.13.0-730, Klipper is now v0.13.0-731"
# Only by asking for it.
run stale-allowed 0 rs sdcard write --board test-f429 --device "$T/card.img" --klipper "$T/k731" --yes --allow-stale-firmware
has stale-allowed "$T/err" "writing it anyway because of --allow-stale-firmware"
check stale-allowed-wrote test "$(card_version "$T/card.img")" = $V730
# The fix the message names, then the write goes through.
card "$T/card.img"
run rebuild 0 rs build test-f429 --klipper "$T/k731"
run fresh-written 0 rs sdcard write --board test-f429 --device "$T/card.img" --klipper "$T/k731" --yes
check fresh-on-card test "$(card_version "$T/card.img")" = $V731
check fresh-no-warning test ! -s "$T/err"

# --- ~/klipper updated in place (no --klipper) -------------------------------
tree "$HOME/klipper" $V731
run home-current 0 rs sdcard write --board test-f429 --device "$T/card.img" --yes
echo v0.13.0-732-gfeedf00d1 >"$HOME/klipper/klippy/.version"
run home-stale 1 rs sdcard write --board test-f429 --device "$T/card.img" --yes
has home-stale "$T/err" "built for v0.13.0-731, Klipper is now v0.13.0-732"
has home-stale-fix "$T/err" "  ratos-setup build test-f429"$'\n'
run home-rebuild 0 rs build test-f429
run home-written 0 rs sdcard write --board test-f429 --device "$T/card.img" --yes
check home-on-card test "$(card_version "$T/card.img")" = v0.13.0-732-gfeedf00d1

# --- the board's config changed since the build ------------------------------
B2=$T/boards2
cp -r "$BOARDS" "$B2"
sed -i 's/CONFIG_STM32_FLASH_START_8000=y/CONFIG_STM32_FLASH_START_C000=y/' "$B2/test-f429.yaml"
card "$T/card.img"
cp "$T/card.img" "$T/card.before"
run config-stale 1 "$BIN" --boards-dir "$B2" sdcard write --board test-f429 --device "$T/card.img" --yes
has config-stale "$T/err" "built from another config than the board's present one"
has config-stale-fix "$T/err" "ratos-setup build test-f429"
check config-card-untouched cmp -s "$T/card.img" "$T/card.before"
# A file the record does not describe (replaced by hand): only the version
# can be compared, and it matches.
cp "$FW" "$T/saved.bin"
printf 'x' >>"$FW"
run unrecorded 0 "$BIN" --boards-dir "$B2" sdcard write --board test-f429 --device "$T/card.img" --yes
cp "$T/saved.bin" "$FW"

# --- no tree to compare with: said, not refused ------------------------------
run no-tree 0 rs sdcard write --board test-f429 --device "$T/card.img" --klipper "$T/nowhere" --yes
has no-tree "$T/err" "warning: no Klipper tree at $T/nowhere"

# --- missing firmware keeps its own message -------------------------------------
rm -f "$FW"
run missing 1 rs sdcard write --board test-f429 --device "$T/card.img" --yes
if grep -q "is stale" "$T/err"; then bad "missing: called stale"; else ok; fi

finish
