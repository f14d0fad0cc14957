// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "jsonput.h"
#include "meshmark_out.h"
#include "smp.h"

/* RFC 3339 in UTC with milliseconds; null for what no calendar holds
 * (the reader refuses such runs; this stays safe without it). */
static struct json_object *timestamp(double epoch)
{
	char buf[64];
	struct tm tm;
	time_t t;
	int ms;

	if (!(epoch >= 0 && epoch < 1e11))
		return NULL;
	t = (time_t)epoch;
	ms = (int)((epoch - t) * 1000);
	if (!gmtime_r(&t, &tm) ||
	    !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm))
		return NULL;
	snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ".%03dZ",
		 ms > 999 ? 999 : ms);
	return json_object_new_string(buf);
}

static double per_second(const struct run *run, double v)
{
	return run->seconds > 0 ? v / run->seconds : 0;
}

/* SMP wants whole milliseconds of latency as doubles; null if unknown. */
static struct json_object *ms(double seconds)
{
	return seconds < 0 ? NULL : json_object_new_double(seconds * 1e3);
}

/* meshprof's own client-side histogram when it saw the path, else the
 * load generator's p50/p99. */
static struct json_object *latencies(const struct run *run)
{
	struct json_object *o = json_object_new_object();
	const struct lat_summary *h;

	if (!run->has_path) {
		put(o, "p50", ms(run->latency_p50_s));
		put(o, "p99", ms(run->latency_p99_s));
		return o;
	}
	h = &run->comps[run->path.client].m.lat_sum[LAT_CLIENT];
	put(o, "min", ms(h->min_ns / 1e9));
	put(o, "average", ms(h->mean_ns / 1e9));
	put(o, "p50", ms(h->p50_ns / 1e9));
	put(o, "p90", ms(h->p90_ns / 1e9));
	put(o, "p99", ms(h->p99_ns / 1e9));
	put(o, "max", ms(h->max_ns / 1e9));
	return o;
}

/* count, cpu_mCores, mem_mb, rps, bps of all components of @role. */
static struct json_object *role_block(const struct run *run, enum role role)
{
	struct json_object *o = json_object_new_object();
	double cpu = 0, mem = 0, bytes = 0;
	int count = 0;

	for (size_t i = 0; i < run->ncomps; i++) {
		const struct component *c = &run->comps[i];

		if (c->role != role)
			continue;
		count++;
		cpu += c->m.cpu_ns / 1e9;
		mem += c->m.rss_avg_bytes;
		bytes += c->m.bytes_sent;
	}
	put(o, "count", json_object_new_int(count));
	put(o, "cpu_mCores", json_object_new_int(lround(per_second(run, cpu) * 1e3)));
	put(o, "mem_mb", json_object_new_int(lround(mem / 1e6)));
	put(o, "rps", json_object_new_int(lround(per_second(run, run->requests))));
	put(o, "bps", json_object_new_int64(llround(per_second(run, bytes))));
	return o;
}

/* The mesh most mesh components belong to, as SMP's ServiceMeshes.Type
 * (which has no Cilium or ambient: those keep meshprof's own name). */
static const char *mesh_type(const struct run *run)
{
	int votes[MESH_MAX] = { 0 }, best = MESH_NONE;

	for (size_t i = 0; i < run->ncomps; i++)
		if (run->comps[i].role != ROLE_APP && run->comps[i].mesh)
			votes[run->comps[i].mesh]++;
	for (int m = 1; m < MESH_MAX; m++)
		if (votes[m] > votes[best])
			best = m;
	return best == MESH_ISTIO_AMBIENT ? "istio" : mesh_name(best);
}

static struct json_object *result_json(const struct run *run)
{
	struct json_object *o = json_object_new_object();
	struct json_object *labels = json_object_new_object();
	char id[320];

	snprintf(id, sizeof(id), "%s-%.0f", run->hostname, run->start);
	put(o, "smp_version", json_object_new_string(SMP_VERSION));
	put(o, "id", json_object_new_string(id));
	put(labels, "tool", json_object_new_string("meshprof " MESHPROF_VERSION));
	put(labels, "node", json_object_new_string(run->hostname));
	put(labels, "kernel", json_object_new_string(run->kernel));
	put(labels, "requests_source", json_object_new_string(run->requests_source));
	put(o, "labels", labels);
	put(o, "start_time", timestamp(run->start));
	put(o, "end_time", timestamp(run->end));
	put(o, "latencies_ms", latencies(run));
	put(o, "actual_QPS", json_object_new_double(run->load_seconds > 0 ?
			run->requests / run->load_seconds :
			per_second(run, run->requests)));
	put(o, "testId", json_object_new_string(id));
	put(o, "meshConfigId", json_object_new_string(id));
	put(o, "envId", json_object_new_string(run->hostname));
	return o;
}

static struct json_object *mesh_config_json(const struct run *run)
{
	struct json_object *o = json_object_new_object();
	struct json_object *type = json_object_new_object();

	put(o, "smp_version", json_object_new_string(SMP_VERSION));
	put(o, "sidecar", role_block(run, ROLE_SIDECAR));
	put(o, "mesh_control_plane", role_block(run, ROLE_CONTROL_PLANE));
	/* Extensions: SMP has no place for per-node proxies and agents. */
	put(o, "node_proxy", role_block(run, ROLE_NODE_PROXY));
	put(o, "node_agent", role_block(run, ROLE_NODE_AGENT));
	put(type, "type", json_object_new_string(mesh_type(run)));
	put(o, "mesh_type", type);
	/* Not observable from the kernel without the TLS category of CPU
	 * profiles: unknown rather than guessed. */
	put(o, "mtls_enabled", NULL);
	return o;
}

static struct json_object *env_json(const struct run *run)
{
	struct json_object *o = json_object_new_object();
	struct json_object *nodes = json_object_new_array();
	struct json_object *node = json_object_new_object();
	struct json_object *apps = json_object_new_array();

	put(o, "smp_version", json_object_new_string(SMP_VERSION));
	put(node, "type", json_object_new_string(run->kernel));
	put(node, "cores", json_object_new_int(run->cpus));
	json_object_array_add(nodes, node);
	put(o, "node", nodes);
	for (size_t i = 0; i < run->ncomps; i++) {
		const struct component *c = &run->comps[i];
		struct json_object *w;

		if (c->role != ROLE_APP)
			continue;
		w = json_object_new_object();
		put(w, "name", json_object_new_string(c->name));
		put(w, "count", json_object_new_int64(c->npids + c->folded));
		put(w, "cpu_mCores", json_object_new_int(
			lround(per_second(run, c->m.cpu_ns / 1e9) * 1e3)));
		put(w, "mem_mb", json_object_new_int(lround(c->m.rss_avg_bytes / 1e6)));
		json_object_array_add(apps, w);
	}
	put(o, "individual_workloads", apps);
	return o;
}

struct json_object *smp_json(const struct run *run, const struct meshmark *mm)
{
	struct json_object *o = json_object_new_object();

	put(o, "performance_test_result", result_json(run));
	put(o, "service_mesh_config", mesh_config_json(run));
	put(o, "environment_config", env_json(run));
	put(o, "meshprof", mm ? meshmark_to_json(mm) : NULL);
	return o;
}
