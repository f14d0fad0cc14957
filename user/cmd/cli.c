// SPDX-License-Identifier: GPL-2.0
/* What every command shares: messages, option values, printing a run. */
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "commands.h"
#include "fit.h"
#include "html.h"
#include "engine.h"
#include "meshmark_out.h"
#include "rules.h"
#include "runjson.h"
#include "sampler.h"
#include "smp.h"
#include "table.h"
#include "weights.h"
#include "workload.h"
#include <json-c/json.h>

void errorf(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "meshprof%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int parse_number(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	/* strtod() also takes blanks, signs, hex, inf and nan. */
	if (!s || !*s || strspn(s, "0123456789.eE+-") != strlen(s) ||
	    !strchr("0123456789.", s[0]))
		return -1;
	v = strtod(s, &end);
	if (*end || !isfinite(v) || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static void bad_option(const char *cmd, char **argv)
{
	const char *arg = argv[optind - 1];

	if (optopt && arg[0] == '-' && arg[1] != '-')
		errorf(cmd, "unknown option or missing value for '-%c' (see --help)", optopt);
	else
		errorf(cmd, "unknown option or missing value for '%s' (see --help)", arg);
}

#define MAX_OPTS 40

/* The option getopt_long returned as @c: its letter, or 256 + index. */
static const struct cmd_opt *option_of(const struct cmd_opt *opts, size_t n,
				       int c)
{
	for (size_t i = 0; i < n; i++)
		if (c == (opts[i].letter ? opts[i].letter : 256 + (int)i))
			return &opts[i];
	return NULL;
}

int parse_options(const char *cmd, const char *usage,
		  const struct cmd_opt *opts, int argc, char **argv,
		  void *args)
{
	struct option longs[MAX_OPTS + 2] = { { "help", no_argument, NULL, 'h' } };
	char shorts[2 * MAX_OPTS + 2] = "h";
	size_t n, len = 1;
	int c;

	for (n = 0; opts[n].name && n < MAX_OPTS; n++) {
		longs[n + 1] = (struct option){ opts[n].name,
			opts[n].has_arg ? required_argument : no_argument,
			NULL, opts[n].letter ? opts[n].letter : 256 + (int)n };
		if (!opts[n].letter)
			continue;
		shorts[len++] = opts[n].letter;
		if (opts[n].has_arg)
			shorts[len++] = ':';
	}
	shorts[len] = '\0';
	optind = 1;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		const struct cmd_opt *o = option_of(opts, n, c);

		if (c == 'h') {
			fputs(usage, stdout);
			return -1;
		}
		if (!o) {
			bad_option(cmd, argv);
			return EXIT_USAGE;
		}
		if (o->apply(cmd, (char *)args + o->at, optarg))
			return EXIT_USAGE;
	}
	return 0;
}

int apply_weights(const char *cmd, void *args, const char *arg)
{
	struct score_opts *o = args;
	char err[256];

	if (!mm_weights_parse(&o->weights, arg, err, sizeof(err)))
		return 0;
	errorf(cmd, "--weights: %s", err);
	return EXIT_USAGE;
}

int apply_format(const char *cmd, void *args, const char *arg)
{
	struct score_opts *o = args;

	if (strcmp(arg, "meshprof") && strcmp(arg, "smp")) {
		errorf(cmd, "invalid --format '%s' (meshprof or smp)", arg);
		return EXIT_USAGE;
	}
	o->smp = !strcmp(arg, "smp");
	return 0;
}

int number_option(const char *cmd, const char *arg, const char *what,
		  const char *hint, double min, double max, bool whole,
		  double *out)
{
	if (!parse_number(arg, min, max, out) && (!whole || *out == (long)*out))
		return 0;
	errorf(cmd, "invalid %s '%s' (%s)", what, arg, hint);
	return EXIT_USAGE;
}

int apply_btf(const char *cmd, void *args, const char *arg)
{
	((struct engine_opts *)args)->acct.btf_path = arg;
	return 0;
}

int apply_max_procs(const char *cmd, void *args, const char *arg)
{
	double n;

	if (number_option(cmd, arg, "--max-procs", "64..4194304", 64, 1 << 22,
			  true, &n))
		return EXIT_USAGE;
	((struct engine_opts *)args)->acct.max_procs = n;
	return 0;
}

/* A frequency this node cannot take is refused before anything loads:
 * -F 100000 livelocked a 2-CPU node (docs/hardening.md). */
int apply_frequency(const char *cmd, void *args, const char *arg)
{
	unsigned int max;
	char why[256];
	double n;

	if (number_option(cmd, arg, "frequency",
			  "samples per second, 0 for none, at most 10000", 0,
			  PROFILE_MAX_HZ, true, &n))
		return EXIT_USAGE;
	max = profile_max_hz(sysconf(_SC_NPROCESSORS_ONLN), why, sizeof(why));
	if (n > max) {
		errorf(cmd, "invalid frequency '%s': this node takes at most %u Hz (%s)",
		       arg, max, why);
		return EXIT_USAGE;
	}
	((struct engine_opts *)args)->frequency_hz = n;
	return 0;
}

int apply_only(const char *cmd, void *args, const char *arg)
{
	if (strcmp(arg, "mesh")) {
		errorf(cmd, "invalid --only '%s' (mesh)", arg);
		return EXIT_USAGE;
	}
	((struct engine_opts *)args)->only_mesh = true;
	return 0;
}

int apply_no_latency(const char *cmd, void *args, const char *arg)
{
	((struct engine_opts *)args)->acct.no_latency = true;
	return 0;
}

int apply_no_cfi(const char *cmd, void *args, const char *arg)
{
	((struct engine_opts *)args)->no_cfi = true;
	return 0;
}

int apply_debug_dir(const char *cmd, void *args, const char *arg)
{
	struct engine_opts *e = args;

	if (e->ndebug_dirs == DEBUG_DIRS_MAX) {
		errorf(cmd, "--debug-dir given more than %d times",
		       DEBUG_DIRS_MAX);
		return EXIT_USAGE;
	}
	e->debug_dirs[e->ndebug_dirs++] = arg;
	return 0;
}

int apply_no_inline(const char *cmd, void *args, const char *arg)
{
	((struct engine_opts *)args)->no_inline = true;
	return 0;
}

int apply_categories(const char *cmd, void *args, const char *arg)
{
	((struct engine_opts *)args)->categories = arg;
	return 0;
}

int apply_verbose(const char *cmd, void *args, const char *arg)
{
	((struct engine_opts *)args)->verbose = true;
	return 0;
}

int apply_requests(const char *cmd, void *args, const char *arg)
{
	double n;

	if (number_option(cmd, arg, "--requests", "a count > 0", 1, 1e15, true, &n))
		return EXIT_USAGE;
	((struct workload_opts *)args)->requests = n;
	return 0;
}

int apply_loadgen(const char *cmd, void *args, const char *arg)
{
	((struct workload_opts *)args)->loadgen = arg;
	return 0;
}

int apply_capacity(const char *cmd, void *args, const char *arg)
{
	return number_option(cmd, arg, "--cpu-capacity", "cores > 0", 0.001, 1e6,
			     false, &((struct workload_opts *)args)->cpu_capacity);
}

int describe_workload(const char *cmd, struct run *run,
		      const struct workload_opts *w)
{
	char err[512];

	run->cpu_capacity_cores = w->cpu_capacity;
	run->latency_p50_s = run->latency_p99_s = -1;
	if (w->loadgen &&
	    workload_read_loadgen(run, w->loadgen, err, sizeof(err))) {
		errorf(cmd, "%s", err);
		return -1;
	}
	if (w->requests) {
		run->requests = w->requests;
		snprintf(run->requests_source, sizeof(run->requests_source),
			 "command-line");
	}
	workload_count_requests(run);
	return 0;
}

int write_run(const char *cmd, const struct run *run, bool smp,
	      const char *path)
{
	const struct meshmark *mm = isnan(run->mm.score) ? NULL : &run->mm;
	struct json_object *root = smp ? smp_json(run, mm) : run_document(run);
	char err[512];
	int rc;

	rc = json_write_file(root, path, err, sizeof(err));
	json_object_put(root);
	if (rc)
		errorf(cmd, "%s", err);
	return rc;
}

int load_rules(const char *cmd, struct ruleset *rules, const char *path)
{
	char err[512];

	if (path && rules_load(rules, path, err, sizeof(err))) {
		errorf(cmd, "%s", err);
		return -1;
	}
	if (rules_add_builtin(rules)) {
		errorf(cmd, "out of memory");
		return -1;
	}
	return 0;
}

int write_html(const char *cmd, const struct run *run, const char *path)
{
	char err[512];

	if (html_write_run(run, path, err, sizeof(err))) {
		errorf(cmd, "%s", err);
		return -1;
	}
	fprintf(stderr, "meshprof %s: HTML report written to %s\n", cmd, path);
	return 0;
}

static void print_tables(FILE *out, const struct run *run, int width)
{
	table_print(out, run, width);
	if (isnan(run->mm.score)) {
		fprintf(out, "\nMeshMark: not computed: %s\n", run->mm.error);
		return;
	}
	fputc('\n', out);
	meshmark_print(out, &run->mm);
}

void print_run(FILE *out, const struct run *run)
{
	int width = terminal_width(out);
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;

	if (!width) {
		print_tables(out, run, 0);
		return;
	}
	/* on a terminal, everything within its width */
	mem = open_memstream(&buf, &len);
	if (!mem) {
		print_tables(out, run, width);
		return;
	}
	print_tables(mem, run, width);
	if (!fclose(mem))
		fit_print(out, buf, len, width);
	free(buf);
}
