// SPDX-License-Identifier: GPL-2.0
/*
 * Test driver for the CPU sampler (user/collect/sampler.h), independent of the
 * record command: samples a command it starts, or running processes, and
 * prints the per-category breakdown as JSON.
 *
 *   profrun [-F HZ] [-c CATEGORIES] [-f FOLDED] [-g] [-a] [-v] [-N] -- CMD [ARG...]
 *   profrun [-F HZ] [-c CATEGORIES] [-f FOLDED] [-g] [-a] [-v] [-N] -d SECONDS [-p PID]...
 *
 * -g roots each folded stack at its category ("tls;haproxy;SSL_write...").
 * -N walks user stacks by frame pointers only, without CFI.
 * With a command, the window opens before the command starts and closes
 * when it closes its standard output (or exits); only the command is
 * sampled unless -a. Without one, it lasts -d seconds and samples the -p
 * processes, or every process with -a.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <json-c/json.h>

#include "sampler.h"

#define MAX_PIDS 64
#define POLL_MS 100

struct args {
	struct profile_opts opts;
	pid_t pids[MAX_PIDS + 1];
	size_t npids;
	bool all;
	double duration_s;
	const char *folded;
	bool by_category;
	char **cmd;
};

static const char *const drop_names[PROFILE_DROP_MAX] = {
	[PROFILE_DROP_STACKS_FULL] = "stacks_full",
	[PROFILE_DROP_COUNTS_FULL] = "counts_full",
};

static void usage(void)
{
	fprintf(stderr,
		"usage: profrun [-F HZ] [-c CATEGORIES] [-f FOLDED] [-g] [-a] [-v] [-N] -- CMD [ARG...]\n"
		"       profrun [-F HZ] [-c CATEGORIES] [-f FOLDED] [-g] [-a] [-v] [-N] -d SECONDS [-p PID]...\n");
	exit(2);
}

static void parse_args(int argc, char **argv, struct args *a)
{
	int c;

	while ((c = getopt(argc, argv, "F:c:f:gad:p:vN")) != -1) {
		switch (c) {
		case 'F': a->opts.frequency_hz = atoi(optarg); break;
		case 'c': a->opts.categories = optarg; break;
		case 'f': a->folded = optarg; break;
		case 'g': a->by_category = true; break;
		case 'a': a->all = true; break;
		case 'd': a->duration_s = atof(optarg); break;
		case 'v': a->opts.verbose = true; break;
		case 'N': a->opts.no_cfi = true; break;
		case 'p':
			if (a->npids == MAX_PIDS)
				usage();
			a->pids[a->npids++] = atoi(optarg);
			break;
		default: usage();
		}
	}
	a->cmd = optind < argc ? argv + optind : NULL;
	if (!a->cmd == !(a->duration_s > 0))
		usage();
}

/* The child waits for a byte on @go before exec, so that its pid can join
 * the filter before it runs; its stdout and stdin are pipes to us. */
static pid_t spawn(char **cmd, int *go, int *out, int *in)
{
	int gp[2], op[2], ip[2];
	pid_t pid;
	char b;

	/* Close-on-exec: the command must hold only its dup2()ed ends, so
	 * that closing its stdout reaches us as EOF. */
	if (pipe2(gp, O_CLOEXEC) || pipe2(op, O_CLOEXEC) ||
	    pipe2(ip, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(op[1], 1);
		dup2(ip[0], 0);
		if (read(gp[0], &b, 1) != 1)
			_exit(127);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	close(gp[0]);
	close(op[1]);
	close(ip[0]);
	*go = gp[1];
	*out = op[0];
	*in = ip[1];
	return pid;
}

/* Until @fd (the child's stdout) reads EOF, forwarding what it writes. */
static void wait_eof(struct profiler *p, int fd)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	char buf[4096];
	ssize_t n;

	for (;;) {
		if (poll(&pfd, 1, POLL_MS) > 0) {
			n = read(fd, buf, sizeof(buf));
			if (n <= 0)
				return;
			fwrite(buf, 1, n, stderr);
		}
		profile_poll(p);
	}
}

static void wait_for(struct profiler *p, double seconds)
{
	struct timespec t = { 0, POLL_MS * 1000000L };
	int i, n = seconds * 1000 / POLL_MS;

	for (i = 0; i < n; i++) {
		nanosleep(&t, NULL);
		profile_poll(p);
	}
}

static json_object *categories_json(const uint64_t *by_category)
{
	json_object *o = json_object_new_object();
	int c;

	for (c = 0; c < CAT_MAX; c++)
		json_object_object_add(o, category_name(c),
				       json_object_new_int64(by_category[c]));
	return o;
}

static json_object *proc_json(const struct profile_proc *proc)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "pid", json_object_new_int(proc->tgid));
	json_object_object_add(o, "comm", json_object_new_string(proc->comm));
	json_object_object_add(o, "samples",
			       json_object_new_int64(proc->samples));
	json_object_object_add(o, "stacks",
			       json_object_new_int64(proc->nstacks));
	json_object_object_add(o, "categories",
			       categories_json(proc->by_category));
	return o;
}

static void print_json(const struct cpu_profile *cp, pid_t child)
{
	json_object *o = json_object_new_object(), *arr, *drops;
	size_t i;

	json_object_object_add(o, "child", json_object_new_int(child));
	json_object_object_add(o, "frequency_hz",
			       json_object_new_int(cp->frequency_hz));
	json_object_object_add(o, "period_ns",
			       json_object_new_int64(cp->period_ns));
	json_object_object_add(o, "window_s",
			       json_object_new_double(cp->window_s));
	json_object_object_add(o, "samples", json_object_new_int64(cp->samples));
	json_object_object_add(o, "seen", json_object_new_int64(cp->seen));
	json_object_object_add(o, "idle", json_object_new_int64(cp->idle));
	json_object_object_add(o, "filtered",
			       json_object_new_int64(cp->filtered));
	drops = json_object_new_object();
	for (i = 0; i < PROFILE_DROP_MAX; i++)
		json_object_object_add(drops, drop_names[i],
				       json_object_new_int64(cp->drops[i]));
	json_object_object_add(o, "drops", drops);
	json_object_object_add(o, "frames", json_object_new_int64(cp->frames));
	json_object_object_add(o, "frames_symbolized",
			       json_object_new_int64(cp->frames_symbolized));
	json_object_object_add(o, "user_frames",
			       json_object_new_int64(cp->user_frames));
	json_object_object_add(o, "user_frames_symbolized",
			       json_object_new_int64(cp->user_frames_symbolized));
	json_object_object_add(o, "cfi", json_object_new_boolean(cp->cfi_on));
	json_object_object_add(o, "cfi_samples", json_object_new_int64(cp->cfi));
	json_object_object_add(o, "cfi_complete",
			       json_object_new_int64(cp->cfi_complete));
	json_object_object_add(o, "categories",
			       categories_json(cp->by_category));
	arr = json_object_new_array();
	for (i = 0; i < cp->nprocs; i++)
		json_object_array_add(arr, proc_json(&cp->procs[i]));
	json_object_object_add(o, "processes", arr);
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
	json_object_put(o);
}

/* Folded stacks rooted at their category, then the process. */
static void write_by_category(FILE *f, const struct cpu_profile *cp)
{
	const struct stack_count *st;
	size_t i, j;

	for (i = 0; i < cp->nprocs; i++) {
		for (j = 0; j < cp->procs[i].nstacks; j++) {
			st = &cp->procs[i].stacks[j];
			fprintf(f, "%s;%s%s%s %llu\n", category_name(st->category),
				cp->procs[i].comm, st->frames[0] ? ";" : "",
				st->frames, (unsigned long long)st->samples);
		}
	}
}

/* Folded stacks rooted at the process, then the category. */
static void write_by_process(FILE *f, const struct cpu_profile *cp)
{
	const struct stack_count *st;
	size_t i, j;

	for (i = 0; i < cp->nprocs; i++) {
		for (j = 0; j < cp->procs[i].nstacks; j++) {
			st = &cp->procs[i].stacks[j];
			fprintf(f, "%s;%s%s%s %llu\n", cp->procs[i].comm,
				category_name(st->category),
				st->frames[0] ? ";" : "", st->frames,
				(unsigned long long)st->samples);
		}
	}
}

static int write_folded(const char *path, const struct cpu_profile *cp,
			bool by_category)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "profrun: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (by_category)
		write_by_category(f, cp);
	else
		write_by_process(f, cp);
	return fclose(f) ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct args a = { 0 };
	int go = -1, out = -1, in = -1, status;
	struct profiler *p;
	struct cpu_profile cp;
	pid_t child = 0;
	char err[512];

	parse_args(argc, argv, &a);
	signal(SIGPIPE, SIG_IGN);
	if (a.cmd) {
		child = spawn(a.cmd, &go, &out, &in);
		if (child < 0) {
			perror("profrun: spawn");
			return 1;
		}
		a.pids[a.npids++] = child;
	}
	a.opts.tgids = a.pids;
	a.opts.ntgids = a.npids;
	a.opts.only_tgids = !a.all;
	if (profile_start(&p, &a.opts, err, sizeof(err))) {
		fprintf(stderr, "profrun: %s\n", err);
		if (child > 0)
			kill(child, SIGKILL);
		return 1;
	}
	if (a.cmd) {
		if (write(go, "g", 1) != 1)
			perror("profrun: start child");
		wait_eof(p, out);
	} else {
		wait_for(p, a.duration_s);
	}
	profile_stop(p);
	if (profile_read(p, &cp)) {
		fprintf(stderr, "profrun: reading the profile failed\n");
		return 1;
	}
	if (child > 0) {
		close(in);
		waitpid(child, &status, 0);
	}
	print_json(&cp, child);
	if (a.folded && write_folded(a.folded, &cp, a.by_category))
		return 1;
	cpu_profile_free(&cp);
	profile_free(p);
	return 0;
}
