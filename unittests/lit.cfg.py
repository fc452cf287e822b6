# -*- Python -*-
# Runs Lowbit's GoogleTest executables (every *Tests binary) through lit.

import os

import lit.formats

config.name = "LOWBIT-UNIT"
config.suffixes = []
config.test_exec_root = os.path.join(config.lowbit_obj_root, "unittests")
config.test_source_root = config.test_exec_root
config.test_format = lit.formats.GoogleTest(".", "Tests")
