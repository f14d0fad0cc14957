// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "array.h"
#include "engine.h"
#include "meshprof.skel.h"
#include "probes.h"
#include "procinfo.h"

/* An exited process's last context switch comes after its exit event:
 * read its counters only after this long. */
#define EXIT_GRACE_NS 200000000ULL
#define MEM_SAMPLE_NS 1000000000ULL

/* A tracepoint meshprof attaches with a tp_btf and a raw_tp program named
 * BASE_btf and BASE_raw. */
struct tp_prog {
	const char *base;
	const char *tp;
	const char *metric;	/* what is lost without it */
};

static const struct tp_prog tp_progs[] = {
	{ "switch", "sched_switch", NULL },	/* NULL: cannot run without */
	{ "wakeup", "sched_wakeup", "sched.wakeups" },
	{ "wakeup_new", "sched_wakeup_new", "sched.wakeups" },
	{ "fork", "sched_process_fork", "processes started in the window" },
	{ "exec", "sched_process_exec", "processes started in the window" },
	{ "exit", "sched_process_exit", "processes exited in the window" },
	{ "send", "sock_send_length", NULL },	/* else syscall tracepoints */
	{ "recv", "sock_recv_length", NULL },
	{ "data_ready", "sk_data_ready", "latency.queue" },
	{ "tcp_send", "tcp_sendmsg_locked", "latency.transit" },
	{ "state", "inet_sock_set_state", "tcp.connects" },
	{ "retransmit", "tcp_retransmit_skb", "tcp.retransmits" },
};

/* Collection bookkeeping for one record of run->procs. */
struct rec_state {
	bool seen;		/* had activity in the window */
	bool sample_mem;	/* a pod or rule-matched process */
	uint64_t rss_sum;	/* over sampling rounds, for the mean */
	uint64_t rss_peak;
};

/* pid -> index of its latest record in run->procs (open addressing). */
struct pid_index {
	uint32_t *pids;		/* 0 marks an empty slot */
	int *idx;
	size_t cap, len;
};

struct collector {
	struct meshprof_bpf *skel;
	struct ring_buffer *rb;
	struct run *run;
	struct pid_index index;
	int *pending;		/* records that exited, counters not yet read */
	size_t npending, pending_cap;
	int ncpus;
	void *percpu_buf;
	struct lat_hist *lat_buf;
	struct rec_state *state;	/* parallel to run->procs */
	size_t state_cap;
	const struct ruleset *rules;
	void (*on_process)(void *arg, uint32_t pid, bool of_interest);
	void *on_process_arg;
	uint64_t mem_samples;		/* memory sampling rounds so far */
	uint64_t next_sample_ns;
	uint64_t start_ns;
};

static bool verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	return verbose ? vfprintf(stderr, fmt, args) : 0;
}

void collect_set_verbose(bool on)
{
	verbose = on;
	libbpf_set_print(libbpf_print);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static double real_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t pid_slot(const struct pid_index *ix, uint32_t pid)
{
	size_t i = (pid * 2654435761u) & (ix->cap - 1);

	while (ix->pids[i] && ix->pids[i] != pid)
		i = (i + 1) & (ix->cap - 1);
	return i;
}

static int pid_index_grow(struct pid_index *ix)
{
	struct pid_index big = { .cap = ix->cap ? ix->cap * 2 : 1024 };

	big.pids = calloc(big.cap, sizeof(*big.pids));
	big.idx = calloc(big.cap, sizeof(*big.idx));
	if (!big.pids || !big.idx) {
		free(big.pids);
		free(big.idx);
		return -ENOMEM;
	}
	for (size_t i = 0; i < ix->cap; i++) {
		size_t s;

		if (!ix->pids[i])
			continue;
		s = pid_slot(&big, ix->pids[i]);
		big.pids[s] = ix->pids[i];
		big.idx[s] = ix->idx[i];
		big.len++;
	}
	free(ix->pids);
	free(ix->idx);
	*ix = big;
	return 0;
}

static int pid_index_get(const struct pid_index *ix, uint32_t pid)
{
	size_t s;

	if (!ix->cap)
		return -1;
	s = pid_slot(ix, pid);
	return ix->pids[s] ? ix->idx[s] : -1;
}

static int pid_index_set(struct pid_index *ix, uint32_t pid, int idx)
{
	size_t s;

	if (2 * (ix->len + 1) > ix->cap && pid_index_grow(ix))
		return -ENOMEM;
	s = pid_slot(ix, pid);
	if (!ix->pids[s])
		ix->len++;
	ix->pids[s] = pid;
	ix->idx[s] = idx;
	return 0;
}

static struct rec_state *state_of(struct collector *c, int idx)
{
	if ((size_t)idx >= c->state_cap) {
		size_t ncap = c->run->procs_cap;
		struct rec_state *s = realloc(c->state, ncap * sizeof(*s));

		if (!s)
			return NULL;
		memset(s + c->state_cap, 0, (ncap - c->state_cap) * sizeof(*s));
		c->state = s;
		c->state_cap = ncap;
	}
	return &c->state[idx];
}

static int mark_seen(struct collector *c, int idx)
{
	struct rec_state *st = state_of(c, idx);

	if (!st)
		return -ENOMEM;
	st->seen = true;
	return 0;
}

/* Identity from /proc, and whether the process is worth sampling memory:
 * memory counts only for components that MeshMark compares. */
static void identify(struct collector *c, int idx)
{
	struct process *p = &c->run->procs[idx];
	struct proc_facts facts = { p->comm, p->exe, p->cgroup };
	struct rec_state *st;

	procinfo_fill(p);
	st = state_of(c, idx);
	if (!st)
		return;
	st->sample_mem = p->in_pod || rules_match(c->rules, &facts);
	if (c->on_process)
		c->on_process(c->on_process_arg, p->pid, st->sample_mem);
}

/* A new record for @pid, replacing any earlier one with that pid. */
static int new_record(struct collector *c, uint32_t pid)
{
	struct process *p = run_add_process(c->run);
	int idx;

	if (!p)
		return -ENOMEM;
	p->pid = pid;
	idx = p - c->run->procs;
	if (pid_index_set(&c->index, pid, idx))
		return -ENOMEM;
	return idx;
}

static int record_of(struct collector *c, uint32_t pid)
{
	int idx = pid_index_get(&c->index, pid);

	if (idx >= 0)
		return idx;
	idx = new_record(c, pid);
	if (idx >= 0)
		identify(c, idx);
	return idx;
}

static void sum_stats(struct collector *c, const struct proc_stats *percpu,
		      struct metrics *m)
{
	for (int cpu = 0; cpu < c->ncpus; cpu++) {
		const struct proc_stats *s = &percpu[cpu];

		m->cpu_ns += s->cpu_ns;
		m->runq_ns += s->runq_ns;
		m->runq_waits += s->runq_waits;
		m->vol_switches += s->vol_switches;
		m->invol_switches += s->invol_switches;
		m->wakeups += s->wakeups;
		m->bytes_sent += s->bytes_sent;
		m->bytes_recv += s->bytes_recv;
		m->send_calls += s->send_calls;
		m->recv_calls += s->recv_calls;
		m->tcp_connects += s->tcp_connects;
		m->tcp_accepts += s->tcp_accepts;
		m->tcp_closes += s->tcp_closes;
		m->tcp_retransmits += s->tcp_retransmits;
		m->exchanges += s->exchanges;
	}
}

static void harvest_latency(struct collector *c, uint32_t pid,
			    struct metrics *m)
{
	int fd = bpf_map__fd(c->skel->maps.lat_hists);
	struct lat_key key = { .tgid = pid };
	struct lat_hist *h = c->lat_buf;

	for (key.kind = 0; key.kind < LAT_KINDS; key.kind++) {
		struct latency_hist *dst = &m->lat[key.kind];

		if (bpf_map_lookup_elem(fd, &key, h))
			continue;
		bpf_map_delete_elem(fd, &key);
		for (uint32_t s = 0; s < LAT_SLOTS; s++)
			lat_add_slot(dst, s, h->slots[s]);
		if (h->max_ns > dst->max_ns)
			dst->max_ns = h->max_ns;
		dst->sum_ns += h->sum_ns;
	}
}

/* Moves the kernel's counters for @pid into record @idx and frees them. */
static void harvest(struct collector *c, uint32_t pid, int idx)
{
	int stats_fd = bpf_map__fd(c->skel->maps.proc_stats);
	int hist_fd = bpf_map__fd(c->skel->maps.runq_hists);
	struct process *p = &c->run->procs[idx];
	struct runq_hist hist;

	if (!bpf_map_lookup_elem(stats_fd, &pid, c->percpu_buf)) {
		sum_stats(c, c->percpu_buf, &p->m);
		bpf_map_delete_elem(stats_fd, &pid);
		mark_seen(c, idx);
	}
	if (!bpf_map_lookup_elem(hist_fd, &pid, &hist)) {
		for (int i = 0; i < MAX_SLOTS; i++)
			p->m.runq_hist[i] += hist.slots[i];
		bpf_map_delete_elem(hist_fd, &pid);
	}
	harvest_latency(c, pid, &p->m);
}

static void sweep_exited(struct collector *c, bool all)
{
	uint64_t now = mono_ns();
	size_t kept = 0;

	for (size_t i = 0; i < c->npending; i++) {
		int idx = c->pending[i];
		struct process *p = &c->run->procs[idx];

		if (!all && p->exit_ns + EXIT_GRACE_NS > now) {
			c->pending[kept++] = idx;
			continue;
		}
		harvest(c, p->pid, idx);
	}
	c->npending = kept;
}

/* @pid was reused: settle the previous holder before a new record. */
static void settle_previous(struct collector *c, uint32_t pid)
{
	int idx = pid_index_get(&c->index, pid);
	size_t kept = 0;

	if (idx < 0)
		return;
	for (size_t i = 0; i < c->npending; i++) {
		if (c->pending[i] == idx)
			harvest(c, pid, idx);
		else
			c->pending[kept++] = c->pending[i];
	}
	c->npending = kept;
}

static int add_pending(struct collector *c, int idx)
{
	int *slot = array_push((void **)&c->pending, &c->npending,
			       &c->pending_cap, sizeof(*slot));

	if (!slot)
		return -ENOMEM;
	*slot = idx;
	return 0;
}

static int on_event(void *ctx, void *data, size_t len)
{
	const struct lifecycle_event *ev = data;
	struct collector *c = ctx;
	struct process *p;
	int idx;

	if (len < sizeof(*ev))
		return 0;
	switch (ev->kind) {
	case EV_FORK:
		settle_previous(c, ev->pid);
		idx = new_record(c, ev->pid);
		if (idx < 0)
			return idx;
		p = &c->run->procs[idx];
		p->ppid = ev->ppid;
		snprintf(p->comm, sizeof(p->comm), "%s", ev->comm);
		identify(c, idx);
		break;
	case EV_EXEC:
		idx = record_of(c, ev->pid);
		if (idx < 0)
			return idx;
		p = &c->run->procs[idx];
		identify(c, idx);
		snprintf(p->comm, sizeof(p->comm), "%s", ev->comm);
		break;
	case EV_EXIT:
		idx = record_of(c, ev->pid);
		if (idx < 0)
			return idx;
		p = &c->run->procs[idx];
		if (!p->comm[0])
			snprintf(p->comm, sizeof(p->comm), "%s", ev->comm);
		p->exited = true;
		p->exit_ns = ev->ts_ns;
		if (add_pending(c, idx))
			return -ENOMEM;
		break;
	default:
		return 0;
	}
	return mark_seen(c, idx);
}

static int snapshot_one(uint32_t pid, void *ctx)
{
	struct collector *c = ctx;
	int idx = new_record(c, pid);

	if (idx < 0)
		return idx;
	identify(c, idx);
	return 0;
}

static void unavailable(struct run *run, const char *metric)
{
	size_t len = strlen(run->unavailable);

	if (strstr(run->unavailable, metric))
		return;
	snprintf(run->unavailable + len, sizeof(run->unavailable) - len,
		 "%s%s", len ? "," : "", metric);
}

static struct bpf_program *prog_named(struct bpf_object *obj,
				      const char *base, const char *flavour)
{
	char name[64];

	snprintf(name, sizeof(name), "%s_%s", base, flavour);
	return bpf_object__find_program_by_name(obj, name);
}

/*
 * Chooses, per tracepoint, tp_btf where the kernel allows it, else raw_tp,
 * else neither; and the syscall programs. Returns -1 when sched_switch, the
 * one tracepoint meshprof cannot work without, is missing.
 */
static int choose_programs(struct collector *c, const struct collect_opts *o,
			   bool sock_tp, char *err, size_t err_len)
{
	struct bpf_object *obj = c->skel->obj;
	struct bpf_program *prog;
	bool tracefs_ok = tracepoint_exists("syscalls", "sys_exit_accept4");

	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, false);

	for (size_t i = 0; i < sizeof(tp_progs) / sizeof(tp_progs[0]); i++) {
		const struct tp_prog *t = &tp_progs[i];
		bool is_sock = !strcmp(t->base, "send") || !strcmp(t->base, "recv");
		const char *flavour = NULL;

		if (is_sock && !sock_tp)
			continue;
		if (o->no_latency && t->metric && !strncmp(t->metric, "latency", 7))
			continue;
		if (o->attach == ATTACH_AUTO && !o->btf_path &&
		    probe_tp_btf(t->tp))
			flavour = "btf";
		else if (probe_raw_tp(t->tp))
			flavour = "raw";
		if (!flavour) {
			if (!t->metric && !is_sock) {
				snprintf(err, err_len,
					 "kernel lacks tracepoint sched:%s, which meshprof needs",
					 t->tp);
				return -1;
			}
			unavailable(c->run, t->metric ? t->metric : "net");
			continue;
		}
		bpf_program__set_autoload(prog_named(obj, t->base, flavour),
					  true);
		if (!strcmp(t->base, "switch"))
			snprintf(c->run->probe_sched, sizeof(c->run->probe_sched),
				 "%s", flavour[0] == 'b' ? "tp_btf" : "raw_tp");
		if (!strcmp(t->base, "send"))
			snprintf(c->run->probe_sock, sizeof(c->run->probe_sock),
				 "%s", flavour[0] == 'b' ? "tp_btf" : "raw_tp");
	}

	if (!tracefs_ok) {
		unavailable(c->run, "tcp.accepts");
		if (!sock_tp)
			unavailable(c->run, "net");
		return 0;
	}
	bpf_object__for_each_program(prog, obj) {
		const char *name = bpf_program__name(prog);
		size_t n = strlen(name);

		if (n < 4 || strcmp(name + n - 4, "_sys"))
			continue;
		if (!strncmp(name, "accept", 6) || !sock_tp)
			bpf_program__set_autoload(prog, true);
	}
	if (!sock_tp)
		snprintf(c->run->probe_sock, sizeof(c->run->probe_sock),
			 "syscalls");
	return 0;
}

/* One round of resident-memory samples of the live processes that matter. */
static void sample_memory(struct collector *c)
{
	uint64_t rss;

	for (size_t i = 0; i < c->run->nprocs && i < c->state_cap; i++) {
		struct rec_state *st = &c->state[i];

		if (!st->sample_mem || c->run->procs[i].exited ||
		    procinfo_rss(c->run->procs[i].pid, &rss))
			continue;
		st->rss_sum += rss;
		if (rss > st->rss_peak)
			st->rss_peak = rss;
		st->seen |= rss > 0;
	}
	c->mem_samples++;
	c->next_sample_ns = mono_ns() + MEM_SAMPLE_NS;
}

static void init_slices(struct collector *c)
{
	struct cpu_slice *slices = c->percpu_buf;
	uint64_t now = mono_ns();
	uint32_t zero = 0;

	memset(slices, 0, c->ncpus * sizeof(*slices));
	for (int cpu = 0; cpu < c->ncpus; cpu++)
		slices[cpu].since_ns = now;
	bpf_map_update_elem(bpf_map__fd(c->skel->maps.cpu_slice), &zero,
			    slices, BPF_ANY);
}

static bool sock_tracepoints_usable(const struct collect_opts *o)
{
	if (o->sock == SOCK_SYSCALLS)
		return false;
	return (o->attach == ATTACH_AUTO && !o->btf_path &&
		probe_tp_btf("sock_send_length")) ||
	       probe_raw_tp("sock_send_length");
}

int collect_start(struct collector **cp, const struct collect_opts *o,
		  struct run *run, char *err, size_t err_len)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts,
		    .btf_custom_path = o->btf_path);
	struct collector *c;
	size_t bufsz;
	int e;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	*cp = c;
	c->run = run;
	c->rules = o->rules;
	c->on_process = o->on_process;
	c->on_process_arg = o->on_process_arg;
	c->ncpus = libbpf_num_possible_cpus();
	bufsz = c->ncpus * (sizeof(struct proc_stats) + sizeof(struct cpu_slice));
	c->percpu_buf = calloc(1, bufsz);
	c->lat_buf = calloc(1, sizeof(*c->lat_buf));
	if (c->ncpus <= 0 || !c->percpu_buf || !c->lat_buf) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}

	c->skel = meshprof_bpf__open_opts(&open_opts);
	if (!c->skel) {
		snprintf(err, err_len, "opening BPF object: %s", strerror(errno));
		return -1;
	}
	c->skel->rodata->track_latency = !o->no_latency;
	if (o->no_latency)
		unavailable(run, "latency");
	bpf_map__set_max_entries(c->skel->maps.proc_stats, o->max_procs);
	bpf_map__set_max_entries(c->skel->maps.runq_hists, o->max_procs);
	if (choose_programs(c, o, sock_tracepoints_usable(o), err, err_len))
		return -1;
	e = meshprof_bpf__load(c->skel);
	if (e) {
		snprintf(err, err_len,
			 "loading BPF programs failed: %s (run with -v for the verifier log)",
			 strerror(-e));
		return -1;
	}
	c->rb = ring_buffer__new(bpf_map__fd(c->skel->maps.lifecycle),
				 on_event, c, NULL);
	if (!c->rb) {
		snprintf(err, err_len, "ring buffer: %s", strerror(errno));
		return -1;
	}
	e = meshprof_bpf__attach(c->skel);
	if (e) {
		snprintf(err, err_len, "attaching BPF programs failed: %s",
			 strerror(-e));
		return -1;
	}
	if (procinfo_scan(snapshot_one, c)) {
		snprintf(err, err_len, "reading /proc: %s", strerror(errno));
		return -1;
	}
	init_slices(c);
	c->start_ns = mono_ns();
	run->start = real_now();
	c->skel->bss->counting = true;
	sample_memory(c);
	return 0;
}

int collect_poll(struct collector *c, int timeout_ms)
{
	int n = ring_buffer__poll(c->rb, timeout_ms);

	if (n < 0 && n != -EINTR)
		return n;
	sweep_exited(c, false);
	if (mono_ns() >= c->next_sample_ns)
		sample_memory(c);
	return 0;
}

/* Credits each CPU's current task with its slice up to @end. */
static void credit_running(struct collector *c, uint64_t end)
{
	struct cpu_slice *slices = c->percpu_buf;
	uint32_t zero = 0;
	int idx;

	if (bpf_map_lookup_elem(bpf_map__fd(c->skel->maps.cpu_slice), &zero,
				slices))
		return;
	for (int cpu = 0; cpu < c->ncpus; cpu++) {
		if (!slices[cpu].tgid || slices[cpu].since_ns >= end)
			continue;
		idx = record_of(c, slices[cpu].tgid);
		if (idx < 0)
			continue;
		c->run->procs[idx].m.cpu_ns += end - slices[cpu].since_ns;
		mark_seen(c, idx);
	}
}

static void harvest_all(struct collector *c)
{
	int maps[3] = { bpf_map__fd(c->skel->maps.proc_stats),
			bpf_map__fd(c->skel->maps.runq_hists),
			bpf_map__fd(c->skel->maps.lat_hists) };
	struct lat_key key;	/* the widest key; all start with the tgid */
	int idx;

	/* harvest() deletes what it reads, so each pass restarts. */
	for (int i = 0; i < 3; i++) {
		while (!bpf_map_get_next_key(maps[i], NULL, &key)) {
			idx = record_of(c, key.tgid);
			if (idx < 0)
				return;
			harvest(c, key.tgid, idx);
		}
	}
}

static void read_drops(struct collector *c)
{
	uint64_t *vals = c->percpu_buf;
	int fd = bpf_map__fd(c->skel->maps.drops);

	for (uint32_t r = 0; r < DROP_MAX; r++) {
		if (bpf_map_lookup_elem(fd, &r, vals))
			continue;
		for (int cpu = 0; cpu < c->ncpus; cpu++)
			c->run->drops[r] += vals[cpu];
	}
}

static void fold_memory(struct collector *c)
{
	for (size_t i = 0; i < c->run->nprocs && i < c->state_cap; i++) {
		struct metrics *m = &c->run->procs[i].m;

		m->rss_avg_bytes = c->state[i].rss_sum / c->mem_samples;
		m->rss_peak_bytes = c->state[i].rss_peak;
	}
}

/* Keeps only the processes that did something in the window. */
static void drop_idle(struct collector *c)
{
	struct run *run = c->run;
	size_t kept = 0;

	for (size_t i = 0; i < run->nprocs; i++) {
		if (i < c->state_cap && c->state[i].seen)
			run->procs[kept++] = run->procs[i];
		else
			metrics_free(&run->procs[i].m);
	}
	run->nprocs = kept;
}

int collect_stop(struct collector *c)
{
	uint64_t end;

	sample_memory(c);
	c->skel->bss->counting = false;
	end = mono_ns();
	meshprof_bpf__detach(c->skel);
	c->run->end = real_now();
	c->run->seconds = (end - c->start_ns) / 1e9;
	ring_buffer__consume(c->rb);
	sweep_exited(c, true);
	credit_running(c, end);
	harvest_all(c);
	read_drops(c);
	fold_memory(c);
	drop_idle(c);
	return 0;
}

void collect_free(struct collector *c)
{
	if (!c)
		return;
	ring_buffer__free(c->rb);
	meshprof_bpf__destroy(c->skel);
	free(c->index.pids);
	free(c->index.idx);
	free(c->pending);
	free(c->state);
	free(c->percpu_buf);
	free(c->lat_buf);
	free(c);
}
