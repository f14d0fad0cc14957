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
#include "jsonput.h"
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
	for (size_t i = 0; i < run->nprocs && root; i++) {
		struct json_object *o;

		if (!run->procs[i].nstacks)
			continue;
		o = process_stacks(&run->procs[i], i, frames, index);
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

struct stack_reader {
	const char *file;
	char *err;
	size_t err_len;
	const char **names;
	size_t nnames;
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
		fprintf(f, "%s%s", p == ids ? "" : ";", sr->names[id]);
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
	rc = process_add_stack(p, frames, n, c);
	free(frames);
	return rc ? bad(sr, ": out of memory") : 0;
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

int stacks_from_json(struct run *run, struct json_object *root,
		     const char *file, char *err, size_t err_len)
{
	struct stack_reader sr = { file, err, err_len, NULL, 0 };
	struct json_object *st, *frames, *procs;
	int rc = 0;

	if (!json_object_object_get_ex(root, "stacks", &st) || !st)
		return 0;
	if (!json_object_is_type(st, json_type_object) ||
	    !json_object_object_get_ex(st, "frames", &frames) ||
	    !json_object_is_type(frames, json_type_array) ||
	    !json_object_object_get_ex(st, "processes", &procs) ||
	    !json_object_is_type(procs, json_type_array))
		return bad(&sr, " needs the arrays frames and processes");
	sr.nnames = json_object_array_length(frames);
	sr.names = calloc(sr.nnames + 1, sizeof(*sr.names));
	if (!sr.names)
		return bad(&sr, ": out of memory");
	for (size_t i = 0; i < sr.nnames && !rc; i++) {
		struct json_object *n = json_object_array_get_idx(frames, i);

		sr.names[i] = json_object_get_string(n);
		if (!json_object_is_type(n, json_type_string) ||
		    strchr(sr.names[i], ';'))
			rc = bad(&sr, ".frames[%zu] is not a frame name", i);
	}
	for (size_t i = 0; i < json_object_array_length(procs) && !rc; i++)
		rc = read_process_stacks(&sr, run,
					 json_object_array_get_idx(procs, i), i);
	free(sr.names);
	return rc;
}
