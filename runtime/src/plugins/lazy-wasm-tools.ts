/**
 * A wasm plugin's tools whose module is verified, compiled and hosted on the first call to any of
 * them (`loadWasmPlugin` then), not when the registry is built. Used for built-in plugins only.
 */
import type { Tool } from "../tool.ts";
import { limitsOf, type PluginManifest } from "./manifest.ts";
import { errorOutput, type WasmPlugin } from "./wasm-plugin.ts";

export function lazyWasmTools(
  manifest: PluginManifest,
  load: () => Promise<WasmPlugin>,
): { tools: Tool[]; close: () => void } {
  let loading: Promise<WasmPlugin> | undefined;
  let closed = false;
  const plugin = (): Promise<WasmPlugin> => {
    // After close() nothing starts a host that nobody would close.
    if (closed && !loading) return Promise.reject(new Error("plugin closed"));
    loading ??= load();
    return loading;
  };
  const { timeoutMs } = limitsOf(manifest);
  const tools = manifest.tools.map(
    (t): Tool => ({
      name: t.name,
      description: t.description,
      inputSchema: t.inputSchema,
      mutating: t.mutating ?? false,
      timeoutMs,
      source: manifest.name,
      async invoke(input, ctx) {
        let loaded: WasmPlugin;
        try {
          loaded = await plugin();
        } catch (e) {
          return errorOutput(e, manifest.name, t.name);
        }
        const tool = loaded.tools.find((x) => x.name === t.name);
        if (!tool) return errorOutput(new Error("tool missing from its plugin"), manifest.name, t.name);
        return tool.invoke(input, ctx);
      },
    }),
  );
  return {
    tools,
    close() {
      closed = true;
      loading?.then(
        (p) => p.host.close(),
        () => undefined,
      );
    },
  };
}
