#!/bin/bash
# The Raspberry Pi's 64-bit build: cross-compile with Debian's
# gcc-aarch64-linux-gnu against the arm64 -dev packages (multiarch), run the
# unit tests under qemu-user, compare the arm64 binary's CLI output with this
# machine's build, and make the arm64 .deb (checked with dpkg-deb and lintian).
# usage: tests/cross/arm64.sh [NATIVE_BUILD_DIR]   (default build-ci-gcc)
# Installs what it needs (as root, or with sudo) unless RS_SKIP_INSTALL=1.
set -euo pipefail
cd "$(dirname "$0")/../.."
NATIVE=${1:-build-ci-gcc}
BUILD=build-ci-arm64
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
say() { printf '== arm64: %s\n' "$*"; }
start=$SECONDS

if [ "${RS_SKIP_INSTALL:-0}" != 1 ]; then
	# Multiarch: the arm64 libraries sit beside the native ones. --no-remove:
	# should an arm64 -dev package ever need the native one replaced (the two
	# architectures out of step on the mirror), stop rather than break the
	# native build.
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		$SUDO dpkg --add-architecture arm64
		$SUDO apt-get update
	fi
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends --no-remove \
		-o DPkg::Lock::Timeout=600 \
		gcc-aarch64-linux-gnu libc6-dev:arm64 libncurses-dev:arm64 libyaml-dev:arm64 \
		libudev-dev:arm64 zlib1g-dev:arm64 libcmocka-dev:arm64 libvterm-dev:arm64 \
		libqrencode-dev:arm64 qemu-user file
	say "packages ready after $((SECONDS - start)) s"
fi

QEMU=(qemu-aarch64 -L /usr/aarch64-linux-gnu)
TOOLCHAIN=(-DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/aarch64-linux-gnu.cmake")

# The unit tests: every test whose program is one of ours runs through the
# toolchain file's emulator. Tests that drive the binary from a script or a
# pty (terminal, umockdev, FAT images) exercise the same C code natively.
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release "${TOOLCHAIN[@]}" >/dev/null
cmake --build "$BUILD" -j"$(nproc)"
file "$BUILD/ratos-setup" | grep -q 'ARM aarch64' || { echo "not an arm64 binary" >&2; exit 1; }
say "built after $((SECONDS - start)) s"
UNIT='^(unit_|instance_unit_|tui_unit_|sdcard_core$|sdcard_platform$|build_unit_|udev_test_|fuzz_regressions_)'
# Children that fork() spin forever under this qemu-user (7.2): the tests
# built on fork (the process runner, the compiler cache's child environment,
# the lock between processes, mtools runs) run natively.
FORKS='^(build_unit_proc|build_unit_ccache|instance_unit_instance_lock|sdcard_platform)$'
ctest --test-dir "$BUILD" -R "$UNIT" -E "$FORKS" --output-on-failure --no-tests=error -j"$(nproc)" \
	--timeout 300
say "unit tests under qemu passed after $((SECONDS - start)) s"

# CLI smoke test: the arm64 binary under qemu answers exactly as the native one.
[ -x "$NATIVE/ratos-setup" ] || cmake --build "$NATIVE" -j"$(nproc)" --target ratos-setup
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp/home XDG_STATE_HOME=$tmp/state XDG_CACHE_HOME=$tmp/cache
mkdir -p "$HOME"
smoke() { # smoke ARGS...: same stdout and exit code from both
	local n=0 a=0
	"$NATIVE/ratos-setup" --boards-dir boards "$@" >"$tmp/native" 2>&1 || n=$?
	"${QEMU[@]}" "$BUILD/ratos-setup" --boards-dir boards "$@" >"$tmp/arm64" 2>&1 || a=$?
	if [ "$n" -ne "$a" ] || ! cmp -s "$tmp/native" "$tmp/arm64"; then
		echo "FAIL: ratos-setup $* differs on arm64 (exit $a, native $n):"
		diff "$tmp/native" "$tmp/arm64" | head -20
		return 1
	fi
}
smoke --version
smoke --help
smoke boards
smoke boards --json
smoke board btt-octopus-pro-429
smoke board btt-octopus-pro-h723 --qr --ascii # libqrencode on both
smoke config btt-skr-3
smoke validate
smoke board btt-octopus-pro-492 # unknown: exit 2 with suggestions
printf 'id: broken\nname: [\n' >"$tmp/broken.yaml"
smoke validate "$tmp/broken.yaml"
# A firmware image's dictionary, and the lock: a second writer is refused.
"${QEMU[@]}" "$BUILD/ratos-setup" --boards-dir boards sdcard check --board btt-octopus-pro-429 \
	--device "$tmp/none.img" >/dev/null 2>&1 && { echo "FAIL: sdcard check of no card passed"; exit 1; }
say "CLI smoke test passed after $((SECONDS - start)) s"

# The package.
DEB=$(DEB_HOST_ARCH=arm64 packaging/build-deb.sh "$BUILD-deb" "${TOOLCHAIN[@]}")
dpkg-deb -f "$DEB" Architecture | grep -qx arm64 || { echo "FAIL: $DEB is not arm64" >&2; exit 1; }
dpkg-deb -f "$DEB" Depends
dpkg-deb -f "$DEB" Depends | grep -q 'libyaml-0-2' || { echo "FAIL: no shlibs Depends" >&2; exit 1; }
if command -v lintian >/dev/null; then
	tags=$(lintian --pedantic -I "$DEB" 2>/dev/null || true)
	[ -z "$tags" ] || printf '%s\n' "$tags"
	if grep -qE '^[EW]: ' <<<"$tags"; then echo "FAIL: lintian" >&2; exit 1; fi
fi
say "$(basename "$DEB") after $((SECONDS - start)) s"
