/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Prometheus exposition of `meshprof serve` (docs/prometheus.md): one
 * series per component, cumulative over the engine's reads, and the
 * node's own figures. The counters come from counter_defs (PROC_COUNTERS);
 * nothing here lists them again.
 */
#ifndef MESHPROF_PROM_H
#define MESHPROF_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "bpfstats.h"
#include "run.h"

/*
 * Exported latency buckets: 8 per power of two from 2^10 ns (1.024 us)
 * to 2^32 ns (4.29 s), every other boundary of the HDR histograms
 * (latency.h), so each exported bucket is an exact sum of HDR buckets and
 * histograms of many nodes add up exactly. docs/prometheus.md gives the
 * quantile error this leaves.
 */
#define PROM_LAT_MIN_MSB 10
#define PROM_LAT_MAX_MSB 32
#define PROM_LAT_PER_OCTAVE 8
#define PROM_LAT_BUCKETS \
	((PROM_LAT_MAX_MSB - PROM_LAT_MIN_MSB) * PROM_LAT_PER_OCTAVE + 1)
/* Run-queue waits: the log2 slots from 2^10 ns up, one bucket each. */
#define PROM_RUNQ_MIN_SLOT 9
#define PROM_RUNQ_BUCKETS (MAX_SLOTS - PROM_RUNQ_MIN_SLOT)

struct prom_opts {
	const char *node;
	size_t max_series;
	double ttl_s;		/* a series not updated this long is dropped */
};

/* The upper bound, in nanoseconds, of exported latency bucket @i. */
uint64_t prom_lat_le_ns(int i);
/* The exported bucket that holds HDR slot @slot; PROM_LAT_BUCKETS for
 * +Inf. */
int prom_lat_bucket(uint32_t slot);

/* What the node and meshprof itself report, at the time of a render. */
struct prom_node {
	/* The node's header, as a run's (meshprof_node_info): what
	 * `meshprof query` needs to rebuild a run from the series. */
	const char *kernel;
	int cpus;
	const char *probe_sched, *probe_sock;
	uint32_t unavailable;		/* GAP_BIT()s */
	unsigned int profile_hz;	/* 0: no CPU profile */
	const struct meshmark *mm;	/* NULL: not computed yet */
	double mm_window_s;
	const struct bpf_stats *bpf;
	double update_seconds;		/* the last read and render */
	/* meshprof's own process */
	double cpu_seconds, start_time;
	uint64_t rss_bytes, vsize_bytes, open_fds, max_fds;
};

struct prom_store;

int prom_store_new(struct prom_store **sp, const struct prom_opts *o);
/*
 * Adds the components of @delta, an attributed engine read, to their
 * series at monotonic time @now (seconds), and drops the series not
 * updated for the TTL. -ENOMEM when memory runs out.
 */
int prom_update(struct prom_store *s, const struct run *delta, double now);
size_t prom_series_count(const struct prom_store *s);
/* Writes the exposition: text format 0.0.4, or OpenMetrics 1.0.0. */
void prom_render(const struct prom_store *s, const struct prom_node *node,
		 bool openmetrics, FILE *out);
void prom_store_free(struct prom_store *s);

#endif
