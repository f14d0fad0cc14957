// SPDX-License-Identifier: GPL-2.0
/*
 * Inlined calls from DWARF (inlines.h).
 *
 * A compile unit is indexed once, when an address first falls in it: one
 * walk of its DIEs records every address range of a function (depth 0)
 * and of an inlined call (depth n: n calls deep), sorted by start. The
 * scopes holding an address are those met walking back from the last
 * scope that starts at or before it to the start of its function, since
 * scopes nest. Each address's answer is kept: the same stacks come back
 * at every read.
 *
 * libdw finds the units and their ranges and follows
 * DW_AT_abstract_origin to the inlined function's name; its linkage name
 * is demangled as symbols are, so rules match inlined frames as they
 * match functions.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "array.h"
#include "elfscn.h"
#include "elfsyms.h"
#include "hash.h"
#include "inlines.h"
#include "intern.h"

#define SCOPE_LEN_MAX ((1u << 24) - 1)
/* DIE nesting followed: a bound on the walk's recursion in a hostile
 * file; compilers nest a few dozen levels. */
#define WALK_DEPTH_MAX 256
#define EXEC_SEGS_MAX 16

/* One address range of a function or an inlined call: 16 bytes. */
struct scope {
	uint64_t lo;
	uint32_t len : 24;
	uint32_t depth : 8;	/* 0: the function; n: n inlined calls deep */
	uint32_t die;		/* its DIE's offset in .debug_info */
};

struct unit {
	Dwarf_Die die;
	struct scope *scopes;	/* sorted by lo, then depth */
	size_t n;
	bool indexed;
};

struct unit_range {
	uint64_t lo, hi;
	size_t unit;
};

/* uint64 -> uint64 by open addressing; keys are stored + 1, 0 is empty. */
struct u64map {
	uint64_t *keys, *vals;
	size_t cap, len;	/* cap is 0 or a power of two */
};

struct inlines {
	int fd;
	Elf *elf;
	Dwarf *dw;
	struct inlines_budget *b;
	uint64_t exec_lo[EXEC_SEGS_MAX], exec_hi[EXEC_SEGS_MAX];
	size_t nexec;
	struct unit *units;
	size_t nunits, units_cap;
	struct unit_range *ranges;	/* sorted by lo */
	size_t nranges, ranges_cap;
	struct u64map at;		/* address -> first << 8 | count */
	const char **chains;		/* the answers, innermost first */
	size_t nchains, chains_cap;
	struct u64map names;		/* DIE offset -> interned name */
	struct intern_table strings;
};

/* Scratch of one unit's walk. */
struct walk {
	struct inlines *in;
	struct scope *scopes;
	size_t n, cap;
	bool cut;		/* the budget ran out */
};

static size_t map_index(const struct u64map *m, uint64_t key)
{
	size_t i = fnv1a(FNV1A_BASIS, &key, sizeof(key)) & (m->cap - 1);

	while (m->keys[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static bool map_get(const struct u64map *m, uint64_t key, uint64_t *val)
{
	size_t i;

	if (!m->cap)
		return false;
	i = map_index(m, key + 1);
	if (!m->keys[i])
		return false;
	*val = m->vals[i];
	return true;
}

static int map_grow(struct u64map *m)
{
	struct u64map g = { .cap = m->cap ? m->cap * 2 : 256 };
	size_t i, j;

	g.keys = calloc(g.cap, sizeof(*g.keys));
	g.vals = calloc(g.cap, sizeof(*g.vals));
	if (!g.keys || !g.vals) {
		free(g.keys);
		free(g.vals);
		return -1;
	}
	for (i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		j = map_index(&g, m->keys[i]);
		g.keys[j] = m->keys[i];
		g.vals[j] = m->vals[i];
	}
	g.len = m->len;
	free(m->keys);
	free(m->vals);
	*m = g;
	return 0;
}

static int map_put(struct u64map *m, uint64_t key, uint64_t val)
{
	size_t i;

	if ((m->len + 1) * 2 > m->cap && map_grow(m))
		return -1;
	i = map_index(m, key + 1);
	if (!m->keys[i])
		m->len++;
	m->keys[i] = key + 1;
	m->vals[i] = val;
	return 0;
}

static void map_free(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
}

bool inlines_present(Elf *e)
{
	GElf_Shdr sh;

	return elf_section_named(e, ".debug_info", &sh) ||
	       elf_section_named(e, ".zdebug_info", &sh);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The executable segments: ranges outside them are functions the linker
 * dropped, left at address 0 or a tombstone. */
static int read_exec_segments(struct inlines *in)
{
	GElf_Phdr ph;
	size_t i, n;

	if (elf_getphdrnum(in->elf, &n))
		return -1;
	for (i = 0; i < n && in->nexec < EXEC_SEGS_MAX; i++) {
		if (!gelf_getphdr(in->elf, i, &ph) || ph.p_type != PT_LOAD ||
		    !(ph.p_flags & PF_X))
			continue;
		in->exec_lo[in->nexec] = ph.p_vaddr;
		in->exec_hi[in->nexec++] = ph.p_vaddr + ph.p_memsz;
	}
	return in->nexec ? 0 : -1;
}

static bool is_code(const struct inlines *in, uint64_t lo, uint64_t hi)
{
	for (size_t i = 0; i < in->nexec; i++)
		if (lo >= in->exec_lo[i] && hi <= in->exec_hi[i])
			return true;
	return false;
}

static int range_cmp(const void *a, const void *b)
{
	const struct unit_range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Lists the compile units and the code each covers; nothing is indexed
 * yet. */
static int list_units(struct inlines *in)
{
	Dwarf_Addr base, lo, hi;
	struct unit_range *r;
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie;
	struct unit *u;
	Dwarf_Half version;
	uint8_t type;
	ptrdiff_t off;

	while (!dwarf_get_units(in->dw, cu, &cu, &version, &type, &cudie,
				NULL)) {
		if (type != DW_UT_compile)
			continue;
		u = array_push((void **)&in->units, &in->nunits,
			       &in->units_cap, sizeof(*u));
		if (!u)
			return -1;
		u->die = cudie;
		for (off = 0;
		     (off = dwarf_ranges(&cudie, off, &base, &lo, &hi)) > 0;) {
			if (hi <= lo || !is_code(in, lo, hi))
				continue;
			r = array_push((void **)&in->ranges, &in->nranges,
				       &in->ranges_cap, sizeof(*r));
			if (!r)
				return -1;
			*r = (struct unit_range){ lo, hi, in->nunits - 1 };
		}
	}
	if (in->nranges)
		qsort(in->ranges, in->nranges, sizeof(*in->ranges), range_cmp);
	return 0;
}

/* Records @die's ranges at @depth; false when it has no code. */
static bool add_ranges(struct walk *w, Dwarf_Die *die, unsigned int depth)
{
	Dwarf_Off die_off = dwarf_dieoffset(die);
	struct inlines_budget *b = w->in->b;
	Dwarf_Addr base, lo, hi;
	struct scope *sc;
	bool any = false;
	ptrdiff_t off;

	if (die_off > UINT32_MAX)
		return false;
	for (off = 0; (off = dwarf_ranges(die, off, &base, &lo, &hi)) > 0;) {
		if (hi <= lo || hi - lo > SCOPE_LEN_MAX ||
		    !is_code(w->in, lo, hi))
			continue;
		any = true;
		if (b->scopes >= b->max_scopes) {
			w->cut = true;
			continue;
		}
		sc = array_push((void **)&w->scopes, &w->n, &w->cap,
				sizeof(*sc));
		if (!sc) {
			w->cut = true;
			continue;
		}
		*sc = (struct scope){ lo, hi - lo, depth, die_off };
		b->scopes++;
	}
	return any;
}

static void walk_die(struct walk *w, Dwarf_Die *die, unsigned int depth,
		     unsigned int nest);

static void walk_children(struct walk *w, Dwarf_Die *parent,
			  unsigned int depth, unsigned int nest)
{
	Dwarf_Die child;

	if (nest >= WALK_DEPTH_MAX || dwarf_child(parent, &child))
		return;
	do
		walk_die(w, &child, depth, nest + 1);
	while (!dwarf_siblingof(&child, &child));
}

/*
 * Functions with code start at depth 0 wherever they are (namespaces and
 * types hold Rust's and C++'s); inside one, only lexical blocks and
 * inlined calls can hold more scopes. A function without code (a
 * declaration, an abstract instance) holds none.
 */
static void walk_die(struct walk *w, Dwarf_Die *die, unsigned int depth,
		     unsigned int nest)
{
	switch (dwarf_tag(die)) {
	case DW_TAG_subprogram:
		if (add_ranges(w, die, 0))
			walk_children(w, die, 1, nest);
		break;
	case DW_TAG_inlined_subroutine:
		if (depth && depth <= INLINES_DEPTH_MAX &&
		    add_ranges(w, die, depth))
			walk_children(w, die, depth + 1, nest);
		break;
	case DW_TAG_lexical_block:
		walk_children(w, die, depth, nest);
		break;
	default:
		if (!depth && dwarf_haschildren(die))
			walk_children(w, die, 0, nest);
		break;
	}
}

static int scope_cmp(const void *a, const void *b)
{
	const struct scope *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return (int)x->depth - (int)y->depth;
}

static void index_unit(struct inlines *in, struct unit *u)
{
	struct walk w = { .in = in };
	uint64_t t0 = mono_ns();

	u->indexed = true;
	walk_children(&w, &u->die, 0, 0);
	if (w.n)
		qsort(w.scopes, w.n, sizeof(*w.scopes), scope_cmp);
	u->scopes = w.scopes;
	u->n = w.n;
	in->b->units++;
	in->b->units_cut += w.cut;
	in->b->index_ns += mono_ns() - t0;
}

static struct unit *unit_of(struct inlines *in, uint64_t addr)
{
	size_t lo = 0, hi = in->nranges, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (in->ranges[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || addr >= in->ranges[lo - 1].hi)
		return NULL;
	return &in->units[in->ranges[lo - 1].unit];
}

/* The demangled name of an inlined call's function; NULL when none. */
static const char *scope_name(struct inlines *in, uint32_t die_off)
{
	static const int attrs[] = {
		DW_AT_linkage_name, DW_AT_MIPS_linkage_name, DW_AT_name,
	};
	const char *raw = NULL, *name;
	Dwarf_Attribute attr;
	Dwarf_Die die;
	uint64_t v;
	char *dem;

	if (map_get(&in->names, die_off, &v))
		return (const char *)(uintptr_t)v;
	if (!dwarf_offdie(in->dw, die_off, &die))
		return NULL;
	for (size_t i = 0; !raw && i < sizeof(attrs) / sizeof(attrs[0]); i++)
		raw = dwarf_formstring(dwarf_attr_integrate(&die, attrs[i],
							    &attr));
	if (!raw)
		return NULL;
	dem = elf_demangle(raw);
	name = intern(&in->strings, dem ? dem : raw);
	free(dem);
	if (name)
		map_put(&in->names, die_off, (uintptr_t)name);
	return name;
}

/* The DIEs of the calls inlined at @addr into @dies[1..]; the depth of
 * the innermost, 0 when none. */
static unsigned int find_scopes(struct inlines *in, uint64_t addr,
				uint32_t *dies)
{
	bool seen[INLINES_DEPTH_MAX + 1] = { false };
	struct unit *u = unit_of(in, addr);
	const struct scope *sc;
	size_t lo = 0, hi, mid, i;
	unsigned int depth = 0;

	if (!u)
		return 0;
	if (!u->indexed)
		index_unit(in, u);
	for (hi = u->n; lo < hi;) {
		mid = (lo + hi) / 2;
		if (u->scopes[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i-- > 0;) {
		sc = &u->scopes[i];
		if (addr < sc->lo + sc->len && !seen[sc->depth]) {
			seen[sc->depth] = true;
			dies[sc->depth] = sc->die;
		}
		if (!sc->depth)
			break;
	}
	if (!seen[0])
		return 0;
	while (depth < INLINES_DEPTH_MAX && seen[depth + 1])
		depth++;
	return depth;
}

/* Looks @addr up and keeps the answer; -1 when out of memory. */
static int look_up(struct inlines *in, uint64_t addr, uint64_t *v)
{
	uint32_t dies[INLINES_DEPTH_MAX + 1];
	unsigned int depth = find_scopes(in, addr, dies);
	size_t first = in->nchains, n = 0;
	const char *name, **slot;

	in->b->lookups++;
	for (; depth > 0; depth--) {
		name = scope_name(in, dies[depth]);
		if (!name)
			continue;
		slot = array_push((void **)&in->chains, &in->nchains,
				  &in->chains_cap, sizeof(*slot));
		if (!slot)
			return -1;
		*slot = name;
		n++;
	}
	*v = (uint64_t)first << 8 | n;
	return map_put(&in->at, addr, *v);
}

size_t inlines_at(struct inlines *in, uint64_t addr, const char **names,
		  size_t max)
{
	size_t n, i;
	uint64_t v;

	if (!map_get(&in->at, addr, &v) && look_up(in, addr, &v))
		return 0;
	n = v & 0xff;
	if (n > max)
		n = max;
	for (i = 0; i < n; i++)
		names[i] = in->chains[(v >> 8) + i];
	return n;
}

/*
 * libdw decompresses every debug section it knows when it opens a file
 * (elfutils 0.188), and a distribution's debug files are compressed:
 * glibc's line table and location lists alone are 2.7 MB. Scopes and
 * names need neither, nor macros or .debug_frame; in this process's
 * private copy of the section headers they are marked SHT_NOBITS, which
 * libdw skips.
 */
static void hide_unread_sections(Elf *e)
{
	static const char *const unread[] = {
		".debug_line", ".debug_loc", ".debug_loclists", ".debug_macro",
		".debug_macinfo", ".debug_frame", ".zdebug_line",
		".zdebug_loc", ".zdebug_frame",
	};
	Elf_Scn *scn;
	GElf_Shdr sh;

	for (size_t i = 0; i < sizeof(unread) / sizeof(unread[0]); i++) {
		scn = elf_section_named(e, unread[i], &sh);
		if (!scn)
			continue;
		sh.sh_type = SHT_NOBITS;
		gelf_update_shdr(scn, &sh);
	}
}

struct inlines *inlines_open(int fd, struct inlines_budget *b)
{
	struct inlines *in = calloc(1, sizeof(*in));

	if (!in) {
		close(fd);
		return NULL;
	}
	in->fd = fd;
	in->b = b;
	in->elf = elf_begin(fd, ELF_C_READ_MMAP_PRIVATE, NULL);
	if (in->elf)
		hide_unread_sections(in->elf);
	in->dw = in->elf ? dwarf_begin_elf(in->elf, DWARF_C_READ, NULL) : NULL;
	if (!in->dw || read_exec_segments(in) || list_units(in)) {
		inlines_free(in);
		return NULL;
	}
	b->files++;
	return in;
}

void inlines_free(struct inlines *in)
{
	if (!in)
		return;
	for (size_t i = 0; i < in->nunits; i++) {
		in->b->scopes -= in->units[i].n;
		free(in->units[i].scopes);
	}
	free(in->units);
	free(in->ranges);
	free(in->chains);
	map_free(&in->at);
	map_free(&in->names);
	intern_free(&in->strings);
	dwarf_end(in->dw);
	elf_end(in->elf);
	close(in->fd);
	free(in);
}
