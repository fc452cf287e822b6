//===- LowbitAttrs.td - Lowbit attributes ------------------*- tablegen -*-===//

#ifndef LOWBIT_DIALECT_LOWBIT_IR_LOWBITATTRS_TD
#define LOWBIT_DIALECT_LOWBIT_IR_LOWBITATTRS_TD

include "lowbit/Dialect/Lowbit/IR/LowbitDialect.td"
include "mlir/IR/EnumAttr.td"

/// How requantization rounds; both modes are defined bit for bit in
/// docs/IntegerSemantics.md.
def Lowbit_RoundingMode : I32EnumAttr<"RoundingMode",
    "rounding of the fixed-point requantization", [
      I32EnumAttrCase<"Single", 0, "single">,
      I32EnumAttrCase<"Double", 1, "double">
    ]> {
  let cppNamespace = "::mlir::lowbit";
  let genSpecializedAttr = 0;
}

def Lowbit_RoundingModeAttr
    : EnumAttr<Lowbit_Dialect, Lowbit_RoundingMode, "rounding"> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // LOWBIT_DIALECT_LOWBIT_IR_LOWBITATTRS_TD
