/**
 * Where plugins come from. Each source yields candidates (a validated manifest plus a loader);
 * nothing is compiled or imported here. Precedence, highest first: built-in, user, extra paths
 * from config, workspace, npm packages of the workspace.
 */
import { existsSync, readdirSync, realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import { formatError } from "../errors.ts";
import { dataDir, type Env } from "../paths.ts";
import { type PluginManifest, readManifestSync } from "./manifest.ts";

export type PluginSourceKind = "builtin" | "user" | "path" | "workspace" | "npm";

/** What a plugin entry loads to: wasm bytes, or a TS module (default export from `definePlugin`). */
export type PluginEntry = Uint8Array | { default?: unknown };

/**
 * A plugin shipped inside Loom. `load` is a literal dynamic import (or a read of the wasm file)
 * so `bun build --compile` bundles it. Its manifest is trusted (see builtinCandidate).
 * @example { manifest: editManifest, load: () => Bun.file(editWasmPath).bytes() }
 */
export interface BuiltinPlugin {
  manifest: unknown;
  load: () => Promise<PluginEntry>;
  /**
   * The plugin's folder on disk when there is one (running from a checkout; not inside the
   * compiled binary), so the same folder found again (through `node_modules`) is not a second
   * plugin. Called only when a folder source has candidates.
   */
  dir?: () => string | undefined;
}

export interface PluginCandidate {
  manifest: PluginManifest;
  source: PluginSourceKind;
  /** Folder the manifest was found in (absent for built-ins). */
  dir?: string;
  load: () => Promise<PluginEntry>;
}

export interface Discovery {
  candidates: PluginCandidate[];
  /** Plugins that could not be read, one line each. */
  warnings: string[];
}

/** `$XDG_DATA_HOME/loom/plugins` (or `~/.local/share/loom/plugins`). */
export function userPluginDir(env: Env = process.env): string {
  return join(dataDir(env), "plugins");
}

/**
 * Built-in manifests ship inside Loom and are checked by its tests (cli/src/builtins.test.ts),
 * not at every start: validating them cost more than the rest of plugin discovery.
 */
export function builtinCandidate(b: BuiltinPlugin): PluginCandidate {
  return { manifest: b.manifest as PluginManifest, source: "builtin", load: b.load };
}

/** The directory loader: `dir/loom-plugin.json` and the entry it names. */
export async function readPluginDir(dir: string, source: PluginSourceKind): Promise<PluginCandidate> {
  return readPluginDirSync(dir, source);
}

export function readPluginDirSync(dir: string, source: PluginSourceKind): PluginCandidate {
  const abs = resolve(dir);
  const manifest = readManifestSync(join(abs, "loom-plugin.json"));
  const entry = join(abs, manifest.entry);
  const load = async (): Promise<PluginEntry> =>
    manifest.runtime === "wasm" ? new Uint8Array(await Bun.file(entry).arrayBuffer()) : await import(entry);
  return { manifest, source, dir: abs, load };
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() || d.isSymbolicLink())
      .map((d) => join(dir, d.name))
      .sort();
  } catch {
    return [];
  }
}

/** Plugin folders under `dir`: `dir` itself when it holds a manifest, else its children that do. */
export function pluginDirsIn(dir: string): string[] {
  if (existsSync(join(dir, "loom-plugin.json"))) return [dir];
  return subdirs(dir).filter((d) => existsSync(join(d, "loom-plugin.json")));
}

/** `node_modules/<pkg>/loom-plugin.json` and `node_modules/@scope/<pkg>/loom-plugin.json`. */
export function npmPluginDirs(workspaceRoot: string): string[] {
  const nm = join(workspaceRoot, "node_modules");
  const out: string[] = [];
  for (const d of subdirs(nm)) {
    const scoped = d.slice(nm.length + 1).startsWith("@");
    for (const pkg of scoped ? subdirs(d) : [d]) {
      if (existsSync(join(pkg, "loom-plugin.json"))) out.push(pkg);
    }
  }
  return out;
}

export interface DiscoverOptions {
  workspaceRoot: string;
  builtins?: BuiltinPlugin[];
  userDir?: string;
  /** Extra directories (config `plugins.paths`). */
  paths?: string[];
  npm?: boolean;
}

function realDir(dir: string): string | undefined {
  try {
    return realpathSync(dir);
  } catch {
    return undefined;
  }
}

/**
 * All candidates in precedence order; a plugin that cannot be read becomes a warning. A folder
 * found again at the same real path (a workspace package linked into `node_modules`, a
 * `plugins.paths` entry naming the user folder) is the same plugin and is skipped silently.
 */
export async function discoverPlugins(opts: DiscoverOptions): Promise<Discovery> {
  return discoverPluginsSync(opts);
}

/** `discoverPlugins` without a promise (reading manifests is synchronous anyway). */
export function discoverPluginsSync(opts: DiscoverOptions): Discovery {
  const candidates: PluginCandidate[] = [];
  const warnings: string[] = [];
  for (const b of opts.builtins ?? []) {
    try {
      candidates.push(builtinCandidate(b));
    } catch (e) {
      warnings.push(formatError(e));
    }
  }
  const dirs: Array<[string, PluginSourceKind]> = [
    ...pluginDirsIn(opts.userDir ?? userPluginDir()).map((d): [string, PluginSourceKind] => [d, "user"]),
    ...(opts.paths ?? []).flatMap((p) => pluginDirsIn(p).map((d): [string, PluginSourceKind] => [d, "path"])),
    ...pluginDirsIn(join(opts.workspaceRoot, ".loom", "plugins")).map((d): [string, PluginSourceKind] => [
      d,
      "workspace",
    ]),
    ...(opts.npm === false ? [] : npmPluginDirs(opts.workspaceRoot)).map((d): [string, PluginSourceKind] => [
      d,
      "npm",
    ]),
  ];
  const seen = new Set<string>();
  if (dirs.length > 0) {
    for (const b of opts.builtins ?? []) {
      const d = b.dir?.();
      const real = d === undefined ? undefined : realDir(d);
      if (real) seen.add(real);
    }
  }
  for (const [dir, source] of dirs) {
    const real = realDir(dir);
    if (real !== undefined) {
      if (seen.has(real)) continue;
      seen.add(real);
    }
    try {
      candidates.push(readPluginDirSync(dir, source));
    } catch (e) {
      warnings.push(formatError(e));
    }
  }
  return { candidates, warnings };
}

/**
 * Provider plugins (manifest `kind: "provider"`) in precedence order, the first of each name
 * only; built-ins excluded (the CLI carries its first-party providers itself). A folder that
 * cannot be read is skipped here; `loom plugin list` reports it.
 */
export function providerPlugins(discover: DiscoverOptions): PluginCandidate[] {
  const seen = new Set<string>();
  const out: PluginCandidate[] = [];
  for (const c of discoverPluginsSync({ ...discover, builtins: [] }).candidates) {
    if (seen.has(c.manifest.name)) continue;
    seen.add(c.manifest.name);
    if (c.manifest.kind === "provider") out.push(c);
  }
  return out;
}
