//===- Calibration.cpp - Range statistics and quantization params --------===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// The methods are specified in docs/IntegerSemantics.md, "Choosing scales
// and zero points" (section 10).
//
//===----------------------------------------------------------------------===//

#include "lowbit/Support/Calibration.h"

#include <algorithm>
#include <cassert>
#include <cfloat>
#include <cmath>
#include <limits>

using namespace lowbit;

//===----------------------------------------------------------------------===//
// Method names and options
//===----------------------------------------------------------------------===//

namespace {
struct MethodName {
  CalibrationMethod method;
  std::string_view name;
};
} // namespace

static constexpr MethodName kMethodNames[] = {
    {CalibrationMethod::MinMax, "minmax"},
    {CalibrationMethod::EMA, "ema"},
    {CalibrationMethod::Percentile, "percentile"},
    {CalibrationMethod::Entropy, "entropy"},
    {CalibrationMethod::MSE, "mse"},
};

std::string_view lowbit::calibrationMethodName(CalibrationMethod method) {
  for (const MethodName &entry : kMethodNames)
    if (entry.method == method)
      return entry.name;
  assert(false && "unknown calibration method");
  return "";
}

std::optional<CalibrationMethod>
lowbit::parseCalibrationMethod(std::string_view name) {
  for (const MethodName &entry : kMethodNames)
    if (entry.name == name)
      return entry.method;
  return std::nullopt;
}

std::optional<std::string>
lowbit::checkObserverOptions(const ObserverOptions &options) {
  if (!(options.emaMomentum > 0.0 && options.emaMomentum <= 1.0))
    return "the EMA momentum must be in (0, 1]";
  if (!(options.percentile >= 50.0 && options.percentile <= 100.0))
    return "the percentile must be in [50, 100]";
  if (options.numBins < 1 || options.numBins > (1u << 24))
    return "the number of histogram bins must be in [1, 2^24]";
  if (options.numBits < 1 || options.numBits > 16)
    return "the number of bits must be in [1, 16]";
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// The histogram grid
//===----------------------------------------------------------------------===//

/// The smallest bin exponent: bins narrower than the smallest float32
/// denormal are pointless.
static constexpr int kMinBinExponent = -149;

/// The cell of x on the grid of width 2^e: floor(x / 2^e). Exact: the
/// scaling by a power of two neither overflows nor underflows for float32
/// inputs and the exponents used here.
static int64_t cellOf(double x, int e) {
  return static_cast<int64_t>(std::floor(std::ldexp(x, -e)));
}

/// floor(k / 2^shift) for shift >= 0.
static int64_t floorShift(int64_t k, int shift) {
  if (shift >= 63)
    return k < 0 ? -1 : 0;
  return k >= 0 ? (k >> shift) : -((-(k + 1)) >> shift) - 1;
}

/// Whether [lo, hi] (lo <= 0 <= hi) occupies at most numBins cells of width
/// 2^e and the cell indices stay below 2^53 in magnitude.
static bool gridFits(int e, double lo, double hi, unsigned numBins) {
  if (e < kMinBinExponent)
    return false;
  if (std::ldexp(std::max(-lo, hi), -e) >= 0x1p53)
    return false;
  return cellOf(hi, e) - cellOf(lo, e) < static_cast<int64_t>(numBins);
}

/// The smallest e >= start for which gridFits holds. Fitting is monotone in
/// e (the grids are nested) and in [lo, hi], so this is also the smallest e
/// overall when start is the answer for a subset of the data.
static int smallestFittingExponent(int start, double lo, double hi,
                                   unsigned numBins) {
  int e = std::max(start, kMinBinExponent);
  // Lower bounds: fitting needs 2^e > (hi - lo) / numBins and
  // max|x| < 2^(e + 53).
  double span = hi - lo;
  if (span > 0.0)
    e = std::max(e, std::ilogb(span / numBins));
  double maxAbs = std::max(-lo, hi);
  if (maxAbs > 0.0)
    e = std::max(e, std::ilogb(maxAbs) - 52);
  while (!gridFits(e, lo, hi, numBins))
    ++e;
  return e;
}

//===----------------------------------------------------------------------===//
// RangeObserver
//===----------------------------------------------------------------------===//

static bool usesHistogram(CalibrationMethod method) {
  return method == CalibrationMethod::Percentile ||
         method == CalibrationMethod::Entropy ||
         method == CalibrationMethod::MSE;
}

RangeObserver::RangeObserver(const ObserverOptions &options)
    : options(options) {
  assert(!checkObserverOptions(options) && "invalid observer options");
  if (usesHistogram(options.method))
    counts.assign(options.numBins, 0);
}

size_t lowbit::countNonFinite(const float *values, size_t count) {
  size_t nonFinite = 0;
  for (size_t i = 0; i < count; ++i)
    nonFinite += !std::isfinite(values[i]);
  return nonFinite;
}

std::optional<std::string> RangeObserver::observe(const float *values,
                                                  size_t count) {
  if (size_t nonFinite = countNonFinite(values, count))
    return std::to_string(nonFinite) + " of " + std::to_string(count) +
           " values are not finite (NaN or infinity)";
  if (count == 0)
    return std::nullopt;

  float sampleMin = values[0], sampleMax = values[0];
  for (size_t i = 1; i < count; ++i) {
    sampleMin = std::min(sampleMin, values[i]);
    sampleMax = std::max(sampleMax, values[i]);
  }
  bool first = valueCount == 0;

  if (options.method == CalibrationMethod::EMA && !first) {
    minValue += options.emaMomentum * (sampleMin - minValue);
    maxValue += options.emaMomentum * (sampleMax - maxValue);
  } else {
    minValue = first ? sampleMin : std::min<double>(minValue, sampleMin);
    maxValue = first ? sampleMax : std::max<double>(maxValue, sampleMax);
  }

  if (usesHistogram(options.method)) {
    if (options.method == CalibrationMethod::Entropy)
      addToHistogram(values, count, 0.0,
                     std::max(std::fabs(sampleMin), std::fabs(sampleMax)));
    else
      addToHistogram(values, count, sampleMin, sampleMax);
  }
  valueCount += count;
  return std::nullopt;
}

void RangeObserver::addToHistogram(const float *values, size_t count,
                                   double sampleLow, double sampleHigh) {
  const unsigned numBins = options.numBins;
  const bool absolute = options.method == CalibrationMethod::Entropy;
  double low = std::min(histLow, sampleLow);
  double high = std::max(histHigh, sampleHigh);

  if (valueCount == 0) {
    binExponent = smallestFittingExponent(kMinBinExponent, low, high, numBins);
    firstCell = cellOf(low, binExponent);
  } else {
    int newExponent = smallestFittingExponent(binExponent, low, high, numBins);
    int64_t newFirstCell = cellOf(low, newExponent);
    if (newExponent != binExponent || newFirstCell != firstCell) {
      // Merge 2^shift adjacent bins into one and move the window so that it
      // starts at the cell of `low`. Exact: cell k of width 2^e lies in cell
      // floor(k / 2^shift) of width 2^(e + shift).
      int shift = newExponent - binExponent;
      std::vector<uint64_t> merged(numBins, 0);
      for (unsigned i = 0; i < numBins; ++i) {
        if (!counts[i])
          continue;
        int64_t index = floorShift(firstCell + i, shift) - newFirstCell;
        assert(index >= 0 && index < numBins && "old data outside the grid");
        merged[index] += counts[i];
      }
      counts.swap(merged);
      binExponent = newExponent;
      firstCell = newFirstCell;
    }
  }
  histLow = low;
  histHigh = high;

  for (size_t i = 0; i < count; ++i) {
    double x = absolute ? std::fabs(values[i]) : values[i];
    int64_t index = cellOf(x, binExponent) - firstCell;
    assert(index >= 0 && index < numBins && "value outside the grid");
    ++counts[index];
  }
}

double RangeObserver::binWidth() const {
  if (counts.empty() || valueCount == 0)
    return 0.0;
  return std::ldexp(1.0, binExponent);
}

size_t RangeObserver::memoryBytes() const {
  return sizeof(*this) + counts.capacity() * sizeof(uint64_t);
}

Range RangeObserver::finalize() const {
  if (valueCount == 0)
    return {0.0, 0.0};
  switch (options.method) {
  case CalibrationMethod::MinMax:
  case CalibrationMethod::EMA:
    return {minValue, maxValue};
  case CalibrationMethod::Percentile:
    return finalizePercentile();
  case CalibrationMethod::Entropy:
    return finalizeEntropy();
  case CalibrationMethod::MSE:
    return finalizeMSE();
  }
  return {minValue, maxValue};
}

/// Percentile: the inverse of the piecewise-linear cumulative distribution
/// of the histogram (values uniform within a bin), clamped to the data.
Range RangeObserver::finalizePercentile() const {
  const double width = binWidth();
  auto quantile = [&](double target) {
    double below = 0.0;
    for (size_t i = 0; i < counts.size(); ++i) {
      if (!counts[i])
        continue;
      double c = static_cast<double>(counts[i]);
      if (below + c >= target) {
        double edge = static_cast<double>(firstCell + int64_t(i)) * width;
        double x = edge + std::max(0.0, target - below) / c * width;
        return std::clamp(x, minValue, maxValue);
      }
      below += c;
    }
    return maxValue;
  };
  double total = static_cast<double>(valueCount);
  double p = options.percentile;
  return {quantile((100.0 - p) / 100.0 * total), quantile(p / 100.0 * total)};
}

/// Smoothing of a distribution of counts before the KL divergence: every
/// zero entry gets kSmoothingCount and the same total is taken from the
/// nonzero entries in proportion to their values (the total is unchanged).
static void smoothZeros(std::vector<double> &dist) {
  constexpr double kSmoothingCount = 1e-4;
  size_t zeros = 0;
  double total = 0.0;
  for (double d : dist) {
    zeros += d == 0.0;
    total += d;
  }
  if (zeros == 0 || total == 0.0)
    return;
  double factor = 1.0 - kSmoothingCount * double(zeros) / total;
  for (double &d : dist)
    d = d == 0.0 ? kSmoothingCount : d * factor;
}

/// Entropy (TensorRT): the threshold T minimizing KL(P || Q) over candidate
/// clipping points of the |x| histogram; the range is [-T, T] cut to the
/// data.
Range RangeObserver::finalizeEntropy() const {
  // firstCell is 0: the |x| histogram starts at 0.
  size_t numUsed = 0;
  for (size_t i = 0; i < counts.size(); ++i)
    if (counts[i])
      numUsed = i + 1;
  const size_t levels = size_t(1) << (options.numBits - 1);
  if (numUsed <= levels)
    return {minValue, maxValue};

  std::vector<double> hist(counts.begin(), counts.begin() + numUsed);
  std::vector<double> above(numUsed + 1, 0.0); // above[i] = sum hist[i..]
  for (size_t i = numUsed; i-- > 0;)
    above[i] = above[i + 1] + hist[i];

  size_t bestBins = numUsed;
  double bestDivergence = std::numeric_limits<double>::infinity();
  std::vector<double> p, q;
  for (size_t i = levels; i <= numUsed; ++i) {
    // Reference P: the first i bins, the outliers added to the last one.
    p.assign(hist.begin(), hist.begin() + i);
    p[i - 1] += above[i];
    // Candidate Q: the first i bins (without outliers) merged into `levels`
    // groups of `merge` bins (the last group takes the remainder), each
    // group's sum spread evenly over its nonzero bins.
    const size_t merge = i / levels;
    q.assign(i, 0.0);
    double qTotal = 0.0;
    for (size_t g = 0; g < levels; ++g) {
      size_t begin = g * merge;
      size_t end = g + 1 == levels ? i : begin + merge;
      double sum = 0.0;
      size_t nonzero = 0;
      for (size_t j = begin; j < end; ++j) {
        sum += hist[j];
        nonzero += hist[j] != 0.0;
      }
      for (size_t j = begin; j < end; ++j)
        if (hist[j] != 0.0)
          q[j] = sum / double(nonzero);
      qTotal += sum;
    }
    // An empty Q has an infinite divergence.
    if (qTotal == 0.0)
      continue;
    // P holds every value.
    const double pTotal = above[0];
    smoothZeros(p);
    smoothZeros(q);
    double divergence = 0.0;
    for (size_t j = 0; j < i; ++j) {
      double pj = p[j] / pTotal, qj = q[j] / qTotal;
      divergence += pj * std::log(pj / qj);
    }
    if (divergence < bestDivergence) {
      bestDivergence = divergence;
      bestBins = i;
    }
  }
  double threshold = static_cast<double>(bestBins) * binWidth();
  return {std::max(minValue, -threshold), std::min(maxValue, threshold)};
}

/// MSE: the range [a, b] with a <= 0 <= b on bin edges minimizing the
/// expected squared error of quantizing the histogram (values uniform in
/// each bin) to 2^numBits levels: clipping error outside [a, b], s^2 / 12
/// rounding error inside (s = (b - a) / (2^numBits - 1)).
Range RangeObserver::finalizeMSE() const {
  const size_t numBins = counts.size();
  size_t firstUsed = numBins, lastUsed = 0;
  for (size_t i = 0; i < numBins; ++i) {
    if (!counts[i])
      continue;
    firstUsed = std::min(firstUsed, i);
    lastUsed = i + 1;
  }
  // Edge index `zero` is the real value 0 (the grid is anchored at 0 and the
  // window covers 0).
  const size_t zero = static_cast<size_t>(-firstCell);
  assert(zero < numBins && "the histogram does not cover 0");
  const size_t lowEdge = std::min(firstUsed, zero);
  const size_t highEdge = std::max(lastUsed, zero);

  // In units of the bin width, bin j is [j, j + 1]. For a clipping point t
  // and bins J: sum_{j in J} c_j * E[(x - t)^2 | bin j]
  //   = sum c_j ((j + 1/2 - t)^2 + 1/12)
  //   = C u^2 - 2 u S1 + S2 + C / 12, u = t - 1/2,
  // with C = sum c_j, S1 = sum c_j j, S2 = sum c_j j^2. Sums below an edge
  // are accumulated upward and sums above it downward, never subtracted.
  std::vector<double> clipBelow(highEdge + 1, 0.0), clipAbove(highEdge + 1);
  std::vector<uint64_t> countBelow(highEdge + 1, 0), countAbove(highEdge + 1);
  {
    double c = 0, s1 = 0, s2 = 0;
    uint64_t n = 0;
    for (size_t edge = 0; edge <= highEdge; ++edge) {
      double u = double(edge) - 0.5;
      clipBelow[edge] = c * u * u - 2 * u * s1 + s2 + c / 12.0;
      countBelow[edge] = n;
      if (edge < highEdge) {
        double cj = double(counts[edge]), j = double(edge);
        c += cj, s1 += cj * j, s2 += cj * j * j;
        n += counts[edge];
      }
    }
    c = s1 = s2 = 0;
    n = 0;
    for (size_t edge = highEdge + 1; edge-- > 0;) {
      if (edge < highEdge) {
        double cj = double(counts[edge]), j = double(edge);
        c += cj, s1 += cj * j, s2 += cj * j * j;
        n += counts[edge];
      }
      double u = double(edge) - 0.5;
      clipAbove[edge] = c * u * u - 2 * u * s1 + s2 + c / 12.0;
      countAbove[edge] = n;
    }
  }

  const double steps = std::ldexp(1.0, int(options.numBits)) - 1.0;
  size_t bestLow = lowEdge, bestHigh = highEdge;
  double bestError = std::numeric_limits<double>::infinity();
  for (size_t a = lowEdge; a <= zero; ++a) {
    for (size_t b = std::max(zero, a + 1); b <= highEdge; ++b) {
      double step = double(b - a) / steps;
      double inside = double(valueCount - countBelow[a] - countAbove[b]);
      double error = clipBelow[a] + clipAbove[b] + inside * step * step / 12.0;
      if (error < bestError) {
        bestError = error;
        bestLow = a;
        bestHigh = b;
      }
    }
  }
  const double width = binWidth();
  double low = static_cast<double>(firstCell + int64_t(bestLow)) * width;
  double high = static_cast<double>(firstCell + int64_t(bestHigh)) * width;
  Range range{std::max(low, minValue), std::min(high, maxValue)};
  range.max = std::max(range.max, range.min);
  return range;
}

//===----------------------------------------------------------------------===//
// Scales and zero points
//===----------------------------------------------------------------------===//

/// Round to nearest, ties to even, independently of the rounding mode.
static double roundHalfToEven(double x) {
  double down = std::floor(x);
  double diff = x - down;
  if (diff > 0.5 || (diff == 0.5 && std::fmod(down, 2.0) != 0.0))
    return down + 1.0;
  return down;
}

/// The float32 scale for a real step `step` >= 0: 1 for 0, otherwise the
/// float32 rounding of step, at least the smallest normal float32.
static double float32Scale(double step) {
  if (step == 0.0)
    return 1.0;
  double scale = static_cast<float>(step);
  return std::max(scale, static_cast<double>(FLT_MIN));
}

[[maybe_unused]] static bool isValidRange(Range r) {
  return std::isfinite(r.min) && std::isfinite(r.max) && r.min <= r.max;
}

AffineParams lowbit::chooseAsymmetric(Range r, int64_t qmin, int64_t qmax) {
  assert(isValidRange(r) && "invalid range");
  assert(qmin < qmax && "empty integer range");
  double low = std::min(r.min, 0.0), high = std::max(r.max, 0.0);
  AffineParams params;
  params.scale = float32Scale((high - low) / double(qmax - qmin));
  double zero = double(qmin) - roundHalfToEven(low / params.scale);
  params.zeroPoint =
      static_cast<int64_t>(std::clamp(zero, double(qmin), double(qmax)));
  return params;
}

AffineParams lowbit::chooseSymmetric(Range r, int64_t qmax) {
  assert(isValidRange(r) && "invalid range");
  assert(qmax >= 1 && "empty integer range");
  double maxAbs = std::max(std::fabs(r.min), std::fabs(r.max));
  return {float32Scale(maxAbs / double(qmax)), 0};
}

std::vector<Range> lowbit::perChannelRanges(const float *weights,
                                            const std::vector<int64_t> &shape,
                                            size_t axis) {
  assert(axis < shape.size() && "axis out of range");
  int64_t outer = 1, inner = 1;
  for (size_t d = 0; d < shape.size(); ++d) {
    assert(shape[d] >= 0 && "negative dimension");
    if (d < axis)
      outer *= shape[d];
    else if (d > axis)
      inner *= shape[d];
  }
  const int64_t channels = shape[axis];
  std::vector<Range> ranges(channels);
  std::vector<bool> seen(channels, false);
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t c = 0; c < channels; ++c) {
      const float *row = weights + (o * channels + c) * inner;
      for (int64_t i = 0; i < inner; ++i) {
        double x = row[i];
        assert(std::isfinite(x) && "non-finite weight");
        if (!seen[c]) {
          ranges[c] = {x, x};
          seen[c] = true;
        } else {
          ranges[c].min = std::min(ranges[c].min, x);
          ranges[c].max = std::max(ranges[c].max, x);
        }
      }
    }
  }
  return ranges;
}

std::vector<AffineParams>
lowbit::chooseSymmetricPerChannel(const std::vector<Range> &ranges,
                                  int64_t qmax) {
  std::vector<AffineParams> params;
  params.reserve(ranges.size());
  for (Range r : ranges)
    params.push_back(chooseSymmetric(r, qmax));
  return params;
}
