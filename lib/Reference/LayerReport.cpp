//===- LayerReport.cpp - Float vs quantized, layer by layer -----*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Reference/LayerReport.h"

#include "lowbit/Reference/Interpreter.h"
#include "lowbit/Support/FixedPoint.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::lowbit;

namespace {
/// Running sums of one layer.
struct Sums {
  std::string opName;
  double xx = 0, yy = 0, xy = 0, ee = 0, maxAbs = 0;
  int64_t count = 0;
};

StringRef getName(Value value) {
  Operation *op = value.getDefiningOp();
  if (!op || isa<ConstantOp>(op))
    return "";
  if (auto name = dyn_cast<NameLoc>(op->getLoc()))
    return name.getName().getValue();
  return "";
}

/// The float value a quantized layer named like `value`'s op stands for:
/// the fused activation's output when a conv/gemm/matmul has exactly one
/// user and it is a relu or clip.
Value getComparedValue(Value value) {
  Operation *op = value.getDefiningOp();
  if (op && isa<Conv2DOp, GemmOp, MatMulOp>(op) && value.hasOneUse() &&
      isa<ReluOp, ClipOp>(*value.getUsers().begin()))
    return value.getUsers().begin()->getResult(0);
  return value;
}

/// The real values of a tensor: float as is, quantized dequantized.
std::vector<float> toReals(Value value, const StoredTensor &tensor) {
  if (!tensor.reals.empty())
    return tensor.reals;
  auto type = dyn_cast<quant::UniformQuantizedType>(
      cast<RankedTensorType>(value.getType()).getElementType());
  if (!type)
    return {};
  std::vector<float> reals;
  for (int64_t q : tensor.values)
    reals.push_back(::lowbit::dequantize(
        static_cast<int32_t>(q), static_cast<float>(type.getScale()),
        static_cast<int32_t>(type.getZeroPoint())));
  return reals;
}
} // namespace

FailureOr<std::vector<LayerError>>
mlir::lowbit::compareLayers(func::FuncOp floatModel,
                            func::FuncOp quantizedModel,
                            ArrayRef<std::vector<float>> samples) {
  auto inType = cast<RankedTensorType>(floatModel.getArgumentTypes()[0]);
  auto qType = cast<RankedTensorType>(quantizedModel.getArgumentTypes()[0]);
  auto qElement = dyn_cast<quant::UniformQuantizedType>(qType.getElementType());
  llvm::StringMap<Sums> sums;
  std::vector<std::string> order;
  for (const std::vector<float> &sample : samples) {
    // The float run: every named layer's reals, by name.
    llvm::StringMap<std::vector<float>> reference;
    StoredTensor floatInput{SmallVector<int64_t>(inType.getShape()), {},
                            sample};
    auto recordFloat = [&](Value value, const StoredTensor &tensor) {
      StringRef name = getName(value);
      if (name.empty() || tensor.reals.empty())
        return;
      // A fused activation's output is recorded under its producer's name.
      Operation *op = value.getDefiningOp();
      if (isa<ReluOp, ClipOp>(op)) {
        Value producer = op->getOperand(0);
        if (getComparedValue(producer) == value && !getName(producer).empty())
          reference[getName(producer)] = tensor.reals;
      }
      if (!reference.count(name))
        reference[name] = tensor.reals;
    };
    if (failed(interpret(floatModel, floatInput, std::nullopt, recordFloat)))
      return failure();

    StoredTensor quantizedInput{SmallVector<int64_t>(qType.getShape()), {},
                                {}};
    for (float x : sample)
      quantizedInput.values.push_back(
          qElement ? ::lowbit::quantizeReal(
                         x, static_cast<float>(qElement.getScale()),
                         static_cast<int32_t>(qElement.getZeroPoint()),
                         static_cast<int32_t>(qElement.getStorageTypeMin()),
                         static_cast<int32_t>(qElement.getStorageTypeMax()))
                   : 0);
    // Several quantized ops may carry one node's name (an Add's input
    // rescales, a conv's requantize): the last one computes the node's value.
    llvm::MapVector<StringRef, std::pair<Operation *, std::vector<float>>>
        latest;
    auto record = [&](Value value, const StoredTensor &tensor) {
      StringRef name = getName(value);
      if (name.empty() || !reference.count(name))
        return;
      std::vector<float> y = toReals(value, tensor);
      if (!y.empty())
        latest[name] = {value.getDefiningOp(), std::move(y)};
    };
    if (failed(interpret(quantizedModel, quantizedInput, std::nullopt,
                         record)))
      return failure();
    for (auto &[name, producer] : latest) {
      const std::vector<float> &x = reference[name];
      const std::vector<float> &y = producer.second;
      if (y.size() != x.size())
        continue;
      auto [entry, inserted] = sums.try_emplace(name);
      if (inserted) {
        order.push_back(name.str());
        entry->second.opName = producer.first->getName().getStringRef().str();
      }
      Sums &s = entry->second;
      for (size_t i = 0; i < x.size(); ++i) {
        double e = double(x[i]) - double(y[i]);
        s.xx += double(x[i]) * x[i];
        s.yy += double(y[i]) * y[i];
        s.xy += double(x[i]) * y[i];
        s.ee += e * e;
        s.maxAbs = std::max(s.maxAbs, std::fabs(e));
      }
      s.count += x.size();
    }
  }
  std::vector<LayerError> layers;
  for (const std::string &name : order) {
    const Sums &s = sums[name];
    LayerError layer;
    layer.name = name;
    layer.opName = s.opName;
    layer.sqnr = s.ee == 0 ? std::numeric_limits<double>::infinity()
                           : 10.0 * std::log10(s.xx / s.ee);
    layer.cosine = s.xx == 0 && s.yy == 0 ? 1.0
                                          : s.xy / std::sqrt(s.xx * s.yy);
    layer.maxAbsError = s.maxAbs;
    layer.count = s.count;
    layers.push_back(layer);
  }
  std::stable_sort(layers.begin(), layers.end(),
                   [](const LayerError &a, const LayerError &b) {
                     return a.sqnr < b.sqnr;
                   });
  return layers;
}

void mlir::lowbit::writeLayerReport(ArrayRef<LayerError> layers,
                                    StringRef path, llvm::raw_ostream &os) {
  auto finite = [](double v) -> llvm::json::Value {
    if (std::isfinite(v))
      return v;
    return nullptr; // exact: no error
  };
  if (path.ends_with(".json")) {
    llvm::json::Array array;
    for (const LayerError &layer : layers)
      array.push_back(llvm::json::Object{
          {"layer", layer.name},
          {"op", layer.opName},
          {"sqnr_db", finite(layer.sqnr)},
          {"cosine", layer.cosine},
          {"max_abs_error", layer.maxAbsError},
          {"values", layer.count}});
    os << llvm::formatv("{0:2}", llvm::json::Value(std::move(array))) << "\n";
    return;
  }
  os << "layer,op,sqnr_db,cosine,max_abs_error,values\n";
  for (const LayerError &layer : layers)
    os << '"' << layer.name << "\"," << layer.opName << ","
       << (std::isfinite(layer.sqnr) ? llvm::formatv("{0:f2}", layer.sqnr).str()
                                     : std::string("inf"))
       << "," << llvm::formatv("{0:f6}", layer.cosine) << ","
       << llvm::formatv("{0:g}", layer.maxAbsError) << "," << layer.count
       << "\n";
}

void mlir::lowbit::printLayerSummary(ArrayRef<LayerError> layers,
                                     llvm::raw_ostream &os, size_t maxRows) {
  os << "quantization error by layer (float vs int8 reference execution, "
        "worst first):\n";
  os << llvm::formatv("  {0,-40} {1,10} {2,10} {3,12}\n", "layer", "SQNR dB",
                      "cosine", "max |err|");
  for (const LayerError &layer : layers.take_front(maxRows))
    os << llvm::formatv("  {0,-40} {1,10} {2,10:f5} {3,12:g}\n", layer.name,
                        std::isfinite(layer.sqnr)
                            ? llvm::formatv("{0:f2}", layer.sqnr).str()
                            : std::string("exact"),
                        layer.cosine, layer.maxAbsError);
  if (layers.size() > maxRows)
    os << "  ... " << layers.size() - maxRows << " more layers\n";
  if (!layers.empty())
    os << "worst layer: " << layers.front().name << " ("
       << (std::isfinite(layers.front().sqnr)
               ? llvm::formatv("{0:f2} dB", layers.front().sqnr).str()
               : std::string("exact"))
       << ")\n";
}
