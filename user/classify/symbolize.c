// SPDX-License-Identifier: GPL-2.0
/*
 * Symbolization of sampled stacks (docs/attribution.md, "Symbols").
 *
 * A user PC is resolved through the process's executable mappings,
 * captured from /proc/PID/maps while it is alive (identity/procmaps.c),
 * and the symbols of the file behind the mapping (elfsyms.c). Anything
 * without a symbol is "[module]+0xOFFSET", never the nearest symbol.
 * Kernel PCs are resolved with /proc/kallsyms (kallsyms.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "elfsyms.h"
#include "hash.h"
#include "inlines.h"
#include "intern.h"
#include "kallsyms.h"
#include "procfs.h"
#include "procmaps.h"
#include "symbolize.h"

#define PROC_BUCKETS 1024
/* A frame outside every known mapping is likely code mapped since the
 * capture (dlopen): capture again, at most this often per process. */
#define RECAPTURE_NS 1000000000ULL
/* Executable mappings kept of one process: a process can make 65530, and
 * each is a file opened. Frames beyond go unnamed. */
#define MAX_MAPPINGS 4096

struct mapping {
	uint64_t start, end, pgoff;
	const char *module;		/* interned */
	struct elf_file *elf;		/* NULL when not readable */
	const char *path;		/* interned; NULL when no file */
};

/* One process's executable mappings at its last capture. */
struct proc_maps {
	struct proc_maps *next;
	pid_t pid;
	unsigned long long start_time;	/* tells PID reuse */
	uint64_t captured_ns;		/* monotonic time of the capture */
	char comm[PROCFS_COMM_LEN];
	struct mapping *maps;		/* sorted by start */
	size_t n, cap;
};

struct symbolizer {
	struct elf_cache *elfs;
	bool no_inline;
	struct kallsyms *kernel;
	struct proc_maps *procs[PROC_BUCKETS];
	struct intern_table strings;
	struct symbolize_stats stats;
};

static struct proc_maps **proc_slot(const struct symbolizer *s, pid_t pid)
{
	size_t b = fnv1a(FNV1A_BASIS, &pid, sizeof(pid)) % PROC_BUCKETS;
	struct proc_maps *const *pp = &s->procs[b];

	while (*pp && (*pp)->pid != pid)
		pp = &(*pp)->next;
	return (struct proc_maps **)pp;
}

static void proc_maps_free(struct proc_maps *pm)
{
	if (!pm)
		return;
	free(pm->maps);
	free(pm);
}

/* The ELF file behind a mapping, or NULL (anonymous, unreadable). */
static struct elf_file *mapped_elf(struct symbolizer *s, pid_t pid,
				   const struct proc_mapping *pm)
{
	struct elf_file *ef;
	int fd;

	if (!strcmp(pm->path, "[vdso]"))
		return elf_vdso(s->elfs);
	if (pm->path[0] != '/')
		return NULL;
	fd = procmaps_open(pid, pm);
	ef = fd >= 0 ? elf_of_fd(s->elfs, fd) : NULL;
	if (fd >= 0)
		close(fd);
	s->stats.elf_unreadable += !ef;
	return ef;
}

/* "anon" for anonymous code, "vdso" for "[vdso]", else the file's name. */
static const char *module_of(struct symbolizer *s, const char *path)
{
	char name[PROCMAPS_PATH_MAX];

	if (!path[0])
		return intern(&s->strings, "anon");
	if (path[0] == '[')
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(path + 1, "]"),
			 path + 1);
	else
		procmaps_module(path, name, sizeof(name));
	return intern(&s->strings, name);
}

struct capture_ctx {
	struct symbolizer *s;
	struct proc_maps *pm;
};

static int add_mapping(void *arg, const struct proc_mapping *m)
{
	struct capture_ctx *ctx = arg;
	struct proc_maps *pm = ctx->pm;
	struct mapping *grown, *dst;

	if (pm->n == MAX_MAPPINGS)
		return 1;
	if (pm->n == pm->cap) {
		pm->cap = pm->cap ? pm->cap * 2 : 64;
		grown = realloc(pm->maps, pm->cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		pm->maps = grown;
	}
	dst = &pm->maps[pm->n];
	*dst = (struct mapping){ .start = m->start, .end = m->end,
				 .pgoff = m->pgoff };
	dst->module = module_of(ctx->s, m->path);
	if (m->path[0] == '/')
		dst->path = intern(&ctx->s->strings, m->path);
	dst->elf = mapped_elf(ctx->s, pm->pid, m);
	if (!dst->module)
		return -ENOMEM;
	pm->n++;
	return 0;
}

static void sync_stats(struct symbolizer *s)
{
	const struct elfsyms_stats *es = elf_cache_stats(s->elfs);
	const struct inlines_budget *ib = elf_cache_inlines(s->elfs);

	s->stats.elf_loaded = es->loaded;
	s->stats.elf_cache_hits = es->cache_hits;
	memcpy(s->stats.refused, es->refused, sizeof(s->stats.refused));
	s->stats.elf_stripped = es->stripped;
	s->stats.debug_local = es->debug_local;
	s->stats.debug_remote = es->debug_remote;
	s->stats.dwarf_files = ib->files;
	s->stats.dwarf_units = ib->units;
	s->stats.dwarf_units_cut = ib->units_cut;
	s->stats.dwarf_scopes = ib->scopes;
	s->stats.dwarf_lookups = ib->lookups;
	s->stats.dwarf_index_s = ib->index_ns / 1e9;
}

static int map_cmp(const void *a, const void *b)
{
	const struct mapping *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* @pm becomes @slot's capture, in the place of the one before. */
static void install(struct symbolizer *s, struct proc_maps **slot,
		    struct proc_maps *pm)
{
	if (*slot) {
		pm->next = (*slot)->next;
		proc_maps_free(*slot);
	} else {
		s->stats.captures++;
	}
	*slot = pm;
}

static int capture(struct symbolizer *s, pid_t pid, bool keep_reused)
{
	struct proc_maps **slot = proc_slot(s, pid), *pm;
	struct capture_ctx ctx = { .s = s };
	struct proc_stat st;

	/* A process that is gone, or whose pid now names another process,
	 * keeps its earlier capture when asked to. */
	if (procfs_stat(pid, &st)) {
		if (keep_reused && *slot)
			return 0;
		errno = ESRCH;
		return -1;
	}
	/* A copy made at fork (start time 0) is the same process. */
	if (keep_reused && *slot && (*slot)->start_time &&
	    (*slot)->start_time != st.start_time)
		return 0;
	pm = calloc(1, sizeof(*pm));
	if (!pm)
		return -1;
	pm->pid = pid;
	pm->start_time = st.start_time;
	pm->captured_ns = mono_ns();
	snprintf(pm->comm, sizeof(pm->comm), "%s", st.comm);
	ctx.pm = pm;
	if (procmaps_read(pid, add_mapping, &ctx) < 0) {
		proc_maps_free(pm);
		errno = ESRCH;
		return -1;
	}
	s->stats.snapshots++;
	sync_stats(s);
	/* Only kernel threads map nothing, and processes that are exiting
	 * or zombies: for those the earlier capture tells their frames. */
	if (!pm->n && *slot && (*slot)->n) {
		proc_maps_free(pm);
		return 0;
	}
	if (pm->n)
		qsort(pm->maps, pm->n, sizeof(*pm->maps), map_cmp);
	install(s, slot, pm);
	return 0;
}

int symbolize_snapshot(struct symbolizer *s, pid_t pid)
{
	return capture(s, pid, false);
}

int symbolize_inherit(struct symbolizer *s, pid_t child, pid_t parent)
{
	struct proc_maps *from = *proc_slot(s, parent), **slot, *pm;

	if (!from || !from->n)
		return symbolize_snapshot(s, child);
	pm = calloc(1, sizeof(*pm));
	if (pm)
		pm->maps = malloc(from->n * sizeof(*pm->maps));
	if (!pm || !pm->maps) {
		proc_maps_free(pm);
		return -1;
	}
	memcpy(pm->maps, from->maps, from->n * sizeof(*pm->maps));
	pm->n = pm->cap = from->n;
	pm->pid = child;
	pm->captured_ns = from->captured_ns;
	memcpy(pm->comm, from->comm, sizeof(pm->comm));
	slot = proc_slot(s, child);
	install(s, slot, pm);
	return 0;
}

int symbolize_refresh(struct symbolizer *s, pid_t pid)
{
	return capture(s, pid, true);
}

void symbolize_forget(struct symbolizer *s, pid_t pid)
{
	struct proc_maps **slot = proc_slot(s, pid), *pm = *slot;

	if (!pm)
		return;
	*slot = pm->next;
	proc_maps_free(pm);
	s->stats.captures--;
}

bool symbolize_has(const struct symbolizer *s, pid_t pid)
{
	return *proc_slot(s, pid) != NULL;
}

const char *symbolize_comm(const struct symbolizer *s, pid_t pid)
{
	struct proc_maps *pm = *proc_slot(s, pid);

	return pm ? pm->comm : "";
}

static const struct mapping *find_mapping(const struct proc_maps *pm,
					  uint64_t pc)
{
	size_t lo = 0, hi = pm->n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (pc < pm->maps[mid].start)
			hi = mid;
		else if (pc >= pm->maps[mid].end)
			lo = mid + 1;
		else
			return &pm->maps[mid];
	}
	return NULL;
}

/* Why a frame in @m has no name. */
static enum unnamed_reason unnamed_in(const struct mapping *m)
{
	if (!m)
		return UNNAMED_UNMAPPED;
	if (!m->path && !m->elf)
		return UNNAMED_ANON;
	if (!m->elf)
		return UNNAMED_UNREADABLE;
	return elf_stripped(m->elf) ? UNNAMED_STRIPPED : UNNAMED_NO_SYMBOL;
}

/* The frames of one PC into @out (room for @cap >= 1): the calls
 * inlined there, innermost first, then its function. */
static size_t resolve_user(struct symbolizer *s, const struct proc_maps *pm,
			   uint64_t pc, struct frame *out, size_t cap)
{
	const struct mapping *m = pm ? find_mapping(pm, pc) : NULL;
	const char *names[INLINES_DEPTH_MAX];
	struct frame f = { .why = unnamed_in(m) };
	size_t n = 0, i;
	uint64_t addr;

	if (m) {
		f.module = m->module;
		f.offset = pc - m->start + m->pgoff;
	}
	if (m && m->elf && elf_addr(m->elf, f.offset, &addr)) {
		f.offset = addr;
		f.sym = elf_symbol(m->elf, addr);
		if (!s->no_inline)
			n = elf_inlined(s->elfs, m->elf, addr, names,
					cap - 1 < INLINES_DEPTH_MAX ?
					cap - 1 : INLINES_DEPTH_MAX);
	}
	for (i = 0; i < n; i++)
		out[i] = (struct frame){ .sym = names[i], .module = f.module,
					 .offset = f.offset, .inlined = true };
	out[n] = f;
	return n + 1;
}

int symbolize_files(struct symbolizer *s, pid_t pid, symbolize_file_fn fn,
		    void *arg)
{
	struct proc_maps *pm = *proc_slot(s, pid);
	struct mapped_file mf = { .pid = pid };
	const struct mapping *m;
	size_t i;
	int ret;

	for (i = 0; pm && i < pm->n; i++) {
		m = &pm->maps[i];
		mf.start = m->start;
		mf.end = m->end;
		mf.pgoff = m->pgoff;
		mf.bias = 0;
		mf.file = NULL;
		mf.path = m->path;
		if (m->elf && (m->path || elf_is_vdso(s->elfs, m->elf)) &&
		    elf_bias(m->elf, m->start, m->pgoff, m->end - m->start,
			     &mf.bias))
			mf.file = m->elf;
		ret = fn(arg, &mf);
		if (ret)
			return ret;
	}
	return 0;
}

int symbolize_open_file(const struct symbolizer *s,
			const struct mapped_file *mf)
{
	struct proc_mapping m = { mf->start, mf->end, mf->pgoff, mf->path };

	if (mf->file && elf_is_vdso(s->elfs, mf->file))
		return elf_vdso_fd(s->elfs);
	if (!mf->path) {
		errno = ENOENT;
		return -1;
	}
	return procmaps_open(mf->pid, &m);
}

/* Whether every frame of @ips lies in a mapping of @pm. */
static bool all_mapped(const struct proc_maps *pm, const uint64_t *ips,
		       size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!find_mapping(pm, call_site(ips, i)))
			return false;
	return true;
}

size_t symbolize_user(struct symbolizer *s, pid_t pid, const uint64_t *ips,
		      size_t n, struct frame *out, size_t cap)
{
	struct proc_maps *pm = *proc_slot(s, pid);
	size_t i, len = 0;

	if (!pm && !symbolize_snapshot(s, pid))
		pm = *proc_slot(s, pid);
	else if (pm && !all_mapped(pm, ips, n) &&
		 mono_ns() >= pm->captured_ns + RECAPTURE_NS &&
		 !symbolize_refresh(s, pid))
		pm = *proc_slot(s, pid);
	for (i = 0; i < n && len < cap; i++)
		len += resolve_user(s, pm, call_site(ips, i), out + len,
				    cap - len);
	return len;
}

int symbolize_kernel_learn(struct symbolizer *s, const uint64_t *pcs,
			   size_t n)
{
	return kallsyms_learn(s->kernel, pcs, n);
}

void symbolize_kernel(struct symbolizer *s, const uint64_t *ips, size_t n,
		      struct frame *out)
{
	uint64_t pcs[128] = { 0 };
	size_t i;

	for (i = 0; i < n && i < 128; i++)
		pcs[i] = call_site(ips, i);
	kallsyms_learn(s->kernel, pcs, i);
	for (i = 0; i < n; i++) {
		uint64_t pc = call_site(ips, i);

		out[i] = (struct frame){ .module = "kernel", .offset = pc,
					 .kernel = true,
					 .why = UNNAMED_KERNEL };
		kallsyms_lookup(s->kernel, pc, &out[i].sym, &out[i].module);
	}
}

int frame_name(const struct frame *f, char *buf, size_t len)
{
	if (f->sym)
		return snprintf(buf, len, "%s", f->sym);
	if (f->module)
		return snprintf(buf, len, "[%s]+0x%llx", f->module,
				(unsigned long long)f->offset);
	return snprintf(buf, len, "[unknown]");
}

const char *symbolize_debug_where(const struct symbolizer *s)
{
	return elf_cache_debug_where(s->elfs);
}

const struct symbolize_stats *symbolize_stats(struct symbolizer *s)
{
	sync_stats(s);
	return &s->stats;
}

struct symbolizer *symbolizer_new(const struct symbolizer_opts *o)
{
	struct symbolizer *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->elfs = elf_cache_new(o ? o->debug_dirs : NULL,
				o ? o->ndebug_dirs : 0);
	s->no_inline = o && o->no_inline;
	s->kernel = kallsyms_new(o ? o->kallsyms : NULL);
	if (!s->elfs || !s->kernel) {
		symbolizer_free(s);
		return NULL;
	}
	return s;
}

void symbolizer_free(struct symbolizer *s)
{
	struct proc_maps *pm, *next;

	if (!s)
		return;
	for (size_t b = 0; b < PROC_BUCKETS; b++) {
		for (pm = s->procs[b]; pm; pm = next) {
			next = pm->next;
			proc_maps_free(pm);
		}
	}
	intern_free(&s->strings);
	elf_cache_free(s->elfs);
	kallsyms_free(s->kernel);
	free(s);
}
