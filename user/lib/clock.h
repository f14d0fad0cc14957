/* SPDX-License-Identifier: GPL-2.0 */
/* The clocks meshprof times its windows with. */
#ifndef MESHPROF_CLOCK_H
#define MESHPROF_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static inline double mono_s(void)
{
	return mono_ns() / 1e9;
}

#endif
