/* SPDX-License-Identifier: GPL-2.0 */
/* Per-hop latency histograms shared by the kernel and user side. */
#ifndef MESHPROF_LATENCY_H
#define MESHPROF_LATENCY_H

/*
 * HDR-style buckets of nanoseconds: values below 2^LAT_SUB_BITS have one
 * bucket each; above, every power of two is split into 2^LAT_SUB_BITS
 * linear buckets, so a bucket is at most 1/16 of its value wide and its
 * midpoint within 1/32 (3.2%) of any value in it. Up to 2^40 ns (18 min).
 */
#define LAT_SUB_BITS 4
#define LAT_SUB (1 << LAT_SUB_BITS)
#define LAT_MAX_MSB 40
#define LAT_SLOTS ((LAT_MAX_MSB - LAT_SUB_BITS + 1) * LAT_SUB)

/* Bucket of @ns >= LAT_SUB whose highest set bit is @msb (both sides use
 * this; each computes msb its own way). */
#define LAT_SLOT_OF(ns, msb)						\
	(((msb) - LAT_SUB_BITS + 1) * LAT_SUB +				\
	 (((ns) >> ((msb) - LAT_SUB_BITS)) & (LAT_SUB - 1)))

enum lat_kind {
	LAT_SERVICE,		/* server: request received -> response sent */
	LAT_DWELL_REQUEST,	/* proxy: received downstream -> sent upstream */
	LAT_DWELL_RESPONSE,	/* proxy: received upstream -> sent downstream */
	LAT_CLIENT,		/* client: request sent -> response received */
	LAT_QUEUE,		/* data ready in the socket -> read by the app */
	LAT_TRANSIT,		/* peer sent -> data ready here (kernel path) */
	LAT_KINDS,
};

struct lat_hist {
	__u64 max_ns;
	__u64 sum_ns;		/* for the exact mean */
	__u32 slots[LAT_SLOTS];
};

/* Every measure of one process: one lookup serves a socket event. */
struct lat_proc {
	struct lat_hist h[LAT_KINDS];
};

#endif
