/*
 * text-filter: the lines of every file under a directory tree (default /inputs) that contain a
 * pattern, like `grep -rF`.
 *
 * Usage: text-filter [-i] [-v] PATTERN [INPUTS_DIR [OUTPUTS_DIR]]   (defaults: /inputs /outputs)
 *   -i  ignore ASCII case        -v  keep the lines that do NOT contain PATTERN
 *
 * Writes OUTPUTS_DIR/matches.txt, one "PATH:LINE:TEXT" line per kept line (PATH relative to
 * INPUTS_DIR, LINE from 1), and prints "PATH: N" per file and "total: N" on stdout. Files are
 * every regular file found recursively, in byte order of their relative path. Deterministic: no
 * clock, no randomness, sorted traversal. Exit codes: 0 some line kept, 1 none kept, 2 usage or
 * I/O error, 12 out of memory.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void *xrealloc(void *p, size_t size) {
  void *q = realloc(p, size);
  if (q == NULL && size != 0) {
    fprintf(stderr, "text-filter: out of memory\n");
    exit(12);
  }
  return q;
}

typedef struct {
  char **paths;
  size_t n, cap;
} PathList;

static void walk(const char *root, const char *rel, PathList *out) {
  size_t len = strlen(root) + strlen(rel) + 2;
  char *dirpath = xrealloc(NULL, len);
  snprintf(dirpath, len, "%s%s%s", root, *rel ? "/" : "", rel);
  DIR *d = opendir(dirpath);
  if (d == NULL) {
    fprintf(stderr, "text-filter: cannot open directory %s: %s\n", dirpath, strerror(errno));
    exit(2);
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
      fprintf(stderr, "text-filter: cannot stat %s: %s\n", full, strerror(errno));
      exit(2);
    }
    if (S_ISDIR(st.st_mode)) {
      walk(root, child, out);
      free(child);
    } else if (S_ISREG(st.st_mode)) {
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

static int contains(const char *line, size_t len, const char *pat, size_t plen, int icase) {
  if (plen == 0) return 1;
  for (size_t i = 0; i + plen <= len; i++) {
    size_t j = 0;
    while (j < plen && (icase ? tolower((unsigned char)line[i + j]) == tolower((unsigned char)pat[j])
                              : line[i + j] == pat[j]))
      j++;
    if (j == plen) return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  int icase = 0, invert = 0, a = 1;
  for (; a < argc && argv[a][0] == '-' && argv[a][1] != '\0'; a++) {
    if (strcmp(argv[a], "-i") == 0) icase = 1;
    else if (strcmp(argv[a], "-v") == 0) invert = 1;
    else if (strcmp(argv[a], "--") == 0) { a++; break; }
    else {
      fprintf(stderr, "text-filter: unknown option %s\n", argv[a]);
      return 2;
    }
  }
  if (a >= argc || argc - a > 3) {
    fprintf(stderr, "usage: text-filter [-i] [-v] PATTERN [INPUTS_DIR [OUTPUTS_DIR]]\n");
    return 2;
  }
  const char *pat = argv[a];
  const char *inputs = a + 1 < argc ? argv[a + 1] : "/inputs";
  const char *outputs = a + 2 < argc ? argv[a + 2] : "/outputs";
  size_t plen = strlen(pat);

  PathList files = {0};
  walk(inputs, "", &files);
  qsort(files.paths, files.n, sizeof(char *), cmp_str);

  size_t olen = strlen(outputs) + sizeof "/matches.txt";
  char *opath = xrealloc(NULL, olen);
  snprintf(opath, olen, "%s/matches.txt", outputs);
  FILE *out = fopen(opath, "wb");
  if (out == NULL) {
    fprintf(stderr, "text-filter: cannot create %s: %s\n", opath, strerror(errno));
    return 2;
  }
  long long total = 0;
  char *line = NULL;
  size_t cap = 0;
  for (size_t i = 0; i < files.n; i++) {
    size_t flen = strlen(inputs) + strlen(files.paths[i]) + 2;
    char *full = xrealloc(NULL, flen);
    snprintf(full, flen, "%s/%s", inputs, files.paths[i]);
    FILE *in = fopen(full, "rb");
    if (in == NULL) {
      fprintf(stderr, "text-filter: cannot open %s: %s\n", full, strerror(errno));
      return 2;
    }
    long long n = 0, lineno = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, in)) != -1) {
      lineno++;
      size_t l = (size_t)len;
      if (l > 0 && line[l - 1] == '\n') l--;
      if (contains(line, l, pat, plen, icase) != invert) {
        fprintf(out, "%s:%lld:%.*s\n", files.paths[i], lineno, (int)l, line);
        n++;
      }
    }
    fclose(in);
    printf("%s: %lld\n", files.paths[i], n);
    total += n;
    free(full);
  }
  printf("total: %lld\n", total);
  if (fclose(out) != 0) {
    fprintf(stderr, "text-filter: cannot write %s: %s\n", opath, strerror(errno));
    return 2;
  }
  return total > 0 ? 0 : 1;
}
