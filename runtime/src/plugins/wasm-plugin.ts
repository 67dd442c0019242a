/**
 * Turns a verified wasm plugin into Tools. Load-time checks (sha256, memory cap, imports,
 * exports) happen here, in the parent, before any child process is started.
 */
import { formatError, isLoomError, LoomError } from "../errors.ts";
import type { Tool, ToolResult } from "../tool.ts";
import { sha256Hex } from "./as-build.ts";
import { inputChecker } from "./input-check.ts";
import { limitsOf, type PluginManifest } from "./manifest.ts";
import type { EffectivePermissions } from "./permissions.ts";
import { createWasmHost, type WasmHost } from "./wasm-host.ts";
import { capMemory, checkImports } from "./wasm-module.ts";

export interface WasmPluginOptions {
  manifest: PluginManifest;
  wasm: Uint8Array;
  /** Canonical workspace root. */
  root: string;
  permissions: () => Promise<EffectivePermissions>;
  onLog?: (plugin: string, message: string) => void;
  /** See WasmHostOptions.isolation. */
  isolation?: "auto" | "process";
}

export interface WasmPlugin {
  tools: Tool[];
  host: WasmHost;
}

/** Plugin output that looks like a JSON object or array is passed on parsed; anything else as text. */
function parseOutput(text: string): unknown {
  const t = text.trimStart();
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      return JSON.parse(text);
    } catch {}
  }
  return text;
}

export function errorOutput(e: unknown, plugin: string, tool: string): ToolResult {
  const err = isLoomError(e) ? e : new LoomError("PLUGIN_FAILED", formatError(e));
  return { output: { code: err.code, message: `${plugin}/${tool}: ${err.message}` }, isError: true };
}

export function verifyWasm(manifest: PluginManifest, wasm: Uint8Array): void {
  const actual = sha256Hex(wasm);
  if (actual !== manifest.sha256) {
    throw new LoomError(
      "PLUGIN_INVALID",
      `${manifest.name}: sha256 of ${manifest.entry} is ${actual}, the manifest says ${manifest.sha256}; refusing to load`,
      { field: "sha256" },
    );
  }
}

/** Verifies, caps and checks a plugin's module (the load-time checks), then starts its host. */
export function openWasmHost(opts: WasmPluginOptions): WasmHost {
  const { manifest } = opts;
  verifyWasm(manifest, opts.wasm);
  const limits = limitsOf(manifest);
  const capped = capMemory(opts.wasm, limits.memoryMb * 16, manifest.name);
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(capped as Uint8Array<ArrayBuffer>);
  } catch (e) {
    throw new LoomError(
      "PLUGIN_INVALID",
      `${manifest.name}: ${manifest.entry} does not compile: ${formatError(e)}`,
    );
  }
  checkImports(module, manifest);
  return createWasmHost({
    plugin: manifest.name,
    wasm: capped,
    root: opts.root,
    permissions: opts.permissions,
    limits,
    ...(opts.onLog ? { onLog: opts.onLog } : {}),
    ...(opts.isolation ? { isolation: opts.isolation } : {}),
  });
}

export function loadWasmPlugin(opts: WasmPluginOptions): WasmPlugin {
  const { manifest } = opts;
  const host = openWasmHost(opts);
  const limits = limitsOf(manifest);
  const tools = manifest.tools.map((t): Tool => {
    const check = inputChecker(t.name, t.inputSchema);
    return {
      name: t.name,
      description: t.description,
      inputSchema: t.inputSchema,
      mutating: t.mutating ?? false,
      timeoutMs: limits.timeoutMs,
      source: manifest.name,
      async invoke(input, ctx) {
        try {
          // No input at all is an empty object; anything else (null included) is checked as given.
          const given = input === undefined ? {} : input;
          await check(given);
          const out = await host.call(t.export ?? t.name, JSON.stringify(given), ctx.signal);
          return { output: parseOutput(out) };
        } catch (e) {
          return errorOutput(e, manifest.name, t.name);
        }
      },
    };
  });
  return { tools, host };
}
