# Thin wrapper: the two commands of README.md.  Meson + Ninja do the building.
BUILD    ?= build
MESON    ?= meson
# Debian packages needed to build and to run every test (fixtures are built at test time).
DEB_DEPS := meson ninja-build gcc clang pkg-config libjansson-dev libarchive-dev nettle-dev \
            musl-tools lib32gcc-12-dev libc6-dev-i386 gcc-aarch64-linux-gnu golang-go \
            binutils python3 python3-jsonschema strace

.PHONY: all run test deps build clean fuzz bench

all: build

deps:
	@sh tools/ensure-deps.sh $(DEB_DEPS)

$(BUILD)/build.ninja:
	$(MESON) setup $(BUILD) --werror

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

# Build, then inspect the freshly built tool itself and /bin/sh.
run: build
	./$(BUILD)/src/shipready inspect ./$(BUILD)/src/shipready /bin/sh

test: deps build
	@sh tools/run-tests.sh $(BUILD)

fuzz: deps
	@sh fuzz/run.sh long

bench: build
	@sh bench/inspect.sh ./$(BUILD)/src/shipready

clean:
	rm -rf $(BUILD)
