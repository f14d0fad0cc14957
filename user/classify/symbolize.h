/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Program counters to function names (docs/attribution.md, "Symbols"):
 * kernel PCs from /proc/kallsyms, user PCs from the ELF symbol tables
 * (.symtab, .dynsym, MiniDebugInfo, debug files by build-id) of the files
 * a process maps, and the calls inlined there from their DWARF. ELF files
 * are read once and cached by build-id.
 */
#ifndef MESHPROF_SYMBOLIZE_H
#define MESHPROF_SYMBOLIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "kinds.h"

/*
 * One resolved frame. The strings belong to the symbolizer and live until
 * symbolizer_free().
 */
struct frame {
	const char *sym;	/* demangled function name; NULL when unknown */
	const char *module;	/* file basename ("libssl.so.3"), "vdso", "anon",
				 * "kernel" or a kernel module ("nf_nat");
				 * NULL when no mapping holds the PC */
	uint64_t offset;	/* in module: ELF address, else file offset
				 * (mapping offset for "anon", address for
				 * the kernel) */
	bool kernel;
	bool inlined;		/* a call inlined at the next frame's PC */
	enum unnamed_reason why;	/* when sym is NULL */
};

struct symbolizer_opts {
	const char *kallsyms;	/* NULL: /proc/kallsyms */
	/* Looked in before /usr/lib/debug for DIR/.build-id/xx/yyyy.debug */
	const char *const *debug_dirs;
	size_t ndebug_dirs;
	bool no_inline;		/* no inlined calls from DWARF */
};

struct symbolize_stats {
	uint64_t snapshots;		/* /proc/PID/maps reads */
	uint64_t elf_loaded;		/* ELF files whose symbols were read */
	uint64_t elf_cache_hits;	/* mapped files found in the cache */
	uint64_t elf_unreadable;	/* mapped files that could not be read */
	uint64_t captures;		/* processes with a capture now */
	uint64_t refused[REFUSE_MAX];	/* files whose symbols were refused */
	uint64_t elf_stripped;		/* files without .symtab or debug file */
	uint64_t debug_local;		/* debug files found in a directory */
	uint64_t debug_remote;		/* ... from debuginfod */
	uint64_t dwarf_files;		/* files whose DWARF was read */
	uint64_t dwarf_units;		/* compile units indexed */
	uint64_t dwarf_units_cut;	/* ... cut short: scope budget spent */
	uint64_t dwarf_scopes;		/* function and inlined-call ranges kept */
	uint64_t dwarf_lookups;		/* distinct addresses looked up */
	double dwarf_index_s;		/* time spent indexing */
};

struct symbolizer;

/* @o may be NULL. Returns NULL when out of memory. */
struct symbolizer *symbolizer_new(const struct symbolizer_opts *o);
void symbolizer_free(struct symbolizer *s);

/*
 * Captures the executable mappings of @pid now, replacing an earlier
 * capture, and reads (or finds in the cache) the ELF files behind them, so
 * its frames resolve after it exits. Returns 0, or -1 with errno when the
 * process is gone.
 */
int symbolize_snapshot(struct symbolizer *s, pid_t pid);
/*
 * As symbolize_snapshot(), but keeps an earlier capture when @pid now
 * names another process (the PID was reused). For the end of a window.
 */
int symbolize_refresh(struct symbolizer *s, pid_t pid);
/*
 * A forked @child maps what its @parent maps: its capture is a copy of the
 * parent's, made without reading /proc (the parent's own when it has
 * none: symbolize_snapshot). Returns 0, or -1 with errno.
 */
int symbolize_inherit(struct symbolizer *s, pid_t child, pid_t parent);
/* Drops @pid's capture (the process exited and its stacks are read). */
void symbolize_forget(struct symbolizer *s, pid_t pid);
/* True when @pid has a capture. */
bool symbolize_has(const struct symbolizer *s, pid_t pid);
/* Where debug files are looked for, for messages. */
const char *symbolize_debug_where(const struct symbolizer *s);
/* The process's comm at its capture; "" when none. */
const char *symbolize_comm(const struct symbolizer *s, pid_t pid);

/*
 * Resolves a stack as bpf_get_stackid() gives it: @ips[0] is the leaf,
 * the others are return addresses (looked up one byte back, inside the
 * call). User stacks use @pid's capture, taken now when there is none.
 * Calls inlined at a PC come before its function's frame, marked
 * inlined, so @out may need more than @n frames. It gets at most @cap:
 * short of room, a PC's function frame is kept before its inlined
 * calls, and the PCs nearest the root are left out. Returns how many.
 */
size_t symbolize_user(struct symbolizer *s, pid_t pid, const uint64_t *ips,
		      size_t n, struct frame *out, size_t cap);
/* The address a stack's frame @i is looked up by: a return address points
 * after its call, so the call, one byte back. */
static inline uint64_t call_site(const uint64_t *ips, size_t i)
{
	return ips[i] - (i > 0);
}

/* Learns the kernel functions at @pcs (call sites) in one pass over
 * kallsyms, before symbolize_kernel() meets them one stack at a time. */
int symbolize_kernel_learn(struct symbolizer *s, const uint64_t *pcs,
			   size_t n);
void symbolize_kernel(struct symbolizer *s, const uint64_t *ips, size_t n,
		      struct frame *out);

/* One executable mapping of an ELF file in a process's capture. */
struct mapped_file {
	pid_t pid;
	uint64_t start, end;	/* [start, end) */
	uint64_t pgoff;		/* file offset of start */
	uint64_t bias;		/* pc - bias is the ELF address */
	const void *file;	/* the same for every mapping of one ELF file,
				 * in any process, while the symbolizer lives;
				 * NULL: not a readable ELF file (anonymous
				 * code) */
	const char *path;	/* as the process sees it; NULL: no file
				 * ([vdso]) */
};

typedef int (*symbolize_file_fn)(void *arg, const struct mapped_file *mf);
/*
 * Calls @fn for each executable mapping in @pid's capture, in address
 * order; stops at the first non-zero return and returns it. 0 when there
 * is no capture.
 */
int symbolize_files(struct symbolizer *s, pid_t pid, symbolize_file_fn fn,
		    void *arg);
/* Opens the very file behind @mf (for the vDSO, a copy of its image);
 * -1 with errno. */
int symbolize_open_file(const struct symbolizer *s, const struct mapped_file *mf);

/*
 * Writes the frame's display name into @buf: the symbol, else
 * "[module]+0xOFFSET", else "[unknown]". Returns the length snprintf
 * would write.
 */
int frame_name(const struct frame *f, char *buf, size_t len);

const struct symbolize_stats *symbolize_stats(struct symbolizer *s);

#endif
