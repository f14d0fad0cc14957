// SPDX-License-Identifier: GPL-2.0
/* Unit tests for user/lathist.c: HDR buckets, merging and percentiles. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "kinds.h"
#include "lathist.h"

static void test_slots_cover_values(void **state)
{
	uint64_t lo, hi;

	/* Every value falls in the bucket its slot names, and buckets are
	 * contiguous: the slot formula and the bounds agree. */
	for (uint64_t v = 0; v < (1ULL << 20); v += 1 + v / 97) {
		uint32_t s = lat_slot(v);

		lat_bounds(s, &lo, &hi);
		assert_true(lo <= v && v < hi);
	}
	for (uint32_t s = 1; s < LAT_SLOTS; s++) {
		uint64_t plo, phi;

		lat_bounds(s - 1, &plo, &phi);
		lat_bounds(s, &lo, &hi);
		assert_int_equal(phi, lo);
	}
	assert_int_equal(lat_slot(15), 15);
	assert_int_equal(lat_slot(16), 16);
	assert_int_equal(lat_slot(17), 17);
	assert_int_equal(lat_slot(32), 32);
	assert_int_equal(lat_slot(34), 33);	/* width 2 from 32 on */
	assert_int_equal(lat_slot(UINT64_MAX), LAT_SLOTS - 1);
}

static void test_bucket_width_bound(void **state)
{
	uint64_t lo, hi;

	/* The stated error bound: width <= value/16 above the linear range. */
	for (uint32_t s = LAT_SUB; s < LAT_SLOTS; s++) {
		lat_bounds(s, &lo, &hi);
		assert_true((hi - lo) * LAT_SUB <= lo);
	}
}

static void test_percentiles(void **state)
{
	struct latency_hist h = { 0 };
	uint64_t p50, p99;

	/* 98 requests of 5 ms and one each of 50 ms and 200 ms. */
	assert_int_equal(lat_add_slot(&h, lat_slot(5000000), 98), 0);
	assert_int_equal(lat_add_slot(&h, lat_slot(50000000), 1), 0);
	assert_int_equal(lat_add_slot(&h, lat_slot(200000000), 1), 0);
	h.max_ns = 200000000;
	p50 = lat_percentile(&h, 50);
	p99 = lat_percentile(&h, 99);
	assert_true(p50 > 5000000 * 0.968 && p50 < 5000000 * 1.032);
	assert_true(p99 > 50000000 * 0.968 && p99 < 50000000 * 1.032);
	assert_int_equal(lat_percentile(&h, 100), 200000000);
	assert_int_equal(h.count, 100);
	lat_free(&h);
	assert_int_equal(lat_percentile(&h, 50), 0);
}

static void test_percentile_capped_by_max(void **state)
{
	struct latency_hist h = { 0 };

	lat_add_slot(&h, lat_slot(1000), 1);
	h.max_ns = 1000;	/* the bucket's midpoint is above 1000 */
	assert_int_equal(lat_percentile(&h, 50), 1000);
	lat_free(&h);
}

static void test_merge(void **state)
{
	struct latency_hist a = { 0 }, b = { 0 }, empty = { 0 };

	lat_add_slot(&a, 100, 3);
	a.max_ns = 7;
	lat_add_slot(&b, 100, 2);
	lat_add_slot(&b, 200, 5);
	b.max_ns = 9;
	assert_int_equal(lat_merge(&a, &b), 0);
	assert_int_equal(lat_merge(&a, &empty), 0);
	assert_int_equal(a.count, 10);
	assert_int_equal(a.slots[100], 5);
	assert_int_equal(a.slots[200], 5);
	assert_int_equal(a.max_ns, 9);
	assert_int_equal(lat_add_slot(&a, LAT_SLOTS, 1), 0);	/* ignored */
	assert_int_equal(a.count, 10);
	lat_free(&a);
	lat_free(&b);
}

static void test_kind_names(void **state)
{
	for (int k = 0; k < LAT_KINDS; k++)
		assert_int_equal(lat_kind_parse(lat_kind_name(k)), k);
	assert_int_equal(lat_kind_parse("dwell"), -1);
	assert_string_equal(lat_kind_name(LAT_DWELL_REQUEST), "dwell_request");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slots_cover_values),
		cmocka_unit_test(test_bucket_width_bound),
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_percentile_capped_by_max),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_kind_names),
	};

	return cmocka_run_group_tests_name("lathist", tests, NULL, NULL);
}
