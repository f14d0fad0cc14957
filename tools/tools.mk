# Mesh lab (tools/meshlab, docs/lab.md): the load generator and the
# application server it drives. Included by the top Makefile.

# Rules here must not become the default goal: the top Makefile includes
# this file before `all`.
LAB_SAVED_GOAL := $(.DEFAULT_GOAL)

LAB_SRC := tools/loadgen
LAB_CFLAGS := -g -O2 -Wall -Wextra -Wno-unused-parameter -std=gnu11 -pthread
LAB_LDLIBS := -lssl -lcrypto -lpthread -lm
LAB_DEPS := $(LAB_SRC)/common.c $(LAB_SRC)/common.h

TOOL_BINS += $(BUILD)/tools/meshlab-load $(BUILD)/tools/meshlab-server

$(BUILD)/tools/meshlab-load: $(LAB_SRC)/meshlab-load.c $(LAB_DEPS)
	@mkdir -p $(@D)
	$(CC) $(LAB_CFLAGS) $< $(LAB_SRC)/common.c -o $@ $(LAB_LDLIBS)

$(BUILD)/tools/meshlab-server: $(LAB_SRC)/meshlab-server.c $(LAB_DEPS)
	@mkdir -p $(@D)
	$(CC) $(LAB_CFLAGS) $< $(LAB_SRC)/common.c -o $@ $(LAB_LDLIBS)

.DEFAULT_GOAL := $(LAB_SAVED_GOAL)
