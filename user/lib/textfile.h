/* SPDX-License-Identifier: GPL-2.0 */
/* Line-oriented configuration files: read whole, errors as FILE:LINE. */
#ifndef MESHPROF_TEXTFILE_H
#define MESHPROF_TEXTFILE_H

#include <stdbool.h>
#include <stddef.h>

/* Where a parser is, for its messages. */
struct text_pos {
	const char *fname;
	int line;
	char *err;
	size_t err_len;
};

/* Writes "FNAME:LINE: message" into pos->err; always returns -1. */
int text_error(struct text_pos *pos, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Blank within a line (newlines end lines, they are not blanks). */
bool text_blank(char c);
/*
 * Reads @path whole into a NUL-terminated string in *@text (free it).
 * Returns -1 with "PATH: reason" in @err.
 */
int text_read(const char *path, char **text, char *err, size_t err_len);

#endif
