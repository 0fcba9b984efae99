#!/bin/sh
# `sdcard write` and `sdcard check` without --device: the one card found in a
# reader is used (and named); none or several stop with exit 2 and ask for
# --device; the Pi's boot card is never picked; check takes a write-protected
# card, write does not.
# usage: cli_default_device.sh BIN MKFW SDCARD_TEST_DIR DATA UDEV_DATA
BIN=$1 MKFW=$2 SRC=$3 DATA=$4 UDEV=$5
. "$SRC/lib.sh"
command -v umockdev-run >/dev/null || { echo "SKIP: umockdev-run not installed" >&2; exit 77; }
READER="$DATA/reader-sdf.umockdev"
# A second reader on another port: sdg (8:96), host7, USB port 1-3.
sed -e 's/sdf/sdg/g; s/8:8\([01]\)/8:9\1/; s/MINOR=8\([01]\)/MINOR=9\1/' \
    -e 's|1-2|1-3|g; s/host6/host7/g; s/target6:0:0/target7:0:0/g; s|6:0:0:0|7:0:0:0|g' \
    "$READER" >"$T/reader-sdg.umockdev"
sed 's/^A: ro=0/A: ro=1/' "$READER" >"$T/reader-ro.umockdev"

# run DEVICE_FILES... -- ARGS: the binary under umockdev with $T/p1.img as sdf1.
run() {
	devs=""
	while [ "$1" != "--" ]; do devs="$devs -d $1"; shift; done
	shift
	# shellcheck disable=SC2086
	umockdev-run $devs -- sh -c '
		img=$1; shift
		[ -e "$UMOCKDEV_DIR/dev/sdf1" ] && { cp "$img" "$UMOCKDEV_DIR/dev/sdf1" || exit 99; }
		"$@"; rc=$?
		[ -e "$UMOCKDEV_DIR/dev/sdf1" ] && { cp "$UMOCKDEV_DIR/dev/sdf1" "$img" || exit 99; }
		exit $rc' sh "$T/p1.img" "$@"
}

# Exactly one card: used, and said which.
fat32 "$T/p1.img"
expect 0 run "$READER" -- "$BIN" --boards-dir "$BOARDS" sdcard write --board $B429 \
	--file "$T/fw429.bin" --yes
grep_err "Using /dev/sdf1, the only SD card in a card reader."
grep_out "Writing firmware.bin to /dev/sdf1"
same_on_card "$T/p1.img" firmware.bin "$T/fw429.bin"
expect 1 run "$READER" -- "$BIN" --boards-dir "$BOARDS" sdcard check --board $B429 \
	--file "$T/fw429.bin"
grep_err "Using /dev/sdf1"
grep_out "still on the card"
mren -i "$T/p1.img" ::/firmware.bin ::/FIRMWARE.CUR
expect 0 run "$READER" -- "$BIN" --boards-dir "$BOARDS" sdcard check --board $B429 \
	--file "$T/fw429.bin" --json
json_ok "$T/out"
grep_out '"flashed":true'

# No card: exit 2, nothing guessed.
expect 2 run -- "$BIN" --boards-dir "$BOARDS" sdcard write --board $B429 \
	--file "$T/fw429.bin" --yes
grep_err "no SD card found in a card reader"
grep_err "pass --device"

# Two cards: both listed, neither used.
fat32 "$T/p1.img"
cp "$T/p1.img" "$T/p1.orig"
expect 2 run "$READER" "$T/reader-sdg.umockdev" -- "$BIN" --boards-dir "$BOARDS" \
	sdcard write --board $B429 --file "$T/fw429.bin" --yes
grep_err "2 SD cards found; pass --device"
grep_err "/dev/sdf1"
grep_err "/dev/sdg1"
cmp -s "$T/p1.img" "$T/p1.orig" || fail "a card was written although two were there"

# The Pi's boot card (/ mounted from mmcblk0) next to a reader: the reader.
expect 0 run "$UDEV/pi-boot-sd.umockdev" "$READER" -- "$BIN" --boards-dir "$BOARDS" \
	sdcard write --board $B429 --file "$T/fw429.bin" --yes --mountinfo "$UDEV/mountinfo-pi"
grep_err "Using /dev/sdf1"
# ... and alone: nothing.
expect 2 run "$UDEV/pi-boot-sd.umockdev" -- "$BIN" --boards-dir "$BOARDS" \
	sdcard write --board $B429 --file "$T/fw429.bin" --yes --mountinfo "$UDEV/mountinfo-pi"
grep_err "no SD card found"

# Write-protected: write says so and stops; check reads it.
expect 2 run "$T/reader-ro.umockdev" -- "$BIN" --boards-dir "$BOARDS" sdcard write \
	--board $B429 --file "$T/fw429.bin" --yes
grep_err "Write-protected"
grep_err "/dev/sdf1"
expect 1 run "$T/reader-ro.umockdev" -- "$BIN" --boards-dir "$BOARDS" sdcard check \
	--board $B429 --file "$T/fw429.bin"
grep_err "Using /dev/sdf1"
echo "cli_default_device: all passed"
