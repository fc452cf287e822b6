//===- RequantizeArith.cpp - Requantization as integer arith ----*- C++ -*-===//
//
// The formulas are those of docs/IntegerSemantics.md; the scalar reference
// is lowbit/Support/FixedPoint.h. Every op here is an integer op, so the
// requantization never executes floating point.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Conversion/LowbitToLinalg/RequantizeArith.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::lowbit;

namespace {
/// Emits integer arith on scalars or vectors of one element type.
class IntegerArith {
public:
  IntegerArith(OpBuilder &b, Location loc, Type type)
      : b(b), loc(loc), type(type) {}

  Value constant(int64_t value) {
    return createScalarOrSplatConstant(b, loc, type, value);
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value ashr(Value x, Value y) { return arith::ShRSIOp::create(b, loc, x, y); }
  Value lshr(Value x, Value y) { return arith::ShRUIOp::create(b, loc, x, y); }
  Value bitAnd(Value x, Value y) {
    return arith::AndIOp::create(b, loc, x, y);
  }
  Value max(Value x, Value y) { return arith::MaxSIOp::create(b, loc, x, y); }
  Value min(Value x, Value y) { return arith::MinSIOp::create(b, loc, x, y); }
  Value divTowardZero(Value x, Value y) {
    return arith::DivSIOp::create(b, loc, x, y);
  }
  Value select(Value c, Value x, Value y) {
    return arith::SelectOp::create(b, loc, c, x, y);
  }
  Value cmp(arith::CmpIPredicate predicate, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, predicate, x, y);
  }
  Value clamp(Value x, int64_t lo, int64_t hi) {
    return min(max(x, constant(lo)), constant(hi));
  }
  /// 1 where `condition` holds, else 0.
  Value oneIf(Value condition) {
    return arith::ExtUIOp::create(b, loc, type, condition);
  }

  OpBuilder &b;
  Location loc;
  Type type;
};

/// Replaces the element type of `type` (scalar or vector) by `element`.
Type withElementType(Type type, Type element) {
  if (auto vector = dyn_cast<VectorType>(type))
    return vector.clone(element);
  return element;
}
} // namespace

static Value param(const RequantizeOperands &ops, RequantizeParam p) {
  Value value = ops.params[static_cast<unsigned>(p)];
  assert(value && "requantize parameter not provided");
  return value;
}

/// Single rounding, i64: (x * M0 + 2^(n-1)) >> n.
static Value buildSingleRoundI64(IntegerArith &i32, IntegerArith &i64,
                                 const RequantizeOperands &ops) {
  OpBuilder &b = i32.b;
  Location loc = i32.loc;
  Value x = arith::ExtSIOp::create(b, loc, i64.type, ops.accumulator);
  Value m = param(ops, RequantizeParam::Multiplier);
  Value n = param(ops, RequantizeParam::Shift);
  Value product = i64.mul(x, arith::ExtSIOp::create(b, loc, i64.type, m));
  Value y = i64.ashr(
      i64.add(product, param(ops, RequantizeParam::RoundingAddend)),
      arith::ExtSIOp::create(b, loc, i64.type, n));
  y = i64.clamp(i64.add(y, i64.constant(ops.outputZeroPoint)), ops.clampMin,
                ops.clampMax);
  return arith::TruncIOp::create(b, loc, i32.type, y);
}

/// The low and high halves of the 64-bit products x * y of the lanes of two
/// vector<2N x i32>, as two vector<N x i64> multiplies of the even and of
/// the odd lanes, each sign-extended within its 64-bit pair (x86 selects
/// vpmuldq for both), the halves then picked from the two products:
/// lane 2i from the even product i, lane 2i + 1 from the odd one.
static std::pair<Value, Value> buildEvenOddProducts(OpBuilder &b,
                                                    Location loc, Value x,
                                                    Value y) {
  auto type = cast<VectorType>(x.getType());
  int64_t lanes = type.getNumElements();
  auto pairs = VectorType::get({lanes / 2}, b.getI64Type());
  Value c32 = createScalarOrSplatConstant(b, loc, pairs, 32);
  auto evenLanes = [&](Value v) -> Value {
    Value pair = vector::BitCastOp::create(b, loc, pairs, v);
    return arith::ShRSIOp::create(
        b, loc, arith::ShLIOp::create(b, loc, pair, c32), c32);
  };
  auto oddLanes = [&](Value v) -> Value {
    return arith::ShRSIOp::create(
        b, loc, vector::BitCastOp::create(b, loc, pairs, v), c32);
  };
  // x86 is little endian: element 2i of a product as vector<2N x i32> is the
  // low half of product i, element 2i + 1 its high half.
  Value even = vector::BitCastOp::create(
      b, loc, type,
      arith::MulIOp::create(b, loc, evenLanes(x), evenLanes(y)));
  Value odd = vector::BitCastOp::create(
      b, loc, type, arith::MulIOp::create(b, loc, oddLanes(x), oddLanes(y)));
  SmallVector<int64_t> low, high;
  for (int64_t i = 0; i < lanes; i += 2) {
    low.append({i, lanes + i});
    high.append({i + 1, lanes + i + 1});
  }
  return {vector::ShuffleOp::create(b, loc, even, odd, low),
          vector::ShuffleOp::create(b, loc, even, odd, high)};
}

/// Single rounding, i32 only, for n >= 32. With the product split into
/// hi * 2^32 + lo (lo unsigned) and r = n - 32:
///   r = 0:  hi + (lo >> 31)          (the carry of lo + 2^31)
///   r > 0:  (hi + 2^(r-1)) >> r      (lo cannot change the floor)
/// |hi| <= 2^30, so nothing here overflows.
static Value buildSingleRoundI32(IntegerArith &i32,
                                 const RequantizeOperands &ops) {
  OpBuilder &b = i32.b;
  Value x = ops.accumulator, m = param(ops, RequantizeParam::Multiplier);
  auto vector = dyn_cast<VectorType>(x.getType());
  Value low, high;
  if (ops.evenOddProducts && vector && vector.getRank() == 1 &&
      vector.getNumElements() % 2 == 0) {
    std::tie(low, high) = buildEvenOddProducts(b, i32.loc, x, m);
  } else {
    auto product = arith::MulSIExtendedOp::create(b, i32.loc, x, m);
    low = product.getLow();
    high = product.getHigh();
  }
  Value r = param(ops, RequantizeParam::HighShift);
  Value round = param(ops, RequantizeParam::HighAddend);
  if (!ops.everyShiftAbove32) {
    Value isZero = i32.cmp(arith::CmpIPredicate::eq, r, i32.constant(0));
    Value carry = i32.lshr(low, i32.constant(31));
    round = i32.select(isZero, carry, round);
  }
  Value y = i32.ashr(i32.add(high, round), r);
  return i32.clamp(i32.add(y, i32.constant(ops.outputZeroPoint)),
                   ops.clampMin, ops.clampMax);
}

/// Double rounding (gemmlowp): saturating left shift by max(31 - n, 0),
/// saturating rounding doubling high multiply, rounding right shift by
/// max(n - 31, 0) with ties away from zero.
static Value buildDoubleRound(IntegerArith &i32, IntegerArith &i64,
                              const RequantizeOperands &ops) {
  OpBuilder &b = i32.b;
  Location loc = i32.loc;

  // x' = saturate_i32(x * 2^left), computed in i64.
  Value x = arith::ExtSIOp::create(b, loc, i64.type, ops.accumulator);
  Value shifted = i64.clamp(
      i64.mul(x, param(ops, RequantizeParam::LeftFactor)), INT32_MIN,
      INT32_MAX);

  // SaturatingRoundingDoublingHighMul(x', M0). Its only saturating case,
  // x' = M0 = INT32_MIN, cannot occur: the verifier keeps M0 >= 0.
  Value m = arith::ExtSIOp::create(b, loc, i64.type,
                                   param(ops, RequantizeParam::Multiplier));
  Value ab = i64.mul(shifted, m);
  Value nonNegative = i64.cmp(arith::CmpIPredicate::sge, ab, i64.constant(0));
  Value nudge = i64.select(nonNegative, i64.constant(int64_t(1) << 30),
                           i64.constant(1 - (int64_t(1) << 30)));
  Value high = arith::TruncIOp::create(
      b, loc, i32.type,
      i64.divTowardZero(i64.add(ab, nudge), i64.constant(int64_t(1) << 31)));

  // RoundingDivideByPOT(high, right).
  Value right = param(ops, RequantizeParam::RightShift);
  Value mask = param(ops, RequantizeParam::RightMask);
  Value remainder = i32.bitAnd(high, mask);
  Value negative = i32.cmp(arith::CmpIPredicate::slt, high, i32.constant(0));
  Value threshold =
      i32.add(i32.ashr(mask, i32.constant(1)), i32.oneIf(negative));
  Value roundUp =
      i32.oneIf(i32.cmp(arith::CmpIPredicate::sgt, remainder, threshold));
  Value y = i32.add(i32.ashr(high, right), roundUp);

  // |y| < 2^31 and the clamp bounds fit the storage type; add in i64 so the
  // zero point cannot wrap.
  Value wide = arith::ExtSIOp::create(b, loc, i64.type, y);
  wide = i64.clamp(i64.add(wide, i64.constant(ops.outputZeroPoint)),
                   ops.clampMin, ops.clampMax);
  return arith::TruncIOp::create(b, loc, i32.type, wide);
}

SmallVector<RequantizeParam>
mlir::lowbit::getRequantizeParams(RoundingMode rounding, RequantizePath path) {
  using P = RequantizeParam;
  if (rounding == RoundingMode::Double)
    return {P::Multiplier, P::LeftFactor, P::RightShift, P::RightMask};
  if (path == RequantizePath::I32)
    return {P::Multiplier, P::HighShift, P::HighAddend};
  return {P::Multiplier, P::Shift, P::RoundingAddend};
}

int64_t mlir::lowbit::computeRequantizeParam(RequantizeParam param,
                                             int32_t multiplier,
                                             int32_t shift) {
  int64_t n = shift;
  switch (param) {
  case RequantizeParam::Multiplier:
    return multiplier;
  case RequantizeParam::Shift:
    return n;
  case RequantizeParam::RoundingAddend:
    return int64_t(1) << (n - 1);
  case RequantizeParam::HighShift:
    return n - 32;
  case RequantizeParam::HighAddend:
    return n > 32 ? int64_t(1) << (n - 33) : 0;
  case RequantizeParam::LeftFactor:
    return int64_t(1) << std::max<int64_t>(31 - n, 0);
  case RequantizeParam::RightShift:
    return std::max<int64_t>(n - 31, 0);
  case RequantizeParam::RightMask:
    return (int64_t(1) << std::max<int64_t>(n - 31, 0)) - 1;
  }
  llvm_unreachable("unknown requantize parameter");
}

SmallVector<int64_t> mlir::lowbit::computeRequantizeParams(
    RequantizeParam param, ArrayRef<int32_t> multipliers,
    ArrayRef<int8_t> shifts, bool testPlantRoundingError) {
  SmallVector<int64_t> values;
  for (auto [m, n] : llvm::zip(multipliers, shifts)) {
    int64_t value = computeRequantizeParam(param, m, n);
    // The planted bug: 2^(n-1) - 1 and 2^(n-33) - 1 turn "ties up" into
    // "ties down" on the i64 and i32 paths.
    if (testPlantRoundingError &&
        (param == RequantizeParam::RoundingAddend ||
         (param == RequantizeParam::HighAddend && n > 32)))
      --value;
    values.push_back(value);
  }
  return values;
}

bool mlir::lowbit::isWideRequantizeParam(RequantizeParam param) {
  return param == RequantizeParam::RoundingAddend ||
         param == RequantizeParam::LeftFactor;
}

Value mlir::lowbit::buildRequantize(OpBuilder &builder, Location loc,
                                    const RequantizeOperands &operands,
                                    RequantizePath path) {
  Type type = operands.accumulator.getType();
  IntegerArith i32(builder, loc, type);
  IntegerArith i64(builder, loc,
                   withElementType(type, builder.getI64Type()));
  if (operands.rounding == RoundingMode::Double)
    return buildDoubleRound(i32, i64, operands);
  if (path == RequantizePath::I32)
    return buildSingleRoundI32(i32, operands);
  return buildSingleRoundI64(i32, i64, operands);
}

bool mlir::lowbit::isRequantizePathExact(RequantizeOp op,
                                         RequantizePath path) {
  return isRequantizePathExact(op.getRounding(),
                               op.getOutputQuantizedType().getZeroPoint(),
                               op.getShift(), path);
}

bool mlir::lowbit::isRequantizePathExact(RoundingMode rounding,
                                         int64_t zeroPoint,
                                         ArrayRef<int8_t> shifts,
                                         RequantizePath path) {
  if (path == RequantizePath::I64)
    return true;
  // The rounded value y lies in [-2^30, 2^30] (see buildSingleRoundI32), and
  // y + Z is formed in i32, so the zero point must keep it in range.
  return rounding == RoundingMode::Single &&
         zeroPoint >= -(int64_t(1) << 30) && zeroPoint < (int64_t(1) << 30) &&
         llvm::all_of(shifts, [](int8_t n) { return n >= 32; });
}

SmallVector<std::pair<RequantizeParam, Value>>
mlir::lowbit::createRequantizeParamConstants(
    OpBuilder &builder, Location loc, RoundingMode rounding,
    RequantizePath path, ArrayRef<int32_t> multipliers,
    ArrayRef<int8_t> shifts, bool testPlantRoundingError, int64_t channels,
    int64_t lanes) {
  SmallVector<std::pair<RequantizeParam, Value>> constants;
  for (RequantizeParam param : getRequantizeParams(rounding, path)) {
    SmallVector<int64_t> values = computeRequantizeParams(
        param, multipliers, shifts, testPlantRoundingError);
    unsigned width = isWideRequantizeParam(param) ? 64 : 32;
    Type element = builder.getIntegerType(width);
    auto toAPInt = [&](int64_t v) { return APInt(width, v, true); };
    DenseIntElementsAttr value;
    if (values.size() > 1) {
      values.resize(channels, values.back());
      value = DenseIntElementsAttr::get(
          RankedTensorType::get({channels}, element),
          llvm::map_to_vector(values, toAPInt));
    } else {
      value = DenseIntElementsAttr::get(VectorType::get({lanes}, element),
                                        toAPInt(values.front()));
    }
    constants.push_back(
        {param, arith::ConstantOp::create(builder, loc, value)});
  }
  return constants;
}

RequantizePath mlir::lowbit::selectRequantizePath(bool allowI32,
                                                  RoundingMode rounding,
                                                  int64_t outputZeroPoint,
                                                  ArrayRef<int8_t> shifts) {
  return allowI32 && isRequantizePathExact(rounding, outputZeroPoint, shifts,
                                           RequantizePath::I32)
             ? RequantizePath::I32
             : RequantizePath::I64;
}
