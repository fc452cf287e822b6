"""The tables, charts and sentences of bench/report.py, one module per
benchmark (matmul, conv, binary, depthwise, models), the goals of the
performance issue (goals) and what they share (common, machine)."""
