//===- MachineCode.cpp - LLVM IR, assembly and object emission --*- C++ -*-===//

#include "lowbit/Target/MachineCode.h"

#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/StandardInstrumentations.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;
using namespace mlir::lowbit;

std::unique_ptr<llvm::TargetMachine>
mlir::lowbit::createTargetMachine(const TargetSpec &spec, std::string &error) {
  static bool initialized = [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
    return true;
  }();
  (void)initialized;

  llvm::Triple triple(spec.triple.empty() ? llvm::sys::getDefaultTargetTriple()
                                          : llvm::Triple::normalize(spec.triple));
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;

  std::string cpu = spec.cpu, features = spec.features;
  if (cpu == "native") {
    cpu = llvm::sys::getHostCPUName().str();
    std::string hostFeatures;
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      hostFeatures += (feature.second ? ",+" : ",-") + feature.first().str();
    features = hostFeatures.empty()
                   ? features
                   : hostFeatures.substr(1) +
                         (features.empty() ? "" : "," + features);
  }
  if (cpu.empty())
    cpu = triple.isX86() ? "x86-64" : "generic";

  llvm::TargetOptions options;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpu, features, options, llvm::Reloc::PIC_, std::nullopt,
      llvm::CodeGenOptLevel::Aggressive));
  if (!machine) {
    error = "cannot create a target machine for " + triple.str();
    return nullptr;
  }
  // An unknown CPU name only warns inside LLVM; refuse it here.
  if (!machine->getMCSubtargetInfo()->isCPUStringValid(cpu)) {
    error = "unknown CPU '" + cpu + "' for " + triple.str();
    return nullptr;
  }
  return machine;
}

std::string mlir::lowbit::selectKernelIsa(const llvm::TargetMachine &machine) {
  const llvm::MCSubtargetInfo *subtarget = machine.getMCSubtargetInfo();
  const llvm::Triple &triple = machine.getTargetTriple();
  if (triple.isX86() && triple.isArch64Bit()) {
    if (subtarget->checkFeatures("+avx512vnni,+avx512bw"))
      return "avx512vnni";
    if (subtarget->checkFeatures("+avx2"))
      return "avx2";
  }
  if (triple.isAArch64()) {
    if (subtarget->checkFeatures("+dotprod"))
      return "neon-dotprod";
    if (subtarget->checkFeatures("+neon"))
      return "neon";
  }
  return "generic";
}

/// Writes `module` as bitcode and reads it back into `context`.
static std::unique_ptr<llvm::Module>
roundTripThroughBitcode(const llvm::Module &module,
                        llvm::LLVMContext &context) {
  llvm::SmallVector<char, 0> buffer;
  llvm::BitcodeWriter writer(buffer);
  writer.writeModule(module);
  writer.writeSymtab();
  writer.writeStrtab();
  llvm::Expected<std::unique_ptr<llvm::Module>> reread =
      llvm::parseBitcodeFile(
          llvm::MemoryBufferRef(StringRef(buffer.data(), buffer.size()),
                                module.getModuleIdentifier()),
          context);
  if (!reread) {
    llvm::consumeError(reread.takeError());
    return nullptr;
  }
  return std::move(*reread);
}

std::unique_ptr<llvm::Module>
mlir::lowbit::translateAndOptimize(ModuleOp module, llvm::LLVMContext &context,
                                   llvm::TargetMachine &machine) {
  std::unique_ptr<llvm::Module> translated =
      translateModuleToLLVMIR(module, context);
  if (!translated) {
    module.emitError("translation to LLVM IR failed");
    return nullptr;
  }
  // Optimizing the module exactly as translation built it miscompiles the
  // 32-bit requantization here (InstCombine folds it to a constant), while
  // the same module written out and read back is optimized correctly, in
  // process and by opt-22: some in-memory state of the translated module is
  // not what its IR says. A bitcode round trip normalizes it. See
  // test/Target/requantize-i32-optimized.mlir.
  std::unique_ptr<llvm::Module> llvmModule = roundTripThroughBitcode(
      *translated, context);
  if (!llvmModule) {
    module.emitError("re-reading the translated LLVM IR failed");
    return nullptr;
  }
  llvmModule->setDataLayout(machine.createDataLayout());
  llvmModule->setTargetTriple(machine.getTargetTriple());
  for (llvm::Function &function : *llvmModule) {
    if (function.isDeclaration())
      continue;
    function.addFnAttr("target-cpu", machine.getTargetCPU());
    if (!machine.getTargetFeatureString().empty())
      function.addFnAttr("target-features", machine.getTargetFeatureString());
  }

  // Constants (weights, tables) and workspaces (lowbit-plan-workspace)
  // become named local symbols instead of private labels, so that object
  // tools show each one and its size (llvm-nm -S; lowbit-compile
  // --weight-summary names the constants).
  for (llvm::GlobalVariable &global : llvmModule->globals())
    if (global.hasPrivateLinkage())
      global.setLinkage(llvm::GlobalValue::InternalLinkage);

  llvm::LoopAnalysisManager loopAnalyses;
  llvm::FunctionAnalysisManager functionAnalyses;
  llvm::CGSCCAnalysisManager cgsccAnalyses;
  llvm::ModuleAnalysisManager moduleAnalyses;
  // Standard instrumentation makes LLVM's -print-after-all, -opt-bisect-limit
  // and friends work in lowbit-compile as they do in opt.
  llvm::PassInstrumentationCallbacks instrumentation;
  llvm::StandardInstrumentations standardInstrumentations(
      context, /*DebugLogging=*/false);
  standardInstrumentations.registerCallbacks(instrumentation, &moduleAnalyses);
  llvm::PassBuilder builder(&machine, llvm::PipelineTuningOptions(),
                            std::nullopt, &instrumentation);
  builder.registerModuleAnalyses(moduleAnalyses);
  builder.registerCGSCCAnalyses(cgsccAnalyses);
  builder.registerFunctionAnalyses(functionAnalyses);
  builder.registerLoopAnalyses(loopAnalyses);
  builder.crossRegisterProxies(loopAnalyses, functionAnalyses, cgsccAnalyses,
                               moduleAnalyses);
  llvm::ModulePassManager passes =
      builder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3);
  passes.run(*llvmModule, moduleAnalyses);
  return llvmModule;
}

LogicalResult mlir::lowbit::emitMachineCode(llvm::Module &module,
                                            llvm::TargetMachine &machine,
                                            llvm::CodeGenFileType fileType,
                                            llvm::raw_pwrite_stream &os) {
  llvm::legacy::PassManager passes;
  if (machine.addPassesToEmitFile(passes, os, nullptr, fileType)) {
    llvm::errs() << "error: the target cannot emit this file type\n";
    return failure();
  }
  passes.run(module);
  return success();
}
