// SPDX-License-Identifier: GPL-2.0
/*
 * The folded stacks of a run in its JSON (docs/json.md, "stacks"): every
 * frame name once, in a table, and each process's stacks as one string
 * "SAMPLES CATEGORY ID;ID;..." of indexes into it, root first. A lab run's
 * few thousand stacks then cost tens of kilobytes, not megabytes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "array.h"
#include "jsonput.h"
#include "jsonscan.h"
#include "runjson.h"

/* Index of @name in @frames (a new entry if unseen); @index maps names to
 * indexes. -1 when memory runs out. */
static long frame_id(struct json_object *frames, struct json_object *index,
		     const char *name, size_t len)
{
	char *key = strndup(name, len);
	struct json_object *v;
	long id = -1;

	if (!key)
		return -1;
	if (json_object_object_get_ex(index, key, &v)) {
		id = json_object_get_int64(v);
	} else if (!json_object_array_add(frames, json_object_new_string(key)) &&
		   !json_object_object_add(index, key,
			json_object_new_int64(json_object_array_length(frames) - 1))) {
		id = json_object_array_length(frames) - 1;
	}
	free(key);
	return id;
}

/* "SAMPLES CATEGORY IDS" of one stack, or NULL when memory runs out. */
static struct json_object *stack_json(const struct stack_count *st,
				      struct json_object *frames,
				      struct json_object *index)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json_object *s = NULL;
	const char *p = st->frames;
	bool ok = f != NULL;

	if (f)
		fprintf(f, "%llu %s ", (unsigned long long)st->samples,
			category_name(st->category));
	while (ok && *p) {
		size_t n = strcspn(p, ";");
		long id = frame_id(frames, index, p, n);

		ok = id >= 0;
		fprintf(f, "%s%ld", p == st->frames ? "" : ";", id);
		p += n + (p[n] == ';');
	}
	if (f && !fclose(f) && ok) {
		/* no frames at all: drop the separator */
		if (len && buf[len - 1] == ' ')
			buf[--len] = '\0';
		s = json_object_new_string_len(buf, len);
	}
	free(buf);
	return s;
}

static struct json_object *process_stacks(const struct process *p, size_t i,
					  struct json_object *frames,
					  struct json_object *index)
{
	struct json_object *o = json_object_new_object();
	struct json_object *folded = json_object_new_array();

	put_u64(o, "process", i);
	put(o, "folded", folded);
	for (size_t j = 0; j < p->nstacks; j++) {
		struct json_object *s = stack_json(&p->stacks[j], frames, index);

		if (!s) {
			json_object_put(o);
			return NULL;
		}
		json_object_array_add(folded, s);
	}
	return o;
}

struct json_object *stacks_to_json(const struct run *run)
{
	struct json_object *root = json_object_new_object();
	struct json_object *frames = json_object_new_array();
	struct json_object *procs = json_object_new_array();
	struct json_object *index = json_object_new_object();

	put(root, "frames", frames);
	put(root, "processes", procs);
	/* Indexes into processes[], which leaves folded records out (their
	 * stacks are in --folded only). */
	for (size_t i = 0, k = 0; i < run->nprocs && root; i++) {
		struct json_object *o;

		if (run->procs[i].folded)
			continue;
		if (!run->procs[i].nstacks) {
			k++;
			continue;
		}
		o = process_stacks(&run->procs[i], k++, frames, index);
		if (!o) {
			json_object_put(root);
			root = NULL;
			break;
		}
		json_object_array_add(procs, o);
	}
	json_object_put(index);
	if (root && !json_object_array_length(procs)) {
		json_object_put(root);
		return NULL;
	}
	return root;
}

/* ---- reading ---- */

/* The names of stacks.frames, one after another in one buffer: a crafted
 * file's many names cost their bytes and an offset each. */
struct stack_reader {
	const char *file;
	char *err;
	size_t err_len;
	char *names;
	size_t names_len, names_cap;
	size_t *name_at;
	size_t nnames, name_cap;
	size_t *budget;
};

static int bad(struct stack_reader *sr, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(sr->err, sr->err_len, "%s: stacks", sr->file);

	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sr->err_len)
		vsnprintf(sr->err + n, sr->err_len - n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Takes @n bytes of the reader's memory budget. */
static int take(struct stack_reader *sr, size_t n)
{
	if (n > *sr->budget)
		return bad(sr, " would take more memory than a file of its size may ask for (docs/json.md)");
	*sr->budget -= n;
	return 0;
}

static const char *name_of(const struct stack_reader *sr, size_t id)
{
	return sr->names + sr->name_at[id];
}

static int add_name(struct stack_reader *sr, const char *name, size_t len)
{
	size_t *at = array_push((void **)&sr->name_at, &sr->nnames,
				&sr->name_cap, sizeof(*at));
	char *grown;

	if (!at || take(sr, len + 1 + sizeof(*at)))
		return at ? -1 : bad(sr, ": out of memory");
	if (sr->names_len + len + 1 > sr->names_cap) {
		sr->names_cap = (sr->names_len + len + 1) * 2;
		grown = realloc(sr->names, sr->names_cap);
		if (!grown)
			return bad(sr, ": out of memory");
		sr->names = grown;
	}
	*at = sr->names_len;
	memcpy(sr->names + sr->names_len, name, len + 1);
	sr->names_len += len + 1;
	return 0;
}

/* Appends the names of "ID;ID;..." at @ids to @f, ';'-separated. */
static int names_of(struct stack_reader *sr, const char *ids, FILE *f)
{
	const char *p = ids;
	char *end;

	while (*p) {
		unsigned long id;

		if (*p < '0' || *p > '9')
			return -1;
		id = strtoul(p, &end, 10);
		if (id >= sr->nnames || (*end && *end != ';') ||
		    (*end == ';' && !end[1]))
			return -1;
		fprintf(f, "%s%s", p == ids ? "" : ";", name_of(sr, id));
		p = *end ? end + 1 : end;
	}
	return 0;
}

static int read_stack(struct stack_reader *sr, struct process *p,
		      const char *s, const char *where)
{
	char cat[32], *frames = NULL, *end;
	unsigned long long n;
	size_t len = 0;
	int c, used = 0, rc;
	FILE *f;

	if (*s < '0' || *s > '9')
		return bad(sr, "%s is not \"SAMPLES CATEGORY IDS\"", where);
	n = strtoull(s, &end, 10);
	if (*end != ' ' || sscanf(end + 1, "%31s%n", cat, &used) != 1 ||
	    (end[1 + used] && end[1 + used] != ' '))
		return bad(sr, "%s is not \"SAMPLES CATEGORY IDS\"", where);
	c = category_parse(cat);
	if (c < 0 || !n)
		return bad(sr, "%s: unknown category or no samples", where);
	f = open_memstream(&frames, &len);
	if (!f)
		return bad(sr, ": out of memory");
	rc = names_of(sr, end + 1 + used + (end[1 + used] == ' '), f);
	if (fclose(f) || rc) {
		free(frames);
		return rc ? bad(sr, "%s: frame ids not in stacks.frames", where) :
			    bad(sr, ": out of memory");
	}
	/* A name a stack repeats is spelled out each time: counted. */
	rc = take(sr, len + 1 + sizeof(struct stack_count)) ? -1 :
	     process_add_stack(p, frames, n, c) ? bad(sr, ": out of memory") : 0;
	free(frames);
	return rc;
}

static int read_process_stacks(struct stack_reader *sr, struct run *run,
			       struct json_object *o, size_t i)
{
	struct json_object *idx, *folded;
	char where[64];
	struct process *p;
	int64_t k;

	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "process", &idx) ||
	    !json_object_is_type(idx, json_type_int) ||
	    !json_object_object_get_ex(o, "folded", &folded) ||
	    !json_object_is_type(folded, json_type_array))
		return bad(sr, ".processes[%zu] needs process and folded", i);
	k = json_object_get_int64(idx);
	if (k < 0 || (uint64_t)k >= run->nprocs)
		return bad(sr, ".processes[%zu].process is not in processes", i);
	p = &run->procs[k];
	for (size_t j = 0; j < json_object_array_length(folded); j++) {
		struct json_object *s = json_object_array_get_idx(folded, j);

		snprintf(where, sizeof(where), ".processes[%zu].folded[%zu]", i, j);
		if (!json_object_is_type(s, json_type_string))
			return bad(sr, "%s is not a string", where);
		if (read_stack(sr, p, json_object_get_string(s), where))
			return -1;
	}
	process_merge_stacks(p);
	return 0;
}

/* Each element of the array @v, parsed alone and given to @fn. */
static int each(struct stack_reader *sr, const struct json_scan *scan,
		const struct json_piece *v, struct run *run,
		int (*fn)(struct stack_reader *, struct run *,
			  struct json_object *, size_t))
{
	struct json_scan in;
	struct json_piece e;
	struct json_object *o;
	size_t i;
	int more, rc = 0;

	json_scan_sub(&in, scan, v);
	for (i = 0; !rc && (more = json_scan_element(&in, &e)) > 0; i++) {
		if (json_scan_parse(&in, &e, &o))
			return bad(sr, ": not valid JSON: %s", in.err);
		rc = fn(sr, run, o, i);
		json_object_put(o);
	}
	return rc ? rc : more < 0 ? bad(sr, ": not valid JSON: %s", in.err) : 0;
}

static int read_frame(struct stack_reader *sr, struct run *run,
		      struct json_object *o, size_t i)
{
	const char *name = json_object_get_string(o);

	if (!json_object_is_type(o, json_type_string) || strchr(name, ';') ||
	    (size_t)json_object_get_string_len(o) != strlen(name))
		return bad(sr, ".frames[%zu] is not a frame name", i);
	return add_name(sr, name, strlen(name));
}

int stacks_from_json(struct run *run, const struct json_scan *scan,
		     const struct json_piece *v, size_t *budget,
		     const char *file, char *err, size_t err_len)
{
	struct stack_reader sr = { .file = file, .err = err, .err_len = err_len,
				   .budget = budget };
	struct json_piece frames = { 0 }, procs = { 0 }, m;
	struct json_scan in;
	char key[64];
	int more, rc;

	if (v->len == 4 && !memcmp(v->p, "null", 4))
		return 0;
	json_scan_sub(&in, scan, v);
	while ((more = json_scan_member(&in, key, sizeof(key), &m)) > 0) {
		if (!strcmp(key, "frames"))
			frames = m;
		else if (!strcmp(key, "processes"))
			procs = m;
		else if (json_scan_check(&in, &m))
			return bad(&sr, ": not valid JSON: %s", in.err);
	}
	if (more < 0)
		return bad(&sr, ": not valid JSON: %s", in.err);
	if (!frames.p || *frames.p != '[' || !procs.p || *procs.p != '[')
		return bad(&sr, " needs the arrays frames and processes");
	/* Names first: the stacks refer to them. */
	rc = each(&sr, scan, &frames, run, read_frame) ||
	     each(&sr, scan, &procs, run, read_process_stacks) ? -1 : 0;
	free(sr.names);
	free(sr.name_at);
	return rc;
}
