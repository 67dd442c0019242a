/**
 * Load-time checks and rewrites of a plugin's wasm binary, before it is ever instantiated:
 * - `capMemory` writes a maximum into the module's own memory section, because Extism's
 *   `memory.maxPages` only counts Extism blocks, not the guest's linear memory (FACTS.md);
 * - `checkImports` refuses imports the host does not provide or the manifest did not ask for.
 */
import { LoomError } from "../errors.ts";
import { HOST_FUNCTIONS, type HostFunctionName, permissionFor } from "./host-function-names.ts";
import type { PluginManifest } from "./manifest.ts";

const MEMORY_SECTION = 5;
export const WASM_PAGE = 64 * 1024;

function readLeb(bytes: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  let i = at;
  for (let n = 0; n < 5; n++) {
    const b = bytes[i++];
    if (b === undefined) throw new Error("truncated LEB128");
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return { value, next: i };
    shift += 7;
  }
  throw new Error("LEB128 too long");
}

function leb(value: number): number[] {
  const out: number[] = [];
  let v = value;
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

/**
 * Returns a copy of `wasm` whose defined memories have at most `maxPages` pages (64 KiB each).
 * A module whose initial size is already above the cap is refused.
 */
export function capMemory(wasm: Uint8Array, maxPages: number, plugin = "plugin"): Uint8Array {
  if (wasm[0] !== 0 || wasm[1] !== 0x61 || wasm[2] !== 0x73 || wasm[3] !== 0x6d) {
    throw new LoomError("PLUGIN_INVALID", `${plugin}: entry is not a wasm module`);
  }
  const parts: Uint8Array[] = [wasm.subarray(0, 8)];
  let at = 8;
  while (at < wasm.length) {
    const id = wasm[at]!;
    const size = readLeb(wasm, at + 1);
    const end = size.next + size.value;
    if (id !== MEMORY_SECTION) {
      parts.push(wasm.subarray(at, end));
      at = end;
      continue;
    }
    const count = readLeb(wasm, size.next);
    const body: number[] = [...leb(count.value)];
    let p = count.next;
    for (let i = 0; i < count.value; i++) {
      const flags = wasm[p]!;
      if (flags > 1)
        throw new LoomError("PLUGIN_INVALID", `${plugin}: shared or 64-bit memories are not supported`);
      const min = readLeb(wasm, p + 1);
      p = min.next;
      let max = maxPages;
      if (flags === 1) {
        const declared = readLeb(wasm, p);
        p = declared.next;
        max = Math.min(declared.value, maxPages);
      }
      if (min.value > maxPages) {
        throw new LoomError(
          "PLUGIN_INVALID",
          `${plugin}: needs ${min.value} memory pages at start, the limit is ${maxPages} (limits.memoryMb)`,
        );
      }
      body.push(1, ...leb(min.value), ...leb(max));
    }
    parts.push(Uint8Array.from([MEMORY_SECTION, ...leb(body.length), ...body]));
    at = end;
  }
  const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of parts) {
    out.set(x, o);
    o += x.length;
  }
  return out;
}

const KERNEL = "extism:host/env";
const USER = "extism:host/user";

/**
 * Throws PLUGIN_INVALID when the module imports something Loom does not provide, a host function
 * whose permission the manifest does not declare, or an imported memory (it could not be capped).
 */
export function checkImports(module: WebAssembly.Module, manifest: PluginManifest): void {
  const fail = (msg: string): never => {
    throw new LoomError("PLUGIN_INVALID", `${manifest.name}: ${msg}`, { plugin: manifest.name });
  };
  for (const imp of WebAssembly.Module.imports(module)) {
    const what = `import "${imp.module}" "${imp.name}"`;
    if (imp.kind !== "function") fail(`${what} is a ${imp.kind}; only function imports are allowed`);
    if (imp.module === KERNEL) continue;
    if (imp.module !== USER) {
      fail(`${what} is not provided by Loom (host functions live in "${USER}"; WASI is not offered)`);
    }
    if (!(HOST_FUNCTIONS as readonly string[]).includes(imp.name)) {
      fail(`${what}: no such host function (available: ${HOST_FUNCTIONS.join(", ")})`);
    }
    const needs = permissionFor(imp.name as HostFunctionName);
    if (needs.key === "none") continue;
    const declared = manifest.permissions?.[needs.key] ?? [];
    if (declared.length === 0) {
      fail(`${what} needs permissions.${needs.key}, which the manifest does not declare`);
    }
  }
  const exported = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  manifest.tools.forEach((t, i) => {
    const name = t.export ?? t.name;
    if (!exported.has(name)) fail(`tools.${i}: export '${name}' not found in the wasm module`);
  });
}
