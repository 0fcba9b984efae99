#!/bin/sh
# klipper.uf2 onto an RP2040's RPI-RP2 boot drive: real FAT images (mkfs.fat,
# read back with mtools, checked with fsck.fat), and under umockdev the real
# device path, where only the RP2040's own drive is written: an SD card in a
# reader is refused even when its label says RPI-RP2.
TOOL=$1 SRC=$2
UDEV="$SRC/../udev/data"
set -u
export MTOOLS_SKIP_CHECK=1
for tool in mkfs.fat mcopy mtype fsck.fat; do
	command -v "$tool" >/dev/null 2>&1 || PATH="$PATH:/sbin:/usr/sbin"
	command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool not installed" >&2; exit 77; }
done
T=$(mktemp -d /tmp/rs-uf2test-XXXXXX)
trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
. "$SRC/../lib/checks.sh"

# The ROM's drive is FAT16, 128 MiB; a smaller FAT16 volume is the same to us.
rp2() { rm -f "$1"; mkfs.fat -F 16 -n "$2" -C "$1" 32768 >/dev/null || bad "mkfs $1"; }
same() { mtype -i "$1" ::/KLIPPER.UF2 | cmp -s - "$2"; }

"$TOOL" make "$T/klipper.uf2" 300 || bad "make uf2"
"$TOOL" make "$T/other.uf2" 4 ada52840 || bad "make uf2"
head -c 1000 "$T/klipper.uf2" >"$T/short.uf2"
printf 'not a uf2 file at all' >"$T/text.uf2"

rp2 "$T/rp2.img" RPI-RP2
run "copy to RPI-RP2 image" 0 "$TOOL" copy "$T/rp2.img" "$T/klipper.uf2"
has "copied" "$T/out" "ok"
check "KLIPPER.UF2 on the drive equals klipper.uf2" same "$T/rp2.img" "$T/klipper.uf2"
check "fsck.fat after the copy" fsck.fat -n "$T/rp2.img"
run "copy again replaces it" 0 "$TOOL" copy "$T/rp2.img" "$T/klipper.uf2"
check "still the same file" same "$T/rp2.img" "$T/klipper.uf2"

for bad_file in short text other; do
	rp2 "$T/b.img" RPI-RP2
	cp "$T/b.img" "$T/b.orig"
	run "$bad_file.uf2 refused" 1 "$TOOL" copy "$T/b.img" "$T/$bad_file.uf2"
	has "$bad_file.uf2: bad-firmware" "$T/out" "bad-firmware"
	check "$bad_file.uf2: the drive is unchanged" cmp -s "$T/b.img" "$T/b.orig"
done
has "another family named" "$T/err" "another chip family"

rp2 "$T/card.img" RATOS
cp "$T/card.img" "$T/card.orig"
run "a FAT volume labelled RATOS is refused" 1 "$TOOL" copy "$T/card.img" "$T/klipper.uf2"
has "says why" "$T/err" 'labelled "RATOS"'
check "the RATOS volume is unchanged" cmp -s "$T/card.img" "$T/card.orig"

rp2 "$T/ro.img" RPI-RP2
chmod a-w "$T/ro.img"
if [ "$(id -u)" -ne 0 ]; then
	run "a read-only drive is refused" 1 "$TOOL" copy "$T/ro.img" "$T/klipper.uf2"
	has "read-only named" "$T/out" "read-only"
fi
run "a missing uf2 is refused" 1 "$TOOL" copy "$T/rp2.img" "$T/missing.uf2"
has "says to build" "$T/err" "ratos-setup build"

if command -v umockdev-run >/dev/null 2>&1; then
	# One umockdev session: image $1 behind node $2 of tree $3, copied back.
	under() {
		img=$1 node=$2 dev=$3; shift 3
		umockdev-run -d "$dev" -- sh -c '
			img=$1 node=$2; shift 2
			cp "$img" "$UMOCKDEV_DIR/dev/$node" || exit 99
			"$@"; rc=$?
			cp "$UMOCKDEV_DIR/dev/$node" "$img" || exit 99
			exit $rc' sh "$img" "$node" "$@"
	}
	rp2 "$T/dev.img" RPI-RP2
	run "the RP2040's /dev/sdb1 is written" 0 under "$T/dev.img" sdb1 "$UDEV/rp2040-boot.umockdev" \
		"$TOOL" copy /dev/sdb1 "$T/klipper.uf2" "$UDEV/mountinfo-desk"
	check "KLIPPER.UF2 on the emulated drive" same "$T/dev.img" "$T/klipper.uf2"
	# A card in a USB reader labelled RPI-RP2 is still a card: refused.
	rp2 "$T/sd.img" RPI-RP2
	cp "$T/sd.img" "$T/sd.orig"
	run "an SD card labelled RPI-RP2 is refused" 1 under "$T/sd.img" sdf1 \
		"$SRC/../sdcard/sdreader-64m.umockdev" "$TOOL" copy /dev/sdf1 "$T/klipper.uf2" \
		"$UDEV/mountinfo-desk"
	has "not an RP2040 in boot mode" "$T/err" "not an RP2040 in boot mode"
	check "the SD card is unchanged" cmp -s "$T/sd.img" "$T/sd.orig"
else
	echo "umockdev-run not installed: the device-node checks are skipped"
fi
finish uf2_copy
