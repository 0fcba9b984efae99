#!/usr/bin/env python3
"""Fake klipper.uf2: klipper.bin in UF2 blocks as Klipper's elf2uf2 makes
them (256 bytes of payload a block, the RP2040's family id), so the boot
drive copy accepts it."""
import struct, sys
data = open(sys.argv[1], "rb").read()
chunks = [data[i:i + 256] for i in range(0, len(data), 256)] or [b""]
with open(sys.argv[2], "wb") as f:
    for n, c in enumerate(chunks):
        head = struct.pack("<IIIIIIII", 0x0A324655, 0x9E5D5157, 0x2000, 0x10000000 + 256 * n,
                           256, n, len(chunks), 0xE48BFF56)
        f.write(head + c.ljust(476, b"\0") + struct.pack("<I", 0x0AB16F30))
