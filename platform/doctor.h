/* Everything `doctor` (and the wizard's welcome screen) says about the
 * printer's MCUs after the last Klipper start: gathered from klippy.log,
 * printer.cfg, what is connected, the wizard's saved board and the firmware
 * in firmware_binaries, then judged by core/doctor.h. */
#ifndef RS_PLATFORM_DOCTOR_H
#define RS_PLATFORM_DOCTOR_H

#include <stdbool.h>

#include "core/catalog.h"
#include "core/doctor.h"
#include "core/error.h"
#include "core/fw_current.h"
#include "core/hw.h"
#include "core/klippy_log.h"

#define RS_DOCTOR_MAX_MCUS RS_KLOG_MAX_MCUS

struct rs_doctor_opts {
	const struct rs_catalog *cat;
	const char *klipper_dir; /* NULL: ~/klipper */
	const char *log_path;    /* NULL: ~/printer_data/logs/klippy.log */
	const char *config_path; /* NULL: ~/printer_data/config/printer.cfg */
	const struct rs_hw_list *hw; /* connected now; NULL: not looked */
	const char *saved_board;     /* the wizard's, or NULL */
	/* How much of the log's end to read; 0: RS_KLOG_WINDOW. */
	unsigned long long log_window;
};

enum rs_doctor_log {
	RS_DOCLOG_OK,
	RS_DOCLOG_UNREADABLE, /* missing or not readable (log_errno) */
	RS_DOCLOG_EMPTY,
	RS_DOCLOG_BINARY,
	RS_DOCLOG_NO_START, /* text, but no "Starting Klippy" in it */
};

struct rs_doctor_entry {
	char name[64];
	char mcu_version[RS_KLOG_STR];
	char chip[48];
	char serial[256]; /* from printer.cfg, "" when none */
	const struct rs_board *board;
	enum rs_doctor_source source;
	char built_version[RS_KLOG_STR]; /* firmware-<board>.bin, "" none */
	struct rs_doctor_mcu judged;
};

struct rs_doctor_report {
	enum rs_doctor_log log;
	int log_errno;
	char *log_path;
	bool log_cut; /* only the log's tail was read */
	unsigned long long log_lines, start_line;
	unsigned starts;
	char host_version[RS_KLOG_STR];
	bool protocol_error;
	char *tree_version; /* of the Klipper tree now, NULL unknown */
	char *config_path;
	bool config_read;
	struct rs_errors config_problems;
	struct rs_doctor_entry entries[RS_DOCTOR_MAX_MCUS];
	size_t count;
};

void rs_doctor_gather(const struct rs_doctor_opts *o, struct rs_doctor_report *r);
/* 0 every MCU current, 1 anything else (something to flash, or unknown). */
int rs_doctor_exit_code(const struct rs_doctor_report *r);
/* One sentence on why the log says nothing, "" when it is usable. */
const char *rs_doctor_log_problem(const struct rs_doctor_report *r, char *buf, size_t len);
void rs_doctor_report_free(struct rs_doctor_report *r);

#endif
