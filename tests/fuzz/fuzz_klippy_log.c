/* libFuzzer target: the klippy.log reader and the printer.cfg reader. The
 * input is fed to the log reader whole and split at a point it chooses (the
 * answer must not depend on chunking), and parsed as a printer.cfg whose
 * includes name the input again up to a fixed depth. Never a crash, an
 * unterminated string or a table overflow. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/klippy_log.h"
#include "core/printer_cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct rs_klog a, b;
static struct rs_pcfg cfg;
static const uint8_t *input;
static size_t input_len;
static int depth, files; /* as platform/doctor_files.c bounds both */

static void include(void *ctx, const char *pattern, const char *file, int line)
{
	(void)pattern;
	(void)file;
	(void)line;
	if (depth >= 3 || files >= 20)
		return;
	depth++;
	files++;
	rs_pcfg_parse(ctx, "inc.cfg", (const char *)input, input_len, include, ctx);
	depth--;
}

static void check_strings(const struct rs_klog *k)
{
	if (k->mcu_count > RS_KLOG_MAX_MCUS || strlen(k->host_version) >= RS_KLOG_STR)
		__builtin_trap();
	for (size_t i = 0; i < k->mcu_count; i++)
		if (strlen(k->mcus[i].version) >= RS_KLOG_STR || !k->mcus[i].name[0])
			__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rs_klog_init(&a);
	rs_klog_feed(&a, (const char *)data, size);
	rs_klog_finish(&a);
	check_strings(&a);
	size_t cut = size ? data[0] % (size + 1) : 0;
	rs_klog_init(&b);
	rs_klog_feed(&b, (const char *)data, cut);
	rs_klog_feed(&b, (const char *)data + cut, size - cut);
	rs_klog_finish(&b);
	if (a.mcu_count != b.mcu_count || a.starts != b.starts || a.lines != b.lines ||
	    strcmp(a.host_version, b.host_version) != 0 || a.protocol_error != b.protocol_error)
		__builtin_trap();
	for (size_t i = 0; i < a.mcu_count; i++)
		if (strcmp(a.mcus[i].version, b.mcus[i].version) != 0 ||
		    a.mcus[i].listed != b.mcus[i].listed)
			__builtin_trap();

	memset(&cfg, 0, sizeof(cfg));
	input = data;
	input_len = size;
	depth = files = 0;
	rs_pcfg_parse(&cfg, "printer.cfg", (const char *)data, size, include, &cfg);
	if (cfg.mcu_count > RS_PCFG_MAX_MCUS)
		__builtin_trap();
	char id[64], chip[32];
	for (size_t i = 0; i < cfg.mcu_count; i++)
		rs_pcfg_serial_names(cfg.mcus[i].serial, id, sizeof(id), chip, sizeof(chip));
	return 0;
}
