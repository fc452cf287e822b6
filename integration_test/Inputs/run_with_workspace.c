/* Runs a compiled model (MODEL, its header force-included) through both
 * entry points on the same input: <name>_run with its static workspace and
 * <name>_run_with_workspace with a caller's workspace filled with garbage
 * first, twice with different garbage. Prints the header's workspace size
 * and whether every output byte agrees. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define M(suffix) CAT(MODEL, suffix)

static M(_input_t) input[M(_input_size)];
static M(_output_t) expected[M(_output_size)], actual[M(_output_size)];

int main(void) {
  size_t bytes = M(_WORKSPACE_BYTES);
  printf("workspace %zu\n", bytes);
  unsigned seed = 12345;
  for (int i = 0; i < M(_input_size); ++i) {
    seed = seed * 1103515245u + 12345u;
    input[i] = (M(_input_t))(seed >> 16);
  }
  if (M(_run)(input, expected) != 0)
    return 10;
  /* 64-byte aligned, as the header asks; at least one byte. */
  size_t rounded = (bytes + 63) / 64 * 64 + 64;
  unsigned char *workspace = aligned_alloc(64, rounded);
  if (!workspace)
    return 11;
  int mismatches = 0;
  for (int garbage = 0xa5; garbage <= 0xff; garbage += 0x5a) {
    memset(workspace, garbage, rounded);
    memset(actual, 0, sizeof actual);
    if (M(_run_with_workspace)(input, actual, workspace) != 0)
      return 12;
    mismatches += memcmp(expected, actual, sizeof actual) != 0;
  }
  free(workspace);
  printf("%s\n", mismatches ? "MISMATCH" : "same outputs");
  return mismatches;
}
