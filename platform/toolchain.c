#include "platform/toolchain.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "platform/child_env.h"

struct family {
	const char *name;
	const char *programs[3];
	const char *packages;
};

/* Klipper's make also needs make itself and python3 (Kconfig, dictionary). */
static const struct family families[] = {
	{ "arm",
	  { "arm-none-eabi-gcc", "arm-none-eabi-objcopy", NULL },
	  "gcc-arm-none-eabi binutils-arm-none-eabi libnewlib-arm-none-eabi" },
	{ "avr", { "avr-gcc", "avr-objcopy", NULL }, "gcc-avr avr-libc binutils-avr" },
	{ "host", { "gcc", NULL, NULL }, "gcc" },
};

static const struct family *family_of(const char *mcu)
{
	if (strncmp(mcu, "atmega", 6) == 0 || strncmp(mcu, "at90", 4) == 0)
		return &families[1];
	if (strcmp(mcu, "linux") == 0)
		return &families[2];
	/* stm32*, lpc176x, rp2040, sam*, hc32f460: all arm-none-eabi. */
	return &families[0];
}

const char *rs_toolchain_compiler(const char *mcu)
{
	return family_of(mcu ? mcu : "")->programs[0];
}

bool rs_toolchain_on_path(const char *prog)
{
	/* The PATH the child will get, which as root is not ours. */
	const char *path = rs_child_env_path();
	if (!*path)
		return false;
	char *copy = rs_xstrdup(path), *save = NULL;
	bool found = false;
	for (char *dir = strtok_r(copy, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		char *full = rs_xasprintf("%s/%s", *dir ? dir : ".", prog);
		found = access(full, X_OK) == 0;
		free(full);
	}
	free(copy);
	return found;
}

bool rs_toolchain_check(const char *mcu, struct rs_toolchain *tc)
{
	const struct family *f = family_of(mcu ? mcu : "");
	static const char *const common[] = { "make", "python3" };
	memset(tc, 0, sizeof(*tc));
	tc->family = f->name;
	tc->packages = f->packages;
	for (size_t i = 0; i < 3 && f->programs[i]; i++)
		if (!rs_toolchain_on_path(f->programs[i]))
			rs_strv_push(&tc->missing, f->programs[i]);
	for (size_t i = 0; i < 2; i++)
		if (!rs_toolchain_on_path(common[i]))
			rs_strv_push(&tc->missing, common[i]);
	return tc->missing.count == 0;
}

void rs_toolchain_free(struct rs_toolchain *tc)
{
	rs_strv_free(&tc->missing);
}
