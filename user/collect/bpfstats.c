// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "array.h"
#include "bpfstats.h"

static bool stats_enabled(void)
{
	FILE *f = fopen("/proc/sys/kernel/bpf_stats_enabled", "r");
	int on = 0;

	if (f) {
		if (fscanf(f, "%d", &on) != 1)
			on = 0;
		fclose(f);
	}
	return on;
}

/* Hash maps have no count of their own: walk the keys. */
static uint64_t count_keys(int fd, size_t key_size)
{
	char key[256], next[256];
	uint64_t n = 0;
	void *prev = NULL;

	if (key_size > sizeof(key))
		return 0;
	while (!bpf_map_get_next_key(fd, prev, next)) {
		n++;
		memcpy(key, next, key_size);
		prev = key;
	}
	return n;
}

static bool is_array(enum bpf_map_type t)
{
	return t == BPF_MAP_TYPE_ARRAY || t == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       t == BPF_MAP_TYPE_PERF_EVENT_ARRAY;
}

static int add_map(struct bpf_stats *st, const struct bpf_map *map)
{
	enum bpf_map_type t = bpf_map__type(map);
	struct bpf_map_fill *m;
	int fd = bpf_map__fd(map);

	/* .rodata and .bss are the programs' variables, ring buffers are
	 * bytes not entries, arrays are always full. */
	if (fd < 0 || bpf_map__is_internal(map) || t == BPF_MAP_TYPE_RINGBUF ||
	    is_array(t))
		return 0;
	m = array_push((void **)&st->maps, &st->nmaps, &st->maps_cap,
		       sizeof(*m));
	if (!m)
		return -ENOMEM;
	snprintf(m->name, sizeof(m->name), "%s", bpf_map__name(map));
	m->capacity = bpf_map__max_entries(map);
	m->entries = count_keys(fd, bpf_map__key_size(map));
	return 0;
}

static int add_prog(struct bpf_stats *st, const struct bpf_program *prog)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	struct bpf_prog_cost *c;
	int fd = bpf_program__fd(prog);

	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	c = array_push((void **)&st->progs, &st->nprogs, &st->progs_cap,
		       sizeof(*c));
	if (!c)
		return -ENOMEM;
	snprintf(c->name, sizeof(c->name), "%s", bpf_program__name(prog));
	c->run_ns = info.run_time_ns;
	c->runs = info.run_cnt;
	return 0;
}

int bpf_stats_add(struct bpf_stats *st, struct bpf_object *obj)
{
	struct bpf_program *prog;
	struct bpf_map *map;

	st->run_time_counted = stats_enabled();
	if (!obj)
		return 0;
	bpf_object__for_each_map(map, obj)
		if (add_map(st, map))
			return -ENOMEM;
	bpf_object__for_each_program(prog, obj)
		if (add_prog(st, prog))
			return -ENOMEM;
	return 0;
}

void bpf_stats_free(struct bpf_stats *st)
{
	free(st->maps);
	free(st->progs);
	memset(st, 0, sizeof(*st));
}
