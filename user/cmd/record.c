// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "bpfload.h"
#include "clock.h"
#include "commands.h"
#include "component.h"
#include "derive.h"
#include "engine.h"
#include "folded.h"
#include "node.h"
#include "outfile.h"
#include "probes.h"
#include "sampler.h"

/* How often the window's numbers are read and folded into the run: the
 * kernel's maps and meshprof's memory stay small however long it lasts. */
#define READ_INTERVAL_NS 1000000000ULL
/* The shortest window taken: its edges (counting on and off, the last
 * read) take a few milliseconds on a busy node. */
#define MIN_WINDOW_S 0.1
/* Exited processes listed one by one, by default (attribute_fold). */
#define MAX_EXITED 1024

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
"      --max-exited N       exited processes listed one by one (default\n"
"                           1024); the others are folded into their\n"
"                           components\n"
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
"      --debug-dir DIR      debug files of stripped binaries, found by\n"
"                           build ID as DIR/.build-id/xx/rest.debug;\n"
"                           before /usr/lib/debug (up to 8 times)\n"
"      --no-inline          no inlined calls from DWARF in the stacks\n"
"      --no-latency         no per-hop latency or exchange counts: the\n"
"                           cheapest socket accounting (docs/latency.md)\n"
"      --weights SPEC       MeshMark weights, e.g. cpu_share=0.2,rss=-0.1\n"
"                           (each -0.5..0.5; docs/meshmark.md)\n"
"      --format FMT         of the -o file: meshprof (default) or smp\n"
"      --html FILE          the run as one self-contained page (docs/html.md)\n"
"  -q, --quiet              no table on stdout\n"
"  -v, --verbose            libbpf and verifier messages on stderr\n"
"  -h, --help\n";

/* The signal that asked to stop, 0 while none did. */
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

struct record_args {
	struct score_opts score;
	double duration;
	const char *output;
	const char *rules;
	struct workload_opts workload;
	const char *folded;
	const char *html;
	bool quiet;
	size_t max_exited;
	struct engine_opts engine;
};

static int opt_duration(const char *cmd, void *args, const char *arg)
{
	return number_option(cmd, arg, "duration", "seconds, at least 0.1",
			     MIN_WINDOW_S, 86400 * 365, false,
			     &((struct record_args *)args)->duration);
}

static int opt_output(const char *cmd, void *args, const char *arg)
{
	((struct record_args *)args)->output = arg;
	return 0;
}

static int opt_rules(const char *cmd, void *args, const char *arg)
{
	((struct record_args *)args)->rules = arg;
	return 0;
}

static int opt_max_exited(const char *cmd, void *args, const char *arg)
{
	double n;

	if (number_option(cmd, arg, "--max-exited", "0..4194304", 0, 1 << 22,
			  true, &n))
		return EXIT_USAGE;
	((struct record_args *)args)->max_exited = n;
	return 0;
}

static int opt_attach(const char *cmd, void *args, const char *arg)
{
	struct accounting_opts *o = &((struct record_args *)args)->engine.acct;

	if (!strcmp(arg, "auto") || !strcmp(arg, "raw_tp")) {
		o->attach = strcmp(arg, "auto") ? ATTACH_RAW_TP : ATTACH_AUTO;
		return 0;
	}
	errorf(cmd, "invalid --attach '%s' (auto or raw_tp)", arg);
	return EXIT_USAGE;
}

static int opt_sock(const char *cmd, void *args, const char *arg)
{
	struct accounting_opts *o = &((struct record_args *)args)->engine.acct;

	if (!strcmp(arg, "auto") || !strcmp(arg, "syscalls")) {
		o->sock = strcmp(arg, "auto") ? SOCK_SYSCALLS : SOCK_AUTO;
		return 0;
	}
	errorf(cmd, "invalid --sock-source '%s' (auto or syscalls)", arg);
	return EXIT_USAGE;
}

static int opt_folded(const char *cmd, void *args, const char *arg)
{
	((struct record_args *)args)->folded = arg;
	return 0;
}

static int opt_html(const char *cmd, void *args, const char *arg)
{
	((struct record_args *)args)->html = arg;
	return 0;
}

static int opt_quiet(const char *cmd, void *args, const char *arg)
{
	((struct record_args *)args)->quiet = true;
	return 0;
}

static const struct cmd_opt record_opts[] = {
	{ "duration", 'd', true, opt_duration },
	{ "output", 'o', true, opt_output },
	{ "rules", 0, true, opt_rules },
	{ "max-exited", 0, true, opt_max_exited },
	{ "attach", 0, true, opt_attach },
	{ "sock-source", 0, true, opt_sock },
	WORKLOAD_OPTIONS(struct record_args, workload),
	SCORE_OPTIONS(struct record_args, score),
	ENGINE_OPTIONS(struct record_args, engine),
	{ "folded", 0, true, opt_folded },
	{ "html", 0, true, opt_html },
	{ "quiet", 'q', false, opt_quiet },
	{}
};

static int parse_args(int argc, char **argv, struct record_args *a)
{
	int rc = parse_options("record", usage, record_opts, argc, argv, a);

	if (rc)
		return rc;
	if (optind < argc) {
		errorf("record", "unexpected argument '%s' (see --help)", argv[optind]);
		return EXIT_USAGE;
	}
	return 0;
}

/* Folds what the engine counted since its last read into @run, and the
 * exited processes beyond the cap into their components. */
static int read_into(struct engine *e, struct run *run,
		     const struct record_args *a)
{
	struct run delta = {};
	int rc = engine_read(e, &delta) || run_merge(run, &delta) ||
		 attribute_fold(run, a->engine.rules, a->max_exited) ? -1 : 0;

	run_free(&delta);
	return rc;
}

/*
 * Counts until the window ends or a signal asks us to stop. The window is
 * timed from when the engine opened it, and no periodic read starts in
 * its last half second: a read takes time, which would stretch it.
 */
static int wait_window(struct engine *e, struct run *run,
		       const struct record_args *a)
{
	uint64_t start = engine_opened_ns(e), end, next_read, now;
	int err;

	end = start + (uint64_t)(a->duration * 1e9);
	next_read = start + READ_INTERVAL_NS;
	while (!stop) {
		now = mono_ns();
		if (now >= end)
			break;
		err = engine_poll(e, end - now < 100000000ULL ?
				     (end - now) / 1000000 : 100);
		if (err)
			return err;
		now = mono_ns();
		if (now >= next_read && now + READ_INTERVAL_NS / 2 < end) {
			if (read_into(e, run, a))
				return -ENOMEM;
			next_read += READ_INTERVAL_NS;
		}
	}
	return 0;
}

/*
 * Tests send themselves a signal at a phase of the run, where timing from
 * outside would not be deterministic: MESHPROF_TEST_SIGNAL_AT=prepare,
 * load, window or write; MESHPROF_TEST_SIGNAL=TERM for SIGTERM.
 */
static void test_signal(const char *phase)
{
	const char *at = getenv("MESHPROF_TEST_SIGNAL_AT");
	const char *sig = getenv("MESHPROF_TEST_SIGNAL");

	if (at && !strcmp(at, phase))
		raise(sig && !strcmp(sig, "TERM") ? SIGTERM : SIGINT);
}

/* 128 + the signal after a message when one came before the window
 * opened (nothing is recorded then), else 0. */
static int interrupted(void)
{
	if (!stop)
		return 0;
	errorf("record", "stopped by %s before the window opened: nothing recorded",
	       stop == SIGINT ? "SIGINT" : "SIGTERM");
	return 128 + stop;
}

/* Fails before recording rather than after a long window. */
static int check_outputs(const struct record_args *a)
{
	char err[512];

	if ((a->output && outfile_check(a->output, err, sizeof(err))) ||
	    (a->folded && outfile_check(a->folded, err, sizeof(err))) ||
	    (a->html && outfile_check(a->html, err, sizeof(err)))) {
		errorf("record", "%s", err);
		return -1;
	}
	return 0;
}

/* Everything the run needs before its window: 0, or an exit code after a
 * message. */
static int prepare(struct record_args *a, struct ruleset *rules)
{
	char err[512];

	if (check_outputs(a) || load_rules("record", rules, a->rules))
		return 1;
	test_signal("prepare");
	if (probe_privileges(err, sizeof(err)) ||
	    probe_btf(a->engine.acct.btf_path, err, sizeof(err))) {
		errorf("record", "%s", err);
		return 1;
	}
	if (ensure_tracefs(err, sizeof(err)))
		errorf("record", "warning: %s; syscall tracepoints unavailable", err);
	a->engine.rules = rules;
	return 0;
}

/* The window's numbers attributed, scored and written out. */
static int finish(struct run *run, const struct record_args *a,
		  const struct ruleset *rules)
{
	char err[512];

	run_finish(run);
	node_facts(run);
	if (attribute(run, rules)) {
		errorf("record", "out of memory");
		return 1;
	}
	if (a->folded && run->profile.hz &&
	    folded_write(run, a->folded, err, sizeof(err))) {
		errorf("record", "%s", err);
		return 1;
	}
	if (describe_workload("record", run, &a->workload))
		return 1;
	run_derive(run, &a->score.weights);
	if (!a->quiet)
		print_run(stdout, run);
	test_signal("write");
	if (a->output && write_run("record", run, a->score.smp, a->output))
		return 1;
	if (a->html && write_html("record", run, a->html))
		return 1;
	return 0;
}

int cmd_record(int argc, char **argv)
{
	struct record_args a = {
		.duration = 10,
		.max_exited = MAX_EXITED,
		.engine = {
			.acct = { .max_procs = 8192 },
			.frequency_hz = PROFILE_DEFAULT_HZ,
		},
	};
	struct sigaction sa = { .sa_handler = on_signal };
	struct ruleset rules = {};
	struct engine *eng = NULL;
	struct run run = {};
	char err[512];
	int rc;

	/* From the start: a signal at any moment is handled (docs/hardening.md).
	 * A closed stdout must not cost the -o file. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	rc = parse_args(argc, argv, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	bpfload_set_verbose(a.engine.verbose);
	rc = prepare(&a, &rules);
	if (rc || (rc = interrupted()))
		goto cleanup;
	rc = 1;
	test_signal("load");
	if (engine_open(&eng, &a.engine, err, sizeof(err)) && !stop) {
		errorf("record", "%s", err);
		goto cleanup;
	}
	/* Asked to stop while loading or attaching: detach, write nothing. */
	if ((rc = interrupted()))
		goto cleanup;
	rc = 1;
	test_signal("window");
	fprintf(stderr, "meshprof: recording for %.1f s (Ctrl-C to stop early)\n",
		a.duration);
	if (wait_window(eng, &run, &a)) {
		errorf("record", "reading events failed");
		goto cleanup;
	}
	engine_stop(eng);
	if (read_into(eng, &run, &a)) {
		errorf("record", "out of memory");
		goto cleanup;
	}
	rc = finish(&run, &a, &rules);
cleanup:
	engine_close(eng);
	run_free(&run);
	rules_free(&rules);
	return rc;
}
