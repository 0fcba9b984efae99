#include "core/fw_current.h"

#include "core/kconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool known(const char *v)
{
	return v && *v && strcmp(v, "?") != 0;
}

bool rs_fw_version_matches(const char *image, const char *tree)
{
	if (!image || !tree)
		return false;
	size_t n = strlen(tree);
	return strcmp(image, tree) == 0 || (strncmp(image, tree, n) == 0 && image[n] == '-');
}

static bool same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

void rs_fw_current_judge(const struct rs_fw_facts *f, struct rs_fw_currency *out)
{
	memset(out, 0, sizeof(*out));
	if (!f->image_present) {
		out->verdict = RS_FWCUR_NO_FIRMWARE;
		return;
	}
	if (!f->image_version) {
		out->verdict = RS_FWCUR_UNREADABLE;
		return;
	}
	if (!known(f->tree_version)) {
		out->verdict = RS_FWCUR_NO_TREE;
		return;
	}
	if (!rs_fw_version_matches(f->image_version, f->tree_version)) {
		out->verdict = RS_FWCUR_OLD_KLIPPER;
		return;
	}
	/* A record only speaks for the image whose checksum it carries: a file
	 * replaced by hand (or RatOS's own build) has no record of its config. */
	const struct rs_sidecar *r = f->record;
	if (r && same(r->sha256, f->image_sha256)) {
		out->config_checked = true;
		if ((r->board && f->board_id && strcmp(r->board, f->board_id) != 0) ||
		    (r->fragment_sha256 && f->fragment_sha256 &&
		     strcmp(r->fragment_sha256, f->fragment_sha256) != 0)) {
			out->verdict = RS_FWCUR_OTHER_CONFIG;
			return;
		}
	}
	out->verdict = RS_FWCUR_CURRENT;
}

bool rs_fw_current_blocks(enum rs_fw_verdict v)
{
	return v != RS_FWCUR_CURRENT && v != RS_FWCUR_NO_TREE;
}

/* "v0.13.0-730-g84104bbbd" -> "v0.13.0-730"; anything else unchanged. */
static void drop_hash(const char *v, char *out, size_t len)
{
	snprintf(out, len, "%s", v);
	char *g = strstr(out, "-g");
	if (!g || g == out)
		return;
	size_t n = strspn(g + 2, "0123456789abcdef");
	if (n >= 4 && (g[2 + n] == '\0' || g[2 + n] == '-')) {
		/* Keep what follows the hash ("-dirty"): it is part of the story. */
		memmove(g, g + 2 + n, strlen(g + 2 + n) + 1);
	}
}

void rs_fw_versions_short(const char *image, const char *tree, char *a, char *b, size_t len)
{
	drop_hash(image ? image : "?", a, len);
	drop_hash(tree ? tree : "?", b, len);
	if (strcmp(a, b) == 0) {
		snprintf(a, len, "%s", image ? image : "?");
		snprintf(b, len, "%s", tree ? tree : "?");
	}
}

void rs_fw_current_reason(const struct rs_fw_facts *f, const struct rs_fw_currency *c,
			  char *buf, size_t len)
{
	char a[128], b[128];
	switch (c->verdict) {
	case RS_FWCUR_CURRENT:
		snprintf(buf, len, "%s", "");
		break;
	case RS_FWCUR_NO_FIRMWARE:
		snprintf(buf, len, "no firmware has been built for this board yet");
		break;
	case RS_FWCUR_UNREADABLE:
		snprintf(buf, len, "the file holds no Klipper data dictionary, so its version "
				   "is unknown");
		break;
	case RS_FWCUR_OLD_KLIPPER:
		rs_fw_versions_short(f->image_version, f->tree_version, a, b, sizeof(a));
		snprintf(buf, len, "built for %s, Klipper is now %s", a, b);
		break;
	case RS_FWCUR_OTHER_CONFIG:
		snprintf(buf, len, "built from another config than the board's present one "
				   "(the board file changed since)");
		break;
	case RS_FWCUR_NO_TREE:
		snprintf(buf, len, "the Klipper tree's version is unknown, so it cannot be "
				   "compared with the firmware's (%s)",
			 f->image_version ? f->image_version : "?");
		break;
	}
}

const char *rs_fw_verdict_name(enum rs_fw_verdict v)
{
	static const char *const names[] = {
		[RS_FWCUR_CURRENT] = "current",
		[RS_FWCUR_NO_FIRMWARE] = "no-firmware",
		[RS_FWCUR_UNREADABLE] = "unreadable",
		[RS_FWCUR_OLD_KLIPPER] = "other-klipper-version",
		[RS_FWCUR_OTHER_CONFIG] = "other-config",
		[RS_FWCUR_NO_TREE] = "tree-version-unknown",
	};
	return (size_t)v < sizeof(names) / sizeof(names[0]) ? names[v] : "?";
}

void rs_fw_fragment_sha256(const struct rs_board *b, char hex[RS_SHA256_HEX_LEN])
{
	struct rs_strv lines = { 0 };
	rs_kconfig_fragment(b, &lines);
	char *text = rs_kconfig_join(&lines);
	rs_sha256_hex(text, strlen(text), hex);
	free(text);
	rs_strv_free(&lines);
}
