// SPDX-License-Identifier: GPL-2.0
/*
 * Pod and container identity from the text of /proc/PID/cgroup.
 *
 * Every line is "hierarchy-ID:controller-list:path". The kubelet names a
 * pod's cgroup after the pod UID and the runtime names the container's
 * cgroup after the container ID, but each (driver, runtime) pair spells
 * them differently:
 *
 *   systemd:  .../kubepods-burstable-pod<uid_with_underscores>.slice/
 *                 cri-containerd-<id>.scope | crio-<id>.scope |
 *                 crio-conmon-<id>.scope | docker-<id>.scope
 *   cgroupfs: .../kubepods/burstable/pod<uid-with-dashes>/<id> | crio-<id>
 *   containerd's own "slice:prefix:id" form, seen in v1 hierarchies that
 *   systemd does not manage:
 *             .../kubepods-burstable-pod<uid>.slice:cri-containerd:<id>
 *
 * Anything may come before the kubepods part (kind, k3s, a node that is
 * itself a container), so the pod is found by its own path component and
 * the container by the component right after it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cgroup.h"

#define CG_UUID_LEN 36		/* 8-4-4-4-12 */
#define CG_HASH_LEN 32		/* static pod UID: md5 of the manifest */
#define CG_ID_LEN 64		/* container IDs are sha256 hex */

/* A length-delimited piece of the (const, not NUL-split) input text. */
struct cg_str {
	const char *s;
	size_t len;
};

static bool cg_is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

static char cg_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static bool cg_all_hex(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!cg_is_hex(s[i]))
			return false;
	return true;
}

static bool cg_all_digits(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool cg_eq(struct cg_str a, const char *lit)
{
	return a.len == strlen(lit) && !memcmp(a.s, lit, a.len);
}

static bool cg_ends_with(struct cg_str a, const char *lit)
{
	size_t n = strlen(lit);

	return a.len >= n && !memcmp(a.s + a.len - n, lit, n);
}

/*
 * A pod UID as the kubelet writes it into a cgroup name: a dashed UUID
 * (systemd escapes the dashes as underscores, since "-" means nesting in
 * a slice name) or, for static pods, 32 hex chars with no dashes at all.
 * @out gets it dashed and lower case; a static pod's hash is kept as is
 * because it has no dashed form.
 */
static bool cg_parse_uid(struct cg_str u, char *out)
{
	size_t i;

	if (u.len == CG_HASH_LEN) {
		if (!cg_all_hex(u.s, u.len))
			return false;
		for (i = 0; i < u.len; i++)
			out[i] = cg_lower(u.s[i]);
		out[i] = '\0';
		return true;
	}
	if (u.len != CG_UUID_LEN)
		return false;
	for (i = 0; i < u.len; i++) {
		bool sep = i == 8 || i == 13 || i == 18 || i == 23;

		if (sep && u.s[i] != '-' && u.s[i] != '_')
			return false;
		if (!sep && !cg_is_hex(u.s[i]))
			return false;
		out[i] = sep ? '-' : cg_lower(u.s[i]);
	}
	out[i] = '\0';
	return true;
}

/*
 * Systemd slice of a pod: "[prefix-]kubepods[-burstable|-besteffort]-pod
 * <uid>.slice". The prefix is there when the kubelet's cgroup root is not
 * "/" (kind uses "kubelet", giving "kubelet-kubepods-...").
 */
static bool cg_systemd_pod(struct cg_str c, struct pod_ident *id)
{
	static const struct {
		const char *tail;
		enum qos_class qos;
	} classes[] = {
		{ "kubepods-burstable", QOS_BURSTABLE },
		{ "kubepods-besteffort", QOS_BESTEFFORT },
		{ "kubepods", QOS_GUARANTEED },
	};
	struct cg_str uid, head;
	size_t i, n;

	if (!cg_ends_with(c, ".slice"))
		return false;
	c.len -= strlen(".slice");
	for (i = 0; i < 2; i++) {
		uid.len = i ? CG_HASH_LEN : CG_UUID_LEN;
		if (c.len < uid.len + strlen("-pod"))
			continue;
		uid.s = c.s + c.len - uid.len;
		head = (struct cg_str){ c.s, c.len - uid.len };
		if (cg_ends_with(head, "-pod") &&
		    cg_parse_uid(uid, id->pod_uid))
			break;
	}
	if (i == 2)
		return false;
	head.len -= strlen("-pod");
	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		n = strlen(classes[i].tail);
		if (!cg_ends_with(head, classes[i].tail))
			continue;
		/* "kubepods" must be a whole word, not e.g. "xkubepods". */
		if (head.len > n && head.s[head.len - n - 1] != '-')
			return false;
		id->qos = classes[i].qos;
		return true;
	}
	return false;
}

/*
 * Cgroupfs directory of a pod: "pod<uid>" under "kubepods" (guaranteed)
 * or under "kubepods/burstable" or "kubepods/besteffort". @parent and
 * @grand are the components above it (len 0 when absent).
 */
static bool cg_cgroupfs_pod(struct cg_str c, struct cg_str parent,
			    struct cg_str grand, struct pod_ident *id)
{
	struct cg_str uid;

	if (c.len < 3 || memcmp(c.s, "pod", 3))
		return false;
	uid = (struct cg_str){ c.s + 3, c.len - 3 };
	if (cg_eq(parent, "kubepods"))
		id->qos = QOS_GUARANTEED;
	else if (cg_eq(parent, "burstable") && cg_eq(grand, "kubepods"))
		id->qos = QOS_BURSTABLE;
	else if (cg_eq(parent, "besteffort") && cg_eq(grand, "kubepods"))
		id->qos = QOS_BESTEFFORT;
	else
		return false;
	return cg_parse_uid(uid, id->pod_uid);
}

static enum runtime cg_runtime_of(struct cg_str prefix)
{
	if (cg_eq(prefix, "cri-containerd"))
		return RUNTIME_CONTAINERD;
	/*
	 * conmon, CRI-O's per-container monitor, runs beside the container
	 * in a scope named after it: same runtime, same container ID.
	 */
	if (cg_eq(prefix, "crio") || cg_eq(prefix, "crio-conmon"))
		return RUNTIME_CRIO;
	if (cg_eq(prefix, "docker"))
		return RUNTIME_DOCKER;
	return RUNTIME_UNKNOWN;
}

static void cg_set_container(struct pod_ident *id, const char *hex)
{
	size_t i;

	for (i = 0; i < CG_ID_LEN; i++)
		id->container_id[i] = cg_lower(hex[i]);
	id->container_id[CG_ID_LEN] = '\0';
}

/*
 * Container component below a pod: "<id>" (cgroupfs, runtime unnamed),
 * "<runtime>-<id>" (CRI-O on cgroupfs) or "<runtime>-<id>.scope"
 * (systemd). Anything else leaves the process in the pod itself.
 */
static void cg_container(struct cg_str c, struct pod_ident *id)
{
	struct cg_str prefix;

	id->runtime = RUNTIME_UNKNOWN;
	if (cg_ends_with(c, ".scope"))
		c.len -= strlen(".scope");
	if (c.len < CG_ID_LEN ||
	    !cg_all_hex(c.s + c.len - CG_ID_LEN, CG_ID_LEN))
		return;
	if (c.len == CG_ID_LEN) {
		cg_set_container(id, c.s);
		return;
	}
	if (c.len == CG_ID_LEN + 1 || c.s[c.len - CG_ID_LEN - 1] != '-')
		return;
	prefix = (struct cg_str){ c.s, c.len - CG_ID_LEN - 1 };
	cg_set_container(id, c.s + c.len - CG_ID_LEN);
	id->runtime = cg_runtime_of(prefix);
}

/*
 * containerd's "slice:prefix:id" cgroup path, which it uses verbatim as
 * a directory name where systemd does not create the scope for it.
 */
static bool cg_colon_form(struct cg_str c, struct pod_ident *id)
{
	const char *c1 = memchr(c.s, ':', c.len);
	const char *c2;
	struct cg_str slice, prefix, cid;

	if (!c1)
		return false;
	slice = (struct cg_str){ c.s, c1 - c.s };
	c2 = memchr(c1 + 1, ':', c.s + c.len - c1 - 1);
	if (!c2 || !cg_systemd_pod(slice, id))
		return false;
	prefix = (struct cg_str){ c1 + 1, c2 - c1 - 1 };
	cid = (struct cg_str){ c2 + 1, c.s + c.len - c2 - 1 };
	id->runtime = RUNTIME_UNKNOWN;
	if (cid.len == CG_ID_LEN && cg_all_hex(cid.s, cid.len)) {
		cg_set_container(id, cid.s);
		id->runtime = cg_runtime_of(prefix);
	}
	return true;
}

/* Next "/"-separated component of @path at or after *@pos; len 0 at end. */
static struct cg_str cg_next_comp(struct cg_str path, size_t *pos)
{
	struct cg_str c;

	while (*pos < path.len && path.s[*pos] == '/')
		(*pos)++;
	c.s = path.s + *pos;
	while (*pos < path.len && path.s[*pos] != '/')
		(*pos)++;
	c.len = path.s + *pos - c.s;
	return c;
}

/* Fills @id and returns true when @path is inside a pod's cgroup. */
static bool cg_path_pod(struct cg_str path, struct pod_ident *id)
{
	struct cg_str grand = { "", 0 }, parent = { "", 0 }, c;
	size_t pos = 0;

	memset(id, 0, sizeof(*id));
	for (c = cg_next_comp(path, &pos); c.len;
	     c = cg_next_comp(path, &pos)) {
		if (cg_colon_form(c, id))
			return true;
		if (cg_systemd_pod(c, id) ||
		    cg_cgroupfs_pod(c, parent, grand, id)) {
			/*
			 * Deeper levels (crun's "/container", a container's
			 * own sub-cgroups) still belong to that container.
			 */
			cg_container(cg_next_comp(path, &pos), id);
			return true;
		}
		memset(id, 0, sizeof(*id));
		grand = parent;
		parent = c;
	}
	return false;
}

struct cg_line {
	struct cg_str path;
	bool v2;
};

/*
 * Split one line "N:controllers:path". The path may itself hold colons
 * (containerd's colon form), so only the first two colons separate.
 */
static bool cg_split_line(struct cg_str line, struct cg_line *out)
{
	const char *c1 = memchr(line.s, ':', line.len);
	const char *c2, *end = line.s + line.len;

	if (!c1 || c1 == line.s || !cg_all_digits(line.s, c1 - line.s))
		return false;
	c2 = memchr(c1 + 1, ':', end - c1 - 1);
	if (!c2 || c2 + 1 == end || c2[1] != '/')
		return false;
	out->path = (struct cg_str){ c2 + 1, end - c2 - 1 };
	out->v2 = c1 - line.s == 1 && line.s[0] == '0' && c2 == c1 + 1;
	return true;
}

struct cg_scan {
	struct cg_line first, v2, v1_pod;
	bool have_first, have_v2, have_v1_pod;
	struct pod_ident v1_id;
};

/* Remember the lines that can supply the path and the identity. */
static void cg_scan_line(struct cg_scan *sc, const struct cg_line *ln)
{
	struct pod_ident tmp;

	if (!sc->have_first) {
		sc->first = *ln;
		sc->have_first = true;
	}
	if (ln->v2) {
		if (!sc->have_v2)
			sc->v2 = *ln;
		sc->have_v2 = true;
		return;
	}
	if (sc->have_v1_pod || !cg_path_pod(ln->path, &tmp))
		return;
	sc->v1_pod = *ln;
	sc->v1_id = tmp;
	sc->have_v1_pod = true;
}

static void cg_copy_path(struct cg_str p, char *path, size_t path_len)
{
	if (!path || !path_len)
		return;
	snprintf(path, path_len, "%.*s", (int)p.len, p.s);
}

int cgroup_parse(const char *text, struct pod_ident *id, char *path,
		 size_t path_len)
{
	struct cg_scan sc = { 0 };
	struct pod_ident v2_id, scratch;
	struct cg_line ln;
	struct cg_str line;
	const char *nl;

	if (!id)
		id = &scratch;
	memset(id, 0, sizeof(*id));
	cg_copy_path((struct cg_str){ "", 0 }, path, path_len);
	if (!text)
		return -1;
	for (; *text; text = nl ? nl + 1 : text + line.len) {
		nl = strchr(text, '\n');
		line.s = text;
		line.len = nl ? (size_t)(nl - text) : strlen(text);
		if (!line.len)
			continue;
		if (!cg_split_line(line, &ln))
			return -1;
		cg_scan_line(&sc, &ln);
	}
	if (!sc.have_first)
		return -1;

	/*
	 * The v2 line is the most specific, but in hybrid mode with the
	 * cgroupfs driver the kubelet only places pods in the v1 hierarchies
	 * and the v2 line shows the runtime's service: then the v1 pod
	 * path is the more useful one.
	 */
	if (sc.have_v2 && cg_path_pod(sc.v2.path, &v2_id)) {
		*id = v2_id;
		cg_copy_path(sc.v2.path, path, path_len);
		return 1;
	}
	if (sc.have_v1_pod) {
		*id = sc.v1_id;
		cg_copy_path(sc.v1_pod.path, path, path_len);
		return 1;
	}
	cg_copy_path(sc.have_v2 ? sc.v2.path : sc.first.path, path, path_len);
	return 0;
}
