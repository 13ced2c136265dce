# `make fuzz`: libFuzzer + AddressSanitizer over the JSON reader (and the spec loader once it
# exists). Builds Fuzz/FuzzTarget.swift together with every ConnectorCompilerCore source as one
# module, then fuzzes for FUZZ_SECONDS. Any crash, per-input timeout or memory blow-up fails the
# target; the reproducer lands in $(FUZZ_DIR)/ (rerun it with `$(FUZZ_BIN) <file>`).
# LeakSanitizer is off (-detect_leaks=0 and ASAN_OPTIONS for the check at exit): it reports Swift's lazily initialised `static let`
# dictionaries as leaks at exit, because their storage pointers carry tag bits it cannot follow.
# Runaway memory is still caught by -rss_limit_mb and -malloc_limit_mb.
SWIFTC ?= swiftc
FUZZ_SECONDS ?= 60
FUZZ_DIR := .build-fuzz
FUZZ_BIN := $(FUZZ_DIR)/connector-fuzz
FUZZ_SOURCES := Fuzz/FuzzTarget.swift $(shell find Sources/ConnectorCompilerCore -name '*.swift' | sort)
# Fuzz the spec loader too when the core has `SpecLoader.load(bytes:file:)`.
FUZZ_LOADER_SIGNATURE := func load(bytes
FUZZ_DEFINES := $(if $(shell grep -rlsF '$(FUZZ_LOADER_SIGNATURE)' Sources/ConnectorCompilerCore),-D FUZZ_SPEC_LOADER)

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BIN)

$(FUZZ_BIN): $(FUZZ_SOURCES) mk/fuzz.mk
	@mkdir -p $(FUZZ_DIR)
	$(SWIFTC) -sanitize=fuzzer,address -parse-as-library -O -swift-version 6 -use-ld=lld $(FUZZ_DEFINES) \
		-module-name ConnectorCompilerCore $(FUZZ_SOURCES) -o $@

fuzz: $(FUZZ_BIN)
	@mkdir -p $(FUZZ_DIR)/corpus
	ASAN_OPTIONS=detect_leaks=0 $(FUZZ_BIN) $(FUZZ_DIR)/corpus Fuzz/corpus -dict=Fuzz/json.dict \
		-max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 -detect_leaks=0 -max_len=65536 \
		-artifact_prefix=$(FUZZ_DIR)/ -print_final_stats=1
