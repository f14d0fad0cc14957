// SPDX-License-Identifier: GPL-2.0
/*
 * MeshMark (docs/meshmark.md): SMP's template
 *
 *	MeshMark = mean over classes of [ sum_i MUE_i x weight_i / # MUEs ]
 *
 * made concrete. Every figure is arithmetic over the components a run
 * already holds; an input that was not measured leaves its MUE (and maybe
 * its class) out with a reason, never a made-up value.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "meshmark.h"
#include "usage.h"

#define MIB (1024.0 * 1024.0)

static const enum mm_class mm_mue_class[MM_MUE_MAX] = {
	[MM_CPU_SHARE] = MM_COMPUTE,
	[MM_CPU_CAPACITY] = MM_COMPUTE,
	[MM_CPU] = MM_COMPUTE,
	[MM_CONTEXT_SWITCHES] = MM_COMPUTE,
	[MM_RUNQ_DELAY] = MM_COMPUTE,
	[MM_RSS] = MM_MEMORY,
	[MM_BYTES_COPIED] = MM_NETWORK,
	[MM_SOCKET_CALLS] = MM_NETWORK,
	[MM_STACK_TRAVERSALS] = MM_NETWORK,
	[MM_P50] = MM_LATENCY,
	[MM_P99] = MM_LATENCY,
};

/* Compare mode's view of its two runs. */
struct pair {
	const struct run *base;
	const struct run *mesh;
	struct split sb;
	struct split sm;
};

static enum res mue_res(enum mm_mue mue)
{
	switch (mue) {
	case MM_CPU_SHARE:
	case MM_CPU:
		return RES_CPU;
	case MM_CONTEXT_SWITCHES:
		return RES_SWITCHES;
	case MM_RUNQ_DELAY:
		return RES_RUNQ;
	case MM_RSS:
		return RES_RSS;
	case MM_BYTES_COPIED:
		return RES_BYTES;
	case MM_SOCKET_CALLS:
		return RES_CALLS;
	case MM_STACK_TRAVERSALS:
		return RES_CONNS;
	default:
		return RES_MAX;
	}
}

/* cpu_share and cpu_capacity need a split of one run, cpu two runs. */
static bool mue_in_mode(enum mm_mue mue, enum mm_mode mode)
{
	if (mue == MM_CPU)
		return mode == MM_COMPARE;
	if (mue == MM_CPU_SHARE || mue == MM_CPU_CAPACITY)
		return mode == MM_SINGLE;
	return true;
}

static void __attribute__((format(printf, 2, 3)))
note(struct meshmark *mm, const char *fmt, ...)
{
	va_list ap;

	if (mm->nnotes == MM_NOTES_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(mm->notes[mm->nnotes++], MM_NOTE_LEN, fmt, ap);
	va_end(ap);
}

static int __attribute__((format(printf, 2, 3)))
fail(struct meshmark *mm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(mm->error, sizeof(mm->error), fmt, ap);
	va_end(ap);
	mm->score = NAN;
	return -1;
}

static void reset(struct meshmark *mm, enum mm_mode mode)
{
	memset(mm, 0, sizeof(*mm));
	mm->mode = mode;
	mm->score = NAN;
	mm->vcpu_sidecar = NAN;
	mm->vcpu_node_proxy = NAN;
	mm->vcpu_node_agent = NAN;
	mm->vcpu_total = NAN;
	mm->mib_per_proxy = NAN;
	mm->control = (struct mm_control){
		.config_seconds = NAN, .vcpu_per_1000_pods = NAN,
		.mibps_per_1000_pods = NAN, .share = NAN,
	};
	for (int c = 0; c < MM_CLASS_MAX; c++) {
		mm->classes[c].id = c;
		mm->classes[c].score = NAN;
	}
}

/* A slot for @id in its class, its inputs unknown until filled. */
static struct mm_mue_result *new_mue(struct meshmark *mm, enum mm_mue id,
				     const struct mm_weights *w)
{
	struct mm_class_result *c = &mm->classes[mm_mue_class[id]];
	struct mm_mue_result *r = &c->mues[c->nmues++];

	r->id = id;
	r->weight = w ? w->w[id] : 0;
	r->value = NAN;
	r->raw = NAN;
	r->mesh = NAN;
	r->total = NAN;
	r->base = NAN;
	r->overhead = NAN;
	r->unit = "";
	return r;
}

static void __attribute__((format(printf, 2, 3)))
mue_void(struct mm_mue_result *r, const char *fmt, ...)
{
	va_list ap;

	r->available = false;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

/* Noise (or a different load) can push a ratio past 1: say so, clamp. */
static void mue_set(struct meshmark *mm, struct mm_mue_result *r, double raw)
{
	const char *name = mm_mue_name(r->id);

	r->available = true;
	r->raw = raw;
	r->value = raw < 0 ? 0 : raw > 1 ? 1 : raw;
	if (raw > 1)
		note(mm, "%s: the mesh run cost less than the baseline (raw MUE %.3g), clamped to 1",
		     name, raw);
	else if (raw < 0)
		note(mm, "%s: raw MUE %.3g below 0, clamped to 0", name, raw);
}

/* Single mode: 1 - what the mesh used / what the workload used. */
static void single_share(struct meshmark *mm, struct mm_mue_result *r,
			 const struct run *run, const struct split *s)
{
	enum res res = mue_res(r->id);
	const char *missing = missing_metric(run, res);

	r->unit = resources[res].unit;
	r->mesh = s->mesh.v[res];
	r->total = s->workload.v[res];
	if (missing) {
		mue_void(r, "%s not recorded: this kernel lacks %s",
			 resources[res].what, missing);
		return;
	}
	if (!(r->total > 0)) {
		mue_void(r, "no %s recorded for the workload",
			 resources[res].what);
		return;
	}
	mue_set(mm, r, 1 - r->mesh / r->total);
}

/* SMP's own MUE: 1 - CPU utilization(%) / 100, of the mesh components. */
static void single_capacity(struct meshmark *mm, struct mm_mue_result *r,
			    const struct run *run, const struct split *s)
{
	bool assigned = run->cpu_capacity_cores > 0;
	double cores = assigned ? run->cpu_capacity_cores : run->cpus;

	r->unit = "cpu_seconds";
	r->mesh = s->mesh.v[RES_CPU];
	if (!(cores > 0)) {
		mue_void(r, "CPU capacity unknown: no assigned cores and no node CPU count");
		return;
	}
	if (!(run->seconds > 0)) {
		mue_void(r, "the window's length is unknown");
		return;
	}
	r->total = cores * run->seconds;
	if (assigned)
		note(mm, "cpu_capacity: capacity is the %g assigned cores", cores);
	else
		note(mm, "cpu_capacity: capacity is the node's %g CPUs", cores);
	mue_set(mm, r, 1 - r->mesh / r->total);
}

static void single_mue(struct meshmark *mm, struct mm_mue_result *r,
		       const struct run *run, const struct split *s)
{
	if (r->id == MM_CPU_CAPACITY) {
		single_capacity(mm, r, run, s);
		return;
	}
	if (r->id == MM_P50 || r->id == MM_P99) {
		r->unit = "seconds";
		mue_void(r, "a single run cannot tell the latency the mesh adds: compare with a baseline (meshprof diff)");
		return;
	}
	single_share(mm, r, run, s);
}

/*
 * base / mesh = 1 - overhead / mesh. 0/0 is no overhead (1); a mesh run
 * that used none of what the baseline used is clamped to 1 with a note.
 */
static void ratio(struct meshmark *mm, struct mm_mue_result *r)
{
	double raw;

	r->overhead = r->mesh - r->base;
	if (r->mesh > 0)
		raw = r->base / r->mesh;
	else
		raw = r->base > 0 ? INFINITY : 1;
	mue_set(mm, r, raw);
}

static bool compare_missing(struct mm_mue_result *r, const struct pair *p,
			    enum res res)
{
	const char *mb = missing_metric(p->base, res);
	const char *mn = missing_metric(p->mesh, res);

	if (!mb && !mn)
		return false;
	mue_void(r, "%s not recorded: the %s run's kernel lacks %s",
		 resources[res].what, mb ? "baseline" : "mesh", mb ? mb : mn);
	return true;
}

/* Compare mode: each run's workload cost per unit of work. */
static void compare_res(struct meshmark *mm, struct mm_mue_result *r,
			const struct pair *p)
{
	enum res res = mue_res(r->id);
	bool level = resources[res].level;

	r->unit = resources[res].unit;
	r->base = norm_cost(p->base, p->sb.workload.v[res], level,
			    mm->per_request);
	r->mesh = norm_cost(p->mesh, p->sm.workload.v[res], level,
			    mm->per_request);
	if (compare_missing(r, p, res))
		return;
	if (isnan(r->base) || isnan(r->mesh)) {
		mue_void(r, "the window's length is unknown");
		return;
	}
	/* A zero rss is a sampler that did not run, not a free workload. */
	if (level && !(r->base > 0 && r->mesh > 0)) {
		mue_void(r, "no %s recorded in the %s run", resources[res].what,
			 r->base > 0 ? "mesh" : "baseline");
		return;
	}
	ratio(mm, r);
}

static void compare_latency(struct meshmark *mm, struct mm_mue_result *r,
			    double base, double mesh)
{
	const char *name = mm_mue_name(r->id);

	r->unit = "seconds";
	r->base = base > 0 ? base : NAN;
	r->mesh = mesh > 0 ? mesh : NAN;
	if (isnan(r->base) || isnan(r->mesh)) {
		mue_void(r, "%s latency unknown in the %s run", name,
			 isnan(r->base) ? "baseline" : "mesh");
		return;
	}
	ratio(mm, r);
}

static void compare_mue(struct meshmark *mm, struct mm_mue_result *r,
			const struct pair *p)
{
	if (r->id == MM_P50)
		compare_latency(mm, r, p->base->latency_p50_s,
				p->mesh->latency_p50_s);
	else if (r->id == MM_P99)
		compare_latency(mm, r, p->base->latency_p99_s,
				p->mesh->latency_p99_s);
	else
		compare_res(mm, r, p);
}

/* The reasons of a class's MUEs, each once. */
static void class_reason(struct mm_class_result *c)
{
	size_t len = 0;

	c->reason[0] = '\0';
	for (size_t i = 0; i < c->nmues; i++) {
		const char *why = c->mues[i].reason;

		if (!why[0] || strstr(c->reason, why))
			continue;
		len += snprintf(c->reason + len, sizeof(c->reason) - len,
				"%s%s", len ? "; " : "", why);
		if (len >= sizeof(c->reason))
			break;
	}
	if (!c->reason[0])
		snprintf(c->reason, sizeof(c->reason), "no MUE available");
}

/* sum MUE_i (1 + w_i) / sum (1 + w_i), over the MUEs that have a value. */
static void class_finish(struct mm_class_result *c)
{
	double num = 0, den = 0;
	size_t n = 0;

	for (size_t i = 0; i < c->nmues; i++) {
		const struct mm_mue_result *r = &c->mues[i];
		double f = 1 + r->weight;

		if (!r->available)
			continue;
		num += r->value * f;
		den += f;
		n++;
	}
	if (!n) {
		c->included = false;
		c->score = NAN;
		class_reason(c);
		return;
	}
	c->included = true;
	c->score = num / den;
}

static int finish(struct meshmark *mm)
{
	double sum = 0;
	size_t n = 0;

	for (int c = 0; c < MM_CLASS_MAX; c++) {
		class_finish(&mm->classes[c]);
		if (mm->classes[c].included) {
			sum += mm->classes[c].score;
			n++;
		}
	}
	if (!n)
		return fail(mm, "no MeshMark class could be computed: every MUE lacks its inputs");
	mm->score = 100 * sum / n;
	return 0;
}

/* Weights built by hand skip mm_weights_parse: check them here too. */
static int check_weights(struct meshmark *mm, const struct mm_weights *w)
{
	if (!w)
		return 0;
	for (int m = 0; m < MM_MUE_MAX; m++)
		if (!(w->w[m] >= MM_WEIGHT_MIN && w->w[m] <= MM_WEIGHT_MAX))
			return fail(mm, "weight for %s out of range -0.5..0.5: %g",
				    mm_mue_name(m), w->w[m]);
	return 0;
}

static void note_unused_weights(struct meshmark *mm,
				const struct mm_weights *w)
{
	if (!w)
		return;
	for (int m = 0; m < MM_MUE_MAX; m++)
		if (w->w[m] != 0 && !mue_in_mode(m, mm->mode))
			note(mm, "weight for %s unused: no such MUE in %s mode",
			     mm_mue_name(m),
			     mm->mode == MM_SINGLE ? "single" : "compare");
}

static int cmp_component(const void *a, const void *b)
{
	const struct mm_component *x = a, *y = b;
	int r;

	if (x->cpu_seconds != y->cpu_seconds)
		return x->cpu_seconds < y->cpu_seconds ? 1 : -1;
	r = strcmp(x->name, y->name);
	return r ? r : strcmp(x->id, y->id);
}

static void fill_component(struct mm_component *d, const struct component *c,
			   const struct run *run, bool per_request)
{
	snprintf(d->id, sizeof(d->id), "%s", c->id);
	snprintf(d->name, sizeof(d->name), "%s", c->name);
	d->role = c->role;
	d->mesh = c->mesh;
	d->cpu_seconds = amount(&c->m, RES_CPU);
	d->rss_bytes = amount(&c->m, RES_RSS);
	d->bytes = amount(&c->m, RES_BYTES);
	d->cpu_cost = norm_cost(run, d->cpu_seconds, false, per_request);
	d->rss_cost = norm_cost(run, d->rss_bytes, true, per_request);
	d->bytes_cost = norm_cost(run, d->bytes, false, per_request);
	d->cpu_fraction = NAN;
	d->cpu_overhead_fraction = NAN;
}

/*
 * "Where it went": the mesh components of @run with their costs, the
 * largest CPU user first. @cpu_overhead (compare mode) is the workload's
 * CPU cost the mesh run added; NAN in single mode.
 */
static int add_components(struct meshmark *mm, const struct run *run,
			  const struct split *s, double cpu_overhead)
{
	double workload_cpu = s->workload.v[RES_CPU];
	size_t n = 0;

	if (!s->nmesh)
		return 0;
	mm->comps = calloc(s->nmesh, sizeof(*mm->comps));
	if (!mm->comps)
		return fail(mm, "out of memory");
	for (size_t i = 0; i < run->ncomps; i++) {
		struct mm_component *d = &mm->comps[n];

		if (!mesh_role(run->comps[i].role))
			continue;
		fill_component(d, &run->comps[i], run, mm->per_request);
		if (workload_cpu > 0)
			d->cpu_fraction = d->cpu_seconds / workload_cpu;
		if (cpu_overhead > 0)
			d->cpu_overhead_fraction = d->cpu_cost / cpu_overhead;
		n++;
	}
	mm->ncomps = n;
	qsort(mm->comps, n, sizeof(*mm->comps), cmp_component);
	return 0;
}

static double vcpu(double cpu_seconds, size_t n, uint64_t requests)
{
	return n ? cpu_seconds / requests * PER : NAN;
}

/* The figures Istio publishes, from @run's mesh components. */
static void istio_figures(struct meshmark *mm, const struct run *run)
{
	double cpu[ROLE_MAX] = { 0 }, rss = 0, all = 0;
	size_t n[ROLE_MAX] = { 0 }, nproxy = 0, nrss = 0, nall = 0;

	for (size_t i = 0; i < run->ncomps; i++) {
		const struct component *c = &run->comps[i];

		if (!mesh_role(c->role))
			continue;
		cpu[c->role] += amount(&c->m, RES_CPU);
		n[c->role]++;
		all += amount(&c->m, RES_CPU);
		nall++;
		if (!proxy_role(c->role))
			continue;
		nproxy++;
		if (c->m.rss_avg_bytes) {
			rss += c->m.rss_avg_bytes;
			nrss++;
		}
	}
	if (nrss)
		mm->mib_per_proxy = rss / nrss / MIB;
	else if (nproxy)
		note(mm, "MiB per proxy omitted: no resident memory recorded for the proxies");
	if (!run->requests) {
		if (nall)
			note(mm, "vCPU per 1000 rps omitted: the request count is unknown");
		return;
	}
	mm->vcpu_sidecar = vcpu(cpu[ROLE_SIDECAR], n[ROLE_SIDECAR],
				run->requests);
	mm->vcpu_node_proxy = vcpu(cpu[ROLE_NODE_PROXY], n[ROLE_NODE_PROXY],
				   run->requests);
	mm->vcpu_node_agent = vcpu(cpu[ROLE_NODE_AGENT], n[ROLE_NODE_AGENT],
				   run->requests);
	mm->vcpu_total = vcpu(all, nall, run->requests);
}

/*
 * The control plane's line: its components' CPU and the config CPU of
 * the rest of the mesh, per 1000 pods served, and their share of @mesh_cpu
 * (single: the mesh's CPU seconds; compare: the workload's CPU overhead
 * in the run's unit).
 */
static void control_figures(struct meshmark *mm, const struct run *run,
			    double mesh_cpu)
{
	struct mm_control *c = &mm->control;
	struct control_usage cu;
	double cost;

	control_usage(run, &cu);
	c->pods = cu.pods;
	c->control_plane_seconds = cu.control_plane_cpu;
	c->config_seconds = cu.profiled ? cu.config_cpu : NAN;
	c->cpu_seconds = cu.control_plane_cpu + (cu.profiled ? cu.config_cpu : 0);
	c->bytes = cu.bytes;
	if (!cu.profiled)
		note(mm, "control: the proxies' config CPU needs a CPU profile (-F): only the control plane's own CPU is counted");
	if (cu.pods && run->seconds > 0) {
		c->vcpu_per_1000_pods = c->cpu_seconds / run->seconds / cu.pods *
					1000;
		c->mibps_per_1000_pods = c->bytes / run->seconds / MIB /
					 cu.pods * 1000;
	} else {
		note(mm, "control: %s: no figures per 1000 pods",
		     cu.pods ? "the window's length is unknown" :
		     "no pods served on this node");
	}
	cost = mm->mode == MM_SINGLE ? c->cpu_seconds :
	       norm_cost(run, c->cpu_seconds, false, mm->per_request);
	if (mesh_cpu > 0)
		c->share = cost / mesh_cpu;
}

static void single_notes(struct meshmark *mm, const struct run *run,
			 const struct split *s)
{
	if (!s->nmesh)
		note(mm, "no mesh components in the run: nothing is charged to the mesh");
	if (!s->napp)
		note(mm, "no app components in the run: the whole workload is the mesh's");
	if (!run->requests)
		note(mm, "requests unknown: component costs are per second of the window");
}

int meshmark_single(const struct run *run, const struct mm_weights *w,
		    struct meshmark *out)
{
	struct split s;

	reset(out, MM_SINGLE);
	if (!run)
		return fail(out, "no run");
	if (check_weights(out, w))
		return -1;
	split_run(run, &s);
	if (!s.nmesh && !s.napp)
		return fail(out, "the run has no app or mesh components");
	out->per_request = run->requests > 0;
	for (int m = 0; m < MM_MUE_MAX; m++)
		if (mue_in_mode(m, MM_SINGLE))
			single_mue(out, new_mue(out, m, w), run, &s);
	single_notes(out, run, &s);
	note_unused_weights(out, w);
	istio_figures(out, run);
	control_figures(out, run, s.mesh.v[RES_CPU]);
	if (add_components(out, run, &s, NAN))
		return -1;
	return finish(out);
}

/* Per 1000 requests when both runs know theirs, else per second. */
static int choose_norm(struct meshmark *mm, const struct pair *p)
{
	const char *which;

	if (p->base->requests && p->mesh->requests) {
		mm->per_request = true;
		return 0;
	}
	which = p->base->requests ? "mesh" : p->mesh->requests ?
		"baseline" : "baseline and mesh";
	if (!(p->base->seconds > 0 && p->mesh->seconds > 0))
		return fail(mm, "requests unknown in the %s run and a window length unknown: no common unit of work",
			    which);
	note(mm, "requests unknown in the %s run: costs are per second of the window, which assumes both runs carried the same load",
	     which);
	return 0;
}

static void compare_notes(struct meshmark *mm, const struct pair *p)
{
	if (p->sb.nmesh)
		note(mm, "the baseline has %zu mesh component(s): their cost counts as baseline",
		     p->sb.nmesh);
	if (!p->sm.nmesh)
		note(mm, "the mesh run has no mesh components");
}

static const struct mm_mue_result *find_mue(const struct meshmark *mm,
					    enum mm_mue id)
{
	const struct mm_class_result *c = &mm->classes[mm_mue_class[id]];

	for (size_t i = 0; i < c->nmues; i++)
		if (c->mues[i].id == id)
			return &c->mues[i];
	return NULL;
}

int meshmark_compare(const struct run *base, const struct run *mesh,
		     const struct mm_weights *w, struct meshmark *out)
{
	struct pair p = { .base = base, .mesh = mesh };
	double cpu_overhead;

	reset(out, MM_COMPARE);
	if (!base || !mesh)
		return fail(out, "two runs are needed");
	if (check_weights(out, w))
		return -1;
	split_run(base, &p.sb);
	split_run(mesh, &p.sm);
	if (!p.sb.nmesh && !p.sb.napp)
		return fail(out, "the baseline has no app or mesh components");
	if (!p.sm.nmesh && !p.sm.napp)
		return fail(out, "the mesh run has no app or mesh components");
	if (choose_norm(out, &p))
		return -1;
	for (int m = 0; m < MM_MUE_MAX; m++)
		if (mue_in_mode(m, MM_COMPARE))
			compare_mue(out, new_mue(out, m, w), &p);
	compare_notes(out, &p);
	note_unused_weights(out, w);
	istio_figures(out, mesh);
	cpu_overhead = find_mue(out, MM_CPU)->overhead;
	control_figures(out, mesh, cpu_overhead);
	if (add_components(out, mesh, &p.sm, cpu_overhead))
		return -1;
	return finish(out);
}
