// SPDX-License-Identifier: GPL-2.0
/*
 * The kubelet's log directories as a name index (kubelet.h). Namespaces
 * and container names are DNS labels and pod names DNS subdomains, so
 * none holds '_': the kubelet's '_' separators split them unambiguously.
 * Entries that are not of that form (rotated logs, files of other tools)
 * are skipped; a containers/ link whose pod has no pods/ directory any
 * more is stale and skipped too.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "array.h"
#include "kubelet.h"

#define ID_HEX 64
#define UUID_LEN 36
#define HASH_LEN 32		/* a static pod's UID: no dashes */

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* A DNS label (namespaces, containers) or, with @dots, a DNS subdomain
 * (pods): lower case letters, digits, '-' (and '.'), alphanumeric at both
 * ends. */
static bool dns_name(const char *s, size_t len, size_t max, bool dots)
{
	if (!len || len > max || !is_lower_alnum(s[0]) ||
	    !is_lower_alnum(s[len - 1]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!is_lower_alnum(s[i]) && s[i] != '-' && !(dots && s[i] == '.'))
			return false;
	return true;
}

static bool pod_uid(const char *s, size_t len)
{
	if (len == HASH_LEN) {
		for (size_t i = 0; i < len; i++)
			if (!is_hex(s[i]))
				return false;
		return true;
	}
	if (len != UUID_LEN)
		return false;
	for (size_t i = 0; i < len; i++) {
		bool sep = i == 8 || i == 13 || i == 18 || i == 23;

		if (sep ? s[i] != '-' : !is_hex(s[i]))
			return false;
	}
	return true;
}

static void copy(char *dst, const char *s, size_t len)
{
	memcpy(dst, s, len);
	dst[len] = '\0';
}

/* Splits @s (@len chars) at its two '_' into @part and @plen; false when
 * it has not exactly two. */
static bool split3(const char *s, size_t len, const char *part[3],
		   size_t plen[3])
{
	const char *end = s + len, *u1, *u2;

	u1 = memchr(s, '_', len);
	u2 = u1 ? memchr(u1 + 1, '_', end - u1 - 1) : NULL;
	if (!u2 || memchr(u2 + 1, '_', end - u2 - 1))
		return false;
	part[0] = s;
	plen[0] = u1 - s;
	part[1] = u1 + 1;
	plen[1] = u2 - u1 - 1;
	part[2] = u2 + 1;
	plen[2] = end - u2 - 1;
	return true;
}

static int parse_pod_dir(const char *s, size_t len, struct kubelet_pod *out)
{
	const char *part[3];
	size_t plen[3];

	if (!split3(s, len, part, plen) ||
	    !dns_name(part[0], plen[0], K8S_LABEL_LEN - 1, false) ||
	    !dns_name(part[1], plen[1], K8S_NAME_LEN - 1, true) ||
	    !pod_uid(part[2], plen[2]))
		return -1;
	copy(out->namespace, part[0], plen[0]);
	copy(out->name, part[1], plen[1]);
	copy(out->uid, part[2], plen[2]);
	return 0;
}

int kubelet_parse_pod_dir(const char *name, struct kubelet_pod *out)
{
	return parse_pod_dir(name, strlen(name), out);
}

/* The pod UID in a link target ".../<ns>_<pod>_<uid>/<container>/<n>.log"
 * when it names the same pod and container as @c. */
static void uid_from_target(const char *target, struct kubelet_container *c)
{
	const char *file = strrchr(target, '/'), *ctr, *pod;
	struct kubelet_pod p;

	if (!file || file == target)
		return;
	for (ctr = file - 1; ctr > target && *ctr != '/'; ctr--)
		;
	if (*ctr != '/' || ctr == target)
		return;
	for (pod = ctr - 1; pod > target && *pod != '/'; pod--)
		;
	if (*pod == '/')
		pod++;
	if ((size_t)(file - ctr - 1) != strlen(c->name) ||
	    memcmp(ctr + 1, c->name, file - ctr - 1) ||
	    parse_pod_dir(pod, ctr - pod, &p) ||
	    strcmp(p.namespace, c->namespace) || strcmp(p.name, c->pod))
		return;
	snprintf(c->uid, sizeof(c->uid), "%s", p.uid);
}

int kubelet_parse_container_log(const char *name, const char *target,
				struct kubelet_container *out)
{
	size_t len = strlen(name), base;
	const char *part[3], *id;
	size_t plen[3];

	if (len < 4 + ID_HEX + 1 || strcmp(name + len - 4, ".log"))
		return -1;
	len -= 4;
	id = name + len - ID_HEX;
	for (size_t i = 0; i < ID_HEX; i++)
		if (!is_hex(id[i]))
			return -1;
	base = len - ID_HEX - 1;
	if (name[base] != '-' || !split3(name, base, part, plen) ||
	    !dns_name(part[0], plen[0], K8S_NAME_LEN - 1, true) ||
	    !dns_name(part[1], plen[1], K8S_LABEL_LEN - 1, false) ||
	    !dns_name(part[2], plen[2], K8S_LABEL_LEN - 1, false))
		return -1;
	memset(out, 0, sizeof(*out));
	copy(out->pod, part[0], plen[0]);
	copy(out->namespace, part[1], plen[1]);
	copy(out->name, part[2], plen[2]);
	copy(out->id, id, ID_HEX);
	if (target)
		uid_from_target(target, out);
	return 0;
}

/* ---- the index ---- */

void kubelet_init(struct kubelet_index *ki, const char *root)
{
	memset(ki, 0, sizeof(*ki));
	snprintf(ki->root, sizeof(ki->root), "%s",
		 root ? root : KUBELET_DEFAULT_ROOT);
}

static int cmp_pod(const void *a, const void *b)
{
	return strcmp(((const struct kubelet_pod *)a)->uid,
		      ((const struct kubelet_pod *)b)->uid);
}

static int cmp_ctr(const void *a, const void *b)
{
	return strcmp(((const struct kubelet_container *)a)->id,
		      ((const struct kubelet_container *)b)->id);
}

static const struct kubelet_pod *find_pod(const struct kubelet_index *ki,
					  const char *uid)
{
	struct kubelet_pod key;

	snprintf(key.uid, sizeof(key.uid), "%s", uid);
	return ki->npods ? bsearch(&key, ki->pods, ki->npods,
				   sizeof(key), cmp_pod) : NULL;
}

static const struct kubelet_container *
find_ctr(const struct kubelet_index *ki, const char *id)
{
	struct kubelet_container key;

	snprintf(key.id, sizeof(key.id), "%s", id);
	return ki->nctrs ? bsearch(&key, ki->ctrs, ki->nctrs,
				   sizeof(key), cmp_ctr) : NULL;
}

static int scan_pods(struct kubelet_index *ki, DIR *dir)
{
	struct kubelet_pod p, *slot;
	struct dirent *de;

	while ((de = readdir(dir))) {
		if (kubelet_parse_pod_dir(de->d_name, &p))
			continue;
		slot = array_push((void **)&ki->pods, &ki->npods,
				  &ki->pods_cap, sizeof(*slot));
		if (!slot)
			return -ENOMEM;
		*slot = p;
	}
	qsort(ki->pods, ki->npods, sizeof(*ki->pods), cmp_pod);
	return 0;
}

/* A link of a pod whose pods/ directory is gone is stale. */
static bool stale(const struct kubelet_index *ki,
		  const struct kubelet_container *c, bool have_pods)
{
	return have_pods && c->uid[0] && !find_pod(ki, c->uid);
}

static int scan_ctrs(struct kubelet_index *ki, DIR *dir, bool have_pods)
{
	struct kubelet_container c, *slot;
	char target[1024];
	struct dirent *de;
	ssize_t n;

	while ((de = readdir(dir))) {
		n = readlinkat(dirfd(dir), de->d_name, target,
			       sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		if (kubelet_parse_container_log(de->d_name, n > 0 ? target : NULL,
						&c) ||
		    stale(ki, &c, have_pods))
			continue;
		slot = array_push((void **)&ki->ctrs, &ki->nctrs,
				  &ki->ctrs_cap, sizeof(*slot));
		if (!slot)
			return -ENOMEM;
		*slot = c;
	}
	qsort(ki->ctrs, ki->nctrs, sizeof(*ki->ctrs), cmp_ctr);
	return 0;
}

static bool same_time(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

/* Opens ROOT/@sub, with its mtime in @mtime (zero when missing). */
static DIR *open_sub(const struct kubelet_index *ki, const char *sub,
		     struct timespec *mtime)
{
	char path[512];
	struct stat st;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/%s", ki->root, sub);
	memset(mtime, 0, sizeof(*mtime));
	dir = opendir(path);
	if (dir && !fstat(dirfd(dir), &st))
		*mtime = st.st_mtim;
	return dir;
}

int kubelet_refresh(struct kubelet_index *ki)
{
	struct timespec pm, cm;
	DIR *pods = open_sub(ki, "pods", &pm);
	DIR *ctrs = open_sub(ki, "containers", &cm);
	int err = 0;

	if (ki->scanned && same_time(pm, ki->pods_mtime) &&
	    same_time(cm, ki->ctrs_mtime))
		goto out;
	ki->npods = ki->nctrs = 0;
	if (pods)
		err = scan_pods(ki, pods);
	if (!err && ctrs)
		err = scan_ctrs(ki, ctrs, pods != NULL);
	ki->pods_mtime = pm;
	ki->ctrs_mtime = cm;
	ki->scanned = !err;
out:
	if (pods)
		closedir(pods);
	if (ctrs)
		closedir(ctrs);
	return err;
}

/* A static pod's UID is its 32-hex hash in both places; others are
 * dashed in both. */
void kubelet_name(const struct kubelet_index *ki, struct pod_ident *id)
{
	const struct kubelet_container *c = NULL;
	const struct kubelet_pod *p;

	if (!id->pod_uid[0])
		return;
	if (id->container_id[0])
		c = find_ctr(ki, id->container_id);
	if (c && c->uid[0] && strcmp(c->uid, id->pod_uid))
		c = NULL;	/* another pod's container: not ours */
	p = find_pod(ki, id->pod_uid);
	if (p) {
		snprintf(id->namespace, sizeof(id->namespace), "%s", p->namespace);
		snprintf(id->pod_name, sizeof(id->pod_name), "%s", p->name);
	} else if (c) {
		snprintf(id->namespace, sizeof(id->namespace), "%s", c->namespace);
		snprintf(id->pod_name, sizeof(id->pod_name), "%s", c->pod);
	}
	if (c)
		snprintf(id->container, sizeof(id->container), "%s", c->name);
}

void kubelet_free(struct kubelet_index *ki)
{
	free(ki->pods);
	free(ki->ctrs);
	ki->pods = NULL;
	ki->ctrs = NULL;
	ki->npods = ki->nctrs = ki->pods_cap = ki->ctrs_cap = 0;
	ki->scanned = false;
}
