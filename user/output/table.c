// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <string.h>
#include "podlabel.h"
#include "table.h"
#include "usage.h"

static const char *human_bytes(uint64_t b, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = b;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, u ? "%.1f%s" : "%.0f%s", v, unit[u]);
	return buf;
}

/* One counter's cell, as its definition says it shows. */
static void print_cell(FILE *out, const struct counter_def *d, uint64_t v)
{
	char buf[16];

	switch (d->show) {
	case SHOW_SECONDS:
		fprintf(out, " %*.3f", d->width, v / 1e9);
		break;
	case SHOW_MILLIS:
		fprintf(out, " %*.1f", d->width, v / 1e6);
		break;
	case SHOW_COUNT:
		fprintf(out, " %*llu", d->width, (unsigned long long)v);
		break;
	case SHOW_BYTES:
		fprintf(out, " %*s", d->width, human_bytes(v, buf, sizeof(buf)));
		break;
	case SHOW_NONE:
		break;
	}
}

/* The component table's columns and their widths; 0 or false: left out
 * to fit the terminal. */
struct layout {
	int name, role, mesh, pod, pids;
	bool counter[NCOUNTERS];
};

#define NAME_WIDTH 24
#define NAME_MIN 14
#define VCPU_WIDTH 6
#define POD_MAX 32
#define POD_LEN 160

static int row_width(const struct layout *l)
{
	int w = l->name + 1 + l->role + 1 + VCPU_WIDTH;

	w += (l->mesh ? 1 + l->mesh : 0) + (l->pod ? 1 + l->pod : 0) +
	     (l->pids ? 1 + l->pids : 0);
	for (int i = 0; i < NCOUNTERS; i++)
		w += l->counter[i] ? 1 + counter_defs[i].width : 0;
	return w;
}

/* The widest pod label, up to POD_MAX: a long one keeps its tail. */
static int pod_width(const struct run *run)
{
	char label[POD_LEN];
	int w = 3;

	for (size_t i = 0; i < run->ncomps; i++) {
		pod_label(&run->comps[i], label, sizeof(label));
		if ((int)strlen(label) > w)
			w = strlen(label);
	}
	return w < POD_MAX ? w : POD_MAX;
}

/* Fits the table into @width columns (0: as wide as it takes): the name
 * narrows first, then the least telling columns go: PIDS, POD, MESH, and
 * the counters from the right. */
static void fit(struct layout *l, const struct run *run, int width)
{
	int *drop[] = { &l->pids, &l->pod, &l->mesh };
	int over;

	*l = (struct layout){ .name = NAME_WIDTH, .role = 13, .mesh = 13,
			      .pod = pod_width(run), .pids = 4 };
	for (int i = 0; i < NCOUNTERS; i++)
		l->counter[i] = counter_defs[i].show != SHOW_NONE;
	over = row_width(l) - width;
	if (!width || over <= 0)
		return;
	l->name = NAME_WIDTH - over > NAME_MIN ? NAME_WIDTH - over : NAME_MIN;
	for (size_t i = 0; i < 3 && row_width(l) > width; i++)
		*drop[i] = 0;
	for (int i = NCOUNTERS; i-- > 0 && row_width(l) > width;)
		l->counter[i] = false;
}

/* A text column of @w characters, or nothing when it is left out. */
static void text_cell(FILE *out, int w, const char *s)
{
	if (w)
		fprintf(out, " %-*.*s", w, w, s);
}

static void print_row(FILE *out, const struct run *run,
		      const struct component *c, const struct layout *l)
{
	double cpu = c->m.cpu_ns / 1e9;
	char pod[POD_LEN], pids[16];
	size_t n;

	pod_label(c, pod, sizeof(pod));
	n = strlen(pod);
	if (l->pod && n > (size_t)l->pod)	/* the tail tells more */
		memmove(pod, pod + n - l->pod, l->pod + 1);
	/* Folded exited processes count among the component's. */
	snprintf(pids, sizeof(pids), "%4llu",
		 (unsigned long long)(c->npids + c->folded));
	fprintf(out, "%-*.*s", l->name, l->name, c->name);
	text_cell(out, l->role, role_name(c->role));
	text_cell(out, l->mesh, mesh_name(c->mesh));
	text_cell(out, l->pod, pod);
	text_cell(out, l->pids, pids);
	fprintf(out, " %*.3f", VCPU_WIDTH, run->seconds > 0 ? cpu / run->seconds : 0);
	for (int i = 0; i < NCOUNTERS; i++)
		if (l->counter[i])
			print_cell(out, &counter_defs[i], c->m.counter[i]);
	fputc('\n', out);
}

static void print_header(FILE *out, const struct layout *l)
{
	fprintf(out, "%-*s", l->name, "COMPONENT");
	text_cell(out, l->role, "ROLE");
	text_cell(out, l->mesh, "MESH");
	text_cell(out, l->pod, "POD");
	text_cell(out, l->pids, "PIDS");
	fprintf(out, " %*s", VCPU_WIDTH, "vCPU");
	for (int i = 0; i < NCOUNTERS; i++)
		if (l->counter[i])
			fprintf(out, " %*s", counter_defs[i].width,
				counter_defs[i].column);
	fputc('\n', out);
}

/* The processes counted in a component as its agent, one line. */
static void print_agents(FILE *out, const struct run *run)
{
	const char *sep = "agents: ";

	for (size_t i = 0; i < run->nprocs; i++) {
		const struct process *p = &run->procs[i];

		if (!p->agent || p->component < 0)
			continue;
		fprintf(out, "%s%s includes its agent %s (pid %u)", sep,
			run->comps[p->component].name, p->comm, p->pid);
		sep = "; ";
	}
	if (sep[0] == ';')
		fputc('\n', out);
}

static bool peer_quiet(const union peer_metrics *pm)
{
	for (int i = 0; i < NPEER_COUNTERS; i++)
		if (pm->counter[i])
			return false;
	return true;
}

/* Each mesh component's socket traffic by peer class, a row per class
 * it talked to (docs/metrics.md). */
static void print_peers(FILE *out, const struct run *run)
{
	bool header = false;

	for (size_t i = 0; i < run->ncomps; i++) {
		const struct component *c = &run->comps[i];

		if (!mesh_role(c->role))
			continue;
		for (int k = 0; k < PEER_MAX; k++) {
			if (peer_quiet(&c->m.peer[k]))
				continue;
			if (!header) {
				fprintf(out, "\n%-24s %-8s", "PEERS", "CLASS");
				for (int d = 0; d < NPEER_COUNTERS; d++)
					fprintf(out, " %*s", peer_counter_defs[d].width,
						peer_counter_defs[d].column);
				fputc('\n', out);
				header = true;
			}
			fprintf(out, "%-24.24s %-8s", c->name, peer_name(k));
			for (int d = 0; d < NPEER_COUNTERS; d++)
				print_cell(out, &peer_counter_defs[d],
					   c->m.peer[k].counter[d]);
			fputc('\n', out);
		}
	}
	if (header && (run->unavailable & GAP_BIT(GAP_PEERS_UNIX)))
		fprintf(out, "(TCP and UDP only: Unix sockets need socket-local storage)\n");
}

static void print_path(FILE *out, const struct run *run,
		       const struct waterfall *w)
{
	fprintf(out, "request path: %s -> %s, client-observed p50 %.3f ms p99 %.3f ms\n",
		run->comps[w->client].name, run->comps[w->server].name,
		w->client_p50_ns / 1e6, w->client_p99_ns / 1e6);
	for (int i = 0; i < w->nhops; i++) {
		const struct hop *h = &w->hops[i];

		fprintf(out, "  %-24.24s %-10s %-15s p50 %9.3f ms  p99 %9.3f ms\n",
			run->comps[h->comp].name, role_name(run->comps[h->comp].role),
			lat_kind_name(h->kind), h->p50_ns / 1e6, h->p99_ns / 1e6);
	}
	fprintf(out, "  %-24s %-10s %-15s p50 %9.3f ms\n", "network/kernel", "-",
		"transit+queue", w->kernel_p50_ns / 1e6);
	fprintf(out, "  sum of hop p50s %.3f ms = %.0f%% of the client-observed p50; sum of means %.3f ms = %.0f%% of its mean\n",
		w->sum_p50_ns / 1e6,
		w->client_p50_ns ? 100.0 * w->sum_p50_ns / w->client_p50_ns : 0,
		w->sum_mean_ns / 1e6,
		w->client_mean_ns ? 100.0 * w->sum_mean_ns / w->client_mean_ns : 0);
}

static void print_latency(FILE *out, const struct run *run)
{
	static const enum lat_kind kinds[] = {
		LAT_CLIENT, LAT_DWELL_REQUEST, LAT_SERVICE, LAT_DWELL_RESPONSE,
		LAT_TRANSIT, LAT_QUEUE,
	};
	bool header = false;

	for (size_t i = 0; i < run->ncomps; i++) {
		const struct component *c = &run->comps[i];

		if (c->role != ROLE_APP && !mesh_role(c->role))
			continue;
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			const struct lat_summary *h = &c->m.lat_sum[kinds[k]];

			if (!h->count)
				continue;
			if (!header) {
				fprintf(out, "\n%-24s %-15s %9s %10s %10s %10s %10s\n",
					"LATENCY", "MEASURE", "COUNT", "P50_MS",
					"P90_MS", "P99_MS", "MAX_MS");
				header = true;
			}
			fprintf(out, "%-24.24s %-15s %9llu %10.3f %10.3f %10.3f %10.3f\n",
				c->name, lat_kind_name(kinds[k]),
				(unsigned long long)h->count,
				h->p50_ns / 1e6, h->p90_ns / 1e6, h->p99_ns / 1e6,
				h->max_ns / 1e6);
		}
	}
	if (run->has_path) {
		fputc('\n', out);
		print_path(out, run, &run->path);
	}
}

/* Components with enough samples to show their categories. */
static bool shows_categories(const struct component *c)
{
	return c->m.cpu_samples >= 20 && c->role != ROLE_SYSTEM &&
	       c->role != ROLE_OTHER;
}

/* Which components' samples have a leaf without a name, and why. */
static void print_unnamed(FILE *out, const struct run *run)
{
	for (size_t i = 0; i < run->ncomps; i++) {
		const struct component *c = &run->comps[i];
		uint64_t n = metrics_unnamed(&c->m);
		const char *sep = " (";

		if (!shows_categories(c) || n * 1000 < c->m.cpu_samples)
			continue;
		fprintf(out, "%s: %.1f%% of samples unnamed", c->name,
			100.0 * n / c->m.cpu_samples);
		for (int r = 0; r < UNNAMED_MAX; r++) {
			if (!c->m.unnamed_samples[r])
				continue;
			fprintf(out, "%s%s: %.1f%%", sep, unnamed_text(r),
				100.0 * c->m.unnamed_samples[r] /
				c->m.cpu_samples);
			sep = "; ";
		}
		fputs(")\n", out);
	}
}

/* Where each component's CPU went, by category of its sampled stacks. */
static void print_categories(FILE *out, const struct run *run)
{
	static const enum cpu_category cols[] = {
		CAT_TLS, CAT_HTTP, CAT_L7, CAT_L4, CAT_KNET, CAT_KNET_LOOPBACK,
		CAT_KNET_NETFILTER, CAT_KNET_COPY, CAT_SYSCALL, CAT_SCHED,
		CAT_ALLOC, CAT_CONFIG, CAT_OTHER, CAT_UNKNOWN,
	};
	static const char *const heads[] = {
		"TLS", "HTTP", "L7", "L4", "KNET", "+LOOP", "+NF", "+COPY",
		"SYSC", "SCHED", "ALLOC", "CONF", "OTHER", "UNKN",
	};
	const size_t n = sizeof(cols) / sizeof(cols[0]);
	bool header = false;

	for (size_t i = 0; i < run->ncomps; i++) {
		const struct component *c = &run->comps[i];

		if (!shows_categories(c))
			continue;
		if (!header) {
			fprintf(out, "\n%-24s %7s", "CPU BY CATEGORY (%)", "SAMPLES");
			for (size_t k = 0; k < n; k++)
				fprintf(out, " %5s", heads[k]);
			fputc('\n', out);
			header = true;
		}
		fprintf(out, "%-24.24s %7llu", c->name,
			(unsigned long long)c->m.cpu_samples);
		for (size_t k = 0; k < n; k++)
			fprintf(out, " %5.1f", 100 * metrics_cat_share(&c->m, cols[k]));
		fputc('\n', out);
	}
	if (!header)
		return;
	fprintf(out, "(+LOOP, +NF, +COPY: loopback/veth delivery, netfilter and copies, part of KNET; profile %u Hz, %.0f%% of frames named",
		run->profile.hz, 100 * run->profile.symbolized_share);
	if (run->profile.cfi_samples)
		fprintf(out, "; %llu user stacks walked with CFI, %.0f%% to the outermost frame",
			(unsigned long long)run->profile.cfi_samples,
			100.0 * run->profile.cfi_complete /
			run->profile.cfi_samples);
	fputs(")\n", out);
	print_unnamed(out, run);
}

static void print_drops(FILE *out, const struct run *run)
{
	bool any = false;

	for (int r = 0; r < DROP_MAX; r++) {
		if (!run->drops[r])
			continue;
		fprintf(out, "%s %s=%llu", any ? "," : "drops:", drop_name(r),
			(unsigned long long)run->drops[r]);
		any = true;
	}
	for (int d = 0; d < PROFILE_DROP_MAX; d++) {
		if (!run->profile.drops[d])
			continue;
		fprintf(out, "%s profile_%s=%llu", any ? "," : "drops:",
			profile_drop_name(d),
			(unsigned long long)run->profile.drops[d]);
		any = true;
	}
	if (any)
		fputc('\n', out);
}

static void print_gaps(FILE *out, const struct run *run)
{
	const char *sep = "unavailable on this kernel: ";

	for (int g = 0; g < GAP_MAX; g++) {
		if (!(run->unavailable & GAP_BIT(g)))
			continue;
		fprintf(out, "%s%s", sep, gap_name(g));
		sep = ",";
	}
	if (run->unavailable)
		fputc('\n', out);
}

void table_print(FILE *out, const struct run *run, int width)
{
	size_t listed = 0;
	struct layout l;

	for (size_t i = 0; i < run->nprocs; i++)
		listed += !run->procs[i].folded;
	fprintf(out,
		"meshprof: %.1f s on %s (kernel %s, %d CPUs); probes sched=%s sock=%s; ",
		run->seconds, run->hostname, run->kernel, run->cpus,
		run->probe_sched, run->probe_sock);
	/* A run made from Prometheus has components, no processes. */
	if (run->nnodes)
		fprintf(out, "%zu components from Prometheus", run->ncomps);
	else
		fprintf(out, "%llu processes in %zu components",
			(unsigned long long)(listed + run->folded), run->ncomps);
	if (run->folded)
		fprintf(out, " (%llu exited ones folded into their components)",
			(unsigned long long)run->folded);
	fputc('\n', out);
	fit(&l, run, width);
	print_header(out, &l);
	for (size_t i = 0; i < run->ncomps; i++)
		print_row(out, run, &run->comps[i], &l);
	print_agents(out, run);
	print_peers(out, run);
	print_categories(out, run);
	print_latency(out, run);
	print_drops(out, run);
	print_gaps(out, run);
}
