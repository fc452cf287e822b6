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

/// The int8 dot-product instruction family a packed kernel is written for;
/// it fixes the packed weight layout (PackedLayout.h) and the register tile.
def Lowbit_KernelIsa : I32EnumAttr<"KernelIsa",
    "instruction set of a packed kernel", [
      I32EnumAttrCase<"Avx512Vnni", 0, "avx512vnni">,
      I32EnumAttrCase<"Avx2", 1, "avx2">,
      I32EnumAttrCase<"NeonDotprod", 2, "neon_dotprod">,
      I32EnumAttrCase<"Neon", 3, "neon">
    ]> {
  let cppNamespace = "::mlir::lowbit";
  let genSpecializedAttr = 0;
}

def Lowbit_KernelIsaAttr
    : EnumAttr<Lowbit_Dialect, Lowbit_KernelIsa, "kernel_isa"> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // LOWBIT_DIALECT_LOWBIT_IR_LOWBITATTRS_TD
