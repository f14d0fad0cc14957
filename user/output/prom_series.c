// SPDX-License-Identifier: GPL-2.0
/*
 * The series of `meshprof serve`: one per component, cumulative over the
 * engine's reads. Processes that exit keep adding into their component's
 * series (the next read's component has the same identity); a series
 * that no read updates for the TTL is dropped, and no more than
 * max_series are kept (the rest are counted as refused).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "array.h"
#include "prom_int.h"

uint64_t prom_lat_le_ns(int i)
{
	int octave = i / PROM_LAT_PER_OCTAVE, k = i % PROM_LAT_PER_OCTAVE;
	uint64_t base = 1ULL << (PROM_LAT_MIN_MSB + octave);

	return base + (base / PROM_LAT_PER_OCTAVE) * k;
}

int prom_lat_bucket(uint32_t slot)
{
	uint64_t lo, hi;
	int i;

	lat_bounds(slot, &lo, &hi);
	/* Every exported bound is an HDR bound: the bucket whose bound is
	 * the first at or above the slot's end holds the whole slot. */
	for (i = 0; i < PROM_LAT_BUCKETS; i++)
		if (prom_lat_le_ns(i) >= hi)
			return i;
	return PROM_LAT_BUCKETS;
}

int prom_store_new(struct prom_store **sp, const struct prom_opts *o)
{
	struct prom_store *s = calloc(1, sizeof(*s));

	*sp = s;
	if (!s)
		return -ENOMEM;
	s->opts = *o;
	snprintf(s->node, sizeof(s->node), "%s", o->node ? o->node : "");
	for (uint32_t slot = 0; slot < LAT_SLOTS; slot++)
		s->lat_bucket_of[slot] = prom_lat_bucket(slot);
	return 0;
}

/* Host processes that no rule names and that are not the system's are
 * one series, "other": their commands would be a series each. */
static bool folded(const struct component *c)
{
	return !c->in_pod && c->role == ROLE_OTHER;
}

/* The labels of @c's series: a series is its labels, so a pod restarted
 * under the same name (new UID, new container IDs) goes on adding into
 * the series it had. */
static void ident_of(const struct component *c, struct prom_ident *id)
{
	const struct pod_ident *p = &c->pod;

	memset(id, 0, sizeof(*id));
	snprintf(id->component, sizeof(id->component), "%s",
		 folded(c) ? "other" : c->name);
	id->role = c->role;
	id->mesh = c->mesh;
	if (!c->in_pod)
		return;
	/* IDs where the kubelet's directories name nothing. */
	snprintf(id->namespace, sizeof(id->namespace), "%s", p->namespace);
	snprintf(id->pod, sizeof(id->pod), "%s",
		 p->pod_name[0] ? p->pod_name : p->pod_uid);
	snprintf(id->container, sizeof(id->container), "%.*s",
		 p->container[0] ? (int)sizeof(p->container) : 12,
		 p->container[0] ? p->container : p->container_id);
}

static struct prom_series *series_of(struct prom_store *s,
				     const struct component *c)
{
	struct prom_series *ps;
	struct prom_ident id;

	ident_of(c, &id);
	for (size_t i = 0; i < s->n; i++)
		if (!memcmp(&s->series[i].id, &id, sizeof(id)))
			return &s->series[i];
	if (s->n >= s->opts.max_series) {
		s->refused++;
		return NULL;
	}
	ps = array_push((void **)&s->series, &s->n, &s->cap, sizeof(*ps));
	if (ps)
		ps->id = id;
	return ps;
}

static int add_latency(struct prom_store *s, struct prom_series *ps,
		       const struct metrics *m)
{
	for (int k = 0; k < LAT_KINDS; k++) {
		const struct latency_hist *h = &m->lat[k];
		struct prom_lat *pl;

		if (!h->count)
			continue;
		pl = ps->lat[k];
		if (!pl && !(pl = ps->lat[k] = calloc(1, sizeof(*pl))))
			return -ENOMEM;
		for (uint32_t slot = 0; slot < LAT_SLOTS; slot++)
			pl->buckets[s->lat_bucket_of[slot]] += h->slots[slot];
		pl->count += h->count;
		pl->sum_ns += h->sum_ns;
	}
	return 0;
}

static void add_cpu_categories(struct prom_series *ps, const struct metrics *m)
{
	if (!m->cpu_samples)
		return;
	/* Each category's own samples (kernel-net without its
	 * sub-buckets): the categories add up to the CPU time. */
	for (int c = 0; c < CAT_MAX; c++)
		ps->cat_seconds[c] += (double)m->cat_samples[c] /
				      m->cpu_samples * m->cpu_ns / 1e9;
	ps->profiled = true;
}

static int add_component(struct prom_store *s, const struct component *c,
			 double now)
{
	struct prom_series *ps = series_of(s, c);
	const struct metrics *m = &c->m;

	if (!ps)
		return s->n < s->opts.max_series ? -ENOMEM : 0;
	for (int i = 0; i < NCOUNTERS; i++)
		ps->counter[i] += m->counter[i];
	for (int i = 0; i < MAX_SLOTS; i++)
		ps->runq[i] += m->runq_hist[i];
	add_cpu_categories(ps, m);
	/* Several components can fold into "other": the sum of this read. */
	if (ps->updated != now)
		ps->rss_bytes = 0;
	ps->rss_bytes += m->rss_avg_bytes;
	ps->updated = now;
	return add_latency(s, ps, m);
}

static void series_free(struct prom_series *ps)
{
	for (int k = 0; k < LAT_KINDS; k++)
		free(ps->lat[k]);
}

/* Drops the series no read updated for the TTL, keeping the order. */
static void expire(struct prom_store *s, double now)
{
	size_t kept = 0;

	for (size_t i = 0; i < s->n; i++) {
		if (now - s->series[i].updated > s->opts.ttl_s) {
			series_free(&s->series[i]);
			continue;
		}
		s->series[kept++] = s->series[i];
	}
	s->n = kept;
}

int prom_update(struct prom_store *s, const struct run *delta, double now)
{
	for (int d = 0; d < DROP_MAX; d++)
		s->drops[d] += delta->drops[d];
	for (int d = 0; d < PROFILE_DROP_MAX; d++)
		s->profile_drops[d] += delta->profile.drops[d];
	expire(s, now);
	for (size_t i = 0; i < delta->ncomps; i++)
		if (add_component(s, &delta->comps[i], now))
			return -ENOMEM;
	return 0;
}

size_t prom_series_count(const struct prom_store *s)
{
	return s->n;
}

void prom_store_free(struct prom_store *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		series_free(&s->series[i]);
	free(s->series);
	free(s);
}
