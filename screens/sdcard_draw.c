/* Drawing for the SD card screen. */
#include "screens/sdcard_draw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/paths.h"
#include "tui/text.h"

int rs_sd_draw_firmware(WINDOW *w, int y, int cols, const char *fw_path,
			const struct rs_fwinfo *fw, bool usable)
{
	char buf[700];
	char *pretty = rs_path_pretty(fw_path);
	char *slash = strrchr(pretty, '/');
	if (slash)
		*slash = '\0';
	const char *file = slash ? slash + 1 : pretty;
	wattron(w, rs_tui_style(RS_STYLE_TITLE));
	rs_tui_put(w, y, 2, 10, "Firmware");
	wattroff(w, rs_tui_style(RS_STYLE_TITLE));
	if (!usable || !fw->size)
		snprintf(buf, sizeof(buf), "%s", file);
	else
		snprintf(buf, sizeof(buf), "%s (%zu bytes)", file, fw->size);
	rs_tui_put(w, y++, 12, cols - 14, buf);
	snprintf(buf, sizeof(buf), "in %s", slash ? pretty : ".");
	rs_tui_put(w, y++, 12, cols - 14, buf);
	free(pretty);
	if (usable) {
		snprintf(buf, sizeof(buf), "for %s, Klipper %s", fw->mcu ? fw->mcu : "?",
			 fw->version ? fw->version : "(version unknown)");
		rs_tui_put(w, y++, 12, cols - 14, buf);
	}
	return y + 1;
}

int rs_sd_draw_msg(WINDOW *w, int y, int cols, int max, const char *msg, enum rs_style style)
{
	if (!msg[0] || max <= 0)
		return y;
	wattron(w, rs_tui_style(style));
	y += rs_text_draw(w, y, 2, cols - 4, max, 0, msg);
	wattroff(w, rs_tui_style(style));
	return y + 1;
}

void rs_sd_draw_failed(WINDOW *w, int y, int rows, int cols, const char *msg, const char *hint)
{
	int room = rows - 1 - y;
	int used = rs_sd_draw_msg(w, y, cols, room - 3 > 1 ? room - 3 : 1, msg, RS_STYLE_ERROR) - y;
	y += used;
	room -= used;
	/* The hint is often in the message already. */
	if (hint && hint[0] && !strstr(msg, hint) && room > 2) {
		int n = rs_text_draw(w, y, 2, cols - 4, room - 2, 0, hint);
		y += n;
		room -= n;
	}
	if (room > 0)
		rs_text_draw(w, y, 2, cols - 4, room, 0,
			     "Enter writes again (it asks first), Up/Down chooses another card, Esc "
			     "goes back.");
}

void rs_sd_draw_written(WINDOW *w, int y, int rows, int cols, const struct rs_sd_written *r,
			const char *msg, enum rs_style style, int top)
{
	int width = cols - 4;
	wattron(w, rs_tui_style(RS_STYLE_OK));
	rs_tui_put(w, y++, 2, width, r->verified);
	wattroff(w, rs_tui_style(RS_STYLE_OK));
	char line[600];
	int n = 0;
	line[0] = '\0';
	for (size_t i = 0; i < r->done.count && n >= 0 && (size_t)n < sizeof(line); i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%s%s", i ? ", " : "Done: ",
			      r->done.items[i]);
	y += rs_text_draw(w, y, 2, width, 2, 0, line) + 1;
	y = rs_sd_draw_msg(w, y, cols, 9, msg, style);
	/* The steps scroll when a long check result leaves little room. */
	int room = rows - 1 - y;
	int skip = top;
	for (size_t i = 0; i < r->steps.count && room > 0; i++) {
		char num[24];
		snprintf(num, sizeof(num), "%zu.", i + 1);
		int lines = rs_text_lines(r->steps.items[i], width - 4);
		if (skip >= lines) {
			skip -= lines;
			continue;
		}
		if (!skip)
			rs_tui_put(w, y, 2, 3, num);
		int drawn = rs_text_draw(w, y, 6, width - 4, room, skip, r->steps.items[i]);
		skip = 0;
		y += drawn;
		room -= drawn;
	}
}
