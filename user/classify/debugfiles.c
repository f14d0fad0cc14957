// SPDX-License-Identifier: GPL-2.0
/*
 * Separate debug files by build ID (debugfiles.h). The directories use
 * the layout of Debian's -dbg and -dbgsym packages and of
 * `objcopy --only-keep-debug` plus a build-id name:
 * DIR/.build-id/xx/rest.debug, xx the build ID's first byte in hex. A
 * directory that is itself a .build-id directory (DIR/xx/rest.debug)
 * works too.
 *
 * debuginfod is asked only when the user set DEBUGINFOD_URLS, and only
 * for files stripped of their symbol table (the caller says which): it
 * is a network fetch, cached by libdebuginfod in
 * $DEBUGINFOD_CACHE_PATH (default ~/.cache/debuginfod_client).
 */
#include <elfutils/debuginfod.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "debugfiles.h"
#include "dynlib.h"

#define DEFAULT_DEBUG_DIR "/usr/lib/debug"
#define BUILD_ID_HEX_MAX 128
#define WHERE_MAX 1024

/* libdebuginfod, loaded at the first remote query (dynlib.h). */
static struct {
	__typeof__(debuginfod_begin) *begin;
	__typeof__(debuginfod_find_debuginfo) *find_debuginfo;
	__typeof__(debuginfod_end) *end;
} dfd;

static const struct dynlib_fn dfd_fns[] = {
	{ "debuginfod_begin", (void **)&dfd.begin },
	{ "debuginfod_find_debuginfo", (void **)&dfd.find_debuginfo },
	{ "debuginfod_end", (void **)&dfd.end },
};

struct debug_files {
	char *dirs[DEBUG_DIRS_MAX + 1];
	size_t ndirs;
	bool remote_on;			/* DEBUGINFOD_URLS is set */
	debuginfod_client *client;	/* started at the first query */
	bool remote_failed;		/* ... and could not be */
	char where[WHERE_MAX];
	struct debug_files_stats stats;
};

static void say_where(struct debug_files *df)
{
	size_t len = 0, i;

	for (i = 0; i < df->ndirs && len < sizeof(df->where); i++)
		len += snprintf(df->where + len, sizeof(df->where) - len,
				"%s%s", i ? ", " : "", df->dirs[i]);
	if (len < sizeof(df->where))
		snprintf(df->where + len, sizeof(df->where) - len,
			 df->remote_on ? ", debuginfod" :
			 "; debuginfod not asked (DEBUGINFOD_URLS unset)");
}

struct debug_files *debug_files_new(const char *const *dirs, size_t ndirs)
{
	struct debug_files *df = calloc(1, sizeof(*df));
	const char *urls = getenv(DEBUGINFOD_URLS_ENV_VAR);
	size_t i;

	if (!df)
		return NULL;
	if (ndirs > DEBUG_DIRS_MAX)
		ndirs = DEBUG_DIRS_MAX;
	for (i = 0; i < ndirs; i++)
		df->dirs[df->ndirs++] = strdup(dirs[i]);
	df->dirs[df->ndirs++] = strdup(DEFAULT_DEBUG_DIR);
	for (i = 0; i < df->ndirs; i++) {
		if (!df->dirs[i]) {
			debug_files_free(df);
			return NULL;
		}
	}
	df->remote_on = urls && *urls;
	say_where(df);
	return df;
}

void debug_files_free(struct debug_files *df)
{
	if (!df)
		return;
	for (size_t i = 0; i < df->ndirs; i++)
		free(df->dirs[i]);
	if (df->client)
		dfd.end(df->client);
	free(df);
}

static int open_local(const struct debug_files *df, const char *hex,
		      char *path, size_t path_len)
{
	static const char *const layouts[] = {
		"%s/.build-id/%.2s/%s.debug", "%s/%.2s/%s.debug",
	};
	size_t i, l;
	int fd;

	for (i = 0; i < df->ndirs; i++) {
		for (l = 0; l < sizeof(layouts) / sizeof(layouts[0]); l++) {
			if (snprintf(path, path_len, layouts[l], df->dirs[i],
				     hex, hex + 2) >= (int)path_len)
				continue;
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd >= 0)
				return fd;
		}
	}
	return -1;
}

static debuginfod_client *start_client(void)
{
	char err[256];

	if (dynlib_load("libdebuginfod.so.1", dfd_fns,
			sizeof(dfd_fns) / sizeof(dfd_fns[0]), err, sizeof(err))) {
		fprintf(stderr, "meshprof: debuginfod not asked: %s\n", err);
		return NULL;
	}
	return dfd.begin();
}

static int open_remote(struct debug_files *df, const unsigned char *id,
		       size_t len, char *path, size_t path_len)
{
	char *found = NULL;
	int fd;

	if (!df->client && !df->remote_failed)
		df->client = start_client();
	if (!df->client) {
		df->remote_failed = true;
		return -1;
	}
	fd = dfd.find_debuginfo(df->client, id, len, &found);
	if (fd < 0)
		return -1;
	snprintf(path, path_len, "%s", found ? found : "debuginfod");
	free(found);
	return fd;
}

int debug_files_open(struct debug_files *df, const unsigned char *id,
		     size_t len, bool remote, char *path, size_t path_len)
{
	char hex[BUILD_ID_HEX_MAX + 1];
	size_t i;
	int fd;

	if (len < 2 || len * 2 > BUILD_ID_HEX_MAX)
		return -1;
	for (i = 0; i < len; i++)
		sprintf(hex + 2 * i, "%02x", id[i]);
	fd = open_local(df, hex, path, path_len);
	if (fd >= 0) {
		df->stats.local++;
		return fd;
	}
	if (remote && df->remote_on) {
		fd = open_remote(df, id, len, path, path_len);
		if (fd >= 0) {
			df->stats.remote++;
			return fd;
		}
	}
	return -1;
}

const char *debug_files_where(const struct debug_files *df)
{
	return df->where;
}

const struct debug_files_stats *debug_files_stats(const struct debug_files *df)
{
	return &df->stats;
}
