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
	libcmocka-dev libvterm-dev umockdev libumockdev-dev
	dosfstools mtools fdisk tmux python3 git passwd
)
if [ "${RS_SKIP_INSTALL:-0}" != 1 ]; then
	$SUDO apt-get update
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${PACKAGES[@]}"
fi

JOBS=$(nproc)
FUZZ_SECONDS=${RS_FUZZ_SECONDS:-20}

echo "== gcc -O3, -Werror"
cmake -S . -B build-ci-gcc -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Release
cmake --build build-ci-gcc -j"$JOBS"
ctest --test-dir build-ci-gcc --output-on-failure --no-tests=error -j"$JOBS"

echo "== clang, -Werror, ASan+UBSan"
cmake -S . -B build-ci-asan -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DRS_SANITIZE=ON
cmake --build build-ci-asan -j"$JOBS"
ctest --test-dir build-ci-asan --output-on-failure --no-tests=error -j"$JOBS"

echo "== libFuzzer: board loader ${FUZZ_SECONDS}s, firmware dictionary ${FUZZ_SECONDS}s"
cmake -S . -B build-ci-fuzz -DCMAKE_C_COMPILER=clang -DRS_FUZZ=ON
cmake --build build-ci-fuzz -j"$JOBS"
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
mkdir "$corpus/loader" "$corpus/fwinfo" "$corpus/klog"
build-ci-fuzz/tests/fuzz/fuzz_loader -max_total_time="$FUZZ_SECONDS" -max_len=16384 \
	-print_final_stats=1 "$corpus/loader" boards tests/data/boards 2>&1 | tail -n 4
build-ci-fuzz/tests/fuzz/fuzz_fwinfo -max_total_time="$FUZZ_SECONDS" -max_len=65536 \
	-print_final_stats=1 "$corpus/fwinfo" 2>&1 | tail -n 4
build-ci-fuzz/tests/fuzz/fuzz_klippy_log -max_total_time="$FUZZ_SECONDS" -max_len=65536 \
	-print_final_stats=1 "$corpus/klog" tests/update/data/logs 2>&1 | tail -n 4
echo "fuzz: no crash"
