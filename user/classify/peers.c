// SPDX-License-Identifier: GPL-2.0
/* Sockets' peers on the user side (peers.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "array.h"
#include "peers.h"

static bool same_key(const struct peer_key *a, const struct peer_key *b)
{
	return !memcmp(a->addr, b->addr, sizeof(a->addr)) &&
	       a->port == b->port && a->mesh == b->mesh;
}

static struct peer_entry *entry_of(const struct peer_table *t,
				   const struct peer_key *key)
{
	for (size_t i = 0; i < t->n; i++)
		if (same_key(&t->e[i].key, key))
			return &t->e[i];
	return NULL;
}

const __u8 *peer_table_find(const struct peer_table *t,
			    const struct peer_key *key)
{
	const struct peer_entry *e = entry_of(t, key);

	return e ? &e->class : NULL;
}

int peer_table_add(struct peer_table *t, const struct peer_key *key,
		   enum peer_class class)
{
	struct peer_entry *e;

	if (entry_of(t, key))
		return 0;
	e = array_push((void **)&t->e, &t->n, &t->cap, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->key = *key;
	e->key.pad = 0;
	e->class = class;
	return 1;
}

int peer_table_del(struct peer_table *t, const struct peer_key *key)
{
	struct peer_entry *e = entry_of(t, key);

	if (!e)
		return 0;
	*e = t->e[--t->n];
	return 1;
}

int peer_table_from_rules(struct peer_table *t, const struct ruleset *rs)
{
	for (size_t i = 0; i < rs->npeers; i++)
		if (peer_table_add(t, &rs->peers[i].key, rs->peers[i].class) < 0)
			return -ENOMEM;
	return 0;
}

void peer_table_free(struct peer_table *t)
{
	free(t->e);
	memset(t, 0, sizeof(*t));
}

/* The kernel's decision, over the table instead of its map. */
#define PEER_LOOKUP(table, key) peer_table_find(table, key)
#include "peer.h"

enum peer_class peer_classify_inet(const struct peer_table *t,
				   const struct peer_key *local,
				   const struct peer_key *remote,
				   enum mesh mesh)
{
	struct peer_key scratch;

	return peer_of_inet((void *)t, local, remote, mesh, &scratch);
}

enum peer_class peer_classify_unix(const struct peer_proc *peer)
{
	return peer_of_unix(peer);
}

int peer_kind(enum role role)
{
	switch (role) {
	case ROLE_APP:
		return PEER_APP;
	case ROLE_SIDECAR:
	case ROLE_NODE_PROXY:
	case ROLE_NODE_AGENT:
		return PEER_MESH;
	case ROLE_CONTROL_PLANE:
		return PEER_CONTROL;
	default:
		return -1;
	}
}
