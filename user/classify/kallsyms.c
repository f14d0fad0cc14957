// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "intern.h"
#include "kallsyms.h"

#define DEFAULT_KALLSYMS "/proc/kallsyms"

struct ksym {
	uint64_t addr;
	uint32_t name;			/* offset in names */
	const char *module;		/* interned: "kernel" or the module */
	char type;
};

struct kallsyms {
	char *path;
	bool tried;
	struct ksym *syms;
	size_t n, cap;
	char *names;
	size_t names_len, names_cap;
	struct intern_table modules;
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
	intern_free(&k->modules);
	free(k->syms);
	free(k->names);
	free(k->path);
	free(k);
}

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static bool ktext(char type)
{
	return type == 't' || type == 'T' || type == 'w' || type == 'W';
}

static int add_ksym(struct kallsyms *k, unsigned long long addr, char type,
		    const char *name, const char *module)
{
	size_t len = strlen(name) + 1;
	struct ksym *grown;
	char *ngrown;

	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 65536;
		grown = realloc(k->syms, k->cap * sizeof(*grown));
		if (!grown)
			return -1;
		k->syms = grown;
	}
	if (k->names_len + len > k->names_cap) {
		k->names_cap = k->names_cap ? k->names_cap * 2 : 1 << 20;
		ngrown = realloc(k->names, k->names_cap);
		if (!ngrown)
			return -1;
		k->names = ngrown;
	}
	memcpy(k->names + k->names_len, name, len);
	k->syms[k->n++] = (struct ksym){
		addr, k->names_len, intern(&k->modules, module), type,
	};
	k->names_len += len;
	return 0;
}

/* All symbols are kept, text or not, so that each text symbol ends where
 * the next symbol starts: kallsyms has no sizes. */
static void load(struct kallsyms *k)
{
	char line[1024], name[512], module[128];
	unsigned long long addr;
	char type;
	FILE *f;
	int n;

	k->tried = true;
	f = fopen(k->path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		module[0] = '\0';
		n = sscanf(line, "%llx %c %511s [%127[^]]]", &addr, &type, name,
			   module);
		if (n < 3 || !addr)
			continue;
		if (add_ksym(k, addr, type, name, n == 4 ? module : "kernel"))
			break;
	}
	fclose(f);
	qsort(k->syms, k->n, sizeof(*k->syms), ksym_cmp);
}

bool kallsyms_lookup(struct kallsyms *k, uint64_t pc, const char **sym,
		     const char **module)
{
	size_t lo = 0, hi, mid;
	const struct ksym *s;

	if (!k->tried)
		load(k);
	hi = k->n;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (k->syms[mid].addr <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return false;
	s = &k->syms[lo - 1];
	/* The last symbol has no end: only trust it when it is not last. */
	if (!ktext(s->type) || lo == k->n || !s->module)
		return false;
	*sym = k->names + s->name;
	*module = s->module;
	return true;
}
