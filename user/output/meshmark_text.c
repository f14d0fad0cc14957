// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdbool.h>
#include <string.h>
#include "meshmark_out.h"

#define MIB (1024.0 * 1024.0)

/* Whole numbers from 1000 up, else 4 significant digits; "-" unknown. */
static const char *fmt_num(double v, char *buf, size_t len)
{
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (fabs(v) >= 1000 && fabs(v) < 1e15)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.4g", v);
	return buf;
}

static void print_mue(FILE *out, const struct meshmark *mm,
		      const struct mm_mue_result *r)
{
	bool single = mm->mode == MM_SINGLE;
	/* bytes read better as MiB in a table; JSON keeps bytes */
	bool mib = !strcmp(r->unit, "bytes");
	double k = mib ? 1 / MIB : 1;
	char a[24], b[24], c[24];

	if (!r->available) {
		fprintf(out, "  %-18s %7s %+7.2f  left out: %s\n",
			mm_mue_name(r->id), "-", r->weight, r->reason);
		return;
	}
	fprintf(out, "  %-18s %7.3f %+7.2f %12s %12s %12s  %s\n",
		mm_mue_name(r->id), r->value, r->weight,
		fmt_num(k * (single ? r->mesh : r->base), a, sizeof(a)),
		fmt_num(k * (single ? r->total : r->mesh), b, sizeof(b)),
		single ? "" : fmt_num(k * r->overhead, c, sizeof(c)),
		mib ? "MiB" : r->unit);
}

static void print_class(FILE *out, const struct meshmark *mm,
			const struct mm_class_result *c)
{
	if (!c->included) {
		fprintf(out, "%-20s %7s          left out: %s\n",
			mm_class_name(c->id), "-", c->reason);
		return;
	}
	fprintf(out, "%-20s %7.3f\n", mm_class_name(c->id), c->score);
	for (size_t i = 0; i < c->nmues; i++)
		print_mue(out, mm, &c->mues[i]);
}

static void print_component(FILE *out, const struct mm_component *x)
{
	char a[24], b[24], c[24], d[24], e[24];

	fprintf(out, "%-24.24s %-13s %9.3f %10s %10s %12s %7s %7s\n",
		x->name, role_name(x->role), x->cpu_seconds,
		fmt_num(x->cpu_cost, a, sizeof(a)),
		fmt_num(x->rss_cost / MIB, b, sizeof(b)),
		fmt_num(x->bytes_cost, c, sizeof(c)),
		fmt_num(100 * x->cpu_fraction, d, sizeof(d)),
		fmt_num(100 * x->cpu_overhead_fraction, e, sizeof(e)));
}

static void print_components(FILE *out, const struct meshmark *mm)
{
	bool pr = mm->per_request;

	if (!mm->ncomps)
		return;
	fprintf(out, "\nwhere the mesh's cost went (%s; cpu %%: of the workload's CPU, ovh %%: of its CPU overhead):\n",
		pr ? "per 1000 requests, rss per 1000 rps" :
		"per second, rss as is");
	fprintf(out, "%-24s %-13s %9s %10s %10s %12s %7s %7s\n", "component",
		"role", "cpu s", pr ? "cpu s/1k" : "cpu s/s",
		pr ? "MiB/1krps" : "rss MiB", pr ? "bytes/1k" : "bytes/s",
		"cpu %", "ovh %");
	for (size_t i = 0; i < mm->ncomps; i++)
		print_component(out, &mm->comps[i]);
}

static void print_figures(FILE *out, const struct meshmark *mm)
{
	char a[24], b[24], c[24], d[24];

	fprintf(out, "\nvCPU per 1000 rps: sidecar %s, node-proxy %s, node-agent %s, total %s\n",
		fmt_num(mm->vcpu_sidecar, a, sizeof(a)),
		fmt_num(mm->vcpu_node_proxy, b, sizeof(b)),
		fmt_num(mm->vcpu_node_agent, c, sizeof(c)),
		fmt_num(mm->vcpu_total, d, sizeof(d)));
	fprintf(out, "MiB per proxy: %s\n",
		fmt_num(mm->mib_per_proxy, a, sizeof(a)));
}

/* The control plane's share, as its own line: set beside another
 * mesh's, per 1000 pods. */
static void print_control(FILE *out, const struct meshmark *mm)
{
	const struct mm_control *c = &mm->control;
	char a[24], b[24], d[24], share[24] = "-";

	if (isfinite(c->share))
		snprintf(share, sizeof(share), "%.1f%%", 100 * c->share);
	fprintf(out, "control: %s vCPU, %s MiB/s per 1000 pods (%zu pods; control plane %.3f s, config %s s of CPU; %s of the %s)\n",
		fmt_num(c->vcpu_per_1000_pods, a, sizeof(a)),
		fmt_num(c->mibps_per_1000_pods, b, sizeof(b)), c->pods,
		c->control_plane_seconds,
		fmt_num(c->config_seconds, d, sizeof(d)), share,
		mm->mode == MM_SINGLE ? "mesh's CPU" :
		"workload's CPU overhead");
}

static void print_header(FILE *out, const struct meshmark *mm)
{
	bool single = mm->mode == MM_SINGLE;

	fprintf(out, "MeshMark %.1f / 100 (%s)\n\n", mm->score, single ?
		"single run: the mesh's share of what the workload used" :
		"compare: cost per unit of work, mesh run against baseline");
	fprintf(out, "%-20s %7s %7s %12s %12s %12s  %s\n", "class / MUE",
		"score", "weight", single ? "mesh" : "base",
		single ? "total" : "mesh", single ? "" : "overhead", "unit");
	if (!single)
		fprintf(out, "(inputs %s)\n", mm->per_request ?
			"per 1000 requests; rss per 1000 rps" :
			"per second of the window; rss as is");
}

void meshmark_print(FILE *out, const struct meshmark *mm)
{
	if (mm->error[0]) {
		fprintf(out, "MeshMark not computed: %s\n", mm->error);
		return;
	}
	print_header(out, mm);
	for (int c = 0; c < MM_CLASS_MAX; c++)
		print_class(out, mm, &mm->classes[c]);
	print_components(out, mm);
	print_figures(out, mm);
	print_control(out, mm);
	for (size_t i = 0; i < mm->nnotes; i++)
		fprintf(out, "%s%s\n", i ? "  " : "\nnotes:\n  ", mm->notes[i]);
}
