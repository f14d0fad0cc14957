/* SPDX-License-Identifier: GPL-2.0 */
/* Rules that map a process to a mesh component role (docs/rules.md). */
#ifndef MESHPROF_RULES_H
#define MESHPROF_RULES_H

#include <stddef.h>
#include "kinds.h"
#include "run.h"

#define RULE_NAME_LEN 64

/* Match keys are fnmatch(3) globs; a NULL key matches anything. */
struct rule {
	char *comm;
	char *exe;
	char *cgroup;
	char *namespace;	/* of the pod (kubelet.h) */
	char *pod;
	char *container;
	enum role role;
	enum mesh mesh;
	char name[RULE_NAME_LEN];	/* "" lets the component be named by comm */
	int line;			/* 0 for built-in rules */
};

struct ruleset {
	struct rule *rules;
	size_t len;
	size_t cap;
};

/* What is known about a process when it is matched. */
struct proc_facts {
	const char *comm;
	const char *exe;	/* "" when unreadable (kernel thread, exited) */
	const char *cgroup;	/* most specific cgroup path, "" when unknown */
	const char *namespace;	/* the pod's names; "" when not known */
	const char *pod;
	const char *container;
};

/* What @p says of itself to the rules. */
void proc_facts_of(struct proc_facts *f, const struct process *p);

/*
 * Append the rules in @text; @fname is only used in messages. On error,
 * returns -1 and writes "fname:line: reason" into @err.
 */
int rules_parse(struct ruleset *rs, const char *text, const char *fname,
		char *err, size_t err_len);
/* As rules_parse, from a file; unreadable files are errors too. */
int rules_load(struct ruleset *rs, const char *path, char *err, size_t err_len);
/* Append meshprof's built-in rules (after any user rules: first match wins). */
int rules_add_builtin(struct ruleset *rs);
const struct rule *rules_match(const struct ruleset *rs,
			       const struct proc_facts *p);
void rules_free(struct ruleset *rs);

#endif
