/* drivers.yaml: the stepper drivers a socket can hold. */
#include <stddef.h>
#include <string.h>

#include "core/board_loader.h"
#include "core/yaml_fields.h"
#include "core/yaml_tree.h"

#define D(field) offsetof(struct rs_driver, field)

static const struct rs_field driver_fields[] = {
	{ .key = "id", .type = RS_F_STRING, .offset = D(id), .required = true },
	{ .key = "name", .type = RS_F_STRING, .offset = D(name), .required = true },
	{ .key = "chip", .type = RS_F_STRING, .offset = D(chip), .required = true },
	{ .key = "protocol", .type = RS_F_STRING, .offset = D(protocol), .required = true },
	/* Optional: drivers that sense current internally (TMC2240) have none. */
	{ .key = "sense_ohm", .type = RS_F_DOUBLE, .offset = D(sense_ohm),
	  .min = 0.001, .max = 1 },
	{ .key = "voltages", .type = RS_F_UINTV, .offset = D(voltages),
	  .count_offset = D(voltage_count), .required = true, .min = 5, .max = 60,
	  .max_items = RS_MAX_VOLTAGES },
	{ .key = "max_current", .type = RS_F_DOUBLE, .offset = D(max_current), .required = true,
	  .min = 0.1, .max = 20 },
	{ .key = "external", .type = RS_F_BOOL, .offset = D(external) },
	{ 0 },
};

static bool is_driver_id(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n <= 64 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n;
}

static const struct rs_ynode *find_key(const struct rs_ynode *map, const char *key)
{
	for (size_t i = 0; i + 1 < map->count; i += 2)
		if (map->kids[i]->kind == RS_YSCALAR && strcmp(map->kids[i]->value, key) == 0)
			return map->kids[i + 1];
	return map;
}

static void check_driver(struct rs_field_ctx *ctx, const struct rs_ynode *map,
			 const struct rs_driver *d, const struct rs_catalog *seen)
{
	if (!is_driver_id(d->id))
		rs_fields_error(ctx, find_key(map, "id"), RS_ERR_VALUE,
				"driver id \"%s\" must be upper-case letters, digits and dashes",
				d->id);
	else if (rs_catalog_find_driver(seen, d->id))
		rs_fields_error(ctx, find_key(map, "id"), RS_ERR_DUPLICATE_KEY,
				"driver id \"%s\" is defined twice", d->id);
	if (strcmp(d->protocol, "uart") != 0 && strcmp(d->protocol, "spi") != 0)
		rs_fields_error(ctx, find_key(map, "protocol"), RS_ERR_VALUE,
				"'protocol' must be uart or spi, not \"%s\"", d->protocol);
}

bool rs_drivers_parse(const char *file, const char *buf, size_t len, struct rs_catalog *cat,
		      struct rs_errors *errs)
{
	if (len > RS_BOARD_FILE_MAX) {
		rs_errors_add(errs, RS_ERR_TOO_LARGE, file, 1, 1,
			      "file is %zu bytes; the limit is %d", len, RS_BOARD_FILE_MAX);
		return false;
	}
	if (!rs_utf8_check(file, buf, len, errs))
		return false;
	struct rs_ynode *root = rs_ytree_parse(file, buf, len, errs);
	if (!root)
		return false;

	struct rs_field_ctx ctx = { .file = file, .errs = errs };
	struct rs_catalog local = { 0 };
	const struct rs_ynode *list = NULL;
	if (root->kind != RS_YMAP || root->count != 2 || strcmp(root->kids[0]->value ? root->kids[0]->value : "", "drivers") != 0)
		rs_fields_error(&ctx, root, RS_ERR_TYPE, "expected a single key 'drivers' holding a list");
	else if ((list = root->kids[1])->kind != RS_YSEQ)
		rs_fields_error(&ctx, list, RS_ERR_TYPE, "'drivers' must be a list of drivers");

	for (size_t i = 0; list && list->kind == RS_YSEQ && i < list->count; i++) {
		struct rs_driver d = { 0 };
		unsigned before = ctx.failures;
		if (rs_fields_load(&ctx, list->kids[i], driver_fields, &d))
			check_driver(&ctx, list->kids[i], &d, &local);
		if (ctx.failures == before)
			rs_catalog_add_driver(&local, &d);
		else
			rs_driver_free(&d);
	}
	rs_ytree_free(root);

	bool ok = ctx.failures == 0;
	for (size_t i = 0; ok && i < local.driver_count; i++)
		rs_catalog_add_driver(cat, &local.drivers[i]);
	rs_catalog_free(&local);
	return ok;
}
