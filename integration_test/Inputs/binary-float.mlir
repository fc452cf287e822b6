// A float32 input binarized (x < 0 gives bit 1) and a binary
// fully-connected layer on it (integration_test/binary-reference.test).
func.func @binary_float(%x: tensor<1x66xf32>) -> tensor<1x1xi32> {
  %w = lowbit.constant dense<[[1, 0]]> : tensor<1x2xi64> -> tensor<1x2xi64>
  %bits = lowbit.binarize %x {axis = 1 : i64} : tensor<1x66xf32> -> tensor<1x2xi64>
  %acc = lowbit.binary_fully_connected %bits, %w {depth = 66 : i64} : tensor<1x2xi64>, tensor<1x2xi64> -> tensor<1x1xi32>
  return %acc : tensor<1x1xi32>
}
