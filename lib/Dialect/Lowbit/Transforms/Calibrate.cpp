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

/// The .npy files of `path`: the file itself, or the .npy files of a folder
/// in name order.
FailureOr<std::vector<std::string>> listDataFiles(StringRef path,
                                                  Location loc) {
  if (!llvm::sys::fs::is_directory(path))
    return std::vector<std::string>{path.str()};
  std::vector<std::string> files;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(path, ec), end; it != end && !ec;
       it.increment(ec))
    if (llvm::sys::path::extension(it->path()) == ".npy")
      files.push_back(it->path());
  if (ec)
    return emitError(loc) << path << ": " << ec.message();
  if (files.empty())
    return emitError(loc) << path << ": the folder has no .npy file";
  llvm::sort(files);
  return files;
}

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

    FailureOr<std::vector<std::string>> files = listDataFiles(data, dataLoc);
    if (failed(files))
      return failure();
    SmallVector<int64_t> sampleShape(argType.getShape());
    int64_t sampleSize = argType.getNumElements();

    // Read every file's header first: the shapes, and the sample count for
    // the progress bar.
    std::vector<::lowbit::NpyArray> arrays;
    int64_t totalSamples = 0;
    for (const std::string &file : *files) {
      std::string error;
      std::optional<::lowbit::NpyArray> array =
          ::lowbit::readNpyFile(file, error, ::lowbit::NpyDType::Float32);
      Location fileLoc = FileLineColLoc::get(&getContext(), file, 0, 0);
      if (!array)
        return emitError(fileLoc) << error;
      const std::vector<int64_t> &shape = array->getShape();
      bool single = llvm::equal(shape, sampleShape);
      bool batch = shape.size() == sampleShape.size() && !shape.empty() &&
                   sampleShape[0] == 1 &&
                   llvm::equal(ArrayRef<int64_t>(shape).drop_front(),
                               ArrayRef<int64_t>(sampleShape).drop_front());
      if (!single && !batch)
        return emitError(fileLoc)
               << "calibration data of shape "
               << ::lowbit::formatNpyShape(shape)
               << " does not fit the model input "
               << ::lowbit::formatNpyShape(
                      std::vector<int64_t>(sampleShape.begin(),
                                           sampleShape.end()))
               << " (one sample, or [N, ...] when the first dimension is 1)";
      int64_t samples = array->getNumElements() / sampleSize;
      if (samples == 0)
        return emitError(fileLoc) << "the calibration data has no sample";
      totalSamples += samples;
      arrays.push_back(std::move(*array));
    }

    llvm::DenseMap<Value, ::lowbit::RangeObserver> observers;
    ProgressBar progress(totalSamples);
    int64_t done = 0;
    for (auto [file, array] : llvm::zip(*files, arrays)) {
      std::vector<float> values = array.getFloats();
      int64_t samples = array.getNumElements() / sampleSize;
      for (int64_t s = 0; s < samples; ++s) {
        ArrayRef<float> sample(values.data() + s * sampleSize, sampleSize);
        std::string failedValue;
        StoredTensor input{sampleShape, {}, {}};
        input.reals.assign(sample.begin(), sample.end());
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
          return emitError(FileLineColLoc::get(&getContext(), file, 0, 0))
                 << "sample " << s << ": " << failedValue;
        progress.update(++done);
      }
    }
    for (auto &[value, observer] : observers) {
      ::lowbit::Range range = observer.finalize();
      setCalibratedRange(value, CalibratedRange{range.min, range.max});
    }
    return success();
  }
};
} // namespace
