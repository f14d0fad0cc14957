// SPDX-License-Identifier: GPL-2.0
/* JSON read in pieces (jsonscan.h). The scanner only finds where values
 * end; json-c checks and builds each piece. */
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>
#include "jsonscan.h"

void json_scan_init(struct json_scan *s, const char *text, size_t len,
		    char *err, size_t err_len)
{
	*s = (struct json_scan){ text, text, text + len, false, err, err_len };
}

void json_scan_sub(struct json_scan *s, const struct json_scan *parent,
		   const struct json_piece *v)
{
	*s = *parent;
	s->p = v->p;
	s->end = v->p + v->len;
	s->inside = false;
}

void json_scan_where(const struct json_scan *s, const char *at, char *buf,
		     size_t len)
{
	const char *line = s->text;
	int n = 1;

	for (const char *q = s->text; q < at; q++) {
		if (*q == '\n') {
			n++;
			line = q + 1;
		}
	}
	snprintf(buf, len, "line %d, column %zu", n, (size_t)(at - line) + 1);
}

int json_scan_fail(const struct json_scan *s, const char *at,
		   const char *what)
{
	char where[64];

	json_scan_where(s, at, where, sizeof(where));
	snprintf(s->err, s->err_len, "%s: %s", where, what);
	return -1;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void skip_blanks(struct json_scan *s)
{
	while (s->p < s->end && blank(*s->p))
		s->p++;
}

bool json_scan_done(struct json_scan *s)
{
	skip_blanks(s);
	return s->p == s->end;
}

/* Past the string that starts at @p (its '"'), or NULL when it is not
 * closed. */
static const char *string_end(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return NULL;
}

/*
 * Past the value that starts at s->p, or NULL with a message. Only the
 * brackets are counted: json-c checks the rest when the piece is parsed.
 */
static const char *value_end(struct json_scan *s)
{
	const char *p = s->p;
	int depth = 0;

	if (p == s->end)
		return json_scan_fail(s, p, "the text ends where a value should be"),
		       NULL;
	do {
		switch (*p) {
		case '"':
			p = string_end(p, s->end);
			if (!p)
				return json_scan_fail(s, s->end,
					"the text ends inside a string (cut short?)"),
				       NULL;
			continue;
		case '{':
		case '[':
			if (++depth > JSON_SCAN_DEPTH)
				return json_scan_fail(s, p,
					"nested more than 32 levels deep"), NULL;
			break;
		case '}':
		case ']':
			if (!depth)
				return json_scan_fail(s, p,
					"a closing bracket where a value should be"),
				       NULL;
			depth--;
			break;
		default:
			if (!depth) {
				/* A number or a literal: up to a delimiter. */
				while (p < s->end && !blank(*p) &&
				       !strchr(",:]}[{\"", *p))
					p++;
				return p;
			}
		}
		p++;
	} while (depth && p < s->end);
	if (depth)
		return json_scan_fail(s, s->end,
			"the text ends inside an object or array (cut short?)"),
		       NULL;
	return p;
}

/* Reads the opening @open, or the ',' or @close between items; 1 when an
 * item follows, 0 at @close. */
static int next_item(struct json_scan *s, char open, char close)
{
	char msg[64];

	skip_blanks(s);
	if (!s->inside) {
		if (s->p == s->end || *s->p != open) {
			snprintf(msg, sizeof(msg), "expected '%c'", open);
			return json_scan_fail(s, s->p, msg);
		}
		s->p++;
		s->inside = true;
		skip_blanks(s);
		if (s->p < s->end && *s->p == close) {
			s->p++;
			return 0;
		}
		return 1;
	}
	if (s->p < s->end && *s->p == close) {
		s->p++;
		return 0;
	}
	if (s->p == s->end || *s->p != ',') {
		snprintf(msg, sizeof(msg), "expected ',' or '%c'", close);
		return json_scan_fail(s, s->p, msg);
	}
	s->p++;
	skip_blanks(s);
	return 1;
}

static int read_value(struct json_scan *s, struct json_piece *v)
{
	const char *end;

	skip_blanks(s);
	end = value_end(s);
	if (!end)
		return -1;
	if (end == s->p)
		return json_scan_fail(s, s->p, "expected a value");
	*v = (struct json_piece){ s->p, end - s->p };
	s->p = end;
	return 1;
}

/* The key at s->p into @key, unescaped. */
static int read_key(struct json_scan *s, char *key, size_t key_len)
{
	struct json_piece k;
	struct json_object *o;
	const char *end;
	int len;

	if (s->p == s->end || *s->p != '"')
		return json_scan_fail(s, s->p, "expected a quoted key");
	end = string_end(s->p, s->end);
	if (!end)
		return json_scan_fail(s, s->end,
			"the text ends inside a key (cut short?)");
	k = (struct json_piece){ s->p, end - s->p };
	if (json_scan_parse(s, &k, &o))
		return -1;
	len = json_object_get_string_len(o);
	if (key && ((size_t)len >= key_len ||
		    memchr(json_object_get_string(o), 0, len))) {
		json_object_put(o);
		return json_scan_fail(s, s->p, "unknown key");
	}
	if (key)
		memcpy(key, json_object_get_string(o), len + 1);
	json_object_put(o);
	s->p = end;
	skip_blanks(s);
	if (s->p == s->end || *s->p != ':')
		return json_scan_fail(s, s->p, "expected ':' after the key");
	s->p++;
	return 0;
}

int json_scan_member(struct json_scan *s, char *key, size_t key_len,
		     struct json_piece *v)
{
	int more = next_item(s, '{', '}');

	if (more <= 0)
		return more;
	if (read_key(s, key, key_len))
		return -1;
	return read_value(s, v);
}

int json_scan_element(struct json_scan *s, struct json_piece *v)
{
	int more = next_item(s, '[', ']');

	return more <= 0 ? more : read_value(s, v);
}

int json_scan_parse(const struct json_scan *s, const struct json_piece *v,
		    struct json_object **out)
{
	struct json_tokener *tok = json_tokener_new_ex(JSON_SCAN_DEPTH);
	enum json_tokener_error e;
	size_t used;

	*out = NULL;
	if (!tok) {
		snprintf(s->err, s->err_len, "out of memory");
		return -1;
	}
	/* The byte after the piece (a delimiter, or the text's NUL) ends a
	 * number or literal; it is not part of the value. */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
				    JSON_TOKENER_ALLOW_TRAILING_CHARS);
	*out = json_tokener_parse_ex(tok, v->p, v->len + 1);
	e = json_tokener_get_error(tok);
	used = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	/* null is a NULL object, parsed with success; json-c takes a blank
	 * after a value with it. */
	if (e == json_tokener_success &&
	    (used == v->len || (used == v->len + 1 && blank(v->p[v->len]))))
		return 0;
	json_object_put(*out);
	*out = NULL;
	return json_scan_fail(s, v->p + (used < v->len ? used : v->len),
			      e == json_tokener_success ? "unexpected character" :
			      e == json_tokener_continue ? "the value is cut short" :
			      json_tokener_error_desc(e));
}

static int check_depth(const struct json_scan *s, const struct json_piece *v,
		       int depth)
{
	struct json_scan in;
	struct json_piece item;
	struct json_object *o;
	int more;

	if (*v->p != '{' && *v->p != '[') {
		more = json_scan_parse(s, v, &o);
		json_object_put(o);
		return more;
	}
	if (depth >= JSON_SCAN_DEPTH)
		return json_scan_fail(s, v->p, "nested more than 32 levels deep");
	json_scan_sub(&in, s, v);
	while ((more = *v->p == '{' ?
		       json_scan_member(&in, NULL, 0, &item) :
		       json_scan_element(&in, &item)) > 0)
		if (check_depth(&in, &item, depth + 1))
			return -1;
	return more;
}

int json_scan_check(const struct json_scan *s, const struct json_piece *v)
{
	return check_depth(s, v, 0);
}
