/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A client of Prometheus's HTTP API (libcurl): instant queries, their
 * answers read by promanswer.h. Every failure is one line: Prometheus
 * unreachable, an HTTP error with Prometheus's reason, an answer that is
 * not the API's.
 */
#ifndef MESHPROF_PROMAPI_H
#define MESHPROF_PROMAPI_H

#include <stddef.h>
#include "promanswer.h"

/* Answers above this are refused: memory stays bounded whatever the
 * server sends. A cluster's latency buckets are the largest. */
#define PROM_ANSWER_MAX (256u << 20)

struct prom_api;

/* A client of the Prometheus at @url (http:// or https://, with a path
 * prefix if it has one: other schemes are refused at each query); -1
 * with the reason in @err. */
int prom_api_open(struct prom_api **ap, const char *url, char *err,
		  size_t err_len);
/* The instant vector of @expr at @time (seconds since the epoch) into
 * @out; -1 with the reason in @err. */
int prom_api_query(struct prom_api *a, const char *expr, double time,
		   struct prom_vector *out, char *err, size_t err_len);
void prom_api_close(struct prom_api *a);

#endif
