/* What `ratos-setup flash` prints: the board's routes, the plan of a dry
 * run, and the outcome, for people and as JSON. */
#ifndef RS_APP_FLASH_REPORT_H
#define RS_APP_FLASH_REPORT_H

#include <stdio.h>

#include "core/flash_route.h"
#include "platform/job.h"
#include "platform/klipper_service.h"

/* One line per route: title, possible now or why not, what it needs. */
void rs_flash_report_routes(FILE *out, const struct rs_route_list *l);
void rs_flash_report_plan(FILE *out, const struct rs_board *b, enum rs_route route,
			  const struct rs_strv *plan);
void rs_flash_report_json(const struct rs_board *b, const struct rs_route_list *l,
			  const struct rs_klipper_service *svc, const struct rs_route_option *chosen,
			  const struct rs_strv *plan, const struct rs_job_result *res);

#endif
