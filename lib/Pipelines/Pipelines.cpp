//===- Pipelines.cpp - Lowbit's named compilation phases --------*- C++ -*-===//

#include "lowbit/Pipelines/Pipelines.h"

#include "lowbit/Conversion/Passes.h"
#include "lowbit/Dialect/Lowbit/Transforms/Passes.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::lowbit;

static constexpr Phase kPhases[] = {Phase::Quantize, Phase::Export,
                                    Phase::Pack,     Phase::Linalg,
                                    Phase::Bufferize, Phase::LLVM};

StringRef mlir::lowbit::getPhaseName(Phase phase) {
  switch (phase) {
  case Phase::Quantize:
    return "quantize";
  case Phase::Export:
    return "export";
  case Phase::Pack:
    return "pack";
  case Phase::Linalg:
    return "linalg";
  case Phase::Bufferize:
    return "bufferize";
  case Phase::LLVM:
    return "llvm";
  }
  llvm_unreachable("unknown phase");
}

std::optional<Phase> mlir::lowbit::parsePhaseName(StringRef name) {
  for (Phase phase : kPhases)
    if (getPhaseName(phase) == name)
      return phase;
  return std::nullopt;
}

std::string mlir::lowbit::getPhaseNames() {
  return llvm::join(llvm::map_range(kPhases, getPhaseName), ", ");
}

std::string mlir::lowbit::getFloatGraphFoldPipeline() {
  return "func.func(lowbit-absorb-qdq,lowbit-fold-batch-norm,"
         "lowbit-fold-bias-add)";
}

std::string mlir::lowbit::getPhasePipeline(Phase phase,
                                           const PipelineOptions &options) {
  switch (phase) {
  case Phase::Quantize: {
    auto quoted = [](const std::string &value) {
      return "\"" + value + "\"";
    };
    std::string pipeline = getFloatGraphFoldPipeline() + ",";
    if (!options.calibrationData.empty() || !options.loadCalibration.empty())
      pipeline += "lowbit-calibrate{data=" + quoted(options.calibrationData) +
                  " method=" + options.calibrationMethod +
                  " load=" + quoted(options.loadCalibration) +
                  " save=" + quoted(options.saveCalibration) + "},";
    pipeline += "func.func(lowbit-quantize{activation-type=" +
                options.activationType + " symmetric-activations=" +
                (options.symmetricActivations ? "true" : "false") +
                " per-tensor-weights=" +
                (options.perTensorWeights ? "true" : "false");
    if (!options.keepFloat.empty())
      pipeline += " keep-float=" + llvm::join(options.keepFloat, ",");
    pipeline += " weight-bits=" + std::to_string(options.weightBits);
    if (!options.layerBits.empty())
      pipeline += " layer-bits=" + llvm::join(options.layerBits, ",");
    pipeline += std::string(" detect-low-bit=") +
                (options.bitpack == "off" ? "false" : "true");
    pipeline += "},lowbit-fold-activation,lowbit-fold-requantize-chain)";
    return pipeline;
  }
  case Phase::Export: {
    std::string pipeline;
    if (options.rounding)
      pipeline += "lowbit-set-rounding{mode=" +
                  stringifyRoundingMode(*options.rounding).lower() + "},";
    pipeline += "lowbit-export-entry";
    if (!options.entryName.empty())
      pipeline += "{name=" + options.entryName + "}";
    return pipeline;
  }
  case Phase::Pack:
    return "func.func(lowbit-fold-binarize-threshold),"
           "lowbit-bitpack-weights{bitpack=" + options.bitpack +
           "},lowbit-pack-weights{target-isa=" + options.targetIsa +
           "},lowbit-sink-transposes";
  case Phase::Linalg: {
    std::string requantizeOptions =
        std::string("allow-i32-requantize=") +
        (options.allowI32Requantize ? "true" : "false") +
        " test-plant-rounding-error=" +
        (options.testPlantRoundingError ? "true" : "false");
    return "convert-lowbit-to-vector{" + requantizeOptions + "}," +
           "convert-lowbit-binary-to-vector{target-isa=" + options.targetIsa +
           "}," +
           "convert-lowbit-to-linalg{" + requantizeOptions +
           "},inline,symbol-dce,"
           "func.func(convert-elementwise-to-linalg,lowbit-collapse-elementwise),"
           "canonicalize,cse";
  }
  case Phase::Bufferize:
    return "eliminate-empty-tensors,"
           "one-shot-bufferize{bufferize-function-boundaries=false},"
           // Small intermediates live on the stack: no malloc in the entry.
           "func.func(promote-buffers-to-stack{max-alloc-size-in-bytes=16384}),"
           "buffer-deallocation-pipeline,convert-bufferization-to-memref,"
           // No memrefCopy runtime call: copies become loops.
           // A padded buffer is filled only around the copied interior.
           "func.func(lowbit-copies-to-linalg,lowbit-fill-pad-border),"
           "canonicalize,cse,"
           // The larger ones share one static workspace: no malloc either.
           "lowbit-plan-workspace{workspace-argument=true}";
  case Phase::LLVM:
    return "convert-lowbit-dot-to-llvm,"
           "func.func(convert-linalg-to-loops),lower-affine,"
           "convert-scf-to-cf,convert-vector-to-llvm,convert-math-to-llvm,"
           "expand-strided-metadata,"
           "lower-affine,finalize-memref-to-llvm,convert-arith-to-llvm,"
           "convert-index-to-llvm,convert-cf-to-llvm,"
           "convert-func-to-llvm{use-bare-ptr-memref-call-conv=true},"
           "convert-ub-to-llvm,reconcile-unrealized-casts,canonicalize";
  }
  llvm_unreachable("unknown phase");
}

LogicalResult mlir::lowbit::buildPhase(OpPassManager &pm, Phase phase,
                                       const PipelineOptions &options) {
  std::string error;
  llvm::raw_string_ostream errorStream(error);
  if (failed(parsePassPipeline(getPhasePipeline(phase, options), pm,
                               errorStream))) {
    llvm::errs() << "internal error: bad '" << getPhaseName(phase)
                 << "' pipeline: " << error << "\n";
    return failure();
  }
  return success();
}

void mlir::lowbit::registerLowbitDialects(DialectRegistry &registry) {
  registry.insert<LowbitDialect>();
  registerAllDialects(registry);
  registerAllExtensions(registry);
}

namespace {
struct LowerToLLVMOptions
    : public PassPipelineOptions<LowerToLLVMOptions> {
  Option<std::string> entryName{*this, "name",
                                llvm::cl::desc("C symbol prefix")};
  Option<std::string> targetIsa{
      *this, "target-isa",
      llvm::cl::desc("Dot-product instruction set of the kernels: generic, "
                     "avx512vnni, avx2, neon-dotprod or neon"),
      llvm::cl::init("generic")};
  Option<std::string> bitpack{
      *this, "bitpack",
      llvm::cl::desc("Weights with at most 16 distinct values as codes: "
                     "auto or off"),
      llvm::cl::init("auto")};
};
} // namespace

void mlir::lowbit::registerAllLowbitPasses() {
  registerAllPasses();
  registerLowbitConversionPasses();
  registerLowbitPasses();
  PassPipelineRegistration<LowerToLLVMOptions>(
      "lowbit-lower-to-llvm",
      "Run every phase of lowbit-compile: quantize, export, pack, linalg, "
      "bufferize, llvm",
      [](OpPassManager &pm, const LowerToLLVMOptions &cli) {
        PipelineOptions options;
        options.entryName = cli.entryName;
        options.targetIsa = cli.targetIsa;
        options.bitpack = cli.bitpack;
        for (Phase phase : kPhases)
          (void)buildPhase(pm, phase, options);
      });
}
