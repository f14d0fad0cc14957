/* SPDX-License-Identifier: GPL-2.0 */
/* The data model of one recording: processes folded into components. */
#ifndef MESHPROF_RUN_H
#define MESHPROF_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "meshprof.h"
#include "cgroup.h"
#include "rules.h"
#include "lathist.h"
#include "categories.h"
#include "profile_defs.h"

#define COMM_LEN 16
#define EXE_LEN 256
#define COMPONENT_ID_LEN 128

struct metrics {
	uint64_t cpu_ns;
	uint64_t runq_ns;
	uint64_t runq_waits;
	uint64_t vol_switches;
	uint64_t invol_switches;
	uint64_t wakeups;
	uint64_t runq_hist[MAX_SLOTS];	/* slot i: waits in [2^i, 2^(i+1)) ns */
	uint64_t bytes_sent;
	uint64_t bytes_recv;
	uint64_t send_calls;
	uint64_t recv_calls;
	uint64_t tcp_connects;
	uint64_t tcp_accepts;
	uint64_t tcp_closes;
	uint64_t tcp_retransmits;
	uint64_t exchanges;		/* request/response turns on its sockets */
	uint64_t rss_avg_bytes;		/* mean resident memory over the window */
	uint64_t rss_peak_bytes;	/* highest sample (components: sum of
					 * their processes' peaks) */
	struct latency_hist lat[LAT_KINDS];	/* owned: moved, never copied */
	uint64_t cpu_samples;		/* profile samples of this CPU time */
	uint64_t cat_samples[CAT_MAX];	/* ... by category (docs/attribution.md) */
};

struct process {
	uint32_t pid;
	uint32_t ppid;
	char comm[COMM_LEN];
	char exe[EXE_LEN];
	char cgroup[CGROUP_PATH_LEN];
	struct pod_ident pod;
	bool in_pod;
	bool exited;
	uint64_t exit_ns;		/* monotonic; 0 while alive */
	int component;			/* index into run.components, -1 unset */
	struct metrics m;
};

struct component {
	char id[COMPONENT_ID_LEN];
	char name[RULE_NAME_LEN];
	enum role role;
	enum mesh mesh;
	bool in_pod;
	struct pod_ident pod;
	uint32_t *pids;
	size_t npids, pids_cap;
	struct metrics m;
};

struct run {
	double start;			/* seconds since the epoch */
	double end;
	double seconds;
	char hostname[256];
	char kernel[128];
	int cpus;
	char probe_sched[16];		/* "tp_btf" or "raw_tp" */
	char probe_sock[16];		/* "tp_btf", "raw_tp" or "syscalls" */
	double cpu_capacity_cores;	/* assigned CPU; 0 = node CPUs */
	uint64_t requests;		/* work done in the window; 0 unknown */
	char requests_source[24];	/* "load-generator" or "sockets" */
	double load_seconds;		/* how long the load ran; 0 unknown */
	double latency_p50_s;		/* client-observed; < 0 unknown */
	double latency_p99_s;
	char unavailable[256];		/* metrics this kernel cannot give */
	unsigned int profile_hz;	/* 0: CPU profile not taken */
	uint64_t profile_drops[PROFILE_DROP_MAX];
	double symbolized_share;	/* of user and kernel frames */
	bool profile_cfi;		/* user stacks walked with CFI */
	uint64_t cfi_samples;		/* samples whose user stack was */
	uint64_t cfi_complete;		/* ... to the outermost frame */
	uint64_t drops[DROP_MAX];
	struct process *procs;
	size_t nprocs, procs_cap;
	struct component *comps;
	size_t ncomps, comps_cap;
};

/* Adds @src into @dst; -ENOMEM when a histogram cannot grow. */
int metrics_add(struct metrics *dst, const struct metrics *src);
void metrics_free(struct metrics *m);
struct process *run_add_process(struct run *run);
struct component *run_add_component(struct run *run);
void run_free(struct run *run);
const char *drop_name(enum drop_reason reason);

#endif
