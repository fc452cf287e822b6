//===- MachineCode.h - LLVM IR, assembly and object emission ----*- C++ -*-===//
//
// The last steps of lowbit-compile: the LLVM dialect becomes LLVM IR, LLVM's
// O3 pipeline optimizes it for the target machine, and the TargetMachine
// writes assembly or an ELF object, in process.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_TARGET_MACHINECODE_H
#define LOWBIT_TARGET_MACHINECODE_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/Module.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>

namespace mlir::lowbit {

/// Which machine to generate code for. An empty triple is the host's; the
/// CPU `native` means the host CPU and its features.
struct TargetSpec {
  std::string triple;
  std::string cpu;
  std::string features;
};

/// Creates the TargetMachine for `spec` (PIC, O3); sets `error` on failure.
std::unique_ptr<llvm::TargetMachine>
createTargetMachine(const TargetSpec &spec, std::string &error);

/// Translates a module in the LLVM dialect to LLVM IR for `machine` and runs
/// LLVM's O3 pipeline on it. Returns null after reporting an error.
/// The `target-isa` of the packed kernels for `machine`: avx512vnni (x86-64
/// with AVX-512 VNNI and BW), avx2, neon-dotprod (AArch64 with the
/// dot-product extension), neon (other AArch64), or generic.
std::string selectKernelIsa(const llvm::TargetMachine &machine);

std::unique_ptr<llvm::Module>
translateAndOptimize(ModuleOp module, llvm::LLVMContext &context,
                     llvm::TargetMachine &machine);

/// Writes `module` as assembly or an object file.
LogicalResult emitMachineCode(llvm::Module &module,
                              llvm::TargetMachine &machine,
                              llvm::CodeGenFileType fileType,
                              llvm::raw_pwrite_stream &os);

} // namespace mlir::lowbit

#endif // LOWBIT_TARGET_MACHINECODE_H
