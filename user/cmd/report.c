// SPDX-License-Identifier: GPL-2.0
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "runjson.h"
#include <math.h>
#include <json-c/json.h>
#include "derive.h"
#include "smp.h"

static const char usage[] =
"usage: meshprof report FILE.json [--weights SPEC] [--format meshprof|smp]\n"
"\n"
"Prints the per-component table and MeshMark of a run saved by\n"
"meshprof record -o; with --format smp, the run as an SMP result (JSON).\n";

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		SCORE_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct score_opts score = {};
	struct run run;
	char err[512];
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_WEIGHTS:
		case OPT_FORMAT:
			if (parse_score_option("report", c, optarg, &score))
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			bad_option("report", argv);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		errorf("report", "expected one FILE.json (see --help)");
		return EXIT_USAGE;
	}
	if (run_read_json(&run, argv[optind], err, sizeof(err))) {
		errorf("report", "%s", err);
		return 1;
	}
	run_derive(&run, &score.weights);
	if (score.smp) {
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
