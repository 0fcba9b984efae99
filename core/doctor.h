/* `ratos-setup doctor`'s judgement for one MCU of the last Klipper start:
 * its firmware against the host's version and the firmware already built
 * for its board, and the exact next step for the board's flash method. */
#ifndef RS_CORE_DOCTOR_H
#define RS_CORE_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>

#include "core/board.h"
#include "core/catalog.h"
#include "core/hw.h"

enum rs_doctor_verdict {
	RS_DOC_CURRENT,           /* the MCU runs the host's version */
	RS_DOC_FIRMWARE_OLDER,    /* the MCU is behind; nothing newer is built */
	RS_DOC_BUILT_NOT_FLASHED, /* firmware of the host's version is built, not flashed */
	RS_DOC_UNKNOWN,           /* the log does not say */
};

/* How the MCU was tied to a board. */
enum rs_doctor_source {
	RS_DOC_BY_NONE,
	RS_DOC_BY_SERIAL,    /* its serial: in printer.cfg names the board */
	RS_DOC_BY_CONNECTED, /* a board connected now, by USB serial or MCU */
	RS_DOC_BY_SAVED,     /* the wizard's saved board */
};

struct rs_doctor_facts {
	const char *name;         /* "mcu", "EBBCan" */
	const char *mcu_version;  /* from the log; NULL unknown */
	const char *host_version; /* from the log; NULL unknown */
	bool listed_to_update;    /* named by "MCU Protocol error" */
	const struct rs_board *board; /* NULL: not known */
	const char *built_version;    /* firmware-<board>.bin's, NULL when none */
	const char *klipper_arg;      /* --klipper DIR as given, or NULL */
	const char *serial;           /* its serial: from printer.cfg, or NULL */
};

struct rs_doctor_mcu {
	enum rs_doctor_verdict verdict;
	char next[700]; /* the next step, "" when there is none */
};

/* Which board an MCU is: the serial: of its [mcu] section (RatOS's
 * /dev/RatOS/<id>, or a by-id name carrying the USB serial), else the one
 * board connected now that fits its chip, else the wizard's saved board when
 * its chip fits. chip: from the log, "" or NULL when unknown; hw and saved
 * may be NULL. */
const struct rs_board *rs_doctor_map_board(const struct rs_catalog *cat, const char *serial,
					   const char *chip, const struct rs_hw_list *hw,
					   const char *saved, enum rs_doctor_source *source);
void rs_doctor_judge(const struct rs_doctor_facts *f, struct rs_doctor_mcu *out);
const char *rs_doctor_verdict_name(enum rs_doctor_verdict v);    /* "current", ... */
const char *rs_doctor_verdict_text(enum rs_doctor_verdict v);    /* for people */
const char *rs_doctor_source_name(enum rs_doctor_source s);

#endif
