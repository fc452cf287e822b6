/*===- ExecutableMain.c - main() of a standalone Lowbit model -------------===*
 *
 * The portable C99 driver that `lowbit-compile --emit=exe` compiles with the
 * system C compiler and links with the compiled model object. The result is
 * used as
 *
 *   ./model INPUT.npy OUTPUT.npy
 *
 * It reads float32 samples from INPUT.npy, quantizes them with the model's
 * own helper, runs the model and writes the dequantized float32 results to
 * OUTPUT.npy (.npy format 1.0, byte-identical to numpy.save).
 *
 * It is compiled as
 *
 *   cc -O2 -std=c99 -DLB_PREFIX=<name> -DLB_INPUT_CTYPE=int8_t \
 *      -DLB_OUTPUT_CTYPE=int8_t -include <model>.h -c ExecutableMain.c
 *
 * where <model>.h is the header the compiler writes for the model <name>:
 *
 *   enum { <name>_input_rank = R, <name>_output_rank = R };
 *   enum { <name>_input_size = S, <name>_output_size = S };
 *   static const int64_t <name>_input_shape[] = {...};
 *   static const int64_t <name>_output_shape[] = {...};
 *   int <name>_run(const <in ctype> *input, <out ctype> *output);
 *   void <name>_quantize_input(const float *x, <in ctype> *q);
 *   void <name>_dequantize_output(const <out ctype> *q, float *y);
 *
 * Only the first <rank> entries of a shape array are read, so a rank-0 shape
 * may be written as e.g. `[1] = {1}` (an empty `{}` is not valid C99).
 *
 * Batching: a file whose shape equals the model input shape is one sample
 * and produces exactly the model output shape. If the model input has a
 * leading dimension of 1, the file may also be [N, input_shape[1:]] and the
 * output is then [N, output_shape[1:]] (output leading dimension 1) or
 * [N, output_shape] (otherwise). Samples are streamed one at a time.
 *
 * Exit status: 0 on success, 1 on any error (one line on stderr:
 * "error: <file>: <what is wrong>"), 2 on bad usage. The output is written to
 * OUTPUT.npy.tmp.<pid> and renamed over OUTPUT.npy only on success.
 *
 * Only ISO C99 plus getpid() (for the temporary name) is used. The host must
 * use IEEE-754 binary32 floats; either byte order works.
 *
 *===----------------------------------------------------------------------===*/

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(_WIN32)
#include <process.h>
#define LB_GETPID() ((long)_getpid())
#else
#include <unistd.h>
#define LB_GETPID() ((long)getpid())
#endif

#ifndef LB_PREFIX
#error "define LB_PREFIX to the model's C name (-DLB_PREFIX=<name>)"
#endif
#ifndef LB_INPUT_CTYPE
#error "define LB_INPUT_CTYPE to the input storage type (e.g. int8_t)"
#endif
#ifndef LB_OUTPUT_CTYPE
#error "define LB_OUTPUT_CTYPE to the output storage type (e.g. int8_t)"
#endif

#define LB_CAT2(a, b) a##b
#define LB_CAT(a, b) LB_CAT2(a, b)
#define LB_SYM(suffix) LB_CAT(LB_PREFIX, suffix)
#define LB_STR2(x) #x
#define LB_STR(x) LB_STR2(x)

#define LB_IN_RANK ((int)LB_SYM(_input_rank))
#define LB_OUT_RANK ((int)LB_SYM(_output_rank))
#define LB_IN_SIZE ((int)LB_SYM(_input_size))
#define LB_OUT_SIZE ((int)LB_SYM(_output_size))

/* The data is IEEE-754 binary32; only its size can be checked here. */
typedef char lb_float_must_be_32_bits[(sizeof(float) == 4) ? 1 : -1];

/* Limits on what is accepted from an input file. */
#define LB_MAX_FILE_RANK 64
#define LB_MAX_HEADER_V2 (1024u * 1024u) /* 1 MiB for format 2.0 / 3.0; 1.0
                                            headers are < 64 KiB anyway */
#define LB_MAX_DIM ((uint64_t)INT64_MAX)
#define LB_MAX_BYTES ((uint64_t)INT64_MAX)

/* Room for any shape seen here: a file shape, or a model shape plus N. */
#define LB_SHAPE_CAP (LB_MAX_FILE_RANK + LB_IN_RANK + LB_OUT_RANK + 1)
/* Room for the Python repr of any such shape: "(" + 20 digits + ", " each. */
#define LB_SHAPE_STR_CAP (LB_SHAPE_CAP * 22 + 8)

typedef struct {
  int rank;
  int64_t dim[LB_SHAPE_CAP];
} Shape;

/*===----------------------------------------------------------------------===*
 * Diagnostics
 *===----------------------------------------------------------------------===*/

#if defined(__GNUC__)
#define LB_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define LB_PRINTF(f, a)
#endif

static void error_at(const char *file, const char *fmt, ...) LB_PRINTF(2, 3);

/* Prints "error: <file>: <message>\n" (or "error: <message>\n" if file is
 * NULL) to stderr. */
static void error_at(const char *file, const char *fmt, ...) {
  va_list ap;
  fputs("error: ", stderr);
  if (file) {
    fputs(file, stderr);
    fputs(": ", stderr);
  }
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

/* Copies at most `max` bytes of s[0..n) into out (of size max + 4) with
 * non-printable bytes replaced by '?', so file contents quoted in a message
 * stay on one line. */
static const char *sanitize(const char *s, size_t n, char *out, size_t max) {
  size_t i, len = n < max ? n : max;
  for (i = 0; i < len; ++i) {
    unsigned char ch = (unsigned char)s[i];
    out[i] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
  }
  if (len < n) {
    memcpy(out + len, "...", 3);
    len += 3;
  }
  out[len] = '\0';
  return out;
}

/*===----------------------------------------------------------------------===*
 * Shapes
 *===----------------------------------------------------------------------===*/

/* Appends the decimal form of v at out[*pos]; out has room. */
static void append_u64(char *out, size_t *pos, uint64_t v) {
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = (char)('0' + (int)(v % 10u));
    v /= 10u;
  } while (v != 0u);
  while (n > 0)
    out[(*pos)++] = tmp[--n];
}

/* Formats a shape like Python's repr of a tuple: (), (5,), (3, 4). If
 * batch_name is true, the first dimension is printed as "N". out must hold
 * LB_SHAPE_STR_CAP bytes. */
static const char *shape_str(const Shape *s, int batch_name, char *out) {
  size_t pos = 0;
  int i;
  out[pos++] = '(';
  for (i = 0; i < s->rank; ++i) {
    if (i > 0) {
      out[pos++] = ',';
      out[pos++] = ' ';
    }
    if (i == 0 && batch_name)
      out[pos++] = 'N';
    else
      append_u64(out, &pos, (uint64_t)s->dim[i]);
  }
  if (s->rank == 1)
    out[pos++] = ',';
  out[pos++] = ')';
  out[pos] = '\0';
  return out;
}

static int shape_equal(const Shape *a, const Shape *b) {
  int i;
  if (a->rank != b->rank)
    return 0;
  for (i = 0; i < a->rank; ++i)
    if (a->dim[i] != b->dim[i])
      return 0;
  return 1;
}

/* The number of elements of s, or 0 with *overflow set if the size in bytes
 * of a float32 array of that shape would not fit in LB_MAX_BYTES. */
static uint64_t shape_elements(const Shape *s, int *overflow) {
  uint64_t n = 1;
  int i;
  *overflow = 0;
  for (i = 0; i < s->rank; ++i)
    if (s->dim[i] == 0)
      return 0; /* empty, whatever the other dimensions are */
  for (i = 0; i < s->rank; ++i) {
    uint64_t d = (uint64_t)s->dim[i];
    if (n > LB_MAX_BYTES / 4u / d) {
      *overflow = 1;
      return 0;
    }
    n *= d;
  }
  return n;
}

static Shape model_input_shape;
static Shape model_output_shape;

/* Copies the model's shapes out of its header and checks that they agree
 * with its sizes. Returns 0 on success. */
static int load_model_shapes(void) {
  int i, overflow;
  model_input_shape.rank = LB_IN_RANK;
  for (i = 0; i < LB_IN_RANK; ++i)
    model_input_shape.dim[i] = LB_SYM(_input_shape)[i];
  model_output_shape.rank = LB_OUT_RANK;
  for (i = 0; i < LB_OUT_RANK; ++i)
    model_output_shape.dim[i] = LB_SYM(_output_shape)[i];
  for (i = 0; i < LB_IN_RANK; ++i)
    if (model_input_shape.dim[i] < 1)
      return -1;
  for (i = 0; i < LB_OUT_RANK; ++i)
    if (model_output_shape.dim[i] < 1)
      return -1;
  if (LB_IN_SIZE < 1 || LB_OUT_SIZE < 1)
    return -1;
  if (shape_elements(&model_input_shape, &overflow) != (uint64_t)LB_IN_SIZE ||
      overflow)
    return -1;
  if (shape_elements(&model_output_shape, &overflow) !=
          (uint64_t)LB_OUT_SIZE ||
      overflow)
    return -1;
  return 0;
}

/* Whether the model accepts a batch [N, input_shape[1:]]. */
static int model_is_batchable(void) {
  return model_input_shape.rank >= 1 && model_input_shape.dim[0] == 1;
}

/*===----------------------------------------------------------------------===*
 * Byte order
 *===----------------------------------------------------------------------===*/

static int host_is_little_endian(void) {
  const uint32_t one = 1;
  unsigned char first;
  memcpy(&first, &one, 1);
  return first == 1;
}

/* Reverses the bytes of each of the n 4-byte words at p. */
static void swap_words(unsigned char *p, size_t n) {
  size_t i;
  for (i = 0; i < n; ++i, p += 4) {
    unsigned char t = p[0];
    p[0] = p[3];
    p[3] = t;
    t = p[1];
    p[1] = p[2];
    p[2] = t;
  }
}

/*===----------------------------------------------------------------------===*
 * .npy header parsing (a Python dict literal)
 *===----------------------------------------------------------------------===*/

typedef struct {
  const char *p;
  const char *end;
} Cursor;

static int peek(const Cursor *c) {
  return c->p < c->end ? (unsigned char)*c->p : -1;
}

static void skip_space(Cursor *c) {
  while (c->p < c->end) {
    char ch = *c->p;
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' ||
        ch == '\v')
      ++c->p;
    else if (ch == '\\' && c->end - c->p >= 2 && c->p[1] == '\n')
      c->p += 2; /* explicit line continuation */
    else
      break;
  }
}

/* Parses a '...' or "..." literal; *s / *n get its raw contents. */
static int parse_string(Cursor *c, const char **s, size_t *n) {
  int quote = peek(c);
  const char *start;
  if (quote != '\'' && quote != '"')
    return -1;
  start = ++c->p;
  while (c->p < c->end) {
    char ch = *c->p;
    if (ch == '\\') {
      if (c->end - c->p < 2)
        return -1;
      c->p += 2;
    } else if (ch == '\n') {
      return -1;
    } else if ((unsigned char)ch == (unsigned)quote) {
      *s = start;
      *n = (size_t)(c->p - start);
      ++c->p;
      return 0;
    } else {
      ++c->p;
    }
  }
  return -1;
}

static int is_token_char(int ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
         (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '+' ||
         ch == '-';
}

/* Parses a bare token (a name or a number); *s / *n get its text. */
static int parse_token(Cursor *c, const char **s, size_t *n) {
  const char *start = c->p;
  while (c->p < c->end && is_token_char((unsigned char)*c->p))
    ++c->p;
  *s = start;
  *n = (size_t)(c->p - start);
  return *n > 0 ? 0 : -1;
}

/* Skips any literal value: a string, a token, or a (nested) tuple, list or
 * dict. Nesting is bounded so hostile headers cannot exhaust the stack. */
static int skip_value(Cursor *c, int depth) {
  const char *s;
  size_t n;
  int open, close;
  if (depth > 32)
    return -1;
  skip_space(c);
  open = peek(c);
  if (open == '\'' || open == '"')
    return parse_string(c, &s, &n);
  if (open != '(' && open != '[' && open != '{')
    return parse_token(c, &s, &n);
  close = open == '(' ? ')' : open == '[' ? ']' : '}';
  ++c->p;
  for (;;) {
    skip_space(c);
    if (peek(c) == close) {
      ++c->p;
      return 0;
    }
    if (skip_value(c, depth + 1) != 0)
      return -1;
    skip_space(c);
    if (open == '{') {
      if (peek(c) != ':')
        return -1;
      ++c->p;
      if (skip_value(c, depth + 1) != 0)
        return -1;
      skip_space(c);
    }
    if (peek(c) == ',') {
      ++c->p;
    } else if (peek(c) != close) {
      return -1;
    }
  }
}

/* Parses a tuple of non-negative integers into *shape. On failure sets *why
 * to a description and returns -1. */
static int parse_shape(Cursor *c, Shape *shape, const char **why) {
  int rank = 0;
  skip_space(c);
  if (peek(c) != '(') {
    *why = "'shape' is not a tuple";
    return -1;
  }
  ++c->p;
  skip_space(c);
  if (peek(c) == ')') {
    ++c->p;
    shape->rank = 0;
    return 0;
  }
  for (;;) {
    uint64_t v = 0;
    int digits = 0;
    skip_space(c);
    if (peek(c) == '-') {
      *why = "negative dimension in 'shape'";
      return -1;
    }
    while (peek(c) >= '0' && peek(c) <= '9') {
      unsigned d = (unsigned)(peek(c) - '0');
      if (v > (LB_MAX_DIM - d) / 10u) {
        *why = "dimension in 'shape' is too large";
        return -1;
      }
      v = v * 10u + d;
      ++digits;
      ++c->p;
    }
    if (digits == 0) {
      *why = "'shape' is not a tuple of integers";
      return -1;
    }
    if (peek(c) == 'L' || peek(c) == 'l') /* Python 2 long */
      ++c->p;
    if (rank >= LB_MAX_FILE_RANK) {
      *why = "'shape' has too many dimensions (at most 64)";
      return -1;
    }
    shape->dim[rank++] = (int64_t)v;
    skip_space(c);
    if (peek(c) == ',') {
      ++c->p;
      skip_space(c);
      if (peek(c) == ')') {
        ++c->p;
        break;
      }
    } else if (peek(c) == ')') {
      ++c->p;
      if (rank == 1) { /* "(5)" is an int, not a tuple */
        *why = "'shape' is not a tuple";
        return -1;
      }
      break;
    } else {
      *why = "'shape' is not a tuple of integers";
      return -1;
    }
  }
  shape->rank = rank;
  return 0;
}

typedef struct {
  const char *descr; /* raw text of the 'descr' value (points into header) */
  size_t descr_len;
  int descr_is_string;
  int fortran_order;
  Shape shape;
} NpyHeader;

static int key_is(const char *s, size_t n, const char *key) {
  return n == strlen(key) && memcmp(s, key, n) == 0;
}

/* Parses the header dict text[0..n). On failure sets *why. */
static int parse_header_dict(const char *text, size_t n, NpyHeader *h,
                             const char **why) {
  Cursor c;
  int have_descr = 0, have_fortran = 0, have_shape = 0;
  c.p = text;
  c.end = text + n;
  skip_space(&c);
  if (peek(&c) != '{') {
    *why = "the header is not a dict";
    return -1;
  }
  ++c.p;
  for (;;) {
    const char *key, *s;
    size_t key_len, len;
    skip_space(&c);
    if (peek(&c) == '}') {
      ++c.p;
      break;
    }
    if (parse_string(&c, &key, &key_len) != 0) {
      *why = "expected a string key";
      return -1;
    }
    skip_space(&c);
    if (peek(&c) != ':') {
      *why = "expected ':' after a key";
      return -1;
    }
    ++c.p;
    skip_space(&c);
    if (key_is(key, key_len, "descr")) {
      const char *start = c.p;
      if (have_descr++) {
        *why = "duplicate key 'descr'";
        return -1;
      }
      if (peek(&c) == '\'' || peek(&c) == '"') {
        if (parse_string(&c, &h->descr, &h->descr_len) != 0) {
          *why = "bad 'descr' value";
          return -1;
        }
        h->descr_is_string = 1;
      } else {
        if (skip_value(&c, 0) != 0) {
          *why = "bad 'descr' value";
          return -1;
        }
        h->descr = start;
        h->descr_len = (size_t)(c.p - start);
        h->descr_is_string = 0;
      }
    } else if (key_is(key, key_len, "fortran_order")) {
      if (have_fortran++) {
        *why = "duplicate key 'fortran_order'";
        return -1;
      }
      if (parse_token(&c, &s, &len) == 0 && key_is(s, len, "True")) {
        h->fortran_order = 1;
      } else if (key_is(s, len, "False")) {
        h->fortran_order = 0;
      } else {
        *why = "'fortran_order' is not True or False";
        return -1;
      }
    } else if (key_is(key, key_len, "shape")) {
      if (have_shape++) {
        *why = "duplicate key 'shape'";
        return -1;
      }
      if (parse_shape(&c, &h->shape, why) != 0)
        return -1;
    } else if (skip_value(&c, 0) != 0) { /* unknown keys are ignored */
      *why = "bad value in the header dict";
      return -1;
    }
    skip_space(&c);
    if (peek(&c) == ',') {
      ++c.p;
    } else if (peek(&c) == '}') {
      ++c.p;
      break;
    } else {
      *why = "expected ',' or '}' in the header dict";
      return -1;
    }
  }
  skip_space(&c);
  if (c.p != c.end) {
    *why = "unexpected text after the header dict";
    return -1;
  }
  if (!have_descr) {
    *why = "missing key 'descr'";
    return -1;
  }
  if (!have_fortran) {
    *why = "missing key 'fortran_order'";
    return -1;
  }
  if (!have_shape) {
    *why = "missing key 'shape'";
    return -1;
  }
  return 0;
}

/* Reads up to n bytes; returns how many were read. */
static size_t read_some(FILE *f, void *buf, size_t n) {
  return n == 0 ? 0 : fread(buf, 1, n, f);
}

/* Reads and validates the preamble and header of an .npy file, leaving f at
 * the first data byte. *text receives the malloc'ed header text, which
 * h->descr points into (the caller frees it). Returns 0 on success, or
 * reports an error and returns -1. */
static int read_npy_header(FILE *f, const char *path, NpyHeader *h,
                           char **text) {
  static const unsigned char magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  unsigned char pre[6 + 2 + 4];
  size_t len_bytes, got;
  uint32_t hlen;
  const char *why = "";
  *text = NULL;

  got = read_some(f, pre, 6);
  if (ferror(f)) {
    error_at(path, "read error: %s", strerror(errno));
    return -1;
  }
  if (got < 6 || memcmp(pre, magic, 6) != 0) {
    error_at(path, "not a .npy file (bad magic)");
    return -1;
  }
  got = read_some(f, pre + 6, 2);
  if (got < 2) {
    error_at(path, "truncated header");
    return -1;
  }
  if (pre[7] != 0 || pre[6] < 1 || pre[6] > 3) {
    error_at(path, "unsupported .npy format version %u.%u (expected 1.0, "
                   "2.0 or 3.0)",
             (unsigned)pre[6], (unsigned)pre[7]);
    return -1;
  }
  len_bytes = pre[6] == 1 ? 2 : 4;
  got = read_some(f, pre + 8, len_bytes);
  if (got < len_bytes) {
    error_at(path, "truncated header");
    return -1;
  }
  if (len_bytes == 2) {
    hlen = (uint32_t)pre[8] | (uint32_t)pre[9] << 8;
  } else {
    hlen = (uint32_t)pre[8] | (uint32_t)pre[9] << 8 |
           (uint32_t)pre[10] << 16 | (uint32_t)pre[11] << 24;
    if (hlen > LB_MAX_HEADER_V2) {
      error_at(path, "header too large (%lu bytes, at most %lu)",
               (unsigned long)hlen, (unsigned long)LB_MAX_HEADER_V2);
      return -1;
    }
  }
  *text = (char *)malloc((size_t)hlen + 1);
  if (!*text) {
    error_at(path, "out of memory reading the header");
    return -1;
  }
  got = read_some(f, *text, hlen);
  if (ferror(f)) {
    error_at(path, "read error: %s", strerror(errno));
    return -1;
  }
  if (got < hlen) {
    error_at(path, "truncated header: expected %lu bytes, got %lu",
             (unsigned long)hlen, (unsigned long)got);
    return -1;
  }
  (*text)[hlen] = '\0';
  memset(h, 0, sizeof *h);
  if (parse_header_dict(*text, hlen, h, &why) != 0) {
    error_at(path, "malformed header: %s", why);
    return -1;
  }
  return 0;
}

/*===----------------------------------------------------------------------===*
 * .npy writing
 *===----------------------------------------------------------------------===*/

/* Builds the .npy preamble + header for a C-order '<f4' array of the given
 * shape, byte-identical to numpy.save (numpy >= 1.24, which pads the dict
 * with spare room for growing the first axis). Returns a malloc'ed buffer and
 * its length, or NULL if out of memory. */
static unsigned char *make_npy_header(const Shape *shape, size_t *out_len) {
  static const char head[] = "{'descr': '<f4', 'fortran_order': False, "
                             "'shape': ";
  char shape_buf[LB_SHAPE_STR_CAP];
  size_t dict_len, hlen, pad, total, pos, prefix, i;
  unsigned char *buf;
  int version;

  shape_str(shape, 0, shape_buf);
  dict_len = (sizeof head - 1) + strlen(shape_buf) + 3; /* ", }" */
  if (shape->rank > 0) {
    char digits[24];
    size_t nd = 0;
    append_u64(digits, &nd, (uint64_t)shape->dim[0]);
    dict_len += nd < 21 ? 21 - nd : 0; /* GROWTH_AXIS_MAX_DIGITS */
  }
  hlen = dict_len + 1; /* the final '\n' */
  /* numpy uses format 1.0 unless the header does not fit in 2 bytes. */
  prefix = 10;
  version = 1;
  pad = 64 - (prefix + hlen) % 64;
  if (hlen + pad > 65535u) {
    prefix = 12;
    version = 2;
    pad = 64 - (prefix + hlen) % 64;
  }
  total = prefix + hlen + pad;
  buf = (unsigned char *)malloc(total);
  if (!buf)
    return NULL;
  memcpy(buf, "\x93NUMPY", 6);
  buf[6] = (unsigned char)version;
  buf[7] = 0;
  {
    uint32_t n = (uint32_t)(hlen + pad);
    buf[8] = (unsigned char)(n & 0xffu);
    buf[9] = (unsigned char)((n >> 8) & 0xffu);
    if (version == 2) {
      buf[10] = (unsigned char)((n >> 16) & 0xffu);
      buf[11] = (unsigned char)((n >> 24) & 0xffu);
    }
  }
  pos = prefix;
  memcpy(buf + pos, head, sizeof head - 1);
  pos += sizeof head - 1;
  memcpy(buf + pos, shape_buf, strlen(shape_buf));
  pos += strlen(shape_buf);
  memcpy(buf + pos, ", }", 3);
  pos += 3;
  for (i = pos; i < total - 1; ++i)
    buf[i] = ' ';
  buf[total - 1] = '\n';
  *out_len = total;
  return buf;
}

/*===----------------------------------------------------------------------===*
 * Driver
 *===----------------------------------------------------------------------===*/

static const char *program_name = "model";

static void print_usage(FILE *f) {
  fprintf(f, "usage: %s INPUT.npy OUTPUT.npy  (or --help)\n", program_name);
}

/* The output shape for n samples of a batch. */
static void batch_output_shape(uint64_t n, Shape *out) {
  int i, skip = 0;
  if (model_output_shape.rank >= 1 && model_output_shape.dim[0] == 1)
    skip = 1;
  out->rank = 1 + model_output_shape.rank - skip;
  out->dim[0] = (int64_t)n;
  for (i = skip; i < model_output_shape.rank; ++i)
    out->dim[1 + i - skip] = model_output_shape.dim[i];
}

static void print_help(void) {
  char a[LB_SHAPE_STR_CAP], b[LB_SHAPE_STR_CAP];
  Shape batch_out;
  print_usage(stdout);
  printf("\nRuns the Lowbit model '%s' on float32 data.\n",
         LB_STR(LB_PREFIX));
  printf("  input:  float32 %s", shape_str(&model_input_shape, 0, a));
  batch_output_shape(1, &batch_out);
  if (model_is_batchable())
    printf(", or a batch of N samples %s",
           shape_str(&model_input_shape, 1, b));
  printf("\n          (quantized to %s)\n", LB_STR(LB_INPUT_CTYPE));
  printf("  output: float32 %s", shape_str(&model_output_shape, 0, a));
  if (model_is_batchable())
    printf(", or %s for a batch", shape_str(&batch_out, 1, b));
  printf("\n          (dequantized from %s)\n", LB_STR(LB_OUTPUT_CTYPE));
  printf("\nINPUT.npy must hold little-endian float32 ('<f4') data (.npy "
         "format 1.0, 2.0\nor 3.0). OUTPUT.npy is written as .npy format 1.0, "
         "'<f4', C order.\nExit status: 0 on success, 1 on error, 2 on bad "
         "usage.\n");
}

/* Reads exactly n bytes of sample data. Returns 0, or reports an error. */
static int read_data(FILE *f, const char *path, unsigned char *buf, size_t n,
                     uint64_t done, uint64_t expected) {
  size_t got = read_some(f, buf, n);
  if (got == n)
    return 0;
  if (ferror(f))
    error_at(path, "read error: %s", strerror(errno));
  else
    error_at(path, "truncated data: expected %llu bytes, got %llu",
             (unsigned long long)expected,
             (unsigned long long)(done + got));
  return -1;
}

static int write_data(FILE *f, const char *path, const void *buf, size_t n) {
  if (n == 0 || fwrite(buf, 1, n, f) == n)
    return 0;
  error_at(path, "cannot write: %s", strerror(errno));
  return -1;
}

static int run(const char *in_path, const char *out_path) {
  FILE *in = NULL, *out = NULL;
  char *header_text = NULL, *tmp_path = NULL;
  unsigned char *out_header = NULL;
  float *x = NULL, *y = NULL;
  LB_INPUT_CTYPE *qx = NULL;
  LB_OUTPUT_CTYPE *qy = NULL;
  NpyHeader h;
  Shape out_shape;
  uint64_t elements, data_bytes, n_samples, i;
  size_t in_bytes = (size_t)LB_IN_SIZE * 4u;
  size_t out_bytes = (size_t)LB_OUT_SIZE * 4u;
  size_t header_len = 0;
  int overflow, status = 1, tmp_created = 0;
  int little = host_is_little_endian();
  char a[LB_SHAPE_STR_CAP], b[LB_SHAPE_STR_CAP], c[LB_SHAPE_STR_CAP];

  if ((uint64_t)LB_IN_SIZE > (uint64_t)(SIZE_MAX / 4u) ||
      (uint64_t)LB_OUT_SIZE > (uint64_t)(SIZE_MAX / 4u)) {
    error_at(NULL, "the model is too large for this host");
    return 1;
  }

  /* --- Input header and shape. --- */
  in = fopen(in_path, "rb");
  if (!in) {
    error_at(in_path, "cannot open: %s", strerror(errno));
    goto done;
  }
  if (read_npy_header(in, in_path, &h, &header_text) != 0)
    goto done;
  if (!h.descr_is_string ||
      !(key_is(h.descr, h.descr_len, "<f4") ||
        (little && key_is(h.descr, h.descr_len, "=f4")))) {
    char d[80];
    sanitize(h.descr, h.descr_len, d, 64);
    if (key_is(h.descr, h.descr_len, ">f4"))
      error_at(in_path, "dtype '%s' is big-endian float32; only '<f4' is "
                        "supported", d);
    else if (key_is(h.descr, h.descr_len, "=f4"))
      error_at(in_path, "dtype '%s' (native byte order) is ambiguous on this "
                        "big-endian host; only '<f4' is supported", d);
    else if (h.descr_is_string)
      error_at(in_path, "dtype '%s' is not float32 ('<f4')", d);
    else
      error_at(in_path, "dtype %s is not float32 ('<f4')", d);
    goto done;
  }
  elements = shape_elements(&h.shape, &overflow);
  if (overflow) {
    error_at(in_path, "shape %s is too large", shape_str(&h.shape, 0, a));
    goto done;
  }
  if (h.fortran_order && elements != 0) {
    int k, big = 0;
    for (k = 0; k < h.shape.rank; ++k)
      big += h.shape.dim[k] > 1;
    if (big > 1) {
      error_at(in_path, "fortran_order=True is not supported for shape %s "
                        "(save the array in C order)",
               shape_str(&h.shape, 0, a));
      goto done;
    }
  }
  data_bytes = elements * 4u;

  if (shape_equal(&h.shape, &model_input_shape)) {
    n_samples = 1;
    out_shape = model_output_shape;
  } else if (model_is_batchable() && h.shape.rank == model_input_shape.rank &&
             memcmp(h.shape.dim + 1, model_input_shape.dim + 1,
                    (size_t)(h.shape.rank - 1) * sizeof(int64_t)) == 0) {
    n_samples = (uint64_t)h.shape.dim[0];
    batch_output_shape(n_samples, &out_shape);
  } else {
    if (model_is_batchable())
      error_at(in_path, "shape %s does not match the model input %s or %s",
               shape_str(&h.shape, 0, a), shape_str(&model_input_shape, 0, b),
               shape_str(&model_input_shape, 1, c));
    else
      error_at(in_path, "shape %s does not match the model input %s",
               shape_str(&h.shape, 0, a), shape_str(&model_input_shape, 0, b));
    goto done;
  }
  if (n_samples * (uint64_t)LB_IN_SIZE != elements) { /* cannot happen */
    error_at(in_path, "internal error: inconsistent sample count");
    goto done;
  }
  shape_elements(&out_shape, &overflow);
  if (overflow) {
    error_at(out_path, "output shape %s is too large",
             shape_str(&out_shape, 0, a));
    goto done;
  }

  /* --- Check the data size up front where the file can be measured. --- */
  {
    long pos = ftell(in);
    if (pos >= 0 && fseek(in, 0, SEEK_END) == 0) {
      long end = ftell(in);
      if (fseek(in, pos, SEEK_SET) != 0) {
        error_at(in_path, "cannot seek: %s", strerror(errno));
        goto done;
      }
      if (end >= pos) {
        uint64_t have = (uint64_t)(end - pos);
        if (have < data_bytes) {
          error_at(in_path, "truncated data: expected %llu bytes, got %llu",
                   (unsigned long long)data_bytes, (unsigned long long)have);
          goto done;
        }
        if (have > data_bytes) {
          error_at(in_path, "trailing data: expected %llu bytes, got %llu",
                   (unsigned long long)data_bytes, (unsigned long long)have);
          goto done;
        }
      }
    }
  }

  /* --- Buffers. --- */
  x = (float *)malloc(in_bytes);
  y = (float *)malloc(out_bytes);
  qx = (LB_INPUT_CTYPE *)malloc(sizeof *qx * (size_t)LB_IN_SIZE);
  qy = (LB_OUTPUT_CTYPE *)malloc(sizeof *qy * (size_t)LB_OUT_SIZE);
  out_header = make_npy_header(&out_shape, &header_len);
  tmp_path = (char *)malloc(strlen(out_path) + 32);
  if (!x || !y || !qx || !qy || !out_header || !tmp_path) {
    error_at(NULL, "out of memory");
    goto done;
  }

  /* --- Output, via a temporary file. --- */
  sprintf(tmp_path, "%s.tmp.%ld", out_path, LB_GETPID());
  out = fopen(tmp_path, "wb");
  if (!out) {
    error_at(out_path, "cannot write: cannot create %s: %s", tmp_path,
             strerror(errno));
    goto done;
  }
  tmp_created = 1;
  if (write_data(out, out_path, out_header, header_len) != 0)
    goto done;

  for (i = 0; i < n_samples; ++i) {
    int rc;
    if (read_data(in, in_path, (unsigned char *)x, in_bytes,
                  i * (uint64_t)in_bytes, data_bytes) != 0)
      goto done;
    if (!little)
      swap_words((unsigned char *)x, (size_t)LB_IN_SIZE);
    LB_SYM(_quantize_input)(x, qx);
    rc = LB_SYM(_run)(qx, qy);
    if (rc != 0) {
      error_at(NULL, "model returned %d on sample %llu", rc,
               (unsigned long long)i);
      goto done;
    }
    LB_SYM(_dequantize_output)(qy, y);
    if (!little)
      swap_words((unsigned char *)y, (size_t)LB_OUT_SIZE);
    if (write_data(out, out_path, y, out_bytes) != 0)
      goto done;
  }
  if (fgetc(in) != EOF) {
    error_at(in_path, "trailing data after the expected %llu bytes",
             (unsigned long long)data_bytes);
    goto done;
  }
  if (ferror(in)) {
    error_at(in_path, "read error: %s", strerror(errno));
    goto done;
  }

  /* --- Commit. --- */
  if (fflush(out) != 0 || ferror(out)) {
    error_at(out_path, "cannot write: %s", strerror(errno));
    goto done;
  }
  {
    int rc = fclose(out);
    out = NULL;
    if (rc != 0) {
      error_at(out_path, "cannot write: %s", strerror(errno));
      goto done;
    }
  }
  if (rename(tmp_path, out_path) != 0) {
    error_at(out_path, "cannot write: cannot rename %s: %s", tmp_path,
             strerror(errno));
    goto done;
  }
  status = 0;

done:
  if (out)
    fclose(out);
  if (status != 0 && tmp_created)
    remove(tmp_path);
  if (in)
    fclose(in);
  free(header_text);
  free(out_header);
  free(tmp_path);
  free(x);
  free(y);
  free(qx);
  free(qy);
  return status;
}

int main(int argc, char **argv) {
  int i;
  if (argc > 0 && argv[0] && argv[0][0] != '\0')
    program_name = argv[0];
  if (load_model_shapes() != 0) {
    error_at(NULL, "internal error: the model's shapes and sizes disagree");
    return 1;
  }
  for (i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      print_help();
      return fflush(stdout) == 0 ? 0 : 1;
    }
  }
  if (argc != 3) {
    print_usage(stderr);
    return 2;
  }
  return run(argv[1], argv[2]);
}
