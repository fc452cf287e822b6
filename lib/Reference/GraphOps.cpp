//===- GraphOps.cpp - Reference semantics of the graph-level ops -*- C++ -*-//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// Plain loops over flat row-major arrays. Float ops compute in float32 in a
// fixed order (convolutions and products sum over the reduction indices in
// increasing order, starting from 0, and add the bias last; softmax
// subtracts the maximum). Quantized ops are exact: int64 sums with zero
// points, rounding as docs/IntegerSemantics.md says.
//
//===----------------------------------------------------------------------===//

#include "Tensors.h"

#include "lowbit/Support/FixedPoint.h"
#include "lowbit/Support/Softmax.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::lowbit;
using namespace mlir::lowbit::reference;

namespace {

/// Row-major strides of `shape`, with 0 for the dimensions of size 1 that
/// broadcast to `target` (right-aligned, numpy style).
Shape broadcastStrides(ArrayRef<int64_t> shape, ArrayRef<int64_t> target) {
  Shape strides(target.size(), 0);
  int64_t stride = 1;
  for (int64_t i = static_cast<int64_t>(shape.size()) - 1,
               j = static_cast<int64_t>(target.size()) - 1;
       i >= 0; --i, --j) {
    strides[j] = shape[i] == 1 && target[j] != 1 ? 0 : stride;
    stride *= shape[i];
  }
  return strides;
}

/// Calls `body(outIndex, lhsIndex, rhsIndex)` for every element of the
/// broadcast of `lhs` and `rhs` to `out`.
template <typename Body>
void forEachBroadcast(ArrayRef<int64_t> out, ArrayRef<int64_t> lhs,
                      ArrayRef<int64_t> rhs, Body body) {
  Shape ls = broadcastStrides(lhs, out), rs = broadcastStrides(rhs, out);
  int64_t total = numElements(out);
  Shape index(out.size(), 0);
  for (int64_t flat = 0; flat < total; ++flat) {
    int64_t li = 0, ri = 0;
    for (size_t d = 0; d < out.size(); ++d) {
      li += index[d] * ls[d];
      ri += index[d] * rs[d];
    }
    body(flat, li, ri);
    for (int64_t d = static_cast<int64_t>(out.size()) - 1; d >= 0; --d) {
      if (++index[d] < out[d])
        break;
      index[d] = 0;
    }
  }
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

FailureOr<StoredTensor> evaluateMatMul(MatMulOp op, const StoredTensor &a,
                                       const StoredTensor &b) {
  Shape out = shapeOf(op.getResult());
  int64_t rank = out.size();
  int64_t m = out[rank - 2], nn = out[rank - 1];
  int64_t k = a.shape.back();
  bool isFloat = elementOf(op.getLhs()).isF32();
  StoredTensor result = isFloat ? floatTensor(out) : intTensor(out);
  int64_t za = 0;
  SmallVector<int64_t> zb;
  if (!isFloat) {
    za = cast<quant::UniformQuantizedType>(elementOf(op.getLhs()))
             .getZeroPoint();
    zb = zeroPointsOf(elementOf(op.getRhs()));
  }
  Shape batch(out.begin(), out.end() - 2);
  Shape aBatch(a.shape.begin(), a.shape.end() - 2);
  Shape bBatch(b.shape.begin(), b.shape.end() - 2);
  int64_t aMat = m * k, bMat = k * nn;
  forEachBroadcast(batch, aBatch, bBatch,
                   [&](int64_t o, int64_t ai, int64_t bi) {
                     for (int64_t i = 0; i < m; ++i)
                       for (int64_t j = 0; j < nn; ++j) {
                         float sumF = 0.0f;
                         int64_t sumI = 0;
                         for (int64_t l = 0; l < k; ++l) {
                           int64_t x = ai * aMat + i * k + l;
                           int64_t y = bi * bMat + l * nn + j;
                           if (isFloat)
                             sumF += a.reals[x] * b.reals[y];
                           else
                             sumI += (a.values[x] - za) *
                                     (b.values[y] - zb[zb.size() == 1 ? 0 : j]);
                         }
                         int64_t index = (o * m + i) * nn + j;
                         if (isFloat)
                           result.reals[index] = sumF;
                         else
                           result.values[index] = sumI;
                       }
                   });
  if (!isFloat)
    for (auto [index, acc] : llvm::enumerate(result.values))
      if (failed(checkAccumulator(op, acc, index)))
        return failure();
  return result;
}

StoredTensor evaluateGemm(GemmOp op, const StoredTensor &a,
                          const StoredTensor &b, const StoredTensor *c) {
  Shape out = shapeOf(op.getResult());
  int64_t m = out[0], n = out[1];
  int64_t k = op.getTransA() ? a.shape[0] : a.shape[1];
  float alpha = op.getAlpha().convertToFloat();
  float beta = op.getBeta().convertToFloat();
  StoredTensor result = floatTensor(out);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      float sum = 0.0f;
      for (int64_t l = 0; l < k; ++l) {
        float x = op.getTransA() ? a.reals[l * m + i] : a.reals[i * k + l];
        float y = op.getTransB() ? b.reals[j * k + l] : b.reals[l * n + j];
        sum += x * y;
      }
      result.reals[i * n + j] = alpha * sum;
    }
  if (c)
    forEachBroadcast(out, out, c->shape,
                     [&](int64_t o, int64_t, int64_t ci) {
                       result.reals[o] += beta * c->reals[ci];
                     });
  return result;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

template <typename Fn>
StoredTensor evaluateBinary(Operation *op, const StoredTensor &lhs,
                            const StoredTensor &rhs, Fn fn) {
  Shape out = shapeOf(op->getResult(0));
  StoredTensor result = floatTensor(out);
  forEachBroadcast(out, lhs.shape, rhs.shape,
                   [&](int64_t o, int64_t li, int64_t ri) {
                     result.reals[o] = fn(lhs.reals[li], rhs.reals[ri]);
                   });
  return result;
}

/// clamp(qa + qb - Z) on operands of the result's type.
StoredTensor evaluateQuantizedAdd(AddOp op, const StoredTensor &lhs,
                                  const StoredTensor &rhs,
                                  quant::UniformQuantizedType type) {
  Shape out = shapeOf(op.getResult());
  StoredTensor result = intTensor(out);
  forEachBroadcast(out, lhs.shape, rhs.shape,
                   [&](int64_t o, int64_t li, int64_t ri) {
                     result.values[o] = std::clamp<int64_t>(
                         lhs.values[li] + rhs.values[ri] - type.getZeroPoint(),
                         type.getStorageTypeMin(), type.getStorageTypeMax());
                   });
  return result;
}

template <typename Fn>
StoredTensor evaluateUnary(const StoredTensor &x, Fn fn) {
  StoredTensor result = floatTensor(x.shape);
  for (size_t i = 0; i < x.reals.size(); ++i)
    result.reals[i] = fn(x.reals[i]);
  return result;
}

StoredTensor evaluateBatchNorm(BatchNormOp op,
                               ArrayRef<const StoredTensor *> in) {
  const StoredTensor &x = *in[0];
  StoredTensor result = floatTensor(x.shape);
  int64_t channels = x.shape[1];
  int64_t inner = numElements(ArrayRef<int64_t>(x.shape).drop_front(2));
  float epsilon = op.getEpsilon().convertToFloat();
  for (size_t i = 0; i < x.reals.size(); ++i) {
    int64_t c = (static_cast<int64_t>(i) / inner) % channels;
    float scale = in[1]->reals[c] / std::sqrt(in[4]->reals[c] + epsilon);
    result.reals[i] = (x.reals[i] - in[3]->reals[c]) * scale + in[2]->reals[c];
  }
  return result;
}

StoredTensor evaluateSoftmax(SoftmaxOp op, const StoredTensor &x) {
  StoredTensor result = floatTensor(x.shape);
  int64_t axis = op.getAxis();
  int64_t size = x.shape[axis];
  int64_t inner = numElements(ArrayRef<int64_t>(x.shape).drop_front(axis + 1));
  int64_t outer = numElements(ArrayRef<int64_t>(x.shape).take_front(axis));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t in = 0; in < inner; ++in) {
      auto at = [&](int64_t i) { return (o * size + i) * inner + in; };
      float maximum = x.reals[at(0)];
      for (int64_t i = 1; i < size; ++i)
        maximum = std::max(maximum, x.reals[at(i)]);
      float sum = 0.0f;
      for (int64_t i = 0; i < size; ++i) {
        result.reals[at(i)] = std::exp(x.reals[at(i)] - maximum);
        sum += result.reals[at(i)];
      }
      for (int64_t i = 0; i < size; ++i)
        result.reals[at(i)] /= sum;
    }
  return result;
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// Z + roundHalfAwayFromZero(sum / count), exactly.
int64_t roundedMean(int64_t sum, int64_t count, int64_t zeroPoint) {
  int64_t sign = sum < 0 ? -1 : 1;
  return zeroPoint + (2 * sum + sign * count) / (2 * count);
}

/// A 2-D window over NCHW: max (ignoring padding) or average (ONNX's
/// divisor rules), on float or per-tensor quantized values.
StoredTensor evaluatePool(Operation *op, const StoredTensor &x,
                          ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                          ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
                          bool isMax, bool countIncludePad) {
  Shape out = shapeOf(op->getResult(0));
  bool isFloat = elementOf(op->getOperand(0)).isF32();
  int64_t zeroPoint =
      isFloat ? 0
              : cast<quant::UniformQuantizedType>(elementOf(op->getOperand(0)))
                    .getZeroPoint();
  StoredTensor result = isFloat ? floatTensor(out) : intTensor(out);
  int64_t h = x.shape[2], w = x.shape[3];
  for (int64_t plane = 0; plane < out[0] * out[1]; ++plane)
    for (int64_t y = 0; y < out[2]; ++y)
      for (int64_t xo = 0; xo < out[3]; ++xo) {
        float sumF = 0.0f, maxF = -INFINITY;
        int64_t sumI = 0, maxI = INT64_MIN, inside = 0, padded = 0;
        for (int64_t i = 0; i < kernel[0]; ++i)
          for (int64_t j = 0; j < kernel[1]; ++j) {
            int64_t iy = y * strides[0] + i * dilations[0] - pads[0];
            int64_t ix = xo * strides[1] + j * dilations[1] - pads[1];
            if (iy < h + pads[2] && ix < w + pads[3])
              ++padded; // inside input + padding (not the ceil extension)
            if (iy < 0 || iy >= h || ix < 0 || ix >= w)
              continue;
            ++inside;
            int64_t index = (plane * h + iy) * w + ix;
            if (isFloat) {
              sumF += x.reals[index];
              maxF = std::max(maxF, x.reals[index]);
            } else {
              sumI += x.values[index] - zeroPoint;
              maxI = std::max(maxI, x.values[index]);
            }
          }
        int64_t index = (plane * out[2] + y) * out[3] + xo;
        int64_t count = countIncludePad ? padded : inside;
        if (isFloat)
          result.reals[index] = isMax ? maxF : sumF / float(count);
        else
          result.values[index] =
              isMax ? maxI : roundedMean(sumI, count, zeroPoint);
      }
  return result;
}

//===----------------------------------------------------------------------===//
// Data movement and quantization
//===----------------------------------------------------------------------===//

StoredTensor evaluateTranspose(TransposeOp op, const StoredTensor &x) {
  Shape out = shapeOf(op.getResult());
  ArrayRef<int64_t> perm = op.getPermutation();
  Shape inStrides(x.shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(x.shape.size()) - 2; d >= 0; --d)
    inStrides[d] = inStrides[d + 1] * x.shape[d + 1];
  Shape strides;
  for (int64_t p : perm)
    strides.push_back(inStrides[p]);
  StoredTensor result;
  result.shape = out;
  bool isFloat = !x.reals.empty();
  Shape index(out.size(), 0);
  for (int64_t flat = 0, total = numElements(out); flat < total; ++flat) {
    int64_t source = 0;
    for (size_t d = 0; d < out.size(); ++d)
      source += index[d] * strides[d];
    if (isFloat)
      result.reals.push_back(x.reals[source]);
    else
      result.values.push_back(x.values[source]);
    for (int64_t d = static_cast<int64_t>(out.size()) - 1; d >= 0; --d) {
      if (++index[d] < out[d])
        break;
      index[d] = 0;
    }
  }
  return result;
}

StoredTensor evaluateConcat(ConcatOp op, ArrayRef<const StoredTensor *> in) {
  Shape out = shapeOf(op.getResult());
  int64_t axis = op.getAxis();
  int64_t outer = numElements(ArrayRef<int64_t>(out).take_front(axis));
  int64_t inner = numElements(ArrayRef<int64_t>(out).drop_front(axis + 1));
  StoredTensor result;
  result.shape = out;
  for (int64_t o = 0; o < outer; ++o)
    for (const StoredTensor *t : in) {
      int64_t chunk = t->shape[axis] * inner;
      if (!t->reals.empty())
        result.reals.insert(result.reals.end(), t->reals.begin() + o * chunk,
                            t->reals.begin() + (o + 1) * chunk);
      else
        result.values.insert(result.values.end(),
                             t->values.begin() + o * chunk,
                             t->values.begin() + (o + 1) * chunk);
    }
  return result;
}

/// The scale and zero point of element `index` of a tensor of `shape` with
/// quantized element type `element`.
std::pair<float, int32_t> paramsAt(Type element, ArrayRef<int64_t> shape,
                                   int64_t index) {
  if (auto perTensor = dyn_cast<quant::UniformQuantizedType>(element))
    return {static_cast<float>(perTensor.getScale()),
            static_cast<int32_t>(perTensor.getZeroPoint())};
  auto perAxis = cast<quant::UniformQuantizedPerAxisType>(element);
  int64_t axis = perAxis.getQuantizedDimension();
  int64_t inner = numElements(shape.drop_front(axis + 1));
  int64_t channel = (index / inner) % shape[axis];
  return {static_cast<float>(perAxis.getScales()[channel]),
          static_cast<int32_t>(perAxis.getZeroPoints()[channel])};
}

StoredTensor evaluateQuantize(quant::QuantizeCastOp op,
                              const StoredTensor &x) {
  auto element = cast<quant::QuantizedType>(elementOf(op.getResult()));
  StoredTensor result = intTensor(x.shape);
  for (size_t i = 0; i < x.reals.size(); ++i) {
    auto [scale, zeroPoint] = paramsAt(element, x.shape, i);
    result.values[i] = ::lowbit::quantizeReal(
        x.reals[i], scale, zeroPoint,
        static_cast<int32_t>(element.getStorageTypeMin()),
        static_cast<int32_t>(element.getStorageTypeMax()));
  }
  return result;
}

StoredTensor evaluateDequantize(quant::DequantizeCastOp op,
                                const StoredTensor &x) {
  Type element = elementOf(op.getInput());
  StoredTensor result = floatTensor(x.shape);
  for (size_t i = 0; i < x.values.size(); ++i) {
    auto [scale, zeroPoint] = paramsAt(element, x.shape, i);
    result.reals[i] = ::lowbit::dequantize(static_cast<int32_t>(x.values[i]),
                                           scale, zeroPoint);
  }
  return result;
}

StoredTensor evaluateLookup(LookupOp op, const StoredTensor &x) {
  auto element = cast<quant::UniformQuantizedType>(elementOf(op.getInput()));
  ArrayRef<int32_t> table = op.getTable();
  StoredTensor result = intTensor(x.shape);
  for (size_t i = 0; i < x.values.size(); ++i)
    result.values[i] = table[x.values[i] - element.getStorageTypeMin()];
  return result;
}

/// The integer softmax of docs/IntegerSemantics.md along the op's axis.
StoredTensor evaluateQuantizedSoftmax(QuantizedSoftmaxOp op,
                                      const StoredTensor &x) {
  auto output = cast<quant::UniformQuantizedType>(elementOf(op.getOutput()));
  std::vector<int32_t> table(op.getExpTable().begin(), op.getExpTable().end());
  int64_t axis = op.getAxis();
  int64_t size = x.shape[axis];
  int64_t inner = numElements(ArrayRef<int64_t>(x.shape).drop_front(axis + 1));
  int64_t outer = numElements(ArrayRef<int64_t>(x.shape).take_front(axis));
  StoredTensor result = intTensor(x.shape);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t in = 0; in < inner; ++in) {
      int64_t start = o * size * inner + in;
      ::lowbit::softmaxRow(table, x.values.data() + start, size, inner,
                           static_cast<int32_t>(output.getZeroPoint()),
                           static_cast<int32_t>(output.getStorageTypeMin()),
                           static_cast<int32_t>(output.getStorageTypeMax()),
                           result.values.data() + start);
    }
  return result;
}

} // namespace

std::optional<FailureOr<StoredTensor>>
mlir::lowbit::evaluateGraphOp(Operation *op,
                              ArrayRef<const StoredTensor *> in) {
  using Result = std::optional<FailureOr<StoredTensor>>;
  auto optional = [&](unsigned i) -> const StoredTensor * {
    return i < in.size() ? in[i] : nullptr;
  };
  return llvm::TypeSwitch<Operation *, Result>(op)
      .Case<Conv2DOp>([&](Conv2DOp conv) -> Result {
        return evaluateConv2D(conv, *in[0], *in[1], optional(2));
      })
      .Case<MatMulOp>([&](MatMulOp matmul) -> Result {
        return evaluateMatMul(matmul, *in[0], *in[1]);
      })
      .Case<GemmOp>([&](GemmOp gemm) -> Result {
        return evaluateGemm(gemm, *in[0], *in[1], optional(2));
      })
      .Case<AddOp>([&](AddOp add) -> Result {
        if (auto quant = dyn_cast<quant::UniformQuantizedType>(
                elementOf(add.getResult())))
          return evaluateQuantizedAdd(add, *in[0], *in[1], quant);
        return evaluateBinary(add, *in[0], *in[1],
                              [](float a, float b) { return a + b; });
      })
      .Case<SubOp>([&](auto sub) -> Result {
        return evaluateBinary(sub, *in[0], *in[1],
                              [](float a, float b) { return a - b; });
      })
      .Case<MulOp>([&](auto mul) -> Result {
        return evaluateBinary(mul, *in[0], *in[1],
                              [](float a, float b) { return a * b; });
      })
      .Case<ReluOp>([&](auto) -> Result {
        return evaluateUnary(*in[0], [](float x) { return x > 0 ? x : 0.0f; });
      })
      .Case<ClipOp>([&](ClipOp clip) -> Result {
        float lo = clip.getMin().convertToFloat();
        float hi = clip.getMax().convertToFloat();
        return evaluateUnary(
            *in[0], [&](float x) { return std::min(std::max(x, lo), hi); });
      })
      .Case<LeakyReluOp>([&](LeakyReluOp leaky) -> Result {
        float alpha = leaky.getAlpha().convertToFloat();
        return evaluateUnary(*in[0],
                             [&](float x) { return x < 0 ? alpha * x : x; });
      })
      .Case<SigmoidOp>([&](auto) -> Result {
        return evaluateUnary(
            *in[0], [](float x) { return 1.0f / (1.0f + std::exp(-x)); });
      })
      .Case<TanhOp>([&](auto) -> Result {
        return evaluateUnary(*in[0], [](float x) { return std::tanh(x); });
      })
      .Case<HardSwishOp>([&](auto) -> Result {
        return evaluateUnary(*in[0], [](float x) {
          return x * std::max(0.0f, std::min(1.0f, x / 6.0f + 0.5f));
        });
      })
      .Case<SignOp>([&](auto) -> Result {
        return evaluateUnary(*in[0], [](float x) {
          return x > 0 ? 1.0f : x < 0 ? -1.0f : 0.0f;
        });
      })
      .Case<BatchNormOp>([&](BatchNormOp norm) -> Result {
        return evaluateBatchNorm(norm, in);
      })
      .Case<SoftmaxOp>([&](SoftmaxOp softmax) -> Result {
        return evaluateSoftmax(softmax, *in[0]);
      })
      .Case<MaxPoolOp>([&](MaxPoolOp pool) -> Result {
        return evaluatePool(pool, *in[0], pool.getKernel(), pool.getStrides(),
                            pool.getPads(), pool.getDilations(), true, false);
      })
      .Case<AveragePoolOp>([&](AveragePoolOp pool) -> Result {
        SmallVector<int64_t> dilations{1, 1};
        return evaluatePool(pool, *in[0], pool.getKernel(), pool.getStrides(),
                            pool.getPads(), dilations, false,
                            pool.getCountIncludePad());
      })
      .Case<GlobalAveragePoolOp>([&](GlobalAveragePoolOp pool) -> Result {
        const StoredTensor &x = *in[0];
        SmallVector<int64_t> kernel{x.shape[2], x.shape[3]}, ones{1, 1},
            zeros{0, 0, 0, 0};
        return evaluatePool(pool, x, kernel, ones, zeros, ones, false, false);
      })
      .Case<ReshapeOp>([&](ReshapeOp reshape) -> Result {
        StoredTensor result = *in[0];
        result.shape = shapeOf(reshape.getResult());
        return result;
      })
      .Case<TransposeOp>([&](TransposeOp transpose) -> Result {
        return evaluateTranspose(transpose, *in[0]);
      })
      .Case<ConcatOp>([&](ConcatOp concat) -> Result {
        return evaluateConcat(concat, in);
      })
      .Case<LookupOp>([&](LookupOp lookup) -> Result {
        return evaluateLookup(lookup, *in[0]);
      })
      .Case<QuantizedSoftmaxOp>([&](QuantizedSoftmaxOp softmax) -> Result {
        return evaluateQuantizedSoftmax(softmax, *in[0]);
      })
      .Case<quant::QuantizeCastOp>([&](quant::QuantizeCastOp cast) -> Result {
        return evaluateQuantize(cast, *in[0]);
      })
      .Case<quant::DequantizeCastOp>(
          [&](quant::DequantizeCastOp cast) -> Result {
            return evaluateDequantize(cast, *in[0]);
          })
      .Default([](Operation *) -> Result { return std::nullopt; });
}
