// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "array.h"
#include "component.h"
#include "hash.h"

struct verdict {
	enum role role;
	enum mesh mesh;
	char name[RULE_NAME_LEN];
	bool by_rule;
	bool agent;		/* the rule's part=agent */
};

static bool is_kernel_thread(const struct process *p)
{
	return p->pid == 2 || p->ppid == 2 || (!p->exe[0] && !p->ppid);
}

static void judge(const struct process *p, const struct ruleset *rules,
		  struct verdict *v)
{
	struct proc_facts facts;
	const struct rule *r;

	proc_facts_of(&facts, p);
	r = rules_match(rules, &facts);
	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", p->comm[0] ? p->comm : "?");
	if (r) {
		v->role = r->role;
		v->mesh = r->mesh;
		v->by_rule = true;
		v->agent = r->agent;
		if (r->name[0])
			snprintf(v->name, sizeof(v->name), "%s", r->name);
	} else if (p->in_pod) {
		v->role = ROLE_APP;
	} else if (is_kernel_thread(p) && !p->exited) {
		v->role = ROLE_SYSTEM;
		snprintf(v->name, sizeof(v->name), "kernel");
	} else if (!strncmp(p->cgroup, "/system.slice", 13) ||
		   !strncmp(p->cgroup, "/init.scope", 11)) {
		v->role = ROLE_SYSTEM;
	} else {
		v->role = ROLE_OTHER;
	}
}

static void component_id(const struct process *p, const struct verdict *v,
			 char *id, size_t len)
{
	if (p->in_pod)
		snprintf(id, len, "pod/%s/%.12s", p->pod.pod_uid,
			 p->pod.container_id[0] ? p->pod.container_id : "pod");
	else
		snprintf(id, len, "host/%s", v->name);
}

static int find_component(const struct run *run, const char *id)
{
	for (size_t i = 0; i < run->ncomps; i++)
		if (!strcmp(run->comps[i].id, id))
			return i;
	return -1;
}

static int add_pid(struct component *c, uint32_t pid)
{
	uint32_t *slot = array_push((void **)&c->pids, &c->npids,
				    &c->pids_cap, sizeof(*slot));

	if (!slot)
		return -ENOMEM;
	*slot = pid;
	return 0;
}

static int place(struct run *run, struct process *p,
		 const struct ruleset *rules)
{
	char id[COMPONENT_ID_LEN];
	struct component *c;
	struct verdict v;
	int idx;

	judge(p, rules, &v);
	component_id(p, &v, id, sizeof(id));
	idx = find_component(run, id);
	if (idx < 0) {
		c = run_add_component(run);
		if (!c)
			return -ENOMEM;
		snprintf(c->id, sizeof(c->id), "%s", id);
		snprintf(c->name, sizeof(c->name), "%s", v.name);
		c->role = v.role;
		c->mesh = v.mesh;
		c->in_pod = p->in_pod;
		c->pod = p->pod;
		c->agent_named = v.agent;
		idx = c - run->comps;
	} else if (v.by_rule && (run->comps[idx].role == ROLE_APP ||
				 (run->comps[idx].agent_named && !v.agent))) {
		/* A container is what its proxy makes it, not its shell,
		 * nor its agent (pilot-agent starts Envoy: it is seen first). */
		c = &run->comps[idx];
		c->role = v.role;
		c->mesh = v.mesh;
		c->agent_named = v.agent;
		snprintf(c->name, sizeof(c->name), "%s", v.name);
	}
	c = &run->comps[idx];
	p->agent = v.agent;
	if (metrics_add(&c->m, &p->m))
		return -ENOMEM;
	p->component = idx;
	if (p->folded) {
		c->folded += p->folded;
		return 0;
	}
	return add_pid(c, p->pid);
}

/* Apps take the mesh of the sidecar that serves their pod. */
static void inherit_mesh(struct run *run)
{
	for (size_t i = 0; i < run->ncomps; i++) {
		struct component *app = &run->comps[i];

		if (app->role != ROLE_APP || !app->in_pod || app->mesh)
			continue;
		for (size_t j = 0; j < run->ncomps; j++) {
			const struct component *s = &run->comps[j];

			if (s->role == ROLE_SIDECAR && s->in_pod &&
			    !strcmp(s->pod.pod_uid, app->pod.pod_uid)) {
				app->mesh = s->mesh;
				break;
			}
		}
	}
}

static int role_rank(enum role r)
{
	static const int rank[ROLE_MAX] = {
		[ROLE_SIDECAR] = 0, [ROLE_NODE_PROXY] = 1,
		[ROLE_NODE_AGENT] = 2, [ROLE_CONTROL_PLANE] = 3,
		[ROLE_APP] = 4, [ROLE_SYSTEM] = 5, [ROLE_OTHER] = 6,
	};

	return rank[r];
}

static const struct component *sort_base;

static int cmp_component(const void *a, const void *b)
{
	const struct component *x = &sort_base[*(const int *)a];
	const struct component *y = &sort_base[*(const int *)b];

	if (role_rank(x->role) != role_rank(y->role))
		return role_rank(x->role) - role_rank(y->role);
	if (x->m.cpu_ns != y->m.cpu_ns)
		return x->m.cpu_ns < y->m.cpu_ns ? 1 : -1;
	return strcmp(x->id, y->id);
}

/* Sorts the components and keeps processes pointing at theirs. */
static int sort_components(struct run *run)
{
	size_t n = run->ncomps;
	struct component *sorted;
	int *order, *where;

	if (!n)
		return 0;
	sorted = malloc(n * sizeof(*sorted));
	order = malloc(n * sizeof(*order));
	where = malloc(n * sizeof(*where));
	if (!sorted || !order || !where) {
		free(sorted);
		free(order);
		free(where);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	sort_base = run->comps;
	qsort(order, n, sizeof(*order), cmp_component);
	for (size_t i = 0; i < n; i++) {
		sorted[i] = run->comps[order[i]];
		where[order[i]] = i;
	}
	for (size_t i = 0; i < run->nprocs; i++)
		run->procs[i].component = where[run->procs[i].component];
	memcpy(run->comps, sorted, n * sizeof(*sorted));
	free(sorted);
	free(order);
	free(where);
	return 0;
}

/* ---- folding exited processes ---- */

/* What decides where a process goes, hashed: its component's id and the
 * verdict behind it (role, mesh, name). */
static uint64_t fold_key(const struct process *p, const struct ruleset *rules)
{
	char id[COMPONENT_ID_LEN];
	struct verdict v;
	uint64_t h;

	judge(p, rules, &v);
	component_id(p, &v, id, sizeof(id));
	h = fnv1a_str(FNV1A_BASIS, id);
	h = fnv1a(h, &v.role, sizeof(v.role));
	h = fnv1a(h, &v.mesh, sizeof(v.mesh));
	return fnv1a_str(h, v.name) | 1;
}

/* The folded record of @key, or a new one copying @p's identity: it is
 * judged as @p is. -1 when out of memory. */
static ssize_t fold_target(struct run *run, size_t p, uint64_t key)
{
	struct process *t;

	for (size_t i = 0; i < run->nprocs; i++)
		if (run->procs[i].folded && run->procs[i].serial == key)
			return i;
	t = run_add_process(run);
	if (!t)
		return -1;
	*t = run->procs[p];
	t->serial = key;
	t->stacks = NULL;
	t->nstacks = t->stacks_cap = 0;
	memset(&t->m, 0, sizeof(t->m));
	return t - run->procs;
}

/* Adds @p into the folded record @t. */
static int fold_into(struct process *t, const struct process *p)
{
	if (metrics_add(&t->m, &p->m))
		return -ENOMEM;
	for (size_t i = 0; i < p->nstacks; i++)
		if (process_add_stack(t, p->stacks[i].frames,
				      p->stacks[i].samples,
				      p->stacks[i].category))
			return -ENOMEM;
	process_merge_stacks(t);
	t->folded++;
	return 0;
}

static const struct process *cpu_base;

/* Least CPU time first: those are folded. */
static int cmp_cpu(const void *a, const void *b)
{
	const struct process *x = &cpu_base[*(const size_t *)a];
	const struct process *y = &cpu_base[*(const size_t *)b];

	if (x->m.cpu_ns != y->m.cpu_ns)
		return x->m.cpu_ns < y->m.cpu_ns ? -1 : 1;
	return x->serial < y->serial ? -1 : x->serial > y->serial;
}

/* Drops the records folded away (their serial is 0). */
static void compact(struct run *run)
{
	size_t kept = 0;

	for (size_t i = 0; i < run->nprocs; i++)
		if (run->procs[i].serial || run->procs[i].folded)
			run->procs[kept++] = run->procs[i];
	run->nprocs = kept;
}

int attribute_fold(struct run *run, const struct ruleset *rules, size_t max)
{
	size_t *gone = NULL, n = 0, cap = 0, *slot;
	ssize_t t;
	int err = 0;

	for (size_t i = 0; i < run->nprocs; i++) {
		if (!run->procs[i].gone || run->procs[i].folded)
			continue;
		slot = array_push((void **)&gone, &n, &cap, sizeof(*slot));
		if (!slot) {
			free(gone);
			return -ENOMEM;
		}
		*slot = i;
	}
	if (n <= max) {
		free(gone);
		return 0;
	}
	cpu_base = run->procs;
	qsort(gone, n, sizeof(*gone), cmp_cpu);
	for (size_t k = 0; k < n - max && !err; k++) {
		struct process *p;

		t = fold_target(run, gone[k], fold_key(&run->procs[gone[k]], rules));
		p = &run->procs[gone[k]];
		if (t < 0 || fold_into(&run->procs[t], p)) {
			err = -ENOMEM;
			break;
		}
		process_free(p);
		p->serial = 0;
		run->folded++;
	}
	compact(run);
	free(gone);
	return err;
}

int attribute(struct run *run, const struct ruleset *rules)
{
	int err;

	for (size_t i = 0; i < run->nprocs; i++) {
		err = place(run, &run->procs[i], rules);
		if (err)
			return err;
	}
	inherit_mesh(run);
	return sort_components(run);
}
