// SPDX-License-Identifier: GPL-2.0
/* A run read back from JSON (docs/json.md): every field is checked, errors
 * name the JSON path. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "runjson.h"

#define NS_PER_S 1e9

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

/* A string that may be absent or null (""); one too long is an error. */
static void get_opt_str(struct reader *rd, struct json_object *o,
			const char *where, const char *key, char *dst,
			size_t len)
{
	struct json_object *v;

	dst[0] = '\0';
	if (!json_object_object_get_ex(o, key, &v) || !v)
		return;
	if (!json_object_is_type(v, json_type_string)) {
		fail(rd, "%s.%s has the wrong type", where, key);
		return;
	}
	if ((size_t)json_object_get_string_len(v) >= len) {
		fail(rd, "%s.%s is longer than %zu characters", where, key,
		     len - 1);
		return;
	}
	snprintf(dst, len, "%s", json_object_get_string(v));
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

static void read_counter(struct reader *rd, struct json_object *o,
			 const char *where, const struct counter_def *d,
			 uint64_t *v)
{
	struct json_object *g = obj(rd, o, where, d->group);
	char w[96];

	if (!g)
		return;
	snprintf(w, sizeof(w), "%s.%s", where, d->group);
	if (d->unit == UNIT_NS)
		*v = ns_of(get_double(rd, g, w, d->key));
	else
		*v = get_u64(rd, g, w, d->key);
}

static void read_metrics(struct reader *rd, struct json_object *o,
			 const char *where, struct metrics *m)
{
	struct json_object *cpu = obj(rd, o, where, "cpu");
	struct json_object *sched = obj(rd, o, where, "sched");
	struct json_object *mem = obj(rd, o, where, "memory");
	struct json_object *hist;
	char w_cpu[64], w_sched[64], w_mem[64];

	if (rd->failed)
		return;
	snprintf(w_cpu, sizeof(w_cpu), "%s.cpu", where);
	snprintf(w_sched, sizeof(w_sched), "%s.sched", where);
	snprintf(w_mem, sizeof(w_mem), "%s.memory", where);
	for (int i = 0; i < NCOUNTERS && !rd->failed; i++)
		read_counter(rd, o, where, &counter_defs[i], &m->counter[i]);
	read_categories(rd, cpu, w_cpu, m);
	hist = field(rd, sched, w_sched, "runq_wait_hist_log2_ns",
		     json_type_array);
	for (size_t i = 0; hist && i < json_object_array_length(hist) &&
			   i < MAX_SLOTS; i++)
		m->runq_hist[i] = json_object_get_uint64(
			json_object_array_get_idx(hist, i));
	m->rss_avg_bytes = get_u64(rd, mem, w_mem, "rss_avg_bytes");
	m->rss_peak_bytes = get_u64(rd, mem, w_mem, "rss_peak_bytes");
	read_latency(rd, o, where, m);
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
	c->pod.runtime = parse_enum(rd, where, "runtime", buf, runtime_parse);
	get_str(rd, pod, where, "qos", buf, sizeof(buf));
	c->pod.qos = parse_enum(rd, where, "qos", buf, qos_parse);
	get_opt_str(rd, pod, where, "namespace", c->pod.namespace,
		    sizeof(c->pod.namespace));
	get_opt_str(rd, pod, where, "name", c->pod.pod_name,
		    sizeof(c->pod.pod_name));
	get_opt_str(rd, pod, where, "container", c->pod.container,
		    sizeof(c->pod.container));
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
	run->profile.hz = v ? json_object_get_int(v) : 0;
	run->profile.symbolized_share = get_double(rd, p, "profile",
						   "symbolized_share");
	get_str(rd, p, "profile", "user_stacks", walk, sizeof(walk));
	run->profile.cfi = !strcmp(walk, "cfi");
	run->profile.cfi_samples = get_u64(rd, p, "profile", "cfi_samples");
	run->profile.cfi_complete = get_u64(rd, p, "profile",
					    "cfi_complete_samples");
	run->profile.cfi_no_room = get_u64(rd, p, "profile",
					   "cfi_files_without_room");
	drops = obj(rd, p, "profile", "drops");
	for (int d = 0; drops && d < PROFILE_DROP_MAX; d++)
		run->profile.drops[d] = get_u64(rd, drops, "profile.drops",
						profile_drop_name(d));
}

/* The nodes of a run made from Prometheus; absent in recorded runs. */
static void read_nodes(struct reader *rd, struct json_object *root,
		       struct run *run)
{
	struct json_object *a, *v;
	char where[32];

	if (!json_object_object_get_ex(root, "nodes", &a))
		return;
	if (!json_object_is_type(a, json_type_array)) {
		fail(rd, "$.nodes has the wrong type");
		return;
	}
	for (size_t i = 0; i < json_object_array_length(a) && !rd->failed; i++) {
		struct json_object *o = json_object_array_get_idx(a, i);
		struct run_node *n = run_add_node(run);

		snprintf(where, sizeof(where), "nodes[%zu]", i);
		if (!n) {
			fail(rd, "out of memory");
			return;
		}
		if (!json_object_is_type(o, json_type_object)) {
			fail(rd, "%s is not an object", where);
			return;
		}
		get_str(rd, o, where, "name", n->name, sizeof(n->name));
		get_str(rd, o, where, "kernel", n->kernel, sizeof(n->kernel));
		v = field(rd, o, where, "cpus", json_type_int);
		n->cpus = v ? json_object_get_int(v) : 0;
		get_str(rd, o, where, "meshprof_version", n->version,
			sizeof(n->version));
	}
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
		const char *name = json_object_get_string(
			json_object_array_get_idx(v, i));
		int g = gap_parse(name);

		if (g < 0) {
			fail(rd, "probes.unavailable[%zu]: unknown metric \"%s\"",
			     i, name ? name : "");
			return;
		}
		run->unavailable |= GAP_BIT(g);
	}
	for (int r = 0; r < DROP_MAX; r++)
		run->drops[r] = get_u64(rd, drops, "drops", drop_name(r));
	read_nodes(rd, root, run);
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
	if (!rd.failed && stacks_from_json(run, root, path, err, err_len))
		rd.failed = 1;
	json_object_put(root);
	if (rd.failed) {
		run_free(run);
		return -1;
	}
	return 0;
}
