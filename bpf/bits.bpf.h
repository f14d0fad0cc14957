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

/*
 * v = min(v, max), in the very register that then indexes an array. The
 * verifier of older kernels (6.1) knows a bound only in the register that
 * was compared, while clang may compare one copy of an index and address
 * with another, or reload it from a stack slot that never learnt the
 * bound. Inline assembly leaves it neither choice; v must be 64-bit.
 */
#define clamp_index(v, max)						\
	asm volatile("if %[idx] <= %[lim] goto +1\n\t"			\
		     "%[idx] = %[lim]"					\
		     : [idx] "+r"(v) : [lim] "i"(max))

#endif
