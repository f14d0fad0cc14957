/* SPDX-License-Identifier: GPL-2.0 */
/* The request path through the node, hop by hop, from per-component
 * latency histograms. */
#ifndef MESHPROF_WATERFALL_H
#define MESHPROF_WATERFALL_H

#include <stdio.h>
#include "run.h"

#define MAX_HOPS 16

struct hop {
	int comp;		/* index into run->comps */
	enum lat_kind kind;
	uint64_t p50_ns, p90_ns, p99_ns;
	uint64_t mean_ns;
};

struct waterfall {
	int client, server;	/* -1 when not found */
	uint64_t client_p50_ns, client_p99_ns, client_mean_ns;
	struct hop hops[MAX_HOPS];
	int nhops;
	uint64_t kernel_p50_ns;	/* transit + queue where data arrived */
	uint64_t sum_p50_ns;	/* hops + kernel: what the client waited */
	uint64_t kernel_mean_ns;
	uint64_t sum_mean_ns;	/* means add up exactly; p50s do not */
};

/*
 * The dominant path: the app that waited for most responses (client), the
 * app that served most (server), and the proxies with dwell times between
 * them: the client's sidecar, node proxies, the server's sidecar. Returns
 * -1 when there is no client or server to anchor a path.
 */
int waterfall_build(const struct run *run, struct waterfall *w);
void waterfall_print(FILE *out, const struct run *run,
		     const struct waterfall *w);
struct json_object;
struct json_object *waterfall_json(const struct run *run,
				   const struct waterfall *w);

#endif
