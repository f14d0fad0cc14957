// SPDX-License-Identifier: GPL-2.0
/*
 * The sampler's CFI tables: every ELF file a sampled process maps has its
 * .eh_frame compacted into rows (unwind_table.c), appended once to the
 * unwind_rows array map; each process gets an unwind_procs entry listing
 * its executable mappings, their load bias and their file's rows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/types.h>
#include <bpf/bpf.h>

#include "profile_defs.h"
#include "unwind.h"
#include "unwind_table.h"

/* A file's rows in unwind_rows; count 0 when it has none. */
struct loaded_file {
	const void *file;	/* symbolizer's identity of the file */
	__u32 first, count;
};

struct unwinder {
	int rows_fd, procs_fd;
	struct loaded_file *files;
	size_t nfiles, cap;
	struct unwind_stats stats;
};

struct unwinder *unwinder_new(int rows_fd, uint32_t max_rows, int procs_fd)
{
	struct unwinder *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->rows_fd = rows_fd;
	u->procs_fd = procs_fd;
	u->stats.max_rows = max_rows;
	return u;
}

void unwinder_free(struct unwinder *u)
{
	if (!u)
		return;
	free(u->files);
	free(u);
}

const struct unwind_stats *unwinder_stats(const struct unwinder *u)
{
	return &u->stats;
}

/* Rows the processes that are not of interest may fill: the rest is kept
 * for the mesh's. */
static __u32 room(const struct unwinder *u, bool priority)
{
	__u32 limit = priority ? u->stats.max_rows : u->stats.max_rows / 2;

	return u->stats.rows < limit ? limit - u->stats.rows : 0;
}

/* Appends @t's rows to unwind_rows in one batch; their first index, or -1
 * when they do not fit. */
static int64_t upload(struct unwinder *u, const struct unwind_table *t,
		      bool priority)
{
	__u32 first = u->stats.rows, count = t->n, i;
	__u32 *keys;
	int ret;

	if (!t->n || t->n > room(u, priority)) {
		u->stats.no_room += t->n > 0;
		return -1;
	}
	keys = malloc(t->n * sizeof(*keys));
	if (!keys)
		return -1;
	for (i = 0; i < t->n; i++)
		keys[i] = first + i;
	ret = bpf_map_update_batch(u->rows_fd, keys, t->rows, &count, NULL);
	free(keys);
	if (ret || count != t->n)
		return -1;
	u->stats.rows += t->n;
	return first;
}

/* Builds and uploads the rows of @mf's file; count 0 when it has none. */
static void load_file(struct unwinder *u, struct symbolizer *s,
		      const struct mapped_file *mf, struct loaded_file *lf,
		      bool priority)
{
	struct unwind_table t = { .refusal = -1 };
	char err[256];
	int64_t first = -1;
	int fd;

	*lf = (struct loaded_file){ mf->file, 0, 0 };
	/* No room left: not worth reading the file. */
	if (!room(u, priority)) {
		u->stats.no_room++;
		u->stats.failed++;
		return;
	}
	fd = symbolize_open_file(s, mf);
	if (fd >= 0 && !unwind_table_build(fd, &t, err, sizeof(err)))
		first = upload(u, &t, priority);
	if (fd >= 0)
		close(fd);
	if (first >= 0) {
		lf->first = first;
		lf->count = t.n;
		u->stats.files++;
	} else {
		u->stats.failed++;
		if (fd >= 0 && t.refusal >= 0)
			u->stats.refused[t.refusal]++;
	}
	unwind_table_free(&t);
}

static const struct loaded_file *file_rows(struct unwinder *u,
					   struct symbolizer *s,
					   const struct mapped_file *mf,
					   bool priority)
{
	struct loaded_file *grown;
	size_t i;

	for (i = 0; i < u->nfiles; i++)
		if (u->files[i].file == mf->file)
			return &u->files[i];
	if (u->nfiles == u->cap) {
		u->cap = u->cap ? u->cap * 2 : 32;
		grown = realloc(u->files, u->cap * sizeof(*grown));
		if (!grown)
			return NULL;
		u->files = grown;
	}
	load_file(u, s, mf, &u->files[u->nfiles], priority);
	return &u->files[u->nfiles++];
}

struct proc_fill {
	struct unwinder *u;
	struct symbolizer *s;
	struct unwind_proc *proc;
	bool priority;
};

static int add_mapping(void *arg, const struct mapped_file *mf)
{
	struct proc_fill *pf = arg;
	const struct loaded_file *lf;
	struct unwind_mapping *m;

	/* Past the last slot the walk stops where a frame has no mapping. */
	if (pf->proc->nmaps == UNWIND_MAX_MAPPINGS)
		return 1;
	m = &pf->proc->maps[pf->proc->nmaps++];
	*m = (struct unwind_mapping){
		.start = mf->start,
		.end = mf->end,
		.bias = mf->bias,
	};
	/* Known but without rows: the walk stops here, and the process is
	 * not taken for out of date. */
	if (!mf->file)
		return 0;
	lf = file_rows(pf->u, pf->s, mf, pf->priority);
	if (!lf)
		return -1;
	m->row_first = lf->first;
	m->row_count = lf->count;
	return 0;
}

int unwinder_add(struct unwinder *u, struct symbolizer *s, pid_t pid,
		 bool priority)
{
	struct unwind_proc *proc = calloc(1, sizeof(*proc));
	struct proc_fill pf = { u, s, proc, priority };
	__u32 key = pid;
	int ret = -1;

	if (!proc)
		return -1;
	if (symbolize_files(s, pid, add_mapping, &pf) < 0 || !proc->nmaps)
		goto cleanup;
	if (bpf_map_update_elem(u->procs_fd, &key, proc, BPF_ANY))
		goto cleanup;
	u->stats.procs++;
	ret = 0;
cleanup:
	free(proc);
	return ret;
}

void unwinder_forget(struct unwinder *u, pid_t pid)
{
	__u32 key = pid;

	bpf_map_delete_elem(u->procs_fd, &key);
}
