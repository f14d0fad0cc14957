// SPDX-License-Identifier: GPL-2.0
/* A run as JSON (docs/json.md), written by record and read by report. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "runjson.h"
#include "jsonput.h"
#include "outfile.h"

#define NS_PER_S 1e9

/* Only the kinds that were measured; buckets are kept (sparse) so that
 * runs can be merged and percentiles recomputed. */
static struct json_object *latency_json(const struct metrics *m)
{
	struct json_object *o = json_object_new_object();

	for (int k = 0; k < LAT_KINDS; k++) {
		const struct latency_hist *h = &m->lat[k];
		const struct lat_summary *sum = &m->lat_sum[k];
		struct json_object *kind, *buckets;

		if (!h->count)
			continue;
		kind = json_object_new_object();
		buckets = json_object_new_array();
		put_u64(kind, "count", h->count);
		put(kind, "p50_seconds", json_secs(sum->p50_ns));
		put(kind, "p90_seconds", json_secs(sum->p90_ns));
		put(kind, "p99_seconds", json_secs(sum->p99_ns));
		put(kind, "max_seconds", json_secs(sum->max_ns));
		put(kind, "mean_seconds", json_secs(sum->mean_ns));
		for (uint32_t s = 0; s < LAT_SLOTS; s++) {
			struct json_object *pair;

			if (!h->slots[s])
				continue;
			pair = json_object_new_array();
			json_object_array_add(pair, json_object_new_uint64(s));
			json_object_array_add(pair, json_object_new_uint64(h->slots[s]));
			json_object_array_add(buckets, pair);
		}
		put(kind, "buckets_hdr_ns", buckets);
		put(o, lat_kind_name(k), kind);
	}
	return o;
}

/* Sub-buckets (kernel-net/...) are also counted in their parent. */
static void put_categories(struct json_object *cpu, const struct metrics *m)
{
	struct json_object *cats = json_object_new_object();

	put_u64(cpu, "samples", m->cpu_samples);
	for (int c = 0; c < CAT_MAX; c++) {
		struct json_object *o;
		double share = metrics_cat_share(m, c);

		if (!share)
			continue;
		o = json_object_new_object();
		put(o, "seconds", json_object_new_double(metrics_cat_seconds(m, c)));
		put(o, "share", json_object_new_double(share));
		put_u64(o, "samples", llround(share * m->cpu_samples));
		put(cats, category_name(c), o);
	}
	put(cpu, "categories", cats);
}

/* Samples whose leaf has no name, and why. */
static void put_unnamed(struct json_object *cpu, const struct metrics *m)
{
	struct json_object *o = json_object_new_object();
	struct json_object *why = json_object_new_object();
	uint64_t n = metrics_unnamed(m);

	put_u64(o, "samples", n);
	put(o, "share", json_object_new_double((double)n / m->cpu_samples));
	for (int r = 0; r < UNNAMED_MAX; r++)
		if (m->unnamed_samples[r])
			put_u64(why, unnamed_name(r), m->unnamed_samples[r]);
	put(o, "reasons", why);
	put(cpu, "unnamed", o);
}

/* The JSON object of @group in @o, made on first use. */
static struct json_object *group_of(struct json_object *o, const char *group)
{
	struct json_object *g;

	if (json_object_object_get_ex(o, group, &g))
		return g;
	g = json_object_new_object();
	put(o, group, g);
	return g;
}

static void put_counter(struct json_object *o, const struct counter_def *d,
			uint64_t v)
{
	struct json_object *g = group_of(o, d->group);

	if (d->unit == UNIT_NS)
		put(g, d->key, json_secs(v));
	else
		put_u64(g, d->key, v);
}

/* "peers": { "app": { "bytes_sent": ... }, "mesh": ..., ... } */
static void put_peers(struct json_object *o, const struct metrics *m)
{
	struct json_object *peers = group_of(o, peer_counter_defs[0].group);

	for (int c = 0; c < PEER_MAX; c++) {
		struct json_object *pc = json_object_new_object();

		for (int i = 0; i < NPEER_COUNTERS; i++)
			put_u64(pc, peer_counter_defs[i].key,
				m->peer[c].counter[i]);
		put(peers, peer_name(c), pc);
	}
}

static void put_metrics(struct json_object *o, const struct metrics *m)
{
	struct json_object *hist = json_object_new_array();
	struct json_object *mem = json_object_new_object();

	for (int i = 0; i < NCOUNTERS; i++)
		put_counter(o, &counter_defs[i], m->counter[i]);
	put_peers(o, m);
	if (m->cpu_samples) {
		put_categories(group_of(o, "cpu"), m);
		put_unnamed(group_of(o, "cpu"), m);
	}
	for (int i = 0; i < MAX_SLOTS; i++)
		json_object_array_add(hist, json_object_new_uint64(m->runq_hist[i]));
	put(group_of(o, "sched"), "runq_wait_hist_log2_ns", hist);
	put_u64(mem, "rss_avg_bytes", m->rss_avg_bytes);
	put_u64(mem, "rss_peak_bytes", m->rss_peak_bytes);
	put(o, "memory", mem);
	put(o, "latency", latency_json(m));
}

static struct json_object *pod_json(const struct pod_ident *pod)
{
	struct json_object *o = json_object_new_object();

	put_str(o, "uid", pod->pod_uid);
	put_str(o, "container_id", pod->container_id);
	put_str(o, "runtime", runtime_name(pod->runtime));
	put_str(o, "qos", qos_name(pod->qos));
	/* Names from the kubelet's log directories; null when not found. */
	put(o, "namespace", json_str_or_null(pod->namespace));
	put(o, "name", json_str_or_null(pod->pod_name));
	put(o, "container", json_str_or_null(pod->container));
	return o;
}

/* Its processes that are its agent (pilot-agent), not its proxy. */
static struct json_object *agents_json(const struct run *run, size_t idx)
{
	struct json_object *pids = json_object_new_array();

	for (size_t i = 0; i < run->nprocs; i++)
		if (run->procs[i].component == (int)idx && run->procs[i].agent)
			json_object_array_add(pids,
				json_object_new_int64(run->procs[i].pid));
	return pids;
}

static struct json_object *component_json(const struct run *run, size_t idx)
{
	const struct component *c = &run->comps[idx];
	struct json_object *o = json_object_new_object();
	struct json_object *pids = json_object_new_array();

	put_str(o, "id", c->id);
	put_str(o, "name", c->name);
	put_str(o, "role", role_name(c->role));
	put_str(o, "mesh", mesh_name(c->mesh));
	put(o, "pod", c->in_pod ? pod_json(&c->pod) : NULL);
	for (size_t i = 0; i < c->npids; i++)
		json_object_array_add(pids, json_object_new_int64(c->pids[i]));
	put(o, "pids", pids);
	put(o, "agent_pids", agents_json(run, idx));
	put_u64(o, "processes_folded", c->folded);
	put_metrics(o, &c->m);
	return o;
}

static struct json_object *process_json(const struct run *run,
					const struct process *p)
{
	struct json_object *o = json_object_new_object();

	put_u64(o, "pid", p->pid);
	put_u64(o, "ppid", p->ppid);
	put_str(o, "comm", p->comm);
	put_str(o, "exe", p->exe);
	put_str(o, "cgroup", p->cgroup);
	put_str(o, "component", p->component >= 0 ?
				run->comps[p->component].id : "");
	put(o, "exited", json_object_new_boolean(p->exited));
	put(o, "agent", json_object_new_boolean(p->agent));
	put_metrics(o, &p->m);
	return o;
}

/* A JSON number, or null for "unknown" (negative). */
static struct json_object *maybe(double v)
{
	return v < 0 ? NULL : json_object_new_double(v);
}

static struct json_object *workload_json(const struct run *run)
{
	struct json_object *o = json_object_new_object();

	put_u64(o, "requests", run->requests);
	put_str(o, "requests_source", run->requests_source);
	put(o, "load_seconds", json_object_new_double(run->load_seconds));
	put(o, "latency_p50_seconds", maybe(run->latency_p50_s));
	put(o, "latency_p99_seconds", maybe(run->latency_p99_s));
	put(o, "cpu_capacity_cores", json_object_new_double(run->cpu_capacity_cores));
	return o;
}

static struct json_object *profile_json(const struct run *run)
{
	struct json_object *o = json_object_new_object();
	struct json_object *drops = json_object_new_object();
	struct json_object *refused = json_object_new_object();

	put(o, "frequency_hz", json_object_new_int(run->profile.hz));
	put(o, "symbolized_share",
	    json_object_new_double(run->profile.symbolized_share));
	put_str(o, "user_stacks", run->profile.cfi ? "cfi" : "frame-pointers");
	put_u64(o, "cfi_samples", run->profile.cfi_samples);
	put_u64(o, "cfi_complete_samples", run->profile.cfi_complete);
	put_u64(o, "cfi_files_without_room", run->profile.cfi_no_room);
	for (int d = 0; d < PROFILE_DROP_MAX; d++)
		put_u64(drops, profile_drop_name(d), run->profile.drops[d]);
	put(o, "drops", drops);
	for (int r = 0; r < REFUSE_MAX; r++)
		put_u64(refused, refusal_name(r), run->profile.refused[r]);
	put(o, "files_refused", refused);
	put(o, "sampler_seconds", json_secs(run->profile.handler_ns));
	put(o, "stopped_after_seconds", run->profile.stopped ?
	    json_object_new_double(run->profile.stopped_after_s) : NULL);
	return o;
}

static struct json_object *path_json(const struct run *run,
				     const struct waterfall *w)
{
	struct json_object *o = json_object_new_object();
	struct json_object *hops = json_object_new_array();

	json_object_object_add(o, "client", json_object_new_string(run->comps[w->client].id));
	json_object_object_add(o, "server", json_object_new_string(run->comps[w->server].id));
	json_object_object_add(o, "client_p50_seconds", json_secs(w->client_p50_ns));
	json_object_object_add(o, "client_p99_seconds", json_secs(w->client_p99_ns));
	for (int i = 0; i < w->nhops; i++) {
		const struct hop *h = &w->hops[i];
		struct json_object *j = json_object_new_object();

		json_object_object_add(j, "component", json_object_new_string(run->comps[h->comp].id));
		json_object_object_add(j, "name", json_object_new_string(run->comps[h->comp].name));
		json_object_object_add(j, "role", json_object_new_string(role_name(run->comps[h->comp].role)));
		json_object_object_add(j, "measure", json_object_new_string(lat_kind_name(h->kind)));
		json_object_object_add(j, "p50_seconds", json_secs(h->p50_ns));
		json_object_object_add(j, "p90_seconds", json_secs(h->p90_ns));
		json_object_object_add(j, "p99_seconds", json_secs(h->p99_ns));
		json_object_object_add(j, "mean_seconds", json_secs(h->mean_ns));
		json_object_array_add(hops, j);
	}
	json_object_object_add(o, "hops", hops);
	json_object_object_add(o, "kernel_p50_seconds", json_secs(w->kernel_p50_ns));
	json_object_object_add(o, "sum_p50_seconds", json_secs(w->sum_p50_ns));
	json_object_object_add(o, "client_mean_seconds", json_secs(w->client_mean_ns));
	json_object_object_add(o, "kernel_mean_seconds", json_secs(w->kernel_mean_ns));
	json_object_object_add(o, "sum_mean_seconds", json_secs(w->sum_mean_ns));
	return o;
}

static struct json_object *nodes_json(const struct run *run)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < run->nnodes; i++) {
		const struct run_node *n = &run->nodes[i];
		struct json_object *o = json_object_new_object();

		put_str(o, "name", n->name);
		put_str(o, "kernel", n->kernel);
		put(o, "cpus", json_object_new_int(n->cpus));
		put_str(o, "meshprof_version", n->version);
		json_object_array_add(a, o);
	}
	return a;
}

struct json_object *run_to_json(const struct run *run)
{
	struct json_object *root = json_object_new_object();
	struct json_object *window = json_object_new_object();
	struct json_object *node = json_object_new_object();
	struct json_object *probes = json_object_new_object();
	struct json_object *drops = json_object_new_object();
	struct json_object *unavail = json_object_new_array();
	struct json_object *comps = json_object_new_array();
	struct json_object *procs = json_object_new_array();
	struct json_object *paths = json_object_new_array();

	put_str(root, "schema", RUN_SCHEMA);
	put_str(root, "meshprof_version", MESHPROF_VERSION);
	put(window, "start", json_object_new_double(run->start));
	put(window, "end", json_object_new_double(run->end));
	put(window, "seconds", json_object_new_double(run->seconds));
	put(root, "window", window);
	put_str(node, "hostname", run->hostname);
	put_str(node, "kernel", run->kernel);
	put(node, "cpus", json_object_new_int(run->cpus));
	put(root, "node", node);
	if (run->nnodes)
		put(root, "nodes", nodes_json(run));
	put_str(probes, "sched", run->probe_sched);
	put_str(probes, "sock", run->probe_sock);
	for (int g = 0; g < GAP_MAX; g++)
		if (run->unavailable & GAP_BIT(g))
			json_object_array_add(unavail,
					      json_object_new_string(gap_name(g)));
	put(probes, "unavailable", unavail);
	put(root, "probes", probes);
	put(root, "workload", workload_json(run));
	put(root, "profile", profile_json(run));
	for (int r = 0; r < DROP_MAX; r++)
		put_u64(drops, drop_name(r), run->drops[r]);
	put(root, "drops", drops);
	for (size_t i = 0; i < run->ncomps; i++)
		json_object_array_add(comps, component_json(run, i));
	put(root, "components", comps);
	for (size_t i = 0; i < run->nprocs; i++)
		if (!run->procs[i].folded)
			json_object_array_add(procs,
					      process_json(run, &run->procs[i]));
	put(root, "processes", procs);
	put_u64(root, "processes_folded", run->folded);
	if (run->has_path)
		json_object_array_add(paths, path_json(run, &run->path));
	put(root, "paths", paths);
	if (run->profile.hz)
		put(root, "stacks", stacks_to_json(run));
	return root;
}

int json_write_file(struct json_object *root, const char *path, char *err,
		    size_t err_len)
{
	size_t len;
	const char *text = json_object_to_json_string_length(root,
		JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE, &len);

	if (!text) {
		snprintf(err, err_len, "%s: cannot write: out of memory", path);
		return -1;
	}
	return outfile_write(path, text, len, err, err_len);
}

