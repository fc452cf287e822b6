//===- lowbit-run.cpp - Run a model in the reference interpreter -*- C++ -*-=//
//
//   lowbit-run MODEL.mlir INPUT.npy OUTPUT.npy [--rounding=single|double]
//
// The same contract as an executable from `lowbit-compile --emit=exe`
// (float32 .npy in and out, quantize at the boundary, one sample or a batch
// [N, ...]), computed by the reference interpreter instead of compiled code:
// `cmp` of the two outputs is the differential test.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/Lowbit/Transforms/ModelInterface.h"
#include "lowbit/Pipelines/Pipelines.h"
#include "lowbit/Reference/Interpreter.h"
#include "lowbit/Support/FixedPoint.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <cstring>

using namespace mlir;
using namespace mlir::lowbit;
namespace cl = llvm::cl;

static cl::opt<std::string> modelFile(cl::Positional, cl::desc("<model.mlir>"),
                                      cl::Required);
static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input.npy>"),
                                      cl::Required);
static cl::opt<std::string> outputFile(cl::Positional,
                                       cl::desc("<output.npy>"), cl::Required);
static cl::opt<RoundingMode> rounding(
    "rounding", cl::desc("Override the rounding of every requantize"),
    cl::values(clEnumValN(RoundingMode::Single, "single", "single rounding"),
               clEnumValN(RoundingMode::Double, "double", "double rounding")));

namespace {
/// A float32 array read from or written to a .npy file.
struct FloatArray {
  SmallVector<int64_t> shape;
  std::vector<float> values;
};
} // namespace

static std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text = "(" + llvm::join(llvm::map_range(shape, [](int64_t d) {
                                        return std::to_string(d);
                                      }),
                                      ", ");
  return text + (shape.size() == 1 ? ",)" : ")");
}

/// Reads a little-endian float32 .npy file (format 1.0, 2.0 or 3.0).
static FailureOr<FloatArray> readNpy(StringRef path) {
  auto fail = [&](const Twine &what) {
    llvm::errs() << "error: " << path << ": " << what << "\n";
    return failure();
  };
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return fail("cannot open: " + buffer.getError().message());
  StringRef data = (*buffer)->getBuffer();
  if (data.size() < 10 || !data.starts_with("\x93NUMPY"))
    return fail("not a .npy file");
  unsigned major = static_cast<unsigned char>(data[6]);
  size_t lengthBytes = major == 1 ? 2 : 4;
  if (major < 1 || major > 3 || data.size() < 8 + lengthBytes)
    return fail("unsupported .npy version");
  size_t headerLength = 0;
  for (size_t i = 0; i < lengthBytes; ++i)
    headerLength |= size_t(static_cast<unsigned char>(data[8 + i])) << (8 * i);
  size_t offset = 8 + lengthBytes;
  if (data.size() < offset + headerLength)
    return fail("truncated header");
  StringRef header = data.substr(offset, headerLength);

  auto valueOf = [&](StringRef key) -> StringRef {
    size_t at = header.find(("'" + key + "'").str());
    if (at == StringRef::npos)
      return {};
    StringRef rest = header.substr(at + key.size() + 2).ltrim(" :");
    return rest;
  };
  StringRef descr = valueOf("descr");
  if (!descr.starts_with("'<f4'"))
    return fail("dtype " + descr.take_until([](char c) { return c == ','; }) +
                " is not float32 ('<f4')");
  if (valueOf("fortran_order").starts_with("True"))
    return fail("fortran_order arrays are not supported");
  StringRef shapeText = valueOf("shape");
  if (!shapeText.consume_front("("))
    return fail("malformed header");
  shapeText = shapeText.take_until([](char c) { return c == ')'; });
  FloatArray array;
  int64_t count = 1;
  for (StringRef dim : llvm::split(shapeText, ',')) {
    dim = dim.trim();
    if (dim.empty())
      continue;
    int64_t size;
    if (dim.getAsInteger(10, size) || size < 0 || size > (int64_t(1) << 40))
      return fail("malformed shape");
    array.shape.push_back(size);
    count *= size;
  }
  size_t expected = size_t(count) * 4, actual = data.size() - offset -
                                                 headerLength;
  if (actual != expected)
    return fail((actual < expected ? "truncated data: expected "
                                   : "trailing data: expected ") +
                Twine(expected) + " bytes, got " + Twine(actual));
  array.values.resize(count);
  std::memcpy(array.values.data(), data.data() + offset + headerLength,
              expected);
  return array;
}

/// Writes a float32 .npy file as numpy does (format 1.0).
static void writeNpy(llvm::raw_ostream &os, const FloatArray &array) {
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " +
                       formatShape(array.shape) + ", }";
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  os << "\x93NUMPY" << char(1) << char(0) << char(header.size() & 0xff)
     << char(header.size() >> 8) << header;
  os.write(reinterpret_cast<const char *>(array.values.data()),
           array.values.size() * sizeof(float));
}

static LogicalResult run(MLIRContext &context) {
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  std::string error;
  auto file = openInputFile(modelFile, &error);
  if (!file) {
    llvm::errs() << "error: " << error << "\n";
    return failure();
  }
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return failure();
  FailureOr<ModelInterface> model = getModelInterface(*module, "", "");
  if (failed(model))
    return failure();
  FailureOr<FloatArray> input = readNpy(inputFile);
  if (failed(input))
    return failure();

  // The executable's batch rule: the model's own shape is one sample;
  // [N, rest] is a batch when the model's leading dimension is 1.
  ArrayRef<int64_t> inShape = model->input.shape;
  ArrayRef<int64_t> outShape = model->output.shape;
  bool batched = !inShape.empty() && inShape[0] == 1;
  FloatArray output;
  int64_t samples = 1;
  if (ArrayRef<int64_t>(input->shape) == inShape) {
    output.shape.assign(outShape.begin(), outShape.end());
  } else if (batched && input->shape.size() == inShape.size() &&
             ArrayRef<int64_t>(input->shape).drop_front() ==
                 inShape.drop_front()) {
    samples = input->shape[0];
    output.shape.push_back(samples);
    ArrayRef<int64_t> rest =
        !outShape.empty() && outShape[0] == 1 ? outShape.drop_front()
                                              : outShape;
    output.shape.append(rest.begin(), rest.end());
  } else {
    llvm::errs() << "error: " << inputFile << ": shape "
                 << formatShape(input->shape)
                 << " does not match the model input " << formatShape(inShape)
                 << "\n";
    return failure();
  }

  const quant::UniformQuantizedType &inType = model->input.type;
  const quant::UniformQuantizedType &outType = model->output.type;
  int64_t inSize = model->input.getNumElements();
  for (int64_t s = 0; s < samples; ++s) {
    StoredTensor stored{llvm::to_vector(inShape), {}};
    for (int64_t i = 0; i < inSize; ++i)
      stored.values.push_back(::lowbit::quantizeReal(
          input->values[s * inSize + i], static_cast<float>(inType.getScale()),
          inType.getZeroPoint(), inType.getStorageTypeMin(),
          inType.getStorageTypeMax()));
    std::optional<RoundingMode> mode;
    if (rounding.getNumOccurrences())
      mode = rounding;
    FailureOr<StoredTensor> result = interpret(model->function, stored, mode);
    if (failed(result))
      return failure();
    for (int64_t q : result->values)
      output.values.push_back(::lowbit::dequantize(
          static_cast<int32_t>(q), static_cast<float>(outType.getScale()),
          outType.getZeroPoint()));
  }

  std::unique_ptr<llvm::ToolOutputFile> out =
      openOutputFile(outputFile, &error);
  if (!out) {
    llvm::errs() << "error: " << error << "\n";
    return failure();
  }
  writeNpy(out->os(), output);
  out->keep();
  return success();
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  cl::ParseCommandLineOptions(argc, argv,
                              "Lowbit reference interpreter: run a model in "
                              "exact integer semantics\n");
  DialectRegistry registry;
  registerLowbitDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  return failed(run(context)) ? 1 : 0;
}
