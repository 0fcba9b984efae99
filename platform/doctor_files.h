/* The files `doctor` reads: klippy.log (streamed, only its tail) and
 * printer.cfg with the files it includes. */
#ifndef RS_PLATFORM_DOCTOR_FILES_H
#define RS_PLATFORM_DOCTOR_FILES_H

#include <stdbool.h>

#include "core/error.h"
#include "core/klippy_log.h"
#include "core/printer_cfg.h"

/* Logs rotate, but one that never did can be huge: only its last
 * RS_KLOG_WINDOW bytes are read (the last start is near the end). */
#define RS_KLOG_WINDOW (256ull * 1024 * 1024)

/* ~/printer_data/logs/klippy.log and ~/printer_data/config/printer.cfg of
 * the invoking user. Caller frees. */
char *rs_doctor_default_log(void);
char *rs_doctor_default_config(void);

/* Streams the file (its last window bytes) into k, which is initialised
 * here. *cut: the start of the file was skipped. False with errno set. */
bool rs_klog_read_file(const char *path, unsigned long long window, struct rs_klog *k,
		       bool *cut);
/* printer.cfg and every file it includes (relative to the including file,
 * globs as Klipper allows), at most 8 levels and 100 files deep. Problems
 * (a missing include, a loop) are added to errs; false when path itself
 * cannot be read. */
bool rs_pcfg_read_file(const char *path, struct rs_pcfg *cfg, struct rs_errors *errs);

#endif
