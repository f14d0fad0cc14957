/* SPDX-License-Identifier: GPL-2.0 */
/* Sampled CPU categories folded into the run's processes. */
#ifndef MESHPROF_CPUCAT_H
#define MESHPROF_CPUCAT_H

#include "sampler.h"
#include "run.h"

/* Adds each profiled process's samples per category to its record. */
void cpucat_fold(struct run *run, const struct cpu_profile *cp);
/*
 * Seconds of a metric's CPU time in category @c: its on-CPU time (exact,
 * from the scheduler) split by the share of its samples in @c.
 */
double cpucat_seconds(const struct metrics *m, enum cpu_category c);
double cpucat_share(const struct metrics *m, enum cpu_category c);
/* Folded stacks rooted at component and category; -1 with a message. */
int cpucat_write_folded(const struct run *run, const struct cpu_profile *cp,
			const char *path, char *err, size_t err_len);

#endif
