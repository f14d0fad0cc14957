// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "weights.h"

#define ITEM_LEN 128		/* longest "name=value" in a weights spec */

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return s;
}

/* A number, or a percentage when it ends in '%'; -1 if neither. */
static int parse_weight(const char *s, double *out)
{
	char *end;
	double v;

	if (!*s)
		return -1;
	v = strtod(s, &end);
	if (end == s)
		return -1;
	if (*end == '%') {
		v /= 100;
		end++;
	}
	if (*end || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

static void known_names(char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int m = 0; m < MM_MUE_MAX && n < len; m++)
		n += snprintf(buf + n, len - n, "%s%s", m ? ", " : "",
			      mm_mue_name(m));
}

static int __attribute__((format(printf, 3, 4)))
item_err(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
	return -1;
}

/* Parses "value" into @w->w[@m]; @name and @val only for messages. */
static int parse_value(struct mm_weights *w, int m, const char *name,
		       const char *val, char *err, size_t err_len)
{
	if (parse_weight(val, &w->w[m]))
		return item_err(err, err_len, "weights: %s=%s: not a number",
				name, val);
	if (w->w[m] < MM_WEIGHT_MIN || w->w[m] > MM_WEIGHT_MAX)
		return item_err(err, err_len,
				"weights: %s=%s: out of range -0.5..0.5 (-50%%..+50%%)",
				name, val);
	return 0;
}

/* One "name=value" of @len bytes at @item. */
static int parse_item(struct mm_weights *w, bool *seen, const char *item,
		      size_t len, char *err, size_t err_len)
{
	char buf[ITEM_LEN], known[256], *name, *eq;
	int m;

	if (len >= sizeof(buf))
		return item_err(err, err_len, "weights: item too long: %.32s...",
				item);
	memcpy(buf, item, len);
	buf[len] = '\0';
	eq = strchr(buf, '=');
	if (!eq && !*trim(buf))
		return item_err(err, err_len, "weights: empty item");
	if (!eq)
		return item_err(err, err_len,
				"weights: '%s': expected NAME=VALUE", trim(buf));
	*eq = '\0';
	name = trim(buf);
	m = mm_mue_parse(name);
	if (m < 0) {
		known_names(known, sizeof(known));
		return item_err(err, err_len,
				"weights: unknown MUE '%s' (known: %s)", name,
				known);
	}
	if (seen[m])
		return item_err(err, err_len, "weights: %s given twice", name);
	seen[m] = true;
	return parse_value(w, m, name, trim(eq + 1), err, err_len);
}

int mm_weights_parse(struct mm_weights *w, const char *spec, char *err,
		     size_t err_len)
{
	struct mm_weights tmp = *w;
	bool seen[MM_MUE_MAX] = { false };
	const char *p = spec;

	if (err_len)
		err[0] = '\0';
	if (!spec || !*spec)
		return 0;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (parse_item(&tmp, seen, p, len, err, err_len))
			return -1;
		if (!end)
			break;
		p = end + 1;
	}
	*w = tmp;
	return 0;
}

