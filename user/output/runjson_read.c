// SPDX-License-Identifier: GPL-2.0
/*
 * A run read back from JSON (docs/json.md): the file is read once and
 * walked a piece at a time (lib/jsonscan.h), one component or process
 * tree at a time, so memory follows the run, not json-c's tree of it.
 * Every value is checked for its type and range; errors name the JSON
 * path in words.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "hash.h"
#include "jsonscan.h"
#include "runjson.h"
#include "textfile.h"

#define NS_PER_S 1e9
#define MAX_PID 4194304			/* the kernel's PID_MAX_LIMIT */
#define MAX_CPUS 65536
#define MAX_EPOCH 1e10			/* seconds: the year 2286 */
#define MAX_SECONDS 1e9			/* any duration: 31 years */
#define MAX_HZ 100000
#define PATH_LEN 192			/* a key path in messages */
/* What a run may take in memory beyond its text: a latency histogram
 * takes 4.7 KiB, which a crafted file says in 30 bytes. */
#define BUDGET_PER_BYTE 6
#define BUDGET_MIN (16u << 20)
#define BUDGET_MAX (1u << 30)

struct reader {
	const char *file;
	char *err;
	size_t err_len;
	int failed;
	struct json_scan scan;		/* the whole text */
	char scan_err[256];
	size_t budget;			/* bytes the run may still take */
	double cpu_limit_s;		/* cpu.seconds at most: window x CPUs */
	int *comp_index;		/* component ids, hashed: open addressing */
	size_t comp_cap;
};

static void fail(struct reader *rd, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (rd->failed++)
		return;
	n = snprintf(rd->err, rd->err_len, "%s: ", rd->file);
	if (n < 0 || (size_t)n >= rd->err_len)
		return;
	va_start(ap, fmt);
	vsnprintf(rd->err + n, rd->err_len - n, fmt, ap);
	va_end(ap);
	/* Keys and strings of the file are quoted back. */
	text_escape(rd->err, rd->err_len);
}

/* Takes @bytes of the run's memory budget; false (and a message) when
 * the file asks for more than its size allows. */
static bool take(struct reader *rd, size_t bytes, const char *what)
{
	if (bytes <= rd->budget) {
		rd->budget -= bytes;
		return true;
	}
	fail(rd, "%s would take more memory than a file of its size may ask for (docs/json.md)",
	     what);
	return false;
}

static const char *type_name(struct json_object *v)
{
	return v ? json_type_to_name(json_object_get_type(v)) : "null";
}

/* "@where.@fmt..." into @buf, a key path of PATH_LEN bytes: cut short
 * (never overflowing) when a crafted key makes it too long. */
static __attribute__((format(printf, 3, 4)))
char *key_path(char *buf, const char *where, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(buf, PATH_LEN, "%s.", where);

	if (n >= 0 && n < PATH_LEN) {
		va_start(ap, fmt);
		vsnprintf(buf + n, PATH_LEN - n, fmt, ap);
		va_end(ap);
	}
	return buf;
}

static struct json_object *field(struct reader *rd, struct json_object *o,
				 const char *where, const char *key,
				 enum json_type type)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !v) {
		fail(rd, "missing %s.%s", where, key);
		return NULL;
	}
	if (json_object_get_type(v) == type ||
	    (type == json_type_double && json_object_is_type(v, json_type_int)))
		return v;
	fail(rd, "%s.%s has the wrong type (%s, expected %s)", where, key,
	     type_name(v), json_type_to_name(type));
	return NULL;
}

static struct json_object *obj(struct reader *rd, struct json_object *o,
			       const char *where, const char *key)
{
	return field(rd, o, where, key, json_type_object);
}

/* A whole number in [@min, @max]; @what names it in messages. */
static int64_t int_of(struct reader *rd, struct json_object *v,
		      const char *what, int64_t min, int64_t max)
{
	int64_t n;

	if (!json_object_is_type(v, json_type_int)) {
		fail(rd, "%s has the wrong type (%s, expected an integer)", what,
		     type_name(v));
		return 0;
	}
	n = json_object_get_int64(v);
	/* json-c keeps integers above INT64_MAX as unsigned ones. */
	if (n < min || n > max || (n == INT64_MAX && max == INT64_MAX &&
				   json_object_get_uint64(v) > INT64_MAX)) {
		fail(rd, "%s is %s, expected %lld to %lld", what,
		     json_object_to_json_string_ext(v, JSON_C_TO_STRING_NOSLASHESCAPE), (long long)min,
		     (long long)max);
		return 0;
	}
	return n;
}

static int64_t get_int(struct reader *rd, struct json_object *o,
		       const char *where, const char *key, int64_t min,
		       int64_t max)
{
	struct json_object *v = field(rd, o, where, key, json_type_int);
	char what[PATH_LEN];

	if (!v)
		return 0;
	key_path(what, where, "%s", key);
	return int_of(rd, v, what, min, max);
}

/* A count: a whole number, not negative. */
static uint64_t get_u64(struct reader *rd, struct json_object *o,
			const char *where, const char *key)
{
	return get_int(rd, o, where, key, 0, INT64_MAX);
}

static double get_range(struct reader *rd, struct json_object *o,
			const char *where, const char *key, double min,
			double max)
{
	struct json_object *v = field(rd, o, where, key, json_type_double);
	double d = v ? json_object_get_double(v) : 0;

	if (v && !(d >= min && d <= max)) {
		fail(rd, "%s.%s is %s, expected %g to %g", where, key,
		     json_object_to_json_string_ext(v, JSON_C_TO_STRING_NOSLASHESCAPE), min, max);
		return 0;
	}
	return d;
}

static double get_seconds(struct reader *rd, struct json_object *o,
			  const char *where, const char *key)
{
	return get_range(rd, o, where, key, 0, MAX_SECONDS);
}

/* A string that fits @len with its NUL, without control characters: the
 * table prints it on a terminal. */
static void get_str(struct reader *rd, struct json_object *o,
		    const char *where, const char *key, char *dst, size_t len)
{
	struct json_object *v = field(rd, o, where, key, json_type_string);
	const char *s = v ? json_object_get_string(v) : "";
	size_t n = v ? (size_t)json_object_get_string_len(v) : 0;

	dst[0] = '\0';
	if (!v)
		return;
	if (n >= len) {
		fail(rd, "%s.%s is longer than %zu characters", where, key,
		     len - 1);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			fail(rd, "%s.%s holds a control character", where, key);
			return;
		}
	}
	memcpy(dst, s, n + 1);
}

static int parse_enum(struct reader *rd, const char *where, const char *what,
		      const char *s, int (*parse)(const char *))
{
	int v = parse(s);

	if (v < 0 && !rd->failed) {
		fail(rd, "%s: unknown %s \"%s\"", where, what, s);
		return 0;
	}
	return v < 0 ? 0 : v;
}

/* The same for a string that may be absent or null (""). */
static void get_opt_str(struct reader *rd, struct json_object *o,
			const char *where, const char *key, char *dst,
			size_t len)
{
	struct json_object *v;

	dst[0] = '\0';
	if (json_object_object_get_ex(o, key, &v) && v)
		get_str(rd, o, where, key, dst, len);
}

static uint64_t ns_of(double s)
{
	return (uint64_t)llround(s * NS_PER_S);
}

/* ---- metrics ---- */

static void read_categories(struct reader *rd, struct json_object *cpu,
			    const char *where, struct metrics *m)
{
	struct json_object *cats;
	char w[PATH_LEN];

	if (!json_object_object_get_ex(cpu, "categories", &cats))
		return;
	if (!json_object_is_type(cats, json_type_object)) {
		fail(rd, "%s.categories has the wrong type (%s, expected object)",
		     where, type_name(cats));
		return;
	}
	m->cpu_samples = get_u64(rd, cpu, where, "samples");
	key_path(w, where, "categories");
	json_object_object_foreach(cats, name, o) {
		int c = category_parse(name);
		char wc[PATH_LEN];

		if (c < 0) {
			fail(rd, "%s: unknown category \"%s\"", w, name);
			return;
		}
		if (!json_object_is_type(o, json_type_object)) {
			fail(rd, "%s.%s has the wrong type (%s, expected object)",
			     w, name, type_name(o));
			return;
		}
		key_path(wc, w, "%s", name);
		m->cat_samples[c] = get_int(rd, o, wc, "samples", 0,
					    m->cpu_samples);
	}
	/* Back to own samples: kernel-net was written with its sub-buckets. */
	for (int c = 0; c < CAT_MAX; c++)
		if (c != CAT_KNET && category_parent(c) == CAT_KNET &&
		    m->cat_samples[CAT_KNET] >= m->cat_samples[c])
			m->cat_samples[CAT_KNET] -= m->cat_samples[c];
}

/* Optional: runs written before it was counted have none. */
static void read_unnamed(struct reader *rd, struct json_object *cpu,
			 const char *where, struct metrics *m)
{
	struct json_object *o, *why;
	char w[PATH_LEN], wr[PATH_LEN];

	if (!cpu || !json_object_object_get_ex(cpu, "unnamed", NULL))
		return;
	o = obj(rd, cpu, where, "unnamed");
	key_path(w, where, "unnamed");
	why = obj(rd, o, w, "reasons");
	if (!why)
		return;
	key_path(wr, w, "reasons");
	json_object_object_foreach(why, name, n) {
		int r = unnamed_parse(name);

		(void)n;
		if (r < 0) {
			fail(rd, "%s: unknown reason \"%s\"", wr, name);
			return;
		}
		m->unnamed_samples[r] = get_u64(rd, why, wr, name);
	}
}

static void read_buckets(struct reader *rd, struct json_object *b,
			 const char *where, struct latency_hist *h)
{
	char what[PATH_LEN];

	for (size_t i = 0; b && i < json_object_array_length(b) && !rd->failed;
	     i++) {
		struct json_object *pair = json_object_array_get_idx(b, i);
		int64_t slot, n;

		if (!json_object_is_type(pair, json_type_array) ||
		    json_object_array_length(pair) != 2) {
			fail(rd, "%s.buckets_hdr_ns[%zu] is not [slot, count]",
			     where, i);
			return;
		}
		key_path(what, where, "buckets_hdr_ns[%zu][0]", i);
		slot = int_of(rd, json_object_array_get_idx(pair, 0), what, 0,
			      LAT_SLOTS - 1);
		key_path(what, where, "buckets_hdr_ns[%zu][1]", i);
		n = int_of(rd, json_object_array_get_idx(pair, 1), what, 0,
			   INT64_MAX);
		if (!h->slots && n && !take(rd, LAT_SLOTS * sizeof(*h->slots),
					    "its latency histograms"))
			return;
		if (!rd->failed && lat_add_slot(h, slot, n))
			fail(rd, "out of memory");
	}
}

static void read_latency(struct reader *rd, struct json_object *o,
			 const char *where, struct metrics *m)
{
	struct json_object *lat = obj(rd, o, where, "latency");
	char w[PATH_LEN];

	if (!lat)
		return;
	json_object_object_foreach(lat, name, kind) {
		int k = lat_kind_parse(name);
		struct latency_hist *h;
		struct json_object *b;
		uint64_t count, mean;

		key_path(w, where, "latency.%s", name);
		if (k < 0) {
			fail(rd, "%s: unknown latency kind", w);
			return;
		}
		if (!json_object_is_type(kind, json_type_object)) {
			fail(rd, "%s has the wrong type (%s, expected object)",
			     w, type_name(kind));
			return;
		}
		h = &m->lat[k];
		b = field(rd, kind, w, "buckets_hdr_ns", json_type_array);
		h->max_ns = ns_of(get_seconds(rd, kind, w, "max_seconds"));
		mean = ns_of(get_seconds(rd, kind, w, "mean_seconds"));
		count = get_u64(rd, kind, w, "count");
		read_buckets(rd, b, w, h);
		if (rd->failed)
			return;
		if (h->count != count) {
			fail(rd, "%s.count does not match its buckets", w);
			return;
		}
		if (count && mean > UINT64_MAX / count) {
			fail(rd, "%s.mean_seconds times its count is out of range", w);
			return;
		}
		h->sum_ns = mean * count;
	}
}

static void read_counter(struct reader *rd, struct json_object *o,
			 const char *where, const struct counter_def *d,
			 uint64_t *v)
{
	struct json_object *g = obj(rd, o, where, d->group);
	char w[PATH_LEN];

	if (!g)
		return;
	key_path(w, where, "%s", d->group);
	if (d->unit == UNIT_NS)
		*v = ns_of(get_seconds(rd, g, w, d->key));
	else
		*v = get_u64(rd, g, w, d->key);
}

/* Runs recorded before peers were counted have none: zeros. */
static void read_peers(struct reader *rd, struct json_object *o,
		       const char *where, struct metrics *m)
{
	const char *group = peer_counter_defs[0].group;
	struct json_object *peers, *pc;
	char w[PATH_LEN], wc[PATH_LEN];

	if (!json_object_object_get_ex(o, group, NULL))
		return;
	peers = obj(rd, o, where, group);
	key_path(w, where, "%s", group);
	for (int c = 0; peers && c < PEER_MAX && !rd->failed; c++) {
		pc = obj(rd, peers, w, peer_name(c));
		key_path(wc, w, "%s", peer_name(c));
		for (int i = 0; pc && i < NPEER_COUNTERS; i++)
			m->peer[c].counter[i] = get_u64(rd, pc, wc,
						peer_counter_defs[i].key);
	}
}

static void read_hist(struct reader *rd, struct json_object *sched,
		      const char *where, uint64_t *slots)
{
	struct json_object *hist = field(rd, sched, where,
					 "runq_wait_hist_log2_ns",
					 json_type_array);
	char what[PATH_LEN];

	if (!hist)
		return;
	if (json_object_array_length(hist) != MAX_SLOTS) {
		fail(rd, "%s.runq_wait_hist_log2_ns has %zu counts, expected %d",
		     where, json_object_array_length(hist), MAX_SLOTS);
		return;
	}
	for (size_t i = 0; i < MAX_SLOTS && !rd->failed; i++) {
		key_path(what, where, "runq_wait_hist_log2_ns[%zu]", i);
		slots[i] = int_of(rd, json_object_array_get_idx(hist, i), what,
				  0, INT64_MAX);
	}
}

static void read_metrics(struct reader *rd, struct json_object *o,
			 const char *where, struct metrics *m)
{
	struct json_object *cpu = obj(rd, o, where, "cpu");
	struct json_object *sched = obj(rd, o, where, "sched");
	struct json_object *mem = obj(rd, o, where, "memory");
	char w_cpu[PATH_LEN], w_sched[PATH_LEN], w_mem[PATH_LEN];

	if (rd->failed)
		return;
	key_path(w_cpu, where, "cpu");
	key_path(w_sched, where, "sched");
	key_path(w_mem, where, "memory");
	for (int i = 0; i < NCOUNTERS && !rd->failed; i++)
		read_counter(rd, o, where, &counter_defs[i], &m->counter[i]);
	read_peers(rd, o, where, m);
	if (!rd->failed && m->cpu_ns > rd->cpu_limit_s * NS_PER_S)
		fail(rd, "%s.seconds is %.9g, more than the window allows (%g CPU seconds)",
		     w_cpu, m->cpu_ns / NS_PER_S, rd->cpu_limit_s);
	read_categories(rd, cpu, w_cpu, m);
	read_unnamed(rd, cpu, w_cpu, m);
	read_hist(rd, sched, w_sched, m->runq_hist);
	m->rss_avg_bytes = get_u64(rd, mem, w_mem, "rss_avg_bytes");
	m->rss_peak_bytes = get_u64(rd, mem, w_mem, "rss_peak_bytes");
	read_latency(rd, o, where, m);
}

/* ---- components and processes ---- */

static void read_pod(struct reader *rd, struct json_object *o,
		     const char *where, struct component *c)
{
	struct json_object *pod;
	char buf[32], w[64];

	if (!json_object_object_get_ex(o, "pod", &pod)) {
		fail(rd, "missing %s.pod", where);
		return;
	}
	if (!pod)
		return;
	if (!json_object_is_type(pod, json_type_object)) {
		fail(rd, "%s.pod has the wrong type (%s, expected object or null)",
		     where, type_name(pod));
		return;
	}
	key_path(w, where, "pod");
	c->in_pod = true;
	get_str(rd, pod, w, "uid", c->pod.pod_uid, sizeof(c->pod.pod_uid));
	get_str(rd, pod, w, "container_id", c->pod.container_id,
		sizeof(c->pod.container_id));
	get_str(rd, pod, w, "runtime", buf, sizeof(buf));
	c->pod.runtime = parse_enum(rd, w, "runtime", buf, runtime_parse);
	get_str(rd, pod, w, "qos", buf, sizeof(buf));
	c->pod.qos = parse_enum(rd, w, "qos", buf, qos_parse);
	/* Optional: names are known where the kubelet's directories are. */
	get_opt_str(rd, pod, w, "namespace", c->pod.namespace,
		    sizeof(c->pod.namespace));
	get_opt_str(rd, pod, w, "name", c->pod.pod_name,
		    sizeof(c->pod.pod_name));
	get_opt_str(rd, pod, w, "container", c->pod.container,
		    sizeof(c->pod.container));
}

static void read_pids(struct reader *rd, struct json_object *o,
		      const char *where, struct component *c)
{
	struct json_object *pids = field(rd, o, where, "pids", json_type_array);
	size_t n = pids ? json_object_array_length(pids) : 0;
	char what[PATH_LEN];

	if (!n)
		return;
	if (!take(rd, n * sizeof(*c->pids), where))
		return;
	c->pids = calloc(n, sizeof(*c->pids));
	if (!c->pids) {
		fail(rd, "out of memory");
		return;
	}
	c->npids = c->pids_cap = n;
	for (size_t k = 0; k < n && !rd->failed; k++) {
		key_path(what, where, "pids[%zu]", k);
		c->pids[k] = int_of(rd, json_object_array_get_idx(pids, k), what,
				    0, MAX_PID);
	}
}

/* The slot of @id in the component index: its index there, or -1. */
static int *comp_slot(struct reader *rd, const struct run *run,
		      const char *id)
{
	size_t i = fnv1a_str(FNV1A_BASIS, id) & (rd->comp_cap - 1);

	while (rd->comp_index[i] >= 0 && strcmp(run->comps[rd->comp_index[i]].id, id))
		i = (i + 1) & (rd->comp_cap - 1);
	return &rd->comp_index[i];
}

static void index_component(struct reader *rd, const struct run *run,
			    size_t idx, const char *where)
{
	int *slot;

	if (rd->failed)
		return;
	if (!rd->comp_index) {
		fail(rd, "out of memory");
		return;
	}
	slot = comp_slot(rd, run, run->comps[idx].id);
	if (*slot >= 0) {
		fail(rd, "%s.id \"%s\" is the id of components[%d] too", where,
		     run->comps[idx].id, *slot);
		return;
	}
	*slot = idx;
}

static void read_component(struct reader *rd, struct run *run,
			   struct json_object *o, size_t i)
{
	struct component *c;
	char where[48], buf[32];

	snprintf(where, sizeof(where), "components[%zu]", i);
	if (!json_object_is_type(o, json_type_object)) {
		fail(rd, "%s has the wrong type (%s, expected object)", where,
		     type_name(o));
		return;
	}
	if (!take(rd, sizeof(*c), where))
		return;
	c = run_add_component(run);
	if (!c) {
		fail(rd, "out of memory");
		return;
	}
	get_str(rd, o, where, "id", c->id, sizeof(c->id));
	if (!rd->failed && !c->id[0])
		fail(rd, "%s.id is empty", where);
	get_str(rd, o, where, "name", c->name, sizeof(c->name));
	get_str(rd, o, where, "role", buf, sizeof(buf));
	c->role = parse_enum(rd, where, "role", buf, role_parse);
	get_str(rd, o, where, "mesh", buf, sizeof(buf));
	c->mesh = parse_enum(rd, where, "mesh", buf, mesh_parse);
	read_pod(rd, o, where, c);
	read_pids(rd, o, where, c);
	/* Optional: runs of earlier versions do not have it. */
	if (json_object_object_get_ex(o, "processes_folded", NULL))
		c->folded = get_u64(rd, o, where, "processes_folded");
	read_metrics(rd, o, where, &c->m);
	index_component(rd, run, c - run->comps, where);
}

static void read_process(struct reader *rd, struct run *run,
			 struct json_object *o, size_t i)
{
	struct json_object *v;
	struct process *p;
	char where[48], comp[COMPONENT_ID_LEN];

	snprintf(where, sizeof(where), "processes[%zu]", i);
	if (!json_object_is_type(o, json_type_object)) {
		fail(rd, "%s has the wrong type (%s, expected object)", where,
		     type_name(o));
		return;
	}
	if (!take(rd, sizeof(*p), where))
		return;
	p = run_add_process(run);
	if (!p) {
		fail(rd, "out of memory");
		return;
	}
	p->pid = get_int(rd, o, where, "pid", 0, MAX_PID);
	p->ppid = get_int(rd, o, where, "ppid", 0, MAX_PID);
	get_str(rd, o, where, "comm", p->comm, sizeof(p->comm));
	get_str(rd, o, where, "exe", p->exe, sizeof(p->exe));
	get_str(rd, o, where, "cgroup", p->cgroup, sizeof(p->cgroup));
	get_str(rd, o, where, "component", comp, sizeof(comp));
	if (!rd->failed && comp[0]) {
		p->component = rd->comp_index ? *comp_slot(rd, run, comp) : -1;
		if (p->component < 0)
			fail(rd, "%s.component \"%s\" is no component's id",
			     where, comp);
	}
	v = field(rd, o, where, "exited", json_type_boolean);
	p->exited = v && json_object_get_boolean(v);
	/* Runs recorded before agents were told apart have none. */
	if (json_object_object_get_ex(o, "agent", NULL)) {
		v = field(rd, o, where, "agent", json_type_boolean);
		p->agent = v && json_object_get_boolean(v);
	}
	read_metrics(rd, o, where, &p->m);
}

/* ---- the sections of the header ---- */

/* A number or null (unknown, kept as -1). */
static double get_maybe(struct reader *rd, struct json_object *o,
			const char *where, const char *key)
{
	struct json_object *v;

	if (json_object_object_get_ex(o, key, &v) && !v)
		return -1;
	return get_seconds(rd, o, where, key);
}

static int requests_source_parse(const char *s)
{
	static const char *const known[] = {
		"", "load-generator", "sockets", "command-line",
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(s, known[i]))
			return i;
	return -1;
}

static void read_workload(struct reader *rd, struct json_object *w,
			  struct run *run)
{
	run->requests = get_int(rd, w, "workload", "requests", 0, 1e15);
	get_str(rd, w, "workload", "requests_source", run->requests_source,
		sizeof(run->requests_source));
	parse_enum(rd, "workload", "requests_source", run->requests_source,
		   requests_source_parse);
	run->load_seconds = get_seconds(rd, w, "workload", "load_seconds");
	run->latency_p50_s = get_maybe(rd, w, "workload", "latency_p50_seconds");
	run->latency_p99_s = get_maybe(rd, w, "workload", "latency_p99_seconds");
	run->cpu_capacity_cores = get_range(rd, w, "workload",
					    "cpu_capacity_cores", 0, 1e6);
}

static int user_stacks_parse(const char *s)
{
	return !strcmp(s, "frame-pointers") ? 0 : !strcmp(s, "cfi") ? 1 : -1;
}

static void read_profile(struct reader *rd, struct json_object *p,
			 struct run *run)
{
	struct json_object *drops, *refused, *v;
	char walk[32] = "";

	run->profile.hz = get_int(rd, p, "profile", "frequency_hz", 0, MAX_HZ);
	run->profile.symbolized_share = get_range(rd, p, "profile",
						  "symbolized_share", 0, 1);
	get_str(rd, p, "profile", "user_stacks", walk, sizeof(walk));
	run->profile.cfi = parse_enum(rd, "profile", "user_stacks", walk,
				      user_stacks_parse);
	run->profile.cfi_samples = get_u64(rd, p, "profile", "cfi_samples");
	run->profile.cfi_complete = get_int(rd, p, "profile",
					    "cfi_complete_samples", 0,
					    run->profile.cfi_samples);
	run->profile.cfi_no_room = get_u64(rd, p, "profile",
					   "cfi_files_without_room");
	drops = obj(rd, p, "profile", "drops");
	for (int d = 0; drops && d < PROFILE_DROP_MAX; d++)
		run->profile.drops[d] = get_u64(rd, drops, "profile.drops",
						profile_drop_name(d));
	/* Optional: runs of earlier versions do not have them. */
	if (json_object_object_get_ex(p, "sampler_seconds", NULL))
		run->profile.handler_ns = ns_of(get_seconds(rd, p, "profile",
							    "sampler_seconds"));
	if (json_object_object_get_ex(p, "stopped_after_seconds", &v) && v) {
		run->profile.stopped = true;
		run->profile.stopped_after_s = get_seconds(rd, p, "profile",
							   "stopped_after_seconds");
	}
	if (!json_object_object_get_ex(p, "files_refused", NULL))
		return;
	refused = obj(rd, p, "profile", "files_refused");
	for (int r = 0; refused && r < REFUSE_MAX; r++)
		run->profile.refused[r] = get_u64(rd, refused,
						  "profile.files_refused",
						  refusal_name(r));
}

static int sched_parse(const char *s)
{
	return !strcmp(s, "tp_btf") || !strcmp(s, "raw_tp") ? 0 : -1;
}

static int sock_parse(const char *s)
{
	return sched_parse(s) && strcmp(s, "syscalls") && strcmp(s, "none") ?
	       -1 : 0;
}

static void read_window(struct reader *rd, struct json_object *w,
			struct run *run)
{
	run->start = get_range(rd, w, "window", "start", 0, MAX_EPOCH);
	run->end = get_range(rd, w, "window", "end", 0, MAX_EPOCH);
	run->seconds = get_range(rd, w, "window", "seconds", 1e-9, MAX_SECONDS);
	if (!rd->failed && run->end < run->start)
		fail(rd, "window.end (%.3f) is before window.start (%.3f)",
		     run->end, run->start);
}

static void read_node(struct reader *rd, struct json_object *node,
		      struct run *run)
{
	get_str(rd, node, "node", "hostname", run->hostname,
		sizeof(run->hostname));
	get_str(rd, node, "node", "kernel", run->kernel, sizeof(run->kernel));
	run->cpus = get_int(rd, node, "node", "cpus", 1, MAX_CPUS);
}

static void read_probes(struct reader *rd, struct json_object *probes,
			struct run *run)
{
	struct json_object *v;

	get_str(rd, probes, "probes", "sched", run->probe_sched,
		sizeof(run->probe_sched));
	parse_enum(rd, "probes", "sched probe", run->probe_sched, sched_parse);
	get_str(rd, probes, "probes", "sock", run->probe_sock,
		sizeof(run->probe_sock));
	parse_enum(rd, "probes", "sock probe", run->probe_sock, sock_parse);
	v = field(rd, probes, "probes", "unavailable", json_type_array);
	for (size_t i = 0; v && i < json_object_array_length(v) && !rd->failed;
	     i++) {
		struct json_object *e = json_object_array_get_idx(v, i);
		int g = json_object_is_type(e, json_type_string) ?
			gap_parse(json_object_get_string(e)) : -1;

		if (g < 0)
			fail(rd, "probes.unavailable[%zu] is %s, not a metric's name",
			     i, json_object_to_json_string_ext(e, JSON_C_TO_STRING_NOSLASHESCAPE));
		else
			run->unavailable |= GAP_BIT(g);
	}
}

static void read_drops(struct reader *rd, struct json_object *drops,
		       struct run *run)
{
	for (int r = 0; r < DROP_MAX; r++)
		run->drops[r] = get_u64(rd, drops, "drops", drop_name(r));
}

/* ---- the document ---- */

enum member {
	M_SCHEMA,
	M_WINDOW,
	M_NODE,
	M_NODES,
	M_PROBES,
	M_WORKLOAD,
	M_PROFILE,
	M_DROPS,
	M_COMPONENTS,
	M_PROCESSES,
	M_FOLDED,
	M_STACKS,
	M_MAX,
};

/* Read in this order: what later checks use comes first. */
static const char *const member_names[M_MAX] = {
	"schema", "window", "node", "nodes", "probes", "workload", "profile",
	"drops",
	"components", "processes", "processes_folded", "stacks",
};

typedef void (*section_fn)(struct reader *, struct json_object *,
			   struct run *);

static const section_fn sections[M_MAX] = {
	[M_WINDOW] = read_window,
	[M_NODE] = read_node,
	[M_PROBES] = read_probes,
	[M_WORKLOAD] = read_workload,
	[M_PROFILE] = read_profile,
	[M_DROPS] = read_drops,
};

static void scan_failed(struct reader *rd, const char *where)
{
	fail(rd, "not valid JSON%s%s: %s", where ? " in " : "",
	     where ? where : "", rd->scan_err);
}

/* The tree of @v; NULL for JSON's null, or after a message. */
static struct json_object *parse_piece(struct reader *rd,
				       const struct json_piece *v,
				       const char *where)
{
	struct json_object *o;

	if (json_scan_parse(&rd->scan, v, &o))
		scan_failed(rd, where);
	return o;
}

static void read_schema(struct reader *rd, const struct json_piece *v)
{
	struct json_object *o = parse_piece(rd, v, "$.schema");

	if (!rd->failed && (!json_object_is_type(o, json_type_string) ||
		  strcmp(json_object_get_string(o), RUN_SCHEMA)))
		fail(rd, "schema is %s, expected \"%s\"",
		     json_object_to_json_string_ext(o, JSON_C_TO_STRING_NOSLASHESCAPE),
		     RUN_SCHEMA);
	json_object_put(o);
}

/* The nodes of a run made from Prometheus; absent in recorded runs. */
static void read_nodes(struct reader *rd, const struct json_piece *v,
		       struct run *run)
{
	struct json_object *a = parse_piece(rd, v, "$.nodes");
	char where[32];

	if (!rd->failed && !json_object_is_type(a, json_type_array))
		fail(rd, "$.nodes has the wrong type (%s, expected array)",
		     type_name(a));
	for (size_t i = 0; !rd->failed && i < json_object_array_length(a); i++) {
		struct json_object *o = json_object_array_get_idx(a, i);
		struct run_node *n;

		snprintf(where, sizeof(where), "nodes[%zu]", i);
		if (!json_object_is_type(o, json_type_object)) {
			fail(rd, "%s has the wrong type (%s, expected object)",
			     where, type_name(o));
			break;
		}
		if (!take(rd, sizeof(*n), where))
			break;
		n = run_add_node(run);
		if (!n) {
			fail(rd, "out of memory");
			break;
		}
		get_str(rd, o, where, "name", n->name, sizeof(n->name));
		get_str(rd, o, where, "kernel", n->kernel, sizeof(n->kernel));
		n->cpus = get_int(rd, o, where, "cpus", 1, MAX_CPUS);
		get_str(rd, o, where, "meshprof_version", n->version,
			sizeof(n->version));
	}
	json_object_put(a);
}

static void read_folded(struct reader *rd, const struct json_piece *v,
			struct run *run)
{
	struct json_object *o = parse_piece(rd, v, "$.processes_folded");

	if (!rd->failed)
		run->folded = int_of(rd, o, "processes_folded", 0, INT64_MAX);
	json_object_put(o);
}

/* Each element of the array @v, parsed and read alone. */
static void read_list(struct reader *rd, struct run *run,
		      const struct json_piece *v, const char *name,
		      void (*read)(struct reader *, struct run *,
				   struct json_object *, size_t))
{
	struct json_scan in;
	struct json_piece e;
	struct json_object *o;
	char where[64];
	size_t i;
	int more;

	json_scan_sub(&in, &rd->scan, v);
	for (i = 0; !rd->failed && (more = json_scan_element(&in, &e)) > 0; i++) {
		snprintf(where, sizeof(where), "%s[%zu]", name, i);
		o = parse_piece(rd, &e, where);
		if (!rd->failed)
			read(rd, run, o, i);
		json_object_put(o);
	}
	if (!rd->failed && more < 0) {
		snprintf(where, sizeof(where), "$.%s", name);
		scan_failed(rd, where);
	}
}

static void prepare_index(struct reader *rd, const struct json_piece *comps)
{
	/* Room for one component per 64 bytes of their text, at least. */
	size_t want = comps->len / 32 + 16;

	for (rd->comp_cap = 16; rd->comp_cap < want; rd->comp_cap *= 2)
		;
	if (!take(rd, rd->comp_cap * sizeof(int), "its components"))
		return;
	rd->comp_index = malloc(rd->comp_cap * sizeof(int));
	if (rd->comp_index)
		memset(rd->comp_index, 0xff, rd->comp_cap * sizeof(int));
}

static void read_members(struct reader *rd, struct run *run,
			 const struct json_piece *m)
{
	struct json_object *o;
	char where[32];

	for (int i = 0; i < M_MAX && !rd->failed; i++) {
		/* Optional: runs of earlier versions, or without a profile,
		 * do not have them. */
		if ((i == M_NODES || i == M_FOLDED || i == M_STACKS) && !m[i].p)
			continue;
		if (!m[i].p) {
			fail(rd, "missing $.%s", member_names[i]);
			return;
		}
		snprintf(where, sizeof(where), "$.%s", member_names[i]);
		if (i == M_SCHEMA) {
			read_schema(rd, &m[i]);
			continue;
		}
		if (i == M_NODES) {
			read_nodes(rd, &m[i], run);
			continue;
		}
		if (i == M_FOLDED) {
			read_folded(rd, &m[i], run);
			continue;
		}
		if (i == M_STACKS) {
			rd->failed |= stacks_from_json(run, &rd->scan, &m[i],
						       &rd->budget, rd->file,
						       rd->err, rd->err_len) != 0;
			continue;
		}
		if (i == M_COMPONENTS || i == M_PROCESSES) {
			if (*m[i].p != '[') {
				fail(rd, "%s is not an array", where);
				return;
			}
			if (i == M_COMPONENTS)
				prepare_index(rd, &m[i]);
			read_list(rd, run, &m[i], member_names[i],
				  i == M_COMPONENTS ? read_component :
						      read_process);
			continue;
		}
		o = parse_piece(rd, &m[i], where);
		if (!rd->failed && !json_object_is_type(o, json_type_object))
			fail(rd, "%s has the wrong type (%s, expected object)",
			     where, type_name(o));
		else if (!rd->failed)
			sections[i](rd, o, run);
		json_object_put(o);
		if (i == M_NODE && !rd->failed)
			/* A little over: the window's edges are measured apart. */
			rd->cpu_limit_s = run->seconds * run->cpus * 1.01 + 1;
	}
}

static int member_of(const char *key)
{
	for (int i = 0; i < M_MAX; i++)
		if (!strcmp(key, member_names[i]))
			return i;
	return -1;
}

/* Finds the members of the top-level object; the others are checked to
 * be JSON and left. */
static void find_members(struct reader *rd, struct json_piece *m)
{
	struct json_scan *s = &rd->scan;
	struct json_piece v;
	char key[64];
	int more, i;

	if (!json_scan_done(s) && *s->p != '{') {
		v = (struct json_piece){ s->p, s->end - s->p };
		if (json_scan_check(s, &v))
			scan_failed(rd, NULL);
		else
			fail(rd, "top level is not an object");
		return;
	}
	while (!rd->failed && (more = json_scan_member(s, key, sizeof(key), &v)) > 0) {
		i = member_of(key);
		if (i < 0) {
			if (json_scan_check(s, &v))
				scan_failed(rd, NULL);
		} else if (m[i].p) {
			fail(rd, "$.%s appears twice", key);
		} else {
			m[i] = v;
		}
	}
	if (!rd->failed && more < 0)
		scan_failed(rd, NULL);
	if (!rd->failed && !json_scan_done(s))
		fail(rd, "text after the run, at %s",
		     (json_scan_where(s, s->p, key, sizeof(key)), key));
}

int run_read_json_text(struct run *run, const char *text, size_t len,
		       const char *name, char *err, size_t err_len)
{
	struct reader rd = { .file = name, .err = err, .err_len = err_len };
	struct json_piece members[M_MAX] = { 0 };

	memset(run, 0, sizeof(*run));
	rd.budget = len < (BUDGET_MAX - BUDGET_MIN) / BUDGET_PER_BYTE ?
		    BUDGET_MIN + len * BUDGET_PER_BYTE : BUDGET_MAX;
	json_scan_init(&rd.scan, text, len, rd.scan_err, sizeof(rd.scan_err));
	if (json_scan_done(&rd.scan))
		fail(&rd, "%s, expected a meshprof run (JSON)",
		     len ? "only blanks" : "empty");
	else
		find_members(&rd, members);
	if (!rd.failed)
		read_members(&rd, run, members);
	free(rd.comp_index);
	if (rd.failed) {
		run_free(run);
		return -1;
	}
	return 0;
}

int run_read_json(struct run *run, const char *path, char *err,
		  size_t err_len)
{
	char *text;
	size_t len;
	int ret;

	memset(run, 0, sizeof(*run));
	if (text_read_max(path, RUN_JSON_MAX, &text, &len, err, err_len))
		return -1;
	ret = run_read_json_text(run, text, len, path, err, err_len);
	free(text);
	return ret;
}
