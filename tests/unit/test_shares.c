// SPDX-License-Identifier: GPL-2.0
/* Unit tests for user/score/shares.c: shares of a CPU profile carry the
 * uncertainty of their sample count. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "shares.h"

static void test_wilson(void **state)
{
	struct share s = share_of(50, 100);

	assert_float_equal(s.value, 0.5, 1e-9);
	assert_float_equal(s.margin, 0.0962, 5e-4);
	/* nothing seen in 10 samples may still be a quarter of the time */
	s = share_of(0, 10);
	assert_float_equal(s.value, 0, 1e-9);
	assert_float_equal(s.margin, 0.139, 1e-3);
	/* more samples, narrower */
	assert_true(share_of(5000, 10000).margin < 0.01);
	assert_float_equal(share_of(0, 0).margin, 1, 1e-9);
}

static void test_groups(void **state)
{
	struct metrics m;

	memset(&m, 0, sizeof(m));
	m.cat_samples[CAT_TLS] = 30;
	m.cat_samples[CAT_KNET] = 10;
	m.cat_samples[CAT_KNET_COPY] = 10;
	m.cat_samples[CAT_SYSCALL] = 10;
	m.cat_samples[CAT_SCHED] = 20;
	m.cat_samples[CAT_UNKNOWN] = 20;
	m.cpu_samples = 100;
	shares_derive(&m);
	assert_float_equal(m.group_share[GROUP_TLS].value, 0.3, 1e-9);
	assert_float_equal(m.group_share[GROUP_KERNEL].value, 0.3, 1e-9);
	assert_float_equal(m.group_share[GROUP_OTHER].value, 0.4, 1e-9);
	assert_float_equal(m.group_share[GROUP_HTTP].value, 0, 1e-9);
	/* kernel-net holds its sub-buckets, as metrics_cat_share() says */
	assert_float_equal(m.cat_share[CAT_KNET].value, 0.2, 1e-9);
	assert_float_equal(m.cat_share[CAT_KNET].value,
			   metrics_cat_share(&m, CAT_KNET), 1e-9);
	assert_float_equal(m.cat_share[CAT_KNET_COPY].value, 0.1, 1e-9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wilson),
		cmocka_unit_test(test_groups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
