// SPDX-License-Identifier: GPL-2.0
/*
 * A structure-aware mutator for JSON inputs (runs, load generator
 * reports): one value of the document at a time is given another type,
 * an extreme (1e308, -1, 0, 2^64, a huge string), deleted, duplicated
 * under its key, or its array given an element of the wrong type. Byte
 * mutations seldom keep a 15 KB run valid JSON; these reach the checks
 * behind the parser, which is where a wrong type once crashed report.
 * One call in eight is left to libFuzzer's byte mutations.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

/* Where a value sits: under @key of an object, or at @idx of an array. */
struct slot {
	struct json_object *parent;
	const char *key;
	size_t idx;
	struct json_object *val;
};

struct slots {
	struct slot *s;
	size_t n, cap;
};

static uint64_t rng;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static size_t pick(size_t n)
{
	return n ? next() % n : 0;
}

static void add(struct slots *ss, struct slot s)
{
	struct slot *grown;

	if (ss->n == ss->cap) {
		ss->cap = ss->cap ? ss->cap * 2 : 256;
		grown = realloc(ss->s, ss->cap * sizeof(*grown));
		if (!grown)
			return;
		ss->s = grown;
	}
	ss->s[ss->n++] = s;
}

static void collect(struct slots *ss, struct json_object *o)
{
	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, key, v) {
			add(ss, (struct slot){ o, key, 0, v });
			collect(ss, v);
		}
	} else if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++) {
			struct json_object *v = json_object_array_get_idx(o, i);

			add(ss, (struct slot){ o, NULL, i, v });
			collect(ss, v);
		}
	}
}

static struct json_object *long_string(void)
{
	size_t n = 1 + pick(8192);
	char *s = malloc(n + 1);
	struct json_object *o;

	if (!s)
		return NULL;
	memset(s, "A\x1b/\\0%"[pick(6)], n);
	s[n] = '\0';
	o = json_object_new_string(s);
	free(s);
	return o;
}

/* Names meshprof knows, swapped into strings and keys. */
static const char *const words[] = {
	"", "app", "sidecar", "node-proxy", "system", "istio", "cilium",
	"tls", "http", "kernel-net", "kernel-net/copy", "unknown", "service",
	"client", "dwell_request", "containerd", "burstable", "cfi",
	"frame-pointers", "tp_btf", "syscalls", "latency", "meshprof.run/1",
	"host/x", "pod/a/b", "\x01", "%s%n",
};

/* A value of another type or at an extreme; NULL is JSON's null. */
static struct json_object *replacement(void)
{
	switch (pick(20)) {
	case 0: return NULL;
	case 1: return json_object_new_boolean(pick(2));
	case 2: return json_object_new_int64(0);
	case 3: return json_object_new_int64(-1);
	case 4: return json_object_new_int64(INT64_MAX);
	case 5: return json_object_new_int64(INT64_MIN);
	case 6: return json_object_new_uint64(UINT64_MAX);
	case 7: return json_object_new_double(1e308);
	case 8: return json_object_new_double(-1e308);
	case 9: return json_object_new_double(4.9e-324);
	case 10: return json_object_new_double(0.5);
	case 11: return json_object_new_int64(1 + pick(70000));
	case 12: return long_string();
	case 13: return json_object_new_string(words[pick(sizeof(words) / sizeof(words[0]))]);
	case 14: return json_object_new_array();
	case 15: return json_object_new_object();
	case 16: {
		struct json_object *a = json_object_new_array();

		json_object_array_add(a, json_object_new_int64(pick(1000)));
		json_object_array_add(a, json_object_new_string("x"));
		json_object_array_add(a, json_object_new_object());
		return a;
	}
	case 17: {
		struct json_object *pair = json_object_new_array();

		json_object_array_add(pair, json_object_new_int64(pick(700)));
		json_object_array_add(pair, json_object_new_int64(pick(3) ? 1 + pick(100) : -5));
		return pair;
	}
	case 18: return json_object_new_double(pick(2) ? 1e19 : 1.8446744073709552e19);
	default: return json_object_new_double(-0.0);
	}
}

/* A number near its old value: off by one, doubled, negated, scaled. */
static struct json_object *nudge(struct json_object *v)
{
	double d = json_object_get_double(v);
	uint64_t n = json_object_get_int64(v);

	switch (pick(5)) {
	case 0: return json_object_new_int64((int64_t)(n + 1));
	case 1: return json_object_new_int64((int64_t)(n - 1));
	case 2: return json_object_new_double(d * 2);
	case 3: return json_object_new_double(-d);
	default: return json_object_new_double(d * 1e6 + 1);
	}
}

static void put(struct slot *s, struct json_object *v)
{
	if (s->key)
		json_object_object_add(s->parent, s->key, v);
	else
		json_object_array_put_idx(s->parent, s->idx, v);
}

#define DUP_MARK "\x01dup\x01"
#define DUP_MARK_JSON "\"\\u0001dup\\u0001\""

/*
 * One change to the value at @s; a duplicate key is added under a mark
 * that *@dup_key says to rename once the text is written (json-c keeps
 * one value per key).
 */
static void mutate(struct slot *s, const char **dup_key)
{
	switch (pick(6)) {
	case 0:
		if (s->key)
			json_object_object_del(s->parent, s->key);
		else
			json_object_array_del_idx(s->parent, s->idx, 1);
		break;
	case 1:
		if (s->key) {
			json_object_object_add(s->parent, DUP_MARK, replacement());
			*dup_key = s->key;
			break;
		}
		json_object_array_add(s->parent, replacement());
		break;
	case 2:
		if (json_object_is_type(s->val, json_type_int) ||
		    json_object_is_type(s->val, json_type_double)) {
			put(s, nudge(s->val));
			break;
		}
		/* fall through */
	default:
		put(s, replacement());
	}
}

/* Writes @root into @data; 0 when it does not fit. */
static size_t write_out(struct json_object *root, const char *dup_key,
			uint8_t *data, size_t max_size)
{
	const char *text = json_object_to_json_string_ext(root,
						JSON_C_TO_STRING_PLAIN);
	const char *mark = dup_key ? strstr(text, DUP_MARK_JSON) : NULL;
	size_t len = strlen(text), n;

	if (!mark) {
		if (len > max_size)
			return 0;
		memcpy(data, text, len);
		return len;
	}
	/* The mark's key becomes the duplicated one. */
	n = mark - text;
	if (n + strlen(dup_key) + 2 + strlen(mark + strlen(DUP_MARK_JSON)) > max_size)
		return 0;
	memcpy(data, text, n);
	n += sprintf((char *)data + n, "\"%s\"", dup_key);
	len = strlen(mark + strlen(DUP_MARK_JSON));
	memcpy(data + n, mark + strlen(DUP_MARK_JSON), len);
	return n + len;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed)
{
	struct slots ss = { 0 };
	struct json_object *root;
	const char *dup_key = NULL;
	char *text, *dup = NULL;
	size_t out = 0;

	rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	if (!pick(8))
		return LLVMFuzzerMutate(data, size, max_size);
	text = malloc(size + 1);
	if (!text)
		return LLVMFuzzerMutate(data, size, max_size);
	memcpy(text, data, size);
	text[size] = '\0';
	root = json_tokener_parse(text);
	free(text);
	collect(&ss, root);
	if (ss.n) {
		struct slot *s = &ss.s[pick(ss.n)];

		/* The key goes with its value when it is deleted. */
		if (s->key && !(s->key = dup = strdup(s->key)))
			goto out;
		mutate(s, &dup_key);
		out = write_out(root, dup_key, data, max_size);
	}
out:
	free(dup);
	free(ss.s);
	json_object_put(root);
	return out ? out : LLVMFuzzerMutate(data, size, max_size);
}
