// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE	/* memmem */
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include "fit.h"

int terminal_width(FILE *f)
{
	struct winsize ws;
	int fd = fileno(f);

	if (fd < 0 || !isatty(fd) || ioctl(fd, TIOCGWINSZ, &ws))
		return 0;
	return ws.ws_col;
}

static bool tabular(const char *line, size_t len)
{
	size_t indent = strspn(line, " ");

	return memmem(line + indent, len - indent, "  ", 2) != NULL;
}

/* Where to end a piece of at most @room characters of @s (@len long): at
 * its last blank, else at @room. */
static size_t cut_at(const char *s, size_t len, size_t room)
{
	size_t i;

	if (len <= room)
		return len;
	for (i = room; i > 0 && s[i] != ' '; i--)
		;
	return i ? i : room;
}

static void print_line(FILE *out, const char *s, size_t len, size_t width)
{
	size_t n;

	if (len <= width) {
		fprintf(out, "%.*s\n", (int)len, s);
		return;
	}
	if (tabular(s, len)) {
		n = cut_at(s, len, width);
		while (n && s[n - 1] == ' ')
			n--;
		fprintf(out, "%.*s\n", (int)n, s);
		return;
	}
	n = cut_at(s, len, width);
	fprintf(out, "%.*s\n", (int)n, s);
	for (s += n, len -= n; len; s += n, len -= n) {
		while (len && *s == ' ')
			s++, len--;
		if (!len)
			break;
		n = cut_at(s, len, width - 2);
		fprintf(out, "  %.*s\n", (int)n, s);
	}
}

void fit_print(FILE *out, const char *text, size_t len, int width)
{
	while (len) {
		const char *nl = memchr(text, '\n', len);
		size_t n = nl ? (size_t)(nl - text) : len;

		if (width > 2)
			print_line(out, text, n, width);
		else
			fprintf(out, "%.*s\n", (int)n, text);
		n += nl != NULL;
		text += n;
		len -= n;
	}
}
