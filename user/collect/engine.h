/* SPDX-License-Identifier: GPL-2.0 */
/* Loads meshprof.bpf.c, attaches it and turns its maps into processes. */
#ifndef MESHPROF_ENGINE_H
#define MESHPROF_ENGINE_H

#include <stdbool.h>
#include "rules.h"
#include "run.h"

enum attach_mode {
	ATTACH_AUTO,		/* tp_btf where the kernel has it, else raw_tp */
	ATTACH_RAW_TP,		/* never tp_btf */
};

enum sock_source {
	SOCK_AUTO,		/* sock tracepoints, else syscall tracepoints */
	SOCK_SYSCALLS,		/* syscall tracepoints only */
};

struct collect_opts {
	const struct ruleset *rules;	/* which processes to sample memory of */
	const char *btf_path;	/* NULL: the kernel's own */
	unsigned int max_procs;
	/* Told of every process identified, at start and as they appear;
	 * of_interest: in a pod or matched by a rule (--only mesh). */
	void (*on_process)(void *arg, uint32_t pid, bool of_interest);
	void *on_process_arg;
	enum attach_mode attach;
	enum sock_source sock;
	bool no_latency;	/* skip per-hop latency (and exchange counts) */
};

struct collector;

/* libbpf's messages go to stderr only when @on; call before any libbpf use. */
void collect_set_verbose(bool on);

/* Loads, attaches and snapshots the processes alive now. */
int collect_start(struct collector **cp, const struct collect_opts *opts,
		  struct run *run, char *err, size_t err_len);
/* Handles lifecycle events for up to @timeout_ms. */
int collect_poll(struct collector *c, int timeout_ms);
/* Detaches and fills run->procs with everything counted in the window. */
int collect_stop(struct collector *c);
void collect_free(struct collector *c);

#endif
