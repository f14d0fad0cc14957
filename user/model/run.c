// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "array.h"
#include "run.h"

struct process *run_add_process(struct run *run)
{
	struct process *p;

	p = array_push((void **)&run->procs, &run->nprocs, &run->procs_cap,
		       sizeof(*p));
	if (p)
		p->component = -1;
	return p;
}

struct component *run_add_component(struct run *run)
{
	return array_push((void **)&run->comps, &run->ncomps, &run->comps_cap,
			  sizeof(struct component));
}

struct run_node *run_add_node(struct run *run)
{
	return array_push((void **)&run->nodes, &run->nnodes, &run->nodes_cap,
			  sizeof(struct run_node));
}

int process_add_stack(struct process *p, const char *frames, uint64_t n,
		      enum cpu_category category)
{
	struct stack_count *sc;
	char *copy = strdup(frames);

	sc = copy ? array_push((void **)&p->stacks, &p->nstacks,
			       &p->stacks_cap, sizeof(*sc)) : NULL;
	if (!sc) {
		free(copy);
		return -ENOMEM;
	}
	*sc = (struct stack_count){ copy, n, category };
	return 0;
}

static int stack_cmp(const void *a, const void *b)
{
	const struct stack_count *x = a, *y = b;
	int d = strcmp(x->frames, y->frames);

	return d ? d : (int)x->category - (int)y->category;
}

void stacks_merge(struct stack_count *st, size_t *n)
{
	size_t i, kept = 0;

	if (!*n)
		return;
	qsort(st, *n, sizeof(*st), stack_cmp);
	for (i = 0; i < *n; i++) {
		if (kept && !stack_cmp(&st[kept - 1], &st[i])) {
			st[kept - 1].samples += st[i].samples;
			free(st[i].frames);
			continue;
		}
		st[kept++] = st[i];
	}
	*n = kept;
}

void process_merge_stacks(struct process *p)
{
	stacks_merge(p->stacks, &p->nstacks);
}

void process_free(struct process *p)
{
	for (size_t i = 0; i < p->nstacks; i++)
		free(p->stacks[i].frames);
	free(p->stacks);
	p->stacks = NULL;
	p->nstacks = p->stacks_cap = 0;
	metrics_free(&p->m);
}

void meshmark_free(struct meshmark *mm)
{
	free(mm->comps);
	mm->comps = NULL;
	mm->ncomps = 0;
}

void run_free(struct run *run)
{
	for (size_t i = 0; i < run->ncomps; i++) {
		free(run->comps[i].pids);
		metrics_free(&run->comps[i].m);
	}
	for (size_t i = 0; i < run->nprocs; i++)
		process_free(&run->procs[i]);
	free(run->comps);
	free(run->procs);
	free(run->nodes);
	meshmark_free(&run->mm);
	memset(run, 0, sizeof(*run));
}

int process_merge(struct process *p, const struct process *delta)
{
	uint64_t peak = p->m.rss_peak_bytes;
	struct metrics *m = &p->m;

	if (metrics_add(m, &delta->m))
		return -ENOMEM;
	m->rss_peak_bytes = peak > delta->m.rss_peak_bytes ? peak :
			    delta->m.rss_peak_bytes;
	for (size_t i = 0; i < delta->nstacks; i++) {
		const struct stack_count *sc = &delta->stacks[i];

		if (process_add_stack(p, sc->frames, sc->samples, sc->category))
			return -ENOMEM;
	}
	process_merge_stacks(p);
	p->ppid = delta->ppid;
	memcpy(p->comm, delta->comm, sizeof(p->comm));
	memcpy(p->exe, delta->exe, sizeof(p->exe));
	memcpy(p->cgroup, delta->cgroup, sizeof(p->cgroup));
	p->pod = delta->pod;
	p->in_pod = delta->in_pod;
	p->exited = delta->exited;
	p->gone = delta->gone;
	p->exit_ns = delta->exit_ns;
	return 0;
}

/* The record of @serial in @run, or NULL. Runs hold few enough processes
 * (attribute_fold bounds the exited ones) that a scan from the end (the
 * newest) is quick. */
static struct process *find_serial(struct run *run, uint64_t serial)
{
	for (size_t i = run->nprocs; i-- > 0;)
		if (run->procs[i].serial == serial && !run->procs[i].folded)
			return &run->procs[i];
	return NULL;
}

static int merge_new(struct run *run, const struct process *delta)
{
	struct process *p = run_add_process(run);

	if (!p)
		return -ENOMEM;
	*p = *delta;
	p->stacks = NULL;
	p->nstacks = p->stacks_cap = 0;
	memset(&p->m, 0, sizeof(p->m));
	p->component = -1;
	return process_merge(p, delta);
}

int run_merge(struct run *run, const struct run *delta)
{
	struct process *p;

	if (!run->start)
		run->start = delta->start;
	run->end = delta->end;
	run->seconds += delta->seconds;
	memcpy(run->probe_sched, delta->probe_sched, sizeof(run->probe_sched));
	memcpy(run->probe_sock, delta->probe_sock, sizeof(run->probe_sock));
	run->unavailable = delta->unavailable;
	run->mem_rounds += delta->mem_rounds;
	for (int d = 0; d < DROP_MAX; d++)
		run->drops[d] += delta->drops[d];
	run->profile.hz = delta->profile.hz;
	run->profile.cfi = delta->profile.cfi;
	run->profile.cfi_samples += delta->profile.cfi_samples;
	run->profile.cfi_complete += delta->profile.cfi_complete;
	run->profile.cfi_no_room = delta->profile.cfi_no_room;
	memcpy(run->profile.refused, delta->profile.refused,
	       sizeof(run->profile.refused));
	run->profile.handler_ns += delta->profile.handler_ns;
	run->profile.stopped = delta->profile.stopped;
	run->profile.stopped_after_s = delta->profile.stopped_after_s;
	run->profile.frames += delta->profile.frames;
	run->profile.frames_named += delta->profile.frames_named;
	for (int d = 0; d < PROFILE_DROP_MAX; d++)
		run->profile.drops[d] += delta->profile.drops[d];
	for (size_t i = 0; i < delta->nprocs; i++) {
		p = find_serial(run, delta->procs[i].serial);
		if (p ? process_merge(p, &delta->procs[i]) :
			merge_new(run, &delta->procs[i]))
			return -ENOMEM;
	}
	return 0;
}

void run_finish(struct run *run)
{
	if (run->profile.frames)
		run->profile.symbolized_share = (double)run->profile.frames_named /
						run->profile.frames;
	for (size_t i = 0; i < run->nprocs; i++) {
		struct metrics *m = &run->procs[i].m;

		m->rss_avg_bytes = run->mem_rounds ?
				   m->rss_sum_bytes / run->mem_rounds : 0;
	}
}
