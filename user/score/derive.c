// SPDX-License-Identifier: GPL-2.0
#include "derive.h"
#include "meshmark.h"
#include "shares.h"
#include "waterfall.h"

/* The upper bound of the log2 slot that holds the @pct percentile. */
static uint64_t log2_percentile(const uint64_t *slots, int n, double pct)
{
	uint64_t total = 0, seen = 0;

	for (int i = 0; i < n; i++)
		total += slots[i];
	for (int i = 0; i < n && total; i++) {
		seen += slots[i];
		if (seen >= total * pct / 100)
			return 2ULL << i;
	}
	return 0;
}

static void summarize(struct metrics *m)
{
	for (int k = 0; k < LAT_KINDS; k++) {
		const struct latency_hist *h = &m->lat[k];

		m->lat_sum[k] = (struct lat_summary){
			.count = h->count,
			.min_ns = lat_percentile(h, 0),
			.p50_ns = lat_percentile(h, 50),
			.p90_ns = lat_percentile(h, 90),
			.p99_ns = lat_percentile(h, 99),
			.max_ns = h->max_ns,
			.mean_ns = lat_mean(h),
		};
	}
	shares_derive(m);
	m->runq_p99_ns = log2_percentile(m->runq_hist, MAX_SLOTS, 99);
}

void run_derive(struct run *run, const struct mm_weights *w)
{
	for (size_t i = 0; i < run->nprocs; i++)
		summarize(&run->procs[i].m);
	for (size_t i = 0; i < run->ncomps; i++)
		summarize(&run->comps[i].m);
	run->has_path = !waterfall_build(run, &run->path);
	meshmark_free(&run->mm);
	/* A run that cannot be scored says why in run->mm.error. */
	meshmark_single(run, w, &run->mm);
}
