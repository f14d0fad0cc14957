// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "lathist.h"

uint32_t lat_slot(uint64_t ns)
{
	int msb;

	if (ns < LAT_SUB)
		return ns;
	msb = 63 - __builtin_clzll(ns);
	if (msb > LAT_MAX_MSB)
		return LAT_SLOTS - 1;
	return LAT_SLOT_OF(ns, (uint64_t)msb);
}

void lat_bounds(uint32_t slot, uint64_t *lo, uint64_t *hi)
{
	uint32_t octave = slot / LAT_SUB, sub = slot % LAT_SUB;
	int shift;

	if (!octave) {
		*lo = slot;
		*hi = slot + 1;
		return;
	}
	shift = octave - 1;
	*lo = (uint64_t)(LAT_SUB + sub) << shift;
	*hi = *lo + (1ULL << shift);
}

int lat_add_slot(struct latency_hist *h, uint32_t slot, uint64_t n)
{
	if (!n || slot >= LAT_SLOTS)
		return 0;
	if (!h->slots) {
		h->slots = calloc(LAT_SLOTS, sizeof(*h->slots));
		if (!h->slots)
			return -ENOMEM;
	}
	h->slots[slot] += n;
	h->count += n;
	return 0;
}

int lat_merge(struct latency_hist *dst, const struct latency_hist *src)
{
	if (!src->count)
		return 0;
	for (uint32_t s = 0; s < LAT_SLOTS; s++)
		if (lat_add_slot(dst, s, src->slots[s]))
			return -ENOMEM;
	if (src->max_ns > dst->max_ns)
		dst->max_ns = src->max_ns;
	dst->sum_ns += src->sum_ns;
	return 0;
}

uint64_t lat_mean(const struct latency_hist *h)
{
	return h->count ? h->sum_ns / h->count : 0;
}

uint64_t lat_percentile(const struct latency_hist *h, double pct)
{
	uint64_t rank, seen = 0, lo, hi, mid;

	if (!h->count)
		return 0;
	if (pct >= 100 && h->max_ns)
		return h->max_ns;
	rank = (uint64_t)ceil(pct / 100.0 * h->count);
	if (rank < 1)
		rank = 1;
	for (uint32_t s = 0; s < LAT_SLOTS; s++) {
		seen += h->slots[s];
		if (seen < rank)
			continue;
		lat_bounds(s, &lo, &hi);
		mid = lo + (hi - lo) / 2;
		return h->max_ns && mid > h->max_ns ? h->max_ns : mid;
	}
	return h->max_ns;
}

void lat_free(struct latency_hist *h)
{
	free(h->slots);
	memset(h, 0, sizeof(*h));
}
