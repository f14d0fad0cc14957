// SPDX-License-Identifier: GPL-2.0
/* Unit tests for user/lib/pidmap.c: open addressing with backward-shift
 * deletion, checked against a plain array under churn. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pidmap.h"

#define SPACE 4096

static void test_set_get_del(void **state)
{
	struct pidmap m = { 0 };

	assert_int_equal(pidmap_get(&m, 42), -1);
	assert_int_equal(pidmap_set(&m, 42, 7), 0);
	assert_int_equal(pidmap_get(&m, 42), 7);
	assert_int_equal(pidmap_set(&m, 42, 8), 0);
	assert_int_equal(pidmap_get(&m, 42), 8);
	assert_int_equal(m.len, 1);
	pidmap_del(&m, 42);
	assert_int_equal(pidmap_get(&m, 42), -1);
	assert_int_equal(m.len, 0);
	pidmap_del(&m, 42);
	assert_int_not_equal(pidmap_set(&m, 0, 1), 0);	/* 0 marks empty */
	pidmap_free(&m);
}

/* Processes come and go, as on a busy node: the map must always agree
 * with a plain array, and stay as small as what lives. */
static void test_churn(void **state)
{
	static int truth[SPACE];
	struct pidmap m = { 0 };
	size_t live = 0, peak_cap = 0;

	srand(1);
	memset(truth, -1, sizeof(truth));
	for (int i = 0; i < 400000; i++) {
		uint32_t pid = 1 + rand() % (SPACE - 1);
		int op = rand() % 3;

		if (op < 2 && live < 1000) {
			live += truth[pid] < 0;
			truth[pid] = i;
			assert_int_equal(pidmap_set(&m, pid, i), 0);
		} else {
			live -= truth[pid] >= 0;
			truth[pid] = -1;
			pidmap_del(&m, pid);
		}
		if (m.cap > peak_cap)
			peak_cap = m.cap;
		if (i % 997 == 0)
			for (uint32_t p = 1; p < SPACE; p++)
				assert_int_equal(pidmap_get(&m, p), truth[p]);
	}
	assert_int_equal(m.len, live);
	assert_true(peak_cap <= 4096);	/* bounded by what lived at once */
	pidmap_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_get_del),
		cmocka_unit_test(test_churn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
