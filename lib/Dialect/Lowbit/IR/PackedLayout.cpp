//===- PackedLayout.cpp - Weight layout of packed kernels -------*- C++ -*-===//

#include "lowbit/Dialect/Lowbit/IR/PackedLayout.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::lowbit;

int64_t mlir::lowbit::getPackedKGroup(KernelIsa isa) {
  return isa == KernelIsa::Avx2 ? 2 : 4;
}

int64_t mlir::lowbit::getActivationOffset(KernelIsa isa, bool inputSigned) {
  switch (isa) {
  case KernelIsa::Avx512Vnni:
    return inputSigned ? -128 : 0;
  case KernelIsa::NeonDotprod:
  case KernelIsa::Neon:
    return inputSigned ? 0 : 128;
  case KernelIsa::Avx2:
    return 0;
  }
  llvm_unreachable("unknown kernel ISA");
}

std::array<int64_t, 3>
mlir::lowbit::getPackedWeightShape(KernelIsa isa, int64_t channels,
                                   int64_t depth) {
  int64_t group = getPackedKGroup(isa);
  return {llvm::divideCeil(channels, kPackedChannelBlock),
          llvm::divideCeil(depth, group), kPackedChannelBlock * group};
}

std::optional<int64_t> mlir::lowbit::chooseCodeBits(size_t distinct) {
  for (int64_t bits : {1, 2, 4})
    if (distinct <= (size_t(1) << bits))
      return bits;
  return std::nullopt;
}

std::array<int64_t, 3> mlir::lowbit::getPackedCodeShape(KernelIsa isa,
                                                        int64_t channels,
                                                        int64_t depth,
                                                        int64_t bits) {
  std::array<int64_t, 3> shape = getPackedWeightShape(isa, channels, depth);
  shape[1] = llvm::divideCeil(shape[1], getCodesPerByte(bits));
  return shape;
}

std::array<int64_t, 2> mlir::lowbit::getCodedConstantShape(int64_t rows,
                                                           int64_t rowLength,
                                                           int64_t bits) {
  return {rows, llvm::divideCeil(rowLength, getCodesPerByte(bits))};
}

int64_t mlir::lowbit::getPackedConvChannels(KernelIsa isa, int64_t channels,
                                            std::optional<int64_t> codeBits) {
  int64_t multiple = getPackedKGroup(isa);
  if (codeBits)
    multiple *= getCodesPerByte(*codeBits);
  return llvm::alignTo(channels, multiple);
}

FailureOr<std::optional<KernelIsa>>
mlir::lowbit::parseTargetIsa(StringRef name) {
  if (name == "generic")
    return std::optional<KernelIsa>();
  // The option spells "neon-dotprod"; the attribute keyword "neon_dotprod".
  std::string keyword = name.str();
  std::replace(keyword.begin(), keyword.end(), '-', '_');
  if (std::optional<KernelIsa> isa = symbolizeKernelIsa(keyword))
    return std::optional<KernelIsa>(*isa);
  return failure();
}
