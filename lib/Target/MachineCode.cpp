//===- MachineCode.cpp - LLVM IR, assembly and object emission --*- C++ -*-===//

#include "lowbit/Target/MachineCode.h"

#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
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

std::unique_ptr<llvm::Module>
mlir::lowbit::translateAndOptimize(ModuleOp module, llvm::LLVMContext &context,
                                   llvm::TargetMachine &machine) {
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, context);
  if (!llvmModule) {
    module.emitError("translation to LLVM IR failed");
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

  llvm::LoopAnalysisManager loopAnalyses;
  llvm::FunctionAnalysisManager functionAnalyses;
  llvm::CGSCCAnalysisManager cgsccAnalyses;
  llvm::ModuleAnalysisManager moduleAnalyses;
  llvm::PassBuilder builder(&machine);
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
