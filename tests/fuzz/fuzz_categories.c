// SPDX-License-Identifier: GPL-2.0
/* Category files (--categories, classify/categories.c), and classifying
 * stacks with what they hold. */
#include "fuzz.h"
#include <stdio.h>
#include "categories.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct frame kern[] = {
		{ "tcp_sendmsg", "kernel", 0x10, true },
		{ NULL, "kernel", 0x20, true },
	};
	static const struct frame user[] = {
		{ "SSL_write", "libssl.so.3", 0x100, false },
		{ NULL, "envoy", 0x200, false },
		{ "Envoy::Http::Http1::ConnectionImpl::dispatch", "envoy", 0x300,
		  false },
	};
	struct classifier *c = classifier_new();
	char *text = fuzz_string(data, size), err[256];

	if (c && text && !classifier_parse(c, text, "fuzz.conf", err, sizeof(err))) {
		classify_stack(c, kern, 2, user, 3);
		classify_stack(c, NULL, 0, user + 1, 2);
		classify_stack(c, kern + 1, 1, NULL, 0);
	}
	classifier_free(c);
	free(text);
	return 0;
}
