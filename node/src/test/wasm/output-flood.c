/* output-flood: writes 64 KiB blocks without end, to /outputs/flood.bin (no argument) or to stdout
 * ("stdout"); an output limit must stop it. */
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) {
  static char block[1 << 16];
  memset(block, 'x', sizeof block);
  FILE *f = argc > 1 && strcmp(argv[1], "stdout") == 0 ? stdout : fopen("/outputs/flood.bin", "wb");
  if (f == NULL) return 1;
  for (;;) {
    if (fwrite(block, 1, sizeof block, f) != sizeof block) return 2;
  }
}
