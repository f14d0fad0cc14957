// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "engine.h"
#include "commands.h"
#include "component.h"
#include "probes.h"
#include "runjson.h"
#include "table.h"
#include "smp.h"
#include <math.h>
#include <json-c/json.h>
#include "workload.h"
#include "array.h"
#include "cpucat.h"
#include "sampler.h"
#include <stdlib.h>

static const char usage[] =
"usage: meshprof record [-d SECONDS] [-o FILE.json] [--rules FILE] [-v]\n"
"\n"
"Attaches to the kernel, counts for the window (or until SIGINT/SIGTERM),\n"
"prints the per-component table and writes the run as JSON.\n"
"\n"
"  -d, --duration SECONDS   length of the window (default 10)\n"
"  -o, --output FILE        write the run as JSON (docs/json.md)\n"
"      --rules FILE         extra classification rules (docs/rules.md)\n"
"      --requests N         requests served in the window (else counted at\n"
"                           application sockets)\n"
"      --loadgen FILE       the load generator's JSON report: requests and\n"
"                           client latency (read when the window ends)\n"
"      --cpu-capacity CORES CPU assigned to the workload (default: node CPUs)\n"
"      --btf FILE           BTF for CO-RE when the kernel has none\n"
"      --max-procs N        processes tracked in the kernel (default 8192)\n"
"      --attach MODE        auto (tp_btf, else raw_tp) or raw_tp\n"
"      --sock-source SRC    auto (sock tracepoints, else syscalls) or syscalls\n"
"  -F, --frequency HZ       CPU profile samples per second per CPU (default\n"
"                           49; 0: no profile; 999 for lab runs)\n"
"      --only mesh          profile only mesh components and apps\n"
"      --categories FILE    extra CPU category rules (docs/attribution.md)\n"
"      --folded FILE        folded stacks for flame graphs, rooted at\n"
"                           component and category\n"
"      --no-cfi             user stacks by frame pointers only, without\n"
"                           the .eh_frame walk (docs/attribution.md)\n"
"      --no-latency         no per-hop latency or exchange counts: the\n"
"                           cheapest socket accounting (docs/latency.md)\n"
"      --weights SPEC       MeshMark weights, e.g. cpu_share=0.2,rss=-0.1\n"
"                           (each -0.5..0.5; docs/meshmark.md)\n"
"      --format FMT         of the -o file: meshprof (default) or smp\n"
"  -q, --quiet              no table on stdout\n"
"  -v, --verbose            libbpf and verifier messages on stderr\n"
"  -h, --help\n";

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

struct record_args {
	double duration;
	const char *output;
	const char *rules;
	uint64_t requests;
	const char *loadgen;
	double cpu_capacity;
	struct score_opts score;
	unsigned int frequency;
	bool only_mesh;
	const char *categories;
	bool no_cfi;
	const char *folded;
	bool quiet;
	bool verbose;
	struct collect_opts collect;
};

static int parse_args(int argc, char **argv, struct record_args *a)
{
	enum { OPT_RULES = 256, OPT_BTF, OPT_MAX_PROCS, OPT_ATTACH, OPT_SOCK,
	       OPT_REQUESTS, OPT_LOADGEN, OPT_CAPACITY, OPT_ONLY, OPT_CATEGORIES,
	       OPT_FOLDED, OPT_NO_LATENCY, OPT_NO_CFI };
	static const struct option opts[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "rules", required_argument, NULL, OPT_RULES },
		{ "btf", required_argument, NULL, OPT_BTF },
		{ "max-procs", required_argument, NULL, OPT_MAX_PROCS },
		{ "attach", required_argument, NULL, OPT_ATTACH },
		{ "sock-source", required_argument, NULL, OPT_SOCK },
		{ "requests", required_argument, NULL, OPT_REQUESTS },
		{ "loadgen", required_argument, NULL, OPT_LOADGEN },
		{ "cpu-capacity", required_argument, NULL, OPT_CAPACITY },
		SCORE_OPTIONS,
		{ "frequency", required_argument, NULL, 'F' },
		{ "only", required_argument, NULL, OPT_ONLY },
		{ "categories", required_argument, NULL, OPT_CATEGORIES },
		{ "folded", required_argument, NULL, OPT_FOLDED },
		{ "no-latency", no_argument, NULL, OPT_NO_LATENCY },
		{ "no-cfi", no_argument, NULL, OPT_NO_CFI },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	double n;
	int c;

	while ((c = getopt_long(argc, argv, "d:o:F:qvh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (parse_number(optarg, 0.001, 86400 * 365, &a->duration)) {
				errorf("record", "invalid duration '%s' (seconds, > 0)", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'o':
			a->output = optarg;
			break;
		case OPT_RULES:
			a->rules = optarg;
			break;
		case OPT_BTF:
			a->collect.btf_path = optarg;
			break;
		case OPT_MAX_PROCS:
			if (parse_number(optarg, 64, 1 << 22, &n) || n != (int)n) {
				errorf("record", "invalid --max-procs '%s' (64..4194304)", optarg);
				return EXIT_USAGE;
			}
			a->collect.max_procs = n;
			break;
		case OPT_ATTACH:
			if (!strcmp(optarg, "auto"))
				a->collect.attach = ATTACH_AUTO;
			else if (!strcmp(optarg, "raw_tp"))
				a->collect.attach = ATTACH_RAW_TP;
			else {
				errorf("record", "invalid --attach '%s' (auto or raw_tp)", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_SOCK:
			if (!strcmp(optarg, "auto"))
				a->collect.sock = SOCK_AUTO;
			else if (!strcmp(optarg, "syscalls"))
				a->collect.sock = SOCK_SYSCALLS;
			else {
				errorf("record", "invalid --sock-source '%s' (auto or syscalls)", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_REQUESTS:
			if (parse_number(optarg, 1, 1e15, &n) || n != (uint64_t)n) {
				errorf("record", "invalid --requests '%s' (a count > 0)", optarg);
				return EXIT_USAGE;
			}
			a->requests = n;
			break;
		case OPT_LOADGEN:
			a->loadgen = optarg;
			break;
		case OPT_CAPACITY:
			if (parse_number(optarg, 0.001, 1e6, &a->cpu_capacity)) {
				errorf("record", "invalid --cpu-capacity '%s' (cores > 0)", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_WEIGHTS:
		case OPT_FORMAT:
			if (parse_score_option("record", c, optarg, &a->score))
				return EXIT_USAGE;
			break;
		case 'F':
			if (parse_number(optarg, 0, 100000, &n) || n != (int)n) {
				errorf("record", "invalid frequency '%s' (samples per second, 0 for none)", optarg);
				return EXIT_USAGE;
			}
			a->frequency = n;
			break;
		case OPT_ONLY:
			if (strcmp(optarg, "mesh")) {
				errorf("record", "invalid --only '%s' (mesh)", optarg);
				return EXIT_USAGE;
			}
			a->only_mesh = true;
			break;
		case OPT_CATEGORIES:
			a->categories = optarg;
			break;
		case OPT_FOLDED:
			a->folded = optarg;
			break;
		case OPT_NO_LATENCY:
			a->collect.no_latency = true;
			break;
		case OPT_NO_CFI:
			a->no_cfi = true;
			break;
		case 'q':
			a->quiet = true;
			break;
		case 'v':
			a->verbose = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return -1;
		default:
			bad_option("record", argv);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		errorf("record", "unexpected argument '%s' (see --help)", argv[optind]);
		return EXIT_USAGE;
	}
	return 0;
}

static void node_facts(struct run *run)
{
	struct utsname u;

	if (!uname(&u)) {
		snprintf(run->hostname, sizeof(run->hostname), "%s", u.nodename);
		snprintf(run->kernel, sizeof(run->kernel), "%s", u.release);
	}
	run->cpus = sysconf(_SC_NPROCESSORS_ONLN);
}

/* Counts until the window ends or a signal asks us to stop. */
static int wait_window(struct collector *col, struct profiler *prof,
		       double duration)
{
	struct timespec now, end;
	time_t polled = 0;
	long left_ms;
	int err;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += (time_t)duration;
	end.tv_nsec += (long)((duration - (time_t)duration) * 1e9);
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	while (!stop) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		left_ms = (end.tv_sec - now.tv_sec) * 1000 +
			  (end.tv_nsec - now.tv_nsec) / 1000000;
		if (left_ms <= 0)
			break;
		err = collect_poll(col, left_ms < 100 ? left_ms : 100);
		if (err)
			return err;
		/* Maps of newly sampled processes, while they are alive. */
		if (prof && now.tv_sec != polled) {
			profile_poll(prof);
			polled = now.tv_sec;
		}
	}
	return 0;
}

/* Fails before recording rather than after a long window. */
static int check_writable(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		errorf("record", "%s: cannot write: %s", path, strerror(errno));
		return -1;
	}
	fclose(f);
	return 0;
}

static int write_run(const struct run *run, const struct meshmark *mm,
		     bool smp, const char *path)
{
	struct json_object *root;
	char err[512];
	int rc;

	if (smp) {
		root = smp_json(run, isnan(mm->score) ? NULL : mm);
	} else {
		root = run_to_json(run);
		json_object_object_add(root, "mue", isnan(mm->score) ?
				       NULL : mue_to_json(mm));
		json_object_object_add(root, "meshmark", isnan(mm->score) ?
				       NULL : meshmark_to_json(mm));
	}
	rc = json_write_file(root, path, err, sizeof(err));
	json_object_put(root);
	if (rc)
		errorf("record", "%s", err);
	return rc;
}

static int describe_workload(struct run *run, const struct record_args *a)
{
	char err[512];

	run->cpu_capacity_cores = a->cpu_capacity;
	run->latency_p50_s = run->latency_p99_s = -1;
	if (a->loadgen &&
	    workload_read_loadgen(run, a->loadgen, err, sizeof(err))) {
		errorf("record", "%s", err);
		return -1;
	}
	if (a->requests) {
		run->requests = a->requests;
		snprintf(run->requests_source, sizeof(run->requests_source),
			 "command-line");
	}
	workload_count_requests(run);
	return 0;
}

/* The CPU profiler beside the collector: which processes it may sample. */
struct profiling {
	struct profiler *prof;
	struct cpu_profile cp;
	bool only_mesh;
	pid_t *pids;		/* of interest before the profiler started */
	size_t npids, cap;
};

static void on_process(void *arg, uint32_t pid, bool of_interest)
{
	struct profiling *pf = arg;
	pid_t *p;

	if (pf->prof) {
		if (of_interest || !pf->only_mesh) {
			profile_allow(pf->prof, pid);
			profile_snapshot(pf->prof, pid);
		}
		return;
	}
	if (!of_interest)
		return;
	/* Out of memory: the process is simply not profiled. */
	p = array_push((void **)&pf->pids, &pf->npids, &pf->cap, sizeof(*p));
	if (p)
		*p = pid;
}

static int start_profile(struct profiling *pf, const struct record_args *a)
{
	struct profile_opts po = {
		.frequency_hz = a->frequency,
		.tgids = pf->pids,
		.ntgids = pf->npids,
		.only_tgids = a->only_mesh,
		.categories = a->categories,
		.no_cfi = a->no_cfi,
		.verbose = a->verbose,
	};
	char err[512];

	if (!a->frequency)
		return 0;
	if (profile_start(&pf->prof, &po, err, sizeof(err))) {
		errorf("record", "%s", err);
		return -1;
	}
	return 0;
}

/* Stops the profiler and folds its categories into the run's processes. */
static int finish_profile(struct profiling *pf, struct run *run)
{
	if (!pf->prof)
		return 0;
	profile_stop(pf->prof);
	if (profile_collect(pf->prof, &pf->cp)) {
		errorf("record", "reading the CPU profile failed");
		return -1;
	}
	cpucat_fold(run, &pf->cp);
	return 0;
}

static void free_profile(struct profiling *pf)
{
	cpu_profile_free(&pf->cp);
	profile_free(pf->prof);
	free(pf->pids);
}

static int load_rules(struct ruleset *rules, const char *path)
{
	char err[512];

	if (path && rules_load(rules, path, err, sizeof(err))) {
		errorf("record", "%s", err);
		return -1;
	}
	if (rules_add_builtin(rules)) {
		errorf("record", "out of memory");
		return -1;
	}
	return 0;
}

int cmd_record(int argc, char **argv)
{
	struct record_args a = {
		.duration = 10,
		.frequency = PROFILE_DEFAULT_HZ,
		.collect = { .max_procs = 8192 },
	};
	struct sigaction sa = { .sa_handler = on_signal };
	struct ruleset rules = {};
	struct collector *col = NULL;
	struct profiling pf = {};
	struct meshmark mm = {};
	struct run run = {};
	char err[512];
	int rc = 1;

	rc = parse_args(argc, argv, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	rc = 1;
	collect_set_verbose(a.verbose);
	if ((a.output && check_writable(a.output)) ||
	    (a.folded && check_writable(a.folded)))
		goto cleanup;
	if (load_rules(&rules, a.rules))
		goto cleanup;
	if (probe_privileges(err, sizeof(err)) ||
	    probe_btf(a.collect.btf_path, err, sizeof(err))) {
		errorf("record", "%s", err);
		goto cleanup;
	}
	if (ensure_tracefs(err, sizeof(err)))
		errorf("record", "warning: %s; syscall tracepoints unavailable", err);

	a.collect.rules = &rules;
	a.collect.on_process = on_process;
	a.collect.on_process_arg = &pf;
	pf.only_mesh = a.only_mesh;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (collect_start(&col, &a.collect, &run, err, sizeof(err))) {
		errorf("record", "%s", err);
		goto cleanup;
	}
	if (start_profile(&pf, &a))
		goto cleanup;
	fprintf(stderr, "meshprof: recording for %.1f s (Ctrl-C to stop early)\n",
		a.duration);
	if (wait_window(col, pf.prof, a.duration)) {
		errorf("record", "reading events failed");
		goto cleanup;
	}
	collect_stop(col);
	if (finish_profile(&pf, &run))
		goto cleanup;
	node_facts(&run);
	if (attribute(&run, &rules)) {
		errorf("record", "out of memory");
		goto cleanup;
	}
	if (a.folded && pf.prof &&
	    cpucat_write_folded(&run, &pf.cp, a.folded, err, sizeof(err))) {
		errorf("record", "%s", err);
		goto cleanup;
	}
	if (describe_workload(&run, &a))
		goto cleanup;
	meshmark_single(&run, &a.score.weights, &mm);
	if (!a.quiet)
		print_run(stdout, &run, &mm);
	if (a.output && write_run(&run, &mm, a.score.smp, a.output))
		goto cleanup;
	rc = 0;
cleanup:
	free_profile(&pf);
	collect_free(col);
	meshmark_free(&mm);
	run_free(&run);
	rules_free(&rules);
	return rc;
}
