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
	print_drops(out, run);
	if (run->unavailable[0])
		fprintf(out, "unavailable on this kernel: %s\n", run->unavailable);
}
