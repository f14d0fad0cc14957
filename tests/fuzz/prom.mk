# The libFuzzer target of Prometheus's answers (tests/fuzz/fuzz_prom.c):
# make fuzz-prom runs it for FUZZ_PROM_SECONDS. The query folder is built
# with the fuzzer's coverage and the sanitizers; the rest comes from the
# library as it is.
FUZZ_PROM := $(BUILD)/fuzz/fuzz_prom
FUZZ_PROM_SECONDS ?= 300
FUZZ_PROM_SRCS := tests/fuzz/fuzz_prom.c $(wildcard user/query/*.c) user/lib/strmap.c

$(FUZZ_PROM): $(FUZZ_PROM_SRCS) $(BUILD)/libmeshprof.a
	@mkdir -p $(@D)
	clang $(CFLAGS) -O1 -fno-omit-frame-pointer \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		$(FUZZ_PROM_SRCS) $(BUILD)/libmeshprof.a $(LDLIBS) -o $@

.PHONY: fuzz-prom
fuzz-prom: $(FUZZ_PROM)
	@mkdir -p $(BUILD)/fuzz/corpus-prom
	nice -n 19 $(FUZZ_PROM) -max_total_time=$(FUZZ_PROM_SECONDS) -max_len=65536 \
		-rss_limit_mb=2048 $(BUILD)/fuzz/corpus-prom tests/fuzz/corpus/prom
