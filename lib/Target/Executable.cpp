//===- Executable.cpp - Linking a model into an executable ------*- C++ -*-===//

#include "lowbit/Target/Executable.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;
using namespace mlir::lowbit;

static const char kExecutableMain[] =
#include "ExecutableMain.inc"
    ;

std::string mlir::lowbit::getDefaultCCompiler(StringRef tripleName) {
  llvm::Triple host(llvm::sys::getProcessTriple());
  llvm::Triple triple(tripleName.empty() ? host.str()
                                         : llvm::Triple::normalize(tripleName));
  if (triple.getArch() == host.getArch() && triple.getOS() == host.getOS())
    return "cc";
  // Debian's cross compilers are named <arch>-<os>-<env>-gcc.
  return (llvm::Triple::getArchTypeName(triple.getArch()) + "-linux-" +
          llvm::Triple::getEnvironmentTypeName(triple.getEnvironment()) +
          "-gcc")
      .str();
}

LogicalResult mlir::lowbit::linkExecutable(const ModelInterface &model,
                                           StringRef compiler,
                                           StringRef objectPath,
                                           StringRef headerPath,
                                           StringRef outputPath) {
  llvm::ErrorOr<std::string> compilerPath =
      llvm::sys::findProgramByName(compiler);
  if (!compilerPath) {
    llvm::errs() << "error: C compiler '" << compiler
                 << "' not found (needed to link --emit=exe; choose one with "
                    "--cc=)\n";
    return failure();
  }

  llvm::SmallString<128> mainPath;
  int fd;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("lowbit-main", "c", fd, mainPath)) {
    llvm::errs() << "error: cannot create a temporary file: " << ec.message()
                 << "\n";
    return failure();
  }
  llvm::FileRemover mainRemover(mainPath);
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << kExecutableMain;
  }

  std::string temporaryOutput = (outputPath + ".tmp").str();
  llvm::FileRemover outputRemover(temporaryOutput);
  std::string prefix = "-DLB_PREFIX=" + model.name;
  std::string inputType = "-DLB_INPUT_CTYPE=" + model.input.getCType();
  std::string outputType = "-DLB_OUTPUT_CTYPE=" + model.output.getCType();
  SmallVector<StringRef> args{*compilerPath, "-std=c99",   "-O2",
                              prefix,        inputType,    outputType,
                              "-include",    headerPath,   mainPath,
                              objectPath,    "-o",         temporaryOutput,
                              "-lm"};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(*compilerPath, args, std::nullopt,
                                         {}, 0, 0, &message);
  if (status != 0) {
    llvm::errs() << "error: linking the executable with '" << compiler
                 << "' failed"
                 << (message.empty() ? "" : ": " + message) << "\n";
    return failure();
  }
  if (std::error_code ec = llvm::sys::fs::rename(temporaryOutput, outputPath)) {
    llvm::errs() << "error: cannot write '" << outputPath
                 << "': " << ec.message() << "\n";
    return failure();
  }
  outputRemover.releaseFile();
  return success();
}
