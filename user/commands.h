/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MESHPROF_COMMANDS_H
#define MESHPROF_COMMANDS_H

/* Exit codes: 0 ok, 1 failure at run time, 2 bad usage. */
#include <stdbool.h>
#include <stdio.h>
#include "meshmark.h"
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
/* "meshprof" or "smp" (sets *smp); -1 for anything else. */
int parse_format(const char *s, bool *smp);
/* The table, then the MeshMark breakdown when it has a score. */
void print_run(FILE *out, const struct run *run, const struct meshmark *mm);
/* Parses a whole decimal number in [min, max]; -1 when it is not one. */
int parse_number(const char *s, double min, double max, double *out);

#endif
