// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "textfile.h"

int text_error(struct text_pos *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!pos->err || !pos->err_len)
		return -1;
	n = snprintf(pos->err, pos->err_len, "%s:%d: ", pos->fname, pos->line);
	if (n < 0 || (size_t)n >= pos->err_len)
		return -1;
	va_start(ap, fmt);
	vsnprintf(pos->err + n, pos->err_len - n, fmt, ap);
	va_end(ap);
	return -1;
}

bool text_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

int text_read(const char *path, char **text, char *err, size_t err_len)
{
	size_t len = 0;
	char buf[8192];
	FILE *f, *mem;
	size_t n;
	int bad;

	*text = NULL;
	f = fopen(path, "re");
	if (!f)
		goto fail;
	mem = open_memstream(text, &len);
	while (mem && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, mem);
	/* A directory opens but fails to read: ferror with EISDIR. */
	bad = ferror(f) || !mem;
	if (mem)
		fclose(mem);
	fclose(f);
	if (!bad)
		return 0;
	free(*text);
	*text = NULL;
fail:
	if (err && err_len)
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
	return -1;
}
