// SPDX-License-Identifier: GPL-2.0
/* Prometheus's answers to instant queries, from JSON into samples. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "array.h"
#include "promanswer.h"

/* Deeper than any answer of the API: a vector nests four levels. */
#define ANSWER_DEPTH 16

void prom_one_line(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r' || *s == '\t')
			*s = ' ';
}

/* @s as one line into @err: Prometheus's messages may span several. */
static void one_line(char *err, size_t err_len, const char *what,
		     const char *s)
{
	snprintf(err, err_len, "%s%s", what, s);
	prom_one_line(err);
}

static const char *string_of(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int add_labels(struct prom_sample *s, struct json_object *metric)
{
	size_t n = json_object_object_length(metric), i = 0;

	s->labels = calloc(n ? n : 1, sizeof(*s->labels));
	if (!s->labels)
		return -ENOMEM;
	json_object_object_foreach(metric, name, value) {
		struct prom_label *l = &s->labels[i];

		if (!json_object_is_type(value, json_type_string))
			return -EINVAL;
		l->name = strdup(name);
		l->value = strdup(json_object_get_string(value));
		s->nlabels = ++i;
		if (!l->name || !l->value)
			return -ENOMEM;
	}
	return 0;
}

/* "value": [ time, "number" ]; false when it is not that. */
static bool sample_value(struct json_object *pair, double *out)
{
	struct json_object *v;
	const char *s;
	char *end;

	if (!json_object_is_type(pair, json_type_array) ||
	    json_object_array_length(pair) != 2)
		return false;
	v = json_object_array_get_idx(pair, 1);
	if (!json_object_is_type(v, json_type_string))
		return false;
	s = json_object_get_string(v);
	*out = strtod(s, &end);
	return *s && !*end;
}

static void sample_free(struct prom_sample *s)
{
	for (size_t i = 0; i < s->nlabels; i++) {
		free(s->labels[i].name);
		free(s->labels[i].value);
	}
	free(s->labels);
}

static int read_result(struct json_object *result, struct prom_vector *v,
		       char *err, size_t err_len)
{
	for (size_t i = 0; i < json_object_array_length(result); i++) {
		struct json_object *o = json_object_array_get_idx(result, i);
		struct json_object *metric, *value;
		struct prom_sample *s;
		double d;
		int rc;

		if (!json_object_object_get_ex(o, "metric", &metric) ||
		    !json_object_is_type(metric, json_type_object) ||
		    !json_object_object_get_ex(o, "value", &value) ||
		    !sample_value(value, &d)) {
			snprintf(err, err_len, "result[%zu] is not a sample "
				 "{\"metric\": {...}, \"value\": [time, \"number\"]}", i);
			return -1;
		}
		/* NaN and infinities carry no count: left out. */
		if (!isfinite(d))
			continue;
		s = array_push((void **)&v->samples, &v->n, &v->cap, sizeof(*s));
		if (!s) {
			snprintf(err, err_len, "out of memory");
			return -1;
		}
		s->value = d;
		rc = add_labels(s, metric);
		if (rc) {
			snprintf(err, err_len, rc == -ENOMEM ? "out of memory" :
				 "result[%zu]: a label value is not a string", i);
			return -1;
		}
	}
	return 0;
}

static int read_answer(struct json_object *root, struct prom_vector *v,
		       char *err, size_t err_len)
{
	const char *status = string_of(root, "status");
	const char *type, *what;
	struct json_object *data, *result;

	if (!status) {
		snprintf(err, err_len, "not an answer of Prometheus's API: no \"status\"");
		return -1;
	}
	if (strcmp(status, "success")) {
		type = string_of(root, "errorType");
		what = string_of(root, "error");
		one_line(err, err_len, type && *type ? type : "error", "");
		if (what) {
			size_t n = strlen(err);

			one_line(err + n, err_len - n, ": ", what);
		}
		return PROM_ANSWER_REFUSED;
	}
	if (!json_object_object_get_ex(root, "data", &data) ||
	    !json_object_is_type(data, json_type_object)) {
		snprintf(err, err_len, "answer without \"data\"");
		return -1;
	}
	type = string_of(data, "resultType");
	if (!type || strcmp(type, "vector")) {
		one_line(err, err_len, "expected an instant vector, got ",
			 type ? type : "no resultType");
		return -1;
	}
	if (!json_object_object_get_ex(data, "result", &result) ||
	    !json_object_is_type(result, json_type_array)) {
		snprintf(err, err_len, "answer without a \"result\" array");
		return -1;
	}
	return read_result(result, v, err, err_len);
}

int prom_answer_parse(const char *text, size_t len, struct prom_vector *v,
		      char *err, size_t err_len)
{
	struct json_tokener *tok;
	struct json_object *root;
	size_t used;
	int rc = -1;

	memset(v, 0, sizeof(*v));
	if (len > INT_MAX) {
		snprintf(err, err_len, "answer too large");
		return -1;
	}
	tok = json_tokener_new_ex(ANSWER_DEPTH);
	if (!tok) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	root = json_tokener_parse_ex(tok, text, (int)len);
	used = json_tokener_get_parse_end(tok);
	while (root && used < len && text[used] && strchr(" \t\r\n", text[used]))
		used++;
	if (!root || used < len) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		snprintf(err, err_len, "not JSON: %s",
			 root ? "text after the answer" :
			 e == json_tokener_continue ? "the answer ends early" :
			 json_tokener_error_desc(e));
		goto out;
	}
	if (!json_object_is_type(root, json_type_object))
		snprintf(err, err_len, "not an answer of Prometheus's API");
	else
		rc = read_answer(root, v, err, err_len);
out:
	json_object_put(root);
	json_tokener_free(tok);
	if (rc)
		prom_vector_free(v);
	return rc;
}

const char *prom_label(const struct prom_sample *s, const char *name)
{
	for (size_t i = 0; i < s->nlabels; i++)
		if (!strcmp(s->labels[i].name, name))
			return s->labels[i].value;
	return "";
}

void prom_vector_free(struct prom_vector *v)
{
	for (size_t i = 0; i < v->n; i++)
		sample_free(&v->samples[i]);
	free(v->samples);
	memset(v, 0, sizeof(*v));
}
