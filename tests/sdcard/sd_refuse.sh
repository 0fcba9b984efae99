#!/bin/sh
# The disks a card command must never touch, named with --device on an
# emulated udev tree (umockdev): a card reader whose partition sits under an
# LVM-like holder that holds "/", a reader whose partition is the source of a
# btrfs "/", and a fixed SATA disk. Each is refused by write, check and
# format alike, and nothing on it changes. The same reader with a plain
# system is written, so the refusals are not the reader's fault.
BIN=$1 MKFW=$2 SRC=$3
. "$SRC/lib.sh"
command -v umockdev-run >/dev/null || { echo "SKIP: umockdev-run not installed" >&2; exit 77; }
SYS="$SRC/data/system"

# run DEVICEFILE IMAGE NODE MOUNTINFO ARGS...: ratos-setup with IMAGE behind
# the emulated NODE, the image copied back afterwards.
run() {
	dev=$1 img=$2 node=$3 mi=$4; shift 4
	umockdev-run -d "$dev" -- sh -c '
		img=$1 node=$2; shift 2
		cp "$img" "$UMOCKDEV_DIR/dev/$node" || exit 99
		"$@"; rc=$?
		cp "$UMOCKDEV_DIR/dev/$node" "$img" || exit 99
		exit $rc' sh "$img" "$node" "$BIN" --boards-dir "$BOARDS" "$@" --mountinfo "$mi"
}

# refused DEVICEFILE IMAGE NODE MOUNTINFO WORDS: write, check and format all
# refuse, with WORDS in the message, and the image stays byte for byte.
refused() {
	dev=$1 img=$2 node=$3 mi=$4 words=$5
	cp "$img" "$T/before.img"
	expect 1 run "$dev" "$img" "$node" "$mi" sdcard write --board $B429 --device "/dev/$node" \
		--file "$T/fw429.bin" --yes
	grep_err "$words"
	expect 1 run "$dev" "$img" "$node" "$mi" sdcard check --board $B429 --device "/dev/$node"
	grep_err "$words"
	expect 1 run "$dev" "$img" "$node" "$mi" sdcard format --device "/dev/$node" \
		--confirm "/dev/$node"
	grep_err "$words"
	cmp -s "$img" "$T/before.img" || fail "/dev/$node changed although refused"
}

fat32 "$T/p1.img"
mcopy -i "$T/p1.img" "$T/fw446.bin" ::/FIRMWARE.CUR || fail mcopy

# The control: the reader on a system whose root is elsewhere is written.
cp "$T/p1.img" "$T/ok.img"
expect 0 run "$SYS/reader-under-lvm.umockdev" "$T/ok.img" sdf1 "$SYS/mountinfo-plain" \
	sdcard write --board $B429 --device /dev/sdf1 --file "$T/fw429.bin" --yes
same_on_card "$T/ok.img" firmware.bin "$T/fw429.bin"

# "/" on dm-0 (253:0), which holds sdf1: the card reader is the system disk.
refused "$SYS/reader-under-lvm.umockdev" "$T/p1.img" sdf1 "$SYS/mountinfo-lvm" "system runs from"
refused "$SYS/reader-under-lvm.umockdev" "$T/p1.img" sdf "$SYS/mountinfo-lvm" "system runs from"

# btrfs "/": an anonymous 0:31 in the mount table, /dev/sdf1 only as source.
refused "$SRC/sdreader-64m.umockdev" "$T/p1.img" sdf1 "$SYS/mountinfo-btrfs" "system runs from"
refused "$SRC/sdreader-64m.umockdev" "$T/p1.img" sdf "$SYS/mountinfo-btrfs" "system runs from"

# ZFS: the reader's partition is a vdev of the pool "/" comes from; the vdev
# names its pool only in its label.
sed 's/^E: ID_FS_TYPE=vfat$/E: ID_FS_TYPE=zfs_member/; s/^E: ID_FS_LABEL=RATOS$/E: ID_FS_LABEL=rpool/' \
	"$SRC/sdreader-64m.umockdev" >"$T/reader-zfs.umockdev"
printf '22 1 0:27 / / rw - zfs rpool/ROOT/debian rw,xattr\n' >"$T/mountinfo-zfs"
refused "$T/reader-zfs.umockdev" "$T/p1.img" sdf1 "$T/mountinfo-zfs" "system runs from"

# A two-device btrfs "/": the mount names the fixed disk's sdg1 only; sysfs
# lists the reader's sdf1 as its other member.
{ cat "$SRC/sdreader-64m.umockdev"; echo; cat "$SYS/fixed-disk.umockdev"; } >"$T/two.umockdev"
printf '22 1 0:33 / / rw - btrfs /dev/sdg1 rw\n' >"$T/mountinfo-btrfs2"
cp "$T/p1.img" "$T/before.img"
expect 1 umockdev-run -d "$T/two.umockdev" -- sh -c '
	mkdir -p "$UMOCKDEV_DIR/sys/fs/btrfs/5c3a/devices" &&
	ln -s ../../../../class/block/sdf1 "$UMOCKDEV_DIR/sys/fs/btrfs/5c3a/devices/sdf1" &&
	ln -s ../../../../class/block/sdg1 "$UMOCKDEV_DIR/sys/fs/btrfs/5c3a/devices/sdg1" &&
	cp "$1" "$UMOCKDEV_DIR/dev/sdf1" && shift && exec "$@"' sh "$T/p1.img" \
	"$BIN" --boards-dir "$BOARDS" sdcard write --board $B429 --device /dev/sdf1 \
	--file "$T/fw429.bin" --yes --mountinfo "$T/mountinfo-btrfs2"
grep_err "system runs from"

# A fixed SATA disk, not in a card reader.
refused "$SYS/fixed-disk.umockdev" "$T/p1.img" sdg1 "$SYS/mountinfo-plain" "not an SD card in a card reader"
refused "$SYS/fixed-disk.umockdev" "$T/p1.img" sdg "$SYS/mountinfo-plain" "fixed disk"
echo "sd_refuse: all passed"
