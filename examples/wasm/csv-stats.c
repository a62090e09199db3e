/*
 * csv-stats: count, min, max, mean and standard deviation of every numeric column of every CSV
 * file under a directory tree (default /inputs), per file and over all files together.
 *
 * Usage: csv-stats [INPUTS_DIR [OUTPUTS_DIR]]      (defaults: /inputs /outputs)
 *
 * Writes OUTPUTS_DIR/stats.csv and prints the same table on stdout:
 *
 *   file,column,count,min,max,mean,stddev
 *   seattle-weather.csv,precipitation,1461,0,55.9,3.029432,6.680194
 *   ...
 *   *,precipitation,...          (file "*": the column over every file that has it)
 *
 * Files are the regular files whose name ends in ".csv" (any case), found recursively and taken
 * in byte order of their path relative to INPUTS_DIR; columns in header order, the "*" rows in
 * byte order of the column name. The first line of a file is its header; fields are separated by
 * ',' and may be double-quoted (RFC 4180, "" inside quotes is a quote). A column is numeric when
 * it has at least one non-empty field and every non-empty field is a decimal number (strtod,
 * whole field, no "inf"/"nan"); empty fields are skipped. stddev is the sample standard deviation
 * (divisor count - 1; 0 for a single value), computed with Welford's algorithm and merged over
 * files with Chan et al.'s formula. Numbers are printed with printf "%.6f" (min and max "%.10g").
 *
 * Deterministic: no clock, no randomness, sorted traversal, fixed formatting. Builds the same for
 * WASI (clang --target=wasm32-wasi --sysroot=/usr -O2) and natively (clang -O2 -lm).
 * Exit codes: 0 done, 1 usage or I/O error, 12 out of memory.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void *xrealloc(void *p, size_t size) {
  void *q = realloc(p, size);
  if (q == NULL && size != 0) {
    fprintf(stderr, "csv-stats: out of memory (asked for %zu bytes)\n", size);
    exit(12);
  }
  return q;
}

static char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = xrealloc(NULL, n);
  memcpy(d, s, n);
  return d;
}

/* ---- collecting file paths ---- */

typedef struct {
  char **paths;
  size_t n, cap;
} PathList;

static int ends_with_csv(const char *name) {
  size_t n = strlen(name);
  return n > 4 && name[n - 4] == '.' && tolower((unsigned char)name[n - 3]) == 'c' &&
         tolower((unsigned char)name[n - 2]) == 's' && tolower((unsigned char)name[n - 1]) == 'v';
}

static void walk(const char *root, const char *rel, PathList *out) {
  size_t len = strlen(root) + strlen(rel) + 2;
  char *dirpath = xrealloc(NULL, len);
  snprintf(dirpath, len, "%s%s%s", root, *rel ? "/" : "", rel);
  DIR *d = opendir(dirpath);
  if (d == NULL) {
    fprintf(stderr, "csv-stats: cannot open directory %s: %s\n", dirpath, strerror(errno));
    exit(1);
  }
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    size_t rlen = strlen(rel) + strlen(e->d_name) + 2;
    char *child = xrealloc(NULL, rlen);
    snprintf(child, rlen, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
    size_t flen = strlen(root) + rlen + 1;
    char *full = xrealloc(NULL, flen);
    snprintf(full, flen, "%s/%s", root, child);
    struct stat st;
    if (lstat(full, &st) != 0) {
      fprintf(stderr, "csv-stats: cannot stat %s: %s\n", full, strerror(errno));
      exit(1);
    }
    if (S_ISDIR(st.st_mode)) {
      walk(root, child, out);
      free(child);
    } else if (S_ISREG(st.st_mode) && ends_with_csv(e->d_name)) {
      if (out->n == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 16;
        out->paths = xrealloc(out->paths, out->cap * sizeof(char *));
      }
      out->paths[out->n++] = child;
    } else {
      free(child);
    }
    free(full);
  }
  closedir(d);
  free(dirpath);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- statistics ---- */

/* Welford's running count, min, max, mean and sum of squared deviations of one column. */
typedef struct {
  long long count;
  double min, max, mean, m2;
} Stats;

typedef struct {
  char *name;
  long long bad; /* non-empty, non-numeric values seen */
  Stats s;
} Column;

typedef struct {
  Column *cols;
  size_t n, cap;
} Table;

static inline void add_value(Stats *s, double x) {
  s->count++;
  if (s->count == 1) {
    s->min = s->max = x;
  } else {
    if (x < s->min) s->min = x;
    if (x > s->max) s->max = x;
  }
  double delta = x - s->mean;
  s->mean += delta / (double)s->count;
  s->m2 += delta * (x - s->mean);
}

/* Chan et al.: merges b into a. */
static void merge(Stats *a, const Stats *b) {
  if (b->count == 0) return;
  if (a->count == 0) {
    *a = *b;
    return;
  }
  double n = (double)(a->count + b->count);
  double delta = b->mean - a->mean;
  a->mean += delta * (double)b->count / n;
  a->m2 += b->m2 + delta * delta * (double)a->count * (double)b->count / n;
  a->count += b->count;
  if (b->min < a->min) a->min = b->min;
  if (b->max > a->max) a->max = b->max;
}

static double stddev(const Stats *s) {
  return s->count > 1 ? sqrt(s->m2 / (double)(s->count - 1)) : 0.0;
}

/* 10^0 .. 10^22: exactly representable as doubles. */
static const double POW10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                               1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/*
 * Whether s[0, len) (already trimmed) is a decimal number: [+-] digits [. digits] [(e|E) [+-]
 * digits], with at least one mantissa digit. Checked before strtod, which also takes "inf", "nan",
 * hex and prefixes ("2012-01-01" would read as 2012).
 */
static int is_decimal(const char *s, size_t len) {
  size_t i = 0, digits = 0;
  if (i < len && (s[i] == '-' || s[i] == '+')) i++;
  for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) digits++;
  if (i < len && s[i] == '.')
    for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++) digits++;
  if (digits == 0) return 0;
  if (i < len && (s[i] == 'e' || s[i] == 'E')) {
    size_t e = 0;
    i++;
    if (i < len && (s[i] == '-' || s[i] == '+')) i++;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) e++;
    if (e == 0) return 0;
  }
  return i == len;
}

/*
 * Unquotes s[0, len) in place (RFC 4180: "" inside quotes is a quote) and returns the new length.
 */
static size_t unquote(char *s, size_t len) {
  size_t w = 0;
  int quoted = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '"') {
      if (quoted && i + 1 < len && s[i + 1] == '"') {
        s[w++] = '"';
        i++;
      } else {
        quoted = !quoted;
      }
    } else {
      s[w++] = s[i];
    }
  }
  return w;
}

/*
 * The slow path for one field (quoted, padded, with an exponent or many digits): 1 and *out for a
 * finite number, 0 for text, -1 for an empty field. Unquotes in place (the field's bytes are
 * scratch by then).
 */
static int parse_slow(char *s, size_t len, double *out) {
  len = unquote(s, len);
  while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r')) len--;
  while (len > 0 && (*s == ' ' || *s == '\t')) {
    s++;
    len--;
  }
  if (len == 0) return -1;
  if (!is_decimal(s, len)) return 0;
  char *copy = xrealloc(NULL, len + 1);
  memcpy(copy, s, len);
  copy[len] = '\0';
  double v = strtod(copy, NULL);
  free(copy);
  if (!isfinite(v)) return 0;
  *out = v;
  return 1;
}

/* ---- CSV reading ---- */

static void column_for(Table *t, size_t index, const char *name) {
  if (index >= t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 16;
    while (cap <= index) cap *= 2;
    t->cols = xrealloc(t->cols, cap * sizeof(Column));
    memset(t->cols + t->cap, 0, (cap - t->cap) * sizeof(Column));
    t->cap = cap;
  }
  if (index >= t->n) t->n = index + 1;
  if (name != NULL) t->cols[index].name = xstrdup(name);
}

/* A header field: names column col (unquoted, a trailing '\r' dropped, when slow). */
static void header_field(Table *t, const char *s, size_t len, size_t col, int slow) {
  char *name = xrealloc(NULL, len + 1);
  memcpy(name, s, len);
  size_t n = len;
  if (slow) {
    n = unquote(name, len);
    while (n > 0 && name[n - 1] == '\r') n--;
  }
  name[n] = '\0';
  column_for(t, col, name);
  free(name);
}

/*
 * The value of a data field of column col: the number, or NaN for an empty field or text (text
 * also counts as the column's "bad" value). m, significant, digits, frac, neg and slow are what
 * the byte loop gathered; s[0, len) is the field's bytes.
 */
static double field_value(Table *t, char *s, size_t len, size_t col, unsigned long long m, int significant,
                          int digits, int frac, int neg, int slow) {
  if (!slow && digits > 0 && significant <= 15 && frac <= 22) {
    /* Clinger's fast path: m and 10^frac are exact doubles, so one IEEE division rounds
       correctly, as strtod would (which wasi-libc computes in emulated 128-bit long double). */
    double v = (double)m / POW10[frac];
    return neg ? -v : v;
  }
  Column *c = &t->cols[col];
  if (c->bad) return NAN; /* already text: its numbers are never reported */
  double v;
  int r = parse_slow(s, len, &v);
  if (r == 1) return v;
  if (r == 0) c->bad++;
  return NAN;
}

/* Column col, which the header did not name, as its own column "columnN". */
static void extra_column(Table *t, size_t col) {
  char name[32];
  snprintf(name, sizeof name, "column%zu", col + 1);
  column_for(t, col, name);
}

/*
 * Feeds a batch of rows (row-major, ncols values a row, NaN where a row has no number) to the
 * header's columns, one column at a time with its statistics in locals, in row order: the same
 * arithmetic as feeding each value as it is read, so the same result to the last bit.
 */
static void flush_rows(Table *t, const double *batch, size_t rows, size_t ncols) {
  for (size_t j = 0; j < ncols; j++) {
    Stats s = t->cols[j].s;
    for (size_t r = 0; r < rows; r++) {
      double x = batch[r * ncols + j];
      if (x == x) add_value(&s, x);
    }
    t->cols[j].s = s;
  }
}

/*
 * One byte of the CSV scan (the low 8 bits of X), on read_csv's locals; advances i. A field ends
 * at ',' or '\n' outside quotes; digits, one '.', and a leading sign are gathered for the fast
 * path; anything else sends the field to the slow path. A data field's value goes to the current
 * row of the batch (or, past the header's columns, straight to its own column).
 */
#define STEP(X)                                                                            \
  do {                                                                                     \
    unsigned c = (unsigned)((X) & 0xff);                                                   \
    unsigned d = c - '0';                                                                  \
    if (d < 10) {                                                                          \
      if (m != 0 || d != 0) significant++;                                                 \
      if (significant <= 19) m = m * 10 + d;                                               \
      digits++;                                                                            \
      frac += dot;                                                                         \
    } else if (c == '"') {                                                                 \
      quoted = !quoted;                                                                    \
      slow = 1;                                                                            \
    } else if ((c == ',' || c == '\n') && !quoted) {                                       \
      int nonempty = c == ',' || col > 0 || i > fstart; /* blank lines are skipped */      \
      if (nonempty) FIELD();                                                               \
      m = 0;                                                                               \
      significant = digits = frac = dot = neg = slow = 0;                                  \
      fstart = i + 1;                                                                      \
      if (c == '\n') {                                                                     \
        if (nonempty) ROW();                                                               \
        col = 0;                                                                           \
      } else {                                                                             \
        col++;                                                                             \
      }                                                                                    \
    } else if (c == '.' && !dot) {                                                         \
      dot = 1;                                                                             \
    } else if ((c == '-' || c == '+') && i == fstart) {                                    \
      neg = c == '-';                                                                      \
    } else {                                                                               \
      slow = 1;                                                                            \
    }                                                                                      \
    i++;                                                                                   \
  } while (0)

/* The field buf[fstart, i) of column col ends: a column name, or a value for the batch. */
#define FIELD()                                                                              \
  do {                                                                                       \
    if (line == 0) {                                                                         \
      header_field(t, buf + fstart, i - fstart, col, slow);                                  \
    } else {                                                                                 \
      if (col >= ncols && col >= t->n) extra_column(t, col);                                 \
      double v = field_value(t, buf + fstart, i - fstart, col, m, significant, digits, frac, \
                             neg, slow);                                                     \
      if (col < ncols) {                                                                     \
        batch[row * ncols + col] = v;                                                        \
        filled = col + 1;                                                                    \
      } else if (v == v) { /* past the header's columns: fed directly */                     \
        add_value(&t->cols[col].s, v);                                                       \
      }                                                                                      \
    }                                                                                        \
  } while (0)

/* A non-blank line ends: after the header, size the batch; after a row, fill its missing
   columns with NaN and flush the batch when full. */
#define ROW()                                                                                \
  do {                                                                                       \
    if (line == 0) {                                                                         \
      ncols = t->n;                                                                          \
      rows = ncols > 0 && ncols < BATCH_VALUES ? BATCH_VALUES / ncols : 1;                   \
      batch = xrealloc(NULL, rows * (ncols ? ncols : 1) * sizeof(double));                   \
    } else {                                                                                 \
      for (size_t k = filled; k < ncols; k++) batch[row * ncols + k] = NAN;                  \
      filled = 0;                                                                            \
      if (++row == rows) {                                                                   \
        flush_rows(t, batch, row, ncols);                                                    \
        row = 0;                                                                             \
      }                                                                                      \
    }                                                                                        \
    line++;                                                                                  \
  } while (0)

/* Values held in a batch before they are fed to the columns (64 Ki doubles: 512 KiB). */
#define BATCH_VALUES 65536

/*
 * Reads one CSV file in a single pass. The hot loop takes the bytes 8 at a time from one 64-bit
 * load and keeps everything it learns about the current field in locals; each value goes to a
 * row-major batch, and full batches are fed to the statistics one column at a time. A runtime
 * where each memory access costs much more than arithmetic (WASM on the JVM) then does about one
 * load per 8 bytes and one store and one load per value. Only the current field's bytes are kept
 * when the buffer is refilled.
 */
static void read_csv(const char *path, Table *t) {
  FILE *in = fopen(path, "rb");
  if (in == NULL) {
    fprintf(stderr, "csv-stats: cannot open %s: %s\n", path, strerror(errno));
    exit(1);
  }
  size_t cap = 1 << 16, have = 0, fstart = 0, col = 0;
  char *buf = xrealloc(NULL, cap + 8);
  long long line = 0;
  /* the batch: rows of ncols values (the header's columns); row is the current one, filled its
     columns written so far */
  double *batch = NULL;
  size_t ncols = 0, rows = 0, row = 0, filled = 0;
  /* the current field's state, in locals (never in memory) until the field ends */
  unsigned long long m = 0;
  int significant = 0, digits = 0, frac = 0, dot = 0, neg = 0, slow = 0, quoted = 0;
  for (;;) {
    if (fstart > 0) {
      memmove(buf, buf + fstart, have - fstart);
      have -= fstart;
      fstart = 0;
    }
    if (have == cap) { /* a field longer than the buffer */
      cap *= 2;
      buf = xrealloc(buf, cap + 8);
    }
    size_t got = fread(buf + have, 1, cap - have, in);
    if (got == 0) break;
    size_t i = have;
    have += got;
    while (i < have) {
      unsigned long long w;
      memcpy(&w, buf + i, 8); /* the buffer has 8 spare bytes; those past `have` are not used */
      for (size_t k = have - i < 8 ? have - i : 8; k > 0; k--, w >>= 8) STEP(w);
    }
  }
  if (ferror(in)) {
    fprintf(stderr, "csv-stats: cannot read %s: %s\n", path, strerror(errno));
    exit(1);
  }
  if (have > fstart || col > 0) { /* the last line has no '\n' */
    size_t i = have;
    FIELD();
    ROW();
  }
  if (row > 0) flush_rows(t, batch, row, ncols);
  fclose(in);
  free(buf);
  free(batch);
}

/* ---- output ---- */

static void print_field(FILE *out, const char *s) {
  if (strpbrk(s, ",\"\n\r") == NULL) {
    fputs(s, out);
    return;
  }
  fputc('"', out);
  for (; *s; s++) {
    if (*s == '"') fputc('"', out);
    fputc(*s, out);
  }
  fputc('"', out);
}

static void print_row(FILE *out, const char *file, const Column *c) {
  print_field(out, file);
  fputc(',', out);
  print_field(out, c->name);
  fprintf(out, ",%lld,%.10g,%.10g,%.6f,%.6f\n", c->s.count, c->s.min, c->s.max, c->s.mean, stddev(&c->s));
}

static int cmp_col(const void *a, const void *b) {
  return strcmp(((const Column *)a)->name, ((const Column *)b)->name);
}

int main(int argc, char **argv) {
  const char *inputs = argc > 1 ? argv[1] : "/inputs";
  const char *outputs = argc > 2 ? argv[2] : "/outputs";
  if (argc > 3) {
    fprintf(stderr, "usage: csv-stats [INPUTS_DIR [OUTPUTS_DIR]]\n");
    return 1;
  }
  PathList files = {0};
  walk(inputs, "", &files);
  qsort(files.paths, files.n, sizeof(char *), cmp_str);

  size_t outlen = strlen(outputs) + sizeof "/stats.csv";
  char *outpath = xrealloc(NULL, outlen);
  snprintf(outpath, outlen, "%s/stats.csv", outputs);
  FILE *out = fopen(outpath, "wb");
  if (out == NULL) {
    fprintf(stderr, "csv-stats: cannot create %s: %s\n", outpath, strerror(errno));
    return 1;
  }
  FILE *sinks[2] = {out, stdout};
  for (int s = 0; s < 2; s++) fputs("file,column,count,min,max,mean,stddev\n", sinks[s]);

  Table all = {0};
  for (size_t i = 0; i < files.n; i++) {
    size_t flen = strlen(inputs) + strlen(files.paths[i]) + 2;
    char *full = xrealloc(NULL, flen);
    snprintf(full, flen, "%s/%s", inputs, files.paths[i]);
    Table t = {0};
    read_csv(full, &t);
    for (size_t c = 0; c < t.n; c++) {
      Column *col = &t.cols[c];
      if (col->name == NULL || col->s.count == 0 || col->bad != 0) continue;
      for (int s = 0; s < 2; s++) print_row(sinks[s], files.paths[i], col);
      size_t j = 0;
      while (j < all.n && strcmp(all.cols[j].name, col->name) != 0) j++;
      if (j == all.n) column_for(&all, j, col->name);
      merge(&all.cols[j].s, &col->s);
    }
    for (size_t c = 0; c < t.n; c++) free(t.cols[c].name);
    free(t.cols);
    free(full);
  }
  if (all.n > 0) qsort(all.cols, all.n, sizeof(Column), cmp_col);
  for (size_t j = 0; j < all.n; j++) {
    for (int s = 0; s < 2; s++) print_row(sinks[s], "*", &all.cols[j]);
  }
  if (fclose(out) != 0 || fflush(stdout) != 0) {
    fprintf(stderr, "csv-stats: cannot write the result: %s\n", strerror(errno));
    return 1;
  }
  fprintf(stderr, "csv-stats: %zu files, %zu numeric columns\n", files.n, all.n);
  return 0;
}
