/*
 * word_count in C: counts the words and lines of {"text": …} or of a workspace file {"path": …}.
 * Built by `loom plugin build` with the manifest's `build` command (clang → wasm32).
 */
#include "loom.h"

LOOM_EXPORT(run) int run(void) {
  char *input = loom_input(0);
  if (!input) return loom_fail("out of memory");
  loom_size n = 0;
  char *body = loom_json_string(input, "text");
  if (body) {
    n = loom_strlen(body);
  } else {
    char *path = loom_json_string(input, "path");
    if (!path) return loom_fail("give text or path");
    body = loom_read_file(path, &n); /* host function; needs permissions.read */
    loom_log("read a file");
  }

  loom_u64 words = 0, lines = 0;
  int in_word = 0;
  for (loom_size i = 0; i < n; i++) {
    char c = body[i];
    int space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (c == '\n') lines++;
    if (!space && !in_word) words++;
    in_word = !space;
  }
  if (n > 0 && body[n - 1] != '\n') lines++;

  char out[64];
  loom_size k = 0;
  const char *a = "{\"words\":", *b = ",\"lines\":";
  for (const char *s = a; *s; s++) out[k++] = *s;
  k += loom_format_u64(words, out + k);
  for (const char *s = b; *s; s++) out[k++] = *s;
  k += loom_format_u64(lines, out + k);
  out[k++] = '}';
  loom_output(out, k);
  return 0;
}
