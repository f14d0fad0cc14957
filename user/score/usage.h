/* SPDX-License-Identifier: GPL-2.0 */
/* What a run used, per resource, summed over its components: the inputs
 * of the MUEs (meshmark.c). */
#ifndef MESHPROF_USAGE_H
#define MESHPROF_USAGE_H

#include <stdbool.h>
#include "run.h"

#define PER 1000.0		/* costs are per 1000 requests */

/* The resources behind the MUEs, as amounts summed over components. */
enum res {
	RES_CPU,
	RES_SWITCHES,
	RES_RUNQ,
	RES_RSS,
	RES_BYTES,
	RES_CALLS,
	RES_CONNS,
	RES_MAX,
};

struct resource {
	const char *what;		/* for reasons */
	const char *unit;
	uint32_t gaps;			/* GAP_BIT()s of run->unavailable
					 * that void it */
	bool level;			/* a level over the window, not a count */
};

extern const struct resource resources[RES_MAX];

/* What a set of components used, per resource. */
struct usage {
	double v[RES_MAX];
};

/*
 * A run's workload, split into what the mesh and the apps used. Summed
 * here rather than with metrics_add(): MeshMark needs none of the
 * histograms struct metrics owns.
 */
struct split {
	struct usage mesh;
	struct usage app;
	struct usage workload;
	size_t nmesh;
	size_t napp;
};

/* What a run's control plane used (docs/meshmark.md, "control"). */
struct control_usage {
	size_t pods;			/* pods with an app or a sidecar */
	double control_plane_cpu;	/* seconds, control-plane components */
	double config_cpu;		/* seconds, config category of the
					 * other mesh components */
	bool profiled;			/* they have CPU samples */
	double bytes;			/* their traffic with control peers */
};

bool mesh_role(enum role role);
bool proxy_role(enum role role);
/* How much of @res the metrics @m hold. */
double amount(const struct metrics *m, enum res res);
/*
 * @a per 1000 requests, or per second of the window. A level (rss) is
 * already a rate: per 1000 requests per second, or as it is. NAN when the
 * unit of work is unknown.
 */
double norm_cost(const struct run *run, double a, bool level,
		 bool per_request);
void split_run(const struct run *run, struct split *s);
void control_usage(const struct run *run, struct control_usage *cu);
/* The name of the first measurement @run lacked for @res, or NULL. */
const char *missing_metric(const struct run *run, enum res res);

#endif
