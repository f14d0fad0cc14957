// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>
#include "workload.h"

static int number(struct json_object *o, const char *key, double *out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !(json_object_is_type(v, json_type_int) ||
	      json_object_is_type(v, json_type_double)))
		return -1;
	*out = json_object_get_double(v);
	return *out < 0 ? -1 : 0;
}

int workload_read_loadgen(struct run *run, const char *path, char *err,
			  size_t err_len)
{
	struct json_object *root, *lat;
	double requests, p50, p99;
	int rc = -1;

	root = json_object_from_file(path);
	if (!root) {
		snprintf(err, err_len, "%s: %s", path,
			 errno == ENOENT ? strerror(errno) : "not valid JSON");
		return -1;
	}
	if (number(root, "requests", &requests)) {
		snprintf(err, err_len, "%s: no \"requests\" count", path);
		goto out;
	}
	if (!json_object_object_get_ex(root, "latencies_ms", &lat) ||
	    number(lat, "p50", &p50) || number(lat, "p99", &p99)) {
		snprintf(err, err_len, "%s: no \"latencies_ms\" p50 and p99", path);
		goto out;
	}
	run->requests = requests;
	snprintf(run->requests_source, sizeof(run->requests_source),
		 "load-generator");
	run->latency_p50_s = p50 / 1e3;
	run->latency_p99_s = p99 / 1e3;
	if (number(root, "duration_seconds", &run->load_seconds))
		run->load_seconds = 0;
	rc = 0;
out:
	json_object_put(root);
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
