// SPDX-License-Identifier: GPL-2.0
/* Rules files (--rules, classify/rules.c), and matching with what they
 * hold. */
#include "fuzz.h"
#include <stdio.h>
#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct proc_facts facts[] = {
		{ "envoy", "/usr/local/bin/envoy",
		  "/kubepods.slice/kubepods-pod1.slice/cri-containerd-ab.scope" },
		{ "wrk:worker_0", "", "" },
		{ "", "/bin/sh", "/system.slice/x.service" },
	};
	struct ruleset rs = { 0 };
	char *text = fuzz_string(data, size), err[256];

	if (!text)
		return 0;
	if (!rules_parse(&rs, text, "fuzz.rules", err, sizeof(err)) &&
	    !rules_add_builtin(&rs))
		for (size_t i = 0; i < sizeof(facts) / sizeof(facts[0]); i++)
			rules_match(&rs, &facts[i]);
	rules_free(&rs);
	free(text);
	return 0;
}
