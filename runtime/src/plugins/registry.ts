/**
 * One registry for every tool, whatever its source. Plugins are taken in precedence order
 * (built-in, user, config paths, workspace, npm); on a tool-name clash the first one keeps the
 * name and the clash is listed in `conflicts` and `warnings` — never silently shadowed.
 */

import { formatError, LoomError } from "../errors.ts";
import type { Tool } from "../tool.ts";
import { canonicalWorkspaceRoot } from "../tools/workspace-path.ts";
import { lazyWasmTools } from "./lazy-wasm-tools.ts";
import type { PluginManifest, PluginPermissions } from "./manifest.ts";
import { type AskConsent, declaredPermissions, resolvePermissions } from "./permissions.ts";
import {
  type BuiltinPlugin,
  type DiscoverOptions,
  discoverPlugins,
  type PluginCandidate,
  type PluginSourceKind,
} from "./sources.ts";
import { tsPluginTools } from "./ts-plugin.ts";
import { loadWasmPlugin, type WasmPlugin } from "./wasm-plugin.ts";

/** The parts of the Loom config the registry reads (a structural subset of LoomConfig). */
export interface RegistryConfig {
  plugins?: { paths?: string[]; grants?: Record<string, PluginPermissions> };
  tools?: { disabled?: string[] };
}

export interface ToolRegistryOptions {
  workspaceRoot: string;
  config?: RegistryConfig;
  builtins?: BuiltinPlugin[];
  /** Interactive first-use consent; absent (non-interactive) means ungranted permissions are denied. */
  consent?: AskConsent;
  /** Default `$XDG_DATA_HOME/loom/plugins`. */
  userPluginDir?: string;
  /** Scan the workspace's node_modules for packages with a manifest (default true). */
  npm?: boolean;
  /** Load TS plugins from outside the built-ins (they run unsandboxed, in-process). Default false. */
  allowTsPlugins?: boolean;
  onLog?: (plugin: string, message: string) => void;
  /**
   * Grants recorded by `loom plugin install` in the user's lockfile, keyed by plugin name; they
   * apply to user plugins only, on top of the config's grants.
   */
  installedGrants?: Record<string, PluginPermissions>;
}

export interface PluginInfo {
  name: string;
  version: string;
  kind: PluginManifest["kind"];
  runtime: PluginManifest["runtime"];
  source: PluginSourceKind;
  dir?: string;
  tools: string[];
  /** Why the plugin is not loaded, if it is not. */
  error?: string;
}

export interface ToolConflict {
  tool: string;
  /** `plugin (source)` that keeps the name. */
  kept: string;
  /** `plugin (source)` whose tool was not registered. */
  dropped: string;
}

export interface ToolRegistry {
  readonly tools: Tool[];
  get(name: string): Tool | undefined;
  readonly plugins: PluginInfo[];
  readonly conflicts: ToolConflict[];
  readonly warnings: string[];
  /** Stops every plugin child process. */
  close(): void;
}

/** Both grants: paths, hosts and names together, exec when either allows it. */
export function unionGrants(a: PluginPermissions | undefined, b: PluginPermissions): PluginPermissions {
  const out: PluginPermissions = {};
  for (const k of ["read", "write", "network", "env"] as const) {
    const values = [...new Set([...(a?.[k] ?? []), ...(b[k] ?? [])])];
    if (values.length > 0) out[k] = values;
  }
  if (a?.exec || b.exec) out.exec = true;
  return out;
}

const label = (c: PluginCandidate): string => `${c.manifest.name} (${c.source})`;

async function loadTools(
  c: PluginCandidate,
  root: string,
  opts: ToolRegistryOptions,
): Promise<{ tools: Tool[]; close?: () => void }> {
  const { manifest } = c;
  if (manifest.kind !== "tool") return { tools: [] };
  const trusted = c.source === "builtin";
  const configured = opts.config?.plugins?.grants?.[manifest.name];
  const installed = c.source === "user" ? opts.installedGrants?.[manifest.name] : undefined;
  const grant = installed ? unionGrants(configured, installed) : configured;
  const permissions = trusted
    ? async () => declaredPermissions(manifest)
    : () => resolvePermissions(manifest, grant, opts.consent);
  if (manifest.runtime === "ts") {
    if (!trusted && !opts.allowTsPlugins) {
      throw new LoomError(
        "PLUGIN_INVALID",
        `${label(c)}: TypeScript plugins run unsandboxed and are only loaded from built-ins; ship it as wasm`,
      );
    }
    return { tools: tsPluginTools(manifest, await c.load(), await permissions()) };
  }
  const load = async (): Promise<WasmPlugin> => {
    const wasm = await c.load();
    if (!(wasm instanceof Uint8Array))
      throw new LoomError("PLUGIN_INVALID", `${label(c)}: wasm entry did not load as bytes`);
    return loadWasmPlugin({
      manifest,
      wasm,
      root,
      permissions,
      ...(opts.onLog ? { onLog: opts.onLog } : {}),
    });
  };
  // A built-in's module is part of Loom itself: verified and compiled on its first call (a run that
  // never edits does not pay for it). Any other plugin is checked now, so a bad one is never listed.
  if (trusted) return lazyWasmTools(manifest, load);
  const plugin = await load();
  return { tools: plugin.tools, close: () => plugin.host.close() };
}

/**
 * Discovers, validates and loads every plugin, and indexes their tools by name.
 * @example
 * const registry = await createToolRegistry({ workspaceRoot: process.cwd(), config, builtins });
 * await registry.get("edit_file")?.invoke({ path: "a.ts", edits: [...] }, ctx);
 */
export async function createToolRegistry(opts: ToolRegistryOptions): Promise<ToolRegistry> {
  const root = canonicalWorkspaceRoot(opts.workspaceRoot);
  const discover: DiscoverOptions = {
    workspaceRoot: root,
    builtins: opts.builtins ?? [],
    paths: opts.config?.plugins?.paths ?? [],
    ...(opts.userPluginDir !== undefined ? { userDir: opts.userPluginDir } : {}),
    ...(opts.npm !== undefined ? { npm: opts.npm } : {}),
  };
  const { candidates, warnings } = await discoverPlugins(discover);
  const disabled = new Set(opts.config?.tools?.disabled ?? []);
  const byName = new Map<string, { tool: Tool; owner: string }>();
  const plugins: PluginInfo[] = [];
  const conflicts: ToolConflict[] = [];
  const closers: Array<() => void> = [];
  const seenPlugins = new Map<string, string>();

  for (const c of candidates) {
    const info: PluginInfo = {
      name: c.manifest.name,
      version: c.manifest.version,
      kind: c.manifest.kind,
      runtime: c.manifest.runtime,
      source: c.source,
      ...(c.dir !== undefined ? { dir: c.dir } : {}),
      tools: [],
    };
    plugins.push(info);
    const earlier = seenPlugins.get(c.manifest.name);
    if (earlier !== undefined) {
      info.error = `plugin name already taken by ${earlier}`;
      warnings.push(`${label(c)}: not loaded, ${info.error}`);
      continue;
    }
    seenPlugins.set(c.manifest.name, label(c));
    try {
      const loaded = await loadTools(c, root, opts);
      if (loaded.close) closers.push(loaded.close);
      for (const tool of loaded.tools) {
        if (disabled.has(tool.name)) continue;
        const prior = byName.get(tool.name);
        if (prior) {
          conflicts.push({ tool: tool.name, kept: prior.owner, dropped: label(c) });
          warnings.push(`tool ${tool.name} of ${label(c)} clashes with ${prior.owner}, which keeps the name`);
          continue;
        }
        byName.set(tool.name, { tool, owner: label(c) });
        info.tools.push(tool.name);
      }
    } catch (e) {
      info.error = formatError(e);
      warnings.push(`${label(c)}: not loaded: ${info.error}`);
    }
  }

  return {
    tools: [...byName.values()].map((x) => x.tool),
    get: (name) => byName.get(name)?.tool,
    plugins,
    conflicts,
    warnings,
    close() {
      for (const close of closers) close();
    },
  };
}
