//===- LowbitGraphOps.td - Graph-level operations ----------*- tablegen -*-===//
//
// The operations a model is imported as: ONNX's operators with ONNX's
// semantics (NCHW activations, OIHW convolution weights, numpy broadcasting),
// on float32 tensors. Conv and MatMul also take quantized operands and then
// produce the exact int32 accumulator, as ONNX's ConvInteger/MatMulInteger
// do. Shapes are static: the importer resolves them with ONNX's shape
// inference. Each op keeps the ONNX node name as its location.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_DIALECT_LOWBIT_IR_LOWBITGRAPHOPS_TD
#define LOWBIT_DIALECT_LOWBIT_IR_LOWBITGRAPHOPS_TD

include "lowbit/Dialect/Lowbit/IR/LowbitDialect.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Lowbit_FloatTensor : RankedTensorOf<[F32]>;

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

def Lowbit_Conv2DOp : Op<Lowbit_Dialect, "conv2d", [Pure]> {
  let summary = "2-D convolution (ONNX Conv, ConvInteger), NCHW / OIHW";
  let description = [{
    `input` is [N, C, H, W], `weight` is [F, C / group, KH, KW], `bias` an
    optional [F]. `pads` is [top, left, bottom, right] (ONNX's
    [x1_begin, x2_begin, x1_end, x2_end]); padded positions hold the real
    value 0. `group` = C = F gives a depthwise convolution.

    On float32 operands the result is float32. On quantized operands (input
    per-tensor, weight per-tensor or per-axis along axis 0) the result is the
    int32 accumulator acc = bias + sum (x - Zx) * (w - Zw[f]), where padded
    positions contribute x - Zx = 0, and the optional bias is int32.
    ```mlir
    %y = lowbit.conv2d %x, %w, %b {strides = array<i64: 1, 1>,
        pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>,
        group = 1 : i64} : tensor<1x1x28x28xf32>, tensor<8x1x3x3xf32>,
        tensor<8xf32> -> tensor<1x8x28x28xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
                       Optional<AnyRankedTensor>:$bias,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       I64Attr:$group);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` type($input) `,`
    type($weight) (`,` type($bias)^)? `->` type($result)
  }];
  let hasVerifier = 1;
}

def Lowbit_MatMulOp : Op<Lowbit_Dialect, "matmul", [Pure]> {
  let summary = "Matrix product with numpy broadcasting (ONNX MatMul, "
                "MatMulInteger)";
  let description = [{
    `lhs` is [..., M, K] and `rhs` [..., K, N] (rank >= 2; the importer
    reshapes ONNX's 1-D operands); leading dimensions broadcast. On float32
    operands the result is float32; on per-tensor quantized operands (or a
    per-axis `rhs` along its last axis, one zero point per column) it is the
    int32 accumulator sum_k (a - Za) * (b - Zb).
  }];
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Lowbit_GemmOp : Op<Lowbit_Dialect, "gemm", [Pure]> {
  let summary = "General matrix multiply (ONNX Gemm)";
  let description = [{
    result = alpha * op(a) * op(b) + beta * c, where op transposes when
    `trans_a` / `trans_b` is set; `a` and `b` are rank 2 and `c`, optional,
    broadcasts to the [M, N] result.
  }];
  let arguments = (ins Lowbit_FloatTensor:$a, Lowbit_FloatTensor:$b,
                       Optional<Lowbit_FloatTensor>:$c,
                       DefaultValuedAttr<F32Attr, "1.0">:$alpha,
                       DefaultValuedAttr<F32Attr, "1.0">:$beta,
                       UnitAttr:$trans_a, UnitAttr:$trans_b);
  let results = (outs Lowbit_FloatTensor:$result);
  let assemblyFormat = [{
    $a `,` $b (`,` $c^)? attr-dict `:` type($a) `,` type($b)
    (`,` type($c)^)? `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

class Lowbit_BinaryOp<string mnemonic, string onnx>
    : Op<Lowbit_Dialect, mnemonic, [Pure]> {
  let summary = "Elementwise " # mnemonic # " with numpy broadcasting (ONNX "
                # onnx # ")";
  let arguments = (ins Lowbit_FloatTensor:$lhs, Lowbit_FloatTensor:$rhs);
  let results = (outs Lowbit_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Lowbit_AddOp : Lowbit_BinaryOp<"add", "Add"> {
  let description = [{
    On float32 operands, a + b with broadcasting. On per-tensor quantized
    operands, all three of the result's type (the quantizer rescales the
    inputs with lowbit.requantize first): out = clamp(qa + qb - Z, qmin,
    qmax), the exact sum of the real values rounded to none.
  }];
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$result);
}
def Lowbit_SubOp : Lowbit_BinaryOp<"sub", "Sub">;
def Lowbit_MulOp : Lowbit_BinaryOp<"mul", "Mul">;

class Lowbit_UnaryOp<string mnemonic, string formula, list<Trait> traits = []>
    : Op<Lowbit_Dialect, mnemonic,
         !listconcat([Pure, SameOperandsAndResultType], traits)> {
  let summary = "Elementwise " # formula;
  let arguments = (ins Lowbit_FloatTensor:$input);
  let results = (outs Lowbit_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Lowbit_ReluOp : Lowbit_UnaryOp<"relu", "max(x, 0) (ONNX Relu)">;
def Lowbit_SigmoidOp : Lowbit_UnaryOp<"sigmoid", "1 / (1 + exp(-x)) (ONNX Sigmoid)">;
def Lowbit_TanhOp : Lowbit_UnaryOp<"tanh", "tanh(x) (ONNX Tanh)">;
def Lowbit_HardSwishOp
    : Lowbit_UnaryOp<"hard_swish", "x * clamp(x / 6 + 1 / 2, 0, 1) (ONNX HardSwish)">;
def Lowbit_SignOp
    : Lowbit_UnaryOp<"sign", "-1, 0 or 1 by the sign of x (ONNX Sign)">;

def Lowbit_ClipOp : Lowbit_UnaryOp<"clip", "min(max(x, min), max) (ONNX Clip, "
                                   "Relu6)"> {
  let arguments = (ins Lowbit_FloatTensor:$input, F32Attr:$min, F32Attr:$max);
  let assemblyFormat = "$input `[` $min `,` $max `]` attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Lowbit_LeakyReluOp : Lowbit_UnaryOp<"leaky_relu", "x < 0 ? alpha * x : x "
                                        "(ONNX LeakyRelu)"> {
  let arguments = (ins Lowbit_FloatTensor:$input, F32Attr:$alpha);
  let assemblyFormat = "$input `alpha` $alpha attr-dict `:` type($input)";
}

def Lowbit_BatchNormOp : Op<Lowbit_Dialect, "batch_norm", [Pure,
    AllTypesMatch<["scale", "bias", "mean", "variance"]>]> {
  let summary = "Inference batch normalization (ONNX BatchNormalization)";
  let description = [{
    y = scale * (x - mean) / sqrt(variance + epsilon) + bias, with the [C]
    parameters applied along dimension 1 of the [N, C, ...] input.
  }];
  let arguments = (ins Lowbit_FloatTensor:$input, Lowbit_FloatTensor:$scale,
                       Lowbit_FloatTensor:$bias, Lowbit_FloatTensor:$mean,
                       Lowbit_FloatTensor:$variance, F32Attr:$epsilon);
  let results = (outs Lowbit_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $variance `epsilon` $epsilon
    attr-dict `:` type($input) `,` type($scale) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Lowbit_SoftmaxOp : Op<Lowbit_Dialect, "softmax",
    [Pure, SameOperandsAndResultType]> {
  let summary = "Softmax along one axis (ONNX Softmax, opset 13 semantics)";
  let arguments = (ins Lowbit_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Lowbit_FloatTensor:$result);
  let assemblyFormat = "$input `axis` $axis attr-dict `:` type($input)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

class Lowbit_PoolOp<string mnemonic, string onnx>
    : Op<Lowbit_Dialect, mnemonic, [Pure]> {
  let summary = "2-D " # onnx # " over NCHW, float32 or quantized";
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Lowbit_MaxPoolOp : Lowbit_PoolOp<"max_pool", "MaxPool"> {
  let description = [{
    The maximum over each window; padded positions do not take part. On a
    per-tensor quantized input the result has the same type and holds the
    maximum stored value (scale > 0 keeps the order).
    `pads` is [top, left, bottom, right]; with `ceil_mode` the output size
    rounds up and the last window may extend past the padding.
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       DenseI64ArrayAttr:$kernel, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations,
                       UnitAttr:$ceil_mode);
}

def Lowbit_AveragePoolOp : Lowbit_PoolOp<"average_pool", "AveragePool"> {
  let description = [{
    The mean over each window. Padded positions count in the divisor only
    with `count_include_pad`; positions past the padding (ceil_mode) never
    count. On a per-tensor quantized input the result has the same type:
    Z + roundHalfAwayFromZero(sum(q - Z) / count), exactly in integers
    (docs/IntegerSemantics.md); padded positions hold q - Z = 0.
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       DenseI64ArrayAttr:$kernel, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads, UnitAttr:$count_include_pad,
                       UnitAttr:$ceil_mode);
}

def Lowbit_GlobalAveragePoolOp
    : Lowbit_PoolOp<"global_average_pool", "GlobalAveragePool"> {
  let description = [{
    The mean over H and W: [N, C, H, W] -> [N, C, 1, 1]; on a quantized
    input rounded like average_pool.
  }];
  let arguments = (ins AnyRankedTensor:$input);
}

//===----------------------------------------------------------------------===//
// Quantized activations
//===----------------------------------------------------------------------===//

def Lowbit_LookupOp : Op<Lowbit_Dialect, "lookup",
    [Pure, SameOperandsAndResultShape]> {
  let summary = "Elementwise table lookup on 8-bit quantized values";
  let description = [{
    out = table[q - qmin] for every stored input value q, where qmin is the
    input's storage minimum: a table of 2^bits stored output values computes
    any elementwise function of a quantized input exactly (the quantizer
    fills it at compile time for Sigmoid, Tanh, HardSwish, LeakyRelu, ...;
    docs/IntegerSemantics.md gives how).
    ```mlir
    %y = lowbit.lookup %x table [0, 0, ..., 255]
        : tensor<1x8x!quant.uniform<u8:f32, 0.1:128>>
          -> tensor<1x8x!quant.uniform<u8:f32, 0.05:0>>
    ```
  }];
  let arguments = (ins Lowbit_PerTensorQuantizedTensor:$input,
                       DenseI32ArrayAttr:$table);
  let results = (outs Lowbit_PerTensorQuantizedTensor:$output);
  let assemblyFormat = [{
    $input `table` $table attr-dict `:` type($input) `->` type($output)
  }];
  let hasVerifier = 1;
}

def Lowbit_QuantizedSoftmaxOp : Op<Lowbit_Dialect, "quantized_softmax",
    [Pure, SameOperandsAndResultShape]> {
  let summary = "Integer-only softmax along one axis of an 8-bit quantized "
                "input";
  let description = [{
    Softmax of the real values S_in * (q - Z_in) along `axis`, in integers
    only (docs/IntegerSemantics.md, "Softmax"). For each row of N values
    along the axis, with `m` the largest stored value of the row:

      e[i]   = exp_table[m - q[i]]          (int32)
      sum    = e[0] + ... + e[N-1]          (int32, cannot overflow)
      out[i] = clamp((256 * e[i] + floor(sum / 2)) / sum + Z_out,
                     qmin_out, qmax_out)    (integer division)

    that is 256 * e[i] / sum rounded half away from zero. `exp_table` has
    one entry per input storage value (256 for 8 bits); the quantizer fills
    it with round(2^k * exp(-S_in * j)) for j = 0, 1, ..., so that
    exp_table[0] = 2^k is the largest entry. The result type is fixed:
    scale 1/256 and the storage minimum as zero point (u8 with zero point 0,
    or i8 with -128), so out - Z_out is the probability in units of 1/256.
    The verifier bounds the sum: (N + 256) * max(exp_table) <= 2^31 - 1.

    ```mlir
    %p = lowbit.quantized_softmax %x axis 1 exp_table [4194304, ...]
        : tensor<1x10x!quant.uniform<u8:f32, 0.1:128>>
          -> tensor<1x10x!quant.uniform<u8:f32, 3.906250e-03>>
    ```
  }];
  let arguments = (ins Lowbit_PerTensorQuantizedTensor:$input, I64Attr:$axis,
                       DenseI32ArrayAttr:$exp_table);
  let results = (outs Lowbit_PerTensorQuantizedTensor:$output);
  let assemblyFormat = [{
    $input `axis` $axis `exp_table` $exp_table attr-dict `:` type($input)
    `->` type($output)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def Lowbit_ReshapeOp : Op<Lowbit_Dialect, "reshape", [Pure]> {
  let summary = "Same elements in row-major order, new static shape (ONNX "
                "Reshape, Flatten, Squeeze, Unsqueeze)";
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Lowbit_TransposeOp : Op<Lowbit_Dialect, "transpose", [Pure]> {
  let summary = "Permutation of dimensions (ONNX Transpose)";
  let description = "result dimension i is input dimension permutation[i].";
  let arguments = (ins AnyRankedTensor:$input,
                       DenseI64ArrayAttr:$permutation);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `permutation` $permutation attr-dict `:` type($input) `->`
    type($result)
  }];
  let hasVerifier = 1;
}

def Lowbit_ConcatOp : Op<Lowbit_Dialect, "concat", [Pure]> {
  let summary = "Concatenation along one axis (ONNX Concat)";
  let arguments = (ins Variadic<AnyRankedTensor>:$inputs, I64Attr:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $inputs `axis` $axis attr-dict `:` type($inputs) `->` type($result)
  }];
  let hasVerifier = 1;
}

#endif // LOWBIT_DIALECT_LOWBIT_IR_LOWBITGRAPHOPS_TD
