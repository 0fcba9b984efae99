#!/bin/sh
# Names the user types are never read as mtools offsets ("@@") or as options
# ("-v"); the caller's mtools configuration does not reach mtools; and format
# keeps to the card: a partition entry past the end of the image is not
# followed, a backup GPT at the end is cleared.
BIN=$1 MKFW=$2 SRC=$3
. "$SRC/lib.sh"
mkdir "$T/names" && cd "$T/names" || fail cd

# 'card@@x.img' is one file; mtools would read it as ./card at offset x.img.
fat32 card && cp card card.orig
fat32 x && mv x 'card@@x.img'
expect 0 rs sdcard write --board $B429 --device 'card@@x.img' --file "$T/fw429.bin" --yes
cmp -s card card.orig || fail "./card was written instead of card@@x.img"
cp 'card@@x.img' copy.img
same_on_card copy.img firmware.bin "$T/fw429.bin"
fsck_ok copy.img

# '-v' is a file, not mkfs.fat's verbose option.
fat32 x && mcopy -i x "$T/fw446.bin" ::/OLD.BIN && mv x ./-v
expect 0 rs sdcard write --board $B429 --device -v --file "$T/fw429.bin" --yes
cp ./-v copy.img
same_on_card copy.img firmware.bin "$T/fw429.bin"
expect 0 rs sdcard format --device -v --confirm -v
[ ! -e 65536 ] || fail "format wrote a file called 65536"
cp ./-v copy.img
fsck_ok copy.img
[ -z "$(listing copy.img)" ] || fail "-v not formatted: $(listing copy.img)"
mdir -i copy.img ::/ 2>/dev/null | grep -q "is RATOS" || fail "-v has no RATOS label"

# MTOOLSRC, MTOOLS_* and ~/.mtoolsrc of the caller stay with the caller.
mkdir -p "$T/envbin" "$T/evilhome"
for tool in mdir mcopy mtype mren mdel; do
	real=$(command -v $tool)
	printf '#!/bin/sh\nenv >>"%s"\nexec "%s" "$@"\n' "$T/tool.env" "$real" >"$T/envbin/$tool"
	chmod +x "$T/envbin/$tool"
done
echo 'mtools_skip_check=0' >"$T/evil.rc"
cp "$T/evil.rc" "$T/evilhome/.mtoolsrc"
fat32 env.img
MTOOLSRC="$T/evil.rc" MTOOLS_NO_VFAT=1 MTOOLS_SKIP_CHECK=0 HOME="$T/evilhome" PATH="$T/envbin:$PATH" \
	expect 0 rs sdcard write --board $B429 --device env.img --file "$T/fw429.bin" --yes
[ -s "$T/tool.env" ] || fail "the wrappers did not run"
! grep -q '^MTOOLSRC=\|^MTOOLS_NO_VFAT=\|^MTOOLS_SKIP_CHECK=0' "$T/tool.env" || fail "caller's mtools settings reached mtools"
! grep -q "^HOME=$T/evilhome" "$T/tool.env" || fail "mtools could read the caller's ~/.mtoolsrc"
grep -q '^MTOOLS_SKIP_CHECK=1$' "$T/tool.env" || fail "MTOOLS_SKIP_CHECK=1 not set"
same_on_card env.img firmware.bin "$T/fw429.bin"

# A partition entry at 1 TiB on a 64 MiB image: a fresh table, same size.
truncate -s 64M far.img
python3 -c '
import struct, sys
mbr = bytearray(512)
mbr[446:462] = struct.pack("<B3sB3sII", 0, b"\xfe\xff\xff", 0x0c, b"\xfe\xff\xff", 1 << 31, 131072)
mbr[510:512] = b"\x55\xaa"
open(sys.argv[1], "r+b").write(mbr)' far.img || fail python
expect 1 rs sdcard write --board $B429 --device far.img --file "$T/fw429.bin" --yes
grep_err "past the end"
expect 0 rs sdcard format --device far.img --confirm far.img
[ "$(stat -c %s far.img)" = 67108864 ] || fail "far.img grew to $(stat -c %s far.img) bytes"
[ "$(du -k far.img | cut -f1)" -lt 70000 ] || fail "far.img allocated $(du -k far.img)"
dd if=far.img of=p1.img bs=512 skip=2048 2>/dev/null
fsck_ok p1.img
expect 0 rs sdcard write --board $B429 --device far.img --file "$T/fw429.bin" --yes
same_on_card far.img@@1M firmware.bin "$T/fw429.bin"

# A GPT card: both GPT headers gone after format, the card reads as DOS.
truncate -s 64M gpt.img
printf 'label: gpt\nsize=32M\n' | sfdisk -q gpt.img || fail sfdisk
tail -c 512 gpt.img | grep -q "EFI PART" || fail "no backup GPT to begin with"
expect 0 rs sdcard format --device gpt.img --confirm gpt.img
! tail -c 512 gpt.img | grep -q "EFI PART" || fail "the backup GPT header survived"
! dd if=gpt.img bs=512 skip=1 count=1 2>/dev/null | grep -q "EFI PART" || fail "GPT header survived"
sfdisk -d gpt.img 2>/dev/null | grep -q "label: dos" || fail "not a DOS table: $(sfdisk -d gpt.img 2>&1)"
dd if=gpt.img of=p1.img bs=512 skip=2048 2>/dev/null
fsck_ok p1.img
echo "sd_names: all passed"
