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
#include "cpucat.h"
#include "waterfall.h"

#define NS_PER_S 1e9

static double secs(uint64_t ns)
{
	return ns / NS_PER_S;
}

static void put(struct json_object *o, const char *k, struct json_object *v)
{
	json_object_object_add(o, k, v);
}

static void put_u64(struct json_object *o, const char *k, uint64_t v)
{
	put(o, k, json_object_new_uint64(v));
}

static void put_str(struct json_object *o, const char *k, const char *v)
{
	put(o, k, json_object_new_string(v));
}

/* Only the kinds that were measured; buckets are kept (sparse) so that
 * runs can be merged and percentiles recomputed. */
static struct json_object *latency_json(const struct metrics *m)
{
	static const double pcts[] = { 50, 90, 99 };
	static const char *const names[] = { "p50_seconds", "p90_seconds",
					     "p99_seconds" };
	struct json_object *o = json_object_new_object();

	for (int k = 0; k < LAT_KINDS; k++) {
		const struct latency_hist *h = &m->lat[k];
		struct json_object *kind, *buckets;

		if (!h->count)
			continue;
		kind = json_object_new_object();
		buckets = json_object_new_array();
		put_u64(kind, "count", h->count);
		for (int i = 0; i < 3; i++)
			put(kind, names[i], json_object_new_double(
				secs(lat_percentile(h, pcts[i]))));
		put(kind, "max_seconds", json_object_new_double(secs(h->max_ns)));
		put(kind, "mean_seconds", json_object_new_double(secs(lat_mean(h))));
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
		double share = cpucat_share(m, c);

		if (!share)
			continue;
		o = json_object_new_object();
		put(o, "seconds", json_object_new_double(cpucat_seconds(m, c)));
		put(o, "share", json_object_new_double(share));
		put_u64(o, "samples", llround(share * m->cpu_samples));
		put(cats, category_name(c), o);
	}
	put(cpu, "categories", cats);
}

static void put_metrics(struct json_object *o, const struct metrics *m)
{
	struct json_object *cpu = json_object_new_object();
	struct json_object *sched = json_object_new_object();
	struct json_object *net = json_object_new_object();
	struct json_object *tcp = json_object_new_object();
	struct json_object *hist = json_object_new_array();
	struct json_object *mem = json_object_new_object();

	put(cpu, "seconds", json_object_new_double(secs(m->cpu_ns)));
	if (m->cpu_samples)
		put_categories(cpu, m);
	put_u64(sched, "voluntary_switches", m->vol_switches);
	put_u64(sched, "involuntary_switches", m->invol_switches);
	put(sched, "runq_wait_seconds", json_object_new_double(secs(m->runq_ns)));
	put_u64(sched, "runq_waits", m->runq_waits);
	put_u64(sched, "wakeups", m->wakeups);
	for (int i = 0; i < MAX_SLOTS; i++)
		json_object_array_add(hist, json_object_new_uint64(m->runq_hist[i]));
	put(sched, "runq_wait_hist_log2_ns", hist);
	put_u64(net, "bytes_sent", m->bytes_sent);
	put_u64(net, "bytes_received", m->bytes_recv);
	put_u64(net, "send_calls", m->send_calls);
	put_u64(net, "recv_calls", m->recv_calls);
	put_u64(net, "exchanges_served", m->exchanges);
	put_u64(tcp, "connects", m->tcp_connects);
	put_u64(tcp, "accepts", m->tcp_accepts);
	put_u64(tcp, "closes", m->tcp_closes);
	put_u64(tcp, "retransmits", m->tcp_retransmits);
	put(o, "cpu", cpu);
	put(o, "sched", sched);
	put(o, "net", net);
	put(o, "tcp", tcp);
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
	return o;
}

static struct json_object *component_json(const struct component *c)
{
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

static const char *const profile_drop_names[PROFILE_DROP_MAX] = {
	[PROFILE_DROP_STACKS_FULL] = "stacks_map_full",
	[PROFILE_DROP_COUNTS_FULL] = "counts_map_full",
};

static struct json_object *profile_json(const struct run *run)
{
	struct json_object *o = json_object_new_object();
	struct json_object *drops = json_object_new_object();

	put(o, "frequency_hz", json_object_new_int(run->profile_hz));
	put(o, "symbolized_share", json_object_new_double(run->symbolized_share));
	put_str(o, "user_stacks", run->profile_cfi ? "cfi" : "frame-pointers");
	put_u64(o, "cfi_samples", run->cfi_samples);
	put_u64(o, "cfi_complete_samples", run->cfi_complete);
	for (int d = 0; d < PROFILE_DROP_MAX; d++)
		put_u64(drops, profile_drop_names[d], run->profile_drops[d]);
	put(o, "drops", drops);
	return o;
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
	char buf[sizeof(run->unavailable)], *tok, *save;
	struct json_object *paths;
	struct waterfall w;

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
	put_str(probes, "sched", run->probe_sched);
	put_str(probes, "sock", run->probe_sock);
	snprintf(buf, sizeof(buf), "%s", run->unavailable);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_object_array_add(unavail, json_object_new_string(tok));
	put(probes, "unavailable", unavail);
	put(root, "probes", probes);
	put(root, "workload", workload_json(run));
	put(root, "profile", profile_json(run));
	for (int r = 0; r < DROP_MAX; r++)
		put_u64(drops, drop_name(r), run->drops[r]);
	put(root, "drops", drops);
	for (size_t i = 0; i < run->ncomps; i++)
		json_object_array_add(comps, component_json(&run->comps[i]));
	put(root, "components", comps);
	for (size_t i = 0; i < run->nprocs; i++)
		json_object_array_add(procs, process_json(run, &run->procs[i]));
	put(root, "processes", procs);
	paths = json_object_new_array();
	if (!waterfall_build(run, &w))
		json_object_array_add(paths, waterfall_json(run, &w));
	put(root, "paths", paths);
	return root;
}

int json_write_file(struct json_object *root, const char *path, char *err,
		    size_t err_len)
{
	int rc = json_object_to_file_ext(path, root, JSON_C_TO_STRING_PRETTY |
				       JSON_C_TO_STRING_NOSLASHESCAPE);

	if (rc) {
		snprintf(err, err_len, "%s: cannot write: %s", path,
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- reading: every field is checked, errors name the JSON path ---- */

struct reader {
	const char *file;
	char *err;
	size_t err_len;
	int failed;
};

static void fail(struct reader *rd, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (rd->failed++)
		return;
	n = snprintf(rd->err, rd->err_len, "%s: ", rd->file);
	va_start(ap, fmt);
	vsnprintf(rd->err + n, rd->err_len - n, fmt, ap);
	va_end(ap);
}

static struct json_object *field(struct reader *rd, struct json_object *o,
				 const char *where, const char *key,
				 enum json_type type)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !v) {
		fail(rd, "missing %s.%s", where, key);
		return NULL;
	}
	if (json_object_get_type(v) == type ||
	    (type == json_type_double && json_object_is_type(v, json_type_int)))
		return v;
	fail(rd, "%s.%s has the wrong type", where, key);
	return NULL;
}

static struct json_object *obj(struct reader *rd, struct json_object *o,
			       const char *where, const char *key)
{
	return field(rd, o, where, key, json_type_object);
}

static uint64_t get_u64(struct reader *rd, struct json_object *o,
			const char *where, const char *key)
{
	struct json_object *v = field(rd, o, where, key, json_type_int);

	if (!v)
		return 0;
	if (json_object_get_int64(v) < 0) {
		fail(rd, "%s.%s is negative", where, key);
		return 0;
	}
	return json_object_get_uint64(v);
}

static double get_double(struct reader *rd, struct json_object *o,
			 const char *where, const char *key)
{
	struct json_object *v = field(rd, o, where, key, json_type_double);
	double d = v ? json_object_get_double(v) : 0;

	if (v && (!isfinite(d) || d < 0))
		fail(rd, "%s.%s is not a non-negative number", where, key);
	return d;
}

static void get_str(struct reader *rd, struct json_object *o,
		    const char *where, const char *key, char *dst, size_t len)
{
	struct json_object *v = field(rd, o, where, key, json_type_string);

	snprintf(dst, len, "%s", v ? json_object_get_string(v) : "");
}

static uint64_t ns_of(double s)
{
	return (uint64_t)llround(s * NS_PER_S);
}

static void read_categories(struct reader *rd, struct json_object *cpu,
			    const char *where, struct metrics *m)
{
	struct json_object *cats;
	char w[96];

	if (!json_object_object_get_ex(cpu, "categories", &cats))
		return;
	m->cpu_samples = get_u64(rd, cpu, where, "samples");
	snprintf(w, sizeof(w), "%s.categories", where);
	json_object_object_foreach(cats, name, o) {
		int c = category_parse(name);

		if (c < 0) {
			fail(rd, "%s: unknown category \"%s\"", w, name);
			return;
		}
		m->cat_samples[c] = get_u64(rd, o, w, "samples");
	}
	/* Back to own samples: kernel-net was written with its sub-buckets. */
	for (int c = 0; c < CAT_MAX; c++)
		if (c != CAT_KNET && category_parent(c) == CAT_KNET &&
		    m->cat_samples[CAT_KNET] >= m->cat_samples[c])
			m->cat_samples[CAT_KNET] -= m->cat_samples[c];
}

static void read_latency(struct reader *rd, struct json_object *o,
			 const char *where, struct metrics *m)
{
	struct json_object *lat = obj(rd, o, where, "latency");
	char w[96];

	if (!lat)
		return;
	json_object_object_foreach(lat, name, kind) {
		int k = lat_kind_parse(name);
		struct json_object *b;

		snprintf(w, sizeof(w), "%s.latency.%s", where, name);
		if (k < 0) {
			fail(rd, "%s: unknown latency kind", w);
			return;
		}
		b = field(rd, kind, w, "buckets_hdr_ns", json_type_array);
		m->lat[k].max_ns = ns_of(get_double(rd, kind, w, "max_seconds"));
		m->lat[k].sum_ns = ns_of(get_double(rd, kind, w, "mean_seconds"));
		for (size_t i = 0; b && i < json_object_array_length(b); i++) {
			struct json_object *pair = json_object_array_get_idx(b, i);

			if (!json_object_is_type(pair, json_type_array) ||
			    json_object_array_length(pair) != 2) {
				fail(rd, "%s.buckets_hdr_ns[%zu] is not [slot, count]", w, i);
				return;
			}
			lat_add_slot(&m->lat[k],
				     json_object_get_uint64(json_object_array_get_idx(pair, 0)),
				     json_object_get_uint64(json_object_array_get_idx(pair, 1)));
		}
		if (m->lat[k].count != get_u64(rd, kind, w, "count"))
			fail(rd, "%s.count does not match its buckets", w);
		m->lat[k].sum_ns *= m->lat[k].count;
	}
}

static void read_metrics(struct reader *rd, struct json_object *o,
			 const char *where, struct metrics *m)
{
	struct json_object *cpu = obj(rd, o, where, "cpu");
	struct json_object *sched = obj(rd, o, where, "sched");
	struct json_object *net = obj(rd, o, where, "net");
	struct json_object *tcp = obj(rd, o, where, "tcp");
	struct json_object *mem = obj(rd, o, where, "memory");
	struct json_object *hist;
	char w_cpu[64], w_sched[64], w_net[64], w_tcp[64], w_mem[64];

	if (rd->failed)
		return;
	snprintf(w_cpu, sizeof(w_cpu), "%s.cpu", where);
	snprintf(w_sched, sizeof(w_sched), "%s.sched", where);
	snprintf(w_net, sizeof(w_net), "%s.net", where);
	snprintf(w_tcp, sizeof(w_tcp), "%s.tcp", where);
	snprintf(w_mem, sizeof(w_mem), "%s.memory", where);
	m->cpu_ns = ns_of(get_double(rd, cpu, w_cpu, "seconds"));
	read_categories(rd, cpu, w_cpu, m);
	m->vol_switches = get_u64(rd, sched, w_sched, "voluntary_switches");
	m->invol_switches = get_u64(rd, sched, w_sched, "involuntary_switches");
	m->runq_ns = ns_of(get_double(rd, sched, w_sched, "runq_wait_seconds"));
	m->runq_waits = get_u64(rd, sched, w_sched, "runq_waits");
	m->wakeups = get_u64(rd, sched, w_sched, "wakeups");
	hist = field(rd, sched, w_sched, "runq_wait_hist_log2_ns",
		     json_type_array);
	for (size_t i = 0; hist && i < json_object_array_length(hist) &&
			   i < MAX_SLOTS; i++)
		m->runq_hist[i] = json_object_get_uint64(
			json_object_array_get_idx(hist, i));
	m->bytes_sent = get_u64(rd, net, w_net, "bytes_sent");
	m->bytes_recv = get_u64(rd, net, w_net, "bytes_received");
	m->send_calls = get_u64(rd, net, w_net, "send_calls");
	m->recv_calls = get_u64(rd, net, w_net, "recv_calls");
	m->exchanges = get_u64(rd, net, w_net, "exchanges_served");
	m->rss_avg_bytes = get_u64(rd, mem, w_mem, "rss_avg_bytes");
	m->rss_peak_bytes = get_u64(rd, mem, w_mem, "rss_peak_bytes");
	read_latency(rd, o, where, m);
	m->tcp_connects = get_u64(rd, tcp, w_tcp, "connects");
	m->tcp_accepts = get_u64(rd, tcp, w_tcp, "accepts");
	m->tcp_closes = get_u64(rd, tcp, w_tcp, "closes");
	m->tcp_retransmits = get_u64(rd, tcp, w_tcp, "retransmits");
}

static int parse_enum(struct reader *rd, const char *where, const char *what,
		      const char *s, int (*parse)(const char *))
{
	int v = parse(s);

	if (v < 0) {
		fail(rd, "%s: unknown %s \"%s\"", where, what, s);
		return 0;
	}
	return v;
}

static int parse_runtime(const char *s)
{
	for (int rt = RUNTIME_NONE; rt <= RUNTIME_UNKNOWN; rt++)
		if (!strcmp(s, runtime_name(rt)))
			return rt;
	return -1;
}

static int parse_qos(const char *s)
{
	for (int q = QOS_NONE; q <= QOS_BESTEFFORT; q++)
		if (!strcmp(s, qos_name(q)))
			return q;
	return -1;
}

static void read_pod(struct reader *rd, struct json_object *o,
		     const char *where, struct component *c)
{
	struct json_object *pod;
	char buf[32];

	if (!json_object_object_get_ex(o, "pod", &pod)) {
		fail(rd, "missing %s.pod", where);
		return;
	}
	if (!pod)
		return;
	c->in_pod = true;
	get_str(rd, pod, where, "uid", c->pod.pod_uid, sizeof(c->pod.pod_uid));
	get_str(rd, pod, where, "container_id", c->pod.container_id,
		sizeof(c->pod.container_id));
	get_str(rd, pod, where, "runtime", buf, sizeof(buf));
	c->pod.runtime = parse_enum(rd, where, "runtime", buf, parse_runtime);
	get_str(rd, pod, where, "qos", buf, sizeof(buf));
	c->pod.qos = parse_enum(rd, where, "qos", buf, parse_qos);
}

static void read_component(struct reader *rd, struct run *run,
			   struct json_object *o, size_t i)
{
	struct component *c = run_add_component(run);
	struct json_object *pids;
	char where[48], buf[32];

	snprintf(where, sizeof(where), "components[%zu]", i);
	if (!c) {
		fail(rd, "out of memory");
		return;
	}
	get_str(rd, o, where, "id", c->id, sizeof(c->id));
	get_str(rd, o, where, "name", c->name, sizeof(c->name));
	get_str(rd, o, where, "role", buf, sizeof(buf));
	c->role = parse_enum(rd, where, "role", buf, role_parse);
	get_str(rd, o, where, "mesh", buf, sizeof(buf));
	c->mesh = parse_enum(rd, where, "mesh", buf, mesh_parse);
	read_pod(rd, o, where, c);
	pids = field(rd, o, where, "pids", json_type_array);
	if (pids && json_object_array_length(pids)) {
		c->npids = c->pids_cap = json_object_array_length(pids);
		c->pids = calloc(c->npids, sizeof(*c->pids));
		if (!c->pids) {
			fail(rd, "out of memory");
			return;
		}
		for (size_t k = 0; k < c->npids; k++)
			c->pids[k] = json_object_get_int64(
				json_object_array_get_idx(pids, k));
	}
	read_metrics(rd, o, where, &c->m);
}

static void read_process(struct reader *rd, struct run *run,
			 struct json_object *o, size_t i)
{
	struct process *p = run_add_process(run);
	struct json_object *v;
	char where[48], comp[COMPONENT_ID_LEN];

	snprintf(where, sizeof(where), "processes[%zu]", i);
	if (!p) {
		fail(rd, "out of memory");
		return;
	}
	p->pid = get_u64(rd, o, where, "pid");
	p->ppid = get_u64(rd, o, where, "ppid");
	get_str(rd, o, where, "comm", p->comm, sizeof(p->comm));
	get_str(rd, o, where, "exe", p->exe, sizeof(p->exe));
	get_str(rd, o, where, "cgroup", p->cgroup, sizeof(p->cgroup));
	get_str(rd, o, where, "component", comp, sizeof(comp));
	for (size_t k = 0; k < run->ncomps; k++)
		if (!strcmp(run->comps[k].id, comp))
			p->component = k;
	v = field(rd, o, where, "exited", json_type_boolean);
	p->exited = v && json_object_get_boolean(v);
	read_metrics(rd, o, where, &p->m);
}

/* A number or null (unknown, kept as -1). */
static double get_maybe(struct reader *rd, struct json_object *o,
			const char *where, const char *key)
{
	struct json_object *v;

	if (json_object_object_get_ex(o, key, &v) && !v)
		return -1;
	return get_double(rd, o, where, key);
}

static void read_workload(struct reader *rd, struct json_object *root,
			  struct run *run)
{
	struct json_object *w = obj(rd, root, "$", "workload");

	if (!w)
		return;
	run->requests = get_u64(rd, w, "workload", "requests");
	get_str(rd, w, "workload", "requests_source", run->requests_source,
		sizeof(run->requests_source));
	run->load_seconds = get_double(rd, w, "workload", "load_seconds");
	run->latency_p50_s = get_maybe(rd, w, "workload", "latency_p50_seconds");
	run->latency_p99_s = get_maybe(rd, w, "workload", "latency_p99_seconds");
	run->cpu_capacity_cores = get_double(rd, w, "workload",
					     "cpu_capacity_cores");
}

static void read_profile(struct reader *rd, struct json_object *root,
			 struct run *run)
{
	struct json_object *p = obj(rd, root, "$", "profile");
	struct json_object *drops, *v;
	char walk[32] = "";

	if (!p)
		return;
	v = field(rd, p, "profile", "frequency_hz", json_type_int);
	run->profile_hz = v ? json_object_get_int(v) : 0;
	run->symbolized_share = get_double(rd, p, "profile", "symbolized_share");
	get_str(rd, p, "profile", "user_stacks", walk, sizeof(walk));
	run->profile_cfi = !strcmp(walk, "cfi");
	run->cfi_samples = get_u64(rd, p, "profile", "cfi_samples");
	run->cfi_complete = get_u64(rd, p, "profile", "cfi_complete_samples");
	drops = obj(rd, p, "profile", "drops");
	for (int d = 0; drops && d < PROFILE_DROP_MAX; d++)
		run->profile_drops[d] = get_u64(rd, drops, "profile.drops",
						profile_drop_names[d]);
}

static void read_header(struct reader *rd, struct json_object *root,
			struct run *run)
{
	struct json_object *w, *node, *probes, *drops, *v;
	char schema[64];

	get_str(rd, root, "$", "schema", schema, sizeof(schema));
	if (!rd->failed && strcmp(schema, RUN_SCHEMA)) {
		fail(rd, "schema is \"%s\", expected \"%s\"", schema, RUN_SCHEMA);
		return;
	}
	w = obj(rd, root, "$", "window");
	node = obj(rd, root, "$", "node");
	probes = obj(rd, root, "$", "probes");
	drops = obj(rd, root, "$", "drops");
	if (rd->failed)
		return;
	run->start = get_double(rd, w, "window", "start");
	run->end = get_double(rd, w, "window", "end");
	run->seconds = get_double(rd, w, "window", "seconds");
	get_str(rd, node, "node", "hostname", run->hostname,
		sizeof(run->hostname));
	get_str(rd, node, "node", "kernel", run->kernel, sizeof(run->kernel));
	v = field(rd, node, "node", "cpus", json_type_int);
	run->cpus = v ? json_object_get_int(v) : 0;
	get_str(rd, probes, "probes", "sched", run->probe_sched,
		sizeof(run->probe_sched));
	get_str(rd, probes, "probes", "sock", run->probe_sock,
		sizeof(run->probe_sock));
	v = field(rd, probes, "probes", "unavailable", json_type_array);
	for (size_t i = 0; v && i < json_object_array_length(v); i++) {
		size_t len = strlen(run->unavailable);

		snprintf(run->unavailable + len, sizeof(run->unavailable) - len,
			 "%s%s", len ? "," : "",
			 json_object_get_string(json_object_array_get_idx(v, i)));
	}
	for (int r = 0; r < DROP_MAX; r++)
		run->drops[r] = get_u64(rd, drops, "drops", drop_name(r));
	read_workload(rd, root, run);
	read_profile(rd, root, run);
}

int run_read_json(struct run *run, const char *path, char *err,
		  size_t err_len)
{
	struct reader rd = { .file = path, .err = err, .err_len = err_len };
	struct json_object *root, *comps, *procs;
	FILE *f;

	memset(run, 0, sizeof(*run));
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return -1;
	}
	fclose(f);
	root = json_object_from_file(path);
	if (!root) {
		snprintf(err, err_len, "%s: not valid JSON: %s", path,
			 json_util_get_last_err());
		err[strcspn(err, "\n")] = '\0';
		return -1;
	}
	if (!json_object_is_type(root, json_type_object))
		fail(&rd, "top level is not an object");
	else
		read_header(&rd, root, run);
	comps = rd.failed ? NULL :
		field(&rd, root, "$", "components", json_type_array);
	for (size_t i = 0; comps && !rd.failed &&
			   i < json_object_array_length(comps); i++)
		read_component(&rd, run, json_object_array_get_idx(comps, i), i);
	procs = rd.failed ? NULL :
		field(&rd, root, "$", "processes", json_type_array);
	for (size_t i = 0; procs && !rd.failed &&
			   i < json_object_array_length(procs); i++)
		read_process(&rd, run, json_object_array_get_idx(procs, i), i);
	json_object_put(root);
	if (rd.failed) {
		run_free(run);
		return -1;
	}
	return 0;
}
