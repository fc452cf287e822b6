#!/usr/bin/python3
"""Writes the NHWC-facing version of a bench/conv model from its pack-phase
MLIR (`lowbit-compile NAME.mlir --until=pack`): the model function alone,
taking the input [1, H, W, C] and returning the result [1, OH, OW, F] of
its kernel, without the two lowbit.transpose ops that lowbit-pack-weights
puts around it for the NCHW graph. The kernel is a lowbit.packed_conv2d,
or for a 1x1 convolution with stride 1 and no padding a
lowbit.packed_fully_connected between two reshapes. In a whole network
lowbit-sink-transposes cancels those between consecutive NHWC kernels;
this model times the kernel as it runs there.

    nhwc_model.py PACKED.mlir NAME OUT.mlir
"""
import re
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    packed, name, out = sys.argv[1:]
    lines = open(packed).read().split("\n")
    head = next(i for i, l in enumerate(lines)
                if re.match(rf"\s*func\.func (private )?@{name}\(", l))
    end = next(i for i in range(head, len(lines)) if lines[i] == "  }")
    body = lines[head + 1:end]
    to_nhwc = [l for l in body if "lowbit.transpose %arg0 permutation [0, 2, 3, 1]" in l]
    to_nchw = [l for l in body if "permutation [0, 3, 1, 2]" in l]
    kernel = [l for l in body if re.search(
        r"lowbit\.packed_(conv2d|fully_connected) ", l)]
    if len(to_nhwc) != 1 or len(to_nchw) != 1 or len(kernel) != 1:
        sys.exit(f"nhwc_model.py: @{name} is not transpose, a packed "
                 "kernel, transpose")
    t_in = re.match(r"\s*(%\w+) = .* : (.*) -> (.*)$", to_nhwc[0])
    t_out = re.match(r"\s*(%\w+) = lowbit.transpose (%\w+) .* : (.*) -> (.*)$",
                     to_nchw[0])
    nhwc_in, nhwc_out = t_in.group(3), t_out.group(3)
    rewritten = []
    for l in body:
        if l in (to_nhwc[0], to_nchw[0]):
            continue
        l = re.sub(rf"{t_in.group(1)}\b", "%arg0", l)
        if l.strip().startswith("return"):
            l = f"    return {t_out.group(2)} : {nhwc_out}"
        rewritten.append(l)
    signature = (f"  func.func @{name}(%arg0: {nhwc_in}) -> {nhwc_out} {{")
    text = "\n".join(["module {", signature] + rewritten + ["  }", "}"])
    # The dense_resource blobs, if any, follow the module.
    tail = "\n".join(lines[lines.index("}", end) + 1:])
    open(out, "w").write(text + "\n" + tail)


if __name__ == "__main__":
    main()
