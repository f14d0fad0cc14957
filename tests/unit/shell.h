/* SPDX-License-Identifier: GPL-2.0 */
/* Shell commands for unit tests that build their own ELF files. Include
 * after <cmocka.h>. */
#ifndef MESHPROF_TEST_SHELL_H
#define MESHPROF_TEST_SHELL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Runs a shell command; a failure fails the test. */
__attribute__((format(printf, 1, 2)))
static void sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd))
		fail_msg("command failed: %s", cmd);
}

#endif
