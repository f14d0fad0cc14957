// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for user/unwind_table.c. The ground truth is binutils:
 * `readelf --debug-dump=frames-interp` prints each FDE's CFA table, and
 * every row of it must be what unwind_table_find() gives at its address,
 * for a program built here with gcc, for libc and for libcrypto. The
 * program has a stack array (sub rsp), a function with a frame pointer,
 * gcc's stack realignment (DRAP: rbp saved at *rbp, which a row cannot
 * say), a hand-written CFA = *(rbp + 8), a .plt and _start.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <time.h>
#include <cmocka.h>

#include "shell.h"

#include "unwind_table.h"

#define LIBC "/usr/lib/x86_64-linux-gnu/libc.so.6"
#define LIBCRYPTO "/usr/lib/x86_64-linux-gnu/libcrypto.so.3"

static const char prog_src[] =
	"#include <alloca.h>\n"
	"#include <stdio.h>\n"
	"#include <string.h>\n"
	"__attribute__((noinline)) int big(int x)\n"
	"{\n"
	"	volatile char buf[8192];\n"
	"	memset((char *)buf, x, sizeof(buf));\n"
	"	return buf[x & 8191];\n"
	"}\n"
	"__attribute__((noinline, optimize(\"no-omit-frame-pointer\")))\n"
	"int framed(int x)\n"
	"{\n"
	"	volatile char b[64];\n"
	"	b[x & 63] = 1;\n"
	"	return big(x) + b[3];\n"
	"}\n"
	"__attribute__((noinline)) int drap(int n, int a, int b, int c, int d,\n"
	"				   int e, int f, int g)\n"
	"{\n"
	"	char buf[64] __attribute__((aligned(64)));\n"
	"	char *p = alloca(n + 1);\n"
	"	snprintf(buf, sizeof(buf), \"%d\", g);\n"
	"	p[0] = buf[0];\n"
	"	p[n] = 0;\n"
	"	puts(p);\n"
	"	return buf[0];\n"
	"}\n"
	/* CFA = *(rbp + 8), rbp saved at CFA - 16: UNWIND_RBP_DEREF. */
	"__asm__(\".text\\n.globl realign, realign_body\\n\"\n"
	"	\".type realign, @function\\nrealign:\\n.cfi_startproc\\n\"\n"
	"	\"push %rbp\\n.cfi_def_cfa_offset 16\\n.cfi_offset %rbp, -16\\n\"\n"
	"	\"lea 16(%rsp), %rax\\npush %rax\\n.cfi_def_cfa_offset 24\\n\"\n"
	"	\"sub $8, %rsp\\n.cfi_def_cfa_offset 32\\nmov %rsp, %rbp\\n\"\n"
	"	\"realign_body:\\n.cfi_escape 0x0f, 0x03, 0x76, 0x08, 0x06\\n\"\n"
	"	\"and $-64, %rsp\\nmov %rbp, %rsp\\n.cfi_def_cfa %rsp, 32\\n\"\n"
	"	\"add $16, %rsp\\n.cfi_def_cfa_offset 16\\n\"\n"
	"	\"pop %rbp\\n.cfi_def_cfa_offset 8\\nret\\n.cfi_endproc\\n\"\n"
	"	\".size realign, .-realign\\n\");\n"
	"int main(int argc, char **argv)\n"
	"{\n"
	"	return framed(argc) + drap(argc, 1, 2, 3, 4, 5, 6, 7);\n"
	"}\n";

static char dir[] = "/tmp/meshprof-unwindtest.XXXXXX";

/* One row of readelf's table; rbp is "" when the FDE does not mention it. */
struct cfa_row {
	uint64_t pc;
	char cfa[32], rbp[16], ra[16];
};

/* A CIE's last row: the rows of an FDE without instructions, which
 * readelf does not print. */
struct cie {
	unsigned long off;
	struct cfa_row row;
};

struct fde {
	uint64_t start, end;
};

/* What readelf's tables of one file hold, and how they compared. */
struct check {
	const char *path;
	const struct unwind_table *t;
	struct cie *cies;
	size_t ncies;
	struct fde *fdes;
	size_t nfdes;
	char cols[32][16];	/* the current table's column names */
	int ncols;
	size_t fde_rows;	/* rows of the current FDE */
	size_t rows;		/* readelf rows compared */
	size_t exp;		/* ... of which with a CFA expression */
	size_t other_reg;	/* CFA from another register: UNWIND_REG */
	size_t none_exp;	/* CFA expression evaluated as UNWIND_NONE */
	size_t none_rbp;	/* rbp rule a row cannot say */
	size_t none_cfa;	/* CFA offset beyond a row's 16 bits */
	size_t none_ra;		/* return address not at CFA - 8 */
};

/* The number the shell command prints (hex, or decimal with @base 10). */
__attribute__((format(printf, 2, 3)))
static uint64_t sh_num(int base, const char *fmt, ...)
{
	char cmd[4096], line[256] = "";
	va_list ap;
	FILE *p;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	assert_non_null(p);
	if (!fgets(line, sizeof(line), p))
		fail_msg("no output: %s", cmd);
	pclose(p);
	return strtoull(line, NULL, base);
}

static void path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static int setup(void **state)
{
	char path[512];
	FILE *f;

	if (!mkdtemp(dir))
		return -1;
	path_of(path, sizeof(path), "prog.c");
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(prog_src, f);
	fclose(f);
	sh("cd %s && gcc -O2 -fomit-frame-pointer -fPIE -pie prog.c -o prog && "
	   "gcc -O2 -c prog.c -o prog.o && echo 'not an ELF file' > text",
	   dir);
	return 0;
}

static int teardown(void **state)
{
	sh("rm -rf %s", dir);
	return 0;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Builds @path's table; returns how long it took, in ms. */
static double build(const char *path, struct unwind_table *t)
{
	char err[256] = "";
	double start, ms;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	start = now_ms();
	if (unwind_table_build(fd, t, err, sizeof(err)))
		fail_msg("%s: %s", path, err);
	ms = now_ms() - start;
	close(fd);
	return ms;
}

/* Sorted, no two neighbours alike. */
static void check_invariants(const struct unwind_table *t)
{
	const struct unwind_row *r;
	size_t i;

	for (i = 0; i < t->n; i++) {
		r = &t->rows[i];
		assert_true(r->kind <= UNWIND_REG);
		assert_true(r->kind == UNWIND_REG ? r->reg <= 15 && r->reg != 6 &&
						    r->reg != 7 : r->reg == 0);
		if (!i)
			continue;
		assert_true(r[-1].pc < r->pc);
		assert_false(r[-1].kind == r->kind &&
			     r[-1].cfa_off == r->cfa_off &&
			     r[-1].rbp_off == r->rbp_off && r[-1].reg == r->reg);
	}
}

/* readelf's rbp rule as rbp_off; false when a row cannot say it. */
static bool rbp_rule(const char *rule, long *off)
{
	*off = 0;
	if (!*rule || !strcmp(rule, "u") || !strcmp(rule, "s"))
		return true;
	if (rule[0] != 'c')
		return false;
	*off = strtol(rule + 1, NULL, 10);
	return *off && *off == (int8_t)*off;
}

/* The DWARF number of a general register as readelf names it. */
static int dwarf_reg(const char *name)
{
	static const char *const names[] = {
		"rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return i;
	if (name[0] == 'r' && atoi(name + 1) >= 8 && atoi(name + 1) <= 15)
		return atoi(name + 1);
	fail_msg("readelf register %s", name);
	return -1;
}

/*
 * The row readelf's row @r must become; false when the CFA is an
 * expression ("exp"), of which readelf shows no more.
 */
static bool expect(const struct cfa_row *r, struct unwind_row *want,
		   struct check *c)
{
	char reg[16];
	long rbp;
	int off;

	memset(want, 0, sizeof(*want));
	want->kind = UNWIND_NONE;
	if (!strcmp(r->ra, "u")) {
		want->kind = UNWIND_END;
		return true;
	}
	if (strcmp(r->ra, "c-8")) {
		c->none_ra++;
		return true;
	}
	if (!rbp_rule(r->rbp, &rbp)) {
		c->none_rbp++;
		return true;
	}
	want->rbp_off = rbp;
	if (!strcmp(r->cfa, "exp"))
		return false;
	if (sscanf(r->cfa, "%15[a-z0-9]%d", reg, &off) != 2)
		fail_msg("readelf CFA %s", r->cfa);
	if (off != (int16_t)off) {
		want->rbp_off = 0;
		c->none_cfa++;
		return true;
	}
	if (!strcmp(reg, "rsp") || !strcmp(reg, "rbp")) {
		want->kind = reg[1] == 's' ? UNWIND_RSP : UNWIND_RBP;
		want->cfa_off = off;
		return true;
	}
	want->kind = UNWIND_REG;
	want->reg = dwarf_reg(reg);
	want->cfa_off = off;
	c->other_reg++;
	return true;
}

static void compare_row(struct check *c, const struct cfa_row *r)
{
	const struct unwind_row *got = unwind_table_find(c->t, r->pc);
	struct unwind_row want;

	if (!got)
		fail_msg("%s 0x%lx: no row", c->path, r->pc);
	c->rows++;
	if (!expect(r, &want, c)) {
		c->exp++;
		if (got->kind == UNWIND_NONE)
			c->none_exp++;
		else if (got->kind != UNWIND_PLT && got->kind != UNWIND_RBP_DEREF)
			fail_msg("%s 0x%lx: CFA exp, kind %d", c->path, r->pc,
				 got->kind);
		else if (got->rbp_off != want.rbp_off)
			fail_msg("%s 0x%lx: rbp %s, rbp_off %d", c->path, r->pc,
				 r->rbp, got->rbp_off);
		return;
	}
	if (got->kind != want.kind || got->cfa_off != want.cfa_off ||
	    got->rbp_off != want.rbp_off || got->reg != want.reg)
		fail_msg("%s 0x%lx: readelf CFA %s rbp %s ra %s; got kind %d "
			 "cfa_off %d rbp_off %d, want kind %d cfa_off %d rbp_off %d",
			 c->path, r->pc, r->cfa, r->rbp, r->ra, got->kind,
			 got->cfa_off, got->rbp_off, want.kind, want.cfa_off,
			 want.rbp_off);
}

/* Reads one of readelf's rows, under the column names in @c. */
static void parse_row(struct check *c, char *line, struct cfa_row *r)
{
	char *tok, *save;
	int i;

	/* A register rule reads "r10 (r10)": one column. */
	while ((tok = strstr(line, " (")))
		memmove(tok, tok + 1, strlen(tok));
	memset(r, 0, sizeof(*r));
	r->pc = strtoull(strtok_r(line, " \n", &save), NULL, 16);
	for (i = 1; i < c->ncols && (tok = strtok_r(NULL, " \n", &save)); i++) {
		if (!strcmp(c->cols[i], "CFA"))
			snprintf(r->cfa, sizeof(r->cfa), "%s", tok);
		else if (!strcmp(c->cols[i], "rbp"))
			snprintf(r->rbp, sizeof(r->rbp), "%s", tok);
		else if (!strcmp(c->cols[i], "ra"))
			snprintf(r->ra, sizeof(r->ra), "%s", tok);
	}
	assert_int_equal(i, c->ncols);
}

static void parse_cols(struct check *c, char *line)
{
	char *tok, *save;

	c->ncols = 0;
	for (tok = strtok_r(line, " \n", &save); tok && c->ncols < 32;
	     tok = strtok_r(NULL, " \n", &save))
		snprintf(c->cols[c->ncols++], sizeof(c->cols[0]), "%s", tok);
}

static struct cie *find_cie(struct check *c, unsigned long off)
{
	size_t i;

	for (i = 0; i < c->ncies; i++)
		if (c->cies[i].off == off)
			return &c->cies[i];
	fail_msg("%s: no CIE at 0x%lx", c->path, off);
	return NULL;
}

/* An FDE without rows in readelf's output has its CIE's. */
static void end_fde(struct check *c, unsigned long cie)
{
	struct cfa_row r;

	if (c->fde_rows || !c->nfdes)
		return;
	r = find_cie(c, cie)->row;
	r.pc = c->fdes[c->nfdes - 1].start;
	compare_row(c, &r);
}

/* A block header: "OFF LEN ID CIE ..." or "OFF LEN ID FDE cie=X pc=A..B". */
static void parse_header(struct check *c, const char *line, unsigned long *cie)
{
	unsigned long off;
	struct fde *f;

	sscanf(line, "%lx", &off);
	if (strstr(line, " CIE")) {
		c->cies = realloc(c->cies, (c->ncies + 1) * sizeof(*c->cies));
		assert_non_null(c->cies);
		memset(&c->cies[c->ncies], 0, sizeof(c->cies[0]));
		c->cies[c->ncies++].off = off;
		*cie = ULONG_MAX;
		return;
	}
	c->fdes = realloc(c->fdes, (c->nfdes + 1) * sizeof(*c->fdes));
	assert_non_null(c->fdes);
	f = &c->fdes[c->nfdes++];
	if (sscanf(strstr(line, "cie="), "cie=%lx pc=%lx..%lx", cie, &f->start,
		   &f->end) != 3)
		fail_msg("readelf: %s", line);
	c->fde_rows = 0;
}

/* Compares every row of readelf's .eh_frame tables of c->path. */
static void compare_readelf(struct check *c)
{
	unsigned long cie = ULONG_MAX;
	char cmd[512], line[1024];
	bool in_eh_frame = false;
	struct cfa_row r;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "readelf -wN --debug-dump=frames-interp %s",
		 c->path);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		if (!strncmp(line, "Contents of the ", 16)) {
			in_eh_frame = strstr(line, " .eh_frame section") != NULL;
			continue;
		}
		if (!in_eh_frame)
			continue;
		if (strstr(line, " CIE") || strstr(line, " FDE cie=")) {
			if (cie != ULONG_MAX)
				end_fde(c, cie);
			parse_header(c, line, &cie);
		} else if (!strncmp(line, "   LOC ", 7)) {
			parse_cols(c, line);
		} else if (strlen(line) > 17 && line[16] == ' ') {
			parse_row(c, line, &r);
			if (cie == ULONG_MAX) {
				c->cies[c->ncies - 1].row = r;
				continue;
			}
			c->fde_rows++;
			compare_row(c, &r);
		}
	}
	if (cie != ULONG_MAX)
		end_fde(c, cie);
	assert_int_equal(pclose(p), 0);
}

static int fde_cmp(const void *a, const void *b)
{
	const struct fde *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* FDEs do not overlap, and past the end of one the next does not start
 * at there is UNWIND_NONE. */
static void check_fde_ends(struct check *c)
{
	const struct unwind_row *r;
	size_t i;

	qsort(c->fdes, c->nfdes, sizeof(*c->fdes), fde_cmp);
	for (i = 0; i < c->nfdes; i++) {
		if (i + 1 < c->nfdes) {
			assert_true(c->fdes[i].end <= c->fdes[i + 1].start);
			if (c->fdes[i].end == c->fdes[i + 1].start)
				continue;
		}
		r = unwind_table_find(c->t, c->fdes[i].end);
		assert_non_null(r);
		assert_int_equal(r->kind, UNWIND_NONE);
	}
}

static void count_kinds(const struct unwind_table *t, size_t *n)
{
	size_t i;

	memset(n, 0, (UNWIND_REG + 1) * sizeof(*n));
	for (i = 0; i < t->n; i++)
		n[t->rows[i].kind]++;
}

/* Compares @path's table with readelf's, prints what it found; returns
 * how long the table took to build, in ms. */
static double check_file(const char *path, struct unwind_table *t,
		       size_t *kinds)
{
	struct check c = { .path = path, .t = t };
	const char *name = strrchr(path, '/') + 1;
	double ms = build(path, t);

	check_invariants(t);
	compare_readelf(&c);
	check_fde_ends(&c);
	count_kinds(t, kinds);
	printf("# %s: %zu rows built in %.1f ms; %zu readelf rows in %zu FDEs "
	       "compared (%zu CFA exp)\n", name, t->n, ms, c.rows, c.nfdes,
	       c.exp);
	printf("# %s rows: rsp %zu rbp %zu rbp_deref %zu plt %zu end %zu "
	       "reg %zu none %zu (%.1f%%)\n", name, kinds[UNWIND_RSP],
	       kinds[UNWIND_RBP], kinds[UNWIND_RBP_DEREF], kinds[UNWIND_PLT],
	       kinds[UNWIND_END], kinds[UNWIND_REG], kinds[UNWIND_NONE],
	       100.0 * kinds[UNWIND_NONE] / t->n);
	printf("# %s readelf rows: CFA in another register %zu; made "
	       "UNWIND_NONE: other CFA expression %zu, rbp rule %zu, return "
	       "address %zu, CFA offset %zu (%.2f%% of %zu)\n", name,
	       c.other_reg, c.none_exp, c.none_rbp, c.none_ra, c.none_cfa,
	       100.0 * (c.none_exp + c.none_rbp + c.none_ra + c.none_cfa) /
	       c.rows, c.rows);
	assert_true(c.rows > 0);
	free(c.cies);
	free(c.fdes);
	return ms;
}

static void test_program(void **state)
{
	size_t kinds[UNWIND_REG + 1];
	struct unwind_table t;
	char path[512];

	path_of(path, sizeof(path), "prog");
	check_file(path, &t, kinds);
	assert_true(kinds[UNWIND_RSP] > 0);
	assert_true(kinds[UNWIND_RBP] > 0);
	assert_true(kinds[UNWIND_RBP_DEREF] > 0);
	assert_true(kinds[UNWIND_PLT] > 0);
	assert_true(kinds[UNWIND_END] > 0);
	assert_true(kinds[UNWIND_NONE] > 0);
	unwind_table_free(&t);
}

static void test_libc(void **state)
{
	size_t kinds[UNWIND_REG + 1];
	struct unwind_table t;

	check_file(LIBC, &t, kinds);
	/* clone3's child and the thread start: outermost frames */
	assert_true(kinds[UNWIND_END] > 0);
	unwind_table_free(&t);
}

static void test_libcrypto(void **state)
{
	size_t kinds[UNWIND_REG + 1];
	struct unwind_table t;

	assert_true(check_file(LIBCRYPTO, &t, kinds) < 1000);
	/* OpenSSL's AES-GCM and SHA assembly anchors its frames in rax,
	 * r11... */
	assert_true(kinds[UNWIND_REG] > 0);
	unwind_table_free(&t);
}

/* The stack array: sub rsp, 8192 and more. */
static void test_stack_array(void **state)
{
	const struct unwind_row *r;
	struct unwind_table t;
	char path[512];
	uint64_t big;

	path_of(path, sizeof(path), "prog");
	build(path, &t);
	big = sh_num(16, "nm %s | awk '$3 == \"big\" {print $1}'", path);
	r = unwind_table_find(&t, big);
	assert_int_equal(r->kind, UNWIND_RSP);
	assert_int_equal(r->cfa_off, 8);
	r = unwind_table_find(&t, r[1].pc);
	assert_int_equal(r->kind, UNWIND_RSP);
	assert_true(r->cfa_off > 4096);
	unwind_table_free(&t);
}

/* Between two functions: UNWIND_NONE; before the first row: NULL. */
static void test_gap_and_below(void **state)
{
	const struct unwind_row *r;
	struct unwind_table t;
	char path[512];
	uint64_t end;

	path_of(path, sizeof(path), "prog");
	build(path, &t);
	end = sh_num(16, "nm -S %s | awk '$4 == \"big\" {print $1}'", path) +
	      sh_num(16, "nm -S %s | awk '$4 == \"big\" {print $2}'", path);
	r = unwind_table_find(&t, end - 1);	/* ret */
	assert_int_equal(r->kind, UNWIND_RSP);
	assert_int_equal(r->cfa_off, 8);
	r = unwind_table_find(&t, end);
	assert_int_equal(r->kind, UNWIND_NONE);
	assert_int_equal(r->cfa_off, 0);
	assert_int_equal(r->rbp_off, 0);
	assert_true(t.rows[0].pc > 0);
	assert_null(unwind_table_find(&t, t.rows[0].pc - 1));
	assert_null(unwind_table_find(&t, 0));
	assert_ptr_equal(unwind_table_find(&t, UINT64_MAX), &t.rows[t.n - 1]);
	assert_int_equal(t.rows[t.n - 1].kind, UNWIND_NONE);
	unwind_table_free(&t);
}

/* The .plt's CFA expression, with the K of readelf's raw dump. */
static void test_plt(void **state)
{
	const struct unwind_row *r;
	struct unwind_table t;
	uint64_t plt, k;
	char path[512];

	path_of(path, sizeof(path), "prog");
	build(path, &t);
	plt = sh_num(16, "readelf -SW %s | sed 's/^ *\\[ *[0-9]*\\]//' | "
		     "awk '$1 == \".plt\" {print $3}'", path);
	k = sh_num(10, "readelf --debug-dump=frames %s | "
		   "grep -o 'DW_OP_and; DW_OP_lit[0-9]*' | sed 's/.*lit//'",
		   path);
	r = unwind_table_find(&t, plt + 16);	/* the first entry */
	assert_int_equal(r->kind, UNWIND_PLT);
	assert_int_equal(r->cfa_off, k);
	assert_int_equal(r->rbp_off, 0);
	unwind_table_free(&t);
}

/* The hand-written CFA = *(rbp + 8), rbp at CFA - 16. */
static void test_rbp_deref(void **state)
{
	const struct unwind_row *r;
	struct unwind_table t;
	char path[512];
	uint64_t body;

	path_of(path, sizeof(path), "prog");
	build(path, &t);
	body = sh_num(16, "nm %s | awk '$3 == \"realign_body\" {print $1}'",
		      path);
	r = unwind_table_find(&t, body);
	assert_int_equal(r->pc, body);
	assert_int_equal(r->kind, UNWIND_RBP_DEREF);
	assert_int_equal(r->cfa_off, 8);
	assert_int_equal(r->rbp_off, -16);
	r = unwind_table_find(&t, body - 1);
	assert_int_equal(r->kind, UNWIND_RSP);
	assert_int_equal(r->cfa_off, 32);
	assert_int_equal(r->rbp_off, -16);
	unwind_table_free(&t);
}

/* The caller's file offset is left alone, and the fd open. */
static void test_fd_untouched(void **state)
{
	struct unwind_table t;
	char path[512], err[256];
	struct stat st;
	int fd;

	path_of(path, sizeof(path), "prog");
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(lseek(fd, 5, SEEK_SET), 5);
	assert_int_equal(unwind_table_build(fd, &t, err, sizeof(err)), 0);
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 5);
	assert_int_equal(fstat(fd, &st), 0);
	close(fd);
	unwind_table_free(&t);
}

/* @refusal: the enum file_refusal the failure counts as, or -1. */
static void expect_error(const char *name, const char *reason, int refusal)
{
	struct unwind_table t = { 0 };
	char path[512], err[256] = "";
	int fd;

	path_of(path, sizeof(path), name);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(unwind_table_build(fd, &t, err, sizeof(err)), -1);
	close(fd);
	if (!strstr(err, reason))
		fail_msg("%s: \"%s\", want \"%s\"", name, err, reason);
	assert_null(t.rows);
	assert_int_equal(t.n, 0);
	assert_int_equal(t.refusal, refusal);
}

static void test_errors(void **state)
{
	expect_error("text", "not an ELF file", -1);
	expect_error("prog.o", "no .eh_frame_hdr", -1);
}

/* A section's file offset and size, from readelf. */
static void section(const char *path, const char *name, long *off, long *size)
{
	*off = sh_num(16, "readelf -SW %s | sed 's/^ *\\[ *[0-9]*\\]//' | "
		      "awk '$1 == \"%s\" {print $4}'", path, name);
	*size = sh_num(16, "readelf -SW %s | sed 's/^ *\\[ *[0-9]*\\]//' | "
		       "awk '$1 == \"%s\" {print $5}'", path, name);
}

/* Writes @len bytes of @c at @off of a copy of prog named @name. */
static void corrupt(const char *name, long off, int c, long len)
{
	char path[512];
	FILE *f;

	sh("cp %s/prog %s/%s", dir, dir, name);
	path_of(path, sizeof(path), name);
	f = fopen(path, "r+");
	assert_non_null(f);
	assert_int_equal(fseek(f, off, SEEK_SET), 0);
	while (len--)
		fputc(c, f);
	fclose(f);
}

/* Malformed files give an error or a table, never a crash. */
static void test_malformed(void **state)
{
	long hdr, hdr_size, eh, eh_size, i;
	struct unwind_table t;
	char path[512], err[256];
	int fd;

	path_of(path, sizeof(path), "prog");
	section(path, ".eh_frame_hdr", &hdr, &hdr_size);
	section(path, ".eh_frame", &eh, &eh_size);
	corrupt("bad-version", hdr, 2, 1);
	expect_error("bad-version", "unsupported .eh_frame_hdr",
		     REFUSE_CFI_MALFORMED);
	corrupt("bad-table-enc", hdr + 3, 0x1b, 1);
	expect_error("bad-table-enc", "unsupported .eh_frame_hdr",
		     REFUSE_CFI_MALFORMED);
	corrupt("bad-count", hdr + 8, 0x7f, 4);
	expect_error("bad-count", "truncated .eh_frame_hdr",
		     REFUSE_CFI_MALFORMED);
	path_of(path, sizeof(path), "bad");
	for (i = 0; i < eh_size; i += 3) {
		corrupt("bad", eh + i, i & 0xff, 2);
		fd = open(path, O_RDONLY);
		assert_true(fd >= 0);
		if (!unwind_table_build(fd, &t, err, sizeof(err)))
			unwind_table_free(&t);
		close(fd);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_program),
		cmocka_unit_test(test_libc),
		cmocka_unit_test(test_libcrypto),
		cmocka_unit_test(test_stack_array),
		cmocka_unit_test(test_gap_and_below),
		cmocka_unit_test(test_plt),
		cmocka_unit_test(test_rbp_deref),
		cmocka_unit_test(test_fd_untouched),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
