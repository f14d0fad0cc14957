// SPDX-License-Identifier: GPL-2.0
/*
 * meshprof serve: the collector engine read every interval, for days,
 * into Prometheus series (output/prom.h) that an HTTP thread serves
 * (serve_http.h). The collecting thread builds the exposition after each
 * read and hands it over whole; clients only ever copy the latest one.
 */
#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/resource.h>
#include "bpfload.h"
#include "clock.h"
#include "commands.h"
#include "component.h"
#include "derive.h"
#include "engine.h"
#include "node.h"
#include "probes.h"
#include "procfs.h"
#include "prom.h"
#include "sampler.h"
#include "serve_http.h"
#include "usage.h"
#include "workload.h"

#define DEFAULT_LISTEN "127.0.0.1:9437"

static const char usage[] =
"usage: meshprof serve [--listen ADDR:PORT] [--interval SECONDS] [--rules FILE]\n"
"                      [--kubelet-logs DIR] [--node NAME] [options]\n"
"\n"
"Keeps the probes attached, reads them every interval and serves the\n"
"numbers per component as Prometheus metrics on /metrics (OpenMetrics when\n"
"the Accept header asks for it), and /healthz (docs/prometheus.md).\n"
"SIGTERM or SIGINT stop it; SIGHUP reads the rules file again.\n"
"\n"
"      --listen ADDR:PORT   where to serve (default " DEFAULT_LISTEN ")\n"
"      --interval SECONDS   how often the kernel's maps are read (default 5)\n"
"      --rules FILE         extra classification rules (docs/rules.md)\n"
"      --kubelet-logs DIR   the kubelet's log root, with pods/ and containers/,\n"
"                           for pod names (default /var/log)\n"
"      --node NAME          the node label (default: $NODE_NAME, else the\n"
"                           host name)\n"
"      --series-ttl SECONDS a component not seen this long loses its series\n"
"                           (default 300)\n"
"      --max-series N       component series kept at most (default 5000)\n"
"      --window SECONDS     MUE and MeshMark over the last SECONDS (default 60)\n"
"      --btf FILE           BTF for CO-RE when the kernel has none\n"
"      --max-procs N        processes tracked in the kernel (default 8192)\n"
"  -F, --frequency HZ       CPU profile samples per second per CPU (default\n"
"                           49; 0: no profile, no CPU categories)\n"
"      --only mesh          profile only mesh components and apps\n"
"      --categories FILE    extra CPU category rules (docs/attribution.md)\n"
"      --no-cfi             user stacks by frame pointers only\n"
"      --debug-dir DIR      debug files of stripped binaries by build ID\n"
"      --no-inline          no inlined calls from DWARF in the stacks\n"
"      --no-latency         no per-hop latency or exchange counts\n"
"  -v, --verbose            libbpf and verifier messages on stderr\n"
"  -h, --help\n";

static volatile sig_atomic_t stop, reload;

static void on_stop(int sig)
{
	stop = 1;
}

static void on_hup(int sig)
{
	reload = 1;
}

struct serve_args {
	struct engine_opts engine;
	const char *listen;
	double interval;
	const char *rules;
	const char *node;
	double ttl;
	double max_series;
	double window;
};

static struct serve_args *sa(void *args)
{
	return args;
}

static int opt_listen(const char *cmd, void *args, const char *arg)
{
	sa(args)->listen = arg;
	return 0;
}

static int opt_interval(const char *cmd, void *args, const char *arg)
{
	return number_option(cmd, arg, "--interval", "seconds, 0.1..3600", 0.1,
			     3600, false, &sa(args)->interval);
}

static int opt_rules(const char *cmd, void *args, const char *arg)
{
	sa(args)->rules = arg;
	return 0;
}

static int opt_kubelet(const char *cmd, void *args, const char *arg)
{
	sa(args)->engine.kubelet_logs = arg;
	return 0;
}

static int opt_node(const char *cmd, void *args, const char *arg)
{
	sa(args)->node = arg;
	return 0;
}

static int opt_ttl(const char *cmd, void *args, const char *arg)
{
	return number_option(cmd, arg, "--series-ttl", "seconds, 1..86400", 1,
			     86400, false, &sa(args)->ttl);
}

static int opt_max_series(const char *cmd, void *args, const char *arg)
{
	return number_option(cmd, arg, "--max-series", "1..1000000", 1, 1e6,
			     true, &sa(args)->max_series);
}

static int opt_window(const char *cmd, void *args, const char *arg)
{
	return number_option(cmd, arg, "--window", "seconds, 1..3600", 1, 3600,
			     false, &sa(args)->window);
}

static const struct cmd_opt serve_opts[] = {
	{ "listen", 0, true, opt_listen },
	{ "interval", 0, true, opt_interval },
	{ "rules", 0, true, opt_rules },
	{ "kubelet-logs", 0, true, opt_kubelet },
	{ "node", 0, true, opt_node },
	{ "series-ttl", 0, true, opt_ttl },
	{ "max-series", 0, true, opt_max_series },
	{ "window", 0, true, opt_window },
	ENGINE_OPTIONS(struct serve_args, engine),
	{}
};

/* What serve keeps between reads. */
struct server {
	struct serve_args *a;
	struct ruleset rules;
	struct engine *eng;
	struct prom_store *store;
	struct http_server *http;
	char node[256];
	struct run *ring;		/* the reads of the MeshMark window */
	size_t nring, ring_next;
	struct run window;		/* their merge, attributed and scored */
	bool scored;
	double update_seconds;
	double start_time;
};

/* SIGHUP: the new rules, or the old ones when the file has an error. */
static void reload_rules(struct server *s)
{
	struct ruleset fresh = {};

	reload = 0;
	if (load_rules("serve", &fresh, s->a->rules)) {
		errorf("serve", "rules not reloaded; the previous rules stay");
		rules_free(&fresh);
		return;
	}
	rules_free(&s->rules);
	s->rules = fresh;	/* the engine holds &s->rules */
	fprintf(stderr, "meshprof serve: rules reloaded\n");
}

static void node_name(struct server *s)
{
	const char *env = getenv("NODE_NAME");
	struct run here = {};

	if (s->a->node)
		snprintf(s->node, sizeof(s->node), "%s", s->a->node);
	else if (env && *env)
		snprintf(s->node, sizeof(s->node), "%s", env);
	else {
		node_facts(&here);
		snprintf(s->node, sizeof(s->node), "%s", here.hostname);
	}
}

/* ---- the MeshMark window ---- */

/*
 * What MeshMark needs of an attributed read: the processes of the
 * workload (apps and the mesh, score/usage.c), without their stacks. The
 * node's other processes, which come and go by the thousand on a busy
 * node, are not kept for the window, nor the components: the window is
 * attributed again as a whole.
 */
static void keep_workload(struct run *run)
{
	struct process *shrunk;
	size_t kept = 0;

	for (size_t i = 0; i < run->nprocs; i++) {
		struct process *p = &run->procs[i];
		enum role role = run->comps[p->component].role;

		if (role != ROLE_APP && !mesh_role(role)) {
			process_free(p);
			continue;
		}
		for (size_t k = 0; k < p->nstacks; k++)
			free(p->stacks[k].frames);
		free(p->stacks);
		p->stacks = NULL;
		p->nstacks = p->stacks_cap = 0;
		p->component = -1;
		run->procs[kept++] = *p;
	}
	/* The array had room for every process of the read. */
	run->nprocs = run->procs_cap = kept;
	if (!kept) {
		free(run->procs);
		run->procs = NULL;
	} else {
		shrunk = realloc(run->procs, kept * sizeof(*run->procs));
		run->procs = shrunk ? shrunk : run->procs;
	}
	for (size_t i = 0; i < run->ncomps; i++) {
		free(run->comps[i].pids);
		metrics_free(&run->comps[i].m);
	}
	free(run->comps);
	run->comps = NULL;
	run->ncomps = run->comps_cap = 0;
}

/* Keeps @delta (moved) as the newest read of the window and scores the
 * window's reads merged. */
static int score_window(struct server *s, struct run *delta)
{
	struct run *slot = &s->ring[s->ring_next];

	keep_workload(delta);
	run_free(slot);
	*slot = *delta;
	memset(delta, 0, sizeof(*delta));
	s->ring_next = (s->ring_next + 1) % s->nring;
	run_free(&s->window);
	s->scored = false;
	for (size_t i = 0; i < s->nring; i++) {
		size_t k = (s->ring_next + i) % s->nring;

		if (s->ring[k].seconds && run_merge(&s->window, &s->ring[k]))
			return -ENOMEM;
	}
	run_finish(&s->window);
	node_facts(&s->window);
	s->window.latency_p50_s = s->window.latency_p99_s = -1;
	if (attribute(&s->window, &s->rules))
		return -ENOMEM;
	workload_count_requests(&s->window);
	run_derive(&s->window, &(struct mm_weights){});
	s->scored = true;
	return 0;
}

/* ---- meshprof's own process ---- */

static uint64_t open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	uint64_t n = 0;

	if (!d)
		return 0;
	while (readdir(d))
		n++;
	closedir(d);
	return n > 3 ? n - 3 : 0;	/* ".", ".." and the one reading */
}

static void self_stats(struct server *s, struct prom_node *n)
{
	struct rusage ru;
	struct rlimit rl;
	unsigned long long size = 0, resident = 0;
	long page = sysconf(_SC_PAGESIZE);
	char buf[256];

	if (!getrusage(RUSAGE_SELF, &ru))
		n->cpu_seconds = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
				 ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	if (procfs_read(getpid(), "statm", buf, sizeof(buf)) > 0 &&
	    sscanf(buf, "%llu %llu", &size, &resident) == 2) {
		n->vsize_bytes = size * page;
		n->rss_bytes = resident * page;
	}
	n->open_fds = open_fds();
	if (!getrlimit(RLIMIT_NOFILE, &rl))
		n->max_fds = rl.rlim_cur;
	n->start_time = s->start_time;
}

/* ---- one update: read, series, window, exposition ---- */

/* The node's header, from the window's merge of the latest reads. */
static void node_header(const struct run *window, struct prom_node *n)
{
	n->kernel = window->kernel;
	n->cpus = window->cpus;
	n->probe_sched = window->probe_sched;
	n->probe_sock = window->probe_sock;
	n->unavailable = window->unavailable;
	n->profile_hz = window->profile.hz;
}

/* Renders both formats into malloc'ed strings and publishes them. */
static int publish(struct server *s, const struct prom_node *node)
{
	char *text = NULL, *om = NULL;
	size_t text_len = 0, om_len = 0;
	FILE *ft = open_memstream(&text, &text_len);
	FILE *fo = open_memstream(&om, &om_len);

	if (!ft || !fo) {
		if (ft)
			fclose(ft);
		free(text);
		return -ENOMEM;
	}
	prom_render(s->store, node, false, ft);
	prom_render(s->store, node, true, fo);
	if (fclose(ft) | fclose(fo)) {
		free(text);
		free(om);
		return -ENOMEM;
	}
	http_publish(s->http, text, text_len, om, om_len);
	return 0;
}

static int update(struct server *s)
{
	double t0 = mono_s();
	struct prom_node node = { .mm_window_s = s->a->window };
	struct bpf_stats bpf = {};
	struct run delta = {};
	int err;

	err = engine_read(s->eng, &delta) ? -ENOMEM : 0;
	run_finish(&delta);
	if (!err)
		err = attribute(&delta, &s->rules);
	if (!err)
		err = prom_update(s->store, &delta, t0);
	if (!err)
		err = score_window(s, &delta);
	run_free(&delta);
	if (!err)
		err = engine_bpf_stats(s->eng, &bpf);
	if (err) {
		bpf_stats_free(&bpf);
		return err;
	}
	node.mm = s->scored ? &s->window.mm : NULL;
	node_header(&s->window, &node);
	node.bpf = &bpf;
	node.update_seconds = s->update_seconds;
	self_stats(s, &node);
	err = publish(s, &node);
	bpf_stats_free(&bpf);
	/* Each read's records of every process come and go: give the
	 * memory back, so that the resident size is what serve keeps. */
	malloc_trim(0);
	s->update_seconds = mono_s() - t0;
	return err;
}

static int serve_loop(struct server *s)
{
	double interval = s->a->interval, next = mono_s() + interval;
	int err;

	while (!stop) {
		err = engine_poll(s->eng, 100);
		if (err)
			return err;
		if (reload)
			reload_rules(s);
		if (mono_s() < next)
			continue;
		if (update(s))
			return -ENOMEM;
		next += interval;
		if (next < mono_s())	/* fell behind: no burst of reads */
			next = mono_s() + interval;
	}
	return 0;
}

/* ---- start and stop ---- */

static int prepare(struct server *s)
{
	char err[512];

	if (load_rules("serve", &s->rules, s->a->rules))
		return -1;
	if (probe_privileges(err, sizeof(err)) ||
	    probe_btf(s->a->engine.acct.btf_path, err, sizeof(err))) {
		errorf("serve", "%s", err);
		return -1;
	}
	if (ensure_tracefs(err, sizeof(err)))
		errorf("serve", "warning: %s; syscall tracepoints unavailable", err);
	s->a->engine.rules = &s->rules;
	s->nring = (size_t)ceil(s->a->window / s->a->interval);
	s->ring = calloc(s->nring, sizeof(*s->ring));
	if (!s->ring) {
		errorf("serve", "out of memory");
		return -1;
	}
	node_name(s);
	return 0;
}

static int start(struct server *s)
{
	struct prom_opts po = {
		.node = s->node,
		.max_series = s->a->max_series,
		.ttl_s = s->a->ttl,
	};
	char err[512];

	if (prom_store_new(&s->store, &po)) {
		errorf("serve", "out of memory");
		return -1;
	}
	/* Listening first: probes get 503 "starting" while BPF loads. */
	if (http_start(&s->http, s->a->listen, 3 * s->a->interval + 10, err,
		       sizeof(err)) ||
	    engine_open(&s->eng, &s->a->engine, err, sizeof(err))) {
		errorf("serve", "%s", err);
		return -1;
	}
	return 0;
}

static void cleanup(struct server *s)
{
	http_stop(s->http);
	engine_close(s->eng);
	prom_store_free(s->store);
	for (size_t i = 0; i < s->nring; i++)
		run_free(&s->ring[i]);
	free(s->ring);
	run_free(&s->window);
	rules_free(&s->rules);
}

int cmd_serve(int argc, char **argv)
{
	struct serve_args a = {
		.engine = {
			.acct = { .max_procs = 8192 },
			.frequency_hz = PROFILE_DEFAULT_HZ,
		},
		.listen = DEFAULT_LISTEN,
		.interval = 5,
		.ttl = 300,
		.max_series = 5000,
		.window = 60,
	};
	struct sigaction stop_sa = { .sa_handler = on_stop };
	struct sigaction hup_sa = { .sa_handler = on_hup };
	struct server s = { .a = &a };
	int rc = parse_options("serve", usage, serve_opts, argc, argv, &a);

	if (rc)
		return rc < 0 ? 0 : rc;
	if (optind < argc) {
		errorf("serve", "unexpected argument '%s' (see --help)", argv[optind]);
		return EXIT_USAGE;
	}
	bpfload_set_verbose(a.engine.verbose);
	s.start_time = time(NULL);
	rc = 1;
	if (prepare(&s) || start(&s))
		goto out;
	sigaction(SIGINT, &stop_sa, NULL);
	sigaction(SIGTERM, &stop_sa, NULL);
	sigaction(SIGHUP, &hup_sa, NULL);
	fprintf(stderr, "meshprof serve: node %s, listening on %s, reading every %g s\n",
		s.node, a.listen, a.interval);
	if (serve_loop(&s))
		errorf("serve", "reading the kernel's maps failed: out of memory");
	else
		rc = 0;
out:
	cleanup(&s);
	return rc;
}
