//===- BinaryOps.cpp - Reference semantics of the binary ops ----*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// lowbit.binarize, binarize_threshold, binary_fully_connected and
// binary_conv2d, one output element at a time, as docs/IntegerSemantics.md
// ("Binary layers") defines them: bit 1 is -1, bit 0 is +1, and the dot product of
// two words of packed signs over `bits` positions is bits - 2 * popcount(a
// XOR b). Packed operands must have zero padding bits; anything else is an
// error here, so that no lowering depends on whether it masks them.
//
//===----------------------------------------------------------------------===//

#include "Tensors.h"

#include "llvm/ADT/TypeSwitch.h"
#include "llvm/ADT/bit.h"

using namespace mlir;
using namespace mlir::lowbit;
using namespace mlir::lowbit::reference;

namespace {

/// Fails with an error at `op` if a word of `packed` (innermost dimension:
/// the words of `signs` signs) has a set bit past the last sign.
LogicalResult checkPaddingBits(Operation *op, unsigned operand,
                               const StoredTensor &packed, int64_t signs) {
  int64_t words = getPackedSignWords(signs);
  int64_t used = signs - (words - 1) * kSignsPerWord;
  if (used == kSignsPerWord)
    return success();
  uint64_t padding = ~((uint64_t(1) << used) - 1);
  for (size_t i = words - 1; i < packed.values.size(); i += words)
    if (static_cast<uint64_t>(packed.values[i]) & padding)
      return op->emitError("operand #")
             << operand << " has a padding bit set in element " << i
             << " (only the low " << used << " bits of the last word hold "
             << "signs)";
  return success();
}

/// sum over `words` words of popcount(a[w] XOR b[w]).
int64_t countDifferentSigns(const int64_t *a, const int64_t *b,
                            int64_t words) {
  int64_t count = 0;
  for (int64_t w = 0; w < words; ++w)
    count += llvm::popcount(static_cast<uint64_t>(a[w] ^ b[w]));
  return count;
}

/// Packs, along `axis` of `shape` (moved innermost), the bits
/// `negative(index, c)` of the elements (flat index, index along axis).
StoredTensor packSigns(ArrayRef<int64_t> shape, int64_t axis,
                       Shape resultShape,
                       function_ref<bool(int64_t, int64_t)> negative) {
  int64_t signs = shape[axis];
  int64_t outer = numElements(shape.take_front(axis));
  int64_t inner = numElements(shape.drop_front(axis + 1));
  int64_t words = getPackedSignWords(signs);
  StoredTensor result = intTensor(std::move(resultShape));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i)
      for (int64_t c = 0; c < signs; ++c) {
        int64_t index = (o * signs + c) * inner + i;
        uint64_t bit = uint64_t(negative(index, c)) << (c % kSignsPerWord);
        int64_t &word =
            result.values[(o * inner + i) * words + c / kSignsPerWord];
        word = static_cast<int64_t>(static_cast<uint64_t>(word) | bit);
      }
  return result;
}

StoredTensor evaluateBinarize(BinarizeOp op, const StoredTensor &x) {
  bool isFloat = elementOf(op.getInput()).isF32();
  int64_t zeroPoint =
      isFloat ? 0
              : cast<quant::UniformQuantizedType>(elementOf(op.getInput()))
                    .getZeroPoint();
  return packSigns(x.shape, op.getAxis(), shapeOf(op.getResult()),
                   [&](int64_t index, int64_t) {
                     return isFloat ? x.reals[index] < 0.0f
                                    : x.values[index] < zeroPoint;
                   });
}

/// bit = acc < threshold[c].
StoredTensor evaluateBinarizeThreshold(BinarizeThresholdOp op,
                                       const StoredTensor &x) {
  ArrayRef<int64_t> thresholds = op.getThresholds();
  return packSigns(x.shape, op.getAxis(), shapeOf(op.getResult()),
                   [&](int64_t index, int64_t c) {
                     return x.values[index] <
                            thresholds[thresholds.size() == 1 ? 0 : c];
                   });
}

FailureOr<StoredTensor>
evaluateBinaryFullyConnected(BinaryFullyConnectedOp op, const StoredTensor &x,
                             const StoredTensor &w, const StoredTensor *bias) {
  int64_t depth = op.getDepth();
  if (failed(checkPaddingBits(op, 0, x, depth)) ||
      failed(checkPaddingBits(op, 1, w, depth)))
    return failure();
  int64_t rows = x.shape[0], words = x.shape[1], channels = w.shape[0];
  StoredTensor result = intTensor({rows, channels});
  for (int64_t m = 0; m < rows; ++m)
    for (int64_t n = 0; n < channels; ++n) {
      int64_t acc = depth - 2 * countDifferentSigns(&x.values[m * words],
                                                    &w.values[n * words],
                                                    words);
      acc += bias ? bias->values[n] : 0;
      if (failed(checkAccumulator(op, acc, m * channels + n)))
        return failure();
      result.values[m * channels + n] = acc;
    }
  return result;
}

FailureOr<StoredTensor> evaluateBinaryConv2D(BinaryConv2DOp op,
                                             const StoredTensor &x,
                                             const StoredTensor &w,
                                             const StoredTensor *bias) {
  int64_t channels = op.getChannels();
  if (failed(checkPaddingBits(op, 0, x, channels)) ||
      failed(checkPaddingBits(op, 1, w, channels)))
    return failure();
  int64_t batch = x.shape[0], height = x.shape[1], width = x.shape[2],
          words = x.shape[3];
  int64_t filters = w.shape[0], kernelH = w.shape[1], kernelW = w.shape[2];
  Shape out = shapeOf(op.getResult());
  int64_t outH = out[2], outW = out[3];
  ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(),
                    dilations = op.getDilations();
  StoredTensor result = intTensor(out);
  int64_t index = 0;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t f = 0; f < filters; ++f)
      for (int64_t y = 0; y < outH; ++y)
        for (int64_t xo = 0; xo < outW; ++xo, ++index) {
          int64_t acc = bias ? bias->values[f] : 0;
          for (int64_t i = 0; i < kernelH; ++i) {
            int64_t iy = y * strides[0] + i * dilations[0] - pads[0];
            if (iy < 0 || iy >= height)
              continue;
            for (int64_t j = 0; j < kernelW; ++j) {
              int64_t ix = xo * strides[1] + j * dilations[1] - pads[1];
              if (ix < 0 || ix >= width)
                continue;
              const int64_t *tap =
                  &x.values[((b * height + iy) * width + ix) * words];
              const int64_t *kernel =
                  &w.values[((f * kernelH + i) * kernelW + j) * words];
              acc += channels - 2 * countDifferentSigns(tap, kernel, words);
            }
          }
          if (failed(checkAccumulator(op, acc, index)))
            return failure();
          result.values[index] = acc;
        }
  return result;
}

} // namespace

std::optional<FailureOr<StoredTensor>>
mlir::lowbit::reference::evaluateBinaryOp(Operation *op,
                                          ArrayRef<const StoredTensor *> in) {
  using Result = std::optional<FailureOr<StoredTensor>>;
  auto optional = [&](unsigned i) -> const StoredTensor * {
    return i < in.size() ? in[i] : nullptr;
  };
  return llvm::TypeSwitch<Operation *, Result>(op)
      .Case<BinarizeOp>([&](BinarizeOp binarize) -> Result {
        return evaluateBinarize(binarize, *in[0]);
      })
      .Case<BinarizeThresholdOp>([&](BinarizeThresholdOp binarize) -> Result {
        return evaluateBinarizeThreshold(binarize, *in[0]);
      })
      .Case<BinaryFullyConnectedOp>([&](BinaryFullyConnectedOp fc) -> Result {
        return evaluateBinaryFullyConnected(fc, *in[0], *in[1], optional(2));
      })
      .Case<BinaryConv2DOp>([&](BinaryConv2DOp conv) -> Result {
        return evaluateBinaryConv2D(conv, *in[0], *in[1], optional(2));
      })
      .Default([](Operation *) -> Result { return std::nullopt; });
}
