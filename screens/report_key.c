#include "screens/report_key.h"

#include <stdio.h>
#include <stdlib.h>

#include "platform/discovery.h"
#include "platform/paths.h"
#include "platform/report.h"

void rs_wizard_write_report(struct rs_wizard *w)
{
	struct rs_report_opts o = {
		.cat = w->cat,
		.version = w->version,
		.boards_dir = w->boards_dir,
		.klipper_dir = w->klipper_dir,
		.hw = w->hw.disc ? rs_discovery_list(w->hw.disc) : NULL,
		.saved_board = w->st.board[0] ? w->st.board : NULL,
	};
	struct rs_report_result res;
	if (rs_report_make(&o, &res) == RS_REPORT_OK) {
		char *shown = rs_path_pretty(res.path);
		snprintf(w->report_msg, sizeof(w->report_msg), "Report for help written: %s", shown);
		free(shown);
	} else {
		snprintf(w->report_msg, sizeof(w->report_msg), "!! No report: %s",
			 res.why ? res.why : "the file exists already");
	}
	rs_report_result_free(&res);
}
