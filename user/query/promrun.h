/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A run made from the series of `meshprof serve` in Prometheus: what each
 * component counted in a window, summed across nodes or per node, as
 * `record` would have written it (without processes).
 */
#ifndef MESHPROF_PROMRUN_H
#define MESHPROF_PROMRUN_H

#include <stdbool.h>
#include <stddef.h>
#include "promanswer.h"
#include "run.h"

struct prom_window {
	double start, end;	/* seconds since the epoch */
	const char *match;	/* label matchers of the component series,
				 * without braces; NULL: every one */
	bool by_node;		/* components per node, else summed across
				 * nodes */
};

/*
 * Asks for the instant vector of PromQL @expr at @time into @out (Prometheus
 * over HTTP, or a recording of its answers: @name names each question
 * apart from its window). -1 with a one-line reason in @err.
 */
typedef int (*prom_fetch_fn)(void *ctx, const char *name, const char *expr,
			     double time, struct prom_vector *out, char *err,
			     size_t err_len);

/*
 * Fills @run (zeroed) with the window @w of the meshprof series @fetch
 * answers: components, nodes, drops, latency and CPU categories. -1 with
 * a one-line reason in @err: no series in the window, series of different
 * meshprof versions, a node without meshprof_node_info, a label value
 * this meshprof does not know, or what @fetch said.
 */
int prom_run_build(struct run *run, const struct prom_window *w,
		   prom_fetch_fn fetch, void *ctx, char *err, size_t err_len);

#endif
