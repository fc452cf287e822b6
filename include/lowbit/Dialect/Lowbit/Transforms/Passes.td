//===- Passes.td - Lowbit dialect passes -------------------*- tablegen -*-===//

#ifndef LOWBIT_DIALECT_LOWBIT_TRANSFORMS_PASSES_TD
#define LOWBIT_DIALECT_LOWBIT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowbitSetRounding : Pass<"lowbit-set-rounding"> {
  let summary = "Select the requantization rounding mode for a compile";
  let description = [{
    Sets the `rounding` attribute of every `lowbit.requantize` op, so that the
    rounding mode (docs/IntegerSemantics.md) is a per-compile choice.

    ```mlir
    // --lowbit-set-rounding=mode=double
    %y = lowbit.requantize %acc multiplier [1073741824] shift [31] clamp [-128, 127]
        : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
    // becomes
    %y = lowbit.requantize %acc multiplier [1073741824] shift [31] clamp [-128, 127]
        rounding <double> : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
    ```
  }];
  let options = [
    Option<"mode", "mode", "::mlir::lowbit::RoundingMode",
           "::mlir::lowbit::RoundingMode::Single",
           "Rounding mode of every requantize op",
           [{::llvm::cl::values(
             clEnumValN(::mlir::lowbit::RoundingMode::Single, "single",
                        "one 64-bit multiply-round-shift"),
             clEnumValN(::mlir::lowbit::RoundingMode::Double, "double",
                        "gemmlowp/TFLite doubling high multiply, then "
                        "rounding right shift"))}]>
  ];
}

def LowbitExportEntry : Pass<"lowbit-export-entry", "::mlir::ModuleOp"> {
  let summary = "Give the model function a C entry point and boundary helpers";
  let description = [{
    Wraps the model function (the module's only public function, or the one
    named by `function`) taking and returning quantized tensors into the C
    interface of the compiled object, for the prefix `name`:

    - `int <name>_run(const in_t *input, out_t *output)`: integer-only; reads
      the stored input values and writes the stored output values; returns 0.
    - `void <name>_quantize_input(const float *x, in_t *q)` and
      `void <name>_dequantize_output(const out_t *q, float *y)`: the only
      functions with floating point, at the boundary of the model.

    The model function becomes private, to be inlined into `<name>_run`.

    ```mlir
    func.func @mlp(%x: tensor<1x8x!quant.uniform<i8:f32, 0.05:-3>>)
        -> tensor<1x4x!quant.uniform<i8:f32, 0.1:2>>
    // gains
    func.func @mlp_run(%in: memref<1x8xi8>, %out: memref<1x4xi8>) -> i32
    func.func @mlp_quantize_input(%x: memref<1x8xf32>, %q: memref<1x8xi8>)
    func.func @mlp_dequantize_output(%q: memref<1x4xi8>, %y: memref<1x4xf32>)
    ```
  }];
  let options = [
    Option<"function", "function", "std::string", "\"\"",
           "The model function (default: the only public function)">,
    Option<"name", "name", "std::string", "\"\"",
           "Prefix of the C symbols (default: the model function's name)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect",
    "::mlir::quant::QuantDialect", "::mlir::tensor::TensorDialect"
  ];
}

def LowbitFoldBatchNorm : Pass<"lowbit-fold-batch-norm"> {
  let summary = "Fold inference batch normalization into the preceding "
                "conv2d or gemm";
  let description = [{
    A `lowbit.batch_norm` whose input is a float `lowbit.conv2d` (or a
    `lowbit.gemm` with trans_b) with constant weight and bias, and no other
    user, is folded into new constants, computed in double precision and
    rounded once to float32:
      w'[f, ...] = w[f, ...] * g[f],  b'[f] = (b[f] - mean[f]) * g[f] + beta[f]
    with g[f] = scale[f] / sqrt(variance[f] + epsilon).
    ```mlir
    %c = lowbit.conv2d %x, %w, %b {...} : ... -> tensor<1x8x28x28xf32>
    %y = lowbit.batch_norm %c, %s, %beta, %m, %v epsilon 1.0e-5 : ...
    // becomes
    %y = lowbit.conv2d %x, %w2, %b2 {...} : ... -> tensor<1x8x28x28xf32>
    ```
  }];
}

def LowbitCalibrate : Pass<"lowbit-calibrate", "::mlir::ModuleOp"> {
  let summary = "Record the real range of every float tensor of the model";
  let description = [{
    Runs the float model function (the module's only public function) in the
    reference interpreter on every calibration sample and feeds every float
    value to a streaming range observer (lib/Support/Calibration: minmax,
    ema, percentile, entropy, mse; bounded memory whatever the number of
    samples). The chosen ranges are recorded as `lowbit.range = array<f64:
    min, max>` (CalibratedRange.h). `data` is a float32 .npy of samples
    ([N, ...] of the argument's shape, or exactly one sample) or a folder of
    such files, read in name order. With `load`, the ranges come from a
    calibration file instead; with `save`, they are written to one. On a
    terminal, a progress bar counts samples.
    ```mlir
    %y = lowbit.relu %x : tensor<1x8xf32>
    // becomes
    %y = lowbit.relu %x {lowbit.range = array<f64: 0.0, 5.25>} : tensor<1x8xf32>
    ```
  }];
  let options = [
    Option<"data", "data", "std::string", "\"\"",
           "Calibration samples: a float32 .npy file or a folder of them">,
    Option<"method", "method", "std::string", "\"minmax\"",
           "minmax, ema, percentile, entropy or mse">,
    Option<"percentile", "percentile", "double", "99.99",
           "The percentile of the percentile method">,
    Option<"load", "load", "std::string", "\"\"",
           "Read the ranges from this calibration file instead">,
    Option<"save", "save", "std::string", "\"\"",
           "Write the ranges to this calibration file">
  ];
}

def LowbitCopiesToLinalg : Pass<"lowbit-copies-to-linalg"> {
  let summary = "Turn memref.copy into linalg.copy, so that copies become "
                "loops";
  let description = [{
    Bufferization copies tensors (e.g. a tensor.pad into its padded buffer)
    with `memref.copy`, which the LLVM lowering turns into a call of
    `memrefCopy` from MLIR's C runner utilities when a side is not
    contiguous. Compiled models link no runtime library, so every copy
    becomes a `linalg.copy` instead, lowered to plain loops with the rest of
    linalg.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def LowbitCollapseElementwise : Pass<"lowbit-collapse-elementwise"> {
  let summary = "Run each elementwise linalg.generic as one loop over all "
                "its elements";
  let description = [{
    An elementwise `linalg.generic` on tensors (all loops parallel, every
    indexing map the identity) of rank > 1 becomes a rank-1 one between a
    `tensor.collapse_shape` of each operand and a `tensor.expand_shape` of
    the result (upstream `collapseOpIterationDims`). The elements are
    visited in the same order; the single loop is long enough for LLVM to
    vectorize, where an NHWC add over 24 channels otherwise became 24
    unrolled scalar steps. Ops that broadcast an operand are left alone.

    ```mlir
    %s = linalg.generic {indexing_maps = [#id, #id, #id], ...}
        ins(%a, %b : tensor<1x56x56x24xi8>, tensor<1x56x56x24xi8>) ...
    // becomes a generic over tensor<75264xi8> between collapse_shape and
    // expand_shape
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def LowbitFillPadBorder : Pass<"lowbit-fill-pad-border"> {
  let summary = "Fill only the border of a padded buffer whose interior is "
                "copied over right after";
  let description = [{
    Bufferization writes a `tensor.pad` as a `linalg.map` that fills the
    whole new buffer with the padding value, then a copy of the source into
    the interior (a subview): every byte of the interior is written twice.
    When nothing reads or writes the buffer between the two, the fill is
    replaced by `linalg.fill`s of the border slabs only (two per padded
    dimension: before and after the interior, across the interior of the
    dimensions before it and the whole of those after it).
    ```mlir
    linalg.map outs(%buf : memref<1x3x6x6xi8>) () { linalg.yield %z : i8 }
    %in = memref.subview %buf[0, 0, 1, 1] [1, 3, 4, 4] [1, 1, 1, 1]
    linalg.copy ins(%x : memref<1x3x4x4xi8>) outs(%in : ...)
    // becomes fills of %buf[0, 0, 0, 0] [1, 3, 1, 6], %buf[0, 0, 5, 0]
    // [1, 3, 1, 6], %buf[0, 0, 1, 0] [1, 3, 4, 1], %buf[0, 0, 1, 5]
    // [1, 3, 4, 1], then the same subview and copy
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::memref::MemRefDialect"];
}

def LowbitPlanWorkspace : Pass<"lowbit-plan-workspace", "::mlir::ModuleOp"> {
  let summary = "Place a function's heap buffers at planned offsets of one "
                "static workspace";
  let description = [{
    After bufferization and the deallocation pipeline, every intermediate
    buffer too big for the stack is a `memref.alloc` (malloc) with a
    `memref.dealloc` (free), and the deallocations all sit at the end of the
    function: each call mallocs the sum of all intermediates and touches
    fresh pages. This pass gives every function one workspace instead:

    - every statically shaped, identity-layout `memref.alloc` of the
      function's top-level block (a single-block body) gets a live range in
      program order on that block, from the alloc to the last use of the
      buffer or of any alias of it (BufferViewFlowAnalysis: subview, cast,
      collapse/expand_shape, reinterpret_cast, view, region iter_args); a
      use inside a nested region counts at its top-level ancestor, and
      `memref.dealloc`s do not count;
    - offsets come from a greedy interval allocation (largest buffer first,
      lowest offset that no buffer with an overlapping live range occupies;
      64-byte aligned), so buffers whose live ranges are disjoint share
      bytes;
    - the allocs become `memref.view`s into a private zero-initialized
      `memref.global @<function>_workspace` (.bss: no object size, pages
      faulted once per process) and their deallocs are erased.

    Allocs that are dynamically shaped, inside a nested region, returned,
    passed to a call or to an op whose memref results the alias analysis
    does not know, stay as they are. The function is not reentrant any more.
    With `workspace-argument`, a public function `@f` that got a workspace
    becomes `@f_with_workspace`, which takes it as a last `memref<Nxi8>`
    argument (64-byte aligned memory of the caller: reentrant), and `@f`
    calls it with the global.
    ```mlir
    %a = memref.alloc() {alignment = 64 : i64} : memref<1024xi32>
    %b = memref.alloc() {alignment = 64 : i64} : memref<4096xi8>
    ...                                    // last use of %a, first of %b
    memref.dealloc %a : memref<1024xi32>
    memref.dealloc %b : memref<4096xi8>
    // becomes
    memref.global "private" @f_workspace : memref<4096xi8> = dense<0> {alignment = 64 : i64}
    %ws = memref.get_global @f_workspace : memref<4096xi8>
    %a = memref.view %ws[%c0][] : memref<4096xi8> to memref<1024xi32>
    %b = memref.view %ws[%c0][] : memref<4096xi8> to memref<4096xi8>
    ```
  }];
  let options = [
    Option<"workspaceArgument", "workspace-argument", "bool", "false",
           "Also give each public function that needs a workspace a "
           "reentrant variant <name>_with_workspace taking it as an argument">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::memref::MemRefDialect"];
}

def LowbitAbsorbQDQ : Pass<"lowbit-absorb-qdq", "::mlir::func::FuncOp"> {
  let summary = "Turn the Q/DQ pairs of a pre-quantized model into "
                "quantized-type annotations of its float graph";
  let description = [{
    A QDQ model (QuantizeLinear/DequantizeLinear around float ops, as PyTorch
    and ONNX Runtime export quantization-aware-trained and post-training
    quantized models) arrives as `quant.qcast`/`quant.dcast` around float
    lowbit ops. This pass records what they say and removes them, so that
    `lowbit-quantize` builds the integer graph with exactly those types:
    - `quant.dcast` of a quantized `lowbit.constant` (weights, int32 bias)
      becomes a float constant holding S * (q - Z), annotated
      `lowbit.quant_type` with the constant's quantized type;
    - `quant.qcast` of a float value whose every user is a `quant.dcast`
      back to float is removed and the value annotated with its type.
    ```mlir
    %q = quant.qcast %c : tensor<1x8xf32> to tensor<1x8x!quant.uniform<u8:f32, 0.02:3>>
    %d = quant.dcast %q : tensor<1x8x!quant.uniform<u8:f32, 0.02:3>> to tensor<1x8xf32>
    // becomes %c, whose defining op carries
    //   lowbit.quant_type = !quant.uniform<u8:f32, 0.02:3>
    ```
  }];
}

def LowbitFoldBiasAdd : Pass<"lowbit-fold-bias-add"> {
  let summary = "Fold the Add of a constant bias into the preceding matmul "
                "or gemm";
  let description = [{
    ONNX exporters write a linear layer as MatMul followed by Add of a
    constant [N] (or [1, N]) vector. When the matmul has rank-2 operands, a
    constant right-hand side and no other user, the pair becomes one
    `lowbit.gemm` with the vector as its bias (c), which the quantizer turns
    into a fully-connected layer with an int32 bias. A gemm without c
    likewise takes the added vector as c (beta = 1).
    ```mlir
    %m = lowbit.matmul %x, %w : tensor<1x12xf32>, tensor<12x8xf32> -> tensor<1x8xf32>
    %y = lowbit.add %m, %b : tensor<1x8xf32>, tensor<8xf32> -> tensor<1x8xf32>
    // becomes
    %y = lowbit.gemm %x, %w, %b : tensor<1x12xf32>, tensor<12x8xf32>, tensor<8xf32> -> tensor<1x8xf32>
    ```
  }];
}

def LowbitQuantize : Pass<"lowbit-quantize", "::mlir::func::FuncOp"> {
  let summary = "Turn a calibrated float model into quantized lowbit ops";
  let description = [{
    Uses the ranges recorded by calibration (`lowbit.range` on ops and
    function arguments), or the types a QDQ model fixed (`lowbit.quant_type`,
    see lowbit-absorb-qdq), to give every tensor a `!quant.uniform` type and
    rewrites the float graph into integer ops, so the function is integer
    between its (quantized) argument and result:
    - activations: asymmetric per-tensor (uint8 by default, int8 with
      `activation-type=i8`, symmetric with `symmetric-activations`);
    - conv2d / gemm / matmul with constant weights: weights symmetric int8
      in [-127, 127] per output channel (`per-tensor-weights` for one
      scale), int32 bias with scale s_in * s_w, an int32 accumulation and a
      `lowbit.requantize` with the fixed-point multiplier of
      s_in * s_w / s_out (docs/IntegerSemantics.md);
    - relu, clip, leaky_relu, sigmoid, tanh, hard_swish, sign: a
      `lowbit.lookup` table computed at compile time; a conv or gemm whose
      only user is such an activation takes the activation's range, so that
      relu and clip become clamps that lowbit-fold-activation folds;
    - max_pool, average_pool, global_average_pool, reshape, transpose keep
      the input's scale and zero point;
    - weights below 8 bits (lib/Support/WeightCodes.h): `weight-bits` /
      `layer-bits` quantize to 4 bits ([-7, 7]), ternary (TWN threshold) or
      binary (alpha = mean |w|); with `detect-low-bit` weights that are
      already binary, ternary, sign * 2^k or a codebook of at most 16 values
      keep exactly those values (narrowed storage ranges such as
      `i8<-1:1>`, scale alpha per channel), so lowbit-bitpack-weights stores
      them in 1, 2 or 4 bits with no loss;
    - a sign whose every user is a one-group conv2d or a gemm/matmul with
      binary weights becomes `lowbit.binarize` (channels packed 64 per word)
      and those layers `lowbit.binary_conv2d` / `binary_fully_connected`
      with the weight signs packed and an int32 bias in units of alpha_c;
      the requantize multiplier is alpha_c / s_out;
    - softmax: `lowbit.quantized_softmax` with an exp table computed at
      compile time from the input's scale and the fixed result type (scale
      1/256, zero point the storage minimum); the result's calibrated range
      is not used (a type fixed by a QDQ model gets a rescale).
    Ops named in `keep-float` (by ONNX node name) stay float between a
    quant.dcast and a quant.qcast. Any other float op is an error naming it.
    ```mlir
    %y = lowbit.conv2d %x, %w, %b {...} {lowbit.range = array<f64: -1.5, 4.0>}
    // becomes
    %acc = lowbit.conv2d %xq, %wq, %bq {...} : ... -> tensor<...xi32>
    %y = lowbit.requantize %acc multiplier [...] shift [...] clamp [0, 255]
        {channel_axis = 1 : i64} : ... -> tensor<...x!quant.uniform<u8:f32, ...>>
    ```
  }];
  let options = [
    Option<"activationType", "activation-type", "std::string", "\"u8\"",
           "Storage of activations: u8 or i8">,
    Option<"symmetricActivations", "symmetric-activations", "bool", "false",
           "Symmetric activation ranges (zero point 0, or 128 for u8)">,
    Option<"perTensorWeights", "per-tensor-weights", "bool", "false",
           "One weight scale per tensor instead of per output channel">,
    ListOption<"keepFloat", "keep-float", "std::string",
               "ONNX node names to keep in float">,
    Option<"weightBits", "weight-bits", "int", "8",
           "Bits of every layer's weights: 8, 4 (int4), 2 (ternary) or 1 "
           "(binary)">,
    ListOption<"layerBits", "layer-bits", "std::string",
               "NODE:BITS overriding weight-bits for the named layer">,
    Option<"detectLowBit", "detect-low-bit", "bool", "true",
           "Keep weights trained binary, ternary, power-of-two or as a "
           "codebook exactly, and turn Sign + binary-weight layers into "
           "XOR-popcount layers (not with per-tensor-weights)">
  ];
  let dependentDialects = ["::mlir::quant::QuantDialect"];
}

def LowbitFoldActivation : Pass<"lowbit-fold-activation"> {
  let summary = "Fold clamp-shaped lookup tables into the producing "
                "requantize";
  let description = [{
    A `lowbit.lookup` whose table is the identity clamped to [lo, hi]
    (table[i] = clamp(qmin + i, lo, hi), same type in and out, as the
    quantizer emits for ReLU, ReLU6 and Clip) and whose input is a
    `lowbit.requantize` with no other user is removed: the requantize clamp
    becomes [max(clamp_min, lo), min(clamp_max, hi)].
  }];
}

def LowbitFoldRequantizeChain : Pass<"lowbit-fold-requantize-chain"> {
  let summary = "Fold a requantize of a requantize into one";
  let description = [{
    `requantize(requantize(x; M1, [lo1, hi1]) : T1; M2, [lo2, hi2]) : T2`,
    where the inner op has no other user, both round the same way and the
    outer one is per-tensor (a rescale from T1 to T2, as the quantizer puts
    before Add and Concat), becomes `requantize(x; M1 * M2, [lo, hi]) : T2`
    (per channel if the inner one is). The inner clamp bounds are carried
    into T2 by the outer rescale, Z2 + round(M2 * (b - Z1)), and
    intersected with [lo2, hi2]: a fused ReLU stays a ReLU. The value is
    then rounded once instead of twice, so it can differ from the chain by
    one step (towards the exact result); the pass runs in the `quantize`
    phase, before the IR the reference interpreter defines.
  }];
}

def LowbitFoldBinarizeThreshold : Pass<"lowbit-fold-binarize-threshold"> {
  let summary = "Turn binarize(requantize(acc)) into per-channel integer "
                "thresholds on the accumulators";
  let description = [{
    A `lowbit.binarize` of a `lowbit.requantize` with no other user (per
    tensor, or per channel along the binarized axis) becomes
    `lowbit.binarize_threshold` of the accumulators: bit = acc < t_c, where
    t_c, the smallest accumulator whose requantized value reaches the zero
    point, is found exactly at compile time by binary search over the
    requantize function (lib/Support/FixedPoint.cpp), which is
    non-decreasing in acc for non-negative multipliers. The bits are the
    same by construction; the requantization disappears.

    ```mlir
    %q = lowbit.requantize %acc multiplier [1073741824] shift [33]
        clamp [-128, 127] : tensor<1x8xi32> -> tensor<1x8x!quant.uniform<i8:f32, 0.1:3>>
    %b = lowbit.binarize %q {axis = 1 : i64} : ... -> tensor<1x1xi64>
    // becomes (x 1/8: q = floor((acc + 4) / 8) + 3 >= 3 from acc = -4 on)
    %b = lowbit.binarize_threshold %acc {axis = 1 : i64,
        thresholds = array<i64: -4>} : tensor<1x8xi32> -> tensor<1x1xi64>
    ```
  }];
}

def LowbitPackWeights : Pass<"lowbit-pack-weights"> {
  let summary = "Pack constant fully-connected weights for the target's int8 "
                "dot-product instruction";
  let description = [{
    Replaces `lowbit.requantize(lowbit.fully_connected(x, W, b))`, where the
    weights and the bias are constants, x and W have 8-bit storage and the
    accumulator has no other use, by `lowbit.packed_fully_connected` for
    `target-isa`: the weights are packed at compile time into the layout of
    the kernel (include/lowbit/Dialect/Lowbit/IR/PackedLayout.h), and every
    zero-point and offset term that depends only on constants is folded into
    the bias (docs/IntegerSemantics.md, "Folding the zero points"). With
    `target-isa=generic` (the default) the pass changes nothing.

    Weights of a `lowbit.coded_constant` (lowbit-bitpack-weights) keep their
    codes: the packed weights are b-bit codes in the kernel's coded layout
    with the table minus the weight offset, `codes <b> table [...]`.

    A requantize of a pointwise `lowbit.conv2d` (1x1 kernel, stride 1, no
    padding, one group, one image, constant weights) is packed the same way,
    as a fully-connected layer over the H * W pixels: `lowbit.transpose` of
    the input to NHWC and `lowbit.reshape` to [H * W, C], the packed op with
    the weights [F, C, 1, 1] read as [F, C], then back to [1, F, H, W].
    A requantize (per tensor or along dimension 1) of any other one-group
    `lowbit.conv2d` of one image with constant 8-bit weights (any kernel
    size, stride, padding, dilation) becomes `lowbit.packed_conv2d`: the
    same kernel as an implicit GEMM over the output pixels, with the weights
    packed in (kh, kw, c) order, C padded to whole groups of K. It takes
    and gives NHWC: `lowbit.transpose` of the input to [1, H, W, C] before
    it, of its result [1, OH, OW, F] back to [1, F, OH, OW] after it.

    A requantize (per tensor or along dimension 1) of a depthwise
    `lowbit.conv2d` (group = C > 1, any channel multiplier, at most 64 taps,
    constant weights, coded ones decoded) becomes
    `lowbit.packed_depthwise_conv2d` on NHWC between two `lowbit.transpose`
    (NCHW to NHWC and back): weights [KH, KW, F] minus the weight offset,
    Z_x * sum w' folded into the bias (the input is padded with Z_x).

    ```mlir
    // --lowbit-pack-weights=target-isa=avx512vnni
    %w = lowbit.constant dense<...> : tensor<4x8xi8> -> tensor<4x8x!quant.uniform<i8:f32, 0.1>>
    %acc = lowbit.fully_connected %x, %w : tensor<1x8x!quant.uniform<u8:f32, 0.05:3>>,
        tensor<4x8x!quant.uniform<i8:f32, 0.1>> -> tensor<1x4xi32>
    %y = lowbit.requantize %acc multiplier [1518500250] shift [38] clamp [-128, 127]
        : tensor<1x4xi32> -> tensor<1x4x!quant.uniform<i8:f32, 0.1:2>>
    // becomes
    %packed = arith.constant dense<...> : tensor<1x2x64xi8>
    %bias = arith.constant dense<...> : tensor<16xi32>   // -3 * sum_k w[n, k]
    %y = lowbit.packed_fully_connected <avx512vnni> %x, %packed, %bias
        multiplier [1518500250] shift [38] clamp [-128, 127] : ...
    ```
  }];
  let options = [
    Option<"targetIsa", "target-isa", "std::string", "\"generic\"",
           "The dot-product instruction set: generic (no packing), "
           "avx512vnni, avx2, neon-dotprod or neon">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def LowbitSinkTransposes : Pass<"lowbit-sink-transposes"> {
  let summary = "Move layout transposes down through layout-free ops and "
                "cancel inverse pairs";
  let description = [{
    The packed convolution kernels read and write NHWC, the graph is NCHW:
    `lowbit-pack-weights` puts a transpose to NHWC before each packed
    kernel and one back after it. This pass lets consecutive kernels meet
    in NHWC. It rewrites, greedily:

    - `transpose(transpose(x, p), q)` into `x` when p[q[i]] = i (a layout
      change and its inverse), else into one transpose by p[q[i]];
    - `requantize(transpose(x, p))` and `lookup(transpose(x, p))` into
      `transpose(op(x), p)` (a per-channel requantize's channel axis a
      becomes p[a]);
    - `add(transpose(a, p), transpose(b, p))` without broadcasting into
      `transpose(add(a, b), p)`;
    - `concat(transpose(x_i, p)..., axis a)` into
      `transpose(concat(x_i..., axis p[a]), p)`.

    Transposes only move towards the users, so the rewriting ends; one is
    left where an op needs NCHW (pooling, the model's result). Between two
    pointwise layers of MobileNetV2:

    ```mlir
    %t = lowbit.transpose %y permutation [0, 3, 1, 2]  // NHWC -> NCHW
    %u = lowbit.transpose %t permutation [0, 2, 3, 1]  // NCHW -> NHWC
    %v = lowbit.reshape %u : ... -> tensor<3136x24x...>
    ```

    becomes `%v = lowbit.reshape %y`.
  }];
}

def LowbitBitpackWeights : Pass<"lowbit-bitpack-weights"> {
  let summary = "Store constant weights with few distinct values as b-bit "
                "codes and a table";
  let description = [{
    For every `lowbit.constant` of 8-bit stored values used only as the
    weight of `lowbit.fully_connected` or of a quantized `lowbit.conv2d`,
    counts the distinct values of the whole tensor and takes the smallest
    b in {1, 2, 4} with at most 2^b of them: the constant becomes a
    `lowbit.coded_constant` of b-bit codes into a table of the 2^b values
    (sorted, unused entries 0). Tensors with more than 16 distinct values
    stay as they are. Decoding gives the stored values back exactly (int4,
    ternary, binary, power-of-two and codebook weights alike). With
    `bitpack=off` the pass changes nothing.

    ```mlir
    // --lowbit-bitpack-weights (3 distinct values: 2-bit codes)
    %w = lowbit.constant dense<[[-7, 7, 0], [0, 0, 7]]> : tensor<2x3xi8>
           -> tensor<2x3x!quant.uniform<i8<-7:7>:f32:0, {0.5, 0.25}>>
    // becomes
    %w = lowbit.coded_constant dense<[[24], [37]]> : tensor<2x1xi8>
           bits 2 table [-7, 0, 7, 0]
           -> tensor<2x3x!quant.uniform<i8<-7:7>:f32:0, {0.5, 0.25}>>
    ```
  }];
  let options = [
    Option<"bitpack", "bitpack", "std::string", "\"auto\"",
           "auto (codes for tensors of at most 16 distinct values) or off">
  ];
}

#endif // LOWBIT_DIALECT_LOWBIT_TRANSFORMS_PASSES_TD
