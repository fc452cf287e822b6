//===- BinaryOps.cpp - Verifiers of the binary (XNOR) ops -------*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// lowbit.binarize, lowbit.binary_fully_connected and lowbit.binary_conv2d:
// the shapes of packed signs (ceil(C / 64) words along the packed axis) and
// the bound that keeps every accumulator exact in int32.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/Lowbit/IR/LowbitOps.h"

using namespace mlir;
using namespace mlir::lowbit;

/// Checks that a packed dimension of `words` words holds `signs` signs
/// (`what` names the dimension in messages).
static LogicalResult verifyPackedWords(Operation *op, int64_t signs,
                                       int64_t words, StringRef attrName,
                                       StringRef what) {
  if (signs < 1 || signs > INT32_MAX)
    return op->emitOpError(attrName)
           << " must be in [1, 2^31 - 1], got " << signs;
  if (words != getPackedSignWords(signs))
    return op->emitOpError(what)
           << " has " << words << " words, expected ceil(" << signs
           << " / 64) = " << getPackedSignWords(signs);
  return success();
}

/// Checks an optional bias against `channels` output channels.
static LogicalResult verifyBias(Operation *op, Value bias, int64_t channels) {
  if (!bias)
    return success();
  auto type = cast<RankedTensorType>(bias.getType());
  if (type.getRank() != 1 || type.getDimSize(0) != channels)
    return op->emitOpError("bias must be [") << channels << "], got " << type;
  return success();
}

//===----------------------------------------------------------------------===//
// BinarizeOp
//===----------------------------------------------------------------------===//

/// The shape rules of binarize and binarize_threshold: `axis` within the
/// input, static and non-empty, and moved innermost as ceil(C / 64) words.
static LogicalResult verifySignPacking(Operation *op, ShapedType inputType,
                                       int64_t axis, ShapedType resultType) {
  int64_t rank = inputType.getRank();
  if (rank < 1 || axis < 0 || axis >= rank)
    return op->emitOpError("axis ") << axis << " out of [0, " << rank << ")";
  int64_t signs = inputType.getDimSize(axis);
  if (ShapedType::isDynamic(signs) || signs < 1)
    return op->emitOpError("the binarized dimension must be static and "
                           "non-empty");
  SmallVector<int64_t> expected(inputType.getShape());
  expected.erase(expected.begin() + axis);
  expected.push_back(getPackedSignWords(signs));
  if (resultType.getShape() != ArrayRef<int64_t>(expected))
    return op->emitOpError("result must be the input's shape without "
                           "dimension ")
           << axis << " and ceil(" << signs << " / 64) = " << expected.back()
           << " words innermost, got " << resultType;
  return success();
}

LogicalResult BinarizeOp::verify() {
  return verifySignPacking(*this, getInput().getType(), getAxis(),
                           getResult().getType());
}

//===----------------------------------------------------------------------===//
// BinarizeThresholdOp
//===----------------------------------------------------------------------===//

LogicalResult BinarizeThresholdOp::verify() {
  if (failed(verifySignPacking(*this, getInput().getType(), getAxis(),
                               getResult().getType())))
    return failure();
  int64_t channels = getInput().getType().getDimSize(getAxis());
  size_t count = getThresholds().size();
  if (count != 1 && static_cast<int64_t>(count) != channels)
    return emitOpError("needs 1 threshold or one per channel (")
           << channels << "), got " << count;
  for (int64_t threshold : getThresholds())
    if (threshold < INT32_MIN || threshold > int64_t(INT32_MAX) + 1)
      return emitOpError("threshold ")
             << threshold << " outside [-2^31, 2^31]";
  return success();
}

//===----------------------------------------------------------------------===//
// BinaryFullyConnectedOp
//===----------------------------------------------------------------------===//

LogicalResult BinaryFullyConnectedOp::verify() {
  auto inputType = getInput().getType();
  auto weightType = getWeight().getType();
  if (inputType.getRank() != 2 || weightType.getRank() != 2)
    return emitOpError("expects a rank-2 input [M, W] and weight [N, W]");
  int64_t words = inputType.getDimSize(1);
  if (weightType.getDimSize(1) != words)
    return emitOpError("input has ")
           << words << " words per row but weight has "
           << weightType.getDimSize(1);
  if (failed(verifyPackedWords(*this, getDepth(), words, "depth",
                               "the input")))
    return failure();
  int64_t m = inputType.getDimSize(0), n = weightType.getDimSize(0);
  if (failed(verifyBias(*this, getBias(), n)))
    return failure();
  auto resultType = getResult().getType();
  if (resultType.getShape() != ArrayRef<int64_t>{m, n})
    return emitOpError("result must be [")
           << m << ", " << n << "], got " << resultType;
  return success();
}

//===----------------------------------------------------------------------===//
// BinaryConv2DOp
//===----------------------------------------------------------------------===//

LogicalResult BinaryConv2DOp::verify() {
  auto inputType = getInput().getType();
  auto weightType = getWeight().getType();
  auto resultType = getResult().getType();
  if (inputType.getRank() != 4 || weightType.getRank() != 4 ||
      resultType.getRank() != 4)
    return emitOpError("expects input [N, H, W, Cw], weight [O, KH, KW, Cw] "
                       "and result [N, O, OH, OW]");
  int64_t words = inputType.getDimSize(3);
  if (weightType.getDimSize(3) != words)
    return emitOpError("input has ")
           << words << " words per position but weight has "
           << weightType.getDimSize(3);
  if (failed(verifyPackedWords(*this, getChannels(), words, "channels",
                               "the input")))
    return failure();
  ArrayRef<int64_t> kernel = weightType.getShape().slice(1, 2);
  if (llvm::any_of(kernel, ShapedType::isDynamic))
    return emitOpError("kernel sizes must be static");
  if (failed(verifyWindowShape(*this, inputType.getShape().slice(1, 2),
                               resultType.getShape().drop_front(2), kernel,
                               getStrides(), getPads(), getDilations(),
                               /*ceilMode=*/false)))
    return failure();
  if (getChannels() * kernel[0] * kernel[1] > INT32_MAX)
    return emitOpError("C * KH * KW = ")
           << getChannels() * kernel[0] * kernel[1]
           << " taps can overflow the int32 accumulator";
  int64_t filters = weightType.getDimSize(0);
  if (resultType.getDimSize(0) != inputType.getDimSize(0) ||
      resultType.getDimSize(1) != filters)
    return emitOpError("result must be [")
           << inputType.getDimSize(0) << ", " << filters
           << ", OH, OW], got " << resultType;
  return verifyBias(*this, getBias(), filters);
}
