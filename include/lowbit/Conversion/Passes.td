//===- Passes.td - Lowbit conversion passes ----------------*- tablegen -*-===//

#ifndef LOWBIT_CONVERSION_PASSES_TD
#define LOWBIT_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertLowbitToLinalg : Pass<"convert-lowbit-to-linalg",
                                 "::mlir::ModuleOp"> {
  let summary = "Lower lowbit ops on quantized tensors to linalg and arith "
                "on their storage types";
  let description = [{
    Replaces every `!quant.uniform` element type by its storage type (the
    scale and zero point have been consumed by then) and each lowbit op by
    linalg ops on integer tensors following docs/IntegerSemantics.md:

    - `lowbit.constant` becomes `arith.constant` of the stored values;
    - `lowbit.fully_connected` becomes a `linalg.generic` contraction that
      accumulates (q_in - Z_in)(q_w - Z_w) in i32 on top of the bias;
    - `lowbit.binarize` becomes a `linalg.generic` that ORs the sign bits
      (q < Z) into i64 words; `lowbit.binary_fully_connected` and
      `lowbit.binary_conv2d` become contractions that subtract
      2 * `math.ctpop`(x XOR w) per word from K (per tap inside the input
      for the convolution, with a constant mask of the padding);
    - `lowbit.requantize` becomes an elementwise `linalg.generic` whose body
      is the fixed-point arithmetic of the op's rounding mode, using i64
      products, or, when every shift is at least 32 and the rounding is
      single, `arith.mulsi_extended` on i32 (same bits, no i64 multiply);
    - `quant.scast` disappears, and function signatures take storage types.

    ```mlir
    %y = lowbit.requantize %acc multiplier [1518500250] shift [38] clamp [2, 127]
        : tensor<4xi32> -> tensor<4x!quant.uniform<i8:f32, 0.1:2>>
    // becomes
    %y = linalg.generic {...} ins(%acc : tensor<4xi32>) outs(%e : tensor<4xi8>) {
    ^bb0(%x: i32, %o: i8):
      %lo, %hi = arith.mulsi_extended %x, %c1518500250 : i32
      ...
    } -> tensor<4xi8>
    ```
  }];
  let options = [
    Option<"allowI32Requantize", "allow-i32-requantize", "bool", "true",
           "Use the 32-bit mulsi_extended requantize where it is exact">,
    Option<"testPlantRoundingError", "test-plant-rounding-error", "bool",
           "false",
           "Test only: round ties down instead of up, to show that "
           "differential tests catch it">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def ConvertLowbitToVector : Pass<"convert-lowbit-to-vector",
                                 "::mlir::ModuleOp"> {
  let summary = "Lower packed fully-connected kernels to register-blocked "
                "vector code with the target's int8 dot-product instruction";
  let description = [{
    Replaces each `lowbit.packed_fully_connected` and
    `lowbit.packed_conv2d` (made by `lowbit-pack-weights`) by a loop nest on
    tensors (a convolution's rows are its output pixels, read as windows of
    a copy of its NHWC input padded with its zero point): panels of 16-channel
    blocks, tiles of rows whose int32 accumulators live in vector registers
    (`scf.for` iter_args), and per group of K values one
    `lowbit.dot_accumulate` of the op's ISA per (row, block, register):
    vpdpbusd on zmm for `avx512vnni` (int8 activations flipped to uint8),
    sdot for `neon_dotprod` and `neon` (uint8 activations flipped to int8),
    vpmaddwd on 16-bit values for `avx2`. `convert-lowbit-dot-to-llvm`
    turns those into the instructions after bufferization.

    The requantization is fused: it runs on the accumulators of a tile
    (vector<16xi32>) with `buildRequantize`, the implementation of
    docs/IntegerSemantics.md that the linalg lowering also uses, and the
    narrowed result is written with `vector.transfer_write`, 16 channels of
    a row at a time (the valid channels of the last block, a shorter
    vector, when N is not a multiple of 16). The input and result keep
    their quantized types through `quant.scast`.

    Each `lowbit.packed_depthwise_conv2d` (NHWC) becomes a stencil
    vectorized across channels: with pads, a copy of each image into a
    buffer padded with the input zero point; per block of V <= 16 output
    channels (the last block shifted to end at F) each tap's weights as one
    vector, then tiles of 2 output rows by 4 columns (the last column tile
    shifted to end at OW) whose accumulators add each widened input pixel
    times the weights of every tap that reads it, and the same fused
    `buildRequantize` epilogue with one vector store per output pixel.

    ```mlir
    %y = lowbit.packed_fully_connected <avx512vnni> %x, %w, %b
        multiplier [1518500250] shift [38] clamp [-128, 127] : ...
    // becomes
    %xs = quant.scast %x : tensor<1x8x!quant.uniform<u8:f32, 0.05:3>> to tensor<1x8xi8>
    %r = scf.for %nb = ... iter_args(%out = %empty) -> (tensor<1x4xi8>) {
      ... %acc = scf.for %kb = ... iter_args(%a = %zero) -> (vector<16xi32>) {
        %x4 = vector.transfer_read %xs[%m, %k], %c0_i8 : tensor<1x8xi8>, vector<4xi8>
        %w64 = vector.transfer_read %w[%nb, %kb, %c0], %c0_i8 : tensor<1x2x64xi8>, vector<64xi8>
        %d = lowbit.dot_accumulate <avx512vnni> %a, %xb, %w64
            : vector<64xi8>, vector<64xi8> into vector<16xi32>
      }
      ... requantize on vector<16xi32>, arith.trunci, vector.transfer_write
    }
    %y = quant.scast %r : tensor<1x4xi8> to tensor<1x4x!quant.uniform<i8:f32, 0.1:2>>
    ```
  }];
  let options = [
    Option<"allowI32Requantize", "allow-i32-requantize", "bool", "true",
           "Use the 32-bit mulsi_extended requantize where it is exact">,
    Option<"testPlantRoundingError", "test-plant-rounding-error", "bool",
           "false",
           "Test only: round ties down instead of up, to show that "
           "differential tests catch it">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::quant::QuantDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def ConvertLowbitBinaryToVector : Pass<"convert-lowbit-binary-to-vector",
                                       "::mlir::ModuleOp"> {
  let summary = "Lower binary layers with constant weights to XOR + popcount "
                "vector kernels";
  let description = [{
    Replaces each `lowbit.binary_fully_connected` and `lowbit.binary_conv2d`
    whose weights are a constant by a register-tiled loop nest on tensors.
    The weights are repacked at compile time to [ceil(O / 8), ..., W, 8]
    (one vector<8xi64> holds one word of 8 output channels); a word of the
    input, broadcast, meets them with `arith.xori` and `math.ctpop` on
    vector<8xi64> (LLVM selects `vpopcntq` with AVX512-VPOPCNTDQ, `cnt` and
    pairwise adds on NEON), summed over the words in vector<8xi64>
    accumulators that are `scf.for` iter_args. The epilogue forms
    K - 2 * sum + bias in int32. The convolution computes, per output row
    (and per column at the borders), the range of taps inside the input and
    loops over those only, so zero padding contributes nothing, as the op
    defines; the columns whose window rows lie inside the input go in tiles
    that share each weight load; it stores each channel's value straight
    into the NCHW result. A per-tensor quantized `lowbit.binarize` along the
    innermost axis (the input of a fully-connected layer) becomes one
    vector<64xi8> compare with Z per word, its vector<64xi1> bitcast to the
    i64 (a mask register and `kmovq` on AVX-512). The requantization that
    follows stays a separate `linalg.generic`: fused into the epilogue
    (tried, as the int8 kernels do) it was no faster, since for K = 512
    each output costs only 8 XOR-popcount steps and the requantization
    vectorizes as well over the result.

    With `target-isa=generic` the pass does nothing and the layers take the
    linalg lowering of `convert-lowbit-to-linalg`. The register tile is
    4 rows x 4 blocks of 8 channels for `avx512vnni` (32 zmm registers),
    2 x 2 otherwise.

    ```mlir
    %acc = lowbit.binary_fully_connected %x, %w {depth = 100 : i64}
        : tensor<5x2xi64>, tensor<13x2xi64> -> tensor<5x13xi32>
    // becomes
    %wp = arith.constant dense<...> : tensor<2x2x8xi64>
    %r = scf.for %block = ... iter_args(%out = %empty) -> (tensor<5x16xi32>) {
      ... %c = scf.for %w = %c0 to %c2 step %c1
              iter_args(%a = %zero) -> (vector<8xi64>) {
        %wv = vector.transfer_read %wp[%block, %w, %c0], %c0_i64 : ..., vector<8xi64>
        %xw = tensor.extract %x[%row, %w] : tensor<5x2xi64>
        %xb = vector.broadcast %xw : i64 to vector<8xi64>
        %d = arith.xori %xb, %wv : vector<8xi64>
        %p = math.ctpop %d : vector<8xi64>
        %s = arith.addi %a, %p : vector<8xi64>
        scf.yield %s : vector<8xi64>
      }
      ... K - 2 * trunci(%c) + bias, vector.transfer_write
    }
    %acc = tensor.extract_slice %r[0, 0] [5, 13] [1, 1]
    ```
  }];
  let options = [
    Option<"targetIsa", "target-isa", "std::string", "\"generic\"",
           "The kernel instruction set (generic: no kernels, the linalg "
           "lowering), as for lowbit-pack-weights">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect", "::mlir::vector::VectorDialect"
  ];
}

def ConvertLowbitDotToLLVM : Pass<"convert-lowbit-dot-to-llvm"> {
  let summary = "Lower lowbit.dot_accumulate to the target's dot-product "
                "instruction";
  let description = [{
    Replaces each `lowbit.dot_accumulate` by the instruction of its ISA,
    called through `llvm.call_intrinsic` (which bufferization could not see
    through, hence this late pass):

    - `avx512vnni`: `llvm.x86.avx512.vpdpbusd.512` (vpdpbusd on zmm);
    - `neon_dotprod`: `llvm.aarch64.neon.sdot.v4i32.v16i8` (sdot);
    - `avx2`: `llvm.x86.avx2.pmadd.wd` (vpmaddwd) and an add;
    - `neon`: sign-extended products, summed per lane with shuffles and adds.

    ```mlir
    %r = lowbit.dot_accumulate <avx512vnni> %acc, %x, %w
        : vector<64xi8>, vector<64xi8> into vector<16xi32>
    // becomes
    %r = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%acc, %x, %w)
        : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::LLVM::LLVMDialect",
    "::mlir::vector::VectorDialect"
  ];
}

#endif // LOWBIT_CONVERSION_PASSES_TD
