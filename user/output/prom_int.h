/* SPDX-License-Identifier: GPL-2.0 */
/* The series store of prom_series.c, as prom_text.c renders it. */
#ifndef MESHPROF_PROM_INT_H
#define MESHPROF_PROM_INT_H

#include "prom.h"

/* A latency measure's exported buckets (not cumulative; the last is
 * +Inf), count and exact sum. */
struct prom_lat {
	uint64_t buckets[PROM_LAT_BUCKETS + 1];
	uint64_t count;
	uint64_t sum_ns;
};

/* The labels of a component's series, besides node. */
struct prom_ident {
	char namespace[K8S_LABEL_LEN];
	char pod[K8S_NAME_LEN];
	char container[K8S_LABEL_LEN];
	char component[COMPONENT_NAME_LEN];
	enum role role;
	enum mesh mesh;
};

struct prom_series {
	struct prom_ident id;
	uint64_t counter[NCOUNTERS];
	uint64_t runq[MAX_SLOTS];
	double cat_seconds[CAT_MAX];
	bool profiled;			/* has CPU categories */
	struct prom_lat *lat[LAT_KINDS];	/* NULL: never measured */
	uint64_t rss_bytes;		/* mean over the last read */
	double updated;			/* monotonic seconds */
};

struct prom_store {
	struct prom_opts opts;
	char node[256];
	struct prom_series *series;
	size_t n, cap;
	uint64_t refused;
	uint64_t drops[DROP_MAX];
	uint64_t profile_drops[PROFILE_DROP_MAX];
	int lat_bucket_of[LAT_SLOTS];
};

#endif
