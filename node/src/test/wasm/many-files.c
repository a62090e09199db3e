/* many-files: creates small files in /outputs (and a directory per 100) until it is stopped or
 * COUNT (first argument, default: no end) files exist; a file-count limit must stop it. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
int main(int argc, char **argv) {
  long max = argc > 1 ? atol(argv[1]) : -1;
  char path[64];
  for (long i = 0; max < 0 || i < max; i++) {
    if (i % 100 == 0) {
      snprintf(path, sizeof path, "/outputs/d%ld", i / 100);
      if (mkdir(path, 0755) != 0) return 2;
    }
    snprintf(path, sizeof path, "/outputs/d%ld/f%ld.txt", i / 100, i);
    FILE *f = fopen(path, "w");
    if (f == NULL) return 1;
    fprintf(f, "%ld\n", i);
    fclose(f);
  }
  return 0;
}
