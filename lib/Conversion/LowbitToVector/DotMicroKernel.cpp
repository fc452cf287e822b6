//===- DotMicroKernel.cpp - One int8 dot-product step per ISA ---*- C++ -*-===//
//
// - avx512vnni: vpdpbusd on zmm (u8 x s8, four products per int32 lane,
//   wrapping). int8 activations are flipped to uint8 (x ^ 0x80 = x + 128).
// - neon_dotprod: sdot (s8 x s8, four products per lane). uint8 activations
//   are flipped to int8 (x ^ 0x80 = x - 128).
// - neon: the same operands, without the instruction.
// - avx2: vpmaddwd on activations and weights widened to 16 bits (two
//   products per lane; |a * w| <= 255 * 128, so it cannot saturate). This
//   avoids vpmaddubsw, whose int16 sums saturate.
//
// The step itself is a lowbit.dot_accumulate, lowered to the instruction by
// convert-lowbit-dot-to-llvm after bufferization.
//
//===----------------------------------------------------------------------===//

#include "DotMicroKernel.h"

#include "KernelLowering.h"

#include "lowbit/Dialect/Lowbit/IR/PackedLayout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::lowbit;

DotMicroKernel::DotMicroKernel(KernelIsa isa, bool inputSigned)
    : isa(isa), inputSigned(inputSigned) {}

int64_t DotMicroKernel::getKGroup() const { return getPackedKGroup(isa); }

int64_t DotMicroKernel::getNumParts() const {
  switch (isa) {
  case KernelIsa::Avx512Vnni:
    return 1; // one zmm of 16 x i32
  case KernelIsa::Avx2:
    return 2; // two ymm of 8 x i32
  case KernelIsa::NeonDotprod:
  case KernelIsa::Neon:
    return 4; // four q registers of 4 x i32
  }
  llvm_unreachable("unknown kernel ISA");
}

VectorType DotMicroKernel::getPartType(MLIRContext *context) const {
  return VectorType::get({kPackedChannelBlock / getNumParts()},
                         IntegerType::get(context, 32));
}

// 32 vector registers (zmm, or AArch64 v): 24 accumulators, the weights of
// one step and a broadcast activation. AVX2 has 16 ymm.
int64_t DotMicroKernel::getTileRows() const {
  switch (isa) {
  case KernelIsa::Avx512Vnni:
  case KernelIsa::NeonDotprod:
    return 6;
  case KernelIsa::Avx2:
  case KernelIsa::Neon:
    return 4;
  }
  llvm_unreachable("unknown kernel ISA");
}

int64_t DotMicroKernel::getTileBlocks() const {
  return isa == KernelIsa::Avx512Vnni ? 4 : 1;
}

Value DotMicroKernel::broadcastActivations(OpBuilder &b, Location loc,
                                           Value group) const {
  MLIRContext *context = b.getContext();
  Type i32 = b.getI32Type();
  auto scalarOf = [&](Value fourBytes) {
    Value word = vector::BitCastOp::create(
        b, loc, VectorType::get({1}, i32), fourBytes);
    return vector::ExtractOp::create(b, loc, word, ArrayRef<int64_t>{0})
        .getResult();
  };
  if (isa == KernelIsa::Avx2) {
    // Two activations widened to i16 as stored, repeated in every i32 lane.
    auto i16Pair = VectorType::get({2}, b.getI16Type());
    Value wide =
        inputSigned
            ? arith::ExtSIOp::create(b, loc, i16Pair, group).getResult()
            : arith::ExtUIOp::create(b, loc, i16Pair, group).getResult();
    Value lanes = vector::BroadcastOp::create(
        b, loc, VectorType::get({8}, i32), scalarOf(wide));
    return vector::BitCastOp::create(
        b, loc, VectorType::get({16}, b.getI16Type()), lanes);
  }
  Value word = scalarOf(group);
  // vpdpbusd wants u8 activations, sdot s8 ones: flip the sign bit of every
  // byte of the other kind (adds or subtracts 128; PackedLayout.h's dx).
  bool flip = isa == KernelIsa::Avx512Vnni ? inputSigned : !inputSigned;
  if (flip)
    word = arith::XOrIOp::create(
        b, loc, word,
        arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(
                                              static_cast<int32_t>(0x80808080))));
  int64_t lanes = kPackedChannelBlock / getNumParts();
  Value splat = vector::BroadcastOp::create(
      b, loc, VectorType::get({lanes}, i32), word);
  return vector::BitCastOp::create(
      b, loc, VectorType::get({lanes * 4}, IntegerType::get(context, 8)),
      splat);
}

/// The bytes of part `part` of the packed (int8 or code) weights at
/// [block, kb, *].
static Value loadPart(OpBuilder &b, Location loc, Value packed, Value block,
                      Value kb, int64_t part, int64_t bytes) {
  Value offset = arith::ConstantIndexOp::create(b, loc, part * bytes);
  return readVector(b, loc, packed, ValueRange{block, kb, offset}, bytes);
}

/// The weights as the instruction takes them: int8, or widened to 16 bits
/// for AVX2's vpmaddwd.
static Value widenForIsa(OpBuilder &b, Location loc, KernelIsa isa,
                         Value weights) {
  if (isa != KernelIsa::Avx2)
    return weights;
  int64_t lanes = cast<VectorType>(weights.getType()).getNumElements();
  return arith::ExtSIOp::create(
      b, loc, VectorType::get({lanes}, b.getI16Type()), weights);
}

Value DotMicroKernel::loadWeights(OpBuilder &b, Location loc, Value packed,
                                  Value block, Value kb, int64_t part) const {
  int64_t bytes = kPackedChannelBlock * getKGroup() / getNumParts();
  return widenForIsa(b, loc, isa,
                     loadPart(b, loc, packed, block, kb, part, bytes));
}

Value DotMicroKernel::loadCodedWeights(OpBuilder &b, Location loc,
                                       Value packed, Value block, Value ks,
                                       int64_t sub, int64_t part, int64_t bits,
                                       Value table) const {
  int64_t bytes = kPackedChannelBlock * getKGroup() / getNumParts();
  Value codes = loadPart(b, loc, packed, block, ks, part, bytes);
  auto type = cast<VectorType>(codes.getType());
  auto splat = [&](int64_t value) {
    return arith::ConstantOp::create(
        b, loc, DenseIntElementsAttr::get(type, APInt(8, value)));
  };
  if (sub > 0)
    codes = arith::ShRUIOp::create(b, loc, codes, splat(bits * sub));
  // The codes of the top slot need no mask: the shift cleared the rest.
  if (bits * (sub + 1) < 8)
    codes = arith::AndIOp::create(b, loc, codes, splat((1 << bits) - 1));
  Value weights =
      DecodeCodesOp::create(b, loc, KernelIsaAttr::get(b.getContext(), isa),
                            codes, table);
  return widenForIsa(b, loc, isa, weights);
}

Value DotMicroKernel::accumulate(OpBuilder &b, Location loc, Value acc,
                                 Value activations, Value weights) const {
  return DotAccumulateOp::create(b, loc, acc.getType(),
                                 KernelIsaAttr::get(b.getContext(), isa), acc,
                                 activations, weights);
}
