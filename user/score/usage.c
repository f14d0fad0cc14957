// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <string.h>
#include "usage.h"

#define NS_PER_S 1e9

const struct resource resources[RES_MAX] = {
	[RES_CPU] = { "CPU time", "cpu_seconds", 0, false },
	[RES_SWITCHES] = { "context switches", "switches", 0, false },
	[RES_RUNQ] = { "run-queue wait", "seconds", 0, false },
	[RES_RSS] = { "resident memory", "bytes", 0, true },
	[RES_BYTES] = { "socket bytes", "bytes", GAP_BIT(GAP_NET), false },
	[RES_CALLS] = { "socket calls", "calls", GAP_BIT(GAP_NET), false },
	[RES_CONNS] = { "TCP connections", "connections",
			GAP_BIT(GAP_TCP_CONNECTS) | GAP_BIT(GAP_TCP_ACCEPTS),
			false },
};

bool mesh_role(enum role role)
{
	return role == ROLE_SIDECAR || role == ROLE_NODE_PROXY ||
	       role == ROLE_NODE_AGENT || role == ROLE_CONTROL_PLANE;
}

bool proxy_role(enum role role)
{
	return role == ROLE_SIDECAR || role == ROLE_NODE_PROXY;
}

/* Which resource an MUE measures; RES_MAX for those with their own rule. */
double amount(const struct metrics *m, enum res res)
{
	switch (res) {
	case RES_CPU:
		return m->cpu_ns / NS_PER_S;
	case RES_SWITCHES:
		return (double)m->vol_switches + m->invol_switches;
	case RES_RUNQ:
		return m->runq_ns / NS_PER_S;
	case RES_RSS:
		return m->rss_avg_bytes;
	case RES_BYTES:
		return (double)m->bytes_sent + m->bytes_recv;
	case RES_CALLS:
		return (double)m->send_calls + m->recv_calls;
	case RES_CONNS:
		return (double)m->tcp_connects + m->tcp_accepts;
	default:
		return NAN;
	}
}

static void usage_add(struct usage *u, const struct metrics *m)
{
	for (int r = 0; r < RES_MAX; r++)
		u->v[r] += amount(m, r);
}

double norm_cost(const struct run *run, double a, bool level,
			bool per_request)
{
	if (per_request) {
		if (!run->requests || (level && run->seconds <= 0))
			return NAN;
		if (level)
			return a * run->seconds / run->requests * PER;
		return a / run->requests * PER;
	}
	if (level)
		return a;
	return run->seconds > 0 ? a / run->seconds : NAN;
}

void split_run(const struct run *run, struct split *s)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < run->ncomps; i++) {
		const struct component *c = &run->comps[i];

		if (mesh_role(c->role)) {
			usage_add(&s->mesh, &c->m);
			usage_add(&s->workload, &c->m);
			s->nmesh++;
		} else if (c->role == ROLE_APP) {
			usage_add(&s->app, &c->m);
			usage_add(&s->workload, &c->m);
			s->napp++;
		}
	}
}

/* Whether @c is the first component of its pod among @run's first @n
 * that serve it: a pod counts once whatever its containers. */
static bool first_of_pod(const struct run *run, size_t n,
			 const struct component *c)
{
	for (size_t i = 0; i < n; i++) {
		const struct component *o = &run->comps[i];

		if (o->in_pod && (o->role == ROLE_APP || o->role == ROLE_SIDECAR) &&
		    !strcmp(o->pod.pod_uid, c->pod.pod_uid))
			return false;
	}
	return true;
}

void control_usage(const struct run *run, struct control_usage *cu)
{
	memset(cu, 0, sizeof(*cu));
	for (size_t i = 0; i < run->ncomps; i++) {
		const struct component *c = &run->comps[i];
		const union peer_metrics *ctl = &c->m.peer[PEER_CONTROL];

		if (c->in_pod && (c->role == ROLE_APP || c->role == ROLE_SIDECAR) &&
		    first_of_pod(run, i, c))
			cu->pods++;
		if (c->role == ROLE_CONTROL_PLANE) {
			cu->control_plane_cpu += amount(&c->m, RES_CPU);
			continue;
		}
		if (!mesh_role(c->role))
			continue;
		cu->config_cpu += metrics_cat_seconds(&c->m, CAT_CONFIG);
		cu->profiled |= c->m.cpu_samples > 0;
		cu->bytes += (double)ctl->bytes_sent + ctl->bytes_recv;
	}
}

/* The name of the first measurement @run lacked for @res, or NULL. */
const char *missing_metric(const struct run *run, enum res res)
{
	uint32_t lacked = run->unavailable & resources[res].gaps;

	return lacked ? gap_name(__builtin_ctz(lacked)) : NULL;
}
