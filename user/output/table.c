// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "table.h"
#include "waterfall.h"
#include "cpucat.h"

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

static void print_row(FILE *out, const struct run *run,
		      const struct component *c)
{
	const struct metrics *m = &c->m;
	char sent[16], recv[16], pod[16];
	double cpu = m->cpu_ns / 1e9;

	snprintf(pod, sizeof(pod), "%.8s", c->in_pod ? c->pod.pod_uid : "-");
	fprintf(out,
		"%-24.24s %-10s %-13s %-8s %4zu %6.3f %9.3f %8llu %7llu %9.1f %9s %9s %8llu %8llu\n",
		c->name, role_name(c->role), mesh_name(c->mesh), pod,
		c->npids, run->seconds > 0 ? cpu / run->seconds : 0, cpu,
		(unsigned long long)m->vol_switches,
		(unsigned long long)m->invol_switches, m->runq_ns / 1e6,
		human_bytes(m->bytes_sent, sent, sizeof(sent)),
		human_bytes(m->bytes_recv, recv, sizeof(recv)),
		(unsigned long long)m->send_calls,
		(unsigned long long)m->recv_calls);
}

static void print_latency(FILE *out, const struct run *run)
{
	static const enum lat_kind kinds[] = {
		LAT_CLIENT, LAT_DWELL_REQUEST, LAT_SERVICE, LAT_DWELL_RESPONSE,
		LAT_TRANSIT, LAT_QUEUE,
	};
	struct waterfall w;
	bool header = false;

	for (size_t i = 0; i < run->ncomps; i++) {
		const struct component *c = &run->comps[i];

		if (c->role != ROLE_APP && c->role != ROLE_SIDECAR &&
		    c->role != ROLE_NODE_PROXY && c->role != ROLE_NODE_AGENT)
			continue;
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			const struct latency_hist *h = &c->m.lat[kinds[k]];

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
				lat_percentile(h, 50) / 1e6, lat_percentile(h, 90) / 1e6,
				lat_percentile(h, 99) / 1e6, h->max_ns / 1e6);
		}
	}
	if (!waterfall_build(run, &w)) {
		fputc('\n', out);
		waterfall_print(out, run, &w);
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

		if (c->m.cpu_samples < 20 || c->role == ROLE_SYSTEM ||
		    c->role == ROLE_OTHER)
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
			fprintf(out, " %5.1f", 100 * cpucat_share(&c->m, cols[k]));
		fputc('\n', out);
	}
	if (!header)
		return;
	fprintf(out, "(+LOOP, +NF, +COPY: loopback/veth delivery, netfilter and copies, part of KNET; profile %u Hz, %.0f%% of frames named",
		run->profile_hz, 100 * run->symbolized_share);
	if (run->cfi_samples)
		fprintf(out, "; %llu user stacks walked with CFI, %.0f%% to the outermost frame",
			(unsigned long long)run->cfi_samples,
			100.0 * run->cfi_complete / run->cfi_samples);
	fputs(")\n", out);
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
		if (!run->profile_drops[d])
			continue;
		fprintf(out, "%s profile_%s=%llu", any ? "," : "drops:",
			d ? "counts_map_full" : "stacks_map_full",
			(unsigned long long)run->profile_drops[d]);
		any = true;
	}
	if (any)
		fputc('\n', out);
}

void table_print(FILE *out, const struct run *run)
{
	fprintf(out,
		"meshprof: %.1f s on %s (kernel %s, %d CPUs); probes sched=%s sock=%s; %zu processes in %zu components\n",
		run->seconds, run->hostname, run->kernel, run->cpus,
		run->probe_sched, run->probe_sock, run->nprocs, run->ncomps);
	fprintf(out,
		"%-24s %-10s %-13s %-8s %4s %6s %9s %8s %7s %9s %9s %9s %8s %8s\n",
		"COMPONENT", "ROLE", "MESH", "POD", "PIDS", "vCPU", "CPU_S",
		"VCSW", "IVCSW", "RUNQ_MS", "SENT", "RECV", "SENDS", "RECVS");
	for (size_t i = 0; i < run->ncomps; i++)
		print_row(out, run, &run->comps[i]);
	print_categories(out, run);
	print_latency(out, run);
	print_drops(out, run);
	if (run->unavailable[0])
		fprintf(out, "unavailable on this kernel: %s\n", run->unavailable);
}
