// SPDX-License-Identifier: GPL-2.0
/* What the engine tells the programs about peers (peerfeed.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "array.h"
#include "peerfeed.h"
#include "peers.h"
#include "socktab.h"

struct peer_feed {
	struct accounting *acct;
	struct peer_table table;	/* what the peer_rules map holds */
	uint32_t *cps;			/* live control-plane processes */
	size_t ncps, cps_cap;
	size_t quiet;			/* of them, not found listening */
	struct peer_table learned;	/* their endpoints, as added */
	uint64_t next_ns;		/* when to read them again */
	bool full_said;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Adds @key to the table and the map, unless a rule has it already:
 * the rules file decides over what is learned. */
static int add_rule(struct peer_feed *pf, const struct peer_key *key,
		    enum peer_class class)
{
	int added = peer_table_add(&pf->table, key, class), e;

	if (added <= 0)
		return added;
	e = accounting_peer_rule(pf->acct, key, class);
	if (e && !pf->full_said) {
		fprintf(stderr, "meshprof: peer rules: %s (at most %d endpoints and ports)\n",
			strerror(-e), PEER_RULES_MAX);
		pf->full_said = true;
	}
	return e ? e : 1;
}

int peer_feed_open(struct peer_feed **pfp, struct accounting *a,
		   const struct ruleset *rules, char *err, size_t err_len)
{
	struct peer_feed *pf = calloc(1, sizeof(*pf));

	*pfp = pf;
	if (!pf) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	pf->acct = a;
	for (size_t i = 0; rules && i < rules->npeers; i++) {
		int e = add_rule(pf, &rules->peers[i].key, rules->peers[i].class);

		if (e < 0) {
			snprintf(err, err_len, "peer rules: %s", strerror(-e));
			return -1;
		}
	}
	return 0;
}

static int cp_index(const struct peer_feed *pf, uint32_t pid)
{
	for (size_t i = 0; i < pf->ncps; i++)
		if (pf->cps[i] == pid)
			return i;
	return -1;
}

static void cp_drop(struct peer_feed *pf, uint32_t pid)
{
	int i = cp_index(pf, pid);

	if (i >= 0)
		pf->cps[i] = pf->cps[--pf->ncps];
}

void peer_feed_process(struct peer_feed *pf, uint32_t pid,
		       const struct rule *r, bool in_pod)
{
	enum role role = r ? r->role : in_pod ? ROLE_APP : ROLE_OTHER;
	int kind = peer_kind(role);
	struct peer_proc pp = {
		.kind = kind < 0 ? PEER_OTHER : kind,
		.mesh = r ? r->mesh : MESH_NONE,
	};
	uint32_t *slot;

	/* An exec may have made it something else. */
	accounting_peer_proc(pf->acct, pid, kind < 0 && !pp.mesh ? NULL : &pp);
	if (role != ROLE_CONTROL_PLANE) {
		cp_drop(pf, pid);
		return;
	}
	if (cp_index(pf, pid) >= 0)
		return;
	slot = array_push((void **)&pf->cps, &pf->ncps, &pf->cps_cap,
			  sizeof(*slot));
	if (slot)
		*slot = pid;
	pf->next_ns = 0;	/* a new one: learn where it listens now */
	peer_feed_refresh(pf);
}

void peer_feed_forget(struct peer_feed *pf, uint32_t pid)
{
	accounting_peer_proc(pf->acct, pid, NULL);
	cp_drop(pf, pid);
}

/* The endpoints the live control planes listen on now. */
static int listening_now(struct peer_feed *pf, struct peer_table *now)
{
	pf->quiet = 0;
	for (size_t i = 0; i < pf->ncps;) {
		struct peer_key *keys;
		size_t n;

		if (proc_listeners(pf->cps[i], &keys, &n)) {
			pf->cps[i] = pf->cps[--pf->ncps];	/* gone */
			continue;
		}
		pf->quiet += !n;
		for (size_t k = 0; k < n; k++)
			if (peer_table_add(now, &keys[k], PEER_CONTROL) < 0) {
				free(keys);
				return -ENOMEM;
			}
		free(keys);
		i++;
	}
	return 0;
}

void peer_feed_refresh(struct peer_feed *pf)
{
	struct peer_table now = {};
	uint64_t t = mono_ns();

	if ((!pf->ncps && !pf->learned.n) || t < pf->next_ns)
		return;
	if (listening_now(pf, &now))
		goto out;
	pf->next_ns = t + (pf->quiet ? PEER_FEED_NEW_NS : PEER_FEED_EVERY_NS);
	for (size_t i = 0; i < pf->learned.n;) {
		const struct peer_key *k = &pf->learned.e[i].key;

		if (peer_table_find(&now, k)) {
			i++;
			continue;
		}
		peer_table_del(&pf->table, k);
		accounting_peer_rule(pf->acct, k, -1);
		peer_table_del(&pf->learned, k);	/* moves the last here */
	}
	for (size_t i = 0; i < now.n; i++)
		if (!peer_table_find(&pf->learned, &now.e[i].key) &&
		    add_rule(pf, &now.e[i].key, PEER_CONTROL) == 1 &&
		    peer_table_add(&pf->learned, &now.e[i].key, PEER_CONTROL) < 0)
			break;
out:
	peer_table_free(&now);
}

void peer_feed_close(struct peer_feed *pf)
{
	if (!pf)
		return;
	peer_table_free(&pf->table);
	peer_table_free(&pf->learned);
	free(pf->cps);
	free(pf);
}
