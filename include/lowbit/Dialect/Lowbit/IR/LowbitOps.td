//===- LowbitOps.td - Lowbit operations --------------------*- tablegen -*-===//
//
// Operations of the lowbit dialect. Each op states its integer semantics;
// docs/IntegerSemantics.md gives the exact rounding contract.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_DIALECT_LOWBIT_IR_LOWBITOPS_TD
#define LOWBIT_DIALECT_LOWBIT_IR_LOWBITOPS_TD

include "lowbit/Dialect/Lowbit/IR/LowbitDialect.td"
include "lowbit/Dialect/Lowbit/IR/LowbitAttrs.td"
include "lowbit/Dialect/Lowbit/IR/LowbitGraphOps.td"
include "lowbit/Dialect/Lowbit/IR/LowbitBinaryOps.td"
include "lowbit/Dialect/Lowbit/IR/LowbitPackedConvOps.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class Lowbit_Op<string mnemonic, list<Trait> traits = []>
    : Op<Lowbit_Dialect, mnemonic, traits>;

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

def Lowbit_ConstantOp : Lowbit_Op<"constant", [Pure]> {
  let summary = "A constant tensor of float, quantized or integer values";
  let description = [{
    Holds stored (integer) values, typically weights or biases, and gives them
    the tensor type they are used at. `value` is typed with the storage type;
    the result may use a quantized element type with that storage type.

    ```mlir
    %w = lowbit.constant dense<[[1, -2], [3, 4]]> : tensor<2x2xi8>
           -> tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
    %b = lowbit.constant dense<[10, -3]> : tensor<2xi32> -> tensor<2xi32>
    ```

    Float constants (imported weights before quantization) have `value` and
    result of the same float type.
    Large values are best given as `dense_resource<...>` blobs so that the IR
    stays readable.
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$value attr-dict `->` type($result)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The values of a float32 constant, whether dense or a dense_resource
    /// blob; std::nullopt for other element types.
    std::optional<std::vector<float>> getFloatValues();
  }];
}

//===----------------------------------------------------------------------===//
// CodedConstantOp
//===----------------------------------------------------------------------===//

def Lowbit_CodedConstantOp : Lowbit_Op<"coded_constant", [Pure]> {
  let summary = "A constant weight tensor stored as bit-packed codes";
  let description = [{
    A `lowbit.constant` of 8-bit stored values with at most 16 distinct
    values, stored as `bits`-bit codes (1, 2 or 4) that index `table`
    (2^bits stored values; unused entries 0). Made by
    `lowbit-bitpack-weights`; decoding is exact:

      value(i0, rest) = table[code(i0, r)]

    where r is the row-major index of `rest` (all dimensions but the first)
    and `codes` is an i8 tensor [D0, ceil(R * bits / 8)] (R the number of
    elements of a row): code r of row i0 is in byte r / (8 / bits), bits
    `bits * (r % (8 / bits))` and up (least significant first). Rows are
    padded to whole bytes with code 0. The result has the stored values'
    type, like `lowbit.constant`.

    ```mlir
    // [[-7, 7, 0], [0, 0, 7]]: table [-7, 0, 7, 0], codes 0 2 1 | 1 1 2
    %w = lowbit.coded_constant dense<[[24], [37]]> : tensor<2x1xi8>
           bits 2 table [-7, 0, 7, 0]
           -> tensor<2x3x!quant.uniform<i8<-7:7>:f32:0, {0.5, 0.25}>>
    ```
  }];
  let arguments = (ins ElementsAttr:$codes, I64Attr:$bits,
                       DenseI8ArrayAttr:$table);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $codes `bits` $bits `table` $table attr-dict `->` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The code of every element of the result, row-major.
    SmallVector<uint8_t> getElementCodes();
    /// The stored values of the result, row-major (table entries as stored
    /// bytes, sign- or zero-extended per the result's storage type).
    SmallVector<int64_t> getDecodedValues();
    /// Elements per row: the product of the result's dimensions but the
    /// first.
    int64_t getRowLength();
  }];
}

//===----------------------------------------------------------------------===//
// FullyConnectedOp
//===----------------------------------------------------------------------===//

def Lowbit_FullyConnectedOp : Lowbit_Op<"fully_connected", [Pure]> {
  let summary = "Quantized fully-connected layer with int32 accumulation";
  let description = [{
    `input` is `[M, K]`, `weight` is `[N, K]` (one row per output channel, as
    in ONNX Gemm with transB = 1 and PyTorch `Linear`), `bias` is an optional
    `[N]` int32 tensor in the accumulator scale s_input * s_weight[n]. The
    result is the int32 accumulator `[M, N]`:

      acc[m, n] = bias[n] + sum_k (input[m, k] - Z_in) * (weight[n, k] - Z_w[n])

    where Z_in is the input's zero point and Z_w[n] the weight's (per-tensor,
    or per-axis along axis 0). The sum is exact in int32 for the sizes the
    verifier accepts (see docs/IntegerSemantics.md for the bound).

    ```mlir
    %acc = lowbit.fully_connected %x, %w, %b
        : tensor<1x8x!quant.uniform<i8:f32, 0.05:-3>>,
          tensor<4x8x!quant.uniform<i8:f32:0, {0.01, 0.02, 0.01, 0.03}>>,
          tensor<4xi32> -> tensor<1x4xi32>
    ```
  }];
  let arguments = (ins Lowbit_PerTensorQuantizedTensor:$input,
                       Lowbit_QuantizedTensor:$weight,
                       Optional<Lowbit_AccumulatorTensor>:$bias);
  let results = (outs Lowbit_AccumulatorTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` type($input) `,`
    type($weight) (`,` type($bias)^)? `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// RequantizeOp
//===----------------------------------------------------------------------===//

def Lowbit_RequantizeOp : Lowbit_Op<"requantize", [Pure,
    SameOperandsAndResultShape]> {
  let summary = "Fixed-point rescale of int32 accumulators to a quantized type";
  let description = [{
    Rescales each int32 accumulator x by the real multiplier
    M ~= multiplier * 2^-shift, adds the result type's zero point and clamps
    to [clamp_min, clamp_max]:

      out = clamp(round(x * multiplier * 2^-shift) + Z_out, clamp_min, clamp_max)

    `multiplier` (Q31, int32) and `shift` (total right shift, 1..62) hold one
    entry (per-tensor) or one per channel along `channel_axis` (default: the
    innermost dimension; 1 for NCHW convolution outputs). The
    clamp range lies within the storage range of the result type and carries
    a fused activation (ReLU gives clamp_min = Z_out). `rounding` selects the
    rounding mode, `single` (one 64-bit multiply-round-shift, the default) or
    `double` (gemmlowp / TFLite reference); both are defined exactly in
    docs/IntegerSemantics.md. A per-tensor quantized input stands for
    x = q - Z_in: the op then rescales from one quantized type to another
    (M = s_in / s_out), as Add and Concat need for inputs of other scales.

    ```mlir
    %y = lowbit.requantize %acc multiplier [1518500250] shift [38] clamp [2, 127]
        : tensor<1x4xi32> -> tensor<1x4x!quant.uniform<i8:f32, 0.1:2>>
    ```
  }];
  let arguments = (ins AnyTypeOf<[Lowbit_AccumulatorTensor,
                                  Lowbit_PerTensorQuantizedTensor]>:$input,
                       DenseI32ArrayAttr:$multiplier,
                       DenseI8ArrayAttr:$shift,
                       I32Attr:$clamp_min,
                       I32Attr:$clamp_max,
                       DefaultValuedAttr<Lowbit_RoundingModeAttr,
                         "::mlir::lowbit::RoundingMode::Single">:$rounding,
                       OptionalAttr<I64Attr>:$channel_axis);
  let results = (outs Lowbit_PerTensorQuantizedTensor:$output);
  let assemblyFormat = [{
    $input `multiplier` $multiplier `shift` $shift `clamp` ` ` `[` $clamp_min `,` $clamp_max
    `]` (`rounding` $rounding^)? attr-dict `:` type($input) `->` type($output)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The result's quantized element type (scale and zero point).
    ::mlir::quant::UniformQuantizedType getOutputQuantizedType();
    /// Whether there is one multiplier/shift per channel.
    bool isPerChannel() { return getMultiplier().size() > 1; }
    /// The dimension the per-channel parameters apply along.
    int64_t getChannelDim() {
      return getChannelAxis().value_or(
          ::llvm::cast<::mlir::RankedTensorType>(getInput().getType())
              .getRank() -
          1);
    }
  }];
}

//===----------------------------------------------------------------------===//
// PackedFullyConnectedOp
//===----------------------------------------------------------------------===//

def Lowbit_PackedFullyConnectedOp : Lowbit_Op<"packed_fully_connected",
    [Pure]> {
  let summary = "Fully-connected layer and requantization on packed weights";
  let description = [{
    `lowbit.fully_connected` followed by `lowbit.requantize`, with the
    weights packed at compile time for the int8 dot-product instruction of
    `isa` (made by `lowbit-pack-weights`, lowered by
    `convert-lowbit-to-vector`). With `16` channels per block and `G` values
    of K per group (4, or 2 for `avx2`; see PackedLayout.h):

      packed_weight[nb, kb, c * G + g] = w[16 nb + c, G kb + g] - dw

    zero for padded channels and K positions, where `dw` is 128 for uint8
    weights and 0 for int8 ones. The kernel computes, for each output
    element, with `a = x - dx` the activation in the instruction's domain
    (`dx` from PackedLayout.h):

      acc[m, n] = sum_k a[m, k] * packed(n, k) + bias[n]
                  - row_sum_weights[n] * sum_k x[m, k]

    which equals the accumulator of `lowbit.fully_connected`: `bias` holds
    the original bias and every zero-point and offset term that depends on
    constants only (docs/IntegerSemantics.md, "Folding the zero points"),
    `row_sum_weights[n] = Z_w[n] - dw` (absent when all are zero). `bias`
    and `row_sum_weights` are padded to a multiple of 16 channels. The
    accumulator is then requantized exactly as `lowbit.requantize` does with
    the same attributes.

    With `codes <b> table [...]` (weights with at most 2^b distinct values,
    b in 1, 2, 4), `packed_weight` holds b-bit codes instead, 8 / b groups of
    K per byte (PackedLayout.h, "Coded weights"), and
    `packed(n, k) = table[code(n, k)]`: the table holds the 2^b weights
    minus `dw`.

    ```mlir
    %y = lowbit.packed_fully_connected <avx512vnni> %x, %w, %b
        multiplier [1518500250] shift [38] clamp [-128, 127]
        : tensor<1x8x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x2x64xi8>,
          tensor<16xi32> -> tensor<1x4x!quant.uniform<i8:f32, 0.1:2>>
    ```
  }];
  let arguments = (ins Lowbit_KernelIsaAttr:$isa,
                       Lowbit_PerTensorQuantizedTensor:$input,
                       RankedTensorOf<[I8]>:$packed_weight,
                       RankedTensorOf<[I32]>:$bias,
                       Optional<RankedTensorOf<[I32]>>:$row_sum_weights,
                       DenseI32ArrayAttr:$multiplier,
                       DenseI8ArrayAttr:$shift,
                       I32Attr:$clamp_min,
                       I32Attr:$clamp_max,
                       DefaultValuedAttr<Lowbit_RoundingModeAttr,
                         "::mlir::lowbit::RoundingMode::Single">:$rounding,
                       OptionalAttr<I64Attr>:$code_bits,
                       OptionalAttr<DenseI8ArrayAttr>:$code_table);
  let results = (outs Lowbit_PerTensorQuantizedTensor:$output);
  let assemblyFormat = [{
    $isa $input `,` $packed_weight `,` $bias (`row_sums` $row_sum_weights^)?
    (`codes` $code_bits^ `table` $code_table)?
    `multiplier` $multiplier `shift` $shift `clamp` ` ` `[` $clamp_min `,`
    $clamp_max `]` (`rounding` $rounding^)? attr-dict `:` type($input) `,`
    type($packed_weight) `,` type($bias) (`,` type($row_sum_weights)^)? `->`
    type($output)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The input's quantized element type.
    ::mlir::quant::UniformQuantizedType getInputQuantizedType();
    /// The result's quantized element type (scale and zero point).
    ::mlir::quant::UniformQuantizedType getOutputQuantizedType();
    /// Whether there is one multiplier/shift per channel.
    bool isPerChannel() { return getMultiplier().size() > 1; }
    /// Bits per weight code, or 8 for int8 weights.
    int64_t getWeightBits() { return getCodeBits().value_or(8); }
  }];
}

//===----------------------------------------------------------------------===//
// PackedDepthwiseConv2DOp
//===----------------------------------------------------------------------===//

def Lowbit_PackedDepthwiseConv2DOp : Lowbit_Op<"packed_depthwise_conv2d",
    [Pure]> {
  let summary = "Depthwise conv2d and requantization on prepared weights, "
                "NHWC";
  let description = [{
    A quantized `lowbit.conv2d` with `group` = C input channels (output
    channel f reads input channel f / m, m = F / C the channel multiplier)
    followed by `lowbit.requantize`, with constant weights prepared at
    compile time (made by `lowbit-pack-weights`, lowered by
    `convert-lowbit-to-vector` to a stencil vectorized across channels).
    The tensors are channels-last, so that one vector load reads
    consecutive channels of one pixel: `input` is [N, H, W, C], the result
    [N, OH, OW, F], `weight` [KH, KW, F] holds w - dw (`dw` 128 for uint8
    weights, 0 for int8 ones, PackedLayout.h), the channels of a tap
    contiguous; `weight_offsets` [F] holds Z_w[f] - dw (absent when all are
    zero). With x padded by its zero point Z_x:

      acc[n, oy, ox, f] = bias[f] + sum_{kh, kw} x[n, iy, ix, f / m]
                          * (weight[kh, kw, f] - weight_offsets[f])
      iy = oy * strides[0] + kh * dilations[0] - pads[0]
      ix = ox * strides[1] + kw * dilations[1] - pads[1]

    which equals the accumulator of the conv2d when `bias` holds its bias
    minus Z_x * sum_{kh, kw} (w - Z_w[f]): a padded position then adds
    Z_x (w - Z_w) - Z_x (w - Z_w) = 0, as the conv2d's padding does
    (docs/IntegerSemantics.md). The accumulator is requantized exactly as
    `lowbit.requantize` does with the same attributes, per tensor or per
    output channel (the last dimension).

    `isa` is the target's vector instruction set (the one the packed
    dot-product kernels are written for). It chooses the kernel's register
    tile (channels per vector, output rows and columns per tile) and, on
    x86, how the requantization forms its 64-bit products; the result is the
    same for every `isa`.

    ```mlir
    %y = lowbit.packed_depthwise_conv2d <avx512vnni> %x, %w, %b strides [1, 1]
        pads [1, 1, 1, 1] dilations [1, 1] multiplier [1518500250]
        shift [38] clamp [-128, 127]
        : tensor<1x14x14x8x!quant.uniform<u8:f32, 0.05:3>>, tensor<3x3x8xi8>,
          tensor<8xi32> -> tensor<1x14x14x8x!quant.uniform<i8:f32, 0.1:2>>
    ```
  }];
  let arguments = (ins Lowbit_KernelIsaAttr:$isa,
                       Lowbit_PerTensorQuantizedTensor:$input,
                       RankedTensorOf<[I8]>:$weight,
                       RankedTensorOf<[I32]>:$bias,
                       Optional<RankedTensorOf<[I32]>>:$weight_offsets,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       DenseI32ArrayAttr:$multiplier,
                       DenseI8ArrayAttr:$shift,
                       I32Attr:$clamp_min,
                       I32Attr:$clamp_max,
                       DefaultValuedAttr<Lowbit_RoundingModeAttr,
                         "::mlir::lowbit::RoundingMode::Single">:$rounding);
  let results = (outs Lowbit_PerTensorQuantizedTensor:$output);
  let assemblyFormat = [{
    $isa $input `,` $weight `,` $bias (`weight_offsets` $weight_offsets^)?
    `strides` $strides `pads` $pads `dilations` $dilations
    `multiplier` $multiplier `shift` $shift `clamp` ` ` `[` $clamp_min `,`
    $clamp_max `]` (`rounding` $rounding^)? attr-dict `:` type($input) `,`
    type($weight) `,` type($bias) (`,` type($weight_offsets)^)? `->`
    type($output)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The input's quantized element type.
    ::mlir::quant::UniformQuantizedType getInputQuantizedType();
    /// The result's quantized element type (scale and zero point).
    ::mlir::quant::UniformQuantizedType getOutputQuantizedType();
    /// Whether there is one multiplier/shift per output channel.
    bool isPerChannel() { return getMultiplier().size() > 1; }
    /// Output channels per input channel (m = F / C).
    int64_t getChannelMultiplier() {
      return getWeight().getType().getDimSize(2) /
             getInput().getType().getDimSize(3);
    }
  }];
}

//===----------------------------------------------------------------------===//
// DecodeCodesOp
//===----------------------------------------------------------------------===//

def Lowbit_DecodeCodesOp : Lowbit_Op<"decode_codes",
    [Pure, AllTypesMatch<["codes", "result"]>]> {
  let summary = "Maps 4-bit codes to bytes through a 16-entry table";
  let description = [{
    result[i] = table[codes[i]] for every lane; every code must be in
    [0, 16). One step of a packed kernel on coded weights: `isa` selects the
    instruction `convert-lowbit-dot-to-llvm` uses (`vpshufb` with the table
    repeated in every 128-bit lane for `avx512vnni` (64 lanes) and `avx2`
    (16 lanes), `tbl` for `neon_dotprod` and `neon` (16 lanes)).

    ```mlir
    %w = lowbit.decode_codes <avx512vnni> %codes, %table
        : vector<64xi8>, vector<16xi8>
    ```
  }];
  let arguments = (ins Lowbit_KernelIsaAttr:$isa,
                       VectorOfRankAndType<[1], [I8]>:$codes,
                       VectorOfLengthAndType<[16], [I8]>:$table);
  let results = (outs VectorOfRankAndType<[1], [I8]>:$result);
  let assemblyFormat = [{
    $isa $codes `,` $table attr-dict `:` type($codes) `,` type($table)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// DotAccumulateOp
//===----------------------------------------------------------------------===//

def Lowbit_DotAccumulateOp : Lowbit_Op<"dot_accumulate",
    [Pure, AllTypesMatch<["acc", "result"]>]> {
  let summary = "One int8 dot-product instruction step of a packed kernel";
  let description = [{
    Adds to each int32 lane `i` of `acc` the sum of the `G` products of
    lanes `G i .. G i + G - 1` of `lhs` (activations) and `rhs` (weights),
    wrapping modulo 2^32. `isa` fixes the types and the signedness:

    | isa            | acc          | lhs, rhs                 | G | products     |
    |----------------|--------------|--------------------------|---|--------------|
    | `avx512vnni`   | vector<16xi32> | vector<64xi8>          | 4 | zext(lhs) * sext(rhs) |
    | `neon_dotprod` | vector<4xi32>  | vector<16xi8>          | 4 | sext * sext  |
    | `neon`         | vector<4xi32>  | vector<16xi8>          | 4 | sext * sext  |
    | `avx2`         | vector<8xi32>  | vector<16xi16>         | 2 | sext * sext  |

    It is Pure, so that the kernel goes through bufferization as ordinary
    vector code; `convert-lowbit-dot-to-llvm` turns it into the instruction
    (`vpdpbusd`, `sdot`, `vpmaddwd` + add) or, for `neon`, into plain vector
    arithmetic.

    ```mlir
    %r = lowbit.dot_accumulate <avx512vnni> %acc, %x, %w
        : vector<64xi8>, vector<64xi8> into vector<16xi32>
    ```
  }];
  let arguments = (ins Lowbit_KernelIsaAttr:$isa,
                       VectorOfRankAndType<[1], [I32]>:$acc,
                       VectorOfRankAndType<[1], [I8, I16]>:$lhs,
                       VectorOfRankAndType<[1], [I8, I16]>:$rhs);
  let results = (outs VectorOfRankAndType<[1], [I32]>:$result);
  let assemblyFormat = [{
    $isa $acc `,` $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs)
    `into` type($acc)
  }];
  let hasVerifier = 1;
}

#endif // LOWBIT_DIALECT_LOWBIT_IR_LOWBITOPS_TD
