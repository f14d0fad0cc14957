/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sockets' peers on the user side: the endpoints and ports the rules name
 * (docs/rules.md), the kind of peer each process is, and the kernel's own
 * decision (bpf/peer.h) run over them, for the unit tests and anything
 * else that must say what the kernel would.
 */
#ifndef MESHPROF_PEERS_H
#define MESHPROF_PEERS_H

#include <stdint.h>
#include "kinds.h"
#include "rules.h"

struct peer_entry {
	struct peer_key key;
	__u8 class;
};

/* What the kernel's peer_rules map holds, or should. */
struct peer_table {
	struct peer_entry *e;
	size_t n, cap;
};

/* Adds @key unless the table has it (the first rule of a key wins): 1
 * when added, 0 when it was there, -ENOMEM. */
int peer_table_add(struct peer_table *t, const struct peer_key *key,
		   enum peer_class class);
/* Removes @key; 0 when it was not there. */
int peer_table_del(struct peer_table *t, const struct peer_key *key);
/* The peer rules of @rs, user rules before built-ins; -ENOMEM. */
int peer_table_from_rules(struct peer_table *t, const struct ruleset *rs);
const __u8 *peer_table_find(const struct peer_table *t,
			    const struct peer_key *key);
void peer_table_free(struct peer_table *t);

/* What the kernel decides for an inet socket of a process of @mesh, and
 * for a Unix socket whose peer process is @peer (NULL: unknown). */
enum peer_class peer_classify_inet(const struct peer_table *t,
				   const struct peer_key *local,
				   const struct peer_key *remote,
				   enum mesh mesh);
enum peer_class peer_classify_unix(const struct peer_proc *peer);

/* What a process of @role is at the other end of a Unix socket; -1 for
 * the node's own programs (system, other), which are PEER_OTHER. */
int peer_kind(enum role role);

#endif
