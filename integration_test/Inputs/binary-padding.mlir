// Weights with a padding bit set (bit 2 of the last word, where K = 66
// leaves 2 bits): the reference interpreter rejects them
// (integration_test/binary-reference.test).
func.func @binary_padding(%x: tensor<1x66xf32>) -> tensor<1x1xi32> {
  %w = lowbit.constant dense<[[1, 4]]> : tensor<1x2xi64> -> tensor<1x2xi64>
  %bits = lowbit.binarize %x {axis = 1 : i64} : tensor<1x66xf32> -> tensor<1x2xi64>
  %acc = lowbit.binary_fully_connected %bits, %w {depth = 66 : i64} : tensor<1x2xi64>, tensor<1x2xi64> -> tensor<1x1xi32>
  return %acc : tensor<1x1xi32>
}
