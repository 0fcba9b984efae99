#!/bin/bash
# Builds the Debian package: a Release build with Debian's hardening flags
# (dpkg-buildflags, hardening=+all), installed under /usr, then cpack -G DEB.
# For a cross build pass the toolchain file and set DEB_HOST_ARCH (arm64,
# armhf) so the flags are those of the target.
# usage: packaging/build-deb.sh BUILD_DIR [CMAKE_ARG...]   prints the .deb's path
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$1
shift
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
# -fno-ident: no .comment section in the stripped binary.
cflags="$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS) -fno-ident"
ldflags=$(dpkg-buildflags --get LDFLAGS)
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr -DRS_TESTS=OFF \
	-DCMAKE_C_FLAGS="$cflags" -DCMAKE_EXE_LINKER_FLAGS="$ldflags" "$@" >&2
cmake --build "$build" -j"$(nproc)" >&2
rm -f "$build"/ratos-setup_*.deb
(cd "$build" && cpack -G DEB >&2)
ls "$build"/ratos-setup_*.deb
