#!/bin/bash
# `ratos-setup flash` for real against fakes: the fake Klipper tree (its make
# flash and flash-sdcard.sh record their arguments), a fake systemctl and
# dfu-util on PATH, and boards appearing, leaving and coming back in DFU
# under umockdev (flash_harness). Asserts the order of what ran (stop ->
# flash -> start, start also after a failure or Ctrl-C), the arguments, and
# each failure's message.
# usage: flash_test.sh BINARY SOURCE_DIR HARNESS UMOCKDEV_WRAPPER
set -u
BIN=$(realpath "$1") SRC=$(cd "$2" && pwd) HARNESS=$3 WRAPPER=$4
HERE=$SRC/tests/flash
DATA=$SRC/tests/udev/data
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
has() { # has NAME FILE TEXT
	if grep -qF -- "$3" "$2"; then ok; else
		bad "$1: '$3' not in $(basename "$2")"; sed 's/^/  | /' "$2" | head -40; fi
}
hasnt() {
	if grep -qF -- "$3" "$2"; then bad "$1: '$3' unexpectedly in $(basename "$2")"; else ok; fi
}
record_is() { # record_is NAME EXPECTED (the record, one line each)
	local got; got=$(cat "$FAKE_FLASH_LOG" 2>/dev/null)
	if [ "$got" = "$2" ]; then ok; else
		bad "$1: record differs"; diff <(echo "$2") <(echo "$got") | sed 's/^/  /'; fi
}

export HOME=$TMP/home XDG_CACHE_HOME=$TMP/cache LC_ALL=C
export PATH=$HERE/fake-bin:$SRC/tests/build/fake-bin:$PATH
export RATOS_SETUP_ROOT_PATH=$PATH # as root, children get only this PATH
export FAKE_FLASH_LOG=$TMP/record
mkdir -p "$HOME"
K=$TMP/klipper
cp -r "$SRC/tests/build/fake-klipper" "$K"
rs() { "$BIN" --boards-dir "$SRC/boards" "$@"; }
for b in btt-octopus-pro-446 btt-octopus-pro-429; do
	rs build "$b" --klipper "$K" >"$TMP/build.out" 2>&1 || { cat "$TMP/build.out"; exit 1; }
done
C446=$XDG_CACHE_HOME/ratos-setup/btt-octopus-pro-446
C429=$XDG_CACHE_HOME/ratos-setup/btt-octopus-pro-429
USB=/sys/devices/pci0000:00/0000:00:14.0/usb1
ID446=/dev/serial/by-id/usb-Klipper_stm32f446xx_btt-octopus-pro-446-if00
ID429=/dev/serial/by-id/usb-Klipper_stm32f429xx_2B0033000851313434373135-if00
GONE446="del:$USB/1-3/1-3:1.0/tty/ttyACM1 del:$USB/1-3/1-3:1.0 del:$USB/1-3 unlink:${ID446#/dev/}"
GONE429="del:$USB/1-1/1-1:1.0/tty/ttyACM0 del:$USB/1-1/1-1:1.0 del:$USB/1-1 unlink:${ID429#/dev/}"
GONEDFU="del:$USB/1-4/1-4:1.0 del:$USB/1-4"
FLASH446="make-flash FLASH_DEVICE=$ID446 KCONFIG_CONFIG=$C446/board.config OUT=$C446/out/"
FLASHDFU446="make-flash FLASH_DEVICE=0483:df11 KCONFIG_CONFIG=$C446/board.config OUT=$C446/out/"
FLASHDFU429="make-flash FLASH_DEVICE=0483:df11 KCONFIG_CONFIG=$C429/board.config OUT=$C429/out/"
# Klipper's make flash adds sudo for dfu-util unless NOSUDO: as plain root
# it is not needed; as a user it stays Klipper's.
if [ "$(id -u)" = 0 ]; then NS=" NOSUDO=1"; else NS=" NOSUDO="; fi
SD429="flash-sdcard.sh -f $C429/out/klipper.bin $ID429 btt-octopus-pro-f429-v1.0"
SDCHECK429="flash-sdcard.sh -c -f $C429/out/klipper.bin $ID429 btt-octopus-pro-f429-v1.0"

# scenario NAME WANT_RC ACTION... -- ratos-setup ARGS...
scenario() {
	local name=$1 want=$2; shift 2
	local actions=()
	while [ "$1" != "--" ]; do actions+=("$1"); shift; done
	shift
	rm -f "$FAKE_FLASH_LOG"
	"$WRAPPER" "$HARNESS" "$DATA" "${actions[@]}" -- "$BIN" --boards-dir "$SRC/boards" \
		"$@" >"$TMP/out" 2>&1
	local got=$?
	[ "$got" -eq 77 ] && { echo "SKIP: umockdev cannot run here"; exit 77; }
	if [ "$got" -eq "$want" ]; then ok; else
		bad "$name: exit $got, want $want"; sed 's/^/  | /' "$TMP/out" | tail -30; fi
}

# --- the plan: stop Klipper -> make flash with the by-id device and build -> start
scenario dry-run 0 add:klipper-f446-ratos start -- flash btt-octopus-pro-446 --klipper "$K" --dry-run
has dry-run "$TMP/out" "2. stop-klipper: systemctl stop klipper.service (as root)"
has dry-run "$TMP/out" "3. flash: make flash FLASH_DEVICE=$ID446 KCONFIG_CONFIG=$C446/board.config OUT=$C446/out/"
has dry-run "$TMP/out" "(in $K)"
has dry-run "$TMP/out" "5. finally start-klipper: systemctl start klipper.service (as root)"
has dry-run "$TMP/out" "re-enumerates in DFU (0483:df11)"
record_is dry-run-ran-nothing ""

scenario dry-run-json 0 add:klipper-f446-ratos start -- flash btt-octopus-pro-446 --klipper "$K" --dry-run --json
if /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["route"]=="usb"; assert d["routes"][0]["possible"]; assert any("make flash" in p for p in d["plan"])' "$TMP/out"; then ok; else bad "dry-run-json"; cat "$TMP/out"; fi

# --- for real: exactly that, and the board back on USB -------------------
scenario usb 0 add:klipper-f446-ratos start -- flash btt-octopus-pro-446 --klipper "$K" --yes
record_is usb "systemctl stop klipper.service
$FLASH446$NS
systemctl start klipper.service"
has usb "$TMP/out" "The board is back on USB: $ID446"
has usb "$TMP/out" "Flashed btt-octopus-pro-446"

# --- make flash fails, no DFU: Klipper is started again, the error is said --
export FAKE_FLASH_FAIL=all
scenario usb-fails 1 add:klipper-f446-ratos start -- flash btt-octopus-pro-446 --klipper "$K" --yes --timeout 2
unset FAKE_FLASH_FAIL
record_is usb-fails "systemctl stop klipper.service
$FLASH446$NS
systemctl start klipper.service"
has usb-fails "$TMP/out" "make flash failed (exit 2): Error: failed to flash $ID446 (fake failure)"
has usb-fails "$TMP/out" "ratos-setup flash btt-octopus-pro-446 --route dfu"
has usb-fails "$TMP/out" "Klipper was started again."

# --- the board re-enumerates in DFU: go on there, then it comes back -------
export FAKE_FLASH_FAIL=serial
scenario usb-to-dfu 0 add:klipper-f446-ratos start "rec:FLASH_DEVICE=/dev/serial" $GONE446 add:stm32-dfu \
	"rec:FLASH_DEVICE=0483:df11" $GONEDFU "add:$HERE/data/klipper-f446-back" \
	-- flash btt-octopus-pro-446 --klipper "$K" --yes --timeout 15
unset FAKE_FLASH_FAIL
record_is usb-to-dfu "systemctl stop klipper.service
$FLASH446$NS
dfu-util --version
$FLASHDFU446$NS
systemctl start klipper.service"
has usb-to-dfu "$TMP/out" "The board is in DFU mode (0483:df11)."
has usb-to-dfu "$TMP/out" "The board is back on USB: $ID446"

# --- Ctrl-C during make flash: stopped, and Klipper started again ---------
export FAKE_FLASH_SLEEP=30
scenario cancel 1 add:klipper-f446-ratos start rec:make-flash int -- flash btt-octopus-pro-446 --klipper "$K" --yes
unset FAKE_FLASH_SLEEP
record_is cancel "systemctl stop klipper.service
$FLASH446$NS
systemctl start klipper.service"
has cancel "$TMP/out" "cancelled"
has cancel "$TMP/out" "Klipper was started again."

# --- the service: cannot be stopped; not installed; no systemd -------------
export FAKE_SYSTEMCTL_FAIL=stop
scenario stop-fails 1 add:klipper-f446-ratos start -- flash btt-octopus-pro-446 --klipper "$K" --yes
unset FAKE_SYSTEMCTL_FAIL
record_is stop-fails "systemctl stop klipper.service
systemctl start klipper.service"
has stop-fails "$TMP/out" "stopping klipper.service failed (exit 1); nothing was flashed"
export FAKE_SYSTEMCTL_FAIL=start
scenario start-fails 0 add:klipper-f446-ratos start -- flash btt-octopus-pro-446 --klipper "$K" --yes
unset FAKE_SYSTEMCTL_FAIL
has start-fails "$TMP/out" "Klipper did not start again"
export FAKE_KLIPPER_STATE=missing
scenario no-service 0 add:klipper-f446-ratos start -- flash btt-octopus-pro-446 --klipper "$K" --yes
record_is no-service "$FLASH446$NS"
export FAKE_KLIPPER_STATE=broken
scenario no-systemd 1 add:klipper-f446-ratos start -- flash btt-octopus-pro-446 --klipper "$K" --yes
record_is no-systemd ""
has no-systemd "$TMP/out" "cannot tell whether the Klipper service runs (no systemctl)"
unset FAKE_KLIPPER_STATE

# --- the 429: remote SD update with the power cycle, then its -c check ------
scenario remote-sd 0 add:klipper-f429 start "out:Switch the printer off" $GONE429 "add:$HERE/data/klipper-f429-back" \
	-- flash btt-octopus-pro-429 --klipper "$K" --route remote-sd --yes --timeout 20
record_is remote-sd "systemctl stop klipper.service
$SD429
$SDCHECK429
systemctl start klipper.service"
has remote-sd "$TMP/out" "own SD slot must hold a FAT32 card"
has remote-sd "$TMP/out" "The board left USB"
export FAKE_SDCARD_FAIL=check
scenario remote-sd-check 1 add:klipper-f429 start "out:Switch the printer off" $GONE429 "add:$HERE/data/klipper-f429-back" \
	-- flash btt-octopus-pro-429 --klipper "$K" --route remote-sd --yes --timeout 20
unset FAKE_SDCARD_FAIL
has remote-sd-check "$TMP/out" "flash-sdcard.sh -c: the board did not take the firmware (exit 255)"
has remote-sd-check "$TMP/out" "Klipper was started again."

# --- the 429 by DFU: its steps, the wait, make flash, the jumper reminder ---
scenario dfu 0 start "out:Waiting for the board in DFU mode" add:stm32-dfu "rec:FLASH_DEVICE=0483:df11" \
	$GONEDFU "add:$HERE/data/klipper-f429-back" -- flash btt-octopus-pro-429 --klipper "$K" --route dfu --yes --timeout 20
record_is dfu "dfu-util --version
$FLASHDFU429$NS"
has dfu "$TMP/out" "Add the jumper to BOOT0"
has dfu "$TMP/out" "Remove the BOOT0 jumper"
has dfu "$TMP/out" "The board is back on USB: $ID429"
export FAKE_DFU_UTIL_VERSION=0.9
scenario dfu-util-old 1 start -- flash btt-octopus-pro-429 --klipper "$K" --route dfu --yes --timeout 2
unset FAKE_DFU_UTIL_VERSION
record_is dfu-util-old "dfu-util --version"
has dfu-util-old "$TMP/out" "dfu-util 0.9 is too old: 0.11 or newer is needed"
has dfu-util-old "$TMP/out" "sudo apt install dfu-util"
scenario dfu-none 1 start -- flash btt-octopus-pro-429 --klipper "$K" --route dfu --yes --timeout 1
has dfu-none "$TMP/out" "no board appeared in DFU mode (0483:df11) within 1 s; nothing was flashed"

# --- choices and refusals -----------------------------------------------
scenario card-board-no-route 1 start -- flash btt-octopus-pro-429 --klipper "$K" --yes
has card-board-no-route "$TMP/out" "no route for btt-octopus-pro-429 is possible"
has card-board-no-route "$TMP/out" "--route dfu waits"
scenario no-usb-route 1 start -- flash btt-octopus-pro-429 --klipper "$K" --route usb
has no-usb-route "$TMP/out" "cannot be flashed over USB"
scenario sdcard 0 start -- flash btt-octopus-pro-429 --klipper "$K" --route sdcard
has sdcard "$TMP/out" "ratos-setup sdcard write --board btt-octopus-pro-429"
scenario no-yes 1 add:klipper-f446-ratos start -- flash btt-octopus-pro-446 --klipper "$K"
has no-yes "$TMP/out" "pass --yes to flash without a terminal"
record_is no-yes ""
scenario not-built 1 start -- flash btt-octopus-11-429 --klipper "$K" --route dfu --yes
has not-built "$TMP/out" "no firmware built for btt-octopus-11-429 yet"
has not-built "$TMP/out" "ratos-setup build btt-octopus-11-429"
record_is not-built ""
scenario manual 1 start -- flash btt-octopus-pro-h723 --klipper "$K" --route dfu --yes
has manual "$TMP/out" "Heater outputs HE0 and HE2 switch on"
has manual "$TMP/out" "refusing without a terminal"
hasnt manual "$TMP/out" "no firmware built"
scenario manual-ack 1 start -- flash btt-octopus-pro-h723 --klipper "$K" --route dfu --yes --flash-manual-board
has manual-ack "$TMP/out" "Acknowledged with --flash-manual-board"
has manual-ack "$TMP/out" "no firmware built for btt-octopus-pro-h723 yet"
# --- proof: Klipper's new start in klippy.log names the version the board runs
KLOG=$HOME/printer_data/logs/klippy.log
mkdir -p "${KLOG%/*}"
printf "Starting Klippy...\nLoaded MCU 'mcu' 100 commands (v0.11.0-1-gold / gcc)\nMCU 'mcu' config: MCU=stm32f446xx\n" >"$KLOG"
export FAKE_KLIPPY_LOG=$KLOG
scenario proof-same 0 add:klipper-f446-ratos start -- flash btt-octopus-pro-446 --klipper "$K" --yes
has proof-same "$TMP/out" "the board runs v0.0.1-0-gfake, the same as Klipper's tree."
hasnt proof-same "$TMP/out" "v0.11.0-1-gold" # the start before the flash is not taken
export FAKE_KLIPPY_VERSION=v0.12.0-9-gother
scenario proof-other 0 add:klipper-f446-ratos start -- flash btt-octopus-pro-446 --klipper "$K" --yes
unset FAKE_KLIPPY_VERSION
has proof-other "$TMP/out" "reports v0.12.0-9-gother, not the tree's v0.0.1-0-gfake"
unset FAKE_KLIPPY_LOG # Klipper starts, but nothing reaches the log in time
export RATOS_SETUP_TEST_VERSION_WAIT_MS=1500
scenario proof-none 0 add:klipper-f446-ratos start -- flash btt-octopus-pro-446 --klipper "$K" --yes
unset RATOS_SETUP_TEST_VERSION_WAIT_MS
has proof-none "$TMP/out" "Waiting up to 2 s for Klipper's new start"
has proof-none "$TMP/out" "did not show in ~/printer_data/logs/klippy.log within 2 s"
has proof-none "$TMP/out" "this is not a failure of the flash"
has proof-none "$TMP/out" "Flashed btt-octopus-pro-446"
rm -f "$KLOG"

# The build directory must hold the installed, current image.
FW446=$HOME/printer_data/config/firmware_binaries/firmware-btt-octopus-pro-446.bin
printf 'x' >>"$C446/out/klipper.bin"
scenario other-build 1 add:klipper-f446-ratos start -- flash btt-octopus-pro-446 --klipper "$K" --yes
has other-build "$TMP/out" "is not the installed $FW446"
record_is other-build ""

# --- --previous: the kept image put back with what make flash runs ----------
FWD=$HOME/printer_data/config/firmware_binaries
P446=$FWD/firmware-btt-octopus-pro-446.prev.bin P429=$FWD/firmware-btt-octopus-pro-429.prev.bin
scenario prev-none 1 add:klipper-f446-ratos start -- flash btt-octopus-pro-446 --previous --klipper "$K" --dry-run
has prev-none "$TMP/out" "no previous firmware for btt-octopus-pro-446"
# A newer Klipper: its builds replace the ones above, which are kept.
K2=$TMP/klipper-new
cp -r "$SRC/tests/build/fake-klipper" "$K2" && echo "v0.13.0-999-gfeedf00d1" >"$K2/klippy/.version"
V1=$(cat "$K/klippy/.version")
for b in btt-octopus-pro-446 btt-octopus-pro-429; do
	rs build "$b" --klipper "$K2" >"$TMP/build.out" 2>&1 || { cat "$TMP/build.out"; exit 1; }
done
scenario prev-dry-run 0 add:klipper-f446-ratos start -- flash btt-octopus-pro-446 --previous --klipper "$K" --dry-run
has prev-dry-run "$TMP/out" "Previous firmware: ~/printer_data/config/firmware_binaries/firmware-btt-octopus-pro-446.prev.bin, Klipper $V1. The host's Klipper must be that version too"
has prev-dry-run "$TMP/out" "1. firmware: check that the previous firmware $P446 is for stm32f446xx"
has prev-dry-run "$TMP/out" "3. flash-tools: make -C lib/hidflash (in $K)"
NOSUDO_ARG=""; [ "$(id -u)" = 0 ] && NOSUDO_ARG=" --no-sudo"
has prev-dry-run "$TMP/out" "4. flash: python3 ./scripts/flash_usb.py -t stm32f446xx -d $ID446 -s 0x8008000$NOSUDO_ARG $P446 (in $K)"
hasnt prev-dry-run "$TMP/out" "flash: make flash"
record_is prev-dry-run-ran-nothing ""
scenario prev-usb 0 add:klipper-f446-ratos start -- flash btt-octopus-pro-446 --previous --klipper "$K" --yes
record_is prev-usb "systemctl stop klipper.service
make-tools hidflash
flash_usb.py -t stm32f446xx -d $ID446 -s 0x8008000$NOSUDO_ARG $P446
systemctl start klipper.service"
has prev-usb "$TMP/out" "The board is back on USB: $ID446"
has prev-usb "$TMP/out" "Flashed the previous firmware onto btt-octopus-pro-446"
# The helper is built once; a failing flash still starts Klipper again.
export FAKE_FLASH_FAIL=all
scenario prev-usb-fails 1 add:klipper-f446-ratos start -- flash btt-octopus-pro-446 --previous --klipper "$K" --yes --timeout 2
unset FAKE_FLASH_FAIL
record_is prev-usb-fails "systemctl stop klipper.service
flash_usb.py -t stm32f446xx -d $ID446 -s 0x8008000$NOSUDO_ARG $P446
systemctl start klipper.service"
# Not the tree's Klipper: refused as sdcard write --previous refuses it.
scenario prev-stale 1 add:klipper-f446-ratos start -- flash btt-octopus-pro-446 --previous --klipper "$K2" --yes
has prev-stale "$TMP/out" "the previous firmware ~/printer_data/config/firmware_binaries/firmware-btt-octopus-pro-446.prev.bin does not match the Klipper tree"
has prev-stale "$TMP/out" "roll the tree back first"
record_is prev-stale ""
# Not the board's MCU (the 429's image in the 446's place): nothing runs.
cp "$P446" "$TMP/p446.saved"; cp "$P429" "$P446"; rm -f "$P446.meta"
scenario prev-wrong-mcu 1 add:klipper-f446-ratos start -- flash btt-octopus-pro-446 --previous --klipper "$K" --yes
has prev-wrong-mcu "$TMP/out" "is built for stm32f429xx, but Octopus Pro 446"
record_is prev-wrong-mcu ""
cp "$TMP/p446.saved" "$P446"
# Remote SD and DFU write the kept image too (no -d: OUT's dictionary is the new build's).
scenario prev-remote-sd 0 add:klipper-f429 start -- flash btt-octopus-pro-429 --previous --route remote-sd --klipper "$K" --dry-run
has prev-remote-sd "$TMP/out" "flash-sdcard: $K/scripts/flash-sdcard.sh -f $P429 $ID429 btt-octopus-pro-f429-v1.0"
has prev-remote-sd "$TMP/out" "check: $K/scripts/flash-sdcard.sh -c -f $P429 $ID429"
scenario prev-dfu 0 start -- flash btt-octopus-pro-429 --previous --route dfu --klipper "$K" --dry-run
has prev-dfu "$TMP/out" "flash-dfu: python3 ./scripts/flash_usb.py -t stm32f429xx -d 0483:df11 -s 0x8008000$NOSUDO_ARG $P429 (in $K)"
scenario prev-sdcard 0 start -- flash btt-octopus-pro-429 --previous --route sdcard --klipper "$K"
has prev-sdcard "$TMP/out" "ratos-setup sdcard write --board btt-octopus-pro-429 --previous"

echo "flash routes: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
