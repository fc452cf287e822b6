//===- Conv2D.cpp - Reference semantics of lowbit.conv2d --------*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// out[b, f, y, x] = sum over (c, kh, kw) of in[b, g*C/G + c, y*sh + kh*dh -
// pt, x*sw + kw*dw - pl] * w[f, c, kh, kw] (+ bias[f]), positions in the
// padding skipped. Float32: every output is one float32 sum started at 0 and
// taken over c, then kh, then kw in increasing order, the bias added last;
// products are rounded to float32 before the addition (this library is
// built with -ffp-contract=off). Quantized: the exact sum of (x - Zx) *
// (w - Zw[f]) in int64, plus the bias, checked to fit int32.
//
// Loop order: for one output row (b, f, y) the (c, kh, kw) loop is outside
// and a branch-free loop over the row's x inside, over the range of x whose
// input column is not padding. Every output still sees its terms in the
// order above, so the result is the same as one output at a time, but the
// inner loop runs over contiguous arrays.
//
//===----------------------------------------------------------------------===//

#include "Tensors.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::lowbit;
using namespace mlir::lowbit::reference;

namespace {

/// The dimensions of a convolution, read once.
struct ConvGeometry {
  int64_t batch, channels, height, width;
  int64_t filters, channelsPerGroup, kernelH, kernelW;
  int64_t outH, outW, filtersPerGroup;
  int64_t strideH, strideW, dilationH, dilationW, padTop, padLeft;

  ConvGeometry(Conv2DOp op, const StoredTensor &x, const StoredTensor &w,
               ArrayRef<int64_t> out)
      : batch(x.shape[0]), channels(x.shape[1]), height(x.shape[2]),
        width(x.shape[3]), filters(w.shape[0]), channelsPerGroup(w.shape[1]),
        kernelH(w.shape[2]), kernelW(w.shape[3]), outH(out[2]),
        outW(out[3]), filtersPerGroup(filters / op.getGroup()),
        strideH(op.getStrides()[0]), strideW(op.getStrides()[1]),
        dilationH(op.getDilations()[0]), dilationW(op.getDilations()[1]),
        padTop(op.getPads()[0]), padLeft(op.getPads()[1]) {}

  /// The outputs x in [begin, end) of a row whose input column
  /// x * strideW + offset lies in [0, width).
  std::pair<int64_t, int64_t> columns(int64_t offset) const {
    int64_t begin = offset >= 0 ? 0 : (-offset + strideW - 1) / strideW;
    int64_t last = width - 1 - offset;
    int64_t end = last < 0 ? 0 : std::min(outW, last / strideW + 1);
    return {begin, std::max(begin, end)};
  }
};

/// Adds the terms of output row (b, f, y) to `row` in the documented order:
/// `term(row[x], input, weight)` for every (c, kh, kw) and x.
template <typename T, typename Acc, typename Term>
void accumulateRow(const ConvGeometry &g, const T *input, const T *weight,
                   int64_t b, int64_t f, int64_t y, Acc *row, Term term) {
  int64_t firstChannel = (f / g.filtersPerGroup) * g.channelsPerGroup;
  for (int64_t c = 0; c < g.channelsPerGroup; ++c) {
    const T *plane =
        input + ((b * g.channels + firstChannel + c) * g.height) * g.width;
    const T *kernel = weight + ((f * g.channelsPerGroup + c) * g.kernelH) *
                                   g.kernelW;
    for (int64_t i = 0; i < g.kernelH; ++i) {
      int64_t iy = y * g.strideH + i * g.dilationH - g.padTop;
      if (iy < 0 || iy >= g.height)
        continue;
      const T *line = plane + iy * g.width;
      for (int64_t j = 0; j < g.kernelW; ++j) {
        T wv = kernel[i * g.kernelW + j];
        int64_t offset = j * g.dilationW - g.padLeft;
        auto [begin, end] = g.columns(offset);
        if (g.strideW == 1) {
          const T *source = line + offset;
          for (int64_t x = begin; x < end; ++x)
            term(row[x], source[x], wv);
        } else {
          for (int64_t x = begin; x < end; ++x)
            term(row[x], line[x * g.strideW + offset], wv);
        }
      }
    }
  }
}

StoredTensor evaluateFloatConv(const ConvGeometry &g, const StoredTensor &x,
                               const StoredTensor &w, const StoredTensor *bias,
                               Shape out) {
  StoredTensor result = floatTensor(std::move(out));
  for (int64_t b = 0; b < g.batch; ++b)
    for (int64_t f = 0; f < g.filters; ++f)
      for (int64_t y = 0; y < g.outH; ++y) {
        float *row = result.reals.data() + ((b * g.filters + f) * g.outH + y) *
                                               g.outW;
        accumulateRow(g, x.reals.data(), w.reals.data(), b, f, y, row,
                      [](float &sum, float xv, float wv) { sum += xv * wv; });
        if (bias)
          for (int64_t i = 0; i < g.outW; ++i)
            row[i] += bias->reals[f];
      }
  return result;
}

FailureOr<StoredTensor> evaluateQuantizedConv(Conv2DOp op,
                                              const ConvGeometry &g,
                                              const StoredTensor &x,
                                              const StoredTensor &w,
                                              const StoredTensor *bias,
                                              Shape out) {
  int64_t zx = cast<quant::UniformQuantizedType>(elementOf(op.getInput()))
                   .getZeroPoint();
  SmallVector<int64_t> zw = zeroPointsOf(elementOf(op.getWeight()));
  StoredTensor result = intTensor(std::move(out));
  for (int64_t b = 0; b < g.batch; ++b)
    for (int64_t f = 0; f < g.filters; ++f) {
      int64_t zwf = zw[zw.size() == 1 ? 0 : f];
      for (int64_t y = 0; y < g.outH; ++y) {
        int64_t first = ((b * g.filters + f) * g.outH + y) * g.outW;
        int64_t *row = result.values.data() + first;
        accumulateRow(g, x.values.data(), w.values.data(), b, f, y, row,
                      [&](int64_t &sum, int64_t xv, int64_t wv) {
                        sum += (xv - zx) * (wv - zwf);
                      });
        for (int64_t i = 0; i < g.outW; ++i) {
          row[i] += bias ? bias->values[f] : 0;
          if (failed(checkAccumulator(op, row[i], first + i)))
            return failure();
        }
      }
    }
  return result;
}

} // namespace

FailureOr<StoredTensor>
mlir::lowbit::reference::evaluateConv2D(Conv2DOp op, const StoredTensor &x,
                                        const StoredTensor &w,
                                        const StoredTensor *bias) {
  Shape out = shapeOf(op.getResult());
  ConvGeometry geometry(op, x, w, out);
  if (elementOf(op.getInput()).isF32())
    return evaluateFloatConv(geometry, x, w, bias, std::move(out));
  return evaluateQuantizedConv(op, geometry, x, w, bias, std::move(out));
}
