// SPDX-License-Identifier: GPL-2.0
/*
 * Function symbols of ELF files (docs/attribution.md, "Symbols"). A user
 * PC's file offset becomes an ELF address through the PT_LOAD program
 * headers (PIE, shared libraries and non-PIE executables alike), and a
 * FUNC symbol is reported only when the address lies inside
 * [st_value, st_value+st_size): a wrong name would silently move samples
 * between categories.
 *
 * Files are cached twice: by file identity (device, inode, size, mtime),
 * so a mapping costs an fstat, and by GNU build-id, so the same binary in
 * many containers is read once.
 */
#define _GNU_SOURCE	/* memfd_create */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <libiberty/demangle.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "debugfiles.h"
#include "elfsyms.h"
#include "hash.h"
#include "inlines.h"

#define BUILD_ID_MAX 20			/* SHA-1, the longest in use */
#define HASH_BUCKETS 1024
/* Caps on what one file may make meshprof read and keep: a container can
 * map anything. Past one, that table is refused and counted; the file's
 * other tables are still read. */
#define MINIDEBUG_MAX (64u << 20)	/* a decompressed .gnu_debugdata */
#define SYMTAB_MAX (64u << 20)		/* one symbol table: 2.8 M symbols */
#define NAMES_MAX (256u << 20)		/* the function names kept of a file */
#define DEMANGLE_MAX 16384		/* longer names are shown as they are */
/* Files kept open for their DWARF, read at their first sampled address. */
#define DWARF_FDS_MAX 256
/* Address ranges of functions and inlined calls indexed, over all files
 * (16 bytes each): 64 MiB. */
#define INLINE_SCOPES_MAX (4u << 20)

struct elf_sym {
	uint64_t addr;
	uint32_t size;
	uint32_t name;		/* offset in elf_file.names */
	uint8_t bind;		/* STB_*: a global name wins over its aliases */
};

/* One PT_LOAD segment: file offsets [off, off+filesz) load at vaddr. */
struct elf_seg {
	uint64_t off;
	uint64_t filesz;
	uint64_t vaddr;
};

struct elf_file {
	struct elf_file *next;		/* all files, for freeing */
	struct elf_file *id_next;	/* build-id hash chain */
	unsigned char build_id[BUILD_ID_MAX];
	size_t build_id_len;		/* 0: none */
	struct elf_seg *segs;
	size_t nsegs;
	struct elf_sym *syms;		/* FUNC symbols sorted by address */
	size_t nsyms, syms_cap;
	uint64_t *max_end;		/* max end of syms[0..i]: nested lookups */
	char *names;
	size_t names_len, names_cap;
	char **demangled;		/* lazily, per symbol */
	unsigned int refused;		/* bits of enum file_refusal */
	bool has_symtab;		/* a full symbol table was found */
	/* Where its DWARF is, read at the first lookup of an inlined call:
	 * the mapped file itself (kept open), or its debug file. */
	int dwarf_fd;
	char *dwarf_path;
	struct inlines *inl;
	bool inl_tried;
};

/* A file identity that is known to hold @elf (NULL: not ELF). */
struct file_alias {
	struct file_alias *next;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	struct elf_file *elf;
};

struct elf_cache {
	struct debug_files *debug;
	struct inlines_budget inl;
	size_t dwarf_fds;
	struct elf_file *files;
	struct elf_file *by_id[HASH_BUCKETS];
	struct file_alias *aliases[HASH_BUCKETS];
	struct elf_file *vdso;
	void *vdso_image;		/* meshprof's own vDSO, copied */
	size_t vdso_len;
	bool vdso_tried;
	struct elfsyms_stats stats;
};

static size_t bucket(const void *p, size_t n)
{
	return fnv1a(FNV1A_BASIS, p, n) % HASH_BUCKETS;
}

char *elf_demangle(const char *name)
{
	/* Without DMGL_PARAMS: rules match qualified names, and parameter
	 * types (which name other namespaces) would make them match the
	 * wrong functions and flame graph frames unreadably long.
	 * DMGL_AUTO tries Rust first (legacy Rust names are valid Itanium
	 * C++ names), then C++. */
	if ((strncmp(name, "_Z", 2) && strncmp(name, "_R", 2)) ||
	    strnlen(name, DEMANGLE_MAX) == DEMANGLE_MAX)
		return NULL;
	return cplus_demangle(name, DMGL_ANSI | DMGL_AUTO);
}

static void elf_file_free(struct elf_file *ef)
{
	size_t i;

	if (ef->demangled)
		for (i = 0; i < ef->nsyms; i++)
			free(ef->demangled[i]);
	free(ef->demangled);
	inlines_free(ef->inl);
	if (ef->dwarf_fd >= 0)
		close(ef->dwarf_fd);
	free(ef->dwarf_path);
	free(ef->segs);
	free(ef->syms);
	free(ef->max_end);
	free(ef->names);
	free(ef);
}

/* 1 when the names are over their cap: the symbol is left out. */
static int add_name(struct elf_file *ef, const char *name, uint32_t *off)
{
	size_t len = strlen(name) + 1, cap;
	char *grown;

	if (ef->names_len + len > NAMES_MAX) {
		ef->refused |= 1u << REFUSE_SYMBOLS_TOO_LARGE;
		return 1;
	}
	if (ef->names_len + len > ef->names_cap) {
		cap = ef->names_cap ? ef->names_cap * 2 : 4096;
		while (cap < ef->names_len + len)
			cap *= 2;
		grown = realloc(ef->names, cap);
		if (!grown)
			return -1;
		ef->names = grown;
		ef->names_cap = cap;
	}
	memcpy(ef->names + ef->names_len, name, len);
	*off = ef->names_len;
	ef->names_len += len;
	return 0;
}

/* 0, 1 when the names are full, -1 out of memory. */
static int add_sym(struct elf_file *ef, const GElf_Sym *sym, const char *name)
{
	struct elf_sym *grown, *es;
	size_t cap;
	int ret;

	if (ef->nsyms == ef->syms_cap) {
		cap = ef->syms_cap ? ef->syms_cap * 2 : 256;
		grown = realloc(ef->syms, cap * sizeof(*grown));
		if (!grown)
			return -1;
		ef->syms = grown;
		ef->syms_cap = cap;
	}
	es = &ef->syms[ef->nsyms];
	es->addr = sym->st_value;
	es->size = sym->st_size > UINT32_MAX ? UINT32_MAX : sym->st_size;
	es->bind = GELF_ST_BIND(sym->st_info);
	ret = add_name(ef, name, &es->name);
	ef->nsyms += !ret;
	return ret;
}

/* Adds the sized FUNC symbols of one symbol table. IFUNC symbols are left
 * out: their value is the resolver, not the code that runs. */
static int add_symtab(struct elf_file *ef, Elf *e, Elf_Scn *scn,
		      const GElf_Shdr *sh)
{
	Elf_Data *data;
	const char *name;
	GElf_Sym sym;
	size_t i, n;
	int ret;

	if (sh->sh_size > SYMTAB_MAX) {
		ef->refused |= 1u << REFUSE_SYMBOLS_TOO_LARGE;
		return 0;
	}
	data = elf_getdata(scn, NULL);
	if (!data || !sh->sh_entsize)
		return 0;
	n = sh->sh_size / sh->sh_entsize;
	for (i = 0; i < n; i++) {
		if (!gelf_getsym(data, i, &sym))
			break;
		if (GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
		    sym.st_shndx == SHN_UNDEF || !sym.st_size)
			continue;
		name = elf_strptr(e, sh->sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		ret = add_sym(ef, &sym, name);
		if (ret)
			return ret < 0 ? -1 : 0;
	}
	return 0;
}

/* The decompressed contents of an xz section; NULL when it is not xz or
 * decompresses to more than MINIDEBUG_MAX (*@too_large). */
static unsigned char *unxz(const void *in, size_t in_len, size_t *out_len,
			   bool *too_large)
{
	lzma_stream strm = LZMA_STREAM_INIT;
	unsigned char *out = NULL, *grown;
	size_t cap = in_len * 4 + 4096;
	lzma_ret ret = LZMA_OK;

	if (lzma_stream_decoder(&strm, UINT64_MAX, 0) != LZMA_OK)
		return NULL;
	strm.next_in = in;
	strm.avail_in = in_len;
	while (ret == LZMA_OK && cap <= MINIDEBUG_MAX) {
		grown = realloc(out, cap);
		if (!grown)
			break;
		out = grown;
		strm.next_out = out + strm.total_out;
		strm.avail_out = cap - strm.total_out;
		ret = lzma_code(&strm, LZMA_FINISH);
		cap *= 2;
	}
	*out_len = strm.total_out;
	lzma_end(&strm);
	*too_large = ret == LZMA_OK && cap > MINIDEBUG_MAX;
	if (ret != LZMA_STREAM_END) {
		free(out);
		return NULL;
	}
	return out;
}

static int add_symbols(struct elf_file *ef, Elf *e, bool outer);

/* MiniDebugInfo: an xz-compressed ELF whose .symtab holds the local
 * functions that stripping removed (Fedora, RHEL, CentOS). */
static int add_minidebuginfo(struct elf_file *ef, Elf_Scn *scn)
{
	Elf_Data *data = elf_rawdata(scn, NULL);
	unsigned char *img;
	bool too_large = false;
	size_t len;
	Elf *inner;
	int ret;

	if (!data || !data->d_size)
		return 0;
	img = unxz(data->d_buf, data->d_size, &len, &too_large);
	if (too_large)
		ef->refused |= 1u << REFUSE_MINIDEBUG_TOO_LARGE;
	if (!img)
		return 0;
	inner = elf_memory((char *)img, len);
	ret = inner ? add_symbols(ef, inner, false) : 0;
	elf_end(inner);
	free(img);
	return ret;
}

/* MiniDebugInfo is read in the file itself (@outer), never in the ELF
 * image it holds: a crafted one would nest them. */
static int add_symbols(struct elf_file *ef, Elf *e, bool outer)
{
	Elf_Scn *scn = NULL;
	const char *name;
	size_t shstrndx;
	GElf_Shdr sh;

	if (elf_getshdrstrndx(e, &shstrndx))
		return 0;
	while ((scn = elf_nextscn(e, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_DYNSYM) {
			ef->has_symtab |= sh.sh_type == SHT_SYMTAB;
			if (add_symtab(ef, e, scn, &sh))
				return -1;
			continue;
		}
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (outer && name && !strcmp(name, ".gnu_debugdata") &&
		    add_minidebuginfo(ef, scn))
			return -1;
	}
	return 0;
}

static bool note_build_id(Elf_Data *data, struct elf_file *ef)
{
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;

	while ((off = gelf_getnote(data, off, &nh, &name_off, &desc_off))) {
		if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
		    memcmp((char *)data->d_buf + name_off, "GNU", 4) ||
		    !nh.n_descsz || nh.n_descsz > BUILD_ID_MAX)
			continue;
		memcpy(ef->build_id, (char *)data->d_buf + desc_off,
		       nh.n_descsz);
		ef->build_id_len = nh.n_descsz;
		return true;
	}
	return false;
}

/* Reads the PT_LOAD segments and the build-id note from the program
 * headers, which stripping never removes. */
static int read_phdrs(struct elf_file *ef, Elf *e)
{
	Elf_Data *data;
	GElf_Phdr ph;
	size_t i, n;

	if (elf_getphdrnum(e, &n) || !n)
		return -1;
	ef->segs = calloc(n, sizeof(*ef->segs));
	if (!ef->segs)
		return -1;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(e, i, &ph))
			return -1;
		if (ph.p_type == PT_LOAD) {
			ef->segs[ef->nsegs++] = (struct elf_seg){
				ph.p_offset, ph.p_filesz, ph.p_vaddr,
			};
		} else if (ph.p_type == PT_NOTE && !ef->build_id_len) {
			data = elf_getdata_rawchunk(e, ph.p_offset,
						    ph.p_filesz, ELF_T_NHDR);
			if (data)
				note_build_id(data, ef);
		}
	}
	return ef->nsegs ? 0 : -1;
}

static int sym_cmp(const void *a, const void *b)
{
	const struct elf_sym *x = a, *y = b;
	/* GLOBAL (1) before WEAK (2) before LOCAL (0) among aliases. */
	int rx = x->bind == STB_LOCAL ? 3 : x->bind;
	int ry = y->bind == STB_LOCAL ? 3 : y->bind;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return rx - ry;
}

/* Sorts, drops aliases (same address and size: the same function, as
 * .symtab and .dynsym both list exported ones), fills max_end. */
static int index_symbols(struct elf_file *ef)
{
	size_t i, n = 0;
	uint64_t end = 0;

	if (ef->nsyms)
		qsort(ef->syms, ef->nsyms, sizeof(*ef->syms), sym_cmp);
	for (i = 0; i < ef->nsyms; i++) {
		if (n && ef->syms[n - 1].addr == ef->syms[i].addr &&
		    ef->syms[n - 1].size == ef->syms[i].size)
			continue;
		ef->syms[n++] = ef->syms[i];
	}
	ef->nsyms = n;
	ef->max_end = malloc((n ? n : 1) * sizeof(*ef->max_end));
	if (!ef->max_end)
		return -1;
	for (i = 0; i < n; i++) {
		if (ef->syms[i].addr + ef->syms[i].size > end)
			end = ef->syms[i].addr + ef->syms[i].size;
		ef->max_end[i] = end;
	}
	return 0;
}

/* Separate debug file of a build-id (Debian's -dbg and -dbgsym packages,
 * e.g. libc6-dbg, --debug-dir, debuginfod for stripped files): a full
 * .symtab at the same addresses, and maybe DWARF. */
static int add_debug_file(struct elf_cache *s, struct elf_file *ef)
{
	char path[4096];
	Elf *e;
	int fd, ret;

	fd = debug_files_open(s->debug, ef->build_id, ef->build_id_len,
			      !ef->has_symtab, path, sizeof(path));
	if (fd < 0) {
		s->stats.stripped += !ef->has_symtab;
		return 0;
	}
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	ret = e ? add_symbols(ef, e, false) : 0;
	if (!ret && e && !ef->dwarf_path && ef->dwarf_fd < 0 &&
	    inlines_present(e))
		ef->dwarf_path = strdup(path);
	elf_end(e);
	close(fd);
	return ret;
}

static struct elf_file *find_build_id(struct elf_cache *s,
				      const struct elf_file *probe)
{
	struct elf_file *ef;

	if (!probe->build_id_len)
		return NULL;
	for (ef = s->by_id[bucket(probe->build_id, probe->build_id_len)];
	     ef; ef = ef->id_next)
		if (ef->build_id_len == probe->build_id_len &&
		    !memcmp(ef->build_id, probe->build_id, ef->build_id_len))
			return ef;
	return NULL;
}

static void keep_file(struct elf_cache *s, struct elf_file *ef)
{
	size_t b;

	ef->next = s->files;
	s->files = ef;
	if (!ef->build_id_len)
		return;
	b = bucket(ef->build_id, ef->build_id_len);
	ef->id_next = s->by_id[b];
	s->by_id[b] = ef;
}

/* Keeps @fd open for @e's DWARF, when it has some. */
static void keep_dwarf(struct elf_cache *s, struct elf_file *ef, Elf *e,
		       int fd)
{
	if (fd < 0 || s->dwarf_fds >= DWARF_FDS_MAX || !inlines_present(e))
		return;
	ef->dwarf_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	s->dwarf_fds += ef->dwarf_fd >= 0;
}

/* The cached file with @e's build-id, or @e's symbols read and cached.
 * NULL when @e is not a loadable ELF file. @fd is the file's, -1 for
 * an image in memory. */
static struct elf_file *load_elf(struct elf_cache *s, Elf *e, int fd)
{
	struct elf_file *ef = calloc(1, sizeof(*ef)), *hit;

	if (!ef)
		return NULL;
	ef->dwarf_fd = -1;
	if (elf_kind(e) != ELF_K_ELF || read_phdrs(ef, e))
		goto fail;
	hit = find_build_id(s, ef);
	if (hit) {
		s->stats.cache_hits++;
		elf_file_free(ef);
		return hit;
	}
	if (add_symbols(ef, e, true))
		goto fail;
	keep_dwarf(s, ef, e, fd);
	if (add_debug_file(s, ef) || index_symbols(ef))
		goto fail;
	s->stats.loaded++;
	for (int r = 0; r < REFUSE_MAX; r++)
		s->stats.refused[r] += ef->refused >> r & 1;
	keep_file(s, ef);
	return ef;
fail:
	elf_file_free(ef);
	return NULL;
}

static size_t alias_bucket(const struct stat *st)
{
	uint64_t key[2] = { st->st_dev, st->st_ino };

	return bucket(key, sizeof(key));
}

static bool alias_is(const struct file_alias *a, const struct stat *st)
{
	return a->dev == st->st_dev && a->ino == st->st_ino &&
	       a->size == st->st_size &&
	       a->mtime.tv_sec == st->st_mtim.tv_sec &&
	       a->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* Remembers the file's identity either way, so a non-ELF or broken file
 * is not parsed again. */
struct elf_file *elf_of_fd(struct elf_cache *s, int fd)
{
	struct file_alias *a;
	struct stat st;
	size_t b;
	Elf *e;

	if (fstat(fd, &st))
		return NULL;
	b = alias_bucket(&st);
	for (a = s->aliases[b]; a; a = a->next) {
		if (alias_is(a, &st)) {
			s->stats.cache_hits += a->elf != NULL;
			return a->elf;
		}
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	a->elf = e ? load_elf(s, e, fd) : NULL;
	elf_end(e);
	a->dev = st.st_dev;
	a->ino = st.st_ino;
	a->size = st.st_size;
	a->mtime = st.st_mtim;
	a->next = s->aliases[b];
	s->aliases[b] = a;
	return a->elf;
}

struct elf_file *elf_vdso(struct elf_cache *s)
{
	unsigned long base = getauxval(AT_SYSINFO_EHDR);
	const GElf_Ehdr *eh = (const void *)base;
	size_t len;
	Elf *e;

	if (s->vdso_tried)
		return s->vdso;
	s->vdso_tried = true;
	if (!base)
		return NULL;
	/* The image ends with its section headers. */
	len = eh->e_shoff + (size_t)eh->e_shnum * eh->e_shentsize;
	s->vdso_image = malloc(len);
	if (!s->vdso_image)
		return NULL;
	memcpy(s->vdso_image, (const void *)base, len);
	s->vdso_len = len;
	e = elf_memory(s->vdso_image, len);
	s->vdso = e ? load_elf(s, e, -1) : NULL;
	elf_end(e);
	return s->vdso;
}

int elf_vdso_fd(const struct elf_cache *s)
{
	int fd = memfd_create("vdso", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (write(fd, s->vdso_image, s->vdso_len) != (ssize_t)s->vdso_len) {
		close(fd);
		errno = EIO;
		return -1;
	}
	return fd;
}

bool elf_is_vdso(const struct elf_cache *c, const struct elf_file *ef)
{
	return ef && ef == c->vdso;
}

/* The innermost symbol whose [addr, addr+size) holds @addr. */
static const struct elf_sym *find_sym(const struct elf_file *ef,
				      uint64_t addr)
{
	size_t lo = 0, hi = ef->nsyms, mid, i;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (ef->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i-- > 0 && ef->max_end[i] > addr;)
		if (addr < ef->syms[i].addr + ef->syms[i].size)
			return &ef->syms[i];
	return NULL;
}

static const char *sym_name(struct elf_file *ef, const struct elf_sym *sym)
{
	size_t i = sym - ef->syms;
	const char *raw = ef->names + sym->name;

	if (!ef->demangled) {
		ef->demangled = calloc(ef->nsyms, sizeof(*ef->demangled));
		if (!ef->demangled)
			return raw;
	}
	if (!ef->demangled[i])
		ef->demangled[i] = elf_demangle(raw);
	if (!ef->demangled[i])
		ef->demangled[i] = strdup(raw);
	return ef->demangled[i] ? ef->demangled[i] : raw;
}

bool elf_addr(const struct elf_file *ef, uint64_t file_off, uint64_t *addr)
{
	size_t i;

	for (i = 0; i < ef->nsegs; i++) {
		if (file_off >= ef->segs[i].off &&
		    file_off < ef->segs[i].off + ef->segs[i].filesz) {
			*addr = file_off - ef->segs[i].off + ef->segs[i].vaddr;
			return true;
		}
	}
	return false;
}

const char *elf_symbol(struct elf_file *ef, uint64_t addr)
{
	const struct elf_sym *sym = find_sym(ef, addr);

	return sym ? sym_name(ef, sym) : NULL;
}

size_t elf_inlined(struct elf_cache *c, struct elf_file *ef, uint64_t addr,
		   const char **names, size_t max)
{
	int fd;

	if (!ef->inl_tried) {
		ef->inl_tried = true;
		fd = ef->dwarf_fd;
		ef->dwarf_fd = -1;
		if (fd < 0 && ef->dwarf_path)
			fd = open(ef->dwarf_path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			ef->inl = inlines_open(fd, &c->inl);
	}
	return ef->inl ? inlines_at(ef->inl, addr, names, max) : 0;
}

bool elf_stripped(const struct elf_file *ef)
{
	return !ef->has_symtab;
}

/* The segment overlapping the mapping gives it. */
bool elf_bias(const struct elf_file *ef, uint64_t start, uint64_t pgoff,
	      uint64_t len, uint64_t *bias)
{
	const struct elf_seg *g;
	size_t i;

	for (i = 0; i < ef->nsegs; i++) {
		g = &ef->segs[i];
		if (g->off < pgoff + len && pgoff < g->off + g->filesz) {
			*bias = start - pgoff + g->off - g->vaddr;
			return true;
		}
	}
	return false;
}

struct elf_cache *elf_cache_new(const char *const *debug_dirs,
			       size_t ndirs)
{
	struct elf_cache *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	elf_version(EV_CURRENT);
	c->inl.max_scopes = INLINE_SCOPES_MAX;
	c->debug = debug_files_new(debug_dirs, ndirs);
	if (!c->debug) {
		free(c);
		return NULL;
	}
	return c;
}

const struct inlines_budget *elf_cache_inlines(const struct elf_cache *c)
{
	return &c->inl;
}

const char *elf_cache_debug_where(const struct elf_cache *c)
{
	return debug_files_where(c->debug);
}

const struct elfsyms_stats *elf_cache_stats(struct elf_cache *c)
{
	const struct debug_files_stats *d = debug_files_stats(c->debug);

	c->stats.debug_local = d->local;
	c->stats.debug_remote = d->remote;
	return &c->stats;
}

void elf_cache_free(struct elf_cache *c)
{
	struct elf_file *ef, *ef_next;
	struct file_alias *a, *a_next;

	if (!c)
		return;
	for (size_t b = 0; b < HASH_BUCKETS; b++) {
		for (a = c->aliases[b]; a; a = a_next) {
			a_next = a->next;
			free(a);
		}
	}
	for (ef = c->files; ef; ef = ef_next) {
		ef_next = ef->next;
		elf_file_free(ef);
	}
	free(c->vdso_image);
	debug_files_free(c->debug);
	free(c);
}
