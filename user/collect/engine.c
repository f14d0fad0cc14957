// SPDX-License-Identifier: GPL-2.0
/*
 * The collector engine (engine.h). The kernel's maps hold each process's
 * numbers since it was first counted; the engine keeps what it handed
 * over last, so every read gives what came since. A process that exits is
 * read one last time 200 ms after its exit event (after its last context
 * switch), its entries are deleted, and after that read it is forgotten.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/libbpf.h>
#include "array.h"
#include "clock.h"
#include "engine.h"
#include "kubelet.h"
#include "peerfeed.h"
#include "pidmap.h"
#include "procfs.h"
#include "procinfo.h"
#include "sampler.h"

/* An exited process's last context switch comes after its exit event:
 * read its counters only after this long. */
#define EXIT_GRACE_NS 200000000ULL
#define MEM_SAMPLE_NS 1000000000ULL

/* The kernel's cumulative latency numbers of one measure, as last read. */
struct lat_prev {
	uint32_t slots[LAT_SLOTS];
	uint64_t sum_ns, max_ns;
};

/* An exit waiting for its process's last read. */
struct exit_entry {
	size_t idx;
	uint64_t serial;
};

/* A process the engine knows, and what it handed over of it. */
struct tracked {
	struct process p;		/* identity; p.m and p.stacks gather
					 * the current interval */
	bool used;
	bool of_interest;		/* in a pod or matched by a rule */
	bool pending;			/* exited, final numbers not read */
	bool done;			/* final numbers read: forget it */
	bool active;			/* did something since the last read */
	uint64_t prev[NKCOUNTERS];
	uint32_t prev_runq[MAX_SLOTS];
	struct lat_prev *prev_lat[LAT_KINDS];
};

struct engine {
	struct engine_opts opts;
	struct accounting *acct;
	struct accounting_probes probes;
	struct peer_feed *peers;
	struct ring_buffer *rb;
	struct profiler *prof;
	struct tracked *procs;
	size_t nprocs, procs_cap;
	size_t *free_slots;
	size_t nfree, free_cap;
	struct pidmap index;		/* pid -> slot of its latest holder */
	struct exit_entry *exits;	/* in the order of their events */
	size_t nexits, exits_cap, exits_head;
	struct kubelet_index kubelet;	/* pod names */
	uint64_t serials;
	uint64_t drops[DROP_MAX];	/* at the last read */
	uint64_t mem_rounds;		/* in the current interval */
	uint64_t next_mem_ns;
	uint64_t opened_ns;		/* the window opened */
	uint64_t read_ns;		/* the last read, or the start */
	double read_real;
	bool stopped, credited;
	uint64_t stop_ns;
	double stop_real;
	struct cpu_slice *slices;
	int err;			/* set by callbacks: -ENOMEM */
};

static double real_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the processes the engine knows ---- */

/* Puts slot @idx, unused, on the free list (out of memory: it stays
 * unused, which only wastes it). */
static void release_slot(struct engine *e, size_t idx)
{
	size_t *slot = array_push((void **)&e->free_slots, &e->nfree,
				  &e->free_cap, sizeof(*slot));

	memset(&e->procs[idx], 0, sizeof(e->procs[idx]));
	if (slot)
		*slot = idx;
}

static struct tracked *slot_new(struct engine *e, uint32_t pid)
{
	struct tracked *t;
	size_t idx;

	if (e->nfree) {
		idx = e->free_slots[--e->nfree];
		t = &e->procs[idx];
	} else {
		t = array_push((void **)&e->procs, &e->nprocs, &e->procs_cap,
			       sizeof(*t));
		if (!t)
			return NULL;
		idx = t - e->procs;
	}
	if (pidmap_set(&e->index, pid, idx)) {
		release_slot(e, idx);
		return NULL;
	}
	t->used = true;
	t->p.pid = pid;
	t->p.serial = ++e->serials;
	t->p.component = -1;
	return t;
}

/* What the sockets' peers, the profile and memory sampling do with a
 * process's identity: memory counts only for what MeshMark compares. A
 * forked child (of @parent, else 0) maps what its parent does. */
static void judge(struct engine *e, struct tracked *t, pid_t parent)
{
	struct proc_facts facts;
	const struct rule *r;

	kubelet_name(&e->kubelet, &t->p.pod);
	proc_facts_of(&facts, &t->p);
	r = rules_match(e->opts.rules, &facts);
	peer_feed_process(e->peers, t->p.pid, r, t->p.in_pod);
	t->of_interest = t->p.in_pod || r;
	if (!e->prof || !t->of_interest)
		return;
	/* Others are described when first sampled (profile_poll). */
	profile_allow(e->prof, t->p.pid);
	if (parent)
		profile_inherit(e->prof, t->p.pid, parent);
	else
		profile_snapshot(e->prof, t->p.pid);
}

/* Identity from /proc. */
static void identify(struct engine *e, struct tracked *t)
{
	procinfo_fill(&t->p);
	judge(e, t, 0);
}

/* A child is its parent's copy: no /proc reads for the thousands of
 * short processes a busy node forks (exec reads what changes). */
static void inherit(struct engine *e, struct tracked *t,
		    const struct tracked *parent)
{
	memcpy(t->p.exe, parent->p.exe, sizeof(t->p.exe));
	memcpy(t->p.cgroup, parent->p.cgroup, sizeof(t->p.cgroup));
	t->p.pod = parent->p.pod;
	t->p.in_pod = parent->p.in_pod;
	judge(e, t, parent->p.pid);
}

static struct tracked *tracked_of(struct engine *e, uint32_t pid)
{
	int idx = pidmap_get(&e->index, pid);
	struct tracked *t;

	if (idx >= 0)
		return &e->procs[idx];
	t = slot_new(e, pid);
	if (t)
		identify(e, t);
	return t;
}

static void slot_free(struct engine *e, struct tracked *t)
{
	size_t idx = t - e->procs;

	if (pidmap_get(&e->index, t->p.pid) == (int)idx) {
		pidmap_del(&e->index, t->p.pid);
		peer_feed_forget(e->peers, t->p.pid);
		if (e->prof)
			profile_forget(e->prof, t->p.pid);
	}
	for (int k = 0; k < LAT_KINDS; k++)
		free(t->prev_lat[k]);
	process_free(&t->p);
	release_slot(e, idx);
}

/* ---- what the kernel's maps say, as differences ---- */

/* Where a reader's numbers go: one known process, or looked up. */
struct read_ctx {
	struct engine *e;
	struct tracked *only;
};

static struct tracked *target(struct read_ctx *rc, uint32_t tgid)
{
	struct tracked *t = rc->only ? rc->only : tracked_of(rc->e, tgid);

	if (!t)
		rc->e->err = -ENOMEM;
	return t;
}

/* What a cumulative count gained since @prev: an entry deleted and made
 * again starts from zero. */
static uint64_t gained(uint64_t now, uint64_t prev)
{
	return now >= prev ? now - prev : now;
}

static void on_counters(void *ctx, uint32_t tgid, const uint64_t *counter)
{
	struct tracked *t = target(ctx, tgid);

	for (int i = 0; t && i < NKCOUNTERS; i++) {
		uint64_t d = gained(counter[i], t->prev[i]);

		t->p.m.kcounter[i] += d;
		t->active |= d != 0;
		t->prev[i] = counter[i];
	}
}

static void on_runq(void *ctx, uint32_t tgid, const uint32_t *slots)
{
	struct tracked *t = target(ctx, tgid);

	for (int i = 0; t && i < MAX_SLOTS; i++) {
		uint64_t d = gained(slots[i], t->prev_runq[i]);

		t->p.m.runq_hist[i] += d;
		t->active |= d != 0;
		t->prev_runq[i] = slots[i];
	}
}

/* The highest value the interval can hold: its own maximum is known only
 * when it raised the running one; else its top bucket bounds it. */
static uint64_t interval_max(const struct latency_hist *h,
			     const struct lat_hist *cum, uint64_t prev_max)
{
	uint64_t lo, hi;

	if (cum->max_ns > prev_max)
		return cum->max_ns;
	for (uint32_t s = LAT_SLOTS; s-- > 0;) {
		if (!h->slots || !h->slots[s])
			continue;
		lat_bounds(s, &lo, &hi);
		return hi - 1 < prev_max ? hi - 1 : prev_max;
	}
	return 0;
}

static void on_lat(void *ctx, uint32_t tgid, enum lat_kind kind,
		   const struct lat_hist *h)
{
	struct read_ctx *rc = ctx;
	struct tracked *t = target(rc, tgid);
	struct latency_hist *dst;
	struct lat_prev *prev;
	uint64_t max;

	if (!t)
		return;
	if (!t->prev_lat[kind] &&
	    !(t->prev_lat[kind] = calloc(1, sizeof(*prev)))) {
		rc->e->err = -ENOMEM;
		return;
	}
	prev = t->prev_lat[kind];
	dst = &t->p.m.lat[kind];
	for (uint32_t s = 0; s < LAT_SLOTS; s++) {
		uint64_t d = gained(h->slots[s], prev->slots[s]);

		if (d && lat_add_slot(dst, s, d))
			rc->e->err = -ENOMEM;
		t->active |= d != 0;
		prev->slots[s] = h->slots[s];
	}
	dst->sum_ns += gained(h->sum_ns, prev->sum_ns);
	max = interval_max(dst, h, prev->max_ns);
	if (max > dst->max_ns)
		dst->max_ns = max;
	prev->sum_ns = h->sum_ns;
	prev->max_ns = h->max_ns;
}

static void harvest(struct engine *e, struct tracked *t)
{
	struct read_ctx rc = { e, t };
	struct accounting_reader r = { on_counters, on_runq, on_lat, &rc };

	accounting_harvest(e->acct, t->p.pid, &r);
	t->pending = false;
	t->done = true;
}

/* The exited processes whose grace has passed (@all: every one), oldest
 * first from the queue of exits; entries already settled are skipped. */
static void sweep_exited(struct engine *e, bool all)
{
	uint64_t now = mono_ns();
	struct exit_entry *x;
	struct tracked *t;

	for (; e->exits_head < e->nexits; e->exits_head++) {
		x = &e->exits[e->exits_head];
		t = &e->procs[x->idx];
		if (!t->used || !t->pending || t->p.serial != x->serial)
			continue;
		if (!all && t->p.exit_ns + EXIT_GRACE_NS > now)
			break;
		harvest(e, t);
	}
	/* Done with the front: the queue holds the last 200 ms of exits. */
	if (e->exits_head == e->nexits) {
		e->exits_head = e->nexits = 0;
	} else if (e->exits_head > 4096) {
		e->nexits -= e->exits_head;
		memmove(e->exits, e->exits + e->exits_head,
			e->nexits * sizeof(*e->exits));
		e->exits_head = 0;
	}
}

/* Queues @t for its last read after its grace. */
static int queue_exit(struct engine *e, struct tracked *t)
{
	struct exit_entry *x = array_push((void **)&e->exits, &e->nexits,
					  &e->exits_cap, sizeof(*x));

	if (!x)
		return -ENOMEM;
	*x = (struct exit_entry){ t - e->procs, t->p.serial };
	return 0;
}

/* @pid was reused: settle the previous holder before a new record. */
static void settle_previous(struct engine *e, uint32_t pid)
{
	int idx = pidmap_get(&e->index, pid);

	if (idx >= 0 && e->procs[idx].pending)
		harvest(e, &e->procs[idx]);
}

/* ---- process lifecycle ---- */

static void set_comm(struct tracked *t, const char *comm)
{
	snprintf(t->p.comm, sizeof(t->p.comm), "%s", comm);
	procfs_clean_comm(t->p.comm);
}

/* The process forked as @pid: its parent's copy when the parent is
 * known, else read from /proc. */
static struct tracked *forked(struct engine *e,
			      const struct lifecycle_event *ev)
{
	int parent = pidmap_get(&e->index, ev->ppid), idx;
	struct tracked *t;

	settle_previous(e, ev->pid);
	/* A read can meet the child (its counters, its samples) before its
	 * fork event: that record is this process's, with what was read. */
	idx = pidmap_get(&e->index, ev->pid);
	t = idx >= 0 && !e->procs[idx].p.exited ? &e->procs[idx] :
						  slot_new(e, ev->pid);
	if (!t)
		return NULL;
	t->p.ppid = ev->ppid;
	set_comm(t, ev->comm);
	/* slot_new may have moved the slots: the parent by index. */
	if (parent >= 0 && !e->procs[parent].p.exited)
		inherit(e, t, &e->procs[parent]);
	else
		identify(e, t);
	return t;
}

static int on_event(void *ctx, void *data, size_t len)
{
	const struct lifecycle_event *ev = data;
	struct engine *e = ctx;
	struct tracked *t;
	int idx;

	if (len < sizeof(*ev))
		return 0;
	switch (ev->kind) {
	case EV_FORK:
		t = forked(e, ev);
		if (!t)
			return -ENOMEM;
		break;
	case EV_EXEC:
		idx = pidmap_get(&e->index, ev->pid);
		t = tracked_of(e, ev->pid);
		if (!t)
			return -ENOMEM;
		set_comm(t, ev->comm);
		/* Known already: only what an exec changes is read. */
		if (idx >= 0) {
			procinfo_exec(&t->p);
			judge(e, t, 0);
		}
		break;
	case EV_EXIT:
		t = tracked_of(e, ev->pid);
		if (!t)
			return -ENOMEM;
		if (!t->p.comm[0])
			set_comm(t, ev->comm);
		t->p.exited = true;
		t->p.exit_ns = ev->ts_ns;
		t->pending = true;
		if (queue_exit(e, t))
			return -ENOMEM;
		break;
	default:
		return 0;
	}
	t->active = true;
	return 0;
}

/* ---- memory and the running tasks ---- */

/* One round of resident-memory samples of the live processes that matter. */
static void sample_memory(struct engine *e)
{
	uint64_t rss;

	for (size_t i = 0; i < e->nprocs; i++) {
		struct tracked *t = &e->procs[i];

		if (!t->used || !t->of_interest || t->p.exited ||
		    procinfo_rss(t->p.pid, &rss))
			continue;
		t->p.m.rss_sum_bytes += rss;
		if (rss > t->p.m.rss_peak_bytes)
			t->p.m.rss_peak_bytes = rss;
		t->active |= rss > 0;
	}
	e->mem_rounds++;
	e->next_mem_ns = mono_ns() + MEM_SAMPLE_NS;
	peer_feed_refresh(e->peers);
}

/* Credits each CPU's current task with its slice up to the window's end:
 * no switch will charge it. */
static void credit_running(struct engine *e)
{
	int n = accounting_slices(e->acct, e->slices);
	struct tracked *t;

	for (int cpu = 0; cpu < n; cpu++) {
		if (!e->slices[cpu].tgid || e->slices[cpu].since_ns >= e->stop_ns)
			continue;
		t = tracked_of(e, e->slices[cpu].tgid);
		if (!t)
			continue;
		t->p.m.cpu_ns += e->stop_ns - e->slices[cpu].since_ns;
		t->active = true;
	}
	e->credited = true;
}

/* ---- the CPU profile ---- */

static void profile_into(struct engine *e, const struct profile_proc *pp)
{
	struct tracked *t = tracked_of(e, pp->tgid);

	if (!t) {
		e->err = -ENOMEM;
		return;
	}
	t->p.m.cpu_samples += pp->samples;
	for (int c = 0; c < CAT_MAX; c++)
		t->p.m.cat_samples[c] += pp->by_category[c];
	for (int r = 0; r < UNNAMED_MAX; r++)
		t->p.m.unnamed_samples[r] += pp->unnamed[r];
	for (size_t i = 0; i < pp->nstacks; i++)
		if (process_add_stack(&t->p, pp->stacks[i].frames,
				      pp->stacks[i].samples,
				      pp->stacks[i].category))
			e->err = -ENOMEM;
	process_merge_stacks(&t->p);
	t->active = true;
}

static int read_profile(struct engine *e, struct run *delta)
{
	struct cpu_profile cp;
	struct run_profile *rp = &delta->profile;

	if (!e->prof)
		return 0;
	if (profile_read(e->prof, &cp)) {
		cpu_profile_free(&cp);
		return -1;
	}
	for (size_t i = 0; i < cp.nprocs; i++)
		profile_into(e, &cp.procs[i]);
	rp->hz = cp.frequency_hz;
	rp->cfi = cp.cfi_on;
	rp->cfi_samples = cp.cfi;
	rp->cfi_complete = cp.cfi_complete;
	rp->cfi_no_room = cp.cfi_no_room;
	memcpy(rp->refused, cp.refused, sizeof(rp->refused));
	rp->handler_ns = cp.handler_ns;
	rp->stopped = cp.stopped_after_s >= 0;
	rp->stopped_after_s = rp->stopped ? cp.stopped_after_s : 0;
	rp->frames = cp.frames;
	rp->frames_named = cp.frames_symbolized;
	rp->symbolized_share = cp.frames ?
		(double)cp.frames_symbolized / cp.frames : 0;
	memcpy(rp->drops, cp.drops, sizeof(rp->drops));
	cpu_profile_free(&cp);
	return 0;
}

/* ---- reads ---- */

static void read_drops(struct engine *e, struct run *delta)
{
	uint64_t now[DROP_MAX];

	accounting_drops(e->acct, now);
	for (int d = 0; d < DROP_MAX; d++) {
		delta->drops[d] = now[d] - e->drops[d];
		e->drops[d] = now[d];
	}
}

static void read_window(struct engine *e, struct run *delta)
{
	uint64_t now = e->stopped ? e->stop_ns : mono_ns();
	double real = e->stopped ? e->stop_real : real_now();

	delta->start = e->read_real;
	delta->end = real;
	delta->seconds = (now - e->read_ns) / 1e9;
	e->read_ns = now;
	e->read_real = real;
	memcpy(delta->probe_sched, e->probes.sched, sizeof(delta->probe_sched));
	memcpy(delta->probe_sock, e->probes.sock, sizeof(delta->probe_sock));
	delta->unavailable = e->probes.unavailable;
	delta->mem_rounds = e->mem_rounds;
}

/* Moves what @t gathered in the interval into a record of @delta. */
static int hand_over(struct engine *e, struct tracked *t, struct run *delta)
{
	struct process *p = run_add_process(delta);
	struct metrics *m = &t->p.m;

	if (!p)
		return -ENOMEM;
	m->rss_avg_bytes = e->mem_rounds ? m->rss_sum_bytes / e->mem_rounds : 0;
	/* Names as the kubelet's directories give them now: a container's
	 * log link can come after its first processes. */
	kubelet_name(&e->kubelet, &t->p.pod);
	*p = t->p;
	p->gone = t->done;
	memset(&t->p.m, 0, sizeof(t->p.m));
	t->p.stacks = NULL;
	t->p.nstacks = t->p.stacks_cap = 0;
	t->active = false;
	return 0;
}

int engine_read(struct engine *e, struct run *delta)
{
	struct read_ctx rc = { e, NULL };
	struct accounting_reader r = { on_counters, on_runq, on_lat, &rc };
	int err = 0;

	e->err = 0;
	if (kubelet_refresh(&e->kubelet))
		e->err = -ENOMEM;
	ring_buffer__consume(e->rb);
	sweep_exited(e, e->stopped);
	if (e->stopped && !e->credited)
		credit_running(e);
	accounting_read_all(e->acct, &r);
	read_drops(e, delta);
	if (read_profile(e, delta))
		err = -1;
	read_window(e, delta);
	for (size_t i = 0; i < e->nprocs && !err; i++) {
		struct tracked *t = &e->procs[i];

		if (!t->used)
			continue;
		/* The last read says so even when it found nothing new. */
		if (t->active || t->done)
			err = hand_over(e, t, delta);
		if (t->done)
			slot_free(e, t);
	}
	e->mem_rounds = 0;
	return err || e->err ? -1 : 0;
}

int engine_bpf_stats(struct engine *e, struct bpf_stats *st)
{
	if (bpf_stats_add(st, accounting_object(e->acct)) ||
	    (e->prof && bpf_stats_add(st, profile_object(e->prof))))
		return -ENOMEM;
	return 0;
}

/* ---- the window ---- */

int engine_poll(struct engine *e, int timeout_ms)
{
	int n = ring_buffer__poll(e->rb, timeout_ms);
	uint64_t now;

	if (n < 0 && n != -EINTR)
		return n;
	if (e->stopped)
		return 0;
	sweep_exited(e, false);
	now = mono_ns();
	if (now >= e->next_mem_ns)
		sample_memory(e);
	if (e->prof)
		profile_poll(e->prof);
	return 0;
}

uint64_t engine_opened_ns(const struct engine *e)
{
	return e->opened_ns;
}

void engine_stop(struct engine *e)
{
	if (e->stopped)
		return;
	sample_memory(e);
	accounting_count(e->acct, false, 0);
	e->stop_ns = mono_ns();
	e->stop_real = real_now();
	e->stopped = true;
	accounting_detach(e->acct);
	if (e->prof)
		profile_stop(e->prof);
}

static int learn_one(uint32_t pid, void *ctx)
{
	struct engine *e = ctx;
	struct tracked *t = slot_new(e, pid);

	if (!t)
		return -ENOMEM;
	identify(e, t);
	return 0;
}

/* The processes of interest alive now, for the sampler to describe before
 * the window opens. */
static pid_t *interest(struct engine *e, size_t *n)
{
	pid_t *pids = NULL, *slot;
	size_t cap = 0;

	*n = 0;
	for (size_t i = 0; i < e->nprocs; i++) {
		if (!e->procs[i].used || !e->procs[i].of_interest)
			continue;
		slot = array_push((void **)&pids, n, &cap, sizeof(*slot));
		if (!slot)
			break;
		*slot = e->procs[i].p.pid;
	}
	return pids;
}

/* What the BPF maps lock: --max-procs and the sampler's sizes set it
 * (docs/design.md). */
static void say_memory(const struct engine *e)
{
	uint64_t acct = accounting_memlock(e->acct);
	uint64_t prof = e->prof ? profile_memlock(e->prof) : 0;

	fprintf(stderr, "meshprof: BPF maps lock %.1f MiB: accounting %.1f MiB, CPU profile %.1f MiB\n",
		(acct + prof) / 1048576.0, acct / 1048576.0, prof / 1048576.0);
}

static int start_profile(struct engine *e, char *err, size_t err_len)
{
	struct profile_opts po = {
		.frequency_hz = e->opts.frequency_hz,
		.only_tgids = e->opts.only_mesh,
		.categories = e->opts.categories,
		.debug_dirs = e->opts.debug_dirs,
		.ndebug_dirs = e->opts.ndebug_dirs,
		.no_cfi = e->opts.no_cfi,
		.no_inline = e->opts.no_inline,
		.verbose = e->opts.verbose,
	};
	pid_t *pids = interest(e, &po.ntgids);
	int ret;

	po.tgids = pids;
	ret = profile_start(&e->prof, &po, err, err_len);
	free(pids);
	return ret;
}

int engine_open(struct engine **ep, const struct engine_opts *o, char *err,
		size_t err_len)
{
	struct engine *e = calloc(1, sizeof(*e));

	*ep = e;
	if (!e) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	e->opts = *o;
	kubelet_init(&e->kubelet, o->kubelet_logs);
	if (kubelet_refresh(&e->kubelet)) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	if (accounting_open(&e->acct, &e->opts.acct, &e->probes, err, err_len) ||
	    peer_feed_open(&e->peers, e->acct, o->rules, err, err_len))
		return -1;
	e->slices = calloc(accounting_ncpus(e->acct), sizeof(*e->slices));
	e->rb = ring_buffer__new(accounting_lifecycle_fd(e->acct), on_event, e,
				 NULL);
	if (!e->slices || !e->rb) {
		snprintf(err, err_len, "ring buffer: %s", strerror(errno));
		return -1;
	}
	if (procinfo_scan(learn_one, e)) {
		snprintf(err, err_len, "reading /proc: %s", strerror(errno));
		return -1;
	}
	if (o->frequency_hz && start_profile(e, err, err_len))
		return -1;
	if (o->verbose)
		say_memory(e);
	/* Loading parsed the kernel's BTF, megabytes no longer needed. */
	malloc_trim(0);
	e->opened_ns = e->read_ns = mono_ns();
	e->read_real = real_now();
	accounting_start_slices(e->acct, e->read_ns);
	accounting_count(e->acct, true, e->read_ns);
	sample_memory(e);
	return 0;
}

void engine_close(struct engine *e)
{
	if (!e)
		return;
	ring_buffer__free(e->rb);
	profile_free(e->prof);
	peer_feed_close(e->peers);
	accounting_close(e->acct);
	for (size_t i = 0; i < e->nprocs; i++) {
		for (int k = 0; k < LAT_KINDS; k++)
			free(e->procs[i].prev_lat[k]);
		process_free(&e->procs[i].p);
	}
	free(e->procs);
	free(e->exits);
	free(e->free_slots);
	free(e->slices);
	pidmap_free(&e->index);
	kubelet_free(&e->kubelet);
	free(e);
}
