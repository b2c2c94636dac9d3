// A wasm function in the WASI command form: the payload is stdin, the reply is stdout, the
// trigger subject is argv[1]. Build: clang --target=wasm32-wasi -O2 -o echo.wasm echo.c
#include <stdio.h>

int main(int argc, char **argv) {
  fprintf(stderr, "echo on %s\n", argc > 1 ? argv[1] : "?");
  char buffer[65536];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, stdin)) > 0) {
    fwrite(buffer, 1, n, stdout);
  }
  return 0;
}
