/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The function symbols of ELF files (.symtab, .dynsym, MiniDebugInfo,
 * separate debug files by build-id), read once per file and cached by
 * file identity and by build-id, so the same binary in many containers is
 * read once; and the calls inlined at an address, from their DWARF.
 */
#ifndef MESHPROF_ELFSYMS_H
#define MESHPROF_ELFSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kinds.h"

struct elf_file;

struct elfsyms_stats {
	uint64_t loaded;	/* ELF files whose symbols were read */
	uint64_t cache_hits;	/* files found in the cache */
	uint64_t refused[REFUSE_MAX];	/* files with a table over its cap,
					 * by reason (symbols, MiniDebugInfo) */
	uint64_t stripped;	/* files without .symtab, no debug file found */
	uint64_t debug_local;	/* debug files found in a directory */
	uint64_t debug_remote;	/* ... from debuginfod */
};

struct elf_cache;
struct inlines_budget;

/* Debug files are looked for in @debug_dirs (--debug-dir; may be NULL),
 * then /usr/lib/debug, then debuginfod (DEBUGINFOD_URLS) for stripped
 * files. NULL when out of memory. */
struct elf_cache *elf_cache_new(const char *const *debug_dirs,
				size_t ndirs);
void elf_cache_free(struct elf_cache *c);
const struct elfsyms_stats *elf_cache_stats(struct elf_cache *c);
/* What inlined-call lookups have read and kept. */
const struct inlines_budget *elf_cache_inlines(const struct elf_cache *c);
/* Where debug files are looked for, for messages. */
const char *elf_cache_debug_where(const struct elf_cache *c);

/* The symbols of the file open on @fd, read or found in the cache; NULL
 * when it is not a loadable ELF file. Neither closes nor moves @fd. */
struct elf_file *elf_of_fd(struct elf_cache *c, int fd);
/* The vDSO, the same image in every process: read from meshprof's own. */
struct elf_file *elf_vdso(struct elf_cache *c);
/* A file holding the vDSO image, which has none of its own; -1 with errno. */
int elf_vdso_fd(const struct elf_cache *c);
bool elf_is_vdso(const struct elf_cache *c, const struct elf_file *ef);

/* ELF address of file offset @off, through the segment holding it. */
bool elf_addr(const struct elf_file *ef, uint64_t off, uint64_t *addr);
/* pc - ELF address for a mapping of [@pgoff, @pgoff + @len) at @start. */
bool elf_bias(const struct elf_file *ef, uint64_t start, uint64_t pgoff,
	      uint64_t len, uint64_t *bias);
/* The demangled name of the innermost function holding @addr, or NULL:
 * never the nearest symbol, which would be a wrong name. */
const char *elf_symbol(struct elf_file *ef, uint64_t addr);
/*
 * The functions inlined at @addr, innermost first, from the file's DWARF
 * or its debug file's (read at the first call); how many, 0 when none.
 */
size_t elf_inlined(struct elf_cache *c, struct elf_file *ef, uint64_t addr,
		   const char **names, size_t max);
/* No symbol table beyond .dynsym: stripped, and no debug file found. */
bool elf_stripped(const struct elf_file *ef);

/* Demangles C++ and Rust (legacy and v0) names without parameter lists;
 * a malloc()ed string, or NULL when @name is not mangled. */
char *elf_demangle(const char *name);

#endif
