/* abort: prints a line, then aborts (a WASM trap); the trap is the job's result, exit code 134. */
#include <stdio.h>
#include <stdlib.h>
int main(void) {
  puts("about to abort");
  fflush(stdout);
  abort();
}
