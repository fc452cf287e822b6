//===- PackedConv2D.cpp - Verifier of lowbit.packed_conv2d ------*- C++ -*-===//
//
// The window of the NHWC convolution, the packed weights of K = KH * KW * Cp
// values per output channel in (kh, kw, c) order (PackedLayout.h), and the
// requantization along the output channels (the last dimension).
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/Lowbit/IR/PackedLayout.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"

using namespace mlir;
using namespace mlir::lowbit;

quant::UniformQuantizedType PackedConv2DOp::getInputQuantizedType() {
  return cast<quant::UniformQuantizedType>(
      getInput().getType().getElementType());
}

quant::UniformQuantizedType PackedConv2DOp::getOutputQuantizedType() {
  return cast<quant::UniformQuantizedType>(
      getOutput().getType().getElementType());
}

int64_t PackedConv2DOp::getPackedChannels() {
  return getPackedConvChannels(getIsa(), getInputChannels(), getCodeBits());
}

LogicalResult PackedConv2DOp::verify() {
  auto inputType = getInput().getType();
  auto outputType = getOutput().getType();
  if (inputType.getRank() != 4 || outputType.getRank() != 4 ||
      !inputType.hasStaticShape() || !outputType.hasStaticShape())
    return emitOpError("expects a static rank-4 NHWC input and result");
  if (inputType.getDimSize(0) != 1 || outputType.getDimSize(0) != 1)
    return emitOpError("expects one image (N = 1)");
  if (getInputQuantizedType().getStorageTypeIntegralWidth() != 8)
    return emitOpError("expects 8-bit input storage");
  if (getKernel().size() != 2)
    return emitOpError("expects a kernel [KH, KW]");
  if (failed(verifyWindowShape(*this, inputType.getShape().slice(1, 2),
                               outputType.getShape().slice(1, 2),
                               getKernel(), getStrides(), getPads(),
                               getDilations(), /*ceilMode=*/false)))
    return failure();
  // Cp depends on the code width: check it before using it.
  if (std::optional<int64_t> bits = getCodeBits())
    if (*bits != 1 && *bits != 2 && *bits != 4)
      return emitOpError("codes must be 1, 2 or 4 bits, got ") << *bits;
  int64_t channels = getOutputChannels();
  int64_t depth = getKernel()[0] * getKernel()[1] * getPackedChannels();
  if (failed(verifyPackedKernelOperands(
          *this, getIsa(), channels, depth, getPackedWeight().getType(),
          getBias(), getRowSumWeights(), getCodeBits(), getCodeTable())))
    return failure();
  return verifyRequantizeAttributes(
      *this, getMultiplier(), getShift(), channels, "dimension 3",
      getOutputQuantizedType(), getClampMin(), getClampMax());
}
