#!/bin/sh
# layers_test.sh CMAKE BUILD_DIR NM SYMBOLS_CHECK CORE_A PLATFORM_A TUI_A SCREENS_A PROBE_OBJ CASE...
# CASE is probe_<layer>_<probe>=EXPECT with EXPECT one of
#   BUILDS             the probe compiles with that layer's flags
#   NOT_FOUND:<header> the build stops because "<header>" is not on the path
#   FORBIDDEN:<header> the build stops on the #error of cmake/layers.cmake
# A failure for any other reason (a typo in a probe) fails the case too.
set -u
CMAKE=$1 BUILD=$2 NM=$3 SYMBOLS=$4 CORE=$5 PLATFORM=$6 TUI=$7 SCREENS=$8 PROBE_OBJ=$9
shift 9
fail=0 passed=0
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

for case in "$@"; do
	target=${case%%=*} expect=${case#*=}
	out=$("$CMAKE" --build "$BUILD" --target "$target" 2>&1)
	rc=$?
	header=${expect#*:}
	hre=$(printf '%s' "$header" | sed 's/[.]/[.]/g')
	case $expect in
	BUILDS)
		[ "$rc" -eq 0 ] || { bad "$target should build:"; echo "$out" | grep -E 'error|warning' | head -5; continue; } ;;
	NOT_FOUND:*)
		# gcc: "x.h: No such file or directory"; clang: "'x.h' file not found"
		if [ "$rc" -eq 0 ]; then bad "$target built, but $header must not be visible"; continue; fi
		echo "$out" | grep -Eq "$hre: No such file or directory|'$hre' file not found" ||
			{ bad "$target failed, but not because $header was not found:"; echo "$out" | grep error | head -5; continue; } ;;
	FORBIDDEN:*)
		if [ "$rc" -eq 0 ]; then bad "$target built, but <$header> is forbidden there"; continue; fi
		echo "$out" | grep -Eq "error: (#error )?\"<$hre>: this layer must not use" ||
			{ bad "$target failed, but not on the rule for <$header>:"; echo "$out" | grep error | head -5; continue; } ;;
	*) bad "$target: unknown expectation $expect"; continue ;;
	esac
	echo "ok: $target ($expect)"
	passed=$((passed + 1))
done

# The probe that reaches platform/ through a hand-typed prototype and starts a
# process compiled in core/ (above): the symbol check must reject it as core/
# for both reasons, and accept it as platform/ code, where both are allowed.
out=$(sh "$SYMBOLS" "$NM" core "$PROBE_OBJ" "$CORE")
if [ $? -ne 0 ] && echo "$out" | grep -q "uses rs_path_home" && echo "$out" | grep -q "starts a process (system)"; then
	echo "ok: symbols check rejects a hand-declared platform call and system() in core/"
	passed=$((passed + 1))
else
	bad "symbols check let the core/ probe through: $out"
fi
if sh "$SYMBOLS" "$NM" platform "$PROBE_OBJ" "$PLATFORM" "$CORE" >/dev/null; then
	echo "ok: symbols check accepts the same probe as platform/ code"
	passed=$((passed + 1))
else
	bad "symbols check rejects the probe as platform/ code"
fi

# The real layers.
sh "$SYMBOLS" "$NM" core "$CORE" || fail=$((fail + 1))
sh "$SYMBOLS" "$NM" platform "$PLATFORM" "$CORE" || fail=$((fail + 1))
sh "$SYMBOLS" "$NM" tui "$TUI" "$PLATFORM" "$CORE" || fail=$((fail + 1))
sh "$SYMBOLS" "$NM" screens "$SCREENS" "$TUI" "$PLATFORM" "$CORE" || fail=$((fail + 1))

echo "$passed probe cases passed, $fail failed"
[ "$fail" -eq 0 ]
