#!/bin/sh
# The SD-card commands on real FAT images: FAT32, FAT16, a partitioned card,
# unformatted, exFAT; results checked with mtools and fsck.fat.
BIN=$1 MKFW=$2 SRC=$3
. "$SRC/lib.sh"

# Clean FAT32: exactly firmware.bin, equal to the firmware, filesystem clean.
fat32 "$T/c.img"
expect 0 rs sdcard write --board $B429 --device "$T/c.img" --file "$T/fw429.bin" --yes
[ "$(listing "$T/c.img")" = "firmware.bin " ] || fail "clean card holds: $(listing "$T/c.img")"
same_on_card "$T/c.img" firmware.bin "$T/fw429.bin"
fsck_ok "$T/c.img"
grep_out "Unplug the USB cable"
grep_out "ratos-setup sdcard check --board $B429"

# The check cycle: still there = not flashed (1); renamed = flashed (0).
expect 1 rs sdcard check --board $B429 --device "$T/c.img" --file "$T/fw429.bin"
grep_out "did not take it"
grep_out "powered off and on"
mren -i "$T/c.img" ::/firmware.bin ::/FIRMWARE.CUR || fail mren
expect 0 rs sdcard check --board $B429 --device "$T/c.img" --file "$T/fw429.bin" --json
json_ok "$T/out"
grep_out '"state":"flashed"'
grep_out '"compared":true'
# Renamed, but a different firmware than the one given: not proven (1).
expect 1 rs sdcard check --board $B429 --device "$T/c.img" --file "$T/fw429b.bin"
grep_out "not the one expected"

# Writing again removes the stale names and old copies, and nothing else.
mcopy -i "$T/c.img" "$T/fw446.bin" ::/OLD.BIN || fail mcopy
mcopy -i "$T/c.img" "$T/fw446.bin" ::/firmware-old.bin || fail mcopy
mcopy -i "$T/c.img" "$T/fw446.bin" "::/Firmware (1).BIN" || fail mcopy
echo notes >"$T/notes.txt"
mcopy -i "$T/c.img" "$T/notes.txt" ::/notes.txt || fail mcopy
mmd -i "$T/c.img" ::/keep && mcopy -i "$T/c.img" "$T/fw446.bin" ::/keep/firmware.bin || fail mmd
expect 0 rs sdcard write --board $B429 --device "$T/c.img" --file "$T/fw429b.bin" --yes --json
json_ok "$T/out"
grep_out '"verified":true'
grep -qi '"removed":\["firmware.cur","OLD.BIN","firmware-old.bin","Firmware (1).BIN"\]' "$T/out" || fail "removed list"
[ "$(listing "$T/c.img")" = "firmware.bin keep/ notes.txt " ] || fail "after rewrite: $(listing "$T/c.img")"
same_on_card "$T/c.img" firmware.bin "$T/fw429b.bin"
same_on_card "$T/c.img" keep/firmware.bin "$T/fw446.bin"
same_on_card "$T/c.img" notes.txt "$T/notes.txt"
fsck_ok "$T/c.img"

# A board whose bootloader renames to OLD.BIN.
expect 1 rs sdcard check --board fysetc-spider-sd --device "$T/c.img" --file "$T/fw429b.bin"
mren -i "$T/c.img" ::/firmware.bin ::/OLD.BIN || fail mren
expect 0 rs sdcard check --board fysetc-spider-sd --device "$T/c.img" --file "$T/fw429b.bin"
# Neither name on the card.
mdel -i "$T/c.img" ::/OLD.BIN || fail mdel
expect 1 rs sdcard check --board $B429 --device "$T/c.img"
grep_out "neither"

# FAT16.
rm -f "$T/f16.img"; truncate -s 64M "$T/f16.img"; mkfs.fat -F 16 -n CARD16 "$T/f16.img" >/dev/null
expect 0 rs sdcard write --board $B429 --device "$T/f16.img" --file "$T/fw429.bin" --yes
grep_out 'FAT16 "CARD16"'
same_on_card "$T/f16.img" firmware.bin "$T/fw429.bin"
fsck_ok "$T/f16.img"

# A partitioned card image: the first partition at 1 MiB.
truncate -s 64M "$T/sd.img"
printf 'label: dos\nstart=2048, type=c, bootable\n' | sfdisk -q "$T/sd.img" || fail sfdisk
mformat -i "$T/sd.img@@1M" -F -v RATOS :: || fail mformat
expect 0 rs sdcard write --board $B429 --device "$T/sd.img" --file "$T/fw429.bin" --yes --json
grep_out '"offset":1048576'
[ "$(listing "$T/sd.img@@1M")" = "firmware.bin " ] || fail "partitioned: $(listing "$T/sd.img@@1M")"
same_on_card "$T/sd.img@@1M" firmware.bin "$T/fw429.bin"
dd if="$T/sd.img" of="$T/p1.img" bs=512 skip=2048 count=129024 2>/dev/null
fsck_ok "$T/p1.img"
mren -i "$T/sd.img@@1M" ::/firmware.bin ::/FIRMWARE.CUR
expect 0 rs sdcard check --board $B429 --device "$T/sd.img" --file "$T/fw429.bin"

# Unformatted and exFAT: refused with an explanation, not touched.
truncate -s 64M "$T/blank.img"
cp "$T/blank.img" "$T/blank.orig"
expect 1 rs sdcard write --board $B429 --device "$T/blank.img" --file "$T/fw429.bin" --yes
grep_err "not formatted"
grep_err "sdcard format"
cmp -s "$T/blank.img" "$T/blank.orig" || fail "unformatted image was changed"
expect 2 rs sdcard check --board $B429 --device "$T/blank.img"

truncate -s 64M "$T/exfat.img"
printf '\353\166\220EXFAT   ' | dd of="$T/exfat.img" conv=notrunc 2>/dev/null
printf '\011\010' | dd of="$T/exfat.img" bs=1 seek=108 conv=notrunc 2>/dev/null
printf '\125\252' | dd of="$T/exfat.img" bs=1 seek=510 conv=notrunc 2>/dev/null
cp "$T/exfat.img" "$T/exfat.orig"
expect 1 rs sdcard write --board $B429 --device "$T/exfat.img" --file "$T/fw429.bin" --yes --json
json_ok "$T/out"
grep_out '"error":"not-fat"'
grep_out 'exFAT'
cmp -s "$T/exfat.img" "$T/exfat.orig" || fail "exFAT image was changed"

# Firmware for another MCU, an empty one, a USB-only board, an unknown board.
fat32 "$T/d.img"
expect 1 rs sdcard write --board $B429 --device "$T/d.img" --file "$T/fw446.bin" --yes
grep_err "built for stm32f446xx"
grep_err "stm32f429xx"
[ -z "$(listing "$T/d.img")" ] || fail "wrong-MCU firmware was written"
: >"$T/empty.bin"
expect 1 rs sdcard write --board $B429 --device "$T/d.img" --file "$T/empty.bin" --yes
grep_err "empty"
expect 2 rs sdcard write --board btt-octopus-pro-446 --device "$T/d.img" --file "$T/fw446.bin" --yes
grep_err "not flashed from an SD card"
expect 2 rs sdcard write --board no-such-board --device "$T/d.img" --yes
expect 2 rs sdcard write --device "$T/d.img" --yes
expect 2 rs sdcard check --board $B429
grep_err "device"
expect 2 rs sdcard check --board $B429 --device "$T/nonexistent.img"
grep_err "no such device"

# The default firmware: missing = say how to build it; present = used.
expect 1 rs sdcard write --board $B429 --device "$T/d.img" --yes
grep_err "ratos-setup build $B429"
mkdir -p "$HOME/printer_data/config/firmware_binaries"
cp "$T/fw429.bin" "$HOME/printer_data/config/firmware_binaries/firmware-$B429.bin"
# Without --yes and without a terminal: refuse, write nothing.
expect 2 rs sdcard write --board $B429 --device "$T/d.img"
grep_err "pass --yes"
[ -z "$(listing "$T/d.img")" ] || fail "wrote without confirmation"
# With a terminal: asks, and No is the default.
if command -v script >/dev/null 2>&1; then
	cmd="$BIN --boards-dir $BOARDS sdcard write --board $B429 --device $T/d.img"
	printf '\n' | script -qec "$cmd" /dev/null >"$T/out" 2>&1
	[ $? -eq 1 ] || { cat "$T/out" >&2; fail "empty answer did not refuse"; }
	grep_out 'Write firmware.bin to .*d.img (67.1 MB FAT32 "RATOS")? \[y/N\]'
	[ -z "$(listing "$T/d.img")" ] || fail "wrote after an empty answer"
	printf 'y\n' | script -qec "$cmd" /dev/null >"$T/out" 2>&1 || fail "yes did not write"
	same_on_card "$T/d.img" firmware.bin "$T/fw429.bin"
fi
expect 0 rs sdcard write --board $B429 --device "$T/d.img" --yes
same_on_card "$T/d.img" firmware.bin "$T/fw429.bin"

# A card over 32 GB: written, with a warning; check names the card size.
truncate -s 40G "$T/big.img"
mkfs.fat -F 32 -s 128 -n BIG "$T/big.img" >/dev/null || fail mkfs big
expect 0 rs sdcard write --board $B429 --device "$T/big.img" --file "$T/fw429.bin" --yes
grep_err "larger than 32 GB"
expect 1 rs sdcard check --board $B429 --device "$T/big.img"
grep_out "larger than 32 GB"
grep_out "clusters are large"
rm -f "$T/big.img"

# format: needs the name typed back; makes a card the writer accepts.
expect 2 rs sdcard format --device "$T/blank.img"
grep_err "confirm"
cmp -s "$T/blank.img" "$T/blank.orig" || fail "formatted without confirmation"
expect 2 rs sdcard format --device "$T/blank.img" --confirm "$T/other.img"
expect 0 rs sdcard format --device "$T/blank.img" --confirm "$T/blank.img"
fsck_ok "$T/blank.img"
expect 0 rs sdcard write --board $B429 --device "$T/blank.img" --file "$T/fw429.bin" --yes
grep_out 'FAT32 "RATOS"'
# A partitioned image keeps its table; the first partition is formatted.
expect 0 rs sdcard format --device "$T/sd.img" --confirm "$T/sd.img"
[ -z "$(listing "$T/sd.img@@1M")" ] || fail "partition not reformatted"
sfdisk -d "$T/sd.img" | grep -q "start=        2048" || fail "partition table lost"
echo "sd_images: all passed"
