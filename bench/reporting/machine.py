"""The machine and software a benchmark run happened on (best effort: a
fact that cannot be read is "unknown")."""
import datetime
import json
import os
import platform
import re
import subprocess

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sh(cmd):
    try:
        out = subprocess.run(cmd, shell=True, capture_output=True, text=True,
                             timeout=60)
        return (out.stdout or out.stderr).strip()
    except Exception as e:  # noqa: BLE001 - machine facts are best effort
        return f"unknown ({e})"


def machine(build):
    cpuinfo = open("/proc/cpuinfo").read()
    model = re.search(r"^model name\s*:\s*(.*)$", cpuinfo, re.M)
    family = re.search(r"^cpu family\s*:\s*(.*)$", cpuinfo, re.M)
    cpu_model = re.search(r"^model\s*:\s*(.*)$", cpuinfo, re.M)
    flags = set(re.search(r"^flags\s*:\s*(.*)$", cpuinfo, re.M).group(1).split())
    wanted = ["sse4_2", "avx2", "fma", "avx512f", "avx512bw", "avx512vl",
              "avx512_vnni", "avx_vnni", "avx512_bf16", "avx512_vpopcntdq", "avx_vnni_int8",
              "amx_int8"]
    os_name = "unknown"
    if os.path.exists("/etc/os-release"):
        m = re.search(r'^PRETTY_NAME="?(.*?)"?$', open("/etc/os-release").read(), re.M)
        os_name = m.group(1) if m else os_name
    node_pkg = os.path.join(BENCH, "node_modules", "onnxruntime-node", "package.json")
    ort = json.load(open(node_pkg))["version"] if os.path.exists(node_pkg) else "not installed"
    return {
        "cpu": model.group(1) if model else "unknown",
        "cpu_family_model": f"{family.group(1) if family else '?'}/{cpu_model.group(1) if cpu_model else '?'}",
        "cores_online": os.cpu_count(),
        "flags_present": [f for f in wanted if f in flags],
        "flags_absent": [f for f in wanted if f not in flags],
        "os": os_name,
        "kernel": platform.release(),
        "llvm": sh("llvm-config-22 --version"),
        "lowbit_commit": sh("git -C %s rev-parse --short HEAD" % BENCH),
        "lowbit_compile_built": datetime.datetime.fromtimestamp(
            os.path.getmtime(os.path.join(build, "bin", "lowbit-compile")),
            datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
            if os.path.exists(os.path.join(build, "bin", "lowbit-compile")) else "unknown",
        "lowbit_modified_files": sh("git -C %s status --porcelain -- lib include tools | wc -l"
                                    % BENCH),
        "gxx": sh("g++ --version | head -1"),
        "node": sh("node --version"),
        "onnxruntime_node": ort,
        "onednn": sh("dpkg-query -W -f='${Version}' libdnnl-dev"),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }
