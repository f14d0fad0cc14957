// SPDX-License-Identifier: GPL-2.0
#include <assert.h>
#include <errno.h>
#include <string.h>
#include "metrics.h"

static_assert(sizeof(struct proc_stats) == NKCOUNTERS * sizeof(__u64),
	      "struct proc_stats holds the counters and nothing else");
static_assert(offsetof(struct metrics, peer) ==
	      offsetof(struct proc_stats, peer),
	      "struct metrics begins as struct proc_stats");

const struct counter_def counter_defs[NCOUNTERS] = {
#define COUNTER_DEF(field, group, key, unit, col, width, show, prom, label) \
	[CTR_##field] = { #field, group, key, UNIT_##unit, col, width,	\
			  SHOW_##show, prom, label },
	PROC_COUNTERS(COUNTER_DEF)
#undef COUNTER_DEF
};

const struct counter_def peer_counter_defs[NPEER_COUNTERS] = {
#define PEER_DEF(field, key, unit, col, width, show, prom, label)	\
	[PCTR_##field] = { #field, "peers", key, UNIT_##unit, col, width, \
			   SHOW_##show, prom, label },
	PEER_COUNTERS(PEER_DEF)
#undef PEER_DEF
};

bool counter_prom_first(int i)
{
	if (!counter_defs[i].prom)
		return false;
	for (int j = 0; j < i; j++)
		if (counter_defs[j].prom &&
		    !strcmp(counter_defs[j].prom, counter_defs[i].prom))
			return false;
	return true;
}

void metrics_add_percpu(struct metrics *m, const struct proc_stats *percpu,
			int ncpus)
{
	for (int cpu = 0; cpu < ncpus; cpu++) {
		const __u64 *v = (const __u64 *)&percpu[cpu];

		for (int i = 0; i < NKCOUNTERS; i++)
			m->kcounter[i] += v[i];
	}
}

int metrics_add(struct metrics *dst, const struct metrics *src)
{
	for (int i = 0; i < NKCOUNTERS; i++)
		dst->kcounter[i] += src->kcounter[i];
	for (int i = 0; i < MAX_SLOTS; i++)
		dst->runq_hist[i] += src->runq_hist[i];
	dst->rss_avg_bytes += src->rss_avg_bytes;
	dst->rss_peak_bytes += src->rss_peak_bytes;
	dst->rss_sum_bytes += src->rss_sum_bytes;
	dst->cpu_samples += src->cpu_samples;
	for (int c = 0; c < CAT_MAX; c++)
		dst->cat_samples[c] += src->cat_samples[c];
	for (int r = 0; r < UNNAMED_MAX; r++)
		dst->unnamed_samples[r] += src->unnamed_samples[r];
	for (int k = 0; k < LAT_KINDS; k++)
		if (lat_merge(&dst->lat[k], &src->lat[k]))
			return -ENOMEM;
	return 0;
}

uint64_t metrics_unnamed(const struct metrics *m)
{
	uint64_t n = 0;

	for (int r = 0; r < UNNAMED_MAX; r++)
		n += m->unnamed_samples[r];
	return n;
}

void metrics_free(struct metrics *m)
{
	for (int k = 0; k < LAT_KINDS; k++)
		lat_free(&m->lat[k]);
}

/* The kernel-net total includes its sub-buckets. */
static uint64_t samples_in(const struct metrics *m, enum cpu_category c)
{
	uint64_t n = m->cat_samples[c];

	if (c != CAT_KNET)
		return n;
	for (int k = 0; k < CAT_MAX; k++)
		if (k != CAT_KNET && category_parent(k) == CAT_KNET)
			n += m->cat_samples[k];
	return n;
}

double metrics_cat_share(const struct metrics *m, enum cpu_category c)
{
	return m->cpu_samples ? (double)samples_in(m, c) / m->cpu_samples : 0;
}

double metrics_cat_seconds(const struct metrics *m, enum cpu_category c)
{
	return metrics_cat_share(m, c) * m->cpu_ns / 1e9;
}
