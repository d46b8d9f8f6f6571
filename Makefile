# Thin wrapper: the two commands of README.md.  Meson + Ninja do the building.
BUILD    ?= build
MESON    ?= meson
FUZZ_SECONDS ?= 20
# Debian packages: what building needs (make run), and what the tests add (make test):
# compilers for fixtures built at test time and the oracles they are compared with
# (debootstrap, musl and openssl: the real roots of tests/cli/test_check_reality.py;
# systemd: systemd-analyze verify/security for tests/cli/test_unit.py; buildah: the
# FROM scratch images of tests/cli/test_dockerfile.py; skopeo, umoci: the images of
# tests/cli/test_image.py; nettle: SHA-256 of image blobs, loaded by `image` only;
# zlib1g-dev: inflating the crate lists cargo auditable embeds in Rust programs;
# libc6-dev-arm64-cross: the C library of the aarch64 fixtures, which
# gcc-aarch64-linux-gnu only recommends; libclang-rt-14-dev: the sanitizer and
# libFuzzer runtimes, which clang does not bring; g++: the C++ fixture; git: the
# VCS build info of tests/cli/test_image.py; wget: debootstrap's downloads;
# ca-certificates, tzdata: the host's CA bundle and zoneinfo that the bundle,
# image and dockerfile tests carry into what they build; python3-junitparser: the
# JUnit reader of tests/cli/test_ci_reports.py; busybox-static: the shell put into
# the Alpine-shaped and scratch roots to run preflight's script there;
# libgraphviz-dev, libgvc6: Graphviz's headers, and the dot layout the HTML report
# loads when it draws a graph; chromium: the browser tests/cli/test_report.py
# renders the report in).  Named one by one: ensure-deps.sh installs
# without recommends, so `make fresh-test` proves this list on a new Debian 12 root.
BUILD_DEPS := meson ninja-build gcc libc6-dev pkg-config libjansson-dev libarchive-dev nettle-dev zlib1g-dev \
              libgraphviz-dev libgvc6
TEST_DEPS  := $(BUILD_DEPS) clang musl-tools lib32gcc-12-dev libc6-dev-i386 gcc-aarch64-linux-gnu \
              libc6-dev-arm64-cross g++ libclang-rt-14-dev git wget ca-certificates tzdata \
              golang-go binutils python3 python3-jsonschema strace debian-archive-keyring \
              gcc-mingw-w64 binutils-mingw-w64 lld llvm debootstrap musl openssl systemd buildah \
              skopeo umoci python3-junitparser busybox-static chromium

.PHONY: all run test deps build-deps build build-asan clean fuzz bench fresh-test

all: build

deps:
	@sh tools/ensure-deps.sh $(TEST_DEPS)

build-deps:
	@sh tools/ensure-deps.sh $(BUILD_DEPS)

$(BUILD)/build.ninja:
	$(MESON) setup $(BUILD) --werror

# The sanitizer build: clang (so the code must build warning-free with clang
# too), AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer, on with
# ASan); tools/run-tests.sh runs the whole suite in it and any report fails.
$(BUILD)-asan/build.ninja:
	CC=clang $(MESON) setup $(BUILD)-asan --werror -Db_sanitize=address,undefined -Db_lundef=false \
	    -Dc_args=-fno-sanitize-recover=all -Dc_link_args=-fno-sanitize-recover=all \
	    -Dfixture_dir=$(abspath $(BUILD))/tests/cli/fixtures

build-asan: $(BUILD)-asan/build.ninja
	ninja -C $(BUILD)-asan

build: build-deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

# Build, then inspect the freshly built tool itself and /bin/sh.
run: build
	./$(BUILD)/src/shipready inspect ./$(BUILD)/src/shipready /bin/sh

# Every fuzz target for a short fixed budget (after replaying its whole
# corpus), then the whole suite in the plain and the sanitizer build; the
# last line printed is `tests: N passed, N failed`.
test: deps build build-asan
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh fuzz/run.sh short
	@sh tools/run-tests.sh $(BUILD) $(BUILD)-asan

# `make test` on a throw-away Debian 12 minbase root (debootstrap; as root,
# about 45 minutes): the proof, before a change of dependencies lands, that
# the two commands work on a new machine.  Not part of `make test`.
fresh-test:
	@sh tools/fresh-test.sh

fuzz: deps
	@sh fuzz/run.sh long

bench: build
	@sh bench/inspect.sh ./$(BUILD)/src/shipready
	@sh bench/deps.sh ./$(BUILD)/src/shipready
	@sh bench/go.sh ./$(BUILD)/src/shipready
	@sh bench/image.sh ./$(BUILD)/src/shipready
	@python3 bench/hostile.py ./$(BUILD)/src/shipready $(BUILD)/bench-hostile
	@sh bench/scan.sh ./$(BUILD)/src/shipready
	@sh bench/report.sh ./$(BUILD)/src/shipready

clean:
	rm -rf $(BUILD) $(BUILD)-asan
