//===- lowbit-run.cpp - Run a model in the reference interpreter -*- C++ -*-=//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
//   lowbit-run MODEL.mlir INPUT.npy OUTPUT.npy [--rounding=single|double]
//              [--dump=DIR]
//
// The contract of an executable built by `lowbit-compile --emit=exe`
// (lib/Target/ExecutableMain.c): float32 .npy in and out, quantized and
// dequantized at the boundary with lowbit::quantizeReal / dequantize, one
// sample or a batch [N, ...], the same error messages, and OUTPUT.npy
// written only on success. The model itself runs in the reference
// interpreter instead of compiled code, so `cmp` of the two outputs is the
// differential test.
//
// --dump=DIR writes every value computed for the first sample, in its
// storage type, as DIR/<NN>_<op name>.npy, and DIR/index.txt listing each
// file with its op, location and type.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/Lowbit/Transforms/ModelInterface.h"
#include "lowbit/Pipelines/Pipelines.h"
#include "lowbit/Reference/Interpreter.h"
#include "lowbit/Support/FixedPoint.h"
#include "lowbit/Support/Npy.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace mlir::lowbit;
namespace cl = llvm::cl;

namespace {
cl::OptionCategory category("lowbit-run options");

cl::opt<std::string> modelFile(cl::Positional, cl::desc("<model.mlir>"),
                               cl::Required, cl::cat(category));
cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input.npy>"),
                               cl::Required, cl::cat(category));
cl::opt<std::string> outputFile(cl::Positional, cl::desc("<output.npy>"),
                                cl::Required, cl::cat(category));
cl::opt<RoundingMode> rounding(
    "rounding",
    cl::desc("Rounding of every requantization (default: as in the model)"),
    cl::values(clEnumValN(RoundingMode::Single, "single", "single rounding"),
               clEnumValN(RoundingMode::Double, "double",
                          "double rounding (gemmlowp / TFLite reference)")),
    cl::cat(category));
cl::opt<std::string>
    dumpDir("dump",
            cl::desc("Write every intermediate tensor of the first sample "
                     "to DIR (stored values, one .npy per value, and "
                     "index.txt)"),
            cl::value_desc("DIR"), cl::cat(category));

/// One value computed for the first sample, kept for --dump.
struct DumpedValue {
  Value value;
  StoredTensor tensor;
};
} // namespace

/// Prints "error: <what>", or "error: <file>: <what>", as the compiled
/// executables do.
static LogicalResult fail(StringRef file, const Twine &what) {
  llvm::errs() << "error: ";
  if (!file.empty())
    llvm::errs() << file << ": ";
  llvm::errs() << what << "\n";
  return failure();
}

/// `loc` as "file:line:col" where it has one.
static std::string formatLocation(Location loc) {
  if (auto fileLoc = loc->findInstanceOf<FileLineColLoc>())
    return (fileLoc.getFilename().getValue() + ":" + Twine(fileLoc.getLine()) +
            ":" + Twine(fileLoc.getColumn()))
        .str();
  std::string text;
  llvm::raw_string_ostream os(text);
  loc.print(os);
  return text;
}

/// Prints each diagnostic on one line: "error: <location>: <message>".
static void printDiagnostic(Diagnostic &diagnostic) {
  StringRef severity = "error";
  switch (diagnostic.getSeverity()) {
  case DiagnosticSeverity::Note:
    severity = "note";
    break;
  case DiagnosticSeverity::Warning:
    severity = "warning";
    break;
  case DiagnosticSeverity::Remark:
    severity = "remark";
    break;
  case DiagnosticSeverity::Error:
    break;
  }
  llvm::errs() << severity << ": " << formatLocation(diagnostic.getLocation())
               << ": " << diagnostic.str() << "\n";
  for (Diagnostic &note : diagnostic.getNotes())
    printDiagnostic(note);
}

/// The executable's batch rule: the model's own input shape is one sample;
/// if the model's leading dimension is 1, [N, rest] is a batch of N whose
/// output is [N, rest of the output shape] (leading 1 dropped if present).
static FailureOr<std::pair<int64_t, std::vector<int64_t>>>
matchBatch(const std::vector<int64_t> &fileShape,
           const std::vector<int64_t> &inShape,
           const std::vector<int64_t> &outShape) {
  if (fileShape == inShape)
    return std::make_pair(int64_t(1), outShape);
  bool batchable = !inShape.empty() && inShape[0] == 1;
  if (batchable && fileShape.size() == inShape.size() &&
      std::equal(fileShape.begin() + 1, fileShape.end(), inShape.begin() + 1)) {
    std::vector<int64_t> batchShape{fileShape[0]};
    size_t skip = !outShape.empty() && outShape[0] == 1 ? 1 : 0;
    batchShape.insert(batchShape.end(), outShape.begin() + skip,
                      outShape.end());
    return std::make_pair(fileShape[0], batchShape);
  }
  std::string message = "shape " + ::lowbit::formatNpyShape(fileShape) +
                        " does not match the model input " +
                        ::lowbit::formatNpyShape(inShape);
  if (batchable) {
    std::string batch = ::lowbit::formatNpyShape(inShape);
    message += " or (N" + batch.substr(2);
  }
  return fail(inputFile, message);
}

/// Writes the values of the first sample to `dumpDir`.
static LogicalResult writeDump(ArrayRef<DumpedValue> dumped) {
  if (std::error_code ec = llvm::sys::fs::create_directories(dumpDir))
    return fail(dumpDir, "cannot create the directory: " + ec.message());
  size_t digits = std::max<size_t>(2, std::to_string(dumped.size()).size());
  std::string index = "# file\top\tlocation\ttype\n";
  for (auto [number, entry] : llvm::enumerate(dumped)) {
    Operation *op = entry.value.getDefiningOp();
    std::string opName =
        op ? op->getName().getStringRef().str() : std::string("input");
    std::string stem = opName;
    std::replace(stem.begin(), stem.end(), '.', '_');
    std::string file = std::to_string(number);
    file.insert(0, digits - std::min(digits, file.size()), '0');
    file += "_" + stem + ".npy";

    Type type = entry.value.getType();
    std::vector<int64_t> shape(entry.tensor.shape.begin(),
                               entry.tensor.shape.end());
    ::lowbit::NpyArray array;
    if (cast<ShapedType>(type).getElementType().isF32()) {
      array = ::lowbit::NpyArray::fromFloats(shape, entry.tensor.reals);
    } else {
      std::optional<StorageType> storage =
          getStorageType(cast<ShapedType>(type).getElementType());
      unsigned width =
          storage->width <= 8 ? 8 : storage->width <= 16 ? 16 : 32;
      array = ::lowbit::NpyArray::fromIntegers(
          *::lowbit::getNpyIntegerDType(width, storage->isSigned), shape,
          entry.tensor.values);
    }
    std::string path = dumpDir + "/" + file;
    std::string error;
    if (!::lowbit::writeNpyFile(path, array, error))
      return fail(path, error);

    std::string typeText;
    llvm::raw_string_ostream(typeText) << type;
    Location loc = op ? op->getLoc() : entry.value.getLoc();
    index += file + "\t" + opName + "\t" + formatLocation(loc) + "\t" +
             typeText + "\n";
  }
  std::string path = dumpDir + "/index.txt";
  std::string error;
  if (!::lowbit::writeBinaryFileAtomically(path, index, error))
    return fail(path, error);
  return success();
}

static LogicalResult run(MLIRContext &context) {
  // Every diagnostic, from the parser or the interpreter, on one line.
  ScopedDiagnosticHandler diagnostics(&context, [](Diagnostic &diagnostic) {
    printDiagnostic(diagnostic);
    return success();
  });
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> file = openInputFile(modelFile, &error);
  if (!file)
    return fail("", error);
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return failure();
  // The model: the only public function, of one input and one result, each
  // a static tensor of float32 (used as is), of a per-tensor quantized type
  // (quantized and dequantized at the boundary like a compiled model) or,
  // for the result, of integers (written as their float value).
  func::FuncOp function;
  for (auto candidate : module->getOps<func::FuncOp>())
    if (!candidate.isPrivate() && !candidate.isExternal())
      function = candidate;
  if (!function || function.getNumArguments() != 1 ||
      function.getNumResults() != 1)
    return fail(modelFile, "expected one public function of one input and "
                           "one result");
  auto inTensor = dyn_cast<RankedTensorType>(function.getArgumentTypes()[0]);
  auto outTensor = dyn_cast<RankedTensorType>(function.getResultTypes()[0]);
  if (!inTensor || !outTensor || !inTensor.hasStaticShape() ||
      !outTensor.hasStaticShape())
    return fail(modelFile, "the model's input and result must be static "
                           "tensors");
  auto inType = dyn_cast<quant::UniformQuantizedType>(inTensor.getElementType());
  auto outType =
      dyn_cast<quant::UniformQuantizedType>(outTensor.getElementType());
  bool floatIn = inTensor.getElementType().isF32();
  bool floatOut = outTensor.getElementType().isF32();
  if (!floatIn && !inType)
    return fail(modelFile, "the model input must be float32 or per-tensor "
                           "quantized");
  if (!floatOut && !outType && !getStorageType(outTensor.getElementType()))
    return fail(modelFile, "the model result must be float32, quantized or "
                           "integer");

  // The input file, checked in the executable's order: header, batch rule,
  // then the data.
  std::optional<std::string> bytes = ::lowbit::readBinaryFile(inputFile, error);
  if (!bytes)
    return fail(inputFile, error);
  std::optional<::lowbit::NpyHeader> header =
      ::lowbit::parseNpyHeader(*bytes, error, ::lowbit::NpyDType::Float32);
  if (!header)
    return fail(inputFile, error);
  std::vector<int64_t> inShape(inTensor.getShape().begin(),
                               inTensor.getShape().end());
  std::vector<int64_t> modelOutShape(outTensor.getShape().begin(),
                                     outTensor.getShape().end());
  auto batch = matchBatch(header->shape, inShape, modelOutShape);
  if (failed(batch))
    return failure();
  auto [samples, outputShape] = *batch;
  if (!::lowbit::getNpyNumElements(outputShape, 4))
    return fail(outputFile, "output shape " +
                                ::lowbit::formatNpyShape(outputShape) +
                                " is too large");
  std::optional<::lowbit::NpyArray> input =
      ::lowbit::parseNpyData(*bytes, *header, error);
  if (!input)
    return fail(inputFile, error);
  bytes.reset();

  int64_t inSize = inTensor.getNumElements();
  std::vector<float> x = input->getFloats();
  input.reset();
  std::vector<float> y;
  std::vector<DumpedValue> dumped;
  for (int64_t sample = 0; sample < samples; ++sample) {
    StoredTensor stored{SmallVector<int64_t>(inTensor.getShape()), {}, {}};
    if (floatIn) {
      stored.reals.assign(x.begin() + sample * inSize,
                          x.begin() + (sample + 1) * inSize);
    } else {
      stored.values.reserve(inSize);
      for (int64_t i = 0; i < inSize; ++i)
        stored.values.push_back(::lowbit::quantizeReal(
            x[sample * inSize + i], static_cast<float>(inType.getScale()),
            inType.getZeroPoint(), inType.getStorageTypeMin(),
            inType.getStorageTypeMax()));
    }
    auto record = [&](Value value, const StoredTensor &tensor) {
      dumped.push_back({value, tensor});
    };
    bool dumping = sample == 0 && !dumpDir.empty();
    FailureOr<StoredTensor> result = interpret(
        function, stored,
        rounding.getNumOccurrences() ? std::optional<RoundingMode>(rounding)
                                     : std::nullopt,
        dumping ? ValueObserver(record) : ValueObserver());
    if (failed(result))
      return failure();
    if (floatOut)
      y.insert(y.end(), result->reals.begin(), result->reals.end());
    else if (outType)
      for (int64_t q : result->values)
        y.push_back(::lowbit::dequantize(
            static_cast<int32_t>(q), static_cast<float>(outType.getScale()),
            outType.getZeroPoint()));
    else
      for (int64_t q : result->values)
        y.push_back(static_cast<float>(q));
  }

  if (!dumpDir.empty() && failed(writeDump(dumped)))
    return failure();
  if (!::lowbit::writeNpyFile(
          outputFile, ::lowbit::NpyArray::fromFloats(outputShape, y), error))
    return fail(outputFile, error);
  return success();
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "Lowbit reference interpreter: run a model in "
                              "exact integer semantics\n");
  DialectRegistry registry;
  registerLowbitDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  context.printOpOnDiagnostic(false);
  return failed(run(context)) ? 1 : 0;
}
