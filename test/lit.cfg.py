# -*- Python -*-
# lit configuration of Lowbit's IR tests (no code is run here; see
# integration_test/ for the tests that compile and execute models).

import os

import lit.formats
from lit.llvm import llvm_config

config.name = "LOWBIT"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.lowbit_obj_root, "test")
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "CMakeLists.txt", "Inputs"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()
# ONNX's operator test suite (Debian's libonnx-testdata), one model per folder.
config.substitutions.append(
    ("%onnx_node_tests", "/usr/share/libonnx-testdata/data/node"))

tool_dirs = [config.lowbit_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(["lowbit-opt", "lowbit-compile", "lowbit-run", "lowbit-translate"], tool_dirs)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.lowbit_tools_dir, append_path=True)
