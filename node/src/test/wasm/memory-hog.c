/* memory-hog: allocates and touches 1 MiB blocks, keeping them, until malloc fails; a memory limit
 * must stop it first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static char *volatile kept[4096];
int main(void) {
  for (unsigned long mib = 1; mib < 4096; mib++) {
    char *p = malloc(1 << 20);
    if (p == NULL) {
      printf("malloc failed after %lu MiB\n", mib - 1);
      return 12;
    }
    memset(p, (int)mib, 1 << 20);
    kept[mib] = p;
  }
  puts("allocated 4 GiB");
  return 0;
}
