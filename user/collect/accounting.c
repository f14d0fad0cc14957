// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "accounting.h"
#include "bpfload.h"
#include "meshprof.skel.h"
#include "probes.h"

/* Each failed load leaves one more program out: a few at most. */
#define LOAD_TRIES 8
#define MAX_PROGS 32

enum prog_flag {
	PROG_REQUIRED = 1,	/* meshprof cannot run without it */
	PROG_SOCK = 2,		/* socket bytes; else syscall tracepoints */
	PROG_LATENCY = 4,	/* per-hop latency: --no-latency leaves it */
	PROG_SYSCALL = 8,	/* a syscall tracepoint (needs tracefs) */
	PROG_SYSCALL_IO = 16,	/* ... of socket I/O: the fallback of SOCK */
};

/* A tracepoint's tp_btf and raw_tp flavours, or one syscall program. */
struct prog_choice {
	struct bpf_program *btf;	/* NULL for syscall programs */
	struct bpf_program *raw;	/* raw_tp, or the syscall program */
	const char *tp;
	uint32_t lost;			/* GAP_BIT()s lost without it */
	unsigned int flags;
	struct bpf_program *chosen;	/* NULL: not loaded */
	unsigned int rejected;		/* REJECTED_*: the kernel refused */
};

enum { REJECTED_BTF = 1, REJECTED_RAW = 2 };

struct accounting {
	struct meshprof_bpf *skel;
	const struct accounting_opts *opts;
	struct prog_choice progs[MAX_PROGS];
	int nprogs;
	int ncpus;
	void *percpu;			/* room for one per-CPU value */
	struct lat_hist *lat;
};

#define TP(name, tp_, lost_, flags_)					\
	{ .btf = s->progs.name##_btf, .raw = s->progs.name##_raw,	\
	  .tp = #tp_, .lost = lost_, .flags = flags_ }
#define SYS(name, lost_, flags_)					\
	{ .raw = s->progs.name##_sys, .tp = #name, .lost = lost_,	\
	  .flags = PROG_SYSCALL | (flags_) }
#define SYS_IO(name)							\
	SYS(name##_enter, GAP_BIT(GAP_NET), PROG_SYSCALL_IO),		\
	SYS(name##_exit, GAP_BIT(GAP_NET), PROG_SYSCALL_IO)

/* The skeleton's programs, by what they are for. */
static void list_programs(struct accounting *a)
{
	struct meshprof_bpf *s = a->skel;
	const struct prog_choice progs[] = {
		TP(switch, sched_switch, 0, PROG_REQUIRED),
		TP(wakeup, sched_wakeup, GAP_BIT(GAP_WAKEUPS), 0),
		TP(wakeup_new, sched_wakeup_new, GAP_BIT(GAP_WAKEUPS), 0),
		TP(fork, sched_process_fork, GAP_BIT(GAP_STARTS), 0),
		TP(exec, sched_process_exec, GAP_BIT(GAP_STARTS), 0),
		TP(exit, sched_process_exit, GAP_BIT(GAP_EXITS), 0),
		TP(send, sock_send_length, GAP_BIT(GAP_NET), PROG_SOCK),
		TP(recv, sock_recv_length, GAP_BIT(GAP_NET), PROG_SOCK),
		TP(data_ready, sk_data_ready, GAP_BIT(GAP_LAT_QUEUE),
		   PROG_LATENCY),
		TP(tcp_send, tcp_sendmsg_locked, GAP_BIT(GAP_LAT_TRANSIT),
		   PROG_LATENCY),
		TP(state, inet_sock_set_state, GAP_BIT(GAP_TCP_CONNECTS), 0),
		TP(retransmit, tcp_retransmit_skb,
		   GAP_BIT(GAP_TCP_RETRANSMITS), 0),
		SYS(accept_exit, GAP_BIT(GAP_TCP_ACCEPTS), 0),
		SYS(accept4_exit, GAP_BIT(GAP_TCP_ACCEPTS), 0),
		SYS_IO(write), SYS_IO(writev), SYS_IO(sendto), SYS_IO(sendmsg),
		SYS_IO(read), SYS_IO(readv), SYS_IO(recvfrom), SYS_IO(recvmsg),
	};
	/* The rejections of an earlier try stay known across reopens. */
	unsigned int rejected[MAX_PROGS];

	for (int i = 0; i < a->nprogs; i++)
		rejected[i] = a->progs[i].rejected;
	_Static_assert(sizeof(progs) / sizeof(progs[0]) <= MAX_PROGS,
		       "MAX_PROGS holds every program");
	memcpy(a->progs, progs, sizeof(progs));
	for (int i = 0; i < a->nprogs; i++)
		a->progs[i].rejected = rejected[i];
	a->nprogs = sizeof(progs) / sizeof(progs[0]);
}

/* The flavour of a tracepoint that this kernel attaches, or NULL. */
static struct bpf_program *flavour(const struct accounting_opts *o,
				   const struct prog_choice *p)
{
	if (p->flags & PROG_SYSCALL)
		return !(p->rejected & REJECTED_RAW) &&
		       tracepoint_exists("syscalls", "sys_exit_accept4") ?
		       p->raw : NULL;
	if (o->attach == ATTACH_AUTO && !o->btf_path &&
	    !(p->rejected & REJECTED_BTF) && probe_tp_btf(p->tp))
		return p->btf;
	return !(p->rejected & REJECTED_RAW) && probe_raw_tp(p->tp) ?
	       p->raw : NULL;
}

/* Whether every program with @flag can run here: socket bytes counted
 * by only some calls would be a wrong number, not a smaller one. */
static bool all_runnable(const struct accounting *a, unsigned int flag)
{
	for (int i = 0; i < a->nprogs; i++)
		if ((a->progs[i].flags & flag) &&
		    !flavour(a->opts, &a->progs[i]))
			return false;
	return true;
}

/* The sock tracepoints, unless they are missing, unwanted or refused. */
static bool sock_tracepoints(const struct accounting *a)
{
	return a->opts->sock != SOCK_SYSCALLS && all_runnable(a, PROG_SOCK);
}

/* The first chosen program with @flag, or NULL. */
static const struct prog_choice *first(const struct accounting *a,
				       unsigned int flag)
{
	for (int i = 0; i < a->nprogs; i++)
		if ((a->progs[i].flags & flag) && a->progs[i].chosen)
			return &a->progs[i];
	return NULL;
}

/* Whether @p is wanted at all, before asking the kernel. */
static bool wanted(const struct accounting *a, const struct prog_choice *p,
		   bool sock_tp)
{
	if ((p->flags & PROG_LATENCY) && a->opts->no_latency)
		return false;
	if ((p->flags & PROG_SOCK) && !sock_tp)
		return false;
	if ((p->flags & PROG_SYSCALL_IO) &&
	    (sock_tp || !all_runnable(a, PROG_SYSCALL_IO)))
		return false;
	return true;
}

/*
 * One flavour per tracepoint, or none, and the syscall programs where
 * they are needed; the metrics lost are marked unavailable. -1 when
 * sched_switch is missing.
 */
static int choose(struct accounting *a, struct accounting_probes *pr,
		  char *err, size_t err_len)
{
	const struct accounting_opts *o = a->opts;
	bool sock_tp = sock_tracepoints(a);

	for (int i = 0; i < a->nprogs; i++) {
		struct prog_choice *p = &a->progs[i];

		p->chosen = NULL;
		if (wanted(a, p, sock_tp))
			p->chosen = flavour(o, p);
		if (!p->chosen && (p->flags & PROG_REQUIRED)) {
			snprintf(err, err_len,
				 "kernel lacks tracepoint sched:%s, which meshprof needs",
				 p->tp);
			return -1;
		}
	}
	pr->unavailable = o->no_latency ? GAP_BIT(GAP_LATENCY) : 0;
	for (int i = 0; i < a->nprogs; i++) {
		struct prog_choice *p = &a->progs[i];

		if (p->chosen || (p->flags & (PROG_SOCK | PROG_SYSCALL_IO)))
			continue;
		if (!(p->flags & PROG_LATENCY) || !o->no_latency)
			pr->unavailable |= p->lost;
	}
	if (!first(a, PROG_SOCK) && !first(a, PROG_SYSCALL_IO))
		pr->unavailable |= GAP_BIT(GAP_NET);
	return 0;
}

static const char *flavour_name(const struct prog_choice *p)
{
	return p->chosen == p->btf ? "tp_btf" : "raw_tp";
}

static void name_probes(const struct accounting *a, struct accounting_probes *pr)
{
	const struct prog_choice *sock = first(a, PROG_SOCK);

	snprintf(pr->sched, sizeof(pr->sched), "%s",
		 flavour_name(first(a, PROG_REQUIRED)));
	snprintf(pr->sock, sizeof(pr->sock), "%s", sock ? flavour_name(sock) :
		 first(a, PROG_SYSCALL_IO) ? "syscalls" : "none");
}

/* A fresh skeleton with the choices made: libbpf loads an object once. */
static int open_skeleton(struct accounting *a, struct accounting_probes *pr,
			 char *err, size_t err_len)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts,
		    .btf_custom_path = a->opts->btf_path);
	struct bpf_program *prog;

	meshprof_bpf__destroy(a->skel);
	a->skel = meshprof_bpf__open_opts(&open_opts);
	if (!a->skel) {
		snprintf(err, err_len, "opening BPF object: %s", strerror(errno));
		return -1;
	}
	list_programs(a);
	if (choose(a, pr, err, err_len))
		return -1;
	bpf_object__for_each_program(prog, a->skel->obj)
		bpf_program__set_autoload(prog, false);
	for (int i = 0; i < a->nprogs; i++)
		if (a->progs[i].chosen)
			bpf_program__set_autoload(a->progs[i].chosen, true);
	a->skel->rodata->track_latency = !a->opts->no_latency;
	bpf_map__set_max_entries(a->skel->maps.proc_stats, a->opts->max_procs);
	bpf_map__set_max_entries(a->skel->maps.runq_hists, a->opts->max_procs);
	return 0;
}

/* The choice whose program libbpf named, or NULL. */
static struct prog_choice *named(struct accounting *a, const char *name)
{
	for (int i = 0; i < a->nprogs; i++)
		if (a->progs[i].chosen &&
		    !strcmp(bpf_program__name(a->progs[i].chosen), name))
			return &a->progs[i];
	return NULL;
}

/*
 * Loads what was chosen. When the kernel rejects an optional program,
 * says so, leaves it out and tries again without it.
 */
static int load(struct accounting *a, struct accounting_probes *pr,
		char *err, size_t err_len)
{
	struct load_failure f;
	struct prog_choice *p;
	char why[512];
	int e;

	for (int tries = 0; tries < LOAD_TRIES; tries++) {
		if (open_skeleton(a, pr, err, err_len))
			return -1;
		bpfload_capture_begin();
		e = meshprof_bpf__load(a->skel);
		bpfload_capture_end();
		if (!e)
			return 0;
		bpfload_failure(e, &f);
		bpfload_describe(&f, e, why, sizeof(why));
		p = named(a, f.prog);
		if (!p || (p->flags & PROG_REQUIRED)) {
			snprintf(err, err_len, "%s", why);
			return -1;
		}
		fprintf(stderr, "meshprof: %s; measuring without it\n", why);
		p->rejected |= p->chosen == p->btf ? REJECTED_BTF : REJECTED_RAW;
	}
	snprintf(err, err_len, "loading BPF programs failed: too many rejected");
	return -1;
}

int accounting_open(struct accounting **ap, const struct accounting_opts *o,
		    struct accounting_probes *probes, char *err,
		    size_t err_len)
{
	struct accounting *a = calloc(1, sizeof(*a));
	int e;

	*ap = a;
	if (!a) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	a->opts = o;
	a->ncpus = libbpf_num_possible_cpus();
	if (a->ncpus > 0)
		a->percpu = calloc(a->ncpus, sizeof(struct proc_stats) +
					     sizeof(struct cpu_slice));
	a->lat = calloc(1, sizeof(*a->lat));
	if (a->ncpus <= 0 || !a->percpu || !a->lat) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	memset(probes, 0, sizeof(*probes));
	if (load(a, probes, err, err_len))
		return -1;
	name_probes(a, probes);
	e = meshprof_bpf__attach(a->skel);
	if (e) {
		snprintf(err, err_len, "attaching BPF programs failed: %s",
			 strerror(-e));
		return -1;
	}
	return 0;
}

void accounting_count(struct accounting *a, bool on)
{
	a->skel->bss->counting = on;
}

void accounting_detach(struct accounting *a)
{
	accounting_count(a, false);
	meshprof_bpf__detach(a->skel);
}

void accounting_close(struct accounting *a)
{
	if (!a)
		return;
	meshprof_bpf__destroy(a->skel);
	free(a->percpu);
	free(a->lat);
	free(a);
}

struct bpf_object *accounting_object(const struct accounting *a)
{
	return a->skel->obj;
}

int accounting_lifecycle_fd(const struct accounting *a)
{
	return bpf_map__fd(a->skel->maps.lifecycle);
}

int accounting_ncpus(const struct accounting *a)
{
	return a->ncpus;
}

static void read_counters(struct accounting *a, uint32_t tgid,
			  const struct accounting_reader *r)
{
	struct metrics sum;

	if (bpf_map_lookup_elem(bpf_map__fd(a->skel->maps.proc_stats), &tgid,
				a->percpu))
		return;
	memset(sum.counter, 0, sizeof(sum.counter));
	metrics_add_percpu(&sum, a->percpu, a->ncpus);
	r->counters(r->ctx, tgid, sum.counter);
}

static void read_runq(struct accounting *a, uint32_t tgid,
		      const struct accounting_reader *r)
{
	struct runq_hist h;

	if (!bpf_map_lookup_elem(bpf_map__fd(a->skel->maps.runq_hists), &tgid,
				 &h))
		r->runq(r->ctx, tgid, h.slots);
}

static void read_lat(struct accounting *a, const struct lat_key *key,
		     const struct accounting_reader *r)
{
	if (key->kind < LAT_KINDS &&
	    !bpf_map_lookup_elem(bpf_map__fd(a->skel->maps.lat_hists), key,
				 a->lat))
		r->lat(r->ctx, key->tgid, key->kind, a->lat);
}

/* Calls @fn for each key of @map; keys are u32 tgids or lat_keys. */
static void each_key(int fd, void (*fn)(struct accounting *, const void *,
					const struct accounting_reader *),
		     struct accounting *a, const struct accounting_reader *r)
{
	struct lat_key key, next;	/* the widest key; all start with the tgid */
	void *prev = NULL;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		fn(a, &key, r);
		prev = &key;
	}
}

static void counters_at(struct accounting *a, const void *key,
			const struct accounting_reader *r)
{
	read_counters(a, *(const uint32_t *)key, r);
}

static void runq_at(struct accounting *a, const void *key,
		    const struct accounting_reader *r)
{
	read_runq(a, *(const uint32_t *)key, r);
}

static void lat_at(struct accounting *a, const void *key,
		   const struct accounting_reader *r)
{
	read_lat(a, key, r);
}

int accounting_read_all(struct accounting *a, const struct accounting_reader *r)
{
	each_key(bpf_map__fd(a->skel->maps.proc_stats), counters_at, a, r);
	each_key(bpf_map__fd(a->skel->maps.runq_hists), runq_at, a, r);
	each_key(bpf_map__fd(a->skel->maps.lat_hists), lat_at, a, r);
	return 0;
}

int accounting_harvest(struct accounting *a, uint32_t tgid,
		       const struct accounting_reader *r)
{
	struct lat_key key = { .tgid = tgid };

	read_counters(a, tgid, r);
	read_runq(a, tgid, r);
	bpf_map_delete_elem(bpf_map__fd(a->skel->maps.proc_stats), &tgid);
	bpf_map_delete_elem(bpf_map__fd(a->skel->maps.runq_hists), &tgid);
	for (key.kind = 0; key.kind < LAT_KINDS; key.kind++) {
		read_lat(a, &key, r);
		bpf_map_delete_elem(bpf_map__fd(a->skel->maps.lat_hists), &key);
	}
	return 0;
}

void accounting_drops(struct accounting *a, uint64_t drops[DROP_MAX])
{
	int fd = bpf_map__fd(a->skel->maps.drops);
	uint64_t *vals = a->percpu;

	for (uint32_t r = 0; r < DROP_MAX; r++) {
		drops[r] = 0;
		if (bpf_map_lookup_elem(fd, &r, vals))
			continue;
		for (int cpu = 0; cpu < a->ncpus; cpu++)
			drops[r] += vals[cpu];
	}
}

void accounting_start_slices(struct accounting *a, uint64_t now_ns)
{
	struct cpu_slice *slices = a->percpu;
	uint32_t zero = 0;

	memset(slices, 0, a->ncpus * sizeof(*slices));
	for (int cpu = 0; cpu < a->ncpus; cpu++)
		slices[cpu].since_ns = now_ns;
	bpf_map_update_elem(bpf_map__fd(a->skel->maps.cpu_slice), &zero,
			    slices, BPF_ANY);
}

int accounting_slices(struct accounting *a, struct cpu_slice *slices)
{
	uint32_t zero = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(a->skel->maps.cpu_slice), &zero,
				slices))
		return 0;
	return a->ncpus;
}
