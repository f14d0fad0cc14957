/* SPDX-License-Identifier: GPL-2.0 */
/* Building JSON with json-c: the few shapes every JSON output uses. */
#ifndef MESHPROF_JSONPUT_H
#define MESHPROF_JSONPUT_H

#include <stdint.h>
#include <json-c/json.h>

/* Sets @o.@k to @v (which @o then owns; NULL writes null). */
void put(struct json_object *o, const char *k, struct json_object *v);
void put_u64(struct json_object *o, const char *k, uint64_t v);
void put_str(struct json_object *o, const char *k, const char *v);
/* A number, or null when it is not finite (unknown): JSON has no NaN. */
struct json_object *json_num(double v);
/* Nanoseconds as a number of seconds. */
struct json_object *json_secs(uint64_t ns);
/* A string, or null when it is empty. */
struct json_object *json_str_or_null(const char *s);

#endif
