#!/bin/sh
# devices --can under a simulated sudo (run through tests/sudo/
# with_test_user.sh): the tools come from the invoking user's home and run
# as that user, never as root.
# usage: with_test_user.sh sh can_query_sudo.sh BINARY SOURCE_DIR
BIN=$(realpath "$1") SRC=$(cd "$2" && pwd)
set -u
: "${RS_TEST_USER:?run through with_test_user.sh}"
T=$RS_TEST_TMP H=$RS_TEST_HOME
. "$SRC/../lib/checks.sh"
cp -r "$SRC/fake-can/klipper" "$SRC/fake-can/katapult" "$SRC/fake-can/klippy-env" "$H/"
chown -R "$RS_TEST_USER:" "$H"
mkdir -p "$T/net/can0"
echo up >"$T/net/can0/operstate"
: >"$T/record"
chmod 666 "$T/record"
run "as sudo" 0 env HOME=/root SUDO_USER="$RS_TEST_USER" SUDO_UID="$RS_TEST_UID" \
	SUDO_GID="$RS_TEST_GID" FAKE_CAN_RECORD="$T/record" \
	"$BIN" devices --can --sys-net "$T/net" --config /nonexistent
has "nodes listed" "$T/out" "665544332211  Katapult"
has "Klipper's python from the user's home" "$T/record" "klippy-env-python $H/klipper/scripts/canbus_query.py can0"
has "canbus_query.py ran as the user" "$T/record" "canbus_query.py can0 uid=$RS_TEST_UID"
has "flashtool.py ran as the user" "$T/record" "flashtool.py -i can0 -q uid=$RS_TEST_UID"
check "nothing ran as root" sh -c "! grep -q 'uid=0$' '$T/record'"
finish mcu_can_query_sudo
