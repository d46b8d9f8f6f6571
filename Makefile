# Thin wrapper: the two commands of README.md.  Meson + Ninja do the building.
BUILD    ?= build
MESON    ?= meson
# Debian packages: what building needs (make run), and what the tests add (make test):
# compilers for fixtures built at test time and the oracles they are compared with.
BUILD_DEPS := meson ninja-build gcc pkg-config libjansson-dev
TEST_DEPS  := $(BUILD_DEPS) clang musl-tools lib32gcc-12-dev libc6-dev-i386 gcc-aarch64-linux-gnu \
              golang-go binutils python3 python3-jsonschema strace

.PHONY: all run test deps build-deps build build-clang clean fuzz bench

all: build

deps:
	@sh tools/ensure-deps.sh $(TEST_DEPS)

build-deps:
	@sh tools/ensure-deps.sh $(BUILD_DEPS)

$(BUILD)/build.ninja:
	$(MESON) setup $(BUILD) --werror

# The code must build warning-free with clang too (the default build uses cc = gcc).
$(BUILD)-clang/build.ninja:
	CC=clang $(MESON) setup $(BUILD)-clang --werror

build-clang: $(BUILD)-clang/build.ninja
	ninja -C $(BUILD)-clang

build: build-deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

# Build, then inspect the freshly built tool itself and /bin/sh.
run: build
	./$(BUILD)/src/shipready inspect ./$(BUILD)/src/shipready /bin/sh

test: deps build build-clang
	@sh tools/run-tests.sh $(BUILD)

fuzz: deps
	@sh fuzz/run.sh long

bench: build
	@sh bench/inspect.sh ./$(BUILD)/src/shipready

clean:
	rm -rf $(BUILD) $(BUILD)-clang
