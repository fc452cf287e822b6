// Timing and checking helpers shared by the benchmarks that time Lowbit's
// compiled kernels (bench/matmul, bench/conv, bench/binary): batches of
// calls that last about a minimum time, interleaved rounds, medians, and
// the comparison of int8 outputs with an exact reference, and the reading
// of the params files that describe a layer.

#ifndef LOWBIT_BENCH_COMMON_TIMING_H
#define LOWBIT_BENCH_COMMON_TIMING_H

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <sys/resource.h>

namespace bench {

struct Diff {
  size_t mismatches = 0;
  int maxAbs = 0;
};

inline Diff compare(const std::vector<int8_t> &a, const int8_t *b) {
  Diff d;
  for (size_t i = 0; i < a.size(); ++i) {
    int e = std::abs(int(a[i]) - int(b[i]));
    if (e) ++d.mismatches;
    d.maxAbs = std::max(d.maxAbs, e);
  }
  return d;
}

using Clock = std::chrono::steady_clock;

struct Timed {
  std::string name;
  std::function<void()> call;
  long batch = 1;
  std::vector<double> perCall; // seconds
  double wall = 0, cpu = 0;     // over all rounds: cpu/wall ~ threads used
};

inline double cpuSeconds() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec +
         1e-6 * (u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// Calls per batch so that one batch lasts about minTime seconds.
inline long calibrate(const std::function<void()> &call, double minTime) {
  long batch = 1;
  for (;;) {
    auto t0 = Clock::now();
    for (long i = 0; i < batch; ++i)
      call();
    double dt = std::chrono::duration<double>(Clock::now() - t0).count();
    if (dt >= minTime || batch >= (1L << 30))
      return batch;
    long next = dt > 0 ? long(batch * (minTime / dt) * 1.1) + 1 : batch * 10;
    batch = std::max(batch * 2, std::min(next, batch * 100));
  }
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Warm-up and batch sizes, then `rounds` rounds in which every
// implementation is timed in turn, so that the ratios of a round come from
// the same moments of a noisy shared machine.
inline void runRounds(std::vector<Timed> &timed, double minTime, int rounds) {
  for (Timed &t : timed) {
    for (int i = 0; i < 3; ++i)
      t.call();
    t.batch = calibrate(t.call, minTime);
  }
  for (int r = 0; r < rounds; ++r)
    for (Timed &t : timed) {
      double c0 = cpuSeconds();
      auto t0 = Clock::now();
      for (long i = 0; i < t.batch; ++i)
        t.call();
      double dt = std::chrono::duration<double>(Clock::now() - t0).count();
      t.cpu += cpuSeconds() - c0;
      t.wall += dt;
      t.perCall.push_back(dt / t.batch);
    }
}

// The options of a benchmark driver: DIR [--min-time-ms=T] [--rounds=R]
// [--only=SHAPE]. Exits with a message naming `program` on anything else.
struct Options {
  std::string dir;
  double minTime = 0.05;
  int rounds = 9;
  std::string only;
};

// Reads `arg` into `o` if it is --min-time-ms=T or --rounds=R; false for
// any other argument.
inline bool parseTimingOption(const std::string &arg, Options &o) {
  if (arg.rfind("--min-time-ms=", 0) == 0)
    o.minTime = std::atof(arg.c_str() + 14) / 1000.0;
  else if (arg.rfind("--rounds=", 0) == 0)
    o.rounds = std::max(1, std::atoi(arg.c_str() + 9));
  else
    return false;
  return true;
}

inline Options parseOptions(int argc, char **argv, const char *program) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: %s PARAMS_DIR [--min-time-ms=T] [--rounds=R] "
                 "[--only=SHAPE]\n",
                 program);
    std::exit(2);
  }
  Options o;
  o.dir = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (parseTimingOption(a, o))
      continue;
    if (a.rfind("--only=", 0) == 0)
      o.only = a.substr(7);
    else {
      std::fprintf(stderr, "%s: unknown option %s\n", program, a.c_str());
      std::exit(2);
    }
  }
  return o;
}

// `count` values of type T from a params file; exits if it is too short.
template <typename T>
void readInto(std::ifstream &in, T *p, size_t count) {
  in.read(reinterpret_cast<char *>(p), count * sizeof(T));
  if (!in) {
    std::fprintf(stderr, "truncated params file\n");
    std::exit(1);
  }
}

// The params file at `path` opened for reading; exits naming `program` if
// it cannot be.
inline std::ifstream openParams(const std::string &path, const char *program) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "%s: cannot open %s\n", program, path.c_str());
    std::exit(1);
  }
  return in;
}

// The per-output-channel part of a params file (gen_matmul.py and
// gen_conv.py write it after the weights): int32 bias, M0 and n, then the
// float scale s_x * s_w / s_y that oneDNN takes.
struct ChannelRequantize {
  std::vector<int32_t> bias, m0, shift;
  std::vector<float> scale;
};

inline ChannelRequantize readChannelRequantize(std::ifstream &in,
                                               size_t channels) {
  ChannelRequantize r;
  r.bias.resize(channels), r.m0.resize(channels), r.shift.resize(channels);
  r.scale.resize(channels);
  readInto(in, r.bias.data(), channels);
  readInto(in, r.m0.data(), channels);
  readInto(in, r.shift.data(), channels);
  readInto(in, r.scale.data(), channels);
  return r;
}

// The contract's single rounding of the int64 accumulator of channel `c`
// (bias included) to int8: round(acc * M0 / 2^n) + z_y, clamped.
inline int8_t requantizeExact(const ChannelRequantize &r, int c, int64_t acc,
                              int32_t zy) {
  int64_t y = (acc * r.m0[c] + (int64_t(1) << (r.shift[c] - 1))) >> r.shift[c];
  return int8_t(std::clamp<int64_t>(y + zy, -128, 127));
}

// `size` random bytes, the same for a given seed.
inline std::vector<uint8_t> randomBytes(size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> x(size);
  for (auto &v : x)
    v = uint8_t(rng() & 0xff);
  return x;
}

// The check of one output against the exact reference, as JSON.
inline std::string checkJson(const Diff &d) {
  char buf[128];
  std::snprintf(buf, sizeof buf,
                "{\"bit_exact\": %s, \"mismatches\": %zu, \"max_abs\": %d}",
                d.mismatches ? "false" : "true", d.mismatches, d.maxAbs);
  return buf;
}

// Prints the implementations of one shape: a JSON array body (every sample
// included) on stdout, a table row each on stderr. `ops` = operations per
// call.
inline void printImpls(const std::string &shape,
                       const std::vector<Timed> &timed,
                       const std::vector<std::string> &checks, double ops) {
  for (size_t i = 0; i < timed.size(); ++i) {
    const Timed &t = timed[i];
    double med = median(t.perCall);
    double best = *std::min_element(t.perCall.begin(), t.perCall.end());
    std::printf("       {\"name\": \"%s\", \"median_s\": %.9g, \"best_s\": "
                "%.9g, \"gops_median\": %.3f, \"gops_best\": %.3f, "
                "\"batch\": %ld, \"cpu_per_wall\": %.3f, \"samples_s\": [",
                t.name.c_str(), med, best, ops / med / 1e9, ops / best / 1e9,
                t.batch, t.cpu / t.wall);
    for (size_t j = 0; j < t.perCall.size(); ++j)
      std::printf("%s%.9g", j ? ", " : "", t.perCall[j]);
    std::printf("],\n        \"check\": %s}%s\n", checks[i].c_str(),
                i + 1 < timed.size() ? "," : "");
    std::fprintf(stderr, "%-20s %-14s %10.1f %10.1f %10.2f %5.2f  %s\n",
                 shape.c_str(), t.name.c_str(), med * 1e6, best * 1e6,
                 ops / med / 1e9, t.cpu / t.wall, checks[i].c_str());
  }
}

} // namespace bench

#endif // LOWBIT_BENCH_COMMON_TIMING_H
