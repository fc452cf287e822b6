/* Uses a compiled model only through its generated header, as a user's C
 * program would: checks the header's constants against each other, runs one
 * sample, and prints the stored and real outputs. */
#include <stdio.h>

int main(void) {
  float x[mlp_input_size];
  mlp_input_t q[mlp_input_size];
  mlp_output_t y[mlp_output_size];
  float real[mlp_output_size];
  int64_t elements = 1;
  for (int i = 0; i < mlp_input_rank; ++i)
    elements *= mlp_input_shape[i];
  if (elements != mlp_input_size || mlp_output_shape[1] != mlp_output_size)
    return 10;
  for (int i = 0; i < mlp_input_size; ++i)
    x[i] = (float)(i - 8) * 0.25f;
  mlp_quantize_input(x, q);
  /* The input helper implements q = clamp(round(x / scale) + zero_point). */
  if (q[9] != (mlp_input_t)(5 + mlp_input_zero_point))
    return 11;
  int status = mlp_run(q, y);
  mlp_dequantize_output(y, real);
  printf("status %d\n", status);
  for (int i = 0; i < mlp_output_size; ++i)
    printf("%d %.9g %s\n", (int)y[i], real[i],
           real[i] == mlp_output_scale * (float)(y[i] - mlp_output_zero_point)
               ? "ok" : "BAD");
  return 0;
}
