/* Catalog ordering, cross-checks and "did you mean" suggestions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/catalog.h"
#include "core/xalloc.h"

static void add(struct rs_catalog *cat, const char *id, const char *maker, const char *name,
		enum rs_board_kind kind, const char *integrated)
{
	struct rs_board b = { 0 };
	b.id = rs_xstrdup(id);
	b.manufacturer = rs_xstrdup(maker);
	b.name = rs_xstrdup(name);
	b.kind = kind;
	b.source_file = rs_xasprintf("%s.yaml", id);
	if (integrated)
		rs_strv_push(&b.integrated_drivers, integrated);
	rs_catalog_add_board(cat, &b);
	assert_null(b.id); /* ownership moved */
}

static void test_order_and_refs(void **state)
{
	(void)state;
	struct rs_catalog cat = { 0 };
	struct rs_driver d = { .id = rs_xstrdup("BTT-TMC2209-13") };
	rs_catalog_add_driver(&cat, &d);
	add(&cat, "btt-ebb36-12", "BIGTREETECH", "EBB36 v1.2", RS_KIND_TOOLBOARD, "BTT-TMC2209-13");
	add(&cat, "fysetc-spider", "Fysetc", "Spider", RS_KIND_CONTROL, NULL);
	add(&cat, "btt-octopus-11", "BIGTREETECH", "Octopus", RS_KIND_CONTROL, NULL);
	add(&cat, "btt-bad", "BIGTREETECH", "Bad", RS_KIND_CONTROL, "NO-SUCH-DRIVER");
	add(&cat, "btt-octopus-11", "BIGTREETECH", "Octopus again", RS_KIND_CONTROL, NULL);
	rs_catalog_finish(&cat);

	assert_int_equal(cat.board_count, 3);
	assert_string_equal(cat.boards[0].id, "btt-octopus-11"); /* control first */
	assert_string_equal(cat.boards[1].id, "fysetc-spider");
	assert_string_equal(cat.boards[2].id, "btt-ebb36-12");
	assert_int_equal(cat.errors.count, 2);
	assert_non_null(strstr(cat.errors.items[0].msg, "NO-SUCH-DRIVER"));
	assert_non_null(strstr(cat.errors.items[1].msg, "defined twice"));
	assert_non_null(rs_catalog_find(&cat, "fysetc-spider"));
	assert_null(rs_catalog_find(&cat, "fysetc"));
	rs_catalog_free(&cat);
}

static void test_suggest(void **state)
{
	(void)state;
	struct rs_catalog cat = { 0 };
	add(&cat, "btt-octopus-pro-429", "BIGTREETECH", "Octopus Pro 429", RS_KIND_CONTROL, NULL);
	add(&cat, "btt-octopus-pro-446", "BIGTREETECH", "Octopus Pro 446", RS_KIND_CONTROL, NULL);
	add(&cat, "fysetc-spider", "Fysetc", "Spider", RS_KIND_CONTROL, NULL);
	rs_catalog_finish(&cat);
	const char *out[4];
	size_t n = rs_catalog_suggest(&cat, "btt-octopus-pro-492", out, 4);
	assert_int_equal(n, 2);
	assert_string_equal(out[0], "btt-octopus-pro-429");
	n = rs_catalog_suggest(&cat, "spider", out, 4);
	assert_int_equal(n, 1);
	assert_string_equal(out[0], "fysetc-spider");
	assert_int_equal(rs_catalog_suggest(&cat, "zzzzzzzzzzzzzzzz", out, 4), 0);
	rs_catalog_free(&cat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_refs),
		cmocka_unit_test(test_suggest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
