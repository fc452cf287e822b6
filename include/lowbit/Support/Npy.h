//===- Npy.h - Reading and writing NumPy .npy files -------------*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// The .npy format (numpy.lib.format) for the few dtypes Lowbit exchanges:
// float32 samples in and out of a model, and its stored integer tensors for
// dumps. Reading accepts format versions 1.0, 2.0 and 3.0; writing produces
// format 1.0 byte-identical to numpy.save (numpy >= 1.24). Data is always
// little-endian and in C order.
//
// The header checks and their messages are those of the driver of compiled
// executables (lib/Target/ExecutableMain.c), so that a tool built on this file
// rejects a bad input file with the same words as a compiled model.
//
// Errors are returned as text (no exceptions); callers prefix the file name.
// Pure C++17 plus POSIX getpid(); no LLVM or MLIR dependency.
//
//===----------------------------------------------------------------------===//

#ifndef LOWBIT_SUPPORT_NPY_H
#define LOWBIT_SUPPORT_NPY_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lowbit {

/// The element types of the .npy files Lowbit reads and writes.
enum class NpyDType {
  Float32,
  Int8,
  UInt8,
  Int16,
  UInt16,
  Int32,
  UInt32,
  Int64
};

/// The canonical numpy `descr` of \p dtype: '<f4', '|i1', '|u1', '<i2',
/// '<u2', '<i4', '<u4' or '<i8' (Int64 is written, never read: the packed
/// signs of the binary ops in lowbit-run --dump).
const char *getNpyDescr(NpyDType dtype);
/// A readable name: "float32", "int8", ...
const char *getNpyDTypeName(NpyDType dtype);
/// The size of one element in bytes.
size_t getNpyElementSize(NpyDType dtype);
/// The integer dtype of the given width (8, 16, 32, or 64 signed) and
/// signedness.
std::optional<NpyDType> getNpyIntegerDType(unsigned width, bool isSigned);

/// Formats \p shape like Python's repr of a tuple: (), (5,), (3, 4).
std::string formatNpyShape(const std::vector<int64_t> &shape);

/// The product of the dimensions of \p shape, or std::nullopt if an array of
/// that shape would not fit in INT64_MAX bytes.
std::optional<int64_t> getNpyNumElements(const std::vector<int64_t> &shape,
                                         size_t elementSize);

/// What the header of a .npy file says.
struct NpyHeader {
  NpyDType dtype = NpyDType::Float32;
  std::vector<int64_t> shape;
  /// Whether the file declared fortran_order: True (only accepted where the
  /// layout equals C order: at most one dimension larger than 1).
  bool fortranOrder = false;
  /// Offset of the first data byte in the file.
  size_t dataOffset = 0;
  /// The major format version (1, 2 or 3).
  unsigned version = 1;
};

/// A C-order array: its dtype, its shape and its data as little-endian bytes.
class NpyArray {
public:
  NpyArray() = default;
  NpyArray(NpyDType dtype, std::vector<int64_t> shape, std::string data)
      : dtype(dtype), shape(std::move(shape)), data(std::move(data)) {}

  /// A float32 array.
  static NpyArray fromFloats(std::vector<int64_t> shape,
                             const std::vector<float> &values);
  /// An integer array; every value must be representable in \p dtype.
  static NpyArray fromIntegers(NpyDType dtype, std::vector<int64_t> shape,
                               const std::vector<int64_t> &values);

  NpyDType getDType() const { return dtype; }
  const std::vector<int64_t> &getShape() const { return shape; }
  const std::string &getData() const { return data; }
  int64_t getNumElements() const;

  /// The elements of a float32 array.
  std::vector<float> getFloats() const;
  /// The elements of an integer array.
  std::vector<int64_t> getIntegers() const;

private:
  NpyDType dtype = NpyDType::Float32;
  std::vector<int64_t> shape;
  std::string data;
};

/// Parses the preamble and header of the .npy file \p bytes and checks that
/// its dtype is supported (and is \p requiredDType, if given), that its size
/// in bytes fits in int64 and that a fortran_order array has the layout of
/// C order. Does not look at the data. Returns std::nullopt and sets
/// \p error on failure.
std::optional<NpyHeader>
parseNpyHeader(std::string_view bytes, std::string &error,
               std::optional<NpyDType> requiredDType = std::nullopt);

/// Extracts the data that follows \p header in \p bytes. Fails, setting
/// \p error, if there are fewer or more bytes than the shape needs.
std::optional<NpyArray> parseNpyData(std::string_view bytes,
                                     const NpyHeader &header,
                                     std::string &error);

/// parseNpyHeader followed by parseNpyData.
std::optional<NpyArray>
parseNpy(std::string_view bytes, std::string &error,
         std::optional<NpyDType> requiredDType = std::nullopt);

/// The bytes of \p array as numpy.save writes them (format 1.0; 2.0 only if
/// the header would not fit in 64 KiB).
std::string serializeNpy(const NpyArray &array);

/// Reads the whole file \p path. On failure sets \p error to
/// "cannot open: <reason>" or "read error: <reason>".
std::optional<std::string> readBinaryFile(const std::string &path,
                                          std::string &error);

/// Writes \p bytes to \p path through a temporary file in the same
/// directory that is renamed over \p path only when everything was written:
/// \p path is never left partially written. On failure sets \p error.
bool writeBinaryFileAtomically(const std::string &path, std::string_view bytes,
                               std::string &error);

/// Reads and parses the .npy file \p path.
std::optional<NpyArray>
readNpyFile(const std::string &path, std::string &error,
            std::optional<NpyDType> requiredDType = std::nullopt);

/// Writes \p array to \p path (see serializeNpy, writeBinaryFileAtomically).
bool writeNpyFile(const std::string &path, const NpyArray &array,
                  std::string &error);

} // namespace lowbit

#endif // LOWBIT_SUPPORT_NPY_H
