/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON read in pieces: the scanner walks the members of an object and the
 * elements of an array and says where each value begins and ends; json-c
 * builds a tree of one piece at a time. A large document (a run with a
 * hundred thousand processes) is then never one tree in memory, and every
 * message says where the text is wrong in words and by line and column.
 */
#ifndef MESHPROF_JSONSCAN_H
#define MESHPROF_JSONSCAN_H

#include <stdbool.h>
#include <stddef.h>

/* Deepest nesting read; meshprof's own files nest six levels. */
#define JSON_SCAN_DEPTH 32

struct json_object;

/* Where one value is in the text. */
struct json_piece {
	const char *p;
	size_t len;
};

struct json_scan {
	const char *text;	/* the whole document, for line and column */
	const char *p, *end;	/* what is left of the object or array */
	bool inside;		/* entered: a member or element was read */
	char *err;
	size_t err_len;
};

/*
 * Starts on @text, @len bytes followed by a NUL (which a number at the
 * very end needs to be seen whole). Messages go to @err.
 */
void json_scan_init(struct json_scan *s, const char *text, size_t len,
		    char *err, size_t err_len);
/* A scan of the object or array @v of @parent's document. */
void json_scan_sub(struct json_scan *s, const struct json_scan *parent,
		   const struct json_piece *v);
/* True when nothing but blanks is left. */
bool json_scan_done(struct json_scan *s);
/* "line L, column C" of @at into @buf. */
void json_scan_where(const struct json_scan *s, const char *at, char *buf,
		     size_t len);
/* Writes "line L, column C: @what" into the scan's message; -1. */
int json_scan_fail(const struct json_scan *s, const char *at,
		   const char *what);

/*
 * The next member of the object the scan is on (its '{' is read first):
 * 1 with its key, unescaped, in @key and its value in @v; 0 after the
 * last; -1 with a message when the text is not an object, is cut short
 * or malformed, or a key is longer than @key_len - 1. A NULL @key skips
 * the keys.
 */
int json_scan_member(struct json_scan *s, char *key, size_t key_len,
		     struct json_piece *v);
/* The same for the elements of an array. */
int json_scan_element(struct json_scan *s, struct json_piece *v);

/*
 * The tree of @v, parsed strictly, into *@out (NULL for JSON's null;
 * json_object_put() it): 0, or -1 with a message saying where and what
 * is wrong.
 */
int json_scan_parse(const struct json_scan *s, const struct json_piece *v,
		    struct json_object **out);
/* Checks that @v is valid JSON without building its tree: arrays and
 * objects are walked, scalars parsed one by one. 0, or -1 with a message. */
int json_scan_check(const struct json_scan *s, const struct json_piece *v);

#endif
