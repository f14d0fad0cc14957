/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The functions inlined at an address, from an ELF file's DWARF: the
 * chain of DW_TAG_inlined_subroutine scopes that hold it, so that a
 * sample in code LTO inlined into a caller (httparse's parser in a
 * request loop) names the inlined function (docs/attribution.md,
 * "Inlined frames"). A file's DWARF is opened at its first lookup, and
 * each compile unit is indexed when an address first falls in it.
 */
#ifndef MESHPROF_INLINES_H
#define MESHPROF_INLINES_H

#include <libelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Inlined calls kept per address, innermost first. */
#define INLINES_DEPTH_MAX 32

/* Shared by every file: what was indexed, and the memory bound. */
struct inlines_budget {
	uint64_t max_scopes;	/* address ranges kept over all files */
	uint64_t scopes;	/* ... kept now (16 bytes each) */
	uint64_t files;		/* files whose DWARF was opened */
	uint64_t units;		/* compile units indexed */
	uint64_t units_cut;	/* ... cut short: max_scopes reached */
	uint64_t lookups;	/* distinct addresses looked up */
	uint64_t index_ns;	/* time spent indexing */
};

struct inlines;

/* Whether @e has DWARF (.debug_info) to read inlined calls from. */
bool inlines_present(Elf *e);
/*
 * Opens the DWARF of the ELF file on @fd, which it then owns: closed by
 * inlines_free(), or now when the file has no DWARF (NULL).
 */
struct inlines *inlines_open(int fd, struct inlines_budget *b);
/*
 * The functions inlined at ELF address @addr, innermost first, into
 * @names (at most @max); how many, 0 when none. The names (demangled
 * like symbols) live as long as @in.
 */
size_t inlines_at(struct inlines *in, uint64_t addr, const char **names,
		  size_t max);
void inlines_free(struct inlines *in);

#endif
