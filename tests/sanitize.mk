# Sanitizer builds, apart from build/ so that they never disturb it: the
# user side compiled by clang with AddressSanitizer (leaks included) and
# UndefinedBehaviorSanitizer, for the tests (make asan: build-asan/) and
# for the fuzz targets (make fuzz: build-fuzz/, libFuzzer). docs/hardening.md.

SAN_CC := clang
SAN_FLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fsanitize=float-cast-overflow -fno-sanitize-recover=all
ASAN := build-asan
FUZZ := build-fuzz
SAN_BUILDS := $(ASAN) $(FUZZ)

# $(1): build folder, $(2): flags of its own. The user side as a library.
define san_lib
$(1)/user/%.o: user/%.c $(SKELS)
	@mkdir -p $$(@D)
	$(SAN_CC) $(SAN_FLAGS) $(2) $(USER_FLAGS) $(DEPFLAGS) -c $$< -o $$@
$(1)/user/classify/categories.o: user/classify/categories.conf
$(1)/user/output/html.o: user/output/html/report.js user/output/html/report.css
$(1)/libmeshprof.a: $(patsubst user/%.c,$(1)/user/%.o,$(USER_SRCS))
	$(AR) rcs $$@ $$^
endef
$(eval $(call san_lib,$(ASAN),))
$(eval $(call san_lib,$(FUZZ),-fsanitize=fuzzer-no-link))

# ---- make asan: meshprof, the unit tests and profrun, sanitized ----
ASAN_BINS := $(ASAN)/meshprof $(ASAN)/tests/profrun \
	$(patsubst tests/unit/%.c,$(ASAN)/tests/%,$(UNIT_SRCS))

$(ASAN)/meshprof: user/cmd/main.c $(ASAN)/libmeshprof.a
	$(SAN_CC) $(SAN_FLAGS) $(USER_FLAGS) $(DEPFLAGS) -MF $(ASAN)/main.d $< \
		$(ASAN)/libmeshprof.a $(LDLIBS) -lncurses -o $@

$(ASAN)/tests/test_%: tests/unit/test_%.c $(ASAN)/libmeshprof.a
	@mkdir -p $(@D)
	$(SAN_CC) $(SAN_FLAGS) $(USER_FLAGS) $(DEPFLAGS) $< $(ASAN)/libmeshprof.a \
		$(LDLIBS) -lcmocka -o $@

$(ASAN)/tests/profrun: tests/tools/profrun.c $(ASAN)/libmeshprof.a
	@mkdir -p $(@D)
	$(SAN_CC) $(SAN_FLAGS) $(USER_FLAGS) $(DEPFLAGS) $< $(ASAN)/libmeshprof.a \
		$(LDLIBS) -o $@

# ---- make fuzz: one libFuzzer target per parser of outside input ----
# tests/fuzz/README.md says what each reads.
FUZZ_TARGETS := runjson loadgen rules categories weights cgroup procstat \
	procmaps kubelet elfsyms unwind prom
FUZZ_BINS := $(addprefix $(FUZZ)/fuzz_,$(FUZZ_TARGETS))
FUZZ_SECONDS ?= 300

# The JSON inputs are mutated one field at a time (json_mutator.c).
$(FUZZ)/fuzz_runjson $(FUZZ)/fuzz_loadgen: tests/fuzz/json_mutator.c

$(FUZZ)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ)/libmeshprof.a
	$(SAN_CC) $(SAN_FLAGS) -fsanitize=fuzzer $(USER_FLAGS) $(DEPFLAGS) \
		-MF $@.d $(filter %.c,$^) $(FUZZ)/libmeshprof.a $(LDLIBS) -o $@

.PHONY: asan asan-build fuzz fuzz-build
asan-build: $(ASAN_BINS)
fuzz-build: $(FUZZ_BINS)

asan: deps
	@$(MAKE) --no-print-directory all tools asan-build
	@tests/run.sh asan

# Each target for FUZZ_SECONDS, niced: the corpus grows in build-fuzz/.
fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@nice -n 19 tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)
