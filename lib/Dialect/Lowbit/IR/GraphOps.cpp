//===- GraphOps.cpp - Verifiers of the graph-level operations ---*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// The graph-level ops follow ONNX's semantics; their verifiers check what
// ONNX's shape inference promises about the shapes the importer gives them,
// so that the interpreter and the lowerings can rely on it.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/Lowbit/IR/LowbitOps.h"
#include "lowbit/Support/Softmax.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Traits.h"

using namespace mlir;
using namespace mlir::lowbit;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

static bool isF32Tensor(Type type) {
  return cast<ShapedType>(type).getElementType().isF32();
}

int64_t mlir::lowbit::getWindowOutputSize(int64_t in, int64_t padBegin,
                                          int64_t padEnd, int64_t kernel,
                                          int64_t stride, int64_t dilation,
                                          bool ceilMode) {
  int64_t extent = dilation * (kernel - 1) + 1;
  int64_t span = in + padBegin + padEnd - extent;
  if (span < 0)
    return 0;
  return (ceilMode ? llvm::divideCeil(span, stride) : span / stride) + 1;
}

LogicalResult mlir::lowbit::verifyWindowShape(
    Operation *op, ArrayRef<int64_t> inputSpatial,
    ArrayRef<int64_t> resultSpatial, ArrayRef<int64_t> kernel,
    ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
    ArrayRef<int64_t> dilations, bool ceilMode) {
  if (strides.size() != 2 || dilations.size() != 2 || pads.size() != 4)
    return op->emitOpError(
        "expects 2 strides, 2 dilations and 4 pads [top, left, bottom, right]");
  if (llvm::any_of(strides, [](int64_t s) { return s < 1; }) ||
      llvm::any_of(dilations, [](int64_t d) { return d < 1; }) ||
      llvm::any_of(pads, [](int64_t p) { return p < 0; }) ||
      llvm::any_of(kernel, [](int64_t k) { return k < 1; }))
    return op->emitOpError("strides, dilations and kernel sizes must be "
                           "positive and pads non-negative");
  for (int i = 0; i < 2; ++i) {
    int64_t in = inputSpatial[i], out = resultSpatial[i];
    if (ShapedType::isDynamic(in) || ShapedType::isDynamic(out))
      return op->emitOpError("spatial dimensions must be static");
    int64_t expected =
        getWindowOutputSize(in, pads[i], pads[2 + i], kernel[i], strides[i],
                            dilations[i], ceilMode);
    // With ceil_mode, a last window that would start in the end padding is
    // dropped (PyTorch and ONNX since opset 19); either size is accepted.
    bool ok = out == expected ||
              (ceilMode && out == expected - 1 && out >= 1);
    if (!ok)
      return op->emitOpError("spatial dimension ")
             << i << " of the result is " << out << ", expected " << expected;
  }
  return success();
}

/// Checks the window attributes of a 2-D conv or pool over the [N, C, H, W]
/// `input` and the H, W of `result`.
static LogicalResult verifyWindow(Operation *op, ShapedType input,
                                  ShapedType result, ArrayRef<int64_t> kernel,
                                  ArrayRef<int64_t> strides,
                                  ArrayRef<int64_t> pads,
                                  ArrayRef<int64_t> dilations, bool ceilMode) {
  if (input.getRank() != 4 || result.getRank() != 4)
    return op->emitOpError("expects rank-4 NCHW input and result");
  return verifyWindowShape(op, input.getShape().drop_front(2),
                           result.getShape().drop_front(2), kernel, strides,
                           pads, dilations, ceilMode);
}

static LogicalResult verifyBroadcast(Operation *op, ShapedType lhs,
                                     ShapedType rhs, ShapedType result) {
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(lhs.getShape(), rhs.getShape(),
                                          shape))
    return op->emitOpError("operand shapes ")
           << lhs << " and " << rhs << " do not broadcast";
  if (ArrayRef<int64_t>(shape) != result.getShape())
    return op->emitOpError("result shape does not match the broadcast of the "
                           "operand shapes");
  return success();
}

/// For ops defined on float32 or on quantized operands: checks that either
/// every operand in `operands` is f32 and `result` is f32, or they are
/// quantized and `result` (and `bias`, if any) is i32.
static LogicalResult verifyFloatOrQuantized(Operation *op,
                                            ArrayRef<Type> operands,
                                            Type bias, Type result) {
  if (llvm::all_of(operands, isF32Tensor)) {
    if (!isF32Tensor(result) || (bias && !isF32Tensor(bias)))
      return op->emitOpError("float32 operands need float32 bias and result");
    return success();
  }
  for (Type operand : operands)
    if (!isa<quant::UniformQuantizedType, quant::UniformQuantizedPerAxisType>(
            cast<ShapedType>(operand).getElementType()))
      return op->emitOpError(
          "operands must be all float32 or all uniform quantized");
  auto isI32 = [](Type t) {
    return cast<ShapedType>(t).getElementType().isInteger(32);
  };
  if (!isI32(result) || (bias && !isI32(bias)))
    return op->emitOpError(
        "quantized operands need an i32 bias and an i32 accumulator result");
  return success();
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

LogicalResult Conv2DOp::verify() {
  ShapedType input = getInput().getType(), weight = getWeight().getType();
  ShapedType result = getResult().getType();
  Type bias = getBias() ? getBias().getType() : Type();
  if (failed(verifyFloatOrQuantized(*this, {input, weight}, bias, result)))
    return failure();
  if (weight.getRank() != 4)
    return emitOpError("expects a rank-4 OIHW weight");
  if (!weight.hasStaticShape() || !input.hasStaticShape())
    return emitOpError("input and weight shapes must be static");
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(
          weight.getElementType());
      perAxis && perAxis.getQuantizedDimension() != 0)
    return emitOpError("per-axis weight must be quantized along axis 0");
  if (isa<quant::UniformQuantizedPerAxisType>(input.getElementType()))
    return emitOpError("the input must be quantized per tensor");
  int64_t group = getGroup();
  int64_t channels = input.getDimSize(1), filters = weight.getDimSize(0);
  if (group < 1 || channels % group || filters % group)
    return emitOpError("group ")
           << group << " must divide the " << channels << " input and "
           << filters << " output channels";
  if (weight.getDimSize(1) != channels / group)
    return emitOpError("weight has ")
           << weight.getDimSize(1) << " input channels per group, expected "
           << channels / group;
  if (bias && (cast<ShapedType>(bias).getRank() != 1 ||
               cast<ShapedType>(bias).getDimSize(0) != filters))
    return emitOpError("bias must be [") << filters << "]";
  if (result.getRank() == 4 &&
      (result.getDimSize(0) != input.getDimSize(0) ||
       result.getDimSize(1) != filters))
    return emitOpError("result must be [N, F, OH, OW] = [")
           << input.getDimSize(0) << ", " << filters << ", ...]";
  return verifyWindow(*this, input, result, weight.getShape().drop_front(2),
                      getStrides(), getPads(), getDilations(),
                      /*ceilMode=*/false);
}

LogicalResult MatMulOp::verify() {
  ShapedType lhs = getLhs().getType(), rhs = getRhs().getType();
  ShapedType result = getResult().getType();
  if (failed(verifyFloatOrQuantized(*this, {lhs, rhs}, Type(), result)))
    return failure();
  if (lhs.getRank() < 2 || rhs.getRank() < 2)
    return emitOpError("operands must have rank >= 2");
  if (isa<quant::UniformQuantizedPerAxisType>(lhs.getElementType()))
    return emitOpError("lhs must be quantized per tensor");
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(
          rhs.getElementType());
      perAxis && perAxis.getQuantizedDimension() != rhs.getRank() - 1)
    return emitOpError("per-axis rhs must be quantized along its last axis");
  int64_t k = lhs.getShape().back();
  if (k != rhs.getDimSize(rhs.getRank() - 2))
    return emitOpError("lhs has K = ")
           << k << " but rhs has K = " << rhs.getDimSize(rhs.getRank() - 2);
  SmallVector<int64_t> batch;
  if (!OpTrait::util::getBroadcastedShape(lhs.getShape().drop_back(2),
                                          rhs.getShape().drop_back(2), batch))
    return emitOpError("batch dimensions do not broadcast");
  batch.push_back(lhs.getDimSize(lhs.getRank() - 2));
  batch.push_back(rhs.getShape().back());
  if (ArrayRef<int64_t>(batch) != result.getShape())
    return emitOpError("result shape does not match [batch..., M, N]");
  return success();
}

LogicalResult GemmOp::verify() {
  ShapedType a = getA().getType(), b = getB().getType();
  if (a.getRank() != 2 || b.getRank() != 2)
    return emitOpError("a and b must have rank 2");
  int64_t m = getTransA() ? a.getDimSize(1) : a.getDimSize(0);
  int64_t ka = getTransA() ? a.getDimSize(0) : a.getDimSize(1);
  int64_t kb = getTransB() ? b.getDimSize(1) : b.getDimSize(0);
  int64_t n = getTransB() ? b.getDimSize(0) : b.getDimSize(1);
  if (ka != kb)
    return emitOpError("op(a) has K = ") << ka << " but op(b) has K = " << kb;
  ShapedType result = getResult().getType();
  if (result.getShape() != ArrayRef<int64_t>{m, n})
    return emitOpError("result must be [") << m << ", " << n << "]";
  if (getC()) {
    SmallVector<int64_t> shape;
    if (!OpTrait::util::getBroadcastedShape(getC().getType().getShape(),
                                            result.getShape(), shape) ||
        ArrayRef<int64_t>(shape) != result.getShape())
      return emitOpError("c does not broadcast to the result");
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

LogicalResult AddOp::verify() {
  Type element = getResult().getType().getElementType();
  if (!element.isF32() && !isa<quant::UniformQuantizedType>(element))
    return emitOpError("expects float32 or per-tensor quantized values");
  if (getLhs().getType().getElementType() != element ||
      getRhs().getType().getElementType() != element)
    return emitOpError("operands and result must have the same element type");
  return verifyBroadcast(*this, getLhs().getType(), getRhs().getType(),
                         getResult().getType());
}
LogicalResult SubOp::verify() {
  return verifyBroadcast(*this, getLhs().getType(), getRhs().getType(),
                         getResult().getType());
}
LogicalResult MulOp::verify() {
  return verifyBroadcast(*this, getLhs().getType(), getRhs().getType(),
                         getResult().getType());
}

LogicalResult ClipOp::verify() {
  if (getMin().convertToFloat() > getMax().convertToFloat())
    return emitOpError("min ") << getMin().convertToFloat() << " exceeds max "
                               << getMax().convertToFloat();
  return success();
}

LogicalResult BatchNormOp::verify() {
  ShapedType input = getInput().getType();
  if (input.getRank() < 2)
    return emitOpError("expects an [N, C, ...] input");
  int64_t channels = input.getDimSize(1);
  for (Value param : {getScale(), getBias(), getMean(), getVariance()}) {
    auto type = cast<ShapedType>(param.getType());
    if (type.getRank() != 1 || type.getDimSize(0) != channels)
      return emitOpError("parameters must be [") << channels << "]";
  }
  if (getResult().getType() != input)
    return emitOpError("result type must equal the input type");
  return success();
}

LogicalResult SoftmaxOp::verify() {
  int64_t rank = getInput().getType().getRank();
  if (getAxis() < 0 || getAxis() >= rank)
    return emitOpError("axis ") << getAxis() << " out of [0, " << rank << ")";
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// Pools take float32 or per-tensor quantized values and keep the type.
static LogicalResult verifyPoolTypes(Operation *op, ShapedType input,
                                     ShapedType result) {
  Type element = input.getElementType();
  if (!element.isF32() && !isa<quant::UniformQuantizedType>(element))
    return op->emitOpError("expects float32 or per-tensor quantized values");
  if (result.getElementType() != element)
    return op->emitOpError("result element type must equal the input's");
  return success();
}

/// A 2-D pool keeps the N and C of its input.
static LogicalResult verifyPoolBatchAndChannels(Operation *op,
                                                ShapedType input,
                                                ShapedType result) {
  if (input.getRank() == 4 && result.getRank() == 4 &&
      (result.getDimSize(0) != input.getDimSize(0) ||
       result.getDimSize(1) != input.getDimSize(1)))
    return op->emitOpError("result must be [N, C, OH, OW] = [")
           << input.getDimSize(0) << ", " << input.getDimSize(1) << ", ...]";
  return success();
}

LogicalResult MaxPoolOp::verify() {
  if (failed(verifyPoolTypes(*this, getInput().getType(),
                             getResult().getType())))
    return failure();
  if (getKernel().size() != 2)
    return emitOpError("expects a 2-D kernel");
  if (failed(verifyPoolBatchAndChannels(*this, getInput().getType(),
                                        getResult().getType())))
    return failure();
  return verifyWindow(*this, getInput().getType(), getResult().getType(),
                      getKernel(), getStrides(), getPads(), getDilations(),
                      getCeilMode());
}

LogicalResult AveragePoolOp::verify() {
  if (failed(verifyPoolTypes(*this, getInput().getType(),
                             getResult().getType())))
    return failure();
  if (getKernel().size() != 2)
    return emitOpError("expects a 2-D kernel");
  if (failed(verifyPoolBatchAndChannels(*this, getInput().getType(),
                                        getResult().getType())))
    return failure();
  SmallVector<int64_t> dilations{1, 1};
  if (failed(verifyWindow(*this, getInput().getType(), getResult().getType(),
                          getKernel(), getStrides(), getPads(), dilations,
                          getCeilMode())))
    return failure();
  // ONNX's divisor of a window is the number of its positions inside the
  // input (or, with count_include_pad, inside input + padding): it must not
  // be 0. A window's positions are a product of one range per dimension, so
  // it is 0 exactly when one dimension's range is empty.
  ArrayRef<int64_t> kernel = getKernel(), strides = getStrides(),
                    pads = getPads();
  for (int i = 0; i < 2; ++i) {
    int64_t size = getInput().getType().getDimSize(2 + i);
    int64_t end = getCountIncludePad() ? size + pads[2 + i] : size;
    int64_t begin = getCountIncludePad() ? -pads[i] : 0;
    for (int64_t o = 0; o < getResult().getType().getDimSize(2 + i); ++o) {
      int64_t first = o * strides[i] - pads[i];
      if (first + kernel[i] <= begin || first >= end)
        return emitOpError("window ")
               << o << " of spatial dimension " << i
               << " has no position to average (it lies in the padding "
                  "or past it)";
    }
  }
  return success();
}

LogicalResult GlobalAveragePoolOp::verify() {
  ShapedType input = getInput().getType(), result = getResult().getType();
  if (failed(verifyPoolTypes(*this, input, result)))
    return failure();
  if (input.getRank() < 3 || result.getRank() != input.getRank())
    return emitOpError("expects [N, C, spatial...] input and result");
  for (int64_t i = 0; i < input.getRank(); ++i) {
    int64_t expected = i < 2 ? input.getDimSize(i) : 1;
    if (result.getDimSize(i) != expected)
      return emitOpError("result must be [N, C, 1, ...]");
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Quantized activations
//===----------------------------------------------------------------------===//

LogicalResult LookupOp::verify() {
  auto input = cast<quant::UniformQuantizedType>(
      getInput().getType().getElementType());
  auto output = cast<quant::UniformQuantizedType>(
      getOutput().getType().getElementType());
  if (input.getStorageTypeIntegralWidth() > 8)
    return emitOpError("input storage must be at most 8 bits");
  int64_t entries =
      input.getStorageTypeMax() - input.getStorageTypeMin() + 1;
  if (static_cast<int64_t>(getTable().size()) != entries)
    return emitOpError("table has ")
           << getTable().size() << " entries, the input takes " << entries
           << " values";
  for (int32_t value : getTable())
    if (value < output.getStorageTypeMin() ||
        value > output.getStorageTypeMax())
      return emitOpError("table value ")
             << value << " is outside the output storage range";
  return success();
}

LogicalResult QuantizedSoftmaxOp::verify() {
  auto input =
      cast<quant::UniformQuantizedType>(getInput().getType().getElementType());
  auto output =
      cast<quant::UniformQuantizedType>(getOutput().getType().getElementType());
  int64_t rank = getInput().getType().getRank();
  int64_t axis = static_cast<int64_t>(getAxis());
  if (axis < 0 || axis >= rank)
    return emitOpError("axis ") << axis << " out of [0, " << rank << ")";
  if (input.getStorageTypeIntegralWidth() > 8)
    return emitOpError("input storage must be at most 8 bits");
  // Probabilities in units of 1/256: 256 steps from the storage minimum.
  if (output.getStorageTypeIntegralWidth() != 8 ||
      output.getStorageTypeMax() - output.getStorageTypeMin() != 255 ||
      output.getScale() != 1.0 / ::lowbit::kSoftmaxOutputUnits ||
      output.getZeroPoint() != output.getStorageTypeMin())
    return emitOpError("result must be 8-bit with scale 1/256 and the storage "
                       "minimum as zero point, got ")
           << output;
  int64_t entries = input.getStorageTypeMax() - input.getStorageTypeMin() + 1;
  ArrayRef<int32_t> table = getExpTable();
  if (static_cast<int64_t>(table.size()) != entries)
    return emitOpError("exp_table has ")
           << table.size() << " entries, the input takes " << entries
           << " values";
  if (llvm::any_of(table, [](int32_t e) { return e < 0; }) || table[0] < 1)
    return emitOpError("exp_table entries must be non-negative and the first "
                       "positive");
  int64_t size = getInput().getType().getDimSize(axis);
  if (ShapedType::isDynamic(size))
    return emitOpError("the axis dimension must be static");
  int64_t largest = *llvm::max_element(table);
  if (!::lowbit::isSoftmaxSumBounded(size, largest))
    return emitOpError("the sum of ")
           << size << " entries up to " << largest
           << " may overflow int32: (N + 256) * max(exp_table) must be at "
              "most 2^31 - 1";
  return success();
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  ShapedType input = getInput().getType(), result = getResult().getType();
  if (input.getElementType() != result.getElementType())
    return emitOpError("element types differ");
  if (!input.hasStaticShape() || !result.hasStaticShape())
    return emitOpError("shapes must be static");
  if (input.getNumElements() != result.getNumElements())
    return emitOpError("input has ")
           << input.getNumElements() << " elements, result "
           << result.getNumElements();
  return success();
}

LogicalResult TransposeOp::verify() {
  ShapedType input = getInput().getType(), result = getResult().getType();
  ArrayRef<int64_t> permutation = getPermutation();
  if (input.getElementType() != result.getElementType())
    return emitOpError("element types differ");
  int64_t rank = input.getRank();
  if (static_cast<int64_t>(permutation.size()) != rank ||
      result.getRank() != rank)
    return emitOpError("permutation and result must have rank ") << rank;
  SmallVector<bool> seen(rank, false);
  for (auto [i, p] : llvm::enumerate(permutation)) {
    if (p < 0 || p >= rank || seen[p])
      return emitOpError("permutation is not a permutation of [0, ")
             << rank << ")";
    seen[p] = true;
    if (result.getDimSize(i) != input.getDimSize(p))
      return emitOpError("result dimension ")
             << i << " must equal input dimension " << p;
  }
  return success();
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  ShapedType result = getResult().getType();
  int64_t rank = result.getRank(), axis = getAxis();
  if (axis < 0 || axis >= rank)
    return emitOpError("axis ") << axis << " out of [0, " << rank << ")";
  int64_t total = 0;
  for (Value input : getInputs()) {
    auto type = cast<ShapedType>(input.getType());
    if (type.getElementType() != result.getElementType() ||
        type.getRank() != rank)
      return emitOpError("inputs must have the result's element type and rank");
    for (int64_t i = 0; i < rank; ++i)
      if (i != axis && type.getDimSize(i) != result.getDimSize(i))
        return emitOpError("inputs differ from the result in dimension ")
               << i;
    total += type.getDimSize(axis);
  }
  if (total != result.getDimSize(axis))
    return emitOpError("the inputs sum to ")
           << total << " along axis " << axis << ", the result has "
           << result.getDimSize(axis);
  return success();
}
