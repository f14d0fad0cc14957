// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <json-c/json.h>
#include "jsonscan.h"
#include "textfile.h"
#include "workload.h"

/* A load generator's report is a few hundred bytes. */
#define LOADGEN_MAX (1u << 20)

/* The number @key of @o into *@out, when it is one in [0, @max]. */
static int number(struct json_object *o, const char *key, double max,
		  double *out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !(json_object_is_type(v, json_type_int) ||
	      json_object_is_type(v, json_type_double)))
		return -1;
	*out = json_object_get_double(v);
	return *out >= 0 && *out <= max ? 0 : -1;
}

int workload_parse_loadgen(struct run *run, const char *text, size_t len,
			   const char *name, char *err, size_t err_len)
{
	struct json_piece whole = { text, len };
	struct json_object *root, *lat;
	double requests, p50, p99;
	struct json_scan s;
	char why[256];
	int rc = -1;

	json_scan_init(&s, text, len, why, sizeof(why));
	if (json_scan_done(&s)) {
		snprintf(err, err_len, "%s: empty, expected a load generator's JSON report",
			 name);
		return -1;
	}
	whole.p = s.p;
	whole.len = len - (s.p - text);
	if (json_scan_parse(&s, &whole, &root)) {
		snprintf(err, err_len, "%s: not valid JSON: %s", name, why);
		return -1;
	}
	if (number(root, "requests", 1e15, &requests)) {
		snprintf(err, err_len, "%s: no \"requests\" count (0 to 1e15)", name);
		goto out;
	}
	/* Latencies in milliseconds, up to a day. */
	if (!json_object_object_get_ex(root, "latencies_ms", &lat) ||
	    number(lat, "p50", 864e5, &p50) || number(lat, "p99", 864e5, &p99)) {
		snprintf(err, err_len, "%s: no \"latencies_ms\" p50 and p99 (milliseconds)",
			 name);
		goto out;
	}
	run->requests = requests;
	snprintf(run->requests_source, sizeof(run->requests_source),
		 "load-generator");
	run->latency_p50_s = p50 / 1e3;
	run->latency_p99_s = p99 / 1e3;
	if (number(root, "duration_seconds", 1e9, &run->load_seconds))
		run->load_seconds = 0;
	rc = 0;
out:
	json_object_put(root);
	return rc;
}

int workload_read_loadgen(struct run *run, const char *path, char *err,
			  size_t err_len)
{
	size_t len;
	char *text;
	int rc;

	if (text_read_max(path, LOADGEN_MAX, &text, &len, err, err_len))
		return -1;
	rc = workload_parse_loadgen(run, text, len, path, err, err_len);
	free(text);
	return rc;
}

void workload_count_requests(struct run *run)
{
	uint64_t served = 0;

	if (run->requests)
		return;
	for (size_t i = 0; i < run->ncomps; i++)
		if (run->comps[i].role == ROLE_APP)
			served += run->comps[i].m.exchanges;
	run->requests = served;
	if (served)
		snprintf(run->requests_source, sizeof(run->requests_source),
			 "sockets");
}
