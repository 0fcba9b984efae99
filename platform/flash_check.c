#include "platform/flash_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/fw_current.h"
#include "core/fwinfo.h"
#include "core/xalloc.h"
#include "platform/flash_previous.h"
#include "platform/fsutil.h"

#define NO_BUILD 2
#define IMAGE_MAX (8u * 1024 * 1024)

struct rs_job_verdict rs_flash_check_build(void *vctx, struct rs_job_progress *p)
{
	struct rs_flash_ctx *c = vctx;
	if (c->previous)
		return rs_flash_previous_check(c, p);
	const struct rs_board *b = c->board;
	bool avr = rs_route_mcu_is_avr(b->mcu);
	char *image = rs_xasprintf("%s%s", c->out_dir, rs_flash_image_name(b));
	/* The dictionary is inside klipper.bin; AVR's hex is made from the elf. */
	char *dict_in = rs_xasprintf("%s%s", c->out_dir, avr ? "klipper.elf" : "klipper.bin");
	char hint[512];
	snprintf(hint, sizeof(hint), "Build it first: ratos-setup build %s --force", b->id);
	struct rs_job_verdict v = rs_job_next();
	struct rs_fwinfo fw = { 0 };
	struct rs_errors errs = { 0 };
	unsigned char *a = NULL, *inst = NULL;
	size_t alen = 0, ilen = 0;
	if (access(image, R_OK) != 0) {
		v = rs_job_fail(NO_BUILD, hint, "no build of %s to flash: %s is missing", b->id, image);
	} else if (!rs_fwinfo_read_file(dict_in, &fw, &errs)) {
		v = rs_job_fail(NO_BUILD, hint, "%s has no Klipper dictionary", dict_in);
	} else if (!fw.mcu || strcasecmp(fw.mcu, b->mcu) != 0) {
		v = rs_job_fail(NO_BUILD, hint, "%s is built for %s, but %s has a %s", image,
				fw.mcu ? fw.mcu : "an unknown MCU", b->name, b->mcu);
	} else if (avr && c->tree_version && !rs_fw_version_matches(fw.version, c->tree_version)) {
		v = rs_job_fail(NO_BUILD, hint, "%s is built from Klipper %s, the tree is %s", image,
				fw.version ? fw.version : "?", c->tree_version);
	} else if (!avr && (!rs_fs_read_file(image, IMAGE_MAX, &a, &alen) ||
			    !rs_fs_read_file(c->firmware_path, IMAGE_MAX, &inst, &ilen) ||
			    alen != ilen || memcmp(a, inst, alen) != 0)) {
		/* make flash writes OUT's image: it must be the one that was
		 * checked as current (the installed firmware-<id>.bin). */
		v = rs_job_fail(NO_BUILD, hint, "%s is not the installed %s: the build directory "
				"holds another build", image, c->firmware_path);
	} else {
		snprintf(p->note, sizeof(p->note), "flashing %s (%s, %s)", image, fw.mcu,
			 fw.version ? fw.version : "?");
		c->passed_check = true;
	}
	c->live = true;
	free(a);
	free(inst);
	rs_fwinfo_free(&fw);
	rs_errors_clear(&errs);
	free(image);
	free(dict_in);
	return v;
}

const char *rs_flash_describe_build(const void *vctx)
{
	const struct rs_flash_ctx *c = vctx;
	static char line[600];
	if (c->previous) {
		const char *why;
		const char *image = rs_flash_previous_image(c, &why);
		snprintf(line, sizeof(line), "check that the previous firmware %s is for %s and the "
			 "Klipper tree's version", image ? image : c->previous->image, c->board->mcu);
		return line;
	}
	snprintf(line, sizeof(line), "check that %s%s is the current build for %s", c->out_dir,
		 rs_flash_image_name(c->board), c->board->mcu);
	return line;
}
