// SPDX-License-Identifier: GPL-2.0
/*
 * A run from the series of `meshprof serve` (docs/prometheus.md, "query").
 * What each series counted in the window is asked of Prometheus exactly:
 * its last value in the window less its value at the start. A series new
 * in the window counts from 0, which serve's series start at; one whose
 * counters were reset (serve restarted) falls back to increase(). No
 * extrapolation to the window's edges, so a window matches `record`'s to
 * one read of serve. Prometheus sums by the labels of the component
 * series; the components are summed across nodes here.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "array.h"
#include "promhist.h"
#include "promrun.h"
#include "strmap.h"

#define COMPONENT_LABELS "node,namespace,pod,container,component,role,mesh"
#define NODE_INFO_LABELS \
	"node,version,kernel,cpus,profile_hz,probe_sched,probe_sock,unavailable"
/* Prometheus's default lookback delta: how old a series' value at the
 * window's start may be. */
#define LOOKBACK_S 300
#define SEL_LEN 2048
#define EXPR_LEN (8 * SEL_LEN)

/* What meshprof_node_info says of a node. */
struct node_rec {
	bool has_info;			/* one of the run's nodes */
	bool seen;			/* has component series in the run */
	char version[64];
	char other_version[64];		/* a second one in the same window */
	char kernel[128];
	char sched[16], sock[16];
	int cpus;
	unsigned int hz;
	uint32_t unavailable;
};

struct builder {
	struct run *run;
	const struct prom_window *w;
	prom_fetch_fn fetch;
	void *ctx;
	char *err;
	size_t err_len;
	bool failed;
	char range[32];			/* the window, as a PromQL duration */
	char range_lookback[32];	/* ... and the lookback delta before */
	struct strmap comp_keys;	/* ids, in step with run->comps */
	double *named_cpu;		/* CPU of the series that named each
					 * component, in step with run->comps */
	struct strmap node_names;	/* in step with nodes */
	struct node_rec *nodes;
	size_t nnodes, nodes_cap;
	double **cum;			/* cumulative buckets of a histogram,
					 * by component, while one is read */
	size_t ncum;
};

__attribute__((format(printf, 2, 3)))
static int fail(struct builder *b, const char *fmt, ...)
{
	va_list ap;

	if (b->failed)
		return -1;
	b->failed = true;
	va_start(ap, fmt);
	vsnprintf(b->err, b->err_len, fmt, ap);
	va_end(ap);
	prom_one_line(b->err);	/* label values are quoted in it */
	return -1;
}

static int ask(struct builder *b, const char *name, const char *expr,
	       struct prom_vector *v)
{
	char why[512];

	if (b->fetch(b->ctx, name, expr, b->w->end, v, why, sizeof(why)))
		return fail(b, "%s", why);
	return 0;
}

/* @metric{match,extra}: the series of a query; @match may be NULL. */
static void selector(char *buf, size_t len, const char *metric,
		     const char *match, const char *extra)
{
	const char *m = match && *match ? match : NULL;

	if (!m && !extra)
		snprintf(buf, len, "%s", metric);
	else
		snprintf(buf, len, "%s{%s%s%s}", metric, m ? m : "",
			 m && extra ? "," : "", extra ? extra : "");
}

/* The component series of @metric that --match selects (@sel holds
 * SEL_LEN). */
static void component_sel(const struct builder *b, char *sel,
			  const char *metric, const char *extra)
{
	selector(sel, SEL_LEN, metric, b->w->match, extra);
}

/*
 * What each series of @sel counted in the window, summed by @by: the last
 * value less the one at the start; increase() where the counter was reset
 * since that start value (which may be up to the lookback delta, 5 min,
 * older than the window); the last value where the series is new.
 */
static void increase_expr(const struct builder *b, char *buf, size_t len,
			  const char *sel, const char *by)
{
	const char *r = b->range, *rl = b->range_lookback;

	snprintf(buf, len,
		 "sum by (%s) ((last_over_time(%s[%s]) - %s offset %s) >= 0"
		 " unless resets(%s[%s]) > 0"
		 " or (increase(%s[%s]) and %s offset %s)"
		 " or last_over_time(%s[%s]))",
		 by, sel, r, sel, r, sel, rl, sel, r, sel, r, sel, r);
}

/* ---- nodes ---- */

static long node_of(struct builder *b, const char *name)
{
	bool added;
	long i = strmap_add(&b->node_names, name, &added);

	if (i >= 0 && added &&
	    !array_push((void **)&b->nodes, &b->nnodes, &b->nodes_cap,
			sizeof(*b->nodes)))
		i = -1;
	return i < 0 ? fail(b, "out of memory") : i;
}

static int parse_gaps(struct builder *b, const char *node, const char *list,
		      uint32_t *gaps)
{
	char copy[512], *save, *name;

	snprintf(copy, sizeof(copy), "%s", list);
	for (name = strtok_r(copy, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		int g = gap_parse(name);

		if (g < 0)
			return fail(b, "node %s: unavailable metric \"%s\" unknown to this meshprof (%s)",
				    node, name, MESHPROF_VERSION);
		*gaps |= GAP_BIT(g);
	}
	return 0;
}

static int node_info_of(struct builder *b, const struct prom_sample *s)
{
	const char *name = prom_label(s, "node");
	const char *version = prom_label(s, "version");
	struct node_rec *n;
	long i = node_of(b, name);

	if (i < 0)
		return -1;
	n = &b->nodes[i];
	if (n->has_info) {
		if (strcmp(n->version, version))
			snprintf(n->other_version, sizeof(n->other_version),
				 "%s", version);
		return 0;
	}
	n->has_info = true;
	snprintf(n->version, sizeof(n->version), "%s", version);
	snprintf(n->kernel, sizeof(n->kernel), "%s", prom_label(s, "kernel"));
	snprintf(n->sched, sizeof(n->sched), "%s", prom_label(s, "probe_sched"));
	snprintf(n->sock, sizeof(n->sock), "%s", prom_label(s, "probe_sock"));
	n->cpus = atoi(prom_label(s, "cpus"));
	n->hz = strtoul(prom_label(s, "profile_hz"), NULL, 10);
	return parse_gaps(b, name, prom_label(s, "unavailable"),
			  &n->unavailable);
}

static int ask_node_info(struct builder *b, const char *name,
			 const char *match, struct prom_vector *v)
{
	char sel[SEL_LEN], expr[EXPR_LEN];

	selector(sel, sizeof(sel), "meshprof_node_info", match, NULL);
	snprintf(expr, sizeof(expr),
		 "max by (" NODE_INFO_LABELS ") (last_over_time(%s[%s]))", sel,
		 b->range);
	return ask(b, name, expr, v);
}

/*
 * The run's nodes: those --match selects of meshprof_node_info (it names
 * nodes), or every node with meshprof series in the window when it
 * selects none (it names what only components have, a namespace): a
 * cluster-wide run has the cluster's CPUs, whichever nodes its pods ran
 * on, so that two runs of a cluster compare.
 */
static int read_node_info(struct builder *b)
{
	struct prom_vector v;
	int rc = 0;

	if (ask_node_info(b, "node_info", b->w->match, &v))
		return -1;
	if (!v.n && b->w->match) {
		prom_vector_free(&v);
		if (ask_node_info(b, "node_info:all", NULL, &v))
			return -1;
	}
	for (size_t i = 0; i < v.n && !rc; i++)
		rc = node_info_of(b, &v.samples[i]);
	prom_vector_free(&v);
	return rc;
}

/* ---- components ---- */

/* Component @c's name, role and mesh from sample @s. */
static int name_component(struct builder *b, struct component *c,
			  const struct prom_sample *s)
{
	const char *name = prom_label(s, "component");
	int role = role_parse(prom_label(s, "role"));
	int mesh = mesh_parse(prom_label(s, "mesh"));

	if (role < 0 || mesh < 0)
		return fail(b, "series with %s \"%s\", unknown to this meshprof (%s): from a newer meshprof serve?",
			    role < 0 ? "role" : "mesh",
			    prom_label(s, role < 0 ? "role" : "mesh"),
			    MESHPROF_VERSION);
	c->role = role;
	c->mesh = mesh;
	if (b->w->by_node)
		snprintf(c->name, sizeof(c->name), "%s@%s", name,
			 prom_label(s, "node"));
	else
		snprintf(c->name, sizeof(c->name), "%s", name);
	return 0;
}

/*
 * The id of sample @s's component into @id: a pod's container, whatever
 * its series' component, role and mesh labels (a process renamed by
 * exec, a container whose mesh changed, give it several), or a host
 * component by name. serve names pods by the kubelet's names, else by
 * UID and the container ID's first 12 digits (docs/prometheus.md).
 */
static void id_of(struct builder *b, const struct prom_sample *s, char *id,
		  size_t len)
{
	const char *ns = prom_label(s, "namespace"), *pod = prom_label(s, "pod");
	const char *cont = prom_label(s, "container");
	char where[300] = "";

	if (b->w->by_node)
		snprintf(where, sizeof(where), "node/%s/", prom_label(s, "node"));
	if (!*ns && !*pod)
		snprintf(id, len, "%shost/%s", where, prom_label(s, "component"));
	else if (*ns)
		snprintf(id, len, "%spod/%s/%s/%s", where, ns, pod, cont);
	else
		snprintf(id, len, "%spod/%s/%s", where, pod, cont);
}

static int new_component(struct builder *b, const struct prom_sample *s,
			 const char *id)
{
	const char *ns = prom_label(s, "namespace"), *pod = prom_label(s, "pod");
	const char *cont = prom_label(s, "container");
	struct component *c = run_add_component(b->run);
	double *named = realloc(b->named_cpu,
				b->run->ncomps * sizeof(*b->named_cpu));

	if (!c || !named)
		return fail(b, "out of memory");
	b->named_cpu = named;
	named[b->run->ncomps - 1] = -1;
	snprintf(c->id, sizeof(c->id), "%s", id);
	c->in_pod = *ns || *pod;
	if (c->in_pod) {
		c->pod.runtime = RUNTIME_UNKNOWN;
		if (*ns) {
			snprintf(c->pod.namespace, sizeof(c->pod.namespace), "%s", ns);
			snprintf(c->pod.pod_name, sizeof(c->pod.pod_name), "%s", pod);
			snprintf(c->pod.container, sizeof(c->pod.container), "%s", cont);
		} else {
			snprintf(c->pod.pod_uid, sizeof(c->pod.pod_uid), "%s", pod);
			snprintf(c->pod.container_id, sizeof(c->pod.container_id),
				 "%s", cont);
		}
	}
	return name_component(b, c, s);
}

/* The component of sample @s (made when new); -1 after a message. */
static long component_of(struct builder *b, const struct prom_sample *s)
{
	char id[COMPONENT_ID_LEN];
	bool added;
	long n = node_of(b, prom_label(s, "node")), i;

	if (n < 0)
		return -1;
	b->nodes[n].seen = true;
	id_of(b, s, id, sizeof(id));
	i = strmap_add(&b->comp_keys, id, &added);
	if (i < 0)
		return fail(b, "out of memory");
	if (added && new_component(b, s, id))
		return -1;
	return i;
}

/* A count or seconds (into nanoseconds) of a sample. */
static uint64_t whole(double v, bool seconds)
{
	v *= seconds ? 1e9 : 1;
	return v > 0 && v < 1.8e19 ? llround(v) : 0;
}

/* Asks @expr and hands each sample with its component to @use. */
static int each_sample(struct builder *b, const char *name, const char *expr,
		       int (*use)(struct builder *, size_t comp,
				  const struct prom_sample *, const void *),
		       const void *arg)
{
	struct prom_vector v;
	int rc = 0;

	if (ask(b, name, expr, &v))
		return -1;
	for (size_t i = 0; i < v.n && !rc; i++) {
		long c = component_of(b, &v.samples[i]);

		rc = c < 0 ? -1 : use(b, c, &v.samples[i], arg);
	}
	prom_vector_free(&v);
	return rc;
}

/* The name of the label of @d's family ("kind" of kind="voluntary"). */
static void label_name(const struct counter_def *d, char *buf, size_t len)
{
	snprintf(buf, len, "%.*s", (int)strcspn(d->label, "="), d->label);
}

static int use_counter(struct builder *b, size_t comp,
		       const struct prom_sample *s, const void *arg)
{
	struct metrics *m = &b->run->comps[comp].m;
	int first = *(const int *)arg;
	char label[32], pair[160];

	label_name(&counter_defs[first], label, sizeof(label));
	snprintf(pair, sizeof(pair), "%s=\"%s\"", label, prom_label(s, label));
	for (int j = first; j < NCOUNTERS; j++) {
		const struct counter_def *d = &counter_defs[j];

		if (!d->prom || strcmp(d->prom, counter_defs[first].prom) ||
		    (*label && strcmp(d->label, pair)))
			continue;
		m->counter[j] += whole(s->value, d->unit == UNIT_NS);
		/* the busiest of a container's series names it */
		if (j == CTR_cpu_ns && s->value > b->named_cpu[comp]) {
			b->named_cpu[comp] = s->value;
			return name_component(b, &b->run->comps[comp], s);
		}
		return 0;
	}
	return fail(b, "meshprof_%s with %s, unknown to this meshprof (%s): from a newer meshprof serve?",
		    counter_defs[first].prom, pair, MESHPROF_VERSION);
}

/* Every family of counter_defs (PROC_COUNTERS): serve exports no other. */
static int read_counters(struct builder *b)
{
	char metric[96], by[160], sel[SEL_LEN], expr[EXPR_LEN], label[32];

	for (int i = 0; i < NCOUNTERS; i++) {
		if (!counter_prom_first(i))
			continue;
		label_name(&counter_defs[i], label, sizeof(label));
		snprintf(metric, sizeof(metric), "meshprof_%s",
			 counter_defs[i].prom);
		snprintf(by, sizeof(by), COMPONENT_LABELS "%s%s",
			 *label ? "," : "", label);
		component_sel(b, sel, metric, NULL);
		increase_expr(b, expr, sizeof(expr), sel, by);
		if (each_sample(b, counter_defs[i].prom, expr, use_counter, &i))
			return -1;
	}
	return 0;
}

/* Category seconds back into samples at the node's profile frequency,
 * which is what record's shares are made of. */
static int use_category(struct builder *b, size_t comp,
			const struct prom_sample *s, const void *arg)
{
	struct metrics *m = &b->run->comps[comp].m;
	const char *name = prom_label(s, "category");
	long n = strmap_get(&b->node_names, prom_label(s, "node"));
	int c = category_parse(name);
	uint64_t samples;

	if (c < 0)
		return fail(b, "CPU category \"%s\" unknown to this meshprof (%s): from a newer meshprof serve?",
			    name, MESHPROF_VERSION);
	samples = whole(s->value * (n >= 0 ? b->nodes[n].hz : 0), false);
	m->cat_samples[c] += samples;
	m->cpu_samples += samples;
	return 0;
}

static int read_categories(struct builder *b)
{
	char sel[SEL_LEN], expr[EXPR_LEN];

	component_sel(b, sel, "meshprof_cpu_category_seconds_total", NULL);
	increase_expr(b, expr, sizeof(expr), sel, COMPONENT_LABELS ",category");
	return each_sample(b, "cpu_category_seconds_total", expr, use_category,
			   NULL);
}

static int use_rss(struct builder *b, size_t comp,
		   const struct prom_sample *s, const void *arg)
{
	struct metrics *m = &b->run->comps[comp].m;
	uint64_t *field = (uint64_t *)((char *)m + *(const size_t *)arg);

	*field += whole(s->value, false);
	return 0;
}

/* The mean over the window of each series, and their peaks. */
static int read_memory(struct builder *b)
{
	static const struct {
		const char *name, *func;
		size_t field;
	} reads[] = {
		{ "resident_memory_bytes:avg", "avg_over_time",
		  offsetof(struct metrics, rss_avg_bytes) },
		{ "resident_memory_bytes:max", "max_over_time",
		  offsetof(struct metrics, rss_peak_bytes) },
	};
	char sel[SEL_LEN], expr[EXPR_LEN];

	component_sel(b, sel, "meshprof_resident_memory_bytes", NULL);
	for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
		snprintf(expr, sizeof(expr), "sum by (" COMPONENT_LABELS ") (%s(%s[%s]))",
			 reads[i].func, sel, b->range);
		if (each_sample(b, reads[i].name, expr, use_rss,
				&reads[i].field))
			return -1;
	}
	return 0;
}

/* ---- histograms ---- */

/* The cumulative buckets (@n) of the histogram being read, of component
 * @c. */
static double *cum_of(struct builder *b, size_t c, size_t n)
{
	if (c >= b->ncum) {
		size_t len = b->run->ncomps;
		double **grown = realloc(b->cum, len * sizeof(*grown));

		if (!grown)
			return NULL;
		memset(grown + b->ncum, 0, (len - b->ncum) * sizeof(*grown));
		b->cum = grown;
		b->ncum = len;
	}
	if (!b->cum[c])
		b->cum[c] = calloc(n, sizeof(double));
	return b->cum[c];
}

/* Cumulative buckets into counts. A bucket serve left out (below a
 * series' first observation) held 0 and added nothing to the sum. */
static void counts_of(const double *cum, size_t n, uint64_t *counts)
{
	uint64_t below = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t at = whole(cum[i], false);

		counts[i] = at > below ? at - below : 0;
		if (at > below)
			below = at;
	}
}

struct hist_read {
	int (*index)(const char *le);
	size_t nbuckets;		/* +Inf included */
};

static int use_bucket(struct builder *b, size_t comp,
		      const struct prom_sample *s, const void *arg)
{
	const struct hist_read *h = arg;
	const char *le = prom_label(s, "le");
	int i = h->index(le);
	double *cum;

	if (i < 0)
		return fail(b, "histogram bucket le=\"%s\" unknown to this meshprof (%s): from another meshprof serve?",
			    le, MESHPROF_VERSION);
	cum = cum_of(b, comp, h->nbuckets);
	if (!cum)
		return fail(b, "out of memory");
	cum[i] += s->value;
	return 0;
}

/* Reads the buckets of @metric (narrowed by @extra) into b->cum. */
static int read_buckets(struct builder *b, const char *name,
			const char *metric, const char *extra,
			const struct hist_read *h)
{
	char sel[SEL_LEN], expr[EXPR_LEN];

	component_sel(b, sel, metric, extra);
	increase_expr(b, expr, sizeof(expr), sel, COMPONENT_LABELS ",le");
	return each_sample(b, name, expr, use_bucket, h);
}

static void free_cum(struct builder *b)
{
	for (size_t c = 0; c < b->ncum; c++) {
		free(b->cum[c]);
		b->cum[c] = NULL;
	}
}

static int use_ns(struct builder *b, size_t comp,
		  const struct prom_sample *s, const void *arg)
{
	struct metrics *m = &b->run->comps[comp].m;

	m->counter[*(const int *)arg] += whole(s->value, true);
	return 0;
}

static int use_count(struct builder *b, size_t comp,
		     const struct prom_sample *s, const void *arg)
{
	struct metrics *m = &b->run->comps[comp].m;

	m->counter[CTR_runq_waits] += whole(s->value, false);
	return 0;
}

static int read_runqueue(struct builder *b)
{
	static const struct hist_read h = { prom_runq_le_index,
					    PROM_RUNQ_BUCKETS + 1 };
	static const int runq_ns = CTR_runq_ns;
	char sel[SEL_LEN], expr[EXPR_LEN];
	uint64_t counts[PROM_RUNQ_BUCKETS + 1];

	if (read_buckets(b, "runqueue_wait_seconds_bucket",
			 "meshprof_runqueue_wait_seconds_bucket", NULL, &h))
		return -1;
	for (size_t c = 0; c < b->ncum; c++) {
		if (!b->cum[c])
			continue;
		counts_of(b->cum[c], h.nbuckets, counts);
		prom_runq_to_log2(counts, b->run->comps[c].m.runq_hist);
	}
	free_cum(b);
	component_sel(b, sel, "meshprof_runqueue_wait_seconds_sum", NULL);
	increase_expr(b, expr, sizeof(expr), sel, COMPONENT_LABELS);
	if (each_sample(b, "runqueue_wait_seconds_sum", expr, use_ns, &runq_ns))
		return -1;
	component_sel(b, sel, "meshprof_runqueue_wait_seconds_count", NULL);
	increase_expr(b, expr, sizeof(expr), sel, COMPONENT_LABELS);
	return each_sample(b, "runqueue_wait_seconds_count", expr, use_count,
			   NULL);
}

static int use_lat_sum(struct builder *b, size_t comp,
		       const struct prom_sample *s, const void *arg)
{
	struct metrics *m = &b->run->comps[comp].m;
	const char *name = prom_label(s, "measure");
	int k = lat_kind_parse(name);

	if (k < 0)
		return fail(b, "latency measure \"%s\" unknown to this meshprof (%s): from a newer meshprof serve?",
			    name, MESHPROF_VERSION);
	m->lat[k].sum_ns += whole(s->value, true);
	return 0;
}

/* One measure at a time: a cluster's latency buckets are most of what
 * Prometheus answers. */
static int read_latency(struct builder *b)
{
	static const struct hist_read h = { prom_lat_le_index,
					    PROM_LAT_BUCKETS + 1 };
	char name[64], extra[64], sel[SEL_LEN], expr[EXPR_LEN];
	uint64_t counts[PROM_LAT_BUCKETS + 1];

	for (int k = 0; k < LAT_KINDS; k++) {
		snprintf(name, sizeof(name), "latency_seconds_bucket:%s",
			 lat_kind_name(k));
		snprintf(extra, sizeof(extra), "measure=\"%s\"", lat_kind_name(k));
		if (read_buckets(b, name, "meshprof_latency_seconds_bucket",
				 extra, &h))
			return -1;
		for (size_t c = 0; c < b->ncum; c++) {
			if (!b->cum[c])
				continue;
			counts_of(b->cum[c], h.nbuckets, counts);
			if (prom_lat_to_hdr(counts, &b->run->comps[c].m.lat[k]))
				return fail(b, "out of memory");
		}
		free_cum(b);
	}
	component_sel(b, sel, "meshprof_latency_seconds_sum", NULL);
	increase_expr(b, expr, sizeof(expr), sel, COMPONENT_LABELS ",measure");
	return each_sample(b, "latency_seconds_sum", expr, use_lat_sum, NULL);
}

/* ---- the run's header ---- */

static void rfc3339(double t, char *buf, size_t len)
{
	time_t s = (time_t)floor(t);
	struct tm tm;

	if (!gmtime_r(&s, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "%.0f", t);
}

/* No series in the window, or (@stale) only series that counted nothing
 * in it. */
static int no_data(struct builder *b, bool stale)
{
	char from[32], to[32];
	const char *m = b->w->match;

	rfc3339(b->w->start, from, sizeof(from));
	rfc3339(b->w->end, to, sizeof(to));
	return fail(b, "%s from %s to %s%s%s%s: is it scraping meshprof serve, and is the window right?",
		    stale ? "meshprof series in Prometheus counted nothing" :
			    "no meshprof series in Prometheus",
		    from, to, m ? " matching {" : "", m ? m : "", m ? "}" : "");
}

static bool counted(const struct metrics *m)
{
	for (int k = 0; k < NCOUNTERS; k++)
		if (m->counter[k])
			return true;
	for (int k = 0; k < LAT_KINDS; k++)
		if (m->lat[k].count)
			return true;
	return false;
}

/*
 * Leaves out the components that counted nothing in the window: serve
 * keeps exporting a process gone before it until --series-ttl, and a
 * recording of the window would not have it (nor a second component of
 * the same container, when its mesh or role changed since).
 */
static int drop_idle(struct builder *b)
{
	struct run *run = b->run;
	size_t n = 0;

	for (size_t i = 0; i < run->ncomps; i++) {
		if (counted(&run->comps[i].m))
			run->comps[n++] = run->comps[i];
		else
			metrics_free(&run->comps[i].m);
	}
	run->ncomps = n;
	return n ? 0 : no_data(b, true);
}

/* Every node of a component describes itself, and all run one version. */
static int check_nodes(struct builder *b)
{
	const struct node_rec *first = NULL;
	const char *first_name = NULL;

	for (size_t i = 0; i < b->nnodes; i++) {
		const struct node_rec *n = &b->nodes[i];
		const char *name = b->node_names.keys[i];

		if (!n->has_info && !n->seen)
			continue;
		if (!n->has_info)
			return fail(b, "no meshprof_node_info from node %s in the window: its meshprof serve is older than this meshprof (%s); upgrade it",
				    name, MESHPROF_VERSION);
		if (n->other_version[0])
			return fail(b, "series from different meshprof versions in the window: node %s ran %s and %s; query a window in which every node runs one version",
				    name, n->version, n->other_version);
		if (first && strcmp(first->version, n->version))
			return fail(b, "series from different meshprof versions in the window: %s on node %s, %s on node %s; query a window in which every node runs one version",
				    first->version, first_name, n->version, name);
		if (!first) {
			first = n;
			first_name = name;
		}
	}
	return 0;
}

static int use_drop(struct builder *b, const struct prom_sample *s)
{
	const char *reason = prom_label(s, "reason");
	long n = strmap_get(&b->node_names, prom_label(s, "node"));
	int d;

	if (n < 0 || !b->nodes[n].has_info)
		return 0;
	if ((d = drop_parse(reason)) >= 0)
		b->run->drops[d] += whole(s->value, false);
	else if ((d = profile_drop_parse(reason)) >= 0)
		b->run->profile.drops[d] += whole(s->value, false);
	else
		return fail(b, "drop reason \"%s\" unknown to this meshprof (%s): from a newer meshprof serve?",
			    reason, MESHPROF_VERSION);
	return 0;
}

/* The drops of the run's nodes. */
static int read_drops(struct builder *b)
{
	char expr[EXPR_LEN];
	struct prom_vector v;
	int rc = 0;

	increase_expr(b, expr, sizeof(expr), "meshprof_drops_total",
		      "node,reason");
	if (ask(b, "drops_total", expr, &v))
		return -1;
	for (size_t i = 0; i < v.n && !rc; i++)
		rc = use_drop(b, &v.samples[i]);
	prom_vector_free(&v);
	return rc;
}

static int by_name(const void *x, const void *y)
{
	return strcmp(((const struct run_node *)x)->name,
		      ((const struct run_node *)y)->name);
}

/* "mixed" where the nodes differ. */
static void same_or_mixed(char *dst, size_t len, const char *v, bool first)
{
	if (first)
		snprintf(dst, len, "%s", v);
	else if (strcmp(dst, v))
		snprintf(dst, len, "mixed");
}

static int fill_header(struct builder *b)
{
	struct run *run = b->run;

	run->start = b->w->start;
	run->end = b->w->end;
	run->seconds = b->w->end - b->w->start;
	for (size_t i = 0; i < b->nnodes; i++) {
		const struct node_rec *n = &b->nodes[i];
		struct run_node *rn;
		bool first = !run->nnodes;

		if (!n->has_info)
			continue;
		rn = run_add_node(run);
		if (!rn)
			return fail(b, "out of memory");
		snprintf(rn->name, sizeof(rn->name), "%s", b->node_names.keys[i]);
		snprintf(rn->kernel, sizeof(rn->kernel), "%s", n->kernel);
		snprintf(rn->version, sizeof(rn->version), "%s", n->version);
		rn->cpus = n->cpus;
		run->cpus += n->cpus;
		run->unavailable |= n->unavailable;
		if (n->hz > run->profile.hz)
			run->profile.hz = n->hz;
		same_or_mixed(run->kernel, sizeof(run->kernel), n->kernel, first);
		same_or_mixed(run->probe_sched, sizeof(run->probe_sched),
			      n->sched, first);
		same_or_mixed(run->probe_sock, sizeof(run->probe_sock), n->sock,
			      first);
	}
	qsort(run->nodes, run->nnodes, sizeof(*run->nodes), by_name);
	if (run->nnodes == 1)
		snprintf(run->hostname, sizeof(run->hostname), "%s",
			 run->nodes[0].name);
	else
		snprintf(run->hostname, sizeof(run->hostname), "%zu nodes",
			 run->nnodes);
	return 0;
}

int prom_run_build(struct run *run, const struct prom_window *w,
		   prom_fetch_fn fetch, void *ctx, char *err, size_t err_len)
{
	struct builder b = {
		.run = run, .w = w, .fetch = fetch, .ctx = ctx,
		.err = err, .err_len = err_len,
	};
	int rc;

	snprintf(b.range, sizeof(b.range), "%lldms",
		 (long long)llround((w->end - w->start) * 1000));
	snprintf(b.range_lookback, sizeof(b.range_lookback), "%lldms",
		 (long long)llround((w->end - w->start + LOOKBACK_S) * 1000));
	rc = read_node_info(&b) || read_counters(&b);
	if (!rc && !run->ncomps)
		rc = no_data(&b, false);
	rc = rc || check_nodes(&b) || read_categories(&b) ||
	     read_memory(&b) || read_runqueue(&b) || read_latency(&b) ||
	     drop_idle(&b) || read_drops(&b) || fill_header(&b);
	free_cum(&b);
	free(b.cum);
	free(b.nodes);
	free(b.named_cpu);
	strmap_free(&b.comp_keys);
	strmap_free(&b.node_names);
	if (rc)
		run_free(run);
	return rc ? -1 : 0;
}
