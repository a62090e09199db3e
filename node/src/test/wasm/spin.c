/* spin: never ends; a wall-clock timeout must stop it. */
#include <stdio.h>
int main(void) {
  volatile unsigned long long n = 0;
  puts("spinning");
  fflush(stdout);
  for (;;) n++;
}
