//===- Npy.cpp - Reading and writing NumPy .npy files -----------*- C++ -*-===//
//
// Part of the Lowbit project.
//
//===----------------------------------------------------------------------===//
//
// The header is a Python dict literal; the parser below accepts what numpy
// writes and what a hand-written header may reasonably contain (either quote
// style, extra keys, trailing commas, Python 2 long suffixes) and follows
// lib/Target/ExecutableMain.c check for check.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Support/Npy.h"

#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>

#include <unistd.h>

using namespace lowbit;

/// Limits on what is accepted from a file (as in ExecutableMain.c).
static constexpr size_t kMaxRank = 64;
static constexpr uint32_t kMaxHeaderBytesV2 = 1024u * 1024u;
static constexpr int64_t kMaxBytes = std::numeric_limits<int64_t>::max();

/// The dtypes files may hold (Int64 is only written: the packed signs of
/// the binary ops in lowbit-run --dump).
static constexpr NpyDType kAllDTypes[] = {
    NpyDType::Float32, NpyDType::Int8,  NpyDType::UInt8, NpyDType::Int16,
    NpyDType::UInt16,  NpyDType::Int32, NpyDType::UInt32};

static bool isHostLittleEndian() {
  const uint32_t one = 1;
  unsigned char first;
  std::memcpy(&first, &one, 1);
  return first == 1;
}

static bool isSignedDType(NpyDType dtype) {
  return dtype == NpyDType::Int8 || dtype == NpyDType::Int16 ||
         dtype == NpyDType::Int32 || dtype == NpyDType::Int64;
}

/// Copies at most 64 bytes of \p text with non-printable bytes replaced by
/// '?', so file contents quoted in a message stay on one line.
static std::string sanitize(std::string_view text) {
  constexpr size_t kMax = 64;
  std::string out;
  for (char c : text.substr(0, kMax)) {
    auto byte = static_cast<unsigned char>(c);
    out += byte >= 0x20 && byte < 0x7f ? c : '?';
  }
  if (text.size() > kMax)
    out += "...";
  return out;
}

//===----------------------------------------------------------------------===//
// Header dict parsing
//===----------------------------------------------------------------------===//

namespace {
/// A cursor over the header text.
class HeaderParser {
public:
  explicit HeaderParser(std::string_view text) : text(text) {}

  /// Parses the whole dict into \p header (dtype left to the caller, which
  /// gets the raw descr). Returns false and sets \p why on failure.
  bool parse(NpyHeader &header, std::string_view &descr, bool &descrIsString,
             const char *&why);

private:
  int peek() const {
    return pos < text.size() ? static_cast<unsigned char>(text[pos]) : -1;
  }
  bool atEnd() const { return pos >= text.size(); }
  void skipSpace();
  bool parseString(std::string_view &contents);
  bool parseToken(std::string_view &token);
  bool skipValue(int depth);
  bool parseShape(std::vector<int64_t> &shape, const char *&why);

  std::string_view text;
  size_t pos = 0;
};
} // namespace

void HeaderParser::skipSpace() {
  while (!atEnd()) {
    char c = text[pos];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
        c == '\v')
      ++pos;
    else if (c == '\\' && pos + 1 < text.size() && text[pos + 1] == '\n')
      pos += 2; // An explicit line continuation.
    else
      break;
  }
}

bool HeaderParser::parseString(std::string_view &contents) {
  int quote = peek();
  if (quote != '\'' && quote != '"')
    return false;
  size_t start = ++pos;
  while (!atEnd()) {
    char c = text[pos];
    if (c == '\\') {
      if (pos + 1 >= text.size())
        return false;
      pos += 2;
    } else if (c == '\n') {
      return false;
    } else if (static_cast<unsigned char>(c) == quote) {
      contents = text.substr(start, pos - start);
      ++pos;
      return true;
    } else {
      ++pos;
    }
  }
  return false;
}

static bool isTokenChar(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '+' || c == '-';
}

bool HeaderParser::parseToken(std::string_view &token) {
  size_t start = pos;
  while (!atEnd() && isTokenChar(peek()))
    ++pos;
  token = text.substr(start, pos - start);
  return !token.empty();
}

/// Skips a string, a token or a (nested) tuple, list or dict. The nesting
/// is bounded so that a hostile header cannot exhaust the stack.
bool HeaderParser::skipValue(int depth) {
  if (depth > 32)
    return false;
  skipSpace();
  int open = peek();
  std::string_view ignored;
  if (open == '\'' || open == '"')
    return parseString(ignored);
  if (open != '(' && open != '[' && open != '{')
    return parseToken(ignored);
  int close = open == '(' ? ')' : open == '[' ? ']' : '}';
  ++pos;
  for (;;) {
    skipSpace();
    if (peek() == close) {
      ++pos;
      return true;
    }
    if (!skipValue(depth + 1))
      return false;
    skipSpace();
    if (open == '{') {
      if (peek() != ':')
        return false;
      ++pos;
      if (!skipValue(depth + 1))
        return false;
      skipSpace();
    }
    if (peek() == ',')
      ++pos;
    else if (peek() != close)
      return false;
  }
}

bool HeaderParser::parseShape(std::vector<int64_t> &shape, const char *&why) {
  shape.clear();
  skipSpace();
  if (peek() != '(') {
    why = "'shape' is not a tuple";
    return false;
  }
  ++pos;
  skipSpace();
  if (peek() == ')') {
    ++pos;
    return true;
  }
  for (;;) {
    skipSpace();
    if (peek() == '-') {
      why = "negative dimension in 'shape'";
      return false;
    }
    uint64_t value = 0;
    int digits = 0;
    while (peek() >= '0' && peek() <= '9') {
      auto digit = static_cast<uint64_t>(peek() - '0');
      if (value > (static_cast<uint64_t>(kMaxBytes) - digit) / 10u) {
        why = "dimension in 'shape' is too large";
        return false;
      }
      value = value * 10u + digit;
      ++digits;
      ++pos;
    }
    if (digits == 0) {
      why = "'shape' is not a tuple of integers";
      return false;
    }
    if (peek() == 'L' || peek() == 'l') // A Python 2 long.
      ++pos;
    if (shape.size() >= kMaxRank) {
      why = "'shape' has too many dimensions (at most 64)";
      return false;
    }
    shape.push_back(static_cast<int64_t>(value));
    skipSpace();
    if (peek() == ',') {
      ++pos;
      skipSpace();
      if (peek() == ')') {
        ++pos;
        return true;
      }
    } else if (peek() == ')') {
      ++pos;
      if (shape.size() == 1) { // "(5)" is an int, not a tuple.
        why = "'shape' is not a tuple";
        return false;
      }
      return true;
    } else {
      why = "'shape' is not a tuple of integers";
      return false;
    }
  }
}

bool HeaderParser::parse(NpyHeader &header, std::string_view &descr,
                         bool &descrIsString, const char *&why) {
  bool haveDescr = false, haveFortran = false, haveShape = false;
  skipSpace();
  if (peek() != '{') {
    why = "the header is not a dict";
    return false;
  }
  ++pos;
  for (;;) {
    skipSpace();
    if (peek() == '}') {
      ++pos;
      break;
    }
    std::string_view key;
    if (!parseString(key)) {
      why = "expected a string key";
      return false;
    }
    skipSpace();
    if (peek() != ':') {
      why = "expected ':' after a key";
      return false;
    }
    ++pos;
    skipSpace();
    if (key == "descr") {
      if (haveDescr) {
        why = "duplicate key 'descr'";
        return false;
      }
      haveDescr = true;
      size_t start = pos;
      descrIsString = peek() == '\'' || peek() == '"';
      if (descrIsString ? !parseString(descr) : !skipValue(0)) {
        why = "bad 'descr' value";
        return false;
      }
      if (!descrIsString)
        descr = text.substr(start, pos - start);
    } else if (key == "fortran_order") {
      if (haveFortran) {
        why = "duplicate key 'fortran_order'";
        return false;
      }
      haveFortran = true;
      std::string_view token;
      parseToken(token);
      if (token != "True" && token != "False") {
        why = "'fortran_order' is not True or False";
        return false;
      }
      header.fortranOrder = token == "True";
    } else if (key == "shape") {
      if (haveShape) {
        why = "duplicate key 'shape'";
        return false;
      }
      haveShape = true;
      if (!parseShape(header.shape, why))
        return false;
    } else if (!skipValue(0)) { // Unknown keys are ignored.
      why = "bad value in the header dict";
      return false;
    }
    skipSpace();
    if (peek() == ',') {
      ++pos;
    } else if (peek() == '}') {
      ++pos;
      break;
    } else {
      why = "expected ',' or '}' in the header dict";
      return false;
    }
  }
  skipSpace();
  if (!atEnd()) {
    why = "unexpected text after the header dict";
    return false;
  }
  if (!haveDescr)
    why = "missing key 'descr'";
  else if (!haveFortran)
    why = "missing key 'fortran_order'";
  else if (!haveShape)
    why = "missing key 'shape'";
  else
    return true;
  return false;
}

/// The dtype that \p descr names, accepting any byte order for one-byte
/// types and little-endian or (on a little-endian host) native order for
/// the others.
static std::optional<NpyDType> parseDescr(std::string_view descr) {
  if (descr.size() < 2)
    return std::nullopt;
  char order = descr.front();
  std::string_view code = descr.substr(1);
  for (NpyDType dtype : kAllDTypes) {
    if (code != std::string_view(getNpyDescr(dtype)).substr(1))
      continue;
    if (getNpyElementSize(dtype) == 1)
      return order == '|' || order == '<' || order == '>' || order == '='
                 ? std::optional<NpyDType>(dtype)
                 : std::nullopt;
    if (order == '<' || (order == '=' && isHostLittleEndian()))
      return dtype;
    return std::nullopt;
  }
  return std::nullopt;
}

/// The message for a descr that is not the one required (or supported).
static std::string describeBadDescr(std::string_view descr, bool isString,
                                    std::optional<NpyDType> required) {
  std::string quoted = isString ? "'" + sanitize(descr) + "'" : sanitize(descr);
  if (!required) {
    std::string expected;
    for (NpyDType dtype : kAllDTypes)
      expected += std::string(expected.empty() ? "" : ", ") + "'" +
                  getNpyDescr(dtype) + "'";
    return "dtype " + quoted + " is not supported (expected one of " +
           expected + ")";
  }
  std::string name = getNpyDTypeName(*required);
  std::string canonical = getNpyDescr(*required);
  std::string_view code = std::string_view(canonical).substr(1);
  if (isString && descr.size() >= 2 && descr.substr(1) == code) {
    if (descr.front() == '>')
      return "dtype " + quoted + " is big-endian " + name + "; only '" +
             canonical + "' is supported";
    if (descr.front() == '=')
      return "dtype " + quoted +
             " (native byte order) is ambiguous on this big-endian host; "
             "only '" +
             canonical + "' is supported";
  }
  return "dtype " + quoted + " is not " + name + " ('" + canonical + "')";
}

static uint32_t readLittleEndian(const unsigned char *bytes, size_t count) {
  uint32_t value = 0;
  for (size_t i = 0; i < count; ++i)
    value |= static_cast<uint32_t>(bytes[i]) << (8 * i);
  return value;
}

//===----------------------------------------------------------------------===//
// DTypes and shapes
//===----------------------------------------------------------------------===//

const char *lowbit::getNpyDescr(NpyDType dtype) {
  switch (dtype) {
  case NpyDType::Float32:
    return "<f4";
  case NpyDType::Int8:
    return "|i1";
  case NpyDType::UInt8:
    return "|u1";
  case NpyDType::Int16:
    return "<i2";
  case NpyDType::UInt16:
    return "<u2";
  case NpyDType::Int32:
    return "<i4";
  case NpyDType::UInt32:
    return "<u4";
  case NpyDType::Int64:
    return "<i8";
  }
  return "";
}

const char *lowbit::getNpyDTypeName(NpyDType dtype) {
  switch (dtype) {
  case NpyDType::Float32:
    return "float32";
  case NpyDType::Int8:
    return "int8";
  case NpyDType::UInt8:
    return "uint8";
  case NpyDType::Int16:
    return "int16";
  case NpyDType::UInt16:
    return "uint16";
  case NpyDType::Int32:
    return "int32";
  case NpyDType::UInt32:
    return "uint32";
  case NpyDType::Int64:
    return "int64";
  }
  return "";
}

size_t lowbit::getNpyElementSize(NpyDType dtype) {
  return static_cast<size_t>(getNpyDescr(dtype)[2] - '0');
}

std::optional<NpyDType> lowbit::getNpyIntegerDType(unsigned width,
                                                   bool isSigned) {
  switch (width) {
  case 8:
    return isSigned ? NpyDType::Int8 : NpyDType::UInt8;
  case 16:
    return isSigned ? NpyDType::Int16 : NpyDType::UInt16;
  case 32:
    return isSigned ? NpyDType::Int32 : NpyDType::UInt32;
  case 64:
    return isSigned ? std::optional(NpyDType::Int64) : std::nullopt;
  default:
    return std::nullopt;
  }
}

std::string lowbit::formatNpyShape(const std::vector<int64_t> &shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

std::optional<int64_t>
lowbit::getNpyNumElements(const std::vector<int64_t> &shape,
                          size_t elementSize) {
  for (int64_t dim : shape)
    if (dim == 0)
      return 0; // Empty, whatever the other dimensions are.
  uint64_t count = 1;
  uint64_t limit = static_cast<uint64_t>(kMaxBytes) / elementSize;
  for (int64_t dim : shape) {
    auto d = static_cast<uint64_t>(dim);
    if (dim < 0 || count > limit / d)
      return std::nullopt;
    count *= d;
  }
  return static_cast<int64_t>(count);
}

//===----------------------------------------------------------------------===//
// NpyArray
//===----------------------------------------------------------------------===//

NpyArray NpyArray::fromFloats(std::vector<int64_t> shape,
                              const std::vector<float> &values) {
  std::string data(values.size() * 4, '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    uint32_t bits;
    std::memcpy(&bits, &values[i], 4);
    for (size_t b = 0; b < 4; ++b)
      data[4 * i + b] = static_cast<char>((bits >> (8 * b)) & 0xffu);
  }
  return NpyArray(NpyDType::Float32, std::move(shape), std::move(data));
}

NpyArray NpyArray::fromIntegers(NpyDType dtype, std::vector<int64_t> shape,
                                const std::vector<int64_t> &values) {
  assert(dtype != NpyDType::Float32 && "fromIntegers needs an integer dtype");
  size_t size = getNpyElementSize(dtype);
  std::string data(values.size() * size, '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    int64_t value = values[i];
    assert((size == 8 ||
            (isSignedDType(dtype)
                 ? value >= -(int64_t(1) << (8 * size - 1)) &&
                       value < (int64_t(1) << (8 * size - 1))
                 : value >= 0 && value < (int64_t(1) << (8 * size)))) &&
           "value out of the dtype's range");
    auto bits = static_cast<uint64_t>(value);
    for (size_t b = 0; b < size; ++b)
      data[size * i + b] = static_cast<char>((bits >> (8 * b)) & 0xffu);
  }
  return NpyArray(dtype, std::move(shape), std::move(data));
}

int64_t NpyArray::getNumElements() const {
  return static_cast<int64_t>(data.size() / getNpyElementSize(dtype));
}

std::vector<float> NpyArray::getFloats() const {
  assert(dtype == NpyDType::Float32 && "getFloats needs a float32 array");
  std::vector<float> values(data.size() / 4);
  auto bytes = reinterpret_cast<const unsigned char *>(data.data());
  for (size_t i = 0; i < values.size(); ++i) {
    uint32_t bits = readLittleEndian(bytes + 4 * i, 4);
    std::memcpy(&values[i], &bits, 4);
  }
  return values;
}

std::vector<int64_t> NpyArray::getIntegers() const {
  assert(dtype != NpyDType::Float32 && "getIntegers needs an integer array");
  size_t size = getNpyElementSize(dtype);
  std::vector<int64_t> values(data.size() / size);
  auto bytes = reinterpret_cast<const unsigned char *>(data.data());
  for (size_t i = 0; i < values.size(); ++i) {
    int64_t value = readLittleEndian(bytes + size * i, size);
    if (isSignedDType(dtype) && value >= (int64_t(1) << (8 * size - 1)))
      value -= int64_t(1) << (8 * size);
    values[i] = value;
  }
  return values;
}

//===----------------------------------------------------------------------===//
// Parsing
//===----------------------------------------------------------------------===//

std::optional<NpyHeader>
lowbit::parseNpyHeader(std::string_view bytes, std::string &error,
                       std::optional<NpyDType> requiredDType) {
  auto fail = [&](std::string message) -> std::optional<NpyHeader> {
    error = std::move(message);
    return std::nullopt;
  };
  auto raw = reinterpret_cast<const unsigned char *>(bytes.data());
  if (bytes.size() < 6 || bytes.substr(0, 6) != "\x93NUMPY")
    return fail("not a .npy file (bad magic)");
  if (bytes.size() < 8)
    return fail("truncated header");
  unsigned major = raw[6], minor = raw[7];
  if (minor != 0 || major < 1 || major > 3)
    return fail("unsupported .npy format version " + std::to_string(major) +
                "." + std::to_string(minor) + " (expected 1.0, 2.0 or 3.0)");
  size_t lengthBytes = major == 1 ? 2 : 4;
  if (bytes.size() < 8 + lengthBytes)
    return fail("truncated header");
  uint32_t headerLength = readLittleEndian(raw + 8, lengthBytes);
  if (major > 1 && headerLength > kMaxHeaderBytesV2)
    return fail("header too large (" + std::to_string(headerLength) +
                " bytes, at most " + std::to_string(kMaxHeaderBytesV2) + ")");
  size_t start = 8 + lengthBytes;
  if (bytes.size() - start < headerLength)
    return fail("truncated header: expected " + std::to_string(headerLength) +
                " bytes, got " + std::to_string(bytes.size() - start));

  NpyHeader header;
  header.version = major;
  header.dataOffset = start + headerLength;
  std::string_view descr;
  bool descrIsString = false;
  const char *why = "";
  HeaderParser parser(bytes.substr(start, headerLength));
  if (!parser.parse(header, descr, descrIsString, why))
    return fail(std::string("malformed header: ") + why);

  std::optional<NpyDType> dtype =
      descrIsString ? parseDescr(descr) : std::nullopt;
  if (!dtype || (requiredDType && *dtype != *requiredDType))
    return fail(describeBadDescr(descr, descrIsString, requiredDType));
  header.dtype = *dtype;

  if (!getNpyNumElements(header.shape, getNpyElementSize(header.dtype)))
    return fail("shape " + formatNpyShape(header.shape) + " is too large");
  if (header.fortranOrder) {
    int largeDims = 0;
    bool empty = false;
    for (int64_t dim : header.shape) {
      largeDims += dim > 1;
      empty |= dim == 0;
    }
    if (largeDims > 1 && !empty)
      return fail("fortran_order=True is not supported for shape " +
                  formatNpyShape(header.shape) +
                  " (save the array in C order)");
  }
  return header;
}

std::optional<NpyArray> lowbit::parseNpyData(std::string_view bytes,
                                             const NpyHeader &header,
                                             std::string &error) {
  size_t elementSize = getNpyElementSize(header.dtype);
  std::optional<int64_t> count = getNpyNumElements(header.shape, elementSize);
  if (!count || header.dataOffset > bytes.size()) {
    error = "internal error: inconsistent header";
    return std::nullopt;
  }
  uint64_t expected = static_cast<uint64_t>(*count) * elementSize;
  uint64_t actual = bytes.size() - header.dataOffset;
  if (actual != expected) {
    error = std::string(actual < expected ? "truncated" : "trailing") +
            " data: expected " + std::to_string(expected) + " bytes, got " +
            std::to_string(actual);
    return std::nullopt;
  }
  return NpyArray(header.dtype, header.shape,
                  std::string(bytes.substr(header.dataOffset)));
}

std::optional<NpyArray>
lowbit::parseNpy(std::string_view bytes, std::string &error,
                 std::optional<NpyDType> requiredDType) {
  std::optional<NpyHeader> header = parseNpyHeader(bytes, error, requiredDType);
  if (!header)
    return std::nullopt;
  return parseNpyData(bytes, *header, error);
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

std::string lowbit::serializeNpy(const NpyArray &array) {
  const std::vector<int64_t> &shape = array.getShape();
  std::string dict =
      std::string("{'descr': '") + getNpyDescr(array.getDType()) +
      "', 'fortran_order': False, 'shape': " + formatNpyShape(shape) + ", }";
  // numpy >= 1.24 leaves room for the first axis to grow to 21 digits.
  if (!shape.empty()) {
    size_t digits = std::to_string(shape.front()).size();
    dict.append(digits < 21 ? 21 - digits : 0, ' ');
  }
  size_t headerLength = dict.size() + 1; // With the final '\n'.
  // Format 1.0 unless the header does not fit in 2 length bytes.
  size_t prefix = 10;
  size_t padding = 64 - (prefix + headerLength) % 64;
  if (headerLength + padding > 65535u) {
    prefix = 12;
    padding = 64 - (prefix + headerLength) % 64;
  }
  uint32_t length = static_cast<uint32_t>(headerLength + padding);
  std::string bytes = "\x93NUMPY";
  bytes += static_cast<char>(prefix == 10 ? 1 : 2);
  bytes += '\0';
  for (size_t b = 0; b < prefix - 8; ++b)
    bytes += static_cast<char>((length >> (8 * b)) & 0xffu);
  bytes += dict;
  bytes.append(padding, ' ');
  bytes += '\n';
  bytes += array.getData();
  return bytes;
}

//===----------------------------------------------------------------------===//
// Files
//===----------------------------------------------------------------------===//

std::optional<std::string> lowbit::readBinaryFile(const std::string &path,
                                                  std::string &error) {
  FILE *file = std::fopen(path.c_str(), "rb");
  if (!file) {
    error = std::string("cannot open: ") + std::strerror(errno);
    return std::nullopt;
  }
  std::string bytes;
  char buffer[1 << 16];
  size_t count;
  while ((count = std::fread(buffer, 1, sizeof buffer, file)) > 0)
    bytes.append(buffer, count);
  bool failed = std::ferror(file);
  int savedErrno = errno;
  std::fclose(file);
  if (failed) {
    error = std::string("read error: ") + std::strerror(savedErrno);
    return std::nullopt;
  }
  return bytes;
}

bool lowbit::writeBinaryFileAtomically(const std::string &path,
                                       std::string_view bytes,
                                       std::string &error) {
  std::string temporary =
      path + ".tmp." + std::to_string(static_cast<long>(getpid()));
  FILE *file = std::fopen(temporary.c_str(), "wb");
  if (!file) {
    error = "cannot write: cannot create " + temporary + ": " +
            std::strerror(errno);
    return false;
  }
  bool written = (bytes.empty() || std::fwrite(bytes.data(), 1, bytes.size(),
                                               file) == bytes.size()) &&
                 std::fflush(file) == 0;
  int savedErrno = errno;
  if (std::fclose(file) != 0 && written) {
    written = false;
    savedErrno = errno;
  }
  if (!written) {
    error = std::string("cannot write: ") + std::strerror(savedErrno);
    std::remove(temporary.c_str());
    return false;
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    error = "cannot write: cannot rename " + temporary + ": " +
            std::strerror(errno);
    std::remove(temporary.c_str());
    return false;
  }
  return true;
}

std::optional<NpyArray>
lowbit::readNpyFile(const std::string &path, std::string &error,
                    std::optional<NpyDType> requiredDType) {
  std::optional<std::string> bytes = readBinaryFile(path, error);
  if (!bytes)
    return std::nullopt;
  return parseNpy(*bytes, error, requiredDType);
}

bool lowbit::writeNpyFile(const std::string &path, const NpyArray &array,
                          std::string &error) {
  return writeBinaryFileAtomically(path, serializeNpy(array), error);
}
