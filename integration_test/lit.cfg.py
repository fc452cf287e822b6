# -*- Python -*-
# Integration tests: compile models with lowbit-compile, RUN the code on
# x86-64 and (under qemu-aarch64) on AArch64, and compare the outputs with
# references computed independently in Python (integration_test/reference).

import os
import shutil
import subprocess

import lit.formats
from lit.llvm import llvm_config

config.name = "LOWBIT-INTEGRATION"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.lowbit_obj_root, "integration_test")
config.excludes = ["reference", "Inputs", "onnx-conformance", "ptq"]

llvm_config.with_system_environment(["HOME", "TMP", "TEMP"])
llvm_config.use_default_substitutions()
tool_dirs = [config.lowbit_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(["lowbit-opt", "lowbit-compile", "lowbit-run", "lowbit-translate"], tool_dirs)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.lowbit_tools_dir, append_path=True)

# Debian's Python with numpy (the first python3 on PATH may lack it).
python = "/usr/bin/python3"
src = config.lowbit_src_root
config.substitutions.extend([
    ("%python", python),
    ("%examples", os.path.join(src, "examples")),
    ("%reference", os.path.join(src, "integration_test", "reference")),
    ("%check-integer-only",
     f"{python} {os.path.join(src, 'scripts', 'check-integer-only.py')}"),
    ("%qemu-aarch64", "qemu-aarch64 -L /usr/aarch64-linux-gnu"),
])

# The importer's libFuzzer target (built only when clang++-22 is present).
if os.path.exists(os.path.join(config.lowbit_tools_dir, "onnx-import-fuzzer")):
    config.available_features.add("libfuzzer")
config.substitutions.append(
    ("%onnx_node_tests", "/usr/share/libonnx-testdata/data/node"))
config.substitutions.append(("%lowbit_bin", config.lowbit_tools_dir))

if shutil.which("qemu-aarch64") and shutil.which("aarch64-linux-gnu-gcc"):
    config.available_features.add("aarch64-qemu")


def host_has(flag):
    try:
        with open("/proc/cpuinfo") as f:
            return any(flag in line.split() for line in f
                       if line.startswith("flags"))
    except OSError:
        return False


if os.uname().machine == "x86_64":
    config.available_features.add("host-x86_64")
    for flag in ["avx2", "avx512f", "avx512_vnni", "avx512bw",
                 "avx512_vpopcntdq"]:
        if host_has(flag):
            config.available_features.add("host-" + flag)
