/**
 * Load-time checks and rewrites of a plugin's wasm binary, before it is ever instantiated:
 * - `capMemory` writes a maximum into the module's own memory section, because Extism's
 *   `memory.maxPages` only counts Extism blocks, not the guest's linear memory (FACTS.md);
 * - `checkImports` refuses imports the host does not provide or the manifest did not ask for.
 */
import { LoomError } from "../errors.ts";
import {
  HOST_FUNCTIONS,
  type HostFunctionName,
  PROVIDER_ONLY,
  permissionFor,
} from "./host-function-names.ts";
import { DEFAULT_PROVIDER_EXPORT, type PluginManifest } from "./manifest.ts";
import { leb, Reader, readSections, writeModule } from "./wasm-bytes.ts";

const MEMORY_SECTION = 5;
export const WASM_PAGE = 64 * 1024;

/**
 * Returns a copy of `wasm` whose defined memories have at most `maxPages` pages (64 KiB each).
 * A module whose initial size is already above the cap is refused.
 */
export function capMemory(wasm: Uint8Array, maxPages: number, plugin = "plugin"): Uint8Array {
  if (wasm[0] !== 0 || wasm[1] !== 0x61 || wasm[2] !== 0x73 || wasm[3] !== 0x6d) {
    throw new LoomError("PLUGIN_INVALID", `${plugin}: entry is not a wasm module`);
  }
  const sections = readSections(wasm).map((s) => {
    if (s.id !== MEMORY_SECTION) return s;
    const r = new Reader(s.body);
    const count = r.u32();
    const body: number[] = leb(count);
    for (let i = 0; i < count; i++) {
      const flags = r.byte();
      if (flags > 1)
        throw new LoomError("PLUGIN_INVALID", `${plugin}: shared or 64-bit memories are not supported`);
      const min = r.u32();
      const max = flags === 1 ? Math.min(r.u32(), maxPages) : maxPages;
      if (min > maxPages) {
        throw new LoomError(
          "PLUGIN_INVALID",
          `${plugin}: needs ${min} memory pages at start, the limit is ${maxPages} (limits.memoryMb)`,
        );
      }
      body.push(1, ...leb(min), ...leb(max));
    }
    return { id: s.id, body: Uint8Array.from(body) };
  });
  return writeModule(wasm.subarray(0, 8), sections);
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
    if (manifest.kind !== "provider" && PROVIDER_ONLY.includes(imp.name as HostFunctionName)) {
      fail(`${what} is only offered to provider plugins (kind "provider")`);
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
  if (manifest.kind === "provider") {
    const name = manifest.provider?.export ?? DEFAULT_PROVIDER_EXPORT;
    if (!exported.has(name)) fail(`provider.export: export '${name}' not found in the wasm module`);
  }
}
