// Command form with host services, the ABI as C sees it: stores the payload under "last",
// reads it back and writes what it read to stdout. A failed call's reason goes to stderr.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NEX_OK 0

__attribute__((import_module("nex"), import_name("kv_set")))
int32_t nex_kv_set(const char *key, size_t key_len, const uint8_t *value, size_t value_len, uint32_t out[2]);

__attribute__((import_module("nex"), import_name("kv_get")))
int32_t nex_kv_get(const char *key, size_t key_len, uint32_t out[2]);

// The host places results in memory from here; the instance ends with the invocation.
__attribute__((export_name("alloc")))
void *alloc(int32_t length) {
  return malloc(length);
}

static int fail(const char *call, int32_t status, const uint32_t out[2]) {
  fprintf(stderr, "%s: status %d: %.*s\n", call, status, (int) out[1], (const char *) (uintptr_t) out[0]);
  return 1;
}

int main(void) {
  size_t length = 0, capacity = 4096;
  uint8_t *payload = malloc(capacity);
  size_t n;
  while ((n = fread(payload + length, 1, capacity - length, stdin)) > 0) {
    length += n;
    if (length == capacity) {
      payload = realloc(payload, capacity *= 2);
    }
  }
  uint32_t out[2];
  int32_t status = nex_kv_set("last", 4, payload, length, out);
  if (status != NEX_OK) {
    return fail("kv_set", status, out);
  }
  status = nex_kv_get("last", 4, out);
  if (status != NEX_OK) {
    return fail("kv_get", status, out);
  }
  fwrite((const void *) (uintptr_t) out[0], 1, out[1], stdout);
  return 0;
}
