// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for user/symbolize.c. The ELF files are built here, with cc,
 * strip, objcopy and xz: a PIE and a non-PIE executable, a shared library,
 * stripped copies and a MiniDebugInfo copy. Processes running them print
 * the addresses of their functions, which must resolve to the right names.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <time.h>
#include <cmocka.h>

#include "shell.h"

#include "elfsyms.h"
#include "symbolize.h"

#define ENVOY_SYM "_ZN5Envoy4Http5Http114ConnectionImpl8dispatchERNS_6Buffer8InstanceE"
#define RUST_LEGACY_SYM "_ZN6rustls6record7encrypt17h1234567890abcdefE"
#define RUST_V0_SYM "_RNvCs15kBYyAo9fc_7mycrate7example"

static const char prog_src[] =
	"#include <dlfcn.h>\n"
	"#include <stdio.h>\n"
	"#include <unistd.h>\n"
	"__attribute__((noinline)) int sym_alpha(int x) { return x * 3 + 1; }\n"
	"__attribute__((noinline)) static int sym_static(int x) { return x * 5 + 2; }\n"
	"int main(int argc, char **argv)\n"
	"{\n"
	"	void *lib = argc > 1 ? dlopen(argv[1], RTLD_NOW) : NULL;\n"
	"	char c;\n"
	"	printf(\"%p %p %p\\n\", (void *)sym_alpha, (void *)sym_static,\n"
	"	       lib ? dlsym(lib, \"lib_func\") : NULL);\n"
	"	fflush(stdout);\n"
	"	while (read(0, &c, 1) > 0)\n"
	"		;\n"
	"	return sym_alpha(argc) + sym_static(argc);\n"
	"}\n";

static const char lib_src[] =
	"__attribute__((noinline)) int lib_func(int x) { return x + 7; }\n"
	"void envoy(void) __asm__(\"" ENVOY_SYM "\");\n"
	"void envoy(void) { __asm__ volatile(\"nop\"); }\n"
	"void rust_legacy(void) __asm__(\"" RUST_LEGACY_SYM "\");\n"
	"void rust_legacy(void) { __asm__ volatile(\"nop; nop\"); }\n"
	"void rust_v0(void) __asm__(\"" RUST_V0_SYM "\");\n"
	"void rust_v0(void) { __asm__ volatile(\"nop; nop; nop\"); }\n";

/* Two calls inlined into host_fn at -O2; inl_marker marks an address
 * inside the innermost (a NOTYPE symbol: never a frame's name). */
static const char inl_src[] =
	"#include <stdio.h>\n"
	"#include <unistd.h>\n"
	"static volatile int sink;\n"
	"static inline __attribute__((always_inline)) void inl_inner(int x)\n"
	"{\n"
	"	__asm__ volatile(\".globl inl_marker\\ninl_marker: nop\");\n"
	"	sink = x * 7;\n"
	"}\n"
	"static inline __attribute__((always_inline)) void inl_outer(int x)\n"
	"{\n"
	"	inl_inner(x + 1);\n"
	"	sink += 3;\n"
	"}\n"
	"__attribute__((noinline)) void host_fn(int x)\n"
	"{\n"
	"	sink = x;\n"
	"	inl_outer(x);\n"
	"}\n"
	"extern char inl_marker[];\n"
	"int main(void)\n"
	"{\n"
	"	char c;\n"
	"	printf(\"%p %p\\n\", (void *)host_fn, (void *)inl_marker);\n"
	"	fflush(stdout);\n"
	"	host_fn(1);\n"
	"	while (read(0, &c, 1) > 0)\n"
	"		;\n"
	"	return 0;\n"
	"}\n";

static char dir[] = "/tmp/meshprof-symtest.XXXXXX";

/* A process running one of the test programs, and what it printed. */
struct child {
	pid_t pid;
	int in;			/* its stdin: closing it ends it */
	uint64_t alpha, stat, lib;
};

static void write_file(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void read_line(const char *name, char *buf, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, len, f));
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

/* nm's address of @sym in @file (the ELF address, before relocation). */
static uint64_t nm_addr(const char *file, const char *sym)
{
	char cmd[512], line[256];
	unsigned long long a = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "nm %s/%s | awk '$3 == \"%s\" {print $1}'",
		 dir, file, sym);
	p = popen(cmd, "r");
	assert_non_null(p);
	if (fgets(line, sizeof(line), p))
		a = strtoull(line, NULL, 16);
	pclose(p);
	assert_true(a != 0);
	return a;
}

/* The address of section @name in @file. */
static uint64_t section_addr(const char *file, const char *name)
{
	char cmd[512], line[256];
	unsigned long long a = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "readelf -SW %s/%s | awk '$2 == \"%s\" {print $4}'", dir,
		 file, name);
	p = popen(cmd, "r");
	assert_non_null(p);
	if (fgets(line, sizeof(line), p))
		a = strtoull(line, NULL, 16);
	pclose(p);
	assert_true(a != 0);
	return a;
}

static int setup(void **state)
{
	if (!mkdtemp(dir))
		return -1;
	write_file("prog.c", prog_src);
	write_file("lib.c", lib_src);
	write_file("inl.c", inl_src);
	/* The inlining program, stripped, its debug file (symbols and DWARF)
	 * under inldbg/.build-id as objcopy and Debian lay them out. */
	sh("cd %s && cc -O2 -g inl.c -o inl && strip inl -o inl.stripped && "
	   "id=$(readelf -n inl | awk '/Build ID/ {print $3}') && "
	   "mkdir -p inldbg/.build-id/$(echo $id | cut -c1-2) && "
	   "objcopy --only-keep-debug inl "
	   "inldbg/.build-id/$(echo $id | cut -c1-2)/$(echo $id | cut -c3-).debug",
	   dir);
	sh("cd %s && cc -O0 -g -rdynamic -pie -fPIE prog.c -o prog && "
	   "cc -O0 -g -rdynamic -no-pie prog.c -o prog.nopie && "
	   "cc -O0 -g -shared -fPIC lib.c -o libt.so && "
	   "cp libt.so libt-copy.so && cp prog prog-copy && "
	   "strip prog -o prog.stripped && strip libt.so -o libt.stripped.so",
	   dir);
	/* MiniDebugInfo as Fedora makes it: the function symbols of the
	 * full binary, xz-compressed, in .gnu_debugdata of the stripped one. */
	sh("cd %s && nm prog --format=posix --defined-only | "
	   "awk '$2 ~ /^[Tt]$/ {print $1}' > keep && "
	   "objcopy --only-keep-debug prog mini.debug && "
	   "objcopy -S --remove-section .gdb_index --remove-section .comment "
	   "--keep-symbols=keep mini.debug mini && xz -f mini && "
	   "objcopy --add-section .gnu_debugdata=mini.xz prog.stripped prog.mini",
	   dir);
	return 0;
}

static int teardown(void **state)
{
	sh("rm -rf %s", dir);
	return 0;
}

static void start(struct child *c, const char *prog, const char *lib)
{
	char path[512], libpath[512], line[256];
	int out[2], in[2];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, prog);
	snprintf(libpath, sizeof(libpath), "%s/%s", dir, lib ? lib : "");
	/* Close-on-exec, so that no other child holds this one's stdin. */
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	c->pid = fork();
	assert_true(c->pid >= 0);
	if (!c->pid) {
		dup2(out[1], 1);
		dup2(in[0], 0);
		execl(path, path, lib ? libpath : NULL, NULL);
		_exit(127);
	}
	close(out[1]);
	close(in[0]);
	c->in = in[1];
	f = fdopen(out[0], "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	c->alpha = c->stat = c->lib = 0;
	assert_true(sscanf(line, "%lx %lx %lx", &c->alpha, &c->stat,
			   &c->lib) >= 2);
}

static void stop(struct child *c)
{
	int status;

	close(c->in);
	waitpid(c->pid, &status, 0);
}

/* The display name of one user PC of @pid, as a leaf frame. */
static const char *name_of(struct symbolizer *s, pid_t pid, uint64_t pc)
{
	static char buf[512];
	struct frame f;

	symbolize_user(s, pid, &pc, 1, &f, 1);
	frame_name(&f, buf, sizeof(buf));
	return buf;
}

static void test_pie(void **state)
{
	struct symbolizer *s = symbolizer_new(NULL);
	struct child c;
	uint64_t ips[2];
	struct frame f[2];

	start(&c, "prog", "libt.so");
	assert_int_equal(symbolize_snapshot(s, c.pid), 0);
	assert_string_equal(symbolize_comm(s, c.pid), "prog");
	/* A PIE is relocated: the PC is not the ELF address. */
	assert_true(c.alpha != nm_addr("prog", "sym_alpha"));
	assert_string_equal(name_of(s, c.pid, c.alpha), "sym_alpha");
	assert_string_equal(name_of(s, c.pid, c.alpha + 4), "sym_alpha");
	assert_string_equal(name_of(s, c.pid, c.stat), "sym_static");
	assert_string_equal(name_of(s, c.pid, c.lib), "lib_func");
	/* A return address is looked up one byte back: the one just past
	 * sym_alpha's start still is sym_alpha, as a caller. */
	ips[0] = c.stat;
	ips[1] = c.alpha + 1;
	assert_int_equal(symbolize_user(s, c.pid, ips, 2, f, 2), 2);
	assert_string_equal(f[1].sym, "sym_alpha");
	assert_string_equal(f[1].module, "prog");
	assert_int_equal(f[1].offset, nm_addr("prog", "sym_alpha"));
	stop(&c);
	symbolizer_free(s);
}

static void test_non_pie(void **state)
{
	struct symbolizer *s = symbolizer_new(NULL);
	struct child c;

	start(&c, "prog.nopie", NULL);
	assert_int_equal(c.alpha, nm_addr("prog.nopie", "sym_alpha"));
	assert_string_equal(name_of(s, c.pid, c.alpha), "sym_alpha");
	assert_string_equal(name_of(s, c.pid, c.stat), "sym_static");
	stop(&c);
	symbolizer_free(s);
}

/* Stripped to .dynsym: the exported function keeps its name; the static
 * one is module+ELF address, never the nearest symbol. */
static void test_stripped(void **state)
{
	struct symbolizer *s = symbolizer_new(NULL);
	char want[128];
	struct child c;

	start(&c, "prog.stripped", "libt.stripped.so");
	assert_string_equal(name_of(s, c.pid, c.alpha), "sym_alpha");
	snprintf(want, sizeof(want), "[prog.stripped]+0x%llx",
		 (unsigned long long)nm_addr("prog", "sym_static") + 2);
	assert_string_equal(name_of(s, c.pid, c.stat + 2), want);
	assert_string_equal(name_of(s, c.pid, c.lib), "lib_func");
	stop(&c);
	symbolizer_free(s);
}

static void test_minidebuginfo(void **state)
{
	struct symbolizer *s = symbolizer_new(NULL);
	struct child c;

	start(&c, "prog.mini", NULL);
	assert_string_equal(name_of(s, c.pid, c.alpha), "sym_alpha");
	assert_string_equal(name_of(s, c.pid, c.stat), "sym_static");
	stop(&c);
	symbolizer_free(s);
}

/* A separate debug file found by build-id, as libc6-dbg installs them. */
static void test_debug_dir(void **state)
{
	const char *dirs[] = { dir };
	struct symbolizer_opts o = { .debug_dirs = dirs, .ndebug_dirs = 1 };
	struct symbolizer *s = symbolizer_new(&o);
	char id[64];
	struct child c;

	sh("cd %s && readelf -n prog | awk '/Build ID/ {print $3}' > id", dir);
	read_line("id", id, sizeof(id));
	sh("mkdir -p %s/.build-id/%.2s && cp %s/mini.debug %s/.build-id/%.2s/%s.debug",
	   dir, id, dir, dir, id, id + 2);
	start(&c, "prog.stripped", NULL);
	assert_string_equal(name_of(s, c.pid, c.stat), "sym_static");
	stop(&c);
	symbolizer_free(s);
}

/* The mapped file is read through map_files: deleting the binary, or
 * replacing it with another, does not change what it resolves to. */
static void test_deleted_and_replaced(void **state)
{
	struct symbolizer *s = symbolizer_new(NULL);
	struct child del, rep;

	sh("cp %s/prog %s/prog.del && cp %s/prog %s/prog.rep", dir, dir, dir,
	   dir);
	start(&del, "prog.del", NULL);
	start(&rep, "prog.rep", NULL);
	sh("rm %s/prog.del && cp %s/prog.stripped %s/prog.rep.new && "
	   "mv %s/prog.rep.new %s/prog.rep", dir, dir, dir, dir, dir);
	assert_string_equal(name_of(s, del.pid, del.stat), "sym_static");
	assert_string_equal(name_of(s, rep.pid, rep.stat), "sym_static");
	stop(&del);
	stop(&rep);
	symbolizer_free(s);
}

/* The state letter of /proc/PID/stat. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	return p ? p[2] : '?';
}

/* Frames of a process that exited resolve from its capture, whether it
 * is a zombie (no maps any more) or gone. */
static void test_after_exit(void **state)
{
	struct symbolizer *s = symbolizer_new(NULL);
	struct timespec ms = { 0, 1000000 };
	struct child c;
	int status, i;

	start(&c, "prog", NULL);
	assert_int_equal(symbolize_snapshot(s, c.pid), 0);
	close(c.in);
	for (i = 0; i < 5000 && proc_state(c.pid) != 'Z'; i++)
		nanosleep(&ms, NULL);
	assert_int_equal(proc_state(c.pid), 'Z');
	assert_int_equal(symbolize_snapshot(s, c.pid), 0);
	assert_int_equal(symbolize_refresh(s, c.pid), 0);
	assert_string_equal(name_of(s, c.pid, c.stat), "sym_static");
	waitpid(c.pid, &status, 0);
	assert_int_equal(symbolize_refresh(s, c.pid), 0);
	assert_int_equal(symbolize_snapshot(s, c.pid), -1);
	assert_true(symbolize_has(s, c.pid));
	assert_string_equal(name_of(s, c.pid, c.stat), "sym_static");
	symbolizer_free(s);
}

/* Kernel threads map nothing, but have a name. */
static void test_kernel_thread(void **state)
{
	struct symbolizer *s = symbolizer_new(NULL);

	assert_int_equal(symbolize_snapshot(s, 2), 0);	/* kthreadd */
	assert_string_equal(symbolize_comm(s, 2), "kthreadd");
	assert_string_equal(name_of(s, 2, 0x1000), "[unknown]");
	symbolizer_free(s);
}

static void test_build_id_cache(void **state)
{
	struct symbolizer *s = symbolizer_new(NULL);
	const struct symbolize_stats *st = symbolize_stats(s);
	uint64_t loaded, hits;
	struct child a, b;

	start(&a, "prog", "libt.so");
	assert_int_equal(symbolize_snapshot(s, a.pid), 0);
	loaded = st->elf_loaded;
	hits = st->elf_cache_hits;
	assert_true(loaded >= 3);	/* prog, libt.so, libc... */
	/* The same process again: every file is known by identity. */
	assert_int_equal(symbolize_snapshot(s, a.pid), 0);
	assert_int_equal(st->elf_loaded, loaded);
	assert_true(st->elf_cache_hits >= hits + 3);
	/* Copies (other inodes, same build-ids) are not read again. */
	start(&b, "prog-copy", "libt-copy.so");
	hits = st->elf_cache_hits;
	assert_string_equal(name_of(s, b.pid, b.lib), "lib_func");
	assert_string_equal(name_of(s, b.pid, b.stat), "sym_static");
	assert_int_equal(st->elf_loaded, loaded);
	assert_true(st->elf_cache_hits >= hits + 2);
	stop(&a);
	stop(&b);
	symbolizer_free(s);
}

/* The test process maps the library itself; names are demangled. */
static void test_demangled_frames(void **state)
{
	struct symbolizer *s = symbolizer_new(NULL);
	char path[512];
	void *lib;

	snprintf(path, sizeof(path), "%s/libt.so", dir);
	lib = dlopen(path, RTLD_NOW);
	assert_non_null(lib);
	assert_string_equal(name_of(s, getpid(),
				    (uint64_t)dlsym(lib, ENVOY_SYM)),
			    "Envoy::Http::Http1::ConnectionImpl::dispatch");
	assert_string_equal(name_of(s, getpid(),
				    (uint64_t)dlsym(lib, RUST_LEGACY_SYM)),
			    "rustls::record::encrypt");
	assert_string_equal(name_of(s, getpid(),
				    (uint64_t)dlsym(lib, RUST_V0_SYM)),
			    "mycrate::example");
	dlclose(lib);
	symbolizer_free(s);
}

static void test_demangle(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ ENVOY_SYM, "Envoy::Http::Http1::ConnectionImpl::dispatch" },
		{ "_ZN5Envoy6Router6Filter13decodeHeadersERNS_4Http16RequestHeaderMapEb",
		  "Envoy::Router::Filter::decodeHeaders" },
		{ "_ZN4bssl10tls13_openEP6ssl_stPbPNS_4SpanIKhEE",
		  "bssl::tls13_open" },
		{ "_ZNSt6vectorIiSaIiEE9push_backERKi",
		  "std::vector<int, std::allocator<int> >::push_back" },
		{ RUST_LEGACY_SYM, "rustls::record::encrypt" },
		{ "_ZN4core3ptr85drop_in_place$LT$std..rt..lang_start$LT$$LP$$RP$$GT$..$u7b$$u7b$closure$u7d$$u7d$$GT$17h0123456789abcdefE",
		  "core::ptr::drop_in_place<std::rt::lang_start<()>::{{closure}}>" },
		{ RUST_V0_SYM, "mycrate::example" },
		/* Legacy, from the lab's Rust proxy and twin (Debian's rustc
		 * 1.63): the hash and LLVM's ".llvm.N" suffix go. */
		{ "_ZN6rustls4conn11CommonState10send_plain17h58e9a494a9e4e9a9E",
		  "rustls::conn::CommonState::send_plain" },
		{ "_ZN87_$LT$rustls..conn..ConnectionCommon$LT$T$GT$$u20$as$u20$rustls..conn..PlaintextSink$GT$5write17h793c63aefb76c610E",
		  "<rustls::conn::ConnectionCommon<T> as rustls::conn::PlaintextSink>::write" },
		{ "_ZN5hyper5proto2h14role13parse_headers17h1fa80cf354f891d0E",
		  "hyper::proto::h1::role::parse_headers" },
		{ "_ZN5tokio2io4util18copy_bidirectional22transfer_one_direction17h32f5882baeeb6149E",
		  "tokio::io::util::copy_bidirectional::transfer_one_direction" },
		{ "_ZN3std10sys_common9backtrace10_print_fmt28_$u7b$$u7b$closure$u7d$$u7d$17h2ed66a95bdd08583E.llvm.16791135377908753612",
		  "std::sys_common::backtrace::_print_fmt::{{closure}}" },
		/* v0, from Debian's httparse 1.8 built with
		 * -C symbol-mangling-version=v0: crate disambiguators go,
		 * inherent methods read <Type>::method. */
		{ "_RNvCs4X814712P2w_8httparse13parse_headers",
		  "httparse::parse_headers" },
		{ "_RNvMs3_Cs4X814712P2w_8httparseNtB5_12ParserConfig13parse_request",
		  "<httparse::ParserConfig>::parse_request" },
		{ "_RNvXNvCs4X814712P2w_8httparse25parse_headers_iter_uninitNtB2_12ShrinkOnDropNtNtNtCs6IL9ONYDOZW_4core3ops4drop4Drop4drop",
		  "<httparse::parse_headers_iter_uninit::ShrinkOnDrop as core::ops::drop::Drop>::drop" },
		{ "_RINvNtCs6IL9ONYDOZW_4core3ptr13drop_in_placeRNtCs4X814712P2w_8httparse6HeaderEBJ_.llvm.12086898398531250654",
		  "core::ptr::drop_in_place::<&httparse::Header>" },
	};
	size_t i;
	char *d;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		d = elf_demangle(cases[i].in);
		assert_non_null(d);
		assert_string_equal(d, cases[i].out);
		free(d);
	}
	assert_null(elf_demangle("SSL_read"));
	assert_null(elf_demangle("_Zgarbage"));
}

/* The frames of one PC of @pid into @f (room for @n); how many. */
static size_t frames_of(struct symbolizer *s, pid_t pid, uint64_t pc,
			struct frame *f, size_t n)
{
	return symbolize_user(s, pid, &pc, 1, f, n);
}

/* Calls inlined at a PC come first, innermost first, marked inlined;
 * then the function that holds them. From the file's own DWARF, or its
 * debug file's when it is stripped. */
static void test_inlined(void **state)
{
	static const char *const variants[] = { "inl", "inl.stripped" };
	char dbg[512];
	const char *dirs[] = { dbg };
	struct symbolizer_opts o = { .debug_dirs = dirs, .ndebug_dirs = 1 };
	struct symbolizer *s;
	struct frame f[8];
	struct child c;

	snprintf(dbg, sizeof(dbg), "%s/inldbg", dir);
	for (size_t v = 0; v < 2; v++) {
		s = symbolizer_new(&o);
		start(&c, variants[v], NULL);
		assert_int_equal(frames_of(s, c.pid, c.stat, f, 8), 3);
		assert_string_equal(f[0].sym, "inl_inner");
		assert_true(f[0].inlined);
		assert_string_equal(f[1].sym, "inl_outer");
		assert_true(f[1].inlined);
		assert_string_equal(f[2].sym, "host_fn");
		assert_false(f[2].inlined);
		assert_string_equal(f[2].module, variants[v]);
		assert_int_equal(f[0].offset, f[2].offset);
		/* Short of room: the function stays, inlined calls go. */
		assert_int_equal(frames_of(s, c.pid, c.stat, f, 2), 2);
		assert_string_equal(f[0].sym, "inl_inner");
		assert_string_equal(f[1].sym, "host_fn");
		/* Outside the inlined calls, the function alone. */
		assert_int_equal(frames_of(s, c.pid, c.alpha, f, 8), 1);
		assert_string_equal(f[0].sym, "host_fn");
		stop(&c);
		symbolizer_free(s);
	}
	o.no_inline = true;
	s = symbolizer_new(&o);
	start(&c, "inl", NULL);
	assert_int_equal(frames_of(s, c.pid, c.stat, f, 8), 1);
	assert_string_equal(f[0].sym, "host_fn");
	stop(&c);
	symbolizer_free(s);
}

/* Without a debug file a stripped binary's frames have no name, and say
 * why; a file with a symbol table that has none for an address says so
 * too. */
static void test_unnamed_reason(void **state)
{
	struct symbolizer *s = symbolizer_new(NULL);
	struct frame f[4];
	struct child c;

	start(&c, "inl.stripped", NULL);
	assert_int_equal(frames_of(s, c.pid, c.stat, f, 4), 1);
	assert_null(f[0].sym);
	assert_int_equal(f[0].why, UNNAMED_STRIPPED);
	stop(&c);
	/* The PLT: in a file with a symbol table, but no function's. */
	start(&c, "prog", NULL);
	frames_of(s, c.pid, c.alpha - nm_addr("prog", "sym_alpha") +
		  section_addr("prog", ".plt"), f, 4);
	assert_null(f[0].sym);
	assert_int_equal(f[0].why, UNNAMED_NO_SYMBOL);
	stop(&c);
	frames_of(s, getpid(), 16, f, 4);
	assert_null(f[0].sym);
	assert_int_equal(f[0].why, UNNAMED_UNMAPPED);
	assert_string_equal(unnamed_text(UNNAMED_STRIPPED),
			    "binary stripped, no debug file found");
	assert_int_equal(unnamed_parse(unnamed_name(UNNAMED_NO_STACK)),
			 UNNAMED_NO_STACK);
	symbolizer_free(s);
}

static void test_unmapped(void **state)
{
	struct symbolizer *s = symbolizer_new(NULL);
	struct frame f;
	char buf[64];

	assert_string_equal(name_of(s, getpid(), 16), "[unknown]");
	f = (struct frame){ .module = "haproxy", .offset = 0x1a2b3 };
	frame_name(&f, buf, sizeof(buf));
	assert_string_equal(buf, "[haproxy]+0x1a2b3");
	symbolizer_free(s);
}

static void test_kallsyms_file(void **state)
{
	struct symbolizer_opts o = { .kallsyms = NULL };
	struct symbolizer *s;
	char path[512];
	uint64_t ips[6] = {
		0xffffffff81000150,	/* leaf in tcp_sendmsg */
		0xffffffff81000200,	/* returns to the start of helper: its caller */
		0xffffffff81000250,	/* helper */
		0xffffffff81000350,	/* data: no function */
		0xffffffffc0001010,	/* module function */
		0xffffffffc0002010,	/* the last symbol has no end */
	};
	struct frame f[6];

	snprintf(path, sizeof(path), "%s/kallsyms", dir);
	write_file("kallsyms",
		   "ffffffff81000000 T _stext\n"
		   "ffffffff81000100 T tcp_sendmsg\n"
		   "ffffffff81000200 t helper\n"
		   "ffffffff81000300 D some_data\n"
		   "ffffffffc0001000 t nf_nat_fn\t[nf_nat]\n"
		   "ffffffffc0002000 t last_sym\t[nf_nat]\n");
	o.kallsyms = path;
	s = symbolizer_new(&o);
	symbolize_kernel(s, ips, 6, f);
	assert_string_equal(f[0].sym, "tcp_sendmsg");
	assert_string_equal(f[0].module, "kernel");
	assert_true(f[0].kernel);
	assert_string_equal(f[1].sym, "tcp_sendmsg");
	assert_string_equal(f[2].sym, "helper");
	assert_null(f[3].sym);
	assert_string_equal(f[4].sym, "nf_nat_fn");
	assert_string_equal(f[4].module, "nf_nat");
	assert_null(f[5].sym);
	symbolizer_free(s);
}

static void test_kallsyms_live(void **state)
{
	struct symbolizer *s = symbolizer_new(NULL);
	unsigned long long addr = 0;
	char line[512], name[256], type;
	uint64_t pc;
	struct frame f;
	FILE *ks = fopen("/proc/kallsyms", "r");

	assert_non_null(ks);
	while (fgets(line, sizeof(line), ks))
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) == 3 &&
		    !strcmp(name, "tcp_sendmsg"))
			break;
	fclose(ks);
	assert_string_equal(name, "tcp_sendmsg");
	pc = addr + 1;
	symbolize_kernel(s, &pc, 1, &f);
	assert_string_equal(f.sym, "tcp_sendmsg");
	symbolizer_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pie),
		cmocka_unit_test(test_non_pie),
		cmocka_unit_test(test_stripped),
		cmocka_unit_test(test_minidebuginfo),
		cmocka_unit_test(test_debug_dir),
		cmocka_unit_test(test_deleted_and_replaced),
		cmocka_unit_test(test_after_exit),
		cmocka_unit_test(test_kernel_thread),
		cmocka_unit_test(test_build_id_cache),
		cmocka_unit_test(test_demangled_frames),
		cmocka_unit_test(test_demangle),
		cmocka_unit_test(test_unmapped),
		cmocka_unit_test(test_inlined),
		cmocka_unit_test(test_unnamed_reason),
		cmocka_unit_test(test_kallsyms_file),
		cmocka_unit_test(test_kallsyms_live),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
