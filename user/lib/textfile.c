// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "textfile.h"

void text_escape(char *s, size_t len)
{
	size_t n = strlen(s), i, out = 0;
	char *copy = strdup(s);

	if (!copy)
		return;
	for (i = 0; i < n; i++) {
		unsigned char c = copy[i];
		bool plain = c >= 0x20 && c < 0x7f;

		if (out + (plain ? 1 : 4) >= len)
			break;
		if (plain)
			s[out++] = c;
		else
			out += snprintf(s + out, len - out, "\\x%02x", c);
	}
	s[out] = '\0';
	free(copy);
}

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
	text_escape(pos->err, pos->err_len);
	return -1;
}

bool text_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int read_error(const char *path, int err, char *msg, size_t msg_len)
{
	if (msg && msg_len)
		snprintf(msg, msg_len, "%s: %s", path, strerror(err));
	return -1;
}

static int too_large(const char *path, size_t max, char *msg, size_t msg_len)
{
	if (msg && msg_len)
		snprintf(msg, msg_len, "%s: larger than %zu MiB, more than meshprof reads",
			 path, max >> 20);
	return -1;
}

/* Reads @fd to its end, or to @max + 1 bytes. */
static int read_fd(int fd, size_t max, char **text, size_t *len)
{
	size_t cap = 0;
	char *grown;
	ssize_t n;

	do {
		if (*len + 1 >= cap) {
			cap = cap ? cap * 2 : 65536;
			grown = realloc(*text, cap);
			if (!grown)
				return -ENOMEM;
			*text = grown;
		}
		n = read(fd, *text + *len, cap - *len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		*len += n;
	} while (n > 0 && *len <= max);
	(*text)[*len] = '\0';
	return 0;
}

int text_read_max(const char *path, size_t max, char **text, size_t *len,
		  char *err, size_t err_len)
{
	struct stat st;
	int fd, ret;

	*text = NULL;
	*len = 0;
	/* Opened once and read once: a FIFO or /dev/stdin works too. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return read_error(path, errno, err, err_len);
	if (fstat(fd, &st) || S_ISDIR(st.st_mode)) {
		close(fd);
		return read_error(path, S_ISDIR(st.st_mode) ? EISDIR : errno,
				  err, err_len);
	}
	if (S_ISREG(st.st_mode) && (size_t)st.st_size > max) {
		close(fd);
		return too_large(path, max, err, err_len);
	}
	ret = read_fd(fd, max, text, len);
	close(fd);
	if (!ret && *len > max)
		ret = too_large(path, max, err, err_len);
	else if (ret)
		ret = read_error(path, -ret, err, err_len);
	if (ret) {
		free(*text);
		*text = NULL;
	}
	return ret;
}

int text_read(const char *path, char **text, char *err, size_t err_len)
{
	const char *nul;
	size_t len;
	int line = 1;

	if (text_read_max(path, TEXT_FILE_MAX, text, &len, err, err_len))
		return -1;
	nul = memchr(*text, '\0', len);
	if (!nul)
		return 0;
	/* What follows a NUL would be silently lost: refuse the file. */
	for (const char *p = *text; p < nul; p++)
		line += *p == '\n';
	if (err && err_len)
		snprintf(err, err_len, "%s:%d: a NUL byte: not a text file",
			 path, line);
	free(*text);
	*text = NULL;
	return -1;
}
