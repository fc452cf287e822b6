# Lowbit: the two commands of the README, and the benchmarks.
#   make demo   installs what is missing, builds, compiles and runs the example
#   make check  builds and runs every test (lit + unit tests + integration)
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build check demo bench clean

all: build

deps:
	bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -G Ninja -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++ $(CMAKE_FLAGS)

configure: deps $(BUILD_DIR)/build.ninja

build: configure
	ninja -C $(BUILD_DIR) -j $(JOBS)

check: build
	ninja -C $(BUILD_DIR) -j $(JOBS) check-lowbit

demo: build
	bash scripts/demo.sh $(BUILD_DIR)

# Benchmarks (not part of check): Lowbit vs oneDNN and ONNX Runtime, one
# thread; builds only lowbit-compile (bench/run.sh), writes bench/results/
# and the results section of docs/Performance.md.
bench: configure
	bash scripts/install-bench-deps.sh
	bash bench/run.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)
