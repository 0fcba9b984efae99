#!/bin/bash
# `ratos-setup report`: the archive's members listed with tar(1), and
# redaction proven on planted secrets: a fake home with printer.cfg,
# klippy.log (Klipper's config dump with a Wi-Fi key and an API key, serial
# paths of the configured board and of an unrelated device, a LAN address),
# a build log and ratos-setup's own log with secrets, the wizard's state.
# Under umockdev (when installed) the configured F429 and an unrelated
# Katapult board are connected: the first keeps its serial, the second's
# is masked everywhere, devices.txt included. Then: never overwriting,
# --force, an output directory, and the home when the current directory is
# gone.
# usage: report_test.sh BINARY SOURCE_DIR [--inner]
set -u
BIN=$(realpath "$1") SRC=$(cd "$2" && pwd)
if [ "${3:-}" != --inner ] && command -v umockdev-run >/dev/null 2>&1; then
	exec umockdev-run -d "$SRC/tests/udev/data/klipper-f429.umockdev" \
		-d "$SRC/tests/udev/data/katapult.umockdev" \
		-d "$SRC/tests/udev/data/klipper-f446-ratos.umockdev" -- bash "$0" "$1" "$2" --inner
fi
UDEV=${UMOCKDEV_DIR:+yes}
echo "emulated udev: ${UDEV:-no}"
T=$(mktemp -d /tmp/rs-report-XXXXXX)
trap 'cd /; rm -rf "$T"' EXIT
export HOME=$T/home LC_ALL=C
unset XDG_CACHE_HOME XDG_STATE_HOME
export PATH=$SRC/tests/build/fake-bin:$PATH
export RATOS_SETUP_ROOT_PATH=$PATH
# shellcheck source=tests/lib/checks.sh
source "$SRC/tests/lib/checks.sh"
BOARDS=$SRC/tests/build/data/boards
rs() { "$BIN" --boards-dir "$BOARDS" "$@"; }
CONFIGURED=2B0033000851313434373135 # the F429 of klipper-f429.umockdev
UNRELATED=4C0038000851363131363530  # the Katapult board of katapult.umockdev
SECRETS=(WIFI-PSK-SECRET-1 APIKEY-SECRET-2 OWNLOG-SECRET-3 BUILDLOG-SECRET-4 STATE-SECRET-5
	hunter2-password UNRELATED5544 192.168.44.55 dc:a6:32:aa:bb:cc "$UNRELATED" "$T")

mkdir -p "$HOME/printer_data/logs" "$HOME/printer_data/config" "$HOME/.local/state/ratos-setup"
cat >"$HOME/printer_data/config/printer.cfg" <<CFG
[mcu]
serial: /dev/serial/by-id/usb-Klipper_stm32f429xx_$CONFIGURED-if00
[include secrets.cfg]
CFG
echo "password: hunter2-password" >"$HOME/printer_data/config/secrets.cfg"
cat >"$HOME/printer_data/logs/klippy.log" <<LOG
Starting Klippy...
Args: ['$HOME/klipper/klippy/klippy.py', '$HOME/printer_data/config/printer.cfg', '-l', '$HOME/printer_data/logs/klippy.log']
Git version: 'v0.13.0-731-g1a2b3c4d5'
===== Config file =====
[mcu]
serial: /dev/serial/by-id/usb-Klipper_stm32f429xx_$CONFIGURED-if00
[gcode_macro WIFI]
gcode:
  RUN_SHELL_COMMAND CMD=wifi PARAMS='psk="WIFI-PSK-SECRET-1"'
[moonraker_thing]
api_key: APIKEY-SECRET-2
password: hunter2-password
=======================
webhooks: client 192.168.44.55 connected from dc:a6:32:aa:bb:cc
mcu 'other': Unable to open port /dev/serial/by-id/usb-1a86_USB_Serial_UNRELATED5544-if00-port0
mcu 'kat': seen /dev/serial/by-id/usb-katapult_stm32f446xx_$UNRELATED-if00
Start printer at Mon Nov 30 10:40:01 2026 (1796028001.2 5998.3)
mcu 'mcu': Starting serial connect
Loaded MCU 'mcu' 117 commands (v0.13.0-730-g84104bbbd / gcc: (15:12.2.rel1-1) 12.2.1 20221205 binutils: (2.40-2+18+b1) 2.40)
MCU 'mcu' config: ADC_MAX=4095 CLOCK_FREQ=180000000 MCU=stm32f429xx PWM_MAX=255
LOG
printf 'version=1\nstep=sdcard\nboard=test-f429\n# STATE-SECRET-5 token: x\n' >"$HOME/.local/state/ratos-setup/state"
K=$HOME/klipper
cp -r "$SRC/tests/build/fake-klipper" "$K" && echo v0.13.0-731-g1a2b3c4d5 >"$K/klippy/.version"
run build 0 rs build test-f429
echo "ratos-setup: password=BUILDLOG-SECRET-4" >>"$HOME/.cache/ratos-setup/test-f429/build.log"
echo "$(date) token=OWNLOG-SECRET-3 for $HOME" >>"$HOME/printer_data/logs/ratos-setup.log"

# --- the default: the current directory, a dated name ---------------------------------
mkdir -p "$T/work" && cd "$T/work" || exit 1
run report 0 rs report
A=$(ls "$T/work"/ratos-setup-report-*.tar.gz 2>/dev/null | head -1)
check report-default-name test -n "$A"
[ -n "$A" ] || { finish report; exit 1; }
has report-says-where "$T/out" "Report written to $A ("
check report-mode test "$(stat -c %a "$A")" = 600
tar tzf "$A" | sort >"$T/list" || bad "tar cannot list the archive"
for m in README.txt doctor.txt devices.txt versions.txt klippy.log ratos-setup.log wizard-state \
	boards/test-f429.yaml firmware/firmware-test-f429.bin.meta build/test-f429.build.log; do
	has "member-$m" "$T/list" "ratos-setup-report/$m"
done
mkdir "$T/x" && tar xzf "$A" -C "$T/x" || bad "tar cannot extract the archive"
R=$T/x/ratos-setup-report
has versions-self "$R/versions.txt" "ratos-setup   "
has versions-tree "$R/versions.txt" "Klipper tree  ~/klipper  v0.13.0-731-g1a2b3c4d5"
has versions-mcu "$R/versions.txt" "MCU 'mcu'  firmware v0.13.0-730-g84104bbbd, stm32f429xx, board test-f429"
has doctor "$R/doctor.txt" "MCU 'mcu': "
has board-yaml "$R/boards/test-f429.yaml" "id: test-f429"
has build-log "$R/build/test-f429.build.log" "ratos-setup: building test-f429"
has state "$R/wizard-state" "board=test-f429"
has klippy-home "$R/klippy.log" "Args: ['~/klipper/klippy/klippy.py'"
has klippy-kept "$R/klippy.log" "usb-Klipper_stm32f429xx_$CONFIGURED-if00"
has klippy-masked "$R/klippy.log" "usb-katapult_stm32f446xx_<serial>-if00"
has klippy-psk "$R/klippy.log" "[line removed: it may hold a secret]"
has klippy-ip "$R/klippy.log" "client <ip> connected from <mac>"
has own-log "$R/ratos-setup.log" "start ratos-setup"
if [ -n "$UDEV" ]; then
	has devices-configured "$R/devices.txt" "$CONFIGURED"
	has devices-unrelated "$R/devices.txt" "<serial>"
	rs devices --all >"$T/devices.raw" 2>&1
	has devices-raw-has-it "$T/devices.raw" "$UNRELATED" # so masking it is what hid it
fi
# RatOS-built firmware's serial is the board id: the same on every such
# printer, so it stays (masking it would mask the board's name everywhere).
if [ -n "$UDEV" ]; then
	run ratos-serial 0 "$BIN" --boards-dir "$SRC/boards" report --output "$T/ratos.tar.gz"
	tar xzOf "$T/ratos.tar.gz" ratos-setup-report/devices.txt >"$T/ratos-devices"
	has ratos-serial "$T/ratos-devices" "usb-Klipper_stm32f446xx_btt-octopus-pro-446-if00"
	has ratos-serial-masked-other "$T/ratos-devices" "usb-katapult_stm32f446xx_<serial>-if00"
fi
# No planted secret, no path of the fake home, anywhere in the archive.
gzip -dc "$A" >"$T/all.tar"
for s in "${SECRETS[@]}"; do
	if grep -qaF -- "$s" "$T/all.tar"; then bad "leaked: $s"; grep -raF -- "$s" "$T/x" | head -3; else ok; fi
done
# ... while the files it came from hold them.
for s in WIFI-PSK-SECRET-1 OWNLOG-SECRET-3 BUILDLOG-SECRET-4 STATE-SECRET-5 UNRELATED5544; do
	if grep -rqaF -- "$s" "$HOME"; then ok; else bad "not planted: $s"; fi
done

# --- never overwriting without being asked ---------------------------------------------
echo keep >"$T/mine.tar.gz"
run exists 1 rs report --output "$T/mine.tar.gz"
has exists "$T/err" "$T/mine.tar.gz already exists; nothing was written (--force replaces it"
check exists-untouched test "$(cat "$T/mine.tar.gz")" = keep
run force 0 rs report --output "$T/mine.tar.gz" --force
check force-replaced tar tzf "$T/mine.tar.gz" >/dev/null
run into-dir 0 rs report --output "$T"
check into-dir test -n "$(ls "$T"/ratos-setup-report-*.tar.gz 2>/dev/null)"
run no-dir 1 rs report --output "$T/nowhere/r.tar.gz"
has no-dir "$T/err" "cannot write $T/nowhere/r.tar.gz"
check no-temp-left test -z "$(find "$T" -maxdepth 1 -name '.*tar.gz*')"
run usage 2 rs report --bogus
run help 0 rs report --help
has help "$T/out" "--output FILE"

# --- the current directory cannot be written: home --------------------------------------
mkdir "$T/gone" && cd "$T/gone" && rmdir "$T/gone"
run home-fallback 0 rs report
check home-fallback test -n "$(ls "$HOME"/ratos-setup-report-*.tar.gz 2>/dev/null)"
has home-fallback-says "$T/out" "Report written to ~/ratos-setup-report-"
cd /
finish report
