#include "screens/hw.h"

#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/board_match.h"
#include "core/text_safe.h"
#include "core/xalloc.h"
#include "platform/loop.h"
#include "platform/sdcard.h"
#include "screens/wizard.h"
#include "tui/tui.h"

static const struct rs_hw_list empty_list;

static bool on_ready(int fd, short revents, void *data)
{
	(void)fd;
	struct rs_wizard *w = data;
	struct rs_wizard_hw *hw = &w->hw;
	if (revents & (POLLERR | POLLNVAL)) {
		/* A broken monitor would wake the loop forever: keep the last
		 * list, stop watching, and say so. */
		rs_loop_remove_fd(rs_tui_loop(), hw->loop_handle);
		hw->loop_handle = -1;
		free(hw->problem);
		hw->problem = rs_xstrdup("the udev monitor failed; plugging devices in or out is "
					 "no longer noticed (restart ratos-setup)");
		return true;
	}
	return rs_discovery_process(hw->disc);
}

void rs_wizard_hw_start(struct rs_wizard *w, struct rs_discovery *given,
			const struct rs_discovery_config *cfg)
{
	struct rs_wizard_hw *hw = &w->hw;
	*hw = (struct rs_wizard_hw){ .loop_handle = -1 };
	if (given) {
		hw->disc = given;
	} else {
		char *why = NULL;
		hw->disc = rs_discovery_open(cfg, &why);
		hw->owned = hw->disc != NULL;
		if (!hw->disc) {
			hw->problem = rs_xasprintf("%s", why ? why : "unknown error");
			free(why);
			return;
		}
	}
	int fd = rs_discovery_fd(hw->disc);
	if (fd >= 0)
		hw->loop_handle = rs_loop_add_fd(rs_tui_loop(), fd, POLLIN, on_ready, w);
	if (hw->loop_handle < 0)
		hw->problem = rs_xstrdup("devices plugged in or out later are not noticed "
					 "(no udev monitor)");
}

void rs_wizard_hw_stop(struct rs_wizard *w)
{
	struct rs_wizard_hw *hw = &w->hw;
	if (hw->loop_handle >= 0)
		rs_loop_remove_fd(rs_tui_loop(), hw->loop_handle);
	if (hw->owned)
		rs_discovery_close(hw->disc);
	free(hw->problem);
	free(hw->marks);
	free(hw->device_of);
	*hw = (struct rs_wizard_hw){ .loop_handle = -1 };
}

const char *rs_wizard_hw_problem(const struct rs_wizard *w)
{
	return w->hw.problem;
}

const struct rs_hw_list *rs_wizard_hw_list(const struct rs_wizard *w)
{
	return w->hw.disc ? rs_discovery_list(w->hw.disc) : &empty_list;
}

unsigned long rs_wizard_hw_generation(const struct rs_wizard *w)
{
	/* +1: a list that appears (discovery starting) is a change from none. */
	return w->hw.disc ? rs_discovery_generation(w->hw.disc) + 1 : 0;
}

/* Marks and matched devices per catalog board, once per list generation. */
static void derive(struct rs_wizard *w)
{
	struct rs_wizard_hw *hw = &w->hw;
	unsigned long gen = rs_wizard_hw_generation(w);
	if (hw->derived && hw->derived_gen == gen)
		return;
	const struct rs_catalog *cat = w->cat;
	const struct rs_hw_list *l = rs_wizard_hw_list(w);
	free(hw->marks);
	free(hw->device_of);
	hw->marks = rs_xcalloc(cat->board_count + 1, sizeof(*hw->marks));
	hw->device_of = rs_xcalloc(cat->board_count + 1, sizeof(*hw->device_of));
	for (size_t i = 0; i < cat->board_count; i++)
		hw->device_of[i] = SIZE_MAX;
	for (size_t d = 0; d < l->board_count; d++) {
		struct rs_board_match m;
		rs_board_match(cat, &l->boards[d], &m);
		unsigned char mark = m.kind == RS_MATCH_SERIAL || m.kind == RS_MATCH_MCU
					     ? RS_HW_MARK_CONNECTED
					     : RS_HW_MARK_MAYBE;
		for (size_t k = 0; k < m.count; k++) {
			size_t i = (size_t)(m.boards[k] - cat->boards);
			if (i < cat->board_count && mark > hw->marks[i]) {
				hw->marks[i] = mark;
				hw->device_of[i] = d;
			}
		}
		rs_board_match_free(&m);
	}
	hw->best = NULL;
	rs_board_match_best(cat, l->boards, l->board_count, &hw->best, NULL);
	hw->derived = true;
	hw->derived_gen = gen;
}

static size_t board_index(const struct rs_wizard *w, const struct rs_board *b)
{
	size_t i = (size_t)(b - w->cat->boards);
	return b >= w->cat->boards && i < w->cat->board_count ? i : SIZE_MAX;
}

enum rs_hw_mark rs_wizard_hw_mark(struct rs_wizard *w, const struct rs_board *b)
{
	derive(w);
	size_t i = board_index(w, b);
	return i == SIZE_MAX ? RS_HW_MARK_NONE : (enum rs_hw_mark)w->hw.marks[i];
}

const struct rs_hw_board *rs_wizard_hw_device(struct rs_wizard *w, const struct rs_board *b)
{
	derive(w);
	size_t i = board_index(w, b);
	if (i == SIZE_MAX || w->hw.device_of[i] == SIZE_MAX)
		return NULL;
	return &rs_wizard_hw_list(w)->boards[w->hw.device_of[i]];
}

const struct rs_board *rs_wizard_hw_best(struct rs_wizard *w)
{
	derive(w);
	return w->hw.best;
}

void rs_wizard_hw_board_text(const struct rs_wizard *w, const struct rs_hw_board *hb, char *buf,
			     size_t len)
{
	struct rs_board_match m;
	rs_board_match(w->cat, hb, &m);
	char *node = rs_text_safe(hb->devnode ? hb->devnode : "(no node)"); /* udev's */
	int n = snprintf(buf, len, "%s  %s%s%s", node,
			 rs_hw_board_kind_title(hb->kind), hb->mcu ? ", " : "",
			 hb->mcu ? hb->mcu : "");
	for (size_t k = 0; k < m.count && n >= 0 && (size_t)n < len; k++)
		n += snprintf(buf + n, len - (size_t)n, "%s%s",
			      k == 0 ? (m.kind == RS_MATCH_MCU_SEVERAL ? ": could be " : ": ")
				     : (k + 1 == m.count ? " or " : ", "),
			      m.boards[k]->name);
	if (m.kind == RS_MATCH_NONE && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, ": no board file matches");
	rs_board_match_free(&m);
	free(node);
}

const char *rs_wizard_hw_card_fs(const struct rs_hw_card *c)
{
	const struct rs_hw_part *p = rs_hw_card_target_part(c);
	const char *type = p ? p->fs_type : NULL;
	if (!type)
		return "unformatted";
	if (strcmp(type, "vfat") == 0)
		return p->fs_version ? p->fs_version : "FAT";
	if (strcmp(type, "exfat") == 0)
		return "exFAT";
	if (strcmp(type, "ntfs") == 0)
		return "NTFS";
	return type;
}

bool rs_wizard_hw_card_is_fat(const struct rs_hw_card *c)
{
	const char *fs = rs_wizard_hw_card_fs(c);
	return strcmp(fs, "FAT32") == 0 || strcmp(fs, "FAT16") == 0;
}

void rs_wizard_hw_card_text(const struct rs_hw_card *c, char *buf, size_t len)
{
	const struct rs_hw_part *p = rs_hw_card_target_part(c);
	char name[128], size[32];
	/* udev's model strings use '_' for spaces. */
	snprintf(name, sizeof(name), "%s%s%s", c->vendor ? c->vendor : "",
		 c->vendor && c->model ? " " : "", c->model ? c->model : "");
	for (char *s = name; *s; s++)
		if (*s == '_')
			*s = ' ';
	rs_sd_format_size(p && p->size ? p->size : c->size, size, sizeof(size));
	const char *label = p ? p->fs_label : NULL;
	char *node = rs_text_safe(rs_hw_card_target(c)); /* udev's */
	snprintf(buf, len, "%-10s  %-24s %9s  %s%s%s%s", node, name[0] ? name : "card reader", size,
		 rs_wizard_hw_card_fs(c), label ? " \"" : "", label ? label : "", label ? "\"" : "");
	free(node);
}
