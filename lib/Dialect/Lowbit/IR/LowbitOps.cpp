//===- LowbitOps.cpp - Lowbit operation verifiers ---------------*- C++ -*-===//

#include "lowbit/Dialect/Lowbit/IR/LowbitOps.h"
#include "lowbit/Dialect/Lowbit/IR/PackedLayout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

#include <cstring>

using namespace mlir;
using namespace mlir::lowbit;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// The largest |q - zero_point| a stored value of `type` can take, per
/// channel for per-axis types.
static int64_t maxCenteredMagnitude(quant::QuantizedType type,
                                    ArrayRef<int64_t> zeroPoints) {
  int64_t bound = 0;
  for (int64_t zp : zeroPoints)
    bound = std::max({bound, type.getStorageTypeMax() - zp,
                      zp - type.getStorageTypeMin()});
  return bound;
}

static SmallVector<int64_t> zeroPointsOf(Type elementType) {
  if (auto perTensor = dyn_cast<quant::UniformQuantizedType>(elementType))
    return {perTensor.getZeroPoint()};
  return llvm::to_vector(
      cast<quant::UniformQuantizedPerAxisType>(elementType).getZeroPoints());
}

FailureOr<SmallVector<int64_t>>
mlir::lowbit::readStoredIntegers(ElementsAttr value, unsigned width,
                                 bool isSigned) {
  SmallVector<int64_t> result;
  if (auto values = value.tryGetValues<APInt>()) {
    for (const APInt &element : *values)
      result.push_back(isSigned ? element.getSExtValue()
                                : element.getZExtValue());
    return result;
  }
  auto resource = dyn_cast<DenseResourceElementsAttr>(value);
  if (!resource || width % 8 != 0)
    return failure();
  ArrayRef<char> data = resource.getData();
  size_t bytes = width / 8, count = value.getNumElements();
  if (data.size() != count * bytes)
    return failure();
  for (size_t i = 0; i < count; ++i) {
    uint64_t bits = 0;
    for (size_t b = 0; b < bytes; ++b)
      bits |= uint64_t(static_cast<unsigned char>(data[i * bytes + b]))
              << (8 * b);
    result.push_back(isSigned ? llvm::SignExtend64(bits, width)
                              : static_cast<int64_t>(bits));
  }
  return result;
}

FailureOr<SmallVector<int64_t>>
mlir::lowbit::readConstantIntegers(Value value, unsigned width,
                                   bool isSigned) {
  if (auto coded = value.getDefiningOp<CodedConstantOp>())
    return coded.getDecodedValues();
  ElementsAttr attr;
  if (auto constant = value.getDefiningOp<ConstantOp>())
    attr = constant.getValue();
  else if (auto constant = value.getDefiningOp<arith::ConstantOp>())
    attr = dyn_cast<ElementsAttr>(constant.getValue());
  if (!attr)
    return failure();
  return readStoredIntegers(attr, width, isSigned);
}

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::verify() {
  auto valueType = cast<ShapedType>(getValue().getType());
  auto resultType = getResult().getType();
  if (valueType.getShape() != resultType.getShape())
    return emitOpError("value shape does not match the result shape");
  Type resultElement = resultType.getElementType();
  if (isa<FloatType>(resultElement)) {
    if (valueType.getElementType() != resultElement)
      return emitOpError("float value type ")
             << valueType.getElementType() << " does not match the result "
             << resultElement;
    return success();
  }
  Type storage = resultElement;
  if (auto quantized = dyn_cast<quant::QuantizedType>(resultElement))
    storage = quantized.getStorageType();
  if (!isa<IntegerType>(storage))
    return emitOpError(
        "result element type must be float, quantized or integer");
  if (valueType.getElementType() != storage)
    return emitOpError("value element type ")
           << valueType.getElementType()
           << " does not match the storage type " << storage;
  return success();
}

std::optional<std::vector<float>> ConstantOp::getFloatValues() {
  if (!getType().getElementType().isF32())
    return std::nullopt;
  if (auto values = getValue().tryGetValues<float>())
    return std::vector<float>(values->begin(), values->end());
  // dense_resource blobs hold the elements packed little-endian.
  auto resource = dyn_cast<DenseResourceElementsAttr>(getValue());
  if (!resource)
    return std::nullopt;
  ArrayRef<char> data = resource.getData();
  size_t count = getType().getNumElements();
  if (data.size() != count * sizeof(float))
    return std::nullopt;
  std::vector<float> values(count);
  std::memcpy(values.data(), data.data(), data.size());
  return values;
}

//===----------------------------------------------------------------------===//
// FullyConnectedOp
//===----------------------------------------------------------------------===//

LogicalResult FullyConnectedOp::verify() {
  auto inputType = getInput().getType();
  auto weightType = getWeight().getType();
  if (inputType.getRank() != 2 || weightType.getRank() != 2)
    return emitOpError("expects a rank-2 input [M, K] and weight [N, K]");
  int64_t m = inputType.getDimSize(0), k = inputType.getDimSize(1);
  int64_t n = weightType.getDimSize(0);
  if (ShapedType::isDynamic(k))
    return emitOpError("the reduction dimension K must be static");
  if (weightType.getDimSize(1) != k)
    return emitOpError("input has K = ")
           << k << " but weight has K = " << weightType.getDimSize(1);

  Type weightElement = weightType.getElementType();
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(
          weightElement)) {
    if (perAxis.getQuantizedDimension() != 0)
      return emitOpError("per-axis weight must be quantized along axis 0 "
                         "(output channels), got axis ")
             << perAxis.getQuantizedDimension();
    if (!ShapedType::isDynamic(n) &&
        static_cast<int64_t>(perAxis.getScales().size()) != n)
      return emitOpError("weight has ")
             << perAxis.getScales().size() << " scales for " << n
             << " output channels";
  }

  // Every product and the sum of K of them must be exact in int32.
  auto inputQuant = cast<quant::QuantizedType>(inputType.getElementType());
  auto weightQuant = cast<quant::QuantizedType>(weightElement);
  int64_t inputBound =
      maxCenteredMagnitude(inputQuant, zeroPointsOf(inputQuant));
  int64_t weightBound =
      maxCenteredMagnitude(weightQuant, zeroPointsOf(weightQuant));
  // Each bound is at most 2^32 and K < 2^63, so the 128-bit product of the
  // three is exact; the int64 one wraps for 32-bit storage.
  __int128 productBound = static_cast<__int128>(inputBound) * weightBound;
  if (productBound * k > INT32_MAX)
    return emitOpError("accumulating K = ")
           << k << " products of magnitude up to "
           << static_cast<uint64_t>(productBound) << " can overflow int32";

  if (Value bias = getBias()) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (biasType.getRank() != 1 || biasType.getDimSize(0) != n)
      return emitOpError("bias must be [") << n << "], got " << biasType;
  }
  auto resultType = getResult().getType();
  if (resultType.getShape() != ArrayRef<int64_t>{m, n})
    return emitOpError("result must be [")
           << m << ", " << n << "], got " << resultType;
  return success();
}

//===----------------------------------------------------------------------===//
// RequantizeOp
//===----------------------------------------------------------------------===//

quant::UniformQuantizedType RequantizeOp::getOutputQuantizedType() {
  return cast<quant::UniformQuantizedType>(
      getOutput().getType().getElementType());
}

LogicalResult mlir::lowbit::verifyRequantizeAttributes(
    Operation *op, ArrayRef<int32_t> multipliers, ArrayRef<int8_t> shifts,
    int64_t channels, const Twine &channelsWhere,
    quant::UniformQuantizedType outputType, int32_t lo, int32_t hi) {
  if (multipliers.empty() || multipliers.size() != shifts.size())
    return op->emitOpError("needs as many shifts as multipliers (at least "
                           "one), got ")
           << multipliers.size() << " multipliers and " << shifts.size()
           << " shifts";
  if (multipliers.size() > 1 &&
      static_cast<int64_t>(multipliers.size()) != channels)
    return op->emitOpError("has ")
           << multipliers.size() << " per-channel multipliers for "
           << channels << " channels in " << channelsWhere;
  for (int32_t multiplier : multipliers)
    if (multiplier < 0)
      return op->emitOpError("multiplier must be non-negative, got ")
             << multiplier;
  for (int8_t shift : shifts)
    if (shift < 1 || shift > 62)
      return op->emitOpError("shift must be in [1, 62], got ") << int(shift);

  if (outputType.getStorageTypeIntegralWidth() > 32)
    return op->emitOpError("output storage wider than 32 bits");
  if (lo > hi)
    return op->emitOpError("clamp range [") << lo << ", " << hi
                                            << "] is empty";
  if (lo < outputType.getStorageTypeMin() ||
      hi > outputType.getStorageTypeMax())
    return op->emitOpError("clamp range [")
           << lo << ", " << hi << "] exceeds the storage range ["
           << outputType.getStorageTypeMin() << ", "
           << outputType.getStorageTypeMax() << "]";
  return success();
}

LogicalResult RequantizeOp::verify() {
  auto inputType = cast<RankedTensorType>(getInput().getType());
  int64_t rank = inputType.getRank();
  if (getChannelAxis() && (*getChannelAxis() < 0 || *getChannelAxis() >= rank))
    return emitOpError("channel_axis ")
           << *getChannelAxis() << " out of [0, " << rank << ")";
  if (getMultiplier().size() > 1 && rank == 0)
    return emitOpError("has ")
           << getMultiplier().size()
           << " per-channel multipliers for a rank-0 tensor (one channel)";
  int64_t channels = rank ? inputType.getDimSize(getChannelDim()) : 1;
  return verifyRequantizeAttributes(
      *this, getMultiplier(), getShift(), channels,
      "dimension " + Twine(rank ? getChannelDim() : 0),
      getOutputQuantizedType(), getClampMin(), getClampMax());
}

//===----------------------------------------------------------------------===//
// Packed kernels: packed_fully_connected (packed_conv2d in PackedConv2D.cpp)
//===----------------------------------------------------------------------===//

LogicalResult mlir::lowbit::verifyPackedKernelOperands(
    Operation *op, KernelIsa isa, int64_t channels, int64_t depth,
    RankedTensorType packedType, Value bias, Value rowSumWeights,
    std::optional<int64_t> codeBits, std::optional<ArrayRef<int8_t>> table) {
  if (codeBits.has_value() != table.has_value())
    return op->emitOpError("codes and table go together");
  if (codeBits) {
    if (*codeBits != 1 && *codeBits != 2 && *codeBits != 4)
      return op->emitOpError("codes must be 1, 2 or 4 bits, got ")
             << *codeBits;
    if (static_cast<int64_t>(table->size()) != (int64_t(1) << *codeBits))
      return op->emitOpError("table must have 2^bits = ")
             << (1 << *codeBits) << " entries";
  }
  std::array<int64_t, 3> packed =
      codeBits ? getPackedCodeShape(isa, channels, depth, *codeBits)
               : getPackedWeightShape(isa, channels, depth);
  if (packedType.getShape() != ArrayRef<int64_t>(packed))
    return op->emitOpError("packed weight must be ")
           << packed[0] << "x" << packed[1] << "x" << packed[2]
           << " for N = " << channels << ", K = " << depth << ", got "
           << packedType;
  int64_t padded = packed[0] * kPackedChannelBlock;
  auto isPaddedVector = [&](Value value) {
    auto type = cast<RankedTensorType>(value.getType());
    return type.getRank() == 1 && type.getDimSize(0) == padded;
  };
  if (!isPaddedVector(bias))
    return op->emitOpError("bias must be [") << padded << "]";
  if (rowSumWeights && !isPaddedVector(rowSumWeights))
    return op->emitOpError("row_sum_weights must be [") << padded << "]";
  return success();
}

quant::UniformQuantizedType PackedFullyConnectedOp::getInputQuantizedType() {
  return cast<quant::UniformQuantizedType>(
      getInput().getType().getElementType());
}

quant::UniformQuantizedType PackedFullyConnectedOp::getOutputQuantizedType() {
  return cast<quant::UniformQuantizedType>(
      getOutput().getType().getElementType());
}

LogicalResult PackedFullyConnectedOp::verify() {
  auto inputType = getInput().getType();
  auto outputType = getOutput().getType();
  if (inputType.getRank() != 2 || outputType.getRank() != 2)
    return emitOpError("expects a rank-2 input [M, K] and result [M, N]");
  if (getInputQuantizedType().getStorageTypeIntegralWidth() != 8)
    return emitOpError("expects 8-bit input storage");
  int64_t depth = inputType.getDimSize(1);
  int64_t channels = outputType.getDimSize(1);
  if (ShapedType::isDynamic(depth) || ShapedType::isDynamic(channels))
    return emitOpError("K and N must be static");
  if (inputType.getDimSize(0) != outputType.getDimSize(0))
    return emitOpError("input and result must have the same number of rows");
  if (failed(verifyPackedKernelOperands(
          *this, getIsa(), channels, depth, getPackedWeight().getType(),
          getBias(), getRowSumWeights(), getCodeBits(), getCodeTable())))
    return failure();
  return verifyRequantizeAttributes(
      *this, getMultiplier(), getShift(), channels, "the innermost dimension",
      getOutputQuantizedType(), getClampMin(), getClampMax());
}

//===----------------------------------------------------------------------===//
// PackedDepthwiseConv2DOp
//===----------------------------------------------------------------------===//

quant::UniformQuantizedType
PackedDepthwiseConv2DOp::getInputQuantizedType() {
  return cast<quant::UniformQuantizedType>(
      getInput().getType().getElementType());
}

quant::UniformQuantizedType
PackedDepthwiseConv2DOp::getOutputQuantizedType() {
  return cast<quant::UniformQuantizedType>(
      getOutput().getType().getElementType());
}

LogicalResult PackedDepthwiseConv2DOp::verify() {
  auto inputType = getInput().getType();
  auto weightType = getWeight().getType();
  auto outputType = getOutput().getType();
  if (inputType.getRank() != 4 || outputType.getRank() != 4 ||
      weightType.getRank() != 3)
    return emitOpError("expects an input [N, H, W, C], weights [KH, KW, F] "
                       "and a result [N, OH, OW, F]");
  if (!inputType.hasStaticShape() || !weightType.hasStaticShape() ||
      !outputType.hasStaticShape())
    return emitOpError("expects static shapes");
  if (getInputQuantizedType().getStorageTypeIntegralWidth() != 8)
    return emitOpError("expects 8-bit input storage");
  int64_t channels = inputType.getDimSize(3);
  int64_t filters = weightType.getDimSize(2);
  if (outputType.getDimSize(0) != inputType.getDimSize(0) ||
      outputType.getDimSize(3) != filters)
    return emitOpError("result must be [N, ..., F] = [")
           << inputType.getDimSize(0) << ", ..., " << filters << "]";
  if (channels == 0 || filters % channels != 0)
    return emitOpError("output channels (")
           << filters << ") must be a multiple of the input channels ("
           << channels << ")";
  auto isChannelVector = [&](Value value) {
    auto type = cast<RankedTensorType>(value.getType());
    return type.getRank() == 1 && type.getDimSize(0) == filters;
  };
  if (!isChannelVector(getBias()))
    return emitOpError("bias must be [") << filters << "]";
  if (getWeightOffsets() && !isChannelVector(getWeightOffsets()))
    return emitOpError("weight_offsets must be [") << filters << "]";
  if (failed(verifyWindowShape(*this, inputType.getShape().slice(1, 2),
                               outputType.getShape().slice(1, 2),
                               weightType.getShape().take_front(2),
                               getStrides(), getPads(), getDilations(),
                               /*ceilMode=*/false)))
    return failure();
  return verifyRequantizeAttributes(
      *this, getMultiplier(), getShift(), filters, "dimension 3",
      getOutputQuantizedType(), getClampMin(), getClampMax());
}

//===----------------------------------------------------------------------===//
// CodedConstantOp
//===----------------------------------------------------------------------===//

LogicalResult CodedConstantOp::verify() {
  int64_t bits = getBits();
  if (bits != 1 && bits != 2 && bits != 4)
    return emitOpError("bits must be 1, 2 or 4, got ") << bits;
  if (static_cast<int64_t>(getTable().size()) != (int64_t(1) << bits))
    return emitOpError("table must have 2^bits = ")
           << (1 << bits) << " entries, got " << getTable().size();
  auto resultType = getResult().getType();
  Type storage = resultType.getElementType();
  if (auto quantized = dyn_cast<quant::QuantizedType>(storage))
    storage = quantized.getStorageType();
  if (!storage.isInteger(8))
    return emitOpError("result must have 8-bit storage");
  if (!resultType.hasStaticShape() || resultType.getRank() < 1)
    return emitOpError("result must have a static shape of rank >= 1");
  std::array<int64_t, 2> shape = getCodedConstantShape(
      resultType.getDimSize(0), getRowLength(), bits);
  auto codesType = cast<ShapedType>(getCodes().getType());
  if (codesType.getShape() != ArrayRef<int64_t>(shape) ||
      !codesType.getElementType().isInteger(8))
    return emitOpError("codes must be tensor<")
           << shape[0] << "x" << shape[1] << "xi8> for " << resultType;
  return success();
}

int64_t CodedConstantOp::getRowLength() {
  return getResult().getType().getNumElements() /
         getResult().getType().getDimSize(0);
}

SmallVector<uint8_t> CodedConstantOp::getElementCodes() {
  int64_t bits = getBits(), perByte = getCodesPerByte(bits);
  int64_t rows = getResult().getType().getDimSize(0);
  int64_t rowLength = getRowLength();
  int64_t rowBytes = getCodedConstantShape(rows, rowLength, bits)[1];
  FailureOr<SmallVector<int64_t>> bytes =
      readStoredIntegers(getCodes(), 8, /*isSigned=*/false);
  assert(succeeded(bytes) && "verified codes");
  SmallVector<uint8_t> codes;
  codes.reserve(rows * rowLength);
  for (int64_t row = 0; row < rows; ++row)
    for (int64_t r = 0; r < rowLength; ++r)
      codes.push_back(((*bytes)[row * rowBytes + r / perByte] >>
                       (bits * (r % perByte))) &
                      ((1 << bits) - 1));
  return codes;
}

SmallVector<int64_t> CodedConstantOp::getDecodedValues() {
  Type element = getResult().getType().getElementType();
  bool isSigned = true;
  if (auto quantized = dyn_cast<quant::QuantizedType>(element))
    isSigned = quantized.isSigned();
  else
    isSigned = !element.isUnsignedInteger();
  ArrayRef<int8_t> table = getTable();
  return llvm::map_to_vector(getElementCodes(), [&](uint8_t code) {
    return isSigned ? int64_t(table[code])
                    : int64_t(static_cast<uint8_t>(table[code]));
  });
}

//===----------------------------------------------------------------------===//
// DecodeCodesOp
//===----------------------------------------------------------------------===//

LogicalResult DecodeCodesOp::verify() {
  int64_t lanes = getCodes().getType().getNumElements();
  int64_t expected = getIsa() == KernelIsa::Avx512Vnni ? 64 : 16;
  if (lanes != expected)
    return emitOpError("with isa ")
           << stringifyKernelIsa(getIsa()) << " expects vector<" << expected
           << "xi8> codes";
  return success();
}

//===----------------------------------------------------------------------===//
// DotAccumulateOp
//===----------------------------------------------------------------------===//

LogicalResult DotAccumulateOp::verify() {
  int64_t group = getPackedKGroup(getIsa());
  int64_t lanes = getAcc().getType().getNumElements();
  unsigned width = getIsa() == KernelIsa::Avx2 ? 16 : 8;
  int64_t expectedLanes = getIsa() == KernelIsa::Avx512Vnni ? 16
                          : getIsa() == KernelIsa::Avx2     ? 8
                                                            : 4;
  auto operandType =
      VectorType::get({lanes * group}, IntegerType::get(getContext(), width));
  if (lanes != expectedLanes || getLhs().getType() != operandType ||
      getRhs().getType() != operandType)
    return emitOpError("with isa ")
           << stringifyKernelIsa(getIsa()) << " expects vector<"
           << expectedLanes << "xi32> and two vector<"
           << expectedLanes * group << "xi" << width << ">";
  return success();
}

#define GET_OP_CLASSES
#include "lowbit/Dialect/Lowbit/IR/LowbitOps.cpp.inc"
