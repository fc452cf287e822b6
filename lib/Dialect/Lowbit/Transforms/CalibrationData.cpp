//===- CalibrationData.cpp - Reading calibration samples --------*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/Lowbit/Transforms/CalibrationData.h"

#include "lowbit/Support/Npy.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

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

} // namespace

FailureOr<std::vector<std::vector<float>>>
mlir::lowbit::readCalibrationSamples(StringRef path,
                                     ArrayRef<int64_t> sampleShape,
                                     MLIRContext *context) {
  Location pathLoc = FileLineColLoc::get(context, path, 0, 0);
  FailureOr<std::vector<std::string>> files = listDataFiles(path, pathLoc);
  if (failed(files))
    return failure();
  int64_t sampleSize = 1;
  for (int64_t d : sampleShape)
    sampleSize *= d;
  std::vector<std::vector<float>> samples;
  for (const std::string &file : *files) {
    std::string error;
    std::optional<::lowbit::NpyArray> array =
        ::lowbit::readNpyFile(file, error, ::lowbit::NpyDType::Float32);
    Location fileLoc = FileLineColLoc::get(context, file, 0, 0);
    if (!array)
      return emitError(fileLoc) << error;
    const std::vector<int64_t> &shape = array->getShape();
    bool single = llvm::equal(shape, sampleShape);
    bool batch = shape.size() == sampleShape.size() && !shape.empty() &&
                 sampleShape[0] == 1 &&
                 llvm::equal(ArrayRef<int64_t>(shape).drop_front(),
                             sampleShape.drop_front());
    if (!single && !batch)
      return emitError(fileLoc)
             << "calibration data of shape " << ::lowbit::formatNpyShape(shape)
             << " does not fit the model input "
             << ::lowbit::formatNpyShape(
                    std::vector<int64_t>(sampleShape.begin(),
                                         sampleShape.end()))
             << " (one sample, or [N, ...] when the first dimension is 1)";
    int64_t count = array->getNumElements() / sampleSize;
    if (count == 0)
      return emitError(fileLoc) << "the calibration data has no sample";
    std::vector<float> values = array->getFloats();
    for (int64_t s = 0; s < count; ++s)
      samples.emplace_back(values.begin() + s * sampleSize,
                           values.begin() + (s + 1) * sampleSize);
  }
  return samples;
}
