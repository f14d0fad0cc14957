// SPDX-License-Identifier: GPL-2.0
/*
 * meshprof query: a run made from the series `meshprof serve` exports,
 * read from Prometheus for a window (query/promrun.h), so that report and
 * diff work across every node of a cluster.
 */
#include <ctype.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "commands.h"
#include "derive.h"
#include "outfile.h"
#include "promapi.h"
#include "promrun.h"

#define MATCH_MAX 1024

static const char usage[] =
"usage: meshprof query --prometheus URL --start TIME --end TIME [--match SELECTOR]\n"
"                      [--by cluster|node] [-o FILE.json] [--format meshprof|smp]\n"
"\n"
"Makes a run of a window from the series of meshprof serve in Prometheus:\n"
"each component's numbers summed across nodes (or per node with --by node),\n"
"written as record writes them, so that report and diff read it\n"
"(docs/prometheus.md).\n"
"\n"
"      --prometheus URL     the Prometheus to ask, e.g. http://prometheus:9090\n"
"      --start TIME         the window: RFC 3339 (2024-05-01T12:00:00Z,\n"
"      --end TIME           ...+02:00) or seconds since the epoch\n"
"      --match SELECTOR     only the component series these label matchers\n"
"                           select, e.g. 'namespace=\"bookinfo\"'\n"
"      --by cluster|node    components summed across nodes (default), or one\n"
"                           per node\n"
"  -o, --output FILE        write the run as JSON (docs/json.md)\n"
"      --format FMT         of the -o file: meshprof (default) or smp\n"
"      --weights SPEC       MeshMark weights (docs/meshmark.md)\n"
"      --requests N         requests served in the window (else counted at\n"
"                           application sockets)\n"
"      --loadgen FILE       the load generator's JSON report\n"
"      --cpu-capacity CORES CPU assigned to the workload (default: the\n"
"                           nodes' CPUs)\n"
"  -q, --quiet              no table on stdout\n"
"  -v, --verbose            each PromQL query on stderr\n"
"  -h, --help\n";

struct query_args {
	struct score_opts score;
	struct workload_opts workload;
	const char *url;
	const char *output;
	const char *start_arg, *end_arg;
	char match[MATCH_MAX + 1];
	bool has_match;
	struct prom_window w;
	bool quiet;
	bool verbose;
};

static struct query_args *qa(void *args)
{
	return args;
}

/*
 * RFC 3339: 2024-05-01T12:00:00Z, with a fraction of a second and a
 * +HH:MM or -HH:MM offset; "T" and "Z" in either case. -1 when @s is not
 * one.
 */
static int parse_rfc3339(const char *s, double *out)
{
	struct tm tm = {};
	int n = 0, oh = 0, om = 0;
	double frac = 0;
	char sep;
	time_t t;

	if (strspn(s, "0123456789") != 4 ||
	    sscanf(s, "%4d-%2d-%2d%c%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &sep, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
		   &n) != 7 || n != 19 || (sep != 'T' && sep != 't'))
		return -1;
	s += n;
	if (*s == '.') {
		char *end;

		if (!isdigit((unsigned char)s[1]))
			return -1;
		frac = strtod(s, &end);
		s = end;
	}
	if ((*s == 'Z' || *s == 'z') && !s[1]) {
		s++;
	} else if ((*s == '+' || *s == '-') &&
		   sscanf(s + 1, "%2d:%2d%n", &oh, &om, &n) == 2 && n == 5 &&
		   !s[6] && oh < 24 && om < 60) {
		if (*s == '-')
			oh = -oh, om = -om;
	} else {
		return -1;
	}
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon--;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*out = t + frac - oh * 3600 - om * 60;
	return 0;
}

static int parse_time(const char *cmd, const char *what, const char *arg,
		      double *out)
{
	if (!parse_number(arg, 0, 1e11, out) || !parse_rfc3339(arg, out))
		return 0;
	errorf(cmd, "invalid %s '%s' (RFC 3339, e.g. 2024-05-01T12:00:00Z, or seconds since the epoch)",
	       what, arg);
	return EXIT_USAGE;
}

static int opt_prometheus(const char *cmd, void *args, const char *arg)
{
	if (strncmp(arg, "http://", 7) && strncmp(arg, "https://", 8)) {
		errorf(cmd, "invalid --prometheus '%s' (an http:// or https:// URL)",
		       arg);
		return EXIT_USAGE;
	}
	qa(args)->url = arg;
	return 0;
}

static int opt_start(const char *cmd, void *args, const char *arg)
{
	qa(args)->start_arg = arg;
	return parse_time(cmd, "--start", arg, &qa(args)->w.start);
}

static int opt_end(const char *cmd, void *args, const char *arg)
{
	qa(args)->end_arg = arg;
	return parse_time(cmd, "--end", arg, &qa(args)->w.end);
}

/* Label matchers, with or without their braces. */
static int opt_match(const char *cmd, void *args, const char *arg)
{
	struct query_args *a = qa(args);
	size_t len = strlen(arg);

	if (len && arg[0] == '{' && arg[len - 1] == '}') {
		arg++;
		len -= 2;
	}
	if (!len || len > MATCH_MAX) {
		errorf(cmd, "invalid --match '%s' (label matchers, e.g. namespace=\"bookinfo\", up to %d characters)",
		       arg, MATCH_MAX);
		return EXIT_USAGE;
	}
	snprintf(a->match, sizeof(a->match), "%.*s", (int)len, arg);
	a->has_match = true;
	return 0;
}

static int opt_by(const char *cmd, void *args, const char *arg)
{
	if (strcmp(arg, "cluster") && strcmp(arg, "node")) {
		errorf(cmd, "invalid --by '%s' (cluster or node)", arg);
		return EXIT_USAGE;
	}
	qa(args)->w.by_node = !strcmp(arg, "node");
	return 0;
}

static int opt_output(const char *cmd, void *args, const char *arg)
{
	qa(args)->output = arg;
	return 0;
}

static int opt_quiet(const char *cmd, void *args, const char *arg)
{
	qa(args)->quiet = true;
	return 0;
}

static int opt_verbose(const char *cmd, void *args, const char *arg)
{
	qa(args)->verbose = true;
	return 0;
}

static const struct cmd_opt query_opts[] = {
	{ "prometheus", 0, true, opt_prometheus },
	{ "start", 0, true, opt_start },
	{ "end", 0, true, opt_end },
	{ "match", 0, true, opt_match },
	{ "by", 0, true, opt_by },
	{ "output", 'o', true, opt_output },
	SCORE_OPTIONS(struct query_args, score),
	WORKLOAD_OPTIONS(struct query_args, workload),
	{ "quiet", 'q', false, opt_quiet },
	{ "verbose", 'v', false, opt_verbose },
	{}
};

static int parse_args(int argc, char **argv, struct query_args *a)
{
	int rc = parse_options("query", usage, query_opts, argc, argv, a);

	if (rc)
		return rc;
	if (optind < argc) {
		errorf("query", "unexpected argument '%s' (see --help)", argv[optind]);
		return EXIT_USAGE;
	}
	if (!a->url || !a->start_arg || !a->end_arg) {
		errorf("query", "missing %s (see --help)", !a->url ? "--prometheus URL" :
		       !a->start_arg ? "--start TIME" : "--end TIME");
		return EXIT_USAGE;
	}
	if (a->w.end <= a->w.start) {
		errorf("query", "--end %s is not after --start %s", a->end_arg,
		       a->start_arg);
		return EXIT_USAGE;
	}
	a->w.match = a->has_match ? a->match : NULL;
	return 0;
}

struct fetcher {
	struct prom_api *api;
	bool verbose;
};

static int fetch(void *ctx, const char *name, const char *expr, double time,
		 struct prom_vector *out, char *err, size_t err_len)
{
	struct fetcher *f = ctx;

	if (f->verbose)
		fprintf(stderr, "meshprof query: %s at %.3f: %s\n", name, time,
			expr);
	return prom_api_query(f->api, expr, time, out, err, err_len);
}

static int build(struct run *run, const struct query_args *a)
{
	struct fetcher f = { .verbose = a->verbose };
	char err[1024];
	int rc;

	if (prom_api_open(&f.api, a->url, err, sizeof(err))) {
		errorf("query", "%s", err);
		return -1;
	}
	rc = prom_run_build(run, &a->w, fetch, &f, err, sizeof(err));
	if (rc)
		errorf("query", "%s", err);
	prom_api_close(f.api);
	return rc;
}

int cmd_query(int argc, char **argv)
{
	struct query_args a = {};
	struct run run = {};
	char err[512];
	int rc;

	rc = parse_args(argc, argv, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (a.output && outfile_check(a.output, err, sizeof(err))) {
		errorf("query", "%s", err);
		return 1;
	}
	rc = 1;
	if (build(&run, &a) || describe_workload("query", &run, &a.workload))
		goto out;
	run_derive(&run, &a.score.weights);
	if (!a.quiet)
		print_run(stdout, &run);
	if (a.output && write_run("query", &run, a.score.smp, a.output))
		goto out;
	rc = 0;
out:
	run_free(&run);
	return rc;
}
