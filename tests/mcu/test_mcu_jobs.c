/* The Katapult and host-MCU job tables, run for real against a recording
 * flashtool.py and a recording Klipper Makefile: arguments and order, and
 * the clear refusal when CAN is not set up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/file_read.h"
#include "core/xalloc.h"
#include "platform/mcu_jobs.h"

static char dir[] = "/tmp/rs-mcujobs-XXXXXX";
static char *record, *tool, *net, *klipper;

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	record = rs_xasprintf("%s/record", dir);
	tool = rs_xasprintf("%s/flashtool.py", dir);
	net = rs_xasprintf("%s/net", dir);
	klipper = rs_xasprintf("%s/klipper", dir);
	mkdir(net, 0755);
	mkdir(klipper, 0755);
	/* Run with sh instead of python3: records its arguments. */
	write_file(tool, "echo \"flashtool $*\" >>\"$RS_RECORD\"\n"
			 "case \" $* \" in *' -f '*) echo 'Programming Complete';; esac\n", 0755);
	char *mk = rs_xasprintf("%s/Makefile", klipper);
	write_file(mk, "all:\n\t@echo \"compile $(OUT) $(MAKEFLAGS)\" >>\"$(RS_RECORD)\"\n"
		       "olddefconfig:\n\t@echo \"olddefconfig $(KCONFIG_CONFIG) $(OUT)\" >>"
		       "\"$(RS_RECORD)\"\n"
		       "flash:\n\t@echo \"flash $(OUT)\" >>\"$(RS_RECORD)\"\n",
		   0644);
	free(mk);
	setenv("RS_RECORD", record, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = rs_xasprintf("rm -rf '%s'", dir);
	int rc = system(cmd);
	free(cmd);
	free(record);
	free(tool);
	free(net);
	free(klipper);
	return rc;
}

static char *recorded(void)
{
	size_t len;
	char *s = rs_file_read(record, 1 << 20, &len, NULL);
	unlink(record);
	return s ? s : rs_xstrdup("");
}

static enum rs_job_state run(const struct rs_job_table *t, void *ctx,
			     struct rs_job_result *res)
{
	struct rs_job_opts jo = { 0 };
	struct rs_job *job = rs_job_new(t, ctx, &jo);
	static volatile sig_atomic_t cancel;
	enum rs_job_state st = rs_job_run(job, &cancel);
	const struct rs_job_result *r = rs_job_result(job);
	res->state = r->state;
	res->status.message = r->status.message ? rs_xstrdup(r->status.message) : NULL;
	res->failed_step = NULL;
	rs_job_free(job);
	return st;
}

static void test_katapult_can_not_set_up(void **state)
{
	(void)state;
	struct rs_katapult_ctx c = { .python = "sh", .tool = tool, .firmware = "/tmp/fw.bin",
				     .uuid = "11aa22bb33cc", .sys_net = net,
				     .request_first = true };
	struct rs_job_result res = { 0 };
	assert_int_equal(run(&rs_katapult_job, &c, &res), RS_JOB_FAILED);
	assert_non_null(strstr(res.status.message, "CAN is not set up"));
	assert_non_null(strstr(res.status.message, "can0"));
	free(res.status.message);
	char *r = recorded();
	assert_string_equal(r, ""); /* flashtool never ran */
	free(r);
}

static void test_katapult_can(void **state)
{
	(void)state;
	char *can0 = rs_xasprintf("%s/can0", net);
	mkdir(can0, 0755);
	struct rs_katapult_ctx c = { .python = "sh", .tool = tool, .firmware = "/tmp/fw.bin",
				     .uuid = "11aa22bb33cc", .sys_net = net,
				     .request_first = true };
	struct rs_strv plan = { 0 };
	rs_job_plan(&rs_katapult_job, &c, &plan);
	assert_int_equal(plan.count, 5);
	assert_non_null(strstr(plan.items[2], "request-katapult: sh "));
	assert_non_null(strstr(plan.items[2], " -i can0 -u 11aa22bb33cc -r"));
	assert_non_null(strstr(plan.items[4], " -i can0 -u 11aa22bb33cc -f /tmp/fw.bin"));
	rs_strv_free(&plan);

	struct rs_job_result res = { 0 };
	assert_int_equal(run(&rs_katapult_job, &c, &res), RS_JOB_SUCCEEDED);
	free(res.status.message);
	char *r = recorded();
	assert_string_equal(r, "flashtool -i can0 -u 11aa22bb33cc -r\n"
			       "flashtool -i can0 -u 11aa22bb33cc -f /tmp/fw.bin\n");
	free(r);
	/* Already in Katapult: no request. */
	c.request_first = false;
	assert_int_equal(run(&rs_katapult_job, &c, &res), RS_JOB_SUCCEEDED);
	r = recorded();
	assert_string_equal(r, "flashtool -i can0 -u 11aa22bb33cc -f /tmp/fw.bin\n");
	free(r);
	rmdir(can0);
	free(can0);
}

static void test_katapult_usb_and_missing_tool(void **state)
{
	(void)state;
	const char *dev = "/dev/serial/by-id/usb-katapult_stm32f446xx_4C0038000851363131363530-if00";
	struct rs_katapult_ctx c = { .python = "sh", .tool = tool, .firmware = "/tmp/fw.bin",
				     .device = dev, .sys_net = net };
	struct rs_job_result res = { 0 };
	/* No can0 needed over USB. */
	assert_int_equal(run(&rs_katapult_job, &c, &res), RS_JOB_SUCCEEDED);
	char *r = recorded();
	char want[256];
	snprintf(want, sizeof(want), "flashtool -d %s -f /tmp/fw.bin\n", dev);
	assert_string_equal(r, want);
	free(r);
	c.tool = NULL;
	assert_int_equal(run(&rs_katapult_job, &c, &res), RS_JOB_FAILED);
	assert_non_null(strstr(res.status.message, "flashtool.py was not found"));
	free(res.status.message);
	r = recorded();
	assert_string_equal(r, "");
	free(r);
}

static void test_find_tool(void **state)
{
	(void)state;
	char *home = rs_xasprintf("%s/home", dir);
	char *p = rs_xasprintf("%s/CanBoot/scripts", home);
	char *cmd = rs_xasprintf("mkdir -p '%s' && touch '%s/flash_can.py'", p, p);
	assert_int_equal(system(cmd), 0);
	char *found = rs_katapult_find_tool(home);
	assert_non_null(found);
	assert_non_null(strstr(found, "CanBoot/scripts/flash_can.py"));
	free(found);
	free(cmd);
	cmd = rs_xasprintf("mkdir -p '%s/katapult/scripts' && touch "
			   "'%s/katapult/scripts/flashtool.py'", home, home);
	assert_int_equal(system(cmd), 0);
	found = rs_katapult_find_tool(home);
	assert_non_null(strstr(found, "katapult/scripts/flashtool.py"));
	free(found);
	assert_null(rs_katapult_find_tool(dir));
	assert_false(rs_net_interface_exists(net, "../net"));
	free(cmd);
	free(p);
	free(home);
}

static void test_host_mcu(void **state)
{
	(void)state;
	char *work = rs_xasprintf("%s/cache/linux-host", dir);
	struct rs_host_mcu_ctx c = { .klipper_dir = klipper, .work_dir = work, .jobs = 2 };
	struct rs_job_result res = { 0 };
	assert_int_equal(run(&rs_host_mcu_job, &c, &res), RS_JOB_SUCCEEDED);
	char *r = recorded();
	char want[2048];
	snprintf(want, sizeof(want),
		 "olddefconfig %s/config %s/out/\ncompile %s/out/ ", work, work, work);
	assert_memory_equal(r, want, strlen(want));
	char *flash = rs_xasprintf("\nflash %s/out/\n", work);
	assert_non_null(strstr(r, flash));
	assert_non_null(strstr(r, "j2") ? r : NULL);
	free(flash);
	free(r);
	size_t len;
	char *cfg = rs_file_read(c.config_path, 4096, &len, NULL);
	assert_non_null(cfg);
	assert_non_null(strstr(cfg, "CONFIG_MACH_LINUX=y\n"));
	free(cfg);
	free(work);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_katapult_can_not_set_up),
		cmocka_unit_test(test_katapult_can),
		cmocka_unit_test(test_katapult_usb_and_missing_tool),
		cmocka_unit_test(test_find_tool),
		cmocka_unit_test(test_host_mcu),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
