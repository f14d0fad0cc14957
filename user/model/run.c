// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "array.h"
#include "run.h"

int metrics_add(struct metrics *dst, const struct metrics *src)
{
	dst->cpu_ns += src->cpu_ns;
	dst->runq_ns += src->runq_ns;
	dst->runq_waits += src->runq_waits;
	dst->vol_switches += src->vol_switches;
	dst->invol_switches += src->invol_switches;
	dst->wakeups += src->wakeups;
	for (int i = 0; i < MAX_SLOTS; i++)
		dst->runq_hist[i] += src->runq_hist[i];
	dst->bytes_sent += src->bytes_sent;
	dst->bytes_recv += src->bytes_recv;
	dst->send_calls += src->send_calls;
	dst->recv_calls += src->recv_calls;
	dst->tcp_connects += src->tcp_connects;
	dst->tcp_accepts += src->tcp_accepts;
	dst->tcp_closes += src->tcp_closes;
	dst->tcp_retransmits += src->tcp_retransmits;
	dst->exchanges += src->exchanges;
	dst->rss_avg_bytes += src->rss_avg_bytes;
	dst->rss_peak_bytes += src->rss_peak_bytes;
	dst->cpu_samples += src->cpu_samples;
	for (int c = 0; c < CAT_MAX; c++)
		dst->cat_samples[c] += src->cat_samples[c];
	for (int k = 0; k < LAT_KINDS; k++)
		if (lat_merge(&dst->lat[k], &src->lat[k]))
			return -ENOMEM;
	return 0;
}

void metrics_free(struct metrics *m)
{
	for (int k = 0; k < LAT_KINDS; k++)
		lat_free(&m->lat[k]);
}

struct process *run_add_process(struct run *run)
{
	struct process *p;

	p = array_push((void **)&run->procs, &run->nprocs, &run->procs_cap,
		 sizeof(*p));
	if (p)
		p->component = -1;
	return p;
}

struct component *run_add_component(struct run *run)
{
	return array_push((void **)&run->comps, &run->ncomps, &run->comps_cap,
		    sizeof(struct component));
}

void run_free(struct run *run)
{
	for (size_t i = 0; i < run->ncomps; i++) {
		free(run->comps[i].pids);
		metrics_free(&run->comps[i].m);
	}
	for (size_t i = 0; i < run->nprocs; i++)
		metrics_free(&run->procs[i].m);
	free(run->comps);
	free(run->procs);
	memset(run, 0, sizeof(*run));
}
