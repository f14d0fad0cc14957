/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The histograms `meshprof serve` exports (output/prom.h), back into the
 * model's: latency buckets into HDR slots, run-queue buckets into log2
 * slots. docs/prometheus.md gives the percentile error this leaves.
 */
#ifndef MESHPROF_PROMHIST_H
#define MESHPROF_PROMHIST_H

#include <stdint.h>
#include "lathist.h"
#include "prom.h"

/* The exported latency bucket whose le label is @le (seconds, or "+Inf":
 * PROM_LAT_BUCKETS); -1 when @le is no bound of it. */
int prom_lat_le_index(const char *le);
/* The same for the run-queue histogram ("+Inf": PROM_RUNQ_BUCKETS). */
int prom_runq_le_index(const char *le);
/*
 * Adds @counts, the exported latency buckets (not cumulative; the last is
 * +Inf), to @h: each bucket's count is split evenly over the HDR slots it
 * is made of, the first bucket's (up to 1.024 us) in its top slot, +Inf's
 * in the slot at 2^32 ns. The maximum becomes the top of the highest
 * slot. -ENOMEM.
 */
int prom_lat_to_hdr(const uint64_t *counts, struct latency_hist *h);
/* Adds @counts, the exported run-queue buckets (not cumulative), to the
 * log2 slots of @runq_hist (MAX_SLOTS). */
void prom_runq_to_log2(const uint64_t *counts, uint64_t *runq_hist);

#endif
