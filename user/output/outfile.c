// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE	/* mkostemp */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "outfile.h"

/* "DIR/.NAME.XXXXXX" for @path. */
static int temp_name(const char *path, char *buf, size_t len)
{
	char a[4096], b[4096];

	if (snprintf(a, sizeof(a), "%s", path) >= (int)sizeof(a))
		return -1;
	snprintf(b, sizeof(b), "%s", path);
	if (snprintf(buf, len, "%s/.%s.XXXXXX", dirname(a), basename(b)) >=
	    (int)len)
		return -1;
	return 0;
}

static int fail(char *err, size_t err_len, const char *path, const char *why)
{
	snprintf(err, err_len, "%s: cannot write: %s", path, why);
	return -1;
}

static int open_temp(const char *path, char *tmp, size_t len, char *err,
		     size_t err_len)
{
	struct stat st;
	int fd;

	if (!stat(path, &st) && !S_ISREG(st.st_mode))
		return fail(err, err_len, path, "not a regular file");
	if (temp_name(path, tmp, len))
		return fail(err, err_len, path, strerror(ENAMETOOLONG));
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return fail(err, err_len, path, strerror(errno));
	return fd;
}

int outfile_check(const char *path, char *err, size_t err_len)
{
	char tmp[4200];
	int fd = open_temp(path, tmp, sizeof(tmp), err, err_len);

	if (fd < 0)
		return -1;
	close(fd);
	unlink(tmp);
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= n;
	}
	return 0;
}

int outfile_write(const char *path, const char *data, size_t len, char *err,
		  size_t err_len)
{
	char tmp[4200];
	int fd = open_temp(path, tmp, sizeof(tmp), err, err_len), e;

	if (fd < 0)
		return -1;
	/* A full disk shows at write or at close: check both. */
	if (write_all(fd, data, len) || fchmod(fd, 0644) || fsync(fd) ||
	    close(fd)) {
		e = errno;
		unlink(tmp);
		return fail(err, err_len, path, strerror(e));
	}
	if (rename(tmp, path)) {
		e = errno;
		unlink(tmp);
		return fail(err, err_len, path, strerror(e));
	}
	return 0;
}

int outfile_print(const char *path, int (*print)(FILE *f, const void *arg),
		  const void *arg, char *err, size_t err_len)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc = -1;

	if (f) {
		rc = print(f, arg);
		rc = fclose(f) ? -1 : rc;
	}
	if (rc) {
		free(buf);
		return fail(err, err_len, path, "out of memory");
	}
	rc = outfile_write(path, buf, len, err, err_len);
	free(buf);
	return rc;
}
