/* SPDX-License-Identifier: GPL-2.0 */
/* Attribution: folds processes into the components a user reasons about. */
#ifndef MESHPROF_COMPONENT_H
#define MESHPROF_COMPONENT_H

#include "rules.h"
#include "run.h"

/*
 * Builds run->comps from run->procs: a pod's container is one component, a
 * host process is grouped by its rule name or comm. Rules decide roles;
 * unmatched pod containers are apps, and take the mesh of their pod's
 * sidecar. Components are ordered mesh first, then by CPU time.
 */
int attribute(struct run *run, const struct ruleset *rules);
/*
 * Keeps at most @max exited processes (whose last numbers were read)
 * listed one by one: the others, those with the least CPU time, are
 * folded into one record per component and verdict, whose numbers keep
 * adding up and which counts them (process.folded, run.folded). A long
 * window's memory then follows what lives, not what has lived. Call after
 * each merge; -ENOMEM.
 */
int attribute_fold(struct run *run, const struct ruleset *rules, size_t max);

#endif
