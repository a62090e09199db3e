/*
 * probe: prints everything a module could use to tell two runs apart, so that a test can check
 * that the sandbox shows every run of a job the same: clocks, random bytes, file metadata,
 * directory order, args and env. Also checks that /inputs is read-only and that no host path
 * outside /inputs and /outputs can be reached. Writes the report to stdout and /outputs/probe.txt.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static FILE *out;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#include <stdarg.h>
static void say(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  va_start(ap, fmt);
  vfprintf(out, fmt, ap);
  va_end(ap);
}

static void list(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    say("opendir %s: errno %d\n", dir, errno);
    return;
  }
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    struct stat st;
    if (stat(path, &st) == 0) {
      say("entry %s ino=%llu dev=%llu nlink=%llu size=%lld mtime=%lld.%09ld atime=%lld ctime=%lld type=%d\n",
          path, (unsigned long long)st.st_ino, (unsigned long long)st.st_dev,
          (unsigned long long)st.st_nlink, (long long)st.st_size, (long long)st.st_mtim.tv_sec,
          st.st_mtim.tv_nsec, (long long)st.st_atim.tv_sec, (long long)st.st_ctim.tv_sec,
          (int)e->d_type);
    }
  }
  closedir(d);
}

int main(int argc, char **argv) {
  out = fopen("/outputs/probe.txt", "w");
  if (!out) {
    perror("open /outputs/probe.txt");
    return 1;
  }
  for (int i = 0; i < argc; i++) say("arg %d %s\n", i, argv[i]);
  const char *v = getenv("GREETING");
  say("env GREETING=%s\n", v ? v : "(unset)");
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  say("realtime %lld.%09ld\n", (long long)ts.tv_sec, ts.tv_nsec);
  clock_gettime(CLOCK_MONOTONIC, &ts);
  say("monotonic %lld.%09ld\n", (long long)ts.tv_sec, ts.tv_nsec);
  say("time %lld\n", (long long)time(NULL));
  struct timespec nap = {0, 50 * 1000 * 1000};
  say("nanosleep %d\n", nanosleep(&nap, NULL));
  clock_gettime(CLOCK_MONOTONIC, &ts);
  say("monotonic-after-sleep %lld.%09ld\n", (long long)ts.tv_sec, ts.tv_nsec);
  unsigned char r[32];
  if (getentropy(r, sizeof r) != 0) say("getentropy failed %d\n", errno);
  say("random ");
  for (size_t i = 0; i < sizeof r; i++) say("%02x", r[i]);
  say("\n");
  say("arc4random %u %u\n", arc4random(), arc4random());
  srand((unsigned)time(NULL));
  say("rand %d\n", rand());

  list("/inputs");
  list("/inputs/sub");

  int fd = open("/inputs/new.txt", O_WRONLY | O_CREAT, 0644);
  say("create in /inputs: %s\n", fd >= 0 ? "ALLOWED" : "refused");
  fd = open("/inputs/a.txt", O_WRONLY);
  say("write-open /inputs/a.txt: %s\n", fd >= 0 ? "ALLOWED" : "refused");
  fd = open("/inputs/a.txt", O_RDWR | O_TRUNC);
  say("truncate /inputs/a.txt: %s\n", fd >= 0 ? "ALLOWED" : "refused");
  say("unlink /inputs/a.txt: %s\n", unlink("/inputs/a.txt") == 0 ? "ALLOWED" : "refused");
  say("mkdir /inputs/d: %s\n", mkdir("/inputs/d", 0755) == 0 ? "ALLOWED" : "refused");
  say("rename /inputs/a.txt: %s\n", rename("/inputs/a.txt", "/outputs/a.txt") == 0 ? "ALLOWED" : "refused");
  say("open /etc/passwd: %s\n", open("/etc/passwd", O_RDONLY) >= 0 ? "ALLOWED" : "refused");
  say("open /inputs/../../etc/passwd: %s\n",
      open("/inputs/../../etc/passwd", O_RDONLY) >= 0 ? "ALLOWED" : "refused");
  say("symlink in /outputs: %s\n", symlink("/etc/passwd", "/outputs/link") == 0 ? "ALLOWED" : "refused");
  say("hard link in /outputs: %s\n", link("/inputs/a.txt", "/outputs/hard") == 0 ? "ALLOWED" : "refused");
  FILE *a = fopen("/inputs/a.txt", "r");
  char line[128] = "";
  if (a && fgets(line, sizeof line, a)) say("read /inputs/a.txt: %s", line);
  if (a) fclose(a);
  FILE *w = fopen("/outputs/sub-file.txt", "w");
  say("write in /outputs: %s\n", w && fputs("written\n", w) >= 0 && fclose(w) == 0 ? "ok" : "FAILED");
  fclose(out);
  return 0;
}
