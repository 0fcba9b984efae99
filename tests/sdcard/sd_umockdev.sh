#!/bin/sh
# The write path on an emulated USB card reader (umockdev): /dev/sdf1 and
# /dev/sdf are block nodes backed by FAT images, with sysfs attributes (size,
# partition, ro) as the kernel shows them.
BIN=$1 MKFW=$2 SRC=$3
. "$SRC/lib.sh"
command -v umockdev-run >/dev/null || { echo "SKIP: umockdev-run not installed" >&2; exit 77; }
# sdreader-64m.umockdev: disk sdf (131072 sectors), FAT32 partition sdf1 at
# sector 2048 (129024 sectors), ro=0. It is sdf (8:80), not sda: the system-disk
# check compares major:minor with the host's root, which on many CI machines is 8:1.
DEV="$SRC/sdreader-64m.umockdev"
sed 's/^A: ro=0/A: ro=1/' "$DEV" >"$T/sdreader-ro.umockdev"

# One umockdev session: put image $1 at node $2, run the rest, copy the node
# back to $1. Exit code of the command is kept.
under() {
	img=$1 node=$2 dev=$3; shift 3
	umockdev-run -d "$dev" -- sh -c '
		img=$1 node=$2; shift 2
		cp "$img" "$UMOCKDEV_DIR/dev/$node" || exit 99
		"$@"; rc=$?
		cp "$UMOCKDEV_DIR/dev/$node" "$img" || exit 99
		exit $rc' sh "$img" "$node" "$@"
}

# The partition node: written, read back, check says not yet flashed.
fat32 "$T/p1.img"
expect 0 under "$T/p1.img" sdf1 "$DEV" "$BIN" --boards-dir "$BOARDS" sdcard write \
	--board $B429 --device /dev/sdf1 --file "$T/fw429.bin" --yes
grep_out "Writing firmware.bin to /dev/sdf1 (66.1 MB FAT32 \"RATOS\")"
[ "$(listing "$T/p1.img")" = "firmware.bin " ] || fail "sdf1 holds: $(listing "$T/p1.img")"
same_on_card "$T/p1.img" firmware.bin "$T/fw429.bin"
fsck_ok "$T/p1.img"
expect 1 under "$T/p1.img" sdf1 "$DEV" "$BIN" --boards-dir "$BOARDS" sdcard check \
	--board $B429 --device /dev/sdf1 --file "$T/fw429.bin"
mren -i "$T/p1.img" ::/firmware.bin ::/FIRMWARE.CUR
expect 0 under "$T/p1.img" sdf1 "$DEV" "$BIN" --boards-dir "$BOARDS" sdcard check \
	--board $B429 --device /dev/sdf1 --file "$T/fw429.bin"

# The whole-card node: its first FAT partition is used.
truncate -s 64M "$T/disk.img"
printf 'label: dos\nstart=2048, type=c\n' | sfdisk -q "$T/disk.img" || fail sfdisk
mformat -i "$T/disk.img@@1M" -F -v RATOS :: || fail mformat
expect 0 under "$T/disk.img" sdf "$DEV" "$BIN" --boards-dir "$BOARDS" sdcard write \
	--board $B429 --device /dev/sdf --file "$T/fw429.bin" --yes --json
json_ok "$T/out"
grep_out '"offset":1048576'
same_on_card "$T/disk.img@@1M" firmware.bin "$T/fw429.bin"

# Write-protect switch: the kernel reports ro=1; nothing is written.
fat32 "$T/ro.img"
cp "$T/ro.img" "$T/ro.orig"
expect 1 under "$T/ro.img" sdf1 "$T/sdreader-ro.umockdev" "$BIN" --boards-dir "$BOARDS" \
	sdcard write --board $B429 --device /dev/sdf1 --file "$T/fw429.bin" --yes
grep_err "write-protected"
cmp -s "$T/ro.img" "$T/ro.orig" || fail "write-protected card changed"

# exFAT on the emulated card: refused.
truncate -s 64M "$T/ex.img"
printf '\353\166\220EXFAT   ' | dd of="$T/ex.img" conv=notrunc 2>/dev/null
printf '\125\252' | dd of="$T/ex.img" bs=1 seek=510 conv=notrunc 2>/dev/null
expect 1 under "$T/ex.img" sdf1 "$DEV" "$BIN" --boards-dir "$BOARDS" sdcard write \
	--board $B429 --device /dev/sdf1 --file "$T/fw429.bin" --yes
grep_err "exFAT"
echo "sd_umockdev: all passed"
