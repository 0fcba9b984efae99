#!/bin/sh
# flash --all --after-update, what ratos-setup-autoflash@.service runs after
# the after-update build: off without the setting (nothing at all runs); the
# settings file parsed strictly and only trusted when its owner alone can
# write it; with auto_flash_usb = yes the USB boards running Klipper are
# flashed, Klipper stopped once and started once, only after the running
# Klipper said on its API socket that no print is in progress (a fake
# klippy socket, tests/mcu/fake_klippy.py, records each request in the same
# log as the fake systemctl and make flash, so the order is asserted);
# printing, paused, a silent socket or none while Klipper runs: nothing
# flashed. Boards that need hands, the Pi's own MCU and stale firmware are
# left alone and named.
BIN=$1 SRC=$(cd "$2" && pwd)
ROOT="$SRC/../.."
UDEV="$SRC/../udev/data"
set -u
command -v umockdev-run >/dev/null 2>&1 || { echo "SKIP: umockdev-run not installed" >&2; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed" >&2; exit 77; }
T=$(mktemp -d /tmp/rs-autoflash-XXXXXX)
KPID=
trap '[ -n "$KPID" ] && kill "$KPID" 2>/dev/null; rm -rf "$T"' EXIT
trap 'exit 130' INT TERM HUP
. "$SRC/../lib/checks.sh"
export HOME="$T/home" FAKE_FLASH_LOG="$T/flash.log" FAKE_KLIPPER_MARKER="$T/make.log"
export XDG_CACHE_HOME="$HOME/.cache" XDG_STATE_HOME="$HOME/.local/state"
mkdir -p "$HOME/printer_data/logs"
export PATH="$SRC/../build/fake-bin:$SRC/../flash/fake-bin:$PATH"
export RATOS_SETUP_ROOT_PATH="$PATH"
cp -r "$SRC/../build/fake-klipper" "$T/klipper"
echo "v0.13.0-731-g1a2b3c4d5" >"$T/klipper/klippy/.version"
cat >"$T/printer.cfg" <<'CFG'
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
LOG
DEVS="-d $UDEV/klipper-f446-ratos.umockdev -d $UDEV/klipper-ebb36.umockdev"
SOCK="$T/klippy.sock"
CONF="$T/after-update.conf"
rs() { "$BIN" --boards-dir "$ROOT/boards" "$@"; }
auto() {
	rm -f "$FAKE_FLASH_LOG"
	umockdev-run $DEVS -- "$BIN" --boards-dir "$ROOT/boards" flash --all --after-update \
		--klipper "$T/klipper" --config "$T/printer.cfg" --log "$T/klippy.log" \
		--settings "$CONF" --klippy-socket "$SOCK" "$@"
}
klippy() { # klippy MODE: the fake Klipper socket, answering as in MODE
	[ -n "$KPID" ] && kill "$KPID" 2>/dev/null && wait "$KPID" 2>/dev/null
	rm -f "$SOCK" "$SOCK.ready"
	python3 "$SRC/fake_klippy.py" "$SOCK" "$1" "$FAKE_FLASH_LOG" >/dev/null 2>&1 &
	KPID=$!
	i=0
	while [ ! -e "$SOCK.ready" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}
no_klippy() {
	[ -n "$KPID" ] && kill "$KPID" 2>/dev/null && wait "$KPID" 2>/dev/null
	KPID=
	rm -f "$SOCK" "$SOCK.ready"
}
nothing_ran() { [ ! -e "$FAKE_FLASH_LOG" ] || ! grep -qv '^klippy ' "$FAKE_FLASH_LOG"; }
C=$HOME/.cache/ratos-setup
if [ "$(id -u)" = 0 ]; then NS=" NOSUDO=1"; else NS=" NOSUDO="; fi
FLASHED="systemctl stop klipper.service
make-flash FLASH_DEVICE=/dev/serial/by-id/usb-Klipper_stm32f446xx_btt-octopus-pro-446-if00 KCONFIG_CONFIG=$C/btt-octopus-pro-446/board.config OUT=$C/btt-octopus-pro-446/out/$NS
make-flash FLASH_DEVICE=/dev/serial/by-id/usb-Klipper_stm32g0b1xx_btt-ebb36-12-t0-if00 KCONFIG_CONFIG=$C/btt-ebb36-12/board.config OUT=$C/btt-ebb36-12/out/$NS
systemctl start klipper.service"

# --- off: nothing gathered, nothing asked, nothing flashed --------------------
klippy not-ready
run "no settings file" 0 auto
has "no file: off" "$T/out" "no settings file $CONF: flashing after updates is off"
check "no file: nothing ran, Klipper not even asked" [ ! -e "$FAKE_FLASH_LOG" ]
printf '# shipped\nauto_flash_usb = no\n' >"$CONF"
chmod 644 "$CONF"
run "setting off" 0 auto
has "off: said" "$T/out" "auto_flash_usb is off in $CONF: nothing flashed"
check "off: nothing ran" [ ! -e "$FAKE_FLASH_LOG" ]
check "off: in ratos-setup's log" grep -q "after-update: auto_flash_usb is off" \
	"$HOME/printer_data/logs/ratos-setup.log"

# --- the settings file: strict, and only its owner may write it ---------------
printf 'auto_flash_usb = yes\nauto_flash_all = yes\n' >"$CONF"
run "unknown key" 1 auto
has "unknown key: file:line:col" "$T/err" "$CONF:2:1: unknown setting 'auto_flash_all'"
check "unknown key: nothing ran" [ ! -e "$FAKE_FLASH_LOG" ]
printf 'auto_flash_usb = on\n' >"$CONF"
run "bad value" 1 auto
has "bad value: file:line:col" "$T/err" "$CONF:1:18: auto_flash_usb takes yes or no, not 'on'"
printf 'auto_flash_usb = yes\n' >"$CONF"
chmod 664 "$CONF"
run "group-writable settings" 1 auto
has "group-writable: refused" "$T/err" "must be writable by its owner alone"
check "group-writable: nothing ran" [ ! -e "$FAKE_FLASH_LOG" ]
chmod 644 "$CONF"
run "--settings without --after-update" 2 rs flash --all --settings "$CONF"

# --- on, but the firmware is not built yet: left alone, Klipper untouched -------
klippy not-ready
run "on, nothing built" 0 auto
has "not built: left alone" "$T/out" "mcu (btt-octopus-pro-446) left alone: its built firmware is not current (no-firmware): run ratos-setup build btt-octopus-pro-446"
check "not built: nothing ran, Klipper not even asked" [ ! -e "$FAKE_FLASH_LOG" ]
check "not built: no build ran as root's guest" [ ! -e "$FAKE_KLIPPER_MARKER" ]

# The after-update build, as ratos-setup-rebuild@.service runs it.
for b in btt-octopus-pro-446 btt-ebb36-12; do
	run "build $b" 0 rs build "$b" --klipper "$T/klipper"
done

# --- a print in progress: nothing flashed ---------------------------------------
for mode in printing paused; do
	klippy $mode
	run "on, $mode" 0 auto
	check "$mode: Klipper asked info, then print_stats; nothing else ran" \
		[ "$(cat "$FAKE_FLASH_LOG")" = "klippy info
klippy objects/query" ]
	has "$mode: said why" "$T/out" "a print is in progress (print_stats: $mode): nothing flashed, Klipper left as it is"
done
has "paused: in ratos-setup's log" "$HOME/printer_data/logs/ratos-setup.log" \
	"after-update: a print is in progress (print_stats: paused)"

# --- Klipper stopped with "MCU Protocol error" after the update: flashed --------
klippy not-ready
run "on, Klipper not ready" 0 auto
check "not ready: asked first, then stop once, both flashed, start once" \
	[ "$(cat "$FAKE_FLASH_LOG")" = "klippy info
$FLASHED" ]
has "not ready: why" "$T/out" "Klipper is not ready (error: MCU Protocol error): no print can run: flashing"
has "not ready: result line" "$T/out" "  toolboard_t0   flashed (USB (Klipper's make flash))"

# --- ready and idle: flashed ------------------------------------------------------
klippy standby
run "on, standby" 0 auto
check "standby: info, print_stats, then the flash" [ "$(cat "$FAKE_FLASH_LOG")" = "klippy info
klippy objects/query
$FLASHED" ]

# --- --json: the document alone on stdout, the decisions on stderr ---------------
klippy not-ready
run "on, --json" 0 auto --json
check "--json: stdout is the document, both flashed" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert [m["result"].split(" ")[0] for m in d["mcus"]] == ["flashed", "flashed"], d["mcus"]
' "$T/out"
has "--json: decisions on stderr" "$T/err" "after-update: Klipper is not ready (error: MCU Protocol error)"

# --- cannot tell: nothing flashed -------------------------------------------------
no_klippy
run "no socket, Klipper running" 1 auto
check "no socket: nothing ran" nothing_ran
has "no socket: why" "$T/out" "while the Klipper service is running: whether a print runs cannot be told: nothing flashed"
klippy silent
start=$(date +%s)
run "silent socket" 1 auto
took=$(($(date +%s) - start))
check "silent: only the question was sent" [ "$(cat "$FAKE_FLASH_LOG")" = "klippy info" ]
has "silent: why" "$T/out" "Klipper did not answer within 5000 ms"
check "silent: bounded (took ${took} s)" [ "$took" -lt 30 ]
klippy garbage
run "garbage reply" 1 auto
check "garbage: nothing flashed" [ "$(cat "$FAKE_FLASH_LOG")" = "klippy info" ]
no_klippy
ln -s /dev/null "$SOCK"
run "socket path is a symlink" 1 auto
has "symlink: not a socket" "$T/out" "is not a socket"
rm -f "$SOCK"
# The service stopped and no socket: nobody can be printing.
export FAKE_KLIPPER_STATE=inactive
run "no socket, Klipper stopped" 0 auto
unset FAKE_KLIPPER_STATE
check "stopped: both flashed, Klipper left stopped" [ "$(cat "$FAKE_FLASH_LOG")" = "$(echo "$FLASHED" | grep make-flash)" ]

# --- hands needed, the Pi's own MCU, stale firmware: left alone, named ----------
cat >>"$T/printer.cfg" <<'CFG'
[mcu rpi]
serial: /tmp/klipper_host_mcu
[mcu card]
serial: /dev/RatOS/btt-octopus-pro-429
CFG
klippy not-ready
run "on, with a card board and the Pi's MCU" 0 auto
has "card board named" "$T/out" "card (btt-octopus-pro-429) left alone: it is flashed from an SD card"
has "host MCU named" "$T/out" "rpi (host) left alone: the Pi's own MCU is not a USB board"
has "card board's result line" "$T/out" "  card           left alone: it is flashed from an SD card"
check "USB boards still flashed, nothing else" [ "$(cat "$FAKE_FLASH_LOG")" = "klippy info
$FLASHED" ]
echo "v0.13.0-732-g0000000" >"$T/klipper/klippy/.version"
run "on, firmware stale again" 0 auto
has "stale: named" "$T/out" "its built firmware is not current (other-klipper-version)"
check "stale: nothing ran, Klipper not asked" [ ! -e "$FAKE_FLASH_LOG" ]

# --- --as-user is root's, for a system unit --------------------------------------
if [ "$(id -u)" = 0 ]; then
	run "--as-user unknown" 1 rs --as-user no-such-user-rs boards
	has "--as-user unknown: said" "$T/err" "--as-user no-such-user-rs: no such user"
	run "--as-user with SUDO_*" 1 env SUDO_USER=root SUDO_UID=0 SUDO_GID=0 \
		"$BIN" --boards-dir "$ROOT/boards" --as-user root boards
else
	run "--as-user as a user" 1 rs --as-user root boards
	has "--as-user as a user: said" "$T/err" "--as-user is for root"
fi
finish after_update_flash
