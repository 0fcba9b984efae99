#!/usr/bin/env python3
"""Fake `make olddefconfig`: expands a minimal fragment in place the way
Klipper's Kconfig does, including its silent traps:
 - a crystal other than 8 MHz needs CONFIG_LOW_LEVEL_OPTIONS=y, else it is
   dropped and 8 MHz used;
 - a flash start the chip does not offer is replaced by the first allowed;
 - unknown options are dropped.
AVR (CONFIG_MACH_AVR) and RP2040 (CONFIG_MACH_RP2040) get only an MCU and
a clock."""
import os, shutil, sys

path = os.environ["KCONFIG_CONFIG"]
req = {}
for line in open(path) if os.path.exists(path) else []:
    line = line.strip()
    if line.startswith("# CONFIG_") and line.endswith(" is not set"):
        req[line[2:-11]] = "n"
    elif line.startswith("CONFIG_") and "=" in line:
        k, v = line.split("=", 1)
        req[k] = v

MCUS = {  # choice symbol -> (MCU, CLOCK_FREQ, allowed flash starts)
    "CONFIG_MACH_STM32F429": ("stm32f429xx", 180000000, ["0000", "8000", "C000"]),
    "CONFIG_MACH_STM32F446": ("stm32f446xx", 180000000, ["0000", "8000", "C000"]),
    "CONFIG_MACH_STM32G0B1": ("stm32g0b1xx", 64000000, ["2000", "0000", "8000"]),
}
CLOCKS = {"CONFIG_STM32_CLOCK_REF_8M": 8000000, "CONFIG_STM32_CLOCK_REF_12M": 12000000,
          "CONFIG_STM32_CLOCK_REF_25M": 25000000}

out = []
def setb(k, on):
    out.append("%s=y" % k if on else "# %s is not set" % k)

low = req.get("CONFIG_LOW_LEVEL_OPTIONS") == "y"
setb("CONFIG_LOW_LEVEL_OPTIONS", low)
# Boards of other families: the MCU and clock only (AVR: what the Einsy
# needs; RP2040: the family whose build also makes klipper.uf2).
OTHER = {"CONFIG_MACH_AVR": ("CONFIG_MACH_atmega2560", "atmega2560", 16000000),
         "CONFIG_MACH_RP2040": ("CONFIG_MACH_RP2040", "rp2040", 125000000)}
other = next((m for m in OTHER if req.get(m) == "y"), None)
if other:
    sub, mcu, freq = OTHER[other]
    setb(other, True)
    if sub != other:
        setb(sub, True)
    out.append('CONFIG_MCU="%s"' % mcu)
    out.append("CONFIG_CLOCK_FREQ=%d" % freq)
    if other == "CONFIG_MACH_RP2040" and low:
        # RP2040 boards' own lines survive (RatOS's: bootloader offset,
        # USB, serial number, initial pins), as Klipper's Kconfig keeps them.
        for k, v in req.items():
            if k.startswith(("CONFIG_RPXXXX_", "CONFIG_MACH_RPXXXX", "CONFIG_USB_SERIAL_NUMBER",
                             "CONFIG_INITIAL_PINS")):
                out.append("# %s is not set" % k if v == "n" else "%s=%s" % (k, v))
        start = "4000" if req.get("CONFIG_RPXXXX_FLASH_START_4000") == "y" else \
                "0100" if req.get("CONFIG_RPXXXX_FLASH_START_0100") == "y" else "0000"
        if start == "4000":
            setb("CONFIG_RPXXXX_HAVE_BOOTLOADER", True)
        out.append("CONFIG_FLASH_APPLICATION_ADDRESS=0x%x" % (0x10000000 + int(start, 16)))
else:
    setb("CONFIG_MACH_STM32", True)
    mach = next((m for m in MCUS if req.get(m) == "y"), "CONFIG_MACH_STM32F429")
    for m in MCUS:
        setb(m, m == mach)
    mcu, freq, starts = MCUS[mach]
    out.append('CONFIG_MCU="%s"' % mcu)
    out.append("CONFIG_CLOCK_FREQ=%d" % freq)
    start = next((s for s in starts if req.get("CONFIG_STM32_FLASH_START_" + s) == "y"), starts[0])
    if low:
        for s in starts:
            setb("CONFIG_STM32_FLASH_START_" + s, s == start)
    else:
        start = starts[0]
    out.append("CONFIG_FLASH_APPLICATION_ADDRESS=0x%x" % (0x8000000 + int(start, 16)))
    clock = next((c for c in CLOCKS if req.get(c) == "y"), "CONFIG_STM32_CLOCK_REF_8M")
    if low:
        for c in CLOCKS:
            setb(c, c == clock)
    else:
        clock = "CONFIG_STM32_CLOCK_REF_8M"
    out.append("CONFIG_CLOCK_REF_FREQ=%d" % CLOCKS[clock])
    setb("CONFIG_STM32_USB_PA11_PA12", True)
    chipid = req.get("CONFIG_USB_SERIAL_NUMBER_CHIPID", "y") == "y"
    setb("CONFIG_USB_SERIAL_NUMBER_CHIPID", chipid)
    if not chipid:
        out.append("CONFIG_USB_SERIAL_NUMBER=%s" % req.get("CONFIG_USB_SERIAL_NUMBER", '"12345"'))

if os.path.exists(path):
    shutil.copyfile(path, path + ".old")
with open(path, "w") as f:
    f.write("# Automatically generated file; DO NOT EDIT.\n# Klipper Firmware Configuration\n")
    f.write("\n".join(out) + "\n")
print("Configuration saved to '%s'" % path)
