/**
 * The checks a plugin folder passes before it is packed or installed: the manifest as loading reads
 * it, a wasm runtime (TypeScript plugins would run unsandboxed), the wasm's sha256, and the module
 * itself (imports, exports) exactly as the registry loads it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LoomError } from "@loom/runtime/errors";
import type { PluginManifest } from "@loom/runtime/plugins/manifest";
import { NO_PERMISSIONS } from "@loom/runtime/plugins/permissions";
import { readPluginDir } from "@loom/runtime/plugins/sources";
import { loadWasmPlugin } from "@loom/runtime/plugins/wasm-plugin";

export interface CheckedPlugin {
  manifest: PluginManifest;
  wasm: Uint8Array;
}

export async function checkPluginDir(dir: string): Promise<CheckedPlugin> {
  const { manifest, load } = await readPluginDir(dir, "user");
  if (manifest.runtime !== "wasm") {
    throw new LoomError(
      "PLUGIN_INVALID",
      `${manifest.name}: only wasm plugins can be installed (TypeScript plugins run unsandboxed)`,
    );
  }
  let wasm: Awaited<ReturnType<typeof load>>;
  try {
    wasm = await load();
  } catch {
    throw new LoomError(
      "PLUGIN_INVALID",
      `${manifest.name}: entry ${manifest.entry} is missing (build it first: loom plugin build)`,
    );
  }
  if (!(wasm instanceof Uint8Array))
    throw new LoomError("PLUGIN_INVALID", `${manifest.name}: entry is not wasm`);
  const scratch = mkdtempSync(join(tmpdir(), "loom-check-"));
  try {
    loadWasmPlugin({ manifest, wasm, root: scratch, permissions: async () => NO_PERMISSIONS }).host.close();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { manifest, wasm };
}
