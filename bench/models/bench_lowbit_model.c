/* Lowbit side of the whole-model benchmark: times a compiled model's entry
 * points at batch 1, the way models.js times ONNX Runtime.
 *
 *   cc -O2 -DMODEL=mlp -include mlp.h bench_lowbit_model.c mlp.o
 *   ./a.out ROUNDS MIN_MS            -> two JSON lines on stdout
 *
 * "int8": <model>_run on stored int8 values (the integer-only entry);
 * "float": <model>_quantize_input + <model>_run + <model>_dequantize_output,
 * float in and float out like an ONNX session. The input is random normal
 * data; after a warm-up the number of calls per batch is chosen so a batch
 * lasts >= MIN_MS, and ROUNDS batches give the median and best time per
 * call (= per sample). Single thread by construction. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define STR_(a) #a
#define STR(a) STR_(a)
#define M(suffix) CAT(MODEL, suffix)

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

static double cpu(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

static float xf[M(_input_size)], yf[M(_output_size)];
static M(_input_t) xq[M(_input_size)];
static M(_output_t) yq[M(_output_size)];
static volatile float sink;

static void run_int8(void) { M(_run)(xq, yq); }
static void run_float(void) {
  M(_quantize_input)(xf, xq);
  M(_run)(xq, yq);
  M(_dequantize_output)(yq, yf);
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void bench(const char *kind, void (*f)(void), int rounds, double min_s) {
  for (int i = 0; i < 100; ++i) f();
  long batch = 1;
  for (;;) {
    double t0 = now();
    for (long i = 0; i < batch; ++i) f();
    double dt = now() - t0;
    if (dt >= min_s) break;
    long next = dt > 0 ? (long)(batch * min_s / dt * 1.1) + 1 : batch * 10;
    batch = next > batch * 2 ? (next < batch * 100 ? next : batch * 100) : batch * 2;
  }
  double *s = malloc(sizeof(double) * rounds), c0 = cpu(), w0 = now();
  for (int r = 0; r < rounds; ++r) {
    double t0 = now();
    for (long i = 0; i < batch; ++i) f();
    s[r] = (now() - t0) / batch;
  }
  double cpu_per_wall = (cpu() - c0) / (now() - w0);
  printf("{\"model\": \"%s\", \"kind\": \"%s\", \"batch\": %ld, \"rounds\": %d, "
         "\"cpu_per_wall\": %.3f, \"samples_s\": [",
         STR(MODEL), kind, batch, rounds, cpu_per_wall);
  for (int r = 0; r < rounds; ++r) printf("%s%.9g", r ? ", " : "", s[r]);
  qsort(s, rounds, sizeof(double), cmp);
  double med = rounds % 2 ? s[rounds / 2] : 0.5 * (s[rounds / 2 - 1] + s[rounds / 2]);
  printf("], \"median_s\": %.9g, \"best_s\": %.9g}\n", med, s[0]);
  free(s);
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 11;
  double min_s = (argc > 2 ? atof(argv[2]) : 300) / 1000.0;
  if (rounds < 1) rounds = 1;
  srand(1);
  for (int i = 0; i < M(_input_size); ++i) { /* normal(0, 1), Box-Muller */
    double u = (rand() + 1.0) / (RAND_MAX + 2.0), v = rand() / (RAND_MAX + 1.0);
    xf[i] = (float)(sqrt(-2 * log(u)) * cos(2 * M_PI * v));
  }
  M(_quantize_input)(xf, xq);
  bench("int8", run_int8, rounds, min_s);
  bench("float", run_float, rounds, min_s);
  sink = yf[0];
  return 0;
}
