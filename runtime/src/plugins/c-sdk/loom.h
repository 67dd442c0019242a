/*
 * Loom's C SDK for WASM plugins: one header, no libc. `loom plugin new --lang c` vendors it as
 * include/loom.h. Build (what the scaffold's manifest `build` command runs):
 *
 *   clang --target=wasm32-unknown-unknown -O2 -nostdlib -Iinclude \
 *         -Wl,--no-entry -Wl,--strip-all -o plugin.wasm src/plugin.c
 *
 * (Debian: apt-get install clang lld; clang finds lld's wasm-ld itself.)
 *
 * A tool is an exported function `int name(void)` returning 0 on success; see Loom's
 * specs/plugin-authoring.md ("Host ABI reference") for every import used here. Include this
 * header in exactly one .c file (it defines memcpy/memset and a small bump allocator).
 */
#ifndef LOOM_H
#define LOOM_H

typedef unsigned long long loom_u64;
typedef unsigned long loom_size;

#define LOOM_EXPORT(name) __attribute__((export_name(#name)))
#define LOOM_KERNEL(name) __attribute__((import_module("extism:host/env"), import_name(#name)))
#define LOOM_HOST(name) __attribute__((import_module("extism:host/user"), import_name(#name)))

/* ---- The Extism kernel: blocks, input, output, errors ----------------------------------- */
LOOM_KERNEL(input_length) loom_u64 extism_input_length(void);
LOOM_KERNEL(input_load_u8) unsigned char extism_input_load_u8(loom_u64 index);
LOOM_KERNEL(alloc) loom_u64 extism_alloc(loom_u64 length);
LOOM_KERNEL(free) void extism_free(loom_u64 block);
LOOM_KERNEL(length) loom_u64 extism_length(loom_u64 block);
LOOM_KERNEL(load_u8) unsigned char extism_load_u8(loom_u64 address);
LOOM_KERNEL(store_u8) void extism_store_u8(loom_u64 address, unsigned char byte);
LOOM_KERNEL(output_set) void extism_output_set(loom_u64 block, loom_u64 length);
LOOM_KERNEL(error_set) void extism_error_set(loom_u64 block);

/* ---- Loom's host functions (each needs the manifest permission noted) ------------------- */
LOOM_HOST(read_file) loom_u64 loom_host_read_file(loom_u64 path);                  /* read */
LOOM_HOST(write_file) void loom_host_write_file(loom_u64 path, loom_u64 content);  /* write */
LOOM_HOST(list_dir) loom_u64 loom_host_list_dir(loom_u64 path);                    /* read */
LOOM_HOST(stat) loom_u64 loom_host_stat(loom_u64 path);                            /* read */
LOOM_HOST(http_fetch) loom_u64 loom_host_http_fetch(loom_u64 request);             /* network */
LOOM_HOST(env_get) loom_u64 loom_host_env_get(loom_u64 name);                      /* env */
LOOM_HOST(log) void loom_host_log(loom_u64 message);
LOOM_HOST(abort) void loom_host_abort(loom_u64 message);
LOOM_HOST(emit_event) void loom_host_emit_event(loom_u64 event);                   /* providers */

/* ---- Memory: libc's two builtins clang may call, and a bump allocator ------------------- */
void *memcpy(void *dst, const void *src, loom_size n) {
  unsigned char *d = (unsigned char *)dst;
  const unsigned char *s = (const unsigned char *)src;
  while (n--) *d++ = *s++;
  return dst;
}

void *memset(void *dst, int c, loom_size n) {
  unsigned char *d = (unsigned char *)dst;
  while (n--) *d++ = (unsigned char)c;
  return dst;
}

extern unsigned char __heap_base;
static unsigned long loom_heap_top = 0;

/**
 * Memory that lives until the call ends: `loom_input()` starts each call by resetting the heap
 * (an instance serves many calls). 0 when out of memory (limits.memoryMb).
 */
static void *loom_alloc(loom_size n) {
  if (loom_heap_top == 0) loom_heap_top = (unsigned long)&__heap_base;
  unsigned long start = (loom_heap_top + 7) & ~7ul;
  unsigned long end = start + n;
  unsigned long have = __builtin_wasm_memory_size(0) * 65536ul;
  if (end > have && __builtin_wasm_memory_grow(0, (end - have + 65535) / 65536) == (loom_size)-1) return 0;
  loom_heap_top = end;
  return (void *)start;
}

static loom_size loom_strlen(const char *s) {
  loom_size n = 0;
  while (s[n]) n++;
  return n;
}

/* ---- Blocks <-> guest memory ------------------------------------------------------------- */

/** Copies n bytes into a new Extism block; returns its handle (what host functions take). */
static loom_u64 loom_block(const char *bytes, loom_size n) {
  loom_u64 block = extism_alloc(n);
  for (loom_size i = 0; i < n; i++) extism_store_u8(block + i, (unsigned char)bytes[i]);
  return block;
}

static loom_u64 loom_block_str(const char *s) { return loom_block(s, loom_strlen(s)); }

/** A block's bytes as a NUL-terminated string in guest memory (*len gets the length); frees the block. */
static char *loom_take(loom_u64 block, loom_size *len) {
  loom_size n = block ? (loom_size)extism_length(block) : 0;
  char *out = (char *)loom_alloc(n + 1);
  if (!out) return 0;
  for (loom_size i = 0; i < n; i++) out[i] = (char)extism_load_u8(block + i);
  out[n] = 0;
  if (block) extism_free(block);
  if (len) *len = n;
  return out;
}

/* ---- The call: input, output, errors ----------------------------------------------------- */

/** The call's input (the tool input JSON), NUL-terminated; *len gets its length. Call it first: it resets the heap. */
static char *loom_input(loom_size *len) {
  loom_heap_top = (unsigned long)&__heap_base;
  loom_size n = (loom_size)extism_input_length();
  char *out = (char *)loom_alloc(n + 1);
  if (!out) return 0;
  for (loom_size i = 0; i < n; i++) out[i] = (char)extism_input_load_u8(i);
  out[n] = 0;
  if (len) *len = n;
  return out;
}

/** Sets the call's output: what the model reads (JSON objects/arrays are passed on as JSON). */
static void loom_output(const char *bytes, loom_size n) { extism_output_set(loom_block(bytes, n), n); }

static void loom_output_str(const char *s) { loom_output(s, loom_strlen(s)); }

/** Reports an error the model reads; `return loom_fail("…");` from the export. */
static int loom_fail(const char *message) {
  extism_error_set(loom_block_str(message));
  return 1;
}

/* ---- Host functions with C strings ------------------------------------------------------- */

static char *loom_read_file(const char *path, loom_size *len) {
  return loom_take(loom_host_read_file(loom_block_str(path)), len);
}

static void loom_write_file(const char *path, const char *content, loom_size n) {
  loom_host_write_file(loom_block_str(path), loom_block(content, n));
}

static char *loom_list_dir(const char *path) { return loom_take(loom_host_list_dir(loom_block_str(path)), 0); }

static char *loom_stat(const char *path) { return loom_take(loom_host_stat(loom_block_str(path)), 0); }

static char *loom_http_fetch(const char *request_json) {
  return loom_take(loom_host_http_fetch(loom_block_str(request_json)), 0);
}

static char *loom_env_get(const char *name) { return loom_take(loom_host_env_get(loom_block_str(name)), 0); }

static void loom_log(const char *message) { loom_host_log(loom_block_str(message)); }

static void loom_emit_event(const char *event_json) { loom_host_emit_event(loom_block_str(event_json)); }

/* ---- A little JSON: a top-level string member --------------------------------------------- */

static const char *loom_json_skip_ws(const char *p) {
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
  return p;
}

/* Skips one JSON string starting at its opening quote; returns the byte after the closing quote, or 0. */
static const char *loom_json_skip_string(const char *p) {
  for (p++; *p; p++) {
    if (*p == '\\') {
      if (!*++p) return 0;
    } else if (*p == '"') {
      return p + 1;
    }
  }
  return 0;
}

/* Skips any JSON value; returns the byte after it, or 0 on malformed input. */
static const char *loom_json_skip_value(const char *p) {
  p = loom_json_skip_ws(p);
  if (*p == '"') return loom_json_skip_string(p);
  if (*p == '{' || *p == '[') {
    int depth = 0;
    while (*p) {
      if (*p == '"') {
        p = loom_json_skip_string(p);
        if (!p) return 0;
        continue;
      }
      if (*p == '{' || *p == '[') depth++;
      if (*p == '}' || *p == ']') {
        if (--depth == 0) return p + 1;
      }
      p++;
    }
    return 0;
  }
  while (*p && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n' && *p != '\r' && *p != '\t') p++;
  return p;
}

/**
 * The string value of member `key` of the top-level JSON object `json`, unescaped (\uXXXX
 * becomes UTF-8), NUL-terminated; 0 when there is no such string member.
 */
static char *loom_json_string(const char *json, const char *key) {
  loom_size klen = loom_strlen(key);
  const char *p = loom_json_skip_ws(json);
  if (*p != '{') return 0;
  p++;
  for (;;) {
    p = loom_json_skip_ws(p);
    if (*p != '"') return 0;
    const char *name = p + 1;
    const char *after = loom_json_skip_string(p);
    if (!after) return 0;
    int match = (loom_size)(after - 1 - name) == klen;
    for (loom_size i = 0; match && i < klen; i++) match = name[i] == key[i];
    p = loom_json_skip_ws(after);
    if (*p != ':') return 0;
    p = loom_json_skip_ws(p + 1);
    if (match) {
      if (*p != '"') return 0;
      const char *end = loom_json_skip_string(p);
      if (!end) return 0;
      char *out = (char *)loom_alloc((loom_size)(end - p));
      if (!out) return 0;
      char *o = out;
      for (const char *s = p + 1; s < end - 1; s++) {
        if (*s != '\\') {
          *o++ = *s;
          continue;
        }
        s++;
        switch (*s) {
          case 'n': *o++ = '\n'; break;
          case 't': *o++ = '\t'; break;
          case 'r': *o++ = '\r'; break;
          case 'b': *o++ = '\b'; break;
          case 'f': *o++ = '\f'; break;
          case 'u': {
            unsigned cp = 0;
            for (int i = 1; i <= 4; i++) {
              char c = s[i];
              cp = cp * 16 + (c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 0);
            }
            s += 4;
            if (cp < 0x80) {
              *o++ = (char)cp;
            } else if (cp < 0x800) {
              *o++ = (char)(0xC0 | (cp >> 6));
              *o++ = (char)(0x80 | (cp & 0x3F));
            } else {
              *o++ = (char)(0xE0 | (cp >> 12));
              *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
              *o++ = (char)(0x80 | (cp & 0x3F));
            }
            break;
          }
          default: *o++ = *s; /* \" \\ \/ */
        }
      }
      *o = 0;
      return out;
    }
    p = loom_json_skip_value(p);
    if (!p) return 0;
    p = loom_json_skip_ws(p);
    if (*p != ',') return 0;
    p++;
  }
}

/** Writes the decimal digits of n at out (no NUL); returns how many. */
static loom_size loom_format_u64(loom_u64 n, char *out) {
  char tmp[20];
  loom_size k = 0;
  do {
    tmp[k++] = (char)('0' + n % 10);
    n /= 10;
  } while (n);
  for (loom_size i = 0; i < k; i++) out[i] = tmp[k - 1 - i];
  return k;
}

#endif
