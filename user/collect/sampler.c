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

#include "array.h"
#include "bpfload.h"
#include "sampler_int.h"
#include "stacks.h"
#include "symbolize.h"
#include "unwind.h"

/* The counts and the stacks they name are drained at every read (once a
 * second): room for a second's distinct stacks on a busy node. */
#define DEFAULT_MAX_TGIDS 4096
#define DEFAULT_MAX_DESCRIBED 2048	/* processes with CFI descriptions:
					 * 2 KiB each */
#define DEFAULT_MAX_STACKS 8192
#define DEFAULT_MAX_COUNTS 16384
#define DEFAULT_MAX_CFI_ROWS (1u << 20)
#define SCAN_INTERVAL_S 1	/* for newly sampled processes */

/* What the captured set knows of a process. */
enum capture {
	CAPTURED = 1,		/* sampled: described when first seen */
	CAPTURED_MESH = 2,	/* of interest: its CFI has room kept for it */
};

/* 1 when @tgid is new to the set, 0 when known, -1 out of memory. */
static int captured_add(struct profiler *p, pid_t tgid, enum capture how)
{
	int was = pidmap_get(&p->captured, tgid);

	if (was >= (int)how)
		return 0;
	if (pidmap_set(&p->captured, tgid, how))
		return -1;
	return was < 0;
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
	p->online = online;
	if (p->verbose)
		fprintf(stderr, "meshprof: sampling %d CPUs at %u Hz\n",
			online, p->hz);
	return 0;
}

/* Snapshots @tgid's maps for symbols and gives its CFI to the sampler. */
static void describe(struct profiler *p, pid_t tgid)
{
	const struct unwind_stats *st;

	if (symbolize_snapshot(p->sym, tgid) || !p->unw)
		return;
	unwinder_add(p->unw, p->sym, tgid,
		     pidmap_get(&p->captured, tgid) == CAPTURED_MESH);
	st = unwinder_stats(p->unw);
	if (st->no_room && !p->said_full) {
		fprintf(stderr, "meshprof: the CFI rows map is full (%llu rows, half kept for mesh processes): files loaded from now on are walked by frame pointers\n",
			(unsigned long long)st->max_rows);
		p->said_full = true;
	}
}

/* The processes known at start: in the filter when there is one, and
 * described now, so that their tables are not built inside the window. */
static int fill_filter(struct profiler *p, const struct profile_opts *o)
{
	size_t i;

	for (i = 0; i < o->ntgids; i++) {
		if (profile_allow(p, o->tgids[i]))
			return -1;
		captured_add(p, o->tgids[i], CAPTURED_MESH);
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

unsigned int profile_max_hz(int ncpus, char *why, size_t why_len)
{
	int kernel = read_int_file("/proc/sys/kernel/perf_event_max_sample_rate",
				   0);
	unsigned int node = PROFILE_MAX_NODE_HZ / (ncpus > 0 ? ncpus : 1);
	unsigned int max = PROFILE_MAX_HZ < node ? PROFILE_MAX_HZ : node;

	if (kernel > 0 && (unsigned int)kernel < max)
		max = kernel;
	snprintf(why, why_len,
		 "meshprof samples at most %u Hz per CPU and %u samples a second over this node's %d CPUs; kernel.perf_event_max_sample_rate is %d",
		 PROFILE_MAX_HZ, PROFILE_MAX_NODE_HZ, ncpus, kernel);
	return max;
}

static int check_frequency(unsigned int hz, char *err, size_t err_len)
{
	char why[256];
	unsigned int max = profile_max_hz(sysconf(_SC_NPROCESSORS_ONLN), why,
					  sizeof(why));

	if (hz > 0 && hz <= max)
		return 0;
	snprintf(err, err_len,
		 "sampling frequency %u Hz is outside 1..%u (%s)", hz, max, why);
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
	bpf_map__set_max_entries(skel->maps.unwind_procs,
				 tgids < DEFAULT_MAX_DESCRIBED ? tgids :
				 DEFAULT_MAX_DESCRIBED);
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
	/* Tests lower the bound to see the sampler stop itself. */
	p->max_share = getenv("MESHPROF_TEST_SAMPLER_BOUND") ?
		       atof(getenv("MESHPROF_TEST_SAMPLER_BOUND")) :
		       PROFILE_MAX_SHARE;
	p->filter = o->only_tgids;
	p->verbose = o->verbose;
	p->ncpus = libbpf_num_possible_cpus();
	if (check_frequency(p->hz, err, err_len) ||
	    load_rules(p, o, err, err_len))
		return -1;
	p->sym = symbolizer_new(&(struct symbolizer_opts){
		.debug_dirs = o->debug_dirs,
		.ndebug_dirs = o->ndebug_dirs,
		.no_inline = o->no_inline,
	});
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
	p->read = p->cost_at = p->start;
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

/* Processes sampled for the first time, described while they live. */
static void describe_new(struct profiler *p)
{
	struct count *c;
	size_t i, n;

	c = sampler_counts(p, &n, false);
	for (i = 0; c && i < n; i++)
		if (captured_add(p, c[i].key.tgid, CAPTURED) == 1)
			describe(p, c[i].key.tgid);
	free(c);
}

/* The handler's time in all CPUs since the start. */
static uint64_t handler_ns(struct profiler *p)
{
	__u64 *vals = calloc(p->ncpus, sizeof(*vals)), sum = 0;
	__u32 key = PROFILE_HANDLER_NS;

	if (vals && !bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.totals),
					 &key, vals))
		for (int cpu = 0; cpu < p->ncpus; cpu++)
			sum += vals[cpu];
	free(vals);
	return sum;
}

/*
 * Stops sampling, said once on stderr, when the handler took more than
 * PROFILE_MAX_SHARE of the node's CPU time since the last check: the
 * profile then covers the window up to here. The events are disabled;
 * what they counted is still read.
 */
static void check_cost(struct profiler *p, const struct timespec *now)
{
	double wall = seconds_between(&p->cost_at, now) * p->online;
	uint64_t ns = handler_ns(p);
	double share;
	int cpu;

	/* Over a second or so, not the first moments. */
	if (p->overloaded || seconds_between(&p->cost_at, now) < 0.5)
		return;
	share = (ns - p->cost_ns) / 1e9 / wall;
	p->cost_ns = ns;
	p->cost_at = *now;
	if (share <= p->max_share)
		return;
	for (cpu = 0; cpu < p->ncpus; cpu++)
		if (p->pfds[cpu] >= 0)
			ioctl(p->pfds[cpu], PERF_EVENT_IOC_DISABLE, 0);
	p->overloaded = true;
	p->stopped_after_s = seconds_between(&p->start, now);
	fprintf(stderr, "meshprof: the CPU profile took %.1f%% of the CPUs over the last second, more than its bound (%g%%): sampling stopped %.1f s into the window, which the profile covers\n",
		share * 100, p->max_share * 100, p->stopped_after_s);
}

void profile_poll(struct profiler *p)
{
	struct timespec now;

	/* A process that has just exec'd or loaded a library is walked by
	 * frame pointers until described again: do it at once. */
	if (p->unw)
		refresh_stale(p);
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec < p->next_scan.tv_sec ||
	    (now.tv_sec == p->next_scan.tv_sec &&
	     now.tv_nsec < p->next_scan.tv_nsec))
		return;
	describe_new(p);
	check_cost(p, &now);
	p->next_scan = now;
	p->next_scan.tv_sec += SCAN_INTERVAL_S;
}

void profile_snapshot(struct profiler *p, pid_t pid)
{
	captured_add(p, pid, CAPTURED_MESH);
	describe(p, pid);
}

void profile_inherit(struct profiler *p, pid_t child, pid_t parent)
{
	captured_add(p, child, CAPTURED_MESH);
	if (symbolize_inherit(p->sym, child, parent) || !p->unw)
		return;
	unwinder_add(p->unw, p->sym, child, true);
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

struct bpf_object *profile_object(const struct profiler *p)
{
	return p->skel ? p->skel->obj : NULL;
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
	free(p->unnamed);
	free(p->pfds);
	free(p->links);
	free(p);
}

uint64_t profile_memlock(const struct profiler *p)
{
	return bpfload_memlock(p->skel->obj);
}
