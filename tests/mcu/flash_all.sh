#!/bin/sh
# flash --all --dry-run under an emulated udev: a main board and a toolboard
# on USB running Klipper each get their own build and their own make flash,
# Klipper is stopped once before and started once after, the Pi's own MCU
# comes last; an RP2040 in BOOTSEL gets klipper.uf2 on its boot drive; the
# JSON says the same. Nothing is run (the recording systemctl and make stay
# silent).
BIN=$1 SRC=$(cd "$2" && pwd)
ROOT="$SRC/../.."
UDEV="$SRC/../udev/data"
set -u
command -v umockdev-run >/dev/null 2>&1 || { echo "SKIP: umockdev-run not installed" >&2; exit 77; }
T=$(mktemp -d /tmp/rs-flashall-XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$SRC/../lib/checks.sh"
export HOME="$T/home" FAKE_FLASH_LOG="$T/flash.log" FAKE_KLIPPER_MARKER="$T/make.log"
mkdir -p "$HOME"
export PATH="$SRC/../flash/fake-bin:$PATH"
export RATOS_SETUP_ROOT_PATH="$PATH"
cp -r "$SRC/../build/fake-klipper" "$T/klipper"
echo "v0.13.0-731-g1a2b3c4d5" >"$T/klipper/klippy/.version"
cat >"$T/printer.cfg" <<'CFG'
[mcu rpi]
serial: /tmp/klipper_host_mcu

[mcu]
serial: /dev/serial/by-id/usb-Klipper_stm32f446xx_btt-octopus-pro-446-if00

[mcu toolboard_t0]
serial: /dev/serial/by-id/usb-Klipper_stm32g0b1xx_btt-ebb36-12-t0-if00
CFG
# The last Klipper start: both boards one commit behind the tree.
cat >"$T/klippy.log" <<'LOG'
Starting Klippy...
Git version: 'v0.13.0-731-g1a2b3c4d5'
Loaded MCU 'mcu' 120 commands (v0.13.0-730-g84104bbbd / gcc: (15:8-2019-q3-update) 7.3.1)
MCU 'mcu' config: MCU=stm32f446xx
Loaded MCU 'toolboard_t0' 110 commands (v0.13.0-730-g84104bbbd / gcc)
MCU 'toolboard_t0' config: MCU=stm32g0b1xx
Loaded MCU 'rpi' 80 commands (v0.13.0-730-g84104bbbd / gcc)
MCU 'rpi' config: MCU=linux
LOG

all() {
	umockdev-run $DEVS -- "$BIN" --boards-dir "$ROOT/boards" flash --all --dry-run \
		--klipper "$T/klipper" --config "$T/printer.cfg" --log "$T/klippy.log" "$@"
}
DEVS="-d $UDEV/klipper-f446-ratos.umockdev -d $UDEV/klipper-ebb36.umockdev"
run "dry run" 0 all
O="$T/out"
cp "$O" "$T/plan.txt"
has "main board planned" "$O" "1. mcu            btt-octopus-pro-446      usb           build, flash"
has "toolboard planned" "$O" "2. toolboard_t0   btt-ebb36-12             usb           build, flash"
has "host MCU last" "$O" "3. rpi            (the Pi's own MCU)       host          build, install"
has "main board's own build" "$O" "mcu: build: ratos-setup build btt-octopus-pro-446"
has "toolboard's own build" "$O" "toolboard_t0: build: ratos-setup build btt-ebb36-12"
has "main board's make flash on its port" "$O" \
	"mcu: flash: make flash FLASH_DEVICE=/dev/serial/by-id/usb-Klipper_stm32f446xx_btt-octopus-pro-446-if00 KCONFIG_CONFIG=$HOME/.cache/ratos-setup/btt-octopus-pro-446/board.config"
has "toolboard's make flash on its port" "$O" \
	"toolboard_t0: flash: make flash FLASH_DEVICE=/dev/serial/by-id/usb-Klipper_stm32g0b1xx_btt-ebb36-12-t0-if00 KCONFIG_CONFIG=$HOME/.cache/ratos-setup/btt-ebb36-12/board.config"
has "host MCU installed with make flash" "$O" "rpi: install: make KCONFIG_CONFIG="
steps=$(sed -n '/^Steps:/,$p' "$O" | tail -n +2)
check "Klipper stopped once" [ "$(echo "$steps" | grep -c 'stop-klipper')" -eq 1 ]
check "Klipper started once" [ "$(echo "$steps" | grep -c 'start-klipper')" -eq 1 ]
check "both builds come first, while Klipper still runs" sh -c "echo \"\$1\" | head -2 | grep -c ': build: ratos-setup build' | grep -qx 2" sh "$steps"
check "then Klipper is stopped" sh -c "echo \"\$1\" | sed -n 3p | grep -q '^  stop-klipper: systemctl stop klipper.service'" sh "$steps"
check "start is the last step, a finally" sh -c "echo \"\$1\" | tail -1 | grep -q '^  finally start-klipper: systemctl start klipper.service'" sh "$steps"
check "no route stops or starts Klipper itself" [ "$(grep -c 'klipper.service' "$O")" -eq 2 ]
check "the main board's steps come before the toolboard's" sh -c \
	"grep -n 'mcu: flash:' '$O' | cut -d: -f1 | { read a; b=\$(grep -n 'toolboard_t0: flash:' '$O' | cut -d: -f1); [ \"\$a\" -lt \"\$b\" ]; }"
check "nothing was run" [ ! -e "$T/flash.log" ] && check "no make ran" [ ! -e "$T/make.log" ]

run "dry run --json" 0 all --json
check "valid JSON with three MCUs in order" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
names = [m["name"] for m in d["mcus"]]
assert names == ["mcu", "toolboard_t0", "rpi"], names
m, t, h = d["mcus"]
assert m["board"] == "btt-octopus-pro-446" and t["board"] == "btt-ebb36-12", (m, t)
assert m["route"] == "usb" and t["route"] == "usb" and h["route"] == "host"
assert all(x["needs_build"] and x["needs_flash"] and not x["blocked"] for x in (m, t, h))
assert m["running_version"] == "v0.13.0-730-g84104bbbd"
assert m["steps"][0] == "build: ratos-setup build btt-octopus-pro-446", m["steps"]
assert d["steps"][0] == "mcu: build: ratos-setup build btt-octopus-pro-446", d["steps"]
assert d["steps"][2].startswith("stop-klipper: ") and d["steps"][-1].startswith("finally start-klipper: ")
assert sum("klipper.service" in s for s in d["steps"]) == 2
' "$T/out"

# For real: both boards built by the fake Klipper tree and flashed with make
# flash, Klipper stopped once before the first and started once after the
# last; the record is what the fake systemctl and make flash saw.
export PATH="$SRC/../build/fake-bin:$PATH" RATOS_SETUP_ROOT_PATH="$SRC/../build/fake-bin:$PATH"
grep -v '^\[mcu rpi\]\|klipper_host_mcu' "$T/printer.cfg" >"$T/usb.cfg"
real() {
	rm -f "$FAKE_FLASH_LOG"
	umockdev-run $DEVS -- "$BIN" --boards-dir "$ROOT/boards" flash --all --yes \
		--klipper "$T/klipper" --config "$T/usb.cfg" --log "$T/klippy.log" "$@"
}
C=$HOME/.cache/ratos-setup
if [ "$(id -u)" = 0 ]; then NS=" NOSUDO=1"; else NS=" NOSUDO="; fi
WANT="systemctl stop klipper.service
make-flash FLASH_DEVICE=/dev/serial/by-id/usb-Klipper_stm32f446xx_btt-octopus-pro-446-if00 KCONFIG_CONFIG=$C/btt-octopus-pro-446/board.config OUT=$C/btt-octopus-pro-446/out/$NS
make-flash FLASH_DEVICE=/dev/serial/by-id/usb-Klipper_stm32g0b1xx_btt-ebb36-12-t0-if00 KCONFIG_CONFIG=$C/btt-ebb36-12/board.config OUT=$C/btt-ebb36-12/out/$NS
systemctl start klipper.service"
run "flash --all --yes" 0 real
check "stop once, both flashed, start once" [ "$(cat "$FAKE_FLASH_LOG")" = "$WANT" ]
has "result line for the main board" "$T/out" "  mcu            flashed (USB (Klipper's make flash))"
has "result line for the toolboard" "$T/out" "  toolboard_t0   flashed (USB (Klipper's make flash))"
has "doctor's verdict afterwards" "$T/out" "Doctor ("
check "both firmwares installed" [ -s "$HOME/printer_data/config/firmware_binaries/firmware-btt-ebb36-12.bin" ]
# Both fail: each is tried, Klipper is still started once at the end.
export FAKE_FLASH_FAIL=all
run "flash --all, make flash failing" 1 real --timeout 1
unset FAKE_FLASH_FAIL
check "still stop once, start once" [ "$(cat "$FAKE_FLASH_LOG")" = "$WANT" ]
has "the failure is said per MCU" "$T/out" "  toolboard_t0   failed: make flash failed"
# Klipper cannot be stopped: nothing is flashed and nothing started.
export FAKE_SYSTEMCTL_FAIL=stop
run "flash --all, Klipper not stopping" 1 real
unset FAKE_SYSTEMCTL_FAIL
check "only the stop was tried" [ "$(cat "$FAKE_FLASH_LOG")" = "systemctl stop klipper.service" ]
has "said so" "$T/err" "stopping Klipper failed"

# The toolboard as an RP2040 in BOOTSEL: klipper.uf2 onto its RPI-RP2 drive.
cat >"$T/printer.cfg" <<'CFG'
[mcu]
serial: /dev/serial/by-id/usb-Klipper_stm32f446xx_btt-octopus-pro-446-if00
[mcu toolboard_t0]
serial: /dev/RatOS/btt-sb-2209-usb-10-rp
CFG
DEVS="-d $UDEV/klipper-f446-ratos.umockdev -d $UDEV/rp2040-boot.umockdev"
unset FAKE_FLASH_LOG
run "dry run with an RP2040 in BOOTSEL" 0 all
has "uf2 route" "$T/out" "toolboard_t0   btt-sb-2209-usb-10-rp    rp2040-uf2    build, flash"
has "its own build" "$T/out" "toolboard_t0: build: ratos-setup build btt-sb-2209-usb-10-rp"
has "the installed UF2 checked first" "$T/out" "toolboard_t0: firmware: check that $HOME/printer_data/config/firmware_binaries/firmware-btt-sb-2209-usb-10-rp.uf2 is the UF2 of the installed build, current for the Klipper tree and rp2040"
has "copied to its boot drive" "$T/out" "toolboard_t0: copy-uf2: copy firmware-btt-sb-2209-usb-10-rp.uf2 (Klipper's klipper.uf2) onto the RP2040's RPI-RP2 boot drive"

# For real: the installed build's UF2 onto the boot drive (an RPI-RP2 FAT
# image behind the emulated /dev/sdb1), after the same current-firmware
# check as every other route; a stale one is refused and nothing copied.
PATH="$PATH:/sbin:/usr/sbin"
if command -v mkfs.fat >/dev/null && command -v mtype >/dev/null; then
	export FAKE_FLASH_LOG="$T/flash.log" MTOOLS_SKIP_CHECK=1
	grep -v '^\[mcu\]\|stm32f446' "$T/printer.cfg" >"$T/rp.cfg"
	RPUF2=$HOME/printer_data/config/firmware_binaries/firmware-btt-sb-2209-usb-10-rp.uf2
	run "build the RP2040 toolboard" 0 "$BIN" --boards-dir "$ROOT/boards" build btt-sb-2209-usb-10-rp --klipper "$T/klipper"
	rp_all() {
		rm -f "$FAKE_FLASH_LOG"
		umockdev-run -d "$UDEV/rp2040-boot.umockdev" -- sh -c '
			img=$1; shift
			cp "$img" "$UMOCKDEV_DIR/dev/sdb1" || exit 99
			"$@"; rc=$?
			cp "$UMOCKDEV_DIR/dev/sdb1" "$img" || exit 99
			exit $rc' sh "$T/rp2.img" "$BIN" --boards-dir "$ROOT/boards" flash --all --yes \
			--klipper "$T/klipper" --config "$T/rp.cfg" --log "$T/klippy.log"
	}
	cp "$RPUF2" "$T/good.uf2"
	printf 'x' >>"$RPUF2" # not the UF2 the installed build's record describes
	rm -f "$T/rp2.img" && mkfs.fat -F 16 -n RPI-RP2 -C "$T/rp2.img" 32768 >/dev/null
	cp "$T/rp2.img" "$T/rp2.orig"
	run "a stale UF2 is refused" 1 rp_all
	has "and said so" "$T/out" "toolboard_t0   failed: $RPUF2 is stale: it is not the UF2 of the installed build"
	has "with the fix" "$T/out" "Rebuild it: ratos-setup build btt-sb-2209-usb-10-rp"
	check "the boot drive is untouched" cmp -s "$T/rp2.img" "$T/rp2.orig"
	check "Klipper stopped and started, nothing else" [ "$(cat "$FAKE_FLASH_LOG")" = "systemctl stop klipper.service
systemctl start klipper.service" ]
	cp "$T/good.uf2" "$RPUF2"
	run "the current UF2 is copied" 0 rp_all
	has "result line" "$T/out" "  toolboard_t0   flashed"
	check "KLIPPER.UF2 on the drive is the installed UF2" sh -c 'mtype -i "$1" ::/KLIPPER.UF2 | cmp -s - "$2"' sh "$T/rp2.img" "$RPUF2"
	unset FAKE_FLASH_LOG
fi

# A CAN node with no can0 here: planned, and the reason is plain.
cat >"$T/printer.cfg" <<'CFG'
[mcu]
serial: /dev/serial/by-id/usb-Klipper_stm32f446xx_btt-octopus-pro-446-if00
[mcu EBBCan]
canbus_uuid: 11aa22bb33cc
CFG
DEVS="-d $UDEV/klipper-f446-ratos.umockdev"
run "dry run with a CAN node" 0 all
has "the CAN node is listed first" "$T/out" "1. EBBCan"
has "unknown board said" "$T/out" "printer.cfg gives only its CAN UUID"
finish flash_all
