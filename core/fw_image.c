#include "core/fw_image.h"

#include <string.h>

/* The same test as the toolchain's: Klipper's AVR MCUs are all ATmega or
 * AT90 parts. */
bool rs_fw_image_is_avr(const char *mcu)
{
	return mcu && (strncmp(mcu, "atmega", 6) == 0 || strncmp(mcu, "at90", 4) == 0);
}

const char *rs_fw_image_source(const char *mcu)
{
	return rs_fw_image_is_avr(mcu) ? "klipper.elf.hex" : "klipper.bin";
}

const char *rs_fw_image_ext(const char *mcu)
{
	return rs_fw_image_is_avr(mcu) ? "hex" : "bin";
}
