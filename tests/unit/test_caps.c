// SPDX-License-Identifier: GPL-2.0
/*
 * What a container's files and a user's text files cannot make meshprof
 * do (docs/hardening.md): a symbol table, MiniDebugInfo or CFI over its
 * cap is refused and counted, and the rest of the file still read; text
 * files are read once (a FIFO works), a NUL byte refuses the file, and
 * messages never echo bytes a terminal would act on.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "elfcraft.h"
#include "shell.h"

#include "elfsyms.h"
#include "rules.h"
#include "sampler.h"
#include "symbolize.h"
#include "textfile.h"
#include "unwind_table.h"

static char dir[] = "/tmp/meshprof-capstest.XXXXXX";

static const char *path_of(const char *name)
{
	static char path[4][512];
	static int next;
	char *p = path[next++ % 4];

	snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
	return p;
}

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	sh("rm -rf %s", dir);
	return 0;
}

/* A .symtab of 65 MiB (a hole) and a .dynsym with one function. */
static void test_symtab_cap(void **state)
{
	static const char dynstr[] = "\0kept_fn";
	Elf64_Sym dynsym[2] = {
		{ 0 },
		{ .st_name = 1, .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC),
		  .st_shndx = 1, .st_value = 0x1000, .st_size = 0x40 },
	};
	const struct craft_section sec[] = {
		{ ".symtab", SHT_SYMTAB, NULL, 65ull << 20, 0, sizeof(Elf64_Sym), 2 },
		{ ".strtab", SHT_STRTAB, dynstr, sizeof(dynstr), 0, 0, 0 },
		{ ".dynsym", SHT_DYNSYM, dynsym, sizeof(dynsym), 0, sizeof(Elf64_Sym), 4 },
		{ ".dynstr", SHT_STRTAB, dynstr, sizeof(dynstr), 0, 0, 0 },
	};
	struct elf_cache *c = elf_cache_new((const char *const[]){ "/nonexistent" }, 1);
	struct elf_file *ef;
	const char *name;
	int fd;

	assert_int_equal(craft_elf(path_of("bigsym"), sec, 4), 0);
	fd = open(path_of("bigsym"), O_RDONLY);
	assert_true(fd >= 0);
	ef = elf_of_fd(c, fd);
	close(fd);
	assert_non_null(ef);
	name = elf_symbol(ef, 0x1010);
	assert_non_null(name);
	assert_string_equal(name, "kept_fn");
	assert_int_equal(elf_cache_stats(c)->refused[REFUSE_SYMBOLS_TOO_LARGE], 1);
	elf_cache_free(c);
}

/* .gnu_debugdata that decompresses to 80 MiB: refused, the file's own
 * symbols kept. */
static void test_minidebuginfo_cap(void **state)
{
	struct elf_cache *c = elf_cache_new((const char *const[]){ "/nonexistent" }, 1);
	struct elf_file *ef;
	int fd;

	sh("cd %s && printf 'int f(int x){return x+1;}\\nint main(int c,char**v){return f(c);}\\n' >p.c && "
	   "gcc -O2 p.c -o p && head -c 80M /dev/zero | xz -0 >bomb.xz && "
	   "objcopy --add-section .gnu_debugdata=bomb.xz p p.bomb", dir);
	fd = open(path_of("p.bomb"), O_RDONLY);
	assert_true(fd >= 0);
	ef = elf_of_fd(c, fd);
	close(fd);
	assert_non_null(ef);
	assert_int_equal(elf_cache_stats(c)->refused[REFUSE_MINIDEBUG_TOO_LARGE], 1);
	assert_int_equal(elf_cache_stats(c)->refused[REFUSE_SYMBOLS_TOO_LARGE], 0);
	elf_cache_free(c);
}

/* An .eh_frame_hdr that lists 2^19 + 1 FDEs: refused before libdw reads
 * any of them. */
static void test_fde_cap(void **state)
{
	const uint32_t count = (1u << 19) + 1;
	size_t size = 12 + (size_t)count * 8;
	unsigned char *hdr = calloc(1, size);
	struct craft_section sec = { ".eh_frame_hdr", SHT_PROGBITS, hdr, size,
				     0x1000, 0, 0 };
	struct unwind_table t;
	char err[256] = "";
	int fd;

	assert_non_null(hdr);
	hdr[0] = 1;
	hdr[1] = 0x1b;		/* pcrel | sdata4 */
	hdr[2] = 0x03;		/* udata4 */
	hdr[3] = 0x3b;		/* datarel | sdata4 */
	memcpy(hdr + 8, &count, sizeof(count));
	for (uint32_t i = 0; i < count; i++)
		memcpy(hdr + 12 + (size_t)i * 8, &i, sizeof(i));
	assert_int_equal(craft_elf(path_of("manyfdes"), &sec, 1), 0);
	free(hdr);
	fd = open(path_of("manyfdes"), O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(unwind_table_build(fd, &t, err, sizeof(err)), -1);
	close(fd);
	assert_int_equal(t.refusal, REFUSE_CFI_TOO_LARGE);
	assert_non_null(strstr(err, "FDEs"));
	assert_null(t.rows);
}

static void write_file(const char *name, const void *data, size_t len)
{
	FILE *f = fopen(path_of(name), "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* Text after a NUL would be ignored: the file is refused. */
static void test_text_nul(void **state)
{
	static const char text[] = "comm=a role=app\ncomm=b role=app\0comm=c role=boss\n";
	struct ruleset rs = { 0 };
	char err[256];

	write_file("nul.rules", text, sizeof(text) - 1);
	assert_int_equal(rules_load(&rs, path_of("nul.rules"), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "nul.rules:2: a NUL byte"));
	assert_int_equal(rs.len, 0);
}

/* Binary junk is quoted back as \xNN, never raw. */
static void test_text_escaped(void **state)
{
	static const char text[] = "comm=a role=\x1b[2J\x9b" "31m\n";
	struct ruleset rs = { 0 };
	char err[256];

	write_file("junk.rules", text, sizeof(text) - 1);
	assert_int_equal(rules_load(&rs, path_of("junk.rules"), err, sizeof(err)), -1);
	for (const char *p = err; *p; p++)
		assert_true(*p >= 0x20 && *p < 0x7f);
	assert_non_null(strstr(err, "\\x1b[2J\\x9b31m"));
}

/* Read once: a FIFO gives its text to the one read there is. */
static void test_text_fifo(void **state)
{
	const char *fifo = path_of("fifo");
	struct ruleset rs = { 0 };
	char err[256];
	pid_t child;
	int status;

	assert_int_equal(mkfifo(fifo, 0600), 0);
	child = fork();
	if (!child) {
		int fd = open(fifo, O_WRONLY);

		_exit(fd < 0 || write(fd, "comm=x role=app\n", 16) != 16);
	}
	assert_int_equal(rules_load(&rs, fifo, err, sizeof(err)), 0);
	assert_int_equal(rs.len, 1);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_int_equal(status, 0);
	rules_free(&rs);
}

/* A file over the cap is refused from its size, unread. */
static void test_text_too_large(void **state)
{
	char *text, err[256];
	size_t len;
	int fd = open(path_of("huge"), O_WRONLY | O_CREAT, 0644);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 2 << 20), 0);
	close(fd);
	assert_int_equal(text_read_max(path_of("huge"), 1 << 20, &text, &len,
				       err, sizeof(err)), -1);
	assert_non_null(strstr(err, "larger than 1 MiB"));
	assert_null(text);
}

static int count_mapping(void *arg, const struct mapped_file *mf)
{
	(*(size_t *)arg)++;
	return 0;
}

/* A process with 5000 executable mappings of one file: the capture keeps
 * 4096, and each is a file opened, so there is a bound. */
static void test_mapping_cap(void **state)
{
	struct symbolizer *s = symbolizer_new(NULL);
	int ready[2], i;
	size_t n = 0;
	pid_t child;
	char c;

	assert_non_null(s);
	assert_int_equal(pipe(ready), 0);
	child = fork();
	if (!child) {
		int fd = open("/bin/true", O_RDONLY);
		char *base = mmap(NULL, 10000 * 8192, PROT_NONE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		for (i = 0; fd >= 0 && base != MAP_FAILED && i < 5000; i++)
			if (mmap(base + i * 8192, 4096, PROT_READ | PROT_EXEC,
				 MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED)
				_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	assert_int_equal(read(ready[0], &c, 1), 1);
	assert_int_equal(symbolize_snapshot(s, child), 0);
	symbolize_files(s, child, count_mapping, &n);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	assert_int_equal(n, 4096);
	symbolizer_free(s);
}

/* -F: meshprof's ceiling per CPU, and over all CPUs. */
static void test_max_hz(void **state)
{
	char why[256];

	assert_true(profile_max_hz(2, why, sizeof(why)) <= PROFILE_MAX_HZ);
	assert_true(profile_max_hz(64, why, sizeof(why)) <= PROFILE_MAX_NODE_HZ / 64);
	assert_non_null(strstr(why, "perf_event_max_sample_rate"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_symtab_cap),
		cmocka_unit_test(test_minidebuginfo_cap),
		cmocka_unit_test(test_fde_cap),
		cmocka_unit_test(test_text_nul),
		cmocka_unit_test(test_text_escaped),
		cmocka_unit_test(test_text_fifo),
		cmocka_unit_test(test_text_too_large),
		cmocka_unit_test(test_max_hz),
		cmocka_unit_test(test_mapping_cap),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
