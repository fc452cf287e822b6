//===- Calibrate.cpp - Range statistics of the float model ------*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// Streams the calibration samples through the reference interpreter, one at
// a time, and keeps one bounded-memory RangeObserver per float value.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/Lowbit/Transforms/CalibratedRange.h"
#include "lowbit/Dialect/Lowbit/Transforms/CalibrationData.h"
#include "lowbit/Dialect/Lowbit/Transforms/ModelInterface.h"
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h"
#include "lowbit/Reference/Interpreter.h"
#include "lowbit/Support/Calibration.h"
#include "lowbit/Support/Npy.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/ToolOutputFile.h"
#include "mlir/Support/FileUtilities.h"

#include <algorithm>

namespace mlir::lowbit {
#define GEN_PASS_DEF_LOWBITCALIBRATE
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h.inc"
} // namespace mlir::lowbit

using namespace mlir;
using namespace mlir::lowbit;

namespace {

/// A progress bar on stderr when it is a terminal; silent otherwise.
class ProgressBar {
public:
  ProgressBar(int64_t total)
      : total(total), enabled(llvm::sys::Process::StandardErrIsDisplayed()) {}
  void update(int64_t done) {
    if (!enabled || total <= 0)
      return;
    int percent = static_cast<int>(100 * done / total);
    if (percent == lastPercent)
      return;
    lastPercent = percent;
    int filled = percent / 5;
    llvm::errs() << "\rcalibrating [" << std::string(filled, '#')
                 << std::string(20 - filled, ' ') << "] " << done << "/"
                 << total;
    if (done == total)
      llvm::errs() << "\n";
  }

private:
  int64_t total;
  bool enabled;
  int lastPercent = -1;
};

struct CalibratePass
    : public mlir::lowbit::impl::LowbitCalibrateBase<CalibratePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    func::FuncOp model = findModelFunction(module);
    if (!model)
      return signalPassFailure();
    if (!load.empty()) {
      std::string error;
      auto file = openInputFile(load, &error);
      if (!file) {
        emitError(FileLineColLoc::get(&getContext(), load, 0, 0)) << error;
        return signalPassFailure();
      }
      if (failed(readCalibration(model, file->getBuffer(), load)))
        return signalPassFailure();
    } else if (failed(calibrate(model))) {
      return signalPassFailure();
    }
    if (!save.empty()) {
      std::string error;
      auto output = openOutputFile(save, &error);
      if (!output) {
        emitError(FileLineColLoc::get(&getContext(), save, 0, 0)) << error;
        return signalPassFailure();
      }
      writeCalibration(model, output->os());
      output->keep();
    }
  }

  /// The public function with a body.
  func::FuncOp findModelFunction(ModuleOp module) {
    func::FuncOp found;
    for (auto function : module.getOps<func::FuncOp>()) {
      if (function.isPrivate() || function.isExternal())
        continue;
      if (found) {
        module.emitError("calibration needs exactly one public model "
                         "function, found '")
            << found.getName() << "' and '" << function.getName() << "'";
        return {};
      }
      found = function;
    }
    if (!found)
      module.emitError("calibration found no public model function");
    return found;
  }

  LogicalResult calibrate(func::FuncOp model) {
    Location dataLoc = FileLineColLoc::get(&getContext(), data, 0, 0);
    if (data.empty())
      return emitError(dataLoc) << "calibration needs data or a file to load";
    if (model.getNumArguments() != 1)
      return model.emitError("calibration supports models with one input, "
                             "this one has ")
             << model.getNumArguments();
    auto argType = dyn_cast<RankedTensorType>(model.getArgumentTypes()[0]);
    if (!argType || !argType.getElementType().isF32() ||
        !argType.hasStaticShape())
      return model.emitError("calibration needs a static float32 input, got ")
             << model.getArgumentTypes()[0];
    std::optional<::lowbit::CalibrationMethod> parsedMethod =
        ::lowbit::parseCalibrationMethod(method);
    if (!parsedMethod)
      return emitError(dataLoc)
             << "unknown calibration method '" << method
             << "' (minmax, ema, percentile, entropy, mse)";
    ::lowbit::ObserverOptions observerOptions;
    observerOptions.method = *parsedMethod;
    observerOptions.percentile = percentile;
    if (std::optional<std::string> bad =
            ::lowbit::checkObserverOptions(observerOptions))
      return emitError(dataLoc) << *bad;

    SmallVector<int64_t> sampleShape(argType.getShape());
    FailureOr<std::vector<std::vector<float>>> samples =
        readCalibrationSamples(data, sampleShape, &getContext());
    if (failed(samples))
      return failure();

    llvm::DenseMap<Value, ::lowbit::RangeObserver> observers;
    ProgressBar progress(samples->size());
    int64_t done = 0;
    for (auto [index, sample] : llvm::enumerate(*samples)) {
      std::string failedValue;
      StoredTensor input{sampleShape, {}, sample};
      auto observe = [&](Value value, const StoredTensor &tensor) {
        // Every float value but the constants (weights are quantized from
        // their own values).
        if (tensor.reals.empty() || value.getDefiningOp<ConstantOp>())
          return;
        auto [it, inserted] = observers.try_emplace(
            value, ::lowbit::RangeObserver(observerOptions));
        if (std::optional<std::string> bad = it->second.observe(
                tensor.reals.data(), tensor.reals.size());
            bad && failedValue.empty())
          failedValue = *bad;
      };
      if (failed(interpret(model, input, std::nullopt, observe)))
        return failure();
      if (!failedValue.empty())
        return emitError(dataLoc) << "sample " << index << ": " << failedValue;
      progress.update(++done);
    }
    for (auto &[value, observer] : observers) {
      ::lowbit::Range range = observer.finalize();
      setCalibratedRange(value, CalibratedRange{range.min, range.max});
    }
    return success();
  }
};
} // namespace
