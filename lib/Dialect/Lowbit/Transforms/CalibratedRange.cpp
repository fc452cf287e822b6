//===- CalibratedRange.cpp - Ranges recorded by calibration -----*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/Lowbit/Transforms/CalibratedRange.h"
#include "lowbit/Dialect/Lowbit/IR/LowbitOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/FormatVariadic.h"
#include "mlir/IR/Builders.h"
#include "llvm/Support/JSON.h"

using namespace mlir;
using namespace mlir::lowbit;

StringRef mlir::lowbit::getCalibratedRangeAttrName() { return "lowbit.range"; }

/// The attribute `name` recorded for `value`: on its defining op, or in the
/// argument attributes of its function.
template <typename AttrTy> static AttrTy getValueAttr(Value value, StringRef name) {
  if (auto argument = dyn_cast<BlockArgument>(value)) {
    auto function =
        dyn_cast<func::FuncOp>(argument.getOwner()->getParentOp());
    if (!function)
      return {};
    return function.getArgAttrOfType<AttrTy>(argument.getArgNumber(), name);
  }
  return value.getDefiningOp()->getAttrOfType<AttrTy>(name);
}

static void setValueAttr(Value value, StringRef name, Attribute attr) {
  if (auto argument = dyn_cast<BlockArgument>(value)) {
    cast<func::FuncOp>(argument.getOwner()->getParentOp())
        .setArgAttr(argument.getArgNumber(), name, attr);
    return;
  }
  value.getDefiningOp()->setAttr(name, attr);
}

std::optional<CalibratedRange> mlir::lowbit::getCalibratedRange(Value value) {
  auto attr =
      getValueAttr<DenseF64ArrayAttr>(value, getCalibratedRangeAttrName());
  if (!attr || attr.size() != 2)
    return std::nullopt;
  return CalibratedRange{attr[0], attr[1]};
}

void mlir::lowbit::setCalibratedRange(Value value, CalibratedRange range) {
  Builder builder(value.getContext());
  setValueAttr(value, getCalibratedRangeAttrName(),
               builder.getDenseF64ArrayAttr({range.min, range.max}));
}

StringRef mlir::lowbit::getQuantizedTypeAttrName() {
  return "lowbit.quant_type";
}

quant::QuantizedType mlir::lowbit::getQuantizedTypeAnnotation(Value value) {
  auto attr = getValueAttr<TypeAttr>(value, getQuantizedTypeAttrName());
  return attr ? dyn_cast<quant::QuantizedType>(attr.getValue())
              : quant::QuantizedType();
}

void mlir::lowbit::setQuantizedTypeAnnotation(Value value,
                                              quant::QuantizedType type) {
  setValueAttr(value, getQuantizedTypeAttrName(), TypeAttr::get(type));
}

/// The key of `value` in a calibration file, or "" if it has none.
static std::string getCalibrationKey(Value value) {
  if (auto argument = dyn_cast<BlockArgument>(value))
    return "argument " + std::to_string(argument.getArgNumber());
  if (auto name = dyn_cast<NameLoc>(value.getDefiningOp()->getLoc()))
    return name.getName().str();
  return "";
}

/// Every value of `function` a range can be recorded for.
static SmallVector<Value> getCalibratedValues(func::FuncOp function) {
  SmallVector<Value> values(function.getArguments());
  function.walk([&](Operation *op) {
    if (op->getNumResults() == 1 && !isa<ConstantOp>(op))
      values.push_back(op->getResult(0));
  });
  return values;
}

void mlir::lowbit::writeCalibration(func::FuncOp function,
                                    llvm::raw_ostream &os) {
  llvm::json::Object object;
  for (Value value : getCalibratedValues(function)) {
    std::optional<CalibratedRange> range = getCalibratedRange(value);
    std::string key = getCalibrationKey(value);
    if (range && !key.empty())
      object[key] = llvm::json::Array{range->min, range->max};
  }
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(object))) << "\n";
}

LogicalResult mlir::lowbit::readCalibration(func::FuncOp function,
                                            StringRef json,
                                            StringRef fileName) {
  auto fail = [&](const Twine &message) {
    return emitError(FileLineColLoc::get(function.getContext(), fileName, 0,
                                         0))
           << message;
  };
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(json);
  if (!parsed)
    return fail("not a calibration file: " +
                llvm::toString(parsed.takeError()));
  const llvm::json::Object *object = parsed->getAsObject();
  if (!object)
    return fail("not a calibration file: expected a JSON object");
  llvm::StringMap<Value> byKey;
  for (Value value : getCalibratedValues(function)) {
    std::string key = getCalibrationKey(value);
    if (!key.empty())
      byKey[key] = value;
  }
  for (const auto &[key, entry] : *object) {
    auto it = byKey.find(key.str());
    if (it == byKey.end())
      return fail("the model has no value named '" + key.str() + "'");
    const llvm::json::Array *pair = entry.getAsArray();
    std::optional<double> lo, hi;
    if (pair && pair->size() == 2) {
      lo = (*pair)[0].getAsNumber();
      hi = (*pair)[1].getAsNumber();
    }
    if (!lo || !hi || !(*lo <= *hi))
      return fail("the range of '" + key.str() +
                  "' must be [min, max] with min <= max");
    setCalibratedRange(it->second, CalibratedRange{*lo, *hi});
  }
  return success();
}
