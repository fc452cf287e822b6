//===- Calibration.h - Range statistics and quantization params -*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// Post-training calibration: a RangeObserver per float tensor sees the
// tensor's values for every calibration sample and chooses a real range
// [min, max]; chooseAsymmetric / chooseSymmetric turn a range into a scale
// and a zero point. Observers use memory bounded independently of the number
// of samples (no values are stored). The methods and formulas are specified
// in docs/IntegerSemantics.md, "Choosing scales and zero points".
//
// Pure C++17; no LLVM or MLIR dependency.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_SUPPORT_CALIBRATION_H
#define LOWBIT_SUPPORT_CALIBRATION_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lowbit {

/// How a RangeObserver chooses a range from the values it has seen.
enum class CalibrationMethod {
  /// The smallest and largest value seen.
  MinMax,
  /// Per-sample min and max, averaged with an exponential moving average.
  EMA,
  /// The (100 - p)-th and p-th percentiles of a histogram.
  Percentile,
  /// TensorRT's KL-divergence threshold on a histogram of |x|.
  Entropy,
  /// The range minimizing the expected squared quantization error.
  MSE,
};

/// The method's name: `minmax`, `ema`, `percentile`, `entropy` or `mse`.
std::string_view calibrationMethodName(CalibrationMethod method);

/// The method named \p name (one of the names above, case-sensitive).
std::optional<CalibrationMethod> parseCalibrationMethod(std::string_view name);

/// A closed real interval [min, max], min <= max.
struct Range {
  double min = 0.0;
  double max = 0.0;

  friend bool operator==(Range lhs, Range rhs) {
    return lhs.min == rhs.min && lhs.max == rhs.max;
  }
};

/// Parameters of a RangeObserver.
struct ObserverOptions {
  CalibrationMethod method = CalibrationMethod::MinMax;
  /// EMA: the averaging constant c in `r = r + c * (sampleRange - r)`, in
  /// (0, 1]. PyTorch's MovingAverageMinMaxObserver default.
  double emaMomentum = 0.01;
  /// Percentile: p in [50, 100]; the range is the (100 - p)-th and the p-th
  /// percentile.
  double percentile = 99.99;
  /// Histogram methods: the number of bins of the histogram, >= 1.
  unsigned numBins = 2048;
  /// Entropy and MSE: the bit width of the target integers, in [1, 16].
  /// Entropy quantizes |x| into 2^(numBits - 1) levels (128 for 8 bits); MSE
  /// quantizes [min, max] into 2^numBits levels (256 for 8 bits).
  unsigned numBits = 8;
};

/// Why \p options are invalid, or std::nullopt if they are valid.
std::optional<std::string> checkObserverOptions(const ObserverOptions &options);

/// Streaming statistics of one tensor over the calibration samples.
///
/// Histogram methods keep a histogram of `numBins` bins on a grid of width
/// 2^e anchored at 0 (bin k holds [k * 2^e, (k + 1) * 2^e)); the histogram
/// always covers 0. e is the smallest integer >= -149 such that the values
/// seen so far and 0 occupy at most numBins consecutive bins and
/// max|x| < 2^(e + 53). When a sample does not fit, e grows and adjacent
/// bins are merged, which is exact because the grids are nested. The final
/// histogram is therefore exactly the histogram of all values on the final
/// grid, whatever the order of the samples, and the data and 0 occupy more
/// than numBins / 2 bins (fewer only when their span is below
/// 2^-149 * numBins).
class RangeObserver {
public:
  /// Requires checkObserverOptions(options) to succeed.
  explicit RangeObserver(const ObserverOptions &options = {});

  /// Adds one sample (batch) of \p count values. If any value is NaN or
  /// infinite, the sample is ignored (the observer is unchanged) and the
  /// result is a message naming how many of the values are not finite.
  /// An empty sample is ignored.
  std::optional<std::string> observe(const float *values, size_t count);

  /// The chosen range; {0, 0} if no value has been observed. The range lies
  /// within [smallest, largest] value observed (EMA: within the per-sample
  /// averages). It is not extended to contain 0; chooseAsymmetric does that.
  Range finalize() const;

  /// The number of values observed.
  uint64_t numValues() const { return valueCount; }
  /// The width of one histogram bin (2^e), or 0 without a histogram or
  /// before the first value.
  double binWidth() const;
  /// The memory held by the observer, in bytes; independent of the number
  /// of samples.
  size_t memoryBytes() const;

  const ObserverOptions &getOptions() const { return options; }

private:
  void addToHistogram(const float *values, size_t count, double lo, double hi);
  Range finalizePercentile() const;
  Range finalizeEntropy() const;
  Range finalizeMSE() const;

  ObserverOptions options;
  uint64_t valueCount = 0;
  /// The smallest and largest values observed (EMA: the averages).
  double minValue = 0.0;
  double maxValue = 0.0;

  /// Histogram methods: the histogram's value domain (x, or |x| for
  /// Entropy) covers [histLow, histHigh], which contains 0.
  double histLow = 0.0;
  double histHigh = 0.0;
  /// Bin width 2^binExponent; counts[i] holds cell firstCell + i.
  int binExponent = 0;
  int64_t firstCell = 0;
  std::vector<uint64_t> counts;
};

/// Scale and zero point of an affine quantization r = scale * (q - zeroPoint).
/// `scale` is always a positive, finite, normal float32 value (held in a
/// double), so that the IR and quantizeReal see exactly this value.
struct AffineParams {
  double scale = 1.0;
  int64_t zeroPoint = 0;

  friend bool operator==(AffineParams lhs, AffineParams rhs) {
    return lhs.scale == rhs.scale && lhs.zeroPoint == rhs.zeroPoint;
  }
};

/// Asymmetric parameters for integers in [qmin, qmax] (qmin < qmax; e.g.
/// [0, 255] or [-128, 127]). The range is first extended to contain 0:
/// lo = min(r.min, 0), hi = max(r.max, 0). Then
///   scale = float32(max(hi - lo, 0) / (qmax - qmin)), at least 2^-126;
///           1.0 if hi == lo (so a constant-zero tensor gets scale 1),
///   zeroPoint = clamp(qmin - roundHalfToEven(lo / scale), qmin, qmax).
/// Requires r finite and r.min <= r.max.
AffineParams chooseAsymmetric(Range r, int64_t qmin, int64_t qmax);

/// Symmetric parameters for integers in [-qmax, qmax] (qmax >= 1; 127 for
/// narrow-range int8): zeroPoint = 0 and
///   scale = float32(max(|r.min|, |r.max|) / qmax), at least 2^-126;
///           1.0 if the range is {0, 0}.
/// Requires r finite and r.min <= r.max.
AffineParams chooseSymmetric(Range r, int64_t qmax);

/// The number of NaN and infinite values among values[0, count).
size_t countNonFinite(const float *values, size_t count);

/// The range [min, max] of every channel of a dense row-major tensor of
/// \p shape along dimension \p axis (0 for OIHW convolution weights and
/// [N, K] fully-connected weights). A channel with no elements gets {0, 0}.
/// Requires axis < shape.size(), non-negative dimensions and finite values
/// (check with countNonFinite first).
std::vector<Range> perChannelRanges(const float *weights,
                                    const std::vector<int64_t> &shape,
                                    size_t axis);

/// chooseSymmetric for every channel.
std::vector<AffineParams>
chooseSymmetricPerChannel(const std::vector<Range> &ranges, int64_t qmax);

} // namespace lowbit

#endif // LOWBIT_SUPPORT_CALIBRATION_H
