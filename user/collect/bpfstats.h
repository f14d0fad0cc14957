/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshprof's own cost and headroom in the kernel: how full each of its BPF
 * maps is, and how long each program ran (bpf_prog_info, which the kernel
 * counts only while sysctl kernel.bpf_stats_enabled is 1).
 */
#ifndef MESHPROF_BPFSTATS_H
#define MESHPROF_BPFSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BPF_NAME_LEN 32

struct bpf_map_fill {
	char name[BPF_NAME_LEN];
	uint64_t entries;
	uint64_t capacity;
};

struct bpf_prog_cost {
	char name[BPF_NAME_LEN];
	uint64_t run_ns;
	uint64_t runs;
};

struct bpf_stats {
	struct bpf_map_fill *maps;
	size_t nmaps, maps_cap;
	struct bpf_prog_cost *progs;
	size_t nprogs, progs_cap;
	bool run_time_counted;		/* kernel.bpf_stats_enabled */
};

struct bpf_object;

/* Adds the hash maps of @obj (counted entry by entry; arrays are always
 * full and ring buffers hold bytes) and its loaded programs; -ENOMEM. */
int bpf_stats_add(struct bpf_stats *st, struct bpf_object *obj);
void bpf_stats_free(struct bpf_stats *st);

#endif
