// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include "promhist.h"

/* Nanoseconds of an le label, or 0 when it is not a finite number. */
static uint64_t le_ns(const char *le, bool *inf)
{
	char *end;
	double v = strtod(le, &end);

	*inf = *le && !*end && isinf(v) && v > 0;
	if (!*le || *end || !isfinite(v) || v <= 0 || v > 1e6)
		return 0;
	return llround(v * 1e9);
}

int prom_lat_le_index(const char *le)
{
	uint64_t ns, base, step;
	bool inf;
	int msb, i;

	ns = le_ns(le, &inf);
	if (inf)
		return PROM_LAT_BUCKETS;
	if (ns < prom_lat_le_ns(0))
		return -1;
	msb = 63 - __builtin_clzll(ns);
	base = 1ULL << msb;
	step = base / PROM_LAT_PER_OCTAVE;
	i = (msb - PROM_LAT_MIN_MSB) * PROM_LAT_PER_OCTAVE + (ns - base) / step;
	return i < PROM_LAT_BUCKETS && prom_lat_le_ns(i) == ns ? i : -1;
}

int prom_runq_le_index(const char *le)
{
	bool inf;
	uint64_t ns = le_ns(le, &inf);
	int i;

	if (inf)
		return PROM_RUNQ_BUCKETS;
	if (!ns || ns & (ns - 1))
		return -1;
	i = 63 - __builtin_clzll(ns) - PROM_RUNQ_MIN_SLOT - 1;
	return i >= 0 && i < PROM_RUNQ_BUCKETS ? i : -1;
}

/* The HDR slots [*lo, *hi) that exported bucket @i is made of. */
static void slots_of(int i, uint32_t *lo, uint32_t *hi)
{
	if (i == 0) {
		*hi = lat_slot(prom_lat_le_ns(0));
		*lo = *hi - 1;
	} else if (i == PROM_LAT_BUCKETS) {
		*lo = lat_slot(prom_lat_le_ns(i - 1));
		*hi = *lo + 1;
	} else {
		*lo = lat_slot(prom_lat_le_ns(i - 1));
		*hi = lat_slot(prom_lat_le_ns(i));
	}
}

int prom_lat_to_hdr(const uint64_t *counts, struct latency_hist *h)
{
	uint64_t top = 0, lo_ns, hi_ns;
	uint32_t lo, hi;

	for (int i = 0; i <= PROM_LAT_BUCKETS; i++) {
		uint64_t n = counts[i], w;

		if (!n)
			continue;
		slots_of(i, &lo, &hi);
		w = hi - lo;
		for (uint32_t s = lo; s < hi; s++) {
			uint64_t share = n / w + (s - lo < n % w);

			if (!share)
				continue;
			if (lat_add_slot(h, s, share))
				return -ENOMEM;
			lat_bounds(s, &lo_ns, &hi_ns);
			top = hi_ns;
		}
	}
	if (top > h->max_ns)
		h->max_ns = top;
	return 0;
}

void prom_runq_to_log2(const uint64_t *counts, uint64_t *runq_hist)
{
	/* The first bucket also holds the waits below it. */
	for (int i = 0; i < PROM_RUNQ_BUCKETS; i++)
		runq_hist[PROM_RUNQ_MIN_SLOT + i] += counts[i];
}
