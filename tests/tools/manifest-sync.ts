/**
 * Keeps each first-party TS plugin's `loom-plugin.json` tool list identical to what its code defines.
 * `bun tests/tools/manifest-sync.ts` rewrites the manifests; the test in manifests.test.ts checks them.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TsPlugin } from "@loom/runtime/define-tool";

export const TS_TOOL_PLUGINS = ["fs", "bash", "web", "oracle"] as const;
const pluginsDir = join(import.meta.dir, "..", "..", "plugins");

export function manifestPath(plugin: string): string {
  return join(pluginsDir, plugin, "loom-plugin.json");
}

export async function loadPlugin(plugin: string): Promise<TsPlugin> {
  const manifest = JSON.parse(readFileSync(manifestPath(plugin), "utf8")) as { entry: string };
  return ((await import(join(pluginsDir, plugin, manifest.entry))) as { default: TsPlugin }).default;
}

/** The manifest `tools` entries the plugin's code implies. */
export function manifestTools(plugin: TsPlugin): Record<string, unknown>[] {
  return plugin.tools.map((t) => ({
    name: t.name,
    description: t.description,
    inputSchema: t.inputSchema,
    mutating: t.mutating ?? false,
  }));
}

if (import.meta.main) {
  for (const name of TS_TOOL_PLUGINS) {
    const file = manifestPath(name);
    const manifest = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    manifest["tools"] = manifestTools(await loadPlugin(name));
    writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
    console.log(`updated ${file}`);
  }
}
