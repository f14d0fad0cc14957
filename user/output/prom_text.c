// SPDX-License-Identifier: GPL-2.0
/*
 * The exposition of prom_series.c's store: Prometheus text format 0.0.4,
 * or OpenMetrics 1.0.0, which differs here only in that a counter's
 * family is named without its _total suffix and the text ends in # EOF.
 */
#include <math.h>
#include <string.h>
#include "derived.h"
#include "prom_int.h"

struct out {
	FILE *f;
	bool om;
	const char *node;
};

/* Label values may hold anything a comm or a rule name holds. */
static void put_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void put_label(FILE *f, const char *name, const char *value)
{
	fprintf(f, ",%s=\"", name);
	put_value(f, value);
	fputc('"', f);
}

static bool is_counter_name(const char *name)
{
	size_t n = strlen(name);

	return n > 6 && !strcmp(name + n - 6, "_total");
}

/* # HELP and # TYPE of meshprof_@name: in OpenMetrics a counter's
 * family drops the _total suffix, an info's the _info suffix. */
static void family(struct out *o, const char *name, const char *type,
		   const char *help)
{
	int len = strlen(name);

	if (o->om && !strcmp(type, "counter") && is_counter_name(name))
		len -= 6;
	if (!strcmp(type, "info")) {
		if (o->om)
			len -= 5;
		else
			type = "gauge";
	}
	fprintf(o->f, "# HELP %.*s %s\n# TYPE %.*s %s\n", len, name, help,
		len, name, type);
}

static void number(FILE *f, double v)
{
	if (v == (double)(uint64_t)v && v < 1e15)
		fprintf(f, " %llu\n", (unsigned long long)v);
	else
		fprintf(f, " %.15g\n", v);
}

/* name{node="..",<series labels>[,extra]} value */
static void sample(struct out *o, const char *name,
		   const struct prom_ident *id, const char *extra, double v)
{
	fprintf(o->f, "%s{node=\"", name);
	put_value(o->f, o->node);
	fputc('"', o->f);
	if (id) {
		put_label(o->f, "namespace", id->namespace);
		put_label(o->f, "pod", id->pod);
		put_label(o->f, "container", id->container);
		put_label(o->f, "component", id->component);
		put_label(o->f, "role", role_name(id->role));
		put_label(o->f, "mesh", mesh_name(id->mesh));
	}
	if (extra && *extra)
		fprintf(o->f, ",%s", extra);
	fputc('}', o->f);
	number(o->f, v);
}

/* ---- per component ---- */

static double counter_value(const struct counter_def *d, uint64_t v)
{
	return d->unit == UNIT_NS ? v / 1e9 : (double)v;
}

/* Help of a counter family: the JSON fields it exports. */
static void counter_help(char *buf, size_t len, const char *prom)
{
	size_t n = snprintf(buf, len, "Per component, cumulative:");

	for (int i = 0; i < NCOUNTERS && n < len; i++)
		if (counter_defs[i].prom && !strcmp(counter_defs[i].prom, prom))
			n += snprintf(buf + n, len - n, " %s.%s%s",
				      counter_defs[i].group, counter_defs[i].key,
				      counter_defs[i].unit == UNIT_NS ?
				      " (seconds)" : "");
	if (n < len)
		snprintf(buf + n, len - n, " (docs/metrics.md)");
}

/* One family per Prometheus name of counter_defs, in their order. */
static void counters(struct out *o, const struct prom_store *s)
{
	char name[96], help[256];

	for (int i = 0; i < NCOUNTERS; i++) {
		const char *prom = counter_defs[i].prom;

		if (!counter_prom_first(i))
			continue;
		snprintf(name, sizeof(name), "meshprof_%s", prom);
		counter_help(help, sizeof(help), prom);
		family(o, name, "counter", help);
		for (size_t k = 0; k < s->n; k++)
			for (int j = i; j < NCOUNTERS; j++)
				if (counter_defs[j].prom &&
				    !strcmp(counter_defs[j].prom, prom))
					sample(o, name, &s->series[k].id,
					       counter_defs[j].label,
					       counter_value(&counter_defs[j],
						     s->series[k].counter[j]));
	}
}

static void categories(struct out *o, const struct prom_store *s)
{
	char extra[64];

	family(o, "meshprof_cpu_category_seconds_total", "counter",
	       "CPU time by what the CPU profile's stacks were doing "
	       "(docs/attribution.md); kernel-net without its sub-buckets, "
	       "so the categories add up to meshprof_cpu_seconds_total");
	for (size_t k = 0; k < s->n; k++) {
		const struct prom_series *ps = &s->series[k];

		for (int c = 0; ps->profiled && c < CAT_MAX; c++) {
			if (!ps->cat_seconds[c])
				continue;
			snprintf(extra, sizeof(extra), "category=\"%s\"",
				 category_name(c));
			sample(o, "meshprof_cpu_category_seconds_total", &ps->id,
			       extra, ps->cat_seconds[c]);
		}
	}
}

/*
 * The _bucket, _sum and _count lines of one histogram: @counts are not
 * cumulative, @n finite bounds in @le (seconds), then +Inf. Buckets below
 * the last empty one under the first observation are left out: a missing
 * bucket sums as 0 across series, which is what they hold, and the empty
 * one kept gives the next its lower bound in histogram_quantile().
 */
static void histogram(struct out *o, const char *name,
		      const struct prom_ident *id, const char *extra,
		      const uint64_t *counts, const double *le, int n,
		      uint64_t inf, double sum)
{
	char bucket[96], labels[160];
	uint64_t cum = 0;
	int first = 0;

	while (first < n && !counts[first])
		first++;
	first = first ? first - 1 : 0;
	snprintf(bucket, sizeof(bucket), "%s_bucket", name);
	for (int i = 0; i < n; i++) {
		cum += counts[i];
		if (i < first)
			continue;
		snprintf(labels, sizeof(labels), "%s%sle=\"%.12g\"",
			 extra ? extra : "", extra ? "," : "", le[i]);
		sample(o, bucket, id, labels, cum);
	}
	cum += inf;
	snprintf(labels, sizeof(labels), "%s%sle=\"+Inf\"",
		 extra ? extra : "", extra ? "," : "");
	sample(o, bucket, id, labels, cum);
	snprintf(bucket, sizeof(bucket), "%s_sum", name);
	sample(o, bucket, id, extra, sum);
	snprintf(bucket, sizeof(bucket), "%s_count", name);
	sample(o, bucket, id, extra, cum);
}

static void runqueue(struct out *o, const struct prom_store *s)
{
	double le[PROM_RUNQ_BUCKETS];
	uint64_t counts[PROM_RUNQ_BUCKETS];

	for (int i = 0; i < PROM_RUNQ_BUCKETS; i++)
		le[i] = (double)(1ULL << (PROM_RUNQ_MIN_SLOT + i + 1)) / 1e9;
	family(o, "meshprof_runqueue_wait_seconds", "histogram",
	       "Time threads waited runnable for a CPU, per wait");
	for (size_t k = 0; k < s->n; k++) {
		const struct prom_series *ps = &s->series[k];

		memset(counts, 0, sizeof(counts));
		for (int slot = 0; slot < MAX_SLOTS; slot++) {
			int b = slot - PROM_RUNQ_MIN_SLOT;

			counts[b < 0 ? 0 : b] += ps->runq[slot];
		}
		histogram(o, "meshprof_runqueue_wait_seconds", &ps->id, NULL,
			  counts, le, PROM_RUNQ_BUCKETS, 0,
			  ps->counter[CTR_runq_ns] / 1e9);
	}
}

static void latency(struct out *o, const struct prom_store *s)
{
	double le[PROM_LAT_BUCKETS];
	char extra[64];

	for (int i = 0; i < PROM_LAT_BUCKETS; i++)
		le[i] = prom_lat_le_ns(i) / 1e9;
	family(o, "meshprof_latency_seconds", "histogram",
	       "Per-hop latency by measure (docs/latency.md)");
	for (size_t k = 0; k < s->n; k++) {
		for (int m = 0; m < LAT_KINDS; m++) {
			const struct prom_lat *pl = s->series[k].lat[m];

			if (!pl)
				continue;
			snprintf(extra, sizeof(extra), "measure=\"%s\"",
				 lat_kind_name(m));
			histogram(o, "meshprof_latency_seconds", &s->series[k].id,
				  extra, pl->buckets, le, PROM_LAT_BUCKETS,
				  pl->buckets[PROM_LAT_BUCKETS],
				  pl->sum_ns / 1e9);
		}
	}
}

static void memory(struct out *o, const struct prom_store *s)
{
	family(o, "meshprof_resident_memory_bytes", "gauge",
	       "Resident memory of the component's processes, mean over "
	       "the last read interval");
	for (size_t k = 0; k < s->n; k++)
		sample(o, "meshprof_resident_memory_bytes", &s->series[k].id,
		       NULL, s->series[k].rss_bytes);
}

/* ---- per node ---- */

static void meshmark(struct out *o, const struct prom_node *node)
{
	const struct meshmark *mm = node->mm;
	char help[160], extra[96];

	if (!mm || isnan(mm->score))
		return;
	snprintf(help, sizeof(help), "Single-run MUE over the last %.0f s "
		 "(docs/meshmark.md), 1 = no mesh overhead", node->mm_window_s);
	family(o, "meshprof_mue", "gauge", help);
	for (int c = 0; c < MM_CLASS_MAX; c++) {
		const struct mm_class_result *cr = &mm->classes[c];

		for (size_t i = 0; i < cr->nmues; i++) {
			if (!cr->mues[i].available)
				continue;
			snprintf(extra, sizeof(extra), "class=\"%s\",mue=\"%s\"",
				 mm_class_name(cr->id),
				 mm_mue_name(cr->mues[i].id));
			sample(o, "meshprof_mue", NULL, extra,
			       cr->mues[i].value);
		}
	}
	snprintf(help, sizeof(help), "Single-run MeshMark over the last "
		 "%.0f s (docs/meshmark.md), 0..100", node->mm_window_s);
	family(o, "meshprof_meshmark_score", "gauge", help);
	sample(o, "meshprof_meshmark_score", NULL, NULL, mm->score);
}

/* meshprof_node_info: the version, so that series of different builds
 * are not merged unawares, and the header of the node's runs. */
static void node_info(struct out *o, const struct prom_node *n)
{
	const char *sep = "";

	family(o, "meshprof_node_info", "info",
	       "meshprof's version and the node as its runs describe it "
	       "(docs/json.md): kernel, CPUs, probes, metrics unavailable, "
	       "CPU profile frequency");
	fputs("meshprof_node_info{node=\"", o->f);
	put_value(o->f, o->node);
	fputc('"', o->f);
	put_label(o->f, "version", MESHPROF_VERSION);
	put_label(o->f, "kernel", n->kernel ? n->kernel : "");
	fprintf(o->f, ",cpus=\"%d\",profile_hz=\"%u\"", n->cpus,
		n->profile_hz);
	put_label(o->f, "probe_sched", n->probe_sched ? n->probe_sched : "");
	put_label(o->f, "probe_sock", n->probe_sock ? n->probe_sock : "");
	fputs(",unavailable=\"", o->f);
	for (int g = 0; g < GAP_MAX; g++) {
		if (!(n->unavailable & GAP_BIT(g)))
			continue;
		fprintf(o->f, "%s%s", sep, gap_name(g));
		sep = ",";
	}
	fputs("\"} 1\n", o->f);
}

/* A sample of @family_name for one map, program or reason:
 * @label="@item". */
static void labelled(struct out *o, const char *family_name,
		     const char *label, const char *item, double v)
{
	char extra[128];

	snprintf(extra, sizeof(extra), "%s=\"%s\"", label, item);
	sample(o, family_name, NULL, extra, v);
}

static void drops(struct out *o, const struct prom_store *s)
{
	family(o, "meshprof_drops_total", "counter",
	       "Events meshprof could not count, by reason (a BPF map full)");
	for (int d = 0; d < DROP_MAX; d++)
		labelled(o, "meshprof_drops_total", "reason", drop_name(d),
			 s->drops[d]);
	for (int d = 0; d < PROFILE_DROP_MAX; d++)
		labelled(o, "meshprof_drops_total", "reason",
			 profile_drop_name(d), s->profile_drops[d]);
}

static void bpf(struct out *o, const struct bpf_stats *st)
{
	family(o, "meshprof_bpf_map_entries", "gauge",
	       "Entries in each of meshprof's BPF maps");
	for (size_t i = 0; i < st->nmaps; i++)
		labelled(o, "meshprof_bpf_map_entries", "map",
			 st->maps[i].name, st->maps[i].entries);
	family(o, "meshprof_bpf_map_capacity", "gauge",
	       "Entries each of meshprof's BPF maps can hold");
	for (size_t i = 0; i < st->nmaps; i++)
		labelled(o, "meshprof_bpf_map_capacity", "map",
			 st->maps[i].name, st->maps[i].capacity);
	family(o, "meshprof_bpf_stats_enabled", "gauge",
	       "1 when the kernel times BPF programs (sysctl "
	       "kernel.bpf_stats_enabled), without which run times stay 0");
	sample(o, "meshprof_bpf_stats_enabled", NULL, NULL,
	       st->run_time_counted);
	family(o, "meshprof_bpf_run_seconds_total", "counter",
	       "Time meshprof's BPF programs ran, per program");
	for (size_t i = 0; i < st->nprogs; i++)
		labelled(o, "meshprof_bpf_run_seconds_total", "program",
			 st->progs[i].name, st->progs[i].run_ns / 1e9);
	family(o, "meshprof_bpf_runs_total", "counter",
	       "Times meshprof's BPF programs ran, per program");
	for (size_t i = 0; i < st->nprogs; i++)
		labelled(o, "meshprof_bpf_runs_total", "program",
			 st->progs[i].name, st->progs[i].runs);
}

static void health(struct out *o, const struct prom_store *s,
		   const struct prom_node *node)
{
	family(o, "meshprof_scrape_duration_seconds", "gauge",
	       "How long the last read of the kernel's maps and the "
	       "exposition built from it took (scrapes serve that copy)");
	sample(o, "meshprof_scrape_duration_seconds", NULL, NULL,
	       node->update_seconds);
	family(o, "meshprof_series", "gauge", "Component series kept");
	sample(o, "meshprof_series", NULL, NULL, s->n);
	family(o, "meshprof_series_refused_total", "counter",
	       "Component updates refused because --max-series were kept");
	sample(o, "meshprof_series_refused_total", NULL, NULL, s->refused);
}

/* The standard process_* metrics, of meshprof itself. */
static void process(struct out *o, const struct prom_node *n)
{
	static const struct {
		const char *name, *type, *help;
		size_t off;
	} rows[] = {
		{ "process_cpu_seconds_total", "counter",
		  "Total user and system CPU time spent in seconds.",
		  offsetof(struct prom_node, cpu_seconds) },
		{ "process_start_time_seconds", "gauge",
		  "Start time of the process since unix epoch in seconds.",
		  offsetof(struct prom_node, start_time) },
	};
	static const struct {
		const char *name, *help;
		size_t off;
	} gauges[] = {
		{ "process_resident_memory_bytes", "Resident memory size in bytes.",
		  offsetof(struct prom_node, rss_bytes) },
		{ "process_virtual_memory_bytes", "Virtual memory size in bytes.",
		  offsetof(struct prom_node, vsize_bytes) },
		{ "process_open_fds", "Number of open file descriptors.",
		  offsetof(struct prom_node, open_fds) },
		{ "process_max_fds", "Maximum number of open file descriptors.",
		  offsetof(struct prom_node, max_fds) },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		family(o, rows[i].name, rows[i].type, rows[i].help);
		fputs(rows[i].name, o->f);
		number(o->f, *(const double *)((const char *)n + rows[i].off));
	}
	for (size_t i = 0; i < sizeof(gauges) / sizeof(gauges[0]); i++) {
		family(o, gauges[i].name, "gauge", gauges[i].help);
		fputs(gauges[i].name, o->f);
		number(o->f, *(const uint64_t *)((const char *)n + gauges[i].off));
	}
}

void prom_render(const struct prom_store *s, const struct prom_node *node,
		 bool openmetrics, FILE *f)
{
	struct out o = { f, openmetrics, s->node };

	counters(&o, s);
	categories(&o, s);
	runqueue(&o, s);
	latency(&o, s);
	memory(&o, s);
	meshmark(&o, node);
	node_info(&o, node);
	drops(&o, s);
	if (node->bpf)
		bpf(&o, node->bpf);
	health(&o, s, node);
	process(&o, node);
	if (openmetrics)
		fputs("# EOF\n", f);
}
