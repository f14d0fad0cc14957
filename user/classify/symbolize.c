// SPDX-License-Identifier: GPL-2.0
/*
 * Symbolization of sampled stacks (docs/attribution.md, "Symbols").
 *
 * A user PC is resolved through the process's executable mappings, captured
 * from /proc/PID/maps while it is alive: the file offset of the PC becomes
 * an ELF address through the PT_LOAD program headers (which handles PIE,
 * shared libraries and non-PIE executables alike), and a FUNC symbol is
 * reported only when the address lies inside [st_value, st_value+st_size).
 * Anything else is "[module]+0xOFFSET", never the nearest symbol: a wrong
 * name would silently move samples between categories.
 *
 * Files are opened through /proc/PID/map_files (deleted or replaced
 * binaries, containers), else /proc/PID/root/PATH, and cached twice: by
 * file identity (device, inode, size, mtime), so a mapping costs an fstat,
 * and by GNU build-id, so the same binary in many containers is read once.
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

#include "symbolize.h"

#define BUILD_ID_MAX 20			/* SHA-1, the longest in use */
#define HASH_BUCKETS 1024
#define MINIDEBUG_MAX (256u << 20)	/* cap on a decompressed .gnu_debugdata */
#define DEFAULT_KALLSYMS "/proc/kallsyms"
#define DEFAULT_DEBUG_DIR "/usr/lib/debug"

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

struct mapping {
	uint64_t start, end, pgoff;
	const char *module;		/* interned */
	struct elf_file *elf;		/* NULL when not readable */
	const char *path;		/* interned; NULL when no file */
};

struct proc_maps {
	struct proc_maps *next;
	pid_t pid;
	unsigned long long start_time;	/* /proc/PID/stat: tells PID reuse */
	char comm[16];
	struct mapping *maps;		/* sorted by start */
	size_t n;
};

struct ksym {
	uint64_t addr;
	uint32_t name;			/* offset in kernel names */
	const char *module;		/* interned: "kernel" or the module */
	char type;
};

struct interned {
	struct interned *next;
	char s[];
};

struct symbolizer {
	char *kallsyms_path;
	char *debug_dir;
	struct elf_file *files;
	struct elf_file *by_id[HASH_BUCKETS];
	struct file_alias *aliases[HASH_BUCKETS];
	struct proc_maps *procs[HASH_BUCKETS];
	struct interned *strings[HASH_BUCKETS];
	struct elf_file *vdso;
	void *vdso_image;		/* meshprof's own vDSO, copied */
	size_t vdso_len;
	bool vdso_tried;
	struct ksym *ksyms;
	size_t nksyms;
	char *knames;
	bool ksyms_tried;
	struct symbolize_stats stats;
};

static size_t hash_bytes(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	while (n--)
		h = (h ^ *b++) * 1099511628211ULL;
	return h % HASH_BUCKETS;
}

static const char *intern(struct symbolizer *s, const char *str)
{
	size_t len = strlen(str), b = hash_bytes(str, len);
	struct interned *i;

	for (i = s->strings[b]; i; i = i->next)
		if (!strcmp(i->s, str))
			return i->s;
	i = malloc(sizeof(*i) + len + 1);
	if (!i)
		return NULL;
	memcpy(i->s, str, len + 1);
	i->next = s->strings[b];
	s->strings[b] = i;
	return i->s;
}

char *symbolize_demangle(const char *name)
{
	/* Without DMGL_PARAMS: rules match qualified names, and parameter
	 * types (which name other namespaces) would make them match the
	 * wrong functions and flame graph frames unreadably long.
	 * DMGL_AUTO tries Rust first (legacy Rust names are valid Itanium
	 * C++ names), then C++. */
	if (strncmp(name, "_Z", 2) && strncmp(name, "_R", 2))
		return NULL;
	return cplus_demangle(name, DMGL_ANSI | DMGL_AUTO);
}

/* ---- ELF files ---- */

static void elf_file_free(struct elf_file *ef)
{
	size_t i;

	if (ef->demangled)
		for (i = 0; i < ef->nsyms; i++)
			free(ef->demangled[i]);
	free(ef->demangled);
	free(ef->segs);
	free(ef->syms);
	free(ef->max_end);
	free(ef->names);
	free(ef);
}

static int add_name(struct elf_file *ef, const char *name, uint32_t *off)
{
	size_t len = strlen(name) + 1, cap;
	char *grown;

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

static int add_sym(struct elf_file *ef, const GElf_Sym *sym, const char *name)
{
	struct elf_sym *grown, *es;
	size_t cap;

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
	if (add_name(ef, name, &es->name))
		return -1;
	ef->nsyms++;
	return 0;
}

/* Adds the sized FUNC symbols of one symbol table. IFUNC symbols are left
 * out: their value is the resolver, not the code that runs. */
static int add_symtab(struct elf_file *ef, Elf *e, Elf_Scn *scn,
		      const GElf_Shdr *sh)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	const char *name;
	GElf_Sym sym;
	size_t i, n;

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
		if (add_sym(ef, &sym, name))
			return -1;
	}
	return 0;
}

/* The decompressed contents of an xz section; NULL when it is not xz. */
static unsigned char *unxz(const void *in, size_t in_len, size_t *out_len)
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
	if (ret != LZMA_STREAM_END) {
		free(out);
		return NULL;
	}
	return out;
}

static int add_symbols(struct elf_file *ef, Elf *e);

/* MiniDebugInfo: an xz-compressed ELF whose .symtab holds the local
 * functions that stripping removed (Fedora, RHEL, CentOS). */
static int add_minidebuginfo(struct elf_file *ef, Elf_Scn *scn)
{
	Elf_Data *data = elf_rawdata(scn, NULL);
	unsigned char *img;
	size_t len;
	Elf *inner;
	int ret;

	if (!data || !data->d_size)
		return 0;
	img = unxz(data->d_buf, data->d_size, &len);
	if (!img)
		return 0;
	inner = elf_memory((char *)img, len);
	ret = inner ? add_symbols(ef, inner) : 0;
	elf_end(inner);
	free(img);
	return ret;
}

static int add_symbols(struct elf_file *ef, Elf *e)
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
			if (add_symtab(ef, e, scn, &sh))
				return -1;
			continue;
		}
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (name && !strcmp(name, ".gnu_debugdata") &&
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

static void build_id_hex(const struct elf_file *ef, char *hex)
{
	size_t i;

	for (i = 0; i < ef->build_id_len; i++)
		sprintf(hex + 2 * i, "%02x", ef->build_id[i]);
}

/* Separate debug file of a build-id (Debian's -dbg and -dbgsym packages,
 * e.g. libc6-dbg): a full .symtab at the same addresses. */
static int add_debug_file(struct symbolizer *s, struct elf_file *ef)
{
	char hex[2 * BUILD_ID_MAX + 1], path[4096];
	Elf *e;
	int fd, ret;

	if (ef->build_id_len < 2)
		return 0;
	build_id_hex(ef, hex);
	snprintf(path, sizeof(path), "%s/.build-id/%.2s/%s.debug",
		 s->debug_dir, hex, hex + 2);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	ret = e ? add_symbols(ef, e) : 0;
	elf_end(e);
	close(fd);
	return ret;
}

static struct elf_file *find_build_id(struct symbolizer *s,
				      const struct elf_file *probe)
{
	struct elf_file *ef;

	if (!probe->build_id_len)
		return NULL;
	for (ef = s->by_id[hash_bytes(probe->build_id, probe->build_id_len)];
	     ef; ef = ef->id_next)
		if (ef->build_id_len == probe->build_id_len &&
		    !memcmp(ef->build_id, probe->build_id, ef->build_id_len))
			return ef;
	return NULL;
}

static void keep_file(struct symbolizer *s, struct elf_file *ef)
{
	size_t b;

	ef->next = s->files;
	s->files = ef;
	if (!ef->build_id_len)
		return;
	b = hash_bytes(ef->build_id, ef->build_id_len);
	ef->id_next = s->by_id[b];
	s->by_id[b] = ef;
}

/* The cached file with @e's build-id, or @e's symbols read and cached.
 * NULL when @e is not a loadable ELF file. */
static struct elf_file *load_elf(struct symbolizer *s, Elf *e)
{
	struct elf_file *ef = calloc(1, sizeof(*ef)), *hit;

	if (!ef)
		return NULL;
	if (elf_kind(e) != ELF_K_ELF || read_phdrs(ef, e))
		goto fail;
	hit = find_build_id(s, ef);
	if (hit) {
		s->stats.elf_cache_hits++;
		elf_file_free(ef);
		return hit;
	}
	if (add_symbols(ef, e) || add_debug_file(s, ef) || index_symbols(ef))
		goto fail;
	s->stats.elf_loaded++;
	keep_file(s, ef);
	return ef;
fail:
	elf_file_free(ef);
	return NULL;
}

static size_t alias_bucket(const struct stat *st)
{
	uint64_t key[2] = { st->st_dev, st->st_ino };

	return hash_bytes(key, sizeof(key));
}

static bool alias_is(const struct file_alias *a, const struct stat *st)
{
	return a->dev == st->st_dev && a->ino == st->st_ino &&
	       a->size == st->st_size &&
	       a->mtime.tv_sec == st->st_mtim.tv_sec &&
	       a->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* The ELF behind an open file; remembers the file's identity either way,
 * so a non-ELF or broken file is not parsed again. */
static struct elf_file *elf_of_fd(struct symbolizer *s, int fd)
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
			s->stats.elf_cache_hits += a->elf != NULL;
			return a->elf;
		}
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	a->elf = e ? load_elf(s, e) : NULL;
	elf_end(e);
	a->dev = st.st_dev;
	a->ino = st.st_ino;
	a->size = st.st_size;
	a->mtime = st.st_mtim;
	a->next = s->aliases[b];
	s->aliases[b] = a;
	return a->elf;
}

/* ---- processes ---- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/*
 * The mapped file: map_files reaches the very file that is mapped, even
 * deleted, replaced or inside another mount namespace. Without it (no
 * CAP_SYS_ADMIN), the path as the process sees it, unless it was deleted:
 * the path would name another file.
 */
static int open_mapped(pid_t pid, uint64_t start, uint64_t end,
		       const char *path)
{
	char p[4096 + 64];
	int fd;

	snprintf(p, sizeof(p), "/proc/%d/map_files/%llx-%llx", (int)pid,
		 (unsigned long long)start, (unsigned long long)end);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 || ends_with(path, " (deleted)"))
		return fd;
	snprintf(p, sizeof(p), "/proc/%d/root%s", (int)pid, path);
	return open(p, O_RDONLY | O_CLOEXEC);
}

/* The vDSO is the same image in every process: read meshprof's own. */
static struct elf_file *vdso_elf(struct symbolizer *s)
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
	s->vdso = e ? load_elf(s, e) : NULL;
	elf_end(e);
	return s->vdso;
}

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Fills @m from one /proc/PID/maps line; false for non-executable ones. */
static bool parse_maps_line(struct symbolizer *s, pid_t pid, char *line,
			    struct mapping *m)
{
	unsigned long long start, end, off;
	char perms[8], name[4096];
	char *path, *nl;
	int n = 0, fd;

	if (sscanf(line, "%llx-%llx %7s %llx %*s %*u %n", &start, &end, perms,
		   &off, &n) < 4 || !n || !strchr(perms, 'x'))
		return false;
	path = line + n;
	nl = strchr(path, '\n');
	if (nl)
		*nl = '\0';
	*m = (struct mapping){ start, end, off, NULL, NULL, NULL };
	if (!*path) {
		m->module = intern(s, "anon");
	} else if (*path == '[') {
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(path + 1, "]"),
			 path + 1);
		m->module = intern(s, name);
		if (!strcmp(name, "vdso"))
			m->elf = vdso_elf(s);
	} else {
		snprintf(name, sizeof(name), "%s", basename_of(path));
		if (ends_with(name, " (deleted)"))
			name[strlen(name) - strlen(" (deleted)")] = '\0';
		m->module = intern(s, name);
		m->path = intern(s, path);
		fd = open_mapped(pid, m->start, m->end, path);
		if (fd >= 0) {
			m->elf = elf_of_fd(s, fd);
			close(fd);
		}
		s->stats.elf_unreadable += !m->elf;
	}
	return m->module != NULL;
}

/* An empty result is no error: kernel threads map nothing. */
static int read_maps(struct symbolizer *s, pid_t pid, struct proc_maps *pm)
{
	char path[64], *line = NULL;
	size_t cap = 0, mcap = 0;
	struct mapping *grown;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0) {
		if (pm->n == mcap) {
			mcap = mcap ? mcap * 2 : 64;
			grown = realloc(pm->maps, mcap * sizeof(*grown));
			if (!grown)
				break;
			pm->maps = grown;
		}
		if (parse_maps_line(s, pid, line, &pm->maps[pm->n]))
			pm->n++;
	}
	free(line);
	fclose(f);
	s->stats.snapshots++;
	return 0;
}

/* Field 22 of /proc/PID/stat, after the parenthesised comm. */
static unsigned long long start_time_of(pid_t pid)
{
	unsigned long long t = 0;
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
			&t) != 1)
		t = 0;
	return t;
}

/* False when the process is gone. */
static bool read_comm(pid_t pid, char *comm, size_t len)
{
	char path[64];
	bool ok;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	comm[0] = '\0';
	f = fopen(path, "re");
	if (!f)
		return false;
	ok = fgets(comm, len, f) != NULL;
	comm[strcspn(comm, "\n")] = '\0';
	fclose(f);
	return ok;
}

static struct proc_maps **proc_slot(const struct symbolizer *s, pid_t pid)
{
	struct proc_maps *const *pp = &s->procs[hash_bytes(&pid, sizeof(pid))];

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

static int map_cmp(const void *a, const void *b)
{
	const struct mapping *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int capture(struct symbolizer *s, pid_t pid, bool keep_reused)
{
	struct proc_maps **slot = proc_slot(s, pid), *pm;
	unsigned long long t = start_time_of(pid);

	if (keep_reused && *slot && (*slot)->start_time != t)
		return 0;
	pm = calloc(1, sizeof(*pm));
	if (!pm)
		return -1;
	pm->pid = pid;
	pm->start_time = t;
	if (!read_comm(pid, pm->comm, sizeof(pm->comm)) ||
	    read_maps(s, pid, pm)) {
		proc_maps_free(pm);
		errno = ESRCH;
		return -1;
	}
	/* Only kernel threads map nothing, and processes that are exiting
	 * or zombies: for those the earlier capture tells their frames. */
	if (!pm->n && *slot && (*slot)->n) {
		proc_maps_free(pm);
		return 0;
	}
	qsort(pm->maps, pm->n, sizeof(*pm->maps), map_cmp);
	if (*slot) {
		pm->next = (*slot)->next;
		proc_maps_free(*slot);
	}
	*slot = pm;
	return 0;
}

int symbolize_snapshot(struct symbolizer *s, pid_t pid)
{
	return capture(s, pid, false);
}

int symbolize_refresh(struct symbolizer *s, pid_t pid)
{
	return capture(s, pid, true);
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
		ef->demangled[i] = symbolize_demangle(raw);
	if (!ef->demangled[i])
		ef->demangled[i] = strdup(raw);
	return ef->demangled[i] ? ef->demangled[i] : raw;
}

/* File offset of the PC to ELF address, through the segment holding it. */
static bool elf_addr(const struct elf_file *ef, uint64_t file_off,
		     uint64_t *addr)
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

static void resolve_user(const struct proc_maps *pm, uint64_t pc,
			 struct frame *f)
{
	const struct mapping *m = pm ? find_mapping(pm, pc) : NULL;
	const struct elf_sym *sym;
	uint64_t addr;

	*f = (struct frame){ 0 };
	if (!m)
		return;
	f->module = m->module;
	f->offset = pc - m->start + m->pgoff;
	if (!m->elf || !elf_addr(m->elf, f->offset, &addr))
		return;
	f->offset = addr;
	sym = find_sym(m->elf, addr);
	if (sym)
		f->sym = sym_name(m->elf, sym);
}

/* The segment overlapping the mapping gives pc - ELF address. */
static bool elf_bias(const struct elf_file *ef, const struct mapping *m,
		     uint64_t *bias)
{
	const struct elf_seg *g;
	size_t i;

	for (i = 0; i < ef->nsegs; i++) {
		g = &ef->segs[i];
		if (g->off < m->pgoff + (m->end - m->start) &&
		    m->pgoff < g->off + g->filesz) {
			*bias = m->start - m->pgoff + g->off - g->vaddr;
			return true;
		}
	}
	return false;
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
		mf.bias = 0;
		mf.file = NULL;
		mf.path = m->path;
		if (m->elf && (m->path || m->elf == s->vdso) &&
		    elf_bias(m->elf, m, &mf.bias))
			mf.file = m->elf;
		ret = fn(arg, &mf);
		if (ret)
			return ret;
	}
	return 0;
}

/* A file holding the vDSO image, which has no file of its own. */
static int vdso_fd(const struct symbolizer *s)
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

int symbolize_open_file(const struct symbolizer *s, const struct mapped_file *mf)
{
	if (mf->file && mf->file == s->vdso)
		return vdso_fd(s);
	if (!mf->path) {
		errno = ENOENT;
		return -1;
	}
	return open_mapped(mf->pid, mf->start, mf->end, mf->path);
}

void symbolize_user(struct symbolizer *s, pid_t pid, const uint64_t *ips,
		    size_t n, struct frame *out)
{
	struct proc_maps *pm = *proc_slot(s, pid);
	size_t i;

	if (!pm && !symbolize_snapshot(s, pid))
		pm = *proc_slot(s, pid);
	for (i = 0; i < n; i++)
		resolve_user(pm, ips[i] - (i > 0), &out[i]);
}

/* ---- kernel ---- */

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static bool ktext(char type)
{
	return type == 't' || type == 'T' || type == 'w' || type == 'W';
}

static int add_ksym(struct symbolizer *s, size_t *cap, size_t *names_len,
		    size_t *names_cap, unsigned long long addr, char type,
		    const char *name, const char *module)
{
	size_t len = strlen(name) + 1;
	struct ksym *grown;
	char *ngrown;

	if (s->nksyms == *cap) {
		*cap = *cap ? *cap * 2 : 65536;
		grown = realloc(s->ksyms, *cap * sizeof(*grown));
		if (!grown)
			return -1;
		s->ksyms = grown;
	}
	if (*names_len + len > *names_cap) {
		*names_cap = *names_cap ? *names_cap * 2 : 1 << 20;
		ngrown = realloc(s->knames, *names_cap);
		if (!ngrown)
			return -1;
		s->knames = ngrown;
	}
	memcpy(s->knames + *names_len, name, len);
	s->ksyms[s->nksyms++] = (struct ksym){
		addr, *names_len, intern(s, module), type,
	};
	*names_len += len;
	return 0;
}

/* All symbols are kept, text or not, so that each text symbol ends where
 * the next symbol starts: kallsyms has no sizes. */
static void load_kallsyms(struct symbolizer *s)
{
	size_t cap = 0, names_len = 0, names_cap = 0;
	char line[1024], name[512], module[128];
	unsigned long long addr;
	char type;
	FILE *f;
	int n;

	s->ksyms_tried = true;
	f = fopen(s->kallsyms_path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		module[0] = '\0';
		n = sscanf(line, "%llx %c %511s [%127[^]]]", &addr, &type, name,
			   module);
		if (n < 3 || !addr)
			continue;
		if (add_ksym(s, &cap, &names_len, &names_cap, addr, type, name,
			     n == 4 ? module : "kernel"))
			break;
	}
	fclose(f);
	qsort(s->ksyms, s->nksyms, sizeof(*s->ksyms), ksym_cmp);
}

static void resolve_kernel(struct symbolizer *s, uint64_t pc,
			   struct frame *f)
{
	size_t lo = 0, hi = s->nksyms, mid;
	const struct ksym *k;

	*f = (struct frame){ .module = "kernel", .offset = pc, .kernel = true };
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (s->ksyms[mid].addr <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return;
	k = &s->ksyms[lo - 1];
	/* The last symbol has no end: only trust it when it is not last. */
	if (!ktext(k->type) || lo == s->nksyms)
		return;
	f->sym = s->knames + k->name;
	f->module = k->module;
}

void symbolize_kernel(struct symbolizer *s, const uint64_t *ips, size_t n,
		      struct frame *out)
{
	size_t i;

	if (!s->ksyms_tried)
		load_kallsyms(s);
	for (i = 0; i < n; i++)
		resolve_kernel(s, ips[i] - (i > 0), &out[i]);
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

const struct symbolize_stats *symbolize_stats(const struct symbolizer *s)
{
	return &s->stats;
}

/* ---- lifetime ---- */

struct symbolizer *symbolizer_new(const struct symbolizer_opts *o)
{
	struct symbolizer *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	elf_version(EV_CURRENT);
	s->kallsyms_path = strdup(o && o->kallsyms ? o->kallsyms :
				  DEFAULT_KALLSYMS);
	s->debug_dir = strdup(o && o->debug_dir ? o->debug_dir :
			      DEFAULT_DEBUG_DIR);
	if (!s->kallsyms_path || !s->debug_dir) {
		symbolizer_free(s);
		return NULL;
	}
	return s;
}

void symbolizer_free(struct symbolizer *s)
{
	struct elf_file *ef, *ef_next;
	struct file_alias *a, *a_next;
	struct proc_maps *pm, *pm_next;
	struct interned *in, *in_next;
	size_t b;

	if (!s)
		return;
	free(s->vdso_image);
	for (b = 0; b < HASH_BUCKETS; b++) {
		for (a = s->aliases[b]; a; a = a_next) {
			a_next = a->next;
			free(a);
		}
		for (pm = s->procs[b]; pm; pm = pm_next) {
			pm_next = pm->next;
			proc_maps_free(pm);
		}
		for (in = s->strings[b]; in; in = in_next) {
			in_next = in->next;
			free(in);
		}
	}
	for (ef = s->files; ef; ef = ef_next) {
		ef_next = ef->next;
		elf_file_free(ef);
	}
	free(s->ksyms);
	free(s->knames);
	free(s->kallsyms_path);
	free(s->debug_dir);
	free(s);
}
