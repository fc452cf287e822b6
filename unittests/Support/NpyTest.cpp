//===- NpyTest.cpp - Tests for .npy reading and writing ---------*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// The fixtures are the bytes numpy 1.24 writes (np.save, and
// np.lib.format.write_array for versions 2.0 and 3.0), copied here literally
// so that the tests do not depend on the code under test to produce them.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Support/Npy.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <sys/stat.h>
#include <unistd.h>

using namespace lowbit;

namespace {

/// The bytes of a string literal, including embedded NULs.
template <size_t N> std::string bytesOf(const char (&literal)[N]) {
  return std::string(literal, N - 1);
}

/// A .npy file with the given version, header text and data; the header is
/// not padded, which readers must accept.
std::string makeNpy(unsigned version, const std::string &header,
                    const std::string &data) {
  std::string bytes = "\x93NUMPY";
  bytes += static_cast<char>(version);
  bytes += '\0';
  size_t lengthBytes = version == 1 ? 2 : 4;
  for (size_t b = 0; b < lengthBytes; ++b)
    bytes += static_cast<char>((header.size() >> (8 * b)) & 0xff);
  return bytes + header + data;
}

/// The error of parsing `bytes`, or "" if it parses.
std::string parseError(const std::string &bytes,
                       std::optional<NpyDType> required = std::nullopt) {
  std::string error;
  if (parseNpy(bytes, error, required))
    return "";
  EXPECT_FALSE(error.empty());
  return error;
}

std::string parseHeaderError(const std::string &header,
                             std::optional<NpyDType> required = std::nullopt) {
  return parseError(makeNpy(1, header, ""), required);
}

// np.save(f, (np.arange(6, dtype=np.float32).reshape(2, 3) * 0.5 - 1))
const char kFloat2x3[] =
    "\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': "
    "(2, 3), }                                                          \x0a"
    "\x00\x00\x80\xbf\x00\x00\x00\xbf\x00\x00\x00\x00\x00\x00\x00?\x00\x00\x80?"
    "\x00\x00\xc0?";
// np.save(f, np.array([0.1, -0.0, np.inf, np.nan], np.float32))
const char kFloatSpecial[] =
    "\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': "
    "(4,), }                                                            \x0a"
    "\xcd\xcc\xcc=\x00\x00\x00\x80\x00\x00\x80\x7f\x00\x00\xc0\x7f";
// np.save(f, np.array([-128, -1, 0, 127], np.int8))
const char kInt8[] =
    "\x93NUMPY\x01\x00v\x00{'descr': '|i1', 'fortran_order': False, 'shape': "
    "(4,), }                                                            \x0a"
    "\x80\xff\x00\x7f";
// np.save(f, np.array([[0, 1], [254, 255]], np.uint8))
const char kUInt8[] =
    "\x93NUMPY\x01\x00v\x00{'descr': '|u1', 'fortran_order': False, 'shape': "
    "(2, 2), }                                                          \x0a"
    "\x00\x01\xfe\xff";
// np.save(f, np.array([-32768, 32767, -2], np.int16))
const char kInt16[] =
    "\x93NUMPY\x01\x00v\x00{'descr': '<i2', 'fortran_order': False, 'shape': "
    "(3,), }                                                            \x0a"
    "\x00\x80\xff\x7f\xfe\xff";
// np.save(f, np.array(-5, np.int32))
const char kInt32Scalar[] =
    "\x93NUMPY\x01\x00v\x00{'descr': '<i4', 'fortran_order': False, 'shape': "
    "(), }                                                              \x0a"
    "\xfb\xff\xff\xff";
// np.save(f, np.zeros((0, 3), np.float32))
const char kEmpty[] =
    "\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': "
    "(0, 3), }                                                          \x0a";
// np.lib.format.write_array(f, np.array([1.5, -2.0], np.float32), (2, 0))
const char kVersion2[] =
    "\x93NUMPY\x02\x00t\x00\x00\x00{'descr': '<f4', 'fortran_order': False, "
    "'shape': (2,), }                                                          "
    "\x0a\x00\x00\xc0?\x00\x00\x00\xc0";
// np.lib.format.write_array(f, np.array([[3.0]], np.float32), (3, 0))
const char kVersion3[] =
    "\x93NUMPY\x03\x00t\x00\x00\x00{'descr': '<f4', 'fortran_order': False, "
    "'shape': (1, 1), }                                                        "
    "\x0a\x00\x00@@";
// np.save(f, np.asfortranarray(np.array([[1, 2], [3, 4]], np.float32)))
const char kFortran2x2[] =
    "\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': True, 'shape': "
    "(2, 2), }                                                           \x0a"
    "\x00\x00\x80?\x00\x00@@\x00\x00\x00@\x00\x00\x80@";

//===----------------------------------------------------------------------===//
// Writing: byte-identical to numpy
//===----------------------------------------------------------------------===//

TEST(NpyTest, WritesWhatNumpyWrites) {
  EXPECT_EQ(serializeNpy(NpyArray::fromFloats(
                {2, 3}, {-1.0f, -0.5f, 0.0f, 0.5f, 1.0f, 1.5f})),
            bytesOf(kFloat2x3));
  EXPECT_EQ(serializeNpy(NpyArray::fromFloats(
                {4}, {0.1f, -0.0f, INFINITY, std::nanf("")})),
            bytesOf(kFloatSpecial));
  EXPECT_EQ(serializeNpy(NpyArray::fromIntegers(NpyDType::Int8, {4},
                                                {-128, -1, 0, 127})),
            bytesOf(kInt8));
  EXPECT_EQ(serializeNpy(NpyArray::fromIntegers(NpyDType::UInt8, {2, 2},
                                                {0, 1, 254, 255})),
            bytesOf(kUInt8));
  EXPECT_EQ(serializeNpy(NpyArray::fromIntegers(NpyDType::Int16, {3},
                                                {-32768, 32767, -2})),
            bytesOf(kInt16));
  EXPECT_EQ(serializeNpy(NpyArray::fromIntegers(NpyDType::Int32, {}, {-5})),
            bytesOf(kInt32Scalar));
  EXPECT_EQ(serializeNpy(NpyArray::fromFloats({0, 3}, {})), bytesOf(kEmpty));
}

TEST(NpyTest, HeaderIsAlignedAndLeavesRoomToGrow) {
  for (int64_t n : {int64_t(1), int64_t(12345), int64_t(1) << 40}) {
    NpyArray array(NpyDType::UInt8, {n, 0}, "");
    std::string bytes = serializeNpy(array);
    EXPECT_EQ(bytes.size() % 64, 0u);
    EXPECT_EQ(bytes.back(), '\n');
    EXPECT_NE(bytes.find("'shape': (" + std::to_string(n) + ", 0), }"),
              std::string::npos);
  }
}

//===----------------------------------------------------------------------===//
// Reading numpy's files
//===----------------------------------------------------------------------===//

TEST(NpyTest, ReadsNumpyFloats) {
  std::string error;
  std::optional<NpyArray> array = parseNpy(bytesOf(kFloat2x3), error);
  ASSERT_TRUE(array) << error;
  EXPECT_EQ(array->getDType(), NpyDType::Float32);
  EXPECT_EQ(array->getShape(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(array->getFloats(),
            (std::vector<float>{-1.0f, -0.5f, 0.0f, 0.5f, 1.0f, 1.5f}));

  array = parseNpy(bytesOf(kFloatSpecial), error);
  ASSERT_TRUE(array) << error;
  std::vector<float> values = array->getFloats();
  EXPECT_EQ(values[0], 0.1f);
  EXPECT_TRUE(values[1] == 0.0f && std::signbit(values[1]));
  EXPECT_EQ(values[2], INFINITY);
  EXPECT_TRUE(std::isnan(values[3]));
}

TEST(NpyTest, ReadsNumpyIntegers) {
  std::string error;
  std::optional<NpyArray> array = parseNpy(bytesOf(kInt8), error);
  ASSERT_TRUE(array) << error;
  EXPECT_EQ(array->getDType(), NpyDType::Int8);
  EXPECT_EQ(array->getIntegers(), (std::vector<int64_t>{-128, -1, 0, 127}));

  array = parseNpy(bytesOf(kUInt8), error);
  ASSERT_TRUE(array) << error;
  EXPECT_EQ(array->getDType(), NpyDType::UInt8);
  EXPECT_EQ(array->getIntegers(), (std::vector<int64_t>{0, 1, 254, 255}));

  array = parseNpy(bytesOf(kInt16), error);
  ASSERT_TRUE(array) << error;
  EXPECT_EQ(array->getIntegers(), (std::vector<int64_t>{-32768, 32767, -2}));

  array = parseNpy(bytesOf(kInt32Scalar), error);
  ASSERT_TRUE(array) << error;
  EXPECT_TRUE(array->getShape().empty());
  EXPECT_EQ(array->getIntegers(), (std::vector<int64_t>{-5}));
}

TEST(NpyTest, ReadsVersions2And3) {
  std::string error;
  std::optional<NpyArray> array = parseNpy(bytesOf(kVersion2), error);
  ASSERT_TRUE(array) << error;
  EXPECT_EQ(array->getShape(), (std::vector<int64_t>{2}));
  EXPECT_EQ(array->getFloats(), (std::vector<float>{1.5f, -2.0f}));

  std::optional<NpyHeader> header = parseNpyHeader(bytesOf(kVersion3), error);
  ASSERT_TRUE(header) << error;
  EXPECT_EQ(header->version, 3u);
  array = parseNpy(bytesOf(kVersion3), error);
  ASSERT_TRUE(array) << error;
  EXPECT_EQ(array->getFloats(), (std::vector<float>{3.0f}));
}

TEST(NpyTest, ReadsEmptyArrays) {
  std::string error;
  std::optional<NpyArray> array = parseNpy(bytesOf(kEmpty), error);
  ASSERT_TRUE(array) << error;
  EXPECT_EQ(array->getShape(), (std::vector<int64_t>{0, 3}));
  EXPECT_EQ(array->getNumElements(), 0);
}

TEST(NpyTest, RoundTripsEveryDType) {
  std::vector<std::pair<NpyDType, std::vector<int64_t>>> cases = {
      {NpyDType::Int8, {-128, 0, 127}},
      {NpyDType::UInt8, {0, 128, 255}},
      {NpyDType::Int16, {-32768, -1, 32767}},
      {NpyDType::UInt16, {0, 40000, 65535}},
      {NpyDType::Int32, {INT32_MIN, -1, INT32_MAX}},
      {NpyDType::UInt32, {0, 1, 4294967295}}};
  for (auto &[dtype, values] : cases) {
    std::string error;
    std::optional<NpyArray> array = parseNpy(
        serializeNpy(NpyArray::fromIntegers(dtype, {1, 3}, values)), error);
    ASSERT_TRUE(array) << error;
    EXPECT_EQ(array->getDType(), dtype);
    EXPECT_EQ(array->getShape(), (std::vector<int64_t>{1, 3}));
    EXPECT_EQ(array->getIntegers(), values) << getNpyDescr(dtype);
  }
  std::vector<float> floats = {-0.0f, 1e-45f, -3.4028235e38f, 0.3f};
  std::string error;
  std::optional<NpyArray> array =
      parseNpy(serializeNpy(NpyArray::fromFloats({2, 1, 2}, floats)), error);
  ASSERT_TRUE(array) << error;
  EXPECT_EQ(array->getShape(), (std::vector<int64_t>{2, 1, 2}));
  EXPECT_EQ(std::memcmp(array->getFloats().data(), floats.data(), 16), 0);
}

TEST(NpyTest, AcceptsHandWrittenHeaders) {
  std::string error;
  // Double quotes, Python 2 longs, extra keys, other key order, no trailing
  // comma, no padding, line continuation.
  std::optional<NpyArray> array =
      parseNpy(makeNpy(1,
                       "{\"shape\": (2L, 1), 'extra': [1, (2, 3), {'a': 'b'}], "
                       "\"fortran_order\": False, \\\n 'descr': '<f4'}",
                       std::string(8, '\0')),
               error);
  ASSERT_TRUE(array) << error;
  EXPECT_EQ(array->getShape(), (std::vector<int64_t>{2, 1}));
  // One-byte types in any byte order.
  array = parseNpy(
      makeNpy(1, "{'descr': '<u1', 'fortran_order': False, 'shape': (1,)}",
              "\xff"),
      error);
  ASSERT_TRUE(array) << error;
  EXPECT_EQ(array->getIntegers(), (std::vector<int64_t>{255}));
}

TEST(NpyTest, FortranOrderOnlyWhereItEqualsCOrder) {
  std::string error;
  std::optional<NpyArray> array = parseNpy(
      makeNpy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 2)}",
              std::string(8, '\0')),
      error);
  ASSERT_TRUE(array) << error;
  EXPECT_EQ(parseError(bytesOf(kFortran2x2)),
            "fortran_order=True is not supported for shape (2, 2) (save the "
            "array in C order)");
}

//===----------------------------------------------------------------------===//
// Rejecting bad files
//===----------------------------------------------------------------------===//

TEST(NpyTest, RejectsBadPreambles) {
  EXPECT_EQ(parseError(""), "not a .npy file (bad magic)");
  EXPECT_EQ(parseError("not an array\n"), "not a .npy file (bad magic)");
  EXPECT_EQ(parseError("\x93NUMPY"), "truncated header");
  EXPECT_EQ(parseError(std::string("\x93NUMPY\x01\x00\x10", 9)),
            "truncated header");
  EXPECT_EQ(parseError(makeNpy(4, "{}", "")),
            "unsupported .npy format version 4.0 (expected 1.0, 2.0 or 3.0)");
  EXPECT_EQ(parseError(std::string("\x93NUMPY\x01\x01\x00\x00", 10)),
            "unsupported .npy format version 1.1 (expected 1.0, 2.0 or 3.0)");
  EXPECT_EQ(parseError(std::string("\x93NUMPY\x02\x00\x00\x00\x20\x00", 12)),
            "header too large (2097152 bytes, at most 1048576)");
  EXPECT_EQ(parseError(bytesOf(kFloat2x3).substr(0, 40)),
            "truncated header: expected 118 bytes, got 30");
}

TEST(NpyTest, RejectsMalformedHeaders) {
  EXPECT_EQ(parseHeaderError("['descr']"),
            "malformed header: the header is not a dict");
  EXPECT_EQ(parseHeaderError("{descr: '<f4'}"),
            "malformed header: expected a string key");
  EXPECT_EQ(parseHeaderError("{'descr' '<f4'}"),
            "malformed header: expected ':' after a key");
  EXPECT_EQ(parseHeaderError("{'descr': '<f4', 'fortran_order': False}"),
            "malformed header: missing key 'shape'");
  EXPECT_EQ(parseHeaderError("{'shape': (), 'fortran_order': False}"),
            "malformed header: missing key 'descr'");
  EXPECT_EQ(parseHeaderError("{'descr': '<f4', 'shape': ()}"),
            "malformed header: missing key 'fortran_order'");
  EXPECT_EQ(parseHeaderError("{'descr': '<f4', 'descr': '<f4'}"),
            "malformed header: duplicate key 'descr'");
  EXPECT_EQ(
      parseHeaderError("{'descr': '<f4', 'fortran_order': 0, 'shape': ()}"),
      "malformed header: 'fortran_order' is not True or False");
  EXPECT_EQ(
      parseHeaderError("{'descr': '<f4', 'fortran_order': False, 'shape': 5}"),
      "malformed header: 'shape' is not a tuple");
  EXPECT_EQ(parseHeaderError(
                "{'descr': '<f4', 'fortran_order': False, 'shape': (5)}"),
            "malformed header: 'shape' is not a tuple");
  EXPECT_EQ(parseHeaderError(
                "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}"),
            "malformed header: negative dimension in 'shape'");
  EXPECT_EQ(parseHeaderError(
                "{'descr': '<f4', 'fortran_order': False, 'shape': (2.5,)}"),
            "malformed header: 'shape' is not a tuple of integers");
  EXPECT_EQ(parseHeaderError("{'descr': '<f4', 'fortran_order': False, "
                             "'shape': (99999999999999999999,)}"),
            "malformed header: dimension in 'shape' is too large");
  EXPECT_EQ(
      parseHeaderError("{'descr': '<f4', 'fortran_order': False, 'shape': ()} "
                       "x"),
      "malformed header: unexpected text after the header dict");
  EXPECT_EQ(parseHeaderError("{'descr': '<f4'"),
            "malformed header: expected ',' or '}' in the header dict");
  EXPECT_EQ(parseHeaderError("{'descr': '<f4\n', 'fortran_order': False, "
                             "'shape': ()}"),
            "malformed header: bad 'descr' value");
  std::string deep(40, '[');
  EXPECT_EQ(parseHeaderError("{'x': " + deep + "}"),
            "malformed header: bad value in the header dict");
  std::string rank65 = "(";
  for (int i = 0; i < 65; ++i)
    rank65 += "1,";
  EXPECT_EQ(parseHeaderError("{'descr': '<f4', 'fortran_order': False, "
                             "'shape': " +
                             rank65 + ")}"),
            "malformed header: 'shape' has too many dimensions (at most 64)");
}

TEST(NpyTest, RejectsUnsupportedDTypes) {
  EXPECT_EQ(
      parseHeaderError("{'descr': '<f8', 'fortran_order': False, 'shape': ()}"),
      "dtype '<f8' is not supported (expected one of '<f4', '|i1', "
      "'|u1', '<i2', '<u2', '<i4', '<u4')");
  EXPECT_EQ(
      parseHeaderError("{'descr': '>i4', 'fortran_order': False, 'shape': ()}"),
      "dtype '>i4' is not supported (expected one of '<f4', '|i1', "
      "'|u1', '<i2', '<u2', '<i4', '<u4')");
  // The executable's messages when float32 is required.
  EXPECT_EQ(
      parseHeaderError("{'descr': '<f8', 'fortran_order': False, 'shape': ()}",
                       NpyDType::Float32),
      "dtype '<f8' is not float32 ('<f4')");
  EXPECT_EQ(parseError(bytesOf(kInt8), NpyDType::Float32),
            "dtype '|i1' is not float32 ('<f4')");
  EXPECT_EQ(
      parseHeaderError("{'descr': '>f4', 'fortran_order': False, 'shape': ()}",
                       NpyDType::Float32),
      "dtype '>f4' is big-endian float32; only '<f4' is supported");
  EXPECT_EQ(parseHeaderError("{'descr': [('a', '<f4')], 'fortran_order': "
                             "False, 'shape': ()}",
                             NpyDType::Float32),
            "dtype [('a', '<f4')] is not float32 ('<f4')");
  EXPECT_EQ(parseHeaderError("{'descr': '\x01\x02', 'fortran_order': False, "
                             "'shape': ()}",
                             NpyDType::Float32),
            "dtype '?"
            "?' is not float32 ('<f4')");
}

TEST(NpyTest, RejectsHugeShapes) {
  EXPECT_EQ(parseHeaderError("{'descr': '<f4', 'fortran_order': False, "
                             "'shape': (4611686018427387904, 2)}"),
            "shape (4611686018427387904, 2) is too large");
  // Any zero dimension makes the array empty.
  std::string error;
  EXPECT_TRUE(parseNpy(makeNpy(1,
                               "{'descr': '<f4', 'fortran_order': False, "
                               "'shape': (4611686018427387904, 0, 9)}",
                               ""),
                       error))
      << error;
}

TEST(NpyTest, RejectsTruncatedAndTrailingData) {
  std::string full = bytesOf(kFloat2x3);
  EXPECT_EQ(parseError(full.substr(0, full.size() - 1)),
            "truncated data: expected 24 bytes, got 23");
  EXPECT_EQ(parseError(full.substr(0, 128)),
            "truncated data: expected 24 bytes, got 0");
  EXPECT_EQ(parseError(full + "x"), "trailing data: expected 24 bytes, got 25");
  // The header alone is still readable.
  std::string error;
  std::optional<NpyHeader> header = parseNpyHeader(full.substr(0, 128), error);
  ASSERT_TRUE(header) << error;
  EXPECT_EQ(header->dataOffset, 128u);
  EXPECT_EQ(header->shape, (std::vector<int64_t>{2, 3}));
}

//===----------------------------------------------------------------------===//
// Files
//===----------------------------------------------------------------------===//

/// A fresh temporary directory, removed with its files at the end.
class TemporaryDirectory {
public:
  TemporaryDirectory() {
    char pattern[] = "/tmp/lowbit-npy-test-XXXXXX";
    const char *made = mkdtemp(pattern);
    EXPECT_NE(made, nullptr);
    path = made ? made : "";
  }
  ~TemporaryDirectory() {
    for (const std::string &file : files)
      std::remove(file.c_str());
    rmdir(path.c_str());
  }
  std::string file(const std::string &name) {
    files.push_back(path + "/" + name);
    return files.back();
  }

  std::string path;

private:
  std::vector<std::string> files;
};

TEST(NpyTest, WritesAndReadsFiles) {
  TemporaryDirectory dir;
  std::string path = dir.file("a.npy");
  std::string error;
  NpyArray array = NpyArray::fromFloats({1, 2}, {2.5f, -7.0f});
  ASSERT_TRUE(writeNpyFile(path, array, error)) << error;
  std::optional<std::string> bytes = readBinaryFile(path, error);
  ASSERT_TRUE(bytes) << error;
  EXPECT_EQ(*bytes, serializeNpy(array));
  std::optional<NpyArray> read = readNpyFile(path, error, NpyDType::Float32);
  ASSERT_TRUE(read) << error;
  EXPECT_EQ(read->getFloats(), (std::vector<float>{2.5f, -7.0f}));
  // Overwriting replaces the file whole.
  ASSERT_TRUE(writeNpyFile(path, NpyArray::fromFloats({}, {1.0f}), error));
  read = readNpyFile(path, error);
  ASSERT_TRUE(read) << error;
  EXPECT_EQ(read->getShape(), std::vector<int64_t>{});
}

TEST(NpyTest, ReportsFileErrors) {
  TemporaryDirectory dir;
  std::string error;
  EXPECT_FALSE(readNpyFile(dir.path + "/missing.npy", error));
  EXPECT_EQ(error, "cannot open: No such file or directory");
  EXPECT_FALSE(readNpyFile(dir.path, error));
  EXPECT_EQ(error, "read error: Is a directory");

  std::string path = dir.path + "/no-such-dir/out.npy";
  EXPECT_FALSE(writeNpyFile(path, NpyArray::fromFloats({}, {1.0f}), error));
  EXPECT_EQ(error.rfind("cannot write: cannot create " + path + ".tmp.", 0), 0u)
      << error;
  // A failed rename leaves neither the target nor the temporary file.
  std::string target = dir.file("target");
  ASSERT_EQ(mkdir(target.c_str(), 0700), 0);
  EXPECT_FALSE(writeBinaryFileAtomically(target, "x", error));
  EXPECT_EQ(error.rfind("cannot write: cannot rename ", 0), 0u) << error;
  EXPECT_NE(access((target + ".tmp." + std::to_string(getpid())).c_str(), F_OK),
            0);
}

TEST(NpyTest, DescribesShapesAndTypes) {
  EXPECT_EQ(formatNpyShape({}), "()");
  EXPECT_EQ(formatNpyShape({5}), "(5,)");
  EXPECT_EQ(formatNpyShape({3, 4}), "(3, 4)");
  EXPECT_EQ(getNpyIntegerDType(8, false), NpyDType::UInt8);
  EXPECT_EQ(getNpyIntegerDType(32, true), NpyDType::Int32);
  // int64 only signed (the packed signs of the binary ops, written by
  // lowbit-run --dump); no unsigned 64-bit or other widths.
  EXPECT_EQ(getNpyIntegerDType(64, true), NpyDType::Int64);
  EXPECT_EQ(getNpyIntegerDType(64, false), std::nullopt);
  EXPECT_EQ(getNpyIntegerDType(12, true), std::nullopt);
  EXPECT_EQ(getNpyElementSize(NpyDType::Int64), 8u);
  EXPECT_EQ(getNpyElementSize(NpyDType::Int16), 2u);
  EXPECT_EQ(getNpyNumElements({3, 0, 7}, 4), 0);
  EXPECT_EQ(getNpyNumElements({}, 4), 1);
  EXPECT_EQ(getNpyNumElements({int64_t(1) << 61, 2}, 4), std::nullopt);
}

} // namespace
