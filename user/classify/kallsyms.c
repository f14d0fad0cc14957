// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel program counters to function names. /proc/kallsyms lists some
 * hundred thousand symbols, megabytes that a profile needs a few hundred
 * of: meshprof keeps only the functions its samples hit, each as an
 * address range, and reads the file again (one pass, nothing kept but
 * the answers) when samples hit functions it does not know yet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "intern.h"
#include "kallsyms.h"

#define DEFAULT_KALLSYMS "/proc/kallsyms"

/* A function a sample hit: [start, end) up to the next symbol, as
 * kallsyms has no sizes. */
struct kfunc {
	uint64_t start, end;
	const char *name;		/* interned */
	const char *module;		/* interned: "kernel" or the module */
};

struct kallsyms {
	char *path;
	struct kfunc *funcs;		/* sorted by start, disjoint */
	size_t n, cap;
	struct intern_table strings;
	uint64_t passes;		/* reads of the file */
};

struct kallsyms *kallsyms_new(const char *path)
{
	struct kallsyms *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->path = strdup(path ? path : DEFAULT_KALLSYMS);
	if (!k->path) {
		free(k);
		return NULL;
	}
	return k;
}

void kallsyms_free(struct kallsyms *k)
{
	if (!k)
		return;
	intern_free(&k->strings);
	free(k->funcs);
	free(k->path);
	free(k);
}

static bool ktext(char type)
{
	return type == 't' || type == 'T' || type == 'w' || type == 'W';
}

static const struct kfunc *find(const struct kallsyms *k, uint64_t pc)
{
	size_t lo = 0, hi = k->n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (pc < k->funcs[mid].start)
			hi = mid;
		else if (pc >= k->funcs[mid].end)
			lo = mid + 1;
		else
			return &k->funcs[mid];
	}
	return NULL;
}

bool kallsyms_lookup(struct kallsyms *k, uint64_t pc, const char **sym,
		     const char **module)
{
	const struct kfunc *f = find(k, pc);

	if (!f)
		return false;
	*sym = f->name;
	*module = f->module;
	return true;
}

/* Longest names of /proc/kallsyms: KSYM_NAME_LEN and MODULE_NAME_LEN. */
#define KSYM_NAME 512
#define KSYM_MODULE 64

/*
 * What one pass learns of each sought address: the nearest symbol at or
 * below it (start) and the nearest above (end). A pass sees every symbol
 * below an address on its way to the nearest: their names are copied
 * here, and only the last one is interned (keep()).
 */
struct sought {
	uint64_t pc;
	uint64_t start, end;	/* end 0: none seen */
	char type;
	char name[KSYM_NAME], module[KSYM_MODULE];	/* of start */
};

static int pc_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The first of @n sorted entries whose pc is at least @a. */
static size_t lower_bound(const struct sought *s, size_t n, uint64_t a)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (s[mid].pc < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * One symbol of the file against the sought addresses: it may be the
 * nearest start of the first address at or above it (and, once the pass
 * is over, of those after it), and the nearest end of the last one below.
 */
static void consider(struct sought *s, size_t n, uint64_t a, char type,
		     const char *name, const char *module)
{
	size_t i = lower_bound(s, n, a);

	if (i > 0 && (!s[i - 1].end || a < s[i - 1].end))
		s[i - 1].end = a;
	if (i == n || a <= s[i].start)
		return;
	s[i].start = a;
	s[i].type = type;
	snprintf(s[i].name, sizeof(s[i].name), "%s", name);
	snprintf(s[i].module, sizeof(s[i].module), "%s", module);
}

/* Each address takes the nearest start at or below it and the nearest
 * end above it, over all the entries' candidates. */
static void settle(struct sought *s, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (s[i - 1].start > s[i].start) {
			s[i].start = s[i - 1].start;
			s[i].type = s[i - 1].type;
			memcpy(s[i].name, s[i - 1].name, sizeof(s[i].name));
			memcpy(s[i].module, s[i - 1].module,
			       sizeof(s[i].module));
		}
	for (size_t i = n - 1; i-- > 0;)
		if (s[i + 1].end && (!s[i].end || s[i + 1].end < s[i].end))
			s[i].end = s[i + 1].end;
}

static void pass(struct kallsyms *k, struct sought *s, size_t n)
{
	char line[1024], name[KSYM_NAME], module[KSYM_MODULE];
	unsigned long long addr;
	char type;
	FILE *f;
	int got;

	f = fopen(k->path, "re");
	if (!f)
		return;
	k->passes++;
	while (fgets(line, sizeof(line), f)) {
		module[0] = '\0';
		got = sscanf(line, "%llx %c %511s [%63[^]]]", &addr, &type,
			     name, module);
		if (got >= 3 && addr)
			consider(s, n, addr, type, name,
				 got == 4 ? module : "kernel");
	}
	fclose(f);
	settle(s, n);
}

static int func_cmp(const void *a, const void *b)
{
	const struct kfunc *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Keeps the text functions the pass found (the last symbol of the file
 * has no end: it is not trusted). */
static int keep(struct kallsyms *k, const struct sought *s, size_t n)
{
	struct kfunc *grown;
	const char *name, *module;
	size_t i, added = 0;

	for (i = 0; i < n; i++) {
		if (!ktext(s[i].type) || !s[i].end || !s[i].start ||
		    (added && s[i].start == k->funcs[k->n - 1].start))
			continue;
		name = intern(&k->strings, s[i].name);
		module = intern(&k->strings, s[i].module);
		if (!name || !module)
			return -1;
		if (k->n == k->cap) {
			k->cap = k->cap ? k->cap * 2 : 256;
			grown = realloc(k->funcs, k->cap * sizeof(*grown));
			if (!grown)
				return -1;
			k->funcs = grown;
		}
		k->funcs[k->n++] = (struct kfunc){ s[i].start, s[i].end,
						   name, module };
		added++;
	}
	if (added)
		qsort(k->funcs, k->n, sizeof(*k->funcs), func_cmp);
	return 0;
}

int kallsyms_learn(struct kallsyms *k, const uint64_t *pcs, size_t n)
{
	struct sought *s;
	uint64_t *sorted;
	size_t i, m = 0;
	int ret;

	sorted = malloc((n ? n : 1) * sizeof(*sorted));
	if (!sorted)
		return -1;
	for (i = 0; i < n; i++)
		if (!find(k, pcs[i]))
			sorted[m++] = pcs[i];
	if (!m) {
		free(sorted);
		return 0;
	}
	qsort(sorted, m, sizeof(*sorted), pc_cmp);
	s = calloc(m, sizeof(*s));
	for (i = 0, n = 0; s && i < m; i++)
		if (!n || s[n - 1].pc != sorted[i])
			s[n++].pc = sorted[i];
	free(sorted);
	if (!s)
		return -1;
	pass(k, s, n);
	ret = keep(k, s, n);
	free(s);
	return ret;
}

uint64_t kallsyms_passes(const struct kallsyms *k)
{
	return k->passes;
}
