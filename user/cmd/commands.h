/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MESHPROF_COMMANDS_H
#define MESHPROF_COMMANDS_H

/* Exit codes: 0 ok, 1 failure at run time, 2 bad usage. */
#include <stdbool.h>
#include <stdio.h>
#include "run.h"

#define EXIT_USAGE 2

int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_diff(int argc, char **argv);

/* "meshprof CMD: message" on stderr. */
void errorf(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Reports the option getopt_long just refused. */
void bad_option(const char *cmd, char **argv);
/* Options record, report and diff share: MeshMark weights and the output
 * format of their JSON. */
enum { OPT_WEIGHTS = 1000, OPT_FORMAT };
#define SCORE_OPTIONS							\
	{ "weights", required_argument, NULL, OPT_WEIGHTS },		\
	{ "format", required_argument, NULL, OPT_FORMAT }

struct score_opts {
	struct mm_weights weights;
	bool smp;		/* --format smp */
};

/* Takes OPT_WEIGHTS or OPT_FORMAT: 0, or EXIT_USAGE after a message. */
int parse_score_option(const char *cmd, int opt, const char *arg,
		       struct score_opts *o);
/* The table, then the MeshMark breakdown when it has a score. */
void print_run(FILE *out, const struct run *run);
/* Parses a whole decimal number in [min, max]; -1 when it is not one. */
int parse_number(const char *s, double min, double max, double *out);

#endif
