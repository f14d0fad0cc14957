// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the sampler: each read takes the counts out of the kernel's map
 * (and the stacks they name), so the maps hold one read's worth however
 * long sampling runs; the stacks are symbolized and classified here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "array.h"
#include "sampler_int.h"
#include "stacks.h"
#include "symbolize.h"
#include "unwind.h"

struct count *sampler_counts(struct profiler *p, size_t *n, bool drain)
{
	int fd = bpf_map__fd(p->skel->maps.counts);
	struct profile_key *keys = calloc(p->max_counts, sizeof(*keys));
	__u64 *vals = calloc(p->max_counts, sizeof(*vals));
	struct count *out = calloc(p->max_counts, sizeof(*out));
	__u32 batch, cnt;
	size_t i, total = 0;
	int ret = 0;

	while (keys && vals && out && !ret && total < p->max_counts) {
		cnt = p->max_counts - total;
		ret = (drain ? bpf_map_lookup_and_delete_batch :
			       bpf_map_lookup_batch)(fd, total ? &batch : NULL,
						     &batch, keys + total,
						     vals + total, &cnt, NULL);
		total += cnt;
	}
	if (!keys || !vals || !out || (ret && errno != ENOENT)) {
		free(out);
		out = NULL;
	}
	for (i = 0; out && i < total; i++)
		out[i] = (struct count){ keys[i], vals[i] };
	free(keys);
	free(vals);
	*n = out ? total : 0;
	return out;
}

/* Sums a per-CPU array of counters; @prev holds the sums at the last read
 * and gets the new ones, @out what came since. */
static int read_since(struct profiler *p, struct bpf_map *map, uint64_t *prev,
		      uint64_t *out, int n)
{
	__u64 *vals = calloc(p->ncpus, sizeof(*vals));
	uint64_t sum;
	__u32 key;
	int cpu;

	if (!vals)
		return -1;
	for (key = 0; key < (__u32)n; key++) {
		sum = 0;
		if (!bpf_map_lookup_elem(bpf_map__fd(map), &key, vals))
			for (cpu = 0; cpu < p->ncpus; cpu++)
				sum += vals[cpu];
		out[key] = sum - prev[key];
		prev[key] = sum;
	}
	free(vals);
	return 0;
}

static int count_cmp(const void *a, const void *b)
{
	const struct count *x = a, *y = b;

	return x->key.tgid < y->key.tgid ? -1 : x->key.tgid > y->key.tgid;
}

/* Reads stack @id into @ips; the number of frames, 0 for none. */
static size_t read_stack(struct profiler *p, __u64 id, uint64_t *ips)
{
	size_t n = 0;

	if (!(id & PROFILE_STACK_ID_BIT) ||
	    bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.stacks), &id, ips))
		return 0;
	while (n < PROFILE_STACK_DEPTH && ips[n])
		n++;
	return n;
}

/*
 * The stacks of the counts just read go too, so that the map holds the
 * stacks of one read at most. A sample that found its stack a moment
 * before would count it as lost: rare, and counted.
 */
static void drop_stacks(struct profiler *p, const struct count *c, size_t n)
{
	int fd = bpf_map__fd(p->skel->maps.stacks);

	for (size_t i = 0; i < n; i++) {
		bpf_map_delete_elem(fd, &c[i].key.user_stack);
		bpf_map_delete_elem(fd, &c[i].key.kern_stack);
	}
}

static int add_stack(struct profile_proc *proc, const struct stack_desc *d,
		     uint64_t samples)
{
	struct stack_count *sc;

	sc = array_push((void **)&proc->stacks, &proc->nstacks,
			&proc->stacks_cap, sizeof(*sc));
	if (!sc) {
		free(d->folded);
		return -1;
	}
	*sc = (struct stack_count){ d->folded, samples, d->cat };
	proc->samples += samples;
	proc->by_category[d->cat] += samples;
	if (d->unnamed)
		proc->unnamed[d->why] += samples;
	return 0;
}

/* Counts an unnamed leaf against its file, for -v. */
static void note_unnamed(struct profiler *p, const struct stack_desc *d,
			 uint64_t samples)
{
	struct unnamed_file *u;
	size_t i;

	if (!d->unnamed)
		return;
	for (i = 0; i < p->nunnamed; i++) {
		u = &p->unnamed[i];
		if (u->module == d->module && u->why == d->why) {
			u->samples += samples;
			return;
		}
	}
	u = array_push((void **)&p->unnamed, &p->nunnamed, &p->unnamed_cap,
		       sizeof(*u));
	if (u)
		*u = (struct unnamed_file){ d->module, d->why, samples };
}

/* Scratch space for one stack pair. */
struct scratch {
	uint64_t user[PROFILE_STACK_DEPTH];
	uint64_t kern[PROFILE_STACK_DEPTH];
};

static int one_count(struct profiler *p, const struct count *c,
		     struct profile_proc *proc, struct cpu_profile *out,
		     struct scratch *s)
{
	struct stack_pair sp = {
		.tgid = c->key.tgid,
		.user = s->user,
		.user_lost = c->key.user_stack == PROFILE_STACK_LOST,
		.kern = s->kern,
		.kern_lost = c->key.kern_stack == PROFILE_STACK_LOST,
	};
	struct frame_counts fc = { 0 };
	struct stack_desc d;

	sp.nuser = read_stack(p, c->key.user_stack, s->user);
	sp.nkern = read_stack(p, c->key.kern_stack, s->kern);
	if (stack_describe(p->sym, p->cls, &sp, &d, &fc) ||
	    add_stack(proc, &d, c->samples))
		return -1;
	if (p->verbose)
		note_unnamed(p, &d, c->samples);
	out->frames += fc.frames;
	out->frames_symbolized += fc.named;
	out->user_frames += fc.user_frames;
	out->user_frames_symbolized += fc.user_named;
	out->by_category[d.cat] += c->samples;
	out->samples += c->samples;
	return 0;
}

static struct profile_proc *new_proc(struct profiler *p,
				     struct cpu_profile *out, pid_t tgid)
{
	struct profile_proc *proc = &out->procs[out->nprocs++];

	/* Libraries loaded since the capture are found by symbolize_user(),
	 * which captures again when a frame is outside every mapping. */
	if (!symbolize_has(p->sym, tgid))
		symbolize_snapshot(p->sym, tgid);
	proc->tgid = tgid;
	snprintf(proc->comm, sizeof(proc->comm), "%s",
		 symbolize_comm(p->sym, tgid));
	return proc;
}

/* The kernel functions of every stack of @c, learnt in one pass over
 * kallsyms rather than one per stack. */
static void learn_kernel(struct profiler *p, const struct count *c, size_t n,
			 struct scratch *s)
{
	uint64_t *pcs = NULL;
	size_t npcs = 0, cap = 0, k, len;

	for (size_t i = 0; i < n; i++) {
		len = read_stack(p, c[i].key.kern_stack, s->kern);
		for (k = 0; k < len; k++) {
			uint64_t *pc = array_push((void **)&pcs, &npcs, &cap,
						  sizeof(*pc));

			if (!pc)
				goto out;
			*pc = call_site(s->kern, k);
		}
	}
out:
	symbolize_kernel_learn(p->sym, pcs, npcs);
	free(pcs);
}

static int read_samples(struct profiler *p, struct cpu_profile *out)
{
	struct profile_proc *proc = NULL;
	struct scratch *s = malloc(sizeof(*s));
	struct count *c;
	size_t i, n;
	int ret = 0;

	c = sampler_counts(p, &n, true);
	out->procs = calloc(n ? n : 1, sizeof(*out->procs));
	if (!c || !s || !out->procs) {
		ret = -1;
		n = 0;
	}
	if (n) {
		qsort(c, n, sizeof(*c), count_cmp);
		learn_kernel(p, c, n, s);
	}
	for (i = 0; i < n && !ret; i++) {
		if (!proc || proc->tgid != (pid_t)c[i].key.tgid)
			proc = new_proc(p, out, c[i].key.tgid);
		ret = one_count(p, &c[i], proc, out, s);
	}
	drop_stacks(p, c, n);
	/* Different stack ids can fold to the same names (a frame one byte
	 * apart in the same function). */
	for (i = 0; i < out->nprocs; i++)
		stacks_merge(out->procs[i].stacks, &out->procs[i].nstacks);
	free(c);
	free(s);
	return ret;
}

static void report_symbols(const struct cpu_profile *out,
			   const struct symbolize_stats *st)
{
	fprintf(stderr,
		"meshprof: %llu frames, %llu symbolized (user %llu of %llu); %llu ELF files read, %llu cache hits, %llu unreadable\n",
		(unsigned long long)out->frames,
		(unsigned long long)out->frames_symbolized,
		(unsigned long long)out->user_frames_symbolized,
		(unsigned long long)out->user_frames,
		(unsigned long long)st->elf_loaded,
		(unsigned long long)st->elf_cache_hits,
		(unsigned long long)st->elf_unreadable);
}

static void report_inlines(const struct symbolize_stats *st)
{
	fprintf(stderr,
		"meshprof: stripped files without debug file %llu; debug files found %llu (debuginfod %llu); DWARF of %llu files read for inlined calls: %llu units indexed (%llu cut short), %llu scopes, %.3f s, %llu addresses\n",
		(unsigned long long)st->elf_stripped,
		(unsigned long long)(st->debug_local + st->debug_remote),
		(unsigned long long)st->debug_remote,
		(unsigned long long)st->dwarf_files,
		(unsigned long long)st->dwarf_units,
		(unsigned long long)st->dwarf_units_cut,
		(unsigned long long)st->dwarf_scopes, st->dwarf_index_s,
		(unsigned long long)st->dwarf_lookups);
}

/* Once, after the last read: which files left samples unnamed. */
static void report_unnamed(const struct profiler *p)
{
	const struct unnamed_file *u;

	for (size_t i = 0; i < p->nunnamed; i++) {
		u = &p->unnamed[i];
		fprintf(stderr, "meshprof: %llu samples unnamed in %s: %s%s%s\n",
			(unsigned long long)u->samples,
			u->module ? u->module : "no file", unnamed_text(u->why),
			u->why == UNNAMED_STRIPPED ? " in " : "",
			u->why == UNNAMED_STRIPPED ?
			symbolize_debug_where(p->sym) : "");
	}
}

static void report_cfi(const struct unwind_stats *st)
{
	fprintf(stderr,
		"meshprof: CFI of %llu files loaded, %llu rows of %llu, for %llu process descriptions; %llu files without usable CFI\n",
		(unsigned long long)st->files, (unsigned long long)st->rows,
		(unsigned long long)st->max_rows,
		(unsigned long long)st->procs,
		(unsigned long long)st->failed);
}

/* Files left unread for being over a cap or malformed: their frames are
 * walked by frame pointers and their functions go unnamed. */
static void report_refused(const uint64_t *refused)
{
	for (int r = 0; r < REFUSE_MAX; r++)
		if (refused[r])
			fprintf(stderr, "meshprof: %llu files refused: %s\n",
				(unsigned long long)refused[r],
				refusal_name(r));
}

/* Files refused so far, symbols and CFI alike. */
static void count_refusals(struct profiler *p, uint64_t *refused)
{
	const struct symbolize_stats *st = symbolize_stats(p->sym);

	for (int r = 0; r < REFUSE_MAX; r++)
		refused[r] = st->refused[r] +
			     (p->unw ? unwinder_stats(p->unw)->refused[r] : 0);
}

int profile_read(struct profiler *p, struct cpu_profile *out)
{
	uint64_t totals[PROFILE_TOTAL_MAX];
	struct timespec now;

	memset(out, 0, sizeof(*out));
	if (p->stopped)
		now = p->stop;
	else
		clock_gettime(CLOCK_MONOTONIC, &now);
	out->frequency_hz = p->hz;
	out->period_ns = 1000000000ULL / p->hz;
	out->window_s = seconds_between(&p->read, &now);
	p->read = now;
	if (read_since(p, p->skel->maps.totals, p->totals, totals,
		       PROFILE_TOTAL_MAX) ||
	    read_since(p, p->skel->maps.drops, p->drops, out->drops,
		       PROFILE_DROP_MAX))
		return -1;
	out->seen = totals[PROFILE_SEEN];
	out->idle = totals[PROFILE_IDLE];
	out->filtered = totals[PROFILE_FILTERED];
	out->cfi = totals[PROFILE_CFI];
	out->cfi_complete = totals[PROFILE_CFI_COMPLETE];
	out->handler_ns = totals[PROFILE_HANDLER_NS];
	out->stopped_after_s = p->overloaded ? p->stopped_after_s : -1;
	out->cfi_on = p->unw != NULL;
	out->cfi_no_room = p->unw ? unwinder_stats(p->unw)->no_room : 0;
	count_refusals(p, out->refused);
	if (read_samples(p, out))
		return -1;
	if (p->verbose) {
		report_symbols(out, symbolize_stats(p->sym));
		report_inlines(symbolize_stats(p->sym));
	}
	if (p->verbose && p->stopped)
		report_unnamed(p);
	if (p->verbose && p->unw)
		report_cfi(unwinder_stats(p->unw));
	if (p->verbose)
		report_refused(out->refused);
	return 0;
}

void cpu_profile_free(struct cpu_profile *cp)
{
	size_t i, j;

	if (!cp)
		return;
	for (i = 0; i < cp->nprocs; i++) {
		for (j = 0; j < cp->procs[i].nstacks; j++)
			free(cp->procs[i].stacks[j].frames);
		free(cp->procs[i].stacks);
	}
	free(cp->procs);
	memset(cp, 0, sizeof(*cp));
}
