# Mesh lab (tools/meshlab, docs/lab.md): the load generator, the application
# server it drives and the Rust proxy. Included by the top Makefile.

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

# The lab's Rust proxy and the Rust truth twin (tools/rustproxy). Debian's
# cargo and rustc by path (a rustup toolchain on PATH must not be used) and
# only the crates Debian ships (tools/rustproxy/.cargo/config.toml). CARGO_HOME
# under build/ keeps a user's ~/.cargo configuration out of the build.
RUST_DIR := tools/rustproxy
RUST_OUT := $(abspath $(BUILD))/rust
RUST_BINS := meshlab-rustproxy rusttwin
RUST_SRCS := $(RUST_DIR)/Cargo.toml $(RUST_DIR)/.cargo/config.toml \
	$(wildcard $(RUST_DIR)/src/*.rs $(RUST_DIR)/src/bin/*.rs $(RUST_DIR)/twin/*)
RUST_ENV := CARGO_HOME=$(RUST_OUT)/home CARGO_TARGET_DIR=$(RUST_OUT) \
	RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc

TOOL_BINS += $(BUILD)/tools/meshlab-rustproxy $(BUILD)/tests/rusttwin \
	$(patsubst %,$(RUST_OUT)/stripped/%,$(RUST_BINS))

# cargo leaves its outputs alone when nothing changed: touch them so that
# make does not ask again.
$(patsubst %,$(RUST_OUT)/release/%,$(RUST_BINS)) &: $(RUST_SRCS)
	cd $(RUST_DIR) && $(RUST_ENV) /usr/bin/cargo build --release --offline
	@touch $(patsubst %,$(RUST_OUT)/release/%,$(RUST_BINS))

$(BUILD)/tools/meshlab-rustproxy: $(RUST_OUT)/release/meshlab-rustproxy
	@mkdir -p $(@D)
	cp $< $@

$(BUILD)/tests/rusttwin: $(RUST_OUT)/release/rusttwin
	@mkdir -p $(@D)
	cp $< $@

# Stripped copies, with their symbols and DWARF in build-id named debug
# files (build/rust/debug/.build-id/xx/rest.debug), as distributions ship
# them: for meshprof's stripped-binary tests.
$(RUST_OUT)/stripped/%: $(RUST_OUT)/release/%
	@mkdir -p $(@D)
	@id=$$(readelf -n $< | awk '/Build ID:/ { print $$3 }'); \
	[ -n "$$id" ] || { echo "$<: no build ID" >&2; exit 1; }; \
	dir=$(RUST_OUT)/debug/.build-id/$$(echo $$id | cut -c1-2); \
	mkdir -p $$dir && \
	objcopy --only-keep-debug $< $$dir/$$(echo $$id | cut -c3-).debug && \
	objcopy --strip-all $< $@

.DEFAULT_GOAL := $(LAB_SAVED_GOAL)
