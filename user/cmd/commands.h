/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MESHPROF_COMMANDS_H
#define MESHPROF_COMMANDS_H

/* Exit codes: 0 ok, 1 failure at run time, 2 bad usage. */
#include <stdbool.h>
#include <stdio.h>
#include "derived.h"
#include "run.h"

#define EXIT_USAGE 2

int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_top(int argc, char **argv);

/* "meshprof CMD: message" on stderr. */
void errorf(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * One option of a command: its names and what its value does to the
 * command's arguments. apply() returns 0, or EXIT_USAGE after a message.
 */
struct cmd_opt {
	const char *name;
	char letter;		/* short form; 0 for none */
	bool has_arg;
	int (*apply)(const char *cmd, void *args, const char *arg);
};

/*
 * Applies the options of @argv (up to a NULL name in @opts, plus -h and
 * --help, which print @usage) to @args. Returns 0, leaving optind at the
 * first operand; -1 after printing the help; EXIT_USAGE after a message.
 */
int parse_options(const char *cmd, const char *usage,
		  const struct cmd_opt *opts, int argc, char **argv,
		  void *args);

/* What record, report and diff share: MeshMark weights and the format of
 * their JSON. Their args start with a struct score_opts. */
struct score_opts {
	struct mm_weights weights;
	bool smp;		/* --format smp */
};

int apply_weights(const char *cmd, void *args, const char *arg);
int apply_format(const char *cmd, void *args, const char *arg);
#define SCORE_OPTIONS							\
	{ "weights", 0, true, apply_weights },				\
	{ "format", 0, true, apply_format }
struct ruleset;
/* The rules of @path (NULL: none), then the built-in ones; -1 after a
 * message. */
int load_rules(const char *cmd, struct ruleset *rules, const char *path);
/* The page of @run at @path, and where it went on stderr; -1 after a
 * message. */
int write_html(const char *cmd, const struct run *run, const char *path);
/* The table, then the MeshMark breakdown when it has a score. */
void print_run(FILE *out, const struct run *run);
/* Parses a plain decimal number ("12", "0.5", "1e3": no sign, blanks,
 * hex, inf or nan) in [min, max]; -1 when it is not one. */
int parse_number(const char *s, double min, double max, double *out);

#endif
