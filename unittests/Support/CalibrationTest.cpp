//===- CalibrationTest.cpp - Tests for calibration statistics ---*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// Expected values are computed by hand in the comments, from closed forms,
// or (the small entropy and MSE cases) by an independent brute-force Python
// evaluation of the definitions in docs/IntegerSemantics.md ("Choosing
// scales and zero points"): KL divergences per candidate, and per-bin
// integrals of the squared error for every pair of edges.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Support/Calibration.h"
#include "lowbit/Support/FixedPoint.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <random>

using namespace lowbit;

namespace {

constexpr CalibrationMethod kAllMethods[] = {
    CalibrationMethod::MinMax, CalibrationMethod::EMA,
    CalibrationMethod::Percentile, CalibrationMethod::Entropy,
    CalibrationMethod::MSE};

constexpr CalibrationMethod kHistogramMethods[] = {
    CalibrationMethod::Percentile, CalibrationMethod::Entropy,
    CalibrationMethod::MSE};

ObserverOptions optionsFor(CalibrationMethod method) {
  ObserverOptions options;
  options.method = method;
  return options;
}

/// Observes `sample`, failing the test on an error.
void observe(RangeObserver &observer, const std::vector<float> &sample) {
  std::optional<std::string> error =
      observer.observe(sample.data(), sample.size());
  ASSERT_FALSE(error) << *error;
}

/// The range of one observer fed `samples` in order.
Range observeAll(const ObserverOptions &options,
                 const std::vector<std::vector<float>> &samples) {
  RangeObserver observer(options);
  for (const std::vector<float> &sample : samples)
    observe(observer, sample);
  return observer.finalize();
}

//===----------------------------------------------------------------------===//
// Names and options
//===----------------------------------------------------------------------===//

TEST(CalibrationMethodTest, NamesRoundTrip) {
  EXPECT_EQ(calibrationMethodName(CalibrationMethod::MinMax), "minmax");
  EXPECT_EQ(calibrationMethodName(CalibrationMethod::EMA), "ema");
  EXPECT_EQ(calibrationMethodName(CalibrationMethod::Percentile), "percentile");
  EXPECT_EQ(calibrationMethodName(CalibrationMethod::Entropy), "entropy");
  EXPECT_EQ(calibrationMethodName(CalibrationMethod::MSE), "mse");
  for (CalibrationMethod method : kAllMethods)
    EXPECT_EQ(parseCalibrationMethod(calibrationMethodName(method)), method);
  EXPECT_FALSE(parseCalibrationMethod("MinMax"));
  EXPECT_FALSE(parseCalibrationMethod("kl"));
  EXPECT_FALSE(parseCalibrationMethod(""));
}

TEST(CalibrationMethodTest, CheckOptions) {
  EXPECT_FALSE(checkObserverOptions(ObserverOptions()));
  ObserverOptions options;
  options.emaMomentum = 0.0;
  EXPECT_TRUE(checkObserverOptions(options));
  options = ObserverOptions();
  options.emaMomentum = 1.5;
  EXPECT_TRUE(checkObserverOptions(options));
  options = ObserverOptions();
  options.percentile = 40.0;
  EXPECT_TRUE(checkObserverOptions(options));
  options = ObserverOptions();
  options.percentile = std::nan("");
  EXPECT_TRUE(checkObserverOptions(options));
  options = ObserverOptions();
  options.numBins = 0;
  EXPECT_TRUE(checkObserverOptions(options));
  options = ObserverOptions();
  options.numBits = 0;
  EXPECT_TRUE(checkObserverOptions(options));
  options = ObserverOptions();
  EXPECT_EQ(options.emaMomentum, 0.01);
  EXPECT_EQ(options.percentile, 99.99);
  EXPECT_EQ(options.numBins, 2048u);
  EXPECT_EQ(options.numBits, 8u);
}

//===----------------------------------------------------------------------===//
// MinMax and EMA
//===----------------------------------------------------------------------===//

TEST(RangeObserverTest, MinMaxOverSamples) {
  Range r = observeAll(optionsFor(CalibrationMethod::MinMax),
                       {{3.0f, -1.0f}, {2.0f, 5.0f, 0.0f}, {-4.0f}, {1.0f}});
  EXPECT_EQ(r, (Range{-4.0, 5.0}));
}

TEST(RangeObserverTest, EmaWithMomentumOneHalf) {
  ObserverOptions options = optionsFor(CalibrationMethod::EMA);
  options.emaMomentum = 0.5;
  RangeObserver observer(options);
  observe(observer, {2.0f, 1.0f}); // First sample: [1, 2].
  EXPECT_EQ(observer.finalize(), (Range{1.0, 2.0}));
  observe(observer, {3.0f, 6.0f}); // [1 + (3 - 1) / 2, 2 + (6 - 2) / 2]
  EXPECT_EQ(observer.finalize(), (Range{2.0, 4.0}));
  observe(observer, {0.0f, -2.0f}); // [2 + (-2 - 2) / 2, 4 + (0 - 4) / 2]
  EXPECT_EQ(observer.finalize(), (Range{0.0, 2.0}));
}

TEST(RangeObserverTest, EmaDefaultMomentum) {
  // [0, 1], then [-1, 3]: min = 0 + 0.01 * (-1 - 0), max = 1 + 0.01 * 2.
  Range r = observeAll(optionsFor(CalibrationMethod::EMA),
                       {{0.0f, 1.0f}, {-1.0f, 3.0f}});
  EXPECT_DOUBLE_EQ(r.min, -0.01);
  EXPECT_DOUBLE_EQ(r.max, 1.02);
}

//===----------------------------------------------------------------------===//
// Histogram methods on hand-made inputs
//===----------------------------------------------------------------------===//

TEST(RangeObserverTest, PercentileExactOnFourBins) {
  // Four bins of width 1 ([0, 4) needs 4 cells of width 1; width 1/2 would
  // need 8), one value per bin. p = 75: the upper target is 3 values, the
  // end of bin 2, i.e. 3.0; the lower target is 1 value, i.e. 1.0.
  ObserverOptions options = optionsFor(CalibrationMethod::Percentile);
  options.numBins = 4;
  options.percentile = 75.0;
  RangeObserver observer(options);
  observe(observer, {0.5f, 1.5f, 2.5f, 3.5f});
  EXPECT_EQ(observer.binWidth(), 1.0);
  EXPECT_EQ(observer.finalize(), (Range{1.0, 3.0}));
  options.percentile = 100.0; // The data's min and max exactly.
  RangeObserver full(options);
  observe(full, {0.5f, 1.5f, 2.5f, 3.5f});
  EXPECT_EQ(full.finalize(), (Range{0.5, 3.5}));
}

TEST(RangeObserverTest, PercentileOnUniformRamp) {
  // 10000 values k / 10000 in 10 samples; the 1st and 99th percentiles are
  // 0.01 and 0.99. [0, 0.9999] fits 2048 bins of width 2^-11 but not of
  // 2^-12.
  std::vector<std::vector<float>> samples(10);
  for (int k = 0; k < 10000; ++k)
    samples[k % 10].push_back(static_cast<float>(k) / 10000.0f);
  ObserverOptions options = optionsFor(CalibrationMethod::Percentile);
  options.percentile = 99.0;
  RangeObserver observer(options);
  for (const std::vector<float> &sample : samples)
    observe(observer, sample);
  const double width = std::ldexp(1.0, -11);
  EXPECT_EQ(observer.binWidth(), width);
  Range r = observer.finalize();
  EXPECT_NEAR(r.min, 0.01, width);
  EXPECT_NEAR(r.max, 0.99, width);
}

TEST(RangeObserverTest, EntropyExactOnSmallHistogram) {
  // numBits = 3: |x| is quantized into 4 levels; 16 bins of width 1 (|x| up
  // to 15.5). |x| histogram: 10 8 6 4 3 2 1 1 0 0 0 0 0 0 0 1. The KL
  // divergences of the candidates i = 4..16 bins (Python reference) are
  // 0.1149 0.0490 0.0159 0.01305 0.0218 0.2392 ... 0.0621; the minimum is
  // at i = 7, so T = 7 and the range is [-7, 7] cut to the data.
  const int binCounts[16] = {10, 8, 6, 4, 3, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1};
  std::vector<float> sample;
  for (int bin = 0; bin < 16; ++bin)
    for (int n = 0; n < binCounts[bin]; ++n)
      sample.push_back((n % 2 || bin == 15 ? -1.0f : 1.0f) *
                       (float(bin) + 0.5f));
  // Data in [-15.5, 7.5]: both ends are clipped.
  std::reverse(sample.begin(), sample.end());
  ObserverOptions options = optionsFor(CalibrationMethod::Entropy);
  options.numBits = 3;
  options.numBins = 16;
  RangeObserver observer(options);
  observe(observer, sample);
  EXPECT_EQ(observer.binWidth(), 1.0);
  EXPECT_EQ(observer.finalize(), (Range{-7.0, 7.0}));
}

TEST(RangeObserverTest, EntropyNoClippingWhenFewBinsAreUsed) {
  // 100 bins of |x| are used; with 8 bits the first candidate is 128 bins,
  // so nothing is clipped.
  ObserverOptions options = optionsFor(CalibrationMethod::Entropy);
  options.numBins = 100;
  Range r = observeAll(options, {{-3.0f, 0.25f, 2.0f}});
  EXPECT_EQ(r, (Range{-3.0, 2.0}));
}

TEST(RangeObserverTest, MseExactOnSmallHistogram) {
  // numBits = 2 (4 levels), 8 bins of width 1 over [-4, 4). Counts per bin
  // [-4,-3): 1, [-1,0): 3, [0,1): 4, [1,2): 3, [2,3): 2, [3,4): 1. The
  // brute-force minimum of the expected squared error over all edge pairs
  // is at [-3, 3] (error 4.6667). With 256 levels it is [-4, 4], cut to the
  // data [-3.5, 3.5].
  std::vector<float> sample = {-3.5f, -0.5f, -0.5f, -0.5f, 0.5f, 0.5f, 0.5f,
                               0.5f,  1.5f,  1.5f,  1.5f,  2.5f, 2.5f, 3.5f};
  ObserverOptions options = optionsFor(CalibrationMethod::MSE);
  options.numBits = 2;
  options.numBins = 8;
  RangeObserver observer(options);
  observe(observer, sample);
  EXPECT_EQ(observer.binWidth(), 1.0);
  EXPECT_EQ(observer.finalize(), (Range{-3.0, 3.0}));
  options.numBits = 8;
  EXPECT_EQ(observeAll(options, {sample}), (Range{-3.5, 3.5}));
}

//===----------------------------------------------------------------------===//
// Histogram methods on random data
//===----------------------------------------------------------------------===//

TEST(RangeObserverTest, EntropyGaussianWithOutliers) {
  // 100000 N(0, 1) values in 100 samples and 20 outliers at +-20. The
  // threshold must clip the outliers (well below 20) but keep at least the
  // 99th percentile of |x|. The bin width is 2^-6 (20 / 2^-6 = 1280 bins),
  // so the smallest candidate (128 bins = 2.0) is below that percentile.
  std::mt19937 rng(12345);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<std::vector<float>> samples(100);
  std::vector<float> magnitudes;
  for (std::vector<float> &sample : samples) {
    for (int i = 0; i < 1000; ++i) {
      sample.push_back(normal(rng));
      magnitudes.push_back(std::fabs(sample.back()));
    }
  }
  for (int i = 0; i < 20; ++i)
    samples[i * 5].push_back(i % 2 ? -20.0f : 20.0f);
  std::sort(magnitudes.begin(), magnitudes.end());
  const double p99 = magnitudes[magnitudes.size() * 99 / 100];

  RangeObserver observer(optionsFor(CalibrationMethod::Entropy));
  for (const std::vector<float> &sample : samples)
    observe(observer, sample);
  EXPECT_EQ(observer.binWidth(), std::ldexp(1.0, -6));
  Range r = observer.finalize();
  EXPECT_EQ(r.min, -r.max); // [-T, T]
  EXPECT_GT(r.max, p99);
  EXPECT_LT(r.max, 10.0);
  // T is a bin edge.
  EXPECT_EQ(r.max / observer.binWidth(),
            std::floor(r.max / observer.binWidth()));
}

TEST(RangeObserverTest, MseOnUniformIsNearItsMax) {
  // Uniform on [0, 1) with 256 levels: the error per unit density is
  // b (b / 255)^2 / 12 + (1 - b)^3 / 3, minimized at b = 510 / 511.
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  std::vector<std::vector<float>> samples(20, std::vector<float>(10000));
  float dataMin = 1.0f, dataMax = 0.0f;
  for (std::vector<float> &sample : samples) {
    for (float &x : sample) {
      x = uniform(rng);
      dataMin = std::min(dataMin, x);
      dataMax = std::max(dataMax, x);
    }
  }
  RangeObserver observer(optionsFor(CalibrationMethod::MSE));
  for (const std::vector<float> &sample : samples)
    observe(observer, sample);
  const double width = std::ldexp(1.0, -11);
  EXPECT_EQ(observer.binWidth(), width);
  Range r = observer.finalize();
  EXPECT_EQ(r.min, dataMin); // a = 0, cut to the data.
  EXPECT_NEAR(r.max, 510.0 / 511.0, 2 * width);
  EXPECT_GT(r.max, 0.995 * dataMax);
}

/// Samples whose magnitude grows with k: N(0, 1) * k, k = 1..40, plus an
/// offset so that the data are not symmetric.
std::vector<std::vector<float>> growingSamples() {
  std::mt19937 rng(99);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<std::vector<float>> samples;
  for (int k = 1; k <= 40; ++k) {
    std::vector<float> sample(500);
    for (float &x : sample)
      x = normal(rng) * float(k) + 0.3f * float(k);
    samples.push_back(sample);
  }
  return samples;
}

TEST(RangeObserverTest, HistogramGrowthIsOrderIndependent) {
  std::vector<std::vector<float>> increasing = growingSamples();
  std::vector<std::vector<float>> decreasing(increasing.rbegin(),
                                             increasing.rend());
  std::vector<std::vector<float>> shuffled = increasing;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(3));
  std::vector<float> all;
  for (const std::vector<float> &sample : increasing)
    all.insert(all.end(), sample.begin(), sample.end());

  for (CalibrationMethod method : kHistogramMethods) {
    SCOPED_TRACE(std::string(calibrationMethodName(method)));
    ObserverOptions options = optionsFor(method);
    options.percentile = 99.0;
    RangeObserver up(options), down(options);
    for (const std::vector<float> &sample : increasing)
      observe(up, sample);
    for (const std::vector<float> &sample : decreasing)
      observe(down, sample);
    Range rUp = up.finalize(), rDown = down.finalize();
    // Growth re-bins 20 times on the increasing order.
    EXPECT_GT(up.binWidth(), 0.0);
    EXPECT_EQ(up.binWidth(), down.binWidth());
    EXPECT_NEAR(rUp.min, rDown.min, up.binWidth());
    EXPECT_NEAR(rUp.max, rDown.max, up.binWidth());
    // Merging nested grids is exact: all orders give the same histogram.
    EXPECT_EQ(rUp, rDown);
    EXPECT_EQ(rUp, observeAll(options, shuffled));
    EXPECT_EQ(rUp, observeAll(options, {all}));
    auto [lo, hi] = std::minmax_element(all.begin(), all.end());
    EXPECT_GE(rUp.min, *lo);
    EXPECT_LE(rUp.max, *hi);
    // Percentile and MSE clip these tails (entropy keeps them: the data are
    // a mixture of Gaussians of 40 widths, heavy-tailed).
    if (method != CalibrationMethod::Entropy) {
      EXPECT_LT(rUp.max - rUp.min, *hi - *lo);
    }
  }
}

TEST(RangeObserverTest, HistogramGrowsAcrossManyOctaves) {
  // Tiny values first, then values 2^40 times larger, then negative ones:
  // same result as seeing them in the other order.
  std::vector<std::vector<float>> samples = {
      {1e-6f, 2e-6f, 3e-6f}, {0.5f, 1.0f}, {1e6f, 3e5f}, {-2e6f, 7.0f}};
  std::vector<std::vector<float>> reversed(samples.rbegin(), samples.rend());
  for (CalibrationMethod method : kHistogramMethods) {
    SCOPED_TRACE(std::string(calibrationMethodName(method)));
    ObserverOptions options = optionsFor(method);
    options.percentile = 100.0;
    EXPECT_EQ(observeAll(options, samples), observeAll(options, reversed));
  }
  ObserverOptions options = optionsFor(CalibrationMethod::Percentile);
  options.percentile = 100.0;
  EXPECT_EQ(observeAll(options, samples), (Range{-2e6, 1e6}));
}

//===----------------------------------------------------------------------===//
// Non-finite values, empty input, memory
//===----------------------------------------------------------------------===//

TEST(RangeObserverTest, NonFiniteValuesAreReported) {
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> bad = {1.0f, std::nanf(""), inf, -inf, 2.0f};
  EXPECT_EQ(countNonFinite(bad.data(), bad.size()), 3u);
  for (CalibrationMethod method : kAllMethods) {
    SCOPED_TRACE(std::string(calibrationMethodName(method)));
    ObserverOptions options = optionsFor(method);
    options.percentile = 100.0;
    RangeObserver observer(options);
    std::optional<std::string> error = observer.observe(bad.data(), 5);
    ASSERT_TRUE(error);
    EXPECT_NE(error->find("3 of 5 values are not finite"), std::string::npos)
        << *error;
    // The sample was ignored.
    EXPECT_EQ(observer.numValues(), 0u);
    EXPECT_EQ(observer.finalize(), (Range{0.0, 0.0}));
    observe(observer, {1.0f, 2.0f});
    EXPECT_EQ(observer.numValues(), 2u);
    EXPECT_EQ(observer.finalize(), (Range{1.0, 2.0}));
  }
}

TEST(RangeObserverTest, EmptyAndZeroInputs) {
  for (CalibrationMethod method : kAllMethods) {
    SCOPED_TRACE(std::string(calibrationMethodName(method)));
    RangeObserver observer(optionsFor(method));
    EXPECT_EQ(observer.finalize(), (Range{0.0, 0.0})); // Nothing observed.
    EXPECT_FALSE(observer.observe(nullptr, 0));
    EXPECT_EQ(observer.numValues(), 0u);
    observe(observer, std::vector<float>(100, 0.0f));
    EXPECT_EQ(observer.finalize(), (Range{0.0, 0.0}));
    observe(observer, std::vector<float>(10, -0.0f));
    EXPECT_EQ(observer.finalize(), (Range{0.0, 0.0}));
    // A constant nonzero tensor.
    RangeObserver constant(optionsFor(method));
    observe(constant, std::vector<float>(50, 2.5f));
    EXPECT_EQ(constant.finalize(), (Range{2.5, 2.5}));
  }
}

TEST(RangeObserverTest, MemoryDoesNotGrowWithSamples) {
  std::mt19937 rng(1);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> pool(4096);
  for (float &x : pool)
    x = normal(rng);
  for (CalibrationMethod method : kAllMethods) {
    SCOPED_TRACE(std::string(calibrationMethodName(method)));
    RangeObserver observer(optionsFor(method));
    observe(observer, {0.1f, -0.1f});
    const size_t initial = observer.memoryBytes();
    EXPECT_LE(initial, sizeof(RangeObserver) + 2048 * sizeof(uint64_t));
    for (size_t s = 0; s < 1000000; ++s) {
      // Magnitudes grow slowly, so histograms keep re-binning.
      float factor = 1.0f + float(s) * 1e-5f;
      float sample[4];
      for (size_t i = 0; i < 4; ++i)
        sample[i] = pool[(s * 4 + i) % pool.size()] * factor;
      ASSERT_FALSE(observer.observe(sample, 4));
    }
    EXPECT_EQ(observer.numValues(), 4000002u);
    EXPECT_EQ(observer.memoryBytes(), initial);
  }
}

//===----------------------------------------------------------------------===//
// Scales and zero points
//===----------------------------------------------------------------------===//

TEST(AffineParamsTest, AsymmetricHandMade) {
  // [-1, 3] to uint8: S = 4 / 255, Z = round(0 + 1 / S) = round(63.75) = 64.
  AffineParams p = chooseAsymmetric({-1.0, 3.0}, 0, 255);
  EXPECT_EQ(p.scale, double(float(4.0 / 255.0)));
  EXPECT_EQ(p.zeroPoint, 64);
  float s = float(p.scale);
  EXPECT_EQ(quantizeReal(0.0f, s, 64, 0, 255), 64);
  EXPECT_EQ(quantizeReal(-1.0f, s, 64, 0, 255), 0);  // -64 + 64
  EXPECT_EQ(quantizeReal(3.0f, s, 64, 0, 255), 255); // 191 + 64
  // Same range to int8: Z = round(-128 + 63.75) = -64.
  EXPECT_EQ(chooseAsymmetric({-1.0, 3.0}, -128, 127),
            (AffineParams{double(float(4.0 / 255.0)), -64}));
  // Positive range: extended to [0, 2].
  EXPECT_EQ(chooseAsymmetric({0.5, 2.0}, 0, 255),
            (AffineParams{double(float(2.0 / 255.0)), 0}));
  EXPECT_EQ(chooseAsymmetric({0.5, 2.0}, -128, 127),
            (AffineParams{double(float(2.0 / 255.0)), -128}));
  // Negative range: extended to [-2, 0]; Z = qmax.
  EXPECT_EQ(chooseAsymmetric({-2.0, -0.5}, -128, 127),
            (AffineParams{double(float(2.0 / 255.0)), 127}));
  EXPECT_EQ(chooseAsymmetric({-2.0, -0.5}, 0, 255),
            (AffineParams{double(float(2.0 / 255.0)), 255}));
}

TEST(AffineParamsTest, ZeroAndTinyRanges) {
  // A zero-width range (e.g. a constant-zero tensor) gets scale 1 and
  // Z = qmin - round(0 / 1) = qmin.
  EXPECT_EQ(chooseAsymmetric({0.0, 0.0}, 0, 255), (AffineParams{1.0, 0}));
  EXPECT_EQ(chooseAsymmetric({0.0, 0.0}, -128, 127), (AffineParams{1.0, -128}));
  EXPECT_EQ(chooseSymmetric({0.0, 0.0}, 127), (AffineParams{1.0, 0}));
  EXPECT_EQ(chooseSymmetric({-0.0, 0.0}, 127), (AffineParams{1.0, 0}));
  // Ranges whose step underflows float32's normal range get 2^-126.
  EXPECT_EQ(chooseAsymmetric({0.0, 1e-40}, 0, 255).scale, double(FLT_MIN));
  EXPECT_EQ(chooseSymmetric({-1e-40, 0.0}, 127).scale, double(FLT_MIN));
  AffineParams tiny = chooseAsymmetric({-1e-40, 0.0}, 0, 255);
  EXPECT_EQ(tiny.scale, double(FLT_MIN));
  EXPECT_EQ(tiny.zeroPoint, 0); // 1e-40 / 2^-126 rounds to 0.
  // The largest float32 range stays finite.
  AffineParams huge = chooseAsymmetric({-FLT_MAX, FLT_MAX}, 0, 255);
  EXPECT_TRUE(std::isfinite(float(huge.scale)));
  EXPECT_EQ(huge.zeroPoint, 128); // round(127.5) = 128 (ties to even).
}

TEST(AffineParamsTest, AsymmetricRandomRanges) {
  std::mt19937 rng(2024);
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  std::uniform_int_distribution<int> exponent(-20, 20);
  for (int trial = 0; trial < 5000; ++trial) {
    double a = unit(rng) * std::ldexp(1.0, exponent(rng));
    double b = unit(rng) * std::ldexp(1.0, exponent(rng));
    if (trial % 7 == 0)
      a = std::fabs(a); // Some one-sided ranges.
    Range r{double(float(std::min(a, b))), double(float(std::max(a, b)))};
    for (auto [qmin, qmax] : {std::pair<int, int>{0, 255}, {-128, 127}}) {
      AffineParams p = chooseAsymmetric(r, qmin, qmax);
      float s = float(p.scale);
      ASSERT_EQ(double(s), p.scale);
      ASSERT_GT(s, 0.0f);
      ASSERT_GE(p.zeroPoint, qmin);
      ASSERT_LE(p.zeroPoint, qmax);
      int32_t z = int32_t(p.zeroPoint);
      // 0 is exactly representable.
      ASSERT_EQ(quantizeReal(0.0f, s, z, qmin, qmax), z);
      ASSERT_EQ(dequantize(z, s, z), 0.0f);
      // The extended range ends use the extreme codes (within one code) and
      // are represented within half a step.
      double lo = std::min(r.min, 0.0), hi = std::max(r.max, 0.0);
      int32_t qlo = quantizeReal(float(lo), s, z, qmin, qmax);
      int32_t qhi = quantizeReal(float(hi), s, z, qmin, qmax);
      ASSERT_LE(qlo, qmin + 1) << r.min << " " << r.max;
      ASSERT_GE(qhi, qmax - 1) << r.min << " " << r.max;
      double tolerance = 0.5 * s + 1e-6 * (hi - lo);
      ASSERT_LE(std::fabs(dequantize(qlo, s, z) - lo), tolerance);
      ASSERT_LE(std::fabs(dequantize(qhi, s, z) - hi), tolerance);
    }
  }
}

TEST(AffineParamsTest, SymmetricHandMadeAndRandom) {
  // [-0.5, 2], qmax 127: S = 2 / 127, Z = 0.
  AffineParams p = chooseSymmetric({-0.5, 2.0}, 127);
  EXPECT_EQ(p, (AffineParams{double(float(2.0 / 127.0)), 0}));
  float s = float(p.scale);
  EXPECT_EQ(quantizeReal(2.0f, s, 0, -127, 127), 127);
  EXPECT_EQ(quantizeReal(-0.5f, s, 0, -127, 127), -32); // round(-31.75)
  EXPECT_EQ(chooseSymmetric({-3.0, 1.0}, 127).scale, double(float(3.0 / 127)));

  std::mt19937 rng(5);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  for (int trial = 0; trial < 1000; ++trial) {
    float a = unit(rng) * 100.0f, b = unit(rng) * 100.0f;
    Range r{std::min(a, b), std::max(a, b)};
    AffineParams q = chooseSymmetric(r, 127);
    ASSERT_EQ(q.zeroPoint, 0);
    float qs = float(q.scale);
    float m = std::max(std::fabs(a), std::fabs(b));
    int32_t code =
        quantizeReal(std::fabs(a) > std::fabs(b) ? a : b, qs, 0, -127, 127);
    ASSERT_EQ(std::abs(code), 127) << m;
  }
}

TEST(PerChannelTest, RangesAlongAxis) {
  // OIHW [2, 1, 2, 2], axis 0.
  std::vector<float> oihw = {1, -2, 3, 0.5f, -7, 4, 2, 2};
  std::vector<Range> r = perChannelRanges(oihw.data(), {2, 1, 2, 2}, 0);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0], (Range{-2.0, 3.0}));
  EXPECT_EQ(r[1], (Range{-7.0, 4.0}));
  // [N, K] = [2, 3] along axis 0 (rows) and axis 1 (columns).
  std::vector<float> nk = {1, 5, -3, 2, -1, 4};
  r = perChannelRanges(nk.data(), {2, 3}, 0);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0], (Range{-3.0, 5.0}));
  EXPECT_EQ(r[1], (Range{-1.0, 4.0}));
  r = perChannelRanges(nk.data(), {2, 3}, 1);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0], (Range{1.0, 2.0}));
  EXPECT_EQ(r[1], (Range{-1.0, 5.0}));
  EXPECT_EQ(r[2], (Range{-3.0, 4.0}));
  // A middle axis of [2, 2, 2]: channel 0 is {0, 1, 4, 5}, 1 is {2, 3, 6, 7}.
  std::vector<float> cube = {0, 1, 2, 3, 4, 5, 6, 7};
  r = perChannelRanges(cube.data(), {2, 2, 2}, 1);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0], (Range{0.0, 5.0}));
  EXPECT_EQ(r[1], (Range{2.0, 7.0}));
  // Empty channels.
  r = perChannelRanges(nullptr, {3, 0}, 0);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[2], (Range{0.0, 0.0}));

  std::vector<AffineParams> params = chooseSymmetricPerChannel(
      perChannelRanges(oihw.data(), {2, 1, 2, 2}, 0), 127);
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0], (AffineParams{double(float(3.0 / 127.0)), 0}));
  EXPECT_EQ(params[1], (AffineParams{double(float(7.0 / 127.0)), 0}));
}

} // namespace
