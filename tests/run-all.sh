#!/bin/bash
# Installs what the build and the tests need (Debian packages), then builds
# and runs the whole suite three ways: gcc with -Werror, clang with
# ASan+UBSan, and a short libFuzzer run of the board loader.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
PACKAGES=(
	build-essential cmake pkg-config clang libclang-rt-14-dev
	libyaml-dev libncurses-dev libudev-dev zlib1g-dev
	libcmocka-dev libvterm-dev umockdev libumockdev-dev libqrencode-dev zbar-tools
	dosfstools mtools fdisk tmux python3 git passwd
	man-db ccache
)
if [ "${RS_SKIP_INSTALL:-0}" != 1 ]; then
	$SUDO apt-get update
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${PACKAGES[@]}"
fi

JOBS=$(nproc)
FUZZ_SECONDS=${RS_FUZZ_SECONDS:-20}
# RS_STAGES picks stages (CI runs the ASan one as root here and all three on a
# fresh Debian root, see .ci/run); a user runs them all.
STAGES=" ${RS_STAGES:-gcc asan fuzz} "
stage() { [[ $STAGES == *" $1 "* ]]; }

if stage gcc; then
	echo "== gcc -O3, -Werror"
	cmake -S . -B build-ci-gcc -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Release
	cmake --build build-ci-gcc -j"$JOBS"
	ctest --test-dir build-ci-gcc --output-on-failure --no-tests=error -j"$JOBS"
fi

if stage asan; then
	echo "== clang, -Werror, ASan+UBSan"
	cmake -S . -B build-ci-asan -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DRS_SANITIZE=ON
	cmake --build build-ci-asan -j"$JOBS"
	ctest --test-dir build-ci-asan --output-on-failure --no-tests=error -j"$JOBS"
fi

stage fuzz || exit 0

echo "== libFuzzer: board loader, firmware dictionary, klippy.log/printer.cfg readers, ${FUZZ_SECONDS}s each"
cmake -S . -B build-ci-fuzz -DCMAKE_C_COMPILER=clang -DRS_FUZZ=ON
cmake --build build-ci-fuzz -j"$JOBS"
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
# fuzz TARGET MAX_LEN [SEED_DIR...]: new inputs go to a scratch corpus; a crash
# is kept in build-ci-fuzz/artifacts/TARGET/, never in the source tree. The
# regression inputs (tests/fuzz/regressions/TARGET) are seeds too.
fuzz() {
	local target=$1 max_len=$2
	shift 2
	local artifacts=build-ci-fuzz/artifacts/$target/ log=build-ci-fuzz/$target.log
	mkdir -p "$corpus/$target" "$artifacts"
	if ! "build-ci-fuzz/tests/fuzz/$target" -max_total_time="$FUZZ_SECONDS" -max_len="$max_len" \
		-artifact_prefix="$artifacts" -print_final_stats=1 \
		"$corpus/$target" "tests/fuzz/regressions/$target" "$@" >"$log" 2>&1; then
		tail -n 60 "$log"
		echo "fuzz: $target failed; the input is in $artifacts. Once fixed, keep it in" \
			"tests/fuzz/regressions/$target/ under a name that says what it broke."
		return 1
	fi
	tail -n 4 "$log"
}
fuzz fuzz_loader 16384 boards tests/data/boards
fuzz fuzz_fwinfo 65536
fuzz fuzz_klippy_log 65536 tests/update/data/logs
echo "fuzz: no crash"
