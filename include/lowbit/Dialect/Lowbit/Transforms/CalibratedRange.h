//===- CalibratedRange.h - Ranges recorded by calibration -------*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// Calibration records the real range [min, max] of every float tensor in the
// IR, as `lowbit.range = array<f64: min, max>` on the op defining it (its
// first result) or in the argument attributes of the function, so that it can
// be printed, tested with FileCheck, saved and loaded. The quantizer reads it.
// A pre-quantized (QDQ) model records the quantized type itself.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_DIALECT_LOWBIT_TRANSFORMS_CALIBRATEDRANGE_H
#define LOWBIT_DIALECT_LOWBIT_TRANSFORMS_CALIBRATEDRANGE_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Value.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::func {
class FuncOp;
} // namespace mlir::func
#include <optional>

namespace mlir::lowbit {

/// The attribute name: `lowbit.range`.
StringRef getCalibratedRangeAttrName();

struct CalibratedRange {
  double min;
  double max;
};

/// The range recorded for `value`, if any.
std::optional<CalibratedRange> getCalibratedRange(Value value);

/// Records `range` for `value` (an op's first result or a function
/// argument).
void setCalibratedRange(Value value, CalibratedRange range);

/// Calibration files: a JSON object mapping each op's name (its NameLoc, the
/// ONNX node name) or "argument N" to [min, max]. `writeCalibration` saves
/// every range of `function`; `readCalibration` attaches the ranges of a
/// file to the values of `function` with those names and fails (with an
/// error naming the file) on a malformed file or an unknown name.
void writeCalibration(func::FuncOp function, llvm::raw_ostream &os);
LogicalResult readCalibration(func::FuncOp function, StringRef json,
                              StringRef fileName);

/// A pre-quantized model (QDQ) fixes the quantized type of some values
/// instead: `lowbit.quant_type = <type>` (a TypeAttr) in the same places.
/// The quantizer uses it in preference to a range.
StringRef getQuantizedTypeAttrName();
quant::QuantizedType getQuantizedTypeAnnotation(Value value);
void setQuantizedTypeAnnotation(Value value, quant::QuantizedType type);

} // namespace mlir::lowbit

#endif // LOWBIT_DIALECT_LOWBIT_TRANSFORMS_CALIBRATEDRANGE_H
