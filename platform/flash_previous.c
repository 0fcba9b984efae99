/* The previous firmware over a flash route (see flash_previous.h). */
#include "platform/flash_previous.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/fw_current.h"
#include "core/fw_image.h"
#include "core/fwinfo.h"
#include "core/kconfig.h"
#include "core/sha256.h"
#include "core/sidecar.h"
#include "core/xalloc.h"
#include "platform/fsutil.h"

#define NO_IMAGE 2
#define UF2_MAX (32u << 20)

enum family { FAM_OTHER, FAM_STM32, FAM_RP2040, FAM_LPC, FAM_AVR };

static enum family family_of(const char *mcu)
{
	if (rs_fw_image_is_avr(mcu))
		return FAM_AVR;
	if (strncmp(mcu, "stm32", 5) == 0)
		return FAM_STM32;
	if (strncmp(mcu, "rp2", 3) == 0)
		return FAM_RP2040;
	if (strncmp(mcu, "lpc176", 6) == 0)
		return FAM_LPC;
	return FAM_OTHER;
}

void rs_flash_ctx_use_previous(struct rs_flash_ctx *c, const struct rs_fw_previous *p)
{
	struct rs_fw_previous *copy = rs_xcalloc(1, sizeof(*copy));
	copy->image = rs_xstrdup(p->image);
	copy->record = p->record ? rs_xstrdup(p->record) : NULL;
	copy->uf2 = p->uf2 ? rs_xstrdup(p->uf2) : NULL;
	c->previous = copy;
}

/* A setting of the board's build config without its quotes; NULL when the
 * config or the setting is not there. Caller frees. */
static char *setting(const struct rs_flash_ctx *c, const char *key)
{
	struct rs_kconfig kc = { 0 };
	struct rs_errors errs = { 0 };
	char *v = NULL;
	if (rs_kconfig_load_file(c->config_path, &kc, &errs)) {
		const char *raw = rs_kconfig_get(&kc, key);
		size_t n = raw ? strlen(raw) : 0;
		if (n >= 2 && raw[0] == '"' && raw[n - 1] == '"')
			v = rs_xstrndup(raw + 1, n - 2);
		else if (raw)
			v = rs_xstrdup(raw);
	}
	rs_kconfig_free(&kc);
	rs_errors_clear(&errs);
	return v;
}

const char *rs_flash_previous_image(const struct rs_flash_ctx *c, const char **why)
{
	*why = NULL;
	if (family_of(c->board->mcu) != FAM_RP2040)
		return c->previous->image;
	/* Klipper's rp2040 make flash writes klipper.uf2, or klipper.bin
	 * when a bootloader sits before it (RPXXXX_HAVE_BOOTLOADER). */
	char *boot = setting(c, "CONFIG_RPXXXX_HAVE_BOOTLOADER");
	bool bin = boot && strcmp(boot, "y") == 0;
	free(boot);
	if (bin)
		return c->previous->image;
	if (!c->previous->uf2)
		*why = "no UF2 image was kept with the previous firmware (firmware-<board>.prev.uf2); "
		       "it is kept from the next install on";
	return c->previous->uf2;
}

static void push_fmt(struct rs_strv *argv, const char *fmt, const char *a, const char *b)
{
	char *s = rs_xasprintf(fmt, a, b);
	rs_strv_push(argv, s);
	free(s);
}

/* Klipper's src/avr/Kconfig defaults, for a config that does not say. */
static const char *avr_protocol_default(const char *mcu)
{
	if (strcmp(mcu, "atmega2560") == 0)
		return "wiring";
	if (strcmp(mcu, "at90usb1286") == 0 || strcmp(mcu, "at90usb646") == 0 ||
	    strcmp(mcu, "atmega32u4") == 0)
		return "avr109";
	return "arduino";
}

bool rs_flash_previous_argv(struct rs_flash_ctx *c, const char *device, struct rs_strv *argv,
			    struct rs_proc_opts *po, struct rs_status *fail)
{
	const struct rs_board *b = c->board;
	enum family fam = family_of(b->mcu);
	const char *why = NULL;
	const char *image = rs_flash_previous_image(c, &why);
	char *mcu = setting(c, "CONFIG_MCU");
	char *start = NULL;
	bool ok = false;
	if (!image) {
		rs_status_fail(fail, 1, "Flash the current build (without --previous).", "%s", why);
		goto out;
	}
	if (fam == FAM_OTHER) {
		rs_status_fail(fail, 1, "Flash it with Klipper's own tools by hand.",
			       "putting back the previous firmware is not supported for %s", b->mcu);
		goto out;
	}
	if (!mcu)
		mcu = rs_xstrdup(b->mcu); /* Klipper's CONFIG_MCU is the dictionary's MCU */
	if (fam == FAM_STM32 && !(start = setting(c, "CONFIG_FLASH_APPLICATION_ADDRESS"))) {
		rs_status_fail(fail, 1, "Build the current firmware once (ratos-setup build BOARD): "
			       "its config says where the application starts.",
			       "the board's build config %s does not say where the firmware starts "
			       "(CONFIG_FLASH_APPLICATION_ADDRESS)", c->config_path);
		goto out;
	}
	po->cwd = c->klipper_dir;
	if (fam == FAM_AVR) {
		char *proto = setting(c, "CONFIG_AVRDUDE_PROTOCOL");
		rs_strv_push(argv, "avrdude");
		push_fmt(argv, "-p%s%s", mcu, "");
		push_fmt(argv, "-c%s%s", proto ? proto : avr_protocol_default(b->mcu), "");
		push_fmt(argv, "-P%s%s", device, "");
		rs_strv_push(argv, "-D");
		push_fmt(argv, "-Uflash:w:%s:i%s", image, "");
		free(proto);
	} else {
		rs_strv_push(argv, "python3");
		rs_strv_push(argv, "./scripts/flash_usb.py");
		rs_strv_push(argv, "-t");
		rs_strv_push(argv, mcu);
		rs_strv_push(argv, "-d");
		rs_strv_push(argv, device);
		if (start) {
			rs_strv_push(argv, "-s");
			rs_strv_push(argv, start);
		}
		if (c->nosudo)
			rs_strv_push(argv, "--no-sudo");
		rs_strv_push(argv, image);
	}
	ok = true;
out:
	free(mcu);
	free(start);
	return ok;
}

/* The helper make flash builds before flashing, for the board's family. */
static const char *tool_of(const struct rs_flash_ctx *c, const char **make_dir,
			   const char **target)
{
	switch (family_of(c->board->mcu)) {
	case FAM_RP2040:
		*make_dir = "lib/rp2040_flash";
		*target = "rp2040_flash";
		return "lib/rp2040_flash/rp2040_flash";
	case FAM_STM32:
		*make_dir = "lib/hidflash";
		*target = NULL;
		return "lib/hidflash/hid-flash";
	default:
		return NULL;
	}
}

bool rs_flash_previous_tools_wanted(const void *vctx)
{
	const struct rs_flash_ctx *c = vctx;
	const char *dir, *target;
	const char *tool = c->previous ? tool_of(c, &dir, &target) : NULL;
	if (!tool)
		return false;
	char *path = rs_xasprintf("%s/%s", c->klipper_dir, tool);
	bool missing = access(path, X_OK) != 0;
	free(path);
	return missing;
}

bool rs_flash_previous_tools_argv(void *vctx, struct rs_strv *argv, struct rs_proc_opts *po,
				  struct rs_status *fail)
{
	(void)fail;
	struct rs_flash_ctx *c = vctx;
	const char *dir = NULL, *target = NULL;
	tool_of(c, &dir, &target);
	po->cwd = c->klipper_dir;
	rs_strv_push(argv, "make");
	rs_strv_push(argv, "-C");
	rs_strv_push(argv, dir);
	if (target)
		rs_strv_push(argv, target);
	return true;
}

/* The kept UF2 must be the one its record describes. */
static bool uf2_matches_record(const struct rs_fw_previous *p, char *why, size_t len)
{
	struct rs_sidecar sc;
	struct rs_errors errs = { 0 };
	unsigned char *data = NULL;
	size_t n = 0;
	bool ok = false;
	if (!p->record || !rs_sidecar_load_file(p->record, &sc, &errs)) {
		snprintf(why, len, "%s has no build record to check it against", p->uf2);
		rs_errors_clear(&errs);
		return false;
	}
	if (!rs_fs_read_file(p->uf2, UF2_MAX, &data, &n)) {
		snprintf(why, len, "%s cannot be read", p->uf2);
	} else {
		char sha[RS_SHA256_HEX_LEN];
		rs_sha256_hex(data, n, sha);
		ok = sc.uf2_sha256 && strcmp(sha, sc.uf2_sha256) == 0;
		if (!ok)
			snprintf(why, len, "%s is not the UF2 its build record describes", p->uf2);
	}
	free(data);
	rs_sidecar_free(&sc);
	return ok;
}

struct rs_job_verdict rs_flash_previous_check(struct rs_flash_ctx *c, struct rs_job_progress *p)
{
	const struct rs_board *b = c->board;
	const struct rs_fw_previous *prev = c->previous;
	const char *hint = "Flash the current build instead (without --previous).";
	const char *why = NULL;
	const char *image = rs_flash_previous_image(c, &why);
	struct rs_fwinfo fw = { 0 };
	struct rs_errors errs = { 0 };
	char uf2_why[600];
	struct rs_job_verdict v = rs_job_next();
	c->live = true;
	if (!image) {
		v = rs_job_fail(NO_IMAGE, hint, "%s", why);
	} else if (!rs_fwinfo_read_file(prev->image, &fw, &errs)) {
		v = rs_job_fail(NO_IMAGE, hint, "%s has no Klipper dictionary", prev->image);
	} else if (!fw.mcu || strcasecmp(fw.mcu, b->mcu) != 0) {
		v = rs_job_fail(NO_IMAGE, hint, "the previous firmware %s is built for %s, but %s has "
				"a %s", prev->image, fw.mcu ? fw.mcu : "an unknown MCU", b->name, b->mcu);
	} else if (c->tree_version && !rs_fw_version_matches(fw.version, c->tree_version)) {
		v = rs_job_fail(NO_IMAGE, "Roll the Klipper tree back to it first.",
				"the previous firmware %s is built from Klipper %s, the tree is %s",
				prev->image, fw.version ? fw.version : "?", c->tree_version);
	} else if (image == prev->uf2 && !uf2_matches_record(prev, uf2_why, sizeof(uf2_why))) {
		v = rs_job_fail(NO_IMAGE, hint, "%s", uf2_why);
	} else {
		snprintf(p->note, sizeof(p->note), "flashing the previous firmware %s (%s, %s)", image,
			 fw.mcu, fw.version ? fw.version : "?");
		c->passed_check = true;
	}
	rs_fwinfo_free(&fw);
	rs_errors_clear(&errs);
	return v;
}
