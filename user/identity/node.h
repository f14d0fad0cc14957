/* SPDX-License-Identifier: GPL-2.0 */
/* The node a run was measured on. */
#ifndef MESHPROF_NODE_H
#define MESHPROF_NODE_H

#include "run.h"

/* Sets @run's hostname, kernel release and online CPUs. */
void node_facts(struct run *run);

#endif
