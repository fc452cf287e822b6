//===- LowbitBinaryOps.td - Binary (XNOR-popcount) layers --*- tablegen -*-===//
//
// Binarized layers (BNN / XNOR-Net): activations and weights of +-1 packed
// 64 per i64 word, dot products as XOR + popcount. The bit convention, the
// same everywhere: bit 1 stands for -1, bit 0 for +1; bits beyond the
// packed dimension in the last word (padding) are 0. docs/IntegerSemantics.md
// ("Binary layers") gives the exact definitions.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_DIALECT_LOWBIT_IR_LOWBITBINARYOPS_TD
#define LOWBIT_DIALECT_LOWBIT_IR_LOWBITBINARYOPS_TD

include "lowbit/Dialect/Lowbit/IR/LowbitDialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

/// 64 signs per word, bit b of word w holding element 64 w + b.
def Lowbit_PackedSignTensor : RankedTensorOf<[I64]>;

def Lowbit_BinarizeOp : Op<Lowbit_Dialect, "binarize", [Pure]> {
  let summary = "Signs of a tensor packed 64 per i64 word along one axis";
  let description = [{
    Bit b of word w of the result holds the sign of element 64 w + b along
    `axis`: 1 when the real value is negative (q < Z for a per-tensor
    quantized input with zero point Z; x < 0 for float32, so -0.0 and NaN
    give 0), 0 otherwise, so that sign(0) = +1 (ONNX Sign gives 0 there; a
    binary layer has no 0). The packed axis moves to the innermost position
    and has ceil(C / 64) words for C elements; the padding bits of the last
    word are 0. An NCHW input [N, C, H, W] with axis 1 gives
    [N, H, W, ceil(C / 64)], the input layout of `lowbit.binary_conv2d`;
    [M, K] with axis 1 gives [M, ceil(K / 64)].

    ```mlir
    %b = lowbit.binarize %x {axis = 1 : i64}
        : tensor<1x96x14x14x!quant.uniform<u8:f32, 0.05:128>>
          -> tensor<1x14x14x2xi64>
    ```
  }];
  let arguments = (ins RankedTensorOf<[Lowbit_PerTensorQuantizedElement,
                                       F32]>:$input,
                       I64Attr:$axis);
  let results = (outs Lowbit_PackedSignTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Lowbit_BinarizeThresholdOp
    : Op<Lowbit_Dialect, "binarize_threshold", [Pure]> {
  let summary = "Signs of int32 accumulators by per-channel integer "
                "thresholds, packed like lowbit.binarize";
  let description = [{
    Bit = 1 (-1) where acc < threshold[c], 0 (+1) otherwise, with c the
    index along `axis` (one threshold for every channel, or one per
    channel), packed 64 per word along `axis` exactly as `lowbit.binarize`
    packs (the axis moves innermost, padding bits 0). Thresholds are int64
    so that "always -1" (2^31) and "never" (-2^31) are expressible.

    `lowbit-fold-binarize-threshold` makes it from
    `binarize(requantize(acc))`: requantize is non-decreasing in acc
    (multipliers are non-negative), so q < Z holds exactly below the
    smallest acc whose requantized value reaches Z, which it finds by
    binary search over the requantize function itself.

    ```mlir
    %bits = lowbit.binarize_threshold %acc {axis = 1 : i64,
        thresholds = array<i64: -3, 12, 2147483648>}
        : tensor<1x3x14x14xi32> -> tensor<1x14x14x1xi64>
    ```
  }];
  let arguments = (ins Lowbit_AccumulatorTensor:$input, I64Attr:$axis,
                       DenseI64ArrayAttr:$thresholds);
  let results = (outs Lowbit_PackedSignTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Lowbit_BinaryFullyConnectedOp
    : Op<Lowbit_Dialect, "binary_fully_connected", [Pure]> {
  let summary = "Fully-connected layer on +-1 values: XOR and popcount";
  let description = [{
    `input` is [M, W] and `weight` [N, W] packed signs (W = ceil(K / 64),
    `depth` = K; padding bits 0), `bias` an optional [N] int32. The result
    is the exact dot product of the +-1 vectors, as int32 [M, N]:

      acc[m, n] = K - 2 * popcount(input[m] XOR weight[n]) (+ bias[n])

    (equal and opposite signs contribute +1 and -1). The weights are a
    constant in practice (a layer's sign(W), its scale folded into the
    following `lowbit.requantize`).

    ```mlir
    %acc = lowbit.binary_fully_connected %x, %w, %b {depth = 100 : i64}
        : tensor<1x2xi64>, tensor<10x2xi64>, tensor<10xi32> -> tensor<1x10xi32>
    ```
  }];
  let arguments = (ins Lowbit_PackedSignTensor:$input,
                       Lowbit_PackedSignTensor:$weight,
                       Optional<Lowbit_AccumulatorTensor>:$bias,
                       I64Attr:$depth);
  let results = (outs Lowbit_AccumulatorTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` type($input) `,`
    type($weight) (`,` type($bias)^)? `->` type($result)
  }];
  let hasVerifier = 1;
}

def Lowbit_BinaryConv2DOp : Op<Lowbit_Dialect, "binary_conv2d", [Pure]> {
  let summary = "2-D convolution on +-1 values: XOR and popcount per tap";
  let description = [{
    `input` is [N, H, W, Cw] and `weight` [O, KH, KW, Cw] packed signs along
    the channels (Cw = ceil(C / 64), `channels` = C; padding bits 0), `bias`
    an optional [O] int32. The result is the int32 accumulator in NCHW,
    [N, O, OH, OW], so that the rest of an NCHW graph continues:

      acc[n, o, y, x] = bias[o] + sum over taps (i, j) inside the input of
          C - 2 * popcount(input[n, iy, ix] XOR weight[o, i, j])
      with iy = y * sh + i * dh - top, ix = x * sw + j * dw - left

    A tap in the zero padding contributes 0, exactly as ONNX Conv with zero
    pads on the +-1 outputs of Sign does. `pads` is [top, left, bottom,
    right]; OH = floor((H + top + bottom - dh (KH - 1) - 1) / sh) + 1, OW
    likewise.

    ```mlir
    %acc = lowbit.binary_conv2d %x, %w {channels = 96 : i64,
        strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
        dilations = array<i64: 1, 1>}
        : tensor<1x14x14x2xi64>, tensor<128x3x3x2xi64> -> tensor<1x128x14x14xi32>
    ```
  }];
  let arguments = (ins Lowbit_PackedSignTensor:$input,
                       Lowbit_PackedSignTensor:$weight,
                       Optional<Lowbit_AccumulatorTensor>:$bias,
                       I64Attr:$channels,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations);
  let results = (outs Lowbit_AccumulatorTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` type($input) `,`
    type($weight) (`,` type($bias)^)? `->` type($result)
  }];
  let hasVerifier = 1;
}

#endif // LOWBIT_DIALECT_LOWBIT_IR_LOWBITBINARYOPS_TD
