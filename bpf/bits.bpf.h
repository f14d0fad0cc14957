/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MESHPROF_BITS_BPF_H
#define MESHPROF_BITS_BPF_H

/* floor(log2(v)) for v > 0; 0 for 0. Branch-free for the verifier. */
static __always_inline __u64 log2_u64(__u64 v)
{
	__u64 r = 0, shift;

	shift = (v > 0xffffffffULL) << 5; v >>= shift; r |= shift;
	shift = (v > 0xffff) << 4; v >>= shift; r |= shift;
	shift = (v > 0xff) << 3; v >>= shift; r |= shift;
	shift = (v > 0xf) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

#endif
