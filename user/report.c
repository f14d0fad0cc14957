// SPDX-License-Identifier: GPL-2.0
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "runjson.h"
#include "table.h"

static const char usage[] =
"usage: meshprof report FILE.json\n"
"\n"
"Prints the per-component table of a run saved by meshprof record -o.\n";

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct run run;
	char err[512];
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			return 0;
		}
		bad_option("report", argv);
		return EXIT_USAGE;
	}
	if (optind != argc - 1) {
		errorf("report", "expected one FILE.json (see --help)");
		return EXIT_USAGE;
	}
	if (run_read_json(&run, argv[optind], err, sizeof(err))) {
		errorf("report", "%s", err);
		return 1;
	}
	table_print(stdout, &run);
	run_free(&run);
	return 0;
}
