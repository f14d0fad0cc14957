/* SPDX-License-Identifier: GPL-2.0 */
/* The sampler's state, shared by its two halves: sampler.c (events,
 * loading, process descriptions) and sampler_read.c (reading samples). */
#ifndef MESHPROF_SAMPLER_INT_H
#define MESHPROF_SAMPLER_INT_H

#include <stdbool.h>
#include <time.h>
#include "pidmap.h"
#include "profile.skel.h"
#include "sampler.h"

struct profiler {
	struct profile_bpf *skel;
	int *pfds;			/* per CPU, -1 when offline */
	struct bpf_link **links;
	int ncpus;
	unsigned int hz;
	unsigned int max_counts;
	bool filter;
	bool stopped;
	bool verbose;
	bool said_full;			/* the CFI rows map is full */
	bool overloaded;		/* stopped itself: over its bound */
	double max_share;		/* the bound: PROFILE_MAX_SHARE */
	double stopped_after_s;
	int online;			/* CPUs sampled */
	uint64_t cost_ns;		/* handler time at the last check */
	struct timespec cost_at;
	struct timespec start, stop;	/* of the window, and of its last read */
	struct timespec read;
	struct timespec next_scan;	/* for processes sampled first */
	struct symbolizer *sym;
	struct unwinder *unw;		/* NULL: frame pointers only */
	struct classifier *cls;
	struct pidmap captured;		/* tgids whose maps are captured */
	uint64_t totals[PROFILE_TOTAL_MAX];	/* at the last read */
	uint64_t drops[PROFILE_DROP_MAX];
	struct unnamed_file *unnamed;	/* over the whole run */
	size_t nunnamed, unnamed_cap;
};

/* Samples whose leaf has no name, by file and reason (for -v). */
struct unnamed_file {
	const char *module;		/* the symbolizer's */
	enum unnamed_reason why;
	uint64_t samples;
};

static inline double seconds_between(const struct timespec *a,
				     const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) / 1e9;
}

/* One entry of the counts map. */
struct count {
	struct profile_key key;
	uint64_t samples;
};

/*
 * Every entry of the counts map, in one or a few syscalls; with @drain,
 * taken out of the map too. NULL when out of memory.
 */
struct count *sampler_counts(struct profiler *p, size_t *n, bool drain);

#endif
