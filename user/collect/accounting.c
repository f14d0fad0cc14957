// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "accounting.h"
#include "bpfload.h"
#include "accounting_int.h"
#include "probes.h"

/* Each failed load leaves one more program out: a few at most. */
#define LOAD_TRIES 8

enum prog_flag {
	PROG_REQUIRED = 1,	/* meshprof cannot run without it */
	PROG_SOCK = 2,		/* socket bytes; else syscall tracepoints */
	PROG_LATENCY = 4,	/* per-hop latency: --no-latency leaves it */
	PROG_SYSCALL = 8,	/* a syscall tracepoint (needs tracefs) */
	PROG_SYSCALL_IO = 16,	/* ... of socket I/O: the fallback of SOCK */
	PROG_SOCK_STATE = 32,	/* keeps per-socket state */
};

#define TP(name, tp_, lost_, flags_)					\
	{ .btf = s->progs.name##_btf, .raw = s->progs.name##_raw,	\
	  .tp = #tp_, .lost = lost_, .flags = flags_ }
#define SYS(name, lost_, flags_)					\
	{ .raw = s->progs.name##_sys, .tp = #name, .lost = lost_,	\
	  .flags = PROG_SYSCALL | (flags_) }
#define SYS_IO(name)							\
	SYS(name##_enter, GAP_BIT(GAP_NET), PROG_SYSCALL_IO),		\
	SYS(name##_exit, GAP_BIT(GAP_NET),				\
	    PROG_SYSCALL_IO | PROG_SOCK_STATE)

/* The skeleton's programs, by what they are for. */
static void list_programs(struct accounting *a)
{
	struct meshprof_bpf *s = a->skel;
	const struct prog_choice progs[] = {
		TP(switch, sched_switch, 0, PROG_REQUIRED),
		TP(fork, sched_process_fork, GAP_BIT(GAP_STARTS), 0),
		TP(exec, sched_process_exec, GAP_BIT(GAP_STARTS), 0),
		TP(exit, sched_process_exit, GAP_BIT(GAP_EXITS), 0),
		TP(send, sock_send_length, GAP_BIT(GAP_NET),
		   PROG_SOCK | PROG_SOCK_STATE),
		TP(recv, sock_recv_length, GAP_BIT(GAP_NET),
		   PROG_SOCK | PROG_SOCK_STATE),
		TP(data_ready, sk_data_ready, GAP_BIT(GAP_LAT_QUEUE),
		   PROG_LATENCY | PROG_SOCK_STATE),
		TP(tcp_send, tcp_sendmsg_locked, GAP_BIT(GAP_LAT_TRANSIT),
		   PROG_LATENCY | PROG_SOCK_STATE),
		TP(state, inet_sock_set_state, GAP_BIT(GAP_TCP_CONNECTS),
		   PROG_SOCK_STATE),
		TP(retransmit, tcp_retransmit_skb,
		   GAP_BIT(GAP_TCP_RETRANSMITS), PROG_SOCK_STATE),
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

/* Whether every chosen program that keeps socket state has the socket's
 * BTF pointer, which socket-local storage needs. */
static bool btf_sockets(const struct accounting *a)
{
	for (int i = 0; i < a->nprogs; i++) {
		const struct prog_choice *p = &a->progs[i];

		if ((p->flags & PROG_SOCK_STATE) && p->chosen &&
		    p->chosen != p->btf)
			return false;
	}
	return true;
}

/* Retypes a local-storage map the kernel lacks into the smallest hash,
 * so that the object loads; nothing uses it then. */
static void shrink(struct bpf_map *map, bool unused)
{
	if (!unused)
		return;
	if (bpf_map__type(map) == BPF_MAP_TYPE_TASK_STORAGE ||
	    bpf_map__type(map) == BPF_MAP_TYPE_SK_STORAGE) {
		bpf_map__set_type(map, BPF_MAP_TYPE_HASH);
		bpf_map__set_map_flags(map, 0);
	}
	bpf_map__set_max_entries(map, 1);
}

/*
 * Where per-thread and per-socket state live: in local storage where the
 * kernel has it and every program can reach it, else in hash maps; the
 * maps not used shrink to nothing.
 */
static void choose_state(struct accounting *a)
{
	struct meshprof_bpf *s = a->skel;
	bool task = a->local_storage && probe_task_storage();
	bool sock = a->local_storage && btf_sockets(a);

	s->rodata->task_local = task;
	s->rodata->sock_local = sock;
	if (bpfload_verbose())
		fprintf(stderr, "meshprof: thread state in %s, socket state in %s\n",
			task ? "task-local storage" : "a hash map",
			sock ? "socket-local storage" : "an LRU hash map");
	shrink(s->maps.thread_store, !task);
	shrink(s->maps.threads, task);
	shrink(s->maps.sock_store, !sock);
	shrink(s->maps.sockets, sock);
}

/* Room for @n processes: their slots, and their arrays with slot 0. */
static void size_slots(struct meshprof_bpf *s, unsigned int n)
{
	bpf_map__set_max_entries(s->maps.proc_slots, n);
	bpf_map__set_max_entries(s->maps.proc_tgids, n + 1);
	bpf_map__set_max_entries(s->maps.proc_free, n);
	bpf_map__set_max_entries(s->maps.proc_stats, n + 1);
	bpf_map__set_max_entries(s->maps.runq_hists, n + 1);
	bpf_map__set_max_entries(s->maps.peer_procs, n);
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
	size_slots(a->skel, a->opts->max_procs);
	choose_state(a);
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
		probe_release();
		bpfload_capture_begin();
		e = meshprof_bpf__load(a->skel);
		bpfload_capture_end();
		if (!e)
			return 0;
		/* Local storage the verifier refuses (an older kernel's
		 * program types): hash maps first, then program by program. */
		if (a->local_storage) {
			a->local_storage = false;
			continue;
		}
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
	a->local_storage = !getenv("MESHPROF_TEST_NO_LOCAL_STORAGE");
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
	if (!a->skel->rodata->sock_local)
		probes->unavailable |= GAP_BIT(GAP_PEERS_UNIX);
	e = accounting_fill_slots(a);
	if (e) {
		snprintf(err, err_len, "filling the slot queues: %s",
			 strerror(-e));
		return -1;
	}
	e = meshprof_bpf__attach(a->skel);
	if (e) {
		snprintf(err, err_len, "attaching BPF programs failed: %s",
			 strerror(-e));
		return -1;
	}
	return 0;
}

void accounting_count(struct accounting *a, bool on, uint64_t now_ns)
{
	if (on)
		a->skel->bss->window_start_ns = now_ns;
	a->skel->bss->counting = on;
}

void accounting_detach(struct accounting *a)
{
	accounting_count(a, false, 0);
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


uint64_t accounting_memlock(const struct accounting *a)
{
	return bpfload_memlock(a->skel->obj);
}
