// SPDX-License-Identifier: GPL-2.0
/*
 * CPU categories of sampled stacks. The rules format is described in
 * user/categories.conf and docs/attribution.md; in short, one rule per line:
 *
 *	CATEGORY MATCH PATTERN...	e.g.	tls dso libssl.so* libcrypto.so*
 *
 * A sample takes the category of the first frame, kernel stack first and
 * from the leaf up, that some rule matches. Results are cached per name, so
 * each distinct function is matched against the globs once.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "categories.h"
#include "hash.h"
#include "textfile.h"

/* The shipped rules, built in so that meshprof is one file. The path is
 * relative to the top of the tree, where make runs the compiler. */
__asm__(".section .rodata\n"
	".global meshprof_categories_conf\n"
	".hidden meshprof_categories_conf\n"
	"meshprof_categories_conf:\n"
	".incbin \"user/classify/categories.conf\"\n"
	".byte 0\n"
	".previous\n");
extern const char meshprof_categories_conf[]
	__attribute__((visibility("hidden")));

/* What a rule's patterns are compared with. */
enum match_kind {
	MATCH_KERNEL,		/* kernel function */
	MATCH_USER,		/* user-space function */
	MATCH_DSO,		/* basename of a user frame's file */
	MATCH_FALLBACK,		/* user-space function, when nothing else */
	MATCH_MAX,
};

static const char *const match_names[MATCH_MAX] = {
	[MATCH_KERNEL] = "kernel",
	[MATCH_USER] = "user",
	[MATCH_DSO] = "dso",
	[MATCH_FALLBACK] = "fallback",
};

struct cat_rule {
	char *pattern;
	enum match_kind kind;
	enum cpu_category category;
};

/* (kind, name) -> index of the first rule that matches, or -1. */
struct cache_entry {
	char *name;
	int kind;
	int rule;
};

struct classifier {
	struct cat_rule *rules;
	size_t len, cap;
	struct cache_entry *cache;
	size_t cache_len, cache_cap;	/* cap is a power of two */
};

static int match_parse(const char *s)
{
	int i;

	for (i = 0; i < MATCH_MAX; i++)
		if (!strcmp(match_names[i], s))
			return i;
	return -1;
}

struct classifier *classifier_new(void)
{
	return calloc(1, sizeof(struct classifier));
}

static void cache_clear(struct classifier *c)
{
	size_t i;

	for (i = 0; i < c->cache_cap; i++)
		free(c->cache[i].name);
	free(c->cache);
	c->cache = NULL;
	c->cache_len = c->cache_cap = 0;
}

static void truncate_rules(struct classifier *c, size_t len)
{
	while (c->len > len)
		free(c->rules[--c->len].pattern);
}

void classifier_free(struct classifier *c)
{
	if (!c)
		return;
	truncate_rules(c, 0);
	free(c->rules);
	cache_clear(c);
	free(c);
}

/* ---- rules files ---- */

/* The next token of [*pp, end) into @tok; false at the end of the line
 * or at a comment. */
static bool next_token(const char **pp, const char *end, char *tok,
		       size_t len, bool *too_long)
{
	const char *p = *pp, *start;

	while (p < end && text_blank(*p))
		p++;
	if (p == end || *p == '#')
		return false;
	start = p;
	while (p < end && !text_blank(*p))
		p++;
	*too_long = (size_t)(p - start) >= len;
	snprintf(tok, len, "%.*s", (int)(p - start), start);
	*pp = p;
	return true;
}

static int add_rule(struct classifier *c, const char *pattern,
		    enum match_kind kind, enum cpu_category cat)
{
	struct cat_rule *grown;
	size_t cap;

	if (c->len == c->cap) {
		cap = c->cap ? c->cap * 2 : 256;
		grown = realloc(c->rules, cap * sizeof(*grown));
		if (!grown)
			return -1;
		c->rules = grown;
		c->cap = cap;
	}
	c->rules[c->len].pattern = strdup(pattern);
	if (!c->rules[c->len].pattern)
		return -1;
	c->rules[c->len].kind = kind;
	c->rules[c->len].category = cat;
	c->len++;
	return 0;
}

#define TOKEN_MAX 256

static int parse_line(struct classifier *c, struct text_pos *ctx,
		      const char *p, const char *end)
{
	char tok[TOKEN_MAX];
	int cat, kind, n = 0;
	bool too_long;

	if (!next_token(&p, end, tok, sizeof(tok), &too_long))
		return 0;
	cat = category_parse(tok);
	if (cat < 0 || cat == CAT_UNKNOWN)
		return text_error(ctx, "unknown category '%.64s'", tok);
	if (!next_token(&p, end, tok, sizeof(tok), &too_long))
		return text_error(ctx, "missing match (kernel, user, dso or fallback) after '%s'",
				 category_name(cat));
	kind = match_parse(tok);
	if (kind < 0)
		return text_error(ctx, "unknown match '%.64s' (expected kernel, user, dso or fallback)",
				 tok);
	while (next_token(&p, end, tok, sizeof(tok), &too_long)) {
		if (too_long)
			return text_error(ctx, "pattern longer than %d characters",
					 TOKEN_MAX - 1);
		if (add_rule(c, tok, kind, cat))
			return text_error(ctx, "out of memory");
		n++;
	}
	if (!n)
		return text_error(ctx, "no patterns after '%s %s'",
				 category_name(cat), match_names[kind]);
	return 0;
}

int classifier_parse(struct classifier *c, const char *text,
		     const char *fname, char *err, size_t err_len)
{
	struct text_pos ctx = { fname ? fname : "<categories>", 0, err,
				 err_len };
	size_t old_len = c->len;
	const char *end;

	if (err && err_len)
		err[0] = '\0';
	cache_clear(c);
	for (; text && *text; text = *end ? end + 1 : end) {
		ctx.line++;
		end = strchr(text, '\n');
		if (!end)
			end = text + strlen(text);
		if (parse_line(c, &ctx, text, end)) {
			truncate_rules(c, old_len);
			return -1;
		}
	}
	return 0;
}

int classifier_load(struct classifier *c, const char *path, char *err,
		    size_t err_len)
{
	char *text;
	int ret;

	if (text_read(path, &text, err, err_len))
		return -1;
	ret = classifier_parse(c, text, path, err, err_len);
	free(text);
	return ret;
}

const char *classifier_builtin_text(void)
{
	return meshprof_categories_conf;
}

int classifier_add_builtin(struct classifier *c, char *err, size_t err_len)
{
	return classifier_parse(c, meshprof_categories_conf,
				"<built-in categories.conf>", err, err_len);
}

/* ---- matching ---- */

static size_t name_hash(int kind, const char *s)
{
	return fnv1a_str(fnv1a(FNV1A_BASIS, &kind, sizeof(kind)), s);
}

static int first_rule(const struct classifier *c, int kind, const char *name)
{
	size_t i;

	for (i = 0; i < c->len; i++)
		if (c->rules[i].kind == (enum match_kind)kind &&
		    !fnmatch(c->rules[i].pattern, name, 0))
			return i;
	return -1;
}

static int cache_grow(struct classifier *c)
{
	struct cache_entry *old = c->cache, *slot;
	size_t old_cap = c->cache_cap, cap = old_cap ? old_cap * 2 : 1024, i;

	c->cache = calloc(cap, sizeof(*c->cache));
	if (!c->cache) {
		c->cache = old;
		return -1;
	}
	c->cache_cap = cap;
	for (i = 0; i < old_cap; i++) {
		if (!old[i].name)
			continue;
		slot = &c->cache[name_hash(old[i].kind, old[i].name) &
				 (cap - 1)];
		while (slot->name)
			slot = slot == &c->cache[cap - 1] ? c->cache : slot + 1;
		*slot = old[i];
	}
	free(old);
	return 0;
}

/* First rule of @kind matching @name, memoized. */
static int lookup(struct classifier *c, int kind, const char *name)
{
	struct cache_entry *slot;
	size_t i;

	if (!name)
		return -1;
	if (c->cache_len * 2 >= c->cache_cap && cache_grow(c))
		return first_rule(c, kind, name);
	i = name_hash(kind, name) & (c->cache_cap - 1);
	for (slot = &c->cache[i]; slot->name;
	     slot = slot == &c->cache[c->cache_cap - 1] ? c->cache : slot + 1)
		if (slot->kind == kind && !strcmp(slot->name, name))
			return slot->rule;
	slot->name = strdup(name);
	if (!slot->name)
		return first_rule(c, kind, name);
	slot->kind = kind;
	slot->rule = first_rule(c, kind, name);
	c->cache_len++;
	return slot->rule;
}

/* The earlier of two rule indexes, -1 being none. */
static int earlier(int a, int b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

static bool any_symbol(const struct frame *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (f[i].sym)
			return true;
	return false;
}

enum cpu_category classify_stack(struct classifier *c,
				 const struct frame *kern, size_t nkern,
				 const struct frame *user, size_t nuser)
{
	size_t i;
	int r;

	for (i = 0; i < nkern; i++) {
		r = lookup(c, MATCH_KERNEL, kern[i].sym);
		if (r >= 0)
			return c->rules[r].category;
	}
	for (i = 0; i < nuser; i++) {
		r = earlier(lookup(c, MATCH_USER, user[i].sym),
			    lookup(c, MATCH_DSO, user[i].module));
		if (r >= 0)
			return c->rules[r].category;
	}
	for (i = 0; i < nuser; i++) {
		r = lookup(c, MATCH_FALLBACK, user[i].sym);
		if (r >= 0)
			return c->rules[r].category;
	}
	if (any_symbol(kern, nkern) || any_symbol(user, nuser))
		return CAT_OTHER;
	return CAT_UNKNOWN;
}
