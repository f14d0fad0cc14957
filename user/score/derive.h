/* SPDX-License-Identifier: GPL-2.0 */
/* Everything a run's outputs show that is not measured: computed once. */
#ifndef MESHPROF_DERIVE_H
#define MESHPROF_DERIVE_H

#include "run.h"

/*
 * Fills the run's derived results: latency percentiles of every process
 * and component, the request path, and the single-run MeshMark with
 * weights @w (NULL: neutral). Call after attribution and the workload;
 * again whenever they change.
 */
void run_derive(struct run *run, const struct mm_weights *w);

#endif
