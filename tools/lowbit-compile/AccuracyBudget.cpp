//===- AccuracyBudget.cpp - Per-layer weight bits within a budget ---------===//
//
// Part of the Lowbit project.
//
// Greedy search over the layers' weight bits: the sensitivity of each layer
// is measured directly, as the accuracy of the quantized model (in the
// reference interpreter) with that layer lowered and the others as chosen
// so far. A layer's weight count decides the order: the largest layers save
// the most bytes.
//
//===----------------------------------------------------------------------===//

#include "AccuracyBudget.h"

#include "lowbit/Dialect/Lowbit/IR/LowbitOps.h"
#include "lowbit/Reference/Interpreter.h"
#include "lowbit/Support/FixedPoint.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::lowbit;

namespace {
struct Layer {
  std::string name;
  int64_t weights;
  int bits = 8;
};

func::FuncOp findModel(ModuleOp module) {
  for (auto function : module.getOps<func::FuncOp>())
    if (!function.isPrivate() && !function.isExternal())
      return function;
  return {};
}

/// Index of the largest value of each row of `tensor` [N, classes] (stored
/// values of a quantized result, whose order is that of the reals, or
/// floats).
int64_t argmax(const StoredTensor &tensor) {
  if (!tensor.reals.empty())
    return std::max_element(tensor.reals.begin(), tensor.reals.end()) -
           tensor.reals.begin();
  return std::max_element(tensor.values.begin(), tensor.values.end()) -
         tensor.values.begin();
}

/// Top-1 accuracy in percent of `model` on the samples; a quantized model
/// gets its input quantized per section 6 of docs/IntegerSemantics.md.
FailureOr<double> measureAccuracy(func::FuncOp model,
                                  const LabelledSamples &samples) {
  auto inType = cast<RankedTensorType>(model.getArgumentTypes()[0]);
  auto quant = dyn_cast<quant::UniformQuantizedType>(inType.getElementType());
  int64_t correct = 0;
  for (size_t i = 0; i < samples.inputs.size(); ++i) {
    StoredTensor input{SmallVector<int64_t>(inType.getShape()), {}, {}};
    if (quant) {
      for (float x : samples.inputs[i])
        input.values.push_back(::lowbit::quantizeReal(
            x, static_cast<float>(quant.getScale()),
            static_cast<int32_t>(quant.getZeroPoint()),
            static_cast<int32_t>(quant.getStorageTypeMin()),
            static_cast<int32_t>(quant.getStorageTypeMax())));
    } else {
      input.reals = samples.inputs[i];
    }
    FailureOr<StoredTensor> output = interpret(model, input, std::nullopt);
    if (failed(output))
      return failure();
    correct += argmax(*output) == samples.labels[i];
  }
  return 100.0 * double(correct) / double(samples.inputs.size());
}
} // namespace

FailureOr<std::vector<std::string>>
mlir::lowbit::chooseLayerBits(ModuleOp floatModule, PipelineOptions options,
                              const LabelledSamples &samples,
                              double budgetPoints, llvm::raw_ostream &log) {
  func::FuncOp floatModel = findModel(floatModule);
  if (!floatModel || floatModel.getNumArguments() != 1 ||
      floatModel.getNumResults() != 1) {
    llvm::errs() << "error: --accuracy-budget needs a model of one input and "
                    "one output\n";
    return failure();
  }
  std::vector<Layer> layers;
  floatModel.walk([&](Operation *op) {
    if (!isa<Conv2DOp, GemmOp, MatMulOp>(op))
      return;
    auto name = dyn_cast<NameLoc>(op->getLoc());
    if (!name)
      return;
    layers.push_back(
        {name.getName().str(),
         cast<ShapedType>(op->getOperand(1).getType()).getNumElements()});
  });
  std::stable_sort(layers.begin(), layers.end(),
                   [](const Layer &a, const Layer &b) {
                     return a.weights > b.weights;
                   });

  FailureOr<double> floatAccuracy = measureAccuracy(floatModel, samples);
  if (failed(floatAccuracy))
    return failure();

  // Calibrate once; every trial loads the ranges.
  SmallString<128> ranges;
  if (auto ec = llvm::sys::fs::createTemporaryFile("lowbit-ranges", "json",
                                                   ranges)) {
    llvm::errs() << "error: cannot create a temporary file: " << ec.message()
                 << "\n";
    return failure();
  }
  llvm::FileRemover removeRanges(ranges);
  auto plan = [&]() {
    std::vector<std::string> entries;
    for (const Layer &layer : layers)
      if (layer.bits != 8)
        entries.push_back(layer.name + ":" + std::to_string(layer.bits));
    return entries;
  };
  bool calibrated = false;
  auto trial = [&]() -> FailureOr<double> {
    PipelineOptions trialOptions = options;
    trialOptions.layerBits = plan();
    if (calibrated) {
      trialOptions.calibrationData.clear();
      trialOptions.loadCalibration = ranges.str().str();
    } else {
      trialOptions.saveCalibration = ranges.str().str();
    }
    OwningOpRef<ModuleOp> module = floatModule.clone();
    PassManager pm(floatModule.getContext());
    if (failed(buildPhase(pm, Phase::Quantize, trialOptions)) ||
        failed(pm.run(*module)))
      return failure();
    calibrated = true;
    return measureAccuracy(findModel(*module), samples);
  };

  FailureOr<double> accuracy = trial();
  if (failed(accuracy))
    return failure();
  log << llvm::formatv("accuracy budget: {0:F2} points below float "
                       "{1:F2} % on {2} samples (all 8-bit: {3:F2} %)\n",
                       budgetPoints, *floatAccuracy, samples.inputs.size(),
                       *accuracy);
  auto withinBudget = [&](double value) {
    return *floatAccuracy - value <= budgetPoints;
  };
  for (Layer &layer : layers) {
    for (int bits : {2, 4}) {
      layer.bits = bits;
      FailureOr<double> lowered = trial();
      if (failed(lowered))
        return failure();
      log << llvm::formatv("  try {0,-32} {1} bits: {2:F2} %\n", layer.name,
                           bits, *lowered);
      if (withinBudget(*lowered)) {
        accuracy = lowered;
        break;
      }
      layer.bits = 8;
    }
  }
  int64_t int8Bytes = 0, planBits = 0;
  log << "plan:\n";
  for (const Layer &layer : layers) {
    log << llvm::formatv("  {0,-32} {1,8} weights {2} bits\n", layer.name,
                         layer.weights, layer.bits);
    int8Bytes += layer.weights;
    planBits += layer.weights * layer.bits;
  }
  log << llvm::formatv("weights: {0} bytes at these bits, {1} bytes in int8 "
                       "({2:F3}); accuracy {3:F2} % (float {4:F2} %)\n",
                       (planBits + 7) / 8, int8Bytes,
                       int8Bytes ? double(planBits) / 8 / int8Bytes : 0.0,
                       *accuracy, *floatAccuracy);
  return plan();
}
