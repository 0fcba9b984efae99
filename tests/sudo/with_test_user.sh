#!/bin/bash
# Runs CMD... for a simulated sudo: creates a throwaway unprivileged user whose
# home is a fresh folder in a world-readable temp dir, exports RS_TEST_USER,
# RS_TEST_UID, RS_TEST_GID, RS_TEST_HOME and RS_TEST_TMP, runs the command
# (as root), then removes the user, its group and the folder, whatever
# happened. Exits 77 (skipped) when not root or without useradd.
# usage: with_test_user.sh CMD [ARGS...]
set -u
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: a simulated sudo runs ratos-setup as root for a test user: run as root"
	exit 77
fi
for tool in useradd userdel setpriv; do
	if ! command -v "$tool" >/dev/null; then
		echo "SKIP: $tool is missing (packages passwd, util-linux)"
		exit 77
	fi
done
TMP=$(mktemp -d /tmp/rs-sudo-XXXXXX)
chmod 755 "$TMP" # the user must reach its home and the copies in here
NAME="rs-sudo-$$"
created=
cleanup() {
	if [ -n "$created" ]; then
		# useradd/userdel lock /etc/passwd; a parallel test may hold it. -f:
		# even if a process of the user is still on its way out.
		for _ in $(seq 100); do
			userdel -f "$NAME" 2>"$TMP/userdel.err" && break
			sleep 0.1
		done
		if getent passwd "$NAME" >/dev/null; then
			echo "WARNING: could not remove test user $NAME: $(cat "$TMP/userdel.err")" >&2
		fi
		getent group "$NAME" >/dev/null && groupdel "$NAME" 2>/dev/null
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
for _ in $(seq 50); do
	if useradd --system --no-create-home --home-dir "$TMP/home" --shell /usr/sbin/nologin \
		--user-group "$NAME" 2>"$TMP/useradd.err"; then
		created=1
		break
	fi
	sleep 0.1
done
if [ -z "$created" ]; then
	echo "FAIL: cannot create a test user: $(cat "$TMP/useradd.err")"
	exit 1
fi
mkdir "$TMP/home"
chown "$NAME:" "$TMP/home"
export RS_TEST_USER=$NAME RS_TEST_UID=$(id -u "$NAME") RS_TEST_GID=$(id -g "$NAME")
export RS_TEST_HOME=$TMP/home RS_TEST_TMP=$TMP
"$@"
