#!/bin/bash
# The after-update unit's command for real: root, no sudo, `--as-user USER
# flash --all --after-update` (run through with_test_user.sh). It acts as
# USER: the firmware USER's after-update build made, USER's Klipper socket
# at the default ~/printer_data/comms/klippy.sock, USER's log; Klipper is
# stopped and started as root, make flash runs as USER. Before stopping
# Klipper it checks that USER's sudo needs no password (Klipper's make flash
# calls sudo dfu-util as USER): a sudo that asks flashes nothing.
# usage: with_test_user.sh sudo_autoflash_test.sh BINARY SOURCE_DIR
set -u
BIN=$(realpath "$1") SRC=$(cd "$2" && pwd)
: "${RS_TEST_USER:?run through with_test_user.sh}"
U=$RS_TEST_USER UID_=$RS_TEST_UID GID_=$RS_TEST_GID H=$RS_TEST_HOME T=$RS_TEST_TMP
command -v umockdev-run >/dev/null 2>&1 || { echo "SKIP: umockdev-run not installed"; exit 77; }
[ -x /usr/bin/python3 ] || { echo "SKIP: /usr/bin/python3 not installed"; exit 77; }
# shellcheck source=tests/lib/checks.sh
source "$SRC/tests/lib/checks.sh"
KPID=
trap '[ -n "$KPID" ] && kill "$KPID" 2>/dev/null' EXIT
trap 'exit 130' INT TERM HUP
as_user() { setpriv --reuid="$UID_" --regid="$GID_" --init-groups env HOME="$H" "$@"; }

# Everything USER's side needs, where USER can read it.
cp -r "$SRC/boards" "$T/boards"
mkdir "$T/bin" "$T/sudo-asks" "$T/sudo-ok"
cp "$SRC"/tests/build/fake-bin/* "$SRC"/tests/flash/fake-bin/* "$T/bin/"
cp "$SRC/tests/mcu/fake_klippy.py" "$T/"
printf '#!/bin/sh\necho "sudo: a password is required" >&2\nexit 1\n' >"$T/sudo-asks/sudo"
printf '#!/bin/sh\n[ "$*" = "-n true" ]\n' >"$T/sudo-ok/sudo"
chmod 755 "$T"/sudo-*/sudo
cp -r "$SRC/tests/build/fake-klipper" "$T/klipper"
echo "v0.13.0-731-g1a2b3c4d5" >"$T/klipper/klippy/.version"
chown -R "$U:" "$T/klipper"
export FAKE_FLASH_LOG=$T/flash.log FAKE_KLIPPER_MARKER=$T/marker
: >"$FAKE_KLIPPER_MARKER" && chmod 666 "$FAKE_KLIPPER_MARKER"
printf '[mcu]\nserial: /dev/serial/by-id/usb-Klipper_stm32f446xx_btt-octopus-pro-446-if00\n' \
	>"$T/printer.cfg"
cat >"$T/klippy.log" <<'LOG'
Starting Klippy...
Git version: 'v0.13.0-731-g1a2b3c4d5'
Loaded MCU 'mcu' 120 commands (v0.13.0-730-g84104bbbd / gcc: (15:8-2019-q3-update) 7.3.1)
MCU 'mcu' config: MCU=stm32f446xx
LOG
printf 'auto_flash_usb = yes\n' >"$T/after-update.conf" && chmod 644 "$T/after-update.conf"
as_user mkdir -p "$H/printer_data/comms" "$H/printer_data/logs"

# As the units run it: no SUDO_*, HOME root's, a system PATH.
unit() { # unit SUDO_DIR ARGS...: ratos-setup --as-user USER ARGS...
	local sudo_dir=$1
	shift
	env -i PATH="$T/bin:/usr/bin:/bin" HOME=/root LC_ALL=C.UTF-8 \
		RATOS_SETUP_ROOT_PATH="$sudo_dir:$T/bin:/usr/bin:/bin" FAKE_FLASH_LOG="$FAKE_FLASH_LOG" \
		FAKE_KLIPPER_MARKER="$FAKE_KLIPPER_MARKER" "$@"
}
# umockdev's testbed is root's (0700): opened up so USER's discovery sees it.
auto() { # auto SUDO_DIR
	rm -f "$FAKE_FLASH_LOG"
	: >"$FAKE_FLASH_LOG" && chmod 666 "$FAKE_FLASH_LOG"
	unit "$1" umockdev-run -d "$SRC/tests/udev/data/klipper-f446-ratos.umockdev" -- \
		sh -c 'chmod -R a+rX "$UMOCKDEV_DIR"; exec "$@"' sh \
		"$BIN" --as-user "$U" --boards-dir "$T/boards" flash --all --after-update \
		--klipper "$T/klipper" --config "$T/printer.cfg" --log "$T/klippy.log" \
		--settings "$T/after-update.conf"
}

# The after-update build as ratos-setup-rebuild@USER.service runs it (User=).
run "build as USER" 0 unit "$T/sudo-ok" setpriv --reuid="$UID_" --regid="$GID_" --init-groups \
	env HOME="$H" "$BIN" --boards-dir "$T/boards" build btt-octopus-pro-446 --klipper "$T/klipper"
FW=$H/printer_data/config/firmware_binaries/firmware-btt-octopus-pro-446.bin
check "USER's firmware" [ "$(stat -c %U "$FW")" = "$U" ]

# USER's Klipper, in the error state after the update, on the default socket.
# (setpriv itself in the background, not a function: $! is then the server.)
setpriv --reuid="$UID_" --regid="$GID_" --init-groups /usr/bin/python3 "$T/fake_klippy.py" \
	"$H/printer_data/comms/klippy.sock" not-ready "$FAKE_FLASH_LOG" >/dev/null 2>&1 &
KPID=$!
for _ in $(seq 100); do [ -e "$H/printer_data/comms/klippy.sock.ready" ] && break; sleep 0.05; done

run "sudo asks for a password" 1 auto "$T/sudo-asks"
has "sudo: why" "$T/out" "Klipper's make flash calls sudo as $U, and \`sudo -n true\` failed: sudo: a password is required"
check "sudo asks: nothing ran, Klipper not even asked" [ ! -s "$FAKE_FLASH_LOG" ]

run "as USER, sudo without a password" 0 auto "$T/sudo-ok"
NS=" NOSUDO=" C=$H/.cache/ratos-setup
check "asked USER's Klipper, stop, make flash as USER (no NOSUDO), start" [ "$(cat "$FAKE_FLASH_LOG")" = "klippy info
systemctl stop klipper.service
make-flash FLASH_DEVICE=/dev/serial/by-id/usb-Klipper_stm32f446xx_btt-octopus-pro-446-if00 KCONFIG_CONFIG=$C/btt-octopus-pro-446/board.config OUT=$C/btt-octopus-pro-446/out/$NS
systemctl start klipper.service" ]
LOGF=$H/printer_data/logs/ratos-setup.log
has "USER's log" "$LOGF" "after-update: Klipper is not ready (error: MCU Protocol error)"
check "the log is USER's" [ "$(stat -c %U "$LOGF")" = "$U" ]
check "nothing of root's in USER's home" [ -z "$(find "$H" ! -user "$U" -print -quit)" ]
finish sudo_autoflash
