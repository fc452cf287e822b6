// Power-of-two weights on AVX-512: shifts or the int8 dot product?
//
// LogNet-style weights w = s * 2^e (s = +-1, e in [0, 6]) take 14 values, so
// lowbit-compile stores them as 4-bit codes and its kernels decode the codes
// through a 16-entry table (vpshufb) into int8 weights for vpdpbusd. This
// benchmark measures that choice against the alternative the literature
// suggests, replacing each multiplication by a shift, on the same layer
// (M x K activations, u8; N x K power-of-two weights), both hand-written
// with the same 4-row x 64-channel register tile and checked against the
// exact int32 sums:
//
//   dot:   per 4 values of K, the codes of 64 channels (32 bytes) split
//          into nibbles and decoded by vpshufb, then one vpdpbusd per row
//          and 16 channels (64 products per instruction);
//   shift: per 2 values of K, the exponents and signs of 16 channels as
//          16-bit lanes, one vpsllvw (x << e) and one vpdpwssd (times s,
//          summed in pairs) per row and 16 channels (32 products per 2
//          instructions). x << e <= 255 * 64 fits in 16 bits.
//
//   bench_pow2 [--rounds=R] [--min-time-ms=T] [MxKxN ...]   (JSON on stdout)
//
// Needs AVX-512 BW and VNNI (build.sh compiles with -march=native).

#include "../common/timing.h"

#include <immintrin.h>

#include <cstring>

namespace {

struct Layer {
  int M, K, N;
  std::vector<uint8_t> x;      // [M, K]
  std::vector<int8_t> w;       // [N, K], the weights
  std::vector<uint8_t> codes;  // dot layout (below)
  std::vector<int16_t> expo;   // shift layout (below)
  std::vector<int16_t> sign;   // shift layout
  std::vector<int16_t> x16;    // [M, K] widened for the shift kernel
  std::vector<int32_t> ref;    // [M, N] exact sums
  std::vector<int32_t> out;    // [M, N]
};

// Code c in [0, 14): weight (c < 7 ? 1 : -1) * 2^(c % 7).
int8_t decode(int c) { return int8_t((c < 7 ? 1 : -1) * (1 << (c % 7))); }

// dot layout: per block of 64 channels and group of 4 values of K, the 256
// codes in 128 bytes. Register r (channels 16r..16r+15) has the vpdpbusd
// order, byte j = channel 16r + j / 4 at K offset j % 4; its codes are the
// low (r even) or high (r odd) nibbles of bytes 64 * (r / 2) + j.
void packDot(Layer &l, const std::vector<int> &code) {
  l.codes.assign(size_t(l.N / 64) * (l.K / 4) * 128, 0);
  size_t o = 0;
  for (int nb = 0; nb < l.N; nb += 64)
    for (int k = 0; k < l.K; k += 4, o += 128)
      for (int r = 0; r < 4; ++r)
        for (int j = 0; j < 64; ++j) {
          int n = nb + 16 * r + j / 4, kk = k + j % 4;
          int c = code[size_t(n) * l.K + kk];
          l.codes[o + 64 * (r / 2) + j] |= uint8_t(c << (4 * (r % 2)));
        }
}

// shift layout: for each block of 64 channels and pair of K, 4 registers of
// 32 int16 lanes (channel-major, the 2 values of K inside) of exponents,
// the same of signs.
void packShift(Layer &l, const std::vector<int> &code) {
  size_t size = size_t(l.N / 64) * (l.K / 2) * 128;
  l.expo.assign(size, 0);
  l.sign.assign(size, 0);
  size_t o = 0;
  for (int nb = 0; nb < l.N; nb += 64)
    for (int k = 0; k < l.K; k += 2, o += 128)
      for (int j = 0; j < 128; ++j) {
        int n = nb + j / 2, kk = k + j % 2;
        int c = code[size_t(n) * l.K + kk];
        l.expo[o + j] = int16_t(c % 7);
        l.sign[o + j] = int16_t(c < 7 ? 1 : -1);
      }
}

Layer makeLayer(int M, int K, int N, std::mt19937 &rng) {
  Layer l;
  l.M = M, l.K = K, l.N = N;
  l.x.resize(size_t(M) * K);
  for (uint8_t &v : l.x)
    v = uint8_t(rng());
  l.x16.assign(l.x.begin(), l.x.end());
  std::vector<int> code(size_t(N) * K);
  l.w.resize(code.size());
  for (size_t i = 0; i < code.size(); ++i) {
    code[i] = int(rng() % 14);
    l.w[i] = decode(code[i]);
  }
  packDot(l, code);
  packShift(l, code);
  l.ref.assign(size_t(M) * N, 0);
  for (int m = 0; m < M; ++m)
    for (int n = 0; n < N; ++n) {
      int32_t s = 0;
      for (int k = 0; k < K; ++k)
        s += int32_t(l.x[size_t(m) * K + k]) * l.w[size_t(n) * K + k];
      l.ref[size_t(m) * N + n] = s;
    }
  l.out.assign(l.ref.size(), 0);
  return l;
}

// The 4 rows x 64 columns of int32 sums of a tile into l.out at row m,
// column nb (both kernels use this register tile).
void storeTile(Layer &l, int m, int nb, const __m512i (&acc)[4][4]) {
  for (int r = 0; r < 4; ++r)
    for (int j = 0; j < 4; ++j)
      _mm512_storeu_si512(&l.out[size_t(m + r) * l.N + nb + 16 * j],
                          acc[r][j]);
}

void runDot(Layer &l) {
  alignas(64) int8_t tableBytes[64];
  for (int i = 0; i < 64; ++i)
    tableBytes[i] = i % 16 < 14 ? decode(i % 16) : 0;
  const __m512i table = _mm512_load_si512(tableBytes);
  const __m512i nibble = _mm512_set1_epi8(0x0f);
  for (int nb = 0; nb < l.N; nb += 64)
    for (int m = 0; m < l.M; m += 4) {
      __m512i acc[4][4] = {};
      const uint8_t *codes = &l.codes[size_t(nb / 64) * (l.K / 4) * 128];
      for (int k = 0; k < l.K; k += 4, codes += 128) {
        __m512i lo = _mm512_loadu_si512(codes);
        __m512i hi = _mm512_loadu_si512(codes + 64);
        __m512i w[4] = {
            _mm512_shuffle_epi8(table, _mm512_and_si512(lo, nibble)),
            _mm512_shuffle_epi8(
                table, _mm512_and_si512(_mm512_srli_epi16(lo, 4), nibble)),
            _mm512_shuffle_epi8(table, _mm512_and_si512(hi, nibble)),
            _mm512_shuffle_epi8(
                table, _mm512_and_si512(_mm512_srli_epi16(hi, 4), nibble))};
        for (int r = 0; r < 4; ++r) {
          int32_t quad;
          std::memcpy(&quad, &l.x[size_t(m + r) * l.K + k], 4);
          __m512i a = _mm512_set1_epi32(quad);
          for (int j = 0; j < 4; ++j)
            acc[r][j] = _mm512_dpbusd_epi32(acc[r][j], a, w[j]);
        }
      }
      storeTile(l, m, nb, acc);
    }
}

void runShift(Layer &l) {
  for (int nb = 0; nb < l.N; nb += 64)
    for (int m = 0; m < l.M; m += 4) {
      __m512i acc[4][4] = {};
      size_t o = size_t(nb / 64) * (l.K / 2) * 128;
      for (int k = 0; k < l.K; k += 2, o += 128) {
        __m512i e[4], s[4];
        for (int j = 0; j < 4; ++j) {
          e[j] = _mm512_loadu_si512(&l.expo[o + 32 * j]);
          s[j] = _mm512_loadu_si512(&l.sign[o + 32 * j]);
        }
        for (int r = 0; r < 4; ++r) {
          int32_t pair;
          std::memcpy(&pair, &l.x16[size_t(m + r) * l.K + k], 4);
          __m512i a = _mm512_set1_epi32(pair);
          for (int j = 0; j < 4; ++j)
            acc[r][j] = _mm512_dpwssd_epi32(
                acc[r][j], _mm512_sllv_epi16(a, e[j]), s[j]);
        }
      }
      storeTile(l, m, nb, acc);
    }
}

} // namespace

int main(int argc, char **argv) {
  bench::Options options;
  std::vector<std::string> shapes;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (bench::parseTimingOption(a, options))
      continue;
    if (a.rfind("--", 0) == 0) {
      std::fprintf(stderr, "bench_pow2: unknown option %s\n", a.c_str());
      return 2;
    }
    shapes.push_back(a);
  }
  const double minTime = options.minTime;
  const int rounds = options.rounds;
  if (shapes.empty())
    shapes = {"64x512x512", "196x576x128"};
  std::mt19937 rng(20261129);
  std::printf("{\"rounds\": %d, \"min_time_s\": %g, \"layers\": [", rounds,
              minTime);
  for (size_t si = 0; si < shapes.size(); ++si) {
    int M, K, N;
    if (std::sscanf(shapes[si].c_str(), "%dx%dx%d", &M, &K, &N) != 3 ||
        M <= 0 || M % 4 || K <= 0 || K % 4 || N <= 0 || N % 64) {
      std::fprintf(stderr,
                   "bench_pow2: shape %s: want MxKxN with M %% 4 == 0, "
                   "K %% 4 == 0, N %% 64 == 0\n",
                   shapes[si].c_str());
      return 2;
    }
    Layer l = makeLayer(M, K, N, rng);
    std::vector<bench::Timed> timed = {{"dot", [&] { runDot(l); }},
                                       {"shift", [&] { runShift(l); }}};
    std::vector<bool> exact;
    for (bench::Timed &t : timed) {
      std::fill(l.out.begin(), l.out.end(), 0);
      t.call();
      exact.push_back(l.out == l.ref);
    }
    bench::runRounds(timed, minTime, rounds);
    std::printf("%s\n  {\"shape\": \"%s\", \"macs\": %lld, \"kernels\": [",
                si ? "," : "", shapes[si].c_str(), (long long)M * K * N);
    for (size_t i = 0; i < timed.size(); ++i)
      std::printf("%s{\"kernel\": \"%s\", \"exact\": %s, \"median_s\": %.9g, "
                  "\"cpu_per_wall\": %.3f}",
                  i ? ", " : "", timed[i].name.c_str(),
                  exact[i] ? "true" : "false", bench::median(timed[i].perCall),
                  timed[i].cpu / timed[i].wall);
    std::printf("],\n   \"shift_over_dot\": %.3f}",
                bench::median(timed[1].perCall) /
                    bench::median(timed[0].perCall));
  }
  std::printf("\n]}\n");
  return 0;
}
