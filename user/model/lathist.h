/* SPDX-License-Identifier: GPL-2.0 */
/* Latency histograms in user space: merging and percentiles. */
#ifndef MESHPROF_LATHIST_H
#define MESHPROF_LATHIST_H

#include <stdint.h>
#include <linux/types.h>
#include "latency.h"

struct latency_hist {
	uint64_t count;
	uint64_t max_ns;
	uint64_t sum_ns;	/* exact: the mean is sum_ns / count */
	uint64_t *slots;	/* LAT_SLOTS counts; NULL while count is 0 */
};

uint32_t lat_slot(uint64_t ns);
/* [lo, hi) nanoseconds covered by @slot. */
void lat_bounds(uint32_t slot, uint64_t *lo, uint64_t *hi);
int lat_add_slot(struct latency_hist *h, uint32_t slot, uint64_t n);
int lat_merge(struct latency_hist *dst, const struct latency_hist *src);
/*
 * The @pct percentile: the midpoint of the bucket holding that rank, never
 * above the recorded maximum. Within 1/32 (3.2%) of the true value.
 */
uint64_t lat_percentile(const struct latency_hist *h, double pct);
uint64_t lat_mean(const struct latency_hist *h);
void lat_free(struct latency_hist *h);

#endif
