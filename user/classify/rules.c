// SPDX-License-Identifier: GPL-2.0
/*
 * Rules that map a process to a mesh component role. The file format is
 * described in docs/rules.md; in short, one rule per line made of
 * key=value tokens, e.g.
 *
 *	comm=haproxy cgroup=*kubepods*pod* role=sidecar mesh=istio
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "textfile.h"

static void rules_free_one(struct rule *r)
{
	free(r->comm);
	free(r->exe);
	free(r->cgroup);
	free(r->namespace);
	free(r->pod);
	free(r->container);
	memset(r, 0, sizeof(*r));
}

/* Drop the rules from index @len on, so a failed parse adds nothing. */
static void rules_truncate(struct ruleset *rs, size_t len)
{
	while (rs->len > len)
		rules_free_one(&rs->rules[--rs->len]);
}

void rules_free(struct ruleset *rs)
{
	if (!rs)
		return;
	rules_truncate(rs, 0);
	free(rs->rules);
	rs->rules = NULL;
	rs->cap = 0;
}

/* Takes ownership of @r's strings, also on failure. */
static int rules_append(struct ruleset *rs, struct rule *r)
{
	struct rule *grown;
	size_t cap;

	if (rs->len == rs->cap) {
		cap = rs->cap ? rs->cap * 2 : 16;
		grown = realloc(rs->rules, cap * sizeof(*grown));
		if (!grown) {
			rules_free_one(r);
			return -1;
		}
		rs->rules = grown;
		rs->cap = cap;
	}
	rs->rules[rs->len++] = *r;
	return 0;
}

static bool rules_glob(const char *pattern, const char *s)
{
	/* No FNM_PATHNAME: "*" also spans "/", so "*kubepods*" works. */
	return !pattern || !fnmatch(pattern, s ? s : "", 0);
}

const struct rule *rules_match(const struct ruleset *rs,
			       const struct proc_facts *p)
{
	const struct rule *r;
	size_t i;

	if (!rs || !p)
		return NULL;
	for (i = 0; i < rs->len; i++) {
		r = &rs->rules[i];
		if (rules_glob(r->comm, p->comm) &&
		    rules_glob(r->exe, p->exe) &&
		    rules_glob(r->cgroup, p->cgroup) &&
		    rules_glob(r->namespace, p->namespace) &&
		    rules_glob(r->pod, p->pod) &&
		    rules_glob(r->container, p->container))
			return r;
	}
	return NULL;
}

void proc_facts_of(struct proc_facts *f, const struct process *p)
{
	*f = (struct proc_facts){
		.comm = p->comm,
		.exe = p->exe,
		.cgroup = p->cgroup,
		.namespace = p->pod.namespace,
		.pod = p->pod.pod_name,
		.container = p->pod.container,
	};
}

/* Longest key or value quoted back in a message. */
#define RULES_QUOTE_MAX 64

/*
 * Read the value that starts at *@pp (just after "key=") into a new
 * string in *@out, leaving *@pp after it. @end is the end of the line.
 */
static int rules_value(struct text_pos *ctx, const char **pp,
		       const char *end, const char *key, char **out)
{
	const char *p = *pp, *start, *stop;

	if (p < end && *p == '"') {
		start = ++p;
		stop = memchr(p, '"', end - p);
		if (!stop)
			return text_error(ctx, "unterminated quote in %s=", key);
		p = stop + 1;
		if (p < end && !text_blank(*p))
			return text_error(ctx,
				"unexpected '%c' after closing quote of %s=",
				*p, key);
	} else {
		start = p;
		while (p < end && !text_blank(*p) && *p != '"')
			p++;
		stop = p;
		if (p < end && *p == '"')
			return text_error(ctx,
				"unexpected '\"' inside %s= (quote the whole value)",
				key);
	}
	if (stop == start)
		return text_error(ctx, "empty value for %s=", key);
	*out = strndup(start, stop - start);
	if (!*out)
		return text_error(ctx, "out of memory");
	*pp = p;
	return 0;
}

/* The values of one rule line, before they are checked. */
struct rules_line {
	char *comm, *exe, *cgroup, *namespace, *pod, *container;
	char *role, *mesh, *name;
};

static void rules_line_free(struct rules_line *l)
{
	free(l->comm);
	free(l->exe);
	free(l->cgroup);
	free(l->namespace);
	free(l->pod);
	free(l->container);
	free(l->role);
	free(l->mesh);
	free(l->name);
}

static char **rules_slot(struct rules_line *l, const char *key, size_t len)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "comm", offsetof(struct rules_line, comm) },
		{ "exe", offsetof(struct rules_line, exe) },
		{ "cgroup", offsetof(struct rules_line, cgroup) },
		{ "namespace", offsetof(struct rules_line, namespace) },
		{ "pod", offsetof(struct rules_line, pod) },
		{ "container", offsetof(struct rules_line, container) },
		{ "role", offsetof(struct rules_line, role) },
		{ "mesh", offsetof(struct rules_line, mesh) },
		{ "name", offsetof(struct rules_line, name) },
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strlen(keys[i].key) == len &&
		    !memcmp(keys[i].key, key, len))
			return (char **)((char *)l + keys[i].off);
	return NULL;
}

/* Read one key=value token at *@pp into @l. */
static int rules_token(struct text_pos *ctx, const char **pp,
		       const char *end, struct rules_line *l)
{
	const char *p = *pp, *eq, *tok_end = p;
	char key[16];
	char **slot;
	size_t klen;

	while (tok_end < end && !text_blank(*tok_end))
		tok_end++;
	eq = memchr(p, '=', tok_end - p);
	if (!eq || eq == p)
		return text_error(ctx, "expected key=value, got '%.*s'",
				 (int)(tok_end - p > RULES_QUOTE_MAX ?
				       RULES_QUOTE_MAX : tok_end - p), p);
	klen = eq - p;
	slot = rules_slot(l, p, klen);
	if (!slot)
		return text_error(ctx, "unknown key '%.*s'",
				 (int)(klen > RULES_QUOTE_MAX ?
				       RULES_QUOTE_MAX : klen), p);
	snprintf(key, sizeof(key), "%.*s", (int)klen, p);
	if (*slot)
		return text_error(ctx, "duplicate key '%s'", key);
	*pp = eq + 1;
	return rules_value(ctx, pp, end, key, slot);
}

/* Check the values of a complete line and turn them into @r. */
static int rules_build(struct text_pos *ctx, struct rules_line *l,
		       struct rule *r)
{
	int role, mesh = MESH_NONE;

	if (!l->comm && !l->exe && !l->cgroup && !l->namespace && !l->pod &&
	    !l->container)
		return text_error(ctx,
			"no match key (need comm=, exe=, cgroup=, namespace=, pod= or container=)");
	if (!l->role)
		return text_error(ctx, "missing role=");
	role = role_parse(l->role);
	if (role < 0)
		return text_error(ctx,
			"unknown role '%.*s' (expected app, sidecar, node-proxy, node-agent, system or other)",
			RULES_QUOTE_MAX, l->role);
	if (l->mesh)
		mesh = mesh_parse(l->mesh);
	if (mesh < 0)
		return text_error(ctx,
			"unknown mesh '%.*s' (expected none, istio, istio-ambient, linkerd or cilium)",
			RULES_QUOTE_MAX, l->mesh);
	if (l->name && strlen(l->name) >= RULE_NAME_LEN)
		return text_error(ctx, "name longer than %d characters",
				 RULE_NAME_LEN - 1);
	memset(r, 0, sizeof(*r));
	if (l->name)
		strcpy(r->name, l->name);
	r->role = role;
	r->mesh = mesh;
	r->line = ctx->line;
	/* The match strings move into the rule. */
	r->comm = l->comm;
	r->exe = l->exe;
	r->cgroup = l->cgroup;
	r->namespace = l->namespace;
	r->pod = l->pod;
	r->container = l->container;
	l->comm = l->exe = l->cgroup = NULL;
	l->namespace = l->pod = l->container = NULL;
	return 0;
}

/* Parse the line [p, end); blank and comment lines add nothing. */
static int rules_parse_line(struct ruleset *rs, struct text_pos *ctx,
			    const char *p, const char *end)
{
	struct rules_line l = { 0 };
	struct rule r;
	int ret = 0;

	for (;;) {
		while (p < end && text_blank(*p))
			p++;
		/* A token that starts with '#' comments out the rest. */
		if (p == end || *p == '#')
			break;
		ret = rules_token(ctx, &p, end, &l);
		if (ret)
			goto out;
	}
	if (!l.comm && !l.exe && !l.cgroup && !l.namespace && !l.pod &&
	    !l.container && !l.role && !l.mesh && !l.name)
		goto out;
	ret = rules_build(ctx, &l, &r);
	if (!ret && rules_append(rs, &r))
		ret = text_error(ctx, "out of memory");
out:
	rules_line_free(&l);
	return ret;
}

int rules_parse(struct ruleset *rs, const char *text, const char *fname,
		char *err, size_t err_len)
{
	struct text_pos ctx = { fname ? fname : "<rules>", 0, err, err_len };
	size_t old_len = rs->len;
	const char *end;

	if (err && err_len)
		err[0] = '\0';
	for (; text && *text; text = *end ? end + 1 : end) {
		ctx.line++;
		end = strchr(text, '\n');
		if (!end)
			end = text + strlen(text);
		if (rules_parse_line(rs, &ctx, text, end)) {
			rules_truncate(rs, old_len);
			return -1;
		}
	}
	return 0;
}

/* Read all of @f into a NUL-terminated buffer. */
int rules_load(struct ruleset *rs, const char *path, char *err, size_t err_len)
{
	char *text;
	int ret;

	if (text_read(path, &text, err, err_len))
		return -1;
	ret = rules_parse(rs, text, path, err, err_len);
	free(text);
	return ret;
}

/*
 * The built-ins, in order. Pods first, by the names the meshes deploy
 * them with: a sidecar container is named the same whatever it runs
 * (pilot-agent and Envoy in istio-proxy), and a node proxy's pod the
 * same on every node. ztunnel's container is istio-proxy too, so its pod
 * comes before the sidecar rule; cilium-envoy's pods before the agent's.
 * Then processes: comm is the kernel's 15-char name of the thread, which
 * a proxy may rename (Envoy's workers are "wrk:worker_0"), so each
 * program is matched by comm and by the executable's basename.
 */
static const struct builtin {
	const char *namespace, *pod, *container;
	const char *comm, *exe;
	enum role role;
	enum mesh mesh;
	const char *name;
} rules_builtin[] = {
	{ "istio-system", "ztunnel-*", NULL, NULL, NULL,
	  ROLE_NODE_PROXY, MESH_ISTIO_AMBIENT, "ztunnel" },
	{ "kube-system", "cilium-envoy-*", NULL, NULL, NULL,
	  ROLE_NODE_PROXY, MESH_CILIUM, "cilium-envoy" },
	{ "kube-system", "cilium-operator-*", NULL, NULL, NULL,
	  ROLE_OTHER, MESH_CILIUM, "cilium-operator" },
	{ "kube-system", "cilium-*", NULL, NULL, NULL,
	  ROLE_NODE_AGENT, MESH_CILIUM, "cilium-agent" },
	{ NULL, NULL, "istio-proxy", NULL, NULL,
	  ROLE_SIDECAR, MESH_ISTIO, "istio-proxy" },
	{ NULL, NULL, "linkerd-proxy", NULL, NULL,
	  ROLE_SIDECAR, MESH_LINKERD, "linkerd-proxy" },
	{ NULL, NULL, NULL, "cilium-envoy", "*/cilium-envoy",
	  ROLE_NODE_PROXY, MESH_CILIUM, "cilium-envoy" },
	{ NULL, NULL, NULL, "envoy", "*/envoy",
	  ROLE_SIDECAR, MESH_ISTIO, "envoy" },
	{ NULL, NULL, NULL, "pilot-agent", "*/pilot-agent",
	  ROLE_SIDECAR, MESH_ISTIO, "pilot-agent" },
	{ NULL, NULL, NULL, "linkerd2-proxy", "*/linkerd2-proxy",
	  ROLE_SIDECAR, MESH_LINKERD, "linkerd2-proxy" },
	{ NULL, NULL, NULL, "ztunnel", "*/ztunnel",
	  ROLE_NODE_PROXY, MESH_ISTIO_AMBIENT, "ztunnel" },
	{ NULL, NULL, NULL, "cilium-agent", "*/cilium-agent",
	  ROLE_NODE_AGENT, MESH_CILIUM, "cilium-agent" },
};

#define RULES_NBUILTIN (sizeof(rules_builtin) / sizeof(rules_builtin[0]))

static int dup_key(char **dst, const char *src)
{
	return src && !(*dst = strdup(src)) ? -1 : 0;
}

/* One rule of built-in @b, matching comm (@comm) or exe (!@comm), or its
 * pod keys when it has no comm. */
static int rules_add_one(struct ruleset *rs, const struct builtin *b,
			 bool comm)
{
	struct rule r = { .role = b->role, .mesh = b->mesh };

	snprintf(r.name, sizeof(r.name), "%s", b->name);
	if (dup_key(&r.namespace, b->namespace) || dup_key(&r.pod, b->pod) ||
	    dup_key(&r.container, b->container) ||
	    dup_key(&r.comm, comm ? b->comm : NULL) ||
	    dup_key(&r.exe, comm ? NULL : b->exe)) {
		rules_free_one(&r);
		return -1;
	}
	return rules_append(rs, &r);
}

int rules_add_builtin(struct ruleset *rs)
{
	size_t old_len = rs->len, i;

	/* A rule's keys are ANDed, so "comm or exe" takes two rules. */
	for (i = 0; i < RULES_NBUILTIN; i++) {
		const struct builtin *b = &rules_builtin[i];

		if (rules_add_one(rs, b, true) ||
		    (b->exe && rules_add_one(rs, b, false))) {
			rules_truncate(rs, old_len);
			return -1;
		}
	}
	return 0;
}
