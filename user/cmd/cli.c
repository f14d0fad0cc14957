// SPDX-License-Identifier: GPL-2.0
/* What every command shares: messages, option values, printing a run. */
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "meshmark_out.h"
#include "table.h"
#include "weights.h"

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

	if (!s || !*s)
		return -1;
	v = strtod(s, &end);
	if (*end || v != v || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

void bad_option(const char *cmd, char **argv)
{
	const char *arg = argv[optind - 1];

	if (optopt && arg[0] == '-' && arg[1] != '-')
		errorf(cmd, "unknown option or missing value for '-%c' (see --help)", optopt);
	else
		errorf(cmd, "unknown option or missing value for '%s' (see --help)", arg);
}

int parse_score_option(const char *cmd, int opt, const char *arg,
		       struct score_opts *o)
{
	char err[256];

	if (opt == OPT_WEIGHTS) {
		if (!mm_weights_parse(&o->weights, arg, err, sizeof(err)))
			return 0;
		errorf(cmd, "--weights: %s", err);
		return EXIT_USAGE;
	}
	if (strcmp(arg, "meshprof") && strcmp(arg, "smp")) {
		errorf(cmd, "invalid --format '%s' (meshprof or smp)", arg);
		return EXIT_USAGE;
	}
	o->smp = !strcmp(arg, "smp");
	return 0;
}

void print_run(FILE *out, const struct run *run)
{
	table_print(out, run);
	if (isnan(run->mm.score)) {
		fprintf(out, "\nMeshMark: not computed: %s\n", run->mm.error);
		return;
	}
	fputc('\n', out);
	meshmark_print(out, &run->mm);
}
