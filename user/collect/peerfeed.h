/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the engine tells the accounting programs about sockets' peers
 * (bpf/peer.h): the rules' endpoints and ports, what each process is to
 * its peers, and where the control planes on this node listen, learned
 * from their sockets as they come and go.
 */
#ifndef MESHPROF_PEERFEED_H
#define MESHPROF_PEERFEED_H

#include <stdbool.h>
#include "accounting.h"

/* A control plane in the node's own network namespace (cilium-operator)
 * sees all of the node's sockets in /proc/PID/net/tcp: tens of thousands
 * of lines on a busy node, read no more often than this once it is
 * found listening; until then, every PEER_FEED_NEW_NS, so that the
 * proxies that connect as it starts are told from the others. */
#define PEER_FEED_EVERY_NS 10000000000ULL
#define PEER_FEED_NEW_NS 1000000000ULL
#include "rules.h"

struct peer_feed;

/* Loads the peer rules of @rules into @a's map; -1 with a reason. */
int peer_feed_open(struct peer_feed **pf, struct accounting *a,
		   const struct ruleset *rules, char *err, size_t err_len);
/* @pid, just identified: the rule it matched (NULL: none), whether it is
 * in a pod. A new control plane's endpoints are learned now. */
void peer_feed_process(struct peer_feed *pf, uint32_t pid,
		       const struct rule *r, bool in_pod);
/* @pid is gone. */
void peer_feed_forget(struct peer_feed *pf, uint32_t pid);
/* Where the live control planes listen now; call it often (every
 * second), it reads their sockets as often as said above. */
void peer_feed_refresh(struct peer_feed *pf);
void peer_feed_close(struct peer_feed *pf);

#endif
