/* Reading klippy.log as a stream: what the last Klipper start said about the
 * host and each MCU, and whether it stopped with "MCU Protocol error" (FACTS
 * §4). Fixed-size state and no allocation, so memory stays bounded whatever
 * is fed: a huge log, one endless line, binary garbage. Feed it in chunks of
 * any size; it never needs the whole file. */
#ifndef RS_CORE_KLIPPY_LOG_H
#define RS_CORE_KLIPPY_LOG_H

#include <stdbool.h>
#include <stddef.h>

#define RS_KLOG_MAX_MCUS 16
#define RS_KLOG_STR 160
#define RS_KLOG_LINE 2048 /* longer lines are cut: nothing we look for is that long */

enum rs_klog_listed { RS_KLOG_NOT_LISTED, RS_KLOG_TO_UPDATE, RS_KLOG_UP_TO_DATE };

struct rs_klog_mcu {
	char name[64];            /* last word of its section: "mcu", "EBBCan" */
	char version[RS_KLOG_STR]; /* firmware version from "Loaded MCU", "" unknown */
	char chip[48];            /* MCU=... from its config line, "" unknown */
	enum rs_klog_listed listed; /* in the Protocol error's lists */
};

struct rs_klog {
	/* What the last start said. */
	bool have_start;
	char host_version[RS_KLOG_STR]; /* "Git version: '...'" */
	struct rs_klog_mcu mcus[RS_KLOG_MAX_MCUS];
	size_t mcu_count;
	bool protocol_error;
	char error_host_version[RS_KLOG_STR]; /* "Your Klipper version is: ..." */
	/* About the whole stream. */
	unsigned long long lines, bytes, start_line; /* start_line: 1-based */
	unsigned long long fed; /* bytes looked at so far */
	unsigned starts;
	unsigned long long odd_bytes; /* NULs and control characters */
	/* Counted again from the last start: NULs a crash left long before it
	 * do not make the current block binary. */
	unsigned long long odd_at_start, bytes_at_start;
	/* Parser state. */
	char line[RS_KLOG_LINE];
	size_t line_len;
	int list; /* 0 none, 1 "should be updated", 2 "up-to-date" */
};

void rs_klog_init(struct rs_klog *k);
void rs_klog_feed(struct rs_klog *k, const char *buf, size_t len);
/* The last line, when the stream did not end in a newline. */
void rs_klog_finish(struct rs_klog *k);
/* Mostly not text: a binary file, or a disk-full log of NULs. */
bool rs_klog_looks_binary(const struct rs_klog *k);
const struct rs_klog_mcu *rs_klog_find(const struct rs_klog *k, const char *name);

#endif
