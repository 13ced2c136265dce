# Code generator: reference outputs and the hostile-input test.
.PHONY: reference hostile-test

REFERENCE_DIR := Tests/Reference

# Regenerates the committed reference outputs; review them with `git diff`.
reference: build
	rm -f $(REFERENCE_DIR)/Generated/*.swift
	$(COMPILER) generate --no-cache --output $(REFERENCE_DIR)/Generated --catalog --source-root . $(REFERENCE_DIR)/Specs

# 200+ seeded random specs with hostile strings in every slot: all must compile in one build and
# every string must round-trip byte for byte.
hostile-test: build
	python3 Tests/Hostile/hostile_test.py --compiler $(COMPILER) --package $(CURDIR) --count 220 --seed 20261123

TEST_STEPS += hostile-test
