/**
 * In-process TypeScript plugins (trusted code: built-ins, or what the caller explicitly allows).
 * Every call goes through one wrapper that names the plugin and tool in errors and hands the
 * tool its granted capabilities.
 */
import { formatError, isLoomError, LoomError } from "../errors.ts";
import type { Tool, ToolCapabilities, ToolResult } from "../tool.ts";
import type { PluginManifest, PluginTool } from "./manifest.ts";
import type { EffectivePermissions } from "./permissions.ts";
import type { PluginEntry } from "./sources.ts";

function isToolList(x: unknown): x is Tool[] {
  return Array.isArray(x) && x.every((t) => typeof t?.name === "string" && typeof t?.invoke === "function");
}

export function capabilitiesOf(p: EffectivePermissions): ToolCapabilities {
  return { read: p.read.length > 0, write: p.write.length > 0, exec: p.exec, network: p.network, env: p.env };
}

function failure(e: unknown, plugin: string, tool: string): ToolResult {
  const err = isLoomError(e) ? e : new LoomError("PLUGIN_FAILED", formatError(e));
  return { output: { code: err.code, message: `${plugin}/${tool}: ${err.message}` }, isError: true };
}

/** The tools of a TS plugin module that the manifest lists (by `export`, default `name`), or all of them. */
export function tsPluginTools(
  manifest: PluginManifest,
  entry: PluginEntry,
  permissions: EffectivePermissions,
): Tool[] {
  const fail = (msg: string): never => {
    throw new LoomError("PLUGIN_INVALID", `${manifest.name}: ${msg}`, { plugin: manifest.name });
  };
  if (entry instanceof Uint8Array) return fail(`runtime is "ts" but ${manifest.entry} loaded as bytes`);
  const plugin = (entry.default ?? entry) as { tools?: unknown };
  if (!isToolList(plugin.tools))
    return fail(`${manifest.entry} must default-export definePlugin({ name, version, tools })`);
  const byName = new Map(plugin.tools.map((t) => [t.name, t]));
  const capabilities = capabilitiesOf(permissions);
  // A TS manifest may leave `tools` empty: the module's own definitions (TypeBox schemas) are the source.
  const specs =
    manifest.tools.length > 0
      ? manifest.tools
      : plugin.tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema }));
  return specs.map((spec: PluginTool, i) => {
    const tool =
      byName.get(spec.export ?? spec.name) ??
      fail(`tools.${i}: ${manifest.entry} exports no tool '${spec.export ?? spec.name}'`);
    const timeoutMs = manifest.limits?.timeoutMs ?? tool.timeoutMs;
    return {
      ...tool,
      name: spec.name,
      source: manifest.name,
      mutating: tool.mutating ?? spec.mutating ?? false,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      async invoke(input, ctx) {
        try {
          return await tool.invoke(input, { ...ctx, capabilities });
        } catch (e) {
          return failure(e, manifest.name, spec.name);
        }
      },
    };
  });
}
