#include "app/flash_report.h"

#include "core/json_out.h"

void rs_flash_report_routes(FILE *out, const struct rs_route_list *l)
{
	for (size_t i = 0; i < l->count; i++) {
		const struct rs_route_option *o = &l->items[i];
		fprintf(out, "  %-9s %s: %s\n", rs_route_name(o->route), rs_route_title(o->route),
			o->possible ? "possible now" : o->can_wait ? "waits for the board" : "not now");
		if (!o->possible && o->why_not[0])
			fprintf(out, "            %s\n", o->why_not);
		fprintf(out, "            needs %s\n", o->needs);
	}
}

void rs_flash_report_plan(FILE *out, const struct rs_board *b, enum rs_route route,
			  const struct rs_strv *plan)
{
	fprintf(out, "Plan for %s over %s (nothing is run):\n", b->id, rs_route_title(route));
	for (size_t i = 0; i < plan->count; i++)
		fprintf(out, "  %zu. %s\n", i + 1, plan->items[i]);
	if (route == RS_ROUTE_USB && b->has_dfu && b->mcu && b->mcu[0] == 's')
		fprintf(out, "If make flash fails and the board re-enumerates in DFU (%s): check "
			     "dfu-util >= 0.11, make flash FLASH_DEVICE=%s with the same build, then "
			     "wait for the board back on USB.\n", RS_DFU_DEVICE, RS_DFU_DEVICE);
}

static void route_json(struct rs_json *j, const struct rs_route_option *o)
{
	rs_json_object_begin(j);
	rs_json_kv_string(j, "route", rs_route_name(o->route));
	rs_json_kv_bool(j, "possible", o->possible);
	rs_json_kv_bool(j, "waits", o->can_wait);
	rs_json_kv_string(j, "device", o->device);
	rs_json_kv_string(j, "needs", o->needs);
	rs_json_kv_string(j, "why_not", o->why_not[0] ? o->why_not : NULL);
	rs_json_object_end(j);
}

void rs_flash_report_json(const struct rs_board *b, const struct rs_route_list *l,
			  const struct rs_klipper_service *svc, const struct rs_route_option *chosen,
			  const struct rs_strv *plan, const struct rs_job_result *res)
{
	struct rs_json j;
	rs_json_init(&j, stdout);
	rs_json_object_begin(&j);
	rs_json_kv_string(&j, "board", b->id);
	rs_json_kv_bool(&j, "manual", l->manual);
	rs_json_kv_string(&j, "klipper_service", rs_service_state_name(svc->state));
	rs_json_key(&j, "routes");
	rs_json_array_begin(&j);
	for (size_t i = 0; i < l->count; i++)
		route_json(&j, &l->items[i]);
	rs_json_array_end(&j);
	rs_json_kv_string(&j, "route", chosen ? rs_route_name(chosen->route) : NULL);
	if (plan) {
		rs_json_key(&j, "plan");
		rs_json_array_begin(&j);
		for (size_t i = 0; i < plan->count; i++)
			rs_json_string(&j, plan->items[i]);
		rs_json_array_end(&j);
	}
	if (res) {
		rs_json_kv_bool(&j, "ok", res->state == RS_JOB_SUCCEEDED);
		rs_json_kv_string(&j, "state", rs_job_state_name(res->state));
		rs_json_kv_string(&j, "failed_step", res->failed_step);
		rs_json_kv_string(&j, "message", res->status.message);
		rs_json_kv_string(&j, "hint", res->status.hint);
		rs_json_kv_bool(&j, "klipper_restart_failed", res->finally_failed);
	}
	rs_json_object_end(&j);
	rs_json_finish(&j);
}
