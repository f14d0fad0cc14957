// SPDX-License-Identifier: GPL-2.0
/* meshprof: what does my service mesh cost me, where, and why? */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "commands.h"

static const char usage[] =
"usage: meshprof COMMAND [OPTIONS]\n"
"\n"
"Measures what a service mesh costs on this node: CPU, context switches,\n"
"run-queue delay and socket copies of each mesh component (sidecars, node\n"
"proxies, agents) against the applications they serve.\n"
"\n"
"commands:\n"
"  record    attach to the kernel for a window, print and save the result\n"
"  report    print the table of a saved run (FILE.json)\n"
"  diff      compare a mesh run with a baseline run: MeshMark of the overhead\n"
"  serve     export Prometheus metrics continuously (the DaemonSet agent)\n"
"  query     a run of a window from Prometheus, across every node\n"
"\n"
"  meshprof COMMAND --help   options of a command\n"
"  meshprof --version\n";

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	opterr = 0;	/* commands report bad options in one line */

	if (!cmd) {
		errorf(NULL, "missing command (usage: meshprof COMMAND, see meshprof --help)");
		return EXIT_USAGE;
	}
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("meshprof %s\n", MESHPROF_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "record"))
		return cmd_record(argc - 1, argv + 1);
	if (!strcmp(cmd, "report"))
		return cmd_report(argc - 1, argv + 1);
	if (!strcmp(cmd, "diff"))
		return cmd_diff(argc - 1, argv + 1);
	if (!strcmp(cmd, "top"))
		return cmd_top(argc - 1, argv + 1);
	if (!strcmp(cmd, "serve"))
		return cmd_serve(argc - 1, argv + 1);
	if (!strcmp(cmd, "query"))
		return cmd_query(argc - 1, argv + 1);
	errorf(NULL, "unknown command '%s' (try meshprof --help)", cmd);
	return EXIT_USAGE;
}
