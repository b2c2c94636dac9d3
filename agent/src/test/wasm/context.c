// Command form: reports what WASI shows it (argv, one env variable) on stdout, writes two lines
// to stderr, and on request exits with code 3 ("fail") or spins forever ("loop").
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  char payload[64] = {0};
  fread(payload, 1, sizeof payload - 1, stdin);
  if (strcmp(payload, "loop") == 0) {
    volatile int spinning = 1;
    while (spinning) {
    }
  }
  fprintf(stderr, "first stderr line\nsecond stderr line\n");
  const char *greeting = getenv("GREETING");
  printf("argc=%d argv0=%s argv1=%s GREETING=%s", argc, argv[0], argc > 1 ? argv[1] : "", greeting ? greeting : "(unset)");
  return strcmp(payload, "fail") == 0 ? 3 : 0;
}
