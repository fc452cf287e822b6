//===- lowbit-compile.cpp - Lowbit's one-shot compiler driver ---*- C++ -*-===//
//
//   lowbit-compile MODEL -o OUT --emit=exe|obj|llvm|mlir|asm
//                  [--mtriple=T] [--mcpu=C] [--mattr=A] [--entry-name=N]
//                  [--until=PHASE] [--rounding=single|double] [--cc=CC]
//                  [--target-isa=generic|avx512vnni|avx2|neon-dotprod|neon]
//                  [--bitpack=auto|off] [--weight-summary=FILE]
//                  [--weight-bits=8|4|2|1] [--layer-bits=NODE:BITS,...]
//
// Runs the named phases of lib/Pipelines on a quantized MLIR model, then
// translates to LLVM IR and emits code for the target machine in process.
// Output files appear only when compilation succeeds.
//
//===----------------------------------------------------------------------===//

#include "AccuracyBudget.h"
#include "lowbit/Dialect/Lowbit/Transforms/ModelInterface.h"
#include "lowbit/Support/Npy.h"
#include "lowbit/Dialect/Lowbit/Transforms/CalibrationData.h"
#include "lowbit/Dialect/Lowbit/Transforms/WeightSummary.h"
#include "lowbit/Frontend/ONNX/ImportONNX.h"
#include "lowbit/Reference/LayerReport.h"
#include "lowbit/Pipelines/Pipelines.h"
#include "lowbit/Target/CHeader.h"
#include "lowbit/Target/Executable.h"
#include "lowbit/Target/MachineCode.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using namespace mlir::lowbit;
namespace cl = llvm::cl;

namespace {
enum class EmitKind { Executable, Object, LLVMIR, MLIR, Assembly };

cl::OptionCategory category("lowbit-compile options");

cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.mlir>"),
                               cl::Required, cl::cat(category));
cl::opt<std::string> outputFile("o", cl::desc("Output file"),
                                cl::value_desc("file"), cl::Required,
                                cl::cat(category));
cl::opt<EmitKind> emitKind(
    "emit", cl::desc("What to write"), cl::init(EmitKind::Object),
    cl::values(
        clEnumValN(EmitKind::Executable, "exe",
                   "a standalone executable: ./model IN.npy OUT.npy"),
        clEnumValN(EmitKind::Object, "obj",
                   "an object file and a C header beside it (OUT.h)"),
        clEnumValN(EmitKind::LLVMIR, "llvm", "optimized LLVM IR"),
        clEnumValN(EmitKind::MLIR, "mlir",
                   "MLIR after the last phase run (see --until)"),
        clEnumValN(EmitKind::Assembly, "asm", "target assembly")),
    cl::cat(category));
cl::opt<std::string> targetTriple("mtriple",
                                  cl::desc("Target triple (default: host)"),
                                  cl::cat(category));
cl::opt<std::string>
    targetCPU("mcpu",
              cl::desc("Target CPU, or 'native' (default: a portable "
                       "baseline, x86-64 or generic)"),
              cl::cat(category));
cl::opt<std::string> targetFeatures("mattr",
                                    cl::desc("Target features, e.g. +avx2"),
                                    cl::cat(category));
cl::opt<std::string>
    entryName("entry-name",
              cl::desc("C symbol prefix (default: the model file's name)"),
              cl::cat(category));
cl::opt<std::string> untilPhase("until",
                                cl::desc("Stop after this phase and write "
                                         "its MLIR (implies --emit=mlir)"),
                                cl::cat(category));
cl::opt<RoundingMode> rounding(
    "rounding", cl::desc("Rounding of every requantization (default: as in "
                         "the model, single if unset)"),
    cl::values(clEnumValN(RoundingMode::Single, "single",
                          "one 64-bit multiply-round-shift"),
               clEnumValN(RoundingMode::Double, "double",
                          "gemmlowp / TFLite reference rounding")),
    cl::cat(category));
cl::opt<bool> noI32Requantize(
    "no-i32-requantize",
    cl::desc("Always use the 64-bit requantize lowering"), cl::init(false),
    cl::cat(category));
cl::opt<bool> testPlantRoundingError(
    "test-plant-rounding-error",
    cl::desc("Test only: round ties down instead of up in single rounding, "
             "to show that differential tests catch it"),
    cl::init(false), cl::Hidden, cl::cat(category));
// Post-training quantization (the quantize phase).
cl::OptionCategory quantizeCategory("Quantization options (float models)");
cl::opt<std::string> calibrationData(
    "calibration-data",
    cl::desc("Float32 .npy calibration samples in the model's input layout "
             "([N, ...] or a folder of .npy files)"),
    cl::value_desc("path"), cl::cat(quantizeCategory));
cl::opt<std::string> calibrationMethod(
    "calibration",
    cl::desc("Range observer: minmax (default), ema, percentile, entropy, "
             "mse"),
    cl::init("minmax"), cl::cat(quantizeCategory));
cl::opt<std::string>
    loadCalibration("load-calibration",
                    cl::desc("Use the ranges of a saved calibration file"),
                    cl::value_desc("file.json"), cl::cat(quantizeCategory));
cl::opt<std::string>
    saveCalibration("save-calibration",
                    cl::desc("Save the calibrated ranges (JSON)"),
                    cl::value_desc("file.json"), cl::cat(quantizeCategory));
cl::opt<std::string> activationType(
    "activation-type", cl::desc("Storage of activations: u8 (default) or i8"),
    cl::init("u8"), cl::cat(quantizeCategory));
cl::opt<bool> symmetricActivations(
    "symmetric-activations", cl::desc("Symmetric activation ranges"),
    cl::init(false), cl::cat(quantizeCategory));
cl::opt<bool> perTensorWeights(
    "per-tensor-weights",
    cl::desc("One weight scale per tensor instead of per output channel"),
    cl::init(false), cl::cat(quantizeCategory));
cl::opt<std::string> reportFile(
    "report",
    cl::desc("Write the layer-by-layer quantization error (SQNR, cosine, "
             "max error of the int8 vs the float reference execution on the "
             "calibration data) as JSON (.json) or CSV, and a summary to "
             "stderr"),
    cl::value_desc("file"), cl::cat(quantizeCategory));
cl::list<std::string>
    keepFloat("keep-float", cl::desc("ONNX node names to keep in float"),
              cl::CommaSeparated, cl::value_desc("node,..."),
              cl::cat(quantizeCategory));

cl::opt<int> weightBits(
    "weight-bits",
    cl::desc("Bits of every layer's weights: 8 (default), 4, 2 (ternary) "
             "or 1 (binary)"),
    cl::init(8), cl::cat(quantizeCategory));
cl::list<std::string> layerBits(
    "layer-bits", cl::desc("Weight bits of named layers, overriding "
                           "--weight-bits"),
    cl::CommaSeparated, cl::value_desc("node:bits,..."),
    cl::cat(quantizeCategory));

cl::opt<double> accuracyBudget(
    "accuracy-budget",
    cl::desc("Choose each layer's weight bits (2, 4 or 8) so that top-1 "
             "accuracy on --accuracy-data stays within this many points of "
             "the float model's; prints the plan"),
    cl::value_desc("points"), cl::init(-1), cl::cat(quantizeCategory));
cl::opt<std::string> accuracyData(
    "accuracy-data",
    cl::desc("Float32 inputs [N, ...] for --accuracy-budget (default: the "
             "calibration data)"),
    cl::value_desc("file.npy"), cl::cat(quantizeCategory));
cl::opt<std::string> accuracyLabels(
    "accuracy-labels",
    cl::desc("Integer class labels [N] of --accuracy-data"),
    cl::value_desc("file.npy"), cl::cat(quantizeCategory));

cl::opt<std::string> targetIsa(
    "target-isa",
    cl::desc("Dot-product instructions of the fully-connected kernels: "
             "generic (the portable loops), avx512vnni, avx2, neon-dotprod "
             "or neon (default: the best the target has)"),
    cl::cat(category));
cl::opt<std::string> bitpack(
    "bitpack",
    cl::desc("Constant weights with at most 16 distinct values as 1-, 2- or "
             "4-bit codes and a table: auto (default) or off (int8)"),
    cl::init("auto"), cl::cat(category));
cl::opt<std::string> weightSummary(
    "weight-summary",
    cl::desc("Write the stored weight bytes and bits per weight of every "
             "layer (after the pack phase) to this file ('-': stdout)"),
    cl::value_desc("file"), cl::cat(category));
cl::opt<std::string>
    cCompiler("cc",
              cl::desc("C compiler used to link --emit=exe (default: cc, or "
                       "<triple>-gcc when cross compiling)"),
              cl::cat(category));
} // namespace

/// The model file's name as a C identifier: "models/mlp-v2.mlir" -> mlp_v2.
static std::string defaultEntryName(StringRef path) {
  std::string name = llvm::sys::path::stem(path).str();
  for (char &c : name)
    if (!llvm::isAlnum(c) && c != '_')
      c = '_';
  if (name.empty() || llvm::isDigit(name.front()))
    name = "model_" + name;
  return name;
}

/// Writes `content` to `path` atomically: the file appears whole or not at
/// all.
static LogicalResult
writeOutput(StringRef path,
            function_ref<LogicalResult(llvm::raw_pwrite_stream &)> content) {
  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> file = openOutputFile(path, &error);
  if (!file) {
    llvm::errs() << "error: " << error << "\n";
    return failure();
  }
  if (failed(content(file->os())))
    return failure();
  file->os().flush();
  if (file->os().has_error()) {
    llvm::errs() << "error: cannot write '" << path << "'\n";
    file->os().clear_error();
    return failure();
  }
  file->keep();
  return success();
}

/// The public function of `module` with a body.
static func::FuncOp findModelFunction(ModuleOp module) {
  for (auto function : module.getOps<func::FuncOp>())
    if (!function.isPrivate() && !function.isExternal())
      return function;
  return {};
}

/// Compares the float model with its quantization layer by layer on the
/// calibration data, writes --report and prints the summary.
static LogicalResult writeReport(ModuleOp floatModule, ModuleOp quantized) {
  func::FuncOp floatModel = findModelFunction(floatModule);
  func::FuncOp quantizedModel = findModelFunction(quantized);
  if (!floatModel || !quantizedModel || floatModel.getNumArguments() != 1) {
    llvm::errs() << "error: --report needs a model of one input\n";
    return failure();
  }
  auto inType = cast<RankedTensorType>(floatModel.getArgumentTypes()[0]);
  FailureOr<std::vector<std::vector<float>>> samples = readCalibrationSamples(
      calibrationData, inType.getShape(), floatModule.getContext());
  if (failed(samples))
    return failure();
  FailureOr<std::vector<LayerError>> layers =
      compareLayers(floatModel, quantizedModel, *samples);
  if (failed(layers))
    return failure();
  if (failed(writeOutput(reportFile, [&](llvm::raw_pwrite_stream &os) {
        writeLayerReport(*layers, reportFile, os);
        return success();
      })))
    return failure();
  printLayerSummary(*layers, llvm::errs());
  return success();
}

/// The plan of --accuracy-budget, chosen on the float model after the float
/// graph folds.
static FailureOr<std::vector<std::string>>
planLayerBits(ModuleOp floatModule, const PipelineOptions &options) {
  if (calibrationData.empty() || accuracyLabels.empty()) {
    llvm::errs() << "error: --accuracy-budget needs --calibration-data and "
                    "--accuracy-labels\n";
    return failure();
  }
  func::FuncOp model = findModelFunction(floatModule);
  if (!model || model.getNumArguments() != 1) {
    llvm::errs() << "error: --accuracy-budget needs a model of one input\n";
    return failure();
  }
  auto inType = cast<RankedTensorType>(model.getArgumentTypes()[0]);
  std::string dataPath =
      accuracyData.empty() ? calibrationData.getValue() : accuracyData;
  LabelledSamples samples;
  FailureOr<std::vector<std::vector<float>>> inputs = readCalibrationSamples(
      dataPath, inType.getShape(), floatModule.getContext());
  if (failed(inputs))
    return failure();
  samples.inputs = std::move(*inputs);
  std::string error;
  std::optional<::lowbit::NpyArray> labels =
      ::lowbit::readNpyFile(accuracyLabels, error);
  if (!labels || labels->getDType() == ::lowbit::NpyDType::Float32 ||
      labels->getShape().size() != 1 ||
      labels->getShape()[0] != static_cast<int64_t>(samples.inputs.size())) {
    llvm::errs() << "error: " << accuracyLabels << ": "
                 << (labels ? "expected integer labels of shape [" +
                                  std::to_string(samples.inputs.size()) + "]"
                            : error)
                 << "\n";
    return failure();
  }
  samples.labels = labels->getIntegers();
  return chooseLayerBits(floatModule, options, samples, accuracyBudget,
                         llvm::errs());
}

static LogicalResult compile(MLIRContext &context) {
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  // Diagnostics on ops imported from ONNX name the node.
  ONNXNodeDiagnosticHandler nodeNames(&context);
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> input = openInputFile(inputFile, &error);
  if (!input) {
    llvm::errs() << "error: " << error << "\n";
    return failure();
  }
  // An .onnx model is imported; anything else is parsed as MLIR.
  OwningOpRef<ModuleOp> module;
  if (StringRef(inputFile).ends_with(".onnx")) {
    module = importONNXModel(input->getBuffer(), inputFile, &context);
  } else {
    sourceMgr.AddNewSourceBuffer(std::move(input), llvm::SMLoc());
    module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  }
  if (!module)
    return failure();

  PipelineOptions options;
  options.entryName =
      entryName.empty() ? defaultEntryName(inputFile) : entryName.getValue();
  if (rounding.getNumOccurrences())
    options.rounding = rounding;
  options.allowI32Requantize = !noI32Requantize;
  options.testPlantRoundingError = testPlantRoundingError;
  options.calibrationData = calibrationData;
  options.calibrationMethod = calibrationMethod;
  options.loadCalibration = loadCalibration;
  options.saveCalibration = saveCalibration;
  options.activationType = activationType;
  options.symmetricActivations = symmetricActivations;
  options.perTensorWeights = perTensorWeights;
  options.keepFloat.assign(keepFloat.begin(), keepFloat.end());
  options.weightBits = weightBits;
  options.layerBits.assign(layerBits.begin(), layerBits.end());
  options.bitpack = bitpack;

  Phase lastPhase = Phase::LLVM;
  if (!untilPhase.empty()) {
    std::optional<Phase> phase = parsePhaseName(untilPhase);
    if (!phase) {
      llvm::errs() << "error: unknown phase '" << untilPhase
                   << "' (phases: " << getPhaseNames() << ")\n";
      return failure();
    }
    lastPhase = *phase;
    emitKind = EmitKind::MLIR;
  }

  // A --layer-bits name that matches no layer is a typo, not a request.
  for (const std::string &entry : options.layerBits) {
    StringRef node = StringRef(entry).rsplit(':').first;
    bool found = false;
    module->walk([&](Operation *op) {
      auto name = dyn_cast<NameLoc>(op->getLoc());
      found |= isa<Conv2DOp, GemmOp, MatMulOp>(op) && name &&
               name.getName() == node;
    });
    if (!found) {
      llvm::errs() << "error: --layer-bits names '" << node
                   << "', which is not a Conv, Gemm or MatMul node of "
                   << inputFile << "\n";
      return failure();
    }
  }

  // Quantization first: the C interface is that of the quantized model,
  // read before the later phases rewrite the signature.
  OwningOpRef<ModuleOp> floatModule;
  if (!reportFile.empty() || accuracyBudget >= 0) {
    if (calibrationData.empty()) {
      llvm::errs() << "error: --report and --accuracy-budget need "
                      "--calibration-data\n";
      return failure();
    }
    PassManager pm(&context);
    if (failed(applyPassManagerCLOptions(pm)) ||
        failed(parsePassPipeline(getFloatGraphFoldPipeline(), pm)) ||
        failed(pm.run(*module)))
      return failure();
    floatModule = module->clone();
  }
  if (accuracyBudget >= 0) {
    FailureOr<std::vector<std::string>> plan =
        planLayerBits(*floatModule, options);
    if (failed(plan))
      return failure();
    options.layerBits = *plan;
  }
  {
    PassManager pm(&context);
    if (failed(applyPassManagerCLOptions(pm)) ||
        failed(buildPhase(pm, Phase::Quantize, options)) ||
        failed(pm.run(*module)))
      return failure();
  }
  if (!reportFile.empty() && failed(writeReport(*floatModule, *module)))
    return failure();
  if (lastPhase == Phase::Quantize)
    return writeOutput(outputFile, [&](llvm::raw_pwrite_stream &os) {
      module->print(os);
      return success();
    });
  FailureOr<ModelInterface> model =
      getModelInterface(*module, /*functionName=*/"", options.entryName);
  if (failed(model))
    return failure();

  // The target machine also selects the kernels (even for --until).
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine({targetTriple, targetCPU, targetFeatures}, error);
  if (!machine) {
    llvm::errs() << "error: " << error << "\n";
    return failure();
  }
  options.targetIsa =
      targetIsa.empty() ? selectKernelIsa(*machine) : targetIsa.getValue();

  // The phases in steps: up to pack (where the weight summary is taken), up
  // to bufferize (which sizes the workspace for the header), then the rest.
  auto isAfter = [](Phase a, Phase b) {
    return static_cast<int>(a) > static_cast<int>(b);
  };
  Phase nextPhase = Phase::Export;
  auto runPhasesUntil = [&](Phase stop) -> LogicalResult {
    Phase last = isAfter(stop, lastPhase) ? lastPhase : stop;
    if (isAfter(nextPhase, last))
      return success();
    PassManager pm(&context);
    if (failed(applyPassManagerCLOptions(pm)))
      return failure();
    for (int phase = static_cast<int>(nextPhase);
         phase <= static_cast<int>(last); ++phase)
      if (failed(buildPhase(pm, static_cast<Phase>(phase), options)))
        return failure();
    nextPhase = static_cast<Phase>(static_cast<int>(last) + 1);
    return pm.run(*module);
  };
  if (!weightSummary.empty() && !isAfter(Phase::Pack, lastPhase)) {
    if (failed(runPhasesUntil(Phase::Pack)) ||
        failed(writeOutput(weightSummary, [&](llvm::raw_pwrite_stream &os) {
          printWeightSummary(collectLayerWeights(*module), os);
          return success();
        })))
      return failure();
  }
  if (failed(runPhasesUntil(Phase::Bufferize)))
    return failure();
  model->workspaceBytes = getWorkspaceBytes(*module, model->getRunSymbol());
  if (failed(runPhasesUntil(Phase::LLVM)))
    return failure();

  if (emitKind == EmitKind::MLIR)
    return writeOutput(outputFile, [&](llvm::raw_pwrite_stream &os) {
      module->print(os);
      return success();
    });

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateAndOptimize(*module, llvmContext, *machine);
  if (!llvmModule)
    return failure();

  switch (emitKind) {
  case EmitKind::LLVMIR:
    return writeOutput(outputFile, [&](llvm::raw_pwrite_stream &os) {
      llvmModule->print(os, nullptr);
      return success();
    });
  case EmitKind::Assembly:
    return writeOutput(outputFile, [&](llvm::raw_pwrite_stream &os) {
      return emitMachineCode(*llvmModule, *machine,
                             llvm::CodeGenFileType::AssemblyFile, os);
    });
  case EmitKind::Object: {
    llvm::SmallString<128> headerPath(outputFile);
    llvm::sys::path::replace_extension(headerPath, "h");
    if (failed(writeOutput(outputFile, [&](llvm::raw_pwrite_stream &os) {
          return emitMachineCode(*llvmModule, *machine,
                                 llvm::CodeGenFileType::ObjectFile, os);
        })))
      return failure();
    if (failed(writeOutput(headerPath, [&](llvm::raw_pwrite_stream &os) {
          writeCHeader(*model, llvm::sys::path::filename(inputFile), os);
          return success();
        }))) {
      llvm::sys::fs::remove(outputFile);
      return failure();
    }
    return success();
  }
  case EmitKind::Executable: {
    llvm::SmallString<128> objectPath, headerPath;
    if (llvm::sys::fs::createTemporaryFile("lowbit-model", "o", objectPath) ||
        llvm::sys::fs::createTemporaryFile(model->name, "h", headerPath)) {
      llvm::errs() << "error: cannot create temporary files\n";
      return failure();
    }
    llvm::FileRemover objectRemover(objectPath), headerRemover(headerPath);
    if (failed(writeOutput(objectPath, [&](llvm::raw_pwrite_stream &os) {
          return emitMachineCode(*llvmModule, *machine,
                                 llvm::CodeGenFileType::ObjectFile, os);
        })) ||
        failed(writeOutput(headerPath, [&](llvm::raw_pwrite_stream &os) {
          writeCHeader(*model, llvm::sys::path::filename(inputFile), os);
          return success();
        })))
      return failure();
    std::string compiler = cCompiler.empty()
                               ? getDefaultCCompiler(targetTriple)
                               : cCompiler.getValue();
    return linkExecutable(*model, compiler, objectPath, headerPath,
                          outputFile);
  }
  case EmitKind::MLIR:
    break;
  }
  llvm_unreachable("handled above");
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerAllLowbitPasses();
  cl::HideUnrelatedOptions({&category, &quantizeCategory});
  cl::ParseCommandLineOptions(argc, argv,
                              "Lowbit: compile a quantized model to "
                              "integer-only native code\n");

  DialectRegistry registry;
  registerLowbitDialects(registry);
  registerAllToLLVMIRTranslations(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  return failed(compile(context)) ? 1 : 0;
}
