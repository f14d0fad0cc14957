// SPDX-License-Identifier: GPL-2.0
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "runjson.h"
#include <math.h>
#include <json-c/json.h>
#include "derive.h"
#include "html.h"
#include "smp.h"

static const char usage[] =
"usage: meshprof report FILE.json [--weights SPEC] [--format meshprof|smp]\n"
"                       [--html FILE.html]\n"
"\n"
"Prints the per-component table and MeshMark of a run saved by\n"
"meshprof record -o; with --format smp, the run as an SMP result (JSON);\n"
"with --html, also the run as one self-contained page (docs/html.md).\n";

struct report_args {
	struct score_opts score;
	const char *html;
};

static int opt_html(const char *cmd, void *args, const char *arg)
{
	((struct report_args *)args)->html = arg;
	return 0;
}

static const struct cmd_opt report_opts[] = {
	SCORE_OPTIONS(struct report_args, score),
	{ "html", 0, true, opt_html },
	{}
};

int cmd_report(int argc, char **argv)
{
	struct report_args a = {};
	struct score_opts *score = &a.score;
	struct run run;
	char err[512];
	int rc;

	rc = parse_options("report", usage, report_opts, argc, argv, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (optind != argc - 1) {
		errorf("report", "expected one FILE.json (see --help)");
		return EXIT_USAGE;
	}
	if (run_read_json(&run, argv[optind], err, sizeof(err))) {
		errorf("report", "%s", err);
		return 1;
	}
	run_derive(&run, &score->weights);
	if (a.html && write_html("report", &run, a.html)) {
		run_free(&run);
		return 1;
	}
	if (score->smp) {
		struct json_object *o = smp_json(&run, isnan(run.mm.score) ?
						 NULL : &run.mm);

		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
		json_object_put(o);
	} else {
		print_run(stdout, &run);
	}
	run_free(&run);
	return 0;
}
