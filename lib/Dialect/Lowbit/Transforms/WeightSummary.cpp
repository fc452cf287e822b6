//===- WeightSummary.cpp - Stored weight sizes per layer --------*- C++ -*-===//

#include "lowbit/Dialect/Lowbit/Transforms/WeightSummary.h"
#include "lowbit/Dialect/Lowbit/IR/LowbitOps.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::lowbit;

/// The name of a layer: the innermost name of its location, else the
/// location as text.
static std::string getLayerName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (isa<NameLoc>(inner))
        return getLayerName(inner);
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return llvm::formatv("line {0}", file.getLine()).str();
  std::string text;
  llvm::raw_string_ostream os(text);
  loc.print(os);
  return text;
}

/// "4x2x64xi8" for tensor<4x2x64xi8>.
static std::string getShapeName(ShapedType type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  for (int64_t size : type.getShape())
    os << size << "x";
  os << type.getElementType();
  return text;
}

/// The stored form of the weight tensor `weight` [rows, ...].
static LayerWeights describeWeight(Operation *layer, StringRef op,
                                   Value weight) {
  LayerWeights result;
  result.layer = getLayerName(layer->getLoc());
  result.op = op.str();
  auto type = cast<ShapedType>(weight.getType());
  result.weights = type.getNumElements();
  if (auto coded = weight.getDefiningOp<CodedConstantOp>()) {
    auto codes = cast<ShapedType>(coded.getCodes().getType());
    result.codeBits = coded.getBits();
    result.storedBytes = codes.getNumElements();
    result.storedShape = getShapeName(codes);
    result.tableEntries = coded.getTable().size();
    return result;
  }
  result.storedBytes = result.weights;
  result.storedShape =
      getShapeName(type.clone(cast<quant::QuantizedType>(type.getElementType())
                                  .getStorageType()));
  return result;
}

/// The weights of a packed kernel op with `weights` weights, as stored.
template <typename PackedOp>
static LayerWeights describePacked(PackedOp packed, StringRef opName,
                                   int64_t weights) {
  LayerWeights layer;
  layer.layer = getLayerName(packed->getLoc());
  layer.op = opName.str();
  layer.weights = weights;
  layer.codeBits = packed.getWeightBits();
  auto type = packed.getPackedWeight().getType();
  layer.storedBytes = type.getNumElements();
  layer.storedShape = getShapeName(type);
  if (std::optional<ArrayRef<int8_t>> table = packed.getCodeTable())
    layer.tableEntries = table->size();
  return layer;
}

std::vector<LayerWeights> mlir::lowbit::collectLayerWeights(ModuleOp module) {
  std::vector<LayerWeights> layers;
  module.walk([&](Operation *op) {
    if (auto fc = dyn_cast<FullyConnectedOp>(op)) {
      layers.push_back(describeWeight(op, "fully_connected", fc.getWeight()));
    } else if (auto conv = dyn_cast<Conv2DOp>(op)) {
      if (isa<quant::QuantizedType>(conv.getWeight().getType().getElementType()))
        layers.push_back(describeWeight(op, "conv2d", conv.getWeight()));
    } else if (isa<BinaryConv2DOp, BinaryFullyConnectedOp>(op)) {
      // Signs packed 64 per i64 word along the input channels / depth.
      auto weight = cast<ShapedType>(op->getOperand(1).getType());
      int64_t depth =
          cast<IntegerAttr>(op->getAttr(isa<BinaryConv2DOp>(op) ? "channels"
                                                                : "depth"))
              .getInt();
      LayerWeights layer;
      layer.layer = getLayerName(op->getLoc());
      layer.op = isa<BinaryConv2DOp>(op) ? "binary_conv2d"
                                          : "binary_fully_connected";
      layer.weights = weight.getNumElements() / weight.getShape().back() *
                      depth;
      layer.codeBits = 1;
      layer.storedBytes = weight.getNumElements() * 8;
      layer.storedShape = getShapeName(weight);
      layers.push_back(layer);
    } else if (auto depthwise = dyn_cast<PackedDepthwiseConv2DOp>(op)) {
      // Coded weights were decoded: one int8 per weight.
      LayerWeights layer;
      layer.layer = getLayerName(op->getLoc());
      layer.op = "packed_depthwise_conv2d";
      auto type = depthwise.getWeight().getType();
      layer.weights = type.getNumElements();
      layer.codeBits = 8;
      layer.storedBytes = type.getNumElements();
      layer.storedShape = getShapeName(type);
      layers.push_back(layer);
    } else if (auto packed = dyn_cast<PackedFullyConnectedOp>(op)) {
      layers.push_back(describePacked(
          packed, "packed_fully_connected",
          packed.getInput().getType().getDimSize(1) *
              packed.getOutput().getType().getDimSize(1)));
    } else if (auto packed = dyn_cast<PackedConv2DOp>(op)) {
      // F * C * KH * KW weights (the padded channels are not weights).
      ArrayRef<int64_t> kernel = packed.getKernel();
      layers.push_back(describePacked(
          packed, "packed_conv2d",
          packed.getOutputChannels() * packed.getInputChannels() *
              kernel[0] * kernel[1]));
    }
  });
  return layers;
}

void mlir::lowbit::printWeightSummary(ArrayRef<LayerWeights> layers,
                                      llvm::raw_ostream &os) {
  auto bitsPerWeight = [](int64_t bytes, int64_t weights) {
    return weights ? 8.0 * bytes / weights : 0.0;
  };
  const char *row = "{0,-24} {1,-22} {2,10} {3,5} {4,12:F2} {5,12} {6,12} "
                    "{7}\n";
  os << llvm::formatv("{0,-24} {1,-22} {2,10} {3,5} {4,12} {5,12} {6,12} "
                      "{7}\n",
                      "layer", "op", "weights", "code", "bits/weight",
                      "bytes", "int8 bytes", "stored as");
  int64_t weights = 0, bytes = 0;
  for (const LayerWeights &layer : layers) {
    std::string stored = layer.storedShape;
    if (layer.tableEntries)
      stored += llvm::formatv(" + table of {0}", layer.tableEntries).str();
    os << llvm::formatv(row, layer.layer, layer.op, layer.weights,
                        layer.codeBits == 8
                            ? std::string("int8")
                            : llvm::formatv("{0}-bit", layer.codeBits).str(),
                        bitsPerWeight(layer.storedBytes, layer.weights),
                        layer.storedBytes, layer.weights, stored);
    weights += layer.weights;
    bytes += layer.storedBytes;
  }
  os << llvm::formatv(row, "total", "", weights, "",
                      bitsPerWeight(bytes, weights), bytes, weights, "");
}
