#!/bin/bash
# A simulated sudo (root, with SUDO_USER/SUDO_UID/SUDO_GID naming a test user:
# run through with_test_user.sh): whatever the user's own folders contain,
# `ratos-setup build` never makes root follow a symlink planted there, every
# file it leaves in the home belongs to the user, and the user can carry on
# without sudo.
# usage: with_test_user.sh sudo_build_test.sh BINARY SOURCE_DIR
set -u
BIN=$(realpath "$1") SRC=$(cd "$2" && pwd)
: "${RS_TEST_USER:?run through with_test_user.sh}"
U=$RS_TEST_USER UID_=$RS_TEST_UID GID_=$RS_TEST_GID H=$RS_TEST_HOME T=$RS_TEST_TMP
# shellcheck source=tests/lib/checks.sh
source "$SRC/tests/lib/checks.sh"

# Everything the user's side needs, where the user can read it.
cp -r "$SRC/tests/build/data/boards" "$T/boards"
cp -r "$SRC/tests/build/fake-bin" "$T/bin"
mkdir "$T/probe"
# git as seen by the build: who runs it, with which HOME, locale and PATH.
cat >"$T/probe/git" <<PROBE
#!/bin/sh
echo "uid=\$(id -u) gid=\$(id -g) home=\$HOME lc_all=\$LC_ALL path=\$PATH" >>"$T/probe.log"
exec /usr/bin/git "\$@"
PROBE
chmod 755 "$T/probe/git"
: >"$T/probe.log"
chmod 666 "$T/probe.log"
K=$T/klipper
cp -r "$SRC/tests/build/fake-klipper" "$K"
chown -R "$U:" "$K"
export FAKE_KLIPPER_MARKER=$T/marker
: >"$FAKE_KLIPPER_MARKER"
chmod 666 "$FAKE_KLIPPER_MARKER"
CHILD_PATH=$T/probe:$T/bin:/usr/local/bin:/usr/bin:/bin

# sudo resets HOME to root's and keeps no XDG variables.
as_sudo() {
	env -u XDG_CACHE_HOME -u XDG_STATE_HOME HOME=/root SUDO_USER="$U" SUDO_UID="$UID_" \
		SUDO_GID="$GID_" PATH="$CHILD_PATH:$PATH" RATOS_SETUP_ROOT_PATH="$CHILD_PATH" \
		LC_ALL=C.UTF-8 "$BIN" --boards-dir "$T/boards" "$@" >"$T/out" 2>"$T/err"
}
as_user() {
	env -u XDG_CACHE_HOME -u XDG_STATE_HOME -u SUDO_USER -u SUDO_UID -u SUDO_GID HOME="$H" \
		PATH="$T/bin:$PATH" setpriv --reuid="$UID_" --regid="$GID_" --init-groups -- \
		"$BIN" --boards-dir "$T/boards" "$@" >"$T/out" 2>"$T/err"
}
# A fresh home, its folders made by the user as they would be.
fresh_home() {
	rm -rf "$H"
	mkdir "$H"
	chown "$U:" "$H"
	for d in "$@"; do setpriv --reuid="$UID_" --regid="$GID_" --init-groups mkdir -p "$H/$d"; done
}
# A root-owned folder and file anything could point a symlink at.
root_dir() {
	rm -rf "$1"
	mkdir -m 755 "$1"
	echo precious >"$1/keep"
	chmod 644 "$1/keep"
}
untouched() { # untouched NAME DIR: only the root-owned file "keep", unchanged
	check "$1-keep" test "$(cat "$2/keep" 2>/dev/null)" = precious
	check "$1-owner" test "$(stat -c %u "$2/keep" 2>/dev/null)" = 0
	check "$1-nothing-new" test "$(ls -A "$2" | tr '\n' ' ')" = "keep "
}
CACHE=.cache/ratos-setup/test-f446
FWB=printer_data/config/firmware_binaries
build() { as_sudo build test-f446 --klipper "$K" "$@"; }

# --- nonsense SUDO_* is refused, before anything is touched -----------------
fresh_home
for bad_env in "SUDO_UID=abc" "SUDO_UID=$((UID_ + 0))x" "SUDO_USER=root" "SUDO_GID=0" \
	"SUDO_UID=4000000000"; do
	env HOME=/root SUDO_USER="$U" SUDO_UID="$UID_" SUDO_GID="$GID_" "$bad_env" \
		"$BIN" --boards-dir "$T/boards" boards >"$T/out" 2>"$T/err"
	rc=$?
	check "refuse-$bad_env" test "$rc" -eq 1
	has "refuse-$bad_env" "$T/err" "run ratos-setup with sudo from your own account"
done

# --- build.log planted as a symlink to a root-owned file --------------------
fresh_home "$CACHE"
root_dir "$T/victim"
ln -s "$T/victim/keep" "$H/$CACHE/build.log"
build
untouched log-symlink "$T/victim"

# --- the cache folder planted as a symlink into a root-owned folder ----------
fresh_home .cache
root_dir "$T/rootcache"
ln -s "$T/rootcache" "$H/.cache/ratos-setup"
build
untouched cache-symlink "$T/rootcache"

# --- firmware_binaries planted as a symlink to a root-owned folder -----------
fresh_home printer_data/config
root_dir "$T/rootfw"
ln -s "$T/rootfw" "$H/$FWB"
build
untouched fw-symlink "$T/rootfw"

# --- a good build under sudo: every file is the user's -----------------------
# Through ccache when it is installed: its cache is the user's too.
if CCACHE=$(command -v ccache); then
	mkdir -p "$T/masq"
	ln -sf "$CCACHE" "$T/masq/arm-none-eabi-gcc"
	export RATOS_SETUP_CCACHE=$T/masq
fi
fresh_home
: >"$T/probe.log"
build
if [ -n "${RATOS_SETUP_CCACHE:-}" ]; then
	has sudo-ccache-user "$H/$CACHE/build.log" "compiler cache: ccache through $T/masq, cache in $H/.cache/ratos-setup/ccache"
	check sudo-ccache-filled test -n "$(find "$H/.cache/ratos-setup/ccache" -type f -name '*R')"
	check sudo-ccache-not-roots test ! -e /root/.cache/ratos-setup/ccache
	unset RATOS_SETUP_CCACHE
fi
check sudo-build-rc test "$(head -c 5 "$T/out")" = Built
has sudo-build "$T/out" "Built $H/$FWB/firmware-test-f446.bin"
check sudo-build-bin test -s "$H/$FWB/firmware-test-f446.bin"
find "$H" ! -user "$U" -printf '%p %u\n' >"$T/foreign"
check sudo-build-owner test ! -s "$T/foreign"
# The log and the build's lock are among them (so they are the user's too).
check sudo-log-in-home test -n "$(find "$H" -name ratos-setup.log)"
check sudo-lock-in-home test -n "$(find "$H" -name 'build-test-f446.lock')"
find "$H" ! -group "$GID_" -printf '%p %g\n' >>"$T/foreign"
check sudo-build-group test ! -s "$T/foreign"
sed 's/^/  not the user'"'"'s: /' "$T/foreign" | head -5
check sudo-no-catalog-cache test -z "$(ls "$H/.cache/ratos-setup" | grep catalog)"
# git ran as the user, with the user's HOME, untranslated, in the given PATH.
check git-probe-ran test -s "$T/probe.log"
has git-as-user "$T/probe.log" "uid=$UID_ gid=$GID_ home=$H lc_all=C path=$CHILD_PATH"
check git-only-as-user test "$(grep -vc "uid=$UID_ gid=$GID_ home=$H lc_all=C " "$T/probe.log")" -eq 0

# ... and the user goes on without sudo: up to date, then a forced rebuild.
as_user build test-f446 --klipper "$K"
check user-after-sudo test $? -eq 0
has user-after-sudo "$T/out" "up to date"
as_user build test-f446 --klipper "$K" --force
check user-force-after-sudo test $? -eq 0
has user-force-after-sudo "$T/out" "Built $H/$FWB/firmware-test-f446.bin"

# ... and the card: root opens block devices only. An image file is the
# user's: written when the user may write it, refused when only root may
# (a name the user gives must not make root write a root file), and a link
# to a root file is never formatted.
if command -v mkfs.fat >/dev/null && command -v mcopy >/dev/null; then
	truncate -s 64M "$T/card.img"
	mkfs.fat -F 32 "$T/card.img" >/dev/null
	chown "$UID_:$GID_" "$T/card.img"
	MTOOLS_SKIP_CHECK=1 as_sudo sdcard write --board test-f446 --device "$T/card.img" --yes
	check sudo-card-write test $? -eq 0
	has sudo-card-write "$T/out" "read it back: identical"
	check sudo-card-owner test "$(stat -c %u "$T/card.img")" = "$UID_"
	cp "$T/card.img" "$T/root-card.img"
	chown 0:0 "$T/root-card.img"
	chmod 600 "$T/root-card.img"
	sum=$(sha256sum <"$T/root-card.img")
	MTOOLS_SKIP_CHECK=1 as_sudo sdcard write --board test-f446 --device "$T/root-card.img" --yes
	check sudo-root-image-refused test $? -ne 0
	has sudo-root-image-refused "$T/err" "root opens only block devices"
	check sudo-root-image-unchanged test "$(sha256sum <"$T/root-card.img")" = "$sum"
	ln -s "$T/root-card.img" "$H/card-link.img"
	MTOOLS_SKIP_CHECK=1 as_sudo sdcard format --device "$H/card-link.img" --confirm "$H/card-link.img"
	check sudo-link-format-refused test $? -ne 0
	check sudo-link-format-unchanged test "$(sha256sum <"$T/root-card.img")" = "$sum"
fi

# --- out/ planted as a symlink to a root-owned folder: never walked ----------
# (The walk itself runs as the user now, so a symlink swapped in while it
# runs can only reach what the user may delete anyway.)
root_dir "$T/rootout"
rm -rf "${H:?}/$CACHE/out"
setpriv --reuid="$UID_" --regid="$GID_" --init-groups ln -s "$T/rootout" "$H/$CACHE/out"
build --force
untouched out-symlink "$T/rootout"

# --- a cache file the user could have edited is not read under sudo ---------
fresh_home
as_user boards
check user-cache-written test -n "$(ls "$H/.cache/ratos-setup" | grep catalog)"
for f in "$H"/.cache/ratos-setup/catalog-*.bin; do
	/usr/bin/python3 - "$f" <<'PY'
import sys
p = sys.argv[1]
b = open(p, "rb").read()
old = (9).to_bytes(4, "little") + b"test-f446"
new = (9).to_bytes(4, "little") + b"../../zzz"
open(p, "wb").write(b.replace(old, new, 1))
PY
done
as_sudo boards
check sudo-ignores-cache test $? -eq 0
has sudo-ignores-cache "$T/out" "test-f446"
check sudo-ignores-cache-id test "$(grep -c 'zzz' "$T/out")" -eq 0

# --- the help report: the user's file, never root's --------------------------
# sudo keeps the current directory; one only root may write sends it home.
fresh_home printer_data/logs
root_dir "$T/rootcwd"
(cd "$T/rootcwd" && as_sudo report)
check sudo-report test $? -eq 0
untouched report-cwd "$T/rootcwd"
R=$(ls "$H"/ratos-setup-report-*.tar.gz 2>/dev/null | head -1)
check sudo-report-home test -n "$R"
check sudo-report-owner test "$(stat -c '%u %g %a' "$R" 2>/dev/null)" = "$UID_ $GID_ 600"
has sudo-report-says "$T/out" "Report written to ~/ratos-setup-report-"
check sudo-report-no-home test "$(gzip -dc "$R" | grep -acF "$H")" -eq 0
# A name only root could write is refused, not written as root.
as_sudo report --output "$T/rootcwd/r.tar.gz"
check sudo-report-root-dir test $? -eq 1
untouched report-root-dir "$T/rootcwd"

finish "sudo build"
