// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "table.h"

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

static void print_row(FILE *out, const struct run *run,
		      const struct component *c)
{
	double cpu = c->m.cpu_ns / 1e9;
	char pod[16];

	snprintf(pod, sizeof(pod), "%.8s", c->in_pod ? c->pod.pod_uid : "-");
	fprintf(out, "%-24.24s %-10s %-13s %-8s %4zu %6.3f", c->name,
		role_name(c->role), mesh_name(c->mesh), pod, c->npids,
		run->seconds > 0 ? cpu / run->seconds : 0);
	for (int i = 0; i < NCOUNTERS; i++)
		print_cell(out, &counter_defs[i], c->m.counter[i]);
	fputc('\n', out);
}

static void print_header(FILE *out)
{
	fprintf(out, "%-24s %-10s %-13s %-8s %4s %6s", "COMPONENT", "ROLE",
		"MESH", "POD", "PIDS", "vCPU");
	for (int i = 0; i < NCOUNTERS; i++)
		if (counter_defs[i].show != SHOW_NONE)
			fprintf(out, " %*s", counter_defs[i].width,
				counter_defs[i].column);
	fputc('\n', out);
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

		if (c->role != ROLE_APP && c->role != ROLE_SIDECAR &&
		    c->role != ROLE_NODE_PROXY && c->role != ROLE_NODE_AGENT)
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
		CAT_ALLOC, CAT_OTHER, CAT_UNKNOWN,
	};
	static const char *const heads[] = {
		"TLS", "HTTP", "L7", "L4", "KNET", "+LOOP", "+NF", "+COPY",
		"SYSC", "SCHED", "ALLOC", "OTHER", "UNKN",
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

void table_print(FILE *out, const struct run *run)
{
	fprintf(out,
		"meshprof: %.1f s on %s (kernel %s, %d CPUs); probes sched=%s sock=%s; %zu processes in %zu components\n",
		run->seconds, run->hostname, run->kernel, run->cpus,
		run->probe_sched, run->probe_sock, run->nprocs, run->ncomps);
	print_header(out);
	for (size_t i = 0; i < run->ncomps; i++)
		print_row(out, run, &run->comps[i]);
	print_categories(out, run);
	print_latency(out, run);
	print_drops(out, run);
	print_gaps(out, run);
}
