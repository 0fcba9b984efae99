/* The one rule for "is this firmware current for this board and this Klipper
 * tree": its Klipper version (from the image's own dictionary) is the tree's,
 * and, when the build record (.meta) describes this very image, it was built
 * from the board's present config. Every path that puts firmware on a board
 * asks this rule; platform/fw_status.c gathers the facts. */
#ifndef RS_CORE_FW_CURRENT_H
#define RS_CORE_FW_CURRENT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/board.h"
#include "core/sha256.h"
#include "core/sidecar.h"

enum rs_fw_verdict {
	RS_FWCUR_CURRENT,      /* same Klipper version; same config (or no record to say) */
	RS_FWCUR_NO_FIRMWARE,  /* nothing built yet */
	RS_FWCUR_UNREADABLE,   /* the file has no Klipper dictionary */
	RS_FWCUR_OLD_KLIPPER,  /* built from another Klipper version than the tree's */
	RS_FWCUR_OTHER_CONFIG, /* built from a config the board no longer has */
	RS_FWCUR_NO_TREE,      /* the tree's version is unknown: cannot tell */
};

struct rs_fw_facts {
	bool image_present;
	const char *image_version;   /* from the dictionary; NULL when unreadable */
	const char *image_sha256;    /* of the image file */
	const struct rs_sidecar *record; /* its .meta, NULL when none or unreadable */
	const char *tree_version;    /* git describe of the tree; NULL or "?" unknown */
	const char *board_id;
	const char *fragment_sha256; /* of the board's config fragment as it is now */
};

struct rs_fw_currency {
	enum rs_fw_verdict verdict;
	/* The record describes this image, so the config was compared. */
	bool config_checked;
};

void rs_fw_current_judge(const struct rs_fw_facts *f, struct rs_fw_currency *out);
/* True when verdict says the file must not be flashed as it is. */
bool rs_fw_current_blocks(enum rs_fw_verdict v);
/* Klipper's own comparison: an image version equals the tree's, or extends
 * it with the "-<date>-<host>" Klipper appends to builds of modified trees. */
bool rs_fw_version_matches(const char *image, const char *tree);
/* The two versions as a person reads them: "v0.13.0-730" and "v0.13.0-731"
 * (git's "-g<hash>" dropped) unless that would make them look equal. Writes
 * into a and b (each len bytes). */
void rs_fw_versions_short(const char *image, const char *tree, char *a, char *b, size_t len);
/* Why the file is not current, one sentence without a final full stop:
 * "built for v0.13.0-730, Klipper is now v0.13.0-731". "" when current. */
void rs_fw_current_reason(const struct rs_fw_facts *f, const struct rs_fw_currency *c,
			  char *buf, size_t len);
const char *rs_fw_verdict_name(enum rs_fw_verdict v);
/* The checksum of b's config fragment (what the build records as
 * fragment_sha256): the board's present config. */
void rs_fw_fragment_sha256(const struct rs_board *b, char hex[RS_SHA256_HEX_LEN]);

#endif
