// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include "jsonput.h"

void put(struct json_object *o, const char *k, struct json_object *v)
{
	json_object_object_add(o, k, v);
}

void put_u64(struct json_object *o, const char *k, uint64_t v)
{
	put(o, k, json_object_new_uint64(v));
}

void put_str(struct json_object *o, const char *k, const char *v)
{
	put(o, k, json_object_new_string(v));
}

struct json_object *json_num(double v)
{
	return isfinite(v) ? json_object_new_double(v) : NULL;
}

struct json_object *json_secs(uint64_t ns)
{
	return json_object_new_double(ns / 1e9);
}

struct json_object *json_str_or_null(const char *s)
{
	return s[0] ? json_object_new_string(s) : NULL;
}
