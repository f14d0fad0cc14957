// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "waterfall.h"

static bool is_mesh(enum role r)
{
	return r == ROLE_SIDECAR || r == ROLE_NODE_PROXY || r == ROLE_NODE_AGENT;
}

/* The component (of @role, other than @skip) with most @kind samples. */
static int busiest(const struct run *run, enum role role, enum lat_kind kind,
		   int skip)
{
	uint64_t best = 0;
	int who = -1;

	for (size_t i = 0; i < run->ncomps; i++) {
		uint64_t n = run->comps[i].m.lat[kind].count;

		if ((int)i != skip && run->comps[i].role == role && n > best) {
			best = n;
			who = i;
		}
	}
	return who;
}

static bool same_pod(const struct component *a, const struct component *b)
{
	return a->in_pod && b->in_pod && !strcmp(a->pod.pod_uid, b->pod.pod_uid);
}

static bool forwards(const struct component *c)
{
	return is_mesh(c->role) && c->m.lat[LAT_DWELL_REQUEST].count;
}

static void add_hop(const struct run *run, struct waterfall *w, int comp,
		    enum lat_kind kind)
{
	const struct latency_hist *h = &run->comps[comp].m.lat[kind];
	struct hop *hop;

	if (w->nhops == MAX_HOPS || !h->count)
		return;
	hop = &w->hops[w->nhops++];
	hop->comp = comp;
	hop->kind = kind;
	hop->p50_ns = lat_percentile(h, 50);
	hop->p90_ns = lat_percentile(h, 90);
	hop->p99_ns = lat_percentile(h, 99);
	hop->mean_ns = lat_mean(h);
}

/* Proxies in request order: client side, node proxies, server side. */
static int order_proxies(const struct run *run, const struct waterfall *w,
			 int *out)
{
	const struct component *cl = &run->comps[w->client];
	const struct component *sv = &run->comps[w->server];
	int n = 0;

	for (int pass = 0; pass < 3; pass++) {
		for (size_t i = 0; i < run->ncomps && n < MAX_HOPS / 2; i++) {
			const struct component *c = &run->comps[i];
			int where = same_pod(c, cl) ? 0 : same_pod(c, sv) ? 2 : 1;

			if (forwards(c) && where == pass)
				out[n++] = i;
		}
	}
	return n;
}

/* Data arrives at each proxy twice per exchange, at server and client once. */
static void add_arrivals(const struct run *run, int comp, int times,
			 struct waterfall *w)
{
	const struct metrics *m = &run->comps[comp].m;

	w->kernel_p50_ns += times * (lat_percentile(&m->lat[LAT_TRANSIT], 50) +
				     lat_percentile(&m->lat[LAT_QUEUE], 50));
	w->kernel_mean_ns += times * (lat_mean(&m->lat[LAT_TRANSIT]) +
				      lat_mean(&m->lat[LAT_QUEUE]));
}

int waterfall_build(const struct run *run, struct waterfall *w)
{
	int proxies[MAX_HOPS / 2], n;

	memset(w, 0, sizeof(*w));
	w->client = busiest(run, ROLE_APP, LAT_CLIENT, -1);
	w->server = busiest(run, ROLE_APP, LAT_SERVICE, w->client);
	if (w->client < 0 || w->server < 0)
		return -1;
	w->client_p50_ns = lat_percentile(&run->comps[w->client].m.lat[LAT_CLIENT], 50);
	w->client_p99_ns = lat_percentile(&run->comps[w->client].m.lat[LAT_CLIENT], 99);
	w->client_mean_ns = lat_mean(&run->comps[w->client].m.lat[LAT_CLIENT]);
	n = order_proxies(run, w, proxies);
	for (int i = 0; i < n; i++)
		add_hop(run, w, proxies[i], LAT_DWELL_REQUEST);
	add_hop(run, w, w->server, LAT_SERVICE);
	for (int i = n - 1; i >= 0; i--)
		add_hop(run, w, proxies[i], LAT_DWELL_RESPONSE);

	add_arrivals(run, w->client, 1, w);
	add_arrivals(run, w->server, 1, w);
	for (int i = 0; i < n; i++)
		add_arrivals(run, proxies[i], 2, w);
	w->sum_p50_ns = w->kernel_p50_ns;
	w->sum_mean_ns = w->kernel_mean_ns;
	for (int i = 0; i < w->nhops; i++) {
		w->sum_p50_ns += w->hops[i].p50_ns;
		w->sum_mean_ns += w->hops[i].mean_ns;
	}
	return 0;
}
