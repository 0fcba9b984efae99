#!/bin/sh
# Faults during a write, each caused by a real mechanism: a read-only image, a
# full card, a read-back that differs (an mtype in PATH that flips a byte),
# the card vanishing mid-write, no permission. Never a half file under the
# final name; the filesystem stays clean.
BIN=$1 MKFW=$2 SRC=$3
. "$SRC/lib.sh"

# Read-only image.
fat32 "$T/ro.img"
cp "$T/ro.img" "$T/ro.orig"
chmod 444 "$T/ro.img"
expect 1 rs sdcard write --board $B429 --device "$T/ro.img" --file "$T/fw429.bin" --yes
grep_err "write-protected"
cmp -s "$T/ro.img" "$T/ro.orig" || fail "read-only image changed"

# Full card: a file fills it, then the firmware does not fit.
fat32 "$T/full.img"
head -c 64000000 /dev/zero >"$T/filler"
mcopy -i "$T/full.img" "$T/filler" ::/filler.dat 2>/dev/null
"$MKFW" "$T/fwbig.bin" stm32f429xx v0.13.0-9 3000000 || fail mkfw
mcopy -i "$T/full.img" "$T/fw446.bin" ::/FIRMWARE.CUR || fail mcopy
expect 1 rs sdcard write --board $B429 --device "$T/full.img" --file "$T/fwbig.bin" --yes --json
json_ok "$T/out"
grep_out '"error":"card-full"'
grep_out 'full'
# The old files are left as they were: nothing is removed before the new
# firmware is on the card and verified.
[ "$(listing "$T/full.img")" = "FIRMWARE.CUR filler.dat " ] || fail "full card holds: $(listing "$T/full.img")"
fsck_ok "$T/full.img"

# Corrupted read-back: this mtype flips the first byte of what it reads.
mkdir -p "$T/bin"
real_mtype=$(command -v mtype)
cat >"$T/bin/mtype" <<EOS
#!/bin/sh
"$real_mtype" "\$@" | { head -c 1 | tr '\000-\377' '\001-\377\000'; cat; }
EOS
chmod +x "$T/bin/mtype"
fat32 "$T/bad.img"
PATH="$T/bin:$PATH" expect 1 rs sdcard write --board $B429 --device "$T/bad.img" --file "$T/fw429.bin" --yes
grep_err "differs"
[ -z "$(listing "$T/bad.img")" ] || fail "a corrupt copy was left: $(listing "$T/bad.img")"
fsck_ok "$T/bad.img"
# ... and when the bad copy cannot even be removed (mdel fails too): the old
# firmware.bin stays as it was, the copy only under the temporary name, and
# the message says so.
cat >"$T/bin/mdel" <<EOS
#!/bin/sh
echo "mdel: Input/output error" >&2
exit 1
EOS
chmod +x "$T/bin/mdel"
fat32 "$T/bad2.img"
mcopy -i "$T/bad2.img" "$T/fw429b.bin" ::/firmware.bin || fail mcopy
PATH="$T/bin:$PATH" expect 1 rs sdcard write --board $B429 --device "$T/bad2.img" --file "$T/fw429.bin" --yes
grep_err "differs"
grep_err "stays as fwtmp.bin"
same_on_card "$T/bad2.img" firmware.bin "$T/fw429b.bin"
fsck_ok "$T/bad2.img"
rm "$T/bin/mtype" "$T/bin/mdel"

# The card vanishes mid-write: this mcopy removes the image before copying.
real_mcopy=$(command -v mcopy)
cat >"$T/bin/mcopy" <<EOS
#!/bin/sh
rm -f "$T/gone.img"
exec "$real_mcopy" "\$@"
EOS
chmod +x "$T/bin/mcopy"
fat32 "$T/gone.img"
PATH="$T/bin:$PATH" expect 1 rs sdcard write --board $B429 --device "$T/gone.img" --file "$T/fw429.bin" --yes --json
grep_out '"error":"card-removed"'
rm "$T/bin/mcopy"

# Permission denied (needs root to become another user).
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	fat32 "$T/perm.img"
	chmod 600 "$T/perm.img"
	chmod 755 "$T"
	cp "$T/fw429.bin" "$T/fwp.bin" && chmod 644 "$T/fwp.bin"
	nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	expect 2 nobody "$BIN" --boards-dir "$BOARDS" sdcard write --board $B429 --device "$T/perm.img" --file "$T/fwp.bin" --yes
	grep_err "sudo"
	[ -z "$(listing "$T/perm.img")" ] || fail "written without permission"
fi
# The disk the system runs from is refused. Only `format` without a
# confirmation is used here: even if the refusal broke, nothing is written.
rootdev=$(awk '$5 == "/" { print $3; exit }' /proc/self/mountinfo)
sysdev=$(basename "$(readlink -f "/sys/dev/block/$rootdev" 2>/dev/null)" 2>/dev/null)
if [ -n "$sysdev" ] && [ -b "/dev/$sysdev" ] && [ "${rootdev%%:*}" != 0 ]; then
	expect 1 rs sdcard format --device "/dev/$sysdev"
	grep_err "system runs from"
fi
echo "sd_faults: all passed"
