/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MESHPROF_COMMANDS_H
#define MESHPROF_COMMANDS_H

/* Exit codes: 0 ok, 1 failure at run time, 2 bad usage. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "derived.h"
#include "run.h"

#define EXIT_USAGE 2

int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_query(int argc, char **argv);

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
	size_t at;		/* apply() gets args + at: options shared by
				 * commands apply to a part of their args */
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
 * their JSON, in the member @m of their args of type @t. */
struct score_opts {
	struct mm_weights weights;
	bool smp;		/* --format smp */
};

int apply_weights(const char *cmd, void *args, const char *arg);
int apply_format(const char *cmd, void *args, const char *arg);
#define SCORE_OPTIONS(t, m)						\
	{ "weights", 0, true, apply_weights, offsetof(t, m) },		\
	{ "format", 0, true, apply_format, offsetof(t, m) }
struct ruleset;
/* The rules of @path (NULL: none), then the built-in ones; -1 after a
 * message. */
int load_rules(const char *cmd, struct ruleset *rules, const char *path);
/* The page of @run at @path, and where it went on stderr; -1 after a
 * message. */
int write_html(const char *cmd, const struct run *run, const char *path);
/*
 * The collector engine's options (collect/engine.h), in the member @m of
 * type struct engine_opts of a command's args of type @t: --btf,
 * --max-procs, -F, --only, --no-latency, --no-cfi, --categories, -v.
 */
int apply_btf(const char *cmd, void *args, const char *arg);
int apply_max_procs(const char *cmd, void *args, const char *arg);
int apply_frequency(const char *cmd, void *args, const char *arg);
int apply_only(const char *cmd, void *args, const char *arg);
int apply_no_latency(const char *cmd, void *args, const char *arg);
int apply_no_cfi(const char *cmd, void *args, const char *arg);
int apply_debug_dir(const char *cmd, void *args, const char *arg);
int apply_no_inline(const char *cmd, void *args, const char *arg);
int apply_categories(const char *cmd, void *args, const char *arg);
int apply_verbose(const char *cmd, void *args, const char *arg);
#define ENGINE_OPTIONS(t, m)						\
	{ "btf", 0, true, apply_btf, offsetof(t, m) },			\
	{ "max-procs", 0, true, apply_max_procs, offsetof(t, m) },	\
	{ "frequency", 'F', true, apply_frequency, offsetof(t, m) },	\
	{ "only", 0, true, apply_only, offsetof(t, m) },		\
	{ "no-latency", 0, false, apply_no_latency, offsetof(t, m) },	\
	{ "no-cfi", 0, false, apply_no_cfi, offsetof(t, m) },		\
	{ "debug-dir", 0, true, apply_debug_dir, offsetof(t, m) },	\
	{ "no-inline", 0, false, apply_no_inline, offsetof(t, m) },	\
	{ "categories", 0, true, apply_categories, offsetof(t, m) },	\
	{ "verbose", 'v', false, apply_verbose, offsetof(t, m) }
/* A whole (@whole) or decimal number in [@min, @max] into *@out, or
 * EXIT_USAGE after "invalid WHAT 'ARG' (HINT)". */
int number_option(const char *cmd, const char *arg, const char *what,
		  const char *hint, double min, double max, bool whole,
		  double *out);
/*
 * What a run's workload was, as given on the command line, in the member
 * @m of type struct workload_opts of a command's args of type @t:
 * --requests, --loadgen, --cpu-capacity.
 */
struct workload_opts {
	uint64_t requests;		/* 0: counted at application sockets */
	const char *loadgen;		/* the load generator's report */
	double cpu_capacity;		/* cores; 0: the node's CPUs */
};

int apply_requests(const char *cmd, void *args, const char *arg);
int apply_loadgen(const char *cmd, void *args, const char *arg);
int apply_capacity(const char *cmd, void *args, const char *arg);
#define WORKLOAD_OPTIONS(t, m)						\
	{ "requests", 0, true, apply_requests, offsetof(t, m) },	\
	{ "loadgen", 0, true, apply_loadgen, offsetof(t, m) },		\
	{ "cpu-capacity", 0, true, apply_capacity, offsetof(t, m) }
/* Fills @run's workload from @w (the load generator's report read now),
 * or the requests its applications served; -1 after a message. */
int describe_workload(const char *cmd, struct run *run,
		      const struct workload_opts *w);
/* Writes @run (derived) to @path as meshprof's JSON or, with @smp, as an
 * SMP result; -1 after a message. */
int write_run(const char *cmd, const struct run *run, bool smp,
	      const char *path);
/* The table, then the MeshMark breakdown when it has a score. */
void print_run(FILE *out, const struct run *run);
/* Parses a plain decimal number ("12", "0.5", "1e3": no sign, blanks,
 * hex, inf or nan) in [min, max]; -1 when it is not one. */
int parse_number(const char *s, double min, double max, double *out);

#endif
