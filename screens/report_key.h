/* p on a screen that shows a failure (the firmware build failed, the SD card
 * step hit a fault, doctor found an MCU to flash): the help report of
 * platform/report.h, written at once, and one line that says where it went.
 * (r is the build screen's retry, so the report has a key of its own, the
 * same on every screen.) */
#ifndef RS_SCREENS_REPORT_KEY_H
#define RS_SCREENS_REPORT_KEY_H

#include "screens/wizard.h"

#define RS_REPORT_LEGEND "p", "report for help"

/* Writes the report (default name, current directory or home) and puts the
 * line for the screen in w->report_msg: "Report for help written: PATH", or
 * "!! ..." when it was not. */
void rs_wizard_write_report(struct rs_wizard *w);

#endif
