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

/* Writes "FNAME:LINE: message" into pos->err, with the bytes a terminal
 * would act on shown as \xNN; always returns -1. */
int text_error(struct text_pos *pos, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Shows the bytes of @s that a terminal would act on (control
 * characters, escapes, anything not ASCII) as \xNN, in place, within
 * @len bytes: messages quote what files and processes hold. */
void text_escape(char *s, size_t len);
/* Blank within a line (newlines end lines, they are not blanks). */
bool text_blank(char c);
/* The largest configuration file read (a 100 MB rules file loads in 10 s). */
#define TEXT_FILE_MAX (256u << 20)

/*
 * Reads @path whole into a NUL-terminated string in *@text (free it):
 * opened and read once, so a FIFO works. Returns -1 with "PATH: reason"
 * in @err, also for a file with a NUL byte (text after it would be lost)
 * or larger than TEXT_FILE_MAX.
 */
int text_read(const char *path, char **text, char *err, size_t err_len);
/*
 * Reads @path once, whole, into *@text (*@len bytes, then a NUL; free
 * it). Files larger than @max bytes are refused ("PATH: larger than
 * ..."), without reading a regular file at all.
 */
int text_read_max(const char *path, size_t max, char **text, size_t *len,
		  char *err, size_t err_len);

#endif
