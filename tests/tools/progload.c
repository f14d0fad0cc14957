// SPDX-License-Identifier: GPL-2.0
/*
 * Test driver: asks this kernel's verifier about every BPF program of
 * meshprof, one at a time, in every flavour (tp_btf, raw_tp, syscall
 * tracepoints; the sampler with and without the CFI walk), whatever the
 * record command would choose. One "ok"/"not ok" line per program whose
 * attach point the kernel has (tests/lib.sh); a "#" line for the others.
 * A rejection prints the verifier's last lines (-v: its whole log).
 *
 *   progload [-v] [PROGRAM...]
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "meshprof.skel.h"
#include "profile.skel.h"
#include "probes.h"

#define LOG_SIZE (16u << 20)
#define TAIL_LINES 4

/* One way to open an object: the record command's or the sampler's, with
 * the read-only settings that decide which code the verifier sees. */
struct variant {
	const char *label;		/* appended to program names */
	void *(*open)(struct bpf_object **obj);
	void (*destroy)(void *skel);
};

static bool verbose;
static char *log_buf;
static int failures;
static char **only;	/* NULL-terminated program names; NULL: all */

static void *open_meshprof(struct bpf_object **obj)
{
	struct meshprof_bpf *s = meshprof_bpf__open();

	if (s)
		*obj = s->obj;
	return s;
}

static void destroy_meshprof(void *s)
{
	meshprof_bpf__destroy(s);
}

static void *open_sampler(struct bpf_object **obj, bool cfi)
{
	struct profile_bpf *s = profile_bpf__open();

	if (!s)
		return NULL;
	*obj = s->obj;
	s->rodata->cfi_unwind = cfi;
	s->rodata->filter_tgids = cfi;	/* each branch in one variant */
	return s;
}

static void *open_sampler_cfi(struct bpf_object **obj)
{
	return open_sampler(obj, true);
}

static void *open_sampler_fp(struct bpf_object **obj)
{
	return open_sampler(obj, false);
}

static void destroy_sampler(void *s)
{
	profile_bpf__destroy(s);
}

static const struct variant variants[] = {
	{ "", open_meshprof, destroy_meshprof },
	{ " (CFI walk)", open_sampler_cfi, destroy_sampler },
	{ " (frame pointers)", open_sampler_fp, destroy_sampler },
};

static int quiet_print(enum libbpf_print_level level, const char *fmt,
		       va_list args)
{
	return 0;
}

static bool wanted(const char *name)
{
	char **p;

	if (!only || !*only)
		return true;
	for (p = only; *p; p++)
		if (!strcmp(*p, name))
			return true;
	return false;
}

/* Whether the kernel has what program section @sec attaches to; *what
 * names it otherwise. */
static bool attach_point_exists(const char *sec, const char **what)
{
	const char *tp;

	*what = sec;
	if (!strncmp(sec, "tp_btf/", 7))
		return probe_tp_btf(sec + 7);
	if (!strncmp(sec, "raw_tp/", 7))
		return probe_raw_tp(sec + 7);
	if (!strncmp(sec, "tracepoint/", 11)) {
		tp = strchr(sec + 11, '/');
		return tp && tracepoint_exists("syscalls", tp + 1);
	}
	return true;	/* perf_event: any kernel with BPF */
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1e3 + (t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* The last @n lines of the verifier log: where it gave up, and why. */
static void print_tail(const char *log, int n)
{
	const char *p = log + strlen(log);

	while (p > log && p[-1] == '\n')
		p--;
	while (p > log && n > 0)
		if (*--p == '\n')
			n--;
	if (*p == '\n')
		p++;
	for (const char *line = p; *line; ) {
		size_t len = strcspn(line, "\n");

		printf("#   %.*s\n", (int)len, line);
		line += len + (line[len] == '\n');
	}
}

static __u32 verified_insns(int prog_fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return 0;
	return info.verified_insns;
}

/* Loads program @idx of @v's object alone; reports it. */
static void try_one(const struct variant *v, int idx)
{
	struct bpf_program *prog, *target = NULL;
	const char *name, *what;
	struct bpf_object *obj;
	struct timespec t0;
	int i = 0, err;
	void *skel;

	skel = v->open(&obj);
	if (!skel) {
		printf("not ok opening the BPF object%s: %s\n", v->label,
		       strerror(errno));
		failures++;
		return;
	}
	bpf_object__for_each_program(prog, obj) {
		bpf_program__set_autoload(prog, i++ == idx);
		if (i - 1 == idx)
			target = prog;
	}
	name = bpf_program__name(target);
	if (!wanted(name)) {
		v->destroy(skel);
		return;
	}
	if (!attach_point_exists(bpf_program__section_name(target), &what)) {
		printf("# %s%s: this kernel lacks %s\n", name, v->label, what);
		v->destroy(skel);
		return;
	}
	log_buf[0] = 0;
	bpf_program__set_log_buf(target, log_buf, LOG_SIZE);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = bpf_object__load(obj);
	if (err) {
		printf("not ok %s%s loads: %s\n", name, v->label, strerror(-err));
		if (verbose)
			fputs(log_buf, stdout);
		else
			print_tail(log_buf, TAIL_LINES);
		failures++;
	} else {
		printf("ok %s%s loads (%u insns verified, %.0f ms)\n", name,
		       v->label, verified_insns(bpf_program__fd(target)),
		       ms_since(&t0));
	}
	v->destroy(skel);
}

static int count_programs(const struct variant *v)
{
	struct bpf_program *prog;
	struct bpf_object *obj;
	int n = 0;
	void *skel;

	skel = v->open(&obj);
	if (!skel)
		return 1;	/* try_one() reports the failure */
	bpf_object__for_each_program(prog, obj)
		n++;
	v->destroy(skel);
	return n;
}

int main(int argc, char **argv)
{
	char err[256];

	verbose = argc > 1 && !strcmp(argv[1], "-v");
	only = argv + 1 + verbose;
	libbpf_set_print(quiet_print);
	log_buf = malloc(LOG_SIZE);
	if (!log_buf || ensure_tracefs(err, sizeof(err))) {
		fprintf(stderr, "progload: %s\n", log_buf ? err : "out of memory");
		return 1;
	}
	for (size_t v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
		int n = count_programs(&variants[v]);

		for (int i = 0; i < n; i++)
			try_one(&variants[v], i);
	}
	return failures ? 1 : 0;
}
