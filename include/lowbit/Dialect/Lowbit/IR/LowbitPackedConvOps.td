//===- LowbitPackedConvOps.td - Packed convolution kernel --*- tablegen -*-===//
//
// The convolution of the packed dot-product kernels: an implicit GEMM over
// output pixels with weights packed at compile time (PackedLayout.h).
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_DIALECT_LOWBIT_IR_LOWBITPACKEDCONVOPS_TD
#define LOWBIT_DIALECT_LOWBIT_IR_LOWBITPACKEDCONVOPS_TD

include "lowbit/Dialect/Lowbit/IR/LowbitDialect.td"
include "lowbit/Dialect/Lowbit/IR/LowbitAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Lowbit_PackedConv2DOp : Op<Lowbit_Dialect, "packed_conv2d", [Pure]> {
  let summary = "One-group NHWC conv2d and requantization on packed "
                "weights";
  let description = [{
    `lowbit.conv2d` (one group, one image, OIHW weights [F, C, KH, KW])
    followed by `lowbit.requantize` along the channels, in NHWC: the input
    is [1, H, W, C] and the result [1, OH, OW, F], so that a group of K is
    contiguous in a pixel of the input and the 16 channels of a block are
    contiguous in a pixel of the result. `lowbit-pack-weights` makes it from
    an NCHW conv2d between two `lowbit.transpose`s (NCHW -> NHWC before,
    NHWC -> NCHW after), which `lowbit-sink-transposes` cancels between
    layers; `convert-lowbit-to-vector` lowers it on the kernels of
    `lowbit.packed_fully_connected`. It is the product of a matrix of
    OH * OW rows (output pixels) and K = KH * KW * Cp columns, in (kh, kw, c)
    order with c innermost, by the weights: C is padded to Cp, a multiple of
    the group of G values of K (times 8 / b for b-bit codes;
    `getPackedConvChannels`), so that a group of K is G consecutive channels
    of one input pixel. The weights are packed as those of a fully-connected
    layer with N = F and that K (PackedLayout.h):

      packed(f, (kh * KW + kw) * Cp + c) = w[f, c, kh, kw] - dw   (c < C)

    and a padded channel holds 0 (int8 weights) or code 0 (coded weights).
    The kernel reads the input as if padded with its zero point Zx, both
    spatially (`pads` = [top, left, bottom, right]) and along the padded
    channels, so the accumulator, with `a = x - dx`,

      acc[p, f] = sum_k a[p, k] * packed(f, k) + bias[f]
                  - row_sum_weights[f] * sum_k x[p, k]

    equals `lowbit.conv2d`'s: every padded position has x - Zx = 0, as in
    docs/IntegerSemantics.md, and `bias` holds every term that depends on
    constants only, computed over all of K (padded positions included).
    Requantization is that of `lowbit.requantize` along the last dimension
    (one multiplier, or one per output channel).

    ```mlir
    %y = lowbit.packed_conv2d <avx512vnni> %x, %w, %b kernel [3, 3]
        strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1]
        multiplier [1518500250] shift [38] clamp [-128, 127]
        : tensor<1x14x14x8x!quant.uniform<u8:f32, 0.05:3>>, tensor<1x18x64xi8>,
          tensor<16xi32> -> tensor<1x14x14x4x!quant.uniform<i8:f32, 0.1:2>>
    ```
  }];
  let arguments = (ins Lowbit_KernelIsaAttr:$isa,
                       Lowbit_PerTensorQuantizedTensor:$input,
                       RankedTensorOf<[I8]>:$packed_weight,
                       RankedTensorOf<[I32]>:$bias,
                       Optional<RankedTensorOf<[I32]>>:$row_sum_weights,
                       DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
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
    `kernel` $kernel `strides` $strides `pads` $pads `dilations` $dilations
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
    /// C: the input channels (the last dimension of the NHWC input).
    int64_t getInputChannels() {
      return getInput().getType().getDimSize(3);
    }
    /// F: the output channels (the last dimension of the NHWC result).
    int64_t getOutputChannels() {
      return getOutput().getType().getDimSize(3);
    }
    /// Cp: the input channels per kernel tap in K.
    int64_t getPackedChannels();
  }];
}

#endif // LOWBIT_DIALECT_LOWBIT_IR_LOWBITPACKEDCONVOPS_TD
