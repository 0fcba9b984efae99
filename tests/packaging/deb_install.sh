#!/bin/bash
# The Debian package on a brand-new Debian 12 root: `apt-get install
# ./ratos-setup_*.deb` must give a working ratos-setup on PATH that finds its
# boards in /usr/share, `man ratos-setup` must show the page, and purging it
# (with the dependencies apt pulled in) must leave not one file behind.
# Before that: the package's contents (dpkg-deb -c) and lintian, when
# installed.
#
# usage: tests/packaging/deb_install.sh [DEB]
#   without DEB, packaging/build-deb.sh builds one in build-ci-deb.
# Needs root (chroot, bind mounts) and the Debian mirror. See
# tests/lib/debian-root.sh for the DEBIAN_ROOT_* settings.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib/debian-root.sh
source tests/lib/debian-root.sh

say() { printf '== deb install: %s\n' "$*"; }
fails=0
bad() { printf 'FAIL: %s\n' "$*"; fails=$((fails + 1)); }
check() { # check DESCRIPTION CMD...: CMD must succeed
	local what=$1
	shift
	if "$@"; then :; else bad "$what"; fi
}

[ "$(id -u)" -eq 0 ] || { echo "deb_install.sh: needs root" >&2; exit 1; }
if [ "${RS_SKIP_INSTALL:-0}" != 1 ]; then
	# dpkg-dev: dpkg-shlibdeps and dpkg-buildflags for cpack; lintian.
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		-o DPkg::Lock::Timeout=600 dpkg-dev lintian file >/dev/null
fi
DEB=${1:-}
if [ -z "$DEB" ]; then
	say "building the package"
	DEB=$(packaging/build-deb.sh build-ci-deb)
fi
DEB=$(realpath "$DEB")
say "$(basename "$DEB")"

# -- Contents ---------------------------------------------------------------
contents=$(dpkg-deb -c "$DEB" | awk '{ print $NF }' | sed 's|^\./|/|')
for f in /usr/bin/ratos-setup /usr/share/man/man1/ratos-setup.1.gz \
	/usr/share/ratos-setup/boards/drivers.yaml /usr/share/ratos-setup/boards/btt-octopus-pro-429.yaml \
	/lib/systemd/system/ratos-setup-first-boot.service /etc/profile.d/ratos-setup.sh \
	/etc/ratos-setup/after-update.conf /usr/lib/systemd/system/ratos-setup-autoflash@.service \
	/usr/share/doc/ratos-setup/copyright /usr/share/doc/ratos-setup/changelog.gz; do
	grep -qx "$f" <<<"$contents" || bad "not in the package: $f"
done
want=$(find boards -maxdepth 1 -name '*.yaml' ! -name drivers.yaml | wc -l)
got=$(grep -c '^/usr/share/ratos-setup/boards/.*\.yaml$' <<<"$contents" || true)
got=$((got - 1)) # drivers.yaml
[ "$got" -eq "$want" ] || bad "the package has $got board files, boards/ has $want"
control=$(dpkg-deb -f "$DEB" Depends Recommends)
for dep in mtools dosfstools libyaml-0-2 libncursesw6 libudev1 libc6; do
	grep -q "\b$dep\b" <<<"$control" || bad "Depends lacks $dep"
done
grep -q "Recommends:.*gcc-arm-none-eabi" <<<"$control" || bad "Recommends lacks gcc-arm-none-eabi"

if command -v lintian >/dev/null; then
	say "lintian"
	tags=$(lintian --pedantic -I "$DEB" 2>/dev/null || true)
	if [ -n "$tags" ]; then printf '%s\n' "$tags"; fi
	grep -qE '^[EW]: ' <<<"$tags" && bad "lintian errors or warnings"
else
	say "lintian is not installed: skipped"
fi

# -- A fresh Debian 12 ------------------------------------------------------
start=$SECONDS
debian_root_new
R=$DEBIAN_ROOT
debian_root_mount "$R"
cp "$DEB" "$R/tmp/"
deb_in=/tmp/$(basename "$DEB")
say "fresh root ready in $((SECONDS - start)) s"
run() { debian_root_run "$R" "$@"; }
apt_get() { run env DEBIAN_FRONTEND=noninteractive apt-get -y -o DPkg::Lock::Timeout=600 "$@"; }
apt_get update >/dev/null
# man-db as a user of a fresh Pi would have it (Raspberry Pi OS does); then
# the state of the root before the package, to compare after the purge.
apt_get install --no-install-recommends man-db >/dev/null
# Every file outside the package manager's own state, caches and logs.
snapshot() {
	(cd "$R" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./run \
		-o -path ./tmp -o -path ./var/lib/dpkg -o -path ./var/lib/apt -o -path ./var/cache \
		-o -path ./var/log -o -path ./var/lib/systemd/deb-systemd-helper-enabled \
		-o -path ./var/lib/systemd/deb-systemd-helper-masked \) -prune -o -print) |
		grep -vx './etc/ld.so.cache' | sort
}
# (deb-systemd-helper's own state directories are checked below by name.)
snapshot >"$R/tmp/before"
run dpkg-query -W -f '${Package}\n' | sort >"$R/tmp/packages-before"

say "apt-get install ./$(basename "$DEB")"
apt_get install --no-install-recommends "$deb_in" >"$R/tmp/install.log" 2>&1 ||
	{ cat "$R/tmp/install.log"; bad "apt-get install failed"; }

out=$(run ratos-setup boards 2>&1) || bad "ratos-setup boards failed: $out"
lines=$(wc -l <<<"$out")
[ "$lines" -eq "$want" ] || bad "ratos-setup boards lists $lines boards, want $want"
grep -q '^btt-octopus-pro-429 ' <<<"$out" || bad "ratos-setup boards: no btt-octopus-pro-429"
check "ratos-setup on PATH is /usr/bin's" test "$(run sh -c 'command -v ratos-setup')" = /usr/bin/ratos-setup
out=$(run ratos-setup config btt-octopus-pro-429) || bad "ratos-setup config failed"
grep -qx 'CONFIG_MACH_STM32F429=y' <<<"$out" || bad "config: no CONFIG_MACH_STM32F429=y"
out=$(run ratos-setup validate 2>&1) || bad "ratos-setup validate of the installed boards: $out"
page=$(run env MANWIDTH=80 man -P cat ratos-setup 2>&1) || bad "man ratos-setup failed: $page"
grep -q 'EXIT STATUS' <<<"$page" || bad "man ratos-setup: no EXIT STATUS section"
check "marker directory is sticky and shared" test "$(stat -c %a "$R/var/lib/ratos-setup")" = 1777
# The after-update settings: root's, off, and the command agrees.
check "after-update.conf is root's, 644" test "$(stat -c %U:%a "$R/etc/ratos-setup/after-update.conf")" = root:644
out=$(run ratos-setup flash --all --after-update 2>&1) || bad "flash --all --after-update, off: $out"
grep -q 'auto_flash_usb is off in /etc/ratos-setup/after-update.conf' <<<"$out" ||
	bad "flash --all --after-update did not read the shipped settings: $out"
if [ -x "$R/usr/bin/deb-systemd-helper" ]; then
	check "the first-boot unit is enabled" test -L \
		"$R/etc/systemd/system/multi-user.target.wants/ratos-setup-first-boot.service"
else
	say "no deb-systemd-helper in the root: enabling the unit not checked"
fi
# No terminal: --first-boot does nothing and says nothing.
out=$(run ratos-setup --first-boot </dev/null 2>&1) || bad "--first-boot without a terminal failed"
[ -z "$out" ] || bad "--first-boot without a terminal printed: $out"
run dpkg -L ratos-setup >"$R/tmp/files"

say "apt-get purge"
apt_get purge ratos-setup >/dev/null
# What apt installed for it (mtools, dosfstools, libyaml, ...) goes too.
run dpkg-query -W -f '${Package}\n' | sort | comm -13 "$R/tmp/packages-before" - >"$R/tmp/pulled"
if [ -s "$R/tmp/pulled" ]; then
	# shellcheck disable=SC2046 # package names
	apt_get purge $(cat "$R/tmp/pulled") >/dev/null
fi
while read -r f; do
	[ "$f" = / ] || [ "$f" = /. ] && continue
	if [ -e "$R$f" ] && [ ! -d "$R$f" ]; then bad "left after purge: $f"; fi
done <"$R/tmp/files"
for f in /var/lib/ratos-setup /etc/systemd/system/multi-user.target.wants/ratos-setup-first-boot.service \
	/var/lib/systemd/deb-systemd-helper-enabled/ratos-setup-first-boot.service.dsh-also \
	/var/lib/systemd/deb-systemd-helper-masked/ratos-setup-first-boot.service; do
	[ -e "$R$f" ] || [ -L "$R$f" ] && bad "left after purge: $f"
done
# The user's own files (here root's: the commands above ran as root) stay.
snapshot | grep -vxE '\./root/(\.cache|\.local|\.local/state)(/ratos-setup(/.*)?)?' >"$R/tmp/after"
if ! diff "$R/tmp/before" "$R/tmp/after" >"$R/tmp/diff"; then
	bad "the root differs from before the install:"
	sed 's/^/  /' "$R/tmp/diff" | head -40
fi
say "install, checks and purge in $((SECONDS - start)) s"

if [ "$fails" -eq 0 ]; then say "passed"; else say "$fails failures"; fi
[ "$fails" -eq 0 ]
