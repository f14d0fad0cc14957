/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What meshprof measures of a process or a component. The kernel's
 * counters come from one list, PROC_COUNTERS (bpf/meshprof.h), which
 * also gives their JSON keys, table columns and Prometheus names; the
 * rest are measured in user space or derived.
 */
#ifndef MESHPROF_METRICS_H
#define MESHPROF_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kinds.h"
#include "lathist.h"

enum counter_id {
#define COUNTER_ID(field, ...) CTR_##field,
	PROC_COUNTERS(COUNTER_ID)
#undef COUNTER_ID
	NCOUNTERS,
};

/* Those kept per peer class (PEER_COUNTERS). */
enum peer_counter_id {
#define PEER_COUNTER_ID(field, ...) PCTR_##field,
	PEER_COUNTERS(PEER_COUNTER_ID)
#undef PEER_COUNTER_ID
	NPEER_COUNTERS,
};

/* All the kernel counts of a process, as one list: struct proc_stats. */
#define NKCOUNTERS (NCOUNTERS + PEER_MAX * NPEER_COUNTERS)

enum counter_unit {
	UNIT_NS,		/* JSON and Prometheus: seconds */
	UNIT_COUNT,
	UNIT_BYTES,
};

/* How a counter shows in the per-component table. */
enum counter_show {
	SHOW_NONE,		/* not a column */
	SHOW_SECONDS,		/* nanoseconds as seconds, 3 decimals */
	SHOW_MILLIS,		/* nanoseconds as milliseconds, 1 decimal */
	SHOW_COUNT,
	SHOW_BYTES,		/* KiB, MiB, ... */
};

struct counter_def {
	const char *field;
	const char *group;	/* JSON object the key is in; peer counters:
				 * "peers", by class below it */
	const char *key;
	enum counter_unit unit;
	const char *column;	/* table header; NULL: not shown */
	int width;
	enum counter_show show;
	const char *prom;	/* meshprof_<prom>; NULL: part of another */
	const char *label;	/* Prometheus label pair(s), or "" */
};

extern const struct counter_def counter_defs[NCOUNTERS];
extern const struct counter_def peer_counter_defs[NPEER_COUNTERS];

/* One peer class's counters, by name or index. */
union peer_metrics {
	struct {
		PEER_COUNTERS(PROC_COUNTER_FIELD)
	};
	uint64_t counter[NPEER_COUNTERS];
};

/* Whether counter @i is the first of its Prometheus family: the counters
 * after it with the same prom name are the family's other samples. */
bool counter_prom_first(int i);

/* Latency of one measure, summarized from its histogram (derived). */
struct lat_summary {
	uint64_t count;
	uint64_t min_ns, p50_ns, p90_ns, p99_ns, max_ns, mean_ns;
};

/*
 * A share of the CPU profile's samples and the half-width of its 95%
 * interval (Wilson's, from the sample count): 0.30 +- 0.12 from 25
 * samples. Fewer than SHARE_MIN_SAMPLES samples tell no split at all.
 */
struct share {
	double value;
	double margin;
};

#define SHARE_MIN_SAMPLES 20

struct metrics {
	union {			/* the kernel's counters, by name or index */
		struct {
			PROC_COUNTERS(PROC_COUNTER_FIELD)
			union peer_metrics peer[PEER_MAX];
		};
		uint64_t counter[NCOUNTERS];	/* PROC_COUNTERS only */
		uint64_t kcounter[NKCOUNTERS];	/* struct proc_stats */
	};
	uint64_t runq_hist[MAX_SLOTS];	/* slot i: waits in [2^i, 2^(i+1)) ns */
	uint64_t rss_avg_bytes;		/* mean resident memory over the window */
	uint64_t rss_peak_bytes;	/* highest sample (components: sum of
					 * their processes' peaks) */
	uint64_t rss_sum_bytes;		/* of the samples: the mean is this over
					 * the run's mem_rounds */
	struct latency_hist lat[LAT_KINDS];	/* owned: moved, never copied */
	uint64_t cpu_samples;		/* profile samples of this CPU time */
	uint64_t cat_samples[CAT_MAX];	/* ... by category (docs/attribution.md) */
	uint64_t unnamed_samples[UNNAMED_MAX];	/* ... whose leaf has no name */
	struct lat_summary lat_sum[LAT_KINDS];	/* derived from lat */
	struct share cat_share[CAT_MAX];	/* derived: kernel-net with
						 * its sub-buckets */
	struct share group_share[GROUP_MAX];	/* derived */
	uint64_t runq_p99_ns;		/* derived: upper bound of the log2
					 * slot of the 99th percentile wait */
};

/* Adds the kernel's counters of one process (all of struct proc_stats),
 * summed over @ncpus per-CPU copies, into @m. */
void metrics_add_percpu(struct metrics *m, const struct proc_stats *percpu,
			int ncpus);
/* Adds @src into @dst (derived fields excepted); -ENOMEM when a histogram
 * cannot grow. */
int metrics_add(struct metrics *dst, const struct metrics *src);
void metrics_free(struct metrics *m);

/* Seconds of a metric's CPU time in category @c: its on-CPU time (exact,
 * from the scheduler) split by the share of its samples in @c; kernel-net
 * includes its sub-buckets. */
double metrics_cat_share(const struct metrics *m, enum cpu_category c);
double metrics_cat_seconds(const struct metrics *m, enum cpu_category c);
/* Samples whose leaf has no name, for every reason. */
uint64_t metrics_unnamed(const struct metrics *m);

#endif
