//===- lowbit-run.cpp - Run a model in the reference interpreter -*- C++ -*-=//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
//   lowbit-run MODEL.mlir INPUT.npy OUTPUT.npy [--rounding=single|double]
//              [--dump=DIR]
//   lowbit-run MODEL.mlir --input=A.npy [--input=B.npy ...]
//              --output=X.npy [--output=Y.npy ...] [...]
//
// The contract of an executable built by `lowbit-compile --emit=exe`
// (lib/Target/ExecutableMain.c): float32 .npy in and out, quantized and
// dequantized at the boundary with lowbit::quantizeReal / dequantize, one
// sample or a batch [N, ...], the same error messages, and OUTPUT.npy
// written only on success. The model itself runs in the reference
// interpreter instead of compiled code, so `cmp` of the two outputs is the
// differential test.
//
// A model of several arguments and results takes one --input per argument
// and one --output per result, in the function's order (the positional
// form is the same for one of each). Float32 arguments take the file's
// values as they are, per-tensor quantized ones are quantized. With a batch,
// every input holds the same number N of samples, and each output is
// [N, rest of the result shape] (leading 1 dropped).
//
// --dump=DIR writes every value computed for the first sample, in its
// storage type (float32 values as float32), as DIR/<NN>_<op name>.npy, and
// DIR/index.txt listing each file with its op, location and type.
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
                              cl::Optional, cl::cat(category));
cl::opt<std::string> outputFile(cl::Positional, cl::desc("<output.npy>"),
                                cl::Optional, cl::cat(category));
cl::list<std::string>
    inputFiles("input",
               cl::desc("The input of the next argument of the model "
                        "(repeat for each argument, in order)"),
               cl::value_desc("FILE.npy"), cl::cat(category));
cl::list<std::string>
    outputFiles("output",
                cl::desc("Where to write the next result of the model "
                         "(repeat for each result, in order)"),
                cl::value_desc("FILE.npy"), cl::cat(category));
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

/// How an input file matches its argument: exactly the argument's shape
/// (one sample), or a batch [N, rest] of an argument whose leading
/// dimension is 1.
struct InputMatch {
  bool exact;
  int64_t samples;
};

/// The executable's batch rule: the model's own input shape is one sample;
/// if the model's leading dimension is 1, [N, rest] is a batch of N.
static FailureOr<InputMatch> matchBatch(StringRef file,
                                        const std::vector<int64_t> &fileShape,
                                        const std::vector<int64_t> &inShape) {
  if (fileShape == inShape)
    return InputMatch{true, 1};
  bool batchable = !inShape.empty() && inShape[0] == 1;
  if (batchable && fileShape.size() == inShape.size() &&
      std::equal(fileShape.begin() + 1, fileShape.end(), inShape.begin() + 1))
    return InputMatch{false, fileShape[0]};
  std::string message = "shape " + ::lowbit::formatNpyShape(fileShape) +
                        " does not match the model input " +
                        ::lowbit::formatNpyShape(inShape);
  if (batchable) {
    std::string batch = ::lowbit::formatNpyShape(inShape);
    message += " or (N" + batch.substr(2);
  }
  return fail(file, message);
}

/// The shape of an output file: the result's own shape for one sample given
/// as is, else [N, rest of the result shape] (leading 1 dropped if present).
static std::vector<int64_t> outputShapeOf(bool exact, int64_t samples,
                                          const std::vector<int64_t> &shape) {
  if (exact)
    return shape;
  std::vector<int64_t> batchShape{samples};
  size_t skip = !shape.empty() && shape[0] == 1 ? 1 : 0;
  batchShape.insert(batchShape.end(), shape.begin() + skip, shape.end());
  return batchShape;
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
      unsigned width = storage->width <= 8    ? 8
                       : storage->width <= 16 ? 16
                       : storage->width <= 32 ? 32
                                              : 64;
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
  // The model: the only public function. Each argument is a static tensor
  // of float32 (used as is) or of a per-tensor quantized type (quantized
  // and dequantized at the boundary like a compiled model); each result one
  // of float32, of a quantized type or of integers (written as their float
  // value).
  func::FuncOp function;
  for (auto candidate : module->getOps<func::FuncOp>())
    if (!candidate.isPrivate() && !candidate.isExternal())
      function = candidate;
  bool positional = !inputFile.empty() || !outputFile.empty();
  if (positional && (inputFile.empty() || outputFile.empty()))
    return fail("", "expected both INPUT.npy and OUTPUT.npy");
  if (positional && (!inputFiles.empty() || !outputFiles.empty()))
    return fail("", "give the input and output files either as INPUT.npy "
                    "OUTPUT.npy or as --input= and --output=, not both");
  std::vector<std::string> inNames(inputFiles.begin(), inputFiles.end());
  std::vector<std::string> outNames(outputFiles.begin(), outputFiles.end());
  if (positional) {
    inNames = {inputFile};
    outNames = {outputFile};
  }
  if (!function)
    return fail(modelFile, "expected one public function");
  if (positional && (function.getNumArguments() != 1 ||
                     function.getNumResults() != 1))
    return fail(modelFile,
                "expected one public function of one input and one result "
                "(give a model of several with --input= and --output=)");
  if (inNames.size() != function.getNumArguments() ||
      outNames.size() != function.getNumResults())
    return fail(modelFile, "the model has " +
                               Twine(function.getNumArguments()) +
                               " inputs and " +
                               Twine(function.getNumResults()) +
                               " results, got " + Twine(inNames.size()) +
                               " --input and " + Twine(outNames.size()) +
                               " --output files");
  for (Type type : function.getArgumentTypes()) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor || !tensor.hasStaticShape())
      return fail(modelFile, "the model's input and result must be static "
                             "tensors");
    if (!tensor.getElementType().isF32() &&
        !isa<quant::UniformQuantizedType>(tensor.getElementType()))
      return fail(modelFile, "the model input must be float32 or per-tensor "
                             "quantized");
  }
  for (Type type : function.getResultTypes()) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor || !tensor.hasStaticShape())
      return fail(modelFile, "the model's input and result must be static "
                             "tensors");
    if (!tensor.getElementType().isF32() &&
        !isa<quant::UniformQuantizedType>(tensor.getElementType()) &&
        !getStorageType(tensor.getElementType()))
      return fail(modelFile, "the model result must be float32, quantized or "
                             "integer");
  }

  // The input files, checked in the executable's order: header, batch rule,
  // then the data.
  size_t numInputs = inNames.size();
  std::vector<std::string> inBytes(numInputs);
  std::vector<::lowbit::NpyHeader> headers;
  std::vector<InputMatch> matches;
  for (size_t i = 0; i < numInputs; ++i) {
    std::optional<std::string> bytes =
        ::lowbit::readBinaryFile(inNames[i], error);
    if (!bytes)
      return fail(inNames[i], error);
    std::optional<::lowbit::NpyHeader> header = ::lowbit::parseNpyHeader(
        *bytes, error, ::lowbit::NpyDType::Float32);
    if (!header)
      return fail(inNames[i], error);
    auto inTensor = cast<RankedTensorType>(function.getArgumentTypes()[i]);
    std::vector<int64_t> inShape(inTensor.getShape().begin(),
                                 inTensor.getShape().end());
    FailureOr<InputMatch> match =
        matchBatch(inNames[i], header->shape, inShape);
    if (failed(match))
      return failure();
    inBytes[i] = std::move(*bytes);
    headers.push_back(*header);
    matches.push_back(*match);
  }
  // One sample if every file has its argument's exact shape; otherwise a
  // batch of the same N in every file.
  bool exact = llvm::all_of(matches, [](const InputMatch &m) {
    return m.exact;
  });
  int64_t samples = matches.empty() ? 1 : matches.front().samples;
  for (size_t i = 0; i < numInputs && !exact; ++i) {
    auto inTensor = cast<RankedTensorType>(function.getArgumentTypes()[i]);
    if (matches[i].exact && inTensor.getDimSize(0) != 1)
      return fail(inNames[i], "holds one sample, but " + inNames.front() +
                                  " holds a batch");
    if (matches[i].samples != samples)
      return fail(inNames[i], "holds " + Twine(matches[i].samples) +
                                  " samples, but " + inNames.front() +
                                  " holds " + Twine(samples));
  }
  std::vector<std::vector<int64_t>> outputShapes;
  for (auto [name, type] : llvm::zip(outNames, function.getResultTypes())) {
    auto outTensor = cast<RankedTensorType>(type);
    std::vector<int64_t> shape = outputShapeOf(
        exact, samples,
        std::vector<int64_t>(outTensor.getShape().begin(),
                             outTensor.getShape().end()));
    if (!::lowbit::getNpyNumElements(shape, 4))
      return fail(name, "output shape " + ::lowbit::formatNpyShape(shape) +
                            " is too large");
    outputShapes.push_back(std::move(shape));
  }
  std::vector<std::vector<float>> x(numInputs);
  for (size_t i = 0; i < numInputs; ++i) {
    std::optional<::lowbit::NpyArray> input =
        ::lowbit::parseNpyData(inBytes[i], headers[i], error);
    if (!input)
      return fail(inNames[i], error);
    inBytes[i].clear();
    x[i] = input->getFloats();
  }

  std::vector<std::vector<float>> y(outNames.size());
  std::vector<DumpedValue> dumped;
  std::optional<RoundingMode> roundingMode =
      rounding.getNumOccurrences() ? std::optional<RoundingMode>(rounding)
                                   : std::nullopt;
  for (int64_t sample = 0; sample < samples; ++sample) {
    std::vector<StoredTensor> stored;
    for (size_t i = 0; i < numInputs; ++i) {
      auto inTensor = cast<RankedTensorType>(function.getArgumentTypes()[i]);
      int64_t inSize = inTensor.getNumElements();
      auto begin = x[i].begin() + sample * inSize;
      StoredTensor tensor{SmallVector<int64_t>(inTensor.getShape()), {}, {}};
      if (auto inType = dyn_cast<quant::UniformQuantizedType>(
              inTensor.getElementType())) {
        tensor.values.reserve(inSize);
        for (int64_t k = 0; k < inSize; ++k)
          tensor.values.push_back(::lowbit::quantizeReal(
              begin[k], static_cast<float>(inType.getScale()),
              inType.getZeroPoint(), inType.getStorageTypeMin(),
              inType.getStorageTypeMax()));
      } else {
        tensor.reals.assign(begin, begin + inSize);
      }
      stored.push_back(std::move(tensor));
    }
    auto record = [&](Value value, const StoredTensor &tensor) {
      dumped.push_back({value, tensor});
    };
    bool dumping = sample == 0 && !dumpDir.empty();
    FailureOr<std::vector<StoredTensor>> results =
        interpret(function, stored, roundingMode,
                  dumping ? ValueObserver(record) : ValueObserver());
    if (failed(results))
      return failure();
    for (auto [r, result] : llvm::enumerate(*results)) {
      Type element = cast<RankedTensorType>(function.getResultTypes()[r])
                         .getElementType();
      std::vector<float> &out = y[r];
      if (element.isF32())
        out.insert(out.end(), result.reals.begin(), result.reals.end());
      else if (auto outType = dyn_cast<quant::UniformQuantizedType>(element))
        for (int64_t q : result.values)
          out.push_back(::lowbit::dequantize(
              static_cast<int32_t>(q), static_cast<float>(outType.getScale()),
              outType.getZeroPoint()));
      else
        for (int64_t q : result.values)
          out.push_back(static_cast<float>(q));
    }
  }

  if (!dumpDir.empty() && failed(writeDump(dumped)))
    return failure();
  for (size_t r = 0; r < outNames.size(); ++r)
    if (!::lowbit::writeNpyFile(
            outNames[r],
            ::lowbit::NpyArray::fromFloats(outputShapes[r], y[r]), error))
      return fail(outNames[r], error);
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
