/* SPDX-License-Identifier: GPL-2.0 */
/* The work a run did: requests and client latency, from a load generator's
 * report or from the exchanges meshprof saw at application sockets. */
#ifndef MESHPROF_WORKLOAD_H
#define MESHPROF_WORKLOAD_H

#include <stddef.h>
#include "run.h"

/*
 * Reads an SMP-style load generator report (meshlab-load, fortio-like:
 * "requests" and "latencies_ms" {"p50", "p99"} in milliseconds) into @run.
 * Returns -1 with "FILE: reason" in @err.
 */
int workload_read_loadgen(struct run *run, const char *path, char *err,
			  size_t err_len);
/* The same from @text, @len bytes followed by a NUL; @name for messages. */
int workload_parse_loadgen(struct run *run, const char *text, size_t len,
			   const char *name, char *err, size_t err_len);
/* When no count was given, the exchanges served by applications. */
void workload_count_requests(struct run *run);

#endif
