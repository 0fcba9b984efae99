#!/bin/sh
# Write + verify of a firmware onto a 64 MiB FAT32 image: the whole
# `ratos-setup sdcard write` (stale-file scan, copy to a temporary name,
# rename, read-back and SHA-256 comparison). Target: median <= 0.2 s.
# usage: bench/sdcard.sh [BUILD_DIR] [RUNS]
set -eu
BUILD=${1:-build}
RUNS=${2:-20}
BIN="$BUILD/ratos-setup"
MKFW="$BUILD/sd_mkfw"
SRC=$(cd "$(dirname "$0")/.." && pwd)
BOARDS="$SRC/tests/sdcard/data/boards"
export MTOOLS_SKIP_CHECK=1
T=$(mktemp -d /tmp/rs-sdbench-XXXXXX)
trap 'rm -rf "$T"' EXIT
"$MKFW" "$T/fw.bin" stm32f429xx v0.13.0-730-g84104bbbd 44528
truncate -s 64M "$T/clean.img"
mkfs.fat -F 32 -n RATOS "$T/clean.img" >/dev/null
cp "$T/clean.img" "$T/card.img"
# Every run starts from a card holding the previous firmware's FIRMWARE.CUR,
# as a real update does.
mcopy -i "$T/card.img" "$T/fw.bin" ::/FIRMWARE.CUR
cp "$T/card.img" "$T/start.img"
CMD="$BIN --boards-dir $BOARDS sdcard write --board btt-octopus-pro-429 --device $T/card.img --file $T/fw.bin --yes"
PREP="cp $T/start.img $T/card.img"
if command -v hyperfine >/dev/null 2>&1; then
	hyperfine -N --warmup 3 --runs "$RUNS" --prepare "$PREP" --export-json "$T/h.json" "$CMD" >&2
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]
print("median %.4f s  mean %.4f s  min %.4f s  max %.4f s  runs %d" % (r["median"], r["mean"], r["min"], r["max"], len(r["times"])))' "$T/h.json"
else
	i=0
	: >"$T/times"
	while [ "$i" -lt "$RUNS" ]; do
		$PREP
		a=$(date +%s%N)
		$CMD >/dev/null
		b=$(date +%s%N)
		echo $(( (b - a) / 1000 )) >>"$T/times"
		i=$((i + 1))
	done
	sort -n "$T/times" | awk '{t[NR]=$1} END {m=(NR%2)?t[(NR+1)/2]:(t[NR/2]+t[NR/2+1])/2;
		printf "median %.4f s  min %.4f s  max %.4f s  runs %d\n", m/1e6, t[1]/1e6, t[NR]/1e6, NR}'
fi
