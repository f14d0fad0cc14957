// SPDX-License-Identifier: GPL-2.0
/*
 * The CPU sampler's user side: one software cpu-clock perf event per CPU
 * runs profile.bpf.c, which counts (tgid, user stack, kernel stack) in the
 * kernel. At the end the counts are read once, the stacks symbolized
 * (symbolize.c) and classified (classify.c) per process.
 *
 * For cpu-clock the kernel turns a frequency into a fixed period of
 * NSEC_PER_SEC / frequency nanoseconds (perf_swevent_init_hrtimer), so
 * every sample stands for exactly that much CPU time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpfload.h"
#include "pidmap.h"
#include "profile.skel.h"
#include "sampler.h"
#include "stacks.h"
#include "symbolize.h"
#include "unwind.h"

#define DEFAULT_MAX_TGIDS 4096
#define DEFAULT_MAX_STACKS 16384
#define DEFAULT_MAX_COUNTS 32768
#define DEFAULT_MAX_CFI_ROWS (1u << 20)

struct profiler {
	struct profile_bpf *skel;
	int *pfds;			/* per CPU, -1 when offline */
	struct bpf_link **links;
	int ncpus;
	unsigned int hz;
	unsigned int max_counts;
	bool filter;
	bool stopped;
	bool verbose;
	struct timespec start, stop;	/* of the window, and of its last read */
	struct timespec read;
	struct symbolizer *sym;
	struct unwinder *unw;		/* NULL: frame pointers only */
	struct classifier *cls;
	struct pidmap captured;		/* tgids whose maps are captured */
	uint64_t totals[PROFILE_TOTAL_MAX];	/* at the last read */
	uint64_t drops[PROFILE_DROP_MAX];
};

/* One entry of the counts map. */
struct count {
	struct profile_key key;
	uint64_t samples;
};

/* 1 when @tgid is new to the set, 0 when known, -1 out of memory. */
static int captured_add(struct profiler *p, pid_t tgid)
{
	if (pidmap_get(&p->captured, tgid) >= 0)
		return 0;
	return pidmap_set(&p->captured, tgid, 1) ? -1 : 1;
}

static int read_int_file(const char *path, int def)
{
	FILE *f = fopen(path, "re");
	int v = def;

	if (!f)
		return def;
	if (fscanf(f, "%d", &v) != 1)
		v = def;
	fclose(f);
	return v;
}

static long perf_event_open(struct perf_event_attr *attr, int cpu)
{
	return syscall(__NR_perf_event_open, attr, -1, cpu, -1,
		       PERF_FLAG_FD_CLOEXEC);
}

static void perf_open_error(int cpu, int err, char *msg, size_t len)
{
	int paranoid = read_int_file("/proc/sys/kernel/perf_event_paranoid",
				     2);

	if (err == EACCES || err == EPERM)
		snprintf(msg, len,
			 "perf_event_open (cpu-clock, CPU %d): %s: sampling every CPU needs CAP_PERFMON (root has it) or kernel.perf_event_paranoid <= 0 (it is %d)",
			 cpu, strerror(err), paranoid);
	else if (err == ENOENT || err == EOPNOTSUPP)
		snprintf(msg, len,
			 "perf_event_open (cpu-clock, CPU %d): %s: this kernel has no software cpu-clock event (CONFIG_PERF_EVENTS)",
			 cpu, strerror(err));
	else
		snprintf(msg, len, "perf_event_open (cpu-clock, CPU %d): %s",
			 cpu, strerror(err));
}

/*
 * Opens one event per CPU, disabled: libbpf enables each as it attaches.
 * Done before loading the sampler, so that missing permission is reported
 * in terms of perf events.
 */
static int open_events(struct profiler *p, char *err, size_t err_len)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.freq = 1,
		.sample_freq = p->hz,
		.disabled = 1,
	};
	int cpu, fd;

	for (cpu = 0; cpu < p->ncpus; cpu++) {
		fd = perf_event_open(&attr, cpu);
		if (fd < 0 && errno == ENODEV)
			continue;	/* offline CPU */
		if (fd < 0) {
			perf_open_error(cpu, errno, err, err_len);
			return -1;
		}
		p->pfds[cpu] = fd;
	}
	return 0;
}

static int attach_cpus(struct profiler *p, char *err, size_t err_len)
{
	int cpu, online = 0;

	for (cpu = 0; cpu < p->ncpus; cpu++) {
		if (p->pfds[cpu] < 0)
			continue;
		p->links[cpu] = bpf_program__attach_perf_event(
			p->skel->progs.sample, p->pfds[cpu]);
		if (!p->links[cpu]) {
			snprintf(err, err_len,
				 "attaching the sampler to CPU %d: %s", cpu,
				 strerror(errno));
			return -1;
		}
		online++;
	}
	if (p->verbose)
		fprintf(stderr, "meshprof: sampling %d CPUs at %u Hz\n",
			online, p->hz);
	return 0;
}

/* Snapshots @tgid's maps for symbols and gives its CFI to the sampler. */
static void describe(struct profiler *p, pid_t tgid)
{
	if (symbolize_snapshot(p->sym, tgid))
		return;
	if (p->unw)
		unwinder_add(p->unw, p->sym, tgid);
}

/* The processes known at start: in the filter when there is one, and
 * described now, so that their tables are not built inside the window. */
static int fill_filter(struct profiler *p, const struct profile_opts *o)
{
	size_t i;

	for (i = 0; i < o->ntgids; i++) {
		if (profile_allow(p, o->tgids[i]))
			return -1;
		captured_add(p, o->tgids[i]);
		describe(p, o->tgids[i]);
	}
	return 0;
}

static int load_rules(struct profiler *p, const struct profile_opts *o,
		      char *err, size_t err_len)
{
	p->cls = classifier_new();
	if (!p->cls) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	if (o->categories &&
	    classifier_load(p->cls, o->categories, err, err_len))
		return -1;
	return classifier_add_builtin(p->cls, err, err_len);
}

static int check_frequency(unsigned int hz, char *err, size_t err_len)
{
	int max = read_int_file("/proc/sys/kernel/perf_event_max_sample_rate",
				0);

	if (hz > 0 && (max <= 0 || hz <= (unsigned int)max))
		return 0;
	snprintf(err, err_len,
		 "sampling frequency %u Hz is outside 1..%d (kernel.perf_event_max_sample_rate)",
		 hz, max);
	return -1;
}

static int load_sampler(struct profiler *p, const struct profile_opts *o,
			bool cfi)
{
	struct profile_bpf *skel = profile_bpf__open();
	unsigned int tgids = o->max_tgids ? o->max_tgids : DEFAULT_MAX_TGIDS;
	unsigned int rows = o->max_cfi_rows ? o->max_cfi_rows :
					      DEFAULT_MAX_CFI_ROWS;
	int ret;

	if (!skel)
		return -errno;
	p->skel = skel;
	skel->rodata->filter_tgids = p->filter;
	skel->rodata->cfi_unwind = cfi;
	bpf_map__set_max_entries(skel->maps.allowed_tgids, tgids);
	bpf_map__set_max_entries(skel->maps.stacks,
				 o->max_stacks ? o->max_stacks : DEFAULT_MAX_STACKS);
	bpf_map__set_max_entries(skel->maps.counts, p->max_counts);
	bpf_map__set_max_entries(skel->maps.unwind_procs, tgids);
	bpf_map__set_max_entries(skel->maps.unwind_stale, tgids);
	bpf_map__set_max_entries(skel->maps.unwind_rows, cfi ? rows : 1);
	bpfload_capture_begin();
	ret = profile_bpf__load(skel);
	bpfload_capture_end();
	if (ret) {
		profile_bpf__destroy(skel);
		p->skel = NULL;
		return ret;
	}
	if (cfi)
		p->unw = unwinder_new(bpf_map__fd(skel->maps.unwind_rows), rows,
				      bpf_map__fd(skel->maps.unwind_procs));
	return cfi && !p->unw ? -ENOMEM : 0;
}

/* The CFI walk needs bpf_loop (5.17+) in perf_event programs. */
static bool cfi_possible(const struct profiler *p)
{
	if (libbpf_probe_bpf_helper(BPF_PROG_TYPE_PERF_EVENT, BPF_FUNC_loop,
				    NULL) > 0)
		return true;
	if (p->verbose)
		fprintf(stderr, "meshprof: this kernel has no bpf_loop: user stacks by frame pointers\n");
	return false;
}

/*
 * Loads the sampler with the CFI walk where the kernel can run it. A
 * kernel that has what the walk needs and still rejects it is said on
 * stderr: stacks by frame pointers are much shorter.
 */
static int open_sampler(struct profiler *p, const struct profile_opts *o,
			char *err, size_t err_len)
{
	struct load_failure f;
	bool cfi = !o->no_cfi && cfi_possible(p);
	int ret;

	p->max_counts = o->max_counts ? o->max_counts : DEFAULT_MAX_COUNTS;
	ret = load_sampler(p, o, cfi);
	if (ret && cfi) {
		bpfload_failure(ret, &f);
		bpfload_describe(&f, ret, err, err_len);
		fprintf(stderr, "meshprof: the CFI stack walk did not load: %s; user stacks by frame pointers\n",
			err);
		ret = load_sampler(p, o, false);
	}
	if (ret) {
		bpfload_failure(ret, &f);
		bpfload_describe(&f, ret, err, err_len);
		return -1;
	}
	if (fill_filter(p, o)) {
		snprintf(err, err_len,
			 "more processes to sample than the filter holds (%u)",
			 bpf_map__max_entries(p->skel->maps.allowed_tgids));
		return -1;
	}
	return 0;
}

static int start(struct profiler *p, const struct profile_opts *o,
		 char *err, size_t err_len)
{
	int cpu;

	p->hz = o->frequency_hz ? o->frequency_hz : PROFILE_DEFAULT_HZ;
	p->filter = o->only_tgids;
	p->verbose = o->verbose;
	p->ncpus = libbpf_num_possible_cpus();
	if (check_frequency(p->hz, err, err_len) ||
	    load_rules(p, o, err, err_len))
		return -1;
	p->sym = symbolizer_new(NULL);
	if (p->ncpus > 0) {
		p->pfds = malloc(p->ncpus * sizeof(*p->pfds));
		p->links = calloc(p->ncpus, sizeof(*p->links));
	}
	for (cpu = 0; p->pfds && cpu < p->ncpus; cpu++)
		p->pfds[cpu] = -1;
	if (!p->sym || !p->pfds || !p->links) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	if (open_events(p, err, err_len) || open_sampler(p, o, err, err_len))
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	p->read = p->start;
	return attach_cpus(p, err, err_len);
}

int profile_start(struct profiler **pp, const struct profile_opts *o,
		  char *err, size_t err_len)
{
	struct profiler *p = calloc(1, sizeof(*p));

	*pp = NULL;
	if (!p) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	if (start(p, o, err, err_len)) {
		profile_free(p);
		return -1;
	}
	*pp = p;
	return 0;
}

int profile_allow(struct profiler *p, pid_t tgid)
{
	__u32 key = tgid;
	__u8 one = 1;

	if (!p->filter)
		return 0;
	return bpf_map_update_elem(bpf_map__fd(p->skel->maps.allowed_tgids),
				   &key, &one, BPF_ANY) ? -1 : 0;
}

/* Every entry of the counts map, in one or a few syscalls; with @drain,
 * taken out of the map too. */
static struct count *read_counts(struct profiler *p, size_t *n, bool drain)
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

/* Describes again the processes the sampler found out of date; at most
 * one pass over the map, as the sampler may mark them again meanwhile. */
static void refresh_stale(struct profiler *p)
{
	int fd = bpf_map__fd(p->skel->maps.unwind_stale);
	__u32 cap = bpf_map__max_entries(p->skel->maps.unwind_stale);
	__u32 *keys = malloc(cap * sizeof(*keys)), n = 0, i;

	if (!keys)
		return;
	while (n < cap && !bpf_map_get_next_key(fd, n ? &keys[n - 1] : NULL,
						&keys[n]))
		n++;
	for (i = 0; i < n; i++) {
		bpf_map_delete_elem(fd, &keys[i]);
		describe(p, keys[i]);
	}
	free(keys);
}

void profile_poll(struct profiler *p)
{
	struct count *c;
	size_t i, n;

	if (p->unw)
		refresh_stale(p);
	c = read_counts(p, &n, false);
	for (i = 0; c && i < n; i++)
		if (captured_add(p, c[i].key.tgid) == 1)
			describe(p, c[i].key.tgid);
	free(c);
}

void profile_snapshot(struct profiler *p, pid_t pid)
{
	captured_add(p, pid);
	describe(p, pid);
}

void profile_forget(struct profiler *p, pid_t pid)
{
	__u32 key = pid;

	pidmap_del(&p->captured, pid);
	symbolize_forget(p->sym, pid);
	if (p->unw)
		unwinder_forget(p->unw, pid);
	if (p->filter)
		bpf_map_delete_elem(bpf_map__fd(p->skel->maps.allowed_tgids),
				    &key);
}

int profile_stop(struct profiler *p)
{
	int cpu;

	if (p->stopped || !p->links || !p->pfds)
		return 0;
	for (cpu = 0; cpu < p->ncpus; cpu++)
		if (p->pfds[cpu] >= 0)
			ioctl(p->pfds[cpu], PERF_EVENT_IOC_DISABLE, 0);
	clock_gettime(CLOCK_MONOTONIC, &p->stop);
	for (cpu = 0; cpu < p->ncpus; cpu++) {
		/* Destroying a link closes its perf event too. */
		if (p->links[cpu])
			bpf_link__destroy(p->links[cpu]);
		else if (p->pfds[cpu] >= 0)
			close(p->pfds[cpu]);
		p->links[cpu] = NULL;
		p->pfds[cpu] = -1;
	}
	p->stopped = true;
	return 0;
}

/* ---- reading ---- */

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

static int add_stack(struct profile_proc *proc, char *folded,
		     uint64_t samples, enum cpu_category cat)
{
	struct profile_stack *grown;

	grown = realloc(proc->stacks, (proc->nstacks + 1) * sizeof(*grown));
	if (!grown) {
		free(folded);
		return -1;
	}
	proc->stacks = grown;
	proc->stacks[proc->nstacks++] = (struct profile_stack){
		folded, samples, cat,
	};
	proc->samples += samples;
	proc->by_category[cat] += samples;
	return 0;
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
	enum cpu_category cat;
	char *folded;

	sp.nuser = read_stack(p, c->key.user_stack, s->user);
	sp.nkern = read_stack(p, c->key.kern_stack, s->kern);
	if (stack_describe(p->sym, p->cls, &sp, &folded, &cat, &fc) ||
	    add_stack(proc, folded, c->samples, cat))
		return -1;
	out->frames += fc.frames;
	out->frames_symbolized += fc.named;
	out->user_frames += fc.user_frames;
	out->user_frames_symbolized += fc.user_named;
	out->by_category[cat] += c->samples;
	out->samples += c->samples;
	return 0;
}

static int stack_cmp(const void *a, const void *b)
{
	const struct profile_stack *x = a, *y = b;
	int d = strcmp(x->folded, y->folded);

	return d ? d : (int)x->category - (int)y->category;
}

/* Different stack ids can fold to the same names (a frame one byte apart
 * in the same function): merge them. */
static void merge_stacks(struct profile_proc *proc)
{
	size_t i, n = 0;

	if (!proc->nstacks)
		return;
	qsort(proc->stacks, proc->nstacks, sizeof(*proc->stacks), stack_cmp);
	for (i = 0; i < proc->nstacks; i++) {
		if (n && !stack_cmp(&proc->stacks[n - 1], &proc->stacks[i])) {
			proc->stacks[n - 1].samples += proc->stacks[i].samples;
			free(proc->stacks[i].folded);
			continue;
		}
		proc->stacks[n++] = proc->stacks[i];
	}
	proc->nstacks = n;
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

static int read_samples(struct profiler *p, struct cpu_profile *out)
{
	struct profile_proc *proc = NULL;
	struct scratch *s = malloc(sizeof(*s));
	struct count *c;
	size_t i, n;
	int ret = 0;

	c = read_counts(p, &n, true);
	out->procs = calloc(n ? n : 1, sizeof(*out->procs));
	if (!c || !s || !out->procs) {
		ret = -1;
		n = 0;
	}
	if (n)
		qsort(c, n, sizeof(*c), count_cmp);
	for (i = 0; i < n && !ret; i++) {
		if (!proc || proc->tgid != (pid_t)c[i].key.tgid)
			proc = new_proc(p, out, c[i].key.tgid);
		ret = one_count(p, &c[i], proc, out, s);
	}
	drop_stacks(p, c, n);
	for (i = 0; i < out->nprocs; i++)
		merge_stacks(&out->procs[i]);
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

static void report_cfi(const struct unwind_stats *st)
{
	fprintf(stderr,
		"meshprof: CFI of %llu files loaded, %llu rows of %llu, for %llu process descriptions; %llu files without usable CFI\n",
		(unsigned long long)st->files, (unsigned long long)st->rows,
		(unsigned long long)st->max_rows,
		(unsigned long long)st->procs,
		(unsigned long long)st->failed);
}

static double seconds_between(const struct timespec *a,
			      const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) + (b->tv_nsec - a->tv_nsec) / 1e9;
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
	out->cfi_on = p->unw != NULL;
	if (read_samples(p, out))
		return -1;
	if (p->verbose)
		report_symbols(out, symbolize_stats(p->sym));
	if (p->verbose && p->unw)
		report_cfi(unwinder_stats(p->unw));
	return 0;
}

void cpu_profile_free(struct cpu_profile *cp)
{
	size_t i, j;

	if (!cp)
		return;
	for (i = 0; i < cp->nprocs; i++) {
		for (j = 0; j < cp->procs[i].nstacks; j++)
			free(cp->procs[i].stacks[j].folded);
		free(cp->procs[i].stacks);
	}
	free(cp->procs);
	memset(cp, 0, sizeof(*cp));
}

void profile_free(struct profiler *p)
{
	if (!p)
		return;
	profile_stop(p);
	profile_bpf__destroy(p->skel);
	unwinder_free(p->unw);
	symbolizer_free(p->sym);
	classifier_free(p->cls);
	pidmap_free(&p->captured);
	free(p->pfds);
	free(p->links);
	free(p);
}
