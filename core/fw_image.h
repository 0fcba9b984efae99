/* Which file Klipper's build makes for a board's MCU and the name ratos-setup
 * installs it under: klipper.bin as firmware-<board>.bin for ARM, and
 * klipper.elf.hex as firmware-<board>.hex for AVR (Klipper makes no .bin
 * there; `make flash` writes the .hex with avrdude). RP2040 builds also make
 * klipper.uf2, kept as firmware-<board>.uf2 next to the .bin. */
#ifndef RS_CORE_FW_IMAGE_H
#define RS_CORE_FW_IMAGE_H

#include <stdbool.h>

#define RS_FW_IMAGE_UF2_SOURCE "klipper.uf2"

bool rs_fw_image_is_avr(const char *mcu);
/* The file in Klipper's OUT directory: "klipper.bin" or "klipper.elf.hex". */
const char *rs_fw_image_source(const char *mcu);
/* The installed name's extension, without the dot: "bin" or "hex". */
const char *rs_fw_image_ext(const char *mcu);

#endif
