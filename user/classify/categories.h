/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU categories of sampled stacks: TLS, HTTP parsing, L7, L4, kernel
 * networking... from rules on function and file names (user/categories.conf,
 * docs/attribution.md).
 */
#ifndef MESHPROF_CATEGORIES_H
#define MESHPROF_CATEGORIES_H

#include <stddef.h>
#include "kinds.h"
#include "symbolize.h"

struct classifier;

/* An empty classifier; NULL when out of memory. */
struct classifier *classifier_new(void);
void classifier_free(struct classifier *c);
/*
 * Appends the rules in @text (@fname names it in messages). On error
 * returns -1, adds nothing and writes "fname:line: reason" into @err.
 */
int classifier_parse(struct classifier *c, const char *text,
		     const char *fname, char *err, size_t err_len);
/* As classifier_parse, from a file (--categories FILE). */
int classifier_load(struct classifier *c, const char *path, char *err,
		    size_t err_len);
/* Appends the shipped rules (user/categories.conf, built in): call after
 * the user's own so that theirs are tried first. */
int classifier_add_builtin(struct classifier *c, char *err, size_t err_len);
/* The shipped rules file, as text. */
const char *classifier_builtin_text(void);

/*
 * The category of one sample. Both stacks are leaf first. Kernel frames
 * are tried first, then user frames, each from the leaf up; the first
 * frame that a rule matches decides (for that frame, the first rule in
 * order). "fallback" rules are tried only when nothing else matched.
 */
enum cpu_category classify_stack(struct classifier *c,
				 const struct frame *kern, size_t nkern,
				 const struct frame *user, size_t nuser);

#endif
