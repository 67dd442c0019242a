// A deliberately misbehaving plugin: each export attacks one of the host's limits.
import { envGet, fail, httpFetch, input, jsonError, jsonString, log, output, parseJson, readFile, writeFile } from "../../../../runtime/src/plugins/as-sdk/loom.as";

export function echo(): i32 {
  output(input());
  return 0;
}

export function loop(): i32 {
  let x: i32 = 0;
  while (x >= 0) x = (x + 1) & 0x3fffffff;
  return x;
}

// Changes the workspace, then never returns: the call cannot be run a second time elsewhere.
export function write_then_loop(): i32 {
  writeFile("written-before-loop.txt", "x");
  return loop();
}

// Logs once, then never returns.
export function log_then_loop(): i32 {
  log("about to loop");
  return loop();
}

function fib(n: i32): i32 {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

// Recursion without a loop that would run for minutes.
export function slow_recursion(): i32 {
  output(fib(60).toString());
  return 0;
}

export function alloc(): i32 {
  const keep: ArrayBuffer[] = [];
  for (let i = 0; i < 1_000_000; i++) keep.push(new ArrayBuffer(1 << 20));
  output(keep.length.toString());
  return 0;
}

@external("extism:host/env", "alloc")
declare function extism_alloc(n: u64): u64;

// Asks the Extism kernel (host memory, outside the capped linear memory) for 64 KiB blocks,
// 256 MiB in all, never freeing and ignoring refusals.
export function kernel_alloc(): i32 {
  let granted = 0;
  for (let i = 0; i < 4096; i++) if (extism_alloc(65536) != 0) granted++;
  output(granted.toString());
  return 0;
}

// A flood of 1-byte kernel blocks (a million), never freed: cheap to ask for, not free to keep.
export function kernel_alloc_tiny(): i32 {
  let granted = 0;
  for (let i = 0; i < 1_000_000; i++) if (extism_alloc(1) != 0) granted++;
  output(granted.toString());
  return 0;
}

// Frees each kernel block before asking for the next: 256 MiB in all, never more than 64 KiB held.
export function kernel_alloc_free(): i32 {
  let granted = 0;
  for (let i = 0; i < 4096; i++) {
    const block = extism_alloc(65536);
    if (block != 0) granted++;
    extism_free(block);
  }
  output(granted.toString());
  return 0;
}

@external("extism:host/env", "free")
declare function extism_free(offset: u64): void;

// Writes an output, then reports failure through its return code only (no error_set).
export function returns_seven(): i32 {
  output("looks fine");
  return 7;
}

export function huge_output(): i32 {
  output("x".repeat(1024 * 1024));
  return 0;
}

export function trap(): i32 {
  unreachable();
  return 0;
}

export function bad_abort(): i32 {
  assert(false, "invariant broken");
  return 0;
}

function field(name: string): string | null {
  const v = parseJson(input());
  if (v === null) {
    fail("bad JSON: " + jsonError);
    return null;
  }
  const f = v.get(name);
  if (f === null || !f.isString()) {
    fail(name + " must be a string");
    return null;
  }
  return f.str;
}

export function read_path(): i32 {
  const path = field("path");
  if (path === null) return 1;
  output(readFile(path));
  return 0;
}

export function write_path(): i32 {
  const path = field("path");
  const content = field("content");
  if (path === null || content === null) return 1;
  writeFile(path, content);
  output("ok");
  return 0;
}

export function fetch_url(): i32 {
  const url = field("url");
  if (url === null) return 1;
  output(httpFetch('{"url":' + jsonString(url) + "}"));
  return 0;
}

export function get_env(): i32 {
  const name = field("name");
  if (name === null) return 1;
  output(envGet(name));
  return 0;
}
